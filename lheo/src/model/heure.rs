//! LHEO hours: `14h15`, `9h`, `12h` (the GML's `HHhMM`, `Hh`, `HHh`).

use std::fmt;
use std::str::FromStr;

/// An hour of the day as LHEO writes it (`heure-debut`, `heure-fin`).
///
/// ```
/// use lheo::Heure;
///
/// let h: Heure = "9h30".parse().unwrap();
/// assert_eq!((h.hour(), h.minute()), (9, 30));
/// assert_eq!(h.to_string(), "9h30");
/// assert!("09h00".parse::<Heure>().is_ok());
/// assert!("9:30".parse::<Heure>().is_err());
/// assert!("24h".parse::<Heure>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Heure {
    hour: u8,
    minute: u8,
}

/// The error for a text that is not an LHEO hour ([`ErrorKind::Argument`](crate::ErrorKind)).
fn not_an_hour(s: &str) -> crate::Error {
    crate::Error::new(
        crate::ErrorKind::Argument,
        format!("« {s} » n'est pas une heure LHEO (attendu 14h15, 9h ou 12h)"),
        format!("\"{s}\" is not an LHEO hour (expected 14h15, 9h or 12h)"),
    )
}

impl Heure {
    /// An hour from its parts (`hour` 0–23, `minute` 0–59).
    pub fn new(hour: u8, minute: u8) -> Option<Heure> {
        (hour < 24 && minute < 60).then_some(Heure { hour, minute })
    }

    /// The hour (0–23).
    pub fn hour(self) -> u8 {
        self.hour
    }

    /// The minutes (0–59).
    pub fn minute(self) -> u8 {
        self.minute
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        u16::from(self.hour) * 60 + u16::from(self.minute)
    }
}

impl FromStr for Heure {
    type Err = crate::Error;

    /// Parses `H h`, `HHh`, `HhMM` or `HHhMM` (surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        let err = || not_an_hour(s);
        let t = s.trim();
        let (h, m) = t.split_once('h').ok_or_else(err)?;
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || h.len() > 2 || !(m.is_empty() || (digits(m) && m.len() == 2)) {
            return Err(err());
        }
        let hour = h.parse().map_err(|_| err())?;
        let minute = if m.is_empty() {
            0
        } else {
            m.parse().map_err(|_| err())?
        };
        Heure::new(hour, minute).ok_or_else(err)
    }
}

impl fmt::Display for Heure {
    /// `9h30`, `7h00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}h{:02}", self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_refused_forms() {
        for ok in ["14h15", "9h", "12h", "09h00", "0h", "23h59", " 7h00 "] {
            assert!(ok.parse::<Heure>().is_ok(), "{ok}");
        }
        for bad in [
            "", "h", "14", "14h5", "14h155", "24h", "12h60", "123h", "9H30", "9h30m", "-1h",
        ] {
            assert!(bad.parse::<Heure>().is_err(), "{bad}");
        }
    }
}
