//! Business rules and the rule catalogue.
//!
//! The [catalogue] lists every rule ([`Rule`]) with its profile ([`Profile`]). The
//! structural rules (`XML-*`, `XSD-*`) and the element-level rules of the LHEO specification
//! (`LHEO-*`) run on the event stream, in the structural checker; the profile rules that need
//! a whole record, like [`france_travail`], [`carif`], [`parcoursup`]
//! and the referential ones ([`crate::referentiels`]), run on each record (a capture of it
//! during validation, or a model built in code).

pub mod carif;
pub use crate::diagnostic::catalogue;
mod digest;
pub mod france_travail;
pub mod parcoursup;
pub(crate) mod record;
mod referentiels;

pub use catalogue::{Profile, Rule};
