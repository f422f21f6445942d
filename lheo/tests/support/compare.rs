//! An independent lossless comparison of two XML documents (roxmltree), driven by the schema
//! tables for the type of each simple element.
//!
//! Equal means: same elements (expanded names, LHEO 2.0–2.2 namespaces read as 2.3) in the
//! same order, same attributes (any order, any prefix), same text. Whitespace-only text
//! between the children of an element-only LHEO element is ignored; text of simple elements
//! is compared by type (`xs:string` exactly, `xs:token` after whitespace collapsing,
//! `xs:long` as a number); inside `extra` (free content) every character counts. Comments
//! and processing instructions are ignored; CDATA is text.

use lheo::schema::{self, Base, Content, NAMESPACE_2_3};
use roxmltree::{Document, Node};

/// What a comparison looked at.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Elements compared.
    pub elements: usize,
    /// Attributes compared.
    pub attributes: usize,
    /// Text values compared (simple elements and free-content text).
    pub texts: usize,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.elements += o.elements;
        self.attributes += o.attributes;
        self.texts += o.texts;
    }
}

/// Parses both documents and compares them.
pub fn lossless(input: &str, output: &str) -> Result<Stats, String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let a = Document::parse_with_options(input, opts).map_err(|e| format!("input: {e}"))?;
    let b = Document::parse_with_options(output, opts).map_err(|e| format!("output: {e}"))?;
    let mut stats = Stats::default();
    let root = a.root_element();
    element(
        root,
        b.root_element(),
        &format!("/{}", root.tag_name().name()),
        false,
        &mut stats,
    )?;
    Ok(stats)
}

/// A namespace URI, LHEO 2.0–2.2 read as 2.3.
fn ns(uri: Option<&str>) -> Option<&str> {
    match uri {
        Some(u) if super::OLD_NAMESPACES.contains(&u) => Some(NAMESPACE_2_3),
        other => other,
    }
}

/// `s` with XML whitespace collapsed (`xs:token`).
pub fn collapse(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn attributes<'a>(n: Node<'a, '_>) -> Vec<(Option<&'a str>, &'a str, &'a str)> {
    let mut v: Vec<_> = n
        .attributes()
        .map(|a| (ns(a.namespace()), a.name(), a.value()))
        .collect();
    v.sort();
    v
}

/// Child elements and text (adjacent text merged, comments and PIs dropped).
#[derive(Debug)]
enum Item<'a, 'i> {
    Element(Node<'a, 'i>),
    Text(String),
}

fn items<'a, 'i>(n: Node<'a, 'i>) -> Vec<Item<'a, 'i>> {
    let mut out: Vec<Item> = Vec::new();
    for c in n.children() {
        if c.is_element() {
            out.push(Item::Element(c));
        } else if let Some(t) = c.text().filter(|_| c.is_text()) {
            match out.last_mut() {
                Some(Item::Text(prev)) => prev.push_str(t),
                _ => out.push(Item::Text(t.to_owned())),
            }
        }
    }
    out
}

fn text_of(n: Node) -> Result<String, String> {
    let mut s = String::new();
    for item in items(n) {
        match item {
            Item::Text(t) => s.push_str(&t),
            Item::Element(e) => {
                return Err(format!(
                    "element <{}> in simple content",
                    e.tag_name().name()
                ))
            }
        }
    }
    Ok(s)
}

fn element(a: Node, b: Node, path: &str, free: bool, st: &mut Stats) -> Result<(), String> {
    let (an, bn) = (a.tag_name(), b.tag_name());
    if (ns(an.namespace()), an.name()) != (ns(bn.namespace()), bn.name()) {
        return Err(format!(
            "{path}: element {:?} became {:?}",
            (an.namespace(), an.name()),
            (bn.namespace(), bn.name())
        ));
    }
    st.elements += 1;
    let (aa, ba) = (attributes(a), attributes(b));
    if aa != ba {
        return Err(format!("{path}: attributes {aa:?} became {ba:?}"));
    }
    st.attributes += aa.len();
    let decl = (!free && ns(an.namespace()) == Some(NAMESPACE_2_3))
        .then(|| schema::element_id(an.name()))
        .flatten()
        .map(|id| &schema::element(id).content);
    match decl {
        Some(Content::Simple(t)) => {
            let (ta, tb) = (
                text_of(a).map_err(|e| format!("{path}: input: {e}"))?,
                text_of(b).map_err(|e| format!("{path}: output: {e}"))?,
            );
            st.texts += 1;
            let same = match t.base {
                Base::String => ta == tb,
                Base::Token => collapse(&ta) == collapse(&tb),
                Base::Long => match (long(&ta), long(&tb)) {
                    (Some(x), Some(y)) => x == y,
                    _ => false,
                },
            };
            if !same {
                return Err(format!("{path}: text {ta:?} became {tb:?}"));
            }
            Ok(())
        }
        Some(Content::Sequence(_)) | Some(Content::Choice { .. }) => {
            let keep = |i: &Item| match i {
                Item::Element(_) => true,
                Item::Text(t) => !t.trim_matches([' ', '\t', '\n', '\r']).is_empty(),
            };
            let ia: Vec<Item> = items(a).into_iter().filter(keep).collect();
            let ib: Vec<Item> = items(b).into_iter().filter(keep).collect();
            children(&ia, &ib, path, false, st)
        }
        Some(Content::Any) | None => children(&items(a), &items(b), path, true, st),
    }
}

fn children(a: &[Item], b: &[Item], path: &str, free: bool, st: &mut Stats) -> Result<(), String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (i, pair) in a.iter().zip(b).enumerate() {
        match pair {
            (Item::Element(x), Item::Element(y)) => {
                let name = x.tag_name().name().to_owned();
                let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                    Some((_, c)) => {
                        *c += 1;
                        *c
                    }
                    None => {
                        counts.push((name.clone(), 1));
                        1
                    }
                };
                element(*x, *y, &format!("{path}/{name}[{n}]"), free, st)?;
            }
            (Item::Text(x), Item::Text(y)) if x == y => st.texts += 1,
            (x, y) => return Err(format!("{path}: child {} {x:?} became {y:?}", i + 1)),
        }
    }
    if a.len() != b.len() {
        return Err(format!(
            "{path}: {} children became {} ({:?})",
            a.len(),
            b.len(),
            if a.len() > b.len() {
                &a[b.len()..]
            } else {
                &b[a.len()..]
            }
        ));
    }
    Ok(())
}

/// An `xs:long` lexical value as a number.
fn long(s: &str) -> Option<i64> {
    let t = s.trim_matches([' ', '\t', '\n', '\r']);
    let t = t.strip_prefix('+').unwrap_or(t);
    t.parse().ok()
}
