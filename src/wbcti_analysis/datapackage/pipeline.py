"""The one validation path: read -> generated pandera schema -> formatter; and :func:`load`.

:func:`validate` and :func:`load` run the same steps: read every CSV strictly as text
(:mod:`.reading`), build each table's pandera schema from the descriptor
(:mod:`.schema`, with the custom checks of :mod:`.checks`), validate every table lazily
so that every problem of every file is collected, and word pandera's report as
:class:`~wbcti_analysis.datapackage.messages.Problem` objects (:mod:`.messages`).
:func:`load` then types the validated tables (:mod:`.typed`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .dataset import Dataset
from .descriptor import DESCRIPTOR, package_dir, read_descriptor
from .messages import DataValidationError, Problem, problems_from_report
from .reading import read_table
from .schema import table_schema
from .typed import typed_frame

__all__ = ["validate", "load", "check_package", "CheckedPackage"]


@dataclass
class CheckedPackage:
    """The result of checking a package: folder, descriptor, validated frames and problems."""

    folder: Path
    descriptor: dict
    frames: dict
    problems: list


def check_package(path: str | os.PathLike | None = None) -> CheckedPackage:
    """Read and validate the package at ``path``; return frames (coerced by pandera) and problems.

    Raises
    ------
    FileNotFoundError
        If there is no ``datapackage.json`` at ``path``.
    """
    import pandera.pandas as pa

    folder = package_dir(path)
    desc = read_descriptor(folder)
    problems: list[Problem] = []
    resources = desc.get("resources")
    if not resources:
        problems.append(Problem(DESCRIPTOR, None, "resources", None, "the descriptor lists no resources"))
        return CheckedPackage(folder, desc, {}, problems)
    raw = {res["name"]: read_table(folder, res, problems) for res in resources}
    frames = {name: t.frame for name, t in raw.items() if t.readable}
    files = {name: t.file for name, t in raw.items()}
    out = {}
    for res in resources:
        t = raw[res["name"]]
        if not t.readable:
            continue
        table = table_schema(res, list(t.frame.columns), frames, files)
        problems.extend(table.problems)
        try:
            out[t.name] = table.schema.validate(t.frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            problems.extend(problems_from_report(table, _with_retry(table, t.frame, exc.failure_cases), t.frame))
    order = {t.file: i for i, t in enumerate(raw.values())}
    columns = {t.file: {c: i for i, c in enumerate(t.header)} for t in raw.values()}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.row or 0,
                                 columns.get(p.file, {}).get((p.column or "").split(",")[0], -1)))
    return CheckedPackage(folder, desc, out, problems)


def _with_retry(table, frame, report):
    """Return pandera's report, completed where a type error hid the other checks of its column.

    pandera runs a column's checks (``minimum``, ``maximum``, ...) only once the whole column
    could be coerced to its type; so the table is validated once more with the cells of the
    wrong type left empty, and both reports are given to the formatter (which keeps the
    type error of those cells, and one problem per cell).
    """
    import pandas as pd
    import pandera.pandas as pa

    wrong = report[report["check"].astype(str).str.startswith("coerce_dtype(")]
    if wrong.empty:
        return report
    retry = frame.copy()
    for column, rows in wrong.groupby("column")["index"]:
        retry.loc[rows.astype("int64").unique(), column] = None
    try:
        table.schema.validate(retry, lazy=True)
    except pa.errors.SchemaErrors as again:
        return pd.concat([report, again.failure_cases], ignore_index=True)
    return report


def validate(path: str | os.PathLike | None = None) -> list[Problem]:
    """Check the data package at ``path`` (the bundled one if None).

    Parameters
    ----------
    path : str or PathLike, optional
        A package folder or its ``datapackage.json``; ``$WBCTI_DATA`` or the bundled
        ``data/`` if None.

    Returns
    -------
    list of Problem
        Every problem found, in file and row order (an empty list for a valid package):
        broken CSV, missing or unknown columns, types, enums, patterns, ranges, required
        values, duplicate and dangling keys, unknown list or feature values, malformed
        partial dates and reversed date ranges.

    Raises
    ------
    FileNotFoundError
        If there is no ``datapackage.json`` at ``path``.

    Examples
    --------
    >>> from wbcti_analysis.datapackage import validate
    >>> validate()
    []
    """
    return check_package(path).problems


def load(path: str | os.PathLike | None = None):
    """Load and validate the data package at ``path`` (a folder or its ``datapackage.json``).

    With no ``path`` the project's bundled package is loaded (``$WBCTI_DATA`` overrides).

    Returns
    -------
    Dataset
        One typed DataFrame per table (see :mod:`~wbcti_analysis.datapackage.typed`).

    Raises
    ------
    DataValidationError
        Listing every problem (file, row, column, value) if the package is not valid.
    FileNotFoundError
        If there is no descriptor. The files are only read, never modified.

    Examples
    --------
    >>> from wbcti_analysis.datapackage import load
    >>> ds = load()
    >>> ds.actors["sector"].dtype.name
    'category'
    """
    checked = check_package(path)
    if checked.problems:
        raise DataValidationError(checked.folder, checked.problems)
    frames = {res["name"]: typed_frame(checked.frames[res["name"]], res) for res in checked.descriptor["resources"]}
    return Dataset(checked.folder, checked.descriptor, frames)
