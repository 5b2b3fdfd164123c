"""The scale benchmark (benchmarks/bench_scale.py) runs at a tiny scale, so it cannot rot."""
from __future__ import annotations

import csv
import subprocess
import sys

from conftest import ROOT


def test_benchmark_quick(tmp_path):
    out = tmp_path / "scale.csv"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--quick", "--csv", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = list(csv.DictReader(out.open()))
    steps = {r["step"]: r for r in rows}
    for step in ["synth (generate + write)", "load + validate", "floor: pandas.read_csv of the same files",
                 "actor_metrics", "sector_tie_test (50 draws)", "draw_network + PNG", "rank_funders",
                 "find_duplicates", "tier classifier CV (x2)", "sector_coverage",
                 "floor: papermill on an empty notebook", "import wbcti_analysis (fresh interpreter)"]:
        assert step in steps, step
        assert steps[step]["error"] == "", (step, steps[step]["error"])
        assert float(steps[step]["median_s"]) > 0, step
    assert all(r["python"] == f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
               for r in rows)
    assert {r["scale"] for r in rows} == {"0.2", ""}
    assert float(steps["load + validate"]["peak_rss_mb"]) > 50
    assert "load + validate" in done.stdout and "k=0.2" in done.stdout
