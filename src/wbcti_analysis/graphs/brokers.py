"""Brokerage: Gould and Fernandez's roles and bridging between two groups.

:func:`brokerage` counts, for every node, the open two-paths it sits on by the groups of
their ends; :func:`bridging` measures how much each actor links two named groups (police
and the policy level) by open pairs and by shortest paths.
"""
from __future__ import annotations

import networkx as nx

from .core import BROKERAGE_ROLES, LAW_ENFORCEMENT, _groups

__all__ = ["brokerage", "bridging"]


def _role_counts(M, g: int):
    """The five role counts of a broker in group ``g`` from its k x k open-path matrix."""
    total = M.sum()
    coord = M[g, g]
    gate = M[:, g].sum() - coord
    rep = M[g, :].sum() - coord
    cons = M.trace() - coord
    return [coord, gate, rep, cons, total - coord - gate - rep - cons]


def brokerage(G, attr: str):
    """Gould-Fernandez brokerage role counts of every node, groups given by node ``attr``.

    A broker ``b`` sits on a two-path ``a -> b -> c`` (``a != c``) with no tie ``a -> c``.
    The path's role for ``b`` depends on the groups ``g`` (e.g. sectors) [1]_:

    ==============  =====================================  ===================================
    role            groups                                 reading
    ==============  =====================================  ===================================
    coordinator     g(a) = g(b) = g(c)                     brokers inside its own group
    gatekeeper      g(a) != g(b) = g(c)                    lets outsiders into its group
    representative  g(a) = g(b) != g(c)                    speaks for its group to outsiders
    consultant      g(a) = g(c) != g(b)                    an outsider linking one group
    liaison         g(a), g(b), g(c) all different         links two groups it is not in
    ==============  =====================================  ===================================

    Convention for undirected graphs: each tie counts in both directions (the graph is
    turned into a directed one with ``G.to_directed()``), so an open pair ``{a, c}``
    around ``b`` gives two paths, ``a -> b -> c`` and ``c -> b -> a``. Coordinator,
    consultant and liaison counts are then twice the number of open pairs, and
    representative equals gatekeeper. Directed graphs are used as they are.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    attr : str
        Node attribute naming the group (``"sector"``, ``"level"``).

    Returns
    -------
    DataFrame
        Index: node ids (sorted); columns the five roles (counts of two-paths, int) and
        ``total`` (all five). Counts ignore weights.

    Notes
    -----
    O(sum over nodes of in-degree x out-degree) with numpy on dense blocks: fine for the
    few hundred actors of the data.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: a formal
       approach to brokerage in transaction networks. *Sociological Methodology*, 19,
       89-126.

    Examples
    --------
    ``a -> b -> c`` with ``b`` and ``c`` in one group: ``b`` is a gatekeeper;
    ``a -> b -> d`` with three groups: a liaison.

    >>> D = nx.DiGraph([("a", "b"), ("b", "c"), ("b", "d")])
    >>> nx.set_node_attributes(D, {"a": "X", "b": "Y", "c": "Y", "d": "Z"}, "sector")
    >>> brokerage(D, "sector").loc["b"].tolist()
    [0, 1, 0, 0, 1, 2]
    """
    import numpy as np
    import pandas as pd

    nodes = sorted(G)
    cols = list(BROKERAGE_ROLES)
    if not nodes:
        return pd.DataFrame(columns=cols + ["total"], dtype=int)
    D = G if G.is_directed() else G.to_directed()
    idx = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    A = np.zeros((n, n), dtype=bool)
    for u, v in D.edges():
        if u != v:
            A[idx[u], idx[v]] = True
    groups = _groups(G, attr)
    gvals = sorted(set(groups.values()))
    gi = np.array([gvals.index(groups[x]) for x in nodes])
    onehot = np.zeros((n, len(gvals)))
    onehot[np.arange(n), gi] = 1.0
    open_ = ~A
    np.fill_diagonal(open_, False)
    out = np.zeros((n, 5), dtype=np.int64)
    for b in range(n):
        pred = np.flatnonzero(A[:, b])
        succ = np.flatnonzero(A[b, :])
        pred = pred[pred != b]
        succ = succ[succ != b]
        if len(pred) == 0 or len(succ) == 0:
            continue
        sub = open_[np.ix_(pred, succ)].astype(float)
        M = onehot[pred].T @ sub @ onehot[succ]  # k x k: open paths by (group of a, group of c)
        out[b] = np.rint(_role_counts(M, gi[b])).astype(np.int64)
    df = pd.DataFrame(out, index=pd.Index(nodes, name="actor_id"), columns=cols)
    df["total"] = df[cols].sum(axis=1)
    return df


def bridging(G, group_a: str = LAW_ENFORCEMENT, group_b: str = "policy_coordination", attr: str = "sector"):
    """How much each actor bridges two groups (e.g. police and the policy level).

    Parameters
    ----------
    G : networkx.Graph
        An undirected actor graph.
    group_a, group_b : str
        Two different values of the node attribute ``attr``.
    attr : str
        Node attribute naming the group.

    Returns
    -------
    DataFrame
        Index: node ids (sorted). Columns:

        ``open_pairs``
            Pairs of the actor's partners, one in ``group_a`` and one in ``group_b``, that
            are not tied to each other (the actor is their only direct link; the
            undirected liaison / consultant pairs of Gould and Fernandez [1]_ restricted
            to the two groups).
        ``path_share``
            Share (0-1) of the shortest paths between ``group_a`` and ``group_b`` actors
            that pass through the actor, averaged over the connected pairs (a pair's
            paths share the weight 1 equally; subset betweenness as in Brandes [2]_);
            the two ends do not count.
        ``path_rank``
            Rank of ``path_share`` among all actors (1 = most; ties share the best rank).

        ``df.attrs`` holds the number of actors in each group and of connected pairs.

    Raises
    ------
    ValueError
        ``group_a`` equals ``group_b``.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: a formal
       approach to brokerage in transaction networks. *Sociological Methodology*, 19,
       89-126.
    .. [2] Brandes, U. (2008). On variants of shortest-path betweenness centrality and
       their generic computation. *Social Networks*, 30(2), 136-145.

    Examples
    --------
    >>> G = nx.path_graph(["p", "net", "m"])
    >>> nx.set_node_attributes(G, {"p": "law_enforcement", "net": "other", "m": "policy_coordination"},
    ...                        "sector")
    >>> bridging(G).loc["net"].tolist()
    [1.0, 1.0, 1.0]
    """
    import pandas as pd

    if group_a == group_b:
        raise ValueError("group_a and group_b must differ")
    nodes = sorted(G)
    cols = ["open_pairs", "path_share", "path_rank"]
    grp = _groups(G, attr)
    A = [n for n in nodes if grp[n] == group_a]
    B = [n for n in nodes if grp[n] == group_b]
    out = pd.DataFrame(0.0, index=pd.Index(nodes, name="actor_id"), columns=cols)
    out["open_pairs"] = [
        sum(1 for a in G[n] if grp[a] == group_a for c in G[n] if grp[c] == group_b and not G.has_edge(a, c))
        for n in nodes]
    pairs = 0
    if A and B:  # connected pairs: per component, its A actors times its B actors
        for comp in (nx.connected_components(G) if not G.is_directed() else ()):
            pairs += sum(1 for n in comp if grp[n] == group_a) * sum(1 for n in comp if grp[n] == group_b)
        if G.is_directed():
            pairs = sum(1 for a in A for b in B if nx.has_path(G, a, b))
    if pairs and not G.is_directed():
        # Brandes' subset betweenness from A to B with sparse matrix products (.brandes): the
        # same sums as networkx.betweenness_centrality_subset before it halves them
        from .brandes import brandes_sums

        order, sums = brandes_sums(G, sources=A, targets=B)
        share = dict(zip(order, (sums / pairs).tolist()))
        out["path_share"] = [share[n] for n in nodes]
    elif pairs:
        bc = nx.betweenness_centrality_subset(G, sources=A, targets=B, normalized=False)
        out["path_share"] = [bc[n] / pairs for n in nodes]
    out["open_pairs"] = out["open_pairs"].astype(int)
    out["path_rank"] = out["path_share"].rank(ascending=False, method="min").astype(int) if nodes else []
    out.attrs.update({"group_a": group_a, "group_b": group_b, "actors_a": len(A), "actors_b": len(B),
                      "connected_pairs": pairs})
    return out
