"""Coordination graphs: projections, metrics, brokerage, E-I, the permutation test, periods, exports.

Expected numbers are worked out by hand in the comments on small graphs.
"""
from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from conftest import FIXTURE_DIR, NOTEBOOKS_DIR

from wbcti_analysis import graphs as g
from wbcti_analysis.graphs.null_models import _swap_chain

NOTEBOOK = NOTEBOOKS_DIR / "01-coordination-graph.ipynb"


@pytest.fixture
def ds(fixture_ds):
    return fixture_ds


def _graph(edges, groups, levels=None):
    G = nx.Graph()
    for n, s in groups.items():
        G.add_node(n, sector=s, level=(levels or {}).get(n, "national"), label=n, name=n, country="")
    for e in edges:
        u, v = e[:2]
        wt = e[2] if len(e) > 2 else 1
        G.add_edge(u, v, weight=wt, count=wt)
    return G


@pytest.fixture
def star():
    """Broker b (sector X) with leaves a1, a2 (X), c1, c2 (Y), d1 (Z); c1 and c2 are tied."""
    groups = {"b": "X", "a1": "X", "a2": "X", "c1": "Y", "c2": "Y", "d1": "Z"}
    edges = [("b", "a1"), ("b", "a2"), ("b", "c1"), ("b", "c2"), ("b", "d1"), ("c1", "c2")]
    return _graph(edges, groups)


# ----------------------------------------------------------------------------- building


def test_projection_count_and_newman():
    part = pd.DataFrame({"actor_id": ["p", "q", "r", "p", "q", "p"],
                         "activity_id": ["A1", "A1", "A1", "A2", "A2", "A3"],
                         "role": ["lead", "participant", "funder", "lead", "partner", "lead"]})
    B = g.bipartite_graph(part)
    assert sorted(n for n, d in B.nodes(data=True) if d["bipartite"] == 1) == ["activity:A1", "activity:A2",
                                                                            "activity:A3"]
    P = g.project_actors(B, "count")
    # A1 = {p, q, r}, A2 = {p, q}; A3 = {p} alone adds nothing
    assert {tuple(sorted((u, v))): d["weight"] for u, v, d in P.edges(data=True)} == {
        ("p", "q"): 2, ("p", "r"): 1, ("q", "r"): 1}
    assert P["p"]["q"]["activities"] == "A1;A2"
    N = g.project_actors(B, "newman")
    # Newman: A1 has 3 actors -> 1/2 per pair, A2 has 2 -> 1
    assert N["p"]["q"]["weight"] == pytest.approx(1.5)
    assert N["p"]["r"]["weight"] == pytest.approx(0.5)
    assert N["p"]["q"]["count"] == 2
    ref = nx.bipartite.collaboration_weighted_projected_graph(B, ["p", "q", "r"])
    assert ref.number_of_edges() == N.number_of_edges() == 3
    for u, v, d in ref.edges(data=True):
        assert N[u][v]["weight"] == pytest.approx(d["weight"])
    # roles: leaving funders out removes r
    P2 = g.project_actors(g.bipartite_graph(part, roles=["lead", "participant", "partner"]))
    assert sorted(P2) == ["p", "q"] and P2["p"]["q"]["weight"] == 2
    with pytest.raises(ValueError, match="weighting: unknown value 'jaccard'; allowed: count, newman"):
        g.project_actors(B, "jaccard")


def test_actor_and_activity_may_share_an_id():
    # a centre coded both as an actor and as a programme (activity) of the same id
    part = pd.DataFrame({"actor_id": ["centre", "p", "q", "centre"], "activity_id": ["A1", "A1", "centre", "centre"],
                         "role": ["lead", "participant", "participant", "lead"]})
    B = g.bipartite_graph(part)
    assert B.nodes["centre"]["kind"] == "actor" and B.nodes["activity:centre"]["activity_id"] == "centre"
    P = g.project_actors(B)
    assert sorted(P) == ["centre", "p", "q"]
    assert P["centre"]["q"]["activities"] == "centre" and P["centre"]["p"]["activities"] == "A1"


def test_relations_and_union():
    rel = pd.DataFrame({"relation_id": ["r1", "r2", "r3", "r4"], "source_actor_id": ["p", "q", "x", "p"],
                        "relation_type": pd.Categorical(["member_of", "funds", "part_of", "chairs"]),
                        "target_actor_id": ["q", "p", "x", "z"]})
    R = g.relations_graph(rel)
    assert R["p"]["q"]["count"] == 2 and R["p"]["q"]["relation_types"] == "funds;member_of"
    assert not R.has_edge("x", "x")  # self-ties dropped
    P = nx.Graph()
    P.add_edge("p", "q", weight=0.5, count=1)
    P.add_edge("q", "r", weight=1.0, count=1)
    U = g.union_graph(P, R)
    assert U["p"]["q"]["weight"] == pytest.approx(2.5) and U["p"]["q"]["count"] == 3
    assert U["p"]["q"]["tie_kind"] == "both" and U["q"]["r"]["tie_kind"] == "co-participation"
    assert U["p"]["z"]["tie_kind"] == "stated"


def test_build_graphs_on_fixture(ds):
    cg = g.build_graphs(ds)
    # 12 actors all take part in something; relations add no new actor
    assert cg.union.number_of_nodes() == 12
    # xk-police and xk-social: a2 and a4 together, plus stated r06 (shares information)
    e = cg.union["xk-police"]["xk-social"]
    assert (e["co_participation"], e["stated"], e["count"], e["tie_kind"]) == (2, 1, 3, "both")
    assert cg.union.nodes["xk-police"]["sector"] == "law_enforcement"
    # a1 (4 actors) + a2 (6) + a3 (3) + a4 (4) + a5 (4) + a6 (2) + a7 (2) + a8 (2) overlap into 30 pairs
    assert cg.projection.number_of_edges() == 30
    assert cg.relations.number_of_edges() == 6
    # one stated tie (un-agency-xk part_of un-agency) is new: 31 in the union
    assert cg.union.number_of_edges() == 31
    # min_weight counts shared activities + stated relations
    strong = g.build_graphs(ds, min_weight=3)
    assert sorted(tuple(sorted(x)) for x in strong.union.edges()) == [("donor-a", "un-agency"),
                                                                     ("xk-police", "xk-social")]
    assert strong.union.number_of_nodes() == 12


def test_merge_parents_and_filters(ds):
    merged = g.build_graphs(ds, merge_parents=True)
    assert "un-agency-xk" not in merged.union and "un-agency" in merged.union
    assert merged.union.nodes["un-agency"]["members"] == "un-agency;un-agency-xk"
    # the part_of tie becomes a self-tie and is dropped
    assert not merged.union.has_edge("un-agency", "un-agency")
    # a2 (un-agency-xk implements) now ties un-agency to the Kosovo bodies
    assert merged.union.has_edge("un-agency", "xk-muni")
    xk = g.build_graphs(ds, countries=["XK"])
    # XK activities: a1, a2, a4, a6; relations without activity kept if one end is in XK (r03), r05 dropped
    assert "al-school" not in xk.union and "al-police" in xk.union
    assert xk.relations.has_edge("un-agency-xk", "un-agency") and not xk.relations.has_edge("donor-a", "un-agency")
    tiers = g.build_graphs(ds, tiers=["primary"])
    assert tiers.relations.number_of_edges() == 0  # no relation belongs to a primary activity


@pytest.mark.parametrize("kwargs, match", [
    ({"roles": ["boss"]}, "roles: unknown role 'boss'; the package has funder, lead, "),
    ({"countries": ["XX"]}, "countries: unknown country code 'XX'; the package has AL, XK"),
    ({"weighting": "jaccard"}, "weighting: unknown value 'jaccard'; allowed: count, newman"),
    ({"start_year": 2019, "end_year": 2016}, "start_year 2019 is after end_year 2016"),
    ({"tiers": ["quaternary"]}, "tiers: unknown tier 'quaternary'; the package has primary, "),
    ({"themes": ["astrology"]}, "themes: unknown theme 'astrology'; the package has "),
    ({"relation_types": ["loves"]}, "relation_types"),
    ({"min_weight": -1}, "min_weight: -1 is out of range; allowed: >= 0"),
    ({"min_weight": "heavy"}, "min_weight: wrong type: expected int, got str 'heavy'"),
    ({"start_year": 1066}, r"start_year: 1066 is out of range; allowed: 0 \(no bound\) or 1900 to 2100"),
])
def test_build_graphs_refuses_bad_arguments(ds, kwargs, match):
    with pytest.raises(ValueError, match=match):
        g.build_graphs(ds, **kwargs)


def test_parent_map_follows_chains_and_survives_cycles():
    actors = pd.DataFrame({"actor_id": ["a", "b", "c", "x", "y"], "parent_id": [None, "a", "b", "y", "x"]})
    m = g.parent_map(actors)
    assert m["c"] == "a" and m["b"] == "a" and m["a"] == "a"
    assert m["x"] in {"x", "y"}  # a cycle stops, no endless loop


# ----------------------------------------------------------------------------- metrics


def test_brokerage_roles_on_star(star):
    b = g.brokerage(star, "sector")
    # open pairs around b: {a1,a2} same group -> coordinator; 6 pairs of one X leaf and one Y/Z leaf ->
    # representative + gatekeeper each; {c1,c2} is closed (tied) -> nothing; {c1,d1},{c2,d1} -> liaison.
    # Each undirected open pair counts as two directed paths.
    assert b.loc["b", list(g.BROKERAGE_ROLES)].tolist() == [2, 6, 6, 0, 4]
    assert b.loc["b", "total"] == 18
    assert b.drop("b")["total"].sum() == 0  # c1: pair {b, c2} is closed
    # without the c1-c2 tie, c1 and c2 are an open Y pair around X broker b -> consultant 2
    star.remove_edge("c1", "c2")
    assert g.brokerage(star, "sector").loc["b", "consultant"] == 2


def test_brokerage_directed():
    D = nx.DiGraph()
    for n, s in {"a": "X", "b": "Y", "c": "Y", "d": "Z"}.items():
        D.add_node(n, sector=s)
    D.add_edges_from([("a", "b"), ("b", "c"), ("b", "d")])
    b = g.brokerage(D, "sector")
    # a->b->c: gatekeeper (a outside, b and c in Y); a->b->d: liaison (all different)
    assert b.loc["b", list(g.BROKERAGE_ROLES)].tolist() == [0, 1, 0, 0, 1]
    D.add_edge("a", "c")  # closes a->c
    assert g.brokerage(D, "sector").loc["b", "gatekeeper"] == 0


def test_bridging_police_and_policy_level():
    groups = {"p1": "law_enforcement", "p2": "law_enforcement", "net": "other", "m1": "policy_coordination",
              "m2": "policy_coordination", "x": "other"}
    G = _graph([("p1", "net"), ("p2", "net"), ("net", "m1"), ("net", "x"), ("x", "m2"), ("p1", "m1")], groups)
    b = g.bridging(G, "law_enforcement", "policy_coordination")
    # pairs: p1-m1 direct; p1-m2 via net, x; p2-m1 via net; p2-m2 via net, x -> net 3/4, x 2/4
    assert b.loc["net", "path_share"] == pytest.approx(0.75) and b.loc["x", "path_share"] == pytest.approx(0.5)
    assert b.loc["net", "path_rank"] == 1 and b.loc["p1", "path_share"] == 0
    # net's partners p2 and m1 are not tied (p1 and m1 are): one open pair
    assert b.loc["net", "open_pairs"] == 1 and b.attrs["connected_pairs"] == 4
    assert g.bridging(nx.Graph()).empty
    with pytest.raises(ValueError):
        g.bridging(G, "other", "other")


def test_actor_metrics_on_star(star):
    m = g.actor_metrics(star, seed=1).set_index("actor_id")
    assert m.loc["b", "degree"] == 5 and m.loc["b", "weighted_degree"] == 5.0
    # b lies on every shortest path between leaves except c1-c2: 9 of the 10 pairs, normalised by C(5,2)=10
    assert m.loc["b", "betweenness"] == pytest.approx(0.9)
    # effective size: 5 - 2 * 1 tie among alters / 5 = 4.6
    assert m.loc["b", "effective_size"] == pytest.approx(4.6)
    # constraint: c1 and c2 (0.2 + 0.2 * 0.5)^2 = 0.09 each, the three others 0.2^2 = 0.04
    assert m.loc["b", "constraint"] == pytest.approx(0.30)
    assert m.loc["b", "sector_brokerage"] == 16  # all roles but coordinator
    # b's own E-I: 3 partners outside X, 2 inside -> 0.2
    assert m.loc["b", "ei_sector"] == pytest.approx(0.2)
    assert m.index[0] == "b"  # sorted by sector brokerage
    assert m.loc["b", "eigenvector"] == m["eigenvector"].max()
    assert set(m["community"]) <= set(range(len(m)))
    # deterministic
    pd.testing.assert_frame_equal(g.actor_metrics(star, seed=1), g.actor_metrics(star, seed=1))
    assert g.actor_metrics(nx.Graph()).empty


def test_graph_summary_mixing_and_ei(star):
    star.add_node("z", sector="Z", level="local", label="z")  # an isolate
    s = g.graph_summary(star)
    assert (s["actors"], s["ties"], s["components"], s["isolates"], s["largest_component"]) == (7, 6, 2, 1, 6)
    assert s["density"] == pytest.approx(6 / 21)
    assert s["share_in_largest_component"] == pytest.approx(6 / 7)
    M = g.mixing_matrix(star, "sector")
    assert M.loc["X", "X"] == 2 and M.loc["X", "Y"] == 2 and M.loc["Y", "X"] == 2
    assert M.loc["X", "Z"] == 1 and M.loc["Y", "Y"] == 1 and M.loc["Z", "Z"] == 0
    ei = g.ei_index(star, "sector")
    # X: 2 inside, 3 out -> 0.2; Y: 1 inside, 2 out -> 1/3; Z: 0 inside, 1 out -> 1; all: 3 vs 3 -> 0
    assert ei.loc["X", "ei_index"] == pytest.approx(0.2)
    assert ei.loc["Y", "ei_index"] == pytest.approx(1 / 3)
    assert ei.loc["Z", "ei_index"] == pytest.approx(1.0)
    assert ei.loc["(all)", "ei_index"] == pytest.approx(0.0)
    assert ei.loc["Z", "actors"] == 2
    lv = g.mixing_matrix(star, "level")
    assert list(lv.index) == ["national", "local"]  # levels keep their order
    assert g.graph_summary(nx.Graph())["actors"] == 0


# ----------------------------------------------------------------------------- permutation test


def _planted(seed=0):
    """8 law-enforcement actors tied among themselves, 24 others in three sectors tied among
    themselves, and only 2 ties between law enforcement and the rest."""
    import random

    rnd = random.Random(seed)
    groups = {f"le{i}": "law_enforcement" for i in range(8)}
    for i in range(24):
        groups[f"o{i}"] = ["civil_society", "education", "social_welfare"][i % 3]
    le = [n for n in groups if n.startswith("le")]
    ot = [n for n in groups if n.startswith("o")]
    edges = set()
    for grp, p in ((le, 0.6), (ot, 0.3)):
        for i, u in enumerate(grp):
            for v in grp[i + 1:]:
                if rnd.random() < p:
                    edges.add((u, v))
    edges |= {("le0", "o0"), ("le1", "o1")}
    return _graph(sorted(edges), groups)


def test_permutation_test_detects_planted_deficit():
    G = _planted()
    res = g.sector_tie_test(G, n_draws=300, seed=3, early_stop=None)  # every draw (the early stop: test_scale.py)
    main = res.set_index("other_sector").loc["(all other sectors)"]
    assert main["observed_ties"] == 2
    assert main["expected_ties"] > 10
    assert main["p_fewer"] < 0.01 and main["verdict"] == "fewer than chance"
    assert main["n_draws"] == 300 and res.attrs["thin"] is False
    assert res.attrs["within_sector_ties"] > 5
    # same seed, same numbers
    pd.testing.assert_frame_equal(res, g.sector_tie_test(G, n_draws=300, seed=3, early_stop=None))
    # a combined row sums its sectors, observed and expected, from the same draws
    both = g.sector_tie_test(G, n_draws=300, seed=3, combined={"front": ["civil_society", "education"]})
    b = both.set_index("other_sector")
    assert list(both["other_sector"])[-2:] == ["front", "(all other sectors)"]
    assert b.loc["front", "observed_ties"] == b.loc["civil_society", "observed_ties"] + b.loc["education",
                                                                                                 "observed_ties"]
    assert b.loc["front", "expected_ties"] == pytest.approx(b.loc["civil_society", "expected_ties"]
                                                            + b.loc["education", "expected_ties"])
    assert b.loc["front", "actors"] == 16 and b.loc["front", "verdict"] == "fewer than chance"
    heads = {h.key: h for h in g.headline_figures(None, {"actors": 32}, None, both, combined_row="front")}
    assert heads["law_enforcement_test_verdict"].value == "fewer than chance"
    assert heads["law_enforcement_front_test_p_fewer"].value < 0.01
    with pytest.raises(ValueError, match="combined"):
        g.sector_tie_test(G, n_draws=5, combined={"x": ["law_enforcement"]})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_permutation_test_does_not_flag_random_graph(seed):
    import random

    rnd = random.Random(seed)
    R = nx.gnp_random_graph(40, 0.15, seed=seed)
    sectors = ["law_enforcement", "civil_society", "education", "social_welfare"]
    G = _graph(list(R.edges()), {n: rnd.choice(sectors) for n in R})
    res = g.sector_tie_test(G, n_draws=300, seed=seed)
    main = res.iloc[-1]
    assert main["verdict"] == "consistent with chance"
    assert 0.05 < main["p_fewer"] and 0.05 < main["p_more"]
    assert main["expected_ties"] == pytest.approx(main["observed_ties"], rel=0.35)


def test_results_do_not_depend_on_insertion_order():
    """Subgraph views visit nodes in hash order, which changes between processes: results must not."""
    import random

    G = _planted(1)
    nodes = list(G.nodes(data=True))
    edges = list(G.edges(data=True))
    random.Random(7).shuffle(nodes)
    random.Random(8).shuffle(edges)
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from((v, u, d) for u, v, d in edges)
    pd.testing.assert_frame_equal(g.actor_metrics(G, seed=5), g.actor_metrics(H, seed=5))
    pd.testing.assert_frame_equal(g.sector_tie_test(G, n_draws=50, seed=5), g.sector_tie_test(H, n_draws=50, seed=5))
    assert g.communities(G, seed=5) == g.communities(H, seed=5)


def test_permutation_test_says_too_thin():
    G = _graph([("le0", "a"), ("le1", "b"), ("a", "b"), ("b", "c")],
               {"le0": "law_enforcement", "le1": "law_enforcement", "a": "civil_society", "b": "education",
                "c": "education"})
    res = g.sector_tie_test(G, n_draws=50)
    assert res.attrs["thin"] is True
    assert res["verdict"].str.startswith("too thin").all()
    assert "2 law_enforcement actor(s)" in res.attrs["message"]
    assert res.iloc[-1]["observed_ties"] == 2
    empty = g.sector_tie_test(nx.Graph(), n_draws=10)
    assert empty.attrs["thin"] is True
    with pytest.raises(ValueError, match="n_draws: 0 is out of range"):
        g.sector_tie_test(G, n_draws=0)


def test_swap_chain_keeps_degrees():
    import numpy as np

    R = nx.gnm_random_graph(30, 80, seed=5)
    E = np.array(list(R.edges()))
    deg = np.bincount(E.ravel(), minlength=30)
    rng = np.random.default_rng(0)
    changed = False
    for Ed in _swap_chain(E, n_draws=5, thin=80, burn_in=100, rng=rng):
        assert (np.bincount(Ed.ravel(), minlength=30) == deg).all()
        pairs = {tuple(sorted(e)) for e in Ed.tolist()}
        assert len(pairs) == 80 and all(u != v for u, v in pairs)
        changed |= pairs != {tuple(sorted(e)) for e in E.tolist()}
    assert changed


def test_test_by_country_on_fixture(ds):
    res = g.sector_tie_test_by_country(ds, countries=["XK", "ME"], n_draws=20)
    assert list(res["country"]) == ["XK", "ME"]
    assert res["verdict"].str.startswith("too thin").all()  # one police body per country in the fixture
    assert res.set_index("country").loc["XK", "sector_actors"] == 1


# ----------------------------------------------------------------------------- periods and exports


def test_periods(ds):
    assert g.period_bounds([2018]) == [("up to 2017", None, 2017), ("2018 onwards", 2018, None)]
    assert g.period_bounds(2018, start_year=2015, end_year=2023) == [("2015-2017", 2015, 2017),
                                                                    ("2018-2023", 2018, 2023)]
    with pytest.raises(ValueError, match=r"split_year 2014 must come after the first year of the first period "
                                         r"\(max\(start_year, period_start\) = 2015\)"):
        g.period_bounds([2014], start_year=2015)
    pg = g.period_graphs(ds, 2018)
    assert list(pg) == ["up to 2017", "2018 onwards"]
    cmp = g.compare_periods(pg)
    change = cmp["actors"].set_index("actor_id")["change"]
    # police network meetings (a1, 2015-2017) only in the first period; youth project (2019) only in the second
    assert change["regional-net"] == "vanishes" and change["al-ministry"] == "appears"
    assert change["xk-police"] == "stays"
    assert "xk-muni" not in change.index  # a2 is undated: in no period
    assert cmp["summary"].loc["up to 2017", "law_enforcement_actors"] == 3
    assert {"degree_change", "betweenness_change"} <= set(cmp["movers"].columns)


def test_export_is_graphml_safe(ds, tmp_path):
    cg = g.build_graphs(ds)
    m = g.actor_metrics(cg.union)
    paths = g.export_graph(cg.union, tmp_path, "union", metrics=m)
    assert paths["graphml"].is_file() and paths["gexf"].is_file()
    H = nx.read_graphml(paths["graphml"])
    assert H.number_of_nodes() == 12 and H.number_of_edges() == 31
    d = H.nodes["regional-net"]
    assert d["sector"] == "law_enforcement" and isinstance(d["degree"], int)
    assert d["country"] == ""  # empty, not None
    # constraint is a float for everyone here; a NaN would be written as ""
    for _, dd in H.nodes(data=True):
        assert all(isinstance(v, (str, int, float)) for v in dd.values())
    nx.read_gexf(paths["gexf"])
    G = nx.Graph()
    G.add_node("a", x=float("nan"), flag=True, tags=("p", "q"), nothing=None)
    G.add_node("b", x=1.5, flag=False, tags=(), nothing=None)
    S = g.graphml_safe(G)
    assert S.nodes["a"] == {"x": "", "flag": 1, "tags": "p;q", "nothing": ""}
    assert S.nodes["b"]["x"] == "1.5"  # mixed with "" -> strings for the whole key


# ----------------------------------------------------------------------------- plots and notebook


def test_plots_do_not_crash_on_thin_data(star):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_graphs as pg

    figs = [pg.draw_network(star, seed=1), pg.draw_network(nx.Graph()),
            pg.plot_mixing_heatmap(g.mixing_matrix(star)), pg.plot_mixing_heatmap(g.mixing_matrix(nx.Graph())),
            pg.plot_sector_test(g.sector_tie_test(_planted(), n_draws=20)),
            pg.plot_sector_test(g.sector_tie_test(nx.Graph(), n_draws=5))]
    assert all(f.axes for f in figs)
    for f in figs:
        plt.close(f)


def test_notebook_declares_its_parameters():
    papermill = pytest.importorskip("papermill")
    params = papermill.inspect_notebook(str(NOTEBOOK))
    wanted = {"data_path", "countries", "start_year", "end_year", "tiers", "roles", "weighting", "merge_parents",
              "min_weight", "n_draws", "split_year", "seed", "output_dir"}
    assert wanted <= set(params)
    assert all(p["help"] for p in params.values())  # every parameter has its help comment


def test_notebook_runs_with_non_default_parameters(tmp_path):
    papermill = pytest.importorskip("papermill")
    if not NOTEBOOK.is_file():
        pytest.skip("notebook not written yet")
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", cwd=str(NOTEBOOK.parent),
                               progress_bar=False,
                               parameters={"data_path": str(FIXTURE_DIR), "countries": ["XK"], "weighting": "newman",
                                           "merge_parents": True, "roles": ["lead", "implementer", "participant",
                                                                            "partner"],
                                           "n_draws": 50, "output_dir": str(tmp_path / "exports"),
                                           "split_year": 2019, "start_year": 2015, "end_year": 2023})
    assert (tmp_path / "exports" / "coordination-union.graphml").is_file()
    assert (tmp_path / "exports" / "actor-metrics.csv").is_file()


# ----------------------------------------------------------------------------- new pieces of the split


def test_effective_size_weighted_by_hand():
    """Burt's effective size on a small weighted graph, worked by hand.

    Ties (weights): e-a 2, e-b 1, e-c 1, a-b 1, b-d 3.
    Ego e: strength 4, so p_ea = 2/4 = 0.5, p_eb = 1/4, p_ec = 1/4.
      alter a: redundancy = p_eb * m_ab, m_ab = w_ab / (a's strongest tie: e-a = 2) = 1/2 -> 0.25 * 0.5 = 0.125
      alter b: redundancy = p_ea * m_ba, m_ba = w_ab / (b's strongest tie: b-d = 3) = 1/3 -> 0.5 / 3 = 1/6
      alter c: tied to no other alter -> 0
      e(e) = 3 - 0.125 - 1/6 = 2.708333...
    (Scaling m_ba by a's maximum instead of b's, as networkx 3.6's vectorised path does, gives
    3 - 0.125 - 0.25 = 2.625 for that term: the test would catch it.)
    Ego a: strength 3, p_ae = 2/3, p_ab = 1/3.
      alter e: p_ab * m_eb, m_eb = 1 / (e's strongest: 2) = 1/2 -> 1/6
      alter b: p_ae * m_be, m_be = 1 / (b's strongest: 3) = 1/3 -> 2/9
      e(a) = 2 - 1/6 - 2/9 = 29/18
    Ego b: strength 5, p_be = 1/5, p_ba = 1/5, p_bd = 3/5.
      alter e: p_ba * m_ea, m_ea = 2 / 2 = 1 -> 1/5
      alter a: p_be * m_ae, m_ae = 2 / 2 = 1 -> 1/5
      alter d: tied to no other alter -> 0
      e(b) = 3 - 2/5 = 2.6
    Pendants c and d: one partner, no redundancy -> 1.
    """
    G = nx.Graph()
    G.add_weighted_edges_from([("e", "a", 2), ("e", "b", 1), ("e", "c", 1), ("a", "b", 1), ("b", "d", 3)])
    G.add_node("lonely")
    eff = g.effective_size(G)
    assert eff["e"] == pytest.approx(3 - 0.125 - 1 / 6)
    assert eff["a"] == pytest.approx(29 / 18)
    assert eff["b"] == pytest.approx(2.6)
    assert eff["c"] == eff["d"] == pytest.approx(1.0)
    assert eff["lonely"] != eff["lonely"]  # NaN for an isolate
    # actor_metrics uses it
    nx.set_node_attributes(G, "X", "sector")
    m = g.actor_metrics(G).set_index("actor_id")
    assert m.loc["e", "effective_size"] == pytest.approx(2.708333, abs=1e-6)


@pytest.mark.parametrize("n_nodes, n_edges, seed", [(12, 20, 1), (25, 60, 2), (8, 28, 3)])
def test_effective_size_unweighted_is_borgatti(n_nodes, n_edges, seed):
    # without weights Burt's formula reduces to n - 2t/n (n partners, t ties among them)
    G = nx.gnm_random_graph(n_nodes, n_edges, seed=seed)
    eff = g.effective_size(G, weight=None)
    for v in G:
        n = G.degree(v)
        if n == 0:
            continue
        t = G.subgraph(G[v]).number_of_edges()
        assert eff[v] == pytest.approx(n - 2 * t / n)


def test_mid_p_is_calibrated_on_random_labels():
    """On null data (a G(n, m) graph is uniform given its degrees; sectors drawn at random) the
    "fewer than chance" p-value must reject at about the nominal 5 %. The classic
    (1 + #as extreme) / (1 + N) rejected at about 2 % here; the mid-p at about 5-6 %."""
    import random

    sectors = ["law_enforcement", "civil_society", "education", "social_welfare"]
    decided = rejected = 0
    for r in range(300):
        rnd = random.Random(r)
        R = nx.gnm_random_graph(20, 40, seed=1000 + r)
        G = _graph([(f"n{u:02d}", f"n{v:02d}") for u, v in R.edges()],
                   {f"n{n:02d}": rnd.choice(sectors) for n in R})
        res = g.sector_tie_test(G, n_draws=99, seed=r)
        if res.attrs["thin"]:
            continue
        decided += 1
        rejected += res.iloc[-1]["p_fewer"] < 0.05
    assert decided > 250
    assert 0.02 <= rejected / decided <= 0.09


@pytest.mark.parametrize("null, observed, alternative, expected", [
    ([1, 2, 2, 3, 4, 4, 5, 6, 7], 2, "less", (1 + 3 / 2) / 10),
    ([1, 2, 2, 3, 4, 4, 5, 6, 7], 2, "greater", (6 + 3 / 2) / 10),
    ([5, 5, 5, 5], 5, "less", (0 + 5 / 2) / 5),  # all tied: 0.5, not 1
    ([5, 6, 7], 4, "less", (0 + 1 / 2) / 4),  # nothing as small: the smallest possible p
    ([0.1, 0.2, 0.3], 0.2 + 1e-12, "greater", (1 + 2 / 2) / 4),  # equal within eps
])
def test_mid_p_value_table(null, observed, alternative, expected):
    from wbcti_analysis.stats.permutation import mid_p_value

    assert mid_p_value(null, observed, alternative) == pytest.approx(expected)


@pytest.mark.parametrize("kwargs, match", [
    ({"null": [1, 2], "observed": 1, "alternative": "two-sided"}, "alternative must be one of"),
    ({"null": [], "observed": 1}, "at least one draw"),
])
def test_mid_p_value_refuses(kwargs, match):
    from wbcti_analysis.stats.permutation import mid_p_value

    with pytest.raises(ValueError, match=match):
        mid_p_value(**kwargs)


@pytest.mark.parametrize("external, internal, expected", [(3, 2, 0.2), (0, 4, -1.0), (2, 0, 1.0), (1.5, 0.5, 0.5)])
def test_stats_ei_index(external, internal, expected):
    from wbcti_analysis.stats.ei import ei_index

    assert ei_index(external, internal) == pytest.approx(expected)


def test_stats_ei_index_edge_cases():
    from wbcti_analysis.stats.ei import ei_index

    assert ei_index(0, 0) != ei_index(0, 0)  # NaN
    with pytest.raises(ValueError, match="external and internal"):
        ei_index(-1, 2)


def test_node_ei_index(star):
    ei = g.node_ei_index(star, "sector")
    # b: partners a1, a2 (X, inside) and c1, c2, d1 outside -> (3 - 2) / 5; c1: b outside, c2 inside -> 0
    assert ei["b"] == pytest.approx(0.2) and ei["c1"] == pytest.approx(0.0) and ei["d1"] == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_draws": 0}, "n_draws: 0 is out of range; allowed: >= 1"),
    ({"n_draws": 2.5}, "n_draws: wrong type: expected int, got float 2.5"),
    ({"n_draws": True}, "n_draws: wrong type: expected int, got bool True"),
    ({"seed": "x"}, "seed: wrong type: expected int, got str 'x'"),
    ({"alpha": 0}, "alpha: 0 is out of range; allowed: strictly between 0 and 1"),
    ({"alpha": 1.5}, "alpha: 1.5 is out of range; allowed: strictly between 0 and 1"),
    ({"combined": {"x": ["law_enforcement"]}}, "must not contain the tested sector"),
])
def test_sector_tie_test_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        g.sector_tie_test(_planted(), **{"n_draws": 5, **kwargs})


def test_build_graphs_takes_a_selection(ds):
    from wbcti_analysis.selection import Selection

    by_sel = g.build_graphs(ds, Selection(countries=["XK"], roles=["lead", "participant"]), weighting="newman")
    by_kw = g.build_graphs(ds, countries=["XK"], roles=["lead", "participant"], weighting="newman")
    assert by_sel.params == by_kw.params
    assert sorted(by_sel.union.edges()) == sorted(by_kw.union.edges())
    assert by_sel.params["countries"] == ["XK"] and by_sel.params["roles"] == ["lead", "participant"]
    # a keyword replaces the selection's field; a dict is read as a selection
    over = g.build_graphs(ds, Selection(countries=["XK"]), countries=["AL"])
    assert over.params["countries"] == ["AL"]
    assert g.build_graphs(ds, {"countries": ["XK"], "seed": 1}).params["countries"] == ["XK"]
    with pytest.raises(TypeError, match="selection must be"):
        g.build_graphs(ds, ["XK"])
    with pytest.raises(ValueError, match=r"countries: unknown country code 'xk'; the package has AL, XK "
                                         r"\(values are case-sensitive: 'xk' -> 'XK'\)"):
        g.build_graphs(ds, Selection(countries=["xk"]))


def test_headline_figures_are_headlines(star):
    from wbcti_analysis.headlines import Headline

    G = _planted()
    test = g.sector_tie_test(G, n_draws=50, seed=3)
    heads = g.headline_figures(g.actor_metrics(G), g.graph_summary(G), g.ei_index(G), test)
    assert all(isinstance(h, Headline) for h in heads)
    by = {h.key: h for h in heads}
    assert list(by) == ["graph_actors", "graph_ties", "share_in_largest_component", "top_cross_sector_broker",
                        "ei_index_law_enforcement", "law_enforcement_test_p_fewer", "law_enforcement_test_verdict"]
    assert by["graph_actors"].value == 32 and by["graph_actors"].n == 32
    # E-I rests on the ties touching law enforcement: within + 2 outside
    assert by["ei_index_law_enforcement"].n == test.attrs["sector_ties"]
    assert by["law_enforcement_test_p_fewer"].n == test.attrs["sector_ties"]
    assert "mid-p from 50" in by["law_enforcement_test_p_fewer"].caveat
    # a tie for the top broker is reported as a tie
    metrics = pd.DataFrame({"label": ["A", "B", "C"], "sector_brokerage": [4, 4, 1]})
    top = {h.key: h for h in g.headline_figures(metrics, {"actors": 3}, None, None)}["top_cross_sector_broker"]
    assert top.value == "A" and top.caveat.startswith("tied with B")
    # nothing to report: None values, no error, thin caveat
    thin = g.sector_tie_test(nx.Graph(), n_draws=5)
    empty = {h.key: h for h in g.headline_figures(None, {}, None, thin)}
    assert empty["law_enforcement_test_p_fewer"].value is None
    assert empty["law_enforcement_test_p_fewer"].caveat.startswith("Too thin")


def test_plots_draw_into_given_axes(star):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis.plots import graphs as pgr

    fig, axes = plt.subplots(2, 3)
    assert pgr.draw_network(star, seed=1, ax=axes[0, 0]) is fig
    assert pgr.plot_mixing_heatmap(g.mixing_matrix(star), ax=axes[0, 1]) is fig
    assert pgr.plot_sector_test(g.sector_tie_test(_planted(), n_draws=20), ax=axes[0, 2]) is fig
    assert pgr.draw_network(nx.Graph(), ax=axes[1, 0]) is fig
    summary = pd.DataFrame({"density": [0.1, 0.2], "actors": [5, 7]}, index=["p1", "p2"])
    assert pgr.plot_period_summary(summary, columns=("density", "actors"), ax=axes[1, 1:]) is fig
    assert axes[0, 0].get_title() == "Coordination graph" and axes[1, 1].get_title() == "density"
    plt.close(fig)


def test_public_names_and_light_import():
    import ast
    import subprocess
    import sys

    from conftest import ROOT

    from wbcti_analysis import plots_graphs

    for name in g.__all__:
        assert getattr(g, name) is not None
    for name in plots_graphs.__all__:
        assert getattr(plots_graphs, name) is not None
    # every module of the package stays under 500 lines
    for path in (ROOT / "src" / "wbcti_analysis" / "graphs").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") <= 500, path.name
        ast.parse(text)
    code = ("import sys, wbcti_analysis, wbcti_analysis.graphs as g; "
            "print('networkx' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


# ----------------------------------------------------------------------------- scale (issue 14)


def test_eigenvector_per_component_agrees_with_power_iteration():
    # a connected weighted graph above the dense threshold (Lanczos path) and a small one (dense path)
    for n_nodes, seed in ((150, 4), (30, 5)):
        R = nx.connected_watts_strogatz_graph(n_nodes, 6, 0.3, seed=seed)
        for i, (u, v) in enumerate(sorted(R.edges())):
            R[u][v]["weight"] = 1 + i % 3
        ref = nx.eigenvector_centrality(R, max_iter=5000, tol=1e-12, weight="weight")
        ours = g.eigenvector_centrality(R)
        assert max(abs(ref[x] - ours[x]) for x in R) < 1e-8
    # bipartite component (eigenvalues +-lambda): the positive Perron vector, not the alternating one
    star = g.eigenvector_centrality(nx.star_graph(4))
    assert star[0] == pytest.approx(2 ** -0.5) and star[1] == pytest.approx(2 ** -0.5 / 2)


def test_eigenvector_with_repeated_leading_eigenvalue():
    # two identical 4-cliques (leading eigenvalue 3, twice) and a path (smaller eigenvalue), plus an isolate
    G = nx.disjoint_union_all([nx.complete_graph(4), nx.complete_graph(4), nx.path_graph(5)])
    G.add_node(99)
    ev = g.eigenvector_centrality(G, weight=None)
    # the uniform start's projection on the eigenspace: 8 equal entries of 1/sqrt(8), zero elsewhere
    assert all(ev[x] == pytest.approx(8 ** -0.5) for x in range(8))
    assert all(ev[x] == 0 for x in range(8, 13)) and ev[99] == 0
    comp = g.eigenvector_centrality(G, weight=None, scope="component")
    assert comp[0] == pytest.approx(0.5)  # unit norm inside each clique
    assert sum(comp[x] ** 2 for x in range(8, 13)) == pytest.approx(1.0)  # and inside the path
    # a near-tie: the first clique's leading eigenvalue is larger by about 1e-4, so the exact
    # eigenvector lives on it alone; power iteration (networkx's defaults) stops while the two
    # cliques still share the weight half and half, a wrong answer without an error
    H = nx.disjoint_union(nx.complete_graph(30), nx.complete_graph(30))
    nx.set_edge_attributes(H, 1.0, "weight")
    H[0][1]["weight"] = 1.001
    power = nx.eigenvector_centrality(H, weight="weight")
    assert sum(power[x] ** 2 for x in range(30, 60)) == pytest.approx(0.5, abs=1e-3)
    ours = g.eigenvector_centrality(H)
    assert sum(ours[x] ** 2 for x in range(30)) == pytest.approx(1.0)
    assert all(ours[x] == 0 for x in range(30, 60))
    with pytest.raises(ValueError, match="scope must be"):
        g.eigenvector_centrality(G, scope="world")


def test_betweenness_exact_below_threshold_and_sampled_above():
    R = nx.connected_watts_strogatz_graph(120, 4, 0.2, seed=2)
    exact = nx.betweenness_centrality(R, normalized=True)
    assert g.betweenness_centrality(R) == exact  # 120 <= default exact_max
    # above the threshold with every node as a source: exact again
    full = g.betweenness_centrality(R, exact_max=50, k=120)
    assert max(abs(full[x] - exact[x]) for x in R) < 1e-12
    # a 40-source sample: seeded, close to exact, same top actor region
    s1 = g.betweenness_centrality(R, seed=1, exact_max=50, k=40)
    assert s1 == g.betweenness_centrality(R, seed=1, exact_max=50, k=40)
    import numpy as np

    x = np.array([exact[n] for n in R])
    y = np.array([s1[n] for n in R])
    assert np.corrcoef(x, y)[0, 1] > 0.8
    with pytest.raises(ValueError, match="k must be a positive int"):
        g.betweenness_centrality(R, k=0)
    # actor_metrics passes the parameters through
    G = _planted()
    m_exact = g.actor_metrics(G, seed=5)
    m_full = g.actor_metrics(G, seed=5, betweenness_exact_max=10, betweenness_k=G.number_of_nodes())
    assert m_full["betweenness"].to_numpy() == pytest.approx(m_exact["betweenness"].to_numpy())


def test_build_graphs_on_a_made_package(make_package):
    """A new Albanian activity (2021): police lead, a school takes part, the ministry funds."""
    import wbcti_analysis as w
    from wbcti_analysis.selection import Selection

    folder = make_package({
        "activities": [{"activity_id": "a10", "title": "School safety pilot", "activity_type": "project",
                        "countries": "AL", "level": "local", "tiers": "secondary", "themes": "education",
                        "start_date": "2021", "end_date": "2021", "status": "completed",
                        "description": "Fictional pilot.", "source_id": "fx1", "locator": "s9"}],
        "participations": [
            {"participation_id": "p90", "actor_id": "al-police", "activity_id": "a10", "role": "lead",
             "source_id": "fx1", "locator": "s9"},
            {"participation_id": "p91", "actor_id": "al-school", "activity_id": "a10", "role": "participant",
             "source_id": "fx1", "locator": "s9"},
            {"participation_id": "p92", "actor_id": "al-ministry", "activity_id": "a10", "role": "funder",
             "source_id": "fx1", "locator": "s9"}],
    }, mode="append")
    ds = w.load(folder)
    full = g.build_graphs(ds)
    # al-police (a1, a7) and al-school (a3, a5, a8) shared nothing before a10
    assert full.projection["al-police"]["al-school"]["activities"] == "a10"
    assert full.projection.has_edge("al-police", "al-ministry")
    # two new ties (police-school, police-ministry); school and ministry already share a5, now a5 and a10
    assert full.projection.number_of_edges() == 30 + 2
    assert full.projection["al-ministry"]["al-school"]["activities"] == "a10;a5"
    recent = g.build_graphs(ds, Selection(countries=["AL"], start_year=2021, keep_undated=False,
                                          roles=["lead", "participant"]))
    assert sorted(recent.projection.edges()) == [("al-police", "al-school")]
    assert "al-ministry" not in recent.union  # only a funder of a10: left out with the roles
