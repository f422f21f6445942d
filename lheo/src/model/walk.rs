//! Walking a model: every element in document order, with its LHEO name and position, for
//! code that works on any element generically (rules, diff, workbooks).
//!
//! ```
//! use lheo::model::walk::{Value, Visitor, Walk};
//! use lheo::{Adresse, Coordonnees};
//!
//! struct Villes(Vec<String>);
//! impl Visitor for Villes {
//!     fn enter(&mut self, name: &'static str, _index: Option<usize>, value: Value<'_>) -> bool {
//!         if let (Some(a), "adresse") = (value.downcast::<Adresse>(), name) {
//!             self.0.push(a.ville.value.clone());
//!         }
//!         true
//!     }
//! }
//!
//! let c = Coordonnees {
//!     adresse: Some(Adresse { ville: "Lyon".into(), ..Adresse::default() }),
//!     ..Coordonnees::default()
//! };
//! let mut v = Villes(Vec::new());
//! c.walk_children(&mut v);
//! assert_eq!(v.0, ["Lyon"]);
//! ```

use std::any::Any;

use super::{Attributes, Date, Dictionary, Extras, Field};

/// What the walker meets.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// A complex element (a model struct), with its attributes.
    Element(&'a dyn Any, &'a Attributes),
    /// A text element.
    Text(&'a Field<String>),
    /// An integer element.
    Integer(&'a Field<i64>),
    /// A date element.
    Date(&'a Field<Date>),
    /// A dictionary code.
    Code {
        /// The code written in XML.
        code: &'static str,
        /// Its French label.
        label: &'static str,
        /// The element's attributes.
        attrs: &'a Attributes,
    },
    /// An `extras` element (its content is not walked).
    Extras(&'a Extras),
}

impl<'a> Value<'a> {
    /// The struct, when this is a complex element of type `T`.
    pub fn downcast<T: Any>(&self) -> Option<&'a T> {
        match self {
            Value::Element(any, _) => any.downcast_ref(),
            _ => None,
        }
    }

    /// The element's attributes.
    pub fn attrs(&self) -> &'a Attributes {
        match *self {
            Value::Element(_, a) | Value::Code { attrs: a, .. } => a,
            Value::Text(f) => &f.attrs,
            Value::Integer(f) => &f.attrs,
            Value::Date(f) => &f.attrs,
            Value::Extras(e) => &e.attrs,
        }
    }

    /// The attributes beyond the standard ten ([`Attributes`]) that the element carries:
    /// `href`, `file`, `datemaj` and `datecrea`, which the schema declares on a few elements
    /// ([`ElementDecl::extra_attributes`](crate::schema::ElementDecl::extra_attributes)), as
    /// `(name, value)` in schema order. Empty for other elements.
    ///
    /// ```
    /// use lheo::model::walk::Walk;
    /// use lheo::Formation;
    ///
    /// let f = Formation { datemaj: Some("20270104".into()), ..Formation::default() };
    /// assert_eq!(f.value().extra_attributes(), [("datemaj", "20270104")]);
    /// ```
    pub fn extra_attributes(&self) -> Vec<(&'static str, &'a str)> {
        let Value::Element(any, _) = *self else {
            return Vec::new();
        };
        macro_rules! try_types {
            ($($t:ty => [$($attr:literal : $field:ident),*];)*) => {$(
                if let Some(x) = any.downcast_ref::<$t>() {
                    return [$(($attr, &x.$field)),*]
                        .into_iter()
                        .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
                        .collect();
                }
            )*};
        }
        use super::{
            Action, Formation, Lheo, LheoIndex, OrganismeFormationResponsable, ResumeOffre,
            ResumeOrganisme, Session,
        };
        try_types! {
            Formation => ["href": href, "file": file, "datemaj": datemaj, "datecrea": datecrea];
            ResumeOffre => ["href": href, "file": file, "datemaj": datemaj, "datecrea": datecrea];
            ResumeOrganisme => ["href": href, "file": file, "datemaj": datemaj, "datecrea": datecrea];
            OrganismeFormationResponsable => ["href": href, "file": file];
            Lheo => ["datemaj": datemaj, "datecrea": datecrea];
            LheoIndex => ["datemaj": datemaj, "datecrea": datecrea];
            Action => ["datemaj": datemaj, "datecrea": datecrea];
            Session => ["datemaj": datemaj, "datecrea": datecrea];
        }
        Vec::new()
    }

    /// The text an element of simple content is written with (`None` for complex ones).
    pub fn text(&self) -> Option<std::borrow::Cow<'a, str>> {
        use std::borrow::Cow;
        match *self {
            Value::Text(f) => Some(Cow::Borrowed(f.value.as_str())),
            Value::Integer(f) => Some(Cow::Owned(f.value.to_string())),
            Value::Date(f) => Some(Cow::Owned(f.value.to_string())),
            Value::Code { code, .. } => Some(Cow::Borrowed(code)),
            Value::Element(..) | Value::Extras(_) => None,
        }
    }
}

/// Receives the elements of a walk.
pub trait Visitor {
    /// An element. `index` is its 1-based rank among same-named siblings when the schema
    /// allows several, else `None` (the element path convention). Return `false` to skip its
    /// children.
    fn enter(&mut self, name: &'static str, index: Option<usize>, value: Value<'_>) -> bool;

    /// The end of an element entered before (called whatever `enter` returned).
    fn leave(&mut self, name: &'static str) {
        let _ = name;
    }
}

/// A model value that can be walked.
pub trait Walk {
    /// What the walker sees for this value.
    fn value(&self) -> Value<'_>;

    /// Walks the children (not the value itself).
    fn walk_children(&self, visitor: &mut dyn Visitor);
}

/// Walks `value` as the element `name`: `enter`, its children, `leave`.
pub fn walk<T: Walk>(
    visitor: &mut dyn Visitor,
    name: &'static str,
    index: Option<usize>,
    value: &T,
) {
    if visitor.enter(name, index, value.value()) {
        value.walk_children(visitor);
    }
    visitor.leave(name);
}

macro_rules! leaf {
    ($t:ty, $variant:ident) => {
        impl Walk for Field<$t> {
            fn value(&self) -> Value<'_> {
                Value::$variant(self)
            }

            fn walk_children(&self, _: &mut dyn Visitor) {}
        }
    };
}
leaf!(String, Text);
leaf!(i64, Integer);
leaf!(Date, Date);

impl Walk for Extras {
    fn value(&self) -> Value<'_> {
        Value::Extras(self)
    }

    fn walk_children(&self, _: &mut dyn Visitor) {}
}

/// Walk support for a dictionary enum field.
pub(crate) fn code_value<D: Dictionary>(f: &Field<D>) -> Value<'_> {
    Value::Code {
        code: f.value.code(),
        label: f.value.label(),
        attrs: &f.attrs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_attributes_cover_the_schema() {
        use crate::schema::{element_id, ELEMENTS};
        let handled = [
            "formation",
            "resume-offre",
            "resume-organisme",
            "organisme-formation-responsable",
            "lheo",
            "lheo-index",
            "action",
            "session",
        ];
        for e in ELEMENTS.iter().filter(|e| !e.extra_attributes.is_empty()) {
            assert!(
                handled.contains(&e.name),
                "{} declares {:?}",
                e.name,
                e.extra_attributes
            );
            assert!(element_id(e.name).is_some());
        }
        let f = crate::model::Formation {
            href: Some("h".into()),
            datecrea: Some("c".into()),
            ..Default::default()
        };
        assert_eq!(
            f.value().extra_attributes(),
            [("href", "h"), ("datecrea", "c")]
        );
    }
}
