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

from .format import duration, format_value, shown_parameter, signed

__all__ = ["render_index", "render_history", "environment"]


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
                        "shown": plain(shown_parameter), "href": plain(lambda name: quote(str(name or "")))})
    return env


@lru_cache(maxsize=1)
def _css() -> str:
    return resources.files("wbcti_analysis.report").joinpath("templates", "style.css").read_text(encoding="utf-8")


def _files(nb: dict) -> list[tuple[str, str]]:
    out = []
    for key, label, suffix in (("html", "HTML", ""), ("ipynb", "ipynb", ""), ("output_dir", "exported files", "/"),
                               ("headlines_file", "headlines", "")):
        if nb.get(key):
            out.append((label, f"{nb[key]}{suffix}"))
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
        cmp=cmp, data=manifest.get("data") or {}, project=manifest.get("project") or {})


def render_history(runs: list[dict], latest: str | None = None) -> str:
    """``OUTPUT/index.html``: every run (manifests, newest first), its kind, notebooks and
    non-default parameters; ``latest`` is the run id ``OUTPUT/latest`` points at."""
    return environment().get_template("history.html.j2").render(css=_css(), runs=runs, latest=latest)
