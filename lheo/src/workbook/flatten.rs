//! Export: an element (a record, or the document's envelope) becomes rows.
//!
//! The element is read through the reader's view ([`NodeView`]): a tree's [`Node`] or a
//! record's capture read in place. Every element, attribute and `extras` of the input is
//! there, so nothing is lost on the way; anything the layout cannot place (an element the
//! schema does not allow there, text in element-only content, an unknown attribute) is an
//! error rather than a silent drop.

use super::cells::{export_value, CellValue};
use super::layout::{self, ColumnKind, Layout, Step, Target};
use crate::model::Extras;
use crate::reader::tree::Node;
use crate::reader::{FromView, NodeView, ViewChild};
use crate::schema::{self, Content, ElementId};
use crate::writer::{WriteXml, XmlWriter};
use crate::xml::events::XSI_NS_URI;

/// A row of an entity sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// Index of the sheet in the layout.
    pub sheet: usize,
    /// `(column index, value)`, keys included.
    pub cells: Vec<(usize, CellValue<'a>)>,
}

/// A row of the `attributs` or `extras` sheet: sheet, key, path, value.
pub type SideRow = [String; 4];

/// The rows of one record, their text borrowed from it where it can be.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Flat<'a> {
    /// Entity rows (children before their parent).
    pub rows: Vec<Row<'a>>,
    /// Rows of the `attributs` sheet.
    pub attributs: Vec<SideRow>,
    /// Rows of the `extras` sheet.
    pub extras: Vec<SideRow>,
}

/// Something the layout cannot place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ligne {line} : {what}")]
pub struct Unfit {
    /// Line of the element in the input.
    pub line: u32,
    /// What does not fit, in French.
    pub what: String,
}

/// Column indexes of a sheet, by target.
type Columns = foldhash::HashMap<Target, usize>;

/// Flattens records into rows for one layout.
pub struct Flattener {
    layout: &'static Layout,
    columns: Vec<Columns>,
    key_column: Vec<Option<usize>>,
    parent_key_column: Vec<Option<usize>>,
    children: foldhash::HashMap<(usize, Vec<ElementId>), usize>,
}

impl Flattener {
    /// A flattener for `layout`.
    pub fn new(layout: &'static Layout) -> Self {
        let mut columns = Vec::new();
        let mut key_column = Vec::new();
        let mut parent_key_column = Vec::new();
        for s in &layout.sheets {
            let mut map = Columns::default();
            let (mut key, mut parent) = (None, None);
            for (i, c) in s.columns.iter().enumerate() {
                match &c.kind {
                    ColumnKind::Key => key = Some(i),
                    ColumnKind::ParentKey => parent = Some(i),
                    ColumnKind::Value(t) | ColumnKind::Attribute(t) => {
                        map.insert(t.clone(), i);
                    }
                }
            }
            columns.push(map);
            key_column.push(key);
            parent_key_column.push(parent);
        }
        let children = layout
            .sheets
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.parent.map(|p| ((p, s.via.clone()), i)))
            .collect();
        Flattener {
            layout,
            columns,
            key_column,
            parent_key_column,
            children,
        }
    }

    /// The layout.
    pub fn layout(&self) -> &'static Layout {
        self.layout
    }

    /// The sheet of a record element directly below the root sheet.
    pub fn record_sheet(&self, element: ElementId) -> Option<usize> {
        (0..self.layout.sheets.len()).find(|&i| {
            self.layout.sheets[i].parent == Some(0) && self.layout.sheets[i].element == element
        })
    }

    /// Flattens the root element (the envelope: the document without its records).
    pub fn root<'a>(&self, node: &'a Node) -> Result<Flat<'a>, Unfit> {
        let mut flat = Flat::default();
        self.entity(0, node, String::new(), String::new(), &mut flat)?;
        Ok(flat)
    }

    /// Flattens record number `number` (1-based) of `sheet`.
    pub fn record<'a, N: NodeView<'a>>(
        &self,
        sheet: usize,
        number: u64,
        node: N,
    ) -> Result<Flat<'a>, Unfit> {
        let mut flat = Flat::default();
        self.entity(sheet, node, number.to_string(), String::new(), &mut flat)?;
        Ok(flat)
    }

    fn entity<'a, N: NodeView<'a>>(
        &self,
        sheet: usize,
        node: N,
        key: String,
        parent_key: String,
        flat: &mut Flat<'a>,
    ) -> Result<(), Unfit> {
        let mut row = Row {
            sheet,
            cells: Vec::new(),
        };
        if let Some(c) = self.key_column[sheet] {
            row.cells.push((c, CellValue::Text(key.clone().into())));
        }
        if let Some(c) = self.parent_key_column[sheet] {
            row.cells.push((c, CellValue::Text(parent_key.into())));
        }
        let mut ctx = Context {
            sheet,
            sheet_name: &self.layout.sheets[sheet].name,
            key: &key,
            row: &mut row,
            flat,
            target: Target {
                steps: Vec::new(),
                attribute: None,
            },
        };
        let element = self.layout.sheets[sheet].element;
        self.attributes(&mut ctx, node, element, &[])?;
        if let Content::Simple(st) = schema::element(element).content {
            let text = node.text();
            if let Some(&c) = self.columns[sheet].get(ctx.target_at(&[], None)) {
                if !text.is_empty() {
                    ctx.row.cells.push((c, export_value(st, text)));
                }
            }
            if let Some(child) = node.elements().next() {
                return Err(unfit(child, "élément dans un élément de contenu simple"));
            }
        } else {
            let mut prefix = Vec::new();
            self.children(&mut ctx, node, element, &mut prefix)?;
        }
        flat.rows.push(row);
        Ok(())
    }

    /// The attributes of `node` (at `steps` below the entity): columns, or `attributs` rows.
    fn attributes<'a, N: NodeView<'a>>(
        &self,
        ctx: &mut Context<'_, 'a>,
        node: N,
        element: ElementId,
        steps: &[Step],
    ) -> Result<bool, Unfit> {
        let mut any = false;
        for a in node.xml_attributes() {
            if a.namespace == Some(XSI_NS_URI) {
                continue; // xsi:schemaLocation: the model does not keep it either
            }
            let name = match (
                a.namespace,
                layout::attributes_of(element).find(|n| *n == a.local),
            ) {
                (None, Some(n)) => n,
                _ => {
                    return Err(unfit(
                        node,
                        &format!(
                            "attribut « {} » non admis sur « {} »",
                            a.local,
                            node.local()
                        ),
                    ))
                }
            };
            let sheet = ctx.sheet;
            let target = ctx.target_at(steps, Some(name));
            match self.columns[sheet].get(target).copied() {
                // An empty value would be an empty cell, which means "no attribute".
                Some(c) if !a.value.is_empty() => {
                    ctx.row.cells.push((c, CellValue::Text(a.value.into())))
                }
                _ => {
                    let path = target.to_path(self.layout.sheets[sheet].element);
                    ctx.side_attribute(path, a.value.to_owned());
                }
            }
            any = true;
        }
        Ok(any)
    }

    /// The children of `node` (an element of complex content at `prefix`). Returns `true`
    /// when anything was written for them.
    fn children<'a, N: NodeView<'a>>(
        &self,
        ctx: &mut Context<'_, 'a>,
        node: N,
        element: ElementId,
        prefix: &mut Vec<Step>,
    ) -> Result<bool, Unfit> {
        let entity = self.layout.sheets[ctx.sheet].element;
        let mut any = false;
        // Ranks so far, by element: a few elements each, searched in order.
        let mut seen: Vec<(ElementId, u32)> = Vec::new();
        for child in node.children() {
            if child.is_stray_text() {
                return Err(unfit(
                    node,
                    "texte dans un élément qui ne contient que des éléments",
                ));
            }
            let ViewChild::Element(c) = child else {
                continue;
            };
            let Some((id, p)) = c
                .id()
                .and_then(|id| schema::particle(element, id).map(|(_, p)| (id, p)))
            else {
                return Err(unfit(
                    c,
                    &format!(
                        "élément « {} » non admis dans « {} »",
                        c.local(),
                        node.local()
                    ),
                ));
            };
            any = true;
            if id == schema::id::EXTRAS {
                let path = path_of(entity, prefix);
                ctx.side_extras(path, extras_xml(c)?);
                continue;
            }
            let index = match seen.iter_mut().find(|(e, _)| *e == id) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((id, 1));
                    1
                }
            };
            if layout::is_entity(p) {
                let mut via: Vec<ElementId> = prefix.iter().map(|s| s.element).collect();
                via.push(id);
                let Some(&sheet) = self.children.get(&(ctx.sheet, via)) else {
                    return Err(unfit(c, "élément sans feuille"));
                };
                let key = format!("{}.{index}", ctx.key);
                let parent_key = ctx.key.to_owned();
                self.entity(sheet, c, key, parent_key, ctx.flat)?;
                continue;
            }
            if p.max.is_some_and(|m| index > m) {
                return Err(unfit(
                    c,
                    &format!(
                        "« {} » répété plus de {} fois",
                        c.local(),
                        p.max.unwrap_or(1)
                    ),
                ));
            }
            prefix.push(Step { element: id, index });
            let optional = index > p.min;
            let mut written = self.attributes(ctx, c, id, prefix)?;
            match schema::element(id).content {
                Content::Simple(st) => {
                    if let Some(inner) = c.elements().next() {
                        return Err(unfit(inner, "élément dans un élément de contenu simple"));
                    }
                    let mut text = c.text();
                    if super::cells::is_code_like(st) && text.trim().is_empty() {
                        // Spaces alone in a code are no value (import drops them).
                        text = "".into();
                    }
                    if !text.is_empty() {
                        let sheet = ctx.sheet;
                        let target = ctx.target_at(prefix, None);
                        let Some(&col) = self.columns[sheet].get(target) else {
                            return Err(unfit(c, "valeur sans colonne"));
                        };
                        ctx.row.cells.push((col, export_value(st, text)));
                        written = true;
                    }
                }
                _ => {
                    written |= self.children(ctx, c, id, prefix)?;
                }
            }
            if !written && optional {
                // Present but empty: the `attributs` sheet says so, with an empty value.
                ctx.side_attribute(path_of(entity, prefix), String::new());
            }
            prefix.pop();
        }
        Ok(any)
    }
}

/// Where rows go while an entity is flattened (`'c`: the context's borrows, `'a`: the
/// record's).
struct Context<'c, 'a> {
    sheet: usize,
    sheet_name: &'static str,
    key: &'c str,
    row: &'c mut Row<'a>,
    flat: &'c mut Flat<'a>,
    /// The target looked up last (its steps reused from one lookup to the next).
    target: Target,
}

impl Context<'_, '_> {
    /// The target of `attribute` (or of the element) at `steps` below the entity.
    fn target_at(&mut self, steps: &[Step], attribute: Option<&'static str>) -> &Target {
        self.target.steps.clear();
        self.target.steps.extend_from_slice(steps);
        self.target.attribute = attribute;
        &self.target
    }

    fn side_attribute(&mut self, path: String, value: String) {
        let row = [self.sheet_name.to_owned(), self.key.to_owned(), path, value];
        self.flat.attributs.push(row);
    }

    fn side_extras(&mut self, path: String, xml: String) {
        let row = [self.sheet_name.to_owned(), self.key.to_owned(), path, xml];
        self.flat.extras.push(row);
    }
}

/// The path of `steps` below `entity` (empty for the entity itself).
fn path_of(entity: ElementId, steps: &[Step]) -> String {
    if steps.is_empty() {
        return String::new();
    }
    Target {
        steps: steps.to_vec(),
        attribute: None,
    }
    .to_path(entity)
}

fn unfit<'a, N: NodeView<'a>>(node: N, what: &str) -> Unfit {
    Unfit {
        line: node.pos().line,
        what: what.to_owned(),
    }
}

/// An `extras` element as XML text (the LHEO 2.3 namespace implied).
pub fn extras_xml<'a, N: NodeView<'a>>(node: N) -> Result<String, Unfit> {
    let extras = Extras::from_view(node).map_err(|e| unfit(node, e.reason))?;
    let mut out = Vec::new();
    let mut w = XmlWriter::new(&mut out);
    extras
        .write_xml("extras", &mut w)
        .map_err(|e| unfit(node, &format!("extras non exportable : {e}")))?;
    let text = String::from_utf8(out).map_err(|_| unfit(node, "extras non UTF-8"))?;
    let ns = format!(" xmlns=\"{}\"", schema::NAMESPACE_2_3);
    Ok(text.trim_start().replacen(&ns, "", 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenerateOptions, Generator};
    use crate::reader::log::captures;

    /// Each record flattened from its capture read in place gives the rows (or the error)
    /// it gives flattened from its tree; returns how many flattened.
    fn same_rows(input: &str) -> usize {
        let flattener = Flattener::new(Layout::of(schema::id::LHEO));
        let Some(sheet) = flattener.record_sheet(schema::id::FORMATION) else {
            panic!("no formation sheet")
        };
        let logs = captures(input);
        assert!(!logs.is_empty(), "no record in {input}");
        let mut flattened = 0;
        for (i, log) in logs.iter().enumerate() {
            let in_place = flattener.record(sheet, i as u64 + 1, log.root());
            let tree = log.to_node();
            let from_tree = flattener.record(sheet, i as u64 + 1, &tree);
            assert_eq!(in_place, from_tree, "{}", log.path);
            flattened += usize::from(in_place.is_ok());
        }
        flattened
    }

    #[test]
    fn records_flatten_the_same_from_their_capture() {
        let xml = Generator::new(GenerateOptions::new(20).with_seed(4)).to_xml_string();
        assert_eq!(same_rows(&xml), 20);
        let offers = |formation: &str| {
            format!(
                r#"<lheo xmlns="http://lheo.gouv.fr/2.3" xmlns:x="urn:x"><offres>{formation}</offres></lheo>"#
            )
        };
        let cases = [
            // Fits: extras, an attribute, an empty optional element, spaces in a code.
            r#"<formation numero="F"><intitule-formation>a</intitule-formation><extras><extra info="i">un <b>deux</b></extra></extras><code-niveau-entree> </code-niveau-entree><objectif-formation/></formation>"#,
            // Does not: text in element-only content, an unknown element or attribute, an
            // element in a text element, a repeated single element, an attribute elsewhere.
            "<formation>du texte</formation>",
            "<formation><inconnu/></formation>",
            r#"<formation nope="1"/>"#,
            "<formation><intitule-formation>a<b/></intitule-formation></formation>",
            "<formation><intitule-formation>a</intitule-formation><intitule-formation>b</intitule-formation></formation>",
            r#"<formation><x:autre/></formation>"#,
            r#"<formation><intitule-formation x:a="1">a</intitule-formation></formation>"#,
        ];
        let fit: usize = cases.iter().map(|c| same_rows(&offers(c))).sum();
        assert_eq!(fit, 1);
    }
}
