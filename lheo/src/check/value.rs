//! Values of simple content: the base type's whitespace rule, then the facets (lengths,
//! enumeration, pattern) or `xs:long`, and the messages that explain them.

use super::{types, Checker};
use crate::diagnostic::Rule;
use crate::schema::{self, Base, DictDecl, ElementId, SimpleType};

/// At most 40 characters of a value, with `…` when cut, for messages (formats lazily).
#[derive(Debug, Clone, Copy)]
pub(super) struct Excerpt<'a>(&'a str);

impl std::fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.char_indices().nth(40) {
            Some((i, _)) => write!(f, "{}…", &self.0[..i]),
            None => f.write_str(self.0),
        }
    }
}

/// At most 40 characters of `s`, with `…` when cut, for messages.
pub(super) fn excerpt(s: &str) -> Excerpt<'_> {
    Excerpt(s)
}

/// The allowed codes of a dictionary, in words: labels when there are few, runs of numbers
/// (`0 à 8, 11 à 18`) otherwise.
pub(super) fn allowed_codes(dict: &DictDecl) -> (String, String) {
    if dict.entries.len() <= 4 {
        let fr: Vec<String> = dict
            .entries
            .iter()
            .map(|(c, l)| format!("{c} ({l})"))
            .collect();
        let en: Vec<&str> = dict.entries.iter().map(|(c, _)| *c).collect();
        return (fr.join(", "), en.join(", "));
    }
    let mut numbers: Vec<u64> = Vec::new();
    for (c, _) in dict.entries {
        match c.parse::<u64>() {
            Ok(n) if n.to_string() == *c => numbers.push(n),
            _ => {
                let all: Vec<&str> = dict.entries.iter().map(|(c, _)| *c).collect();
                let s = all.join(", ");
                return (s.clone(), s);
            }
        }
    }
    numbers.sort_unstable();
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for n in numbers {
        match runs.last_mut() {
            Some((_, hi)) if *hi + 1 == n => *hi = n,
            _ => runs.push((n, n)),
        }
    }
    let show = |sep: &str| {
        runs.iter()
            .map(|&(lo, hi)| match hi - lo {
                0 => lo.to_string(),
                1 => format!("{lo}, {hi}"),
                _ => format!("{lo}{sep}{hi}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    (show(" à "), show(" to "))
}

impl Checker {
    /// Checks the text of a simple-content element at its end, then (profile lheo) the
    /// LHEO rules on a value the XSD accepts.
    pub(super) fn check_value(&mut self, id: ElementId, st: &SimpleType, raw: &str, top: usize) {
        let pos = self.frames[top].pos;
        let name = schema::element(id).name;
        match st.base {
            Base::Long => match types::parse_long(raw) {
                Some(n) => {
                    if self.lheo_profile() {
                        self.lheo_value(id, st, raw, Some(n), top);
                    }
                }
                None => {
                    let shown = excerpt(raw);
                    let t = raw.trim_matches(types::is_xml_space);
                    let (fr, en) = if t.is_empty() {
                        ("valeur vide".to_owned(), "empty value".to_owned())
                    } else if t.len() != raw.len() && types::parse_long(t).is_some() {
                        (
                            "le schéma refuse les espaces autour du nombre".to_owned(),
                            "the schema refuses spaces around the number".to_owned(),
                        )
                    } else if t
                        .trim_start_matches(['+', '-'])
                        .bytes()
                        .all(|b| b.is_ascii_digit())
                    {
                        (
                            "hors des bornes d'un entier 64 bits".to_owned(),
                            "outside the bounds of a 64-bit integer".to_owned(),
                        )
                    } else {
                        (
                            "attendu un nombre entier (chiffres, signe facultatif)".to_owned(),
                            "expected an integer (digits, optional sign)".to_owned(),
                        )
                    };
                    self.report(
                        Rule::XsdEntier,
                        format!("{name} « {shown} » : {fr}"),
                        format!("{name} \"{shown}\": {en}"),
                        pos,
                    );
                }
            },
            Base::String => {
                if self.check_lengths(name, st, raw, pos) && self.lheo_profile() {
                    self.lheo_value(id, st, raw, None, top);
                }
            }
            Base::Token => {
                let mut v = std::mem::take(&mut self.scratch);
                let value = if types::needs_collapse(raw) {
                    types::collapse_into(raw, &mut v);
                    v.as_str()
                } else {
                    raw
                };
                if self.check_token(name, st, value, pos) && self.lheo_profile() {
                    self.lheo_value(id, st, value, None, top);
                }
                self.scratch = v;
            }
        }
    }

    /// Enumeration, pattern and lengths of a collapsed value; `true` when it passes.
    fn check_token(&mut self, name: &str, st: &SimpleType, v: &str, pos: super::Position) -> bool {
        let shown = excerpt(v);
        if let Some(d) = st.dict {
            let dict = schema::dict(d);
            if dict.label_of(v).is_none() {
                let (fr, en) = allowed_codes(dict);
                let label = dict.label;
                self.report(
                    Rule::XsdCode,
                    format!(
                        "{name} « {shown} » absent du dictionnaire {label} (codes admis : {fr})"
                    ),
                    format!(
                        "{name} \"{shown}\" not in the dictionary {label} (allowed codes: {en})"
                    ),
                    pos,
                );
                return false;
            }
        }
        if let Some(p) = st.pattern {
            if !types::matches_pattern(p, v) {
                self.report(
                    Rule::XsdMotif,
                    format!("date « {shown} » de « {name} » : attendu 8 chiffres AAAAMMJJ (00 pour un jour ou un mois inconnu)"),
                    format!("date \"{shown}\" of \"{name}\": expected 8 digits YYYYMMDD (00 for an unknown day or month)"),
                    pos,
                );
                return false;
            }
        }
        self.check_lengths(name, st, v, pos)
    }

    /// Length facets, counted in characters; `true` when they pass.
    fn check_lengths(
        &mut self,
        name: &str,
        st: &SimpleType,
        v: &str,
        pos: super::Position,
    ) -> bool {
        let n = types::char_len(v);
        let n32 = u32::try_from(n).unwrap_or(u32::MAX);
        let (lo, hi) = match st.length {
            Some(l) => (Some(l), Some(l)),
            None => (st.min_length, st.max_length),
        };
        let too_short = lo.is_some_and(|l| n32 < l);
        let too_long = hi.is_some_and(|h| n32 > h);
        if !too_short && !too_long {
            return true;
        }
        let (want_fr, want_en) = match (lo, hi) {
            (Some(l), Some(h)) if l == h => (format!("exactement {l}"), format!("exactly {l}")),
            (Some(l), Some(h)) => (format!("{l} à {h}"), format!("{l} to {h}")),
            (Some(l), None) => (format!("au moins {l}"), format!("at least {l}")),
            (None, Some(h)) => (format!("au plus {h}"), format!("at most {h}")),
            (None, None) => (String::new(), String::new()),
        };
        let (fr, en) = if n == 0 {
            (
                format!("{name} vide : attendu {want_fr} caractères"),
                format!("{name} is empty: expected {want_en} characters"),
            )
        } else {
            let shown = excerpt(v);
            (
                format!("{name} « {shown} » : {n} caractères, attendu {want_fr}"),
                format!("{name} \"{shown}\": {n} characters, expected {want_en}"),
            )
        };
        self.report(Rule::XsdLongueur, fr, en, pos);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_in_words() {
        let by_name = |n: &str| {
            schema::DICTS
                .iter()
                .find(|d| d.name == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        assert_eq!(allowed_codes(by_name("dict-financeurs")).0, "0 à 20");
        assert_eq!(allowed_codes(by_name("dict-niveaux")).0, "0 à 8, 11 à 18");
        assert_eq!(allowed_codes(by_name("dict-boolean")).0, "0 (non), 1 (oui)");
        assert_eq!(excerpt(&"é".repeat(50)).to_string().chars().count(), 41);
    }
}
