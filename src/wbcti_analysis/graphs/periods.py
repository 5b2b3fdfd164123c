"""Change over time: the graphs of consecutive periods and what changes between them."""
from __future__ import annotations

from .build import build_graphs
from ..params.checking import as_parameter_values, check, restrict
from ..params.model import ParameterError
from .core import LAW_ENFORCEMENT, NOTEBOOK, _require
from .metrics import graph_summary
from .mixing import ei_index

__all__ = ["period_bounds", "period_graphs", "compare_periods"]


def period_bounds(split_years, start_year=None, end_year=None) -> list[tuple[str, int | None, int | None]]:
    """Return the periods ``[(label, first year, last year), ...]`` cut at ``split_years``.

    Each split year starts a new period. None (or 0) bounds are open.

    Parameters
    ----------
    split_years : int or list of int
        First year of every period but the first.
    start_year, end_year : int, optional
        Outer bounds (inclusive); None or 0 means open.

    Returns
    -------
    list of (str, int or None, int or None)

    Raises
    ------
    ValueError
        No split year; split years or bounds that notebook 01's declaration does not allow
        (a :class:`~wbcti_analysis.params.ParameterError`: years in 1900..2100, 0 or None
        for an open bound, each split year after ``start_year`` and not after ``end_year``).

    Examples
    --------
    >>> period_bounds([2018])
    [('up to 2017', None, 2017), ('2018 onwards', 2018, None)]
    >>> period_bounds(2018, start_year=2015)
    [('2015-2017', 2015, 2017), ('2018 onwards', 2018, None)]
    """
    years = _require({"start_year": start_year, "end_year": end_year})
    if isinstance(split_years, int) and not isinstance(split_years, bool):
        split_years = [split_years]
    if isinstance(split_years, (str, bytes, dict)) or not hasattr(split_years, "__iter__"):
        raise ValueError(f"split_year must be a year or a list of years, got {split_years!r}")
    if not list(split_years):
        raise ValueError("split_year: give at least one year")
    # each split year as notebook 01's split_year, with its rule (after start_year, not after end_year)
    problems = []
    for s in dict.fromkeys(split_years):
        given = as_parameter_values(NOTEBOOK, {**years, "split_year": s, "period_start": 0})
        problems += [p for p in check(restrict(NOTEBOOK, given), given) if p not in problems]
    if problems:
        raise ParameterError(problems, NOTEBOOK)
    start_year, end_year = (years[name] or None for name in ("start_year", "end_year"))
    splits = sorted({int(s) for s in split_years})
    lows = [start_year] + splits
    highs = [s - 1 for s in splits] + [end_year]
    out = []
    for lo, hi in zip(lows, highs):
        if lo is None:
            label = f"up to {hi}"
        elif hi is None:
            label = f"{lo} onwards"
        elif lo == hi:
            label = str(lo)
        else:
            label = f"{lo}-{hi}"
        out.append((label, lo, hi))
    return out


def period_graphs(ds, split_years=2018, start_year=None, end_year=None, selection=None, **build_kwargs) -> dict:
    """Build :class:`~wbcti_analysis.graphs.build.CoordinationGraphs` for each period of
    :func:`period_bounds`.

    An activity belongs to every period its dates overlap; undated activities and
    relations without an activity cannot be placed and are left out
    (``keep_undated=False``).

    Parameters
    ----------
    ds : Dataset
    split_years, start_year, end_year
        As :func:`period_bounds`.
    selection : Selection, optional
        The rest of the selection (countries, tiers, themes, roles); its years are
        replaced by each period's.
    **build_kwargs
        Passed to :func:`~wbcti_analysis.graphs.build.build_graphs`.

    Returns
    -------
    dict
        ``{label: CoordinationGraphs}`` in time order.

    Examples
    --------
    >>> import wbcti_analysis
    >>> list(period_graphs(wbcti_analysis.load(), 2018, start_year=2015))
    ['2015-2017', '2018 onwards']
    """
    build_kwargs = dict(build_kwargs)
    build_kwargs["keep_undated"] = False
    return {label: build_graphs(ds, selection, **{**build_kwargs, "start_year": lo, "end_year": hi})
            for label, lo, hi in period_bounds(split_years, start_year, end_year)}


def _change(seq: list[bool], labels: list[str]) -> str:
    """How an item's presence changes over the periods."""
    if all(seq):
        return "stays"
    first = seq.index(True)
    last = len(seq) - 1 - seq[::-1].index(True)
    if any(not x for x in seq[first:last + 1]):
        return "intermittent"
    if first > 0 and last == len(seq) - 1:
        return "appears"
    if first == 0 and last < len(seq) - 1:
        return "vanishes"
    return "only " + labels[first] if first == last else "appears and vanishes"


def _presence(items_by_period: dict, key_cols: list[str], labels: list[str]):
    """One row per item present in some period: ``present_<label>`` flags and ``change``."""
    import pandas as pd

    allk = sorted(set().union(*items_by_period.values())) if items_by_period else []
    df = pd.DataFrame(allk, columns=key_cols) if allk else pd.DataFrame(columns=key_cols)
    flags = []
    for lab in labels:
        col = f"present_{lab}"
        df[col] = [k in items_by_period[lab] for k in allk]
        flags.append(col)
    if len(df):
        patterns = list(zip(*(df[c].tolist() for c in flags)))
        named = {p: _change(list(p), labels) for p in set(patterns)}  # at most 2^periods patterns
        df["change"] = [named[p] for p in patterns]
    else:
        df["change"] = pd.Series(dtype=object)
    return df


def _period_summary(Gs: dict, sector: str):
    import pandas as pd

    summ = []
    for lab, G in Gs.items():
        s = {"period": lab, **graph_summary(G)}
        ei = ei_index(G, "sector")
        s["ei_all_sectors"] = float(ei.loc["(all)", "ei_index"])
        s[f"ei_{sector}"] = float(ei.loc[sector, "ei_index"]) if sector in ei.index else float("nan")
        s[f"{sector}_actors"] = int(ei.loc[sector, "actors"]) if sector in ei.index else 0
        summ.append(s)
    return pd.DataFrame(summ).set_index("period")


def _degree_betweenness(G, seed: int):
    """``actor_metrics(G, seed)[["actor_id", "degree", "betweenness"]]``, in its row order, without the rest."""
    import pandas as pd

    from .brokers import brokerage
    from .centrality import betweenness_centrality
    from .core import BROKERAGE_ROLES, canonical

    G = canonical(G)
    nodes = sorted(G)
    if not nodes:
        return pd.DataFrame(columns=["actor_id", "degree", "betweenness"])
    bt = betweenness_centrality(G, seed=seed)
    b = brokerage(G, "sector")
    df = pd.DataFrame({"actor_id": nodes, "degree": [G.degree(n) for n in nodes],
                       "betweenness": [bt[n] for n in nodes],
                       "sector_brokerage": b.loc[nodes, list(BROKERAGE_ROLES[1:])].sum(axis=1).to_numpy()})
    df = df.sort_values(["sector_brokerage", "betweenness", "actor_id"], ascending=[False, False, True])
    return df.reset_index(drop=True)[["actor_id", "degree", "betweenness"]]


def _movers(Gs: dict, seed: int):
    import pandas as pd

    labels = list(Gs)
    movers = [_degree_betweenness(G, seed).set_index("actor_id").add_suffix(f"_{lab}") for lab, G in Gs.items()]
    mv = pd.concat(movers, axis=1).fillna(0) if movers else pd.DataFrame()
    if len(labels) >= 2 and len(mv):
        mv["degree_change"] = mv[f"degree_{labels[-1]}"] - mv[f"degree_{labels[0]}"]
        mv["betweenness_change"] = mv[f"betweenness_{labels[-1]}"] - mv[f"betweenness_{labels[0]}"]
        mv = mv.sort_values(["degree_change", "betweenness_change"], ascending=False, key=abs, kind="stable")
    mv.index.name = "actor_id"
    return mv.reset_index()


def compare_periods(graphs: dict, graph: str = "union", sector: str = LAW_ENFORCEMENT, seed: int = 42) -> dict:
    """What appears, vanishes and moves between consecutive periods.

    Parameters
    ----------
    graphs : dict
        ``{label: CoordinationGraphs}`` from :func:`period_graphs`.
    graph : str
        Which actor graph to compare.
    sector : str
        The sector whose E-I index and actors the summary follows.
    seed : int
        Seed of :func:`~wbcti_analysis.graphs.metrics.actor_metrics`.

    Returns
    -------
    dict of DataFrames
        ``summary``: one row per period with
        :func:`~wbcti_analysis.graphs.metrics.graph_summary`, the whole-graph and
        ``sector``'s E-I index by sector and ``sector``'s actors;
        ``actors``: one row per actor present in some period (``present_<label>`` bools,
        ``change``: ``appears`` / ``vanishes`` / ``stays`` / ``intermittent`` over the
        periods); ``ties``: the same for ties (``u``, ``v``); ``movers``: degree and
        betweenness per period of every actor, with ``degree_change`` and
        ``betweenness_change`` (last period minus first).

    Examples
    --------
    >>> import wbcti_analysis
    >>> cmp = compare_periods(period_graphs(wbcti_analysis.load(), 2018, start_year=2015))
    >>> sorted(cmp)
    ['actors', 'movers', 'summary', 'ties']
    """
    labels = list(graphs)
    Gs = {lab: graphs[lab].graph(graph) for lab in labels}
    actors = _presence({lab: {(n,) for n in Gs[lab]} for lab in labels}, ["actor_id"], labels)
    attrs = {}
    for lab in labels:
        attrs.update({n: (d.get("label", n), d.get("sector", "")) for n, d in Gs[lab].nodes(data=True)})
    actors.insert(1, "label", [attrs.get(a, ("", ""))[0] for a in actors["actor_id"]])
    actors.insert(2, "sector", [attrs.get(a, ("", ""))[1] for a in actors["actor_id"]])
    ties = _presence({lab: {tuple(sorted(e)) for e in Gs[lab].edges()} for lab in labels}, ["u", "v"], labels)
    return {"summary": _period_summary(Gs, sector), "actors": actors, "ties": ties, "movers": _movers(Gs, seed)}
