"""Data quality (issue 11): candidate duplicates and decisions, evidence, fixes, source claims, `wbcti quality`."""
from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest

import wbcti_analysis as w
from conftest import BUNDLED_DIR, FIXTURE_DIR, SOURCES_DIR
from wbcti_analysis.cli import main
from wbcti_analysis.quality.candidates import (ACTOR_THRESHOLD, actor_score, find_candidates, name_similarity,
                                               read_decisions, undecided)
from wbcti_analysis.quality.report import (EVIDENCE_TABLES, evidence_problems, locator_sections, quality_report,
                                           section_text, value_in_text)

MERGED = {"rs-novi-pazar-local-security-council": ("actors", "rs-novi-pazar-msc"),
          "al-cve-center": ("actors", "al-national-coordinator-cve"),
          "xk-municipal-safety-councils": ("activities", "xk-mcsc"),
          "ba-pve-referral-mechanism": ("activities", "ba-iom-referral-mechanism-models"),
          "al-national-cve-strategy": ("activities", "al-national-strategy-cve-2016-2020")}


# ----------------------------------------------------------------------------- candidates and decisions

def test_no_candidate_pair_of_the_bundled_package_lacks_a_decision(bundled_ds):
    left = undecided(bundled_ds)
    assert left.empty, left.to_string()
    assert len(find_candidates(bundled_ds)) == 82


def test_decisions_file_is_well_formed_and_records_the_five_merges():
    dec = read_decisions(BUNDLED_DIR)
    assert set(dec["decision"]) == {"merged", "distinct"}
    assert (dec["reason"].str.len() > 10).all()
    merged = set(zip(dec.loc[dec["decision"] == "merged", "id_a"], dec.loc[dec["decision"] == "merged", "id_b"]))
    assert merged == {tuple(sorted((old, new))) for old, (_, new) in MERGED.items()}


def test_merged_ids_are_gone_from_every_table_and_cited_in_source_refs(bundled_ds):
    text = "\n".join(p.read_text(encoding="utf-8") for p in BUNDLED_DIR.glob("*.csv") if p.name != "source_refs.csv")
    for old, (table, new) in MERGED.items():
        ids = set(bundled_ds.tables[table].iloc[:, 0])
        assert new in ids and (old not in ids or table == "actors" and old == "al-cve-center")
        refs = bundled_ds.source_refs
        assert ((refs["table"] == table) & (refs["row_id"] == new) & (refs["source_id"] == "ran2023")).any(), new
    for old in ("rs-novi-pazar-local-security-council", "xk-municipal-safety-councils", "ba-pve-referral-mechanism",
                "al-national-cve-strategy"):
        assert f",{old}," not in text and f"\n{old}," not in text, old
    assert "al-cve-center" not in set(bundled_ds.actors["actor_id"])  # the actor; the mechanism row stays
    assert "al-cve-center" in set(bundled_ds.mechanisms["mechanism_id"])


def test_source_refs_point_at_existing_rows(bundled_ds):
    keys = {t: set(df.iloc[:, 0]) for t, df in bundled_ds.tables.items()}
    for t, rid in zip(bundled_ds.source_refs["table"], bundled_ds.source_refs["row_id"]):
        assert rid in keys[t], (t, rid)


def test_finder_lists_a_new_near_duplicate_until_it_is_decided(make_package, tmp_path):
    pkg = make_package({"actors": [
        {"actor_id": "xk-msc-a", "name": "Municipal Safety Council of Prizren", "actor_type": "local_government",
         "sector": "policy_coordination", "level": "local", "country": "XK", "source_id": "fx1", "locator": "s1"},
        {"actor_id": "xk-msc-b", "name": "Prizren Municipal Safety Council", "actor_type": "local_government",
         "sector": "policy_coordination", "level": "local", "country": "XK", "source_id": "fx2", "locator": "s2"},
    ]}, mode="append")
    ds = w.load(pkg)
    cand = find_candidates(ds)
    row = cand[(cand["id_a"] == "xk-msc-a") & (cand["id_b"] == "xk-msc-b")]
    # name: token sets equal -> 1.0; no acronyms -> 0; same type, same country: 0.6 + 0.1 + 0.1
    assert row["table"].tolist() == ["actors"] and row["score"].tolist() == [0.8]
    assert ("xk-msc-a", "xk-msc-b") in set(zip(undecided(ds)["id_a"], undecided(ds)["id_b"]))
    dec = tmp_path / "dec.csv"
    dec.write_text("table,id_a,id_b,score,decision,reason\nactors,xk-msc-b,xk-msc-a,0.8,distinct,test\n")
    assert ("xk-msc-a", "xk-msc-b") not in set(zip(undecided(ds, dec)["id_a"], undecided(ds, dec)["id_b"]))


@pytest.mark.parametrize("a,b,expected", [
    ("Municipal Safety Councils (Kosovo)", "Municipal safety councils, Kosovo", 1.0),
    ("Ministry of Justice", "Ministry of Justice", 1.0),
    ("European Commission", "Hedayah", 0.15),
])
def test_name_similarity(a, b, expected):
    assert name_similarity(a, b) == pytest.approx(expected, abs=0.01)


def test_actor_score_in_different_countries_never_pairs(fixture_ds):
    a = {"name": "State Police", "actor_type": "police", "country": "AL"}
    b = {"name": "State Police", "actor_type": "police", "country": "XK"}
    assert actor_score(a, b) == 0.7 and ACTOR_THRESHOLD < 0.7  # high score (no country term) ...
    cand = find_candidates(fixture_ds)  # ... yet pairs across countries are never listed
    assert not ((cand["id_a"] == "al-police") & (cand["id_b"] == "xk-police")).any()


def test_threshold_outside_unit_interval_is_refused(fixture_ds):
    with pytest.raises(ValueError, match="activity_threshold must be between 0 and 1"):
        find_candidates(fixture_ds, activity_threshold=1.5)


# ----------------------------------------------------------------------------- evidence

def test_every_inferred_row_has_a_note_and_stated_rows_have_none(bundled_ds):
    assert evidence_problems(bundled_ds) == []
    for t in EVIDENCE_TABLES:
        df = bundled_ds.tables[t]
        assert set(df["evidence"].dropna().astype(str)) <= {"stated", "inferred"}
        assert df.loc[df["evidence"] == "stated", "evidence_note"].isna().all(), t


@pytest.mark.parametrize("table,inferred", [("participations", 120), ("funding", 36), ("relations", 15),
                                            ("figures", 1), ("mechanism_features", 25)])
def test_inferred_counts_per_table(bundled_ds, table, inferred):
    assert int((bundled_ds.tables[table]["evidence"] == "inferred").sum()) == inferred


def test_an_inferred_row_without_note_is_reported(make_package):
    pkg = make_package({"funding": "funding_id,funder_id,activity_id,instrument,amount,currency,note,evidence,"
                                   "evidence_note,source_id,locator\nf09,donor-a,a1,,,,,inferred,,fx1,s1\n"},
                       mode="append")
    ds = w.load(pkg)  # Table Schema cannot say "required when inferred": the package is valid ...
    assert evidence_problems(ds) == ["funding: f09 is inferred but has no evidence_note"]  # ... the check catches it
    assert quality_report(ds).numbers()["inferred_without_note"] == 1


def test_evidence_columns_are_declared_with_their_enum_and_filled_in_the_bundled_data(bundled_ds):
    """Optional in the descriptor (other packages may not record it), complete in ours."""
    for t in EVIDENCE_TABLES:
        f = bundled_ds.field(t, "evidence")
        assert f["constraints"] == {"enum": ["stated", "inferred"]}
        assert "evidence_note" in bundled_ds.tables[t]
        assert bundled_ds.tables[t]["evidence"].notna().all(), f"{t}: rows without evidence"


# ----------------------------------------------------------------------------- fixes and figures

def test_fixes_are_recorded_and_applied(bundled_ds):
    with open(BUNDLED_DIR / "coding" / "fixes.csv", encoding="utf-8") as fh:
        fixes = list(csv.DictReader(fh))
    assert len(fixes) == 11 and all(f["why"] and f["locator"] for f in fixes)
    assert not {"r-fig-009", "w-fig-006", "w-fig-007"} & set(bundled_ds.figures["figure_id"])
    assert "w-f-008" not in set(bundled_ds.funding["funding_id"])
    fund = bundled_ds.funding.set_index("funding_id")
    assert (fund.loc[[f"r-f-00{i}" for i in range(2, 8)], "activity_id"] == "xk-cso-rr-support-returnees").all()
    assert fund.at["r-f-008", "activity_id"] == "xk-dprrp-rr-programme"
    funders = set(zip(bundled_ds.funding["funder_id"], bundled_ds.funding["activity_id"]))
    assert ("gcerf", "xk-dprrp-rr-programme") not in funders and ("iom", "xk-dprrp-rr-programme") in funders


@pytest.mark.parametrize("value,text,found", [
    (100, "some 100 first-line prison staff", True),
    (100, "there are hundreds of FTFs", False),
    (2, "meets twice annually", True),
    (40, "up to 40 participants", True),
    (4, "up to 40 participants", False),
    (10, "more than ten research projects", True),
])
def test_value_in_text(value, text, found):
    assert value_in_text(value, text) is found


def test_locator_sections_and_section_text():
    assert locator_sections("a) Setup, paragraph 3; Key Lessons, item 4") == ["a) Setup", "Key Lessons"]
    text = "a) Setup\nOne body.\nKey Lessons\nThere are hundreds."
    assert section_text(text, "Key Lessons, item 4", ["a) Setup", "Key Lessons"]) == "Key Lessons\nThere are hundreds."
    assert section_text(text, "Nowhere, item 1") is None


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources is not beside the checkout")
def test_every_figure_value_is_stated_in_its_source_section(bundled_ds):
    files = dict(zip(bundled_ds.sources["source_id"], bundled_ds.sources["file"]))
    texts = {sid: (SOURCES_DIR / f).read_text(encoding="utf-8") for sid, f in files.items()}
    missing = []
    headings = {sid: sorted({s for t, df in bundled_ds.tables.items() if "locator" in df and t != "sources"
                             for src, loc in zip(df["source_id"], df["locator"]) if src == sid
                             for s in locator_sections(loc)}) for sid in texts}
    for r in bundled_ds.figures.itertuples():
        passage = section_text(texts[r.source_id], r.locator, headings[r.source_id])
        if passage is None or not value_in_text(r.value, passage):
            missing.append(f"{r.figure_id} ({r.value:g}) in {r.locator[:60]}")
    assert missing == []


# ----------------------------------------------------------------------------- claims

@pytest.mark.parametrize("claim_id,source_id,topic", [
    ("w-c-003", "wbcti2018", "wbcti-networks-link-operational-and-policy-levels"),
    ("r-c-003", "ran2023", "law-enforcement-cooperation-weak"),
    ("r-c-004", "ran2023", "international-grants-favour-rr"),
])
def test_source_claims_the_notebooks_test_exist(bundled_ds, claim_id, source_id, topic):
    c = bundled_ds.claims.set_index("claim_id").loc[claim_id]
    assert (c["source_id"], c["topic"], c["kind"]) == (source_id, topic, "source_claim")
    assert len(str(c["locator"])) > 10 and len(str(c["note"])) > 20


def test_albanian_coordination_body_disagreement_has_both_sides(bundled_ds):
    cl = bundled_ds.claims[bundled_ds.claims["topic"] == "al-cve-coordination-body-placement"]
    assert set(cl["source_id"]) == {"wbcti2018", "ran2023"} and cl["value"].nunique() == 2
    assert set(cl["kind"]) == {"disagreement"}


# ----------------------------------------------------------------------------- the report and the command

def test_quality_report_numbers_on_the_bundled_data(bundled_ds):
    n = quality_report(bundled_ds, sources_dir=SOURCES_DIR if SOURCES_DIR.is_dir() else None).numbers()
    assert n["candidates_undecided"] == 0 and n["inferred_without_note"] == 0
    assert (n["inferred_rows"], n["evidence_rows"]) == (197, 1051)
    assert n["figures_without_unit"] == 0
    if SOURCES_DIR.is_dir():
        assert n["locators_without_section"] == 3  # 'Title page and Legal notice' (ran2023 paper, 3 rows)


@pytest.mark.parametrize("folder", [BUNDLED_DIR, FIXTURE_DIR], ids=["bundled", "fixture"])
def test_wbcti_quality_runs(folder, capsys):
    assert main(["quality", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Candidate duplicates:" in out and "Rows per source and table:" in out
    if folder == FIXTURE_DIR:
        assert "Evidence: 1 of 58 rows coded inferred" in out and "Activities without a tier: 1" in out


def test_wbcti_quality_refuses_an_invalid_package(make_package, capsys):
    pkg = make_package({"funding": "funding_id,funder_id,activity_id,instrument,amount,currency,note,evidence,"
                                   "evidence_note,source_id,locator\nf09,donor-a,a1,,,,,maybe,,fx1,s1\n"},
                       mode="append")
    assert main(["quality", str(pkg)]) == 1
    assert "evidence" in capsys.readouterr().err


def test_quality_module_keeps_the_package_import_light():
    code = ("import sys, wbcti_analysis.quality, wbcti_analysis.quality.candidates, wbcti_analysis.quality.report;"
            "print(sorted(m for m in ('pandas', 'sklearn', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_funding_rows_and_their_funder_participations_agree_on_evidence(bundled_ds):
    p = bundled_ds.participations[bundled_ds.participations["role"] == "funder"]
    ev = {(a, b): str(e) for a, b, e in zip(p["actor_id"], p["activity_id"], p["evidence"])}
    f = bundled_ds.funding
    assert [fid for fid, a, b, e in zip(f["funding_id"], f["funder_id"], f["activity_id"], f["evidence"])
            if ev.get((a, b)) != str(e)] == []


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources is not beside the checkout")
def test_evidence_notes_are_in_own_words(bundled_ds):
    import re

    def words(t):
        return re.findall(r"[a-z0-9]+", t.lower())

    grams = set()
    for src in SOURCES_DIR.glob("*.txt"):
        ws = words(src.read_text(encoding="utf-8"))
        grams.update(tuple(ws[i:i + 10]) for i in range(len(ws) - 9))
    copied = [n for t in EVIDENCE_TABLES for n in bundled_ds.tables[t]["evidence_note"].dropna().unique()
              if any(tuple(words(n)[i:i + 10]) in grams for i in range(len(words(n)) - 9))]
    assert copied == []
