"""Headline figures of the prevention vs R&R analysis, each with its n and caveat.

:func:`headline_figures` turns the results of the analyses into
:class:`wbcti_analysis.headlines.Headline` objects, so notebook 03 and the report never
assemble them by hand. Two caveats are computed, not written by hand:

- the overall gap index is a mix of two documents: when the gap index of one source
  points the other way (prevention vs R&R) from the overall figure, the caveat says so
  with each source's index and n;
- a period comparison on this data is partly a comparison of documents: when one source
  dominates a period (:func:`~wbcti_analysis.prevention.effort.source_mix`), the
  period's figure carries the source mix.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from ..headlines import Headline
from .checks import check_countries
from .claims import rr_claim_test
from .classifier import evaluate_tier_classifier
from .constants import MIN_N, WB6
from .duplicates import find_duplicates
from .effort import DOMINANT_SHARE, _activity_frame, period_labels, source_mix, tier_weights
from .gap import gap_table

__all__ = ["headline_figures", "HEADLINE_KEYS"]

HEADLINE_KEYS: tuple[str, ...] = (
    "prevention_gap_index_overall",
    "prevention_gap_index_before_split",
    "prevention_gap_index_from_split",
    "prevention_rr_share_external",
    "prevention_classifier_macro_f1",
    "prevention_duplicate_pairs",
)
"""Keys of :func:`headline_figures`, in order (stable across runs)."""

_COUNTS_NOT_MONEY = "Counts of activities, not money: the sources rarely state amounts."


def _round(x, ndigits: int = 3):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    x = float(x)
    return None if math.isnan(x) else round(x, ndigits)


def _sign(x: float) -> int:
    return 0 if x is None or (isinstance(x, float) and math.isnan(x)) else int(np.sign(x))


def _row(table: pd.DataFrame, country: str, period: str):
    sel = table[(table["country"] == country) & (table["period"] == period)]
    return sel.iloc[0] if len(sel) else None


def _thin(n: int, min_n: int = MIN_N) -> str:
    return f"Too thin (n = {n} < {min_n})." if n < min_n else ""


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _source_caveat(overall: float, gap_by_source: pd.DataFrame | None) -> str:
    """Caveat when a source's gap index points the other way from the overall one."""
    if gap_by_source is None or gap_by_source.empty:
        return ""
    by_src = gap_by_source[(gap_by_source["country"] == "all") & (gap_by_source["period"] != "all")
                           & (gap_by_source["n"] > 0)]
    s = _sign(overall)
    against = [r for _, r in by_src.iterrows() if _sign(r["gap"]) not in (0, s)]
    if s == 0 or not against:
        return ""
    listing = ", ".join(f"{r['period']} {r['gap']:+.3f} (n = {int(r['n'])})" for _, r in by_src.iterrows())
    lean = "R&R" if s > 0 else "prevention"
    return (f"By source the gap index points different ways ({listing}): the overall lean to {lean} reflects "
            "which activities each document chose to describe as much as the work itself.")


def _period_caveat(mix: pd.DataFrame, period: str, undated: int, dominant_share: float) -> str:
    sub = mix[mix["period"] == period]
    parts = []
    dom = sub[sub["dominant"]]
    if len(dom):
        d = dom.iloc[0]
        listing = ", ".join(f"{r['source_id']} {int(r['n'])}" for _, r in sub.iterrows())
        parts.append(f"{d['share']:.0%} of the period's {int(d['period_n'])} prevention-tier activities come from "
                     f"{d['source_id']} (source mix: {listing}; a source dominates at {dominant_share:.0%}): "
                     "comparing periods is largely comparing documents.")
    if undated:
        parts.append(f"{undated} undated prevention-tier activities are in neither period.")
    return " ".join(parts)


def headline_figures(ds, *, gap: pd.DataFrame | None = None, gap_by_source: pd.DataFrame | None = None,
                     claim: dict | None = None, evaluation=None, duplicates: pd.DataFrame | None = None,
                     rule: str = "fractional", split_year: int = 2018, countries: Iterable[str] | None = None,
                     duplicate_threshold: float = 0.5, duplicate_countries: Iterable[str] | None = None,
                     n_bootstrap: int = 1000, seed: int = 42,
                     dominant_share: float = DOMINANT_SHARE) -> list[Headline]:
    """Return the headline figures of notebook 03, each with its n and caveat.

    Pass the results the notebook already computed (``gap``, ``gap_by_source``,
    ``claim``, ``evaluation``, ``duplicates``) with the parameters they were computed
    with; any left as None is computed here with those parameters.

    Parameters
    ----------
    ds : Dataset
    gap : DataFrame, optional
        :func:`~wbcti_analysis.prevention.gap_table` (by date).
    gap_by_source : DataFrame, optional
        :func:`~wbcti_analysis.prevention.gap_table` with ``period_by="source"``.
    claim : dict, optional
        :func:`~wbcti_analysis.prevention.rr_claim_test`.
    evaluation : ClassifierEvaluation, optional
        :func:`~wbcti_analysis.prevention.evaluate_tier_classifier`.
    duplicates : DataFrame, optional
        :func:`~wbcti_analysis.prevention.find_duplicates`.
    rule : {"fractional", "each"}
    split_year : int
    countries : iterable of ISO codes, optional
        The country selection of ``gap`` and ``claim``.
    duplicate_threshold : float
        Threshold of ``duplicates`` (named in the label).
    duplicate_countries : iterable of ISO codes, optional
        Countries of ``duplicates``; default ``countries``, else the six Western Balkan
        countries (as in notebook 03).
    n_bootstrap, seed : int
        For a ``gap`` computed here.
    dominant_share : float
        A source dominates a period when at least this share of its prevention-tier
        activities comes from it.

    Returns
    -------
    list of Headline, keys :data:`HEADLINE_KEYS` in that order:

    - ``prevention_gap_index_overall``: the gap index of every country and period
      (-1 .. +1), n = prevention-tier activities; caveat when the by-source indices point
      the other way;
    - ``prevention_gap_index_before_split`` / ``prevention_gap_index_from_split``: the
      same for activities dated before / from ``split_year``; caveat with the source mix
      when one source dominates the period;
    - ``prevention_rr_share_external``: R&R share of externally funded prevention-tier
      work (0..1), n = those activities;
    - ``prevention_classifier_macro_f1``: cross-validated macro-F1 (0..1), n = coded
      activities in cross-validation; caveat with the majority-class baseline;
    - ``prevention_duplicate_pairs``: possible duplicate pairs, n = activities compared.

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> heads = headline_figures(example_dataset(), n_bootstrap=0)
    >>> [(h.key, h.value, h.n) for h in heads][:3]
    [('prevention_gap_index_overall', -0.333, 3), ('prevention_gap_index_before_split', -1.0, 1), ('prevention_gap_index_from_split', 0.0, 2)]
    >>> heads[0].caveat, heads[2].caveat[:23]
    ('Too thin (n = 3 < 5).', 'Too thin (n = 2 < 5). 1')
    """
    sel = check_countries(ds, countries)
    if gap is None:
        gap = gap_table(ds, rule, split_year, countries=sel, n_bootstrap=n_bootstrap, seed=seed)
    if gap_by_source is None:
        gap_by_source = gap_table(ds, rule, split_year, countries=sel, n_bootstrap=0, seed=seed, period_by="source")
    if claim is None:
        claim = rr_claim_test(ds, rule, countries=sel)
    if evaluation is None:
        evaluation = evaluate_tier_classifier(ds, seed=seed)
    dup_countries = check_countries(ds, duplicate_countries) or sel or list(WB6)
    if duplicates is None:
        duplicates = find_duplicates(ds, threshold=duplicate_threshold, countries=dup_countries,
                                     split_year=split_year)
    heads = []

    # the gap index, overall and by period
    overall = _row(gap, "all", "all")
    g_all = float(overall["gap"]) if overall is not None else float("nan")
    n_all = int(overall["n"]) if overall is not None else 0
    heads.append(Headline(
        key="prevention_gap_index_overall", value=_round(g_all),
        label=f"R&R gap index, all countries and periods ({rule} count; -1 all prevention, +1 all R&R)",
        unit="", n=n_all, caveat=_join(_thin(n_all), _source_caveat(g_all, gap_by_source))))
    af = _activity_frame(ds, split_year, sel)
    w = tier_weights(af, rule)
    pst_ids = set(w.loc[w["tier"].isin(["primary", "secondary", "tertiary"]), "activity_id"])
    prev = af[af["activity_id"].isin(pst_ids)]
    mix = source_mix(prev, prev["period"], dominant_share)
    before, onwards, undated = period_labels(split_year)
    n_undated = int((prev["period"] == undated).sum())
    for key, period, words in (("prevention_gap_index_before_split", before, f"dated before {split_year}"),
                               ("prevention_gap_index_from_split", onwards, f"dated {split_year} onwards")):
        row = _row(gap, "all", period)
        n = int(row["n"]) if row is not None else 0
        heads.append(Headline(
            key=key, value=_round(row["gap"]) if row is not None else None,
            label=f"R&R gap index, activities {words} ({rule} count; -1 all prevention, +1 all R&R)",
            unit="", n=n, caveat=_join(_thin(n), _period_caveat(mix, period, n_undated, dominant_share))))

    # the external-funding claim
    table = claim["table"]
    n_ext = int(table.loc["external", ["R&R only", "prevention only", "both"]].sum())
    n_dom = int(table.loc["domestic", ["R&R only", "prevention only"]].sum())
    dom_note = (f"{'No' if n_dom == 0 else f'Only {n_dom}'} domestically funded R&R-only or prevention-only "
                "activities recorded: too few to compare external with domestic funding." if n_dom < MIN_N else "")
    heads.append(Headline(
        key="prevention_rr_share_external", value=_round(claim["rr_share_external"]),
        label="R&R share of externally funded prevention-tier work", unit="share of activities", n=n_ext,
        caveat=_join(_thin(n_ext, 2 * MIN_N), _COUNTS_NOT_MONEY, dom_note)))

    # the classifier
    ev = evaluation
    base = _round(ev.baseline_macro_f1)
    thin_notes = [n for n in ev.notes if n.startswith("too thin")]
    heads.append(Headline(
        key="prevention_classifier_macro_f1", value=_round(ev.macro_f1),
        label="Tier classifier, cross-validated macro-F1", unit="F1 (0-1)", n=int(ev.n_train),
        caveat=_join(f"Majority-class baseline {base:.3f}; {ev.n_splits}-fold stratified cross-validation."
              if base is not None else "Not cross-validated.", *(n[0].upper() + n[1:] + "." for n in thin_notes))))

    # duplicates
    scope = _activity_frame(ds, split_year, dup_countries)
    src = dict(zip(scope["activity_id"], scope["source_id"]))
    cross = int(sum(src.get(a) != src.get(b) for a, b in zip(duplicates["activity_a"], duplicates["activity_b"])))
    heads.append(Headline(
        key="prevention_duplicate_pairs", value=int(len(duplicates)),
        label=f"Possible duplicate activity pairs (score >= {duplicate_threshold})", unit="pairs",
        n=int(len(scope)), caveat=_join("Leads for a reader to check, not findings.",
              f"{cross} of the pairs join activities of different sources (possibly one project coded from both)."
              if cross else "")))
    return heads
