//! Streaming output: a document written record by record, memory bounded by one record.
//!
//! A [`StreamWriter`] starts from the *envelope* of a document (a [`Document`] whose record
//! lists may be empty: root attributes, attributes of the containers such as `offres`, and the
//! `extras` that follow the records), takes records one at a time, then closes the document.
//! The bytes are exactly those [`write_document`](super::write_document) writes for the
//! envelope with the records put back in.
//!
//! | root | records, in this order |
//! |---|---|
//! | `lheo` | `formation`s (in `offres`) |
//! | `lheo-index` | `resume-offre`s (in `resumes-offres`), then `resume-organisme`s (in `resumes-organismes`) |
//! | `lheo-plus` | `formation`s (in `lheo/offres`), then `organisme-formation-responsable`s |
//!
//! It pairs with [`Reader`](crate::reader::Reader): write each record the reader yields, then
//! hand over the reader's envelope (complete once the stream is exhausted) with
//! [`StreamWriter::set_envelope`] so the trailing `extras` are written, and
//! [`StreamWriter::finish`].
//!
//! ```
//! use lheo::reader::{read_document, Reader};
//! use lheo::writer::{to_string, StreamWriter};
//! use lheo::{Document, Extra, Extras, Formation, Lheo};
//!
//! // The envelope: root attributes now, trailing extras (here known up front).
//! let mut head = Lheo::default();
//! head.datemaj = Some("20250101".into());
//! head.extras.push(Extras::new("flux").with(Extra::text("date-export", "20251101")));
//! let head = Document::Lheo(head);
//!
//! let mut w = StreamWriter::new(Vec::new(), &head)?;
//! for numero in ["F1", "F2"] {
//!     let mut f = Formation::default();
//!     f.attrs.numero = Some(numero.into());
//!     w.write_formation(&f)?; // one record in memory at a time
//! }
//! let xml = String::from_utf8(w.finish()?).unwrap();
//!
//! // Same bytes as writing the whole document at once.
//! let mut whole = head.clone();
//! if let Document::Lheo(d) = &mut whole {
//!     for numero in ["F1", "F2"] {
//!         let mut f = Formation::default();
//!         f.attrs.numero = Some(numero.into());
//!         d.offres.formation.push(f);
//!     }
//! }
//! assert_eq!(xml, to_string(&whole));
//!
//! // Record by record from a `Reader` (here the records of the output we just wrote).
//! let mut reader = Reader::new(xml.as_bytes()).unwrap();
//! let mut copy = StreamWriter::new(Vec::new(), &head)?;
//! while let Some(record) = reader.next_record() {
//!     copy.write_record(&record.unwrap())?;
//! }
//! assert_eq!(String::from_utf8(copy.finish()?).unwrap(), xml);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Write};

use super::xml::{WriteXml, XmlWriter};
use crate::model::{
    Document, Formation, Lheo, LheoIndex, LheoPlus, Offres, OrganismeFormationResponsable,
    ResumeOffre, ResumeOrganisme, ResumesOffres, ResumesOrganismes,
};
use crate::reader::Record;

/// Where records go, in document order. Each document kind uses a prefix of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
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

/// Writes an LHEO 2.3 document record by record. See the [module documentation](self).
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
    /// `extras`; it may be replaced later with [`StreamWriter::set_envelope`].
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
