//! The LHEO 2.3 model: one Rust type per element, dictionaries as enums.
//!
//! Complex elements are structs named after the element (`formation` → [`Formation`],
//! `organisme-formation-responsable` → [`OrganismeFormationResponsable`]) with one field per
//! child in schema order: `T` for a required child, `Option<T>` for an optional one, `Vec<T>`
//! for a repeated one. Simple elements are [`Field`]s (value + attributes); dictionary codes
//! are enums implementing [`Dictionary`]; dates are [`Date`]s. Every struct has `attrs`
//! ([`Attributes`]) and `extras`, so nothing in a feed is lost.
//!
//! ```
//! use lheo::{Booleen, ModaliteRecrutement, Recrutement};
//!
//! let rdv = Recrutement {
//!     modalite_recrutement: ModaliteRecrutement::EntretienRdvIndividuel.into(),
//!     a_distance: Some(Booleen::Non.into()),
//!     nb_places: Some(8.into()),
//!     heure_debut: Some("9h30".into()),
//!     ..Recrutement::default()
//! };
//! assert_eq!(rdv.nb_places.as_ref().map(|n| n.value), Some(8));
//! ```

mod attributes;
mod date;
mod extras;
mod field;
mod generated;
mod heure;
mod value;
pub mod walk;
#[allow(clippy::all)]
mod walk_generated;

pub use attributes::Attrs;
pub use date::{Date, Precision};
pub use extras::{Extra, Extras, ExtrasItem, QName, XmlAttribute, XmlElement, XmlNode};
pub use field::{Field, Text};
pub use generated::*;
pub use heure::Heure;
pub use value::{parse_xs_long, Dictionary, SimpleValue};
pub(crate) use value::{trim_xml, written_text};

impl Booleen {
    /// `true` for `1` (oui).
    pub fn as_bool(self) -> bool {
        self == Booleen::Oui
    }
}

impl From<bool> for Booleen {
    fn from(b: bool) -> Self {
        if b {
            Booleen::Oui
        } else {
            Booleen::Non
        }
    }
}

/// An LHEO document: one of the three roots the XSD defines for exchanges.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Document {
    /// `lheo`: an offer feed.
    Lheo(Lheo),
    /// `lheo-index`: summaries of offers and organisations.
    LheoIndex(LheoIndex),
    /// `lheo-plus`: an offer feed plus organisations.
    LheoPlus(LheoPlus),
}
