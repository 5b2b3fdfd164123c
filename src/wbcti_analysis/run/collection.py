"""The collection: every ``NN-*.ipynb`` in the notebooks folder and each notebook's parameters.

A notebook the library declares (:data:`wbcti_analysis.params.DECLARATIONS`) takes its
parameters from the declaration (and any drift from its ``parameters`` cell is reported);
any other notebook gets types and defaults from its cell, read with
:func:`papermill.inspect_notebook`.
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..params import NotebookParams, Param, literal
from ..params.declarations import DECLARATIONS

__all__ = ["RunRefused", "Notebook", "UNPARSED_HINT", "default_notebooks_dir", "discover", "select"]

UNPARSED_HINT = ("write `name: type = value  # help` with a plain type and no other '=' on the line, "
                 "not even in the comment ('XK: Kosovo', not 'XK = Kosovo')")


class RunRefused(Exception):
    """The run was refused before anything ran; ``problems`` lists every reason."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def _number_prefix(name: str) -> str | None:
    """The ``NN`` of a collection file name ``NN-*.ipynb``, else None."""
    if not name.endswith(".ipynb"):
        return None
    head, sep, rest = name.partition("-")
    return head if sep and head.isdigit() and rest[: -len(".ipynb")] else None


# ----------------------------------------------------------------------------- the collection


@dataclass
class Notebook:
    """A notebook of the collection and its parameters (declared, or read from its cell)."""

    path: Path
    parameters: dict[str, Param] = field(default_factory=dict)
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    has_parameters_cell: bool = True
    error: str | None = None  # set when the file cannot be read as a notebook
    declaration: NotebookParams | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def number(self) -> int:
        return int(_number_prefix(self.path.name))

    @property
    def declared(self) -> bool:
        """Whether the library declares this notebook's parameters (``wbcti_analysis.params``)."""
        return bool(self.declaration and self.declaration.declared)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "stem": self.stem,
            "path": str(self.path),
            "title": self.title,
            "declared": self.declared,
            "parameters": [p.to_dict() for p in self.parameters.values()],
            "warnings": list(self.warnings),
        }


def default_notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder, next to the bundled ``data/`` folder."""
    from ..datapackage import bundled_data_path

    return bundled_data_path().parent / "notebooks"


def discover(notebooks_dir: str | os.PathLike | None = None) -> list[Notebook]:
    """Return the collection: every ``NN-*.ipynb`` in ``notebooks_dir``, in name order.

    A notebook the library declares takes its parameters from the declaration, and any
    difference between the declaration and its ``parameters`` cell is reported in
    ``Notebook.warnings``. Other notebooks' parameters are read from the cell tagged
    ``parameters`` with :func:`papermill.inspect_notebook`; papermill skips a line it
    cannot parse (a second ``=`` on the line, e.g. in the help comment); such names are
    still found (by parsing the cell as Python), accepted without a type check, and
    reported in ``Notebook.warnings``.

    Raises FileNotFoundError if the folder does not exist.
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such notebooks folder")
    paths = sorted(p for p in folder.iterdir() if _number_prefix(p.name) and p.is_file())
    return [_inspect_cached(p) for p in paths]


_SEEN: dict[tuple, Notebook] = {}


def _inspect_cached(path: Path) -> Notebook:
    """:func:`_inspect`, remembered while the file is unchanged (size and modification time)."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _SEEN:
        _SEEN[key] = _inspect(path)
    nb = _SEEN[key]
    return Notebook(nb.path, dict(nb.parameters), nb.title, list(nb.warnings), nb.has_parameters_cell, nb.error,
                    nb.declaration)


def _inspect(path: Path) -> Notebook:
    import logging

    from .cells import inspect_parameters, is_python, read_cells

    nb = Notebook(path)
    try:
        node = read_cells(path)  # without nbformat and papermill (their import costs seconds)
        if node is None:  # not nbformat 4: let nbformat convert it
            import nbformat

            node = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # unreadable JSON: reported, and refused if selected
        nb.error = f"cannot read the notebook: {exc}"
        nb.has_parameters_cell = False
        return nb
    nb.title = _title(node)
    cell = next((c for c in node.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        nb.has_parameters_cell = False
        nb.warnings.append("no cell tagged 'parameters': it takes no parameters")
        nb.declaration = NotebookParams(nb.stem, (), declared=False)
        return nb
    if isinstance(node.metadata, dict) and is_python(node):
        inspected = inspect_parameters(cell.source)  # what papermill.inspect_notebook reads
    else:
        import papermill

        pm_log = logging.getLogger("papermill")
        level = pm_log.level
        pm_log.setLevel(logging.ERROR)  # papermill warns on lines it skips; reported below instead
        try:
            inspected = papermill.inspect_notebook(str(path))
        finally:
            pm_log.setLevel(level)
    found = {name: Param.from_inspection(e) for name, e in inspected.items()}
    comments = _line_comments(cell.source)
    assigned = _assigned_names(cell.source)
    for name, (annotation, default, line) in assigned.items():
        if name in found:
            continue
        found[name] = Param.from_inspection({"name": name, "inferred_type_name": annotation or "None",
                                             "default": default, "help": comments.get(line, "")})
        nb.warnings.append(
            f"parameters cell line {line}: papermill's inspection skips '{name}' (wbcti reads it "
            f"from the source instead); {UNPARSED_HINT}")
    order = {name: i for i, name in enumerate(assigned)}  # the cell's order
    found = dict(sorted(found.items(), key=lambda kv: order.get(kv[0], len(order))))
    decl = DECLARATIONS.get(nb.stem)
    if decl is None:
        nb.declaration = NotebookParams(nb.stem, tuple(found.values()), declared=False)
    else:
        nb.declaration = decl
        nb.warnings.extend(_drift(decl, found))
    nb.parameters = nb.declaration.by_name
    return nb


def _drift(decl: NotebookParams, found: dict[str, Param]) -> list[str]:
    """Differences between a declaration and the parameters cell (names, types, defaults)."""
    out = []
    declared = decl.by_name
    for name in declared.keys() - found.keys():
        out.append(f"'{name}' is declared in wbcti_analysis.params but not in the parameters cell")
    for name in found.keys() - declared.keys():
        out.append(f"'{name}' is in the parameters cell but not declared in wbcti_analysis.params: "
                   "the runner refuses it")
    for name in declared.keys() & found.keys():
        d, f = declared[name], found[name]
        if d.type != f.type or d.default != f.default:
            out.append(f"'{name}': declared {d.type} = {literal(d.default)}, the cell has "
                       f"{f.type or 'untyped'} = {f.default_source}")
    return sorted(out)


def _line_comments(source: str) -> dict[int, str]:
    """{line number: comment text} of a cell's source."""
    import io
    import tokenize

    found = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                found[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def _assigned_names(source: str) -> dict[str, tuple[str | None, str, int]]:
    """Names assigned at top level of a parameters cell: {name: (annotation, default, line)}."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, tuple[str | None, str, int]] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found[node.target.id] = (ast.unparse(node.annotation), ast.unparse(node.value), node.lineno)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = (None, ast.unparse(node.value), node.lineno)
    return found


def _title(node) -> str:
    for cell in node.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def _matches(ref: str, collection: list[Notebook]) -> list[Notebook]:
    """Notebooks a reference names: file name (or a path to it), stem, number, unique stem prefix."""
    name = Path(ref).name
    for key in (lambda n: n.name == name, lambda n: n.stem == name):
        hits = [n for n in collection if key(n)]
        if hits:
            return hits
    if ref.isdigit():
        return [n for n in collection if n.number == int(ref)]
    return [n for n in collection if n.stem.startswith(name)]


def select(collection: list[Notebook], refs: Iterable[str] = ()) -> list[Notebook]:
    """The notebooks ``refs`` name (all of them if none), in collection order.

    A reference is the file name, the stem (``01-coordination-graph``), the number prefix
    (``01`` or ``1``) or a unique start of the stem. Raises :class:`RunRefused` naming
    every reference that matches no notebook or several.
    """
    refs = list(refs)
    if not refs:
        return list(collection)
    chosen: set[str] = set()
    problems = []
    names = ", ".join(n.stem for n in collection) or "(none)"
    for ref in refs:
        hits = _matches(ref, collection)
        if not hits:
            problems.append(f"no notebook '{ref}' in the collection (available: {names})")
        elif len(hits) > 1:
            problems.append(f"'{ref}' is ambiguous: it matches {', '.join(n.stem for n in hits)}")
        else:
            chosen.add(hits[0].name)
    if problems:
        raise RunRefused(problems)
    return [n for n in collection if n.name in chosen]
