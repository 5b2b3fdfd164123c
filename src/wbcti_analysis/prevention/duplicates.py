"""Possible duplication: pairs of activities that look like the same work by different actors.

Text similarity is the cosine of TF-IDF vectors (Salton & Buckley 1988) of title and
description; theme and country overlaps are Jaccard coefficients (Jaccard 1912). The
combined score weighs them with :data:`DUPLICATE_WEIGHTS` and a time term.

References
----------
.. [1] Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
   retrieval. *Information Processing & Management*, 24(5), 513-523.
.. [2] Jaccard, P. (1912). The distribution of the flora in the alpine zone.
   *New Phytologist*, 11(2), 37-50.
.. [3] Pedregosa, F., et al. (2011). Scikit-learn: Machine learning in Python.
   *Journal of Machine Learning Research*, 12, 2825-2830.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from .checks import check_method, check_threshold, check_weights
from .constants import DOER_ROLES, DUPLICATE_WEIGHTS
from .effort import _activity_frame

__all__ = ["find_duplicates", "DUPLICATE_COLUMNS", "DUPLICATE_METHODS"]

DUPLICATE_METHODS: tuple[str, ...] = ("neighbours", "all_pairs")
"""How candidate pairs are found: a blocked similarity search within each country, or every pair."""

DUPLICATE_COLUMNS: tuple[str, ...] = (
    "activity_a", "activity_b", "title_a", "title_b", "score", "text", "themes", "countries", "time",
    "shared_countries", "period_a", "period_b", "doers_a", "doers_b", "doers_known", "shared_funders")
"""Columns of :func:`find_duplicates`."""


def _jaccard(a, b) -> float:
    a, b = set(a or ()), set(b or ())
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def _tfidf(texts: list[str]):
    """TF-IDF matrix (unigrams and bigrams, sublinear tf, English stop words), or None if empty."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", strip_accents="unicode")
    try:
        return vec.fit_transform(texts)
    except ValueError:  # empty vocabulary: nothing but stop words
        return None


def _text_similarity(texts: list[str]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors (unigrams and bigrams, English stop words removed)."""
    from sklearn.metrics.pairwise import cosine_similarity

    n = len(texts)
    if n == 0:
        return np.zeros((0, 0))
    x = _tfidf(texts)
    if x is None:
        return np.zeros((n, n))
    return cosine_similarity(x)


def _min_text(wts: dict[str, float], threshold: float) -> float:
    """The lowest text similarity with which a pair can still reach ``threshold``.

    The context terms (themes, countries, time) are each at most 1, so a pair scores at
    most ``w_text * text + (w_themes + w_countries + w_time)``.
    """
    if wts["text"] <= 0:
        return -np.inf
    context = wts["themes"] + wts["countries"] + wts["time"]
    return (threshold - context) / wts["text"]


#: Entries (pairs) of one dense block of the similarity search: 4 M float64 = 32 MB.
_BLOCK_ENTRIES = 4_000_000


def _country_groups(sel_countries: list) -> list[np.ndarray]:
    """Row indices of the activities of each country (``"none"`` left out), one sorted array per country.

    A duplicate pair shares a country, so only pairs within a group are candidates.
    """
    rows: dict[str, list] = {}
    for i, cs in enumerate(sel_countries):
        for c in set(cs):
            if c != "none":
                rows.setdefault(c, []).append(i)
    return [np.array(v, dtype=np.int64) for _, v in sorted(rows.items()) if len(v) > 1]


def _neighbour_pairs(texts: list[str], wts: dict[str, float], threshold: float, groups: list | None = None):
    """Candidate pairs ``(i, j)``, ``i < j``, and their text similarity, by a blocked similarity search.

    Returns None when every pair can reach ``threshold`` on context alone (then every pair
    is a candidate). Otherwise, within each group of rows (``groups``, e.g. the activities
    of one country; None means one group of all rows), the cosine similarities of the
    TF-IDF vectors are computed block by block (rows ``i`` against the rows ``j > i`` of
    the group, the normalised sparse rows multiplied into a dense block of at most
    :data:`_BLOCK_ENTRIES` pairs, scikit-learn's ``sparse_matmul_to_dense``), and the
    pairs whose similarity reaches ``min_text`` (a margin of 1e-9 below it) are kept; the
    others cannot reach ``threshold``. The product sums each pair's terms in the order of
    row ``i``, as the sparse product of :func:`cosine_similarity` does, so each kept
    similarity is the all-pairs value bit for bit. Time O(sum over groups of m^2) for
    groups of m activities (all pairs are compared, in compiled code); memory one block.
    """
    from sklearn.preprocessing import normalize
    from sklearn.utils.sparsefuncs import sparse_matmul_to_dense

    t_min = _min_text(wts, threshold)
    if t_min <= 0:
        return None
    x = _tfidf(texts)
    empty = np.zeros((0, 2), dtype=int), np.zeros(0)
    if x is None:  # no vocabulary: every text similarity is 0 < t_min
        return empty
    bound = t_min - 1e-9 - 1e-12 / wts["text"]
    xn = normalize(x).tocsr()
    if groups is None:
        groups = [np.arange(x.shape[0])]
    found_i, found_j, found_t = [], [], []
    for rows in groups:
        xg = xn[rows]
        m = len(rows)
        step = max(1, min(m, _BLOCK_ENTRIES // max(m, 1)))
        for start in range(0, m, step):
            stop = min(m, start + step)
            block = sparse_matmul_to_dense(xg[start:stop], xg[start:].T.tocsr())
            bi, bj = np.nonzero(block >= bound)
            keep = bj > bi  # only j > i: the part of the block right of its diagonal
            bi, bj = bi[keep], bj[keep]
            found_i.append(rows[start + bi])
            found_j.append(rows[start + bj])
            found_t.append(block[bi, bj])
    if not found_i:
        return empty
    i, j, t = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_t)
    if not len(i):
        return empty
    # a pair of activities sharing several countries is found once per country: keep one
    key, first = np.unique(i * x.shape[0] + j, return_index=True)
    return np.c_[i[first], j[first]].astype(int), t[first].astype(float)


def _overlapping(af: pd.DataFrame, pairs: np.ndarray) -> np.ndarray:
    """Per pair of rows of ``af``: False if both are dated and their date ranges do not meet.

    The time condition of :func:`_pair`, vectorised, so that the pairs it would reject
    are dropped before the per-pair work.
    """
    start, end = af["start"].to_numpy(dtype="datetime64[ns]"), af["end"].to_numpy(dtype="datetime64[ns]")
    lo = np.where(np.isnat(start), end, start)
    hi = np.where(np.isnat(end), start, end)
    a, b = pairs[:, 0], pairs[:, 1]
    dated = ~np.isnat(lo[a]) & ~np.isnat(lo[b])
    with np.errstate(invalid="ignore"):
        apart = (hi[a] < lo[b]) | (hi[b] < lo[a])
    return ~(dated & apart)


def _doers(ds) -> pd.Series:
    part = ds.participations
    return (part[part["role"].astype(str).isin(DOER_ROLES)].assign(activity_id=lambda d: d["activity_id"].astype(str))
            .groupby("activity_id")["actor_id"].agg(lambda s: tuple(sorted(set(map(str, s))))))


def _pair(a: dict, b: dict, text: float, parent: dict, wts: dict, threshold: float,
          require_different_actors: bool) -> dict | None:
    """The row of the pair (a, b) if it is a candidate scoring at least ``threshold``, else None."""
    shared = tuple(c for c in a["sel_countries"] if c in b["sel_countries"] and c != "none")
    if not shared:
        return None
    dated_a = pd.notna(a["start"]) or pd.notna(a["end"])
    dated_b = pd.notna(b["start"]) or pd.notna(b["end"])
    if dated_a and dated_b:
        lo_a = a["start"] if pd.notna(a["start"]) else a["end"]
        hi_a = a["end"] if pd.notna(a["end"]) else a["start"]
        lo_b = b["start"] if pd.notna(b["start"]) else b["end"]
        hi_b = b["end"] if pd.notna(b["end"]) else b["start"]
        if hi_a < lo_b or hi_b < lo_a:
            return None
        time = 1.0
    else:
        time = 0.5
    pa, pb = parent.get(a["activity_id"]), parent.get(b["activity_id"])
    pa = pa if isinstance(pa, str) else None
    pb = pb if isinstance(pb, str) else None
    if pa == b["activity_id"] or pb == a["activity_id"] or (pa is not None and pa == pb):
        return None
    known = bool(a["doers"]) and bool(b["doers"])
    if require_different_actors and known and set(a["doers"]) == set(b["doers"]):
        return None
    th = _jaccard(a["themes"], b["themes"])
    co = _jaccard(a["sel_countries"], b["sel_countries"])
    score = wts["text"] * text + wts["themes"] * th + wts["countries"] * co + wts["time"] * time
    if score + 1e-12 < threshold:
        return None
    return {"activity_a": a["activity_id"], "activity_b": b["activity_id"], "title_a": a["title"],
            "title_b": b["title"], "score": score, "text": text, "themes": th, "countries": co,
            "time": time, "shared_countries": ";".join(shared), "period_a": a["period"],
            "period_b": b["period"], "doers_a": ";".join(a["doers"]), "doers_b": ";".join(b["doers"]),
            "doers_known": known,
            "shared_funders": ";".join(sorted(set(a["funders"]) & set(b["funders"])))}


def find_duplicates(ds, threshold: float = 0.5, countries: Iterable[str] | None = None,
                    weights: dict[str, float] | None = None, require_different_actors: bool = True,
                    split_year: int = 2018, method: str = "neighbours") -> pd.DataFrame:
    """Return pairs of activities that look like the same work, ranked by a combined score.

    Candidate pairs must (1) share at least one country (of ``countries`` if given),
    (2) overlap in time: their date ranges (start to end, partial dates widened to their
    bounds) intersect, or at least one of them is undated, (3) not be parts of one another
    or of the same parent (``part_of``), and, with ``require_different_actors``, (4) not
    have the same set of doers (actors with role lead, implementer or chair): work by one
    actor is a series, not a duplication. Pairs where a doer set is unknown are kept
    (``doers_known = False``).

    Combined score, in [0, 1] (weights :data:`DUPLICATE_WEIGHTS`, overridable)::

        score = 0.6 * text + 0.2 * themes + 0.1 * countries + 0.1 * time

    - ``text``: cosine similarity of TF-IDF vectors of title + description (unigrams and
      bigrams, sublinear tf, English stop words removed, fitted on the activities in
      scope; Salton & Buckley 1988);
    - ``themes``, ``countries``: Jaccard overlap of the two activities' theme and country
      sets (0 when both are empty);
    - ``time``: 1 when both are dated and their ranges overlap, 0.5 when one is undated.

    With the default weights a pair needs a text similarity of at least 0.17 to reach 0.5
    even with identical themes, countries and dates, so context alone never makes a
    duplicate.

    Candidates: with ``method="neighbours"`` (default) only the pairs of activities that
    share a country are compared (one group per country), and among them only those
    whose text similarity is high enough for the score to reach ``threshold`` even with
    full context (``text >= (threshold - 0.4) / 0.6`` with the default weights) are kept;
    the similarities are computed in compiled code, block by block (at most
    :data:`_BLOCK_ENTRIES` pairs in memory at a time), the time condition is then checked
    on those pairs with numpy and the remaining conditions per pair, so the Python work
    grows with the number of similar pairs. The comparison itself stays O(sum over
    countries of m^2) for m activities in a country (exact: every pair of a country is
    compared). When context alone can reach ``threshold`` (``threshold <= 0.4`` with the
    default weights) every pair is a candidate. ``method="all_pairs"`` checks every pair
    (O(n^2) in Python); both give the same result.

    Parameters
    ----------
    ds : Dataset
    threshold : float
        Minimum combined score (0..1) of a listed pair.
    countries : iterable of ISO codes, optional
    weights : dict, optional
        Components among ``text``, ``themes``, ``countries``, ``time`` to override; the
        weights are normalised to sum to 1.
    require_different_actors : bool
        Leave out pairs done by the same set of actors.
    split_year : int
        First year of the second period (``period_a``, ``period_b``).
    method : {"neighbours", "all_pairs"}
        How candidate pairs are found (above).

    Returns
    -------
    DataFrame, one row per pair with ``score >= threshold``, best first: ``activity_a``,
    ``activity_b``, ``title_a``, ``title_b``, ``score``, ``text``, ``themes``,
    ``countries``, ``time``, ``shared_countries``, ``period_a``, ``period_b``, ``doers_a``,
    ``doers_b``, ``doers_known``, ``shared_funders``.

    Raises
    ------
    ValueError
        For a ``threshold`` outside [0, 1], unknown or negative ``weights``, an unknown
        ``method`` or an unknown country code.

    References
    ----------
    .. [1] Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
       retrieval. *Information Processing & Management*, 24(5), 513-523.
    .. [2] Jaccard, P. (1912). The distribution of the flora in the alpine zone.
       *New Phytologist*, 11(2), 37-50.
    .. [3] Pedregosa, F., et al. (2011). Scikit-learn: Machine learning in Python.
       *Journal of Machine Learning Research*, 12, 2825-2830.

    Examples
    --------
    In the example package only e1 (AL, XK; 2016-2017) and e4 (AL; undated) share a
    country and time; their texts share no word, so only context scores:

    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> d = find_duplicates(example_dataset(), threshold=0.1)
    >>> d[["activity_a", "activity_b", "text", "countries", "time", "score"]].values.tolist()
    [['e1', 'e4', 0.0, 0.5, 0.5, 0.1]]
    >>> find_duplicates(example_dataset(), threshold=0.5).empty
    True
    """
    check_threshold(threshold)
    wts = check_weights(weights, DUPLICATE_WEIGHTS)
    check_method(method)
    af = _activity_frame(ds, split_year, countries)
    cols = list(DUPLICATE_COLUMNS)
    if len(af) < 2:
        return pd.DataFrame(columns=cols)
    doers = _doers(ds)
    af["doers"] = af["activity_id"].map(doers).map(lambda v: v if isinstance(v, tuple) else ())
    texts = (af["title"] + ". " + af["description"]).tolist()
    parent = dict(zip(af["activity_id"], af["part_of"]))
    n = len(af)
    found = (_neighbour_pairs(texts, wts, threshold, _country_groups(af["sel_countries"].tolist()))
             if method == "neighbours" else None)
    if found is None:
        recs = af.to_dict("records")
        sim = _text_similarity(texts)
        iu, ju = np.triu_indices(n, k=1)
        candidates = zip(iu.tolist(), ju.tolist(), sim[iu, ju].tolist())
    else:
        pairs, text = found
        keep = _overlapping(af, pairs)
        pairs, text = pairs[keep], text[keep]
        needed = np.unique(pairs)
        recs = dict(zip(needed.tolist(), af.iloc[needed].to_dict("records")))
        candidates = zip(pairs[:, 0].tolist(), pairs[:, 1].tolist(), text.tolist())
    rows = []
    for i, j, t in candidates:
        row = _pair(recs[i], recs[j], float(t), parent, wts, threshold, require_different_actors)
        if row is not None:
            rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["score", "activity_a", "activity_b"], ascending=[False, True, True]).reset_index(drop=True)
