"""The sweep comparison page (``sweep.html``): a sweep's headline figures side by side.

One table per swept notebook: a row per headline figure (in the order the pages recorded
them), a column per swept value, each cell the value with its unit and its n, then each
page's status and link; the caveats follow the table. Rendered from the run's manifest
dict (written by :mod:`wbcti_analysis.run`), like the other pages.
"""
from __future__ import annotations

from typing import Any

from .pages import _css, environment

__all__ = ["sweep_tables", "render_sweep"]


def sweep_tables(manifest: dict) -> list[dict]:
    """The comparison tables of a sweep run: one per swept notebook.

    Returns
    -------
    list of dict
        ``notebook`` (stem), ``title``, ``columns`` (the pages' manifest entries, in run
        order), ``rows`` (``key``, ``label``, ``unit``, ``cells``: per column the headline
        entry or None) and ``caveats`` (``(column label, figure label, caveat)``).

    Examples
    --------
    >>> m = {"notebooks": [
    ...     {"stem": "01-x--c-AL", "notebook": "01-x", "sweep_label": "c = AL", "status": "ok",
    ...      "headlines": {"n": {"value": 3, "label": "actors", "n": 3}}},
    ...     {"stem": "01-x--c-BA", "notebook": "01-x", "sweep_label": "c = BA", "status": "ok",
    ...      "headlines": {"n": {"value": 5, "label": "actors", "n": 5, "caveat": "thin"}}}]}
    >>> t = sweep_tables(m)[0]
    >>> [c["value"] for c in t["rows"][0]["cells"]], t["caveats"]
    ([3, 5], [('c = BA', 'actors', 'thin')])
    """
    groups: dict[str, list[dict]] = {}
    for nb in manifest.get("notebooks") or []:
        if nb.get("notebook"):
            groups.setdefault(nb["notebook"], []).append(nb)
    tables = []
    for stem, cols in groups.items():
        order: dict[str, dict[str, Any]] = {}
        for nb in cols:
            for key, h in (nb.get("headlines") or {}).items():
                order.setdefault(key, {"key": key, "label": h.get("label") or key, "unit": h.get("unit") or ""})
        rows = [{**meta, "cells": [(nb.get("headlines") or {}).get(key) for nb in cols]} for key, meta in order.items()]
        caveats = []
        for nb in cols:
            for key, h in (nb.get("headlines") or {}).items():
                if h.get("caveat"):
                    caveats.append((nb.get("sweep_label") or nb["stem"], h.get("label") or key, h["caveat"]))
        title = (cols[0].get("title") or stem).rsplit(" (", 1)[0] if cols[0].get("sweep_label") else stem
        tables.append({"notebook": stem, "title": title, "columns": cols, "rows": rows, "caveats": caveats})
    return tables


def render_sweep(manifest: dict) -> str:
    """``sweep.html`` of a sweep run, from its manifest."""
    sweep = manifest.get("sweep") or {}
    return environment().get_template("sweep.html.j2").render(
        css=_css(), m=manifest, parameters=sweep.get("parameters") or {}, tables=sweep_tables(manifest))
