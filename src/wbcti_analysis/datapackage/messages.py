"""What users see: :class:`Problem`, :class:`DataValidationError` and the one formatter.

:func:`problems_from_report` turns pandera's report (the ``failure_cases`` table of a
``SchemaErrors``: one row per failing cell, with the check that failed) into the
:class:`Problem` messages of the project: file, row (the line number in the CSV file, the
header being line 1), column, the offending value and what is wrong. Every wording lives
here, whichever check produced it: the checks generated from Table Schema (types, enums,
patterns, ranges, required, unique, keys) and the custom checks of
:mod:`~wbcti_analysis.datapackage.checks` (list columns, feature vocabularies, partial
dates, date order), which carry a :class:`~wbcti_analysis.datapackage.checks.CheckSpec`
naming their kind and parameters.

Only the standard library is imported at module level.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Problem", "DataValidationError", "problems_from_report", "enum_text", "PARTIAL_DATE_HINT"]

PARTIAL_DATE_HINT = "expected YYYY, YYYY-MM or YYYY-MM-DD"
# What a failed coercion to each Table Schema type means to a user.
_NOT_A = {"integer": "not an integer", "number": "not a number", "boolean": "not a boolean (true or false)",
          "date": "not a full date (YYYY-MM-DD)", "datetime": "not a date and time (YYYY-MM-DDThh:mm:ss)",
          "year": "not a year (YYYY)"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data package.

    ``row`` is the line number in ``file`` (header = 1), or None for file-level problems.

    >>> str(Problem("actors.csv", 9, "sector", "civic", "unknown value; allowed: law_enforcement"))
    "actors.csv, row 9, column 'sector': 'civic': unknown value; allowed: law_enforcement"
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.value is not None:
            return f"{where}: {self.value!r}: {self.message}"
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    """Raised by :func:`~wbcti_analysis.datapackage.load` when a package has problems; ``.problems`` lists them all."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        head = f"{len(problems)} problem(s) in the data package at {path}:"
        lines = [str(p) for p in problems[:200]]
        if len(problems) > 200:
            lines.append(f"... and {len(problems) - 200} more")
        super().__init__("\n".join([head, *("  " + s for s in lines)]))


def enum_text(values) -> str:
    """Return allowed values as a short comma-separated text (at most 25 shown).

    >>> enum_text(["a", "b"])
    'a, b'
    """
    values = list(values)
    shown = ", ".join(map(str, values[:25]))
    return shown + (", ..." if len(values) > 25 else "")


def _text(value) -> str | None:
    """A failure case as the text of the cell (None for a missing value)."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return str(value)


def _spec_message(spec, value: str, line: int, frame) -> tuple[str | None, str]:
    """Return (value shown, message) for a failure of a custom or generated check."""
    p = spec.params
    kind = spec.kind
    if kind == "enum":
        return value, f"unknown value; allowed: {enum_text(p['values'])}"
    if kind == "pattern":
        return value, f"does not match the pattern {p['pattern']}"
    if kind == "partial_date":
        return value, f"malformed partial date ({PARTIAL_DATE_HINT})"
    if kind == "calendar":
        return value, "malformed partial date: no such day in the calendar"
    if kind == "minimum":
        return value, f"below the minimum {p['limit']}"
    if kind == "maximum":
        return value, f"above the maximum {p['limit']}"
    if kind == "min_length":
        return value, f"shorter than the minimum length {p['limit']}"
    if kind == "max_length":
        return value, f"longer than the maximum length {p['limit']}"
    if kind == "list":
        parts = value.split(p["delimiter"])
        bad = [x for x in parts if x not in set(p["values"])]
        if bad:
            return value, f"unknown value(s) {', '.join(repr(b) for b in bad)}; allowed: {enum_text(p['values'])}"
        return value, "a value is listed twice"
    if kind == "feature_values":
        feat = frame.at[line, p["feature_column"]]
        return value, f"unknown value for feature '{feat}'; allowed: {enum_text(p['by_feature'].get(feat, []))}"
    if kind == "feature_pattern":
        feat = frame.at[line, p["feature_column"]]
        what = "a 4-digit year" if p["by_feature"].get(feat) == r"\d{4}" else f"match {p['by_feature'].get(feat)}"
        return value, f"{feat} must be {what}"
    if kind == "date_order":
        return value, f"reversed dates: ends before {p['start']} {frame.at[line, p['start']]}"
    if kind == "foreign_key":
        key = ",".join(str(frame.at[line, c]) for c in p["fields"])
        return key, (f"dangling reference: no row in {p['ref_file']} has "
                     f"{','.join(p['ref_fields'])} = {key}")
    return value, f"fails the check {kind}"  # pragma: no cover - every kind is named above


def _first_rows(frame, columns: list[str]) -> dict:
    """Map each key of ``columns`` to the first line it appears on."""
    keys = frame[columns].dropna(how="any")
    first = keys[~keys.duplicated(keep="first")]
    return {tuple(r[1:]): r[0] for r in first.itertuples(index=True, name=None)}


def problems_from_report(table, failure_cases, frame) -> list[Problem]:
    """Turn pandera's failure cases for one table into :class:`Problem` objects.

    Parameters
    ----------
    table : wbcti_analysis.datapackage.schema.TableSchema
        The generated schema of the table (its file, fields, key and check specs).
    failure_cases : pandas.DataFrame
        ``SchemaErrors.failure_cases``: columns ``schema_context``, ``column``,
        ``check``, ``failure_case`` and ``index`` (the CSV line number).
    frame : pandas.DataFrame
        The table as read (strings, index = line numbers), for the context a message
        names (first row of a duplicate, the start of a reversed date range, ...).

    Returns
    -------
    list of Problem
        At most one problem per cell, the type error first.
    """
    fc = failure_cases
    file = table.file
    out: list[Problem] = []
    seen: set[tuple] = set()

    def add(row, column, value, message):
        key = (row, column)
        if row is not None and key in seen:
            return  # one problem per cell: the first found (type errors come first)
        if row is not None:
            seen.add(key)
        out.append(Problem(file, row, column, value, message))

    # Columns whose type coercion failed: pandera then runs their other checks on text and
    # reports the resulting TypeErrors without a row; those add nothing and are dropped.
    coerce = fc[fc["check"].astype(str).str.startswith("coerce_dtype(")]
    bad_type_columns = set(coerce["column"])
    for rec in coerce.itertuples(index=False):
        ftype = table.types.get(rec.column)
        message = _NOT_A.get(ftype, f"not of type {ftype}")
        if ftype == "boolean":
            message = "not a boolean ({} or {})".format(*table.boolean_labels[rec.column])
        add(int(rec.index), rec.column, _text(rec.failure_case), message)
    first_rows: dict[tuple, dict] = {}

    def first_row(columns: list[str], key: tuple):
        if tuple(columns) not in first_rows:
            first_rows[tuple(columns)] = _first_rows(frame, columns)
        return first_rows[tuple(columns)].get(key)

    for rec in fc.itertuples(index=False):
        check = str(rec.check)
        row = None if rec.index is None or rec.index != rec.index else int(rec.index)
        value = _text(rec.failure_case)
        if check.startswith(("coerce_dtype(", "dtype(")):
            continue
        if check == "column_in_dataframe":
            add(1, value, None, "missing column (named by datapackage.json)")
        elif check == "column_in_schema":
            add(1, value, None, f"unknown column; expected columns: {', '.join(table.fields)}")
        elif check == "not_nullable":
            add(row, rec.column, None, "required value is empty")
        elif check == "field_uniqueness":
            add(row, rec.column, value, f"duplicate value (first at row {first_row([rec.column], (value,))})")
        elif check == "multiple_fields_uniqueness":
            if rec.column != table.primary_key[0]:
                continue  # one problem per duplicate key, not one per key column
            key = tuple(frame.at[row, c] for c in table.primary_key)
            add(row, ",".join(table.primary_key), ",".join(key),
                f"duplicate primary key (first at row {first_row(table.primary_key, key)})")
        elif check in table.specs:
            spec = table.specs[check]
            if row is None:
                if rec.column in bad_type_columns:
                    continue
                add(None, spec.column, None, f"check {spec.kind} could not run: {value}")
                continue
            if rec.column is not None and rec.column != spec.column and spec.kind in table.wide_kinds:
                continue  # a dataframe-wide check reports every column of a failing row
            shown, message = _spec_message(spec, str(frame.at[row, spec.column]), row, frame)
            add(row, ",".join(spec.params["fields"]) if spec.kind == "foreign_key" else spec.column, shown, message)
        elif row is None and rec.column in bad_type_columns:
            continue
        else:  # a check of the library that this formatter does not know: say what it said
            add(row, rec.column, value, re.sub(r"\s+", " ", check))
    return out
