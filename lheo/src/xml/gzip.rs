//! gzip-compressed input (`.xml.gz`, the national Intercarif export): decompressed as it is
//! read, never whole in memory, with a bound on expansion so that a small archive cannot
//! stand for an endless feed.

use std::fmt;
use std::io::{self, BufRead, Read};

use flate2::bufread::MultiGzDecoder;

/// The two bytes every gzip member starts with.
pub const MAGIC: [u8; 2] = [0x1F, 0x8B];

/// How far decompression may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct GzipLimits {
    /// Bytes always allowed out, whatever the ratio.
    pub free_bytes: u64,
    /// Past [`GzipLimits::free_bytes`], largest ratio of bytes out to bytes in. Real feeds
    /// compress 3 to 15 times, a feed of one offer repeated identically about 110 times;
    /// deflate cannot go past about 1 032.
    pub max_ratio: u64,
}

impl GzipLimits {
    /// Limits of `free_bytes` out whatever the ratio, then at most `max_ratio` bytes out per
    /// byte in.
    pub fn new(free_bytes: u64, max_ratio: u64) -> Self {
        GzipLimits {
            free_bytes,
            max_ratio,
        }
    }
}

impl Default for GzipLimits {
    fn default() -> Self {
        GzipLimits {
            free_bytes: 64 << 20,
            max_ratio: 200,
        }
    }
}

/// Why a gzip stream cannot be read. Carried inside an [`io::Error`] of kind
/// [`io::ErrorKind::InvalidData`] (find it with [`GzipError::of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GzipError {
    /// Not valid gzip data, or cut short.
    Corrupt {
        /// The data ends before the end of the archive.
        truncated: bool,
        /// What the decoder said (English).
        detail: String,
    },
    /// The data expands more than [`GzipLimits`] allow.
    TooExpanded {
        /// Compressed bytes read.
        read: u64,
        /// Bytes they expanded to.
        written: u64,
    },
}

impl GzipError {
    /// The error in French and English.
    pub fn text(&self) -> (String, String) {
        match self {
            GzipError::Corrupt {
                truncated: true, ..
            } => (
                "archive gzip tronquée (elle s'arrête avant sa fin) : téléchargez-la de nouveau"
                    .to_owned(),
                "truncated gzip archive (it stops before its end): download it again".to_owned(),
            ),
            GzipError::Corrupt { detail, .. } => (
                format!("archive gzip endommagée ({detail}) : téléchargez-la de nouveau"),
                format!("damaged gzip archive ({detail}): download it again"),
            ),
            GzipError::TooExpanded { read, written } => {
                let ratio = written / (*read).max(1);
                (
                    format!("archive gzip refusée : {read} octets compressés se décompressent en plus de {written} octets ({ratio} fois plus, bombe de décompression ?)"),
                    format!("gzip archive refused: {read} compressed bytes expand to more than {written} bytes ({ratio} times more, a decompression bomb?)"),
                )
            }
        }
    }

    /// The `GzipError` inside `error`, if it holds one.
    pub fn of(error: &io::Error) -> Option<&GzipError> {
        error.get_ref().and_then(|e| e.downcast_ref::<GzipError>())
    }
}

impl fmt::Display for GzipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().0)
    }
}

impl std::error::Error for GzipError {}

/// Counts the compressed bytes the decoder consumes and remembers whether an error came from
/// below (an I/O error, passed on as it is) rather than from the data.
struct Counting<R> {
    inner: R,
    consumed: u64,
    failed: bool,
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = super::decode::read_buffered(self, buf)?;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self.inner.fill_buf() {
            Ok(b) => Ok(b),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    fn consume(&mut self, amt: usize) {
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// A gzip stream (one or more members, as `gzip` and `cat a.gz b.gz` make) decompressed as
/// it is read (see `crate::input::open`, which recognises it).
pub struct GzipReader<R: BufRead> {
    decoder: MultiGzDecoder<Counting<R>>,
    written: u64,
    limits: GzipLimits,
    failed: Option<GzipError>,
}

impl<R: BufRead> GzipReader<R> {
    /// Decompresses `input` with the default [`GzipLimits`].
    #[cfg(test)]
    pub fn new(input: R) -> Self {
        GzipReader::with_limits(input, GzipLimits::default())
    }

    /// Decompresses `input` within `limits`.
    pub fn with_limits(input: R, limits: GzipLimits) -> Self {
        GzipReader {
            decoder: MultiGzDecoder::new(Counting {
                inner: input,
                consumed: 0,
                failed: false,
            }),
            written: 0,
            limits,
            failed: None,
        }
    }

    /// Compressed bytes consumed so far.
    pub fn compressed_bytes(&self) -> u64 {
        self.decoder.get_ref().consumed
    }

    fn fail(&mut self, error: GzipError) -> io::Error {
        self.failed = Some(error.clone());
        io::Error::new(io::ErrorKind::InvalidData, error)
    }
}

impl<R: BufRead> Read for GzipReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = &self.failed {
            return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
        }
        let n = match self.decoder.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) if self.decoder.get_ref().failed => return Err(e),
            Err(e) => {
                let error = GzipError::Corrupt {
                    truncated: e.kind() == io::ErrorKind::UnexpectedEof,
                    detail: e.to_string(),
                };
                return Err(self.fail(error));
            }
        };
        self.written += n as u64;
        let read = self.compressed_bytes();
        if self.written > self.limits.free_bytes
            && self.written > read.saturating_mul(self.limits.max_ratio)
        {
            let written = self.written;
            return Err(self.fail(GzipError::TooExpanded { read, written }));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn members_follow_each_other() {
        let mut bytes = gzip(b"<a>");
        bytes.extend(gzip(b"</a>"));
        let mut out = String::new();
        GzipReader::new(&bytes[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "<a></a>");
    }

    #[test]
    fn a_bomb_stops_at_the_ratio() {
        let bytes = gzip(&vec![b' '; 8 << 20]);
        let limits = GzipLimits {
            free_bytes: 1 << 20,
            max_ratio: 50,
        };
        let mut reader = GzipReader::with_limits(&bytes[..], limits);
        let e = io::copy(&mut reader, &mut io::sink()).unwrap_err();
        assert!(matches!(
            GzipError::of(&e),
            Some(GzipError::TooExpanded { .. })
        ));
        assert!(e.to_string().contains("bombe"), "{e}");
    }

    #[test]
    fn truncated_and_corrupt_data_are_errors_that_say_so() {
        let bytes = gzip(b"<lheo>bonjour</lheo>");
        for broken in [&bytes[..bytes.len() / 2], &b"\x1f\x8b\x08\x00garbage!"[..]] {
            let e = io::copy(&mut GzipReader::new(broken), &mut io::sink()).unwrap_err();
            assert!(
                matches!(GzipError::of(&e), Some(GzipError::Corrupt { .. })),
                "{e:?}"
            );
        }
    }

    #[test]
    fn io_errors_from_below_pass_through() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            }
        }
        let e = io::copy(
            &mut GzipReader::new(io::BufReader::new(Failing)),
            &mut io::sink(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        assert!(GzipError::of(&e).is_none());
    }
}
