//! XML names exactly as XML 1.0 (fifth edition, productions 4, 4a and 5) and libxml2 define
//! them: the one check every layer uses (the reader for element and attribute names, the
//! writer for free content in `extras`).

/// ASCII name characters: 2 may start a name, 1 only follow (non-ASCII bytes: 0, see
/// [`is_name_start`]).
static NAME_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c == b'_' || c == b':' {
            2
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            1
        } else {
            0
        };
        b += 1;
    }
    t
};

/// `NameStartChar` (production 4).
pub fn is_name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// `NameChar` (production 4a).
pub fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `s` is an XML `Name` (production 5).
pub fn is_xml_name(s: &str) -> bool {
    let b = s.as_bytes();
    // Fast path: ASCII names, the usual case (one pass, a table).
    if let Some(&first) = b.first() {
        if NAME_BYTES[usize::from(first)] == 2 && b.iter().all(|&c| NAME_BYTES[usize::from(c)] != 0)
        {
            return true;
        }
    }
    if b.is_ascii() {
        return false;
    }
    let mut cs = s.chars();
    cs.next().is_some_and(is_name_start) && cs.all(is_name_char)
}

/// Whether `s` is an XML `Name` and where its first colon is, in one pass for the usual ASCII
/// names: `None` when `s` is not a name, `Some(None)` for a name without a colon.
pub(crate) fn name_colon(s: &str) -> Option<Option<usize>> {
    let b = s.as_bytes();
    if let Some(&first) = b.first() {
        if NAME_BYTES[usize::from(first)] == 2 {
            // No branch per byte: names are short, and most have no colon.
            let (mut name, mut colon) = (true, false);
            for &c in b {
                name &= NAME_BYTES[usize::from(c)] != 0;
                colon |= c == b':';
            }
            if name {
                return Some(colon.then(|| memchr::memchr(b':', b)).flatten());
            }
        }
    }
    is_xml_name(s).then(|| memchr::memchr(b':', b))
}

/// Whether `s` is an `NCName` (a name without colon, Namespaces in XML 1.0).
pub fn is_ncname(s: &str) -> bool {
    !s.contains(':') && is_xml_name(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifth_edition() {
        for ok in [
            "a",
            "_x",
            ":a",
            "é",
            "a\u{300}",
            "a-1.b",
            "\u{10000}",
            "\u{EFFFF}",
            "x\u{B7}",
        ] {
            assert!(is_xml_name(ok), "{ok:?}");
        }
        for bad in [
            "",
            "1a",
            "-a",
            ".a",
            "\u{300}a",
            "\u{36F}",
            "a\u{F0000}",
            "\u{F0000}",
            "\u{10FFFF}",
            "\u{D7}",
            "\u{F7}",
            "\u{37E}",
            "a b",
            "\u{2000}",
            "\u{FFFE}",
            "\u{B7}",
        ] {
            assert!(!is_xml_name(bad), "{bad:?}");
        }
        assert!(!is_ncname("a:b") && is_ncname("ab"));
    }

    #[test]
    fn name_colon_is_the_name_check_and_the_first_colon() {
        let names = [
            "",
            "a",
            ":",
            "a:",
            ":a",
            "a:b",
            "a:b:c",
            "p:é",
            "é:p",
            "1a",
            "a b",
            "a\u{300}:b",
            "\u{300}",
            "ab-1.c",
            "x:1",
            "a::b",
            "\u{10000}:\u{EFFFF}",
            "a\u{F0000}:b",
        ];
        for s in names {
            let want = is_xml_name(s).then(|| s.find(':'));
            assert_eq!(name_colon(s), want, "{s:?}");
        }
    }
}
