"""Private helpers of :func:`wbcti_analysis.funding.rank_funders`: connected components after many deletions.

:func:`_cliques` expands the actor x activity pairs into the co-participation ties (one
row per pair of actors and shared activity), with numpy. :func:`_components_after` answers,
for many independent deletion queries on one graph (query ``q`` removes its own set of
edges from the full graph; the queries do not accumulate), the number of connected
components, the size of the largest and how many nodes of a marked set it holds, and
whether a probe node is in it; exactly, without searching the graph once per query.

The method is the offline divide-and-conquer over the queries: an edge is present in
every query except those that delete it, i.e. in a few intervals of the query order; each
interval is stored in the O(log Q) nodes of a segment tree over the Q queries that cover
it, and a depth-first walk of the tree joins each node's edges in a union-find structure
(union by size, without path compression, so that every union can be undone; Tarjan
1975) on the way down and undoes them on the way up. At leaf ``q`` the structure holds
exactly the edges present in query ``q``. Before that, the edges no query deletes are
contracted once with scipy, so the walk only handles the edges some query deletes (and
only those joining different contracted nodes, parallel ones merged). Cost: O(E + D log
Q log V) for E edges, D deleted (edge, query) pairs, V nodes, instead of O(Q E).

References
----------
.. [1] Tarjan, R. E. (1975). Efficiency of a good but not linear set union algorithm.
   *Journal of the ACM*, 22(2), 215-225.
"""
from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _cliques(actor: np.ndarray, activity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``(i, j)`` of the pairs of actors sharing an activity, ``actor[i] < actor[j]``.

    ``actor`` and ``activity`` are integer codes of distinct (actor, activity) pairs; one
    output row per pair of pairs with the same activity (so a tie of two actors appears
    once per shared activity).

    Examples
    --------
    >>> i, j = _cliques(np.array([0, 1, 2, 1]), np.array([7, 7, 7, 8]))
    >>> sorted(zip(i.tolist(), j.tolist()))
    [(0, 1), (0, 2), (1, 2)]
    """
    order = np.lexsort((actor, activity))
    act = activity[order]
    n = len(act)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    idx = np.arange(n)
    new = np.r_[True, act[1:] != act[:-1]]
    start = np.maximum.accumulate(np.where(new, idx, 0))
    size = np.diff(np.r_[np.flatnonzero(new), n])[np.cumsum(new) - 1]
    later = size - 1 - (idx - start)  # members after this one in its activity
    total = int(later.sum())
    ui = np.repeat(idx, later)
    first = np.repeat(np.cumsum(later) - later, later)
    vi = ui + 1 + (np.arange(total) - first)
    return order[ui], order[vi]


def _components(n: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes joined by the edges ``(lo, hi)`` (scipy.sparse.csgraph)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m = coo_matrix((np.ones(len(lo), dtype=np.int8), (lo, hi)), shape=(n, n))
    return connected_components(m, directed=False)[1]


def _largest_label(labels: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """``(label of the largest component, sizes, smallest node of each label)``; ties: the smallest node."""
    n = len(labels)
    sizes = np.bincount(labels)
    first = np.full(len(sizes), n)
    np.minimum.at(first, labels, np.arange(n))
    best = int(np.lexsort((first, -sizes))[0])
    return best, sizes, first


def _components_after(n: int, eu: np.ndarray, ev: np.ndarray, cut_edge: np.ndarray, cut_query: np.ndarray,
                      n_queries: int, gone_node: np.ndarray, gone_query: np.ndarray, marked: np.ndarray,
                      probe: np.ndarray) -> dict[str, np.ndarray]:
    """Components of the graph without each query's deleted edges and nodes.

    Parameters
    ----------
    n : int
        Number of nodes, ``0..n-1`` (their order breaks ties between largest components).
    eu, ev : ndarray of int
        The edges (distinct, ``eu < ev``).
    cut_edge, cut_query : ndarray of int
        Query ``cut_query[i]`` deletes edge ``cut_edge[i]`` (distinct pairs).
    n_queries : int
    gone_node, gone_query : ndarray of int
        Query ``gone_query[i]`` deletes node ``gone_node[i]``; it must delete all its edges too.
    marked : ndarray of bool
        Nodes counted in the largest component after each query (``marked_in_largest``).
    probe : ndarray of int
        Per query a node (or -1): is it in the largest component after (``probe_in_largest``)?

    Returns
    -------
    dict of ndarray, one value per query
        ``components``, ``largest`` (nodes), ``marked_in_largest``, ``probe_in_largest``.
    """
    out = {"components": np.zeros(n_queries, dtype=np.int64), "largest": np.zeros(n_queries, dtype=np.int64),
           "marked_in_largest": np.zeros(n_queries, dtype=np.int64),
           "probe_in_largest": np.zeros(n_queries, dtype=bool)}
    if n == 0 or n_queries == 0:
        return out
    volatile = np.zeros(len(eu), dtype=bool)
    volatile[cut_edge] = True
    # contract the edges no query deletes
    lab = _components(n, eu[~volatile], ev[~volatile])
    n_sup = int(lab.max()) + 1
    size = np.bincount(lab, minlength=n_sup).astype(np.int64)
    first = np.full(n_sup, n, dtype=np.int64)
    np.minimum.at(first, lab, np.arange(n))
    mark = np.bincount(lab, weights=marked.astype(float), minlength=n_sup).astype(np.int64)
    # deleted edges between different contracted nodes; parallel ones become one edge, deleted by a
    # query only if it deletes all of them
    su, sv = lab[eu[cut_edge]], lab[ev[cut_edge]]
    keep = su != sv
    a, b = np.minimum(su, sv)[keep], np.maximum(su, sv)[keep]
    cq = cut_query[keep]
    vol_idx = np.flatnonzero(volatile)
    va, vb = lab[eu[vol_idx]], lab[ev[vol_idx]]
    vk = va != vb
    pair_key = np.minimum(va, vb)[vk] * n_sup + np.maximum(va, vb)[vk]
    keys, n_parallel = np.unique(pair_key, return_counts=True)
    # every (edge, query) pair is distinct, so count the edges of a super-edge a query deletes
    e_key = a * n_sup + b
    pairs = np.c_[e_key, cq]
    uq, counts = (np.unique(pairs, axis=0, return_counts=True) if len(pairs)
                  else (np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)))
    full = counts == n_parallel[np.searchsorted(keys, uq[:, 0])]
    dele = uq[full]  # sorted by super-edge, then query
    # the segment tree over the queries: each super-edge in the intervals between its deletions
    tree: dict[int, list] = {}

    def insert(node: int, lo: int, hi: int, left: int, right: int, edge: tuple) -> None:
        if right < lo or hi < left:
            return
        if left <= lo and hi <= right:
            tree.setdefault(node, []).append(edge)
            return
        mid = (lo + hi) // 2
        insert(2 * node, lo, mid, left, right, edge)
        insert(2 * node + 1, mid + 1, hi, left, right, edge)

    starts = np.searchsorted(dele[:, 0], keys, side="left") if len(dele) else np.zeros(len(keys), dtype=np.int64)
    ends = np.searchsorted(dele[:, 0], keys, side="right") if len(dele) else np.zeros(len(keys), dtype=np.int64)
    dq = dele[:, 1].tolist() if len(dele) else []
    for key, s, e in zip(keys.tolist(), starts.tolist(), ends.tolist()):
        edge = divmod(key, n_sup)
        prev = 0
        for q in dq[s:e] + [n_queries]:
            if prev <= q - 1:
                insert(1, 0, n_queries - 1, prev, q - 1, edge)
            prev = q + 1
    # union-find that can be undone
    parent = list(range(n_sup))
    sz = size.tolist()
    fst = first.tolist()
    mk = mark.tolist()
    best0 = max(range(n_sup), key=lambda i: (sz[i], -fst[i]))
    state = {"roots": n_sup, "best": best0}
    history: list = []
    gone_of: dict[int, list] = {}
    for node, q in zip(gone_node.tolist(), gone_query.tolist()):
        gone_of.setdefault(q, []).append(node)
    lab_l = lab.tolist()
    probe_l = probe.tolist()

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        x, y = find(x), find(y)
        if x == y:
            return
        if (sz[x], -x) < (sz[y], -y):
            x, y = y, x
        history.append((y, x, state["best"], fst[x]))
        parent[y] = x
        sz[x] += sz[y]
        if fst[y] < fst[x]:
            fst[x] = fst[y]
        mk[x] += mk[y]
        state["roots"] -= 1
        b = state["best"]
        if b == y or (sz[x], -fst[x]) > (sz[b], -fst[b]):
            state["best"] = x

    def undo(to: int) -> None:
        while len(history) > to:
            y, x, best, fx = history.pop()
            parent[y] = y
            sz[x] -= sz[y]
            fst[x] = fx
            mk[x] -= mk[y]
            state["roots"] += 1
            state["best"] = best

    comps, largest, marked_in, probe_in = (out["components"], out["largest"], out["marked_in_largest"],
                                           out["probe_in_largest"])

    def walk(node: int, lo: int, hi: int) -> None:
        mark_h = len(history)
        for x, y in tree.get(node, ()):
            union(x, y)
        if lo == hi:
            gone = gone_of.get(lo, ())
            b = state["best"]
            if sz[b] == 1 and gone:  # every node alone: the largest is the first node not deleted
                alive = sorted(set(range(n)) - set(gone))
                comps[lo] = len(alive)
                if alive:
                    largest[lo] = 1
                    marked_in[lo] = int(marked[alive[0]])
                    probe_in[lo] = probe_l[lo] == alive[0]
            else:
                comps[lo] = state["roots"] - len(gone)
                largest[lo] = sz[b]
                marked_in[lo] = mk[b]
                p = probe_l[lo]
                probe_in[lo] = p >= 0 and p not in gone and find(lab_l[p]) == b
        else:
            mid = (lo + hi) // 2
            walk(2 * node, lo, mid)
            walk(2 * node + 1, mid + 1, hi)
        undo(mark_h)

    walk(1, 0, n_queries - 1)
    return out
