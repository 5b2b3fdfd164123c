"""Key-findings builders of the four analyses, include_inferred, and the period/source limit."""
from __future__ import annotations

import pandas as pd
import pytest

from wbcti_analysis.findings import Finding
from wbcti_analysis.findings_support import evidence_counts, evidence_finding, period_source_limit
from wbcti_analysis.selection import EVIDENCE_TABLES, Selection


# --- include_inferred -------------------------------------------------------------------------------------------

def test_include_inferred_false_drops_only_inferred_rows(bundled_ds):
    before = evidence_counts(bundled_ds)
    stated = Selection(include_inferred=False).apply(bundled_ds)
    after = evidence_counts(stated)
    assert set(before) == set(EVIDENCE_TABLES)
    assert sum(c["inferred"] for c in before.values()) > 0
    for table in EVIDENCE_TABLES:
        assert after[table] == {"stated": before[table]["stated"], "inferred": 0}, table
    assert len(stated.activities) == len(bundled_ds.activities)


def test_include_inferred_default_keeps_every_row(fixture_ds):
    kept = Selection().apply(fixture_ds)
    for table in EVIDENCE_TABLES:
        assert len(kept.tables[table]) == len(fixture_ds.tables[table])
    funding = Selection(include_inferred=False).apply(fixture_ds).tables["funding"]
    assert len(funding) == len(fixture_ds.tables["funding"]) - 1  # the fixture's one inferred funding row
    assert Selection(include_inferred=False).describe() == "stated rows only"


def test_include_inferred_is_a_parameter_of_every_notebook():
    from wbcti_analysis import params

    for name, decl in params.DECLARATIONS.items():
        p = {q.name: q for q in decl.params}["include_inferred"]
        assert (p.type, p.default) == ("bool", True), name
        assert "include_inferred" in decl.selection, name


# --- shared sentences -------------------------------------------------------------------------------------------

def test_evidence_sentence_counts_each_kind():
    f = evidence_finding({"participations": {"stated": 8, "inferred": 2}, "relations": {"stated": 3, "inferred": 0}},
                         "the graph")
    assert f.text == ("Rows behind the graph: 10 participations rows (8 stated by a source, 2 inferred by the coders); "
                      "3 relations rows (3 stated by a source, 0 inferred by the coders).")
    assert f.n == 13
    assert evidence_finding({}, "x") is None


def test_period_comparison_of_bundled_data_is_a_comparison_of_documents(bundled_ds):
    from wbcti_analysis import prevention as pv

    acts = bundled_ds.activities
    f = period_source_limit(acts, pv.assign_periods(acts, 2018))
    assert f.kind == "limit"
    assert "93 % on the WBCTi report (2018) (76 activities)" in f.text
    assert "80 % on the RAN paper (2023) (25 activities)" in f.text
    assert f.n == 101


def test_no_limit_when_no_source_dominates():
    acts = pd.DataFrame({"source_id": ["a", "b"] * 4})
    assert period_source_limit(acts, pd.Series(["p1"] * 4 + ["p2"] * 4)) is None


# --- notebook 01 ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graph_results(bundled_ds):
    from wbcti_analysis import graphs as g

    cg = g.build_graphs(bundled_ds)
    G = cg.graph("union")
    metrics = g.actor_metrics(G, seed=42)
    ei = g.ei_index(G, "sector")
    test = g.sector_tie_test(G, sector=g.LAW_ENFORCEMENT, n_draws=200, seed=42,
                             combined={"frontline sectors (RAN)": list(g.FRONTLINE_SECTORS)})
    bridge = g.bridging(G, g.LAW_ENFORCEMENT, "policy_coordination")
    return metrics, g.graph_summary(G), ei, test, bridge


def test_graph_findings_on_bundled_data(graph_results, bundled_ds):
    from wbcti_analysis.graphs.findings import key_findings

    metrics, summary, ei, test, bridge = graph_results
    fs = key_findings(metrics, summary, ei, test, bridge=bridge, networks=["cti-network", "pcc-see-ctn"],
                      evidence=evidence_counts(bundled_ds, ("participations", "relations")),
                      combined_row="frontline sectors (RAN)")
    assert 3 <= len(fs) <= 6
    main = fs[0]
    assert main.text.startswith("Law enforcement bodies have 172 ties to other sectors against")
    assert "mid-p" in main.text and "(claim r-c-003)" in main.text and "E-I index is 0.764" in main.text
    assert main.n == 195
    bridge_f = next(f for f in fs if "w-c-003" in f.text)
    assert bridge_f.rows == ("cti-network", "pcc-see-ctn")
    assert "CTI Network lies on 3.4 %" in bridge_f.text
    broker = next(f for f in fs if "brokers most" in f.text)
    assert broker.rows == ("european-commission",)
    rows = next(f for f in fs if f.text.startswith("Rows behind"))
    assert "120 inferred by the coders" in rows.text


def test_tied_brokers_are_a_tie_not_a_pick():
    from wbcti_analysis.graphs.findings import key_findings

    metrics = pd.DataFrame({"actor_id": ["a", "b", "c"], "label": ["A", "B", "C"], "sector_brokerage": [5, 5, 1]})
    fs = key_findings(metrics, {"actors": 3, "ties": 2, "share_in_largest_component": 1.0}, None, None)
    tie = next(f for f in fs if "tie as the strongest brokers" in f.text)
    assert (tie.kind, tie.rows) == ("limit", ("a", "b"))
    assert tie.text.startswith("A and B tie")


def test_a_thin_test_is_a_limit():
    from wbcti_analysis.graphs.findings import key_findings

    test = pd.DataFrame({"other_sector": ["(all other sectors)"], "observed_ties": [2], "expected_ties": [2.0],
                         "p_fewer": [0.5], "verdict": ["too thin"]})
    test.attrs.update(thin=True, message="too thin: 1 law-enforcement actor", sector_ties=2)
    fs = key_findings(None, {"actors": 4, "ties": 3, "share_in_largest_component": 1.0}, None, test)
    assert fs[0].kind == "limit" and "too thin to decide" in fs[0].text


# --- notebook 02 ------------------------------------------------------------------------------------------------

def _funding_inputs(ds, min_n=3):
    from wbcti_analysis import funding as fd

    links = fd.funder_links(ds, include_participations=True, inherit=True)
    dep = {by: fd.dependency(ds, by=by, links=links, min_n=min_n) for by in ("all", "country", "tier")}
    return fd.coverage(ds, links), dep["all"], dep["country"], dep["tier"], fd.rank_funders(ds, links)


def test_funding_findings_report_the_six_country_tie(bundled_ds):
    from wbcti_analysis.funding.findings import key_findings

    fs = key_findings(*_funding_inputs(bundled_ds), evidence=evidence_counts(bundled_ds, ("funding",)))
    assert 3 <= len(fs) <= 6
    country = next(f for f in fs if "countries compared tie at the top" in f.text)
    assert country.kind == "limit"
    assert ("6 of the 6 countries compared tie at the top: external funders alone pay 100.0 % of the funded work of "
            "Albania, Bosnia and Herzegovina, Kosovo, Montenegro, North Macedonia and Serbia") in country.text
    assert fs[0].text.startswith("32.5 % of the 240 activities have at least one external funder")
    systemic = next(f for f in fs if f.text.startswith("If European Commission withdrew alone"))
    assert "45 of 240 activities" in systemic.text and systemic.rows == ("european-commission",)
    assert "15 stated by a source, 36 inferred by the coders" in fs[-1].text or any(
        "36 inferred" in f.text for f in fs)


def test_funding_findings_name_a_single_top_country(fixture_ds):
    from wbcti_analysis.funding.findings import key_findings

    fs = key_findings(*_funding_inputs(fixture_ds, min_n=1), min_n=1)
    assert all(isinstance(f, Finding) for f in fs)
    assert [f.kind for f in fs].count("finding") >= 2


# --- notebook 03 ------------------------------------------------------------------------------------------------

def test_prevention_findings_on_bundled_data(bundled_ds):
    from wbcti_analysis import prevention as pv
    from wbcti_analysis.prevention.findings import key_findings

    gap = pv.gap_table(bundled_ds, "fractional", 2018, n_bootstrap=0)
    gap_src = pv.gap_table(bundled_ds, "fractional", 2018, n_bootstrap=0, period_by="source")
    claim = pv.rr_claim_test(bundled_ds, "fractional")
    fs = key_findings(gap, gap_src, claim)
    assert fs[0].text.startswith("Over all 149 prevention-tier activities, prevention outweighs R&R: gap index -0.40")
    assert fs[0].n == 149
    by_source = fs[1]
    assert by_source.kind == "finding"  # both documents lean to prevention after the recoding
    assert "the WBCTi report (2018) -0.64 (85 activities" in by_source.text
    assert "the RAN paper (2023) -0.07 (64 activities" in by_source.text
    assert fs[2].text.startswith("Claim r-c-004") and "30.4 %" in fs[2].text


def test_opposite_documents_are_a_limit():
    from wbcti_analysis.prevention.findings import key_findings

    gap = pd.DataFrame({"country": ["all"], "period": ["all"], "n": [20], "gap": [-0.2]})
    src = pd.DataFrame({"country": ["all", "all"], "period": ["wbcti2018", "ran2023"], "n": [10, 10],
                        "gap": [-0.6, 0.3]})
    fs = key_findings(gap, src, {"verdict": ""})
    assert fs[1].kind == "limit" and fs[1].text.startswith("The two documents lean opposite ways")


# --- notebook 04 ------------------------------------------------------------------------------------------------

def test_mechanism_findings_on_bundled_data(bundled_ds):
    from wbcti_analysis import mechanisms as M
    from wbcti_analysis.mechanisms.findings import key_findings

    ids, feats = M.check_parameters(bundled_ds, [], [], "jaccard", 0.5, [], 3)
    heads = M.headline_figures(bundled_ds, ids, feats, min_compared=3)
    dist = M.mechanism_distances(bundled_ds, ids, feats, min_compared=3)
    clustering = M.cluster_mechanisms(dist, threshold=0.5)
    names = dict(zip(bundled_ds.mechanisms["mechanism_id"], bundled_ds.mechanisms["name"]))
    fs = key_findings(heads, clustering, names=names)
    assert fs[0].text.startswith("Cut at distance 0.5, the 23 mechanisms fall into 5 groups; the largest gathers 13")
    aarhus = next(f for f in fs if "closest to the Aarhus" in f.text)
    assert aarhus.kind == "limit" and "tie as closest" in aarhus.text
    assert aarhus.rows == ("mk-local-multidisciplinary-teams", "xk-local-prevention-reintegration-teams")
    justice = next(f for f in fs if f.text.startswith("Justice"))
    assert justice.kind == "limit" and "in 8 of 14" in justice.text and "0 stated absent" in justice.text


@pytest.mark.parametrize("source", ["wbcti2018", "ran2023"])
def test_within_source_view_keeps_one_document(bundled_ds, source):
    one = Selection(sources=[source]).apply(bundled_ds)
    assert set(one.activities["source_id"]) == {source}
    assert len(one.activities) == int((bundled_ds.activities["source_id"] == source).sum())
    acts = set(one.activities["activity_id"])
    assert set(one.tables["participations"]["activity_id"]) <= acts
    rel = one.tables["relations"]
    assert (rel["activity_id"].isin(acts) | (rel["activity_id"].isna() & (rel["source_id"] == source))).all()
