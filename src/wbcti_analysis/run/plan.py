"""Planning a run: the collection, each notebook's parameters, and refusal before anything runs.

:func:`discover` finds the collection (every ``NN-*.ipynb``) and reads each notebook's
``parameters`` cell with :func:`papermill.inspect_notebook`. A notebook the library
declares (:data:`wbcti_analysis.params.DECLARATIONS`) takes its parameters from the
declaration; any other notebook gets types and defaults from its cell. :func:`plan_run`
resolves notebooks and parameters (``-p``, a params file, ``--data``) and checks them all
with :func:`wbcti_analysis.params.check_all` (types, allowed values, ranges, cross-field
rules, ids and codes the data package must have); any problem raises :class:`RunRefused`
listing every one, before anything runs or is written.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..params import Param, check_all
from ..params.model import type_word
from .collection import UNPARSED_HINT, Notebook, RunRefused, _matches, default_notebooks_dir, discover, select

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_REFUSED", "RUNNER_PARAMETERS", "UNPARSED_HINT", "RunRefused",
           "Notebook", "RunPlan", "default_notebooks_dir", "discover", "select", "parse_cli_value",
           "read_params_file", "plan_run"]

EXIT_OK = 0  # every notebook succeeded
EXIT_FAILED = 1  # at least one notebook failed (the others still ran)
EXIT_REFUSED = 2  # refused before anything ran: bad notebook name, parameter, type, value or data
# Parameters the runner sets itself; users choose them through --data and --output.
RUNNER_PARAMETERS = {"data_path": "--data", "output_dir": "--output"}


def parse_cli_value(raw: str, param: Param | None = None) -> Any:
    """Parse a ``-p NAME VALUE`` value with ``yaml.safe_load``, as ``papermill -y`` does.

    For a ``str`` parameter the text is kept as typed (so ``-p period 2017`` passes the
    string ``"2017"``); ``null`` still gives None when the parameter's default is None.
    For a ``float`` parameter, text Python reads as a number (``1e3``) is accepted.
    """
    import yaml

    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        value = raw
    if param is not None:
        if param.kind == "str" and not isinstance(value, str):
            return None if (value is None and param.default is None) else raw
        if param.kind == "float" and isinstance(value, str):
            try:
                return float(raw)
            except ValueError:
                pass
    return value


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
                         f"to values, got {type_word(data)}")
    return data




# ----------------------------------------------------------------------------- planning


@dataclass
class RunPlan:
    """What :func:`..execute.execute` will run: notebooks with the parameters each one gets.

    ``scheduled`` is True for the whole collection with parameters from the defaults or a
    params file (no ``-p``): only such a run, when it completes, moves ``latest``;
    ``adhoc_reasons`` says why a run is not scheduled. ``non_default`` holds, per
    notebook, the parameters that differ from its defaults (what runs are compared by).
    """

    notebooks: list[Notebook]
    parameters: dict[str, dict[str, Any]]  # stem -> parameters passed to papermill (before runner's own)
    notebooks_dir: Path
    data_path: Path | None = None  # None: the notebooks' default (the bundled package)
    requested: dict = field(default_factory=dict)  # what the user asked for, for the manifest
    warnings: list[str] = field(default_factory=list)
    scheduled: bool = True
    adhoc_reasons: list[str] = field(default_factory=list)
    non_default: dict[str, dict[str, Any]] = field(default_factory=dict)
    collection: list[str] = field(default_factory=list)  # every stem of the collection
    sweep: dict[str, list[str]] = field(default_factory=dict)  # --sweep NAME=...: {name: value texts}
    variants: dict[str, list[dict]] = field(default_factory=dict)  # stem -> its sweep pages (.sweep)


def _looks_like_notebook(key: str) -> bool:
    return key[:1].isdigit() or key.endswith(".ipynb")


def plan_run(
    refs: Iterable[str] = (),
    cli_params: Iterable[tuple[str, str]] = (),
    params_file: str | os.PathLike | None = None,
    data: str | os.PathLike | None = None,
    notebooks_dir: str | os.PathLike | None = None,
    sweeps: Iterable[str] = (),
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
    sweeps : ``"NAME=V1,V2"`` specs (``--sweep``): one page per value, the cross product
        for several; each combination is checked as a full parameter set
        (:func:`.sweep.expand_sweeps`). A sweep run is ad hoc.

    Notebook references are checked first (a reference matching no notebook, or several,
    is refused at once). Then every other problem is collected before refusing: a name no
    selected notebook declares, a value of the wrong type, a value its declaration does
    not allow (choices, range, cross-field rules, codes and ids the data package does not
    have: checked against ``--data`` or the bundled package), ``data_path`` or
    ``output_dir`` given as a parameter, a bad params file, an invalid data package.
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
            if param.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)  # -p threshold 1 gives the notebook 1.0, as its default's type
            why = param.type_problem(value)
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
                                    f"parameter names to values, got {type_word(value)}")
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

    data_path = Path(data).expanduser().resolve() if data is not None else None
    needs_package = any(p.domain for n in selected if n.declaration for p in n.declaration.params) or any(
        n.declaration and n.declaration.selection for n in selected)
    ds = None
    sweeps = list(sweeps)
    if data_path is not None or needs_package or sweeps:
        ds, data_problems = _load_package(data_path)
        problems.extend(data_problems)
    if data_path is not None:
        missing = [n.name for n in selected if "data_path" not in n.parameters]
        if missing:
            problems.append(f"--data: {', '.join(missing)} declare(s) no 'data_path' parameter, "
                            "so it would ignore your data package")
    non_default = {}
    for n in selected:
        if n.declaration is None:
            continue
        found, notes = check_all(n.declaration, params[n.stem], ds)
        problems.extend(found)
        warnings.extend(notes)
        non_default[n.stem] = n.declaration.non_default(params[n.stem])
    variants, sweep = {}, {}
    if sweeps:
        from .sweep import expand_sweeps

        variants, sweep, found, notes = expand_sweeps(selected, params, sweeps, ds, parse_cli_value,
                                                      fixed=[k for k, _ in cli_params])
        problems.extend(found)
        warnings.extend(notes)
        requested["sweep"] = sweep
    if problems:
        raise RunRefused(problems)
    adhoc = []
    if len(selected) < len(collection):
        adhoc.append(f"only some notebooks of the collection: {', '.join(n.stem for n in selected)}")
    if cli_params:
        adhoc.append(f"parameters set with -p: {', '.join(dict.fromkeys(k for k, _ in cli_params))}")
    if sweep:
        adhoc.append("a sweep over " + "; ".join(f"{k} = {', '.join(v)}" for k, v in sweep.items()))
    return RunPlan(selected, params, folder, data_path, requested, warnings, scheduled=not adhoc,
                   adhoc_reasons=adhoc, non_default=non_default, collection=[n.stem for n in collection],
                   sweep=sweep, variants=variants)


def _load_package(path: Path | None):
    """``(dataset or None, problems)``: the package at ``path`` (``--data``) or the bundled one."""
    from ..datapackage import DataValidationError, load

    label = "--data" if path is not None else "the bundled data package"
    if path is not None and not path.is_dir():
        return None, [f"--data {path}: no such folder"]
    try:
        return load(path), []
    except FileNotFoundError as exc:
        return None, [f"{label}: {exc}"]
    except DataValidationError as exc:
        found = exc.problems
        where = path if path is not None else "the bundled location"
    head = f"{label}: {len(found)} problem(s) in the data package at {where} (run `wbcti validate {path or ''}`):"
    return None, [head] + [f"  {p}" for p in found[:50]] + ([f"  ... and {len(found) - 50} more"] if len(found) > 50 else [])
