"""Withdrawal scenarios: what falls away if one funder, or a set of funders, stops paying.

Removing a set of funders (:func:`withdraw`) removes their funder links. An activity *loses
all its funding* when it had at least one funder and all of them were removed. Activities
without a recorded funder are assumed to continue (the data does not say they depend on
anyone). The coordination graph is the actor-actor co-participation projection of
``participations`` (:func:`wbcti_analysis.graphs.project_actors`: two actors are tied when
they take part in the same activity in any role; the weight counts shared activities). The
graph *after* the withdrawal keeps the participations of the activities that keep some
funding or never had any, without the withdrawn funders' own ``funder`` participations.
Its largest connected component before and after is the robustness measure of network
science under node removal [1]_.

References
----------
.. [1] Albert, R., Jeong, H. and Barabasi, A.-L. (2000). Error and attack tolerance of
   complex networks. *Nature*, 406, 378-382.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from .checks import _as_str_list, _check_actor_ids
from .links import _funder_table, activity_funding, funder_links

__all__ = ["WithdrawalResult", "withdraw", "rank_funders"]


def _coparticipation_graph(participations: pd.DataFrame):
    """Actor-actor projection: actors tied when they share an activity; weight = shared activities.

    The projection of :mod:`wbcti_analysis.graphs` (:func:`~wbcti_analysis.graphs.project_actors`
    of the actor x activity graph, any role, ``weighting="count"``).
    """
    from ..graphs import bipartite_graph, project_actors

    return project_actors(bipartite_graph(participations[["actor_id", "activity_id", "role"]]), weighting="count")


def _largest(g: nx.Graph) -> set:
    comps = list(nx.connected_components(g))
    if not comps:
        return set()
    return sorted(comps, key=lambda c: (-len(c), min(c)))[0]


def _graph_stats(g: nx.Graph) -> dict:
    return {"actors": g.number_of_nodes(), "ties": g.number_of_edges(),
            "components": nx.number_connected_components(g), "largest_component": len(_largest(g))}


def _single_withdrawals(ds, links: pd.DataFrame, ids: list[str], progress: bool | None = None) -> list[dict]:
    """The figures of ``withdraw(ds, [f], links).summary()`` for every ``f`` of ``ids``, incrementally."""
    from collections import Counter, defaultdict

    from ._components import _cliques, _components, _components_after, _largest_label

    uniq = links.drop_duplicates(["activity_id", "funder_id"])
    funders_of: dict[str, set] = defaultdict(set)
    for act, f in zip(uniq["activity_id"], uniq["funder_id"]):
        funders_of[act].add(f)
    n_funded = Counter(uniq["funder_id"])
    sole = {act: next(iter(fs)) for act, fs in funders_of.items() if len(fs) == 1}
    lost_by: dict[str, list] = defaultdict(list)
    for act, f in sole.items():
        lost_by[f].append(act)
    mech_ids = set(ds.mechanisms["mechanism_id"]) if "mechanisms" in ds.tables else set()
    part = ds.participations
    pairs = part[["actor_id", "activity_id"]].drop_duplicates()
    # actors lost: every funded activity of the actor has the same only funder
    only_funder: dict[str, set] = defaultdict(set)
    for actor, act in zip(pairs["actor_id"], pairs["activity_id"]):
        if act in funders_of:
            only_funder[actor].add(sole.get(act))
    actors_lost_by: dict[str, set] = defaultdict(set)
    for actor, fs in only_funder.items():
        if len(fs) == 1 and None not in fs:
            actors_lost_by[next(iter(fs))].add(actor)
    # the graph: actors (sorted ids) tied once per shared activity
    nodes = pd.Index(sorted(set(pairs["actor_id"])))
    acts = pd.Index(sorted(set(pairs["activity_id"])))
    n, n_act = len(nodes), len(acts)
    pa = nodes.get_indexer(pairs["actor_id"]).astype(np.int64)
    pt = acts.get_indexer(pairs["activity_id"]).astype(np.int64)
    # (actor, activity) pairs where the actor's only role is funder: its ties there go when it withdraws
    nonfunder = part[part["role"].astype(str) != "funder"]
    nf_keys = np.unique(nodes.get_indexer(nonfunder["actor_id"]).astype(np.int64) * n_act
                        + acts.get_indexer(nonfunder["activity_id"]).astype(np.int64))
    funder_only = ~np.isin(pa * n_act + pt, nf_keys)
    queries = list(dict.fromkeys(ids))
    qpos = {f: i for i, f in enumerate(queries)}
    # per activity the query that loses it (its only funder), per pair the query of a funder-only actor
    sole_q = np.array([qpos.get(sole.get(a), -1) for a in acts], dtype=np.int64)
    actor_q = np.array([qpos.get(a, -1) for a in nodes], dtype=np.int64)
    pq = np.where(funder_only, actor_q[pa], -1)
    lq = sole_q[pt]
    pq = np.where(pq == lq, -1, pq)  # an activity the funder loses goes whole
    i, j = _cliques(pa, pt)
    ekeys, einv, weight = np.unique(pa[i] * n + pa[j], return_inverse=True, return_counts=True)
    eu, ev = ekeys // max(n, 1), ekeys % max(n, 1)
    # a tie is cut when a query removes every activity it rests on
    e_rows = np.r_[einv, einv, einv]
    q_rows = np.r_[lq[i], pq[i], pq[j]]
    ok = q_rows >= 0
    dk, dec = np.unique(e_rows[ok] * max(len(queries), 1) + q_rows[ok], return_counts=True)
    d_edge, d_query = dk // max(len(queries), 1), dk % max(len(queries), 1)
    cut = dec == weight[d_edge]
    # an actor is gone when a query removes every pair it has
    n_pairs = np.bincount(pa, minlength=n)
    g_rows, gq = np.r_[pa, pa], np.r_[lq, pq]
    ok = gq >= 0
    gk, removed = np.unique(g_rows[ok] * max(len(queries), 1) + gq[ok], return_counts=True)
    g_node, g_query = gk // max(len(queries), 1), gk % max(len(queries), 1)
    gone = removed == n_pairs[g_node]
    if n:
        best, sizes, _ = _largest_label(labels := _components(n, eu, ev))
        main0 = labels == best
        before = {"actors": n, "ties": len(eu), "components": len(sizes), "largest_component": int(sizes[best])}
    else:
        main0 = np.zeros(0, dtype=bool)
        before = {"actors": 0, "ties": 0, "components": 0, "largest_component": 0}
    probe = nodes.get_indexer(queries).astype(np.int64)
    after = _components_after(n, eu, ev, d_edge[cut], d_query[cut], len(queries), g_node[gone], g_query[gone],
                              main0, probe)
    n_main0 = int(main0.sum())
    from ..progress import progress_bar

    out = []
    for f in progress_bar(ids, desc="withdrawals", progress=progress):
        q = qpos[f]
        lost = set(lost_by.get(f, ()))
        in_main0 = probe[q] >= 0 and bool(main0[probe[q]])
        out.append({
            "n_activities_funded": n_funded.get(f, 0), "n_activities_lost": len(lost),
            "n_mechanisms_lost": len(lost & mech_ids), "n_actors_lost": len(actors_lost_by.get(f, set()) - {f}),
            "n_cut_off": n_main0 - int(after["marked_in_largest"][q])
            - int(in_main0 and not after["probe_in_largest"][q]),
            "largest_component_before": before["largest_component"],
            "largest_component_after": int(after["largest"][q]),
            "components_before": before["components"], "components_after": int(after["components"][q]),
        })
    return out


@dataclass
class WithdrawalResult:
    """What happens if ``funders`` stop paying (see :func:`withdraw`).

    Attributes
    ----------
    funders : tuple of str
        The withdrawn funders.
    activities : DataFrame
        The activities they fund: ``activity_id, title, activity_type, is_mechanism,
        status_before, funders_removed, funders_left`` (``;``-joined), ``lost_all`` (True
        when no funder is left).
    actors_lost : DataFrame
        Actors (other than the withdrawn funders) all of whose funded activities lose all
        funding: ``actor_id, name, actor_type, country, n_funded_activities``.
    cut_off : DataFrame
        Actors in the largest component of the coordination graph before that are not in it
        after: ``actor_id, name, reason`` ("no activity left" or "separated from the main
        component").
    graph_before, graph_after : dict
        ``actors, ties, components, largest_component`` of the co-participation graph.
    """

    funders: tuple
    activities: pd.DataFrame
    actors_lost: pd.DataFrame
    cut_off: pd.DataFrame
    graph_before: dict
    graph_after: dict

    @property
    def activities_lost(self) -> list[str]:
        """Ids of the activities that lose all their funding."""
        return self.activities.loc[self.activities["lost_all"], "activity_id"].tolist()

    @property
    def mechanisms_lost(self) -> list[str]:
        """Ids of the mechanisms that lose all their funding."""
        a = self.activities
        return a.loc[a["lost_all"] & a["is_mechanism"], "activity_id"].tolist()

    def summary(self) -> dict:
        """One flat dict of the scenario's figures (counts, graph before and after)."""
        out = {"funders": ";".join(self.funders), "n_activities_funded": len(self.activities),
               "n_activities_lost": len(self.activities_lost), "n_mechanisms_lost": len(self.mechanisms_lost),
               "n_actors_lost": len(self.actors_lost), "n_cut_off": len(self.cut_off)}
        for k, v in self.graph_before.items():
            out[f"{k}_before"] = v
        for k, v in self.graph_after.items():
            out[f"{k}_after"] = v
        return out


def withdraw(ds, funders: Iterable[str] | str, links: pd.DataFrame | None = None,
             _graph_before: nx.Graph | None = None) -> WithdrawalResult:
    """Simulate the withdrawal of one funder or a set of funders.

    Parameters
    ----------
    ds : Dataset
    funders : str or list of str
        Actor ids of the funders that stop paying.
    links : DataFrame, optional
        :func:`funder_links` output (computed with its defaults if None); with inheritance,
        an activity funded through its parent project loses its funding with the project's.

    Returns
    -------
    WithdrawalResult

    Raises
    ------
    ValueError
        If a funder id is not an actor of ``ds`` (the message names them all).

    Notes
    -----
    The withdrawn funders never appear in ``cut_off`` or ``actors_lost``; a withdrawn funder
    whose only participations are ``funder`` rows leaves the graph, so
    ``largest_component`` after counts it out. Builds the co-participation graph twice: O(sum
    over activities of k^2) for k participants per activity.

    References
    ----------
    .. [1] Albert, R., Jeong, H. and Barabasi, A.-L. (2000). Error and attack tolerance of
       complex networks. *Nature*, 406, 378-382.

    Examples
    --------
    Withdrawing ``ec`` from the example package: p1 and p2 keep al-min, the mechanism m1
    loses its only funder, and ``ec`` leaves the coordination graph.

    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> r = withdraw(tiny_dataset(), "ec")
    >>> r.activities_lost, r.mechanisms_lost
    (['m1'], ['m1'])
    >>> r.graph_before["largest_component"], r.graph_after["largest_component"]
    (5, 4)
    """
    funders = _as_str_list(funders, "funders")
    _check_actor_ids(ds, funders)
    if links is None:
        links = funder_links(ds)
    removed = set(funders)
    uniq = links.drop_duplicates(["activity_id", "funder_id"])
    touched = sorted(set(uniq.loc[uniq["funder_id"].isin(removed), "activity_id"]))
    af = activity_funding(ds, links).set_index("activity_id")
    mech_ids = set(ds.mechanisms["mechanism_id"]) if "mechanisms" in ds.tables else set()
    rows = []
    for aid in touched:
        fs = sorted(uniq.loc[uniq["activity_id"] == aid, "funder_id"])
        gone = [f for f in fs if f in removed]
        left = [f for f in fs if f not in removed]
        rows.append({"activity_id": aid, "title": af.at[aid, "title"], "activity_type": af.at[aid, "activity_type"],
                     "is_mechanism": aid in mech_ids, "status_before": af.at[aid, "status"],
                     "funders_removed": ";".join(gone), "funders_left": ";".join(left), "lost_all": not left})
    acts = pd.DataFrame(rows, columns=["activity_id", "title", "activity_type", "is_mechanism", "status_before",
                                       "funders_removed", "funders_left", "lost_all"])
    lost = set(acts.loc[acts["lost_all"], "activity_id"])
    part = ds.participations
    funded_ids = set(af.index[~af["no_funder"]])
    pf = part[part["activity_id"].isin(funded_ids) & ~part["actor_id"].isin(removed)]
    per_actor = pf.groupby("actor_id")["activity_id"].apply(lambda s: set(s))
    lost_actors = sorted(a for a, s in per_actor.items() if s and s <= lost)
    ainfo = ds.actors.set_index("actor_id")
    actors_lost = pd.DataFrame({
        "actor_id": lost_actors,
        "name": [ainfo.at[a, "name"] for a in lost_actors],
        "actor_type": [str(ainfo.at[a, "actor_type"]) for a in lost_actors],
        "country": [ainfo.at[a, "country"] if pd.notna(ainfo.at[a, "country"]) else "" for a in lost_actors],
        "n_funded_activities": [len(per_actor[a]) for a in lost_actors],
    }, columns=["actor_id", "name", "actor_type", "country", "n_funded_activities"])
    g0 = _graph_before if _graph_before is not None else _coparticipation_graph(part)
    keep = ~part["activity_id"].isin(lost) & ~(part["actor_id"].isin(removed) & (part["role"].astype(str) == "funder"))
    g1 = _coparticipation_graph(part[keep])
    main0, main1 = _largest(g0), _largest(g1)
    cut = sorted(a for a in main0 - main1 if a not in removed)
    cut_off = pd.DataFrame({
        "actor_id": cut,
        "name": [ainfo.at[a, "name"] if a in ainfo.index else "" for a in cut],
        "reason": ["no activity left" if a not in g1 else "separated from the main component" for a in cut],
    }, columns=["actor_id", "name", "reason"])
    return WithdrawalResult(tuple(funders), acts, actors_lost, cut_off, _graph_stats(g0), _graph_stats(g1))


def rank_funders(ds, links: pd.DataFrame | None = None, funders: Iterable[str] | None = None,
                 progress: bool | None = None) -> pd.DataFrame:
    """Withdraw each funder alone and rank the funders by the impact, most systemic first.

    Parameters
    ----------
    ds : Dataset
    links : DataFrame, optional
        :func:`funder_links` output.
    funders : list of str, optional
        Funders to rank (default every funder with a link in ``ds``).
    progress : bool, optional
        Show a progress bar over the funders (default: automatic, see
        :func:`wbcti_analysis.progress.progress_enabled`; never under papermill).

    Returns
    -------
    DataFrame
        One row per funder: ``rank`` (1 = most systemic), ``funder_id, name, actor_type,
        origin``, ``n_activities_funded`` (incl. inherited links), ``n_activities_lost``
        (activities left with no funder), ``share_activities_lost`` (of all activities of
        ``ds``, 0-1), ``n_mechanisms_lost, n_actors_lost`` (actors all of whose funded
        activities are lost), ``n_cut_off`` (actors leaving the main component of the
        coordination graph), ``largest_component_before, largest_component_after,
        components_before, components_after``. Ranked by n_activities_lost, then
        n_actors_lost, then n_cut_off, then the loss in the largest component (all
        descending), then funder_id.

    Notes
    -----
    Each row equals ``withdraw(ds, [funder], links).summary()``, but the funders are not
    withdrawn one full rebuild at a time: one pass over the links finds, for every
    activity, its only funder (if it has one) and, for every actor, whether all its funded
    activities share one only funder. The ties of the coordination graph are expanded
    once (one row per pair of actors and shared activity, with numpy); a withdrawal cuts
    the ties all of whose shared activities it removes and drops the actors all of whose
    participations it removes. The components after every withdrawal are then found at
    once by the offline divide-and-conquer over the withdrawals with a union-find that
    can undo its unions (see :mod:`wbcti_analysis.funding._components`): exact, in
    O(T + D log F log A) for T ties, D (tie, funder) cuts, F funders and A actors, where
    searching the changed components again for every funder cost O(F x T) (the k^2
    growth of issue 14).

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> rank_funders(tiny_dataset())[["rank", "funder_id", "n_activities_lost", "n_mechanisms_lost"]]
       rank funder_id  n_activities_lost  n_mechanisms_lost
    0     1        ec                  1                  1
    1     2    xk-min                  1                  0
    2     3    al-min                  0                  0
    """
    if links is None:
        links = funder_links(ds)
    table = _funder_table(ds, links)
    ids = list(funders) if funders is not None else table["funder_id"].tolist()
    _check_actor_ids(ds, ids)
    info = table.set_index("funder_id")
    n_acts = len(ds.activities)
    rows = []
    for f, s in zip(ids, _single_withdrawals(ds, links, ids, progress)):
        rows.append({
            "funder_id": f, "name": info.at[f, "name"] if f in info.index else "",
            "actor_type": str(info.at[f, "actor_type"]) if f in info.index else "",
            "origin": info.at[f, "origin"] if f in info.index else "",
            "n_activities_funded": s["n_activities_funded"], "n_activities_lost": s["n_activities_lost"],
            "share_activities_lost": s["n_activities_lost"] / n_acts if n_acts else np.nan,
            "n_mechanisms_lost": s["n_mechanisms_lost"], "n_actors_lost": s["n_actors_lost"],
            "n_cut_off": s["n_cut_off"],
            "largest_component_before": s["largest_component_before"],
            "largest_component_after": s["largest_component_after"],
            "components_before": s["components_before"], "components_after": s["components_after"],
        })
    cols = ["rank", "funder_id", "name", "actor_type", "origin", "n_activities_funded", "n_activities_lost",
            "share_activities_lost", "n_mechanisms_lost", "n_actors_lost", "n_cut_off", "largest_component_before",
            "largest_component_after", "components_before", "components_after"]
    out = pd.DataFrame(rows, columns=cols[1:])
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["_drop"] = out["largest_component_before"] - out["largest_component_after"]
    out = out.sort_values(["n_activities_lost", "n_actors_lost", "n_cut_off", "_drop", "funder_id"],
                          ascending=[False, False, False, False, True], kind="stable").drop(columns="_drop")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)
