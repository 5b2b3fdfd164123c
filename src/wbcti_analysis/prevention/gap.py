"""The R&R gap index: how far tertiary work (R&R) outweighs primary and secondary prevention.

``gap = (T - (P + S)) / (P + S + T)`` with ``P``, ``S``, ``T`` the weighted numbers of
primary, secondary and tertiary activities (public-health tiers as the sources use them:
Caplan 1964; RAN 2023). It is the tertiary share minus the prevention share of
prevention-tier work, from -1 (all prevention) through 0 to +1 (all R&R). Each group's
interval is a seeded percentile bootstrap over its activities (Efron & Tibshirani 1993).

References
----------
.. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.
.. [2] Makolli, F. (2023). *Enhancing collaboration between law enforcement and other
   stakeholders in P/CVE*. Radicalisation Awareness Network (RAN Practitioners).
   Luxembourg: Publications Office of the European Union.
.. [3] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
   New York: Chapman & Hall.
"""
from __future__ import annotations

import zlib
from typing import Iterable

import numpy as np
import pandas as pd

from ..stats.bootstrap import percentile_interval
from .checks import check_ci, check_countries, check_n_bootstrap, check_period_by, check_seed
from .constants import MIN_N
from .effort import _activity_frame, period_labels, tier_weights

__all__ = ["gap_index", "gap_table"]

_PST = ("primary", "secondary", "tertiary")


def gap_index(primary, secondary, tertiary):
    """Return the R&R gap index ``(T - (P + S)) / (P + S + T)``.

    Parameters
    ----------
    primary, secondary, tertiary : float or array-like
        ``P``, ``S``, ``T``: the (weighted) numbers of primary, secondary and tertiary
        activities. CT law-enforcement and uncoded work are left out (not prevention).

    Returns
    -------
    float or ndarray
        The tertiary share minus the primary-plus-secondary share of prevention-tier
        work, unitless, from -1 (all primary or secondary prevention) through 0 (even
        split) to +1 (all tertiary R&R); NaN when ``P + S + T == 0``.

    References
    ----------
    .. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.
    .. [2] Makolli, F. (2023). *Enhancing collaboration between law enforcement and other
       stakeholders in P/CVE*. Radicalisation Awareness Network (RAN Practitioners).
       Luxembourg: Publications Office of the European Union.

    Examples
    --------
    >>> gap_index(3.5, 1.0, 1.5)
    -0.5
    >>> gap_index([1, 0], [0, 0], [0, 2]).tolist()
    [-1.0, 1.0]
    """
    p, s, t = (np.asarray(x, dtype=float) for x in (primary, secondary, tertiary))
    tot = p + s + t
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(tot > 0, (t - (p + s)) / np.where(tot > 0, tot, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def _group_seed(seed: int, *key: str) -> list[int]:
    return [seed, zlib.crc32("|".join(key).encode("utf-8"))]


def _gap_of_resamples(resamples: np.ndarray) -> np.ndarray:
    sums = resamples.sum(axis=1)  # (B, 3)
    return gap_index(sums[:, 0], sums[:, 1], sums[:, 2])


def gap_table(ds, rule: str = "fractional", split_year: int = 2018, countries: Iterable[str] | None = None,
              n_bootstrap: int = 1000, seed: int = 42, ci: float = 0.95, min_n: int = MIN_N,
              period_by: str = "date", progress: bool | None = None) -> pd.DataFrame:
    """Return the gap index per country and period with a bootstrap confidence interval.

    Groups: every country (the ``countries`` given, else every country in the data, plus
    ``"none"`` for activities with no country) and ``"all"`` (each activity once), crossed
    with every period and ``"all"`` periods. A country with no activity still gets its rows
    (``n = 0``, gap NaN).

    The bootstrap resamples the group's prevention-tier activities (those with a primary,
    secondary or tertiary weight) with replacement ``n_bootstrap`` times and takes the
    percentile interval at level ``ci`` (:func:`wbcti_analysis.stats.bootstrap.percentile_interval`).
    The generator of each group is seeded from ``seed`` and the group's name, so a group's
    interval does not change when other groups are added or removed, and a re-run gives
    the same numbers.

    Parameters
    ----------
    ds : Dataset
    rule : {"fractional", "each"}
        Tier counting rule (:func:`~wbcti_analysis.prevention.tier_weights`).
    split_year : int
        First year of the second period.
    countries : iterable of ISO codes, optional
    n_bootstrap : int
        Bootstrap resamples; 0 gives no interval.
    seed : int
        Non-negative seed.
    ci : float
        Confidence level of the interval, in (0, 1).
    min_n : int
        Below this many prevention-tier activities a group is noted as too thin.
    period_by : {"date", "source"}
        ``"source"`` uses the source document (``source_id``) as the period instead of
        the dates: the WBCTi report stands for 2015-2017, the RAN paper for about
        2022-2023, which also places the many undated activities.
    progress : bool, optional
        Show a progress bar over the countries (default: automatic, see
        :func:`wbcti_analysis.progress.progress_enabled`; never under papermill).

    Returns
    -------
    DataFrame with ``country``, ``period``, ``n`` (prevention-tier activities), ``primary``,
    ``secondary``, ``tertiary`` (weighted activities under ``rule``), ``gap`` (see
    :func:`gap_index`, -1 .. +1), ``ci_low``, ``ci_high`` and ``note`` (``"too thin (n < 5)"``
    or ``"no prevention-tier activity"`` where it applies, else empty).

    Raises
    ------
    ValueError
        For a bad ``seed``, ``n_bootstrap``, ``ci``, ``period_by``, ``rule``,
        ``split_year`` or country code.

    References
    ----------
    .. [1] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
       New York: Chapman & Hall, ch. 13.

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> g = gap_table(example_dataset(), n_bootstrap=200, seed=1).set_index(["country", "period"])
    >>> float(g.loc[("all", "all"), "gap"]), int(g.loc[("all", "all"), "n"])
    (-0.3333333333333333, 3)
    >>> float(g.loc[("XK", "2018 onwards"), "gap"]), g.loc[("XK", "2018 onwards"), "note"]
    (0.0, 'too thin (n < 5)')
    """
    seed = check_seed(seed)
    check_n_bootstrap(n_bootstrap)
    check_ci(ci)
    check_period_by(period_by)
    sel = check_countries(ds, countries)
    af = _activity_frame(ds, split_year, sel)
    if period_by == "source":
        af["period"] = af["source_id"]
    w = tier_weights(af, rule)
    for tier in _PST:
        wt = w[w["tier"] == tier].groupby("activity_id")["weight"].sum()
        af[tier] = af["activity_id"].map(wt).fillna(0.0).astype(float)
    af = af[af[list(_PST)].sum(axis=1) > 0]
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
    from ..progress import progress_bar

    rows = []
    for country in progress_bar(["all"] + country_list, desc="bootstrap by country", progress=progress):
        sub_c = af if country == "all" else af[af["sel_countries"].map(lambda t, c=country: c in t).astype(bool)]
        for period in periods:
            sub = sub_c if period == "all" else sub_c[sub_c["period"] == period]
            m = sub[list(_PST)].to_numpy(dtype=float)
            p, s, t = m.sum(axis=0) if len(m) else (0.0, 0.0, 0.0)
            lo, hi = percentile_interval(m, _gap_of_resamples, n_resamples=int(n_bootstrap), ci=ci,
                                         seed=_group_seed(seed, rule, country, period))
            n = len(sub)
            note = "no prevention-tier activity" if n == 0 else (f"too thin (n < {min_n})" if n < min_n else "")
            rows.append({"country": country, "period": period, "n": n, "primary": p, "secondary": s,
                         "tertiary": t, "gap": gap_index(p, s, t), "ci_low": lo, "ci_high": hi, "note": note})
    return pd.DataFrame(rows)
