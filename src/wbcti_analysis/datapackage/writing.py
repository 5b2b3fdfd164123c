"""Write a data package of the project's shape from partial tables (stdlib only).

Importers, the synthetic generator, the docstring example packages and tests all write
packages; :func:`write_tables` does it once, from the descriptor's field list read at run
time: a table given with fewer columns gets the descriptor's other columns empty, a table
not given is written as a header-only file, and a column the descriptor does not name is
refused (it would be a typo). Nothing is validated here: call
:func:`wbcti_analysis.load` on the result.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Iterable, Mapping

from .descriptor import bundled_data_path

__all__ = ["write_tables"]


def _rows(table: str, rows) -> list[dict]:
    if isinstance(rows, str):
        return list(csv.DictReader(io.StringIO(rows)))
    return [dict(r) for r in rows]


def write_tables(folder: str | Path, tables: Mapping[str, "str | Iterable[Mapping]"],
                 descriptor: str | Path | None = None, defaults: Mapping[str, str] | None = None) -> Path:
    """Write ``tables`` as a package into ``folder`` (created) and return the folder.

    Parameters
    ----------
    folder : path
        Target folder; existing CSVs of the same names are overwritten.
    tables : mapping of table name -> CSV text (header first) or iterable of dicts
        The rows of each table; missing columns are left empty.
    descriptor : path, optional
        The ``datapackage.json`` to follow and copy (default: the bundled one).
    defaults : mapping of column -> value, optional
        Values for columns a row leaves empty, where the table has that column
        (e.g. ``{"evidence": "stated"}``).

    Raises
    ------
    KeyError
        For a table or a column the descriptor does not name.

    Examples
    --------
    >>> import tempfile, wbcti_analysis as w
    >>> src = {"source_id": "s1", "title": "T", "publisher": "P", "year": "2020", "locator": "p. 1"}
    >>> pkg = write_tables(tempfile.mkdtemp(), {"sources": [src]})
    >>> len(w.load(pkg).sources), len(w.load(pkg).activities)
    (1, 0)
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    src = Path(descriptor) if descriptor else Path(bundled_data_path()) / "datapackage.json"
    if src.is_dir():
        src = src / "datapackage.json"
    desc = json.loads(src.read_text(encoding="utf-8"))
    if src.resolve() != (folder / "datapackage.json").resolve():
        shutil.copy(src, folder / "datapackage.json")
    resources = {r["name"]: r for r in desc["resources"]}
    unknown = sorted(set(tables) - set(resources))
    if unknown:
        raise KeyError(f"table(s) {', '.join(unknown)} not in {src}; tables: {', '.join(resources)}")
    for name, res in resources.items():
        fields = [f["name"] for f in res["schema"]["fields"]]
        rows = _rows(name, tables.get(name, []))
        extra = sorted({k for r in rows for k in r} - set(fields))
        if extra:
            raise KeyError(f"{name}: column(s) {', '.join(extra)} not in the descriptor; columns: {', '.join(fields)}")
        with open(folder / res.get("path", f"{name}.csv"), "w", newline="", encoding="utf-8") as fh:
            wr = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            wr.writeheader()
            for r in rows:
                out = {f: "" if r.get(f) is None else r.get(f, "") for f in fields}
                for col, val in (defaults or {}).items():
                    if col in out and out[col] == "":
                        out[col] = val
                wr.writerow(out)
    return folder
