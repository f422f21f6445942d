"""LHEO 2.3 for Python: read training-offer feeds as dicts, validate them (XSD, LHEO,
France Travail, Carif-Oref, Parcoursup rules), write, convert, compare.

Built on the Rust crate ``lheo``. Every function that works on a feed releases the GIL while
Rust works; a bug of lheo raises ``LheoError``, it never crashes the interpreter.

Inputs are a path (``str`` or ``os.PathLike``), ``bytes``/``bytearray``, or a binary file
object (``open(path, "rb")``, ``io.BytesIO``), recognised by their content (gzip read
through, workbooks). Outputs are a path, written atomically (a temporary file renamed at the end; nothing is left behind on error,
the input is never overwritten), or a binary file object.
"""

import datetime
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any, Literal, Optional, Union, final, overload

__all__ = [
    "LHEO_VERSION",
    "Diagnostic",
    "InvalidDataError",
    "LheoError",
    "RecordIterator",
    "Referentiels",
    "Report",
    "UnreadableInputError",
    "convert",
    "dictionaries",
    "dictionary",
    "diff",
    "export_xlsx",
    "generate",
    "import_xlsx",
    "iter_formations",
    "iter_records",
    "label",
    "read",
    "rules",
    "validate",
    "write",
    "__version__",
    "_panic",
]

__version__: str
"""The version of the package."""
LHEO_VERSION: str
"""The LHEO version written by ``write`` and ``convert``: ``"2.3"``."""

_Source = Union[str, "os.PathLike[str]", bytes, bytearray, IO[bytes]]
_Dest = Union[str, "os.PathLike[str]", IO[bytes]]
_Profile = Literal["xsd", "lheo", "france-travail", "carif", "parcoursup"]
_Lang = Literal["fr", "en"]
_Today = Union[datetime.date, str, None]
_Path = Union[str, "os.PathLike[str]"]
_Referentiels = Union["Referentiels", _Path, Iterable[_Path], None]
_Element = dict[str, Any]
"""An element in the package's dict shape (see the README): attributes as ``"@name"``,
children by name, a child the schema lets repeat always a ``list``, a simple element a
``str`` or ``{"#text": ..., "@ref": ...}``."""
_Document = dict[str, _Element]
"""A whole document: ``{root: element}`` with root ``lheo``, ``lheo-index`` or
``lheo-plus``."""

class LheoError(Exception):
    """Base class of the errors of lheo.

    ``str(error)`` and ``message`` are the message, in French unless ``lang="en"`` was given.
    """

    message: str
    """The message, in the language asked for."""
    code: Optional[str]
    """The stable code of the finding that stopped the work (``XML-MALFORME``...), or None."""
    line: Optional[int]
    """1-based line, when the error is at a place of an XML input."""
    column: Optional[int]
    """1-based column, when the error is at a place of an XML input."""
    sheet: Optional[str]
    """The sheet, when the error is at a cell of a workbook."""
    cell: Optional[str]
    """The cell (``B2``), when the error is at a cell of a workbook."""
    file: Optional[str]
    """The input's name, when known."""
    diagnostics: list["Diagnostic"]
    """Every finding behind the error (empty when there is only the message)."""

class UnreadableInputError(LheoError):
    """The input cannot be read: a missing or unreadable file, XML that is not well formed,
    an encoding lheo cannot decode, a safety limit (depth, text size, DTD and entities), or
    a file that is neither an LHEO 2.0–2.3 feed nor an lheo workbook."""

class InvalidDataError(LheoError):
    """The data does not fit LHEO: a dict ``write`` cannot take (``path`` says where), a
    record that does not fit the model, or a feed with errors where a valid one is needed
    (``convert``, ``import_xlsx``: ``report`` has every finding)."""

    report: Optional["Report"]
    """The whole report, when the error comes from one."""
    path: Optional[str]
    """The element path of the value ``write`` refused."""

@final
class Diagnostic:
    """One finding of a validation."""

    code: str
    """The rule's stable code (``FT-RDV-PLAGE``); ``lheo.rules()`` lists them."""
    severity: Literal["error", "warning", "info"]
    message: str
    """The message, in the language asked for."""
    line: Optional[int]
    """1-based line, for a finding in XML."""
    column: Optional[int]
    """1-based column (in bytes), for a finding in XML."""
    sheet: Optional[str]
    """The sheet, for a finding in a workbook."""
    cell: Optional[str]
    """The cell, for a finding in a workbook."""
    path: Optional[str]
    """The element path, e.g. ``/lheo/offres/formation[1]/action[1]/session[2]``."""
    record: Optional[dict[str, Any]]
    """The record (offer) the finding belongs to, as in the JSON report, when known."""
    def to_dict(self) -> dict[str, Any]:
        """The finding as in ``lheo validate --format json``."""

@final
class Report:
    """A validation report of one input."""

    @property
    def valid(self) -> bool:
        """True when the input passes: no error (and no warning with ``deny_warnings``)."""
    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity: ``{"error": n, "warning": n, "info": n}``."""
    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding, sorted by position (a new list each time)."""
    @property
    def profile(self) -> Optional[str]:
        """The profile used."""
    @property
    def version(self) -> Optional[str]:
        """The LHEO version of the input (``"2.3"``, ``"2.2"``...), None when not LHEO 2.x."""
    @property
    def file(self) -> Optional[str]:
        """The input's name (the path as given, ``<bytes>`` for bytes)."""
    def to_dict(self) -> dict[str, Any]:
        """The document ``lheo validate --format json`` prints for this file (the entry of
        its ``files`` list)."""
    def __len__(self) -> int:
        """The number of findings."""

@final
class Referentiels:
    """The official referentials (RNCP and RS with their blocs, ROME 4.0, Certif Info, NSF)
    loaded from their files as downloaded, zipped or not, recognised by content and name
    (like ``lheo referentiels PATH...``). Give it as ``referentiels=`` to ``validate``,
    ``convert`` or ``import_xlsx``: load once, check many feeds. A file that is not a
    referential lheo knows raises ``UnreadableInputError``."""

    def __init__(self, paths: Union[_Path, Iterable[_Path]], *, lang: _Lang = "fr") -> None: ...
    @property
    def sources(self) -> list[dict[str, Any]]:
        """What each file gave, as ``lheo referentiels --format json`` lists it: ``kind``,
        ``format``, ``files``, ``date``, ``version``, ``entries``, ``active``, ``blocs``,
        ``bytes``, ``used`` (False for an older edition a newer one replaced),
        ``superseded_by``."""

@final
class RecordIterator(Iterator[Any]):
    """The records of a feed, one at a time (see ``iter_formations``, ``iter_records``)."""

    def __iter__(self) -> "RecordIterator": ...
    def __next__(self) -> Any: ...

def validate(
    source: _Source,
    profile: _Profile = "lheo",
    *,
    today: _Today = None,
    rentree: Optional[int] = None,
    referentiels: _Referentiels = None,
    lang: _Lang = "fr",
    deny_warnings: bool = False,
    name: Optional[str] = None,
) -> Report:
    """Validates a feed (LHEO 2.0–2.3 XML, gzip or not, or an lheo workbook) with a profile.

    ``today``: the date of the date rules (default the local date). ``rentree``: the year of
    the rentrée the ``parcoursup`` profile checks (sessions from 1 August of that year).
    ``referentiels``: a ``Referentiels``, or the path(s) of referential files loaded for this
    call, to check codes against (the ``REF-*`` rules, with any profile; ``to_dict()`` then
    lists them under ``"referentiels"``). ``name``: the file name in the report (default the
    path as given). A document that is not well formed or not
    LHEO gives a report with that finding; an input that cannot be read at all (a missing
    file) raises ``UnreadableInputError``.
    """

def iter_formations(source: _Source, *, lang: _Lang = "fr") -> Iterator[_Element]:
    """The ``formation`` elements of a feed, one dict at a time: memory holds one record,
    whatever the size of the feed. A record that does not fit LHEO raises
    ``InvalidDataError`` (the iteration may go on); a feed that cannot be read further
    raises ``UnreadableInputError`` and ends."""

def iter_records(source: _Source, *, lang: _Lang = "fr") -> Iterator[tuple[str, _Element]]:
    """Every record of a feed as ``(element name, dict)``: ``formation``, ``resume-offre``,
    ``resume-organisme``, ``organisme-formation-responsable``."""

def read(source: _Source, *, lang: _Lang = "fr") -> _Document:
    """A whole document (LHEO 2.0–2.3 of any root, or an lheo workbook) as
    ``{root: dict}``. For large feeds, use ``iter_formations``."""

@overload
def write(doc: _Document, dest: None = None, *, lang: _Lang = "fr") -> bytes:
    """Writes a document ``{root: dict}`` (the shape ``read`` gives) as LHEO 2.3 to
    ``dest``, or returns the bytes when ``dest`` is None. Raises ``InvalidDataError`` (with
    ``path``, and ``diagnostics``) when the dict does not fit LHEO."""

@overload
def write(doc: _Document, dest: _Dest, *, lang: _Lang = "fr") -> None: ...

def convert(
    source: _Source,
    dest: _Dest,
    *,
    profile: _Profile = "lheo",
    today: _Today = None,
    rentree: Optional[int] = None,
    referentiels: _Referentiels = None,
    lang: _Lang = "fr",
) -> Report:
    """Converts a feed (LHEO 2.0–2.3 XML or an lheo workbook) to LHEO 2.3, like
    ``lheo import``: written only when it has no error (else ``InvalidDataError`` with the
    report, and no file). Returns the report (warnings included). ``profile``, ``today``,
    ``rentree``, ``referentiels``: as for ``validate``."""

def import_xlsx(
    source: _Source,
    dest: _Dest,
    *,
    profile: _Profile = "lheo",
    today: _Today = None,
    rentree: Optional[int] = None,
    referentiels: _Referentiels = None,
    lang: _Lang = "fr",
) -> Report:
    """Imports an lheo workbook (xlsx, xls, ods) as LHEO 2.3 XML, like ``lheo import``:
    refused (``InvalidDataError``, nothing written) when it has errors, each at its cell."""

def export_xlsx(source: _Source, dest: _Dest, *, lang: _Lang = "fr") -> int:
    """Exports a feed as an lheo workbook (``.xlsx``), like ``lheo export``, streaming.
    Returns the number of records written."""

def diff(
    old: _Source,
    new: _Source,
    *,
    ignore: list[str] = ...,
    exact_whitespace: bool = False,
    lang: _Lang = "fr",
) -> dict[str, Any]:
    """The document ``lheo diff --format json`` prints: ``{"old", "new", "changes",
    "summary"}``. ``ignore``: element or attribute names (or paths) left out."""

def rules(profile: Optional[_Profile] = None, *, lang: _Lang = "fr") -> list[dict[str, str]]:
    """The rule catalogue as ``lheo rules --format json`` lists it: ``{"code", "profile",
    "severity", "description"}``, for every rule or those a profile checks."""

def label(dictionary: str, code: str) -> Optional[str]:
    """The French label of ``code`` in a dictionary (``"dict-modalite-recrutement"`` or
    ``"modalite-recrutement"``); None when the code is not in it. ``ValueError`` for an
    unknown dictionary."""

def dictionaries() -> dict[str, str]:
    """The dictionaries: ``{name: French name}``."""

def dictionary(name: str) -> dict[str, str]:
    """The codes of a dictionary with their French labels: ``{code: label}``."""

@overload
def generate(
    formations: int,
    dest: None = None,
    *,
    seed: int = 0,
    root: Literal["lheo", "lheo-index", "lheo-plus"] = "lheo",
    today: _Today = None,
    france_travail: bool = True,
) -> bytes:
    """A synthetic LHEO 2.3 feed, valid (XSD, LHEO and France Travail rules): the bytes, or
    for a ``dest`` what was written (``formations``, ``actions``, ``sessions``,
    ``recrutements``, ``bytes``). The same arguments give the same bytes."""

@overload
def generate(
    formations: int,
    dest: _Dest,
    *,
    seed: int = 0,
    root: Literal["lheo", "lheo-index", "lheo-plus"] = "lheo",
    today: _Today = None,
    france_travail: bool = True,
) -> dict[str, int]: ...

def _panic() -> None:
    """Raises the error of a panic inside lheo (for the package's tests)."""
