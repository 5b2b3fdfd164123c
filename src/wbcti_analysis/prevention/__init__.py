"""Primary prevention vs rehabilitation and reintegration (R&R): effort, gaps, duplication.

The RAN paper (2023) says most international money in the Western Balkans goes to the
rehabilitation and reintegration of returning foreign terrorist fighters and their
families (tertiary work) rather than to primary and secondary prevention, and that the
focus moved from local prevention to central R&R. The WBCTi report (2018) was written to
align donors and avoid duplicated activities. This package measures both on a data
package of the project's shape, one module per concern:

- :mod:`~wbcti_analysis.prevention.effort`: periods, tier weights, effort by tier x
  country x level x period, and the source mix of each period;
- :mod:`~wbcti_analysis.prevention.gap`: the R&R gap index and its seeded bootstrap
  interval per country and period;
- :mod:`~wbcti_analysis.prevention.origins`: external vs domestic funding origin (the rule
  of :mod:`wbcti_analysis.funding`);
- :mod:`~wbcti_analysis.prevention.claims`: funding by tier and the test of the claim that
  external funders favour R&R;
- :mod:`~wbcti_analysis.prevention.coverage`: country x tier x theme coverage and its gaps;
- :mod:`~wbcti_analysis.prevention.duplicates`: pairs of activities that look like the
  same work;
- :mod:`~wbcti_analysis.prevention.classifier`: a text classifier that suggests tiers;
- :mod:`~wbcti_analysis.prevention.headlines`: the notebook's headline figures with n
  and caveats;
- :mod:`~wbcti_analysis.prevention.checks` and
  :mod:`~wbcti_analysis.prevention.constants`: argument checks and constants.

Conventions
-----------
Tiers follow the public-health model the sources use (Caplan 1964): ``primary``,
``secondary``, ``tertiary`` (R&R, prisons, disengagement) and ``ct_law_enforcement``
(counter-terrorism, not prevention); activities with no tier are counted under
``uncoded``, never dropped. Counting rules, country breakdowns and periods are described
in :mod:`~wbcti_analysis.prevention.effort`.

Heavy libraries (scipy, scikit-learn) are imported inside the functions that use them;
the package itself is only imported on use (``from wbcti_analysis import prevention``).

References
----------
.. [1] Caplan, G. (1964). *Principles of Preventive Psychiatry*. New York: Basic Books.
.. [2] Makolli, F. (2023). *Enhancing collaboration between law enforcement and other
   stakeholders in P/CVE*. Radicalisation Awareness Network (RAN Practitioners).
   Luxembourg: Publications Office of the European Union.
"""
from __future__ import annotations

from .claims import TIER_GROUPS, funding_by_tier, rr_claim_test
from .classifier import (ClassifierEvaluation, evaluate_tier_classifier, make_tier_pipeline, suggest_tiers,
                         tier_training_data, train_tier_classifier)
from .constants import (ALL_TIERS, COUNTING_RULES, DUPLICATE_WEIGHTS, PREVENTION_TIERS, TIERS, UNCODED, WB6)
from .coverage import coverage_gaps, coverage_matrix
from .duplicates import find_duplicates
from .effort import assign_periods, period_labels, source_mix, tier_effort, tier_weights
from .gap import gap_index, gap_table
from .headlines import headline_figures
from .origins import activity_funding_origin, funder_origins

__all__ = [
    "TIERS",
    "PREVENTION_TIERS",
    "UNCODED",
    "ALL_TIERS",
    "WB6",
    "COUNTING_RULES",
    "DUPLICATE_WEIGHTS",
    "TIER_GROUPS",
    "period_labels",
    "assign_periods",
    "source_mix",
    "tier_weights",
    "tier_effort",
    "gap_index",
    "gap_table",
    "funder_origins",
    "activity_funding_origin",
    "funding_by_tier",
    "rr_claim_test",
    "coverage_matrix",
    "coverage_gaps",
    "find_duplicates",
    "tier_training_data",
    "make_tier_pipeline",
    "ClassifierEvaluation",
    "evaluate_tier_classifier",
    "train_tier_classifier",
    "suggest_tiers",
    "headline_figures",
]
