"""Plots for the referral-mechanisms comparison (see :mod:`wbcti_analysis.mechanisms`).

Every function draws one axes and returns its matplotlib Figure, with a title, labelled
axes (units where there are any) and, on a figure of its own, the source caption. Pass
``ax=`` to draw into an axes of your own figure: the function then leaves the figure's
size, layout and caption to you. An empty input draws a message that there is nothing
to plot, so a notebook on thin data does not fail. matplotlib, networkx and scipy are
imported inside the functions.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .style import empty_figure, finish_figure

__all__ = [
    "MAX_MECHANISMS",
    "STATE_COLOURS",
    "plot_indicator_matrix",
    "plot_dendrogram",
    "plot_sector_coverage",
    "plot_lineage",
    "plot_timeline",
]

#: Colours of the states of a stated fact (present / absent / disputed / unknown).
STATE_COLOURS = {"present": "#1b7837", "stated absent": "#d6604d", "disputed": "#f4a582",
                 "not stated": "#e8e8e8"}


def _axes(ax, figsize: tuple[float, float]):
    """Return ``(figure, axes, own)``: a new figure of ``figsize`` when ``ax`` is None."""
    if ax is not None:
        return ax.figure, ax, False
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax, True


def _finish(fig, own: bool, note: str):
    if own:
        finish_figure(fig, note)
    return fig


def _empty(ax, title: str, message: str):
    """The "nothing to plot" figure, or the same message drawn into ``ax``."""
    if ax is None:
        return empty_figure(title, message)
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)
    return ax.figure


MAX_MECHANISMS = 40
"""Default ``max_mechanisms`` of the two state heatmaps: above it only the most stated are drawn."""


def _most_stated(codes: np.ndarray, names: list[str], unknown: int, axis: int, limit: int | None):
    """Keep the ``limit`` mechanisms (along ``axis``) with the most known cells, in their order.

    Returns ``(codes, names, note)``; ``note`` says how many were left out ("" if none). Ties
    keep the earlier mechanism (stable order).
    """
    n = codes.shape[axis]
    if limit is None or n <= limit:
        return codes, names, ""
    if limit < 1:
        raise ValueError(f"max_mechanisms must be a positive number of mechanisms or None, got {limit!r}")
    known = (codes != unknown).sum(axis=1 - axis)
    keep = np.sort(np.argsort(-known, kind="stable")[:limit])
    codes = codes[:, keep] if axis == 1 else codes[keep, :]
    note = (f" Drawn: the {limit} of {n} mechanisms with the most stated cells"
            f" (max_mechanisms={limit}); the table holds all {n}.")
    return codes, [names[i] for i in keep], note


def _state_heatmap(codes: np.ndarray, rows: list[str], cols: list[str], states: list[str], title: str,
                   xlabel: str, ylabel: str, note: str, ax=None):
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    n_r, n_c = codes.shape
    row_chars = max((len(r) for r in rows), default=0)
    col_chars = max((len(c) for c in cols), default=0)
    width = max(6.0, 0.38 * n_c + 0.075 * row_chars + 3.2)
    height = max(3.0, 0.3 * n_r + 0.07 * col_chars + 2.0)
    fig, ax, own = _axes(ax, (width, height))
    cmap = ListedColormap([STATE_COLOURS[s] for s in states])
    ax.imshow(codes, cmap=cmap, vmin=-0.5, vmax=len(states) - 0.5, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(n_c))
    ax.set_xticklabels(cols, rotation=60, ha="right", rotation_mode="anchor", fontsize=9)
    ax.set_yticks(range(n_r))
    ax.set_yticklabels(rows, fontsize=9)
    ax.set_xticks(np.arange(-0.5, n_c, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_r, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(handles=[Patch(color=STATE_COLOURS[s], label=s) for s in states], loc="upper left",
              bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    return _finish(fig, own, note)


def plot_indicator_matrix(indicator: pd.DataFrame, title: str = "Mechanism features as stated by the sources",
                          ax=None, max_mechanisms: int | None = MAX_MECHANISMS):
    """Heatmap of :func:`~wbcti_analysis.mechanisms.indicator_matrix`: present / absent / unknown.

    Year columns are left out (see the timeline). Unknown (no row, or disputed) is grey,
    never drawn as absent.

    Parameters
    ----------
    indicator : DataFrame
        Mechanisms x ``(feature, value)``, dtype boolean.
    title : str
    ax : matplotlib Axes, optional
        Draw into it; None makes a figure sized to the matrix.
    max_mechanisms : int or None, default 40
        Above this many mechanisms only the ones with the most stated cells are drawn (in
        their order) and the caption says how many were left out; the figure otherwise grows
        with the matrix (a 228-mechanism package gave a 94-inch figure and 7 s of PNG
        writing). None draws every mechanism.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from wbcti_analysis.mechanisms import example_dataset, indicator_matrix
    >>> fig, (left, right) = plt.subplots(1, 2)
    >>> plot_indicator_matrix(indicator_matrix(example_dataset()), ax=right) is fig
    True
    >>> plt.close(fig)
    """
    cols = [c for c in indicator.columns if c[0] != "year_established"]
    if indicator.empty or not cols:
        return _empty(ax, title, "No stated features to show.")
    block = indicator.loc[:, cols].T  # features as rows, mechanisms as columns
    codes = np.where(block.eq(True).fillna(False), 0, np.where(block.eq(False).fillna(False), 1, 2))
    labels = [f"{f}: {v}" if len(f"{f}: {v}") <= 60 else f"{f}: {v}"[:57] + "..." for f, v in cols]
    codes, mechanisms, left_out = _most_stated(codes, list(block.columns), 2, 1, max_mechanisms)
    return _state_heatmap(codes, labels, mechanisms,
                          ["present", "stated absent", "not stated"], title, "mechanism (id)",
                          "feature: value (mechanism_features, member bodies, activity rows)",
                          "Grey = unknown: the sources say nothing (or contradict each other); it is not 'absent'."
                          + left_out, ax=ax)


def plot_sector_coverage(coverage: pd.DataFrame, title: str = "Recommended sectors in each mechanism", ax=None,
                         max_mechanisms: int | None = MAX_MECHANISMS):
    """Heatmap of :func:`~wbcti_analysis.mechanisms.sector_coverage` (mechanism x sector, four states).

    Parameters
    ----------
    coverage : DataFrame
        Mechanisms x sectors, values of :data:`~wbcti_analysis.mechanisms.COVERAGE_STATES`.
    title : str
    ax : matplotlib Axes, optional
    max_mechanisms : int or None, default 40
        Above this many mechanisms only the ones with the most stated sectors are drawn
        (caption says so); None draws all.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from wbcti_analysis.mechanisms import example_dataset, sector_coverage
    >>> fig, (left, right) = plt.subplots(1, 2)
    >>> plot_sector_coverage(sector_coverage(example_dataset()), ax=right) is fig
    True
    >>> plt.close(fig)
    """
    if coverage.empty:
        return _empty(ax, title, "No mechanisms to show.")
    states = ["present", "stated absent", "disputed", "not stated"]
    rank = {s: i for i, s in enumerate(states)}
    codes = coverage.apply(lambda col: col.map(rank)).to_numpy(dtype=int)
    codes, mechanisms, left_out = _most_stated(codes, list(coverage.index), rank["not stated"], 0, max_mechanisms)
    return _state_heatmap(codes, mechanisms, list(coverage.columns), states, title,
                          "recommended sector (RAN paper, Kosovo model for R&R, local level)", "mechanism (id)",
                          "Members: member_sector features and the sectors of member bodies (participations)."
                          + left_out, ax=ax)


def plot_dendrogram(clustering, title: str | None = None, names: dict | None = None, ax=None):
    """Dendrogram of a :class:`~wbcti_analysis.mechanisms.Clustering` (average linkage), cut line drawn.

    Parameters
    ----------
    clustering : Clustering
    title : str, optional
    names : dict, optional
        Maps ids to labels (ids if None).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from wbcti_analysis.mechanisms import example_dataset, cluster_mechanisms, mechanism_distances
    >>> fig, (left, right) = plt.subplots(1, 2)
    >>> plot_dendrogram(cluster_mechanisms(mechanism_distances(example_dataset())), ax=right) is fig
    True
    >>> plt.close(fig)
    """
    from scipy.cluster.hierarchy import dendrogram

    title = title or "Similarity of mechanisms (average linkage)"
    if clustering.linkage is None:
        return _empty(ax, title, "Too thin to cluster: fewer than two mechanisms with comparable evidence.")
    labels = [names.get(i, i) if names else i for i in clustering.labels]
    fig, ax, own = _axes(ax, (9, max(3.0, 0.45 * len(labels) + 1.8)))
    with warnings.catch_warnings():  # all-zero distances: scipy sets identical x limits, reset below
        warnings.simplefilter("ignore", UserWarning)
        dendrogram(clustering.linkage, labels=labels, orientation="right", ax=ax,
                   color_threshold=clustering.threshold, above_threshold_color="#777777")
    ax.axvline(clustering.threshold, color="#b2182b", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1.05)
    ax.set_title(title)
    ax.set_xlabel("distance (0 = same on every feature both state, 1 = nothing in common)")
    ax.set_ylabel("mechanism")
    ax.grid(axis="y", visible=False)
    note = f"Dashed line: cut at {clustering.threshold:g}. Unknown features are skipped pairwise."
    if clustering.excluded:
        note += f" Left out (nothing comparable): {', '.join(clustering.excluded)}."
    return _finish(fig, own, note)


def _layers(graph) -> dict:
    """Deterministic layered positions: x = generation (models left), y = rank by id."""
    import networkx as nx

    if nx.is_directed_acyclic_graph(graph):
        gen = {}
        for node in nx.topological_sort(graph):
            preds = list(graph.predecessors(node))
            gen[node] = 1 + max(gen[p] for p in preds) if preds else 0
    else:
        gen = {n: 0 for n in graph}
    pos = {}
    for g in sorted(set(gen.values())):
        members = sorted(n for n in graph if gen[n] == g)
        for k, n in enumerate(members):
            pos[n] = (g, -k)
    return pos


def plot_lineage(graph, title: str = "Lineage: which mechanism was modelled on which", ax=None):
    """Draw :func:`~wbcti_analysis.mechanisms.lineage_graph` left (model) to right (follower).

    Mechanisms with no stated lineage are listed in the footnote rather than drawn.

    Parameters
    ----------
    graph : networkx.DiGraph
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from wbcti_analysis.mechanisms import example_dataset, lineage_graph
    >>> fig, (left, right) = plt.subplots(1, 2)
    >>> plot_lineage(lineage_graph(example_dataset()), ax=right) is fig
    True
    >>> plt.close(fig)
    """
    import networkx as nx

    linked = sorted(n for n in graph if graph.degree(n) > 0)
    if not linked:
        return _empty(ax, title, "No 'modelled_on' statements in the data.")
    sub = graph.subgraph(linked)
    pos = _layers(sub)
    fig, ax, own = _axes(ax, (9, max(3.5, 0.8 * max(-y for _, y in pos.values()) + 3.0)))
    colours = ["#2166ac" if sub.nodes[n].get("reference_model") else
               ("#bbbbbb" if not sub.nodes[n].get("in_data") else "#92c5de") for n in sub]
    nx.draw_networkx_nodes(sub, pos, ax=ax, node_color=colours, node_size=600)
    nx.draw_networkx_edges(sub, pos, ax=ax, arrows=True, arrowsize=16, node_size=600, edge_color="#444444")
    nx.draw_networkx_labels(sub, {n: (x, y - 0.28) for n, (x, y) in pos.items()}, ax=ax, font_size=8)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.5)
    ax.set_xticks(sorted(set(xs)))
    ax.set_xticklabels([f"generation {x}" for x in sorted(set(xs))])
    ax.set_yticks([])
    ax.tick_params(axis="x", which="both", bottom=True, labelbottom=True)  # networkx hides them
    ax.set_title(title)
    ax.set_xlabel("generation (0 = a model other mechanisms follow; arrow: model -> follower)")
    ax.set_ylabel("mechanisms (ordered by id)")
    ax.grid(False)
    alone = sorted(n for n in graph if graph.degree(n) == 0)
    note = "Dark blue: reference model; light blue: Western Balkan mechanism; grey: model not in the data."
    if alone:
        note += f"\nNo stated lineage: {', '.join(alone)}."
    return _finish(fig, own, note)


def plot_timeline(timeline: pd.DataFrame, title: str = "Mechanisms set up per country", ax=None):
    """Timeline of :func:`~wbcti_analysis.mechanisms.establishment_timeline` (year x country).

    A disputed year is drawn as a bar from the earliest to the latest stated year with a
    marker at each stated end; mechanisms with no known year are listed in the footnote.

    Parameters
    ----------
    timeline : DataFrame
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from wbcti_analysis.mechanisms import example_dataset, establishment_timeline
    >>> fig, (left, right) = plt.subplots(1, 2)
    >>> plot_timeline(establishment_timeline(example_dataset()), ax=right) is fig
    True
    >>> plt.close(fig)
    """
    known = timeline[timeline["year_min"].notna()]
    if known.empty:
        return _empty(ax, title, "No year of set-up stated for the selected mechanisms.")
    known = known.assign(country=known["country"].fillna("(no country)"))
    known = known.sort_values(["country", "year_min", "mechanism_id"], kind="stable")
    countries = sorted(known["country"].unique())
    # one row per mechanism, grouped by country (top to bottom), a gap between countries
    rows, centres, y = [], {}, 0.0
    for c in countries:
        ms = known[known["country"] == c]
        ys = [y - 0.5 * k for k in range(len(ms))]
        rows += list(zip(ms.itertuples(index=False), ys))
        centres[c] = sum(ys) / len(ys)
        y = ys[-1] - 1.0
    fig, ax, own = _axes(ax, (9, max(3.0, 0.3 * len(rows) + 0.3 * len(countries) + 1.8)))
    for r, yy in rows:
        lo, hi = int(r.year_min), int(r.year_max)
        colour = "#2166ac" if r.reference_model else "#1b7837"
        if r.disputed:
            ax.plot([lo, hi], [yy, yy], color="#d6604d", linewidth=3, alpha=0.6, solid_capstyle="butt")
            ax.plot([lo, hi], [yy, yy], "o", color="#d6604d", markersize=7)
        else:
            ax.plot([lo], [yy], "o", color=colour, markersize=7)
        label = r.mechanism_id + (" (disputed)" if r.disputed else "")
        ax.annotate(label, (hi, yy), xytext=(6, 0), textcoords="offset points", va="center", fontsize=9)
    for c in countries[1:]:
        top = max(yy for r, yy in rows if r.country == c)
        ax.axhline(top + 0.5, color="#bbbbbb", linewidth=0.8)
    years = list(known["year_min"].astype(int)) + list(known["year_max"].astype(int))
    ax.set_xlim(min(years) - 1, max(years) + 3)
    ax.set_ylim(min(yy for _, yy in rows) - 0.5, 0.5)
    ax.set_yticks([centres[c] for c in countries])
    ax.set_yticklabels(countries)
    ax.grid(axis="y", visible=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title)
    ax.set_xlabel("year set up (calendar year)")
    ax.set_ylabel("country (ISO code)")
    unknown = sorted(timeline.loc[timeline["year_min"].isna(), "mechanism_id"])
    note = "Red bar with two markers: the sources give different years (both shown)."
    if unknown:
        note += f"\nNo year stated: {', '.join(unknown)}."
    return _finish(fig, own, note)
