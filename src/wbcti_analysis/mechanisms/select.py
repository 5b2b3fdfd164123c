"""Which mechanisms and features to compare, and the checks of a notebook's parameters.

Every error names the parameter at fault and the allowed values, so a notebook run with
a wrong parameter stops at its first cell with a message the user can act on.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ._util import _as_list, _mechanism_enum, _strings
from .vocabulary import DISTANCES, MECHANISM_ATTRIBUTES

__all__ = ["feature_names", "check_features", "select_mechanisms", "check_parameters"]


def feature_names(ds) -> list[str]:
    """Return every feature name that can be compared, in descriptor order.

    These are the values of ``mechanism_features.feature`` followed by the
    ``mechanisms`` columns in :data:`MECHANISM_ATTRIBUTES` (``level``, ``mechanism_type``).

    Parameters
    ----------
    ds : Dataset
        A loaded data package.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, feature_names
    >>> feature_names(example_dataset())[:3], feature_names(example_dataset())[-2:]
    (['year_established', 'modelled_on', 'tier_covered'], ['level', 'mechanism_type'])
    """
    enum = list(ds.field("mechanism_features", "feature").get("constraints", {}).get("enum", []))
    return enum + [a for a in MECHANISM_ATTRIBUTES if a not in enum]


def check_features(ds, features: Iterable[str] | None = None) -> list[str]:
    """Return the features to compare (all of :func:`feature_names` if empty), in descriptor order.

    Parameters
    ----------
    ds : Dataset
    features : list of str, optional
        Feature names; empty or None means all.

    Returns
    -------
    list of str
        The selected features, in descriptor order (not in the order given).

    Raises
    ------
    ValueError
        Naming the parameter ``features`` and every unknown feature name.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, check_features
    >>> check_features(example_dataset(), ["level", "police_role"])
    ['police_role', 'level']
    """
    known = feature_names(ds)
    wanted = _as_list(features)
    bad = [f for f in wanted if f not in known]
    if bad:
        raise ValueError(f"features: unknown feature name(s) {', '.join(repr(b) for b in bad)}; "
                         f"known: {', '.join(known)}")
    if not wanted:
        return known
    return [f for f in known if f in set(wanted)]


def select_mechanisms(ds, mechanisms: Iterable[str] | None = None,
                      countries: Iterable[str] | None = None) -> list[str]:
    """Return the sorted ids of the mechanisms to compare.

    Parameters
    ----------
    ds : Dataset
    mechanisms : list of str, optional
        Mechanism ids (``mechanisms.mechanism_id``); empty or None means all.
    countries : list of str, optional
        ISO codes; keep the mechanisms of these countries, plus every reference model
        (``reference_model`` true), which have no Western Balkan country. Empty means all.

    Returns
    -------
    list of str
        Mechanism ids, sorted.

    Raises
    ------
    ValueError
        Naming the parameter and every unknown mechanism id or country code.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, select_mechanisms
    >>> select_mechanisms(example_dataset(), countries=["XK"])   # reference models are kept
    ['dk-aarhus-model', 'uk-channel', 'xk-a']
    """
    m = ds.mechanisms
    known = sorted(_strings(m["mechanism_id"]).dropna())
    wanted = _as_list(mechanisms)
    bad = [x for x in wanted if x not in set(known)]
    if bad:
        raise ValueError(f"mechanisms: unknown mechanism id(s) {', '.join(repr(b) for b in bad)}; "
                         f"known: {', '.join(known) or '(none: the data has no mechanisms)'}")
    ids = sorted(set(wanted)) if wanted else known
    cc = _as_list(countries)
    if cc:
        allowed = _mechanism_enum(ds, "country")
        bad = [c for c in cc if c not in allowed]
        if bad:
            raise ValueError(f"countries: unknown country code(s) {', '.join(repr(b) for b in bad)}; "
                             f"allowed: {', '.join(allowed)}")
        keep = m[_strings(m["country"]).isin(cc) | m["reference_model"].fillna(False).astype(bool)]
        ids = [i for i in ids if i in set(_strings(keep["mechanism_id"]))]
    return ids


def check_parameters(ds, mechanisms: Iterable[str] | None = None, features: Iterable[str] | None = None,
                     distance: str = "jaccard", cluster_threshold: float = 0.5,
                     countries: Iterable[str] | None = None, min_compared: int = 0) -> tuple[list[str], list[str]]:
    """Validate a notebook's parameters; return ``(mechanism ids, feature names)`` to compare.

    Parameters
    ----------
    ds : Dataset
    mechanisms, features, countries : list of str, optional
        See :func:`select_mechanisms` and :func:`check_features`; empty means all.
    distance : str
        One of :data:`DISTANCES`.
    cluster_threshold : float
        Cut height of the dendrogram, a distance in 0..1.
    min_compared : int
        Whole number >= 0 (see :func:`mechanism_distances`).

    Returns
    -------
    tuple of (list of str, list of str)

    Raises
    ------
    ValueError
        Naming the parameter at fault: ``mechanisms``, ``countries``, ``features``,
        ``distance`` (not one of :data:`DISTANCES`), ``cluster_threshold`` (not in 0..1) or
        ``min_compared`` (not a whole number >= 0).

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, check_parameters
    >>> check_parameters(example_dataset(), ["xk-a", "rs-b"], ["level"])
    (['rs-b', 'xk-a'], ['level'])
    >>> check_parameters(example_dataset(), distance="cosine")
    Traceback (most recent call last):
    ...
    ValueError: distance: unknown method 'cosine'; use one of jaccard, gower
    """
    if isinstance(min_compared, bool) or not isinstance(min_compared, (int, np.integer)) or min_compared < 0:
        raise ValueError(f"min_compared: must be a whole number >= 0, got {min_compared!r}")
    if distance not in DISTANCES:
        raise ValueError(f"distance: unknown method {distance!r}; use one of {', '.join(DISTANCES)}")
    if isinstance(cluster_threshold, bool) or not isinstance(cluster_threshold, (int, float)) \
            or not 0 <= cluster_threshold <= 1:
        raise ValueError(f"cluster_threshold: must be a number between 0 and 1, got {cluster_threshold!r}")
    for name, value in (("mechanisms", mechanisms), ("features", features), ("countries", countries)):
        if value is not None and not isinstance(value, (list, tuple, str)):
            raise ValueError(f"{name}: expected a list of strings, got {type(value).__name__}")
    feats = check_features(ds, features)
    ids = select_mechanisms(ds, mechanisms, countries)
    return ids, feats
