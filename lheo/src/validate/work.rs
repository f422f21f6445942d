//! What a reading does with each record besides checking it ([`RecordWork`]): nothing when
//! validating, serialising it when converting.

use crate::reader::log::RecordLog;
use crate::reader::tree::Node;

/// Work on each captured record, on the thread that reads it: the worker threads apply it
/// to the records of their chunks, the calling thread to the records it reads in sequence.
/// Parts reach a [`Take`] on the calling thread in document order, and only the parts of
/// records whose reading counts (a chunk read again in sequence gives its records again).
pub(crate) trait RecordWork: Sync {
    /// What the records of one chunk, or one record read in sequence, give.
    type Part: Send + Default;

    /// An empty part for a chunk of `bytes` bytes (0: one record read in sequence).
    fn part(&self, bytes: usize) -> Self::Part {
        let _ = bytes;
        Self::Part::default()
    }

    /// Works on `log` (after the record rules), adding to `part`; the reader reuses the
    /// log's buffers for the next record.
    fn record(&self, log: &RecordLog, part: &mut Self::Part);
}

/// Takes the parts of a [`RecordWork`] in document order, on the calling thread; its second
/// argument gives the envelope read so far before the part's first record.
pub(crate) type Take<'a, P> = &'a mut dyn FnMut(P, &dyn Fn() -> Option<Node>);

/// No work: validation.
pub(crate) struct NoWork;

impl RecordWork for NoWork {
    type Part = ();

    fn record(&self, _log: &RecordLog, _part: &mut ()) {}
}
