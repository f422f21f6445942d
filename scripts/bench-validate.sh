#!/usr/bin/env bash
# Validation benchmark: lheo (each profile) against xmllint on the same generated feed, in one
# run. Prints seconds, MB/s, peak memory and the ratio to xmllint.
#
#   scripts/bench-validate.sh [FORMATIONS] [RUNS]     (default: 6000 formations ≈ 100 MB, 3 runs)
#
# Needs xmllint (libxml2-utils) and ../shared/lheo/lheo-2.3.xsd. Best of RUNS for each command.
#
#   BASE=PATH/TO/lheo scripts/bench-validate.sh [FORMATIONS] [RUNS]
#
# compares this build with another build of lheo (an older commit built in its own worktree)
# on the same feed in the same session instead: for each profile, RUNS runs of each, the two
# alternating (ABBA order, so that a change of machine load falls on both), then the medians of
# the elapsed and of the CPU (user + system) seconds, the ratio new/base and every run.
set -euo pipefail
cd "$(dirname "$0")/.."
formations=${1:-6000}
runs=${2:-3}
xsd=../shared/lheo/lheo-2.3.xsd
dir=target/bench-feeds
mkdir -p "$dir"
feed="$dir/validate-$formations.xml"

cargo build --release -q --bin lheo --example generate
if [ ! -s "$feed" ]; then
  ./target/release/examples/generate --formations "$formations" --seed 1 -q -o "$feed"
fi
mb=$(awk -v b="$(stat -c %s "$feed")" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "feed: $feed ($mb MB, $formations formations), $(if [ -n "${BASE:-}" ]; then echo "medians"; else echo "best"; fi) of $runs runs, $(nproc) cores"

timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

# best_of CMD...: prints "seconds peak_kb" of the fastest run.
best_of() {
  local best="" line
  for _ in $(seq "$runs"); do
    # -o: time's own line, apart from the command's output (which is thrown away).
    /usr/bin/time -f "%e %M" -o "$timing" "$@" >/dev/null 2>&1 || true
    line=$(tail -1 "$timing")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best=$line
    fi
  done
  echo "$best"
}

if [ -n "${BASE:-}" ]; then
  [ -x "$BASE" ] || { echo "BASE=$BASE is not an executable" >&2; exit 2; }
  echo "base: $BASE"
  # one_run CMD...: "elapsed cpu" of one run (CPU: user + system seconds); the feed is valid,
  # so any other exit than 0 stops the comparison.
  one_run() {
    if ! /usr/bin/time -f "%e %U %S" -o "$timing" "$@" >/dev/null 2>&1; then
      echo "failed: $*" >&2
      exit 2
    fi
    tail -1 "$timing" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'
  }
  # median COLUMN < lines
  median() {
    awk -v c="$1" '{ print $c }' | sort -g |
      awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
  }
  printf '%-16s %5s %10s %10s %7s %10s %10s %7s\n' profile runs "new s" "base s" ratio \
    "new cpu" "base cpu" ratio
  for profile in xsd lheo france-travail; do
    new_runs="" base_runs=""
    for i in $(seq "$runs"); do
      new_cmd=(./target/release/lheo validate --quiet --profile "$profile" "$feed")
      base_cmd=("$BASE" validate --quiet --profile "$profile" "$feed")
      if [ $((i % 2)) -eq 1 ]; then
        new_runs+="$(one_run "${new_cmd[@]}")"$'\n'
        base_runs+="$(one_run "${base_cmd[@]}")"$'\n'
      else
        base_runs+="$(one_run "${base_cmd[@]}")"$'\n'
        new_runs+="$(one_run "${new_cmd[@]}")"$'\n'
      fi
    done
    ne=$(printf '%s' "$new_runs" | median 1) be=$(printf '%s' "$base_runs" | median 1)
    nc=$(printf '%s' "$new_runs" | median 2) bc=$(printf '%s' "$base_runs" | median 2)
    printf '%-16s %5s %10s %10s %6.3fx %10s %10s %6.3fx\n' "$profile" "$runs" "$ne" "$be" \
      "$(awk -v a="$ne" -v b="$be" 'BEGIN { print a / b }')" "$nc" "$bc" \
      "$(awk -v a="$nc" -v b="$bc" 'BEGIN { print a / b }')"
    echo "  new  (elapsed cpu): $(printf '%s' "$new_runs" | tr '\n' ';' | sed 's/;/; /g')"
    echo "  base (elapsed cpu): $(printf '%s' "$base_runs" | tr '\n' ';' | sed 's/;/; /g')"
  done
  exit 0
fi

printf '%-32s %8s %8s %10s %8s\n' command seconds MB/s "peak KB" "vs xmllint"
ref=$(best_of xmllint --noout --stream --schema "$xsd" "$feed")
row() {
  local name=$1 result=$2
  local s=${result%% *} kb=${result##* }
  printf '%-32s %8s %8.1f %10s %8.2fx\n' "$name" "$s" "$(awk -v m="$mb" -v s="$s" 'BEGIN { print m / s }')" "$kb" \
    "$(awk -v r="${ref%% *}" -v s="$s" 'BEGIN { print r / s }')"
}
row "xmllint --stream --schema" "$ref"
for profile in xsd lheo france-travail carif parcoursup; do
  row "lheo validate --profile $profile" "$(best_of ./target/release/lheo validate --quiet --profile "$profile" "$feed")"
done
