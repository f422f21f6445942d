//! CARIF-DOUBLON across the formations of a file: « une certification = une seule action de
//! formation ». The index keeps, per responsible organisation (SIRET), the certifications its
//! formations prepare and the first formation seen for each: a few short strings per
//! certification, never the formations themselves.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::facts::{CodeKind, FormationFacts, Locate};
use crate::xml::position::Position;

/// One certification code of a formation, with the element a finding points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DoublonCode {
    kind: CodeKind,
    /// The code, normalised ([`normalise`]).
    code: String,
    /// The code as written.
    written: String,
    /// The `certification` element: its path (absolute for a capture, relative to the
    /// formation otherwise) and position.
    path: String,
    position: Option<Position>,
}

/// What CARIF-DOUBLON needs of a formation: its organisation, whether it is an apprenticeship
/// formation, its certification codes, and how to name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DoublonEntry {
    siret: String,
    apprenticeship: bool,
    codes: Vec<DoublonCode>,
    /// How the formation is named in the finding of a later duplicate.
    label: String,
}

/// A code as compared: upper case, no spaces, without the `RNCP`/`RS` prefix some feeds write.
fn normalise(kind: CodeKind, code: &str) -> String {
    let mut s: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    let prefix = match kind {
        CodeKind::Rncp => Some("RNCP"),
        CodeKind::Rs => Some("RS"),
        CodeKind::CertifInfo => None,
    };
    if let Some(p) = prefix {
        if s.len() > p.len() && s.starts_with(p) {
            s.drain(..p.len());
        }
    }
    s
}

impl DoublonEntry {
    /// The entry of a formation (`None` without SIRET or certification code). `record` makes
    /// paths absolute (empty: paths stay relative); `label` names the formation.
    pub(super) fn of(
        facts: &FormationFacts,
        locate: &dyn Locate,
        record: &str,
        label: String,
    ) -> Option<DoublonEntry> {
        let siret: String = facts
            .siret
            .as_ref()
            .map(|s| facts.str(s))?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if siret.is_empty() {
            return None;
        }
        let mut codes = Vec::new();
        for c in &facts.certifications {
            for (kind, code) in facts.codes(c) {
                let path = match (record.is_empty(), locate.path(c.loc)) {
                    (true, p) => p,
                    (false, p) if p.is_empty() => record.to_owned(),
                    (false, p) => format!("{record}/{p}"),
                };
                codes.push(DoublonCode {
                    kind,
                    code: normalise(kind, code),
                    written: code.to_owned(),
                    path,
                    position: locate.position(c.loc),
                });
            }
        }
        if codes.is_empty() {
            return None;
        }
        Some(DoublonEntry {
            siret,
            apprenticeship: facts.is_apprenticeship(),
            codes,
            label,
        })
    }
}

/// Separators of [`DoublonEntry::encode`]: control characters XML 1.0 text and attributes
/// cannot hold, so no code, SIRET, path or label of a document contains them.
const FIELD: char = '\u{1f}';
const PART: char = '\u{1d}';

impl DoublonEntry {
    /// The entry as one string (for a rule set reading part of a document, whose entries the
    /// whole-document rule set decides: [`DoublonEntry::decode`]).
    pub(super) fn encode(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.siret);
        out.push(FIELD);
        out.push(if self.apprenticeship { '1' } else { '0' });
        out.push(FIELD);
        out.push_str(&self.label);
        for c in &self.codes {
            let kind = match c.kind {
                CodeKind::Rncp => "0",
                CodeKind::Rs => "1",
                CodeKind::CertifInfo => "2",
            };
            let (line, column) = c.position.map_or((String::new(), String::new()), |p| {
                (p.line.to_string(), p.column.to_string())
            });
            out.push(FIELD);
            for (i, part) in [kind, &c.code, &c.written, &c.path, &line, &column]
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    out.push(PART);
                }
                out.push_str(part);
            }
        }
        out
    }

    /// The entry [`DoublonEntry::encode`] wrote.
    pub(super) fn decode(s: &str) -> Option<DoublonEntry> {
        let mut fields = s.split(FIELD);
        let siret = fields.next()?.to_owned();
        let apprenticeship = fields.next()? == "1";
        let label = fields.next()?.to_owned();
        let mut codes = Vec::new();
        for field in fields {
            let mut parts = field.split(PART);
            let kind = match parts.next()? {
                "0" => CodeKind::Rncp,
                "1" => CodeKind::Rs,
                _ => CodeKind::CertifInfo,
            };
            let (code, written, path) = (parts.next()?, parts.next()?, parts.next()?);
            let position = match (parts.next()?.parse(), parts.next()?.parse()) {
                (Ok(line), Ok(column)) => Some(Position { line, column }),
                _ => None,
            };
            codes.push(DoublonCode {
                kind,
                code: code.to_owned(),
                written: written.to_owned(),
                path: path.to_owned(),
                position,
            });
        }
        Some(DoublonEntry {
            siret,
            apprenticeship,
            codes,
            label,
        })
    }
}

/// A duplicate found: the code of the later formation that an earlier one prepares too, and
/// how the earlier one is named.
#[derive(Debug, Clone)]
pub(super) struct Duplicate<'a> {
    pub code: &'a DoublonCode,
    pub first: &'a str,
    pub siret: &'a str,
    pub apprenticeship: bool,
}

impl DoublonCode {
    pub fn kind(&self) -> CodeKind {
        self.kind
    }
    pub fn written(&self) -> &str {
        &self.written
    }
    pub fn path(&self) -> &str {
        &self.path
    }
    pub fn position(&self) -> Option<Position> {
        self.position
    }
}

/// The certifications of each organisation, with the first formation that prepares each.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    /// SIRET → (code kind, code, apprenticeship) → index in `labels`.
    by_siret: HashMap<String, HashMap<(CodeKind, String, bool), u32>>,
    labels: Vec<String>,
}

impl Index {
    /// Records a formation in document order; returns the duplicate it is, if any (its first
    /// code an earlier formation of the same organisation prepares, in the same kind of
    /// offer: apprenticeship or not).
    pub fn absorb<'a>(&'a mut self, entry: &'a DoublonEntry) -> Option<Duplicate<'a>> {
        let codes = self.by_siret.entry(entry.siret.clone()).or_default();
        // Earlier formations only: a formation naming one certification twice is no duplicate
        // of itself.
        let found = entry.codes.iter().find_map(|c| {
            codes
                .get(&(c.kind, c.code.clone(), entry.apprenticeship))
                .map(|&first| (c, first))
        });
        let mut label = None;
        for c in &entry.codes {
            let key = (c.kind, c.code.clone(), entry.apprenticeship);
            if let Entry::Vacant(slot) = codes.entry(key) {
                let l = *label.get_or_insert_with(|| {
                    self.labels.push(entry.label.clone());
                    (self.labels.len() - 1) as u32
                });
                slot.insert(l);
            }
        }
        let (code, first) = found?;
        Some(Duplicate {
            code,
            first: self.labels.get(first as usize).map_or("", String::as_str),
            siret: &entry.siret,
            apprenticeship: entry.apprenticeship,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_encode_and_decode() {
        let code = |kind, code: &str, position| DoublonCode {
            kind,
            code: normalise(kind, code),
            written: code.to_owned(),
            path: "/lheo/offres/formation[2]/certification[1]".into(),
            position,
        };
        let entry = DoublonEntry {
            siret: "73282932000074".into(),
            apprenticeship: true,
            codes: vec![
                code(
                    CodeKind::Rncp,
                    "RNCP 38362",
                    Some(Position {
                        line: 12,
                        column: 7,
                    }),
                ),
                code(CodeKind::CertifInfo, "108930", None),
                code(CodeKind::Rs, "RS5372", None),
            ],
            label: "la formation F2 (/lheo/offres/formation[2])".into(),
        };
        assert_eq!(DoublonEntry::decode(&entry.encode()), Some(entry));
    }

    #[test]
    fn codes_compare_without_prefix_or_case() {
        assert_eq!(normalise(CodeKind::Rncp, "RNCP 35185"), "35185");
        assert_eq!(normalise(CodeKind::Rncp, "rncp35185"), "35185");
        assert_eq!(normalise(CodeKind::Rncp, "35185"), "35185");
        assert_eq!(normalise(CodeKind::Rs, "RS5372"), "5372");
        assert_eq!(normalise(CodeKind::CertifInfo, " 9876 "), "9876");
        assert_eq!(normalise(CodeKind::Rncp, "RNCP"), "RNCP");
    }
}
