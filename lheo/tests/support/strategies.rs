//! Proptest strategies for random *valid* LHEO values: text with XML-special and non-ASCII
//! characters (XML-legal only, within the XSD length facets), dictionary codes, dates,
//! `xs:long`s, attributes (`xs:ID`s unique, `xs:IDREF`s resolved, `xs:dateTime`s,
//! `xs:anyURI`s), `extras` with nested `extras` and free XML content in several namespaces.
//!
//! Element trees follow the schema tables (every element can occur, with bounded
//! repetition) and become model values through the library's tree builder; some model values
//! are also built directly ([`extras_model`], [`recrutement`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lheo::internal::{Child, Node};
use lheo::model::{
    Attributes, Date, Dictionary, Extra, Extras, ExtrasItem, Field, Periode, QName, Recrutement,
    XmlAttribute, XmlElement, XmlNode,
};
use lheo::model::{Booleen, ModaliteRecrutement, PerimetreRecrutement};
use lheo::reader::FromNode;
use lheo::schema::{self, id, AttrType, Base, Content, ElementId, Format, SimpleType};
use lheo::{Document, Formation, Lheo, LheoIndex, LheoPlus};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use super::trees::{fix_ids, free_node, node};

/// Pieces of text: letters, XML-special characters, line breaks (CR included), markup-like
/// text, non-ASCII (accents, no-break space, CJK, emoji beyond the BMP, private use, the
/// last code point).
const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "mot",
    "Formation",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "<",
    ">",
    "&",
    "&amp;",
    "]]>",
    "\"",
    "'",
    "<p>",
    "&lt;br /&gt;",
    "<![CDATA[x]]>",
    "é",
    "È",
    "ç",
    "œ",
    "€",
    "\u{a0}",
    "\u{2028}",
    "\u{85}",
    "中文",
    "😀",
    "\u{e000}",
    "\u{fffd}",
    "\u{10ffff}",
    "-",
];

/// Text of `min..=max` characters (XML-legal), biased to short.
pub fn text(min: usize, max: usize) -> BoxedStrategy<String> {
    let cap = max.min(min + 40);
    let long = (max > cap).then_some(max);
    (
        vec(select(PIECES), 0..=cap),
        option::weighted(0.03, Just(())),
    )
        .prop_map(move |(pieces, stretch)| {
            let mut chars: Vec<char> = pieces.concat().chars().collect();
            let target_max = match (stretch, long) {
                (Some(()), Some(m)) => m,
                _ => cap,
            };
            if stretch.is_some() && long.is_some() {
                while chars.len() < target_max {
                    chars.extend("Texte long é <&> ".chars());
                }
            }
            chars.truncate(target_max);
            while chars.len() < min {
                chars.push('x');
            }
            chars.into_iter().collect()
        })
        .boxed()
}

/// A dictionary value, from [`Dictionary::ALL`].
pub fn dictionary<T: Dictionary + std::fmt::Debug>() -> BoxedStrategy<T> {
    select(T::ALL).boxed()
}

/// An LHEO date `AAAAMMJJ` as the XSD pattern allows it (with `00` parts and impossible days).
pub fn date() -> BoxedStrategy<Date> {
    (
        0u16..=9999,
        select(&[0u8, 1, 9][..]),
        0u8..=9,
        select(&[0u8, 1, 2, 3, 9][..]),
        0u8..=9,
    )
        .prop_map(|(y, m1, m2, d1, d2)| {
            Date::from_parts(y, m1 * 10 + m2, d1 * 10 + d2).expect("eight digits")
        })
        .boxed()
}

/// An `xs:dateTime`.
pub fn date_time() -> BoxedStrategy<String> {
    (
        1000u16..=9999,
        1u8..=12,
        1u8..=28,
        0u8..=23,
        0u8..=59,
        0u8..=59,
        select(&["", ".5", ".123"][..]),
        select(&["", "Z", "+02:00", "-05:30"][..]),
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, tz)| {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{tz}")
        })
        .boxed()
}

/// An `xs:anyURI`.
pub fn any_uri() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "https://lheo.gouv.fr/2.3",
                "http://exemple.fr/offre?id=1&session=2",
                "urn:isbn:0451450523",
                "relative/chemin",
                "#fragment",
                "mailto:accueil@exemple.fr",
                "https://exemple.fr/caf%C3%A9",
                "",
            ][..]
        )
        .prop_map(String::from),
        (0u32..1000).prop_map(|n| format!("https://exemple.fr/formation/{n}")),
    ]
    .boxed()
}

/// The value of an attribute of type `t` (`id`/`idref` get placeholders, see
/// [`super::trees::fix_ids`]).
fn attribute_value(t: AttrType) -> BoxedStrategy<String> {
    match t {
        AttrType::String => text(0, 30),
        AttrType::Id | AttrType::IdRef => Just("placeholder".to_owned()).boxed(),
        AttrType::DateTime => date_time(),
        AttrType::AnyUri => any_uri(),
    }
}

/// The attributes of element `e`: each standard or element-specific one with some
/// probability.
fn attributes_for(e: ElementId) -> BoxedStrategy<Vec<XmlAttribute>> {
    let mut names: Vec<(&'static str, AttrType)> = schema::STD_ATTRIBUTES.to_vec();
    names.extend(
        schema::element(e)
            .extra_attributes
            .iter()
            .map(|n| (*n, AttrType::String)),
    );
    let parts: Vec<_> = names
        .into_iter()
        .map(|(n, t)| {
            option::weighted(0.12, attribute_value(t)).prop_map(move |v| {
                v.map(|v| XmlAttribute {
                    name: QName::local(n),
                    value: v,
                })
            })
        })
        .collect();
    parts
        .prop_map(|v| v.into_iter().flatten().collect())
        .boxed()
}

/// [`Attributes`] directly.
pub fn attributes() -> BoxedStrategy<Attributes> {
    attributes_for(id::OFFRES)
        .prop_map(|v| {
            let mut a = Attributes::default();
            for x in v {
                a.set(&x.name.local, x.value);
            }
            a.id = None;
            a.idref = None;
            a
        })
        .boxed()
}

/// The text of simple element `e`, within its facets.
pub fn field_text(e: ElementId) -> BoxedStrategy<String> {
    match schema::element(e).content {
        Content::Simple(t) => simple_text(t),
        _ => panic!("{} is not a simple element", schema::element(e).name),
    }
}

/// The text of a simple element of type `t`.
pub fn simple_text(t: &'static SimpleType) -> BoxedStrategy<String> {
    if let Some(d) = t.dict {
        let codes: Vec<&'static str> = schema::dict(d).entries.iter().map(|e| e.0).collect();
        let pad = select(&["", " ", "\n\t"][..]);
        return (select(codes), pad)
            .prop_map(|(c, p)| format!("{p}{c}{p}"))
            .boxed();
    }
    if t.format == Some(Format::Date) || t.pattern.is_some() {
        return date().prop_map(|d| d.to_string()).boxed();
    }
    match t.base {
        // No whitespace around longs: libxml2 2.9 wrongly refuses it (see roundtrip.rs).
        Base::Long => (any::<i64>(), select(&["", "+", "0"][..]))
            .prop_map(|(n, p)| match p {
                "+" | "0" if n >= 0 => format!("{p}{n}"),
                _ => n.to_string(),
            })
            .boxed(),
        Base::String | Base::Token => {
            let min = t.length.or(t.min_length).unwrap_or(0) as usize;
            let max = t.length.or(t.max_length).unwrap_or(200) as usize;
            text(min, max)
        }
    }
}

/// Free XML content: text and elements in no namespace, a foreign namespace or the LHEO
/// namespace (names it does not declare), with attributes, `depth` levels deep. Normalised
/// as the reader yields it: no empty text, no adjacent texts.
pub fn free_content(depth: u32) -> BoxedStrategy<Vec<Child>> {
    let leaf = text(1, 20).prop_map(Child::Text).boxed();
    let item = if depth == 0 {
        leaf
    } else {
        prop_oneof![2 => leaf, 1 => free_element(depth - 1).prop_map(Child::Element)].boxed()
    };
    vec(item, 0..=3)
        .prop_map(|items| {
            let mut out: Vec<Child> = Vec::new();
            for c in items {
                match (out.last_mut(), c) {
                    (Some(Child::Text(prev)), Child::Text(t)) => prev.push_str(&t),
                    (_, c) => out.push(c),
                }
            }
            out
        })
        .boxed()
}

fn free_element(depth: u32) -> BoxedStrategy<Node> {
    let names = select(
        &[
            (None, "libre"),
            (Some("urn:exemple:ext"), "valeur"),
            (Some(schema::NAMESPACE_2_3), "non-declare"),
            (None, "coordonnees"),
            (Some("http://exemple.fr/ns#"), "x"),
        ][..],
    );
    (names, free_attributes(), free_content(depth))
        .prop_map(|((ns, local), attributes, children)| {
            let mut n = free_node(QName {
                namespace: ns.map(|n: &str| n.to_owned().into()),
                local: local.to_owned().into(),
            });
            n.attributes = attributes;
            n.children = children;
            n
        })
        .boxed()
}

/// Attributes of free content (unique expanded names).
fn free_attributes() -> BoxedStrategy<Vec<XmlAttribute>> {
    let names = select(
        &[
            (None, "source"),
            (None, "data-x"),
            (Some("urn:exemple:attr"), "code"),
            (Some("urn:exemple:autre"), "code"),
            (Some("http://www.w3.org/XML/1998/namespace"), "lang"),
        ][..],
    );
    vec((names, text(0, 12)), 0..=3)
        .prop_map(|v| {
            let mut out: Vec<XmlAttribute> = Vec::new();
            for ((ns, local), value) in v {
                let name = QName {
                    namespace: ns.map(|n: &str| n.to_owned().into()),
                    local: local.to_owned().into(),
                };
                if !out.iter().any(|a| a.name == name) {
                    out.push(XmlAttribute { name, value });
                }
            }
            out
        })
        .boxed()
}

/// An `extra` element: standard attributes, other attributes, free content.
fn extra_node() -> BoxedStrategy<Node> {
    (
        attributes_for(id::EXTRA),
        free_attributes(),
        free_content(2),
    )
        .prop_map(|(mut attrs, others, children)| {
            let mut n = node(id::EXTRA);
            attrs.extend(others.into_iter().filter(|a| {
                a.name.namespace.is_some() || !Attributes::NAMES.contains(&a.name.local.as_ref())
            }));
            n.attributes = attrs;
            n.children = children;
            n
        })
        .boxed()
}

/// An `extras` element with `extra`s and nested `extras` (`depth` levels).
pub fn extras_node(depth: u32) -> BoxedStrategy<Node> {
    let child = if depth == 0 {
        extra_node()
    } else {
        prop_oneof![3 => extra_node(), 1 => extras_node(depth - 1)].boxed()
    };
    (attributes_for(id::EXTRAS), vec(child, 0..=3))
        .prop_map(|(attrs, kids)| {
            let mut n = node(id::EXTRAS);
            n.attributes = attrs;
            n.children = kids.into_iter().map(Child::Element).collect();
            n
        })
        .boxed()
}

/// How many occurrences a particle gets: bounded repetition, rare `extras`.
fn occurrences(
    child: BoxedStrategy<Node>,
    is_extras: bool,
    min: u32,
    max: Option<u32>,
    cap: u32,
) -> BoxedStrategy<Vec<Node>> {
    let hi = max.unwrap_or(u32::MAX).min(min + cap);
    if min == 0 && hi >= 1 && (is_extras || hi == 1) {
        let p = if is_extras { 0.08 } else { 0.5 };
        return option::weighted(p, child)
            .prop_map(|o| o.into_iter().collect())
            .boxed();
    }
    vec(child, min as usize..=hi as usize).boxed()
}

/// A random valid tree of element `e` (records repeated at most `records` times; other
/// repeated elements at most once beyond their minimum).
pub fn element_node(e: ElementId, records: u32) -> BoxedStrategy<Node> {
    let decl = schema::element(e);
    let attrs = attributes_for(e);
    match decl.content {
        Content::Simple(t) => (attrs, simple_text(t))
            .prop_map(move |(a, txt)| {
                let mut n = node(e);
                n.attributes = a;
                if !txt.is_empty() {
                    n.children.push(Child::Text(txt));
                }
                n
            })
            .boxed(),
        Content::Choice { .. } => extras_node(1),
        Content::Any => extra_node(),
        Content::Sequence(particles) => {
            let parts: Vec<BoxedStrategy<Vec<Node>>> = particles
                .iter()
                .map(|p| {
                    let is_record = matches!(
                        p.element,
                        id::FORMATION
                            | id::RESUME_OFFRE
                            | id::RESUME_ORGANISME
                            | id::ORGANISME_FORMATION_RESPONSABLE
                    ) && matches!(
                        e,
                        id::OFFRES | id::RESUMES_OFFRES | id::RESUMES_ORGANISMES | id::LHEO_PLUS
                    );
                    let cap = if is_record { records } else { 1 };
                    occurrences(
                        element_node(p.element, records),
                        p.element == id::EXTRAS,
                        p.min,
                        p.max,
                        cap,
                    )
                })
                .collect();
            (attrs, parts)
                .prop_map(move |(a, kids)| {
                    let mut n = node(e);
                    n.attributes = a;
                    n.children = kids.into_iter().flatten().map(Child::Element).collect();
                    n
                })
                .boxed()
        }
    }
}

/// A random valid tree of element `e`, `id`s unique and `idref`s resolved.
pub fn valid_node(e: ElementId, records: u32) -> BoxedStrategy<Node> {
    element_node(e, records)
        .prop_map(|mut n| {
            fix_ids(&mut n);
            n
        })
        .boxed()
}

fn build<T: FromNode>(n: &Node) -> T {
    T::from_node(n).unwrap_or_else(|e| panic!("a generated tree is buildable: {e}"))
}

/// A random valid `formation` (with a directly built `recrutement` and `extras`).
pub fn formation() -> BoxedStrategy<Formation> {
    (valid_node(id::FORMATION, 2), recrutement(), extras_model())
        .prop_map(|(n, r, x)| {
            let mut f: Formation = build(&n);
            if let Some(s) = f.action.first_mut().and_then(|a| a.session.first_mut()) {
                s.recrutement.push(r);
            }
            f.extras.push(x);
            f
        })
        .boxed()
}

/// A random valid `lheo` document of 1–4 formations (the first one with a directly built
/// `recrutement` and `extras`).
pub fn lheo() -> BoxedStrategy<Lheo> {
    (valid_node(id::LHEO, 3), recrutement(), extras_model())
        .prop_map(|(n, r, x)| {
            let mut l: Lheo = build(&n);
            if let Some(f) = l.offres.formation.first_mut() {
                if let Some(s) = f.action.first_mut().and_then(|a| a.session.first_mut()) {
                    s.recrutement.push(r);
                }
                f.extras.push(x);
            }
            l
        })
        .boxed()
}

/// A random valid document of any of the three kinds.
pub fn document() -> BoxedStrategy<Document> {
    prop_oneof![
        2 => lheo().prop_map(Document::Lheo),
        1 => valid_node(id::LHEO_INDEX, 3).prop_map(|n| Document::LheoIndex(build::<LheoIndex>(&n))),
        1 => valid_node(id::LHEO_PLUS, 2).prop_map(|n| Document::LheoPlus(build::<LheoPlus>(&n))),
    ]
    .boxed()
}

/// Free content as model values (normalised: no empty or adjacent texts).
pub fn xml_nodes(depth: u32) -> BoxedStrategy<Vec<XmlNode>> {
    free_content(depth)
        .prop_map(|children| children.iter().map(lheo_raw).collect())
        .boxed()
}

fn lheo_raw(c: &Child) -> XmlNode {
    match c {
        Child::Text(t) => XmlNode::Text(t.clone()),
        Child::Element(e) => XmlNode::Element(XmlElement {
            name: e.name.clone(),
            attributes: e.attributes.clone(),
            children: e.children.iter().map(lheo_raw).collect(),
        }),
    }
}

/// An `extra` built directly.
pub fn extra_model() -> BoxedStrategy<Extra> {
    (attributes(), free_attributes(), xml_nodes(2))
        .prop_map(|(attrs, others, content)| Extra {
            attrs,
            other_attributes: others
                .into_iter()
                .filter(|a| {
                    a.name.namespace.is_some()
                        || !Attributes::NAMES.contains(&a.name.local.as_ref())
                })
                .collect(),
            content,
        })
        .boxed()
}

/// An `extras` built directly, with nested `extras`.
pub fn extras_model() -> BoxedStrategy<Extras> {
    let leaf = (attributes(), vec(extra_model(), 0..=2))
        .prop_map(|(attrs, xs)| Extras {
            attrs,
            items: xs.into_iter().map(ExtrasItem::Extra).collect(),
        })
        .boxed();
    leaf.prop_recursive(2, 8, 3, |inner| {
        (
            attributes(),
            vec(
                prop_oneof![
                    extra_model().prop_map(ExtrasItem::Extra),
                    inner.prop_map(ExtrasItem::Extras)
                ],
                0..=3,
            ),
        )
            .prop_map(|(attrs, items)| Extras { attrs, items })
    })
    .boxed()
}

/// A `recrutement` built directly: dictionary enums, `i64`, dates, text, attributes.
pub fn recrutement() -> BoxedStrategy<Recrutement> {
    (
        (
            dictionary::<ModaliteRecrutement>(),
            attributes(),
            option::of(dictionary::<PerimetreRecrutement>()),
            option::of(dictionary::<Booleen>()),
            option::of(any::<i64>()),
        ),
        (
            option::of((date(), date())),
            option::of(field_text(id::HEURE_DEBUT)),
            option::of(field_text(id::COMMENTAIRE)),
            vec(extras_model(), 0..=1),
        ),
    )
        .prop_map(
            |((m, attrs, perimetre, distance, places), (periode, heure, com, extras))| {
                Recrutement {
                    attrs: attrs.into(),
                    modalite_recrutement: Field::new(m),
                    code_perimetre_recrutement: perimetre.map(Field::new),
                    a_distance: distance.map(Field::new),
                    nb_places: places.map(Field::new),
                    periode: periode.map(|(d, f)| Periode {
                        debut: d.into(),
                        fin: f.into(),
                        ..Periode::default()
                    }),
                    heure_debut: heure.map(Field::new),
                    commentaire: com.map(Field::new),
                    extras,
                    ..Recrutement::default()
                }
            },
        )
        .boxed()
}
