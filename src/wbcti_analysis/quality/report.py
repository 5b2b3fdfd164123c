"""The data-quality report behind ``wbcti quality [PATH]``.

For any package of the project's shape, :func:`quality_report` measures what validation
cannot: candidate duplicates without a recorded decision, the share of rows coded
``inferred`` per table (and inferred rows without the required note), activities without
a tier, figures without a unit, locators whose section cannot be found, and rows per
source per table. :func:`format_report` renders it as text.

The rule "``evidence_note`` is required when ``evidence`` is ``inferred``" is conditional,
which Table Schema cannot express; :func:`evidence_problems` checks it here (and the test
suite runs it on the bundled data).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EVIDENCE_TABLES",
    "QualityReport",
    "evidence_problems",
    "locator_sections",
    "section_text",
    "value_in_text",
    "quality_report",
    "format_report",
]

#: Tables that carry ``evidence`` / ``evidence_note``.
EVIDENCE_TABLES = ("participations", "funding", "relations", "figures", "mechanism_features")
_KEYS = {"participations": "participation_id", "funding": "funding_id", "relations": "relation_id",
         "figures": "figure_id", "mechanism_features": "feature_id"}
_SECTION_WORDS = re.compile(r"\b(section|paragraph|item|list|page|chapter|annex|footnote|title|heading|calendar|"
                            r"statement|introduction|summary|lessons|recommendations|reading|notice)\b", re.I)
_NUMBERED = re.compile(r"(^|\s)(\d+(\.\d+)*|[a-z]\))\s")
_SUBSECTION_SPAN = 120  # lines after a heading searched for a sub-heading the locator names
_WORDS = {0: "zero", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
          9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 20: "twenty", 100: "hundred"}


@dataclass
class QualityReport:
    """What :func:`quality_report` found; every frame is a pandas DataFrame."""

    path: Path
    candidates_undecided: object
    candidates_total: int
    evidence: object
    evidence_problems: list = field(default_factory=list)
    activities_without_tier: list = field(default_factory=list)
    figures_without_unit: list = field(default_factory=list)
    locators_without_section: object = None
    rows_per_source: object = None
    sources_checked: bool = False

    def numbers(self) -> dict:
        """Return the headline counts as a flat dict (for tests and reports)."""
        ev = self.evidence
        return {
            "candidate_pairs": self.candidates_total,
            "candidates_undecided": len(self.candidates_undecided),
            "inferred_rows": int(ev["inferred"].sum()) if len(ev) else 0,
            "evidence_rows": int(ev["rows"].sum()) if len(ev) else 0,
            "inferred_without_note": len(self.evidence_problems),
            "activities_without_tier": len(self.activities_without_tier),
            "figures_without_unit": len(self.figures_without_unit),
            "locators_without_section": len(self.locators_without_section),
        }


def _blank(x) -> bool:
    return x is None or (isinstance(x, float) and x != x) or (isinstance(x, str) and not x.strip())


def evidence_problems(ds) -> list[str]:
    """Return one message per row coded ``inferred`` without an ``evidence_note``.

    Tables without an ``evidence`` column are skipped.

    Parameters
    ----------
    ds : Dataset
        A loaded package.

    Returns
    -------
    list of str
        ``"<table>: <id> is inferred but has no evidence_note"`` messages (empty if none).
    """
    out = []
    for t in EVIDENCE_TABLES:
        df = ds.tables.get(t)
        if df is None or "evidence" not in df:
            continue
        note = df["evidence_note"] if "evidence_note" in df else [None] * len(df)
        for key, ev, n in zip(df[_KEYS[t]], df["evidence"].astype(object), note):
            if ev == "inferred" and _blank(n):
                out.append(f"{t}: {key} is inferred but has no evidence_note")
    return out


def _norm(text: str) -> str:
    text = str(text).lower().replace("–", "-").replace("—", "-")
    return " ".join(re.sub(r"[^a-z0-9&/)]+", " ", text).split())


def locator_sections(locator: str) -> list[str]:
    """Return the section headings a locator names: the text before the first comma of each ``;`` part.

    Examples
    --------
    >>> locator_sections("3.1 From networking, paragraph 2; 2 Deliverables, item on X")
    ['3.1 From networking', '2 Deliverables']
    """
    return [p.split(",")[0].strip() for p in str(locator).split(";") if p.strip()]


def _heading_index(lines_norm: list[str], heading: str) -> int | None:
    h = _norm(re.sub(r"\(.*?\)", " ", heading))
    if not h:
        return None
    num = re.match(r"^(\d+(?: \d+)*|[a-z]\))\s", _norm(heading).replace(".", " "))
    for i, ln in enumerate(lines_norm):
        if ln.startswith(h) or (len(h.split()) >= 3 and ln.startswith(" ".join(h.split()[:4]))):
            return i
    if num:  # "3.3 Developed operational cooperation (...)": match on the section number
        lead = num.group(1)
        for i, ln in enumerate(lines_norm):
            if ln.startswith(lead + " ") and len(ln) < 200:
                return i
    return None


def section_text(source_text: str, locator: str, headings: list[str] | None = None) -> str | None:
    """Return the text of the section(s) a locator names, or None if no heading is found.

    A section runs from the line its heading starts to the next line that starts one of
    ``headings`` (the sections other locators of the same source name), or to the end.
    Later comma-separated parts that match a heading inside that section (a sub-heading
    such as ``Kosovo``) narrow it down.

    Parameters
    ----------
    source_text : str
        The source document as plain text.
    locator : str
        A locator: ``"<section heading>, <paragraph or item>"``, parts separated by ``;``.
    headings : list of str, optional
        Section headings that end a section (default: only the end of the text does).

    Returns
    -------
    str or None
        The joined section texts, or None when no named section is found.

    Examples
    --------
    >>> text = "1 Intro\\nSome 100 staff.\\n\\n2 Results\\nTwo workshops."
    >>> section_text(text, "2 Results, item 1", ["1 Intro", "2 Results"])
    '2 Results\\nTwo workshops.'
    """
    lines = source_text.splitlines()
    norm = [_norm(ln) for ln in lines]
    starts = sorted({i for h in (headings or []) if (i := _heading_index(norm, h)) is not None})
    parts = []
    for part in (p for p in str(locator).split(";") if p.strip()):
        segs = [s.strip() for s in part.split(",")]
        i = _heading_index(norm, segs[0])
        if i is None:
            continue
        for sub in segs[1:]:  # "b) Mechanisms, Kosovo, paragraph 3": descend into the sub-heading "Kosovo"
            j = _heading_index(norm[i + 1:i + 1 + _SUBSECTION_SPAN], sub) if len(sub.split()) <= 6 else None
            if j is not None:
                i = i + 1 + j
        end = next((s for s in starts if s > i), len(lines))
        parts.append("\n".join(lines[i:end]).strip())
    return "\n".join(parts) if parts else None


def value_in_text(value: float, text: str) -> bool:
    """Tell whether a number is stated in a text, as digits or as an English word.

    ``2`` also matches *two*, *twice* and *both*; thousands separators are accepted.

    Examples
    --------
    >>> value_in_text(100, "some 100 first-line prison staff")
    True
    >>> value_in_text(2, "the network meets twice annually")
    True
    >>> value_in_text(100, "hundreds of returnees")
    False
    """
    v = float(value)
    low = text.lower()
    digits = str(int(v)) if v.is_integer() else str(v)
    if re.search(rf"(?<![\d.,]){re.escape(digits)}(?![\d]|,\d)", low.replace(",000", "000")):
        return True
    if v.is_integer() and int(v) in _WORDS and int(v) != 100:
        words = [_WORDS[int(v)]] + (["twice", "both"] if int(v) == 2 else [])
        return any(re.search(rf"\b{w}\b", low) for w in words)
    return False


def _sources_dir(ds, sources_dir):
    if sources_dir is not None:
        p = Path(sources_dir)
        return p if p.is_dir() else None
    env = os.environ.get("WBCTI_SOURCES")
    for cand in ([Path(env)] if env else []) + [ds.path / "sources", ds.path.parent.parent / "shared" / "sources"]:
        if cand.is_dir():
            return cand
    return None


def _source_texts(ds, sources_dir) -> dict:
    folder = _sources_dir(ds, sources_dir)
    if folder is None or "file" not in ds.sources:
        return {}
    out = {}
    for sid, f in zip(ds.sources["source_id"], ds.sources["file"]):
        if not _blank(f) and (folder / str(f)).is_file():
            out[sid] = (folder / str(f)).read_text(encoding="utf-8")
    return out


def _locator_problems(ds, texts: dict):
    import pandas as pd

    rows = []
    norms = {sid: [_norm(ln) for ln in text.splitlines()] for sid, text in texts.items()}
    found: dict = {}
    for t, df in ds.tables.items():
        if t == "sources" or "locator" not in df:
            continue
        res = next(r for r in ds.descriptor["resources"] if r["name"] == t)
        pk = res["schema"].get("primaryKey") or [df.columns[0]]
        pk = [pk] if isinstance(pk, str) else pk
        ids = df[pk].astype(str).agg("/".join, axis=1)
        for rid, sid, loc in zip(ids, df["source_id"], df["locator"]):
            if _blank(loc):
                rows.append((t, rid, sid, loc, "empty locator"))
                continue
            if sid in texts:
                if (sid, loc) not in found:
                    found[(sid, loc)] = any(_heading_index(norms[sid], s) is not None for s in locator_sections(loc))
                if not found[(sid, loc)]:
                    rows.append((t, rid, sid, loc, "no section of the source starts with this heading"))
            elif not (_NUMBERED.search(" " + str(loc) + " ") or _SECTION_WORDS.search(str(loc))):
                rows.append((t, rid, sid, loc, "names no numbered section, paragraph, item or list"))
    return pd.DataFrame(rows, columns=["table", "row_id", "source_id", "locator", "problem"])


def quality_report(path=None, sources_dir=None, decisions=None) -> QualityReport:
    """Measure the data quality of a package.

    Parameters
    ----------
    path : str, Path or Dataset, optional
        A package folder (default: the bundled one) or an already loaded Dataset.
    sources_dir : str or Path, optional
        Folder of the source texts (``sources.file``); default ``$WBCTI_SOURCES``,
        ``<package>/sources`` or ``<package>/../../shared/sources``. With the texts,
        locators are checked against the headings of the document; without, a locator
        must at least name a numbered section, paragraph, item or list.
    decisions : str or Path, optional
        Decisions file on candidate pairs (default ``<package>/coding/entity_candidates.csv``).

    Returns
    -------
    QualityReport

    Raises
    ------
    DataValidationError
        If the package is not valid (nothing is measured on an invalid package).
    """
    import pandas as pd

    from ..datapackage import Dataset, load
    from .candidates import find_candidates, read_decisions, undecided

    ds = path if isinstance(path, Dataset) else load(path)
    cand = find_candidates(ds)
    und = undecided(ds, read_decisions(decisions) if decisions is not None else None)
    ev_rows = []
    for t in EVIDENCE_TABLES:
        df = ds.tables.get(t)
        if df is None or "evidence" not in df:
            continue
        n_inf = int((df["evidence"].astype(object) == "inferred").sum())
        ev_rows.append({"table": t, "rows": len(df), "inferred": n_inf,
                        "share_inferred": round(n_inf / len(df), 3) if len(df) else 0.0})
    acts = ds.activities
    no_tier = [a for a, tiers in zip(acts["activity_id"], acts["tiers"]) if not isinstance(tiers, tuple) or not tiers]
    figs = ds.figures
    no_unit = [f for f, u in zip(figs["figure_id"], figs["unit"]) if _blank(u)]
    texts = _source_texts(ds, sources_dir)
    per_source = (pd.concat([df[["source_id"]].assign(table=t) for t, df in ds.tables.items()
                             if t != "sources" and "source_id" in df])
                  .astype(str).groupby(["table", "source_id"]).size().unstack(fill_value=0))
    return QualityReport(path=ds.path, candidates_undecided=und, candidates_total=len(cand),
                         evidence=pd.DataFrame(ev_rows, columns=["table", "rows", "inferred", "share_inferred"]),
                         evidence_problems=evidence_problems(ds), activities_without_tier=no_tier,
                         figures_without_unit=no_unit, locators_without_section=_locator_problems(ds, texts),
                         rows_per_source=per_source, sources_checked=bool(texts))


def _listing(items, limit=12) -> str:
    items = list(items)
    more = f" ... (+{len(items) - limit})" if len(items) > limit else ""
    return ", ".join(map(str, items[:limit])) + more


def format_report(rep: QualityReport, limit: int = 12) -> str:
    """Render a :class:`QualityReport` as plain text.

    Parameters
    ----------
    rep : QualityReport
        What :func:`quality_report` returned.
    limit : int, default 12
        Examples listed per finding.

    Returns
    -------
    str
        The report, one finding per block.
    """
    n = rep.numbers()
    out = [f"Data quality of the package at {rep.path}", ""]
    out.append(f"Candidate duplicates: {n['candidate_pairs']} pair(s) found, "
               f"{n['candidates_undecided']} without a recorded decision")
    for r in rep.candidates_undecided.head(limit).itertuples():
        out.append(f"  {r.table}: {r.id_a} ~ {r.id_b} (score {r.score:.2f})")
    out += ["", f"Evidence: {n['inferred_rows']} of {n['evidence_rows']} rows coded inferred"]
    for r in rep.evidence.itertuples():
        out.append(f"  {r.table:<20} {r.inferred:>4} of {r.rows:<5} inferred ({r.share_inferred:.1%})")
    if rep.evidence_problems:
        out.append(f"  {len(rep.evidence_problems)} inferred row(s) without evidence_note: "
                   + _listing([p.split(': ')[1].split(' ')[0] for p in rep.evidence_problems], limit))
    out += ["", f"Activities without a tier: {n['activities_without_tier']}"]
    if rep.activities_without_tier:
        out.append("  " + _listing(rep.activities_without_tier, limit))
    out.append(f"Figures without a unit: {n['figures_without_unit']}")
    if rep.figures_without_unit:
        out.append("  " + _listing(rep.figures_without_unit, limit))
    how = "checked against the source texts" if rep.sources_checked else "source texts not found; pattern check"
    out.append(f"Locators that do not name a section ({how}): {n['locators_without_section']}")
    for r in rep.locators_without_section.head(limit).itertuples():
        out.append(f"  {r.table}.{r.row_id}: {r.locator!r} ({r.problem})")
    out += ["", "Rows per source and table:", rep.rows_per_source.to_string()]
    return "\n".join(out)
