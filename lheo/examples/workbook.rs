//! Recipe: export a feed as an Excel workbook, and import a workbook back (feature
//! `workbook`, on by default).
//!
//! `workbook::export` streams a feed into a workbook people can edit: one sheet per
//! repeatable entity (formations, actions, sessions, recruitments, …) whose first row holds
//! each column's LHEO path, codes as text, dates as real dates, drop-downs on dictionary
//! columns, and `attributs` and `extras` sheets so that nothing is lost. `workbook::read_workbook`
//! reads an `.xlsx`, `.xlsb`, `.ods` or `.xls` back (recognised by its content): forgiving where
//! people are (dates typed as text, labels instead of codes), and every problem is a finding
//! at its cell (`sessions!F7`). `Imported::validate` checks the document with a profile, every
//! finding moved to its cell; `Imported::write_feed` writes LHEO 2.3.
//!
//! ```sh
//! cargo run -p lheo --example workbook -- fixtures/exemple.xml exemple.xlsx
//! ```

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;

use lheo::validate::ValidateOptions;
use lheo::workbook::{export, read_workbook};
use lheo::Document;

/// Exports the feed at `feed` to the workbook `xlsx`, reads the workbook back and returns the
/// document it holds, after checking it with the default profile.
pub fn round_trip(feed: &Path, xlsx: &Path) -> Result<Document, lheo::Error> {
    let summary = export(
        BufReader::new(File::open(feed)?),
        BufWriter::new(File::create(xlsx)?),
    )?;
    println!("{}: {} record(s)", xlsx.display(), summary.records);

    // What a person edited comes back here: findings point at sheet!cell.
    let imported = read_workbook(BufReader::new(File::open(xlsx)?))?;
    let report = imported.validate(&ValidateOptions::default());
    for d in &report.diagnostics {
        println!("  {d}");
    }
    // Fails with the first error of the workbook, if any; else the document in the model
    // (`Imported::write_feed` writes it as LHEO 2.3 without building it whole).
    imported.document()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let feed = args.next().unwrap_or_else(|| "fixtures/exemple.xml".into());
    let xlsx = args.next().unwrap_or_else(|| "exemple.xlsx".into());
    let document = round_trip(Path::new(&feed), Path::new(&xlsx))?;
    let same = document == lheo::read_document(BufReader::new(File::open(&feed)?))?;
    println!(
        "read back {}",
        if same {
            "unchanged"
        } else {
            "with differences"
        }
    );
    Ok(())
}
