"""The library's shape: small modules, no import cycles (issue 10's promises)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src" / "wbcti_analysis"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    """Modules of the package that ``path`` imports (absolute names), at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)  # `if TYPE_CHECKING:` blocks
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("wbcti_analysis"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("wbcti_analysis"):
                continue
            out.add(mod)
            for a in node.names:  # "from . import x" may name a submodule
                out.add(f"{mod}.{a.name}")
    return out


def _graph():
    import networkx as nx

    files = {_module_name(p): p for p in SRC.rglob("*.py")}
    G = nx.DiGraph()
    G.add_nodes_from(files)
    for name, path in files.items():
        for target in _imports(path, name):
            if target in files and target != name:
                G.add_edge(name, target)
    return G, files


def test_no_module_over_the_line_limit():
    too_long = {str(p.relative_to(ROOT)): n for p in SRC.rglob("*.py")
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_no_import_cycle_between_modules():
    """A package's ``__init__`` that re-exports its submodules is not a cycle with them;
    every other pair of modules must import one way only."""
    import networkx as nx

    G, _ = _graph()
    # a package __init__ re-exporting its own submodules is the normal facade, not a cycle
    for u, v in list(G.edges):
        if v.startswith(u + ".") :
            G.remove_edge(u, v)
    cycles = list(nx.simple_cycles(G))
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_the_structure_test_sees_a_cycle(tmp_path, monkeypatch):
    """The cycle finder is not vacuous: two modules importing each other are found."""
    import networkx as nx

    pkg = tmp_path / "wbcti_analysis"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from .a import x\n")
    monkeypatch.setattr(__import__(__name__), "SRC", pkg)
    G, _ = _graph()
    assert ["wbcti_analysis.a", "wbcti_analysis.b"] in [sorted(c) for c in nx.simple_cycles(G)]


def test_no_public_name_is_shadowed_by_a_submodule():
    """``pkg.name`` must stay the documented function even after ``import pkg.name`` of a same-named
    submodule (pytest's doctest collection imports every module): no public name equals a submodule's."""
    import importlib

    clashes = []
    for init in SRC.rglob("__init__.py"):
        pkg = _module_name(init)
        subs = {p.stem for p in init.parent.glob("*.py") if p.stem != "__init__"} | \
               {p.parent.name for p in init.parent.glob("*/__init__.py")}
        public = set(getattr(importlib.import_module(pkg), "__all__", ()))
        clashes += [f"{pkg}.{n}" for n in sorted(public & subs)]
    assert not clashes, f"public names that are also submodules: {clashes}"
