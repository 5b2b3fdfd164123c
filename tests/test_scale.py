"""Approximations that make the analyses scale agree with the exact results on small data (issue 14)."""
from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from wbcti_analysis import graphs as g
from wbcti_analysis.graphs.rewiring import batched_swap_chain, pick_chain, swap_chain
from wbcti_analysis.progress import progress_bar, progress_enabled
from wbcti_analysis.stats.sequential import side_counts, verdict_settled

SECTORS = ["law_enforcement", "civil_society", "education", "social_welfare"]


def _labelled(R, seed, deficit=False):
    rnd = random.Random(seed)
    G = nx.Graph()
    for n in R:
        G.add_node(f"n{n:03d}", sector=rnd.choice(SECTORS), label=str(n), level="national")
    G.add_edges_from((f"n{u:03d}", f"n{v:03d}", {"weight": 1.0}) for u, v in R.edges())
    if deficit:  # rewire law enforcement's outside ties inward
        le = [n for n, d in G.nodes(data=True) if d["sector"] == "law_enforcement"]
        for u, v in list(G.edges()):
            if (G.nodes[u]["sector"] == "law_enforcement") != (G.nodes[v]["sector"] == "law_enforcement"):
                if rnd.random() < 0.7:
                    G.remove_edge(u, v)
        G.add_edges_from((a, b, {"weight": 1.0}) for a in le for b in le if a < b and rnd.random() < 0.3)
    return G


@pytest.mark.parametrize("seed, deficit", [(1, False), (2, False), (3, True)])
def test_batched_chain_agrees_with_sequential(seed, deficit):
    G = _labelled(nx.gnm_random_graph(120, 400, seed=seed), seed, deficit)
    seq = g.sector_tie_test(G, n_draws=400, seed=seed, chain="sequential", early_stop=None).set_index("other_sector")
    bat = g.sector_tie_test(G, n_draws=400, seed=seed, chain="batched", early_stop=None).set_index("other_sector")
    assert seq.attrs["chain"] == "sequential" and bat.attrs["chain"] == "batched"
    for row in seq.index:
        s, b = seq.loc[row], bat.loc[row]
        assert s["observed_ties"] == b["observed_ties"]
        spread = (s["null_high"] - s["null_low"]) / 4 + 0.5  # about one standard deviation of the null
        assert abs(s["expected_ties"] - b["expected_ties"]) < 0.35 * spread, row
        assert abs(s["null_low"] - b["null_low"]) <= spread and abs(s["null_high"] - b["null_high"]) <= spread, row
    assert seq.loc["(all other sectors)", "verdict"] == bat.loc["(all other sectors)", "verdict"]
    assert (bat.loc["(all other sectors)", "verdict"] == "fewer than chance") == deficit


def test_batched_chain_keeps_degrees_and_simple_graph():
    E = np.array(nx.barabasi_albert_graph(300, 3, seed=4).edges())
    deg = np.bincount(E.ravel(), minlength=300)
    moved = 0
    for d in batched_swap_chain(E, 10, len(E), 5 * len(E), np.random.default_rng(1)):
        assert (np.bincount(d.ravel(), minlength=300) == deg).all()
        assert (d[:, 0] != d[:, 1]).all()
        assert len({(min(u, v), max(u, v)) for u, v in d.tolist()}) == len(E)
        moved = len({(min(u, v), max(u, v)) for u, v in E.tolist()} - {(min(u, v), max(u, v)) for u, v in d.tolist()})
    assert moved > len(E) // 2  # well mixed after 15 swaps per tie
    seq_last = [x.copy() for x in swap_chain(E, 1, 10, 10, np.random.default_rng(1))][-1]
    assert (np.bincount(seq_last.ravel(), minlength=300) == deg).all()


@pytest.mark.parametrize("n_ties, chain, expected", [(200, "auto", "sequential"), (300, "auto", "batched"),
                                                     (5000, "sequential", "sequential"), (10, "batched", "batched")])
def test_pick_chain(n_ties, chain, expected):
    assert pick_chain(chain, n_ties) == expected


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_early_stop_gives_the_full_runs_verdict(seed):
    G = _labelled(nx.gnm_random_graph(120, 400, seed=seed), seed, deficit=seed % 2 == 1)
    full = g.sector_tie_test(G, n_draws=1000, seed=seed, early_stop=None)
    early = g.sector_tie_test(G, n_draws=1000, seed=seed)
    assert full.attrs["n_draws"] == 1000 and full.attrs["stopped_early"] is False
    assert early.attrs["n_draws_max"] == 1000
    assert early.iloc[-1]["verdict"] == full.iloc[-1]["verdict"]
    if seed % 2 == 1:  # a clear deficit: settled at the second look
        assert early.attrs["stopped_early"] is True and early.iloc[-1]["n_draws"] == 200
        assert "stopped early of 1000 once the verdict was settled" in early.attrs["message"]
        assert early.iloc[-1]["p_fewer"] < 0.01
    # the first draws are the same draws: the stopped test is a prefix of the full one
    n = early.attrs["n_draws"]
    again = g.sector_tie_test(G, n_draws=n, seed=seed, early_stop=None)
    assert again.iloc[-1]["expected_ties"] == pytest.approx(early.iloc[-1]["expected_ties"])
    every = g.sector_tie_test(G, n_draws=1000, seed=seed, early_stop="all")
    assert every.attrs["n_draws"] >= n


@pytest.mark.parametrize("kwargs, match", [({"chain": "fast"}, "chain must be one of auto, batched, sequential"),
                                           ({"early_stop": "yes"}, "early_stop must be 'main', 'all' or None")])
def test_bad_chain_or_stop(kwargs, match):
    G = _labelled(nx.gnm_random_graph(30, 60, seed=1), 1)
    with pytest.raises(ValueError, match=match):
        g.sector_tie_test(G, n_draws=10, **kwargs)


@pytest.mark.parametrize("strict, ties, n, expected", [(0, 0, 135, True), (0, 0, 100, False), (0, 10, 200, False),
                                                       (40, 5, 200, True), (10, 0, 200, False), (200, 0, 200, True)])
def test_verdict_settled(strict, ties, n, expected):
    assert bool(verdict_settled(strict, ties, n, 0.05)) is expected


def test_side_counts():
    null = np.array([[1, 5], [2, 5], [3, 6]])
    strict, ties = side_counts(null, np.array([2, 5]), "greater")
    assert strict.tolist() == [1, 1] and ties.tolist() == [1, 2]
    with pytest.raises(ValueError, match="alternative must be 'less' or 'greater'"):
        side_counts(null, 1, "both")


def test_progress_rules(monkeypatch, capsys):
    monkeypatch.setenv("WBCTI_PROGRESS", "0")
    assert progress_enabled() is False and progress_enabled(True) is True
    monkeypatch.setenv("WBCTI_PROGRESS", "1")
    assert progress_enabled() is True and progress_enabled(False) is False
    monkeypatch.delenv("WBCTI_PROGRESS")
    assert progress_enabled() is False  # pytest's stderr is not a terminal
    G = _labelled(nx.gnm_random_graph(60, 150, seed=2), 2)
    g.sector_tie_test(G, n_draws=20, seed=1, progress=True)
    assert "rewirings" in capsys.readouterr().err
    g.sector_tie_test(G, n_draws=20, seed=1)
    assert capsys.readouterr().err == ""
    with progress_bar(total=2, progress=False) as bar:
        bar.update(2)
    assert bar.n == 2


def _offsets(fig):
    from matplotlib.collections import PathCollection

    return np.concatenate([c.get_offsets() for c in fig.axes[0].collections if isinstance(c, PathCollection)])


def test_drawing_unchanged_below_max_nodes():
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_graphs as pg

    G = _labelled(nx.gnm_random_graph(60, 120, seed=3), 3)
    a = pg.draw_network(G, seed=2)
    b = pg.draw_network(G, seed=2, max_nodes=None)
    assert np.allclose(_offsets(a), _offsets(b))
    assert a.texts[-1].get_text() == b.texts[-1].get_text() and "square" not in a.texts[-1].get_text()
    plt.close("all")


def test_drawing_aggregates_above_max_nodes():
    import matplotlib.pyplot as plt

    from wbcti_analysis import plots_graphs as pg
    from wbcti_analysis.plots.graphs import _aggregate

    G = _labelled(nx.barabasi_albert_graph(120, 2, seed=5), 5)
    nx.set_edge_attributes(G, 2, "count")
    values = dict(G.degree())
    H, kept, hidden = _aggregate(G, values, 30)
    assert len(kept) == 30 - 4 and sum(len(m) for m in hidden.values()) == 120 - 26
    assert min(values[n] for n in kept) >= max(values[n] for m in hidden.values() for n in m)
    inside = sum(2 for u, v in G.edges() if u not in kept and v not in kept
                 and G.nodes[u]["sector"] == G.nodes[v]["sector"])
    assert sum(d["count"] for _, _, d in H.edges(data=True)) + inside == 2 * G.number_of_edges()
    assert H.number_of_nodes() == 30
    fig = pg.draw_network(G, seed=1, max_nodes=30)
    caption = " ".join(fig.texts[-1].get_text().split())
    assert "120 actors, more than 30: the top 26 by betweenness are drawn, the other 94 actors" in caption
    assert len(_offsets(fig)) == 30
    with pytest.raises(ValueError, match="max_nodes must be an int of at least 20 or None"):
        pg.draw_network(G, max_nodes=5)
    plt.close("all")


def test_sag_solver_agrees_with_lbfgs(bundled_ds):
    from wbcti_analysis import prevention as pv

    exact = pv.evaluate_tier_classifier(bundled_ds, seed=42, solver="lbfgs")
    fast = pv.evaluate_tier_classifier(bundled_ds, seed=42, solver="sag")
    auto = pv.evaluate_tier_classifier(bundled_ds, seed=42)  # 202 coded activities: lbfgs
    assert auto.macro_f1 == exact.macro_f1
    agree = (exact.out_of_fold["predicted"].to_numpy() == fast.out_of_fold["predicted"].to_numpy()).mean()
    assert agree >= 0.97
    assert abs(exact.macro_f1 - fast.macro_f1) < 0.03


@pytest.mark.parametrize("solver, n, expected", [("auto", 999, "lbfgs"), ("auto", 1000, "sag"), ("saga", 5, "saga")])
def test_solver_choice(solver, n, expected):
    from wbcti_analysis.prevention.classifier import _solver

    assert _solver(solver, n) == expected
    with pytest.raises(ValueError, match="solver must be one of auto, lbfgs, sag, saga"):
        _solver("newton", n)


@pytest.mark.parametrize("graph, exact_max, k", [
    (nx.karate_club_graph(), 1000, 500),                                  # exact
    (nx.disjoint_union(nx.barabasi_albert_graph(80, 2, seed=1), nx.path_graph(5)), 1000, 500),  # two components
    (nx.barabasi_albert_graph(300, 3, seed=2), 100, 40),                  # sampled sources
    (nx.empty_graph(3), 1000, 500),
])
def test_sparse_betweenness_equals_networkx(graph, exact_max, k):
    from wbcti_analysis.graphs.centrality import betweenness_centrality

    graph = nx.relabel_nodes(graph, {n: f"a{n:03d}" for n in graph})
    fast = betweenness_centrality(graph, seed=7, exact_max=exact_max, k=k, method="sparse")
    ref = betweenness_centrality(graph, seed=7, exact_max=exact_max, k=k, method="networkx")
    assert list(fast) == list(ref)
    assert np.allclose([fast[v] for v in ref], list(ref.values()), rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="method must be 'auto', 'sparse' or 'networkx'"):
        betweenness_centrality(graph, method="igraph")


def test_progress_of_bootstrap_withdrawals_and_folds(bundled_ds, capsys):
    from wbcti_analysis import funding as fd
    from wbcti_analysis import prevention as pv

    quiet = fd.rank_funders(bundled_ds)
    assert capsys.readouterr().err == ""
    shown = fd.rank_funders(bundled_ds, progress=True)
    assert "withdrawals" in capsys.readouterr().err
    assert quiet.equals(shown)
    pv.gap_table(bundled_ds, n_bootstrap=20, progress=True)
    assert "bootstrap by country" in capsys.readouterr().err
    pv.evaluate_tier_classifier(bundled_ds, max_folds=2, progress=True)
    assert "CV folds" in capsys.readouterr().err


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bridging_equals_the_networkx_subset_betweenness(seed):
    G = _labelled(nx.disjoint_union(nx.barabasi_albert_graph(90, 2, seed=seed), nx.path_graph(6)), seed)
    res = g.bridging(G, "law_enforcement", "civil_society")
    grp = nx.get_node_attributes(G, "sector")
    A = [n for n in G if grp[n] == "law_enforcement"]
    B = [n for n in G if grp[n] == "civil_society"]
    pairs = sum(1 for a in A for b in B if nx.has_path(G, a, b))
    bc = nx.betweenness_centrality_subset(G, sources=A, targets=B, normalized=False)
    assert res.attrs["connected_pairs"] == pairs
    assert np.allclose(res["path_share"].to_numpy(), [2 * bc[n] / pairs for n in res.index], atol=1e-12)


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_compare_periods_movers_as_with_full_actor_metrics(which, bundled_ds):
    import pandas as pd

    from wbcti_analysis.datapackage import load
    from wbcti_analysis.synth import synthesize

    if which == "bundled":
        ds = bundled_ds
    else:
        import tempfile

        tmp = tempfile.mkdtemp()
        synthesize(2, seed=3, out=tmp)
        ds = load(tmp)
    periods = g.period_graphs(ds, split_years=[2018], start_year=2015)
    cmp = g.compare_periods(periods, seed=42)
    # the movers table as it was computed before: from the full actor_metrics of each period
    Gs = {lab: periods[lab].graph("union") for lab in periods}
    labels = list(Gs)
    mv = pd.concat([g.actor_metrics(G, seed=42)[["actor_id", "degree", "betweenness"]].set_index("actor_id")
                    .add_suffix(f"_{lab}") for lab, G in Gs.items()], axis=1).fillna(0)
    mv["degree_change"] = mv[f"degree_{labels[-1]}"] - mv[f"degree_{labels[0]}"]
    mv["betweenness_change"] = mv[f"betweenness_{labels[-1]}"] - mv[f"betweenness_{labels[0]}"]
    mv = mv.sort_values(["degree_change", "betweenness_change"], ascending=False, key=abs, kind="stable")
    mv.index.name = "actor_id"
    pd.testing.assert_frame_equal(cmp["movers"], mv.reset_index())
    assert set(cmp["ties"]["change"]) <= {"stays", "appears", "vanishes", "only 2015-2017", "only 2018 onwards"}


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_rank_funders_sparse_search_equals_python_search(which, bundled_ds, tmp_path):
    """The offline component search of rank_funders equals one full withdraw() per funder, for every funder."""
    from wbcti_analysis import funding as fd
    from wbcti_analysis.datapackage import load
    from wbcti_analysis.synth import synthesize

    if which == "bundled":
        ds = bundled_ds
    else:
        synthesize(2, seed=5, out=tmp_path)
        ds = load(tmp_path)
    links = fd.funder_links(ds)
    ranked = fd.rank_funders(ds, links).set_index("funder_id")
    assert len(ranked) > 10
    keys = ("n_activities_funded", "n_activities_lost", "n_mechanisms_lost", "n_actors_lost", "n_cut_off",
            "largest_component_before", "largest_component_after", "components_before", "components_after")
    from wbcti_analysis.funding.withdrawal import _coparticipation_graph, withdraw

    withdrawal_graph = _coparticipation_graph(ds.participations)
    changed = 0
    for f in ranked.index:
        s = withdraw(ds, [f], links, _graph_before=withdrawal_graph).summary()
        assert {k: int(ranked.at[f, k]) for k in keys} == {k: s[k] for k in keys}, f
        changed += s["components_after"] != s["components_before"]
    assert changed > 0  # some withdrawals do split the graph


@pytest.mark.parametrize("seed", range(6))
def test_components_after_deletions_equal_networkx(seed):
    """The offline divide-and-conquer search equals networkx on each query's graph (random graphs)."""
    from wbcti_analysis.funding._components import _components_after

    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 40))
    G = nx.gnm_random_graph(n, int(rng.integers(n // 2, 2 * n)), seed=seed)
    G.add_nodes_from(range(n))
    edges = sorted(tuple(sorted(e)) for e in G.edges())
    eu, ev = np.array([e[0] for e in edges]), np.array([e[1] for e in edges])
    n_q = int(rng.integers(1, 12))
    cut, gone = [], []
    for q in range(n_q):
        dropped = {u for u in range(n) if rng.random() < 0.1}
        gone += [(u, q) for u in sorted(dropped)]
        cut += [(i, q) for i, (u, v) in enumerate(edges) if u in dropped or v in dropped or rng.random() < 0.3]
    marked = rng.random(n) < 0.5
    probe = rng.integers(-1, n, n_q)
    ce, cq = (np.array(x, dtype=np.int64) for x in zip(*cut)) if cut else (np.zeros(0, int),) * 2
    gn, gq = (np.array(x, dtype=np.int64) for x in zip(*gone)) if gone else (np.zeros(0, int),) * 2
    got = _components_after(n, eu, ev, ce, cq, n_q, gn, gq, marked, probe)
    for q in range(n_q):
        H = G.copy()
        H.remove_edges_from(edges[i] for i, qq in cut if qq == q)
        H.remove_nodes_from(u for u, qq in gone if qq == q)
        comps = sorted(nx.connected_components(H), key=lambda c: (-len(c), min(c)))
        main = comps[0] if comps else set()
        assert got["components"][q] == len(comps)
        assert got["largest"][q] == len(main)
        assert got["marked_in_largest"][q] == sum(bool(marked[u]) for u in main)
        assert got["probe_in_largest"][q] == (int(probe[q]) in main)


def test_classifier_cv_on_a_sample_above_max_cv(tmp_path):
    from wbcti_analysis import prevention as pv
    from wbcti_analysis.datapackage import load
    from wbcti_analysis.synth import synthesize

    synthesize(3, seed=2, out=tmp_path)
    ds = load(tmp_path)
    full = pv.evaluate_tier_classifier(ds, seed=1, max_cv=None)
    same = pv.evaluate_tier_classifier(ds, seed=1, max_cv=10_000)
    assert same.macro_f1 == full.macro_f1 and same.n_train == full.n_train > 400
    part = pv.evaluate_tier_classifier(ds, seed=1, max_cv=300)
    assert part.n_train == 300
    assert any("stratified random sample of 300" in n for n in part.notes)
    assert abs(part.macro_f1 - full.macro_f1) < 0.1
    with pytest.raises(ValueError, match="max_cv must be an int of at least 10 or None"):
        pv.evaluate_tier_classifier(ds, max_cv=5)


@pytest.mark.parametrize("threshold, block", [(0.5, None), (0.45, 50), (0.6, 7)])
def test_blocked_duplicate_search_equals_all_pairs(threshold, block, bundled_ds, monkeypatch):
    """The per-country blocked similarity search gives the all-pairs result exactly (bundled package)."""
    from wbcti_analysis import prevention as pv
    from wbcti_analysis.prevention import duplicates

    if block is not None:  # many small blocks: the same pairs and the same values
        monkeypatch.setattr(duplicates, "_BLOCK_ENTRIES", block)
    fast = pv.find_duplicates(bundled_ds, threshold=threshold, method="neighbours")
    slow = pv.find_duplicates(bundled_ds, threshold=threshold, method="all_pairs")
    assert len(fast) > 0
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_duplicate_search_on_a_synthetic_package(tmp_path):
    """On a synthetic package (texts reused across activities) the search equals all pairs too."""
    from wbcti_analysis import prevention as pv
    from wbcti_analysis.datapackage import load
    from wbcti_analysis.synth import synthesize

    synthesize(2, seed=3, out=tmp_path)
    ds = load(tmp_path)
    fast = pv.find_duplicates(ds, threshold=0.5, method="neighbours")
    slow = pv.find_duplicates(ds, threshold=0.5, method="all_pairs")
    assert len(fast) > 10
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cluster_mechanisms_equals_scipy_on_the_reindexed_matrix(seed):
    """Positions instead of pandas reindexing: the same linkage as scipy on the sorted, symmetrised matrix."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    from wbcti_analysis import mechanisms as M
    from wbcti_analysis.mechanisms.distances import Distances

    rng = np.random.default_rng(seed)
    n = 40
    d = rng.random((n, n))
    d[rng.random((n, n)) < 0.1] = np.nan
    d[5, :] = d[:, 5] = np.nan  # one mechanism without any distance: excluded
    np.fill_diagonal(d, 0.0)
    ids = [f"m{i:02d}" for i in rng.permutation(n)]
    dist = pd.DataFrame(d, index=ids, columns=ids)
    cl = M.cluster_mechanisms(Distances(dist, dist.notna().astype(int), "jaccard"), threshold=0.5)
    assert cl.excluded == [ids[5]]
    labels = sorted(set(ids) - {ids[5]})
    sub = np.nan_to_num(dist.loc[labels, labels].to_numpy(copy=True), nan=1.0)
    np.fill_diagonal(sub, 0.0)
    expected = linkage(squareform((sub + sub.T) / 2, checks=False), method="average")
    assert cl.labels == labels
    assert np.array_equal(cl.linkage, expected)
    n_nan = int(np.isnan(dist.loc[labels, labels].to_numpy()[np.triu_indices(n - 1, 1)]).sum())
    assert f"{n_nan} pair(s) have no distance" in cl.notes[-1]
