//! LHEO dates: `AAAAMMJJ`, with `00000000` (unknown), `AAAAMM00` (a month) and `AAAA0000` (a year).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// An LHEO date as written: eight digits `AAAAMMJJ`.
///
/// The XSD accepts any eight digits matching `[0-9]{4}[019][0-9][01239][0-9]`; the LHEO
/// specification gives `00` a meaning (unknown day, month or date). `Date` keeps every such
/// value, including impossible ones like `20230231`, so reading and writing is lossless;
/// [`Date::precision`] and [`Date::to_naive`] interpret it.
///
/// ```
/// use lheo::{Date, Precision};
///
/// let d: Date = "20250900".parse().unwrap();
/// assert_eq!(d.precision(), Precision::Month);
/// assert_eq!(d.to_string(), "20250900");
/// assert_eq!(Date::UNKNOWN.precision(), Precision::Unknown);
/// assert!("20230231".parse::<Date>().unwrap().to_naive().is_none());
/// ```
///
/// The default is `00000000` (unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// What an LHEO [`Date`] pins down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `00000000`: the date is unknown.
    Unknown,
    /// `AAAA0000`: a year.
    Year,
    /// `AAAAMM00`: a month.
    Month,
    /// `AAAAMMJJ`: a day.
    Day,
}

/// The error for a text that is not eight digits ([`ErrorKind::Argument`](crate::ErrorKind)).
fn not_a_date(s: &str) -> crate::Error {
    crate::Error::new(
        crate::ErrorKind::Argument,
        format!("« {s} » n'est pas une date AAAAMMJJ"),
        format!("\"{s}\" is not an AAAAMMJJ date"),
    )
}

impl Date {
    /// `00000000`.
    pub const UNKNOWN: Date = Date {
        year: 0,
        month: 0,
        day: 0,
    };

    /// A date from its parts, as written (no calendar check; `0` means unknown).
    pub fn from_parts(year: u16, month: u8, day: u8) -> Option<Date> {
        (year <= 9999 && month <= 99 && day <= 99).then_some(Date { year, month, day })
    }

    /// A full date.
    pub fn ymd(year: u16, month: u8, day: u8) -> Option<Date> {
        NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())?;
        Date::from_parts(year, month, day)
    }

    /// The year digits (`0` if unknown).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month digits (`0` if unknown).
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day digits (`0` if unknown).
    pub fn day(&self) -> u8 {
        self.day
    }

    /// What the date pins down, following the LHEO `00` conventions.
    pub fn precision(&self) -> Precision {
        match (self.year, self.month, self.day) {
            (0, 0, 0) => Precision::Unknown,
            (_, 0, 0) => Precision::Year,
            (_, _, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// `true` when the date names a real calendar day, month or year, or is `00000000`.
    pub fn is_valid(&self) -> bool {
        match self.precision() {
            Precision::Unknown => true,
            Precision::Year => self.year > 0,
            Precision::Month => self.year > 0 && (1..=12).contains(&self.month),
            Precision::Day => self.to_naive().is_some() && self.year > 0,
        }
    }

    /// The calendar day, when the date is a full and possible one.
    pub fn to_naive(&self) -> Option<NaiveDate> {
        if self.precision() != Precision::Day {
            return None;
        }
        NaiveDate::from_ymd_opt(self.year.into(), self.month.into(), self.day.into())
    }

    /// The first and last calendar days the date may stand for (`None` if unknown or impossible).
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let y = i32::from(self.year);
        match self.precision() {
            Precision::Unknown => None,
            Precision::Day => self.to_naive().map(|d| (d, d)),
            Precision::Month => {
                let first = NaiveDate::from_ymd_opt(y, self.month.into(), 1)?;
                let next = if self.month == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(y, u32::from(self.month) + 1, 1)?
                };
                Some((first, next.pred_opt()?))
            }
            Precision::Year => Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            )),
        }
    }

    /// The French display form: `10/01/2027`, `01/2027`, `2027` or `inconnue`.
    pub fn to_french(&self) -> String {
        match self.precision() {
            Precision::Unknown => "inconnue".into(),
            Precision::Year => format!("{:04}", self.year),
            Precision::Month => format!("{:02}/{:04}", self.month, self.year),
            Precision::Day => format!("{:02}/{:02}/{:04}", self.day, self.month, self.year),
        }
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date {
            year: u16::try_from(d.year()).unwrap_or(0),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }
}

impl FromStr for Date {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, crate::Error> {
        let b = s.as_bytes();
        if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
            return Err(not_a_date(s));
        }
        let n = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'))
        };
        Ok(Date {
            year: n(0..4),
            month: n(4..6) as u8,
            day: n(6..8) as u8,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for s in [
            "00000000", "20250000", "20250900", "20250915", "20230231", "99999939",
        ] {
            assert_eq!(s.parse::<Date>().unwrap().to_string(), s);
        }
        assert!("2025091".parse::<Date>().is_err());
        assert!("2025-09-1".parse::<Date>().is_err());
    }

    #[test]
    fn validity_follows_the_00_conventions() {
        let ok = ["00000000", "20250000", "20250200", "20240229"];
        let bad = ["20230229", "20251300", "00000100", "20259900", "00000001"];
        for s in ok {
            assert!(s.parse::<Date>().unwrap().is_valid(), "{s}");
        }
        for s in bad {
            assert!(!s.parse::<Date>().unwrap().is_valid(), "{s}");
        }
    }

    #[test]
    fn spans() {
        let d: Date = "20240200".parse().unwrap();
        let (a, b) = d.span().unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(Date::ymd(2027, 1, 10).unwrap().to_french(), "10/01/2027");
    }
}
