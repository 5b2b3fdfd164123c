"""Sweeps: one notebook run per parameter value (the cross product for several sweeps).

``wbcti run 01 --sweep countries=AL,BA,XK`` runs notebook 01 three times into the same
run folder, one page per value (``01-coordination-graph--countries-AL.html`` ...), and
the run writes ``sweep.html``, the headline figures side by side. Values are read as
YAML like ``-p`` values, split at commas outside brackets (``countries=[AL,XK],[BA]``
sweeps over two lists); for a list parameter a single value is the list of that value
(``countries=AL`` gives ``["AL"]``). Every combination is checked as a full parameter set
by the notebook's declaration before anything runs. A sweep run is ad hoc: it never
moves ``latest``.
"""
from __future__ import annotations

import itertools
import re
from typing import Any, Callable, Iterable

from ..params import check_all
from .collection import Notebook

__all__ = ["split_values", "parse_sweep", "page_key", "expand_sweeps", "page_units"]


def split_values(text: str) -> list[str]:
    """Split ``text`` at commas that are outside brackets, braces and quotes.

    Examples
    --------
    >>> split_values("AL,BA, XK")
    ['AL', 'BA', 'XK']
    >>> split_values("[AL,XK],[BA],'a,b'")
    ['[AL,XK]', '[BA]', "'a,b'"]
    """
    out, depth, quote, cur = [], 0, None, []
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur).strip())
    return out


def parse_sweep(spec: str) -> tuple[str, list[str]]:
    """``"name=v1,v2"`` -> ``("name", ["v1", "v2"])``; ValueError saying what is wrong.

    >>> parse_sweep("countries=AL,BA")
    ('countries', ['AL', 'BA'])
    """
    name, sep, rest = spec.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"--sweep {spec}: write NAME=VALUE,VALUE,... (e.g. --sweep countries=AL,BA,XK)")
    values = [v for v in split_values(rest) if v != ""]
    if not values:
        raise ValueError(f"--sweep {spec}: no values after '='")
    if len(set(values)) < len(values):
        raise ValueError(f"--sweep {spec}: a value is given twice")
    return name, values


def _slug(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "+".join(_slug(v) for v in value) or "none"
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("_") or "empty"


def page_key(stem: str, values: dict[str, Any]) -> str:
    """The file stem of one sweep page.

    >>> page_key("01-coordination-graph", {"countries": ["AL"], "top_n": 5})
    '01-coordination-graph--countries-AL--top_n-5'
    """
    return stem + "".join(f"--{name}-{_slug(v)}" for name, v in values.items())


def _value(raw: str, param, parse: Callable) -> Any:
    value = parse(raw, param)
    if param.kind == "list" and not isinstance(value, list):
        value = [value]
    if param.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return value


def expand_sweeps(selected: list[Notebook], params: dict[str, dict], sweeps: Iterable[str], ds,
                  parse: Callable, fixed: Iterable[str] = ()) -> tuple[dict, dict, list[str], list[str]]:
    """Check ``--sweep`` specs and expand them into pages per notebook.

    Parameters
    ----------
    selected : the notebooks of the run.
    params : ``{stem: parameters}`` already resolved (defaults < params file < ``-p``).
    sweeps : ``"name=v1,v2"`` specs.
    ds : the data package (for the declarations' package-dependent rules), or None.
    parse : how a value's text is read (:func:`.plan.parse_cli_value`).
    fixed : names set with ``-p`` (a name cannot be both set and swept).

    Returns
    -------
    variants : dict
        ``{stem: [{"key", "values", "label", "non_default"}]}`` for each notebook that
        declares a swept name (others run once, as usual).
    sweep : dict
        ``{name: [value texts]}``, as asked.
    problems, warnings : lists of str
        Every problem (unknown name, a name also set with ``-p``, a value of the wrong
        type or not allowed) names the ``--sweep`` and the notebook.
    """
    problems: list[str] = []
    warnings: list[str] = []
    sweep: dict[str, list[str]] = {}
    fixed = set(fixed)
    for spec in sweeps:
        try:
            name, values = parse_sweep(spec)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if name in sweep:
            problems.append(f"--sweep {spec}: '{name}' is swept twice; give its values in one --sweep")
        elif name in ("data_path", "output_dir"):
            problems.append(f"--sweep {spec}: '{name}' is set by the runner and cannot be swept")
        elif name in fixed:
            problems.append(f"--sweep {spec}: '{name}' is also set with -p; drop one of the two")
        elif not any(name in n.parameters for n in selected):
            known = sorted({p for n in selected for p in n.parameters} - {"data_path", "output_dir"})
            problems.append(f"--sweep {spec}: unknown parameter '{name}': not declared by any selected "
                            f"notebook (declared: {', '.join(known) or 'none'})")
        else:
            sweep[name] = values
    variants: dict[str, list[dict]] = {}
    for n in selected:
        names = [name for name in sweep if name in n.parameters]
        if not names:
            if sweep:
                warnings.append(f"{n.name}: declares none of the swept parameters ({', '.join(sweep)}): it runs once")
            continue
        pages, seen = [], set()
        for combo in itertools.product(*(sweep[name] for name in names)):
            label = ", ".join(f"{name} = {raw}" for name, raw in zip(names, combo))
            values, bad = {}, False
            for name, raw in zip(names, combo):
                param = n.parameters[name]
                value = _value(raw, param, parse)
                why = param.type_problem(value)
                if why:
                    problems.append(f"--sweep {name}={raw}: wrong type for '{name}' in {n.name}: {why}")
                    bad = True
                values[name] = value
            if bad:
                continue
            full = {**params.get(n.stem, {}), **values}
            found, _ = check_all(n.declaration, full, ds) if n.declaration is not None else ([], [])
            problems.extend(f"--sweep {label}: {p}" for p in found if f"--sweep {label}: {p}" not in problems)
            key = page_key(n.stem, values)
            while key in seen:
                key += "_"
            seen.add(key)
            non_default = n.declaration.non_default(full) if n.declaration is not None else dict(values)
            pages.append({"key": key, "values": values, "label": label, "non_default": non_default})
        variants[n.stem] = pages
    return variants, sweep, problems, warnings


def page_units(plan) -> list[tuple[Notebook, str, dict, dict | None]]:
    """``(notebook, page key, swept values, sweep page or None)`` for each page of a run.

    Without a sweep, one unit per notebook whose page key is its stem; a sweep page is a
    dict of :func:`expand_sweeps` (``key``, ``values``, ``label``, ``non_default``).
    """
    out = []
    for n in plan.notebooks:
        pages = (getattr(plan, "variants", None) or {}).get(n.stem)
        if not pages:
            out.append((n, n.stem, {}, None))
        else:
            out.extend((n, p["key"], p["values"], p) for p in pages)
    return out
