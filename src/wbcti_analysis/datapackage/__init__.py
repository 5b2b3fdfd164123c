"""Load and validate a data package of the project's shape.

The package's ``datapackage.json`` is the single description of every table: column
types, enums, patterns, required fields, primary and foreign keys, and the project's
``wbcti:`` extensions (list columns, feature vocabularies). Validation is done by
`pandera <https://pandera.readthedocs.io>`_ schemas generated from it, plus vectorised
custom checks for what Table Schema cannot say, so a user's own package with the same
descriptor is validated the same way and a column added to the descriptor needs no code.

Validation collects every problem of every file before it fails; each problem names the
file, the line number in that file (the header is line 1), the column and the offending
value. Nothing is ever written back to the user's files.

Modules
-------
descriptor
    Read the descriptor, its hash, the bundled path; helpers on fields (stdlib only).
reading
    Read a CSV strictly as text, with line numbers (broken CSV is reported here).
schema
    The pandera schema generated from a resource's Table Schema.
checks
    Custom vectorised checks: list columns, feature vocabularies, partial dates, date
    order, foreign keys.
messages
    :class:`Problem`, :class:`DataValidationError` and the formatter of pandera's report.
pipeline
    :func:`validate` and :func:`load`: the one validation path.
typed
    Typed DataFrames generated from the descriptor.
dataset
    :class:`Dataset`.
dates
    :func:`partial_date_bounds` for one partial ISO date.
writing
    :func:`write_tables`: write a package from partial tables, following the descriptor.

Importing this package is light (standard library only): pandas and pandera are
imported when a package is validated or loaded.
"""
from __future__ import annotations

from .dataset import Dataset
from .dates import partial_date_bounds
from .descriptor import (
    DESCRIPTOR,
    WESTERN_BALKANS,
    bundled_data_path,
    data_hash,
    package_dir,
    read_descriptor,
)
from .messages import DataValidationError, Problem
from .pipeline import load, validate
from .writing import write_tables

#: Former private name, still used by ``wbcti validate``.
_package_dir = package_dir

__all__ = [
    "write_tables",
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
    "DESCRIPTOR",
    "package_dir",
]
