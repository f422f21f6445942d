#!/usr/bin/env bash
# Benchmark suite: every lheo command on one generated feed, against `lheo validate --profile
# xsd` and `xmllint --stream --schema` on the same feed in the same run (issue 18's table):
# seconds, MB/s of the XML feed, peak memory, the two ratios and the target of each row.
#
#   scripts/bench.sh [SIZE]...     SIZE: 10mb (600 formations), 100mb (6000), 1gb (60000), or
#                                  a number of formations: 13000 is issue 18's feed (224 MB)
#                                  (default: 10mb, a quick run of a minute or two)
#
# For each size, best of RUNS runs of (by /usr/bin/time -f "%e %M"):
#   generate         the `generate` example writing the feed (the writer path)
#   read             the `read_feed` example: every formation read into the model
#   validate P       lheo validate --quiet --profile P --today 2026-01-01, for P = xsd, lheo,
#                    france-travail, carif and parcoursup (default threads)
#   xmllint          xmllint --noout --stream --schema ../shared/lheo/lheo-2.3.xsd (skipped,
#                    with the reason, without xmllint or the XSD)
#   import xml       lheo import FEED -o X.xml (profile lheo: checks and converts, one pass)
#   export           lheo export FEED -o X.xlsx
#   export floor     the `xlsx_floor` example: the export's cells written again by
#                    rust_xlsxwriter alone, as the export writes them (constant memory, deflate
#                    level 2), on 1 and on 2 threads, after reading them into memory; only the
#                    writing and saving are timed (the example's own clock; no peak memory): what
#                    any export through that library costs at least
#   import xlsx      lheo import --trust-workbook X.xlsx -o Y.xml (profile lheo; the flag lifts
#                    the budgets that refuse a workbook of more than about 1 000 offers)
#   diff             lheo diff --quiet FEED MUTATED, MUTATED being the feed mutated by
#                    scripts/mutate-feed.awk (removed, changed, added and reordered formations);
#                    exit code 1 (differences) is the expected one
# then the throughput benchmark (`cargo bench -p lheo --bench throughput -- FEED`): a bare
# quick-xml event loop against `validate --profile xsd` on one thread, same bytes, one run.
#
# With BENCH_FLAT=N (a number of formations, e.g. 60000 for about 1 GB), each profile also
# validates a feed of N formations piped from the generator (`generate | lheo validate -`: no
# file on disk), to measure peak memory at that size (the time includes the generator's); with
# BENCH_WORKBOOK=1 too, that feed is exported (`generate | lheo export -`) and the workbook
# imported (`lheo import --trust-workbook`), for the import's peak memory at that size; then
# the same workbook with the rows of its formation, session and attributs sheets reversed
# (`examples/reorder_workbook.rs`: out of the export's order, it is joined by keys sorted on
# disk) is imported too.
#
# Each size ends with ROUNDS (default 5) interleaved rounds of the ratio targets (`validate`
# with each profile, `import`, `export` and its floor, the workbook's `import`, `diff`,
# xmllint in turn; medians under the table).
#
# Environment: LHEO (the lheo binary to measure, default ./target/release/lheo: another build,
# e.g. of an older commit, copied aside), RUNS (default 3, 1 from 13000 formations up), BENCH_WORKBOOK=1 (export and imports at 1gb
# too: Excel's row limits and very long otherwise), BENCH_FLAT (above), BENCH_KEEP=1 (keep the
# generated feeds; by default each size's feeds are deleted once measured: disk is precious).
#
# Feeds are generated with --seed 1 --today 2026-01-01 (deterministic) under target/bench-feeds/
# as bench-SIZE.xml, with bench-SIZE-mutated.xml, bench-SIZE.xlsx, bench-SIZE-imported.xml and
# bench-SIZE-converted.xml. Release binaries are built once, first. The table is printed and
# written to target/bench-feeds/bench-DATE-TIME.md, with the machine (CPU, cores, memory), the
# load (uptime) at start and end: timings depend on them, so compare ratios taken in one run.
#
# Columns: MB/s is the XML feed size (10^6 bytes) over the seconds, for every operation (the
# xlsx import too, although it reads the workbook); peak MB is the maximum resident set size of
# the fastest run (10^6 bytes); "vs xsd" and "vs xmllint" are the time over the time of
# `validate --profile xsd` and of xmllint in the same run; "target" is issue 18's, with
# "met" or "NOT met".
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
lheo=${LHEO:-./target/release/lheo}
gen=./target/release/examples/generate
reorder=./target/release/examples/reorder_workbook
floor=./target/release/examples/xlsx_floor
read_feed=./target/release/examples/read_feed

# formations SIZE: the formation count of a size name (about 17.2 KB per formation).
formations() {
  case $1 in
    10mb) echo 600 ;;
    100mb) echo 6000 ;;
    1gb) echo 60000 ;;
    *) [[ $1 =~ ^[1-9][0-9]*$ ]] && echo "$1" || return 1 ;;
  esac
}

if [ $# -eq 0 ]; then
  set -- 10mb
fi
for size in "$@"; do
  if ! formations "$size" >/dev/null; then
    echo "bench.sh: unknown size « $size » (10mb, 100mb, 1gb or a number of formations)" >&2
    exit 2
  fi
done
for var in RUNS BENCH_FLAT; do
  if [ -n "${!var:-}" ] && ! [[ ${!var} =~ ^[1-9][0-9]*$ ]]; then
    echo "bench.sh: $var must be a positive integer, not « ${!var} »" >&2
    exit 2
  fi
done
if [ ! -x /usr/bin/time ]; then
  echo "bench.sh: /usr/bin/time (GNU time) is needed" >&2
  exit 2
fi

started=$(date -u '+%F %T UTC')
cores=$(nproc)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo '?')
memory=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '?')
load_start=$(uptime)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
echo "lheo benchmark suite, $started, commit $commit"
echo "machine: $cpu, $cores cores, $memory"
echo "uptime:$load_start"
echo "sizes: $*"

cargo build --release -q --bin lheo --example generate --example read_feed --example reorder_workbook --example xlsx_floor
cargo bench -q -p lheo --bench throughput --no-run 2>/dev/null
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
    # The output of the previous run is removed first: replacing a large file costs the file
    # system its blocks (0.12 s for 224 MB on ext4 with `discard`), which is not the command's work.
    [ -n "${fresh:-}" ] && rm -f "$fresh"
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

# Per size: the operations measured, in order, with "seconds peak_kb" (or "failed N" or
# "skipped REASON"); the table is written once every row is known (the ratios need the xsd
# and xmllint rows).
ops=()
declare -A res

# floor_seconds THREADS: runs the `xlsx_floor` example once on $workbook and prints the
# seconds it gives for writing and saving; fails with its exit code (1 when it gives none).
floor_seconds() {
  local secs rc=0
  "$floor" "$workbook" "$floor_out" "$1" >"$diffout" 2>"$errlog" || rc=$?
  rm -f "$floor_out"
  [ $rc = 0 ] || return $rc
  secs=$(sed -n 's/.*total \([0-9.]*\) s.*/\1/p' "$diffout")
  [ -n "$secs" ] || return 1
  echo "$secs"
}

# measure_floor THREADS: the best of $runs runs of the `xlsx_floor` example on $workbook (the
# seconds it prints for writing and saving), as $result ("seconds 0": no peak memory).
measure_floor() {
  local best="" secs i
  for ((i = 1; i <= runs; i++)); do
    secs=$(floor_seconds "$1") || { exit_code=$?; return 1; }
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$secs
    fi
  done
  result="$best 0"
}

# record OPERATION: keeps $result for OPERATION and prints it.
record() {
  ops+=("$1")
  res[$1]=$result
  local s=${result%% *} kb=${result##* }
  printf '  %-26s %8s s %10s MB peak\n' "$1" "$s" "$(awk -v kb="$kb" 'BEGIN { if (kb > 0) printf "%.1f", kb * 1024 / 1e6; else printf "—" }')"
}

# failed OPERATION: an operation that exited with an unexpected code.
failed() {
  ops+=("$1")
  res[$1]="failed $exit_code"
  printf '  %-26s failed (exit code %s)\n' "$1" "$exit_code"
  failures=$((failures + 1))
}

# skipped OPERATION REASON: an operation not run.
skipped() {
  ops+=("$1")
  res[$1]="skipped"
  notes+=("$size, $1: skipped, $2")
  printf '  %-26s skipped: %s\n' "$1" "$2"
}

# ratio A B: the time of operation A over the time of operation B ("" if either is missing).
ratio() {
  local a=${res[$1]:-} b=${res[$2]:-}
  [[ $a =~ ^[0-9.]+\ [0-9]+$ && $b =~ ^[0-9.]+\ [0-9]+$ ]] || return 0
  awk -v a="${a%% *}" -v b="${b%% *}" 'BEGIN { if (b > 0) printf "%.2f", a / b }'
}

# target OPERATION: issue 18's target for OPERATION, with whether this run meets it.
target() {
  local op=$1 r limit text peak
  case $op in
    "validate xsd") r=$(ratio "$op" xmllint); limit=0.25; text="≤ 0.25× xmllint" ;;
    "validate "*) r=$(ratio "$op" "validate xsd"); limit=1.3; text="≤ 1.3× xsd" ;;
    "import xml") r=$(ratio "$op" "validate lheo"); limit=1.5; text="≤ 1.5× validate lheo" ;;
    export | diff) r=$(ratio "$op" "validate xsd"); limit=2.5; text="≤ 2.5× xsd" ;;
    "import xlsx") r=$(ratio "$op" export); limit=1.5; text="≤ 1.5× export, ≤ 100 MB" ;;
    "export floor"*) echo "the least of any export through rust_xlsxwriter"; return 0 ;;
    *) return 0 ;;
  esac
  [ -n "$r" ] || { echo "$text"; return 0; }
  local ok=1
  awk -v r="$r" -v l="$limit" 'BEGIN { exit !(r <= l) }' || ok=0
  if [ "$op" = "import xlsx" ]; then
    peak=${res[$op]##* }
    [ "$peak" -le $((100 * 1000 * 1000 / 1024)) ] || ok=0
  fi
  if [ $ok = 1 ]; then echo "$text: met ($r×)"; else echo "$text: NOT met ($r×)"; fi
}

# table_rows: the markdown rows of the current size.
table_rows() {
  local op s kb rate peak
  for op in "${ops[@]}"; do
    case ${res[$op]} in
      failed*) rows+=("| $size | $op | failed (exit code ${res[$op]#failed }) | | | | | |"); continue ;;
      skipped) rows+=("| $size | $op | skipped | | | | | |"); continue ;;
    esac
    s=${res[$op]%% *} kb=${res[$op]##* }
    rate=$(awk -v m="$mb" -v s="$s" 'BEGIN { if (s > 0) printf "%.1f", m / s; else printf "—" }')
    peak=$(awk -v kb="$kb" 'BEGIN { if (kb > 0) printf "%.1f", kb * 1024 / 1e6 }')
    rows+=("| $size | $op | $s | $rate | $peak | $(ratio "$op" "validate xsd") | $(ratio "$op" xmllint) | $(target "$op") |")
  done
}

# interleaved: the ratio targets again, from ROUNDS (default 5) rounds that run `validate` with
# each profile, `import`, `export`, its floor (1 thread), the workbook's `import`, `diff` and
# xmllint in turn, so that a slow or fast spell of the machine falls on all of them; the
# medians and their ratios go under the table (the best of runs in a row, above, lets one
# lucky `xsd` run set every ratio).
interleaved() {
  local rounds=${ROUNDS:-5} i op rc
  local -A times=()
  local names=("${profiles[@]/#/validate }" "import xml")
  # Export and the workbook's import when the export ran (its workbook is kept for this),
  # the diff when its mutated feed is there.
  if [ -f "$workbook" ]; then
    names+=(export "export floor" "import xlsx")
  fi
  [ -f "$mutated" ] && names+=(diff)
  [ -n "$have_xmllint" ] && names+=(xmllint)
  echo "  interleaved: $rounds round(s)"
  for ((i = 1; i <= rounds; i++)); do
    for op in "${names[@]}"; do
      rc=0
      case $op in
        "validate "*) /usr/bin/time -f "%e" -o "$timing" "$lheo" validate --quiet --profile "${op#validate }" --today "$today" "$feed" >/dev/null 2>"$errlog" || rc=$? ;;
        "import xml") rm -f "$converted"; /usr/bin/time -f "%e" -o "$timing" "$lheo" import --force "$feed" -o "$converted" >/dev/null 2>"$errlog" || rc=$? ;;
        export) rm -f "$workbook"; /usr/bin/time -f "%e" -o "$timing" "$lheo" export --force "$feed" -o "$workbook" >/dev/null 2>"$errlog" || rc=$? ;;
        "export floor") floor_seconds 1 >"$timing" || rc=2 ;;
        "import xlsx") rm -f "$imported"; /usr/bin/time -f "%e" -o "$timing" "$lheo" import --force "${trust[@]}" "$workbook" -o "$imported" >/dev/null 2>"$errlog" || rc=$? ;;
        diff) /usr/bin/time -f "%e" -o "$timing" "$lheo" diff --quiet "$feed" "$mutated" >/dev/null 2>"$errlog" || rc=$? ;;
        xmllint) /usr/bin/time -f "%e" -o "$timing" xmllint --noout --stream --schema "$xsd" "$feed" >/dev/null 2>"$errlog" || rc=$? ;;
      esac
      if [ $rc -gt 1 ]; then
        echo "    $op: exit code $rc" >&2
        failures=$((failures + 1))
        return 0
      fi
      times[$op]+=" $(tail -n 1 "$timing")"
    done
  done
  rm -f "$converted" "$imported"
  local -A median=()
  for op in "${names[@]}"; do
    median[$op]=$(printf '%s\n' ${times[$op]} | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  done
  local line="" x=${median["validate xsd"]} l=${median["validate lheo"]}
  for op in "${names[@]}"; do
    case $op in
      "validate xsd") [ -n "$have_xmllint" ] && line+="; validate xsd ${median[$op]} s ($(awk -v a="$x" -v b="${median[xmllint]}" 'BEGIN { printf "%.2f", a / b }')× xmllint)" || line+="; validate xsd ${median[$op]} s" ;;
      "validate "*) line+="; $op ${median[$op]} s ($(awk -v a="${median[$op]}" -v b="$x" 'BEGIN { printf "%.2f", a / b }')× xsd)" ;;
      "import xml") line+="; import xml ${median[$op]} s ($(awk -v a="${median[$op]}" -v b="$l" 'BEGIN { printf "%.2f", a / b }')× validate lheo)" ;;
      export | diff | "export floor") line+="; $op ${median[$op]} s ($(awk -v a="${median[$op]}" -v b="$x" 'BEGIN { printf "%.2f", a / b }')× xsd)" ;;
      "import xlsx") line+="; import xlsx ${median[$op]} s ($(awk -v a="${median[$op]}" -v b="${median[export]}" 'BEGIN { printf "%.2f", a / b }')× export)" ;;
      xmllint) line+="; xmllint ${median[$op]} s" ;;
    esac
  done
  echo "   ${line#;}"
  notes+=("$size, interleaved ($rounds rounds, medians):${line#;}")
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
profiles=(xsd lheo france-travail carif parcoursup)

for size in "$@"; do
  n=$(formations "$size")
  if [ -n "${RUNS:-}" ]; then
    runs=$RUNS
  elif [ "$n" -ge 13000 ]; then
    runs=1
  else
    runs=3
  fi
  ops=()
  res=()
  feed="$dir/bench-$size.xml"
  mutated="$dir/bench-$size-mutated.xml"
  workbook="$dir/bench-$size.xlsx"
  imported="$dir/bench-$size-imported.xml"
  converted="$dir/bench-$size-converted.xml"
  echo
  echo "== $size: $n formations, best of $runs run(s)"

  if ! measure 0 /dev/null "$gen" --formations "$n" --seed "$seed" --today "$today" -q -o "$feed"; then
    failed generate
    notes+=("$size: generate failed, nothing else measured")
    continue
  fi
  bytes=$(stat -c %s "$feed")
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')
  notes+=("$size: $mb MB, $n formations, best of $runs run(s)")
  echo "  feed: $feed ($mb MB)"
  record generate

  if measure 0 /dev/null "$read_feed" "$feed"; then record read; else failed read; fi

  for profile in "${profiles[@]}"; do
    # Exit code 1: findings (the carif and parcoursup profiles find some in generated feeds).
    if measure "0 1" /dev/null "$lheo" validate --quiet --profile "$profile" --today "$today" "$feed"; then
      record "validate $profile"
    else
      failed "validate $profile"
    fi
  done
  if [ -n "$have_xmllint" ]; then
    if measure 0 /dev/null xmllint --noout --stream --schema "$xsd" "$feed"; then
      record xmllint
    else
      failed xmllint
    fi
  else
    skipped xmllint "$xmllint_missing"
  fi

  if fresh=$converted measure 0 /dev/null "$lheo" import --force "$feed" -o "$converted"; then
    record "import xml"
  else
    failed "import xml"
  fi
  rm -f "$converted"

  if [ "$n" -ge 60000 ] && [ "${BENCH_WORKBOOK:-}" != 1 ]; then
    skipped export "Excel row limits and very long at 1 GB (BENCH_WORKBOOK=1 to run it)"
    skipped "import xlsx" "no workbook (export skipped)"
  elif fresh=$workbook measure 0 /dev/null "$lheo" export --force "$feed" -o "$workbook"; then
    record export
    floor_out="$dir/bench-$size-floor.xlsx"
    for threads in 1 2; do
      if measure_floor "$threads"; then record "export floor, $threads thread(s)"; else failed "export floor, $threads thread(s)"; fi
    done
    notes+=("$size: workbook of $(awk -v b="$(stat -c %s "$workbook")" 'BEGIN { printf "%.2f", b / 1e6 }') MB")
    # The default budgets refuse a workbook of more than about 1 000 offers: this one is
    # trusted (binaries older than the flag have no budget).
    trust=()
    if "$lheo" import --help 2>/dev/null | grep -q -- --trust-workbook; then
      trust=(--trust-workbook)
    fi
    if fresh=$imported measure 0 /dev/null "$lheo" import --force "${trust[@]}" "$workbook" -o "$imported"; then
      record "import xlsx"
    else
      failed "import xlsx"
    fi
  else
    failed export
    skipped "import xlsx" "no workbook (export failed)"
    rm -f "$workbook"
  fi
  rm -f "$imported"

  awk -f scripts/mutate-feed.awk "$feed" > "$mutated"
  if measure 1 "$diffout" "$lheo" diff --quiet "$feed" "$mutated"; then
    record diff
    notes+=("$size: diff: $(tail -n 1 "$diffout")")
  else
    failed diff
    rm -f "$mutated"
  fi

  echo "  throughput (cargo bench -p lheo --bench throughput):"
  if cargo bench -q -p lheo --bench throughput -- "$PWD/$feed" "$runs" >"$diffout" 2>"$errlog"; then
    sed 's/^/    /' "$diffout"
    notes+=("$size, throughput benchmark (bytes in memory, best of $runs): $(sed -n '3,$p' "$diffout" | awk '{ $1 = $1; print }' | paste -sd ';' | sed 's/;/; /g')")
  else
    echo "    failed" >&2
    tail -n 5 "$errlog" | sed 's/^/      /' >&2
    failures=$((failures + 1))
  fi

  interleaved
  rm -f "$workbook" "$mutated"
  table_rows
  [ "${BENCH_KEEP:-}" = 1 ] || rm -f "$feed"
done

if [ -n "${BENCH_FLAT:-}" ]; then
  echo
  echo "== flat memory: $BENCH_FLAT formations piped from the generator"
  runs=1
  size="${BENCH_FLAT} piped"
  for profile in "${profiles[@]}"; do
    rc=0
    "$gen" --formations "$BENCH_FLAT" --seed "$seed" --today "$today" -q |
      /usr/bin/time -f "%e %M" -o "$timing" "$lheo" validate --quiet --profile "$profile" --today "$today" - >/dev/null 2>"$errlog" || rc=$?
    if [ $rc -gt 1 ]; then
      echo "  validate $profile: exit code $rc" >&2
      failures=$((failures + 1))
      continue
    fi
    kb=$(tail -n 1 "$timing" | awk '{ print $2 }')
    peak=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }')
    verdict=$(awk -v p="$peak" 'BEGIN { print (p <= 64 ? "met" : "NOT met") }')
    printf '  %-26s %10s MB peak\n' "validate $profile" "$peak"
    rows+=("| $size | validate $profile (piped) | | | $peak | | | ≤ 64 MB at 1 GB: $verdict |")
  done
  if [ "${BENCH_WORKBOOK:-}" = 1 ]; then
    workbook="$dir/bench-flat.xlsx"
    imported="$dir/bench-flat-imported.xml"
    if "$gen" --formations "$BENCH_FLAT" --seed "$seed" --today "$today" -q |
      "$lheo" export --force - -o "$workbook" >/dev/null 2>"$errlog" &&
      /usr/bin/time -f "%e %M" -o "$timing" "$lheo" import --force --trust-workbook "$workbook" -o "$imported" >/dev/null 2>"$errlog"; then
      read -r secs kb < <(tail -n 1 "$timing")
      peak=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }')
      verdict=$(awk -v p="$peak" 'BEGIN { print (p <= 100 ? "met" : "NOT met") }')
      wmb=$(awk -v b="$(stat -c %s "$workbook")" 'BEGIN { printf "%.1f", b / 1e6 }')
      printf '  %-26s %10s s %10s MB peak (%s MB workbook)\n' "import xlsx" "$secs" "$peak" "$wmb"
      rows+=("| $size | import xlsx ($wmb MB workbook) | $secs | | $peak | | | ≤ 100 MB at any size: $verdict |")
      reversed="$dir/bench-flat-reversed.xlsx"
      if "$reorder" "$workbook" "$reversed" formation,session,attributs >/dev/null 2>"$errlog" &&
        /usr/bin/time -f "%e %M" -o "$timing" "$lheo" import --force --trust-workbook "$reversed" -o "$imported" >/dev/null 2>"$errlog"; then
        read -r secs kb < <(tail -n 1 "$timing")
        peak=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }')
        verdict=$(awk -v p="$peak" 'BEGIN { print (p <= 100 ? "met" : "NOT met") }')
        printf '  %-26s %10s s %10s MB peak\n' "import xlsx, rows reversed" "$secs" "$peak"
        rows+=("| $size | import xlsx, rows reversed | $secs | | $peak | | | ≤ 100 MB at any size: $verdict |")
      else
        echo "  import xlsx, rows reversed: the reordering or the import failed" >&2
        tail -n 5 "$errlog" | sed 's/^/      /' >&2
        failures=$((failures + 1))
      fi
      rm -f "$reversed"
    else
      echo "  import xlsx: the export or the import failed" >&2
      tail -n 5 "$errlog" | sed 's/^/      /' >&2
      failures=$((failures + 1))
    fi
    rm -f "$workbook" "$imported"
  fi
fi

load_end=$(uptime)
report="$dir/bench-$(date +%F-%H%M%S).md"
{
  echo "# lheo benchmarks, $started"
  echo
  echo "- commit $commit$(git diff --quiet HEAD -- lheo lheo-cli examples 2>/dev/null || echo ' (with uncommitted changes)'), $(rustc --version)"
  echo "- machine: $cpu, $cores cores, $memory"
  echo "- measured: $lheo ($("$lheo" --version 2>/dev/null | head -n 1))"
  echo "- uptime at start:$load_start"
  echo "- uptime at end:$load_end"
  if [ -n "$have_xmllint" ]; then
    echo "- $(xmllint --version 2>&1 | head -n 1)"
  fi
  echo
  echo "| size | operation | seconds | MB/s | peak MB | vs xsd | vs xmllint | target |"
  echo "|---|---|--:|--:|--:|--:|--:|---|"
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
