//! The oracle: our profile `xsd` must give the official XSD's verdict, as `xmllint --schema`
//! (libxml2) gives it, on hundreds of mutants of real feeds; and where xmllint finds exactly one
//! error, our first error must be on the same line; and on every single-mistake mutant we
//! report no more errors than xmllint does (no cascades: one mistake, one finding).
//!
//! Needs `xmllint` and `../shared` (the XSD and the real corpus). Without them the test prints
//! why and passes, unless `LHEO_REQUIRE_ORACLE=1`. When Python's `xmlschema` is importable, a
//! sample is also cross-checked with it (reported, not asserted: the two oracles may differ).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};

const NS_2_3: &str = "http://lheo.gouv.fr/2.3";
const NS_2_2: &str = "http://www.lheo.org/2.2";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Feeds that validate against the 2.3 XSD (2.2 ones once the namespace is swapped).
const SEEDS: &[&str] = &[
    "intercarif-grandest-fli-2.3-anonymise.xml",
    "onisep-bts-nrc-2.2.xml",
    "intercarif-centre-etoile-plaquiste-2.2.xml",
    "intercarif-occitanie-daeu-2.2.xml",
    "intercarif-poec-gestionnaire-paie-2.2.xml",
    "intercarif-trouvermaformation-financeur16-2.2.xml",
    "intercarif-lheo-index-resumes-paris-2.2.xml",
    "intercarif-lheo-index-resume-single-2.2.xml",
];

/// Real feeds that are invalid even after the swap: compared as they are.
const INVALID_REAL: &[&str] = &["anotea-intercarif-anonymise-2.2.xml"];

fn shared_dir() -> PathBuf {
    match std::env::var_os("LHEO_SHARED") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

fn skip(reason: &str) {
    if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
        panic!("oracle required but unavailable: {reason}");
    }
    eprintln!("xsd_oracle skipped: {reason}");
}

/// A mutant: a name saying what was done, and the document.
struct Case {
    /// Kind of mutation (`seed`, `corner`, `delete`, `value`…).
    cat: &'static str,
    name: String,
    xml: String,
}

// ---------------------------------------------------------------------------------------------
// Locating elements in a seed (roxmltree gives byte ranges).

#[derive(Clone)]
struct El {
    name: String,
    /// Whole element.
    start: usize,
    end: usize,
    /// Byte just after the start tag's `>`.
    open_end: usize,
    /// Start of the end tag (== end for an empty-element tag).
    close_start: usize,
    self_closing: bool,
    /// Only text children (or none).
    leaf: bool,
    depth: usize,
    /// Index of the next sibling element in the list, if any.
    next_sibling: Option<usize>,
    /// Index of the parent element, if any.
    parent: Option<usize>,
}

fn elements(xml: &str) -> Vec<El> {
    let doc = roxmltree::Document::parse(xml).expect("seed parses");
    let mut out: Vec<El> = Vec::new();
    let mut index: HashMap<roxmltree::NodeId, usize> = HashMap::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let r = node.range();
        let tag = &xml[r.start..r.end];
        let open_end = r.start + start_tag_len(tag);
        let self_closing = xml[..open_end].ends_with("/>");
        let close_start = if self_closing {
            r.end
        } else {
            r.start + tag.rfind("</").expect("end tag")
        };
        let depth = node.ancestors().filter(|a| a.is_element()).count() - 1;
        let parent = node
            .parent_element()
            .and_then(|p| index.get(&p.id()).copied());
        index.insert(node.id(), out.len());
        out.push(El {
            name: node.tag_name().name().to_owned(),
            start: r.start,
            end: r.end,
            open_end,
            close_start,
            self_closing,
            leaf: node.children().all(|c| c.is_text()),
            depth,
            next_sibling: None,
            parent,
        });
    }
    for node in doc.descendants().filter(|n| n.is_element()) {
        if let Some(next) = node.next_sibling_element() {
            let i = index[&node.id()];
            out[i].next_sibling = Some(index[&next.id()]);
        }
    }
    out
}

/// Length of the start tag at the beginning of `s` (through its `>`), quotes respected.
fn start_tag_len(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn splice(xml: &str, at: usize, to: usize, with: &str) -> String {
    let mut s = String::with_capacity(xml.len() + with.len());
    s.push_str(&xml[..at]);
    s.push_str(with);
    s.push_str(&xml[to..]);
    s
}

/// Position where attributes can be inserted in the start tag of `e`.
fn attr_pos(xml: &str, e: &El) -> usize {
    if e.self_closing {
        e.open_end - 2
    } else {
        debug_assert!(xml[..e.open_end].ends_with('>'));
        e.open_end - 1
    }
}

fn with_attr(xml: &str, e: &El, attr: &str) -> String {
    splice(xml, attr_pos(xml, e), attr_pos(xml, e), &format!(" {attr}"))
}

/// Replaces the content of `e` (text or children) by `content`.
fn with_content(xml: &str, e: &El, content: &str) -> String {
    if e.self_closing {
        let open = &xml[e.start..e.open_end - 2];
        splice(
            xml,
            e.start,
            e.end,
            &format!("{open}>{content}</{}>", e.name),
        )
    } else {
        splice(xml, e.open_end, e.close_start, content)
    }
}

/// Inserts `s` right after the start tag of `e`.
fn insert_first(xml: &str, e: &El, s: &str) -> String {
    if e.self_closing {
        with_content(xml, e, s)
    } else {
        splice(xml, e.open_end, e.open_end, s)
    }
}

/// Inserts `s` just before the end tag of `e`.
fn insert_last(xml: &str, e: &El, s: &str) -> String {
    if e.self_closing {
        with_content(xml, e, s)
    } else {
        splice(xml, e.close_start, e.close_start, s)
    }
}

fn rename(xml: &str, e: &El, new: &str) -> String {
    let mut s = xml.to_owned();
    if !e.self_closing {
        s.replace_range(e.close_start + 2..e.close_start + 2 + e.name.len(), new);
    }
    s.replace_range(e.start + 1..e.start + 1 + e.name.len(), new);
    s
}

// ---------------------------------------------------------------------------------------------
// Mutants.

/// A small deterministic generator (no dependency), to sample without bias.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() as usize) % items.len()]
    }
}

/// Bad and boundary-valid values for the simple type of element `name`.
fn values_for(name: &str) -> Vec<String> {
    use lheo::schema::{self, Base, Content};
    let Some(id) = schema::element_id(name) else {
        return Vec::new();
    };
    let Content::Simple(st) = schema::element(id).content else {
        return Vec::new();
    };
    let fixed = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    match st.base {
        Base::Long => fixed(&[
            " 12",
            "12 ",
            "+12",
            "0012",
            "-0",
            "",
            "1.5",
            "1e3",
            "+",
            "-7",
            "000000000000000000000000000001",
            "9223372036854775808",
            "9223372036854775807",
            "-9223372036854775808",
            "\n3\n",
            "12a",
            "&#49;2",
            "١",
        ]),
        Base::Token if st.pattern.is_some() => fixed(&[
            "2020010a",
            "2020-01-01",
            " 20200101 ",
            "20201301",
            "20202001",
            "2020010",
            "202001011",
            "",
            "\n\t20200101\n",
            "2020 0101",
            "00000000",
            "20200100",
            "&#50;0200101",
            "<![CDATA[20200101]]>",
            "2020<!-- c -->0101",
            "20200101&#160;",
        ]),
        Base::Token => {
            let dict = schema::dict(st.dict.expect("tokens have a dictionary"));
            let first = dict.entries[0].0;
            let last = dict.entries[dict.entries.len() - 1].0;
            let outside = dict
                .entries
                .iter()
                .filter_map(|(c, _)| c.parse::<u32>().ok())
                .max()
                .map_or("zz".to_owned(), |m| (m + 1).to_string());
            vec![
                first.to_owned(),
                last.to_owned(),
                format!(" {first} "),
                format!("\n\t{last}\n"),
                format!("0{first}"),
                outside,
                String::new(),
                format!("{first} {first}"),
                format!("&#{};", u32::from(first.as_bytes()[0])),
                format!("<![CDATA[{first}]]>"),
                format!("{first}&#160;"),
            ]
        }
        Base::String => {
            let mut v = vec![String::new(), " ".into(), "é".into(), "\n".into()];
            let (lo, hi) = match st.length {
                Some(l) => (Some(l), Some(l)),
                None => (st.min_length, st.max_length),
            };
            if let Some(h) = hi {
                let h = h as usize;
                v.push("é".repeat(h));
                v.push("é".repeat(h + 1));
                v.push(format!("{} ", "x".repeat(h)));
                v.push(format!("{}&amp;", "x".repeat(h - 1)));
                v.push(format!("{}😀", "x".repeat(h - 1)));
            }
            if let Some(l) = lo {
                let l = l as usize;
                v.push(" ".repeat(l));
                if l > 1 {
                    v.push("x".repeat(l - 1));
                }
            }
            v.push("<![CDATA[]]>".into());
            v.push("<![CDATA[x]]>".into());
            v.push("<!-- c -->".into());
            v
        }
    }
}

/// A valid value of the simple type of `id`.
fn valid_value(id: lheo::schema::ElementId) -> String {
    use lheo::schema::{self, Base, Content};
    let Content::Simple(st) = schema::element(id).content else {
        return String::new();
    };
    match st.base {
        Base::Long => "1".into(),
        Base::Token if st.pattern.is_some() => "20200101".into(),
        Base::Token => schema::dict(st.dict.expect("dictionary")).entries[0]
            .0
            .to_owned(),
        Base::String if st.min_length == Some(14) => "73282932000074".into(),
        Base::String => {
            let n = st.length.or(st.min_length).unwrap_or(1).max(1);
            "x".repeat(n as usize)
        }
    }
}

/// A document made from the schema tables: every particle of every element once or twice
/// (`full`), or only the required ones.
fn instance(
    id: lheo::schema::ElementId,
    full: bool,
    stack: &mut Vec<lheo::schema::ElementId>,
    out: &mut String,
) {
    use lheo::schema::{self, Content};
    let decl = schema::element(id);
    let name = decl.name;
    out.push('\n');
    out.push_str(&"  ".repeat(stack.len()));
    let ns = if stack.is_empty() {
        format!(" xmlns=\"{NS_2_3}\"")
    } else {
        String::new()
    };
    match decl.content {
        Content::Simple(_) => {
            out.push_str(&format!("<{name}{ns}>{}</{name}>", valid_value(id)));
        }
        Content::Any => out.push_str(&format!(
            "<{name}{ns} a=\"1\">texte<zz b=\"2\"><ligne>x</ligne></zz></{name}>"
        )),
        Content::Choice { .. } => {
            if full && stack.len() < 4 {
                out.push_str(&format!(
                    "<{name}{ns}><extra>x</extra><extras><extra/></extras></{name}>"
                ));
            } else {
                out.push_str(&format!("<{name}{ns}/>"));
            }
        }
        Content::Sequence(particles) => {
            out.push_str(&format!("<{name}{ns}>"));
            stack.push(id);
            for p in particles {
                let recursive = stack.contains(&p.element);
                let is_extras = schema::element(p.element).name == "extras";
                let n = if !full || (recursive && p.min == 0) {
                    p.min
                } else if is_extras {
                    p.min.max(u32::from(stack.len() < 2))
                } else if stack.len() == 1 {
                    p.min.max(p.max.unwrap_or(2).min(2))
                } else {
                    p.min.max(1)
                };
                for _ in 0..n {
                    instance(p.element, full, stack, out);
                }
            }
            stack.pop();
            out.push('\n');
            out.push_str(&"  ".repeat(stack.len()));
            out.push_str(&format!("</{name}>"));
        }
    }
}

/// Documents generated from the schema tables, for the elements the real feeds lack: every
/// complex element as validation root with all its particles (small enough to mutate), and
/// the three document roots with their required particles only.
fn generated_seeds() -> Vec<(String, String)> {
    use lheo::schema::{self, Content};
    let mut seeds = Vec::new();
    for (i, decl) in schema::ELEMENTS.iter().enumerate() {
        let id = lheo::schema::ElementId(i as u16);
        let root = schema::document_roots().contains(&id);
        if !matches!(decl.content, Content::Sequence(_)) {
            continue;
        }
        for full in [true, false] {
            if !full && !root {
                continue;
            }
            let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            instance(id, full, &mut Vec::new(), &mut xml);
            xml.push('\n');
            if full && xml.len() > 12_000 {
                continue;
            }
            let kind = if full { "full" } else { "minimal" };
            seeds.push((format!("generated {kind} {}", decl.name), xml));
        }
    }
    seeds
}

/// `maxOccurs` of `e` in its parent's sequence, when bounded and above 1.
fn bounded_max(els: &[El], e: &El) -> Option<u32> {
    use lheo::schema::{self, Content};
    let parent = schema::element_id(&els[e.parent?].name)?;
    let child = schema::element_id(&e.name)?;
    let Content::Sequence(particles) = schema::element(parent).content else {
        return None;
    };
    let p = particles.iter().find(|p| p.element == child)?;
    p.max.filter(|&m| m > 1 && m < 50)
}

/// Mutants of `seed`, by category.
fn mutants(seed: &str, xml: &str, out: &mut Vec<(&'static str, Case)>) {
    let els = elements(xml);
    let mut rng = Lcg(xml.len() as u64);
    let mut push = |cat: &'static str, name: String, xml: String| {
        out.push((
            cat,
            Case {
                cat,
                name: format!("{seed}: {name}"),
                xml,
            },
        ))
    };
    for (i, e) in els.iter().enumerate() {
        if e.depth == 0 {
            continue;
        }
        let n = &e.name;
        // Structure.
        push(
            "delete",
            format!("delete {n}#{i}"),
            splice(xml, e.start, e.end, ""),
        );
        if i % 2 == 0 {
            let copy = &xml[e.start..e.end];
            push(
                "duplicate",
                format!("duplicate {n}#{i}"),
                splice(xml, e.end, e.end, &format!("\n{copy}")),
            );
        }
        if let Some(j) = e.next_sibling {
            let f = &els[j];
            if f.name != e.name {
                let swapped = format!(
                    "{}{}{}",
                    &xml[f.start..f.end],
                    &xml[e.end..f.start],
                    &xml[e.start..e.end]
                );
                push(
                    "swap",
                    format!("swap {n}#{i} and {}", f.name),
                    splice(xml, e.start, f.end, &swapped),
                );
            }
        }
        if i % 3 == 0 {
            push(
                "rename",
                format!("rename {n}#{i} to unknown"),
                rename(xml, e, "zz-inconnu"),
            );
        }
        if i % 5 == 1 {
            let other = rng.pick(&[
                "ligne",
                "formation",
                "extras",
                "debut",
                "nb-places",
                "adresse",
            ]);
            if other != n {
                push(
                    "rename-declared",
                    format!("rename {n}#{i} to {other}"),
                    rename(xml, e, other),
                );
            }
        }
        if i % 7 == 2 {
            let s = &xml[e.start..e.end];
            let foreign = s.replacen(&format!("<{n}"), &format!("<{n} xmlns=\"urn:autre\""), 1);
            push(
                "foreign",
                format!("foreign namespace on {n}#{i}"),
                splice(xml, e.start, e.end, &foreign),
            );
        }
        // Content.
        if e.leaf && !e.self_closing {
            for v in values_for(n) {
                let v = v.as_str();
                push(
                    "value",
                    format!("value {n}#{i} = {v:?}"),
                    with_content(xml, e, v),
                );
            }
            if i % 4 == 0 {
                push(
                    "child",
                    format!("child in simple {n}#{i}"),
                    insert_first(xml, e, "<b/>"),
                );
            }
        } else if !e.leaf {
            if i % 2 == 0 {
                push(
                    "text",
                    format!("text in {n}#{i}"),
                    insert_first(xml, e, "texte"),
                );
                let cdata = if i % 4 == 0 {
                    "<![CDATA[]]>"
                } else {
                    "<![CDATA[ ]]>"
                };
                push(
                    "cdata",
                    format!("blank cdata {cdata} in {n}#{i}"),
                    insert_last(xml, e, cdata),
                );
            }
            if i % 3 == 0 {
                push(
                    "blanks",
                    format!("blanks in {n}#{i}"),
                    insert_first(xml, e, " \n\t&#32;&#10;<!-- c --><?pi x?>"),
                );
                push(
                    "text",
                    format!("nbsp in {n}#{i}"),
                    insert_first(xml, e, "&#160;"),
                );
            }
            let lax = rng.pick(&[
                "<extras><extra foo=\"1\" xml:lang=\"fr\">texte<zz a=\"b\"><yy/>t</zz></extra></extras>",
                "<extras><extra><ligne></ligne></extra></extras>",
                "<extras><extra><zz><ligne>x</ligne></zz></extra></extras>",
                "<extras><extra><zz><ligne/></zz></extra></extras>",
                "<extras info=\"x\"><extras><extra/></extras><extra/></extras>",
                "<extras>texte<extra/></extras>",
                "<extras><zz/></extras>",
                "<extras><extra><periode><debut>20200101</debut></periode></extra></extras>",
                "<extras><extra><q:a xmlns:q=\"urn:q\"><ligne/></q:a></extra></extras>",
                "<extras><extra><debut xmlns=\"\">x</debut></extra></extras>",
                "<extras><extra id=\"1a\"/></extras>",
                "<extras><extra xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/></extras>",
                "<extras><extra><zz xsi:type=\"ligne-type\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/></extra></extras>",
                "<extras><extra><nb-places> 1</nb-places></extra></extras>",
            ]);
            push(
                "extras",
                format!("extras at end of {n}#{i}: {lax}"),
                insert_last(xml, e, lax),
            );
        }
        // Bounded cardinalities: exactly the maximum, then one more.
        if let Some(max) = bounded_max(&els, e) {
            let copy = &xml[e.start..e.end];
            let siblings = e
                .parent
                .map(|p| {
                    els.iter()
                        .filter(|x| x.parent == Some(p) && x.name == e.name)
                        .count()
                })
                .unwrap_or(1);
            let first_of_kind = els[..i]
                .iter()
                .all(|x| x.parent != e.parent || x.name != e.name);
            if first_of_kind && (max as usize) > siblings {
                for extra in [max as usize - siblings, max as usize + 1 - siblings] {
                    let more = format!("\n{copy}").repeat(extra);
                    push(
                        "cardinality",
                        format!("{n}#{i} repeated to {} (max {max})", siblings + extra),
                        splice(xml, e.end, e.end, &more),
                    );
                }
            }
        }
        // Namespaces, line layout, free content.
        if i % 6 == 3 {
            let root = &els[0];
            let prefixed = if e.self_closing {
                format!("<l:{}", &xml[e.start + 1..e.end])
            } else {
                format!(
                    "<l:{}</l:{}",
                    &xml[e.start + 1..e.close_start],
                    &xml[e.close_start + 2..e.end]
                )
            };
            let s = splice(xml, e.start, e.end, &prefixed);
            let s = with_attr(&s, root, &format!("xmlns:l=\"{NS_2_3}\""));
            push("namespace", format!("prefixed {n}#{i}"), s);
        }
        if i % 6 == 4 {
            push(
                "namespace",
                format!("no namespace on {n}#{i}"),
                with_attr(xml, e, "xmlns=\"\""),
            );
        }
        if i % 5 == 2 {
            let s = with_attr(xml, e, "\n  tag=\"a\"\n  bad=\"1\"\n");
            push("layout", format!("multi-line start tag of {n}#{i}"), s);
        }
        if i % 13 == 6 {
            let s = splice(xml, e.start, e.end, "").replace('\n', "\r\n");
            push("layout", format!("CRLF, {n}#{i} deleted"), s);
        }
        if !e.leaf && i % 4 == 1 {
            push("empty", format!("empty {n}#{i}"), with_content(xml, e, ""));
        }
        if !e.leaf && i % 8 == 5 {
            let lax = rng.pick(&[
                "<extras><extra xml:id=\"k1\"/></extras>",
                "<extras><extra xml:id=\"k1\"><ligne id=\"k1\">x</ligne></extra></extras>",
                "<extras><extra><zz xml:id=\"k2\"/></extra><extra id=\"k2\"/></extras>",
                "<extras><extra xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><zz xsi:type=\"ligne-subtype\">a</zz></extra></extras>",
                "<extras><extra xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><zz xsi:type=\"periode-type\"><debut>20200101</debut><fin>20200101</fin></zz></extra></extras>",
                "<extras><extra xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><zz xsi:type=\"nope-type\"/></extra></extras>",
                "<extras><extra xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><ligne xsi:type=\"ville-type\">x</ligne></extra></extras>",
                "<extras><extra><![CDATA[]]><zz><![CDATA[x]]></zz></extra></extras>",
                "<extras><![CDATA[]]></extras>",
                "<extras><extra><extra><ligne/></extra></extra></extras>",
            ]);
            push(
                "extras",
                format!("lax {lax} in {n}#{i}"),
                insert_last(xml, e, lax),
            );
        }
        // Attributes.
        let attr = match i % 9 {
            0 => "foo=\"1\"",
            1 => "xml:lang=\"fr\"",
            2 => "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"false\"",
            3 => "id=\"1a\"",
            4 => "idref=\" a b\"",
            5 => "horodatage-creation=\" 2023-02-20T10:00:00Z \"",
            6 => "uri=\"http://a b/%zz\"",
            7 => "horodatage-export=\"2024-02-29T24:00:00+14:00\"",
            _ => "idref=\"nulle-part\" uri=\"a:b#c\" tag=\"\" numero=\" \"",
        };
        push(
            "attribute",
            format!("attribute {attr} on {n}#{i}"),
            with_attr(xml, e, attr),
        );
        if i % 11 == 5 {
            let own = format!("xmlns:xsi=\"{XSI}\" xmlns:l=\"{NS_2_3}\" xsi:type=\"l:{n}-type\"");
            push(
                "xsi",
                format!("own xsi:type on {n}#{i}"),
                with_attr(xml, e, &own),
            );
            let other = format!("xmlns:xsi=\"{XSI}\" xsi:type=\"{n}-subtype\"");
            push(
                "xsi",
                format!("subtype xsi:type on {n}#{i}"),
                with_attr(xml, e, &other),
            );
        }
    }
    // The root's namespace.
    if let Some(root) = els.first() {
        let head = &xml[root.start..root.open_end];
        for (k, other) in [
            "https://lheo.gouv.fr/2.3",
            "http://lheo.gouv.fr/2.3/",
            NS_2_2,
        ]
        .iter()
        .enumerate()
        {
            let h = head.replacen(NS_2_3, other, 1);
            push(
                "namespace",
                format!("root namespace {k}"),
                splice(xml, root.start, root.open_end, &h),
            );
        }
    }
    // Identifiers across the document.
    let picks: Vec<usize> = (0..els.len()).filter(|&i| els[i].depth > 0).collect();
    for k in 0..6 {
        if picks.len() < 2 {
            break;
        }
        let a = &els[rng.pick(&picks)];
        let b = &els[rng.pick(&picks)];
        if a.start == b.start {
            continue;
        }
        let (first, second) = if a.start < b.start { (a, b) } else { (b, a) };
        let ida = format!("id=\"x{k}\"");
        let idb = if k % 2 == 0 {
            format!("id=\" x{k} \"")
        } else {
            format!("id=\"y{k}\"")
        };
        // Insert the later one first so that the earlier offsets hold.
        let s = with_attr(xml, second, &idb);
        let s = with_attr(&s, first, &ida);
        push(
            "ids",
            format!("ids {ida} on {} and {idb} on {}", first.name, second.name),
            s,
        );
    }
}

/// Hand-written documents for corners the mutants may miss.
fn corner_cases(out: &mut Vec<Case>) {
    let ns = format!("xmlns=\"{NS_2_3}\"");
    let xsi = format!("xmlns:xsi=\"{XSI}\"");
    let p = |inner: &str| format!("<periode {ns}>\n{inner}\n</periode>\n");
    let docs = [
        p("<debut>20200101</debut>\n<fin>20200101</fin>"),
        p("<fin>20200101</fin>"),
        p("<debut>20200101</debut>"),
        p(""),
        p("<debut>20200101</debut>\n<zz/>\n<fin>20200101</fin>"),
        p("<debut>20200101</debut><extras/><extras>\n<extra/></extras>\n<foo/>"),
        p("<debut>20200101</debut><fin><![CDATA[20200101]]></fin>"),
        p("<debut> 20200101\n</debut><fin>\n2020 0101</fin>"),
        p("<debut>2020<!-- x -->0101</debut><fin>20200101</fin>"),
        format!("<zzz {ns}/>"),
        format!("<nb-places {ns}>+0012</nb-places>"),
        format!("<nb-places {ns}> 12</nb-places>"),
        format!("<ligne {ns}></ligne>"),
        format!("<extras {ns} {xsi}><extra><zz xsi:type='zzz-type'/><yy xsi:nil='true'>r</yy></extra></extras>"),
        format!("<extras {ns} {xsi}><extra><zz xsi:type='ligne-subtype' id='3'>a</zz></extra></extras>"),
        format!("<extras {ns} {xsi} xmlns:xs='http://www.w3.org/2001/XMLSchema'><extra><a xsi:type='xs:anyType'><ligne/></a></extra></extras>"),
        format!("<extras {ns}><extra id='a'><zz id='a'/></extra></extras>"),
        format!("<extras {ns}><extra id='a'><ligne id=' a'>x</ligne></extra></extras>"),
        format!("<periode {ns} {xsi} xmlns:l='{NS_2_3}'\n xsi:type='l:periode-type'><debut>20200101</debut><fin>20200101</fin></periode>"),
        format!("<periode {ns} {xsi} xsi:type=' periode-type '><debut>20200101</debut><fin>20200101</fin></periode>"),
        format!("<periode {ns} {xsi} xsi:type='zz:periode-type'><debut>20200101</debut><fin>20200101</fin></periode>"),
        format!("<lheo {ns}>\n<offres>\n</offres>\n</lheo>"),
        format!("<lheo {ns}\n>\n<offres\n>\n</offres>\n</lheo>"),
    ];
    for (i, xml) in docs.into_iter().enumerate() {
        out.push(Case {
            cat: "corner",
            name: format!("corner #{i}"),
            xml,
        });
    }
    for v in [
        "2023-02-20T10:00:00",
        "2023-02-20T24:00:00",
        "2023-02-20T24:00:01",
        "1900-02-29T00:00:00",
        "-2024-02-29T00:00:00",
        "-2023-02-29T00:00:00",
        "10000-01-01T00:00:00",
        "0000-01-01T00:00:00",
        "2023-01-01T00:00:00+14:01",
        "2023-01-01T00:00:00.5Z",
        "2023-02-20T23:59:60",
    ] {
        out.push(Case {
            cat: "corner",
            name: format!("dateTime {v}"),
            xml: format!("<ligne {ns} horodatage-modification=\"{v}\">x</ligne>"),
        });
    }
    for v in [
        "",
        " ",
        "a:b",
        ":x",
        "#a#b",
        "1a:b",
        "http://host:/",
        "http://[::1]/",
        "http://[::1]x/",
        "a[b",
        "%2g",
        "a%20b",
        "x y",
        "http://a:b:c/",
        "//host",
        "?q",
        "a#b?c",
        "mailto:a@b",
    ] {
        out.push(Case {
            cat: "corner",
            name: format!("anyURI {v:?}"),
            xml: format!("<ligne {ns} uri=\"{v}\">x</ligne>"),
        });
    }
}

/// Keeps at most a budget of mutants per category, evenly spread over the seeds, so the test
/// stays fast in debug builds (`LHEO_ORACLE_FULL=1` keeps them all).
fn sample_by_category(generated: Vec<(&'static str, Case)>, full: bool, out: &mut Vec<Case>) {
    let mut by_cat: Vec<(&'static str, Vec<Case>)> = Vec::new();
    for (cat, case) in generated {
        match by_cat.iter_mut().find(|(c, _)| *c == cat) {
            Some((_, v)) => v.push(case),
            None => by_cat.push((cat, vec![case])),
        }
    }
    for (cat, list) in by_cat {
        let budget = match cat {
            "value" => 900,
            "attribute" | "delete" => 300,
            _ => 180,
        };
        if full || list.len() <= budget {
            out.extend(list);
            continue;
        }
        let n = list.len();
        out.extend(
            list.into_iter()
                .enumerate()
                .filter(|(i, _)| i * budget / n != (i + 1) * budget / n)
                .map(|(_, c)| c),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Running xmllint.

/// Verdict and error lines per file.
#[derive(Debug, Default, Clone)]
struct Oracle {
    valid: bool,
    lines: Vec<u32>,
}

fn run_xmllint(xsd: &Path, files: &[PathBuf]) -> Result<Vec<Oracle>, String> {
    let mut results = Vec::with_capacity(files.len());
    for chunk in files.chunks(400) {
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(xsd)
            .args(chunk)
            .output()
            .map_err(|e| format!("xmllint: {e}"))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut by_file: HashMap<&str, Oracle> = HashMap::new();
        for line in stderr.lines() {
            if let Some(f) = line.strip_suffix(" validates") {
                by_file.entry(f).or_default().valid = true;
            } else if line.strip_suffix(" fails to validate").is_some() {
                // Invalid is the default.
            } else if line.contains("Schemas validity error") || line.contains("parser error") {
                let mut parts = line.splitn(3, ':');
                if let (Some(f), Some(l)) = (parts.next(), parts.next()) {
                    if let Ok(n) = l.trim().parse() {
                        by_file.entry(f).or_default().lines.push(n);
                    }
                }
            }
        }
        for f in chunk {
            let key = f.to_string_lossy();
            results.push(by_file.get(key.as_ref()).cloned().unwrap_or_default());
        }
    }
    Ok(results)
}

/// Verdicts of Python's xmlschema for `files`, when it is importable.
fn run_xmlschema(xsd: &Path, files: &[PathBuf]) -> Option<Vec<bool>> {
    let script = r#"
import sys, xmlschema
s = xmlschema.XMLSchema(sys.argv[1])
for f in sys.argv[2:]:
    try:
        ok = s.is_valid(f)
    except Exception:
        ok = False
    print('1' if ok else '0')
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(xsd)
        .args(files)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let v: Vec<bool> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim() == "1")
        .collect();
    (v.len() == files.len()).then_some(v)
}

/// Every case the oracle compares: the seeds from `real` (the real corpus) and the generated
/// ones as they are, a sample of their mutants, the invalid real feeds and the hand-written
/// corners. `Err` names a missing seed.
fn build_cases(real: &Path) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut generated = Vec::new();
    for seed in SEEDS {
        let Ok(text) = std::fs::read_to_string(real.join(seed)) else {
            return Err(format!("{seed} missing"));
        };
        let text = text.replace(NS_2_2, NS_2_3);
        cases.push(Case {
            cat: "seed",
            name: format!("{seed}: as is"),
            xml: text.clone(),
        });
        mutants(seed, &text, &mut generated);
    }
    let seeds = generated_seeds();
    eprintln!(
        "generated seeds: {} ({} bytes)",
        seeds.len(),
        seeds.iter().map(|(_, x)| x.len()).sum::<usize>()
    );
    for (name, xml) in seeds {
        cases.push(Case {
            cat: "seed",
            name: format!("{name}: as is"),
            xml: xml.clone(),
        });
        mutants(&name, &xml, &mut generated);
    }
    for f in INVALID_REAL {
        let Ok(text) = std::fs::read_to_string(real.join(f)) else {
            return Err(format!("{f} missing"));
        };
        cases.push(Case {
            cat: "seed",
            name: format!("{f}: as is"),
            xml: text.replace(NS_2_2, NS_2_3),
        });
    }
    let full = std::env::var_os("LHEO_ORACLE_FULL").is_some();
    sample_by_category(generated, full, &mut cases);
    corner_cases(&mut cases);
    Ok(cases)
}

#[test]
fn verdicts_equal_xmllint() {
    let shared = shared_dir();
    let xsd = shared.join("lheo/lheo-2.3.xsd");
    let real = shared.join("corpus/real");
    if !xsd.is_file() || !real.is_dir() {
        return skip(&format!("{} not found", shared.display()));
    }
    if Command::new("xmllint").arg("--version").output().is_err() {
        return skip("xmllint not installed");
    }

    let cases = match build_cases(&real) {
        Ok(c) => c,
        Err(e) => return skip(&e),
    };

    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = dir.path().join(format!("m{i:05}.xml"));
            std::fs::write(&p, &c.xml).expect("write mutant");
            p
        })
        .collect();
    let t0 = std::time::Instant::now();
    let oracle = match run_xmllint(&xsd, &files) {
        Ok(o) => o,
        Err(e) => return skip(&e),
    };

    let t_xmllint = t0.elapsed();
    let t0 = std::time::Instant::now();
    let mut disagreements = Vec::new();
    let mut line_mismatches = Vec::new();
    let mut cascades = Vec::new();
    for (case, o) in cases.iter().zip(&oracle) {
        let seed = case.name.ends_with(": as is")
            && !INVALID_REAL.iter().any(|f| case.name.starts_with(f));
        assert!(
            !seed || o.valid,
            "seed not valid for xmllint: {}",
            case.name
        );
    }
    let (mut n_valid, mut n_single, mut n_mutants) = (0, 0, 0);
    for (i, (case, o)) in cases.iter().zip(&oracle).enumerate() {
        let report = validate(case.xml.as_bytes(), &ValidateOptions::new(Profile::Xsd));
        let ours = report.is_valid();
        n_valid += usize::from(o.valid);
        if ours != o.valid {
            let first = report
                .diagnostics
                .iter()
                .find(|d| d.severity == lheo::Severity::Error)
                .map(|d| d.to_string())
                .unwrap_or_default();
            disagreements.push(format!(
                "m{i:05} {}: xmllint {} (lines {:?}), ours {} {first}",
                case.name,
                if o.valid { "valid" } else { "invalid" },
                o.lines,
                if ours { "valid" } else { "invalid" },
            ));
            continue;
        }
        // One mutation is one mistake: no more errors than xmllint (which says at least one
        // when it says invalid).
        if case.cat != "seed" && case.cat != "corner" {
            n_mutants += 1;
            let ours_errors = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == lheo::Severity::Error)
                .count();
            let theirs = if o.valid { 0 } else { o.lines.len().max(1) };
            if ours_errors > theirs {
                let ours: Vec<String> = report
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == lheo::Severity::Error)
                    .map(|d| format!("      {d}"))
                    .collect();
                cascades.push(format!(
                    "m{i:05} {}: xmllint {theirs} (lines {:?}), ours {ours_errors}:\n{}",
                    case.name,
                    o.lines,
                    ours.join("\n")
                ));
            }
        }
        if !o.valid && o.lines.len() == 1 {
            n_single += 1;
            let ours_line = report
                .diagnostics
                .iter()
                .find(|d| d.severity == lheo::Severity::Error)
                .and_then(|d| d.line());
            if ours_line != Some(o.lines[0]) {
                let first = report
                    .diagnostics
                    .iter()
                    .find(|d| d.severity == lheo::Severity::Error)
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                line_mismatches.push(format!(
                    "m{i:05} {}: xmllint line {}, ours {first}",
                    case.name, o.lines[0]
                ));
            }
        }
    }

    let t_ours = t0.elapsed();
    eprintln!("timing: xmllint {t_xmllint:?}, ours {t_ours:?}");

    // Optional second oracle on a sample.
    let sample: Vec<usize> = (0..cases.len()).step_by(40).collect();
    let sample_files: Vec<PathBuf> = sample.iter().map(|&i| files[i].clone()).collect();
    if let Some(v) = run_xmlschema(&xsd, &sample_files) {
        let differ: Vec<String> = sample
            .iter()
            .zip(&v)
            .filter(|(&i, &ok)| ok != oracle[i].valid)
            .map(|(&i, &ok)| {
                format!(
                    "m{i:05} {}: xmlschema {ok}, xmllint {}",
                    cases[i].name, oracle[i].valid
                )
            })
            .collect();
        eprintln!(
            "xmlschema cross-check: {} sampled, {} where xmlschema and xmllint differ",
            sample.len(),
            differ.len()
        );
        for d in differ.iter().take(20) {
            eprintln!("  {d}");
        }
    }

    let mut by_cat: Vec<(&str, usize)> = Vec::new();
    for c in &cases {
        match by_cat.iter_mut().find(|(k, _)| *k == c.cat) {
            Some((_, n)) => *n += 1,
            None => by_cat.push((c.cat, 1)),
        }
    }
    let by_cat: Vec<String> = by_cat.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!("cases by kind: {}", by_cat.join(", "));
    eprintln!(
        "xsd_oracle: {} cases ({} valid, {} invalid), {} verdicts agree; {} single-error cases, {} on the same line",
        cases.len(),
        n_valid,
        cases.len() - n_valid,
        cases.len() - disagreements.len(),
        n_single,
        n_single - line_mismatches.len()
    );
    eprintln!(
        "xsd_oracle: {n_mutants} single-mistake mutants, {} with more errors than xmllint",
        cascades.len()
    );
    if std::env::var_os("LHEO_KEEP_MUTANTS").is_some() {
        let kept = dir.keep();
        eprintln!("mutants kept in {}", kept.display());
    }
    if !disagreements.is_empty() || !line_mismatches.is_empty() || !cascades.is_empty() {
        for d in disagreements.iter().take(40) {
            eprintln!("VERDICT {d}");
        }
        for d in line_mismatches.iter().take(40) {
            eprintln!("LINE {d}");
        }
        for d in cascades.iter().take(40) {
            eprintln!("CASCADE {d}");
        }
        panic!(
            "{} verdict disagreements, {} line mismatches, {} mutants with more errors than xmllint",
            disagreements.len(),
            line_mismatches.len(),
            cascades.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Validation on worker threads.

/// Every case of the oracle, validated with each profile on worker threads (chunks of one
/// record, and of about 700 bytes), gives the single-pass report. Needs only `../shared`.
///
/// Subsampled to stay near a minute in debug builds (every case with every profile took about
/// three on a busy two-core machine): the small cases (under 4 KB: the corners, most generated
/// seeds and their mutants) are compared with every profile, the larger ones (mutants of the
/// real feeds, most of the bytes) with one profile in turn, so each profile sees an evenly
/// spread third of them. `LHEO_ORACLE_FULL=1` compares every case with every profile (and
/// keeps every mutant).
#[test]
fn parallel_reports_equal_single_pass() {
    let real = shared_dir().join("corpus/real");
    if !real.is_dir() {
        return skip(&format!("{} not found", real.display()));
    }
    let cases = match build_cases(&real) {
        Ok(c) => c,
        Err(e) => return skip(&e),
    };
    let out_dir = Path::new("/tmp/lheo-parallel-mismatch");
    let _ = std::fs::remove_dir_all(out_dir);
    let options = |profile: Profile, threads: usize, chunk_bytes: usize| {
        ValidateOptions::new(profile)
            .with_today(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"))
            .with_threads(threads)
            .with_chunk_bytes(chunk_bytes)
    };
    let t0 = std::time::Instant::now();
    let mut mismatches = Vec::new();
    let full = std::env::var_os("LHEO_ORACLE_FULL").is_some();
    let mut compared = 0;
    for (i, case) in cases.iter().enumerate() {
        let xml = case.xml.as_bytes();
        let every_profile = full || xml.len() < 4_000;
        let profiles = [Profile::Xsd, Profile::Lheo, Profile::FranceTravail];
        for (k, profile) in profiles.into_iter().enumerate() {
            if !every_profile && (i + k) % 3 != 0 {
                continue;
            }
            let one = support::render_report(&validate(xml, &options(profile, 1, 1 << 20)));
            for chunk in [1, 700] {
                compared += 1;
                let many = support::render_report(&validate(xml, &options(profile, 2, chunk)));
                if one == many {
                    continue;
                }
                std::fs::create_dir_all(out_dir).expect("mismatch dir");
                let file = out_dir.join(format!("c{i:05}.xml"));
                std::fs::write(&file, xml).expect("write mismatch");
                let text = format!(
                    "{}, {profile:?}, 2 threads, chunks of {chunk} bytes\n--- one pass\n{one}--- threads\n{many}",
                    case.name
                );
                let report = out_dir.join(format!("c{i:05}-{profile:?}-{chunk}.txt"));
                std::fs::write(&report, &text).expect("write mismatch report");
                mismatches.push(format!("{} ({})\n{text}", file.display(), report.display()));
            }
        }
    }
    eprintln!(
        "parallel: {} cases, {compared} comparisons in {:?}, {} mismatches",
        cases.len(),
        t0.elapsed(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} reports on worker threads differ from the single pass (documents in {}); the first 5:\n\n{}",
        mismatches.len(),
        out_dir.display(),
        mismatches
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
