//! The sheets of a copy shared between two threads: the writing thread takes them from the
//! first, in the archive's order, and writes each into the copy as it goes; a helper takes
//! them from the last, each into a spool the writing thread copies when it comes to it.

use std::sync::{Condvar, Mutex, MutexGuard};

use super::Skip;
use crate::workbook::spool::Spool;

/// Who has a sheet.
enum Claim {
    Free,
    /// The writing thread.
    Writer,
    /// The helper, at work on it.
    Helper,
    /// The helper's copy of it.
    Ready(Spool),
    /// The helper's failure (taken by the writing thread).
    Failed(Option<Skip>),
}

/// The sheets' claims.
pub(super) struct Share {
    claims: Mutex<Vec<Claim>>,
    /// Signalled when the helper is done with a sheet.
    done: Condvar,
}

impl Share {
    /// `sheets` sheets, all free.
    pub(super) fn new(sheets: usize) -> Self {
        Share {
            claims: Mutex::new((0..sheets).map(|_| Claim::Free).collect()),
            done: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Claim>> {
        // A panic of the other thread is seen at its join: the claims stay usable.
        self.claims.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The writing thread comes to sheet `k`: `None` when it is its to copy, else the helper's
    /// copy (waited for).
    pub(super) fn take(&self, k: usize) -> Result<Option<Spool>, Skip> {
        let mut claims = self.lock();
        loop {
            let Some(claim) = claims.get_mut(k) else {
                return Err(Skip::AsIs);
            };
            match claim {
                Claim::Free => {
                    *claim = Claim::Writer;
                    return Ok(None);
                }
                Claim::Helper => {
                    claims = self.done.wait(claims).unwrap_or_else(|e| e.into_inner());
                }
                Claim::Ready(_) => {
                    return match std::mem::replace(claim, Claim::Writer) {
                        Claim::Ready(spool) => Ok(Some(spool)),
                        _ => Err(Skip::AsIs),
                    };
                }
                Claim::Failed(skip) => return Err(skip.take().unwrap_or(Skip::AsIs)),
                Claim::Writer => return Err(Skip::AsIs),
            }
        }
    }

    /// The writing thread stops (done or failed): the helper takes no more sheets.
    pub(super) fn stop(&self) {
        for claim in self.lock().iter_mut() {
            if matches!(claim, Claim::Free) {
                *claim = Claim::Writer;
            }
        }
    }

    /// The helper's next sheet: the last free one.
    pub(super) fn claim_last(&self) -> Option<usize> {
        let mut claims = self.lock();
        let k = claims.iter().rposition(|c| matches!(c, Claim::Free))?;
        claims[k] = Claim::Helper;
        Some(k)
    }

    /// The helper is done with sheet `k`. After a failure it takes no more sheets.
    pub(super) fn give(&self, k: usize, copy: Result<Spool, Skip>) {
        let failed = copy.is_err();
        if let Some(claim) = self.lock().get_mut(k) {
            *claim = match copy {
                Ok(spool) => Claim::Ready(spool),
                Err(skip) => Claim::Failed(Some(skip)),
            };
        }
        self.done.notify_all();
        if failed {
            self.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two threads share the sheets without overlap; what the helper copied reaches the
    /// writing thread, and its failure too.
    #[test]
    fn each_sheet_is_copied_once_and_a_failure_reaches_the_writer() {
        let share = Share::new(5);
        assert_eq!(share.claim_last(), Some(4));
        assert!(matches!(share.take(0), Ok(None)));
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(50));
                share.give(4, Ok(Spool::from_vec(b"four".to_vec())));
            });
            // Sheet 4 is waited for.
            assert!(
                matches!(share.take(4), Ok(Some(spool)) if spool.to_vec().ok() == Some(b"four".to_vec()))
            );
        });
        assert_eq!(share.claim_last(), Some(3));
        share.give(3, Err(Skip::AsIs));
        // After the failure, the helper takes nothing more; the writer meets the failure.
        assert_eq!(share.claim_last(), None);
        assert!(matches!(share.take(3), Err(Skip::AsIs)));
        // Sheets 1 and 2 were left to the writer (stopped: nothing is free).
        assert!(matches!(share.take(1), Err(Skip::AsIs)));
        let share = Share::new(2);
        share.stop();
        assert_eq!(share.claim_last(), None);
    }
}
