//! Loading: files and folders as downloaded, each recognised by its content and name, then
//! the newest referential of each kind kept.

use std::io::{self, BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;

use chrono::NaiveDate;

use super::input::{self, Bounded, Limits};
use super::rome::Rome;
use super::tables::{Certifications, CodeSet, Repertoire};
use super::{
    certifinfo, france_competences, nsf, rome, Error, Format, Ignored, Kind, Referentiels, Source,
};

/// Bytes read from a file to recognise it.
const PEEK: usize = 8 * 1024;
/// How deep folders are walked.
const MAX_FOLDER_DEPTH: usize = 4;

/// A file's name and first bytes, to recognise it.
pub(crate) struct Peek<'a> {
    /// Its name (NFC), without folders.
    pub name: &'a str,
    /// Its first line, decoded.
    pub header: String,
    /// Its first bytes.
    pub head: &'a [u8],
}

/// What a file is.
pub(crate) enum Part {
    /// France Compétences CSV `Standard`.
    FcStandard,
    /// France Compétences CSV `Blocs_De_Compétences`.
    FcBlocs,
    /// France Compétences XML export.
    FcXml,
    /// ROME `unix_referentiel_code_rome`.
    Rome,
    /// ROME `version.txt`.
    RomeVersion,
    /// Certif Info open data.
    CertifInfo,
    /// BCN `N_GROUPE_SPECIALITE`.
    Nsf,
    /// A file lheo knows and does not need.
    Ignored { fr: String, en: String },
}

/// Asks each referential's module what a file is; a new referential adds its line here.
fn recognise(peek: &Peek<'_>) -> Option<Part> {
    france_competences::recognise(peek)
        .or_else(|| rome::recognise(peek))
        .or_else(|| certifinfo::recognise(peek))
        .or_else(|| nsf::recognise(peek))
}

/// The tables of a candidate.
#[derive(Debug, Clone)]
pub(crate) enum Data {
    Certifications(Certifications),
    Rome(Rome),
    Codes(CodeSet),
}

impl Data {
    /// The counts a [`Source`] gives: entries, active fiches, blocs.
    fn fill(&self, source: &mut Source) {
        let (entries, active, blocs) = match self {
            Data::Certifications(c) => (c.len(), Some(c.active()), c.blocs()),
            Data::Rome(r) => (r.len(), None, None),
            Data::Codes(c) => (c.len(), None, None),
        };
        source.entries = entries;
        source.active = active;
        source.blocs = blocs;
    }
}

/// A referential read from one file, before the newest of its kind is chosen.
struct Candidate {
    source: Source,
    data: Data,
    /// The archive or folder it came from, and the export date in its member names (to join
    /// a CSV export's Standard and Blocs files).
    group: (String, Option<NaiveDate>),
}

/// Where a file comes from.
#[derive(Clone)]
struct Origin {
    /// How the file is named in messages and reports (`archive.zip:member.csv` inside an
    /// archive).
    display: String,
    /// The archive or folder it is in.
    container: String,
    /// The date in the archive's name, if any.
    container_date: Option<NaiveDate>,
    /// The size of the file as given (the archive's for a member).
    bytes: u64,
    /// The file the report names (the archive for a member).
    report_file: String,
}

/// Reads referential files one by one, then gives the [`Referentiels`] (see
/// [`Referentiels::load`] for the simple case).
///
/// ```
/// use lheo::referentiels::{Kind, Loader};
///
/// let csv = "GROUPE_SPECIALITE;DOMAINE_SPECIALITE;LIBELLE_LONG\n326;32;INFORMATIQUE\n";
/// let mut loader = Loader::new();
/// loader.add_reader("n_groupe_specialite.csv", std::io::Cursor::new(csv))?;
/// let refs = loader.finish()?;
/// assert_eq!(refs.sources()[0].kind, Kind::Nsf);
/// assert!(refs.nsf().is_some_and(|n| n.contains(326)));
/// # Ok::<(), lheo::Error>(())
/// ```
pub struct Loader {
    limits: Limits,
    candidates: Vec<Candidate>,
    /// CSV blocs files: (container, date in the name, (file, file for the report), size, blocs).
    #[allow(clippy::type_complexity)]
    blocs: Vec<(
        String,
        Option<NaiveDate>,
        (String, String),
        u64,
        Vec<(Repertoire, u32, String)>,
    )>,
    rome_versions: Vec<(String, Option<u32>, Option<NaiveDate>)>,
    ignored: Vec<Ignored>,
    /// Walking a folder: files that are not referentials are listed as ignored, not errors.
    lenient: bool,
}

impl Default for Loader {
    fn default() -> Self {
        Loader::new()
    }
}

/// A date `AAAA-MM-JJ` or `AAAA_MM_JJ` in a file name (the last one).
pub fn date_in_name(name: &str) -> Option<NaiveDate> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).rev().find_map(|i| {
        let w = &b[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        let sep = |c: u8| c == b'-' || c == b'_';
        if digits(0..4) && sep(w[4]) && digits(5..7) && sep(w[7]) && digits(8..10) {
            let s = std::str::from_utf8(w).ok()?.replace('_', "-");
            NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
        } else {
            None
        }
    })
}

/// Why a file is not a referential: French, English.
const UNRECOGNISED: (&str, &str) = (
        "fichier non reconnu : ni export France Compétences (CSV ou XML, RNCP et RS), ni ROME 4.0 (unix_referentiel_code_rome), ni Certif Info (opendata-certifinfo), ni table BCN N_GROUPE_SPECIALITE (NSF)",
        "unrecognised file: neither a France Compétences export (CSV or XML, RNCP and RS), nor ROME 4.0 (unix_referentiel_code_rome), nor Certif Info (opendata-certifinfo), nor the BCN table N_GROUPE_SPECIALITE (NSF)",
);

fn unrecognised(file: &str) -> Error {
    Error::referentiel(file, UNRECOGNISED.0, UNRECOGNISED.1)
}

impl Loader {
    /// A loader with the default [`Limits`].
    pub fn new() -> Self {
        Loader {
            limits: Limits::default(),
            candidates: Vec::new(),
            blocs: Vec::new(),
            rome_versions: Vec::new(),
            ignored: Vec::new(),
            lenient: false,
        }
    }

    /// Other limits on archives.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn used(&self) -> usize {
        self.candidates.len() + self.blocs.len() + self.rome_versions.len()
    }

    /// Adds a file (zipped or not) or a folder of them (walked in name order; hidden files
    /// are skipped). A file given that is not a referential is an error that names it, and so
    /// is a folder or archive with no referential in it; in a folder, other files are listed
    /// as ignored ([`Referentiels::ignored`]).
    pub fn add_path(&mut self, path: &Path) -> Result<(), Error> {
        let before = self.used();
        let display = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| Error::referentiel_io(&display, &e))?;
        if meta.is_dir() {
            self.lenient = true;
            let walked = self.add_folder(path, 0);
            self.lenient = false;
            walked?;
            if self.used() == before {
                return Err(Error::referentiel(
                    display,
                    "aucun référentiel reconnu dans ce dossier",
                    "no referential recognised in this folder",
                ));
            }
            return Ok(());
        }
        let ignored = self.ignored.len();
        self.add_file(path)?;
        self.refuse_unused(display, before, ignored)
    }

    /// A file given by itself must be a referential lheo uses: when it was recognised as one it
    /// does not use (listed among the ignored since `ignored`, nothing used since `before`),
    /// an error that names it and says why.
    fn refuse_unused(&self, display: String, before: usize, ignored: usize) -> Result<(), Error> {
        if self.used() == before {
            if let Some(i) = self.ignored.get(ignored) {
                return Err(Error::referentiel(display, i.fr.clone(), i.en.clone()));
            }
        }
        Ok(())
    }

    fn add_folder(&mut self, path: &Path, depth: usize) -> Result<(), Error> {
        let display = path.display().to_string();
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| Error::referentiel_io(&display, &e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.'))
            })
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if depth < MAX_FOLDER_DEPTH {
                    self.add_folder(&p, depth + 1)?;
                }
            } else {
                self.add_file(&p)?;
            }
        }
        Ok(())
    }

    fn add_file(&mut self, path: &Path) -> Result<(), Error> {
        let display = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Error::referentiel_io(&display, &e))?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| display.clone());
        let container = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let origin = Origin {
            display: display.clone(),
            container,
            container_date: None,
            bytes,
            report_file: display,
        };
        self.add_origin(&name, origin, file)
    }

    /// Adds one file read from `reader` (zipped or not); `name` is its file name, used to
    /// recognise it and to read its date. As with [`Loader::add_path`], a file that is not a
    /// referential lheo uses is an error that names it.
    pub fn add_reader<R: Read + Seek>(&mut self, name: &str, mut reader: R) -> Result<(), Error> {
        let bytes = reader
            .seek(io::SeekFrom::End(0))
            .and_then(|n| reader.seek(io::SeekFrom::Start(0)).map(|_| n))
            .map_err(|e| Error::referentiel_io(name, &e))?;
        let origin = Origin {
            display: name.to_owned(),
            container: String::new(),
            container_date: None,
            bytes,
            report_file: name.to_owned(),
        };
        let (before, ignored) = (self.used(), self.ignored.len());
        self.add_origin(name, origin, reader)?;
        self.refuse_unused(name.to_owned(), before, ignored)
    }

    fn add_origin<R: Read + Seek>(
        &mut self,
        name: &str,
        origin: Origin,
        mut reader: R,
    ) -> Result<(), Error> {
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut reader, &mut magic)
            .map_err(|e| Error::referentiel_io(&origin.display, &e))?;
        reader
            .seek(io::SeekFrom::Start(0))
            .map_err(|e| Error::referentiel_io(&origin.display, &e))?;
        if n == 4 && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06") {
            return self.add_zip(name, origin, reader);
        }
        self.add_stream(name, &origin, BufReader::with_capacity(64 * 1024, reader))?;
        Ok(())
    }

    fn add_zip<R: Read + Seek>(
        &mut self,
        name: &str,
        origin: Origin,
        reader: R,
    ) -> Result<(), Error> {
        let file = origin.display.clone();
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
            Error::referentiel(
                &file,
                format!("archive zip illisible ({e})"),
                format!("unreadable zip archive ({e})"),
            )
        })?;
        input::check_archive(&mut zip, &file, &self.limits)?;
        let before = self.used();
        // Members that are not referentials are listed as ignored (an archive may hold other
        // files: RefRomeCsv.zip has thirty); the archive must hold one referential at least.
        let lenient = std::mem::replace(&mut self.lenient, true);
        let read = self.add_members(&mut zip, name, &origin);
        self.lenient = lenient;
        let members = read?;
        if self.used() > before {
            return Ok(());
        }
        let shown = members
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let fr = format!("aucun référentiel reconnu dans l'archive (membres : {shown})");
        let en = format!("no referential recognised in the archive (members: {shown})");
        if self.lenient {
            self.ignored.push(Ignored {
                file: file.to_owned(),
                fr,
                en,
            });
            return Ok(());
        }
        Err(Error::referentiel(file, fr, en))
    }

    /// Reads the members of an archive; their names.
    fn add_members<R: Read + Seek>(
        &mut self,
        zip: &mut zip::ZipArchive<R>,
        name: &str,
        origin: &Origin,
    ) -> Result<Vec<String>, Error> {
        let file = &origin.display;
        let mut members = Vec::new();
        for i in 0..zip.len() {
            let member = zip.by_index(i).map_err(|e| {
                Error::referentiel(
                    file,
                    format!("membre {i} illisible ({e})"),
                    format!("member {i} unreadable ({e})"),
                )
            })?;
            if member.is_dir() {
                continue;
            }
            let member_name = input::member_name(member.name_raw());
            if member_name.starts_with('.') || member_name.is_empty() {
                continue;
            }
            members.push(member_name.clone());
            let inner = Origin {
                display: format!("{file}:{member_name}"),
                container: file.clone(),
                container_date: date_in_name(name),
                bytes: origin.bytes,
                report_file: origin.report_file.clone(),
            };
            let bounded = Bounded::new(member, self.limits.max_member);
            self.add_stream(
                &member_name,
                &inner,
                BufReader::with_capacity(64 * 1024, bounded),
            )?;
        }
        Ok(members)
    }

    /// Recognises and reads one file; `false` when it is left aside.
    fn add_stream<R: BufRead>(
        &mut self,
        name: &str,
        origin: &Origin,
        mut reader: R,
    ) -> Result<bool, Error> {
        let file = origin.display.as_str();
        let mut head = Vec::with_capacity(PEEK);
        (&mut reader)
            .take(PEEK as u64)
            .read_to_end(&mut head)
            .map_err(|e| Error::referentiel_io(file, &e))?;
        let peek = Peek {
            name,
            header: input::first_line(&head),
            head: &head,
        };
        let Some(part) = recognise(&peek) else {
            if self.lenient {
                self.ignored.push(Ignored {
                    file: file.to_owned(),
                    fr: UNRECOGNISED.0.to_owned(),
                    en: UNRECOGNISED.1.to_owned(),
                });
                return Ok(false);
            }
            return Err(unrecognised(file));
        };
        let stream = BufReader::with_capacity(64 * 1024, Cursor::new(head).chain(reader));
        let date = origin.container_date.or_else(|| date_in_name(name));
        let source = |kind, format, date, version| Source {
            kind,
            format,
            files: vec![origin.report_file.clone()],
            date,
            version,
            entries: 0,
            active: None,
            blocs: None,
            bytes: origin.bytes,
            superseded_by: None,
        };
        let group = (origin.container.clone(), date_in_name(name));
        match part {
            Part::Ignored { fr, en } => {
                self.ignored.push(Ignored {
                    file: file.to_owned(),
                    fr,
                    en,
                });
                return Ok(false);
            }
            Part::FcStandard => {
                let (rncp, rs) = france_competences::csv::read_standard(stream, file)?;
                for (kind, table) in [(Kind::Rncp, rncp), (Kind::Rs, rs)] {
                    self.push(
                        source(kind, Format::FranceCompetencesCsv, date, None),
                        Data::Certifications(table),
                        group.clone(),
                    );
                }
            }
            Part::FcBlocs => {
                let blocs = france_competences::csv::read_blocs(stream, file)?;
                let files = (file.to_owned(), origin.report_file.clone());
                self.blocs
                    .push((group.0, group.1, files, origin.bytes, blocs));
            }
            Part::FcXml => {
                let export = france_competences::xml::read(stream, file)?;
                let version = export.version.map(|v| format!("V{v}"));
                for (kind, table) in [(Kind::Rncp, export.rncp), (Kind::Rs, export.rs)] {
                    if let Some(t) = table {
                        self.push(
                            source(kind, Format::FranceCompetencesXml, date, version.clone()),
                            Data::Certifications(t),
                            group.clone(),
                        );
                    }
                }
            }
            Part::Rome => {
                let r = rome::read(stream, file, name)?;
                let version = r.version().map(|v| format!("v{v}"));
                self.push(
                    source(Kind::Rome, Format::RomeCsv, None, version),
                    Data::Rome(r),
                    group,
                );
            }
            Part::RomeVersion => {
                let (version, date) = rome::read_version(stream);
                self.rome_versions
                    .push((origin.container.clone(), version, date));
            }
            Part::CertifInfo => {
                let set = certifinfo::read(stream, file)?;
                let date = certifinfo::date_in_name(name).or(date);
                self.push(
                    source(Kind::CertifInfo, Format::CertifInfoCsv, date, None),
                    Data::Codes(set),
                    group,
                );
            }
            Part::Nsf => {
                let set = nsf::read(stream, file)?;
                self.push(
                    source(Kind::Nsf, Format::BcnNsf, None, None),
                    Data::Codes(set),
                    group,
                );
            }
        }
        Ok(true)
    }

    fn push(&mut self, source: Source, data: Data, group: (String, Option<NaiveDate>)) {
        self.candidates.push(Candidate {
            source,
            data,
            group,
        });
    }

    /// The referentials read: for each kind, the newest (the latest date, then the highest
    /// version, then the one given last); the others are listed as superseded.
    pub fn finish(mut self) -> Result<Referentiels, Error> {
        self.join_blocs()?;
        for c in &mut self.candidates {
            if let Data::Rome(_) = c.data {
                if let Some((_, version, date)) =
                    self.rome_versions.iter().find(|v| v.0 == c.group.0)
                {
                    c.source.date = c.source.date.or(*date);
                    if c.source.version.is_none() {
                        c.source.version = version.map(|v| format!("v{v}"));
                    }
                }
            }
        }
        let mut refs = Referentiels::default();
        let mut candidates = std::mem::take(&mut self.candidates);
        for kind in Kind::ALL {
            let (mut of_kind, rest): (Vec<Candidate>, Vec<Candidate>) =
                candidates.into_iter().partition(|c| c.source.kind == kind);
            candidates = rest;
            // Stable sort: at equal dates and versions, the one given last wins.
            of_kind.sort_by_key(|c| (c.source.date, version_number(&c.source)));
            let Some(mut winner) = of_kind.pop() else {
                continue;
            };
            winner.data.fill(&mut winner.source);
            for mut older in of_kind {
                if let (Data::Rome(w), Data::Rome(o)) = (&mut winner.data, &older.data) {
                    w.remember(o);
                }
                older.data.fill(&mut older.source);
                older.source.superseded_by = winner.source.files.first().cloned();
                refs.sources.push(older.source);
            }
            refs.sources.push(winner.source);
            refs.set(kind, winner.data);
        }
        refs.ignored = self.ignored;
        Ok(refs)
    }

    /// Gives each CSV export's blocs to the fiches of its Standard file (same archive or
    /// folder, same date).
    fn join_blocs(&mut self) -> Result<(), Error> {
        for (container, date, (file, report_file), bytes, blocs) in std::mem::take(&mut self.blocs)
        {
            let mut joined = false;
            for c in &mut self.candidates {
                if c.source.format != Format::FranceCompetencesCsv
                    || c.group != (container.clone(), date)
                {
                    continue;
                }
                let Data::Certifications(table) = &mut c.data else {
                    continue;
                };
                let repertoire = table.repertoire();
                table.expect_blocs();
                for (_, number, code) in blocs.iter().filter(|b| b.0 == repertoire) {
                    table.push_bloc(*number, code);
                }
                // Files taken out of the archive: the report names both, with both sizes.
                if !c.source.files.contains(&report_file) {
                    c.source.files.push(report_file.clone());
                    c.source.bytes += bytes;
                }
                joined = true;
            }
            if !joined {
                return Err(Error::referentiel(
                    file,
                    "fichier des blocs de compétences sans le fichier Standard du même export (même dossier, même date) : donnez les deux",
                    "blocs file without the Standard file of the same export (same folder, same date): give both",
                ));
            }
        }
        for c in &mut self.candidates {
            if let Data::Certifications(t) = &mut c.data {
                t.finish();
            }
        }
        Ok(())
    }
}

/// `460` for `v460`, `41` for `V4.1`: orders versions of the same kind.
fn version_number(s: &Source) -> Option<u32> {
    let digits: String = s
        .version
        .as_deref()?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_names() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 22);
        assert_eq!(date_in_name("export-fiches-csv-2024-02-22.zip"), d);
        assert_eq!(date_in_name("export_fiches_CSV_Standard_2024_02_22.csv"), d);
        assert_eq!(date_in_name("export_fiches_RNCP_V4_1_2024-02-22.xml"), d);
        assert_eq!(date_in_name("export_fiches_RNCP_fixture.xml"), None);
        assert_eq!(date_in_name("x-2024-13-01"), None);
    }
}
