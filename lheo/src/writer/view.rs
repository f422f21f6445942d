//! A record written straight from an element view ([`NodeView`]: a record's capture read in
//! place), without building its model: the bytes [`serialize`](super::serialize) writes for the
//! model that [`FromView`] builds from the same view. The model writes its children in schema
//! order and its values as their types write them; the view is written in document order with
//! the same text ([`written_text`]). Where the two could differ (children out of schema order,
//! which the model puts back in order; anything the model refuses: a repeated or missing
//! element, an unknown one, a value or an attribute not allowed), the view is not written
//! ([`Unfit`]) and the caller builds the model, which gives the same bytes or the error.
//! Free content (`extras`) is written through its model, which chooses its prefixes again.

use std::borrow::Cow;
use std::io::Write;

use super::stream::{Serialized, Slot};
use super::xml::{WriteXml, XmlWriter};
use crate::model::{written_text, Extra, Extras};
use crate::reader::{FromView, NodeView, ViewChild};
use crate::schema::{self, id, Content, ElementDecl, Particle};

/// The view cannot be written as its model would be: build the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unfit;

/// The most attributes an element declares beyond the standard ones (`href`, `file`,
/// `datemaj`, `datecrea`); an element declaring more is written through its model.
const EXTRA_ATTRIBUTES: usize = 4;

/// Writes the record whose root element is `n` to `out` as [`serialize`](super::serialize)
/// writes the record built from `n` (or fails as building or writing it fails): straight from
/// the view, or through the model where the view is [`Unfit`].
pub(crate) fn serialize_from<'a, N: NodeView<'a>>(
    n: N,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<Serialized, crate::Error> {
    let start = out.len();
    match serialize_view(n, depth, out) {
        Ok(serialized) => Ok(serialized),
        Err(Unfit) => {
            out.truncate(start);
            let record = crate::reader::build_record(n)?;
            Ok(super::serialize(&record, depth, out)?)
        }
    }
}

/// Writes the record whose root element is `n` to `out`, as [`serialize`](super::serialize)
/// writes the record built from `n`. On [`Unfit`], `out` may hold part of the record.
fn serialize_view<'a, N: NodeView<'a>>(
    n: N,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<Serialized, Unfit> {
    let slot = match n.id() {
        Some(id::FORMATION) => Slot::Formations,
        Some(id::RESUME_OFFRE) => Slot::ResumesOffres,
        Some(id::RESUME_ORGANISME) => Slot::ResumesOrganismes,
        Some(id::ORGANISME_FORMATION_RESPONSABLE) => Slot::Organismes,
        _ => return Err(Unfit),
    };
    let mut w = XmlWriter::at_depth(out, depth);
    element(n, &mut w)?;
    Ok(Serialized { slot, depth })
}

/// Writes `n` as the model of its declaration writes it.
fn element<'a, N: NodeView<'a>, W: Write>(n: N, w: &mut XmlWriter<W>) -> Result<(), Unfit> {
    let decl = schema::element(n.id().ok_or(Unfit)?);
    match decl.content {
        Content::Sequence(particles) => sequence(n, decl, particles, w),
        Content::Simple(st) => {
            let text = only_text(n)?;
            let text = written_text(st, &text).ok_or(Unfit)?;
            let attrs = n.standard_attributes().ok_or(Unfit)?;
            w.simple_of(decl.name, attrs.iter(n), &text)
                .map_err(|_| Unfit)
        }
        // Free content: through its model.
        Content::Choice { .. } => {
            let extras = Extras::from_view(n).map_err(|_| Unfit)?;
            extras.write_xml(decl.name, w).map_err(|_| Unfit)
        }
        Content::Any => {
            let extra = Extra::from_view(n).map_err(|_| Unfit)?;
            extra.write_xml(decl.name, w).map_err(|_| Unfit)
        }
    }
}

/// The text of a simple element, as [`NodeView::text`] gives it, in the same pass that finds
/// no child element in it (one is [`Unfit`]: the model refuses it).
fn only_text<'a, N: NodeView<'a>>(n: N) -> Result<Cow<'a, str>, Unfit> {
    let mut text = Cow::Borrowed("");
    for c in n.children() {
        match c {
            ViewChild::Element(_) => return Err(Unfit),
            ViewChild::Text(t) if text.is_empty() => text = Cow::Borrowed(t),
            ViewChild::Text(t) => text.to_mut().push_str(t),
        }
    }
    Ok(text)
}

/// An element of element-only content: its attributes, then its children, each in its place
/// in the sequence (a child before the one it follows in the schema, a second one where one is
/// allowed, an element of no particle, a required one missing, or text other than white
/// space: [`Unfit`]). One pass over the children: what was written before an [`Unfit`] is
/// dropped by [`serialize_from`].
fn sequence<'a, N: NodeView<'a>, W: Write>(
    n: N,
    decl: &ElementDecl,
    particles: &[Particle],
    w: &mut XmlWriter<W>,
) -> Result<(), Unfit> {
    let attrs = n.standard_attributes().ok_or(Unfit)?;
    let names = decl.extra_attributes;
    if names.len() > EXTRA_ATTRIBUTES || particles.len() > 64 {
        return Err(Unfit);
    }
    let mut extra = [("", None); EXTRA_ATTRIBUTES];
    for (slot, &name) in extra.iter_mut().zip(names) {
        *slot = (name, n.attr_value(name));
    }
    w.open_of(decl.name, attrs.iter(n), &extra[..names.len()])
        .map_err(|_| Unfit)?;
    // The particle the last child took, and the particles taken so far.
    let mut at = 0;
    let mut taken = 0u64;
    for c in n.children() {
        // Stray text: the model refuses it (as `element_children` does, in the same pass).
        if c.is_stray_text() {
            return Err(Unfit);
        }
        let ViewChild::Element(c) = c else { continue };
        let id = c.id().ok_or(Unfit)?;
        let i = at
            + particles
                .get(at..)
                .and_then(|rest| rest.iter().position(|p| p.element == id))
                .ok_or(Unfit)?;
        let once = particles.get(i).is_some_and(|p| p.max == Some(1));
        if once && taken & (1 << i) != 0 {
            return Err(Unfit);
        }
        taken |= 1 << i;
        at = i;
        element(c, w)?;
    }
    let missing = particles
        .iter()
        .enumerate()
        .any(|(i, p)| p.min == 1 && p.max == Some(1) && taken & (1 << i) == 0);
    if missing {
        return Err(Unfit);
    }
    w.close(decl.name).map_err(|_| Unfit)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::generate::{GenerateOptions, Generator, Root};
    use crate::model::{QName, XmlAttribute};
    use crate::reader::log::{captures, real_feeds};
    use crate::reader::tree::{Child, Node};

    /// What the model gives for the record whose root is `n`: its bytes, or its error.
    fn through_the_model<'a, N: NodeView<'a>>(n: N) -> Result<Vec<u8>, String> {
        let written = || -> Result<Vec<u8>, crate::Error> {
            let mut out = Vec::new();
            let record = crate::reader::build_record(n)?;
            super::super::serialize(&record, 2, &mut out)?;
            Ok(out)
        };
        written().map_err(|e| format!("{e:?}"))
    }

    /// What [`serialize_from`] gives, and whether it wrote the view itself.
    fn from_the_view<'a, N: NodeView<'a>>(n: N) -> (Result<Vec<u8>, String>, bool) {
        let direct = serialize_view(n, 2, &mut Vec::new()).is_ok();
        let mut out = b"before".to_vec();
        let written = serialize_from(n, 2, &mut out)
            .map(|_| out.split_off(6))
            .map_err(|e| format!("{e:?}"));
        (written, direct)
    }

    /// The records of `xml`, each written from its capture and from its tree, against the
    /// model; returns how many were written without it.
    fn same_as_the_model(xml: &str) -> usize {
        let logs = captures(xml);
        assert!(!logs.is_empty(), "no record in {xml}");
        let mut direct = 0;
        for log in &logs {
            let expected = through_the_model(log.root());
            for (written, view) in [from_the_view(log.root()), from_the_view(&log.to_node())] {
                assert_eq!(written, expected, "{}", log.path);
                direct += usize::from(view);
            }
        }
        direct / 2
    }

    fn offers(formations: &str) -> String {
        format!(
            r#"<lheo xmlns="http://lheo.gouv.fr/2.3" xmlns:x="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><offres>{formations}</offres></lheo>"#
        )
    }

    #[test]
    fn generated_records_are_written_without_their_model() {
        for (root, seed) in [
            (Root::Lheo, 1),
            (Root::Lheo, 11),
            (Root::LheoIndex, 2),
            (Root::LheoPlus, 3),
        ] {
            let options = GenerateOptions::new(20).with_seed(seed).with_root(root);
            let xml = Generator::new(options).to_xml_string();
            let records = captures(&xml).len();
            assert_eq!(same_as_the_model(&xml), records, "{root:?}");
        }
    }

    #[test]
    fn real_records_are_written_as_their_model() {
        let (mut records, mut direct) = (0, 0);
        for (_, xml) in real_feeds().unwrap_or_default() {
            records += captures(&xml).len();
            direct += same_as_the_model(&xml);
        }
        eprintln!("{direct} of {records} records written directly");
        // Real feeds are mostly valid: most records are written without their model.
        assert!(
            direct * 2 >= records,
            "{direct} of {records} written directly"
        );
    }

    /// A formation with its required children and `attributes`, `inside` after
    /// `code-niveau-entree`.
    fn formation(attributes: &str, inside: &str) -> String {
        format!(
            "<formation{attributes}><domaine-formation/><intitule-formation>Plaquiste</intitule-formation><objectif-formation>o</objectif-formation><resultats-attendus>r</resultats-attendus><contenu-formation>c</contenu-formation><certifiante>0</certifiante><contact-formation><coordonnees/></contact-formation><parcours-de-formation>1</parcours-de-formation><code-niveau-entree>0</code-niveau-entree>{inside}</formation>"
        )
    }

    #[test]
    fn values_attributes_and_order_give_the_models_bytes() {
        let organisme = "<organisme-formation-responsable><numero-activite>11111111111</numero-activite><SIRET-organisme-formation><SIRET>11111111111111</SIRET></SIRET-organisme-formation><nom-organisme>n</nom-organisme><raison-sociale>r</raison-sociale><coordonnees-organisme><coordonnees/></coordonnees-organisme><contact-organisme><coordonnees/></contact-organisme></organisme-formation-responsable>";
        // (attributes of the formation, what follows code-niveau-entree, written directly?)
        let cases: Vec<(&str, String, bool)> = vec![
            ("", organisme.to_owned(), true),
            // Attributes in another order, declared ones, xsi:schemaLocation.
            (
                r#" datecrea="20240101" xsi:schemaLocation="a b" href="h" tag="t" numero="F1""#,
                organisme.to_owned(),
                true,
            ),
            // An attribute not allowed, a prefixed one.
            (r#" nope="1""#, organisme.to_owned(), false),
            (r#" x:numero="1""#, organisme.to_owned(), false),
            // Values written again: trimmed codes, numbers as i64 writes them.
            (
                "",
                format!("<objectif-general-formation> 6\n</objectif-general-formation>{organisme}"),
                true,
            ),
            (
                "",
                format!("<objectif-general-formation>99</objectif-general-formation>{organisme}"),
                false,
            ),
            // Out of order: the model puts it back (not written directly).
            (
                "",
                format!("{organisme}<objectif-general-formation>6</objectif-general-formation>"),
                false,
            ),
            // Repeated, unknown, stray text, extras with prefixes.
            ("", format!("{organisme}{organisme}"), false),
            ("", format!("<inconnu/>{organisme}"), false),
            ("", format!("du texte{organisme}"), false),
            // Stray text after children already written (dropped with them), white space
            // between children (left out).
            ("", format!("{organisme}du texte"), false),
            ("", format!("\n  {organisme}\n"), true),
            ("", format!("{organisme}<x:libre/>"), false),
            (
                "",
                format!(
                    r#"{organisme}<extras info="i"><extra x:k="v">un <x:b a="1">gras</x:b> &amp; <![CDATA[<c>]]></extra></extras>"#
                ),
                true,
            ),
            // Missing required (no organisme).
            ("", String::new(), false),
        ];
        for (attributes, inside, direct) in cases {
            let xml = offers(&formation(attributes, &inside));
            assert_eq!(same_as_the_model(&xml), usize::from(direct), "{xml}");
        }
    }

    #[test]
    fn every_element_can_be_written_without_its_model() {
        // Within the bounds of the walk: no element is left to its model for its size.
        for e in schema::ELEMENTS.iter() {
            assert!(e.extra_attributes.len() <= EXTRA_ATTRIBUTES, "{}", e.name);
            if let Content::Sequence(particles) = e.content {
                assert!(particles.len() <= 64, "{}", e.name);
            }
        }
    }

    #[test]
    fn written_text_is_what_the_value_types_write() {
        let st = |name: &str| match schema::element(schema::element_id(name).unwrap()).content {
            Content::Simple(st) => st,
            _ => panic!("{name} is not simple"),
        };
        let cases = [
            // xs:long
            ("nb-places", " +0012 ", Some("12")),
            ("nb-places", "-0", Some("0")),
            ("nb-places", "-05", Some("-5")),
            ("nb-places", "0", Some("0")),
            ("nb-places", "120", Some("120")),
            ("nb-places", "1 2", None),
            ("nb-places", "", None),
            // date
            ("debut", " 20250101\n", Some("20250101")),
            ("debut", "2025-01-01", None),
            // dictionary
            ("certifiante", "\t1 ", Some("1")),
            ("certifiante", "2", None),
            // string: as it is
            ("intitule-formation", "  a  b ", Some("  a  b ")),
        ];
        for (name, text, expected) in cases {
            assert_eq!(
                written_text(st(name), text).as_deref(),
                expected,
                "{name} {text:?}"
            );
        }
    }

    /// Changes proptest makes to a record's tree.
    #[derive(Debug, Clone)]
    enum Change {
        /// Swaps two children of the `at`-th element.
        Swap(usize, usize, usize),
        /// Repeats a child of the `at`-th element.
        Repeat(usize, usize),
        /// Removes a child of the `at`-th element.
        Remove(usize, usize),
        /// Replaces the text of the `at`-th element without child elements.
        Text(usize, &'static str),
        /// Adds a copy of the `from`-th element at the end of the `at`-th one.
        Adopt(usize, usize),
        /// Adds an attribute to the `at`-th element.
        Attribute(usize, Option<&'static str>, &'static str),
    }

    fn change() -> impl Strategy<Value = Change> {
        let texts = prop::sample::select(vec![
            " 12 ",
            "+0012",
            "-0",
            "007",
            "x",
            "",
            " 20250101",
            "20250230",
            "1 2",
            " 1",
            "0",
            "9223372036854775808",
        ]);
        let names = prop::sample::select(vec![
            "numero",
            "href",
            "datemaj",
            "tag",
            "nope",
            "schemaLocation",
        ]);
        let spaces = prop::sample::select(vec![
            None,
            Some("urn:x"),
            Some("http://www.w3.org/2001/XMLSchema-instance"),
        ]);
        let at = 0..400usize;
        prop_oneof![
            (at.clone(), 0..20usize, 0..20usize).prop_map(|(a, i, j)| Change::Swap(a, i, j)),
            (at.clone(), 0..20usize).prop_map(|(a, i)| Change::Repeat(a, i)),
            (at.clone(), 0..20usize).prop_map(|(a, i)| Change::Remove(a, i)),
            (at.clone(), texts).prop_map(|(a, t)| Change::Text(a, t)),
            (at.clone(), at.clone()).prop_map(|(a, f)| Change::Adopt(a, f)),
            (at, spaces, names).prop_map(|(a, s, n)| Change::Attribute(a, s, n)),
        ]
    }

    /// The `at`-th element of `n` in document order (modulo their number) among those
    /// `which` takes.
    fn nth(n: &mut Node, at: usize, which: fn(&Node) -> bool) -> &mut Node {
        fn count(n: &Node, which: fn(&Node) -> bool) -> usize {
            usize::from(which(n))
                + n.children
                    .iter()
                    .map(|c| match c {
                        Child::Element(e) => count(e, which),
                        Child::Text(_) => 0,
                    })
                    .sum::<usize>()
        }
        fn find(n: &mut Node, mut at: usize, which: fn(&Node) -> bool) -> Result<&mut Node, usize> {
            if which(n) {
                if at == 0 {
                    return Ok(n);
                }
                at -= 1;
            }
            for c in &mut n.children {
                if let Child::Element(e) = c {
                    match find(e, at, which) {
                        Ok(found) => return Ok(found),
                        Err(left) => at = left,
                    }
                }
            }
            Err(at)
        }
        let at = at % count(n, which).max(1);
        // With none taken, the root.
        if find(n, at, which).is_err() {
            return n;
        }
        match find(n, at, which) {
            Ok(found) => found,
            Err(_) => unreachable!("found above"),
        }
    }

    fn any(_: &Node) -> bool {
        true
    }

    fn leaf(n: &Node) -> bool {
        !n.children.iter().any(|c| matches!(c, Child::Element(_)))
    }

    fn apply(root: &mut Node, change: &Change) {
        match *change {
            Change::Swap(at, i, j) => {
                let n = nth(root, at, any);
                let len = n.children.len();
                if len > 1 {
                    n.children.swap(i % len, j % len);
                }
            }
            Change::Repeat(at, i) => {
                let n = nth(root, at, any);
                if !n.children.is_empty() {
                    let c = n.children[i % n.children.len()].clone();
                    n.children.insert(i % n.children.len(), c);
                }
            }
            Change::Remove(at, i) => {
                let n = nth(root, at, any);
                if !n.children.is_empty() {
                    let len = n.children.len();
                    n.children.remove(i % len);
                }
            }
            Change::Text(at, text) => {
                let n = nth(root, at, leaf);
                n.children.retain(|c| matches!(c, Child::Element(_)));
                n.children.push(Child::Text(text.to_owned()));
            }
            Change::Adopt(at, from) => {
                let copy = nth(root, from, any).clone();
                nth(root, at, any).children.push(Child::Element(copy));
            }
            Change::Attribute(at, namespace, local) => {
                let n = nth(root, at, any);
                n.attributes.retain(|a| {
                    !(a.name.local == local && a.name.namespace.as_deref() == namespace)
                });
                n.attributes.insert(
                    0,
                    XmlAttribute {
                        name: QName {
                            namespace: namespace.map(|s| s.to_owned().into()),
                            local: local.to_owned().into(),
                        },
                        value: "v".to_owned(),
                    },
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        /// Whatever is changed in a record, what is written is what the model writes (or
        /// the model's error).
        #[test]
        fn a_changed_record_is_written_as_its_model(
            seed in 0..6u64,
            record in 0..4usize,
            changes in prop::collection::vec(change(), 1..4),
        ) {
            let options = GenerateOptions::new(4).with_seed(seed).with_root(Root::LheoPlus);
            let logs = captures(&Generator::new(options).to_xml_string());
            let mut node = logs[record % logs.len()].to_node();
            for c in &changes {
                apply(&mut node, c);
            }
            let (written, _) = from_the_view(&node);
            prop_assert_eq!(written, through_the_model(&node));
        }
    }
}
