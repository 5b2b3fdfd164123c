"""The notebook collection as a whole: every notebook is runnable by `wbcti run`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NOTEBOOKS_DIR

from wbcti_analysis.runner import default_notebooks_dir, discover

COLLECTION = discover(NOTEBOOKS_DIR)


def test_the_runner_finds_the_notebooks_of_the_checkout():
    assert default_notebooks_dir().resolve() == NOTEBOOKS_DIR.resolve()


def test_the_four_questions_are_in_the_collection():
    assert [nb.stem for nb in COLLECTION] == ["01-coordination-graph", "02-donor-dependency",
                                              "03-prevention-vs-rr", "04-referral-mechanisms"]


@pytest.mark.parametrize("nb", COLLECTION, ids=lambda nb: nb.stem)
def test_parameters_are_declared_for_papermill(nb):
    """papermill's own inspection sees every parameter, each typed and with its help."""
    assert nb.warnings == []
    assert {"data_path", "output_dir"} <= set(nb.parameters)
    for p in nb.parameters.values():
        assert p.help, f"{nb.stem}: parameter {p.name} has no help comment"
        assert p.type not in ("None", ""), f"{nb.stem}: parameter {p.name} has no type"


@pytest.mark.parametrize("nb", COLLECTION, ids=lambda nb: nb.stem)
def test_committed_notebooks_are_executed_and_clean(nb):
    """Stored outputs exist (nbval compares them), with no error output and no kernel noise."""
    cells = json.loads(Path(nb.path).read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), f"{nb.stem}: not fully executed"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    checked = [c for c in code if "".join(c["source"]).startswith("# NBVAL_CHECK_OUTPUT")]
    assert len(checked) >= 5, f"{nb.stem}: too few key result cells marked for nbval"
