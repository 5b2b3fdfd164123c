"""Bring your own data: import IATI activity files and 3W/HXL matrices, merge packages, export HXL.

Every importer writes a data package of the project's shape (all tables of the bundled
``datapackage.json``, read at run time), validated with the project's own validator and
moved into place only when valid. Modules (each imported on use; this package imports
nothing heavy):

- :mod:`~wbcti_analysis.importers.vocab`: IATI codes and matrix headers -> the project's codes;
- :mod:`~wbcti_analysis.importers.package`: collect rows, write, validate, suggest tiers;
- :mod:`~wbcti_analysis.importers.iati`: stream IATI 2.x XML with a safe parser;
- :mod:`~wbcti_analysis.importers.iati_rows`: IATI records -> rows;
- :mod:`~wbcti_analysis.importers.matrix`: CSV / XLSX activity matrices (HXL or plain headers);
- :mod:`~wbcti_analysis.importers.merge`: combine packages, reconcile actors, report matches;
- :mod:`~wbcti_analysis.importers.hxl`: export a package as a flat 3W/4W CSV with HXL hashtags;
- :mod:`~wbcti_analysis.importers.currency`: convert amounts through a user's rate table.

See ``docs/importing.md``.
"""
from __future__ import annotations

__all__: list[str] = []
