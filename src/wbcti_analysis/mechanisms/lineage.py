"""Lineage (which mechanism was modelled on which), set-up timeline, disputes between
the sources and plain-language notes on thin data.

Where the sources give different values of a single-valued feature (two years of
set-up), both are kept, with the source of each; nothing is averaged or chosen.
"""
from __future__ import annotations

from typing import Iterable

import networkx as nx
import pandas as pd

from ._util import _claim_feature, _sort_values, _strings, _year
from .features import mechanism_evidence
from .references import find_reference_model
from .select import select_mechanisms
from .vocabulary import REFERENCE_MODELS, SINGLE_VALUED_FEATURES

__all__ = ["lineage_graph", "lineage_table", "establishment_timeline", "disputes", "data_notes"]


def lineage_graph(ds, mechanisms: Iterable[str] | None = None) -> nx.DiGraph:
    """Return the lineage graph: an edge model -> mechanism for every stated ``modelled_on``.

    Nodes are the selected mechanisms and every model they name (a model that is not a
    mechanism of the data is a node with ``in_data=False``). Node attributes: ``name``,
    ``country``, ``reference_model``, ``in_data``, ``selected``. Edge attributes:
    ``sources`` and ``locators`` (``'; '``-joined). Only present=true statements make edges.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all.

    Returns
    -------
    networkx.DiGraph

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, lineage_graph
    >>> g = lineage_graph(example_dataset())
    >>> list(g.edges(data="sources"))
    [('uk-channel', 'xk-a', 'src-a')]
    """
    ids = select_mechanisms(ds, mechanisms)
    ev = mechanism_evidence(ds, ids, use_participations=False, use_activities=False)
    ev = ev[(ev["feature"] == "modelled_on") & ev["present"]]
    m = ds.mechanisms.set_index(_strings(ds.mechanisms["mechanism_id"]))
    g = nx.DiGraph()

    def add(node: str, selected: bool) -> None:
        if node in g:
            g.nodes[node]["selected"] |= selected
            return
        if node in m.index:
            g.add_node(node, name=m.at[node, "name"],
                       country=None if pd.isna(m.at[node, "country"]) else str(m.at[node, "country"]),
                       reference_model=bool(m.at[node, "reference_model"]), in_data=True, selected=selected)
        else:
            g.add_node(node, name=node, country=None, reference_model=False, in_data=False, selected=selected)

    for i in ids:
        add(i, True)
    for (mid, model), grp in ev.groupby(["mechanism_id", "value"], sort=True):
        add(model, False)
        g.add_edge(model, mid, sources="; ".join(sorted(set(grp["source_id"].dropna()))),
                   locators="; ".join(sorted(set(grp["locator"].dropna()))))
    return g


def lineage_table(graph: nx.DiGraph) -> pd.DataFrame:
    """Return the edges of :func:`lineage_graph` as ``model, model_name, mechanism, mechanism_name, sources``.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, lineage_graph, lineage_table
    >>> lineage_table(lineage_graph(example_dataset()))
            model    model_name mechanism        mechanism_name sources
    0  uk-channel  Channel (UK)      xk-a  Referral mechanism A   src-a
    """
    rows = [{"model": u, "model_name": graph.nodes[u]["name"], "mechanism": v,
             "mechanism_name": graph.nodes[v]["name"], "sources": d.get("sources", "")}
            for u, v, d in sorted(graph.edges(data=True))]
    return pd.DataFrame(rows, columns=["model", "model_name", "mechanism", "mechanism_name", "sources"])


def establishment_timeline(ds, mechanisms: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the year each selected mechanism was set up, disputed years kept.

    Years come from ``year_established`` features, ``claims`` about it and the year of the
    mechanism's activity ``start_date``.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all.

    Returns
    -------
    DataFrame
        One row per selected mechanism: ``mechanism_id, name, country, reference_model,
        year_min, year_max`` (Int64, NA if unknown), ``years`` (e.g. ``"2016 | 2017"``),
        ``disputed`` (bool: more than one year stated), ``display`` (``"2016"`` or
        ``"2016 | 2017 (disputed)"``, NA if unknown) and ``sources`` (``"2016: ran2023;
        2017: wbcti2018"``). Sorted by country, earliest year, id.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, establishment_timeline
    >>> establishment_timeline(example_dataset(), ["xk-a", "rs-b"])[["mechanism_id", "display", "sources"]]
      mechanism_id                 display                   sources
    0         rs-b                    2018               2018: src-a
    1         xk-a  2016 | 2017 (disputed)  2016: src-a; 2017: src-b
    """
    ids = select_mechanisms(ds, mechanisms)
    ev = mechanism_evidence(ds, ids, use_participations=False)
    ev = ev[(ev["feature"] == "year_established") & ev["present"]].copy()
    ev["year"] = ev["value"].map(_year)
    ev = ev[ev["year"].notna()]
    m = ds.mechanisms.set_index(_strings(ds.mechanisms["mechanism_id"]))
    rows = []
    for i in ids:
        e = ev[ev["mechanism_id"] == i]
        years = sorted(set(int(y) for y in e["year"]))
        src = "; ".join(f"{y}: {', '.join(sorted(set(e.loc[e['year'] == y, 'source_id'].dropna())))}" for y in years)
        text = " | ".join(str(y) for y in years)
        rows.append({"mechanism_id": i, "name": m.at[i, "name"],
                     "country": None if pd.isna(m.at[i, "country"]) else str(m.at[i, "country"]),
                     "reference_model": bool(m.at[i, "reference_model"]),
                     "year_min": years[0] if years else None, "year_max": years[-1] if years else None,
                     "years": text or None, "disputed": len(years) > 1,
                     "display": (text + " (disputed)" if len(years) > 1 else text) or None,
                     "sources": src or None})
    out = pd.DataFrame(rows, columns=["mechanism_id", "name", "country", "reference_model", "year_min", "year_max",
                                      "years", "disputed", "display", "sources"])
    out["year_min"] = out["year_min"].astype("Int64")
    out["year_max"] = out["year_max"].astype("Int64")
    out = out.sort_values(["country", "year_min", "mechanism_id"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def disputes(ds, mechanisms: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the attributes of the selected mechanisms on which the sources disagree.

    A dispute is a ``claims`` topic about a mechanism with more than one distinct value, or a
    single-valued feature (:data:`SINGLE_VALUED_FEATURES`) with more than one stated value.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all.

    Returns
    -------
    DataFrame
        ``mechanism_id, attribute, values, sources``: ``values`` ``' | '``-joined in order,
        ``sources`` as ``value: source, ...; value: source``.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, disputes
    >>> disputes(example_dataset()).to_dict("records")
    [{'mechanism_id': 'xk-a', 'attribute': 'year_established', 'values': '2016 | 2017', 'sources': '2016: src-a; 2017: src-b'}]
    """
    ids = select_mechanisms(ds, mechanisms)
    rows = []
    cl = ds.claims
    cl = cl[_strings(cl["subject_table"]).isin(["mechanisms", "activities"]) & _strings(cl["subject_id"]).isin(ids)]
    ev = mechanism_evidence(ds, ids, use_participations=False)
    ev = ev[ev["present"] & ev["feature"].isin(SINGLE_VALUED_FEATURES)]
    claim_rows = pd.DataFrame({"mechanism_id": _strings(cl["subject_id"]),
                               "feature": _strings(cl["attribute"]).map(_claim_feature),
                               "value": _strings(cl["value"]).str.strip(), "source_id": _strings(cl["source_id"])})
    allrows = pd.concat([ev[["mechanism_id", "feature", "value", "source_id"]], claim_rows], ignore_index=True)
    for (mid, attr), grp in allrows.groupby(["mechanism_id", "feature"], sort=True):
        vals = _sort_values(ds, attr, grp["value"])
        if len(vals) < 2:
            continue
        by_value = {v: ", ".join(sorted(set(grp.loc[grp["value"] == v, "source_id"].dropna()))) for v in vals}
        rows.append({"mechanism_id": mid, "attribute": attr, "values": " | ".join(vals),
                     "sources": "; ".join(f"{v}: {src}" for v, src in by_value.items())})
    return pd.DataFrame(rows, columns=["mechanism_id", "attribute", "values", "sources"])


# ----------------------------------------------------------------------------- notes


def _without_stated_features(ds, ids: list[str]) -> list[str]:
    """The ids among ``ids`` with no ``mechanism_features`` row and no claim (all features unknown)."""
    mf_ids = set(_strings(ds.mechanism_features["mechanism_id"]))
    cl = ds.claims
    mf_ids |= set(_strings(cl.loc[_strings(cl["subject_table"]).isin(["mechanisms", "activities"]), "subject_id"]))
    return [i for i in ids if i not in mf_ids]


def data_notes(ds, mechanisms: Iterable[str] | None = None) -> list[str]:
    """Return plain-language warnings about thin data for the selected mechanisms.

    Says when there are fewer than two mechanisms, which mechanisms have no stated feature
    (no ``mechanism_features`` row and no claim), and which reference models are absent.
    Empty list when nothing needs saying.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids; empty or None means all.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, data_notes
    >>> data_notes(example_dataset())
    []
    >>> data_notes(example_dataset(), ["xk-a", "dk-aarhus-model"])
    ['Reference model uk-channel is not among the selected mechanisms: no comparison with it.']
    """
    ids = select_mechanisms(ds, mechanisms)
    notes = []
    if not ids:
        notes.append("The data has no mechanisms to compare: nothing below can be computed.")
    elif len(ids) == 1:
        notes.append(f"Only one mechanism ({ids[0]}): too thin for similarity or clustering.")
    bare = _without_stated_features(ds, ids)
    if bare:
        notes.append(f"No stated features (all unknown, only level/type/members/dates): {', '.join(bare)}.")
    for key, (usual, _) in REFERENCE_MODELS.items():
        mid = find_reference_model(ds, key)
        if mid is None:
            notes.append(f"Reference model {usual} ({key}) is not in the data: no comparison with it.")
        elif mid not in ids:
            notes.append(f"Reference model {mid} is not among the selected mechanisms: no comparison with it.")
    return notes
