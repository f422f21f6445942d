//! The path written when a finding needs it ([`Checker::current_path`]) is the path of the
//! open elements whenever it is asked for, and asking for it changes no finding.

use super::{declared, Checker, DocumentInfo};
use crate::diagnostic::{Diagnostic, Profile};
use crate::xml::events::{Limits, XmlEvent, XmlReader};

/// Checks `xml` as the reader drives the checker, asking for the path after the events `ask`
/// picks: the findings, and `(event, path)` for each event asked.
fn check(xml: &str, ask: impl Fn(usize) -> bool) -> (Vec<Diagnostic>, Vec<(usize, String)>) {
    let mut reader = XmlReader::new(xml.as_bytes(), Limits::default());
    let mut checker = Checker::new(Profile::Lheo);
    let mut lheo_ns = None;
    let mut paths = Vec::new();
    for i in 0.. {
        match reader.next_event() {
            Ok(XmlEvent::Start(tag, namespaces)) => {
                if i == 0 {
                    lheo_ns = tag.ns;
                    checker.set_document(DocumentInfo {
                        lheo_ns,
                        is_2_3: true,
                    });
                }
                checker.start(tag, namespaces, declared(tag, lheo_ns));
            }
            Ok(XmlEvent::Text {
                text,
                cdata,
                blank,
                pos,
            }) => checker.text(text, cdata, blank, pos),
            Ok(XmlEvent::End(pos)) => checker.end(pos),
            Ok(XmlEvent::Eof | XmlEvent::Suspend) => break,
            Err(e) => panic!("{e:?}"),
        }
        if ask(i) {
            paths.push((i, checker.path().to_owned()));
        }
    }
    checker.finish();
    (checker.take_diagnostics(), paths)
}

/// A feed with findings at several depths: a misplaced and an unknown element, a repeated
/// one, wrong values, free content with long names, a missing required child.
fn feed() -> String {
    let long = "x".repeat(200);
    let formation = |i: usize| {
        format!(
            "<formation numero=\"F{i}\"><domaine-formation><code-FORMACODE>1234{i}</code-FORMACODE>\
             </domaine-formation><intitule-formation>T{i}</intitule-formation>\
             <objectif-formation>O</objectif-formation><resultats-attendus>R</resultats-attendus>\
             <contenu-formation>C</contenu-formation><certifiante>{}</certifiante>\
             <inconnu/><contact-formation><coordonnees><nom>N</nom></coordonnees>\
             </contact-formation><parcours-de-formation>1</parcours-de-formation>\
             <code-niveau-entree>0</code-niveau-entree>\
             <action><rythme-formation>R</rythme-formation></action>\
             <extras><extra><{long}><{long} a=\"1\">t</{long}></{long}></extra></extras>\
             </formation>",
            if i.is_multiple_of(2) { "1" } else { "oui" }
        )
    };
    let formations: String = (0..4).map(formation).collect();
    format!(
        "<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>{formations}</offres>\
         <offres/></lheo>"
    )
}

#[test]
fn the_path_is_the_same_however_often_it_is_asked_for() {
    let xml = feed();
    let (every, paths) = check(&xml, |_| true);
    assert!(every.len() > 8, "{every:?}");
    assert!(
        paths
            .iter()
            .any(|(_, p)| p.starts_with("/lheo/offres/formation[3]/extras[1]/extra[1]/xxx")),
        "{paths:?}"
    );
    for step in [1, 2, 3, 7, 50] {
        for offset in 0..step.min(5) {
            let (some, asked) = check(&xml, |i| i % step == offset);
            assert_eq!(some, every, "asked every {step} events from {offset}");
            for (i, path) in &asked {
                assert_eq!(Some(path), paths.get(*i).map(|(_, p)| p), "event {i}");
            }
        }
    }
    let (never, _) = check(&xml, |_| false);
    assert_eq!(never, every);
}
