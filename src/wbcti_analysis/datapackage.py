"""Load and validate a data package of the project's shape.

The package's ``datapackage.json`` is the single description of every table: column
types, enums, patterns, required fields, primary and foreign keys. Every check here is
built from it, so a user's own package with the same descriptor is validated the same way.

Validation collects every problem of every file before it fails; each problem names the
file, the line number in that file (the header is line 1), the column and the offending
value. Nothing is ever written back to the user's files.

Extensions to Frictionless' Table Schema, read from the descriptor:

``wbcti:list``
    on a string field: the cell holds several values separated by ``delimiter``, each
    one of ``enum`` (e.g. ``activities.countries``).
``wbcti:valuesByFeature``
    on ``mechanism_features.value``: the allowed values for each ``feature``.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Problem",
    "DataValidationError",
    "Dataset",
    "bundled_data_path",
    "read_descriptor",
    "validate",
    "load",
    "data_hash",
    "partial_date_bounds",
    "WESTERN_BALKANS",
]

DESCRIPTOR = "datapackage.json"
#: The six Western Balkan beneficiaries (ISO 3166-1 alpha-2; Kosovo is XK).
WESTERN_BALKANS: tuple[str, ...] = ("AL", "BA", "XK", "ME", "MK", "RS")
_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Pairs of (start, end) partial-date columns whose order is checked, per table.
_DATE_ORDER = {"activities": ("start_date", "end_date"), "figures": ("period_start", "period_end")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data package.

    ``row`` is the line number in ``file`` (header = 1), or None for file-level problems.
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
    """Raised by :func:`load` when a package has problems; ``.problems`` lists them all."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        head = f"{len(problems)} problem(s) in the data package at {path}:"
        lines = [str(p) for p in problems[:200]]
        if len(problems) > 200:
            lines.append(f"... and {len(problems) - 200} more")
        super().__init__("\n".join([head, *("  " + s for s in lines)]))


def bundled_data_path() -> Path:
    """Return the folder of the data package shipped with the project.

    ``$WBCTI_DATA`` overrides it. Otherwise the folder ``data/`` holding a
    ``datapackage.json`` is searched upwards from this module (the project checkout).
    """
    env = os.environ.get("WBCTI_DATA")
    if env:
        return Path(env).expanduser().resolve()
    here = Path(__file__).resolve()
    for folder in here.parents:
        candidate = folder / "data" / DESCRIPTOR
        if candidate.is_file():
            return candidate.parent
    raise FileNotFoundError(
        "No bundled data package found: install the project from its checkout "
        "(pip install -e .) or set WBCTI_DATA to a folder holding datapackage.json."
    )


def _package_dir(path: str | os.PathLike | None) -> Path:
    if path is None:
        return bundled_data_path()
    p = Path(path).expanduser()
    if p.is_file() and p.name == DESCRIPTOR:
        p = p.parent
    return p


def read_descriptor(path: str | os.PathLike | None = None) -> dict:
    """Return the parsed ``datapackage.json`` of the package at ``path`` (bundled if None)."""
    folder = _package_dir(path)
    desc_path = folder / DESCRIPTOR
    if not desc_path.is_file():
        raise FileNotFoundError(f"{desc_path}: no {DESCRIPTOR} here; point to a data package folder")
    try:
        return json.loads(desc_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataValidationError(folder, [Problem(DESCRIPTOR, exc.lineno, None, None, f"not valid JSON: {exc.msg}")]) from None


def data_hash(path: str | os.PathLike | None = None) -> str:
    """Return a SHA-256 hex digest over the descriptor and every CSV the package names."""
    folder = _package_dir(path)
    desc = read_descriptor(folder)
    h = hashlib.sha256()
    h.update((folder / DESCRIPTOR).read_bytes())
    for res in desc.get("resources", []):
        p = folder / res["path"]
        h.update(res["path"].encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def partial_date_bounds(value: str | None) -> tuple[Any, Any]:
    """Return (earliest, latest) ``datetime.date`` for a partial ISO date, or (None, None).

    >>> partial_date_bounds("2017")
    (datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))
    >>> partial_date_bounds("2016-02")
    (datetime.date(2016, 2, 1), datetime.date(2016, 2, 29))

    Raises ValueError for text that is not a valid partial date.
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


# ----------------------------------------------------------------------------- reading


@dataclass
class _Table:
    name: str
    file: str
    schema: dict
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # cells, aligned to header
    lines: list[int] = field(default_factory=list)  # line number of each row
    readable: bool = False


def _read_csv(folder: Path, res: dict, problems: list[Problem]) -> _Table:
    """Read one resource's CSV strictly, recording broken-CSV problems."""
    file = res.get("path", f"{res.get('name')}.csv")
    table = _Table(res["name"], file, res.get("schema", {}))
    path = folder / file
    if not path.is_file():
        problems.append(Problem(file, None, None, None, "file is missing (named by datapackage.json)"))
        return table
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(file, None, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return table
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(file, None, None, None, "file is empty: expected a header row"))
        return table
    except csv.Error as exc:
        problems.append(Problem(file, 1, None, None, f"broken CSV header: {exc}"))
        return table
    table.header = [h.strip() for h in header]
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, reader.line_num, None, None, f"broken CSV: {exc}"))
            break
        line = start + 1
        start = reader.line_num
        if not row or all(c == "" for c in row) and len(row) <= 1:
            continue  # blank line
        if len(row) != len(table.header):
            problems.append(Problem(file, line, None, None,
                                    f"broken CSV: {len(row)} cells but the header has {len(table.header)}"))
            continue
        table.rows.append(row)
        table.lines.append(line)
    table.readable = True
    return table


# ----------------------------------------------------------------------------- checks


def _is_partial_date(fdesc: dict) -> bool:
    """A string field whose pattern is the partial ISO date pattern (YYYY[-MM[-DD]])."""
    return fdesc.get("type", "string") == "string" and "\\d{4}(-" in fdesc.get("constraints", {}).get("pattern", "")


def _enum_text(values: list) -> str:
    shown = ", ".join(map(str, values[:25]))
    return shown + (", ..." if len(values) > 25 else "")


def _check_cell(value: str, fdesc: dict) -> str | None:
    """Return a problem message for one non-empty cell, or None if it is fine."""
    typ = fdesc.get("type", "string")
    cons = fdesc.get("constraints", {})
    if typ == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            return "not an integer"
        num: float = int(value)
    elif typ == "number":
        try:
            num = float(value)
        except ValueError:
            return "not a number"
        if num != num:
            return "not a number"
    elif typ == "boolean":
        if value not in _TRUE | _FALSE:
            return "not a boolean (true or false)"
        num = 0
    elif typ == "date":
        try:
            partial_date_bounds(value)
        except ValueError as exc:
            return str(exc)
        if len(value) != 10:
            return "not a full date (YYYY-MM-DD)"
        num = 0
    else:
        num = 0
    if "enum" in cons and value not in [str(v) for v in cons["enum"]]:
        return f"unknown value; allowed: {_enum_text(cons['enum'])}"
    lst = fdesc.get("wbcti:list")
    if lst:
        allowed = set(lst["enum"])
        parts = value.split(lst.get("delimiter", ";"))
        bad = [p for p in parts if p not in allowed]
        if bad:
            return f"unknown value(s) {', '.join(repr(b) for b in bad)}; allowed: {_enum_text(lst['enum'])}"
        if len(set(parts)) != len(parts):
            return "a value is listed twice"
    elif "pattern" in cons and not re.fullmatch(cons["pattern"], value):
        if _is_partial_date(fdesc):
            return "malformed partial date (expected YYYY, YYYY-MM or YYYY-MM-DD)"
        return f"does not match the pattern {cons['pattern']}"
    if typ in ("integer", "number"):
        if "minimum" in cons and num < cons["minimum"]:
            return f"below the minimum {cons['minimum']}"
        if "maximum" in cons and num > cons["maximum"]:
            return f"above the maximum {cons['maximum']}"
    if _is_partial_date(fdesc):
        try:
            partial_date_bounds(value)
        except ValueError as exc:
            return f"malformed partial date: {exc}"
    return None


def _check_table(table: _Table, problems: list[Problem]) -> None:
    fields = table.schema.get("fields", [])
    names = [f["name"] for f in fields]
    missing = [n for n in names if n not in table.header]
    extra = [h for h in table.header if h not in names]
    for n in missing:
        problems.append(Problem(table.file, 1, n, None, "missing column (named by datapackage.json)"))
    for h in extra:
        problems.append(Problem(table.file, 1, h, None, f"unknown column; expected columns: {', '.join(names)}"))
    if len(set(table.header)) != len(table.header):
        problems.append(Problem(table.file, 1, None, None, "a column name appears twice in the header"))
    missing_values = set(table.schema.get("missingValues", [""]))
    for f in fields:
        if f["name"] not in table.header:
            continue
        idx = table.header.index(f["name"])
        required = f.get("constraints", {}).get("required", False)
        unique = f.get("constraints", {}).get("unique", False)
        seen: dict[str, int] = {}
        for row, line in zip(table.rows, table.lines):
            value = row[idx]
            if value in missing_values or value.strip() == "":
                if required:
                    problems.append(Problem(table.file, line, f["name"], None, "required value is empty"))
                continue
            msg = _check_cell(value, f)
            if msg:
                problems.append(Problem(table.file, line, f["name"], value, msg))
            if unique:
                if value in seen:
                    problems.append(Problem(table.file, line, f["name"], value,
                                            f"duplicate value (first at row {seen[value]})"))
                else:
                    seen[value] = line


def _column(table: _Table, name: str) -> list[str] | None:
    if name not in table.header:
        return None
    i = table.header.index(name)
    return [r[i] for r in table.rows]


def _as_list(x: Any) -> list[str]:
    return [x] if isinstance(x, str) else list(x)


def _check_keys(tables: dict[str, _Table], problems: list[Problem]) -> None:
    keys: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]]] = {}

    def key_set(resource: str, cols: list[str]) -> set[tuple[str, ...]] | None:
        t = tables.get(resource)
        if t is None or not t.readable:
            return None
        k = (resource, tuple(cols))
        if k not in keys:
            columns = [_column(t, c) for c in cols]
            if any(c is None for c in columns):
                return None
            keys[k] = set(zip(*columns))
        return keys[k]

    for t in tables.values():
        if not t.readable:
            continue
        pk = _as_list(t.schema.get("primaryKey", []))
        columns = [_column(t, c) for c in pk]
        if pk and all(c is not None for c in columns):
            seen: dict[tuple[str, ...], int] = {}
            for key, line in zip(zip(*columns), t.lines):
                if all(v == "" for v in key):
                    continue  # reported as a required value
                if key in seen:
                    problems.append(Problem(t.file, line, ",".join(pk), ",".join(key),
                                            f"duplicate primary key (first at row {seen[key]})"))
                else:
                    seen[key] = line
        for fk in t.schema.get("foreignKeys", []):
            cols = _as_list(fk["fields"])
            ref = fk["reference"]
            ref_res = ref.get("resource") or t.name
            ref_cols = _as_list(ref["fields"])
            target = key_set(ref_res, ref_cols)
            local = [_column(t, c) for c in cols]
            if target is None or any(c is None for c in local):
                continue
            ref_file = tables[ref_res].file
            for key, line in zip(zip(*local), t.lines):
                if all(v == "" for v in key):
                    continue
                if key not in target:
                    problems.append(Problem(t.file, line, ",".join(cols), ",".join(key),
                                            f"dangling reference: no row in {ref_file} has {','.join(ref_cols)} = {','.join(key)}"))


def _check_date_order(tables: dict[str, _Table], problems: list[Problem]) -> None:
    for name, (start_col, end_col) in _DATE_ORDER.items():
        t = tables.get(name)
        if t is None or not t.readable:
            continue
        starts, ends = _column(t, start_col), _column(t, end_col)
        if starts is None or ends is None:
            continue
        for s, e, line in zip(starts, ends, t.lines):
            try:
                s_lo, _ = partial_date_bounds(s)
                _, e_hi = partial_date_bounds(e)
            except ValueError:
                continue  # reported per cell
            if s_lo and e_hi and s_lo > e_hi:
                problems.append(Problem(t.file, line, end_col, e, f"reversed dates: ends before {start_col} {s}"))


def _check_feature_values(tables: dict[str, _Table], problems: list[Problem]) -> None:
    for t in tables.values():
        if not t.readable:
            continue
        for f in t.schema.get("fields", []):
            by_feature = f.get("wbcti:valuesByFeature")
            if not by_feature:
                continue
            values, features = _column(t, f["name"]), _column(t, "feature")
            if values is None or features is None:
                continue
            for v, feat, line in zip(values, features, t.lines):
                allowed = by_feature.get(feat)
                if allowed and v and v not in allowed:
                    problems.append(Problem(t.file, line, f["name"], v,
                                            f"unknown value for feature '{feat}'; allowed: {_enum_text(allowed)}"))
                if feat == "year_established" and v and not re.fullmatch(r"\d{4}", v):
                    problems.append(Problem(t.file, line, f["name"], v, "year_established must be a 4-digit year"))


def _read_and_check(path: str | os.PathLike | None) -> tuple[Path, dict, dict[str, _Table], list[Problem]]:
    folder = _package_dir(path)
    desc = read_descriptor(folder)
    problems: list[Problem] = []
    resources = desc.get("resources")
    if not resources:
        problems.append(Problem(DESCRIPTOR, None, "resources", None, "the descriptor lists no resources"))
        return folder, desc, {}, problems
    tables: dict[str, _Table] = {}
    for res in resources:
        t = _read_csv(folder, res, problems)
        tables[res["name"]] = t
        if t.readable:
            _check_table(t, problems)
    _check_keys(tables, problems)
    _check_date_order(tables, problems)
    _check_feature_values(tables, problems)
    order = {r["name"]: i for i, r in enumerate(resources)}
    file_order = {tables[n].file: i for n, i in order.items()}
    problems.sort(key=lambda p: (file_order.get(p.file, -1), p.row or 0))
    return folder, desc, tables, problems


def validate(path: str | os.PathLike | None = None) -> list[Problem]:
    """Check the data package at ``path`` (the bundled one if None).

    Returns every problem found (an empty list for a valid package): broken CSV, missing
    or unknown columns, types, enums, patterns, required values, duplicate and dangling
    keys, malformed partial dates and reversed date ranges.
    """
    return _read_and_check(path)[3]


# ----------------------------------------------------------------------------- typed tables


class Dataset:
    """A loaded, validated data package: one typed pandas DataFrame per table.

    Attributes
    ----------
    path : Path
        The package folder.
    descriptor : dict
        The parsed ``datapackage.json``.
    tables : dict[str, DataFrame]
        Every table by resource name; each is also an attribute (``ds.actors``).
        Enum columns are pandas categoricals with every allowed value as a category;
        integers are ``Int64``, numbers ``float64``, booleans ``boolean``; empty cells are
        missing values. List columns (``wbcti:list``, e.g. ``activities.countries``) hold
        tuples. Each partial-date column ``c`` gains ``c_earliest`` and ``c_latest``
        (``datetime64``) bounds: ``2017`` -> 2017-01-01 .. 2017-12-31.
    activity_countries, activity_tiers, activity_themes : DataFrame
        The list columns of ``activities`` as long tables (``activity_id``, ``value``).
    """

    def __init__(self, path: Path, descriptor: dict, tables: dict):
        self.path = path
        self.descriptor = descriptor
        self.tables = tables

    def __getattr__(self, name: str):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        long = {"activity_countries": "countries", "activity_tiers": "tiers", "activity_themes": "themes"}
        if name in long and "activities" in tables:
            return self.long_list("activities", long[name])
        raise AttributeError(f"Dataset has no table {name!r}; tables: {', '.join(tables)}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"<Dataset {self.path} {sizes}>"

    def field(self, table: str, column: str) -> dict:
        """Return the descriptor entry of ``table.column`` (type, description, constraints)."""
        for res in self.descriptor["resources"]:
            if res["name"] == table:
                for f in res["schema"]["fields"]:
                    if f["name"] == column:
                        return f
        raise KeyError(f"{table}.{column} is not in the descriptor")

    def long_list(self, table: str, column: str):
        """Return a list column as a long DataFrame ``(<table key>, value)``, one row per value.

        ``value`` is categorical with the list's allowed values; rows with an empty list
        do not appear.
        """
        import pandas as pd

        df = self.tables[table]
        key = _as_list(next(r for r in self.descriptor["resources"] if r["name"] == table)["schema"]["primaryKey"])[0]
        allowed = self.field(table, column)["wbcti:list"]["enum"]
        out = df[[key, column]].explode(column).dropna(subset=[column]).rename(columns={column: "value"})
        out["value"] = pd.Categorical(out["value"], categories=allowed)
        return out.reset_index(drop=True)

    def summary(self):
        """Return a DataFrame with one row per table: rows, columns and rows per source."""
        import pandas as pd

        rows = []
        for name, df in self.tables.items():
            rec = {"table": name, "rows": len(df), "columns": df.shape[1]}
            if "source_id" in df and name != "sources":
                for sid, n in df["source_id"].value_counts().items():
                    rec[f"rows from {sid}"] = int(n)
            rows.append(rec)
        out = pd.DataFrame(rows).fillna(0)
        count_cols = [c for c in out.columns if c != "table"]
        out[count_cols] = out[count_cols].astype(int)
        return out

    def country_coverage(self, countries=WESTERN_BALKANS):
        """Return actors and activities per country (rows: ISO codes, columns: counts)."""
        import pandas as pd

        acts = self.activity_countries
        out = pd.DataFrame(index=list(countries))
        out["actors"] = self.actors["country"].value_counts().reindex(out.index, fill_value=0)
        out["activities"] = acts["value"].astype(str).value_counts().reindex(out.index, fill_value=0)
        out.index.name = "country"
        return out


def _typed_frame(t: _Table):
    import pandas as pd

    fields = t.schema.get("fields", [])
    data = {}
    missing_values = set(t.schema.get("missingValues", [""]))
    for f in fields:
        raw = _column(t, f["name"]) or [""] * len(t.rows)
        vals = [None if (v in missing_values or v.strip() == "") else v for v in raw]
        typ = f.get("type", "string")
        cons = f.get("constraints", {})
        if f.get("wbcti:list"):
            delim = f["wbcti:list"].get("delimiter", ";")
            data[f["name"]] = pd.Series([tuple(v.split(delim)) if v else () for v in vals], dtype=object)
        elif "enum" in cons and typ == "string":
            data[f["name"]] = pd.Categorical(vals, categories=list(cons["enum"]))
        elif typ == "integer":
            data[f["name"]] = pd.array([int(v) if v is not None else None for v in vals], dtype="Int64")
        elif typ == "number":
            data[f["name"]] = pd.to_numeric(pd.Series(vals, dtype=object), errors="coerce").astype("float64")
        elif typ == "boolean":
            data[f["name"]] = pd.array([None if v is None else v in _TRUE for v in vals], dtype="boolean")
        elif typ == "date":
            data[f["name"]] = pd.to_datetime(pd.Series(vals, dtype=object), format="%Y-%m-%d")
        else:
            data[f["name"]] = pd.Series(vals, dtype=object)
    df = pd.DataFrame(data, index=pd.RangeIndex(len(t.rows)))
    for f in fields:
        if _is_partial_date(f):
            bounds = [partial_date_bounds(v) for v in df[f["name"]].fillna("")]
            for i, suffix in enumerate(("earliest", "latest")):
                df[f"{f['name']}_{suffix}"] = pd.to_datetime(
                    pd.Series([b[i] for b in bounds], dtype=object)).astype("datetime64[ns]")
    return df


def load(path: str | os.PathLike | None = None) -> Dataset:
    """Load and validate the data package at ``path`` (a folder or its ``datapackage.json``).

    With no ``path`` the project's bundled package is loaded (``$WBCTI_DATA`` overrides).
    Returns a :class:`Dataset`. Raises :class:`DataValidationError` listing every problem
    (file, row, column, value) if the package is not valid, and FileNotFoundError if there
    is no descriptor. The files are only read, never modified.
    """
    folder, desc, tables, problems = _read_and_check(path)
    if problems:
        raise DataValidationError(folder, problems)
    frames = {name: _typed_frame(t) for name, t in tables.items()}
    return Dataset(folder, desc, frames)
