"""Graph steps that grew faster than k log k (issue 14): vectorised brokerage, bridging with sampled
sources, the batched swap chain's packed sort. Exact paths equal per-node reference implementations;
the sampled path agrees with the exact one on small data."""
from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from wbcti_analysis import graphs as g
from wbcti_analysis.graphs import rewiring
from wbcti_analysis.graphs.brokers import BRIDGING_MAX_SOURCES
from wbcti_analysis.graphs.core import BROKERAGE_ROLES
from wbcti_analysis.graphs.null_models import _pair_stats
from wbcti_analysis.graphs.triangles import triangles

GROUPS = ["law_enforcement", "policy_coordination", "civil_society", "education", "social_welfare"]


def _random_graph(n, p, directed, seed, n_groups=4, loops=False):
    G = nx.gnp_random_graph(n, p, seed=seed, directed=directed)
    rnd = random.Random(seed)
    nx.set_node_attributes(G, {x: rnd.choice(GROUPS[:n_groups]) for x in G}, "sector")
    if loops:
        G.add_edges_from((x, x) for x in list(G)[::3])
    return G


def _brokerage_reference(G, attr):
    """The per-broker implementation before issue 14 (dense open-pair blocks per node)."""
    nodes = sorted(G)
    cols = list(BROKERAGE_ROLES)
    if not nodes:
        return pd.DataFrame(columns=cols + ["total"], dtype=int)
    D = G if G.is_directed() else G.to_directed()
    idx = {x: i for i, x in enumerate(nodes)}
    n = len(nodes)
    A = np.zeros((n, n), dtype=bool)
    for u, v in D.edges():
        if u != v:
            A[idx[u], idx[v]] = True
    groups = nx.get_node_attributes(G, attr)
    gvals = sorted(set(groups.values()))
    gi = np.array([gvals.index(groups[x]) for x in nodes])
    onehot = np.zeros((n, len(gvals)))
    onehot[np.arange(n), gi] = 1.0
    open_ = ~A
    np.fill_diagonal(open_, False)
    out = np.zeros((n, 5), dtype=np.int64)
    for b in range(n):
        pred, succ = np.flatnonzero(A[:, b]), np.flatnonzero(A[b, :])
        pred, succ = pred[pred != b], succ[succ != b]
        if len(pred) == 0 or len(succ) == 0:
            continue
        M = onehot[pred].T @ open_[np.ix_(pred, succ)].astype(float) @ onehot[succ]
        k = gi[b]
        coord = M[k, k]
        gate, rep, cons = M[:, k].sum() - coord, M[k, :].sum() - coord, M.trace() - coord
        out[b] = np.rint([coord, gate, rep, cons, M.sum() - coord - gate - rep - cons]).astype(np.int64)
    df = pd.DataFrame(out, index=pd.Index(nodes, name="actor_id"), columns=cols)
    df["total"] = df[cols].sum(axis=1)
    return df


def _open_pairs_reference(G, a_group, b_group):
    grp = nx.get_node_attributes(G, "sector")
    return [sum(1 for a in G[x] if grp[a] == a_group for c in G[x] if grp[c] == b_group and not G.has_edge(a, c))
            for x in sorted(G)]


@pytest.mark.parametrize("n, p, directed, seed, n_groups", [
    (1, 0.5, False, 0, 1), (2, 1.0, True, 0, 2), (12, 0.4, False, 1, 3), (12, 0.4, True, 1, 3),
    (40, 0.2, False, 2, 5), (40, 0.2, True, 2, 5), (80, 0.1, False, 3, 1), (80, 0.1, True, 3, 4),
    (60, 0.5, False, 4, 4), (60, 0.5, True, 4, 2)])
def test_brokerage_equals_the_per_broker_reference_on_random_graphs(n, p, directed, seed, n_groups):
    G = _random_graph(n, p, directed, seed, n_groups, loops=seed % 2 == 1)
    res = g.brokerage(G, "sector")
    pd.testing.assert_frame_equal(res, _brokerage_reference(G, "sector"), check_exact=True)
    assert list(res.columns) == list(BROKERAGE_ROLES) + ["total"] and (res.dtypes == np.int64).all()


@pytest.mark.parametrize("which, attr", [("fixture", "sector"), ("bundled", "sector"), ("bundled", "level")])
def test_brokerage_equals_the_reference_on_the_packages(which, attr, fixture_ds, bundled_ds):
    G = g.build_graphs(fixture_ds if which == "fixture" else bundled_ds).graph("union")
    res = g.brokerage(G, attr)
    pd.testing.assert_frame_equal(res, _brokerage_reference(G, attr), check_exact=True)
    assert res["total"].sum() > 0 and res.index.is_monotonic_increasing


def test_brokerage_of_an_empty_graph_keeps_its_layout():
    pd.testing.assert_frame_equal(g.brokerage(nx.Graph(), "sector"), _brokerage_reference(nx.Graph(), "sector"))


@pytest.mark.parametrize("n, p, seed", [(5, 1.0, 0), (30, 0.3, 1), (120, 0.05, 2), (60, 0.0, 3)])
def test_triangles_listed_once_each(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    u, v = (np.array(c, dtype=np.int64) for c in zip(*G.edges())) if G.number_of_edges() else ([], [])
    x, y, z = triangles(np.asarray(u), np.asarray(v), n)
    found = [frozenset(t) for t in zip(x.tolist(), y.tolist(), z.tolist())]
    assert len(found) == len(set(found)) == sum(nx.triangles(G).values()) // 3
    assert all(G.has_edge(a, b) for t in found for a in t for b in t if a != b)


@pytest.mark.parametrize("n, p, directed, seed, loops", [
    (3, 1.0, False, 0, False), (12, 0.4, False, 1, True), (12, 0.4, True, 1, True), (40, 0.15, False, 2, False),
    (40, 0.15, True, 2, True), (80, 0.06, True, 3, False)])
def test_bridging_open_pairs_and_exact_shares_as_before(n, p, directed, seed, loops):
    G = _random_graph(n, p, directed, seed, n_groups=4, loops=loops)
    res = g.bridging(G, "law_enforcement", "policy_coordination")
    assert res["open_pairs"].tolist() == _open_pairs_reference(G, "law_enforcement", "policy_coordination")
    assert res.attrs["sampled"] is False and res.attrs["sources"] == res.attrs["actors_a"]
    exact = g.bridging(G, "law_enforcement", "policy_coordination", max_sources=None)
    pd.testing.assert_frame_equal(res, exact, check_exact=True)


def test_bridging_default_stays_exact_on_the_bundled_package(bundled_ds):
    G = g.build_graphs(bundled_ds).graph("union")
    res = g.bridging(G, "law_enforcement", "policy_coordination")
    assert res.attrs["sampled"] is False and res.attrs["actors_a"] < BRIDGING_MAX_SOURCES == 256
    pd.testing.assert_frame_equal(res, g.bridging(G, "law_enforcement", "policy_coordination", max_sources=None),
                                  check_exact=True)


def _bridging_graph(seed=3):
    G = nx.barabasi_albert_graph(150, 2, seed=seed)
    rnd = random.Random(seed)
    nx.set_node_attributes(G, {x: rnd.choice(GROUPS[:3]) for x in G}, "sector")
    return G


def test_sampled_bridging_is_unbiased_and_agrees_with_the_exact_shares():
    G = _bridging_graph()
    exact = g.bridging(G, max_sources=None)
    n_a = exact.attrs["actors_a"]
    assert n_a > 40
    runs = [g.bridging(G, max_sources=n_a // 4, seed=s) for s in range(200)]
    assert all(r.attrs["sampled"] and r.attrs["sources"] == n_a // 4 for r in runs)
    assert all(r.attrs["connected_pairs"] == exact.attrs["connected_pairs"] for r in runs)
    assert all((r["open_pairs"] == exact["open_pairs"]).all() for r in runs)
    mean = np.mean([r["path_share"].to_numpy() for r in runs], axis=0)
    truth = exact["path_share"].to_numpy()
    assert np.abs(mean - truth).max() < 0.01  # unbiased: the average of 200 samples is near the exact share
    one = runs[0]["path_share"]
    assert np.corrcoef(one, truth)[0, 1] > 0.9  # a single sample of a quarter of the sources ranks alike
    top = set(exact.nsmallest(5, "path_rank").index)
    assert len(top & set(runs[0].nsmallest(10, "path_rank").index)) >= 4


def test_sampled_bridging_is_seeded_and_exact_when_all_sources_are_drawn():
    G = _bridging_graph()
    n_a = g.bridging(G).attrs["actors_a"]
    pd.testing.assert_frame_equal(g.bridging(G, max_sources=10, seed=7), g.bridging(G, max_sources=10, seed=7))
    assert not g.bridging(G, max_sources=10, seed=7)["path_share"].equals(
        g.bridging(G, max_sources=10, seed=8)["path_share"])
    full = g.bridging(G, max_sources=n_a, seed=7)
    assert full.attrs["sampled"] is False
    pd.testing.assert_frame_equal(full, g.bridging(G, max_sources=None), check_exact=True)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "all"])
def test_bridging_refuses_bad_max_sources(bad):
    with pytest.raises(ValueError, match="max_sources must be a positive int or None"):
        g.bridging(_bridging_graph(), max_sources=bad)


@pytest.mark.parametrize("n, m, seed", [(30, 80, 0), (200, 900, 1), (400, 1600, 2)])
def test_packed_batches_equal_the_sorted_search(n, m, seed, monkeypatch):
    E = np.array(nx.gnm_random_graph(n, m, seed=seed).edges())
    packed = [d.copy() for d in rewiring.batched_swap_chain(E, 20, m, 5 * m, np.random.default_rng(seed))]
    monkeypatch.setattr(rewiring, "_PACK_BITS", 0)  # force the sorted search of the keys
    searched = [d.copy() for d in rewiring.batched_swap_chain(E, 20, m, 5 * m, np.random.default_rng(seed))]
    assert all((a == b).all() for a, b in zip(packed, searched)) and len(packed) == 20
    assert (packed[-1] != E).any()


def test_pair_stats_as_with_add_at():
    rng = np.random.default_rng(0)
    edges = rng.integers(0, 50, size=(400, 2))
    weights = rng.random(400) * 3
    grp = rng.integers(0, 5, size=50)
    ties, wsum = np.zeros(5), np.zeros(5)
    a, b = grp[edges[:, 0]] == 0, grp[edges[:, 1]] == 0
    np.add.at(ties, grp[edges[:, 1]][a], 1)
    np.add.at(wsum, grp[edges[:, 1]][a], weights[a])
    np.add.at(ties, grp[edges[:, 0]][b & ~a], 1)
    np.add.at(wsum, grp[edges[:, 0]][b & ~a], weights[b & ~a])
    got = _pair_stats(edges, weights, grp, 5)
    assert got[0].tolist() == ties.tolist() and got[1].tolist() == wsum.tolist()


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weight", ["weight", None])
def test_adjacency_matrix_equals_networkx(directed, weight):
    """The one-pass adjacency equals networkx's conversion (weights, missing weights, self-loops, order)."""
    import networkx as nx
    import numpy as np

    from wbcti_analysis.graphs.core import adjacency_matrix

    rng = np.random.default_rng(3)
    G = nx.gnm_random_graph(60, 240, seed=3, directed=directed)
    for k, (u, v) in enumerate(G.edges()):
        if k % 5:
            G.edges[u, v]["weight"] = int(rng.integers(1, 9))
    G.add_edge(7, 7, weight=4)
    nodes = sorted(G, key=lambda n: -n)
    expected = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, format="csr", dtype=float)
    got = adjacency_matrix(G, nodes, weight)
    assert got.shape == expected.shape
    assert abs(got - expected).max() == 0
