"""Moved to :mod:`wbcti_analysis.plots.funding`; kept so existing imports keep working."""
from .plots.funding import (STATUS_COLOURS, plot_cliffs, plot_concentration, plot_dependency,  # noqa: F401
                            plot_funder_matrix, plot_withdrawal_ranking)

__all__ = ["STATUS_COLOURS", "plot_dependency", "plot_concentration", "plot_funder_matrix",
           "plot_withdrawal_ranking", "plot_cliffs"]
