"""Custom checks for what Table Schema cannot say, as vectorised pandera checks.

Each factory returns a ``pandera.Check`` and the :class:`CheckSpec` the formatter
(:func:`~wbcti_analysis.datapackage.messages.problems_from_report`) uses to word its
failures. The check's ``error`` is the spec's id, so the report points back to the spec.

* :func:`list_check`: a ``wbcti:list`` column, checked value by value (each part of
  ``AL;XK`` in the list's vocabulary, none twice);
* :func:`feature_checks`: the ``wbcti:valuesByFeature`` vocabularies (and patterns,
  e.g. ``year_established`` is four digits);
* :func:`calendar_check`: a partial ISO date (``2017``, ``2017-11``, ``2017-11-07``)
  names a real day (not ``2017-02-30``);
* :func:`date_order_check`: a range does not end before it starts, comparing the
  earliest day of the start with the latest day of the end;
* :func:`foreign_key_check`: every key names a row of the referenced table (a
  vectorised ``isin`` on the key tuples).

The table arrives as text (index = CSV line numbers) with missing cells as NA. pandas
and pandera are imported inside the factories only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CheckSpec", "list_check", "feature_checks", "calendar_check", "date_order_check",
           "foreign_key_check", "partial_date_frame", "DEFAULT_FEATURE_PATTERNS"]

#: Patterns per feature used when the descriptor gives no ``wbcti:patternsByFeature``.
DEFAULT_FEATURE_PATTERNS = {"year_established": r"\d{4}"}


@dataclass(frozen=True)
class CheckSpec:
    """What a check tests, for the formatter: ``kind``, the ``column`` reported, ``params``."""

    id: str
    kind: str
    column: str
    params: dict = field(default_factory=dict)


def _check(fn, spec: CheckSpec):
    import pandera.pandas as pa

    return pa.Check(fn, error=spec.id, ignore_na=False), spec


def list_check(id: str, column: str, spec_list: dict):
    """Return a check that every part of a ``wbcti:list`` cell is allowed and none repeats.

    Parameters
    ----------
    id : str
        The check's id (its ``error`` in pandera's report).
    column : str
        The list column.
    spec_list : dict
        The field's ``wbcti:list``: ``enum`` and ``delimiter`` (default ``;``).

    Returns
    -------
    tuple of (pandera.Check, CheckSpec)

    Examples
    --------
    >>> import pandas as pd
    >>> check, spec = list_check("t.c:list", "c", {"enum": ["AL", "XK"]})
    >>> check(pd.Series(["AL;XK", "AL;KS", "XK;XK", None], index=[2, 3, 4, 5])).check_output.tolist()
    [True, False, False, True]
    """
    delimiter = spec_list.get("delimiter", ";")
    allowed = list(spec_list["enum"])

    def fn(s):
        parts = s.dropna().astype(str).str.split(delimiter, regex=False).explode()
        ok = parts.isin(allowed).groupby(level=0).all()
        unique = ~parts.reset_index().duplicated().groupby(parts.index).any()
        return (ok & unique).reindex(s.index, fill_value=True)

    return _check(fn, CheckSpec(id, "list", column, {"values": allowed, "delimiter": delimiter}))


def feature_checks(ids: tuple[str, str], column: str, field_desc: dict, feature_column: str = "feature"):
    """Return checks of a column's values against the vocabulary (and pattern) of each row's feature.

    A feature not named in ``wbcti:valuesByFeature`` accepts any value; a pattern (from
    ``wbcti:patternsByFeature`` or :data:`DEFAULT_FEATURE_PATTERNS`) must match the whole value.
    """
    import pandas as pd

    by_feature = {k: list(v) for k, v in field_desc.get("wbcti:valuesByFeature", {}).items()}
    patterns = {**DEFAULT_FEATURE_PATTERNS, **field_desc.get("wbcti:patternsByFeature", {})}
    allowed = pd.DataFrame([(f, v) for f, vs in by_feature.items() for v in vs], columns=["f", "v"])
    known = pd.MultiIndex.from_frame(allowed)

    def values(df):
        feat, val = df[feature_column], df[column]
        has_vocab = feat.isin(list(by_feature))
        pairs = pd.MultiIndex.from_arrays([feat.astype(object), val.astype(object)])
        return ~has_vocab | val.isna() | pairs.isin(known)

    def pattern(df):
        ok = pd.Series(True, index=df.index)
        for feat, pat in patterns.items():
            rows = df[feature_column].eq(feat) & df[column].notna()
            ok[rows] = df.loc[rows, column].astype(str).str.fullmatch(pat)
        return ok

    return [_check(values, CheckSpec(ids[0], "feature_values", column,
                                     {"by_feature": by_feature, "feature_column": feature_column})),
            _check(pattern, CheckSpec(ids[1], "feature_pattern", column,
                                      {"by_feature": patterns, "feature_column": feature_column}))]


def partial_date_frame(s):
    """Return a DataFrame of ``earliest`` and ``latest`` ``datetime64[ns]`` for partial ISO dates.

    Cells that are missing or not a valid partial date give NaT.

    >>> import pandas as pd
    >>> b = partial_date_frame(pd.Series(["2016-02", "2017", None, "2017-02-30"]))
    >>> [str(x.date()) if pd.notna(x) else None for x in b["latest"]]
    ['2016-02-29', '2017-12-31', None, None]
    """
    import pandas as pd

    text = s.astype(object).where(s.notna(), None)
    length = text.str.len()
    day = pd.to_datetime(text.where(length == 10), format="%Y-%m-%d", errors="coerce")
    month = pd.to_datetime(text.where(length == 7), format="%Y-%m", errors="coerce")
    year = pd.to_datetime(text.where(length == 4), format="%Y", errors="coerce")
    earliest = day.fillna(month).fillna(year)
    latest = day.fillna(month + pd.offsets.MonthEnd(0)).fillna(year + pd.offsets.YearEnd(0))
    return pd.DataFrame({"earliest": earliest, "latest": latest}, index=s.index).astype("datetime64[ns]")


def calendar_check(id: str, column: str, pattern: str):
    """Return a check that a partial date matching ``pattern`` names a real day (``2017-02-30`` fails).

    Text that does not match the field's pattern is left to the pattern check.
    """
    import re

    full = re.compile(f"(?:{pattern})\\Z")

    def fn(s):
        shaped = s.astype("string").str.match(full).fillna(False).astype(bool)
        return ~shaped | partial_date_frame(s)["earliest"].notna()

    return _check(fn, CheckSpec(id, "calendar", column))


def date_order_check(id: str, start: str, end: str):
    """Return a check that the range ``start``..``end`` of partial dates does not end before it starts."""

    def fn(df):
        lo = partial_date_frame(df[start])["earliest"]
        hi = partial_date_frame(df[end])["latest"]
        return ~(lo > hi).fillna(False)

    return _check(fn, CheckSpec(id, "date_order", end, {"start": start}))


def foreign_key_check(id: str, fields: list[str], target, ref_file: str, ref_fields: list[str]):
    """Return a check that every non-empty key of ``fields`` is one of ``target``.

    Parameters
    ----------
    target : pandas.DataFrame
        The referenced table's key columns (``ref_fields``), as read.

    Returns
    -------
    tuple of (pandera.Check, CheckSpec)

    Examples
    --------
    >>> import pandas as pd
    >>> actors = pd.DataFrame({"actor_id": ["a", "b"]})
    >>> check, spec = foreign_key_check("p:fk", ["actor_id"], actors, "actors.csv", ["actor_id"])
    >>> check(pd.DataFrame({"actor_id": ["a", "zz", None]})).check_output.tolist()
    [True, False, True]
    """
    import pandas as pd

    if len(fields) == 1:
        known = pd.Index(target.iloc[:, 0].dropna().astype(object))
    else:
        known = pd.MultiIndex.from_frame(target.dropna().astype(object))

    def fn(df):
        keys = df[fields]
        empty = keys.isna().all(axis=1)
        if len(fields) == 1:
            found = keys.iloc[:, 0].astype(object).isin(known)
        else:
            found = pd.Series(pd.MultiIndex.from_frame(keys.astype(object)).isin(known), index=df.index)
        return empty | found

    return _check(fn, CheckSpec(id, "foreign_key", fields[0],
                                {"fields": list(fields), "ref_file": ref_file, "ref_fields": list(ref_fields)}))
