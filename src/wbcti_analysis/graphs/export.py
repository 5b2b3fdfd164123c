"""Exports of the actor graphs for Gephi and Cytoscape (GraphML, GEXF)."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

__all__ = ["graphml_safe", "export_graph"]


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


def _one_type_per_key(items) -> None:
    """GraphML declares one type per key: strings where a key mixes types, floats for int + float."""
    kinds: dict[str, set] = {}
    for d in items:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, ts in kinds.items():
        if len(ts) > 1 and not ts <= {int, float}:
            conv = str
        elif ts == {int, float}:
            conv = float
        else:
            continue
        for d in items:
            if k in d:
                d[k] = conv(d[k])


def graphml_safe(G, metrics=None):
    """Return a copy of ``G`` whose graph, node and edge attributes are strings or numbers.

    None and NaN become ``""``, booleans ``0/1``, lists ``;``-joined strings, anything
    else ``str``. An attribute that mixes numbers and strings across nodes (e.g. a NaN
    among floats) is written as strings everywhere, since GraphML declares one type per
    key.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    metrics : DataFrame, optional
        From :func:`~wbcti_analysis.graphs.metrics.actor_metrics`; its columns are added
        as node attributes (a node's own attributes win).

    Returns
    -------
    networkx.Graph or DiGraph
        String node ids, plain attribute values.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("a", x=float("nan"), flag=True, tags=("p", "q"))
    >>> graphml_safe(G).nodes["a"]
    {'x': '', 'flag': 1, 'tags': 'p;q'}
    """
    H = nx.Graph() if not G.is_directed() else nx.DiGraph()
    H.graph.update({str(k): _safe_value(v) for k, v in G.graph.items()})
    extra = {}
    if metrics is not None and len(metrics):
        extra = {a: row.to_dict() for a, row in metrics.set_index("actor_id").iterrows()}
    for n, d in G.nodes(data=True):
        attrs = {str(k): _safe_value(v) for k, v in d.items()}
        attrs.update({str(k): _safe_value(v) for k, v in extra.get(n, {}).items() if k not in attrs})
        H.add_node(str(n), **attrs)
    for u, v, d in G.edges(data=True):
        H.add_edge(str(u), str(v), **{str(k): _safe_value(x) for k, x in d.items()})
    _one_type_per_key([d for _, d in H.nodes(data=True)])
    _one_type_per_key([d for _, _, d in H.edges(data=True)])
    return H


def export_graph(G, folder, stem: str, metrics=None) -> dict[str, Path]:
    """Write ``G`` as ``<stem>.graphml`` and ``<stem>.gexf`` into ``folder`` (for Gephi / Cytoscape).

    Attributes are made GraphML-safe first (:func:`graphml_safe`), with the ``metrics``
    columns as node attributes if given.

    Parameters
    ----------
    G : networkx.Graph
    folder : str or Path
        Created if missing.
    stem : str
        File name without extension.
    metrics : DataFrame, optional
        Node attributes to add (:func:`~wbcti_analysis.graphs.metrics.actor_metrics`).

    Returns
    -------
    dict
        ``{"graphml": path, "gexf": path}``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = export_graph(nx.path_graph(["a", "b"]), tmp, "demo")
    ...     sorted(p.name for p in paths.values())
    ['demo.gexf', 'demo.graphml']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    H = graphml_safe(G, metrics)
    paths = {"graphml": folder / f"{stem}.graphml", "gexf": folder / f"{stem}.gexf"}
    nx.write_graphml(H, paths["graphml"])
    nx.write_gexf(H, paths["gexf"])
    return paths
