"""The example of the package's README (and of its issue), line by line, on fixture files
under the names it uses; the real corpus's non-XML files; the stubs shipped in the wheel."""

import importlib.util
import pathlib
import shutil

import pytest

import lheo
from conftest import CORPUS, FIXTURES, TODAY, corpus_path


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A working folder with the README's files: flux.xml (a France Travail feed with one
    error), petit.xml, flux-2.2.xml, hier.xml and aujourdhui.xml (one title changed)."""
    shutil.copy(FIXTURES / "france-travail" / "FT-RDV-PLAGE.xml", tmp_path / "flux.xml")
    shutil.copy(FIXTURES / "exemple.xml", tmp_path / "petit.xml")
    shutil.copy(FIXTURES / "exemple-2.2.xml", tmp_path / "flux-2.2.xml")
    shutil.copy(FIXTURES / "exemple.xml", tmp_path / "hier.xml")
    doc = lheo.read(FIXTURES / "exemple.xml")
    doc["lheo"]["offres"]["formation"][1]["intitule-formation"] = "Nouvel intitulé"
    lheo.write(doc, tmp_path / "aujourdhui.xml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_example_of_the_readme(folder, cli):
    report = lheo.validate("flux.xml", profile="france-travail", today="2027-01-04")
    assert report.valid is False
    assert report.counts == {"error": 1, "warning": 0, "info": 0}
    seen = []
    for d in report.diagnostics:
        seen.append((d.code, d.line, d.message))
        assert d.severity == "error" and d.column > 0 and d.path.startswith("/lheo/offres/")
        assert d.record
    assert [code for code, _, _ in seen] == ["FT-RDV-PLAGE"]
    expected = cli(
        "validate", "--format", "json", "--profile", "france-travail", "--today", TODAY,
        "flux.xml",
        cwd=folder,
    )
    assert report.to_dict() == expected["files"][0]

    titles = []
    for formation in lheo.iter_formations("flux.xml"):
        titles.append((formation["@numero"], formation["intitule-formation"]))
        debut = formation["action"][0]["session"][0]["periode"]["debut"]
        assert len(debut) == 8 and debut.isdigit()
    assert titles and all(isinstance(t, str) for _, t in titles)

    doc = lheo.read("petit.xml")
    assert lheo.write(doc, "sortie.xml") is None
    assert lheo.read("sortie.xml") == doc
    assert lheo.convert("flux-2.2.xml", "flux-2.3.xml").valid
    assert b'xmlns="http://lheo.gouv.fr/2.3"' in (folder / "flux-2.3.xml").read_bytes()
    lheo.export_xlsx("flux.xml", "flux.xlsx")
    before = lheo.read("flux.xml")
    assert lheo.import_xlsx("flux.xlsx", "flux.xml").valid
    assert lheo.read("flux.xml") == before

    changes = lheo.diff("hier.xml", "aujourdhui.xml", ignore=["horodatage-export"])
    assert changes == cli(
        "diff", "--format", "json", "--ignore", "horodatage-export", "hier.xml", "aujourdhui.xml",
        cwd=folder,
    )
    assert changes["summary"] == {"added": 0, "removed": 0, "changed": 1}

    catalogue = lheo.rules(profile="france-travail")
    assert catalogue == cli("rules", "--format", "json", "--profile", "france-travail")["rules"]
    assert "FT-RDV-PLAGE" in {r["code"] for r in catalogue}


def non_xml_corpus_files():
    """The real corpus's files that are not XML (CSV exports), or a single None that makes
    the test skip when ../shared is absent."""
    if not CORPUS.is_dir():
        return [None]
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".xml", ".md")
    )


@pytest.mark.parametrize(
    "path", non_xml_corpus_files(), ids=lambda p: "absent" if p is None else p.name
)
def test_corpus_files_that_are_not_lheo_are_refused(cli, path):
    path = corpus_path(path)
    for function in (lheo.read, lambda p: list(lheo.iter_formations(p))):
        with pytest.raises(lheo.UnreadableInputError) as e:
            function(path)
        assert str(e.value).startswith(f"« {path} » est ")
    # The CLI refuses it with the same sentence.
    output, refusal = cli("validate", "--format", "json", path, refusal=True)
    assert output is None
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.validate(path)
    assert refusal == f"lheo: {e.value}"


def test_the_wheel_ships_the_stubs():
    # maturin installs lheo.pyi as the package's __init__.pyi, with py.typed.
    spec = importlib.util.find_spec("lheo")
    assert spec is not None and spec.origin
    package = pathlib.Path(spec.origin).parent
    assert (package / "py.typed").is_file()
    stubs = package / "__init__.pyi"
    shipped = pathlib.Path(__file__).resolve().parents[1] / "lheo.pyi"
    assert stubs.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
