//! # lheo
//!
//! The LHEO 2.3 toolkit.

pub mod check;
pub mod diagnostic;
pub mod model;
pub mod reader;
pub mod rules;
pub mod schema;
pub mod validate;
pub mod writer;

pub use diagnostic::{Counts, Diagnostic, Lang, Location, Message, Severity};
pub use model::*;
