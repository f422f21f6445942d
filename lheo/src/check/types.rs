//! XSD built-in types and facets, as libxml2 2.9 applies them: whitespace handling, `xs:long`,
//! `xs:dateTime`, `xs:anyURI`, `NCName` (`xs:ID`, `xs:IDREF`), lengths and patterns.
//!
//! Every function is pure and works on borrowed text: no allocation unless stated.

use crate::xml::events::is_ncname;

/// XML white space (`#x20 | #x9 | #xD | #xA`): the XML reader's test.
pub use crate::xml::events::is_xml_space;

/// `true` when `s` holds only XML white space (or nothing): the XML reader's test.
pub use crate::xml::events::is_blank;

/// Writes `s` with whitespace collapsed (XSD `whiteSpace="collapse"`) into `out`.
pub fn collapse_into(s: &str, out: &mut String) {
    out.clear();
    for word in s.split(is_xml_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// `true` when collapsing would change `s`.
pub fn needs_collapse(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    if ws(b[0]) || ws(b[b.len() - 1]) {
        return true;
    }
    b.iter().any(|&c| matches!(c, b'\t' | b'\r' | b'\n'))
        || memchr::memmem::find(b, b"  ").is_some()
}

/// Number of characters (Unicode scalar values), what XSD length facets count.
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// The value of an `xs:long` lexical form, as libxml2 reads it: `[+-]?[0-9]+` with no white
/// space at all, any number of leading zeros, within the 64-bit range.
pub fn parse_long(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i128 = 0;
    for &d in digits {
        v = v * 10 + i128::from(d - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// Whether `s` is an NCName once leading and trailing white space are removed, as libxml2
/// checks `xs:ID` and `xs:IDREF`. Returns the trimmed name.
pub fn ncname_trimmed(s: &str) -> Option<&str> {
    let t = s.trim_matches(is_xml_space);
    is_ncname(t).then_some(t)
}

/// Whether `s` matches a pattern made of literal characters and character classes such as
/// `[0-9]` or `[019]` (the only patterns of the LHEO XSD), against the whole value.
pub fn matches_pattern(pattern: &str, s: &str) -> bool {
    let mut p = pattern.chars().peekable();
    let mut v = s.chars();
    while let Some(pc) = p.next() {
        let Some(c) = v.next() else { return false };
        if pc == '[' {
            let mut ok = false;
            let mut prev: Option<char> = None;
            loop {
                match p.next() {
                    None => return false,
                    Some(']') => break,
                    Some('-') if prev.is_some() && p.peek().is_some_and(|&n| n != ']') => {
                        let lo = prev.unwrap_or('\0');
                        let hi = p.next().unwrap_or('\0');
                        ok |= lo <= c && c <= hi;
                        prev = None;
                    }
                    Some(x) => {
                        ok |= x == c;
                        prev = Some(x);
                    }
                }
            }
            if !ok {
                return false;
            }
        } else if pc != c {
            return false;
        }
    }
    v.next().is_none()
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0u32, |acc, d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

fn is_leap(year: i128) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i128, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `s` is an `xs:dateTime` as libxml2 accepts it (no surrounding white space):
/// `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|[+-]hh:mm)?`, a real day of month, `24:00:00` only exactly.
pub fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = b.first() == Some(&b'-');
    if neg {
        i = 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let ylen = i - start;
    if ylen < 4 || (ylen > 4 && b[start] == b'0') {
        return false;
    }
    let mut year: i128 = 0;
    for &d in &b[start..i] {
        year = year.saturating_mul(10).saturating_add(i128::from(d - b'0'));
    }
    if year == 0 {
        return false;
    }
    if neg {
        year = -year;
    }
    if b.get(i) != Some(&b'-') {
        return false;
    }
    let (Some(month), Some(day)) = (digits(b, i + 1, 2), digits(b, i + 4, 2)) else {
        return false;
    };
    if b.get(i + 3) != Some(&b'-') || b.get(i + 6) != Some(&b'T') {
        return false;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return false;
    }
    i += 7;
    let (Some(hour), Some(minute), Some(second)) =
        (digits(b, i, 2), digits(b, i + 3, 2), digits(b, i + 6, 2))
    else {
        return false;
    };
    if b.get(i + 2) != Some(&b':') || b.get(i + 5) != Some(&b':') {
        return false;
    }
    i += 8;
    let mut fraction_zero = true;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            fraction_zero &= b[i] == b'0';
            i += 1;
        }
        if i == f {
            return false;
        }
    }
    let time_ok = if hour == 24 {
        minute == 0 && second == 0 && fraction_zero
    } else {
        hour < 24 && minute < 60 && second < 60
    };
    if !time_ok {
        return false;
    }
    match b.get(i) {
        None => true,
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let (Some(th), Some(tm)) = (digits(b, i + 1, 2), digits(b, i + 4, 2)) else {
                return false;
            };
            b.get(i + 3) == Some(&b':') && i + 6 == b.len() && tm < 60 && th * 60 + tm <= 14 * 60
        }
        Some(_) => false,
    }
}

/// Whether `s` is an `xs:anyURI` as libxml2 2.9 accepts it: white space collapsed, characters
/// URIs cannot hold (controls, non-ASCII, space, `<>"{}|\^`'` and the quote) read as `_`,
/// then an RFC 3986 URI reference per libxml2's parser (`%` escapes must be well formed, a
/// port needs digits, a relative path's first segment holds no `:`).
pub fn is_any_uri(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let mut buf = Vec::with_capacity(s.len());
    let mut collapsed = String::new();
    let text = if needs_collapse(s) {
        collapse_into(s, &mut collapsed);
        collapsed.as_str()
    } else {
        s
    };
    for &c in text.as_bytes() {
        let bad = !(32..127).contains(&c)
            || matches!(
                c,
                b' ' | b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`' | b'\''
            );
        buf.push(if bad { b'_' } else { c });
    }
    super::uri::parse_reference(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_and_blank() {
        let mut out = String::new();
        collapse_into("\n 1 \t 2 ", &mut out);
        assert_eq!(out, "1 2");
        assert!(needs_collapse(" 1"));
        assert!(needs_collapse("1  2"));
        assert!(!needs_collapse("1 2"));
        assert!(is_blank(" \n\t\r"));
        assert!(!is_blank(" \u{a0}"));
    }

    #[test]
    fn longs_follow_libxml2() {
        for ok in ["0", "+12", "0012", "-0", "+0", "9223372036854775807"] {
            assert!(parse_long(ok).is_some(), "{ok}");
        }
        assert_eq!(parse_long("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_long(&format!("{}1", "0".repeat(40))), Some(1));
        for bad in [
            "",
            " 12",
            "12 ",
            "+",
            "-",
            "+-1",
            "1.0",
            "1e3",
            "0x1",
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999",
        ] {
            assert!(parse_long(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn datetimes_follow_libxml2() {
        for ok in [
            "2023-02-20T10:00:00",
            "2023-02-20T10:00:00Z",
            "2023-02-20T10:00:00+14:00",
            "2023-02-20T10:00:00-14:00",
            "2023-02-20T10:00:00+13:59",
            "2023-02-20T24:00:00",
            "2023-02-20T24:00:00.000",
            "2023-02-20T23:59:59.999999999999",
            "2024-02-29T00:00:00",
            "2000-02-29T00:00:00",
            "-0001-01-01T00:00:00",
            "10000-01-01T00:00:00",
            "-2024-02-29T00:00:00",
            "2023-01-01T00:00:00.5Z",
            "99999999999-01-01T00:00:00",
        ] {
            assert!(is_datetime(ok), "{ok}");
        }
        for bad in [
            " 2023-02-20T10:00:00Z ",
            "2023-02-20T10:00:00+14:01",
            "2023-02-20T10:00:00+00:60",
            "2023-02-20T24:00:01",
            "2023-02-20T23:59:60",
            "2023-02-20T23:59:59.",
            "1900-02-29T00:00:00",
            "2023-02-29T10:00:00Z",
            "-0000-01-01T00:00:00",
            "0000-01-01T00:00:00",
            "010000-01-01T00:00:00",
            "123-01-01T00:00:00",
            "2023-1-01T00:00:00",
            "2023-01-01T0:00:00",
            "2023-01-01",
            "2023-01-01T00:00",
            "2023-01-01t00:00:00",
            "2023-01-01T00:00:00z",
            "2023-13-01T00:00:00",
            "2023-00-01T00:00:00",
            "2023-01-00T00:00:00",
            "2023-04-31T00:00:00",
            "2023-01-01T00:00:00+1:00",
            "2023-01-01T00:00:00+01",
            "2023-01-01T00:00:00+0100",
            "-2023-02-29T00:00:00",
            "+2023-01-01T00:00:00",
            "",
        ] {
            assert!(!is_datetime(bad), "{bad:?}");
        }
    }

    #[test]
    fn uris_follow_libxml2() {
        for ok in [
            "",
            " ",
            "a:b",
            "http://x.fr/a?b=c#d",
            "http://[::1]/",
            "http://x:80/",
            "%20",
            "a%20b",
            "http://a b/",
            " http://a ",
            "mailto:a@b",
            "a:",
            "a+b-c.d:e",
            "//host",
            "///x",
            "http://user@host/",
            "http://us er@h/",
            "?q",
            "a?b?c",
            "a#b?c",
            "http://x/ä",
            "http://x/{}",
            "x y z",
            "http://[v1.x]/",
            "http://1.2.3.4/",
            "http://h%41st/",
            "urn:isbn:123",
            "..//a",
            "a/b:c",
            "./a:b",
            "http://[::1]:80/",
            "h`x",
            "a\\b",
            "a|b",
            "file:///c:/x",
        ] {
            assert!(is_any_uri(ok), "{ok:?}");
        }
        for bad in [
            "http://a b/%zz",
            "#a#b",
            ":x",
            "http://[::1/",
            "http://x:8a/",
            "%",
            "%2",
            "%2g",
            "1a:b",
            "http://host:/",
            "http://a/%",
            "http://%zz/",
            "a#%zz",
            "a?%zz",
            "http://[::1]x/",
            "http://a@b@c/",
            "http://a:b:c/",
            "a[b",
            "a]b",
            "http://a/[b]",
            "a%%",
        ] {
            assert!(!is_any_uri(bad), "{bad:?}");
        }
    }

    #[test]
    fn patterns_and_names() {
        let date = "[0-9][0-9][0-9][0-9][019][0-9][01239][0-9]";
        assert!(matches_pattern(date, "20240131"));
        assert!(matches_pattern(date, "00000000"));
        assert!(!matches_pattern(date, "20242131"));
        assert!(!matches_pattern(date, "2024013"));
        assert!(!matches_pattern(date, "202401311"));
        assert!(!matches_pattern(date, "2024013a"));
        assert_eq!(ncname_trimmed(" a1 "), Some("a1"));
        assert_eq!(ncname_trimmed(" a b"), None);
        assert_eq!(ncname_trimmed("1a"), None);
        assert_eq!(ncname_trimmed(""), None);
        assert_eq!(char_len("é1"), 2);
    }
}
