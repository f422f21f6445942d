//! Records as the comparison sees them: kind, key, content hash (pass 1), and the entity
//! tree with its title (pass 2).

use super::entity::{walk_value, Entity, Policy, Walked};
use crate::model::walk::Walk;
use crate::model::Document;
use crate::model::Record;

/// The record kinds, for pairing records of the same kind only.
pub(crate) fn kind(record: &Record) -> u8 {
    kind_named(record.name())
}

/// The kind of a record by its element name ([`Record::name`]).
pub(crate) fn kind_named(name: &str) -> u8 {
    match name {
        "formation" => 0,
        "resume-offre" => 1,
        "resume-organisme" => 2,
        "organisme-formation-responsable" => 3,
        _ => u8::MAX,
    }
}

/// The kind of the record at `path` (`/lheo/offres/formation[3]`).
pub(crate) fn kind_at(path: &str) -> u8 {
    let last = path.rsplit('/').next().unwrap_or(path);
    let name = last.split('[').next().unwrap_or(last);
    kind_named(name.rsplit(':').next().unwrap_or(name))
}

/// The record's `numero`.
pub(crate) fn numero(record: &Record) -> Option<&str> {
    match record {
        Record::Formation(x) => x.attrs.numero.as_deref(),
        Record::ResumeOffre(x) => x.attrs.numero.as_deref(),
        Record::ResumeOrganisme(x) => x.attrs.numero.as_deref(),
        Record::Organisme(x) => x.attrs.numero.as_deref(),
    }
}

/// What people call the record.
pub(crate) fn title(record: &Record) -> Option<String> {
    let t = match record {
        Record::Formation(x) => &x.intitule_formation.value,
        Record::ResumeOffre(x) => &x.intitule_formation.value,
        Record::ResumeOrganisme(x) => &x.raison_sociale.value,
        Record::Organisme(x) => &x.raison_sociale.value,
    };
    let t = super::walker::collapse(t);
    (!t.is_empty()).then(|| t.into_owned())
}

/// Splits a record path into its parent's path and its position:
/// `/lheo/offres/formation[3]` → (`/lheo/offres`, 3).
fn split(path: &str) -> (&str, Option<usize>) {
    let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
    let index = last
        .split_once('[')
        .and_then(|(_, i)| i.trim_end_matches(']').parse().ok());
    (parent, index)
}

/// Walks a record at `path`.
pub(crate) fn walk_record(policy: Policy<'_>, keep: bool, record: &Record, path: &str) -> Walked {
    let (parent, index) = split(path);
    let n = record.name();
    fn go<T: Walk>(
        p: Policy<'_>,
        keep: bool,
        parent: &str,
        n: &'static str,
        i: Option<usize>,
        v: &T,
    ) -> Walked {
        walk_value(p, keep, parent, n, i, v)
    }
    match record {
        Record::Formation(x) => go(policy, keep, parent, n, index, x.as_ref()),
        Record::ResumeOffre(x) => go(policy, keep, parent, n, index, x.as_ref()),
        Record::ResumeOrganisme(x) => go(policy, keep, parent, n, index, x.as_ref()),
        Record::Organisme(x) => go(policy, keep, parent, n, index, x.as_ref()),
    }
}

/// The root element name of a document.
pub(crate) fn root_name(doc: &Document) -> &'static str {
    match doc {
        Document::Lheo(_) => "lheo",
        Document::LheoIndex(_) => "lheo-index",
        Document::LheoPlus(_) => "lheo-plus",
    }
}

/// Walks a document's envelope as one entity (its root).
pub(crate) fn walk_envelope(policy: Policy<'_>, doc: &Document) -> Entity {
    let name = root_name(doc);
    let walked = match doc {
        Document::Lheo(x) => walk_value(policy, true, "", name, None, x),
        Document::LheoIndex(x) => walk_value(policy, true, "", name, None, x),
        Document::LheoPlus(x) => walk_value(policy, true, "", name, None, x),
    };
    walked.tree.unwrap_or(Entity {
        name,
        numero: None,
        path: format!("/{name}"),
        fields: Vec::new(),
        children: Vec::new(),
        hash: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path_are_the_kinds_of_the_records() {
        assert_eq!(kind_at("/lheo/offres/formation[3]"), 0);
        assert_eq!(
            kind_at("/l:lheo-index/l:resumes-offres/l:resume-offre[1]"),
            1
        );
        assert_eq!(
            kind_at("/lheo-index/resumes-organismes/resume-organisme[2]"),
            2
        );
        assert_eq!(kind_at("/lheo-plus/organisme-formation-responsable[12]"), 3);
        assert_eq!(kind_at("/x/y[1]"), u8::MAX);
    }

    #[test]
    fn splits_record_paths() {
        assert_eq!(
            split("/lheo/offres/formation[3]"),
            ("/lheo/offres", Some(3))
        );
        assert_eq!(
            split("/lheo-plus/organisme-formation-responsable[12]"),
            ("/lheo-plus", Some(12))
        );
    }
}
