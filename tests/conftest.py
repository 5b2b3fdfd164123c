"""Shared test harness: the paths every test file needs and one package factory.

Fixtures
--------
``fixture_path`` / ``bundled_path``
    The small fixture package (tests/data/fixture) and the bundled package (data/).
``fixture_ds`` / ``bundled_ds``
    Those packages loaded and validated once per session (treat them as read-only).
``make_package``
    A factory: ``make_package({"activities": rows_or_csv_text, ...}, base=FIXTURE_DIR)``
    copies ``base`` into a fresh temporary folder, then replaces (``mode="replace"``) or
    extends (``mode="append"``) the tables named in the dict and returns the folder.
    A table is given as CSV text (with header), a list of dicts (missing columns left
    empty, except a missing ``evidence`` which becomes ``stated``), or a pandas DataFrame.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS_DIR = ROOT / "tests"
FIXTURE_DIR = TESTS_DIR / "data" / "fixture"
BUNDLED_DIR = ROOT / "data"
TEST_NOTEBOOKS_DIR = TESTS_DIR / "data" / "notebooks"
NOTEBOOKS_DIR = ROOT / "notebooks"
SOURCES_DIR = ROOT.parent / "shared" / "sources"


def _columns(folder: Path, table: str) -> list[str]:
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        if res["name"] == table:
            return [f["name"] for f in res["schema"]["fields"]]
    raise KeyError(f"table {table!r} is not in {folder / 'datapackage.json'}")


def _rows_as_text(folder: Path, table: str, rows, with_header: bool) -> str:
    if isinstance(rows, str):
        text = rows if rows.endswith("\n") or not rows else rows + "\n"
        if not with_header:  # drop the header line of the given text
            text = text.split("\n", 1)[1] if "\n" in text else ""
        return text
    if hasattr(rows, "to_csv"):  # a DataFrame
        rows = rows.fillna("").astype(str).to_dict("records")
    fields = _columns(folder, table)
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="raise")
    if with_header:
        wr.writeheader()
    for r in rows:
        if "evidence" in fields and not r.get("evidence"):
            r = {**r, "evidence": "stated"}  # tests that do not care get "stated"
        wr.writerow({f: "" if r.get(f) is None else r.get(f, "") for f in fields})
    return buf.getvalue()


def write_package(dest: Path, tables: dict | None = None, base: Path = FIXTURE_DIR, mode: str = "replace") -> Path:
    """Copy ``base`` to ``dest`` and replace / append the given tables; return ``dest``."""
    if mode not in {"replace", "append"}:
        raise ValueError(f"mode must be 'replace' or 'append', not {mode!r}")
    shutil.copytree(base, dest)
    for table, rows in (tables or {}).items():
        path = dest / f"{table}.csv"
        if mode == "replace" or not path.exists():
            path.write_text(_rows_as_text(dest, table, rows, with_header=True), encoding="utf-8")
        else:
            existing = path.read_text(encoding="utf-8")
            if existing and not existing.endswith("\n"):
                existing += "\n"
            path.write_text(existing + _rows_as_text(dest, table, rows, with_header=False), encoding="utf-8")
    return dest


@pytest.fixture
def fixture_path() -> Path:
    return FIXTURE_DIR


@pytest.fixture
def bundled_path() -> Path:
    return BUNDLED_DIR


@pytest.fixture(scope="session")
def fixture_ds():
    import wbcti_analysis as w

    return w.load(FIXTURE_DIR)


@pytest.fixture(scope="session")
def bundled_ds():
    import wbcti_analysis as w

    return w.load(BUNDLED_DIR)


@pytest.fixture
def make_package(tmp_path):
    """Factory fixture: ``make_package(tables=None, base=FIXTURE_DIR, mode="replace") -> Path``."""
    counter = {"n": 0}

    def factory(tables: dict | None = None, base: Path = FIXTURE_DIR, mode: str = "replace") -> Path:
        counter["n"] += 1
        return write_package(tmp_path / f"pkg{counter['n']}", tables, base=base, mode=mode)

    return factory


# ----------------------------------------------------------------------------- run-folder helpers
def run_dirs(output: Path) -> list[Path]:
    """The run folders under a reports folder (not the ``latest`` link), oldest first."""
    return sorted(d for d in output.iterdir() if d.is_dir() and not d.is_symlink())


def manifest_of(run_dir: Path) -> dict:
    """A run folder's ``manifest.json``."""
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def by_stem(manifest: dict) -> dict:
    """A manifest's notebook entries by stem."""
    return {nb["stem"]: nb for nb in manifest["notebooks"]}


# ----------------------------------------------------------------------------- the `slow` marker
_KERNEL_WORDS = ("execute_notebook", 'wbcti("run"', "wbcti('run'", "papermill", "run_collection", "runner.run(")
_KERNEL_FIXTURES = {"two_runs"}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts Jupyter kernels (notebook runs); `make test-lib` skips them")


def pytest_collection_modifyitems(config, items):
    """Mark every test that starts a kernel as ``slow`` (by what its body calls or the fixtures it uses)."""
    import inspect

    for item in items:
        fn = getattr(item, "function", None)
        if fn is None:
            continue
        try:
            src = inspect.getsource(fn)
        except (OSError, TypeError):
            continue
        if any(w in src for w in _KERNEL_WORDS) or _KERNEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("slow")
