//! An `.xlsx` workbook's sheets read on two threads.
//!
//! The thread that joins the rows ([`super::read_sheets`]) takes the sheets one by one, in
//! order, and reads each with calamine as it comes to it. Beside it, a helper (the thread that
//! checked the workbook's bounds first: [`super::read_xlsx_beside`]) opens the spooled
//! workbook with its own calamine reader and reads sheets from the last one backwards,
//! spooling each sheet's rows (the values calamine gives, in a compact binary form; on disk
//! beyond 256 KB); the joining thread replays them when it comes to that sheet. The
//! two meet in the middle: each sheet is read once, by one of them, and the joining thread
//! still sees every sheet's rows in the same order, so the workbook reads the same.
//!
//! Only when the budgets are lifted (`--trust-workbook`): the helper checks each cell's
//! position against Excel's bounds with its own budget, and there is no count to share. And
//! only when the workbook's shared strings are few: calamine holds them in memory, and the
//! helper's reader would hold them a second time. A sheet whose rows are out of order in its
//! XML is left to the joining thread, which reads it whole: never two whole sheets at once.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use calamine::Reader as _;

use super::super::layout::{DOCUMENTATION, LISTES};
use super::super::limits::{Budget, Limits};
use super::super::spool::{put_row, read_row, Spool, SpoolWriter};
use super::{xlsx_rows, RowSink, Stop, FAILED};

/// Beyond this many bytes, a sheet's rows read by the helper go to a temporary file (the
/// sheets it read are kept until the workbook is read: at most a few megabytes of them in
/// memory, whatever their number).
const SHEET_SPILL_AT: usize = 256 << 10;

/// Up to this many bytes of shared strings (unpacked XML), the sheets are read on two
/// threads.
const MAX_SHARED_STRINGS: u64 = 16 << 20;

/// Whether reading the sheets of the spooled `.xlsx` on two threads is worth it: it has
/// more than one sheet and few shared strings.
fn worthwhile(spool: &Spool) -> bool {
    let Ok(reader) = spool.reader() else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(reader) else {
        return false;
    };
    let (mut sheets, mut shared) = (0u32, 0u64);
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index_raw(i) else {
            return false;
        };
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            sheets += 1;
        } else if name.ends_with("sharedstrings.xml") {
            shared = shared.saturating_add(part.size());
        }
    }
    sheets > 1 && shared <= MAX_SHARED_STRINGS
}

/// Who reads a sheet.
enum Slot {
    /// Nobody yet.
    Free,
    /// The joining thread, itself.
    Joining,
    /// The helper, now.
    Reading,
    /// The helper, done.
    Read(Result<Parsed, Stop>),
}

#[derive(Default)]
struct State {
    /// Whether the joining thread has listed the sheets.
    started: bool,
    /// The sheets the joining thread reads, in its order.
    order: Vec<String>,
    slots: Vec<Slot>,
    /// The sheets before are the joining thread's.
    front: usize,
    /// The sheets from here on were claimed by the helper (or skipped by it).
    back: usize,
}

/// The sheets shared between the joining thread and the helper: none until the joining thread
/// lists them ([`Prefetch::start`]).
#[derive(Default)]
pub(super) struct Prefetch {
    state: Mutex<State>,
    changed: Condvar,
    stopped: AtomicBool,
}

impl Prefetch {
    /// Lists the sheets of the workbook, by `names` (as calamine lists them): the joining
    /// thread reads all but the documentation and the lists, in this order. Once: listed
    /// again, nothing changes.
    pub(super) fn start(&self, names: &[String]) {
        let order: Vec<String> = names
            .iter()
            .filter(|n| *n != DOCUMENTATION && *n != LISTES)
            .cloned()
            .collect();
        let mut state = self.lock();
        if state.started {
            return;
        }
        state.slots = (0..order.len()).map(|_| Slot::Free).collect();
        state.back = order.len();
        state.order = order;
        state.started = true;
        drop(state);
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock: the state is whole even if poisoned.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// For the joining thread, before it reads sheet `name`: the sheet's rows the helper read
    /// (waiting for them while it reads them), or `None` when the joining thread reads the
    /// sheet itself (then the helper never will).
    pub(super) fn take(&self, name: &str) -> Option<Result<Parsed, Stop>> {
        let mut state = self.lock();
        let i = state.order.iter().position(|n| n == name)?;
        loop {
            match &state.slots[i] {
                Slot::Free => {
                    state.slots[i] = Slot::Joining;
                    state.front = state.front.max(i + 1);
                    return None;
                }
                Slot::Joining => return None,
                Slot::Reading => {
                    state = self
                        .changed
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Slot::Read(Ok(parsed)) => return Some(Ok(parsed.clone())),
                Slot::Read(Err(_)) => {
                    // An error is given once (reading stops at it); asked again, the joining
                    // thread reads the sheet itself.
                    return match std::mem::replace(&mut state.slots[i], Slot::Joining) {
                        Slot::Read(read) => Some(read),
                        _ => None,
                    };
                }
            }
        }
    }

    /// Stops the helper: it claims no more sheets and gives up the one it reads.
    pub(super) fn stop(&self) {
        let mut state = self.lock();
        self.stopped.store(true, Ordering::Relaxed);
        state.back = state.front;
        drop(state);
        self.changed.notify_all();
    }

    /// The helper: reads the sheets from the last one backwards, until it meets the joining
    /// thread (or is stopped), with its own reader of the workbook `spool`.
    pub(super) fn help(&self, spool: &Spool, limits: Limits) {
        if !worthwhile(spool) || !self.started() {
            return;
        }
        let opened = spool
            .reader()
            .ok()
            .and_then(|input| calamine::Xlsx::new(input).ok());
        // Unopened, the joining thread reads every sheet (and says why it cannot).
        let Some(mut book) = opened else { return };
        while let Some((i, name)) = self.claim() {
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.read(&mut book, &name, limits)
            }));
            let failed = read.is_err();
            let read = read.unwrap_or_else(|_| Err(Stop::Unreadable(FAILED.into())));
            // Rows out of order: a sheet read whole, which the joining thread does itself
            // (two whole sheets at once would double the memory).
            let slot = match read {
                Err(Stop::Unordered) => Slot::Joining,
                read => Slot::Read(read),
            };
            self.lock().slots[i] = slot;
            self.changed.notify_all();
            if failed {
                return;
            }
        }
    }

    /// How many sheets the helper read.
    #[cfg(test)]
    pub(super) fn helped(&self) -> usize {
        let state = self.lock();
        state
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Read(_)))
            .count()
    }

    /// Waits for the sheets' list: `false` when stopped first.
    fn started(&self) -> bool {
        let mut state = self.lock();
        while !state.started && !self.stopped.load(Ordering::Relaxed) {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.started
    }

    /// The next sheet for the helper, from the back.
    fn claim(&self) -> Option<(usize, String)> {
        if self.stopped.load(Ordering::Relaxed) {
            return None;
        }
        let mut state = self.lock();
        while state.back > state.front {
            state.back -= 1;
            let i = state.back;
            if matches!(state.slots[i], Slot::Free) {
                state.slots[i] = Slot::Reading;
                return Some((i, state.order[i].clone()));
            }
        }
        None
    }

    /// Reads sheet `name` into a spool, as the joining thread would stream it
    /// ([`Stop::Unordered`] when its rows are out of order).
    fn read<RS: Read + std::io::Seek>(
        &self,
        book: &mut calamine::Xlsx<RS>,
        name: &str,
        limits: Limits,
    ) -> Result<Parsed, Stop> {
        let mut budget = Budget::new(limits);
        let mut out = SpoolWriter::spilling_at(SHEET_SPILL_AT);
        let formulas = xlsx_rows(book, name, &mut budget, true, &mut |r, cells| {
            if self.stopped.load(Ordering::Relaxed) {
                return Err(std::io::Error::from(std::io::ErrorKind::Interrupted).into());
            }
            Ok(put_row(&mut out, r, cells)?)
        })?;
        Ok(Parsed {
            rows: out.finish()?,
            formulas,
        })
    }
}

/// A sheet's rows read by the helper.
#[derive(Clone)]
pub(super) struct Parsed {
    /// The rows ([`put_row`]).
    rows: Spool,
    /// The cells whose formula has no saved value.
    formulas: Vec<(u32, u32)>,
}

impl Parsed {
    /// Gives the rows to `rows`, as the sheet's reading would have, and returns the cells
    /// whose formula has no saved value.
    pub(super) fn replay(self, rows: RowSink<'_>) -> Result<Vec<(u32, u32)>, Stop> {
        let mut input = self.rows.reader()?;
        let mut cells = Vec::new();
        while input.position() < self.rows.len() {
            let r = read_row(&mut input, &mut cells)?;
            rows(r, &mut cells)?;
        }
        Ok(self.formulas)
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::spool::is_1904;
    use super::*;
    use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn every_kind_of_value_replays_as_it_was_read() {
        let row: Vec<(u32, Data)> = vec![
            (0, Data::Int(-42)),
            (1, Data::Float(3.25)),
            (2, Data::String("é\u{0}\n«»".into())),
            (3, Data::Bool(true)),
            (
                4,
                Data::DateTime(ExcelDateTime::new(
                    45000.5,
                    ExcelDateTimeType::DateTime,
                    false,
                )),
            ),
            (
                5,
                Data::DateTime(ExcelDateTime::new(1.25, ExcelDateTimeType::TimeDelta, true)),
            ),
            (6, Data::DateTimeIso("2026-12-04T10:00:00".into())),
            (7, Data::DurationIso("PT1H".into())),
            (8, Data::Error(CellErrorType::Ref)),
            (9, Data::Error(CellErrorType::GettingData)),
            (16383, Data::Empty),
        ];
        let mut out = SpoolWriter::new();
        put_row(&mut out, 7, &row).unwrap();
        put_row(&mut out, 1_048_575, &row[..2]).unwrap();
        let parsed = Parsed {
            rows: out.finish().unwrap(),
            formulas: vec![(3, 4)],
        };
        let mut seen = Vec::new();
        let formulas = parsed
            .replay(&mut |r, cells| {
                seen.push((r, cells.clone()));
                Ok(())
            })
            .map_err(|_| "replay failed")
            .unwrap();
        assert_eq!(formulas, vec![(3, 4)]);
        assert_eq!(seen, vec![(7, row.clone()), (1_048_575, row[..2].to_vec())]);
        // The date system is kept (dates compare it).
        let Data::DateTime(dt) = &seen[0].1[5].1 else {
            panic!("a date")
        };
        assert!(is_1904(dt, ExcelDateTimeType::TimeDelta));
        let Data::DateTime(dt) = &seen[0].1[4].1 else {
            panic!("a date")
        };
        assert!(!is_1904(dt, ExcelDateTimeType::DateTime));
    }

    #[test]
    fn the_two_threads_share_the_sheets_without_overlap() {
        let names: Vec<String> = ["a", DOCUMENTATION, "b", "c", "d", LISTES]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let prefetch = Prefetch::default();
        prefetch.start(&names);
        // The helper claims from the back; the joining thread takes from the front.
        assert_eq!(prefetch.claim().map(|c| c.1), Some("d".into()));
        assert!(prefetch.take("a").is_none());
        assert_eq!(prefetch.claim().map(|c| c.1), Some("c".into()));
        assert!(prefetch.take("b").is_none());
        // They met: nothing left for the helper.
        assert!(prefetch.claim().is_none());
        // The helper's sheets are given to the joining thread once read.
        for (i, _) in [(2usize, "c"), (3, "d")] {
            prefetch.lock().slots[i] = Slot::Read(Ok(Parsed {
                rows: Spool::default(),
                formulas: vec![(i as u32, 0)],
            }));
        }
        let got = prefetch.take("c").map(|r| r.map(|p| p.formulas));
        assert!(matches!(got, Some(Ok(f)) if f == vec![(2, 0)]));
        // Asked again (the workbook read again to be joined by keys), the same rows.
        let got = prefetch.take("c").map(|r| r.map(|p| p.formulas));
        assert!(matches!(got, Some(Ok(f)) if f == vec![(2, 0)]));
        // An error is given once; then the joining thread reads the sheet itself.
        prefetch.lock().slots[3] = Slot::Read(Err(Stop::Unreadable("x".into())));
        assert!(matches!(prefetch.take("d"), Some(Err(Stop::Unreadable(_)))));
        assert!(prefetch.take("d").is_none());
        // Stopped, the helper claims nothing.
        let prefetch = Prefetch::default();
        prefetch.start(&names);
        prefetch.stop();
        assert!(prefetch.claim().is_none());
        // Stopped before the sheets are listed, the helper does not wait for them.
        let prefetch = Prefetch::default();
        prefetch.stop();
        assert!(!prefetch.started());
    }
}
