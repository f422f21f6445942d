//! Writing LHEO 2.3 XML.

#[allow(clippy::all)]
mod generated;
pub mod xml;
