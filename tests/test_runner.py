"""Tests of `wbcti list` / `wbcti run`: run folders, manifest, failures, refusals, --data, headlines.

They run a tiny collection (tests/data/notebooks: 01-alpha, 02-beta; 02 fails on purpose
with ``-p fail true``) so that each kernel start costs about a second. The bundled data
package is pointed at the fixture package through $WBCTI_DATA.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import wbcti_analysis

from conftest import BUNDLED_DIR, FIXTURE_DIR, TEST_NOTEBOOKS_DIR, by_stem, manifest_of, run_dirs
from wbcti_analysis import runner
from wbcti_analysis.cli import main
from wbcti_analysis.datapackage import data_hash
from wbcti_analysis.report import format_value, render_history, render_index

NOTEBOOKS = TEST_NOTEBOOKS_DIR
FIXTURE = FIXTURE_DIR
MANIFEST_KEYS = {"run_id", "status", "started", "finished", "duration_s", "project", "data", "parameters",
                 "versions", "notebooks", "latest_moved", "previous_complete_run", "headline_changes", "kind",
                 "adhoc_reasons", "comparison", "previous_latest"}


@pytest.fixture(autouse=True)
def _bundled_is_fixture(monkeypatch):
    monkeypatch.setenv("WBCTI_DATA", str(FIXTURE))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def wbcti(*args: object) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Run A with defaults (scheduled), then run B with other parameters (ad hoc), into one reports folder."""
    output = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WBCTI_DATA", str(FIXTURE))
        mp.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        status_a = wbcti("run", "--notebooks", NOTEBOOKS, "--output", output, "-q")
        (run_a,) = run_dirs(output)
        status_b = wbcti("run", "--notebooks", NOTEBOOKS, "--output", output, "-q",
                         "-p", "threshold", "1.5", "-p", "scale", "3")
    (run_b,) = [d for d in run_dirs(output) if d != run_a]
    return {"output": output, "a": run_a, "b": run_b, "status": (status_a, status_b)}


# ----------------------------------------------------------------------------- list and parameters


def test_list_shows_parameters_with_types_defaults_and_help(capsys):
    assert wbcti("list", "--notebooks", NOTEBOOKS) == 0
    out = capsys.readouterr().out
    assert "01-alpha.ipynb" in out and "02-beta.ipynb" in out
    assert "threshold: float = 0.5" in out and "a number the headline figure is derived from" in out
    assert "fail: bool = False" in out
    assert wbcti("list", "--notebooks", NOTEBOOKS, "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    beta = next(n for n in listed if n["stem"] == "02-beta")
    assert {"name": "scale", "type": "int", "default": "2", "help": "multiplies the headline figure"} in beta["parameters"]


def test_parameter_types_follow_papermill_inspection():
    alpha, beta = runner.discover(NOTEBOOKS)
    assert {p.name: p.kind for p in alpha.parameters.values()} == {
        "data_path": "str", "output_dir": "str", "threshold": "float", "countries": "list"}
    assert beta.parameters["fail"].check(True) is None
    assert beta.parameters["fail"].check("maybe") is not None
    assert beta.parameters["scale"].check(True) is not None  # a bool is not an int here
    assert alpha.parameters["threshold"].check(2) is None  # an int is a fine float


def test_undeclarable_lines_are_still_found_and_reported(tmp_path):
    nb = nbformat.read(NOTEBOOKS / "02-beta.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += '\nmode: str = "a"  # one of a, b; default = a'
    nbformat.write(nb, tmp_path / "05-gamma.ipynb")
    (gamma,) = runner.discover(tmp_path)
    assert "mode" in gamma.parameters  # papermill skips the line (two '='); the runner does not
    assert any("'mode'" in w for w in gamma.warnings)


# ----------------------------------------------------------------------------- a successful run


def test_run_folder_contents(two_runs):
    assert two_runs["status"] == (0, 0)
    run_a = two_runs["a"]
    names = {p.name for p in run_a.iterdir()}
    for stem in ("01-alpha", "02-beta"):
        assert {f"{stem}.ipynb", f"{stem}.html", f"{stem}.headlines.json"} <= names
    assert {"index.html", "manifest.json"} <= names
    assert (run_a / "01-alpha_files" / "alpha.txt").read_text().strip() == "12 actors"
    assert "02-beta_files" not in names  # nothing exported: no empty folder left behind
    executed = nbformat.read(run_a / "01-alpha.ipynb", as_version=4)
    assert executed.metadata.papermill["parameters"]["output_dir"] == str(run_a / "01-alpha_files")
    html = (run_a / "01-alpha.html").read_text(encoding="utf-8")
    assert "NBVAL_CHECK_OUTPUT" not in html and "1.0" in html  # code hidden for reviewers by default
    index = (run_a / "index.html").read_text(encoding="utf-8")
    for link in ('href="01-alpha.html"', 'href="01-alpha.ipynb"', 'href="02-beta.html"', 'href="manifest.json"'):
        assert link in index
    hrefs = re.findall(r'href="([^"]*)"', index)
    assert hrefs and not [h for h in hrefs if h.startswith("/") or "://" in h]  # relative links only
    # latest follows the newest complete scheduled run (B set -p: ad hoc); the reports folder lists both runs
    assert runner.resolve_latest(two_runs["output"]) == two_runs["a"]
    assert (two_runs["output"] / "latest").is_symlink()
    assert os.readlink(two_runs["output"] / "latest") == two_runs["a"].name
    history = (two_runs["output"] / "index.html").read_text(encoding="utf-8")
    assert two_runs["a"].name in history and two_runs["b"].name in history


def test_manifest_fields(two_runs):
    m = manifest_of(two_runs["a"])
    assert MANIFEST_KEYS <= set(m)
    assert m["run_id"] == two_runs["a"].name and m["status"] == "complete" and m["latest_moved"] is True
    assert m["kind"] == "scheduled" and m["adhoc_reasons"] == [] and m["collection"] == ["01-alpha", "02-beta"]
    assert m["started"] <= m["finished"]
    assert m["project"]["version"] == wbcti_analysis.__version__
    assert m["project"]["git_commit"] is None or len(m["project"]["git_commit"]) == 40
    assert m["data"]["hash"] == data_hash(FIXTURE)
    assert set(m["versions"]) == {"pandas", "networkx", "seaborn", "scikit-learn", "papermill", "nbconvert", "python"}
    nbs = by_stem(m)
    assert [nb["status"] for nb in nbs.values()] == ["ok", "ok"]
    assert all(nb["error"] is None and nb["duration_s"] > 0 for nb in nbs.values())
    assert nbs["02-beta"]["defaults"]["scale"] == "2"
    assert by_stem(manifest_of(two_runs["b"]))["02-beta"]["parameters"]["scale"] == 3
    assert by_stem(manifest_of(two_runs["b"]))["02-beta"]["non_default"] == {"scale": 3}
    assert nbs["02-beta"]["non_default"] == {} and len(nbs["02-beta"]["notebook_hash"]) == 64
    assert manifest_of(two_runs["b"])["parameters"]["cli"] == {"threshold": "1.5", "scale": "3"}


def test_a_run_with_other_parameters_is_not_compared_and_says_why(two_runs):
    a, b = manifest_of(two_runs["a"]), manifest_of(two_runs["b"])
    assert a["previous_complete_run"] is None and a["comparison"]["reference"] is None
    assert {r["change"] for nb in a["notebooks"] for r in nb["changes"]} == {"new"}
    assert b["kind"] == "ad hoc" and b["latest_moved"] is False
    assert b["adhoc_reasons"] == ["parameters set with -p: threshold, scale"]
    assert b["previous_complete_run"] is None and b["headline_changes"] is None
    assert b["comparison"]["reference"] == two_runs["a"].name
    assert b["comparison"]["differences"] == [
        f"parameters of 01-alpha: threshold = 1.5 here, default in run {two_runs['a'].name}",
        f"parameters of 02-beta: scale = 3 here, default in run {two_runs['a'].name}"]
    assert {r["change"] for nb in b["notebooks"] for r in nb["changes"]} == {"not compared"}
    assert all(r["previous"] is None for nb in b["notebooks"] for r in nb["changes"])
    index = (two_runs["b"] / "index.html").read_text(encoding="utf-8")
    assert f"Not compared value by value with run {two_runs['a'].name}" in index
    assert "threshold = 1.5 here, default in run" in index and "+21" not in index
    assert "An ad-hoc run (parameters set with -p: threshold, scale)" in index


def test_headline_changes_between_runs_of_the_same_parameters(tmp_path):
    """Same notebooks, parameters and data, edited code: compared value by value, and the page says the code differs."""
    books = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, books)
    output = tmp_path / "reports"
    assert wbcti("run", "--notebooks", books, "--output", output, "-q") == 0
    (run_a,) = run_dirs(output)
    for name, old, new in (("01-alpha.ipynb", "threshold * 2", "threshold * 6"),
                           ("02-beta.ipynb", "21 * scale", "21 * scale + 21")):
        nb = nbformat.read(books / name, as_version=4)
        cell = next(c for c in nb.cells if old in c.source)
        cell.source = cell.source.replace(old, new)
        nbformat.write(nb, books / name)
    assert wbcti("run", "--notebooks", books, "--output", output, "-q") == 0
    (run_b,) = [d for d in run_dirs(output) if d != run_a]
    b = manifest_of(run_b)
    assert b["previous_complete_run"] == run_a.name and b["comparison"]["compared_with"] == run_a.name
    code = b["comparison"]["code"]  # a dirty checkout (a developer's, not CI's fresh clone) adds one line
    assert [c for c in code if c != "uncommitted changes in the checkout"] == [
        f"notebook(s) edited since run {run_a.name}: 01-alpha, 02-beta"]
    rows = {r["key"]: r for nb in b["notebooks"] for r in nb["changes"]}
    assert rows["n_actors"]["change"] == "unchanged"
    double = rows["double_threshold"]
    assert (double["value"], double["previous"], double["difference"], double["change"]) == (3.0, 1.0, 2.0, "changed")
    assert rows["scaled"]["difference"] == 21
    assert b["headline_changes"] == 2
    assert runner.resolve_latest(output) == run_b  # a complete scheduled run moves latest
    index = (run_b / "index.html").read_text(encoding="utf-8")
    assert "+21" in index and "unchanged" in index and run_a.name in index
    assert "The code differs from that run" in index and "notebook(s) edited since run" in index


@pytest.mark.parametrize("args, kind", [
    (["01"], "only some notebooks of the collection: 01-alpha"),
    (["-p", "countries", "[XK]"], "parameters set with -p: countries"),
], ids=["partial", "filtered"])
def test_partial_or_filtered_run_does_not_move_latest(two_runs, tmp_path, args, kind):
    output = tmp_path / "reports"
    shutil.copytree(two_runs["output"], output, symlinks=True)
    assert wbcti("run", "--notebooks", NOTEBOOKS, "--output", output, "-q", *args) == 0
    (new,) = [d for d in run_dirs(output) if d.name not in (two_runs["a"].name, two_runs["b"].name)]
    m = manifest_of(new)
    assert m["status"] == "complete" and m["kind"] == "ad hoc" and m["latest_moved"] is False
    assert m["adhoc_reasons"] == [kind]
    assert runner.resolve_latest(output) == output / two_runs["a"].name
    history = (output / "index.html").read_text(encoding="utf-8")
    row = history[history.index(new.name):].split("</tr>")[0]
    assert "ad hoc" in row and "01-alpha" in row
    assert ("02-beta" in row) == (args[0] != "01")
    if args[0] == "-p":
        assert "<code>01: countries</code>&nbsp;=&nbsp;[&#34;XK&#34;]" in row


def test_parallel_jobs(tmp_path, capfd):
    assert wbcti("run", "--notebooks", NOTEBOOKS, "--output", tmp_path, "--jobs", 2) == 0
    err = capfd.readouterr().err  # worker processes write progress to the inherited stderr
    assert "01-alpha: started" in err and "02-beta: ok in" in err
    (run_dir,) = run_dirs(tmp_path)
    m = manifest_of(run_dir)
    assert m["options"]["jobs"] == 2 and m["status"] == "complete"
    assert json.loads((run_dir / "02-beta.headlines.json").read_text())["scaled"]["value"] == 42
    assert "n_actors" not in json.loads((run_dir / "02-beta.headlines.json").read_text())


# ----------------------------------------------------------------------------- failure isolation


def test_failing_notebook_is_isolated_and_latest_kept(two_runs, tmp_path, capsys):
    shutil.copytree(two_runs["output"], tmp_path, symlinks=True, dirs_exist_ok=True)
    good = tmp_path / two_runs["a"].name
    before = set(run_dirs(tmp_path))
    status = wbcti("run", "--notebooks", NOTEBOOKS, "--output", tmp_path, "-p", "fail", "true")
    captured = capsys.readouterr()
    assert status == runner.EXIT_FAILED
    assert "FAILED 02-beta: ValueError: failing on purpose" in captured.out
    (bad,) = [d for d in run_dirs(tmp_path) if d not in before]
    m = manifest_of(bad)
    assert m["status"] == "failed" and m["latest_moved"] is False
    nbs = by_stem(m)
    assert nbs["01-alpha"]["status"] == "ok"
    err = nbs["02-beta"]["error"]
    assert nbs["02-beta"]["status"] == "failed"
    assert (err["ename"], err["evalue"]) == ("ValueError", "failing on purpose (fail=True)")
    assert "raise ValueError" in err["traceback"] and "\x1b[" not in err["traceback"]
    # the partly executed notebook and its page are kept, with what it recorded before failing
    assert (bad / "02-beta.ipynb").is_file() and (bad / "02-beta.html").is_file()
    assert set(nbs["02-beta"]["headlines"]) == {"scaled", "label"}
    index = (bad / "index.html").read_text(encoding="utf-8")
    assert "failing on purpose" in index and "Traceback" in index and ">removed<" not in index
    assert runner.resolve_latest(tmp_path) == good


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("args, needle", [
    (["-p", "colour", "red"], "unknown parameter 'colour'"),
    (["-p", "scale", "many"], "wrong type for 'scale' in 02-beta.ipynb: expected int, got str 'many'"),
    (["-p", "fail", "maybe"], "wrong type for 'fail'"),
    (["-p", "countries", "XK"], "wrong type for 'countries'"),
    (["03"], "no notebook '03'"),
    (["-p", "output_dir", "/tmp/x"], "use --output"),
    (["01", "-p", "scale", "3"], "not declared by 01-alpha.ipynb"),
])
def test_refused_before_anything_runs(tmp_path, capsys, args, needle):
    assert wbcti("run", "--notebooks", NOTEBOOKS, "--output", tmp_path / "out", *args) == runner.EXIT_REFUSED
    err = capsys.readouterr().err
    assert "refused" in err and needle in err
    assert not (tmp_path / "out").exists()


COUNTRIES = "AL, BA, XK, ME, MK, RS, AT, BE, HR, DK, IT, SI, GB, CH, TR, SY"  # the bundled package's activities
MECHANISM_COUNTRIES = "AL, BA, XK, MK, RS, DK, GB"
FUNDERS = ("ca-gov, european-commission, gcerf, iom, it-gov, jp-gov, nl-embassy-xk, no-gov, osce-mk, rcc, "
           "uk-embassy-mk, uk-embassy-xk, uk-gov, us-embassy-xk, us-gov, usaid")


@pytest.mark.parametrize("args, messages", [
    (["-p", "countries", "[FR]"], [
        f"01-coordination-graph: countries: unknown country code 'FR'; the package has {COUNTRIES}",
        f"02-donor-dependency: countries: unknown country code 'FR'; the package has {COUNTRIES}",
        f"03-prevention-vs-rr: countries: unknown country code 'FR'; the package has {COUNTRIES}",
        f"04-referral-mechanisms: countries: unknown country code 'FR'; the package has {MECHANISM_COUNTRIES}"]),
    (["01", "-p", "countries", "[xk]"], [
        f"01-coordination-graph: countries: unknown country code 'xk'; the package has {COUNTRIES} "
        "(values are case-sensitive: 'xk' -> 'XK')"]),
    (["01", "02", "-p", "start_year", "2019", "-p", "end_year", "2015"], [
        "01-coordination-graph: start_year 2019 is after end_year 2015; start_year must be at most end_year "
        "(0 leaves a bound open)",
        "02-donor-dependency: start_year 2019 is after end_year 2015; start_year must be at most end_year "
        "(0 leaves a bound open)"]),
    (["-p", "weighting", "bogus"], ["01-coordination-graph: weighting: unknown value 'bogus'; allowed: count, newman"]),
    (["02", "-p", "funders_to_withdraw", "[nobody]"], [
        f"02-donor-dependency: funders_to_withdraw: unknown funder id 'nobody'; the package has {FUNDERS}"]),
    (["04", "-p", "cluster_threshold", "1.5", "-p", "mechanisms", "[uk-chanel]"], [
        "04-referral-mechanisms: mechanisms: unknown mechanism id 'uk-chanel'; the package has al-cve-center, "
        "al-local-safety-councils, ba-iom-referral-mechanism-models, ba-mos-pcve-coordination, "
        "dk-aarhus-model, gcerf-csm-xk, mk-domestic-violence-local-mechanism, "
        "mk-local-multidisciplinary-teams, mk-ncvect, mk-passage4prevent, pra-concept, rs-moi-pcve-coordination, "
        "rs-municipal-safety-councils, rs-novi-pazar-referral-mechanism, see-nfp-group-coordination, uk-channel, "
        "xk-dprrp-coordination, xk-dprrp-rr-programme, xk-gjilan-referral-mechanism, "
        "xk-hani-i-elezit-referral-mechanism, xk-local-prevention-reintegration-teams, xk-lpsc, xk-mcsc",
        "04-referral-mechanisms: cluster_threshold: 1.5 is out of range; allowed: 0 to 1"]),
    (["01", "-p", "split_year", "2030", "-p", "end_year", "2020"], [
        "01-coordination-graph: split_year 2030 is after end_year 2020; the second period would be empty "
        "(allowed: 2016 to 2020)"]),
    (["-p", "colour", "red"], [
        "-p colour: unknown parameter 'colour': not declared by any selected notebook (declared: alpha, basis, "
        "cluster_threshold, countries, distance, duplicate_threshold, end_year, features, funders_to_withdraw, "
        "graph, include_inferred, inherit_funding, mechanisms, merge_parents, min_compared, min_n, min_weight, n_bootstrap, n_draws, "
        "networks, period_start, rate_table, roles, seed, split_year, start_year, themes, tier_rule, tiers, top_n, "
        "unsure_below, use_participations, weighting)"]),
    (["01", "-p", "top_n", "many"], [
        "-p top_n: wrong type for 'top_n' in 01-coordination-graph.ipynb: expected int, got str 'many'"]),
], ids=["unknown-country", "lower-case-country", "start-after-end", "unknown-enum", "unknown-funder",
        "unknown-mechanism-and-range", "split-after-end", "unknown-parameter", "wrong-type"])
def test_collection_refuses_bad_values_before_anything_runs(monkeypatch, tmp_path, capsys, args, messages):
    """One message per problem, each naming the notebook, the parameter, the bad value and what is allowed."""
    monkeypatch.setenv("WBCTI_DATA", str(BUNDLED_DIR))
    refs = args[:args.index("-p")]
    pairs = [(args[i + 1], args[i + 2]) for i in range(len(refs), len(args), 3)]
    with pytest.raises(runner.RunRefused) as exc:
        runner.plan_run(refs, pairs)
    assert exc.value.problems == messages
    out = tmp_path / "out"
    for extra in (["--dry-run"], []):  # a dry run and a real run refuse alike
        assert wbcti("run", "--output", out, *extra, *args) == runner.EXIT_REFUSED
        err = capsys.readouterr().err
        assert err.splitlines() == ["error: refused, nothing was run:"] + [f"  {m}" for m in messages]
    assert not out.exists()


def test_list_shows_allowed_values_from_the_package(monkeypatch, capsys):
    monkeypatch.setenv("WBCTI_DATA", str(BUNDLED_DIR))
    assert wbcti("list") == 0
    out = capsys.readouterr().out
    assert f"allowed: any of {COUNTRIES}" in out
    assert "allowed: one of count, newman" in out and "allowed: 0 (no bound) or 1900 to 2100" in out
    assert "allowed: strictly between 0 and 1" in out and f"allowed: any of {FUNDERS}" in out
    assert "rule: start_year <= end_year when both are set" in out
    assert wbcti("list", "--data", FIXTURE) == 0
    assert "allowed: any of AL, XK" in capsys.readouterr().out  # the fixture package's countries


def test_dry_run_says_whether_latest_would_move(monkeypatch, capsys):
    assert wbcti("run", "--notebooks", NOTEBOOKS, "--dry-run") == 0
    assert "a scheduled run: latest would move" in capsys.readouterr().out
    assert wbcti("run", "01", "--notebooks", NOTEBOOKS, "--dry-run") == 0
    assert "an ad-hoc run (only some notebooks of the collection: 01-alpha)" in capsys.readouterr().out


def test_params_file_flat_and_per_notebook(tmp_path):
    p = tmp_path / "run.yaml"
    p.write_text("scale: 4\nthreshold: 2\n02-beta:\n  label: special\n  scale: 5\n01:\n  countries: [XK, AL]\n")
    plan = runner.plan_run(params_file=p, notebooks_dir=NOTEBOOKS, cli_params=[("label", "2017")])
    assert plan.parameters["01-alpha"] == {"threshold": 2.0, "countries": ["XK", "AL"]}
    assert plan.parameters["02-beta"] == {"scale": 5, "label": "2017"}  # section over flat, -p over file
    p.write_text("04-missing:\n  scale: 1\n02-beta:\n  label: 3\n")
    with pytest.raises(runner.RunRefused) as exc:
        runner.plan_run(params_file=p, notebooks_dir=NOTEBOOKS)
    text = str(exc.value)
    assert "'04-missing' names no notebook" in text and "wrong type for 'label'" in text


def test_dry_run_runs_nothing(tmp_path, capsys):
    assert wbcti("run", "--notebooks", NOTEBOOKS, "--output", tmp_path / "out", "--dry-run", "-p", "scale", "7") == 0
    assert "02-beta.ipynb: scale=7" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- --data


def test_data_option_runs_on_a_user_package(tmp_path):
    mine = tmp_path / "my-data"
    shutil.copytree(FIXTURE, mine)
    status = wbcti("run", "01", "--notebooks", NOTEBOOKS, "--output", tmp_path / "out", "--data", mine, "-q",
                   "--show-code")
    assert status == 0
    (run_dir,) = run_dirs(tmp_path / "out")
    assert "NBVAL_CHECK_OUTPUT" in (run_dir / "01-alpha.html").read_text(encoding="utf-8")  # --show-code
    m = manifest_of(run_dir)
    alpha = by_stem(m)["01-alpha"]
    assert alpha["parameters"]["data_path"] == str(mine.resolve())
    assert alpha["headlines"]["data_package"]["value"] == str(mine.resolve())
    assert m["data"] == {"path": str(mine.resolve()), "bundled": False, "hash": data_hash(mine)}


def test_data_option_refuses_an_invalid_package(tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURE, broken)
    with (broken / "actors.csv").open("a", encoding="utf-8") as fh:
        fh.write("not-a-real-row\n")
    assert wbcti("run", "--notebooks", NOTEBOOKS, "--output", tmp_path / "out", "--data", broken) == 2
    err = capsys.readouterr().err
    assert "problem(s) in the data package" in err and "actors.csv" in err
    assert not (tmp_path / "out").exists()


def test_data_needs_a_data_path_parameter(tmp_path):
    nb = nbformat.read(NOTEBOOKS / "02-beta.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("data_path"))
    nbformat.write(nb, tmp_path / "01-nodata.ipynb")
    with pytest.raises(runner.RunRefused, match="declare.*no 'data_path'"):
        runner.plan_run(data=FIXTURE, notebooks_dir=tmp_path)


# ----------------------------------------------------------------------------- pointer, pages, imports


def test_latest_falls_back_to_a_text_pointer(tmp_path, monkeypatch):
    (tmp_path / "r1").mkdir()

    def no_symlinks(*a, **k):
        raise OSError("symlinks not supported here")

    monkeypatch.setattr(os, "symlink", no_symlinks)
    assert runner._point_latest(tmp_path, tmp_path / "r1") == "latest.txt"
    assert runner.resolve_latest(tmp_path) == tmp_path / "r1"


def test_index_escapes_and_formats():
    page = render_index({"run_id": "<x>", "status": "failed", "notebooks": [
        {"stem": "01-<b>", "title": "<script>alert(1)</script>", "status": "failed", "html": "01-<b>.html",
         "error": {"ename": "E", "evalue": "<i>bad</i>", "traceback": "<tb>"}, "parameters": {"q": "<v>"}}]})
    assert "<script>" not in page and "<i>" not in page and "&lt;script&gt;" in page
    assert format_value(1234567) == "1,234,567" and format_value(0.123456) == "0.1235" and format_value(None) == "–"


def test_history_lists_kind_notebooks_and_non_default_parameters():
    runs = [
        {"run_id": "r2", "kind": "ad hoc", "status": "complete", "headline_changes": None,
         "comparison": {"compared_with": None, "reference": "r1"}, "notebooks": [
            {"stem": "01-coordination-graph", "status": "ok", "non_default": {"countries": ["<XK>"]}}]},
        {"run_id": "r1", "kind": "scheduled", "status": "complete", "headline_changes": 0, "notebooks": [
            {"stem": "01-coordination-graph", "status": "ok", "non_default": {}},
            {"stem": "02-donor-dependency", "status": "failed", "non_default": {}}]},
    ]
    page = render_history(runs, latest="r1")
    rows = page.split("<tr>")[2:]
    assert "ad hoc" in rows[0] and "<code>01: countries</code>&nbsp;=&nbsp;[&#34;&lt;XK&gt;&#34;]" in rows[0]
    assert "not compared" in rows[0]
    assert "(latest)" in rows[1] and "02-donor-dependency (failed)" in rows[1] and ">defaults<" in rows[1]
    assert 'Latest scheduled run of the whole collection: <a href="r1/index.html">r1</a>' in page


def test_import_stays_light():
    code = ("import sys, wbcti_analysis, wbcti_analysis.runner, wbcti_analysis.report, wbcti_analysis.cli; "
            "heavy = {'papermill', 'nbconvert', 'pandas', 'nbformat'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_report_does_not_import_the_runner():
    """A one-way dependency: the run package renders pages through report, never the reverse."""
    code = ("import sys, wbcti_analysis.report, wbcti_analysis.report.pages; "
            "back = {'wbcti_analysis.run', 'wbcti_analysis.runner'} & set(sys.modules); assert not back, back")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("package", ["run", "report", "params"])
def test_modules_stay_small(package):
    folder = Path(wbcti_analysis.__file__).parent / package
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert sizes and max(sizes.values()) <= 500, sizes

