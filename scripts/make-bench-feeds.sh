#!/usr/bin/env bash
# Writes synthetic LHEO 2.3 feeds for benchmarks: about 1 MB, 100 MB and 1 GB by default.
#
#   scripts/make-bench-feeds.sh [DIR]            (default DIR: target/bench-feeds)
#
# Sizes are set in MB with BENCH_SIZES (space-separated), e.g. BENCH_SIZES="1 10" for a quick
# run; BENCH_SEED (default 1) and BENCH_TODAY (default: today, YYYY-MM-DD) are passed to the
# generator. Feeds are deterministic for a given seed and day and are never committed.
set -euo pipefail

cd "$(dirname "$0")/.."
dir="${1:-target/bench-feeds}"
sizes="${BENCH_SIZES:-1 100 1000}"
seed="${BENCH_SEED:-1}"
today="${BENCH_TODAY:-$(date +%F)}"

cargo build --release --quiet --example generate
gen="target/release/examples/generate"
mkdir -p "$dir"

# Bytes per formation, measured once on a sample, to aim at the requested sizes.
sample=$("$gen" --formations 200 --seed "$seed" --today "$today" --quiet | wc -c)
per_formation=$(( sample / 200 ))

for mb in $sizes; do
    formations=$(( mb * 1000000 / per_formation ))
    (( formations < 1 )) && formations=1
    out="$dir/feed-${mb}mb.xml"
    "$gen" --formations "$formations" --seed "$seed" --today "$today" -o "$out"
    printf '%s\t%s formations\t%s bytes\n' "$out" "$formations" "$(wc -c < "$out" | tr -d ' ')"
done
