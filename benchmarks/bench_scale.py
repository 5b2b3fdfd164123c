"""Benchmark at scale: every analysis step the notebooks call, on synthetic packages K x the bundled one.

Run: ``make benchmark`` (k = 1 and 10), ``make benchmark BENCH_ARGS=--with-100`` (adds k = 100,
about 10-20 minutes on 2 cores), or directly::

    .venv/bin/python benchmarks/bench_scale.py [--scales 1 10] [--with-100] [--repeats 3]
                                               [--quick] [--csv PATH] [--markdown]

For each scale K a fresh interpreter (so peak memory is per scale) writes a package with
:func:`wbcti_analysis.synth.synthesize` (seed 0), then times, in process, load + validate
and each analysis step of the four notebooks with their default parameters (1000
permutation draws, 1000 bootstrap resamples): one untimed warm-up of the imports, then
the median of ``--repeats`` calls (one call at K >= 100, or when a call takes over 60 s).
Peak memory is the process's resident high-water mark after the step
(``resource.getrusage``), so it only grows along a scale's rows.

Floors measured in the same run, to read the times against: ``python -c pass`` and
``import wbcti_analysis`` in a fresh interpreter, ``pandas.read_csv`` of the same files
(per scale), and papermill executing a notebook with one empty cell (kernel start
included). ``--quick`` runs K = 0.2 once with 50 draws, for the test that keeps this
script from rotting.

``--full-run`` (what ``make benchmark`` passes) adds whole runs: ``wbcti run --force -q``
of the four notebooks with their HTML pages into a fresh output folder, at K = 1 and 10
(``--run-scales``) and on the bundled package ``data/``, each with ``--jobs 1`` and
``--jobs 2`` (``--run-jobs``): the wall time of the command (``--run-repeats``, default 1),
its exit status, and each notebook's time and error from the run's manifest.

Prints a table (steps x scales, with the growth from the second-last to the last scale
against K log K) and writes a CSV, one row per (scale, step), with the machine, Python
and package versions on every row (default ``benchmarks/results/scale.csv``).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CSV = HERE / "results" / "scale.csv"
os.environ.setdefault("WBCTI_PROGRESS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")


def _rss_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024 if sys.platform != "darwin" else r / 2**20


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def steps(draws: int, boot: int, scale: float = 1):
    """The steps, in notebook order: (notebook, name, function of the context).

    The two ``betweenness (networkx ...)`` rows time networkx's own algorithm (the path of
    ``method="networkx"``) with 1 job and with 2 on nx-parallel (``graphs/backend.py``),
    against the sparse one ``actor_metrics`` uses; left out from K = 100 (minutes each)."""
    from wbcti_analysis import funding as fd
    from wbcti_analysis import graphs as g
    from wbcti_analysis import mechanisms as M
    from wbcti_analysis import plots_graphs as pg
    from wbcti_analysis import prevention as pv
    from wbcti_analysis.graphs import brokerage

    def draw(c):
        import matplotlib.pyplot as plt

        fig = pg.draw_network(c["G"], c["metrics"], size_by="betweenness", top_n=10, seed=42)
        fig.savefig(Path(c["tmp"]) / "network.png", dpi=100)
        plt.close(fig)

    def periods(c):
        ps = g.period_graphs(c["ds"], split_years=[2018], start_year=2015)
        return g.compare_periods(ps, graph="union", seed=42)

    def classifier(c):
        pv.evaluate_tier_classifier(c["ds"], seed=42)
        return pv.evaluate_tier_classifier(c["ds"], seed=42, use_themes=False)

    def indicators(c):
        import matplotlib.pyplot as plt

        from wbcti_analysis import plots_mechanisms as pm

        ids, feats = M.check_parameters(c["ds"])
        fig = pm.plot_indicator_matrix(M.indicator_matrix(c["ds"], ids, feats, use_participations=True))
        fig.savefig(Path(c["tmp"]) / "indicators.png", dpi=100)
        plt.close(fig)

    def distances(c):
        ids, feats = M.check_parameters(c["ds"])
        return M.mechanism_distances(c["ds"], ids, feats, method="jaccard")

    return [
        ("01", "build_graphs", lambda c: c.update(G=g.build_graphs(c["ds"]).graph("union"))),
        ("01", "actor_metrics", lambda c: c.update(metrics=g.actor_metrics(c["G"], seed=42))),
        ("01", "- eigenvector centrality", lambda c: g.eigenvector_centrality(c["G"])),
        ("01", "- betweenness centrality", lambda c: g.betweenness_centrality(c["G"], seed=42)),
        *([("01", "- betweenness (networkx, 1 job)",
            lambda c: g.betweenness_centrality(c["G"], seed=42, method="networkx", jobs=1)),
           ("01", "- betweenness (networkx, nx-parallel 2 jobs)",
            lambda c: g.betweenness_centrality(c["G"], seed=42, method="networkx", jobs=2))] if scale < 100 else []),
        ("01", "- brokerage (sector)", lambda c: brokerage(c["G"], "sector")),
        ("01", "draw_network + PNG", draw),
        ("01", "bridging", lambda c: g.bridging(c["G"], "law_enforcement", "policy_coordination")),
        ("01", f"sector_tie_test ({draws} draws)", lambda c: g.sector_tie_test(c["G"], n_draws=draws, seed=42)),
        ("01", "period_graphs + compare_periods", periods),
        ("02", "funder_links", lambda c: c.update(links=fd.funder_links(c["ds"]))),
        ("02", "dependency (country)", lambda c: fd.dependency(c["ds"], by="country", links=c["links"])),
        ("02", "concentration (country)", lambda c: fd.concentration(c["ds"], by="country", links=c["links"])),
        ("02", "rank_funders", lambda c: fd.rank_funders(c["ds"], c["links"])),
        ("02", "funding_cliffs (country)", lambda c: fd.funding_cliffs(c["ds"], by="country", links=c["links"])),
        ("03", "tier_effort (country, period)", lambda c: pv.tier_effort(c["ds"], by=("country", "period"))),
        ("03", f"gap_table ({boot} bootstrap)", lambda c: pv.gap_table(c["ds"], n_bootstrap=boot, seed=42)),
        ("03", "rr_claim_test", lambda c: pv.rr_claim_test(c["ds"])),
        ("03", "coverage_matrix", lambda c: pv.coverage_matrix(c["ds"])),
        ("03", "find_duplicates", lambda c: pv.find_duplicates(c["ds"], threshold=0.5)),
        ("03", "tier classifier CV (x2)", classifier),
        ("04", "indicator_matrix + plot + PNG", indicators),
        ("04", "mechanism_distances", lambda c: c.update(dist=distances(c))),
        ("04", "cluster_mechanisms", lambda c: M.cluster_mechanisms(c["dist"], threshold=0.5)),
        ("04", "sector_coverage", lambda c: M.sector_coverage(c["ds"])),
    ]


def _timed(fn, ctx, repeats: int, timeout: int):
    times = []
    for i in range(repeats):
        signal.alarm(timeout)
        t = time.perf_counter()
        try:
            fn(ctx)
        finally:
            signal.alarm(0)
        times.append(time.perf_counter() - t)
        if times[-1] > 60:
            break
    return times


def worker(scale: float, repeats: int, draws: int, boot: int, timeout: int) -> list[dict]:
    """Time every step at one scale in this process; return one record per step."""
    signal.signal(signal.SIGALRM, _alarm)
    import pandas as pd

    import wbcti_analysis as w
    from wbcti_analysis.synth import synthesize

    out = []

    def rec(notebook, step, times, **extra):
        out.append({"scale": scale, "notebook": notebook, "step": step, "repeats": len(times),
                    "median_s": statistics.median(times) if times else None,
                    "min_s": min(times) if times else None, "peak_rss_mb": round(_rss_mb(), 1), **extra})
        print(f"  k={scale:g} {step}: {_fmt(out[-1]['median_s'])} {extra.get('error', '')}", file=sys.stderr,
              flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "pkg"
        t = time.perf_counter()
        synthesize(scale, seed=0, out=pkg)
        rec("-", "synth (generate + write)", [time.perf_counter() - t])
        files = sorted(pkg.glob("*.csv"))
        rec("-", "floor: pandas.read_csv of the same files",
            _timed(lambda c: [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], {}, repeats, timeout))
        w.load(pkg)  # warm-up: imports pandera, builds nothing else
        rec("-", "load + validate", _timed(lambda c: w.load(pkg), {}, repeats, timeout))
        ctx = {"ds": w.load(pkg), "tmp": tmp}
        rows = sum(len(df) for df in ctx["ds"].tables.values())
        for notebook, step, fn in steps(draws, boot, scale):
            try:
                times = _timed(fn, ctx, repeats if scale < 100 else 1, timeout)
                extra = {}
            except _Timeout:
                times, extra = [], {"error": f"over {timeout} s"}
            except Exception as exc:  # noqa: BLE001 - recorded, the other steps still run
                times, extra = [], {"error": f"{type(exc).__name__}: {exc}"[:200]}
            if step == "build_graphs" and "G" in ctx:
                extra.update(nodes=ctx["G"].number_of_nodes(), edges=ctx["G"].number_of_edges())
            rec(notebook, step, times, rows=rows, **extra)
            if "error" in extra and step in ("build_graphs", "funder_links"):
                break
    return out


def _run_label(jobs: int, notebooks: list[str]) -> str:
    what = "4 notebooks" if not notebooks else "notebooks " + ",".join(notebooks)
    return f"wbcti run: {what} + HTML (--jobs {jobs})"


def full_run(data: Path, jobs: int, notebooks: list[str], timeout: int) -> dict:
    """Time one ``wbcti run --force -q`` of ``notebooks`` (all when empty) on ``data`` into a fresh folder.

    Returns the seconds, the exit status, each notebook's duration and the first error
    (with its traceback printed on stderr)."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "wbcti_analysis", "run", *notebooks, "--data", str(data), "--output", out,
               "--jobs", str(jobs), "--force", "-q"]
        t = time.perf_counter()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": None, "error": f"over {timeout} s"}
        seconds = time.perf_counter() - t
        rec = {"seconds": seconds, "exit": done.returncode}
        manifests = sorted(Path(out).glob("*/manifest.json"))
        if not manifests:
            rec["error"] = f"exit {done.returncode}, no manifest: {done.stderr.strip()[-300:]}"
            return rec
        m = json.loads(manifests[-1].read_text(encoding="utf-8"))
        rec["detail"] = "; ".join(f"{e['stem'][:2]} {e.get('duration_s') or 0:.1f} s {e['status']}"
                                  for e in m["notebooks"])
        rec["kernel_jobs"] = m["options"].get("kernel_jobs")
        failed = [e for e in m["notebooks"] if e["status"] != "ok"]
        if failed or done.returncode != 0:
            e = (failed or [{}])[0]
            err = e.get("error") or {}
            rec["error"] = (f"exit {done.returncode}: {e.get('stem', '?')} {err.get('ename', '')}: "
                            f"{err.get('evalue', '')}")[:200]
            for f in failed:
                print(f"--- {f['stem']} failed on {data}:\n{(f.get('error') or {}).get('traceback', '')}",
                      file=sys.stderr)
        return rec


def full_runs(scales: list[float], jobs_list: list[int], notebooks: list[str], bundled: bool, repeats: int,
              timeout: int) -> list[dict]:
    """Whole ``wbcti run`` at each synthetic scale (seed 0) and on the bundled package, per ``--jobs``."""
    from wbcti_analysis.synth import synthesize

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = []
        for k in scales:
            pkg = Path(tmp) / f"k{k:g}"
            synthesize(k, seed=0, out=pkg)
            targets.append((k, pkg))
        if bundled:
            targets.append(("", HERE.parent / "data"))
        for scale, data in targets:
            for jobs in jobs_list:
                step = _run_label(jobs, notebooks) + ("" if scale != "" else ", bundled data/")
                runs = [full_run(data, jobs, notebooks, timeout) for _ in range(repeats)]
                times = [r["seconds"] for r in runs if r.get("seconds") is not None and not r.get("error")]
                last = runs[-1]
                rec = {"scale": scale, "notebook": "-", "step": step, "repeats": len(times),
                       "median_s": statistics.median(times) if times else None,
                       "min_s": min(times) if times else None, "detail": last.get("detail", ""),
                       "kernel_jobs": last.get("kernel_jobs")}
                errors = [r["error"] for r in runs if r.get("error")]
                if errors:
                    rec["error"] = errors[0]
                out.append(rec)
                print(f"  {'k=' + format(scale, 'g') if scale != '' else 'bundled'} {step}: "
                      f"{_fmt(rec['median_s'])} [{rec['detail']}] {rec.get('error', '')}", file=sys.stderr, flush=True)
    return out


def floors(quick: bool) -> list[dict]:
    """Scale-independent floors: interpreter start, import, papermill on an empty notebook."""
    out = []

    def fresh(code):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        return time.perf_counter() - t

    n = 1 if quick else 3
    out.append({"scale": "", "notebook": "-", "step": "floor: python -c pass", "repeats": n,
                "median_s": statistics.median(fresh("pass") for _ in range(n))})
    out.append({"scale": "", "notebook": "-", "step": "import wbcti_analysis (fresh interpreter)", "repeats": n,
                "median_s": statistics.median(fresh("import wbcti_analysis") for _ in range(n))})
    try:
        import nbformat
        import papermill as pm

        with tempfile.TemporaryDirectory() as tmp:
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            src = Path(tmp) / "empty.ipynb"
            nbformat.write(nb, src)
            times = []
            for _ in range(n):
                t = time.perf_counter()
                pm.execute_notebook(str(src), str(Path(tmp) / "out.ipynb"), progress_bar=False, log_output=False,
                                    kernel_name="python3")
                times.append(time.perf_counter() - t)
        out.append({"scale": "", "notebook": "-", "step": "floor: papermill on an empty notebook", "repeats": n,
                    "median_s": statistics.median(times)})
    except Exception as exc:  # noqa: BLE001
        out.append({"scale": "", "notebook": "-", "step": "floor: papermill on an empty notebook", "repeats": 0,
                    "median_s": None, "error": f"{type(exc).__name__}: {exc}"[:200]})
    return out


def environment() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    env = {"machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "cpus": os.cpu_count(),
           "platform": platform.platform(), "python": platform.python_version()}
    for pkg in ("wbcti-analysis", "numpy", "pandas", "networkx", "nx-parallel", "scipy", "scikit-learn", "matplotlib",
                "pandera", "papermill"):
        try:
            env[pkg] = version(pkg)
        except PackageNotFoundError:
            env[pkg] = ""
    try:
        env["git_commit"] = os.environ.get("WBCTI_GIT_COMMIT") or subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                                           text=True).stdout.strip()
    except OSError:
        env["git_commit"] = ""
    return env


def _fmt(s) -> str:
    if s is None or s == "":
        return "-"
    return f"{s * 1000:.0f} ms" if s < 0.1 else (f"{s:.2f} s" if s < 10 else f"{s:.0f} s")


def table(records: list[dict], scales: list[float], markdown: bool = False) -> str:
    """The steps x scales table (medians), the growth over the last two scales and the peak memory."""
    by = {(r["scale"], r["step"]): r for r in records}
    order = list(dict.fromkeys((r["notebook"], r["step"]) for r in records if r["scale"] != ""))
    head = ["step (notebook)"] + [f"k={s:g}" for s in scales]
    grow = len(scales) >= 2
    if grow:
        a, b = scales[-2], scales[-1]
        bound = (b * math.log(b)) / (a * math.log(a)) if a > 1 else b / a
        head.append(f"x k={a:g}->{b:g} (k log k: {bound:.0f})")
    rows = []
    for nb, step in order:
        cells = []
        for s in scales:
            r = by.get((s, step), {})
            cells.append(r.get("error") and "fail: " + r["error"][:30] or _fmt(r.get("median_s")))
        if grow:
            ra, rb = by.get((scales[-2], step), {}), by.get((scales[-1], step), {})
            ok = ra.get("median_s") and rb.get("median_s")
            cells.append(f"{rb['median_s'] / ra['median_s']:.1f}" if ok else "-")
        rows.append([f"{step} ({nb})" if nb != "-" else step] + cells)
    peak = ["peak memory (RSS)"] + [
        f"{max((r['peak_rss_mb'] for r in records if r['scale'] == s and r.get('peak_rss_mb')), default=0):.0f} MB"
        for s in scales] + ([""] if grow else [])
    rows.append(peak)
    for r in records:
        if r["scale"] == "":
            cell = r.get("error") and "fail: " + r["error"][:30] or _fmt(r.get("median_s"))
            rows.append([r["step"]] + [cell] + [""] * (len(head) - 2))
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x[i])) for x in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(head), "-" * (sum(widths) + 2 * len(widths))] + [fmt(r) for r in rows])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 10], help="scales K (default: 1 10)")
    ap.add_argument("--with-100", action="store_true", help="add K = 100 (10-20 minutes on 2 cores)")
    ap.add_argument("--repeats", type=int, default=3, help="calls per step, median reported (default 3; 1 at K>=100)")
    ap.add_argument("--draws", type=int, default=1000, help="permutation draws of sector_tie_test (default 1000)")
    ap.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples of gap_table (default 1000)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds after which a step is given up (default 600)")
    ap.add_argument("--quick", action="store_true", help="K = 0.2 once, 50 draws and resamples (for the test)")
    ap.add_argument("--full-run", action="store_true",
                    help="also time whole `wbcti run`s (make benchmark passes it; see --run-*)")
    ap.add_argument("--run-scales", type=float, nargs="+", default=[1, 10],
                    help="synthetic scales of the full runs (default: 1 10)")
    ap.add_argument("--run-jobs", type=int, nargs="+", default=[1, 2], help="--jobs of the full runs (default: 1 2)")
    ap.add_argument("--run-notebooks", nargs="*", default=[], help="notebooks of the full runs (default: all)")
    ap.add_argument("--run-repeats", type=int, default=1, help="runs per full-run row, median reported (default 1)")
    ap.add_argument("--no-bundled-run", dest="bundled_run", action="store_false",
                    help="no full runs on the bundled package data/")
    ap.add_argument("--run-timeout", type=int, default=1800, help="seconds after which a full run is given up "
                                                                  "(default 1800)")
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV, help=f"CSV written (default {DEFAULT_CSV.relative_to(HERE.parent)})")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--worker", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.repeats, args.draws, args.bootstrap, args.timeout)))
        return 0
    scales = [0.2] if args.quick else sorted(set(args.scales + ([100] if args.with_100 else [])))
    if args.quick:
        args.repeats, args.draws, args.bootstrap = 1, 50, 50
    records = []
    for s in scales:
        print(f"k={s:g} ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, __file__, "--worker", str(s), "--repeats", str(args.repeats), "--draws",
               str(args.draws), "--bootstrap", str(args.bootstrap), "--timeout", str(args.timeout)]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)  # the worker's stderr: step by step
        if done.returncode != 0:
            return 1
        records += json.loads(done.stdout.strip().splitlines()[-1])
    records += floors(args.quick)
    if args.full_run:
        print("full runs ...", file=sys.stderr, flush=True)
        records += full_runs(args.run_scales, args.run_jobs, args.run_notebooks, args.bundled_run, args.run_repeats,
                             args.run_timeout)
    scales = sorted(set(scales) | ({float(r["scale"]) for r in records if r["scale"] != ""}))
    env = environment()
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    fields = ["scale", "notebook", "step", "median_s", "min_s", "repeats", "peak_rss_mb", "rows", "nodes", "edges",
              "error", "kernel_jobs", "detail", *env]
    with open(args.csv, "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        wr.writeheader()
        for r in records:
            wr.writerow({**r, **env})
    print(table(records, scales, markdown=args.markdown))
    print(f"\n{env['machine']}, {env['cpus']} CPUs, Python {env['python']}, wbcti-analysis {env['wbcti-analysis']} "
          f"({env['git_commit']}); written {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
