"""Plots of the prevention vs R&R analysis (:mod:`wbcti_analysis.prevention`).

Every function takes the DataFrame a function of :mod:`wbcti_analysis.prevention`
returns and returns the matplotlib ``Figure``. With ``ax=None`` it makes its own figure,
lays it out and adds the source caption (:func:`wbcti_analysis.plots.style.finish_figure`);
given ``ax=`` it draws into that axes only and leaves layout and caption to the caller.
Empty input gives a plot that says so, never an error. matplotlib and seaborn are
imported inside the functions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .style import add_caption, finish_figure

__all__ = [
    "TIER_COLOURS",
    "plot_tier_effort",
    "plot_gap_index",
    "plot_coverage_heatmap",
    "plot_funding_by_tier",
    "plot_confusion_matrix",
    "plot_suggestions",
]

TIER_COLOURS = {
    "primary": "#029e73",
    "secondary": "#0173b2",
    "tertiary": "#d55e00",
    "ct_law_enforcement": "#949494",
    "uncoded": "#dedede",
}
"""One colour per tier, the same in every plot (seaborn "colorblind" palette entries)."""

_EXTERNAL_NOTE = "External: EU, UN, OSCE, donor states, foundations, or a funder from outside the activity's countries"


def _axes(ax, figsize):
    """Return ``(fig, ax, own)``: a new figure and axes when ``ax`` is None."""
    if ax is not None:
        return ax.figure, ax, False
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax, True


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def _stacked_barh(ax, tab: pd.DataFrame, tiers: list[str], **kwargs) -> None:
    left = np.zeros(len(tab))
    for t in tiers:
        ax.barh(tab.index.astype(str), tab[t], left=left, color=TIER_COLOURS[t], label=t, **kwargs)
        left += tab[t].to_numpy()


def plot_tier_effort(effort: pd.DataFrame, group: str = "country", facet: str | None = "period",
                     rule: str = "fractional", title: str = "Effort by prevention tier", ax=None):
    """Stacked bars of weighted activities by tier, one bar per ``group``, one panel per ``facet``.

    Parameters
    ----------
    effort : DataFrame
        :func:`wbcti_analysis.prevention.tier_effort` with ``group`` (and ``facet``) among
        its ``by`` columns.
    group : str
        Column of the bars.
    facet : str or None
        Column of the panels; None draws one panel.
    rule : str
        Counting rule, named in the axis label: bars are counts of activities under it,
        so thin groups look thin.
    title : str
    ax : matplotlib Axes, optional
        Draw into it (only with one panel: ``facet=None`` or one facet value).

    Returns
    -------
    matplotlib Figure

    Raises
    ------
    ValueError
        If ``ax`` is given and the plot needs several panels.
    """
    import matplotlib.pyplot as plt

    tiers = list(TIER_COLOURS)
    panels = [None] if not facet or effort.empty else list(pd.unique(effort[facet].astype(str)))
    if ax is not None and len(panels) > 1:
        raise ValueError(f"ax: plot_tier_effort draws one panel per {facet} ({len(panels)} here); "
                         "pass facet=None to draw into one axes")
    if ax is None:
        fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels) + 1.5, 4.8), sharey=True,
                                 squeeze=False)
        axes, own = list(axes[0]), True
    else:
        fig, axes, own = ax.figure, [ax], False
    if effort.empty:
        _empty(axes[0], "no activities in scope")
    groups = [] if effort.empty else list(dict.fromkeys(effort[group].astype(str)))
    for a, panel in zip(axes, panels):
        if effort.empty:
            continue
        sub = effort if panel is None else effort[effort[facet].astype(str) == panel]
        tab = (sub.assign(tier=sub["tier"].astype(str), g=sub[group].astype(str))
               .pivot_table(index="g", columns="tier", values="activities", aggfunc="sum")
               .reindex(index=groups[::-1], columns=tiers).fillna(0.0))
        _stacked_barh(a, tab, tiers, edgecolor="white", linewidth=0.5)
        a.set_title(panel if panel is not None else "", fontsize=11)
        a.set_xlabel(f"activities ({rule} tier count)")
    axes[0].set_ylabel(group)
    handles, labels = axes[0].get_legend_handles_labels()
    if not own:
        if handles:
            axes[0].legend(handles, labels, fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5),
                           frameon=False)
        axes[0].set_title(title, loc="left")
        return fig
    if handles:
        fig.legend(handles, labels, loc="upper right", ncol=len(tiers), fontsize=9, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout(rect=(0, 0.05, 1, 0.92))
    add_caption(fig, "An activity counts in each of its countries")
    return fig


def plot_gap_index(gap: pd.DataFrame, title: str = "R&R gap index by country and period", ax=None):
    """Point and bootstrap interval of the gap index per country (rows) and period (colours).

    Parameters
    ----------
    gap : DataFrame
        :func:`wbcti_analysis.prevention.gap_table`. Hollow markers are groups flagged as
        too thin; groups with no prevention-tier activity are left out.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure
    """
    import seaborn as sns

    data = gap[gap["n"] > 0] if not gap.empty else gap
    countries = list(dict.fromkeys(data["country"])) if not data.empty else []
    periods = list(dict.fromkeys(data["period"])) if not data.empty else []
    fig, ax, own = _axes(ax, (8.5, 0.55 * max(len(countries), 3) + 2.2))
    if data.empty:
        _empty(ax, "no prevention-tier activity in scope")
    else:
        colours = dict(zip(periods, sns.color_palette("colorblind", len(periods))))
        step = 0.7 / max(len(periods), 1)
        for k, period in enumerate(periods):
            sub = data[data["period"] == period]
            y = np.array([countries.index(c) for c in sub["country"]]) + (k - (len(periods) - 1) / 2) * step
            err = np.vstack([(sub["gap"] - sub["ci_low"]).clip(lower=0), (sub["ci_high"] - sub["gap"]).clip(lower=0)])
            ax.errorbar(sub["gap"], y, xerr=np.nan_to_num(err), fmt="none", ecolor=colours[period], elinewidth=1.4,
                        capsize=2)
            thin = sub["note"].astype(str).str.startswith("too thin").to_numpy()
            ax.scatter(sub["gap"][~thin], y[~thin], color=colours[period], s=40, zorder=3, label=period)
            ax.scatter(sub["gap"][thin], y[thin], facecolor="white", edgecolor=colours[period], s=40, zorder=3,
                       label=f"{period} (n < 5)" if thin.any() else None)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_yticks(range(len(countries)), countries)
        ax.invert_yaxis()
        ax.set_xlim(-1.08, 1.08)
        ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_xlabel("gap index (-1 = all primary/secondary prevention, +1 = all tertiary R&R)")
    ax.set_ylabel("country")
    ax.set_title(title, loc="left")
    if own:
        finish_figure(fig, "Bars: percentile bootstrap interval resampling activities")
    return fig


def plot_coverage_heatmap(matrix: pd.DataFrame, title: str = "Coverage: activities by country, tier and theme",
                          drop_empty_themes: bool = True, ax=None):
    """Heatmap of :func:`wbcti_analysis.prevention.coverage_matrix`; empty cells are gaps.

    Rows are country x tier, columns themes; numbers are activities. Empty cells are drawn
    in pale red.

    Parameters
    ----------
    matrix : DataFrame
    title : str
    drop_empty_themes : bool
        Leave out themes that no country has (a gap everywhere, said in the caption).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure
    """
    import seaborn as sns

    m = matrix.copy()
    dropped = []
    if drop_empty_themes and not m.empty:
        keep = m.sum(axis=0) > 0
        dropped = [c for c in m.columns if not keep[c]]
        m = m.loc[:, keep]
    if m.empty or m.shape[1] == 0:
        fig, ax, own = _axes(ax, (8, 4))
        _empty(ax, "no activity in the selected countries")
        ax.set_title(title, loc="left")
        ax.set_xlabel("theme")
        ax.set_ylabel("country / tier")
        if own:
            finish_figure(fig)
        return fig
    m.index = [f"{c} / {t}" for c, t in m.index]
    fig, ax, own = _axes(ax, (max(8, 0.42 * m.shape[1] + 3.5), max(4, 0.3 * m.shape[0] + 2.5)))
    zero = m == 0
    sns.heatmap(m, mask=zero, cmap="Blues", annot=True, fmt="d", annot_kws={"fontsize": 7}, cbar_kws={
        "label": "activities", "shrink": 0.6}, linewidths=0.4, linecolor="white", ax=ax, vmin=0)
    sns.heatmap(zero.astype(int), mask=~zero, cmap=["#f6d5cf"], cbar=False, linewidths=0.4, linecolor="white", ax=ax)
    countries = list(dict.fromkeys(c for c, _ in matrix.index))
    per = len(matrix.index) // max(len(countries), 1)
    for k in range(1, len(countries)):
        ax.axhline(k * per, color="#333333", linewidth=1.0)
    ax.set_xlabel("theme")
    ax.set_ylabel("country / tier")
    ax.set_title(title, loc="left")
    ax.tick_params(axis="both", labelsize=8)
    if own:
        note = "Pale red: no activity (a coverage gap)"
        if dropped:
            note += f"; {len(dropped)} themes with no activity anywhere left out"
        finish_figure(fig, note)
    return fig


def plot_funding_by_tier(table: pd.DataFrame, rule: str = "fractional",
                         title: str = "Activities by funding origin and tier", ax=None):
    """Stacked bars of weighted activities per funding origin.

    Parameters
    ----------
    table : DataFrame
        :func:`~wbcti_analysis.prevention.funding_by_tier`.
    rule : str
        Counting rule, named in the axis label.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure
    """
    tiers = list(TIER_COLOURS)
    tab = table.reindex(columns=tiers).fillna(0.0) if not table.empty else table
    fig, ax, own = _axes(ax, (9, 3.8))
    if tab.empty or float(tab.to_numpy().sum()) == 0:
        _empty(ax, "no activities in scope")
    else:
        _stacked_barh(ax, tab.iloc[::-1], tiers, edgecolor="white")
        ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_xlabel(f"activities ({rule} tier count)")
    ax.set_ylabel("funding origin")
    ax.set_title(title, loc="left")
    if own:
        finish_figure(fig, _EXTERNAL_NOTE)
    return fig


def plot_confusion_matrix(confusion: pd.DataFrame, title: str = "Tier classifier: out-of-fold confusion matrix",
                          ax=None):
    """Annotated heatmap of :attr:`ClassifierEvaluation.confusion` (counts of activities).

    Parameters
    ----------
    confusion : DataFrame or None
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure
    """
    import seaborn as sns

    fig, ax, own = _axes(ax, (6, 4.8))
    if confusion is None or confusion.empty:
        _empty(ax, "too thin to cross-validate")
    else:
        sns.heatmap(confusion, annot=True, fmt="d", cmap="Blues", cbar_kws={"label": "activities"}, ax=ax,
                    linewidths=0.5, linecolor="white")
        ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel("predicted tier")
    ax.set_ylabel("coded (true) tier")
    ax.set_title(title, loc="left")
    if own:
        finish_figure(fig, "Stratified k-fold, first listed tier")
    return fig


def plot_suggestions(suggestions: pd.DataFrame, unsure_below: float = 0.5, max_rows: int = 30,
                     title: str = "Suggested tiers for uncoded activities", ax=None):
    """Horizontal bars of the predicted probability of each suggested tier.

    Parameters
    ----------
    suggestions : DataFrame
        :func:`~wbcti_analysis.prevention.suggest_tiers`.
    unsure_below : float
        Marked by a dashed line.
    max_rows : int
        At most this many activities (the least sure first).
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    sub = suggestions.head(max_rows)
    fig, ax, own = _axes(ax, (9, 0.32 * max(len(sub), 4) + 1.8))
    if sub.empty:
        _empty(ax, "no uncoded activities to suggest a tier for")
    else:
        labels = [f"{a}: {t[:45]}" for a, t in zip(sub["activity_id"], sub["title"])]
        colours = [TIER_COLOURS.get(t, "#777777") for t in sub["suggested_tier"]]
        ax.barh(labels[::-1], sub["probability"].to_numpy()[::-1], color=colours[::-1])
        ax.axvline(unsure_below, color="#333333", linestyle="--", linewidth=0.9)
        ax.set_xlim(0, 1)
        present = [t for t in TIER_COLOURS if t in set(sub["suggested_tier"])]
        handles = [plt.Rectangle((0, 0), 1, 1, color=TIER_COLOURS[t]) for t in present]
        ax.legend(handles, present, fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("predicted probability of the suggested tier (0-1)")
    ax.set_ylabel("activity")
    ax.set_title(title, loc="left")
    if own:
        finish_figure(fig, f"Dashed line: below {unsure_below:.2f} the model is unsure")
    return fig
