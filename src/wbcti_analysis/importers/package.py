"""Write imported rows as a data package of the project's shape, validated, all or nothing.

The importers collect rows as dicts per table (:class:`PackageRows`); :func:`write_package`
writes every table of the descriptor (read at run time, so columns other helpers add to
``datapackage.json`` are simply left empty; an ``evidence`` column gets ``stated``),
validates the result with the project's own validator, and only then moves it to
``out``. Nothing partial is ever left in ``out``.

Examples
--------
>>> rows = PackageRows()
>>> row = rows.add("sources", source_id="demo", title="Demo", publisher="Me", year=2024, locator="whole file")
>>> rows.count("sources")
1
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

__all__ = ["ImportFailed", "PackageRows", "IdMaker", "stage", "write_package", "read_descriptor_for", "field_names",
           "field_enum", "suggest_missing_tiers"]


class ImportFailed(Exception):
    """An import refused its input; ``problems`` lists one message per problem (file, row or element)."""

    def __init__(self, problems):
        self.problems = [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


def read_descriptor_for(base: str | os.PathLike | None = None) -> dict:
    """Return the descriptor imports are written with (the bundled package's by default)."""
    from ..datapackage import bundled_data_path, read_descriptor

    return read_descriptor(bundled_data_path() if base is None else base)


def _resource(desc: dict, table: str) -> dict | None:
    return next((r for r in desc.get("resources", []) if r["name"] == table), None)


def field_names(desc: dict, table: str) -> list[str]:
    """Column names of ``table`` in descriptor order (empty list if there is no such table)."""
    res = _resource(desc, table)
    return [f["name"] for f in res["schema"]["fields"]] if res else []


def field_enum(desc: dict, table: str, column: str) -> list[str] | None:
    """The allowed values of ``table.column`` (its enum, or its list enum), or None."""
    res = _resource(desc, table)
    for f in (res or {}).get("schema", {}).get("fields", []):
        if f["name"] == column:
            c = f.get("constraints", {})
            return c.get("enum") or f.get("wbcti:list", {}).get("enum")
    return None


class IdMaker:
    """Unique slug ids: the same key always gets the same id, different keys never share one.

    Examples
    --------
    >>> ids = IdMaker()
    >>> ids.get("AB 1"), ids.get("ab-1!"), ids.get("AB 1")
    ('ab-1', 'ab-1-2', 'ab-1')
    """

    def __init__(self, taken=()):
        self._by_key: dict = {}
        self._used = set(taken)

    def get(self, key, text: str | None = None) -> str:
        from .vocab import slug

        if key in self._by_key:
            return self._by_key[key]
        base = slug(text if text is not None else str(key))
        out, n = base, 1
        while out in self._used:
            n += 1
            out = f"{base}-{n}"
        self._used.add(out)
        self._by_key[key] = out
        return out

    def __contains__(self, key) -> bool:
        return key in self._by_key


class PackageRows:
    """Rows collected per table, as dicts keyed by column name (missing columns stay empty).

    Tables named in :meth:`spool` are written to their CSV file as rows come (large
    imports keep only the tables they still change in memory).
    """

    def __init__(self):
        self.tables: dict[str, list[dict]] = defaultdict(list)
        self._spooled: dict[str, tuple] = {}
        self._counts: dict[str, int] = defaultdict(int)

    def spool(self, folder: Path, desc: dict, tables) -> None:
        """Write the rows of ``tables`` straight to their CSV files in ``folder`` from now on."""
        for t in tables:
            res = _resource(desc, t)
            if res is None:
                continue
            fields = [f["name"] for f in res["schema"]["fields"]]
            fh = open(Path(folder) / res["path"], "w", newline="", encoding="utf-8")
            wr = csv.writer(fh, lineterminator="\n")
            wr.writerow(fields)
            self._spooled[t] = (fh, wr, fields, _evidence_default(desc, t))

    def add(self, table: str, /, **row) -> dict:
        """Append a row to ``table`` and return it."""
        self._counts[table] += 1
        if table in self._spooled:
            _, wr, fields, evidence = self._spooled[table]
            wr.writerow([_cell(_with_evidence(row, evidence).get(f)) for f in fields])
            return row
        self.tables[table].append(row)
        return row

    def count(self, table: str) -> int:
        """Number of rows collected for ``table``."""
        return self._counts.get(table, 0)

    def is_spooled(self, table: str) -> bool:
        """Whether ``table`` was written as it came."""
        return table in self._spooled

    def close(self) -> None:
        """Close the spooled files."""
        for fh, *_ in self._spooled.values():
            if not fh.closed:
                fh.close()


def _evidence_default(desc: dict, table: str) -> str | None:
    fields = field_names(desc, table)
    return "stated" if "evidence" in fields and "stated" in (field_enum(desc, table, "evidence") or []) else None


def _with_evidence(row: dict, evidence: str | None) -> dict:
    return {**row, "evidence": evidence} if evidence and not row.get("evidence") else row


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return ""
        return repr(round(value, 6)).rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def _write_tables(folder: Path, desc: dict, rows: PackageRows) -> None:
    rows.close()
    for res in desc["resources"]:
        if rows.is_spooled(res["name"]):
            continue
        fields = [f["name"] for f in res["schema"]["fields"]]
        evidence = _evidence_default(desc, res["name"])
        with open(folder / res["path"], "w", newline="", encoding="utf-8") as fh:
            wr = csv.writer(fh, lineterminator="\n")
            wr.writerow(fields)
            for row in rows.tables.get(res["name"], []):
                wr.writerow([_cell(_with_evidence(row, evidence).get(f)) for f in fields])
    with open(folder / "datapackage.json", "w", encoding="utf-8") as fh:
        json.dump(desc, fh, indent=2)
        fh.write("\n")


def stage(out: str | os.PathLike, force: bool = False) -> Path:
    """Check ``out`` and create the temporary folder beside it a package is written into.

    Raises
    ------
    ImportFailed
        If ``out`` exists and is not empty (without ``force``).
    """
    out = Path(out).expanduser().resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise ImportFailed([f"--out {out}: exists and is not empty (choose a new folder or pass --force)"])
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))


def write_package(rows: PackageRows, out: str | os.PathLike, desc: dict | None = None, force: bool = False,
                  extra_files: dict | None = None, staged: Path | None = None) -> Path:
    """Write ``rows`` as a data package at ``out``, validated first; return the folder.

    The package is written to a temporary folder beside ``out``, validated with
    :func:`wbcti_analysis.validate`, and moved into place only when valid.

    Parameters
    ----------
    rows : PackageRows
    out : path
        Folder to create. It must not exist or be empty, unless ``force``.
    desc : dict, optional
        Descriptor to write with (default: the bundled one, read now).
    force : bool
        Replace an existing non-empty ``out``.
    extra_files : dict, optional
        File name -> text written beside the tables (e.g. an import report).
    staged : Path, optional
        The folder from :func:`stage` the spooled tables were written into (removed in
        any case when this returns or raises).

    Returns
    -------
    Path

    Raises
    ------
    ImportFailed
        If ``out`` exists and is not empty (without ``force``), or the written package
        does not validate (one message per problem; nothing is left in ``out``).
    """
    from ..datapackage import validate

    out = Path(out).expanduser().resolve()
    desc = read_descriptor_for() if desc is None else desc
    try:
        tmp = stage(out, force) if staged is None else staged
    except ImportFailed:
        rows.close()
        raise
    try:
        _write_tables(tmp, desc, rows)
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
        problems = validate(tmp)
        if problems:
            raise ImportFailed([f"the imported package is not valid, nothing was written to {out}:"]
                               + [f"  {str(p).replace(str(tmp), str(out))}" for p in problems[:50]]
                               + ([f"  ... {len(problems) - 50} more"] if len(problems) > 50 else []))
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def suggest_missing_tiers(activities: list[dict], seed: int = 42, training=None) -> int:
    """Fill ``tiers`` of activities that have none with the tier classifier's suggestion.

    The classifier (:func:`wbcti_analysis.prevention.train_tier_classifier`, seeded) is
    trained on ``training`` (default: the bundled package). A suggested row gets
    ``tier_basis = "suggested"`` and ``tier_probability`` (the model's probability of
    that tier, 0..1); a row with a tier gets ``tier_basis = "coded"``.

    Parameters
    ----------
    activities : list of dict
        Activity rows (``activity_id``, ``title``, ``description``, ``themes``, ``tiers``),
        changed in place.
    seed : int
        Seed of the classifier.
    training : Dataset, optional
        Package to train on.

    Returns
    -------
    int
        Number of activities given a suggested tier.
    """
    todo = [a for a in activities if not a.get("tiers")]
    for a in activities:
        if a.get("tiers"):
            a.setdefault("tier_basis", "coded")
    if not todo:
        return 0
    import pandas as pd

    from ..datapackage import load
    from ..prevention import suggest_tiers, train_tier_classifier

    ds = load() if training is None else training
    model = train_tier_classifier(ds, seed=seed)
    frame = pd.DataFrame({"activity_id": [a["activity_id"] for a in todo],
                          "title": [a.get("title") or "" for a in todo],
                          "description": [a.get("description") or "" for a in todo],
                          "themes": [tuple(a.get("themes") or ()) for a in todo]})
    sug = suggest_tiers(model, frame).set_index("activity_id")
    for a in todo:
        s = sug.loc[a["activity_id"]]
        a["tiers"] = [str(s["suggested_tier"])]
        a["tier_basis"] = "suggested"
        a["tier_probability"] = round(float(s["probability"]), 4)
    return len(todo)
