"""Distances between mechanisms: Jaccard and Gower, both skipping unknowns pairwise.

Each mechanism is a set of stated feature values, each known present (True), known
absent (False) or unknown (NA). A pair of mechanisms is compared only on what is known
for both, so a feature the sources do not mention never counts as a difference; the
:class:`Distances` result says on how many items each distance rests (``compared``).
Free-text features (:data:`FREE_TEXT_FEATURES`: decision rule, confidentiality, legal
basis) enter as one item each: a provision is stated, stated absent, or unknown; two
differently worded confidentiality provisions count as a match.

References
----------
.. [1] P. Jaccard, "The distribution of the flora in the alpine zone", *New Phytologist*
   11(2): 37-50, 1912.
.. [2] J. C. Gower, "A general coefficient of similarity and some of its properties",
   *Biometrics* 27(4): 857-871, 1971.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from .features import indicator_matrix
from .lineage import establishment_timeline
from ..params.checking import require_arguments
from .select import check_features
from .vocabulary import FREE_TEXT_FEATURES, NUMERIC_FEATURES

__all__ = ["Distances", "jaccard_distances", "gower_distances", "mechanism_distances"]


@dataclass
class Distances:
    """Pairwise distances between mechanisms.

    Attributes
    ----------
    distance : DataFrame
        Square, index and columns the mechanism ids; 0 = identical on everything both
        have stated, 1 = nothing in common; NaN where the pair shares no comparable
        evidence. Diagonal 0.
    compared : DataFrame
        Square, int: for Jaccard the feature values that entered the pair's comparison
        (stated for both, not absent for both); for Gower the features compared.
        Diagonal: what the mechanism has stated (values present / features).
    method : str
        ``"jaccard"`` or ``"gower"``.

    Examples
    --------
    >>> import pandas as pd
    >>> ids = ["x", "y"]
    >>> d = Distances(pd.DataFrame([[0.0, 0.25], [0.25, 0.0]], index=ids, columns=ids),
    ...               pd.DataFrame([[3, 4], [4, 5]], index=ids, columns=ids), "jaccard")
    >>> d.pairs()
       a  b  distance  compared
    0  x  y      0.25         4
    >>> bool(d.require(5).distance.at["x", "y"] >= 0)     # 4 compared values are too few: NaN
    False
    """

    distance: pd.DataFrame
    compared: pd.DataFrame
    method: str

    def require(self, min_compared: int) -> "Distances":
        """Return a copy where pairs resting on fewer than ``min_compared`` compared items are NaN.

        Parameters
        ----------
        min_compared : int
            Smallest number of compared items (feature values for Jaccard, features for
            Gower) a distance may rest on; the diagonal stays 0.

        Returns
        -------
        Distances
        """
        d = self.distance.copy()
        too_few = self.compared.to_numpy() < int(min_compared)
        np.fill_diagonal(too_few, False)
        d = d.mask(too_few)
        return Distances(d, self.compared.copy(), self.method)

    def pairs(self) -> pd.DataFrame:
        """Return the upper triangle as a long table ``a, b, distance, compared``, closest first.

        Pairs without a distance (NaN) come last; ties are ordered by ``a``, then ``b``.
        """
        ids = list(self.distance.index)
        rows = [(a, b, self.distance.at[a, b], int(self.compared.at[a, b]))
                for i, a in enumerate(ids) for b in ids[i + 1:]]
        df = pd.DataFrame(rows, columns=["a", "b", "distance", "compared"])
        return df.sort_values(["distance", "a", "b"], na_position="last", kind="stable").reset_index(drop=True)


def _binary_parts(block: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return (a, m): per pair the values present in both, and present in one and absent in the other."""
    t = block.eq(True).fillna(False).to_numpy(dtype=float)
    f = block.eq(False).fillna(False).to_numpy(dtype=float)
    a = t @ t.T
    m = t @ f.T + f @ t.T
    return a, m


def jaccard_distances(indicator: pd.DataFrame) -> Distances:
    """Return Jaccard distances between the rows of an indicator matrix, skipping unknowns pairwise.

    For mechanisms *i*, *j* only the feature values known (True or False, not NA) for
    both enter; with *a* the values present in both and *m* the values present in one and
    absent in the other, the distance is ``m / (a + m)`` (values absent in both do not
    count, as in the asymmetric binary Jaccard [1]_). NaN when ``a + m == 0``. Columns of
    :data:`NUMERIC_FEATURES` are left out. Time O(n^2 k) for n mechanisms, k values.

    Parameters
    ----------
    indicator : DataFrame
        Rows the mechanisms, columns ``(feature, value)``, dtype ``boolean`` (True present,
        False absent, NA unknown), as :func:`indicator_matrix` returns.

    Returns
    -------
    Distances
        ``distance`` in 0..1 (NaN where nothing is comparable), ``compared`` the ``a + m``
        feature values each pair rests on (diagonal: the values present), method
        ``"jaccard"``.

    Notes
    -----
    Jaccard's coefficient of community [1]_ is the share of the attributes present in
    either unit that are present in both, ``a / (a + m)``; the distance is its complement.
    Unknown values are skipped pairwise, as Gower [2]_ skips a comparison that cannot be
    made (his weight ``delta_ijk = 0``), instead of being read as absent.

    References
    ----------
    .. [1] P. Jaccard, "The distribution of the flora in the alpine zone",
       *New Phytologist* 11(2): 37-50, 1912. https://doi.org/10.1111/j.1469-8137.1912.tb05611.x
    .. [2] J. C. Gower, "A general coefficient of similarity and some of its properties",
       *Biometrics* 27(4): 857-871, 1971. https://doi.org/10.2307/2528823

    Examples
    --------
    >>> import pandas as pd
    >>> cols = pd.MultiIndex.from_tuples([("member_sector", s) for s in ("law_enforcement", "health", "education")])
    >>> ind = pd.DataFrame([[True, False, pd.NA], [True, True, True]], index=["x", "y"], columns=cols, dtype="boolean")
    >>> float(jaccard_distances(ind).distance.at["x", "y"])   # health (T/F) differs, education unknown for x
    0.5
    """
    ids = list(indicator.index)
    keep = [c for c in indicator.columns if c[0] not in NUMERIC_FEATURES]
    block = indicator.loc[:, keep]
    a, m = _binary_parts(block)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(a + m > 0, m / (a + m), np.nan)
    np.fill_diagonal(d, 0.0)
    comp = (a + m).astype(int)
    np.fill_diagonal(comp, np.diag(a).astype(int))
    return Distances(pd.DataFrame(d, index=ids, columns=ids), pd.DataFrame(comp, index=ids, columns=ids), "jaccard")


def gower_distances(indicator: pd.DataFrame, numeric: pd.DataFrame | None = None) -> Distances:
    """Return Gower distances: the mean, over the features comparable for a pair, of per-feature distances.

    Each feature has weight 1, whatever its number of values:

    * a categorical feature (a block of ``(feature, value)`` columns of ``indicator``)
      contributes ``m / (a + m)`` over its values known for both mechanisms (see
      :func:`jaccard_distances`); it is skipped for the pair when ``a + m == 0``. For a
      single-valued feature with one value each this is 0 when equal, 1 when not;
    * a numeric feature (a column of ``numeric``, e.g. the year of set-up) contributes
      ``|x_i - x_j| / R`` with R its range over the mechanisms (0 if R is 0); skipped when
      either value is NaN.

    The distance is NaN where no feature is comparable; ``compared`` counts the features.
    Numeric columns inside ``indicator`` are ignored (pass them in ``numeric``).

    Parameters
    ----------
    indicator : DataFrame
        As for :func:`jaccard_distances`.
    numeric : DataFrame, optional
        Rows the mechanisms (reindexed to ``indicator``'s), one float column per numeric
        feature (e.g. the year of set-up in calendar years), NaN where unknown.

    Returns
    -------
    Distances
        ``distance`` in 0..1 (NaN where no feature is comparable), ``compared`` the number
        of features each pair rests on, method ``"gower"``.

    Notes
    -----
    Gower's general coefficient [2]_ is ``S_ij = sum_k w_k s_ijk / sum_k w_k delta_ijk``
    with ``delta_ijk = 0`` where feature k cannot be compared for the pair; this is
    ``1 - S_ij`` with equal weights. A multi-valued categorical feature is scored by the
    asymmetric Jaccard distance [1]_ within its values (Gower's dichotomous case applied
    value by value), so a feature with many values weighs no more than one with a single
    value; numeric features use Gower's range-normalised difference.

    References
    ----------
    .. [1] P. Jaccard, "The distribution of the flora in the alpine zone",
       *New Phytologist* 11(2): 37-50, 1912. https://doi.org/10.1111/j.1469-8137.1912.tb05611.x
    .. [2] J. C. Gower, "A general coefficient of similarity and some of its properties",
       *Biometrics* 27(4): 857-871, 1971. https://doi.org/10.2307/2528823

    Examples
    --------
    >>> import pandas as pd
    >>> cols = pd.MultiIndex.from_tuples([("funding_basis", "donor"), ("member_sector", "health"),
    ...                                   ("member_sector", "education")])
    >>> ind = pd.DataFrame([[True, True, True], [True, True, False]], index=["x", "y"], columns=cols,
    ...                    dtype="boolean")
    >>> years = pd.DataFrame({"year_established": [2010.0, 2020.0]}, index=["x", "y"])
    >>> d = gower_distances(ind, years)     # funding 0, sectors 1/2, year 10/10 = 1 -> 1.5 / 3
    >>> float(d.distance.at["x", "y"]), int(d.compared.at["x", "y"])
    (0.5, 3)
    """
    ids = list(indicator.index)
    n = len(ids)
    total = np.zeros((n, n))
    count = np.zeros((n, n))
    feats = [f for f in dict.fromkeys(indicator.columns.get_level_values(0)) if f not in NUMERIC_FEATURES] \
        if indicator.shape[1] else []
    for f in feats:
        block = indicator.loc[:, [c for c in indicator.columns if c[0] == f]]
        a, m = _binary_parts(block)
        ok = (a + m) > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(ok, m / np.where(ok, a + m, 1), 0.0)
        total += d
        count += ok
    if numeric is not None:
        numeric = numeric.reindex(ids)
        for col in numeric.columns:
            x = numeric[col].astype(float).to_numpy()
            known = ~np.isnan(x)
            if known.sum() == 0:
                continue
            r = np.nanmax(x) - np.nanmin(x)
            ok = known[:, None] & known[None, :]
            with np.errstate(invalid="ignore"):
                d = np.abs(x[:, None] - x[None, :]) / r if r > 0 else np.zeros((n, n))
            total += np.where(ok, d, 0.0)
            count += ok
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
    np.fill_diagonal(dist, 0.0)
    return Distances(pd.DataFrame(dist, index=ids, columns=ids),
                     pd.DataFrame(count.astype(int), index=ids, columns=ids), "gower")


def _collapse_free_text(mat: pd.DataFrame) -> pd.DataFrame:
    """Replace the value columns of each free-text feature by one ``(feature, "(stated)")`` column.

    True where any value is present, else False where a value is stated absent, else NA.
    """
    if mat.shape[1] == 0:
        return mat
    out = mat.copy()
    for f in FREE_TEXT_FEATURES:
        cols = [c for c in out.columns if c[0] == f]
        if not cols:
            continue
        block = out.loc[:, cols]
        any_true = block.eq(True).fillna(False).any(axis=1)
        any_false = block.eq(False).fillna(False).any(axis=1)
        col = pd.array([True if t else (False if fa else pd.NA) for t, fa in zip(any_true, any_false)],
                       dtype="boolean")
        pos = list(out.columns).index(cols[0])
        out = out.drop(columns=cols)
        out.insert(pos, (f, "(stated)"), col)
    out.columns = pd.MultiIndex.from_tuples(list(out.columns), names=mat.columns.names)
    return out


def mechanism_distances(ds, mechanisms: Iterable[str] | None = None, features: Iterable[str] | None = None,
                        method: str = "jaccard", use_participations: bool = True,
                        min_compared: int = 0) -> Distances:
    """Return pairwise distances between the selected mechanisms on the selected features.

    ``method`` is ``"jaccard"`` (asymmetric binary Jaccard over every stated feature value,
    the year of set-up left out) or ``"gower"`` (mean of per-feature distances, the year of
    set-up compared numerically; disputed years enter as the midpoint of the stated
    years). Both complete single-valued features and compare free-text features on whether
    a provision is stated (see the module notes); both skip values unknown for either
    mechanism pairwise, neither treats a missing row as absent. Pairs resting on fewer than
    ``min_compared`` compared items (values for Jaccard, features for Gower) get no
    distance (NaN), see :meth:`Distances.require`.

    Parameters
    ----------
    ds : Dataset
    mechanisms, features : list of str, optional
        Selection, empty means all (see :func:`select_mechanisms`, :func:`check_features`).
    method : str
        One of :data:`DISTANCES`: ``"jaccard"`` [1]_ or ``"gower"`` [2]_.
    use_participations : bool
        Count the sectors of member bodies as member sectors.
    min_compared : int
        Pairs resting on fewer compared items get no distance (NaN).

    Returns
    -------
    Distances
        See :func:`jaccard_distances` and :func:`gower_distances`.

    Raises
    ------
    ValueError
        ``distance``/``method`` not one of :data:`DISTANCES`; unknown mechanisms or features.

    References
    ----------
    .. [1] P. Jaccard, "The distribution of the flora in the alpine zone",
       *New Phytologist* 11(2): 37-50, 1912. https://doi.org/10.1111/j.1469-8137.1912.tb05611.x
    .. [2] J. C. Gower, "A general coefficient of similarity and some of its properties",
       *Biometrics* 27(4): 857-871, 1971. https://doi.org/10.2307/2528823

    Examples
    --------
    xk-a and rs-b share level, type, the secondary tier and social welfare (4 values);
    police are present in xk-a and stated absent in rs-b (1): 1 / 5. Health (absent in
    xk-a, not stated for rs-b) and education (the reverse) are unknown for one of them and
    skipped.

    >>> from wbcti_analysis.mechanisms import example_dataset, mechanism_distances
    >>> d = mechanism_distances(example_dataset())
    >>> float(d.distance.at["xk-a", "rs-b"]), int(d.compared.at["xk-a", "rs-b"])
    (0.2, 5)
    >>> d.pairs().head(2)
                a           b  distance  compared
    0  uk-channel        xk-a  0.000000         5
    1        rs-b  uk-channel  0.166667         6
    """
    require_arguments("04-referral-mechanisms", {"distance": method, "min_compared": min_compared})
    ind = _collapse_free_text(indicator_matrix(ds, mechanisms, features, use_participations=use_participations,
                                               complete_single_valued=True))
    if method == "jaccard":
        return jaccard_distances(ind).require(min_compared)
    feats = check_features(ds, features)
    numeric = None
    if "year_established" in feats:
        tl = establishment_timeline(ds, list(ind.index))
        mid = (tl["year_min"].astype(float) + tl["year_max"].astype(float)) / 2
        numeric = pd.DataFrame({"year_established": mid.to_numpy()}, index=tl["mechanism_id"].to_numpy())
    return gower_distances(ind, numeric).require(min_compared)

