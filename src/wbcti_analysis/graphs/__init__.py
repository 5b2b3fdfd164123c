"""Coordination graphs: who works with whom, who brokers, and is law enforcement cut off?

The graphs are built from what the source documents say, nothing more: the bipartite
actor x activity graph of ``participations``, its projection on actors (shared
activities, or Newman's collaboration weighting), the relations the sources state, and
their union. Then actor metrics, Gould-Fernandez brokerage, mixing and E-I indices, a
degree-preserving permutation test of one sector's ties, change between periods and
exports for Gephi / Cytoscape. Everything random takes a ``seed``.

Modules, one concern each:

==================  ====================================================================
``core``            vocabularies (levels, sectors, roles, thresholds), :func:`canonical`
``build``           bipartite graph, actor projection, relations, union, :func:`build_graphs`
``centrality``      Burt's effective size, eigenvector (per component), betweenness (sampled)
``backend``         jobs (``WBCTI_JOBS``) and networkx's ``backend="parallel"`` (nx-parallel)
``metrics``         :func:`actor_metrics`, :func:`graph_summary`, Louvain :func:`communities`
``brokers``         Gould-Fernandez :func:`brokerage`, :func:`bridging` of two groups
``mixing``          :func:`mixing_matrix`, Krackhardt-Stern :func:`ei_index` (graph and node)
``null_models``     degree-preserving swap chain, :func:`sector_tie_test` (mid-p), by country
``periods``         :func:`period_bounds`, :func:`period_graphs`, :func:`compare_periods`
``export``          :func:`graphml_safe`, :func:`export_graph` (GraphML, GEXF)
``headlines``       :func:`headline_figures` as :class:`wbcti_analysis.headlines.Headline`
==================  ====================================================================

Every public name is importable from here (``wbcti_analysis.graphs.actor_metrics``);
the submodules load on first use.

Examples
--------
>>> import wbcti_analysis
>>> from wbcti_analysis import graphs
>>> from wbcti_analysis.selection import Selection
>>> cg = graphs.build_graphs(wbcti_analysis.load(), Selection(countries=["XK"]), weighting="newman")
>>> m = graphs.actor_metrics(cg.union, seed=42)
>>> list(m.columns[:4])
['actor_id', 'label', 'name', 'actor_type']
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "core": ["LEVELS", "LAW_ENFORCEMENT", "FRONTLINE_SECTORS", "BROKERAGE_ROLES", "WEIGHTINGS", "GRAPH_NAMES",
             "ACTIVITY_PREFIX", "MIN_SECTOR_ACTORS", "MIN_SECTOR_TIES", "canonical"],
    "build": ["CoordinationGraphs", "build_graphs", "bipartite_graph", "project_actors", "relations_graph",
              "union_graph", "parent_map"],
    "centrality": ["effective_size", "eigenvector_centrality", "betweenness_centrality", "BETWEENNESS_EXACT_MAX",
                   "BETWEENNESS_SAMPLE"],
    "backend": ["JOBS_VAR", "resolve_jobs", "parallel_available"],
    "metrics": ["actor_metrics", "graph_summary", "communities"],
    "brokers": ["brokerage", "bridging", "BRIDGING_MAX_SOURCES"],
    "mixing": ["mixing_matrix", "ei_index", "node_ei_index"],
    "null_models": ["sector_tie_test", "sector_tie_test_by_country"],
    "periods": ["period_bounds", "period_graphs", "compare_periods"],
    "export": ["graphml_safe", "export_graph"],
    "headlines": ["headline_figures"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [name for names in _EXPORTS.values() for name in names]


def __getattr__(name: str):
    # Lazy re-exports: a submodule (and networkx, pandas) loads on first use of one of its names.
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wbcti_analysis.graphs' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
