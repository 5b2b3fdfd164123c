"""The E-I index of Krackhardt and Stern: how much a group's ties leave it.

``E-I = (E - I) / (E + I)`` with ``E`` the ties (or tie weight) from a group to the
outside and ``I`` those inside it: -1 when a group only ties to itself, +1 when it only
ties outside, 0 when both are equal. Used by :mod:`wbcti_analysis.graphs.mixing` per
group, per node and for a whole graph.
"""
from __future__ import annotations

import math

__all__ = ["ei_index"]


def ei_index(external: float, internal: float) -> float:
    """Return Krackhardt and Stern's E-I index ``(E - I) / (E + I)``.

    Parameters
    ----------
    external : float
        Ties (count or total weight) from the group to other groups, ``E >= 0``.
    internal : float
        Ties inside the group, ``I >= 0``.

    Returns
    -------
    float
        Between -1 (only internal ties) and +1 (only external ties); NaN when there is no
        tie at all (``E + I == 0``).

    Raises
    ------
    ValueError
        ``external`` or ``internal`` is negative or NaN.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational
       crises: an experimental simulation. *Social Psychology Quarterly*, 51(2), 123-140.

    Examples
    --------
    >>> ei_index(3, 2)
    0.2
    >>> ei_index(0, 4), ei_index(1, 0)
    (-1.0, 1.0)
    >>> ei_index(0, 0)
    nan
    """
    e = float(external)
    i = float(internal)
    if math.isnan(e) or math.isnan(i) or e < 0 or i < 0:
        raise ValueError(f"external and internal must be counts or weights >= 0, got {external!r}, {internal!r}")
    return (e - i) / (e + i) if e + i else float("nan")
