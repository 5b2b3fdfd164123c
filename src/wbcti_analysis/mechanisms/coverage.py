"""Which of the recommended sectors (:data:`RECOMMENDED_SECTORS`) each mechanism has.

A sector is **present** (a ``member_sector`` row present=true, or a member body of that
sector), **stated absent** (a present=false row only: a gap in the mechanism),
**disputed** (both) or **not stated** (nothing in the sources: a gap in the sources). The
counts keep the four apart, so a reader can tell a missing police role stated by a
source from one the sources merely do not mention.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from ._util import _as_list
from .features import feature_states, mechanism_evidence
from .select import select_mechanisms
from .vocabulary import RECOMMENDED_SECTORS

__all__ = ["sector_coverage", "missing_sectors", "most_often_missing", "sector_gaps"]


def sector_coverage(ds, mechanisms: Iterable[str] | None = None,
                    sectors: Iterable[str] | None = RECOMMENDED_SECTORS,
                    use_participations: bool = True) -> pd.DataFrame:
    """Return, per mechanism and sector, whether the sources show the sector as a member.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all.
    sectors : list of str, optional
        Values of the ``actors.sector`` enum; empty or None means :data:`RECOMMENDED_SECTORS`.
    use_participations : bool
        Count the sectors of member bodies (participations) as members.

    Returns
    -------
    DataFrame
        Index ``mechanism_id``, one column per sector (in the order given), values of
        :data:`COVERAGE_STATES`: ``present`` (a member_sector row present=true, or a member
        body of that sector), ``stated absent`` (only present=false rows), ``disputed``
        (both), ``not stated`` (nothing in the sources).

    Raises
    ------
    ValueError
        Naming ``sectors`` and any value not in the descriptor's sector enum.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, sector_coverage
    >>> cov = sector_coverage(example_dataset(), ["xk-a", "rs-b"], sectors=["law_enforcement", "health"])
    >>> cov.to_dict("index")
    {'rs-b': {'law_enforcement': 'stated absent', 'health': 'not stated'}, 'xk-a': {'law_enforcement': 'present', 'health': 'stated absent'}}
    """
    allowed = list(ds.field("actors", "sector").get("constraints", {}).get("enum", []))
    secs = _as_list(sectors) or list(RECOMMENDED_SECTORS)
    bad = [s for s in secs if s not in allowed]
    if bad:
        raise ValueError(f"sectors: unknown sector(s) {', '.join(repr(b) for b in bad)}; allowed: {', '.join(allowed)}")
    ids = select_mechanisms(ds, mechanisms)
    ev = mechanism_evidence(ds, ids, use_participations=use_participations)
    st = feature_states(ev[ev["feature"] == "member_sector"])
    label = {"present": "present", "absent": "stated absent", "disputed": "disputed"}
    out = pd.DataFrame("not stated", index=pd.Index(ids, name="mechanism_id"), columns=secs, dtype=object)
    for r in st.itertuples(index=False):
        if r.value in secs:
            out.at[r.mechanism_id, r.value] = label[r.state]
    return out


def missing_sectors(coverage: pd.DataFrame, exclude: Iterable[str] = (), described_only: bool = True) -> pd.DataFrame:
    """Return, per sector, how many mechanisms lack it, most often missing first.

    Parameters
    ----------
    coverage : DataFrame
        Output of :func:`sector_coverage`.
    exclude : list of str
        Mechanism ids not counted (e.g. the reference models).
    described_only : bool
        Count only the mechanisms for which the sources say something about at least one
        of the sectors (default). A mechanism with no membership information would add one
        to every sector alike: it changes no ranking, only dilutes the shares.

    Returns
    -------
    DataFrame
        Index ``sector``; columns ``present, stated_absent, disputed, not_stated``
        (numbers of mechanisms), ``missing`` (= not present), ``mechanisms`` (counted) and
        ``share_missing`` (missing / mechanisms, 0..1, rounded to 3 places). Sorted by
        ``missing`` then ``stated_absent`` (both descending), then the column order of
        ``coverage``.

    Examples
    --------
    Health is missing in both Western Balkan mechanisms of the example, once stated
    absent (xk-a) and once not stated (rs-b):

    >>> from wbcti_analysis.mechanisms import example_dataset, sector_coverage, missing_sectors
    >>> cov = sector_coverage(example_dataset())
    >>> miss = missing_sectors(cov, exclude=["uk-channel", "dk-aarhus-model"])
    >>> print(miss.reset_index().head(2).to_string(index=False))
           sector  present  stated_absent  disputed  not_stated  missing  mechanisms  share_missing
           health        0              1         0           1        2           2            1.0
    youth_culture        0              0         0           2        2           2            1.0
    """
    cov = coverage.drop(index=[e for e in exclude if e in coverage.index])
    if described_only and len(cov):
        cov = cov[(cov != "not stated").any(axis=1)]
    rows = []
    for pos, s in enumerate(cov.columns):
        vc = cov[s].value_counts()
        n = len(cov)
        present = int(vc.get("present", 0))
        rows.append({"sector": s, "present": present, "stated_absent": int(vc.get("stated absent", 0)),
                     "disputed": int(vc.get("disputed", 0)), "not_stated": int(vc.get("not stated", 0)),
                     "missing": n - present, "mechanisms": n,
                     "share_missing": round((n - present) / n, 3) if n else float("nan"), "_pos": pos})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = out.sort_values(["missing", "stated_absent", "_pos"], ascending=[False, False, True], kind="stable")
    return out.drop(columns="_pos").set_index("sector")


def most_often_missing(missing: pd.DataFrame) -> list[str]:
    """Return the sector(s) at the top of :func:`missing_sectors` (ties kept, in its order).

    Ties are sectors with the same ``missing`` and ``stated_absent`` counts; empty list
    when no mechanism is counted or no sector is missing anywhere.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, sector_coverage, missing_sectors
    >>> most_often_missing(missing_sectors(sector_coverage(example_dataset()), ["uk-channel", "dk-aarhus-model"]))
    ['health']
    """
    if missing.empty or missing["missing"].iloc[0] == 0:
        return []
    top = missing.iloc[0]
    tied = missing[(missing["missing"] == top["missing"]) & (missing["stated_absent"] == top["stated_absent"])]
    return list(tied.index)


def sector_gaps(coverage: pd.DataFrame) -> pd.DataFrame:
    """Return, per mechanism, the recommended sectors it lacks, split by how we know.

    Returns
    -------
    DataFrame
        Index ``mechanism_id``; columns ``present`` (count of sectors shown as members),
        ``stated_absent`` and ``not_stated`` (comma-joined sector lists, '' if none).

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, sector_coverage, sector_gaps
    >>> gaps = sector_gaps(sector_coverage(example_dataset(), ["rs-b"]))
    >>> gaps.loc["rs-b"].to_dict()
    {'present': 3, 'stated_absent': 'law_enforcement', 'not_stated': 'health, youth_culture, justice, religious'}
    """
    rows = []
    for mid, r in coverage.iterrows():
        rows.append({"mechanism_id": mid, "present": int((r == "present").sum()),
                     "stated_absent": ", ".join(s for s in coverage.columns if r[s] in ("stated absent", "disputed")),
                     "not_stated": ", ".join(s for s in coverage.columns if r[s] == "not stated")})
    return pd.DataFrame(rows, columns=["mechanism_id", "present", "stated_absent", "not_stated"]).set_index(
        "mechanism_id")

