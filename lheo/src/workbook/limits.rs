//! What a workbook may hold before it is read: Excel's own bounds and a budget of cells, bytes
//! and rows, checked before anything is allocated for them (by a pre-scan of the bytes). A
//! workbook over them is one `CLASSEUR-LIMITE` finding, never a memory blow-up.

use crate::diagnostic::{Diagnostic, Location, Rule};

/// Bounds on a workbook read by [`super::read_workbook_with`].
///
/// The defaults refuse, before they are read, the workbooks that cost far more to read than
/// their size (a reference past Excel's last column, repeated rows and columns, one long text
/// shown in many cells, hundreds of thousands of nearly empty rows): each bomb of
/// `lheo-cli/tests/workbook_bombs.rs` is refused by `validate`, `import` and `diff` under a
/// 200 MB address-space limit. What they admit costs what its content costs, and stays under
/// that limit too: a sheet at the cell budget about 90 MB, a workbook at the row budget made
/// of nearly empty rows (each an offer missing every required element) about 110 MB
/// (`lheo import`, debug build; the same test checks it).
/// Raise them for bigger workbooks (a library user passes them to
/// [`super::read_workbook_with`]). What counts:
///
/// - a *cell* is a cell the reader keeps in memory: in `.xlsx`, every cell the sheet's XML
///   lists; in `.ods` and `.xls`, every cell of the rectangle from the first to the last
///   non-empty cell of the sheet, empty ones included (the workbook library holds them so),
///   with repeated rows and columns (`table:number-rows-repeated`…) expanded;
/// - a *row* is a row that holds a cell, in any sheet but the documentation: each becomes an
///   element of the document (an offer, an action, a session…) with what it requires, so a
///   row costs more than its cells;
/// - *bytes* are the text those cells hold once read (a shared string or a repeated cell counts
///   once per cell), and the shared strings of an `.xlsx` once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Rows of a sheet (Excel: 1 048 576).
    pub max_rows: u32,
    /// Columns of a sheet (Excel: 16 384, `XFD`).
    pub max_columns: u32,
    /// Cells of one sheet (default 1 000 000).
    pub max_sheet_cells: u64,
    /// Cells of the whole workbook (default 2 000 000).
    pub max_cells: u64,
    /// Bytes of text of one sheet (default 64 MiB).
    pub max_sheet_bytes: u64,
    /// Bytes of text of the whole workbook (default 128 MiB).
    pub max_bytes: u64,
    /// Rows holding a cell, over the whole workbook (default 40 000: about 1 000 offers as
    /// `lheo export` writes them, some 40 rows each over the sheets).
    pub max_data_rows: u64,
    /// With the budgets lifted ([`Limits::trusted`]): the size (unpacked bytes) from which an
    /// `.xlsx`'s table of shared strings (as Excel and LibreOffice save workbooks) is written
    /// into its cells before the sheets are read, the strings looked up on disk. The workbook
    /// library holds the table in memory while it reads the sheets: a table of 44 MiB (13 000
    /// offers) costs some 30 MB, one of 192 MiB (60 000) some 130 MB; written into the cells,
    /// the reading holds none, for the time of a copy of the sheets (that last workbook: 188 MB
    /// and 20.7 s → 57 MB and 31.2 s). Default 48 MiB; `0`: always; `u64::MAX`: never.
    pub inline_strings_at: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows: EXCEL_ROWS,
            max_columns: EXCEL_COLUMNS,
            max_sheet_cells: 1_000_000,
            max_cells: 2_000_000,
            max_sheet_bytes: 64 << 20,
            max_bytes: 128 << 20,
            max_data_rows: 40_000,
            inline_strings_at: 48 << 20,
        }
    }
}

impl Limits {
    /// Excel's bounds only, without budgets of cells, bytes or rows: for a workbook you trust
    /// (an `.xlsx` is read with a flat memory whatever its size; an `.ods` or `.xls` is held
    /// whole by the workbook library).
    pub fn trusted() -> Self {
        Limits {
            max_sheet_cells: u64::MAX,
            max_cells: u64::MAX,
            max_sheet_bytes: u64::MAX,
            max_bytes: u64::MAX,
            max_data_rows: u64::MAX,
            ..Limits::default()
        }
    }

    /// Whether no budget of cells, bytes or rows is left (as [`Limits::trusted`] sets them).
    pub(crate) fn budgets_lifted(&self) -> bool {
        [
            self.max_sheet_cells,
            self.max_cells,
            self.max_sheet_bytes,
            self.max_bytes,
            self.max_data_rows,
        ]
        .iter()
        .all(|&b| b == u64::MAX)
    }

    /// These limits with sheets of at most `max` rows.
    pub fn with_max_rows(mut self, max: u32) -> Self {
        self.max_rows = max;
        self
    }

    /// These limits with sheets of at most `max` columns.
    pub fn with_max_columns(mut self, max: u32) -> Self {
        self.max_columns = max;
        self
    }

    /// These limits with at most `max` cells per sheet.
    pub fn with_max_sheet_cells(mut self, max: u64) -> Self {
        self.max_sheet_cells = max;
        self
    }

    /// These limits with at most `max` cells in the workbook.
    pub fn with_max_cells(mut self, max: u64) -> Self {
        self.max_cells = max;
        self
    }

    /// These limits with at most `max` bytes of text per sheet.
    pub fn with_max_sheet_bytes(mut self, max: u64) -> Self {
        self.max_sheet_bytes = max;
        self
    }

    /// These limits with at most `max` bytes of text in the workbook.
    pub fn with_max_bytes(mut self, max: u64) -> Self {
        self.max_bytes = max;
        self
    }

    /// These limits with a table of shared strings of `bytes` or more written into the cells
    /// before the sheets are read (see [`Limits::inline_strings_at`]).
    pub fn with_inline_strings_at(mut self, bytes: u64) -> Self {
        self.inline_strings_at = bytes;
        self
    }

    /// These limits with at most `max` rows holding a cell in the workbook.
    pub fn with_max_data_rows(mut self, max: u64) -> Self {
        self.max_data_rows = max;
        self
    }
}

/// Excel's last row (1 048 576).
pub const EXCEL_ROWS: u32 = 1 << 20;
/// Excel's last column (16 384, `XFD`).
pub const EXCEL_COLUMNS: u32 = 1 << 14;

/// Why a workbook is over its [`Limits`]: the French and English sentences of the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// Where (a sheet, or the workbook's part).
    pub place: String,
    /// What, in French.
    pub fr: String,
    /// What, in English.
    pub en: String,
}

impl Exceeded {
    /// The `CLASSEUR-LIMITE` finding.
    pub fn diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::new(
            Rule::ClasseurLimite,
            format!(
                "{} : {} ; classeur refusé (rien n'en a été lu). Découpez-le, ou relevez les limites si vous lui faites confiance",
                self.place, self.fr
            ),
            format!(
                "{}: {}; workbook refused (nothing of it was read). Split it, or raise the limits if you trust it",
                self.place, self.en
            ),
        );
        d.location = Location::None;
        d
    }
}

/// Counts cells and bytes against [`Limits`], sheet by sheet and for the whole workbook.
#[derive(Debug, Clone)]
pub struct Budget {
    limits: Limits,
    place: String,
    sheet_cells: u64,
    sheet_bytes: u64,
    cells: u64,
    bytes: u64,
    rows: u64,
}

impl Budget {
    /// A budget for a new workbook.
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits,
            place: String::new(),
            sheet_cells: 0,
            sheet_bytes: 0,
            cells: 0,
            bytes: 0,
            rows: 0,
        }
    }

    /// The limits counted against.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Starts counting a new sheet (`place` names it in findings).
    pub fn sheet(&mut self, place: impl Into<String>) {
        self.place = place.into();
        self.sheet_cells = 0;
        self.sheet_bytes = 0;
    }

    fn exceeded(&self, fr: String, en: String) -> Exceeded {
        Exceeded {
            place: self.place.clone(),
            fr,
            en,
        }
    }

    /// Checks a position (0-based row and column) against Excel's bounds.
    pub fn position(&self, row: u64, col: u64) -> Result<(), Exceeded> {
        let l = &self.limits;
        if row >= u64::from(l.max_rows) {
            return Err(self.exceeded(
                format!(
                    "ligne {} au-delà de la dernière ligne admise ({})",
                    row.saturating_add(1),
                    l.max_rows
                ),
                format!(
                    "row {} beyond the last row allowed ({})",
                    row.saturating_add(1),
                    l.max_rows
                ),
            ));
        }
        if col >= u64::from(l.max_columns) {
            return Err(self.exceeded(
                format!(
                    "colonne n° {} au-delà de la dernière colonne admise ({})",
                    col.saturating_add(1),
                    l.max_columns
                ),
                format!(
                    "column #{} beyond the last column allowed ({})",
                    col.saturating_add(1),
                    l.max_columns
                ),
            ));
        }
        Ok(())
    }

    /// Adds `cells` cells holding `bytes` bytes of text.
    pub fn add(&mut self, cells: u64, bytes: u64) -> Result<(), Exceeded> {
        self.sheet_cells = self.sheet_cells.saturating_add(cells);
        self.cells = self.cells.saturating_add(cells);
        self.sheet_bytes = self.sheet_bytes.saturating_add(bytes);
        self.bytes = self.bytes.saturating_add(bytes);
        let l = &self.limits;
        if self.sheet_cells > l.max_sheet_cells {
            return Err(self.exceeded(
                format!("plus de {} cellules dans une feuille", l.max_sheet_cells),
                format!("more than {} cells in one sheet", l.max_sheet_cells),
            ));
        }
        if self.cells > l.max_cells {
            return Err(self.exceeded(
                format!("plus de {} cellules dans le classeur", l.max_cells),
                format!("more than {} cells in the workbook", l.max_cells),
            ));
        }
        if self.sheet_bytes > l.max_sheet_bytes {
            return Err(self.exceeded(
                format!(
                    "plus de {} octets de texte dans une feuille",
                    l.max_sheet_bytes
                ),
                format!("more than {} bytes of text in one sheet", l.max_sheet_bytes),
            ));
        }
        if self.bytes > l.max_bytes {
            return Err(self.exceeded(
                format!("plus de {} octets de texte dans le classeur", l.max_bytes),
                format!("more than {} bytes of text in the workbook", l.max_bytes),
            ));
        }
        Ok(())
    }

    /// Adds `rows` rows holding a cell.
    pub fn add_rows(&mut self, rows: u64) -> Result<(), Exceeded> {
        self.rows = self.rows.saturating_add(rows);
        let max = self.limits.max_data_rows;
        if self.rows > max {
            return Err(self.exceeded(
                format!("plus de {max} lignes remplies dans le classeur"),
                format!("more than {max} rows holding cells in the workbook"),
            ));
        }
        Ok(())
    }

    /// A finding about the workbook's structure (a reference or dimension out of bounds).
    pub fn refuse(&self, fr: String, en: String) -> Exceeded {
        self.exceeded(fr, en)
    }
}
