"""lheo.Referentiels and the `referentiels` argument of validate, convert and import_xlsx,
against `lheo validate --referentiels` with the real samples of ../shared/referentiels/."""

import pathlib

import pytest

import lheo
from conftest import FIXTURES, SHARED, TODAY, need

REFS = SHARED / "referentiels"
CASES = sorted((FIXTURES / "referentiels").glob("*.xml"))


def samples():
    """The samples lheo's own tests load (RNCP and RS XML fixtures, ROME, Certif Info, NSF)."""
    need(REFS.is_dir(), f"the referential samples {REFS} are absent")
    return [
        REFS / "france_competences_xml" / "export_fiches_RNCP_fixture.xml",
        REFS / "france_competences_xml" / "export_fiches_RS_fixture.xml",
        REFS / "rome" / "unix_referentiel_code_rome_v460_utf8.csv",
        REFS / "certifinfo" / "opendata-certifinfo-01012025.head50.csv",
        REFS / "bcn" / "n_groupe_specialite_.csv",
    ]


@pytest.fixture(scope="module")
def loaded():
    return lheo.Referentiels(samples())


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
@pytest.mark.parametrize("profile", ["lheo", "parcoursup"])
def test_validate_with_referentiels_equals_cli(cli, loaded, path, profile):
    paths = samples()
    args = ["validate", "--format", "json", "--profile", profile, "--today", TODAY]
    for p in paths:
        args += ["--referentiels", p]
    expected = cli(*args, path)["files"][0]
    assert expected["referentiels"], "the CLI lists the referentials it used"
    # Loaded once, or loaded for the call from paths (str or os.PathLike): the same report.
    for refs in (loaded, paths, [str(p) for p in paths]):
        report = lheo.validate(path, profile, today=TODAY, referentiels=refs)
        assert report.to_dict() == expected
    # The fixture's own rule fires, with the referentials and only with them.
    codes = {d.code for d in report.diagnostics if d.code.startswith("REF-")}
    if path.name != "valide.xml":
        assert path.stem.removesuffix("-expiree") in codes, codes
    else:
        assert not codes
    plain = lheo.validate(path, profile, today=TODAY)
    assert not any(d.code.startswith("REF-") for d in plain.diagnostics)
    assert "referentiels" not in plain.to_dict()


def test_sources_describe_what_was_loaded(loaded):
    sources = loaded.sources
    assert sorted(s["kind"] for s in sources) == ["certifinfo", "nsf", "rncp", "rome", "rs"]
    rncp = next(s for s in sources if s["kind"] == "rncp")
    assert rncp["used"] is True and rncp["entries"] > 0
    assert rncp["files"] and rncp["files"][0].endswith("export_fiches_RNCP_fixture.xml")
    assert repr(loaded).startswith("<Referentiels ") and "rncp" in repr(loaded)


def test_a_newer_edition_supersedes_an_older_one():
    need(REFS.is_dir(), f"the referential samples {REFS} are absent")
    xml = REFS / "france_competences_xml"
    zip_ = REFS / "france_competences_csv" / "export-fiches-csv-2024-02-22.sample.zip"
    refs = lheo.Referentiels([xml, zip_])
    old = [s for s in refs.sources if not s["used"]]
    assert old and all(s["superseded_by"] == str(zip_) for s in old)
    report = lheo.validate(FIXTURES / "referentiels" / "REF-RS-INACTIF.xml", referentiels=refs)
    assert [r["used"] for r in report.to_dict()["referentiels"]].count(False) == len(old)


def test_convert_and_import_take_referentiels(loaded, tmp_path):
    bad = FIXTURES / "referentiels" / "REF-RNCP-INCONNU.xml"
    out = tmp_path / "out.xml"
    # Without referentials the feed converts; with them the unknown RNCP code refuses it.
    assert lheo.convert(bad, out, today=TODAY).valid
    out.unlink()
    with pytest.raises(lheo.InvalidDataError) as e:
        lheo.convert(bad, out, today=TODAY, referentiels=loaded)
    assert "REF-RNCP-INCONNU" in {d.code for d in e.value.diagnostics}
    assert not out.exists()
    xlsx = tmp_path / "bad.xlsx"
    lheo.export_xlsx(bad, xlsx)
    assert lheo.import_xlsx(xlsx, out, today=TODAY).valid
    out.unlink()
    with pytest.raises(lheo.InvalidDataError) as e:
        lheo.import_xlsx(xlsx, out, today=TODAY, referentiels=loaded)
    assert "REF-RNCP-INCONNU" in {d.code for d in e.value.diagnostics}
    assert not out.exists()


def test_bad_referentials_raise(tmp_path):
    need(REFS.is_dir(), f"the referential samples {REFS} are absent")
    # A file that is no referential: the library's sentence, naming it.
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.Referentiels(REFS / "FORMATS.md")
    assert "FORMATS.md" in str(e.value) and "non reconnu" in str(e.value)
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.Referentiels([REFS / "FORMATS.md"], lang="en")
    assert "FORMATS.md" in str(e.value)
    # The same through validate, before anything is read.
    with pytest.raises(lheo.UnreadableInputError):
        lheo.validate(FIXTURES / "minimal.xml", referentiels=REFS / "FORMATS.md")
    # A missing file.
    with pytest.raises(lheo.UnreadableInputError):
        lheo.Referentiels(tmp_path / "absent.zip")
    # Not paths.
    with pytest.raises(TypeError):
        lheo.Referentiels(42)
    with pytest.raises(TypeError):
        lheo.validate(FIXTURES / "minimal.xml", referentiels=[b"x"])
    with pytest.raises(ValueError):
        lheo.Referentiels(pathlib.Path("x"), lang="de")
