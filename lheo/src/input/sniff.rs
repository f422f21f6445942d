//! Recognition from the first bytes: magic numbers, the entries a zip archive starts with,
//! the root element of XML, the shape of text.

use std::io::Read;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::{Kind, WorkbookFormat};
use crate::reader::Version;
use crate::xml::decode::Utf8Input;

/// What the first bytes of a (decompressed) content are. `complete` says that `head` is the
/// whole content, not just its beginning.
///
/// ```
/// use lheo::input::{recognise, Kind};
/// assert_eq!(recognise(b"%PDF-1.7\n...", false), Kind::Pdf);
/// assert_eq!(recognise(b"   \n", true), Kind::Empty);
/// assert!(matches!(recognise(b"<html><body/></html>", true), Kind::Html));
/// ```
pub fn recognise(head: &[u8], complete: bool) -> Kind {
    if let Some(kind) = magic(head) {
        return kind;
    }
    // UTF-16 without a byte order mark: `<?` as 16-bit units.
    if head.starts_with(&[0x3C, 0x00, 0x3F, 0x00]) || head.starts_with(&[0x00, 0x3C, 0x00, 0x3F]) {
        return xml(head);
    }
    let Some(text) = decode_text(head, complete) else {
        return Kind::Binary;
    };
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if trimmed.is_empty() {
        // 64 KiB of spaces may still be followed by a root: the reader will tell.
        return if complete {
            Kind::Empty
        } else {
            Kind::Lheo(None)
        };
    }
    if trimmed.starts_with('<') {
        return xml(head);
    }
    if trimmed.starts_with("{\\rtf") {
        return Kind::Document("RTF (.rtf)");
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Kind::Json;
    }
    match separator(trimmed, complete) {
        Some(sep) => Kind::Csv(sep),
        None => Kind::Text,
    }
}

/// Formats known by their first bytes.
fn magic(head: &[u8]) -> Option<Kind> {
    const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let starts = |m: &[u8]| head.starts_with(m);
    Some(if starts(&super::GZIP_MAGIC) {
        Kind::Archive("gzip")
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        zip(head)
    } else if starts(OLE2) {
        ole2(head)
    } else if starts(b"%PDF-") {
        Kind::Pdf
    } else if starts(b"BZh") {
        Kind::Archive("bzip2")
    } else if starts(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        Kind::Archive("xz")
    } else if starts(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]) {
        Kind::Archive("7z")
    } else if starts(b"Rar!\x1A\x07") {
        Kind::Archive("rar")
    } else if starts(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Kind::Archive("zstd")
    } else if starts(b"\x89PNG") {
        Kind::Image("PNG")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Kind::Image("JPEG")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Kind::Image("GIF")
    } else {
        return None;
    })
}

/// A zip archive, by the names of the entries whose local headers are in `head`: workbooks
/// and documents of Office and LibreOffice are zip archives.
fn zip(head: &[u8]) -> Kind {
    let mut names: Vec<String> = Vec::new();
    let mut mimetype: Option<&[u8]> = None;
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&head[at..], b"PK\x03\x04") {
        let h = at + found;
        at = h + 4;
        let field = |o: usize| {
            head.get(h + o..h + o + 2)
                .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let (Some(name_len), Some(extra_len)) = (field(26), field(28)) else {
            break;
        };
        let Some(name) = head.get(h + 30..h + 30 + name_len) else {
            break;
        };
        let name = String::from_utf8_lossy(name).into_owned();
        if name == "mimetype" {
            let start = h + 30 + name_len + extra_len;
            mimetype = head.get(start..(start + 64).min(head.len()));
        }
        names.push(name);
    }
    if let Some(m) = mimetype {
        const OD: &[u8] = b"application/vnd.oasis.opendocument.";
        if let Some(rest) = m.strip_prefix(OD) {
            return if rest.starts_with(b"spreadsheet") {
                Kind::Workbook(WorkbookFormat::Ods)
            } else if rest.starts_with(b"text") {
                Kind::Document("OpenDocument texte (.odt)")
            } else if rest.starts_with(b"presentation") {
                Kind::Document("OpenDocument présentation (.odp)")
            } else {
                Kind::Zip { xml: None }
            };
        }
    }
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    if names.is_empty() {
        // Not one entry readable: a workbook cut short, most likely (the workbook reader
        // says what is wrong with it).
        Kind::Workbook(WorkbookFormat::Xlsx)
    } else if has("xl/workbook.bin") {
        Kind::Workbook(WorkbookFormat::Xlsb)
    } else if has("xl/") {
        Kind::Workbook(WorkbookFormat::Xlsx)
    } else if has("word/") {
        Kind::Document("Word (.docx)")
    } else if has("ppt/") {
        Kind::Document("PowerPoint (.pptx)")
    } else if has("[Content_Types].xml") {
        // An Office archive whose parts come later: a workbook is the likely one here.
        Kind::Workbook(WorkbookFormat::Xlsx)
    } else {
        let xml = names
            .into_iter()
            .find(|n| n.to_ascii_lowercase().ends_with(".xml"));
        Kind::Zip { xml }
    }
}

/// An OLE2 compound file: Excel 97–2003, Word 97–2003, or an encrypted Office 2007 file,
/// by the stream names in its directory (UTF-16).
fn ole2(head: &[u8]) -> Kind {
    let has = |name: &str| {
        let wide: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(head, &wide).is_some()
    };
    if has("EncryptedPackage") {
        Kind::EncryptedWorkbook
    } else if has("WordDocument") {
        Kind::Document("Word 97-2003 (.doc)")
    } else if has("PowerPoint Document") {
        Kind::Document("PowerPoint 97-2003 (.ppt)")
    } else {
        Kind::Workbook(WorkbookFormat::Xls)
    }
}

/// The first bytes as text, or `None` for binary data.
fn decode_text(head: &[u8], complete: bool) -> Option<String> {
    if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        return Some(UTF_16LE.decode_without_bom_handling(rest).0.into_owned());
    }
    if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        return Some(UTF_16BE.decode_without_bom_handling(rest).0.into_owned());
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x09 || b == 0x0B || (0x0E..0x20).contains(&b) || b == 0x7F)
        .count();
    if head.contains(&0) || control * 100 > head.len() {
        return None;
    }
    match std::str::from_utf8(head) {
        Ok(s) => Some(s.to_owned()),
        // A character cut at the end of the first bytes.
        Err(e) if !complete && e.error_len().is_none() => {
            Some(String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned())
        }
        Err(_) => Some(
            WINDOWS_1252
                .decode_without_bom_handling(head)
                .0
                .into_owned(),
        ),
    }
}

/// The separator of delimited text: the one found the same number of times (at least once,
/// outside quotes) on most lines.
fn separator(text: &str, complete: bool) -> Option<u8> {
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if !complete && lines.len() > 1 {
        lines.pop(); // possibly cut
    }
    lines.truncate(50);
    let mut best: Option<(u8, usize)> = None;
    for sep in [b';', b'\t', b',', b'|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, sep)).collect();
        let &first = counts.first()?;
        let regular = if counts.len() == 1 {
            first >= 2
        } else {
            first >= 1 && counts.iter().filter(|&&c| c == first).count() * 10 >= counts.len() * 8
        };
        if regular && best.is_none_or(|(_, n)| first > n) {
            best = Some((sep, first));
        }
    }
    best.map(|(sep, _)| sep)
}

fn count_outside_quotes(line: &str, sep: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            n += 1;
        }
    }
    n
}

/// XML (or what starts like it), by its root element.
fn xml(head: &[u8]) -> Kind {
    let mut utf8 = Vec::with_capacity(head.len());
    match Utf8Input::new(head) {
        // What decodes before an error (a character cut at the end) is enough.
        Ok((mut input, _)) => {
            let _ = input.read_to_end(&mut utf8);
        }
        Err(_) => return Kind::Lheo(None),
    }
    let mut reader = NsReader::from_reader(&utf8[..]);
    let mut buf = Vec::new();
    loop {
        match reader.read_resolved_event_into(&mut buf) {
            Ok((_, Event::DocType(d))) => {
                let text: &str = d.as_ref();
                let name = text.trim_start().as_bytes();
                if name.len() >= 4 && name[..4].eq_ignore_ascii_case(b"html") {
                    return Kind::Html;
                }
            }
            Ok((ns, Event::Start(e) | Event::Empty(e))) => {
                let local = e.local_name().into_inner().to_owned();
                let namespace = match ns {
                    ResolveResult::Bound(n) => Some(n.0.to_owned()),
                    _ => None,
                };
                return root(local, namespace);
            }
            Ok((_, Event::Eof)) => return Kind::Lheo(None),
            Ok(_) => {}
            Err(_) => return first_name_is_html(&utf8),
        }
        buf.clear();
    }
}

/// For markup that is not well-formed XML: a web page if its first element is `html`.
fn first_name_is_html(text: &[u8]) -> Kind {
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'<', &text[at..]) {
        let rest = &text[at + i + 1..];
        if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let end = rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
                .unwrap_or(rest.len());
            return if rest[..end].eq_ignore_ascii_case(b"html") {
                Kind::Html
            } else {
                Kind::Lheo(None)
            };
        }
        at += i + 1;
    }
    Kind::Lheo(None)
}

/// XML by its root: LHEO (for the reader), or what else it is.
pub(super) fn root(local: String, namespace: Option<String>) -> Kind {
    let ns = namespace.as_deref().unwrap_or("");
    if local.eq_ignore_ascii_case("html") {
        return Kind::Html;
    }
    if ns.contains("moncompteformation") {
        return Kind::Edof {
            namespace: ns.to_owned(),
        };
    }
    if ns.contains("lheo.org/1.") || local == "lheo-leger" {
        return Kind::Lheo1 {
            root: local,
            namespace,
        };
    }
    if let Some(version) = Version::from_namespace(ns) {
        return Kind::Lheo(Some(version));
    }
    // A root of LHEO in no or a wrong namespace, or a namespace that looks like LHEO's: a
    // feed to fix, which the reader explains.
    if matches!(local.as_str(), "lheo" | "lheo-index" | "lheo-plus") || ns.contains("lheo") {
        return Kind::Lheo(None);
    }
    Kind::OtherXml {
        root: local,
        namespace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(bytes: &[u8]) -> Kind {
        recognise(bytes, true)
    }

    #[test]
    fn xml_roots() {
        let v23 = r#"<?xml version="1.0"?><!-- <html> --><lheo xmlns="http://lheo.gouv.fr/2.3"/>"#;
        assert_eq!(kind(v23.as_bytes()), Kind::Lheo(Some(Version::V2_3)));
        let v22 = r#"<p:lheo-index xmlns:p="http://www.lheo.org/2.2"><x/></p:lheo-index>"#;
        assert_eq!(kind(v22.as_bytes()), Kind::Lheo(Some(Version::V2_2)));
        assert_eq!(kind(b"<lheo><offres/></lheo>"), Kind::Lheo(None));
        assert_eq!(
            kind(br#"<lheo xmlns="http://lheo.gouv.fr/2.4"/>"#),
            Kind::Lheo(None)
        );
        assert!(matches!(
            kind(br#"<lheo xmlns="https://www.of.moncompteformation.gouv.fr"><offres>"#),
            Kind::Edof { .. }
        ));
        assert!(matches!(
            kind(br#"<lheo xmlns="http://www.lheo.org/1.3.0">"#),
            Kind::Lheo1 { .. }
        ));
        assert!(matches!(kind(b"<lheo-leger>"), Kind::Lheo1 { .. }));
        assert_eq!(
            kind(br#"<rss version="2.0"><channel/></rss>"#),
            Kind::OtherXml {
                root: "rss".into(),
                namespace: None
            }
        );
        // Cut in the middle of the root's attributes: let the reader speak.
        assert_eq!(
            kind(b"<?xml version='1.0'?><lheo xmlns=\"http:"),
            Kind::Lheo(None)
        );
    }

    #[test]
    fn xml_in_other_encodings() {
        let text =
            r#"<?xml version="1.0" encoding="UTF-16"?><lheo xmlns="http://www.lheo.org/2.2"/>"#;
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(kind(&le), Kind::Lheo(Some(Version::V2_2)));
        let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(kind(&no_bom), Kind::Lheo(Some(Version::V2_2)));
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?>\n<lheo xmlns='http://lheo.gouv.fr/2.3'>\xE9";
        assert_eq!(kind(latin1), Kind::Lheo(Some(Version::V2_3)));
    }

    #[test]
    fn web_pages() {
        assert_eq!(kind(b"<!DOCTYPE html>\n<html><p>x</p></html>"), Kind::Html);
        assert_eq!(kind(b"<!doctype HTML><html lang=fr><body>"), Kind::Html);
        assert_eq!(kind(b"\n  <html lang=fr><body><br></body>"), Kind::Html);
        assert_eq!(
            kind(br#"<html xmlns="http://www.w3.org/1999/xhtml"/>"#),
            Kind::Html
        );
    }

    #[test]
    fn delimited_text() {
        assert_eq!(kind(b"a;b;c\n1;2;3\n4;5;6\n"), Kind::Csv(b';'));
        assert_eq!(kind(b"a,b\n\"x, y\",2\n3,4\n"), Kind::Csv(b','));
        assert_eq!(kind(b"a\tb\tc\n1\t2\t3\n"), Kind::Csv(b'\t'));
        assert_eq!(kind(b"SIRET|LIBELLE\n1|2\n"), Kind::Csv(b'|'));
        // Semicolons in every line, commas in some: the semicolon is the separator.
        assert_eq!(
            kind(b"id;titre\n1;Ma\xE7on, carreleur & co\n2;Plombier\n"),
            Kind::Csv(b';')
        );
        // Excel's "Unicode text": UTF-16 with tabs.
        let mut tsv = vec![0xFF, 0xFE];
        tsv.extend("a\tb\r\n1\t2\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(kind(&tsv), Kind::Csv(b'\t'));
        assert_eq!(kind(b"Bonjour, le monde.\nRien d'autre.\n"), Kind::Text);
    }

    #[test]
    fn empty_binary_and_documents() {
        assert_eq!(kind(b""), Kind::Empty);
        assert_eq!(kind(b" \r\n\t"), Kind::Empty);
        assert_eq!(recognise(b" \r\n\t", false), Kind::Lheo(None));
        assert_eq!(kind(&[0u8; 100]), Kind::Binary);
        assert_eq!(kind(b"%PDF-1.4\n%\xE2\xE3"), Kind::Pdf);
        assert_eq!(kind(b"{\"a\": 1}"), Kind::Json);
        assert_eq!(kind(b"{\\rtf1\\ansi"), Kind::Document("RTF (.rtf)"));
        assert_eq!(kind(b"BZh91AY&SY"), Kind::Archive("bzip2"));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n"), Kind::Image("PNG"));
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, data) in entries {
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 12]); // crc, sizes
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
        }
        out
    }

    #[test]
    fn zip_archives() {
        let xlsx = zip_with(&[("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"")]);
        assert_eq!(kind(&xlsx), Kind::Workbook(WorkbookFormat::Xlsx));
        let ods = zip_with(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        )]);
        assert_eq!(kind(&ods), Kind::Workbook(WorkbookFormat::Ods));
        let docx = zip_with(&[("[Content_Types].xml", b""), ("word/document.xml", b"")]);
        assert_eq!(kind(&docx), Kind::Document("Word (.docx)"));
        let feed = zip_with(&[("export/offres.XML", b"<lheo>")]);
        assert_eq!(
            kind(&feed),
            Kind::Zip {
                xml: Some("export/offres.XML".into())
            }
        );
    }

    #[test]
    fn compound_files() {
        let mut head = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        head.resize(512, 0);
        assert_eq!(kind(&head), Kind::Workbook(WorkbookFormat::Xls));
        head.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(kind(&head), Kind::EncryptedWorkbook);
    }
}
