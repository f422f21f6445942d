//! Streams the formations of a feed, one at a time (memory stays flat on gigabyte feeds), and
//! prints a line per formation with its sessions and recruitment modalities.
//!
//! `cargo run --example read_feed -- fixtures/exemple.xml`

use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;

use lheo::reader::{Reader, Record};
use lheo::Dictionary;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage : read_feed FLUX.xml");
        return ExitCode::from(2);
    };
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path} : {e}");
            return ExitCode::from(2);
        }
    };
    let mut reader = match Reader::new(BufReader::new(file)) {
        Ok(r) => r,
        Err(d) => {
            eprintln!("{path} : {d}");
            return ExitCode::from(1);
        }
    };
    while let Some(record) = reader.next_record() {
        match record {
            Ok(Record::Formation(f)) => {
                let sessions: usize = f.action.iter().map(|a| a.session.len()).sum();
                let modalites: Vec<&str> = f
                    .action
                    .iter()
                    .flat_map(|a| &a.session)
                    .flat_map(|s| &s.recrutement)
                    .map(|r| r.modalite_recrutement.value.label())
                    .collect();
                println!(
                    "{} — {} ({} session(s); recrutement : {})",
                    f.attrs.numero.as_deref().unwrap_or("sans numéro"),
                    f.intitule_formation.value,
                    sessions,
                    if modalites.is_empty() {
                        "aucun".to_string()
                    } else {
                        modalites.join(", ")
                    }
                );
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("{path} : {e}");
                return ExitCode::from(1);
            }
        }
    }
    for d in reader.take_diagnostics() {
        eprintln!("{path} : {d}");
    }
    if reader.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
