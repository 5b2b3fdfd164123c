"""Headline figures: the few key results each notebook records for the run's index page.

A notebook calls :func:`record` for each key result. When the notebook runs under
``wbcti run``, the runner sets ``$WBCTI_HEADLINES_FILE`` and the figures are written there
as JSON (``{key: {"value", "label", "unit"}}``); the index page shows them and what
changed since the previous run. Run interactively, ``record`` only returns the entry.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

__all__ = ["record", "read", "ENV_VAR"]

ENV_VAR = "WBCTI_HEADLINES_FILE"


def _plain(value: Any) -> Any:
    """Turn numpy / pandas scalars into JSON-ready Python values (NaN -> None)."""
    if hasattr(value, "item") and callable(value.item):
        try:
            value = value.item()
        except (ValueError, TypeError):
            pass
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def record(key: str, value: Any, label: str, unit: str = "") -> dict:
    """Record one headline figure and return its entry.

    Parameters
    ----------
    key : str
        Stable identifier, compared across runs (e.g. ``"ei_index_law_enforcement"``).
    value : number, str, bool or None
        The figure; numbers are compared with the previous run's.
    label : str
        What it is, for a reader of the index page.
    unit : str
        Unit of ``value`` (``"share of activities"``, ``"actors"``, ``""`` for an index).
    """
    entry = {"value": _plain(value), "label": label, "unit": unit}
    target = os.environ.get(ENV_VAR)
    if target:
        path = Path(target)
        data = read(path)
        data[key] = entry
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return {key: entry}


def read(path: str | os.PathLike) -> dict:
    """Return the headline figures stored at ``path`` ({} if the file does not exist)."""
    p = Path(path)
    if not p.is_file():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))
