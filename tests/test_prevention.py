"""Tests of the prevention vs R&R analysis (wbcti_analysis.prevention) and its notebook.

Numbers are computed by hand from tests/data/fixture (9 activities) and from a richer
package built here (the fixture plus planted duplicates and domestic funding, appended
with ``make_package(..., mode="append")``).
"""
from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURE_DIR, NOTEBOOKS_DIR

import wbcti_analysis as w
from wbcti_analysis import prevention as pv
from wbcti_analysis.headlines import Headline

NOTEBOOK = NOTEBOOKS_DIR / "03-prevention-vs-rr.ipynb"

# Planted rows appended to the fixture (see the module docstring of each test).
EXTRA = {
    "actors.csv": [
        ["rs-ministry", "Serbian ministry (test)", "", "ministry", "justice", "national", "RS", "", "", "fx1", "t"],
    ],
    "activities.csv": [
        ["d1", "Training prison staff in radicalisation risk assessment", "training", "", "RS", "national",
         "tertiary", "prisons_probation;risk_assessment", "2019", "2019", "completed", "",
         "Prison and probation staff trained to assess the risk posed by violent extremist inmates.", "fx1", "t"],
        ["d2", "Radicalisation risk assessment training for prison staff", "training", "", "RS", "national",
         "tertiary", "prisons_probation;risk_assessment", "2019-06", "", "completed", "",
         "Staff of prisons and probation services trained in assessing violent extremist risk.", "fx2", "t"],
        ["d3", "Community policing forum in Novi Grad", "meeting", "", "BA", "local", "primary",
         "community_policing", "2019", "2019", "completed", "", "Police and residents discuss local safety.",
         "fx1", "t"],
        ["d4", "Community policing forum in Novi Grad", "meeting", "", "BA", "local", "primary",
         "community_policing", "2019", "2019", "completed", "", "Police and residents discuss local safety.",
         "fx2", "t"],
        ["d5", "Youth sports against extremism", "project", "", "ME", "local", "primary", "youth", "2015", "2016",
         "completed", "", "Sports clubs engage young people to build resilience.", "fx1", "t"],
        ["d6", "Youth sports against extremism", "project", "", "ME", "local", "primary", "youth", "2020", "2021",
         "completed", "", "Sports clubs engage young people to build resilience.", "fx2", "t"],
        ["d7", "Risk assessment training for prison staff, module two", "training", "d1", "RS", "national",
         "tertiary", "prisons_probation;risk_assessment", "2019", "2019", "completed", "",
         "Prison staff trained to assess violent extremist risk, second module.", "fx1", "t"],
        ["d8", "Radicalisation risk assessment training for prison staff", "training", "", "MK", "national",
         "tertiary", "prisons_probation;risk_assessment", "2019", "", "completed", "",
         "Staff of prisons and probation services trained in assessing violent extremist risk.", "fx2", "t"],
    ],
    "participations.csv": [
        ["p101", "un-agency", "d1", "implementer", "", "stated", "", "fx1", "t"],
        ["p102", "xk-cso", "d2", "implementer", "", "stated", "", "fx2", "t"],
        ["p103", "al-police", "d3", "implementer", "", "stated", "", "fx1", "t"],
        ["p104", "al-police", "d4", "implementer", "", "stated", "", "fx2", "t"],
        ["p105", "al-school", "d5", "implementer", "", "stated", "", "fx1", "t"],
        ["p106", "xk-muni", "d6", "implementer", "", "stated", "", "fx2", "t"],
        ["p107", "un-agency", "d7", "implementer", "", "stated", "", "fx1", "t"],
        ["p108", "al-school", "d8", "implementer", "", "stated", "", "fx2", "t"],
        ["p109", "rs-ministry", "d1", "funder", "", "stated", "", "fx1", "t"],
        ["p110", "donor-a", "d2", "funder", "", "stated", "", "fx2", "t"],
        ["p111", "al-ministry", "d3", "funder", "", "stated", "", "fx1", "t"],
        ["p112", "rs-ministry", "d8", "funder", "", "stated", "", "fx2", "t"],
    ],
    "funding.csv": [
        ["f101", "rs-ministry", "d1", "", "", "", "", "stated", "", "fx1", "t"],
        ["f102", "donor-a", "d2", "", "", "", "", "stated", "", "fx2", "t"],
        ["f103", "al-ministry", "d3", "", "", "", "", "stated", "", "fx1", "t"],
        ["f104", "rs-ministry", "d8", "", "", "", "", "stated", "", "fx2", "t"],
    ],
}


def _as_dicts(table: str, rows: list[list[str]]) -> list[dict]:
    with (FIXTURE_DIR / f"{table}.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    return [dict(zip(header, r)) for r in rows]


@pytest.fixture
def rich(make_package):
    """The fixture package plus the planted rows of EXTRA, loaded and validated."""
    tables = {name[:-4]: _as_dicts(name[:-4], rows) for name, rows in EXTRA.items()}
    return w.load(make_package(tables, mode="append"))


def _by_tier(effort):
    return effort.set_index(effort["tier"].astype(str))


def _totals(effort):
    return effort.set_index(effort["tier"].astype(str))["activities"].to_dict()


# ----------------------------------------------------------------------------- effort by tier


def test_tier_counts_fractional(fixture_ds):
    # a2 secondary;tertiary and a9 primary;secondary give 0.5 to each; a8 is uncoded.
    got = _totals(pv.tier_effort(fixture_ds, "fractional", by=()))
    assert got == {"primary": 3.5, "secondary": 1.0, "tertiary": 1.5, "ct_law_enforcement": 2.0, "uncoded": 1.0}
    assert sum(got.values()) == 9  # every activity weighs 1


def test_tier_counts_each(fixture_ds):
    got = _totals(pv.tier_effort(fixture_ds, "each", by=()))
    assert got == {"primary": 4.0, "secondary": 2.0, "tertiary": 2.0, "ct_law_enforcement": 2.0, "uncoded": 1.0}


def test_tier_weights_rules_differ_by_hand():
    acts = pd.DataFrame({"activity_id": ["x", "y", "z"],
                         "tiers": [("primary", "tertiary"), ("tertiary",), ()]})
    frac = pv.tier_weights(acts, "fractional")
    each = pv.tier_weights(acts, "each")
    assert frac.groupby("tier")["weight"].sum().to_dict() == {"primary": 0.5, "tertiary": 1.5, "uncoded": 1.0}
    assert each.groupby("tier")["weight"].sum().to_dict() == {"primary": 1.0, "tertiary": 2.0, "uncoded": 1.0}
    assert pv.gap_index(0.5, 0, 1.5) == pytest.approx(0.5)       # fractional
    assert pv.gap_index(1.0, 0, 2.0) == pytest.approx(1 / 3)     # each


def test_tier_effort_by_country_and_funding(fixture_ds):
    e = pv.tier_effort(fixture_ds, "fractional", by=("country",))
    xk = _by_tier(e[e["country"] == "XK"])
    # XK: a1 (ct), a2 (secondary/tertiary), a4 (tertiary), a6 (primary)
    assert xk["activities"].to_dict() == {"primary": 1.0, "secondary": 0.5, "tertiary": 1.5,
                                          "ct_law_enforcement": 1.0, "uncoded": 0.0}
    al = _by_tier(e[e["country"] == "AL"])
    assert al.loc["uncoded", "activities"] == 1.0   # a8 shown, not dropped
    assert al.loc["primary", "activities"] == 3.0   # a3, a5, a6
    # activities with no country are kept as "none" (a9)
    none = _by_tier(e[e["country"] == "none"])
    assert none.loc["primary", "activities"] == 0.5
    overall = _by_tier(pv.tier_effort(fixture_ds, "fractional", by=()))
    # primary: a3, a5, a6 funded (a9 not); funders donor-a and al-ministry
    assert overall.loc["primary", "funded_activities"] == 3.0
    assert overall.loc["primary", "funders"] == 2
    assert overall.loc["uncoded", "funded_activities"] == 0.0
    assert overall["share"].sum() == pytest.approx(1.0)


def test_tier_effort_country_filter_and_periods(fixture_ds):
    e = pv.tier_effort(fixture_ds, "each", 2018, by=("country", "period"), countries=["XK"])
    assert set(e["country"]) == {"XK"}
    t = e.set_index([e["period"].astype(str), e["tier"].astype(str)])["activities"]
    assert t[("before 2018", "primary")] == 1.0       # a6 (2017-11-07)
    assert t[("2018 onwards", "tertiary")] == 1.0     # a4 (2018)
    assert t[("undated", "tertiary")] == 1.0          # a2
    per = pv.assign_periods(fixture_ds.activities, 2018)
    assert dict(zip(fixture_ds.activities["activity_id"], per.astype(str))) == {
        "a1": "before 2018", "a2": "undated", "a3": "2018 onwards", "a4": "2018 onwards", "a5": "2018 onwards",
        "a6": "before 2018", "a7": "before 2018", "a8": "undated", "a9": "undated"}
    per17 = pv.assign_periods(fixture_ds.activities, 2017)
    assert per17[fixture_ds.activities["activity_id"] == "a6"].iloc[0] == "2017 onwards"


# ----------------------------------------------------------------------------- the gap


def test_gap_index_values(fixture_ds):
    assert pv.gap_index(3.5, 1.0, 1.5) == pytest.approx(-0.5)
    assert math.isnan(pv.gap_index(0, 0, 0))
    np.testing.assert_allclose(pv.gap_index([1, 0], [0, 0], [0, 2]), [-1.0, 1.0])
    g = pv.gap_table(fixture_ds, "fractional", n_bootstrap=200, seed=1).set_index(["country", "period"])
    assert g.loc[("all", "all"), "gap"] == pytest.approx(-0.5)   # (1.5 - 4.5) / 6
    assert g.loc[("all", "all"), "n"] == 6                       # a2, a3, a4, a5, a6, a9
    assert g.loc[("XK", "all"), "gap"] == pytest.approx(0.0)     # (1.5 - 1.5) / 3
    assert g.loc[("AL", "all"), "gap"] == pytest.approx(-1.0)
    assert g.loc[("XK", "2018 onwards"), "gap"] == pytest.approx(1.0)
    assert g.loc[("AL", "undated"), "n"] == 0 and math.isnan(g.loc[("AL", "undated"), "gap"])
    assert g.loc[("AL", "undated"), "note"] == "no prevention-tier activity"
    assert g.loc[("XK", "all"), "note"].startswith("too thin")


def test_gap_table_by_source(fixture_ds):
    g = pv.gap_table(fixture_ds, "fractional", n_bootstrap=50, period_by="source").set_index(["country", "period"])
    assert list(g.loc["all"].index) == ["fx1", "fx2", "all"]   # sources in order of publication
    assert g.loc[("all", "fx1"), "gap"] == pytest.approx(-1.0)   # a3, a6 primary
    assert g.loc[("all", "fx2"), "gap"] == pytest.approx(-0.25)  # p 1.5, s 1, t 1.5
    with pytest.raises(ValueError, match="period_by"):
        pv.gap_table(fixture_ds, period_by="year")


def test_gap_table_country_with_no_rows(fixture_ds):
    g = pv.gap_table(fixture_ds, countries=["BA"], n_bootstrap=50)
    assert (g["n"] == 0).all() and g["gap"].isna().all()
    assert set(g["country"]) == {"all", "BA"}


def test_bootstrap_deterministic_with_seed(rich):
    a = pv.gap_table(rich, "fractional", n_bootstrap=500, seed=7)
    b = pv.gap_table(rich, "fractional", n_bootstrap=500, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = pv.gap_table(rich, "fractional", n_bootstrap=500, seed=8)
    assert not a[["ci_low", "ci_high"]].equals(c[["ci_low", "ci_high"]])
    ok = a.dropna(subset=["gap"])
    assert ((ok["ci_low"] <= ok["gap"] + 1e-9) & (ok["gap"] <= ok["ci_high"] + 1e-9)).all()
    assert ok["ci_low"].between(-1, 1).all() and ok["ci_high"].between(-1, 1).all()
    # a group's interval does not depend on which other groups are computed
    one = pv.gap_table(rich, n_bootstrap=500, seed=7, countries=["RS"])
    two = pv.gap_table(rich, n_bootstrap=500, seed=7, countries=["XK", "RS"])
    pd.testing.assert_frame_equal(one[one["country"] == "RS"].reset_index(drop=True),
                                  two[two["country"] == "RS"].reset_index(drop=True))


# ----------------------------------------------------------------------------- external vs domestic


def test_funder_origins_use_the_funding_rule(fixture_ds, rich):
    """Prevention and funding classify every funder link the same way."""
    from wbcti_analysis.funding import funder_links

    for ds in (fixture_ds, rich):
        mine = pv.funder_origins(ds).set_index(["activity_id", "funder_id"])["origin"]
        theirs = (funder_links(ds, inherit=False).drop_duplicates(["activity_id", "funder_id"])
                  .astype({"activity_id": str, "funder_id": str}).set_index(["activity_id", "funder_id"])["origin"])
        assert mine.sort_index().to_dict() == theirs.sort_index().to_dict()
    o = pv.funder_origins(fixture_ds).set_index(["activity_id", "funder_id"])["origin"]
    assert o[("a5", "al-ministry")] == "domestic" and o[("a5", "donor-a")] == "external"


def test_activity_funding_origin(fixture_ds, rich):
    o = pv.activity_funding_origin(fixture_ds).astype(str).to_dict()
    assert o["a1"] == "external" and o["a5"] == "mixed" and o["a8"] == "no funder recorded"
    r = pv.activity_funding_origin(rich).astype(str).to_dict()
    assert r["d1"] == "domestic"   # Serbian ministry, Serbian activity
    assert r["d3"] == "external"   # Albanian ministry funding a Bosnian activity
    assert r["d8"] == "external"   # Serbian ministry funding a North Macedonian activity


def test_rr_claim_test_fixture(fixture_ds):
    res = pv.rr_claim_test(fixture_ds, "fractional")
    assert res["table"].loc["external"].tolist() == [1, 3, 1, 2, 0]   # R&R, prevention, both, CT, uncoded
    assert res["rr_share_external"] == pytest.approx(0.3)             # 1.5 / (3 + 0.5 + 1.5)
    assert pv.rr_claim_test(fixture_ds, "each")["rr_share_external"] == pytest.approx(2 / 6)
    t = res["tests"].set_index("test")
    assert t.iloc[0]["p_value"] == pytest.approx(15 / 16)             # P(X >= 1), X ~ Bin(4, 1/2)
    assert t.loc["fisher: external vs domestic", "note"].startswith("not run")
    assert "too thin" in res["verdict"].lower()


def test_rr_claim_test_rich(rich):
    res = pv.rr_claim_test(rich, "fractional")
    tab = res["table"]
    assert tab.loc["external", ["R&R only", "prevention only"]].tolist() == [3, 4]   # a4 d2 d8 / a3 a5 a6 d3
    assert tab.loc["domestic", ["R&R only", "prevention only"]].tolist() == [1, 0]   # d1
    t = res["tests"].set_index("test")
    assert t.iloc[0]["p_value"] == pytest.approx(99 / 128)     # P(X >= 3), X ~ Bin(7, 1/2)
    # hypergeometric by hand: [[3, 4], [1, 0]] -> P(X >= 3) = 1; [[3, 4], [2, 4]] -> 1008 / 1716
    assert t.loc["fisher: external vs domestic", "p_value"] == pytest.approx(1.0)
    assert t.loc["fisher: external vs not external", "p_value"] == pytest.approx(1008 / 1716)
    assert t.loc["fisher: external vs not external", "statistic"] == pytest.approx(1.5)
    assert t.loc["chi-square: external vs domestic", "note"].startswith("not run")
    assert res["rr_share_external"] == pytest.approx(3.5 / 8)


def test_funding_by_tier(fixture_ds):
    tab = pv.funding_by_tier(fixture_ds, "fractional")
    assert tab.loc["external", "primary"] == 2.0 and tab.loc["mixed", "primary"] == 1.0
    assert tab.loc["no funder recorded", "uncoded"] == 1.0
    assert tab["total"].sum() == 9


# ----------------------------------------------------------------------------- coverage


def test_coverage_matrix_and_gaps(fixture_ds):
    m = pv.coverage_matrix(fixture_ds)
    assert m.shape == (6 * 5, 25 + 1)
    assert m.loc[("AL", "primary"), "education"] == 2       # a3, a5
    assert m.loc[("XK", "tertiary"), "rehabilitation_reintegration"] == 1
    assert m.loc["BA"].to_numpy().sum() == 0
    assert m.loc[("AL", "uncoded"), "civil_society"] == 1   # a8
    gaps = pv.coverage_gaps(m)
    tier_gaps = set(map(tuple, gaps[gaps["scope"] == "tier"][["country", "tier"]].values))
    assert ("BA", "primary") in tier_gaps and ("AL", "tertiary") in tier_gaps
    assert ("XK", "primary") not in tier_gaps
    cell = gaps[(gaps["country"] == "XK") & (gaps["tier"] == "primary") & (gaps["theme"] == "education")]
    assert len(cell) == 1 and cell["countries_elsewhere"].iloc[0] == 1
    assert not (gaps["tier"] == "uncoded").any()


# ----------------------------------------------------------------------------- duplication


def test_find_duplicates_planted(rich):
    d = pv.find_duplicates(rich, threshold=0.5)
    pairs = [tuple(sorted(p)) for p in zip(d["activity_a"], d["activity_b"])]
    assert pairs[0] == ("d1", "d2")                 # same work, RS, 2019, different implementers
    assert ("d3", "d4") not in pairs                # same implementer: a series, not duplication
    assert ("d5", "d6") not in pairs                # same text, different periods
    assert ("d1", "d7") not in pairs                # d7 is part of d1
    assert ("d2", "d8") not in pairs                # same text, different countries
    top = d.iloc[0]
    wts = pv.DUPLICATE_WEIGHTS
    assert top["score"] == pytest.approx(wts["text"] * top["text"] + wts["themes"] * 1 + wts["countries"] * 1
                                         + wts["time"] * 1)
    assert (d["score"] >= 0.5).all() and d["score"].is_monotonic_decreasing
    loose = pv.find_duplicates(rich, threshold=0.5, require_different_actors=False)
    pairs_loose = [tuple(sorted(p)) for p in zip(loose["activity_a"], loose["activity_b"])]
    assert ("d3", "d4") in pairs_loose
    assert pv.find_duplicates(rich, threshold=1.0).empty or (pv.find_duplicates(rich, 1.0)["score"] >= 1 - 1e-9).all()


@pytest.mark.parametrize("threshold, weights, different", [
    (0.5, None, True), (0.5, None, False), (0.3, None, True), (0.45, None, True), (0.6, None, True),
    (0.9, None, True), (0.5, {"text": 0.9}, True), (0.2, {"text": 0.0}, True), (1.0, None, False)])
def test_duplicates_by_neighbours_equal_all_pairs(fixture_ds, rich, threshold, weights, different):
    for ds in (fixture_ds, rich):
        for countries in (None, list(pv.WB6)):
            kw = dict(threshold=threshold, weights=weights, require_different_actors=different, countries=countries)
            fast = pv.find_duplicates(ds, method="neighbours", **kw)
            slow = pv.find_duplicates(ds, method="all_pairs", **kw)
            pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_neighbour_search_prunes_pairs(rich):
    from wbcti_analysis.prevention.duplicates import _neighbour_pairs

    acts = rich.activities
    texts = (acts["title"].astype(str) + ". " + acts["description"].fillna("").astype(str)).tolist()
    pairs, text = _neighbour_pairs(texts, dict(pv.DUPLICATE_WEIGHTS), 0.5)
    n = len(texts)
    assert 0 < len(pairs) < n * (n - 1) // 2
    assert (text >= (0.5 - 0.4) / 0.6 - 1e-9).all()       # only pairs that can reach 0.5
    assert (pairs[:, 0] < pairs[:, 1]).all()
    ids = acts["activity_id"].tolist()
    assert (ids.index("d1"), ids.index("d2")) in set(map(tuple, pairs.tolist()))
    # context alone can reach 0.4: every pair stays a candidate
    assert _neighbour_pairs(texts, dict(pv.DUPLICATE_WEIGHTS), 0.4) is None


def test_find_duplicates_thin(fixture_ds):
    assert pv.find_duplicates(fixture_ds, threshold=0.5, countries=["BA"]).empty


# ----------------------------------------------------------------------------- classifier


TRAIN = {
    "primary": ["awareness campaign in schools for young people", "education and resilience workshops for youth",
                "community awareness raising on extremism", "teacher training on media literacy in schools"],
    "tertiary": ["reintegration of returning foreign fighters and families",
                 "rehabilitation programme in prisons for radicalised inmates",
                 "probation support for returnees and their reintegration", "disengagement programme for returnees"],
    "ct_law_enforcement": ["police investigation of terrorism financing", "border checks and intelligence exchange",
                           "joint investigation team for terrorist cases",
                           "information exchange between police services"],
}


def test_classifier_trains_and_predicts_unseen_text():
    texts = [t for ts in TRAIN.values() for t in ts]
    labels = [k for k, ts in TRAIN.items() for _ in ts]
    model = pv.make_tier_pipeline(seed=3).fit(texts, labels)
    unseen = ["support for the reintegration of returnee families", "police intelligence exchange on suspects",
              "awareness programme for youth in schools"]
    assert list(model.predict(unseen)) == ["tertiary", "ct_law_enforcement", "primary"]
    proba = model.predict_proba(unseen)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_training_text_with_and_without_themes(fixture_ds):
    texts, labels = pv.tier_training_data(fixture_ds.activities)
    assert len(texts) == 8 and "a8" not in texts.index               # uncoded left out
    assert labels["a2"] == "secondary" and labels["a9"] == "primary"   # first listed tier
    assert "theme_referral" in texts["a2"]
    bare, _ = pv.tier_training_data(fixture_ds.activities, use_themes=False)
    assert not bare.str.contains("theme_").any()


def test_evaluate_and_suggest(rich, fixture_ds):
    ev = pv.evaluate_tier_classifier(rich, seed=5)
    # first-listed tiers: primary a3 a5 a6 a9 d3-d6 (8), tertiary a4 d1 d2 d7 d8 (5), ct a1 a7 (2),
    # secondary a2 (1) -> dropped from CV; folds reduced to 2 by the ct tier
    assert ev.dropped_classes == {"secondary": 1}
    assert ev.n_train == 15 and ev.n_splits == 2 and len(ev.fold_macro_f1) == 2
    assert int(ev.confusion.to_numpy().sum()) == 15
    assert 0 <= ev.macro_f1 <= 1
    again = pv.evaluate_tier_classifier(rich, seed=5)
    assert again.macro_f1 == ev.macro_f1 and again.confusion.equals(ev.confusion)
    model = pv.train_tier_classifier(rich, seed=5)
    uncoded = rich.activities[rich.activities["tiers"].map(len) == 0]
    s = pv.suggest_tiers(model, uncoded, unsure_below=0.9)
    assert s["activity_id"].tolist() == ["a8"]
    assert s["suggested_tier"].iloc[0] in model.classes_
    assert 0 < s["probability"].iloc[0] <= 1 and s["runner_up_probability"].iloc[0] <= s["probability"].iloc[0]
    assert bool(s["unsure"].iloc[0]) == (s["probability"].iloc[0] < 0.9)
    # the fixture is thin: two tiers left out, folds reduced, and said so
    thin = pv.evaluate_tier_classifier(fixture_ds, seed=5)
    assert thin.n_splits == 2 and any("too thin" in n for n in thin.notes)


# ----------------------------------------------------------------------------- validation


ARGUMENT_CASES = [
    # (function, arguments after ds, the parameter named in the message)
    (pv.tier_effort, {"rule": "half"}, "tier_rule: unknown value 'half'; allowed: fractional, each"),
    (pv.gap_table, {"split_year": "2018"}, "split_year: wrong type: expected int, got str '2018'"),
    (pv.tier_effort, {"countries": ["XX"]}, "countries: unknown country code 'XX'; the package has AL, XK"),
    (pv.find_duplicates, {"threshold": 1.5}, "duplicate_threshold: 1.5 is out of range; allowed: 0 to 1"),
    (pv.gap_table, {"n_bootstrap": -1}, "n_bootstrap: -1 is out of range; allowed: >= 0"),
    (pv.tier_effort, {"by": ("donor",)}, "by"),
    (pv.gap_table, {"split_year": 1800}, "split_year: 1800 is out of range; allowed: 1900 to 2100"),
    (pv.gap_table, {"seed": -1}, "seed: -1 is out of range; allowed: >= 0"),
    (pv.gap_table, {"ci": 1.5}, "ci must be between 0 and 1"),
    (pv.gap_table, {"period_by": "year"}, "period_by must be 'date' or 'source'"),
    (pv.gap_table, {"rule": "half"}, r"03-prevention-vs-rr: tier_rule: unknown value 'half'"),
    (pv.rr_claim_test, {"rule": "half"}, "tier_rule: unknown value 'half'"),
    (pv.coverage_matrix, {"countries": ["xk"]},
     r"countries: unknown country code 'xk'; the package has AL, XK \(values are case-sensitive: 'xk' -> 'XK'\)"),
    (pv.find_duplicates, {"weights": {"money": 1.0}}, r"weights: unknown component\(s\) \['money'\]"),
    (pv.find_duplicates, {"weights": {"text": -1.0}}, "weights must be non-negative"),
    (pv.find_duplicates, {"method": "kdtree"}, r"method \(how duplicate candidates are found\) must be one of"),
    (pv.evaluate_tier_classifier, {"max_folds": 1}, "max_folds must be an integer of at least 2"),
    (pv.evaluate_tier_classifier, {"seed": True}, "seed: wrong type: expected int, got bool True"),
]


@pytest.mark.parametrize("func, kwargs, match", ARGUMENT_CASES,
                         ids=[f"{f.__name__}-{next(iter(k))}-{i}" for i, (f, k, _) in enumerate(ARGUMENT_CASES)])
def test_argument_checks(fixture_ds, func, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(fixture_ds, **kwargs)


@pytest.mark.parametrize("call, match", [
    (lambda ds: pv.coverage_gaps(pv.coverage_matrix(ds), min_elsewhere=0), "min_elsewhere must be at least 1"),
    (lambda ds: pv.suggest_tiers(None, ds.activities, unsure_below=2),
     "unsure_below: 2 is out of range; allowed: 0 to 1"),
    (lambda ds: pv.source_mix(ds.activities, pv.assign_periods(ds.activities), dominant_share=0),
     "dominant_share"),
    (lambda ds: pv.period_labels(2018.5), "split_year: wrong type: expected int, got float 2018.5"),
], ids=["coverage_gaps-min_elsewhere", "suggest_tiers-unsure_below", "source_mix-dominant_share",
        "period_labels-split_year"])
def test_argument_checks_of_helpers(fixture_ds, call, match):
    with pytest.raises(ValueError, match=match):
        call(fixture_ds)


def test_plots_draw_on_data_and_on_empty_input(fixture_ds):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_prevention as pp

    figs = [
        pp.plot_tier_effort(pv.tier_effort(fixture_ds, by=("country", "period"))),
        pp.plot_tier_effort(pv.tier_effort(fixture_ds, by=("country", "period"), countries=["BA"])),
        pp.plot_gap_index(pv.gap_table(fixture_ds, n_bootstrap=20)),
        pp.plot_gap_index(pv.gap_table(fixture_ds, n_bootstrap=20, countries=["BA"])),
        pp.plot_coverage_heatmap(pv.coverage_matrix(fixture_ds)),
        pp.plot_coverage_heatmap(pv.coverage_matrix(fixture_ds, countries=["BA"])),
        pp.plot_funding_by_tier(pv.funding_by_tier(fixture_ds)),
        pp.plot_confusion_matrix(pv.evaluate_tier_classifier(fixture_ds).confusion),
        pp.plot_confusion_matrix(pd.DataFrame()),
        pp.plot_suggestions(pd.DataFrame(columns=["activity_id", "title", "suggested_tier", "probability"])),
    ]
    for fig in figs:
        assert fig.axes[0].get_title(loc="left") or fig._suptitle is not None
        assert any("Source:" in t.get_text() for t in fig.texts)
        plt.close(fig)


# ----------------------------------------------------------------------------- source mix and headlines


def test_source_mix_by_hand(fixture_ds):
    acts = fixture_ds.activities
    # before 2018: a1 a6 a7 (fx1); 2018 onwards: a3 (fx1), a4 a5 (fx2); undated: a2 a8 a9 (fx2)
    mix = pv.source_mix(acts, pv.assign_periods(acts, 2018))
    assert mix.round(3).values.tolist() == [
        ["before 2018", "fx1", 3, 3, 1.0, True],
        ["2018 onwards", "fx2", 2, 3, 0.667, False],
        ["2018 onwards", "fx1", 1, 3, 0.333, False],
        ["undated", "fx2", 3, 3, 1.0, True]]
    loose = pv.source_mix(acts, pv.assign_periods(acts, 2018), dominant_share=0.6)
    assert loose["dominant"].tolist() == [True, True, False, True]
    empty = pv.source_mix(acts.iloc[0:0], pv.assign_periods(acts.iloc[0:0]))
    assert empty.empty and list(empty.columns) == ["period", "source_id", "n", "period_n", "share", "dominant"]


def _heads(heads):
    assert all(isinstance(h, Headline) for h in heads)
    return {h.key: h for h in heads}


def test_headline_figures_fixture(fixture_ds):
    ev = pv.evaluate_tier_classifier(fixture_ds, seed=5)
    heads = pv.headline_figures(fixture_ds, evaluation=ev, n_bootstrap=50, seed=1)
    assert [h.key for h in heads] == list(pv.headlines.HEADLINE_KEYS)
    h = _heads(heads)
    # the four keys notebook 03 recorded before, with the same values
    overall = h["prevention_gap_index_overall"]
    assert (overall.value, overall.n, overall.caveat) == (-0.5, 6, "")   # both sources lean to prevention
    share = h["prevention_rr_share_external"]
    assert (share.value, share.n, share.unit) == (0.3, 5, "share of activities")   # a2 a3 a4 a5 a6
    assert share.caveat.startswith("Too thin (n = 5 < 10). Counts of activities, not money")
    assert "No domestically funded" in share.caveat
    f1 = h["prevention_classifier_macro_f1"]
    assert (f1.value, f1.n) == (round(ev.macro_f1, 3), 6)   # primary a3 a5 a6 a9, ct a1 a7
    assert f1.caveat.startswith(f"Majority-class baseline {ev.baseline_macro_f1:.3f}; 2-fold")
    assert "Too thin" in f1.caveat
    dups = h["prevention_duplicate_pairs"]
    assert (dups.value, dups.n, dups.unit) == (0, 8, "pairs")   # a1-a8 have a WB6 country, a9 none
    # periods: before 2018 only a6 (fx1); 2018 onwards a3 (fx1), a4 a5 (fx2): fx2 2/3 < 0.8
    before, after = h["prevention_gap_index_before_split"], h["prevention_gap_index_from_split"]
    assert (before.value, before.n) == (-1.0, 1)
    assert before.caveat == ("Too thin (n = 1 < 5). 100% of the period's 1 prevention-tier activities come from "
                             "fx1 (source mix: fx1 1; a source dominates at 80%): comparing periods is largely "
                             "comparing documents. 2 undated prevention-tier activities are in neither period.")
    assert (after.value, after.n) == (-0.333, 3)
    assert after.caveat == "Too thin (n = 3 < 5). 2 undated prevention-tier activities are in neither period."
    from wbcti_analysis.headlines import record

    entries = record(heads)
    assert entries["prevention_gap_index_overall"]["value"] == -0.5 and entries["prevention_duplicate_pairs"]["n"] == 8


def test_headline_figures_reuse_the_results_passed(fixture_ds):
    gap = pv.gap_table(fixture_ds, "each", n_bootstrap=0)
    claim = pv.rr_claim_test(fixture_ds, "each")
    dups = pv.find_duplicates(fixture_ds, threshold=0.0, countries=list(pv.WB6))
    ev = pv.evaluate_tier_classifier(fixture_ds, seed=5)
    h = _heads(pv.headline_figures(fixture_ds, gap=gap, claim=claim, evaluation=ev, duplicates=dups, rule="each",
                                   duplicate_threshold=0.0))
    assert h["prevention_gap_index_overall"].value == round((2 - 6) / 8, 3)   # each: p 4, s 2, t 2
    assert "each count" in h["prevention_gap_index_overall"].label
    assert h["prevention_rr_share_external"].value == round(2 / 6, 3)
    assert h["prevention_duplicate_pairs"].value == len(dups) > 0
    assert "score >= 0.0" in h["prevention_duplicate_pairs"].label


def test_headline_caveats_when_a_source_points_the_other_way(make_package):
    # two more R&R activities from fx2, dated 2019 and 2020: fx2 now leans to R&R, the whole to prevention
    rows = [{"activity_id": f"t{i}", "title": f"Reintegration support {i}", "activity_type": "programme",
             "countries": "XK", "level": "national", "tiers": "tertiary", "themes": "rehabilitation_reintegration",
             "start_date": str(2018 + i), "status": "completed", "source_id": "fx2", "locator": "t"}
            for i in (1, 2)]
    ds = w.load(make_package({"activities": rows}, mode="append"))
    ev = pv.evaluate_tier_classifier(ds, seed=5)
    h = _heads(pv.headline_figures(ds, evaluation=ev, n_bootstrap=0))
    overall = h["prevention_gap_index_overall"]
    assert (overall.value, overall.n) == (-0.125, 8)   # p 3.5, s 1, t 3.5
    assert overall.caveat == ("By source the gap index points different ways (fx1 -1.000 (n = 2), fx2 +0.167 "
                              "(n = 6)): the overall lean to prevention reflects which activities each document "
                              "chose to describe as much as the work itself.")
    # 2018 onwards: a3 (fx1), a4 a5 t1 t2 (fx2): fx2 4 of 5 = 80 % dominates
    after = h["prevention_gap_index_from_split"]
    assert (after.value, after.n) == (0.2, 5)
    assert after.caveat.startswith("80% of the period's 5 prevention-tier activities come from fx2 "
                                   "(source mix: fx2 4, fx1 1;")


DOCTEST_MODULES = ["checks", "constants", "effort", "origins", "gap", "claims", "coverage", "duplicates",
                   "classifier", "headlines", "_example"]


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_examples_run(name):
    import doctest
    import importlib

    mod = importlib.import_module(f"wbcti_analysis.prevention.{name}")
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0


def test_plots_draw_into_a_given_axes(fixture_ds):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_prevention
    from wbcti_analysis.plots import prevention as pp

    assert plots_prevention.plot_gap_index is pp.plot_gap_index   # the old module re-exports
    fig, axes = plt.subplots(2, 3)
    calls = [
        lambda ax: pp.plot_tier_effort(pv.tier_effort(fixture_ds, by=("country",)), facet=None, ax=ax),
        lambda ax: pp.plot_gap_index(pv.gap_table(fixture_ds, n_bootstrap=20), ax=ax),
        lambda ax: pp.plot_coverage_heatmap(pv.coverage_matrix(fixture_ds), ax=ax),
        lambda ax: pp.plot_funding_by_tier(pv.funding_by_tier(fixture_ds), ax=ax),
        lambda ax: pp.plot_confusion_matrix(pd.DataFrame(), ax=ax),
        lambda ax: pp.plot_suggestions(pd.DataFrame(columns=["activity_id", "title", "suggested_tier",
                                                             "probability"]), ax=ax),
    ]
    for ax, call in zip(axes.flat, calls):
        assert call(ax) is fig
        assert ax.get_title(loc="left")
    assert not fig.texts   # no caption added to the caller's figure
    with pytest.raises(ValueError, match="ax: plot_tier_effort draws one panel per period"):
        pp.plot_tier_effort(pv.tier_effort(fixture_ds, by=("country", "period")), ax=axes[0, 0])
    plt.close(fig)


# ----------------------------------------------------------------------------- notebook


def test_notebook_runs_with_non_default_parameters(tmp_path):
    papermill = pytest.importorskip("papermill")
    out_dir = tmp_path / "out"
    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "nb.ipynb"), kernel_name="python3", cwd=str(NOTEBOOKS_DIR),
        progress_bar=False,
        parameters={"data_path": str(FIXTURE_DIR), "countries": ["XK"], "tier_rule": "each", "split_year": 2017,
                    "duplicate_threshold": 0.3, "n_bootstrap": 100, "seed": 1, "output_dir": str(out_dir)})
    gap = pd.read_csv(out_dir / "gap_index.csv")
    assert set(gap["country"]) == {"all", "XK"}
    xk = gap[(gap["country"] == "XK") & (gap["period"] == "all")].iloc[0]
    assert xk["gap"] == pytest.approx(0.0)   # each: p 1 (a6), s 1 (a2), t 2 (a2, a4)
    effort = pd.read_csv(out_dir / "tier_effort_country_period.csv")
    # split 2017: a6 (2017-11-07) now falls in "2017 onwards"
    row = effort[(effort["period"] == "2017 onwards") & (effort["tier"] == "primary")]
    assert row["activities"].sum() == 1.0
