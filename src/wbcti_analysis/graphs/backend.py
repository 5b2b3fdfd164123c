"""How many jobs a graph algorithm may use, and networkx's ``backend="parallel"`` dispatch.

networkx (3.2+) dispatches an algorithm to another implementation when called with
``backend=NAME``; the ``nx-parallel`` package [1]_ registers ``"parallel"``, which splits
the work (for betweenness: the source nodes) into chunks run in ``n_jobs`` joblib
processes. The extra ``wbcti-analysis[parallel]`` installs it.

The number of jobs is, in order: the ``jobs`` argument of the graph function, else the
environment variable :data:`JOBS_VAR` (``WBCTI_JOBS``), else 1. ``wbcti run --jobs N``
sets ``WBCTI_JOBS`` in each notebook's kernel to its share of the N cores: 1 when it runs
several notebooks at once (each already has a core), N when it runs one
(:func:`kernel_jobs`). :func:`dispatch` calls the parallel backend only when more than one
job is asked and nx-parallel loads with the installed networkx
(:func:`parallel_available`); otherwise it calls networkx's own implementation, with the
same result up to the order of floating-point sums (differences about 1e-16).

Algorithms dispatched (:data:`DISPATCHED`): ``betweenness_centrality``, on the networkx
path of :func:`~wbcti_analysis.graphs.centrality.betweenness_centrality`
(``method="networkx"``). The other algorithms nx-parallel implements that this library
calls (``number_of_isolates``, ``number_connected_components``) take milliseconds, and
``method="auto"`` never dispatches: on this project's 2-core machine the sparse Brandes
(:mod:`.brandes`) is 15-20 times faster than nx-parallel with 2 jobs from 500 actors on,
and below 500 actors starting the worker processes costs more than the computation
(``benchmarks/README.md``).

Note: nx-parallel 0.3, the last release that declares Python 3.11, does not load with
networkx 3.6 (it imports a private function networkx removed); 0.4 declares Python 3.12+
but runs on 3.11 for the algorithms dispatched here, and ``make install`` installs it so.

References
----------
.. [1] NetworkX developers. nx-parallel: a networkx backend that uses joblib to run
   graph algorithms on several CPU cores. https://github.com/networkx/nx-parallel
"""
from __future__ import annotations

import os
from functools import lru_cache

__all__ = ["JOBS_VAR", "DISPATCHED", "resolve_jobs", "kernel_jobs", "parallel_available", "backend_for", "dispatch"]

#: Environment variable holding the default number of jobs (``wbcti run`` sets it per kernel).
JOBS_VAR = "WBCTI_JOBS"
#: networkx algorithms this library sends to nx-parallel when more than one job is asked.
DISPATCHED = ("betweenness_centrality",)


def resolve_jobs(jobs: int | None = None) -> int:
    """The number of jobs: ``jobs`` if given, else ``$WBCTI_JOBS``, else 1.

    Parameters
    ----------
    jobs : int or None
        Jobs asked for (at least 1); None reads the environment variable :data:`JOBS_VAR`.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    ValueError
        ``jobs`` (or ``WBCTI_JOBS``) is not a whole number of at least 1.

    Examples
    --------
    >>> resolve_jobs(3)
    3
    >>> resolve_jobs() >= 1  # $WBCTI_JOBS, or 1 when it is not set
    True
    """
    if jobs is None:
        raw = os.environ.get(JOBS_VAR, "").strip()
        if not raw:
            return 1
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"environment variable {JOBS_VAR} must be a whole number of at least 1, "
                             f"got {raw!r}") from None
        if value < 1:
            raise ValueError(f"environment variable {JOBS_VAR} must be a whole number of at least 1, got {raw!r}")
        return value
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of at least 1 (or None for ${JOBS_VAR}), got {jobs!r}")
    return jobs


def kernel_jobs(jobs: int, running: int) -> int:
    """Jobs each notebook kernel gets when ``running`` notebooks share ``jobs`` cores.

    Parameters
    ----------
    jobs : int
        ``wbcti run --jobs`` (cores the run may use).
    running : int
        Notebooks executed at once (``min(jobs, notebooks to execute)``).

    Returns
    -------
    int
        ``jobs // running``, at least 1: one notebook alone gets every job, four notebooks
        on 2 jobs get 1 each.

    Examples
    --------
    >>> kernel_jobs(2, 1), kernel_jobs(2, 2), kernel_jobs(8, 3)
    (2, 1, 2)
    """
    return max(1, int(jobs) // max(1, int(running)))


@lru_cache(maxsize=1)
def parallel_available() -> bool:
    """True if nx-parallel is installed and its backend loads with this networkx.

    Returns
    -------
    bool
        False when it is not installed, or installed but broken (nx-parallel 0.3 with
        networkx 3.6 fails on import); the graph functions then use networkx's own code.

    Examples
    --------
    >>> parallel_available() in (True, False)
    True
    """
    try:
        import networkx as nx

        entry = nx.utils.backends.backends.get("parallel")  # the installed backends' entry points
        if entry is None:
            return False
        entry.load()
    except Exception:  # noqa: BLE001 - any failure to load means: not available
        return False
    return True


def backend_for(jobs: int | None = None) -> str | None:
    """``"parallel"`` when more than one job is asked and nx-parallel is usable, else None.

    Parameters
    ----------
    jobs : int or None
        As :func:`resolve_jobs`.

    Returns
    -------
    str or None
        The networkx backend name to dispatch to; None means networkx's default.

    Examples
    --------
    >>> backend_for(1) is None
    True
    """
    return "parallel" if resolve_jobs(jobs) > 1 and parallel_available() else None


def dispatch(name: str, G, *args, jobs: int | None = None, **kwargs):
    """Call ``networkx.<name>(G, *args, **kwargs)``, on nx-parallel with ``jobs`` processes when more than one.

    Parameters
    ----------
    name : str
        A networkx algorithm in :data:`DISPATCHED`.
    G : networkx.Graph
    *args, **kwargs
        Passed to the algorithm.
    jobs : int or None
        As :func:`resolve_jobs`; 1 (or nx-parallel missing) calls networkx's default
        backend.

    Returns
    -------
    The algorithm's result (the same as networkx's up to floating-point rounding).

    Raises
    ------
    ValueError
        ``name`` is not in :data:`DISPATCHED`, or ``jobs`` is invalid.

    Examples
    --------
    >>> import networkx as nx
    >>> dispatch("betweenness_centrality", nx.path_graph(3), jobs=1)
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    import networkx as nx

    if name not in DISPATCHED:
        raise ValueError(f"name must be one of {', '.join(DISPATCHED)}, got {name!r}")
    n_jobs = resolve_jobs(jobs)
    func = getattr(nx, name)
    if backend_for(n_jobs) is None:
        return func(G, *args, **kwargs)
    # no conversion cache on G (the wrapper is cheap, and a cached one could go stale)
    with nx.config(cache_converted_graphs=False), nx.config.backends.parallel(active=True, n_jobs=n_jobs):
        return func(G, *args, backend="parallel", **kwargs)
