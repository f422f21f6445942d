//! What `validate`, `import` and `diff` share for workbooks: reading one, with the workbook
//! libraries' errors (zip, calamine) turned into a sentence that names the file and says
//! what to do.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use lheo::validate::ValidateOptions;
use lheo::workbook::Imported;
use lheo::Lang;

use super::validate::{ExcerptSource, Validated};
use crate::error::Failure;
use crate::report::FileReport;
use crate::source::Source;

/// Reads the workbook `source` is (recognised by its content, whatever its name). A file the
/// workbook reader cannot open at all (damaged, another format) is a failure (exit 2), like
/// any unreadable file.
pub fn read(source: &mut Source) -> Result<Imported, Failure> {
    let path = source.workbook_path()?;
    let name = Path::new(source.display());
    let file = File::open(&path).map_err(|e| Failure::read(name, &e))?;
    let imported =
        lheo::workbook::read_workbook(BufReader::new(file)).map_err(|e| match e.io() {
            Some(io) => Failure::read(name, io),
            None => unreadable(source.display(), e.text(Lang::Fr)),
        })?;
    source.unchanged()?;
    refuse_unreadable(source.display(), &imported.diagnostics)?;
    Ok(imported)
}

/// Fails with the sentence for a workbook that cannot be opened when the workbook reader's
/// findings say so (its `CLASSEUR-ILLISIBLE` finding).
pub fn refuse_unreadable(name: &str, diagnostics: &[lheo::Diagnostic]) -> Result<(), Failure> {
    match diagnostics
        .iter()
        .find(|d| d.rule == lheo::Rule::ClasseurIllisible)
    {
        Some(d) => Err(unreadable(name, &d.message.fr)),
        None => Ok(()),
    }
}

/// The sentence for a workbook that cannot be opened; `raw` is what the libraries said.
fn unreadable(name: &str, raw: &str) -> Failure {
    let lower = raw.to_lowercase();
    let (fr, en) = if lower.contains("eocd") || lower.contains("zip") {
        (
            "son archive zip est endommagée ou tronquée (téléchargement incomplet ?)",
            "its zip archive is damaged or truncated (an incomplete download?)",
        )
    } else if lower.contains("password") || lower.contains("encrypt") {
        (
            "il est protégé par un mot de passe",
            "it is protected by a password",
        )
    } else if lower.contains("bombe") || lower.contains("refusée") {
        (
            "il se décompresse en bien plus que ce qu'un classeur contient",
            "it expands to far more than a workbook holds",
        )
    } else {
        (
            "il est endommagé ou n'est pas dans un format de classeur lu par lheo",
            "it is damaged or not in a workbook format lheo reads",
        )
    };
    Failure::new(
        format!("impossible de lire le classeur « {name} » : {fr} ({raw}) ; ouvrez-le dans Excel ou LibreOffice et enregistrez-le de nouveau au format .xlsx, ou repartez du modèle (lheo template -o modele.xlsx)"),
        format!("cannot read the workbook \"{name}\": {en} ({raw}); open it in Excel or LibreOffice and save it again as .xlsx, or start again from the template (lheo template -o modele.xlsx)"),
    )
}

/// Reads and validates a workbook: the workbook's own problems and the document's findings,
/// every one at `sheet!cell`.
pub fn validate_workbook(
    source: &mut Source,
    options: &ValidateOptions,
) -> Result<(Validated, Imported), Failure> {
    let imported = read(source)?;
    let report = imported.validate(options);
    let name = source.display().to_owned();
    Ok((
        Validated {
            file: FileReport {
                name: name.clone(),
                report,
            },
            display: name,
            excerpts: ExcerptSource::None,
        },
        imported,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_become_sentences() {
        let f = unreadable(
            "lot.xlsx",
            "Xlsx error: Zip error: invalid Zip archive: Could not find EOCD",
        );
        let fr = f.text(lheo::Lang::Fr);
        assert!(
            fr.starts_with(
                "impossible de lire le classeur « lot.xlsx » : son archive zip est endommagée"
            ),
            "{fr}"
        );
        assert!(fr.contains("enregistrez-le de nouveau"), "{fr}");
        let en = f.text(lheo::Lang::En);
        assert!(en.contains("damaged or truncated"), "{en}");
    }
}
