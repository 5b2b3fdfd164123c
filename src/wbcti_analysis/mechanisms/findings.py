"""Key findings of the mechanisms comparison (notebook 04) in plain sentences.

Built from the headline figures (:func:`~wbcti_analysis.mechanisms.headline_figures`) and
the clustering. A distance resting on few compared values, a "missing" sector that no
source states absent, or a tie between nearest mechanisms becomes a ``"limit"``.
"""
from __future__ import annotations

import re

from ..display import human_label
from ..findings import Finding
from ..findings_support import evidence_finding, names_list

__all__ = ["key_findings"]

#: A distance resting on fewer compared values than this is reported as a limit.
THIN_COMPARED = 8


def _by_key(heads) -> dict:
    return {h.key: h for h in heads}


def _name(names: dict, mid: str) -> str:
    return names.get(mid, mid)


def _cluster_finding(clustering, names: dict) -> Finding | None:
    if clustering is None or clustering.linkage is None or clustering.clusters.empty:
        return Finding("Too few mechanisms share comparable evidence to form clusters.", n=0, kind="limit")
    cl = clustering.clusters
    sizes = cl["cluster"].value_counts()
    biggest = sizes.index[0]
    members = cl.loc[cl["cluster"] == biggest, "mechanism_id"].astype(str).tolist()
    single = int((sizes == 1).sum())
    return Finding(
        f"Cut at distance {clustering.threshold:g}, the {len(cl)} mechanisms fall into {len(sizes)} "
        f"group{'s' if len(sizes) != 1 else ''}; the "
        f"largest gathers {len(members)}: {names_list([_name(names, m) for m in members], 5)}"
        + (f"; {single} mechanisms stand alone." if single else "."),
        n=len(cl), rows=members if len(members) <= 15 else [],
        caveat="Similarity counts only what both sources state about both mechanisms; a thinly described "
               "mechanism looks similar to many.")


def _closest_finding(h, model: str, names: dict) -> Finding | None:
    if h is None:
        return None
    if h.value is None:
        return Finding(f"No mechanism can be compared with the {model} model: {h.caveat}", n=h.n or 0, kind="limit")
    best = [b.strip() for b in str(h.value).split(",")]
    who = names_list([_name(names, b) for b in best])
    thin = h.n is not None and h.n < THIN_COMPARED
    tie = len(best) > 1
    m = re.match(r"(\w+ distance [-+\d.e]+)", h.caveat or "")
    how = f" ({m.group(1)}, on {h.n} or more compared values)" if m else ""
    text = f"{who} {'tie as' if tie else 'is'} closest to the {model} model{how}"
    if thin:
        text += f"; this rests on only {h.n} compared values, too few to call the mechanisms alike"
    return Finding(text + ".", n=h.n, kind="limit" if thin or tie else "finding", rows=best,
                   caveat="The reference models are described in a few lines of the RAN paper.")


def _sector_finding(heads: dict) -> Finding | None:
    h = heads.get("mechanisms_most_often_missing_sector")
    if h is None or h.value is None:
        return None
    k = heads["mechanisms_missing_sector_count"].value
    absent = heads["mechanisms_missing_sector_stated_absent"].value
    unstated = heads["mechanisms_missing_sector_not_stated"].value
    sectors = names_list([human_label(s.strip()) for s in str(h.value).split(",")])
    text = (f"{sectors} {'are' if ',' in str(h.value) else 'is'} the recommended sector most often not shown as a "
            f"member: in {k} of {h.n} Western Balkan mechanisms ({absent} stated absent, {unstated} not stated)")
    if not absent:
        return Finding(text + "; no source says it is absent, so this is a gap in the sources more than in the "
                              "mechanisms.", n=h.n, kind="limit")
    return Finding(text + ".", n=h.n, caveat="'Not stated' is a gap in the sources, which list members by example.")


def key_findings(heads, clustering=None, *, names: dict | None = None, evidence: dict | None = None
                 ) -> list[Finding]:
    """Return the key findings of notebook 04 (3-6 sentences, limits included).

    Parameters
    ----------
    heads : list of Headline
        :func:`~wbcti_analysis.mechanisms.headline_figures`.
    clustering : Clustering, optional
        :func:`~wbcti_analysis.mechanisms.cluster_mechanisms`.
    names : dict, optional
        Mechanism id -> name.
    evidence : dict, optional
        Evidence counts of the mechanism features (and participations).

    Returns
    -------
    list of Finding
        The clusters, the mechanisms closest to UK Channel and to Aarhus (a tie or a thin
        comparison as a limit), the sector most often missing (a limit when no source
        states it absent), the evidence kinds.

    Examples
    --------
    >>> from wbcti_analysis.headlines import Headline
    >>> h = Headline("mechanisms_closest_to_aarhus", "x", "a, b", n=5, caveat="jaccard distance 0 to dk")
    >>> fs = key_findings([h], names={"a": "Model A"})
    >>> fs[1].kind, fs[1].text
    ('limit', 'Model A and b tie as closest to the Aarhus model (jaccard distance 0, on 5 or more compared values); this rests on only 5 compared values, too few to call the mechanisms alike.')
    """
    names = names or {}
    hd = _by_key(heads)
    out = [_cluster_finding(clustering, names)]
    out.append(_closest_finding(hd.get("mechanisms_closest_to_uk_channel"), "UK Channel", names))
    out.append(_closest_finding(hd.get("mechanisms_closest_to_aarhus"), "Aarhus", names))
    out.append(_sector_finding(hd))
    out.append(evidence_finding(evidence or {}, "the comparison"))
    return [f for f in out if f is not None]
