"""How many notebooks run at once, and what the runner says while a run goes.

:func:`default_jobs` is the ``--jobs`` default: the cores this process may use, capped.
:class:`Progress` prints one line per notebook start and finish (``[i/n]``, the
notebook's time, the run's elapsed time) and an estimate of the time left, taken from
the durations the previous runs in the same reports folder recorded
(:func:`previous_durations`). ``wbcti run -q`` passes no stream: nothing is printed.
"""
from __future__ import annotations

import heapq
import os
import time
from typing import TextIO

__all__ = ["MAX_DEFAULT_JOBS", "default_jobs", "previous_durations", "makespan", "Progress"]

# Each job is a Jupyter kernel (about 200-400 MB with the analyses loaded) and the
# collection has a handful of notebooks: more than this rarely pays on one machine.
MAX_DEFAULT_JOBS = 8


def default_jobs(cap: int = MAX_DEFAULT_JOBS) -> int:
    """The default ``--jobs``: the cores this process may run on, between 1 and ``cap``.

    Uses :func:`os.sched_getaffinity` where it exists (it honours ``taskset``, cgroup CPU
    sets and batch schedulers' core allocations), else :func:`os.cpu_count`.

    Parameters
    ----------
    cap : int
        Upper bound (default :data:`MAX_DEFAULT_JOBS`, 8).

    Returns
    -------
    int
        ``min(cores, cap)``, at least 1.

    Examples
    --------
    >>> 1 <= default_jobs() <= MAX_DEFAULT_JOBS
    True
    >>> default_jobs(cap=1)
    1
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, cap))


def previous_durations(runs: list[dict]) -> tuple[dict[str, float], str | None]:
    """Seconds each notebook (page key) took in the newest earlier run that executed it.

    Parameters
    ----------
    runs : earlier manifests, newest first (:func:`.manifest.list_runs`).

    Returns
    -------
    durations : dict
        ``{stem: seconds}`` (execution plus HTML rendering) of successful executions; a
        reused page counts with the duration of the run that executed it.
    source : str or None
        The newest run those durations come from.

    Examples
    --------
    >>> runs = [{"run_id": "r2", "notebooks": [{"stem": "01-a", "status": "ok", "duration_s": 0.1,
    ...          "reused_from": "r1", "original_duration_s": 9.0}]},
    ...         {"run_id": "r1", "notebooks": [{"stem": "01-a", "status": "ok", "duration_s": 9.0, "render_s": 1.0},
    ...                                        {"stem": "02-b", "status": "ok", "duration_s": 4.0}]}]
    >>> previous_durations(runs)
    ({'01-a': 9.0, '02-b': 4.0}, 'r2')
    """
    out: dict[str, float] = {}
    source = None
    for m in runs:
        for nb in m.get("notebooks") or []:
            stem = nb.get("stem")
            if stem in out or nb.get("status") != "ok":
                continue
            if nb.get("reused_from"):
                seconds = nb.get("original_duration_s")
            else:
                seconds = (nb.get("duration_s") or 0) + (nb.get("render_s") or 0) if nb.get("duration_s") else None
            if seconds is not None:
                out[stem] = float(seconds)
                source = source or m.get("run_id")
    return out, source


def makespan(seconds: list[float], jobs: int) -> float:
    """Wall time of running tasks of these durations on ``jobs`` slots, longest first.

    >>> makespan([4.0, 3.0, 2.0, 1.0], 2), makespan([4.0, 3.0], 1), makespan([], 3)
    (5.0, 7.0, 0.0)
    """
    if not seconds:
        return 0.0
    slots = [0.0] * max(1, min(jobs, len(seconds)))
    for s in sorted(seconds, reverse=True):
        heapq.heapreplace(slots, slots[0] + s)
    return max(slots)


def _fmt(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


class Progress:
    """The run's progress lines on ``stream`` (None: silent), with an estimate of the time left.

    Parameters
    ----------
    stream : text stream or None
        Where the lines go (stderr for ``wbcti run``; None with ``-q``).
    keys : list of str
        The page keys (notebook stems, or sweep pages) this run executes.
    estimates : dict
        ``{key: seconds}`` from :func:`previous_durations`; keys without one are not estimated.
    jobs : int
        Slots running at once (for the estimate).
    """

    def __init__(self, stream: TextIO | None, keys: list[str], estimates: dict[str, float], jobs: int):
        self.stream, self.keys, self.jobs = stream, list(keys), max(1, jobs)
        self.estimates = {k: estimates[k] for k in keys if k in estimates}
        self.t0 = time.perf_counter()
        self.started: dict[str, float] = {}
        self.done: set[str] = set()

    def say(self, text: str) -> None:
        if self.stream is not None:
            print(f"[wbcti] {text}", file=self.stream, flush=True)

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def left(self) -> float | None:
        """Seconds left by the estimates (None when no notebook still to run has one)."""
        now = time.perf_counter()
        rest = []
        for k in self.keys:
            if k in self.done or k not in self.estimates:
                continue
            spent = now - self.started[k] if k in self.started else 0.0
            rest.append(max(self.estimates[k] - spent, 0.0))
        return makespan(rest, self.jobs) if rest else None

    def announce(self, source: str | None) -> None:
        """The estimate before anything runs, and where it comes from."""
        if not self.keys:
            return
        missing = [k for k in self.keys if k not in self.estimates]
        if not self.estimates:
            self.say("estimate: none yet (no earlier run in this reports folder executed these notebooks)")
            return
        extra = f"; no earlier duration for {', '.join(missing)}" if missing else ""
        self.say(f"estimate: about {_fmt(self.left() or 0.0)} (durations recorded by run {source}{extra})")

    def start(self, key: str, verb: str = "started") -> None:
        self.started[key] = time.perf_counter()
        i = len(self.started)
        self.say(f"[{i}/{len(self.keys)}] {key}: {verb} (elapsed {_fmt(self.elapsed())})")

    def finish(self, key: str, result: dict) -> None:
        self.done.add(key)
        if result.get("status") == "ok":
            what = f"ok in {_fmt(result.get('duration_s') or 0.0)}"
        else:
            err = result.get("error") or {}
            first = ((err.get("evalue") or "").strip().splitlines() or [""])[0][:160]
            what = f"FAILED after {_fmt(result.get('duration_s') or 0.0)}: {err.get('ename') or ''}: {first}"
        if result.get("render_s"):
            what += f" (+{result['render_s']:.1f} s HTML)"
        if result.get("worker"):
            what += f" on {result['worker']}"
        left = self.left()
        tail = f", about {_fmt(left)} left" if left is not None and len(self.done) < len(self.keys) else ""
        self.say(f"[{len(self.done)}/{len(self.keys)}] {key}: {what}; elapsed {_fmt(self.elapsed())}{tail}")
