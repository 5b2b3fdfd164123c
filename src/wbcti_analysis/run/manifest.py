"""Run folders and their records: the manifest, ``latest``, the list of runs, provenance.

Everything here reads or writes files under the reports folder; nothing runs notebooks or
renders pages. A run folder is ``OUTPUT/<run-id>/`` (UTC start time); ``OUTPUT/latest``
points at the newest complete *scheduled* run (see :mod:`.compare` for what that means).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["LATEST", "LATEST_TXT", "RECORDED_PACKAGES", "new_run_dir", "resolve_latest", "point_latest",
           "read_manifest", "list_runs", "write_json", "versions", "git_commit", "data_info", "notebook_hash",
           "now"]

LATEST = "latest"
LATEST_TXT = "latest.txt"
# Versions recorded in every manifest (distribution names as pip knows them).
RECORDED_PACKAGES = ("pandas", "networkx", "seaborn", "scikit-learn", "papermill", "nbconvert")


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_run_dir(output: Path) -> Path:
    """Create and return a new run folder ``output/<UTC start time>[-n]``."""
    base = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    output.mkdir(parents=True, exist_ok=True)
    for i in range(1, 1000):
        candidate = output / (base if i == 1 else f"{base}-{i}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a run folder in {output}")


def resolve_latest(output: str | os.PathLike) -> Path | None:
    """The run folder ``OUTPUT/latest`` points at (symlink, else ``latest.txt``), or None."""
    output = Path(output)
    link = output / LATEST
    if link.is_symlink():
        target = link.resolve()
        return target if target.is_dir() else None
    pointer = output / LATEST_TXT
    if pointer.is_file():
        target = output / pointer.read_text(encoding="utf-8").strip()
        return target if target.is_dir() else None
    return None


def point_latest(output: Path, run_dir: Path) -> str:
    """Point ``OUTPUT/latest`` at ``run_dir`` atomically; returns how ("symlink" or "latest.txt")."""
    link = output / LATEST
    tmp = output / f".{LATEST}.{os.getpid()}.tmp"
    try:
        if link.exists() and not link.is_symlink():
            raise OSError(f"{link} exists and is not a symlink")
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(run_dir.name, tmp, target_is_directory=True)  # relative: the folder can move
        os.replace(tmp, link)
        stale = output / LATEST_TXT
        if stale.exists():
            stale.unlink()
        return "symlink"
    except (OSError, NotImplementedError):
        try:
            if tmp.is_symlink():
                tmp.unlink()
        except OSError:
            pass
        pointer_tmp = output / f".{LATEST_TXT}.{os.getpid()}.tmp"
        pointer_tmp.write_text(run_dir.name + "\n", encoding="utf-8")
        os.replace(pointer_tmp, output / LATEST_TXT)
        return LATEST_TXT


def read_manifest(run_dir: str | os.PathLike) -> dict | None:
    """The parsed ``manifest.json`` of a run folder, or None."""
    p = Path(run_dir) / "manifest.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None



def list_runs(output: str | os.PathLike, exclude: str | None = None) -> list[dict]:
    """Every run's manifest in ``output``, newest first (by start time, then id)."""
    output = Path(output)
    runs = []
    for d in output.iterdir() if output.is_dir() else []:
        if d.is_dir() and not d.is_symlink() and d.name != exclude:
            m = read_manifest(d)
            if m:
                m.setdefault("run_id", d.name)
                runs.append(m)
    runs.sort(key=lambda m: (m.get("started") or "", m.get("run_id") or ""), reverse=True)
    return runs


def notebook_hash(path: str | os.PathLike) -> str | None:
    """SHA-256 of a notebook's cell sources (its code and text, not its outputs), or None."""
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    h = hashlib.sha256()
    for c in cells:
        src = c.get("source", "")
        h.update((c.get("cell_type", "") + "\0" + ("".join(src) if isinstance(src, list) else src) + "\0").encode())
    return h.hexdigest()


def versions() -> dict:
    import platform
    from importlib import metadata

    out = {}
    for dist in RECORDED_PACKAGES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    out["python"] = platform.python_version()
    return out


def git_commit() -> tuple[str | None, bool | None]:
    """(commit, dirty) of the project checkout this package runs from, or (None, None)."""
    here = Path(__file__).resolve().parent
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True,
                             text=True, timeout=10)
        if top.returncode != 0:
            return None, None
        root = Path(top.stdout.strip())
        if not (root / "src" / "wbcti_analysis").is_dir():
            return None, None  # installed inside some other repository
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None, None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=30)
        return head.stdout.strip(), bool(dirty.stdout.strip()) if dirty.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None, None


def data_info(data_path: Path | None) -> dict:
    from ..datapackage import bundled_data_path, data_hash

    info: dict[str, Any] = {"path": str(data_path) if data_path else None, "bundled": data_path is None,
                            "hash": None}
    try:
        folder = data_path if data_path is not None else bundled_data_path()
        info["path"] = str(folder)
        info["hash"] = data_hash(folder)
    except Exception as exc:  # no bundled package: the notebooks will say so
        info["hash_error"] = str(exc)
    return info


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)

