"""The scale benchmark (benchmarks/bench_scale.py) runs at a tiny scale, so it cannot rot."""
from __future__ import annotations

import csv
import subprocess
import sys

from conftest import ROOT


def test_benchmark_quick(tmp_path):
    out = tmp_path / "scale.csv"
    # plus one full `wbcti run` of notebook 04 at the same scale (make benchmark runs all four at k = 1, 10 and data/)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--quick", "--csv", str(out),
                           "--full-run", "--run-scales", "0.2", "--run-jobs", "1", "--run-notebooks", "04",
                           "--no-bundled-run"], capture_output=True, text=True, timeout=600)
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
    run = steps["wbcti run: notebooks 04 + HTML (--jobs 1)"]
    assert run["error"] == "" and run["scale"] == "0.2" and float(run["median_s"]) > 1  # a kernel start at least
    assert run["detail"].startswith("04 ") and run["detail"].endswith(" ok") and run["kernel_jobs"] == "1"
    assert "wbcti run: notebooks 04 + HTML (--jobs 1)" in done.stdout
    assert {"nx-parallel", "networkx"} <= set(rows[0])
