"""The analysis modules' argument checks follow the parameter model: one source of truth.

Each module refuses a bad value with the very problems :func:`wbcti_analysis.params.check`
reports for the notebook parameter of the same meaning, and changing a declaration
(monkeypatched here) changes what the module accepts, with no second list to update.
"""
from __future__ import annotations

import dataclasses

import networkx as nx
import pytest

from wbcti_analysis import funding as fd
from wbcti_analysis import graphs as g
from wbcti_analysis import mechanisms as M
from wbcti_analysis import params
from wbcti_analysis import prevention as pv
from wbcti_analysis.params import ParameterError
from wbcti_analysis.params import declarations as d
from wbcti_analysis.params.domains import DOMAINS
from wbcti_analysis.prevention.checks import check_countries


def _two_cliques():
    G = nx.Graph()
    for k, s in enumerate(["law_enforcement", "civil_society"] * 2):
        G.add_nodes_from([(f"{s}{k}{i}", {"sector": s}) for i in range(4)])
        G.add_edges_from((f"{s}{k}{i}", f"{s}{k}{j}") for i in range(4) for j in range(i + 1, 4))
    G.add_edge("law_enforcement00", "civil_society10")
    return G


def _bipartite():
    import pandas as pd

    part = pd.DataFrame({"actor_id": ["p", "q", "r"], "activity_id": ["A1", "A1", "A1"], "role": ["lead"] * 3})
    return g.bipartite_graph(part)


def _patch(monkeypatch, notebook: str, name: str, **changes) -> None:
    """Replace one Param of a declaration for the duration of a test."""
    decl = params.DECLARATIONS[notebook]
    assert name in decl.by_name
    new = dataclasses.replace(decl, params=tuple(dataclasses.replace(p, **changes) if p.name == name else p
                                                 for p in decl.params))
    monkeypatch.setitem(params.DECLARATIONS, notebook, new)


# (module call, notebook, the notebook parameter values the call amounts to, whether the package is checked)
REFUSALS = [
    (lambda ds: fd.check_parameters(ds, basis="money", min_n=0), "02-donor-dependency",
     {"basis": "money", "min_n": 0}, True),
    (lambda ds: fd.check_parameters(ds, countries=["xk"], funders=["nobody"]), "02-donor-dependency",
     {"countries": ["xk"], "funders_to_withdraw": ["nobody"]}, True),
    (lambda ds: fd.dependency(ds, basis="euros"), "02-donor-dependency", {"basis": "euros"}, False),
    (lambda ds: M.check_parameters(ds, distance="cosine", cluster_threshold=2.0, min_compared=-1),
     "04-referral-mechanisms", {"distance": "cosine", "cluster_threshold": 2.0, "min_compared": -1}, True),
    (lambda ds: M.check_features(ds, ["colour"]), "04-referral-mechanisms", {"features": ["colour"]}, True),
    (lambda ds: M.select_mechanisms(ds, ["nope"]), "04-referral-mechanisms", {"mechanisms": ["nope"]}, True),
    (lambda ds: M.cluster_mechanisms(M.mechanism_distances(ds), threshold=1.5), "04-referral-mechanisms",
     {"cluster_threshold": 1.5}, False),
    (lambda ds: pv.tier_effort(ds, rule="half"), "03-prevention-vs-rr", {"tier_rule": "half"}, False),
    (lambda ds: pv.gap_table(ds, seed=-1), "03-prevention-vs-rr", {"seed": -1}, False),
    (lambda ds: pv.gap_table(ds, split_year=1800), "03-prevention-vs-rr", {"split_year": 1800}, False),
    (lambda ds: pv.coverage_matrix(ds, countries=["XX"]), "03-prevention-vs-rr", {"countries": ["XX"]}, True),
    (lambda ds: pv.find_duplicates(ds, threshold=1.5), "03-prevention-vs-rr", {"duplicate_threshold": 1.5}, False),
    (lambda ds: g.build_graphs(ds, weighting="bogus", min_weight=-1, start_year=2019, end_year=2015),
     "01-coordination-graph", {"weighting": "bogus", "min_weight": -1, "start_year": 2019, "end_year": 2015}, True),
    (lambda ds: g.build_graphs(ds, countries=["xk"], roles=["donor"]), "01-coordination-graph",
     {"countries": ["xk"], "roles": ["donor"]}, True),
    (lambda ds: g.project_actors(_bipartite(), "jaccard"), "01-coordination-graph", {"weighting": "jaccard"}, False),
    (lambda ds: g.sector_tie_test(_two_cliques(), n_draws=0, alpha=1.0), "01-coordination-graph",
     {"n_draws": 0, "alpha": 1.0}, False),
    (lambda ds: g.period_bounds([2014], start_year=2015), "01-coordination-graph",
     {"start_year": 2015, "end_year": 0, "split_year": 2014, "period_start": 0}, False),
]


@pytest.mark.parametrize("call, notebook, values, with_package", REFUSALS,
                         ids=[f"{nb[:2]}-{'-'.join(v)}" for _, nb, v, _ in REFUSALS])
def test_a_bad_value_is_refused_with_the_models_message(fixture_ds, call, notebook, values, with_package):
    expected = params.check(notebook, values, fixture_ds if with_package else None)
    assert expected  # the model refuses these values too
    with pytest.raises(ParameterError) as err:
        call(fixture_ds)
    assert err.value.problems == expected
    assert isinstance(err.value, ValueError) and err.value.notebook == notebook


def test_the_messages_read_as_the_model_writes_them(fixture_ds):
    with pytest.raises(ValueError) as err:
        fd.check_parameters(fixture_ds, countries=["FR"], funders=["ngo-x"], basis="money")
    assert err.value.problems == [
        "02-donor-dependency: funders_to_withdraw: unknown funder id 'ngo-x'; the package has al-ministry, "
        "donor-a, eu-com",
        "02-donor-dependency: basis: unknown value 'money'; allowed: count, amount",
        "02-donor-dependency: countries: unknown country code 'FR'; the package has AL, XK",
    ]
    with pytest.raises(ValueError) as err:
        g.sector_tie_test(_two_cliques(), n_draws=2.5, seed="x")
    assert err.value.problems == ["01-coordination-graph: n_draws: wrong type: expected int, got float 2.5",
                                  "01-coordination-graph: seed: wrong type: expected int, got str 'x'"]


# (notebook, parameter, change to its declaration, call refused after the change, call accepted after it)
CHANGES = [
    ("02-donor-dependency", "basis", {"choices": ("count",)},
     lambda ds: fd.check_parameters(ds, basis="amount"), lambda ds: fd.check_parameters(ds, basis="count")),
    ("02-donor-dependency", "basis", {"choices": ("count",)},
     lambda ds: fd.dependency(ds, basis="amount"), lambda ds: fd.dependency(ds, basis="count")),
    ("02-donor-dependency", "min_n", {"minimum": 5},
     lambda ds: fd.check_parameters(ds, min_n=3), lambda ds: fd.check_parameters(ds, min_n=5)),
    ("04-referral-mechanisms", "distance", {"choices": ("gower",)},
     lambda ds: M.check_parameters(ds, distance="jaccard"), lambda ds: M.check_parameters(ds, distance="gower")),
    ("04-referral-mechanisms", "distance", {"choices": ("gower",)},
     lambda ds: M.mechanism_distances(ds, method="jaccard"), lambda ds: M.mechanism_distances(ds, method="gower")),
    ("04-referral-mechanisms", "cluster_threshold", {"maximum": 0.4},
     lambda ds: M.cluster_mechanisms(M.mechanism_distances(ds), threshold=0.5),
     lambda ds: M.cluster_mechanisms(M.mechanism_distances(ds), threshold=0.4)),
    ("03-prevention-vs-rr", "tier_rule", {"choices": ("each",)},
     lambda ds: pv.tier_effort(ds, rule="fractional"), lambda ds: pv.tier_effort(ds, rule="each")),
    ("03-prevention-vs-rr", "split_year", {"minimum": 2019},
     lambda ds: pv.period_labels(2018), lambda ds: pv.period_labels(2019)),
    ("03-prevention-vs-rr", "n_bootstrap", {"minimum": 10},
     lambda ds: pv.gap_table(ds, n_bootstrap=0), lambda ds: pv.gap_table(ds, n_bootstrap=10)),
    ("01-coordination-graph", "weighting", {"choices": ("newman",)},
     lambda ds: g.build_graphs(ds, weighting="count"), lambda ds: g.build_graphs(ds, weighting="newman")),
    ("01-coordination-graph", "n_draws", {"minimum": 10},
     lambda ds: g.sector_tie_test(_two_cliques(), n_draws=5), lambda ds: g.sector_tie_test(_two_cliques(), n_draws=10)),
    ("01-coordination-graph", "graph", {"choices": ("union",)},
     lambda ds: g.build_graphs(ds).graph("relations"), lambda ds: g.build_graphs(ds).graph("union")),
]


@pytest.mark.parametrize("notebook, name, change, refused, accepted", CHANGES,
                         ids=[f"{nb[:2]}-{name}-{i}" for i, (nb, name, *_) in enumerate(CHANGES)])
def test_a_changed_declaration_changes_what_the_module_accepts(fixture_ds, monkeypatch, notebook, name, change,
                                                               refused, accepted):
    refused(fixture_ds)  # accepted as declared today
    _patch(monkeypatch, notebook, name, **change)
    with pytest.raises(ParameterError, match=f"{notebook}: {name}"):
        refused(fixture_ds)
    accepted(fixture_ds)


def test_a_wider_declaration_lets_more_through(fixture_ds, monkeypatch):
    with pytest.raises(ParameterError, match="min_weight: -1 is out of range"):
        g.build_graphs(fixture_ds, min_weight=-1)
    _patch(monkeypatch, "01-coordination-graph", "min_weight", minimum=-5)
    assert g.build_graphs(fixture_ds, min_weight=-1).params["min_weight"] == -1.0
    _patch(monkeypatch, "02-donor-dependency", "min_n", minimum=0)
    assert fd.check_parameters(fixture_ds, min_n=0)["min_n"] == 0


def test_function_specific_checks_read_the_package_domains(fixture_ds, monkeypatch):
    assert M.feature_names(fixture_ds) == params.allowed_values("features", fixture_ds)
    assert M.check_features(fixture_ds, ["police_role"]) == ["police_role"]
    dom = DOMAINS["features"]
    monkeypatch.setitem(DOMAINS, "features", dataclasses.replace(dom, values=lambda ds: ["level"]))
    assert M.feature_names(fixture_ds) == ["level"]
    with pytest.raises(ParameterError, match="features: unknown feature 'police_role'; the package has level"):
        M.check_features(fixture_ds, ["police_role"])


def test_module_constants_are_the_declarations():
    from wbcti_analysis.params.domains import MECHANISM_ATTRIBUTES

    assert g.WEIGHTINGS is d.WEIGHTINGS and g.GRAPH_NAMES is d.GRAPH_NAMES
    assert fd.BASES is d.BASES and pv.COUNTING_RULES is d.COUNTING_RULES
    assert M.DISTANCES is d.DISTANCES and M.MECHANISM_ATTRIBUTES is MECHANISM_ATTRIBUTES


@pytest.mark.parametrize("call, expected", [
    (lambda ds: check_countries(ds, ["ME", "XK", "ME"]), ["ME", "XK"]),
    (lambda ds: M.select_mechanisms(ds, countries=["RS"]), ["a9"]),  # a9: a reference model, always kept
    (lambda ds: sorted(g.build_graphs(ds, countries=["ME"]).params["countries"]), ["ME"]),
], ids=["prevention", "mechanisms", "graphs"])
def test_library_functions_take_a_valid_code_the_package_lacks(fixture_ds, call, expected):
    """Unlike a notebook, a function may be asked about a country with no rows (a zero row, a gap)."""
    assert "ME" not in params.allowed_values("activity_countries", fixture_ds)
    assert call(fixture_ds) == expected
