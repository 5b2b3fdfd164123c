"""The parameter model: declarations match the notebooks, checks name every problem, notebooks check themselves."""
from __future__ import annotations

import ast
import logging

import pytest

from conftest import NOTEBOOKS_DIR
from wbcti_analysis import params
from wbcti_analysis.params import ParameterError, check, check_all, check_notebook_parameters, require

NOTEBOOK_PATHS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


def test_every_notebook_of_the_collection_is_declared():
    assert [p.stem for p in NOTEBOOK_PATHS] == list(params.DECLARATIONS)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_parameters_cell_matches_the_declaration(path):
    """Names (in order), types, defaults and help of the cell, as papermill reads them, are the declaration's."""
    import papermill

    logging.getLogger("papermill").setLevel(logging.ERROR)
    inspected = papermill.inspect_notebook(str(path))
    decl = params.declaration(path.stem)
    assert list(inspected) == [p.name for p in decl.params]
    for p in decl.params:
        entry = inspected[p.name]
        assert entry["inferred_type_name"] == p.type, p.name
        default = ast.literal_eval(entry["default"])
        assert default == p.default and type(default) is type(p.default), p.name
        assert entry["help"] == p.help, p.name


def test_fixed_choices_are_the_analysis_modules_constants():
    from wbcti_analysis import funding, graphs, mechanisms, prevention
    from wbcti_analysis.params import declarations as d
    from wbcti_analysis.params.domains import MECHANISM_ATTRIBUTES

    assert (d.WEIGHTINGS, d.GRAPH_NAMES) == (tuple(graphs.WEIGHTINGS), tuple(graphs.GRAPH_NAMES))
    assert d.BASES == tuple(funding.BASES)
    assert d.COUNTING_RULES == tuple(prevention.COUNTING_RULES)
    assert (d.DISTANCES, MECHANISM_ATTRIBUTES) == (tuple(mechanisms.DISTANCES), tuple(mechanisms.MECHANISM_ATTRIBUTES))


@pytest.mark.parametrize("domain, expected", [
    ("activity_countries", ["AL", "XK"]),
    ("mechanism_countries", ["XK"]),
    ("funders", ["al-ministry", "donor-a", "eu-com"]),
    ("mechanisms", ["a2", "a9"]),
    ("tiers", ["primary", "secondary", "tertiary", "ct_law_enforcement"]),
    ("roles", ["funder", "lead", "implementer", "partner", "beneficiary", "participant", "host", "chair"]),
])
def test_domains_come_from_the_package(fixture_ds, domain, expected):
    assert params.allowed_values(domain, fixture_ds) == expected


@pytest.mark.parametrize("notebook, values, expected", [
    ("01-coordination-graph", {"countries": ["RS"]},
     ["01-coordination-graph: countries: unknown country code 'RS'; the package has AL, XK"]),
    ("01-coordination-graph", {"countries": ["al"], "roles": ["donor"]},
     ["01-coordination-graph: countries: unknown country code 'al'; the package has AL, XK "
      "(values are case-sensitive: 'al' -> 'AL')",
      "01-coordination-graph: roles: unknown role 'donor'; the package has funder, lead, implementer, partner, "
      "beneficiary, participant, host, chair"]),
    ("01-coordination-graph", {"alpha": 1.0, "n_draws": 0, "top_n": "ten"},
     ["01-coordination-graph: n_draws: 0 is out of range; allowed: >= 1",
      "01-coordination-graph: alpha: 1.0 is out of range; allowed: strictly between 0 and 1",
      "01-coordination-graph: top_n: wrong type: expected int, got str 'ten'"]),
    ("01-coordination-graph", {"start_year": 1850}, [
        "01-coordination-graph: start_year: 1850 is out of range; allowed: 0 (no bound) or 1900 to 2100"]),
    ("01-coordination-graph", {"start_year": 2019},
     ["01-coordination-graph: split_year 2018 must come after the first year of the first period "
      "(max(start_year, period_start) = 2019); allowed: 2020 to 2100"]),
    ("01-coordination-graph", {"networks": ["nowhere"]},
     ["01-coordination-graph: networks: unknown actor id 'nowhere'; the package has regional-net"]),
    ("02-donor-dependency", {"funders_to_withdraw": ["al-ministry", "ngo-x"], "min_n": 0},
     ["02-donor-dependency: funders_to_withdraw: unknown funder id 'ngo-x'; the package has al-ministry, donor-a, "
      "eu-com",
      "02-donor-dependency: min_n: 0 is out of range; allowed: >= 1"]),
    ("03-prevention-vs-rr", {"tier_rule": "half", "unsure_below": -0.1, "colour": "red"},
     ["03-prevention-vs-rr: unknown parameter 'colour' (declared: data_path, countries, split_year, tier_rule, "
      "duplicate_threshold, seed, n_bootstrap, unsure_below, include_inferred, output_dir)",
      "03-prevention-vs-rr: tier_rule: unknown value 'half'; allowed: fractional, each",
      "03-prevention-vs-rr: unsure_below: -0.1 is out of range; allowed: 0 to 1"]),
    ("04-referral-mechanisms", {"countries": ["AL"], "features": ["colour"], "distance": "gower"},
     ["04-referral-mechanisms: countries: unknown country code 'AL'; the package has XK",
      "04-referral-mechanisms: features: unknown feature 'colour'; the package has year_established, modelled_on, "
      "tier_covered, police_role, member_sector, process_stage, decision_rule, confidentiality, funding_basis, "
      "target_group, voluntary_participation, legal_basis, status, level, mechanism_type"]),
    ("04-referral-mechanisms", {"mechanisms": ["a2"], "countries": ["XK"], "min_compared": 0}, []),
])
def test_check_names_every_problem(fixture_ds, notebook, values, expected):
    assert check(notebook, values, fixture_ds) == expected


def test_a_default_the_package_lacks_is_a_warning(fixture_ds):
    problems, warnings = check_all("01-coordination-graph", {}, fixture_ds)
    assert problems == []
    assert warnings == ["01-coordination-graph: networks: unknown actor ids 'cti-network', 'pcc-see-ctn', "
                        "'rcc-pcve-ftf-network'; the package has regional-net (the default; the notebook reports "
                        "them as absent)"]


def test_require_returns_derived_values_or_raises(fixture_ds):
    checked = require("01-coordination-graph", {"countries": ["XK"], "start_year": 2016, "end_year": 2019},
                      fixture_ds)
    assert checked.selection.countries == ("XK",) and (checked.selection.start_year, checked.period_lo) == (2016, 2016)
    assert checked.values["weighting"] == "count" and checked.ds is fixture_ds
    with pytest.raises(ValueError) as exc:
        require("02-donor-dependency", {"basis": "money", "start_year": 2019, "end_year": 2015})
    assert exc.value.problems == [
        "02-donor-dependency: basis: unknown value 'money'; allowed: count, amount",
        "02-donor-dependency: start_year 2019 is after end_year 2015; start_year must be at most end_year "
        "(0 leaves a bound open)"]
    assert str(exc.value).startswith("2 problem(s) with the parameters of 02-donor-dependency:\n  - ")


def test_the_notebook_check_raises_one_error_listing_every_problem(fixture_ds, fixture_path, capsys):
    namespace = {**params.declaration("01-coordination-graph").defaults(), "data_path": str(fixture_path)}
    checked = check_notebook_parameters("01-coordination-graph", namespace)  # loads data_path itself
    assert checked.period_lo == 2015 and checked.selection.is_empty()
    assert "note: 01-coordination-graph: networks: unknown actor ids" in capsys.readouterr().out
    namespace.update(countries=["xk"], weighting="bogus", start_year=2019, end_year=2015)
    with pytest.raises(ParameterError) as exc:
        check_notebook_parameters("01-coordination-graph", namespace, fixture_ds)
    assert len(exc.value.problems) == 3 and exc.value.notebook == "01-coordination-graph"
    del namespace["seed"]
    with pytest.raises(ParameterError, match="parameter 'seed' is not defined: run the parameters cell first"):
        check_notebook_parameters("01-coordination-graph", namespace, fixture_ds)


def test_unknown_notebook_names_the_declared_ones():
    with pytest.raises(KeyError, match="declared: 01-coordination-graph, 02-donor-dependency"):
        params.declaration("05-missing")


def test_output_folder_is_visible_beside_the_notebooks(tmp_path, monkeypatch, capsys):
    from wbcti_analysis import notebook

    monkeypatch.setattr(notebook, "_notebooks_folder", lambda: tmp_path)
    monkeypatch.chdir(tmp_path)
    path = notebook.output_folder("", "01-coordination-graph")
    assert path == tmp_path / "outputs" / "01-coordination-graph" and path.is_dir()
    assert capsys.readouterr().out == "Exported files go to outputs/01-coordination-graph\n"
    assert notebook.output_folder(str(tmp_path / "given"), "x") == tmp_path / "given"
    assert capsys.readouterr().out == ""  # the runner's folder is not printed


def test_output_folder_defaults_to_the_projects_notebooks_folder():
    from wbcti_analysis import notebook

    assert notebook._notebooks_folder() == NOTEBOOKS_DIR
