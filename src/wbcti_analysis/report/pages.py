"""The run pages: a run's ``index.html`` and the list of runs, rendered from manifest dicts.

jinja2 templates (``templates/*.j2``) with autoescaping, and only relative links, so a
run folder can be copied, attached to a CI run or served with
``python -m http.server -d reports/latest 8000``. Nothing here reads run folders or runs
notebooks: the caller (:mod:`wbcti_analysis.run`) passes the manifests.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from urllib.parse import quote

from .format import (duration, file_size, format_value, headline_difference, headline_value, readable_parameter,
                     shown_parameter, signed, when, wrap_lines)

__all__ = ["render_index", "render_history", "environment", "page_css"]


@lru_cache(maxsize=1)
def environment():
    """The jinja2 environment of the report templates (autoescaping on)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("wbcti_analysis.report", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.ChainableUndefined)

    def plain(func):  # a missing manifest field reaches a filter as None, not as Undefined
        return lambda value, *args: func(None if isinstance(value, jinja2.Undefined) else value, *args)

    env.filters.update({"fmt": plain(format_value), "signed": plain(signed), "duration": plain(duration),
                        "shown": plain(shown_parameter), "href": plain(lambda name: quote(str(name or ""))),
                        "when": plain(when), "size": plain(file_size), "param": plain(readable_parameter),
                        "basename": plain(lambda path: str(path or "").replace("\\", "/").rstrip("/").split("/")[-1]),
                        "hvalue": plain(headline_value), "hdiff": plain(headline_difference),
                        "wrap": plain(wrap_lines)})
    return env


@lru_cache(maxsize=1)
def _css() -> str:
    return resources.files("wbcti_analysis.report").joinpath("templates", "style.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def page_css() -> str:
    """The CSS a notebook page adds to nbconvert's: header, findings, contents, tables, A4 print."""
    return resources.files("wbcti_analysis.report").joinpath("templates", "notebook.css").read_text(encoding="utf-8")


def _files(nb: dict) -> list[tuple[str, str]]:
    """The links of a notebook's row: its page, the executed notebook, its recorded figures (files only)."""
    out = []
    for key, label in (("html", "page"), ("ipynb", "ipynb"), ("headlines_file", "headlines (JSON)"),
                       ("findings_file", "findings (JSON)")):
        if nb.get(key):
            out.append((label, str(nb[key])))
    return out


def render_index(manifest: dict) -> str:
    """The ``index.html`` of one run, from its manifest."""
    nbs = manifest.get("notebooks", [])
    status = manifest.get("status", "unknown")
    cmp = manifest.get("comparison") or {}
    if not cmp and manifest.get("previous_complete_run"):  # manifests of earlier versions
        cmp = {"compared_with": manifest["previous_complete_run"]}
    return environment().get_template("index.html.j2").render(
        css=_css(), m=manifest, nbs=nbs, status=status, kind=manifest.get("kind"),
        n_ok=sum(nb.get("status") == "ok" for nb in nbs),
        failed=[nb["stem"] for nb in nbs if nb.get("status") != "ok"],
        errors=[nb for nb in nbs if nb.get("error")],
        files={nb["stem"]: _files(nb) for nb in nbs},
        with_rows=[nb for nb in nbs if nb.get("changes")],
        compared_runs=sorted({nb["compared_with"] for nb in nbs if nb.get("compared_with")}),
        cmp=cmp, data={**(manifest.get("data_package") or {}), **(manifest.get("data") or {})},
        project=manifest.get("project") or {},
        with_findings=[nb for nb in nbs if nb.get("findings")], about=manifest.get("about") or {},
        citation=manifest.get("citation") or {}, with_exports=[nb for nb in nbs if nb.get("exported")])


def render_history(runs: list[dict], latest: str | None = None) -> str:
    """``OUTPUT/index.html``: every run (manifests, newest first), its kind, notebooks and
    non-default parameters; ``latest`` is the run id ``OUTPUT/latest`` points at."""
    return environment().get_template("history.html.j2").render(css=_css(), runs=runs, latest=latest)
