"""Benchmark: validation of the data package by three validators, at 1x, 10x and 100x.

Run: .venv/bin/python benchmarks/bench_validation.py [--scales 1 10 100] [--repeat N] [--skip-frictionless-at N]

Options compared (each timed warm: one untimed call first, then the median of ``--repeat``
calls; 100x runs fewer repeats). Wall-clock and CPU time of this process are both
recorded: on a machine shared with other jobs the CPU time is the fairer comparison.

hand
    The hand-written validator the project had before the schema layer
    (``src/wbcti_analysis/datapackage.py`` at commit ``e1fba42``, read with ``git show``).
frictionless
    frictionless 5, ``Package(descriptor).validate()``, which includes its foreign-key check.
pandera
    The current validator: pandera schemas generated from ``datapackage.json`` plus the
    vectorised custom checks (``wbcti_analysis.datapackage.validate``); ``load`` adds the
    typed tables.

The larger packages are the bundled tables replicated k times: copy i gets every primary-
and foreign-key value suffixed ``-r<i>``, so ids stay unique and every reference still
resolves. Each validator must find the replicated packages valid (checked). Prints a table
and writes ``benchmarks/validation_results.json``.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HAND_COMMIT = "e1fba42"
HAND_PATH = "src/wbcti_analysis/datapackage.py"


def key_columns(descriptor: dict) -> dict[str, set[str]]:
    """Columns per table that hold ids: primary keys and both ends of foreign keys."""
    out: dict[str, set[str]] = {r["name"]: set() for r in descriptor["resources"]}
    as_list = (lambda x: [x] if isinstance(x, str) else list(x or []))
    for res in descriptor["resources"]:
        schema = res["schema"]
        out[res["name"]].update(as_list(schema.get("primaryKey")))
        for fk in schema.get("foreignKeys", []):
            out[res["name"]].update(as_list(fk["fields"]))
            out[fk["reference"].get("resource") or res["name"]].update(as_list(fk["reference"]["fields"]))
    return out


def replicate(src: Path, dest: Path, k: int) -> int:
    """Write the package at ``src`` replicated ``k`` times into ``dest``; return the row count."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "datapackage.json", dest / "datapackage.json")
    descriptor = json.loads((src / "datapackage.json").read_text(encoding="utf-8"))
    keys = key_columns(descriptor)
    total = 0
    for res in descriptor["resources"]:
        with (src / res["path"]).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = list(rows[0]) if rows else []
        with (dest / res["path"]).open("w", encoding="utf-8", newline="") as fh:
            wr = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            wr.writeheader()
            for i in range(k):
                for row in rows:
                    wr.writerow({c: (f"{v}-r{i}" if c in keys[res["name"]] and v and i else v) for c, v in row.items()})
                    total += 1
    return total


def hand_validator():
    """The former hand-written validator, loaded from git history."""
    code = subprocess.run(["git", "-C", str(ROOT), "show", f"{HAND_COMMIT}:{HAND_PATH}"],
                          capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "hand_datapackage.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("hand_datapackage", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["hand_datapackage"] = module
    spec.loader.exec_module(module)
    return module


def frictionless_validate(folder: Path) -> int:
    from frictionless import Package

    report = Package(str(folder / "datapackage.json")).validate()
    return len(report.flatten(["type"]))


def timed(fn, folder: Path, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``fn(folder)`` after one warm-up call."""
    n = fn(folder)  # warm-up, and the check that the package is valid
    assert n == 0, f"{fn.__name__} found {n} problem(s) in {folder}"
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn(folder)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--repeat", type=int, default=5, help="repetitions at 1x (10x: half, 100x: 1)")
    ap.add_argument("--skip-frictionless-at", type=int, default=0,
                    help="skip frictionless at scales >= this (0: never skip)")
    args = ap.parse_args()

    import wbcti_analysis.datapackage as dp

    hand = hand_validator()
    options = {
        "hand": lambda folder: len(hand.validate(folder)),
        "frictionless": frictionless_validate,
        "pandera": lambda folder: len(dp.validate(folder)),
        "pandera load": lambda folder: (dp.load(folder), 0)[1],
    }
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in args.scales:
            folder = DATA if k == 1 else Path(tmp) / f"x{k}"
            rows = replicate(DATA, folder, k) if k > 1 else sum(
                len(dp.load(DATA).tables[n]) for n in dp.load(DATA).tables)
            repeat = args.repeat if k == 1 else max(1, args.repeat // 2) if k <= 10 else 1
            for name, fn in options.items():
                if name == "frictionless" and args.skip_frictionless_at and k >= args.skip_frictionless_at:
                    continue
                fn.__name__ = name
                s, c = timed(fn, folder, repeat)
                results.append({"option": name, "scale": k, "rows": rows, "seconds": round(s, 4),
                                "cpu_seconds": round(c, 4), "cpu_ms_per_1000_rows": round(1e6 * c / rows, 2)})
                print(f"{name:13s} x{k:<4d} {rows:7d} rows  wall {s:8.3f} s  cpu {c:8.3f} s "
                      f"({1e6 * c / rows:6.1f} cpu ms per 1000 rows)", flush=True)
    out = Path(__file__).with_name("validation_results.json")
    out.write_text(json.dumps({"python": platform.python_version(), "machine": platform.machine(),
                               "results": results}, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
