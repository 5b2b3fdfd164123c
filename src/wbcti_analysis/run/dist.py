"""Running notebooks on a Dask distributed cluster (``wbcti run --scheduler ADDRESS``).

Each notebook page is one Dask task (:func:`run_on_worker`). On the worker, the task
runs the notebook in a fresh Python process (``python -m wbcti_analysis.run.worker``),
so papermill's change of working directory and the headline-file environment variable
never leak between tasks that share a worker. The results and failures come back to the
machine that started the run and go into the same run folder and manifest as a local
run's (each entry records the ``worker`` host):

- if the worker can write to the run folder (a shared file system), the notebook writes
  its files there directly;
- otherwise it runs into a temporary folder on the worker and the files (executed
  ``.ipynb``, HTML page, headline figures, exported files) travel back through Dask.

Either way the workers must be able to *read* the notebooks folder and the data package
at the same paths as the machine that starts the run, and have ``wbcti-analysis``
installed (the same version). Needs the optional extra ``dist`` (``dask[distributed]``).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .collection import RunRefused

__all__ = ["DIST_EXTRA", "connect", "run_on_worker", "execute_on_cluster"]

DIST_EXTRA = 'pip install "wbcti-analysis[dist]"  (or: pip install "dask[distributed]")'
_PATH_FIELDS = ("output", "html", "headlines_file", "output_dir")


def connect(scheduler: Any, timeout: float = 15):
    """A ``distributed.Client`` for ``scheduler`` (an address, a cluster or a client) and
    whether this call opened it; :class:`.collection.RunRefused` if dask is missing or the
    scheduler cannot be reached (before anything runs)."""
    try:
        from distributed import Client
    except ImportError:
        raise RunRefused(f"--scheduler needs dask's distributed scheduler, which is not installed: "
                         f"{DIST_EXTRA}") from None
    if hasattr(scheduler, "submit") and hasattr(scheduler, "gather"):
        return scheduler, False
    try:
        return Client(scheduler, timeout=timeout), True
    except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address
        raise RunRefused(f"--scheduler {scheduler}: cannot reach the Dask scheduler: {type(exc).__name__}: {exc}") from None


def _relocate(task: dict, folder: Path) -> dict:
    t = dict(task)
    for name in _PATH_FIELDS:
        t[name] = str(folder / Path(task[name]).name)
    params = dict(task["parameters"])
    if "output_dir" in params:
        params["output_dir"] = t["output_dir"]
    t["parameters"] = params
    return t


def _collect(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in ("task.json", "result.json")}


def run_on_worker(task: dict, ship: bool | None = None) -> dict:
    """Run one notebook task on this machine, in a subprocess; the Dask task function.

    Parameters
    ----------
    task : a task of :func:`.engine.execute` (paths in the run folder, parameters, cwd).
    ship : return the files instead of writing them into the run folder (None: only when
        the run folder is not writable here).

    Returns
    -------
    dict
        ``result`` (as :func:`.engine._execute_notebook` returns it), ``files`` (``{name:
        bytes}``, empty when written in place) and ``worker`` (this host's name).
    """
    run_dir = Path(task["output"]).parent
    if ship is None:
        ship = not (run_dir.is_dir() and os.access(run_dir, os.W_OK))
    tmp = Path(tempfile.mkdtemp(prefix="wbcti-task-"))
    try:
        here = _relocate(task, tmp) if ship else task
        (tmp / "task.json").write_text(json.dumps(here, default=str), encoding="utf-8")
        env = {**os.environ, **(task.get("env") or {})}
        proc = subprocess.run([sys.executable, "-m", "wbcti_analysis.run.worker", str(tmp / "task.json"),
                               str(tmp / "result.json")], env=env, capture_output=True, text=True)
        if (tmp / "result.json").is_file():
            result = json.loads((tmp / "result.json").read_text(encoding="utf-8"))
        else:
            tail = "\n".join((proc.stderr or "").strip().splitlines()[-20:])
            result = {"stem": task["stem"], "status": "failed", "started": None, "finished": None,
                      "duration_s": None, "render_s": None, "attempts": 1, "html": None, "ipynb": None,
                      "error": {"ename": "WorkerProcessError",
                                "evalue": f"the notebook process exited with status {proc.returncode}",
                                "cell_index": None, "execution_count": None, "traceback": tail}}
        files = _collect(tmp) if ship else {}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"result": result, "files": files, "worker": socket.gethostname()}


def _lost(task: dict, exc: BaseException) -> dict:
    from .manifest import now

    return {"stem": task["stem"], "status": "failed", "started": None, "finished": now(), "duration_s": None,
            "render_s": None, "attempts": 1, "html": None, "ipynb": None,
            "error": {"ename": type(exc).__name__, "evalue": f"the Dask task failed: {exc}",
                      "cell_index": None, "execution_count": None, "traceback": ""}}


def execute_on_cluster(tasks: list[dict], client, run_dir: Path, progress=None) -> dict[str, dict]:
    """Submit each task to the cluster and write what comes back into ``run_dir``.

    Returns ``{stem: result}``; a task that fails on the cluster (worker lost, wbcti not
    installed there) is a failed result, like a notebook that raised.
    """
    from distributed import as_completed

    env = {k: os.environ[k] for k in ("WBCTI_DATA", "PYDEVD_DISABLE_FILE_VALIDATION") if k in os.environ}
    futures = {}
    for task in tasks:
        fut = client.submit(run_on_worker, {**task, "env": env}, pure=False,
                            key=f"wbcti-{run_dir.name}-{task['stem']}")
        futures[fut] = task
        if progress is not None:
            progress.start(task["stem"], "submitted to the cluster")
    results: dict[str, dict] = {}
    for fut in as_completed(list(futures)):
        task = futures[fut]
        try:
            out = fut.result()
            for name, data in out["files"].items():
                target = run_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            result = {**out["result"], "worker": out["worker"]}
        except Exception as exc:
            result = _lost(task, exc)
        results[task["stem"]] = result
        if progress is not None:
            progress.finish(task["stem"], result)
    return results
