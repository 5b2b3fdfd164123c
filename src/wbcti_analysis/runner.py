"""Run the notebook collection through papermill into a run folder a reviewer can read.

The code lives in :mod:`wbcti_analysis.run` (plan, execute, manifest, compare); this
module keeps the names the README, the docs and the tests import from here.

A run goes in two steps:

1. :func:`plan_run` resolves the chosen notebooks and the parameters (``-p`` values, a
   params file, ``--data``) and checks them against each notebook's declaration
   (:mod:`wbcti_analysis.params`): names, types, allowed values, ranges, cross-field
   rules, codes and ids the data package must have. Any problem raises
   :class:`RunRefused` listing every one before anything runs or is written.
2. :func:`execute` runs each notebook with papermill into ``OUTPUT/<run-id>/``: per
   notebook the executed ``.ipynb``, an HTML page, its headline figures and exported
   files; then ``manifest.json``, ``index.html`` and the list of runs ``OUTPUT/index.html``.
   ``OUTPUT/latest`` moves only for a complete scheduled run (the whole collection, no
   ``-p``); a run is compared value by value only with an earlier run of the same
   notebooks, parameters and data (:mod:`wbcti_analysis.run.compare`).

Examples
--------
>>> from wbcti_analysis.runner import plan_run, RunRefused
>>> try:
...     plan_run(["01"], [("weighting", "bogus")])
... except RunRefused as exc:
...     print(exc.problems[0])
01-coordination-graph: weighting: unknown value 'bogus'; allowed: count, newman
"""
from __future__ import annotations

from .params import Param as Parameter
from .run.engine import HEADLINES_SUFFIX, KERNEL_NAME, execute, run
from .run.manifest import LATEST, LATEST_TXT, RECORDED_PACKAGES, point_latest, read_manifest, resolve_latest
from .run.plan import (EXIT_FAILED, EXIT_OK, EXIT_REFUSED, RUNNER_PARAMETERS, Notebook, RunPlan, RunRefused,
                       default_notebooks_dir, discover, parse_cli_value, plan_run, read_params_file, select)

_point_latest = point_latest  # the name earlier versions used

__all__ = [
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_REFUSED",
    "KERNEL_NAME",
    "Parameter",
    "Notebook",
    "RunPlan",
    "RunRefused",
    "default_notebooks_dir",
    "discover",
    "select",
    "parse_cli_value",
    "read_params_file",
    "plan_run",
    "execute",
    "run",
    "resolve_latest",
    "read_manifest",
    "HEADLINES_SUFFIX",
    "LATEST",
    "LATEST_TXT",
    "RECORDED_PACKAGES",
    "RUNNER_PARAMETERS",
]
