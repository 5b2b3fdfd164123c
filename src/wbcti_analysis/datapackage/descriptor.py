"""The package descriptor (``datapackage.json``): where it is, what it says, its hash.

Everything the validator and the typed tables need to know about a column is read from
the descriptor through the helpers here, so a column added to ``datapackage.json`` needs
no code change. Only the standard library is imported.

Extensions to Frictionless' Table Schema read from the descriptor:

``wbcti:list``
    on a string field: the cell holds several values separated by ``delimiter``, each
    one of ``enum`` (e.g. ``activities.countries``).
``wbcti:valuesByFeature``
    on a field of a table that has a ``feature`` column: the allowed values for each
    feature (e.g. ``mechanism_features.value``).
``wbcti:patternsByFeature``
    optional, beside ``wbcti:valuesByFeature``: a regular expression per feature;
    ``year_established`` defaults to four digits.
``wbcti:notBefore``
    optional, on a partial-date field: the partial-date field that must not end after
    it starts. Without it a field whose name has ``end`` where another partial-date
    field of the table has ``start`` is paired with it (``start_date`` / ``end_date``,
    ``period_start`` / ``period_end``).

A partial-date field is a string field whose pattern is the partial ISO date pattern
(``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from .messages import DataValidationError, Problem

__all__ = [
    "DESCRIPTOR",
    "WESTERN_BALKANS",
    "bundled_data_path",
    "package_dir",
    "read_descriptor",
    "data_hash",
    "resource",
    "field_names",
    "as_list",
    "is_partial_date",
    "date_pairs",
    "missing_values",
    "true_values",
    "false_values",
]

DESCRIPTOR = "datapackage.json"
#: The six Western Balkan beneficiaries (ISO 3166-1 alpha-2; Kosovo is XK).
WESTERN_BALKANS: tuple[str, ...] = ("AL", "BA", "XK", "ME", "MK", "RS")
# Table Schema's defaults for boolean fields (a field may override them).
_TRUE_VALUES = ["true", "True", "TRUE", "1"]
_FALSE_VALUES = ["false", "False", "FALSE", "0"]


def bundled_data_path() -> Path:
    """Return the folder of the data package shipped with the project.

    ``$WBCTI_DATA`` overrides it. Otherwise the folder ``data/`` holding a
    ``datapackage.json`` is searched upwards from this module (the project checkout).

    Returns
    -------
    Path
        The package folder.

    Raises
    ------
    FileNotFoundError
        If no such folder is found and ``$WBCTI_DATA`` is not set.
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


def package_dir(path: str | os.PathLike | None) -> Path:
    """Return the package folder for ``path``: a folder, its ``datapackage.json``, or None (bundled)."""
    if path is None:
        return bundled_data_path()
    p = Path(path).expanduser()
    if p.is_file() and p.name == DESCRIPTOR:
        p = p.parent
    return p


def read_descriptor(path: str | os.PathLike | None = None) -> dict:
    """Return the parsed ``datapackage.json`` of the package at ``path`` (bundled if None).

    Raises
    ------
    FileNotFoundError
        If the folder holds no ``datapackage.json``.
    DataValidationError
        If the descriptor is not valid JSON (the problem names its line).
    """
    folder = package_dir(path)
    desc_path = folder / DESCRIPTOR
    if not desc_path.is_file():
        raise FileNotFoundError(f"{desc_path}: no {DESCRIPTOR} here; point to a data package folder")
    try:
        return json.loads(desc_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataValidationError(folder, [Problem(DESCRIPTOR, exc.lineno, None, None,
                                                   f"not valid JSON: {exc.msg}")]) from None


def data_hash(path: str | os.PathLike | None = None) -> str:
    """Return a SHA-256 hex digest over the descriptor and every CSV the package names."""
    folder = package_dir(path)
    desc = read_descriptor(folder)
    h = hashlib.sha256()
    h.update((folder / DESCRIPTOR).read_bytes())
    for res in desc.get("resources", []):
        p = folder / res["path"]
        h.update(res["path"].encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def resource(descriptor: dict, name: str) -> dict:
    """Return the resource called ``name``; KeyError naming the resources there are."""
    for res in descriptor.get("resources", []):
        if res.get("name") == name:
            return res
    names = ", ".join(r.get("name", "?") for r in descriptor.get("resources", []))
    raise KeyError(f"no resource {name!r} in the descriptor; resources: {names}")


def field_names(res: dict) -> list[str]:
    """Return the names of a resource's fields, in descriptor order."""
    return [f["name"] for f in res.get("schema", {}).get("fields", [])]


def as_list(x) -> list[str]:
    """Return a key spec (a name or a list of names) as a list."""
    if x is None:
        return []
    return [x] if isinstance(x, str) else list(x)


def is_partial_date(field: dict) -> bool:
    """True for a string field whose pattern is the partial ISO date pattern (YYYY[-MM[-DD]]).

    >>> is_partial_date({"name": "d", "type": "string", "constraints": {"pattern": "^\\\\d{4}(-(0[1-9]|1[0-2]))?$"}})
    True
    >>> is_partial_date({"name": "id", "type": "string", "constraints": {"pattern": "^[a-z]+$"}})
    False
    """
    return (field.get("type", "string") == "string"
            and "\\d{4}(-" in field.get("constraints", {}).get("pattern", ""))


def date_pairs(res: dict) -> list[tuple[str, str]]:
    """Return the (start, end) partial-date fields of a resource whose order is checked.

    >>> pd = {"type": "string", "constraints": {"pattern": "^\\\\d{4}(-\\\\d{2})?$"}}
    >>> date_pairs({"schema": {"fields": [dict(pd, name="start_date"), dict(pd, name="end_date")]}})
    [('start_date', 'end_date')]
    """
    fields = [f for f in res.get("schema", {}).get("fields", []) if is_partial_date(f)]
    names = {f["name"] for f in fields}
    pairs = []
    for f in fields:
        start = f.get("wbcti:notBefore")
        if start is None and re.search(r"(^|_)end(_|$)", f["name"]):
            guess = re.sub(r"(^|_)end(_|$)", r"\1start\2", f["name"])
            start = guess if guess in names else None
        if start in names:
            pairs.append((start, f["name"]))
    return pairs


def missing_values(res: dict) -> list[str]:
    """Return the cell texts that mean "no value" in a resource (Table Schema ``missingValues``)."""
    return list(res.get("schema", {}).get("missingValues", [""]))


def true_values(field: dict) -> list[str]:
    """Return the texts read as True in a boolean field (Table Schema ``trueValues``)."""
    return list(field.get("trueValues", _TRUE_VALUES))


def false_values(field: dict) -> list[str]:
    """Return the texts read as False in a boolean field (Table Schema ``falseValues``)."""
    return list(field.get("falseValues", _FALSE_VALUES))
