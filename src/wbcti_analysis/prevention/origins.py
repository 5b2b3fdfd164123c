"""Funding origin of the prevention analyses: external or domestic, per funder and activity.

The external / domestic rule is that of :mod:`wbcti_analysis.funding` (funding rows plus
participations with role ``funder``), so both analyses classify every funder the same
way: a funder is *external* when its type is an EU body or agency, a UN agency, an OSCE
field mission, an international or regional organisation, a donor government or a
foundation, or when its country is not among the activity's countries; a national or
local body of one of the activity's countries is *domestic*.
"""
from __future__ import annotations

import pandas as pd

from .constants import FUNDING_ORIGINS

__all__ = ["funder_origins", "activity_funding_origin"]


def funder_origins(ds) -> pd.DataFrame:
    """Return every funder x activity link with the funder's origin for that activity.

    The links and the external / domestic rule are those of
    :func:`wbcti_analysis.funding.funder_links` (funding rows plus participations with role
    ``funder``; no inheritance from parent projects here), so the two analyses classify
    every funder the same way.

    Parameters
    ----------
    ds : Dataset
        A loaded data package (:func:`wbcti_analysis.load`).

    Returns
    -------
    DataFrame
        One row per (activity, funder): ``activity_id``, ``funder_id``, ``actor_type``,
        ``funder_country``, ``origin`` (``external`` / ``domestic`` / ``unknown``),
        ``rule`` (why), ``recorded_in`` (``funding`` or ``participation``).

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> funder_origins(example_dataset())[["activity_id", "funder_id", "origin"]].values.tolist()
    [['e1', 'eu', 'external'], ['e2', 'xk-min', 'domestic'], ['e3', 'eu', 'external']]
    """
    from ..funding import funder_links

    links = funder_links(ds, include_participations=True, inherit=False)
    links = links.drop_duplicates(["activity_id", "funder_id"]).rename(
        columns={"funder_type": "actor_type", "link_source": "recorded_in"})
    cols = ["activity_id", "funder_id", "actor_type", "funder_country", "origin", "rule", "recorded_in"]
    return links[cols].astype({"activity_id": str, "funder_id": str}).sort_values(
        ["activity_id", "funder_id"]).reset_index(drop=True)


def activity_funding_origin(ds, links: pd.DataFrame | None = None) -> pd.Series:
    """Return each activity's funding origin, indexed by ``activity_id``.

    Parameters
    ----------
    ds : Dataset
    links : DataFrame, optional
        :func:`funder_origins` of ``ds`` if already computed.

    Returns
    -------
    Series (categorical, categories :data:`FUNDING_ORIGINS`)
        ``external`` (external funders only, possibly with funders of unknown origin),
        ``domestic`` (domestic only), ``mixed`` (both), ``unknown`` (only funders of
        unknown origin) or ``no funder recorded``.

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> activity_funding_origin(example_dataset()).astype(str).to_dict()
    {'e1': 'external', 'e2': 'domestic', 'e3': 'external', 'e4': 'no funder recorded'}
    """
    links = funder_origins(ds) if links is None else links
    out = pd.Series("no funder recorded", index=ds.activities["activity_id"].astype(str), name="funding_origin")
    for act, grp in links.groupby("activity_id"):
        o = set(grp["origin"])
        if "external" in o and "domestic" in o:
            out[act] = "mixed"
        elif "external" in o:
            out[act] = "external"
        elif "domestic" in o:
            out[act] = "domestic"
        else:
            out[act] = "unknown"
    return out.astype(pd.CategoricalDtype(list(FUNDING_ORIGINS)))
