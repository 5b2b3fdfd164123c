"""The template a synthetic package is drawn from: the bundled descriptor and its rows, read as text.

Every synthetic row starts as a copy of a *template row* of the same table (so columns
that travel together, such as an activity's type, tiers and themes, or a column another
part of the project added to the descriptor, keep their joint distribution), and the
generator then replaces the ids, the foreign keys, the text, the dates and the
structure (who takes part in what). A column the descriptor declares but the template
CSV lacks is filled from the descriptor alone by :func:`default_column`: an allowed value
for a required enum, a neutral value for another required field, empty otherwise.

Only the standard library and numpy/pandas (imported on use) are needed.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["Template", "default_column", "remap_keys", "sibling_index", "scaled"]


class Template:
    """The bundled (or any valid) package, read as text frames beside its descriptor.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding ``datapackage.json``; default: the bundled package.

    Examples
    --------
    >>> t = Template()
    >>> t.field("actors", "sector")["constraints"]["required"]
    True
    >>> t.primary_key("participations")
    'participation_id'
    """

    def __init__(self, path=None):
        import pandas as pd

        from ..datapackage import bundled_data_path

        self.path = Path(path) if path is not None else bundled_data_path()
        self.descriptor = json.loads((self.path / "datapackage.json").read_text(encoding="utf-8"))
        self.resources = {r["name"]: r for r in self.descriptor["resources"]}
        self.frames = {}
        for name, res in self.resources.items():
            file = self.path / res["path"]
            names = [f["name"] for f in res["schema"]["fields"]]
            if file.is_file():
                df = pd.read_csv(file, dtype=str, keep_default_na=False, na_filter=False)
            else:
                df = pd.DataFrame(columns=names, dtype=object)
            self.frames[name] = df

    def fields(self, table: str) -> list[dict]:
        """Return the descriptor's fields of ``table``, in order."""
        return self.resources[table]["schema"]["fields"]

    def field(self, table: str, column: str) -> dict:
        """Return the descriptor of one field."""
        for f in self.fields(table):
            if f["name"] == column:
                return f
        raise KeyError(f"{table}.{column} is not in the descriptor")

    def has(self, table: str, column: str) -> bool:
        """Whether the descriptor declares ``table.column``."""
        return table in self.resources and any(f["name"] == column for f in self.fields(table))

    def primary_key(self, table: str) -> str | None:
        """Return the single-column primary key of ``table`` (``None`` if none or composite)."""
        pk = self.resources[table]["schema"].get("primaryKey")
        if isinstance(pk, str):
            return pk
        return pk[0] if pk and len(pk) == 1 else None

    def foreign_keys(self, table: str) -> list[tuple[str, str]]:
        """Return ``(field, referenced table)`` for each single-column foreign key (``""`` = itself)."""
        out = []
        for fk in self.resources[table]["schema"].get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            if len(fields) == 1:
                ref = fk["reference"].get("resource", "")
                out.append((fields[0], ref or table))
        return out

    def order(self) -> list[str]:
        """Return the table names so that every referenced table comes before the tables referring to it."""
        done: list[str] = []
        pending = list(self.resources)
        while pending:
            for name in pending:
                refs = {ref for _, ref in self.foreign_keys(name) if ref != name}
                if refs <= set(done) | (refs - set(self.resources)):
                    done.append(name)
                    pending.remove(name)
                    break
            else:  # a cycle between tables: keep the descriptor's order for the rest
                done.extend(pending)
                break
        return done

    def values(self, table: str, column: str) -> list[str]:
        """Return the non-empty values of a template column (with repeats, in row order)."""
        df = self.frames[table]
        if column not in df:
            return []
        return [v for v in df[column].tolist() if v != ""]


def _enum(field: dict) -> list[str]:
    lst = field.get("wbcti:list")
    if lst and lst.get("enum"):
        return list(lst["enum"])
    return list(field.get("constraints", {}).get("enum", []))


def default_column(field: dict, n: int, rng) -> list[str]:
    """Return ``n`` text cells for a field the template does not hold, from the descriptor alone.

    A required field gets an allowed value: a random member of its enum (or of its
    ``wbcti:list`` vocabulary), ``false`` for a boolean, the minimum (or 0) for a number,
    ``synthetic`` for text. An optional field stays empty.

    Examples
    --------
    >>> import numpy as np
    >>> f = {"name": "basis", "type": "string", "constraints": {"required": True, "enum": ["a", "b"]}}
    >>> sorted(set(default_column(f, 20, np.random.default_rng(0))))
    ['a', 'b']
    >>> default_column({"name": "x", "type": "string"}, 2, None)
    ['', '']
    """
    c = field.get("constraints", {})
    if not c.get("required"):
        return [""] * n
    allowed = _enum(field)
    if allowed:
        return [allowed[i] for i in rng.integers(len(allowed), size=n)]
    kind = field.get("type", "string")
    if kind == "boolean":
        return [(field.get("falseValues") or ["false"])[0]] * n
    if kind in ("number", "integer"):
        lo = c.get("minimum", 0)
        return [str(int(lo) if kind == "integer" else lo)] * n
    if kind in ("date", "datetime", "year"):
        return ["2017-01-01" if kind == "date" else ("2017" if kind == "year" else "2017-01-01T00:00:00")] * n
    return ["synthetic"] * n


def sibling_index(template_keys, keys) -> dict:
    """Map each template key to the array of synthetic keys drawn from it.

    Examples
    --------
    >>> {k: list(v) for k, v in sibling_index(["a", "b", "a"], ["x1", "x2", "x3"]).items()}
    {'a': ['x1', 'x3'], 'b': ['x2']}
    """
    import numpy as np

    out: dict = {}
    for t, k in zip(template_keys, keys):
        out.setdefault(t, []).append(k)
    return {t: np.asarray(v, dtype=object) for t, v in out.items()}


def remap_keys(values, siblings: dict, all_keys, rng) -> list[str]:
    """Replace each non-empty template key by one of its synthetic siblings (any key if it has none).

    Parameters
    ----------
    values : sequence of str
        Template keys as read ("" = empty, kept empty).
    siblings : dict
        From :func:`sibling_index` of the referenced table.
    all_keys : sequence of str
        Every synthetic key of the referenced table (the fallback).
    rng : numpy.random.Generator

    Examples
    --------
    >>> import numpy as np
    >>> remap_keys(["a", "", "z"], {"a": np.array(["x1"], dtype=object)}, ["x9"], np.random.default_rng(0))
    ['x1', '', 'x9']
    """
    import numpy as np

    values = list(values)
    out = list(values)
    all_keys = np.asarray(all_keys, dtype=object)
    by_value: dict = {}
    for i, v in enumerate(values):
        if v != "":
            by_value.setdefault(v, []).append(i)
    for v in sorted(by_value):
        rows = by_value[v]
        pool = siblings.get(v)
        if pool is None or not len(pool):
            pool = all_keys
        if not len(pool):
            for i in rows:
                out[i] = ""
            continue
        picks = pool[rng.integers(len(pool), size=len(rows))]
        for i, p in zip(rows, picks):
            out[i] = p
    return out


def scaled(n: int, scale: float) -> int:
    """Rows of a table ``scale`` times one of ``n`` rows (at least 1 if the template has any)."""
    return 0 if n == 0 else max(1, int(math.floor(n * scale + 0.5)))
