#!/usr/bin/env python3
"""Counts the public items of the lheo crate from rustdoc's "List of all items" page.

    cargo doc -p lheo --no-deps && scripts/public-items.py [--list] [DOC_DIR]

DOC_DIR is the folder rustdoc wrote (default: this checkout's target/doc); give another
checkout's to count an older commit the same way, e.g. for the count before issue 13:

    git worktree add --detach ../base 4cfc411
    (cd ../base && cargo doc -p lheo --no-deps) && scripts/public-items.py ../base/target/doc

Every struct, enum, trait, function, type alias, static, constant and macro that rustdoc lists
in target/doc/lheo/all.html (items hidden with #[doc(hidden)] and private items are not
listed; modules are not counted), in all and outside the generated `model` and `schema`
modules (the count the project keeps small). An item re-exported at several paths is listed,
and counted, at each. Document the library alone (`-p lheo`): under `cargo doc --workspace`
the CLI's binary, also named `lheo`, writes its own pages over the library's.
"""
import re
import sys
from pathlib import Path

args = [a for a in sys.argv[1:] if a != "--list"]
doc = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "target/doc"
page = doc / "lheo/all.html"
html = page.read_text(encoding="utf-8")
if 'href="model/' not in html:
    sys.exit(f"{page} is not the library's (no model module): run `cargo doc -p lheo --no-deps`")
sections = re.findall(r'<h3 id="([a-z-]+)">[^<]*</h3><ul class="all-items">(.*?)</ul>', html, re.S)
total, outside = 0, []
for kind, body in sections:
    for name in re.findall(r'<a href="[^"]+">([^<]+)</a>', body):
        total += 1
        if not name.startswith(("model::", "schema::")):
            outside.append((kind, name))
if "--list" in sys.argv:
    for kind, name in sorted(outside, key=lambda k: k[1]):
        print(f"{kind:10} {name}")
print(f"public items: {total} in all, {len(outside)} outside model and schema")
