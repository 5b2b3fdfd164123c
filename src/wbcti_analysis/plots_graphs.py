"""Moved to :mod:`wbcti_analysis.plots.graphs`; kept so existing imports keep working."""
from .plots.graphs import (  # noqa: F401
    SECTOR_COLOURS,
    _layout,
    _place_labels,
    draw_network,
    plot_mixing_heatmap,
    plot_period_summary,
    plot_sector_test,
)

__all__ = ["SECTOR_COLOURS", "draw_network", "plot_mixing_heatmap", "plot_sector_test", "plot_period_summary"]
