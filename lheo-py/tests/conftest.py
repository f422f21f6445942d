"""Shared test material: the repository's fixtures, generated feeds, the real corpus in
../shared/corpus/real/ and the `lheo` command-line tool (the oracle of the JSON documents).

What is absent (../shared, the CLI binary) skips with a printed reason, and fails instead
when LHEO_REQUIRE_ORACLE=1 (as in CI).
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

import lheo

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
SHARED = pathlib.Path(os.environ.get("LHEO_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "real"
REQUIRE = os.environ.get("LHEO_REQUIRE_ORACLE") == "1"
TODAY = "2027-01-04"

# Root namespaces of LHEO 2.0 to 2.3, which lheo reads.
LHEO_NAMESPACES = {
    "http://lheo.gouv.fr/2.3",
    "http://www.lheo.org/2.2",
    "http://www.lheo.org/2.1",
    "http://www.lheo.org/2.0",
}


def need(present, reason):
    """Skips the test (with `reason`) unless `present`; fails under LHEO_REQUIRE_ORACLE=1."""
    if present:
        return
    if REQUIRE:
        pytest.fail(f"{reason} (LHEO_REQUIRE_ORACLE=1: required)")
    print(f"skipped: {reason}")
    pytest.skip(reason)


def fixture_files():
    """Every XML fixture of the repository."""
    return sorted(p for p in FIXTURES.rglob("*.xml"))


def corpus_files():
    """Every XML file of the real corpus (legacy 1.3 and non-LHEO files included), or a
    single None that makes the test skip when ../shared is absent."""
    if not CORPUS.is_dir():
        return [None]
    return sorted(CORPUS.rglob("*.xml"))


def ids(paths):
    """Test ids: the file name, with its folder when in a subfolder."""
    return [
        "absent"
        if p is None
        else p.name
        if p.parent in (FIXTURES, CORPUS)
        else f"{p.parent.name}/{p.name}"
        for p in paths
    ]


def corpus_path(path):
    need(path is not None, f"the real corpus {CORPUS} is absent")
    return path


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Generated feeds: {name: path}, for each root, with and without the France Travail
    rules."""
    folder = tmp_path_factory.mktemp("generated")
    feeds = {}
    for name, kwargs in {
        "lheo-300": dict(formations=300, seed=3),
        "lheo-no-ft": dict(formations=50, seed=4, france_travail=False),
        "lheo-plus": dict(formations=40, seed=5, root="lheo-plus"),
        "lheo-index": dict(formations=40, seed=6, root="lheo-index"),
    }.items():
        path = folder / f"{name}.xml"
        lheo.generate(dest=path, today=TODAY, **kwargs)
        feeds[name] = path
    return feeds


def cli_path():
    """The `lheo` binary: $LHEO_CLI, else the workspace's target/{debug,release}/lheo, else
    `lheo` on the PATH."""
    candidates = [os.environ.get("LHEO_CLI")]
    candidates += [str(REPO / "target" / kind / "lheo") for kind in ("debug", "release")]
    candidates.append(shutil.which("lheo"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI and returns its parsed JSON output (any exit code but 2)."""
    path = cli_path()
    need(path is not None, "the lheo CLI is not built (cargo build -p lheo-cli) nor LHEO_CLI set")

    def run(*args, refusal=False, cwd=REPO):
        """The parsed JSON output; with `refusal`, None and the stderr line when the CLI
        refuses the input (exit 2). Relative paths are from `cwd`."""
        done = subprocess.run([path, *map(str, args)], capture_output=True, cwd=cwd)
        if refusal and done.returncode == 2:
            return None, done.stderr.decode().strip()
        assert done.returncode in (0, 1), done.stderr.decode()
        output = json.loads(done.stdout)
        return (output, None) if refusal else output

    return run
