"""Progress bars for the steps that can run longer than a few seconds, silent in reports.

:func:`progress_bar` wraps ``tqdm.auto`` (a text bar in a terminal, a widget in
JupyterLab). Whether a bar is shown is decided by :func:`progress_enabled`:

* ``progress=True`` / ``False`` given to the step: shown / not shown;
* otherwise ``$WBCTI_PROGRESS``: ``1`` shows, ``0`` hides;
* otherwise (auto): shown in a terminal (standard error is a TTY, outside a Jupyter
  kernel) and in a kernel started by a Jupyter server (JupyterLab, Notebook); hidden in
  a kernel started by anything else (papermill, ``wbcti run``, nbval, nbclient), so
  executed reports are not filled with bars, and when standard error is not a terminal
  (logs, pipes, CI).

tqdm is imported only when a bar is shown.
"""
from __future__ import annotations

import os
import sys

__all__ = ["progress_enabled", "progress_bar"]

_FRONTENDS = ("jupyter-lab", "jupyter_lab", "jupyterlab", "jupyter-notebook", "jupyter_server", "jupyter-server",
              "notebook.app", "nbclassic", "voila", "jupyter-nbclassic")


def _in_kernel() -> bool:
    return "ipykernel" in sys.modules and type(sys.stdout).__module__.startswith("ipykernel")


def _parent_is_frontend() -> bool:
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode(errors="replace").lower()
    except OSError:
        return False
    return any(f in cmd for f in _FRONTENDS)


def progress_enabled(progress: bool | None = None) -> bool:
    """Whether a progress bar is shown (see the module docstring for the rules).

    Examples
    --------
    >>> progress_enabled(False), progress_enabled(True)
    (False, True)
    """
    if progress is not None:
        return bool(progress)
    env = os.environ.get("WBCTI_PROGRESS", "").strip().lower()
    if env in ("0", "false", "no", "off"):
        return False
    if env in ("1", "true", "yes", "on"):
        return True
    if _in_kernel():
        return _parent_is_frontend()
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Silent:
    """Stands in for a tqdm bar when none is shown."""

    def __init__(self, iterable=None):
        self.iterable = iterable
        self.n = 0

    def __iter__(self):
        return iter(self.iterable if self.iterable is not None else ())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        self.n += n

    def set_postfix_str(self, *args, **kwargs):
        pass

    def close(self):
        pass


def progress_bar(iterable=None, total=None, desc: str | None = None, progress: bool | None = None, **kwargs):
    """Return a ``tqdm.auto`` bar over ``iterable`` (or of ``total`` steps), or a silent stand-in.

    Parameters
    ----------
    iterable : iterable, optional
    total : int, optional
    desc : str, optional
        Label shown before the bar.
    progress : bool, optional
        ``None`` decides automatically (:func:`progress_enabled`).
    **kwargs
        Passed to tqdm (``unit``, ``leave`` ...).

    Examples
    --------
    >>> with progress_bar(total=3, progress=False) as bar:
    ...     bar.update(3)
    >>> bar.n
    3
    >>> list(progress_bar(range(2), progress=False))
    [0, 1]
    """
    if not progress_enabled(progress):
        return _Silent(iterable)
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=kwargs.pop("leave", False), **kwargs)
