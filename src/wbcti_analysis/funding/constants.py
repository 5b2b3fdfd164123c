"""Constants of the funding analysis: the external/domestic rule's actor types and levels,
the groupings, bases and statuses the tables use, and the labels of missing values.

No imports beyond the standard library, :mod:`wbcti_analysis.datapackage`'s country list and the
parameter declarations (``BASES``).
"""
from __future__ import annotations

from ..datapackage import WESTERN_BALKANS
from ..params.declarations import BASES  # the bases of the figures, as notebook 02 declares them

__all__ = ["EXTERNAL_TYPES", "DOMESTIC_LEVELS", "WB6", "GROUPINGS", "BASES", "STATUSES", "NOT_STATED",
           "NO_END_DATE"]

#: Actor types that are external funders whatever their level or country.
EXTERNAL_TYPES = frozenset({
    "eu_body", "eu_agency", "un_agency", "osce_field_mission", "international_organisation",
    "donor_government", "regional_organisation", "foundation",
})
#: Levels at which a funder can be the beneficiary's own (domestic) institution.
DOMESTIC_LEVELS = frozenset({"national", "local"})
#: The six Western Balkan beneficiaries, always shown in per-country tables (XK = Kosovo).
WB6 = WESTERN_BALKANS
#: The groupings :func:`~wbcti_analysis.funding.dependency`, :func:`~wbcti_analysis.funding.concentration`
#: and :func:`~wbcti_analysis.funding.funding_cliffs` accept.
GROUPINGS = ("all", "country", "tier", "theme", "level", "activity_type", "mechanism", "mechanism_type")
#: Funding status of an activity, in display order.
STATUSES = ("external_only", "mixed", "domestic_only", "no_funder")
#: Group label of activities with no value in the grouping column (e.g. no country).
NOT_STATED = "(not stated)"
#: Column label of the funding cliffs for activities with no end date.
NO_END_DATE = "no end date"

#: Groupings read from a list column of ``activities`` (grouping -> column).
_LIST_COLUMNS = {"country": "countries", "tier": "tiers", "theme": "themes"}
