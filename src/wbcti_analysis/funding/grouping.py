"""Grouping of activities for the funding tables: which activity belongs to which country,
tier, theme, level, type, mechanism or mechanism type, and the default order of the groups.

Private helpers of :mod:`wbcti_analysis.funding`; no public names.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from .checks import _check_by
from .constants import _LIST_COLUMNS, DOMESTIC_LEVELS, NOT_STATED, WB6
from .links import _activity_countries

__all__: list[str] = []


def _descendants(ds) -> dict[str, list[str]]:
    """activity_id -> the activity itself plus every activity below it along part_of."""
    children: dict[str, list[str]] = {}
    for aid, par in zip(ds.activities["activity_id"], ds.activities["part_of"]):
        if isinstance(par, str):
            children.setdefault(par, []).append(aid)
    out = {}
    for aid in ds.activities["activity_id"]:
        seen, stack = [], [aid]
        while stack:
            cur = stack.pop()
            if cur in seen:
                continue
            seen.append(cur)
            stack.extend(sorted(children.get(cur, []), reverse=True))
        out[aid] = seen
    return out


def _membership(ds, by: str) -> pd.DataFrame:
    """Return (activity_id, group) pairs for a grouping; activities lacking a value get NOT_STATED."""
    _check_by(by)
    acts = ds.activities
    if by == "all":
        return pd.DataFrame({"activity_id": acts["activity_id"].astype(object), "group": "all"})
    if by in _LIST_COLUMNS:
        values = _activity_countries(ds) if by == "country" else pd.Series(
            list(acts[_LIST_COLUMNS[by]]), index=list(acts["activity_id"]), dtype=object)
        rows = [(aid, v) for aid, vals in values.items() for v in (vals or (NOT_STATED,))]
        return pd.DataFrame(rows, columns=["activity_id", "group"], dtype=object)
    if by in ("level", "activity_type"):
        col = acts[by].astype(object)
        return pd.DataFrame({"activity_id": acts["activity_id"].astype(object),
                             "group": col.where(col.notna(), NOT_STATED)})
    mech = ds.mechanisms if "mechanisms" in ds.tables else pd.DataFrame(columns=["mechanism_id", "mechanism_type"])
    desc = _descendants(ds)
    rows = []
    for mid, mtype in zip(mech["mechanism_id"], mech["mechanism_type"].astype(object)):
        label = mid if by == "mechanism" else (mtype if isinstance(mtype, str) else NOT_STATED)
        rows.extend((a, label) for a in desc.get(mid, []))
    return pd.DataFrame(rows, columns=["activity_id", "group"], dtype=object).drop_duplicates()


def _default_groups(ds, by: str, observed: Iterable[str]) -> list[str]:
    if by == "all":
        return ["all"]
    observed = [o for o in dict.fromkeys(observed)]
    has_ns = NOT_STATED in observed
    obs = [o for o in observed if o != NOT_STATED]
    if by == "country":
        head = list(WB6)
        tail = sorted(o for o in obs if o not in WB6)
    elif by == "tier":
        head = list(ds.field("activities", "tiers")["wbcti:list"]["enum"])
        tail = [o for o in obs if o not in head]
    elif by == "theme":
        enum = ds.field("activities", "themes")["wbcti:list"]["enum"]
        head, tail = [t for t in enum if t in obs], []
    elif by == "level":
        enum = list(ds.field("activities", "level")["constraints"]["enum"])
        head, tail = [lv for lv in enum if lv in obs or lv in DOMESTIC_LEVELS], []
    else:
        head, tail = sorted(obs), []
    return head + tail + ([NOT_STATED] if has_ns else [])


def _grouped(ds, by: str, groups, af: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups)]
    return mem.merge(af, on="activity_id", how="left"), groups

