//! At most `--jobs` files processed at once, at most `--queue` more waiting (uploading or
//! waiting for a job): the others are refused at once with 503. A job runs on a blocking
//! thread; when its request ends early (the client left, the time limit passed) the job is
//! told to stop ([`Cancel`]) and stops at its next read of the upload.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ApiError;

/// The job and queue places.
#[derive(Debug)]
pub struct Jobs {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

/// A place in the server, from admission to the end of the job: dropping it frees the place.
#[derive(Debug)]
pub struct Admission(#[allow(dead_code)] OwnedSemaphorePermit);

impl Jobs {
    /// `jobs` at once, `queue` more admitted while they wait.
    pub fn new(jobs: usize, queue: usize) -> Self {
        Jobs {
            admitted: Arc::new(Semaphore::new(jobs + queue)),
            running: Arc::new(Semaphore::new(jobs)),
        }
    }

    /// A place for one more request, or `None` when every place is taken.
    pub fn admit(&self) -> Option<Admission> {
        self.admitted
            .clone()
            .try_acquire_owned()
            .ok()
            .map(Admission)
    }

    /// Runs `job` on a blocking thread once a job place is free. The places are held until
    /// `job` returns, even when the request is gone (the job then stops at its next read).
    pub async fn run<T, F>(
        &self,
        admission: Admission,
        cancel: &Cancel,
        job: F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Cancel) -> T + Send + 'static,
    {
        let permit = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::busy())?;
        let cancel = cancel.clone();
        let handle = tokio::task::spawn_blocking(move || {
            let _places = (admission, permit);
            job(&cancel)
        });
        handle.await.map_err(|e| {
            ApiError::internal(if e.is_panic() {
                "le traitement a échoué (erreur interne) : signalez-le avec le fichier envoyé"
            } else {
                "le traitement a été interrompu"
            })
        })
    }
}

/// Tells a job its request is gone.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// `true` once the request is gone.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// A reader that fails once the request is gone.
    pub fn reader<R: Read>(&self, inner: R) -> Cancellable<R> {
        Cancellable {
            inner,
            cancel: self.clone(),
        }
    }
}

/// Cancels its [`Cancel`] when dropped: held by the request's future, so a client that
/// disconnects or a request past its time limit stops its job.
#[derive(Debug, Default)]
pub struct CancelOnDrop(Cancel);

impl CancelOnDrop {
    /// The token jobs watch.
    pub fn token(&self) -> &Cancel {
        &self.0
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// A reader that stops with an error once its request is gone.
#[derive(Debug)]
pub struct Cancellable<R> {
    inner: R,
    cancel: Cancel,
}

impl<R> Cancellable<R> {
    /// The inner reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl<R: Read> Read for Cancellable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.is_cancelled() {
            return Err(io::Error::other("requête abandonnée"));
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_is_bounded() {
        let jobs = Jobs::new(1, 1);
        let a = jobs.admit();
        let b = jobs.admit();
        assert!(a.is_some() && b.is_some());
        assert!(jobs.admit().is_none());
        drop(a);
        assert!(jobs.admit().is_some());
    }

    #[test]
    fn a_cancelled_reader_stops() {
        let guard = CancelOnDrop::default();
        let mut reader = guard.token().reader(&b"abc"[..]);
        let mut buf = [0; 2];
        assert_eq!(reader.read(&mut buf).unwrap(), 2);
        drop(guard);
        assert!(reader.read(&mut buf).is_err());
    }
}
