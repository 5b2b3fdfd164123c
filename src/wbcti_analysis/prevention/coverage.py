"""Coverage gaps: country x tier x theme cells where nothing happens but work exists elsewhere.

The matrix crosses the prevention tiers of the public-health model (Caplan 1964, as the
RAN papers use it) with the coded themes, per country. A gap is work that other
countries of the matrix have and this one does not, in the spirit of the 3W ("who does
what where") matrices of humanitarian coordination.

References
----------
.. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.
.. [2] Makolli, F. (2023). *Enhancing collaboration between law enforcement and other
   stakeholders in P/CVE*. Radicalisation Awareness Network (RAN Practitioners).
   Luxembourg: Publications Office of the European Union.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from .checks import check_countries, check_min_elsewhere
from .constants import ALL_TIERS, TIERS, UNCODED, WB6
from .effort import _activity_frame

__all__ = ["coverage_matrix", "coverage_gaps"]


def coverage_matrix(ds, countries: Iterable[str] | None = WB6, include_uncoded: bool = True) -> pd.DataFrame:
    """Return a country x tier x theme matrix of activity counts.

    Parameters
    ----------
    ds : Dataset
    countries : ISO codes, default the six Western Balkan countries (:data:`WB6`); None
        means every country in the data.
    include_uncoded : bool
        Add an ``uncoded`` tier row per country (activities with no tier).

    Returns
    -------
    DataFrame indexed by (``country``, ``tier``) for every country and tier (zeros
    included), with one column per theme allowed by the descriptor plus ``"(no theme)"``;
    cells are numbers of activities (integers; an activity counts once in every one of its
    countries, tiers and themes). A zero cell is a coverage gap.

    Raises
    ------
    ValueError
        For an unknown country code.

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> m = coverage_matrix(example_dataset(), countries=["AL", "XK"])
    >>> int(m.loc[("XK", "tertiary"), "ftf"]), int(m.loc[("AL", "primary"), "education"]), m.shape
    (1, 1, (10, 26))
    """
    sel = check_countries(ds, countries)
    af = _activity_frame(ds, 2018, sel)
    if sel is None:
        sel = sorted({c for t in af["sel_countries"] for c in t} - {"none"})
    themes = list(ds.field("activities", "themes")["wbcti:list"]["enum"]) + ["(no theme)"]
    tiers = list(TIERS) + ([UNCODED] if include_uncoded else [])
    rows = []
    for _, a in af.iterrows():
        ts = a["tiers"] or (UNCODED,)
        hs = a["themes"] or ("(no theme)",)
        for c in a["sel_countries"]:
            for t in ts:
                for h in hs:
                    rows.append((c, t, h))
    long = pd.DataFrame(rows, columns=["country", "tier", "theme"])
    idx = pd.MultiIndex.from_product([sel, tiers], names=["country", "tier"])
    if long.empty:
        return pd.DataFrame(0, index=idx, columns=themes)
    mat = (long.groupby(["country", "tier", "theme"]).size().unstack("theme")
           .reindex(index=idx, columns=themes).fillna(0).astype(int))
    mat.columns.name = "theme"
    return mat


def coverage_gaps(matrix: pd.DataFrame, min_elsewhere: int = 1) -> pd.DataFrame:
    """List the coverage gaps of a :func:`coverage_matrix`.

    Most tier x theme cells are empty everywhere (border security is not primary
    prevention); those are not gaps. A gap is work done elsewhere but not here:

    - ``scope = "tier"``: a country with no activity at all in a tier (not ``uncoded``)
      that at least ``min_elsewhere`` other countries of the matrix have;
    - ``scope = "tier x theme"``: a country with no activity in a tier x theme cell that at
      least ``min_elsewhere`` other countries have (only for tiers the country has some
      work in, so a tier gap is not repeated theme by theme).

    Parameters
    ----------
    matrix : DataFrame
        A :func:`coverage_matrix`.
    min_elsewhere : int
        Countries (at least 1) that must have the work for its absence to count as a gap.

    Returns
    -------
    DataFrame with ``country``, ``tier``, ``theme`` (``"(any)"`` for tier gaps), ``scope``,
    ``countries_elsewhere`` (how many other countries of the matrix have such work) and
    ``activities_elsewhere`` (their activities), sorted by tier, scope and descending
    ``countries_elsewhere``.

    Raises
    ------
    ValueError
        If ``min_elsewhere`` is below 1.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["AL", "XK"], ["primary", "tertiary"]], names=["country", "tier"])
    >>> m = pd.DataFrame({"youth": [1, 0, 1, 1], "ftf": [0, 0, 0, 2]}, index=idx)
    >>> coverage_gaps(m)[["country", "tier", "theme", "scope"]].values.tolist()
    [['AL', 'tertiary', '(any)', 'tier']]
    """
    check_min_elsewhere(min_elsewhere)
    cols = ["country", "tier", "theme", "scope", "countries_elsewhere", "activities_elsewhere"]
    m = matrix.drop(index=UNCODED, level="tier", errors="ignore")
    if m.empty:
        return pd.DataFrame(columns=cols)
    countries = list(dict.fromkeys(m.index.get_level_values("country")))
    rows = []
    tier_tot = m.sum(axis=1).unstack("tier")  # country x tier
    for tier in tier_tot.columns:
        has = tier_tot[tier] > 0
        for c in countries:
            if not has[c] and (has.sum() - has[c]) >= min_elsewhere:
                rows.append((c, tier, "(any)", "tier", int(has.sum()), int(tier_tot[tier].sum())))
    for tier in tier_tot.columns:
        sub = m.xs(tier, level="tier")  # country x theme
        present = sub > 0
        n_present = present.sum(axis=0)
        for c in countries:
            if tier_tot.loc[c, tier] == 0:
                continue
            for theme in sub.columns:
                if not present.loc[c, theme] and n_present[theme] >= min_elsewhere:
                    rows.append((c, tier, theme, "tier x theme", int(n_present[theme]), int(sub[theme].sum())))
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["_t"] = out["tier"].map({t: i for i, t in enumerate(ALL_TIERS)})
    out["_s"] = (out["scope"] != "tier").astype(int)
    out["_c"] = out["country"].map({c: i for i, c in enumerate(countries)})
    out = out.sort_values(["_t", "_s", "countries_elsewhere", "activities_elsewhere", "_c", "theme"],
                          ascending=[True, True, False, False, True, True])
    return out.drop(columns=["_t", "_s", "_c"]).reset_index(drop=True)
