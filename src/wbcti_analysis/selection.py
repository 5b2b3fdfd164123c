"""The selection every analysis takes: which activities (and roles) to look at.

A :class:`Selection` replaces the per-module filter arguments and long signatures:
``build_graphs(ds, Selection(countries=("XK",), start_year=2016))``. It is a frozen value
(hashable, comparable, printable), applied to a dataset with :meth:`Selection.apply`
(which calls :func:`wbcti_analysis.filters.filter_dataset`) and checked against a dataset
with :meth:`Selection.problems` (unknown codes, reversed years), which the parameter
model (:mod:`wbcti_analysis.params`) reports before anything runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Iterable

__all__ = ["Selection", "EVIDENCE_TABLES"]

#: The tables whose rows carry an ``evidence`` column (``stated`` / ``inferred``).
EVIDENCE_TABLES = ("participations", "funding", "relations", "figures", "mechanism_features")


def _tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(str(v) for v in values if v is not None and str(v) != "")


def _year(value) -> int | None:
    if value is None or value == "" or value == 0:
        return None  # 0 is the notebooks' "no bound"
    return int(value)


@dataclass(frozen=True)
class Selection:
    """Which activities an analysis looks at. Empty means "no filter" for every field.

    Attributes
    ----------
    countries : tuple of str
        ISO 3166-1 alpha-2 codes as stored in the package (Kosovo is ``XK``); an activity
        passes when it covers at least one of them.
    start_year, end_year : int or None
        Inclusive period; an activity passes when its known dates overlap it. 0 or None
        means open.
    tiers, themes : tuple of str
        Prevention tiers / themes; an activity passes when it has at least one of them.
    roles : tuple of str
        Participation roles kept (e.g. ``("funder", "implementer")``); empty keeps all.
    keep_undated : bool
        Whether undated activities pass a period filter (default True: undated work is
        not silently dropped).
    sources : tuple of str
        Source ids (``sources.source_id``) whose activities are kept: the within-source
        view of a period comparison. Rows tied to a dropped activity go; rows without an
        activity (relations, figures) are kept when their own ``source_id`` is selected.
        Empty keeps every source.
    include_inferred : bool
        Whether rows whose ``evidence`` is ``"inferred"`` (a coder's reading, not a
        statement of the source) are kept in the five evidence tables (participations,
        funding, relations, figures, mechanism_features). Default True.

    Examples
    --------
    >>> s = Selection(countries=["XK", "AL"], start_year=2016, end_year=0)
    >>> s.countries, s.start_year, s.end_year
    (('XK', 'AL'), 2016, None)
    >>> Selection().is_empty()
    True
    >>> Selection(include_inferred=False).describe()
    'stated rows only'
    >>> Selection(sources=["ran2023"]).describe()
    'sources ran2023'
    >>> Selection(start_year=2019, end_year=2015).problems()
    ['start_year 2019 is after end_year 2015']
    """

    countries: tuple[str, ...] = ()
    start_year: int | None = None
    end_year: int | None = None
    tiers: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    keep_undated: bool = True
    include_inferred: bool = True
    sources: tuple[str, ...] = ()

    def __post_init__(self):
        for name in ("countries", "tiers", "themes", "roles", "sources"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        object.__setattr__(self, "start_year", _year(self.start_year))
        object.__setattr__(self, "end_year", _year(self.end_year))
        object.__setattr__(self, "keep_undated", bool(self.keep_undated))
        object.__setattr__(self, "include_inferred", bool(self.include_inferred))

    @classmethod
    def from_params(cls, params: dict) -> "Selection":
        """Build a selection from a dict of notebook parameters; unrelated keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in params.items() if k in names})

    def replace(self, **changes) -> "Selection":
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)

    def is_empty(self) -> bool:
        """True when the selection keeps everything."""
        return self == Selection()

    def problems(self, ds=None) -> list[str]:
        """Return what is wrong with this selection (empty list when nothing is).

        Without a dataset only the year order is checked. With one, every country, tier,
        theme and role must be a value the package allows (case as stored); an unknown
        value is named together with the values the package has.
        """
        out: list[str] = []
        if self.start_year is not None and self.end_year is not None and self.start_year > self.end_year:
            out.append(f"start_year {self.start_year} is after end_year {self.end_year}")
        if ds is None:
            return out
        present = set(ds.long_list("activities", "countries")["value"].astype(str))
        country_enum = ds.field("activities", "countries").get("wbcti:list", {}).get("enum") or sorted(present)
        allowed = {
            "countries": [c for c in country_enum if c in present],
            "tiers": ds.field("activities", "tiers").get("wbcti:list", {}).get("enum") or [],
            "themes": ds.field("activities", "themes").get("wbcti:list", {}).get("enum") or [],
            "roles": ds.field("participations", "role").get("constraints", {}).get("enum") or [],
        }
        for name, ok in allowed.items():
            if not ok:
                continue
            bad = [v for v in getattr(self, name) if v not in ok]
            if bad:
                what = {"countries": "country code", "tiers": "tier", "themes": "theme", "roles": "role"}[name]
                hint = [f"{v!r} -> {c!r}" for v in bad for c in ok if v != c and v.casefold() == c.casefold()]
                out.append(f"{name}: unknown {what}{'s' if len(bad) > 1 else ''} {', '.join(map(repr, bad))}; "
                           f"the package has {', '.join(ok)}"
                           + (f" (values are case-sensitive: {', '.join(hint)})" if hint else ""))
        return out

    def apply(self, ds):
        """Return a new Dataset restricted to this selection (see :func:`filters.filter_dataset`).

        ``roles`` also restricts the participations table; ``include_inferred=False`` drops
        the rows whose ``evidence`` is ``"inferred"`` from the evidence tables
        (:data:`EVIDENCE_TABLES`; a table without the column is left whole).
        """
        from .filters import filter_dataset

        if self.replace(roles=(), include_inferred=True, sources=()).is_empty():
            from .datapackage import Dataset

            out = Dataset(ds.path, ds.descriptor, dict(ds.tables))  # no activity filter: every row stays
        else:
            out = filter_dataset(ds, countries=self.countries or None, start_year=self.start_year,
                                 end_year=self.end_year, tiers=self.tiers or None, themes=self.themes or None,
                                 keep_undated=self.keep_undated)
        if self.roles and "participations" in out.tables:
            p = out.tables["participations"]
            out.tables["participations"] = p[p["role"].astype(str).isin(self.roles)].reset_index(drop=True)
        if self.sources:
            out = _only_sources(out, set(self.sources))
        if not self.include_inferred:
            for name in EVIDENCE_TABLES:
                df = out.tables.get(name)
                if df is not None and "evidence" in df.columns:
                    out.tables[name] = df[df["evidence"].astype(str) != "inferred"].reset_index(drop=True)
        return out

    def describe(self) -> str:
        """A short text for captions: 'countries XK, AL; 2016-open' or 'all activities'."""
        parts = []
        if self.countries:
            parts.append("countries " + ", ".join(self.countries))
        if self.start_year is not None or self.end_year is not None:
            parts.append(f"{self.start_year or 'open'}-{self.end_year or 'open'}")
        for name in ("tiers", "themes", "roles", "sources"):
            vals = getattr(self, name)
            if vals:
                parts.append(f"{name} " + ", ".join(vals))
        if not self.include_inferred:
            parts.append("stated rows only")
        return "; ".join(parts) if parts else "all activities"


def _only_sources(ds, sources: set):
    """The dataset restricted to the activities of ``sources`` (and the rows that follow them)."""
    from .datapackage import Dataset

    tables = dict(ds.tables)
    acts = tables["activities"]
    acts = acts[acts["source_id"].astype(str).isin(sources)].reset_index(drop=True)
    kept = set(acts["activity_id"])
    tables["activities"] = acts
    for name, col in (("participations", "activity_id"), ("funding", "activity_id"), ("figures", "activity_id"),
                      ("relations", "activity_id"), ("mechanisms", "mechanism_id")):
        df = tables.get(name)
        if df is None:
            continue
        keep = df[col].isin(kept)
        if name in ("relations", "figures") and "source_id" in df.columns:
            keep |= df[col].isna() & df["source_id"].astype(str).isin(sources)
        tables[name] = df[keep].reset_index(drop=True)
    if "mechanism_features" in tables and "mechanisms" in tables:
        mf = tables["mechanism_features"]
        tables["mechanism_features"] = mf[mf["mechanism_id"].isin(set(tables["mechanisms"]["mechanism_id"]))
                                          ].reset_index(drop=True)
    return Dataset(ds.path, ds.descriptor, tables)
