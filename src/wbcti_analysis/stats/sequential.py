"""Early stopping of Monte Carlo tests once the verdict at a level is settled.

A Monte Carlo p-value from ``n`` draws estimates the p-value of infinitely many. When
the draws so far already show on which side of ``alpha`` that p-value lies, more draws
cannot change the verdict except with a small probability, and the test may stop: the
idea of sequential Monte Carlo p-values (Besag and Clifford 1991, who stop after ``h``
draws at least as extreme, a non-significant verdict). :func:`verdict_settled` uses
one-sided Clopper-Pearson bounds at risk ``risk`` on both sides (in the spirit of
Gandy 2009), so significant verdicts stop early too: with no draw as extreme, 135 draws
bound ``p < 0.05`` at risk 0.001.

The bound is checked at a few looks (e.g. every 100 draws), not after every draw; the
risk holds per look, so the chance that a stopped test gives another verdict than the
full run is at most about ``risk`` times the number of looks (here <= 1 %), and in
practice far less because a verdict near ``alpha`` never settles and runs to the end.

References
----------
Besag, J. and Clifford, P. (1991). Sequential Monte Carlo p-values. *Biometrika* 78(2),
301-304.

Gandy, A. (2009). Sequential implementation of Monte Carlo tests with uniformly bounded
resampling risk. *Journal of the American Statistical Association* 104(488), 1504-1511.
"""
from __future__ import annotations

__all__ = ["verdict_settled", "side_counts"]


def side_counts(null, observed, alternative: str):
    """Return ``(strict, ties)``: draws strictly more extreme than ``observed`` and draws equal to it.

    Parameters
    ----------
    null : array of shape (n_draws,) or (n_draws, k)
        Draws of the statistic (one column per tested row).
    observed : float or array of shape (k,)
    alternative : {"less", "greater"}

    Examples
    --------
    >>> import numpy as np
    >>> [int(x) for x in side_counts(np.array([1, 2, 2, 3]), 2, "less")]
    [1, 2]
    """
    import numpy as np

    null = np.asarray(null, dtype=float)
    if alternative not in ("less", "greater"):
        raise ValueError(f"alternative must be 'less' or 'greater', got {alternative!r}")
    strict = (null < observed) if alternative == "less" else (null > observed)
    return strict.sum(axis=0), (null == observed).sum(axis=0)


def verdict_settled(strict, ties, n: int, alpha: float, risk: float = 1e-3):
    """Whether the p-value of infinitely many draws is surely below or surely above ``alpha``.

    Parameters
    ----------
    strict, ties : int or array of int
        Draws strictly more extreme than the observed value, and draws equal to it
        (:func:`side_counts`), out of ``n``.
    n : int
        Draws so far.
    alpha : float
        Level of the verdict.
    risk : float, default 0.001
        One-sided error of each Clopper-Pearson bound.

    Returns
    -------
    bool or array of bool
        True where the upper bound of P(at least as extreme) is below ``alpha`` or the
        lower bound of P(strictly more extreme) is above it (the mid-p lies between the
        two, so its side of ``alpha`` is settled).

    References
    ----------
    Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. *Biometrika* 26(4), 404-413.

    Examples
    --------
    None of 200 draws as extreme: surely below 5 %; 40 of 200: surely above; 10 of 200: not yet.

    >>> import numpy as np
    >>> verdict_settled(np.array([0, 40, 10]), np.array([0, 0, 0]), 200, 0.05).tolist()
    [True, True, False]
    """
    import numpy as np
    from scipy.special import betaincinv  # the beta quantile, without importing scipy.stats

    strict = np.asarray(strict, dtype=float)
    hi = strict + np.asarray(ties, dtype=float)
    with np.errstate(invalid="ignore"):
        upper = np.where(hi >= n, 1.0, betaincinv(hi + 1, np.maximum(n - hi, 1e-12), 1 - risk))
        lower = np.where(strict <= 0, 0.0, betaincinv(np.maximum(strict, 1e-12), n - strict + 1, risk))
    return (upper < alpha) | (lower > alpha)
