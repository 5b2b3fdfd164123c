"""The reference models (UK Channel, Aarhus) and the mechanisms closest to them.

A reference model is looked up by its usual id, else by name among the mechanisms marked
``reference_model``, so a user's package with other ids still finds it. "Closest" reads a
:class:`~wbcti_analysis.mechanisms.Distances` result and keeps ties: several mechanisms
at the same smallest distance are all named, each with the number of items its distance
rests on.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ._util import _names, _strings
from .select import select_mechanisms
from .vocabulary import REFERENCE_MODELS, WESTERN_BALKANS

if TYPE_CHECKING:  # only for annotations: distances imports lineage, which imports this module
    from .distances import Distances

__all__ = ["find_reference_model", "reference_models", "foreign_references", "closest_to", "nearest"]


def find_reference_model(ds, key: str) -> str | None:
    """Return the id of a reference model (key of :data:`REFERENCE_MODELS`), or None if absent.

    The usual id (``uk-channel``, ``dk-aarhus-model``) wins if it is a mechanism; otherwise
    the first (by id) mechanism with ``reference_model`` true whose id or name matches the
    key's pattern (case-insensitive).

    Parameters
    ----------
    ds : Dataset
    key : str
        A key of :data:`REFERENCE_MODELS` (``"uk_channel"``, ``"aarhus"``).

    Returns
    -------
    str or None

    Raises
    ------
    ValueError
        Naming ``key`` and the known keys.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, find_reference_model
    >>> find_reference_model(example_dataset(), "aarhus")
    'dk-aarhus-model'
    """
    if key not in REFERENCE_MODELS:
        raise ValueError(f"key: unknown reference model {key!r}; known: {', '.join(REFERENCE_MODELS)}")
    usual, pattern = REFERENCE_MODELS[key]
    m = ds.mechanisms
    ids = _strings(m["mechanism_id"])
    if usual in set(ids):
        return usual
    ref = m["reference_model"].fillna(False).astype(bool)
    text = ids.fillna("") + " " + _strings(m["name"]).fillna("")
    hit = sorted(ids[ref & text.str.contains(pattern, case=False, regex=True)])
    return hit[0] if hit else None


def reference_models(ds, mechanisms: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the reference models: the named ones of :data:`REFERENCE_MODELS` and every
    mechanism with ``reference_model`` true.

    Returns
    -------
    DataFrame
        ``key, mechanism_id, name, selected``: ``key`` is ``uk_channel``/``aarhus`` or
        ``other``; ``mechanism_id`` None when a named model is not in the data;
        ``selected`` whether it is among ``mechanisms`` (all if empty).

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, reference_models
    >>> reference_models(example_dataset(), ["xk-a", "uk-channel"])
              key     mechanism_id                    name selected
    0  uk_channel       uk-channel            Channel (UK)     True
    1      aarhus  dk-aarhus-model  Aarhus model (Denmark)    False
    """
    ids = set(select_mechanisms(ds, mechanisms))
    names = _names(ds)
    rows = []
    found = set()
    for key in REFERENCE_MODELS:
        mid = find_reference_model(ds, key)
        found.add(mid)
        rows.append({"key": key, "mechanism_id": mid, "name": names.get(mid), "selected": mid in ids})
    m = ds.mechanisms
    for mid in sorted(_strings(m.loc[m["reference_model"].fillna(False).astype(bool), "mechanism_id"])):
        if mid not in found:
            rows.append({"key": "other", "mechanism_id": mid, "name": names.get(mid), "selected": mid in ids})
    out = pd.DataFrame(rows, columns=["key", "mechanism_id", "name", "selected"]).astype(object)
    return out.where(out.notna(), None)


def foreign_references(ds, mechanisms: Iterable[str] | None = None) -> list[str]:
    """Return the selected reference models from outside the Western Balkans, sorted.

    These are mechanisms with ``reference_model`` true and a country not in
    :data:`WESTERN_BALKANS` (UK Channel, Aarhus). A Western Balkan mechanism a source holds
    up as a model (or one with no country, such as a regional concept) is not included:
    its gaps are Western Balkan gaps.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, foreign_references
    >>> foreign_references(example_dataset())
    ['dk-aarhus-model', 'uk-channel']
    """
    ids = set(select_mechanisms(ds, mechanisms))
    m = ds.mechanisms
    country = _strings(m["country"])
    hit = m["reference_model"].fillna(False).astype(bool) & country.notna() & ~country.isin(WESTERN_BALKANS)
    return sorted(i for i in _strings(m.loc[hit, "mechanism_id"]) if i in ids)


def closest_to(distances: Distances, reference_id: str | None, n: int | None = None) -> pd.DataFrame:
    """Return the other mechanisms ordered by distance to ``reference_id`` (closest first).

    Ties are ordered by id; pairs with no comparable evidence (NaN) are left out.
    Returns an empty table (same columns ``mechanism_id, distance, compared``) when
    ``reference_id`` is None or not among the compared mechanisms.

    Parameters
    ----------
    distances : Distances
    reference_id : str or None
        The mechanism to measure from (e.g. :func:`find_reference_model`'s result).
    n : int, optional
        Keep the first ``n`` rows (all if None or 0).

    Returns
    -------
    DataFrame
        ``mechanism_id, distance, compared`` (distance in 0..1; compared items: feature
        values for Jaccard, features for Gower).

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, mechanism_distances, closest_to
    >>> closest_to(mechanism_distances(example_dataset()), "uk-channel").round(3)
          mechanism_id  distance  compared
    0             xk-a     0.000         5
    1             rs-b     0.167         6
    2  dk-aarhus-model     0.333         6
    """
    cols = ["mechanism_id", "distance", "compared"]
    if reference_id is None or reference_id not in distances.distance.index:
        return pd.DataFrame(columns=cols)
    d = distances.distance[reference_id].drop(reference_id)
    c = distances.compared[reference_id].drop(reference_id)
    out = pd.DataFrame({"mechanism_id": d.index, "distance": d.to_numpy(), "compared": c.to_numpy()})
    out = out[out["distance"].notna()].sort_values(["distance", "mechanism_id"], kind="stable")
    out = out.reset_index(drop=True)
    return out.head(n) if n else out


def nearest(closest: pd.DataFrame) -> list[str]:
    """Return the mechanism id(s) at the smallest distance in a :func:`closest_to` table (ties kept).

    Examples
    --------
    >>> import pandas as pd
    >>> nearest(pd.DataFrame({"mechanism_id": ["a", "b", "c"], "distance": [0.0, 0.0, 0.5]}))
    ['a', 'b']
    """
    if closest.empty:
        return []
    d = closest["distance"].iloc[0]
    return list(closest.loc[np.isclose(closest["distance"], d), "mechanism_id"])

