"""Benchmark: import time of wbcti_analysis and load-and-validate time of the bundled package.

Run: make benchmark  (or .venv/bin/python benchmarks/bench_load.py [--repeat N] [PATH])
Each import is timed in a fresh interpreter; load() is timed in this process after one
warm-up call. Prints medians and writes benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path


def time_import(repeat: int) -> list[float]:
    code = "import time; t = time.perf_counter(); import wbcti_analysis; print(time.perf_counter() - t)"
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]


def time_first_load(path: str | None, repeat: int) -> list[float]:
    code = ("import sys, time; t = time.perf_counter(); import wbcti_analysis as w; "
            f"w.load({path!r}); print(time.perf_counter() - t)")
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]


def time_load(path: str | None, repeat: int) -> tuple[list[float], dict]:
    import wbcti_analysis as w

    ds = w.load(path)  # warm-up: imports pandas
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        ds = w.load(path)
        times.append(time.perf_counter() - t)
    return times, {name: len(df) for name, df in ds.tables.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", default=None, help="data package folder (default: bundled)")
    ap.add_argument("--repeat", type=int, default=7, help="repetitions per measurement (default 7)")
    args = ap.parse_args()
    imp = time_import(args.repeat)
    cold = time_first_load(args.path, max(3, args.repeat // 2))
    warm, rows = time_load(args.path, args.repeat)
    result = {
        "python": platform.python_version(), "machine": platform.machine(), "repeat": args.repeat,
        "import_wbcti_analysis_s": round(statistics.median(imp), 4),
        "import_plus_first_load_s": round(statistics.median(cold), 3),
        "load_and_validate_s": round(statistics.median(warm), 4),
        "rows": rows, "total_rows": sum(rows.values()),
    }
    print(f"import wbcti_analysis            median {result['import_wbcti_analysis_s'] * 1000:.1f} ms")
    print(f"import + first load (cold)       median {result['import_plus_first_load_s']:.2f} s")
    print(f"load + validate (warm)           median {result['load_and_validate_s'] * 1000:.1f} ms "
          f"for {result['total_rows']} rows in {len(rows)} tables")
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
