"""Synthetic data packages K times the bundled one, for benchmarks and tests at scale.

:func:`synthesize` (and ``wbcti synth --scale K --seed S --out DIR [--amounts]``) writes
a valid package of the project's shape with about ``K`` times the bundled rows per
table. It is drawn from the bundled package, not copied: every row starts from a
template row of its table (so the columns that travel together keep their joint
distribution, including columns other parts of the project add to the descriptor) and
gets new ids, new foreign keys, recombined text and shifted partial dates; the structure
is new:

* heavy-tailed participation per actor (preferential attachment seeded with the
  template actor's own participation count; the top tenth of actors hold about half of
  the participations, as in the bundled data);
* activities with several participants in several roles (role drawn from template
  participations of an actor of the same sector);
* participants drawn mostly from the activity's countries, the rest from anywhere, so
  international and regional actors connect the countries' clusters;
* partial dates (year, month or day) at the template's precision; amounts missing at
  the template's rate (``amounts=True`` states some);
* mechanisms, their features and values drawn from the bundled vocabularies;
* every row has a ``source_id`` (a synthetic source row) and a ``locator``.

The descriptor is read at run time: the output's ``datapackage.json`` is the template's
with a new name, and any column or table it declares is written (required enum columns
the template does not hold get allowed values from the descriptor). The same seed gives
the same files, byte for byte.

Modules
-------
template
    The template (descriptor + rows as text) and descriptor-driven defaults.
build
    Shared state, Polya urn, text and date helpers.
network
    Sources, actors, activities, participations, relations.
tables
    Funding, mechanisms, mechanism features, figures, claims, tables added later.
"""
from __future__ import annotations

import json
from pathlib import Path

__all__ = ["synthesize"]

_KNOWN = ("sources", "actors", "activities", "participations", "relations", "funding", "mechanisms",
          "mechanism_features", "figures", "claims")


def synthesize(scale: float, seed: int = 0, out=None, amounts: bool = False, template=None) -> dict:
    """Write a synthetic package ``scale`` times the template and return its tables.

    Parameters
    ----------
    scale : float
        ``K``: rows per table relative to the template (> 0; 1 gives about the bundled
        size, 10 ten times). Claims are repeated ``round(K)`` times (at least once).
    seed : int, default 0
        Seed of the random generator; the same seed gives the same package.
    out : str or Path, optional
        Folder to write ``datapackage.json`` and one CSV per table into (created if
        needed; files of the same names are replaced). ``None`` writes nothing.
    amounts : bool, default False
        If true, about :data:`~.tables.AMOUNT_SHARE` of funding rows state an amount in
        EUR (log-normal); otherwise amounts are missing at the template's rate.
    template : str or Path, optional
        Package to draw from (default: the bundled one).

    Returns
    -------
    dict of str -> pandas.DataFrame
        Each table as text (empty cells are ``""``), in the descriptor's order.

    Raises
    ------
    ValueError
        If ``scale`` is not a positive number.

    Examples
    --------
    >>> tables = synthesize(0.2, seed=1)
    >>> len(tables["activities"]), len(tables["actors"])
    (48, 32)
    >>> bool(tables["participations"]["source_id"].str.startswith("synth-src-").all())
    True
    """
    from .build import State
    from .network import make_activities, make_actors, make_participations, make_relations, make_sources
    from .tables import (make_claims, make_figures, make_funding, make_generic, make_mechanism_features,
                         make_mechanisms)
    from .template import Template

    try:
        scale = float(scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a positive number, got {scale!r}") from None
    if not scale > 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    t = template if isinstance(template, Template) else Template(template)
    st = State(t, scale, seed, amounts)
    steps = {"sources": make_sources, "actors": make_actors, "activities": make_activities,
             "participations": make_participations, "relations": make_relations, "funding": make_funding,
             "mechanisms": make_mechanisms, "mechanism_features": make_mechanism_features,
             "figures": make_figures, "claims": make_claims}
    order = [n for n in _KNOWN if n in t.resources]
    order += [n for n in t.order() if n not in order]
    for name in order:
        if name in steps:
            steps[name](st)
        else:
            make_generic(st, name)
    tables = {r["name"]: st.frames[r["name"]] for r in t.descriptor["resources"]}
    if out is not None:
        _write(t, tables, Path(out), scale, seed, amounts)
    return tables


def _write(t, tables: dict, out: Path, scale: float, seed: int, amounts: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    desc = json.loads(json.dumps(t.descriptor))
    k = f"{scale:g}".replace(".", "_")
    desc["name"] = f"wbcti-synthetic-k{k}-s{seed}"
    desc["title"] = f"Synthetic package, {scale:g} x the bundled one (seed {seed})"
    desc["description"] = ("Generated by `wbcti synth` (wbcti_analysis.synth) for benchmarks and tests: drawn from "
                           "the bundled package, not real data" + ("; with stated amounts" if amounts else "") + ".")
    for res in desc["resources"]:
        names = [f["name"] for f in res["schema"]["fields"]]
        tables[res["name"]][names].to_csv(out / res["path"], index=False, lineterminator="\n")
    (out / "datapackage.json").write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
