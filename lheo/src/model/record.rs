//! Records: the units a feed is streamed in.

use super::{Formation, OrganismeFormationResponsable, ResumeOffre, ResumeOrganisme};

/// A record: the unit [`Reader`](crate::reader::Reader) yields and
/// [`StreamWriter`](crate::writer::StreamWriter) writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A `formation` of `lheo/offres`.
    Formation(Box<Formation>),
    /// A `resume-offre` of `lheo-index/resumes-offres`.
    ResumeOffre(Box<ResumeOffre>),
    /// A `resume-organisme` of `lheo-index/resumes-organismes`.
    ResumeOrganisme(Box<ResumeOrganisme>),
    /// An `organisme-formation-responsable` of `lheo-plus`.
    Organisme(Box<OrganismeFormationResponsable>),
}
