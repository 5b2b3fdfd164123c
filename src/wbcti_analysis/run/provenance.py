"""What a run's pages cite: the data package's sources and licence, the project's citation,
and the files a notebook exported or recorded.

Everything here reads files (the data package, ``CITATION.cff``, a run folder) or copies
them into the run folder, so the pages can link them with relative links: ``about/`` holds
the data package's README (as Markdown and as an HTML page) and ``CITATION.cff``. Nothing
here renders the notebook pages; :mod:`wbcti_analysis.report` gets plain dicts.
"""
from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path
from typing import Any

__all__ = ["ABOUT_DIR", "package_info", "read_citation", "citation_text", "copy_about", "exported_files",
           "project_root"]

ABOUT_DIR = "about"  # inside a run folder: the data README and CITATION.cff, copied
_SOURCE_FIELDS = ("source_id", "title", "publisher", "year", "url", "licence")


def project_root() -> Path | None:
    """The project checkout this package runs from (the folder holding ``src/wbcti_analysis``), or None."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "src" / "wbcti_analysis").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return None


def package_info(folder: str | os.PathLike | None) -> dict[str, Any]:
    """Title, name, version, licences and sources (rows of ``sources.csv``) of a data package.

    Missing pieces are left out, never guessed: a package without ``sources.csv`` has no
    ``sources`` key. A source's ``url`` is kept only when it is an http(s) address.

    Examples
    --------
    >>> import tempfile, json, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "datapackage.json").write_text(json.dumps({"name": "p", "version": "1.2", "resources": []}))
    >>> _ = (d / "sources.csv").write_text("source_id,title,year,url\\nfx1,Doc A,2018,ftp://x\\n")
    >>> info = package_info(d)
    >>> info["version"], info["sources"][0]["title"], info["sources"][0]["url"]
    ('1.2', 'Doc A', '')
    """
    import json

    out: dict[str, Any] = {}
    if folder is None:
        return out
    folder = Path(folder)
    try:
        desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return out
    for key in ("name", "title", "version"):
        if desc.get(key):
            out[key] = str(desc[key])
    out["licenses"] = [{"name": str(lic.get("name") or lic.get("title") or ""), "title": str(lic.get("title") or ""),
                        "url": _http(lic.get("path"))} for lic in desc.get("licenses") or [] if isinstance(lic, dict)]
    sources = folder / "sources.csv"
    if sources.is_file():
        with sources.open(encoding="utf-8", newline="") as fh:
            rows = [{k: (row.get(k) or "").strip() for k in _SOURCE_FIELDS} for row in csv.DictReader(fh)]
        for row in rows:
            row["url"] = _http(row["url"])
        out["sources"] = rows
    out["has_readme"] = (folder / "README.md").is_file()
    return out


def _http(url: Any) -> str:
    url = str(url or "").strip()
    return url if url.startswith(("https://", "http://")) else ""


def read_citation(root: Path | None = None) -> dict[str, Any] | None:
    """The project's ``CITATION.cff`` as a dict (title, version, authors, license, message,
    references, and ``text``: a formatted citation), or None when there is none."""
    root = project_root() if root is None else root
    path = root / "CITATION.cff" if root is not None else None
    if path is None or not path.is_file():
        return None
    import yaml

    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(cff, dict):
        return None
    refs = [citation_text(r) for r in cff.get("references") or [] if isinstance(r, dict)]
    return {"title": str(cff.get("title") or ""), "version": str(cff.get("version") or ""),
            "license": str(cff.get("license") or ""), "message": str(cff.get("message") or ""),
            "text": citation_text(cff), "references": refs, "path": str(path)}


def citation_text(entry: dict) -> str:
    """One CFF entry (the project or one of its references) as a plain citation.

    Examples
    --------
    >>> citation_text({"authors": [{"name": "RAN"}, {"family-names": "Doe", "given-names": "J."}],
    ...                "year": 2023, "title": "Enhancing collaboration", "version": "0.1"})
    'RAN; Doe, J. (2023). Enhancing collaboration. Version 0.1.'
    """
    names = []
    for a in entry.get("authors") or []:
        if not isinstance(a, dict):
            continue
        if a.get("name"):
            names.append(str(a["name"]))
        elif a.get("family-names"):
            names.append(", ".join(str(x) for x in (a["family-names"], a.get("given-names")) if x))
    year = entry.get("year") or str(entry.get("date-released") or "")[:4]
    parts = ["; ".join(names) + (f" ({year})." if year else ".") if names else (f"({year})." if year else "")]
    parts.append(f"{entry.get('title', '')}.")
    publisher = entry.get("publisher")
    if isinstance(publisher, dict) and publisher.get("name"):
        parts.append(f"{publisher['name']}.")
    if entry.get("version"):
        parts.append(f"Version {entry['version']}.")
    return " ".join(p for p in parts if p and p != ".")


def copy_about(run_dir: Path, data_folder: Path | None, citation: dict | None) -> dict[str, str]:
    """Copy the data README and ``CITATION.cff`` into ``run_dir/about/``; the README is also
    rendered as an HTML page. Returns ``{"data_readme": ..., "data_readme_md": ...,
    "citation_file": ...}`` (paths relative to the run folder) for what was copied."""
    out: dict[str, str] = {}
    about = run_dir / ABOUT_DIR
    readme = data_folder / "README.md" if data_folder is not None else None
    try:
        if readme is not None and readme.is_file():
            about.mkdir(exist_ok=True)
            text = readme.read_text(encoding="utf-8")
            (about / "data-README.md").write_text(text, encoding="utf-8")
            out["data_readme_md"] = f"{ABOUT_DIR}/data-README.md"
            from ..report.about import render_markdown_page

            (about / "data-README.html").write_text(
                render_markdown_page(text, "The data package: tables, coding rules and limits",
                                     back="../index.html"), encoding="utf-8")
            out["data_readme"] = f"{ABOUT_DIR}/data-README.html"
        if citation and Path(citation["path"]).is_file():
            about.mkdir(exist_ok=True)
            shutil.copyfile(citation["path"], about / "CITATION.cff")
            out["citation_file"] = f"{ABOUT_DIR}/CITATION.cff"
    except OSError:
        pass  # the pages then name the documents without linking them
    return out


def exported_files(run_dir: Path, folder: str) -> list[dict[str, Any]]:
    """Every file under ``run_dir/folder`` as ``{"path": relative to run_dir, "bytes": size}``, sorted."""
    base = run_dir / folder
    if not base.is_dir():
        return []
    files = [p for p in sorted(base.rglob("*")) if p.is_file() and not p.name.endswith(".tmp")]
    return [{"path": p.relative_to(run_dir).as_posix(), "bytes": p.stat().st_size} for p in files]
