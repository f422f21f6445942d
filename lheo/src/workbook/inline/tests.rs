//! The copy reads as calamine reads the workbook it copies, cell for cell; what it does not
//! expect leaves the workbook as it is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Write as _};

use calamine::{Data, Reader as _};
use proptest::prelude::*;

use super::*;

/// A workbook of one sheet, `cells` its `<sheetData>`, `shared` its shared strings part (none
/// when `None`), with `extra` parts.
fn book(shared: Option<&str>, cells: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    part(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>"#
        ),
    );
    if let Some(shared) = shared {
        part(
            "xl/sharedStrings.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{shared}</sst>"#
            ),
        );
    }
    for (name, text) in extra {
        part(name, text);
    }
    zip.finish().unwrap().into_inner()
}

/// A sheet as calamine reads it: its name, values and formulas.
type Sheet = (String, Vec<Vec<Data>>, Vec<Vec<String>>);

/// `xlsx` with its part `name` replaced by `text` (left out for `None`).
fn with_part(xlsx: &[u8], name: &str, text: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).unwrap();
        if part.name().unwrap() != name {
            out.raw_copy_file(part).unwrap();
        }
    }
    if let Some(text) = text {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Every sheet as calamine reads it (or its error).
fn read(xlsx: &[u8]) -> Result<Vec<Sheet>, String> {
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(xlsx)).map_err(|e| e.to_string())?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let values = book.worksheet_range(&name).map_err(|e| e.to_string())?;
        let formulas = book.worksheet_formula(&name).map_err(|e| e.to_string())?;
        sheets.push((
            name,
            values.rows().map(<[Data]>::to_vec).collect(),
            formulas.rows().map(<[String]>::to_vec).collect(),
        ));
    }
    Ok(sheets)
}

/// The copy of `xlsx` (its table inlined whatever its size), if made.
fn inlined(xlsx: &[u8]) -> Option<Vec<u8>> {
    inline_shared_strings(&mut Cursor::new(xlsx), None, 0)
        .unwrap()
        .map(|spool| spool.to_vec().unwrap())
}

/// The cells of a sheet's XML, when it is well-formed (end tags checked).
fn cells(xml: &str) -> Option<usize> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut n = 0;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "c" => n += 1,
            Event::Eof => return Some(n),
            _ => {}
        }
    }
}

/// The copy is made, reads as the workbook, its sheets are as well-formed and have as many
/// cells, and they refer to no shared string (only shared cells without a value are left).
fn same_when_inlined(xlsx: &[u8]) -> Vec<u8> {
    let copy = inlined(xlsx).expect("the workbook is copied");
    let (want, got) = (read(xlsx).unwrap(), read(&copy).unwrap());
    assert_eq!(got, want);
    let (before, after) = (sheets_xml(xlsx), sheets_xml(&copy));
    assert_eq!(after.len(), before.len());
    for (was, text) in before.iter().zip(&after) {
        if cells(was).is_some() {
            assert_eq!(cells(text), cells(was), "{text}");
        }
        let left = text.matches(r#"t="s""#).count();
        assert_eq!(left, text.matches(r#"t="s"/>"#).count(), "{text}");
    }
    copy
}

/// The XML of every sheet, in the archive's order.
fn sheets_xml(xlsx: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut sheets = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if part.name().unwrap().contains("worksheets/") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut part, &mut text).unwrap();
            sheets.push(text);
        }
    }
    sheets
}

/// The first sheet's XML.
fn sheet_xml(xlsx: &[u8]) -> String {
    sheets_xml(xlsx).swap_remove(0)
}

/// Strings of every kind calamine reads from a table: trimmed or not, rich, phonetic runs,
/// entities, CDATA, line ends written raw, Excel's `_xHHHH_` escapes, empty, comments and
/// unknown elements inside; each in a cell of its own.
#[test]
fn every_kind_of_shared_string_reads_as_from_the_table() {
    let strings = [
        "<si><t>plain</t></si>",
        "<si><t>  trimmed \t </t></si>",
        r#"<si><t xml:space="preserve">  kept  </t></si>"#,
        r#"<si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space="preserve"> text</t></r></si>"#,
        r#"<si><t>漢字</t><rPh sb="0" eb="1"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>"#,
        "<si><t>a &amp; b &lt; c &#233; &#x41; &quot;</t></si>",
        "<si><t><![CDATA[<cdata> & raw]]> after</t></si>",
        "<si><t>line\r\nbreak\rsecond&#13;&#10;third</t></si>",
        "<si><t>_x000D_ escaped _x005F_x0041_</t></si>",
        "<si/>",
        "<si><t/></si>",
        "<si><t>a<!-- comment -->b</t></si>",
        "<si><t>x<unknown>y</unknown>z</t>outside</si>",
        "<si><t>one</t><t>two</t></si>",
        // One `<t>` of text: the cell's value.
        "<si><t>a&amp;b &#x263A; c</t></si>",
        "<si><t>&amp;b</t></si>",
        "<si><t>b&amp;</t></si>",
        "<si>\n  <t>around</t>\n</si>",
        r#"<si><t xml:space="preserve">_x000D_ \r\n x&#13;</t></si>"#,
        r#"<si><t xml:space="preserve"> </t></si>"#,
        r#"<si><t xml:space="default">other</t></si>"#,
        r#"<si><x:t xmlns:x="urn:x">prefixed</x:t></si>"#,
    ];
    let mut rows = String::new();
    for i in 0..strings.len() {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>{i}</v></c><c r="B{r}" s="0" t="s"><v>{i}</v></c></row>"#,
            r = i + 1
        ));
    }
    // Cells of other kinds, and shared cells without a value or with a formula.
    let n = strings.len() + 1;
    rows.push_str(&format!(
        r#"<row r="{n}"><c r="A{n}"><v>1.5</v></c><c r="B{n}" t="b"><v>1</v></c><c r="C{n}" t="str"><f>A1</f><v>plain</v></c><c r="D{n}" t="inlineStr"><is><t>inline</t></is></c><c r="E{n}" t="s"/><c r="F{n}" t="s"><v></v></c><c r="G{n}" t="s"><f>A2</f><v>0</v></c><c r="H{n}" t="s"><v/></c><c r="I{n}" t="s"><f>A3</f><v>1</v></c></row>"#
    ));
    let xlsx = book(Some(&strings.concat()), &rows, &[]);
    let copy = same_when_inlined(&xlsx);
    // The strings did reach the cells, as values and as content.
    let text = sheet_xml(&copy);
    assert!(
        text.contains(r#"<c r="A1" t="str"><v>plain</v></c>"#),
        "{text}"
    );
    assert!(text.contains(r#"t="inlineStr"><is><r>"#), "{text}");
    assert!(
        text.contains(r#"t="inlineStr"><f>A2</f><is><t xml:space="preserve">plain</t></is></c>"#),
        "{text}"
    );
    assert!(
        text.contains(r#"t="inlineStr"><f>A3</f><is><t>  trimmed"#),
        "{text}"
    );
    assert_eq!(cells(&text), Some(2 * strings.len() + 9), "{text}");
    let sheets = read(&copy).unwrap();
    assert_eq!(sheets[0].1[0][0], Data::String("plain".into()));
    assert_eq!(sheets[0].1[3][1], Data::String("rich text".into()));
}

/// A workbook as Excel writes one (rust_xlsxwriter's default: a table of shared strings),
/// with rich strings, numbers and formulas over two sheets.
fn written(texts: &[String]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let plain = rust_xlsxwriter::Format::default();
    for sheet in 0..2u32 {
        let ws = wb.add_worksheet();
        for (r, text) in texts.iter().enumerate() {
            let r = r as u32;
            ws.write_string(r, 0, text).unwrap();
            ws.write_number(r, 1, f64::from(r) + 0.5).unwrap();
            if text.chars().count() > 1 {
                let cut = text.char_indices().nth(1).map_or(0, |(i, _)| i);
                let segments = [(&bold, &text[..cut]), (&plain, &text[cut..])];
                ws.write_rich_string(r, 2, &segments).unwrap();
            }
            // The same strings again, on the other sheet in another order.
            let back = &texts[texts.len() - 1 - r as usize];
            ws.write_string(r, 3 + sheet as u16, back).unwrap();
        }
        ws.write_formula(0, 9, "=A1").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// Copied on two threads (the workbook read again from a spool), the sheets are those copied
/// on one, byte for byte.
#[test]
fn two_threads_copy_the_sheets_as_one_does() {
    let texts: Vec<String> = (0..300)
        .map(|i| format!("texte {i} & <{}>", i * 7))
        .collect();
    let xlsx = written(&texts);
    let spool = Spool::from_vec(xlsx.clone());
    for _ in 0..4 {
        let two = inline_shared_strings(&mut Cursor::new(&xlsx), Some(&spool), 0)
            .unwrap()
            .expect("copied")
            .to_vec()
            .unwrap();
        let one = inlined(&xlsx).expect("copied");
        assert_eq!(sheets_xml(&two), sheets_xml(&one));
        assert_eq!(read(&two).unwrap(), read(&xlsx).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Whatever the texts (spaces, markup characters, line ends, `_x` escapes, any
    /// character), a workbook with a table reads the same once copied.
    #[test]
    fn any_text_reads_the_same_once_copied(
        texts in prop::collection::vec("[ a-z&<>\"'\\r\\n\\t_x0-9DéЖ漢😀]{0,12}", 1..40)
    ) {
        // One text at least, for the table not to be empty.
        let texts: Vec<String> = std::iter::once("lheo".to_owned()).chain(texts).collect();
        let xlsx = written(&texts);
        let copy = inlined(&xlsx).expect("copied");
        prop_assert_eq!(read(&copy).unwrap(), read(&xlsx).unwrap());
    }
}

/// What the copy does not expect leaves the workbook as it is (read by calamine as before,
/// errors included).
#[test]
fn what_the_copy_does_not_expect_is_left_as_it_is() {
    let table = "<si><t>zero</t></si><si><t>one</t></si>";
    let cell = |v: &str| format!(r#"<row r="1"><c r="A1" t="s"><v>{v}</v></c></row>"#);
    let cases = [
        // Indexes past the table, not plain digits, with a leading zero, entities in them.
        book(Some(table), &cell("2"), &[]),
        book(Some(table), &cell(" 1"), &[]),
        book(Some(table), &cell("01"), &[]),
        book(Some(table), &cell("&#49;"), &[]),
        book(Some(table), &cell("<![CDATA[1]]>"), &[]),
        // A string that would close the cell's `<is>`, an unbalanced one.
        book(Some("<si><t>a</t><is/></si>"), &cell("0"), &[]),
        book(Some("<si><r><t>a</t></si>"), &cell("0"), &[]),
        // A table cut short; end tags of other names (calamine, which does not check them,
        // would end its strings elsewhere); an empty element named as the string.
        book(Some("<si><t>a</t>"), &cell("0"), &[]),
        book(
            Some("<si><t>a</x></si><si><t>b</t></si><si><t>c</t></si>"),
            &cell("1"),
            &[],
        ),
        book(Some("<si><r><si/><t>a</t></r></si>"), &cell("0"), &[]),
        // A value whose end tag has another name; a repeated attribute (calamine counts
        // three of `r`, `s`, `t` and may not see `t`).
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t="s"><x:v>0</v></c></row>"#,
            &[],
        ),
        book(
            Some(table),
            r#"<row r="1"><c r="A1" r="A1" s="1" t="s"><v>0</v></c></row>"#,
            &[],
        ),
        // Another table besides the one calamine reads.
        book(
            Some(table),
            &cell("0"),
            &[("xl/other/sharedStrings.xml", "<sst/>")],
        ),
        // A shared cell in the text of a cell of another type (calamine reads its index as
        // text), or in such a cell; the text of such a cell reaching past an end tag of
        // another name (calamine reads on to the `</t>`: found by the fuzzer).
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</v></c><c r="B1" t="s"><v>0</v></c></t></is></c></row>"#,
            &[],
        ),
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x<c r="B1" t="s"><v>0</v></c></t></is></c></row>"#,
            &[],
        ),
        book(
            Some(table),
            r#"<row r="1"><c r="A1"><c r="B1" t="s"><v>0</v></c></c></row>"#,
            &[],
        ),
        // Types written with entities, a shared cell already inline, a cell in a cell.
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t="&#115;"><v>0</v></c></row>"#,
            &[],
        ),
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t="s"><is><t>x</t></is><v>0</v></c></row>"#,
            &[],
        ),
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t="s"><c r="A2"/><v>0</v></c></row>"#,
            &[],
        ),
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t="s" t="s"><v>0</v></c></row>"#,
            &[],
        ),
        book(
            Some(table),
            r#"<row r="1"><c r="A1" t><v>0</v></c></row>"#,
            &[],
        ),
        // No table.
        book(None, &cell("0"), &[]),
    ];
    // The workbook part elsewhere than in `xl/` (calamine would look for the table beside
    // it), or no package relationships.
    let plain = book(Some(table), &cell("1"), &[]);
    let elsewhere = r#"<Relationships xmlns="urn:r"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/other/workbook.xml"/></Relationships>"#;
    // A sheet with a document type (calamine passes over it).
    let doctype = r#"<?xml version="1.0"?><!DOCTYPE worksheet><worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
    let cases = cases
        .into_iter()
        .chain([
            with_part(&plain, "_rels/.rels", Some(elsewhere)),
            with_part(&plain, "_rels/.rels", None),
            with_part(&plain, "xl/worksheets/sheet1.xml", Some(doctype)),
        ])
        .collect::<Vec<_>>();
    for (i, xlsx) in cases.iter().enumerate() {
        assert!(inlined(xlsx).is_none(), "case {i} copied");
    }
    // A sheet after many comments is a sheet.
    let comments = format!(
        "<?xml version=\"1.0\"?>{}<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>",
        "<!-- a -->\n".repeat(40)
    );
    let copy = same_when_inlined(&with_part(
        &plain,
        "xl/worksheets/sheet1.xml",
        Some(&comments),
    ));
    assert_eq!(read(&copy).unwrap()[0].1[0][0], Data::String("one".into()));
    // The last `officeDocument` relationship counts, its target written absolute or not.
    let back = elsewhere.replace("/other/workbook.xml", "/XL/workbook.xml");
    same_when_inlined(&with_part(&plain, "_rels/.rels", Some(&back)));
    // The plain case is copied, but not below the size asked for.
    same_when_inlined(&plain);
    // Attributes between single quotes, spaced out, a quote in a value: the tag is kept.
    let spaced = r#"<row r="1"><c r = 'A1' s='"' t
        = 's'><v>1</v></c></row>"#;
    let copy = same_when_inlined(&book(Some(table), spaced, &[]));
    assert_eq!(read(&copy).unwrap()[0].1[0][0], Data::String("one".into()));
    let at_least = |at| inline_shared_strings(&mut Cursor::new(&plain), None, at).unwrap();
    assert!(at_least(1 << 20).is_none());
    assert!(at_least(1).is_some());
}

/// Macro and dialog sheets (whose cells may refer to the table too) are copied as sheets;
/// other parts are left as they are, even with cells in them.
#[test]
fn every_kind_of_sheet_is_copied_and_only_sheets() {
    let table = "<si><t>zero</t></si>";
    let cells = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#;
    let part = |root: &str| {
        format!(r#"<?xml version="1.0"?><xm:{root} xmlns:xm="urn:x">{cells}</xm:{root}>"#)
    };
    let (macro_sheet, dialog, other) = (part("macrosheet"), part("dialogsheet"), part("other"));
    let xlsx = book(
        Some(table),
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        &[
            ("xl/macrosheets/sheet2.xml", &macro_sheet),
            ("xl/dialogsheets/sheet3.xml", &dialog),
            ("xl/other.xml", &other),
        ],
    );
    let copy = same_when_inlined(&xlsx);
    let mut zip = zip::ZipArchive::new(Cursor::new(&copy)).unwrap();
    for (name, copied) in [
        ("xl/macrosheets/sheet2.xml", true),
        ("xl/dialogsheets/sheet3.xml", true),
        ("xl/other.xml", false),
    ] {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        assert_eq!(
            text.contains(r#"<c r="A1" t="str"><v>zero</v></c>"#),
            copied,
            "{text}"
        );
        assert_eq!(text.contains(r#"t="s""#), !copied, "{text}");
    }
}
