"""Reading a notebook's cells and its parameters cell without importing nbformat or papermill.

Planning a run reads every notebook of the collection; importing nbformat (with its JSON
schema format checkers) and papermill costs seconds, which a run whose pages are all
reused (:mod:`.cache`) would otherwise spend on nothing else. :func:`read_cells` parses a
version-4 notebook with :mod:`json` (other versions return None: the caller falls back to
nbformat), and :func:`inspect_parameters` reads a Python ``parameters`` cell exactly as
:func:`papermill.inspect_notebook` does (its ``PythonTranslator.inspect``, papermill 2.x,
BSD-3-Clause licence, reproduced here); ``tests/test_runner_scale.py`` checks that both
give the same answer on every notebook of the project.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

__all__ = ["read_cells", "inspect_parameters", "is_python"]


class _Cell(dict):
    """A cell as a dict that also answers attributes (``cell.source``), like nbformat's nodes."""

    __getattr__ = dict.__getitem__

# papermill.translators.PythonTranslator.PARAMETER_PATTERN
_PARAMETER_PATTERN = re.compile(
    r"^(?P<target>\w[\w_]*)\s*(:\s*[\"']?(?P<annotation>\w[\w_\[\],\s]*)[\"']?\s*)?=\s*(?P<value>.*?)"
    r"(\s*#\s*(type:\s*(?P<type_comment>[^\s]*)\s*)?(?P<help>.*))?$"
)


def read_cells(path: str | os.PathLike) -> SimpleNamespace | None:
    """A version-4 notebook as ``.cells`` (each with ``cell_type``, ``source`` as one string
    and ``metadata``) and ``.metadata``; None for another nbformat version.

    Raises ValueError (or OSError) when the file is not a notebook's JSON.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        if isinstance(data, dict) and data.get("nbformat", 4) != 4:
            return None
        raise ValueError("not a notebook: no list of cells")
    if data.get("nbformat") != 4:
        return None
    cells = []
    for c in data["cells"]:
        src = c.get("source", "")
        cells.append(_Cell(cell_type=c.get("cell_type", ""), metadata=c.get("metadata") or {},
                           source="".join(src) if isinstance(src, list) else str(src)))
    return SimpleNamespace(cells=cells, metadata=data.get("metadata") or {})


def is_python(node: SimpleNamespace) -> bool:
    """Whether papermill would inspect this notebook's parameters with its Python translator."""
    meta = node.metadata
    language = (meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name")
    return language in (None, "python")


def _flatten(accumulator: list[str]) -> str:
    flat = ""
    for line in accumulator[:-1]:
        flat += line[: line.index("#")].strip() if "#" in line else line.strip()
    if accumulator:
        flat += accumulator[-1].strip()
    return flat


def inspect_parameters(source: str) -> dict[str, dict]:
    """The parameters of a Python ``parameters`` cell, as :func:`papermill.inspect_notebook` returns them.

    Returns
    -------
    dict
        ``{name: {"name", "inferred_type_name", "default", "help"}}`` (all strings). A
        line with more than one ``=`` is skipped, as papermill skips it.

    Examples
    --------
    >>> inspect_parameters('top_n: int = 10  # how many\\ncountries: list = [\\n  "XK"]')["countries"]["default"]
    '["XK"]'
    >>> inspect_parameters("a = 1  # x = y")
    {}
    """
    grouped, accumulator = [], []
    for line in source.splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        n_equal = line.count("=")
        if n_equal > 0:
            grouped.append(_flatten(accumulator))
            accumulator = []
            if n_equal > 1:
                continue
        accumulator.append(line)
    grouped.append(_flatten(accumulator))
    out: dict[str, dict] = {}
    for definition in grouped:
        match = _PARAMETER_PATTERN.match(definition) if definition else None
        if match is None or match.group("target") is None:
            continue
        attr = match.groupdict()
        name = attr["target"].strip()
        out[name] = {"name": name, "inferred_type_name": str(attr["annotation"] or attr["type_comment"] or None).strip(),
                     "default": str(attr["value"]).strip(), "help": str(attr["help"] or "").strip()}
    return out
