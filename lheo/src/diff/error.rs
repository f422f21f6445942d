//! Why a comparison could not be made: a [`crate::Error`], with the [`Side`] it is about.
//!
//! - one side cannot be read: the side's error ([`ErrorKind::Io`], [`ErrorKind::Invalid`],
//!   [`ErrorKind::Structure`]…), [`Error::side`] tells which;
//! - the two documents have different roots: [`ErrorKind::DifferentRoots`];
//! - a side gave other records on the second reading than on the first (the file was
//!   modified during the comparison): [`ErrorKind::Changed`], with its side;
//! - the receiver of the changes failed (e.g. writing the report): [`ErrorKind::Io`] without
//!   a side.

use std::io;

pub use crate::error::Side;
use crate::error::{Error, ErrorKind};
use crate::{Lang, Location};

/// A side's error, as the message that follows the side's name: the line of an unreadable
/// input, what to do about a structure the model does not take.
pub(super) fn on_side(e: Error, side: Side) -> Error {
    let (fr, en) = match e.kind() {
        ErrorKind::Invalid => {
            let line = match e.location() {
                Some(Location::Xml { line, .. }) => Some(*line),
                _ => None,
            };
            (
                format!(
                    "{}{}",
                    line.map(|l| format!("ligne {l} : ")).unwrap_or_default(),
                    e.text(Lang::Fr)
                ),
                format!(
                    "{}{}",
                    line.map(|l| format!("line {l}: ")).unwrap_or_default(),
                    e.text(Lang::En)
                ),
            )
        }
        ErrorKind::Structure => (
            format!(
                "{} (la structure n'est pas celle de LHEO 2.3 : lheo validate en donne le détail)",
                e.text(Lang::Fr)
            ),
            format!(
                "{} (the structure is not LHEO 2.3: lheo validate tells why)",
                e.text(Lang::En)
            ),
        ),
        ErrorKind::Io => match e.io() {
            Some(io) => (
                format!("erreur de lecture : {io}"),
                format!("read error: {io}"),
            ),
            None => (e.text(Lang::Fr).to_owned(), e.text(Lang::En).to_owned()),
        },
        _ => (e.text(Lang::Fr).to_owned(), e.text(Lang::En).to_owned()),
    };
    e.with_message(fr, en).on(side)
}

/// The two documents have different roots.
pub(super) fn different_roots(old: &str, new: &str) -> Error {
    Error::new(
        ErrorKind::DifferentRoots,
        format!("les deux documents n'ont pas la même racine ({old} et {new}) : rien à comparer"),
        format!("the two documents have different roots ({old} and {new}): nothing to compare"),
    )
}

/// A side gave other records on the second reading than on the first.
pub(super) fn changed(side: Side) -> Error {
    Error::new(
        ErrorKind::Changed,
        format!(
            "{} : le contenu a changé pendant la comparaison (fichier modifié ?)",
            side.name(Lang::Fr)
        ),
        format!(
            "{}: the content changed during the comparison (file modified?)",
            side.name(Lang::En)
        ),
    )
    .on(side)
}

/// The receiver of the changes failed.
pub(super) fn sink(e: io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("écriture du résultat impossible : {e}"),
        format!("cannot write the result: {e}"),
    )
    .caused_by(e)
}
