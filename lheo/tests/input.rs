//! Input recognition on real files: the corpus in `../shared/corpus/real` (2.x feeds, an EDOF
//! catalogue, LHEO 1.3 feeds, CSV exports) and the project's fixtures, each plain and gzipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};

use lheo::input::{open, Kind};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("LHEO_REQUIRE_ORACLE").as_deref() == Ok("1") {
        panic!("LHEO_REQUIRE_ORACLE=1 but {} is absent", dir.display());
    }
    eprintln!("skipped: {} is absent", dir.display());
    None
}

fn kind_of(bytes: &[u8]) -> (Kind, Kind) {
    let plain = open(bytes).expect("readable").kind().clone();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip");
    let zipped = gz.finish().expect("gzip");
    let opened = open(&zipped[..]).expect("readable");
    assert!(opened.recognised().gzip);
    (plain, opened.kind().clone())
}

#[test]
fn the_real_corpus_is_recognised() {
    let Some(dir) = corpus() else { return };
    let mut seen = 0;
    for sub in ["", "legacy-1.3", "spreadsheets"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("corpus folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !path.is_file() || name.ends_with(".md") {
                continue;
            }
            let (plain, zipped) = kind_of(&std::fs::read(&path).expect("read"));
            assert_eq!(plain, zipped, "{name}");
            let ok = if name.starts_with("edof") {
                matches!(plain, Kind::Edof { .. })
            } else if sub == "legacy-1.3" {
                matches!(plain, Kind::Lheo1 { .. })
            } else if sub == "spreadsheets" {
                matches!(plain, Kind::Csv(b';' | b'|'))
            } else {
                matches!(plain, Kind::Lheo(Some(_)))
            };
            assert!(ok, "{name}: {plain:?}");
            seen += 1;
        }
    }
    assert!(seen >= 20, "{seen} files");
}

#[test]
fn the_fixtures_are_lheo() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    for name in [
        "exemple.xml",
        "exemple-2.2.xml",
        "invalide.xml",
        "minimal.xml",
    ] {
        let (plain, zipped) = kind_of(&std::fs::read(dir.join(name)).expect("fixture"));
        assert!(matches!(plain, Kind::Lheo(Some(_))), "{name}: {plain:?}");
        assert_eq!(plain, zipped);
    }
}

#[test]
fn gzip_expansion_is_bounded_and_real_feeds_stay_under_the_bound() {
    use lheo::input::{open_with, GzipError, GzipLimits};
    use std::io::Read;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let feed = std::fs::read_to_string(dir.join("exemple.xml")).expect("fixture");
    let (start, end) = (
        feed.find("<formation").unwrap(),
        feed.rfind("</formation>").unwrap() + "</formation>".len(),
    );
    // One offer repeated 3 000 times (45 MB): about 110 times smaller once compressed.
    let repeated = format!(
        "{}{}{}",
        &feed[..start],
        feed[start..end].repeat(3000),
        &feed[end..]
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(repeated.as_bytes()).unwrap();
    let packed = gz.finish().unwrap();
    // Within the default bound: read whole.
    let mut text = Vec::new();
    open_with(&packed[..], GzipLimits::default())
        .unwrap()
        .read_to_end(&mut text)
        .unwrap();
    assert_eq!(text.len(), repeated.len());
    // A tighter bound stops it, with an error that says so.
    let e = open_with(&packed[..], GzipLimits::new(1 << 20, 20))
        .unwrap()
        .read_to_end(&mut Vec::new())
        .unwrap_err();
    let gzip = GzipError::of(&e).expect("a gzip error");
    assert!(matches!(gzip, GzipError::TooExpanded { .. }), "{gzip:?}");
    assert!(gzip.text().0.contains("bombe de décompression"));
}
