#!/usr/bin/env bash
# Validation benchmark: lheo (each profile) against xmllint on the same generated feed, in one
# run. Prints seconds, MB/s, peak memory and the ratio to xmllint.
#
#   scripts/bench-validate.sh [FORMATIONS] [RUNS]     (default: 6000 formations ≈ 100 MB, 3 runs)
#
# Needs xmllint (libxml2-utils) and ../shared/lheo/lheo-2.3.xsd. Best of RUNS for each command.
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
echo "feed: $feed ($mb MB, $formations formations), best of $runs runs, $(nproc) cores"

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
