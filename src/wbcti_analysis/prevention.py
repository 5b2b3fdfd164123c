"""Primary prevention vs rehabilitation and reintegration (R&R): effort, gaps, duplication.

The RAN paper (2023) says most international money in the Western Balkans goes to the
rehabilitation and reintegration of returning foreign terrorist fighters and their
families (tertiary work) rather than to primary and secondary prevention, and that the
focus moved from local prevention to central R&R. The WBCTi report (2018) was written to
align donors and avoid duplicated activities. This module measures both on a data package
of the project's shape:

- **effort by tier** (:func:`tier_weights`, :func:`tier_effort`): activities, funded
  activities and funders by prevention tier x country x level x period;
- **the gap** (:func:`gap_index`, :func:`gap_table`): how far tertiary work outweighs
  prevention, with a seeded bootstrap confidence interval;
- **the external-funding claim** (:func:`funder_origins`, :func:`funding_by_tier`,
  :func:`rr_claim_test`): external vs domestic funding by tier, with exact tests;
- **coverage gaps** (:func:`coverage_matrix`, :func:`coverage_gaps`): country x tier x
  theme cells where nothing happens;
- **duplication** (:func:`find_duplicates`): pairs of activities that look like the same
  work by different actors in the same country and period;
- **tier classifier** (:func:`make_tier_pipeline`, :func:`evaluate_tier_classifier`,
  :func:`train_tier_classifier`, :func:`suggest_tiers`): suggests a tier for activities
  the coders left without one.

Conventions
-----------
Tiers are ``primary``, ``secondary``, ``tertiary`` (R&R, prisons, disengagement) and
``ct_law_enforcement`` (counter-terrorism, not prevention); activities with no tier are
counted under ``uncoded``, never dropped.

Counting rule (``rule``) for an activity with ``k`` tiers:

- ``"fractional"``: ``1/k`` to each of its tiers, so every activity weighs 1 in total;
- ``"each"``: 1 to every tier, so an activity with two tiers counts twice.

An uncoded activity weighs 1 under ``uncoded`` in both rules.

Country breakdowns count an activity fully in *each* of its countries (an activity in
AL and XK is one activity in AL and one in XK); the rows with no country breakdown
(``country == "all"``) count it once. Activities with no country are shown as country
``"none"`` when no country filter is set.

Period: an activity is placed by the year of its start date (its earliest bound); if it
has no start date, by the year of its end date; with neither it is ``"undated"``. With
``split_year=2018`` the periods are ``"before 2018"`` (the WBCTi 2015-2017 window and
earlier), ``"2018 onwards"`` and ``"undated"``.

Heavy libraries (scipy, scikit-learn) are imported inside the functions that use them.
"""
from __future__ import annotations

from .datapackage import WESTERN_BALKANS

import warnings
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "TIERS",
    "PREVENTION_TIERS",
    "UNCODED",
    "ALL_TIERS",
    "WB6",
    "COUNTING_RULES",
    "DUPLICATE_WEIGHTS",
    "period_labels",
    "assign_periods",
    "tier_weights",
    "tier_effort",
    "gap_index",
    "gap_table",
    "funder_origins",
    "activity_funding_origin",
    "funding_by_tier",
    "rr_claim_test",
    "coverage_matrix",
    "coverage_gaps",
    "find_duplicates",
    "tier_training_data",
    "make_tier_pipeline",
    "ClassifierEvaluation",
    "evaluate_tier_classifier",
    "train_tier_classifier",
    "suggest_tiers",
]

TIERS: tuple[str, ...] = ("primary", "secondary", "tertiary", "ct_law_enforcement")
"""The coded tiers, in the order of the public-health model (CT law enforcement last)."""
PREVENTION_TIERS: tuple[str, ...] = ("primary", "secondary")
UNCODED = "uncoded"
ALL_TIERS: tuple[str, ...] = TIERS + (UNCODED,)
WB6: tuple[str, ...] = WESTERN_BALKANS
"""The six Western Balkan countries (ISO 3166-1 alpha-2; Kosovo is XK)."""
COUNTING_RULES: tuple[str, ...] = ("fractional", "each")
# Weights of the combined duplicate score (they sum to 1, so the score is in [0, 1]).
DUPLICATE_WEIGHTS: dict[str, float] = {"text": 0.6, "themes": 0.2, "countries": 0.1, "time": 0.1}
# Roles of the actors who do the work (for "different actors" in duplicate detection).
_DOER_ROLES = ("lead", "implementer", "chair")
_FUNDING_ORIGINS = ("external", "mixed", "domestic", "unknown", "no funder recorded")
_MIN_N = 5  # below this many activities a group is flagged as too thin


# ----------------------------------------------------------------------------- validation


def _check_rule(rule: str) -> str:
    if rule not in COUNTING_RULES:
        raise ValueError(f"rule (the tier counting rule) must be one of {COUNTING_RULES}, got {rule!r}")
    return rule


def _check_split_year(split_year) -> int:
    if isinstance(split_year, bool) or not isinstance(split_year, (int, np.integer)):
        raise ValueError(f"split_year must be an integer year, got {split_year!r}")
    if not 1900 <= int(split_year) <= 2100:
        raise ValueError(f"split_year must be a year between 1900 and 2100, got {split_year}")
    return int(split_year)


def _check_countries(ds, countries) -> list[str] | None:
    if countries is None:
        return None
    if isinstance(countries, str):
        countries = [countries]
    countries = [c for c in countries if c]
    if not countries:
        return None
    allowed = set(ds.field("activities", "countries")["wbcti:list"]["enum"])
    bad = [c for c in countries if c not in allowed]
    if bad:
        raise ValueError(f"countries: unknown ISO code(s) {bad}; use ISO 3166-1 alpha-2 codes (Kosovo is XK)")
    return list(dict.fromkeys(countries))


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


# ----------------------------------------------------------------------------- periods


def period_labels(split_year: int = 2018) -> tuple[str, str, str]:
    """Return the three period labels for ``split_year``: before, onwards, undated.

    >>> period_labels(2018)
    ('before 2018', '2018 onwards', 'undated')
    """
    y = _check_split_year(split_year)
    return (f"before {y}", f"{y} onwards", "undated")


def assign_periods(activities: pd.DataFrame, split_year: int = 2018) -> pd.Series:
    """Return each activity's period (ordered categorical aligned to ``activities``).

    The year of ``start_date_earliest`` decides; without a start date the year of
    ``end_date_earliest``; with neither the activity is ``"undated"``.
    """
    before, onwards, undated = period_labels(split_year)
    year = activities["start_date_earliest"].dt.year.fillna(activities["end_date_earliest"].dt.year)
    lab = np.where(year.isna(), undated, np.where(year < split_year, before, onwards))
    return pd.Series(pd.Categorical(lab, categories=[before, onwards, undated], ordered=True),
                     index=activities.index, name="period")


# ----------------------------------------------------------------------------- funders


def funder_origins(ds) -> pd.DataFrame:
    """Return every funder x activity link with the funder's origin for that activity.

    The links and the external / domestic rule are those of
    :func:`wbcti_analysis.funding.funder_links` (funding rows plus participations with role
    ``funder``; no inheritance from parent projects here), so the two analyses classify
    every funder the same way. Columns: ``activity_id``, ``funder_id``, ``actor_type``,
    ``funder_country``, ``origin`` (``external`` / ``domestic``), ``rule`` (why),
    ``recorded_in`` (``funding`` or ``participation``). One row per (activity, funder).
    """
    from .funding import funder_links

    links = funder_links(ds, include_participations=True, inherit=False)
    links = links.drop_duplicates(["activity_id", "funder_id"]).rename(
        columns={"funder_type": "actor_type", "link_source": "recorded_in"})
    cols = ["activity_id", "funder_id", "actor_type", "funder_country", "origin", "rule", "recorded_in"]
    return links[cols].astype({"activity_id": str, "funder_id": str}).sort_values(
        ["activity_id", "funder_id"]).reset_index(drop=True)


def activity_funding_origin(ds, links: pd.DataFrame | None = None) -> pd.Series:
    """Return each activity's funding origin, indexed by ``activity_id``.

    ``external`` (external funders only, possibly with funders of unknown origin),
    ``domestic`` (domestic only), ``mixed`` (both), ``unknown`` (only funders of unknown
    origin) or ``no funder recorded``. ``links``: :func:`funder_origins` if already computed.
    """
    links = funder_origins(ds) if links is None else links
    out = pd.Series("no funder recorded", index=ds.activities["activity_id"].astype(str), name="funding_origin")
    for act, grp in links.groupby("activity_id"):
        o = set(grp["origin"])
        if "external" in o and "domestic" in o:
            out[act] = "mixed"
        elif "external" in o:
            out[act] = "external"
        elif "domestic" in o:
            out[act] = "domestic"
        else:
            out[act] = "unknown"
    return out.astype(pd.CategoricalDtype(list(_FUNDING_ORIGINS)))


# ----------------------------------------------------------------------------- the activity frame


def _activity_frame(ds, split_year: int = 2018, countries=None) -> pd.DataFrame:
    """One row per activity in scope, with the fields every analysis here needs.

    ``countries`` restricts the activities to those in at least one of them, and
    ``sel_countries`` to those countries; ``countries`` keeps the full list.
    """
    split_year = _check_split_year(split_year)
    countries = _check_countries(ds, countries)
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


# ----------------------------------------------------------------------------- effort by tier


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

    Examples
    --------
    >>> acts = pd.DataFrame({"activity_id": ["a", "b"], "tiers": [("primary", "tertiary"), ()]})
    >>> tier_weights(acts, "fractional")["weight"].tolist()
    [0.5, 0.5, 1.0]
    """
    _check_rule(rule)
    rows = []
    for aid, tiers in zip(activities["activity_id"].astype(str), activities["tiers"]):
        tiers = tuple(dict.fromkeys(tiers or ()))
        if not tiers:
            rows.append((aid, UNCODED, 1.0))
            continue
        w = 1.0 / len(tiers) if rule == "fractional" else 1.0
        rows.extend((aid, str(t), w) for t in tiers)
    return pd.DataFrame(rows, columns=["activity_id", "tier", "weight"])


_BY_OPTIONS = ("country", "level", "period", "source_id")


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
    """
    by = list(by)
    bad = [b for b in by if b not in _BY_OPTIONS]
    if bad:
        raise ValueError(f"by must name columns among {_BY_OPTIONS}, got {bad}")
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


# ----------------------------------------------------------------------------- the gap


def gap_index(primary, secondary, tertiary):
    """Return the R&R gap index ``(T - (P + S)) / (P + S + T)``.

    ``P``, ``S``, ``T`` are the (weighted) numbers of primary, secondary and tertiary
    activities; CT law-enforcement and uncoded work are left out (not prevention). The
    index is the tertiary share minus the primary-plus-secondary share of prevention-tier
    work. Range -1 to +1: +1 means all of it is tertiary (R&R), -1 all primary or
    secondary prevention, 0 an even split. NaN when ``P + S + T == 0``. Works on scalars
    and numpy arrays.

    >>> gap_index(3.5, 1.0, 1.5)
    -0.5
    """
    p, s, t = (np.asarray(x, dtype=float) for x in (primary, secondary, tertiary))
    tot = p + s + t
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(tot > 0, (t - (p + s)) / np.where(tot > 0, tot, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def _group_seed(seed: int, *key: str) -> list[int]:
    return [seed, zlib.crc32("|".join(key).encode("utf-8"))]


def _bootstrap_gap(pst: np.ndarray, n_bootstrap: int, rng: np.random.Generator, ci: float) -> tuple[float, float]:
    """Percentile CI of the gap index, resampling rows of ``pst`` (n x 3) with replacement."""
    n = len(pst)
    if n == 0 or n_bootstrap <= 0:
        return (np.nan, np.nan)
    idx = rng.integers(0, n, size=(n_bootstrap, n))
    sums = pst[idx].sum(axis=1)  # (B, 3)
    g = gap_index(sums[:, 0], sums[:, 1], sums[:, 2])
    alpha = (1 - ci) / 2
    lo, hi = np.nanquantile(g, [alpha, 1 - alpha])
    return (float(lo), float(hi))


def gap_table(ds, rule: str = "fractional", split_year: int = 2018, countries: Iterable[str] | None = None,
              n_bootstrap: int = 1000, seed: int = 42, ci: float = 0.95, min_n: int = _MIN_N,
              period_by: str = "date") -> pd.DataFrame:
    """Return the gap index per country and period with a bootstrap confidence interval.

    Groups: every country (the ``countries`` given, else every country in the data, plus
    ``"none"`` for activities with no country) and ``"all"`` (each activity once), crossed
    with every period and ``"all"`` periods. A country with no activity still gets its rows
    (``n = 0``, gap NaN).

    The bootstrap resamples the group's prevention-tier activities (those with a primary,
    secondary or tertiary weight) with replacement ``n_bootstrap`` times and takes the
    percentile interval at level ``ci``. The generator of each group is seeded from
    ``seed`` and the group's name, so a group's interval does not change when other groups
    are added or removed, and a re-run gives the same numbers.

    ``period_by="source"`` uses the source document (``source_id``) as the period instead
    of the dates: the WBCTi report stands for 2015-2017, the RAN paper for about 2022-2023,
    which also places the many undated activities.

    Returns
    -------
    DataFrame with ``country``, ``period``, ``n`` (prevention-tier activities), ``primary``,
    ``secondary``, ``tertiary`` (weighted activities under ``rule``), ``gap`` (see
    :func:`gap_index`, -1 .. +1), ``ci_low``, ``ci_high`` and ``note`` (``"too thin (n < 5)"``
    or ``"no prevention-tier activity"`` where it applies, else empty).
    """
    seed = _check_seed(seed)
    if not isinstance(n_bootstrap, (int, np.integer)) or isinstance(n_bootstrap, bool) or n_bootstrap < 0:
        raise ValueError(f"n_bootstrap must be a non-negative integer, got {n_bootstrap!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
    if period_by not in ("date", "source"):
        raise ValueError(f"period_by must be 'date' or 'source', got {period_by!r}")
    sel = _check_countries(ds, countries)
    af = _activity_frame(ds, split_year, sel)
    if period_by == "source":
        af["period"] = af["source_id"]
    w = tier_weights(af, rule)
    for tier in ("primary", "secondary", "tertiary"):
        wt = w[w["tier"] == tier].groupby("activity_id")["weight"].sum()
        af[tier] = af["activity_id"].map(wt).fillna(0.0).astype(float)
    af = af[af[["primary", "secondary", "tertiary"]].sum(axis=1) > 0]
    if period_by == "date":
        periods = list(period_labels(split_year)) + ["all"]
    else:  # source documents in order of publication
        used = set(ds.activities["source_id"].astype(str))
        src = ds.sources.assign(source_id=ds.sources["source_id"].astype(str)).sort_values(["year", "source_id"])
        periods = [x for x in src["source_id"] if x in used] + sorted(used - set(src["source_id"])) + ["all"]
    if sel is not None:
        country_list = sel
    else:
        seen = {c for t in _activity_frame(ds, split_year, None)["sel_countries"] for c in t}
        country_list = sorted(seen - {"none"}) + (["none"] if "none" in seen else [])
    rows = []
    for country in ["all"] + country_list:
        sub_c = af if country == "all" else af[af["sel_countries"].map(lambda t, c=country: c in t).astype(bool)]
        for period in periods:
            sub = sub_c if period == "all" else sub_c[sub_c["period"] == period]
            m = sub[["primary", "secondary", "tertiary"]].to_numpy(dtype=float)
            p, s, t = m.sum(axis=0) if len(m) else (0.0, 0.0, 0.0)
            rng = np.random.default_rng(_group_seed(seed, rule, country, period))
            lo, hi = _bootstrap_gap(m, n_bootstrap, rng, ci)
            n = len(sub)
            note = "no prevention-tier activity" if n == 0 else (f"too thin (n < {min_n})" if n < min_n else "")
            rows.append({"country": country, "period": period, "n": n, "primary": p, "secondary": s,
                         "tertiary": t, "gap": gap_index(p, s, t), "ci_low": lo, "ci_high": hi, "note": note})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- external vs domestic


def funding_by_tier(ds, rule: str = "fractional", countries: Iterable[str] | None = None) -> pd.DataFrame:
    """Return weighted activities by funding origin (rows) and tier (columns).

    Rows: ``external``, ``mixed``, ``domestic``, ``unknown``, ``no funder recorded`` (see
    :func:`activity_funding_origin`). Columns: every tier of :data:`ALL_TIERS` (weighted
    activities under ``rule``), ``total`` and ``rr_share`` (tertiary over primary +
    secondary + tertiary; NaN when the row has no prevention-tier work).
    """
    af = _activity_frame(ds, 2018, countries)
    w = tier_weights(af, rule).merge(af[["activity_id", "funding_origin"]], on="activity_id")
    tab = (w.pivot_table(index="funding_origin", columns="tier", values="weight", aggfunc="sum", observed=False)
           .reindex(index=list(_FUNDING_ORIGINS), columns=list(ALL_TIERS)).fillna(0.0))
    tab.index.name = "funding_origin"
    tab.columns.name = None
    tab["total"] = tab[list(ALL_TIERS)].sum(axis=1)
    pst = tab[["primary", "secondary", "tertiary"]].sum(axis=1)
    tab["rr_share"] = np.where(pst > 0, tab["tertiary"] / pst.where(pst > 0, 1.0), np.nan)
    return tab


def _rr_share(af: pd.DataFrame, rule: str) -> float:
    w = tier_weights(af, rule)
    p = w.loc[w["tier"].isin(PREVENTION_TIERS), "weight"].sum()
    t = w.loc[w["tier"] == "tertiary", "weight"].sum()
    return float(t / (p + t)) if p + t > 0 else float("nan")


def _tier_group(tiers) -> str:
    t = set(tiers or ())
    rr, prev = "tertiary" in t, bool(t & set(PREVENTION_TIERS))
    if rr and prev:
        return "both"
    if rr:
        return "R&R only"
    if prev:
        return "prevention only"
    return "CT only" if t else UNCODED


def rr_claim_test(ds, rule: str = "fractional", countries: Iterable[str] | None = None, min_n: int = _MIN_N) -> dict:
    """Test the claim that external funders favour R&R over primary and secondary prevention.

    Each activity is put in one tier group: ``R&R only`` (tertiary, no primary or
    secondary), ``prevention only`` (primary and/or secondary, no tertiary), ``both``,
    ``CT only`` or ``uncoded``; only the first two enter the tests, so every activity is
    one independent observation. Funding side: *external* = an external funder (funding
    origin external or mixed); *domestic* = domestic funders only; *not external* =
    domestic only or no funder recorded.

    Tests (scipy):

    - ``binomial``: among externally funded activities, is the R&R share above one half
      ("most international grants go to R&R")? One-sided exact binomial test.
    - ``fisher external vs domestic``: is R&R more common among externally funded than
      among domestically funded activities? One-sided Fisher's exact test (odds ratio > 1),
      with the two-sided p-value too.
    - ``fisher external vs not external``: the same against every activity without an
      external funder (the sources seldom record domestic funding).
    - ``chi-square``: only run when every expected count of the external vs domestic
      table is at least 5.

    Returns
    -------
    dict with

    - ``table``: DataFrame, rows ``external``, ``domestic``, ``no funder recorded``,
      ``unknown``; columns the tier groups; counts of activities (integers);
    - ``tests``: DataFrame with ``test``, ``n``, ``statistic``, ``statistic_name``,
      ``p_value``, ``p_two_sided``, ``note``;
    - ``rr_share_external``: R&R share of externally funded prevention-tier work,
      ``T / (P + S + T)`` with weights under ``rule`` (0..1, NaN if none);
    - ``rr_share_not_external``: the same for activities without an external funder;
    - ``verdict``: one plain sentence on what the data allows.
    """
    from scipy import stats

    _check_rule(rule)
    af = _activity_frame(ds, 2018, countries)
    af["tier_group"] = af["tiers"].map(_tier_group)
    side = af["funding_origin"].map({"external": "external", "mixed": "external", "domestic": "domestic",
                                     "unknown": "unknown", "no funder recorded": "no funder recorded"})
    af["side"] = side
    groups = ["R&R only", "prevention only", "both", "CT only", UNCODED]
    table = (pd.crosstab(af["side"], af["tier_group"])
             .reindex(index=["external", "domestic", "no funder recorded", "unknown"], columns=groups)
             .fillna(0).astype(int))
    table.index.name = "funding"
    table.columns.name = None
    ext_rr, ext_prev = int(table.loc["external", "R&R only"]), int(table.loc["external", "prevention only"])
    dom_rr, dom_prev = int(table.loc["domestic", "R&R only"]), int(table.loc["domestic", "prevention only"])
    none_rr = int(table.loc["no funder recorded", "R&R only"])
    none_prev = int(table.loc["no funder recorded", "prevention only"])
    tests = []
    n_ext = ext_rr + ext_prev
    if n_ext > 0:
        b = stats.binomtest(ext_rr, n_ext, 0.5, alternative="greater")
        b2 = stats.binomtest(ext_rr, n_ext, 0.5, alternative="two-sided")
        note = f"too thin (n < {2 * min_n})" if n_ext < 2 * min_n else ""
        tests.append({"test": "binomial: R&R share of externally funded > 1/2", "n": n_ext,
                      "statistic": ext_rr / n_ext, "statistic_name": "R&R share", "p_value": b.pvalue,
                      "p_two_sided": b2.pvalue, "note": note})
    else:
        tests.append({"test": "binomial: R&R share of externally funded > 1/2", "n": 0, "statistic": np.nan,
                      "statistic_name": "R&R share", "p_value": np.nan, "p_two_sided": np.nan,
                      "note": "not run: no externally funded R&R-only or prevention-only activity"})
    for name, rr2, prev2 in (("fisher: external vs domestic", dom_rr, dom_prev),
                             ("fisher: external vs not external", dom_rr + none_rr, dom_prev + none_prev)):
        tab = np.array([[ext_rr, ext_prev], [rr2, prev2]])
        rows_ok = tab.sum(axis=1)
        if rows_ok.min() == 0 or tab.sum(axis=0).min() == 0:
            tests.append({"test": name, "n": int(tab.sum()), "statistic": np.nan, "statistic_name": "odds ratio",
                          "p_value": np.nan, "p_two_sided": np.nan,
                          "note": "not run: a row or column of the 2x2 table is empty"})
            continue
        odds, p1 = stats.fisher_exact(tab, alternative="greater")
        _, p2 = stats.fisher_exact(tab, alternative="two-sided")
        note = f"too thin (a row total < {min_n})" if rows_ok.min() < min_n else ""
        tests.append({"test": name, "n": int(tab.sum()), "statistic": float(odds), "statistic_name": "odds ratio",
                      "p_value": float(p1), "p_two_sided": float(p2), "note": note})
    tab = np.array([[ext_rr, ext_prev], [dom_rr, dom_prev]])
    if tab.sum(axis=1).min() > 0 and tab.sum(axis=0).min() > 0:
        expected = stats.contingency.expected_freq(tab)
        if expected.min() >= 5:
            chi2, p, _, _ = stats.chi2_contingency(tab, correction=True)
            tests.append({"test": "chi-square: external vs domestic", "n": int(tab.sum()), "statistic": float(chi2),
                          "statistic_name": "chi2 (Yates)", "p_value": float(p), "p_two_sided": float(p), "note": ""})
        else:
            tests.append({"test": "chi-square: external vs domestic", "n": int(tab.sum()), "statistic": np.nan,
                          "statistic_name": "chi2", "p_value": np.nan, "p_two_sided": np.nan,
                          "note": f"not run: an expected count is {expected.min():.1f} < 5 (Fisher's test above)"})
    else:
        tests.append({"test": "chi-square: external vs domestic", "n": int(tab.sum()), "statistic": np.nan,
                      "statistic_name": "chi2", "p_value": np.nan, "p_two_sided": np.nan,
                      "note": "not run: a row or column of the 2x2 table is empty"})
    tests = pd.DataFrame(tests)
    rr_ext = _rr_share(af[af["side"] == "external"], rule)
    rr_not = _rr_share(af[af["side"].isin(["domestic", "no funder recorded"])], rule)
    verdict = _verdict(n_ext, ext_rr, dom_rr + dom_prev, tests, min_n)
    return {"table": table, "tests": tests, "rr_share_external": rr_ext, "rr_share_not_external": rr_not,
            "verdict": verdict}


def _verdict(n_ext: int, ext_rr: int, n_dom: int, tests: pd.DataFrame, min_n: int) -> str:
    if n_ext == 0:
        return "Too thin: no externally funded activity is coded R&R-only or prevention-only; the claim cannot be tested."
    share = ext_rr / n_ext
    p = tests.iloc[0]["p_value"]
    parts = [f"Of {n_ext} externally funded activities coded R&R-only or prevention-only, {ext_rr} "
             f"({share:.0%}) are R&R-only"]
    if share > 0.5 and p < 0.05:
        parts.append("so most externally funded work is R&R (one-sided binomial p = %.3f)." % p)
    elif share > 0.5:
        parts.append("a majority, but not a significant one (one-sided binomial p = %.3f)." % p)
    else:
        parts.append("so the counts do not show most externally funded work going to R&R "
                     "(one-sided binomial p = %.3f)." % p)
    if n_dom == 0:
        parts.append("No domestically funded activity of these kinds is recorded, so external and domestic "
                     "funding cannot be compared.")
    elif n_dom < min_n:
        parts.append(f"Only {n_dom} domestically funded activities of these kinds are recorded: "
                     "too thin to compare external with domestic funding.")
    if n_ext < 2 * min_n:
        parts.append("The sample is too thin for a firm conclusion.")
    parts.append("Counts of activities, not money: the sources rarely state amounts.")
    return " ".join(parts)


# ----------------------------------------------------------------------------- coverage


def coverage_matrix(ds, countries: Iterable[str] | None = WB6, include_uncoded: bool = True) -> pd.DataFrame:
    """Return a country x tier x theme matrix of activity counts.

    Parameters
    ----------
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
    """
    sel = _check_countries(ds, countries)
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

    Returns
    -------
    DataFrame with ``country``, ``tier``, ``theme`` (``"(any)"`` for tier gaps), ``scope``,
    ``countries_elsewhere`` (how many other countries of the matrix have such work) and
    ``activities_elsewhere`` (their activities), sorted by tier, scope and descending
    ``countries_elsewhere``.
    """
    if min_elsewhere < 1:
        raise ValueError(f"min_elsewhere must be at least 1, got {min_elsewhere}")
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


# ----------------------------------------------------------------------------- duplication


def _jaccard(a, b) -> float:
    a, b = set(a or ()), set(b or ())
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def _text_similarity(texts: list[str]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors (unigrams and bigrams, English stop words removed)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    n = len(texts)
    if n == 0:
        return np.zeros((0, 0))
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", strip_accents="unicode")
    try:
        x = vec.fit_transform(texts)
    except ValueError:  # empty vocabulary: nothing but stop words
        return np.zeros((n, n))
    return cosine_similarity(x)


def find_duplicates(ds, threshold: float = 0.5, countries: Iterable[str] | None = None,
                    weights: dict[str, float] | None = None, require_different_actors: bool = True,
                    split_year: int = 2018) -> pd.DataFrame:
    """Return pairs of activities that look like the same work, ranked by a combined score.

    Candidate pairs must (1) share at least one country (of ``countries`` if given),
    (2) overlap in time: their date ranges (start to end, partial dates widened to their
    bounds) intersect, or at least one of them is undated, (3) not be parts of one another
    or of the same parent (``part_of``), and, with ``require_different_actors``, (4) not
    have the same set of doers (actors with role lead, implementer or chair): work by one
    actor is a series, not a duplication. Pairs where a doer set is unknown are kept
    (``doers_known = False``).

    Combined score, in [0, 1] (weights :data:`DUPLICATE_WEIGHTS`, overridable)::

        score = 0.6 * text + 0.2 * themes + 0.1 * countries + 0.1 * time

    - ``text``: cosine similarity of TF-IDF vectors of title + description (unigrams and
      bigrams, English stop words removed, fitted on the activities in scope);
    - ``themes``, ``countries``: Jaccard overlap of the two activities' theme and country
      sets (0 when both are empty);
    - ``time``: 1 when both are dated and their ranges overlap, 0.5 when one is undated.

    With the default weights a pair needs a text similarity of at least 0.17 to reach 0.5
    even with identical themes, countries and dates, so context alone never makes a
    duplicate. Time complexity O(n^2) in the number of activities in scope.

    Returns
    -------
    DataFrame, one row per pair with ``score >= threshold``, best first: ``activity_a``,
    ``activity_b``, ``title_a``, ``title_b``, ``score``, ``text``, ``themes``,
    ``countries``, ``time``, ``shared_countries``, ``period_a``, ``period_b``, ``doers_a``,
    ``doers_b``, ``doers_known``, ``shared_funders``.
    """
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold (duplicate score threshold) must be between 0 and 1, got {threshold!r}")
    wts = dict(DUPLICATE_WEIGHTS)
    if weights:
        unknown = set(weights) - set(wts)
        if unknown:
            raise ValueError(f"weights: unknown component(s) {sorted(unknown)}; use {sorted(wts)}")
        wts.update(weights)
        total = sum(wts.values())
        if total <= 0 or any(v < 0 for v in wts.values()):
            raise ValueError("weights must be non-negative with a positive sum")
        wts = {k: v / total for k, v in wts.items()}
    af = _activity_frame(ds, split_year, countries)
    cols = ["activity_a", "activity_b", "title_a", "title_b", "score", "text", "themes", "countries", "time",
            "shared_countries", "period_a", "period_b", "doers_a", "doers_b", "doers_known", "shared_funders"]
    if len(af) < 2:
        return pd.DataFrame(columns=cols)
    part = ds.participations
    doers = (part[part["role"].astype(str).isin(_DOER_ROLES)].assign(activity_id=lambda d: d["activity_id"].astype(str))
             .groupby("activity_id")["actor_id"].agg(lambda s: tuple(sorted(set(map(str, s))))))
    af["doers"] = af["activity_id"].map(doers).map(lambda v: v if isinstance(v, tuple) else ())
    texts = (af["title"] + ". " + af["description"]).tolist()
    sim = _text_similarity(texts)
    parent = dict(zip(af["activity_id"], af["part_of"]))
    rows = []
    recs = af.to_dict("records")
    n = len(recs)
    for i in range(n):
        a = recs[i]
        for j in range(i + 1, n):
            b = recs[j]
            shared = tuple(c for c in a["sel_countries"] if c in b["sel_countries"] and c != "none")
            if not shared:
                continue
            dated_a = pd.notna(a["start"]) or pd.notna(a["end"])
            dated_b = pd.notna(b["start"]) or pd.notna(b["end"])
            if dated_a and dated_b:
                lo_a = a["start"] if pd.notna(a["start"]) else a["end"]
                hi_a = a["end"] if pd.notna(a["end"]) else a["start"]
                lo_b = b["start"] if pd.notna(b["start"]) else b["end"]
                hi_b = b["end"] if pd.notna(b["end"]) else b["start"]
                if hi_a < lo_b or hi_b < lo_a:
                    continue
                time = 1.0
            else:
                time = 0.5
            pa, pb = parent.get(a["activity_id"]), parent.get(b["activity_id"])
            pa = pa if isinstance(pa, str) else None
            pb = pb if isinstance(pb, str) else None
            if pa == b["activity_id"] or pb == a["activity_id"] or (pa is not None and pa == pb):
                continue
            known = bool(a["doers"]) and bool(b["doers"])
            if require_different_actors and known and set(a["doers"]) == set(b["doers"]):
                continue
            text = float(sim[i, j])
            th = _jaccard(a["themes"], b["themes"])
            co = _jaccard(a["sel_countries"], b["sel_countries"])
            score = wts["text"] * text + wts["themes"] * th + wts["countries"] * co + wts["time"] * time
            if score + 1e-12 < threshold:
                continue
            rows.append({"activity_a": a["activity_id"], "activity_b": b["activity_id"], "title_a": a["title"],
                         "title_b": b["title"], "score": score, "text": text, "themes": th, "countries": co,
                         "time": time, "shared_countries": ";".join(shared), "period_a": a["period"],
                         "period_b": b["period"], "doers_a": ";".join(a["doers"]), "doers_b": ";".join(b["doers"]),
                         "doers_known": known,
                         "shared_funders": ";".join(sorted(set(a["funders"]) & set(b["funders"])))})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["score", "activity_a", "activity_b"], ascending=[False, True, True]).reset_index(drop=True)


# ----------------------------------------------------------------------------- tier classifier


def _training_text(title, description, themes) -> str:
    theme_tokens = " ".join(f"theme_{t}" for t in (themes or ()))
    return f"{title or ''}. {description or ''} {theme_tokens}".strip()


def tier_training_data(activities: pd.DataFrame, use_themes: bool = True) -> tuple[pd.Series, pd.Series]:
    """Return ``(texts, labels)`` for the coded activities, indexed by ``activity_id``.

    Text: title, description and (with ``use_themes``) one token per theme (``theme_ftf``).
    The themes are coded by the same coders as the tiers and carry much of the tier
    signal; ``use_themes=False`` measures what the words alone give. Label: the *first
    tier listed* for the activity (single-label classification, chosen over one-vs-rest
    multi-label because cross-validation is stratified and the confusion matrix needs one
    true class per activity; for an activity with several tiers the others are ignored,
    and the predicted probabilities show the runner-up). Uncoded activities are left out.
    """
    coded = activities[activities["tiers"].map(len) > 0]
    idx = coded["activity_id"].astype(str)
    texts = pd.Series([_training_text(t, d, h if use_themes else ()) for t, d, h in
                       zip(coded["title"], coded["description"].where(coded["description"].notna(), ""),
                           coded["themes"])], index=idx.values, name="text", dtype=object)
    labels = pd.Series([str(t[0]) for t in coded["tiers"]], index=idx.values, name="tier", dtype=object)
    return texts, labels


def make_tier_pipeline(seed: int = 42, C: float = 5.0):
    """Return an unfitted scikit-learn pipeline: TF-IDF + logistic regression.

    ``TfidfVectorizer`` (unigrams and bigrams, sublinear tf, accents stripped) then
    ``LogisticRegression`` (multinomial, lbfgs, ``class_weight="balanced"`` so rare tiers
    are not ignored, ``C`` inverse regularisation, ``random_state=seed``).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    seed = _check_seed(seed)
    return Pipeline([
        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", min_df=1)),
        ("clf", LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)),
    ])


@dataclass
class ClassifierEvaluation:
    """Cross-validated performance of the tier classifier (see :func:`evaluate_tier_classifier`).

    Attributes
    ----------
    macro_f1 : float
        Macro-averaged F1 of the out-of-fold predictions pooled over folds (0..1; NaN if
        the data were too thin to cross-validate).
    fold_macro_f1 : list[float]
        Macro-F1 of each fold.
    baseline_macro_f1 : float
        The same for a majority-class baseline (what a model that learnt nothing scores).
    n_splits : int
        Folds used (``min(max_folds, smallest class size)``; 0 if not run).
    n_train : int
        Coded activities used in cross-validation.
    classes : list[str]
        Tiers in the cross-validation.
    dropped_classes : dict[str, int]
        Tiers left out of cross-validation because they had fewer than 2 examples.
    confusion : DataFrame
        True tier (rows) x predicted tier (columns), out-of-fold counts.
    per_class : DataFrame
        Precision, recall, F1 and support per tier.
    out_of_fold : DataFrame
        ``activity_id``, ``true``, ``predicted``, ``probability`` (of the prediction).
    notes : list[str]
        Plain statements about thin data and warnings raised while fitting.
    """

    macro_f1: float
    fold_macro_f1: list
    baseline_macro_f1: float
    n_splits: int
    n_train: int
    classes: list
    dropped_classes: dict
    confusion: pd.DataFrame
    per_class: pd.DataFrame
    out_of_fold: pd.DataFrame
    notes: list = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Return a one-column table of the headline numbers (rounded to 3 decimals)."""
        fold = np.array(self.fold_macro_f1, dtype=float)
        return pd.DataFrame({"value": pd.Series({
            "coded activities in CV": self.n_train,
            "tiers in CV": len(self.classes),
            "folds": self.n_splits,
            "macro-F1 (pooled out-of-fold)": round(self.macro_f1, 3) if self.macro_f1 == self.macro_f1 else None,
            "macro-F1 per fold, mean": round(float(fold.mean()), 3) if len(fold) else None,
            "macro-F1 per fold, sd": round(float(fold.std(ddof=1)), 3) if len(fold) > 1 else None,
            "majority-class baseline macro-F1": (round(self.baseline_macro_f1, 3)
                                                 if self.baseline_macro_f1 == self.baseline_macro_f1 else None),
        }, dtype=object)})


def _empty_eval(n_train, classes, dropped, notes) -> ClassifierEvaluation:
    return ClassifierEvaluation(float("nan"), [], float("nan"), 0, n_train, classes, dropped,
                                pd.DataFrame(), pd.DataFrame(), pd.DataFrame(
                                    columns=["activity_id", "true", "predicted", "probability"]), notes)


def evaluate_tier_classifier(ds, seed: int = 42, max_folds: int = 5, C: float = 5.0,
                             use_themes: bool = True) -> ClassifierEvaluation:
    """Cross-validate the tier classifier on the coded activities of ``ds``.

    Stratified k-fold (shuffled with ``seed``) with ``k = min(max_folds, size of the
    smallest tier)``; tiers with fewer than 2 coded activities cannot be stratified and
    are left out of the cross-validation (listed in ``dropped_classes``). Scores are
    macro-F1 (every tier weighs the same, so a rare tier predicted badly pulls the score
    down). On a hundred short descriptions the estimate is noisy: read the per-fold spread
    and the baseline next to it. ``use_themes`` as in :func:`tier_training_data`.

    Returns a :class:`ClassifierEvaluation`.
    """
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold

    seed = _check_seed(seed)
    if not isinstance(max_folds, (int, np.integer)) or max_folds < 2:
        raise ValueError(f"max_folds must be an integer of at least 2, got {max_folds!r}")
    texts, labels = tier_training_data(ds.activities, use_themes)
    counts = labels.value_counts()
    dropped = {str(k): int(v) for k, v in counts.items() if v < 2}
    keep = labels.isin([k for k, v in counts.items() if v >= 2])
    x, y = texts[keep], labels[keep]
    classes = [t for t in TIERS if t in set(y)]
    notes = []
    if dropped:
        notes.append("left out of cross-validation (fewer than 2 coded activities): "
                     + ", ".join(f"{k} ({v})" for k, v in sorted(dropped.items())))
    if len(classes) < 2:
        notes.append("too thin: fewer than two tiers with at least 2 coded activities; no cross-validation")
        return _empty_eval(int(len(y)), classes, dropped, notes)
    n_splits = int(min(max_folds, y.value_counts().min()))
    if n_splits < max_folds:
        notes.append(f"folds reduced to {n_splits} (smallest tier has {int(y.value_counts().min())} activities)")
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    pred = pd.Series(index=y.index, dtype=object)
    prob = pd.Series(index=y.index, dtype=float)
    base = pd.Series(index=y.index, dtype=object)
    folds = []
    caught_msgs = set()
    for train, test in skf.split(x, y):
        model = make_tier_pipeline(seed, C)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(x.iloc[train], y.iloc[train])
        caught_msgs |= {f"{w.category.__name__}: {w.message}" for w in caught}
        p = model.predict_proba(x.iloc[test])
        cls = model.classes_
        pred.iloc[test] = cls[p.argmax(axis=1)]
        prob.iloc[test] = p.max(axis=1)
        majority = y.iloc[train].value_counts().sort_index().idxmax()
        base.iloc[test] = majority
        folds.append(float(f1_score(y.iloc[test], pred.iloc[test], labels=classes, average="macro",
                                    zero_division=0)))
    for m in sorted(caught_msgs):
        notes.append("while fitting: " + m.splitlines()[0][:200])
    macro = float(f1_score(y, pred, labels=classes, average="macro", zero_division=0))
    base_f1 = float(f1_score(y, base, labels=classes, average="macro", zero_division=0))
    cm = pd.DataFrame(confusion_matrix(y, pred, labels=classes), index=pd.Index(classes, name="true tier"),
                      columns=pd.Index(classes, name="predicted tier"))
    pr, rc, f1, sup = precision_recall_fscore_support(y, pred, labels=classes, zero_division=0)
    per_class = pd.DataFrame({"precision": pr, "recall": rc, "f1": f1, "support": sup},
                             index=pd.Index(classes, name="tier"))
    if len(y) < 30:
        notes.append(f"too thin for a stable estimate: {len(y)} coded activities")
    oof = pd.DataFrame({"activity_id": y.index, "true": y.values, "predicted": pred.values,
                        "probability": prob.values})
    return ClassifierEvaluation(macro, folds, base_f1, n_splits, int(len(y)), classes, dropped, cm, per_class,
                                oof, notes)


def train_tier_classifier(ds, seed: int = 42, C: float = 5.0, use_themes: bool = True):
    """Fit the tier pipeline (:func:`make_tier_pipeline`) on every coded activity of ``ds``.

    Pass the same ``use_themes`` to :func:`suggest_tiers`.

    Raises ValueError if fewer than two tiers are coded. Returns the fitted pipeline;
    ``pipeline.classes_`` lists the tiers it can suggest.
    """
    texts, labels = tier_training_data(ds.activities, use_themes)
    if labels.nunique() < 2:
        raise ValueError("too thin to train the tier classifier: fewer than two tiers are coded")
    model = make_tier_pipeline(seed, C)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        model.fit(texts, labels)
    return model


def suggest_tiers(model, activities: pd.DataFrame, unsure_below: float = 0.5, use_themes: bool = True) -> pd.DataFrame:
    """Suggest a tier for each activity in ``activities`` (typically the uncoded ones).

    Returns a DataFrame with ``activity_id``, ``title``, ``suggested_tier``,
    ``probability`` (the model's predicted probability of that tier, 0..1),
    ``runner_up``, ``runner_up_probability`` and ``unsure`` (probability below
    ``unsure_below``), sorted from least to most sure.
    """
    if not 0 <= unsure_below <= 1:
        raise ValueError(f"unsure_below must be between 0 and 1, got {unsure_below!r}")
    cols = ["activity_id", "title", "suggested_tier", "probability", "runner_up", "runner_up_probability", "unsure"]
    if len(activities) == 0:
        return pd.DataFrame(columns=cols)
    texts = [_training_text(t, d if isinstance(d, str) else "", h if use_themes else ()) for t, d, h in
             zip(activities["title"], activities["description"], activities["themes"])]
    p = model.predict_proba(texts)
    cls = np.asarray(model.classes_)
    order = np.argsort(-p, axis=1, kind="stable")
    top, second = order[:, 0], (order[:, 1] if p.shape[1] > 1 else order[:, 0])
    rows = np.arange(len(texts))
    out = pd.DataFrame({"activity_id": activities["activity_id"].astype(str).values,
                        "title": activities["title"].astype(str).values,
                        "suggested_tier": cls[top], "probability": p[rows, top],
                        "runner_up": cls[second], "runner_up_probability": p[rows, second]})
    out["unsure"] = out["probability"] < unsure_below
    return out.sort_values(["probability", "activity_id"]).reset_index(drop=True)

