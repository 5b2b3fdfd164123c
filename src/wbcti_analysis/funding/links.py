"""Funder links and the external/domestic rule: who funds which activity, and how each
activity is funded (status, amounts), plus the coverage of the funding information.

Funder links
    A *funder link* is one funder of one activity. Links come from (1) every row of the
    ``funding`` table and (2) every participation with role ``funder`` that has no funding
    row for the same (actor, activity) pair (the coding rules ask for both rows, so these
    are rare; they are kept because the participation states a funder just the same; pass
    ``include_participations=False`` to drop them). With ``inherit=True`` (the default) an
    activity with no funder of its own takes the funders of its nearest ancestor along
    ``activities.part_of`` that has one (a workshop of a funded project is paid by the
    project's funders); such links carry no amount (the amount stays with the parent, so
    money is never counted twice) and are marked ``link_source == "inherited"``.

Classification rule (external versus domestic), per link, i.e. per (activity, funder)
    A funder is **external** for an activity if any of:

    * its ``actor_type`` (or the type of any ancestor along ``actors.parent_id``) is one of
      :data:`~wbcti_analysis.funding.EXTERNAL_TYPES` (EU bodies and agencies, UN agencies,
      OSCE field missions, international and regional organisations, donor governments,
      foundations), so UNDP Kosovo or a donor state's embassy are external whatever their
      level;
    * its ``level`` is not national or local (international, EU, regional bodies and
      networks);
    * it has no home country (own or inherited from its parent);
    * its home country is not one of the activity's countries (a foreign ministry or
      police).

    Otherwise it is **domestic**: a national or local institution of one of the countries
    the activity covers (the beneficiary's own institutions). An activity's countries are
    ``activities.countries``; when that is empty, a mechanism's ``mechanisms.country`` is
    used; when both are empty, a national or local funder with a home country counts as
    domestic (nothing says the work is abroad), and the link's ``rule`` says so.

Activity status
    ``external_only`` (at least one funder, all external), ``mixed`` (external and
    domestic funders), ``domestic_only``, or ``no_funder`` (no funder link at all).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import DOMESTIC_LEVELS, EXTERNAL_TYPES

__all__ = ["funder_links", "activity_funding", "coverage", "funders"]

_LINK_COLUMNS = ["activity_id", "funder_id", "funder_type", "funder_level", "funder_country", "origin", "rule",
                 "link_source", "inherited_from", "instrument", "amount", "currency"]


def _activity_countries(ds) -> pd.Series:
    """activity_id -> tuple of countries (own list, else the mechanism's country)."""
    acts = ds.activities
    out = pd.Series(list(acts["countries"]), index=list(acts["activity_id"]), dtype=object)
    if "mechanisms" in ds.tables and len(ds.mechanisms):
        mech = ds.mechanisms.dropna(subset=["country"])
        for mid, c in zip(mech["mechanism_id"], mech["country"].astype(str)):
            if mid in out.index and len(out[mid]) == 0:
                out[mid] = (c,)
    return out


def _actor_attrs(actors: pd.DataFrame) -> pd.DataFrame:
    """Per actor: type, level, home country (own or nearest ancestor's), external_type flag."""
    a = actors.set_index("actor_id")
    typ = a["actor_type"].astype(object).where(a["actor_type"].notna(), None).to_dict()
    lvl = a["level"].astype(object).where(a["level"].notna(), None).to_dict()
    cty = a["country"].astype(object).where(a["country"].notna(), None).to_dict()
    par = a["parent_id"].astype(object).where(a["parent_id"].notna(), None).to_dict()
    rows = []
    for aid in a.index:
        chain, seen, cur = [], set(), aid
        while cur is not None and cur in typ and cur not in seen:
            seen.add(cur)
            chain.append(cur)
            cur = par.get(cur)
        ext = next((typ[c] for c in chain if typ[c] in EXTERNAL_TYPES), None)
        country = next((cty[c] for c in chain if cty[c]), None)
        rows.append({"actor_id": aid, "funder_type": typ[aid], "funder_level": lvl[aid], "funder_country": country,
                     "external_type": ext})
    return pd.DataFrame(rows, columns=["actor_id", "funder_type", "funder_level", "funder_country", "external_type"])


def _val(x):
    """None for a missing value (None, NaN, pd.NA), else the value."""
    return None if x is None or (not isinstance(x, (str, tuple, list)) and pd.isna(x)) else x


def _classify(row, countries: tuple) -> tuple[str, str]:
    row = {k: _val(v) for k, v in row.items()}
    if row["external_type"]:
        own = row["funder_type"]
        if own == row["external_type"]:
            return "external", f"actor type {own}"
        return "external", f"part of a {row['external_type']}"
    if row["funder_level"] not in DOMESTIC_LEVELS:
        return "external", f"level {row['funder_level'] or 'not stated'}"
    if not row["funder_country"]:
        return "external", "no home country"
    if countries:
        if row["funder_country"] in countries:
            return "domestic", "national/local institution of a country of the activity"
        return "external", f"foreign country ({row['funder_country']})"
    return "domestic", "national/local institution; activity country not stated"


def funder_links(ds, include_participations: bool = True, inherit: bool = True) -> pd.DataFrame:
    """Return every funder link (one funder of one activity), classified external / domestic.

    Parameters
    ----------
    ds : Dataset
    include_participations : bool
        Also take participations with role ``funder`` that have no funding row for the same
        (actor, activity) pair (default True).
    inherit : bool
        Give an activity with no funder of its own the funders of its nearest ``part_of``
        ancestor that has one (default True); see the module notes.

    Returns
    -------
    DataFrame
        One row per funding row (an activity can have several rows of one funder, e.g. two
        instruments), per participation-only funder and per inherited funder, with columns
        ``activity_id, funder_id, funder_type, funder_level, funder_country`` (own or the
        parent's), ``origin`` ("external" / "domestic"), ``rule`` (why), ``link_source``
        ("funding", "participation", "inherited"), ``inherited_from`` (ancestor activity id
        or None), ``instrument``, ``amount`` (float, NaN when not stated; always NaN for
        inherited links) and ``currency``. Sorted by activity_id, funder_id.

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> links = funder_links(tiny_dataset())
    >>> links[["activity_id", "funder_id", "origin", "link_source"]]
      activity_id funder_id    origin link_source
    0          m1        ec  external     funding
    1          p1    al-min  domestic     funding
    2          p1        ec  external     funding
    3          p2    al-min  domestic   inherited
    4          p2        ec  external   inherited
    5          p3    xk-min  domestic     funding
    >>> links.loc[1, "rule"]
    'national/local institution of a country of the activity'
    """
    fund = ds.funding
    rows = pd.DataFrame({
        "activity_id": fund["activity_id"].astype(object), "funder_id": fund["funder_id"].astype(object),
        "link_source": "funding", "inherited_from": None,
        "instrument": fund["instrument"].astype(object).where(fund["instrument"].notna(), None),
        "amount": fund["amount"].astype(float),
        "currency": fund["currency"].astype(object).where(fund["currency"].notna(), None),
    })
    parts = [rows]
    if include_participations:
        p = ds.participations
        p = p[p["role"].astype(str) == "funder"]
        have = set(zip(fund["funder_id"], fund["activity_id"]))
        extra = p[np.array([(a, b) not in have for a, b in zip(p["actor_id"], p["activity_id"])], dtype=bool)]
        extra = extra.drop_duplicates(["actor_id", "activity_id"])
        parts.append(pd.DataFrame({"activity_id": extra["activity_id"].astype(object),
                                   "funder_id": extra["actor_id"].astype(object), "link_source": "participation",
                                   "inherited_from": None, "instrument": None, "amount": np.nan, "currency": None}))
    links = pd.concat([x for x in parts if len(x)], ignore_index=True) if any(len(x) for x in parts) else rows
    if inherit and len(links):
        links = pd.concat([links, _inherited(ds, links)], ignore_index=True)
    attrs = _actor_attrs(ds.actors)
    links = links.merge(attrs, left_on="funder_id", right_on="actor_id", how="left").drop(columns="actor_id")
    acountries = _activity_countries(ds)
    if len(links):
        cls = [_classify(r, acountries.get(a, ())) for a, r in zip(links["activity_id"], links.to_dict("records"))]
        links["origin"] = [c[0] for c in cls]
        links["rule"] = [c[1] for c in cls]
    else:
        links["origin"] = pd.Series(dtype=object)
        links["rule"] = pd.Series(dtype=object)
    links["amount"] = links["amount"].astype(float)
    links = links[_LINK_COLUMNS].sort_values(["activity_id", "funder_id", "link_source"], kind="stable")
    return links.reset_index(drop=True)


def _inherited(ds, links: pd.DataFrame) -> pd.DataFrame:
    """Links of activities without own funders, copied from their nearest funded ancestor."""
    parent = dict(zip(ds.activities["activity_id"], ds.activities["part_of"]))
    funded = links.drop_duplicates(["activity_id", "funder_id"]).groupby("activity_id")["funder_id"].apply(list)
    funded = funded.to_dict()
    out = []
    for aid in ds.activities["activity_id"]:
        if aid in funded:
            continue
        cur, seen = parent.get(aid), {aid}
        while isinstance(cur, str) and cur not in seen:
            if cur in funded:
                for f in sorted(funded[cur]):
                    out.append({"activity_id": aid, "funder_id": f, "link_source": "inherited", "inherited_from": cur,
                                "instrument": None, "amount": np.nan, "currency": None})
                break
            seen.add(cur)
            cur = parent.get(cur)
    return pd.DataFrame(out, columns=["activity_id", "funder_id", "link_source", "inherited_from", "instrument",
                                      "amount", "currency"])


def _currency(links: pd.DataFrame, currency: str | None) -> str | None:
    """The currency amounts are summed in: given, else the most frequent among stated amounts."""
    if currency:
        return currency
    cur = links.loc[links["amount"].notna() & links["currency"].notna(), "currency"].astype(str)
    if cur.empty:
        return None
    counts = cur.value_counts()
    return sorted(counts[counts == counts.max()].index)[0]


def _amounts(links: pd.DataFrame, currency: str | None) -> pd.Series:
    """Amount of each link in ``currency`` (NaN if missing or in another currency)."""
    if currency is None:
        return pd.Series(np.nan, index=links.index)
    return links["amount"].where(links["currency"].astype(object) == currency)




def activity_funding(ds, links: pd.DataFrame | None = None, currency: str | None = None) -> pd.DataFrame:
    """Return one row per activity of ``ds`` with its funders and funding status.

    Parameters
    ----------
    ds : Dataset
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None).
    currency : str, optional
        Currency of the amount columns; default the most frequent currency of stated amounts.

    Returns
    -------
    DataFrame
        ``activity_id, title, activity_type, n_funders, n_external, n_domestic, funders,
        external_funders`` (``;``-joined ids), ``status`` (one of :data:`STATUSES`),
        ``any_external, only_external, no_funder`` (bool), ``funded_via`` ("own",
        "inherited" or "" when unfunded), ``amount_total, amount_external,
        amount_domestic`` (sum of stated amounts in ``currency``; 0 when none),
        ``n_amount_rows`` (funding rows with an amount in ``currency``), ``currency``.
        Every activity is a row, funded or not.

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> activity_funding(tiny_dataset())[["activity_id", "status", "funders", "amount_total", "currency"]]
      activity_id         status    funders  amount_total currency
    0          p1          mixed  al-min;ec         150.0      EUR
    1          p2          mixed  al-min;ec           0.0      EUR
    2          m1  external_only         ec           0.0      EUR
    3          p3  domestic_only     xk-min           0.0      EUR
    4          p4      no_funder                      0.0      EUR
    """
    if links is None:
        links = funder_links(ds)
    cur = _currency(links, currency)
    acts = ds.activities[["activity_id", "title", "activity_type"]].copy()
    acts["activity_type"] = acts["activity_type"].astype(object)
    lk = links.assign(_amt=_amounts(links, cur))
    uniq = lk.drop_duplicates(["activity_id", "funder_id"]).sort_values(["activity_id", "funder_id"], kind="stable")
    external = (uniq["origin"] == "external").to_numpy()
    by_activity = uniq["activity_id"].to_numpy()
    inherited = pd.Series((uniq["link_source"] == "inherited").to_numpy(), index=by_activity)
    per = pd.DataFrame({
        "n_funders": uniq.groupby("activity_id")["funder_id"].size(),
        "n_external": pd.Series(external.astype(int), index=by_activity).groupby(level=0).sum(),
        "funders": uniq.groupby("activity_id")["funder_id"].agg(";".join),
        "external_funders": uniq[external].groupby("activity_id")["funder_id"].agg(";".join),
        "funded_via": inherited.groupby(level=0).all().map({True: "inherited", False: "own"}),
    })
    ga = lk.groupby("activity_id")
    per["amount_total"] = ga["_amt"].sum(min_count=1)
    per["amount_external"] = lk[lk["origin"] == "external"].groupby("activity_id")["_amt"].sum(min_count=1)
    per["amount_domestic"] = lk[lk["origin"] == "domestic"].groupby("activity_id")["_amt"].sum(min_count=1)
    per["n_amount_rows"] = ga["_amt"].count()
    out = acts.merge(per, left_on="activity_id", right_index=True, how="left")
    for c in ("n_funders", "n_external", "n_amount_rows"):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("amount_total", "amount_external", "amount_domestic"):
        out[c] = out[c].astype(float).fillna(0.0)
    for c in ("funders", "external_funders", "funded_via"):
        out[c] = out[c].astype(object).where(out[c].notna(), "")
    out["n_domestic"] = out["n_funders"] - out["n_external"]
    out["no_funder"] = out["n_funders"] == 0
    out["any_external"] = out["n_external"] > 0
    out["only_external"] = out["any_external"] & (out["n_domestic"] == 0)
    out["status"] = np.select([out["only_external"], out["any_external"], ~out["no_funder"]],
                              ["external_only", "mixed", "domestic_only"], "no_funder")
    out["currency"] = cur
    cols = ["activity_id", "title", "activity_type", "n_funders", "n_external", "n_domestic", "funders",
            "external_funders", "status", "any_external", "only_external", "no_funder", "funded_via",
            "amount_total", "amount_external", "amount_domestic", "n_amount_rows", "currency"]
    return out[cols].reset_index(drop=True)


def coverage(ds, links: pd.DataFrame | None = None) -> pd.Series:
    """Return how much of ``ds`` carries funding information (a Series of plain numbers).

    Parameters
    ----------
    ds : Dataset
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None).

    Returns
    -------
    Series
        Entries: ``activities``; ``with_own_funder`` (a funding row or funder participation
        of its own); ``with_inherited_funder`` (funded only through a ``part_of``
        ancestor); ``no_funder`` (neither); ``share_no_own_funder`` and ``share_no_funder``
        (shares of activities, 0-1, before and after inheritance); ``funding_rows``;
        ``participation_only_links`` (funder participations without a funding row);
        ``funding_rows_with_amount``; ``currencies`` (distinct currencies of stated
        amounts); ``funders``, ``external_funders``, ``domestic_funders`` (distinct actors
        with at least one link of that origin).

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> cov = coverage(tiny_dataset())
    >>> cov[["activities", "with_own_funder", "with_inherited_funder", "no_funder", "share_no_funder"]].to_dict()
    {'activities': 5, 'with_own_funder': 3, 'with_inherited_funder': 1, 'no_funder': 1, 'share_no_funder': 0.2}
    """
    if links is None:
        links = funder_links(ds)
    n = len(ds.activities)
    af = activity_funding(ds, links)
    own = int(((af["funded_via"] == "own")).sum())
    inh = int((af["funded_via"] == "inherited").sum())
    nofund = int(af["no_funder"].sum())
    stated = links[(links["link_source"] == "funding")]
    return pd.Series({
        "activities": n,
        "with_own_funder": own,
        "with_inherited_funder": inh,
        "no_funder": nofund,
        "share_no_own_funder": round((n - own) / n, 4) if n else np.nan,
        "share_no_funder": round(nofund / n, 4) if n else np.nan,
        "funding_rows": len(ds.funding),
        "participation_only_links": int((links["link_source"] == "participation").sum()),
        "funding_rows_with_amount": int(stated["amount"].notna().sum()),
        "currencies": int(stated.loc[stated["amount"].notna(), "currency"].nunique()),
        "funders": int(links["funder_id"].nunique()),
        "external_funders": int(links.loc[links["origin"] == "external", "funder_id"].nunique()),
        "domestic_funders": int(links.loc[links["origin"] == "domestic", "funder_id"].nunique()),
    }, dtype=object)


def funders(ds, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per funder: who it is, its origin and how much it funds.

    Parameters
    ----------
    ds : Dataset
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None).

    Returns
    -------
    DataFrame
        Columns ``funder_id, name, actor_type, level, country, origin`` ("external",
        "domestic" or "mixed" when it is external for some activities and domestic for
        others), ``rule`` (the classification reason(s)), ``n_activities`` (distinct
        activities funded, own links), ``n_activities_incl_inherited``, ``instruments``
        (``;``-joined), ``n_amount_rows``. Sorted by n_activities (descending), then
        funder_id.

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> funders(tiny_dataset())[["funder_id", "origin", "n_activities", "n_activities_incl_inherited"]]
      funder_id    origin  n_activities  n_activities_incl_inherited
    0        ec  external             2                            3
    1    al-min  domestic             1                            2
    2    xk-min  domestic             1                            1
    """
    if links is None:
        links = funder_links(ds)
    cols = ["funder_id", "name", "actor_type", "level", "country", "origin", "rule", "n_activities",
            "n_activities_incl_inherited", "instruments", "n_amount_rows"]
    if links.empty:
        return pd.DataFrame(columns=cols)
    own = links[links["link_source"] != "inherited"]
    g = links.groupby("funder_id")
    out = pd.DataFrame({
        "origin": g["origin"].apply(lambda s: s.iloc[0] if s.nunique() == 1 else "mixed"),
        "rule": g["rule"].apply(lambda s: "; ".join(sorted(set(s)))),
        "n_activities": own.groupby("funder_id")["activity_id"].nunique(),
        "n_activities_incl_inherited": g["activity_id"].nunique(),
        "instruments": g["instrument"].apply(lambda s: ";".join(sorted(set(s.dropna())))),
        "n_amount_rows": own.groupby("funder_id")["amount"].apply(lambda s: int(s.notna().sum())),
    })
    out["n_activities"] = out["n_activities"].fillna(0).astype(int)
    out["n_amount_rows"] = out["n_amount_rows"].fillna(0).astype(int)
    a = ds.actors.set_index("actor_id")[["name", "actor_type", "level", "country"]]
    a = a.astype(object).where(a.notna(), "")
    out = out.join(a).reset_index().rename(columns={"index": "funder_id"})
    out = out.sort_values(["n_activities", "funder_id"], ascending=[False, True], kind="stable")
    return out[cols].reset_index(drop=True)


_funder_table = funders  # alias: parameters named ``funders`` shadow the function
