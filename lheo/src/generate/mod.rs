//! Synthetic LHEO 2.3 feeds of any size, for tests, demonstrations and benchmarks.
//!
//! The generator walks the content models of [`crate::schema`]: every element the chosen root
//! can reach appears in a feed of a single formation, each child occurs within its
//! `minOccurs..maxOccurs`, and every value is held to its type's facets (lengths,
//! dictionary codes, GML ranges, date and hour formats). A change to the schema tables is
//! therefore followed without touching the generator. On top of that, contexts make the data
//! read like a real Carif-Oref export: programmes with consistent FORMACODE / NSF / ROME /
//! RNCP codes, organisations with Luhn-valid SIRETs, towns with their postcodes and INSEE
//! codes, sessions whose dates, recruitment windows and appointments agree.
//!
//! Feeds are valid against the official XSD and the LHEO rules (real calendar dates, also
//! `AAAAMM00`, `AAAA0000` and `00000000` where they make sense; `debut` ≤ `fin`; hours like
//! `9h`, `12h`, `14h15`; numbers within the GML bounds; unique `@id`s and `@idref`s that point
//! at them). By default ([`GenerateOptions::france_travail`]) they also pass the France Travail
//! rules: every session offers modality 7 (ISC), 8 (RDVI) or 9 (ICO) with
//! `etat-recrutement` 1, numbered recruitments, ISC windows before the session's end that do
//! not overlap, RDVI/ICO on one day between [`GenerateOptions::today`] and the session's end
//! from 7h to 20h, and complete addresses.
//!
//! Output streams straight to any [`std::io::Write`]: memory stays flat whatever the size, and
//! the same options always give the same bytes.
//!
//! ```
//! use chrono::NaiveDate;
//! use lheo::generate::{GenerateOptions, Generator, Root};
//!
//! let options = GenerateOptions::new(3)
//!     .with_seed(42)
//!     .with_root(Root::Lheo)
//!     .with_today(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
//! let mut feed = Vec::new();
//! let summary = Generator::new(options.clone()).write(&mut feed)?;
//! assert_eq!(summary.formations, 3);
//! assert_eq!(summary.bytes, feed.len() as u64);
//!
//! let text = String::from_utf8(feed).unwrap();
//! assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"http://lheo.gouv.fr/2.3\""));
//! assert!(text.contains("<modalite-recrutement>"));
//!
//! // Same options, same bytes.
//! let mut again = Vec::new();
//! Generator::new(options).write(&mut again)?;
//! assert_eq!(again, text.as_bytes());
//! # Ok::<(), std::io::Error>(())
//! ```

mod attrs;
mod codes;
mod data;
mod emit;
mod extras;
mod plan;
mod rng;
mod values;
mod walk;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::str::FromStr;

use chrono::NaiveDate;

/// The root element of a generated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Root {
    /// `lheo`: an offer feed (`offres` > `formation`…).
    #[default]
    Lheo,
    /// `lheo-index`: summaries of offers (`resume-offre`) and organisations.
    LheoIndex,
    /// `lheo-plus`: an offer feed followed by organisations.
    LheoPlus,
}

impl Root {
    /// Every root.
    pub const ALL: [Root; 3] = [Root::Lheo, Root::LheoIndex, Root::LheoPlus];

    /// The element name: `lheo`, `lheo-index` or `lheo-plus`.
    pub fn name(self) -> &'static str {
        match self {
            Root::Lheo => "lheo",
            Root::LheoIndex => "lheo-index",
            Root::LheoPlus => "lheo-plus",
        }
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Root {
    type Err = crate::Error;

    /// The root named `s`; an [`ErrorKind::Argument`](crate::ErrorKind) error for another
    /// name.
    fn from_str(s: &str) -> Result<Root, crate::Error> {
        Root::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| {
                crate::Error::new(
                    crate::ErrorKind::Argument,
                    format!("racine inconnue « {s} » (attendu lheo, lheo-index ou lheo-plus)"),
                    format!("unknown root \"{s}\" (expected lheo, lheo-index or lheo-plus)"),
                )
            })
    }
}

/// What to generate.
///
/// ```
/// use lheo::generate::{GenerateOptions, Root};
///
/// let options = GenerateOptions::new(100).with_seed(7).with_root(Root::LheoIndex);
/// assert_eq!(options.formations, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GenerateOptions {
    /// Number of `formation` elements (of `resume-offre` for [`Root::LheoIndex`]). The schema
    /// requires at least one `formation` in `offres`, so 0 gives one for [`Root::Lheo`] and
    /// [`Root::LheoPlus`].
    pub formations: u64,
    /// Seed of the random choices: same options, same bytes.
    pub seed: u64,
    /// Root element.
    pub root: Root,
    /// The day recruitment appointments are planned from (they fall on `today` + 7 days or
    /// later). Default: the local date.
    pub today: NaiveDate,
    /// Follow the France Travail rules on recruitment modalities 7, 8, 9 and on addresses
    /// (default `true`). With `false`, sessions may have no online recruitment and addresses
    /// may lack `code-INSEE-commune`; feeds stay valid for the `xsd` and `lheo` profiles.
    pub france_travail: bool,
}

impl GenerateOptions {
    /// Options for `formations` formations, other settings by default.
    pub fn new(formations: u64) -> Self {
        GenerateOptions {
            formations,
            ..GenerateOptions::default()
        }
    }

    /// These options with `seed`.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// These options with `root`.
    pub fn with_root(mut self, root: Root) -> Self {
        self.root = root;
        self
    }

    /// These options with appointments planned from `today`.
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = today;
        self
    }

    /// These options following the France Travail rules (`true`, the default) or not.
    pub fn with_france_travail(mut self, follow: bool) -> Self {
        self.france_travail = follow;
        self
    }
}

impl Default for GenerateOptions {
    /// One formation, seed 0, root `lheo`, today's local date, France Travail rules on.
    fn default() -> Self {
        GenerateOptions {
            formations: 1,
            seed: 0,
            root: Root::Lheo,
            today: chrono::Local::now().date_naive(),
            france_travail: true,
        }
    }
}

/// What a generation wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// `formation` and `resume-offre` elements.
    pub formations: u64,
    /// `action` elements.
    pub actions: u64,
    /// `session` elements.
    pub sessions: u64,
    /// `recrutement` elements.
    pub recrutements: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// A synthetic feed generator.
#[derive(Debug, Clone)]
pub struct Generator {
    options: GenerateOptions,
}

impl Generator {
    /// A generator with `options`.
    pub fn new(options: GenerateOptions) -> Self {
        Generator { options }
    }

    /// The options.
    pub fn options(&self) -> &GenerateOptions {
        &self.options
    }

    /// Writes the whole feed to `out` (buffered internally) and flushes it. Every call with
    /// the same options writes the same bytes. Only I/O errors of `out` can fail.
    pub fn write<W: Write>(&self, out: W) -> io::Result<Summary> {
        let counting = Counting {
            inner: out,
            bytes: 0,
        };
        let mut walker =
            walk::Walker::new(&self.options, BufWriter::with_capacity(1 << 16, counting));
        walker.document()?;
        let mut summary = walker.summary;
        let buffered = walker.out.finish()?;
        let counting = buffered
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        summary.bytes = counting.bytes;
        Ok(summary)
    }

    /// The feed as a string (for small feeds: tests, examples).
    pub fn to_xml_string(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Counts the bytes that go through.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
