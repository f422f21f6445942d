//! Business rules and the rule catalogue.
//!
//! The structural rules (`XML-*`, `XSD-*`) and the element-level rules of the LHEO
//! specification (`LHEO-*`) run on the event stream in [`crate::check`]; the profile rules
//! that need a whole record, like [`france_travail`], run on the model.

pub use crate::diagnostic::catalogue;
pub mod france_travail;
pub(crate) mod record;

pub use catalogue::{Profile, Rule};
