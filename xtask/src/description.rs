//! Parser for `schemas/lheo-2.3.schema`, the project's declarative description of LHEO 2.3.
//!
//! The format is line based (see the header of the file itself):
//! `dict` blocks list dictionary codes, `element` blocks give an element's French name, doc,
//! attribute set and content model.

use std::fmt;

/// The whole description.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Description {
    /// The standard attribute set (`attributes std …`), in order.
    pub std_attributes: Vec<Attribute>,
    /// Dictionaries, in file order.
    pub dicts: Vec<Dict>,
    /// Elements, in file order (the XSD's order).
    pub elements: Vec<Element>,
    /// The record elements (`record …`): the units a feed streams in, in file order.
    pub records: Vec<Record>,
}

/// One attribute declaration: name and XSD built-in type (and, for the standard set, what it
/// is for: the model's documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: String,
    pub doc: Option<String>,
}

/// A record element (`record NAME Variant ROOT/CONTAINER`): the unit the reader yields, the
/// model's `Record::Variant`, found in the elements of its path.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub name: String,
    pub variant: String,
    /// The document root, then the container the record repeats in, if any.
    pub path: Vec<String>,
}

/// A dictionary (`dict-…`): codes with French labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Dict {
    pub name: String,
    pub rust: String,
    pub label: String,
    pub entries: Vec<Entry>,
}

/// One code of a dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub code: String,
    pub variant: String,
    pub label: String,
}

/// An element declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub name: String,
    pub label: String,
    pub doc: Option<String>,
    /// Attributes beyond the standard set.
    pub extra_attributes: Vec<Attribute>,
    pub content: Content,
}

/// Content model of an element.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Sequence(Vec<Particle>),
    Choice {
        min: u32,
        max: Option<u32>,
        names: Vec<String>,
    },
    Any,
    Simple(Simple),
}

/// A child element reference in a sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub name: String,
    pub min: u32,
    /// `None` = unbounded.
    pub max: Option<u32>,
}

/// A simple type: XSD base with facets, plus the GML facts the XSD does not carry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Simple {
    pub base: String,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub length: Option<u32>,
    pub pattern: Option<String>,
    pub dict: Option<String>,
    pub range: Option<(i64, i64)>,
    pub format: Option<String>,
}

/// A parse error with its line.
#[derive(Debug)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Splits a line into words, honouring double-quoted strings with `\"` and `\\` escapes.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        let mut in_quotes = false;
        while let Some(&c) = chars.peek() {
            if !in_quotes && c.is_whitespace() {
                break;
            }
            chars.next();
            match c {
                '"' => in_quotes = !in_quotes,
                '\\' if in_quotes => match chars.next() {
                    Some(e) => word.push(e),
                    None => return Err("dangling escape".into()),
                },
                _ => word.push(c),
            }
        }
        if in_quotes {
            return Err("unterminated string".into());
        }
        out.push(word);
    }
    Ok(out)
}

fn parse_max(s: &str) -> Result<Option<u32>, String> {
    if s == "*" {
        Ok(None)
    } else {
        s.parse().map(Some).map_err(|_| format!("bad max `{s}`"))
    }
}

fn parse_range(s: &str) -> Result<(u32, Option<u32>), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("bad range `{s}`"))?;
    Ok((
        a.parse().map_err(|_| format!("bad min `{a}`"))?,
        parse_max(b)?,
    ))
}

fn parse_attributes(ws: &[String]) -> Result<Vec<Attribute>, String> {
    ws.iter()
        .map(|w| {
            let (n, t) = w
                .split_once(':')
                .ok_or_else(|| format!("attribute `{w}` lacks a type"))?;
            Ok(Attribute {
                name: n.into(),
                ty: t.into(),
                doc: None,
            })
        })
        .collect()
}

fn parse_simple(ws: &[String]) -> Result<Simple, String> {
    let mut s = Simple {
        base: ws.first().cloned().ok_or("simple needs a base")?,
        ..Simple::default()
    };
    for w in &ws[1..] {
        let (k, v) = w
            .split_once('=')
            .ok_or_else(|| format!("bad facet `{w}`"))?;
        let num = || v.parse::<u32>().map_err(|_| format!("bad number in `{w}`"));
        match k {
            "minLength" => s.min_length = Some(num()?),
            "maxLength" => s.max_length = Some(num()?),
            "length" => s.length = Some(num()?),
            "pattern" => s.pattern = Some(v.into()),
            "enum" => s.dict = Some(v.into()),
            "format" => s.format = Some(v.into()),
            "range" => {
                let (a, b) = v
                    .split_once("..")
                    .ok_or_else(|| format!("bad range `{w}`"))?;
                let a = a.parse().map_err(|_| format!("bad range `{w}`"))?;
                let b = b.parse().map_err(|_| format!("bad range `{w}`"))?;
                s.range = Some((a, b));
            }
            _ => return Err(format!("unknown facet `{k}`")),
        }
    }
    Ok(s)
}

/// Parses the description text.
pub fn parse(text: &str) -> Result<Description, ParseError> {
    let mut d = Description::default();
    // What an indented line belongs to.
    enum Ctx {
        None,
        Attributes,
        Dict,
        Element,
        Sequence,
        Choice,
    }
    let mut ctx = Ctx::None;
    for (i, raw) in text.lines().enumerate() {
        let err = |message: String| ParseError {
            line: i + 1,
            message,
        };
        let line = raw.trim_end();
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let ws = words(line).map_err(err)?;
        let head = ws[0].as_str();
        match (indent, head) {
            (0, "attributes") => {
                if ws.get(1).map(String::as_str) != Some("std") {
                    return Err(err("only `attributes std` is known".into()));
                }
                d.std_attributes = parse_attributes(&ws[2..]).map_err(err)?;
                ctx = Ctx::Attributes;
            }
            (0, "record") => {
                if ws.len() != 4 {
                    return Err(err("record NAME Variant ROOT[/CONTAINER]".into()));
                }
                d.records.push(Record {
                    name: ws[1].clone(),
                    variant: ws[2].clone(),
                    path: ws[3].split('/').map(String::from).collect(),
                });
                ctx = Ctx::None;
            }
            (2, "doc") if matches!(ctx, Ctx::Attributes) => {
                let [_, name, doc] = &ws[..] else {
                    return Err(err("doc NAME \"text\"".into()));
                };
                let a = d
                    .std_attributes
                    .iter_mut()
                    .find(|a| &a.name == name)
                    .ok_or_else(|| err(format!("doc of an unknown attribute `{name}`")))?;
                a.doc = Some(doc.clone());
            }
            (0, "dict") => {
                if ws.len() != 4 {
                    return Err(err("dict NAME Rust \"label\"".into()));
                }
                d.dicts.push(Dict {
                    name: ws[1].clone(),
                    rust: ws[2].clone(),
                    label: ws[3].clone(),
                    entries: Vec::new(),
                });
                ctx = Ctx::Dict;
            }
            (0, "element") => {
                if ws.len() != 3 {
                    return Err(err("element NAME \"label\"".into()));
                }
                d.elements.push(Element {
                    name: ws[1].clone(),
                    label: ws[2].clone(),
                    doc: None,
                    extra_attributes: Vec::new(),
                    content: Content::Any,
                });
                ctx = Ctx::Element;
            }
            (2, _) if matches!(ctx, Ctx::Dict) => {
                let dict = d.dicts.last_mut().ok_or_else(|| err("no dict".into()))?;
                if ws.len() != 3 {
                    return Err(err("CODE Variant \"label\"".into()));
                }
                dict.entries.push(Entry {
                    code: ws[0].clone(),
                    variant: ws[1].clone(),
                    label: ws[2].clone(),
                });
            }
            (2, _) if !matches!(ctx, Ctx::None | Ctx::Dict | Ctx::Attributes) => {
                let el = d
                    .elements
                    .last_mut()
                    .ok_or_else(|| err("no element".into()))?;
                match head {
                    "doc" => el.doc = ws.get(1).cloned(),
                    "attrs" => {
                        if ws.get(1).map(String::as_str) != Some("std") {
                            return Err(err("attrs must start with std".into()));
                        }
                        el.extra_attributes = parse_attributes(&ws[2..]).map_err(err)?;
                    }
                    "sequence" => {
                        el.content = Content::Sequence(Vec::new());
                        ctx = Ctx::Sequence;
                    }
                    "choice" => {
                        let (min, max) = parse_range(ws.get(1).ok_or_else(|| err("range".into()))?)
                            .map_err(err)?;
                        el.content = Content::Choice {
                            min,
                            max,
                            names: Vec::new(),
                        };
                        ctx = Ctx::Choice;
                    }
                    "any" => el.content = Content::Any,
                    "simple" => el.content = Content::Simple(parse_simple(&ws[1..]).map_err(err)?),
                    _ => return Err(err(format!("unknown element line `{head}`"))),
                }
            }
            (4, _) => {
                let el = d
                    .elements
                    .last_mut()
                    .ok_or_else(|| err("no element".into()))?;
                match (&mut el.content, &ctx) {
                    (Content::Sequence(ps), Ctx::Sequence) => {
                        let (min, max) = parse_range(ws.get(1).ok_or_else(|| err("range".into()))?)
                            .map_err(err)?;
                        ps.push(Particle {
                            name: ws[0].clone(),
                            min,
                            max,
                        });
                    }
                    (Content::Choice { names, .. }, Ctx::Choice) => names.push(ws[0].clone()),
                    _ => return Err(err("particle outside a sequence or choice".into())),
                }
            }
            _ => return Err(err(format!("unexpected line `{line}`"))),
        }
    }
    d.check()
        .map_err(|message| ParseError { line: 0, message })?;
    Ok(d)
}

impl Description {
    /// Looks up an element by name.
    pub fn element(&self, name: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.name == name)
    }

    /// Looks up a dictionary by name.
    pub fn dict(&self, name: &str) -> Option<&Dict> {
        self.dicts.iter().find(|d| d.name == name)
    }

    /// Internal consistency: every reference resolves.
    fn check(&self) -> Result<(), String> {
        for e in &self.elements {
            match &e.content {
                Content::Sequence(ps) => {
                    for p in ps {
                        if self.element(&p.name).is_none() {
                            return Err(format!("{}: unknown child {}", e.name, p.name));
                        }
                    }
                }
                Content::Choice { names, .. } => {
                    for n in names {
                        if self.element(n).is_none() {
                            return Err(format!("{}: unknown child {n}", e.name));
                        }
                    }
                }
                Content::Simple(s) => {
                    if let Some(dn) = &s.dict {
                        if self.dict(dn).is_none() {
                            return Err(format!("{}: unknown dict {dn}", e.name));
                        }
                    }
                }
                Content::Any => {}
            }
        }
        if let Some(a) = self.std_attributes.iter().find(|a| a.doc.is_none()) {
            return Err(format!("standard attribute {} has no doc", a.name));
        }
        for r in &self.records {
            let record = self
                .element(&r.name)
                .ok_or_else(|| format!("record {}: unknown element", r.name))?;
            if !matches!(record.content, Content::Sequence(_)) {
                return Err(format!("record {}: not a complex element", r.name));
            }
            // Each element of the path holds the next one, the last holds the record.
            let mut chain: Vec<&str> = r.path.iter().map(String::as_str).collect();
            chain.push(&r.name);
            for pair in chain.windows(2) {
                let parent = self
                    .element(pair[0])
                    .ok_or_else(|| format!("record {}: unknown element {}", r.name, pair[0]))?;
                let holds = matches!(&parent.content,
                    Content::Sequence(ps) if ps.iter().any(|p| p.name == pair[1]));
                if !holds {
                    return Err(format!(
                        "record {}: {} does not hold {}",
                        r.name, pair[0], pair[1]
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_handle_quotes() {
        assert_eq!(
            words(r#"  0 Non "non \"x\"" "#).unwrap(),
            vec!["0", "Non", "non \"x\""]
        );
    }

    #[test]
    fn parses_small_description() {
        let d = parse(
            "attributes std numero:string\n  doc numero \"n\"\n\
             dict dict-b Booleen \"b\"\n  0 Non \"non\"\n\
             element a \"A\"\n  attrs std href:string\n  sequence\n    b 0..*\n\
             element b \"B\"\n  attrs std\n  simple token enum=dict-b\n",
        )
        .unwrap();
        assert_eq!(d.elements.len(), 2);
        assert_eq!(
            d.elements[0].content,
            Content::Sequence(vec![Particle {
                name: "b".into(),
                min: 0,
                max: None
            }])
        );
    }

    #[test]
    fn parses_records_and_attribute_docs() {
        let d = parse(
            "attributes std numero:string\n  doc numero \"the number\"\n\
             record b B a\n\
             element a \"A\"\n  sequence\n    b 0..*\n\
             element b \"B\"\n  sequence\n",
        )
        .unwrap();
        assert_eq!(d.std_attributes[0].doc.as_deref(), Some("the number"));
        assert_eq!(
            d.records,
            vec![Record {
                name: "b".into(),
                variant: "B".into(),
                path: vec!["a".into()]
            }]
        );
        // A record its path does not hold, an attribute without its doc.
        assert!(
            parse("record b B a\nelement a \"A\"\n  sequence\nelement b \"B\"\n  sequence\n")
                .is_err()
        );
        assert!(parse("attributes std numero:string\n").is_err());
    }

    #[test]
    fn rejects_unknown_child() {
        assert!(parse("element a \"A\"\n  sequence\n    zz 1..1\n").is_err());
    }
}
