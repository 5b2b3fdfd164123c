"""Sentences every analysis' key findings share: evidence kinds, the source mix of periods, ties.

Used by the ``key_findings`` builders of :mod:`wbcti_analysis.graphs.findings`,
:mod:`~wbcti_analysis.funding.findings`, :mod:`~wbcti_analysis.prevention.findings` and
:mod:`~wbcti_analysis.mechanisms.findings`. pandas is imported inside the functions.
"""
from __future__ import annotations

from .findings import Finding

__all__ = ["evidence_counts", "evidence_finding", "period_source_limit", "pct", "names_list", "SOURCE_NAMES"]

#: How the two sources are named in sentences.
SOURCE_NAMES = {"wbcti2018": "the WBCTi report (2018)", "ran2023": "the RAN paper (2023)"}


def pct(share, digits: int = 0) -> str:
    """A share 0-1 as a percentage: ``pct(0.887)`` -> ``'89 %'``.

    Examples
    --------
    >>> pct(0.8868), pct(0.8868, 1), pct(None)
    ('89 %', '88.7 %', 'n/a')
    """
    if share is None or share != share:
        return "n/a"
    return f"{float(share) * 100:.{digits}f} %"


def names_list(items, limit: int = 6) -> str:
    """Join names for a sentence, "A, B and C"; a longer list ends with "and k more".

    Examples
    --------
    >>> names_list(["A"]), names_list(["A", "B", "C"]), names_list(list("ABCDEFGH"), 3)
    ('A', 'A, B and C', 'A, B, C and 5 more')
    """
    items = [str(i) for i in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def evidence_counts(ds, tables=("participations", "funding", "relations", "figures", "mechanism_features")) -> dict:
    """``{table: {"stated": n, "inferred": m}}`` for the tables of ``ds`` that have an ``evidence`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> class D: tables = {"funding": pd.DataFrame({"evidence": ["stated", "inferred", "stated"]})}
    >>> evidence_counts(D())
    {'funding': {'stated': 2, 'inferred': 1}}
    """
    out = {}
    for name in tables:
        df = ds.tables.get(name)
        if df is None or "evidence" not in df.columns:
            continue
        counts = df["evidence"].astype(str).value_counts()
        out[name] = {"stated": int(counts.get("stated", 0)), "inferred": int(counts.get("inferred", 0))}
    return out


def evidence_finding(counts: dict, what: str) -> Finding | None:
    """One sentence on how many rows a result rests on of each evidence kind (None without counts).

    Examples
    --------
    >>> f = evidence_finding({"funding": {"stated": 30, "inferred": 6}}, "the funding results")
    >>> f.text
    'Rows behind the funding results: 36 funding rows (30 stated by a source, 6 inferred by the coders).'
    >>> f.caveat
    'Switch the include_inferred parameter off to see the results on stated rows only.'
    """
    parts, total, inferred = [], 0, 0
    for table, c in counts.items():
        n = c["stated"] + c["inferred"]
        if not n:
            continue
        total += n
        inferred += c["inferred"]
        parts.append(f"{n:,} {table.replace('_', ' ')} rows ({c['stated']:,} stated by a source, "
                     f"{c['inferred']:,} inferred by the coders)")
    if not parts:
        return None
    caveat = ("Switch the include_inferred parameter off to see the results on stated rows only." if inferred else
              "Every row is stated by a source (or inferred rows were left out).")
    return Finding(f"Rows behind {what}: " + "; ".join(parts) + ".", n=total, caveat=caveat)


def period_source_limit(activities, periods, what: str = "the period comparison", dominant_share: float = 0.8
                        ) -> Finding | None:
    """A "limit" finding when one source dominates each compared period (None when none does).

    Parameters
    ----------
    activities : DataFrame
        With ``source_id``.
    periods : Series
        The activities' periods, aligned; "undated" is left out.
    what : str
        What compares the periods (for the sentence).
    dominant_share : float
        Share (0-1) from which a source dominates a period.

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({"source_id": ["wbcti2018"] * 9 + ["ran2023"] * 4})
    >>> per = pd.Series(["before 2018"] * 9 + ["2018 onwards"] * 4)
    >>> print(period_source_limit(acts, per).text)  # doctest: +NORMALIZE_WHITESPACE
    In the period comparison, before 2018 rests for 100 % on the WBCTi report (2018) (9 activities) and 2018
    onwards for 100 % on the RAN paper (2023) (4 activities): the comparison is between the two documents
    more than between years.
    """
    from .prevention.effort import source_mix

    per = periods.astype(str)
    keep = per != "undated"
    if not keep.any():
        return None
    mix = source_mix(activities[keep.values].reset_index(drop=True), per[keep].reset_index(drop=True),
                     dominant_share)
    dom = mix[mix["dominant"]]
    if dom.empty or dom["period"].nunique() < 2 or dom["source_id"].nunique() < 2:
        return None
    parts = [f"{r.period} {'rests' if i == 0 else ''}{' ' if i == 0 else ''}for {pct(r.share)} on "
             f"{SOURCE_NAMES.get(r.source_id, r.source_id)} ({int(r.period_n)} activities)"
             for i, r in enumerate(dom.itertuples(index=False))]
    text = (f"In {what}, " + " and ".join(parts) +
            ": the comparison is between the two documents more than between years.")
    return Finding(text, n=int(dom["period_n"].sum()), kind="limit",
                   caveat="Read each document on its own (the source-mix table) before reading a change over time.")
