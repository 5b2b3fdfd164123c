"""Funding cliffs: when externally funded work ends, per group and end year."""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from .constants import NO_END_DATE
from .grouping import _default_groups, _membership
from .links import activity_funding, funder_links

__all__ = ["funding_cliffs"]


def funding_cliffs(ds, by: str = "country", links: pd.DataFrame | None = None,
                   groups: Iterable[str] | None = None, external_only: bool = True) -> pd.DataFrame:
    """Return when externally funded work ends: activities ending per year, per group.

    The end year is the year of ``end_date_latest`` (the latest day the stated partial end
    date allows); activities with no stated end date are counted in the column
    :data:`NO_END_DATE` (nothing is guessed from the status or the start date).

    Parameters
    ----------
    ds : Dataset
    by : str
        A grouping of :data:`GROUPINGS` (usually ``"country"``, ``"tier"`` or ``"all"``).
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None).
    groups : list of str, optional
        Groups to report, in this order (default as in :func:`dependency`).
    external_only : bool
        Count only activities with at least one external funder (default); False counts
        every activity with a recorded funder.

    Returns
    -------
    DataFrame
        Index ``group`` (every group of the grouping, as in :func:`dependency`), one column
        per end year (``"2017"``, ... as text, ascending), then :data:`NO_END_DATE`, then
        ``total``; values are numbers of activities (int).

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> funding_cliffs(tiny_dataset(), groups=["AL", "XK"])  # doctest: +NORMALIZE_WHITESPACE
           2018  2019  no end date  total
    group
    AL        1     1            0      2
    XK        0     0            1      1
    """
    if links is None:
        links = funder_links(ds)
    af = activity_funding(ds, links)
    sel = af["any_external"] if external_only else ~af["no_funder"]
    ids = set(af.loc[sel, "activity_id"])
    acts = ds.activities[ds.activities["activity_id"].isin(ids)]
    end = acts["end_date_latest"].dt.year
    year = pd.Series([str(int(y)) if pd.notna(y) else NO_END_DATE for y in end], index=acts["activity_id"].values)
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups) & mem["activity_id"].isin(ids)].copy()
    mem["end_year"] = mem["activity_id"].map(year)
    years = sorted(y for y in set(mem["end_year"]) if y != NO_END_DATE)
    cols = years + [NO_END_DATE]
    if mem.empty:
        tab = pd.DataFrame(0, index=pd.Index(groups, name="group"), columns=cols)
    else:
        tab = pd.crosstab(mem["group"], mem["end_year"]).reindex(index=groups, columns=cols, fill_value=0)
    tab = tab.fillna(0).astype(int)
    tab.index.name = "group"
    tab.columns.name = None
    tab["total"] = tab.sum(axis=1)
    return tab
