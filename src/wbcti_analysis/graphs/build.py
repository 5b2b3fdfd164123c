"""Building the coordination graphs of a selection of a data package.

* the **bipartite** actor x activity graph of ``participations`` (:func:`bipartite_graph`);
* its **projection** on actors (:func:`project_actors`): two actors are tied when they
  take part in the same activity, weighted by shared activities or by Newman's
  collaboration weighting;
* the graph of **relations** the sources state outright (:func:`relations_graph`);
* their **union** (:func:`union_graph`);
* all four for one :class:`~wbcti_analysis.selection.Selection` (:func:`build_graphs`).

Actor graphs are undirected, simple ``networkx.Graph`` objects whose nodes are
``actor_id`` strings carrying the actor's attributes and whose edges carry ``weight``
(the analysis weight) and ``count`` (shared activities + stated relations; ``min_weight``
applies to it whatever the weighting).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..params.checking import absent_codes
from .core import ACTIVITY_PREFIX, NOTEBOOK, _as_set, _check_enum, _enum, _require

__all__ = [
    "parent_map",
    "bipartite_graph",
    "project_actors",
    "relations_graph",
    "union_graph",
    "CoordinationGraphs",
    "build_graphs",
]

_ATTRS = ("name", "short_name", "actor_type", "sector", "level", "country", "parent_id")
#: The selection fields :func:`build_graphs` still accepts as keyword arguments.
_SELECTION_KWARGS = ("countries", "start_year", "end_year", "tiers", "themes", "roles", "keep_undated")


def parent_map(actors) -> dict[str, str]:
    """Return ``{actor_id: top-level ancestor id}`` following ``actors.parent_id``.

    An actor with no parent maps to itself; a chain (office -> agency -> organisation) maps
    to its top. A parent id that is not in the table, or a cycle, stops the walk at the last
    known actor.

    Examples
    --------
    >>> import pandas as pd
    >>> actors = pd.DataFrame({"actor_id": ["un", "undp", "undp-xk"], "parent_id": [None, "un", "undp"]})
    >>> parent_map(actors)
    {'un': 'un', 'undp': 'un', 'undp-xk': 'un'}
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


def _activity_attrs(activities, ids) -> dict[str, dict]:
    """Title, type, level, countries, tiers, themes and dates of the activity nodes."""
    if activities is None or not len(activities):
        return {}
    a = activities.set_index("activity_id")
    out = {}
    for aid in sorted(ids):
        if aid in a.index:
            r = a.loc[aid]
            out[aid] = {"title": str(r["title"]), "activity_type": str(r["activity_type"]),
                        "level": "" if r["level"] is None or r["level"] != r["level"] else str(r["level"]),
                        "countries": ";".join(r["countries"]), "tiers": ";".join(r["tiers"]),
                        "themes": ";".join(r["themes"]),
                        "start_date": r["start_date"] or "", "end_date": r["end_date"] or ""}
    return out


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

    Examples
    --------
    >>> import pandas as pd
    >>> part = pd.DataFrame({"actor_id": ["p", "q", "p"], "activity_id": ["A1", "A1", "A1"],
    ...                      "role": ["lead", "partner", "funder"]})
    >>> B = bipartite_graph(part)
    >>> sorted(B), B["p"]["activity:A1"]["roles"]
    (['activity:A1', 'p', 'q'], 'funder;lead')
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
    acts = _activity_attrs(activities, set(p["activity_id"]))
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
        ``count``: ``weight`` = number of shared activities. ``newman``: Newman's
        collaboration weighting [1]_, ``weight = sum over shared activities of 1 / (n - 1)``
        with ``n`` the activity's number of actors (an activity with many participants
        ties each pair weakly). Same values as
        ``networkx.bipartite.collaboration_weighted_projected_graph``.

    Returns
    -------
    networkx.Graph
        Every actor of ``B`` is a node (isolates included). Edges carry ``weight``,
        ``count`` (shared activities) and ``activities`` (their ids, ``;``-joined).

    Raises
    ------
    wbcti_analysis.params.ParameterError
        A ``ValueError``: ``weighting`` is not one of notebook 01's ``weighting`` choices
        (``"count"``, ``"newman"``).

    References
    ----------
    .. [1] Newman, M. E. J. (2001). Scientific collaboration networks. II. Shortest paths,
       weighted networks, and centrality. *Physical Review E*, 64(1), 016132.

    Examples
    --------
    >>> import pandas as pd
    >>> part = pd.DataFrame({"actor_id": ["p", "q", "r", "p", "q"],
    ...                      "activity_id": ["A1", "A1", "A1", "A2", "A2"], "role": ["lead"] * 5})
    >>> B = bipartite_graph(part)
    >>> project_actors(B)["p"]["q"]["weight"]
    2
    >>> project_actors(B, "newman")["p"]["q"]["weight"]      # 1/2 from A1 (3 actors) + 1 from A2
    1.5
    """
    _require({"weighting": weighting})
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

    Parameters
    ----------
    relations : DataFrame
        Columns ``relation_id``, ``source_actor_id``, ``relation_type``, ``target_actor_id``.
    relation_types : list of str, optional
        Keep only these types; None or empty keeps all.

    Returns
    -------
    networkx.Graph
        Edges carry ``weight`` and ``count`` (number of stated relations between the pair),
        ``relation_types`` and ``relations`` (``;``-joined).

    Examples
    --------
    >>> import pandas as pd
    >>> rel = pd.DataFrame({"relation_id": ["r1", "r2"], "source_actor_id": ["p", "q"],
    ...                     "relation_type": ["member_of", "funds"], "target_actor_id": ["q", "p"]})
    >>> R = relations_graph(rel)
    >>> R["p"]["q"]["count"], R["p"]["q"]["relation_types"]
    (2, 'funds;member_of')
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

    Returns
    -------
    networkx.Graph
        Edges carry ``weight`` (projection weight + relations weight), ``count`` (shared
        activities + stated relations), ``co_participation`` and ``stated`` (each part's
        count) and ``tie_kind`` (``co-participation``, ``stated`` or ``both``).

    Examples
    --------
    >>> P = nx.Graph([("p", "q", {"weight": 0.5, "count": 1})])
    >>> R = nx.Graph([("p", "q", {"weight": 1, "count": 1}), ("p", "z", {"weight": 1, "count": 1})])
    >>> U = union_graph(P, R)
    >>> U["p"]["q"]["weight"], U["p"]["q"]["tie_kind"], U["p"]["z"]["tie_kind"]
    (1.5, 'both', 'stated')
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
        """Return the actor graph called ``name``: union, projection or relations (notebook 01's ``graph``)."""
        _require({"graph": name})
        return getattr(self, name)


def _filter_relations(ds, fds, sel):
    """Relations kept by a selection: see :func:`build_graphs`."""
    rel = fds.relations
    no_act = rel["activity_id"].isna()
    keep = ~no_act
    ok = no_act.copy()
    if sel.tiers or sel.themes:
        ok &= False
    if sel.countries:
        home = ds.actors.set_index("actor_id")["country"].astype(object)
        src = rel["source_actor_id"].map(home).isin(sel.countries)
        tgt = rel["target_actor_id"].map(home).isin(sel.countries)
        ok &= src | tgt
    if (sel.start_year is not None or sel.end_year is not None) and not sel.keep_undated:
        ok &= False
    return rel[keep | ok].reset_index(drop=True)


def _listed(values) -> list:
    """A list argument as given (None: empty; a lone string: one value), checked by the declaration."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values] if values else []
    if isinstance(values, (dict, bytes)) or not hasattr(values, "__iter__"):
        return values  # refused by the declaration, naming the type
    return [v for v in values if v is not None and v != ""]


def _selection(ds, selection, kwargs: dict, others: dict):
    """The checked :class:`Selection` of :func:`build_graphs` (old keyword arguments folded in).

    The selection's fields and ``others`` (weighting, min_weight, merge_parents) are checked
    together against notebook 01's declaration, so every problem is reported at once. A
    country code the descriptor allows but no activity has is accepted (see
    :func:`wbcti_analysis.params.checking.require_codes`).
    """
    from ..selection import Selection

    if selection is None:
        selection = Selection()
    elif isinstance(selection, dict):
        selection = Selection.from_params(selection)
    elif not isinstance(selection, Selection):
        raise TypeError(f"selection must be a wbcti_analysis.selection.Selection, a dict or None, "
                        f"got {type(selection).__name__}")
    given = {k: v for k, v in kwargs.items() if v is not None}
    lists = {name: _listed(given.pop(name) if name in given else getattr(selection, name))
             for name in ("countries", "tiers", "themes", "roles")}
    years = {name: given.pop(name, getattr(selection, name)) for name in ("start_year", "end_year")}
    checked = {**lists, **years}
    if isinstance(lists["countries"], list) and all(isinstance(c, str) for c in lists["countries"]):
        absent = absent_codes(NOTEBOOK, "countries", lists["countries"], ds)
        checked["countries"] = [c for c in lists["countries"] if c not in absent]
    values = _require({**checked, **others}, ds)
    fields = {name: tuple(sorted(set(lists[name]))) for name in lists}
    start, end = (values[name] or None for name in ("start_year", "end_year"))
    return selection.replace(**fields, start_year=start, end_year=end, **given), values


def build_graphs(ds, selection=None, *, weighting: str = "count", merge_parents: bool = False,
                 min_weight: int = 1, relation_types=None, countries=None, start_year=None, end_year=None,
                 tiers=None, themes=None, roles=None, keep_undated=None) -> CoordinationGraphs:
    """Build the bipartite, projected, stated and union graphs of a selection of ``ds``.

    Parameters
    ----------
    ds : Dataset
        A loaded data package (:func:`wbcti_analysis.load`).
    selection : Selection or dict, optional
        Which activities and roles (:class:`wbcti_analysis.selection.Selection`: countries,
        years, tiers, themes, roles, keep_undated); None keeps everything. ``roles`` are
        the participation roles that make a tie (e.g. ``("lead", "implementer",
        "partner", "participant")`` leaves funders and beneficiaries out).
    weighting : {"count", "newman"}
        Projection weighting (:func:`project_actors`).
    merge_parents : bool
        Merge every actor into its top parent organisation (a UN country office into the
        agency, an OSCE mission into the OSCE), via ``actors.parent_id``.
    min_weight : int
        Keep only ties with ``count`` (shared activities + stated relations) at least this
        (an integer >= 0; a whole float such as ``2.0`` is read as 2). Nodes are kept when
        their ties are cut.
    relation_types : list of str, optional
        Stated relation types to use; empty means all.
    countries, start_year, end_year, tiers, themes, roles, keep_undated : optional
        The older keyword form of the selection, still accepted: each value given
        replaces the selection's field (``build_graphs(ds, countries=["XK"])``).

    Returns
    -------
    CoordinationGraphs
        ``params`` holds the selection's fields (sorted lists), ``weighting``,
        ``merge_parents``, ``min_weight`` and ``relation_types``.

    Raises
    ------
    wbcti_analysis.params.ParameterError
        A ``ValueError`` listing every argument that notebook 01's declaration does not
        allow (countries, years, tiers, themes, roles, weighting, min_weight,
        merge_parents), each with the bad value and what is allowed.
    ValueError
        An unknown relation type (names the types of the descriptor).
    TypeError
        ``selection`` is neither a Selection, a dict nor None.

    Notes
    -----
    Relations tied to an activity follow that activity. Relations with no activity are
    kept unless a tier or theme filter is set (they have no tier); under a country filter
    only if one end is based in one of the countries; under a period filter they count as
    undated. Only actors that take part in a kept activity or a kept relation are nodes.

    Examples
    --------
    >>> import wbcti_analysis
    >>> from wbcti_analysis.selection import Selection
    >>> ds = wbcti_analysis.load()
    >>> cg = build_graphs(ds, Selection(countries=["XK"]), weighting="newman")
    >>> cg.params["countries"], cg.union.number_of_nodes() > 0
    (['XK'], True)
    """
    if isinstance(min_weight, float) and min_weight.is_integer():
        min_weight = int(min_weight)
    sel, _ = _selection(ds, selection, {"countries": countries, "start_year": start_year, "end_year": end_year,
                                        "tiers": tiers, "themes": themes, "roles": roles,
                                        "keep_undated": keep_undated},
                        {"weighting": weighting, "min_weight": min_weight, "merge_parents": merge_parents})
    rtypes = _as_set(relation_types, "relation_types")
    _check_enum(rtypes, _enum(ds, "relations", "relation_type"), "relation_types")  # not a notebook parameter
    min_weight = float(min_weight)

    fds = sel.apply(ds)
    nodes, idmap = _node_table(ds, merge_parents)
    part = fds.participations[["actor_id", "activity_id", "role"]].copy()
    part["actor_id"] = part["actor_id"].map(idmap)
    rel = _filter_relations(ds, fds, sel)
    rel = rel[["relation_id", "source_actor_id", "relation_type", "target_actor_id"]].copy()
    rel["source_actor_id"] = rel["source_actor_id"].map(idmap)
    rel["target_actor_id"] = rel["target_actor_id"].map(idmap)

    B = bipartite_graph(part, fds.activities, sel.roles or None)
    P = project_actors(B, weighting)
    R = relations_graph(rel, rtypes)
    U = union_graph(P, R)
    for G in (P, R, U):
        G.remove_edges_from([(u, v) for u, v, c in G.edges(data="count") if c < min_weight])
    ids = set(U)
    attrs = _node_attrs(nodes, ids)
    for G in (P, R, U):
        nx.set_node_attributes(G, {n: attrs[n] for n in G})
    nx.set_node_attributes(B, {n: attrs[n] for n in B if n in attrs})
    params = {"countries": list(sel.countries), "start_year": sel.start_year, "end_year": sel.end_year,
              "tiers": list(sel.tiers), "themes": list(sel.themes), "roles": list(sel.roles),
              "weighting": weighting, "merge_parents": bool(merge_parents), "min_weight": min_weight,
              "keep_undated": sel.keep_undated, "relation_types": sorted(rtypes or [])}
    table = nodes[nodes["actor_id"].isin(ids)].reset_index(drop=True)
    return CoordinationGraphs(B, P, R, U, table, params)
