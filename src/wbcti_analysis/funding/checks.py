"""Argument checks of the funding analysis: a notebook's parameters against the dataset,
and the small checks every table function runs on ``basis`` and ``by``.

Behaviour is that of the single ``funding`` module before the split; the shared parameter
model of the collection will later drive these checks.
"""
from __future__ import annotations

from .constants import BASES, GROUPINGS

__all__ = ["check_parameters"]


def check_parameters(ds, countries=(), start_year=0, end_year=0, funders=(), basis="count", min_n=1) -> dict:
    """Validate a notebook's parameters against the dataset and return them normalised.

    Parameters
    ----------
    ds : Dataset
        The *unfiltered* dataset (funder ids are checked against all its actors).
    countries : list of str
        ISO 3166 alpha-2 codes; each must be an allowed value of ``activities.countries``.
    start_year, end_year : int
        0 means no bound; otherwise a year between 1900 and 2100, ``start_year <= end_year``.
    funders : list of str
        Actor ids of funders to withdraw; each must be an actor recorded as a funder
        (a funding row or a ``funder`` participation) somewhere in the dataset.
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
    ValueError
        Naming the parameter and the offending values.

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> check_parameters(tiny_dataset(), countries=["XK"], funders="ec")
    {'countries': ['XK'], 'start_year': None, 'end_year': None, 'funders': ['ec'], 'basis': 'count', 'min_n': 1}
    >>> check_parameters(tiny_dataset(), funders=["al-ngo"])
    Traceback (most recent call last):
    ...
    ValueError: funders: actor id(s) 'al-ngo' fund nothing in the data (no funding row and no 'funder' participation)
    """
    import numpy as np

    countries = _as_str_list(countries, "countries")
    allowed = ds.field("activities", "countries")["wbcti:list"]["enum"]
    bad = [c for c in countries if c not in allowed]
    if bad:
        raise ValueError(f"countries: unknown country code(s) {', '.join(map(repr, bad))}; "
                         f"use ISO 3166 alpha-2 codes (Kosovo is 'XK'), one of: {', '.join(allowed)}")
    years = {}
    for name, value in (("start_year", start_year), ("end_year", end_year)):
        if value is None or value == 0 or value == "":
            years[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name}: expected a year as an integer (0 = no bound), got {value!r}")
        if not 1900 <= int(value) <= 2100:
            raise ValueError(f"{name}: {value} is not a plausible year (1900-2100; 0 = no bound)")
        years[name] = int(value)
    if years["start_year"] and years["end_year"] and years["start_year"] > years["end_year"]:
        raise ValueError(f"start_year ({start_year}) is after end_year ({end_year})")
    funders = _as_str_list(funders, "funders")
    _check_actor_ids(ds, funders)
    known_funders = set(ds.funding["funder_id"]) | set(
        ds.participations.loc[ds.participations["role"].astype(str) == "funder", "actor_id"])
    not_funders = [f for f in funders if f not in known_funders]
    if not_funders:
        raise ValueError(f"funders: actor id(s) {', '.join(map(repr, not_funders))} fund nothing in the data "
                         "(no funding row and no 'funder' participation)")
    _check_basis(basis)
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise ValueError(f"min_n: expected an integer >= 1, got {min_n!r}")
    return {"countries": countries or None, "start_year": years["start_year"], "end_year": years["end_year"],
            "funders": funders, "basis": basis, "min_n": int(min_n)}


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
    if basis not in BASES:
        raise ValueError(f"basis: {basis!r} is not one of {', '.join(BASES)}")


def _check_by(by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(f"by: {by!r} is not one of {', '.join(GROUPINGS)}")
