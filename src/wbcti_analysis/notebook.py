"""Small helpers every notebook of the collection calls in its first cells.

They keep the notebooks thin: resolving the data package and the output folder from the
notebook's parameters, and one plotting style with a source caption.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["load_data", "output_folder", "setup_plots", "SOURCE_CAPTION"]

SOURCE_CAPTION = "Source: wbcti-analysis data package (WBCTi iPA 2015-2017 final report, 2018; RAN paper, 2023)"


def load_data(data_path: str = ""):
    """Load and validate the data package named by a notebook's ``data_path`` parameter.

    Empty means the bundled package. Returns a :class:`wbcti_analysis.Dataset`.
    """
    from .datapackage import load

    return load(data_path or None)


def output_folder(output_dir: str, name: str) -> Path:
    """Return (and create) the folder a notebook writes its exported files to.

    ``output_dir`` empty means a fresh temporary folder named after ``name``.
    """
    if not output_dir:
        return Path(tempfile.mkdtemp(prefix=f"wbcti-{name}-"))
    path = Path(output_dir).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def setup_plots(context: str = "notebook") -> None:
    """Set one seaborn theme, deterministic figure output and wide text tables for the collection.

    pandas prints tables up to 200 characters wide, so a table keeps one row per line
    (the HTML reports scroll sideways rather than wrap).
    """
    import matplotlib as mpl
    import pandas as pd
    import seaborn as sns

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    sns.set_theme(context=context, style="whitegrid", palette="colorblind")
    mpl.rcParams.update({"figure.dpi": 100, "savefig.dpi": 120, "svg.hashsalt": "wbcti",
                         "figure.figsize": (9, 5), "axes.titleweight": "bold"})
