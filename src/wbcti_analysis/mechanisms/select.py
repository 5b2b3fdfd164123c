"""Which mechanisms and features to compare, and the checks of a notebook's parameters.

The checks are the parameter model's (:mod:`wbcti_analysis.params`, the declaration of
notebook 04's parameters): allowed features, mechanism ids and country codes come from the
package, distances and ranges from the declaration. Every error names the parameter at
fault, the bad value and what is allowed, so a notebook run with a wrong parameter stops
at its first cell with a message the user can act on.
"""
from __future__ import annotations

from typing import Iterable

from ..params.checking import as_parameter_values, require, require_arguments, require_codes
from ..params.domains import allowed_values
from ._util import _as_list, _strings

NOTEBOOK = "04-referral-mechanisms"

__all__ = ["feature_names", "check_features", "select_mechanisms", "check_parameters"]


def feature_names(ds) -> list[str]:
    """Return every feature name that can be compared, in descriptor order.

    These are the values of ``mechanism_features.feature`` followed by the
    ``mechanisms`` columns in :data:`MECHANISM_ATTRIBUTES` (``level``, ``mechanism_type``):
    the ``features`` domain of the parameter model
    (:func:`wbcti_analysis.params.allowed_values`).

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
    return allowed_values("features", ds)


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
    wbcti_analysis.params.ParameterError
        A ``ValueError`` naming the parameter ``features``, every unknown feature name and
        the features the package has.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, check_features
    >>> check_features(example_dataset(), ["level", "police_role"])
    ['police_role', 'level']
    """
    wanted = require_arguments(NOTEBOOK, {"features": features}, ds).values["features"]
    return _features(ds, wanted)


def _features(ds, wanted: list[str]) -> list[str]:
    """Checked feature names in descriptor order (all of them if ``wanted`` is empty)."""
    known = feature_names(ds)
    wanted = set(_as_list(wanted))
    return [f for f in known if f in wanted] if wanted else known


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
    wbcti_analysis.params.ParameterError
        A ``ValueError`` naming the parameter, every unknown mechanism id or country code
        and the ids or codes the package has. A country code the descriptor allows but no
        mechanism has yet is accepted (it keeps only the reference models).

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, select_mechanisms
    >>> select_mechanisms(example_dataset(), countries=["XK"])   # reference models are kept
    ['dk-aarhus-model', 'uk-channel', 'xk-a']
    """
    mechanisms = require_arguments(NOTEBOOK, {"mechanisms": mechanisms}, ds).values["mechanisms"]
    countries = require_codes(NOTEBOOK, "countries", countries, ds)
    return _select(ds, mechanisms, countries)


def _select(ds, mechanisms: list[str], countries: list[str]) -> list[str]:
    """Sorted ids of the checked ``mechanisms`` (all if empty) in ``countries`` (all if empty) or references."""
    m = ds.mechanisms
    known = sorted(_strings(m["mechanism_id"]).dropna())
    wanted = _as_list(mechanisms)
    ids = sorted(set(wanted)) if wanted else known
    cc = _as_list(countries)
    if cc:
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
        One of :data:`DISTANCES` (the declaration's ``distance`` choices).
    cluster_threshold : float
        Cut height of the dendrogram, a distance in 0..1.
    min_compared : int
        Integer >= 0 (see :func:`mechanism_distances`).

    Returns
    -------
    tuple of (list of str, list of str)

    Raises
    ------
    wbcti_analysis.params.ParameterError
        A ``ValueError`` listing every problem of the declaration of notebook 04's
        parameters (:func:`wbcti_analysis.params.require`): ``mechanisms`` and
        ``countries`` the package does not have, unknown ``features``, ``distance`` not
        one of :data:`DISTANCES`, ``cluster_threshold`` not in 0..1, ``min_compared`` not
        an integer >= 0, lists of the wrong type.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, check_parameters
    >>> check_parameters(example_dataset(), ["xk-a", "rs-b"], ["level"])
    (['rs-b', 'xk-a'], ['level'])
    >>> check_parameters(example_dataset(), distance="cosine")
    Traceback (most recent call last):
    ...
    wbcti_analysis.params.model.ParameterError: 1 problem(s) with the parameters of 04-referral-mechanisms:
      - 04-referral-mechanisms: distance: unknown value 'cosine'; allowed: jaccard, gower
    """
    c = require(NOTEBOOK, as_parameter_values(NOTEBOOK, {
        "mechanisms": mechanisms, "countries": countries, "features": features, "distance": distance,
        "cluster_threshold": cluster_threshold, "min_compared": min_compared}), ds)
    return _select(ds, c.values["mechanisms"], c.values["countries"]), _features(ds, c.values["features"])
