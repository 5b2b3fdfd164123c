"""A tiny fictional data package of four mechanisms, for the examples in the docstrings.

:func:`example_dataset` writes it next to the bundled descriptor in a temporary folder,
loads and validates it like any package (:func:`wbcti_analysis.load`) and removes the
folder. Two Western Balkan mechanisms (``xk-a``, ``rs-b``) and the two reference models
under their usual ids (``uk-channel``, ``dk-aarhus-model``):

* ``xk-a`` (Kosovo) is modelled on ``uk-channel``; police, social welfare stated
  present, health stated absent; police a member; secondary tier; set up 2016 by one
  source and 2017 by the other (a disputed year); 10 cases handled 2016-2018.
* ``rs-b`` (Serbia): social welfare and education present, police stated absent (no
  direct access); a civil-society member body; secondary tier; set up 2018.
* ``uk-channel``: police, social welfare and education; police the referral point;
  secondary tier; voluntary.
* ``dk-aarhus-model``: police and social welfare; police a member; all three tiers.
"""
from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

__all__ = ["example_dataset", "EXAMPLE_TABLES"]

#: The tables of the example package as CSV text (header first).
EXAMPLE_TABLES: dict[str, str] = {
    "sources": """source_id,title,publisher,year,url,licence,file,locator
src-a,Example source A,Publisher A,2023,,,,p1
src-b,Example source B,Publisher B,2018,,,,p1
""",
    "actors": """actor_id,name,short_name,actor_type,sector,level,country,parent_id,description,source_id,locator
a-police,Police X,,police,law_enforcement,local,XK,,,src-a,p2
a-cso,NGO Y,,cso,civil_society,local,RS,,,src-a,p3
""",
    "activities": """activity_id,title,activity_type,part_of,countries,level,tiers,themes,start_date,end_date,status,ipa_objective,description,source_id,locator
xk-a,Referral mechanism A,mechanism,,XK,local,,,,,ongoing,,,src-a,p2
rs-b,Referral mechanism B,mechanism,,RS,local,,,2018,,ongoing,,,src-a,p3
uk-channel,Channel (UK),mechanism,,GB,local,,,,,ongoing,,,src-a,p5
dk-aarhus-model,Aarhus model (Denmark),mechanism,,DK,local,,,,,ongoing,,,src-a,p6
""",
    "participations": """participation_id,actor_id,activity_id,role,note,source_id,locator
p1,a-police,xk-a,participant,,src-a,p2
p2,a-cso,rs-b,participant,,src-a,p3
""",
    "funding": """funding_id,funder_id,activity_id,instrument,amount,currency,note,source_id,locator
""",
    "relations": """relation_id,source_actor_id,relation_type,target_actor_id,activity_id,note,source_id,locator
""",
    "mechanisms": """mechanism_id,name,mechanism_type,country,level,reference_model,description,source_id,locator
xk-a,Referral mechanism A,referral_mechanism,XK,local,false,,src-a,p2
rs-b,Referral mechanism B,referral_mechanism,RS,local,false,,src-a,p3
uk-channel,Channel (UK),referral_mechanism,GB,local,true,,src-a,p5
dk-aarhus-model,Aarhus model (Denmark),multi_agency_team,DK,local,true,,src-a,p6
""",
    "mechanism_features": """feature_id,mechanism_id,feature,value,present,note,source_id,locator
f01,xk-a,modelled_on,uk-channel,true,,src-a,p2
f02,xk-a,member_sector,law_enforcement,true,,src-a,p2
f03,xk-a,member_sector,social_welfare,true,,src-a,p2
f04,xk-a,member_sector,health,false,,src-a,p2
f05,xk-a,police_role,member,true,,src-a,p2
f06,xk-a,tier_covered,secondary,true,,src-a,p2
f07,xk-a,year_established,2016,true,,src-a,p2
f08,rs-b,member_sector,social_welfare,true,,src-a,p3
f09,rs-b,member_sector,education,true,,src-a,p3
f10,rs-b,member_sector,law_enforcement,false,police have no direct access,src-a,p3
f11,rs-b,police_role,no_direct_access,true,,src-a,p3
f12,rs-b,tier_covered,secondary,true,,src-a,p3
f13,uk-channel,member_sector,law_enforcement,true,,src-a,p5
f14,uk-channel,member_sector,social_welfare,true,,src-a,p5
f15,uk-channel,member_sector,education,true,,src-a,p5
f16,uk-channel,police_role,referral_point,true,,src-a,p5
f17,uk-channel,tier_covered,secondary,true,,src-a,p5
f18,uk-channel,voluntary_participation,yes,true,,src-a,p5
f19,dk-aarhus-model,member_sector,law_enforcement,true,,src-a,p6
f20,dk-aarhus-model,member_sector,social_welfare,true,,src-a,p6
f21,dk-aarhus-model,police_role,member,true,,src-a,p6
f22,dk-aarhus-model,tier_covered,primary,true,,src-a,p6
f23,dk-aarhus-model,tier_covered,secondary,true,,src-a,p6
f24,dk-aarhus-model,tier_covered,tertiary,true,,src-a,p6
""",
    "figures": """figure_id,metric,value,qualifier,unit,activity_id,actor_id,country,period_start,period_end,description,source_id,locator
g1,cases_treated,10,exact,cases,xk-a,,XK,2016,2018,,src-a,p2
g2,people_trained,30,approximate,people,rs-b,,RS,2019,2019,,src-a,p3
""",
    "claims": """claim_id,topic,subject_table,subject_id,attribute,value,note,source_id,locator
c1,xk-a-year,mechanisms,xk-a,year_established,2016,,src-a,p2
c2,xk-a-year,mechanisms,xk-a,year_established,2017,,src-b,p9
""",
}


@functools.lru_cache(maxsize=1)
def example_dataset():
    """Return the example package (see the module notes) as a loaded :class:`~wbcti_analysis.Dataset`.

    The tables follow the bundled ``datapackage.json``; the result is cached, so treat it as
    read-only.

    Returns
    -------
    Dataset
        Four mechanisms: ``dk-aarhus-model, rs-b, uk-channel, xk-a``.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset
    >>> sorted(example_dataset().mechanisms["mechanism_id"])
    ['dk-aarhus-model', 'rs-b', 'uk-channel', 'xk-a']
    """
    from ..datapackage import load, write_tables

    folder = Path(tempfile.mkdtemp(prefix="wbcti-mechanisms-example-"))
    try:
        write_tables(folder, EXAMPLE_TABLES, defaults={"evidence": "stated", "kind": "disagreement"})
        return load(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
