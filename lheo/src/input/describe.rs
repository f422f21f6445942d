//! The sentence for each input `lheo` does not read: what the file is, what `lheo` reads,
//! what to do. Every command and every front end (CLI, Python, server) says the same.
//!
//! The sentence completes « FICHIER » est … (French) and "FILE" is … (English).

use super::{Kind, Recognised};
use crate::schema::NAMESPACE_2_3;
use crate::Message;

/// What `lheo` reads, said once.
const READS_FR: &str = "lheo lit les flux LHEO 2.0 à 2.3 (XML, éventuellement compressés en \
                        gzip) et ses propres classeurs (.xlsx, .xls, .ods)";
const READS_EN: &str = "lheo reads LHEO 2.0 to 2.3 feeds (XML, possibly gzip-compressed) and \
                        its own workbooks (.xlsx, .xls, .ods)";

/// How to build a feed from a spreadsheet.
const TEMPLATE_FR: &str = "pour saisir des offres dans un tableur, partez du modèle \
                           (lheo template -o modele.xlsx), remplissez-le, puis \
                           lheo import modele.xlsx -o offres.xml";
const TEMPLATE_EN: &str = "to enter offers in a spreadsheet, start from the template \
                           (lheo template -o modele.xlsx), fill it in, then \
                           lheo import modele.xlsx -o offres.xml";

/// An I/O error in words for people, French then English (`fichier introuvable`, `permission
/// refusée`…, a gzip stream's error as [`GzipError`](super::GzipError) says it), without
/// Rust's debug output; another error with the system's message.
///
/// ```
/// let e = std::io::Error::from(std::io::ErrorKind::NotFound);
/// assert_eq!(lheo::input::io_words(&e).0, "fichier introuvable");
/// ```
pub fn io_words(error: &std::io::Error) -> (String, String) {
    use std::io::ErrorKind as K;
    if let Some(gzip) = super::GzipError::of(error) {
        return gzip.text();
    }
    let (fr, en) = match error.kind() {
        K::NotFound => ("fichier introuvable", "file not found"),
        K::PermissionDenied => ("permission refusée", "permission denied"),
        K::IsADirectory => (
            "c'est un dossier, pas un fichier",
            "it is a directory, not a file",
        ),
        K::NotADirectory => (
            "un élément du chemin n'est pas un dossier",
            "a component of the path is not a directory",
        ),
        K::StorageFull => ("disque plein", "no space left on device"),
        K::ReadOnlyFilesystem => (
            "système de fichiers en lecture seule",
            "read-only file system",
        ),
        K::UnexpectedEof => ("fin de fichier inattendue", "unexpected end of file"),
        K::InvalidData => ("données illisibles", "invalid data"),
        _ => {
            // The system's message (e.g. "Input/output error (os error 5)") is the best there is.
            let text = error.to_string();
            return (format!("erreur d'entrée-sortie ({text})"), text);
        }
    };
    (fr.to_owned(), en.to_owned())
}

fn message(fr: String, en: String) -> Message {
    Message { fr, en }
}

/// What the file is, as a noun phrase (French, English).
fn what(kind: &Kind) -> (String, String) {
    let pair = |fr: &str, en: &str| (fr.to_owned(), en.to_owned());
    match kind {
        Kind::Csv(sep) => {
            let (name, fr, en) = match sep {
                b'\t' => ("TSV", "des tabulations", "tabs"),
                b';' => ("CSV", "des points-virgules", "semicolons"),
                b',' => ("CSV", "des virgules", "commas"),
                _ => ("CSV", "des barres verticales", "vertical bars"),
            };
            (
                format!("un fichier {name} (valeurs séparées par {fr}), pas un flux LHEO"),
                format!("a {name} file (values separated by {en}), not an LHEO feed"),
            )
        }
        Kind::Edof { namespace } => crate::reader::edof(namespace),
        Kind::Lheo1 { root, namespace } => crate::reader::lheo_1(root, namespace.as_deref()),
        Kind::OtherXml { root, namespace } => {
            let (fr, en) = match namespace {
                Some(ns) => (format!(" (espace de noms « {ns} »)"), format!(" (namespace \"{ns}\")")),
                None => (String::new(), String::new()),
            };
            (
                format!("un document XML dont la racine est « {root} »{fr}, pas un flux LHEO (qui commence par <lheo xmlns=\"{NAMESPACE_2_3}\">)"),
                format!("an XML document whose root is \"{root}\"{en}, not an LHEO feed (which starts with <lheo xmlns=\"{NAMESPACE_2_3}\">)"),
            )
        }
        Kind::Html => pair(
            "une page web (HTML), pas un flux LHEO : le téléchargement a sans doute enregistré la page au lieu du fichier",
            "a web page (HTML), not an LHEO feed: the download probably saved the page instead of the file",
        ),
        Kind::Pdf => pair("un document PDF, pas un flux LHEO", "a PDF document, not an LHEO feed"),
        Kind::Json => pair("un document JSON, pas un flux LHEO", "a JSON document, not an LHEO feed"),
        Kind::Text => pair(
            "un fichier texte qui n'est ni du XML ni un tableau CSV",
            "a text file that is neither XML nor a CSV table",
        ),
        Kind::Empty => pair(
            "un fichier vide : il n'y a rien à lire",
            "an empty file: there is nothing to read",
        ),
        Kind::Zip { xml: Some(name) } => (
            format!("une archive zip qui contient « {name} » : décompressez-la, puis donnez ce fichier à lheo"),
            format!("a zip archive holding \"{name}\": unzip it, then give that file to lheo"),
        ),
        Kind::Zip { xml: None } => pair(
            "une archive zip qui n'est pas un classeur",
            "a zip archive that is not a workbook",
        ),
        Kind::Archive(format) => (
            format!("une archive {format} : décompressez-la d'abord (lheo ne décompresse lui-même que le gzip)"),
            format!("a {format} archive: decompress it first (lheo itself decompresses gzip only)"),
        ),
        Kind::Document(name) => (
            format!("un document {name}, pas un flux LHEO ni un classeur"),
            format!("a {name} document, neither an LHEO feed nor a workbook"),
        ),
        Kind::EncryptedWorkbook => pair(
            "un classeur protégé par un mot de passe : enregistrez-le sans mot de passe (dans Excel : Fichier > Informations > Protéger le classeur), puis recommencez",
            "a password-protected workbook: save it without a password (in Excel: File > Info > Protect Workbook), then try again",
        ),
        Kind::Image(format) => (
            format!("une image {format}, pas un flux LHEO"),
            format!("a {format} image, not an LHEO feed"),
        ),
        Kind::Binary => pair(
            "un fichier binaire (ni du texte, ni un classeur)",
            "a binary file (neither text nor a workbook)",
        ),
        Kind::Workbook(f) => (
            format!("un classeur (.{}) compressé en gzip : décompressez-le d'abord (gunzip)", f.extension()),
            format!("a gzip-compressed workbook (.{}): decompress it first (gunzip)", f.extension()),
        ),
        Kind::Lheo(_) => pair("un flux LHEO", "an LHEO feed"),
    }
}

/// See [`Recognised::refusal`].
pub(super) fn refusal(r: &Recognised) -> Option<Message> {
    if r.is_readable() {
        return None;
    }
    let (mut fr, mut en) = what(&r.kind);
    if r.gzip && !matches!(r.kind, Kind::Workbook(_)) {
        fr = format!("une archive gzip qui contient {fr}");
        en = format!("a gzip archive holding {en}");
    }
    let advice = matches!(r.kind, Kind::Csv(_) | Kind::Text | Kind::Json);
    Some(if advice {
        message(
            format!("{fr} ; {READS_FR} ; {TEMPLATE_FR}"),
            format!("{en}; {READS_EN}; {TEMPLATE_EN}"),
        )
    } else {
        message(format!("{fr} ; {READS_FR}"), format!("{en}; {READS_EN}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::WorkbookFormat;

    fn refused(kind: Kind, gzip: bool) -> Message {
        refusal(&Recognised { kind, gzip }).expect("refused")
    }

    #[test]
    fn every_refusal_says_what_lheo_reads() {
        for kind in [
            Kind::Csv(b';'),
            Kind::Edof {
                namespace: "https://www.of.moncompteformation.gouv.fr".into(),
            },
            Kind::Html,
            Kind::Empty,
            Kind::Binary,
            Kind::Zip { xml: None },
        ] {
            let m = refused(kind, false);
            assert!(m.fr.contains(READS_FR), "{}", m.fr);
            assert!(m.en.contains(READS_EN), "{}", m.en);
        }
    }

    #[test]
    fn a_csv_says_how_to_make_a_workbook() {
        let m = refused(Kind::Csv(b';'), false);
        assert!(m
            .fr
            .starts_with("un fichier CSV (valeurs séparées par des points-virgules)"));
        assert!(m.fr.contains("lheo template -o modele.xlsx"), "{}", m.fr);
    }

    #[test]
    fn readable_inputs_are_not_refused() {
        let feed = Recognised {
            kind: Kind::Lheo(None),
            gzip: true,
        };
        assert!(refusal(&feed).is_none());
        let book = Recognised {
            kind: Kind::Workbook(WorkbookFormat::Ods),
            gzip: false,
        };
        assert!(refusal(&book).is_none());
        let zipped_book = Recognised {
            kind: Kind::Workbook(WorkbookFormat::Xlsx),
            gzip: true,
        };
        assert!(refusal(&zipped_book).unwrap().fr.contains("gunzip"));
    }
}
