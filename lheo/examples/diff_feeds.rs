//! Recipe: what changed between two feeds.
//!
//! `diff::diff` compares two feeds on their data, not their bytes: indentation, attribute
//! order, the encoding or the LHEO version make no difference. Entities (formations, actions,
//! sessions, recruitments, …) are paired by `@numero` at every level, and each change is
//! reported at the most specific entity, field by field, as soon as it is known: two gigabyte
//! feeds compare in tens of megabytes. Either side may be a file (`diff::xml_file`), any
//! reader that can be opened twice (`diff::XmlSource`), or a document in memory
//! (`diff::DocumentSource`).
//!
//! ```sh
//! cargo run -p lheo --example diff_feeds -- hier.xml aujourdhui.xml
//! ```

use std::path::Path;

use lheo::diff::{diff, xml_file, ChangeKind, DiffOptions, Ignore, Summary};

/// Compares the feeds at `old` and `new`, leaving out the export timestamps, and prints each
/// change.
pub fn compare(old: &Path, new: &Path) -> Result<Summary, lheo::Error> {
    let ignore: Ignore = "horodatage-export".parse()?;
    let options = DiffOptions::default().with_ignore(vec![ignore]);
    diff(&xml_file(old), &xml_file(new), &options, &mut |change| {
        let key = change.key.as_deref().unwrap_or("sans numéro");
        match change.kind {
            ChangeKind::Added => println!("+ {} {key} ({})", change.entity, change.path),
            ChangeKind::Removed => println!("- {} {key} ({})", change.entity, change.path),
            ChangeKind::Changed => {
                println!("~ {} {key} ({})", change.entity, change.path);
                for field in &change.fields {
                    let old = field.old.as_deref().unwrap_or("∅");
                    let new = field.new.as_deref().unwrap_or("∅");
                    println!("    {}: {old} → {new}", field.path);
                }
            }
        }
        Ok(())
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(old), Some(new)) = (args.next(), args.next()) else {
        return Err("usage: diff_feeds OLD.xml NEW.xml".into());
    };
    let summary = compare(Path::new(&old), Path::new(&new))?;
    println!(
        "{} added, {} removed, {} changed",
        summary.added, summary.removed, summary.changed
    );
    std::process::exit(if summary.is_empty() { 0 } else { 1 });
}
