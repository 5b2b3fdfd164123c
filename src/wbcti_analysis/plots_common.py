"""Moved to :mod:`wbcti_analysis.plots.style`; kept so existing imports keep working."""
from .plots.style import add_caption, empty_figure, finish_figure  # noqa: F401

__all__ = ["add_caption", "finish_figure", "empty_figure"]
