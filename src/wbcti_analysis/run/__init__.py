"""Running the notebook collection: plan (and refuse), execute, record.

- :mod:`.plan`: the collection, each notebook's parameters (from
  :mod:`wbcti_analysis.params`), resolving ``-p`` / params file / ``--data`` and refusing a
  bad run before anything runs;
- :mod:`.execute`: papermill per notebook, in parallel if asked, failures isolated;
- :mod:`.manifest`: run folders, ``manifest.json``, ``latest``, the list of runs;
- :mod:`.compare`: which earlier run a run is compared with, and why not;
- :mod:`.progress`: the default ``--jobs`` (cores available) and the progress lines with
  an estimate from earlier runs' durations;
- :mod:`.sweep`: ``--sweep NAME=V1,V2``, one page per value (cross product), checked first;
- :mod:`.cache`: reuse of a page whose source, parameters, data and code are unchanged;
- :mod:`.dist` (+ :mod:`.worker`): each page as a task on a Dask cluster (``--scheduler``);
- :mod:`.cells`: reading notebooks and parameters cells without nbformat / papermill.
- :mod:`.provenance`: what the pages cite (the data package's sources and licence,
  ``CITATION.cff``, copied to ``about/``) and the files each notebook exported.

Pages are rendered by :mod:`wbcti_analysis.report` from manifest dicts; nothing there
imports this package. papermill and nbconvert are imported only inside the functions
that run notebooks. :mod:`wbcti_analysis.runner` re-exports the public names.
"""
from __future__ import annotations

from .compare import choose_comparison, compare_headlines
from .engine import HEADLINES_SUFFIX, KERNEL_NAME, execute, run
from .manifest import LATEST, LATEST_TXT, RECORDED_PACKAGES, list_runs, point_latest, read_manifest, resolve_latest
from .progress import default_jobs
from .plan import (EXIT_FAILED, EXIT_OK, EXIT_REFUSED, RUNNER_PARAMETERS, Notebook, RunPlan, RunRefused,
                   default_notebooks_dir, discover, parse_cli_value, plan_run, read_params_file, select)

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_REFUSED", "KERNEL_NAME", "HEADLINES_SUFFIX", "LATEST", "LATEST_TXT",
           "RECORDED_PACKAGES", "RUNNER_PARAMETERS", "Notebook", "RunPlan", "RunRefused", "default_notebooks_dir",
           "discover", "select", "parse_cli_value", "read_params_file", "plan_run", "execute", "run",
           "resolve_latest", "point_latest", "read_manifest", "list_runs", "choose_comparison", "compare_headlines",
           "default_jobs"]
