//! The facts of the LHEO 2.3 schema as static tables: elements, content models, facets,
//! attribute sets and dictionaries.
//!
//! These tables are generated from `schemas/lheo-2.3.schema` (the project's single description
//! of the language, itself held against the official XSD and GML by `cargo test -p xtask`).
//! The structural checker, the model and the workbook layout all read them.
//!
//! ```
//! use lheo::schema::{self, Content};
//!
//! let formation = schema::element_id("formation").unwrap();
//! let decl = schema::element(formation);
//! assert_eq!(decl.label, "Offre de formation");
//! match decl.content {
//!     Content::Sequence(particles) => {
//!         assert_eq!(schema::element(particles[0].element).name, "domaine-formation");
//!     }
//!     _ => unreachable!(),
//! }
//! ```

mod generated;

pub use generated::{element_id, id, DICTS, ELEMENTS, STD_ATTRIBUTES};
pub(crate) use generated::{record_parent, RECORD_ELEMENTS};

/// The namespace of LHEO 2.3.
pub const NAMESPACE_2_3: &str = "http://lheo.gouv.fr/2.3";

/// Whether an element named `local` in one named `parent` is a record (by name: namespaces
/// are not looked at).
pub(crate) fn is_record_name(parent: &str, local: &[u8]) -> bool {
    RECORD_ELEMENTS.iter().any(|&r| {
        element(r).name.as_bytes() == local
            && record_parent(r).is_some_and(|c| element(c).name == parent)
    })
}

/// Index of an element declaration in [`ELEMENTS`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ElementId(pub u16);

/// Index of a dictionary in [`DICTS`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct DictId(pub u8);

/// A global element declaration of the XSD.
#[derive(Debug)]
pub struct ElementDecl {
    /// Local name, e.g. `"nb-places"`.
    pub name: &'static str,
    /// French name from the GML (`fullname`).
    pub label: &'static str,
    /// French documentation from the GML, whitespace collapsed (may be empty).
    pub doc: &'static str,
    /// Attributes allowed beyond [`STD_ATTRIBUTES`] (all `xs:string`), e.g. `href`.
    pub extra_attributes: &'static [&'static str],
    /// Content model.
    pub content: Content,
}

/// Content model of an element.
#[derive(Debug)]
pub enum Content {
    /// A sequence of child elements, each with its cardinality.
    Sequence(&'static [Particle]),
    /// A repeated choice between child elements (only `extras`).
    Choice {
        /// Minimum number of choices.
        min: u32,
        /// Maximum number of choices, `None` = unbounded.
        max: Option<u32>,
        /// The alternatives.
        children: &'static [ElementId],
    },
    /// `xs:anyType`: mixed content, any attribute, child elements validated laxly (only `extra`).
    Any,
    /// Text content of a simple type.
    Simple(&'static SimpleType),
}

impl Content {
    /// Whether the content is child elements only (a sequence or a choice): text there is an
    /// error, white space there is indentation.
    #[inline]
    pub fn is_element_only(&self) -> bool {
        matches!(self, Content::Sequence(_) | Content::Choice { .. })
    }
}

/// One child element of a sequence.
#[derive(Debug)]
pub struct Particle {
    /// The child's declaration.
    pub element: ElementId,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs`, `None` = unbounded.
    pub max: Option<u32>,
}

/// XSD built-in base of a simple type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `xs:string`: whitespace preserved.
    String,
    /// `xs:token`: whitespace collapsed before facets apply.
    Token,
    /// `xs:long`: a 64-bit integer.
    Long,
}

/// Formats the LHEO specification gives beyond the XSD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `AAAAMMJJ`, with `00000000`, `AAAAMM00` and `AAAA0000` for partial dates.
    Date,
    /// Hours written `14h15`, `9h` or `12h`.
    Heure,
}

/// A simple type: base, XSD facets and the GML facts.
#[derive(Debug)]
pub struct SimpleType {
    /// Built-in base type.
    pub base: Base,
    /// `xs:minLength`.
    pub min_length: Option<u32>,
    /// `xs:maxLength`.
    pub max_length: Option<u32>,
    /// `xs:length`.
    pub length: Option<u32>,
    /// `xs:pattern` (a concatenation of character classes).
    pub pattern: Option<&'static str>,
    /// `xs:enumeration`, as the dictionary whose codes it lists.
    pub dict: Option<DictId>,
    /// GML bounds (`vmin`/`vmax`) on integers, checked by the `lheo` profile.
    pub range: Option<(i64, i64)>,
    /// GML format, checked by the `lheo` profile.
    pub format: Option<Format>,
}

/// XSD type of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    /// `xs:string`.
    String,
    /// `xs:ID`.
    Id,
    /// `xs:IDREF`.
    IdRef,
    /// `xs:dateTime`.
    DateTime,
    /// `xs:anyURI`.
    AnyUri,
}

/// A dictionary of codes with French labels (`dict-…` in the GML).
#[derive(Debug)]
pub struct DictDecl {
    /// GML name, e.g. `"dict-modalite-recrutement"`.
    pub name: &'static str,
    /// French name of the dictionary.
    pub label: &'static str,
    /// `(code, French label)` in GML order.
    pub entries: &'static [(&'static str, &'static str)],
}

impl DictDecl {
    /// The French label of `code`, if the code belongs to the dictionary.
    pub fn label_of(&self, code: &str) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| *l)
    }
}

/// The declaration of an element.
pub fn element(id: ElementId) -> &'static ElementDecl {
    &ELEMENTS[id.0 as usize]
}

/// A dictionary.
pub fn dict(id: DictId) -> &'static DictDecl {
    &DICTS[id.0 as usize]
}

/// The XSD type of attribute `name` on element `id`, if the element declares it.
pub fn attribute_type(id: ElementId, name: &str) -> Option<AttrType> {
    STD_ATTRIBUTES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .or_else(|| {
            element(id)
                .extra_attributes
                .contains(&name)
                .then_some(AttrType::String)
        })
}

/// A set of elements, built at compile time (e.g. the elements a rule profile reads).
///
/// ```
/// use lheo::schema::{id, ElementSet};
///
/// const DATES: ElementSet = ElementSet::new(&[id::DEBUT, id::FIN]);
/// assert!(DATES.contains(id::FIN));
/// assert!(!DATES.contains(id::SESSION));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementSet([u64; ElementSet::WORDS]);

impl ElementSet {
    const WORDS: usize = ELEMENTS.len().div_ceil(64);

    /// The set of `ids`.
    pub const fn new(ids: &[ElementId]) -> Self {
        let mut words = [0u64; ElementSet::WORDS];
        let mut i = 0;
        while i < ids.len() {
            let n = ids[i].0 as usize;
            words[n / 64] |= 1 << (n % 64);
            i += 1;
        }
        ElementSet(words)
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: ElementId) -> bool {
        let n = id.0 as usize;
        self.0.get(n / 64).is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    /// The elements of `self` and those whose content may hold one of them, at any depth.
    pub fn with_holders(&self) -> ElementSet {
        let mut set = *self;
        loop {
            let mut grown = false;
            for (i, e) in ELEMENTS.iter().enumerate() {
                let id = ElementId(i as u16);
                let holds = match e.content {
                    Content::Sequence(ps) => ps.iter().any(|p| set.contains(p.element)),
                    Content::Choice { children, .. } => children.iter().any(|&c| set.contains(c)),
                    Content::Any | Content::Simple(_) => false,
                };
                if holds && !set.contains(id) {
                    set = set.union(&ElementSet::new(&[id]));
                    grown = true;
                }
            }
            if !grown {
                return set;
            }
        }
    }

    /// The elements of `self` and of `other`.
    pub const fn union(&self, other: &ElementSet) -> ElementSet {
        let mut words = self.0;
        let mut i = 0;
        while i < ElementSet::WORDS {
            words[i] |= other.0[i];
            i += 1;
        }
        ElementSet(words)
    }
}

/// The particle of `child` in `parent`'s sequence, with its index (`None` when `parent` has no
/// sequence or does not declare `child`). Paths index a child only when its particle allows
/// several (`action[2]`, `ligne[1]`).
pub fn particle(parent: ElementId, child: ElementId) -> Option<(usize, &'static Particle)> {
    match element(parent).content {
        Content::Sequence(ps) => ps.iter().enumerate().find(|(_, p)| p.element == child),
        _ => None,
    }
}

/// The elements that may be the root of an LHEO document: `lheo`, `lheo-index`, `lheo-plus`.
pub fn document_roots() -> [ElementId; 3] {
    [id::LHEO, id::LHEO_INDEX, id::LHEO_PLUS]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_element_is_found_by_name() {
        for (i, e) in ELEMENTS.iter().enumerate() {
            assert_eq!(element_id(e.name), Some(ElementId(i as u16)), "{}", e.name);
        }
        assert_eq!(element_id("offre-formation"), None);
        assert_eq!(element_id(""), None);
    }

    #[test]
    fn names_that_differ_by_one_byte_are_told_apart() {
        // The lookup jumps on the length and one byte: every other byte must still count.
        let by_name = |n: &str| ELEMENTS.iter().position(|e| e.name == n);
        for e in ELEMENTS.iter() {
            for at in 0..e.name.len() {
                for c in ['x', 'Z', '-', 'é'] {
                    let mut n = e.name.to_owned();
                    n.replace_range(at..at + 1, c.encode_utf8(&mut [0; 4]));
                    let want = by_name(&n).map(|i| ElementId(i as u16));
                    assert_eq!(element_id(&n), want, "{n}");
                }
            }
            assert_eq!(
                element_id(&format!("{}s", e.name)),
                by_name(&format!("{}s", e.name)).map(|i| ElementId(i as u16))
            );
            assert_eq!(
                element_id(&e.name[1..]),
                by_name(&e.name[1..]).map(|i| ElementId(i as u16))
            );
        }
    }

    #[test]
    fn dictionaries_know_labels() {
        let recrutement = element(id::MODALITE_RECRUTEMENT);
        let Content::Simple(st) = recrutement.content else {
            panic!("modalite-recrutement is simple")
        };
        let d = dict(st.dict.expect("has a dictionary"));
        assert_eq!(d.label_of("7"), Some("inscription sur candidature"));
        assert_eq!(d.label_of("10"), None);
    }

    #[test]
    fn attribute_types() {
        assert_eq!(
            attribute_type(id::FORMATION, "href"),
            Some(AttrType::String)
        );
        assert_eq!(attribute_type(id::ADRESSE, "href"), None);
        assert_eq!(attribute_type(id::ADRESSE, "id"), Some(AttrType::Id));
    }
}
