#!/usr/bin/env bash
# Load test of `lheo serve` on loopback (not a unit test; bounded in count and time):
# CLIENTS concurrent uploads (default 50) of a generated feed of about SIZE_MB MB (default 20)
# to POST /api/validate?format=FORMAT (default json; html, csv), against
# `lheo serve --jobs JOBS` (default 2).
#
#   scripts/serve-load.sh            # release build, 50 × 20 MB, --jobs 2
#   CLIENTS=10 SIZE_MB=5 scripts/serve-load.sh
#   FORMAT=html PROFILE=parcoursup scripts/serve-load.sh   # 2 336 findings per report
#
# Checks, and exits 1 when one fails:
#   - every request is answered, 200 or 503 (busy), within the time limit (TIME_LIMIT s, 600);
#   - the server's peak resident memory (VmHWM) stays under MAX_RSS_MB (200);
#   - every 200 answer equals `lheo validate - --format FORMAT` of the same feed, byte for byte;
#   - nothing is left in the server's temporary folder.
# Prints the numbers (answers, seconds, peak memory) as a markdown table row for the README.
# LHEO_BIN=path uses that binary instead of building target/release/lheo.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-50}
SIZE_MB=${SIZE_MB:-20}
JOBS=${JOBS:-2}
FORMAT=${FORMAT:-json}
PROFILE=${PROFILE:-lheo}
MAX_RSS_MB=${MAX_RSS_MB:-200}
TIME_LIMIT=${TIME_LIMIT:-600}
TODAY=2026-01-01
work=target/serve-load
mkdir -p "$work"

if [[ -z "${LHEO_BIN:-}" ]]; then
  cargo build --release -q -p lheo-cli --bin lheo --example generate
  LHEO_BIN=target/release/lheo
fi
feed="$work/feed-${SIZE_MB}mb.xml"
if [[ ! -s "$feed" ]]; then
  # About 60 formations per MB.
  cargo run --release -q -p lheo-cli --example generate -- \
    --formations $((SIZE_MB * 60)) --seed 1 --today "$TODAY" -o "$feed" --quiet
fi
expected="$work/expected.$FORMAT"
"$LHEO_BIN" validate - --format "$FORMAT" --profile "$PROFILE" --today "$TODAY" <"$feed" >"$expected" || true

temp=$(mktemp -d)
log="$work/serve.log"
"$LHEO_BIN" serve --bind 127.0.0.1:0 --jobs "$JOBS" --temp-dir "$temp" >"$work/serve.out" 2>"$log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$temp"; }
trap cleanup EXIT
for _ in $(seq 100); do
  grep -q 'http://' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
addr=$(grep -o 'http://[^/]*' "$work/serve.out" | head -1 | cut -c8-)
[[ -n "$addr" ]] || { echo "lheo serve did not start"; cat "$log"; exit 1; }

status=0
python3 - "$addr" "$feed" "$expected" "$CLIENTS" "$pid" "$MAX_RSS_MB" "$TIME_LIMIT" "$TODAY" "$temp" "$FORMAT" "$PROFILE" <<'PY' || status=$?
import http.client, os, sys, threading, time
addr, feed, expected, clients, pid, max_rss, limit, today, temp, fmt, profile = sys.argv[1:]
clients, max_rss, limit = int(clients), int(max_rss), float(limit)
host, port = addr.rsplit(':', 1)
body = open(feed, 'rb').read()
want = open(expected, 'rb').read()
results = [None] * clients
peak = [0]
done = threading.Event()

def rss():
    with open(f'/proc/{pid}/status') as f:
        fields = dict(l.split(':', 1) for l in f if ':' in l)
    return int(fields['VmHWM'].split()[0]) // 1024, int(fields['VmRSS'].split()[0]) // 1024

def watch():
    while not done.is_set():
        try:
            peak[0] = max(peak[0], rss()[0])
        except OSError:
            return
        time.sleep(0.2)

def one(i):
    start = time.monotonic()
    try:
        c = http.client.HTTPConnection(host, int(port), timeout=limit)
        c.request('POST', f'/api/validate?profile={profile}&today={today}&format={fmt}', body=body,
                  headers={'Content-Type': 'application/xml'})
        r = c.getresponse()
        data = r.read()
        results[i] = (r.status, data, time.monotonic() - start)
        c.close()
    except Exception as e:
        results[i] = (None, repr(e).encode(), time.monotonic() - start)

threading.Thread(target=watch, daemon=True).start()
t0 = time.monotonic()
threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
for t in threads: t.start()
for t in threads: t.join(timeout=max(1.0, limit - (time.monotonic() - t0)))
elapsed = time.monotonic() - t0
done.set()
time.sleep(0.3)
hwm = rss()[0]
peak[0] = max(peak[0], hwm)

ok = [r for r in results if r and r[0] == 200]
busy = [r for r in results if r and r[0] == 503]
other = [r for r in results if not r or r[0] not in (200, 503)]
same = sum(1 for r in ok if r[1] == want)
left = os.listdir(temp)
slowest = max((r[2] for r in results if r), default=0)
print(f'clients {clients}, feed {len(body)/1e6:.1f} MB, profile {profile}, format {fmt}, expected report {len(want)} bytes')
print(f'answers: {len(ok)} × 200 (equal to the CLI: {same}), {len(busy)} × 503, {len(other)} other')
print(f'wall time {elapsed:.1f} s, slowest answer {slowest:.1f} s, server peak RSS {peak[0]} MB')
print(f'| {profile} | {fmt} | {clients} × {len(body)/1e6:.0f} MB | {len(ok)} | {len(busy)} | {len(other)} | {same}/{len(ok)} | {elapsed:.1f} s | {peak[0]} MB |')
failed = False
for r in other[:3]:
    print('unexpected answer:', r and r[0], (r[1][:200] if r else b'none'))
    failed = True
if same != len(ok):
    print('some 200 answers differ from the CLI report'); failed = True
if not ok:
    print('no request was validated'); failed = True
if peak[0] >= max_rss:
    print(f'peak RSS {peak[0]} MB >= {max_rss} MB'); failed = True
if left:
    print('left in the temporary folder:', left); failed = True
sys.exit(1 if failed else 0)
PY
echo "access log lines: $(grep -c '"POST /api/validate' "$log")"
exit $status
