"""Hierarchical clustering of mechanisms on their distances (average linkage, UPGMA).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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

    Raises
    ------
    ValueError
        If ``threshold`` is not a number between 0 and 1.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise ValueError(f"cluster_threshold: must be a number between 0 and 1, got {threshold!r}")
    dist = distances.distance
    ids = sorted(dist.index)
    dist = dist.loc[ids, ids]
    off = dist.to_numpy(copy=True)
    np.fill_diagonal(off, np.nan)
    notes = []
    if len(ids) < 2:
        notes.append(f"Too thin to cluster: {len(ids)} mechanism(s) compared; at least 2 needed.")
        clusters = pd.DataFrame({"mechanism_id": ids, "cluster": list(range(1, len(ids) + 1))})
        return Clustering(None, ids, clusters, pd.DataFrame(columns=["step", "distance", "left", "right",
                                                                     "size", "members"]), [], float(threshold), notes)
    comparable = ~np.all(np.isnan(off), axis=1)
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
    sub = dist.loc[labels, labels].to_numpy(copy=True)
    n_nan = int(np.isnan(sub[np.triu_indices(len(labels), 1)]).sum())
    if n_nan:
        notes.append(f"{n_nan} pair(s) have no distance (too little comparable evidence); "
                     f"set to 1 (unrelated) for clustering only.")
    sub = np.nan_to_num(sub, nan=1.0)
    np.fill_diagonal(sub, 0.0)
    sub = (sub + sub.T) / 2
    z = linkage(squareform(sub, checks=False), method="average")
    raw = fcluster(z, t=threshold, criterion="distance")
    first: dict[int, int] = {}
    for pos, c in enumerate(raw):
        first.setdefault(int(c), pos)
    renumber = {c: k + 1 for k, c in enumerate(sorted(first, key=first.get))}
    clusters = pd.DataFrame({"mechanism_id": labels, "cluster": [renumber[int(c)] for c in raw]})
    members: dict[int, list[str]] = {i: [lab] for i, lab in enumerate(labels)}
    names = {i: lab for i, lab in enumerate(labels)}
    rows = []
    for step, (l, r, d, _) in enumerate(z, start=1):
        left, right = members[int(l)], members[int(r)]
        k = len(labels) + step - 1
        members[k] = sorted(left + right)
        names[k] = f"(step {step})"
        rows.append({"step": step, "distance": round(float(d), 4), "left": names[int(l)],
                     "right": names[int(r)], "size": len(members[k]), "members": " + ".join(members[k])})
    return Clustering(z, labels, clusters, pd.DataFrame(rows), excluded, float(threshold), notes)

