"""Filtering a dataset by country, period, prevention tier and theme.

Every analysis of the collection takes the same filters; they are applied here once, to
the activities, and carried to every table that hangs off an activity.
"""
from __future__ import annotations

from typing import Iterable

__all__ = ["filter_dataset", "activity_mask"]

# Tables whose rows belong to one activity, and the column naming it.
_ACTIVITY_TABLES = {"participations": "activity_id", "funding": "activity_id", "figures": "activity_id",
                    "mechanisms": "mechanism_id", "relations": "activity_id"}


def _norm(values: Iterable[str] | str | None) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    vals = {v for v in values if v}
    return vals or None


def activity_mask(activities, countries=None, start_year=None, end_year=None, tiers=None, themes=None,
                  keep_undated: bool = True):
    """Return a boolean Series over ``activities``: True for the activities that pass.

    Parameters
    ----------
    activities : DataFrame
        ``Dataset.activities``.
    countries, tiers, themes : iterable of str, optional
        Keep activities sharing at least one value with the list; None or empty means no
        filter. Activities with no value in that column are dropped when the filter is set.
    start_year, end_year : int, optional
        Keep activities whose known dates overlap ``[start_year, end_year]`` (inclusive years).
    keep_undated : bool
        Whether activities with no start and no end date pass a period filter (default True:
        undated work is not silently dropped).
    """
    import pandas as pd

    mask = pd.Series(True, index=activities.index)
    for column, wanted in (("countries", countries), ("tiers", tiers), ("themes", themes)):
        w = _norm(wanted)
        if w is not None:
            mask &= activities[column].map(lambda t, w=w: bool(w.intersection(t)))
    if start_year is not None or end_year is not None:
        lo = activities["start_date_earliest"].fillna(activities["end_date_earliest"])
        hi = activities["end_date_latest"].fillna(activities["start_date_latest"])
        undated = lo.isna() & hi.isna()
        ok = pd.Series(True, index=activities.index)
        if start_year is not None:
            ok &= hi.isna() | (hi >= pd.Timestamp(int(start_year), 1, 1))
        if end_year is not None:
            ok &= lo.isna() | (lo <= pd.Timestamp(int(end_year), 12, 31))
        ok = ok & ~undated | (undated & keep_undated)
        mask &= ok
    return mask


def filter_dataset(ds, countries=None, start_year=None, end_year=None, tiers=None, themes=None,
                   keep_undated: bool = True):
    """Return a new Dataset restricted to the activities that pass the filters.

    Activities are filtered with :func:`activity_mask`; participations, funding, figures,
    mechanisms (and their features) follow their activity; relations tied to a dropped
    activity are dropped, relations with no activity are kept. Actors, sources and claims
    are kept whole. The input dataset is not changed.
    """
    from .datapackage import Dataset

    tables = dict(ds.tables)
    acts = ds.activities[activity_mask(ds.activities, countries, start_year, end_year, tiers, themes,
                                       keep_undated)]
    kept = set(acts["activity_id"])
    tables["activities"] = acts.reset_index(drop=True)
    for name, col in _ACTIVITY_TABLES.items():
        if name not in tables:
            continue
        df = tables[name]
        keep = df[col].isin(kept)
        if name == "relations":
            keep |= df[col].isna()
        tables[name] = df[keep].reset_index(drop=True)
    if "mechanism_features" in tables and "mechanisms" in tables:
        mf = tables["mechanism_features"]
        tables["mechanism_features"] = mf[mf["mechanism_id"].isin(set(tables["mechanisms"]["mechanism_id"]))].reset_index(drop=True)
    return Dataset(ds.path, ds.descriptor, tables)
