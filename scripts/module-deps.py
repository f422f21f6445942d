#!/usr/bin/env python3
"""Lists the top-level modules of the lheo crate, the `crate::` paths each one uses, and the
cycles between them (there must be none: a lower layer never names a higher one).

    scripts/module-deps.py [--src lheo/src] [--paths] [--dot]

A top-level module is a `mod NAME;` of `lib.rs` (its file `NAME.rs` or its folder `NAME/`).
Its dependencies are the `crate::NAME…` paths written in its code (comments, doc comments and
string literals are left out: a doc link is not a dependency of the code; so are the
`#[cfg(test)] mod NAME { … }` unit-test modules, which may drive the whole pipeline the way
integration tests do), `use crate::{a, b}` included; a path through a re-export of the crate root (`crate::Error`, `crate::Formation`) is
resolved to the module `lib.rs` re-exports it from. `--paths` prints every path used, `--dot`
the graph for Graphviz. Exit status: 0 without a cycle, 1 with one (each cycle printed), 2 when
the crate cannot be read.
"""
import argparse
import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(code: str) -> str:
    """The code without comments, string and character literals (kept as blanks)."""
    out, i, n = [], 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if code.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif code.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif (m := re.compile(r'b?r(#*)"').match(code, i)) and (i == 0 or not (code[i - 1].isalnum() or code[i - 1] == "_")):
            end = code.find('"' + m.group(1), m.end())
            i = n if end < 0 else end + 1 + len(m.group(1))
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and code[i] != '"':
                i += 2 if code[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and (m := re.compile(r"'(\\.[^']*|[^\\'])'").match(code, i)):
            i = m.end()
            out.append("' '")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def without_tests(code: str) -> str:
    """The stripped code without its `#[cfg(test)] mod NAME { … }` blocks."""
    pattern = re.compile(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+" + IDENT + r"\s*\{")
    while (m := pattern.search(code)):
        depth, i = 0, m.end() - 1
        while i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
            if depth == 0:
                break
        code = code[: m.start()] + code[i:]
    return code


def use_tree(text: str, start: int):
    """The paths of a `{a, b::c, d::{e, f}}` group starting at `text[start] == '{'`."""
    depth, i = 0, start
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    inner, paths, depth, item = text[start + 1 : i], [], 0, ""
    for ch in inner + ",":
        if ch == "," and depth == 0:
            # `a::b as c` is the path `a::b`; `a::{b, c}` keeps its group.
            path = re.sub(r"\s*::\s*", "::", item.strip())
            path = re.sub(r"\s+as\s+\w+$", "", path)
            if path:
                paths.append(re.sub(r"\s+", " ", path))
            item = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        item += ch
    return paths


def crate_paths(code: str):
    """Every `crate::…` path of the code, groups expanded to their first segment."""
    for m in re.finditer(r"(?<![\w$])crate\s*::\s*", code):
        rest = m.end()
        if code.startswith("{", rest):
            for p in use_tree(code, rest):
                yield p
        elif (name := re.compile(rf"{IDENT}(\s*::\s*{IDENT})*").match(code, rest)):
            yield re.sub(r"\s+", "", name.group(0))


def modules(src: Path):
    lib = strip((src / "lib.rs").read_text(encoding="utf-8"))
    names = re.findall(rf"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+({IDENT})\s*;", lib, re.M)
    files = {}
    for name in names:
        found = [src / f"{name}.rs"] if (src / f"{name}.rs").exists() else sorted((src / name).rglob("*.rs"))
        if not found:
            raise SystemExit(f"module {name}: neither {name}.rs nor {name}/")
        files[name] = found
    # Names the crate root re-exports: `pub use module::{A, B}` / `pub use module::A` / `pub use module::*`.
    reexports, globs = {}, []
    for m in re.finditer(rf"pub\s+use\s+(?:crate::)?({IDENT})\s*::\s*([^;]*);", lib):
        module, rest = m.group(1), re.sub(r"\s+", "", m.group(2))
        if module not in files:
            continue
        if rest == "*":
            globs.append(module)
        elif rest.startswith("{"):
            for item in use_tree(rest, 0):
                reexports[item.split("::")[-1].split(" as ")[-1]] = module
        else:
            reexports[rest.split("::")[-1]] = module
    return files, reexports, globs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--src", type=Path, default=root / "lheo" / "src")
    parser.add_argument("--paths", action="store_true", help="print every crate:: path used")
    parser.add_argument("--dot", action="store_true", help="print the graph for Graphviz")
    args = parser.parse_args()
    try:
        files, reexports, globs = modules(args.src)
    except (OSError, UnicodeDecodeError) as e:
        print(f"cannot read the crate: {e}", file=sys.stderr)
        return 2

    deps, paths = {m: set() for m in files}, {m: set() for m in files}
    unresolved = []
    for module, found in files.items():
        for f in found:
            for path in crate_paths(without_tests(strip(f.read_text(encoding="utf-8")))):
                first = path.split("::")[0]
                target = first if first in files else reexports.get(first)
                if target is None and len(globs) == 1 and first[:1].isupper():
                    target = globs[0]
                if target is None:
                    unresolved.append(f"{f.relative_to(args.src)}: crate::{path}")
                    continue
                paths[module].add(path)
                if target != module:
                    deps[module].add(target)

    if args.dot:
        print("digraph modules {")
        for m in sorted(deps):
            for d in sorted(deps[m]):
                print(f'  "{m}" -> "{d}";')
        print("}")
    else:
        for m in sorted(deps):
            print(f"{m} -> {', '.join(sorted(deps[m])) or '(nothing)'}")
            if args.paths:
                for p in sorted(paths[m]):
                    print(f"    crate::{p}")
    for u in unresolved:
        print(f"unresolved: {u}", file=sys.stderr)

    # Cycles: the strongly connected components of more than one module (Tarjan).
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(deps[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    for comp in comps:
        members = set(comp)
        edges = [f"{a} -> {b}" for a in comp for b in sorted(deps[a]) if b in members]
        print(f"cycle between {', '.join(comp)}: {'; '.join(edges)}", file=sys.stderr)
    if comps:
        return 1
    print(f"{len(files)} top-level modules, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
