"""The pages a reviewer opens, rendered from run manifests (never the other way round).

- :mod:`.pages`: a run's ``index.html`` and the list of runs (jinja2 templates with
  autoescaping, under ``templates/``);
- :mod:`.notebook_html`: an executed notebook as an HTML page (nbconvert);
- :mod:`.format`: how values are written on the pages.

This package does not import :mod:`wbcti_analysis.run`: the runner passes manifest dicts.
"""
from __future__ import annotations

from .format import format_value
from .notebook_html import render_notebook_html
from .pages import render_history, render_index

__all__ = ["render_index", "render_history", "render_notebook_html", "format_value"]
