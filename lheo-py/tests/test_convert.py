"""convert, export_xlsx, import_xlsx: like `lheo import` / `lheo export`."""

import io
import subprocess

import pytest

import lheo
from conftest import FIXTURES, cli_path, need


def test_convert_2_2_to_2_3_equals_lheo_import(tmp_path):
    source = FIXTURES / "exemple-2.2.xml"
    out = tmp_path / "flux-2.3.xml"
    report = lheo.convert(source, out)
    assert report.valid and report.version == "2.2"
    xml = out.read_bytes()
    assert b'xmlns="http://lheo.gouv.fr/2.3"' in xml
    assert lheo.read(out) == lheo.read(source)
    assert oct(out.stat().st_mode & 0o777) == oct(0o644 & ~current_umask())
    cli = cli_path()
    need(cli is not None, "the lheo CLI is not built (cargo build -p lheo-cli)")
    by_cli = tmp_path / "cli.xml"
    done = subprocess.run([cli, "import", str(source), "-o", str(by_cli)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert xml == by_cli.read_bytes()


def current_umask():
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_convert_refuses_an_invalid_feed_and_writes_nothing(tmp_path):
    out = tmp_path / "sortie.xml"
    with pytest.raises(lheo.InvalidDataError) as e:
        lheo.convert(FIXTURES / "invalide.xml", out)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    error = e.value
    assert "conversion refusée, aucun fichier écrit" in str(error)
    assert "6 erreurs" in str(error)
    assert error.report is not None and not error.report.valid
    assert [d.code for d in error.diagnostics] == [d.code for d in error.report.diagnostics]
    assert error.code == "XSD-CODE" and error.line == 20


def test_convert_profile_and_existing_output_kept_on_failure(tmp_path):
    out = tmp_path / "sortie.xml"
    out.write_bytes(b"ancien contenu")
    path = FIXTURES / "france-travail" / "FT-RDV-PLAGE.xml"
    lheo.convert(path, out, profile="lheo", today="2027-01-04")
    assert out.read_bytes() != b"ancien contenu"
    out.write_bytes(b"ancien contenu")
    with pytest.raises(lheo.InvalidDataError):
        lheo.convert(path, out, profile="france-travail", today="2027-01-04")
    assert out.read_bytes() == b"ancien contenu"


def test_convert_never_overwrites_its_input(tmp_path):
    source = tmp_path / "flux.xml"
    source.write_bytes((FIXTURES / "exemple-2.2.xml").read_bytes())
    with pytest.raises(lheo.LheoError) as e:
        lheo.convert(source, source)
    assert "entrée" in str(e.value)
    assert source.read_bytes() == (FIXTURES / "exemple-2.2.xml").read_bytes()


def test_convert_to_a_file_object():
    buffer = io.BytesIO()
    lheo.convert((FIXTURES / "exemple.xml").read_bytes(), buffer)
    assert lheo.read(buffer.getvalue()) == lheo.read(FIXTURES / "exemple.xml")


def test_workbook_round_trip(tmp_path, generated):
    for source in [FIXTURES / "exemple.xml", generated["lheo-no-ft"]]:
        xlsx = tmp_path / f"{source.stem}.xlsx"
        records = lheo.export_xlsx(source, xlsx)
        assert records == len(list(lheo.iter_records(source)))
        assert xlsx.read_bytes()[:4] == b"PK\x03\x04"
        back = tmp_path / f"{source.stem}-retour.xml"
        report = lheo.import_xlsx(xlsx, back)
        assert report.valid
        assert lheo.read(back) == lheo.read(source)
        # A workbook reads as the document it holds.
        assert lheo.read(xlsx) == lheo.read(source)


def test_export_equals_lheo_export(tmp_path):
    cli = cli_path()
    need(cli is not None, "the lheo CLI is not built (cargo build -p lheo-cli)")
    ours, theirs = tmp_path / "py.xlsx", tmp_path / "cli.xlsx"
    lheo.export_xlsx(FIXTURES / "exemple.xml", ours)
    done = subprocess.run(
        [cli, "export", str(FIXTURES / "exemple.xml"), "-o", str(theirs)], capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    assert lheo.read(ours) == lheo.read(theirs)


def test_export_to_a_file_object():
    buffer = io.BytesIO()
    assert lheo.export_xlsx(FIXTURES / "exemple.xml", buffer) == 2
    assert lheo.read(buffer.getvalue()) == lheo.read(FIXTURES / "exemple.xml")


def test_import_xlsx_refuses_xml(tmp_path):
    with pytest.raises(lheo.UnreadableInputError):
        lheo.import_xlsx(FIXTURES / "exemple.xml", tmp_path / "x.xml")
    assert list(tmp_path.iterdir()) == []


def test_import_xlsx_refuses_a_workbook_with_errors(tmp_path):
    try:
        import openpyxl
    except ImportError:
        openpyxl = None
    need(openpyxl is not None, "openpyxl (pip install openpyxl) edits the workbook")
    xlsx = tmp_path / "exemple.xlsx"
    lheo.export_xlsx(FIXTURES / "exemple.xml", xlsx)
    book = openpyxl.load_workbook(xlsx)
    sheet = book["formation"]
    column = [c.value for c in sheet[1]].index("certifiante") + 1
    sheet.cell(row=2, column=column, value="peut-être")
    book.save(xlsx)
    with pytest.raises(lheo.InvalidDataError) as e:
        lheo.import_xlsx(xlsx, tmp_path / "x.xml")
    assert e.value.sheet == "formation" and e.value.cell
    assert not (tmp_path / "x.xml").exists()


def test_export_xlsx_refuses_a_workbook(tmp_path):
    xlsx = tmp_path / "exemple.xlsx"
    lheo.export_xlsx(FIXTURES / "exemple.xml", xlsx)
    with pytest.raises(lheo.UnreadableInputError):
        lheo.export_xlsx(xlsx, tmp_path / "encore.xlsx")
    assert not (tmp_path / "encore.xlsx").exists()
