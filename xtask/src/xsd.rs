//! Holds the description against the official XSD and GML: every fact they carry must match.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use roxmltree::{Document, Node};

use crate::description::{Content, Description, Particle, Simple};

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const GML: &str = "http://www.gelaba.org/gml/1.2";
const STD: [&str; 10] = [
    "numero",
    "info",
    "ref",
    "id",
    "idref",
    "tag",
    "horodatage-creation",
    "horodatage-modification",
    "horodatage-export",
    "uri",
];

fn children<'a>(
    n: Node<'a, 'a>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    n.children().filter(move |c| {
        c.is_element() && c.tag_name().namespace() == Some(ns) && c.tag_name().name() == name
    })
}

fn child<'a>(n: Node<'a, 'a>, ns: &'a str, name: &'a str) -> Option<Node<'a, 'a>> {
    children(n, ns, name).next()
}

fn strip(s: &str) -> &str {
    s.split_once(':').map(|(_, l)| l).unwrap_or(s)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn max_of(s: Option<&str>) -> Option<u32> {
    match s {
        Some("unbounded") => None,
        Some(v) => v.parse().ok(),
        None => Some(1),
    }
}

/// A dictionary's name, label and `(code, label)` entries.
type DictFacts = (String, String, Vec<(String, String)>);

/// What the XSD says about one element.
struct XsdElement {
    name: String,
    attributes: Vec<(String, String)>,
    content: Content,
    enumeration: Option<BTreeSet<String>>,
}

fn read_xsd(text: &str) -> Result<Vec<XsdElement>, String> {
    let doc = Document::parse(text).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    let named = |kind: &'static str| -> HashMap<String, Node> {
        children(root, XS, kind)
            .filter_map(|n| Some((n.attribute("name")?.to_owned(), n)))
            .collect()
    };
    let groups = named("attributeGroup");
    let complex = named("complexType");
    let simple = named("simpleType");
    let mut out = Vec::new();
    for e in children(root, XS, "element") {
        let name = e
            .attribute("name")
            .ok_or("element without name")?
            .to_owned();
        let ty = strip(e.attribute("type").ok_or("element without type")?);
        let ct = complex
            .get(ty)
            .ok_or_else(|| format!("{name}: no complexType {ty}"))?;
        let ext = ct
            .descendants()
            .find(|n| n.tag_name().name() == "extension")
            .ok_or_else(|| format!("{name}: no extension"))?;
        let group = child(ext, XS, "attributeGroup")
            .and_then(|g| g.attribute("ref"))
            .map(strip)
            .unwrap_or("");
        let attributes: Vec<(String, String)> = groups
            .get(group)
            .map(|g| {
                children(*g, XS, "attribute")
                    .map(|a| {
                        (
                            a.attribute("name").unwrap_or("").to_owned(),
                            strip(a.attribute("type").unwrap_or("")).to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let base = ext.attribute("base").unwrap_or("");
        let mut enumeration = None;
        let content = if base == "xs:anyType" {
            Content::Any
        } else if let Some(sub) = complex.get(strip(base)) {
            if let Some(seq) = child(*sub, XS, "sequence") {
                Content::Sequence(
                    children(seq, XS, "element")
                        .map(|p| Particle {
                            name: strip(p.attribute("ref").unwrap_or("")).to_owned(),
                            min: p
                                .attribute("minOccurs")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1),
                            max: max_of(p.attribute("maxOccurs")),
                        })
                        .collect(),
                )
            } else if let Some(ch) = child(*sub, XS, "choice") {
                Content::Choice {
                    min: ch
                        .attribute("minOccurs")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1),
                    max: max_of(ch.attribute("maxOccurs")),
                    names: children(ch, XS, "element")
                        .map(|p| strip(p.attribute("ref").unwrap_or("")).to_owned())
                        .collect(),
                }
            } else {
                return Err(format!("{name}: complex type without sequence or choice"));
            }
        } else if let Some(st) = simple.get(strip(base)) {
            let r =
                child(*st, XS, "restriction").ok_or_else(|| format!("{name}: no restriction"))?;
            let mut s = Simple {
                base: strip(r.attribute("base").unwrap_or("")).to_owned(),
                ..Simple::default()
            };
            let mut enums = BTreeSet::new();
            for f in r.children().filter(|c| c.is_element()) {
                let v = f.attribute("value").unwrap_or("");
                let num = || v.parse::<u32>().ok();
                match f.tag_name().name() {
                    "minLength" => s.min_length = num(),
                    "maxLength" => s.max_length = num(),
                    "length" => s.length = num(),
                    "pattern" => s.pattern = Some(v.to_owned()),
                    "enumeration" => {
                        enums.insert(v.to_owned());
                    }
                    other => return Err(format!("{name}: unknown facet {other}")),
                }
            }
            if !enums.is_empty() {
                enumeration = Some(enums);
            }
            Content::Simple(s)
        } else {
            return Err(format!("{name}: unknown base {base}"));
        };
        out.push(XsdElement {
            name,
            attributes,
            content,
            enumeration,
        });
    }
    Ok(out)
}

/// Compares the description with the XSD and GML; returns the differences.
pub fn compare(d: &Description, xsd_path: &Path, gml_path: &Path) -> Result<Vec<String>, String> {
    let xsd_text =
        std::fs::read_to_string(xsd_path).map_err(|e| format!("{}: {e}", xsd_path.display()))?;
    let gml_text =
        std::fs::read_to_string(gml_path).map_err(|e| format!("{}: {e}", gml_path.display()))?;
    let xsd = read_xsd(&xsd_text)?;
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let gml = Document::parse_with_options(&gml_text, opts).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();

    let xsd_names: Vec<&str> = xsd.iter().map(|e| e.name.as_str()).collect();
    let our_names: Vec<&str> = d.elements.iter().map(|e| e.name.as_str()).collect();
    if xsd_names != our_names {
        problems.push(format!(
            "element list differs:\n  xsd: {xsd_names:?}\n  ours: {our_names:?}"
        ));
    }
    let std: Vec<(String, String)> = d
        .std_attributes
        .iter()
        .map(|a| (a.name.clone(), a.ty.clone()))
        .collect();
    if std.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>() != STD {
        problems.push("the standard attribute set differs from LHEO's ten attributes".into());
    }

    let gml_defs: HashMap<&str, Node> = children(gml.root_element(), GML, "definition")
        .filter_map(|n| Some((n.attribute("name")?, n)))
        .collect();

    for x in &xsd {
        let Some(ours) = d.element(&x.name) else {
            continue;
        };
        let mut expected_attrs = std.clone();
        expected_attrs.extend(
            ours.extra_attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone())),
        );
        let mut theirs = x.attributes.clone();
        theirs.sort();
        expected_attrs.sort();
        if theirs != expected_attrs {
            problems.push(format!(
                "{}: attributes differ: xsd {theirs:?}, ours {expected_attrs:?}",
                x.name
            ));
        }
        match (&x.content, &ours.content) {
            (Content::Simple(a), Content::Simple(b)) => {
                let facets = |s: &Simple| {
                    (
                        s.base.clone(),
                        s.min_length,
                        s.max_length,
                        s.length,
                        s.pattern.clone(),
                    )
                };
                if facets(a) != facets(b) {
                    problems.push(format!(
                        "{}: facets differ: xsd {:?}, ours {:?}",
                        x.name,
                        facets(a),
                        facets(b)
                    ));
                }
                let dict_codes = b.dict.as_ref().and_then(|n| d.dict(n)).map(|dict| {
                    dict.entries
                        .iter()
                        .map(|e| e.code.clone())
                        .collect::<BTreeSet<_>>()
                });
                if x.enumeration != dict_codes {
                    problems.push(format!(
                        "{}: enumeration {:?} but dictionary codes {:?}",
                        x.name, x.enumeration, dict_codes
                    ));
                }
            }
            (a, b) if a != b => problems.push(format!(
                "{}: content differs: xsd {a:?}, ours {b:?}",
                x.name
            )),
            _ => {}
        }

        // GML facts.
        let Some(def) = gml_defs.get(x.name.as_str()) else {
            problems.push(format!("{}: no GML definition", x.name));
            continue;
        };
        let label = child(*def, GML, "fullname")
            .and_then(|n| n.text())
            .map(collapse)
            .unwrap_or_else(|| x.name.clone());
        if label != ours.label {
            problems.push(format!(
                "{}: label {:?} but GML says {label:?}",
                x.name, ours.label
            ));
        }
        let doc = child(*def, GML, "doc")
            .and_then(|n| n.text())
            .map(collapse)
            .filter(|s| !s.is_empty());
        if doc != ours.doc {
            problems.push(format!("{}: doc differs from the GML", x.name));
        }
        if let (Some(et), Content::Simple(s)) = (child(*def, GML, "element_type"), &ours.content) {
            let key = child(et, GML, "basic_key")
                .and_then(|k| k.attribute("ref"))
                .map(str::to_owned);
            if key != s.dict {
                problems.push(format!(
                    "{}: dictionary {:?} but GML says {key:?}",
                    x.name, s.dict
                ));
            }
            let range = child(et, GML, "basic_int").and_then(|k| {
                Some((
                    k.attribute("vmin")?.parse().ok()?,
                    k.attribute("vmax")?.parse().ok()?,
                ))
            });
            if range != s.range {
                problems.push(format!(
                    "{}: range {:?} but GML says {range:?}",
                    x.name, s.range
                ));
            }
            let is_date = child(et, GML, "basic_date").is_some();
            if is_date != (s.format.as_deref() == Some("date")) {
                problems.push(format!("{}: format=date disagrees with the GML", x.name));
            }
        }
    }

    // Dictionaries: same names, codes and labels, in order.
    let gml_dicts: Vec<DictFacts> = children(gml.root_element(), GML, "dict")
        .map(|n| {
            let entries = children(n, GML, "entry")
                .flat_map(|e| {
                    let label = child(e, GML, "value")
                        .and_then(|v| v.attribute("val"))
                        .unwrap_or("")
                        .to_owned();
                    children(e, GML, "key")
                        .map(move |k| (k.attribute("val").unwrap_or("").to_owned(), label.clone()))
                })
                .collect();
            let label = child(n, GML, "fullname")
                .and_then(|f| f.text())
                .map(collapse)
                .unwrap_or_default();
            (n.attribute("name").unwrap_or("").to_owned(), label, entries)
        })
        .collect();
    let ours: Vec<DictFacts> = d
        .dicts
        .iter()
        .map(|x| {
            (
                x.name.clone(),
                x.label.clone(),
                x.entries
                    .iter()
                    .map(|e| (e.code.clone(), e.label.clone()))
                    .collect(),
            )
        })
        .collect();
    if gml_dicts != ours {
        problems.push("dictionaries differ from the GML".into());
    }
    Ok(problems)
}
