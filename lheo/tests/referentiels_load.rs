//! Loading the real referential samples of `../shared/referentiels/` (see its SOURCES.md and
//! FORMATS.md): both forms of the France Compétences CSV zip (entry names in NFC and NFD,
//! without the UTF-8 flag), its extracted CSV files, the XML fixtures, ROME 4.0, Certif Info
//! with its quirks (Windows-1252, stray UTF-8, literal quotes) and the BCN NSF table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;

use chrono::NaiveDate;
use lheo::internal::referentiels_sample as sample;
use lheo::referentiels::{Format, Kind, Limits, Loader, Referentiels};
use lheo::Lang;

fn samples() -> Option<PathBuf> {
    let Some(shared) = support::shared_dir() else {
        support::missing("the shared reference folder is absent");
        return None;
    };
    let dir = shared.join("referentiels");
    if !dir.is_dir() {
        support::missing("../shared/referentiels is absent");
        return None;
    }
    Some(dir)
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The facts every form of the 2024-02-22 CSV sample holds.
fn check_csv_sample(refs: &Referentiels) {
    let rncp = refs.rncp().expect("RNCP loaded");
    let rs = refs.rs().expect("RS loaded");
    assert_eq!(rncp.len(), 7);
    assert_eq!(rs.len(), 2);
    let f509 = rncp.get(509).expect("RNCP509");
    assert!(!f509.active);
    assert_eq!(f509.end_of_registration, day(2023, 8, 31));
    assert_eq!(f509.title, "Agent vérificateur d'appareils extincteurs");
    let rs6117 = rs.lookup("RS6117").expect("RS6117");
    assert!(rs6117.active);
    assert_eq!(rs6117.end_of_registration, day(2025, 9, 29));
    assert!(rncp.has_bloc(509, "RNCP509BC05"));
    assert_eq!(rncp.blocs(), Some(6));
    assert_eq!(rs.blocs(), Some(0));
    let source = refs.source(Kind::Rncp).unwrap();
    assert_eq!(source.date, day(2024, 2, 22));
    assert_eq!(source.format, Format::FranceCompetencesCsv);
    assert_eq!((source.entries, source.blocs), (7, Some(6)));
}

#[test]
fn csv_zip_with_nfc_names() {
    let Some(dir) = samples() else { return };
    let zip = dir.join("france_competences_csv/export-fiches-csv-2024-02-22.sample.zip");
    let refs = Referentiels::load(&[&zip]).unwrap();
    check_csv_sample(&refs);
    let source = refs.source(Kind::Rs).unwrap();
    assert_eq!(source.files, [zip.display().to_string()]);
    assert_eq!(source.bytes, std::fs::metadata(&zip).unwrap().len());
    // The eight other members are recognised and left aside, their names read as UTF-8.
    assert_eq!(refs.ignored().len(), 8);
    assert!(refs.ignored().iter().any(|i| i
        .file
        .ends_with(":export_fiches_CSV_VoixdAccès_2024_02_22.csv")));
}

#[test]
fn csv_zip_with_nfd_names() {
    let Some(dir) = samples() else { return };
    let zip = dir.join("france_competences_csv/export-fiches-csv-2024-02-22.continuity_fix.zip");
    let refs = Referentiels::load(&[&zip]).unwrap();
    check_csv_sample(&refs);
    // NFD entry names come out in NFC.
    assert!(refs.ignored().iter().any(|i| i
        .file
        .ends_with(":export_fiches_CSV_VoixdAccès_2024_02_22.csv")));
}

#[test]
fn extracted_csv_files() {
    let Some(dir) = samples() else { return };
    let folder = dir.join("france_competences_csv/extracted_sample");
    let refs = Referentiels::load(&[&folder]).unwrap();
    check_csv_sample(&refs);
    let source = refs.source(Kind::Rncp).unwrap();
    assert_eq!(source.files.len(), 2, "{:?}", source.files);
    assert_eq!(source.bytes, 1968 + 609);

    // The Standard file alone: fiches, no blocs (bloc codes are then not checked).
    let standard = folder.join("export_fiches_CSV_Standard_2024_02_22.csv");
    let refs = Referentiels::load(&[&standard]).unwrap();
    assert_eq!(refs.rncp().unwrap().blocs(), None);

    // The blocs alone: an error that names the file.
    let blocs = folder.join("export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv");
    let e = Referentiels::load(&[&blocs]).unwrap_err();
    assert!(
        e.file()
            .is_some_and(|f| f.ends_with("Compétences_2024_02_22.csv")),
        "{e}"
    );
    assert!(e.text(Lang::Fr).contains("Standard"), "{e}");

    // Another member alone is known, and not a referential.
    let other = folder.join("export_fiches_CSV_Rome_2024_02_22.csv");
    let e = Referentiels::load(&[&other]).unwrap_err();
    assert!(e.text(Lang::Fr).contains("ne se sert pas"), "{e}");

    // The same through a reader (found by the fuzzer: a reader took it without a word, while
    // the same bytes in an archive were refused).
    let mut loader = Loader::new();
    let bytes = std::fs::read(&other).unwrap();
    let e = loader
        .add_reader(
            "export_fiches_CSV_Rome_2024_02_22.csv",
            std::io::Cursor::new(bytes),
        )
        .unwrap_err();
    assert!(e.text(Lang::Fr).contains("ne se sert pas"), "{e}");
    assert_eq!(e.file(), Some("export_fiches_CSV_Rome_2024_02_22.csv"));
    // A file it uses is still taken.
    let standard = std::fs::read(folder.join("export_fiches_CSV_Standard_2024_02_22.csv")).unwrap();
    loader
        .add_reader(
            "export_fiches_CSV_Standard_2024_02_22.csv",
            std::io::Cursor::new(standard),
        )
        .unwrap();
    assert!(loader.finish().unwrap().rncp().is_some());
}

#[test]
fn xml_exports() {
    let Some(dir) = samples() else { return };
    let rncp_xml = dir.join("france_competences_xml/export_fiches_RNCP_fixture.xml");
    let rs_xml = dir.join("france_competences_xml/export_fiches_RS_fixture.xml");
    let refs = Referentiels::load(&[&rncp_xml, &rs_xml]).unwrap();
    let rncp = refs.rncp().unwrap();
    assert_eq!(rncp.len(), 12);
    assert_eq!(rncp.active(), 9);
    let f = rncp.get(37488).unwrap();
    assert!(f.active);
    assert_eq!(f.end_of_registration, day(2028, 8, 31));
    assert!(!rncp.get(34762).unwrap().active);
    assert!(rncp.has_bloc(37488, "RNCP37488BC02"));
    // Blocs under CORRESPONDANCES are another fiche's: never taken as this fiche's.
    assert!(rncp.iter().all(|f| rncp
        .blocs_of(f.number)
        .unwrap()
        .all(|b| b.starts_with(&format!("RNCP{}BC", f.number)))));
    let rs = refs.rs().unwrap();
    assert_eq!(rs.len(), 8);
    assert!(!rs.get(5000).unwrap().active);
    assert!(rs.get(6604).unwrap().active);
    let source = refs.source(Kind::Rncp).unwrap();
    assert_eq!(source.format, Format::FranceCompetencesXml);
    assert_eq!(source.version.as_deref(), Some("V4.1"));
    assert_eq!(source.date, None);
    assert_eq!(
        refs.source(Kind::Rs).unwrap().files,
        [rs_xml.display().to_string()]
    );
}

#[test]
fn newest_edition_wins() {
    let Some(dir) = samples() else { return };
    let zip = dir.join("france_competences_csv/export-fiches-csv-2024-02-22.sample.zip");
    let xml = dir.join("france_competences_xml/export_fiches_RNCP_fixture.xml");
    // The dated CSV export is newer than the undated XML fixture, in either order.
    for paths in [[&xml, &zip], [&zip, &xml]] {
        let refs = Referentiels::load(&paths).unwrap();
        assert_eq!(refs.rncp().unwrap().len(), 7);
        let sources: Vec<_> = refs
            .sources()
            .iter()
            .filter(|s| s.kind == Kind::Rncp)
            .collect();
        assert_eq!(sources.len(), 2);
        let old = sources.iter().find(|s| !s.is_used()).unwrap();
        assert_eq!(old.format, Format::FranceCompetencesXml);
        assert_eq!(
            old.superseded_by.as_deref(),
            Some(zip.display().to_string().as_str())
        );
    }
    // Two exports of the same day: the one given last is used.
    let nfd = dir.join("france_competences_csv/export-fiches-csv-2024-02-22.continuity_fix.zip");
    let refs = Referentiels::load(&[&zip, &nfd]).unwrap();
    assert_eq!(
        refs.source(Kind::Rncp).unwrap().files,
        [nfd.display().to_string()]
    );

    // A generated export dated later replaces the sample.
    let newer = sample::france_competences_csv(12, "2026-08-26").unwrap();
    let mut loader = Loader::new();
    loader.add_path(&zip).unwrap();
    loader
        .add_reader(
            "export-fiches-csv-2026-08-26.zip",
            std::io::Cursor::new(newer),
        )
        .unwrap();
    let refs = loader.finish().unwrap();
    assert_eq!(refs.source(Kind::Rncp).unwrap().date, day(2026, 8, 26));
    assert_eq!(refs.rncp().unwrap().len(), 10);
}

#[test]
fn rome_certifinfo_nsf() {
    let Some(dir) = samples() else { return };
    let rome = dir.join("rome/unix_referentiel_code_rome_v460_utf8.csv");
    let ci = dir.join("certifinfo/opendata-certifinfo-01012025.head50.csv");
    let quirks = dir.join("certifinfo/opendata-certifinfo-01012025.quirks.csv");
    let nsf = dir.join("bcn/n_groupe_specialite_.csv");
    let refs = Referentiels::load(&[&rome, &ci, &nsf]).unwrap();
    let r = refs.rome().unwrap();
    assert_eq!(r.len(), 1584);
    assert_eq!(r.version(), Some(460));
    assert!(r.contains("M1805") && r.contains("a1101") && !r.contains("R0000"));
    assert_eq!(r.parent("A1102"), Some("A1101"));
    let certifinfo = refs.certifinfo().unwrap();
    assert_eq!(certifinfo.len(), 50);
    assert!(certifinfo.contains(1879));
    assert_eq!(refs.source(Kind::CertifInfo).unwrap().date, day(2025, 1, 1));
    let n = refs.nsf().unwrap();
    assert_eq!(n.len(), 115);
    assert!(n.contains(326) && n.contains(100) && !n.contains(327));

    // The quirks: a value with literal quotes (not CSV quoting), stray UTF-8 in Windows-1252.
    let q = Referentiels::load(&[&quirks]).unwrap();
    let bytes = std::fs::read(&quirks).unwrap();
    let mut codes: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .skip(1)
        .filter_map(|l| l.split(|&b| b == b';').next().filter(|c| !c.is_empty()))
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(q.certifinfo().unwrap().len(), codes.len());
    assert!(q.certifinfo().unwrap().contains(83148));
}

#[test]
fn other_files_are_named() {
    let Some(dir) = samples() else { return };
    // A BCN table that is not NSF: known, and not usable.
    let cfd = dir.join("bcn/N_FORMATION_DIPLOME.withForeign.head40.csv");
    let e = Referentiels::load(&[&cfd]).unwrap_err();
    assert!(e.text(Lang::Fr).contains("CFD"), "{e}");
    // Not a referential at all.
    let md = dir.join("FORMATS.md");
    let e = Referentiels::load(&[&md]).unwrap_err();
    assert_eq!(e.file(), Some(md.display().to_string().as_str()));
    assert!(e.text(Lang::Fr).contains("non reconnu"), "{e}");
    assert!(e.text(Lang::En).contains("unrecognised"), "{e}");
    // A missing file.
    let e = Referentiels::load(&[dir.join("absent.zip")]).unwrap_err();
    assert!(e.text(Lang::Fr).contains("absent.zip"), "{e}");
}

#[test]
fn the_whole_folder() {
    let Some(dir) = samples() else { return };
    let refs = Referentiels::load(&[&dir]).unwrap();
    for kind in Kind::ALL {
        assert!(refs.source(kind).is_some(), "{kind:?}");
    }
    // The CSV export (dated) wins over the undated XML fixtures.
    assert_eq!(
        refs.source(Kind::Rncp).unwrap().format,
        Format::FranceCompetencesCsv
    );
    assert!(refs.sources().iter().any(|s| !s.is_used()));
    // FORMATS.md, SOURCES.md and the other BCN tables are listed, not errors.
    assert!(refs
        .ignored()
        .iter()
        .any(|i| i.file.ends_with("FORMATS.md")));
    assert!(refs
        .ignored()
        .iter()
        .any(|i| i.file.contains("N_NIVEAU_FORMATION_DIPLOME")));
}

#[test]
fn zip_bombs_are_refused() {
    let zip = sample::france_competences_csv(500, "2026-08-26").unwrap();
    let mut limits = Limits::default();
    limits.max_member = 10_000;
    let mut loader = Loader::new().with_limits(limits);
    let e = loader
        .add_reader(
            "export-fiches-csv-2026-08-26.zip",
            std::io::Cursor::new(zip),
        )
        .unwrap_err();
    assert!(e.text(Lang::Fr).contains("bombe zip"), "{e}");
}

#[test]
fn a_generated_full_size_export_loads() {
    let zip = sample::france_competences_csv(30_000, "2026-08-26").unwrap();
    let mut loader = Loader::new();
    loader
        .add_reader(
            "export-fiches-csv-2026-08-26.zip",
            std::io::Cursor::new(zip),
        )
        .unwrap();
    let refs = loader.finish().unwrap();
    let rncp = refs.rncp().unwrap();
    assert_eq!(rncp.len() + refs.rs().unwrap().len(), 30_000);
    assert_eq!(rncp.blocs(), Some(rncp.len() * 2));
    let (_, n) = sample::fiche(3);
    assert!(rncp
        .get(n as u32)
        .unwrap()
        .title
        .contains("\r\n(ancien intitulé"));
    // Compact: well under 100 bytes per fiche and bloc.
    assert!(
        rncp.heap_size() < 100 * (rncp.len() * 3),
        "{}",
        rncp.heap_size()
    );
}

/// A zip of `members` (name, bytes).
fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn zipped_xml_export_and_rome_archive() {
    let Some(dir) = samples() else { return };
    let xml =
        std::fs::read(dir.join("france_competences_xml/export_fiches_RNCP_fixture.xml")).unwrap();
    let rome = std::fs::read(dir.join("rome/unix_referentiel_code_rome_v460_utf8.csv")).unwrap();
    let xml_zip = zip_of(&[("export_fiches_RNCP_V4_1_2026-08-16.xml", xml)]);
    let rome_zip = zip_of(&[
        (
            "unix_referentiel_appellation_v460_utf8.csv",
            b"\"code_ogr\",\"libelle_appellation_long\"\n".to_vec(),
        ),
        ("unix_referentiel_code_rome_v460_utf8.csv", rome),
        (
            "version.txt",
            b"Numero de version : 60\nDate de publication : 15/01/2026\n".to_vec(),
        ),
    ]);
    let mut loader = Loader::new();
    loader
        .add_reader(
            "export-fiches-rncp-v4-1-2026-08-16.zip",
            std::io::Cursor::new(xml_zip),
        )
        .unwrap();
    loader
        .add_reader("RefRomeCsv.zip", std::io::Cursor::new(rome_zip))
        .unwrap();
    let refs = loader.finish().unwrap();
    let rncp = refs.source(Kind::Rncp).unwrap();
    assert_eq!(
        (rncp.format, rncp.date),
        (Format::FranceCompetencesXml, day(2026, 8, 16))
    );
    assert_eq!(rncp.files, ["export-fiches-rncp-v4-1-2026-08-16.zip"]);
    let rome = refs.source(Kind::Rome).unwrap();
    assert_eq!(rome.date, day(2026, 1, 15));
    assert_eq!(rome.version.as_deref(), Some("v460"));
    assert_eq!(rome.entries, 1584);
    assert!(refs
        .ignored()
        .iter()
        .any(|i| i.file == "RefRomeCsv.zip:unix_referentiel_appellation_v460_utf8.csv"));

    // An archive with no referential in it is an error that names it and its members.
    let other = zip_of(&[("notes.txt", b"rien".to_vec())]);
    let e = Loader::new()
        .add_reader("autre.zip", std::io::Cursor::new(other))
        .unwrap_err();
    assert_eq!(e.file(), Some("autre.zip"));
    assert!(e.text(Lang::Fr).contains("notes.txt"), "{e}");
}
