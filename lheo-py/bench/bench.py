"""Benchmark: lheo.iter_formations and lheo.validate against xmlschema's lazy iter_decode
(the way the data-inclusion pipeline reads the Carif-Oref feed), on the same generated feed,
in one run.

    python lheo-py/bench/bench.py [--mb 17] [--repeat 3] [--xsd ../shared/lheo/lheo-2.3.xsd]

Each contender runs in its own child process; the time is the best of `--repeat` runs of
the work alone (imports and schema loading excluded, for xmlschema too), the memory is the
child's peak resident set size (VmHWM), interpreter included. Prints a Markdown table.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]

CONTENDERS = {
    "xmlschema iter_decode (lazy)": """
        import xmlschema
        # As the data-inclusion pipeline does (its Carif-Oref source), without keeping the
        # decoded formations in a list.
        xmlschema.limits.MAX_XML_ELEMENTS = 100_000_000
        schema = xmlschema.XMLSchema(XSD)
        def work():
            n = 0
            for item in schema.iter_decode(FEED, path="//offres/formation", lazy=True):
                if isinstance(item, dict):
                    n += 1
            return n
    """,
    "lheo.iter_formations": """
        import lheo
        def work():
            n = 0
            for formation in lheo.iter_formations(FEED):
                formation["@numero"]
                n += 1
            return n
    """,
    "lheo.validate (profile xsd)": """
        import lheo
        def work():
            report = lheo.validate(FEED, "xsd")
            assert report.valid, report.diagnostics[:3]
            return FORMATIONS
    """,
    "lheo.validate (profile france-travail)": """
        import lheo
        def work():
            report = lheo.validate(FEED, "france-travail", today=TODAY)
            assert report.valid, report.diagnostics[:3]
            return FORMATIONS
    """,
    "lxml iterparse (reference: no validation, no dicts)": """
        from lxml import etree
        def work():
            n = 0
            for _, el in etree.iterparse(FEED, tag="{http://lheo.gouv.fr/2.3}formation"):
                n += 1
                el.clear(keep_tail=True)
                while el.getprevious() is not None:
                    del el.getparent()[0]
            return n
    """,
}

RUNNER = """
import resource, sys, time


def peak_mb():
    # VmHWM: this process's peak resident set size since exec (ru_maxrss would count the
    # parent's pages copied before exec).
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


FEED, XSD, TODAY, FORMATIONS, REPEAT = {feed!r}, {xsd!r}, {today!r}, {formations!r}, {repeat!r}
{setup}
best = None
for _ in range(REPEAT):
    start = time.perf_counter()
    n = work()
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
assert n == FORMATIONS, (n, FORMATIONS)
print(best, peak_mb())
"""


def run(name, setup, feed, xsd, today, formations, repeat):
    code = RUNNER.format(
        feed=str(feed),
        xsd=str(xsd),
        today=today,
        formations=formations,
        repeat=repeat,
        setup=textwrap.dedent(setup),
    )
    done = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE)
    if done.returncode != 0:
        raise SystemExit(f"{name}: failed (exit {done.returncode})")
    seconds, mb = done.stdout.split()
    return float(seconds), float(mb)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=17, help="feed size in MB (default 17)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of lheo (best kept)")
    parser.add_argument("--xsd", default=str(REPO.parent / "shared" / "lheo" / "lheo-2.3.xsd"))
    parser.add_argument("--today", default="2027-01-04")
    parser.add_argument("--skip-xmlschema", action="store_true")
    args = parser.parse_args()

    import lheo

    if not os.path.isfile(args.xsd) and not args.skip_xmlschema:
        raise SystemExit(f"{args.xsd}: the official XSD is needed (--xsd PATH)")
    per_formation = len(lheo.generate(200, seed=1, today=args.today)) / 200
    formations = max(1, int(args.mb * 1_000_000 / per_formation))
    with tempfile.TemporaryDirectory() as folder:
        feed = pathlib.Path(folder) / "flux.xml"
        summary = lheo.generate(formations, feed, seed=1, today=args.today)
        print(
            f"feed: {summary['bytes'] / 1e6:.1f} MB, {formations} formations, "
            f"{summary['sessions']} sessions; python {sys.version.split()[0]}, "
            f"lheo {lheo.__version__}, {os.cpu_count()} CPUs\n"
        )
        results = {}
        for name, setup in CONTENDERS.items():
            if name.startswith("xmlschema") and args.skip_xmlschema:
                continue
            repeat = 1 if name.startswith("xmlschema") else args.repeat
            results[name] = run(name, setup, feed, args.xsd, args.today, formations, repeat)
            print(f"  {name}: {results[name][0]:.2f} s, {results[name][1]:.0f} MB", file=sys.stderr)
    base = next((v for k, v in results.items() if k.startswith("xmlschema")), None)
    print("| reading | time | peak memory | vs xmlschema (time, memory) |")
    print("|---|---:|---:|---:|")
    for name, (seconds, mb) in results.items():
        ratio = "" if base is None or base == (seconds, mb) else (
            f"{base[0] / seconds:.0f}× faster, {mb / base[1]:.2f}× the memory"
        )
        print(f"| {name} | {seconds:.2f} s | {mb:.0f} MB | {ratio} |")


if __name__ == "__main__":
    main()
