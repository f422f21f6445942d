//! Business rules and the rule catalogue.

pub mod catalogue;

pub use catalogue::{Profile, Rule, RULES};
