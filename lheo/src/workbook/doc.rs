//! What each column means, for the documentation sheet, `schemas/workbook-layout.md` and the
//! README: French label, type, whether it is required, allowed codes.

use super::layout::{self, ColumnKind, Layout, SheetLayout, Target};
use crate::schema::{self, AttrType, Base, ElementId, Format, SimpleType};

/// The documentation of one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDoc {
    /// Sheet name.
    pub sheet: String,
    /// Row 1 of the column.
    pub header: String,
    /// French label.
    pub label: String,
    /// Type, in French (`texte (1 à 255 caractères)`, `date`, `code (…)`).
    pub kind: String,
    /// `true` when an element that exists must have it.
    pub required: bool,
    /// Allowed codes, one `code = libellé` a line (dictionary columns).
    pub values: String,
    /// The element's French documentation.
    pub doc: String,
}

/// The French description of a simple type.
pub fn type_text(st: &SimpleType) -> String {
    if let Some(d) = st.dict {
        return format!("code ({})", schema::dict(d).label);
    }
    match st.format {
        Some(Format::Date) => {
            return "date jj/mm/aaaa (ou aaaammjj ; mois inconnu : mm/aaaa ; année : aaaa ; inconnue : 00000000)".into()
        }
        Some(Format::Heure) => return "heure (14h15, 9h)".into(),
        None => {}
    }
    if st.base == Base::Long {
        return match st.range {
            Some((a, b)) => format!("nombre entier ({a} à {b})"),
            None => "nombre entier".into(),
        };
    }
    let len = match (st.length, st.min_length, st.max_length) {
        (Some(n), _, _) => format!(" ({n} caractères)"),
        (None, Some(a), Some(b)) if a == b => format!(" ({a} caractères)"),
        (None, Some(a), Some(b)) => format!(" ({a} à {b} caractères)"),
        (None, None, Some(b)) => format!(" (au plus {b} caractères)"),
        (None, Some(a), None) => format!(" (au moins {a} caractères)"),
        (None, None, None) => String::new(),
    };
    format!("texte{len}")
}

/// The French description of an attribute type.
fn attribute_text(t: AttrType) -> &'static str {
    match t {
        AttrType::String => "texte",
        AttrType::Id => "identifiant unique (xs:ID)",
        AttrType::IdRef => "référence à un identifiant (xs:IDREF)",
        AttrType::DateTime => "date et heure (aaaa-mm-jjThh:mm:ss)",
        AttrType::AnyUri => "adresse (URI)",
    }
}

/// `true` when every step of `target` is required in its parent.
fn required(entity: ElementId, target: &Target) -> bool {
    if target.attribute.is_some() {
        return false;
    }
    let mut parent = entity;
    for s in &target.steps {
        match schema::particle(parent, s.element) {
            Some((_, p)) if s.index <= p.min => parent = s.element,
            _ => return false,
        }
    }
    true
}

/// The documentation of every column of `sheet`.
pub fn sheet_docs(layout: &Layout, sheet: &SheetLayout) -> Vec<ColumnDoc> {
    let entity = sheet.element;
    sheet
        .columns
        .iter()
        .map(|c| {
            let mut d = ColumnDoc {
                sheet: sheet.name.clone(),
                header: c.header.clone(),
                label: String::new(),
                kind: String::new(),
                required: false,
                values: String::new(),
                doc: String::new(),
            };
            match &c.kind {
                ColumnKind::Key => {
                    d.label = format!("Clé de la ligne ({})", schema::element(entity).label);
                    d.kind = "texte".into();
                    d.doc = "Identifie la ligne : les lignes des feuilles filles, de la feuille attributs et de la feuille extras la reprennent. Libre (l'export écrit 1, 1.2, 1.2.3…), unique dans la feuille.".into();
                }
                ColumnKind::ParentKey => {
                    let parent = sheet.parent.map_or("", |p| layout.sheets[p].name.as_str());
                    d.label = format!("Clé de la ligne parente (feuille {parent})");
                    d.kind = "texte".into();
                    d.required = true;
                    d.doc = format!("La ligne de la feuille {parent} dont cette ligne fait partie.");
                }
                ColumnKind::Value(t) => {
                    let e = t.element(entity);
                    let decl = schema::element(e);
                    d.label = decl.label.to_owned();
                    d.doc = decl.doc.to_owned();
                    d.required = required(entity, t);
                    if let Some(st) = t.simple_type(entity) {
                        d.kind = type_text(st);
                        if let Some(dict) = st.dict {
                            d.values = schema::dict(dict)
                                .entries
                                .iter()
                                .map(|(c, l)| format!("{c} = {l}"))
                                .collect::<Vec<_>>()
                                .join("\n");
                        }
                    }
                }
                ColumnKind::Attribute(t) => {
                    let e = t.element(entity);
                    let a = t.attribute.unwrap_or("");
                    d.label = format!("Attribut {a} de « {} »", schema::element(e).label);
                    d.kind = format!("attribut : {}", attribute_text(layout::attribute_type(e, a)));
                }
            }
            d
        })
        .collect()
}

/// Escapes a table cell of Markdown.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// The layouts as Markdown: `schemas/workbook-layout.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Workbook layout (generated)\n\n\
         Generated from the schema tables by `lheo::workbook::doc::markdown()`; the test \
         `workbook_layout` in `lheo/tests/workbook_layout.rs` keeps this file up to date \
         (`LHEO_UPDATE_LAYOUT=1 cargo test -p lheo --test workbook_layout` rewrites it).\n\n\
         Row 1 of every sheet holds the column headers below: a path relative to the sheet's \
         element (`periode/debut`), an attribute (`@numero`, `…/@ref`), `.` for the element's \
         own value, or a key (`#formation`: the key of a row of sheet `formation`). Besides the \
         sheets below, every workbook has `attributs` (feuille, clé, chemin, valeur: the other \
         attributes and the elements present but empty), `extras` (feuille, clé, chemin, xml: \
         each `extras` as XML), `documentation` and a hidden `listes` (the drop-down lists).\n",
    );
    for root in schema::document_roots() {
        let layout = Layout::of(root);
        out.push_str(&format!("\n## Root `{}`\n", schema::element(root).name));
        for sheet in &layout.sheets {
            let parent = sheet.parent.map_or_else(
                || "—".to_owned(),
                |p| format!("`{}`", layout.sheets[p].name),
            );
            out.push_str(&format!(
                "\n### Sheet `{}`\n\nElement `{}` ({}), parent sheet {}, {} columns.\n\n\
                 | column | label | type | required | codes |\n|---|---|---|---|---|\n",
                sheet.name,
                sheet.path,
                schema::element(sheet.element).label,
                parent,
                sheet.columns.len()
            ));
            for d in sheet_docs(layout, sheet) {
                let codes = if d.values.is_empty() {
                    String::new()
                } else {
                    format!("{} codes", d.values.lines().count())
                };
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} |\n",
                    md(&d.header),
                    md(&d.label),
                    md(&d.kind),
                    if d.required { "yes" } else { "" },
                    codes
                ));
            }
        }
    }
    out
}
