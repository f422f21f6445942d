//! Every element of the official XSD round-trips with its attributes.
//!
//! The global elements and their attributes are read from `../shared/lheo/lheo-2.3.xsd`
//! (roxmltree) and held against the schema tables. Then, for every element, a small valid
//! document where it occurs with every attribute it allows set is written by the test
//! itself, read, written by the library and read again: the element and its attributes are
//! still there, the whole output equals the input (`support::compare`), and the model is
//! stable. With `xmllint`, the test's documents and the library's outputs are all valid.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use lheo::reader::read_document;
use lheo::schema::{self, AttrType, ElementId};
use lheo::writer::to_string;
use support::trees::{attr, find_mut, fix_ids, minimal, paths_to_every_element, to_xml};

const XS: &str = "http://www.w3.org/2001/XMLSchema";

/// Global element name → attribute names, from the XSD.
fn xsd_elements(xsd: &str) -> BTreeMap<String, BTreeSet<String>> {
    let doc = roxmltree::Document::parse(xsd).expect("the XSD parses");
    let schema = doc.root_element();
    let named = |kind: &str, name: &str| {
        schema.children().find(|n| {
            n.tag_name().namespace() == Some(XS)
                && n.tag_name().name() == kind
                && n.attribute("name") == Some(name)
        })
    };
    let local = |qname: &str| qname.rsplit(':').next().unwrap_or(qname).to_owned();
    let mut out = BTreeMap::new();
    for e in schema
        .children()
        .filter(|n| n.tag_name().namespace() == Some(XS) && n.tag_name().name() == "element")
    {
        let name = e.attribute("name").expect("global elements are named");
        let mut attrs = BTreeSet::new();
        if let Some(ty) = e
            .attribute("type")
            .and_then(|t| named("complexType", &local(t)))
        {
            for d in ty
                .descendants()
                .filter(|d| d.tag_name().namespace() == Some(XS))
            {
                match d.tag_name().name() {
                    "attribute" => {
                        attrs.extend(d.attribute("name").map(String::from));
                    }
                    "attributeGroup" => {
                        let group = d
                            .attribute("ref")
                            .and_then(|r| named("attributeGroup", &local(r)));
                        for a in group.into_iter().flat_map(|g| g.children()) {
                            if a.tag_name().name() == "attribute" {
                                attrs.extend(a.attribute("name").map(String::from));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        out.insert(name.to_owned(), attrs);
    }
    out
}

/// Distinct, valid values for every attribute `e` allows.
fn all_attributes(e: ElementId) -> Vec<(String, String)> {
    let decl = schema::element(e);
    let mut v: Vec<(String, String)> = schema::STD_ATTRIBUTES
        .iter()
        .map(|(n, t)| {
            let value = match t {
                AttrType::String => format!("{n} de {} <&> \"é\"", decl.name),
                AttrType::Id | AttrType::IdRef => "placeholder".to_owned(),
                AttrType::DateTime => "2024-02-29T13:45:00+01:00".to_owned(),
                AttrType::AnyUri => format!("https://exemple.fr/{}?a=1&b=2", decl.name),
            };
            ((*n).to_owned(), value)
        })
        .collect();
    v.extend(
        decl.extra_attributes
            .iter()
            .map(|n| ((*n).to_owned(), format!("{n}\tde\n{}", decl.name))),
    );
    v
}

/// For every element: the test's document (XML text) and the path to the element.
fn documents() -> Vec<(ElementId, Vec<ElementId>, String)> {
    let paths = paths_to_every_element();
    let mut out = Vec::new();
    for (i, path) in paths.into_iter().enumerate() {
        let e = ElementId(i as u16);
        let path = path.unwrap_or_else(|| panic!("{} is reachable", schema::element(e).name));
        let mut root = minimal(path[0], &path[1..]);
        let target = find_mut(&mut root, &path[1..]).expect("the path exists");
        target.attributes = all_attributes(e)
            .into_iter()
            .map(|(n, v)| attr(&n, v))
            .collect();
        fix_ids(&mut root);
        out.push((e, path, to_xml(&root)));
    }
    out
}

#[test]
fn xsd_elements_and_attributes_are_in_the_schema_tables() {
    let Some(oracle) = support::oracle(false) else {
        return;
    };
    let xsd = std::fs::read_to_string(&oracle.xsd).expect("read the XSD");
    let elements = xsd_elements(&xsd);
    assert_eq!(elements.len(), schema::ELEMENTS.len(), "element count");
    for (name, attrs) in &elements {
        let id = schema::element_id(name).unwrap_or_else(|| panic!("{name} not in ELEMENTS"));
        let decl = schema::element(id);
        let mut ours: BTreeSet<String> = schema::STD_ATTRIBUTES
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .collect();
        ours.extend(decl.extra_attributes.iter().map(|n| (*n).to_owned()));
        assert_eq!(&ours, attrs, "attributes of {name}");
    }
    eprintln!(
        "{} XSD elements, all in the schema tables with the same attributes",
        elements.len()
    );
}

#[test]
fn every_element_roundtrips_with_its_attributes() {
    let mut attributes = 0;
    for (e, path, xml) in documents() {
        let name = schema::element(e).name;
        let doc =
            read_document(xml.as_bytes()).unwrap_or_else(|err| panic!("{name}: {err}\n{xml}"));
        let out = to_string(&doc);
        // The element is still at its place, with every attribute.
        let parsed = roxmltree::Document::parse(&out).expect("output parses");
        let mut node = parsed.root_element();
        for step in &path[1..] {
            let step_name = schema::element(*step).name;
            node = node
                .children()
                .find(|c| c.is_element() && c.tag_name().name() == step_name)
                .unwrap_or_else(|| panic!("{name}: {step_name} lost\n{out}"));
        }
        for (n, v) in all_attributes(e) {
            let got = node.attribute(n.as_str());
            assert!(got.is_some(), "{name}: attribute {n} lost\n{out}");
            if !matches!(n.as_str(), "id" | "idref") {
                assert_eq!(got, Some(v.as_str()), "{name}: attribute {n}");
            }
            attributes += 1;
        }
        support::compare::lossless(&xml, &out).unwrap_or_else(|err| panic!("{name}: {err}"));
        let again = read_document(out.as_bytes()).expect("output reads");
        assert_eq!(again, doc, "{name}: read → write → read");
    }
    eprintln!(
        "{} elements round-trip with {attributes} attributes",
        schema::ELEMENTS.len()
    );
}

#[test]
fn coverage_documents_and_outputs_are_xsd_valid() {
    let Some(oracle) = support::oracle(true) else {
        return;
    };
    let docs = documents();
    let outputs: Vec<String> = docs
        .iter()
        .map(|(_, _, xml)| to_string(&read_document(xml.as_bytes()).expect("reads")))
        .collect();
    let mut all: Vec<&[u8]> = docs.iter().map(|(_, _, x)| x.as_bytes()).collect();
    all.extend(outputs.iter().map(|o| o.as_bytes()));
    for (i, v) in oracle.validate_all(&all).into_iter().enumerate() {
        let (e, _, xml) = &docs[i % docs.len()];
        let which = if i < docs.len() {
            "test document"
        } else {
            "output"
        };
        if let Err(err) = v {
            panic!(
                "{} ({which}) is not XSD-valid:\n{err}\n{xml}",
                schema::element(*e).name
            );
        }
    }
}
