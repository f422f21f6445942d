//! Reading an entity sheet row by row: its header, then each row's values (to the value
//! spool) and keys (to the keys spool when joined in order, else to maps in memory).

use super::*;

/// Reads an entity sheet row by row (row 0, the headers, first when the sheet has it).
pub(super) struct EntityReader<'l> {
    sheet: &'l layout::SheetLayout,
    parent_name: Option<&'l str>,
    data: SheetData,
    key_col: Option<usize>,
    parent_col: Option<usize>,
    /// Whether the header row has been seen (or the first body row came without it).
    started: bool,
    /// For each column up to the last header, whether its header is empty.
    no_header: Vec<bool>,
    /// Findings about the headers, by column.
    headers: Vec<(usize, Diagnostic)>,
    /// Columns without a header that hold a value below it: the first such row.
    headerless: std::collections::BTreeMap<usize, u32>,
    /// One past the last column with a cell.
    cols: usize,
    /// Whether a body row holds more than blanks.
    filled: bool,
    /// The last key read (joined in order: keys must grow).
    last_key: Option<String>,
    /// Joined by sorted keys: the rows' keys to sort, and the number of findings before the
    /// sheet's rows (see [`EntityReader::spilling`]).
    spill: Option<(Sorter<KeyAt>, usize)>,
}

impl<'l> EntityReader<'l> {
    /// Reads sheet `number`, laid out as `layout.sheets[index]`; joined in order, its rows go
    /// to the keys spool from `keys_at`.
    pub(super) fn new(
        layout: &'l Layout,
        index: usize,
        number: usize,
        name: &str,
        keys_at: u64,
    ) -> Self {
        let sheet = &layout.sheets[index];
        let parent_name = sheet
            .parent
            .filter(|&p| layout.sheets[p].parent.is_some())
            .map(|p| layout.sheets[p].name.as_str());
        EntityReader {
            sheet,
            parent_name,
            data: SheetData {
                layout: index,
                number,
                name: name.to_owned(),
                columns: Vec::new(),
                rows: Vec::new(),
                parents: Vec::new(),
                by_key: HashMap::new(),
                keys: Segment {
                    start: keys_at,
                    count: 0,
                },
                index: Segment::default(),
                has_parent_col: false,
                parent_col: None,
                value_columns: HashMap::new(),
            },
            key_col: None,
            parent_col: None,
            started: false,
            no_header: Vec::new(),
            headers: Vec::new(),
            headerless: std::collections::BTreeMap::new(),
            cols: 0,
            filled: false,
            last_key: None,
            spill: None,
        }
    }

    /// To be joined by sorted keys ([`super::spilled`]): the rows go to the keys spool in any
    /// order, and their keys to a sorter (sorted in runs of `run_bytes`), each with the number
    /// of findings of the sheet's rows before it (`mark`: the number of findings before the
    /// sheet), where a finding of a duplicate key is to go.
    pub(super) fn spilling(mut self, run_bytes: usize, mark: usize) -> Self {
        self.spill = Some((Sorter::new(run_bytes), mark));
        self
    }

    /// The keys sorted, and their column (joined by sorted keys).
    pub(super) fn sorted_keys(&mut self) -> std::io::Result<Option<(Sorted<KeyAt>, usize)>> {
        match (self.spill.take(), self.key_col) {
            (Some((sorter, _)), Some(c)) => Ok(Some((sorter.finish()?, c))),
            _ => Ok(None),
        }
    }

    /// Reads the header row.
    fn header(&mut self, cells: &[(u32, Data)]) {
        let entity = self.sheet.element;
        let name = self.data.name.clone();
        let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
        let mut headers: HashMap<String, usize> = HashMap::new();
        for c in 0..width {
            let header = plain(cell_at(cells, c));
            if header.is_empty() {
                self.no_header.push(true);
                continue;
            }
            self.no_header.push(false);
            let canonical = header.split_whitespace().collect::<String>();
            if let Some(first) = headers.insert(canonical.clone(), c) {
                self.headers.push((c, diag(
                    Rule::ClasseurColonne,
                    at(&name, 0, c),
                    format!("colonne « {header} » en double (déjà en {}) : une seule valeur peut être gardée", cell_ref(0, first)),
                    format!("duplicate column \"{header}\" (already at {}): only one value can be kept", cell_ref(0, first)),
                )));
                continue;
            }
            if let Some(k) = canonical.strip_prefix('#') {
                if k == name {
                    self.key_col = Some(c);
                    continue;
                }
                if Some(k) == self.parent_name {
                    self.parent_col = Some(c);
                    continue;
                }
            }
            let resolved = if canonical.starts_with('#') {
                Err(PathError::Malformed)
            } else {
                layout::resolve(entity, &canonical)
            };
            match resolved {
                Ok(t) if t.attribute.is_none() && t.simple_type(entity).is_none() => {
                    self.headers.push((
                        c,
                        unknown_column(
                            &name,
                            c,
                            &header,
                            &PathError::NotSimple(schema::element(t.element(entity)).name),
                            self.sheet,
                        ),
                    ));
                }
                Ok(t) => {
                    if t.attribute.is_none() {
                        self.data.value_columns.insert(t.steps.clone(), c);
                    }
                    self.data.columns.push((c, t));
                }
                Err(e) => {
                    self.headers
                        .push((c, unknown_column(&name, c, &header, &e, self.sheet)));
                }
            }
        }
    }

    /// Reads row `r` (its non-empty cells in column order): its values go to `spool`, its
    /// keys to `keys` when joined in order ([`Stop::Disordered`] when its key does not
    /// follow the last one).
    pub(super) fn row(
        &mut self,
        r: u32,
        cells: &[(u32, Data)],
        spool: &mut SpoolWriter,
        keys: Option<&mut SpoolWriter>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(), Stop> {
        if let Some((c, _)) = cells.last() {
            self.cols = self.cols.max(*c as usize + 1);
        }
        if !self.started {
            self.started = true;
            if r == 0 {
                self.header(cells);
                return Ok(());
            }
        }
        if r == 0 {
            return Ok(());
        }
        for (c, _) in cells.iter() {
            let c = *c as usize;
            if self.no_header.get(c).copied().unwrap_or(true) {
                self.headerless.entry(c).or_insert(r);
            }
        }
        let entity = self.sheet.element;
        let name = &self.data.name;
        let number = self.data.number;
        let blank_row = blank(cells);
        self.filled = self.filled || !blank_row;
        // The document's row has no key: spaces alone may be its values (a row read holds
        // a cell).
        if blank_row && self.sheet.parent.is_some() {
            return Ok(());
        }
        let key = self
            .key_col
            .map(|c| plain(cell_at(cells, c)))
            .filter(|k| !k.is_empty());
        if let Some((sorter, mark)) = &mut self.spill {
            if let Some(k) = &key {
                let found = diagnostics.len().saturating_sub(*mark);
                sorter.push(KeyAt {
                    key: k.clone(),
                    ri: self.data.keys.count,
                    r,
                    found: u32::try_from(found).unwrap_or(u32::MAX),
                })?;
            }
        } else if keys.is_some() {
            if let (Some(k), Some(last)) = (&key, &self.last_key) {
                if key_cmp(last, k) != std::cmp::Ordering::Less {
                    return Err(Stop::Disordered);
                }
            }
        } else if let (Some(k), Some(c)) = (&key, self.key_col) {
            if let Some(&first) = self.data.by_key.get(k.as_str()) {
                let first = self.data.rows[first as usize].row + 1;
                diagnostics.push(duplicate_key(name, r, c, k, first));
            } else {
                let index = u32::try_from(self.data.rows.len()).unwrap_or(u32::MAX);
                self.data.by_key.insert(k.as_str().into(), index);
            }
        }
        let parent = self.parent_col.map(|c| {
            (
                plain(cell_at(cells, c)).into_boxed_str(),
                Origin::new(number, r, c),
            )
        });
        let mut values = Vec::new();
        for (i, (c, target)) in self.data.columns.iter().enumerate() {
            let cell = cell_at(cells, *c);
            let i = u16::try_from(i).unwrap_or(u16::MAX);
            if target.attribute.is_some() {
                let text = match cell {
                    Data::Empty => continue,
                    Data::String(s) => s.clone(),
                    other => plain(other),
                };
                if !text.is_empty() {
                    values.push((i, text));
                }
                continue;
            }
            let Some(st) = target.simple_type(entity) else {
                continue;
            };
            match import_value(st, cell) {
                Ok(Cell::Empty) => {}
                Ok(Cell::Text(t)) => values.push((i, t)),
                Err(p) => {
                    diagnostics.push(cell_problem(p, at(name, r, *c), target.to_path(entity)))
                }
            }
        }
        let (at, len) = put_values(spool, &values)?;
        match keys {
            Some(keys) => {
                let parent = parent.as_ref().map_or("", |(p, _)| p);
                join::put_key(keys, (r, at, len), key.as_deref().unwrap_or(""), parent)?;
                self.data.keys.count += 1;
                if key.is_some() {
                    self.last_key = key;
                }
            }
            None => {
                self.data.rows.push(RowData { row: r, len, at });
                self.data.parents.push(parent);
            }
        }
        Ok(())
    }

    /// The findings about columns (headers, columns without a header, the missing parent
    /// column), in column order, as they go before the findings of the rows.
    pub(super) fn header_findings(&mut self) -> Vec<Diagnostic> {
        let name = &self.data.name;
        let mut found = std::mem::take(&mut self.headers);
        for (&c, &r) in &self.headerless {
            found.push((c, diag(
                Rule::ClasseurColonne,
                at(name, r, c),
                format!("colonne {} sans en-tête : ses valeurs seraient perdues (mettez en ligne 1 le chemin LHEO de la colonne)", column_name(c)),
                format!("column {} has no header: its values would be lost (put the column's LHEO path in row 1)", column_name(c)),
            )));
        }
        found.sort_by_key(|(c, _)| *c);
        let mut found: Vec<Diagnostic> = found.into_iter().map(|(_, d)| d).collect();
        if let (Some(p), None) = (self.parent_name, self.parent_col) {
            if self.filled {
                found.push(diag(
                    Rule::ClasseurColonne,
                    at(name, 0, self.cols),
                    format!("colonne « #{p} » absente : chaque ligne de la feuille « {name} » doit dire à quelle ligne de la feuille « {p} » elle appartient"),
                    format!("column \"#{p}\" is missing: each row of sheet \"{name}\" must say which row of sheet \"{p}\" it belongs to"),
                ));
            }
        }
        found
    }

    /// The sheet read (its last rows in `keys`, joined in order).
    pub(super) fn finish(mut self, keys: Option<&mut SpoolWriter>) -> std::io::Result<SheetData> {
        if self.sheet.parent.is_none() && self.data.rows.is_empty() && self.data.keys.count == 0 {
            // The document's row may be blank: the root still exists.
            let row = RowData {
                row: 1,
                len: 0,
                at: 0,
            };
            match keys {
                Some(keys) => {
                    join::put_key(keys, (row.row, 0, 0), "", "")?;
                    self.data.keys.count = 1;
                }
                None => {
                    self.data.rows.push(row);
                    self.data.parents.push(None);
                }
            }
        }
        self.data.has_parent_col = self.parent_col.is_some();
        self.data.parent_col = self.parent_col;
        self.data.rows.shrink_to_fit();
        Ok(self.data)
    }
}

fn unknown_column(
    sheet: &str,
    col: usize,
    header: &str,
    why: &PathError,
    layout: &layout::SheetLayout,
) -> Diagnostic {
    let entity = schema::element(layout.element).name;
    // Paths are read without their spaces: name the steps as they were typed.
    let mut why = why.to_string();
    for step in header.split('/') {
        let read: String = step.split_whitespace().collect();
        if read != step.trim() {
            why = why.replace(&format!("« {read} »"), &format!("« {} »", step.trim()));
        }
    }
    diag(
        Rule::ClasseurColonne,
        at(sheet, 0, col),
        format!("colonne « {header} » inconnue : {why} ; ses valeurs seraient perdues (les colonnes possibles de la feuille « {sheet} » sont des chemins sous « {entity} », voir la feuille documentation)"),
        format!("unknown column \"{header}\" ({why}); its values would be lost (the columns of sheet \"{sheet}\" are paths below \"{entity}\", see the documentation sheet)"),
    )
}

fn cell_problem(p: CellProblem, loc: Location, path: String) -> Diagnostic {
    match p {
        CellProblem::Date(found) => diag(
            Rule::ClasseurDate,
            loc,
            format!("date impossible « {found} » ({path}) : attendu jj/mm/aaaa, aaaa-mm-jj ou aaaammjj (mm/aaaa, aaaa ou 00000000 pour une date partielle)"),
            format!("impossible date \"{found}\" ({path}): expected dd/mm/yyyy, yyyy-mm-dd or yyyymmdd (mm/yyyy, yyyy or 00000000 for a partial date)"),
        ),
        CellProblem::Code { found, dict } => {
            let d = schema::DICTS.iter().find(|d| d.name == dict);
            let codes = d
                .map(|d| {
                    d.entries
                        .iter()
                        .map(|(c, l)| format!("{c} ({l})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let label = d.map_or("", |d| d.label);
            diag(
                Rule::ClasseurCode,
                loc,
                format!("« {found} » n'est ni un code ni un libellé de la liste « {label} » ({path}) : codes possibles {codes}"),
                format!("\"{found}\" is neither a code nor a label of the list \"{label}\" ({path}): possible codes {codes}"),
            )
        }
        CellProblem::Error(found) => diag(
            Rule::ClasseurValeur,
            loc,
            format!("la cellule contient l'erreur « {found} » ({path}) : remplacez-la par une valeur"),
            format!("the cell holds the error \"{found}\" ({path}): replace it with a value"),
        ),
    }
}
