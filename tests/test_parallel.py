"""networkx's ``backend="parallel"`` (nx-parallel) for the graph algorithms, and the jobs a kernel gets.

The nx-parallel results must equal networkx's default backend (up to the order of the
floating-point sums); one job, or nx-parallel missing, must use the default backend;
``wbcti run --jobs N`` gives each kernel its share of N in ``$WBCTI_JOBS``.
"""
from __future__ import annotations

import json
import os
import shutil

import networkx as nx
import nbformat
import pytest

from conftest import FIXTURE_DIR, TEST_NOTEBOOKS_DIR, run_dirs
from wbcti_analysis.graphs import backend
from wbcti_analysis.graphs.centrality import betweenness_centrality

TOL = 1e-12
# make install installs nx-parallel; without it (a conda environment) these are skipped, never in CI
needs_nx_parallel = pytest.mark.skipif(not backend.parallel_available() and not os.environ.get("CI"),
                                       reason="nx-parallel not installed (make install installs it)")


@pytest.fixture(autouse=True)
def _no_jobs_env(monkeypatch):
    monkeypatch.delenv(backend.JOBS_VAR, raising=False)


@pytest.fixture(scope="module")
def fixture_graph(fixture_ds):
    from wbcti_analysis.graphs import build_graphs

    return build_graphs(fixture_ds).graph("union")


def _random_graph():
    G = nx.gnm_random_graph(240, 900, seed=11)
    G.add_edges_from([(1000, 1001), (1001, 1002)])  # a second component and an isolate
    G.add_node(2000)
    return G


@pytest.fixture
def calls(monkeypatch):
    """Record the keyword arguments of every networkx.betweenness_centrality call."""
    seen = []
    real = nx.betweenness_centrality

    def spy(*args, **kwargs):
        seen.append(dict(kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(nx, "betweenness_centrality", spy)
    return seen


@needs_nx_parallel
def test_nx_parallel_is_installed_and_loads():
    """The test environment (make install) has a working nx-parallel: the tests below are not skipped in CI."""
    assert backend.parallel_available()
    assert backend.backend_for(2) == "parallel"


@needs_nx_parallel
@pytest.mark.parametrize("graph", ["fixture", "random"])
@pytest.mark.parametrize("case", ["exact", "sampled", "k at least n"])
def test_parallel_betweenness_equals_the_default_backend(graph, case, fixture_graph, calls):
    G = fixture_graph if graph == "fixture" else _random_graph()
    n = G.number_of_nodes()
    exact_max, k = {"exact": (n, 500), "sampled": (1, n // 3), "k at least n": (1, n + 5)}[case]
    ref = betweenness_centrality(G, seed=7, exact_max=exact_max, k=k, method="networkx", jobs=1)
    par = betweenness_centrality(G, seed=7, exact_max=exact_max, k=k, method="networkx", jobs=2)
    assert [c.get("backend") for c in calls] == [None, "parallel"]
    assert [c.get("k") for c in calls] == [None if case == "exact" else min(k, n)] * 2
    assert set(par) == set(ref) == set(G)
    assert max(abs(par[v] - ref[v]) for v in G) <= TOL
    assert max(ref.values()) > 0.01 and min(ref.values()) == 0.0  # brokers and isolates, not all zeros


def test_one_job_uses_the_default_backend(fixture_graph, calls):
    assert backend.backend_for(1) is None
    betweenness_centrality(fixture_graph, method="networkx", jobs=1)
    betweenness_centrality(fixture_graph, method="networkx")  # no WBCTI_JOBS: 1 job
    assert calls == [{"normalized": True}, {"normalized": True}]


@needs_nx_parallel
def test_jobs_from_the_environment(fixture_graph, calls, monkeypatch):
    monkeypatch.setenv(backend.JOBS_VAR, "2")
    assert backend.resolve_jobs() == 2 and backend.resolve_jobs(1) == 1  # the argument wins
    betweenness_centrality(fixture_graph, method="networkx")
    betweenness_centrality(fixture_graph, method="networkx", jobs=1)
    assert [c.get("backend") for c in calls] == ["parallel", None]


def test_without_nx_parallel_falls_back_to_networkx(fixture_graph, calls, monkeypatch):
    monkeypatch.setattr(backend, "parallel_available", lambda: False)
    got = betweenness_centrality(fixture_graph, method="networkx", jobs=2)
    assert calls == [{"normalized": True}]
    assert got == nx.betweenness_centrality(fixture_graph, normalized=True)


def test_auto_and_sparse_never_dispatch(fixture_graph, calls):
    """Measured: the sparse Brandes beats nx-parallel from 500 actors on; below, 2 jobs are slower than 1."""
    betweenness_centrality(fixture_graph, jobs=2)  # auto, below 500 actors: networkx, one process
    betweenness_centrality(fixture_graph, jobs=2, method="sparse")
    assert calls == [{"normalized": True}]


@pytest.mark.parametrize("jobs, env, message", [
    (0, None, "jobs must be a whole number of at least 1"),
    (1.5, None, "jobs must be a whole number of at least 1"),
    (True, None, "jobs must be a whole number of at least 1"),
    (None, "two", "environment variable WBCTI_JOBS must be a whole number of at least 1, got 'two'"),
    (None, "0", "environment variable WBCTI_JOBS must be a whole number of at least 1, got '0'"),
])
def test_bad_jobs_are_refused(jobs, env, message, monkeypatch):
    if env is not None:
        monkeypatch.setenv(backend.JOBS_VAR, env)
    with pytest.raises(ValueError, match=message):
        backend.resolve_jobs(jobs)
    if jobs is not None:
        with pytest.raises(ValueError, match=message):
            betweenness_centrality(nx.path_graph(3), jobs=jobs)


def test_dispatch_refuses_an_algorithm_not_listed():
    with pytest.raises(ValueError, match="name must be one of betweenness_centrality, got 'closeness_centrality'"):
        backend.dispatch("closeness_centrality", nx.path_graph(3), jobs=2)


@pytest.mark.parametrize("jobs, running, expected", [(1, 1, 1), (2, 1, 2), (2, 2, 1), (4, 2, 2), (8, 3, 2), (2, 0, 2)])
def test_kernel_jobs_share(jobs, running, expected):
    assert backend.kernel_jobs(jobs, running) == expected


# ----------------------------------------------------------------------------- the runner


@pytest.fixture
def jobs_notebooks(tmp_path):
    """The two test notebooks, each recording the WBCTI_JOBS its kernel saw as a headline."""
    folder = tmp_path / "notebooks"
    shutil.copytree(TEST_NOTEBOOKS_DIR, folder)
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(
            'import os\nheadlines.record("kernel_jobs", os.environ.get("WBCTI_JOBS", ""), "jobs of this kernel");'))
        nbformat.write(nb, path)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("refs, jobs, expected", [((), 2, "1"), (("02",), 2, "2"), ((), 1, "1")],
                         ids=["two notebooks on 2 jobs", "one notebook on 2 jobs", "one job"])
def test_runner_gives_each_kernel_its_share_of_jobs(jobs_notebooks, tmp_path, monkeypatch, refs, jobs, expected):
    from wbcti_analysis.cli import main

    monkeypatch.setenv("WBCTI_DATA", str(FIXTURE_DIR))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    out = tmp_path / "reports"
    assert main(["run", *refs, "--notebooks", str(jobs_notebooks), "--output", str(out), "--jobs", str(jobs),
                 "-q"]) == 0
    (run_dir,) = run_dirs(out)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["options"]["kernel_jobs"] == int(expected)
    seen = {e["stem"]: json.loads((run_dir / f"{e['stem']}.headlines.json").read_text())["kernel_jobs"]["value"]
            for e in manifest["notebooks"]}
    assert seen == {e["stem"]: expected for e in manifest["notebooks"]} and len(seen) == (len(refs) or 2)
