"""Donor dependency of groups of activities: the shares funded only externally, mixed,
only domestically or with no recorded funder, per country, tier, theme, level, type or
mechanism; the ranking of groups by dependency, ties reported as ties; thin-data messages.

Bases
    ``basis="count"`` counts activities (each activity once per group); ``basis="amount"``
    sums the stated amounts in one currency (the most frequent one unless given; amounts in
    other currencies are not converted and are left out, and the tables say which currency
    was used). Amounts are rarely stated, so every table works on counts, and with
    ``basis="amount"`` a group with no stated amount falls back to counts: every row says
    which basis it used in its ``basis`` column, and ``n_amount_rows`` says how many funding
    rows carried an amount. An amount of a multi-country activity counts in full for each
    of its countries (country rows do not add up to the total).

Activities with no recorded funder are never dropped: they are a row of every table and a
share of every figure (``share_no_funder``).
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from .checks import _check_basis
from .constants import NOT_STATED
from .grouping import _descendants, _grouped
from .links import activity_funding, funder_links

__all__ = ["dependency", "rank_groups", "ranking_note", "most_dependent", "most_dependent_groups", "thin_message",
           "mechanism_funding"]


def dependency(ds, by: str = "country", basis: str = "count", links: pd.DataFrame | None = None,
               groups: Iterable[str] | None = None, min_n: int = 3, currency: str | None = None) -> pd.DataFrame:
    """Return the donor dependency of each group of activities.

    Parameters
    ----------
    ds : Dataset
    by : str
        One of :data:`GROUPINGS`: ``"country"`` (an activity counts for each of its
        countries), ``"tier"``, ``"theme"`` (likewise), ``"level"`` and ``"activity_type"``
        (of the activity), ``"mechanism"`` (each mechanism with the activities ``part_of``
        it), ``"mechanism_type"``, or ``"all"``. Activities with no value are the group
        :data:`NOT_STATED`.
    basis : {"count", "amount"}
        See the module notes; with ``"amount"`` a group without stated amounts falls back to
        counts and says so in ``basis``.
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None).
    groups : list of str, optional
        Groups to report, in this order, even when empty. Default: for countries the six
        Western Balkan beneficiaries plus every other country seen; for tiers all four tiers;
        otherwise the groups seen; :data:`NOT_STATED` last if present.
    min_n : int
        A group with fewer activities with a recorded funder is flagged ``thin``.
    currency : str, optional
        Currency of the amount basis (default the most frequent one).

    Returns
    -------
    DataFrame
        One row per group: ``group, basis, n_activities, n_funded, n_no_funder,
        n_any_external, n_only_external, n_mixed, n_domestic_only, n_amount_rows,
        amount_total`` (NaN on the count basis), ``currency``, and shares (0-1):
        ``share_any_external`` (activities with at least one external funder; on the amount
        basis the external funders' share of the money), ``share_only_external``,
        ``share_mixed``, ``share_domestic_only``, ``share_no_funder`` (of all activities
        of the group; NaN on the amount basis: money without a funder is not recorded),
        ``share_only_external_of_funded`` (of the activities with a recorded funder, or of
        the money), and ``thin`` (fewer than ``min_n`` funded activities). Shares are NaN
        for an empty group.

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> t = dependency(tiny_dataset(), by="tier", min_n=1)
    >>> t[["group", "n_activities", "n_funded", "share_only_external", "thin"]]
                    group  n_activities  n_funded  share_only_external   thin
    0             primary             2         2                  0.0  False
    1           secondary             1         1                  1.0  False
    2            tertiary             1         1                  0.0  False
    3  ct_law_enforcement             0         0                  NaN   True
    4        (not stated)             1         0                  0.0   True
    """
    _check_basis(basis)
    if links is None:
        links = funder_links(ds)
    af = activity_funding(ds, links, currency)
    cur = af["currency"].iloc[0] if len(af) else None
    m, groups = _grouped(ds, by, groups, af)
    rows = []
    for grp in groups:
        sub = m[m["group"] == grp]
        n = len(sub)
        rec = {"group": grp, "basis": "count", "n_activities": n,
               "n_funded": int((~sub["no_funder"]).sum()), "n_no_funder": int(sub["no_funder"].sum()),
               "n_any_external": int(sub["any_external"].sum()), "n_only_external": int(sub["only_external"].sum()),
               "n_mixed": int((sub["status"] == "mixed").sum()),
               "n_domestic_only": int((sub["status"] == "domestic_only").sum()),
               "n_amount_rows": int(sub["n_amount_rows"].sum()), "amount_total": np.nan, "currency": cur}
        total = float(sub["amount_total"].sum())
        if basis == "amount" and rec["n_amount_rows"] > 0 and total > 0:
            rec.update(basis="amount", amount_total=total,
                       share_any_external=float(sub["amount_external"].sum()) / total,
                       share_only_external=float(sub.loc[sub["only_external"], "amount_total"].sum()) / total,
                       share_mixed=float(sub.loc[sub["status"] == "mixed", "amount_total"].sum()) / total,
                       share_domestic_only=float(sub.loc[sub["status"] == "domestic_only", "amount_total"].sum())
                       / total,
                       share_no_funder=np.nan)
            rec["share_only_external_of_funded"] = rec["share_only_external"]
        else:
            d = n if n else np.nan
            rec.update(share_any_external=rec["n_any_external"] / d, share_only_external=rec["n_only_external"] / d,
                       share_mixed=rec["n_mixed"] / d, share_domestic_only=rec["n_domestic_only"] / d,
                       share_no_funder=rec["n_no_funder"] / d,
                       share_only_external_of_funded=rec["n_only_external"] / (rec["n_funded"] or np.nan))
        rec["thin"] = rec["n_funded"] < min_n
        rows.append(rec)
    cols = ["group", "basis", "n_activities", "n_funded", "n_no_funder", "n_any_external", "n_only_external",
            "n_mixed", "n_domestic_only", "n_amount_rows", "amount_total", "currency", "share_any_external",
            "share_only_external", "share_mixed", "share_domestic_only", "share_no_funder",
            "share_only_external_of_funded", "thin"]
    out = pd.DataFrame(rows, columns=cols)
    out["thin"] = out["thin"].astype(bool)
    return out


#: Singular of the ``what`` words of :func:`thin_message` that do not just drop an "s".
_SINGULAR = {"countries": "country", "activities": "activity", "mechanism types": "mechanism type"}


def _first_key(ranked: pd.DataFrame) -> pd.Series:
    """The ranking measure, rounded so that equal fractions compare equal (1/3 == 2/6)."""
    return ranked["share_only_external_of_funded"].astype(float).fillna(-1).round(9)


def rank_groups(table: pd.DataFrame, min_n: int = 3, candidates: Iterable[str] | None = None) -> pd.DataFrame:
    """Rank the groups of a :func:`dependency` table from most to least donor-dependent.

    Only groups with at least ``min_n`` activities with a recorded funder are ranked (not
    :data:`~wbcti_analysis.funding.NOT_STATED` nor ``"all"``; with ``candidates``, only those
    groups, e.g. :data:`~wbcti_analysis.funding.WB6` so that donor countries are not ranked as
    beneficiaries). Order: ``share_only_external_of_funded`` (share of the funded work paid by
    external funders only: the dependency measure), then ``share_any_external`` (share of all
    the group's activities with an external funder), then ``n_only_external`` (all
    descending), then the group name. Groups with the same dependency measure are *tied*:
    the later keys only order them for display, and ``tied`` says so.

    Returns
    -------
    DataFrame
        ``rank`` (1, 2, ... in display order), ``group, n_activities, n_funded,
        share_only_external_of_funded, share_any_external, share_no_funder,
        n_only_external, basis``, ``tied`` (True when another ranked group has the same
        ``share_only_external_of_funded``); empty when no group is large enough.

    See Also
    --------
    most_dependent_groups : every group tied at the top.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"group": ["AL", "XK", "RS"], "n_funded": [3, 4, 5],
    ...                   "share_only_external_of_funded": [1.0, 1.0, 0.6], "share_any_external": [0.5, 0.8, 0.6],
    ...                   "share_no_funder": [0.5, 0.2, 0.0], "n_only_external": [3, 4, 3],
    ...                   "n_activities": [6, 5, 5], "basis": "count"})
    >>> rank_groups(t)[["rank", "group", "tied"]]
       rank group   tied
    0     1    XK   True
    1     2    AL   True
    2     3    RS  False
    """
    cols = ["rank", "group", "n_activities", "n_funded", "share_only_external_of_funded", "share_any_external",
            "share_no_funder", "n_only_external", "basis", "tied"]
    t = table[(~table["group"].isin([NOT_STATED, "all"])) & (table["n_funded"] >= min_n)]
    if candidates is not None:
        t = t[t["group"].isin(list(candidates))]
    if t.empty:
        return pd.DataFrame(columns=cols)
    t = t.assign(_a=-t["share_only_external_of_funded"].fillna(-1), _b=-t["share_any_external"].fillna(-1),
                 _c=-t["n_only_external"])
    t = t.sort_values(["_a", "_b", "_c", "group"], kind="stable")
    t.insert(0, "rank", range(1, len(t) + 1))
    key = _first_key(t)
    t["tied"] = key.duplicated(keep=False).to_numpy()
    return t[cols].reset_index(drop=True)


def ranking_note(ranked: pd.DataFrame) -> str:
    """Return a plain sentence on what decides a :func:`rank_groups` ranking ("" if nothing to say).

    Says so when the ranking is empty, when every ranked group has the same share of its
    funded work paid by external funders only (e.g. all 100 % because no domestic funder is
    recorded), so that the order rests on the tie-breaker alone, or when several groups tie
    at the top.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"rank": [1, 2, 3], "group": ["XK", "AL", "RS"],
    ...                   "share_only_external_of_funded": [1.0, 1.0, 0.6]})
    >>> ranking_note(r)
    'XK, AL tie at the top (100% of their funded work paid by external funders only; 2 groups): the order among them rests on the share of all their activities with an external funder.'
    """
    if ranked.empty:
        return "Too thin: no group has enough activities with a recorded funder to be ranked."
    first = _first_key(ranked)
    if len(ranked) > 1 and first.nunique() == 1:
        return (f"All {len(ranked)} ranked groups have the same share of funded work paid by external funders only "
                f"({first.iloc[0]:.0%}); the order rests on the share of all their activities with an external "
                "funder, which also reflects how often the sources name no funder.")
    top = ranked.loc[first == first.iloc[0], "group"].astype(str).tolist()
    if len(top) > 1:
        return (f"{', '.join(top)} tie at the top ({first.iloc[0]:.0%} of their funded work paid by external funders "
                f"only; {len(top)} groups): the order among them rests on the share of all their activities with an "
                "external funder.")
    return ""


def most_dependent_groups(table: pd.DataFrame, min_n: int = 3, candidates: Iterable[str] | None = None) -> list[str]:
    """Return every group of a :func:`dependency` table tied at the top of the dependency ranking.

    The groups of :func:`rank_groups` whose ``share_only_external_of_funded`` equals the
    highest one, in the order of ``table`` (no secondary key orders a tie): one group when
    the top is clear, several when they tie (e.g. all at 100 %), ``[]`` when no group has
    ``min_n`` activities with a recorded funder.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"group": ["AL", "XK", "RS"], "n_funded": [3, 4, 5],
    ...                   "share_only_external_of_funded": [1.0, 1.0, 0.6], "share_any_external": [0.5, 0.8, 0.6],
    ...                   "share_no_funder": [0.5, 0.2, 0.0], "n_only_external": [3, 4, 3],
    ...                   "n_activities": [6, 5, 5], "basis": "count"})
    >>> most_dependent_groups(t)
    ['AL', 'XK']
    >>> most_dependent_groups(t, min_n=5)
    ['RS']
    >>> most_dependent_groups(t, min_n=9)
    []
    """
    ranked = rank_groups(table, min_n, candidates)
    if ranked.empty:
        return []
    key = _first_key(ranked)
    top = set(ranked.loc[key == key.iloc[0], "group"].astype(str))
    return [g for g in dict.fromkeys(table["group"].astype(str)) if g in top]


def most_dependent(table: pd.DataFrame, min_n: int = 3, candidates: Iterable[str] | None = None) -> str | None:
    """Return the first group of the dependency ranking (one name, even on a tie).

    The first group of :func:`rank_groups`; None when no group has ``min_n`` activities with a
    recorded funder (the data is too thin to say). On a tie at the top it names the group
    the display order puts first (by the share of all its activities with an external
    funder): use :func:`most_dependent_groups` to get every tied group.

    Examples
    --------
    >>> from wbcti_analysis.funding import dependency
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> most_dependent(dependency(tiny_dataset(), by="tier"), min_n=1)
    'secondary'
    """
    ranked = rank_groups(table, min_n, candidates)
    return None if ranked.empty else str(ranked["group"].iloc[0])


def thin_message(table: pd.DataFrame, what: str = "groups", min_n: int | None = None) -> str:
    """Return one plain sentence on how thin a table is (empty groups, small groups).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`dependency` (``n_activities``, ``n_funded``, ``thin``) or of
        :func:`concentration` (``n_links``, ``thin``).
    what : str
        What the groups are, in the plural (``"countries"``, ``"tiers"``, ``"groups"``).
    min_n : int, optional
        The threshold the ``thin`` flags used, named in the sentence.

    Returns
    -------
    str

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> thin_message(dependency(tiny_dataset(), by="country"), "countries", 3)
    'Data too thin for every country: no activities for BA, ME, MK, RS; too few funded activities (fewer than 3) to read shares for AL, XK.'
    """
    if table.empty:
        return f"No {what} to show: the selection holds no activities."
    size = "n_activities" if "n_activities" in table else "n_links"
    empty = table.loc[table[size] == 0, "group"].astype(str).tolist()
    thin = table.loc[table["thin"] & (table[size] > 0), "group"].astype(str).tolist()
    parts = []
    if empty:
        parts.append(f"no activities for {', '.join(empty)}")
    if thin:
        limit = f" (fewer than {min_n})" if min_n else ""
        parts.append(f"too few funded activities{limit} to read shares for {', '.join(thin)}")
    if not parts:
        return f"All {len(table)} {what} have enough funded activities to read."
    if len(empty) + len(thin) == len(table):
        one = _SINGULAR.get(what, what[:-1] if what.endswith("s") else what)
        return f"Data too thin for every {one}: " + "; ".join(parts) + "."
    return "Data too thin for some " + what + ": " + "; ".join(parts) + "."


def mechanism_funding(ds, links: pd.DataFrame | None = None, min_n: int = 1) -> pd.DataFrame:
    """Return the funding of each mechanism (its own activity plus the activities part of it).

    Parameters
    ----------
    ds : Dataset
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None).
    min_n : int
        As in :func:`dependency`.

    Returns
    -------
    DataFrame
        Columns: those of :func:`dependency` with ``by="mechanism"`` (``group`` renamed
        ``mechanism_id``), plus ``name, mechanism_type, country, reference_model``,
        ``funders`` and ``external_funders`` (``;``-joined ids over the mechanism's
        activities), ``status`` (the mechanism's own activity, see :data:`STATUSES`) and
        ``stated_funding_basis`` (the ``funding_basis`` feature the sources state for it,
        ``;``-joined, "" if none).

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> mechanism_funding(tiny_dataset())[["mechanism_id", "status", "funders", "n_activities"]]
      mechanism_id         status funders  n_activities
    0           m1  external_only      ec             1
    """
    if links is None:
        links = funder_links(ds)
    dep = dependency(ds, by="mechanism", links=links, min_n=min_n).rename(columns={"group": "mechanism_id"})
    mech = ds.mechanisms[["mechanism_id", "name", "mechanism_type", "country", "reference_model"]].astype(object)
    af = activity_funding(ds, links).set_index("activity_id")
    desc = _descendants(ds)

    def _join(mid, col):
        ids = [a for a in desc.get(mid, []) if a in af.index]
        vals = sorted({v for a in ids for v in str(af.at[a, col]).split(";") if v})
        return ";".join(vals)

    mech["funders"] = [_join(m, "funders") for m in mech["mechanism_id"]]
    mech["external_funders"] = [_join(m, "external_funders") for m in mech["mechanism_id"]]
    mech["status"] = [af.at[m, "status"] if m in af.index else "no_funder" for m in mech["mechanism_id"]]
    mf = ds.mechanism_features
    fb = mf[(mf["feature"].astype(str) == "funding_basis") & (mf["present"].fillna(True).astype(bool))]
    stated = fb.groupby("mechanism_id")["value"].apply(lambda s: ";".join(sorted(set(s))))
    mech["stated_funding_basis"] = (mech["mechanism_id"].map(stated).fillna("") if len(stated)
                                    else pd.Series("", index=mech.index, dtype=object))
    out = mech.merge(dep, on="mechanism_id", how="left")
    return out.sort_values("mechanism_id").reset_index(drop=True)
