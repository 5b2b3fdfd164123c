"""Partial ISO dates (``2017``, ``2017-11``, ``2017-11-07``) one at a time.

The validator and the typed tables work on whole columns
(:func:`~wbcti_analysis.datapackage.checks.partial_date_frame`); this is the same rule
for a single value.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["partial_date_bounds"]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def partial_date_bounds(value: str | None) -> tuple[Any, Any]:
    """Return (earliest, latest) ``datetime.date`` for a partial ISO date, or (None, None).

    Parameters
    ----------
    value : str or None
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None or ``""`` for no date.

    Returns
    -------
    tuple of datetime.date
        The first and last day the value can mean.

    Raises
    ------
    ValueError
        For text that is not a valid partial date (``2017-13``, ``2017-02-30``).

    Examples
    --------
    >>> partial_date_bounds("2017")
    (datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))
    >>> partial_date_bounds("2016-02")
    (datetime.date(2016, 2, 1), datetime.date(2016, 2, 29))
    """
    import calendar
    import datetime as dt

    if value is None or value == "":
        return None, None
    m = _PARTIAL_DATE.match(value)
    if not m:
        raise ValueError("not a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if mo is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    mo = int(mo)
    if not 1 <= mo <= 12:
        raise ValueError(f"month {mo} is out of range")
    if d is None:
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    day = dt.date(y, mo, int(d))  # raises ValueError for 2017-02-30
    return day, day
