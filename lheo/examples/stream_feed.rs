//! Recipe: stream a feed, one record at a time.
//!
//! `Reader` reads LHEO 2.0 to 2.3 (UTF-8, UTF-16 or ISO-8859-1) and yields each record
//! (`formation`, `resume-offre`, `resume-organisme`, `organisme-formation-responsable`) as soon
//! as it is read: memory follows the largest record, not the file, so a gigabyte national feed
//! streams in a few megabytes. The reader is an iterator of `Result<Record, Error>`: a
//! truncated or ill-formed feed ends with an `Err` that says why and where, so a loop with `?`
//! never takes half a feed for a whole one.
//!
//! ```sh
//! cargo run -p lheo --example stream_feed -- fixtures/exemple.xml
//! ```

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use lheo::reader::Reader;
use lheo::{Dictionary, Record};

/// What a pass over a feed found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Formations read.
    pub formations: usize,
    /// Their sessions.
    pub sessions: usize,
    /// Other records (offer and organisation summaries, organisations).
    pub others: usize,
    /// The LHEO version the feed declares (`2.2`: read as 2.3).
    pub version: Option<String>,
}

/// Reads every record of the feed at `path`, printing a line per formation.
pub fn tally(path: &Path) -> Result<Tally, lheo::Error> {
    let file = File::open(path)?;
    let mut reader = Reader::new(BufReader::new(file))?;
    let mut tally = Tally::default();
    for record in &mut reader {
        // A fatal error (truncated feed, bad encoding, a safety limit) is the last item.
        match record? {
            Record::Formation(f) => {
                let sessions: usize = f.action.iter().map(|a| a.session.len()).sum();
                let modalites: Vec<&str> = f
                    .action
                    .iter()
                    .flat_map(|a| &a.session)
                    .flat_map(|s| &s.recrutement)
                    .map(|r| r.modalite_recrutement.value.label())
                    .collect();
                println!(
                    "  {} — {}: {sessions} session(s), recrutement : {}",
                    f.attrs.numero.as_deref().unwrap_or("sans numéro"),
                    f.intitule_formation.value,
                    if modalites.is_empty() {
                        "—".to_string()
                    } else {
                        modalites.join(", ")
                    }
                );
                tally.formations += 1;
                tally.sessions += sessions;
            }
            other => {
                println!("  {} {}", other.name(), other.containers().join("/"));
                tally.others += 1;
            }
        }
    }
    // Known once the root element is read.
    tally.version = reader.version().map(|v| v.as_str().to_owned());
    Ok(tally)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/exemple.xml".into());
    let tally = tally(Path::new(&path))?;
    println!(
        "LHEO {}: {} formation(s), {} session(s)",
        tally.version.as_deref().unwrap_or("?"),
        tally.formations,
        tally.sessions
    );
    Ok(())
}
