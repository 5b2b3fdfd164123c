"""One parameter model: every notebook's parameters declared once, checked everywhere.

Each notebook's parameters are declared in :mod:`.declarations` (type, default, help,
allowed values, ranges, cross-field rules, ids that must exist in the data package). The
same declaration drives:

- ``wbcti list`` (type, default, allowed values or range, help);
- the runner's refusal before anything runs (``wbcti run`` and ``--dry-run`` exit 2 with
  one message per problem);
- the notebook's own check in JupyterLab: the cell after ``parameters`` calls
  ``check_notebook_parameters("01-coordination-graph", globals(), ds)``;
- the library: ``check(notebook, values, ds) -> list[str]`` and ``require(...)``, which
  raises :class:`ParameterError` (a ``ValueError``) listing every problem.

>>> from wbcti_analysis import params
>>> params.check("04-referral-mechanisms", {"distance": "cosine", "cluster_threshold": 2.0})
["04-referral-mechanisms: distance: unknown value 'cosine'; allowed: jaccard, gower", \
'04-referral-mechanisms: cluster_threshold: 2.0 is out of range; allowed: 0 to 1']
"""
from __future__ import annotations

from .checking import CheckedParameters, check, check_all, check_notebook_parameters, declaration, require
from .declarations import DECLARATIONS
from .domains import DOMAINS, allowed_values
from .model import NotebookParams, Param, ParameterError, literal

__all__ = ["Param", "NotebookParams", "ParameterError", "CheckedParameters", "DECLARATIONS", "DOMAINS",
           "declaration", "check", "check_all", "require", "check_notebook_parameters", "allowed_values",
           "literal"]
