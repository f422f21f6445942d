//! Workbooks built byte by byte for the limits tests (`lheo/tests/workbook_limits.rs`,
//! `lheo-cli/tests/workbook_bombs.rs`): small files that a reader without bounds would turn
//! into gigabytes. Nothing big is committed; everything is made here.
#![allow(dead_code)]

use std::io::{Cursor, Write};

/// A zip archive of `parts` (stored or deflated).
pub fn zip(parts: &[(&str, Vec<u8>)], deflate: bool) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, content) in parts {
        out.start_file(*name, options).expect("zip part");
        out.write_all(content).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

/// An `.xlsx` with one sheet per (name, `<sheetData>` content), and shared strings.
pub fn xlsx(sheets: &[(&str, String)], shared: &[String], unique_count: Option<&str>) -> Vec<u8> {
    let mut workbook = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (name, data)) in sheets.iter().enumerate() {
        let n = i + 1;
        workbook.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
        parts.push((
            format!("xl/worksheets/sheet{n}.xml"),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#).into_bytes(),
        ));
    }
    workbook.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let mut sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{}">"#,
        unique_count.map_or(shared.len().to_string(), str::to_owned)
    );
    for s in shared {
        sst.push_str(&format!("<si><t>{s}</t></si>"));
    }
    sst.push_str("</sst>");
    let mut all: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>"#.to_vec()),
        ("_rels/.rels".into(), br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec()),
        ("xl/workbook.xml".into(), workbook.into_bytes()),
        ("xl/_rels/workbook.xml.rels".into(), rels.into_bytes()),
        ("xl/sharedStrings.xml".into(), sst.into_bytes()),
    ];
    all.extend(parts);
    let refs: Vec<(&str, Vec<u8>)> = all.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    zip(&refs, true)
}

/// An `.ods` whose `content.xml` body (inside `<office:spreadsheet>`) is `tables`.
pub fn ods(tables: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip(
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
            ),
            ("META-INF/manifest.xml", manifest.to_vec()),
            ("content.xml", content.into_bytes()),
        ],
        true,
    )
}

/// One `.ods` text cell.
pub fn ods_text(s: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>"#
    )
}

/// A BIFF8 record.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

fn bof(kind: u16) -> Vec<u8> {
    let mut d = vec![0x00, 0x06];
    d.extend_from_slice(&kind.to_le_bytes());
    d.extend_from_slice(&[0xBB, 0x0D, 0xCC, 0x07, 0, 0, 0, 0, 0x06, 0x03, 0, 0]);
    record(0x0809, &d)
}

/// A `NUMBER` cell record.
pub fn xls_number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&v.to_le_bytes());
    record(0x0203, &d)
}

/// A `DIMENSIONS` record (BIFF8: first row, last row + 1, first column, last column + 1).
pub fn xls_dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
    let mut d = rf.to_le_bytes().to_vec();
    d.extend_from_slice(&rl.to_le_bytes());
    d.extend_from_slice(&cf.to_le_bytes());
    d.extend_from_slice(&cl.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    record(0x0200, &d)
}

/// An `.xls` (compound file, BIFF8) with one sheet named `name` whose records are `cells`.
pub fn xls(name: &str, cells: &[Vec<u8>]) -> Vec<u8> {
    let mut globals = bof(0x0005);
    globals.extend(record(0x0042, &1200u16.to_le_bytes()));
    let mut sheet_rec = vec![0u8; 4];
    sheet_rec.extend_from_slice(&[0, 0]);
    sheet_rec.push(name.len() as u8);
    sheet_rec.push(0);
    sheet_rec.extend_from_slice(name.as_bytes());
    let boundsheet_at = globals.len();
    globals.extend(record(0x0085, &sheet_rec));
    globals.extend(record(0x000A, &[]));
    let pos = globals.len() as u32;
    globals[boundsheet_at + 4..boundsheet_at + 8].copy_from_slice(&pos.to_le_bytes());
    let mut stream = globals;
    stream.extend(bof(0x0010));
    for c in cells {
        stream.extend_from_slice(c);
    }
    stream.extend(record(0x000A, &[]));
    // Compound files keep streams under 4 KiB in a mini stream: pad to a plain one.
    while stream.len() < 4096 {
        stream.extend(record(0x0000, &[]));
    }
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
            .expect("cfb");
    let mut s = file.create_stream("/Workbook").expect("stream");
    s.write_all(&stream).expect("write stream");
    drop(s);
    file.flush().expect("flush");
    file.into_inner().into_inner()
}

/// The `<sheetData>` of a sheet whose header names `@numero` and whose `rows` rows below hold
/// one number each: every row an offer with nothing but its key (issue 19's « 6 MB `.xlsx` »
/// kind of bomb: hundreds of thousands of nearly empty rows, each becoming an offer).
pub fn nearly_empty_rows(rows: u32) -> String {
    let mut s =
        String::from(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>@numero</t></is></c></row>"#);
    for r in 2..rows + 2 {
        s.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    s
}
