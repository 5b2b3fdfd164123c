"""The ``wbcti`` command line (also ``python -m wbcti_analysis``).

Subcommands:
  validate [PATH]   check a data package (the bundled one by default)
  summary [PATH]    rows per table and country coverage of a data package
  quality [PATH]    data-quality report: undecided duplicates, inferred rows, tiers, units, locators
  list              the notebooks of the collection and their parameters
  run [NOTEBOOK..]  execute notebooks through papermill into a report folder
  import iati|matrix  import IATI activity files or a 3W/HXL matrix as a data package
  merge DIR DIR..   combine data packages, reconciling actors
  export hxl [PATH] a package as a 3W/4W CSV with HXL hashtags
"""
from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]

EPILOG = """examples:
  wbcti validate                      check the bundled data package
  wbcti validate ~/my-coded-data      check your own package (same datapackage.json)
  wbcti summary                       rows per table and per source, country coverage, kappa
  wbcti quality                       candidate duplicates, inferred-row shares, missing tiers/units
  wbcti list                          notebooks and their parameters (types, defaults, help)
  wbcti run                           run every notebook into reports/<run-id>/
  wbcti run 01 -p countries "[XK, AL]"  one notebook with a parameter
  wbcti run --data ~/my-coded-data    the whole collection on your own data package
  wbcti import iati FILE.xml --out imported   IATI activity files -> a data package
  wbcti merge data imported --out merged      the bundled package plus an import

Run `wbcti run --help` for parameters, params files, parallel jobs and exit codes.
"""

RUN_DESCRIPTION = """\
Execute notebooks of the collection (all by default) through papermill into a new run
folder OUTPUT/<run-id>/ holding, per notebook, the executed .ipynb, an HTML page (code
hidden unless --show-code), its headline figures and exported files; plus index.html (status,
duration, parameters, headline figures and what changed since the previous comparable run)
and manifest.json (times, versions, git commit, data hash, parameters, errors).

OUTPUT/latest points at the newest complete scheduled run: the whole collection with its
defaults or a params file. A failed run, a run of some notebooks or a run with -p never
moves it (it is kept and listed). A run is compared value by value only with an earlier
run of the same notebooks, parameters and data; otherwise its page says what differs.
Notebook names, parameter names, types and values (allowed values, ranges, start_year <=
end_year, codes and ids the data package has), and --data are all checked before
anything runs.
"""

RUN_EPILOG = """\
notebooks:
  NOTEBOOK is a file name (01-coordination-graph.ipynb), a stem (01-coordination-graph)
  or a number (01 or 1). See `wbcti list` for the collection and its parameters.

parameters:
  -p NAME VALUE applies to every selected notebook that declares NAME; a name that no
  selected notebook declares is refused. VALUE is read as YAML, like papermill -y:
  -p top_n 10, -p alpha 0.01, -p merge_parents true, -p countries "[XK, AL]".
  For a str parameter the text is passed as typed (-p weighting newman; 2017 stays "2017").
  data_path and output_dir are set by the runner: use --data and --output.

cached runs:
  A notebook whose cell sources, parameters, data hash and code (version and sources of
  wbcti_analysis, package versions) are unchanged since a successful run in OUTPUT is not
  executed: its pages are copied and marked reused (index.html, manifest reused_from).
  --force executes everything.

params file (YAML), flat, per notebook, or both; -p wins over the file, a notebook's
section over the flat entries:
  top_n: 10                      # every selected notebook that declares top_n
  02-donor-dependency:           # only this notebook
    countries: [XK, AL]

examples:
  wbcti run                                  whole collection into reports/
  wbcti run 01 03 -p top_n 15                two notebooks, one parameter
  wbcti run --params-file run.yaml --jobs 2  parameters from a file, two at a time
  wbcti run --data ~/my-coded-data --output ~/my-reports
  wbcti run --dry-run -p top_n 15            check and show what would run
  wbcti run 01 --sweep countries=AL,BA,XK    one page per country, plus sweep.html
  wbcti run --force                          re-run notebooks whose inputs are unchanged
  wbcti run --scheduler tcp://head:8786      each notebook as a task on a Dask cluster
  python -m http.server -d reports/latest 8000   then open http://localhost:8000

exit status:
  0  every notebook succeeded (OUTPUT/latest points at this run if it is a scheduled run)
  1  at least one notebook failed (the others ran; latest is unchanged)
  2  refused before running: unknown notebook or parameter, wrong type or value, invalid --data
"""


def _allowed(p, ds) -> str:
    """What a parameter allows, with the package's values for a package-derived domain."""
    if p.domain and ds is not None:
        from .params import allowed_values

        from .params import DOMAINS

        values = allowed_values(p.domain, ds)
        shown = ", ".join(values[:30]) + (f", ... ({len(values)} in all)" if len(values) > 30 else "")
        dom = DOMAINS[p.domain]
        if dom.accepts is not None:
            return f"any {dom.noun} of the package; its networks: {shown or '(none)'}"
        return f"{'any of ' if p.kind == 'list' else 'one of '}{shown or '(none in the package)'}"
    return p.allowed_text()


def _cmd_list(args: argparse.Namespace) -> int:
    from .run.plan import discover

    try:
        notebooks = discover(args.notebooks)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ds = None
    if any(p.domain for n in notebooks for p in n.parameters.values()):
        from .datapackage import DataValidationError, load

        try:
            ds = load(args.data)
        except (FileNotFoundError, DataValidationError) as exc:
            print(f"warning: cannot read the data package, so the values it allows are not listed: "
                  f"{str(exc).splitlines()[0]}", file=sys.stderr)
    if args.json:
        import json

        listed = [n.to_dict() for n in notebooks]
        for n, entry in zip(notebooks, listed):
            for p, d in zip(n.parameters.values(), entry["parameters"]):
                if p.domain and ds is not None:
                    from .params import allowed_values

                    d["allowed_values"] = allowed_values(p.domain, ds)
        print(json.dumps(listed, indent=2, ensure_ascii=False, default=str))
        return 0
    folder = notebooks[0].path.parent if notebooks else args.notebooks
    if not notebooks:
        print(f"no notebooks (NN-*.ipynb) in {folder or 'the notebooks folder'}")
        return 0
    print(f"Notebooks in {folder}" + (f" (allowed values from the data package at {ds.path})" if ds is not None
                                      else "") + ":")
    for n in notebooks:
        print(f"\n{n.name}" + (f"  {n.title}" if n.title else ""))
        if n.error:
            print(f"  ! {n.error}")
        if not n.parameters and not n.error:
            print("  (no parameters)")
        for p in n.parameters.values():
            definition = f"  {p.name}: {p.type or 'untyped'} = {p.default_source}"
            lines = [p.help] if p.help else []
            allowed = _allowed(p, ds)
            if allowed:
                lines.append(f"allowed: {allowed}")
            if not lines:
                print(definition)
                continue
            if len(definition) < 40:
                print(f"{definition:<40} {lines[0]}")
                rest = lines[1:]
            else:
                print(definition)
                rest = lines
            for line in rest:
                print(f"{'':<41}{line}")
        for text in n.declaration.rule_texts() if n.declaration is not None else ():
            print(f"  rule: {text}")
        for w in n.warnings:
            print(f"  warning: {w}")
    print("\nRun one with `wbcti run NN -p NAME VALUE`; see `wbcti run --help`.")
    return 0


def _rel(path) -> str:
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def _cmd_run(args: argparse.Namespace) -> int:
    from .runner import EXIT_REFUSED, RunRefused, execute, plan_run

    if args.jobs is not None and args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_REFUSED
    try:
        plan = plan_run(args.notebook, args.parameter or [], args.params_file, args.data, args.notebooks,
                        sweeps=args.sweep or [])
    except RunRefused as exc:
        print("error: refused, nothing was run:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return EXIT_REFUSED
    progress = None if args.quiet else sys.stderr
    for w in plan.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.dry_run:
        print(f"would run {len(plan.notebooks)} notebook(s) from {plan.notebooks_dir} into {args.output}/<run-id>/:")
        print("  a scheduled run: latest would move to it if every notebook succeeds" if plan.scheduled else
              f"  an ad-hoc run ({'; '.join(plan.adhoc_reasons)}): kept and listed, latest would not move")
        for n in plan.notebooks:
            given = dict(plan.parameters.get(n.stem, {}))
            if plan.data_path is not None and "data_path" in n.parameters:
                given["data_path"] = str(plan.data_path)
            shown = ", ".join(f"{k}={v!r}" for k, v in given.items()) or "defaults"
            print(f"  {n.name}: {shown}")
            for page in plan.variants.get(n.stem, []):
                print(f"    sweep page {page['key']}: {page['label']}")
        return 0
    try:
        status, run_dir, manifest = execute(plan, args.output, jobs=args.jobs, show_code=args.show_code,
                                            progress=progress, force=args.force, scheduler=args.scheduler)
    except RunRefused as exc:
        print("error: refused, nothing was run:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    nbs = manifest["notebooks"]
    n_ok = sum(nb["status"] == "ok" for nb in nbs)
    print(f"run {manifest['run_id']}: {manifest['status']}, {n_ok} of {len(nbs)} notebook(s) ok "
          f"in {manifest['duration_s']:.1f} s")
    for nb in nbs:
        if nb["status"] != "ok":
            err = nb.get("error") or {}
            first = ((err.get("evalue") or "").strip().splitlines() or [""])[0]
            print(f"  {nb['status'].upper()} {nb['stem']}: {err.get('ename') or ''}: {first}")
    if manifest.get("reused"):
        print(f"reused: {manifest['reused']} of {len(nbs)} page(s) copied from earlier runs (source, parameters, "
              f"data and code unchanged); executed: {manifest.get('executed', 0)}"
              + ("" if manifest.get("executed") else " (nothing executed; --force re-runs)"))
    if manifest.get("sweep"):
        print(f"sweep: {_rel(run_dir / manifest['sweep']['page'])} (headline figures side by side)")
    cmp = manifest.get("comparison") or {}
    if cmp.get("compared_with"):
        print(f"headline figures changed since {cmp['compared_with']} (same notebooks, parameters and data): "
              f"{manifest.get('headline_changes', 0)}")
    elif cmp.get("reference"):
        print(f"not compared value by value with {cmp['reference']}: " + "; ".join(cmp.get("differences") or []))
    print(f"index: {_rel(run_dir / 'index.html')}")
    if manifest.get("latest_moved"):
        print(f"latest: {_rel(run_dir.parent / 'latest' / 'index.html')} -> {run_dir.name}")
    else:
        prev = manifest.get("previous_latest")
        why = ("an ad-hoc run: " + "; ".join(manifest.get("adhoc_reasons") or [])
               if manifest.get("kind") == "ad hoc" else "not every notebook succeeded")
        print(f"latest: unchanged ({prev or 'no complete scheduled run yet'}; {why})")
    return status



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
        _print_agreement(ds.path)
    return 0


def _print_agreement(folder) -> None:
    """Print Cohen's kappa per coded field when the package holds two codings."""
    from .coding import agreement, coding_paths

    paths = coding_paths(folder)
    if not (paths["first"].is_file() and paths["second"].is_file()):
        return
    table = agreement(paths["first"], paths["second"])
    print("\nDouble coding (Cohen's kappa; headline for tiers: mean of labels):")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


def _cmd_quality(args: argparse.Namespace) -> int:
    from .datapackage import DataValidationError
    from .quality.report import format_report, quality_report

    try:
        rep = quality_report(args.path, sources_dir=args.sources, decisions=args.decisions)
    except (FileNotFoundError, DataValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(format_report(rep, limit=args.limit))
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from .synth import synthesize

    try:
        tables = synthesize(args.scale, seed=args.seed, out=args.out, amounts=args.amounts, template=args.template)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{name} {len(df)}" for name, df in tables.items())
    print(f"wrote a synthetic package ({args.scale:g} x, seed {args.seed}) to {args.out}: {rows}")
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
    p = sub.add_parser("quality", help="data-quality report: duplicates, inferred rows, tiers, units, locators",
                       description="Load and validate a data package, then report candidate duplicates without a "
                                   "recorded decision (coding/entity_candidates.csv), the share of rows coded "
                                   "'inferred' per table, activities without a tier, figures without a unit, "
                                   "locators that do not name a section of the source, and rows per source per "
                                   "table. Exits 0 unless the package is invalid (1).")
    p.add_argument("path", nargs="?", default=None, help="folder holding datapackage.json (default: bundled)")
    p.add_argument("--sources", metavar="DIR", default=None,
                   help="folder of the source texts (default: $WBCTI_SOURCES, PATH/sources or ../shared/sources)")
    p.add_argument("--decisions", metavar="FILE", default=None,
                   help="decisions on candidate pairs (default: PATH/coding/entity_candidates.csv)")
    p.add_argument("--limit", metavar="N", type=int, default=12, help="examples listed per finding (default: 12)")
    p.set_defaults(func=_cmd_quality)

    p = sub.add_parser("synth", help="write a synthetic data package K times the bundled one (benchmarks)",
                       description="Write a valid synthetic package about K times the bundled one, drawn from it "
                                   "(heavy-tailed participation, several roles per activity, actors shared across "
                                   "countries, partial dates, missing amounts): for benchmarks and tests at scale, "
                                   "not real data. The same seed writes the same files.",
                       epilog="example:\n  wbcti synth --scale 10 --seed 0 --out /tmp/synth-10 && wbcti validate "
                              "/tmp/synth-10",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", "-k", metavar="K", type=float, required=True,
                   help="rows per table relative to the bundled package (e.g. 1, 10, 100; > 0)")
    p.add_argument("--seed", metavar="S", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--out", metavar="DIR", required=True,
                   help="folder to write datapackage.json and the CSVs into (created; same-named files replaced)")
    p.add_argument("--amounts", action="store_true",
                   help="state amounts on about 60%% of funding rows (default: missing at the bundled rate)")
    p.add_argument("--template", metavar="PATH", default=None,
                   help="package to draw from (default: the bundled data/)")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("list", help="the notebooks of the collection and their parameters",
                       description="List the notebooks of the collection (notebooks/NN-*.ipynb) with each "
                                   "parameter's type, default, help and allowed values or range, as declared in "
                                   "wbcti_analysis.params (codes and ids from the data package); other notebooks' "
                                   "parameters are read from the cell tagged 'parameters'.",
                       epilog="examples:\n  wbcti list\n  wbcti list --json | jq '.[].parameters'",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--notebooks", metavar="DIR", default=None,
                   help="folder of the collection (default: the project's notebooks/)")
    p.add_argument("--data", metavar="PATH", default=None,
                   help="data package whose codes and ids are listed as allowed values (default: bundled)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run notebooks through papermill into a report folder for reviewers",
                       description=RUN_DESCRIPTION, epilog=RUN_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebook", nargs="*", metavar="NOTEBOOK",
                   help="notebooks to run: file name, stem or number (default: all)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="set a parameter (VALUE read as YAML); repeatable")
    p.add_argument("--params-file", metavar="FILE", default=None,
                   help="YAML file of parameters, flat or per notebook (see below)")
    p.add_argument("--data", metavar="PATH", default=None,
                   help="run on this data package (validated first; passed as data_path)")
    p.add_argument("--output", metavar="DIR", default="reports",
                   help="where run folders go (default: ./reports)")
    p.add_argument("--jobs", "-j", metavar="N", type=int, default=None,
                   help="notebooks run in parallel, each in its own process (default: the cores this "
                        "process may use, at most 8)")
    p.add_argument("--sweep", metavar="NAME=V1,V2", action="append",
                   help="one page per value (repeat for the cross product) and sweep.html, the headline "
                        "figures side by side; e.g. --sweep countries=AL,BA,XK. An ad-hoc run")
    p.add_argument("--force", action="store_true",
                   help="execute every notebook, even those whose source, parameters, data and code are "
                        "unchanged since a successful run in OUTPUT (by default those are copied)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run each notebook as a task on this Dask scheduler (tcp://host:8786); needs the "
                        "'dist' extra, see docs/running.md")
    p.add_argument("--show-code", action="store_true",
                   help="show code cells in the HTML pages (hidden by default, for reviewers)")
    p.add_argument("--notebooks", metavar="DIR", default=None,
                   help="folder of the collection (default: the project's notebooks/)")
    p.add_argument("--dry-run", action="store_true",
                   help="check notebooks, parameters and data, print what would run, run nothing")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=_cmd_run)

    from .importers.commands import add_parsers  # import iati|matrix, merge, export hxl

    add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and getattr(args, "command", None) == "run" and not any(e.startswith("-") for e in extra):
        args.notebook = [*args.notebook, *extra]  # `wbcti run 01 -p top_n 15 03`: 03 is a notebook too
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and the like
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
