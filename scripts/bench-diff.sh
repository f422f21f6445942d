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
  awk '
    function flush(   i, line) {
      if (n % 97 == 0) { return }
      for (i = 1; i <= len; i++) {
        line = buf[i]
        if (n % 31 == 0 && !fin && sub(/<fin>[0-9]+<\/fin>/, "<fin>20991231</fin>", line)) fin = 1
        if (n % 53 == 0 && !places && sub(/<nb-places>[0-9]+<\/nb-places>/, "<nb-places>999</nb-places>", line)) places = 1
        if (n % 41 == 0) sub(/<\/intitule-formation>/, " (mis à jour)</intitule-formation>", line)
        out[++olen] = line
      }
      if (n % 200 == 0) {
        for (i = 1; i <= len; i++) {
          line = buf[i]
          sub(/<formation numero="/, "<formation numero=\"BIS-", line)
          out[++olen] = line
        }
      }
    }
    function emit(   i) { for (i = 1; i <= olen; i++) print out[i]; olen = 0 }
    BEGIN { inside = 0; n = 0; olen = 0; held = 0 }
    /^ *<lheo / && !root { sub(/horodatage-export="[^"]*"/, "horodatage-export=\"2030-01-01T00:00:00Z\""); root = 1 }
    /^ *<formation[ >]/ { inside = 1; len = 0; n++; fin = 0; places = 0 }
    inside { buf[++len] = $0
      if ($0 ~ /<\/formation>/) {
        inside = 0; flush()
        if (n % 150 == 0) { for (i = 1; i <= olen; i++) hold[i] = out[i]; hlen = olen; olen = 0; held = 1 }
        else { emit(); if (held) { for (i = 1; i <= hlen; i++) print hold[i]; held = 0 } }
      }
      next }
    { if (held) { for (i = 1; i <= hlen; i++) print hold[i]; held = 0 } print }
  ' "$old" > "$new"
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
