//! The floor of `lheo export` set by its workbook library: writes the cells of a workbook again
//! with rust_xlsxwriter alone, as the export does (constant-memory sheets, cells without a
//! format, the export's deflate level), after reading them all into memory, and times only the
//! writing. No feed is read, checked or flattened, so the time printed is what any export
//! through rust_xlsxwriter costs at least for these cells (`scripts/bench.sh` prints it as the
//! `export floor` row).
//!
//! `cargo run --release --example xlsx_floor -- IN.xlsx OUT.xlsx [THREADS]`
//!
//! With `THREADS` = 2, the sheets are shared between two threads (each worksheet is written by
//! one), the most a two-core machine allows, since rust_xlsxwriter writes a sheet on one
//! thread and compresses the whole workbook on one thread when it saves.

use std::process::ExitCode;
use std::time::Instant;

use calamine::{Data, Reader};
use lheo::workbook::ZIP_LEVEL;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

/// A cell as the export writes it: text or a number (dates are numbers in a date format).
enum Cell {
    Text(String),
    Number(f64),
}

/// A sheet's cells, row by row (row, column, value).
type Cells = Vec<(u32, u16, Cell)>;

/// A sheet's name and its cells.
type Sheet = (String, Cells);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, output, threads) = match &args[..] {
        [i, o] => (i, o, 1),
        [i, o, t] => match t.parse::<usize>() {
            Ok(t @ 1..=2) => (i, o, t),
            _ => return usage(),
        },
        _ => return usage(),
    };
    match run(input, output, threads) {
        Ok((cells, write, save)) => {
            println!(
                "{cells} cellules : écrites en {write:.3} s, enregistrées en {save:.3} s, total {:.3} s ({threads} fil(s))",
                write + save
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xlsx_floor : {e}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage : xlsx_floor ENTRÉE.xlsx SORTIE.xlsx [1|2]");
    ExitCode::from(2)
}

/// Reads every cell of `input`, then writes them to `output`; returns the number of cells and
/// the seconds spent writing the cells and saving the workbook.
fn run(
    input: &str,
    output: &str,
    threads: usize,
) -> Result<(usize, f64, f64), Box<dyn std::error::Error>> {
    let sheets = read(input)?;
    let cells = sheets.iter().map(|(_, c)| c.len()).sum();
    let started = Instant::now();
    let mut book = Workbook::new();
    book.set_zip_compression_level(ZIP_LEVEL);
    for (name, _) in &sheets {
        book.add_worksheet_with_constant_memory()?.set_name(name)?;
    }
    let worksheets = book.worksheets_mut();
    if threads == 1 {
        for (ws, (_, cells)) in worksheets.iter_mut().zip(&sheets) {
            write(ws, cells)?;
        }
    } else {
        // Two threads, each with sheets of about half the cells.
        let mut pairs: Vec<(&mut Worksheet, &Cells)> = worksheets
            .iter_mut()
            .zip(sheets.iter().map(|(_, c)| c))
            .collect();
        pairs.sort_by_key(|(_, c)| std::cmp::Reverse(c.len()));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (mut na, mut nb) = (0, 0);
        for pair in pairs {
            if na <= nb {
                na += pair.1.len();
                a.push(pair);
            } else {
                nb += pair.1.len();
                b.push(pair);
            }
        }
        std::thread::scope(|s| -> Result<(), XlsxError> {
            let other = s.spawn(move || -> Result<(), XlsxError> {
                for (ws, cells) in b {
                    write(ws, cells)?;
                }
                Ok(())
            });
            for (ws, cells) in a {
                write(ws, cells)?;
            }
            other
                .join()
                .map_err(|_| XlsxError::ParameterError("thread panicked".into()))?
        })?;
    }
    let written = started.elapsed().as_secs_f64();
    book.save(output)?;
    let total = started.elapsed().as_secs_f64();
    Ok((cells, written, total - written))
}

/// Every non-empty cell of every sheet of `input`, in memory.
fn read(input: &str) -> Result<Vec<Sheet>, Box<dyn std::error::Error>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(input)?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (r, c, value) in range.used_cells() {
            let (r, c) = (u32::try_from(r)? + r0, u16::try_from(c as u32 + c0)?);
            let cell = match value {
                Data::Empty => continue,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(*f),
                Data::Int(i) => Cell::Number(*i as f64),
                Data::DateTime(d) => Cell::Number(d.as_f64()),
                other => Cell::Text(other.to_string()),
            };
            cells.push((r, c, cell));
        }
        sheets.push((name, cells));
    }
    Ok(sheets)
}

/// Writes `cells` to `ws` without formats, as the export writes a cell in its column's format.
fn write(ws: &mut Worksheet, cells: &[(u32, u16, Cell)]) -> Result<(), XlsxError> {
    for (r, c, cell) in cells {
        match cell {
            Cell::Text(s) => ws.write_string(*r, *c, s)?,
            Cell::Number(n) => ws.write_number(*r, *c, *n)?,
        };
    }
    Ok(())
}
