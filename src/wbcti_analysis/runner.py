"""Run the notebook collection through papermill into a run folder a reviewer can read.

The collection is every ``NN-*.ipynb`` in the notebooks folder (``notebooks/`` next to the
bundled ``data/`` by default). A run goes in two steps:

1. :func:`plan_run` resolves the chosen notebooks, the parameters (``-p`` values, a
   params file, ``--data``) and checks them against what each notebook declares in its
   ``parameters`` cell (read with :func:`papermill.inspect_notebook`). Any problem
   (unknown notebook, unknown parameter, wrong type, invalid data package) raises
   :class:`RunRefused` before anything runs or is written.
2. :func:`execute` runs each notebook with papermill (cwd = the notebooks folder, kernel
   ``python3``) into a new folder ``OUTPUT/<run-id>/``: per notebook the executed
   ``.ipynb``, an HTML rendering, its headline figures (``<stem>.headlines.json``) and
   its exported files (``<stem>_files/``); then ``manifest.json`` and ``index.html``.
   A failing notebook is recorded as failed and the others still run. ``OUTPUT/latest``
   is moved to the run only when every notebook succeeded.

Layout of a run folder::

    reports/
      20250101T060000Z/
        index.html                      the page for reviewers
        manifest.json                   run id, times, versions, data hash, statuses
        01-coordination-graph.ipynb     executed notebook (outputs included)
        01-coordination-graph.html      its rendering (code hidden unless --show-code)
        01-coordination-graph.headlines.json
        01-coordination-graph_files/    files the notebook exported (output_dir)
      latest -> 20250101T060000Z        newest run in which every notebook succeeded
      index.html                        list of all runs

papermill and nbconvert are imported only inside the functions that run notebooks.
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, TextIO

__all__ = [
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_REFUSED",
    "KERNEL_NAME",
    "Parameter",
    "Notebook",
    "RunPlan",
    "RunRefused",
    "default_notebooks_dir",
    "discover",
    "select",
    "parse_cli_value",
    "read_params_file",
    "plan_run",
    "execute",
    "run",
    "resolve_latest",
    "read_manifest",
]

EXIT_OK = 0  # every notebook succeeded
EXIT_FAILED = 1  # at least one notebook failed (the others still ran)
EXIT_REFUSED = 2  # refused before anything ran: bad notebook name, parameter, type or data
KERNEL_NAME = "python3"
# Versions recorded in every manifest (distribution names as pip knows them).
RECORDED_PACKAGES = ("pandas", "networkx", "seaborn", "scikit-learn", "papermill", "nbconvert")
# Parameters the runner sets itself; users choose them through --data and --output.
RUNNER_PARAMETERS = {"data_path": "--data", "output_dir": "--output"}
HEADLINES_SUFFIX = ".headlines.json"
LATEST = "latest"
LATEST_TXT = "latest.txt"
UNPARSED_HINT = ("write `name: type = value  # help` with a plain type and no other '=' on the line, "
                 "not even in the comment ('XK: Kosovo', not 'XK = Kosovo')")
_NOTEBOOK_NAME = re.compile(r"^(\d+)-.+\.ipynb$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SIMPLE_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict}
_TYPE_ALIASES = {
    "List": "list", "Sequence": "list", "tuple": "list", "Tuple": "list", "set": "list",
    "Dict": "dict", "Mapping": "dict",
}


class RunRefused(Exception):
    """The run was refused before anything ran; ``problems`` lists every reason."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Parameter:
    """One parameter a notebook declares in its ``parameters`` cell.

    ``type`` is the annotation as written (``"int"``, ``"list"``, ``"Optional[str]"``) or
    ``"None"`` when there is none; ``kind`` is the checked type (``int``, ``float``,
    ``str``, ``bool``, ``list``, ``dict``) or None when it cannot be inferred, in which
    case any value is accepted. ``default`` is the default's source text.
    """

    name: str
    type: str
    default: str
    help: str = ""
    kind: str | None = None
    nullable: bool = False

    @classmethod
    def from_inspection(cls, entry: dict) -> "Parameter":
        """Build from one entry of :func:`papermill.inspect_notebook`."""
        type_text = str(entry.get("inferred_type_name") or "None")
        default = str(entry.get("default", ""))
        kind, nullable = _kind_of(type_text, default)
        return cls(entry["name"], type_text, default, str(entry.get("help") or ""), kind, nullable)

    def check(self, value: Any) -> str | None:
        """Return why ``value`` does not fit this parameter, or None if it does."""
        if value is None:
            return None if (self.nullable or self.kind is None) else f"expected {self.kind}, got null"
        if self.kind is None:
            return None
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "str": isinstance(value, str),
            "list": isinstance(value, list),
            "dict": isinstance(value, dict),
        }[self.kind]
        if ok:
            return None
        return f"expected {self.kind}, got {_type_word(value)} {value!r}"

    def describe(self) -> str:
        """One line: ``name: type = default  # help``."""
        text = f"{self.name}: {self.type if self.type != 'None' else '(untyped)'} = {self.default}"
        return f"{text}  # {self.help}" if self.help else text


def _type_word(value: Any) -> str:
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}.get(
        type(value), type(value).__name__)


def _kind_of(type_text: str, default: str) -> tuple[str | None, bool]:
    """Map an annotation (or, without one, the default's literal) to (kind, nullable)."""
    text = type_text.strip().strip("'\"").replace("typing.", "")
    nullable = False
    if text and text != "None":
        m = re.fullmatch(r"Optional\[(.+)\]", text)
        if m:
            text, nullable = m.group(1).strip(), True
        parts = [p.strip() for p in re.split(r"\|", text)]
        if len(parts) > 1:
            nullable = nullable or "None" in parts
            parts = [p for p in parts if p != "None"]
            text = parts[0] if len(parts) == 1 else ""
        base = re.sub(r"\[.*\]$", "", text).strip()
        base = _TYPE_ALIASES.get(base, base)
        kind = base if base in _SIMPLE_TYPES else None
    else:
        kind = None
        try:
            literal = ast.literal_eval(default)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            literal = ...
        if literal is not ...:
            kind = {bool: "bool", int: "int", float: "float", str: "str", list: "list",
                    dict: "dict", tuple: "list"}.get(type(literal))
    try:
        if ast.literal_eval(default) is None:
            nullable = True
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    return kind, nullable


def parse_cli_value(raw: str, param: Parameter | None = None) -> Any:
    """Parse a ``-p NAME VALUE`` value with ``yaml.safe_load``, as ``papermill -y`` does.

    For a ``str`` parameter the text is kept as typed (so ``-p period 2017`` passes the
    string ``"2017"``); ``null`` still gives None when the parameter allows it. For a
    ``float`` parameter, text Python reads as a number (``1e3``) is accepted.
    """
    import yaml

    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    if param is not None:
        if param.kind == "str" and not isinstance(value, str):
            return None if (value is None and param.nullable) else raw
        if param.kind == "float" and isinstance(value, str):
            try:
                return float(raw)
            except ValueError:
                pass
    return value


# ----------------------------------------------------------------------------- the collection


@dataclass
class Notebook:
    """A notebook of the collection and the parameters its ``parameters`` cell declares."""

    path: Path
    parameters: dict[str, Parameter] = field(default_factory=dict)
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    has_parameters_cell: bool = True
    error: str | None = None  # set when the file cannot be read as a notebook

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def number(self) -> int:
        return int(_NOTEBOOK_NAME.match(self.path.name).group(1))

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "stem": self.stem,
            "path": str(self.path),
            "title": self.title,
            "parameters": [
                {"name": p.name, "type": p.type, "default": p.default, "help": p.help}
                for p in self.parameters.values()
            ],
            "warnings": list(self.warnings),
        }


def default_notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder, next to the bundled ``data/`` folder."""
    from .datapackage import bundled_data_path

    return bundled_data_path().parent / "notebooks"


def discover(notebooks_dir: str | os.PathLike | None = None) -> list[Notebook]:
    """Return the collection: every ``NN-*.ipynb`` in ``notebooks_dir``, in name order.

    Each notebook's parameters are read from its cell tagged ``parameters`` with
    :func:`papermill.inspect_notebook`. papermill skips a declaration it cannot parse
    (a second ``=`` on the line, e.g. in the help comment, or a dotted annotation); such
    names are still found (by parsing the cell as Python), accepted without a type check,
    and reported in ``Notebook.warnings``.

    Raises FileNotFoundError if the folder does not exist.
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such notebooks folder")
    paths = sorted(p for p in folder.iterdir() if _NOTEBOOK_NAME.match(p.name) and p.is_file())
    return [_inspect(p) for p in paths]


def _inspect(path: Path) -> Notebook:
    import nbformat
    import papermill

    nb = Notebook(path)
    try:
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
        return nb
    import logging

    pm_log = logging.getLogger("papermill")
    level = pm_log.level
    pm_log.setLevel(logging.ERROR)  # papermill warns on lines it skips; reported below instead
    try:
        inspected = papermill.inspect_notebook(str(path))
    finally:
        pm_log.setLevel(level)
    nb.parameters = {name: Parameter.from_inspection(e) for name, e in inspected.items()}
    comments = _line_comments(cell.source)
    assigned = _assigned_names(cell.source)
    for name, (annotation, default, line) in assigned.items():
        if name in nb.parameters:
            continue
        kind, nullable = _kind_of(annotation or "None", default)
        nb.parameters[name] = Parameter(name, annotation or "None", default, comments.get(line, ""), kind, nullable)
        nb.warnings.append(
            f"parameters cell line {line}: papermill's inspection skips '{name}' (wbcti reads it "
            f"from the source instead); {UNPARSED_HINT}")
    order = {name: i for i, name in enumerate(assigned)}  # the cell's order
    nb.parameters = dict(sorted(nb.parameters.items(), key=lambda kv: order.get(kv[0], len(order))))
    return nb


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


# ----------------------------------------------------------------------------- planning


def read_params_file(path: str | os.PathLike) -> dict:
    """Read a params file: a YAML mapping (see :func:`plan_run` for its two shapes)."""
    import yaml

    p = Path(path).expanduser()
    if not p.is_file():
        raise RunRefused(f"params file {p}: no such file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RunRefused(f"params file {p}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RunRefused(f"params file {p}: expected a mapping of parameter names (or notebook names) "
                         f"to values, got {_type_word(data)}")
    return data


@dataclass
class RunPlan:
    """What :func:`execute` will run: notebooks with the parameters each one gets."""

    notebooks: list[Notebook]
    parameters: dict[str, dict[str, Any]]  # stem -> parameters passed to papermill (before runner's own)
    notebooks_dir: Path
    data_path: Path | None = None  # None: the notebooks' default (the bundled package)
    requested: dict = field(default_factory=dict)  # what the user asked for, for the manifest
    warnings: list[str] = field(default_factory=list)


def _looks_like_notebook(key: str) -> bool:
    return bool(re.match(r"^\d", key)) or key.endswith(".ipynb")


def plan_run(
    refs: Iterable[str] = (),
    cli_params: Iterable[tuple[str, str]] = (),
    params_file: str | os.PathLike | None = None,
    data: str | os.PathLike | None = None,
    notebooks_dir: str | os.PathLike | None = None,
) -> RunPlan:
    """Resolve and check everything a run needs; raise :class:`RunRefused` on any problem.

    Parameters
    ----------
    refs : notebook references (file name, stem, number); empty means the whole collection.
    cli_params : ``(name, text)`` pairs from ``-p NAME VALUE``; each text is parsed with
        ``yaml.safe_load`` and applies to every selected notebook that declares ``name``.
    params_file : a YAML mapping, either flat ``{name: value}`` (applies like ``-p``) or
        per notebook ``{"01-coordination-graph": {name: value}}``; both shapes may be
        mixed. A section for a notebook that is not selected is ignored. Precedence:
        notebook defaults < flat entries < the notebook's section < ``-p``.
    data : a data package folder; validated, then passed to every notebook as ``data_path``.
    notebooks_dir : the collection's folder (default: the project's ``notebooks/``).

    Notebook references are checked first (a reference matching no notebook, or several,
    is refused at once). Then every other problem is collected before refusing: a name no
    selected notebook declares, a value of the wrong type, ``data_path`` or ``output_dir``
    given as a parameter, a bad params file, an invalid data package.
    """
    try:
        collection = discover(notebooks_dir)
    except FileNotFoundError as exc:
        raise RunRefused(str(exc)) from None
    folder = Path(notebooks_dir).expanduser().resolve() if notebooks_dir is not None else default_notebooks_dir()
    if not collection:
        raise RunRefused(f"no notebooks (NN-*.ipynb) in {folder}")
    selected = select(collection, refs)
    problems: list[str] = []
    warnings = [f"{n.name}: {w}" for n in selected for w in n.warnings]
    problems.extend(f"{n.name}: {n.error}" for n in selected if n.error)
    params: dict[str, dict[str, Any]] = {n.stem: {} for n in selected}
    cli_params = list(cli_params)

    def apply(name: str, raw: Any, targets: list[Notebook], origin: str, from_cli: bool) -> None:
        if name in RUNNER_PARAMETERS:
            problems.append(f"{origin}: '{name}' is set by the runner; use {RUNNER_PARAMETERS[name]} instead")
            return
        declaring = [n for n in targets if name in n.parameters]
        if not declaring:
            where = targets[0].name if len(targets) == 1 else "any selected notebook"
            known = sorted({p for n in targets for p in n.parameters} - set(RUNNER_PARAMETERS))
            problems.append(f"{origin}: unknown parameter '{name}': not declared by {where} "
                            f"(declared: {', '.join(known) or 'none'})")
            return
        for n in declaring:
            param = n.parameters[name]
            value = parse_cli_value(raw, param) if from_cli else raw
            if param.kind == "float" and _is_number(value):
                value = float(value)  # -p threshold 1 gives the notebook 1.0, as its default's type
            why = param.check(value)
            if why:
                hint = ""
                if from_cli and param.kind in ("list", "dict"):
                    hint = " (write it as YAML, e.g. -p %s '%s')" % (name, "[AL, XK]" if param.kind == "list" else "{key: value}")
                problems.append(f"{origin}: wrong type for '{name}' in {n.name}: {why}{hint}")
            else:
                params[n.stem][name] = value

    requested: dict[str, Any] = {"notebooks": list(refs) or "all", "cli": {k: v for k, v in cli_params}}
    if params_file is not None:
        try:
            content = read_params_file(params_file)
        except RunRefused as exc:
            problems.extend(exc.problems)
            content = {}
        requested["params_file"] = str(Path(params_file).expanduser().resolve())
        requested["params_file_content"] = content
        flat = {}
        sections = {}
        for key, value in content.items():
            key = str(key)
            hits = _matches(key, collection) if (isinstance(value, dict) or _looks_like_notebook(key)) else []
            if len(hits) == 1 and (hits[0].stem == key or hits[0].name == key or _looks_like_notebook(key)):
                if not isinstance(value, dict):
                    problems.append(f"params file: the section for {hits[0].name} must be a mapping of "
                                    f"parameter names to values, got {_type_word(value)}")
                else:
                    sections[hits[0].stem] = value
            elif _looks_like_notebook(key):
                problems.append(f"params file: section '{key}' names no notebook of the collection "
                                f"(available: {', '.join(n.stem for n in collection)})")
            else:
                flat[key] = value
        for name, value in flat.items():
            apply(name, value, selected, f"params file, '{name}'", from_cli=False)
        for n in selected:
            for name, value in sections.get(n.stem, {}).items():
                apply(str(name), value, [n], f"params file, section {n.stem}, '{name}'", from_cli=False)
    for name, raw in cli_params:
        apply(name, raw, selected, f"-p {name}", from_cli=True)

    data_path = None
    if data is not None:
        data_path = Path(data).expanduser().resolve()
        problems.extend(_check_data(data_path))
        missing = [n.name for n in selected if "data_path" not in n.parameters]
        if missing:
            problems.append(f"--data: {', '.join(missing)} declare(s) no 'data_path' parameter, "
                            "so it would ignore your data package")
    if problems:
        raise RunRefused(problems)
    return RunPlan(selected, params, folder, data_path, requested, warnings)


def _check_data(path: Path) -> list[str]:
    from .datapackage import DataValidationError, validate

    if not path.is_dir():
        return [f"--data {path}: no such folder"]
    try:
        found = validate(path)
    except FileNotFoundError as exc:
        return [f"--data: {exc}"]
    except DataValidationError as exc:
        found = exc.problems
    if not found:
        return []
    head = f"--data: {len(found)} problem(s) in the data package at {path} (run `wbcti validate {path}`):"
    return [head] + [f"  {p}" for p in found[:50]] + ([f"  ... and {len(found) - 50} more"] if len(found) > 50 else [])


# ----------------------------------------------------------------------------- executing one notebook


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _progress(stream: TextIO | None, text: str) -> None:
    if stream is not None:
        print(f"[wbcti] {text}", file=stream, flush=True)


def _execute_notebook(task: dict, stream: TextIO | None = None) -> dict:
    """Run one notebook and render it; never raises. Runs in-process or in a worker process.

    Progress goes to ``stream``, or to this process's stderr when ``task["progress"]``.
    """
    import logging

    import papermill
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.ERROR)
    if stream is None and task["progress"]:
        stream = sys.stderr
    _progress(stream, f"{task['stem']}: started")
    started, t0 = _now(), time.perf_counter()
    saved_env = {k: os.environ.get(k) for k in ("WBCTI_HEADLINES_FILE", "PYDEVD_DISABLE_FILE_VALIDATION")}
    from .headlines import ENV_VAR

    os.environ[ENV_VAR] = task["headlines_file"]  # the kernel inherits this process's environment
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    Path(task["output_dir"]).mkdir(parents=True, exist_ok=True)
    status, error, attempts = "ok", None, 0
    try:
        while True:
            attempts += 1
            try:
                papermill.execute_notebook(
                    task["input"], task["output"], parameters=task["parameters"],
                    kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                    start_timeout=task.get("start_timeout", 120), cwd=task["cwd"],
                    # silences kernel-log noise: the TCP warning at start, and the "KeyboardInterrupt
                    # caught in kernel" that jupyter_client's interrupt-before-shutdown can cause
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                )
                break
            except PapermillExecutionError as exc:
                status = "failed"
                error = {"ename": exc.ename, "evalue": exc.evalue, "cell_index": exc.cell_index,
                         "execution_count": exc.exec_count,
                         "traceback": _ANSI.sub("", "\n".join(exc.traceback))}
                break
            except Exception as exc:  # kernel did not start, died, or papermill itself failed
                if attempts == 1 and not _cells_ran(task["output"]):
                    _progress(stream, f"{task['stem']}: kernel start failed ({type(exc).__name__}: {exc}); retrying once")
                    time.sleep(1.0)
                    continue
                import traceback

                status = "failed"
                error = {"ename": type(exc).__name__, "evalue": str(exc), "cell_index": None,
                         "execution_count": None, "traceback": traceback.format_exc()}
                break
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    duration = time.perf_counter() - t0
    finished = _now()
    html, render_s = None, 0.0
    if Path(task["output"]).is_file():
        t1 = time.perf_counter()
        try:
            _render_html(task["output"], task["html"], task["show_code"], task["stem"])
            html = Path(task["html"]).name
        except Exception as exc:  # a broken rendering must not hide the result
            if error is None:
                status = "failed"
                error = {"ename": type(exc).__name__, "evalue": f"HTML rendering failed: {exc}",
                         "cell_index": None, "execution_count": None, "traceback": ""}
        render_s = time.perf_counter() - t1
    try:
        out_dir = Path(task["output_dir"])
        if out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()  # the notebook exported nothing
    except OSError:
        pass
    result = {
        "stem": task["stem"], "status": status, "started": started, "finished": finished,
        "duration_s": round(duration, 2), "render_s": round(render_s, 2), "attempts": attempts,
        "error": error, "html": html,
        "ipynb": Path(task["output"]).name if Path(task["output"]).is_file() else None,
    }
    tail = f" (+{render_s:.1f} s HTML)" if html else ""
    if status == "ok":
        _progress(stream, f"{task['stem']}: ok in {duration:.1f} s{tail}")
    else:
        _progress(stream, f"{task['stem']}: FAILED in {duration:.1f} s{tail}: "
                          f"{error['ename']}: {_first_line(error['evalue'])}")
    return result


def _first_line(text: str, width: int = 160) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def _cells_ran(output: str) -> bool:
    """Did any code cell of the (partially) saved output notebook execute?"""
    try:
        import nbformat

        nb = nbformat.read(output, as_version=4)
    except Exception:
        return False
    return any(c.cell_type == "code" and c.get("execution_count") for c in nb.cells)


_HTML_EXTRA_CSS = ("<style>.jp-OutputArea-output pre, .output_text pre "
                   "{white-space: pre; overflow-x: auto;}</style>")


def _render_html(ipynb: str, html: str, show_code: bool, title: str) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(ipynb, as_version=4)
    exporter = HTMLExporter(exclude_input=not show_code, exclude_input_prompt=not show_code,
                            exclude_output_prompt=not show_code)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # Text tables keep their columns aligned: scroll sideways instead of wrapping lines.
    body = body.replace("</head>", f"{_HTML_EXTRA_CSS}</head>", 1)
    tmp = Path(html + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(html)


# ----------------------------------------------------------------------------- runs, manifest, latest


def _new_run_dir(output: Path) -> Path:
    base = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    output.mkdir(parents=True, exist_ok=True)
    for i in range(1, 1000):
        candidate = output / (base if i == 1 else f"{base}-{i}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a run folder in {output}")


def resolve_latest(output: str | os.PathLike) -> Path | None:
    """The run folder ``OUTPUT/latest`` points at (symlink, else ``latest.txt``), or None."""
    output = Path(output)
    link = output / LATEST
    if link.is_symlink():
        target = link.resolve()
        return target if target.is_dir() else None
    pointer = output / LATEST_TXT
    if pointer.is_file():
        target = output / pointer.read_text(encoding="utf-8").strip()
        return target if target.is_dir() else None
    return None


def _point_latest(output: Path, run_dir: Path) -> str:
    """Point ``OUTPUT/latest`` at ``run_dir`` atomically; returns how ("symlink" or "latest.txt")."""
    link = output / LATEST
    tmp = output / f".{LATEST}.{os.getpid()}.tmp"
    try:
        if link.exists() and not link.is_symlink():
            raise OSError(f"{link} exists and is not a symlink")
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(run_dir.name, tmp, target_is_directory=True)  # relative: the folder can move
        os.replace(tmp, link)
        stale = output / LATEST_TXT
        if stale.exists():
            stale.unlink()
        return "symlink"
    except (OSError, NotImplementedError):
        try:
            if tmp.is_symlink():
                tmp.unlink()
        except OSError:
            pass
        pointer_tmp = output / f".{LATEST_TXT}.{os.getpid()}.tmp"
        pointer_tmp.write_text(run_dir.name + "\n", encoding="utf-8")
        os.replace(pointer_tmp, output / LATEST_TXT)
        return LATEST_TXT


def read_manifest(run_dir: str | os.PathLike) -> dict | None:
    """The parsed ``manifest.json`` of a run folder, or None."""
    p = Path(run_dir) / "manifest.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _previous_headlines(output: Path, stems: list[str], exclude: str) -> dict[str, tuple[str, dict]]:
    """For each stem, (run id, headlines) from the newest complete run that ran it."""
    found: dict[str, tuple[str, dict]] = {}
    runs = []
    latest = resolve_latest(output)
    for d in output.iterdir() if output.is_dir() else []:
        if not d.is_dir() or d.is_symlink() or d.name == exclude:
            continue
        m = read_manifest(d)
        if m and m.get("status") == "complete":
            runs.append((d == latest, m.get("finished") or "", d.name, m))
    for _, _, run_id, m in sorted(runs, reverse=True):  # latest first, then newest
        for nb in m.get("notebooks", []):
            if nb.get("stem") in stems and nb["stem"] not in found and nb.get("status") == "ok":
                found[nb["stem"]] = (run_id, nb.get("headlines") or {})
        if len(found) == len(stems):
            break
    return found


def _compare(current: dict, previous: dict | None, complete: bool = True) -> list[dict]:
    """Rows of the headline table: each key with its previous value and what changed.

    ``complete=False`` (the notebook failed) lists no "removed" rows: the figures it did
    not record were not reached rather than removed.
    """
    rows = []
    for key, entry in current.items():
        value = entry.get("value")
        row = {"key": key, "label": entry.get("label", key), "unit": entry.get("unit", ""), "value": value,
               "previous": None, "difference": None}
        if previous is None or key not in previous:
            row["change"] = "new"
        else:
            old = previous[key].get("value")
            row["previous"] = old
            same = old == value if (_is_number(old) and _is_number(value)) else (
                old == value and type(old) is type(value))
            if same:
                row["change"] = "unchanged"
            else:
                row["change"] = "changed"
                if _is_number(value) and _is_number(old):
                    row["difference"] = round(value - old, 12)
        rows.append(row)
    for key, entry in (previous or {}).items() if complete else ():
        if key not in current:
            rows.append({"key": key, "label": entry.get("label", key), "unit": entry.get("unit", ""),
                         "value": None, "previous": entry.get("value"), "difference": None, "change": "removed"})
    return rows


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _versions() -> dict:
    import platform
    from importlib import metadata

    out = {}
    for dist in RECORDED_PACKAGES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    out["python"] = platform.python_version()
    return out


def _git_commit() -> tuple[str | None, bool | None]:
    """(commit, dirty) of the project checkout this package runs from, or (None, None)."""
    here = Path(__file__).resolve().parent
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True,
                             text=True, timeout=10)
        if top.returncode != 0:
            return None, None
        root = Path(top.stdout.strip())
        if not (root / "src" / "wbcti_analysis").is_dir():
            return None, None  # installed inside some other repository
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None, None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=30)
        return head.stdout.strip(), bool(dirty.stdout.strip()) if dirty.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None, None


def _data_info(data_path: Path | None) -> dict:
    from .datapackage import bundled_data_path, data_hash

    info: dict[str, Any] = {"path": str(data_path) if data_path else None, "bundled": data_path is None,
                            "hash": None}
    try:
        folder = data_path if data_path is not None else bundled_data_path()
        info["path"] = str(folder)
        info["hash"] = data_hash(folder)
    except Exception as exc:  # no bundled package: the notebooks will say so
        info["hash_error"] = str(exc)
    return info


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def _finish_pages(run_dir: Path, manifest: dict) -> None:
    from .report import render_index

    _write_json(run_dir / "manifest.json", manifest)
    (run_dir / "index.html").write_text(render_index(manifest), encoding="utf-8")


def execute(
    plan: RunPlan,
    output: str | os.PathLike = "reports",
    jobs: int = 1,
    show_code: bool = False,
    progress: TextIO | None = sys.stderr,
    start_timeout: int = 120,
) -> tuple[int, Path, dict]:
    """Run a :class:`RunPlan` into a new folder ``output/<run-id>/``.

    Returns ``(exit_status, run_dir, manifest)``: :data:`EXIT_OK` if every notebook
    succeeded (then ``output/latest`` points at the run), else :data:`EXIT_FAILED`.
    ``jobs > 1`` runs notebooks in that many separate processes ('spawn'), because
    papermill's ``cwd`` changes the whole process's directory.
    """
    output = Path(output).expanduser().resolve()
    run_dir = _new_run_dir(output)
    previous_latest = resolve_latest(output)
    t0 = time.perf_counter()
    commit, dirty = _git_commit()
    from . import __version__

    manifest: dict[str, Any] = {
        "run_id": run_dir.name,
        "status": "running",
        "started": _now(),
        "finished": None,
        "duration_s": None,
        "project": {"name": "wbcti-analysis", "version": __version__, "git_commit": commit, "git_dirty": dirty},
        "data": _data_info(plan.data_path),
        "notebooks_dir": str(plan.notebooks_dir),
        "parameters": plan.requested,
        "options": {"jobs": jobs, "show_code": show_code, "kernel": KERNEL_NAME},
        "command": ["wbcti", *sys.argv[1:]] if Path(sys.argv[0]).name in ("wbcti", "__main__.py") else None,
        "versions": _versions(),
        "latest_moved": False,
        "notebooks": [],
    }
    tasks = []
    for n in plan.notebooks:
        params = dict(plan.parameters.get(n.stem, {}))
        if "data_path" in n.parameters and plan.data_path is not None:
            params["data_path"] = str(plan.data_path)
        if "output_dir" in n.parameters:
            params["output_dir"] = str(run_dir / f"{n.stem}_files")
        tasks.append({
            "stem": n.stem, "input": str(n.path), "output": str(run_dir / n.name),
            "html": str(run_dir / f"{n.stem}.html"), "cwd": str(plan.notebooks_dir),
            "headlines_file": str(run_dir / f"{n.stem}{HEADLINES_SUFFIX}"),
            "output_dir": str(run_dir / f"{n.stem}_files"), "parameters": params,
            "show_code": show_code, "progress": progress is not None, "start_timeout": start_timeout,
        })
        manifest["notebooks"].append({
            "name": n.name, "stem": n.stem, "title": n.title, "status": "pending",
            "parameters": params,
            "defaults": {p.name: p.default for p in n.parameters.values()},
        })
    _write_json(run_dir / "manifest.json", manifest)  # a run that dies midway is recognisable
    _progress(progress, f"run {run_dir.name}: {len(tasks)} notebook(s), {jobs} job(s) -> {run_dir}")
    results: dict[str, dict] = {}
    interrupted = False
    try:
        if jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                results[task["stem"]] = _execute_notebook(task, progress)
        else:
            results.update(_execute_parallel(tasks, jobs))
    except KeyboardInterrupt:
        interrupted = True
        _progress(progress, "interrupted: writing what finished so far")
    previous = _previous_headlines(output, [t["stem"] for t in tasks], exclude=run_dir.name)
    changed = 0
    for entry, task in zip(manifest["notebooks"], tasks):
        res = results.get(task["stem"]) or {"status": "not run", "error": None}
        entry.update({k: v for k, v in res.items() if k != "stem"})
        try:
            from .headlines import read as read_headlines

            entry["headlines"] = read_headlines(task["headlines_file"])
        except (OSError, ValueError) as exc:
            entry["headlines"] = {}
            entry["headlines_error"] = str(exc)
        if entry["headlines"] or Path(task["headlines_file"]).is_file():
            entry["headlines_file"] = Path(task["headlines_file"]).name
        prev_run, prev = previous.get(task["stem"], (None, None))
        entry["compared_with"] = prev_run
        entry["changes"] = _compare(entry["headlines"], prev, complete=entry["status"] == "ok")
        changed += sum(r["change"] != "unchanged" for r in entry["changes"]) if prev_run else 0
        if (run_dir / f"{task['stem']}_files").is_dir():
            entry["output_dir"] = f"{task['stem']}_files"
    n_ok = sum(e["status"] == "ok" for e in manifest["notebooks"])
    all_ok = n_ok == len(tasks) and not interrupted
    manifest["status"] = "complete" if all_ok else ("interrupted" if interrupted else "failed")
    manifest["finished"] = _now()
    manifest["duration_s"] = round(time.perf_counter() - t0, 2)
    manifest["headline_changes"] = changed
    manifest["previous_complete_run"] = previous_latest.name if previous_latest else None
    prev_manifest = read_manifest(previous_latest) if previous_latest else None
    prev_hash = ((prev_manifest or {}).get("data") or {}).get("hash")
    manifest["data_changed"] = (prev_hash != manifest["data"]["hash"]) if prev_hash else None
    manifest["latest_moved"] = all_ok
    _finish_pages(run_dir, manifest)
    if all_ok:
        manifest["latest_pointer"] = _point_latest(output, run_dir)
        _write_json(run_dir / "manifest.json", manifest)
    try:
        from .report import render_history

        (output / "index.html").write_text(render_history(output), encoding="utf-8")
    except Exception as exc:  # the history page is a convenience
        _progress(progress, f"could not write {output / 'index.html'}: {exc}")
    if interrupted:
        raise KeyboardInterrupt
    return (EXIT_OK if all_ok else EXIT_FAILED), run_dir, manifest


def _execute_parallel(tasks: list[dict], jobs: int) -> dict[str, dict]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: dict[str, dict] = {}
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx) as pool:
        futures = {pool.submit(_execute_notebook, t): t for t in tasks}
        for fut in as_completed(futures):
            task = futures[fut]
            try:
                results[task["stem"]] = fut.result()
            except Exception as exc:  # the worker process itself died
                results[task["stem"]] = {
                    "stem": task["stem"], "status": "failed", "started": None, "finished": _now(),
                    "duration_s": None, "render_s": None, "attempts": 1, "html": None, "ipynb": None,
                    "error": {"ename": type(exc).__name__, "evalue": f"worker process failed: {exc}",
                              "cell_index": None, "execution_count": None, "traceback": ""},
                }
    return results


def run(
    refs: Iterable[str] = (),
    cli_params: Iterable[tuple[str, str]] = (),
    params_file: str | os.PathLike | None = None,
    data: str | os.PathLike | None = None,
    output: str | os.PathLike = "reports",
    jobs: int = 1,
    show_code: bool = False,
    notebooks_dir: str | os.PathLike | None = None,
    progress: TextIO | None = sys.stderr,
) -> tuple[int, Path, dict]:
    """Plan and execute a run (see :func:`plan_run` and :func:`execute`).

    Raises :class:`RunRefused` (nothing is run or written) on a bad notebook name,
    parameter, type or data package.

    Examples
    --------
    >>> status, run_dir, manifest = run(["01"], [("countries", "[XK, AL]")])   # doctest: +SKIP
    >>> manifest["notebooks"][0]["status"]                                      # doctest: +SKIP
    'ok'
    """
    plan = plan_run(refs, cli_params, params_file, data, notebooks_dir)
    for w in plan.warnings:
        _progress(progress, f"warning: {w}")
    return execute(plan, output, jobs=jobs, show_code=show_code, progress=progress)
