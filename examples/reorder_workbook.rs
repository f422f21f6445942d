//! Writes a workbook again with the body rows of some sheets in the reverse order (the header
//! row first still): a workbook out of the export's order, as one sorted or reshuffled in a
//! spreadsheet, for the benchmarks of the import (`scripts/bench.sh`, `BENCH_WORKBOOK=1`).
//! Text, numbers and dates are written back as calamine reads them; one sheet is held at a
//! time, the output is written in constant memory.
//!
//! `cargo run --release --example reorder_workbook -- IN.xlsx OUT.xlsx formation,session`

use std::process::ExitCode;

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, sheets] = &args[..] else {
        eprintln!("usage : reorder_workbook ENTRÉE.xlsx SORTIE.xlsx FEUILLE[,FEUILLE…]");
        return ExitCode::from(2);
    };
    let reversed: Vec<&str> = sheets.split(',').collect();
    match reorder(input, output, &reversed) {
        Ok(n) => {
            println!("{n} feuille(s) à l'envers dans « {output} »");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("reorder_workbook : {e}");
            ExitCode::from(2)
        }
    }
}

/// Copies `input` to `output`, the body rows of the sheets named in `reversed` reversed;
/// returns how many sheets were.
fn reorder(
    input: &str,
    output: &str,
    reversed: &[&str],
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(input)?;
    let mut out = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut count = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name)?;
        let mut rows: Vec<&[Data]> = range.rows().collect();
        if reversed.contains(&name.as_str()) && rows.len() > 2 {
            rows[1..].reverse();
            count += 1;
        }
        let sheet = out.add_worksheet_with_constant_memory()?;
        sheet.set_name(&name)?;
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (u32::try_from(r)?, u16::try_from(c)?);
                let written: Result<_, XlsxError> = match cell {
                    Data::Empty => continue,
                    Data::String(s) => sheet.write_string(r, c, s),
                    Data::Float(f) => sheet.write_number(r, c, *f),
                    Data::Int(i) => sheet.write_number(r, c, *i as f64),
                    Data::DateTime(d) => sheet.write_number_with_format(r, c, d.as_f64(), &date),
                    other => sheet.write_string(r, c, other.to_string()),
                };
                written?;
            }
        }
    }
    out.save(output)?;
    Ok(count)
}
