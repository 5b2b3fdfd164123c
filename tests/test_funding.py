"""Donor funding dependency (wbcti_analysis.funding): shares, HHI, the external/domestic rule and
withdrawal scenarios, checked against numbers worked out by hand on small packages.

Two packages: the shared fixture (tests/data/fixture, conftest's ``fixture_ds``) and a "mini"
package built here with conftest's ``write_package``, whose every figure is worked out in the
comments next to the assertions.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import wbcti_analysis as w
from conftest import FIXTURE_DIR, NOTEBOOKS_DIR, write_package
from wbcti_analysis import funding as fd
from wbcti_analysis.filters import filter_dataset
from wbcti_analysis.headlines import Headline, record

NOTEBOOK = NOTEBOOKS_DIR / "02-donor-dependency.ipynb"

# ----------------------------------------------------------------------------- the mini package
#
# Funders: ec (EU body), us-embassy-al (type other, national, AL, but parent us is a donor
# government -> external), at-min (Austrian ministry: foreign -> external), al-min, xk-min (own
# ministries -> domestic), al-muni (local, AL; funds b7, which states no country -> domestic).
#
#   act  countries   tiers               funders (source)                 status
#   b1   AL          primary             ec 100 EUR, al-min 50 EUR        mixed
#   b2   AL          primary             (part_of b1: inherits ec, al-min) mixed
#   b3   XK          secondary           at-min (participation only)      external_only  [mechanism]
#   b4   XK          tertiary            xk-min                           domestic_only
#   b5   RS          ct_law_enforcement  us-embassy-al                    external_only
#   b6   AL;XK;RS    -                   none                             no_funder
#   b7   -           -                   al-muni                          domestic_only
#   b8   AL          primary             ec 200 USD                       external_only

_ACTORS = [
    ("ec", "eu_body", "funding", "eu", "", ""),
    ("us", "donor_government", "funding", "international", "US", ""),
    ("us-embassy-al", "other", "funding", "national", "AL", "us"),
    ("at-min", "ministry", "policy_coordination", "national", "AT", ""),
    ("al-min", "ministry", "policy_coordination", "national", "AL", ""),
    ("xk-min", "ministry", "policy_coordination", "national", "XK", ""),
    ("al-muni", "local_government", "policy_coordination", "local", "AL", ""),
    ("al-ngo", "cso", "civil_society", "local", "AL", ""),
    ("xk-ngo", "cso", "civil_society", "local", "XK", ""),
    ("rs-police", "police", "law_enforcement", "national", "RS", ""),
    ("net", "network", "law_enforcement", "regional", "", ""),
    ("found", "foundation", "funding", "international", "CH", ""),
]
_ACTIVITIES = [  # id, type, part_of, countries, level, tiers, start, end
    ("b1", "project", "", "AL", "national", "primary", "2017", "2019"),
    ("b2", "workshop", "b1", "AL", "local", "primary", "2018-05", "2018-05"),
    ("b3", "mechanism", "", "XK", "local", "secondary", "2018", ""),
    ("b4", "programme", "", "XK", "national", "tertiary", "2019", "2021"),
    ("b5", "training", "", "RS", "national", "ct_law_enforcement", "2019", "2019-12-31"),
    ("b6", "meeting", "", "AL;XK;RS", "regional", "", "2019", "2019"),
    ("b7", "other", "", "", "local", "", "", ""),
    ("b8", "project", "", "AL", "local", "primary", "2019", "2020"),
]
_PARTICIPATIONS = [
    ("ec", "b1", "funder"), ("al-min", "b1", "funder"), ("al-ngo", "b1", "implementer"), ("al-muni", "b1", "partner"),
    ("al-ngo", "b2", "participant"), ("net", "b2", "participant"),
    ("at-min", "b3", "funder"), ("xk-ngo", "b3", "participant"), ("xk-min", "b3", "lead"),
    ("xk-min", "b4", "funder"), ("xk-ngo", "b4", "implementer"),
    ("us-embassy-al", "b5", "funder"), ("rs-police", "b5", "beneficiary"), ("net", "b5", "participant"),
    ("net", "b6", "lead"), ("rs-police", "b6", "participant"), ("xk-min", "b6", "participant"),
    ("al-muni", "b7", "funder"),
    ("ec", "b8", "funder"), ("al-ngo", "b8", "implementer"), ("found", "b8", "partner"),
]
_FUNDING = [  # funder, activity, amount, currency (b3's funder has no funding row on purpose)
    ("ec", "b1", "100", "EUR"), ("al-min", "b1", "50", "EUR"), ("xk-min", "b4", "", ""),
    ("us-embassy-al", "b5", "", ""), ("al-muni", "b7", "", ""), ("ec", "b8", "200", "USD"),
]


def build_mini(folder: Path) -> Path:
    """Write the mini package into ``folder`` (the fixture's descriptor and sources) and return it."""
    prov = {"source_id": "fx1", "locator": "t"}
    tables = {
        "actors": [dict(actor_id=a, name=a.upper(), actor_type=t, sector=s, level=lv, country=c, parent_id=p, **prov)
                   for a, t, s, lv, c, p in _ACTORS],
        "activities": [dict(activity_id=a, title=f"Activity {a}", activity_type=t, part_of=po, countries=c, level=lv,
                            tiers=ti, start_date=sd, end_date=ed, status="completed", **prov)
                       for a, t, po, c, lv, ti, sd, ed in _ACTIVITIES],
        "participations": [dict(participation_id=f"p{i:02d}", actor_id=a, activity_id=b, role=r, **prov)
                           for i, (a, b, r) in enumerate(_PARTICIPATIONS, 1)],
        "funding": [dict(funding_id=f"f{i:02d}", funder_id=f, activity_id=a, amount=m, currency=c, **prov)
                    for i, (f, a, m, c) in enumerate(_FUNDING, 1)],
        "mechanisms": [dict(mechanism_id="b3", name="Mechanism b3", mechanism_type="referral_mechanism", country="XK",
                            level="local", reference_model="false", **prov)],
        "mechanism_features": [dict(feature_id="mf1", mechanism_id="b3", feature="funding_basis", value="donor",
                                    present="true", **prov)],
        "relations": [], "figures": [], "claims": [],
    }
    return write_package(folder, tables, base=FIXTURE_DIR)


@pytest.fixture(scope="module")
def mini_path(tmp_path_factory) -> Path:
    return build_mini(tmp_path_factory.mktemp("mini") / "pkg")


@pytest.fixture(scope="module")
def mini(mini_path):
    return w.load(mini_path)


@pytest.fixture
def fx(fixture_ds):
    return fixture_ds


def _row(table: pd.DataFrame, group: str) -> pd.Series:
    return table.set_index("group").loc[group]


# ----------------------------------------------------------------------------- classification


def test_external_domestic_rule(mini):
    links = fd.funder_links(mini)
    origin = {(a, f): o for a, f, o in zip(links["activity_id"], links["funder_id"], links["origin"])}
    assert origin == {
        ("b1", "ec"): "external", ("b1", "al-min"): "domestic",
        ("b2", "ec"): "external", ("b2", "al-min"): "domestic",  # inherited from b1
        ("b3", "at-min"): "external",  # a foreign ministry
        ("b4", "xk-min"): "domestic",
        ("b5", "us-embassy-al"): "external",  # parent is a donor government
        ("b7", "al-muni"): "domestic",  # activity states no country
        ("b8", "ec"): "external",
    }
    rule = dict(zip(zip(links["activity_id"], links["funder_id"]), links["rule"]))
    assert rule[("b3", "at-min")] == "foreign country (AT)"
    assert rule[("b5", "us-embassy-al")] == "part of a donor_government"
    src = dict(zip(zip(links["activity_id"], links["funder_id"]), links["link_source"]))
    assert src[("b3", "at-min")] == "participation" and src[("b2", "ec")] == "inherited"
    assert links.loc[links["link_source"] == "inherited", "amount"].isna().all()


def test_external_domestic_on_fixture(fx):
    links = fd.funder_links(fx)
    a5 = links[(links["activity_id"] == "a5")].set_index("funder_id")["origin"]
    assert a5.to_dict() == {"al-ministry": "domestic", "donor-a": "external"}
    assert (links.loc[links["funder_id"] == "eu-com", "origin"] == "external").all()


def test_options_change_links(mini):
    no_inherit = fd.funder_links(mini, inherit=False)
    assert "b2" not in set(no_inherit["activity_id"])
    no_part = fd.funder_links(mini, include_participations=False)
    assert "b3" not in set(no_part["activity_id"])
    cov = fd.coverage(mini, no_inherit)
    assert cov["no_funder"] == 2 and cov["share_no_funder"] == 0.25  # b2 and b6 of 8


def test_activity_status(mini):
    af = fd.activity_funding(mini).set_index("activity_id")
    assert af["status"].to_dict() == {"b1": "mixed", "b2": "mixed", "b3": "external_only", "b4": "domestic_only",
                                      "b5": "external_only", "b6": "no_funder", "b7": "domestic_only",
                                      "b8": "external_only"}
    assert af.at["b2", "funded_via"] == "inherited" and af.at["b6", "funded_via"] == ""
    # EUR is the most frequent currency (2 rows); the USD amount of b8 is left out.
    assert af.at["b1", "currency"] == "EUR"
    assert af.at["b1", "amount_total"] == 150 and af.at["b1", "amount_external"] == 100
    assert af.at["b8", "amount_total"] == 0 and af.at["b8", "n_amount_rows"] == 0


def test_coverage(mini):
    cov = fd.coverage(mini)
    assert cov["activities"] == 8
    assert cov["with_own_funder"] == 6 and cov["with_inherited_funder"] == 1 and cov["no_funder"] == 1
    assert cov["share_no_own_funder"] == 0.25 and cov["share_no_funder"] == 0.125
    assert cov["participation_only_links"] == 1 and cov["funding_rows_with_amount"] == 3
    assert cov["currencies"] == 2
    assert (cov["funders"], cov["external_funders"], cov["domestic_funders"]) == (6, 3, 3)


# ----------------------------------------------------------------------------- dependency


def test_dependency_by_country_counts(mini):
    t = fd.dependency(mini, by="country")
    assert t["group"].tolist() == ["AL", "BA", "XK", "ME", "MK", "RS", fd.NOT_STATED]
    al = _row(t, "AL")  # b1 mixed, b2 mixed, b6 none, b8 external only
    assert (al["n_activities"], al["n_funded"], al["n_no_funder"]) == (4, 3, 1)
    assert al["share_any_external"] == 0.75 and al["share_only_external"] == 0.25
    assert al["share_no_funder"] == 0.25 and al["share_only_external_of_funded"] == pytest.approx(1 / 3)
    xk = _row(t, "XK")  # b3 external only, b4 domestic only, b6 none
    assert xk["share_only_external"] == pytest.approx(1 / 3) and xk["share_domestic_only"] == pytest.approx(1 / 3)
    assert xk["share_only_external_of_funded"] == 0.5
    rs = _row(t, "RS")  # b5 external only, b6 none
    assert rs["share_only_external_of_funded"] == 1.0 and rs["share_no_funder"] == 0.5
    ba = _row(t, "BA")
    assert ba["n_activities"] == 0 and pd.isna(ba["share_any_external"]) and ba["thin"]
    ns = _row(t, fd.NOT_STATED)  # b7
    assert ns["n_domestic_only"] == 1
    assert (t["basis"] == "count").all()


def test_dependency_overall_and_tier(mini):
    all_ = _row(fd.dependency(mini, by="all"), "all")
    assert all_["n_activities"] == 8 and all_["share_no_funder"] == 0.125
    assert all_["share_any_external"] == 0.625 and all_["share_only_external"] == 0.375
    tier = fd.dependency(mini, by="tier")
    assert tier["group"].tolist() == ["primary", "secondary", "tertiary", "ct_law_enforcement", fd.NOT_STATED]
    prim = _row(tier, "primary")  # b1, b2 mixed; b8 external only
    assert prim["share_any_external"] == 1.0 and prim["share_only_external"] == pytest.approx(1 / 3)
    assert _row(tier, "tertiary")["share_domestic_only"] == 1.0
    assert _row(tier, fd.NOT_STATED)["n_activities"] == 2  # b6, b7


def test_dependency_amount_basis_falls_back(mini):
    t = fd.dependency(mini, by="country", basis="amount")
    al = _row(t, "AL")  # EUR: ec 100 + al-min 50 on b1 (mixed)
    assert al["basis"] == "amount" and al["amount_total"] == 150 and al["n_amount_rows"] == 2
    assert al["share_any_external"] == pytest.approx(2 / 3)
    assert al["share_mixed"] == 1.0 and al["share_only_external"] == 0.0 and pd.isna(al["share_no_funder"])
    xk = _row(t, "XK")  # no amounts: count basis
    assert xk["basis"] == "count" and xk["share_only_external_of_funded"] == 0.5
    assert _row(fd.dependency(mini, by="country", basis="amount", currency="USD"), "AL")["share_only_external"] == 1.0


def test_most_dependent(mini):
    t = fd.dependency(mini, by="country")
    assert fd.most_dependent(t, min_n=1) == "RS"  # 1 of 1 funded activity external only
    assert fd.most_dependent(t, min_n=2) == "XK"  # 1/2 beats AL's 1/3
    assert fd.most_dependent(t, min_n=3) == "AL"
    assert fd.most_dependent(t, min_n=4) is None
    assert fd.most_dependent(t, min_n=1, candidates=["AL", "XK"]) == "XK"
    ranked = fd.rank_groups(t, min_n=1)
    assert ranked["group"].tolist() == ["RS", "XK", "AL"] and ranked["rank"].tolist() == [1, 2, 3]
    # ties on the first key are broken by the share of all activities with an external funder
    tie = pd.DataFrame({"group": ["A", "B"], "n_funded": [3, 3], "share_only_external_of_funded": [1.0, 1.0],
                        "share_any_external": [0.5, 0.75], "share_no_funder": [0.5, 0.25], "n_only_external": [3, 3],
                        "n_activities": [6, 4], "basis": ["count", "count"]})
    assert fd.most_dependent(tie) == "B"
    assert "All 2 ranked groups" in fd.ranking_note(fd.rank_groups(tie))
    assert fd.ranking_note(ranked) == ""
    assert fd.ranking_note(fd.rank_groups(t, min_n=9)).startswith("Too thin")
    assert "no activities for BA, ME, MK" in fd.thin_message(t, "countries", 3)


def test_dependency_by_mechanism(mini):
    mech = fd.mechanism_funding(mini)
    r = mech.set_index("mechanism_id").loc["b3"]
    assert r["status"] == "external_only" and r["funders"] == "at-min" and r["stated_funding_basis"] == "donor"
    assert _row(fd.dependency(mini, by="mechanism_type"), "referral_mechanism")["share_only_external"] == 1.0


# ----------------------------------------------------------------------------- concentration


def test_hhi(mini):
    c = fd.concentration(mini, by="country")
    al = _row(c, "AL")  # ec on b1, b2, b8 (3); al-min on b1, b2 (2): 0.6^2 + 0.4^2
    assert al["hhi"] == pytest.approx(0.52) and al["n_funders"] == 2 and al["n_links"] == 5
    assert al["top_funder"] == "ec" and al["top_share"] == pytest.approx(0.6)
    assert al["top_funders"] == "ec 60%; al-min 40%"
    assert _row(c, "XK")["hhi"] == 0.5 and _row(c, "RS")["hhi"] == 1.0
    assert pd.isna(_row(c, "BA")["hhi"])
    overall = _row(fd.concentration(mini, by="all"), "all")  # ec 3, al-min 2, four funders 1: (9+4+4)/81
    assert overall["hhi"] == pytest.approx(17 / 81) and overall["effective_funders"] == pytest.approx(81 / 17)
    ext = _row(fd.concentration(mini, by="country", external_only=True), "AL")
    assert ext["hhi"] == 1.0
    amt = _row(fd.concentration(mini, by="country", basis="amount"), "AL")  # EUR 100 vs 50
    assert amt["basis"] == "amount" and amt["hhi"] == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)


def test_hhi_on_fixture(fx):
    c = fd.concentration(fx, by="country")
    # AL: donor-a on a3, a5, a6; eu-com on a1, a7; al-ministry on a5 -> (9 + 4 + 1) / 36
    assert _row(c, "AL")["hhi"] == pytest.approx(14 / 36)
    dep = fd.dependency(fx, by="country")
    assert _row(dep, "XK")["share_only_external"] == 1.0
    assert _row(dep, "AL")["share_only_external_of_funded"] == pytest.approx(0.8)


def test_funder_matrix(mini):
    m = fd.funder_matrix(mini)
    assert m.index.tolist()[0] == "ec"
    assert m.loc["ec", "AL"] == 3 and m.loc["al-min", "AL"] == 2 and m.loc["at-min", "XK"] == 1
    assert m.loc["al-muni", fd.NOT_STATED] == 1 and m["BA"].sum() == 0
    assert fd.funder_matrix(mini, basis="amount").loc["ec", "AL"] == 100


# ----------------------------------------------------------------------------- withdrawal


def test_withdraw_one_funder(mini):
    r = fd.withdraw(mini, ["ec"])
    assert r.activities_lost == ["b8"]
    assert r.activities.set_index("activity_id").loc["b2", "funders_left"] == "al-min"
    assert r.mechanisms_lost == []
    assert r.actors_lost["actor_id"].tolist() == ["found"]  # al-ngo keeps b1, b2
    assert r.cut_off["actor_id"].tolist() == ["found"]
    assert r.graph_before == {"actors": 11, "ties": r.graph_before["ties"], "components": 1, "largest_component": 11}
    assert (r.graph_after["actors"], r.graph_after["components"], r.graph_after["largest_component"]) == (9, 1, 9)


def test_withdraw_a_set_of_funders(mini):
    r = fd.withdraw(mini, ["ec", "al-min"])
    assert r.activities_lost == ["b1", "b2", "b8"]
    assert r.actors_lost["actor_id"].tolist() == ["al-ngo", "found"]  # al-muni keeps b7
    # after: {at-min, xk-ngo, xk-min, net, rs-police, us-embassy-al} and al-muni alone (b7)
    assert r.graph_after["components"] == 2 and r.graph_after["largest_component"] == 6
    cut = dict(zip(r.cut_off["actor_id"], r.cut_off["reason"]))
    assert cut == {"al-muni": "separated from the main component", "al-ngo": "no activity left",
                   "found": "no activity left"}


def test_withdraw_mechanism_and_errors(mini):
    r = fd.withdraw(mini, "at-min")
    assert r.mechanisms_lost == ["b3"] and r.actors_lost.empty
    with pytest.raises(ValueError, match="'nobody', 'ghost'"):
        fd.withdraw(mini, ["nobody", "ec", "ghost"])


def test_rank_funders(mini):
    rk = fd.rank_funders(mini)
    # every funder but al-min leaves one activity unfunded; ec also leaves found with nothing
    # and cuts it off; us-embassy-al leaves rs-police with no funded activity; at-min drops
    # out of the graph with b3 (largest component 11 -> 10).
    assert rk["funder_id"].tolist() == ["ec", "us-embassy-al", "at-min", "al-muni", "xk-min", "al-min"]
    assert rk["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    top = rk.iloc[0]
    assert (top["n_activities_lost"], top["n_actors_lost"], top["n_cut_off"]) == (1, 1, 1)
    assert top["share_activities_lost"] == 0.125
    assert rk.set_index("funder_id").loc["al-min", "n_activities_lost"] == 0
    assert rk.set_index("funder_id").loc["at-min", "n_mechanisms_lost"] == 1


def _rank_by_rebuild(ds, links) -> pd.DataFrame:
    """The ranking as it was computed before: one full withdraw() per funder."""
    rows = []
    for f in fd.funders(ds, links)["funder_id"]:
        r = fd.withdraw(ds, [f], links).summary()
        rows.append({"funder_id": f, **{k: r[k] for k in (
            "n_activities_funded", "n_activities_lost", "n_mechanisms_lost", "n_actors_lost", "n_cut_off",
            "largest_component_before", "largest_component_after", "components_before", "components_after")}})
    return pd.DataFrame(rows).sort_values("funder_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def mini_roles(mini_path, tmp_path_factory):
    """The mini package where ec also leads b1 and b3 (it stays tied there when it stops funding), al-min also
    funds b8 through a participation only, and two funders share the isolated activity b9."""
    prov = {"source_id": "fx1", "locator": "t"}
    folder = write_package(tmp_path_factory.mktemp("mini_roles") / "pkg", {
        "participations": [dict(participation_id=f"q{i}", actor_id=a, activity_id=b, role=r, **prov) for i, (a, b, r)
                           in enumerate([("ec", "b1", "lead"), ("ec", "b3", "lead"), ("al-min", "b8", "funder"),
                                         ("found", "b9", "funder"), ("at-min", "b9", "funder"),
                                         ("rs-police", "b9", "participant")])],
        "activities": [dict(activity_id="b9", title="Activity b9", activity_type="meeting", countries="RS",
                            status="completed", **prov)],
    }, base=mini_path, mode="append")
    return w.load(folder)


@pytest.mark.parametrize("package", ["mini", "fixture_ds", "mini_roles"])
@pytest.mark.parametrize("link_options", [{}, {"include_participations": False}, {"inherit": False}])
def test_rank_funders_equals_one_withdrawal_per_funder(package, link_options, request):
    ds = request.getfixturevalue(package)
    links = fd.funder_links(ds, **link_options)
    expected = _rank_by_rebuild(ds, links)
    got = fd.rank_funders(ds, links).sort_values("funder_id").reset_index(drop=True)[expected.columns]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert len(got) == len(fd.funders(ds, links)) > 0


def test_rank_funders_checks_ids(mini):
    with pytest.raises(ValueError, match=r"funders: unknown funder id\(s\) 'ghost'"):
        fd.rank_funders(mini, funders=["ec", "ghost"])
    # a funder id that funds nothing here ranks with zeros (withdrawing it changes nothing)
    r = fd.rank_funders(mini, funders=["net"]).iloc[0]
    assert (r["n_activities_funded"], r["n_activities_lost"], r["n_cut_off"]) == (0, 0, 0)
    assert r["largest_component_after"] == r["largest_component_before"] == 11


def test_fixture_withdrawal(fx):
    r = fd.withdraw(fx, ["donor-a"])
    assert r.activities_lost == ["a2", "a3", "a6"] and r.mechanisms_lost == ["a2"]
    assert r.actors_lost["actor_id"].tolist() == ["un-agency-xk", "xk-muni"]
    r = fd.withdraw(fx, ["eu-com"])
    assert r.activities_lost == ["a1", "a4", "a7"]
    assert r.actors_lost["actor_id"].tolist() == ["al-police", "regional-net"]
    assert r.graph_after["largest_component"] == 9


# ----------------------------------------------------------------------------- cliffs, parameters, headlines


def test_funding_cliffs(mini):
    c = fd.funding_cliffs(mini, by="country")
    # external: b1 (AL, 2019), b2 (AL, 2018), b3 (XK, none), b5 (RS, 2019), b8 (AL, 2020)
    assert c.columns.tolist() == ["2018", "2019", "2020", fd.NO_END_DATE, "total"]
    assert c.loc["AL"].tolist() == [1, 1, 1, 0, 3]
    assert c.loc["XK", fd.NO_END_DATE] == 1 and c.loc["RS", "2019"] == 1 and c.loc["BA", "total"] == 0
    t = fd.funding_cliffs(mini, by="tier")
    assert t.loc["primary", "total"] == 3 and t.loc["tertiary", "total"] == 0  # b4 is domestic only
    assert fd.funding_cliffs(mini, by="all", external_only=False).loc["all", "total"] == 7


def test_check_parameters(mini):
    p = fd.check_parameters(mini, countries=["AL"], start_year=2018, end_year=2019, funders=["ec"], basis="amount")
    assert p == {"countries": ["AL"], "start_year": 2018, "end_year": 2019, "funders": ["ec"], "basis": "amount",
                 "min_n": 1}
    assert fd.check_parameters(mini)["countries"] is None


@pytest.mark.parametrize("call, kwargs, match", [
    ("check_parameters", {"funders": ["ec", "nope", "zzz"]},
     r"funders_to_withdraw: unknown funder ids 'nope', 'zzz'; the package has "),
    ("check_parameters", {"funders": ["net"]}, r"funders_to_withdraw: unknown funder id 'net'; the package has "),
    ("check_parameters", {"countries": ["Kosovo"]}, r"countries: unknown country code 'Kosovo'; the package has "),
    ("check_parameters", {"basis": "money"}, r"basis: unknown value 'money'; allowed: count, amount"),
    ("check_parameters", {"start_year": 2020, "end_year": 2019}, "start_year 2020 is after end_year 2019"),
    ("check_parameters", {"start_year": "2019"}, r"start_year: wrong type: expected int, got str '2019'"),
    ("check_parameters", {"end_year": 1066},
     r"end_year: 1066 is out of range; allowed: 0 \(no bound\) or 1900 to 2100"),
    ("check_parameters", {"min_n": 0}, r"min_n: 0 is out of range; allowed: >= 1"),
    ("check_parameters", {"countries": [1, 2]}, r"countries: wrong type: expected a list of strings, got \[1, 2\]"),
    ("dependency", {"by": "region"}, "by"),
    ("dependency", {"basis": "money"}, r"basis: unknown value 'money'; allowed: count, amount"),
    ("concentration", {"basis": "euros"}, r"basis: unknown value 'euros'; allowed: count, amount"),
    ("funder_matrix", {"by": "donor"}, r"by: 'donor' is not one of all, country"),
    ("funding_cliffs", {"by": "year"}, r"by: 'year' is not one of"),
    ("withdraw", {"funders": ["nobody", "ec", "ghost"]}, "'nobody', 'ghost'"),
])
def test_argument_checks(mini, call, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(fd, call)(mini, **kwargs)


def _headlines(ds, min_n=3, dep_country=None, dep_tier=None):
    links = fd.funder_links(ds)
    heads = fd.headline_figures(fd.coverage(ds, links), fd.dependency(ds, "all", links=links),
                                fd.dependency(ds, "country", links=links) if dep_country is None else dep_country,
                                fd.dependency(ds, "tier", links=links) if dep_tier is None else dep_tier,
                                fd.rank_funders(ds, links), min_n=min_n)
    assert all(isinstance(x, Headline) for x in heads)
    return {x.key: x for x in heads}


def test_headline_figures(mini, monkeypatch):
    monkeypatch.delenv("WBCTI_HEADLINES_FILE", raising=False)
    h = _headlines(mini, min_n=2)
    assert list(h) == ["most_donor_dependent_country", "most_donor_dependent_country_share",
                       "most_donor_dependent_tier", "most_donor_dependent_tier_share", "most_systemic_funder",
                       "most_systemic_funder_activities_lost", "share_external_any", "share_no_recorded_funder",
                       "share_no_funder_after_inheritance"]
    assert h["most_donor_dependent_country"].value == "XK"
    assert h["most_donor_dependent_country_share"].value == 0.5
    assert h["most_donor_dependent_tier"].value == "primary"  # the only tier with >= 2 funded activities
    assert h["most_systemic_funder"].value == "ec"
    assert h["share_no_recorded_funder"].value == 0.25
    assert h["share_no_funder_after_inheritance"].value == 0.125
    # n: countries compared (AL 3 and XK 2 funded activities; RS has 1), XK's funded activities,
    # funders ranked, activities of the package
    assert h["most_donor_dependent_country"].n == 2 and h["most_donor_dependent_country_share"].n == 2
    assert h["most_donor_dependent_tier"].n == 1 and h["most_systemic_funder"].n == 6
    assert h["most_systemic_funder_activities_lost"].value == 1 and h["share_no_recorded_funder"].n == 8
    assert h["share_external_any"].value == 0.625 and h["share_external_any"].n == 8
    assert "no single" not in h["most_donor_dependent_country"].caveat
    assert "12%" in h["share_external_any"].caveat  # b6 of 8 names no funder
    entries = record(list(h.values()))
    assert entries["most_donor_dependent_country"] == {
        "value": "XK", "n": 2, "unit": "", "caveat": "2 countries with >= 2 funded activities compared.",
        "label": "Western Balkan country whose funded CT/P-CVE work rests most on external funders only "
                 "(>= 2 funded activities)"}


_TIE = pd.DataFrame({"group": ["A", "B"], "n_funded": [3, 3], "share_only_external_of_funded": [1.0, 1.0],
                     "share_any_external": [0.5, 0.75], "share_no_funder": [0.5, 0.25], "n_only_external": [3, 3],
                     "n_activities": [6, 4], "basis": ["count", "count"]})


def test_ties_are_ties():
    # the old function still names one group (the secondary share decides) ...
    assert fd.most_dependent(_TIE) == "B"
    # ... the library says both tie
    assert fd.most_dependent_groups(_TIE) == ["A", "B"]  # the table's order, not the tie-breaker's
    ranked = fd.rank_groups(_TIE)
    assert ranked["group"].tolist() == ["B", "A"] and ranked["tied"].tolist() == [True, True]
    three = pd.concat([_TIE, _TIE.assign(group="C", share_only_external_of_funded=0.5)], ignore_index=True).head(3)
    assert fd.most_dependent_groups(three) == ["A", "B"]
    assert fd.rank_groups(three)["tied"].tolist() == [True, True, False]
    assert fd.ranking_note(fd.rank_groups(three)) == (
        "B, A tie at the top (100% of their funded work paid by external funders only; 2 groups): the order among "
        "them rests on the share of all their activities with an external funder.")
    assert fd.most_dependent_groups(three, min_n=4) == []
    # equal fractions written differently still tie (1/3 and 2/6)
    thirds = _TIE.assign(share_only_external_of_funded=[1 / 3, 2 / 6])
    assert fd.most_dependent_groups(thirds) == ["A", "B"]


def test_no_tie_on_mini(mini):
    t = fd.dependency(mini, by="country")
    assert fd.most_dependent_groups(t, min_n=1) == ["RS"]
    assert fd.most_dependent_groups(t, min_n=2) == ["XK"]
    assert not fd.rank_groups(t, min_n=1)["tied"].any()


def test_headline_names_a_tie(mini):
    tie = _TIE.assign(group=["AL", "XK"])
    h = _headlines(mini, min_n=2, dep_country=tie, dep_tier=tie.assign(group=["primary", "tertiary"]))
    country = h["most_donor_dependent_country"]
    assert country.value == "tie between AL, XK (2 countries)" and country.n == 2
    assert "no single country can be named" in country.caveat and "AL, XK" in country.caveat
    share = h["most_donor_dependent_country_share"]
    assert share.value == 1.0 and share.n == 6  # 3 + 3 funded activities of the tied countries
    assert h["most_donor_dependent_tier"].value == "tie between primary, tertiary (2 tiers)"


def test_headline_names_tied_funders(fx):
    # donor-a and eu-com each leave 3 activities unfunded, 2 actors with nothing and cut none off
    h = _headlines(fx)
    assert h["most_systemic_funder"].value == "tie between donor-a, eu-com (2 funders)"
    assert h["most_systemic_funder_activities_lost"].value == 3
    assert "donor-a, eu-com" in h["most_systemic_funder"].caveat


def test_thin_and_empty_selection(fx):
    empty = filter_dataset(fx, countries=["ME"])
    links = fd.funder_links(empty)
    assert links.empty
    dep = fd.dependency(empty, by="country", links=links)
    assert dep["n_activities"].sum() == 0 and dep["thin"].all()
    assert fd.rank_funders(empty, links).empty
    assert fd.concentration(empty, by="all", links=links)["hhi"].isna().all()
    assert fd.funding_cliffs(empty, links=links)["total"].sum() == 0
    h = _headlines(empty, dep_country=dep)
    assert h["most_systemic_funder"].value is None and h["share_no_recorded_funder"].value is None
    assert h["most_donor_dependent_country"].value is None
    assert h["most_donor_dependent_country"].caveat.startswith("Too thin")
    assert fd.thin_message(dep, "countries", 3).startswith("Data too thin for every country:")


def test_plots_do_not_fail_on_empty_or_small_data(fx):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_funding as pf

    for ds in (fx, filter_dataset(fx, countries=["ME"])):
        links = fd.funder_links(ds)
        figs = [pf.plot_dependency({"c": fd.dependency(ds, "country", links=links)}),
                pf.plot_concentration({"c": fd.concentration(ds, "country", links=links)}),
                pf.plot_funder_matrix(fd.funder_matrix(ds, links=links)),
                pf.plot_withdrawal_ranking(fd.rank_funders(ds, links)),
                pf.plot_cliffs(fd.funding_cliffs(ds, links=links))]
        for f in figs:
            assert any("Source:" in t.get_text() for t in f.texts)
            assert f.get_suptitle() or f.axes[0].get_title()
        plt.close("all")


def test_plots_draw_into_given_axes(mini):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_funding
    from wbcti_analysis.plots import funding as pf

    assert plots_funding.plot_dependency is pf.plot_dependency  # the old module is a shim
    links = fd.funder_links(mini)
    fig, axes = plt.subplots(2, 3)
    dep = {"c": fd.dependency(mini, "country", links=links), "t": fd.dependency(mini, "tier", links=links)}
    assert pf.plot_dependency(dep, ax=axes[0, :2]) is fig
    assert axes[0, 0].get_title(loc="left") == "c" and axes[0, 1].get_title(loc="left") == "t"
    assert pf.plot_concentration({"c": fd.concentration(mini, "country", links=links)}, ax=axes[0, 2]) is fig
    assert pf.plot_funder_matrix(fd.funder_matrix(mini, links=links), ax=axes[1, 0]) is fig
    assert pf.plot_withdrawal_ranking(fd.rank_funders(mini, links), ax=axes[1, 1]) is fig
    assert pf.plot_cliffs(fd.funding_cliffs(mini, links=links), ax=axes[1, 2], title="cliffs") is fig
    assert axes[1, 2].get_title() == "cliffs"
    assert not any("Source:" in t.get_text() for t in fig.texts)  # the caller's figure: no caption added
    with pytest.raises(ValueError, match="ax: expected 2 Axes"):
        pf.plot_dependency(dep, ax=axes[0, 0])
    _, ax = plt.subplots()
    pf.plot_cliffs(fd.funding_cliffs(mini, links=links).iloc[0:0], ax=ax)
    assert "No externally funded activity" in ax.texts[0].get_text()
    plt.close("all")


def test_coordination_graph_is_the_graphs_projection(mini):
    """The withdrawal graph is graphs.project_actors: weight = activities two actors share."""
    from wbcti_analysis.funding.withdrawal import _coparticipation_graph

    p = mini.participations[["actor_id", "activity_id"]].drop_duplicates()
    pairs = p.merge(p, on="activity_id")
    pairs = pairs[pairs["actor_id_x"] < pairs["actor_id_y"]]
    expected = pairs.groupby(["actor_id_x", "actor_id_y"]).size().to_dict()
    g = _coparticipation_graph(mini.participations)
    assert {tuple(sorted((u, v))): d["weight"] for u, v, d in g.edges(data=True)} == expected
    assert g["al-min"]["ec"]["weight"] == 1 and g["al-ngo"]["net"]["weight"] == 1
    assert g.number_of_nodes() == 11


# ----------------------------------------------------------------------------- the notebook


def test_notebook_parameters_are_declared_with_help():
    papermill = pytest.importorskip("papermill")
    params = papermill.inspect_notebook(str(NOTEBOOK))
    assert list(params) == ["data_path", "countries", "start_year", "end_year", "funders_to_withdraw", "basis",
                            "inherit_funding", "min_n", "rate_table", "include_inferred", "output_dir"]
    assert all(p["help"] for p in params.values())
    assert params["funders_to_withdraw"]["inferred_type_name"] == "list"


def test_notebook_runs_with_non_default_parameters(tmp_path, mini_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
        parameters={"data_path": str(mini_path), "countries": ["AL"], "funders_to_withdraw": ["ec", "al-min"],
                    "basis": "amount", "output_dir": str(tmp_path / "export")})
    import nbformat

    nb = nbformat.read(out, as_version=4)
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "Scenario: withdraw ec, al-min" in text
    summary = pd.read_csv(tmp_path / "export" / "withdrawal_summary.csv").set_index("measure")["value"]
    assert str(summary["n_activities_lost"]) == "3"
    assert (tmp_path / "export" / "dependency_by_country.csv").is_file()
    dep = pd.read_csv(tmp_path / "export" / "dependency_by_country.csv")
    assert dep["group"].tolist() == ["AL"] and dep["basis"].tolist() == ["amount"]


def test_notebook_rejects_unknown_funder(tmp_path):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError, match="ghost"):
        papermill.execute_notebook(
            str(NOTEBOOK), str(tmp_path / "bad.ipynb"), kernel_name="python3", cwd=str(NOTEBOOK.parent),
            progress_bar=False, parameters={"data_path": str(FIXTURE_DIR), "funders_to_withdraw": ["ghost"]})
