"""Executing a run plan: papermill per notebook, in parallel if asked, failures isolated.

:func:`execute` runs each notebook of a :class:`~.plan.RunPlan` with papermill (cwd = the
notebooks folder, kernel ``python3``) into a new run folder: per notebook the executed
``.ipynb``, its HTML page, its headline figures and exported files; then the manifest,
the run's ``index.html`` and the list of runs. A failing notebook is recorded as failed
and the others still run. The comparison with earlier runs follows :mod:`.compare`;
``latest`` moves only for a complete scheduled run. Pages are rendered by
:mod:`wbcti_analysis.report` from the manifest dict (a one-way dependency).

A page whose inputs are unchanged since a successful run in the same reports folder is
copied, not executed (:mod:`.cache`; ``force=True`` executes all). A sweep
(:mod:`.sweep`) gives one page per value and ``sweep.html``. ``jobs`` defaults to the
cores available (:func:`.progress.default_jobs`); ``scheduler`` sends each page to a Dask
cluster instead (:mod:`.dist`). Progress lines and the estimate: :mod:`.progress`.
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Iterable, TextIO

from .cache import cache_key, code_fingerprint, find_reusable, reuse
from .compare import choose_comparison, compare_headlines
from .manifest import (data_info, git_commit, list_runs, new_run_dir, notebook_hash, now, point_latest,
                       read_manifest, resolve_latest, versions, write_json)
from .plan import EXIT_FAILED, EXIT_OK, RunPlan, plan_run
from .progress import Progress, default_jobs, previous_durations
from .provenance import copy_about, exported_files, package_info, read_citation
from .sweep import page_units

__all__ = ["KERNEL_NAME", "HEADLINES_SUFFIX", "PAGE_DIR_VAR", "execute", "run"]

KERNEL_NAME = "python3"
HEADLINES_SUFFIX = ".headlines.json"
PAGE_DIR_VAR = "WBCTI_PAGE_DIR"  # the folder the notebook's HTML page is written to (links relative to it)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colour codes in kernel tracebacks


def _progress(stream: TextIO | None, text: str) -> None:
    if stream is not None:
        print(f"[wbcti] {text}", file=stream, flush=True)


def _execute_notebook(task: dict, stream: TextIO | None = None) -> dict:
    """Run one notebook and render it; never raises. Runs in-process or in a worker process.

    Progress goes to ``stream``, or to this process's stderr when ``task["progress"]``.
    """
    import logging

    import papermill
    from papermill.exceptions import PapermillExecutionError

    from ..report import render_notebook_html

    logging.getLogger("papermill").setLevel(logging.ERROR)
    if stream is None and task["progress"]:
        stream = sys.stderr
    _progress(stream, f"{task['stem']}: started")
    started, t0 = now(), time.perf_counter()
    from ..headlines import ENV_VAR

    from ..graphs.backend import JOBS_VAR

    saved_env = {k: os.environ.get(k) for k in (ENV_VAR, PAGE_DIR_VAR, JOBS_VAR, "PYDEVD_DISABLE_FILE_VALIDATION")}
    os.environ[ENV_VAR] = task["headlines_file"]  # the kernel inherits this process's environment
    os.environ[PAGE_DIR_VAR] = str(Path(task["html"]).parent)
    if task.get("kernel_jobs"):  # the kernel's share of --jobs, unless the caller set WBCTI_JOBS
        os.environ.setdefault(JOBS_VAR, str(task["kernel_jobs"]))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    Path(task["output_dir"]).mkdir(parents=True, exist_ok=True)
    status, error, attempts = "ok", None, 0
    try:
        while True:
            attempts += 1
            try:
                papermill.execute_notebook(
                    task["input"], task["output"], parameters=task["parameters"],
                    kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                    start_timeout=task.get("start_timeout", 120), cwd=task["cwd"],
                    # silences kernel-log noise: the TCP warning at start, and the "KeyboardInterrupt
                    # caught in kernel" that jupyter_client's interrupt-before-shutdown can cause
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                )
                break
            except PapermillExecutionError as exc:
                status = "failed"
                error = {"ename": exc.ename, "evalue": exc.evalue, "cell_index": exc.cell_index,
                         "execution_count": exc.exec_count,
                         "traceback": _ANSI.sub("", "\n".join(exc.traceback))}
                break
            except Exception as exc:  # kernel did not start, died, or papermill itself failed
                if attempts == 1 and not _cells_ran(task["output"]):
                    _progress(stream, f"{task['stem']}: kernel start failed ({type(exc).__name__}: {exc}); retrying once")
                    time.sleep(1.0)
                    continue
                import traceback

                status = "failed"
                error = {"ename": type(exc).__name__, "evalue": str(exc), "cell_index": None,
                         "execution_count": None, "traceback": traceback.format_exc()}
                break
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    duration = time.perf_counter() - t0
    finished = now()
    html, render_s = None, 0.0
    if Path(task["output"]).is_file():
        t1 = time.perf_counter()
        try:
            render_notebook_html(task["output"], task["html"], task["show_code"], task.get("title") or task["stem"],
                                 page=_page_context(task, status, error))
            html = Path(task["html"]).name
        except Exception as exc:  # a broken rendering must not hide the result
            if error is None:
                status = "failed"
                error = {"ename": type(exc).__name__, "evalue": f"HTML rendering failed: {exc}",
                         "cell_index": None, "execution_count": None, "traceback": ""}
        render_s = time.perf_counter() - t1
    try:
        out_dir = Path(task["output_dir"])
        if out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()  # the notebook exported nothing
    except OSError:
        pass
    result = {
        "stem": task["stem"], "status": status, "started": started, "finished": finished,
        "duration_s": round(duration, 2), "render_s": round(render_s, 2), "attempts": attempts,
        "error": error, "html": html,
        "ipynb": Path(task["output"]).name if Path(task["output"]).is_file() else None,
    }
    tail = f" (+{render_s:.1f} s HTML)" if html else ""
    if status == "ok":
        _progress(stream, f"{task['stem']}: ok in {duration:.1f} s{tail}")
    else:
        _progress(stream, f"{task['stem']}: FAILED in {duration:.1f} s{tail}: "
                          f"{error['ename']}: {_first_line(error['evalue'])}")
    return result


def _page_context(task: dict, status: str, error: dict | None) -> dict:
    """What the notebook's page header and footer show (see :mod:`wbcti_analysis.report.notebook_html`)."""
    from ..findings import read_findings

    run_dir = Path(task["html"]).parent
    try:
        findings = read_findings(_findings_file(task["headlines_file"]))
    except (OSError, ValueError):
        findings = []
    return {**(task.get("page") or {}), "stem": task["stem"], "status": status, "error": error,
            "findings": findings, "exported": exported_files(run_dir, Path(task["output_dir"]).name)}


def _findings_file(headlines_file: str) -> Path:
    from ..findings import FINDINGS_SUFFIX

    p = Path(headlines_file)
    return p.with_name(p.name[: -len(HEADLINES_SUFFIX)] + FINDINGS_SUFFIX)


def _first_line(text: str, width: int = 160) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 3] + "..."


def _cells_ran(output: str) -> bool:
    """Did any code cell of the (partially) saved output notebook execute?"""
    try:
        import nbformat

        nb = nbformat.read(output, as_version=4)
    except Exception:
        return False
    return any(c.cell_type == "code" and c.get("execution_count") for c in nb.cells)



def _finish_pages(run_dir: Path, manifest: dict) -> None:
    from ..report import render_index

    write_json(run_dir / "manifest.json", manifest)
    (run_dir / "index.html").write_text(render_index(manifest), encoding="utf-8")
    if manifest.get("sweep"):
        from ..report.sweep import render_sweep

        (run_dir / manifest["sweep"]["page"]).write_text(render_sweep(manifest), encoding="utf-8")


def execute(
    plan: RunPlan,
    output: str | os.PathLike = "reports",
    jobs: int | None = None,
    show_code: bool = False,
    progress: TextIO | None = sys.stderr,
    start_timeout: int = 120,
    force: bool = False,
    scheduler: Any = None,
) -> tuple[int, Path, dict]:
    """Run a :class:`~.plan.RunPlan` into a new folder ``output/<run-id>/``.

    Returns ``(exit_status, run_dir, manifest)``: :data:`EXIT_OK` if every notebook
    succeeded, else :data:`EXIT_FAILED`. ``output/latest`` moves to the run only when
    every notebook succeeded *and* the plan is scheduled (the whole collection, no
    ``-p``) and is no sweep. ``jobs > 1`` runs notebooks in that many separate processes
    ('spawn'), because papermill's ``cwd`` changes the whole process's directory; None
    (default) is :func:`.progress.default_jobs`; each kernel gets ``WBCTI_JOBS`` = its
share of them (:func:`wbcti_analysis.graphs.backend.kernel_jobs`: ``jobs`` when one
notebook runs, 1 when ``jobs`` notebooks run at once). A page whose cache key (:mod:`.cache`)
    matches a successful page of an earlier run in ``output`` is copied from it unless
    ``force``. ``scheduler`` (a Dask scheduler address, cluster or client) runs each page
    as one task there; :class:`~.plan.RunRefused` if it cannot be reached (before anything
    is written).
    """
    client, own_client = None, False
    if scheduler is not None:
        from .dist import connect

        client, own_client = connect(scheduler)
    jobs = default_jobs() if jobs is None else jobs
    output = Path(output).expanduser().resolve()
    run_dir = new_run_dir(output)
    previous_latest = resolve_latest(output)
    earlier = list_runs(output, exclude=run_dir.name)
    t0 = time.perf_counter()
    commit, dirty = git_commit()
    from .. import __version__

    manifest: dict[str, Any] = {
        "run_id": run_dir.name,
        "status": "running",
        "kind": "scheduled" if plan.scheduled else "ad hoc",
        "adhoc_reasons": list(plan.adhoc_reasons),
        "collection": list(plan.collection),
        "started": now(),
        "finished": None,
        "duration_s": None,
        "project": {"name": "wbcti-analysis", "version": __version__, "git_commit": commit, "git_dirty": dirty},
        "data": data_info(plan.data_path),
        "citation": read_citation(),
        "notebooks_dir": str(plan.notebooks_dir),
        "parameters": plan.requested,
        "options": {"jobs": jobs, "show_code": show_code, "kernel": KERNEL_NAME, "force": force,
                    "scheduler": None if scheduler is None else str(getattr(scheduler, "scheduler_address", scheduler))},
        "command": ["wbcti", *sys.argv[1:]] if Path(sys.argv[0]).name in ("wbcti", "__main__.py") else None,
        "versions": versions(),
        "latest_moved": False,
        "notebooks": [],
    }
    if plan.sweep:
        manifest["sweep"] = {"parameters": plan.sweep, "page": "sweep.html"}
    depends = {"code": code_fingerprint(), "versions": manifest["versions"], "kernel": KERNEL_NAME,
               "show_code": show_code}
    manifest["data_package"] = package_info(manifest["data"].get("path"))  # title, version, licences, sources
    manifest["about"] = copy_about(run_dir, Path(manifest["data"]["path"]) if manifest["data"].get("path") else None,
                                   manifest["citation"])
    if manifest["citation"]:
        manifest["citation"].pop("path", None)
    page_ctx = {k: manifest[k] for k in ("run_id", "started", "kind", "project", "citation", "about")}
    page_ctx["data"] = {**manifest["data_package"], **manifest["data"]}
    tasks = []
    for n, key, swept, page in page_units(plan):
        params = {**plan.parameters.get(n.stem, {}), **swept}
        if "data_path" in n.parameters and plan.data_path is not None:
            params["data_path"] = str(plan.data_path)
        if "output_dir" in n.parameters:
            params["output_dir"] = str(run_dir / f"{key}_files")
        label = page["label"] if page else ""
        title = f"{n.title or n.stem} ({label})" if page else n.title
        tasks.append({
            "stem": key, "title": title, "input": str(n.path), "output": str(run_dir / f"{key}.ipynb"),
            "html": str(run_dir / f"{key}.html"), "cwd": str(plan.notebooks_dir),
            "headlines_file": str(run_dir / f"{key}{HEADLINES_SUFFIX}"),
            "output_dir": str(run_dir / f"{key}_files"), "parameters": params,
            "show_code": show_code, "progress": False, "start_timeout": start_timeout,
            "page": {**page_ctx, "non_default": (page["non_default"] if page else plan.non_default.get(
                n.stem, {k: v for k, v in params.items() if k not in ("data_path", "output_dir")}))},
        })
        entry = {
            "name": n.name, "stem": key, "title": title, "status": "pending",
            "parameters": params,
            "non_default": page["non_default"] if page else plan.non_default.get(
                n.stem, {k: v for k, v in params.items() if k not in ("data_path", "output_dir")}),
            "defaults": {p.name: p.default_source for p in n.parameters.values()},
            "notebook_hash": notebook_hash(n.path),
        }
        if page:
            entry.update({"notebook": n.stem, "sweep": swept, "sweep_label": label})
        entry["cache_key"] = cache_key(entry["notebook_hash"], params, manifest["data"]["hash"], depends)
        manifest["notebooks"].append(entry)
    write_json(run_dir / "manifest.json", manifest)  # a run that dies midway is recognisable
    reusable = {} if force else find_reusable(output, earlier, {e["stem"]: e["cache_key"] for e in manifest["notebooks"]})
    to_run = [t for t in tasks if t["stem"] not in reusable]
    slots = sum(client.nthreads().values()) if client is not None else jobs
    from ..graphs.backend import kernel_jobs

    # each kernel's jobs for the graph algorithms (graphs/backend.py): its share of --jobs; 1 on a cluster
    manifest["options"]["kernel_jobs"] = 1 if client is not None else kernel_jobs(jobs, min(jobs, len(to_run)))
    for t in to_run:
        t["kernel_jobs"] = manifest["options"]["kernel_jobs"]
    where = f"on the Dask cluster at {manifest['options']['scheduler']} ({slots} thread(s))" if client else f"{jobs} job(s)"
    durations, durations_from = previous_durations(earlier)
    for t in to_run:  # a sweep page without a history of its own: its notebook's duration
        durations.setdefault(t["stem"], durations.get(Path(t["input"]).stem))
    prog = Progress(progress, [t["stem"] for t in to_run], {k: v for k, v in durations.items() if v}, slots)
    prog.say(f"run {run_dir.name}: {len(tasks)} page(s), {len(reusable)} reused, {len(to_run)} to execute, "
             f"{where} -> {run_dir}")
    results: dict[str, dict] = {}
    for task in tasks:
        if task["stem"] in reusable:
            results[task["stem"]] = res = reuse(task, *reusable[task["stem"]])
            prog.say(f"{task['stem']}: reused from run {res['reused_from']} (source, parameters, data and code "
                     "unchanged; --force re-runs it)")
    prog.announce(durations_from)
    interrupted = False
    try:
        if client is not None:
            from .dist import execute_on_cluster

            results.update(execute_on_cluster(to_run, client, run_dir, prog))
        elif jobs <= 1 or len(to_run) <= 1:
            for task in to_run:
                prog.start(task["stem"])
                results[task["stem"]] = _execute_notebook(task, None)
                prog.finish(task["stem"], results[task["stem"]])
        else:
            results.update(_execute_parallel(to_run, jobs, prog))
    except KeyboardInterrupt:
        interrupted = True
        _progress(progress, "interrupted: writing what finished so far")
    finally:
        if own_client:
            client.close()
    manifest["reused"] = len(reusable)
    manifest["executed"] = len(to_run)
    from ..findings import read_findings
    from ..headlines import read as read_headlines

    for entry, task in zip(manifest["notebooks"], tasks):
        res = results.get(task["stem"]) or {"status": "not run", "error": None}
        entry.update({k: v for k, v in res.items() if k != "stem"})
        try:
            entry["headlines"] = read_headlines(task["headlines_file"])
        except (OSError, ValueError) as exc:
            entry["headlines"] = {}
            entry["headlines_error"] = str(exc)
        if entry["headlines"] or Path(task["headlines_file"]).is_file():
            entry["headlines_file"] = Path(task["headlines_file"]).name
        if (run_dir / f"{task['stem']}_files").is_dir():
            entry["output_dir"] = f"{task['stem']}_files"
        entry["exported"] = exported_files(run_dir, f"{task['stem']}_files")
        findings_file = _findings_file(task["headlines_file"])
        try:
            entry["findings"] = read_findings(findings_file)
        except (OSError, ValueError) as exc:
            entry["findings"], entry["findings_error"] = [], str(exc)
        if findings_file.is_file():
            entry["findings_file"] = findings_file.name
    comparison = choose_comparison(manifest, list_runs(output, exclude=run_dir.name),
                                   previous_latest.name if previous_latest else None)
    compared = comparison["compared_with"] is not None
    changed = 0
    for entry in manifest["notebooks"]:
        prev_run, prev = comparison["per_notebook"].get(entry["stem"], (None, None))
        entry["compared_with"] = prev_run
        entry["changes"] = compare_headlines(entry["headlines"], prev, complete=entry["status"] == "ok",
                                             compared=compared or not comparison["reference"])
        changed += sum(r["change"] != "unchanged" for r in entry["changes"]) if prev_run else 0
    n_ok = sum(e["status"] == "ok" for e in manifest["notebooks"])
    all_ok = n_ok == len(tasks) and not interrupted
    manifest["status"] = "complete" if all_ok else ("interrupted" if interrupted else "failed")
    manifest["finished"] = now()
    manifest["duration_s"] = round(time.perf_counter() - t0, 2)
    manifest["comparison"] = {k: v for k, v in comparison.items() if k != "per_notebook"}
    manifest["previous_complete_run"] = comparison["compared_with"]
    manifest["headline_changes"] = changed if compared else None
    manifest["previous_latest"] = previous_latest.name if previous_latest else None
    prev_manifest = read_manifest(previous_latest) if previous_latest else None
    prev_hash = ((prev_manifest or {}).get("data") or {}).get("hash")
    manifest["data_changed"] = (prev_hash != manifest["data"]["hash"]) if prev_hash else None
    manifest["latest_moved"] = all_ok and plan.scheduled and not plan.sweep  # a sweep is ad hoc
    _finish_pages(run_dir, manifest)
    if manifest["latest_moved"]:
        manifest["latest_pointer"] = point_latest(output, run_dir)
        write_json(run_dir / "manifest.json", manifest)
    try:
        from ..report import render_history

        latest = resolve_latest(output)
        (output / "index.html").write_text(render_history(list_runs(output), latest.name if latest else None),
                                           encoding="utf-8")
    except Exception as exc:  # the history page is a convenience
        _progress(progress, f"could not write {output / 'index.html'}: {exc}")
    if interrupted:
        raise KeyboardInterrupt
    return (EXIT_OK if all_ok else EXIT_FAILED), run_dir, manifest


def _execute_parallel(tasks: list[dict], jobs: int, prog: Progress | None = None) -> dict[str, dict]:
    """Run tasks in ``jobs`` 'spawn' processes, submitting the next one as one finishes
    (so the start lines are true)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    results: dict[str, dict] = {}
    ctx = multiprocessing.get_context("spawn")
    pending, running = list(tasks), {}
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx) as pool:
        while pending or running:
            while pending and len(running) < jobs:
                task = pending.pop(0)
                if prog is not None:
                    prog.start(task["stem"])
                running[pool.submit(_execute_notebook, task)] = task
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                task = running.pop(fut)
                try:
                    results[task["stem"]] = fut.result()
                except Exception as exc:  # the worker process itself died
                    results[task["stem"]] = {
                        "stem": task["stem"], "status": "failed", "started": None, "finished": now(),
                        "duration_s": None, "render_s": None, "attempts": 1, "html": None, "ipynb": None,
                        "error": {"ename": type(exc).__name__, "evalue": f"worker process failed: {exc}",
                                  "cell_index": None, "execution_count": None, "traceback": ""},
                    }
                if prog is not None:
                    prog.finish(task["stem"], results[task["stem"]])
    return results




def run(
    refs: Iterable[str] = (),
    cli_params: Iterable[tuple[str, str]] = (),
    params_file: str | os.PathLike | None = None,
    data: str | os.PathLike | None = None,
    output: str | os.PathLike = "reports",
    jobs: int | None = None,
    show_code: bool = False,
    notebooks_dir: str | os.PathLike | None = None,
    progress: TextIO | None = sys.stderr,
    sweeps: Iterable[str] = (),
    force: bool = False,
    scheduler: Any = None,
) -> tuple[int, Path, dict]:
    """Plan and execute a run (see :func:`~.plan.plan_run` and :func:`execute`).

    Raises :class:`~.plan.RunRefused` (nothing is run or written) on a bad notebook name,
    parameter, type, value, sweep or data package, or an unreachable ``scheduler``.
    """
    plan = plan_run(refs, cli_params, params_file, data, notebooks_dir, sweeps=sweeps)
    for w in plan.warnings:
        _progress(progress, f"warning: {w}")
    return execute(plan, output, jobs=jobs, show_code=show_code, progress=progress, force=force,
                   scheduler=scheduler)
