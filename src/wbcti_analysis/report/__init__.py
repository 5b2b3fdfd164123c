"""The pages a reviewer opens, rendered from run manifests (never the other way round).

- :mod:`.pages`: a run's ``index.html`` and the list of runs (jinja2 templates with
  autoescaping, under ``templates/``);
- :mod:`.notebook_html`: an executed notebook as an HTML page (nbconvert's lab template
  extended by ``templates/notebook_page.html.j2``: header with run, parameters, data and
  project; key findings under the title; contents; alt texts; footer with exported files,
  sources, licence and citation);
- :mod:`.about`: the data package's README as a page of the run folder;
- :mod:`.format`: how values are written on the pages (shares as percentages, no None / NaN).

This package does not import :mod:`wbcti_analysis.run`: the runner passes manifest dicts.
"""
from __future__ import annotations

from .format import format_value
from .notebook_html import render_notebook_html
from .pages import render_history, render_index

__all__ = ["render_index", "render_history", "render_notebook_html", "format_value"]
