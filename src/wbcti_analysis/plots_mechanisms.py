"""Moved to :mod:`wbcti_analysis.plots.mechanisms`; kept so existing imports keep working."""
from .plots.mechanisms import (STATE_COLOURS, plot_dendrogram, plot_indicator_matrix,  # noqa: F401
                               plot_lineage, plot_sector_coverage, plot_timeline)

__all__ = [
    "STATE_COLOURS",
    "plot_indicator_matrix",
    "plot_dendrogram",
    "plot_sector_coverage",
    "plot_lineage",
    "plot_timeline",
]
