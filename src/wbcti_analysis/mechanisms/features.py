"""What the sources state about each mechanism: the evidence, the feature states, the
indicator and feature matrices, and the cases handled.

Unknown versus absent
---------------------
The coding rules say that a feature with no row in ``mechanism_features`` is *unknown*
and a row with ``present=false`` is *absent*. This module keeps that distinction at the
level of a feature *value*: ``member_sector=health`` with no row is unknown (NA) even when
other member sectors are listed, because the sources list members by example. The one
exception is a **single-valued** feature (:data:`SINGLE_VALUED_FEATURES`: a mechanism has
one funding basis, one level, one year of set-up ...): once a value is stated, the other
values of that feature are known not to apply. This completion is used by the distances
only (``complete_single_valued=True``); the indicator matrix shows the raw states.

Evidence beyond ``mechanism_features``: the sectors of the member bodies (participations
with a role in :data:`MEMBER_ROLES`) count as stated member sectors, the mechanism's
activity row gives ``tier_covered`` (its ``tiers``) and ``year_established`` (the year
of its ``start_date``), ``claims`` rows about a mechanism give values of the attribute
they name, and the ``mechanisms`` table gives ``level`` and ``mechanism_type``. A value
that is stated both present and absent is *disputed* and treated as unknown in distances.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from ._util import _claim_feature, _names, _sort_values, _strings, _year
from .select import check_features, feature_names, select_mechanisms
from .vocabulary import (CASE_METRIC_EXCLUDE, CASE_METRIC_PATTERN, MECHANISM_ATTRIBUTES, MEMBER_ROLES,
                         SINGLE_VALUED_FEATURES)

__all__ = ["mechanism_evidence", "feature_states", "indicator_matrix", "feature_matrix", "cases_handled"]

_QUALIFIER_WORDS = {"exact": "", "approximate": "about ", "at_least": "at least ",
                    "more_than": "more than ", "up_to": "up to "}
_EVIDENCE_COLUMNS = ["mechanism_id", "feature", "value", "present", "origin", "source_id", "locator",
                     "actor_id", "note"]


def mechanism_evidence(ds, mechanisms: Iterable[str] | None = None, use_participations: bool = True,
                       use_activities: bool = True) -> pd.DataFrame:
    """Return every stated fact about the selected mechanisms, one row per fact and source.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all (see :func:`select_mechanisms`).
    use_participations : bool
        Add the sectors of member bodies (participations with a role in
        :data:`MEMBER_ROLES`) as ``member_sector`` facts.
    use_activities : bool
        Add the tiers and start year of the mechanism's activity row.

    Returns
    -------
    DataFrame
        Columns ``mechanism_id, feature, value, present, origin, source_id, locator,
        actor_id, note``. ``present`` is a Python bool. ``origin`` names the table the fact
        comes from: ``mechanism_features``; ``claims`` (attribute named like a
        feature, ``start_date`` read as ``year_established``);
        ``participations`` (``member_sector`` = the sector of a member body, ``actor_id``
        set); ``activities`` (``tier_covered`` from ``tiers``, ``year_established`` from
        the year of ``start_date``); ``mechanisms`` (``level``, ``mechanism_type``).
        Sorted by mechanism, feature, value, origin, source.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, mechanism_evidence
    >>> ev = mechanism_evidence(example_dataset(), ["rs-b"])
    >>> print(ev[ev["feature"] == "member_sector"][["value", "present", "origin"]].to_string(index=False))
              value  present             origin
      civil_society     True     participations
          education     True mechanism_features
    law_enforcement    False mechanism_features
     social_welfare     True mechanism_features
    """
    ids = select_mechanisms(ds, mechanisms)
    idset = set(ids)
    known_features = set(feature_names(ds))
    parts: list[pd.DataFrame] = []

    mf = ds.mechanism_features
    mf = mf[_strings(mf["mechanism_id"]).isin(idset)]
    if len(mf):
        parts.append(pd.DataFrame({
            "mechanism_id": _strings(mf["mechanism_id"]), "feature": _strings(mf["feature"]),
            "value": _strings(mf["value"]).str.strip(), "present": mf["present"].fillna(True).astype(bool),
            "origin": "mechanism_features", "source_id": _strings(mf["source_id"]),
            "locator": _strings(mf["locator"]), "actor_id": None, "note": _strings(mf["note"])}))

    cl = ds.claims
    attr = _strings(cl["attribute"]).map(_claim_feature)
    keep = (_strings(cl["subject_table"]).isin(["mechanisms", "activities"])
            & _strings(cl["subject_id"]).isin(idset) & attr.isin(known_features))
    cl, attr = cl[keep], attr[keep]
    if len(cl):
        parts.append(pd.DataFrame({
            "mechanism_id": _strings(cl["subject_id"]), "feature": attr,
            "value": _strings(cl["value"]).str.strip(), "present": True, "origin": "claims",
            "source_id": _strings(cl["source_id"]), "locator": _strings(cl["locator"]),
            "actor_id": None, "note": _strings(cl["note"])}))

    if use_participations:
        p = ds.participations
        p = p[_strings(p["activity_id"]).isin(idset) & _strings(p["role"]).isin(MEMBER_ROLES)]
        sectors = dict(zip(_strings(ds.actors["actor_id"]), _strings(ds.actors["sector"])))
        if len(p):
            sec = _strings(p["actor_id"]).map(sectors)
            ok = sec.notna()
            parts.append(pd.DataFrame({
                "mechanism_id": _strings(p["activity_id"])[ok], "feature": "member_sector", "value": sec[ok],
                "present": True, "origin": "participations", "source_id": _strings(p["source_id"])[ok],
                "locator": _strings(p["locator"])[ok], "actor_id": _strings(p["actor_id"])[ok],
                "note": _strings(p["role"])[ok].map(lambda r: f"member body ({r})")}))

    if use_activities:
        a = ds.activities
        a = a[_strings(a["activity_id"]).isin(idset)]
        rows = []
        for _, r in a.iterrows():
            for t in r["tiers"] or ():
                rows.append((r["activity_id"], "tier_covered", str(t), r["source_id"], r["locator"],
                             "tiers of the activity row"))
            y = _year(r["start_date"])
            if y is not None:
                rows.append((r["activity_id"], "year_established", str(y), r["source_id"], r["locator"],
                             "start date of the activity row"))
        if rows:
            df = pd.DataFrame(rows, columns=["mechanism_id", "feature", "value", "source_id", "locator", "note"])
            df["present"] = True
            df["origin"] = "activities"
            df["actor_id"] = None
            parts.append(df)

    m = ds.mechanisms
    m = m[_strings(m["mechanism_id"]).isin(idset)]
    for col in MECHANISM_ATTRIBUTES:
        vals = _strings(m[col])
        ok = vals.notna()
        if ok.any():
            parts.append(pd.DataFrame({
                "mechanism_id": _strings(m["mechanism_id"])[ok], "feature": col, "value": vals[ok],
                "present": True, "origin": "mechanisms", "source_id": _strings(m["source_id"])[ok],
                "locator": _strings(m["locator"])[ok], "actor_id": None, "note": None}))

    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=bool if c == "present" else object) for c in _EVIDENCE_COLUMNS})
    ev = pd.concat([p[_EVIDENCE_COLUMNS] for p in parts], ignore_index=True)
    ev["present"] = ev["present"].astype(bool)
    ev = ev[ev["value"].notna() & (ev["value"] != "")]
    return ev.sort_values(["mechanism_id", "feature", "value", "origin", "source_id"], kind="stable",
                          na_position="last").reset_index(drop=True)


def feature_states(evidence: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (mechanism, feature, value) with its state.

    Returns
    -------
    DataFrame
        Columns ``mechanism_id, feature, value, state, sources, origins``. ``state`` is
        ``present`` (only present=true evidence), ``absent`` (only present=false) or
        ``disputed`` (both); ``sources`` and ``origins`` are ``'; '``-joined sorted ids.

    Parameters
    ----------
    evidence : DataFrame
        As :func:`mechanism_evidence` returns.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, feature_states, mechanism_evidence
    >>> st = feature_states(mechanism_evidence(example_dataset(), ["xk-a"]))
    >>> print(st[st["feature"] == "member_sector"][["value", "state", "origins"]].to_string(index=False))
              value   state                            origins
             health  absent                 mechanism_features
    law_enforcement present mechanism_features; participations
     social_welfare present                 mechanism_features
    """
    cols = ["mechanism_id", "feature", "value", "state", "sources", "origins"]
    if evidence.empty:
        return pd.DataFrame(columns=cols)
    g = evidence.groupby(["mechanism_id", "feature", "value"], sort=True)
    out = g.agg(any_true=("present", "any"), all_true=("present", "all"),
                sources=("source_id", lambda s: "; ".join(sorted(set(s.dropna())))),
                origins=("origin", lambda s: "; ".join(sorted(set(s))))).reset_index()
    out["state"] = np.where(out["all_true"], "present", np.where(out["any_true"], "disputed", "absent"))
    return out[cols]


def _feature_columns(ds, states: pd.DataFrame, features: list[str]) -> list[tuple[str, str]]:
    cols = []
    for f in features:
        vals = states.loc[states["feature"] == f, "value"]
        cols += [(f, v) for v in _sort_values(ds, f, vals)]
    return cols


def indicator_matrix(ds, mechanisms: Iterable[str] | None = None, features: Iterable[str] | None = None,
                     use_participations: bool = True, complete_single_valued: bool = False) -> pd.DataFrame:
    """Return the mechanism x feature-value matrix of stated states.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all (see :func:`select_mechanisms`).
    features : list of str, optional
        Feature names; empty or None means all (see :func:`check_features`).
    use_participations : bool
        Count the sectors of member bodies as member sectors.
    complete_single_valued : bool
        Fill the other values of single-valued features with False (see below).

    Returns
    -------
    DataFrame
        Index ``mechanism_id`` (every selected mechanism, sorted; a mechanism with no
        evidence is a row of NA), columns a MultiIndex ``(feature, value)`` over the values
        stated for at least one selected mechanism (features in descriptor order, values in
        enum order), dtype ``boolean``: True = stated present, False = stated absent,
        NA = unknown (no row) or disputed (stated both ways).
        With ``complete_single_valued`` the other values of a feature in
        :data:`SINGLE_VALUED_FEATURES` become False once a mechanism has a present value
        of it (what the distances use).

    Examples
    --------
    Health is stated absent for xk-a (False) and not stated for uk-channel (unknown, NA),
    never read as absent:

    >>> from wbcti_analysis.mechanisms import example_dataset, indicator_matrix
    >>> m = indicator_matrix(example_dataset(), features=["member_sector"])
    >>> print(m[("member_sector", "health")].to_string())
    mechanism_id
    dk-aarhus-model     <NA>
    rs-b                <NA>
    uk-channel          <NA>
    xk-a               False
    >>> list(m["member_sector"].columns)
    ['law_enforcement', 'social_welfare', 'education', 'health', 'civil_society']
    """
    ids = select_mechanisms(ds, mechanisms)
    feats = check_features(ds, features)
    states = feature_states(mechanism_evidence(ds, ids, use_participations=use_participations))
    states = states[states["feature"].isin(feats)]
    columns = pd.MultiIndex.from_tuples(_feature_columns(ds, states, feats), names=["feature", "value"])
    index = pd.Index(ids, name="mechanism_id")
    if states.empty:
        mat = pd.DataFrame(pd.NA, index=index, columns=columns, dtype="boolean")
    else:  # one (mechanism, feature, value) row per cell: place them all at once
        rows = index.get_indexer(states["mechanism_id"])
        cols = columns.get_indexer(pd.MultiIndex.from_arrays([states["feature"], states["value"]]))
        codes = np.full((len(index), len(columns)), -1, dtype=np.int8)  # -1 unknown, 1 present, 0 absent
        codes[rows, cols] = states["state"].map({"present": 1, "absent": 0}).fillna(-1).to_numpy(dtype=np.int8)
        mat = pd.DataFrame({c: pd.array(np.where(codes[:, k] < 0, None, codes[:, k] == 1), dtype="boolean")
                            for k, c in enumerate(columns)}, index=index)
        mat.columns = columns
    if complete_single_valued:
        mat = _complete_single_valued(mat)
    return mat


def _complete_single_valued(mat: pd.DataFrame) -> pd.DataFrame:
    """Set unknown values of single-valued features to False where another value is present."""
    mat = mat.copy()
    if mat.shape[1] == 0:
        return mat
    for f in mat.columns.get_level_values(0).unique():
        if f not in SINGLE_VALUED_FEATURES:
            continue
        block = mat.loc[:, [c for c in mat.columns if c[0] == f]]
        has_present = block.eq(True).fillna(False).any(axis=1)
        for c in block.columns:
            fill = has_present & mat[c].isna()
            mat.loc[fill, c] = False
    return mat


# ----------------------------------------------------------------------------- display matrix


def _cell(ds, feature: str, rows: pd.DataFrame) -> str | None:
    """Readable text of one feature of one mechanism from its state rows (None = unknown)."""
    if rows.empty:
        return None
    by = {s: _sort_values(ds, feature, rows.loc[rows["state"] == s, "value"]) for s in ("present", "absent",
                                                                                        "disputed")}
    parts = []
    if by["present"]:
        if feature in SINGLE_VALUED_FEATURES and len(by["present"]) > 1:
            parts.append(" | ".join(by["present"]) + " (disputed)")
        else:
            parts.append(", ".join(by["present"]))
    if by["absent"]:
        parts.append("absent: " + ", ".join(by["absent"]))
    if by["disputed"]:
        parts.append("stated present and absent: " + ", ".join(by["disputed"]))
    return "; ".join(parts)


def feature_matrix(ds, mechanisms: Iterable[str] | None = None, features: Iterable[str] | None = None,
                   use_participations: bool = True, unknown: str | None = None) -> pd.DataFrame:
    """Return the readable mechanism x feature matrix, one string cell per feature.

    Parameters
    ----------
    mechanisms, features : list of str, optional
        Selection (empty means all); see :func:`select_mechanisms` and :func:`check_features`.
    use_participations : bool
        Add the sectors of member bodies (participations) to ``member_sector``.
    unknown : str, optional
        Text for unknown cells; None (default) leaves them NA.

    Returns
    -------
    DataFrame
        Index ``mechanism_id``; columns ``name, country, reference_model``, then
        the selected features (``level`` and ``mechanism_type`` first when selected), then
        ``member_bodies`` (ids of the member actors) and ``cases_handled`` (statements of
        :func:`cases_handled`). A cell lists the present values; ``absent: x`` marks values
        stated absent; a single-valued feature with several stated values reads
        ``"2016 | 2017 (disputed)"``. NA (or ``unknown``) where nothing is stated.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, feature_matrix
    >>> fm = feature_matrix(example_dataset(), features=["member_sector", "year_established"], unknown="unknown")
    >>> fm.loc["xk-a", "member_sector"]
    'law_enforcement, social_welfare; absent: health'
    >>> fm.loc["xk-a", "year_established"], fm.loc["uk-channel", "year_established"]
    ('2016 | 2017 (disputed)', 'unknown')
    """
    ids = select_mechanisms(ds, mechanisms)
    feats = check_features(ds, features)
    feats = [f for f in MECHANISM_ATTRIBUTES if f in feats] + [f for f in feats if f not in MECHANISM_ATTRIBUTES]
    ev = mechanism_evidence(ds, ids, use_participations=use_participations)
    states = feature_states(ev)
    m = ds.mechanisms.set_index(_strings(ds.mechanisms["mechanism_id"]))
    out = pd.DataFrame(index=pd.Index(ids, name="mechanism_id"))
    out["name"] = [m.at[i, "name"] for i in ids]
    out["country"] = [None if pd.isna(m.at[i, "country"]) else str(m.at[i, "country"]) for i in ids]
    out["reference_model"] = [bool(m.at[i, "reference_model"]) if pd.notna(m.at[i, "reference_model"])
                              else None for i in ids]
    grouped = {k: g for k, g in states.groupby(["mechanism_id", "feature"], sort=False)} if len(states) else {}
    for f in feats:
        out[f] = [_cell(ds, f, grouped.get((i, f), states.iloc[0:0])) for i in ids]
    members = ev[ev["origin"] == "participations"].groupby("mechanism_id")["actor_id"].agg(
        lambda s: ", ".join(sorted(set(s))))
    out["member_bodies"] = [members.get(i) for i in ids] if use_participations else None
    cases = cases_handled(ds, ids)
    stated = cases.groupby("mechanism_id", sort=False)["statement"].agg("; ".join) if len(cases) else {}
    out["cases_handled"] = [stated.get(i) if len(cases) else None for i in ids]
    out = out.astype(object).where(out.notna(), None)
    if unknown is not None:
        out = out.fillna(unknown)
    return out


def _period(start, end) -> str:
    s = None if start is None or pd.isna(start) else str(start)
    e = None if end is None or pd.isna(end) else str(end)
    if s and e:
        return s if s == e else f"{s}-{e}"
    if s:
        return f"from {s}"
    if e:
        return f"until {e}"
    return "period not stated"


def cases_handled(ds, mechanisms: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the numbers of cases the sources give for the selected mechanisms, as stated.

    A figure counts when its ``activity_id`` is a selected mechanism, its ``metric`` or
    ``unit`` matches :data:`CASE_METRIC_PATTERN` (cases, individuals, people, persons,
    minors, treated, referred) and its metric not :data:`CASE_METRIC_EXCLUDE` (people
    trained are not cases). Numbers are
    never summed, averaged or extrapolated over periods.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all (see :func:`select_mechanisms`).

    Returns
    -------
    DataFrame
        Columns ``mechanism_id, name, figure_id, metric, value, qualifier, unit,
        period_start, period_end, period, statement, description, source_id, locator``;
        ``value`` in ``unit`` (people or cases as stated); ``period`` is ``2016-2018``,
        ``2022``, ``from 2019``, ``until 2018`` or ``period not stated``; ``statement``
        reads e.g. ``"more than 400 individuals (period not stated)"``. Sorted by
        mechanism, period start, figure id.

    Examples
    --------
    People trained are not cases handled:

    >>> from wbcti_analysis.mechanisms import example_dataset, cases_handled
    >>> cases_handled(example_dataset())[["mechanism_id", "figure_id", "statement"]]
      mechanism_id figure_id             statement
    0         xk-a        g1  10 cases (2016-2018)
    """
    ids = select_mechanisms(ds, mechanisms)
    f = ds.figures
    metric = _strings(f["metric"]).fillna("")
    unit = _strings(f["unit"]).fillna("")
    keep = (_strings(f["activity_id"]).isin(set(ids))
            & (metric.str.contains(CASE_METRIC_PATTERN, case=False)
               | unit.str.contains(CASE_METRIC_PATTERN, case=False))
            & ~metric.str.contains(CASE_METRIC_EXCLUDE, case=False))
    f = f[keep]
    names = _names(ds)
    cols = ["mechanism_id", "name", "figure_id", "metric", "value", "qualifier", "unit", "period_start",
            "period_end", "period", "statement", "description", "source_id", "locator"]
    if f.empty:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame({
        "mechanism_id": _strings(f["activity_id"]), "figure_id": _strings(f["figure_id"]),
        "metric": _strings(f["metric"]), "value": f["value"].astype(float),
        "qualifier": _strings(f["qualifier"]), "unit": _strings(f["unit"]),
        "period_start": _strings(f["period_start"]), "period_end": _strings(f["period_end"]),
        "description": _strings(f["description"]), "source_id": _strings(f["source_id"]),
        "locator": _strings(f["locator"])})
    out["name"] = out["mechanism_id"].map(names)
    out["period"] = [_period(s, e) for s, e in zip(out["period_start"], out["period_end"])]
    out["statement"] = [f"{_QUALIFIER_WORDS.get(q, '')}{v:g} {u} ({p})"
                        for q, v, u, p in zip(out["qualifier"], out["value"], out["unit"], out["period"])]
    out = out.sort_values(["mechanism_id", "period_start", "figure_id"], na_position="last", kind="stable")
    return out[cols].reset_index(drop=True)

