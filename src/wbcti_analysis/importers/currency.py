"""Convert amounts into one currency, only through a rate table the user supplies.

The project never looks rates up: amounts stay in their own currency until the user
gives a rate table, a CSV with the columns ``currency`` and ``rate`` (what one unit of
that currency is worth in the target currency), optionally ``year`` (the rate of that
year) and ``target`` (the target currency; default ``EUR``; one target per table)::

    currency,rate,year,target
    USD,0.92,2019,EUR
    USD,0.88,2020,EUR
    GBP,1.14,,EUR

A row's rate is the one of its year if the table has it, else the table's rate without
a year; with neither the row is **not converted** and says so. Amounts already in the
target currency are kept as they are. Every function returns which rows were converted.

Examples
--------
>>> import io
>>> rates = read_rates(io.StringIO("currency,rate,year\\nUSD,0.9,2019\\nGBP,1.1,\\n"))
>>> rates.target, rates.rate("USD", 2019), rates.rate("USD", 2020), rates.rate("GBP", 2020)
('EUR', 0.9, None, 1.1)
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field

__all__ = ["RateTable", "read_rates", "convert_amounts", "convert_links"]


@dataclass
class RateTable:
    """Rates into ``target``: ``(currency, year or None) -> rate``; ``source`` names the file."""

    target: str
    rates: dict = field(default_factory=dict)
    source: str = ""

    def rate(self, currency: str, year: int | None = None) -> float | None:
        """Rate of ``currency`` into :attr:`target` for ``year`` (1.0 for the target itself; None if unknown)."""
        cur = str(currency or "").upper()
        if cur == self.target:
            return 1.0
        if year is not None and (cur, int(year)) in self.rates:
            return self.rates[(cur, int(year))]
        return self.rates.get((cur, None))


def read_rates(source, target: str | None = None) -> RateTable:
    """Read a rate table (path or text stream) as described in the module docstring.

    Parameters
    ----------
    source : path or file object
    target : str, optional
        Target currency when the table has no ``target`` column (default ``EUR``).

    Returns
    -------
    RateTable

    Raises
    ------
    ValueError
        Naming the file and line: a missing column, a rate that is not a positive number,
        a year that is not an integer, several targets, or the same currency and year twice.
    """
    name = str(source) if isinstance(source, (str, os.PathLike)) else getattr(source, "name", "rate table")
    if isinstance(source, (str, os.PathLike)):
        with open(source, newline="", encoding="utf-8-sig") as fh:
            text = fh.read()
    else:
        text = source.read()
    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in ("currency", "rate") if c not in cols]
    if missing:
        raise ValueError(f"{name}: rate table needs the columns currency and rate (optional: year, target); "
                         f"missing: {', '.join(missing)}")
    targets, rates = set(), {}
    for line, raw in enumerate(reader, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not row.get("currency"):
            continue
        try:
            rate = float(row["rate"])
        except ValueError:
            raise ValueError(f"{name}, line {line}: rate {row['rate']!r} is not a number") from None
        if not rate > 0:
            raise ValueError(f"{name}, line {line}: rate {rate} must be positive")
        year = row.get("year") or None
        if year is not None:
            try:
                year = int(year)
            except ValueError:
                raise ValueError(f"{name}, line {line}: year {year!r} is not an integer") from None
        key = (row["currency"].upper(), year)
        if key in rates:
            raise ValueError(f"{name}, line {line}: {key[0]} {year or '(no year)'} is given twice")
        rates[key] = rate
        if row.get("target"):
            targets.add(row["target"].upper())
    if len(targets) > 1:
        raise ValueError(f"{name}: one target currency per table; found {', '.join(sorted(targets))}")
    return RateTable((targets.pop() if targets else (target or "EUR")).upper(), rates, name)


def convert_amounts(frame, rates, amount: str = "amount", currency: str = "currency", year=None):
    """Convert ``frame[amount]`` into the rate table's target currency.

    Parameters
    ----------
    frame : DataFrame
    rates : RateTable or path
    amount, currency : str
        Column names.
    year : str or Series, optional
        Column name or values giving each row's year (for yearly rates).

    Returns
    -------
    tuple (DataFrame, DataFrame)
        The converted copy (``amount`` in the target, ``currency`` set to it for the
        converted rows; rows without a rate keep their own currency), and the report:
        one row per row with an amount, ``row`` (index label), ``original_amount``,
        ``original_currency``, ``year``, ``rate``, ``amount`` (converted or NaN) and
        ``status`` (``converted``, ``already in <target>`` or ``not converted: no rate``).

    Examples
    --------
    >>> import pandas as pd, io
    >>> rates = read_rates(io.StringIO("currency,rate\\nUSD,0.5\\n"))
    >>> df = pd.DataFrame({"amount": [10.0, 4.0, 7.0, None], "currency": ["USD", "EUR", "SEK", None]})
    >>> conv, rep = convert_amounts(df, rates)
    >>> conv["amount"].tolist()[:3], conv["currency"].tolist()[:3]
    ([5.0, 4.0, 7.0], ['EUR', 'EUR', 'SEK'])
    >>> rep["status"].tolist()
    ['converted', 'already in EUR', 'not converted: no rate']
    """
    import numpy as np
    import pandas as pd

    if not isinstance(rates, RateTable):
        rates = read_rates(rates)
    out = frame.copy()
    out[currency] = out[currency].astype(object)
    years = (out[year] if isinstance(year, str) else year) if year is not None else pd.Series(None, index=out.index)
    years = pd.Series(years, index=out.index)
    recs = []
    for idx in out.index:
        amt = out.at[idx, amount]
        if amt is None or amt != amt:
            continue
        cur = out.at[idx, currency]
        cur = None if cur is None or cur != cur else str(cur)
        y = years.get(idx)
        y = int(y) if y is not None and y == y and str(y).strip() not in ("", "<NA>") else None
        r = rates.rate(cur, y) if cur else None
        if cur == rates.target:
            status, value = f"already in {rates.target}", float(amt)
        elif r is None:
            status, value = "not converted: no rate", np.nan
        else:
            status, value = "converted", float(amt) * r
            out.at[idx, amount] = value
            out.at[idx, currency] = rates.target
        recs.append({"row": idx, "original_amount": float(amt), "original_currency": cur, "year": y,
                     "rate": r if status == "converted" else (1.0 if cur == rates.target else np.nan),
                     "amount": value, "status": status})
    report = pd.DataFrame(recs, columns=["row", "original_amount", "original_currency", "year", "rate", "amount",
                                         "status"])
    return out, report


def convert_links(links, ds, rates):
    """Convert the amounts of funder links (:func:`wbcti_analysis.funding.funder_links`).

    Each link's year is the first year of its activity's ``start_date`` (for yearly
    rates). Links whose currency has no rate keep it: the amount basis then leaves
    them out (it sums one currency), and the report says so.

    Returns
    -------
    tuple (DataFrame, DataFrame)
        The converted links and :func:`convert_amounts`' report with ``activity_id``
        and ``funder_id`` added.
    """
    import pandas as pd

    if not isinstance(rates, RateTable):
        rates = read_rates(rates)
    starts = dict(zip(ds.activities["activity_id"].astype(str), ds.activities["start_date"].astype(object)))
    years = pd.Series([_year(starts.get(str(a))) for a in links["activity_id"]], index=links.index)
    out, report = convert_amounts(links, rates, year=years)
    report.insert(1, "activity_id", [links.at[i, "activity_id"] for i in report["row"]])
    report.insert(2, "funder_id", [links.at[i, "funder_id"] for i in report["row"]])
    return out, report


def _year(value) -> int | None:
    s = "" if value is None else str(value)
    return int(s[:4]) if len(s) >= 4 and s[:4].isdigit() else None
