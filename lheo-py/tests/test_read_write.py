"""read → write → read identity, write's refusals, and write's bytes equal to `lheo import`."""

import copy
import io
import subprocess

import pytest

import lheo
from conftest import (
    FIXTURES,
    LHEO_NAMESPACES,
    cli_path,
    corpus_files,
    corpus_path,
    fixture_files,
    ids,
    need,
)
from test_iter import lxml_reading


def xsd_errors(path):
    """The codes of the errors the XSD profile finds, but the root's namespace (LHEO 2.0 to
    2.2 are read as 2.3)."""
    report = lheo.validate(path, "xsd")
    return {d.code for d in report.diagnostics if d.severity == "error"} - {"XSD-RACINE"}


def check_identity(path):
    namespace, _, _ = lxml_reading(path)
    if namespace not in LHEO_NAMESPACES:
        with pytest.raises(lheo.UnreadableInputError):
            lheo.read(path)
        return
    errors = xsd_errors(path)
    try:
        doc = lheo.read(path)
    except lheo.InvalidDataError as e:
        # Only a document the XSD refuses may be refused.
        assert errors, e
        return
    xml = lheo.write(doc)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    again = lheo.read(xml)
    assert again == doc
    # LHEO 2.3 written: a fixed point.
    assert lheo.write(again) == xml
    if not errors:
        assert lheo.validate(xml, "xsd").valid


@pytest.mark.parametrize("path", fixture_files(), ids=ids(fixture_files()))
def test_identity_fixtures(path):
    check_identity(path)


@pytest.mark.parametrize("path", corpus_files(), ids=ids(corpus_files()))
def test_identity_corpus(path):
    check_identity(corpus_path(path))


@pytest.mark.parametrize("name", ["lheo-300", "lheo-no-ft", "lheo-plus", "lheo-index"])
def test_identity_generated(generated, name):
    check_identity(generated[name])


def test_read_then_write_equals_lheo_import(tmp_path):
    cli = cli_path()
    need(cli is not None, "the lheo CLI is not built (cargo build -p lheo-cli)")
    for path in [FIXTURES / "exemple.xml", FIXTURES / "exemple-2.2.xml"]:
        out = tmp_path / f"{path.stem}.xml"
        done = subprocess.run([cli, "import", str(path), "-o", str(out)], capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        assert lheo.write(lheo.read(path)) == out.read_bytes()


def test_write_destinations(tmp_path):
    doc = lheo.read(FIXTURES / "exemple.xml")
    expected = lheo.write(doc)
    target = tmp_path / "sortie.xml"
    assert lheo.write(doc, target) is None
    assert target.read_bytes() == expected
    lheo.write(doc, str(tmp_path / "s2.xml"))
    assert (tmp_path / "s2.xml").read_bytes() == expected
    buffer = io.BytesIO()
    lheo.write(doc, buffer)
    assert buffer.getvalue() == expected


def test_key_order_does_not_matter():
    doc = lheo.read(FIXTURES / "exemple.xml")
    formation = doc["lheo"]["offres"]["formation"][0]
    reordered = dict(reversed(list(formation.items())))
    doc2 = copy.deepcopy(doc)
    doc2["lheo"]["offres"]["formation"][0] = reordered
    assert lheo.write(doc2) == lheo.write(doc)


def a_doc():
    return lheo.read(FIXTURES / "exemple.xml")


def refused(doc, lang="fr"):
    with pytest.raises(lheo.InvalidDataError) as e:
        lheo.write(doc, lang=lang)
    return e.value


def test_write_refuses_an_unknown_key():
    doc = a_doc()
    doc["lheo"]["offres"]["formation"][0]["intitule"] = "x"
    e = refused(doc)
    assert "« intitule » n'est pas un élément de « formation »" in str(e)
    assert e.path == "/lheo/offres/formation[1]"
    e = refused(doc, lang="en")
    assert '"intitule" is not an element of "formation"' in str(e)


def test_write_refuses_a_single_value_where_a_list_is_expected():
    doc = a_doc()
    f = doc["lheo"]["offres"]["formation"][0]
    f["action"] = f["action"][0]
    e = refused(doc)
    assert "une liste est attendue" in str(e)
    assert e.path == "/lheo/offres/formation[1]"


def test_write_refuses_a_list_where_one_value_is_expected():
    doc = a_doc()
    f = doc["lheo"]["offres"]["formation"][0]
    f["intitule-formation"] = [f["intitule-formation"]]
    assert "pas une liste" in str(refused(doc))


def test_write_refuses_what_the_schema_refuses():
    doc = a_doc()
    doc["lheo"]["offres"]["formation"][0]["certifiante"] = "oui"
    e = refused(doc)
    assert [d.code for d in e.diagnostics] == ["XSD-CODE"]
    assert e.diagnostics[0].path == "/lheo/offres/formation[1]/certifiante"
    doc = a_doc()
    del doc["lheo"]["offres"]["formation"][1]["intitule-formation"]
    e = refused(doc)
    assert "XSD-ELEMENT-MANQUANT" in {d.code for d in e.diagnostics}


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {},
        {"lheo": {}, "autre": {}},
        {"html": {}},
        {"lheo": "texte"},
        {"lheo": {"offres": {"formation": [{"intitule-formation": "a\x01b"}]}}},
        {"lheo": {"offres": {"formation": [{"@inconnu": "1"}]}}},
        {"lheo": {"offres": {"formation": [{1: "x"}]}}},
        {"lheo": {"offres": {"formation": [{"extras": [{"extra": [{"#name": "1x"}]}]}]}}},
    ],
)
def test_write_refuses_dicts_that_do_not_fit(doc, tmp_path):
    target = tmp_path / "non-ecrit.xml"
    with pytest.raises(lheo.InvalidDataError):
        lheo.write(doc, target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_extras_survive():
    # The Intercarif export's trailing extras, and extras with nested elements.
    xml = (FIXTURES / "exemple.xml").read_bytes()
    extras = (
        b'<extras info="essai"><extra info="a">texte &amp; plus</extra>'
        b'<extras><extra><b xmlns="urn:x" c="1">gras<i/></b> fin</extra></extras>'
        b"<extra>deux</extra></extras>"
    )
    xml = xml.replace(b"</offres>", b"</offres>" + extras, 1)
    assert lheo.validate(xml, "xsd").valid
    doc = lheo.read(xml)
    assert lheo.read(lheo.write(doc)) == doc
    assert doc["lheo"]["extras"][0]["#order"] == ["extra", "extras", "extra"]
