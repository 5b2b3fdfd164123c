"""Cached runs: reuse a notebook's outputs when nothing it depends on has changed.

A notebook page is reused instead of executed when an earlier run in the same reports
folder ran it successfully with the same **cache key**: a SHA-256 over its cell sources
(:func:`.manifest.notebook_hash`), the parameters it is given (without ``output_dir``,
which names the run folder), the data package's hash, the code (the project version and
a hash of the installed ``wbcti_analysis`` sources, :func:`code_fingerprint`), the
recorded package versions, the kernel and whether code is shown. Its files (executed
``.ipynb``, HTML page, headline figures, exported files) are copied into the new run
folder and its manifest entry says ``reused_from: <run id>`` (the run that executed it).
``wbcti run --force`` executes everything.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["IGNORED_PARAMETERS", "code_fingerprint", "cache_key", "find_reusable", "reuse"]

IGNORED_PARAMETERS = ("output_dir",)  # set per run folder by the runner: not an input


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """``"<version>+<sha256 prefix>"``: the project version and a hash of its installed sources.

    The hash covers every ``.py``, template and stylesheet of the ``wbcti_analysis``
    package, so an edit in a development checkout invalidates the cache even when the
    version number did not change.

    Examples
    --------
    >>> from wbcti_analysis import __version__
    >>> code_fingerprint().startswith(__version__ + "+")
    True
    """
    from .. import __version__

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".css", ".json") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return f"{__version__}+{h.hexdigest()[:16]}"


def cache_key(notebook_hash: str | None, parameters: dict, data_hash: str | None, extra: dict | None = None) -> str | None:
    """The cache key of one notebook execution, or None when an input is unknown.

    Parameters
    ----------
    notebook_hash : SHA-256 of the notebook's cell sources (None: unreadable).
    parameters : the parameters passed to papermill; ``output_dir`` is ignored.
    data_hash : the data package's hash (None: unknown, so never cached).
    extra : anything else the outputs depend on (code fingerprint, versions, kernel, show_code).

    Returns
    -------
    str or None
        A SHA-256 hex digest.

    Examples
    --------
    >>> a = cache_key("nb", {"top_n": 5, "output_dir": "/r/1/x_files"}, "data")
    >>> a == cache_key("nb", {"top_n": 5, "output_dir": "/r/2/x_files"}, "data")
    True
    >>> a == cache_key("nb", {"top_n": 6, "output_dir": "/r/1/x_files"}, "data"), cache_key("nb", {}, None)
    (False, None)
    """
    if not notebook_hash or not data_hash:
        return None
    blob = {"notebook": notebook_hash, "data": data_hash, "extra": extra or {},
            "parameters": {k: v for k, v in parameters.items() if k not in IGNORED_PARAMETERS}}
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()


def _files_present(run_dir: Path, entry: dict) -> bool:
    need = [entry.get(k) for k in ("ipynb", "html", "headlines_file", "output_dir") if entry.get(k)]
    return bool(entry.get("ipynb")) and all((run_dir / n).exists() for n in need)


def find_reusable(output: Path, runs: list[dict], keys: dict[str, str | None]) -> dict[str, tuple[Path, dict]]:
    """For each page key whose cache key an earlier successful execution shares: its run folder and entry.

    Parameters
    ----------
    output : the reports folder.
    runs : its earlier manifests, newest first (:func:`.manifest.list_runs`).
    keys : ``{page key: cache key}``; pages with a None key are never reused.

    Returns
    -------
    dict
        ``{page key: (run folder, manifest entry)}`` from the newest run whose entry has
        the same cache key, status ``ok`` and its files still in place.
    """
    wanted = {page: key for page, key in keys.items() if key}
    found: dict[str, tuple[Path, dict]] = {}
    for m in runs:
        run_dir = output / m.get("run_id", "")
        for entry in m.get("notebooks") or []:
            page = next((p for p, k in wanted.items() if k == entry.get("cache_key") and p not in found), None)
            if page and entry.get("status") == "ok" and _files_present(run_dir, entry):
                found[page] = (run_dir, entry)
        if len(found) == len(wanted):
            break
    return found


def _copy(src: Path, dest: Path) -> None:
    if src.is_dir():
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(src, dest)
    else:
        shutil.copy2(src, dest)


def reuse(task: dict, src_dir: Path, src: dict) -> dict:
    """Copy an earlier execution's files into this run's places for ``task``; return its result.

    The result has the fields of an executed notebook's result (``status`` ok,
    ``duration_s`` = the time the copy took, ``attempts`` 0) plus ``reused_from`` (the run
    that executed the notebook, following earlier reuses back) and
    ``original_duration_s`` (how long that execution took).
    """
    from .manifest import now

    t0, started = time.perf_counter(), now()
    targets = {"ipynb": task["output"], "html": task["html"], "headlines_file": task["headlines_file"],
               "output_dir": task["output_dir"]}
    out: dict[str, Any] = {}
    for field, target in targets.items():
        name = src.get(field)
        if name and (src_dir / name).exists():
            _copy(src_dir / name, Path(target))
            if field in ("ipynb", "html"):
                out[field] = Path(target).name
    original = src.get("original_duration_s")
    if original is None and src.get("duration_s") is not None:
        original = round((src.get("duration_s") or 0) + (src.get("render_s") or 0), 2)
    return {"stem": task["stem"], "status": "ok", "started": started, "finished": now(),
            "duration_s": round(time.perf_counter() - t0, 2), "render_s": 0.0, "attempts": 0, "error": None,
            "html": out.get("html"), "ipynb": out.get("ipynb"),
            "reused_from": src.get("reused_from") or src_dir.name, "copied_from": src_dir.name,
            "original_duration_s": original}
