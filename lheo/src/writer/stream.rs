//! Streaming output: a document written record by record ([`StreamWriter`]).

use std::io::{self, Write};

use super::xml::{WriteXml, XmlWriter};
use crate::model::Record;
use crate::model::{
    Document, Formation, Lheo, LheoIndex, LheoPlus, Offres, OrganismeFormationResponsable,
    ResumeOffre, ResumeOrganisme, ResumesOffres, ResumesOrganismes,
};

/// Where records go, in document order. Each document kind uses a prefix of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Slot {
    /// Nothing after the root's start tag written yet (`lheo-index`, `lheo-plus`).
    Start,
    /// `formation`s: `lheo/offres` or `lheo-plus/lheo/offres` is open.
    Formations,
    /// `resume-offre`s: `resumes-offres` is open.
    ResumesOffres,
    /// `resume-organisme`s: `resumes-organismes` is open.
    ResumesOrganismes,
    /// `organisme-formation-responsable`s of `lheo-plus` (directly in the root).
    Organismes,
    /// Every container closed: only the root's `extras` and end tag remain.
    End,
}

/// Streaming output: a document written record by record, memory bounded by one record.
///
/// It starts from the *envelope* of a document (a [`Document`] whose record
/// lists may be empty: root attributes, attributes of the containers such as `offres`, and the
/// `extras` that follow the records), takes records one at a time, then closes the document.
/// The bytes are exactly those [`write_document`](super::write_document) writes for the
/// envelope with the records put back in.
///
/// | root | records, in this order |
/// |---|---|
/// | `lheo` | `formation`s (in `offres`) |
/// | `lheo-index` | `resume-offre`s (in `resumes-offres`), then `resume-organisme`s (in `resumes-organismes`) |
/// | `lheo-plus` | `formation`s (in `lheo/offres`), then `organisme-formation-responsable`s |
///
/// # Building a feed
///
/// ```
/// use lheo::writer::{to_string, StreamWriter};
/// use lheo::{Document, Extra, Extras, Formation, Lheo};
///
/// // The envelope: root attributes, and the trailing extras.
/// let mut head = Lheo::default();
/// head.datemaj = Some("20250101".into());
/// head.extras.push(Extras::new("flux").with(Extra::text("date-export", "20251101")));
/// let head = Document::Lheo(head);
///
/// let formation = |numero: &str| {
///     let mut f = Formation::default();
///     f.attrs.numero = Some(numero.into());
///     f
/// };
/// let mut w = StreamWriter::new(Vec::new(), &head)?;
/// for numero in ["F1", "F2"] {
///     w.write_formation(&formation(numero))?; // one record in memory at a time
/// }
/// let xml = String::from_utf8(w.finish()?).unwrap();
///
/// // Same bytes as writing the whole document at once.
/// let mut whole = head.clone();
/// if let Document::Lheo(d) = &mut whole {
///     d.offres.formation = vec![formation("F1"), formation("F2")];
/// }
/// assert_eq!(xml, to_string(&whole));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Converting a feed of any size
///
/// [`lheo::convert`](crate::convert) converts a feed (or a workbook) in one pass, checking
/// it on the way. To do it by hand with the model:
/// A [`Reader`](crate::reader::Reader) knows the whole envelope only once the input is
/// exhausted, and the root's attributes must be written before the first record. For a file,
/// read it twice: once for the envelope (records are built one at a time and dropped), once
/// to copy the records. Memory stays bounded by the largest record.
///
/// ```
/// use lheo::reader::{FromNode, Reader};
/// use lheo::writer::StreamWriter;
/// use lheo::Document;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let feed = r#"<lheo-index xmlns="http://www.lheo.org/2.2" datemaj="20250101">
///   <resumes-organismes info="liste">
///     <resume-organisme numero="O1"><nom-organisme>Centre</nom-organisme>
///       <raison-sociale>Centre SA</raison-sociale><SIRET>73282932000074</SIRET>
///       <numero-activite>42670000067</numero-activite></resume-organisme>
///     <extras info="flux"><extra info="date-export">20251101</extra></extras>
///   </resumes-organismes>
/// </lheo-index>"#;
/// let open = || feed.as_bytes(); // e.g. a BufReader over the file, opened again
///
/// // Pass 1: the envelope.
/// let mut reader = Reader::new(open())?;
/// while reader.next_node().is_some() {}
/// let envelope = reader.envelope().ok_or("no document")?;
/// let envelope = Document::from_node(envelope)?;
///
/// // Pass 2: the records, one at a time.
/// let mut reader = Reader::new(open())?;
/// let mut w = StreamWriter::new(Vec::new(), &envelope)?;
/// while let Some(record) = reader.next_record() {
///     w.write_record(&record?)?;
/// }
/// let xml = String::from_utf8(w.finish()?)?;
/// assert!(xml.contains("<lheo-index xmlns=\"http://lheo.gouv.fr/2.3\" datemaj=\"20250101\">"));
/// assert!(xml.contains("</resume-organisme>\n    <extras info=\"flux\">"));
/// # Ok(())
/// # }
/// ```
///
/// Dropping the writer without [`StreamWriter::finish`] leaves the document unclosed.
pub struct StreamWriter<W: Write> {
    w: XmlWriter<W>,
    /// Root and container attributes and extras; its record lists are always empty.
    envelope: Document,
    slot: Slot,
}

impl<W: Write> StreamWriter<W> {
    /// Starts a document: the XML declaration, the root's start tag, then the records `head`
    /// already holds, in document order.
    ///
    /// `head` gives the attributes of the root and of the containers, and the trailing
    /// `extras`; it may be replaced later with [`StreamWriter::set_envelope`]. Output goes
    /// straight to `out`: wrap a file in a `BufWriter`.
    pub fn new(out: W, head: &Document) -> io::Result<Self> {
        let mut w = XmlWriter::new(out);
        w.declaration()?;
        let mut s = StreamWriter {
            w,
            envelope: envelope_of(head),
            slot: Slot::Start,
        };
        match &s.envelope {
            Document::Lheo(d) => s.w.open("lheo", &d.attrs, &as_refs(&lheo_dates(d)))?,
            Document::LheoIndex(d) => {
                let dates = [
                    ("datemaj", d.datemaj.clone()),
                    ("datecrea", d.datecrea.clone()),
                ];
                s.w.open("lheo-index", &d.attrs, &as_refs(&dates))?;
            }
            Document::LheoPlus(d) => s.w.open("lheo-plus", &d.attrs, &[])?,
        }
        match head {
            Document::Lheo(d) => d
                .offres
                .formation
                .iter()
                .try_for_each(|f| s.write_formation(f)),
            Document::LheoIndex(d) => {
                let offres = d.resumes_offres.iter().flat_map(|r| &r.resume_offre);
                offres
                    .into_iter()
                    .try_for_each(|r| s.write_resume_offre(r))?;
                let organismes = d
                    .resumes_organismes
                    .iter()
                    .flat_map(|r| &r.resume_organisme);
                organismes
                    .into_iter()
                    .try_for_each(|r| s.write_resume_organisme(r))
            }
            Document::LheoPlus(d) => {
                let formations = d.lheo.iter().flat_map(|l| &l.offres.formation);
                formations
                    .into_iter()
                    .try_for_each(|f| s.write_formation(f))?;
                let organismes = &d.organisme_formation_responsable;
                organismes.iter().try_for_each(|o| s.write_organisme(o))
            }
        }?;
        Ok(s)
    }

    /// Replaces the envelope: the attributes of containers not opened yet and the `extras` of
    /// containers not closed yet are taken from `envelope` (its records are ignored). Use it
    /// with the reader's envelope once the input is exhausted. The document kind cannot
    /// change.
    pub fn set_envelope(&mut self, envelope: &Document) -> io::Result<()> {
        if std::mem::discriminant(envelope) != std::mem::discriminant(&self.envelope) {
            return Err(invalid("the envelope has another root element"));
        }
        self.envelope = envelope_of(envelope);
        Ok(())
    }

    /// Writes a record (of any kind the document accepts).
    pub fn write_record(&mut self, record: &Record) -> io::Result<()> {
        match record {
            Record::Formation(f) => self.write_formation(f),
            Record::ResumeOffre(r) => self.write_resume_offre(r),
            Record::ResumeOrganisme(r) => self.write_resume_organisme(r),
            Record::Organisme(o) => self.write_organisme(o),
        }
    }

    /// Writes a record [`serialize`]d apart: the bytes this writer would write for it, once it
    /// is where the record goes.
    pub(crate) fn write_serialized(&mut self, record: &Serialized, bytes: &[u8]) -> io::Result<()> {
        self.move_to(record.slot)?;
        if self.w.depth() != record.depth {
            return Err(invalid("a record was serialized at another depth"));
        }
        self.w.raw(bytes)
    }

    /// Writes a `formation` (`lheo` and `lheo-plus` documents; in `lheo-plus`, before any
    /// organisme).
    pub fn write_formation(&mut self, f: &Formation) -> io::Result<()> {
        self.move_to(Slot::Formations)?;
        f.write_xml("formation", &mut self.w)
    }

    /// Writes a `resume-offre` (`lheo-index` documents, before any `resume-organisme`).
    pub fn write_resume_offre(&mut self, r: &ResumeOffre) -> io::Result<()> {
        self.move_to(Slot::ResumesOffres)?;
        r.write_xml("resume-offre", &mut self.w)
    }

    /// Writes a `resume-organisme` (`lheo-index` documents).
    pub fn write_resume_organisme(&mut self, r: &ResumeOrganisme) -> io::Result<()> {
        self.move_to(Slot::ResumesOrganismes)?;
        r.write_xml("resume-organisme", &mut self.w)
    }

    /// Writes an `organisme-formation-responsable` record (`lheo-plus` documents).
    pub fn write_organisme(&mut self, o: &OrganismeFormationResponsable) -> io::Result<()> {
        self.move_to(Slot::Organismes)?;
        o.write_xml("organisme-formation-responsable", &mut self.w)
    }

    /// Closes the containers and the root (writing the envelope's trailing `extras`), flushes
    /// and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.move_to(Slot::End)?;
        let (name, extras) = match &self.envelope {
            Document::Lheo(d) => ("lheo", &d.extras),
            Document::LheoIndex(d) => ("lheo-index", &d.extras),
            Document::LheoPlus(d) => ("lheo-plus", &d.extras),
        };
        for x in extras {
            x.write_xml("extras", &mut self.w)?;
        }
        self.w.close(name)?;
        self.w.finish()?;
        Ok(self.w.into_inner())
    }

    /// The slots this document kind has, in order.
    fn slots(&self) -> &'static [Slot] {
        match self.envelope {
            Document::Lheo(_) => &[Slot::Formations],
            Document::LheoIndex(_) => &[Slot::ResumesOffres, Slot::ResumesOrganismes],
            Document::LheoPlus(_) => &[Slot::Formations, Slot::Organismes],
        }
    }

    /// Closes the current slot and writes the ones between it and `target` as
    /// `write_document` would (present in the envelope or not), then opens `target`.
    /// `Slot::End` closes every container.
    fn move_to(&mut self, target: Slot) -> io::Result<()> {
        if target == self.slot {
            return Ok(());
        }
        let kind_has = self.slots().contains(&target);
        if target < self.slot || (!kind_has && target != Slot::End) {
            return Err(invalid(match target {
                Slot::Formations => "a formation cannot be written here",
                Slot::ResumesOffres => "a resume-offre cannot be written here",
                Slot::ResumesOrganismes => "a resume-organisme cannot be written here",
                _ => "an organisme cannot be written here",
            }));
        }
        let later: Vec<Slot> = self
            .slots()
            .iter()
            .copied()
            .filter(|s| *s > self.slot && *s < target)
            .collect();
        self.close_slot(self.slot)?;
        for s in later {
            if self.present(s) {
                self.open_slot(s)?;
                self.close_slot(s)?;
            }
        }
        if kind_has {
            self.open_slot(target)?;
        }
        self.slot = target;
        Ok(())
    }

    /// Is the container of `slot` in the envelope (so written even without records)?
    fn present(&self, slot: Slot) -> bool {
        match (&self.envelope, slot) {
            (Document::LheoIndex(d), Slot::ResumesOffres) => d.resumes_offres.is_some(),
            (Document::LheoIndex(d), Slot::ResumesOrganismes) => d.resumes_organismes.is_some(),
            (Document::LheoPlus(d), Slot::Formations) => d.lheo.is_some(),
            (Document::Lheo(_), Slot::Formations) => true,
            _ => false,
        }
    }

    fn open_slot(&mut self, slot: Slot) -> io::Result<()> {
        let default_lheo = Lheo::default();
        match (&self.envelope, slot) {
            (Document::Lheo(d), Slot::Formations) => {
                self.w.open("offres", &d.offres.attrs, &[])?;
            }
            (Document::LheoPlus(d), Slot::Formations) => {
                let l = d.lheo.as_ref().unwrap_or(&default_lheo);
                let dates = lheo_dates(l);
                self.w.open("lheo", &l.attrs, &as_refs(&dates))?;
                self.w.open("offres", &l.offres.attrs, &[])?;
            }
            (Document::LheoIndex(d), Slot::ResumesOffres) => {
                let attrs = d.resumes_offres.as_ref().map(|r| &r.attrs);
                self.w
                    .open("resumes-offres", &attrs.cloned().unwrap_or_default(), &[])?;
            }
            (Document::LheoIndex(d), Slot::ResumesOrganismes) => {
                let attrs = d.resumes_organismes.as_ref().map(|r| &r.attrs);
                self.w.open(
                    "resumes-organismes",
                    &attrs.cloned().unwrap_or_default(),
                    &[],
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    fn close_slot(&mut self, slot: Slot) -> io::Result<()> {
        let w = &mut self.w;
        match (&self.envelope, slot) {
            (Document::Lheo(d), Slot::Formations) => close_with(w, "offres", &d.offres.extras),
            (Document::LheoPlus(d), Slot::Formations) => {
                let (offres, lheo) = d.lheo.as_ref().map_or((&[][..], &[][..]), |l| {
                    (&l.offres.extras[..], &l.extras[..])
                });
                close_with(w, "offres", offres)?;
                close_with(w, "lheo", lheo)
            }
            (Document::LheoIndex(d), Slot::ResumesOffres) => {
                let extras = d.resumes_offres.as_ref().map_or(&[][..], |r| &r.extras);
                close_with(w, "resumes-offres", extras)
            }
            (Document::LheoIndex(d), Slot::ResumesOrganismes) => {
                let extras = d.resumes_organismes.as_ref().map_or(&[][..], |r| &r.extras);
                close_with(w, "resumes-organismes", extras)
            }
            _ => Ok(()),
        }
    }
}

/// Writes the container's `extras`, then closes it.
fn close_with<W: Write>(
    w: &mut XmlWriter<W>,
    name: &str,
    extras: &[crate::model::Extras],
) -> io::Result<()> {
    for x in extras {
        x.write_xml("extras", w)?;
    }
    w.close(name)
}

fn lheo_dates(l: &Lheo) -> [(&'static str, Option<String>); 2] {
    [
        ("datemaj", l.datemaj.clone()),
        ("datecrea", l.datecrea.clone()),
    ]
}

fn as_refs<'a>(
    attrs: &'a [(&'static str, Option<String>)],
) -> Vec<(&'static str, Option<&'a str>)> {
    attrs.iter().map(|(k, v)| (*k, v.as_deref())).collect()
}

fn invalid(msg: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// `doc` without its records (a copy of attributes and extras only).
fn envelope_of(doc: &Document) -> Document {
    fn lheo(l: &Lheo) -> Lheo {
        Lheo {
            attrs: l.attrs.clone(),
            datemaj: l.datemaj.clone(),
            datecrea: l.datecrea.clone(),
            offres: Offres {
                attrs: l.offres.attrs.clone(),
                formation: Vec::new(),
                extras: l.offres.extras.clone(),
            },
            extras: l.extras.clone(),
        }
    }
    match doc {
        Document::Lheo(l) => Document::Lheo(lheo(l)),
        Document::LheoIndex(d) => Document::LheoIndex(LheoIndex {
            attrs: d.attrs.clone(),
            datemaj: d.datemaj.clone(),
            datecrea: d.datecrea.clone(),
            resumes_offres: d.resumes_offres.as_ref().map(|r| ResumesOffres {
                attrs: r.attrs.clone(),
                resume_offre: Vec::new(),
                extras: r.extras.clone(),
            }),
            resumes_organismes: d.resumes_organismes.as_ref().map(|r| ResumesOrganismes {
                attrs: r.attrs.clone(),
                resume_organisme: Vec::new(),
                extras: r.extras.clone(),
            }),
            extras: d.extras.clone(),
        }),
        Document::LheoPlus(d) => Document::LheoPlus(LheoPlus {
            attrs: d.attrs.clone(),
            lheo: d.lheo.as_ref().map(lheo),
            organisme_formation_responsable: Vec::new(),
            extras: d.extras.clone(),
        }),
    }
}

/// Where a record [`serialize`]d apart goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Serialized {
    pub(super) slot: Slot,
    pub(super) depth: usize,
}

/// Writes `record` to `out` as a [`StreamWriter`] whose records are nested `depth` deep
/// writes it, for [`FeedWriter::write_serialized`]: records can be written on other threads,
/// then put in place in order.
pub(crate) fn serialize(
    record: &Record,
    depth: usize,
    out: &mut Vec<u8>,
) -> io::Result<Serialized> {
    let mut w = XmlWriter::at_depth(out, depth);
    let slot = match record {
        Record::Formation(f) => {
            f.write_xml("formation", &mut w)?;
            Slot::Formations
        }
        Record::ResumeOffre(r) => {
            r.write_xml("resume-offre", &mut w)?;
            Slot::ResumesOffres
        }
        Record::ResumeOrganisme(r) => {
            r.write_xml("resume-organisme", &mut w)?;
            Slot::ResumesOrganismes
        }
        Record::Organisme(o) => {
            o.write_xml("organisme-formation-responsable", &mut w)?;
            Slot::Organismes
        }
    };
    Ok(Serialized { slot, depth })
}

/// The error of a document whose envelope (root, containers), as read so far, does not fit
/// the model: a [`StreamWriter`] cannot start it.
fn unfit_envelope() -> crate::error::Error {
    crate::error::Error::new(
        crate::error::ErrorKind::Structure,
        "l'enveloppe du document (racine, conteneurs) ne correspond pas au modèle",
        "the document's envelope (root, containers) does not fit the model",
    )
}

/// A [`StreamWriter`] fed while a document is read: it starts with the envelope read so far
/// at the first record, takes the envelope read so far again at the first record of each
/// further container, and ends with the whole envelope (or starts and ends with it when
/// there was no record). What `convert` and the workbook import write with.
pub(crate) struct FeedWriter<W: Write> {
    writer: Option<StreamWriter<W>>,
    out: Option<W>,
}

impl<W: Write> FeedWriter<W> {
    /// Nothing written yet.
    pub fn new(out: W) -> Self {
        FeedWriter {
            writer: None,
            out: Some(out),
        }
    }

    /// Writes a record [`serialize`]d apart (`bytes`, or written by
    /// [`super::serialize_from`]). `envelope` is the envelope read so far, given (at least)
    /// with the first record of each container.
    pub fn write_serialized(
        &mut self,
        envelope: Option<&Document>,
        record: &Serialized,
        bytes: &[u8],
    ) -> Result<(), crate::error::Error> {
        self.writer(envelope)?.write_serialized(record, bytes)?;
        Ok(())
    }

    /// The writer, started with `envelope` (or given it) when there is one.
    fn writer(
        &mut self,
        envelope: Option<&Document>,
    ) -> Result<&mut StreamWriter<W>, crate::error::Error> {
        match (&mut self.writer, envelope) {
            (Some(writer), Some(envelope)) => writer.set_envelope(envelope)?,
            (Some(_), None) => {}
            (None, envelope) => {
                let (Some(envelope), Some(out)) = (envelope, self.out.take()) else {
                    return Err(unfit_envelope());
                };
                self.writer = Some(StreamWriter::new(out, envelope)?);
            }
        }
        self.writer.as_mut().ok_or_else(unfit_envelope)
    }

    /// Ends the document with its whole `envelope`.
    pub fn finish(self, envelope: &Document) -> Result<W, crate::error::Error> {
        let mut writer = match (self.writer, self.out) {
            (Some(writer), _) => writer,
            (None, Some(out)) => StreamWriter::new(out, envelope)?,
            (None, None) => return Err(unfit_envelope()),
        };
        writer.set_envelope(envelope)?;
        Ok(writer.finish()?)
    }
}

/// Tells the first record of each container in a document read in order, by the records'
/// paths (`/lheo/offres/formation[3]`): the moments a [`FeedWriter`] needs the envelope.
#[derive(Debug, Default)]
pub(crate) struct Containers(String);

impl Containers {
    /// Whether the record at `path` is the first of its container.
    pub fn first_of_container(&mut self, path: &str) -> bool {
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        if parent == self.0 {
            return false;
        }
        parent.clone_into(&mut self.0);
        true
    }
}

/// How deep the record at `path` is nested, as [`serialize`] and [`super::serialize_from`] take
/// it: `/lheo/offres/formation[1]` is two deep.
pub(crate) fn record_depth(path: &str) -> usize {
    path.matches('/').count().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Extras, ResumesOffres, ResumesOrganismes};
    use crate::writer::to_string;

    fn finish(w: StreamWriter<Vec<u8>>) -> String {
        w.finish()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }

    fn index(offres: bool, organismes: bool) -> LheoIndex {
        LheoIndex {
            resumes_offres: offres.then(|| ResumesOffres {
                extras: vec![Extras::new("o")],
                ..ResumesOffres::default()
            }),
            resumes_organismes: organismes.then(|| ResumesOrganismes {
                extras: vec![Extras::new("g")],
                ..ResumesOrganismes::default()
            }),
            extras: vec![Extras::new("racine")],
            ..LheoIndex::default()
        }
    }

    #[test]
    fn every_container_layout_matches_write_document() {
        let mut docs = Vec::new();
        for (o, g) in [(false, false), (true, false), (false, true), (true, true)] {
            docs.push(Document::LheoIndex(index(o, g)));
            let mut with_records = index(o, g);
            if let Some(r) = &mut with_records.resumes_offres {
                r.resume_offre.push(ResumeOffre::default());
            }
            if let Some(r) = &mut with_records.resumes_organismes {
                r.resume_organisme.push(ResumeOrganisme::default());
            }
            docs.push(Document::LheoIndex(with_records));
        }
        let mut plus = LheoPlus::default();
        docs.push(Document::LheoPlus(plus.clone()));
        plus.organisme_formation_responsable
            .push(OrganismeFormationResponsable::default());
        docs.push(Document::LheoPlus(plus.clone()));
        plus.lheo = Some(Lheo::default());
        docs.push(Document::LheoPlus(plus.clone()));
        if let Some(l) = &mut plus.lheo {
            l.offres.formation.push(Formation::default());
            l.extras.push(Extras::new("lheo"));
        }
        docs.push(Document::LheoPlus(plus));
        docs.push(Document::Lheo(Lheo::default()));
        for doc in docs {
            // Records given one by one after an envelope without them…
            let envelope = envelope_of(&doc);
            let w = StreamWriter::new(Vec::new(), &envelope).and_then(|mut w| {
                match &doc {
                    Document::Lheo(d) => d
                        .offres
                        .formation
                        .iter()
                        .try_for_each(|f| w.write_formation(f)),
                    Document::LheoIndex(d) => {
                        for r in d.resumes_offres.iter().flat_map(|r| &r.resume_offre) {
                            w.write_resume_offre(r)?;
                        }
                        for r in d
                            .resumes_organismes
                            .iter()
                            .flat_map(|r| &r.resume_organisme)
                        {
                            w.write_resume_organisme(r)?;
                        }
                        Ok(())
                    }
                    Document::LheoPlus(d) => {
                        for f in d.lheo.iter().flat_map(|l| &l.offres.formation) {
                            w.write_formation(f)?;
                        }
                        for o in &d.organisme_formation_responsable {
                            w.write_organisme(o)?;
                        }
                        Ok(())
                    }
                }?;
                Ok(w)
            });
            let expected = to_string(&doc);
            assert_eq!(
                w.map(finish).ok().as_deref(),
                Some(expected.as_str()),
                "{doc:?}"
            );
            // … or in the head.
            let at_once = StreamWriter::new(Vec::new(), &doc).map(finish);
            assert_eq!(at_once.ok().as_deref(), Some(expected.as_str()), "{doc:?}");
        }
    }

    #[test]
    fn records_out_of_place_are_refused() {
        let refused = |doc: Document, f: &dyn Fn(&mut StreamWriter<Vec<u8>>) -> io::Result<()>| {
            let mut w = StreamWriter::new(Vec::new(), &doc).ok();
            let r = w.as_mut().map(f);
            assert!(
                matches!(r, Some(Err(e)) if e.kind() == io::ErrorKind::InvalidInput),
                "{doc:?}"
            );
        };
        let lheo = || Document::Lheo(Lheo::default());
        let index = || Document::LheoIndex(LheoIndex::default());
        let plus = || Document::LheoPlus(LheoPlus::default());
        refused(lheo(), &|w| w.write_organisme(&Default::default()));
        refused(lheo(), &|w| w.write_resume_offre(&Default::default()));
        refused(index(), &|w| w.write_formation(&Default::default()));
        refused(index(), &|w| {
            w.write_resume_organisme(&Default::default())?;
            w.write_resume_offre(&Default::default())
        });
        refused(plus(), &|w| {
            w.write_organisme(&Default::default())?;
            w.write_formation(&Default::default())
        });
        refused(plus(), &|w| w.write_resume_organisme(&Default::default()));
        refused(lheo(), &|w| {
            w.set_envelope(&Document::LheoIndex(LheoIndex::default()))
        });
    }

    #[test]
    fn the_envelope_can_arrive_at_the_end() {
        let mut full = Lheo::default();
        full.offres.formation.push(Formation::default());
        full.offres.extras.push(Extras::new("offres"));
        full.extras.push(Extras::new("racine"));
        let full = Document::Lheo(full);
        let mut w = StreamWriter::new(Vec::new(), &Document::Lheo(Lheo::default())).ok();
        let ok = w.as_mut().map(|w| {
            w.write_formation(&Formation::default())?;
            w.set_envelope(&full)
        });
        assert!(matches!(ok, Some(Ok(()))));
        assert_eq!(w.map(finish), Some(to_string(&full)));
    }
}
