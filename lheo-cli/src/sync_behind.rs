//! Writing a file that is flushed to disk as it grows: an output is synced before it replaces
//! the old one (see [`crate::output`]), and a feed of hundreds of megabytes left entirely to
//! that last `sync_all` makes the command wait for the disk at the end (a quarter of a second
//! for 224 MB on the benchmark machine) while the computing is over. [`SyncBehind`] has a
//! second thread sync the bytes written so far every few megabytes, so that the disk works
//! while the command computes and the last sync only waits for the tail.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::thread::JoinHandle;

/// Bytes written between two background syncs.
pub const SYNC_EVERY: u64 = 16 << 20;

/// A writer to `file` that asks a background thread to sync it every `every` bytes (a sync
/// still running when the next one is due is not queued twice). The thread starts with the
/// first sync due: a small output (or one that fails early) never has one. Call
/// [`SyncBehind::finish`]: it reports a failed background sync (an error is reported once
/// per open file, so the caller's own sync would not see it again).
pub struct SyncBehind<'f> {
    file: &'f File,
    written: u64,
    next: u64,
    every: u64,
    /// Whether the thread was asked for (started, or could not start).
    asked: bool,
    signal: Option<SyncSender<()>>,
    worker: Option<JoinHandle<io::Result<()>>>,
}

/// The stack of the syncing thread: it only calls `sync_data` (a process under an
/// address-space limit should not pay the default stack for it).
const STACK: usize = 64 << 10;

impl<'f> SyncBehind<'f> {
    /// Writes to `file`, synced in the background every `every` bytes.
    pub fn new(file: &'f File, every: u64) -> Self {
        let every = every.max(1);
        SyncBehind {
            file,
            written: 0,
            next: every,
            every,
            asked: false,
            signal: None,
            worker: None,
        }
    }

    /// Starts the thread. Without a second handle on the file or a thread to sync it (a
    /// process limit), the writer only writes: the caller's final sync does all the work.
    fn start(&mut self) {
        self.asked = true;
        let Ok(clone) = self.file.try_clone() else {
            return;
        };
        let (tx, rx) = sync_channel::<()>(1);
        let worker = std::thread::Builder::new()
            .name("lheo-sync".to_owned())
            .stack_size(STACK)
            .spawn(move || {
                for () in rx {
                    clone.sync_data()?;
                }
                Ok(())
            });
        if let Ok(worker) = worker {
            self.signal = Some(tx);
            self.worker = Some(worker);
        }
    }

    /// Asks for a sync of what was written so far.
    fn sync_behind(&mut self) {
        if !self.asked {
            self.start();
        }
        if let Some(signal) = &self.signal {
            match signal.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) => {}
                // The thread stopped on an error: `finish` reports it.
                Err(TrySendError::Disconnected(())) => self.signal = None,
            }
        }
    }

    /// Waits for the background syncs; the first error of one, if any.
    pub fn finish(mut self) -> io::Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> io::Result<()> {
        self.signal = None;
        match self.worker.take().map(JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(_)) => Err(io::Error::other("the thread syncing the output stopped")),
        }
    }
}

impl Write for SyncBehind<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written >= self.next {
            self.next = self.written + self.every;
            self.sync_behind();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for SyncBehind<'_> {
    /// Without [`SyncBehind::finish`] (an error on the way): the thread is waited for all the
    /// same, so that it never outlives the file.
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Every byte reaches the file, across many background syncs and writes of all sizes.
    #[test]
    fn writes_everything_while_syncing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        let file = File::create(&path).unwrap();
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let mut w = SyncBehind::new(&file, 64 * 1024);
        w.write_all(&data[..1000]).unwrap();
        assert!(w.worker.is_none(), "no thread before the first sync is due");
        let mut at = 1000;
        let mut size = 1;
        while at < data.len() {
            let end = (at + size).min(data.len());
            w.write_all(&data[at..end]).unwrap();
            at = end;
            size = size * 3 % 200_000 + 1;
        }
        w.flush().unwrap();
        assert!(w.worker.is_some(), "a thread syncs the file");
        w.finish().unwrap();
        let mut back = Vec::new();
        File::open(&path).unwrap().read_to_end(&mut back).unwrap();
        assert!(back == data, "the file holds what was written");
    }

    /// A failed background sync is the writer's error (the test stands in for the thread).
    #[test]
    fn a_failed_background_sync_is_reported() {
        let file = tempfile::tempfile().unwrap();
        let mut w = SyncBehind::new(&file, 1);
        w.write_all(b"x").unwrap();
        assert!(w.worker.is_some());
        w.worker = Some(std::thread::spawn(|| Err(io::Error::other("disk failed"))));
        assert_eq!(w.finish().unwrap_err().to_string(), "disk failed");
    }
}
