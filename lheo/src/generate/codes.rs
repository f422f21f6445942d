//! Identifiers with their check digits and other derived strings: SIREN/SIRET (Luhn), UAI,
//! declaration numbers, slugs for e-mail addresses and domains, hours and dates as LHEO
//! writes them.

use std::fmt::{self, Write as _};

use chrono::NaiveDate;

use super::rng::Rng;

/// The Luhn check digit that completes `digits` (ASCII digits).
pub(crate) fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 0 {
                let x = v * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                v
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// `true` when the ASCII digits pass the Luhn test.
#[cfg(test)]
pub(crate) fn luhn_valid(digits: &str) -> bool {
    let b = digits.as_bytes();
    match b.split_last() {
        Some((last, rest)) if b.iter().all(u8::is_ascii_digit) => {
            luhn_check_digit(rest) == last - b'0'
        }
        _ => false,
    }
}

fn random_digits(rng: &mut Rng, n: usize, out: &mut Vec<u8>) {
    for _ in 0..n {
        out.push(b'0' + rng.below(10) as u8);
    }
}

/// A SIREN (9 digits, Luhn-valid, not starting with 0).
pub(crate) fn siren(rng: &mut Rng) -> String {
    let mut d = vec![b'1' + rng.below(9) as u8];
    random_digits(rng, 7, &mut d);
    d.push(b'0' + luhn_check_digit(&d));
    String::from_utf8(d).unwrap_or_default()
}

/// A SIRET of an establishment of `siren` (14 digits, Luhn-valid).
pub(crate) fn siret(rng: &mut Rng, siren: &str) -> String {
    let mut d: Vec<u8> = siren.bytes().take(9).collect();
    d.extend_from_slice(b"000");
    random_digits(rng, 1, &mut d);
    d.push(b'0' + luhn_check_digit(&d));
    String::from_utf8(d).unwrap_or_default()
}

/// A UAI (RNE) code: département on three characters, four digits, a letter.
pub(crate) fn uai(rng: &mut Rng, departement: &str) -> String {
    let dep = match departement {
        "2A" => "620".to_owned(),
        "2B" => "720".to_owned(),
        d if d.len() == 3 => d.to_owned(),
        d => format!("0{d}"),
    };
    let letter = char::from(b'A' + rng.below(26) as u8);
    format!("{dep}{:04}{letter}", rng.below(10_000))
}

/// A declaration of activity number (11 digits: region, département, sequence).
pub(crate) fn numero_activite(rng: &mut Rng, region: &str, departement: &str) -> String {
    let dep: String = departement
        .chars()
        .map(|c| if c.is_ascii_digit() { c } else { '0' })
        .take(2)
        .collect();
    format!("{region:0>2}{dep:0>2}{:07}", rng.below(10_000_000))
}

/// Lower-case ASCII form of French text, words joined by `sep` (`Saint-Étienne` →
/// `saint-etienne`).
pub(crate) fn slug(text: &str, sep: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        let base = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' | 'Ç' => 'c',
            'œ' => 'o',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => {
                gap = !out.is_empty();
                continue;
            }
        };
        if gap {
            out.push(sep);
            gap = false;
        }
        out.push(base);
    }
    out
}

/// An hour as LHEO writes it: `9h`, `12h`, `14h15`, `09h30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hour {
    /// Minutes since midnight.
    pub minutes: u32,
}

impl Hour {
    pub(crate) fn hm(h: u32, m: u32) -> Hour {
        Hour {
            minutes: h * 60 + m,
        }
    }
}

impl fmt::Display for Hour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m) = (self.minutes / 60, self.minutes % 60);
        if m == 0 {
            write!(f, "{h}h")
        } else {
            write!(f, "{h:02}h{m:02}")
        }
    }
}

/// How much of a date an LHEO `AAAAMMJJ` value gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Partial {
    /// `AAAAMMJJ`.
    Day,
    /// `AAAAMM00`.
    Month,
    /// `AAAA0000`.
    Year,
    /// `00000000`.
    Unknown,
}

/// Appends `date` as `AAAAMMJJ`, reduced to `precision`.
pub(crate) fn push_date(out: &mut String, date: NaiveDate, precision: Partial) {
    use chrono::Datelike;
    let _ = match precision {
        Partial::Day => write!(
            out,
            "{:04}{:02}{:02}",
            date.year(),
            date.month(),
            date.day()
        ),
        Partial::Month => write!(out, "{:04}{:02}00", date.year(), date.month()),
        Partial::Year => write!(out, "{:04}0000", date.year()),
        Partial::Unknown => write!(out, "00000000"),
    };
}

/// An `xs:dateTime` near `day`, in one of the forms producers use.
pub(crate) fn push_datetime(out: &mut String, rng: &mut Rng, day: NaiveDate) {
    let (h, m, s) = (rng.between(6, 22), rng.between(0, 59), rng.between(0, 59));
    use chrono::Datelike;
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}",
        day.year(),
        day.month(),
        day.day()
    );
    match rng.below(4) {
        0 => out.push('Z'),
        1 => out.push_str("+01:00"),
        2 => {
            let _ = write!(out, ".{:03}+02:00", rng.below(1000));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sirets_pass_luhn() {
        let mut rng = Rng::new(7);
        for _ in 0..200 {
            let s = siren(&mut rng);
            assert_eq!(s.len(), 9);
            assert!(luhn_valid(&s), "{s}");
            let t = siret(&mut rng, &s);
            assert_eq!(t.len(), 14);
            assert!(luhn_valid(&t), "{t}");
        }
        assert!(luhn_valid("73282932000074"));
        assert!(!luhn_valid("73282932000075"));
    }

    #[test]
    fn codes_have_their_length() {
        let mut rng = Rng::new(1);
        assert_eq!(uai(&mut rng, "68").len(), 8);
        assert_eq!(uai(&mut rng, "974").len(), 8);
        assert_eq!(uai(&mut rng, "2A").len(), 8);
        assert_eq!(numero_activite(&mut rng, "94", "2A").len(), 11);
        assert_eq!(numero_activite(&mut rng, "04", "974").len(), 11);
    }

    #[test]
    fn slugs_and_hours() {
        assert_eq!(slug("Saint-Étienne", '-'), "saint-etienne");
        assert_eq!(slug("Le Gall", '.'), "le.gall");
        assert_eq!(Hour::hm(9, 0).to_string(), "9h");
        assert_eq!(Hour::hm(12, 0).to_string(), "12h");
        assert_eq!(Hour::hm(14, 15).to_string(), "14h15");
        assert_eq!(Hour::hm(9, 30).to_string(), "09h30");
    }
}
