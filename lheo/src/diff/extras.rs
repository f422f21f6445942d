//! `extras` as comparison fields: free XML flattened to paths and values.
//!
//! - `extras[i]` and `extra[j]` are numbered among same-named siblings, their attributes are
//!   `@name` fields;
//! - an `extra` (or an element inside one) holding only text is one field with that text;
//! - one holding only elements (and indentation) gives a field per descendant, named by local
//!   name and position (`tarifs[1]/tarif[2]/@public`); an element whose namespace differs from
//!   its parent's has an `@xmlns` field, so a change of namespace is seen;
//! - mixed content (text and elements) is one field: its canonical XML, so that moving a
//!   word around an element is seen too.

use std::fmt::Write as _;

use super::ignore::IgnoreSet;
use crate::model::{Extra, Extras, ExtrasItem, QName, XmlAttribute, XmlElement, XmlNode};
use crate::schema::NAMESPACE_2_3;
use crate::xml::events::is_blank;

/// Receives `(path, value, collapse)`.
pub(crate) type Emit<'e> = dyn FnMut(&str, &str, bool) + 'e;

/// Flattens `extras` at `path` (its relative path, e.g. `extras[1]`); `names` are the element
/// names from the root, `extras` included. Returns the number of fields emitted.
pub(crate) fn flatten_extras<'n>(
    extras: &'n Extras,
    path: &str,
    names: &mut Vec<&'n str>,
    ignore: &IgnoreSet<'_>,
    collapse_ws: bool,
    emit: &mut Emit<'_>,
) -> usize {
    let mut f = Flattener {
        ignore,
        collapse: collapse_ws,
        emit,
        count: 0,
    };
    f.extras(extras, path, names);
    f.count
}

struct Flattener<'i, 'e, 'f> {
    ignore: &'i IgnoreSet<'i>,
    collapse: bool,
    emit: &'e mut Emit<'f>,
    count: usize,
}

fn join(path: &str, seg: &str) -> String {
    if path.is_empty() {
        seg.to_owned()
    } else {
        format!("{path}/{seg}")
    }
}

fn attr_name(a: &XmlAttribute) -> String {
    match &a.name.namespace {
        None => a.name.local.to_string(),
        Some(ns) => format!("{{{ns}}}{}", a.name.local),
    }
}

impl<'n> Flattener<'_, '_, '_> {
    fn emit(&mut self, path: &str, value: &str, collapse: bool) {
        self.count += 1;
        (self.emit)(path, value, collapse && self.collapse);
    }

    fn lheo_attrs(&mut self, names: &[&str], path: &str, attrs: &crate::model::Attributes) {
        for (name, value) in attrs.iter() {
            if !self.ignore.attribute(names, name) {
                self.emit(&join(path, &format!("@{name}")), value, true);
            }
        }
    }

    fn extras(&mut self, e: &'n Extras, path: &str, names: &mut Vec<&'n str>) {
        let before = self.count;
        self.lheo_attrs(names, path, &e.attrs);
        let (mut n_extras, mut n_extra) = (0, 0);
        for item in &e.items {
            match item {
                ExtrasItem::Extras(inner) => {
                    n_extras += 1;
                    names.push("extras");
                    if !self.ignore.element(names) {
                        self.extras(inner, &join(path, &format!("extras[{n_extras}]")), names);
                    }
                    names.pop();
                }
                ExtrasItem::Extra(x) => {
                    n_extra += 1;
                    names.push("extra");
                    if !self.ignore.element(names) {
                        self.extra(x, &join(path, &format!("extra[{n_extra}]")), names);
                    }
                    names.pop();
                }
            }
        }
        if self.count == before {
            self.emit(path, "", false);
        }
    }

    fn extra(&mut self, x: &'n Extra, path: &str, names: &mut Vec<&'n str>) {
        self.lheo_attrs(names, path, &x.attrs);
        for a in &x.other_attributes {
            self.emit(&join(path, &format!("@{}", attr_name(a))), &a.value, true);
        }
        self.content(&x.content, path, Some(NAMESPACE_2_3), names);
    }

    fn content(
        &mut self,
        nodes: &'n [XmlNode],
        path: &str,
        parent_ns: Option<&str>,
        names: &mut Vec<&'n str>,
    ) {
        let has_elements = nodes.iter().any(|n| matches!(n, XmlNode::Element(_)));
        let text_is_blank = nodes.iter().all(|n| match n {
            XmlNode::Text(t) => is_blank(t),
            XmlNode::Element(_) => true,
        });
        if !has_elements {
            let mut text = String::new();
            for n in nodes {
                if let XmlNode::Text(t) = n {
                    text.push_str(t);
                }
            }
            self.emit(path, &text, true);
        } else if !text_is_blank {
            let mut xml = String::new();
            for n in nodes {
                canonical(n, &mut xml, self.collapse);
            }
            let xml = if self.collapse {
                xml.trim().to_owned()
            } else {
                xml
            };
            self.emit(path, &xml, false);
        } else {
            let mut counts: Vec<(&str, usize)> = Vec::new();
            for n in nodes {
                let XmlNode::Element(e) = n else { continue };
                let local: &str = &e.name.local;
                let i = match counts.iter_mut().find(|(l, _)| *l == local) {
                    Some((_, c)) => {
                        *c += 1;
                        *c
                    }
                    None => {
                        counts.push((local, 1));
                        1
                    }
                };
                names.push(local);
                if !self.ignore.element(names) {
                    self.element(e, &join(path, &format!("{local}[{i}]")), parent_ns, names);
                }
                names.pop();
            }
        }
    }

    fn element(
        &mut self,
        e: &'n XmlElement,
        path: &str,
        parent_ns: Option<&str>,
        names: &mut Vec<&'n str>,
    ) {
        let ns = e.name.namespace.as_deref();
        if ns != parent_ns {
            self.emit(&join(path, "@xmlns"), ns.unwrap_or(""), false);
        }
        for a in &e.attributes {
            self.emit(&join(path, &format!("@{}", attr_name(a))), &a.value, true);
        }
        self.content(&e.children, path, ns, names);
    }
}

/// Canonical XML of free content (names in Clark notation when namespaced, attributes in
/// their order, text escaped, whitespace collapsed when `collapse_ws`).
fn canonical(node: &XmlNode, out: &mut String, collapse_ws: bool) {
    fn name(q: &QName) -> String {
        match &q.namespace {
            None => q.local.to_string(),
            Some(ns) => format!("{{{ns}}}{}", q.local),
        }
    }
    fn escape(s: &str, out: &mut String) {
        for c in s.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                c => out.push(c),
            }
        }
    }
    match node {
        XmlNode::Text(t) if collapse_ws => {
            // Runs of whitespace become one space; the ends stay (they separate words from
            // the neighbouring elements).
            let mut last_space = false;
            let mut collapsed = String::with_capacity(t.len());
            for c in t.chars() {
                let space = matches!(c, ' ' | '\t' | '\r' | '\n');
                if !(space && last_space) {
                    collapsed.push(if space { ' ' } else { c });
                }
                last_space = space;
            }
            escape(&collapsed, out)
        }
        XmlNode::Text(t) => escape(t, out),
        XmlNode::Element(e) => {
            let n = name(&e.name);
            let _ = write!(out, "<{n}");
            for a in &e.attributes {
                let _ = write!(out, " {}=\"", name(&a.name));
                escape(&a.value, out);
                out.push('"');
            }
            out.push('>');
            for c in &e.children {
                canonical(c, out, collapse_ws);
            }
            let _ = write!(out, "</{n}>");
        }
    }
}
