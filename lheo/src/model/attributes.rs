//! The attributes every LHEO element accepts: the struct is generated from the schema
//! description (`attributes std`), the methods here work on its name tables; [`Attrs`] holds
//! them in the model, in 8 bytes.

use super::Attributes;

impl Attributes {
    /// Attributes with only `numero` set.
    pub fn with_numero(numero: impl Into<String>) -> Self {
        Attributes {
            numero: Some(numero.into()),
            ..Attributes::default()
        }
    }

    /// The value of attribute `name` (its XML name, e.g. `"horodatage-export"`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.slot(name).and_then(|s| s.as_deref())
    }

    /// Sets attribute `name`; returns `false` when `name` is not one of [`Attributes::NAMES`].
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> bool {
        match self.slot_mut(name) {
            Some(slot) => {
                *slot = Some(value.into());
                true
            }
            None => false,
        }
    }

    /// Removes attribute `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.slot_mut(name).and_then(Option::take)
    }

    /// The attributes that are set, as `(name, value)` in schema order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.slots()
            .into_iter()
            .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
    }

    /// `true` when no attribute is set.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// An element's [`Attributes`], in 8 bytes: most elements have none, and a record holds
/// hundreds of elements (an [`Attributes`] inline is 240 bytes, most of a record's model).
/// They are read and written as an [`Attributes`] (`field.attrs.numero`, through `Deref` and
/// `DerefMut`); the first write allocates them. Equal, hashed and printed as the
/// [`Attributes`] they hold (none set: [`Attributes::default`]).
///
/// ```
/// use lheo::{Attributes, Attrs, Text};
///
/// let mut titre = Text::new("Plaquiste".into());
/// assert!(titre.attrs.is_empty());
/// titre.attrs.numero = Some("T-1".into());
/// assert_eq!(titre.attrs.get("numero"), Some("T-1"));
/// assert_eq!(Attrs::from(Attributes::with_numero("T-1")), titre.attrs);
/// ```
#[derive(Clone, Default)]
pub struct Attrs(Option<Box<Attributes>>);

/// What an [`Attrs`] holding none reads.
static EMPTY: Attributes = Attributes::EMPTY;

impl Attrs {
    /// The attributes, owned.
    pub fn into_inner(self) -> Attributes {
        self.0.map(|b| *b).unwrap_or_default()
    }
}

impl From<Attributes> for Attrs {
    fn from(attributes: Attributes) -> Self {
        Attrs((!attributes.is_empty()).then(|| Box::new(attributes)))
    }
}

impl std::ops::Deref for Attrs {
    type Target = Attributes;

    fn deref(&self) -> &Attributes {
        self.0.as_deref().unwrap_or(&EMPTY)
    }
}

impl std::ops::DerefMut for Attrs {
    fn deref_mut(&mut self) -> &mut Attributes {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for Attrs {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Attrs {}

impl std::hash::Hash for Attrs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl std::fmt::Debug for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_remove() {
        let mut a = Attributes::default();
        assert!(a.set("ref", "V12"));
        assert!(!a.set("href", "x"));
        assert_eq!(a.ref_.as_deref(), Some("V12"));
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![("ref", "V12")]);
        assert_eq!(a.remove("ref").as_deref(), Some("V12"));
        assert!(a.is_empty());
    }
}
