#!/usr/bin/env bash
# Diff benchmark: a generated feed against a mutated copy of itself (the next night's feed),
# then against an identical copy. Prints seconds and peak memory of `lheo diff` for each.
#
#   scripts/bench-diff.sh [FORMATIONS]        (default: 60000 formations ≈ 1 GB)
#
# The copy is made by an awk filter over the pretty-printed feed, one formation at a time:
# every 97th formation removed, every 31st a session end date changed, every 53rd a
# recruitment's places changed, every 41st its title changed, every 200th duplicated under a
# new numero (added), every 150th swapped with the next one (order differs), and the export
# timestamp of the root changed. Feeds go to target/bench-feeds and are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
formations=${1:-60000}
dir=target/bench-feeds
mkdir -p "$dir"
old="$dir/diff-$formations.xml"
new="$dir/diff-$formations-mutated.xml"
same="$dir/diff-$formations-copy.xml"

cargo build --release -q --bin lheo --example generate
if [ ! -s "$old" ]; then
  ./target/release/examples/generate --formations "$formations" --seed 1 --today 2026-11-22 -q -o "$old"
fi
if [ ! -s "$new" ]; then
  awk -f scripts/mutate-feed.awk "$old" > "$new"
fi
[ -s "$same" ] || cp "$old" "$same"

size() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }
echo "old:  $old ($(size "$old"), $formations formations)"
echo "new:  $new ($(size "$new"))"
echo "$(nproc) cores; /usr/bin/time -f '%e s %M KB'"

run() {
  local label=$1; shift
  local t
  t=$( { /usr/bin/time -f "%e s %M KB" ./target/release/lheo diff "$@" > "$dir/diff-out.txt"; } 2>&1 | tail -1 ) || true
  printf '%-34s %s   (%s)\n' "$label" "$t" "$(tail -1 "$dir/diff-out.txt" | cut -c1-120)"
}
run "mutated copy, human" "$old" "$new" --quiet
run "mutated copy, json" "$old" "$new" --format json
run "identical copy" "$old" "$same" --quiet
