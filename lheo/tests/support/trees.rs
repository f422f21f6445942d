//! LHEO element trees built by the tests, independent of the library's writer: a minimal
//! valid instance of any element (driven by the schema tables), the paths from a document
//! root to every element, a plain serializer, and `id`/`idref` fixing.

use lheo::internal::Position;
use lheo::internal::{Child, Node};
use lheo::model::{QName, XmlAttribute};
use lheo::schema::{self, id, Base, Content, ElementId, Format, SimpleType, NAMESPACE_2_3};

/// A node of element `e` in the LHEO 2.3 namespace.
pub fn node(e: ElementId) -> Node {
    Node {
        id: Some(e),
        name: QName::lheo(schema::element(e).name),
        attributes: Vec::new(),
        children: Vec::new(),
        pos: Position { line: 1, column: 1 },
    }
}

/// A node outside the LHEO declarations (free content).
pub fn free_node(name: QName) -> Node {
    Node {
        id: None,
        name,
        attributes: Vec::new(),
        children: Vec::new(),
        pos: Position { line: 1, column: 1 },
    }
}

/// An unprefixed attribute.
pub fn attr(name: &str, value: impl Into<String>) -> XmlAttribute {
    XmlAttribute {
        name: QName::local(name),
        value: value.into(),
    }
}

/// A small valid value of a simple type, preferring XML-special and non-ASCII characters
/// where the facets allow them.
pub fn sample_value(t: &SimpleType) -> String {
    if let Some(d) = t.dict {
        return schema::dict(d).entries[0].0.to_owned();
    }
    if t.format == Some(Format::Date) || t.pattern.is_some() {
        return "20240131".to_owned();
    }
    match t.base {
        Base::Long => "7".to_owned(),
        Base::Token | Base::String => {
            let text: Vec<char> = "Valeur <é> & \"ü\" ]]> 😀".chars().collect();
            let max = t.length.or(t.max_length).unwrap_or(u32::MAX) as usize;
            let min = t.length.or(t.min_length).unwrap_or(0) as usize;
            let mut v: Vec<char> = text.into_iter().take(max).collect();
            while v.len() < min {
                v.push('x');
            }
            v.into_iter().collect()
        }
    }
}

/// A minimal valid instance of `e`: required children only (one each), plus the path `via`
/// (the next element of the path is added once if it is optional).
pub fn minimal(e: ElementId, via: &[ElementId]) -> Node {
    let mut n = node(e);
    match schema::element(e).content {
        Content::Simple(t) => n.children.push(Child::Text(sample_value(t))),
        Content::Sequence(particles) => {
            for p in particles {
                let on_path = via.first() == Some(&p.element);
                let count = if on_path { p.min.max(1) } else { p.min };
                for i in 0..count {
                    let rest = if on_path && i == 0 {
                        &via[1..]
                    } else {
                        &[][..]
                    };
                    n.children.push(Child::Element(minimal(p.element, rest)));
                }
            }
        }
        Content::Choice { children, .. } => {
            if let Some(next) = via.first().filter(|c| children.contains(c)) {
                n.children.push(Child::Element(minimal(*next, &via[1..])));
            }
        }
        Content::Any => n.children.push(Child::Text("libre".into())),
    }
    n
}

/// For every element, a path to it from a document root (root first, the element last):
/// `lheo` first, then `lheo-index`, then `lheo-plus`; shortest paths.
pub fn paths_to_every_element() -> Vec<Option<Vec<ElementId>>> {
    let mut paths: Vec<Option<Vec<ElementId>>> = vec![None; schema::ELEMENTS.len()];
    for root in schema::document_roots() {
        let mut queue = std::collections::VecDeque::from([vec![root]]);
        while let Some(path) = queue.pop_front() {
            let last = path[path.len() - 1];
            if paths[last.0 as usize].is_some() {
                continue;
            }
            paths[last.0 as usize] = Some(path.clone());
            let kids: Vec<ElementId> = match schema::element(last).content {
                Content::Sequence(ps) => ps.iter().map(|p| p.element).collect(),
                Content::Choice { children, .. } => children.to_vec(),
                _ => Vec::new(),
            };
            for k in kids {
                let mut p = path.clone();
                p.push(k);
                queue.push_back(p);
            }
        }
    }
    paths
}

/// The node at the end of `path` (element ids below `n`, first occurrence of each).
pub fn find_mut<'a>(n: &'a mut Node, path: &[ElementId]) -> Option<&'a mut Node> {
    let Some((first, rest)) = path.split_first() else {
        return Some(n);
    };
    n.children
        .iter_mut()
        .find_map(|c| match c {
            Child::Element(e) if e.id == Some(*first) => Some(e),
            _ => None,
        })
        .and_then(|e| find_mut(e, rest))
}

/// Renames every `id` attribute to a unique `i1`, `i2`, … and points every `idref` at one of
/// them (removed when the tree has no `id`). Free content is left alone.
pub fn fix_ids(root: &mut Node) {
    fn walk(n: &mut Node, f: &mut dyn FnMut(&mut Node)) {
        f(n);
        if n.id == Some(id::EXTRA) {
            return;
        }
        for c in &mut n.children {
            if let Child::Element(e) = c {
                walk(e, f);
            }
        }
    }
    let mut count = 0usize;
    walk(root, &mut |n| {
        for a in &mut n.attributes {
            if a.name.namespace.is_none() && a.name.local == "id" {
                count += 1;
                a.value = format!("i{count}");
            }
        }
    });
    let mut k = 0usize;
    walk(root, &mut |n| {
        n.attributes.retain_mut(|a| {
            if a.name.namespace.is_some() || a.name.local != "idref" {
                return true;
            }
            k += 1;
            a.value = format!("i{}", (k * 7) % count.max(1) + 1);
            count > 0
        });
    });
}

/// The document `root` as XML text, written by the test itself (every text escaped,
/// indentation between elements of element-only content).
pub fn to_xml(root: &Node) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_node(root, None, 0, &mut out);
    out.push('\n');
    out
}

fn escape(s: &str, attr: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            '\t' if attr => out.push_str("&#x9;"),
            '\n' if attr => out.push_str("&#xA;"),
            c => out.push(c),
        }
    }
}

fn write_node(n: &Node, default_ns: Option<&str>, depth: usize, out: &mut String) {
    let ns = n.name.namespace.as_deref();
    out.push('<');
    out.push_str(&n.name.local);
    if ns != default_ns || depth == 0 {
        out.push_str(" xmlns=\"");
        escape(ns.unwrap_or(""), true, out);
        out.push('"');
    }
    let mut prefixes: Vec<&str> = Vec::new();
    for a in &n.attributes {
        out.push(' ');
        match a.name.namespace.as_deref() {
            None => {}
            Some("http://www.w3.org/XML/1998/namespace") => out.push_str("xml:"),
            Some(uri) => {
                let i = prefixes.iter().position(|p| *p == uri).unwrap_or_else(|| {
                    prefixes.push(uri);
                    out.push_str(&format!("xmlns:p{}=\"", prefixes.len() - 1));
                    escape(uri, true, out);
                    out.push_str("\" ");
                    prefixes.len() - 1
                });
                out.push_str(&format!("p{i}:"));
            }
        }
        out.push_str(&a.name.local);
        out.push_str("=\"");
        escape(&a.value, true, out);
        out.push('"');
    }
    if n.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    let element_only = n.id.is_some_and(|e| {
        matches!(
            schema::element(e).content,
            Content::Sequence(_) | Content::Choice { .. }
        )
    });
    for c in &n.children {
        match c {
            Child::Text(t) => escape(t, false, out),
            Child::Element(e) => {
                if element_only {
                    out.push('\n');
                    out.push_str(&"\t".repeat(depth + 1));
                }
                write_node(e, ns, depth + 1, out);
            }
        }
    }
    if element_only {
        out.push('\n');
        out.push_str(&"\t".repeat(depth));
    }
    out.push_str("</");
    out.push_str(&n.name.local);
    out.push('>');
}

/// `true` when `uri` is the LHEO 2.3 namespace.
pub fn is_lheo(uri: Option<&str>) -> bool {
    uri == Some(NAMESPACE_2_3)
}
