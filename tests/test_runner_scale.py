"""Tests of the runner at scale: default jobs, progress, sweeps, cached runs, the Dask path.

They run the tiny collection of tests/data/notebooks (01-alpha, 02-beta), with the
bundled package pointed at the fixture package through $WBCTI_DATA, like test_runner.py.
"""
from __future__ import annotations

import json
import os
import shutil

import nbformat
import pytest

from conftest import FIXTURE_DIR, NOTEBOOKS_DIR, TEST_NOTEBOOKS_DIR, by_stem, manifest_of, run_dirs
from wbcti_analysis.cli import main
from wbcti_analysis.run import RunRefused, plan_run
from wbcti_analysis.run import dist, progress
from wbcti_analysis.run.sweep import parse_sweep


@pytest.fixture(autouse=True)
def _bundled_is_fixture(monkeypatch):
    monkeypatch.setenv("WBCTI_DATA", str(FIXTURE_DIR))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def wbcti(*args: object) -> int:
    return main([str(a) for a in args])


# ----------------------------------------------------------------------------- default jobs


@pytest.mark.parametrize("cores, expected", [(1, 1), (2, 2), (3, 3), (8, 8), (64, progress.MAX_DEFAULT_JOBS)])
def test_default_jobs_follows_the_cores_available(monkeypatch, cores, expected):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert progress.default_jobs() == expected


def test_default_jobs_without_affinity_uses_cpu_count(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert progress.default_jobs() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert progress.default_jobs() == 1


def test_estimate_from_previous_durations_and_slots():
    runs = [{"run_id": "r1", "notebooks": [
        {"stem": "a", "status": "ok", "duration_s": 6.0, "render_s": 1.0},
        {"stem": "b", "status": "failed", "duration_s": 1.0},
        {"stem": "c", "status": "ok", "duration_s": 3.0}]}]
    durations, source = progress.previous_durations(runs)
    assert durations == {"a": 7.0, "c": 3.0} and source == "r1"
    assert progress.makespan([7.0, 3.0, 3.0], 2) == 7.0
    assert progress.makespan([7.0, 3.0, 3.0], 1) == 13.0


# ----------------------------------------------------------------------------- sweeps


@pytest.mark.parametrize("spec, message", [
    ("countries", "write NAME=VALUE,VALUE"),
    ("countries=", "no values after '='"),
    ("countries=AL,AL", "a value is given twice"),
])
def test_parse_sweep_refuses_malformed_specs(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_sweep(spec)


def test_sweep_plan_is_the_cross_product_and_ad_hoc():
    plan = plan_run(["01"], notebooks_dir=TEST_NOTEBOOKS_DIR, sweeps=["countries=AL,XK,[AL,XK]", "threshold=1,2.5"])
    pages = plan.variants["01-alpha"]
    assert [p["key"] for p in pages] == [
        "01-alpha--countries-AL--threshold-1.0", "01-alpha--countries-AL--threshold-2.5",
        "01-alpha--countries-XK--threshold-1.0", "01-alpha--countries-XK--threshold-2.5",
        "01-alpha--countries-AL+XK--threshold-1.0", "01-alpha--countries-AL+XK--threshold-2.5"]
    assert pages[0]["values"] == {"countries": ["AL"], "threshold": 1.0}  # a single value of a list parameter
    assert pages[4]["values"]["countries"] == ["AL", "XK"]
    assert not plan.scheduled and any(r.startswith("a sweep over countries") for r in plan.adhoc_reasons)


def test_sweep_checks_every_value_as_a_full_parameter_set():
    """Declared notebook 01: each combination goes through the declaration, package codes included."""
    with pytest.raises(RunRefused) as exc:
        plan_run(["01"], notebooks_dir=NOTEBOOKS_DIR, sweeps=["countries=AL,QQ"])
    assert exc.value.problems == [
        "--sweep countries = QQ: 01-coordination-graph: countries: unknown country code 'QQ'; the package has AL, XK"]


@pytest.mark.parametrize("args, needle", [
    (["--sweep", "bogus=1"], "--sweep bogus=1: unknown parameter 'bogus': not declared by any selected notebook"),
    (["--sweep", "threshold=abc,1"], "--sweep threshold=abc: wrong type for 'threshold' in 01-alpha.ipynb: expected float"),
    (["--sweep", "threshold=1", "-p", "threshold", "2"], "'threshold' is also set with -p; drop one of the two"),
    (["--sweep", "output_dir=a,b"], "'output_dir' is set by the runner and cannot be swept"),
])
def test_bad_sweeps_are_refused_before_anything_runs(tmp_path, capsys, args, needle):
    assert wbcti("run", "--notebooks", TEST_NOTEBOOKS_DIR, "--output", tmp_path, *args) == 2
    assert needle in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_sweep_writes_one_page_per_value_and_the_comparison_page(tmp_path, capsys):
    status = wbcti("run", "01", "--notebooks", TEST_NOTEBOOKS_DIR, "--output", tmp_path, "-q",
                   "--sweep", "countries=AL,[AL,XK]", "--sweep", "threshold=1,2")
    assert status == 0
    (run,) = run_dirs(tmp_path)
    m = manifest_of(run)
    keys = [nb["stem"] for nb in m["notebooks"]]
    assert keys == ["01-alpha--countries-AL--threshold-1.0", "01-alpha--countries-AL--threshold-2.0",
                    "01-alpha--countries-AL+XK--threshold-1.0", "01-alpha--countries-AL+XK--threshold-2.0"]
    for key in keys:
        assert (run / f"{key}.html").is_file() and (run / f"{key}.ipynb").is_file()
        assert (run / f"{key}_files" / "alpha.txt").is_file()
    pages = by_stem(m)
    assert [pages[k]["headlines"]["double_threshold"]["value"] for k in keys] == [2.0, 4.0, 2.0, 4.0]
    assert [pages[k]["headlines"]["n_countries"]["value"] for k in keys] == [1, 1, 2, 2]
    assert pages[keys[2]]["sweep"] == {"countries": ["AL", "XK"], "threshold": 1.0}
    assert pages[keys[2]]["notebook"] == "01-alpha" and pages[keys[2]]["non_default"]["countries"] == ["AL", "XK"]
    assert m["kind"] == "ad hoc" and m["latest_moved"] is False and not (tmp_path / "latest").exists()
    assert m["sweep"] == {"parameters": {"countries": ["AL", "[AL,XK]"], "threshold": ["1", "2"]}, "page": "sweep.html"}
    page = (run / "sweep.html").read_text(encoding="utf-8")
    assert page.count("<th>") == 1 + 4  # the figure column and one column per value
    for label in ("countries = AL, threshold = 1", "countries = [AL,XK], threshold = 2"):  # as typed
        assert label in page
    assert "twice the threshold" in page and "n = " not in page  # these figures record no n
    assert 'href="sweep.html"' in (run / "index.html").read_text(encoding="utf-8")
    assert "sweep: " in capsys.readouterr().out


def test_sweep_page_shows_n_and_caveats():
    from wbcti_analysis.report.sweep import render_sweep

    m = {"run_id": "r", "sweep": {"parameters": {"countries": ["AL", "XK"]}, "page": "sweep.html"}, "notebooks": [
        {"stem": "01-x--countries-AL", "notebook": "01-x", "title": "X (countries = AL)", "sweep_label": "countries = AL",
         "status": "ok", "html": "01-x--countries-AL.html",
         "headlines": {"share": {"value": 0.25, "label": "share of ties", "unit": "share", "n": 40}}},
        {"stem": "01-x--countries-XK", "notebook": "01-x", "title": "X (countries = XK)", "sweep_label": "countries = XK",
         "status": "failed", "error": {"ename": "ValueError"}, "html": None,
         "headlines": {"share": {"value": 0.5, "label": "share of ties", "unit": "share", "n": 4,
                                 "caveat": "four ties only"}}}]}
    page = render_sweep(m)
    assert "<h2>X <span class=\"muted\">(01-x)</span></h2>" in page
    assert "0.25<br><span class=\"muted\">n = 40</span>" in page and "n = 4</span>" in page
    assert "four ties only" in page and "ValueError" in page and 'href="01-x--countries-AL.html"' in page


# ----------------------------------------------------------------------------- cached runs


def test_cached_rerun_executes_nothing_and_force_reruns(tmp_path, capfd):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(TEST_NOTEBOOKS_DIR, notebooks)
    output = tmp_path / "reports"
    assert wbcti("run", "--notebooks", notebooks, "--output", output) == 0
    (first,) = run_dirs(output)
    err = capfd.readouterr().err
    assert "estimate: none yet" in err and "[1/2] 01-alpha: started" in err and "02-beta: ok in" in err
    m1 = manifest_of(first)
    assert m1["options"]["jobs"] == progress.default_jobs() and m1["executed"] == 2 and m1["reused"] == 0

    # unchanged: nothing executes, every page is copied and marked
    assert wbcti("run", "--notebooks", notebooks, "--output", output) == 0
    (second,) = [d for d in run_dirs(output) if d != first]
    captured = capfd.readouterr()
    assert "01-alpha: reused from run " + first.name in captured.err and "started" not in captured.err
    assert "executed: 0 (nothing executed; --force re-runs)" in captured.out
    m2 = manifest_of(second)
    assert (m2["executed"], m2["reused"], m2["status"], m2["latest_moved"]) == (0, 2, "complete", True)
    for nb in m2["notebooks"]:
        assert nb["reused_from"] == first.name and nb["attempts"] == 0
        assert nb["headlines"] == by_stem(m1)[nb["stem"]]["headlines"]
        assert nb["original_duration_s"] > 0
        for name in (nb["html"], nb["ipynb"], nb["headlines_file"]):
            assert (second / name).is_file()
    assert (second / "01-alpha_files" / "alpha.txt").is_file()
    index = (second / "index.html").read_text(encoding="utf-8")
    assert "2 of 2 page(s) reused from earlier runs" in index and index.count(f"from run {first.name}") == 2

    # --force executes everything again, and estimates from the recorded durations
    assert wbcti("run", "--notebooks", notebooks, "--output", output, "--force", "--jobs", 1) == 0
    (third,) = [d for d in run_dirs(output) if d not in (first, second)]
    err = capfd.readouterr().err
    assert "estimate: about" in err and f"durations recorded by run {second.name}" in err and "left" in err
    m3 = manifest_of(third)
    assert m3["executed"] == 2 and not any(nb.get("reused_from") for nb in m3["notebooks"])

    # an edited notebook and a changed parameter re-run only what they touch; -q prints nothing
    nb = nbformat.read(notebooks / "02-beta.ipynb", as_version=4)
    nb.cells[2].source += "\n# edited"
    nbformat.write(nb, notebooks / "02-beta.ipynb")
    assert wbcti("run", "--notebooks", notebooks, "--output", output, "-q") == 0
    (fourth,) = [d for d in run_dirs(output) if d not in (first, second, third)]
    assert "[wbcti]" not in capfd.readouterr().err
    entries = by_stem(manifest_of(fourth))
    assert entries["01-alpha"]["reused_from"] == third.name and "reused_from" not in entries["02-beta"]
    assert wbcti("run", "--notebooks", notebooks, "--output", output, "-q", "-p", "threshold", "2") == 0
    (fifth,) = [d for d in run_dirs(output) if d not in (first, second, third, fourth)]
    entries = by_stem(manifest_of(fifth))
    assert "reused_from" not in entries["01-alpha"] and entries["02-beta"]["reused_from"] == fourth.name


def test_failed_pages_are_not_reused(tmp_path):
    assert wbcti("run", "02", "--notebooks", TEST_NOTEBOOKS_DIR, "--output", tmp_path, "-q", "-p", "fail", "true") == 1
    assert wbcti("run", "02", "--notebooks", TEST_NOTEBOOKS_DIR, "--output", tmp_path, "-q", "-p", "fail", "true") == 1
    last = manifest_of(run_dirs(tmp_path)[-1])
    assert last["executed"] == 1 and last["reused"] == 0


# ----------------------------------------------------------------------------- Dask


def test_scheduler_without_dask_is_refused(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(RunRefused, match=r"not installed: pip install \"wbcti-analysis\[dist\]\""):
        dist.connect("tcp://127.0.0.1:8786")


def test_files_travel_back_when_the_worker_cannot_write_the_run_folder(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    task = {"stem": "01-alpha", "title": "Alpha", "input": str(TEST_NOTEBOOKS_DIR / "01-alpha.ipynb"),
            "output": str(run_dir / "01-alpha.ipynb"), "html": str(run_dir / "01-alpha.html"),
            "cwd": str(TEST_NOTEBOOKS_DIR), "headlines_file": str(run_dir / "01-alpha.headlines.json"),
            "output_dir": str(run_dir / "01-alpha_files"), "show_code": False, "progress": False,
            "parameters": {"output_dir": str(run_dir / "01-alpha_files"), "threshold": 2.0}}
    out = dist.run_on_worker(task, ship=True)
    assert out["result"]["status"] == "ok" and out["worker"]
    assert sorted(out["files"]) == ["01-alpha.findings.json", "01-alpha.headlines.json", "01-alpha.html", "01-alpha.ipynb",
                                    "01-alpha_files/alpha.txt"]
    assert json.loads(out["files"]["01-alpha.headlines.json"])["double_threshold"]["value"] == 4.0
    assert list(run_dir.iterdir()) == []  # nothing written in place


def test_dask_runs_two_notebooks_on_a_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (extra 'dist')")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        status = wbcti("run", "--notebooks", TEST_NOTEBOOKS_DIR, "--output", tmp_path, "-q",
                       "--scheduler", address, "-p", "fail", "true")
    assert status == 1  # 02-beta fails on purpose; the failure comes back like a local one
    (run,) = run_dirs(tmp_path)
    m = manifest_of(run)
    assert m["options"]["scheduler"] == address and m["executed"] == 2
    alpha, beta = by_stem(m)["01-alpha"], by_stem(m)["02-beta"]
    assert alpha["status"] == "ok" and alpha["worker"] and alpha["headlines"]["double_threshold"]["value"] == 1.0
    assert (run / "01-alpha.html").is_file() and (run / "01-alpha_files" / "alpha.txt").is_file()
    assert beta["status"] == "failed" and beta["error"]["ename"] == "ValueError"
    assert "failing on purpose" in beta["error"]["evalue"] and beta["headlines"]["scaled"]["value"] == 42
    assert "02-beta" in (run / "index.html").read_text(encoding="utf-8")


def test_unreachable_scheduler_is_refused_before_anything_runs(tmp_path):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed (extra 'dist')")
    with pytest.raises(RunRefused, match="--scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler"):
        dist.connect("tcp://127.0.0.1:9", timeout=2)


# ----------------------------------------------------------------------------- planning stays light


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb")) + sorted(TEST_NOTEBOOKS_DIR.glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_parameters_cell_is_read_as_papermill_reads_it(path):
    import papermill

    from wbcti_analysis.run.cells import inspect_parameters, read_cells

    node = read_cells(path)
    cell = next(c for c in node.cells if "parameters" in c["metadata"].get("tags", []))
    assert inspect_parameters(cell.source) == papermill.inspect_notebook(str(path))
    assert [c.source for c in node.cells] == [c.source for c in nbformat.read(path, as_version=4).cells]


def test_parameters_cell_edge_cases_match_papermill():
    from papermill.translators import PythonTranslator

    from wbcti_analysis.run.cells import inspect_parameters

    source = ('# a comment\nx: int = 1  # help text\ny = "a=b"\nz: "str" = "q"  # type: str\n'
              'w: list = [\n  1,  # one\n  2]  # the list\nv = 3 # type: int\n\nu=4')
    expected = {p.name: p._asdict() for p in PythonTranslator.inspect(nbformat.v4.new_code_cell(source))}
    assert inspect_parameters(source) == expected and "y" not in expected and expected["w"]["default"] == "[1,2]"


def test_planning_imports_neither_papermill_nor_nbformat(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from wbcti_analysis.run import plan_run; plan_run([], notebooks_dir=%r); "
            "print(sorted(m for m in ('papermill', 'nbformat') if m in sys.modules))" % str(TEST_NOTEBOOKS_DIR))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "WBCTI_DATA": str(FIXTURE_DIR)})
    assert out.stdout.strip() == "[]"
