//! Recipe: convert a feed to LHEO 2.3.
//!
//! `convert::convert` takes any LHEO 2.0 to 2.3 document, or a workbook (recognised by its
//! content), checks it with a profile and writes it as LHEO 2.3, in one pass over the input:
//! each record is written as soon as it is read, so memory follows the largest record. The
//! output is whole only when the input is valid for the profile (`Conversion::written`); an
//! invalid feed leaves a partial document behind, which is why this recipe writes to a file
//! beside the target and renames it only once complete, as `lheo import` does.
//!
//! ```sh
//! cargo run -p lheo --example convert -- fixtures/exemple-2.2.xml exemple-2.3.xml
//! ```

use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use lheo::convert::{convert, Conversion};
use lheo::validate::ValidateOptions;

/// Converts `input` into `output` with `options`; `output` is created only when the whole
/// document was written (else the report says why, and no file is left).
pub fn to_2_3(
    input: &Path,
    output: &Path,
    options: &ValidateOptions,
) -> Result<Conversion, lheo::Error> {
    let source = BufReader::new(File::open(input)?);
    let partial = partial_name(output);
    let mut out = BufWriter::new(File::create(&partial)?);
    let converted = convert(source, &mut out, options).and_then(|c| {
        out.flush()?;
        Ok(c)
    });
    drop(out);
    match &converted {
        Ok(c) if c.written => fs::rename(&partial, output)?,
        _ => fs::remove_file(&partial)?,
    }
    let conversion = converted?;
    for d in &conversion.report.diagnostics {
        eprintln!("{d}");
    }
    Ok(conversion)
}

/// `feed.xml` → `.feed.xml.part`, in the same folder (so that the rename is atomic).
fn partial_name(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.part"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: convert INPUT OUTPUT.xml".into());
    };
    let conversion = to_2_3(
        Path::new(&input),
        Path::new(&output),
        &ValidateOptions::default(),
    )?;
    if conversion.written {
        println!("{output}: {} record(s), LHEO 2.3", conversion.records);
        Ok(())
    } else {
        Err(format!("{input} is not valid: nothing written").into())
    }
}
