//! A simple element: a typed value with its attributes.

use super::Attrs;

/// A simple-content LHEO element: its value and its attributes.
///
/// Every LHEO element may carry attributes (e.g. `<code-FORMACODE ref="V12">`), so simple
/// elements are not bare values. `Field` converts from its value for easy construction:
///
/// ```
/// use lheo::{Field, Text};
///
/// let titre: Text = "Titre professionnel plaquiste".into();
/// assert_eq!(titre.value, "Titre professionnel plaquiste");
/// let places: Field<i64> = 12.into();
/// assert_eq!(*places, 12);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Field<T> {
    /// The element's value.
    pub value: T,
    /// The element's attributes.
    pub attrs: Attrs,
}

/// A text element (`xs:string` content).
pub type Text = Field<String>;

impl<T> Field<T> {
    /// A field with no attributes.
    pub fn new(value: T) -> Self {
        Field {
            value,
            attrs: Attrs::default(),
        }
    }

    /// The same field with attribute `ref` set (e.g. a FORMACODE version).
    pub fn with_ref(mut self, r: impl Into<String>) -> Self {
        self.attrs.ref_ = Some(r.into());
        self
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::new(value)
    }
}

impl From<&str> for Field<String> {
    fn from(value: &str) -> Self {
        Field::new(value.to_owned())
    }
}

impl<T> std::ops::Deref for Field<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Field<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}
