"""The ``wbcti import iati|matrix``, ``wbcti merge`` and ``wbcti export hxl`` subcommands.

:func:`add_parsers` registers them on the ``wbcti`` parser (standard library only; the
importers are imported when a command runs). Exit status: 0 done, 1 refused (the input
has problems: each is printed with its file, row or element; nothing was written), 2
usage error.
"""
from __future__ import annotations

import argparse
import sys

__all__ = ["add_parsers"]

_RAW = argparse.RawDescriptionHelpFormatter

IATI_DESCRIPTION = """\
Read IATI 2.x activity files (XML) and write a data package of the project's shape to
--out: activities (identifier, title, description, status, planned/actual dates,
recipient countries, DAC sectors), actors from participating-org (IATI organisation
type mapped to actor type, sector, level), participations (IATI roles: 1 Funding ->
funder, 2 Accountable -> lead, 3 Extending -> partner, 4 Implementing -> implementer),
funding from commitments, else disbursements / incoming funds, else budgets (amounts
kept in their currency), every budget and transaction as a figure, and provenance (the
file as a source, the iati-identifier as locator). Activities get the tier classifier's
suggestion (tier_basis=suggested, tier_probability). The package is validated before it
is moved into --out; on any problem nothing is written.

The files are streamed (one activity in memory at a time) with a parser that resolves
no entities, loads no DTD and makes no network access.
"""

IATI_EPILOG = """\
defaults:
  --countries AL,BA,XK,ME,MK,RS       the six Western Balkan beneficiaries ('all': no filter)
  --sectors 1513,152,16015            DAC purpose codes or prefixes: justice, police, prisons
                                      (1513x), conflict, peace and security (152xx), social
                                      services incl. youth (16015) ('all': no filter)

examples:
  wbcti import iati gb-fcdo.xml se-sida.xml --out imported/
  wbcti import iati activities.xml --out imported/ --countries XK,AL --sectors 15220,15240
  wbcti validate imported/ && wbcti run --data imported/

see docs/importing.md for every mapping rule.
"""

MATRIX_DESCRIPTION = """\
Read a 3W/4W activity matrix (CSV or XLSX; one row per activity, or several rows sharing
an activity id) and write a data package to --out. Headers may be HXL hashtags (in the
header row or the row under it) or plain names; see docs/importing.md for the vocabulary:
  title (#activity+name, Title, Project)   countries (#country+code, Country)
  funders (#org+funder, Donor)             implementers (#org+impl, Implementing partner)
  leads (#org+lead)  partners (#org+partner)  beneficiaries (#org+beneficiary)
  start / end (#date+start, #date+end)     status, activity type, themes, tiers
  locations (#adm1, Municipality)          amount (#value, Budget), currency (#currency)
Multi-valued cells split on --separator and on line breaks. Unknown columns are reported.
A matrix without a title column, an unreadable date or an unknown code is refused with
the file, row and column; nothing is written.
"""

MERGE_DESCRIPTION = """\
Merge two or more data packages (e.g. the bundled data/ and an import) into --out; the
first package's descriptor is used. Actors are the same when they share an id and name,
or when their normalised name (or short name) fits exactly one actor already merged; a
name that fits several is reported as ambiguous and kept apart; an id taken by a
different actor is renamed. Activities and sources with a taken id are the same when
their titles are. Every foreign key follows. The matches are printed and written to
merge_report.csv in --out. Nothing is written if an input or the result is not valid.
"""

HXL_DESCRIPTION = """\
Write the package's activities, participations and funding as one CSV
(activities-3w-hxl.csv in --out): one row per activity x organisation x country, the
organisation's name in the column of its role (#org+funder, #org+lead, #org+impl,
#org+partner, ...), funder rows with the funder's stated amount, a header row and an HXL
hashtag row. `wbcti import matrix` reads it back.
"""


def _print_problems(exc) -> int:
    print("error: refused, nothing was written:", file=sys.stderr)
    for p in exc.problems[:100]:
        print(f"  {p}", file=sys.stderr)
    if len(exc.problems) > 100:
        print(f"  ... and {len(exc.problems) - 100} more problem(s)", file=sys.stderr)
    return 1


def _cmd_import_iati(args) -> int:
    from .iati import import_iati
    from .package import ImportFailed

    try:
        report = import_iati(args.files, args.out, countries=args.countries, sectors=args.sectors,
                             suggest=not args.no_suggest, seed=args.seed, force=args.force)
    except ImportFailed as exc:
        return _print_problems(exc)
    print(report.text())
    return 0


def _cmd_import_matrix(args) -> int:
    from .matrix import import_matrix
    from .package import ImportFailed

    try:
        report = import_matrix(args.file, args.out, separator=args.separator, sheet=args.sheet,
                               publisher=args.publisher, year=args.year, suggest=not args.no_suggest,
                               seed=args.seed, force=args.force)
    except ImportFailed as exc:
        return _print_problems(exc)
    print(report.text())
    return 0


def _cmd_merge(args) -> int:
    from .merge import merge_packages
    from .package import ImportFailed

    try:
        report = merge_packages(args.packages, args.out, force=args.force)
    except ImportFailed as exc:
        return _print_problems(exc)
    print(report.text())
    return 0


def _cmd_export_hxl(args) -> int:
    from ..datapackage import DataValidationError
    from .hxl import export_hxl

    try:
        path = export_hxl(args.path, args.out)
    except (FileNotFoundError, DataValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"written: {path}")
    return 0


def _common(p) -> None:
    p.add_argument("--out", metavar="DIR", required=True,
                   help="package folder to create (must not exist or be empty, unless --force)")
    p.add_argument("--force", action="store_true", help="replace a non-empty --out")
    p.add_argument("--no-suggest", action="store_true",
                   help="leave tiers empty instead of the classifier's suggestion")
    p.add_argument("--seed", type=int, default=42, help="seed of the tier classifier (default: 42)")


def add_parsers(sub) -> None:
    """Register ``import``, ``merge`` and ``export`` on the ``wbcti`` subparsers ``sub``."""
    p = sub.add_parser("import", help="import IATI activity files or a 3W/HXL activity matrix as a data package",
                       description="Import outside data into a data package of the project's shape "
                                   "(validated; nothing partial is left in --out).",
                       epilog="run `wbcti import iati --help` or `wbcti import matrix --help`")
    isub = p.add_subparsers(dest="import_kind", metavar="KIND")
    p.set_defaults(func=lambda a, parser=p: (parser.print_help(), 2)[1])
    q = isub.add_parser("iati", help="IATI 2.x activity XML files", description=IATI_DESCRIPTION,
                        epilog=IATI_EPILOG, formatter_class=_RAW)
    q.add_argument("files", nargs="+", metavar="FILE.xml", help="IATI activity files")
    q.add_argument("--countries", default=None, metavar="CODES",
                   help="recipient countries to keep, comma-separated ISO alpha-2, or 'all' (default: the six "
                        "Western Balkan beneficiaries)")
    q.add_argument("--sectors", default=None, metavar="CODES",
                   help="DAC purpose codes or prefixes to keep, comma-separated, or 'all' (default: 1513,152,16015)")
    _common(q)
    q.set_defaults(func=_cmd_import_iati)
    q = isub.add_parser("matrix", help="a 3W/4W activity matrix (CSV or XLSX, HXL or plain headers)",
                        description=MATRIX_DESCRIPTION, formatter_class=_RAW,
                        epilog="examples:\n  wbcti import matrix partners-3w.xlsx --out imported/\n"
                               "  wbcti import matrix matrix.csv --out imported/ --separator '|' "
                               "--publisher 'WBCTi secretariat' --year 2024")
    q.add_argument("file", metavar="FILE", help="the matrix (.csv, .tsv, .xlsx)")
    q.add_argument("--separator", default=";", help="separator of multi-valued cells (default: ';')")
    q.add_argument("--sheet", default=None, help="worksheet of an XLSX file (default: the first)")
    q.add_argument("--publisher", default="not stated", help="who published the matrix (sources.publisher)")
    q.add_argument("--year", type=int, default=None, help="year of the matrix (default: the file's modification year)")
    _common(q)
    q.set_defaults(func=_cmd_import_matrix)

    p = sub.add_parser("merge", help="combine data packages, reconciling actors by id or normalised name",
                       description=MERGE_DESCRIPTION,
                       epilog="example:\n  wbcti merge data imported --out merged && wbcti run --data merged",
                       formatter_class=_RAW)
    p.add_argument("packages", nargs="+", metavar="DIR", help="package folders (the first one's descriptor is used)")
    p.add_argument("--out", metavar="DIR", required=True, help="package folder to create")
    p.add_argument("--force", action="store_true", help="replace a non-empty --out")
    p.set_defaults(func=_cmd_merge)

    p = sub.add_parser("export", help="export a package (hxl: a flat 3W/4W CSV with HXL hashtags)",
                       description="Export a data package for other tools.",
                       epilog="run `wbcti export hxl --help`")
    esub = p.add_subparsers(dest="export_kind", metavar="FORMAT")
    p.set_defaults(func=lambda a, parser=p: (parser.print_help(), 2)[1])
    q = esub.add_parser("hxl", help="activities x organisations x countries as a 3W/4W CSV with an HXL row",
                        description=HXL_DESCRIPTION,
                        epilog="example:\n  wbcti export hxl data --out exports/", formatter_class=_RAW)
    q.add_argument("path", nargs="?", default=None, help="package folder (default: the bundled data/)")
    q.add_argument("--out", metavar="DIR", required=True, help="folder to write the CSV into")
    q.set_defaults(func=_cmd_export_hxl)
