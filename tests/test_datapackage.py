"""The loader and validator: typed output on the fixture package and one clear error per kind of bad input."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import wbcti_analysis as w
from wbcti_analysis.cli import main as cli_main
from wbcti_analysis.datapackage import partial_date_bounds

FIXTURE = Path(__file__).parent / "data" / "fixture"
BUNDLED = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A writable copy of the fixture package."""
    dest = tmp_path / "pkg"
    shutil.copytree(FIXTURE, dest)
    return dest


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _messages(path: Path) -> list[str]:
    return [str(p) for p in w.validate(path)]


# ----------------------------------------------------------------------------- typed output


def test_fixture_loads_with_typed_tables():
    ds = w.load(FIXTURE)
    assert list(ds.tables) == ["sources", "actors", "activities", "participations", "funding", "relations",
                               "mechanisms", "mechanism_features", "figures", "claims", "source_refs"]
    assert len(ds.actors) == 12 and len(ds.activities) == 9 and len(ds.participations) == 27
    # enums are categoricals carrying every allowed value
    assert isinstance(ds.actors["sector"].dtype, pd.CategoricalDtype)
    assert "religious" in ds.actors["sector"].cat.categories
    assert ds.participations["role"].value_counts()["funder"] == 8
    # integers, numbers and booleans
    assert str(ds.activities["ipa_objective"].dtype) == "Int64"
    assert ds.activities.set_index("activity_id").loc["a1", "ipa_objective"] == 1
    assert ds.activities["ipa_objective"].isna().sum() == 8
    assert ds.funding["amount"].dtype == "float64"
    assert ds.funding["amount"].sum() == 600000.0
    assert ds.mechanisms.set_index("mechanism_id")["reference_model"].to_dict() == {"a2": False, "a9": True}
    assert not ds.mechanism_features.set_index("feature_id").loc["mf07", "present"]
    # list columns are tuples, with long forms
    acts = ds.activities.set_index("activity_id")
    assert acts.loc["a1", "countries"] == ("AL", "XK")
    assert acts.loc["a8", "tiers"] == ()
    tiers = ds.activity_tiers
    assert sorted(tiers[tiers.activity_id == "a2"]["value"].astype(str)) == ["secondary", "tertiary"]
    assert ds.activity_countries["value"].astype(str).value_counts().to_dict() == {"AL": 6, "XK": 4}
    # partial dates get earliest / latest bounds
    assert acts.loc["a3", "start_date_earliest"] == pd.Timestamp("2018-03-01")
    assert acts.loc["a3", "end_date_latest"] == pd.Timestamp("2018-03-31")
    assert acts.loc["a4", "end_date_latest"] == pd.Timestamp("2021-06-30")
    assert acts.loc["a1", "start_date_latest"] == pd.Timestamp("2015-12-31")
    assert pd.isna(acts.loc["a2", "start_date_earliest"])
    # empty cells are missing values, not empty strings
    assert ds.actors.set_index("actor_id").loc["eu-com", "country"] is pd.NA or pd.isna(
        ds.actors.set_index("actor_id").loc["eu-com", "country"])


def test_partial_date_bounds():
    import datetime as dt

    assert partial_date_bounds("2016-02") == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    assert partial_date_bounds("2017-11-07") == (dt.date(2017, 11, 7),) * 2
    assert partial_date_bounds("") == (None, None)
    with pytest.raises(ValueError):
        partial_date_bounds("2017-02-30")


def test_summary_and_coverage():
    ds = w.load(FIXTURE)
    summary = ds.summary().set_index("table")
    assert summary.loc["participations", "rows"] == 27
    assert summary.loc["participations", "rows from fx2"] == 16
    cov = ds.country_coverage()
    assert cov.loc["XK", "actors"] == 5 and cov.loc["AL", "activities"] == 6 and cov.loc["RS", "activities"] == 0


# ----------------------------------------------------------------------------- bad input


def test_broken_csv_row_is_reported_with_its_line(pkg):
    with (pkg / "actors.csv").open("a", encoding="utf-8") as fh:
        fh.write("extra-actor,Too many cells,,cso,civil_society,local,AL,,,fx1,s1,SURPLUS\n")
    msgs = _messages(pkg)
    assert msgs == ["actors.csv, row 14: broken CSV: 12 cells but the header has 11"]


def test_unclosed_quote_is_a_broken_csv(pkg):
    with (pkg / "claims.csv").open("a", encoding="utf-8") as fh:
        fh.write('c03,topic,actors,eu-com,name,"unterminated,,fx1,s1\n')
    msgs = _messages(pkg)
    assert len(msgs) == 1 and msgs[0].startswith("claims.csv, row 4: broken CSV")


def test_missing_column(pkg):
    path = pkg / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = [",".join(c for i, c in enumerate(line.split(",")) if i != 4) for line in lines]  # drop 'sector'
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    msgs = _messages(pkg)
    assert "actors.csv, row 1, column 'sector': missing column (named by datapackage.json)" in msgs


def test_unknown_enum_value_names_file_row_column_and_value(pkg):
    _edit(pkg / "actors.csv", "xk-cso,Community NGO X,,cso,civil_society", "xk-cso,Community NGO X,,cso,civic")
    msgs = _messages(pkg)
    assert len(msgs) == 1
    assert msgs[0].startswith("actors.csv, row 9, column 'sector': 'civic': unknown value; allowed: law_enforcement")


def test_unknown_value_in_a_list_column(pkg):
    _edit(pkg / "activities.csv", "AL;XK,regional", "AL;KS,regional")
    msgs = _messages(pkg)
    assert msgs[0].startswith("activities.csv, row 2, column 'countries': 'AL;KS': unknown value(s) 'KS'")


def test_duplicate_id(pkg):
    with (pkg / "actors.csv").open("a", encoding="utf-8") as fh:
        fh.write("xk-police,Duplicate police,,police,law_enforcement,national,XK,,,fx1,s1\n")
    msgs = _messages(pkg)
    assert msgs == ["actors.csv, row 14, column 'actor_id': 'xk-police': duplicate primary key (first at row 6)"]


def test_dangling_foreign_key(pkg):
    _edit(pkg / "participations.csv", "p26,xk-cso,a8", "p26,nobody,a8")
    msgs = _messages(pkg)
    assert msgs == ["participations.csv, row 27, column 'actor_id': 'nobody': dangling reference: "
                    "no row in actors.csv has actor_id = nobody"]


def test_malformed_and_reversed_dates(pkg):
    _edit(pkg / "activities.csv", "2018-03,2018-03,completed", "2018-13,2018-03,completed")
    _edit(pkg / "activities.csv", "2019,2020,completed", "2020,2019,completed")
    msgs = _messages(pkg)
    assert msgs == [
        "activities.csv, row 4, column 'start_date': '2018-13': malformed partial date (expected YYYY, YYYY-MM or YYYY-MM-DD)",
        "activities.csv, row 6, column 'end_date': '2019': reversed dates: ends before start_date 2020",
    ]


def test_all_problems_of_a_file_are_collected_and_load_raises(pkg):
    _edit(pkg / "funding.csv", "f02,donor-a,a2,,,,", "f02,donor-a,a2,,-5,YEN,")
    _edit(pkg / "funding.csv", "f03,donor-a,a3", "f03,donor-a,a99")
    problems = w.validate(pkg)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("funding.csv", 3, "amount"), ("funding.csv", 3, "currency"), ("funding.csv", 4, "activity_id")]
    with pytest.raises(w.DataValidationError) as err:
        w.load(pkg)
    assert len(err.value.problems) == 3
    assert "3 problem(s)" in str(err.value) and "funding.csv, row 3, column 'amount': '-5': below the minimum 0" in str(err.value)


def test_required_value_and_feature_vocabulary(pkg):
    _edit(pkg / "figures.csv", "g01,meetings_held,7,exact", "g01,meetings_held,,exact")
    _edit(pkg / "mechanism_features.csv", "mf04,a2,police_role,member", "mf04,a2,police_role,boss")
    msgs = _messages(pkg)
    assert "figures.csv, row 2, column 'value': required value is empty" in msgs
    assert any(m.startswith("mechanism_features.csv, row 5, column 'value': 'boss': unknown value for feature 'police_role'")
               for m in msgs)


def test_validation_never_modifies_user_files(pkg):
    _edit(pkg / "actors.csv", "civil_society,local,XK", "civic,local,XK")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in pkg.iterdir()}
    with pytest.raises(w.DataValidationError):
        w.load(pkg)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in pkg.iterdir()}
    assert before == after


def test_missing_descriptor_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no datapackage.json here"):
        w.load(tmp_path)


def test_cli_validate_exit_codes(pkg, capsys):
    assert cli_main(["validate", str(pkg)]) == 0
    assert "is valid" in capsys.readouterr().out
    _edit(pkg / "participations.csv", "p26,xk-cso,a8,participant", "p26,xk-cso,a8,sponsor")
    assert cli_main(["validate", str(pkg)]) == 1
    err = capsys.readouterr().err
    assert "participations.csv, row 27, column 'role': 'sponsor': unknown value" in err


def test_fixture_descriptor_is_the_bundled_one():
    assert (FIXTURE / "datapackage.json").read_text() == (BUNDLED / "datapackage.json").read_text()


def test_list_patterns_agree_with_list_enums():
    """The Frictionless pattern of each list column must accept exactly the enum the loader checks."""
    import json
    import re

    desc = json.loads((BUNDLED / "datapackage.json").read_text())
    for res in desc["resources"]:
        for f in res["schema"]["fields"]:
            if "wbcti:list" in f:
                pattern = f["constraints"]["pattern"]
                for v in f["wbcti:list"]["enum"]:
                    assert re.fullmatch(pattern, v)
                assert re.fullmatch(pattern, ";".join(f["wbcti:list"]["enum"][:2]))
                assert not re.fullmatch(pattern, "zz")


# ----------------------------------------------------------------------------- lightness


def test_import_is_light():
    code = ("import sys, wbcti_analysis; heavy = [m for m in ('matplotlib', 'seaborn', 'sklearn', 'pandas', "
            "'networkx', 'frictionless', 'papermill') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
