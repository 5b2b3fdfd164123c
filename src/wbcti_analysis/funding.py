"""Donor funding dependency: who pays for CT and P/CVE work, how concentrated that money
is, and what falls away if a donor leaves.

Both sources say the work in the Western Balkans rests on international donors (EU
instruments such as ISF Police and IPA II, UN agencies, the US, the UK, Norway, GCERF ...)
and that domestic funding is the open question. This module turns the ``funding`` and
``participations`` tables into those figures. Every function takes a loaded (and possibly
filtered, see :func:`wbcti_analysis.filters.filter_dataset`) :class:`~wbcti_analysis.Dataset`
and returns pandas DataFrames; nothing is printed or plotted here.

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
      :data:`EXTERNAL_TYPES` (EU bodies and agencies, UN agencies, OSCE field missions,
      international and regional organisations, donor governments, foundations), so
      UNDP Kosovo or a donor state's embassy are external whatever their level;
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
    domestic funders), ``domestic_only``, or ``no_funder`` (no funder link at all). Activities
    with no recorded funder are never dropped: they are a row of every table and a share
    of every figure (``share_no_funder``).

Bases
    ``basis="count"`` counts activities (each activity once per group); ``basis="amount"``
    sums the stated amounts in one currency (the most frequent one unless given; amounts in
    other currencies are not converted and are left out, and the tables say which currency
    was used). Amounts are rarely stated, so every table works on counts, and with
    ``basis="amount"`` a group with no stated amount falls back to counts: every row says
    which basis it used in its ``basis`` column, and ``n_amount_rows`` says how many funding
    rows carried an amount. An amount of a multi-country activity counts in full for each
    of its countries (country rows do not add up to the total).

Concentration
    The Herfindahl-Hirschman index (HHI) is reported on the **0-1 scale**: the sum of the
    squared shares of the funders in a group (1 = a single funder; 1/n for n equal funders;
    multiply by 10,000 for the antitrust convention). On the count basis a funder's share is
    the number of the group's activities it funds over the number of (activity, funder)
    links of the group.

Withdrawal scenarios
    Removing a set of funders (:func:`withdraw`) removes their funder links. An activity
    *loses all its funding* when it had at least one funder and all of them were removed.
    Activities without a recorded funder are assumed to continue (the data does not say
    they depend on anyone). The coordination graph is the actor-actor co-participation
    projection of ``participations`` (two actors are tied when they take part in the same
    activity in any role; the weight counts shared activities). The graph *after* the
    withdrawal keeps the participations of the activities that keep some funding or never
    had any, without the withdrawn funders' own ``funder`` participations.

Examples
--------
>>> import wbcti_analysis as w
>>> from wbcti_analysis import funding as fd
>>> ds = w.load("tests/data/fixture")                                   # doctest: +SKIP
>>> fd.dependency(ds, by="country")[["group", "share_only_external"]]   # doctest: +SKIP
"""
from __future__ import annotations

from .datapackage import WESTERN_BALKANS

from dataclasses import dataclass
from typing import Iterable

import networkx as nx
import numpy as np
import pandas as pd

__all__ = [
    "EXTERNAL_TYPES",
    "DOMESTIC_LEVELS",
    "WB6",
    "GROUPINGS",
    "BASES",
    "STATUSES",
    "NOT_STATED",
    "NO_END_DATE",
    "check_parameters",
    "funder_links",
    "activity_funding",
    "coverage",
    "funders",
    "dependency",
    "rank_groups",
    "ranking_note",
    "most_dependent",
    "thin_message",
    "mechanism_funding",
    "concentration",
    "funder_matrix",
    "WithdrawalResult",
    "withdraw",
    "rank_funders",
    "funding_cliffs",
    "headline_figures",
]

#: Actor types that are external funders whatever their level or country.
EXTERNAL_TYPES = frozenset({
    "eu_body", "eu_agency", "un_agency", "osce_field_mission", "international_organisation",
    "donor_government", "regional_organisation", "foundation",
})
#: Levels at which a funder can be the beneficiary's own (domestic) institution.
DOMESTIC_LEVELS = frozenset({"national", "local"})
#: The six Western Balkan beneficiaries, always shown in per-country tables (XK = Kosovo).
WB6 = WESTERN_BALKANS
#: The groupings :func:`dependency`, :func:`concentration` and :func:`funding_cliffs` accept.
GROUPINGS = ("all", "country", "tier", "theme", "level", "activity_type", "mechanism", "mechanism_type")
#: The bases of the figures.
BASES = ("count", "amount")
#: Funding status of an activity, in display order.
STATUSES = ("external_only", "mixed", "domestic_only", "no_funder")
#: Group label of activities with no value in the grouping column (e.g. no country).
NOT_STATED = "(not stated)"
#: Column label of the funding cliffs for activities with no end date.
NO_END_DATE = "no end date"

_LIST_COLUMNS = {"country": "countries", "tier": "tiers", "theme": "themes"}
_LINK_COLUMNS = ["activity_id", "funder_id", "funder_type", "funder_level", "funder_country", "origin", "rule",
                 "link_source", "inherited_from", "instrument", "amount", "currency"]


# ----------------------------------------------------------------------------- parameters


def check_parameters(ds, countries=(), start_year=0, end_year=0, funders=(), basis="count", min_n=1) -> dict:
    """Validate a notebook's parameters against the dataset and return them normalised.

    Parameters
    ----------
    ds : Dataset
        The *unfiltered* dataset (funder ids are checked against all its actors).
    countries : list of str
        ISO 3166 alpha-2 codes; each must be an allowed value of ``activities.countries``.
    start_year, end_year : int
        0 means no bound; otherwise a year between 1900 and 2100, ``start_year <= end_year``.
    funders : list of str
        Actor ids of funders to withdraw; each must be an actor recorded as a funder
        (a funding row or a ``funder`` participation) somewhere in the dataset.
    basis : {"count", "amount"}
    min_n : int
        Smallest group size reported without a "thin" flag; at least 1.

    Returns
    -------
    dict
        ``countries`` (list or None), ``start_year`` / ``end_year`` (int or None),
        ``funders`` (list), ``basis`` (str), ``min_n`` (int).

    Raises
    ------
    ValueError
        Naming the parameter and the offending values.
    """
    countries = _as_str_list(countries, "countries")
    allowed = ds.field("activities", "countries")["wbcti:list"]["enum"]
    bad = [c for c in countries if c not in allowed]
    if bad:
        raise ValueError(f"countries: unknown country code(s) {', '.join(map(repr, bad))}; "
                         f"use ISO 3166 alpha-2 codes (Kosovo is 'XK'), one of: {', '.join(allowed)}")
    years = {}
    for name, value in (("start_year", start_year), ("end_year", end_year)):
        if value is None or value == 0 or value == "":
            years[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name}: expected a year as an integer (0 = no bound), got {value!r}")
        if not 1900 <= int(value) <= 2100:
            raise ValueError(f"{name}: {value} is not a plausible year (1900-2100; 0 = no bound)")
        years[name] = int(value)
    if years["start_year"] and years["end_year"] and years["start_year"] > years["end_year"]:
        raise ValueError(f"start_year ({start_year}) is after end_year ({end_year})")
    funders = _as_str_list(funders, "funders")
    actor_ids = set(ds.actors["actor_id"])
    unknown = [f for f in funders if f not in actor_ids]
    if unknown:
        raise ValueError(f"funders: unknown funder id(s) {', '.join(map(repr, unknown))}: not in actors.actor_id")
    known_funders = set(ds.funding["funder_id"]) | set(
        ds.participations.loc[ds.participations["role"].astype(str) == "funder", "actor_id"])
    not_funders = [f for f in funders if f not in known_funders]
    if not_funders:
        raise ValueError(f"funders: actor id(s) {', '.join(map(repr, not_funders))} fund nothing in the data "
                         "(no funding row and no 'funder' participation)")
    if basis not in BASES:
        raise ValueError(f"basis: {basis!r} is not one of {', '.join(BASES)}")
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise ValueError(f"min_n: expected an integer >= 1, got {min_n!r}")
    return {"countries": countries or None, "start_year": years["start_year"], "end_year": years["end_year"],
            "funders": funders, "basis": basis, "min_n": int(min_n)}


def _as_str_list(values, name: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values] if values else []
    try:
        values = list(values)
    except TypeError:
        raise ValueError(f"{name}: expected a list of strings, got {values!r}") from None
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"{name}: expected a list of strings, got {values!r}")
    return list(dict.fromkeys(values))


def _check_basis(basis: str) -> None:
    if basis not in BASES:
        raise ValueError(f"basis: {basis!r} is not one of {', '.join(BASES)}")


def _check_by(by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(f"by: {by!r} is not one of {', '.join(GROUPINGS)}")


# ----------------------------------------------------------------------------- funder links


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


# ----------------------------------------------------------------------------- per activity


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
    """
    if links is None:
        links = funder_links(ds)
    cur = _currency(links, currency)
    acts = ds.activities[["activity_id", "title", "activity_type"]].copy()
    acts["activity_type"] = acts["activity_type"].astype(object)
    lk = links.assign(_amt=_amounts(links, cur))
    uniq = lk.drop_duplicates(["activity_id", "funder_id"])
    g = uniq.groupby("activity_id")
    per = pd.DataFrame({
        "n_funders": g["funder_id"].size(),
        "n_external": g["origin"].apply(lambda s: int((s == "external").sum())),
        "funders": g["funder_id"].apply(lambda s: ";".join(sorted(s))),
        "external_funders": uniq[uniq["origin"] == "external"].groupby("activity_id")["funder_id"].apply(
            lambda s: ";".join(sorted(s))),
        "funded_via": g["link_source"].apply(lambda s: "inherited" if (s == "inherited").all() else "own"),
    })
    ga = lk.groupby("activity_id")
    per["amount_total"] = ga["_amt"].sum(min_count=1)
    per["amount_external"] = lk[lk["origin"] == "external"].groupby("activity_id")["_amt"].sum(min_count=1)
    per["amount_domestic"] = lk[lk["origin"] == "domestic"].groupby("activity_id")["_amt"].sum(min_count=1)
    per["n_amount_rows"] = ga["_amt"].apply(lambda s: int(s.notna().sum()))
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

    Entries: ``activities``; ``with_own_funder`` (a funding row or funder participation of
    its own); ``with_inherited_funder`` (funded only through a ``part_of`` ancestor);
    ``no_funder`` (neither); ``share_no_own_funder`` and ``share_no_funder`` (shares of
    activities, 0-1, before and after inheritance); ``funding_rows``;
    ``participation_only_links`` (funder participations without a funding row);
    ``funding_rows_with_amount``; ``currencies`` (distinct currencies of stated amounts);
    ``funders``, ``external_funders``, ``domestic_funders`` (distinct actors with at
    least one link of that origin).
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

    Columns ``funder_id, name, actor_type, level, country, origin`` ("external",
    "domestic" or "mixed" when it is external for some activities and domestic for
    others), ``rule`` (the classification reason(s)), ``n_activities`` (distinct activities
    funded, own links), ``n_activities_incl_inherited``, ``instruments`` (``;``-joined),
    ``n_amount_rows``. Sorted by n_activities (descending), then funder_id.
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


# ----------------------------------------------------------------------------- grouping


def _descendants(ds) -> dict[str, list[str]]:
    """activity_id -> the activity itself plus every activity below it along part_of."""
    children: dict[str, list[str]] = {}
    for aid, par in zip(ds.activities["activity_id"], ds.activities["part_of"]):
        if isinstance(par, str):
            children.setdefault(par, []).append(aid)
    out = {}
    for aid in ds.activities["activity_id"]:
        seen, stack = [], [aid]
        while stack:
            cur = stack.pop()
            if cur in seen:
                continue
            seen.append(cur)
            stack.extend(sorted(children.get(cur, []), reverse=True))
        out[aid] = seen
    return out


def _membership(ds, by: str) -> pd.DataFrame:
    """Return (activity_id, group) pairs for a grouping; activities lacking a value get NOT_STATED."""
    _check_by(by)
    acts = ds.activities
    if by == "all":
        return pd.DataFrame({"activity_id": acts["activity_id"].astype(object), "group": "all"})
    if by in _LIST_COLUMNS:
        values = _activity_countries(ds) if by == "country" else pd.Series(
            list(acts[_LIST_COLUMNS[by]]), index=list(acts["activity_id"]), dtype=object)
        rows = [(aid, v) for aid, vals in values.items() for v in (vals or (NOT_STATED,))]
        return pd.DataFrame(rows, columns=["activity_id", "group"], dtype=object)
    if by in ("level", "activity_type"):
        col = acts[by].astype(object)
        return pd.DataFrame({"activity_id": acts["activity_id"].astype(object),
                             "group": col.where(col.notna(), NOT_STATED)})
    mech = ds.mechanisms if "mechanisms" in ds.tables else pd.DataFrame(columns=["mechanism_id", "mechanism_type"])
    desc = _descendants(ds)
    rows = []
    for mid, mtype in zip(mech["mechanism_id"], mech["mechanism_type"].astype(object)):
        label = mid if by == "mechanism" else (mtype if isinstance(mtype, str) else NOT_STATED)
        rows.extend((a, label) for a in desc.get(mid, []))
    return pd.DataFrame(rows, columns=["activity_id", "group"], dtype=object).drop_duplicates()


def _default_groups(ds, by: str, observed: Iterable[str]) -> list[str]:
    if by == "all":
        return ["all"]
    observed = [o for o in dict.fromkeys(observed)]
    has_ns = NOT_STATED in observed
    obs = [o for o in observed if o != NOT_STATED]
    if by == "country":
        head = list(WB6)
        tail = sorted(o for o in obs if o not in WB6)
    elif by == "tier":
        head = list(ds.field("activities", "tiers")["wbcti:list"]["enum"])
        tail = [o for o in obs if o not in head]
    elif by == "theme":
        enum = ds.field("activities", "themes")["wbcti:list"]["enum"]
        head, tail = [t for t in enum if t in obs], []
    elif by == "level":
        enum = list(ds.field("activities", "level")["constraints"]["enum"])
        head, tail = [lv for lv in enum if lv in obs or lv in DOMESTIC_LEVELS], []
    else:
        head, tail = sorted(obs), []
    return head + tail + ([NOT_STATED] if has_ns else [])


def _grouped(ds, by: str, groups, af: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups)]
    return mem.merge(af, on="activity_id", how="left"), groups


# ----------------------------------------------------------------------------- dependency


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


def rank_groups(table: pd.DataFrame, min_n: int = 3, candidates: Iterable[str] | None = None) -> pd.DataFrame:
    """Rank the groups of a :func:`dependency` table from most to least donor-dependent.

    Only groups with at least ``min_n`` activities with a recorded funder are ranked (not
    :data:`NOT_STATED` nor ``"all"``; with ``candidates``, only those groups, e.g. :data:`WB6`
    so that donor countries are not ranked as beneficiaries). Order:
    ``share_only_external_of_funded`` (share of the funded work paid by external funders
    only), then ``share_any_external`` (share of all the group's activities with an external
    funder: this separates groups that all reach 100 % on the first key), then
    ``n_only_external`` (all descending), then the group name.

    Returns
    -------
    DataFrame
        ``rank, group, n_activities, n_funded, share_only_external_of_funded,
        share_any_external, share_no_funder, n_only_external, basis``; empty when no group is
        large enough.
    """
    cols = ["rank", "group", "n_activities", "n_funded", "share_only_external_of_funded", "share_any_external",
            "share_no_funder", "n_only_external", "basis"]
    t = table[(~table["group"].isin([NOT_STATED, "all"])) & (table["n_funded"] >= min_n)]
    if candidates is not None:
        t = t[t["group"].isin(list(candidates))]
    if t.empty:
        return pd.DataFrame(columns=cols)
    t = t.assign(_a=-t["share_only_external_of_funded"].fillna(-1), _b=-t["share_any_external"].fillna(-1),
                 _c=-t["n_only_external"])
    t = t.sort_values(["_a", "_b", "_c", "group"], kind="stable")
    t.insert(0, "rank", range(1, len(t) + 1))
    return t[cols].reset_index(drop=True)


def ranking_note(ranked: pd.DataFrame) -> str:
    """Return a plain sentence on what decides a :func:`rank_groups` ranking ("" if nothing to say).

    Says so when the ranking is empty, or when every ranked group has the same share of its
    funded work paid by external funders only (e.g. all 100 % because no domestic funder is
    recorded), so that the order rests on the tie-breaker alone.
    """
    if ranked.empty:
        return "Too thin: no group has enough activities with a recorded funder to be ranked."
    first = ranked["share_only_external_of_funded"].round(6)
    if len(ranked) > 1 and first.nunique() == 1:
        return (f"All {len(ranked)} ranked groups have the same share of funded work paid by external funders only "
                f"({first.iloc[0]:.0%}); the order rests on the share of all their activities with an external "
                "funder, which also reflects how often the sources name no funder.")
    return ""


def most_dependent(table: pd.DataFrame, min_n: int = 3, candidates: Iterable[str] | None = None) -> str | None:
    """Return the group of a :func:`dependency` table that rests most on external funders.

    The first group of :func:`rank_groups`; None when no group has ``min_n`` activities with a
    recorded funder (the data is too thin to say).
    """
    ranked = rank_groups(table, min_n, candidates)
    return None if ranked.empty else str(ranked["group"].iloc[0])


def thin_message(table: pd.DataFrame, what: str = "groups", min_n: int | None = None) -> str:
    """Return one plain sentence on how thin a table is (empty groups, small groups).

    Works on the output of :func:`dependency` (``n_activities``, ``n_funded``, ``thin``) and of
    :func:`concentration` (``n_links``, ``thin``).
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
        return f"Data too thin for every {what[:-1] if what.endswith('s') else what}: " + "; ".join(parts) + "."
    return "Data too thin for some " + what + ": " + "; ".join(parts) + "."


def mechanism_funding(ds, links: pd.DataFrame | None = None, min_n: int = 1) -> pd.DataFrame:
    """Return the funding of each mechanism (its own activity plus the activities part of it).

    Columns: those of :func:`dependency` with ``by="mechanism"`` (``group`` renamed
    ``mechanism_id``), plus ``name, mechanism_type, country, reference_model``, ``funders``
    and ``external_funders`` (``;``-joined ids over the mechanism's activities), ``status``
    (the mechanism's own activity, see :data:`STATUSES`) and ``stated_funding_basis`` (the
    ``funding_basis`` feature the sources state for it, ``;``-joined, "" if none).
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
    mech["stated_funding_basis"] = mech["mechanism_id"].map(stated).fillna("")
    out = mech.merge(dep, on="mechanism_id", how="left")
    return out.sort_values("mechanism_id").reset_index(drop=True)


# ----------------------------------------------------------------------------- concentration


def _hhi(weights: pd.Series) -> float:
    total = weights.sum()
    if total <= 0:
        return np.nan
    return float(((weights / total) ** 2).sum())


def concentration(ds, by: str = "country", basis: str = "count", links: pd.DataFrame | None = None,
                  groups: Iterable[str] | None = None, top: int = 3, external_only: bool = False,
                  min_n: int = 3, currency: str | None = None) -> pd.DataFrame:
    """Return how concentrated each group's funding is on few funders.

    Parameters
    ----------
    by, groups, links, currency
        As in :func:`dependency`.
    basis : {"count", "amount"}
        Count basis: a funder's weight in a group is the number of the group's activities it
        funds. Amount basis: the stated amounts it gives (in ``currency``); a group with no
        stated amount falls back to counts (see ``basis``).
    top : int
        How many top funders to list.
    external_only : bool
        Only external funders (default False: all funders).
    min_n : int
        Groups with fewer (activity, funder) links are flagged ``thin``.

    Returns
    -------
    DataFrame
        One row per group: ``group, basis, n_links`` ((activity, funder) pairs),
        ``n_funders, hhi`` (Herfindahl-Hirschman index on the 0-1 scale: sum of squared
        funder shares; NaN with no funder), ``effective_funders`` (1 / hhi),
        ``top_funder, top_share`` (0-1), ``top_n_share`` (combined share of the ``top``
        largest), ``top_funders`` (text "id 50%; id 25%; ..."), ``currency``, ``thin``.
    """
    _check_basis(basis)
    if links is None:
        links = funder_links(ds)
    cur = _currency(links, currency)
    lk = links if not external_only else links[links["origin"] == "external"]
    lk = lk.assign(_amt=_amounts(lk, cur))
    uniq = lk.drop_duplicates(["activity_id", "funder_id"])
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups)]
    mc = mem.merge(uniq[["activity_id", "funder_id"]], on="activity_id")
    ma = mem.merge(lk[["activity_id", "funder_id", "_amt"]], on="activity_id")
    rows = []
    for grp in groups:
        cnt = mc[mc["group"] == grp].groupby("funder_id").size().astype(float)
        amt = ma[ma["group"] == grp].groupby("funder_id")["_amt"].sum(min_count=1).dropna()
        use_amount = basis == "amount" and len(amt) and amt.sum() > 0
        w = amt if use_amount else cnt
        w = w[w > 0]
        rec = {"group": grp, "basis": "amount" if use_amount else "count", "n_links": int(cnt.sum()),
               "n_funders": int(len(cnt)), "hhi": _hhi(w), "currency": cur}
        rec["effective_funders"] = 1 / rec["hhi"] if rec["hhi"] == rec["hhi"] else np.nan
        if len(w):
            shares = (w / w.sum()).rename_axis("funder_id").reset_index(name="s")
            shares = shares.sort_values(["s", "funder_id"], ascending=[False, True], kind="stable")
            rec["top_funder"] = shares["funder_id"].iloc[0]
            rec["top_share"] = float(shares["s"].iloc[0])
            rec["top_n_share"] = float(shares["s"].head(top).sum())
            rec["top_funders"] = "; ".join(f"{f} {s:.0%}" for f, s in zip(shares["funder_id"].head(top),
                                                                            shares["s"].head(top)))
        else:
            rec.update(top_funder=None, top_share=np.nan, top_n_share=np.nan, top_funders="")
        rec["thin"] = rec["n_links"] < min_n
        rows.append(rec)
    cols = ["group", "basis", "n_links", "n_funders", "hhi", "effective_funders", "top_funder", "top_share",
            "top_n_share", "top_funders", "currency", "thin"]
    out = pd.DataFrame(rows, columns=cols)
    out["thin"] = out["thin"].astype(bool)
    return out


def funder_matrix(ds, by: str = "country", basis: str = "count", links: pd.DataFrame | None = None,
                  groups: Iterable[str] | None = None, external_only: bool = False,
                  currency: str | None = None) -> pd.DataFrame:
    """Return a funder x group matrix (e.g. funder x country) for a heatmap.

    Values: the number of the group's activities each funder funds (count basis) or the
    stated amounts in ``currency`` (amount basis; 0 where none is stated; no fall-back:
    with no amounts at all the matrix is all zeros and :func:`coverage` says why). Rows are
    funder ids sorted by their row total (descending) then id; columns are the groups in
    the order of :func:`dependency` (empty groups kept as zero columns). Empty when there
    are no funders.
    """
    _check_basis(basis)
    if links is None:
        links = funder_links(ds)
    cur = _currency(links, currency)
    lk = links if not external_only else links[links["origin"] == "external"]
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups)]
    if basis == "count":
        m = mem.merge(lk.drop_duplicates(["activity_id", "funder_id"])[["activity_id", "funder_id"]], on="activity_id")
        mat = m.pivot_table(index="funder_id", columns="group", values="activity_id", aggfunc="count", fill_value=0)
    else:
        m = mem.merge(lk.assign(_amt=_amounts(lk, cur))[["activity_id", "funder_id", "_amt"]], on="activity_id")
        mat = m.pivot_table(index="funder_id", columns="group", values="_amt", aggfunc="sum", fill_value=0.0)
    mat = mat.reindex(columns=groups, fill_value=0)
    mat = mat.astype(int if basis == "count" else float)
    if mat.empty:
        return mat
    order = mat.sum(axis=1).rename("_t").reset_index().sort_values(["_t", "funder_id"], ascending=[False, True])
    mat = mat.loc[order["funder_id"]]
    mat.columns.name = by
    return mat


# ----------------------------------------------------------------------------- withdrawal


def _coparticipation_graph(participations: pd.DataFrame) -> nx.Graph:
    """Actor-actor projection: actors tied when they share an activity; weight = shared activities."""
    g = nx.Graph()
    p = participations[["actor_id", "activity_id"]].astype(str).drop_duplicates()
    g.add_nodes_from(sorted(p["actor_id"].unique()))
    for _, grp in p.groupby("activity_id", sort=True):
        members = sorted(grp["actor_id"])
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if g.has_edge(a, b):
                    g[a][b]["weight"] += 1
                else:
                    g.add_edge(a, b, weight=1)
    return g


def _largest(g: nx.Graph) -> set:
    comps = list(nx.connected_components(g))
    if not comps:
        return set()
    return sorted(comps, key=lambda c: (-len(c), min(c)))[0]


def _graph_stats(g: nx.Graph) -> dict:
    return {"actors": g.number_of_nodes(), "ties": g.number_of_edges(),
            "components": nx.number_connected_components(g), "largest_component": len(_largest(g))}


@dataclass
class WithdrawalResult:
    """What happens if ``funders`` stop paying (see :func:`withdraw`).

    Attributes
    ----------
    funders : tuple of str
        The withdrawn funders.
    activities : DataFrame
        The activities they fund: ``activity_id, title, activity_type, is_mechanism,
        status_before, funders_removed, funders_left`` (``;``-joined), ``lost_all`` (True
        when no funder is left).
    actors_lost : DataFrame
        Actors (other than the withdrawn funders) all of whose funded activities lose all
        funding: ``actor_id, name, actor_type, country, n_funded_activities``.
    cut_off : DataFrame
        Actors in the largest component of the coordination graph before that are not in it
        after: ``actor_id, name, reason`` ("no activity left" or "separated from the main
        component").
    graph_before, graph_after : dict
        ``actors, ties, components, largest_component`` of the co-participation graph.
    """

    funders: tuple
    activities: pd.DataFrame
    actors_lost: pd.DataFrame
    cut_off: pd.DataFrame
    graph_before: dict
    graph_after: dict

    @property
    def activities_lost(self) -> list[str]:
        """Ids of the activities that lose all their funding."""
        return self.activities.loc[self.activities["lost_all"], "activity_id"].tolist()

    @property
    def mechanisms_lost(self) -> list[str]:
        """Ids of the mechanisms that lose all their funding."""
        a = self.activities
        return a.loc[a["lost_all"] & a["is_mechanism"], "activity_id"].tolist()

    def summary(self) -> dict:
        """One flat dict of the scenario's figures (counts, graph before and after)."""
        out = {"funders": ";".join(self.funders), "n_activities_funded": len(self.activities),
               "n_activities_lost": len(self.activities_lost), "n_mechanisms_lost": len(self.mechanisms_lost),
               "n_actors_lost": len(self.actors_lost), "n_cut_off": len(self.cut_off)}
        for k, v in self.graph_before.items():
            out[f"{k}_before"] = v
        for k, v in self.graph_after.items():
            out[f"{k}_after"] = v
        return out


def withdraw(ds, funders: Iterable[str] | str, links: pd.DataFrame | None = None,
             _graph_before: nx.Graph | None = None) -> WithdrawalResult:
    """Simulate the withdrawal of one funder or a set of funders.

    Parameters
    ----------
    ds : Dataset
    funders : str or list of str
        Actor ids of the funders that stop paying.
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None); with inheritance,
        an activity funded through its parent project loses its funding with the project's.

    Returns
    -------
    WithdrawalResult

    Raises
    ------
    ValueError
        If a funder id is not an actor of ``ds`` (the message names them all).

    Notes
    -----
    The withdrawn funders never appear in ``cut_off`` or ``actors_lost``; a withdrawn funder
    whose only participations are ``funder`` rows leaves the graph, so
    ``largest_component`` after counts it out. Builds the co-participation graph twice: O(sum over activities of k^2) for k
    participants per activity.
    """
    funders = _as_str_list(funders, "funders")
    unknown = [f for f in funders if f not in set(ds.actors["actor_id"])]
    if unknown:
        raise ValueError(f"funders: unknown funder id(s) {', '.join(map(repr, unknown))}: not in actors.actor_id")
    if links is None:
        links = funder_links(ds)
    removed = set(funders)
    uniq = links.drop_duplicates(["activity_id", "funder_id"])
    touched = sorted(set(uniq.loc[uniq["funder_id"].isin(removed), "activity_id"]))
    af = activity_funding(ds, links).set_index("activity_id")
    mech_ids = set(ds.mechanisms["mechanism_id"]) if "mechanisms" in ds.tables else set()
    rows = []
    for aid in touched:
        fs = sorted(uniq.loc[uniq["activity_id"] == aid, "funder_id"])
        gone = [f for f in fs if f in removed]
        left = [f for f in fs if f not in removed]
        rows.append({"activity_id": aid, "title": af.at[aid, "title"], "activity_type": af.at[aid, "activity_type"],
                     "is_mechanism": aid in mech_ids, "status_before": af.at[aid, "status"],
                     "funders_removed": ";".join(gone), "funders_left": ";".join(left), "lost_all": not left})
    acts = pd.DataFrame(rows, columns=["activity_id", "title", "activity_type", "is_mechanism", "status_before",
                                       "funders_removed", "funders_left", "lost_all"])
    lost = set(acts.loc[acts["lost_all"], "activity_id"])
    part = ds.participations
    funded_ids = set(af.index[~af["no_funder"]])
    pf = part[part["activity_id"].isin(funded_ids) & ~part["actor_id"].isin(removed)]
    per_actor = pf.groupby("actor_id")["activity_id"].apply(lambda s: set(s))
    lost_actors = sorted(a for a, s in per_actor.items() if s and s <= lost)
    ainfo = ds.actors.set_index("actor_id")
    actors_lost = pd.DataFrame({
        "actor_id": lost_actors,
        "name": [ainfo.at[a, "name"] for a in lost_actors],
        "actor_type": [str(ainfo.at[a, "actor_type"]) for a in lost_actors],
        "country": [ainfo.at[a, "country"] if pd.notna(ainfo.at[a, "country"]) else "" for a in lost_actors],
        "n_funded_activities": [len(per_actor[a]) for a in lost_actors],
    }, columns=["actor_id", "name", "actor_type", "country", "n_funded_activities"])
    g0 = _graph_before if _graph_before is not None else _coparticipation_graph(part)
    keep = ~part["activity_id"].isin(lost) & ~(part["actor_id"].isin(removed) & (part["role"].astype(str) == "funder"))
    g1 = _coparticipation_graph(part[keep])
    main0, main1 = _largest(g0), _largest(g1)
    cut = sorted(a for a in main0 - main1 if a not in removed)
    cut_off = pd.DataFrame({
        "actor_id": cut,
        "name": [ainfo.at[a, "name"] if a in ainfo.index else "" for a in cut],
        "reason": ["no activity left" if a not in g1 else "separated from the main component" for a in cut],
    }, columns=["actor_id", "name", "reason"])
    return WithdrawalResult(tuple(funders), acts, actors_lost, cut_off, _graph_stats(g0), _graph_stats(g1))


def rank_funders(ds, links: pd.DataFrame | None = None, funders: Iterable[str] | None = None) -> pd.DataFrame:
    """Withdraw each funder alone and rank the funders by the impact, most systemic first.

    Parameters
    ----------
    ds : Dataset
    links : DataFrame, optional
        :func:`funder_links` output.
    funders : list of str, optional
        Funders to rank (default every funder with a link in ``ds``).

    Returns
    -------
    DataFrame
        One row per funder: ``rank`` (1 = most systemic), ``funder_id, name, actor_type,
        origin``, ``n_activities_funded`` (incl. inherited links), ``n_activities_lost``
        (activities left with no funder), ``share_activities_lost`` (of all activities of
        ``ds``, 0-1), ``n_mechanisms_lost, n_actors_lost`` (actors all of whose funded
        activities are lost), ``n_cut_off`` (actors leaving the main component of the
        coordination graph), ``largest_component_before, largest_component_after,
        components_before, components_after``. Ranked by n_activities_lost, then
        n_actors_lost, then n_cut_off, then the loss in the largest component (all
        descending), then funder_id.
    """
    if links is None:
        links = funder_links(ds)
    table = _funder_table(ds, links)
    ids = list(funders) if funders is not None else table["funder_id"].tolist()
    info = table.set_index("funder_id")
    g0 = _coparticipation_graph(ds.participations)
    n_acts = len(ds.activities)
    rows = []
    for f in ids:
        r = withdraw(ds, [f], links, _graph_before=g0)
        s = r.summary()
        rows.append({
            "funder_id": f, "name": info.at[f, "name"] if f in info.index else "",
            "actor_type": str(info.at[f, "actor_type"]) if f in info.index else "",
            "origin": info.at[f, "origin"] if f in info.index else "",
            "n_activities_funded": s["n_activities_funded"], "n_activities_lost": s["n_activities_lost"],
            "share_activities_lost": s["n_activities_lost"] / n_acts if n_acts else np.nan,
            "n_mechanisms_lost": s["n_mechanisms_lost"], "n_actors_lost": s["n_actors_lost"],
            "n_cut_off": s["n_cut_off"],
            "largest_component_before": s["largest_component_before"],
            "largest_component_after": s["largest_component_after"],
            "components_before": s["components_before"], "components_after": s["components_after"],
        })
    cols = ["rank", "funder_id", "name", "actor_type", "origin", "n_activities_funded", "n_activities_lost",
            "share_activities_lost", "n_mechanisms_lost", "n_actors_lost", "n_cut_off", "largest_component_before",
            "largest_component_after", "components_before", "components_after"]
    out = pd.DataFrame(rows, columns=cols[1:])
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["_drop"] = out["largest_component_before"] - out["largest_component_after"]
    out = out.sort_values(["n_activities_lost", "n_actors_lost", "n_cut_off", "_drop", "funder_id"],
                          ascending=[False, False, False, False, True], kind="stable").drop(columns="_drop")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- cliffs


def funding_cliffs(ds, by: str = "country", links: pd.DataFrame | None = None,
                   groups: Iterable[str] | None = None, external_only: bool = True) -> pd.DataFrame:
    """Return when externally funded work ends: activities ending per year, per group.

    The end year is the year of ``end_date_latest`` (the latest day the stated partial end
    date allows); activities with no stated end date are counted in the column
    :data:`NO_END_DATE` (nothing is guessed from the status or the start date).

    Parameters
    ----------
    by : str
        A grouping of :data:`GROUPINGS` (usually ``"country"``, ``"tier"`` or ``"all"``).
    external_only : bool
        Count only activities with at least one external funder (default); False counts
        every activity with a recorded funder.

    Returns
    -------
    DataFrame
        Index ``group`` (every group of the grouping, as in :func:`dependency`), one column
        per end year (``"2017"``, ... as text, ascending), then :data:`NO_END_DATE`, then
        ``total``; values are numbers of activities (int).
    """
    if links is None:
        links = funder_links(ds)
    af = activity_funding(ds, links)
    sel = af["any_external"] if external_only else ~af["no_funder"]
    ids = set(af.loc[sel, "activity_id"])
    acts = ds.activities[ds.activities["activity_id"].isin(ids)]
    end = acts["end_date_latest"].dt.year
    year = pd.Series([str(int(y)) if pd.notna(y) else NO_END_DATE for y in end], index=acts["activity_id"].values)
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups) & mem["activity_id"].isin(ids)].copy()
    mem["end_year"] = mem["activity_id"].map(year)
    years = sorted(y for y in set(mem["end_year"]) if y != NO_END_DATE)
    cols = years + [NO_END_DATE]
    if mem.empty:
        tab = pd.DataFrame(0, index=pd.Index(groups, name="group"), columns=cols)
    else:
        tab = pd.crosstab(mem["group"], mem["end_year"]).reindex(index=groups, columns=cols, fill_value=0)
    tab = tab.fillna(0).astype(int)
    tab.index.name = "group"
    tab.columns.name = None
    tab["total"] = tab.sum(axis=1)
    return tab


# ----------------------------------------------------------------------------- headlines


def headline_figures(cov: pd.Series, dep_all: pd.DataFrame, dep_country: pd.DataFrame, dep_tier: pd.DataFrame,
                     ranking: pd.DataFrame, min_n: int = 3) -> dict[str, dict]:
    """Return the analysis' headline figures, ready for :func:`wbcti_analysis.headlines.record`.

    Parameters
    ----------
    cov : Series
        :func:`coverage` output.
    dep_all, dep_country, dep_tier : DataFrame
        :func:`dependency` tables with ``by="all"``, ``"country"`` and ``"tier"``.
    ranking : DataFrame
        :func:`rank_funders` output.
    min_n : int
        Smallest number of funded activities for a group to be named (see :func:`rank_groups`);
        the most dependent country is chosen among the six Western Balkan beneficiaries
        (:data:`WB6`), not among donor or reference countries.

    Returns
    -------
    dict
        key -> ``{"value", "label", "unit"}``. Values are None where the data is too thin
        (no group with ``min_n`` funded activities; no funder whose withdrawal leaves an
        activity unfunded or cuts an actor off). Shares are 0-1, rounded to 3 decimals.
    """
    def _share(table, group, col="share_only_external_of_funded"):
        if group is None:
            return None
        v = table.loc[table["group"] == group, col]
        return None if v.empty or pd.isna(v.iloc[0]) else round(float(v.iloc[0]), 3)

    country = most_dependent(dep_country, min_n, candidates=WB6)
    tier = most_dependent(dep_tier, min_n)
    top = None
    if len(ranking) and (ranking["n_activities_lost"].iloc[0] > 0 or ranking["n_cut_off"].iloc[0] > 0):
        top = ranking.iloc[0]
    basis = str(dep_all["basis"].iloc[0]) if len(dep_all) else "count"
    unit_share = "share of funded activities" if basis == "count" else "share of stated money"
    return {
        "most_donor_dependent_country": {
            "value": country, "unit": "",
            "label": f"Western Balkan country whose funded CT/P-CVE work rests most on external funders only "
                     f"(>= {min_n} funded activities; ties broken by the share of all its activities with an "
                     "external funder)"},
        "most_donor_dependent_country_share": {
            "value": _share(dep_country, country), "unit": unit_share,
            "label": "Share of that country's funded work paid by external funders only"},
        "most_donor_dependent_tier": {
            "value": tier, "unit": "",
            "label": f"Prevention tier resting most on external funders only (>= {min_n} funded activities)"},
        "most_donor_dependent_tier_share": {
            "value": _share(dep_tier, tier), "unit": unit_share,
            "label": "Share of that tier's funded work paid by external funders only"},
        "most_systemic_funder": {
            "value": None if top is None else str(top["funder_id"]), "unit": "",
            "label": "Funder whose withdrawal leaves most activities without any funder"},
        "most_systemic_funder_activities_lost": {
            "value": None if top is None else int(top["n_activities_lost"]), "unit": "activities",
            "label": "Activities left with no funder if the most systemic funder withdraws"},
        "share_external_any": {
            "value": _share(dep_all, "all", "share_any_external"), "unit": "share of activities" if basis == "count"
            else "share of stated money",
            "label": "Share of all activities with at least one external funder"},
        "share_no_recorded_funder": {
            "value": None if pd.isna(cov["share_no_own_funder"]) else round(float(cov["share_no_own_funder"]), 3),
            "unit": "share of activities",
            "label": "Share of activities with no funder recorded for them (funding row or funder participation)"},
        "share_no_funder_after_inheritance": {
            "value": None if pd.isna(cov["share_no_funder"]) else round(float(cov["share_no_funder"]), 3),
            "unit": "share of activities",
            "label": "Share of activities with no funder even through the project they are part of"},
    }
