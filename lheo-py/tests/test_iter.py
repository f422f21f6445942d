"""iter_formations / iter_records against an lxml reading of the same files, and the dict
shape: a repeatable element is always a list."""

import io
import pathlib

import pytest
from lxml import etree

import lheo
from conftest import LHEO_NAMESPACES, corpus_files, corpus_path, fixture_files, ids


def lxml_reading(path, record="formation", parent="offres"):
    """(root namespace, number of `record` elements under `parent`, the first one's
    @numero), read by lxml."""
    namespace, count, first = None, 0, None
    for event, el in etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True
    ):
        q = etree.QName(el)
        if event == "start":
            if namespace is None:
                namespace = q.namespace
            continue
        up = el.getparent()
        if q.localname == record and q.namespace == namespace and up is not None:
            if etree.QName(up).localname == parent:
                count += 1
                if first is None:
                    first = el.get("numero")
    return namespace, count, first


def check_against_lxml(path):
    namespace, count, first = lxml_reading(path)
    if namespace not in LHEO_NAMESPACES:
        # Refused with the sentence that says what the file is (EDOF, LHEO 1.x…).
        with pytest.raises(lheo.UnreadableInputError) as e:
            list(lheo.iter_formations(path))
        assert "LHEO" in str(e.value)
        return
    formations = drain(lheo.iter_formations(path))
    assert len(formations) == count
    if lheo.validate(path, "xsd").valid:
        assert all(isinstance(f, dict) for f in formations)
    if count and isinstance(formations[0], dict):
        assert formations[0].get("@numero") == first


def drain(iterator):
    """Every item, a record that does not fit the model as its InvalidDataError."""
    items = []
    while True:
        try:
            items.append(next(iterator))
        except StopIteration:
            return items
        except lheo.InvalidDataError as e:
            items.append(e)


@pytest.mark.parametrize("path", fixture_files(), ids=ids(fixture_files()))
def test_iter_formations_fixtures_equal_lxml(path):
    check_against_lxml(path)


@pytest.mark.parametrize("path", corpus_files(), ids=ids(corpus_files()))
def test_iter_formations_corpus_equal_lxml(path):
    check_against_lxml(corpus_path(path))


@pytest.mark.parametrize("name", ["lheo-300", "lheo-no-ft", "lheo-plus", "lheo-index"])
def test_iter_formations_generated_equal_lxml(generated, name):
    check_against_lxml(generated[name])


def test_generated_counts(generated):
    assert sum(1 for _ in lheo.iter_formations(generated["lheo-300"])) == 300
    _, resumes, first = lxml_reading(generated["lheo-index"], "resume-offre", "resumes-offres")
    names = [name for name, _ in lheo.iter_records(generated["lheo-index"])]
    assert names.count("resume-offre") == resumes == 40
    assert list(lheo.iter_formations(generated["lheo-index"])) == []


def test_iter_records_lheo_plus(generated):
    path = generated["lheo-plus"]
    records = list(lheo.iter_records(path))
    names = {name for name, _ in records}
    assert "formation" in names
    _, count, _ = lxml_reading(path)
    assert [n for n, _ in records].count("formation") == count
    for name, record in records:
        assert isinstance(name, str) and isinstance(record, dict)


def test_every_input_kind_gives_the_same_records():
    path = lheo_fixture = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "exemple.xml"
    data = path.read_bytes()
    expected = list(lheo.iter_formations(str(path)))
    assert list(lheo.iter_formations(path)) == expected
    assert list(lheo.iter_formations(data)) == expected
    assert list(lheo.iter_formations(bytearray(data))) == expected
    assert list(lheo.iter_formations(io.BytesIO(data))) == expected
    with open(lheo_fixture, "rb") as f:
        assert list(lheo.iter_formations(f)) == expected


def test_documented_shape():
    path = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "exemple.xml"
    f = next(iter(lheo.iter_formations(path)))
    assert f["@numero"] == "28_F0012034"
    assert isinstance(f["intitule-formation"], str)
    # Repeatable elements are lists even with one item.
    assert isinstance(f["action"], list)
    session = f["action"][0]["session"][0]
    assert isinstance(f["action"][0]["session"], list)
    assert set(session["periode"]) == {"debut", "fin"}
    assert len(session["periode"]["debut"]) == 8
    # A simple element with attributes: {"#text", "@ref"}.
    code = f["domaine-formation"]["code-FORMACODE"][0]
    assert set(code) >= {"#text", "@ref"}
    # Dictionary codes stay codes; lheo.label gives the French label.
    assert f["certifiante"] in ("0", "1")
    assert lheo.label("dict-boolean", f["certifiante"]) in ("non", "oui")


def kinds(value, parent, seen):
    """Records, for every (parent, key), whether the value was a list or not."""
    if isinstance(value, dict):
        for key, child in value.items():
            seen.setdefault((parent, key), set()).add(isinstance(child, list))
            items = child if isinstance(child, list) else [child]
            for item in items:
                kinds(item, key, seen)


def shapes_of(path):
    seen = {}
    for name, record in lheo.iter_records(path):
        kinds(record, name, seen)
    return seen


def test_a_repeatable_element_is_always_a_list(generated):
    seen = {}
    for path in list(generated.values()) + fixture_files():
        try:
            for key, found in shapes_of(path).items():
                seen.setdefault(key, set()).update(found)
        except lheo.InvalidDataError:
            continue
    mixed = {k: v for k, v in seen.items() if len(v) > 1}
    assert not mixed, mixed
    # And the elements the schema lets repeat are lists.
    for key in [("formation", "action"), ("action", "session"), ("adresse", "ligne")]:
        if key in seen:
            assert seen[key] == {True}, key


def test_a_bad_record_raises_and_the_iteration_goes_on():
    data = (pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "exemple.xml").read_bytes()
    # Two formations; the first loses its required intitule-formation.
    start = data.index(b"<intitule-formation>")
    end = data.index(b"</intitule-formation>") + len(b"</intitule-formation>")
    broken = data[:start] + data[end:]
    results = drain(lheo.iter_formations(broken))
    assert len(results) == 2
    assert isinstance(results[0], lheo.InvalidDataError)
    assert "élément obligatoire manquant" in str(results[0])
    assert results[0].line == 11
    assert results[1]["@numero"] == "52_F0003187"


def test_gzip_and_workbooks_read_like_the_feed(tmp_path):
    import gzip

    path = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "exemple.xml"
    expected = list(lheo.iter_formations(path))
    packed = tmp_path / "exemple.xml.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert list(lheo.iter_formations(packed)) == expected
    assert list(lheo.iter_formations(packed.read_bytes())) == expected
    xlsx = tmp_path / "exemple.xlsx"
    lheo.export_xlsx(path, xlsx)
    assert list(lheo.iter_formations(xlsx)) == expected


def test_a_truncated_gzip_archive():
    import gzip

    path = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "exemple.xml"
    packed = gzip.compress(path.read_bytes())
    with pytest.raises(lheo.UnreadableInputError) as e:
        list(lheo.iter_formations(packed[: len(packed) // 2]))
    assert "gzip" in str(e.value)
