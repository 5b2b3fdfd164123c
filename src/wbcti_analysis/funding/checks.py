"""Argument checks of the funding analysis: a notebook's parameters against the dataset,
and the small checks every table function runs on ``basis`` and ``by``.

Allowed values, ranges and the ids the package must have come from the declaration of
notebook 02's parameters (:mod:`wbcti_analysis.params`); only ``by`` (the groupings the
table functions implement) and the actor ids of :func:`withdraw` are checked here.
"""
from __future__ import annotations

from ..params.checking import as_parameter_values, require, require_arguments
from .constants import GROUPINGS

__all__ = ["check_parameters"]

NOTEBOOK = "02-donor-dependency"


def check_parameters(ds, countries=(), start_year=0, end_year=0, funders=(), basis="count", min_n=1) -> dict:
    """Validate a notebook's parameters against the dataset and return them normalised.

    The check is the parameter model's (:func:`wbcti_analysis.params.require` with the
    declaration of ``02-donor-dependency``): every problem is reported at once.

    Parameters
    ----------
    ds : Dataset
        The *unfiltered* dataset (funder ids are checked against all of it).
    countries : list of str
        ISO 3166 alpha-2 codes; each must be a country of the package's activities
        (case as stored; Kosovo is ``XK``).
    start_year, end_year : int
        0 (or None) means no bound; otherwise a year between 1900 and 2100,
        ``start_year <= end_year``.
    funders : list of str
        Actor ids of funders to withdraw (the parameter ``funders_to_withdraw``); each must
        be an actor recorded as a funder (a funding row or a ``funder`` participation).
    basis : {"count", "amount"}
    min_n : int
        Smallest group size reported without a "thin" flag; at least 1.

    Returns
    -------
    dict
        ``countries`` (list or None), ``start_year`` / ``end_year`` (int or None),
        ``funders`` (list), ``basis`` (str), ``min_n`` (int).

    Raises
    ------
    wbcti_analysis.params.ParameterError
        A ``ValueError`` naming every parameter at fault, the bad value and what is
        allowed (an unknown country or funder is listed with those the package has).

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> check_parameters(tiny_dataset(), countries=["XK"], funders="ec")
    {'countries': ['XK'], 'start_year': None, 'end_year': None, 'funders': ['ec'], 'basis': 'count', 'min_n': 1}
    >>> check_parameters(tiny_dataset(), funders=["al-ngo"])
    Traceback (most recent call last):
    ...
    wbcti_analysis.params.model.ParameterError: 1 problem(s) with the parameters of 02-donor-dependency:
      - 02-donor-dependency: funders_to_withdraw: unknown funder id 'al-ngo'; the package has al-min, ec, xk-min
    """
    values = as_parameter_values(NOTEBOOK, {"countries": countries, "start_year": start_year, "end_year": end_year,
                                            "funders_to_withdraw": funders, "basis": basis, "min_n": min_n})
    c = require(NOTEBOOK, values, ds)
    countries = c.derived["countries_or_none"]
    return {"countries": list(dict.fromkeys(countries)) if countries else None,
            "start_year": c.selection.start_year, "end_year": c.selection.end_year,
            "funders": list(dict.fromkeys(c.values["funders_to_withdraw"])), "basis": c.values["basis"],
            "min_n": int(c.values["min_n"])}


def _as_str_list(values, name: str) -> list[str]:
    """``values`` as a list of distinct strings (a lone string is one value; None or "" none)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values] if values else []
    try:
        values = list(values)
    except TypeError:
        raise ValueError(f"{name}: expected a list of strings, got {values!r}") from None
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"{name}: expected a list of strings, got {values!r}")
    return list(dict.fromkeys(values))


def _check_actor_ids(ds, funders: list[str]) -> None:
    """Raise naming every id of ``funders`` that is not an actor of ``ds``."""
    actor_ids = set(ds.actors["actor_id"])
    unknown = [f for f in funders if f not in actor_ids]
    if unknown:
        raise ValueError(f"funders: unknown funder id(s) {', '.join(map(repr, unknown))}: not in actors.actor_id")


def _check_basis(basis: str) -> None:
    """Raise unless ``basis`` is allowed by the declaration of notebook 02's ``basis``."""
    require_arguments(NOTEBOOK, {"basis": basis})


def _check_by(by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(f"by: {by!r} is not one of {', '.join(GROUPINGS)}")
