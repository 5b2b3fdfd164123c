"""Each notebook's parameters, declared once.

The notebooks' ``parameters`` cells hold the same names, types, defaults and help as
literals (papermill needs them there); ``tests/test_params.py`` checks, through
:func:`papermill.inspect_notebook`, that the two never drift. Everything else
(``wbcti list``, the runner's refusal, the notebooks' own check, the library's argument
checks) reads this module.

Fixed choices repeat the analysis modules' constants (``graphs.WEIGHTINGS``,
``funding.BASES`` ...) so that reading them does not import pandas or networkx; a test
keeps them equal.
"""
from __future__ import annotations

from .model import NotebookParams, Param

__all__ = ["DECLARATIONS", "YEAR", "WEIGHTINGS", "GRAPH_NAMES", "BASES", "COUNTING_RULES", "DISTANCES"]

WEIGHTINGS = ("count", "newman")  # graphs.WEIGHTINGS
GRAPH_NAMES = ("union", "projection", "relations")  # graphs.GRAPH_NAMES
BASES = ("count", "amount")  # funding.BASES
COUNTING_RULES = ("fractional", "each")  # prevention.COUNTING_RULES
DISTANCES = ("jaccard", "gower")  # mechanisms.DISTANCES

YEAR = dict(minimum=1900, maximum=2100)  # plausible years, as the analysis modules check them
OPEN_YEAR = dict(YEAR, open_value=0)  # 0 means no bound
SHARE = dict(minimum=0, maximum=1)

DATA_PATH = Param("data_path", "str", "", "data package folder; empty means the bundled data/")


INCLUDE_INFERRED = Param("include_inferred", "bool", True, "keep rows the coders inferred (evidence: inferred) "
                         "beside those the sources state; False keeps stated rows only")


def _output_dir(help_text: str) -> Param:
    return Param("output_dir", "str", "", help_text)


def _split_inside_period(v: dict) -> list[str]:
    lo = max([y for y in (v.get("start_year"), v.get("period_start")) if y], default=None)
    split, end = v.get("split_year"), v.get("end_year") or None
    if v.get("start_year") and end is not None and v["start_year"] > end:
        return []  # reported as start_year after end_year
    out = []
    if lo is not None and split <= lo:
        out.append(f"split_year {split} must come after the first year of the first period "
                   f"(max(start_year, period_start) = {lo}); allowed: {lo + 1} to {end or 2100}")
    if end is not None and split > end:
        out.append(f"split_year {split} is after end_year {end}; the second period would be empty "
                   f"(allowed: {lo + 1 if lo else 'a year'} to {end})")
    return out


def _derive_01(v: dict) -> dict:
    return {"period_lo": max([y for y in (v["start_year"], v["period_start"]) if y], default=None)}


def _derive_countries(v: dict) -> dict:
    return {"countries_or_none": list(v["countries"]) or None}


DECLARATIONS: dict[str, NotebookParams] = {d.notebook: d for d in (
    NotebookParams("01-coordination-graph", (
        DATA_PATH,
        Param("countries", "list", [], "ISO 3166 alpha-2 codes of the activities to keep, XK for Kosovo; "
              "empty means all", domain="activity_countries"),
        Param("start_year", "int", 0, "first year of the activities to keep; 0 means no lower bound", **OPEN_YEAR),
        Param("end_year", "int", 0, "last year of the activities to keep; 0 means no upper bound", **OPEN_YEAR),
        Param("tiers", "list", [], "prevention tiers to keep: primary, secondary, tertiary, ct_law_enforcement; "
              "empty means all", domain="tiers"),
        Param("themes", "list", [], "activity themes to keep (e.g. referral, information_exchange); empty means all",
              domain="themes"),
        Param("roles", "list", [], "participation roles that make a tie (funder, lead, implementer, partner, "
              "beneficiary, participant, host, chair); empty means all", domain="roles"),
        Param("weighting", "str", "count", 'projection weighting: "count" (shared activities) or "newman" '
              "(1/(n-1) per shared activity of n actors)", choices=WEIGHTINGS),
        Param("merge_parents", "bool", False, "merge country offices and missions into their parent organisation "
              "(actors.parent_id)"),
        Param("min_weight", "int", 1, "minimum tie strength kept, in shared activities + stated relations",
              minimum=0),
        Param("graph", "str", "union", "actor graph analysed: union, projection (co-participation only) or "
              "relations (stated ties only)", choices=GRAPH_NAMES),
        Param("n_draws", "int", 1000, "number of degree-preserving rewirings in the law-enforcement test", minimum=1),
        Param("alpha", "float", 0.05, "significance level of the test's verdict", minimum=0, maximum=1,
              exclusive=True),
        Param("period_start", "int", 2015, "first year of the first period (WBCTi iPA window 2015-2017); "
              "0 means open", **OPEN_YEAR),
        Param("split_year", "int", 2018, "first year of the second period", **YEAR),
        Param("networks", "list", ["cti-network", "pcc-see-ctn", "rcc-pcve-ftf-network"],
              "actor ids of the three WBCTi regional networks whose bridging role is checked", domain="networks"),
        Param("top_n", "int", 10, "actors labelled in the drawing and listed in the tables", minimum=0),
        Param("seed", "int", 42, "random seed of the layout, the community detection and the permutation test",
              minimum=0),
        INCLUDE_INFERRED,
        _output_dir("folder for exported files (GraphML, GEXF, CSV, PNG); empty means a temporary folder"),
    ), rules=(("split_year after max(start_year, period_start) and not after end_year", _split_inside_period),),
        selection=("countries", "start_year", "end_year", "tiers", "themes", "roles", "include_inferred"), derive=_derive_01),
    NotebookParams("02-donor-dependency", (
        DATA_PATH,
        Param("countries", "list", [], "ISO 3166 alpha-2 codes to keep (Kosovo is XK); empty means all",
              domain="activity_countries"),
        Param("start_year", "int", 0, "keep activities whose dates overlap this year or later; 0 means no lower "
              "bound (undated work is kept)", **OPEN_YEAR),
        Param("end_year", "int", 0, "keep activities whose dates overlap this year or earlier; 0 means no upper "
              "bound", **OPEN_YEAR),
        Param("funders_to_withdraw", "list", [], "actor ids of funders withdrawn together in one scenario; empty "
              "means rank every funder and show the most systemic one", domain="funders"),
        Param("basis", "str", "count", '"count" (activities) or "amount" (stated money; groups without amounts '
              "fall back to counts)", choices=BASES),
        Param("inherit_funding", "bool", True, "an activity without funders of its own takes the funders of the "
              "project it is part of"),
        Param("min_n", "int", 3, "groups with fewer funded activities are flagged as too thin to read", minimum=1),
        Param("rate_table", "str", "", "CSV of exchange rates (columns currency, rate; optional year, target) that "
              "converts stated amounts into one currency; empty means no conversion"),
        INCLUDE_INFERRED,
        _output_dir("folder for exported CSV files; empty means a temporary folder"),
    ), selection=("countries", "start_year", "end_year", "include_inferred"), derive=_derive_countries),
    NotebookParams("03-prevention-vs-rr", (
        DATA_PATH,
        Param("countries", "list", [], "ISO 3166 alpha-2 codes to keep, XK for Kosovo; empty means all (coverage "
              "and duplicates then use AL, BA, XK, ME, MK, RS)", domain="activity_countries"),
        Param("split_year", "int", 2018, "first year of the second period; 2018 sets the WBCTi 2015-2017 window "
              "against 2018 onwards", **YEAR),
        Param("tier_rule", "str", "fractional", 'counting rule for activities with several tiers: "fractional" '
              '(1/k each) or "each" (1 each)', choices=COUNTING_RULES),
        Param("duplicate_threshold", "float", 0.5, "minimum combined score (0-1) for a pair of activities to be "
              "listed as a possible duplicate", **SHARE),
        Param("seed", "int", 42, "random seed for the bootstrap and the classifier", minimum=0),
        Param("n_bootstrap", "int", 1000, "bootstrap resamples for the gap index interval; 0 means no interval",
              minimum=0),
        Param("unsure_below", "float", 0.5, "a suggested tier with a predicted probability below this is flagged "
              "as unsure", **SHARE),
        INCLUDE_INFERRED,
        _output_dir("folder for exported files; empty means a temporary folder"),
    ), selection=("countries", "include_inferred"), derive=_derive_countries),
    NotebookParams("04-referral-mechanisms", (
        DATA_PATH,
        Param("mechanisms", "list", [], "mechanism ids to compare; empty means all", domain="mechanisms"),
        Param("countries", "list", [], "ISO codes of the mechanisms' countries; empty means all; reference models "
              "are always kept", domain="mechanism_countries"),
        Param("features", "list", [], "features to compare (mechanism_features.feature values, level, "
              "mechanism_type); empty means all", domain="features"),
        Param("distance", "str", "jaccard", 'similarity measure: "jaccard" or "gower"', choices=DISTANCES),
        Param("min_compared", "int", 3, "a pair resting on fewer compared values (jaccard) or features (gower) "
              "gets no distance", minimum=0),
        Param("cluster_threshold", "float", 0.5, "distance (0..1) at which the dendrogram is cut into clusters",
              **SHARE),
        Param("use_participations", "bool", True, "count the sectors of member bodies (participations) as member "
              "sectors"),
        INCLUDE_INFERRED,
        _output_dir("folder for exported files; empty means a temporary folder"),
    ), selection=("include_inferred",)),
)}
