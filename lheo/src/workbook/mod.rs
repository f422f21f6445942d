//! Excel workbooks: an editable, lossless view of a feed for people who live in Excel.
//!
//! - [`export`] streams an LHEO 2.x document into a workbook (`.xlsx`), one record at a time
//!   (rust_xlsxwriter's constant-memory mode: memory stays flat on a gigabyte feed);
//!   [`WorkbookWriter`] writes records one by one, [`write_document`] a whole document;
//! - [`read_workbook`] reads a workbook back (calamine): forgiving where people are, strict
//!   where data would be lost, every problem a [`crate::Diagnostic`] at
//!   `sheet!cell`; the result is LHEO 2.3 XML that [`Imported::validate`] checks with any
//!   profile (locations mapped back to cells) and [`Imported::document`] turns into the model;
//! - [`template()`] writes the empty workbook with one example row;
//! - [`layout`] says which sheets and columns a workbook has, derived from the schema
//!   tables ([`Layout::of`]); [`doc`] documents them.
//!
//! Limits: Excel's own (1 048 576 rows per sheet, 32 767 characters per cell: an export that
//! would exceed them fails with a clear error; longer `extras` continue on the next rows).
//! Reading checks every workbook against [`Limits`] before its cells are read (cell references
//! and dimensions against Excel's bounds; a budget of cells and bytes per sheet and per
//! workbook, repeated `.ods` rows and columns expanded): one `CLASSEUR-LIMITE` finding instead
//! of a memory blow-up ([`read_workbook_with`] raises them). Export memory is flat; import
//! keeps the cells that hold something (an `.xlsx` is streamed cell by cell; `.ods` and `.xls`
//! are read whole by calamine, within the budget) and builds the document one record at a time.
//!
//! What a workbook does not carry: XML comments inside `extras` (the model keeps elements,
//! attributes and text, not comments) and the namespace prefixes of `extras` (namespaces are
//! kept, prefixes are chosen again on output: `a0`, `a1`…), as in the XML writer.
//!
//! ```
//! use lheo::workbook::{self, read_workbook};
//! use lheo::reader::read_document;
//!
//! let xml = std::fs::read("../fixtures/exemple.xml").unwrap_or_default();
//! if !xml.is_empty() {
//!     let mut xlsx = Vec::new();
//!     workbook::export(&xml[..], &mut xlsx)?;
//!     let imported = read_workbook(std::io::Cursor::new(xlsx))?;
//!     assert!(imported.diagnostics.is_empty());
//!     assert_eq!(imported.document()?, read_document(&xml[..])?);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod assemble;
pub mod cells;
pub mod doc;
pub mod flatten;
mod grid;
pub mod layout;
pub mod limits;
pub mod reader;
pub mod rules;
mod scan;
pub mod template;
pub mod writer;

pub use layout::Layout;
pub use limits::Limits;
pub use reader::{
    read_workbook, read_workbook_file, read_workbook_file_with, read_workbook_with, Imported,
};
pub use rules::RULES;
pub use template::template;
pub use writer::{export, write_document, ExportSummary, WorkbookWriter};

use crate::Diagnostic;

/// Why a workbook could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// The workbook library failed.
    #[error("classeur : {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The file is not a workbook that can be read.
    #[error("classeur illisible : {0}")]
    Unreadable(String),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Something in the input that the workbook cannot carry.
    #[error("{0}")]
    Unfit(#[from] flatten::Unfit),
    /// A text longer than a cell holds.
    #[error(
        "cellule {cell} : {chars} caractères, plus que les 32 767 qu'une cellule peut contenir"
    )]
    TooLong {
        /// The cell.
        cell: String,
        /// Its length.
        chars: usize,
    },
    /// A sheet would have more rows than Excel's 1 048 576.
    #[error("la feuille « {sheet} » dépasserait les 1 048 576 lignes d'Excel : découpez le flux")]
    TooManyRows {
        /// The sheet.
        sheet: String,
    },
    /// The input document cannot be read (ill-formed XML, not LHEO 2.x).
    #[error("{}", .0.message.fr)]
    Invalid(Box<Diagnostic>),
    /// The imported document does not fit the model (its diagnostics say why).
    #[error("{0}")]
    Build(#[from] crate::reader::ReadError),
}
