//! Random valid LHEO values (see `support::strategies`) survive writing and reading.
//!
//! - model → XML → model is the identity (formations in an `lheo` document, and documents of
//!   the three kinds), and writing is deterministic;
//! - XML written by the test itself reads as the model built from the same tree, and the
//!   library's output of it is lossless (`support::compare`);
//! - the streaming writer writes the same bytes as `write_document`;
//! - the strategies make XSD-valid documents, and the library's outputs of them are valid
//!   (with `xmllint`).
//!
//! Cases per property: `PROPTEST_CASES`, else 32 (the suite stays fast on 2 cores).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use lheo::reader::{read_document, FromNode, Reader};
use lheo::schema::id;
use lheo::writer::{to_string, write_document, StreamWriter};
use lheo::{Document, Lheo};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use support::strategies;
use support::trees::to_xml;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(32);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Writes, reads back and checks the model and the bytes are stable.
fn roundtrip(doc: &Document) -> Result<String, TestCaseError> {
    let xml = to_string(doc);
    prop_assert!(!xml.is_empty(), "the model could not be written");
    let back =
        read_document(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
    prop_assert_eq!(&back, doc, "model → XML → model\n{}", xml);
    prop_assert_eq!(
        to_string(&back),
        xml.clone(),
        "writing is not deterministic"
    );
    Ok(xml)
}

/// `doc`'s records through a [`StreamWriter`], from the model and from a [`Reader`].
fn streamed(doc: &Document, xml: &str) -> Result<(), TestCaseError> {
    let mut envelope = doc.clone();
    let mut records: Vec<lheo::reader::Record> = Vec::new();
    match &mut envelope {
        Document::Lheo(l) => records.extend(
            l.offres
                .formation
                .drain(..)
                .map(|f| lheo::reader::Record::Formation(Box::new(f))),
        ),
        Document::LheoIndex(i) => {
            if let Some(r) = &mut i.resumes_offres {
                let all = r.resume_offre.drain(..);
                records.extend(all.map(|x| lheo::reader::Record::ResumeOffre(Box::new(x))));
            }
            if let Some(r) = &mut i.resumes_organismes {
                let all = r.resume_organisme.drain(..);
                records.extend(all.map(|x| lheo::reader::Record::ResumeOrganisme(Box::new(x))));
            }
        }
        Document::LheoPlus(p) => {
            if let Some(l) = &mut p.lheo {
                let all = l.offres.formation.drain(..);
                records.extend(all.map(|f| lheo::reader::Record::Formation(Box::new(f))));
            }
            let all = p.organisme_formation_responsable.drain(..);
            records.extend(all.map(|o| lheo::reader::Record::Organisme(Box::new(o))));
        }
    }
    let mut w = StreamWriter::new(Vec::new(), &envelope)?;
    for r in &records {
        w.write_record(r)?;
    }
    let from_model = String::from_utf8(w.finish()?).unwrap_or_default();
    prop_assert_eq!(&from_model, xml, "StreamWriter from the model");

    let mut reader = Reader::new(xml.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut w = StreamWriter::new(Vec::new(), &envelope)?;
    let mut n = 0;
    while let Some(r) = reader.next_record() {
        w.write_record(&r.map_err(|e| TestCaseError::fail(e.to_string()))?)?;
        n += 1;
    }
    prop_assert_eq!(n, records.len(), "records read");
    let from_reader = String::from_utf8(w.finish()?).unwrap_or_default();
    prop_assert_eq!(&from_reader, xml, "StreamWriter from a Reader");
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn formation_roundtrips(f in strategies::formation()) {
        let mut l = Lheo::default();
        l.offres.formation.push(f);
        roundtrip(&Document::Lheo(l))?;
    }

    #[test]
    fn documents_roundtrip_and_stream(doc in strategies::document()) {
        let xml = roundtrip(&doc)?;
        streamed(&doc, &xml)?;
    }

    #[test]
    fn independent_xml_reads_as_built(node in strategies::valid_node(id::LHEO, 2)) {
        let built = Document::Lheo(Lheo::from_node(&node).map_err(|e| TestCaseError::fail(e.to_string()))?);
        let input = to_xml(&node);
        let read = read_document(input.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{input}")))?;
        prop_assert_eq!(&read, &built);
        let out = to_string(&read);
        support::compare::lossless(&input, &out).map_err(|e| TestCaseError::fail(format!("{e}\n{input}\n{out}")))?;
    }
}

/// `n` values of `strategy`, from a fixed seed.
fn sample<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>, n: usize) -> Vec<T> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).expect("a value").current())
        .collect()
}

#[test]
fn strategies_make_xsd_valid_documents() {
    let Some(oracle) = support::oracle(true) else {
        return;
    };
    let mut docs: Vec<(String, String)> = Vec::new();
    for node in sample(strategies::valid_node(id::LHEO, 2), 12)
        .into_iter()
        .chain(sample(strategies::valid_node(id::LHEO_INDEX, 2), 6))
        .chain(sample(strategies::valid_node(id::LHEO_PLUS, 2), 6))
    {
        let input = to_xml(&node);
        let doc = read_document(input.as_bytes()).expect("reads");
        docs.push((input, to_string(&doc)));
    }
    for doc in sample(strategies::document(), 12) {
        let mut out = Vec::new();
        write_document(&doc, &mut out).expect("writes");
        let out = String::from_utf8(out).expect("UTF-8");
        docs.push((out.clone(), out));
    }
    let all: Vec<&[u8]> = docs
        .iter()
        .flat_map(|(i, o)| [i.as_bytes(), o.as_bytes()])
        .collect();
    let mut valid = 0;
    for (k, v) in oracle.validate_all(&all).into_iter().enumerate() {
        let xml = &all[k];
        match v {
            Ok(()) => valid += 1,
            Err(e) => panic!("not XSD-valid:\n{e}\n{}", String::from_utf8_lossy(xml)),
        }
    }
    eprintln!("{valid} generated documents and outputs XSD-valid");
}
