//! The XML export (V4.1): `<FICHES><VERSION_FLUX>4.1</VERSION_FLUX><FICHE>…`, UTF-8, no
//! namespace. Read as a stream; only the direct children of each `FICHE` count
//! (`NUMERO_FICHE`, `INTITULE`, `ACTIF` = `Oui` | `Non`, `DATE_FIN_ENREGISTREMENT`) and
//! `FICHE/BLOCS_COMPETENCES/BLOC_COMPETENCES/CODE`: `ACTIF` also sits under every `SI_JURY_*`,
//! and bloc codes under `CORRESPONDANCES` are another fiche's.

use std::io::BufRead;

use quick_xml::events::Event;

use crate::referentiels::code;
use crate::referentiels::tables::{Certifications, Repertoire};
use crate::xml::events::predefined_entity;
use crate::Error;

/// Longest text kept for one value (titles are a few hundred characters).
const MAX_TEXT: usize = 64 * 1024;
/// Deepest nesting accepted (the export goes 6 deep).
const MAX_DEPTH: usize = 256;

/// Whether `head` (a file's first bytes) starts an XML document whose root is `FICHES`.
pub fn is_export(head: &[u8]) -> bool {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        let Some(i) = memchr::memchr(b'<', rest) else {
            return false;
        };
        if !rest[..i].iter().all(u8::is_ascii_whitespace) {
            return false;
        }
        rest = &rest[i..];
        let skip = if rest.starts_with(b"<?") {
            "?>"
        } else if rest.starts_with(b"<!--") {
            "-->"
        } else {
            return rest.starts_with(b"<FICHES")
                && rest
                    .get(7)
                    .is_some_and(|&b| b == b'>' || b.is_ascii_whitespace());
        };
        match memchr::memmem::find(rest, skip.as_bytes()) {
            Some(end) => rest = &rest[end + skip.len()..],
            None => return false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Fiche,
    Numero,
    Intitule,
    Actif,
    Fin,
    Blocs,
    Bloc,
    Code,
    Other,
}

/// The values of the fiche being read.
#[derive(Default)]
struct Current {
    numero: String,
    intitule: String,
    actif: String,
    fin: String,
    blocs: Vec<String>,
}

/// The RNCP and RS fiches of an export (a table is `None` when the file has no fiche of its
/// repertory), and the `VERSION_FLUX`.
pub struct Export {
    /// RNCP fiches.
    pub rncp: Option<Certifications>,
    /// RS fiches.
    pub rs: Option<Certifications>,
    /// `VERSION_FLUX` (`4.1`).
    pub version: Option<String>,
}

fn tag(depth: usize, parent: Option<Tag>, name: &[u8]) -> Tag {
    match (depth, parent, name) {
        (1, _, b"FICHE") => Tag::Fiche,
        (2, Some(Tag::Fiche), b"NUMERO_FICHE") => Tag::Numero,
        (2, Some(Tag::Fiche), b"INTITULE") => Tag::Intitule,
        (2, Some(Tag::Fiche), b"ACTIF") => Tag::Actif,
        (2, Some(Tag::Fiche), b"DATE_FIN_ENREGISTREMENT") => Tag::Fin,
        (2, Some(Tag::Fiche), b"BLOCS_COMPETENCES") => Tag::Blocs,
        (3, Some(Tag::Blocs), b"BLOC_COMPETENCES") => Tag::Bloc,
        (4, Some(Tag::Bloc), b"CODE") => Tag::Code,
        _ => Tag::Other,
    }
}

impl Current {
    fn slot(&mut self, t: Tag) -> Option<&mut String> {
        match t {
            Tag::Numero => Some(&mut self.numero),
            Tag::Intitule => Some(&mut self.intitule),
            Tag::Actif => Some(&mut self.actif),
            Tag::Fin => Some(&mut self.fin),
            Tag::Code => self.blocs.last_mut(),
            _ => None,
        }
    }

    fn push_text(&mut self, t: Tag, text: &str) {
        if let Some(s) = self.slot(t) {
            if s.len() + text.len() <= MAX_TEXT {
                s.push_str(text);
            }
        }
    }
}

/// Reads an export.
pub fn read<R: BufRead>(input: R, file: &str) -> Result<Export, Error> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::with_capacity(16 * 1024);
    // Tags of the open elements below the root; `depth` counts them all.
    let mut stack: Vec<Tag> = Vec::new();
    let mut root_seen = false;
    let mut version = None::<String>;
    let mut in_version = false;
    let mut current = Current::default();
    let mut rncp = Certifications::new(Repertoire::Rncp);
    let mut rs = Certifications::new(Repertoire::Rs);
    let malformed = |e: &dyn std::fmt::Display, pos: u64| {
        Error::referentiel(
            file,
            format!("XML illisible vers l'octet {pos} ({e})"),
            format!("unreadable XML near byte {pos} ({e})"),
        )
    };
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| malformed(&e, pos))?;
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let empty = matches!(event, Event::Empty(_));
                if !root_seen {
                    root_seen = true;
                    if s.name().0 != "FICHES" {
                        return Err(Error::referentiel(
                            file,
                            "racine FICHES attendue",
                            "root FICHES expected",
                        ));
                    }
                    continue;
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(&"imbrication trop profonde", pos));
                }
                let t = tag(
                    stack.len() + 1,
                    stack.last().copied(),
                    s.name().0.as_bytes(),
                );
                in_version = stack.is_empty() && s.name().0 == "VERSION_FLUX";
                match t {
                    Tag::Fiche => current = Current::default(),
                    Tag::Code => current.blocs.push(String::new()),
                    _ => {}
                }
                if empty {
                    end(t, &mut current, &mut rncp, &mut rs);
                } else {
                    stack.push(t);
                }
            }
            Event::Text(ref t) => {
                let text = t.xml10_content();
                if in_version {
                    version
                        .get_or_insert_with(String::new)
                        .push_str(text.trim());
                } else if let Some(&top) = stack.last() {
                    current.push_text(top, &text);
                }
            }
            Event::CData(ref c) => {
                if let Some(&top) = stack.last() {
                    current.push_text(top, &c.xml10_content());
                }
            }
            Event::GeneralRef(ref r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    predefined_entity(r)
                };
                if let (Some(c), Some(&top)) = (c, stack.last()) {
                    current.push_text(top, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(_) => {
                in_version = false;
                if let Some(t) = stack.pop() {
                    end(t, &mut current, &mut rncp, &mut rs);
                }
            }
            Event::DocType(_) => {
                return Err(Error::referentiel(
                    file,
                    "DTD refusée (l'export France Compétences n'en a pas)",
                    "DTD refused (the France Compétences export has none)",
                ));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !root_seen {
        return Err(Error::referentiel(
            file,
            "document XML vide",
            "empty XML document",
        ));
    }
    let rncp = (!rncp.is_empty()).then(|| {
        rncp.finish();
        rncp
    });
    let rs = (!rs.is_empty()).then(|| {
        rs.finish();
        rs
    });
    Ok(Export { rncp, rs, version })
}

/// The end of an element: a whole fiche goes into its table.
fn end(t: Tag, current: &mut Current, rncp: &mut Certifications, rs: &mut Certifications) {
    if t != Tag::Fiche {
        return;
    }
    let c = std::mem::take(current);
    let Some((repertoire, number)) = Repertoire::split(&c.numero) else {
        return;
    };
    let table = match repertoire {
        Repertoire::Rncp => rncp,
        Repertoire::Rs => rs,
    };
    // RS fiches have no blocs; the XML export says so by giving none.
    table.expect_blocs();
    table.push(
        number,
        c.intitule.trim(),
        c.actif.trim().eq_ignore_ascii_case("Oui"),
        code::date(&c.fin),
    );
    for b in c.blocs.iter().filter(|b| !b.trim().is_empty()) {
        table.push_bloc(number, b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- a comment -->
<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>
  <FICHE>
    <NUMERO_FICHE>RNCP40792</NUMERO_FICHE>
    <INTITULE>Titre &amp; sous-titre &#233;</INTITULE>
    <SI_JURY_FI><ACTIF>Non</ACTIF></SI_JURY_FI>
    <DATE_FIN_ENREGISTREMENT>31/08/2028</DATE_FIN_ENREGISTREMENT>
    <BLOCS_COMPETENCES>
      <BLOC_COMPETENCES><CODE>RNCP40792BC01</CODE><LIBELLE>Bloc</LIBELLE></BLOC_COMPETENCES>
    </BLOCS_COMPETENCES>
    <CORRESPONDANCES><CORRESPONDANCE><SOURCE><BLOC_COMPETENCES><CODE>RNCP1BC01</CODE></BLOC_COMPETENCES></SOURCE></CORRESPONDANCE></CORRESPONDANCES>
    <ACTIF>Oui</ACTIF>
  </FICHE>
  <FICHE><NUMERO_FICHE>RS5000</NUMERO_FICHE><ACTIF>Non</ACTIF><INTITULE/></FICHE>
</FICHES>"#;

    #[test]
    fn reads_direct_children_only() {
        assert!(is_export(EXPORT.as_bytes()));
        assert!(!is_export(b"<lheo/>"));
        assert!(!is_export(b"<FICHESX/>"));
        let e = read(EXPORT.as_bytes(), "x.xml").unwrap();
        assert_eq!(e.version.as_deref(), Some("4.1"));
        let rncp = e.rncp.unwrap();
        let f = rncp.get(40792).unwrap();
        assert!(f.active);
        assert_eq!(f.title, "Titre & sous-titre é");
        assert!(rncp.has_bloc(40792, "RNCP40792BC01"));
        assert!(!rncp.has_bloc(40792, "RNCP1BC01"));
        assert_eq!(rncp.blocs(), Some(1));
        let rs = e.rs.unwrap();
        assert!(!rs.get(5000).unwrap().active);
    }

    #[test]
    fn refuses_a_dtd() {
        let doc = "<!DOCTYPE FICHES [<!ENTITY a 'b'>]><FICHES/>";
        assert!(read(doc.as_bytes(), "x.xml").is_err());
    }
}
