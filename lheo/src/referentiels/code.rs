//! How a code written in a feed is read before it is looked up (the forms accepted are
//! listed in the module documentation of [`crate::referentiels`]).

use chrono::NaiveDate;

/// The code without white space, upper-cased.
pub fn clean(written: &str) -> String {
    written
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A run of ASCII digits as a number (`None` when empty, not all digits, or too large).
pub fn number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 9 {
        return None;
    }
    trimmed.parse().ok().or(Some(0))
}

/// An RNCP number: `RNCP24508` or `24508` (cleaned first).
pub fn rncp(written: &str) -> Option<u32> {
    prefixed(written, "RNCP")
}

/// An RS number: `RS5080` or `5080` (cleaned first).
pub fn rs(written: &str) -> Option<u32> {
    prefixed(written, "RS")
}

/// A Certif Info number: digits (cleaned first).
pub fn certifinfo(written: &str) -> Option<u32> {
    number(&clean(written))
}

/// A ROME code: a letter `A`–`N` and four digits (cleaned first).
pub fn rome(written: &str) -> Option<String> {
    let c = clean(written);
    let b = c.as_bytes();
    let shaped =
        b.len() == 5 && (b'A'..=b'N').contains(&b[0]) && b[1..].iter().all(|d| d.is_ascii_digit());
    shaped.then_some(c)
}

/// An NSF group: three digits (cleaned first).
pub fn nsf(written: &str) -> Option<u16> {
    let c = clean(written);
    (c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit()))
        .then(|| c.parse().ok())
        .flatten()
}

/// A bloc code, cleaned; a bloc written without its `RNCP` prefix (`29497BC01`) gets it.
pub fn bloc(written: &str) -> Option<String> {
    let c = clean(written);
    if c.is_empty() {
        return None;
    }
    if c.as_bytes()[0].is_ascii_digit() && c.contains("BC") {
        return Some(format!("RNCP{c}"));
    }
    Some(c)
}

fn prefixed(written: &str, prefix: &str) -> Option<u32> {
    let c = clean(written);
    number(c.strip_prefix(prefix).unwrap_or(&c))
}

/// A France Compétences date, `JJ/MM/AAAA` (also `AAAA-MM-JJ`); `None` when empty or not a
/// date.
pub fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .ok()
}

/// A date as people read it in French: `31/08/2025`.
pub fn french_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rncp_forms() {
        for w in [
            "24508",
            "RNCP24508",
            "rncp24508",
            " RNCP 24508\t",
            "RNCP\u{a0}24508",
            "024508",
        ] {
            assert_eq!(rncp(w), Some(24508), "{w:?}");
        }
        for w in ["", "RNCP", "RS24508", "RNCP24508A", "24 508x", "RNCP-24508"] {
            assert_eq!(rncp(w), None, "{w:?}");
        }
        assert_eq!(rncp("99999999999"), None);
    }

    #[test]
    fn other_codes() {
        assert_eq!(rs("RS 6117"), Some(6117));
        assert_eq!(rs("6117"), Some(6117));
        assert_eq!(rs("RNCP6117"), None);
        assert_eq!(certifinfo(" 80735 "), Some(80735));
        assert_eq!(certifinfo("CI80735"), None);
        assert_eq!(rome("M1805").as_deref(), Some("M1805"));
        assert_eq!(rome("Z1805"), None);
        assert_eq!(rome("M180"), None);
        assert_eq!(nsf("326"), Some(326));
        assert_eq!(nsf("32"), None);
        assert_eq!(nsf("326t"), None);
        assert_eq!(bloc(" rncp509bc05 ").as_deref(), Some("RNCP509BC05"));
        assert_eq!(bloc("01").as_deref(), Some("01"));
        assert_eq!(bloc("  "), None);
    }

    #[test]
    fn dates() {
        assert_eq!(date("31/08/2023"), NaiveDate::from_ymd_opt(2023, 8, 31));
        assert_eq!(date("2023-08-31"), NaiveDate::from_ymd_opt(2023, 8, 31));
        assert_eq!(date(""), None);
        assert_eq!(date("31/02/2023"), None);
    }
}
