//! Profile `lheo`: what the LHEO specification says about single values beyond the XSD,
//! read from the schema tables (GML formats and bounds). They run only on values the XSD
//! accepts, so that nothing is reported twice.

use super::{Checker, Mode, Position};
use crate::diagnostic::Rule;
use crate::model::Date;
use crate::schema::{self, id, ElementId, Format, SimpleType};

/// `14h15`, `9h`, `12h`, `09h00`: hours 0–23 (one or two digits), minutes 00–59 (two digits).
pub(super) fn is_heure(s: &str) -> bool {
    let Some((h, m)) = s.split_once('h') else {
        return false;
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let hour_ok = (1..=2).contains(&h.len()) && digits(h) && h.parse::<u8>().is_ok_and(|v| v < 24);
    let minute_ok =
        m.is_empty() || (m.len() == 2 && digits(m) && m.parse::<u8>().is_ok_and(|v| v < 60));
    hour_ok && minute_ok
}

/// Whether a 14-digit SIRET has a valid check digit: the Luhn sum, or for La Poste's
/// establishments (`356000000…`) the plain digit sum, a multiple of 5.
pub(super) fn siret_ok(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    if s.starts_with("356000000") {
        let sum: u32 = b.iter().map(|d| u32::from(d - b'0')).sum();
        if sum.is_multiple_of(5) {
            return true;
        }
    }
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 1 {
                let w = v * 2;
                if w > 9 {
                    w - 9
                } else {
                    w
                }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl Checker {
    /// LHEO rules on a value the XSD accepted (`n`: its integer value for `xs:long`).
    pub(super) fn lheo_value(
        &mut self,
        id: ElementId,
        st: &SimpleType,
        v: &str,
        n: Option<i64>,
        top: usize,
    ) {
        let pos = self.frames[top].pos;
        let name = schema::element(id).name;
        match st.format {
            Some(Format::Date) => {
                let Ok(d) = v.parse::<Date>() else { return };
                if !d.is_valid() {
                    self.report(
                        Rule::LheoDate,
                        format!("date « {v} » de « {name} » impossible : jour ou mois inexistant (seuls 00000000, AAAA0000 et AAAAMM00 marquent une date incomplète)"),
                        format!("date \"{v}\" of \"{name}\" is impossible: no such day or month (only 00000000, YYYY0000 and YYYYMM00 mark an incomplete date)"),
                        pos,
                    );
                } else if let Some(parent) = top.checked_sub(1) {
                    if self.frames[parent].mode == Mode::Strict(id::PERIODE) {
                        match id {
                            id::DEBUT => self.frames[parent].dates[0] = Some(d),
                            id::FIN => self.frames[parent].dates[1] = Some(d),
                            _ => {}
                        }
                    }
                }
            }
            Some(Format::Heure) if !is_heure(v) => {
                self.report(
                        Rule::LheoHeure,
                        format!("heure « {v} » de « {name} » mal écrite : attendu par exemple 14h15, 9h ou 12h (heures 0 à 23, minutes 00 à 59)"),
                        format!("hour \"{v}\" of \"{name}\" is malformed: expected e.g. 14h15, 9h or 12h (hours 0 to 23, minutes 00 to 59)"),
                        pos,
                    );
            }
            _ => {}
        }
        if let (Some((lo, hi)), Some(n)) = (st.range, n) {
            if n < lo || n > hi {
                self.report(
                    Rule::LheoBornes,
                    format!("{name} « {v} » hors des bornes LHEO : attendu de {lo} à {hi}"),
                    format!("{name} \"{v}\" outside the LHEO bounds: expected {lo} to {hi}"),
                    pos,
                );
            }
        }
        if id == id::SIRET && !siret_ok(v) {
            self.report(
                Rule::LheoSiret,
                format!("SIRET « {v} » : clé de contrôle fausse (somme de Luhn), numéro probablement mal recopié"),
                format!("SIRET \"{v}\": wrong check digit (Luhn sum), probably a typo"),
                pos,
            );
        }
    }

    /// At the end of a `periode`: its `debut` must not come after its `fin`.
    pub(super) fn check_periode(&mut self, dates: [Option<Date>; 2], pos: Position) {
        let [Some(debut), Some(fin)] = dates else {
            return;
        };
        let (Some((first, _)), Some((_, last))) = (debut.span(), fin.span()) else {
            return;
        };
        if first > last {
            self.report(
                Rule::LheoPeriode,
                format!(
                    "période du {} au {} : le début est après la fin",
                    debut.to_french(),
                    fin.to_french()
                ),
                format!("period from {debut} to {fin}: it starts after it ends"),
                pos,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours() {
        for ok in ["14h15", "9h", "12h", "09h00", "0h", "23h59", "00h00"] {
            assert!(is_heure(ok), "{ok}");
        }
        for bad in [
            "24h", "9h5", "9h60", "h", "14:15", "14h15 ", "123h", "9H", "-1h", "+9h",
        ] {
            assert!(!is_heure(bad), "{bad}");
        }
    }

    #[test]
    fn sirets() {
        assert!(siret_ok("73282932000074"));
        assert!(!siret_ok("73282932000075"));
        // La Poste: digit sum a multiple of 5.
        assert!(siret_ok("35600000000010"));
        assert!(!siret_ok("35600000000011"));
        assert!(siret_ok("35600000049837"));
        // Not 14 digits: another rule's business.
        assert!(siret_ok("123"));
    }
}
