"""The pages a reviewer opens: a run's ``index.html`` and the list of all runs.

Plain HTML with a little inline CSS, every value escaped with :func:`html.escape`, and
only relative links, so a run folder can be copied, attached to a CI run or served with
``python -m http.server -d reports/latest 8000``. Both pages are built from the run's
manifest (see :mod:`wbcti_analysis.runner`); nothing here runs notebooks.
"""
from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["render_index", "render_history", "format_value"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;
     padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0} th,td{text-align:left;padding:.35rem .6rem;
     border-bottom:1px solid #d0d7de;vertical-align:top} th{background:#f6f8fa;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-weight:600;font-size:.85rem}
.ok,.complete{background:#dafbe1;color:#116329} .failed,.interrupted{background:#ffebe9;color:#a40e26}
.pending,.running,.not-run{background:#eaeef2;color:#57606a}
.new{color:#0550ae;font-weight:600} .changed{color:#9a6700;font-weight:600} .removed{color:#a40e26}
.unchanged{color:#57606a}
.banner{padding:.7rem 1rem;border-radius:.4rem;margin:1rem 0} .banner.complete{border:1px solid #4ac26b}
.banner.failed,.banner.interrupted{border:1px solid #ff8182}
.muted{color:#57606a;font-size:.9rem} code{font-size:.85rem;background:#f6f8fa;padding:0 .2rem}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;font-size:.8rem;white-space:pre-wrap}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.9rem} dl.meta dt{color:#57606a}
dl.meta dd{margin:0}
"""


def format_value(value: Any) -> str:
    """A headline value as text: thousands separators, 4 significant digits, '–' for None."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:,.1f}"
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _signed(diff: float) -> str:
    text = format_value(diff)
    return text if text.startswith("-") else "+" + text


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _href(name: str) -> str:
    return _e(quote(name))


def _badge(status: str) -> str:
    cls = status.replace(" ", "-")
    return f'<span class="badge {_e(cls)}">{_e(status)}</span>'


def _duration(seconds: Any) -> str:
    if seconds is None:
        return "–"
    seconds = float(seconds)
    return f"{seconds:.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def _params(params: dict, defaults: dict) -> str:
    if not set(params) - {"output_dir"}:
        return '<span class="muted">defaults</span>'
    items = []
    for name, value in params.items():
        if name == "output_dir":
            continue  # the runner's own folder, linked under "files"
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        items.append(f"<code>{_e(name)}</code>&nbsp;=&nbsp;{_e(shown)}")
    return "<br>".join(items)


def _change_cell(row: dict, compared: bool) -> str:
    change = row.get("change")
    if not compared:
        return '<span class="muted">no previous run</span>'
    if change == "unchanged":
        return '<span class="unchanged">unchanged</span>'
    if change == "new":
        return '<span class="new">new</span>'
    if change == "removed":
        return '<span class="removed">removed</span>'
    if row.get("difference") is not None:
        return f'<span class="changed">{_e(_signed(row["difference"]))}</span>'
    return '<span class="changed">changed</span>'


def _headline_table(nb: dict) -> str:
    rows = nb.get("changes") or []
    if not rows:
        return ""
    compared = nb.get("compared_with") is not None
    out = [f'<h3>{_e(nb.get("title") or nb["stem"])} <span class="muted">({_e(nb["stem"])})</span></h3>',
           "<table><thead><tr><th>figure</th><th>value</th><th>previous</th><th>change</th></tr></thead><tbody>"]
    for row in rows:
        unit = f' <span class="muted">{_e(row.get("unit"))}</span>' if row.get("unit") else ""
        value = format_value(row.get("value")) if row.get("change") != "removed" else "–"
        prev = format_value(row.get("previous")) if compared and row.get("change") != "new" else "–"
        out.append(
            f'<tr><td>{_e(row.get("label") or row["key"])} <span class="muted">(<code>{_e(row["key"])}</code>)'
            f'</span></td><td class="num">{_e(value)}{unit}</td><td class="num">{_e(prev)}</td>'
            f"<td>{_change_cell(row, compared)}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def render_index(manifest: dict) -> str:
    """The ``index.html`` of one run, from its manifest."""
    nbs = manifest.get("notebooks", [])
    status = manifest.get("status", "unknown")
    n_ok = sum(nb.get("status") == "ok" for nb in nbs)
    parts = [f'<h1>wbcti-analysis report <span class="muted">run {_e(manifest.get("run_id"))}</span></h1>']
    if status == "complete":
        head = f"All {len(nbs)} notebook(s) ran successfully."
    elif status == "interrupted":
        head = f"The run was interrupted: {n_ok} of {len(nbs)} notebook(s) finished."
    else:
        failed = [nb["stem"] for nb in nbs if nb.get("status") != "ok"]
        head = (f"{len(failed)} of {len(nbs)} notebook(s) did not succeed: {_e(', '.join(failed))}. "
                "The last good report is still the one <code>latest</code> points at.")
    prev = manifest.get("previous_complete_run")
    moved = manifest.get("headline_changes", 0)
    if prev:
        since = (f"{moved} headline figure(s) changed, appeared or disappeared since run {_e(prev)}."
                 if moved else f"No headline figure moved since run {_e(prev)}.")
        if manifest.get("data_changed"):
            since += " The data package differs from that run's (see the data hash below)."
    else:
        since = "No previous complete run to compare with."
    parts.append(f'<div class="banner {_e(status)}">{_badge(status)} {head}'
                 f"<br>{since}</div>")
    parts.append(f'<p class="muted">Started {_e(manifest.get("started"))}, finished {_e(manifest.get("finished"))} '
                 f"({_e(_duration(manifest.get('duration_s')))}). Open a notebook's page for its figures and "
                 "narrative; the <code>.ipynb</code> is the executed notebook.</p>")

    parts.append("<h2>Notebooks</h2>")
    parts.append("<table><thead><tr><th>notebook</th><th>status</th><th>duration</th><th>parameters</th>"
                 "<th>files</th></tr></thead><tbody>")
    for nb in nbs:
        stem = nb["stem"]
        title = _e(nb.get("title") or stem)
        name_cell = (f'<a href="{_href(nb["html"])}">{title}</a>' if nb.get("html") else title)
        name_cell += f'<br><span class="muted">{_e(stem)}</span>'
        files = []
        if nb.get("html"):
            files.append(f'<a href="{_href(nb["html"])}">HTML</a>')
        if nb.get("ipynb"):
            files.append(f'<a href="{_href(nb["ipynb"])}">ipynb</a>')
        if nb.get("output_dir"):
            files.append(f'<a href="{_href(nb["output_dir"])}/">exported files</a>')
        if nb.get("headlines_file"):
            files.append(f'<a href="{_href(nb["headlines_file"])}">headlines</a>')
        status_cell = _badge(nb.get("status", "unknown"))
        err = nb.get("error")
        if err:
            status_cell += (f'<br><a href="#error-{_e(stem)}">{_e(err.get("ename"))}</a>')
        parts.append(f"<tr><td>{name_cell}</td><td>{status_cell}</td>"
                     f'<td class="num">{_e(_duration(nb.get("duration_s")))}</td>'
                     f"<td>{_params(nb.get('parameters') or {}, nb.get('defaults') or {})}</td>"
                     f"<td>{' · '.join(files) or '–'}</td></tr>")
    parts.append("</tbody></table>")

    failed = [nb for nb in nbs if nb.get("error")]
    if failed:
        parts.append("<h2>Errors</h2>")
        for nb in failed:
            err = nb["error"]
            where = f" in cell {err['cell_index']}" if err.get("cell_index") is not None else ""
            parts.append(f'<h3 id="error-{_e(nb["stem"])}">{_e(nb["stem"])}: {_e(err.get("ename"))}{_e(where)}</h3>')
            parts.append(f"<pre>{_e(err.get('evalue'))}</pre>")
            if err.get("traceback"):
                parts.append(f"<details><summary>traceback</summary><pre>{_e(err['traceback'])}</pre></details>")
            if nb.get("html"):
                parts.append(f'<p class="muted">The partly executed notebook: <a href="{_href(nb["html"])}">HTML</a>'
                             + (f' · <a href="{_href(nb["ipynb"])}">ipynb</a>' if nb.get("ipynb") else "") + "</p>")

    tables = [t for t in (_headline_table(nb) for nb in nbs) if t]
    parts.append("<h2>Headline figures</h2>")
    if tables:
        compared = sorted({nb["compared_with"] for nb in nbs if nb.get("compared_with")})
        if compared:
            parts.append(f'<p class="muted">Compared with the previous complete run: {_e(", ".join(compared))}. '
                         "Numbers show the difference, other values “changed”.</p>")
        parts.extend(tables)
    else:
        parts.append('<p class="muted">No notebook recorded headline figures.</p>')

    project = manifest.get("project") or {}
    data = manifest.get("data") or {}
    versions = manifest.get("versions") or {}
    commit = project.get("git_commit")
    commit_text = (commit[:12] + (" (with uncommitted changes)" if project.get("git_dirty") else "")) if commit else "not a git checkout"
    data_hash = data.get("hash")
    meta = [
        ("data package", f"{_e(data.get('path'))}{' (bundled)' if data.get('bundled') else ''}"),
        ("data hash", f'<code title="{_e(data_hash)}">{_e((data_hash or "unavailable")[:16])}</code>'),
        ("project", f"wbcti-analysis {_e(project.get('version'))}, commit <code>{_e(commit_text)}</code>"),
        ("packages", _e(", ".join(f"{k} {v}" for k, v in versions.items()))),
        ("options", _e(", ".join(f"{k}={v}" for k, v in (manifest.get("options") or {}).items()))),
        ("manifest", '<a href="manifest.json">manifest.json</a>'),
    ]
    parts.append("<h2>About this run</h2><dl class=\"meta\">" +
                 "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta) + "</dl>")
    return _page(f"wbcti-analysis run {manifest.get('run_id')} ({status})", "\n".join(parts))


def render_history(output: str | os.PathLike) -> str:
    """``OUTPUT/index.html``: every run in the reports folder, newest first."""
    from .runner import read_manifest, resolve_latest

    output = Path(output)
    latest = resolve_latest(output)
    runs = []
    for d in output.iterdir():
        if d.is_dir() and not d.is_symlink():
            m = read_manifest(d)
            if m:
                runs.append(m)
    runs.sort(key=lambda m: (m.get("started") or "", m.get("run_id") or ""), reverse=True)
    parts = ["<h1>wbcti-analysis reports</h1>"]
    if latest is not None:
        parts.append(f'<p>Latest complete run: <a href="{_href(latest.name)}/index.html">{_e(latest.name)}</a>.</p>')
    else:
        parts.append('<p class="muted">No run has completed without failures yet.</p>')
    parts.append("<table><thead><tr><th>run</th><th>status</th><th>started</th><th>duration</th>"
                 "<th>notebooks ok</th><th>headline changes</th></tr></thead><tbody>")
    for m in runs:
        nbs = m.get("notebooks", [])
        rid = m.get("run_id", "")
        mark = ' <span class="muted">(latest)</span>' if latest is not None and latest.name == rid else ""
        parts.append(
            f'<tr><td><a href="{_href(rid)}/index.html">{_e(rid)}</a>{mark}</td><td>{_badge(m.get("status", "?"))}</td>'
            f'<td>{_e(m.get("started"))}</td><td class="num">{_e(_duration(m.get("duration_s")))}</td>'
            f'<td class="num">{sum(nb.get("status") == "ok" for nb in nbs)} / {len(nbs)}</td>'
            f'<td class="num">{_e(m.get("headline_changes", "–"))}</td></tr>')
    parts.append("</tbody></table>")
    return _page("wbcti-analysis reports", "\n".join(parts))
