"""Small helpers every notebook of the collection calls in its first cells.

They keep the notebooks thin: resolving the data package and the output folder from the
notebook's parameters, and one plotting style with a source caption.
"""
from __future__ import annotations

import os
from pathlib import Path

from .params import check_notebook_parameters

__all__ = ["load_data", "output_folder", "setup_plots", "check_notebook_parameters", "SOURCE_CAPTION",
           "OUTPUTS_FOLDER", "show_figure", "show_claims"]

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


def show_figure(fig, out, name: str, alt: str) -> None:
    """Save ``fig`` as ``out/name.png``, display it with ``alt`` as its alt text and a download link.

    The alt text goes into the output's metadata (``metadata["image/png"]["alt"]``), where
    the report pages read it. The figure is closed afterwards. Returns None (so a cell
    ending with it shows nothing more).
    """
    import html as _html

    import matplotlib.pyplot as plt
    from IPython.display import HTML, Image, display

    from .display import download_link

    path = Path(out) / f"{name}.png"
    fig.savefig(path, bbox_inches="tight", dpi=110)
    plt.close(fig)
    display(Image(data=path.read_bytes(), format="png"), metadata={"image/png": {"alt": alt}})
    display(HTML(f'<p class="wbcti-figure-note" style="font-size:0.85em"><span class="wbcti-alt">'
                 f'{_html.escape(alt)}</span> {download_link(path, "Download the figure (" + path.name + ")")}</p>'))


def show_claims(ds, claim_ids):
    """Display the source claims the notebook tests (rows of ``claims``), with their source and locator."""
    from IPython.display import HTML, display

    from .display import table_html

    claims = ds.tables.get("claims")
    rows = claims[claims["claim_id"].isin(list(claim_ids))] if claims is not None else None
    if rows is None or rows.empty:
        display(HTML("<p><em>The claims this notebook tests are not in this data package.</em></p>"))
        return
    rows = rows.assign(claim=rows["value"].astype(str) + ": " + rows["note"].astype(str))
    from .display import source_column

    rows = rows.assign(source=source_column(rows, ds))
    display(HTML(table_html(rows[["claim_id", "claim", "source"]], table_id="claims", max_rows=0,
                            labels={"claim_id": "Claim id", "claim": "What the source says",
                                    "source": "Source and locator"})))

