"""Honest run comparison: which earlier run a run may be compared with, value by value.

A run is compared value by value only with the newest earlier run of the **same
notebooks, the same non-default parameters and the same data hash** (its *signature*).
When there is none, the run is not compared: the page says what differs from the
reference run (``latest``, else the newest earlier run) instead: notebooks, parameters,
data hash, code version. A difference in code alone does not stop the comparison (it is
what a re-run after a code change wants to see), but the page says the code differs.

Only a *scheduled* run (the whole collection, parameters from the defaults or a params
file, no ``-p``) that completes moves ``latest``; ad-hoc, filtered and partial runs are
kept and listed but never replace it.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["signature", "choose_comparison", "compare_headlines", "describe_differences", "code_differences",
           "NOT_COMPARED"]

NOT_COMPARED = "not compared"


def _short(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def signature(manifest: dict) -> dict | None:
    """What must be equal for two runs to be compared: notebooks, non-default parameters, data hash.

    None for a manifest written before runs recorded their non-default parameters.

    Examples
    --------
    >>> signature({"data": {"hash": "ab"}, "notebooks": [{"stem": "01-x", "non_default": {"top_n": 5}}]})
    {'notebooks': ['01-x'], 'parameters': {'01-x': {'top_n': 5}}, 'data_hash': 'ab'}
    """
    nbs = manifest.get("notebooks") or []
    if any("non_default" not in nb for nb in nbs):
        return None
    return {"notebooks": sorted(nb["stem"] for nb in nbs),
            "parameters": {nb["stem"]: nb["non_default"] for nb in nbs},
            "data_hash": (manifest.get("data") or {}).get("hash")}


def choose_comparison(current: dict, runs: list[dict], latest_id: str | None) -> dict:
    """Which earlier runs ``current`` is compared with.

    Parameters
    ----------
    current : the manifest of the run being finished.
    runs : earlier manifests, newest first (:func:`..manifest.list_runs`).
    latest_id : the run ``latest`` points at before this one, or None.

    Returns
    -------
    dict
        ``compared_with`` (run id of the newest same-signature run, or None),
        ``per_notebook`` ({stem: (run id, headlines)} from the newest same-signature run in
        which that notebook succeeded), ``reference`` (the run the differences are stated
        against when not compared, or None), ``differences`` (texts: why not compared) and
        ``code`` (texts: how the code differs from the compared or reference run).
    """
    sig = signature(current)
    same = [m for m in runs if sig is not None and signature(m) == sig]
    per_notebook: dict[str, tuple[str, dict]] = {}
    for m in same:
        for nb in m.get("notebooks", []):
            if nb.get("status") == "ok" and nb["stem"] not in per_notebook:
                per_notebook[nb["stem"]] = (m["run_id"], nb.get("headlines") or {})
    if same:
        return {"compared_with": same[0]["run_id"], "per_notebook": per_notebook, "reference": None,
                "differences": [], "code": code_differences(current, same[0])}
    ref = next((m for m in runs if m.get("run_id") == latest_id), None) or (runs[0] if runs else None)
    if ref is None:
        return {"compared_with": None, "per_notebook": {}, "reference": None, "differences": [], "code": []}
    return {"compared_with": None, "per_notebook": {}, "reference": ref["run_id"],
            "differences": describe_differences(current, ref), "code": code_differences(current, ref)}


def describe_differences(current: dict, other: dict) -> list[str]:
    """Why ``current`` is not compared with ``other``: notebooks, parameters, data hash (texts).

    Examples
    --------
    >>> a = {"data": {"hash": "1"}, "notebooks": [{"stem": "01-x", "non_default": {"countries": ["FR"]}}]}
    >>> b = {"run_id": "r1", "data": {"hash": "1"}, "notebooks": [{"stem": "01-x", "non_default": {"countries": ["XK"]}}]}
    >>> describe_differences(a, b)
    ['parameters of 01-x: countries = ["FR"] here, ["XK"] in run r1']
    """
    out = []
    rid = other.get("run_id")
    mine = {nb["stem"]: nb for nb in current.get("notebooks", [])}
    theirs = {nb["stem"]: nb for nb in other.get("notebooks", [])}
    if sorted(mine) != sorted(theirs):
        out.append(f"notebooks: this run ran {', '.join(sorted(mine)) or 'none'}; run {rid} ran "
                   f"{', '.join(sorted(theirs)) or 'none'}")
    for stem in sorted(set(mine) & set(theirs)):
        a, b = mine[stem].get("non_default"), theirs[stem].get("non_default")
        if b is None:
            out.append(f"parameters of {stem}: run {rid} did not record them")
            continue
        if a == b:
            continue
        parts = []
        for name in sorted(set(a or {}) | set(b)):
            if (a or {}).get(name, ...) != b.get(name, ...):
                here = _short(a[name]) if name in (a or {}) else "default"
                there = _short(b[name]) if name in b else "default"
                parts.append(f"{name} = {here} here, {there} in run {rid}")
        out.append(f"parameters of {stem}: " + "; ".join(parts))
    h1, h2 = (current.get("data") or {}).get("hash"), (other.get("data") or {}).get("hash")
    if h1 != h2:
        out.append(f"data package: hash {(h1 or 'unknown')[:12]} here, {(h2 or 'unknown')[:12]} in run {rid}")
    if not out:
        out.append(f"run {rid} did not record what it ran with (an older manifest)")
    return out


def code_differences(current: dict, other: dict) -> list[str]:
    """How the code of ``current`` differs from ``other``'s: project version, commit, notebooks.

    Examples
    --------
    >>> code_differences({"project": {"version": "0.2"}, "notebooks": [{"stem": "01-x", "notebook_hash": "b"}]},
    ...                  {"run_id": "r1", "project": {"version": "0.1"}, "notebooks": [{"stem": "01-x", "notebook_hash": "a"}]})
    ['project version 0.2 here, 0.1 in run r1', 'notebook(s) edited since run r1: 01-x']
    """
    out = []
    rid = other.get("run_id")
    p1, p2 = current.get("project") or {}, other.get("project") or {}
    if p1.get("version") != p2.get("version"):
        out.append(f"project version {p1.get('version')} here, {p2.get('version')} in run {rid}")
    c1, c2 = p1.get("git_commit"), p2.get("git_commit")
    if c1 != c2:
        out.append(f"commit {(c1 or 'unknown')[:12]} here, {(c2 or 'unknown')[:12]} in run {rid}")
    elif p1.get("git_dirty") or p2.get("git_dirty"):
        out.append("uncommitted changes in the checkout")
    theirs = {nb["stem"]: nb.get("notebook_hash") for nb in other.get("notebooks", [])}
    changed = [nb["stem"] for nb in current.get("notebooks", [])
               if nb["stem"] in theirs and nb.get("notebook_hash") != theirs[nb["stem"]]]
    if changed:
        out.append(f"notebook(s) edited since run {rid}: {', '.join(changed)}")
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compare_headlines(current: dict, previous: dict | None, complete: bool = True, compared: bool = True) -> list[dict]:
    """Rows of the headline table: each key with its previous value and what changed.

    ``compared=False`` (no run of the same signature): every row is ``"not compared"``.
    ``previous=None`` with ``compared=True``: every row is ``"new"``. ``complete=False``
    (the notebook failed) lists no "removed" rows: the figures it did not record were not
    reached rather than removed.

    Examples
    --------
    >>> rows = compare_headlines({"n": {"value": 12}}, {"n": {"value": 10}, "old": {"value": 1}})
    >>> [(r["key"], r["change"], r["difference"]) for r in rows]
    [('n', 'changed', 2), ('old', 'removed', None)]
    >>> compare_headlines({"n": {"value": 12}}, None, compared=False)[0]["change"]
    'not compared'
    """
    rows = []
    for key, entry in current.items():
        value = entry.get("value")
        row = {"key": key, "label": entry.get("label", key), "unit": entry.get("unit", ""), "value": value,
               "previous": None, "difference": None}
        if not compared:
            row["change"] = NOT_COMPARED
        elif previous is None or key not in previous:
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
    for key, entry in (previous or {}).items() if (complete and compared) else ():
        if key not in current:
            rows.append({"key": key, "label": entry.get("label", key), "unit": entry.get("unit", ""),
                         "value": None, "previous": entry.get("value"), "difference": None, "change": "removed"})
    return rows
