"""Actor- and graph-level figures of an actor graph.

:func:`actor_metrics` gathers every node-level measure into one tidy table (degree,
betweenness, eigenvector centrality, Burt's constraint and effective size, the actor's
own E-I index, Gould-Fernandez brokerage across sectors and levels, Louvain community);
:func:`graph_summary` gives the graph-level counts; :func:`communities` the seeded
Louvain partition.
"""
from __future__ import annotations

import networkx as nx

from .brokers import brokerage
from .centrality import (BETWEENNESS_EXACT_MAX, BETWEENNESS_SAMPLE, betweenness_centrality, effective_size,
                         eigenvector_centrality)
from .core import BROKERAGE_ROLES, canonical
from .mixing import node_ei_index

__all__ = ["actor_metrics", "graph_summary", "communities"]

_INFO_COLS = ["actor_id", "label", "name", "actor_type", "sector", "level", "country"]


def communities(G, seed: int = 42, weight: str = "weight", resolution: float = 1.0) -> dict:
    """Seeded Louvain communities: ``{node: community number}``.

    Louvain modularity maximisation [1]_ as implemented by networkx, on the graph in
    sorted order (:func:`~wbcti_analysis.graphs.core.canonical`), so the same seed gives
    the same partition. Communities are numbered from 0 by decreasing size, ties broken
    by their smallest member id, so the numbering is stable. Isolates are communities of
    their own.

    Parameters
    ----------
    G : networkx.Graph
    seed : int
        Seed of the Louvain heuristic.
    weight : str
        Edge attribute of the tie weight.
    resolution : float
        Modularity resolution (> 1 favours smaller communities).

    Returns
    -------
    dict
        ``{node: community number}`` (int from 0); ``{}`` for an empty graph.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., & Lefebvre, E. (2008). Fast
       unfolding of communities in large networks. *Journal of Statistical Mechanics:
       Theory and Experiment*, 2008(10), P10008.

    Examples
    --------
    Two triangles joined by one tie:

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("d", "f")])
    >>> communities(G, seed=1)
    {'a': 0, 'b': 0, 'c': 0, 'd': 1, 'e': 1, 'f': 1}
    """
    if G.number_of_nodes() == 0:
        return {}
    G = canonical(G)
    comms = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
    return {n: i for i, c in enumerate(comms) for n in c}


def actor_metrics(G, seed: int = 42, weight: str = "weight", betweenness_exact_max: int = BETWEENNESS_EXACT_MAX,
                  betweenness_k: int = BETWEENNESS_SAMPLE):
    """One tidy row per actor with its position in an actor graph.

    Parameters
    ----------
    G : networkx.Graph
        An actor graph (:func:`~wbcti_analysis.graphs.build.build_graphs`); nodes carry
        ``label``, ``name``, ``actor_type``, ``sector``, ``level``, ``country``.
    seed : int
        Seed of the Louvain communities (and of the betweenness source sample).
    weight : str
        Edge attribute of the tie weight.
    betweenness_exact_max, betweenness_k : int
        Betweenness is exact up to ``betweenness_exact_max`` actors (default 1000) and
        estimated from ``betweenness_k`` seeded source nodes (default 500) above
        (:func:`~wbcti_analysis.graphs.centrality.betweenness_centrality`).

    Returns
    -------
    DataFrame
        Columns:

        actor_id, label, name, actor_type, sector, level, country
            From the node attributes.
        degree : int
            Number of distinct partners.
        weighted_degree : float
            Sum of tie weights (shared activities / Newman weight [3]_ / stated relations).
        betweenness : float
            Normalised betweenness centrality [4]_ on the unweighted graph (share of
            shortest paths between other pairs that pass through the actor, 0-1). Weights
            are left out: turning counts of shared activities into distances would be
            arbitrary.
        eigenvector : float
            Weighted eigenvector centrality [5]_ (unit Euclidean norm over the graph;
            actors outside the component(s) with the largest leading eigenvalue get 0),
            solved component by component
            (:func:`~wbcti_analysis.graphs.centrality.eigenvector_centrality`).
        constraint, effective_size : float
            Burt's constraint (0-1+, lower = more brokerage opportunity) and effective
            size (non-redundant partners, :func:`~wbcti_analysis.graphs.centrality.effective_size`),
            weighted [2]_; NaN for isolates.
        ei_sector : float
            The actor's own E-I index by sector [6]_ (-1: all partners in its own sector,
            +1: all elsewhere); NaN for isolates.
        sector_coordinator ... sector_liaison, sector_brokerage : int
            Gould-Fernandez roles across sectors [1]_ (:func:`~wbcti_analysis.graphs.brokers.brokerage`,
            undirected ties count in both directions); ``sector_brokerage`` = the four
            cross-sector roles (all but coordinator).
        level_coordinator ... level_liaison, level_brokerage : int
            The same across levels (international, EU, regional, national, local).
        community : int
            Seeded Louvain community [7]_ (:func:`communities`).

        Rows are sorted by ``sector_brokerage``, then ``betweenness``, then ``actor_id``.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: a formal
       approach to brokerage in transaction networks. *Sociological Methodology*, 19, 89-126.
    .. [2] Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition.*
       Cambridge, MA: Harvard University Press.
    .. [3] Newman, M. E. J. (2004). Analysis of weighted networks. *Physical Review E*,
       70(5), 056131.
    .. [4] Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
       Mathematical Sociology*, 25(2), 163-177.
    .. [5] Bonacich, P. (1987). Power and centrality: a family of measures. *American
       Journal of Sociology*, 92(5), 1170-1182.
    .. [6] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. *Social Psychology Quarterly*, 51(2), 123-140.
    .. [7] Blondel, V. D., Guillaume, J.-L., Lambiotte, R., & Lefebvre, E. (2008). Fast
       unfolding of communities in large networks. *Journal of Statistical Mechanics:
       Theory and Experiment*, 2008(10), P10008.

    Examples
    --------
    >>> G = nx.Graph([("b", "a1"), ("b", "a2"), ("b", "c1"), ("b", "c2"), ("b", "d1"), ("c1", "c2")])
    >>> nx.set_node_attributes(G, {"b": "X", "a1": "X", "a2": "X", "c1": "Y", "c2": "Y", "d1": "Z"}, "sector")
    >>> m = actor_metrics(G).set_index("actor_id")
    >>> b = m.loc["b"]
    >>> int(b["degree"]), float(b["betweenness"]), float(b["effective_size"]), int(b["sector_brokerage"])
    (5, 0.9, 4.6, 16)
    """
    import pandas as pd

    role_cols = [f"{a}_{r}" for a in ("sector", "level") for r in (*BROKERAGE_ROLES, "brokerage")]
    metric_cols = ["degree", "weighted_degree", "betweenness", "eigenvector", "constraint", "effective_size",
                   "ei_sector", *role_cols, "community"]
    G = canonical(G)
    nodes = sorted(G)
    if not nodes:
        return pd.DataFrame(columns=_INFO_COLS + metric_cols)
    data = {n: G.nodes[n] for n in nodes}
    df = pd.DataFrame({"actor_id": nodes, **{c: [str(data[n].get(c, "")) for n in nodes] for c in _INFO_COLS[1:]}})
    df["degree"] = [G.degree(n) for n in nodes]
    df["weighted_degree"] = [float(G.degree(n, weight=weight)) for n in nodes]
    bt = betweenness_centrality(G, seed=seed, exact_max=betweenness_exact_max, k=betweenness_k)
    df["betweenness"] = [bt[n] for n in nodes]
    ev = eigenvector_centrality(G, weight)
    df["eigenvector"] = [ev[n] for n in nodes]
    con = nx.constraint(G, weight=weight)
    eff = effective_size(G, weight=weight)
    df["constraint"] = [con[n] for n in nodes]
    df["effective_size"] = [eff[n] for n in nodes]
    ei = node_ei_index(G, "sector")
    df["ei_sector"] = [ei[n] for n in nodes]
    for attr in ("sector", "level"):
        b = brokerage(G, attr)
        for r in BROKERAGE_ROLES:
            df[f"{attr}_{r}"] = b.loc[nodes, r].to_numpy()
        df[f"{attr}_brokerage"] = b.loc[nodes, list(BROKERAGE_ROLES[1:])].sum(axis=1).to_numpy()
    com = communities(G, seed=seed, weight=weight)
    df["community"] = [com[n] for n in nodes]
    df = df.sort_values(["sector_brokerage", "betweenness", "actor_id"], ascending=[False, False, True])
    return df.reset_index(drop=True)[_INFO_COLS + metric_cols]


def graph_summary(G) -> dict:
    """Graph-level figures of an actor graph.

    Parameters
    ----------
    G : networkx.Graph

    Returns
    -------
    dict
        ``actors`` and ``ties`` (counts), ``density`` (ties / possible pairs, 0-1; NaN
        under 2 actors), ``components`` (connected components, isolates included),
        ``isolates``, ``largest_component`` (actors in it) and
        ``share_in_largest_component`` (0-1; NaN for an empty graph), ``mean_degree``
        (partners per actor).

    Examples
    --------
    >>> s = graph_summary(nx.Graph([("a", "b"), ("c", "d"), ("d", "e")]))
    >>> s["actors"], s["ties"], s["components"], s["largest_component"], round(s["density"], 2)
    (5, 3, 2, 3, 0.3)
    """
    n = G.number_of_nodes()
    m = G.number_of_edges()
    comps = list(nx.connected_components(G)) if n else []
    largest = max((len(c) for c in comps), default=0)
    return {"actors": n, "ties": m, "density": nx.density(G) if n > 1 else float("nan"),
            "components": len(comps), "isolates": nx.number_of_isolates(G), "largest_component": largest,
            "share_in_largest_component": largest / n if n else float("nan"),
            "mean_degree": 2 * m / n if n else float("nan")}
