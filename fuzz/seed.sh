#!/bin/sh
# Fills the seed corpus of every fuzz target (fuzz/corpus/<target>/, not versioned) from the
# fixtures: the XML feeds as they are, and for the workbook target the same feeds exported
# to .xlsx plus the empty template (with the `lheo` binary of the workspace). Run from
# anywhere; running it again keeps what the fuzzers added.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
fixtures="$root/fixtures"
for target in validate roundtrip france_travail carif; do
    mkdir -p "$here/corpus/$target"
    find "$fixtures" -name '*.xml' -exec cp {} "$here/corpus/$target/" \;
done
# The parallel target: the same feeds, after one byte that sets the chunk size (32 bytes).
mkdir -p "$here/corpus/parallel"
find "$fixtures" -name '*.xml' | while read -r feed; do
    { printf '\037'; cat "$feed"; } > "$here/corpus/parallel/$(basename "$feed")"
done
mkdir -p "$here/corpus/workbook"
(cd "$root" && cargo build -q --release -p lheo-cli)
lheo="${CARGO_TARGET_DIR:-$root/target}/release/lheo"
"$lheo" template -o "$here/corpus/workbook/modele.xlsx" >/dev/null
for feed in "$fixtures"/*.xml "$fixtures"/france-travail/*.xml; do
    name=$(basename "$feed" .xml)
    # Feeds with errors are not exported: that is expected, they are skipped.
    "$lheo" export "$feed" -o "$here/corpus/workbook/$name.xlsx" >/dev/null 2>&1 || true
done
# The workbook_parts target: the same workbooks as lists of parts (see its source).
mkdir -p "$here/corpus/workbook_parts"
python3 - "$here/corpus/workbook" "$here/corpus/workbook_parts" <<'PY'
import pathlib, re, sys, zipfile
source, target = map(pathlib.Path, sys.argv[1:])
# Header notes (comments and their drawings), the theme and the properties are left out:
# the reader does not need them, and smaller inputs fuzz faster.
skipped = re.compile(r"xl/(drawings/|comments|worksheets/_rels/|theme/)|docProps/")
for book in source.glob("*.xlsx"):
    with zipfile.ZipFile(book) as z:
        names = [n for n in z.namelist() if not skipped.match(n)]
        parts = [name.encode() + b"\n" + z.read(name) for name in names]
    (target / (book.stem + ".parts")).write_bytes(b"\n--lheo-part--\n".join(parts))
PY
