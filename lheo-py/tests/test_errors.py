"""Bad input raises LheoError (or TypeError/ValueError for bad arguments), never crashes the
interpreter; the GIL is released while Rust works."""

import io
import os
import subprocess
import sys
import textwrap

import pytest

import lheo
from conftest import FIXTURES

FUNCTIONS = {
    "iter_formations": lambda src: list(lheo.iter_formations(src)),
    "iter_records": lambda src: list(lheo.iter_records(src)),
    "read": lambda src: lheo.read(src),
}

HOSTILE = {
    "empty": b"",
    "spaces": b"   \n",
    "not xml": b"numero;intitule\nF1;x\n",
    "truncated": (FIXTURES / "exemple.xml").read_bytes()[:3000],
    "not lheo": b"<html><body/></html>",
    "lheo 1.3": b'<lheo xmlns="http://www.lheo.org/1.3.0"><offres/></lheo>',
    "bad encoding": b'<?xml version="1.0" encoding="klingon"?><lheo/>',
    "entities": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>&b;</offres></lheo>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<lheo xmlns="http://lheo.gouv.fr/2.3">&x;</lheo>',
    "deep": b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation>'
    + b"<extras>" * 100_000
    + b"</extras>" * 100_000
    + b"</formation></offres></lheo>",
    "binary": bytes(range(256)) * 4,
    "gzip garbage": b"\x1f\x8b\x08\x00garbage",
    "zip garbage": b"PK\x03\x04" + b"\x00" * 100,
}


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_hostile_input_raises_lheo_error(function, name):
    with pytest.raises(lheo.LheoError) as e:
        FUNCTIONS[function](HOSTILE[name])
    error = e.value
    assert error.message and str(error) == error.message
    assert error.file == "<bytes>"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_validate_reports_what_it_cannot_read(name):
    try:
        report = lheo.validate(HOSTILE[name])
    except lheo.UnreadableInputError:
        return
    assert not report.valid
    assert report.counts["error"] >= 1


def test_error_classes():
    assert issubclass(lheo.LheoError, Exception)
    assert issubclass(lheo.UnreadableInputError, lheo.LheoError)
    assert issubclass(lheo.InvalidDataError, lheo.LheoError)


def test_missing_file(tmp_path):
    missing = tmp_path / "absent.xml"
    for function in [lheo.read, lheo.validate, lambda p: list(lheo.iter_formations(p))]:
        with pytest.raises(lheo.UnreadableInputError) as e:
            function(missing)
        assert str(e.value) == f"impossible de lire « {missing} » : fichier introuvable"
        assert e.value.file == str(missing)
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.read(missing, lang="en")
    assert str(e.value) == f'cannot read "{missing}": file not found'
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.read(tmp_path)
    assert "dossier" in str(e.value)


def test_malformed_xml_has_its_place():
    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.read(b'<lheo xmlns="http://lheo.gouv.fr/2.3">\n<offres>\n</lheo>')
    assert e.value.code == "XML-MALFORME"
    assert e.value.line == 3
    assert str(e.value).startswith("« <bytes> » : ligne 3, colonne")


def test_text_mode_file_object(tmp_path):
    with open(FIXTURES / "exemple.xml", encoding="utf-8") as f:
        with pytest.raises(lheo.UnreadableInputError) as e:
            lheo.read(f)
    assert "binaire" in str(e.value)


def test_file_object_that_fails():
    class Failing(io.RawIOBase):
        def read(self, n=-1):
            raise OSError("disque débranché")

    with pytest.raises(lheo.UnreadableInputError) as e:
        lheo.validate(Failing())
    assert "disque débranché" in str(e.value)


@pytest.mark.parametrize("value", [42, None, 1.5, ["a.xml"], object()])
def test_wrong_argument_types(value):
    with pytest.raises(TypeError):
        lheo.read(value)
    with pytest.raises(TypeError):
        lheo.validate(value)


def test_a_panic_is_an_lheo_error():
    with pytest.raises(lheo.LheoError) as e:
        lheo._panic()
    assert "erreur interne de lheo" in str(e.value)
    # The interpreter goes on.
    assert lheo.validate(FIXTURES / "minimal.xml").valid


def test_an_iterator_after_its_end():
    it = lheo.iter_formations(HOSTILE["truncated"])
    with pytest.raises(lheo.UnreadableInputError):
        list(it)
    assert list(it) == []


def run_python(code, timeout=120):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        timeout=timeout,
        cwd=os.path.dirname(__file__),
    )


def test_mutated_feeds_never_crash_the_interpreter():
    # A crash (abort, segfault) kills the child: its exit status says so.
    done = run_python(
        f"""
        import random, lheo
        data = open({str(FIXTURES / "exemple.xml")!r}, "rb").read()
        rng = random.Random(7)
        outcomes = set()
        for i in range(300):
            b = bytearray(data)
            for _ in range(rng.randint(1, 20)):
                at = rng.randrange(len(b))
                op = rng.random()
                if op < 0.4:
                    b[at] = rng.randrange(256)
                elif op < 0.7:
                    del b[at : at + rng.randint(1, 200)]
                else:
                    b[at:at] = rng.choice([b"<", b">", b"&", b"</a>", b"<extras>", b"\\xc3", b'"'])
            b = bytes(b)
            for f in (lambda: list(lheo.iter_records(b)), lambda: lheo.read(b),
                      lambda: lheo.write(lheo.read(b))):
                try:
                    f()
                    outcomes.add("ok")
                except lheo.LheoError:
                    outcomes.add("error")
            try:
                assert isinstance(lheo.validate(b).valid, bool)
            except lheo.UnreadableInputError:
                outcomes.add("error")
        print(sorted(outcomes))
        """
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.strip() == b"['error', 'ok']"


def test_the_gil_is_released_while_rust_waits(tmp_path):
    # validate and iter_formations block in Rust on a FIFO that only the main thread
    # writes: with the GIL held by the worker, the main thread could never run.
    fifo = tmp_path / "flux.fifo"
    os.mkfifo(fifo)
    done = run_python(
        f"""
        import threading, lheo
        data = open({str(FIXTURES / "exemple.xml")!r}, "rb").read()
        results = []
        for job in (lambda p: lheo.validate(p).valid,
                    lambda p: len(list(lheo.iter_formations(p))),
                    lambda p: len(lheo.read(p)["lheo"]["offres"]["formation"])):
            worker = threading.Thread(target=lambda: results.append(job({str(fifo)!r})))
            worker.start()
            with open({str(fifo)!r}, "wb") as f:
                f.write(data)
            worker.join()
        print(results)
        """,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.strip() == b"[True, 2, 2]"
