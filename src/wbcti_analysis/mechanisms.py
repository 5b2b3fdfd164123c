"""Referral and multi-agency mechanisms compared point by point.

The sources describe a handful of multi-agency and referral mechanisms (Gjilan, Hani i
Elezit, the DPRRP teams, Novi Pazar, Passage4prevent, Albania's local safety councils ...)
and the foreign models they are measured against (UK Channel, Aarhus). This module turns
the ``mechanisms`` and ``mechanism_features`` tables, with the mechanisms' rows in
``activities``, ``participations``, ``figures`` and ``claims``, into:

* an **evidence** table (one row per stated fact, with its source),
* a **feature matrix** (mechanism x feature, readable strings) and an **indicator
  matrix** (mechanism x feature value: True present, False absent, NA unknown),
* **distances** between mechanisms (Jaccard or Gower, both skipping unknowns pairwise),
  average-linkage **clusters** and the mechanisms **closest to the reference models**,
* **sector coverage** against :data:`RECOMMENDED_SECTORS`,
* the **lineage** graph (which mechanism was modelled on which) and the **timeline** of
  set-up years, disputed years kept as both values,
* the **cases handled** as the sources state them, never summed or extrapolated.

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
Free-text features (:data:`FREE_TEXT_FEATURES`: decision rule, confidentiality, legal
basis) enter the distances as one item each: a provision is stated, stated absent, or
unknown; two differently worded confidentiality provisions count as a match.

Evidence beyond ``mechanism_features``: the sectors of the member bodies (participations
with a role in :data:`MEMBER_ROLES`) count as stated member sectors, the mechanism's
activity row gives ``tier_covered`` (its ``tiers``) and ``year_established`` (the year
of its ``start_date``), ``claims`` rows about a mechanism give values of the attribute
they name, and the ``mechanisms`` table gives ``level`` and ``mechanism_type``. A value
that is stated both present and absent is *disputed* and treated as unknown in distances.
"""
from __future__ import annotations

from .datapackage import WESTERN_BALKANS

import re
from dataclasses import dataclass, field
from typing import Iterable

import networkx as nx
import numpy as np
import pandas as pd

__all__ = [
    "RECOMMENDED_SECTORS",
    "RECOMMENDED_SECTORS_SOURCE",
    "MEMBER_ROLES",
    "CASE_METRIC_PATTERN",
    "CASE_METRIC_EXCLUDE",
    "NUMERIC_FEATURES",
    "SINGLE_VALUED_FEATURES",
    "FREE_TEXT_FEATURES",
    "MECHANISM_ATTRIBUTES",
    "REFERENCE_MODELS",
    "WESTERN_BALKANS",
    "DISTANCES",
    "COVERAGE_STATES",
    "Distances",
    "Clustering",
    "feature_names",
    "check_features",
    "check_parameters",
    "select_mechanisms",
    "mechanism_evidence",
    "feature_states",
    "indicator_matrix",
    "feature_matrix",
    "cases_handled",
    "jaccard_distances",
    "gower_distances",
    "mechanism_distances",
    "cluster_mechanisms",
    "find_reference_model",
    "reference_models",
    "foreign_references",
    "closest_to",
    "sector_coverage",
    "missing_sectors",
    "most_often_missing",
    "nearest",
    "sector_gaps",
    "lineage_graph",
    "lineage_table",
    "establishment_timeline",
    "disputes",
    "data_notes",
]

#: Sectors a local multi-agency team should include, as the RAN paper lists them (values of
#: the ``sector`` enum of ``actors`` / ``member_sector`` of ``mechanism_features``).
#: Mapping of the paper's positions: Directorate for Labour and Social Welfare ->
#: social_welfare; Municipal Directorate of Education -> education; Directorate for Youth,
#: Culture and Sports -> youth_culture; Directorate of Public Health -> health; Probation
#: Service -> justice; Police in the Community -> law_enforcement; civil society ->
#: civil_society; religious community -> religious. The municipal directorates are the
#: local government's own services, so local government is covered through them; the
#: enum has no separate local-government sector.
RECOMMENDED_SECTORS: tuple[str, ...] = (
    "law_enforcement",
    "social_welfare",
    "education",
    "health",
    "youth_culture",
    "justice",
    "civil_society",
    "religious",
)
#: Where :data:`RECOMMENDED_SECTORS` stands in the sources.
RECOMMENDED_SECTORS_SOURCE = (
    "ran2023, section 'Kosovo model for R&R', sub-heading 'Local level': exemplary list of "
    "positions a) to h) to include in a local multidisciplinary team"
)

#: Participation roles that make an actor a member body of a mechanism.
MEMBER_ROLES: tuple[str, ...] = ("participant", "lead", "chair")

#: A figure counts cases handled when its ``metric`` or ``unit`` matches this (case-insensitive)
#: (cases_treated, individuals-treated, minors-treated in unit "cases", persons referred) ...
CASE_METRIC_PATTERN = r"case|individual|people|person|minor|treated|referr"
#: ... and its ``metric`` does not match this: people trained are not cases handled.
CASE_METRIC_EXCLUDE = r"train"

#: Features whose values are numbers (compared by range-normalised difference in Gower).
NUMERIC_FEATURES: tuple[str, ...] = ("year_established",)

#: Features a mechanism has one value of; a stated value rules the others out.
SINGLE_VALUED_FEATURES: tuple[str, ...] = (
    "year_established",
    "modelled_on",
    "funding_basis",
    "voluntary_participation",
    "status",
    "level",
    "mechanism_type",
)

#: Features whose values are free text (a paraphrase of a provision): the distances compare
#: only whether a provision is stated (any present value), stated absent, or unknown.
FREE_TEXT_FEATURES: tuple[str, ...] = ("decision_rule", "confidentiality", "legal_basis")

#: Columns of the ``mechanisms`` table usable as features next to ``mechanism_features.feature``.
MECHANISM_ATTRIBUTES: tuple[str, ...] = ("level", "mechanism_type")

#: Reference models looked up by :func:`find_reference_model`: key -> (usual id, name pattern).
REFERENCE_MODELS: dict[str, tuple[str, str]] = {
    "uk_channel": ("uk-channel", r"channel"),
    "aarhus": ("dk-aarhus-model", r"aarhus"),
}

#: Distance methods of :func:`mechanism_distances`.
DISTANCES: tuple[str, ...] = ("jaccard", "gower")

#: States of a (mechanism, sector) pair in :func:`sector_coverage`.
COVERAGE_STATES: tuple[str, ...] = ("present", "stated absent", "disputed", "not stated")

_QUALIFIER_WORDS = {"exact": "", "approximate": "about ", "at_least": "at least ",
                    "more_than": "more than ", "up_to": "up to "}
_YEAR = re.compile(r"^\s*(\d{4})")
# claims.attribute names read as a feature (coders may name the set-up year after the activity column).
_CLAIM_ALIASES = {"start_date": "year_established", "start_year": "year_established",
                  "year_set_up": "year_established", "established": "year_established"}
_EVIDENCE_COLUMNS = ["mechanism_id", "feature", "value", "present", "origin", "source_id", "locator",
                     "actor_id", "note"]


# ----------------------------------------------------------------------------- helpers


def _strings(series: pd.Series) -> pd.Series:
    """Return a column as object dtype with None for missing (safe for categoricals)."""
    s = series.astype(object)
    return s.where(series.notna(), None)


def _as_list(values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [values] if values else []
    return [v for v in values if v]


def _mechanism_enum(ds, column: str) -> list[str]:
    return list(ds.field("mechanisms", column).get("constraints", {}).get("enum", []))


def _value_order(ds, feature: str) -> list[str] | None:
    """Allowed values of a feature in descriptor order, or None for free-text features."""
    if feature in MECHANISM_ATTRIBUTES:
        return _mechanism_enum(ds, feature)
    by_feature = ds.field("mechanism_features", "value").get("wbcti:valuesByFeature", {})
    vals = by_feature.get(feature)
    return list(vals) if vals else None


def _sort_values(ds, feature: str, values: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(values))
    order = _value_order(ds, feature)
    if order:
        rank = {v: i for i, v in enumerate(order)}
        return sorted(values, key=lambda v: (rank.get(v, len(rank)), v))
    if feature in NUMERIC_FEATURES:
        return sorted(values, key=lambda v: (_year(v) is None, _year(v) or 0, v))
    return sorted(values)


def _year(value) -> int | None:
    if value is None:
        return None
    m = _YEAR.match(str(value))
    return int(m.group(1)) if m else None


def _names(ds) -> dict[str, str]:
    m = ds.mechanisms
    return dict(zip(_strings(m["mechanism_id"]), _strings(m["name"])))


# ----------------------------------------------------------------------------- selection


def feature_names(ds) -> list[str]:
    """Return every feature name that can be compared, in descriptor order.

    These are the values of ``mechanism_features.feature`` followed by the
    ``mechanisms`` columns in :data:`MECHANISM_ATTRIBUTES` (``level``, ``mechanism_type``).
    """
    enum = list(ds.field("mechanism_features", "feature").get("constraints", {}).get("enum", []))
    return enum + [a for a in MECHANISM_ATTRIBUTES if a not in enum]


def check_features(ds, features: Iterable[str] | None = None) -> list[str]:
    """Return the features to compare (all of :func:`feature_names` if empty), in descriptor order.

    Raises
    ------
    ValueError
        Naming the parameter ``features`` and every unknown feature name.
    """
    known = feature_names(ds)
    wanted = _as_list(features)
    bad = [f for f in wanted if f not in known]
    if bad:
        raise ValueError(f"features: unknown feature name(s) {', '.join(repr(b) for b in bad)}; "
                         f"known: {', '.join(known)}")
    if not wanted:
        return known
    return [f for f in known if f in set(wanted)]


def select_mechanisms(ds, mechanisms: Iterable[str] | None = None,
                      countries: Iterable[str] | None = None) -> list[str]:
    """Return the sorted ids of the mechanisms to compare.

    Parameters
    ----------
    mechanisms : list of str, optional
        Mechanism ids (``mechanisms.mechanism_id``); empty or None means all.
    countries : list of str, optional
        ISO codes; keep the mechanisms of these countries, plus every reference model
        (``reference_model`` true), which have no Western Balkan country. Empty means all.

    Raises
    ------
    ValueError
        Naming the parameter and every unknown mechanism id or country code.
    """
    m = ds.mechanisms
    known = sorted(_strings(m["mechanism_id"]).dropna())
    wanted = _as_list(mechanisms)
    bad = [x for x in wanted if x not in set(known)]
    if bad:
        raise ValueError(f"mechanisms: unknown mechanism id(s) {', '.join(repr(b) for b in bad)}; "
                         f"known: {', '.join(known) or '(none: the data has no mechanisms)'}")
    ids = sorted(set(wanted)) if wanted else known
    cc = _as_list(countries)
    if cc:
        allowed = _mechanism_enum(ds, "country")
        bad = [c for c in cc if c not in allowed]
        if bad:
            raise ValueError(f"countries: unknown country code(s) {', '.join(repr(b) for b in bad)}; "
                             f"allowed: {', '.join(allowed)}")
        keep = m[_strings(m["country"]).isin(cc) | m["reference_model"].fillna(False).astype(bool)]
        ids = [i for i in ids if i in set(_strings(keep["mechanism_id"]))]
    return ids


def check_parameters(ds, mechanisms: Iterable[str] | None = None, features: Iterable[str] | None = None,
                     distance: str = "jaccard", cluster_threshold: float = 0.5,
                     countries: Iterable[str] | None = None, min_compared: int = 0) -> tuple[list[str], list[str]]:
    """Validate a notebook's parameters; return ``(mechanism ids, feature names)`` to compare.

    Raises
    ------
    ValueError
        Naming the parameter at fault: ``mechanisms``, ``countries``, ``features``,
        ``distance`` (not one of :data:`DISTANCES`), ``cluster_threshold`` (not in 0..1) or
        ``min_compared`` (not a whole number >= 0).
    """
    if isinstance(min_compared, bool) or not isinstance(min_compared, (int, np.integer)) or min_compared < 0:
        raise ValueError(f"min_compared: must be a whole number >= 0, got {min_compared!r}")
    if distance not in DISTANCES:
        raise ValueError(f"distance: unknown method {distance!r}; use one of {', '.join(DISTANCES)}")
    if isinstance(cluster_threshold, bool) or not isinstance(cluster_threshold, (int, float)) \
            or not 0 <= cluster_threshold <= 1:
        raise ValueError(f"cluster_threshold: must be a number between 0 and 1, got {cluster_threshold!r}")
    for name, value in (("mechanisms", mechanisms), ("features", features), ("countries", countries)):
        if value is not None and not isinstance(value, (list, tuple, str)):
            raise ValueError(f"{name}: expected a list of strings, got {type(value).__name__}")
    feats = check_features(ds, features)
    ids = select_mechanisms(ds, mechanisms, countries)
    return ids, feats


# ----------------------------------------------------------------------------- evidence


def mechanism_evidence(ds, mechanisms: Iterable[str] | None = None, use_participations: bool = True,
                       use_activities: bool = True) -> pd.DataFrame:
    """Return every stated fact about the selected mechanisms, one row per fact and source.

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
    attr = _strings(cl["attribute"]).map(lambda a: _CLAIM_ALIASES.get(a, a))
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
    >>> m = indicator_matrix(ds)                       # doctest: +SKIP
    >>> m.loc["a2", ("member_sector", "health")]       # stated absent  # doctest: +SKIP
    False
    """
    ids = select_mechanisms(ds, mechanisms)
    feats = check_features(ds, features)
    states = feature_states(mechanism_evidence(ds, ids, use_participations=use_participations))
    states = states[states["feature"].isin(feats)]
    columns = pd.MultiIndex.from_tuples(_feature_columns(ds, states, feats), names=["feature", "value"])
    mat = pd.DataFrame(pd.NA, index=pd.Index(ids, name="mechanism_id"), columns=columns, dtype="boolean")
    for r in states.itertuples(index=False):
        mat.loc[r.mechanism_id, (r.feature, r.value)] = {"present": True, "absent": False}.get(r.state, pd.NA)
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

    Returns
    -------
    DataFrame
        Columns ``mechanism_id, name, figure_id, metric, value, qualifier, unit,
        period_start, period_end, period, statement, description, source_id, locator``;
        ``value`` in ``unit`` (people or cases as stated); ``period`` is ``2016-2018``,
        ``2022``, ``from 2019``, ``until 2018`` or ``period not stated``; ``statement``
        reads e.g. ``"more than 400 individuals (period not stated)"``. Sorted by
        mechanism, period start, figure id.
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


# ----------------------------------------------------------------------------- distances


@dataclass
class Distances:
    """Pairwise distances between mechanisms.

    Attributes
    ----------
    distance : DataFrame
        Square, index and columns the mechanism ids; 0 = identical on everything both
        have stated, 1 = nothing in common; NaN where the pair shares no comparable
        evidence. Diagonal 0.
    compared : DataFrame
        Square, int: for Jaccard the feature values that entered the pair's comparison
        (stated for both, not absent for both); for Gower the features compared.
        Diagonal: what the mechanism has stated (values present / features).
    method : str
        ``"jaccard"`` or ``"gower"``.
    """

    distance: pd.DataFrame
    compared: pd.DataFrame
    method: str

    def require(self, min_compared: int) -> "Distances":
        """Return a copy where pairs resting on fewer than ``min_compared`` compared items are NaN.

        (Items are feature values for Jaccard, features for Gower; the diagonal stays 0.)
        """
        d = self.distance.copy()
        too_few = self.compared.to_numpy() < int(min_compared)
        np.fill_diagonal(too_few, False)
        d = d.mask(too_few)
        return Distances(d, self.compared.copy(), self.method)

    def pairs(self) -> pd.DataFrame:
        """Return the upper triangle as a long table ``a, b, distance, compared``, closest first."""
        ids = list(self.distance.index)
        rows = [(a, b, self.distance.at[a, b], int(self.compared.at[a, b]))
                for i, a in enumerate(ids) for b in ids[i + 1:]]
        df = pd.DataFrame(rows, columns=["a", "b", "distance", "compared"])
        return df.sort_values(["distance", "a", "b"], na_position="last", kind="stable").reset_index(drop=True)


def _binary_parts(block: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return (a, m): per pair the values present in both, and present in one and absent in the other."""
    t = block.eq(True).fillna(False).to_numpy(dtype=float)
    f = block.eq(False).fillna(False).to_numpy(dtype=float)
    a = t @ t.T
    m = t @ f.T + f @ t.T
    return a, m


def jaccard_distances(indicator: pd.DataFrame) -> Distances:
    """Return Jaccard distances between the rows of an indicator matrix, skipping unknowns pairwise.

    For mechanisms *i*, *j* only the feature values known (True or False, not NA) for
    both enter; with *a* the values present in both and *m* the values present in one and
    absent in the other, the distance is ``m / (a + m)`` (values absent in both do not
    count, as in the asymmetric binary Jaccard). NaN when ``a + m == 0``. Columns of
    :data:`NUMERIC_FEATURES` are left out. Time O(n^2 k) for n mechanisms, k values.

    Examples
    --------
    >>> import pandas as pd
    >>> cols = pd.MultiIndex.from_tuples([("member_sector", s) for s in ("law_enforcement", "health", "education")])
    >>> ind = pd.DataFrame([[True, False, pd.NA], [True, True, True]], index=["x", "y"], columns=cols, dtype="boolean")
    >>> float(jaccard_distances(ind).distance.at["x", "y"])   # health (T/F) differs, education unknown for x
    0.5
    """
    ids = list(indicator.index)
    keep = [c for c in indicator.columns if c[0] not in NUMERIC_FEATURES]
    block = indicator.loc[:, keep]
    a, m = _binary_parts(block)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(a + m > 0, m / (a + m), np.nan)
    np.fill_diagonal(d, 0.0)
    comp = (a + m).astype(int)
    np.fill_diagonal(comp, np.diag(a).astype(int))
    return Distances(pd.DataFrame(d, index=ids, columns=ids), pd.DataFrame(comp, index=ids, columns=ids), "jaccard")


def gower_distances(indicator: pd.DataFrame, numeric: pd.DataFrame | None = None) -> Distances:
    """Return Gower distances: the mean, over the features comparable for a pair, of per-feature distances.

    Each feature has weight 1, whatever its number of values:

    * a categorical feature (a block of ``(feature, value)`` columns of ``indicator``)
      contributes ``m / (a + m)`` over its values known for both mechanisms (see
      :func:`jaccard_distances`); it is skipped for the pair when ``a + m == 0``. For a
      single-valued feature with one value each this is 0 when equal, 1 when not;
    * a numeric feature (a column of ``numeric``, e.g. the year of set-up) contributes
      ``|x_i - x_j| / R`` with R its range over the mechanisms (0 if R is 0); skipped when
      either value is NaN.

    The distance is NaN where no feature is comparable; ``compared`` counts the features.
    Numeric columns inside ``indicator`` are ignored (pass them in ``numeric``).
    """
    ids = list(indicator.index)
    n = len(ids)
    total = np.zeros((n, n))
    count = np.zeros((n, n))
    feats = [f for f in dict.fromkeys(indicator.columns.get_level_values(0)) if f not in NUMERIC_FEATURES] \
        if indicator.shape[1] else []
    for f in feats:
        block = indicator.loc[:, [c for c in indicator.columns if c[0] == f]]
        a, m = _binary_parts(block)
        ok = (a + m) > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(ok, m / np.where(ok, a + m, 1), 0.0)
        total += d
        count += ok
    if numeric is not None:
        numeric = numeric.reindex(ids)
        for col in numeric.columns:
            x = numeric[col].astype(float).to_numpy()
            known = ~np.isnan(x)
            if known.sum() == 0:
                continue
            r = np.nanmax(x) - np.nanmin(x)
            ok = known[:, None] & known[None, :]
            with np.errstate(invalid="ignore"):
                d = np.abs(x[:, None] - x[None, :]) / r if r > 0 else np.zeros((n, n))
            total += np.where(ok, d, 0.0)
            count += ok
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
    np.fill_diagonal(dist, 0.0)
    return Distances(pd.DataFrame(dist, index=ids, columns=ids),
                     pd.DataFrame(count.astype(int), index=ids, columns=ids), "gower")


def _collapse_free_text(mat: pd.DataFrame) -> pd.DataFrame:
    """Replace the value columns of each free-text feature by one ``(feature, "(stated)")`` column.

    True where any value is present, else False where a value is stated absent, else NA.
    """
    if mat.shape[1] == 0:
        return mat
    out = mat.copy()
    for f in FREE_TEXT_FEATURES:
        cols = [c for c in out.columns if c[0] == f]
        if not cols:
            continue
        block = out.loc[:, cols]
        any_true = block.eq(True).fillna(False).any(axis=1)
        any_false = block.eq(False).fillna(False).any(axis=1)
        col = pd.array([True if t else (False if fa else pd.NA) for t, fa in zip(any_true, any_false)],
                       dtype="boolean")
        pos = list(out.columns).index(cols[0])
        out = out.drop(columns=cols)
        out.insert(pos, (f, "(stated)"), col)
    out.columns = pd.MultiIndex.from_tuples(list(out.columns), names=mat.columns.names)
    return out


def mechanism_distances(ds, mechanisms: Iterable[str] | None = None, features: Iterable[str] | None = None,
                        method: str = "jaccard", use_participations: bool = True,
                        min_compared: int = 0) -> Distances:
    """Return pairwise distances between the selected mechanisms on the selected features.

    ``method`` is ``"jaccard"`` (asymmetric binary Jaccard over every stated feature value,
    the year of set-up left out) or ``"gower"`` (mean of per-feature distances, the year of
    set-up compared numerically; disputed years enter as the midpoint of the stated
    years). Both complete single-valued features and compare free-text features on whether
    a provision is stated (see the module notes); both skip values unknown for either
    mechanism pairwise, neither treats a missing row as absent. Pairs resting on fewer than
    ``min_compared`` compared items (values for Jaccard, features for Gower) get no
    distance (NaN), see :meth:`Distances.require`.

    Raises
    ------
    ValueError
        ``distance``/``method`` not one of :data:`DISTANCES`; unknown mechanisms or features.
    """
    if method not in DISTANCES:
        raise ValueError(f"distance: unknown method {method!r}; use one of {', '.join(DISTANCES)}")
    ind = _collapse_free_text(indicator_matrix(ds, mechanisms, features, use_participations=use_participations,
                                               complete_single_valued=True))
    if method == "jaccard":
        return jaccard_distances(ind).require(min_compared)
    feats = check_features(ds, features)
    numeric = None
    if "year_established" in feats:
        tl = establishment_timeline(ds, list(ind.index))
        mid = (tl["year_min"].astype(float) + tl["year_max"].astype(float)) / 2
        numeric = pd.DataFrame({"year_established": mid.to_numpy()}, index=tl["mechanism_id"].to_numpy())
    return gower_distances(ind, numeric).require(min_compared)


# ----------------------------------------------------------------------------- clustering


@dataclass
class Clustering:
    """Average-linkage clustering of mechanisms (see :func:`cluster_mechanisms`).

    Attributes
    ----------
    linkage : ndarray or None
        scipy linkage matrix over ``labels``; None when fewer than two mechanisms can be
        clustered.
    labels : list of str
        Mechanism ids in the order of the linkage's leaves 0..n-1 (sorted ids).
    clusters : DataFrame
        ``mechanism_id, cluster``: clusters cut at ``threshold``, numbered 1.. in order of
        their first member id.
    merges : DataFrame
        One row per merge, in order: ``step, distance`` (average linkage, rounded to 4
        places), ``left, right`` (a mechanism id, or ``"(step k)"`` for the group formed at
        step k), ``size`` and ``members`` (the ids of the merged group, ``' + '``-joined).
    excluded : list of str
        Mechanisms sharing no comparable evidence with any other, left out.
    threshold : float
        Cut height (distance).
    notes : list of str
        What a reader should know (too thin, excluded mechanisms, NaN pairs).
    """

    linkage: np.ndarray | None
    labels: list[str]
    clusters: pd.DataFrame
    merges: pd.DataFrame
    excluded: list[str]
    threshold: float
    notes: list[str] = field(default_factory=list)


def cluster_mechanisms(distances: Distances, threshold: float = 0.5) -> Clustering:
    """Cluster mechanisms hierarchically (scipy, average linkage) on their distances.

    Mechanisms with no distance (NaN) to any other mechanism are left out (listed in
    ``excluded``). Remaining pairs with no distance are set to 1 (unrelated) for
    clustering only, and said so in ``notes``. Ties are broken by id order: the
    mechanisms are sorted by id before linkage, and scipy merges the first closest pair.

    Raises
    ------
    ValueError
        If ``threshold`` is not a number between 0 and 1.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise ValueError(f"cluster_threshold: must be a number between 0 and 1, got {threshold!r}")
    dist = distances.distance
    ids = sorted(dist.index)
    dist = dist.loc[ids, ids]
    off = dist.to_numpy(copy=True)
    np.fill_diagonal(off, np.nan)
    notes = []
    if len(ids) < 2:
        notes.append(f"Too thin to cluster: {len(ids)} mechanism(s) compared; at least 2 needed.")
        clusters = pd.DataFrame({"mechanism_id": ids, "cluster": list(range(1, len(ids) + 1))})
        return Clustering(None, ids, clusters, pd.DataFrame(columns=["step", "distance", "left", "right",
                                                                     "size", "members"]), [], float(threshold), notes)
    comparable = ~np.all(np.isnan(off), axis=1)
    excluded = [i for i, ok in zip(ids, comparable) if not ok]
    labels = [i for i, ok in zip(ids, comparable) if ok]
    if excluded:
        notes.append(f"Left out of the clustering (no distance to any other mechanism: too little "
                     f"comparable evidence): {', '.join(excluded)}.")
    empty_clusters = pd.DataFrame({"mechanism_id": labels, "cluster": list(range(1, len(labels) + 1))})
    empty_merges = pd.DataFrame(columns=["step", "distance", "left", "right", "size", "members"])
    if len(labels) < 2:
        notes.append(f"Too thin to cluster: {len(labels)} mechanism(s) with comparable evidence; at least 2 needed.")
        return Clustering(None, labels, empty_clusters, empty_merges, excluded, float(threshold), notes)
    sub = dist.loc[labels, labels].to_numpy(copy=True)
    n_nan = int(np.isnan(sub[np.triu_indices(len(labels), 1)]).sum())
    if n_nan:
        notes.append(f"{n_nan} pair(s) have no distance (too little comparable evidence); "
                     f"set to 1 (unrelated) for clustering only.")
    sub = np.nan_to_num(sub, nan=1.0)
    np.fill_diagonal(sub, 0.0)
    sub = (sub + sub.T) / 2
    z = linkage(squareform(sub, checks=False), method="average")
    raw = fcluster(z, t=threshold, criterion="distance")
    first: dict[int, int] = {}
    for pos, c in enumerate(raw):
        first.setdefault(int(c), pos)
    renumber = {c: k + 1 for k, c in enumerate(sorted(first, key=first.get))}
    clusters = pd.DataFrame({"mechanism_id": labels, "cluster": [renumber[int(c)] for c in raw]})
    members: dict[int, list[str]] = {i: [lab] for i, lab in enumerate(labels)}
    names = {i: lab for i, lab in enumerate(labels)}
    rows = []
    for step, (l, r, d, _) in enumerate(z, start=1):
        left, right = members[int(l)], members[int(r)]
        k = len(labels) + step - 1
        members[k] = sorted(left + right)
        names[k] = f"(step {step})"
        rows.append({"step": step, "distance": round(float(d), 4), "left": names[int(l)],
                     "right": names[int(r)], "size": len(members[k]), "members": " + ".join(members[k])})
    return Clustering(z, labels, clusters, pd.DataFrame(rows), excluded, float(threshold), notes)


# ----------------------------------------------------------------------------- reference models


def find_reference_model(ds, key: str) -> str | None:
    """Return the id of a reference model (key of :data:`REFERENCE_MODELS`), or None if absent.

    The usual id (``uk-channel``, ``dk-aarhus-model``) wins if it is a mechanism; otherwise
    the first (by id) mechanism with ``reference_model`` true whose id or name matches the
    key's pattern (case-insensitive).
    """
    if key not in REFERENCE_MODELS:
        raise ValueError(f"key: unknown reference model {key!r}; known: {', '.join(REFERENCE_MODELS)}")
    usual, pattern = REFERENCE_MODELS[key]
    m = ds.mechanisms
    ids = _strings(m["mechanism_id"])
    if usual in set(ids):
        return usual
    ref = m["reference_model"].fillna(False).astype(bool)
    text = ids.fillna("") + " " + _strings(m["name"]).fillna("")
    hit = sorted(ids[ref & text.str.contains(pattern, case=False, regex=True)])
    return hit[0] if hit else None


def reference_models(ds, mechanisms: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the reference models: the named ones of :data:`REFERENCE_MODELS` and every
    mechanism with ``reference_model`` true.

    Returns
    -------
    DataFrame
        ``key, mechanism_id, name, selected``: ``key`` is ``uk_channel``/``aarhus`` or
        ``other``; ``mechanism_id`` None when a named model is not in the data;
        ``selected`` whether it is among ``mechanisms`` (all if empty).
    """
    ids = set(select_mechanisms(ds, mechanisms))
    names = _names(ds)
    rows = []
    found = set()
    for key in REFERENCE_MODELS:
        mid = find_reference_model(ds, key)
        found.add(mid)
        rows.append({"key": key, "mechanism_id": mid, "name": names.get(mid), "selected": mid in ids})
    m = ds.mechanisms
    for mid in sorted(_strings(m.loc[m["reference_model"].fillna(False).astype(bool), "mechanism_id"])):
        if mid not in found:
            rows.append({"key": "other", "mechanism_id": mid, "name": names.get(mid), "selected": mid in ids})
    out = pd.DataFrame(rows, columns=["key", "mechanism_id", "name", "selected"]).astype(object)
    return out.where(out.notna(), None)


def foreign_references(ds, mechanisms: Iterable[str] | None = None) -> list[str]:
    """Return the selected reference models from outside the Western Balkans, sorted.

    These are mechanisms with ``reference_model`` true and a country not in
    :data:`WESTERN_BALKANS` (UK Channel, Aarhus). A Western Balkan mechanism a source holds
    up as a model (or one with no country, such as a regional concept) is not included:
    its gaps are Western Balkan gaps.
    """
    ids = set(select_mechanisms(ds, mechanisms))
    m = ds.mechanisms
    country = _strings(m["country"])
    hit = m["reference_model"].fillna(False).astype(bool) & country.notna() & ~country.isin(WESTERN_BALKANS)
    return sorted(i for i in _strings(m.loc[hit, "mechanism_id"]) if i in ids)


def closest_to(distances: Distances, reference_id: str | None, n: int | None = None) -> pd.DataFrame:
    """Return the other mechanisms ordered by distance to ``reference_id`` (closest first).

    Ties are ordered by id; pairs with no comparable evidence (NaN) are left out.
    Returns an empty table (same columns ``mechanism_id, distance, compared``) when
    ``reference_id`` is None or not among the compared mechanisms.
    """
    cols = ["mechanism_id", "distance", "compared"]
    if reference_id is None or reference_id not in distances.distance.index:
        return pd.DataFrame(columns=cols)
    d = distances.distance[reference_id].drop(reference_id)
    c = distances.compared[reference_id].drop(reference_id)
    out = pd.DataFrame({"mechanism_id": d.index, "distance": d.to_numpy(), "compared": c.to_numpy()})
    out = out[out["distance"].notna()].sort_values(["distance", "mechanism_id"], kind="stable")
    out = out.reset_index(drop=True)
    return out.head(n) if n else out


def nearest(closest: pd.DataFrame) -> list[str]:
    """Return the mechanism id(s) at the smallest distance in a :func:`closest_to` table (ties kept)."""
    if closest.empty:
        return []
    d = closest["distance"].iloc[0]
    return list(closest.loc[np.isclose(closest["distance"], d), "mechanism_id"])


# ----------------------------------------------------------------------------- sectors


def sector_coverage(ds, mechanisms: Iterable[str] | None = None,
                    sectors: Iterable[str] | None = RECOMMENDED_SECTORS,
                    use_participations: bool = True) -> pd.DataFrame:
    """Return, per mechanism and sector, whether the sources show the sector as a member.

    Returns
    -------
    DataFrame
        Index ``mechanism_id``, one column per sector (in the order given), values of
        :data:`COVERAGE_STATES`: ``present`` (a member_sector row present=true, or a member
        body of that sector), ``stated absent`` (only present=false rows), ``disputed``
        (both), ``not stated`` (nothing in the sources).

    Raises
    ------
    ValueError
        Naming ``sectors`` and any value not in the descriptor's sector enum.
    """
    allowed = list(ds.field("actors", "sector").get("constraints", {}).get("enum", []))
    secs = _as_list(sectors) or list(RECOMMENDED_SECTORS)
    bad = [s for s in secs if s not in allowed]
    if bad:
        raise ValueError(f"sectors: unknown sector(s) {', '.join(repr(b) for b in bad)}; allowed: {', '.join(allowed)}")
    ids = select_mechanisms(ds, mechanisms)
    ev = mechanism_evidence(ds, ids, use_participations=use_participations)
    st = feature_states(ev[ev["feature"] == "member_sector"])
    label = {"present": "present", "absent": "stated absent", "disputed": "disputed"}
    out = pd.DataFrame("not stated", index=pd.Index(ids, name="mechanism_id"), columns=secs, dtype=object)
    for r in st.itertuples(index=False):
        if r.value in secs:
            out.at[r.mechanism_id, r.value] = label[r.state]
    return out


def missing_sectors(coverage: pd.DataFrame, exclude: Iterable[str] = (), described_only: bool = True) -> pd.DataFrame:
    """Return, per sector, how many mechanisms lack it, most often missing first.

    Parameters
    ----------
    coverage : DataFrame
        Output of :func:`sector_coverage`.
    exclude : list of str
        Mechanism ids not counted (e.g. the reference models).
    described_only : bool
        Count only the mechanisms for which the sources say something about at least one
        of the sectors (default). A mechanism with no membership information would add one
        to every sector alike: it changes no ranking, only dilutes the shares.

    Returns
    -------
    DataFrame
        Index ``sector``; columns ``present, stated_absent, disputed, not_stated``
        (numbers of mechanisms), ``missing`` (= not present), ``mechanisms`` (counted) and
        ``share_missing`` (missing / mechanisms, 0..1, rounded to 3 places). Sorted by
        ``missing`` then ``stated_absent`` (both descending), then the column order of
        ``coverage``.
    """
    cov = coverage.drop(index=[e for e in exclude if e in coverage.index])
    if described_only and len(cov):
        cov = cov[(cov != "not stated").any(axis=1)]
    rows = []
    for pos, s in enumerate(cov.columns):
        vc = cov[s].value_counts()
        n = len(cov)
        present = int(vc.get("present", 0))
        rows.append({"sector": s, "present": present, "stated_absent": int(vc.get("stated absent", 0)),
                     "disputed": int(vc.get("disputed", 0)), "not_stated": int(vc.get("not stated", 0)),
                     "missing": n - present, "mechanisms": n,
                     "share_missing": round((n - present) / n, 3) if n else float("nan"), "_pos": pos})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = out.sort_values(["missing", "stated_absent", "_pos"], ascending=[False, False, True], kind="stable")
    return out.drop(columns="_pos").set_index("sector")


def most_often_missing(missing: pd.DataFrame) -> list[str]:
    """Return the sector(s) at the top of :func:`missing_sectors` (ties kept, in its order).

    Ties are sectors with the same ``missing`` and ``stated_absent`` counts; empty list
    when no mechanism is counted or no sector is missing anywhere.
    """
    if missing.empty or missing["missing"].iloc[0] == 0:
        return []
    top = missing.iloc[0]
    tied = missing[(missing["missing"] == top["missing"]) & (missing["stated_absent"] == top["stated_absent"])]
    return list(tied.index)


def sector_gaps(coverage: pd.DataFrame) -> pd.DataFrame:
    """Return, per mechanism, the recommended sectors it lacks, split by how we know.

    Returns
    -------
    DataFrame
        Index ``mechanism_id``; columns ``present`` (count of sectors shown as members),
        ``stated_absent`` and ``not_stated`` (comma-joined sector lists, '' if none).
    """
    rows = []
    for mid, r in coverage.iterrows():
        rows.append({"mechanism_id": mid, "present": int((r == "present").sum()),
                     "stated_absent": ", ".join(s for s in coverage.columns if r[s] in ("stated absent", "disputed")),
                     "not_stated": ", ".join(s for s in coverage.columns if r[s] == "not stated")})
    return pd.DataFrame(rows, columns=["mechanism_id", "present", "stated_absent", "not_stated"]).set_index(
        "mechanism_id")


# ----------------------------------------------------------------------------- lineage and timeline


def lineage_graph(ds, mechanisms: Iterable[str] | None = None) -> nx.DiGraph:
    """Return the lineage graph: an edge model -> mechanism for every stated ``modelled_on``.

    Nodes are the selected mechanisms and every model they name (a model that is not a
    mechanism of the data is a node with ``in_data=False``). Node attributes: ``name``,
    ``country``, ``reference_model``, ``in_data``, ``selected``. Edge attributes:
    ``sources`` and ``locators`` (``'; '``-joined). Only present=true statements make edges.
    """
    ids = select_mechanisms(ds, mechanisms)
    ev = mechanism_evidence(ds, ids, use_participations=False, use_activities=False)
    ev = ev[(ev["feature"] == "modelled_on") & ev["present"]]
    m = ds.mechanisms.set_index(_strings(ds.mechanisms["mechanism_id"]))
    g = nx.DiGraph()

    def add(node: str, selected: bool) -> None:
        if node in g:
            g.nodes[node]["selected"] |= selected
            return
        if node in m.index:
            g.add_node(node, name=m.at[node, "name"],
                       country=None if pd.isna(m.at[node, "country"]) else str(m.at[node, "country"]),
                       reference_model=bool(m.at[node, "reference_model"]), in_data=True, selected=selected)
        else:
            g.add_node(node, name=node, country=None, reference_model=False, in_data=False, selected=selected)

    for i in ids:
        add(i, True)
    for (mid, model), grp in ev.groupby(["mechanism_id", "value"], sort=True):
        add(model, False)
        g.add_edge(model, mid, sources="; ".join(sorted(set(grp["source_id"].dropna()))),
                   locators="; ".join(sorted(set(grp["locator"].dropna()))))
    return g


def lineage_table(graph: nx.DiGraph) -> pd.DataFrame:
    """Return the edges of :func:`lineage_graph` as ``model, model_name, mechanism, mechanism_name, sources``."""
    rows = [{"model": u, "model_name": graph.nodes[u]["name"], "mechanism": v,
             "mechanism_name": graph.nodes[v]["name"], "sources": d.get("sources", "")}
            for u, v, d in sorted(graph.edges(data=True))]
    return pd.DataFrame(rows, columns=["model", "model_name", "mechanism", "mechanism_name", "sources"])


def establishment_timeline(ds, mechanisms: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the year each selected mechanism was set up, disputed years kept.

    Years come from ``year_established`` features, ``claims`` about it and the year of the
    mechanism's activity ``start_date``.

    Returns
    -------
    DataFrame
        One row per selected mechanism: ``mechanism_id, name, country, reference_model,
        year_min, year_max`` (Int64, NA if unknown), ``years`` (e.g. ``"2016 | 2017"``),
        ``disputed`` (bool: more than one year stated), ``display`` (``"2016"`` or
        ``"2016 | 2017 (disputed)"``, NA if unknown) and ``sources`` (``"2016: ran2023;
        2017: wbcti2018"``). Sorted by country, earliest year, id.
    """
    ids = select_mechanisms(ds, mechanisms)
    ev = mechanism_evidence(ds, ids, use_participations=False)
    ev = ev[(ev["feature"] == "year_established") & ev["present"]].copy()
    ev["year"] = ev["value"].map(_year)
    ev = ev[ev["year"].notna()]
    m = ds.mechanisms.set_index(_strings(ds.mechanisms["mechanism_id"]))
    rows = []
    for i in ids:
        e = ev[ev["mechanism_id"] == i]
        years = sorted(set(int(y) for y in e["year"]))
        src = "; ".join(f"{y}: {', '.join(sorted(set(e.loc[e['year'] == y, 'source_id'].dropna())))}" for y in years)
        text = " | ".join(str(y) for y in years)
        rows.append({"mechanism_id": i, "name": m.at[i, "name"],
                     "country": None if pd.isna(m.at[i, "country"]) else str(m.at[i, "country"]),
                     "reference_model": bool(m.at[i, "reference_model"]),
                     "year_min": years[0] if years else None, "year_max": years[-1] if years else None,
                     "years": text or None, "disputed": len(years) > 1,
                     "display": (text + " (disputed)" if len(years) > 1 else text) or None,
                     "sources": src or None})
    out = pd.DataFrame(rows, columns=["mechanism_id", "name", "country", "reference_model", "year_min", "year_max",
                                      "years", "disputed", "display", "sources"])
    out["year_min"] = out["year_min"].astype("Int64")
    out["year_max"] = out["year_max"].astype("Int64")
    out = out.sort_values(["country", "year_min", "mechanism_id"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def disputes(ds, mechanisms: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the attributes of the selected mechanisms on which the sources disagree.

    A dispute is a ``claims`` topic about a mechanism with more than one distinct value, or a
    single-valued feature (:data:`SINGLE_VALUED_FEATURES`) with more than one stated value.

    Returns
    -------
    DataFrame
        ``mechanism_id, attribute, values, sources``: ``values`` ``' | '``-joined in order,
        ``sources`` as ``value: source, ...; value: source``.
    """
    ids = select_mechanisms(ds, mechanisms)
    rows = []
    cl = ds.claims
    cl = cl[_strings(cl["subject_table"]).isin(["mechanisms", "activities"]) & _strings(cl["subject_id"]).isin(ids)]
    ev = mechanism_evidence(ds, ids, use_participations=False)
    ev = ev[ev["present"] & ev["feature"].isin(SINGLE_VALUED_FEATURES)]
    claim_rows = pd.DataFrame({"mechanism_id": _strings(cl["subject_id"]),
                               "feature": _strings(cl["attribute"]).map(lambda a: _CLAIM_ALIASES.get(a, a)),
                               "value": _strings(cl["value"]).str.strip(), "source_id": _strings(cl["source_id"])})
    allrows = pd.concat([ev[["mechanism_id", "feature", "value", "source_id"]], claim_rows], ignore_index=True)
    for (mid, attr), grp in allrows.groupby(["mechanism_id", "feature"], sort=True):
        vals = _sort_values(ds, attr, grp["value"])
        if len(vals) < 2:
            continue
        by_value = {v: ", ".join(sorted(set(grp.loc[grp["value"] == v, "source_id"].dropna()))) for v in vals}
        rows.append({"mechanism_id": mid, "attribute": attr, "values": " | ".join(vals),
                     "sources": "; ".join(f"{v}: {src}" for v, src in by_value.items())})
    return pd.DataFrame(rows, columns=["mechanism_id", "attribute", "values", "sources"])


# ----------------------------------------------------------------------------- notes


def data_notes(ds, mechanisms: Iterable[str] | None = None) -> list[str]:
    """Return plain-language warnings about thin data for the selected mechanisms.

    Says when there are fewer than two mechanisms, which mechanisms have no stated feature
    (no ``mechanism_features`` row and no claim), and which reference models are absent.
    Empty list when nothing needs saying.
    """
    ids = select_mechanisms(ds, mechanisms)
    notes = []
    if not ids:
        notes.append("The data has no mechanisms to compare: nothing below can be computed.")
    elif len(ids) == 1:
        notes.append(f"Only one mechanism ({ids[0]}): too thin for similarity or clustering.")
    mf_ids = set(_strings(ds.mechanism_features["mechanism_id"]))
    cl = ds.claims
    mf_ids |= set(_strings(cl.loc[_strings(cl["subject_table"]).isin(["mechanisms", "activities"]), "subject_id"]))
    bare = [i for i in ids if i not in mf_ids]
    if bare:
        notes.append(f"No stated features (all unknown, only level/type/members/dates): {', '.join(bare)}.")
    for key, (usual, _) in REFERENCE_MODELS.items():
        mid = find_reference_model(ds, key)
        if mid is None:
            notes.append(f"Reference model {usual} ({key}) is not in the data: no comparison with it.")
        elif mid not in ids:
            notes.append(f"Reference model {mid} is not among the selected mechanisms: no comparison with it.")
    return notes
