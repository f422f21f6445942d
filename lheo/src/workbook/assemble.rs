//! Import: rows become an LHEO 2.3 document, written as XML with one start tag per line, and
//! a map from each line back to the cell it came from, so that every finding of the checker
//! and of the rules can be shown at `sheet!cell`.
//!
//! Elements carry compact origins (sheet number, row, column) rather than names: a workbook
//! of thousands of formations becomes a tree of millions of elements.

use std::io;

use super::layout::{self, Step};
use super::writer::cell_ref;
use crate::diagnostic::Location;
use crate::schema::{self, Content, ElementId};
use crate::writer::xml::{escape_attr, escape_text};

/// A cell of the workbook: sheet number (in the workbook's order), 0-based row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Sheet number; [`Origin::NONE`] for nowhere.
    pub sheet: u16,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u16,
}

impl Origin {
    /// Nowhere (a document without a row of its own).
    pub const NONE: Origin = Origin {
        sheet: u16::MAX,
        row: 0,
        col: 0,
    };

    /// The cell in `row`, at column `col`.
    pub fn new(sheet: usize, row: u32, col: usize) -> Origin {
        Origin {
            sheet: u16::try_from(sheet).unwrap_or(u16::MAX),
            row,
            col: u16::try_from(col).unwrap_or(u16::MAX),
        }
    }

    /// The location, with the sheet names of the workbook.
    pub fn location(&self, names: &[String]) -> Location {
        match names.get(usize::from(self.sheet)) {
            Some(sheet) => Location::Cell {
                sheet: sheet.clone(),
                cell: cell_ref(self.row, usize::from(self.col)),
            },
            None => Location::None,
        }
    }
}

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
    pub extras: Vec<(String, Origin)>,
    /// Where it comes from.
    pub origin: Origin,
    /// The row it belongs to (sheet number, row), to find the cell of a missing required
    /// child.
    pub row: Option<(u16, u32)>,
    /// Records built only when written (one at a time: memory holds one record's tree):
    /// their element and (sheet, row) for the builder given to [`to_xml`].
    pub lazy: Vec<(ElementId, usize, usize)>,
    /// A required child added because nothing filled it: `Some(true)` when its column is in
    /// the sheet (the cell is empty), `Some(false)` when the column is missing.
    pub required: Option<bool>,
}

impl Element {
    /// An empty element.
    pub fn new(element: ElementId, index: u32, origin: Origin, row: Option<(u16, u32)>) -> Self {
        Element {
            element,
            index,
            attrs: Vec::new(),
            text: None,
            children: Vec::new(),
            extras: Vec::new(),
            origin,
            row,
            lazy: Vec::new(),
            required: None,
        }
    }

    /// The descendant at `steps`, created (with `origin`) where missing.
    pub fn at(&mut self, steps: &[Step], origin: Origin) -> &mut Element {
        let mut node = self;
        for s in steps {
            let pos = node
                .children
                .iter()
                .position(|e| e.element == s.element && e.index == s.index);
            let pos = match pos {
                Some(p) => p,
                None => {
                    let row = node.row;
                    node.children
                        .push(Element::new(s.element, s.index, origin, row));
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
        let origin = self.origin;
        let parent = self.at(&containers, origin);
        let count = parent
            .children
            .iter()
            .filter(|e| e.element == child.element)
            .count();
        child.index = count as u32 + 1;
        parent.children.push(child);
    }
}

impl Element {
    /// Adds a record (a row of a sheet directly below the document's) to be built when
    /// written, below the containers of `via`.
    pub fn add_lazy(&mut self, via: &[ElementId], sheet: usize, row: usize) {
        let Some((&element, containers)) = via.split_last() else {
            return;
        };
        let steps: Vec<Step> = containers
            .iter()
            .map(|&e| Step {
                element: e,
                index: 1,
            })
            .collect();
        let origin = self.origin;
        self.at(&steps, origin).lazy.push((element, sheet, row));
    }
}

/// Builds a record from its (sheet, row).
pub type RecordBuilder<'a> = &'a dyn Fn(usize, usize) -> Element;

/// Lines of the assembled XML → cells.
#[derive(Debug, Clone, Default)]
pub struct LineMap {
    starts: Vec<(u32, Origin)>,
    names: Vec<String>,
    /// Lines of required simple elements that nothing filled (added so that the checker
    /// finds them at their cell), in order, and whether their column is in the sheet.
    empty: Vec<(u32, bool, &'static str)>,
}

impl LineMap {
    /// The cell a line of the XML comes from.
    pub fn locate(&self, line: u32) -> Option<Location> {
        let i = self.starts.partition_point(|(l, _)| *l <= line);
        i.checked_sub(1)
            .map(|i| self.starts[i].1.location(&self.names))
    }

    /// Whether `line` holds a required value that nothing filled: its element's name, and
    /// `true` when its cell is empty, `false` when its column is missing.
    pub fn empty_required(&self, line: u32) -> Option<(&'static str, bool)> {
        self.empty
            .binary_search_by_key(&line, |(l, _, _)| *l)
            .ok()
            .map(|i| (self.empty[i].2, self.empty[i].1))
    }
}

/// Finds the column of a value in a sheet, when the workbook has that column.
pub trait CellFinder {
    /// The column of `steps` (below the entity of sheet number `sheet`).
    fn column(&self, sheet: u16, steps: &[Step]) -> Option<usize>;
}

/// The XML writer that counts lines.
struct Out<'a> {
    xml: Vec<u8>,
    line: u32,
    starts: Vec<(u32, Origin)>,
    empty: Vec<(u32, bool, &'static str)>,
    finder: &'a dyn CellFinder,
    records: RecordBuilder<'a>,
}

impl Out<'_> {
    fn mark(&mut self, origin: Origin) {
        if self.starts.last().map(|(_, o)| *o) != Some(origin) {
            self.starts.push((self.line, origin));
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

/// Writes `root` as an LHEO 2.3 document, the tree consumed as it goes. `names` are the
/// workbook's sheet names (for the line map). Returns the XML and the line map.
pub fn to_xml(
    root: Element,
    finder: &dyn CellFinder,
    names: Vec<String>,
    records: RecordBuilder<'_>,
) -> io::Result<(Vec<u8>, LineMap)> {
    let mut out = Out {
        xml: Vec::new(),
        line: 1,
        starts: Vec::new(),
        empty: Vec::new(),
        finder,
        records,
    };
    out.push(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    element(&mut out, root, true, &mut Vec::new())?;
    Ok((
        out.xml,
        LineMap {
            starts: out.starts,
            names,
            empty: out.empty,
        },
    ))
}

/// Adds the required children an element lacks (empty: the checker then says what to fill,
/// at the cell to fill) and orders children as the schema does. `steps` is the path of `e`
/// below its row's entity.
fn complete(e: &mut Element, finder: &dyn CellFinder, steps: &mut Vec<Step>) {
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
                let cell = e.row.and_then(|(sheet, row)| {
                    steps.push(step);
                    let col = finder.column(sheet, steps);
                    steps.pop();
                    col.map(|c| Origin::new(usize::from(sheet), row, c))
                });
                let origin = cell.unwrap_or(e.origin);
                e.at(&[step], origin).required = Some(cell.is_some());
            }
        }
    }
    let element = e.element;
    e.children.sort_by_key(|x| {
        (
            schema::particle(element, x.element).map_or(usize::MAX, |(i, _)| i),
            x.index,
        )
    });
}

fn element(out: &mut Out<'_>, mut e: Element, root: bool, steps: &mut Vec<Step>) -> io::Result<()> {
    complete(&mut e, out.finder, steps);
    let name = schema::element(e.element).name;
    out.mark(e.origin);
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
    } else if e.children.is_empty() && e.extras.is_empty() && e.lazy.is_empty() {
        if layout::is_complex(e.element) {
            out.push(b"/>\n");
        } else {
            if let Some(column) = e.required {
                out.empty.push((out.line, column, name));
            }
            out.push(format!("></{name}>\n").as_bytes());
        }
        return Ok(());
    } else {
        out.push(b">\n");
        let at = |x: ElementId| schema::particle(e.element, x).map_or(usize::MAX, |(i, _)| i);
        let extras_at = at(schema::id::EXTRAS);
        let lazy_at = e.lazy.first().map_or(usize::MAX, |(x, _, _)| at(*x));
        let extras = std::mem::take(&mut e.extras);
        let lazy = std::mem::take(&mut e.lazy);
        let (mut extras_done, mut lazy_done) = (extras.is_empty(), lazy.is_empty());
        let children = std::mem::take(&mut e.children);
        let row = e.row;
        let mut pending = |out: &mut Out<'_>, before: usize| -> io::Result<()> {
            let mut blocks = [(extras_at, 0), (lazy_at, 1)];
            blocks.sort();
            for (pos, which) in blocks {
                if pos >= before {
                    continue;
                }
                if which == 0 && !extras_done {
                    raw(out, &extras);
                    extras_done = true;
                } else if which == 1 && !lazy_done {
                    for (k, &(_, sheet, r)) in lazy.iter().enumerate() {
                        let mut record = (out.records)(sheet, r);
                        record.index = k as u32 + 1;
                        element(out, record, false, &mut Vec::new())?;
                    }
                    lazy_done = true;
                }
            }
            Ok(())
        };
        for x in children {
            pending(out, at(x.element))?;
            if x.row == row {
                steps.push(Step {
                    element: x.element,
                    index: x.index,
                });
                element(out, x, false, steps)?;
                steps.pop();
            } else {
                // Another row's entity: its paths start again from it.
                element(out, x, false, &mut Vec::new())?;
            }
        }
        pending(out, usize::MAX)?;
        if !extras_done {
            raw(out, &extras);
        }
    }
    out.push(format!("</{name}>\n").as_bytes());
    Ok(())
}

fn raw(out: &mut Out<'_>, extras: &[(String, Origin)]) {
    for (xml, origin) in extras {
        out.mark(*origin);
        out.push(xml.as_bytes());
        out.push(b"\n");
    }
}
