#!/bin/sh
# Fills the seed corpus of every fuzz target (fuzz/corpus/<target>/, not versioned) from the
# fixtures: the XML feeds as they are, and for the workbook target the same feeds exported
# to .xlsx plus the empty template (with the `lheo` binary of the workspace). Run from
# anywhere; running it again keeps what the fuzzers added.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
fixtures="$root/fixtures"
for target in validate roundtrip france_travail carif export; do
    mkdir -p "$here/corpus/$target"
    find "$fixtures" -name '*.xml' -exec cp {} "$here/corpus/$target/" \;
done
# The diff target: the same feeds, after a header that cuts nothing out of the second side.
mkdir -p "$here/corpus/diff"
find "$fixtures" -name '*.xml' | while read -r feed; do
    { printf '\000\000\000\000'; cat "$feed"; } > "$here/corpus/diff/$(basename "$feed")"
done
# The parallel and convert targets: the same feeds, after one byte that sets the chunk size
# (32 bytes).
for target in parallel convert; do
    mkdir -p "$here/corpus/$target"
    find "$fixtures" -name '*.xml' | while read -r feed; do
        { printf '\037'; cat "$feed"; } > "$here/corpus/$target/$(basename "$feed")"
    done
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
# The convert target converts workbooks too: the same workbooks, after the chunk-size byte.
for book in "$here"/corpus/workbook/*.xlsx; do
    { printf '\037'; cat "$book"; } > "$here/corpus/convert/$(basename "$book")"
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
# The workbook_cells target: a format byte (0 xlsx, 1 ods, 2 xls) then one sheet's body.
mkdir -p "$here/corpus/workbook_cells"
printf '\000<row r="1"><c r="A1" t="inlineStr"><is><t>@numero</t></is></c><c r="B1" t="s"><v>1</v></c></row><row r="2" spans="1:2"><c r="A2"><f>1+1</f><v>2</v></c><c><v>3</v></c></row>' > "$here/corpus/workbook_cells/xlsx"
printf '\001<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3" office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p></table:table-cell><table:table-cell/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>' > "$here/corpus/workbook_cells/ods"
printf '\002\000\002\016\000\000\000\000\000\000\000\000\000\000\000\000\000\001\000\000\000\000\000\003\002\016\000\001\000\001\000\000\000\000\000\000\000\000\000\360\077' > "$here/corpus/workbook_cells/xls"
# The referentiels target: a file name, a line feed, then the file; the samples of the real
# referentials (../shared/referentiels, beside the checkout, where present).
shared="$root/../shared/referentiels"
if [ -d "$shared" ]; then
    mkdir -p "$here/corpus/referentiels"
    find "$shared" -type f ! -name '*.md' | while read -r file; do
        name=$(basename "$file")
        { printf '%s\n' "$name"; cat "$file"; } > "$here/corpus/referentiels/$name"
    done
else
    echo "seed.sh: $shared absent, no seed for the referentiels target" >&2
fi
