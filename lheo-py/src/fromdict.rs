//! Python values in the package's dict shape (see `todict`) as LHEO 2.3 XML, driven by the
//! schema tables: element order comes from the schema, whatever the order of the keys;
//! anything the schema does not have where it stands is refused with its path.

use std::fmt::Write as _;

use lheo::schema::{
    self, Content, ElementDecl, ElementId, Particle, NAMESPACE_2_3, STD_ATTRIBUTES,
};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};

use crate::input::type_name;

/// Why a value does not fit: the element path and the reason, in French and English.
#[derive(Debug)]
pub struct Unfit {
    /// Element path, e.g. `/lheo/offres/formation[1]/action[1]`.
    pub path: String,
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

type Fit<T = ()> = Result<T, Unfit>;

/// The XML being written and the path of the element being written.
struct Out {
    xml: String,
    path: String,
}

impl Out {
    fn unfit(&self, fr: String, en: String) -> Unfit {
        Unfit {
            path: if self.path.is_empty() {
                "/".to_owned()
            } else {
                self.path.clone()
            },
            fr,
            en,
        }
    }

    fn py_error(&self, e: PyErr) -> Unfit {
        self.unfit(e.to_string(), e.to_string())
    }
}

const ROOTS: [&str; 3] = ["lheo", "lheo-index", "lheo-plus"];

/// `doc` (`{root: {...}}`, as `lheo.read` gives it) as an LHEO 2.3 document.
pub fn document_to_xml(doc: &Bound<'_, PyAny>) -> Fit<String> {
    let mut out = Out {
        xml: String::with_capacity(64 * 1024),
        path: String::new(),
    };
    let Ok(dict) = doc.cast::<PyDict>() else {
        return Err(out.unfit(
            format!(
                "un document est un dict {{racine: contenu}} (racine lheo, lheo-index ou lheo-plus), pas {}",
                type_name(doc)
            ),
            format!(
                "a document is a dict {{root: content}} (root lheo, lheo-index or lheo-plus), not {}",
                type_name(doc)
            ),
        ));
    };
    let items: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)> = dict.iter().collect();
    let [(key, value)] = items.as_slice() else {
        let keys: Vec<String> = items.iter().map(|(k, _)| k.to_string()).collect();
        return Err(out.unfit(
            format!(
                "un document a une seule clé, sa racine (lheo, lheo-index ou lheo-plus) ; clés : {}",
                keys.join(", ")
            ),
            format!(
                "a document has one key, its root (lheo, lheo-index or lheo-plus); keys: {}",
                keys.join(", ")
            ),
        ));
    };
    let root = key.to_string();
    let Some(id) = ROOTS
        .contains(&root.as_str())
        .then(|| schema::element_id(&root))
        .flatten()
    else {
        return Err(out.unfit(
            format!(
                "racine « {root} » : un document LHEO a pour racine lheo, lheo-index ou lheo-plus"
            ),
            format!("root \"{root}\": an LHEO document's root is lheo, lheo-index or lheo-plus"),
        ));
    };
    out.xml
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    element(&mut out, id, None, value, true)?;
    out.xml.push('\n');
    Ok(out.xml)
}

/// One element of the schema: `<name …>…</name>`.
fn element(
    out: &mut Out,
    id: ElementId,
    index: Option<usize>,
    value: &Bound<'_, PyAny>,
    root: bool,
) -> Fit {
    let decl = schema::element(id);
    let len = out.path.len();
    let _ = match index {
        Some(i) => write!(out.path, "/{}[{i}]", decl.name),
        None => write!(out.path, "/{}", decl.name),
    };
    out.xml.push('<');
    out.xml.push_str(decl.name);
    if root {
        let _ = write!(out.xml, " xmlns=\"{NAMESPACE_2_3}\"");
    }
    match decl.content {
        Content::Sequence(particles) => complex(out, decl, particles, value)?,
        Content::Simple(_) => simple(out, decl, value)?,
        Content::Choice { .. } => extras(out, decl, value)?,
        Content::Any => extra(out, value)?,
    }
    out.xml.push_str("</");
    out.xml.push_str(decl.name);
    out.xml.push('>');
    out.path.truncate(len);
    Ok(())
}

/// The dict of a complex element, or why not.
fn as_dict<'a, 'py>(
    out: &Out,
    name: &str,
    value: &'a Bound<'py, PyAny>,
) -> Fit<&'a Bound<'py, PyDict>> {
    value.cast::<PyDict>().map_err(|_| {
        out.unfit(
            format!(
                "« {name} » contient des éléments : un dict est attendu, pas {}",
                type_name(value)
            ),
            format!(
                "\"{name}\" holds elements: a dict is expected, not {}",
                type_name(value)
            ),
        )
    })
}

/// A key of a dict, which must be a `str`.
fn key_of(out: &Out, key: &Bound<'_, PyAny>) -> Fit<String> {
    match key.cast::<PyString>() {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Err(out.unfit(
            format!("clé {} : les clés sont des str", key),
            format!("key {}: keys are str", key),
        )),
    }
}

/// The text of a simple value: a `str`, or an `int` (not a `bool`).
fn text_of(value: &Bound<'_, PyAny>) -> Option<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return Some(s.to_string());
    }
    if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        return Some(value.to_string());
    }
    None
}

/// The value of an attribute.
fn attribute_value(out: &Out, name: &str, value: &Bound<'_, PyAny>) -> Fit<String> {
    text_of(value).ok_or_else(|| {
        out.unfit(
            format!(
                "attribut « {name} » : texte attendu (str), pas {}",
                type_name(value)
            ),
            format!(
                "attribute \"{name}\": text expected (str), not {}",
                type_name(value)
            ),
        )
    })
}

/// The items of a list or tuple.
fn as_items<'py>(value: &Bound<'py, PyAny>) -> Option<Vec<Bound<'py, PyAny>>> {
    if let Ok(l) = value.cast::<PyList>() {
        return Some(l.iter().collect());
    }
    if let Ok(t) = value.cast::<PyTuple>() {
        return Some(t.iter().collect());
    }
    None
}

fn is_std_attribute(name: &str) -> bool {
    STD_ATTRIBUTES.iter().any(|(n, _)| *n == name)
}

fn allowed_attributes(decl: &ElementDecl) -> String {
    STD_ATTRIBUTES
        .iter()
        .map(|(n, _)| *n)
        .chain(decl.extra_attributes.iter().copied())
        .map(|n| format!("@{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks and writes an attribute of an LHEO element.
fn lheo_attribute(out: &mut Out, decl: &ElementDecl, name: &str, value: &Bound<'_, PyAny>) -> Fit {
    if !(is_std_attribute(name) || decl.extra_attributes.contains(&name)) {
        return Err(out.unfit(
            format!(
                "attribut « @{name} » non admis sur « {} » (admis : {})",
                decl.name,
                allowed_attributes(decl)
            ),
            format!(
                "attribute \"@{name}\" not allowed on \"{}\" (allowed: {})",
                decl.name,
                allowed_attributes(decl)
            ),
        ));
    }
    let v = attribute_value(out, name, value)?;
    write_attribute(out, name, &v)
}

fn write_attribute(out: &mut Out, name: &str, value: &str) -> Fit {
    out.xml.push(' ');
    out.xml.push_str(name);
    out.xml.push_str("=\"");
    escape(out, value, true)?;
    out.xml.push('"');
    Ok(())
}

/// An element of element content.
fn complex(
    out: &mut Out,
    decl: &ElementDecl,
    particles: &[Particle],
    value: &Bound<'_, PyAny>,
) -> Fit {
    let dict = as_dict(out, decl.name, value)?;
    for (k, v) in dict.iter() {
        let key = key_of(out, &k)?;
        if let Some(a) = key.strip_prefix('@') {
            lheo_attribute(out, decl, a, &v)?;
        } else if !particles
            .iter()
            .any(|p| schema::element(p.element).name == key)
        {
            let allowed: Vec<&str> = particles
                .iter()
                .map(|p| schema::element(p.element).name)
                .collect();
            return Err(out.unfit(
                format!(
                    "« {key} » n'est pas un élément de « {} » (éléments admis : {} ; attributs : {})",
                    decl.name,
                    allowed.join(", "),
                    allowed_attributes(decl)
                ),
                format!(
                    "\"{key}\" is not an element of \"{}\" (elements allowed: {}; attributes: {})",
                    decl.name,
                    allowed.join(", "),
                    allowed_attributes(decl)
                ),
            ));
        }
    }
    out.xml.push('>');
    for (i, p) in particles.iter().enumerate() {
        if particles[..i].iter().any(|q| q.element == p.element) {
            continue;
        }
        let child = schema::element(p.element);
        let Some(v) = dict.get_item(child.name).map_err(|e| out.py_error(e))? else {
            continue;
        };
        if v.is_none() {
            continue;
        }
        if p.max == Some(1) {
            if as_items(&v).is_some() {
                return Err(out.unfit(
                    format!(
                        "« {} » ne se répète pas dans « {} » : une seule valeur est attendue, pas une liste",
                        child.name, decl.name
                    ),
                    format!(
                        "\"{}\" does not repeat in \"{}\": one value is expected, not a list",
                        child.name, decl.name
                    ),
                ));
            }
            element(out, p.element, None, &v, false)?;
        } else {
            let Some(items) = as_items(&v) else {
                return Err(out.unfit(
                    format!(
                        "« {} » se répète dans « {} » : une liste est attendue (même d'un seul élément), pas {}",
                        child.name,
                        decl.name,
                        type_name(&v)
                    ),
                    format!(
                        "\"{}\" repeats in \"{}\": a list is expected (even of one item), not {}",
                        child.name,
                        decl.name,
                        type_name(&v)
                    ),
                ));
            };
            for (i, item) in items.iter().enumerate() {
                element(out, p.element, Some(i + 1), item, false)?;
            }
        }
    }
    Ok(())
}

/// An element of simple content: a `str` (or `int`), or `{"#text": …, "@…": …}`.
fn simple(out: &mut Out, decl: &ElementDecl, value: &Bound<'_, PyAny>) -> Fit {
    if let Some(text) = text_of(value) {
        out.xml.push('>');
        return escape(out, &text, false);
    }
    let Ok(dict) = value.cast::<PyDict>() else {
        return Err(out.unfit(
            format!(
                "« {} » : texte attendu (str), ou {{\"#text\": …, \"@ref\": …}}, pas {}",
                decl.name,
                type_name(value)
            ),
            format!(
                "\"{}\": text expected (str), or {{\"#text\": …, \"@ref\": …}}, not {}",
                decl.name,
                type_name(value)
            ),
        ));
    };
    let mut text = String::new();
    for (k, v) in dict.iter() {
        let key = key_of(out, &k)?;
        if key == "#text" {
            text = attribute_value(out, "#text", &v)?;
        } else if let Some(a) = key.strip_prefix('@') {
            lheo_attribute(out, decl, a, &v)?;
        } else {
            return Err(out.unfit(
                format!(
                    "« {key} » dans « {} » : un élément simple a « #text » et des attributs « @… »",
                    decl.name
                ),
                format!(
                    "\"{key}\" in \"{}\": a simple element has \"#text\" and attributes \"@…\"",
                    decl.name
                ),
            ));
        }
    }
    out.xml.push('>');
    escape(out, &text, false)
}

/// `extras`: attributes, `extra` and `extras` lists, `#order`.
fn extras(out: &mut Out, decl: &ElementDecl, value: &Bound<'_, PyAny>) -> Fit {
    let dict = as_dict(out, decl.name, value)?;
    let mut lists: Vec<(&'static str, Vec<Bound<'_, PyAny>>)> = Vec::new();
    let mut order: Option<Vec<String>> = None;
    for (k, v) in dict.iter() {
        let key = key_of(out, &k)?;
        match key.as_str() {
            "extra" | "extras" => {
                let kind = if key == "extra" { "extra" } else { "extras" };
                let items = as_items(&v).ok_or_else(|| {
                    out.unfit(
                        format!("« {kind} » dans « extras » : une liste est attendue, pas {}", type_name(&v)),
                        format!("\"{kind}\" in \"extras\": a list is expected, not {}", type_name(&v)),
                    )
                })?;
                lists.push((kind, items));
            }
            "#order" => {
                let names = as_items(&v)
                    .and_then(|items| items.iter().map(text_of).collect::<Option<Vec<_>>>());
                order = Some(names.ok_or_else(|| {
                    out.unfit(
                        "« #order » : une liste de « extra » et « extras » est attendue".to_owned(),
                        "\"#order\": a list of \"extra\" and \"extras\" is expected".to_owned(),
                    )
                })?);
            }
            _ => match key.strip_prefix('@') {
                Some(a) => lheo_attribute(out, decl, a, &v)?,
                None => {
                    return Err(out.unfit(
                        format!("« {key} » n'est pas admis dans « extras » (extra, extras, #order, attributs @…)"),
                        format!("\"{key}\" is not allowed in \"extras\" (extra, extras, #order, attributes @…)"),
                    ))
                }
            },
        }
    }
    out.xml.push('>');
    let ids = [
        ("extra", schema::element_id("extra")),
        ("extras", schema::element_id("extras")),
    ];
    let id_of = |kind: &str| ids.iter().find(|(k, _)| *k == kind).and_then(|(_, id)| *id);
    let sequence: Vec<&'static str> = match order {
        Some(names) => {
            let mut seq = Vec::new();
            for n in &names {
                match n.as_str() {
                    "extra" => seq.push("extra"),
                    "extras" => seq.push("extras"),
                    other => {
                        return Err(out.unfit(
                            format!("« #order » : « {other} » n'est ni « extra » ni « extras »"),
                            format!("\"#order\": \"{other}\" is neither \"extra\" nor \"extras\""),
                        ))
                    }
                }
            }
            for (kind, items) in &lists {
                if seq.iter().filter(|k| *k == kind).count() != items.len() {
                    return Err(out.unfit(
                        format!(
                            "« #order » ne compte pas autant de « {kind} » que la liste « {kind} »"
                        ),
                        format!(
                            "\"#order\" does not count as many \"{kind}\" as the \"{kind}\" list"
                        ),
                    ));
                }
            }
            seq
        }
        None => lists
            .iter()
            .flat_map(|(kind, items)| std::iter::repeat_n(*kind, items.len()))
            .collect(),
    };
    let mut next = [0usize; 2];
    for kind in sequence {
        let slot = usize::from(kind == "extras");
        let i = next[slot];
        next[slot] += 1;
        let Some(item) = lists
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, items)| items.get(i))
        else {
            continue;
        };
        let Some(id) = id_of(kind) else { continue };
        element(out, id, Some(i + 1), item, false)?;
    }
    Ok(())
}

/// `extra`: a `str`, or a dict of attributes (any, `@{uri}local` for a namespaced one) and
/// `#text` or `#content`.
fn extra(out: &mut Out, value: &Bound<'_, PyAny>) -> Fit {
    if let Some(text) = text_of(value) {
        out.xml.push('>');
        return escape(out, &text, false);
    }
    let dict = as_dict(out, "extra", value)?;
    let mut body: Option<Bound<'_, PyAny>> = None;
    let mut text: Option<String> = None;
    let mut prefixes = Vec::new();
    for (k, v) in dict.iter() {
        let key = key_of(out, &k)?;
        match key.as_str() {
            "#text" => text = Some(attribute_value(out, "#text", &v)?),
            "#content" => body = Some(v),
            _ => match key.strip_prefix('@') {
                Some(a) => free_attribute(out, a, &v, &mut prefixes)?,
                None => {
                    return Err(out.unfit(
                        format!(
                        "« {key} » n'est pas admis dans « extra » (#text, #content, attributs @…)"
                    ),
                        format!(
                        "\"{key}\" is not allowed in \"extra\" (#text, #content, attributes @…)"
                    ),
                    ))
                }
            },
        }
    }
    out.xml.push('>');
    match (text, body) {
        (Some(_), Some(_)) => Err(out.unfit(
            "« extra » a « #text » ou « #content », pas les deux".to_owned(),
            "\"extra\" has \"#text\" or \"#content\", not both".to_owned(),
        )),
        (Some(t), None) => escape(out, &t, false),
        (None, Some(nodes)) => content(out, &nodes, NAMESPACE_2_3),
        (None, None) => Ok(()),
    }
}

/// A name `{uri}local`, `{}local` or `local` (in `default`): namespace and local name.
fn split_name<'a>(name: &'a str, default: &'a str) -> Option<(&'a str, &'a str)> {
    match name.strip_prefix('{') {
        Some(rest) => rest.split_once('}'),
        None => Some((default, name)),
    }
}

fn xml_name_ok(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_') || u32::from(c) >= 0xB7)
}

fn bad_name(out: &Out, name: &str) -> Unfit {
    out.unfit(
        format!("« {name} » n'est pas un nom XML"),
        format!("\"{name}\" is not an XML name"),
    )
}

/// An attribute of free content: unprefixed, or `{uri}local`.
fn free_attribute(
    out: &mut Out,
    name: &str,
    value: &Bound<'_, PyAny>,
    prefixes: &mut Vec<String>,
) -> Fit {
    let v = attribute_value(out, name, value)?;
    let Some((ns, local)) = split_name(name, "") else {
        return Err(bad_name(out, name));
    };
    if !xml_name_ok(local) {
        return Err(bad_name(out, name));
    }
    if ns.is_empty() {
        return write_attribute(out, local, &v);
    }
    if ns == "http://www.w3.org/XML/1998/namespace" {
        return write_attribute(out, &format!("xml:{local}"), &v);
    }
    let prefix = format!("n{}", prefixes.len());
    out.xml.push_str(" xmlns:");
    out.xml.push_str(&prefix);
    out.xml.push_str("=\"");
    escape(out, ns, true)?;
    out.xml.push('"');
    prefixes.push(prefix.clone());
    write_attribute(out, &format!("{prefix}:{local}"), &v)
}

/// Free content: a list of `str` (text) and `{"#name": …, "@…": …, "#content": […]}`.
fn content(out: &mut Out, nodes: &Bound<'_, PyAny>, default: &str) -> Fit {
    let Some(items) = as_items(nodes) else {
        return Err(out.unfit(
            format!(
                "« #content » : une liste est attendue, pas {}",
                type_name(nodes)
            ),
            format!("\"#content\": a list is expected, not {}", type_name(nodes)),
        ));
    };
    for item in items {
        if let Ok(s) = item.cast::<PyString>() {
            escape(out, &s.to_string(), false)?;
            continue;
        }
        let dict = as_dict(out, "#content", &item)?;
        let name = match dict.get_item("#name").ok().flatten() {
            Some(n) => text_of(&n),
            None => None,
        }
        .ok_or_else(|| {
            out.unfit(
                "un élément de « #content » a un nom « #name » (str)".to_owned(),
                "an element of \"#content\" has a name \"#name\" (str)".to_owned(),
            )
        })?;
        let Some((ns, local)) = split_name(&name, default) else {
            return Err(bad_name(out, &name));
        };
        if !xml_name_ok(local) {
            return Err(bad_name(out, &name));
        }
        let len = out.path.len();
        let _ = write!(out.path, "/{local}");
        out.xml.push('<');
        out.xml.push_str(local);
        if ns != default {
            out.xml.push_str(" xmlns=\"");
            escape(out, ns, true)?;
            out.xml.push('"');
        }
        let mut prefixes = Vec::new();
        let mut children = None;
        for (k, v) in dict.iter() {
            let key = key_of(out, &k)?;
            match key.as_str() {
                "#name" => {}
                "#content" => children = Some(v),
                _ => match key.strip_prefix('@') {
                    Some(a) => free_attribute(out, a, &v, &mut prefixes)?,
                    None => {
                        return Err(out.unfit(
                            format!("« {key} » n'est pas admis dans un élément de « #content » (#name, #content, attributs @…)"),
                            format!("\"{key}\" is not allowed in an element of \"#content\" (#name, #content, attributes @…)"),
                        ))
                    }
                },
            }
        }
        out.xml.push('>');
        if let Some(c) = children {
            content(out, &c, ns)?;
        }
        out.xml.push_str("</");
        out.xml.push_str(local);
        out.xml.push('>');
        out.path.truncate(len);
    }
    Ok(())
}

/// Writes `s` escaped, refusing the characters XML cannot carry. In attributes, tabs and
/// line breaks are written as references so that they survive.
fn escape(out: &mut Out, s: &str, attribute: bool) -> Fit {
    for c in s.chars() {
        match c {
            '&' => out.xml.push_str("&amp;"),
            '<' => out.xml.push_str("&lt;"),
            '>' => out.xml.push_str("&gt;"),
            '"' if attribute => out.xml.push_str("&quot;"),
            '\r' => out.xml.push_str("&#13;"),
            '\n' if attribute => out.xml.push_str("&#10;"),
            '\t' if attribute => out.xml.push_str("&#9;"),
            c if (c < ' ' && !matches!(c, '\t' | '\n')) || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                return Err(out.unfit(
                    format!("caractère U+{:04X} interdit en XML", u32::from(c)),
                    format!("character U+{:04X} is not allowed in XML", u32::from(c)),
                ));
            }
            c => out.xml.push(c),
        }
    }
    Ok(())
}
