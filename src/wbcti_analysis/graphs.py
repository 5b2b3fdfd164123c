"""Coordination graphs: who works with whom, who brokers, and is law enforcement cut off?

The graphs are built from what the two source documents say, nothing more:

* the **bipartite** actor x activity graph of ``participations`` (roles selectable);
* its **projection** on actors: two actors are tied when they take part in the same
  activity, weighted by the number of shared activities (``weighting="count"``) or by
  Newman's collaboration weighting (``weighting="newman"``: each shared activity with
  ``n`` participants adds ``1 / (n - 1)``);
* the graph of **relations** the sources state outright (member of, funds, ...);
* their **union** (a tie is there when either graph has it).

All actor graphs are undirected, simple ``networkx.Graph`` objects whose nodes are
``actor_id`` strings carrying the actor's attributes (``name``, ``label``, ``sector``,
``level``, ``country`` ...) and whose edges carry:

``weight``
    the analysis weight: shared activities (count) or Newman's weight for the projection,
    stated relations for the relations graph, their sum for the union;
``count``
    the tie's strength in counts: shared activities + stated relations. The minimum tie
    weight filter (``min_weight``) applies to ``count``, whatever the weighting, so that
    Newman's fractional weights are never cut by a threshold meant for counts.

Then: actor metrics (:func:`actor_metrics`), Gould-Fernandez brokerage
(:func:`brokerage`), graph-level figures (:func:`graph_summary`, :func:`mixing_matrix`,
:func:`ei_index`), the degree-preserving permutation test of the ties between one sector
and the others (:func:`sector_tie_test`, per country :func:`sector_tie_test_by_country`),
change between periods (:func:`period_graphs`, :func:`compare_periods`) and exports for
Gephi / Cytoscape (:func:`export_graph`).

Everything random takes a ``seed``; the same data and parameters give the same numbers.

Examples
--------
>>> from wbcti_analysis.graphs import build_graphs, actor_metrics   # doctest: +SKIP
>>> g = build_graphs(ds, countries=["XK"], weighting="newman")      # doctest: +SKIP
>>> actor_metrics(g.union, seed=42).head()                          # doctest: +SKIP
"""
from __future__ import annotations

from .datapackage import WESTERN_BALKANS

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import networkx as nx

__all__ = [
    "LEVELS",
    "LAW_ENFORCEMENT",
    "FRONTLINE_SECTORS",
    "BROKERAGE_ROLES",
    "WEIGHTINGS",
    "GRAPH_NAMES",
    "ACTIVITY_PREFIX",
    "MIN_SECTOR_ACTORS",
    "MIN_SECTOR_TIES",
    "CoordinationGraphs",
    "build_graphs",
    "bipartite_graph",
    "project_actors",
    "relations_graph",
    "union_graph",
    "parent_map",
    "actor_metrics",
    "brokerage",
    "bridging",
    "communities",
    "canonical",
    "graph_summary",
    "mixing_matrix",
    "ei_index",
    "sector_tie_test",
    "sector_tie_test_by_country",
    "period_bounds",
    "period_graphs",
    "compare_periods",
    "graphml_safe",
    "export_graph",
    "headline_figures",
]

#: Levels of governance, from the widest to the closest (the order of tables and plots).
LEVELS = ("international", "eu", "regional", "national", "local")
#: The sector whose ties the sources say are weak.
LAW_ENFORCEMENT = "law_enforcement"
#: Gould-Fernandez brokerage roles, in the order of the metrics table.
BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
#: Projection weightings.
WEIGHTINGS = ("count", "newman")
#: The actor graphs of a :class:`CoordinationGraphs`.
GRAPH_NAMES = ("union", "projection", "relations")
#: The sectors the RAN paper names as law enforcement's weak partners (social workers, schools,
#: health services, religious communities, civil society).
FRONTLINE_SECTORS = ("social_welfare", "education", "health", "religious", "civil_society")
#: Below this many actors of the tested sector (or of a compared sector) the test says "too thin".
MIN_SECTOR_ACTORS = 3
#: Below this many ties touching the tested sector the test says "too thin".
MIN_SECTOR_TIES = 5

#: Prefix of activity node ids in the bipartite graph.
ACTIVITY_PREFIX = "activity:"

_ATTRS = ("name", "short_name", "actor_type", "sector", "level", "country", "parent_id")


# ----------------------------------------------------------------------------- parameters


def _as_set(values, name: str) -> set[str] | None:
    """Normalise a list parameter: None or empty -> None; a bare string -> one value."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    try:
        out = {str(v) for v in values if v is not None and str(v) != ""}
    except TypeError as exc:
        raise ValueError(f"{name} must be a list of strings, got {values!r}") from exc
    return out or None


def _check_enum(values: set[str] | None, allowed: Iterable[str], name: str) -> None:
    if values is None:
        return
    allowed = list(allowed)
    bad = sorted(values - set(allowed))
    if bad:
        raise ValueError(f"{name}: unknown value(s) {bad}; allowed: {', '.join(allowed)}")


def _enum(ds, table: str, column: str) -> list[str]:
    f = ds.field(table, column)
    if "wbcti:list" in f:
        return list(f["wbcti:list"]["enum"])
    return list(f.get("constraints", {}).get("enum", []))


def _check_years(start_year, end_year) -> tuple[int | None, int | None]:
    out = []
    for name, y in (("start_year", start_year), ("end_year", end_year)):
        if y is None or y == 0 or y == "":
            out.append(None)
            continue
        try:
            y = int(y)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be a year (int) or 0/None for no bound, got {y!r}") from exc
        if not 1900 <= y <= 2100:
            raise ValueError(f"{name} must be a year between 1900 and 2100, got {y}")
        out.append(y)
    if out[0] is not None and out[1] is not None and out[0] > out[1]:
        raise ValueError(f"start_year ({out[0]}) is after end_year ({out[1]})")
    return out[0], out[1]


# ----------------------------------------------------------------------------- building


def parent_map(actors) -> dict[str, str]:
    """Return ``{actor_id: top-level ancestor id}`` following ``actors.parent_id``.

    An actor with no parent maps to itself; a chain (office -> agency -> organisation) maps
    to its top. A parent id that is not in the table, or a cycle, stops the walk at the last
    known actor.
    """
    parent = {a: p for a, p in zip(actors["actor_id"], actors["parent_id"])
              if isinstance(p, str) and p}
    known = set(actors["actor_id"])
    out = {}
    for a in actors["actor_id"]:
        seen = {a}
        cur = a
        while cur in parent and parent[cur] in known and parent[cur] not in seen:
            cur = parent[cur]
            seen.add(cur)
        out[a] = cur
    return out


def _node_table(ds, merge_parents: bool):
    """Actor attributes per graph node (after merging) and the id map."""
    import pandas as pd

    actors = ds.actors.copy()
    for c in _ATTRS:
        actors[c] = actors[c].astype(object).where(actors[c].notna(), "")
    idmap = parent_map(actors) if merge_parents else {a: a for a in actors["actor_id"]}
    nodes = actors.set_index("actor_id", drop=False)
    nodes["label"] = [s if s else n for s, n in zip(nodes["short_name"], nodes["name"])]
    members = pd.Series(list(idmap.keys()), index=list(idmap.values())).groupby(level=0).agg(
        lambda s: ";".join(sorted(s)))
    nodes["members"] = members.reindex(nodes.index).fillna("")
    nodes = nodes.loc[sorted(set(idmap.values()))]
    return nodes[["actor_id", "label", *_ATTRS, "members"]].reset_index(drop=True), idmap


def _node_attrs(nodes, ids) -> dict[str, dict]:
    sub = nodes.set_index("actor_id").loc[sorted(ids)]
    return {a: {k: str(v) for k, v in row.items()} for a, row in sub.iterrows()}


def bipartite_graph(participations, activities=None, roles=None) -> nx.Graph:
    """Return the actor x activity graph of ``participations``.

    Parameters
    ----------
    participations : DataFrame
        Columns ``actor_id``, ``activity_id``, ``role`` (ids already merged if wanted).
    activities : DataFrame, optional
        ``Dataset.activities``; gives activity nodes their title, type, level, countries,
        tiers and dates.
    roles : list of str, optional
        Keep only these roles; None or empty means every role.

    Returns
    -------
    networkx.Graph
        Actor nodes are the ``actor_id`` and carry ``bipartite=0`` and ``kind="actor"``;
        activity nodes are ``"activity:<activity_id>"`` (an actor and an activity may share
        an id, e.g. a centre that is also a programme) and carry ``bipartite=1``,
        ``kind="activity"`` and ``activity_id``. One edge per actor-activity pair, with
        ``roles`` (the distinct roles, ``;``-joined) and ``weight=1``.
    """
    wanted = _as_set(roles, "roles")
    p = participations
    if wanted is not None:
        p = p[p["role"].astype(str).isin(wanted)]
    B = nx.Graph()
    if len(p) == 0:
        return B
    grouped = (p.assign(role=p["role"].astype(str)).groupby(["actor_id", "activity_id"], sort=True)["role"]
               .agg(lambda s: ";".join(sorted(set(s)))))
    acts = {}
    if activities is not None and len(activities):
        a = activities.set_index("activity_id")
        for aid in sorted(set(p["activity_id"])):
            if aid in a.index:
                r = a.loc[aid]
                acts[aid] = {"title": str(r["title"]), "activity_type": str(r["activity_type"]),
                             "level": "" if r["level"] is None or r["level"] != r["level"] else str(r["level"]),
                             "countries": ";".join(r["countries"]), "tiers": ";".join(r["tiers"]),
                             "themes": ";".join(r["themes"]),
                             "start_date": r["start_date"] or "", "end_date": r["end_date"] or ""}
    for actor in sorted(set(p["actor_id"])):
        B.add_node(actor, bipartite=0, kind="actor")
    for aid in sorted(set(p["activity_id"])):
        B.add_node(ACTIVITY_PREFIX + aid, bipartite=1, kind="activity", activity_id=aid, **acts.get(aid, {}))
    for (actor, aid), r in grouped.items():
        B.add_edge(actor, ACTIVITY_PREFIX + aid, roles=r, weight=1)
    return B


def project_actors(B: nx.Graph, weighting: str = "count") -> nx.Graph:
    """Return the actor x actor co-participation graph of a bipartite graph.

    Parameters
    ----------
    B : networkx.Graph
        From :func:`bipartite_graph` (actor nodes have ``bipartite=0``).
    weighting : {"count", "newman"}
        ``count``: ``weight`` = number of shared activities. ``newman``: Newman's (2001)
        collaboration weighting, ``weight = sum over shared activities of 1 / (n - 1)``
        with ``n`` the activity's number of actors (an activity with many participants
        ties each pair weakly). Same values as
        ``networkx.bipartite.collaboration_weighted_projected_graph``.

    Returns
    -------
    networkx.Graph
        Every actor of ``B`` is a node (isolates included). Edges carry ``weight``,
        ``count`` (shared activities) and ``activities`` (their ids, ``;``-joined).
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    actors = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == 0)
    G = nx.Graph()
    G.add_nodes_from(actors)
    acts = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == 1)
    for node in acts:
        aid = B.nodes[node].get("activity_id", node)
        members = sorted(B[node])
        n = len(members)
        if n < 2:
            continue
        w = 1.0 if weighting == "count" else 1.0 / (n - 1)
        for i, u in enumerate(members):
            for v in members[i + 1:]:
                if G.has_edge(u, v):
                    e = G[u][v]
                    e["weight"] += w
                    e["count"] += 1
                    e["activities"] += ";" + aid
                else:
                    G.add_edge(u, v, weight=w, count=1, activities=aid)
    if weighting == "count":
        for _, _, e in G.edges(data=True):
            e["weight"] = int(e["weight"])
    return G


def relations_graph(relations, relation_types=None) -> nx.Graph:
    """Return the undirected graph of the ties the sources state (``relations``).

    Direction ("A member_of B") is dropped: a tie is a tie. Several statements about the
    same pair add up. Self-ties (e.g. after merging an office into its parent) are dropped.

    Returns
    -------
    networkx.Graph
        Edges carry ``weight`` and ``count`` (number of stated relations between the pair),
        ``relation_types`` and ``relations`` (``;``-joined).
    """
    wanted = _as_set(relation_types, "relation_types")
    r = relations
    if wanted is not None:
        r = r[r["relation_type"].astype(str).isin(wanted)]
    G = nx.Graph()
    for a, b in zip(r["source_actor_id"], r["target_actor_id"]):
        G.add_nodes_from([a, b])
    for rid, a, t, b in sorted(zip(r["relation_id"], r["source_actor_id"], r["relation_type"].astype(str),
                                   r["target_actor_id"])):
        if a == b:
            continue
        if G.has_edge(a, b):
            e = G[a][b]
            e["weight"] += 1
            e["count"] += 1
            e["relations"] += ";" + rid
            e["relation_types"] = ";".join(sorted(set(e["relation_types"].split(";")) | {t}))
        else:
            G.add_edge(a, b, weight=1, count=1, relations=rid, relation_types=t)
    return G


def union_graph(projection: nx.Graph, relations: nx.Graph) -> nx.Graph:
    """Return the union of a co-participation graph and a stated-relations graph.

    Edges carry ``weight`` (projection weight + relations weight), ``count`` (shared
    activities + stated relations), ``co_participation`` and ``stated`` (each part's
    count) and ``tie_kind`` (``co-participation``, ``stated`` or ``both``).
    """
    U = nx.Graph()
    U.add_nodes_from(sorted(set(projection) | set(relations)))
    for u, v, e in projection.edges(data=True):
        U.add_edge(u, v, weight=e["weight"], count=e["count"], co_participation=e["count"], stated=0,
                   tie_kind="co-participation")
    for u, v, e in relations.edges(data=True):
        if U.has_edge(u, v):
            f = U[u][v]
            f["weight"] += e["weight"]
            f["count"] += e["count"]
            f["stated"] = e["count"]
            f["tie_kind"] = "both"
        else:
            U.add_edge(u, v, weight=e["weight"], count=e["count"], co_participation=0, stated=e["count"],
                       tie_kind="stated")
    return U


@dataclass
class CoordinationGraphs:
    """The graphs of one selection of the data.

    Attributes
    ----------
    bipartite : networkx.Graph
        Actor x activity (:func:`bipartite_graph`).
    projection, relations, union : networkx.Graph
        Actor graphs (:func:`project_actors`, :func:`relations_graph`, :func:`union_graph`),
        with actor attributes on the nodes and ``min_weight`` applied.
    actors : DataFrame
        One row per node of the union: ``actor_id``, ``label``, name, type, sector, level,
        country, parent and ``members`` (ids merged into it).
    params : dict
        The parameters that built them.
    """

    bipartite: nx.Graph
    projection: nx.Graph
    relations: nx.Graph
    union: nx.Graph
    actors: object
    params: dict = field(default_factory=dict)

    def graph(self, name: str) -> nx.Graph:
        """Return the actor graph called ``name`` (``union``, ``projection`` or ``relations``)."""
        if name not in GRAPH_NAMES:
            raise ValueError(f"graph must be one of {GRAPH_NAMES}, got {name!r}")
        return getattr(self, name)


def _filter_relations(ds, fds, countries, start_year, end_year, tiers, themes, keep_undated):
    """Relations kept by a selection: see :func:`build_graphs`."""
    rel = fds.relations
    no_act = rel["activity_id"].isna()
    keep = ~no_act
    ok = no_act.copy()
    if tiers or themes:
        ok &= False
    if countries:
        home = ds.actors.set_index("actor_id")["country"].astype(object)
        src = rel["source_actor_id"].map(home).isin(countries)
        tgt = rel["target_actor_id"].map(home).isin(countries)
        ok &= src | tgt
    if (start_year is not None or end_year is not None) and not keep_undated:
        ok &= False
    return rel[keep | ok].reset_index(drop=True)


def build_graphs(ds, countries=None, start_year=None, end_year=None, tiers=None, themes=None, roles=None,
                 weighting: str = "count", merge_parents: bool = False, min_weight: float = 1,
                 keep_undated: bool = True, relation_types=None) -> CoordinationGraphs:
    """Build the bipartite, projected, stated and union graphs of a selection of ``ds``.

    Parameters
    ----------
    ds : Dataset
        A loaded data package (:func:`wbcti_analysis.load`).
    countries, tiers, themes : list of str, optional
        Keep activities sharing at least one value (see
        :func:`wbcti_analysis.filters.filter_dataset`); empty means all.
    start_year, end_year : int, optional
        Keep activities whose dates overlap the years (inclusive); 0 or None: open.
    roles : list of str, optional
        Participation roles that make a tie (e.g. ``["lead", "implementer", "partner",
        "participant"]`` leaves funders and beneficiaries out); empty means all.
    weighting : {"count", "newman"}
        Projection weighting (:func:`project_actors`).
    merge_parents : bool
        Merge every actor into its top parent organisation (a UN country office into the
        agency, an OSCE mission into the OSCE), via ``actors.parent_id``.
    min_weight : float
        Keep only ties with ``count`` (shared activities + stated relations) at least this.
        Nodes are kept when their ties are cut.
    keep_undated : bool
        Whether undated activities pass a period filter.
    relation_types : list of str, optional
        Stated relation types to use; empty means all.

    Notes
    -----
    Relations tied to an activity follow that activity. Relations with no activity are
    kept unless a tier or theme filter is set (they have no tier); under a country filter
    only if one end is based in one of the countries; under a period filter they count as
    undated. Only actors that take part in a kept activity or a kept relation are nodes.

    Raises
    ------
    ValueError
        A parameter value that is not allowed (names the parameter).
    """
    from .filters import filter_dataset

    countries_s = _as_set(countries, "countries")
    tiers_s = _as_set(tiers, "tiers")
    themes_s = _as_set(themes, "themes")
    roles_s = _as_set(roles, "roles")
    rtypes_s = _as_set(relation_types, "relation_types")
    _check_enum(countries_s, _enum(ds, "actors", "country"), "countries")
    _check_enum(tiers_s, _enum(ds, "activities", "tiers"), "tiers")
    _check_enum(themes_s, _enum(ds, "activities", "themes"), "themes")
    _check_enum(roles_s, _enum(ds, "participations", "role"), "roles")
    _check_enum(rtypes_s, _enum(ds, "relations", "relation_type"), "relation_types")
    start_year, end_year = _check_years(start_year, end_year)
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    try:
        min_weight = float(min_weight)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"min_weight must be a number, got {min_weight!r}") from exc
    if min_weight < 0:
        raise ValueError(f"min_weight must be >= 0, got {min_weight}")

    fds = filter_dataset(ds, countries=countries_s, start_year=start_year, end_year=end_year, tiers=tiers_s,
                         themes=themes_s, keep_undated=keep_undated)
    nodes, idmap = _node_table(ds, merge_parents)
    part = fds.participations[["actor_id", "activity_id", "role"]].copy()
    part["actor_id"] = part["actor_id"].map(idmap)
    rel = _filter_relations(ds, fds, countries_s, start_year, end_year, tiers_s, themes_s, keep_undated)
    rel = rel[["relation_id", "source_actor_id", "relation_type", "target_actor_id"]].copy()
    rel["source_actor_id"] = rel["source_actor_id"].map(idmap)
    rel["target_actor_id"] = rel["target_actor_id"].map(idmap)

    B = bipartite_graph(part, fds.activities, roles_s)
    P = project_actors(B, weighting)
    R = relations_graph(rel, rtypes_s)
    U = union_graph(P, R)
    for G in (P, R, U):
        drop = [(u, v) for u, v, c in G.edges(data="count") if c < min_weight]
        G.remove_edges_from(drop)
    ids = set(U)
    attrs = _node_attrs(nodes, ids)
    for G in (P, R, U):
        nx.set_node_attributes(G, {n: attrs[n] for n in G})
    nx.set_node_attributes(B, {n: attrs[n] for n in B if n in attrs})
    params = {"countries": sorted(countries_s or []), "start_year": start_year, "end_year": end_year,
              "tiers": sorted(tiers_s or []), "themes": sorted(themes_s or []), "roles": sorted(roles_s or []),
              "weighting": weighting, "merge_parents": bool(merge_parents), "min_weight": min_weight,
              "keep_undated": bool(keep_undated), "relation_types": sorted(rtypes_s or [])}
    table = nodes[nodes["actor_id"].isin(ids)].reset_index(drop=True)
    return CoordinationGraphs(B, P, R, U, table, params)


# ----------------------------------------------------------------------------- metrics


def canonical(G: nx.Graph) -> nx.Graph:
    """Return a copy of ``G`` with nodes and edges inserted in sorted order.

    Several algorithms (Louvain, power iteration, layouts, the rewiring chain) depend on
    the order nodes and edges are visited; subgraph views visit them in an order that can
    change from one Python process to the next (string hashing). Sorting first makes
    every result reproducible across runs.
    """
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in sorted(G))
    if G.is_directed():
        edges = sorted(G.edges(data=True), key=lambda e: (e[0], e[1]))
    else:
        edges = sorted(((min(u, v), max(u, v), d) for u, v, d in G.edges(data=True)), key=lambda e: (e[0], e[1]))
    H.add_edges_from(edges)
    return H


def _groups(G: nx.Graph, attr: str) -> dict:
    return {n: ("" if d.get(attr) is None else str(d.get(attr))) for n, d in G.nodes(data=True)}


def brokerage(G: nx.Graph, attr: str) -> "pd.DataFrame":  # noqa: F821
    """Gould-Fernandez brokerage role counts of every node, groups given by node ``attr``.

    A broker ``b`` sits on a two-path ``a -> b -> c`` (``a != c``) with no tie ``a -> c``.
    The path's role for ``b`` depends on the groups ``g`` (e.g. sectors):

    ==============  =====================================  ===================================
    role            groups                                 reading
    ==============  =====================================  ===================================
    coordinator     g(a) = g(b) = g(c)                     brokers inside its own group
    gatekeeper      g(a) != g(b) = g(c)                    lets outsiders into its group
    representative  g(a) = g(b) != g(c)                    speaks for its group to outsiders
    consultant      g(a) = g(c) != g(b)                    an outsider linking one group
    liaison         g(a), g(b), g(c) all different         links two groups it is not in
    ==============  =====================================  ===================================

    Convention for undirected graphs: each tie counts in both directions (the graph is
    turned into a directed one with ``G.to_directed()``), so an open pair ``{a, c}``
    around ``b`` gives two paths, ``a -> b -> c`` and ``c -> b -> a``. Coordinator,
    consultant and liaison counts are then twice the number of open pairs, and
    representative equals gatekeeper. Directed graphs are used as they are.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    attr : str
        Node attribute naming the group (``"sector"``, ``"level"``).

    Returns
    -------
    DataFrame
        Index: node ids (sorted); columns the five roles (counts of two-paths, int) and
        ``total`` (all five). Counts ignore weights.

    Notes
    -----
    O(sum over nodes of in-degree x out-degree) with numpy on dense blocks: fine for the
    few hundred actors of the data.
    """
    import numpy as np
    import pandas as pd

    nodes = sorted(G)
    cols = list(BROKERAGE_ROLES)
    if not nodes:
        return pd.DataFrame(columns=cols + ["total"], dtype=int)
    D = G if G.is_directed() else G.to_directed()
    idx = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    A = np.zeros((n, n), dtype=bool)
    for u, v in D.edges():
        if u != v:
            A[idx[u], idx[v]] = True
    groups = _groups(G, attr)
    gvals = sorted(set(groups.values()))
    gi = np.array([gvals.index(groups[x]) for x in nodes])
    k = len(gvals)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), gi] = 1.0
    open_ = ~A
    np.fill_diagonal(open_, False)
    out = np.zeros((n, 5), dtype=np.int64)
    for b in range(n):
        pred = np.flatnonzero(A[:, b])
        succ = np.flatnonzero(A[b, :])
        pred = pred[pred != b]
        succ = succ[succ != b]
        if len(pred) == 0 or len(succ) == 0:
            continue
        sub = open_[np.ix_(pred, succ)].astype(float)
        M = onehot[pred].T @ sub @ onehot[succ]  # k x k: open paths by (group of a, group of c)
        g = gi[b]
        total = M.sum()
        coord = M[g, g]
        gate = M[:, g].sum() - coord
        rep = M[g, :].sum() - coord
        cons = np.trace(M) - coord
        liaison = total - coord - gate - rep - cons
        out[b] = np.rint([coord, gate, rep, cons, liaison]).astype(np.int64)
    df = pd.DataFrame(out, index=pd.Index(nodes, name="actor_id"), columns=cols)
    df["total"] = df[cols].sum(axis=1)
    return df


def bridging(G: nx.Graph, group_a: str = LAW_ENFORCEMENT, group_b: str = "policy_coordination",
             attr: str = "sector") -> "pd.DataFrame":  # noqa: F821
    """How much each actor bridges two groups (e.g. police and the policy level).

    Parameters
    ----------
    G : networkx.Graph
        An undirected actor graph.
    group_a, group_b : str
        Two different values of the node attribute ``attr``.

    Returns
    -------
    DataFrame
        Index: node ids (sorted). Columns:

        ``open_pairs``
            Pairs of the actor's partners, one in ``group_a`` and one in ``group_b``, that
            are not tied to each other (the actor is their only direct link).
        ``path_share``
            Share (0-1) of the shortest paths between ``group_a`` and ``group_b`` actors
            that pass through the actor, averaged over the connected pairs (a pair's
            paths share the weight 1 equally); the two ends do not count.
        ``path_rank``
            Rank of ``path_share`` among all actors (1 = most; ties share the best rank).

        ``df.attrs`` holds the number of actors in each group and of connected pairs.
    """
    import pandas as pd

    if group_a == group_b:
        raise ValueError("group_a and group_b must differ")
    nodes = sorted(G)
    cols = ["open_pairs", "path_share", "path_rank"]
    grp = _groups(G, attr)
    A = [n for n in nodes if grp[n] == group_a]
    B = [n for n in nodes if grp[n] == group_b]
    out = pd.DataFrame(0.0, index=pd.Index(nodes, name="actor_id"), columns=cols)
    out["open_pairs"] = [
        sum(1 for a in G[n] if grp[a] == group_a for c in G[n] if grp[c] == group_b and not G.has_edge(a, c))
        for n in nodes]
    pairs = sum(1 for a in A for b in B if nx.has_path(G, a, b)) if A and B else 0
    if pairs:
        bc = nx.betweenness_centrality_subset(G, sources=A, targets=B, normalized=False)
        # networkx halves subset betweenness on undirected graphs; with disjoint groups each
        # pair is counted once, so undo it.
        scale = 1.0 if G.is_directed() else 2.0
        out["path_share"] = [scale * bc[n] / pairs for n in nodes]
    out["open_pairs"] = out["open_pairs"].astype(int)
    out["path_rank"] = out["path_share"].rank(ascending=False, method="min").astype(int) if nodes else []
    out.attrs.update({"group_a": group_a, "group_b": group_b, "actors_a": len(A), "actors_b": len(B),
                      "connected_pairs": pairs})
    return out


def communities(G: nx.Graph, seed: int = 42, weight: str = "weight", resolution: float = 1.0) -> dict[str, int]:
    """Seeded Louvain communities: ``{node: community number}``.

    Communities are numbered from 0 by decreasing size, ties broken by their smallest
    member id, so the numbering is stable. Isolates are communities of their own.
    """
    if G.number_of_nodes() == 0:
        return {}
    G = canonical(G)
    comms = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
    return {n: i for i, c in enumerate(comms) for n in c}


def _eigenvector(G: nx.Graph, weight: str = "weight") -> dict:
    """Weighted eigenvector centrality (power iteration from a uniform start, so it is
    deterministic; networkx iterates on A + I, which converges on bipartite graphs too).
    Falls back to the dense symmetric eigenproblem if the iteration does not converge."""
    import numpy as np

    if G.number_of_edges() == 0:
        return {n: 0.0 for n in G}
    try:
        return nx.eigenvector_centrality(G, max_iter=5000, tol=1e-10, weight=weight)
    except nx.PowerIterationFailedConvergence:  # pragma: no cover - the fallback is rarely needed
        nodes = sorted(G)
        A = nx.to_numpy_array(G, nodelist=nodes, weight=weight)
        vals, vecs = np.linalg.eigh(A)
        v = np.abs(vecs[:, -1])
        v = v / np.linalg.norm(v)
        return dict(zip(nodes, v.tolist()))


def _node_ei(G: nx.Graph, attr: str) -> dict:
    """Each node's own E-I index: (ties to other groups - ties inside) / all ties; NaN for isolates."""
    g = _groups(G, attr)
    out = {}
    for n in G:
        ext = sum(1 for m in G[n] if m != n and g[m] != g[n])
        inn = sum(1 for m in G[n] if m != n and g[m] == g[n])
        out[n] = (ext - inn) / (ext + inn) if ext + inn else float("nan")
    return out


def actor_metrics(G: nx.Graph, seed: int = 42, weight: str = "weight") -> "pd.DataFrame":  # noqa: F821
    """One tidy row per actor with its position in an actor graph.

    Columns
    -------
    actor_id, label, name, actor_type, sector, level, country
        From the node attributes.
    degree : int
        Number of distinct partners.
    weighted_degree : float
        Sum of tie weights (shared activities / Newman weight / stated relations).
    betweenness : float
        Normalised betweenness centrality on the unweighted graph (share of shortest paths
        between other pairs that pass through the actor, 0-1). Weights are left out:
        turning counts of shared activities into distances would be arbitrary.
    eigenvector : float
        Weighted eigenvector centrality (unit Euclidean norm over the graph; actors
        outside the component with the largest eigenvalue get about 0).
    constraint, effective_size : float
        Burt's constraint (0-1+, lower = more brokerage opportunity) and effective size
        (non-redundant partners), weighted; NaN for isolates.
    ei_sector : float
        The actor's own E-I index by sector (-1: all partners in its own sector, +1: all
        elsewhere); NaN for isolates.
    sector_coordinator ... sector_liaison, sector_brokerage
        Gould-Fernandez roles across sectors (:func:`brokerage`, undirected ties count in
        both directions); ``sector_brokerage`` = the four cross-sector roles (all but
        coordinator).
    level_coordinator ... level_liaison, level_brokerage
        The same across levels (international, EU, regional, national, local).
    community : int
        Seeded Louvain community (:func:`communities`).

    Rows are sorted by ``sector_brokerage``, then ``betweenness``, then ``actor_id``.
    """
    import pandas as pd

    info_cols = ["actor_id", "label", "name", "actor_type", "sector", "level", "country"]
    role_cols = [f"{a}_{r}" for a in ("sector", "level") for r in (*BROKERAGE_ROLES, "brokerage")]
    metric_cols = ["degree", "weighted_degree", "betweenness", "eigenvector", "constraint", "effective_size",
                   "ei_sector", *role_cols, "community"]
    G = canonical(G)
    nodes = sorted(G)
    if not nodes:
        return pd.DataFrame(columns=info_cols + metric_cols)
    data = {n: G.nodes[n] for n in nodes}
    df = pd.DataFrame({"actor_id": nodes,
                       **{c: [str(data[n].get(c, "")) for n in nodes] for c in info_cols[1:]}})
    df["degree"] = [G.degree(n) for n in nodes]
    df["weighted_degree"] = [float(G.degree(n, weight=weight)) for n in nodes]
    bt = nx.betweenness_centrality(G, normalized=True)
    df["betweenness"] = [bt[n] for n in nodes]
    ev = _eigenvector(G, weight)
    df["eigenvector"] = [ev[n] for n in nodes]
    con = nx.constraint(G, weight=weight)
    eff = nx.effective_size(G, weight=weight)
    df["constraint"] = [con[n] for n in nodes]
    df["effective_size"] = [eff[n] for n in nodes]
    ei = _node_ei(G, "sector")
    df["ei_sector"] = [ei[n] for n in nodes]
    for attr in ("sector", "level"):
        b = brokerage(G, attr)
        for r in BROKERAGE_ROLES:
            df[f"{attr}_{r}"] = b.loc[nodes, r].to_numpy()
        df[f"{attr}_brokerage"] = b.loc[nodes, list(BROKERAGE_ROLES[1:])].sum(axis=1).to_numpy()
    com = communities(G, seed=seed, weight=weight)
    df["community"] = [com[n] for n in nodes]
    df = df.sort_values(["sector_brokerage", "betweenness", "actor_id"], ascending=[False, False, True])
    return df.reset_index(drop=True)[info_cols + metric_cols]


# ----------------------------------------------------------------------------- graph-level


def graph_summary(G: nx.Graph) -> dict:
    """Graph-level figures of an actor graph.

    Returns
    -------
    dict
        ``actors`` and ``ties`` (counts), ``density`` (ties / possible pairs, 0-1),
        ``components`` (connected components, isolates included), ``isolates``,
        ``largest_component`` (actors in it) and ``share_in_largest_component``
        (0-1; NaN for an empty graph), ``mean_degree``.
    """
    n = G.number_of_nodes()
    m = G.number_of_edges()
    comps = list(nx.connected_components(G)) if n else []
    largest = max((len(c) for c in comps), default=0)
    return {"actors": n, "ties": m, "density": nx.density(G) if n > 1 else float("nan"),
            "components": len(comps), "isolates": nx.number_of_isolates(G), "largest_component": largest,
            "share_in_largest_component": largest / n if n else float("nan"),
            "mean_degree": 2 * m / n if n else float("nan")}


def _category_order(values: Iterable[str], attr: str) -> list[str]:
    vals = set(values)
    if attr == "level":
        return [x for x in LEVELS if x in vals] + sorted(vals - set(LEVELS))
    return sorted(vals)


def mixing_matrix(G: nx.Graph, attr: str = "sector", weight: str | None = None, categories=None):
    """Ties between groups: a symmetric DataFrame (rows and columns: group values).

    Cell ``[g, h]`` (g != h) is the number of ties (or, with ``weight``, their total
    weight) between an actor in ``g`` and one in ``h``; it appears in both ``[g, h]`` and
    ``[h, g]``. The diagonal ``[g, g]`` holds the ties inside ``g``, each once. So the
    upper triangle with the diagonal sums to the number of ties.

    ``categories`` fixes the rows and columns (default: the groups present; levels in the
    order international, eu, regional, national, local).
    """
    import pandas as pd

    g = _groups(G, attr)
    cats = list(categories) if categories is not None else _category_order(g.values(), attr)
    M = pd.DataFrame(0.0, index=pd.Index(cats, name=attr), columns=pd.Index(cats, name=attr))
    for u, v, d in G.edges(data=True):
        if u == v or g[u] not in M.index or g[v] not in M.index:
            continue
        w = 1.0 if weight is None else float(d.get(weight, 1.0))
        if g[u] == g[v]:
            M.loc[g[u], g[u]] += w
        else:
            M.loc[g[u], g[v]] += w
            M.loc[g[v], g[u]] += w
    if weight is None:
        M = M.astype(int)
    return M


def ei_index(G: nx.Graph, attr: str = "sector", weight: str | None = None):
    """Krackhardt and Stern's E-I index by group, and for the whole graph.

    For a group ``g``: ``E`` = ties with exactly one end in ``g``, ``I`` = ties with both
    ends in ``g`` (each tie counted once), ``E-I = (E - I) / (E + I)``: -1 when the group
    only ties to itself, +1 when it only ties outside. The last row, ``(all)``, is the
    whole graph: ``E`` = ties between different groups, ``I`` = ties inside groups. With
    ``weight``, ties count by their weight.

    Returns
    -------
    DataFrame
        Index: group values then ``(all)``; columns ``actors``, ``internal``, ``external``,
        ``ei_index`` (NaN for a group with no tie).
    """
    import pandas as pd

    g = _groups(G, attr)
    cats = _category_order(g.values(), attr)
    internal = dict.fromkeys(cats, 0.0)
    external = dict.fromkeys(cats, 0.0)
    tot_i = tot_e = 0.0
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = 1.0 if weight is None else float(d.get(weight, 1.0))
        if g[u] == g[v]:
            internal[g[u]] += w
            tot_i += w
        else:
            external[g[u]] += w
            external[g[v]] += w
            tot_e += w
    counts = pd.Series(list(g.values()), dtype=object).value_counts()
    rows = []
    for c in cats:
        i, e = internal[c], external[c]
        rows.append({attr: c, "actors": int(counts.get(c, 0)), "internal": i, "external": e,
                     "ei_index": (e - i) / (e + i) if e + i else float("nan")})
    rows.append({attr: "(all)", "actors": len(g), "internal": tot_i, "external": tot_e,
                 "ei_index": (tot_e - tot_i) / (tot_e + tot_i) if tot_e + tot_i else float("nan")})
    out = pd.DataFrame(rows).set_index(attr)
    if weight is None:
        out[["internal", "external"]] = out[["internal", "external"]].astype(int)
    return out


# ----------------------------------------------------------------------------- permutation test


def _pair_stats(edges, weights, g, k, focus=0):
    """Ties and total weight between the ``focus`` group and every group (arrays of length ``k``)."""
    import numpy as np

    gu = g[edges[:, 0]]
    gv = g[edges[:, 1]]
    ties = np.zeros(k)
    wsum = np.zeros(k)
    a = gu == focus
    b = gv == focus
    # a tie focus-focus counts once for the focus group itself
    np.add.at(ties, gv[a], 1)
    np.add.at(wsum, gv[a], weights[a])
    sel = b & ~a
    np.add.at(ties, gu[sel], 1)
    np.add.at(wsum, gu[sel], weights[sel])
    return ties, wsum


def _swap_chain(edges, n_draws, thin, burn_in, rng):
    """Yield degree-preserving rewirings of a simple graph's edge array (double edge swaps).

    A Markov chain of double edge swaps (u-v, x-y -> u-x, v-y or u-y, v-x, refused when it
    would make a self-loop or a multi-edge). After ``burn_in`` attempted swaps, a rewired
    copy is yielded every ``thin`` attempted swaps. Every actor keeps its degree.
    """
    import numpy as np

    E = edges.copy()
    m = len(E)
    present = {(min(u, v), max(u, v)) for u, v in E.tolist()}

    def step(count):
        picks = rng.integers(0, m, size=(count, 2))
        flips = rng.random(count) < 0.5
        for (i, j), flip in zip(picks.tolist(), flips.tolist()):
            if i == j:
                continue
            u, v = E[i]
            x, y = E[j]
            if flip:
                x, y = y, x
            # new ties u-x and v-y
            if u == x or v == y:
                continue
            a = (u, x) if u < x else (x, u)
            b = (v, y) if v < y else (y, v)
            if a in present or b in present or a == b:
                continue
            present.discard((u, v) if u < v else (v, u))
            present.discard((x, y) if x < y else (y, x))
            present.add(a)
            present.add(b)
            E[i] = (u, x)
            E[j] = (v, y)

    step(burn_in)
    for _ in range(n_draws):
        step(thin)
        yield E


def sector_tie_test(G: nx.Graph, sector: str = LAW_ENFORCEMENT, n_draws: int = 1000, seed: int = 42,
                    attr: str = "sector", weight: str = "weight", alpha: float = 0.05,
                    min_actors: int = MIN_SECTOR_ACTORS, min_ties: int = MIN_SECTOR_TIES,
                    combined: dict | None = None):
    """Are ``sector``'s ties to each other sector fewer (or more) than chance would give?

    The null model rewires the graph at random while every actor keeps its degree
    (number of partners): a seeded Markov chain of double edge swaps on the simple
    graph (no self-loops, no multi-ties), 10 swaps per tie of burn-in, then one draw
    every ``max(1, ties)`` attempted swaps. For the weight statistic, the observed tie
    weights are shuffled over the rewired ties in each draw (the weight distribution is
    kept, actors' total weights are not).

    Parameters
    ----------
    G : networkx.Graph
        An actor graph with a ``sector`` (``attr``) on every node.
    sector : str
        The group tested (default ``law_enforcement``).
    n_draws : int
        Number of rewired graphs (>= 1).
    seed : int
        Seed of the random generator (numpy ``default_rng``).
    alpha : float
        Level for the verdict column.
    min_actors, min_ties : int
        Thresholds of "too thin": fewer than ``min_actors`` actors of ``sector``, or fewer
        than ``min_ties`` ties touching it, and nothing is decided; a compared sector with
        fewer than ``min_actors`` actors gets "too thin" on its own row.
    combined : dict, optional
        ``{row name: [sectors]}``: groups of sectors tested together (their ties summed in
        the observed graph and in every draw), e.g. the RAN paper's frontline sectors.
        Each gets a row just before ``(all other sectors)``.

    Returns
    -------
    DataFrame
        One row per other sector present, then ``(all other sectors)``. Columns:
        ``other_sector``, ``actors`` (of that sector), ``observed_ties``,
        ``expected_ties`` (mean over draws), ``null_low`` / ``null_high`` (2.5 % and
        97.5 % of the draws), ``ratio`` (observed / expected), ``p_fewer`` and
        ``p_more`` (one-sided permutation p-values, ``(1 + #draws at least as extreme) /
        (1 + n_draws)``), ``observed_weight``, ``expected_weight``, ``p_fewer_weight``,
        ``n_draws`` and ``verdict`` (``fewer than chance``, ``more than chance``,
        ``consistent with chance`` or ``too thin: ...``). ``df.attrs`` holds ``sector``,
        ``sector_actors``, ``sector_ties``, ``within_sector_ties``, ``n_draws``, ``seed``,
        ``thin`` (bool) and ``message`` (a sentence for a reader).

    Notes
    -----
    The per-sector rows are several tests on the same data; read the ``(all other
    sectors)`` row as the main test and the others as description. Cost: about
    ``(10 + n_draws) x ties`` swap attempts in pure Python (~1 s per million).
    """
    import numpy as np
    import pandas as pd

    if not isinstance(n_draws, (int, np.integer)) or isinstance(n_draws, bool) or n_draws < 1:
        raise ValueError(f"n_draws must be a positive int, got {n_draws!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"seed must be an int, got {seed!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    cols = ["other_sector", "actors", "observed_ties", "expected_ties", "null_low", "null_high", "ratio",
            "p_fewer", "p_more", "observed_weight", "expected_weight", "p_fewer_weight", "n_draws", "verdict"]
    G = canonical(G)
    groups = _groups(G, attr)
    nodes = sorted(G)
    n_sector = sum(1 for v in groups.values() if v == sector)
    edges_list = [(u, v) for u, v in G.edges() if u != v]
    touching = sum(1 for u, v in edges_list if groups[u] == sector or groups[v] == sector)
    within = sum(1 for u, v in edges_list if groups[u] == sector and groups[v] == sector)
    others = [c for c in _category_order(groups.values(), attr) if c != sector]
    combined = {str(k): [str(x) for x in v] for k, v in (combined or {}).items()}
    for name, members in combined.items():
        if sector in members:
            raise ValueError(f"combined group {name!r} must not contain the tested sector {sector!r}")
    attrs = {"sector": sector, "sector_actors": n_sector, "sector_ties": touching, "within_sector_ties": within,
             "n_draws": int(n_draws), "seed": int(seed), "thin": False, "message": ""}
    thin_reason = None
    if n_sector < min_actors:
        thin_reason = f"{n_sector} {sector} actor(s) (< {min_actors})"
    elif touching < min_ties:
        thin_reason = f"{touching} tie(s) touching {sector} (< {min_ties})"
    elif not others:
        thin_reason = "no other sector in the graph"
    elif len(edges_list) < 2 or len(nodes) < 4:
        thin_reason = "too few ties to rewire"
    if thin_reason is not None:
        counts = pd.Series(list(groups.values()), dtype=object).value_counts()
        rows = [{"other_sector": o, "actors": int(counts.get(o, 0)), "n_draws": 0,
                 "verdict": f"too thin: {thin_reason}"} for o in others]
        rows += [{"other_sector": name, "actors": int(sum(counts.get(o, 0) for o in members)), "n_draws": 0,
                  "verdict": f"too thin: {thin_reason}"} for name, members in combined.items()]
        rows.append({"other_sector": "(all other sectors)", "actors": int(sum(counts.get(o, 0) for o in others)),
                     "n_draws": 0, "verdict": f"too thin: {thin_reason}"})
        out = pd.DataFrame(rows, columns=cols)
        obs = {o: sum(1 for u, v in edges_list if {groups[u], groups[v]} == {sector, o}) for o in others}
        out["observed_ties"] = ([obs[o] for o in others]
                                + [sum(obs.get(o, 0) for o in members) for members in combined.values()]
                                + [sum(obs.values())])
        attrs.update(thin=True, message=f"Too thin to decide: {thin_reason}.")
        out.attrs.update(attrs)
        return out

    cats = [sector] + others
    cidx = {c: i for i, c in enumerate(cats)}
    nidx = {n: i for i, n in enumerate(nodes)}
    g = np.array([cidx[groups[n]] for n in nodes])
    E = np.array([(nidx[u], nidx[v]) for u, v in edges_list], dtype=np.int64)
    W = np.array([float(G[u][v].get(weight, 1.0)) for u, v in edges_list])
    k = len(cats)
    obs_t, obs_w = _pair_stats(E, W, g, k)
    rng = np.random.default_rng(int(seed))
    m = len(E)
    null_t = np.zeros((n_draws, k))
    null_w = np.zeros((n_draws, k))
    for d, Ed in enumerate(_swap_chain(E, n_draws, thin=max(1, m), burn_in=10 * m, rng=rng)):
        Wd = rng.permutation(W)
        null_t[d], null_w[d] = _pair_stats(Ed, Wd, g, k)
    # the "all other sectors" statistic: ties from the sector to anyone outside it
    obs_t_all = obs_t[1:].sum()
    obs_w_all = obs_w[1:].sum()
    null_t_all = null_t[:, 1:].sum(axis=1)
    null_w_all = null_w[:, 1:].sum(axis=1)
    counts = pd.Series(list(groups.values()), dtype=object).value_counts()
    rows = []
    eps = 1e-9
    stats = [(o, int(counts.get(o, 0)), obs_t[cidx[o]], null_t[:, cidx[o]], obs_w[cidx[o]], null_w[:, cidx[o]])
             for o in others]
    for name, members in combined.items():
        idx = [cidx[o] for o in members if o in cidx]
        stats.append((name, int(sum(counts.get(o, 0) for o in members)), obs_t[idx].sum(),
                      null_t[:, idx].sum(axis=1), obs_w[idx].sum(), null_w[:, idx].sum(axis=1)))
    stats.append(("(all other sectors)", int(sum(counts.get(o, 0) for o in others)), obs_t_all, null_t_all,
                  obs_w_all, null_w_all))
    for o, n_o, ot, nt, ow, nw in stats:
        exp_t = float(nt.mean())
        p_fewer = (1 + int((nt <= ot + eps).sum())) / (1 + n_draws)
        p_more = (1 + int((nt >= ot - eps).sum())) / (1 + n_draws)
        if o != "(all other sectors)" and n_o < min_actors:
            verdict = f"too thin: {n_o} {o} actor(s) (< {min_actors})"
        elif p_fewer < alpha:
            verdict = "fewer than chance"
        elif p_more < alpha:
            verdict = "more than chance"
        else:
            verdict = "consistent with chance"
        rows.append({"other_sector": o, "actors": n_o, "observed_ties": int(round(ot)), "expected_ties": exp_t,
                     "null_low": float(np.quantile(nt, 0.025)), "null_high": float(np.quantile(nt, 0.975)),
                     "ratio": float(ot / exp_t) if exp_t > 0 else float("nan"),
                     "p_fewer": p_fewer, "p_more": p_more, "observed_weight": float(ow),
                     "expected_weight": float(nw.mean()),
                     "p_fewer_weight": (1 + int((nw <= ow + eps).sum())) / (1 + n_draws),
                     "n_draws": int(n_draws), "verdict": verdict})
    out = pd.DataFrame(rows, columns=cols)
    main = out.iloc[-1]
    attrs["message"] = (f"{sector}: {main['observed_ties']} ties to other sectors against "
                        f"{main['expected_ties']:.1f} expected under degree-preserving rewiring "
                        f"(p_fewer = {main['p_fewer']:.3f}, {n_draws} draws): {main['verdict']}.")
    out.attrs.update(attrs)
    return out


def sector_tie_test_by_country(ds, countries=None, graph: str = "union", domestic: bool = True,
                               sector: str = LAW_ENFORCEMENT, n_draws: int = 1000, seed: int = 42,
                               alpha: float = 0.05, min_actors: int = MIN_SECTOR_ACTORS,
                               min_ties: int = MIN_SECTOR_TIES, **build_kwargs):
    """Run :func:`sector_tie_test` country by country.

    For each country the graphs are built from the activities in that country
    (``build_graphs(ds, countries=[c], **build_kwargs)``). With ``domestic=True`` the graph
    is then restricted to actors based in the country (``actors.country``): the national
    and local system the RAN paper describes, without the regional and international
    bodies that join many countries' activities.

    Returns
    -------
    DataFrame
        The ``(all other sectors)`` row of each country's test, with ``country``,
        ``graph_actors`` and ``graph_ties`` columns added; a country with too little data
        says "too thin: ..." in ``verdict``.
    """
    import pandas as pd

    if countries is None or len(countries) == 0:
        countries = list(WESTERN_BALKANS)
    rows = []
    for c in countries:
        g = build_graphs(ds, countries=[c], **build_kwargs).graph(graph)
        if domestic:
            g = canonical(g.subgraph([n for n, d in g.nodes(data=True) if d.get("country") == c]))
        res = sector_tie_test(g, sector=sector, n_draws=n_draws, seed=seed, alpha=alpha,
                              min_actors=min_actors, min_ties=min_ties)
        row = res.iloc[-1].to_dict()
        row.update({"country": c, "graph_actors": g.number_of_nodes(), "graph_ties": g.number_of_edges(),
                    "sector_actors": res.attrs["sector_actors"], "sector_ties": res.attrs["sector_ties"]})
        rows.append(row)
    cols = ["country", "graph_actors", "graph_ties", "sector_actors", "sector_ties", "observed_ties",
            "expected_ties", "ratio", "p_fewer", "p_more", "n_draws", "verdict"]
    return pd.DataFrame(rows)[cols]


# ----------------------------------------------------------------------------- periods


def period_bounds(split_years, start_year=None, end_year=None) -> list[tuple[str, int | None, int | None]]:
    """Return the periods ``[(label, first year, last year), ...]`` cut at ``split_years``.

    ``period_bounds([2018])`` -> ``[("up to 2017", None, 2017), ("2018 onwards", 2018, None)]``;
    with ``start_year=2015``: ``("2015-2017", 2015, 2017)``. Each split year starts a new
    period. None (or 0) bounds are open.
    """
    start_year, end_year = _check_years(start_year, end_year)
    if isinstance(split_years, (int,)) and not isinstance(split_years, bool):
        split_years = [split_years]
    try:
        splits = sorted({int(s) for s in split_years})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"split_year must be a year or a list of years, got {split_years!r}") from exc
    if not splits:
        raise ValueError("split_year: give at least one year")
    for s in splits:
        if (start_year is not None and s <= start_year) or (end_year is not None and s > end_year):
            raise ValueError(f"split_year {s} must fall after start_year and not after end_year")
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


def period_graphs(ds, split_years=2018, start_year=None, end_year=None, **build_kwargs) -> dict:
    """Build :class:`CoordinationGraphs` for each period of :func:`period_bounds`.

    An activity belongs to every period its dates overlap; undated activities and
    relations without an activity cannot be placed and are left out
    (``keep_undated=False``). Returns ``{label: CoordinationGraphs}`` in time order.
    """
    build_kwargs = dict(build_kwargs)
    build_kwargs["keep_undated"] = False
    return {label: build_graphs(ds, start_year=lo, end_year=hi, **build_kwargs)
            for label, lo, hi in period_bounds(split_years, start_year, end_year)}


def compare_periods(graphs: dict, graph: str = "union", sector: str = LAW_ENFORCEMENT, seed: int = 42) -> dict:
    """What appears, vanishes and moves between consecutive periods.

    Parameters
    ----------
    graphs : dict
        ``{label: CoordinationGraphs}`` from :func:`period_graphs`.
    graph : str
        Which actor graph to compare.

    Returns
    -------
    dict of DataFrames
        ``summary``: one row per period with :func:`graph_summary`, the whole-graph and
        ``sector``'s E-I index by sector and the share of ``sector``'s ties that leave it;
        ``actors``: one row per actor present in some period (``present_<label>`` bools,
        ``change``: ``appears`` / ``vanishes`` / ``stays`` / ``intermittent`` over the
        periods); ``ties``: the same for ties (``u``, ``v``); ``movers``: degree and
        betweenness per period of every actor, with ``degree_change`` and
        ``betweenness_change`` (last period minus first).
    """
    import pandas as pd

    labels = list(graphs)
    Gs = {lab: graphs[lab].graph(graph) for lab in labels}
    summ = []
    for lab in labels:
        G = Gs[lab]
        s = {"period": lab, **graph_summary(G)}
        ei = ei_index(G, "sector")
        s["ei_all_sectors"] = float(ei.loc["(all)", "ei_index"])
        s[f"ei_{sector}"] = float(ei.loc[sector, "ei_index"]) if sector in ei.index else float("nan")
        s[f"{sector}_actors"] = int(ei.loc[sector, "actors"]) if sector in ei.index else 0
        summ.append(s)
    summary = pd.DataFrame(summ).set_index("period")

    def presence(items_by_period, key_cols):
        allk = sorted(set().union(*items_by_period.values())) if items_by_period else []
        df = pd.DataFrame(allk, columns=key_cols) if allk else pd.DataFrame(columns=key_cols)
        flags = []
        for lab in labels:
            col = f"present_{lab}"
            df[col] = [k in items_by_period[lab] for k in allk]
            flags.append(col)

        def change(row):
            seq = [bool(row[c]) for c in flags]
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

        df["change"] = [change(r) for _, r in df.iterrows()] if len(df) else pd.Series(dtype=object)
        return df

    actors = presence({lab: {(n,) for n in Gs[lab]} for lab in labels}, ["actor_id"])
    attrs = {}
    for lab in labels:
        attrs.update({n: (d.get("label", n), d.get("sector", "")) for n, d in Gs[lab].nodes(data=True)})
    actors.insert(1, "label", [attrs.get(a, ("", ""))[0] for a in actors["actor_id"]])
    actors.insert(2, "sector", [attrs.get(a, ("", ""))[1] for a in actors["actor_id"]])
    ties = presence({lab: {tuple(sorted(e)) for e in Gs[lab].edges()} for lab in labels}, ["u", "v"])
    movers = []
    for lab in labels:
        m = actor_metrics(Gs[lab], seed=seed)[["actor_id", "degree", "betweenness"]].set_index("actor_id")
        movers.append(m.add_suffix(f"_{lab}"))
    mv = pd.concat(movers, axis=1).fillna(0) if movers else pd.DataFrame()
    if len(labels) >= 2 and len(mv):
        mv["degree_change"] = mv[f"degree_{labels[-1]}"] - mv[f"degree_{labels[0]}"]
        mv["betweenness_change"] = mv[f"betweenness_{labels[-1]}"] - mv[f"betweenness_{labels[0]}"]
        mv = mv.sort_values(["degree_change", "betweenness_change"], ascending=False, key=abs, kind="stable")
    mv.index.name = "actor_id"
    return {"summary": summary, "actors": actors, "ties": ties, "movers": mv.reset_index()}


# ----------------------------------------------------------------------------- export


def _safe_value(v):
    import math

    if v is None:
        return ""
    if hasattr(v, "item") and callable(v.item) and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, TypeError):
            pass
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return "" if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, (list, tuple, set, frozenset)):
        return ";".join(str(x) for x in (sorted(v) if isinstance(v, (set, frozenset)) else v))
    return str(v)


def graphml_safe(G: nx.Graph, metrics=None) -> nx.Graph:
    """Return a copy of ``G`` whose graph, node and edge attributes are strings or numbers.

    None and NaN become ``""``, booleans ``0/1``, lists ``;``-joined strings, anything
    else ``str``. An attribute that mixes numbers and strings across nodes (e.g. a NaN
    among floats) is written as strings everywhere, since GraphML declares one type per
    key. With ``metrics`` (a DataFrame from :func:`actor_metrics`), its columns are added
    as node attributes.
    """
    H = nx.Graph() if not G.is_directed() else nx.DiGraph()
    H.graph.update({str(k): _safe_value(v) for k, v in G.graph.items()})
    extra = {}
    if metrics is not None and len(metrics):
        m = metrics.set_index("actor_id")
        extra = {a: row.to_dict() for a, row in m.iterrows()}
    for n, d in G.nodes(data=True):
        attrs = {str(k): _safe_value(v) for k, v in d.items()}
        attrs.update({str(k): _safe_value(v) for k, v in extra.get(n, {}).items() if k not in attrs})
        H.add_node(str(n), **attrs)
    for u, v, d in G.edges(data=True):
        H.add_edge(str(u), str(v), **{str(k): _safe_value(x) for k, x in d.items()})
    # one type per key: fall back to strings where a key mixes types
    for items in (list(H.nodes(data=True)), [(None, d) for _, _, d in H.edges(data=True)]):
        kinds: dict[str, set] = {}
        for _, d in items:
            for k, v in d.items():
                kinds.setdefault(k, set()).add(type(v))
        for k, ts in kinds.items():
            if len(ts) > 1 and not ts <= {int, float}:
                for _, d in items:
                    if k in d:
                        d[k] = str(d[k])
            elif ts == {int, float}:
                for _, d in items:
                    if k in d:
                        d[k] = float(d[k])
    return H


def export_graph(G: nx.Graph, folder, stem: str, metrics=None) -> dict[str, Path]:
    """Write ``G`` as ``<stem>.graphml`` and ``<stem>.gexf`` into ``folder`` (for Gephi / Cytoscape).

    Attributes are made GraphML-safe first (:func:`graphml_safe`), with the ``metrics``
    columns as node attributes if given. Returns ``{"graphml": path, "gexf": path}``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    H = graphml_safe(G, metrics)
    paths = {"graphml": folder / f"{stem}.graphml", "gexf": folder / f"{stem}.gexf"}
    nx.write_graphml(H, paths["graphml"])
    nx.write_gexf(H, paths["gexf"])
    return paths


# ----------------------------------------------------------------------------- headlines


def headline_figures(metrics, summary: dict, ei, test, sector: str = LAW_ENFORCEMENT,
                     combined_row: str | None = None) -> dict:
    """The few key results of the analysis, as ``{key: (value, label, unit)}``.

    Parameters are the outputs of :func:`actor_metrics`, :func:`graph_summary`,
    :func:`ei_index` (by sector) and :func:`sector_tie_test`; ``combined_row`` names a
    combined-sectors row of the test to report as well (its p-value and verdict). Missing
    results (an empty graph, a test too thin to decide) give None values, never an error.
    """
    import math

    def num(x, nd=3):
        try:
            x = float(x)
        except (TypeError, ValueError):
            return None
        return None if math.isnan(x) else round(x, nd)

    top = None
    if metrics is not None and len(metrics) and metrics["sector_brokerage"].iloc[0] > 0:
        top = str(metrics["label"].iloc[0])
    ei_le = num(ei.loc[sector, "ei_index"]) if ei is not None and sector in ei.index else None
    main = test.iloc[-1] if test is not None and len(test) else None
    thin = bool(test.attrs.get("thin", True)) if test is not None else True
    pv = None if thin or main is None else num(main["p_fewer"], 4)
    extra = {}
    if combined_row is not None and test is not None and combined_row in set(test["other_sector"]):
        row = test.set_index("other_sector").loc[combined_row]
        label = combined_row.split(" (")[0]
        extra = {
            f"{sector}_{_slug(label)}_test_p_fewer": (
                None if thin or str(row["verdict"]).startswith("too thin") else num(row["p_fewer"], 4),
                f"p-value: {sector.replace('_', ' ')} has fewer ties to the {combined_row} than rewiring gives",
                "p-value"),
            f"{sector}_{_slug(label)}_test_verdict": (str(row["verdict"]), f"Verdict for the {combined_row}", ""),
        }
    heads = {
        "graph_actors": (summary.get("actors"), "Actors in the analysed coordination graph", "actors"),
        "graph_ties": (summary.get("ties"), "Ties in the analysed coordination graph", "ties"),
        "share_in_largest_component": (num(summary.get("share_in_largest_component")),
                                       "Share of actors in the largest connected component", "share of actors"),
        "top_cross_sector_broker": (top, "Actor with the most cross-sector brokerage (Gould-Fernandez)", ""),
        f"ei_index_{sector}": (ei_le, f"Krackhardt E-I index of {sector.replace('_', ' ')} by sector "
                                      "(-1 inward, +1 outward)", ""),
        f"{sector}_test_p_fewer": (pv, f"p-value: {sector.replace('_', ' ')} has fewer ties to other sectors "
                                       "than degree-preserving rewiring gives", "p-value"),
        f"{sector}_test_verdict": (None if main is None else str(main["verdict"]),
                                   f"Verdict of the {sector.replace('_', ' ')} tie test", ""),
    }
    heads.update(extra)
    return heads


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
