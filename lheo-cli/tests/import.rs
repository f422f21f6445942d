//! `lheo import`: 2.x → 2.3, refusal without output, never onto its input, atomic writing.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_xmllint_valid, data_dir, lheo_in, oracle, output};

/// A temporary folder holding a copy of the test input `name`.
fn folder_with(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(data_dir().join(name), dir.path().join(name)).unwrap();
    dir
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_2_2_feed_becomes_a_valid_2_3_feed() {
    let dir = folder_with("valide-2.2.xml");
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["import", "valide-2.2.xml", "-o", "sortie.xml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stderr, "");
    assert!(stdout.contains("info[LHEO-VERSION]"), "{stdout}");
    assert!(
        stdout.ends_with("« valide-2.2.xml » (LHEO 2.2) importé dans « sortie.xml » (LHEO 2.3)\n"),
        "{stdout}"
    );
    insta::assert_snapshot!("import_2_2", stdout);
    let out = dir.path().join("sortie.xml");
    let text = fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(r#"xmlns="http://lheo.gouv.fr/2.3""#),
        "{text}"
    );
    assert!(!text.contains("lheo.org/2.2"), "{text}");
    // Nothing else is left in the folder (no temporary file).
    assert_eq!(names(dir.path()), ["sortie.xml", "valide-2.2.xml"]);
    // The output is valid for lheo itself…
    let (code, stdout, _) = output(lheo_in(dir.path()).args(["validate", "sortie.xml"]));
    assert_eq!(code, 0, "{stdout}");
    // … and for the official XSD.
    if let Some(xsd) = oracle() {
        assert_xmllint_valid(&xsd, &out);
    }
}

#[cfg(unix)]
#[test]
fn the_output_is_an_ordinary_file_not_a_private_temporary_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder_with("valide-2.3.xml");
    let (code, ..) = output(lheo_in(dir.path()).args(["import", "valide-2.3.xml", "-o", "s.xml"]));
    assert_eq!(code, 0);
    let mode = fs::metadata(dir.path().join("s.xml"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(
        mode & 0o044,
        0,
        "mode {mode:o}: readable by group/others like any new file"
    );
}

#[test]
fn an_existing_output_is_replaced_whole() {
    let dir = folder_with("valide-2.3.xml");
    fs::write(dir.path().join("sortie.xml"), "ancien contenu").unwrap();
    let (code, ..) =
        output(lheo_in(dir.path()).args(["import", "valide-2.3.xml", "--output", "sortie.xml"]));
    assert_eq!(code, 0);
    let text = fs::read_to_string(dir.path().join("sortie.xml")).unwrap();
    assert!(text.starts_with("<?xml"), "{text}");
}

#[test]
fn an_invalid_feed_is_refused_and_nothing_is_written() {
    let dir = folder_with("malforme.xml");
    fs::copy(
        data_dir().join("lheo-1.3.xml"),
        dir.path().join("lheo-1.3.xml"),
    )
    .unwrap();
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["import", "malforme.xml", "-o", "sortie.xml"]));
    assert_eq!(code, 1);
    assert!(stdout.contains("erreur[XML-MALFORME]"), "{stdout}");
    assert!(
        stdout.contains("malforme.xml : invalide (1 erreur"),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        "lheo: « sortie.xml » n'a pas été écrit : corrigez d'abord les erreurs ci-dessus\n"
    );
    assert!(!dir.path().join("sortie.xml").exists());

    // Not LHEO 2.x at all: refused before anything is read (exit 2), with what it is.
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["import", "lheo-1.3.xml", "-o", "sortie.xml"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("lheo: « lheo-1.3.xml » est un document LHEO 1.x"),
        "{stderr}"
    );
    assert_eq!(names(dir.path()), ["lheo-1.3.xml", "malforme.xml"]);
}

#[test]
fn an_existing_output_survives_a_refused_import() {
    let dir = folder_with("malforme.xml");
    fs::write(dir.path().join("sortie.xml"), "à garder").unwrap();
    let (code, ..) =
        output(lheo_in(dir.path()).args(["import", "malforme.xml", "-o", "sortie.xml"]));
    assert_eq!(code, 1);
    assert_eq!(
        fs::read_to_string(dir.path().join("sortie.xml")).unwrap(),
        "à garder"
    );
}

#[test]
fn the_profile_applies_to_import() {
    let dir = folder_with("valide-2.2.xml");
    let (code, stdout, _) = output(lheo_in(dir.path()).args([
        "import",
        "--profile",
        "france-travail",
        "valide-2.2.xml",
        "-o",
        "sortie.xml",
    ]));
    // One France Travail warning: imported all the same.
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("avertissement[FT-SESSION-MODALITE]"),
        "{stdout}"
    );
    assert!(dir.path().join("sortie.xml").exists());
}

#[test]
fn the_input_is_never_overwritten() {
    let dir = folder_with("valide-2.2.xml");
    let before = fs::read(dir.path().join("valide-2.2.xml")).unwrap();
    let message = "lheo: « {out} » est un fichier d'entrée de la commande (sous ce nom ou par \
                   un lien) : lheo import n'écrase jamais ses entrées, choisissez un autre nom \
                   de sortie\n";
    let mut outputs = vec!["valide-2.2.xml".to_owned(), "./valide-2.2.xml".to_owned()];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("valide-2.2.xml", dir.path().join("lien.xml")).unwrap();
        fs::hard_link(
            dir.path().join("valide-2.2.xml"),
            dir.path().join("dur.xml"),
        )
        .unwrap();
        outputs.push("lien.xml".to_owned());
        outputs.push("dur.xml".to_owned());
    }
    for out in &outputs {
        let (code, stdout, stderr) =
            output(lheo_in(dir.path()).args(["import", "valide-2.2.xml", "-o", out]));
        assert_eq!(code, 2, "{out}: {stdout}{stderr}");
        assert_eq!(stdout, "", "{out}");
        assert_eq!(stderr, message.replace("{out}", out), "{out}");
    }
    assert_eq!(fs::read(dir.path().join("valide-2.2.xml")).unwrap(), before);
}

#[test]
fn a_broken_workbook_is_unreadable_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("offres.xlsx"), b"PK\x03\x04").unwrap();
    let (code, stdout, stderr) =
        output(lheo_in(dir.path()).args(["import", "offres.xlsx", "-o", "sortie.xml"]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.starts_with("lheo: impossible de lire le classeur « offres.xlsx » : son archive zip est endommagée ou tronquée"),
        "{stderr}"
    );
    assert!(stderr.contains("enregistrez-le de nouveau"), "{stderr}");
    assert!(!dir.path().join("sortie.xml").exists());
}

#[test]
fn paths_that_cannot_work_exit_2() {
    let dir = folder_with("valide-2.3.xml");
    let cases: [(&[&str], &str); 4] = [
        (
            &["import", "absent.xml", "-o", "s.xml"],
            "lheo: impossible de lire « absent.xml » : fichier introuvable\n",
        ),
        (
            &["import", "valide-2.3.xml", "-o", "pas/de/dossier/s.xml"],
            "lheo: impossible d'écrire « pas/de/dossier/s.xml » : le dossier « pas/de/dossier » n'existe pas\n",
        ),
        (
            &["import", "valide-2.3.xml", "-o", "."],
            "lheo: « . » est un dossier : donnez un nom de fichier (par exemple « ./offres… »)\n",
        ),
        (
            &["import", "valide-2.3.xml", "-o", "-"],
            "lheo: lheo import écrit un fichier : « - » (la sortie standard) n'est pas accepté, donnez un nom de fichier avec -o\n",
        ),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = output(lheo_in(dir.path()).args(args));
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert_eq!(stderr, expected, "{args:?}");
    }
    assert_eq!(names(dir.path()), ["valide-2.3.xml"]);
    // Missing -o is a usage error.
    let (code, ..) = output(lheo_in(dir.path()).args(["import", "valide-2.3.xml"]));
    assert_eq!(code, 2);
}
