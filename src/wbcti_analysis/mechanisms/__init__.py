"""Referral and multi-agency mechanisms compared point by point.

The sources describe a handful of multi-agency and referral mechanisms (Gjilan, Hani i
Elezit, the DPRRP teams, Novi Pazar, Passage4prevent, Albania's local safety councils ...)
and the foreign models they are measured against (UK Channel, Aarhus). This package turns
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
* the **cases handled** as the sources state them, never summed or extrapolated,
* the notebook's **headline figures**, each with the n it rests on and its caveat.

Modules, by concern:

============== ================================================================
``vocabulary`` constants: recommended sectors, member roles, feature kinds, models
``select``     which mechanisms and features; checks of a notebook's parameters
``features``   evidence, feature states, indicator / feature matrix, cases handled
``distances``  Jaccard and Gower distances (:class:`Distances`)
``clustering`` average-linkage clustering (:class:`Clustering`)
``references`` reference models, closest mechanisms
``coverage``   sector coverage, missing sectors, gaps
``lineage``    lineage graph and table, timeline, disputes, data notes
``headlines``  :func:`headline_figures`
``example``    a tiny fictional package for the examples
============== ================================================================

Unknown versus absent: see :mod:`wbcti_analysis.mechanisms.features`.
"""
from __future__ import annotations

from .clustering import Clustering, cluster_mechanisms
from .coverage import missing_sectors, most_often_missing, sector_coverage, sector_gaps
from .distances import Distances, gower_distances, jaccard_distances, mechanism_distances
from .example import example_dataset
from .features import cases_handled, feature_matrix, feature_states, indicator_matrix, mechanism_evidence
from .headlines import HEADLINE_KEYS, headline_figures
from .lineage import data_notes, disputes, establishment_timeline, lineage_graph, lineage_table
from .references import closest_to, find_reference_model, foreign_references, nearest, reference_models
from .select import check_features, check_parameters, feature_names, select_mechanisms
from .vocabulary import (CASE_METRIC_EXCLUDE, CASE_METRIC_PATTERN, COVERAGE_STATES, DISTANCES,
                         FREE_TEXT_FEATURES, MECHANISM_ATTRIBUTES, MEMBER_ROLES, NUMERIC_FEATURES,
                         RECOMMENDED_SECTORS, RECOMMENDED_SECTORS_SOURCE, REFERENCE_MODELS,
                         SINGLE_VALUED_FEATURES, WESTERN_BALKANS)

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
    "headline_figures",
    "HEADLINE_KEYS",
    "example_dataset",
]
