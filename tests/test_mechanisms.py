"""The mechanisms comparison: feature matrix, hand-computed distances, unknown != absent,
headline figures, plots, notebook run.

Most tests use a small package written by conftest's :func:`write_package` from
:data:`_TABLES` (five mechanisms, fictional); some use the shared fixture package (a2, a9)
through conftest's ``fixture_ds``.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURE_DIR, NOTEBOOKS_DIR, write_package

import wbcti_analysis as w
from wbcti_analysis import mechanisms as M
from wbcti_analysis.headlines import Headline, record

NOTEBOOK = NOTEBOOKS_DIR / "04-referral-mechanisms.ipynb"

# ----------------------------------------------------------------------------- a small package

_TABLES = {
    "sources": """source_id,title,publisher,year,url,licence,file,locator
src-a,Source A,Publisher A,2023,,,,p1
src-b,Source B,Publisher B,2018,,,,p1
""",
    "actors": """actor_id,name,short_name,actor_type,sector,level,country,parent_id,description,source_id,locator
a-police,Police X,,police,law_enforcement,national,XK,,,src-a,p2
a-cso,NGO Y,,cso,civil_society,local,RS,,,src-a,p3
a-donor,Donor Z,,donor_government,funding,international,NO,,,src-a,p2
""",
    "activities": """activity_id,title,activity_type,part_of,countries,level,tiers,themes,start_date,end_date,status,ipa_objective,description,source_id,locator,tier_basis,tier_probability
m1,Mechanism One,mechanism,,XK,local,,referral,,,ongoing,,,src-a,p2,,
m2,Mechanism Two,mechanism,,RS,local,,referral,2018-05,,ongoing,,,src-a,p3,,
m3,Empty mechanism,mechanism,,AL,local,,,,,unknown,,,src-a,p4,,
ref-ch,UK Channel test model,mechanism,,GB,local,,referral,,,ongoing,,,src-a,p5,,
ref-aa,Aarhus test model,mechanism,,DK,local,,referral,,,ongoing,,,src-a,p6,,
""",
    "participations": """participation_id,actor_id,activity_id,role,note,evidence,evidence_note,source_id,locator
p1,a-police,m1,participant,,stated,,src-a,p2
p2,a-donor,m1,funder,,stated,,src-a,p2
p3,a-cso,m2,participant,,stated,,src-a,p3
""",
    "funding": """funding_id,funder_id,activity_id,instrument,amount,currency,note,evidence,evidence_note,source_id,locator
""",
    "relations": """relation_id,source_actor_id,relation_type,target_actor_id,activity_id,note,evidence,evidence_note,source_id,locator
""",
    "mechanisms": """mechanism_id,name,mechanism_type,country,level,reference_model,description,source_id,locator
m1,Mechanism One,referral_mechanism,XK,local,false,,src-a,p2
m2,Mechanism Two,referral_mechanism,RS,local,false,,src-a,p3
m3,Empty mechanism,safety_council,AL,local,false,,src-a,p4
ref-ch,UK Channel test model,referral_mechanism,GB,local,true,,src-a,p5
ref-aa,Aarhus test model,multi_agency_team,DK,local,true,,src-a,p6
""",
    "mechanism_features": """feature_id,mechanism_id,feature,value,present,note,evidence,evidence_note,source_id,locator
f01,ref-ch,member_sector,law_enforcement,true,,stated,,src-a,p5
f02,ref-ch,member_sector,social_welfare,true,,stated,,src-a,p5
f03,ref-ch,member_sector,education,true,,stated,,src-a,p5
f04,ref-ch,police_role,risk_assessor,true,,stated,,src-a,p5
f05,ref-ch,police_role,referral_point,true,,stated,,src-a,p5
f06,ref-ch,police_role,member,false,,stated,,src-a,p5
f07,ref-ch,voluntary_participation,yes,true,,stated,,src-a,p5
f08,ref-ch,confidentiality,confidential,true,,stated,,src-a,p5
f09,ref-ch,tier_covered,secondary,true,,stated,,src-a,p5
f10,m1,modelled_on,ref-ch,true,,stated,,src-a,p2
f11,m1,member_sector,law_enforcement,true,,stated,,src-a,p2
f12,m1,member_sector,social_welfare,true,,stated,,src-a,p2
f13,m1,member_sector,education,true,,stated,,src-a,p2
f14,m1,member_sector,religious,true,,stated,,src-a,p2
f15,m1,police_role,member,true,,stated,,src-a,p2
f16,m1,tier_covered,secondary,true,,stated,,src-a,p2
f17,m1,tier_covered,tertiary,false,,stated,,src-a,p2
f18,m1,year_established,2016,true,,stated,,src-a,p2
f19,m1,year_established,2017,true,,stated,,src-b,p9
f20,m1,funding_basis,donor,true,,stated,,src-a,p2
f21,m2,member_sector,law_enforcement,false,police have no direct access,stated,,src-a,p3
f22,m2,member_sector,social_welfare,true,,stated,,src-a,p3
f23,m2,member_sector,health,true,,stated,,src-a,p3
f24,m2,police_role,no_direct_access,true,,stated,,src-a,p3
f25,m2,tier_covered,secondary,true,,stated,,src-a,p3
f26,m2,year_established,2018,true,,stated,,src-a,p3
f27,m2,funding_basis,domestic,true,,stated,,src-a,p3
f28,m2,modelled_on,existing-dv-mechanism,true,,stated,,src-a,p3
f29,ref-aa,tier_covered,primary,true,,stated,,src-a,p6
f30,ref-aa,tier_covered,secondary,true,,stated,,src-a,p6
f31,ref-aa,tier_covered,tertiary,true,,stated,,src-a,p6
f32,ref-aa,police_role,member,true,,stated,,src-a,p6
f33,ref-aa,member_sector,religious,true,,stated,,src-a,p6
""",
    "figures": """figure_id,metric,value,qualifier,unit,activity_id,actor_id,country,period_start,period_end,description,evidence,evidence_note,source_id,locator
g1,cases_treated,10,exact,cases,m1,,XK,2016,2018,,stated,,src-a,p2
g2,individuals_supported,7,exact,people,m1,,XK,2022,2022,,stated,,src-a,p2
g3,people_trained,30,approximate,people,m2,,RS,2019,2019,,stated,,src-a,p3
g4,meetings_held,12,exact,meetings,m1,,XK,2017,2017,,stated,,src-a,p2
g5,persons_referred,400,more_than,people,m2,,RS,,,,stated,,src-b,p9
g6,minors_supported,3,up_to,cases,m2,,RS,2020,,,stated,,src-b,p9
g7,municipalities_covered,2,exact,municipalities,m2,,RS,,,,stated,,src-b,p9
""",
    "source_refs": """table,row_id,source_id,locator,note
""",
    "claims": """claim_id,topic,kind,subject_table,subject_id,attribute,value,note,source_id,locator
c1,m1-year,disagreement,mechanisms,m1,year_established,2016,,src-a,p2
c2,m1-year,disagreement,mechanisms,m1,year_established,2017,,src-b,p9
c3,m2-year,disagreement,mechanisms,m2,year_established,2018,,src-a,p3
c4,m2-year,disagreement,mechanisms,m2,year_established,2018,,src-b,p9
""",
}


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    """The small package's folder (every table replaced by :data:`_TABLES`)."""
    return write_package(tmp_path_factory.mktemp("mech") / "pkg", _TABLES)


@pytest.fixture(scope="module")
def small(small_dir) -> w.Dataset:
    return w.load(small_dir)


# ----------------------------------------------------------------------------- the feature matrix


def test_feature_matrix_on_fixture(fixture_ds):
    fm = M.feature_matrix(fixture_ds)
    assert list(fm.index) == ["a2", "a9"]
    a2, a9 = fm.loc["a2"], fm.loc["a9"]
    assert a2["year_established"] == "2016 | 2017 (disputed)"
    assert a2["member_sector"] == "law_enforcement, social_welfare, civil_society, policy_coordination; absent: health"
    assert a2["modelled_on"] == "a9"
    assert a2["tier_covered"] == "secondary, tertiary"
    assert a2["police_role"] == "member"
    assert a2["member_bodies"] == "xk-cso, xk-muni, xk-police, xk-social"  # funder and implementer are not members
    assert a2["country"] == "XK" and a2["level"] == "local" and a2["reference_model"] is False
    assert a9["tier_covered"] == "primary, secondary"  # feature row + the activity's tiers
    assert a9["member_sector"] == "law_enforcement, education"
    # unknown stays unknown
    assert a9["year_established"] is None and a9["country"] is None and a9["member_bodies"] is None
    assert a2["decision_rule"] is None and a2["cases_handled"] is None
    assert M.feature_matrix(fixture_ds, unknown="unknown").loc["a9", "funding_basis"] == "unknown"


def test_feature_matrix_without_participations(fixture_ds):
    fm = M.feature_matrix(fixture_ds, use_participations=False)
    assert fm.loc["a2", "member_sector"] == "law_enforcement, social_welfare; absent: health"


def test_indicator_matrix_states_on_fixture(fixture_ds):
    ind = M.indicator_matrix(fixture_ds)
    assert str(ind.dtypes.iloc[0]) == "boolean"
    assert ind.loc["a2", ("member_sector", "law_enforcement")] == True  # noqa: E712  present
    assert ind.loc["a2", ("member_sector", "health")] == False  # noqa: E712  stated absent
    assert pd.isna(ind.loc["a2", ("member_sector", "education")])  # not stated: unknown, not absent
    assert pd.isna(ind.loc["a9", ("member_sector", "health")])
    assert pd.isna(ind.loc["a9", ("modelled_on", "a9")])
    # only stated values are columns, in enum order
    assert list(ind["member_sector"].columns) == ["law_enforcement", "social_welfare", "education", "health",
                                                  "civil_society", "policy_coordination"]


def test_selected_features_only(fixture_ds):
    fm = M.feature_matrix(fixture_ds, features=["police_role", "level"])
    assert [c for c in fm.columns if c not in ("name", "country", "reference_model", "member_bodies",
                                               "cases_handled")] == ["level", "police_role"]
    ind = M.indicator_matrix(fixture_ds, features=["police_role"])
    assert set(ind.columns.get_level_values(0)) == {"police_role"}


def test_mechanism_with_no_features_is_all_unknown(small):
    ind = M.indicator_matrix(small)
    row = ind.loc["m3"].drop(index=[c for c in ind.columns if c[0] in ("level", "mechanism_type")])
    assert row.isna().all()
    fm = M.feature_matrix(small)
    assert fm.loc["m3", ["member_sector", "police_role", "tier_covered", "year_established"]].isna().all()
    assert "No stated features" in " ".join(M.data_notes(small))


def test_disagreeing_present_and_absent_is_disputed(make_package, small_dir):
    extra = [{"feature_id": "f34", "mechanism_id": "m1", "feature": "member_sector", "value": "religious",
              "present": "false", "source_id": "src-b", "locator": "p9"}]
    ds = w.load(make_package({"mechanism_features": extra}, base=small_dir, mode="append"))
    ind = M.indicator_matrix(ds)
    assert pd.isna(ind.loc["m1", ("member_sector", "religious")])
    assert M.sector_coverage(ds).loc["m1", "religious"] == "disputed"
    assert "stated present and absent: religious" in M.feature_matrix(ds).loc["m1", "member_sector"]


# ----------------------------------------------------------------------------- distances


def test_jaccard_hand_computed_pairs(small):
    d = M.mechanism_distances(small, method="jaccard")
    dist, comp = d.distance, d.compared
    # m1 vs ref-ch: shared local, referral_mechanism, secondary, law_enforcement, social_welfare,
    # education (6); police_role member present in m1, stated absent in ref-ch (1) -> 1/7
    assert dist.at["m1", "ref-ch"] == pytest.approx(1 / 7)
    assert comp.at["m1", "ref-ch"] == 7
    # m1 vs m2: shared local, referral, secondary, social_welfare (4); modelled_on (2 values),
    # law_enforcement (present/absent), funding_basis donor/domestic (2) -> 5/9
    assert dist.at["m1", "m2"] == pytest.approx(5 / 9)
    assert dist.at["m2", "ref-ch"] == pytest.approx(1 / 5)
    assert dist.at["m1", "ref-aa"] == pytest.approx(3 / 7)
    assert dist.at["ref-aa", "ref-ch"] == pytest.approx(3 / 5)
    assert dist.at["m3", "m1"] == pytest.approx(2 / 3)  # only level and type are known for m3
    assert np.allclose(dist.to_numpy(), dist.to_numpy().T, equal_nan=True)
    assert (np.diag(dist.to_numpy()) == 0).all()


def test_missing_features_are_not_treated_as_absent():
    cols = pd.MultiIndex.from_tuples([("member_sector", "law_enforcement"), ("member_sector", "education"),
                                      ("member_sector", "health")])
    ind = pd.DataFrame([[True, pd.NA, pd.NA], [True, True, False]], index=["x", "y"], columns=cols,
                       dtype="boolean")
    d = M.jaccard_distances(ind)
    # education is unknown for x: skipped, not a mismatch (closed world would give 1/2)
    assert d.distance.at["x", "y"] == 0.0
    assert d.compared.at["x", "y"] == 1
    # the same with education stated absent for x: now a mismatch
    ind.loc["x", ("member_sector", "education")] = False
    assert M.jaccard_distances(ind).distance.at["x", "y"] == pytest.approx(1 / 2)
    # nothing known in common -> no distance at all
    ind2 = pd.DataFrame([[True, pd.NA, pd.NA], [pd.NA, True, pd.NA]], index=["x", "y"], columns=cols,
                        dtype="boolean")
    assert np.isnan(M.jaccard_distances(ind2).distance.at["x", "y"])
    assert np.isnan(M.gower_distances(ind2).distance.at["x", "y"])


def test_gower_hand_computed_pairs(small):
    d = M.mechanism_distances(small, method="gower")
    # m1 vs m2: level 0, type 0, modelled_on 1, tier 0, member_sector 1/2, funding_basis 1,
    # year |2016.5 - 2018| / (2018 - 2016.5) = 1; police_role not comparable -> 3.5 / 7
    assert d.distance.at["m1", "m2"] == pytest.approx(0.5)
    assert d.compared.at["m1", "m2"] == 7
    # m1 vs ref-ch: level 0, type 0, tier 0, member_sector 0, police_role 1 (member present/absent) -> 1/5
    assert d.distance.at["m1", "ref-ch"] == pytest.approx(0.2)
    assert d.compared.at["m1", "ref-ch"] == 5


def test_free_text_features_compare_on_whether_stated(make_package, small_dir):
    extra = [{"feature_id": "f34", "mechanism_id": "m2", "feature": "confidentiality",
              "value": "data protection rules apply", "present": "true", "source_id": "src-a", "locator": "p3"}]
    ds = w.load(make_package({"mechanism_features": extra}, base=small_dir, mode="append"))
    # the indicator keeps both wordings as values ...
    ind = M.indicator_matrix(ds, features=["confidentiality"])
    assert list(ind.columns.get_level_values(1)) == ["confidential", "data protection rules apply"]
    # ... the distance counts them as one matching provision: m2 vs ref-ch was 1/5, now 1/6
    d = M.mechanism_distances(ds, method="jaccard")
    assert d.distance.at["m2", "ref-ch"] == pytest.approx(1 / 6)
    assert M.mechanism_distances(ds, features=["confidentiality"]).distance.at["m2", "ref-ch"] == 0.0


def test_min_compared_drops_thin_pairs(small):
    d = M.mechanism_distances(small, method="jaccard", min_compared=5)
    assert np.isnan(d.distance.at["m1", "m3"])  # rests on 3 values
    assert d.compared.at["m1", "m3"] == 3
    assert d.distance.at["m1", "ref-ch"] == pytest.approx(1 / 7)  # rests on 7
    assert d.distance.at["m3", "m3"] == 0.0
    with pytest.raises(ValueError, match="min_compared"):
        M.check_parameters(small, min_compared=-1)


def test_gower_numeric_component():
    cols = pd.MultiIndex.from_tuples([("funding_basis", "donor")])
    ind = pd.DataFrame([[True], [True], [pd.NA]], index=["x", "y", "z"], columns=cols, dtype="boolean")
    years = pd.DataFrame({"year_established": [2010.0, 2015.0, 2020.0]}, index=["x", "y", "z"])
    d = M.gower_distances(ind, years)
    assert d.distance.at["x", "y"] == pytest.approx((0 + 0.5) / 2)  # funding equal, years 5/10 apart
    assert d.distance.at["x", "z"] == pytest.approx(1.0)  # funding unknown for z: only the year counts
    assert d.compared.at["x", "z"] == 1


def test_clusters_and_closest_to_channel(small):
    d = M.mechanism_distances(small, method="jaccard")
    cl = M.cluster_mechanisms(d, threshold=0.5)
    assert dict(zip(cl.clusters["mechanism_id"], cl.clusters["cluster"])) == {
        "m1": 1, "m2": 1, "ref-ch": 1, "m3": 2, "ref-aa": 3}
    assert list(cl.merges["left"] + " / " + cl.merges["right"]) == [
        "m1 / ref-ch", "m2 / (step 1)", "ref-aa / (step 2)", "m3 / (step 3)"]
    assert cl.merges["members"].iloc[2] == "m1 + m2 + ref-aa + ref-ch"
    assert cl.merges["distance"].tolist() == pytest.approx([0.1429, 0.3778, 0.5095, 0.6667], abs=1e-4)
    # the same whatever the row order of the distance matrix
    rev = list(reversed(d.distance.index))
    d2 = M.Distances(d.distance.loc[rev, rev], d.compared.loc[rev, rev], "jaccard")
    assert M.cluster_mechanisms(d2, 0.5).clusters.equals(cl.clusters)
    # reference models are found by name when the usual ids are absent
    assert M.find_reference_model(small, "uk_channel") == "ref-ch"
    assert M.find_reference_model(small, "aarhus") == "ref-aa"
    close = M.closest_to(d, "ref-ch")
    assert list(close["mechanism_id"]) == ["m1", "m2", "ref-aa", "m3"]
    assert M.nearest(close) == ["m1"] and M.nearest(close.iloc[0:0]) == []
    assert close["distance"].iloc[0] == pytest.approx(1 / 7)


def test_thin_data_does_not_fail(fixture_ds, small):
    assert M.find_reference_model(fixture_ds, "uk_channel") is None
    assert M.closest_to(M.mechanism_distances(fixture_ds), None).empty
    one = M.mechanism_distances(small, mechanisms=["m1"])
    cl = M.cluster_mechanisms(one)
    assert cl.linkage is None and "Too thin" in cl.notes[0]
    # a mechanism with nothing comparable to any other is left out of the clustering
    d = M.mechanism_distances(small, mechanisms=["m1", "m3"], features=["member_sector"])
    cl = M.cluster_mechanisms(d)
    assert cl.linkage is None and cl.excluded == ["m1", "m3"]
    notes = M.data_notes(fixture_ds, ["a2"])
    assert any("Only one mechanism" in n for n in notes)
    assert any("uk-channel" in n for n in notes)


# ----------------------------------------------------------------------------- sectors, lineage, timeline, cases


def test_recommended_sectors_are_in_the_enum(fixture_ds):
    enum = fixture_ds.field("actors", "sector")["constraints"]["enum"]
    member_enum = fixture_ds.field("mechanism_features", "value")["wbcti:valuesByFeature"]["member_sector"]
    assert set(M.RECOMMENDED_SECTORS) <= set(enum) and set(M.RECOMMENDED_SECTORS) <= set(member_enum)
    assert "ran2023" in M.RECOMMENDED_SECTORS_SOURCE


def test_sector_coverage_distinguishes_stated_absent_from_not_stated(small):
    cov = M.sector_coverage(small)
    assert cov.loc["m2", "law_enforcement"] == "stated absent"
    assert cov.loc["m2", "civil_society"] == "present"  # from the member body a-cso
    assert cov.loc["m2", "religious"] == "not stated"
    assert (cov.loc["m3"] == "not stated").all()
    gaps = M.sector_gaps(cov)
    assert gaps.loc["m2", "stated_absent"] == "law_enforcement"
    assert gaps.loc["m2", "present"] == 3
    miss = M.missing_sectors(cov, exclude=["ref-ch", "ref-aa"], described_only=False)
    assert miss["mechanisms"].iloc[0] == 3
    # youth_culture and justice: missing in all 3; law_enforcement missing in 2 (1 stated absent)
    assert list(miss.index[:2]) == ["youth_culture", "justice"]
    assert miss.loc["law_enforcement", "missing"] == 2 and miss.loc["law_enforcement", "stated_absent"] == 1
    assert miss.loc["social_welfare", "share_missing"] == pytest.approx(0.333)
    assert M.most_often_missing(miss) == ["youth_culture", "justice"]
    # m3 says nothing about members: left out by default, which changes counts, not the order
    assert M.foreign_references(small) == ["ref-aa", "ref-ch"]
    assert M.foreign_references(small, ["m1", "ref-ch"]) == ["ref-ch"]
    described = M.missing_sectors(cov, exclude=M.foreign_references(small))
    assert described["mechanisms"].iloc[0] == 2
    assert list(described.index) == list(miss.index)
    assert described.loc["law_enforcement", "missing"] == 1
    assert described.loc["social_welfare", "share_missing"] == 0.0
    with pytest.raises(ValueError, match="sectors: unknown sector.*'police'"):
        M.sector_coverage(small, sectors=["police"])


def test_lineage_and_timeline(small):
    g = M.lineage_graph(small)
    assert sorted(g.edges) == [("existing-dv-mechanism", "m2"), ("ref-ch", "m1")]
    assert g.nodes["existing-dv-mechanism"]["in_data"] is False
    assert g.nodes["ref-ch"]["reference_model"] is True
    assert list(M.lineage_table(g)["model"]) == ["existing-dv-mechanism", "ref-ch"]
    tl = M.establishment_timeline(small).set_index("mechanism_id")
    assert tl.at["m1", "display"] == "2016 | 2017 (disputed)"
    assert tl.at["m1", "sources"] == "2016: src-a; 2017: src-b"
    assert bool(tl.at["m1", "disputed"]) and not bool(tl.at["m2", "disputed"])
    assert tl.at["m2", "display"] == "2018"  # feature, activity start and both claims agree
    assert pd.isna(tl.at["m3", "year_min"])
    disp = M.disputes(small)
    assert disp.to_dict("records") == [{"mechanism_id": "m1", "attribute": "year_established",
                                        "values": "2016 | 2017", "sources": "2016: src-a; 2017: src-b"}]


def test_cases_handled_as_stated(small):
    c = M.cases_handled(small)
    # meetings held, people trained and municipalities covered are not cases; g6 counts by its unit
    assert list(c["figure_id"]) == ["g1", "g2", "g6", "g5"]
    st = dict(zip(c["figure_id"], c["statement"]))
    assert st["g1"] == "10 cases (2016-2018)"
    assert st["g2"] == "7 people (2022)"
    assert st["g5"] == "more than 400 people (period not stated)"
    assert st["g6"] == "up to 3 cases (from 2020)"
    fm = M.feature_matrix(small)
    assert fm.loc["m1", "cases_handled"] == "10 cases (2016-2018); 7 people (2022)"


# ----------------------------------------------------------------------------- parameters


_BAD_PARAMETERS = [
    ({"mechanisms": ["m1", "nope", "zzz"]},
     "mechanisms: unknown mechanism ids 'nope', 'zzz'; the package has m1, m2, m3, ref-aa, ref-ch"),
    ({"features": ["colour", "police_role"]}, r"features: unknown feature 'colour'; the package has .*police_role"),
    ({"distance": "cosine"}, "distance: unknown value 'cosine'; allowed: jaccard, gower"),
    ({"cluster_threshold": 2}, "cluster_threshold: 2 is out of range; allowed: 0 to 1"),
    ({"cluster_threshold": -0.1}, "cluster_threshold: -0.1 is out of range; allowed: 0 to 1"),
    ({"cluster_threshold": True}, "cluster_threshold: wrong type: expected float, got bool True"),
    ({"countries": ["XX"]}, "countries: unknown country code 'XX'; the package has "),
    ({"countries": ["xk"]}, r"countries: unknown country code 'xk'; the package has .*XK.*'xk' -> 'XK'"),
    ({"min_compared": -1}, "min_compared: -1 is out of range; allowed: >= 0"),
    ({"min_compared": 1.5}, "min_compared: wrong type: expected int, got float 1.5"),
    ({"min_compared": True}, "min_compared: wrong type: expected int, got bool True"),
    ({"mechanisms": 3}, "mechanisms: wrong type: expected list, got int 3"),
    ({"features": {"a": 1}}, r"features: wrong type: expected list, got dict \{'a': 1\}"),
]


@pytest.mark.parametrize("kwargs, message", _BAD_PARAMETERS, ids=[f"{next(iter(k))}={next(iter(k.values()))!r}"
                                                                   for k, _ in _BAD_PARAMETERS])
def test_parameter_errors_name_the_parameter(small, kwargs, message):
    with pytest.raises(ValueError, match=message):
        M.check_parameters(small, **kwargs)
    # headline_figures checks its parameters the same way before computing anything
    with pytest.raises(ValueError, match=message):
        M.headline_figures(small, **kwargs)


@pytest.mark.parametrize("call, message", [
    (lambda ds: M.mechanism_distances(ds, method="cosine"),
     "distance: unknown value 'cosine'; allowed: jaccard, gower"),
    (lambda ds: M.cluster_mechanisms(M.mechanism_distances(ds), threshold=1.5),
     "cluster_threshold: 1.5 is out of range; allowed: 0 to 1"),
    (lambda ds: M.find_reference_model(ds, "prevent"), "key: unknown reference model 'prevent'; known: uk_channel"),
    (lambda ds: M.sector_coverage(ds, sectors=["police"]), r"sectors: unknown sector.*'police'"),
    (lambda ds: M.indicator_matrix(ds, features=["colour"]), r"features: unknown feature 'colour'; the package has "),
    (lambda ds: M.select_mechanisms(ds, ["nope"]), r"mechanisms: unknown mechanism id 'nope'; the package has m1, "),
], ids=["method", "threshold", "reference-key", "sectors", "features", "mechanisms"])
def test_library_argument_errors_name_the_parameter(small, call, message):
    with pytest.raises(ValueError, match=message):
        call(small)


def test_valid_parameters_are_returned_in_order(small):
    ids, feats = M.check_parameters(small, mechanisms=["m2", "m1"], features=["level", "police_role"],
                                    countries=[])
    assert ids == ["m1", "m2"] and feats == ["police_role", "level"]
    assert M.select_mechanisms(small, countries=["XK"]) == ["m1", "ref-aa", "ref-ch"]  # references kept


# ----------------------------------------------------------------------------- headline figures


def test_headline_figures_values_n_and_caveats(small):
    heads = M.headline_figures(small, cluster_threshold=0.5)
    assert all(isinstance(h, Headline) for h in heads)
    assert [h.key for h in heads] == list(M.HEADLINE_KEYS)
    h = {x.key: x for x in heads}
    assert (h["mechanisms_compared"].value, h["mechanisms_compared"].n) == (5, 5)
    assert h["mechanisms_compared"].caveat == (
        "includes 2 reference models from outside the region (ref-aa, ref-ch); 1 of them has no stated "
        "feature (only level, type, members and dates): m3.")
    # closest to the Channel model: m1 at 1/7, resting on 7 compared feature values (see the Jaccard test)
    uk = h["mechanisms_closest_to_uk_channel"]
    assert (uk.value, uk.n, uk.unit) == ("m1", 7, "mechanism id")
    assert uk.caveat == "jaccard distance 0.143 to ref-ch, resting on 7 compared feature values."
    aa = h["mechanisms_closest_to_aarhus"]
    assert (aa.value, aa.n) == ("m1", 7) and "distance 0.429 to ref-aa" in aa.caveat
    # most often missing among m1, m2 (m3 says nothing about members, the foreign models are left out):
    # youth_culture and justice, each missing in both, neither stated absent
    top = h["mechanisms_most_often_missing_sector"]
    assert (top.value, top.n) == ("youth_culture, justice", 2)
    assert top.caveat.startswith("A tie of 2 sectors with the same counts. Not shown as a member in 2 of 2 ")
    assert "each: 0 stated absent, 2 not stated" in top.caveat and "left out: ref-aa, ref-ch" in top.caveat
    assert [(h[k].value, h[k].n) for k in ("mechanisms_missing_sector_count", "mechanisms_missing_sector_stated_absent",
                                           "mechanisms_missing_sector_not_stated")] == [(2, 2), (0, 2), (2, 2)]
    assert h["mechanisms_missing_sector_not_stated"].caveat.startswith("youth_culture, justice: no source mentions")
    cl = h["mechanisms_clusters"]
    assert (cl.value, cl.n, cl.label) == (3, 5, "Clusters at distance 0.5")
    assert "2 of the 3 clusters are a single mechanism" in cl.caveat
    # the entries the index page reads
    entries = record(heads)
    assert list(entries) == list(M.HEADLINE_KEYS)
    assert entries["mechanisms_closest_to_uk_channel"]["n"] == 7


def test_headline_stated_absent_and_not_stated_are_counted_apart(fixture_ds):
    h = {x.key: x for x in M.headline_figures(fixture_ds)}
    # health: stated absent for a2, not stated for a9
    assert h["mechanisms_most_often_missing_sector"].value == "health"
    assert [h[k].value for k in ("mechanisms_missing_sector_count", "mechanisms_missing_sector_stated_absent",
                                 "mechanisms_missing_sector_not_stated")] == [2, 1, 1]
    assert "Not shown as a member in 2 of 2 Western Balkan mechanisms with member information; " \
           "1 stated absent, 1 not stated." in h["mechanisms_most_often_missing_sector"].caveat
    # the fixture has no reference model under a name we know
    assert h["mechanisms_closest_to_uk_channel"].value is None
    assert h["mechanisms_closest_to_uk_channel"].caveat == \
        "The UK Channel model (uk-channel) is not in the data: no comparison."


def test_headline_gower_counts_features_and_min_compared_is_said(small):
    h = {x.key: x for x in M.headline_figures(small, distance="gower")}
    uk = h["mechanisms_closest_to_uk_channel"]
    assert (uk.value, uk.n) == ("m2", 4)
    assert uk.caveat == "gower distance 0.125 to ref-ch, resting on 4 compared features."
    assert h["mechanisms_closest_to_uk_channel"].label.startswith("Mechanism(s) closest to the UK Channel model (gower")
    h = {x.key: x for x in M.headline_figures(small, min_compared=8)}
    assert h["mechanisms_closest_to_uk_channel"].value is None and h["mechanisms_closest_to_uk_channel"].n == 0
    assert h["mechanisms_closest_to_uk_channel"].caveat == (
        "No mechanism shares enough comparable evidence with ref-ch (at least 8 compared feature values needed).")
    assert "pairs resting on fewer than 8 compared feature values have no distance" in h["mechanisms_clusters"].caveat


def test_headline_on_thin_selection(small):
    h = {x.key: x for x in M.headline_figures(small, mechanisms=["m1"])}
    assert h["mechanisms_compared"].caveat == "too thin to compare: at least 2 mechanisms are needed."
    assert h["mechanisms_closest_to_aarhus"].caveat == "ref-aa is not among the selected mechanisms: no comparison."
    assert h["mechanisms_clusters"].value is None and "Too thin" in h["mechanisms_clusters"].caveat


def test_headline_ties_carry_each_count(bundled_ds):
    h = {x.key: x for x in M.headline_figures(bundled_ds, min_compared=3)}
    aa = h["mechanisms_closest_to_aarhus"]
    assert aa.value == "mk-local-multidisciplinary-teams, xk-local-prevention-reintegration-teams"
    # compared values per mechanism follow the codebook's tiers (issue 11): 5 and 7 before the recoding
    assert aa.n == 4
    assert "jaccard distance 0 to dk-aarhus-model, a tie of mk-local-multidisciplinary-teams (4), " \
           "xk-local-prevention-reintegration-teams (8)" in aa.caveat
    assert "not identical mechanisms" in aa.caveat
    assert h["mechanisms_compared"].value == 23  # 25 before two cross-source duplicates were merged (issue 11)


# ----------------------------------------------------------------------------- plots


@pytest.mark.parametrize("name", ["plot_indicator_matrix", "plot_dendrogram", "plot_sector_coverage",
                                  "plot_lineage", "plot_timeline"])
def test_plots_draw_into_a_given_axes(small, name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_mechanisms
    from wbcti_analysis.plots import mechanisms as P

    assert getattr(plots_mechanisms, name) is getattr(P, name)  # the old module re-exports
    data = {"plot_indicator_matrix": lambda: M.indicator_matrix(small),
            "plot_dendrogram": lambda: M.cluster_mechanisms(M.mechanism_distances(small)),
            "plot_sector_coverage": lambda: M.sector_coverage(small),
            "plot_lineage": lambda: M.lineage_graph(small),
            "plot_timeline": lambda: M.establishment_timeline(small)}[name]()
    try:
        own = getattr(P, name)(data)
        assert len(own.axes) >= 1 and own.axes[0].get_title()
        assert own.texts, "a figure of its own carries the source caption"
        fig, (left, right) = plt.subplots(1, 2)
        assert getattr(P, name)(data, ax=right) is fig
        assert right.get_title() == own.axes[0].get_title() and not left.has_data()
        assert not fig.texts  # layout and caption are left to the caller
    finally:
        plt.close("all")


# ----------------------------------------------------------------------------- the notebook


def test_notebook_runs_with_non_default_parameters(tmp_path):
    papermill = pytest.importorskip("papermill")
    out_nb = tmp_path / "out.ipynb"
    exports = tmp_path / "exports"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out_nb), kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
        parameters={"data_path": str(FIXTURE_DIR), "mechanisms": ["a2", "a9"], "distance": "gower",
                    "features": ["tier_covered", "member_sector", "police_role", "year_established"],
                    "min_compared": 1, "cluster_threshold": 0.3, "output_dir": str(exports)})
    nb = json.loads(out_nb.read_text(encoding="utf-8"))
    text = "".join(o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"])
                   for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert "Mechanisms compared: 2; features compared: 4; distance: gower" in text
    shown = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] if c["cell_type"] == "code"
                    for o in c.get("outputs", []))
    assert "Health is the recommended sector most often not shown as a member: in 2 of 2" in shown
    clusters = pd.read_csv(exports / "mechanism_clusters.csv")
    assert list(clusters["mechanism_id"]) == ["a2", "a9"]
    dist = pd.read_csv(exports / "mechanism_distances.csv", index_col=0)
    # gower on a2/a9: tier_covered 0 (secondary shared), member_sector 0 (law_enforcement shared),
    # police_role not comparable, year unknown for a9 -> 0
    assert dist.loc["a2", "a9"] == 0.0


@pytest.mark.parametrize("name, mechanism_axis", [("plot_indicator_matrix", "x"), ("plot_sector_coverage", "y")])
def test_state_heatmaps_draw_the_most_stated_mechanisms_above_max(bundled_ds, name, mechanism_axis):
    """Above max_mechanisms the heatmap keeps the most stated mechanisms, in order, and says so."""
    import matplotlib.pyplot as plt

    from wbcti_analysis.plots import mechanisms as PM

    table = M.indicator_matrix(bundled_ds) if name == "plot_indicator_matrix" else M.sector_coverage(bundled_ds)
    if name == "plot_indicator_matrix":
        known = table.loc[:, [c for c in table.columns if c[0] != "year_established"]].notna().sum(axis=1)
    else:
        known = (table != "not stated").sum(axis=1)
    n = len(table)
    expected = [m for m in table.index if m in set(known.sort_values(ascending=False, kind="stable").index[:5])]

    def drawn(fig):
        ax = fig.axes[0]
        ticks = ax.get_xticklabels() if mechanism_axis == "x" else ax.get_yticklabels()
        return [t.get_text() for t in ticks], " ".join(" ".join(t.get_text() for t in fig.texts).split())

    fig = getattr(PM, name)(table, max_mechanisms=5)
    labels, caption = drawn(fig)
    plt.close(fig)
    assert labels == expected
    assert f"the 5 of {n} mechanisms with the most stated cells" in caption
    fig = getattr(PM, name)(table)  # default 40: the bundled package's 25 are all drawn
    labels, caption = drawn(fig)
    plt.close(fig)
    assert labels == list(table.index) and "Drawn:" not in caption
    with pytest.raises(ValueError, match="max_mechanisms must be a positive number"):
        getattr(PM, name)(table, max_mechanisms=0)
