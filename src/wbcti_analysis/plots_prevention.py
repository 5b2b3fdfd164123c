"""Moved to :mod:`wbcti_analysis.plots.prevention`; kept so existing imports keep working."""
from .plots.prevention import (TIER_COLOURS, plot_confusion_matrix, plot_coverage_heatmap,  # noqa: F401
                               plot_funding_by_tier, plot_gap_index, plot_suggestions, plot_tier_effort)

__all__ = [
    "TIER_COLOURS",
    "plot_tier_effort",
    "plot_gap_index",
    "plot_coverage_heatmap",
    "plot_funding_by_tier",
    "plot_confusion_matrix",
    "plot_suggestions",
]
