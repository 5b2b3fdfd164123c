"""Headline figures: the few key results each notebook records for the run's index page.

The library builds headline figures as :class:`Headline` objects (key, label, value,
unit, n, caveat), so notebooks and the report never assemble them by hand. A notebook
passes them to :func:`record`. When the notebook runs under ``wbcti run``, the runner sets
``$WBCTI_HEADLINES_FILE`` and the figures are written there as JSON
(``{key: {"value", "label", "unit", "n", "caveat"}}``); the index page shows them and what
changed since the previous run. Run interactively, ``record`` only returns the entries.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

__all__ = ["Headline", "record", "read", "ENV_VAR"]

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


@dataclass(frozen=True)
class Headline:
    """One key result of a notebook, as the index page and the run comparison show it.

    Attributes
    ----------
    key : str
        Stable identifier, compared across runs (e.g. ``"ei_index_law_enforcement"``).
    label : str
        What it is, in words a reader of the index page understands.
    value : number, str, bool or None
        The figure; numbers are compared with the previous run's. None when not computable.
    unit : str
        Unit of ``value`` (``"share of activities"``, ``"actors"``, ``""`` for an index).
    n : int or None
        How many observations the figure rests on (actors, activities, compared values).
    caveat : str
        What the figure cannot say (a tie, thin data, a source confound); "" when none.

    Examples
    --------
    >>> h = Headline("actors", "Actors in the graph", 12, unit="actors", n=12)
    >>> h.as_entry()["value"], h.as_entry()["n"]
    (12, 12)
    """

    key: str
    label: str
    value: Any
    unit: str = ""
    n: int | None = None
    caveat: str = ""

    def as_entry(self) -> dict:
        """Return the JSON-ready entry (without the key): value, label, unit, n, caveat."""
        d = asdict(self)
        d.pop("key")
        d["value"] = _plain(d["value"])
        d["n"] = _plain(d["n"])
        return d


def record(key: "str | Headline | Iterable[Headline]", value: Any = None, label: str = "", unit: str = "",
           n: int | None = None, caveat: str = "") -> dict:
    """Record headline figures and return their entries as ``{key: entry}``.

    Pass a :class:`Headline`, an iterable of them, or (older form) the fields one by one:
    ``record(key, value, label, unit)``.
    """
    if isinstance(key, Headline):
        items = [key]
    elif isinstance(key, str):
        items = [Headline(key, label, value, unit, n, caveat)]
    else:
        items = list(key)
        if not all(isinstance(h, Headline) for h in items):
            raise TypeError("record() takes a Headline, an iterable of Headline, or key, value, label")
    entries = {h.key: h.as_entry() for h in items}
    target = os.environ.get(ENV_VAR)
    if target:
        path = Path(target)
        data = read(path)
        data.update(entries)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return entries


def read(path: str | os.PathLike) -> dict:
    """Return the headline figures stored at ``path`` ({} if the file does not exist)."""
    p = Path(path)
    if not p.is_file():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))
