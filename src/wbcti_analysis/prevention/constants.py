"""Constants of the prevention vs R&R analyses: tiers, counting rules, duplicate weights.

Tiers follow the public-health model of prevention (Caplan 1964) as the sources use it
(the RAN paper speaks of primary, secondary and tertiary prevention): **primary** (whole
population), **secondary** (identified at-risk individuals), **tertiary** (radicalised
people, offenders, returning foreign terrorist fighters: R&R). Counter-terrorism
law-enforcement work is a fourth, non-prevention category; activities with no tier are ``uncoded``.

References
----------
.. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.
.. [2] Makolli, F. (2023). *Enhancing collaboration between law enforcement and other
   stakeholders in P/CVE*. Radicalisation Awareness Network (RAN Practitioners).
   Luxembourg: Publications Office of the European Union.
"""
from __future__ import annotations

from ..datapackage import WESTERN_BALKANS
from ..params.declarations import COUNTING_RULES as _DECLARED_RULES

__all__ = [
    "TIERS",
    "PREVENTION_TIERS",
    "UNCODED",
    "ALL_TIERS",
    "WB6",
    "COUNTING_RULES",
    "DUPLICATE_WEIGHTS",
    "FUNDING_ORIGINS",
    "DOER_ROLES",
    "MIN_N",
]

TIERS: tuple[str, ...] = ("primary", "secondary", "tertiary", "ct_law_enforcement")
"""The coded tiers, in the order of the public-health model (CT law enforcement last)."""
PREVENTION_TIERS: tuple[str, ...] = ("primary", "secondary")
"""The tiers set against R&R (tertiary) in the gap index and the claim test."""
UNCODED = "uncoded"
"""The tier under which an activity with no tier is counted (never dropped)."""
ALL_TIERS: tuple[str, ...] = TIERS + (UNCODED,)
WB6: tuple[str, ...] = WESTERN_BALKANS
"""The six Western Balkan countries (ISO 3166-1 alpha-2; Kosovo is XK)."""
COUNTING_RULES: tuple[str, ...] = _DECLARED_RULES
"""How an activity with several tiers is counted: ``1/k`` to each, or 1 to each (as notebook 03
declares its ``tier_rule``)."""
DUPLICATE_WEIGHTS: dict[str, float] = {"text": 0.6, "themes": 0.2, "countries": 0.1, "time": 0.1}
"""Weights of the combined duplicate score (they sum to 1, so the score is in [0, 1])."""
FUNDING_ORIGINS: tuple[str, ...] = ("external", "mixed", "domestic", "unknown", "no funder recorded")
"""An activity's funding origin, in display order (see ``activity_funding_origin``)."""
DOER_ROLES: tuple[str, ...] = ("lead", "implementer", "chair")
"""Roles of the actors who do the work ("different actors" in duplicate detection)."""
MIN_N = 5
"""Below this many activities a group is flagged as too thin."""
