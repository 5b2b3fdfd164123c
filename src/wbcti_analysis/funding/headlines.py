"""Headline figures of the funding analysis, as :class:`~wbcti_analysis.headlines.Headline`
objects (key, label, value, unit, n, caveat) ready for :func:`wbcti_analysis.headlines.record`.

Ties are reported as ties: when several countries (tiers, funders) share the top value,
the headline's value is ``"tie between A, B (2 groups)"``, never one of them picked by a
secondary key.
"""
from __future__ import annotations

import pandas as pd

from ..headlines import Headline
from .constants import WB6
from .dependency_shares import most_dependent_groups, rank_groups

__all__ = ["headline_figures"]

#: The keys of the funders' ranking that decide the withdrawal impact (all descending).
_IMPACT = ["n_activities_lost", "n_actors_lost", "n_cut_off", "_drop"]


def _tie_text(names: list[str], what: str = "groups") -> str:
    """``"tie between A, B (2 groups)"``."""
    return f"tie between {', '.join(names)} ({len(names)} {what})"


def _round(v) -> float | None:
    return None if v is None or pd.isna(v) else round(float(v), 3)


def _group_headlines(prefix: str, what: str, table: pd.DataFrame, min_n: int, unit_share: str,
                     candidates=None) -> list[Headline]:
    """The "most dependent <what>" headline and its share, with the tie and thin caveats."""
    top = most_dependent_groups(table, min_n, candidates)
    ranked = rank_groups(table, min_n, candidates)
    rows = table.set_index("group")
    plural = "countries" if what == "country" else f"{what}s"
    label = (f"Western Balkan country whose funded CT/P-CVE work rests most on external funders only (>= {min_n} "
             "funded activities)" if what == "country" else
             f"Prevention tier resting most on external funders only (>= {min_n} funded activities)")
    share_label = f"Share of that {what}'s funded work paid by external funders only"
    if not top:
        caveat = f"Too thin: no {what} has {min_n} or more activities with a recorded funder."
        return [Headline(prefix, label, None, "", 0, caveat),
                Headline(f"{prefix}_share", share_label, None, unit_share, None, caveat)]
    share = _round(rows.at[top[0], "share_only_external_of_funded"])
    n_funded = int(sum(int(rows.at[g, "n_funded"]) for g in top))
    compared = f"{len(ranked)} {plural if len(ranked) != 1 else what} with >= {min_n} funded activities compared"
    if len(top) == 1:
        nf = rows.at[top[0], "share_no_funder"]
        blank = "" if pd.isna(nf) or not nf else f"; {float(nf):.0%} of its activities name no funder and are left out"
        return [Headline(prefix, label, top[0], "", len(ranked), compared + "."),
                Headline(f"{prefix}_share", share_label, share, unit_share, n_funded,
                         f"Of the {n_funded} activities with a recorded funder{blank}.")]
    tie = _tie_text(top, plural)
    caveat = (f"{len(top)} {plural} share the top value ({share:.0%} of their funded work paid by external funders "
              f"only): {', '.join(top)}; no single {what} can be named ({compared}).")
    return [Headline(prefix, label, tie, "", len(ranked), caveat),
            Headline(f"{prefix}_share", share_label + " (the same for every tied " + what + ")", share, unit_share,
                     n_funded, caveat)]


def _funder_headlines(ranking: pd.DataFrame, n_activities: int) -> list[Headline]:
    label = "Funder whose withdrawal leaves most activities without any funder"
    lost_label = "Activities left with no funder if the most systemic funder withdraws"
    assumption = "Each funder withdrawn alone; assumes no other donor steps in and unfunded activities continue."
    if not len(ranking) or not (ranking["n_activities_lost"].iloc[0] > 0 or ranking["n_cut_off"].iloc[0] > 0):
        caveat = ("No funder in the selection." if not len(ranking) else
                  "No single funder's withdrawal leaves an activity unfunded or cuts an actor off.")
        return [Headline("most_systemic_funder", label, None, "", len(ranking), caveat),
                Headline("most_systemic_funder_activities_lost", lost_label, None, "activities", n_activities, caveat)]
    r = ranking.assign(_drop=ranking["largest_component_before"] - ranking["largest_component_after"])
    impact = r[_IMPACT].astype(float)
    top = r.loc[(impact == impact.iloc[0]).all(axis=1), "funder_id"].astype(str).tolist()
    lost = int(r["n_activities_lost"].iloc[0])
    if len(top) == 1:
        value, caveat = top[0], assumption
    else:
        value = _tie_text(top, "funders")
        caveat = (f"{len(top)} funders have the same impact ({lost} activities lost, same actors lost and cut off): "
                  f"{', '.join(top)}. " + assumption)
    return [Headline("most_systemic_funder", label, value, "", len(ranking), caveat),
            Headline("most_systemic_funder_activities_lost", lost_label, lost, "activities", n_activities, caveat)]


def headline_figures(cov: pd.Series, dep_all: pd.DataFrame, dep_country: pd.DataFrame, dep_tier: pd.DataFrame,
                     ranking: pd.DataFrame, min_n: int = 3) -> list[Headline]:
    """Return the analysis' headline figures, ready for :func:`wbcti_analysis.headlines.record`.

    Parameters
    ----------
    cov : Series
        :func:`~wbcti_analysis.funding.coverage` output.
    dep_all, dep_country, dep_tier : DataFrame
        :func:`~wbcti_analysis.funding.dependency` tables with ``by="all"``, ``"country"``
        and ``"tier"``.
    ranking : DataFrame
        :func:`~wbcti_analysis.funding.rank_funders` output.
    min_n : int
        Smallest number of funded activities for a group to be named (see
        :func:`~wbcti_analysis.funding.rank_groups`); the most dependent country is chosen
        among the six Western Balkan beneficiaries (:data:`~wbcti_analysis.funding.WB6`),
        not among donor or reference countries.

    Returns
    -------
    list of Headline
        In this order: ``most_donor_dependent_country`` (a country code, or
        ``"tie between AL, XK (2 countries)"`` when several share the top value; n =
        countries compared), ``most_donor_dependent_country_share`` (0-1; n = their
        activities with a recorded funder), the same two for the tier,
        ``most_systemic_funder`` (a funder id or a tie; n = funders ranked),
        ``most_systemic_funder_activities_lost`` (activities; n = activities in the
        selection), ``share_external_any``, ``share_no_recorded_funder`` and
        ``share_no_funder_after_inheritance`` (0-1; n = activities, or funding rows with an
        amount on the amount basis). Values are None where the data is too thin (no group
        with ``min_n`` funded activities; no funder whose withdrawal leaves an activity
        unfunded or cuts an actor off), and the caveat says why. Shares are rounded to 3
        decimals.

    Examples
    --------
    >>> from wbcti_analysis import funding as fd
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> ds = tiny_dataset()
    >>> links = fd.funder_links(ds)
    >>> heads = headline_figures(fd.coverage(ds, links), fd.dependency(ds, "all", links=links),
    ...                          fd.dependency(ds, "country", links=links), fd.dependency(ds, "tier", links=links),
    ...                          fd.rank_funders(ds, links), min_n=1)
    >>> for h in heads[:3]:
    ...     print(h.key, "=", h.value, "| n =", h.n)
    most_donor_dependent_country = XK | n = 2
    most_donor_dependent_country_share = 0.5 | n = 2
    most_donor_dependent_tier = secondary | n = 3
    """
    basis = str(dep_all["basis"].iloc[0]) if len(dep_all) else "count"
    unit_share = "share of funded activities" if basis == "count" else "share of stated money"
    n_acts = None if pd.isna(cov["activities"]) else int(cov["activities"])
    out = _group_headlines("most_donor_dependent_country", "country", dep_country, min_n, unit_share, WB6)
    out += _group_headlines("most_donor_dependent_tier", "tier", dep_tier, min_n, unit_share)
    out += _funder_headlines(ranking, n_acts)
    all_row = dep_all.set_index("group").loc["all"] if "all" in set(dep_all["group"]) else None
    share_any = None if all_row is None else _round(all_row["share_any_external"])
    no_funder = None if all_row is None else _round(all_row["share_no_funder"])
    n_any = None if all_row is None else int(all_row["n_amount_rows"] if basis == "amount" and
                                             all_row["basis"] == "amount" else all_row["n_activities"])
    out.append(Headline(
        "share_external_any", "Share of all activities with at least one external funder", share_any,
        "share of activities" if basis == "count" else "share of stated money", n_any,
        "" if no_funder is None else f"Activities with no recorded funder ({no_funder:.0%}) count as not external: "
                                     "the sources do not say who paid, which is not evidence of domestic funding."))
    out.append(Headline(
        "share_no_recorded_funder",
        "Share of activities with no funder recorded for them (funding row or funder participation)",
        _round(cov["share_no_own_funder"]), "share of activities", n_acts,
        "The sources name no funder for these; not evidence of domestic funding."))
    out.append(Headline(
        "share_no_funder_after_inheritance",
        "Share of activities with no funder even through the project they are part of",
        _round(cov["share_no_funder"]), "share of activities", n_acts,
        "Inheritance assumes a workshop is paid from the project it is part of."))
    return out
