"""The headline figures of the coordination-graph analysis (notebook 01), as
:class:`wbcti_analysis.headlines.Headline` objects with their n and caveat."""
from __future__ import annotations

import math
import re

from ..headlines import Headline
from .core import LAW_ENFORCEMENT

__all__ = ["headline_figures"]


def _num(x, nd: int = 3):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else round(x, nd)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _top_broker(metrics) -> tuple[str | None, str]:
    """The actor with the most cross-sector brokerage, and a caveat naming any tie for first place."""
    if metrics is None or not len(metrics) or metrics["sector_brokerage"].iloc[0] <= 0:
        return None, "no actor brokers between sectors in this selection"
    best = metrics["sector_brokerage"].iloc[0]
    tied = metrics.loc[metrics["sector_brokerage"] == best, "label"].astype(str).tolist()
    caveat = f"tied with {', '.join(tied[1:])} ({best} brokerage paths each)" if len(tied) > 1 else ""
    return str(tied[0]), caveat


def _test_figures(test, sector: str, combined_row: str | None) -> list[Headline]:
    """p-value and verdict of the main row (and of ``combined_row``) of a sector tie test."""
    words = sector.replace("_", " ")
    thin = bool(test.attrs.get("thin", True)) if test is not None else True
    main = test.iloc[-1] if test is not None and len(test) else None
    n_ties = test.attrs.get("sector_ties") if test is not None else None
    draws = test.attrs.get("n_draws", 0) if test is not None else 0
    caveat = (test.attrs.get("message", "") if thin and test is not None else
              f"mid-p from {draws} degree-preserving rewirings; ties are what the sources record")
    out = [
        Headline(f"{sector}_test_p_fewer", f"p-value: {words} has fewer ties to other sectors than "
                 "degree-preserving rewiring gives", None if thin or main is None else _num(main["p_fewer"], 4),
                 "p-value", n_ties, caveat),
        Headline(f"{sector}_test_verdict", f"Verdict of the {words} tie test",
                 None if main is None else str(main["verdict"]), "", n_ties, caveat),
    ]
    if combined_row is not None and test is not None and combined_row in set(test["other_sector"]):
        row = test.set_index("other_sector").loc[combined_row]
        slug = _slug(combined_row.split(" (")[0])
        row_thin = thin or str(row["verdict"]).startswith("too thin")
        ties = int(row["observed_ties"]) if row["observed_ties"] == row["observed_ties"] else None
        out += [
            Headline(f"{sector}_{slug}_test_p_fewer",
                     f"p-value: {words} has fewer ties to the {combined_row} than rewiring gives",
                     None if row_thin else _num(row["p_fewer"], 4), "p-value", ties, caveat),
            Headline(f"{sector}_{slug}_test_verdict", f"Verdict for the {combined_row}", str(row["verdict"]), "",
                     ties, caveat),
        ]
    return out


def headline_figures(metrics, summary: dict, ei, test, sector: str = LAW_ENFORCEMENT,
                     combined_row: str | None = None) -> list[Headline]:
    """The few key results of the coordination-graph analysis, with their n and caveat.

    Missing results (an empty graph, a test too thin to decide) give None values, never
    an error.

    Parameters
    ----------
    metrics : DataFrame or None
        From :func:`~wbcti_analysis.graphs.metrics.actor_metrics` (sorted by sector
        brokerage).
    summary : dict
        From :func:`~wbcti_analysis.graphs.metrics.graph_summary`.
    ei : DataFrame or None
        From :func:`~wbcti_analysis.graphs.mixing.ei_index` by sector.
    test : DataFrame or None
        From :func:`~wbcti_analysis.graphs.null_models.sector_tie_test`.
    sector : str
        The tested sector.
    combined_row : str, optional
        A combined-sectors row of the test to report as well (its p-value and verdict).

    Returns
    -------
    list of Headline
        Keys ``graph_actors``, ``graph_ties``, ``share_in_largest_component``,
        ``top_cross_sector_broker``, ``ei_index_<sector>``, ``<sector>_test_p_fewer``,
        ``<sector>_test_verdict`` and, with ``combined_row``, its p-value and verdict.
        Pass the list to :func:`wbcti_analysis.headlines.record`.

    Examples
    --------
    >>> heads = headline_figures(None, {"actors": 12, "ties": 31, "share_in_largest_component": 0.9}, None, None)
    >>> [(h.key, h.value, h.n) for h in heads][:3]
    [('graph_actors', 12, 12), ('graph_ties', 31, 12), ('share_in_largest_component', 0.9, 12)]
    """
    n_actors = summary.get("actors")
    words = sector.replace("_", " ")
    top, top_caveat = _top_broker(metrics)
    has_ei = ei is not None and sector in ei.index
    ei_n = int(ei.loc[sector, "internal"] + ei.loc[sector, "external"]) if has_ei else None
    heads = [
        Headline("graph_actors", "Actors in the analysed coordination graph", n_actors, "actors", n_actors,
                 "only actors and ties the two source documents record"),
        Headline("graph_ties", "Ties in the analysed coordination graph", summary.get("ties"), "ties", n_actors,
                 "a shared activity counts as a tie, however large the activity"),
        Headline("share_in_largest_component", "Share of actors in the largest connected component",
                 _num(summary.get("share_in_largest_component")), "share of actors", n_actors),
        Headline("top_cross_sector_broker", "Actor with the most cross-sector brokerage (Gould-Fernandez)", top,
                 "", n_actors, top_caveat),
        Headline(f"ei_index_{sector}", f"Krackhardt E-I index of {words} by sector (-1 inward, +1 outward)",
                 _num(ei.loc[sector, "ei_index"]) if has_ei else None, "", ei_n,
                 "depends on sector sizes; the permutation test says whether it is more closed than chance"),
    ]
    return heads + _test_figures(test, sector, combined_row)
