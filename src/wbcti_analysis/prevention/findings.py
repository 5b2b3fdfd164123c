"""Key findings of the prevention-vs-R&R analysis (notebook 03) in plain sentences.

The gap index overall and in each source document, the test of the RAN paper's claim that
most international grants go to R&R (``claims`` row ``r-c-004``), and the limits: a
period comparison whose periods are each dominated by one document, a comparison of
external with domestic funding that the data cannot make, thin groups.
"""
from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..findings_support import SOURCE_NAMES, evidence_finding

__all__ = ["key_findings", "CLAIMS"]

#: The source claim this analysis tests (``claims.claim_id``).
CLAIMS = ("r-c-004",)


def _row(table: pd.DataFrame, country: str, period: str):
    hit = table[(table["country"] == country) & (table["period"].astype(str) == period)]
    return None if hit.empty else hit.iloc[0]


def _gap_words(g: float) -> str:
    if g != g:
        return "no prevention-tier work"
    if g < -0.05:
        return "prevention outweighs R&R"
    if g > 0.05:
        return "R&R outweighs prevention"
    return "prevention and R&R are about even"


def _ci(row) -> str:
    lo, hi = row.get("ci_low"), row.get("ci_high")
    if lo is None or pd.isna(lo) or pd.isna(hi):
        return ""
    return f"; 95 % bootstrap interval {float(lo):.2f} to {float(hi):.2f}"


def key_findings(gap: pd.DataFrame, gap_by_source: pd.DataFrame, claim: dict, *,
                 period_limit: Finding | None = None, evidence: dict | None = None,
                 min_n: int = 5) -> list[Finding]:
    """Return the key findings of notebook 03 (3-6 sentences, limits included).

    Parameters
    ----------
    gap : DataFrame
        :func:`~wbcti_analysis.prevention.gap_table` (periods by date).
    gap_by_source : DataFrame
        The same with ``period_by="source"``.
    claim : dict
        :func:`~wbcti_analysis.prevention.rr_claim_test`.
    period_limit : Finding, optional
        From :func:`~wbcti_analysis.findings_support.period_source_limit`.
    evidence : dict, optional
        Evidence counts of the funding rows.
    min_n : int
        Fewer activities than this make a source's gap index a limit.

    Returns
    -------
    list of Finding
        The overall gap index, the gap index per source document (a limit when the two
        documents lean opposite ways), the R&R claim test, the period limit and the
        evidence kinds.

    Examples
    --------
    >>> gap = pd.DataFrame({"country": ["all"], "period": ["all"], "n": [10], "gap": [-0.4],
    ...                     "ci_low": [-0.6], "ci_high": [-0.1]})
    >>> src = pd.DataFrame({"country": ["all", "all"], "period": ["wbcti2018", "ran2023"], "n": [6, 5],
    ...                     "gap": [-0.8, 0.2]})
    >>> fs = key_findings(gap, src, {"verdict": "Not supported.", "table": None})
    >>> print(fs[0].text)
    Over all 10 prevention-tier activities, prevention outweighs R&R: gap index -0.40 (-1 all primary/secondary prevention, +1 all R&R; 95 % bootstrap interval -0.60 to -0.10).
    >>> fs[1].kind, fs[1].text[:60]
    ('limit', 'The two documents lean opposite ways: the WBCTi report (2018')
    """
    out = []
    overall = _row(gap, "all", "all")
    if overall is None or int(overall["n"]) == 0:
        out.append(Finding("No prevention-tier activity in this selection: no gap index.", n=0, kind="limit"))
    else:
        g = float(overall["gap"])
        out.append(Finding(
            f"Over all {int(overall['n'])} prevention-tier activities, {_gap_words(g)}: gap index {g:.2f} "
            f"(-1 all primary/secondary prevention, +1 all R&R{_ci(overall)}).",
            n=int(overall["n"]), caveat="Counts of activities, not money: the sources rarely state amounts."))
    parts, signs, n_src = [], set(), 0
    for sid in ("wbcti2018", "ran2023"):
        r = _row(gap_by_source, "all", sid)
        if r is None or int(r["n"]) == 0 or pd.isna(r["gap"]):
            continue
        n_src += int(r["n"])
        parts.append(f"{SOURCE_NAMES.get(sid, sid)} {float(r['gap']):+.2f} ({int(r['n'])} activities, "
                     f"{_gap_words(float(r['gap']))})")
        if int(r["n"]) >= min_n:
            signs.add(float(r["gap"]) > 0)
    if parts:
        opposite = len(signs) == 2
        out.append(Finding(
            ("The two documents lean opposite ways: " if opposite else "By source document: ") + "; ".join(parts)
            + (". The overall figure hides this: it mixes what each document chose to describe." if opposite else "."),
            n=n_src, kind="limit" if opposite else "finding",
            caveat="A comparison of documents, which describe different years and were written for different "
                   "purposes."))
    verdict = str(claim.get("verdict", "")).strip()
    table = claim.get("table")
    n_ext = int(table.loc["external", ["R&R only", "prevention only", "both"]].sum()) if table is not None else None
    rr = claim.get("rr_share_external")
    if verdict:
        lead = ("Claim r-c-004 (most international grants go to R&R): "
                + (f"R&R is {float(rr) * 100:.1f} % of externally funded prevention-tier work. "
                   if rr is not None and rr == rr else ""))
        out.append(Finding(lead + verdict, n=n_ext,
                           kind="limit" if n_ext is not None and n_ext < 2 * min_n else "finding",
                           caveat="Funders are what the sources name; most activities name none."))
    for f in (period_limit, evidence_finding(evidence or {}, "the funding side of the claim test")):
        if f is not None:
            out.append(f)
    return out
