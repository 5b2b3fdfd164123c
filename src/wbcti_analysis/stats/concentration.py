"""Concentration of a distribution over a few holders: shares, the Herfindahl-Hirschman
index (HHI) and its numbers-equivalent.

The HHI is the sum of the squared shares of the holders (here: funders of a group of
activities). This module reports it on the **0-1 scale** (1 = a single holder, 1/n for n
equal holders); multiply by 10,000 for the antitrust convention, where shares are in
percent. :data:`HIGHLY_CONCENTRATED` is the threshold of the US merger guidelines of 2010
on that scale.

numpy and pandas are imported inside the functions.

References
----------
.. [1] Herfindahl, O. C. (1950). *Concentration in the Steel Industry*. PhD dissertation,
   Columbia University.
.. [2] Hirschman, A. O. (1964). The paternity of an index. *The American Economic Review*,
   54(5), 761.
.. [3] Adelman, M. A. (1969). Comment on the "H" concentration measure as a
   numbers-equivalent. *The Review of Economics and Statistics*, 51(1), 99-101.
.. [4] U.S. Department of Justice and Federal Trade Commission (2010). *Horizontal Merger
   Guidelines*, section 5.3 (HHI below 1,500 unconcentrated, 1,500-2,500 moderately,
   above 2,500 highly concentrated). The 2023 *Merger Guidelines* (section 2.1) lower the
   "highly concentrated" mark to 1,800.
"""
from __future__ import annotations

__all__ = ["shares", "hhi", "effective_number", "HIGHLY_CONCENTRATED", "MODERATELY_CONCENTRATED"]

#: HHI (0-1 scale) above which a market is "highly concentrated" in the 2010 US Horizontal
#: Merger Guidelines (2,500 on the 0-10,000 scale) [4]_.
HIGHLY_CONCENTRATED = 0.25
#: HHI (0-1 scale) above which a market is "moderately concentrated" in the same guidelines
#: (1,500 on the 0-10,000 scale).
MODERATELY_CONCENTRATED = 0.15


def shares(weights):
    """Return each holder's share of the total weight (0-1).

    Parameters
    ----------
    weights : pandas.Series or sequence of numbers
        Non-negative weights (activities funded, money given), one per holder.

    Returns
    -------
    pandas.Series
        ``weights / weights.sum()`` with the input's index (a RangeIndex for a plain
        sequence); all NaN when the total is not positive.

    Examples
    --------
    >>> shares({"ec": 3, "al-min": 1}).to_dict()
    {'ec': 0.75, 'al-min': 0.25}
    """
    import numpy as np
    import pandas as pd

    w = weights if isinstance(weights, pd.Series) else pd.Series(weights, dtype=float)
    w = w.astype(float)
    total = w.sum()
    if not total > 0:
        return pd.Series(np.nan, index=w.index)
    return w / total


def hhi(weights) -> float:
    """Return the Herfindahl-Hirschman index of ``weights`` on the 0-1 scale.

    .. math:: H = \\sum_i s_i^2, \\qquad s_i = w_i / \\sum_j w_j

    Parameters
    ----------
    weights : pandas.Series or sequence of numbers
        Non-negative weights, one per holder (zeros add nothing).

    Returns
    -------
    float
        Between 1/n (n equal holders) and 1 (a single holder); NaN when there is no
        positive weight.

    Notes
    -----
    Computed in O(n). Multiply by 10,000 for the antitrust convention (shares in percent).

    References
    ----------
    .. [1] Herfindahl, O. C. (1950). *Concentration in the Steel Industry*. PhD
       dissertation, Columbia University.
    .. [2] Hirschman, A. O. (1964). The paternity of an index. *The American Economic
       Review*, 54(5), 761.

    Examples
    --------
    >>> hhi([3, 2])          # 0.6 ** 2 + 0.4 ** 2
    0.52
    >>> hhi([1, 1, 1, 1])    # four equal holders
    0.25
    >>> hhi([0, 0])
    nan
    """
    import numpy as np

    s = shares(weights)
    if s.isna().all():
        return np.nan
    return float((s ** 2).sum())


def effective_number(h: float) -> float:
    """Return the numbers-equivalent of an HHI: ``1 / h`` (NaN for a missing or zero index).

    The number of equal holders that would give the same index [1]_.

    References
    ----------
    .. [1] Adelman, M. A. (1969). Comment on the "H" concentration measure as a
       numbers-equivalent. *The Review of Economics and Statistics*, 51(1), 99-101.

    Examples
    --------
    >>> effective_number(0.25)
    4.0
    >>> effective_number(float("nan"))
    nan
    """
    import numpy as np

    if h is None or h != h or h <= 0:
        return np.nan
    return 1 / h
