"""Constants and small helpers shared by the coordination-graph modules.

Holds the vocabularies of the analysis (levels, the tested sector, brokerage roles,
weightings, graph names, "too thin" thresholds), :func:`canonical` (a graph copy in
sorted order, so that every seeded result is reproducible across processes) and the
private argument checks the other modules use: the arguments that are parameters of
notebook 01 are checked against its declaration (:mod:`wbcti_analysis.params`), the
only source of their allowed values, types and ranges.
"""
from __future__ import annotations

from typing import Iterable

from ..params.checking import require_arguments
from ..params.declarations import GRAPH_NAMES as _DECLARED_GRAPHS
from ..params.declarations import WEIGHTINGS as _DECLARED_WEIGHTINGS

__all__ = [
    "LEVELS",
    "LAW_ENFORCEMENT",
    "FRONTLINE_SECTORS",
    "BROKERAGE_ROLES",
    "WEIGHTINGS",
    "GRAPH_NAMES",
    "ACTIVITY_PREFIX",
    "MIN_SECTOR_ACTORS",
    "MIN_SECTOR_TIES",
    "canonical",
    "adjacency_matrix",
]

#: Levels of governance, from the widest to the closest (the order of tables and plots).
LEVELS = ("international", "eu", "regional", "national", "local")
#: The sector whose ties the sources say are weak.
LAW_ENFORCEMENT = "law_enforcement"
#: Gould-Fernandez brokerage roles, in the order of the metrics table.
BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
#: Projection weightings (notebook 01's ``weighting`` choices).
WEIGHTINGS = _DECLARED_WEIGHTINGS
#: The actor graphs of a :class:`~wbcti_analysis.graphs.build.CoordinationGraphs` (notebook 01's ``graph``).
GRAPH_NAMES = _DECLARED_GRAPHS
#: The notebook whose parameter declaration checks the graph functions' arguments.
NOTEBOOK = "01-coordination-graph"
#: The sectors the RAN paper names as law enforcement's weak partners (social workers, schools,
#: health services, religious communities, civil society).
FRONTLINE_SECTORS = ("social_welfare", "education", "health", "religious", "civil_society")
#: Below this many actors of the tested sector (or of a compared sector) the test says "too thin".
MIN_SECTOR_ACTORS = 3
#: Below this many ties touching the tested sector the test says "too thin".
MIN_SECTOR_TIES = 5
#: Prefix of activity node ids in the bipartite graph.
ACTIVITY_PREFIX = "activity:"


def canonical(G):
    """Return a copy of ``G`` with nodes and edges inserted in sorted order.

    Several algorithms (Louvain, power iteration, layouts, the rewiring chain) depend on
    the order nodes and edges are visited; subgraph views visit them in an order that can
    change from one Python process to the next (string hashing). Sorting first makes
    every result reproducible across runs.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        Nodes must be mutually comparable (the actor ids are strings).

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Same class, same attributes, sorted insertion order; undirected edges are stored
        as ``(min, max)``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("c", "a"), ("b", "a")])
    >>> list(canonical(G)), list(canonical(G).edges())
    (['a', 'b', 'c'], [('a', 'b'), ('a', 'c')])
    """
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in sorted(G))
    if G.is_directed():
        edges = sorted(G.edges(data=True), key=lambda e: (e[0], e[1]))
    else:
        edges = sorted(((min(u, v), max(u, v), d) for u, v, d in G.edges(data=True)), key=lambda e: (e[0], e[1]))
    H.add_edges_from(edges)
    return H


def _groups(G, attr: str) -> dict:
    """``{node: group}`` from the node attribute ``attr`` (missing -> ``""``)."""
    return {n: ("" if d.get(attr) is None else str(d.get(attr))) for n, d in G.nodes(data=True)}


def _category_order(values: Iterable[str], attr: str) -> list[str]:
    """Groups in display order: levels from the widest, anything else sorted."""
    vals = set(values)
    if attr == "level":
        return [x for x in LEVELS if x in vals] + sorted(vals - set(LEVELS))
    return sorted(vals)


def _as_set(values, name: str) -> set[str] | None:
    """Normalise a list parameter: None or empty -> None; a bare string -> one value."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    try:
        out = {str(v) for v in values if v is not None and str(v) != ""}
    except TypeError as exc:
        raise ValueError(f"{name} must be a list of strings, got {values!r}") from exc
    return out or None


def _check_enum(values: set[str] | None, allowed: Iterable[str], name: str) -> None:
    if values is None:
        return
    allowed = list(allowed)
    bad = sorted(values - set(allowed))
    if bad:
        raise ValueError(f"{name}: unknown value(s) {bad}; allowed: {', '.join(allowed)}")


def _enum(ds, table: str, column: str) -> list[str]:
    f = ds.field(table, column)
    if "wbcti:list" in f:
        return list(f["wbcti:list"]["enum"])
    return list(f.get("constraints", {}).get("enum", []))


def _require(values: dict, ds=None) -> dict:
    """``values`` checked as notebook 01's parameters of the same names; returned as parameter values.

    Raises :class:`~wbcti_analysis.params.ParameterError` (a ``ValueError``) listing every
    problem in the declaration's words (parameter, bad value, what is allowed).
    """
    return require_arguments(NOTEBOOK, values, ds).values


def adjacency_matrix(G, nodes: list | None = None, weight: str | None = "weight"):
    """Adjacency matrix of ``G`` as a scipy CSR array (float), rows and columns in ``nodes`` order.

    The same matrix as ``networkx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight)``
    (a tie without the ``weight`` attribute counts 1; ``weight=None`` gives 1 for every tie;
    a directed graph gives its out-ties by row; a self-loop is one diagonal entry), built
    from one pass over ``G.adj`` into numpy arrays. networkx's conversion builds a Python
    tuple per tie and, with a large heap, spends most of its time in the garbage
    collector: 0.53 s against 0.09 s for 132,545 ties (synthetic package, k = 100).

    Returns
    -------
    scipy.sparse.csr_array
        n x n, n = ``len(nodes)`` (all nodes of ``G`` in ``list(G)`` order when None).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {})])
    >>> adjacency_matrix(G, ["a", "b", "c"]).toarray().tolist()
    [[0.0, 2.0, 0.0], [2.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    import numpy as np
    from scipy import sparse

    nodes = list(G) if nodes is None else list(nodes)
    if G.is_multigraph():  # parallel ties are summed by networkx
        import networkx as nx

        return nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, format="csr", dtype=float)
    index = {v: i for i, v in enumerate(nodes)}
    rows, cols, data = [], [], []
    for u, nbrs in G.adj.items():
        i = index.get(u)
        if i is None:
            continue
        for v, attrs in nbrs.items():
            j = index.get(v)
            if j is not None:
                rows.append(i)
                cols.append(j)
                data.append(1 if weight is None else attrs.get(weight, 1))
    n = len(nodes)
    return sparse.csr_array((np.asarray(data, dtype=float), (np.asarray(rows, dtype=np.int64),
                                                             np.asarray(cols, dtype=np.int64))), shape=(n, n))
