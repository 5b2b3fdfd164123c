"""The fixed vocabularies of the mechanisms comparison: which sectors a team should have,
which participation roles make a member, which figures count as cases, how each feature
is compared, and the reference models looked up by name.

Constants only, so every other module of :mod:`wbcti_analysis.mechanisms` can import
them without importing each other.
"""
from __future__ import annotations

from ..datapackage import WESTERN_BALKANS
from ..params.declarations import DISTANCES as _DECLARED_DISTANCES
from ..params.domains import MECHANISM_ATTRIBUTES as _FEATURE_COLUMNS

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
MECHANISM_ATTRIBUTES: tuple[str, ...] = _FEATURE_COLUMNS  # the parameter model's "features" domain

#: Reference models looked up by :func:`~wbcti_analysis.mechanisms.find_reference_model`:
#: key -> (usual id, name pattern).
REFERENCE_MODELS: dict[str, tuple[str, str]] = {
    "uk_channel": ("uk-channel", r"channel"),
    "aarhus": ("dk-aarhus-model", r"aarhus"),
}

#: Distance methods of :func:`~wbcti_analysis.mechanisms.mechanism_distances`.
DISTANCES: tuple[str, ...] = _DECLARED_DISTANCES  # notebook 04's ``distance`` choices

#: States of a (mechanism, sector) pair in :func:`~wbcti_analysis.mechanisms.sector_coverage`.
COVERAGE_STATES: tuple[str, ...] = ("present", "stated absent", "disputed", "not stated")
