"""Figures of the coordination-graph analysis (:mod:`wbcti_analysis.graphs`).

Every function accepts ``ax=`` (draws into that Axes and leaves the figure's layout and
caption to the caller) or, with ``ax=None``, makes its own figure with a title, labelled
axes and the source caption (:mod:`wbcti_analysis.plots.style`). Each returns the
matplotlib Figure. matplotlib, seaborn and networkx are imported inside the functions.
"""
from __future__ import annotations

from .style import empty_figure, finish_figure

__all__ = ["SECTOR_COLOURS", "DRAW_MAX_NODES", "draw_network", "plot_mixing_heatmap", "plot_sector_test",
           "plot_period_summary"]

#: Above this many actors :func:`draw_network` draws the top actors and one aggregate per sector for the rest.
DRAW_MAX_NODES = 200
_AGG = "~sector:"  # id prefix of an aggregate node (actor ids start with a letter or digit)

#: One fixed colour per sector (the descriptor's enum), so every figure uses the same ones.
SECTOR_COLOURS = {
    "law_enforcement": "#0b3c8c",
    "justice": "#5b8fd6",
    "social_welfare": "#e69f00",
    "education": "#f0e442",
    "health": "#cc79a7",
    "civil_society": "#009e73",
    "religious": "#8c510a",
    "policy_coordination": "#999999",
    "funding": "#d55e00",
    "research": "#56b4e9",
    "media": "#a6761d",
    "youth_culture": "#b2df8a",
    "private": "#6a3d9a",
    "other": "#dddddd",
}


def _axes(ax, figsize):
    """``(fig, ax, own)``: the given Axes and its figure, or a new figure (``own=True``)."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax, False
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax, True


def _empty(ax, title: str, message: str):
    """The "nothing to plot" figure, or the same message inside a given Axes."""
    if ax is None:
        return empty_figure(title, message)
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)
    return ax.figure


def _layout(G, seed: int) -> dict:
    """Seeded spring layout, component by component: the largest component fills the
    square [-1, 1]^2, the smaller ones sit in rows below it (so that a few pairs far
    apart do not squeeze the main component into a dot). Ties are unweighted here so
    that heavy hubs do not collapse the picture."""
    import networkx as nx
    import numpy as np

    from ..graphs.core import canonical

    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    pos = {}
    if len(comps[0]) == 1:
        pos[comps[0][0]] = np.array([0.0, 0.0])
    else:
        main = canonical(G.subgraph(comps[0]))
        p = nx.spring_layout(main, seed=seed, weight=None, k=1.5 / np.sqrt(len(comps[0])), iterations=200)
        arr = np.array([p[n] for n in comps[0]])
        arr = arr - arr.mean(axis=0)
        arr = arr / max(np.abs(arr).max(), 1e-9)
        pos.update(dict(zip(comps[0], arr)))
    rest = comps[1:]
    per_row = max(1, int(np.ceil(np.sqrt(len(rest) * 2)))) if rest else 1
    for i, comp in enumerate(rest):
        row, col = divmod(i, per_row)
        centre = np.array([-1.0 + (col + 0.5) * 2.0 / per_row, -1.35 - 0.3 * row])
        radius = 0.06 * np.sqrt(len(comp))
        if len(comp) == 1:
            pos[comp[0]] = centre
            continue
        p = nx.spring_layout(canonical(G.subgraph(comp)), seed=seed, weight=None)
        arr = np.array([p[n] for n in comp])
        arr = arr - arr.mean(axis=0)
        arr = arr / max(np.abs(arr).max(), 1e-9) * radius
        pos.update({n: centre + a for n, a in zip(comp, arr)})
    return pos


def _place_labels(fig, ax, items) -> None:
    """Annotate points with boxed labels, trying offsets around each point until the
    label's box overlaps no label placed before it (greedy, deterministic)."""
    renderer = fig.canvas.get_renderer()
    offsets = [(d * cx, d * cy) for d in (10, 28, 46) for cx, cy in
               ((1, 1), (1, -1), (-1, 1), (-1, -1), (0, 1.2), (0, -1.4), (1.3, 0), (-1.3, 0))]
    placed = []
    for text, (x, y) in items:
        ann = None
        for dx, dy in offsets:
            if ann is not None:
                ann.remove()
            ann = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=9,
                              ha="left" if dx > 0 else "right" if dx < 0 else "center",
                              va="bottom" if dy > 0 else "top",
                              bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#999999", "lw": 0.5,
                                    "alpha": 0.9},
                              arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.6}, zorder=5)
            box = ann.get_window_extent(renderer).expanded(1.12, 1.5)
            if not any(box.overlaps(b) for b in placed):
                break
        placed.append(ann.get_window_extent(renderer).expanded(1.12, 1.5))


def _aggregate(G, values, max_nodes: int):
    """Return ``(H, kept, hidden)``: the top actors of ``G`` by ``values`` and one node per sector for the rest.

    ``kept`` are the ``max_nodes - sectors`` actors with the highest values (then degree,
    then id); every other actor is merged into one node of its sector,
    with ``actors`` = how many it holds (its id: ``_AGG + sector``, which no actor id can be). A tie between a kept actor and a hidden one
    becomes a tie to the hidden one's sector node, ties between hidden actors of two
    sectors a tie between the two sector nodes; ``count`` sums the merged ties' counts
    (ties inside one sector node are dropped). ``hidden`` maps sector -> actors merged.
    """
    import networkx as nx

    deg = dict(G.degree())
    order = sorted(G, key=lambda n: (-float(values.get(n, 0.0)), -deg[n], str(n)))
    sectors_all = sorted({G.nodes[n].get("sector", "other") for n in G})
    n_keep = max(0, max_nodes - len(sectors_all))
    kept = set(order[:n_keep])
    hidden: dict = {}
    for n in order[n_keep:]:
        hidden.setdefault(G.nodes[n].get("sector", "other"), []).append(n)
    H = nx.Graph()
    for n in sorted(kept):
        H.add_node(n, **G.nodes[n])
    for s, members in sorted(hidden.items()):
        H.add_node(_AGG + s, sector=s, label=f"{len(members)} other {s.replace('_', ' ')}", actors=len(members))

    def node(n):
        return n if n in kept else _AGG + G.nodes[n].get("sector", "other")

    for u, v, d in G.edges(data=True):
        a, b = node(u), node(v)
        if a == b:
            continue
        c = float(d.get("count", 1))
        if H.has_edge(a, b):
            H[a][b]["count"] += c
        else:
            H.add_edge(a, b, count=c)
    return H, kept, hidden


def draw_network(G, metrics=None, size_by: str = "betweenness", top_n: int = 10, seed: int = 42,
                 title: str = "Coordination graph", figsize=(11, 9), ax=None, max_nodes: int | None = DRAW_MAX_NODES):
    """Draw an actor graph: nodes coloured by sector, sized by a centrality, top actors labelled.

    Parameters
    ----------
    G : networkx.Graph
        An actor graph from :func:`wbcti_analysis.graphs.build_graphs`.
    metrics : DataFrame, optional
        From :func:`wbcti_analysis.graphs.actor_metrics`; computed if not given.
    size_by : str
        Metrics column giving node size (default ``betweenness``); it also picks the
        ``top_n`` labelled actors.
    seed : int
        Seed of ``networkx.spring_layout`` (the same seed gives the same picture).
    ax : matplotlib Axes, optional
        Draw into it (no caption added); None makes a new figure of ``figsize``.
    max_nodes : int or None, default :data:`DRAW_MAX_NODES` (200)
        Above this many actors the figure aggregates: the top actors by ``size_by``
        (then degree) are drawn as themselves, every other actor is merged into one
        square per sector (its size: the actors it holds; its ties: theirs, summed), and
        the caption says so. A spring layout of thousands of nodes takes minutes and
        shows a hairball. ``None`` always draws every actor. At or below ``max_nodes``
        the figure is the same as without aggregation.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        ``size_by`` is not a column of the metrics table, or ``max_nodes`` is below 20.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.relabel_nodes(nx.star_graph(40), str)
    >>> nx.set_node_attributes(G, "civil_society", "sector")
    >>> fig = draw_network(G, seed=1, max_nodes=20)
    >>> "the other 22 actors are drawn as 1 square(s)" in fig.texts[-1].get_text()
    True
    """
    import networkx as nx
    import numpy as np
    from matplotlib.lines import Line2D

    from ..graphs.core import canonical
    from ..graphs.metrics import actor_metrics

    if G.number_of_nodes() == 0:
        return _empty(ax, title, "No actors in this selection: nothing to draw.")
    if metrics is None:
        metrics = actor_metrics(G, seed=seed)
    if size_by not in metrics.columns:
        raise ValueError(f"size_by must be a column of the metrics table, got {size_by!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 20):
        raise ValueError(f"max_nodes must be an int of at least 20 or None, got {max_nodes!r}")
    val = metrics.set_index("actor_id")[size_by].astype(float).fillna(0.0)
    span = val.max() - val.min()
    scaled = (val - val.min()) / span if span > 0 else val * 0
    sizes = {n: 40 + 900 * float(scaled.get(n, 0.0)) for n in G}
    n_actors, hidden = G.number_of_nodes(), {}
    if max_nodes is not None and n_actors > max_nodes:
        G, _, hidden = _aggregate(G, val, max_nodes)
        most = max((len(m) for m in hidden.values()), default=1)
        sizes.update({_AGG + s: 300 + 1500 * np.sqrt(len(m) / most) for s, m in hidden.items()})
    G = canonical(G)
    pos = _layout(G, seed)
    nodes = sorted(G)
    fig, ax, own = _axes(ax, figsize)
    widths = [0.4 + 0.6 * np.log1p(float(d.get("count", 1))) for _, _, d in G.edges(data=True)]
    nx.draw_networkx_edges(G, pos, ax=ax, width=widths, alpha=0.25, edge_color="#555555")
    colours = [SECTOR_COLOURS.get(G.nodes[n].get("sector", "other"), "#dddddd") for n in nodes]
    shape = ["s" if n.startswith(_AGG) else "o" for n in map(str, nodes)]
    for marker in sorted(set(shape)):
        sel = [n for n, m in zip(nodes, shape) if m == marker]
        nx.draw_networkx_nodes(G, pos, nodelist=sel, node_size=[sizes[n] for n in sel], node_shape=marker,
                               node_color=[c for c, m in zip(colours, shape) if m == marker],
                               edgecolors="white" if marker == "o" else "#333333", linewidths=0.8, ax=ax)
    top = (metrics.sort_values([size_by, "degree", "actor_id"], ascending=[False, False, True])
           .head(max(int(top_n), 0))["actor_id"].tolist())
    for n in nodes:
        if str(n).startswith(_AGG):
            ax.text(*pos[n], str(G.nodes[n]["actors"]), ha="center", va="center", fontsize=7, zorder=4)
    top = [n for n in top if n in pos]
    _place_labels(fig, ax, [(G.nodes[n].get("label", n), pos[n]) for n in top])
    present = sorted({G.nodes[n].get("sector", "other") for n in nodes})
    handles = [Line2D([0], [0], marker="o", linestyle="", markersize=8, markerfacecolor=SECTOR_COLOURS.get(s, "#ddd"),
                      markeredgecolor="white", label=s.replace("_", " ")) for s in present]
    ax.legend(handles=handles, title="Sector", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title)
    ax.set_xlabel("spring layout (no units)")
    ax.set_axis_off()
    if own:
        n_small = nx.number_connected_components(G) - 1
        n_hidden = sum(len(m) for m in hidden.values())
        finish_figure(fig, f"Node size: {size_by.replace('_', ' ')}; labels: top {len(top)} actors by it; "
                           f"edge width: shared activities + stated relations (log); spring layout, seed {seed}"
                           + (f"; the {n_small} smaller component(s) sit below the largest" if n_small else "")
                           + (f". {n_actors} actors, more than {max_nodes}: the top {n_actors - n_hidden} by "
                              f"{size_by.replace('_', ' ')} are drawn, the other {n_hidden} actors are drawn as "
                              f"{len(hidden)} square(s), one per sector, sized by (and marked with) the actors "
                              f"they hold, their ties summed." if hidden else "."))
    return fig


def plot_mixing_heatmap(matrix, title: str = "Ties between sectors", value_label: str = "ties (count)", ax=None):
    """Heatmap of a mixing matrix from :func:`wbcti_analysis.graphs.mixing_matrix`.

    Cells are ties between the row group and the column group (the diagonal: ties inside a
    group). ``ax``: draw into it (no caption); None makes a new figure. Returns the Figure.
    """
    import seaborn as sns

    if matrix is None or matrix.size == 0 or float(matrix.to_numpy().sum()) == 0:
        return _empty(ax, title, "No ties in this selection: no mixing matrix.")
    labels = [str(c).replace("_", " ") for c in matrix.columns]
    n = len(labels)
    fig, ax, own = _axes(ax, (1.0 + 0.75 * n + 2, 0.6 * n + 2.5))
    fmt = "d" if str(matrix.dtypes.iloc[0]).startswith("int") else ".1f"
    sns.heatmap(matrix, annot=True, fmt=fmt, cmap="Blues", cbar_kws={"label": value_label}, ax=ax,
                xticklabels=labels, yticklabels=labels, linewidths=0.5, linecolor="white")
    name = matrix.index.name or "group"
    ax.set_xlabel(f"{name} of one end")
    ax.set_ylabel(f"{name} of the other end")
    ax.set_title(title)
    if own:
        finish_figure(fig, "Off-diagonal cells show each cross-group tie in both [row, column] and [column, row].")
    return fig


def plot_sector_test(result, title: str | None = None, ax=None):
    """Observed ties of the tested sector against the degree-preserving null, per sector.

    ``result`` is a :func:`wbcti_analysis.graphs.sector_tie_test` table: each row shows the
    null's 2.5-97.5 % interval (bar), its mean (tick) and the observed count (dot).
    ``ax``: draw into it (no caption); None makes a new figure. Returns the Figure.
    """
    sector = result.attrs.get("sector", "the sector")
    title = title or f"Ties of {sector.replace('_', ' ')} to other sectors: observed vs random rewiring"
    if result.attrs.get("thin", False) or len(result) == 0:
        return _empty(ax, title, result.attrs.get("message", "Too thin to decide."))
    df = result.iloc[::-1].reset_index(drop=True)
    fig, ax, own = _axes(ax, (9, 0.55 * len(df) + 2))
    y = range(len(df))
    ax.hlines(y, df["null_low"], df["null_high"], color="#bbbbbb", linewidth=8, label="random rewiring, 95 % range")
    ax.plot(df["expected_ties"], y, "|", color="#555555", markersize=14, label="random rewiring, mean")
    kinds = {"fewer than chance": ("#d55e00", "observed: fewer than chance"),
             "more than chance": ("#009e73", "observed: more than chance")}
    other = ("#0b3c8c", "observed: consistent with chance or too thin")
    verdicts = [kinds.get(str(v), other) for v in df["verdict"]]
    for colour, label in dict.fromkeys(verdicts):  # one legend entry per colour actually drawn
        idx = [i for i, vc in enumerate(verdicts) if vc == (colour, label)]
        ax.scatter(df["observed_ties"].iloc[idx], idx, color=colour, zorder=3, s=50, label=label)
    ax.set_yticks(list(y))
    ax.set_yticklabels([str(s).replace("_", " ") for s in df["other_sector"]])
    ax.set_xlabel(f"ties with {sector.replace('_', ' ')} actors (count)")
    ax.set_ylabel("other sector")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    if own:
        a = result.attrs
        finish_figure(fig, f"{a.get('n_draws', '')} degree-preserving rewirings (seed {a.get('seed', '')}); "
                           "verdicts at mid-p < alpha.")
    return fig


def plot_period_summary(summary, columns=("density", "share_in_largest_component", "ei_law_enforcement"),
                        title: str = "How the graph changes between periods", ax=None):
    """Small multiples of graph-level figures per period (``compare_periods(...)["summary"]``).

    ``ax``: a sequence of Axes, one per column present (no caption, no suptitle); None
    makes a new figure. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    cols = [c for c in columns if c in summary.columns]
    if len(summary) == 0 or not cols:
        return _empty(None if ax is None else list(ax)[0], title, "No period to compare.")
    if ax is None:
        fig, axes = plt.subplots(1, len(cols), figsize=(3.6 * len(cols), 3.6), squeeze=False)
        axes, own = list(axes[0]), True
    else:
        axes, own = list(ax), False
        if len(axes) < len(cols):
            raise ValueError(f"ax: give one Axes per column ({len(cols)}), got {len(axes)}")
        fig = axes[0].figure
    units = {"density": "share of possible ties (0-1)", "share_in_largest_component": "share of actors (0-1)",
             "actors": "actors (count)", "ties": "ties (count)"}
    for a, c in zip(axes, cols):
        vals = summary[c].astype(float)
        a.bar([str(i) for i in summary.index], vals.fillna(0), color="#0b3c8c")
        integer = c in ("actors", "ties", "components", "isolates", "largest_component") or c.endswith("_actors")
        for i, v in enumerate(vals):
            text = "n/a" if v != v else (f"{v:.0f}" if integer else f"{v:.2f}")
            a.text(i, 0 if v != v else v, text, ha="center", va="bottom" if (v != v or v >= 0) else "top",
                   fontsize=9)
        name = f"E-I index, {c[3:].replace('_', ' ')}" if c.startswith("ei_") else c.replace("_", " ")
        a.set_title(name, fontsize=10)
        a.set_xlabel("period")
        a.set_ylabel(units.get(c, "E-I index (-1 .. +1)" if c.startswith("ei_") else c.replace("_", " ")))
        if c.startswith("ei_"):
            a.set_ylim(-1.05, 1.05)
            a.axhline(0, color="#555555", linewidth=0.8)
    if own:
        fig.suptitle(title, fontweight="bold")
        finish_figure(fig, "Activities are placed in every period their dates overlap; undated ones are left out.")
    return fig

