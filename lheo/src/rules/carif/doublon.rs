//! CARIF-DOUBLON across the formations of a file: « une certification = une seule action de
//! formation ». The index keeps, per responsible organisation (SIRET), the certifications its
//! formations prepare and the first formation seen for each: a digest per certification and
//! the label of each formation that came first ([`crate::rules::digest`]), never the
//! formations themselves.

use std::hash::Hash;

use super::facts::{CodeKind, FormationFacts, Locate};
use crate::rules::digest::{DigestMap, Labels, Lookup};
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
    /// (SIRET, code kind, code, apprenticeship) → [`Slot::value`](crate::rules::digest::Slot):
    /// index in `labels` of the first formation that prepares it.
    seen: DigestMap,
    /// The labels of the formations that came first for a certification.
    labels: Labels,
}

/// A certification of an organisation, as the index tells them apart.
fn key<'a>(siret: &'a str, code: &'a DoublonCode, apprenticeship: bool) -> impl Hash + 'a {
    (siret, code.kind, code.code.as_str(), apprenticeship)
}

impl Index {
    /// Records a formation in document order; returns the duplicate it is, if any (its first
    /// code an earlier formation of the same organisation prepares, in the same kind of
    /// offer: apprenticeship or not).
    pub fn absorb<'a>(&'a mut self, entry: &'a DoublonEntry) -> Option<Duplicate<'a>> {
        let (siret, apprenticeship) = (entry.siret.as_str(), entry.apprenticeship);
        // One lookup per code: the first code an earlier formation prepares is the duplicate,
        // the codes no formation prepared yet are kept under this formation's label. Only
        // earlier formations count: a formation naming one certification twice finds its own
        // label the second time, and is no duplicate of itself.
        let mut found = None;
        let mut own = None;
        for c in &entry.codes {
            match self.seen.find(&key(siret, c, apprenticeship)) {
                Lookup::Found { slot, .. } if Some(slot.value) != own => {
                    found = found.or(Some((c, slot.value)));
                }
                Lookup::Found { .. } => {}
                Lookup::Vacant(v) => {
                    let l = *own.get_or_insert_with(|| self.labels.push(&entry.label));
                    self.seen.insert(v, l, 0);
                }
            }
        }
        let (code, first) = found?;
        Some(Duplicate {
            code,
            first: self.labels.get(first as usize),
            siret,
            apprenticeship,
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
    fn the_index_finds_the_first_formation_of_each_certification() {
        let entry =
            |siret: &str, apprenticeship, codes: &[(CodeKind, &str)], label: &str| DoublonEntry {
                siret: siret.into(),
                apprenticeship,
                codes: codes
                    .iter()
                    .map(|&(kind, code)| DoublonCode {
                        kind,
                        code: normalise(kind, code),
                        written: code.to_owned(),
                        path: String::new(),
                        position: None,
                    })
                    .collect(),
                label: label.into(),
            };
        let mut index = Index::default();
        for i in 0..50_000 {
            let e = entry(
                &format!("{:014}", i / 5),
                false,
                &[(CodeKind::Rncp, &format!("RNCP{i}"))],
                &format!("F{i}"),
            );
            assert!(index.absorb(&e).is_none(), "F{i}");
        }
        assert_eq!(index.labels.len(), 50_000);
        // The same code of the same organisation, written otherwise: a duplicate of the first.
        let again = entry(
            &format!("{:014}", 1234 / 5),
            false,
            &[(CodeKind::Rs, "1234"), (CodeKind::Rncp, "rncp 1234")],
            "G",
        );
        let d = index
            .absorb(&again)
            .map(|d| (d.first.to_owned(), d.code.written.clone()));
        assert_eq!(d, Some(("F1234".to_owned(), "rncp 1234".to_owned())));
        // Its new code is kept under its own label; the other kinds of offer, organisations
        // and code kinds are no duplicates.
        let rs = entry(
            &format!("{:014}", 1234 / 5),
            false,
            &[(CodeKind::Rs, "1234")],
            "H",
        );
        assert_eq!(
            index.absorb(&rs).map(|d| d.first.to_owned()),
            Some("G".into())
        );
        for (siret, apprenticeship, kind) in [
            (1234 / 5, true, CodeKind::Rncp),
            (1234 / 5 + 1, false, CodeKind::Rncp),
            (1234 / 5, false, CodeKind::CertifInfo),
        ] {
            let e = entry(
                &format!("{siret:014}"),
                apprenticeship,
                &[(kind, "1234")],
                "I",
            );
            assert!(
                index.absorb(&e).is_none(),
                "{siret} {apprenticeship} {kind:?}"
            );
        }
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
