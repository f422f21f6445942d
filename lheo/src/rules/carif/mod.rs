//! Profile `carif`: what the Carif-Oref guides ask of an offer before it is published, beyond
//! the XSD and the LHEO specification. Sources (in `../shared/guides/`): the OFeli user
//! guides of the Carif-Oref de Normandie and of the GIP Alfa Centre-Val de Loire, the DOKELIO
//! Île-de-France FAQ (Défi métiers, 2023) and its note on the « numéro Carif » (2017). Each
//! rule's description in the [catalogue](crate::rules::catalogue) names its guide and section.
//!
//! The rules work on what they read of a formation (a few values), taken from the model
//! ([`Carif::check_formation`]: formations built in code, paths relative to the formation) or
//! from a projected capture of each record, as [`validate`](crate::validate::validate) reads
//! them with [`Profile::Carif`](crate::Profile::Carif) (one or several threads). To check a
//! formation built in code with the structure and the LHEO rules too, give it to
//! [`validate_formation`](crate::validate::validate_formation) with that profile.
//!
//! One [`Carif`] checks one file: CARIF-DOUBLON compares the formations of an organisation
//! across the file, keeping per organisation (SIRET) the certifications seen and the first
//! formation of each, never the formations themselves.
//!
//! ```
//! use chrono::NaiveDate;
//! use lheo::rules::carif::Carif;
//! use lheo::Formation;
//!
//! let mut formation = Formation::default();
//! formation.intitule_formation = "CARISTE EN ENTREPÔT LOGISTIQUE".into();
//! let today = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! let findings = Carif::new(today).check_formation(&formation);
//! assert!(findings.iter().any(|d| d.code() == "CARIF-MAJUSCULES"));
//! ```

mod capture;
mod doublon;
pub(crate) mod facts;
mod rules;
pub(crate) mod text;

use chrono::NaiveDate;

use super::catalogue::Rule;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::Formation;
use crate::reader::log::RecordLog;
use crate::reader::{BuildError, Record, RecordNode};
use crate::rules::record::{Finding as RecordFinding, RecordRules, Scope, Unique};
use crate::schema::ElementSet;
use crate::xml::position::Position;
use facts::{FormationFacts, Loc, Locate, ModelPaths};
pub(crate) use rules::{finding, fr_date, Finding};

#[doc(hidden)]
pub use capture::READS;
pub(crate) use doublon::DoublonEntry;

impl RecordRules for Carif {
    fn reads(&self) -> Option<ElementSet> {
        Some(READS)
    }

    fn check(&mut self, record: &RecordLog, out: &mut Vec<RecordFinding>) {
        let found = self.check_captured(record);
        let mut pending = self.take_placeholders().into_iter();
        for d in found {
            if Carif::is_placeholder(&d) {
                if let Some(entry) = pending.next() {
                    let unique = Unique {
                        value: entry.encode(),
                        place: String::new(),
                        what: Rule::CarifDoublon.code(),
                    };
                    out.push(RecordFinding::Unique(d, unique));
                }
            } else {
                out.push(RecordFinding::Final(d));
            }
        }
    }

    fn resolve(&mut self, finding: Diagnostic, unique: Unique) -> Option<Diagnostic> {
        let entry = DoublonEntry::decode(&unique.value)?;
        self.resolve_placeholder(finding, entry)
    }
}

/// Stands for the message of a placeholder finding of deferred mode.
const PLACEHOLDER: &str = "\u{1}";

/// The checker of the CARIF rules (and, for [`super::parcoursup::Parcoursup`], of the
/// PARCOURSUP ones) over one file.
#[derive(Debug, Clone)]
pub struct Carif {
    today: NaiveDate,
    /// The rentrée the PARCOURSUP rules check (`None`: CARIF rules only).
    pub(crate) parcoursup: Option<i32>,
    index: doublon::Index,
    /// Deferred mode ([`Carif::deferred`]): the entry of each placeholder finding, in order.
    deferred: Option<Vec<DoublonEntry>>,
    /// Formations checked so far (to name a formation built in code).
    checked: usize,
    /// Buffers kept from one record to the next.
    arena: capture::Arena,
    facts: FormationFacts,
}

impl Carif {
    /// A checker where "today" is `today` (CARIF-ARCHIVAGE).
    pub fn new(today: NaiveDate) -> Self {
        Carif {
            today,
            parcoursup: None,
            index: doublon::Index::default(),
            deferred: None,
            checked: 0,
            arena: capture::Arena::default(),
            facts: FormationFacts::default(),
        }
    }

    /// The engine for a validation's [`Scope`]: whole documents, or parts of one.
    pub(crate) fn for_scope(today: NaiveDate, scope: Scope) -> Self {
        match scope {
            Scope::Whole => Carif::new(today),
            Scope::Part => Carif::deferred(today),
        }
    }

    /// An engine for part of a file (a document read in pieces, on several threads): each
    /// formation with a SIRET and a certification gives a placeholder `CARIF-DOUBLON`
    /// finding, which [`Carif::resolve_placeholder`] of the engine that sees the whole file,
    /// in document order, turns into a finding (a duplicate) or drops.
    pub(crate) fn deferred(today: NaiveDate) -> Self {
        Carif {
            deferred: Some(Vec::new()),
            ..Carif::new(today)
        }
    }

    /// Deferred mode: the entry of each placeholder found so far, in order.
    pub(crate) fn take_placeholders(&mut self) -> Vec<DoublonEntry> {
        self.deferred
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Whether a finding is a placeholder of deferred mode.
    pub(crate) fn is_placeholder(d: &Diagnostic) -> bool {
        d.rule == Rule::CarifDoublon && d.message.en == PLACEHOLDER
    }

    /// Resolves a placeholder with its entry (as [`Carif::take_placeholders`] gives them), in
    /// document order: the finding when an earlier formation of the organisation prepares
    /// the same certification, `None` otherwise (the formation is recorded).
    pub(crate) fn resolve_placeholder(
        &mut self,
        placeholder: Diagnostic,
        entry: DoublonEntry,
    ) -> Option<Diagnostic> {
        self.doublon(&entry).map(|mut d| {
            if d.location == Location::None {
                d.location = placeholder.location;
            }
            d
        })
    }

    /// The rules' name in messages.
    fn rules_name(&self) -> (&'static str, &'static str) {
        if self.parcoursup.is_some() {
            ("Carif-Oref et Parcoursup", "Carif-Oref and Parcoursup")
        } else {
            ("Carif-Oref", "Carif-Oref")
        }
    }

    /// Checks a formation built in code; paths in the diagnostics are relative to it
    /// (`action[1]/session[2]/cycle[1]`), and CARIF-DOUBLON compares it with the formations
    /// this checker saw before.
    pub fn check_formation(&mut self, formation: &Formation) -> Vec<Diagnostic> {
        self.checked += 1;
        let (facts, paths) = FormationFacts::from_formation(formation);
        let label = match &formation.attrs.numero {
            Some(n) => format!("la formation {n}"),
            None => format!("la formation vérifiée en {}e", self.checked),
        };
        self.check_facts(&facts, &paths, "", None, label)
    }

    /// Checks a record read as a tree ([`crate::reader::Reader::next_node`]): the rules on its
    /// model, labelled and placed like [`Carif::check_captured`] (absolute paths, the positions
    /// of the elements the findings point at). Fails when the tree does not build into the
    /// model; records other than formations have nothing to check.
    #[doc(hidden)]
    pub fn check_node(&mut self, node: &RecordNode) -> Result<Vec<Diagnostic>, BuildError> {
        let Record::Formation(formation) = node.to_record()? else {
            return Ok(Vec::new());
        };
        self.checked += 1;
        let (facts, paths) = FormationFacts::from_formation(&formation);
        let label = match node.node.attr("numero") {
            Some(n) => format!("la formation {n} ({})", node.path),
            None => format!("la formation {}", node.path),
        };
        let locate = InTree {
            paths: &paths,
            tree: &node.node,
        };
        Ok(self.check_facts(&facts, &locate, &node.path, Some(node.node.pos), label))
    }

    /// Checks a record captured by the reader (whole, or projected on [`READS`]): the findings
    /// [`Carif::check_formation`] gives on its model, with absolute paths
    /// (`/lheo/offres/formation[3]/action[1]/…`) and the positions of the elements they point
    /// at. Records other than formations have nothing to check.
    #[doc(hidden)]
    pub fn check_captured(&mut self, log: &RecordLog) -> Vec<Diagnostic> {
        let mut arena = std::mem::take(&mut self.arena);
        let mut facts = std::mem::take(&mut self.facts);
        arena.read(log);
        let root = arena.root().map(|r| r.1).unwrap_or_default();
        let found = match arena.facts(&mut facts) {
            Ok(false) => Vec::new(),
            Ok(true) => {
                self.checked += 1;
                let label = match arena.numero() {
                    Some(n) => format!("la formation {n} ({})", log.path),
                    None => format!("la formation {}", log.path),
                };
                self.check_facts(&facts, &arena, &log.path, Some(root), label)
            }
            Err(e) => vec![self.unverified(&log.path, &e, root)],
        };
        arena.give_back(&mut facts);
        self.arena = arena;
        self.facts = facts;
        found
    }

    fn check_facts(
        &mut self,
        facts: &FormationFacts,
        locate: &dyn Locate,
        record: &str,
        root: Option<Position>,
        label: String,
    ) -> Vec<Diagnostic> {
        let mut findings = Vec::new();
        rules::check(facts, self.today, &mut findings);
        if let Some(rentree) = self.parcoursup {
            super::parcoursup::check(facts, rentree, &mut findings);
        }
        let mut out: Vec<Diagnostic> = findings
            .into_iter()
            .map(|f| {
                let path = locate.path(f.loc);
                let mut d = Diagnostic::new(f.code, f.fr, f.en).with_path(absolute(record, &path));
                if let Some(s) = f.severity {
                    d = d.with_severity(s);
                }
                if let Some(p) = locate.position(f.loc) {
                    d = d.at_line(p.line, p.column);
                }
                d
            })
            .collect();
        if let Some(entry) = DoublonEntry::of(facts, locate, record, label) {
            match &mut self.deferred {
                Some(pending) => {
                    let mut d = Diagnostic::new(Rule::CarifDoublon, String::new(), PLACEHOLDER)
                        .with_path(absolute(record, ""));
                    if let Some(p) = root {
                        d = d.at_line(p.line, p.column);
                    }
                    out.push(d);
                    pending.push(entry);
                }
                None => out.extend(self.doublon(&entry)),
            }
        }
        out
    }

    /// CARIF-DOUBLON for a formation, in document order.
    fn doublon(&mut self, entry: &DoublonEntry) -> Option<Diagnostic> {
        let dup = self.index.absorb(entry)?;
        let code = dup.code;
        // The code as written, with its kind when it does not say it (`RNCP38362`, `RNCP 474`).
        let kind = code.kind().name();
        let written = code.written();
        let shown = if written
            .to_uppercase()
            .starts_with(&kind.to_uppercase().replace(' ', ""))
        {
            written.to_owned()
        } else {
            format!("{kind} {written}")
        };
        let (appr_fr, appr_en) = if dup.apprenticeship {
            (", en apprentissage toutes deux", ", both in apprenticeship")
        } else {
            ("", "")
        };
        let mut d = Diagnostic::new(
            Rule::CarifDoublon,
            format!(
                "même organisme responsable (SIRET {}) et même certification ({shown}) que {}{appr_fr} : une certification = une seule action de formation ; attendu des sessions ajoutées à la formation existante plutôt qu'une nouvelle formation",
                dup.siret, dup.first
            ),
            format!(
                "same responsible organisation (SIRET {}) and same certification ({shown}) as {}{appr_en}: one certification = one training action; sessions added to the existing formation expected instead of a new formation",
                dup.siret,
                english_label(dup.first)
            ),
        )
        .with_path(code.path().to_owned());
        if let Some(p) = code.position() {
            d = d.at_line(p.line, p.column);
        }
        Some(d)
    }

    /// The finding for a record the rules could not read.
    fn unverified(&self, path: &str, e: &BuildError, pos: Position) -> Diagnostic {
        let (fr, en) = self.rules_name();
        Diagnostic::new(
            Rule::LheoNonVerifie,
            format!("règles {fr} non vérifiées sur {path} : structure invalide ({e})"),
            format!(
                "{en} rules skipped on {path}: invalid structure (line {}: {})",
                e.line, e.element
            ),
        )
        .at_line(pos.line, pos.column)
        .with_path(path.to_owned())
    }
}

/// The elements of a formation built from a tree: paths from the model, positions from the
/// tree (the nearest element that exists along the path).
struct InTree<'a> {
    paths: &'a ModelPaths,
    tree: &'a crate::reader::tree::Node,
}

impl Locate for InTree<'_> {
    fn path(&self, loc: Loc) -> String {
        self.paths.path(loc)
    }

    fn position(&self, loc: Loc) -> Option<Position> {
        let path = self.paths.path(loc);
        let mut target = self.tree;
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            match target.find(seg) {
                Some(n) => target = n,
                None => break,
            }
        }
        Some(target.pos)
    }
}

/// A path relative to `record` made absolute (`record` empty: left relative).
fn absolute(record: &str, path: &str) -> String {
    match (record.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => record.to_owned(),
        (false, false) => format!("{record}/{path}"),
    }
}

/// A formation's label ([`Carif::check_formation`], [`Carif::check_captured`]) in English.
fn english_label(label: &str) -> String {
    match label.strip_prefix("la formation vérifiée en ") {
        Some(n) => format!("formation no. {} checked", n.trim_end_matches('e')),
        None => label.replacen("la formation", "the formation", 1),
    }
}
