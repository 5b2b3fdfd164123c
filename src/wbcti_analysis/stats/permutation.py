"""Permutation and Monte Carlo p-values.

A Monte Carlo test compares an observed statistic with ``N`` draws of it under a null
model. When the statistic is discrete (a count of ties, say) many draws equal the
observed value, and the usual ``(1 + #{draws at least as extreme}) / (1 + N)`` counts
all of them against the hypothesis: the test is conservative (on null data it rejects
at well under the nominal level). The **mid-p** value counts ties by half and is
calibrated on discrete statistics; it is what :func:`mid_p_value` returns.
"""
from __future__ import annotations

__all__ = ["mid_p_value", "monte_carlo_p_value", "ALTERNATIVES"]

#: The sides a p-value can look at.
ALTERNATIVES = ("less", "greater")


def _counts(null, observed, alternative: str, eps: float):
    import numpy as np

    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    d = np.asarray(null, dtype=float).ravel()
    if d.size == 0:
        raise ValueError("null: give at least one draw")
    equal = np.abs(d - observed) <= eps
    more = (d < observed - eps) if alternative == "less" else (d > observed + eps)
    return int(more.sum()), int(equal.sum()), int(d.size)


def mid_p_value(null, observed: float, alternative: str = "less", eps: float = 1e-9) -> float:
    """One-sided Monte Carlo mid-p value of ``observed`` against draws ``null``.

    With ``S`` draws strictly more extreme than the observed value (smaller for
    ``"less"``, larger for ``"greater"``), ``T`` draws equal to it (within ``eps``) and
    ``N`` draws,

    ``p = (S + (T + 1) / 2) / (N + 1)``:

    the observed value is counted as one more draw (the usual +1 correction [2]_, which
    keeps ``p > 0``), and every value tied with it, itself included, counts one half [1]_.
    For a continuous statistic this is the standard estimate shifted by ``1 / (2 (N + 1))``;
    for a discrete one it is calibrated where the standard estimate is conservative.

    Parameters
    ----------
    null : array-like of float
        The statistic under the null model, one value per draw (``N >= 1``).
    observed : float
        The observed statistic.
    alternative : {"less", "greater"}
        ``"less"``: small values are evidence against the null (e.g. fewer ties than
        chance); ``"greater"``: large values are.
    eps : float
        Tolerance under which a draw counts as equal to the observed value.

    Returns
    -------
    float
        The mid-p value, in ``(0, 1)``.

    Raises
    ------
    ValueError
        An unknown ``alternative`` or no draws.

    References
    ----------
    .. [1] Lancaster, H. O. (1961). Significance tests in discrete distributions.
       *Journal of the American Statistical Association*, 56(294), 223-234.
    .. [2] Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their
       Application*. Cambridge University Press (section 4.2.1).

    Examples
    --------
    Nine draws, observed 2: one draw below (1), two equal (2, 2).

    >>> mid_p_value([1, 2, 2, 3, 4, 4, 5, 6, 7], 2)            # (1 + 3/2) / 10
    0.25
    >>> monte_carlo_p_value([1, 2, 2, 3, 4, 4, 5, 6, 7], 2)    # the conservative version
    0.4
    >>> mid_p_value([1, 2, 2, 3, 4, 4, 5, 6, 7], 2, alternative="greater")   # (6 + 3/2) / 10
    0.75
    """
    s, t, n = _counts(null, observed, alternative, eps)
    return (s + (t + 1) / 2) / (n + 1)


def monte_carlo_p_value(null, observed: float, alternative: str = "less", eps: float = 1e-9) -> float:
    """One-sided Monte Carlo p-value ``(1 + #draws at least as extreme) / (1 + N)``.

    The classic estimate [1]_ (conservative on discrete statistics; see
    :func:`mid_p_value`). Parameters as :func:`mid_p_value`.

    References
    ----------
    .. [1] Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their
       Application*. Cambridge University Press (section 4.2.1).

    Examples
    --------
    >>> monte_carlo_p_value([5, 6, 7], 4)
    0.25
    """
    s, t, n = _counts(null, observed, alternative, eps)
    return (1 + s + t) / (n + 1)
