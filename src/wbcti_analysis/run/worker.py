"""``python -m wbcti_analysis.run.worker TASK.json RESULT.json``: run one notebook task in a fresh process.

The Dask path (:mod:`.dist`) starts this in a subprocess on the worker, so that
papermill's change of working directory and the headline-file environment variable
stay private to one notebook even when a Dask worker runs several tasks at once.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .engine import _execute_notebook

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Read the task, run it (:func:`.engine._execute_notebook` never raises), write the result."""
    task_file, result_file = (argv if argv is not None else sys.argv[1:])[:2]
    task = json.loads(Path(task_file).read_text(encoding="utf-8"))
    task["progress"] = False
    result = _execute_notebook(task, None)
    Path(result_file).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
