//! Model → XML → model is the identity on random valid values.

mod support;

use lheo::reader::read_document;
use lheo::writer::to_string;
use lheo::Document;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn formation_roundtrips(f in support::strategies::formation()) {
        let mut l = lheo::Lheo::default();
        l.offres.formation.push(f);
        let doc = Document::Lheo(l);
        let xml = to_string(&doc);
        let back = read_document(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(back, doc);
    }
}
