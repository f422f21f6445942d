//! Loading a full-size France Compétences CSV export: `cargo bench -p lheo --bench
//! referentiels`. The export is generated in the published format (30 000 fiches, one in six
//! RS, two blocs per RNCP fiche: about the real one's 30 484 fiches and 55 761 blocs), written
//! to a temporary file, then loaded from the file as `--referentiels` does, ten times.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use lheo::internal::referentiels_sample as sample;
use lheo::referentiels::Referentiels;

fn main() {
    let fiches: usize = std::env::var("LHEO_BENCH_FICHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000);
    let zip = sample::france_competences_csv(fiches, "2026-08-26").expect("export generated");
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("export-fiches-csv-2026-08-26.zip");
    std::fs::write(&path, &zip).expect("export written");
    let mut times = Vec::new();
    let mut loaded = None;
    for _ in 0..10 {
        let start = Instant::now();
        let refs = Referentiels::load(&[&path]).expect("export loads");
        times.push(start.elapsed().as_secs_f64());
        loaded = Some(refs);
    }
    times.sort_by(f64::total_cmp);
    let refs = loaded.expect("loaded once");
    let rncp = refs.rncp().expect("RNCP");
    let rs = refs.rs().expect("RS");
    println!(
        "France Compétences CSV export, {} fiches ({} RNCP, {} RS), {} blocs, zip {:.1} MB",
        rncp.len() + rs.len(),
        rncp.len(),
        rs.len(),
        rncp.blocs().unwrap_or(0),
        zip.len() as f64 / 1e6
    );
    println!(
        "load: min {:.3} s, median {:.3} s, max {:.3} s (10 runs); tables {:.1} MB",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        (rncp.heap_size() + rs.heap_size()) as f64 / 1e6
    );
}
