//! Excel workbooks: an editable, lossless view of a feed for people who live in Excel.
//!
//! - [`export`] streams an LHEO 2.x document into a workbook (`.xlsx`), one record at a time
//!   (rust_xlsxwriter's constant-memory mode: memory stays flat on a gigabyte feed);
//!   [`write_document`] writes a whole document;
//! - [`read_workbook`] reads a workbook back (calamine): forgiving where people are, strict
//!   where data would be lost, every problem a [`crate::Diagnostic`] at
//!   `sheet!cell`; the result is LHEO 2.3 XML that [`Imported::validate`] checks with any
//!   profile (locations mapped back to cells) and [`Imported::document`] turns into the model;
//! - [`template()`] writes the empty workbook with one example row.
//!
//! Which sheets and columns a workbook has is derived from the schema tables, and described
//! in `schemas/workbook-layout.md` (generated from the same derivation).
//!
//! Limits: Excel's own (1 048 576 rows per sheet, 32 767 characters per cell: an export that
//! would exceed them fails with a clear error; longer `extras` continue on the next rows).
//! Reading checks every workbook against [`Limits`] before its cells are read (cell references
//! and dimensions against Excel's bounds; a budget of cells and bytes per sheet and per
//! workbook, repeated `.ods` rows and columns expanded, and of filled rows): one
//! `CLASSEUR-LIMITE` finding instead of a memory blow-up ([`read_workbook_with`] raises them,
//! [`Limits::trusted`] lifts the budgets). Export memory is flat. Importing an `.xlsx` holds
//! little: its sheets stream row by row, each row's values go to a [`Spool`] (a temporary
//! file once large), with its key and its parent's. Rows in the export's order (each child
//! sheet's rows grouped by parent in the parent sheet's order, keys that grow) are joined as
//! the document is assembled, from a cursor per sheet: memory stays flat whatever the size
//! (8 bytes per row of the `attributs` and `extras` sheets). Rows in another order (sorted or
//! moved in Excel, keys typed by hand) are read again and joined by their keys: through maps
//! in memory when the limits keep the workbook small (the default budget: about 130 bytes a
//! row), else by keys sorted on disk, an index per sheet merged with the keys looked up in it
//! (4 bytes a row held, 24 while its sheet is joined, never a key): the same document and
//! findings either way. The document is spooled too
//! ([`read_workbook`]), or read as it is assembled ([`crate::convert`]). `.ods` and `.xls`
//! are read whole by calamine, within the budget.
//!
//! What a workbook does not carry: XML comments inside `extras` (the model keeps elements,
//! attributes and text, not comments) and the namespace prefixes of `extras` (namespaces are
//! kept, prefixes are chosen again on output: `a0`, `a1`…), as in the XML writer.
//!
//! ```
//! use lheo::workbook::{self, read_workbook};
//! use lheo::reader::read_document;
//!
//! let xml = std::fs::read("../fixtures/exemple.xml")?;
//! let mut xlsx = Vec::new();
//! workbook::export(&xml[..], &mut xlsx)?;
//! let imported = read_workbook(std::io::Cursor::new(xlsx))?;
//! assert!(imported.diagnostics.is_empty());
//! assert_eq!(imported.document()?, read_document(&xml[..])?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod assemble;
mod bounds;
#[doc(hidden)]
pub mod cells;
#[doc(hidden)]
pub mod doc;
mod export;
mod flatten;
mod grid;
mod inline;
mod join;
#[doc(hidden)]
pub mod layout;
mod limits;
mod reader;
mod scan;
mod side;
mod sort;
mod spool;
mod template;
mod writer;

pub use export::{export, export_with, ExportOptions, ExportSummary};
pub use limits::Limits;
pub(crate) use reader::stream_spooled_workbook;
pub use reader::{read_workbook, read_workbook_with, Imported};
pub(crate) use spool::SpoolWriter;
pub use spool::{Spool, SpoolReader, SPILL_AT};
#[doc(hidden)]
pub use template::EXAMPLE;
pub use template::{template, template_with};
pub use writer::write_document;
#[doc(hidden)]
pub use writer::ZIP_LEVEL;
#[doc(hidden)]
pub use writer::{cell_ref, WorkbookWriter};

use crate::error::{Error, ErrorKind};
use crate::Location;

/// Errors of the workbook library: an I/O error (writing the output, a sheet's temporary
/// file, the zip archive) is [`ErrorKind::Io`], anything else an output the workbook cannot
/// take ([`ErrorKind::Unwritable`]).
impl From<rust_xlsxwriter::XlsxError> for Error {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        use rust_xlsxwriter::XlsxError;
        let e = match e {
            XlsxError::IoError(io) | XlsxError::TempFileError(_, io) => return Error::from(io),
            XlsxError::ZipError(zip::result::ZipError::Io(io)) => return Error::from(io),
            other => other,
        };
        Error::new(
            ErrorKind::Unwritable,
            format!("classeur : {e}"),
            format!("workbook: {e}"),
        )
        .caused_by(e)
    }
}

/// Something in the input that the workbook layout cannot place.
impl From<flatten::Unfit> for Error {
    fn from(e: flatten::Unfit) -> Self {
        Error::new(
            ErrorKind::Unwritable,
            e.to_string(),
            format!("line {}: {}", e.line, e.what),
        )
        .at(Location::Xml {
            line: e.line,
            column: 1,
        })
    }
}

/// The error for a text longer than a cell holds.
fn too_long(cell: String, chars: usize) -> Error {
    Error::new(
        ErrorKind::Unwritable,
        format!(
            "cellule {cell} : {chars} caractères, plus que les 32 767 qu'une cellule peut contenir"
        ),
        format!("cell {cell}: {chars} characters, more than the 32,767 a cell holds"),
    )
}

/// The error for a sheet that would have more rows than Excel's 1 048 576.
fn too_many_rows(sheet: &str) -> Error {
    Error::new(
        ErrorKind::Unwritable,
        format!(
            "la feuille « {sheet} » dépasserait les 1 048 576 lignes d'Excel : découpez le flux"
        ),
        format!("the sheet \"{sheet}\" would exceed Excel's 1,048,576 rows: split the feed"),
    )
}
