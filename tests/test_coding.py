"""The codebook and the double coding: examples checked against rows, kappa worked by hand."""
from __future__ import annotations

import io
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from wbcti_analysis import coding as c

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CODEBOOK = DATA / "CODEBOOK.md"
SOURCES = ROOT.parent / "shared" / "sources"
LIST_COLUMNS = {"tiers", "themes", "countries"}
ID_COLUMN = {"activities": "activity_id", "actors": "actor_id", "participations": "participation_id",
             "relations": "relation_id", "mechanism_features": "feature_id", "funding": "funding_id",
             "figures": "figure_id", "mechanisms": "mechanism_id"}
EXAMPLE = re.compile(r"^Example: `([a-z_]+)/([^`]+)` ([a-z_]+) -> (\S+)\s*$")
RULE = re.compile(r"^#### ([A-Z]+\d+)\. ")


def _rules() -> dict[str, list[tuple[str, str, str, str]]]:
    """Rule id -> its examples (table, row id, column, value), in codebook order."""
    rules: dict[str, list] = {}
    current = None
    for line in CODEBOOK.read_text(encoding="utf-8").splitlines():
        m = RULE.match(line)
        if m:
            current = m.group(1)
            assert current not in rules, f"rule {current} defined twice"
            rules[current] = []
        elif line.startswith("#"):
            current = None
        elif line.startswith("Example:"):
            m = EXAMPLE.match(line)
            assert m, f"example line not parseable: {line!r}"
            assert current, f"example outside a rule: {line!r}"
            rules[current].append(m.groups())
    return rules


def _cell(table: str, row_id: str, column: str) -> str:
    df = pd.read_csv(DATA / f"{table}.csv", dtype=str, keep_default_na=False)
    hit = df[df[ID_COLUMN[table]] == row_id]
    assert len(hit) == 1, (f"{table}/{row_id} cited by CODEBOOK.md is not in data/{table}.csv "
                           "(merged or renamed? cite the surviving row)")
    return hit.iloc[0][column]


def _same(column: str, cell: str, expected: str) -> bool:
    expected = "" if expected == "(empty)" else expected
    if column in LIST_COLUMNS:
        return set(filter(None, cell.split(";"))) == set(filter(None, expected.split(";")))
    return cell == expected


# --- the codebook -----------------------------------------------------------------------

def test_codebook_covers_every_coded_field_with_rules():
    rules = _rules()
    prefixes = {re.match(r"[A-Z]+", r).group(0) for r in rules}
    # tier (T, TS, TR, TT, TC, TD, TM, TN, TP, TF), theme, sector, actor type, level, role,
    # relation type, mechanism features
    assert {"T", "TS", "TR", "TT", "TC", "TD", "TM", "TN", "TP", "TF", "TH", "S", "AT", "L", "R", "RT",
            "MF"} <= prefixes
    assert len(rules) >= 55


def test_every_rule_has_an_example():
    missing = [r for r, ex in _rules().items() if not ex]
    assert missing == []


_EXAMPLES = [(rule, *ex) for rule, exs in _rules().items() for ex in exs]


@pytest.mark.parametrize("rule,table,row_id,column,value", _EXAMPLES,
                         ids=[f"{e[0]}-{e[2]}" for e in _EXAMPLES])
def test_codebook_example_matches_the_row_it_cites(rule, table, row_id, column, value):
    cell = _cell(table, row_id, column)
    assert _same(column, cell, value), f"{rule}: {table}/{row_id} {column} is {cell!r}, codebook says {value!r}"


def test_the_issue_examples_are_resolved():
    """The two strategies named in issue 11 are coded by TS1/TS2, not by source."""
    assert _cell("activities", "xk-cve-strategy-2015-2020", "tiers") == "primary"
    assert _cell("activities", "ba-ct-pcve-strategy-2021-2026", "tiers") == "primary;ct_law_enforcement"


# --- the first coding -------------------------------------------------------------------

@pytest.fixture(scope="module")
def first():
    return c.read_coding(DATA / "coding" / "first_coder.csv")


def test_first_coding_cites_codebook_rules(first):
    raw = pd.read_csv(DATA / "coding" / "first_coder.csv", dtype=str, keep_default_na=False)
    assert set(raw["rule"]) <= set(_rules())
    assert set(raw["changed"]) <= {"yes", "no"}
    tier_rules = {r for r in raw.loc[raw["field"] == "tiers", "rule"]}
    assert all(re.match(r"T[A-Z]?\d", r) for r in tier_rules)
    assert all(re.match(r"S\d", r) for r in raw.loc[raw["field"] == "sector", "rule"])


def test_every_activity_and_actor_is_coded_and_the_coding_is_applied(first):
    """Each row of the package has a first-coder decision, and the data hold that decision."""
    for (table, field), key in c.CODED_FIELDS.items():
        ids = set(pd.read_csv(DATA / f"{table}.csv", dtype=str)[key])
        coded = set(first.loc[first["table"] == table, "id"])
        assert ids <= coded, sorted(ids - coded)[:10]
    report = c.apply_coding(DATA, c.final_coding(DATA), write=False)
    assert set(report["status"]) <= {"unchanged", "missing"}
    assert (report["status"] == "unchanged").sum() >= 400


def test_strategies_are_coded_alike_in_both_sources():
    """No strategy carries every prevention tier; none with a P/CVE part is CT only."""
    acts = pd.read_csv(DATA / "activities.csv", dtype=str, keep_default_na=False)
    strat = acts[acts["activity_type"] == "strategy"]
    sets = {r.activity_id: set(filter(None, r.tiers.split(";"))) for r in strat.itertuples()}
    assert not [a for a, s in sets.items() if {"primary", "secondary", "tertiary"} <= s]
    ct_pcve = [a for a in ["ba-ct-pcve-strategy-2021-2026", "al-ct-strategy-2021-2025", "xk-ct-strategy-2023-2028",
                           "rs-ct-strategy-2017-2021", "mk-cve-ct-strategies-draft", "wb-joint-action-plan-ct"]
               if a in sets]  # rows merged by entity resolution may have gone
    assert len(ct_pcve) >= 4
    for aid in ct_pcve:
        assert sets[aid] == {"primary", "ct_law_enforcement"}, aid
    # every strategy without a prevention tier is one whose passage names only CT or no P/CVE
    no_prev = sorted(a for a, s in sets.items() if not s & {"primary", "secondary", "tertiary"})
    assert no_prev == ["osce-see-border-security-concept", "rs-nis-safety-communication-strategy",
                       "un-global-ct-strategy"]


@pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the checkout")
def test_codebook_and_coding_notes_are_in_own_words():
    n = 10
    grams = set()
    for src in SOURCES.glob("*.txt"):
        words = re.findall(r"[a-z0-9]+", src.read_text(encoding="utf-8").lower())
        grams.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    texts = [CODEBOOK.read_text(encoding="utf-8"), (DATA / "coding" / "first_coder.csv").read_text(encoding="utf-8")]
    copied = []
    for text in texts:
        words = re.findall(r"[a-z0-9]+", text.lower())
        copied += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1) if tuple(words[i:i + n]) in grams]
    assert copied == []


# --- reading, applying, blind input ------------------------------------------------------

@pytest.mark.parametrize("text,message", [
    ("table,id,field\nactivities,a,tiers\n", "missing column(s) ['value']"),
    ("table,id,field,value\nactivities,a,themes,x\n", "not coded; allowed: activities.tiers, actors.sector"),
    ("table,id,field,value\nactivities,a,tiers,primary;rr\n", "unknown label(s) ['rr']"),
    ("table,id,field,value\nactors,a,sector,x\nactors,a,sector,y\n", "coded twice: ['a']"),
])
def test_read_coding_rejects_bad_records(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        c.read_coding(io.StringIO(text))


def test_apply_coding_changes_only_the_coded_cells(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(DATA, pkg)
    before = pd.read_csv(pkg / "activities.csv", dtype=str, keep_default_na=False)
    rec = pd.DataFrame({"table": ["activities", "activities", "actors"],
                        "id": ["wb-ftf-list", "no-such-row", "iom"], "field": ["tiers", "tiers", "sector"],
                        "value": ["secondary;primary", "primary", "other"]})
    rep = c.apply_coding(pkg, rec).set_index("id")
    assert rep["status"].to_dict() == {"wb-ftf-list": "changed", "no-such-row": "missing", "iom": "unchanged"}
    after = pd.read_csv(pkg / "activities.csv", dtype=str, keep_default_na=False)
    diff = (before != after)
    assert diff.to_numpy().sum() == 1 and diff["tiers"].sum() == 1
    assert after.set_index("activity_id").loc["wb-ftf-list", "tiers"] == "primary;secondary"


def test_blind_input_hides_the_first_coding_and_matches_the_data():
    sheet = pd.read_csv(DATA / "coding" / "second_coder_input.csv", dtype=str, keep_default_na=False)
    assert list(sheet.columns) == ["table", "id", "name", "type", "country", "source_id", "locator", "field"]
    fresh = c.blind_input(DATA).set_index(["table", "id"])
    common = sheet.merge(fresh.reset_index(), on=["table", "id"], suffixes=("", "_now"))
    assert len(common) >= 400
    for col in ["name", "type", "country", "source_id", "locator"]:
        assert (common[col] == common[f"{col}_now"]).all(), col


# --- agreement --------------------------------------------------------------------------

def _rec(table, field, values):
    return pd.DataFrame({"table": table, "id": [f"r{i}" for i in range(len(values))], "field": field,
                         "value": values})


def test_kappa_worked_by_hand():
    """Six activities, two coders.

    coder A: P, P;S, S, T, CT, (empty)        coder B: P, P, S, T, T;CT, (empty)
    primary   A: 1 1 0 0 0 0  B: 1 1 0 0 0 0 -> identical, kappa 1
    secondary A: 0 1 1 0 0 0  B: 0 0 1 0 0 0 -> po 5/6; pA=2/6, pB=1/6; pe=2/6*1/6+4/6*5/6=22/36;
              kappa=(30/36-22/36)/(14/36)=8/14
    tertiary  A: 0 0 0 1 0 0  B: 0 0 0 1 1 0 -> po 5/6; pA=1/6, pB=2/6; pe=22/36 -> kappa 8/14
    ct        A: 0 0 0 0 1 0  B: 0 0 0 0 1 0 -> kappa 1
    mean of labels = (1 + 8/14 + 8/14 + 1) / 4 = 11/14
    exact set: 4 of 6 equal; categories A {P,PS,S,T,CT,E}, B {P,P,S,T,TCT,E}:
      pe = (1*2 + 1*0 + 1*1 + 1*1 + 1*0 + 1*1 + 0*1) / 36 = 5/36 (P: 1x2, S, T, E: 1x1)
      kappa = (24/36 - 5/36) / (31/36) = 19/31
    sector: A j j h h o o, B j h h h o o -> po 5/6; pA=(2,2,2)/6, pB=(1,3,2)/6;
      pe=(2+6+4)/36=12/36 -> kappa=(30-12)/(36-12)=18/24=0.75
    """
    a = pd.concat([_rec("activities", "tiers", ["primary", "primary;secondary", "secondary", "tertiary",
                                                "ct_law_enforcement", ""]),
                   _rec("actors", "sector", ["justice", "justice", "health", "health", "other", "other"])])
    b = pd.concat([_rec("activities", "tiers", ["primary", "primary", "secondary", "tertiary",
                                                "tertiary;ct_law_enforcement", ""]),
                   _rec("actors", "sector", ["justice", "health", "health", "health", "other", "other"])])
    k = c.agreement(a, b).set_index("measure")
    assert k.loc["tiers: primary", "kappa"] == pytest.approx(1.0)
    assert k.loc["tiers: secondary", "kappa"] == pytest.approx(8 / 14)
    assert k.loc["tiers: tertiary", "kappa"] == pytest.approx(8 / 14)
    assert k.loc["tiers: ct_law_enforcement", "kappa"] == pytest.approx(1.0)
    assert k.loc["tiers (mean of labels)", "kappa"] == pytest.approx(11 / 14)
    assert k.loc["tiers (mean of labels)", "agreement"] == pytest.approx(22 / 24)
    assert k.loc["tiers (exact set)", "kappa"] == pytest.approx(19 / 31)
    assert k.loc["tiers (exact set)", "agreement"] == pytest.approx(4 / 6)
    assert k.loc["sector", "kappa"] == pytest.approx(0.75)
    assert set(k["n"]) == {6}
    d = c.disagreements(a, b)
    assert d[["table", "id", "only_first", "only_second"]].values.tolist() == [
        ["activities", "r1", "secondary", ""], ["activities", "r4", "", "tertiary"],
        ["actors", "r1", "justice", "health"]]


def test_kappa_is_nan_when_a_label_is_never_used():
    a = _rec("activities", "tiers", ["primary", "primary;secondary"])
    k = c.agreement(a, a).set_index("measure")
    assert math.isnan(k.loc["tiers: tertiary", "kappa"])
    assert k.loc["tiers (mean of labels)", "kappa"] == pytest.approx(1.0)  # mean over defined labels


def test_summary_prints_kappa_when_a_second_coding_exists(tmp_path, capsys):
    from wbcti_analysis.cli import main

    pkg = tmp_path / "pkg"
    shutil.copytree(DATA, pkg)
    second = pd.read_csv(pkg / "coding" / "first_coder.csv", dtype=str, keep_default_na=False)
    second[["table", "id", "field", "value"]].assign(note="").to_csv(pkg / "coding" / "second_coder.csv",
                                                                      index=False)
    assert main(["summary", str(pkg)]) == 0
    out = capsys.readouterr().out
    assert "Double coding (Cohen's kappa" in out
    assert re.search(r"tiers \(mean of labels\)\s+243\s+1\.000\s+1\.000", out)


def _readme_kappa() -> dict[str, float]:
    """The kappa table of data/README.md: `| measure | n | agreement | kappa |` rows."""
    rows = {}
    for line in (DATA / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (sector|tiers[^|]*?) \| (\d+) \| ([0-9.]+) \| (-?[0-9.]+|n/a) \|$", line)
        if m:
            rows[m.group(1)] = float("nan") if m.group(4) == "n/a" else float(m.group(4))
    return rows


def test_markdown_table_is_what_the_readme_parser_reads():
    t = pd.DataFrame({"measure": ["sector", "tiers: tertiary", "tiers (exact set)"], "n": [9, 9, 9],
                      "agreement": [0.9, 1.0, 0.5], "kappa": [0.8123, float("nan"), -0.05]})
    text = c.agreement_markdown(t)
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\| (sector|tiers[^|]*?) \| (\d+) \| ([0-9.]+) \| (-?[0-9.]+|n/a) \|$", line)
        if m:
            rows[m.group(1)] = m.group(4)
    assert rows == {"sector": "0.812", "tiers: tertiary": "n/a", "tiers (exact set)": "-0.050"}


@pytest.mark.skipif(not (DATA / "coding" / "second_coder.csv").is_file(), reason="no second coding yet")
def test_kappa_matches_the_figure_in_the_readme():
    k = c.agreement(DATA / "coding" / "first_coder.csv", DATA / "coding" / "second_coder.csv")
    written = _readme_kappa()
    assert {"sector", "tiers (mean of labels)", "tiers (exact set)"} <= set(written)
    for measure, value in zip(k["measure"], k["kappa"]):
        if measure in written:
            assert round(value, 3) == pytest.approx(written[measure]) or (math.isnan(value)
                                                                          and math.isnan(written[measure]))
