"""Key findings: the plain-language sentences a notebook page and the index open with.

The analyses build :class:`Finding` objects from their computed results (each sentence with
its number, its n and its caveat); a notebook shows them right under its title with
:func:`show_findings`, which also records them for the run's index page. Under
``wbcti run`` the findings are written beside the notebook's headline figures, to
``<stem>.findings.json`` (the path is derived from ``$WBCTI_HEADLINES_FILE``); the index
reads them with :func:`read_findings`.

``kind`` is ``"finding"`` for a result and ``"limit"`` for what the data cannot say (a tie,
a group too thin to compare, a period comparison that is really a comparison of documents).
"""
from __future__ import annotations

import html
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

__all__ = ["Finding", "findings_path", "record_findings", "read_findings", "findings_html", "show_findings",
           "FINDINGS_SUFFIX"]

FINDINGS_SUFFIX = ".findings.json"
_KINDS = ("finding", "limit")


@dataclass(frozen=True)
class Finding:
    """One key finding, as a reader sees it.

    Attributes
    ----------
    text : str
        One plain sentence that states the result with its number (no metric jargon
        without a gloss), e.g. "Law enforcement bodies have fewer ties to other sectors
        than chance would give (mid-p 0.008, 1,000 degree-preserving rewirings)."
    n : int or None
        How many observations the sentence rests on (actors, activities, mechanisms).
    caveat : str
        What limits it ("" when nothing does).
    kind : {"finding", "limit"}
        ``"limit"`` for an explicit "what the data cannot say" line.
    rows : tuple of str
        Ids of the data rows it rests on, when that is a short list (else empty).

    Examples
    --------
    >>> f = Finding("All six countries tie at 100 % external funding.", n=6, kind="limit")
    >>> f.kind, f.n
    ('limit', 6)
    >>> Finding("x", kind="other")
    Traceback (most recent call last):
    ...
    ValueError: Finding.kind must be one of finding, limit, not 'other'
    """

    text: str
    n: int | None = None
    caveat: str = ""
    kind: str = "finding"
    rows: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"Finding.kind must be one of {', '.join(_KINDS)}, not {self.kind!r}")
        object.__setattr__(self, "rows", tuple(str(r) for r in self.rows))
        if self.n is not None:
            object.__setattr__(self, "n", int(self.n))


def findings_path() -> Path | None:
    """Where findings are recorded under ``wbcti run`` (None when run interactively)."""
    from .headlines import ENV_VAR

    target = os.environ.get(ENV_VAR)
    if not target:
        return None
    p = Path(target)
    name = p.name[: -len(".headlines.json")] if p.name.endswith(".headlines.json") else p.stem
    return p.with_name(name + FINDINGS_SUFFIX)


def record_findings(findings: Iterable[Finding]) -> list[dict]:
    """Write the findings for the run's index (when under ``wbcti run``) and return them as dicts."""
    items = [asdict(f) for f in findings]
    for d in items:
        d["rows"] = list(d["rows"])
    path = findings_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(items, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return items


def read_findings(path: str | os.PathLike) -> list[dict]:
    """Return the findings stored at ``path`` ([] if the file does not exist)."""
    p = Path(path)
    if not p.is_file():
        return []
    return json.loads(p.read_text(encoding="utf-8"))


def findings_html(findings: Iterable[Finding | dict], title: str = "Key findings") -> str:
    """Return an HTML block (escaped) listing the findings, limits last, each with n and caveat.

    Examples
    --------
    >>> print(findings_html([Finding("A <b> result.", n=3, caveat="thin")]))  # doctest: +NORMALIZE_WHITESPACE
    <section class="wbcti-findings"><h2>Key findings</h2><ul><li>A &lt;b&gt; result. <span
    class="wbcti-n">(n = 3; thin)</span></li></ul></section>
    """
    items = [f if isinstance(f, dict) else asdict(f) for f in findings]
    items = sorted(items, key=lambda d: d.get("kind") == "limit")
    lis = []
    for d in items:
        rows = list(d.get("rows") or [])
        rows_text = f"rows: {', '.join(rows)}" if 0 < len(rows) <= 8 else ""
        extra = "; ".join(x for x in ((f"n = {d['n']:,}" if d.get("n") is not None else ""), d.get("caveat") or "",
                                      rows_text) if x)
        prefix = "<strong>What the data cannot say:</strong> " if d.get("kind") == "limit" else ""
        note = f' <span class="wbcti-n">({html.escape(extra)})</span>' if extra else ""
        lis.append(f"<li>{prefix}{html.escape(d['text'])}{note}</li>")
    return (f'<section class="wbcti-findings"><h2>{html.escape(title)}</h2><ul>{"".join(lis)}</ul></section>')


def show_findings(findings: Iterable[Finding]):
    """Record the findings (see :func:`record_findings`) and return an IPython HTML object to display."""
    items = list(findings)
    record_findings(items)
    from IPython.display import HTML

    return HTML(findings_html(items))
