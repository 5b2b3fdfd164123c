"""Triangles and edge lookups on integer edge arrays with numpy, for the brokerage counts.

:func:`triangles` lists every triangle of a simple undirected graph once with the
degree-ordered "forward" method [1]_ [2]_: each edge is oriented from its lower- to its
higher-ranked end (rank: degree, then index), every two-step path ``x -> y -> z`` of the
oriented graph is generated with numpy (their number is at most ``m sqrt(2m)`` and, on
heavy-tailed graphs, far below the ``sum of degree^2`` two-paths of the whole graph),
and kept when ``x -> z`` is an edge. :func:`has_edges` looks up many node pairs at once
in a sorted key array. :mod:`.brokers` counts the closed two-paths of Gould and
Fernandez's roles from these triangles.

References
----------
.. [1] Schank, T., & Wagner, D. (2005). Finding, counting and listing all triangles in
   large graphs, an experimental study. In *Experimental and Efficient Algorithms (WEA
   2005)*, LNCS 3503, 606-609.
.. [2] Latapy, M. (2008). Main-memory triangle computations for very large (sparse
   (power-law)) graphs. *Theoretical Computer Science*, 407(1-3), 458-473.
"""
from __future__ import annotations

__all__ = ["edge_keys", "has_edges", "sorted_unique", "triangles"]


def edge_keys(u, v, n: int):
    """Sorted unique int64 keys ``u * n + v`` of the directed pairs ``u -> v`` (``n``: node count).

    Examples
    --------
    >>> import numpy as np
    >>> edge_keys(np.array([1, 0, 1]), np.array([0, 2, 0]), 3).tolist()
    [2, 3]
    """
    import numpy as np

    return sorted_unique(np.asarray(u, dtype=np.int64) * n + np.asarray(v, dtype=np.int64))


def sorted_unique(a):
    """``numpy.unique`` of an int array by one sort (numpy 2's hash-based ``unique`` is slower here).

    Examples
    --------
    >>> import numpy as np
    >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    import numpy as np

    s = np.sort(a)
    keep = np.ones(len(s), dtype=bool)
    keep[1:] = s[1:] != s[:-1]
    return s[keep]


def has_edges(keys, u, v, n: int):
    """Boolean array: is each pair ``u[i] -> v[i]`` among the sorted ``keys`` (:func:`edge_keys`)?

    Examples
    --------
    >>> import numpy as np
    >>> keys = edge_keys(np.array([0, 1]), np.array([1, 2]), 3)
    >>> has_edges(keys, np.array([0, 1, 2]), np.array([1, 0, 1]), 3).tolist()
    [True, False, False]
    """
    import numpy as np

    q = np.asarray(u, dtype=np.int64) * n + np.asarray(v, dtype=np.int64)
    if len(keys) == 0:
        return np.zeros(len(q), dtype=bool)
    pos = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    return keys[pos] == q


def triangles(u, v, n: int):
    """Every triangle of the simple undirected graph with edges ``u[i] - v[i]`` on nodes ``0..n-1``, once.

    Parameters
    ----------
    u, v : array of int
        Edge ends; direction, repeated edges and self-loops are ignored.
    n : int
        Number of nodes.

    Returns
    -------
    x, y, z : numpy.ndarray of int64
        The three corners of each triangle (in the degree order of the method, so each
        triangle appears in one order only).

    Examples
    --------
    A 4-clique has four triangles:

    >>> import numpy as np
    >>> u, v = np.array([0, 0, 0, 1, 1, 2]), np.array([1, 2, 3, 2, 3, 3])
    >>> x, y, z = triangles(u, v, 4)
    >>> sorted(tuple(sorted(t)) for t in zip(x.tolist(), y.tolist(), z.tolist()))
    [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    """
    import numpy as np

    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    keep = u != v
    lo, hi = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    und = sorted_unique(lo * n + hi)
    lo, hi = und // n, und % n
    deg = np.bincount(np.concatenate([lo, hi]), minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    fwd = rank[lo] < rank[hi]
    src, dst = np.where(fwd, lo, hi), np.where(fwd, hi, lo)  # lower rank -> higher rank
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    # two-paths x -> y -> z: for the oriented edge x -> y, every out-neighbour z of y
    count = indptr[dst + 1] - indptr[dst]
    total = int(count.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    x = np.repeat(src, count)
    y = np.repeat(dst, count)
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    z = dst[np.repeat(indptr[dst], count) + offset]
    closed = has_edges(src * n + dst, x, z, n)  # src * n + dst is sorted (lexsort above)
    return x[closed], y[closed], z[closed]
