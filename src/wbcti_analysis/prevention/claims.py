"""The external-funding claim: do external funders favour R&R over prevention?

The RAN paper (2023) says most international grants in the Western Balkans go to the
rehabilitation and reintegration (R&R, tertiary prevention) of returning foreign
terrorist fighters rather than to primary and secondary prevention. This module counts
activities by funding origin (:mod:`wbcti_analysis.prevention.origins`) and tier, and
tests the claim with exact tests (binomial, Fisher) and, when expected counts allow,
Pearson's chi-square with Yates' correction.

References
----------
.. [1] Makolli, F. (2023). *Enhancing collaboration between law enforcement and other
   stakeholders in P/CVE*. Radicalisation Awareness Network (RAN Practitioners).
   Luxembourg: Publications Office of the European Union.
.. [2] Fisher, R. A. (1922). On the interpretation of chi-square from contingency tables,
   and the calculation of P. *Journal of the Royal Statistical Society*, 85(1), 87-94.
.. [3] Yates, F. (1934). Contingency tables involving small numbers and the chi-square
   test. *Supplement to the Journal of the Royal Statistical Society*, 1(2), 217-235.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from .checks import check_rule
from .constants import ALL_TIERS, FUNDING_ORIGINS, MIN_N, PREVENTION_TIERS, UNCODED
from .effort import _activity_frame, tier_weights

__all__ = ["funding_by_tier", "rr_claim_test", "TIER_GROUPS"]

TIER_GROUPS: tuple[str, ...] = ("R&R only", "prevention only", "both", "CT only", UNCODED)
"""The one tier group of each activity in :func:`rr_claim_test`."""


def funding_by_tier(ds, rule: str = "fractional", countries: Iterable[str] | None = None) -> pd.DataFrame:
    """Return weighted activities by funding origin (rows) and tier (columns).

    Parameters
    ----------
    ds : Dataset
    rule : {"fractional", "each"}
        Tier counting rule.
    countries : iterable of ISO codes, optional

    Returns
    -------
    DataFrame
        Rows ``external``, ``mixed``, ``domestic``, ``unknown``, ``no funder recorded``
        (see :func:`~wbcti_analysis.prevention.activity_funding_origin`). Columns: every
        tier of :data:`ALL_TIERS` (weighted activities under ``rule``), ``total`` and
        ``rr_share`` (tertiary over primary + secondary + tertiary, 0..1; NaN when the row
        has no prevention-tier work).

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> tab = funding_by_tier(example_dataset())
    >>> tab.loc["external", ["primary", "tertiary", "rr_share"]].tolist()
    [1.0, 1.0, 0.5]
    """
    af = _activity_frame(ds, 2018, countries)
    w = tier_weights(af, rule).merge(af[["activity_id", "funding_origin"]], on="activity_id")
    tab = (w.pivot_table(index="funding_origin", columns="tier", values="weight", aggfunc="sum", observed=False)
           .reindex(index=list(FUNDING_ORIGINS), columns=list(ALL_TIERS)).fillna(0.0))
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


def _not_run(name: str, n: int, statistic_name: str, note: str) -> dict:
    return {"test": name, "n": n, "statistic": np.nan, "statistic_name": statistic_name, "p_value": np.nan,
            "p_two_sided": np.nan, "note": note}


def rr_claim_test(ds, rule: str = "fractional", countries: Iterable[str] | None = None, min_n: int = MIN_N) -> dict:
    """Test the claim that external funders favour R&R over primary and secondary prevention.

    Each activity is put in one tier group (:data:`TIER_GROUPS`): ``R&R only`` (tertiary,
    no primary or secondary), ``prevention only`` (primary and/or secondary, no tertiary),
    ``both``, ``CT only`` or ``uncoded``; only the first two enter the tests, so every
    activity is one independent observation. Funding side: *external* = an external
    funder (funding origin external or mixed); *domestic* = domestic funders only; *not
    external* = domestic only or no funder recorded.

    Tests (scipy):

    - ``binomial``: among externally funded activities, is the R&R share above one half
      ("most international grants go to R&R")? One-sided exact binomial test.
    - ``fisher external vs domestic``: is R&R more common among externally funded than
      among domestically funded activities? One-sided Fisher's exact test (odds ratio > 1),
      with the two-sided p-value too.
    - ``fisher external vs not external``: the same against every activity without an
      external funder (the sources seldom record domestic funding).
    - ``chi-square``: only run when every expected count of the external vs domestic
      table is at least 5 (Yates' continuity correction).

    Parameters
    ----------
    ds : Dataset
    rule : {"fractional", "each"}
        Tier counting rule of the R&R shares.
    countries : iterable of ISO codes, optional
    min_n : int
        Thinness threshold of the notes and the verdict.

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

    Raises
    ------
    ValueError
        For an unknown ``rule`` or country code.

    References
    ----------
    .. [1] Fisher, R. A. (1922). On the interpretation of chi-square from contingency
       tables, and the calculation of P. *Journal of the Royal Statistical Society*,
       85(1), 87-94.
    .. [2] Yates, F. (1934). Contingency tables involving small numbers and the
       chi-square test. *Supplement to the Journal of the Royal Statistical Society*,
       1(2), 217-235.

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> res = rr_claim_test(example_dataset())
    >>> res["table"].loc["external"].tolist(), res["rr_share_external"]
    ([1, 1, 0, 0, 0], 0.5)
    >>> float(res["tests"].iloc[0]["p_value"])   # P(X >= 1), X ~ Bin(2, 1/2)
    0.75
    """
    from scipy import stats

    check_rule(rule)
    af = _activity_frame(ds, 2018, countries)
    af["tier_group"] = af["tiers"].map(_tier_group)
    af["side"] = af["funding_origin"].map({"external": "external", "mixed": "external", "domestic": "domestic",
                                           "unknown": "unknown", "no funder recorded": "no funder recorded"})
    table = (pd.crosstab(af["side"], af["tier_group"])
             .reindex(index=["external", "domestic", "no funder recorded", "unknown"], columns=list(TIER_GROUPS))
             .fillna(0).astype(int))
    table.index.name = "funding"
    table.columns.name = None
    ext_rr, ext_prev = int(table.loc["external", "R&R only"]), int(table.loc["external", "prevention only"])
    dom_rr, dom_prev = int(table.loc["domestic", "R&R only"]), int(table.loc["domestic", "prevention only"])
    none_rr = int(table.loc["no funder recorded", "R&R only"])
    none_prev = int(table.loc["no funder recorded", "prevention only"])
    tests = []
    n_ext = ext_rr + ext_prev
    binom_name = "binomial: R&R share of externally funded > 1/2"
    if n_ext > 0:
        b = stats.binomtest(ext_rr, n_ext, 0.5, alternative="greater")
        b2 = stats.binomtest(ext_rr, n_ext, 0.5, alternative="two-sided")
        note = f"too thin (n < {2 * min_n})" if n_ext < 2 * min_n else ""
        tests.append({"test": binom_name, "n": n_ext, "statistic": ext_rr / n_ext, "statistic_name": "R&R share",
                      "p_value": b.pvalue, "p_two_sided": b2.pvalue, "note": note})
    else:
        tests.append(_not_run(binom_name, 0, "R&R share",
                              "not run: no externally funded R&R-only or prevention-only activity"))
    for name, rr2, prev2 in (("fisher: external vs domestic", dom_rr, dom_prev),
                             ("fisher: external vs not external", dom_rr + none_rr, dom_prev + none_prev)):
        tab = np.array([[ext_rr, ext_prev], [rr2, prev2]])
        rows_ok = tab.sum(axis=1)
        if rows_ok.min() == 0 or tab.sum(axis=0).min() == 0:
            tests.append(_not_run(name, int(tab.sum()), "odds ratio",
                                  "not run: a row or column of the 2x2 table is empty"))
            continue
        odds, p1 = stats.fisher_exact(tab, alternative="greater")
        _, p2 = stats.fisher_exact(tab, alternative="two-sided")
        note = f"too thin (a row total < {min_n})" if rows_ok.min() < min_n else ""
        tests.append({"test": name, "n": int(tab.sum()), "statistic": float(odds), "statistic_name": "odds ratio",
                      "p_value": float(p1), "p_two_sided": float(p2), "note": note})
    tab = np.array([[ext_rr, ext_prev], [dom_rr, dom_prev]])
    chi_name = "chi-square: external vs domestic"
    if tab.sum(axis=1).min() > 0 and tab.sum(axis=0).min() > 0:
        expected = stats.contingency.expected_freq(tab)
        if expected.min() >= 5:
            chi2, p, _, _ = stats.chi2_contingency(tab, correction=True)
            tests.append({"test": chi_name, "n": int(tab.sum()), "statistic": float(chi2),
                          "statistic_name": "chi2 (Yates)", "p_value": float(p), "p_two_sided": float(p), "note": ""})
        else:
            tests.append(_not_run(chi_name, int(tab.sum()), "chi2",
                                  f"not run: an expected count is {expected.min():.1f} < 5 (Fisher's test above)"))
    else:
        tests.append(_not_run(chi_name, int(tab.sum()), "chi2", "not run: a row or column of the 2x2 table is empty"))
    tests = pd.DataFrame(tests)
    rr_ext = _rr_share(af[af["side"] == "external"], rule)
    rr_not = _rr_share(af[af["side"].isin(["domestic", "no funder recorded"])], rule)
    verdict = claim_verdict(n_ext, ext_rr, dom_rr + dom_prev, tests, min_n)
    return {"table": table, "tests": tests, "rr_share_external": rr_ext, "rr_share_not_external": rr_not,
            "verdict": verdict}


def claim_verdict(n_ext: int, ext_rr: int, n_dom: int, tests: pd.DataFrame, min_n: int = MIN_N) -> str:
    """Return the plain-language verdict of :func:`rr_claim_test`.

    Parameters
    ----------
    n_ext : int
        Externally funded activities coded R&R-only or prevention-only.
    ext_rr : int
        Of those, the R&R-only ones.
    n_dom : int
        Domestically funded activities coded R&R-only or prevention-only.
    tests : DataFrame
        The tests of :func:`rr_claim_test`; the first row is the one-sided binomial test.
    min_n : int
        Thinness threshold.

    Returns
    -------
    str

    Examples
    --------
    >>> claim_verdict(0, 0, 0, pd.DataFrame())[:9]
    'Too thin:'
    """
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
