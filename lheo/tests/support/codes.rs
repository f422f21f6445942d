//! A document as a workbook gives it back: the spaces around code-like values dropped, as the
//! import drops them (see `lheo::workbook::cells::is_code_like`), free text and `extras` kept
//! as they are. Shared by `tests/workbook_roundtrip.rs` and the `export` fuzz target
//! (included with `#[path = ...]`).

use lheo::internal::{Child, Node};
use lheo::reader::{Build, FromNode, Limits, Reader};
use lheo::schema::{self, Content};
use lheo::Document;

/// `doc` with the spaces around its code-like values dropped.
pub fn trim_codes(doc: &Document) -> Document {
    fn walk(n: &mut Node) {
        if let Some(Content::Simple(st)) = n.id.map(|i| &schema::element(i).content) {
            if lheo::workbook::cells::is_code_like(st) {
                for c in &mut n.children {
                    if let Child::Text(t) = c {
                        *t = t.trim().to_owned();
                    }
                }
            }
            return;
        }
        if n.id == Some(schema::id::EXTRAS) {
            return;
        }
        for c in &mut n.children {
            if let Child::Element(e) = c {
                walk(e);
            }
        }
    }
    let xml = lheo::writer::to_string(doc);
    let mut reader = Reader::compose(xml.as_bytes(), Limits::default(), Build::Document, None)
        .expect("the writer's XML reads");
    while reader.next_node().is_some() {}
    let mut root = reader.envelope().expect("its envelope").clone();
    walk(&mut root);
    Document::from_node(&root).expect("the trimmed document builds")
}
