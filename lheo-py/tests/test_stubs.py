"""The type stubs (lheo.pyi) say what the module has: the same names, and for each function
and constructor the same parameters (names, kinds, defaults) as at runtime."""

import ast
import inspect
import pathlib

import pytest

import lheo

STUBS = pathlib.Path(__file__).resolve().parents[1] / "lheo.pyi"
TREE = ast.parse(STUBS.read_text(encoding="utf-8"))


def stub_all():
    for node in TREE.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "__all__":
            return [ast.literal_eval(e) for e in node.value.elts]
    raise AssertionError("no __all__ in lheo.pyi")


def stub_functions():
    """{name: ast.FunctionDef} of the module's functions (the first of overloads) and of
    the classes' __init__ (as the class name)."""
    found = {}
    for node in TREE.body:
        if isinstance(node, ast.FunctionDef):
            found.setdefault(node.name, node)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    found[node.name] = item
    return found


def test_all_is_what_the_module_exports():
    runtime = {n for n in dir(lheo) if not n.startswith("__") or n == "__version__"}
    # The module's own bookkeeping, not API.
    runtime -= {"lheo"}
    assert sorted(stub_all()) == sorted(runtime)


def shape(params):
    """(name, kind, default) of each parameter; defaults as Python values."""
    return [(p.name, p.kind, p.default) for p in params]


def stub_shape(fn):
    a = fn.args
    out = []
    positional = a.posonlyargs + a.args
    defaults = [inspect.Parameter.empty] * (len(positional) - len(a.defaults)) + [
        ast.literal_eval(d) for d in a.defaults
    ]
    for arg, default in zip(positional, defaults):
        if arg.arg == "self":
            continue
        kind = (
            inspect.Parameter.POSITIONAL_ONLY
            if arg in a.posonlyargs
            else inspect.Parameter.POSITIONAL_OR_KEYWORD
        )
        out.append((arg.arg, kind, default))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        value = inspect.Parameter.empty if default is None else ast.literal_eval(default)
        out.append((arg.arg, inspect.Parameter.KEYWORD_ONLY, value))
    return out


@pytest.mark.parametrize("name", sorted(stub_functions()))
def test_signatures_agree(name):
    runtime = getattr(lheo, name)
    signature = inspect.signature(runtime)
    assert stub_shape(stub_functions()[name]) == shape(signature.parameters.values())
