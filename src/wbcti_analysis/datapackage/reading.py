"""Read one resource's CSV strictly, as text, keeping each row's line number.

This is the structure step before the schema: a file that is missing, not UTF-8, empty
or broken as CSV (an unclosed quote, a row with more or fewer cells than the header, a
column named twice) is reported here, since no column check can run on it. The table is
returned as a DataFrame of text whose index is the line number of each row in the file
(the header is line 1; a quoted cell may span lines), with the resource's missing values
(and blank cells) as NA. The file is only read.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .descriptor import missing_values
from .messages import Problem

__all__ = ["RawTable", "read_table"]


@dataclass
class RawTable:
    """A resource as read: ``frame`` (text, index = line numbers) is None if the file could not be read."""

    name: str
    file: str
    resource: dict
    header: list[str]
    frame: object = None

    @property
    def readable(self) -> bool:
        return self.frame is not None


def read_table(folder: Path, res: dict, problems: list[Problem]) -> RawTable:
    """Read the CSV of resource ``res`` in ``folder``; append structure problems to ``problems``."""
    import pandas as pd

    file = res.get("path", f"{res.get('name')}.csv")
    table = RawTable(res["name"], file, res, [])
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
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        problems.append(Problem(file, 1, None, None, "a column name appears twice in the header"))
    rows: list[list[str]] = []
    lines: list[int] = []
    width = len(header)
    previous = 1
    try:
        for row in reader:
            line = previous + 1
            previous = reader.line_num
            if not row or len(row) == 1 and row[0] == "":
                continue  # blank line
            if len(row) != width:
                problems.append(Problem(file, line, None, None,
                                        f"broken CSV: {len(row)} cells but the header has {width}"))
                continue
            rows.append(row)
            lines.append(line)
    except csv.Error as exc:
        problems.append(Problem(file, reader.line_num, None, None, f"broken CSV: {exc}"))
    keep = [i for i, h in enumerate(header) if h not in header[:i]]  # a repeated column: the first one
    if len(keep) < width:
        rows = [[r[i] for i in keep] for r in rows]
    names = [header[i] for i in keep]
    if rows:
        frame = pd.DataFrame(rows, columns=names, index=pd.Index(lines, dtype="int64"), dtype=object)
    else:
        frame = pd.DataFrame({n: pd.Series(dtype=object) for n in names}, index=pd.Index([], dtype="int64"))
    empty = set(missing_values(res))
    for col in frame.columns:
        s = frame[col]
        # Missing values and blank cells (spaces only) are NA; each distinct text is looked at once.
        blank = [v for v in pd.unique(s.to_numpy()) if v in empty or not v.strip()]
        if blank:
            frame[col] = s.where(~s.isin(blank), None)
    table.header = header
    table.frame = frame
    return table
