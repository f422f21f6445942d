//! Escaping of text and attribute values, and the checks that keep the output well-formed:
//! characters XML 1.0 cannot carry and invalid names are refused, never written.

use std::io::{self, Write};

/// The error for a value or name XML cannot carry.
fn refused(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

/// Whether [`escape`] looks at byte `b` inside an attribute value (`attr`) or in text:
/// controls, `&`, `<`, `>`, the first byte of U+FFFE and U+FFFF, and in attributes `"` (in
/// text, tabs and line feeds are left as they are). Comparisons only: [`plain`] runs it on many
/// bytes at a time, and [`NOTICED`] is built from it.
#[inline(always)]
const fn noticed(b: u8, attr: bool) -> bool {
    let control = (b < 0x20) & (attr | ((b != b'\t') & (b != b'\n')));
    let markup = (b == b'&') | (b == b'<') | (b == b'>') | (attr & (b == b'"'));
    control | markup | (b == 0xEF)
}

/// [`noticed`] for every byte value, in attributes (`attr`) or in text.
const fn table(attr: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = noticed(b as u8, attr);
        b += 1;
    }
    table
}

/// The bytes [`escape`] looks at one by one, whatever the context (and [`plain`]'s short
/// values in attributes): [`noticed`] in attributes, which is every byte it notices in text
/// too.
const NOTICED: [bool; 256] = table(true);

/// [`noticed`] in text, for [`plain`]'s short values.
const NOTICED_IN_TEXT: [bool; 256] = table(false);

/// Below this many bytes, [`plain`] looks each byte up in a table: the compiler's
/// many-bytes-at-a-time loop does not run on them, and the comparisons cost more, byte by byte,
/// than a lookup.
const SHORT: usize = 32;

/// Writes `s` escaped. `attr`: inside a double-quoted attribute value, where tabs and line
/// breaks are written as references so attribute-value normalisation gives them back.
/// Carriage returns are always references (XML would otherwise turn them into line feeds).
fn escape(s: &str, attr: bool, out: &mut impl Write) -> io::Result<()> {
    let bytes = s.as_bytes();
    // Most values need nothing: one pass without a branch per byte tells so, and they are
    // written in one piece.
    let plain = if attr {
        plain::<true>(bytes)
    } else {
        plain::<false>(bytes)
    };
    if plain {
        return out.write_all(bytes);
    }
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        // Most bytes need nothing: one table lookup each.
        if !NOTICED[usize::from(b)] {
            continue;
        }
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' if attr => b"&quot;",
            b'\t' if attr => b"&#9;",
            b'\n' if attr => b"&#10;",
            b'\r' => b"&#13;",
            b'\t' | b'\n' => continue,
            0..=0x1F => {
                return Err(refused(format!(
                    "le caractère U+{b:04X} ne peut pas s'écrire en XML 1.0"
                )))
            }
            // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters either.
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                return Err(refused(
                    "les caractères U+FFFE et U+FFFF ne peuvent pas s'écrire en XML".into(),
                ))
            }
            _ => continue,
        };
        out.write_all(&bytes[last..i])?;
        out.write_all(rep)?;
        last = i + 1;
    }
    out.write_all(&bytes[last..])
}

/// Whether [`escape`] leaves `bytes` as they are (no byte it [`noticed`]). No early exit and
/// no branch per byte: below [`SHORT`] bytes a table lookup each, beyond it comparisons, which
/// the compiler runs many bytes at a time.
#[inline]
fn plain<const ATTR: bool>(bytes: &[u8]) -> bool {
    if bytes.len() < SHORT {
        let table = if ATTR { &NOTICED } else { &NOTICED_IN_TEXT };
        return !bytes
            .iter()
            .fold(false, |any, &b| any | table[usize::from(b)]);
    }
    !bytes.iter().fold(false, |any, &b| any | noticed(b, ATTR))
}

/// Escapes text content: `&`, `<`, `>` and carriage returns. Fails (`InvalidData`) on a
/// character XML 1.0 cannot carry (controls other than tab and line breaks, U+FFFE, U+FFFF).
pub fn escape_text(s: &str, out: &mut impl Write) -> io::Result<()> {
    escape(s, false, out)
}

/// Escapes an attribute value (double-quoted), keeping tabs and line breaks as references so
/// attribute-value normalisation gives them back. Fails like [`escape_text`].
pub fn escape_attr(s: &str, out: &mut impl Write) -> io::Result<()> {
    escape(s, true, out)
}

/// Fails (`InvalidData`) unless `name` is an XML name without prefix (`NCName`).
pub fn check_ncname(name: &str) -> io::Result<()> {
    if crate::xml::names::is_ncname(name) {
        Ok(())
    } else {
        Err(refused(format!("« {name} » n'est pas un nom XML")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> io::Result<String> {
        let mut out = Vec::new();
        escape_text(s, &mut out)?;
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    fn attr(s: &str) -> io::Result<String> {
        let mut out = Vec::new();
        escape_attr(s, &mut out)?;
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    #[test]
    fn escapes() {
        assert_eq!(
            text("a<b>&\"'\t\n\r]]>é").ok().as_deref(),
            Some("a&lt;b&gt;&amp;\"'\t\n&#13;]]&gt;é")
        );
        assert_eq!(
            attr("a<\"\t\n\r'").ok().as_deref(),
            Some("a&lt;&quot;&#9;&#10;&#13;'")
        );
        assert_eq!(
            text("\u{FFFD}\u{EFFF}\u{10FFFF}").ok().as_deref(),
            Some("\u{FFFD}\u{EFFF}\u{10FFFF}")
        );
    }

    #[test]
    fn refuses_what_xml_cannot_carry() {
        for bad in ["\u{0}", "a\u{1}b", "\u{1F}", "x\u{FFFE}", "\u{FFFF}"] {
            assert!(text(bad).is_err(), "{bad:?}");
            assert!(attr(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn plain_is_what_the_table_leaves_alone() {
        // Each byte value in a short value (looked up) and in a long one (compared).
        for b in 0..=255u8 {
            let table = !NOTICED[usize::from(b)];
            // Text leaves tabs, line feeds and double quotes as they are.
            let text = table || b == b'\t' || b == b'\n' || b == b'"';
            for len in [3, SHORT - 1, SHORT, 3 * SHORT] {
                let mut value = vec![b'a'; len];
                value[len / 2] = b;
                assert_eq!(
                    plain::<true>(&value),
                    table,
                    "{b:#x} in an attribute ({len})"
                );
                assert_eq!(plain::<false>(&value), text, "{b:#x} in text ({len})");
            }
        }
        // Long values (the compiler's many-bytes-at-a-time loop and its tail).
        let long = "é".repeat(40) + "abc";
        assert!(plain::<false>(long.as_bytes()));
        for at in [0, 1, 15, 16, 31, 32, 63, long.len() - 1] {
            let mut v = long.clone().into_bytes();
            v[at] = b'<';
            assert!(!plain::<false>(&v), "< at {at}");
        }
        assert_eq!(
            text(&format!("{long}&{long}")).ok(),
            Some(format!("{long}&amp;{long}"))
        );
    }

    #[test]
    fn names() {
        for good in ["a", "_x", "code-FORMACODE", "é.1", "中"] {
            assert!(check_ncname(good).is_ok(), "{good}");
        }
        for bad in ["", "1a", "a b", "a:b", "-a", "a<", "a\"b"] {
            assert!(check_ncname(bad).is_err(), "{bad}");
        }
    }
}
