#!/usr/bin/env bash
# The HTML report of a 100 MB generated feed: how much it weighs, how long it takes to make,
# a screenshot of it in headless Chromium, and the browser test (lheo-cli/tests/html_browser.rs)
# run on it.
#
#   scripts/html-report.sh [FORMATIONS]      (default: 6000 formations ≈ 100 MB)
#
# The feed is generated like the benchmarks' (seed 1, dated 2026-01-05) and validated with
# --profile france-travail as if it were 2099-01-01: every recruitment meeting is in the past,
# so every offer has errors. Everything goes to target/html-report/ (never committed);
# SCREENSHOT=docs/rapport-html.png writes the screenshot there too. LHEO_BIN and
# GENERATE_BIN use binaries already built instead of the release builds.
set -euo pipefail

cd "$(dirname "$0")/.."
formations="${1:-6000}"
dir=target/html-report
mkdir -p "$dir"

if [[ -z "${LHEO_BIN:-}" || -z "${GENERATE_BIN:-}" ]]; then
    cargo build --release --quiet -p lheo-cli --bin lheo --example generate
fi
lheo="${LHEO_BIN:-target/release/lheo}"
gen="${GENERATE_BIN:-target/release/examples/generate}"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
    echo "chromium is not installed (Debian: apt-get install chromium chromium-driver)" >&2
    exit 2
fi

feed="$dir/feed-$formations.xml"
if [[ ! -s "$feed" ]]; then
    "$gen" --formations "$formations" --seed 1 --today 2026-01-05 --quiet -o "$feed"
fi
page="$dir/rapport.html"
start=$(date +%s.%N)
set +e
"$lheo" validate --profile france-travail --today 2099-01-01 --format html -o "$page" "$feed"
code=$?
set -e
end=$(date +%s.%N)
if [[ $code -ne 1 ]]; then
    echo "lheo validate exited with $code, 1 expected (findings)" >&2
    exit 1
fi

shot="$dir/rapport.png"
"$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    --disable-background-networking --no-first-run \
    --user-data-dir="$dir/chromium-profile" --window-size=1280,1000 \
    --screenshot="$PWD/$shot" "file://$PWD/$page" 2>/dev/null
if [[ -n "${SCREENSHOT:-}" ]]; then
    cp "$shot" "$SCREENSHOT"
fi

printf 'feed\t%s\t%s bytes\t%s formations\n' "$feed" "$(wc -c < "$feed" | tr -d ' ')" "$formations"
printf 'html\t%s\t%s bytes\tmade in %.1f s (validation included)\n' "$page" \
    "$(wc -c < "$page" | tr -d ' ')" "$(echo "$end - $start" | bc)"
printf 'png\t%s\t%s bytes\n' "$shot" "$(wc -c < "$shot" | tr -d ' ')"

# The browser test on this page: it opens, shows its counts and an error code under its offer,
# and its filters answer.
LHEO_HTML_PAGE="$PWD/$page" LHEO_HTML_FORMATIONS="$formations" LHEO_REQUIRE_ORACLE=1 \
    cargo test --quiet -p lheo-cli --test html_browser -- --nocapture big_feed
