"""Effort by prevention tier: periods, tier weights and the tier x country x level x period table.

Tiers follow the public-health model of prevention the sources use (Caplan 1964; RAN
2023): primary (whole population), secondary (identified at-risk individuals), tertiary
(R&R of radicalised people, offenders and returning foreign terrorist fighters), plus
counter-terrorism law enforcement (not prevention) and ``uncoded``.

Counting rule (``rule``) for an activity with ``k`` tiers: ``"fractional"`` gives
``1/k`` to each of its tiers (every activity weighs 1), ``"each"`` gives 1 to every tier
(an activity with two tiers counts twice). An uncoded activity weighs 1 under
``uncoded`` in both rules. Country breakdowns count an activity fully in *each* of its
countries; activities with no country are shown as country ``"none"``.

Period: an activity is placed by the year of its start date (its earliest bound), else of
its end date, else it is ``"undated"``. With ``split_year=2018`` the periods are
``"before 2018"``, ``"2018 onwards"`` and ``"undated"``. The two sources cover different
years, so a period comparison is partly a comparison of documents: :func:`source_mix`
says which source each period's activities come from.

References
----------
.. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.
.. [2] Makolli, F. (2023). *Enhancing collaboration between law enforcement and other
   stakeholders in P/CVE*. Radicalisation Awareness Network (RAN Practitioners).
   Luxembourg: Publications Office of the European Union.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .checks import check_by, check_countries, check_rule, check_split_year
from .constants import ALL_TIERS, UNCODED
from .origins import activity_funding_origin, funder_origins

__all__ = ["period_labels", "assign_periods", "source_mix", "tier_weights", "tier_effort"]

DOMINANT_SHARE = 0.8
"""A source *dominates* a period when at least this share of its activities comes from it."""


def period_labels(split_year: int = 2018) -> tuple[str, str, str]:
    """Return the three period labels for ``split_year``: before, onwards, undated.

    Parameters
    ----------
    split_year : int
        First year of the second period (1900..2100).

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> period_labels(2018)
    ('before 2018', '2018 onwards', 'undated')
    """
    y = check_split_year(split_year)
    return (f"before {y}", f"{y} onwards", "undated")


def assign_periods(activities: pd.DataFrame, split_year: int = 2018) -> pd.Series:
    """Return each activity's period (ordered categorical aligned to ``activities``).

    Parameters
    ----------
    activities : DataFrame
        With ``start_date_earliest`` and ``end_date_earliest`` (datetimes), e.g.
        ``Dataset.activities``.
    split_year : int
        First year of the second period.

    Returns
    -------
    Series named ``period``: the year of ``start_date_earliest`` decides; without a start
    date the year of ``end_date_earliest``; with neither the activity is ``"undated"``.

    Examples
    --------
    >>> acts = pd.DataFrame({"start_date_earliest": pd.to_datetime(["2016-01-01", None, None]),
    ...                      "end_date_earliest": pd.to_datetime([None, "2019-05-01", None])})
    >>> assign_periods(acts, 2018).astype(str).tolist()
    ['before 2018', '2018 onwards', 'undated']
    """
    before, onwards, undated = period_labels(split_year)
    year = activities["start_date_earliest"].dt.year.fillna(activities["end_date_earliest"].dt.year)
    lab = np.where(year.isna(), undated, np.where(year < split_year, before, onwards))
    return pd.Series(pd.Categorical(lab, categories=[before, onwards, undated], ordered=True),
                     index=activities.index, name="period")


def source_mix(activities: pd.DataFrame, periods: pd.Series | None = None,
               dominant_share: float = DOMINANT_SHARE) -> pd.DataFrame:
    """Return which source documents each period's activities come from.

    A period comparison on this data is partly a comparison of documents (the WBCTi
    report covers 2015-2017, the RAN paper about 2022-2023): when one source dominates a
    period, a change between periods may be a change of source.

    Parameters
    ----------
    activities : DataFrame
        With ``source_id`` (e.g. ``Dataset.activities``, or any subset of it).
    periods : Series, optional
        Each activity's period, aligned to ``activities`` (e.g. :func:`assign_periods`);
        default ``activities["period"]``.
    dominant_share : float
        A source dominates a period when at least this share (0..1) of the period's
        activities comes from it.

    Returns
    -------
    DataFrame, one row per period x source present: ``period``, ``source_id``, ``n``
    (activities of the period from that source), ``period_n`` (activities of the period),
    ``share`` (``n / period_n``, 0..1) and ``dominant`` (``share >= dominant_share``),
    ordered by period (as given or categorical order), then by descending ``n``.

    Examples
    --------
    >>> acts = pd.DataFrame({"source_id": ["a", "a", "a", "a", "b", "b"]})
    >>> mix = source_mix(acts, pd.Series(["early"] * 5 + ["late"]))
    >>> mix.values.tolist()
    [['early', 'a', 4, 5, 0.8, True], ['early', 'b', 1, 5, 0.2, False], ['late', 'b', 1, 1, 1.0, True]]
    """
    if not 0 < dominant_share <= 1:
        raise ValueError(f"dominant_share must be in (0, 1], got {dominant_share!r}")
    if periods is None:
        periods = activities["period"]
    periods = pd.Series(periods).reset_index(drop=True)
    order = (list(periods.cat.categories) if isinstance(periods.dtype, pd.CategoricalDtype)
             else list(dict.fromkeys(periods.astype(str))))
    df = pd.DataFrame({"period": periods.astype(str).to_numpy(),
                       "source_id": activities["source_id"].astype(str).to_numpy()})
    cols = ["period", "source_id", "n", "period_n", "share", "dominant"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    out = df.groupby(["period", "source_id"]).size().rename("n").reset_index()
    out["period_n"] = out.groupby("period")["n"].transform("sum")
    out["share"] = out["n"] / out["period_n"]
    out["dominant"] = out["share"] >= dominant_share - 1e-12
    out["_p"] = out["period"].map({p: i for i, p in enumerate(map(str, order))})
    out = out.sort_values(["_p", "n", "source_id"], ascending=[True, False, True])
    return out[cols].reset_index(drop=True)


def _activity_frame(ds, split_year: int = 2018, countries=None) -> pd.DataFrame:
    """One row per activity in scope, with the fields every analysis of the package needs.

    ``countries`` restricts the activities to those in at least one of them, and
    ``sel_countries`` to those countries; ``countries`` keeps the full list.
    """
    split_year = check_split_year(split_year)
    countries = check_countries(ds, countries)
    acts = ds.activities
    if countries is not None:
        acts = acts[acts["countries"].map(lambda t: bool(set(t) & set(countries))).astype(bool)]
    af = pd.DataFrame({
        "activity_id": acts["activity_id"].astype(str),
        "title": acts["title"].astype(str),
        "description": acts["description"].fillna("").astype(str),
        "activity_type": acts["activity_type"].astype(str),
        "part_of": acts["part_of"].astype(object),
        "countries": acts["countries"],
        "tiers": acts["tiers"],
        "themes": acts["themes"],
        "level": acts["level"].astype(object).where(acts["level"].notna(), "unknown").astype(str),
        "period": assign_periods(acts, split_year).astype(str),
        "source_id": acts["source_id"].astype(str),
        "start": acts["start_date_earliest"].fillna(acts["end_date_earliest"]),
        "end": acts["end_date_latest"].fillna(acts["start_date_latest"]),
    }).reset_index(drop=True)
    if countries is None:
        af["sel_countries"] = af["countries"].map(lambda t: tuple(t) if t else ("none",))
    else:
        af["sel_countries"] = af["countries"].map(lambda t: tuple(c for c in t if c in countries))
    links = funder_origins(ds)
    funders = links.groupby("activity_id")["funder_id"].agg(lambda s: tuple(sorted(set(s))))
    af["funders"] = af["activity_id"].map(funders).map(lambda v: v if isinstance(v, tuple) else ())
    origin = activity_funding_origin(ds, links)
    af["funding_origin"] = af["activity_id"].map(origin.astype(str))
    af["funded"] = af["funders"].map(len) > 0
    af["external_funding"] = af["funding_origin"].isin(["external", "mixed"])
    return af


def tier_weights(activities: pd.DataFrame, rule: str = "fractional") -> pd.DataFrame:
    """Return the weight each activity gives to each of its tiers under ``rule``.

    Parameters
    ----------
    activities : DataFrame
        With ``activity_id`` and ``tiers`` (tuples), e.g. ``Dataset.activities``.
    rule : {"fractional", "each"}
        ``fractional``: ``1/k`` to each of ``k`` tiers; ``each``: 1 to every tier.

    Returns
    -------
    DataFrame with ``activity_id``, ``tier`` (one of :data:`ALL_TIERS`; ``uncoded`` for an
    activity with no tier, weight 1) and ``weight`` (activities; float).

    Raises
    ------
    ValueError
        If ``rule`` is not a counting rule.

    References
    ----------
    .. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.

    Examples
    --------
    >>> acts = pd.DataFrame({"activity_id": ["a", "b"], "tiers": [("primary", "tertiary"), ()]})
    >>> tier_weights(acts, "fractional")["weight"].tolist()
    [0.5, 0.5, 1.0]
    >>> tier_weights(acts, "each")["weight"].tolist()
    [1.0, 1.0, 1.0]
    """
    check_rule(rule)
    rows = []
    for aid, tiers in zip(activities["activity_id"].astype(str), activities["tiers"]):
        tiers = tuple(dict.fromkeys(tiers or ()))
        if not tiers:
            rows.append((aid, UNCODED, 1.0))
            continue
        w = 1.0 / len(tiers) if rule == "fractional" else 1.0
        rows.extend((aid, str(t), w) for t in tiers)
    return pd.DataFrame(rows, columns=["activity_id", "tier", "weight"])


def tier_effort(ds, rule: str = "fractional", split_year: int = 2018, by: Sequence[str] = ("country", "level", "period"),
                countries: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the effort by prevention tier, broken down by ``by``.

    Parameters
    ----------
    ds : Dataset
    rule : {"fractional", "each"}
        How an activity with several tiers is counted (module docstring).
    split_year : int
        First year of the second period.
    by : sequence of {"country", "level", "period", "source_id"}
        Breakdown; an empty sequence gives one row per tier over all activities.
    countries : iterable of ISO codes, optional
        Keep activities in at least one of them, and only those countries' rows.

    Returns
    -------
    Long DataFrame: the ``by`` columns, ``tier`` (every tier of :data:`ALL_TIERS` for every
    group present, zeros included), and

    - ``activities``: weighted number of activities (rule applied);
    - ``funded_activities``: the same, over activities with at least one funder recorded;
    - ``externally_funded``: over activities with an external funder (external or mixed);
    - ``funders``: distinct funder actors of the group's activities in that tier (a count
      of actors, not weighted);
    - ``share``: ``activities`` over the group's total weight (sums to 1 per group under
      both rules).

    Raises
    ------
    ValueError
        For an unknown ``rule``, ``by`` column or country code, or a bad ``split_year``.

    References
    ----------
    .. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> e = tier_effort(example_dataset(), by=("period",))
    >>> e[e["activities"] > 0][["period", "tier", "activities", "funders"]].values.tolist()
    [['before 2018', 'primary', 1.0, 1], ['2018 onwards', 'secondary', 1.0, 1], ['2018 onwards', 'tertiary', 1.0, 1], ['undated', 'ct_law_enforcement', 1.0, 0]]
    """
    by = check_by(by)
    af = _activity_frame(ds, split_year, countries)
    w = tier_weights(af, rule).merge(af, on="activity_id")
    if "country" in by:
        w = w.assign(country=w["sel_countries"]).explode("country")
        w = w[w["country"].notna()]
    w["w_funded"] = w["weight"] * w["funded"]
    w["w_ext"] = w["weight"] * w["external_funding"]
    keys = by + ["tier"]
    if w.empty:
        return pd.DataFrame(columns=keys + ["activities", "funded_activities", "externally_funded", "funders", "share"])
    g = w.groupby(keys, sort=False)
    out = g.agg(activities=("weight", "sum"), funded_activities=("w_funded", "sum"),
                externally_funded=("w_ext", "sum"))
    out["funders"] = g["funders"].agg(lambda s: len({f for t in s for f in t}))
    # every tier for every group present, zeros included
    if by:
        groups = w[by].drop_duplicates()
        grid = groups.merge(pd.DataFrame({"tier": list(ALL_TIERS)}), how="cross")
    else:
        grid = pd.DataFrame({"tier": list(ALL_TIERS)})
    out = grid.merge(out.reset_index(), on=keys, how="left").fillna(
        {"activities": 0.0, "funded_activities": 0.0, "externally_funded": 0.0, "funders": 0})
    out["funders"] = out["funders"].astype(int)
    tot = out.groupby(by)["activities"].transform("sum") if by else out["activities"].sum()
    out["share"] = np.where(tot > 0, out["activities"] / tot, np.nan)
    out["tier"] = pd.Categorical(out["tier"], categories=list(ALL_TIERS), ordered=True)
    sort_keys = by + ["tier"]
    if "period" in by:
        out["period"] = pd.Categorical(out["period"], categories=list(period_labels(split_year)), ordered=True)
    return out.sort_values(sort_keys).reset_index(drop=True)
