//! `lheo::diff`: pairing by `numero` at every level, changes at the most specific entity,
//! fallbacks, moves, noise that must not count (whitespace, attribute order, LHEO version),
//! ignore rules, and the streaming engine against the in-memory one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lheo::diff::{
    diff_collect, diff_documents, Change, ChangeKind, Diff, DiffOptions, DocumentSource, Fallback,
    Side, XmlSource,
};
use lheo::generate::{GenerateOptions, Generator};
use lheo::reader::read_document;
use lheo::writer::write_document;
use lheo::{Document, Formation, Lheo};

// ------------------------------------------------------------------------------ helpers

fn generated(formations: u64, seed: u64) -> Vec<u8> {
    let options = GenerateOptions::new(formations)
        .with_seed(seed)
        .with_today(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"));
    let mut out = Vec::new();
    Generator::new(options).write(&mut out).expect("generated");
    out
}

fn doc(xml: &[u8]) -> Document {
    read_document(xml).expect("readable")
}

fn lheo(d: &mut Document) -> &mut Lheo {
    match d {
        Document::Lheo(l) => l,
        _ => panic!("lheo root expected"),
    }
}

fn formations(d: &mut Document) -> &mut Vec<Formation> {
    &mut lheo(d).offres.formation
}

fn xml(d: &Document) -> Vec<u8> {
    let mut out = Vec::new();
    write_document(d, &mut out).expect("written");
    out
}

/// The comparison both ways it can be made: in memory and streaming from XML; they must
/// agree.
fn compare(old: &Document, new: &Document, options: &DiffOptions) -> Diff {
    let memory = diff_documents(old, new, options).expect("compared");
    let (ox, nx) = (xml(old), xml(new));
    let streamed = diff_collect(
        &XmlSource::new(|| Ok(&ox[..])),
        &XmlSource::new(|| Ok(&nx[..])),
        options,
    )
    .expect("compared");
    assert_eq!(
        memory, streamed,
        "in-memory and streaming comparisons differ"
    );
    memory
}

fn one(diff: &Diff) -> &Change {
    assert_eq!(diff.changes.len(), 1, "{:#?}", diff.changes);
    &diff.changes[0]
}

fn base() -> Document {
    doc(&generated(12, 7))
}

/// A formation index with at least two actions, the first with two sessions.
fn rich_formation(d: &mut Document) -> usize {
    formations(d)
        .iter()
        .position(|f| f.action.len() >= 2 && f.action[0].session.len() >= 2)
        .expect("the generated feed has a formation with 2 actions and 2 sessions")
}

// ------------------------------------------------------------------------------ no change

#[test]
fn identical_feeds_have_no_change() {
    let feed = generated(12, 7);
    let d = diff_collect(
        &XmlSource::new(|| Ok(&feed[..])),
        &XmlSource::new(|| Ok(&feed[..])),
        &DiffOptions::default(),
    )
    .expect("compared");
    assert!(d.is_empty(), "{:#?}", d.changes);
}

/// Reverses the attributes of every start tag and re-indents the document: the same data.
fn reshuffle(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() * 2);
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if text.trim().is_empty() && !text.is_empty() {
            out.push_str("\n\t\t  ");
        } else {
            out.push_str(text);
        }
        let gt = rest[lt..].find('>').expect("tag end") + lt;
        let tag = &rest[lt..=gt];
        rest = &rest[gt + 1..];
        if tag.starts_with("</") || tag.starts_with("<?") || tag.starts_with("<!") {
            out.push_str(tag);
            continue;
        }
        let self_closing = tag.ends_with("/>");
        let inner = tag[1..tag.len() - if self_closing { 2 } else { 1 }].trim_end();
        let (name, attrs) = inner.split_once(' ').unwrap_or((inner, ""));
        let mut list = Vec::new();
        let mut a = attrs.trim();
        while let Some(eq) = a.find("=\"") {
            let end = a[eq + 2..].find('"').expect("quote") + eq + 2;
            list.push(a[..=end].trim().to_owned());
            a = a[end + 1..].trim_start();
        }
        list.reverse();
        out.push('<');
        out.push_str(name);
        for attr in list {
            out.push_str("\n    ");
            out.push_str(&attr);
        }
        out.push_str(if self_closing { " />" } else { ">" });
    }
    out.push_str(rest);
    out
}

#[test]
fn attribute_order_and_indentation_make_no_change() {
    let feed = String::from_utf8(generated(12, 7)).expect("UTF-8");
    let shuffled = reshuffle(&feed);
    assert_ne!(feed, shuffled);
    assert!(shuffled.contains("datemaj=") && shuffled.contains("\n\t\t  <"));
    let d = diff_collect(
        &XmlSource::new(|| Ok(feed.as_bytes())),
        &XmlSource::new(|| Ok(shuffled.as_bytes())),
        &DiffOptions::default(),
    )
    .expect("compared");
    assert!(d.is_empty(), "{:#?}", d.changes);
}

#[test]
fn whitespace_inside_texts_is_no_change_unless_exact() {
    let old = base();
    let mut new = old.clone();
    let t = &mut formations(&mut new)[0].intitule_formation.value;
    *t = format!("  {}\n", t.replace(' ', " \n\t "));
    assert!(compare(&old, &new, &DiffOptions::default()).is_empty());
    let exact = DiffOptions::default().with_exact_whitespace(true);
    let d = compare(&old, &new, &exact);
    assert_eq!(one(&d).fields[0].path, "intitule-formation");
}

#[test]
fn reordered_records_and_siblings_make_no_change() {
    let old = base();
    let mut new = old.clone();
    let i = rich_formation(&mut new);
    formations(&mut new).reverse();
    let f = formations(&mut new)
        .iter_mut()
        .rev()
        .nth(i)
        .expect("formation");
    f.action.reverse();
    if let Some(a) = f.action.last_mut() {
        a.session.reverse();
    }
    assert!(compare(&old, &new, &DiffOptions::default()).is_empty());
}

// ------------------------------------------------------------------------------ each level

#[test]
fn a_formation_field_is_a_change_of_the_formation() {
    let old = base();
    let mut new = old.clone();
    formations(&mut new)[2].intitule_formation.value = "Nouvel intitulé".into();
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!((c.kind, c.entity), (ChangeKind::Changed, "formation"));
    assert_eq!(c.path, "/lheo/offres/formation[3]");
    assert_eq!(c.key, formations(&mut new.clone())[2].attrs.numero.clone());
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].path, "intitule-formation");
    assert_eq!(c.fields[0].new.as_deref(), Some("Nouvel intitulé"));
    assert_eq!(c.record.title.as_deref(), Some("Nouvel intitulé"));
    assert_eq!(c.fallback, None);
}

#[test]
fn a_session_end_date_is_a_change_of_the_session_only() {
    let old = base();
    let mut new = old.clone();
    let i = rich_formation(&mut new);
    let s = &mut formations(&mut new)[i].action[0].session[1];
    s.periode.fin = "20991231".parse::<lheo::Date>().expect("date").into();
    let key = s.attrs.numero.clone();
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!((c.kind, c.entity), (ChangeKind::Changed, "session"));
    assert_eq!(c.key, key);
    assert_eq!(
        c.path,
        format!("/lheo/offres/formation[{}]/action[1]/session[2]", i + 1)
    );
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].path, "periode/fin");
    assert_eq!(c.fields[0].new.as_deref(), Some("20991231"));
    assert_eq!(c.record.entity, "formation");
    assert_eq!(c.record.path, format!("/lheo/offres/formation[{}]", i + 1));
}

#[test]
fn action_recrutement_and_organisme_formateur_changes() {
    let old = base();
    let mut new = old.clone();
    let fs = formations(&mut new);
    let (fi, ai) = fs
        .iter()
        .enumerate()
        .find_map(|(fi, f)| {
            f.action
                .iter()
                .position(|a| !a.organisme_formateur.is_empty())
                .map(|ai| (fi, ai))
        })
        .expect("an organisme-formateur");
    let a = &mut fs[fi].action[ai];
    a.rythme_formation.value = "Soirs et week-ends".into();
    a.organisme_formateur[0].raison_sociale_formateur.value = "Autre SA".into();
    let r = a
        .session
        .iter_mut()
        .flat_map(|s| s.recrutement.iter_mut())
        .next()
        .expect("a recrutement");
    r.nb_places = Some(987.into());
    let d = compare(&old, &new, &DiffOptions::default());
    let entities: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.entity, c.fields[0].path.as_str()))
        .collect();
    assert!(
        entities.contains(&("action", "rythme-formation")),
        "{entities:?}"
    );
    assert!(
        entities.contains(&("organisme-formateur", "raison-sociale-formateur")),
        "{entities:?}"
    );
    assert!(
        entities.contains(&("recrutement", "nb-places")),
        "{entities:?}"
    );
    assert_eq!(d.summary.changed, 3, "{:#?}", d.changes);
}

#[test]
fn added_and_removed_at_every_level() {
    let old = base();
    let mut new = old.clone();
    let i = rich_formation(&mut new);
    let fs = formations(&mut new);
    let mut extra = fs[0].clone();
    extra.attrs.numero = Some("NOUVELLE".into());
    let removed_formation = fs.remove(if i == 1 { 2 } else { 1 });
    fs.push(extra);
    let i = if i > 1 { i - 1 } else { i };
    let f = &mut fs[i];
    let removed_action = f.action.remove(1);
    let mut session = f.action[0].session[0].clone();
    session.attrs.numero = Some("S-NOUVELLE".into());
    f.action[0].session.push(session);
    let removed_recrutement = f.action[0].session[0].recrutement.pop();
    let d = compare(&old, &new, &DiffOptions::default());
    let got: BTreeSet<(&str, &str, Option<&str>)> = d
        .changes
        .iter()
        .map(|c| (c.kind.as_str(), c.entity, c.key.as_deref()))
        .collect();
    let mut want = BTreeSet::from([
        ("added", "formation", Some("NOUVELLE")),
        (
            "removed",
            "formation",
            removed_formation.attrs.numero.as_deref(),
        ),
        ("removed", "action", removed_action.attrs.numero.as_deref()),
        ("added", "session", Some("S-NOUVELLE")),
    ]);
    if let Some(r) = &removed_recrutement {
        want.insert(("removed", "recrutement", r.attrs.numero.as_deref()));
    }
    assert_eq!(got, want, "{:#?}", d.changes);
    assert!(d.changes.iter().all(|c| c.fields.is_empty()));
    let added = d
        .changes
        .iter()
        .find(|c| c.key.as_deref() == Some("NOUVELLE"));
    assert_eq!(
        added.map(|c| c.path.as_str()),
        Some(format!("/lheo/offres/formation[{}]", fs_len(&new)).as_str())
    );
}

fn fs_len(d: &Document) -> usize {
    match d {
        Document::Lheo(l) => l.offres.formation.len(),
        _ => 0,
    }
}

#[test]
fn a_session_moved_to_another_action_is_one_change() {
    let old = base();
    let mut new = old.clone();
    let i = rich_formation(&mut new);
    let f = &mut formations(&mut new)[i];
    let mut s = f.action[0].session.remove(1);
    let key = s.attrs.numero.clone();
    s.etat_recrutement = Some(lheo::EtatRecrutement::Ferme.into());
    f.action[1].session.push(s);
    let to = f.action[1].session.len();
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!(
        (c.kind, c.entity, c.moved),
        (ChangeKind::Changed, "session", true)
    );
    assert_eq!(c.key, key);
    assert_eq!(
        c.path,
        format!("/lheo/offres/formation[{}]/action[2]/session[{to}]", i + 1)
    );
    assert_eq!(
        c.old_path.as_deref(),
        Some(format!("/lheo/offres/formation[{}]/action[1]/session[2]", i + 1).as_str())
    );
    assert_eq!(c.fields.len(), 1, "{:#?}", c.fields);
    assert_eq!(c.fields[0].path, "etat-recrutement");
    assert_eq!(c.fields[0].new.as_deref(), Some("2"));
    assert_eq!(c.fields[0].new_label, Some("fermé"));
}

// ------------------------------------------------------------------------------ fallbacks

fn strip_recrutement_numeros(d: &mut Document) {
    for f in formations(d) {
        for a in &mut f.action {
            for s in &mut a.session {
                for r in &mut s.recrutement {
                    r.attrs.numero = None;
                }
            }
        }
    }
}

#[test]
fn without_numero_entities_pair_by_content_then_position() {
    let mut old = base();
    strip_recrutement_numeros(&mut old);
    let (fi, si) = formations(&mut old)
        .iter()
        .enumerate()
        .find_map(|(fi, f)| {
            f.action[0]
                .session
                .iter()
                .position(|s| s.recrutement.len() >= 2)
                .map(|si| (fi, si))
        })
        .expect("a session with 2 recrutements");
    // Reordered: paired by content, no change.
    let mut new = old.clone();
    formations(&mut new)[fi].action[0].session[si]
        .recrutement
        .reverse();
    assert!(compare(&old, &new, &DiffOptions::default()).is_empty());
    // Changed: paired by position, and said so.
    let mut new = old.clone();
    formations(&mut new)[fi].action[0].session[si].recrutement[1].nb_places = Some(321.into());
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!((c.entity, c.key.as_deref()), ("recrutement", None));
    assert_eq!(c.fallback, Some(Fallback::NumeroAbsent));
    assert!(
        c.path
            .ends_with(&format!("session[{}]/recrutement[2]", si + 1)),
        "{}",
        c.path
    );
    // Added.
    let mut new = old.clone();
    let r = &mut formations(&mut new)[fi].action[0].session[si].recrutement;
    r.push(r[0].clone());
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!(
        (c.kind, c.fallback),
        (ChangeKind::Added, Some(Fallback::NumeroAbsent))
    );
}

/// Swaps formations `a` and `b` of `old` (no change), then changes the content of the one now
/// at `b`: one change of that formation, `key`, paired by content (`fallback`). Returns the
/// new document.
fn swapped_then_changed(
    old: &Document,
    (a, b): (usize, usize),
    key: Option<String>,
    fallback: Fallback,
) -> Document {
    let mut new = old.clone();
    formations(&mut new).swap(a, b);
    assert!(compare(old, &new, &DiffOptions::default()).is_empty());
    formations(&mut new)[b].contenu_formation.value = "Programme revu.".into();
    let d = compare(old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!((c.entity, c.key.clone()), ("formation", key));
    assert_eq!(c.fallback, Some(fallback));
    assert_eq!(c.fields[0].path, "contenu-formation");
    new
}

#[test]
fn duplicate_numeros_pair_by_content_then_position() {
    let mut old = base();
    let fs = formations(&mut old);
    let dup = fs[1].attrs.numero.clone();
    fs[0].attrs.numero.clone_from(&dup);
    swapped_then_changed(&old, (0, 1), dup, Fallback::NumeroDuplicate);
}

/// Records without a `numero`, and records whose `numero` is on one side only: the streaming
/// comparison pairs the first by content and leaves the others added or removed, as the
/// comparison in memory does.
#[test]
fn records_without_numero_or_on_one_side_pair_as_in_memory() {
    let mut old = base();
    for f in formations(&mut old).iter_mut().take(3) {
        f.attrs.numero = None;
    }
    let new = swapped_then_changed(&old, (0, 2), None, Fallback::NumeroAbsent);
    // Written otherwise, every record's bytes differ: those without numero are still paired
    // by content (by position, the swapped ones would be two changes more).
    let (ox, nx) = (
        String::from_utf8(xml(&old)).expect("UTF-8"),
        reshuffle(&String::from_utf8(xml(&new)).expect("UTF-8")),
    );
    let streamed = diff_collect(
        &XmlSource::new(|| Ok(ox.as_bytes())),
        &XmlSource::new(|| Ok(nx.as_bytes())),
        &DiffOptions::default(),
    )
    .expect("compared");
    assert_eq!(streamed, compare(&old, &new, &DiffOptions::default()));
    // A numero changed: the old record removed, the new one added.
    let mut renamed = old.clone();
    formations(&mut renamed)[5].attrs.numero = Some("RENOMMEE".into());
    let d = compare(&old, &renamed, &DiffOptions::default());
    let kinds: Vec<_> = d.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds.len(), 2, "{:#?}", d.changes);
    assert!(kinds.contains(&ChangeKind::Added) && kinds.contains(&ChangeKind::Removed));
}

/// A feed sorted otherwise and written otherwise (every record's bytes differ, none where its
/// partner is): the pairs out of order are hashed by content, the one changed record is the
/// one change, with room for pending records or without.
#[test]
fn a_feed_sorted_and_written_otherwise_has_only_its_changes() {
    let old = base();
    let mut new = old.clone();
    formations(&mut new).reverse();
    formations(&mut new)[3].contenu_formation.value = "Programme revu.".into();
    let ox = String::from_utf8(xml(&old)).expect("UTF-8");
    let nx = reshuffle(&String::from_utf8(xml(&new)).expect("UTF-8"));
    let expected = compare(&old, &new, &DiffOptions::default());
    assert_eq!(one(&expected).fields[0].path, "contenu-formation");
    for options in [
        DiffOptions::default(),
        DiffOptions::default().with_pending_budget(1),
    ] {
        let streamed = diff_collect(
            &XmlSource::new(|| Ok(ox.as_bytes())),
            &XmlSource::new(|| Ok(nx.as_bytes())),
            &options,
        )
        .expect("compared");
        assert_eq!(streamed, expected);
    }
}

// ------------------------------------------------------------------------------ attributes, extras, document

#[test]
fn attributes_extras_and_the_document_itself() {
    let old = base();
    let mut new = old.clone();
    let l = lheo(&mut new);
    l.attrs.horodatage_export = Some("2030-01-01T00:00:00Z".into());
    l.offres.formation[0].datemaj = Some("20300101".into());
    l.offres.formation[0].attrs.horodatage_modification = Some("2030-01-01T00:00:00Z".into());
    let d = compare(&old, &new, &DiffOptions::default());
    assert_eq!(d.summary.changed, 2, "{:#?}", d.changes);
    assert_eq!(d.changes[0].entity, "lheo");
    assert_eq!(d.changes[0].path, "/lheo");
    assert_eq!(d.changes[0].fields[0].path, "@horodatage-export");
    let paths: Vec<&str> = d.changes[1]
        .fields
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(paths, ["@horodatage-modification", "@datemaj"]);

    let ignore = |rules: &[&str]| {
        DiffOptions::default().with_ignore(rules.iter().map(|r| r.parse().expect("rule")).collect())
    };
    let d = compare(
        &old,
        &new,
        &ignore(&["horodatage-export", "horodatage-modification", "@datemaj"]),
    );
    assert!(d.is_empty(), "{:#?}", d.changes);
    let d = compare(
        &old,
        &new,
        &ignore(&["/lheo/@horodatage-export", "formation/@datemaj"]),
    );
    assert_eq!(d.summary.changed, 1);
    assert_eq!(d.changes[0].fields.len(), 1);
}

#[test]
fn extras_are_compared_as_fields() {
    let mut old = base();
    formations(&mut old)[0]
        .extras
        .push(lheo::Extras::new("flux").with(lheo::Extra::text("a", "1")));
    let mut new = old.clone();
    let x = &mut formations(&mut new)[0].extras[0];
    *x = x.clone().with(lheo::Extra::text("note", " ajoutée\n"));
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!(c.entity, "formation");
    let fields: Vec<(&str, Option<&str>)> = c
        .fields
        .iter()
        .map(|f| (f.path.as_str(), f.new.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            ("extras[1]/extra[2]/@info", Some("note")),
            ("extras[1]/extra[2]", Some(" ajoutée\n"))
        ]
    );
    let ignore =
        DiffOptions::default().with_ignore(vec!["formation/extras".parse().expect("rule")]);
    assert!(compare(&old, &new, &ignore).is_empty());
}

// ------------------------------------------------------------------------------ versions

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A 2.2 feed and its 2.3 upgrade (read, written back) carry the same data.
fn assert_upgrade_is_no_change(path: &Path) {
    let bytes = std::fs::read(path).expect("readable");
    let Ok(d) = read_document(&bytes[..]) else {
        return; // not a feed the model reads (tested elsewhere)
    };
    let upgraded = xml(&d);
    assert!(String::from_utf8_lossy(&upgraded).contains("http://lheo.gouv.fr/2.3"));
    let diff = diff_collect(
        &XmlSource::new(|| Ok(&bytes[..])),
        &XmlSource::new(|| Ok(&upgraded[..])),
        &DiffOptions::default().with_exact_whitespace(true),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(diff.is_empty(), "{}: {:#?}", path.display(), diff.changes);
}

#[test]
fn a_2_2_feed_and_its_2_3_upgrade_have_no_change() {
    assert_upgrade_is_no_change(&workspace().join("fixtures/exemple-2.2.xml"));
    let shared = std::env::var_os("LHEO_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"));
    let real = shared.join("corpus/real");
    let Ok(entries) = std::fs::read_dir(&real) else {
        if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
            panic!("{} is absent (and LHEO_REQUIRE_ORACLE=1)", real.display());
        }
        eprintln!("skipped the real feeds: {} is absent", real.display());
        return;
    };
    let mut seen = 0;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "xml") {
            assert_upgrade_is_no_change(&p);
            seen += 1;
        }
    }
    assert!(seen > 0);
}

// ------------------------------------------------------------------------------ engine

#[test]
fn records_out_of_order_beyond_the_memory_budget_still_compare() {
    let old = base();
    let mut new = old.clone();
    for (n, f) in formations(&mut new).iter_mut().enumerate() {
        if n % 2 == 0 {
            f.objectif_formation.value = format!("Objectif {n}");
        }
    }
    formations(&mut new).reverse();
    formations(&mut new).remove(4); // an unchanged one
    let roomy = compare(&old, &new, &DiffOptions::default());
    let tight = compare(&old, &new, &DiffOptions::default().with_pending_budget(1));
    assert_eq!(roomy.summary, tight.summary);
    let set =
        |d: &Diff| -> BTreeSet<String> { d.changes.iter().map(|c| format!("{c:?}")).collect() };
    assert_eq!(set(&roomy), set(&tight));
    assert_eq!(roomy.summary.changed, 6);
    assert_eq!(roomy.summary.removed, 1);
}

#[test]
fn unreadable_sides_and_different_roots_are_errors() {
    let feed = generated(2, 1);
    let broken = &feed[..feed.len() / 2];
    let e = diff_collect(
        &XmlSource::new(|| Ok(&feed[..])),
        &XmlSource::new(|| Ok(broken)),
        &DiffOptions::default(),
    )
    .expect_err("a truncated feed");
    assert_eq!(e.side(), Some(Side::New), "{e:?}");
    let index = Document::LheoIndex(lheo::LheoIndex::default());
    let e = diff_documents(&doc(&feed), &index, &DiffOptions::default()).expect_err("roots");
    assert_eq!(e.kind(), lheo::ErrorKind::DifferentRoots, "{e:?}");
    let not_lheo = br#"<catalogue xmlns="urn:x"><offres/></catalogue>"#;
    let e = diff_collect(
        &XmlSource::new(|| Ok(&not_lheo[..])),
        &DocumentSource(&doc(&feed)),
        &DiffOptions::default(),
    )
    .expect_err("not LHEO");
    assert_eq!(e.side(), Some(Side::Old), "{e:?}");
}

// ------------------------------------------------------------------------------ other roots, symmetry

fn generated_root(root: lheo::generate::Root) -> Document {
    let options = GenerateOptions::new(4)
        .with_seed(3)
        .with_root(root)
        .with_today(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"));
    let mut out = Vec::new();
    Generator::new(options).write(&mut out).expect("generated");
    doc(&out)
}

#[test]
fn lheo_plus_and_lheo_index_records() {
    let old = generated_root(lheo::generate::Root::LheoPlus);
    assert!(compare(&old, &old, &DiffOptions::default()).is_empty());
    let mut new = old.clone();
    let Document::LheoPlus(p) = &mut new else {
        panic!("lheo-plus")
    };
    let o = p
        .organisme_formation_responsable
        .first_mut()
        .expect("an organisation record");
    o.raison_sociale.value = "Nouvelle raison sociale".into();
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!(
        (c.entity, c.record.entity),
        (
            "organisme-formation-responsable",
            "organisme-formation-responsable"
        )
    );
    assert_eq!(c.path, "/lheo-plus/organisme-formation-responsable[1]");
    assert_eq!(c.record.title.as_deref(), Some("Nouvelle raison sociale"));

    let old = generated_root(lheo::generate::Root::LheoIndex);
    assert!(compare(&old, &old, &DiffOptions::default()).is_empty());
    let mut new = old.clone();
    let Document::LheoIndex(x) = &mut new else {
        panic!("lheo-index")
    };
    let r = x.resumes_offres.as_mut().expect("summaries");
    r.resume_offre.remove(0);
    let d = compare(&old, &new, &DiffOptions::default());
    let c = one(&d);
    assert_eq!((c.kind, c.entity), (ChangeKind::Removed, "resume-offre"));
    assert_eq!(c.path, "/lheo-index/resumes-offres/resume-offre[1]");
}

#[test]
fn comparing_the_other_way_round_swaps_added_and_removed() {
    let old = base();
    let mut new = old.clone();
    let fs = formations(&mut new);
    fs.remove(5);
    fs[0].action[0].session[0].periode.debut = "20990101".parse::<lheo::Date>().expect("d").into();
    let mut extra = fs[1].clone();
    extra.attrs.numero = Some("X".into());
    fs.push(extra);
    let forth = compare(&old, &new, &DiffOptions::default());
    let back = compare(&new, &old, &DiffOptions::default());
    assert_eq!(
        (
            forth.summary.added,
            forth.summary.removed,
            forth.summary.changed
        ),
        (
            back.summary.removed,
            back.summary.added,
            back.summary.changed
        )
    );
    let f = forth
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Changed)
        .expect("changed");
    let b = back
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Changed)
        .expect("changed");
    assert_eq!(
        (&f.fields[0].old, &f.fields[0].new),
        (&b.fields[0].new, &b.fields[0].old)
    );
}

// ------------------------------------------------------------------------------ the second reading

/// Pass 2 goes past the unneeded records of a UTF-8 feed by their byte spans: a byte order
/// mark, prefixed names with their namespace declared on each record, and `>` inside
/// attribute values must not throw it off; a Latin-1 feed is read in full.
#[test]
fn the_second_reading_skips_by_offsets_whatever_the_spelling() {
    let old = base();
    let mut new = old.clone();
    let last = formations(&mut new).len() - 1;
    formations(&mut new)[1].intitule_formation = "Autre > intitulé".to_owned().into();
    formations(&mut new)[last].intitule_formation = "Dernière".to_owned().into();
    let expected = diff_documents(&old, &new, &DiffOptions::default()).expect("compared");
    assert_eq!(expected.summary.changed, 2, "{:#?}", expected.changes);

    let prefixed = |d: &Document| {
        let text = String::from_utf8(xml(d)).expect("UTF-8");
        let ns = r#"xmlns="http://lheo.gouv.fr/2.3""#;
        let declared = r#"xmlns:l="http://lheo.gouv.fr/2.3""#;
        let text = text
            .replacen(ns, declared, 1)
            .replace(r#"<formation numero=""#, r#"<formation numero=">"#);
        let mut out = b"\xEF\xBB\xBF".to_vec();
        for line in text.split_inclusive('\n') {
            let line = line
                .replace("</", "</l:")
                .replace('<', "<l:")
                .replace("<l:/l:", "</l:")
                .replace("<l:?", "<?")
                .replace(
                    r#"<l:formation "#,
                    r#"<l:formation xmlns:l="http://lheo.gouv.fr/2.3" "#,
                );
            out.extend_from_slice(line.as_bytes());
        }
        out
    };
    let (ox, nx) = (prefixed(&old), prefixed(&new));
    assert!(std::str::from_utf8(&ox)
        .expect("UTF-8")
        .contains("<l:lheo "));
    let streamed = diff_collect(
        &XmlSource::new(|| Ok(&ox[..])),
        &XmlSource::new(|| Ok(&nx[..])),
        &DiffOptions::default(),
    );
    let in_memory = diff_documents(&doc(&ox), &doc(&nx), &DiffOptions::default());
    assert_eq!(in_memory.expect("compared").summary.changed, 2);
    let in_memory = diff_documents(&doc(&ox), &doc(&nx), &DiffOptions::default());
    assert_eq!(
        streamed.map_err(|e| e.to_string()),
        in_memory.map_err(|e| e.to_string())
    );

    let latin1 = |d: &Document| {
        let text = String::from_utf8(xml(d)).expect("UTF-8");
        let text = text.replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1);
        assert!(text.contains("ISO-8859-1"), "{}", &text[..100]);
        text.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect::<Vec<u8>>()
    };
    let (ox, nx) = (latin1(&old), latin1(&new));
    let streamed = diff_collect(
        &XmlSource::new(|| Ok(&ox[..])),
        &XmlSource::new(|| Ok(&nx[..])),
        &DiffOptions::default(),
    );
    assert_eq!(streamed.map_err(|e| e.to_string()), Ok(expected));
}

/// A feed that gives other bytes when read again is an error of its side, never a wrong
/// comparison: shifted records (the skipped spans no longer fall on records) and a changed
/// record alike.
#[test]
fn a_feed_modified_between_the_two_readings_is_an_error() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let old = base();
    let mut new = old.clone();
    formations(&mut new)[3].intitule_formation = "Autre".to_owned().into();
    let (ox, nx) = (xml(&old), xml(&new));
    let shifted = {
        let text = String::from_utf8(nx.clone()).expect("UTF-8");
        text.replacen("<formation ", "<!-- décalé -->\n<formation ", 1)
            .into_bytes()
    };
    let edited = {
        let text = String::from_utf8(nx.clone()).expect("UTF-8");
        text.replacen("Autre", "Encore autre", 1).into_bytes()
    };
    for second in [&shifted, &edited] {
        let readings = AtomicUsize::new(0);
        let e = diff_collect(
            &XmlSource::new(|| Ok(&ox[..])),
            &XmlSource::new(|| {
                let first = readings.fetch_add(1, Ordering::SeqCst) == 0;
                Ok(if first { &nx[..] } else { &second[..] })
            }),
            &DiffOptions::default(),
        )
        .expect_err("modified between the readings");
        assert_eq!(e.kind(), lheo::ErrorKind::Changed, "{e:?}");
        assert_eq!(e.side(), Some(Side::New), "{e:?}");
    }
}

/// Pass 1 tells unchanged records by a hash of their bytes and of the namespaces in scope:
/// the same bytes under other namespace declarations are not the same record.
#[test]
fn the_same_bytes_under_other_namespaces_are_compared_by_content() {
    let feed = String::from_utf8(generated(6, 5)).expect("UTF-8");
    let with = |uri: &str| {
        feed.replacen("<lheo ", &format!(r#"<lheo xmlns:x="{uri}" "#), 1)
            .replace(
                "</formation>",
                "<extras><extra><x:note>1</x:note></extra></extras></formation>",
            )
            .into_bytes()
    };
    let (old, new) = (with("urn:a"), with("urn:b"));
    let in_memory = diff_documents(&doc(&old), &doc(&new), &DiffOptions::default());
    let in_memory = in_memory.expect("compared");
    assert_eq!(in_memory.summary.changed, 6, "{:#?}", in_memory.changes);
    let streamed = diff_collect(
        &XmlSource::new(|| Ok(&old[..])),
        &XmlSource::new(|| Ok(&new[..])),
        &DiffOptions::default(),
    );
    assert_eq!(streamed.expect("compared"), in_memory);
}

/// The comparison does not validate: a formation whose content the model cannot take is an error
/// where it is compared (changed), and goes unbuilt where both sides have the same bytes (its
/// start tag is read in any case).
#[test]
fn a_formation_the_model_cannot_take_is_an_error_only_where_compared() {
    let feed = String::from_utf8(generated(4, 9)).expect("UTF-8");
    let broken = feed.replacen("<intitule-formation>", "<inconnu/><intitule-formation>", 1);
    assert!(
        read_document(broken.as_bytes()).is_err(),
        "the model refuses it"
    );
    let same = diff_collect(
        &XmlSource::new(|| Ok(broken.as_bytes())),
        &XmlSource::new(|| Ok(broken.as_bytes())),
        &DiffOptions::default(),
    );
    assert_eq!(
        same.map(|d| d.summary).map_err(|e| format!("{e:?}")),
        Ok(lheo::diff::Summary::default())
    );
    let reindented = broken.replace("\n      <", "\n<");
    assert_ne!(reindented, broken);
    let e = diff_collect(
        &XmlSource::new(|| Ok(broken.as_bytes())),
        &XmlSource::new(|| Ok(reindented.as_bytes())),
        &DiffOptions::default(),
    )
    .expect_err("compared, hence built");
    assert_eq!(e.kind(), lheo::ErrorKind::Structure, "{e:?}");
}
