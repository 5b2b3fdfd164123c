"""Plots of the donor funding dependency analysis (:mod:`wbcti_analysis.funding`).

Each function takes the DataFrame a :mod:`~wbcti_analysis.funding` function returns and
gives back a matplotlib Figure with a title, labelled axes (with units) and a footnote
naming the source; an empty table gives a figure that says there is nothing to show,
never an exception.

``ax=``: every function draws into the given matplotlib Axes (``plot_dependency`` and
``plot_concentration`` draw one Axes per table: give one Axes per table) and returns its
figure; the figure's layout and caption are then the caller's (call
:func:`wbcti_analysis.plots.style.finish_figure`). With ``ax=None`` (default) the function
makes its own figure, lays it out and adds the caption.

matplotlib and seaborn are imported inside the functions.
"""
from __future__ import annotations

from ..datapackage import WESTERN_BALKANS
from ..stats.concentration import HIGHLY_CONCENTRATED
from .style import empty_figure, finish_figure

__all__ = ["STATUS_COLOURS", "plot_dependency", "plot_concentration", "plot_funder_matrix",
           "plot_withdrawal_ranking", "plot_cliffs"]

#: Colours of the funding statuses (colour-blind safe, external = dark).
STATUS_COLOURS = {"external_only": "#0b4f8a", "mixed": "#5fa2dd", "domestic_only": "#e69f00",
                  "no_funder": "#c8c8c8"}
_STATUS_LABELS = {"external_only": "external funders only", "mixed": "external and domestic",
                  "domestic_only": "domestic funders only", "no_funder": "no recorded funder"}


def _empty(ax, title: str, message: str):
    """The "nothing to show" figure, or the same message written into ``ax``."""
    if ax is None:
        return empty_figure(title, message)
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)
    return ax.figure


def _first(ax):
    """The first Axes of ``ax`` (an Axes, a sequence or an array of them), or None."""
    return ax if ax is None or hasattr(ax, "plot") else list(getattr(ax, "flat", ax))[0]


def _axes_for(ax, n: int, heights: list[float], extra: float):
    """One Axes per panel: ``ax`` (an Axes or a sequence of them) or a new figure's column."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, axes = plt.subplots(n, 1, figsize=(9, sum(heights) + extra), gridspec_kw={"height_ratios": heights},
                                 squeeze=False)
        return fig, list(axes[:, 0]), True
    axes = [ax] if hasattr(ax, "plot") else list(getattr(ax, "flat", ax))  # one Axes, a list or an array
    if len(axes) != n:
        raise ValueError(f"ax: expected {n} Axes (one per table), got {len(axes)}")
    return axes[0].figure, axes, False


def plot_dependency(tables: dict, title: str = "How much of the work rests on external donors", ax=None):
    """Stacked bars of the funding status shares, one panel per :func:`~wbcti_analysis.funding.dependency` table.

    Parameters
    ----------
    tables : dict
        Panel title -> dependency table (e.g. ``{"By country": dep_country, "By tier": dep_tier}``).
        Bars show the shares of activities (count basis) or of money (amount basis, said
        in the label) that are funded only externally, mixed, only domestically, or have no
        recorded funder; ``n`` is the number of activities. Empty groups are labelled.
    title : str
        Figure title (the panel titles are the keys of ``tables``).
    ax : matplotlib Axes or sequence of Axes, optional
        One Axes per non-empty table to draw into (see the module notes).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    tables = {k: v for k, v in tables.items() if v is not None and len(v)}
    if not tables:
        return _empty(_first(ax), title, "No activities in the selection.")
    heights = [max(2.0, 0.45 * len(t) + 1.2) for t in tables.values()]
    fig, axes, own = _axes_for(ax, len(tables), heights, 1.0)
    for a, (name, t) in zip(axes, tables.items()):
        t = t.iloc[::-1]
        y = np.arange(len(t))
        left = np.zeros(len(t))
        for status in ("external_only", "mixed", "domestic_only", "no_funder"):
            vals = t[f"share_{status}" if status != "external_only" else "share_only_external"].fillna(0).to_numpy()
            a.barh(y, vals, left=left, color=STATUS_COLOURS[status], label=_STATUS_LABELS[status], height=0.7)
            left += vals
        labels = []
        for _, r in t.iterrows():
            basis = "" if r["basis"] == "count" else " (by amount)"
            extra = " - no activities" if r["n_activities"] == 0 else (" - thin" if r["thin"] else "")
            labels.append(f"{r['group']}  n={r['n_activities']}{basis}{extra}")
        a.set_yticks(y, labels)
        a.set_xlim(0, 1)
        a.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        a.set_xlabel("share of activities (%; amount rows: share of stated money)")
        a.set_title(name, fontsize=11, loc="left")
    axes[0].legend(ncols=2, fontsize=9, loc="lower left", bbox_to_anchor=(0, 1.08), frameon=False)
    if own:
        fig.suptitle(title)
        finish_figure(fig, "External = EU, UN, OSCE, international and regional bodies, donor governments, "
                           "foundations and foreign institutions; n = activities in the group (an activity counts "
                           "for each of its groups).")
    return fig


def plot_concentration(tables: dict, title: str = "How concentrated the funding is", ax=None):
    """Bars of the Herfindahl-Hirschman index (0-1) per group, labelled with the top funder.

    Parameters
    ----------
    tables : dict
        Panel title -> :func:`~wbcti_analysis.funding.concentration` table.
    title : str
        Figure title.
    ax : matplotlib Axes or sequence of Axes, optional
        One Axes per table with at least one funder (see the module notes).

    Returns
    -------
    matplotlib.figure.Figure
        The dashed line marks :data:`~wbcti_analysis.stats.concentration.HIGHLY_CONCENTRATED`
        (0.25, the 2010 US merger guidelines' threshold).
    """
    import numpy as np

    tables = {k: v[v["n_links"] > 0] for k, v in tables.items() if v is not None and len(v)}
    tables = {k: v for k, v in tables.items() if len(v)}
    if not tables:
        return _empty(_first(ax), title, "No funder recorded in the selection.")
    heights = [max(1.6, 0.42 * len(t) + 1.0) for t in tables.values()]
    fig, axes, own = _axes_for(ax, len(tables), heights, 1.2)
    for a, (name, t) in zip(axes, tables.items()):
        t = t.iloc[::-1]
        y = np.arange(len(t))
        colours = ["#bbbbbb" if th else "#0b4f8a" for th in t["thin"]]
        a.barh(y, t["hhi"].fillna(0), color=colours, height=0.7)
        for yi, (h, top, s, nf) in enumerate(zip(t["hhi"].fillna(0), t["top_funder"], t["top_share"],
                                                 t["n_funders"])):
            if isinstance(top, str):
                a.text(h + 0.01, yi, f"top: {top} {s:.0%} (of {nf} funders)", va="center", fontsize=9)
        a.set_yticks(y, [f"{g}  ({b})" if b != "count" else str(g) for g, b in zip(t["group"], t["basis"])])
        a.set_xlim(0, 1.6)
        a.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        a.axvline(HIGHLY_CONCENTRATED, color="#999999", lw=0.8, ls="--")
        a.set_xlabel("HHI over funders (0-1 scale; 1 = a single funder)")
        a.set_title(name, fontsize=11, loc="left")
    if own:
        fig.suptitle(title)
        finish_figure(fig, "HHI = sum of squared funder shares (count basis: shares of funded activities); dashed "
                           f"line {HIGHLY_CONCENTRATED} = highly concentrated by the 2010 US merger guidelines; grey "
                           "bars: thin groups. Label: top funder, its share, number of funders.")
    return fig


def plot_funder_matrix(matrix, top: int = 25, title: str = "Who funds what where", ax=None):
    """Heatmap of a :func:`~wbcti_analysis.funding.funder_matrix` (funders x groups).

    Shows the ``top`` funders with the largest totals; cells are activities funded (count
    basis) or stated amounts (amount basis). ``ax``: the Axes to draw into (optional).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns

    if matrix is None or matrix.empty or float(matrix.to_numpy().sum()) == 0:
        return _empty(ax, title, "No funder recorded in the selection.")
    m = matrix.head(top)
    m = m.loc[:, (m.sum(axis=0) > 0) | m.columns.isin(WESTERN_BALKANS)]
    is_count = np.allclose(m.to_numpy(), np.round(m.to_numpy()))
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(max(6, 0.6 * m.shape[1] + 4), max(3, 0.32 * len(m) + 1.8)))
    sns.heatmap(m, annot=True, fmt="g" if is_count else ".2g", cmap="Blues", cbar_kws={"label": "activities funded"
                if is_count else "stated amount"}, linewidths=0.5, linecolor="white", ax=ax, annot_kws={"fontsize": 9})
    ax.set_xlabel(str(m.columns.name or "group"))
    ax.set_ylabel("funder (actor id)")
    ax.tick_params(axis="y", labelrotation=0)
    ax.set_title(title)
    if own:
        finish_figure(ax.figure, f"Top {len(m)} of {len(matrix)} funders by total." if len(matrix) > len(m) else "")
    return ax.figure


def plot_withdrawal_ranking(ranking, top: int = 15, title: str = "What falls away if one funder leaves", ax=None):
    """Horizontal bars of a :func:`~wbcti_analysis.funding.rank_funders` table, most systemic on top.

    Shows, per funder, the activities left without any funder, the actors left with no
    funded activity and the actors cut off from the main component of the coordination
    graph. ``ax``: the Axes to draw into (optional).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if ranking is None or ranking.empty:
        return _empty(ax, title, "No funder recorded in the selection.")
    t = ranking.head(top).iloc[::-1]
    y = np.arange(len(t))
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(9, max(3, 0.42 * len(t) + 1.8)))
    h = 0.27
    ax.barh(y + h, t["n_activities_lost"], height=h, color="#0b4f8a", label="activities left with no funder")
    ax.barh(y, t["n_actors_lost"], height=h, color="#e69f00", label="actors left with no funded activity")
    ax.barh(y - h, t["n_cut_off"], height=h, color="#999999", label="actors cut off from the main component")
    ax.set_yticks(y, [f"{r}. {f} ({o})" for r, f, o in zip(t["rank"], t["funder_id"], t["origin"])])
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_xlabel("number of activities / actors")
    ax.set_ylabel("funder withdrawn (rank, origin)")
    ax.set_title(title)
    ax.legend(fontsize=9, loc="lower right")
    if own:
        note = f"Top {len(t)} of {len(ranking)} funders. " if len(ranking) > len(t) else ""
        finish_figure(ax.figure, note + "Each funder withdrawn alone; activities with no recorded funder are assumed "
                                        "to continue.")
    return ax.figure


def plot_cliffs(cliffs, title: str = "When externally funded work ends", ax=None):
    """Heatmap of a :func:`~wbcti_analysis.funding.funding_cliffs` table (groups x end year).

    ``ax``: the Axes to draw into (optional).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    if cliffs is None or cliffs.empty or int(cliffs.get("total", pd.Series(dtype=int)).sum()) == 0:
        return _empty(ax, title, "No externally funded activity in the selection.")
    m = cliffs.drop(columns="total")
    m = m[cliffs["total"] > 0]
    # a continuous year axis (no jump over a year without endings), the undated column set apart at the end
    years = [c for c in m.columns if str(c).isdigit()]
    other = [c for c in m.columns if not str(c).isdigit()]
    if years:
        span = [str(y) for y in range(min(int(y) for y in years), max(int(y) for y in years) + 1)]
        m = m.rename(columns={c: str(c) for c in years}).reindex(columns=span + other, fill_value=0)
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(max(6, 0.55 * m.shape[1] + 3.5), max(2.8, 0.4 * len(m) + 1.8)))
    sns.heatmap(m, annot=True, fmt="d", cmap="Oranges", cbar_kws={"label": "activities ending"}, linewidths=0.5,
                linecolor="white", ax=ax, annot_kws={"fontsize": 9})
    if other and years:
        ax.axvline(len(m.columns) - len(other), color="#333333", linewidth=2)  # separates "no end date"
    ax.set_xticks([i + 0.5 for i in range(m.shape[1])], [str(c) for c in m.columns], rotation=45, ha="right",
                  rotation_mode="anchor")
    ax.set_xlabel("year the stated end date falls in (latest bound)")
    ax.set_ylabel(str(m.index.name or "group"))
    ax.tick_params(axis="y", labelrotation=0)
    ax.set_title(title)
    if own:
        finish_figure(ax.figure, "Activities with at least one external funder; 'no end date' = the source states "
                                 "none.")
    return ax.figure
