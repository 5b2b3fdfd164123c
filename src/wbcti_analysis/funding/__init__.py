"""Donor funding dependency: who pays for CT and P/CVE work, how concentrated that money
is, and what falls away if a donor leaves.

Both sources say the work in the Western Balkans rests on international donors (EU
instruments such as ISF Police and IPA II, UN agencies, the US, the UK, Norway, GCERF ...)
and that domestic funding is the open question. This package turns the ``funding`` and
``participations`` tables into those figures. Every function takes a loaded (and possibly
filtered, see :func:`wbcti_analysis.filters.filter_dataset`) :class:`~wbcti_analysis.Dataset`
and returns pandas DataFrames; nothing is printed or plotted here (plots:
:mod:`wbcti_analysis.plots.funding`).

Modules
-------
- ``constants``: the rule's actor types and levels, groupings, bases, statuses, labels
- ``checks``: :func:`check_parameters` (a notebook's parameters against the dataset)
- ``links``: funder links and the external/domestic rule (:func:`funder_links`), per-activity
  funding (:func:`activity_funding`), :func:`coverage`, :func:`funders`
- ``grouping``: which activity belongs to which group (private)
- ``dependency``: :func:`dependency` shares, :func:`rank_groups`, :func:`most_dependent_groups`
  (ties kept), :func:`most_dependent`, :func:`ranking_note`, :func:`thin_message`,
  :func:`mechanism_funding`
- ``concentration``: :func:`concentration` (HHI per group), :func:`funder_matrix`
- ``withdrawal``: :func:`withdraw` (:class:`WithdrawalResult`), :func:`rank_funders`
- ``cliffs``: :func:`funding_cliffs`
- ``headlines``: :func:`headline_figures` (a list of :class:`~wbcti_analysis.headlines.Headline`)
- ``examples``: :func:`~wbcti_analysis.funding.examples.tiny_dataset`, the five-activity
  package of the examples

Each module's docstring states its rules (what counts as external, the bases, the
withdrawal assumptions); the HHI is :mod:`wbcti_analysis.stats.concentration`.

Examples
--------
>>> from wbcti_analysis import funding as fd
>>> from wbcti_analysis.funding.examples import tiny_dataset
>>> ds = tiny_dataset()
>>> fd.dependency(ds, by="country", groups=["AL", "XK"])[["group", "n_funded", "share_only_external_of_funded"]]
  group  n_funded  share_only_external_of_funded
0    AL         2                            0.0
1    XK         2                            0.5
"""
from __future__ import annotations

from .checks import check_parameters
from .cliffs import funding_cliffs
from .concentration_tables import concentration, funder_matrix
from .constants import BASES, DOMESTIC_LEVELS, EXTERNAL_TYPES, GROUPINGS, NO_END_DATE, NOT_STATED, STATUSES, WB6
from .dependency_shares import (dependency, mechanism_funding, most_dependent, most_dependent_groups, rank_groups,
                         ranking_note, thin_message)
from .headlines import headline_figures
from .links import activity_funding, coverage, funder_links, funders
from .withdrawal import WithdrawalResult, rank_funders, withdraw

__all__ = [
    "EXTERNAL_TYPES",
    "DOMESTIC_LEVELS",
    "WB6",
    "GROUPINGS",
    "BASES",
    "STATUSES",
    "NOT_STATED",
    "NO_END_DATE",
    "check_parameters",
    "funder_links",
    "activity_funding",
    "coverage",
    "funders",
    "dependency",
    "rank_groups",
    "ranking_note",
    "most_dependent",
    "most_dependent_groups",
    "thin_message",
    "mechanism_funding",
    "concentration",
    "funder_matrix",
    "WithdrawalResult",
    "withdraw",
    "rank_funders",
    "funding_cliffs",
    "headline_figures",
]
