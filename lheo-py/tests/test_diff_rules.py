"""diff equal to `lheo diff --format json`, rules equal to `lheo rules --format json`, and
the dictionaries."""

import pytest

import lheo
from conftest import FIXTURES, corpus_files, corpus_path


def test_diff_equals_cli(cli):
    old, new = FIXTURES / "exemple.xml", FIXTURES / "exemple-2.2.xml"
    changes = lheo.diff(str(old), str(new))
    assert changes == cli("diff", "--format", "json", str(old), str(new))
    assert changes["summary"] == {"added": 1, "removed": 2, "changed": 0}


def test_diff_of_an_edited_feed_equals_cli(cli, generated, tmp_path):
    old = generated["lheo-300"]
    doc = lheo.read(old)
    formation = doc["lheo"]["offres"]["formation"][7]
    formation["intitule-formation"] = "Nouvel intitulé"
    del doc["lheo"]["offres"]["formation"][3]
    new = tmp_path / "nouveau.xml"
    lheo.write(doc, new)
    changes = lheo.diff(str(old), str(new))
    assert changes == cli("diff", "--format", "json", str(old), str(new))
    assert changes["summary"]["removed"] == 1 and changes["summary"]["changed"] >= 1
    changed = [c for c in changes["changes"] if c["kind"] == "changed"]
    assert changed[0]["key"] == formation["@numero"]
    # Ignored, the title changes no more.
    ignoring = lheo.diff(str(old), str(new), ignore=["intitule-formation"])
    assert ignoring == cli(
        "diff", "--format", "json", "--ignore", "intitule-formation", str(old), str(new)
    )
    assert ignoring["summary"]["changed"] == changes["summary"]["changed"] - 1


def test_diff_of_the_same_feed_is_empty(generated):
    data = generated["lheo-plus"].read_bytes()
    changes = lheo.diff(generated["lheo-plus"], data)
    assert changes["changes"] == []
    assert changes["summary"] == {"added": 0, "removed": 0, "changed": 0}
    assert changes["new"] == "<bytes>"


@pytest.mark.parametrize("path", corpus_files()[:4])
def test_diff_corpus_against_itself_rewritten(path, tmp_path):
    path = corpus_path(path)
    try:
        doc = lheo.read(path)
    except lheo.LheoError:
        return
    rewritten = tmp_path / "reecrit.xml"
    lheo.write(doc, rewritten)
    assert lheo.diff(path, rewritten)["changes"] == []


def test_diff_bad_ignore_pattern():
    with pytest.raises((lheo.LheoError, ValueError)):
        lheo.diff(FIXTURES / "exemple.xml", FIXTURES / "exemple.xml", ignore=[""])


@pytest.mark.parametrize("profile", [None, "xsd", "lheo", "france-travail"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_rules_equal_cli(cli, profile, lang):
    args = ["rules", "--format", "json", "--lang", lang]
    if profile:
        args += ["--profile", profile]
    assert lheo.rules(profile, lang=lang) == cli(*args)["rules"]


def test_rules_profiles_include_each_other():
    xsd = {r["code"] for r in lheo.rules("xsd")}
    lheo_rules = {r["code"] for r in lheo.rules("lheo")}
    ft = {r["code"] for r in lheo.rules("france-travail")}
    assert xsd < lheo_rules < ft
    assert "FT-RDV-PLAGE" in ft and "FT-RDV-PLAGE" not in lheo_rules
    with pytest.raises(ValueError):
        lheo.rules("inconnu")


def test_labels():
    assert lheo.label("dict-modalite-recrutement", "7") is not None
    assert lheo.label("modalite-recrutement", "7") == lheo.label("dict-modalite-recrutement", "7")
    assert lheo.label("dict-boolean", "1") == "oui"
    assert lheo.label("dict-boolean", "9") is None
    with pytest.raises(ValueError):
        lheo.label("dict-inconnu", "1")
    names = lheo.dictionaries()
    assert "dict-modalite-recrutement" in names
    codes = lheo.dictionary("dict-boolean")
    assert codes == {"0": "non", "1": "oui"}
    for name in names:
        for code, label in lheo.dictionary(name).items():
            assert lheo.label(name, code) == label


def test_generate_is_deterministic(tmp_path):
    a = lheo.generate(5, seed=9, today="2027-01-04")
    assert a == lheo.generate(5, seed=9, today="2027-01-04")
    assert a != lheo.generate(5, seed=10, today="2027-01-04")
    summary = lheo.generate(5, tmp_path / "g.xml", seed=9, today="2027-01-04")
    assert summary["formations"] == 5 and summary["bytes"] == len(a)
    assert (tmp_path / "g.xml").read_bytes() == a
    with pytest.raises(ValueError):
        lheo.generate(1, root="autre")
