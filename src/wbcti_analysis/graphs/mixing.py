"""Ties within and between groups: the mixing matrix and Krackhardt and Stern's E-I index.

Groups are a node attribute (``sector`` or ``level``). The E-I arithmetic itself lives in
:func:`wbcti_analysis.stats.ei.ei_index`.
"""
from __future__ import annotations

from ..stats.ei import ei_index as _ei
from .core import _category_order, _groups

__all__ = ["mixing_matrix", "ei_index", "node_ei_index"]


def mixing_matrix(G, attr: str = "sector", weight: str | None = None, categories=None):
    """Ties between groups: a symmetric DataFrame (rows and columns: group values).

    Cell ``[g, h]`` (g != h) is the number of ties (or, with ``weight``, their total
    weight) between an actor in ``g`` and one in ``h``; it appears in both ``[g, h]`` and
    ``[h, g]``. The diagonal ``[g, g]`` holds the ties inside ``g``, each once. So the
    upper triangle with the diagonal sums to the number of ties.

    Parameters
    ----------
    G : networkx.Graph
        An actor graph with ``attr`` on its nodes.
    attr : str
        Node attribute naming the group.
    weight : str, optional
        Edge attribute to sum instead of counting ties.
    categories : list of str, optional
        Rows and columns (default: the groups present; levels in the order
        international, eu, regional, national, local).

    Returns
    -------
    DataFrame
        ``int`` counts, or ``float`` total weights with ``weight``.

    References
    ----------
    .. [1] Newman, M. E. J. (2003). Mixing patterns in networks. *Physical Review E*,
       67(2), 026126.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "X", "b": "X", "c": "Y"}, "sector")
    >>> mixing_matrix(G).to_numpy().tolist()
    [[1, 2], [2, 0]]
    """
    import pandas as pd

    g = _groups(G, attr)
    cats = list(categories) if categories is not None else _category_order(g.values(), attr)
    M = pd.DataFrame(0.0, index=pd.Index(cats, name=attr), columns=pd.Index(cats, name=attr))
    for u, v, d in G.edges(data=True):
        if u == v or g[u] not in M.index or g[v] not in M.index:
            continue
        w = 1.0 if weight is None else float(d.get(weight, 1.0))
        if g[u] == g[v]:
            M.loc[g[u], g[u]] += w
        else:
            M.loc[g[u], g[v]] += w
            M.loc[g[v], g[u]] += w
    if weight is None:
        M = M.astype(int)
    return M


def ei_index(G, attr: str = "sector", weight: str | None = None):
    """Krackhardt and Stern's E-I index by group, and for the whole graph.

    For a group ``g``: ``E`` = ties with exactly one end in ``g``, ``I`` = ties with both
    ends in ``g`` (each tie counted once), ``E-I = (E - I) / (E + I)`` [1]_: -1 when the
    group only ties to itself, +1 when it only ties outside. The last row, ``(all)``, is
    the whole graph: ``E`` = ties between different groups, ``I`` = ties inside groups.
    With ``weight``, ties count by their weight.

    Parameters
    ----------
    G : networkx.Graph
    attr : str
        Node attribute naming the group.
    weight : str, optional
        Edge attribute to sum instead of counting ties.

    Returns
    -------
    DataFrame
        Index: group values then ``(all)``; columns ``actors``, ``internal``, ``external``,
        ``ei_index`` (NaN for a group with no tie).

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. *Social Psychology Quarterly*, 51(2), 123-140.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "X", "b": "X", "c": "Y"}, "sector")
    >>> ei_index(G)["ei_index"].round(3).to_dict()
    {'X': 0.333, 'Y': 1.0, '(all)': 0.333}
    """
    import pandas as pd

    g = _groups(G, attr)
    cats = _category_order(g.values(), attr)
    internal = dict.fromkeys(cats, 0.0)
    external = dict.fromkeys(cats, 0.0)
    tot_i = tot_e = 0.0
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = 1.0 if weight is None else float(d.get(weight, 1.0))
        if g[u] == g[v]:
            internal[g[u]] += w
            tot_i += w
        else:
            external[g[u]] += w
            external[g[v]] += w
            tot_e += w
    counts = pd.Series(list(g.values()), dtype=object).value_counts()
    rows = [{attr: c, "actors": int(counts.get(c, 0)), "internal": internal[c], "external": external[c],
             "ei_index": _ei(external[c], internal[c])} for c in cats]
    rows.append({attr: "(all)", "actors": len(g), "internal": tot_i, "external": tot_e,
                 "ei_index": _ei(tot_e, tot_i)})
    out = pd.DataFrame(rows).set_index(attr)
    if weight is None:
        out[["internal", "external"]] = out[["internal", "external"]].astype(int)
    return out


def node_ei_index(G, attr: str = "sector") -> dict:
    """Each node's own E-I index: (partners in other groups - partners in its own) / partners.

    Parameters
    ----------
    G : networkx.Graph
    attr : str
        Node attribute naming the group.

    Returns
    -------
    dict
        ``{node: E-I}`` between -1 and +1 (ties counted, not weighted); NaN for isolates.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. *Social Psychology Quarterly*, 51(2), 123-140.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.star_graph(3)
    >>> nx.set_node_attributes(G, {0: "X", 1: "X", 2: "Y", 3: "Z"}, "sector")
    >>> round(node_ei_index(G)[0], 4)          # 2 partners outside, 1 inside
    0.3333
    """
    g = _groups(G, attr)
    out = {}
    for n in G:
        ext = sum(1 for m in G[n] if m != n and g[m] != g[n])
        inn = sum(1 for m in G[n] if m != n and g[m] == g[n])
        out[n] = _ei(ext, inn)
    return out
