"""The ``wbcti`` command line (also ``python -m wbcti_analysis``).

Subcommands:
  validate [PATH]   check a data package (the bundled one by default)
  summary [PATH]    rows per table and country coverage of a data package
"""
from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]

EPILOG = """examples:
  wbcti validate                      check the bundled data package
  wbcti validate ~/my-coded-data      check your own package (same datapackage.json)
  wbcti summary                       rows per table and per source, country coverage
"""


def _cmd_validate(args: argparse.Namespace) -> int:
    from .datapackage import DataValidationError, _package_dir, validate

    folder = _package_dir(args.path)
    try:
        problems = validate(folder)
    except (FileNotFoundError, DataValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if problems:
        print(f"{len(problems)} problem(s) in the data package at {folder}:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"ok: the data package at {folder} is valid")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from .datapackage import DataValidationError, load

    try:
        ds = load(args.path)
    except (FileNotFoundError, DataValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    import pandas as pd

    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(f"Data package: {ds.path}\n")
        print(ds.summary().to_string(index=False))
        print("\nWestern Balkan coverage (actors based in, activities covering each country):")
        print(ds.country_coverage().to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``wbcti`` command (subcommands attach here)."""
    parser = argparse.ArgumentParser(
        prog="wbcti",
        description="Curated data and parameterised analyses of counter-terrorism and P/CVE coordination "
                    "and funding in the Western Balkans.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"wbcti-analysis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("validate", help="check a data package and list every problem (file, row, column, value)",
                       description="Check a data package against its datapackage.json: broken CSV, missing or "
                                   "unknown columns, types, enums, required values, duplicate and dangling keys, "
                                   "malformed or reversed dates. Exits 1 if there is any problem. Never modifies "
                                   "the files.")
    p.add_argument("path", nargs="?", default=None,
                   help="folder holding datapackage.json (default: the bundled data/)")
    p.set_defaults(func=_cmd_validate)
    p = sub.add_parser("summary", help="rows per table and source, and country coverage",
                       description="Load and validate a data package, then print rows per table and per source "
                                   "and the coverage of the six Western Balkan beneficiaries.")
    p.add_argument("path", nargs="?", default=None, help="folder holding datapackage.json (default: bundled)")
    p.set_defaults(func=_cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
