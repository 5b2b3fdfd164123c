"""Hierarchical clustering of mechanisms on their distances (average linkage, UPGMA).

Average linkage (UPGMA, Sokal and Michener 1958) merges, step by step, the two groups
whose mean pairwise distance is smallest. It needs only a distance matrix, so it works
with the Jaccard and Gower distances of :mod:`wbcti_analysis.mechanisms.distances`, and
unlike Ward's method it does not assume Euclidean distances. scipy is imported inside
the function.

References
----------
.. [1] R. R. Sokal and C. D. Michener, "A statistical method for evaluating systematic
   relationships", *University of Kansas Science Bulletin* 38: 1409-1438, 1958.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..params.checking import require_arguments
from .distances import Distances

__all__ = ["Clustering", "cluster_mechanisms"]


@dataclass
class Clustering:
    """Average-linkage clustering of mechanisms (see :func:`cluster_mechanisms`).

    Attributes
    ----------
    linkage : ndarray or None
        scipy linkage matrix over ``labels``; None when fewer than two mechanisms can be
        clustered.
    labels : list of str
        Mechanism ids in the order of the linkage's leaves 0..n-1 (sorted ids).
    clusters : DataFrame
        ``mechanism_id, cluster``: clusters cut at ``threshold``, numbered 1.. in order of
        their first member id.
    merges : DataFrame
        One row per merge, in order: ``step, distance`` (average linkage, rounded to 4
        places), ``left, right`` (a mechanism id, or ``"(step k)"`` for the group formed at
        step k), ``size`` and ``members`` (the ids of the merged group, ``' + '``-joined).
    excluded : list of str
        Mechanisms sharing no comparable evidence with any other, left out.
    threshold : float
        Cut height (distance).
    notes : list of str
        What a reader should know (too thin, excluded mechanisms, NaN pairs).
    """

    linkage: np.ndarray | None
    labels: list[str]
    clusters: pd.DataFrame
    merges: pd.DataFrame
    excluded: list[str]
    threshold: float
    notes: list[str] = field(default_factory=list)


def cluster_mechanisms(distances: Distances, threshold: float = 0.5) -> Clustering:
    """Cluster mechanisms hierarchically (scipy, average linkage) on their distances.

    Mechanisms with no distance (NaN) to any other mechanism are left out (listed in
    ``excluded``). Remaining pairs with no distance are set to 1 (unrelated) for
    clustering only, and said so in ``notes``. Ties are broken by id order: the
    mechanisms are sorted by id before linkage, and scipy merges the first closest pair.

    Parameters
    ----------
    distances : Distances
        As :func:`mechanism_distances` returns (distances in 0..1).
    threshold : float
        Cut height, a distance in 0..1: mechanisms joined below it share a cluster.

    Returns
    -------
    Clustering
        Linkage, clusters, merge order, excluded mechanisms and notes; ``linkage`` None
        (and a note "Too thin ...") when fewer than two mechanisms can be clustered.

    Raises
    ------
    wbcti_analysis.params.ParameterError
        A ``ValueError``: ``threshold`` is not allowed by notebook 04's ``cluster_threshold``
        (a number between 0 and 1).

    Notes
    -----
    UPGMA [1]_: the distance between two groups is the mean of the distances between
    their members; computed by ``scipy.cluster.hierarchy.linkage(method="average")`` [2]_.
    Time and memory O(n^2) for n mechanisms: the n(n-1)/2 distances are the input, and scipy's
    average linkage (nearest-neighbour chain) is O(n^2) on them.

    References
    ----------
    .. [1] R. R. Sokal and C. D. Michener, "A statistical method for evaluating systematic
       relationships", *University of Kansas Science Bulletin* 38: 1409-1438, 1958.
    .. [2] D. Müllner, "Modern hierarchical, agglomerative clustering algorithms",
       arXiv:1109.2378, 2011 (the algorithms of ``scipy.cluster.hierarchy.linkage``).

    Examples
    --------
    Mean distances: {uk-channel, xk-a} joins rs-b at (0.167 + 0.2) / 2 = 0.1833.

    >>> from wbcti_analysis.mechanisms import example_dataset, mechanism_distances, cluster_mechanisms
    >>> cl = cluster_mechanisms(mechanism_distances(example_dataset()), threshold=0.2)
    >>> cl.merges[["step", "distance", "left", "right"]]
       step  distance             left     right
    0     1    0.0000       uk-channel      xk-a
    1     2    0.1833             rs-b  (step 1)
    2     3    0.3730  dk-aarhus-model  (step 2)
    >>> dict(zip(cl.clusters["mechanism_id"], cl.clusters["cluster"]))
    {'dk-aarhus-model': 1, 'rs-b': 2, 'uk-channel': 2, 'xk-a': 2}
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    threshold = require_arguments("04-referral-mechanisms", {"cluster_threshold": threshold}).values[
        "cluster_threshold"]
    dist = distances.distance
    index = list(dist.index)
    order = sorted(range(len(index)), key=lambda i: index[i])
    ids = [index[i] for i in order]
    cols = dist.columns.get_indexer(ids)
    full = dist.to_numpy(dtype=float)
    if order != list(range(len(index))) or (cols != np.arange(len(cols))).any():  # rows and columns in id order
        full = full[order][:, cols]
    notes = []
    if len(ids) < 2:
        notes.append(f"Too thin to cluster: {len(ids)} mechanism(s) compared; at least 2 needed.")
        clusters = pd.DataFrame({"mechanism_id": ids, "cluster": list(range(1, len(ids) + 1))})
        return Clustering(None, ids, clusters, pd.DataFrame(columns=["step", "distance", "left", "right",
                                                                     "size", "members"]), [], float(threshold), notes)
    known = ~np.isnan(full)
    np.fill_diagonal(known, False)
    comparable = known.any(axis=1)
    excluded = [i for i, ok in zip(ids, comparable) if not ok]
    labels = [i for i, ok in zip(ids, comparable) if ok]
    if excluded:
        notes.append(f"Left out of the clustering (no distance to any other mechanism: too little "
                     f"comparable evidence): {', '.join(excluded)}.")
    empty_clusters = pd.DataFrame({"mechanism_id": labels, "cluster": list(range(1, len(labels) + 1))})
    empty_merges = pd.DataFrame(columns=["step", "distance", "left", "right", "size", "members"])
    if len(labels) < 2:
        notes.append(f"Too thin to cluster: {len(labels)} mechanism(s) with comparable evidence; at least 2 needed.")
        return Clustering(None, labels, empty_clusters, empty_merges, excluded, float(threshold), notes)
    keep = np.flatnonzero(comparable)
    sub = full[keep][:, keep] if len(keep) < len(ids) else full
    upper = squareform(sub, checks=False)  # pairs i < j, row by row
    lower = squareform(np.ascontiguousarray(sub.T), checks=False)  # the same pairs read as (j, i)
    n_nan = int(np.isnan(upper).sum())
    if n_nan:
        notes.append(f"{n_nan} pair(s) have no distance (too little comparable evidence); "
                     f"set to 1 (unrelated) for clustering only.")
    # the condensed matrix of the symmetrised distances, NaN read as 1 (unrelated)
    cond = np.nan_to_num(upper, nan=1.0, copy=False)
    cond += np.nan_to_num(lower, nan=1.0, copy=False)
    cond /= 2
    z = linkage(cond, method="average")
    raw = fcluster(z, t=threshold, criterion="distance")
    first: dict[int, int] = {}
    for pos, c in enumerate(raw.tolist()):
        first.setdefault(c, pos)
    renumber = {c: k + 1 for k, c in enumerate(sorted(first, key=first.get))}
    clusters = pd.DataFrame({"mechanism_id": labels, "cluster": [renumber[c] for c in raw.tolist()]})
    members: dict[int, list[str]] = {i: [lab] for i, lab in enumerate(labels)}
    names = {i: lab for i, lab in enumerate(labels)}
    rows = []
    for step, (l, r, d, _) in enumerate(z.tolist(), start=1):
        left, right = members.pop(int(l)), members.pop(int(r))
        k = len(labels) + step - 1
        members[k] = merged = sorted(left + right)
        names[k] = f"(step {step})"
        rows.append({"step": step, "distance": round(d, 4), "left": names[int(l)],
                     "right": names[int(r)], "size": len(merged), "members": " + ".join(merged)})
    return Clustering(z, labels, clusters, pd.DataFrame(rows), excluded, float(threshold), notes)

