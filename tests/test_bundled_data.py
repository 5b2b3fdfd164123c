"""The bundled data package: coverage floors, provenance, own words, no private individuals."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED_DIR as DATA
from conftest import SOURCES_DIR as SOURCES

import wbcti_analysis as w
from wbcti_analysis.datapackage import WESTERN_BALKANS as WB6


@pytest.fixture(scope="module")
def ds(bundled_ds):
    return bundled_ds


def test_bundled_package_is_valid(ds):
    assert w.bundled_data_path().resolve() == DATA.resolve() == ds.path.resolve()
    assert w.validate() == []


def test_frictionless_own_validator_accepts_the_package():
    """The Frictionless project's own validator, run as a user would: `frictionless validate data/datapackage.json`."""
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", "--json", str(DATA / "datapackage.json")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert '"valid": true' in result.stdout


@pytest.mark.parametrize("table,floor", [("actors", 100), ("activities", 80), ("participations", 250),
                                         ("funding", 40), ("relations", 60), ("mechanisms", 8), ("figures", 25)])
def test_coverage_floors(ds, table, floor):
    assert len(ds.tables[table]) >= floor


def test_every_western_balkan_beneficiary_is_covered(ds):
    cov = ds.country_coverage(WB6)
    assert (cov["activities"] >= 5).all(), cov
    assert (cov["actors"] >= 3).all(), cov


@pytest.mark.parametrize("table,floor", [("actors", 40), ("activities", 60), ("participations", 150),
                                         ("relations", 30), ("mechanism_features", 40), ("figures", 8)])
def test_both_sources_are_well_represented(ds, table, floor):
    # The RAN paper states few numbers (9 figures), hence the lower floor for figures.
    counts = ds.tables[table]["source_id"].value_counts()
    assert counts.get("wbcti2018", 0) >= floor and counts.get("ran2023", 0) >= floor, counts.to_dict()


def test_every_row_has_provenance(ds):
    for name, df in ds.tables.items():
        assert df["source_id"].notna().all(), name
        assert df["locator"].notna().all() and (df["locator"].str.strip().str.len() > 3).all(), name
        assert set(df["source_id"]) <= set(ds.sources["source_id"]), name


def test_gjilan_start_year_disagreement_is_recorded(ds):
    claims = ds.claims[ds.claims["topic"] == "gjilan-year-established"]
    assert set(claims["source_id"]) == {"wbcti2018", "ran2023"}
    assert claims["value"].nunique() == 2


def test_every_claim_topic_has_both_sides(ds):
    # Only disagreements come in pairs; a source_claim (a finding the notebooks test) stands alone.
    per_topic = ds.claims[ds.claims["kind"] == "disagreement"].groupby("topic", observed=True)["value"].nunique()
    assert (per_topic >= 2).all(), per_topic[per_topic < 2].index.tolist()


def test_funding_rows_have_funder_participations(ds):
    funders = set(zip(ds.participations.loc[ds.participations["role"] == "funder", "actor_id"],
                      ds.participations.loc[ds.participations["role"] == "funder", "activity_id"]))
    missing = [(a, b) for a, b in zip(ds.funding["funder_id"], ds.funding["activity_id"]) if (a, b) not in funders]
    assert missing == []


def test_mechanisms_are_activities_of_type_mechanism(ds):
    acts = ds.activities.set_index("activity_id")
    assert (acts.loc[ds.mechanisms["mechanism_id"], "activity_type"] == "mechanism").all()


# People the sources name (quoted officials, interviewees, authors): none may appear in the data.
PEOPLE = ["Marković", "Markovic", "Rizvo", "Bytyqi", "Malaj", "Qenami", "Makolli", "Keka", "Hoti", "Qena",
          "Azinovic", "Musliu", "Kapidži", "Perteshi", "Orana", "Mishkova", "Fetiu", "Rosand", "Manton", "Sarma"]


def test_no_private_individuals(ds):
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.csv")))
    found = [name for name in PEOPLE if re.search(rf"\b{name}\b", text)]
    assert found == []


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the checkout")
def test_rows_are_in_own_words(ds):
    """No description or note repeats a run of 10 or more consecutive words of a source document.

    Titles and names are exempt: they keep the proper names of publications and projects.
    """
    n = 10
    grams = set()
    for src in SOURCES.glob("*.txt"):
        words = _words(src.read_text(encoding="utf-8"))
        grams.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    copied = []
    for name, df in ds.tables.items():
        for col in ("description", "note"):
            if col not in df:
                continue
            for value in df[col].dropna():
                words = _words(value)
                if any(tuple(words[i:i + n]) in grams for i in range(len(words) - n + 1)):
                    copied.append(f"{name}.{col}: {value[:80]}")
    assert copied == []
