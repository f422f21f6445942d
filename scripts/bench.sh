#!/usr/bin/env bash
# Benchmark suite: every lheo operation on generated feeds of 1 MB, 100 MB and 1 GB, with the
# results as a markdown table (seconds, MB/s of the XML feed, peak memory).
#
#   scripts/bench.sh [SIZE]...        SIZE: 1mb (60 formations), 100mb (6000), 1gb (60000)
#                                     (default: 1mb 100mb)
#
# For each size, best of RUNS runs of (by /usr/bin/time -f "%e %M"):
#   generate         the `generate` example writing the feed (the writer path)
#   read             the `read_feed` example: every formation read into the model (its one line
#                    per formation goes to /dev/null)
#   validate P       lheo validate --quiet --profile P --today 2026-01-01, for P = xsd, lheo,
#                    france-travail, carif and parcoursup
#   xmllint          xmllint --noout --stream --schema ../shared/lheo/lheo-2.3.xsd, on the same
#                    feed in the same run (skipped, with the reason, without xmllint or the XSD);
#                    the notes under the table give the xmllint / lheo xsd ratios
#   export, import   lheo export FEED -o X.xlsx, then lheo import X.xlsx -o Y.xml (profile lheo);
#                    skipped for 1gb unless BENCH_WORKBOOK=1 (Excel's row limits, very long)
#   diff             lheo diff --quiet FEED MUTATED, MUTATED being the feed with the mutations of
#                    scripts/bench-diff.sh (removed, changed, added and reordered formations);
#                    exit code 1 (differences) is the expected one; its summary line is in the
#                    notes (at 1mb, 60 formations, only the every-31st/41st/53rd changes apply)
#
# Environment: RUNS (default 3, 1 for 1gb), BENCH_WORKBOOK=1 (export/import at 1gb too).
#
# Feeds are generated with --seed 1 --today 2026-01-01 (deterministic) and kept under
# target/bench-feeds/ as bench-SIZE.xml, with bench-SIZE-mutated.xml, bench-SIZE.xlsx and
# bench-SIZE-imported.xml; they are reused by later runs (the timed generate runs write a scratch
# file that replaces the feed only when its bytes differ, and the mutated copy is remade only
# when older than the feed). 1gb needs about 3 GB free on disk (4 GB with BENCH_WORKBOOK=1).
# Release binaries are built once, first. The table is printed and written to
# target/bench-feeds/bench-DATE-TIME.md, with the core count and the machine load (uptime) at
# start and end: results depend on them, so compare runs made on a quiet machine.
#
# Columns: MB/s is the XML feed size (10^6 bytes) over the seconds, for every operation (import
# too, although it reads the workbook); peak MB is the maximum resident set size of the fastest
# run (10^6 bytes). /usr/bin/time counts hundredths of a second: at 1mb most operations take a
# few of them, so MB/s there is coarse ("—" below the resolution).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  sed -n '2,/^set -euo pipefail$/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 0
fi

dir=target/bench-feeds
xsd=../shared/lheo/lheo-2.3.xsd
seed=1
today=2026-01-01
lheo=./target/release/lheo
gen=./target/release/examples/generate
read_feed=./target/release/examples/read_feed

# formations SIZE: the formation count of a size name (about 17 KB per formation).
formations() {
  case $1 in
    1mb) echo 60 ;;
    100mb) echo 6000 ;;
    1gb) echo 60000 ;;
    *) return 1 ;;
  esac
}

if [ $# -eq 0 ]; then
  set -- 1mb 100mb
fi
for size in "$@"; do
  if ! formations "$size" >/dev/null; then
    echo "bench.sh: unknown size « $size » (1mb, 100mb or 1gb)" >&2
    exit 2
  fi
done
if [ -n "${RUNS:-}" ] && ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
  echo "bench.sh: RUNS must be a positive integer, not « $RUNS »" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench.sh: /usr/bin/time (GNU time) is needed" >&2
  exit 2
fi

started=$(date '+%F %T %Z')
cores=$(nproc)
load_start=$(uptime)
echo "lheo benchmark suite, $started, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "nproc: $cores"
echo "uptime:$load_start"
echo "sizes: $*"

cargo build --release -q --bin lheo --example generate --example read_feed
mkdir -p "$dir"
timing=$(mktemp "$dir/.bench-time.XXXXXX")
errlog=$(mktemp "$dir/.bench-stderr.XXXXXX")
diffout=$(mktemp "$dir/.bench-diff.XXXXXX")
trap 'rm -f "$timing" "$errlog" "$diffout"' EXIT

rows=()    # markdown table rows
notes=()   # lines under the table
failures=0

# measure OK_CODES OUT CMD...: runs CMD $runs times, its output to OUT and its errors to $errlog,
# and sets $result to "seconds peak_kb" of the fastest run. Returns 1, with $exit_code set and
# the end of the errors shown, as soon as a run exits with a code not in OK_CODES.
measure() {
  local ok=$1 out=$2 best="" line i rc
  shift 2
  for ((i = 1; i <= runs; i++)); do
    rc=0
    /usr/bin/time -f "%e %M" -o "$timing" "$@" >"$out" 2>"$errlog" || rc=$?
    if [[ " $ok " != *" $rc "* ]]; then
      exit_code=$rc
      echo "    $* : exit code $rc (expected $ok)" >&2
      tail -n 5 "$errlog" | sed 's/^/      /' >&2
      return 1
    fi
    line=$(tail -n 1 "$timing")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best=$line
    fi
  done
  result=$best
}

# row OPERATION: adds the table row of $result for the current size.
row() {
  local s=${result%% *} kb=${result##* } rate peak
  rate=$(awk -v m="$mb" -v s="$s" 'BEGIN { if (s > 0) printf "%.1f", m / s; else printf "—" }')
  peak=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }')
  rows+=("| $size | $1 | $s | $rate | $peak |")
  printf '  %-28s %8s s %10s MB/s %10s MB peak\n' "$1" "$s" "$rate" "$peak"
}

# failed OPERATION: adds the row of a run that exited with an unexpected code.
failed() {
  rows+=("| $size | $1 | failed (exit code $exit_code) | | |")
  printf '  %-28s failed (exit code %s)\n' "$1" "$exit_code"
  failures=$((failures + 1))
}

# skipped OPERATION REASON: adds the row and the note of an operation not run.
skipped() {
  rows+=("| $size | $1 | skipped | | |")
  notes+=("$size, $1: skipped, $2")
  printf '  %-28s skipped: %s\n' "$1" "$2"
}

# mutate OLD NEW: writes the mutated copy of OLD (scripts/mutate-feed.awk, as bench-diff.sh).
mutate() {
  awk -f scripts/mutate-feed.awk "$1" > "$2"
}

have_xmllint=""
if ! command -v xmllint >/dev/null; then
  xmllint_missing="xmllint is not installed (libxml2-utils)"
elif [ ! -f "$xsd" ]; then
  xmllint_missing="$xsd is absent"
else
  have_xmllint=1
  xmllint_missing=""
fi

for size in "$@"; do
  n=$(formations "$size")
  if [ -n "${RUNS:-}" ]; then
    runs=$RUNS
  elif [ "$size" = 1gb ]; then
    runs=1
  else
    runs=3
  fi
  feed="$dir/bench-$size.xml"
  mutated="$dir/bench-$size-mutated.xml"
  workbook="$dir/bench-$size.xlsx"
  imported="$dir/bench-$size-imported.xml"
  echo
  echo "== $size: $n formations, best of $runs run(s)"

  # generate: the timed runs write a scratch file, which becomes the feed if the feed is absent
  # or differs (so an unchanged feed, and its mutated copy, are reused).
  scratch="$dir/.bench-$size.xml.tmp"
  if ! measure 0 /dev/null "$gen" --formations "$n" --seed "$seed" --today "$today" -q -o "$scratch"; then
    rm -f "$scratch"
    failed generate
    notes+=("$size: generate failed, nothing else measured")
    continue
  fi
  if [ -s "$feed" ] && cmp -s "$scratch" "$feed"; then
    rm -f "$scratch"
  else
    mv -f "$scratch" "$feed"
  fi
  bytes=$(stat -c %s "$feed")
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')
  notes+=("$size: $feed, $mb MB, $n formations, best of $runs run(s)")
  echo "  feed: $feed ($mb MB)"
  row generate

  if measure 0 /dev/null "$read_feed" "$feed"; then row read; else failed read; fi

  xsd_result=""
  for profile in xsd lheo france-travail carif parcoursup; do
    if measure 0 /dev/null "$lheo" validate --quiet --profile "$profile" --today "$today" "$feed"; then
      row "validate $profile"
      if [ "$profile" = xsd ]; then xsd_result=$result; fi
    else
      failed "validate $profile"
    fi
  done
  if [ -n "$have_xmllint" ]; then
    if measure 0 /dev/null xmllint --noout --stream --schema "$xsd" "$feed"; then
      row "xmllint --stream --schema"
      if [ -n "$xsd_result" ]; then
        notes+=("$size: xmllint / lheo validate --profile xsd: $(awk -v x="$result" -v l="$xsd_result" 'BEGIN {
          split(x, a, " "); split(l, b, " ")
          printf "%s× the time (%s s / %s s), %.2f× the peak memory", (b[1] > 0 ? sprintf("%.2f", a[1] / b[1]) : "—"), a[1], b[1], a[2] / b[2]
        }')")
      fi
    else
      failed "xmllint --stream --schema"
    fi
  else
    skipped "xmllint --stream --schema" "$xmllint_missing"
  fi

  if [ "$size" = 1gb ] && [ "${BENCH_WORKBOOK:-}" != 1 ]; then
    skipped export "Excel row limits and very long at 1 GB (BENCH_WORKBOOK=1 to run it)"
    skipped import "no workbook (export skipped)"
  elif measure 0 /dev/null "$lheo" export "$feed" -o "$workbook"; then
    row export
    notes+=("$size: workbook $workbook, $(awk -v b="$(stat -c %s "$workbook")" 'BEGIN { printf "%.2f", b / 1e6 }') MB")
    if measure 0 /dev/null "$lheo" import "$workbook" -o "$imported"; then row import; else failed import; fi
  else
    failed export
    skipped import "no workbook (export failed)"
  fi

  if [ ! -s "$mutated" ] || [ ! "$mutated" -nt "$feed" ]; then
    mutate "$feed" "$mutated.tmp"
    mv -f "$mutated.tmp" "$mutated"
  fi
  if measure 1 "$diffout" "$lheo" diff --quiet "$feed" "$mutated"; then
    row diff
    notes+=("$size: diff: $(tail -n 1 "$diffout")")
  else
    failed diff
  fi
done

load_end=$(uptime)
report="$dir/bench-$(date +%F-%H%M%S).md"
{
  echo "# lheo benchmarks, $started"
  echo
  echo "- commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- lheo lheo-cli examples 2>/dev/null || echo ' (with uncommitted changes)'), $(rustc --version)"
  echo "- nproc: $cores"
  echo "- uptime at start:$load_start"
  echo "- uptime at end:$load_end"
  if [ -n "$have_xmllint" ]; then
    echo "- $(xmllint --version 2>&1 | head -n 1)"
  fi
  echo
  echo "| size | operation | seconds | MB/s | peak MB |"
  echo "|---|---|--:|--:|--:|"
  printf '%s\n' "${rows[@]}"
  echo
  for note in "${notes[@]}"; do
    echo "- $note"
  done
} > "$report"

echo
cat "$report"
echo
echo "written to $report"
if [ "$failures" -gt 0 ]; then
  echo "bench.sh: $failures operation(s) failed" >&2
  exit 1
fi
