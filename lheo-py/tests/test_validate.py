"""lheo.validate equal to `lheo validate --format json` (the CLI is the oracle)."""

import datetime
import io

import pytest

import lheo
from conftest import FIXTURES, TODAY, corpus_files, corpus_path, fixture_files, ids


def same_as_cli(cli, path, profile="lheo", lang="fr", deny_warnings=False, rentree=None):
    args = ["validate", "--format", "json", "--profile", profile, "--today", TODAY]
    args += ["--lang", lang]
    if rentree is not None:
        args += ["--rentree", rentree]
    if deny_warnings:
        args.append("--deny-warnings")
    output, refusal = cli(*args, str(path), refusal=True)
    if refusal is not None:
        # A file lheo does not read: the CLI's one line (exit 2) is the exception's message.
        with pytest.raises(lheo.UnreadableInputError) as e:
            lheo.validate(str(path), profile, today=TODAY, lang=lang)
        assert refusal == f"lheo: {e.value}"
        return None
    report = lheo.validate(
        str(path), profile, today=TODAY, rentree=rentree, lang=lang, deny_warnings=deny_warnings
    )
    expected = output["files"]
    assert len(expected) == 1
    assert report.to_dict() == expected[0]
    # The attributes agree with the document.
    doc = expected[0]
    assert report.valid == doc["valid"]
    assert report.counts == doc["counts"]
    assert report.profile == profile
    assert len(report) == len(doc["diagnostics"])
    for d, e in zip(report.diagnostics, doc["diagnostics"]):
        assert d.to_dict() == e
        assert (d.code, d.severity, d.message) == (e["code"], e["severity"], e["message"])
        assert (d.line, d.column, d.path) == (e.get("line"), e.get("column"), e.get("path"))
    return report


@pytest.mark.parametrize("path", fixture_files(), ids=ids(fixture_files()))
@pytest.mark.parametrize("profile", sorted({r["profile"] for r in lheo.rules()}))
def test_fixtures_equal_cli(cli, path, profile):
    same_as_cli(cli, path, profile)


@pytest.mark.parametrize("path", corpus_files(), ids=ids(corpus_files()))
def test_corpus_equal_cli(cli, path):
    path = corpus_path(path)
    for profile in sorted({r["profile"] for r in lheo.rules()}):
        same_as_cli(cli, path, profile)


@pytest.mark.parametrize("name", ["lheo-300", "lheo-no-ft", "lheo-plus", "lheo-index"])
def test_generated_equal_cli(cli, generated, name):
    report = same_as_cli(cli, generated[name], "france-travail")
    if name != "lheo-no-ft":
        assert report.valid, report.diagnostics[:3]


def test_english_and_deny_warnings_equal_cli(cli):
    report = same_as_cli(cli, FIXTURES / "invalide.xml", "lheo", lang="en")
    assert not report.valid
    path = FIXTURES / "france-travail" / "FT-SESSION-MODALITE.xml"
    warned = same_as_cli(cli, path, "france-travail")
    assert warned.valid and warned.counts["warning"] >= 1
    assert not same_as_cli(cli, path, "france-travail", deny_warnings=True).valid


def test_workbook_equal_cli(cli, tmp_path):
    xlsx = tmp_path / "exemple.xlsx"
    lheo.export_xlsx(FIXTURES / "exemple.xml", xlsx)
    report = same_as_cli(cli, xlsx, "lheo")
    assert report.valid


def test_report_of_the_readme():
    path = FIXTURES / "france-travail" / "FT-RDV-PLAGE.xml"
    report = lheo.validate(path, profile="france-travail", today="2027-01-04")
    assert report.valid is False
    assert report.counts["error"] >= 1
    codes = {d.code for d in report.diagnostics}
    assert "FT-RDV-PLAGE" in codes
    d = next(d for d in report.diagnostics if d.code == "FT-RDV-PLAGE")
    assert d.severity == "error" and d.line > 0 and d.column > 0
    assert d.path.startswith("/lheo/offres/formation[1]/action[1]/session[")
    assert "FT-RDV-PLAGE" in repr(d) and str(d) == d.message


def test_inputs_and_today():
    path = FIXTURES / "france-travail" / "FT-RDV-PASSE.xml"
    data = path.read_bytes()
    by_path = lheo.validate(path, "france-travail", today=datetime.date(2027, 1, 4))
    assert by_path.to_dict() == lheo.validate(str(path), "france-travail", today=TODAY).to_dict()
    by_bytes = lheo.validate(data, "france-travail", today=TODAY)
    assert by_bytes.file == "<bytes>"
    assert by_bytes.diagnostics[0].to_dict() == by_path.diagnostics[0].to_dict()
    named = lheo.validate(io.BytesIO(data), "france-travail", today=TODAY, name="flux.xml")
    assert named.file == "flux.xml"
    assert named.counts == by_path.counts
    # The date rules follow `today`.
    assert lheo.validate(path, "france-travail", today="2020-01-01").counts != by_path.counts


def test_not_well_formed_is_a_finding_not_an_exception():
    report = lheo.validate(b"<lheo xmlns='http://lheo.gouv.fr/2.3'><offres>")
    assert not report.valid
    assert report.diagnostics[0].code == "XML-MALFORME"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(profile="inconnu"), ValueError),
        (dict(today="04/01/2027"), ValueError),
        (dict(today=20270104), TypeError),
        (dict(lang="de"), ValueError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        lheo.validate(FIXTURES / "minimal.xml", **kwargs)


def test_gzip_equal_cli(cli, tmp_path):
    import gzip

    packed = tmp_path / "invalide.xml.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "invalide.xml").read_bytes()))
    report = same_as_cli(cli, packed, "lheo")
    plain = lheo.validate(FIXTURES / "invalide.xml", today=TODAY)
    assert [d.to_dict() for d in report.diagnostics] == [d.to_dict() for d in plain.diagnostics]


def test_files_lheo_does_not_read_are_refused_with_what_they_are():
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.validate(b"numero;intitule\nF1;x\n", name="offres.csv")
    assert str(e.value).startswith("« offres.csv » est ")
    assert "CSV" in str(e.value)
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.validate(b"<html><body/></html>", lang="en")
    assert str(e.value).startswith('"<bytes>" is ')


@pytest.mark.parametrize("rentree", [2026, 2027])
def test_parcoursup_rentree_equal_cli(cli, rentree):
    folder = FIXTURES / "parcoursup"
    if "parcoursup" not in {r["profile"] for r in lheo.rules()}:
        pytest.fail("the parcoursup profile is missing from lheo.rules()")
    for path in sorted(folder.glob("*.xml")):
        same_as_cli(cli, path, "parcoursup", rentree=rentree)
