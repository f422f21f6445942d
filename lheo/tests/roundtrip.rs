//! Real feeds read → write losslessly, and the output is valid LHEO 2.3.
//!
//! For every XSD-valid feed of `../shared/corpus/real` (2.3 as is, 2.x after swapping the
//! namespace for 2.3, as SOURCES.md does): read → write gives a document that `xmllint`
//! validates against the official XSD and that has the same elements, attributes and text as
//! the input (see `support::compare`); read → write → read gives an equal model; writing is
//! deterministic; the streaming writer writes the same bytes. Feeds that are not XSD-valid
//! are refused by `read_document` with a clear error.

mod support;

use std::path::{Path, PathBuf};

use lheo::reader::{read_document, Reader};
use lheo::writer::{to_string, write_document, StreamWriter};
use lheo::Document;
use support::compare::{lossless, Stats};

/// The corpus split by the XSD's verdict (2.x namespaces swapped for 2.3).
struct Corpus {
    oracle: support::Oracle,
    valid: Vec<PathBuf>,
    invalid: Vec<(PathBuf, String)>,
}

fn corpus() -> Option<Corpus> {
    let oracle = support::oracle(true)?;
    let files = oracle.corpus();
    assert!(!files.is_empty(), "no feed in corpus/real");
    let texts: Vec<Vec<u8>> = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).expect("read corpus file");
            match String::from_utf8(bytes) {
                Ok(s) => support::as_2_3(&s).into_bytes(),
                Err(e) => e.into_bytes(),
            }
        })
        .collect();
    let refs: Vec<&[u8]> = texts.iter().map(Vec::as_slice).collect();
    let verdicts = oracle.validate_all(&refs);
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for (f, v) in files.into_iter().zip(verdicts) {
        match v {
            Ok(()) => valid.push(f),
            Err(e) => invalid.push((f, e)),
        }
    }
    Some(Corpus {
        oracle,
        valid,
        invalid,
    })
}

fn name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

fn read(p: &Path) -> Document {
    let bytes = std::fs::read(p).expect("read corpus file");
    read_document(&bytes[..]).unwrap_or_else(|e| panic!("{}: {e}", name(p)))
}

/// SOURCES.md lists which feeds the XSD accepts: the test must see the same split.
#[test]
fn corpus_split_matches_sources() {
    let Some(c) = corpus() else { return };
    let valid: Vec<String> = c.valid.iter().map(|p| name(p)).collect();
    for expected in [
        "intercarif-grandest-fli-2.3-anonymise.xml",
        "onisep-bts-nrc-2.2.xml",
        "intercarif-centre-etoile-plaquiste-2.2.xml",
        "intercarif-occitanie-daeu-2.2.xml",
        "intercarif-poec-gestionnaire-paie-2.2.xml",
        "intercarif-trouvermaformation-financeur16-2.2.xml",
        "intercarif-lheo-index-resumes-paris-2.2.xml",
        "intercarif-lheo-index-resume-single-2.2.xml",
    ] {
        assert!(
            valid.iter().any(|v| v == expected),
            "{expected} should be XSD-valid"
        );
    }
    for (p, _) in &c.invalid {
        let n = name(p);
        assert!(
            n.starts_with("anotea")
                || n.starts_with("edof")
                || p.to_string_lossy().contains("legacy-1.3"),
            "{n} is unexpectedly not XSD-valid"
        );
    }
}

#[test]
fn valid_feeds_roundtrip_losslessly_and_validate() {
    let Some(c) = corpus() else { return };
    let mut outputs = Vec::new();
    let mut total = Stats::default();
    for p in &c.valid {
        let input = support::as_2_3(&std::fs::read_to_string(p).expect("UTF-8 feed"));
        let doc = read(p);
        let out = to_string(&doc);
        let stats = lossless(&input, &out).unwrap_or_else(|e| panic!("{}: {e}", name(p)));
        eprintln!(
            "{}: {} elements, {} attributes, {} texts identical",
            name(p),
            stats.elements,
            stats.attributes,
            stats.texts
        );
        total += stats;
        outputs.push(out);
    }
    let refs: Vec<&[u8]> = outputs.iter().map(|o| o.as_bytes()).collect();
    for (p, v) in c.valid.iter().zip(c.oracle.validate_all(&refs)) {
        if let Err(e) = v {
            panic!("{}: the output is not valid LHEO 2.3:\n{e}", name(p));
        }
    }
    eprintln!(
        "{} feeds: {} elements, {} attributes, {} texts identical; outputs XSD-valid",
        c.valid.len(),
        total.elements,
        total.attributes,
        total.texts
    );
}

#[test]
fn read_write_read_is_identity_and_writing_is_deterministic() {
    let Some(c) = corpus() else { return };
    for p in &c.valid {
        let doc = read(p);
        let first = to_string(&doc);
        let again = read_document(first.as_bytes())
            .unwrap_or_else(|e| panic!("{}: output unreadable: {e}", name(p)));
        assert_eq!(
            again,
            doc,
            "{}: read → write → read changed the model",
            name(p)
        );
        assert_eq!(to_string(&doc), first, "{}: two writes differ", name(p));
        assert_eq!(
            to_string(&again),
            first,
            "{}: rewriting changes the bytes",
            name(p)
        );
    }
}

/// Reads `bytes` record by record and writes them with a [`StreamWriter`].
fn stream_copy(bytes: &[u8], head: &Document) -> Vec<u8> {
    let mut reader = Reader::new(bytes).expect("reader");
    let mut w = StreamWriter::new(Vec::new(), head).expect("start");
    while let Some(record) = reader.next_record() {
        w.write_record(&record.expect("record"))
            .expect("write record");
    }
    assert!(!reader.failed(), "{:?}", reader.take_diagnostics());
    w.set_envelope(head).expect("same root");
    w.finish().expect("finish")
}

/// `doc` without its records.
fn envelope(doc: &Document) -> Document {
    let mut d = doc.clone();
    match &mut d {
        Document::Lheo(l) => l.offres.formation.clear(),
        Document::LheoIndex(i) => {
            if let Some(r) = &mut i.resumes_offres {
                r.resume_offre.clear();
            }
            if let Some(r) = &mut i.resumes_organismes {
                r.resume_organisme.clear();
            }
        }
        Document::LheoPlus(p) => {
            if let Some(l) = &mut p.lheo {
                l.offres.formation.clear();
            }
            p.organisme_formation_responsable.clear();
        }
    }
    d
}

#[test]
fn stream_writer_writes_the_same_bytes() {
    let Some(c) = corpus() else { return };
    for p in &c.valid {
        let bytes = std::fs::read(p).expect("read");
        let doc = read(p);
        let mut whole = Vec::new();
        write_document(&doc, &mut whole).expect("write");
        let streamed = stream_copy(&bytes, &envelope(&doc));
        assert!(
            streamed == whole,
            "{}: streamed output differs:\n{}",
            name(p),
            String::from_utf8_lossy(&streamed)
        );
        let at_once = StreamWriter::new(Vec::new(), &doc).and_then(StreamWriter::finish);
        assert_eq!(
            at_once.expect("write"),
            whole,
            "{}: new(doc).finish()",
            name(p)
        );
    }
}

#[test]
fn invalid_feeds_are_refused_clearly() {
    let Some(c) = corpus() else { return };
    assert!(
        c.invalid.len() >= 8,
        "anotea, edof and legacy-1.3 are not XSD-valid"
    );
    for (p, why) in &c.invalid {
        let bytes = std::fs::read(p).expect("read");
        let result = std::panic::catch_unwind(|| read_document(&bytes[..]));
        let Ok(result) = result else {
            panic!("{}: read_document panicked", name(p))
        };
        match result {
            Ok(_) => panic!(
                "{}: read_document accepted a feed the XSD refuses:\n{why}",
                name(p)
            ),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.len() > 20, "{}: unclear error {msg:?}", name(p));
                eprintln!("{}: refused: {msg}", name(p));
            }
        }
    }
}
