//! The workbook layout covers every element and attribute of the schema, for every root,
//! and `schemas/workbook-layout.md` is its up-to-date description.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use lheo::schema::{self, id, Content, ElementId, ELEMENTS};
use lheo::workbook::layout::{self, ColumnKind, Layout};

/// Every element reachable from `root` (below `extras`: free content, not in the layout).
fn reachable(root: ElementId, out: &mut BTreeSet<u16>) {
    if !out.insert(root.0) {
        return;
    }
    if let Content::Sequence(ps) = schema::element(root).content {
        for p in ps {
            if p.element != id::EXTRAS {
                reachable(p.element, out);
            }
        }
    }
}

#[test]
fn every_element_and_attribute_has_a_place() {
    let mut all_reached = BTreeSet::new();
    for root in schema::document_roots() {
        let layout = Layout::of(root);
        let mut reached = BTreeSet::new();
        reachable(root, &mut reached);
        let mut placed: BTreeSet<u16> = BTreeSet::new();
        for s in &layout.sheets {
            placed.insert(s.element.0);
            placed.extend(s.via.iter().map(|e| e.0));
            for c in &s.columns {
                if let ColumnKind::Value(t) | ColumnKind::Attribute(t) = &c.kind {
                    placed.extend(t.steps.iter().map(|st| st.element.0));
                    // The header resolves back to the same target.
                    assert_eq!(
                        layout::resolve(s.element, &c.header).as_ref(),
                        Ok(t),
                        "{}",
                        c.header
                    );
                }
            }
            // Every attribute of every element of the sheet can be written: as a column or
            // as a path of the `attributs` sheet.
            for c in &s.columns {
                if let ColumnKind::Value(t) = &c.kind {
                    let e = t.element(s.element);
                    for a in layout::attributes_of(e) {
                        let path = if t.steps.is_empty() {
                            format!("@{a}")
                        } else {
                            format!("{}/@{a}", c.header)
                        };
                        assert!(
                            layout::resolve(s.element, &path).is_ok(),
                            "{}: {path}",
                            s.name
                        );
                    }
                }
            }
            assert!(s.name.len() <= layout::MAX_SHEET_NAME, "{}", s.name);
        }
        let missing: Vec<&str> = reached
            .difference(&placed)
            .map(|i| ELEMENTS[*i as usize].name)
            .filter(|n| *n != schema::element(root).name)
            .collect();
        // Containers without simple descendants of their own are placed through paths.
        for name in &missing {
            let e = schema::element_id(name).unwrap();
            assert!(layout::is_complex(e), "{name} has no column");
        }
        let names: BTreeSet<&str> = layout.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names.len(), layout.sheets.len(), "sheet names are unique");
        all_reached.extend(reached);
    }
    // Every element of the schema is reachable from a root (or is extras/extra).
    for (i, e) in ELEMENTS.iter().enumerate() {
        assert!(
            all_reached.contains(&(i as u16)) || ["extras", "extra"].contains(&e.name),
            "{} is not reachable",
            e.name
        );
    }
}

#[test]
fn the_main_sheets_read_naturally() {
    let layout = Layout::of(id::LHEO);
    let names: Vec<&str> = layout.sheets.iter().map(|s| s.name.as_str()).collect();
    for n in [
        "lheo",
        "formation",
        "action",
        "session",
        "recrutement",
        "contact-formation",
        "organisme-formateur",
        "contact-organisme",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let formation = layout.sheet("formation").unwrap();
    let headers: Vec<&str> = formation
        .columns
        .iter()
        .map(|c| c.header.as_str())
        .collect();
    assert_eq!(&headers[..2], ["#formation", "@numero"]);
    assert!(headers.contains(&"domaine-formation/code-FORMACODE[1]"));
    assert!(headers.contains(&"domaine-formation/code-FORMACODE[1]/@ref"));
    assert!(headers.contains(&"organisme-formation-responsable/SIRET-organisme-formation/SIRET"));
    let recrutement = layout.sheet("recrutement").unwrap();
    assert_eq!(recrutement.columns[0].header, "#session");
    assert_eq!(
        recrutement.path,
        "/lheo/offres/formation/action/session/recrutement"
    );
}

#[test]
fn the_layout_description_is_up_to_date() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/workbook-layout.md");
    let want = lheo::workbook::doc::markdown();
    if std::env::var("LHEO_UPDATE_LAYOUT").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "schemas/workbook-layout.md is out of date: LHEO_UPDATE_LAYOUT=1 cargo test -p lheo --test workbook_layout"
    );
}
