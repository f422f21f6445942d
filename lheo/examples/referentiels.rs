//! Recipe: check the codes of a feed against the official referentials.
//!
//! The XSD only checks a code's shape. With the referentials loaded (RNCP and RS from France
//! Compétences, ROME 4.0, Certif Info, NSF: open-data files, zipped or not, recognised by
//! their content), validation also reports unknown codes, inactive or expired RNCP/RS fiches
//! and blocs that belong to another certification (`REF-*` rules), with any profile. The
//! report lists the editions used (kind, date, entries), like a conformity certificate.
//!
//! ```sh
//! cargo run -p lheo --example referentiels -- fixtures/referentiels/valide.xml \
//!     export-fiches-csv-2026-08-26.zip RefRomeCsv.zip
//! ```

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lheo::referentiels::Referentiels;
use lheo::validate::{validate, Report, ValidateOptions};
use lheo::Profile;

/// Loads the referential files or folders `paths`, then validates the feed at `feed` with
/// `profile` and the `REF-*` rules.
pub fn check(feed: &Path, paths: &[PathBuf], profile: Profile) -> Result<Report, lheo::Error> {
    // A file that is not a referential is an error that names it (`Error::file`).
    let referentiels = Referentiels::load(paths)?;
    for source in referentiels.sources().iter().filter(|s| s.is_used()) {
        let date = source
            .date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "undated".into());
        println!(
            "{}: {} of {date}, {} entries",
            source.kind.name(),
            source.format.label(),
            source.entries
        );
    }
    // Codes can also be looked up one by one, in any of the forms feeds write them.
    if let Some(fiche) = referentiels
        .rncp()
        .and_then(|rncp| rncp.lookup("rncp 37488"))
    {
        println!("{}: active {}", fiche.code(), fiche.active);
    }

    let options = ValidateOptions::new(profile).with_referentiels(Some(Arc::new(referentiels)));
    let report = validate(BufReader::new(File::open(feed)?), &options);
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.code().starts_with("REF-"))
    {
        println!("  {d}");
    }
    Ok(report)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(feed) = args.next() else {
        return Err("usage: referentiels FEED.xml REFERENTIAL…".into());
    };
    let paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let report = check(Path::new(&feed), &paths, Profile::Lheo)?;
    std::process::exit(if report.is_valid() { 0 } else { 1 });
}
