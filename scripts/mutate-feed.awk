# The mutated copy of a generated feed, for the diff benchmarks (scripts/bench-diff.sh,
# scripts/bench.sh): formation n (counted from 1) is removed when n % 97 == 0, gets a new end
# date (n % 31), a new nb-places (n % 53) or a new title (n % 41), is followed by a copy with
# another @numero (n % 200, an addition), and is moved after the next one (n % 150). The root's
# horodatage-export changes.
#
#   awk -f scripts/mutate-feed.awk FEED > MUTATED
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
