"""How the notebooks are stored: JupyterLab opens them unmodified; findings first; claims shown."""
from __future__ import annotations

import json

import pytest
from conftest import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
CLAIMS = {"01-coordination-graph": ["w-c-003", "r-c-003"], "03-prevention-vs-rr": ["r-c-004"]}


def _nb(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_jupyterlab_finds_nothing_to_rewrite(path):
    """JupyterLab marks a notebook modified when it rewrites its kernelspec on connecting (display name of the
    running kernel), upgrades its format (cells without ids, nbformat < 4.5) or fills missing language info."""
    from jupyter_client.kernelspec import KernelSpecManager

    nb = _nb(path)
    assert (nb["nbformat"], nb["nbformat_minor"]) >= (4, 5)
    assert all(c.get("id") for c in nb["cells"])
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert nb["metadata"]["kernelspec"] == {"display_name": spec.display_name, "language": spec.language,
                                            "name": "python3"}
    assert nb["metadata"]["language_info"]["name"] == "python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_key_findings_open_the_notebook(path):
    cells = _nb(path)["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    assert "findings_box = display(" in "".join(cells[1]["source"])
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "findings_box.update(show_findings(" in code
    assert "print(" not in code or ".to_string(" not in code  # tables are display tables, not printed text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_goes_through_show_figure(path):
    code = "\n".join("".join(c["source"]) for c in _nb(path)["cells"] if c["cell_type"] == "code")
    assert "plt.show()" not in code
    assert code.count("show_figure(fig") >= 3


@pytest.mark.parametrize("stem, claims", sorted(CLAIMS.items()))
def test_the_claims_tested_are_shown(stem, claims):
    nb = _nb(NOTEBOOKS_DIR / f"{stem}.ipynb")
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert "show_claims(" in text
    for claim in claims:
        assert claim in text


def test_notebook_01_calls_its_p_values_mid_p():
    text = "\n".join("".join(c["source"]) for c in _nb(NOTEBOOKS_DIR / "01-coordination-graph.ipynb")["cells"]
                     if c["cell_type"] == "markdown")
    assert "**mid-p** value" in text
