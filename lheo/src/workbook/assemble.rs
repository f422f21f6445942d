//! Import: rows become an LHEO 2.3 document, written as XML with one start tag per line, and
//! a map from each line back to the cell it came from, so that every finding of the checker
//! and of the rules can be shown at `sheet!cell`.

use std::io;

use super::layout::{self, Step};
use crate::diagnostic::Location;
use crate::schema::{self, Content, ElementId};
use crate::writer::xml::{escape_attr, escape_text};

/// An element being assembled.
#[derive(Debug, Clone)]
pub struct Element {
    /// Its declaration.
    pub element: ElementId,
    /// Its 1-based rank among same-named siblings (ordering).
    pub index: u32,
    /// Attributes, in the order set.
    pub attrs: Vec<(&'static str, String)>,
    /// Text (simple content).
    pub text: Option<String>,
    /// Child elements.
    pub children: Vec<Element>,
    /// Its `extras`, as XML text, with where each comes from.
    pub extras: Vec<(String, Location)>,
    /// Where it comes from.
    pub origin: Location,
    /// For the elements of a row: how to find the cell of a missing required child (the
    /// sheet, the row and the path below the row's entity).
    pub row: Option<RowRef>,
}

/// The row an element belongs to, and its path below the row's entity.
#[derive(Debug, Clone)]
pub struct RowRef {
    /// Sheet name.
    pub sheet: String,
    /// 0-based row.
    pub row: u32,
    /// Steps from the row's entity.
    pub steps: Vec<Step>,
}

impl Element {
    /// An empty element.
    pub fn new(element: ElementId, index: u32, origin: Location, row: Option<RowRef>) -> Self {
        Element {
            element,
            index,
            attrs: Vec::new(),
            text: None,
            children: Vec::new(),
            extras: Vec::new(),
            origin,
            row,
        }
    }

    /// The descendant at `steps`, created (with `origin`) where missing.
    pub fn at(&mut self, steps: &[Step], origin: &Location) -> &mut Element {
        let mut node = self;
        for s in steps {
            let pos = node
                .children
                .iter()
                .position(|e| e.element == s.element && e.index == s.index);
            let pos = match pos {
                Some(p) => p,
                None => {
                    let row = node.row.as_ref().map(|r| {
                        let mut steps = r.steps.clone();
                        steps.push(*s);
                        RowRef {
                            sheet: r.sheet.clone(),
                            row: r.row,
                            steps,
                        }
                    });
                    node.children
                        .push(Element::new(s.element, s.index, origin.clone(), row));
                    node.children.len() - 1
                }
            };
            node = &mut node.children[pos];
        }
        node
    }

    /// Adds a child entity (a row of a child sheet) below the containers of `via`.
    pub fn add_entity(&mut self, via: &[ElementId], mut child: Element) {
        let containers: Vec<Step> = via[..via.len().saturating_sub(1)]
            .iter()
            .map(|&e| Step {
                element: e,
                index: 1,
            })
            .collect();
        let origin = self.origin.clone();
        let parent = self.at(&containers, &origin);
        let count = parent
            .children
            .iter()
            .filter(|e| e.element == child.element)
            .count();
        child.index = count as u32 + 1;
        parent.children.push(child);
    }
}

/// Lines of the assembled XML → cells.
#[derive(Debug, Clone, Default)]
pub struct LineMap {
    starts: Vec<(u32, Location)>,
}

impl LineMap {
    /// The cell a line of the XML comes from.
    pub fn locate(&self, line: u32) -> Option<&Location> {
        let i = self.starts.partition_point(|(l, _)| *l <= line);
        i.checked_sub(1).map(|i| &self.starts[i].1)
    }
}

/// Finds the cell of a column in a row, when the workbook has that column.
pub trait CellFinder {
    /// The cell of `steps` (below the entity of `sheet`) in row `row`.
    fn cell(&self, sheet: &str, row: u32, steps: &[Step]) -> Option<String>;
}

/// The XML writer that counts lines.
struct Out<'a> {
    xml: Vec<u8>,
    line: u32,
    map: LineMap,
    finder: &'a dyn CellFinder,
}

impl Out<'_> {
    fn mark(&mut self, origin: &Location) {
        if self.map.starts.last().map(|(_, o)| o) != Some(origin) {
            self.map.starts.push((self.line, origin.clone()));
        }
    }

    fn push(&mut self, s: &[u8]) {
        self.line += s.iter().filter(|b| **b == b'\n').count() as u32;
        self.xml.extend_from_slice(s);
    }

    fn escaped(&mut self, s: &str, attr: bool) -> io::Result<()> {
        let mut buf = Vec::with_capacity(s.len());
        if attr {
            escape_attr(s, &mut buf)?;
        } else {
            escape_text(s, &mut buf)?;
        }
        self.push(&buf);
        Ok(())
    }
}

/// Writes `root` as an LHEO 2.3 document. Returns the XML and the line map.
pub fn to_xml(root: &mut Element, finder: &dyn CellFinder) -> io::Result<(Vec<u8>, LineMap)> {
    let mut out = Out {
        xml: Vec::new(),
        line: 1,
        map: LineMap::default(),
        finder,
    };
    out.push(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    complete(root, out.finder);
    element(&mut out, root, true)?;
    Ok((out.xml, out.map))
}

/// Adds the required children an element lacks (empty: the checker then says what to fill,
/// at the cell to fill), recursively, and orders children as the schema does.
fn complete(e: &mut Element, finder: &dyn CellFinder) {
    let Content::Sequence(particles) = schema::element(e.element).content else {
        return;
    };
    for p in particles {
        if p.element == schema::id::EXTRAS || layout::is_entity(p) {
            continue;
        }
        for index in 1..=p.min {
            let exists = e
                .children
                .iter()
                .any(|x| x.element == p.element && x.index == index);
            if !exists {
                let step = Step {
                    element: p.element,
                    index,
                };
                let origin = e
                    .row
                    .as_ref()
                    .and_then(|r| {
                        let mut steps = r.steps.clone();
                        steps.push(step);
                        finder
                            .cell(&r.sheet, r.row, &steps)
                            .map(|cell| Location::Cell {
                                sheet: r.sheet.clone(),
                                cell,
                            })
                    })
                    .unwrap_or_else(|| e.origin.clone());
                let origin_for = origin.clone();
                let child = e.at(&[step], &origin_for);
                child.origin = origin;
            }
        }
    }
    let element = e.element;
    e.children.sort_by_key(|x| {
        (
            layout::particle(element, x.element).map_or(usize::MAX, |(i, _)| i),
            x.index,
        )
    });
    for x in &mut e.children {
        complete(x, finder);
    }
}

fn element(out: &mut Out<'_>, e: &Element, root: bool) -> io::Result<()> {
    let name = schema::element(e.element).name;
    out.mark(&e.origin);
    out.push(b"<");
    out.push(name.as_bytes());
    if root {
        out.push(format!(" xmlns=\"{}\"", schema::NAMESPACE_2_3).as_bytes());
    }
    for (a, v) in &e.attrs {
        out.push(b" ");
        out.push(a.as_bytes());
        out.push(b"=\"");
        out.escaped(v, true)?;
        out.push(b"\"");
    }
    if let Some(t) = &e.text {
        out.push(b">");
        out.escaped(t, false)?;
    } else if e.children.is_empty() && e.extras.is_empty() {
        if layout::is_complex(e.element) {
            out.push(b"/>\n");
        } else {
            out.push(format!("></{name}>\n").as_bytes());
        }
        return Ok(());
    } else {
        out.push(b">\n");
        let extras_at =
            layout::particle(e.element, schema::id::EXTRAS).map_or(usize::MAX, |(i, _)| i);
        let mut extras_written = false;
        for x in &e.children {
            let pos = layout::particle(e.element, x.element).map_or(usize::MAX, |(i, _)| i);
            if !extras_written && pos > extras_at {
                raw(out, &e.extras);
                extras_written = true;
            }
            element(out, x, false)?;
        }
        if !extras_written {
            raw(out, &e.extras);
        }
    }
    out.push(format!("</{name}>\n").as_bytes());
    Ok(())
}

fn raw(out: &mut Out<'_>, extras: &[(String, Location)]) {
    for (xml, origin) in extras {
        out.mark(origin);
        out.push(xml.as_bytes());
        out.push(b"\n");
    }
}
