"""Small helpers every notebook of the collection calls in its first cells.

They keep the notebooks thin: resolving the data package and the output folder from the
notebook's parameters, and one plotting style with a source caption.
"""
from __future__ import annotations

import os
from pathlib import Path

from .params import check_notebook_parameters

__all__ = ["load_data", "output_folder", "setup_plots", "check_notebook_parameters", "SOURCE_CAPTION",
           "OUTPUTS_FOLDER"]

OUTPUTS_FOLDER = "outputs"  # beside the notebooks, git-ignored (notebooks/outputs/)

SOURCE_CAPTION = "Source: wbcti-analysis data package (WBCTi iPA 2015-2017 final report, 2018; RAN paper, 2023)"


def load_data(data_path: str = ""):
    """Load and validate the data package named by a notebook's ``data_path`` parameter.

    Empty means the bundled package. Returns a :class:`wbcti_analysis.Dataset`.
    """
    from .datapackage import load

    return load(data_path or None)


def _notebooks_folder() -> Path:
    """The project's ``notebooks/`` folder if there is one, else the working directory.

    In JupyterLab (``make lab``) and under nbval the working directory is the notebook's
    folder; run from elsewhere (papermill from the project root) the project's folder is
    still the one used, so the files land in the git-ignored ``notebooks/outputs/``.
    """
    try:
        from .run.collection import default_notebooks_dir

        folder = default_notebooks_dir()
        if folder.is_dir():
            return folder
    except FileNotFoundError:
        pass
    return Path.cwd()


def output_folder(output_dir: str, name: str) -> Path:
    """Return (and create) the folder a notebook writes its exported files to.

    ``output_dir`` empty (a notebook opened in JupyterLab) means a visible folder
    ``notebooks/outputs/<name>/`` beside the notebooks (git-ignored); its path is printed,
    so the reader knows where the files are. The runner always passes a folder inside
    the run folder.
    """
    if not output_dir:
        path = _notebooks_folder() / OUTPUTS_FOLDER / name
        path.mkdir(parents=True, exist_ok=True)
        try:
            shown = os.path.relpath(path)
        except ValueError:  # another drive
            shown = str(path)
        print(f"Exported files go to {shown if not shown.startswith('..') else path}")
        return path
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
