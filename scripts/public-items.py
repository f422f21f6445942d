#!/usr/bin/env python3
"""Counts the public items of the lheo crate from rustdoc's "List of all items" page.

    cargo doc -p lheo --no-deps && scripts/public-items.py [--list]

Every struct, enum, trait, function, type alias, static, constant and macro that rustdoc lists
in target/doc/lheo/all.html (items hidden with #[doc(hidden)] and private items are not
listed; modules are not counted), in all and outside the generated `model` and `schema`
modules (the count the project keeps small).
"""
import re
import sys
from pathlib import Path

page = Path(__file__).resolve().parent.parent / "target/doc/lheo/all.html"
html = page.read_text(encoding="utf-8")
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
