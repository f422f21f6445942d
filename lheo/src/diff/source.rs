//! Where the compared records come from: a [`Source`] can be opened several times (the
//! comparison reads each side twice) and gives a [`RecordStream`] of records with their
//! element paths, then the document without its records (the *envelope*).
//!
//! [`XmlSource`] reads LHEO 2.0–2.3 XML with the streaming [`Reader`]; [`DocumentSource`]
//! serves a [`Document`] held in memory (a feed built in code, or a workbook once read).

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::marker::PhantomData;
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::error::Error;
use crate::model::{Document, Lheo, LheoIndex, LheoPlus, Offres, ResumesOffres, ResumesOrganismes};
use crate::reader::{FromNode, Reader, Record};
use crate::xml::elide::Elided;

/// A record and its absolute element path (`/lheo/offres/formation[3]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// The record.
    pub record: Record,
    /// Its element path, with its position among the records of its parent.
    pub path: String,
}

/// A record gone past without being built ([`RecordStream::skim_record`]).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skimmed {
    /// Its element path.
    pub path: String,
    /// Its `numero`.
    pub numero: Option<Box<str>>,
    /// A hash of its bytes and of the namespaces in scope ([`RecordStream::digest`]).
    pub digest: Option<u64>,
}

/// The records of one reading of a source, in document order.
pub trait RecordStream: Send {
    /// The next record, `None` at the end.
    fn next_record(&mut self) -> Option<Result<SourceRecord, Error>>;

    /// Goes past the next record without building it, returning its path. Sources that can
    /// skip cheaply override this; the default builds the record.
    fn skip_record(&mut self) -> Option<Result<String, Error>> {
        self.next_record().map(|r| r.map(|r| r.path))
    }

    /// The document without its records (root attributes, `extras`…), once the records are
    /// exhausted.
    fn envelope(&mut self) -> Result<Document, Error>;

    /// Whether [`RecordStream::skim_record`] works: `false` by default.
    #[doc(hidden)]
    fn skims(&self) -> bool {
        false
    }

    /// Goes past the next record as [`RecordStream::skip_record`] does, telling what it is
    /// without building it. Only when [`RecordStream::skims`]; by default, the end.
    #[doc(hidden)]
    fn skim_record(&mut self) -> Option<Result<Skimmed, Error>> {
        None
    }

    /// A hash of the bytes of the record last given (and of the namespaces in scope), in a
    /// skimming or sparse reading: equal hashes mean equal records, different ones tell
    /// nothing. `None` by default, and when unknown.
    #[doc(hidden)]
    fn digest(&self) -> Option<u64> {
        None
    }

    /// Where the record last given lies in the input (byte offsets of its start tag's `<` and
    /// just past its end tag), for [`Source::open_sparse`]; `None` by default.
    #[doc(hidden)]
    fn span(&self) -> Option<(u64, u64)> {
        None
    }
}

/// A document that can be read, and read again. Implement it to compare other inputs (a
/// database export, a workbook…).
pub trait Source: Sync {
    /// Starts a reading.
    fn open(&self) -> Result<Box<dyn RecordStream + '_>, Error>;

    /// Starts a reading that goes past the records at `skip` (spans an earlier reading's
    /// [`RecordStream::span`] gave, in order) without reading their content: they still come
    /// in their place, to be skipped ([`RecordStream::skip_record`]). By default, a plain
    /// reading.
    #[doc(hidden)]
    fn open_sparse(&self, skip: Vec<(u64, u64)>) -> Result<Box<dyn RecordStream + '_>, Error> {
        let _ = skip;
        self.open()
    }
}

/// LHEO XML (2.0 to 2.3), read by the streaming reader: memory bounded by the largest record.
///
/// ```
/// use lheo::diff::{XmlSource, DiffOptions};
///
/// let old = r#"<lheo xmlns="http://lheo.gouv.fr/2.3" horodatage-export="2025-01-01T00:00:00Z"><offres/></lheo>"#;
/// let new = r#"<lheo xmlns="http://lheo.gouv.fr/2.3" horodatage-export="2025-01-02T00:00:00Z"><offres/></lheo>"#;
/// let diff = lheo::diff::diff_collect(
///     &XmlSource::new(|| Ok(old.as_bytes())),
///     &XmlSource::new(|| Ok(new.as_bytes())),
///     &DiffOptions::default(),
/// )?;
/// assert_eq!(diff.changes[0].fields[0].path, "@horodatage-export");
/// # Ok::<(), lheo::Error>(())
/// ```
pub struct XmlSource<F, R> {
    open: F,
    input: PhantomData<fn() -> R>,
}

impl<F, R> XmlSource<F, R>
where
    F: Fn() -> io::Result<R> + Sync,
    R: BufRead + Send,
{
    /// A source that calls `open` for each reading.
    pub fn new(open: F) -> Self {
        XmlSource {
            open,
            input: PhantomData,
        }
    }
}

/// An XML file as a [`Source`].
pub fn xml_file(path: impl Into<PathBuf>) -> impl Source {
    let path = path.into();
    XmlSource::new(move || File::open(&path).map(|f| BufReader::with_capacity(256 * 1024, f)))
}

impl<F, R> Source for XmlSource<F, R>
where
    F: Fn() -> io::Result<R> + Sync,
    R: BufRead + Send,
{
    fn open(&self) -> Result<Box<dyn RecordStream + '_>, Error> {
        let input = (self.open)()?;
        let reader = Reader::new(input)?;
        Ok(Box::new(XmlStream {
            reader,
            digesting: false,
            digest: None,
        }))
    }

    fn open_sparse(&self, skip: Vec<(u64, u64)>) -> Result<Box<dyn RecordStream + '_>, Error> {
        let input = Elided::new((self.open)()?, skip);
        let mut reader = Reader::new(input)?;
        reader.digest_input();
        Ok(Box::new(XmlStream {
            reader,
            digesting: true,
            digest: None,
        }))
    }
}

struct XmlStream<R: BufRead> {
    reader: Reader<R>,
    /// Hashing the bytes of each record, for [`RecordStream::digest`].
    digesting: bool,
    /// The digest of the record last given.
    digest: Option<u64>,
}

impl<R: BufRead> XmlStream<R> {
    /// The error that ended the stream, if any.
    fn end(&mut self) -> Option<Error> {
        if let Some(d) = self
            .reader
            .take_diagnostics()
            .into_iter()
            .find(|d| d.severity == crate::Severity::Error)
        {
            return Some(Error::invalid(d));
        }
        if self.reader.failed() {
            return Some(Error::invalid(Diagnostic::new(
                Rule::XmlMalforme,
                "lecture interrompue",
                "reading stopped",
            )));
        }
        None
    }

    fn not_lheo(&self) -> Option<Error> {
        if self.reader.version().is_some() {
            return None;
        }
        let root = self.reader.root()?;
        Some(Error::invalid(Diagnostic::new(
            Rule::XsdRacine,
            format!("l'élément racine « {root} » n'est pas dans un espace de noms LHEO 2.0 à 2.3"),
            format!("the root element \"{root}\" is not in an LHEO 2.0 to 2.3 namespace"),
        )))
    }
}

impl<R: BufRead + Send> RecordStream for XmlStream<R> {
    fn next_record(&mut self) -> Option<Result<SourceRecord, Error>> {
        let built = self.reader.next_built();
        if self.digesting {
            self.digest = self.reader.take_digest();
        }
        match built {
            Some((path, record)) => Some(match self.not_lheo() {
                Some(e) => Err(e),
                None => record
                    .map(|record| SourceRecord { record, path })
                    .map_err(Error::from),
            }),
            None => self.end().map(Err),
        }
    }

    fn skip_record(&mut self) -> Option<Result<String, Error>> {
        let path = self.reader.skip_node();
        if self.digesting {
            self.digest = self.reader.take_digest();
        }
        match path {
            Some(path) => Some(Ok(path)),
            None => self.end().map(Err),
        }
    }

    fn skims(&self) -> bool {
        true
    }

    fn skim_record(&mut self) -> Option<Result<Skimmed, Error>> {
        if !self.digesting {
            self.reader.digest_input();
            self.digesting = true;
        }
        let path = match self.reader.skip_node() {
            Some(path) => path,
            None => return self.end().map(Err),
        };
        if let Some(e) = self.not_lheo() {
            return Some(Err(e));
        }
        self.digest = self.reader.take_digest();
        Some(Ok(Skimmed {
            path,
            numero: self.reader.record_numero().map(Box::from),
            digest: self.digest,
        }))
    }

    fn digest(&self) -> Option<u64> {
        self.digest
    }

    fn span(&self) -> Option<(u64, u64)> {
        self.reader.record_span()
    }

    fn envelope(&mut self) -> Result<Document, Error> {
        while self.reader.next_node().is_some() {}
        if let Some(e) = self.end().or_else(|| self.not_lheo()) {
            return Err(e);
        }
        match self.reader.envelope() {
            Some(node) => Ok(Document::from_node(node)?),
            None => Err(Error::invalid(Diagnostic::new(
                Rule::XmlMalforme,
                "document vide",
                "empty document",
            ))),
        }
    }
}

/// A [`Document`] in memory as a [`Source`]: records are cloned as they are served.
///
/// ```
/// use lheo::diff::{diff_collect, DiffOptions, DocumentSource};
/// use lheo::{Document, Lheo};
///
/// let doc = Document::Lheo(Lheo::default());
/// let diff = diff_collect(&DocumentSource(&doc), &DocumentSource(&doc), &DiffOptions::default())?;
/// assert!(diff.summary.is_empty());
/// # Ok::<(), lheo::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DocumentSource<'a>(pub &'a Document);

impl Source for DocumentSource<'_> {
    fn open(&self) -> Result<Box<dyn RecordStream + '_>, Error> {
        Ok(Box::new(DocumentStream {
            records: records(self.0),
            next: 0,
            doc: self.0,
        }))
    }
}

/// The records of a document with their paths, as the XML reader gives them.
fn records(doc: &Document) -> Vec<(String, RecordRef<'_>)> {
    let mut out = Vec::new();
    match doc {
        Document::Lheo(l) => {
            for (i, f) in l.offres.formation.iter().enumerate() {
                out.push((
                    format!("/lheo/offres/formation[{}]", i + 1),
                    RecordRef::Formation(f),
                ));
            }
        }
        Document::LheoPlus(p) => {
            if let Some(l) = &p.lheo {
                for (i, f) in l.offres.formation.iter().enumerate() {
                    out.push((
                        format!("/lheo-plus/lheo/offres/formation[{}]", i + 1),
                        RecordRef::Formation(f),
                    ));
                }
            }
            for (i, o) in p.organisme_formation_responsable.iter().enumerate() {
                out.push((
                    format!("/lheo-plus/organisme-formation-responsable[{}]", i + 1),
                    RecordRef::Organisme(o),
                ));
            }
        }
        Document::LheoIndex(x) => {
            if let Some(r) = &x.resumes_offres {
                for (i, o) in r.resume_offre.iter().enumerate() {
                    out.push((
                        format!("/lheo-index/resumes-offres/resume-offre[{}]", i + 1),
                        RecordRef::ResumeOffre(o),
                    ));
                }
            }
            if let Some(r) = &x.resumes_organismes {
                for (i, o) in r.resume_organisme.iter().enumerate() {
                    out.push((
                        format!("/lheo-index/resumes-organismes/resume-organisme[{}]", i + 1),
                        RecordRef::ResumeOrganisme(o),
                    ));
                }
            }
        }
    }
    out
}

enum RecordRef<'a> {
    Formation(&'a crate::model::Formation),
    Organisme(&'a crate::model::OrganismeFormationResponsable),
    ResumeOffre(&'a crate::model::ResumeOffre),
    ResumeOrganisme(&'a crate::model::ResumeOrganisme),
}

impl RecordRef<'_> {
    fn to_record(&self) -> Record {
        match self {
            RecordRef::Formation(f) => Record::Formation(Box::new((*f).clone())),
            RecordRef::Organisme(o) => Record::Organisme(Box::new((*o).clone())),
            RecordRef::ResumeOffre(o) => Record::ResumeOffre(Box::new((*o).clone())),
            RecordRef::ResumeOrganisme(o) => Record::ResumeOrganisme(Box::new((*o).clone())),
        }
    }
}

struct DocumentStream<'a> {
    records: Vec<(String, RecordRef<'a>)>,
    next: usize,
    doc: &'a Document,
}

impl RecordStream for DocumentStream<'_> {
    fn next_record(&mut self) -> Option<Result<SourceRecord, Error>> {
        let (path, r) = self.records.get(self.next)?;
        self.next += 1;
        Some(Ok(SourceRecord {
            record: r.to_record(),
            path: path.clone(),
        }))
    }

    fn skip_record(&mut self) -> Option<Result<String, Error>> {
        let (path, _) = self.records.get(self.next)?;
        self.next += 1;
        Some(Ok(path.clone()))
    }

    fn envelope(&mut self) -> Result<Document, Error> {
        Ok(envelope(self.doc))
    }
}

/// The document without its records.
pub(crate) fn envelope(doc: &Document) -> Document {
    let strip = |l: &Lheo| Lheo {
        attrs: l.attrs.clone(),
        datemaj: l.datemaj.clone(),
        datecrea: l.datecrea.clone(),
        offres: Offres {
            attrs: l.offres.attrs.clone(),
            extras: l.offres.extras.clone(),
            ..Offres::default()
        },
        extras: l.extras.clone(),
    };
    match doc {
        Document::Lheo(l) => Document::Lheo(strip(l)),
        Document::LheoPlus(p) => Document::LheoPlus(LheoPlus {
            attrs: p.attrs.clone(),
            lheo: p.lheo.as_ref().map(strip),
            organisme_formation_responsable: Vec::new(),
            extras: p.extras.clone(),
        }),
        Document::LheoIndex(x) => Document::LheoIndex(LheoIndex {
            attrs: x.attrs.clone(),
            datemaj: x.datemaj.clone(),
            datecrea: x.datecrea.clone(),
            resumes_offres: x.resumes_offres.as_ref().map(|r| ResumesOffres {
                attrs: r.attrs.clone(),
                extras: r.extras.clone(),
                ..ResumesOffres::default()
            }),
            resumes_organismes: x.resumes_organismes.as_ref().map(|r| ResumesOrganismes {
                attrs: r.attrs.clone(),
                extras: r.extras.clone(),
                ..ResumesOrganismes::default()
            }),
            extras: x.extras.clone(),
        }),
    }
}
