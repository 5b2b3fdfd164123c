"""Allowed values that come from the data package, not from the code.

Each :class:`Domain` computes its values from a loaded :class:`~wbcti_analysis.Dataset`:
enums from ``datapackage.json`` (tiers, themes, roles, mechanism features) and the ids and
codes the package actually has (countries of its activities, funders, networks,
mechanisms), case as stored. A parameter names its domain (``Param(domain="funders")``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["Domain", "DOMAINS", "allowed_values", "MECHANISM_ATTRIBUTES"]

# mechanisms columns compared as features besides mechanism_features.feature
# (the same as wbcti_analysis.mechanisms.MECHANISM_ATTRIBUTES; a test keeps them equal).
MECHANISM_ATTRIBUTES = ("level", "mechanism_type")


def _list_enum(ds, table: str, column: str) -> list[str]:
    f = ds.field(table, column)
    return list((f.get("wbcti:list") or {}).get("enum") or (f.get("constraints") or {}).get("enum") or [])


def _strings(series) -> list[str]:
    return [str(v) for v in series.dropna().tolist() if str(v) != ""]


def _activity_countries(ds) -> list[str]:
    present = set(_strings(ds.long_list("activities", "countries")["value"]))
    enum = _list_enum(ds, "activities", "countries") or sorted(present)
    return [c for c in enum if c in present]


def _mechanism_countries(ds) -> list[str]:
    present = set(_strings(ds.mechanisms["country"]))
    enum = _list_enum(ds, "mechanisms", "country") or sorted(present)
    return [c for c in enum if c in present]


def _funders(ds) -> list[str]:
    p = ds.participations
    ids = set(_strings(ds.funding["funder_id"])) | set(_strings(p.loc[p["role"].astype(str) == "funder", "actor_id"]))
    return sorted(ids)


def _networks(ds) -> list[str]:
    a = ds.actors
    return sorted(_strings(a.loc[a["actor_type"].astype(str) == "network", "actor_id"]))


def _features(ds) -> list[str]:
    enum = _list_enum(ds, "mechanism_features", "feature")
    return enum + [a for a in MECHANISM_ATTRIBUTES if a not in enum]


@dataclass(frozen=True)
class Domain:
    """A package-derived set of allowed values.

    ``values(ds)`` lists them (case as stored); ``accepts(ds)``, when given, is the wider
    set a value may come from (networks: any actor id, though the list shows the
    networks); ``noun`` names one value in messages.
    """

    name: str
    noun: str
    description: str
    values: Callable
    accepts: Callable | None = None


DOMAINS: dict[str, Domain] = {d.name: d for d in (
    Domain("activity_countries", "country code",
           "ISO codes of the countries the package's activities cover (case as stored; Kosovo is XK)",
           _activity_countries),
    Domain("mechanism_countries", "country code",
           "ISO codes of the countries the package's mechanisms are in (case as stored)", _mechanism_countries),
    Domain("tiers", "tier", "prevention tiers of datapackage.json", lambda ds: _list_enum(ds, "activities", "tiers")),
    Domain("themes", "theme", "activity themes of datapackage.json", lambda ds: _list_enum(ds, "activities", "themes")),
    Domain("roles", "role", "participation roles of datapackage.json",
           lambda ds: _list_enum(ds, "participations", "role")),
    Domain("funders", "funder id", "actor ids the package records as funders (funding rows, 'funder' roles)",
           _funders),
    Domain("networks", "actor id", "actor ids of the package (its networks: actor_type network)", _networks,
           accepts=lambda ds: sorted(_strings(ds.actors["actor_id"]))),
    Domain("mechanisms", "mechanism id", "mechanism ids of the package (mechanisms.mechanism_id)",
           lambda ds: sorted(_strings(ds.mechanisms["mechanism_id"]))),
    Domain("features", "feature", "mechanism_features.feature values of datapackage.json, level, mechanism_type",
           _features),
)}


def allowed_values(domain: str, ds) -> list[str]:
    """The values of ``domain`` in ``ds`` (what messages and ``wbcti list`` show).

    >>> import wbcti_analysis as w
    >>> allowed_values("tiers", w.load())
    ['primary', 'secondary', 'tertiary', 'ct_law_enforcement']
    """
    return list(DOMAINS[domain].values(ds))
