"""Node-level centralities of the actor graphs: Burt's effective size, eigenvector and
betweenness centrality, each with a path that scales (sparse matrices, per-component
eigensolvers, sampled betweenness above a node count).

:func:`effective_size` is computed here from Burt's definition rather than taken from
``networkx.effective_size``, whose vectorised weighted path (networkx 3.6) scales each
tie by the wrong node's maximum tie weight.
"""
from __future__ import annotations

import networkx as nx
from .core import adjacency_matrix

__all__ = ["effective_size", "eigenvector_centrality", "betweenness_centrality", "BETWEENNESS_EXACT_MAX",
           "BETWEENNESS_SAMPLE", "BETWEENNESS_SPARSE_FROM"]


def effective_size(G, weight: str | None = "weight") -> dict:
    r"""Burt's effective size of every node: its partners minus their redundancy.

    For a node :math:`i` with partners :math:`N(i)`,

    .. math::

        e(i) = \sum_{j \in N(i)} \Big(1 - \sum_{q \in N(i),\, q \ne j} p_{iq}\, m_{jq}\Big)

    where :math:`p_{iq} = a_{iq} / \sum_k a_{ik}` is the proportion of :math:`i`'s ties
    (by mutual weight :math:`a_{iq} = w_{iq} + w_{qi}`) invested in :math:`q`, and
    :math:`m_{jq} = a_{jq} / \max_k a_{jk}` is the strength of :math:`j`'s tie to
    :math:`q` relative to :math:`j`'s strongest tie (the maximum runs over all of
    :math:`j`'s partners) [1]_. Without weights this is Borgatti's
    :math:`n - 2t/n` (:math:`n` partners, :math:`t` ties among them) [2]_.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        Self-loops are ignored; on a directed graph a partner is a predecessor or a
        successor and mutual weights add both directions.
    weight : str or None
        Edge attribute holding the tie weight (missing -> 1); None for unweighted.

    Returns
    -------
    dict
        ``{node: effective size}`` (a number of partners, between 1 and the degree);
        NaN for a node without partners.

    Notes
    -----
    Computed with sparse matrices: with :math:`P` the row-normalised mutual weights,
    :math:`M` the row-max-normalised ones and :math:`A` the adjacency,
    :math:`e(i) = |N(i)| - \sum_q P_{iq} (A M)_{iq}`; time :math:`O(\sum_j d_j^2)`.
    ``networkx.effective_size(G, weight=...)`` (3.6) divides by the maximum of the wrong
    node on its vectorised path; called per node (``nodes=list(G)``) it agrees with this.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition.*
       Cambridge, MA: Harvard University Press.
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy
       measures. *Connections*, 20(1), 35-38.

    Examples
    --------
    A star with centre ``b`` whose leaves ``c1`` and ``c2`` are tied: 5 - 2 x 1 / 5.

    >>> G = nx.Graph([("b", "a1"), ("b", "a2"), ("b", "c1"), ("b", "c2"), ("b", "d1"), ("c1", "c2")])
    >>> round(effective_size(G)["b"], 6)
    4.6

    Weighted: ego ``e`` spends half its weight on ``a``; ``a``-``b`` is half of ``a``'s
    strongest tie and a third of ``b``'s (whose strongest is ``b``-``d``, 3):
    3 - 0.25 x 1/2 - 0.5 x 1/3.

    >>> W = nx.Graph()
    >>> W.add_weighted_edges_from([("e", "a", 2), ("e", "b", 1), ("e", "c", 1), ("a", "b", 1), ("b", "d", 3)])
    >>> round(effective_size(W)["e"], 6)
    2.708333
    """
    import numpy as np
    import scipy.sparse as sp

    nodes = list(G)
    if not nodes:
        return {}
    idx = {n: i for i, n in enumerate(nodes)}
    rows, cols, vals = [], [], []
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = 1.0 if weight is None else float(d.get(weight, 1.0))
        rows += [idx[u], idx[v]]
        cols += [idx[v], idx[u]]
        vals += [w, w]
    n = len(nodes)
    if not rows:
        return {x: float("nan") for x in nodes}
    # mutual weights a_ij = w_ij + w_ji (duplicates add up; for an undirected graph a = 2w)
    S = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    S.sum_duplicates()
    A = S.copy()
    A.data = np.ones_like(A.data)
    strength = np.asarray(S.sum(axis=1)).ravel()
    rowmax = S.max(axis=1).toarray().ravel()
    inv_s = np.divide(1.0, strength, out=np.zeros(n), where=strength > 0)
    inv_m = np.divide(1.0, rowmax, out=np.zeros(n), where=rowmax > 0)
    P = sp.diags(inv_s) @ S
    M = sp.diags(inv_m) @ S
    redundancy = np.asarray(P.multiply(A @ M).sum(axis=1)).ravel()
    degree = np.diff(A.indptr)
    out = np.where(degree > 0, degree - redundancy, np.nan)
    return {x: float(out[i]) for i, x in enumerate(nodes)}


#: Up to this many actors betweenness is exact; above it, sampled from ``BETWEENNESS_SAMPLE`` sources.
BETWEENNESS_EXACT_MAX = 1000
#: Sources sampled (seeded) for betweenness above ``BETWEENNESS_EXACT_MAX`` actors.
BETWEENNESS_SAMPLE = 500
#: ``betweenness_centrality(method="auto")`` uses the sparse Brandes (:mod:`.brandes`) from this many nodes on.
BETWEENNESS_SPARSE_FROM = 500
#: Components up to this many actors are solved densely (``numpy.linalg.eigh``), larger ones by Lanczos.
_DENSE_MAX = 64


def _leading_pair(A):
    """Largest eigenvalue and its non-negative unit eigenvector of a symmetric non-negative matrix
    (one connected component): dense ``eigh`` when small, ARPACK Lanczos (``eigsh``, largest
    algebraic, fixed start) when large."""
    import numpy as np

    n = A.shape[0]
    if n <= _DENSE_MAX:
        vals, vecs = np.linalg.eigh(A.toarray())
        lam, v = vals[-1], vecs[:, -1]
    else:
        from scipy.sparse.linalg import eigsh

        vals, vecs = eigsh(A.astype(float), k=1, which="LA", v0=np.ones(n), tol=1e-12)
        lam, v = vals[0], vecs[:, 0]
    v = np.abs(v)  # the Perron vector of a connected component has one sign
    return float(lam), v / np.linalg.norm(v)


def eigenvector_centrality(G, weight: str | None = "weight", scope: str = "graph") -> dict:
    r"""Weighted eigenvector centrality of every node, solved component by component.

    The eigenvector centrality of a node is its entry in the leading eigenvector of the
    (weighted) adjacency matrix [1]_. A graph of several connected components has a block
    diagonal adjacency matrix: each component has its own leading (Perron) eigenvalue,
    simple within the component, with a positive eigenvector (Perron-Frobenius). Power
    iteration on the whole graph (networkx's default) converges at the rate
    :math:`\lambda_2 / \lambda_1`, slowly or not at all when two components have (nearly)
    the same leading eigenvalue. So each component is solved on its own: densely
    (``numpy.linalg.eigh``, exact) up to 64 actors, otherwise by ARPACK's Lanczos method
    (``scipy.sparse.linalg.eigsh``, ``which="LA"``: the largest *algebraic* eigenvalue, so a
    bipartite component's :math:`-\lambda` is never taken for :math:`\lambda`; fixed start
    vector, so results are deterministic).

    Parameters
    ----------
    G : networkx.Graph
        Undirected; a directed graph goes to ``networkx.eigenvector_centrality``.
    weight : str or None
        Edge attribute of the tie weight; None for unweighted.
    scope : {"graph", "component"}
        ``"graph"`` (default): the graph's leading eigenvector, unit Euclidean norm over
        the graph, i.e. the value power iteration from a uniform start converges to:
        the components with the largest leading eigenvalue carry it (several tied
        components, within a relative 1e-9, share it in proportion to their Perron
        vector's sum), all other actors get 0. Power iteration stops early on a
        near-tie and spreads the weight over both components; this does not. ``"component"``: every component's own Perron vector, unit norm
        within the component, so actors are compared within their component.

    Returns
    -------
    dict
        ``{node: centrality}`` in [0, 1]; isolates and graphs without ties get 0.

    Raises
    ------
    ValueError
        ``scope`` is not ``"graph"`` or ``"component"``.

    Notes
    -----
    Cost: dense :math:`O(c^3)` per component of :math:`c` actors up to 64, Lanczos
    :math:`O(m)` per iteration above.

    References
    ----------
    .. [1] Bonacich, P. (1987). Power and centrality: a family of measures.
       *American Journal of Sociology*, 92(5), 1170-1182.
    .. [2] Lehoucq, R. B., Sorensen, D. C., & Yang, C. (1998). *ARPACK Users' Guide:
       Solution of Large-Scale Eigenvalue Problems with Implicitly Restarted Arnoldi
       Methods*. Philadelphia: SIAM.

    Examples
    --------
    >>> c = eigenvector_centrality(nx.path_graph(3))
    >>> round(c[1], 4), round(c[0], 4)
    (0.7071, 0.5)

    Two identical triangles: the leading eigenvalue (2) is repeated; each gets half.

    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)])
    >>> sorted(round(v, 4) for v in eigenvector_centrality(G).values())
    [0.4082, 0.4082, 0.4082, 0.4082, 0.4082, 0.4082]
    >>> round(eigenvector_centrality(G, scope="component")[0], 4)
    0.5774
    """
    import numpy as np

    if scope not in ("graph", "component"):
        raise ValueError(f"scope must be 'graph' or 'component', got {scope!r}")
    out = {n: 0.0 for n in G}
    if G.number_of_edges() == 0:
        return out
    if G.is_directed():
        return nx.eigenvector_centrality(G, max_iter=5000, tol=1e-10, weight=weight)
    order = list(G)
    pos = {n: i for i, n in enumerate(order)}
    full = adjacency_matrix(G, order, weight)
    parts = []
    for comp in nx.connected_components(G):
        if len(comp) < 2:
            continue
        nodes = sorted(comp, key=str)
        idx = np.array([pos[n] for n in nodes])
        lam, v = _leading_pair(full[idx][:, idx])
        parts.append((nodes, lam, v))
    if scope == "component":
        for nodes, _, v in parts:
            out.update(zip(nodes, v.tolist()))
        return out
    top = max(lam for _, lam, _ in parts)
    lead = [(nodes, v * v.sum()) for nodes, lam, v in parts if lam >= top * (1 - 1e-9)]
    norm = np.sqrt(sum(float((x * x).sum()) for _, x in lead))
    for nodes, x in lead:
        out.update(zip(nodes, (x / norm).tolist()))
    return out


def betweenness_centrality(G, seed: int = 42, exact_max: int = BETWEENNESS_EXACT_MAX, k: int = BETWEENNESS_SAMPLE,
                           method: str = "auto", jobs: int | None = None) -> dict:
    """Normalised shortest-path betweenness, exact up to ``exact_max`` nodes, sampled above.

    Brandes' algorithm [1]_ on the unweighted graph: a node's share of the shortest
    paths between other pairs (0-1). Above ``exact_max`` nodes the paths are counted from
    ``k`` source nodes drawn at random (seeded) and rescaled, Brandes and Pich's
    estimator [2]_ (``networkx.betweenness_centrality(k=...)``): cost ``O(k m)`` instead
    of ``O(n m)``.

    Parameters
    ----------
    G : networkx.Graph
    seed : int
        Seed of the source sample (used only when sampling).
    exact_max : int
        Largest node count computed exactly (default ``BETWEENNESS_EXACT_MAX`` = 1000:
        the bundled data (159 actors) and 5x larger packages stay exact; at 10x, about
        1,600 actors, 500 sources take a third of the exact time).
    k : int
        Sources sampled above ``exact_max`` (default ``BETWEENNESS_SAMPLE`` = 500;
        capped at the node count, where the result is exact).
    method : {"auto", "sparse", "networkx"}, default "auto"
        ``"sparse"`` runs Brandes' algorithm for blocks of sources with sparse matrix
        products (:mod:`.brandes`; 10-30 times faster from a thousand actors on), with
        the same sources and the same rescaling as networkx, so the same values up to
        floating point (1e-16); ``"networkx"`` calls ``networkx.betweenness_centrality``;
        ``"auto"``: networkx below :data:`BETWEENNESS_SPARSE_FROM` (500) nodes, where it
        takes well under a second, sparse from there on.
    jobs : int or None
        Processes for ``method="networkx"``: more than one runs networkx's algorithm on
        the nx-parallel backend (:mod:`.backend`; the same values up to 1e-16), if
        installed. None (default) reads ``$WBCTI_JOBS`` (set by ``wbcti run``), else 1.
        ``"auto"`` and ``"sparse"`` ignore it: measured on 2 cores, the sparse path is
        15-20 times faster than nx-parallel with 2 jobs at 1,300 actors, and below 500
        actors 2 jobs were 2-3 times slower than 1 (worker start and pickling of the
        graph).

    Returns
    -------
    dict
        ``{node: betweenness}``; ``G.graph`` is untouched.

    Raises
    ------
    ValueError
        ``exact_max`` or ``k`` not a positive int, ``method`` unknown, ``jobs`` below 1.

    References
    ----------
    .. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of
       Mathematical Sociology*, 25(2), 163-177.
    .. [2] Brandes, U., & Pich, C. (2007). Centrality estimation in large networks.
       *International Journal of Bifurcation and Chaos*, 17(7), 2303-2318.

    Examples
    --------
    >>> betweenness_centrality(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    >>> betweenness_centrality(nx.path_graph(3), exact_max=2, k=3)          # all sources sampled: exact
    {0: 0.0, 1: 1.0, 2: 0.0}
    >>> betweenness_centrality(nx.path_graph(3), method="networkx", jobs=1)  # networkx's default backend
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    for name, v in (("exact_max", exact_max), ("k", k)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    if method not in ("auto", "sparse", "networkx"):
        raise ValueError(f"method must be 'auto', 'sparse' or 'networkx', got {method!r}")
    if jobs is not None:
        from .backend import resolve_jobs

        resolve_jobs(jobs)  # a bad value is refused whatever the method
    n = G.number_of_nodes()
    if method == "networkx":
        from .backend import dispatch

        if n <= exact_max:
            return dispatch("betweenness_centrality", G, normalized=True, jobs=jobs)
        return dispatch("betweenness_centrality", G, k=min(k, n), normalized=True, seed=seed, jobs=jobs)
    if method == "auto" and n < BETWEENNESS_SPARSE_FROM:
        if n <= exact_max:
            return nx.betweenness_centrality(G, normalized=True)
        return nx.betweenness_centrality(G, k=min(k, n), normalized=True, seed=seed)
    import random

    from .brandes import brandes_sums, rescale

    sources = None if n <= exact_max or k >= n else random.Random(seed).sample(list(G.nodes()), k)  # as networkx
    return rescale(*brandes_sums(G, sources), sources=sources)
