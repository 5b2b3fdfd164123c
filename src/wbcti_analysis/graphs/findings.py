"""Key findings of the coordination-graph analysis (notebook 01) in plain sentences.

Each :class:`~wbcti_analysis.findings.Finding` carries its number, its n and its caveat;
ties for first place are reported as ties; a test too thin to decide, or a period
comparison that is really a comparison of the two documents, becomes a ``"limit"``.
The claims tested are rows of the ``claims`` table: ``w-c-003`` (the WBCTi report: its
three regional networks link police operatives to the policy level) and ``r-c-003`` (the
RAN paper: law enforcement and the frontline sectors cooperate weakly).
"""
from __future__ import annotations

from ..findings import Finding
from ..findings_support import evidence_finding, names_list
from .core import LAW_ENFORCEMENT

__all__ = ["key_findings", "CLAIMS"]

#: The source claims this analysis tests (``claims.claim_id``).
CLAIMS = ("w-c-003", "r-c-003")


def _f(x, nd=3) -> str:
    return f"{float(x):.{nd}f}"


def _test_findings(test, sector: str, combined_row: str | None, ei=None) -> list[Finding]:
    words = sector.replace("_", " ")
    if test is None or not len(test):
        return [Finding(f"No {words} actor is in the graph: the tie test cannot run.", n=0, kind="limit")]
    draws = int(test.attrs.get("n_draws", 0))
    n_ties = test.attrs.get("sector_ties")
    if test.attrs.get("thin", False):
        return [Finding(f"The {words} tie test is too thin to decide: {test.attrs.get('message', '')}",
                        n=n_ties, kind="limit")]
    out = []
    main = test.iloc[-1]
    out.append(Finding(
        f"{words[:1].upper() + words[1:]} bodies have {int(main['observed_ties'])} ties to other sectors against "
        f"{float(main['expected_ties']):.1f} expected if ties were random but every actor kept its number of "
        f"partners (mid-p = {_f(main['p_fewer'])}, {draws:,} rewirings): {main['verdict']} (claim r-c-003)."
        + (f" Their E-I index is {_f(ei.loc[sector, 'ei_index'])} (-1: all ties inside the sector, +1: all "
           "outside), high only because the sector is small." if ei is not None and sector in ei.index else ""),
        n=n_ties, caveat="Ties are what the two documents record; a tie the sources do not mention is absent "
                         "here, whatever happens in practice."))
    if combined_row is not None and combined_row in set(test["other_sector"]):
        row = test.set_index("other_sector").loc[combined_row]
        verdict = str(row["verdict"])
        kind = "limit" if verdict.startswith("too thin") else "finding"
        out.append(Finding(
            f"With the {combined_row} (social welfare, education, health, religious communities, civil society ...) "
            f"law enforcement has {int(row['observed_ties'])} ties against {float(row['expected_ties']):.1f} "
            f"expected (mid-p = {_f(row['p_fewer'])}): {verdict}.",
            n=int(row["observed_ties"]), kind=kind,
            caveat="The frontline sectors are few and small in the data; read the sector rows of the test table."))
    return out


def _ei_finding(ei, sector: str) -> Finding | None:
    if ei is None or sector not in ei.index:
        return None
    r = ei.loc[sector]
    n = int(r["internal"] + r["external"])
    return Finding(
        f"Of the {n} ties of {sector.replace('_', ' ')} bodies, {int(r['external'])} reach other sectors "
        f"(E-I index {_f(r['ei_index'])}, where -1 means all ties inside the sector and +1 all outside).",
        n=n, caveat="A small sector has mostly outside ties by arithmetic alone; the tie test above corrects "
                    "for that.")


def _broker_finding(metrics) -> Finding | None:
    if metrics is None or not len(metrics):
        return None
    best = metrics["sector_brokerage"].max()
    if best <= 0:
        return Finding("No actor sits between two sectors that are not otherwise tied.", n=len(metrics), kind="limit")
    tied = metrics.loc[metrics["sector_brokerage"] == best]
    labels = tied["label"].astype(str).tolist()
    if len(labels) > 1:
        return Finding(f"{names_list(labels)} tie as the strongest brokers between sectors "
                       f"({int(best)} brokerage paths each); no single broker can be named.",
                       n=len(metrics), kind="limit", rows=tied["actor_id"].astype(str).tolist())
    return Finding(f"{labels[0]} brokers most between sectors: it lies on {int(best):,} paths joining actors of "
                   "different sectors that are not tied to each other (Gould-Fernandez brokerage).",
                   n=len(metrics), rows=tied["actor_id"].astype(str).tolist(),
                   caveat="A funder or convenor of many activities brokers by construction of the graph.")


def _bridge_finding(bridge, networks, labels: dict) -> Finding | None:
    if bridge is None:
        return None
    pairs = int(bridge.attrs.get("connected_pairs", 0))
    if pairs == 0:
        return Finding("No path joins law-enforcement and policy-coordination actors in this selection: the "
                       "claim that the WBCTi networks bridge them (w-c-003) cannot be checked.", n=0, kind="limit")
    found = [n for n in networks if n in bridge.index]
    if not found:
        return Finding("None of the three WBCTi regional networks is in this selection (claim w-c-003 not "
                       "checked).", n=pairs, kind="limit")
    ranked = len(bridge)
    parts = [f"{labels.get(n, n)} lies on {float(bridge.at[n, 'path_share']) * 100:.1f} % of them (rank "
             f"{int(bridge.at[n, 'path_rank'])} of {ranked})" for n in found]
    return Finding(
        f"Between {bridge.attrs.get('actors_a')} law-enforcement and {bridge.attrs.get('actors_b')} "
        f"policy-coordination actors there are {pairs:,} connected pairs; of the shortest paths joining them, "
        + "; ".join(parts) + " (claim w-c-003).",
        n=pairs, rows=found, caveat="Path shares count shortest paths in the recorded graph, not information "
                                    "that actually flowed.")


def key_findings(metrics, summary: dict, ei, test, *, bridge=None, networks=(), evidence: dict | None = None,
                 period_limit: Finding | None = None, sector: str = LAW_ENFORCEMENT,
                 combined_row: str | None = None) -> list[Finding]:
    """Return the key findings of notebook 01 (3-8 sentences, limits included).

    Parameters
    ----------
    metrics : DataFrame or None
        :func:`~wbcti_analysis.graphs.actor_metrics` (``actor_id``, ``label``,
        ``sector_brokerage``).
    summary : dict
        :func:`~wbcti_analysis.graphs.graph_summary` of the analysed graph.
    ei : DataFrame or None
        :func:`~wbcti_analysis.graphs.ei_index` by sector.
    test : DataFrame or None
        :func:`~wbcti_analysis.graphs.sector_tie_test` (its last row is all other
        sectors together; ``p_fewer`` is a mid-p value).
    bridge : DataFrame, optional
        :func:`~wbcti_analysis.graphs.bridging` between law enforcement and policy
        coordination.
    networks : sequence of str
        Actor ids of the WBCTi regional networks (claim ``w-c-003``).
    evidence : dict, optional
        :func:`~wbcti_analysis.findings_support.evidence_counts` of the selection.
    period_limit : Finding, optional
        From :func:`~wbcti_analysis.findings_support.period_source_limit`.
    sector : str
        The tested sector.
    combined_row : str, optional
        The combined-sectors row of the test to report.

    Returns
    -------
    list of Finding
        The tie test (and its combined row), the E-I index, the networks' bridging, the
        top broker (a tie as a limit), the graph's size with its evidence kinds and the
        period limit, in that order, each present when its input is.

    Examples
    --------
    >>> fs = key_findings(None, {"actors": 0, "ties": 0, "share_in_largest_component": float("nan")}, None, None)
    >>> [(f.kind, f.n) for f in fs]
    [('limit', 0), ('limit', 0)]
    >>> fs[0].text
    'The graph of this selection is empty: the data is too thin for any result.'
    """
    n_actors = summary.get("actors") or 0
    if not n_actors:
        out = [Finding("The graph of this selection is empty: the data is too thin for any result.", n=0,
                       kind="limit")]
        return out + _test_findings(test, sector, combined_row)
    share = summary.get("share_in_largest_component")
    size = (f"the graph's {summary.get('ties', 0):,} ties among {n_actors:,} actors "
            f"({float(share) * 100:.1f} % of them in its largest connected part)")
    out = _test_findings(test, sector, combined_row, ei)
    for f in (None if out and out[0].kind == "finding" else _ei_finding(ei, sector),
              _bridge_finding(bridge, networks, dict(zip(metrics["actor_id"], metrics["label"]))
                              if metrics is not None and len(metrics) else {}),
              _broker_finding(metrics), evidence_finding(evidence or {}, size), period_limit):
        if f is not None:
            out.append(f)
    return out
