"""Key findings of the donor-dependency analysis (notebook 02) in plain sentences.

Built from the headline figures (:func:`~wbcti_analysis.funding.headline_figures`) and the
dependency tables, each :class:`~wbcti_analysis.findings.Finding` with its number, n and
caveat. A tie at the top (e.g. every Western Balkan country at 100 % external funding of
its funded work) is a ``"limit"`` naming every tied country, never one picked by a
secondary key. The claim tested is ``r-c-004`` only indirectly (notebook 03 tests it);
this notebook describes who pays.
"""
from __future__ import annotations

import pandas as pd

from ..display import country_name, human_label
from ..findings import Finding
from ..findings_support import evidence_finding, names_list, pct
from .constants import WB6
from .dependency_shares import most_dependent_groups, rank_groups

__all__ = ["key_findings"]


def _dependency_finding(table: pd.DataFrame, what: str, min_n: int, candidates=None) -> Finding:
    top = most_dependent_groups(table, min_n, candidates)
    ranked = rank_groups(table, min_n, candidates)
    plural = "countries" if what == "country" else "prevention tiers"
    name = country_name if what == "country" else human_label
    if not top:
        return Finding(f"No {what} has {min_n} or more activities with a recorded funder: too thin to say which "
                       "rests most on donors.", n=0, kind="limit")
    rows = table.set_index("group")
    share = float(rows.at[top[0], "share_only_external_of_funded"])
    n_funded = int(sum(int(rows.at[g, "n_funded"]) for g in top))
    if len(top) > 1:
        return Finding(
            f"{len(top)} of the {len(ranked)} {plural} compared tie at the top: external funders alone pay "
            f"{pct(share, 1)} of the funded work of {names_list([name(g) for g in top], 8)}; no single {what} "
            "is the most donor-dependent.",
            n=n_funded, kind="limit",
            caveat="Only activities whose funder the sources name count; no domestic funder is recorded for them, "
                   "which is not evidence that none exists.")
    if len(ranked) == 1:
        return Finding(f"Only {name(top[0])} has {min_n} or more activities with a recorded funder: external funders "
                       f"alone pay {pct(share, 1)} of its {int(rows.at[top[0], 'n_funded'])} funded activities, with "
                       f"no other {what} to compare it with.", n=n_funded, kind="limit")
    nf = rows.at[top[0], "share_no_funder"]
    return Finding(f"{name(top[0])} rests most on donors among the {len(ranked)} {plural} compared: external "
                   f"funders alone pay {pct(share, 1)} of its {int(rows.at[top[0], 'n_funded'])} funded activities.",
                   n=n_funded, caveat="" if pd.isna(nf) or not nf else
                   f"{pct(nf)} of its activities name no funder and are left out.")


def _funder_finding(ranking: pd.DataFrame, n_activities: int | None) -> Finding | None:
    if ranking is None or not len(ranking):
        return Finding("No funder is recorded in this selection: no withdrawal to simulate.", n=0, kind="limit")
    first = ranking.iloc[0]
    lost = int(first["n_activities_lost"])
    if lost <= 0 and int(first["n_cut_off"]) <= 0:
        return Finding("No single funder's withdrawal leaves an activity without any funder.", n=len(ranking),
                       kind="limit")
    same = ranking[(ranking["n_activities_lost"] == lost) & (ranking["n_actors_lost"] == first["n_actors_lost"])
                   & (ranking["n_cut_off"] == first["n_cut_off"])]
    label = [str(x) for x in (same["name"] if "name" in same.columns else same["funder_id"])]
    if len(same) > 1:
        return Finding(f"{names_list(label)} tie as the most systemic funders: withdrawing any one of them "
                       f"leaves {lost} activities with no funder.", n=len(ranking), kind="limit",
                       rows=same["funder_id"].astype(str).tolist())
    of = f" of {n_activities:,}" if n_activities else ""
    return Finding(f"If {label[0]} withdrew alone, {lost}{of} activities would be left with no recorded funder "
                   f"and {int(first['n_actors_lost'])} actors would lose all their funded work.",
                   n=len(ranking), rows=[str(first["funder_id"])],
                   caveat="Assumes no other donor steps in and unfunded activities continue.")


def key_findings(cov: pd.Series, dep_all: pd.DataFrame, dep_country: pd.DataFrame, dep_tier: pd.DataFrame,
                 ranking: pd.DataFrame, min_n: int = 3, *, evidence: dict | None = None) -> list[Finding]:
    """Return the key findings of notebook 02 (3-6 sentences, ties and thin groups as limits).

    Parameters
    ----------
    cov, dep_all, dep_country, dep_tier, ranking, min_n
        As for :func:`~wbcti_analysis.funding.headline_figures`.
    evidence : dict, optional
        :func:`~wbcti_analysis.findings_support.evidence_counts` of the funding rows.

    Returns
    -------
    list of Finding
        The share of work with an external funder (and how much names none), the most
        donor-dependent country (a tie as a limit), the same for the tier, the most
        systemic funder, and the evidence kinds of the funding rows.

    Examples
    --------
    >>> from wbcti_analysis import funding as fd
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> ds = tiny_dataset()
    >>> links = fd.funder_links(ds)
    >>> fs = key_findings(fd.coverage(ds, links), fd.dependency(ds, "all", links=links),
    ...                   fd.dependency(ds, "country", links=links), fd.dependency(ds, "tier", links=links),
    ...                   fd.rank_funders(ds, links), min_n=1)
    >>> print(fs[1].text)
    Kosovo rests most on donors among the 2 countries compared: external funders alone pay 50.0 % of its 2 funded activities.
    """
    out = []
    all_row = dep_all.set_index("group").loc["all"] if "all" in set(dep_all["group"]) else None
    n_acts = None if pd.isna(cov["activities"]) else int(cov["activities"])
    if all_row is not None and n_acts:
        out.append(Finding(
            f"{pct(all_row['share_any_external'], 1)} of the {n_acts:,} activities have at least one external "
            f"funder; for {pct(cov['share_no_own_funder'], 1)} the sources name no funder of their own.",
            n=n_acts, caveat="An activity with no recorded funder is not evidence of domestic funding."))
    else:
        out.append(Finding("No activity in this selection: nothing to say about funding.", n=0, kind="limit"))
        return out
    out.append(_dependency_finding(dep_country, "country", min_n, WB6))
    out.append(_dependency_finding(dep_tier, "tier", min_n))
    f = _funder_finding(ranking, n_acts)
    if f is not None:
        out.append(f)
    f = evidence_finding(evidence or {}, "the funding results")
    if f is not None:
        out.append(f)
    return out
