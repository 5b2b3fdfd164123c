"""The loader and validator: typed output on the fixture package and one clear message per kind of bad input.

The bad-input cases are one table (``BAD_INPUT``): an id, the edits made to a copy of the
fixture package, the message(s) expected and, where the old tests fixed it, the exact
number of problems. The cases that are plain Table Schema are also given to
frictionless' own validator, which must flag the same row: the two must not disagree.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import BUNDLED_DIR, FIXTURE_DIR

import wbcti_analysis as w
from wbcti_analysis.cli import main as cli_main
from wbcti_analysis.datapackage import partial_date_bounds

# ----------------------------------------------------------------------------- editing a package copy


def _replace(table: str, old: str, new: str):
    def edit(folder):
        path = folder / f"{table}.csv"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not found in {path.name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def _append(table: str, line: str):
    def edit(folder):
        with (folder / f"{table}.csv").open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    return edit


def _drop_column(table: str, index: int):
    def edit(folder):
        path = folder / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        cut = [",".join(c for i, c in enumerate(line.split(",")) if i != index) for line in lines]
        path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    return edit


def _write(table: str, data: bytes):
    def edit(folder):
        (folder / f"{table}.csv").write_bytes(data)
    return edit


def _delete(table: str):
    def edit(folder):
        (folder / f"{table}.csv").unlink()
    return edit


def _header(table: str, old: str, new: str):
    def edit(folder):
        path = folder / f"{table}.csv"
        head, rest = path.read_text(encoding="utf-8").split("\n", 1)
        path.write_text(head.replace(old, new, 1) + "\n" + rest, encoding="utf-8")
    return edit


@pytest.fixture
def edited(make_package):
    """``edited(*edits)``: a copy of the fixture package with the edits applied."""
    def factory(*edits):
        folder = make_package()
        for edit in edits:
            edit(folder)
        return folder
    return factory


def _messages(path) -> list[str]:
    return [str(p) for p in w.validate(path)]


# ----------------------------------------------------------------------------- bad input, one table

# (case id, edits, expected message substrings, exact problem count or None, frictionless flags the row)
BAD_INPUT = [
    ("broken-row", [_append("actors", "extra-actor,Too many cells,,cso,civil_society,local,AL,,,fx1,s1,SURPLUS")],
     ["actors.csv, row 14: broken CSV: 12 cells but the header has 11"], 1, 14),
    ("unclosed-quote", [_append("claims", 'c03,topic,actors,eu-com,name,"unterminated,,fx1,s1')],
     ["claims.csv, row 4: broken CSV"], 1, None),
    ("missing-column", [_drop_column("actors", 4)],
     ["actors.csv, row 1, column 'sector': missing column (named by datapackage.json)"], None, None),
    ("unknown-enum", [_replace("actors", "xk-cso,Community NGO X,,cso,civil_society", "xk-cso,Community NGO X,,cso,civic")],
     ["actors.csv, row 9, column 'sector': 'civic': unknown value; allowed: law_enforcement"], 1, 9),
    ("unknown-list-value", [_replace("activities", "AL;XK,regional", "AL;KS,regional")],
     ["activities.csv, row 2, column 'countries': 'AL;KS': unknown value(s) 'KS'; allowed: AL, BA, XK"], 1, 2),
    ("duplicate-id", [_append("actors", "xk-police,Duplicate police,,police,law_enforcement,national,XK,,,fx1,s1")],
     ["actors.csv, row 14, column 'actor_id': 'xk-police': duplicate primary key (first at row 6)"], 1, 14),
    ("dangling-foreign-key", [_replace("participations", "p26,xk-cso,a8", "p26,nobody,a8")],
     ["participations.csv, row 27, column 'actor_id': 'nobody': dangling reference: "
      "no row in actors.csv has actor_id = nobody"], 1, 27),
    ("malformed-and-reversed-dates", [_replace("activities", "2018-03,2018-03,completed", "2018-13,2018-03,completed"),
                                      _replace("activities", "2019,2020,completed", "2020,2019,completed")],
     ["activities.csv, row 4, column 'start_date': '2018-13': malformed partial date (expected YYYY, YYYY-MM or YYYY-MM-DD)",
      "activities.csv, row 6, column 'end_date': '2019': reversed dates: ends before start_date 2020"], 2, None),
    ("required-value", [_replace("figures", "g01,meetings_held,7,exact", "g01,meetings_held,,exact")],
     ["figures.csv, row 2, column 'value': required value is empty"], 1, 2),
    ("feature-vocabulary", [_replace("mechanism_features", "mf04,a2,police_role,member", "mf04,a2,police_role,boss")],
     ["mechanism_features.csv, row 5, column 'value': 'boss': unknown value for feature 'police_role'; allowed: lead, member"],
     1, None),
    # caught before as well, not tested before
    ("feature-pattern", [_replace("mechanism_features", "mf13,a2,year_established,2016", "mf13,a2,year_established,16")],
     ["mechanism_features.csv, row 14, column 'value': '16': year_established must be a 4-digit year"], 1, None),
    ("unknown-column", [_header("funding", "note", "remark")],
     ["funding.csv, row 1, column 'remark': unknown column; expected columns: funding_id, funder_id",
      "funding.csv, row 1, column 'note': missing column (named by datapackage.json)"], 2, None),
    ("not-an-integer", [_replace("activities", "completed,1,Regular", "completed,one,Regular")],
     ["activities.csv, row 2, column 'ipa_objective': 'one': not an integer"], 1, 2),
    ("not-a-number", [_replace("funding", "ISF Police,500000,EUR", "ISF Police,half a million,EUR")],
     ["funding.csv, row 2, column 'amount': 'half a million': not a number"], 1, 2),
    ("above-maximum", [_replace("activities", "completed,1,Regular", "completed,11,Regular")],
     ["activities.csv, row 2, column 'ipa_objective': '11': above the maximum 10"], 1, 2),
    ("pattern", [_replace("actors", "xk-cso,Community NGO X", "XK CSO,Community NGO X")],
     ["actors.csv, row 9, column 'actor_id': 'XK CSO': does not match the pattern ^[a-z0-9][a-z0-9_.-]*$"], None, 9),
    ("no-such-day", [_replace("activities", "2018-03,2018-03,completed", "2018-02-30,2018-03,completed")],
     ["activities.csv, row 4, column 'start_date': '2018-02-30': malformed partial date: no such day in the calendar"],
     1, None),
    ("list-value-twice", [_replace("activities", "AL;XK,regional", "XK;XK,regional")],
     ["activities.csv, row 2, column 'countries': 'XK;XK': a value is listed twice"], 1, None),
    ("reversed-figure-period", [_replace("figures", "g02,cases_treated,40,more_than,people,a4,xk-social,XK,2018,2022",
                                         "g02,cases_treated,40,more_than,people,a4,xk-social,XK,2022-05,2018")],
     ["figures.csv, row 3, column 'period_end': '2018': reversed dates: ends before period_start 2022-05"], 1, None),
    ("dangling-self-reference", [_replace("actors", "xk-cso,Community NGO X,,cso,civil_society,local,XK,",
                                          "xk-cso,Community NGO X,,cso,civil_society,local,XK,nobody")],
     ["actors.csv, row 9, column 'parent_id': 'nobody': dangling reference: no row in actors.csv has actor_id = nobody"],
     1, 9),
    ("missing-file", [_delete("claims")], ["claims.csv: file is missing (named by datapackage.json)"], 1, None),
    ("empty-file", [_write("claims", b"")], ["claims.csv: file is empty: expected a header row"], 1, None),
    ("not-utf8", [_write("sources", "source_id,title\nfx1,Caf\xe9\n".encode("latin-1"))],
     ["sources.csv: not UTF-8 text"], 1, None),
    ("column-twice", [_header("claims", "note", "value")],
     ["claims.csv, row 1: a column name appears twice in the header"], None, None),
    # a type error must not hide the range checks of the rest of its column
    ("wrong-type-and-out-of-range-in-one-column", [_replace("activities", "completed,1,Regular", "completed,one,Regular"),
                                                   _replace("activities", "unknown,,Forum", "unknown,11,Forum")],
     ["activities.csv, row 2, column 'ipa_objective': 'one': not an integer",
      "activities.csv, row 9, column 'ipa_objective': '11': above the maximum 10"], 2, 2),
    # caught now, not before: Table Schema's booleans are true/false/1/0 (the old validator took yes/no)
    ("boolean-yes", [_replace("mechanisms", "local,false,Local multi-agency", "local,yes,Local multi-agency")],
     ["mechanisms.csv, row 2, column 'reference_model': 'yes': not a boolean (true or false)"], 1, 2),
]


@pytest.mark.parametrize("edits,expected,count", [c[1:4] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_reported_with_file_row_column_and_value(edited, edits, expected, count):
    msgs = _messages(edited(*edits))
    for text in expected:
        assert any(text in m for m in msgs), f"{text!r} not in {msgs}"
    if count is not None:
        assert len(msgs) == count, msgs


FRICTIONLESS_CASES = [c for c in BAD_INPUT if c[4] is not None]


@pytest.mark.parametrize("edits,row", [(c[1], c[4]) for c in FRICTIONLESS_CASES], ids=[c[0] for c in FRICTIONLESS_CASES])
def test_frictionless_flags_the_same_row(edited, edits, row):
    """The Table Schema cases: frictionless' own validator finds a problem on the same row (no disagreement)."""
    frictionless = pytest.importorskip("frictionless")
    folder = edited(*edits)
    report = frictionless.Package(str(folder / "datapackage.json")).validate()
    assert row in [r[0] for r in report.flatten(["rowNumber"])]


def test_all_problems_of_a_file_are_collected_and_load_raises(edited):
    pkg = edited(_replace("funding", "f02,donor-a,a2,,,,", "f02,donor-a,a2,,-5,YEN,"),
                 _replace("funding", "f03,donor-a,a3", "f03,donor-a,a99"))
    problems = w.validate(pkg)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("funding.csv", 3, "amount"), ("funding.csv", 3, "currency"), ("funding.csv", 4, "activity_id")]
    with pytest.raises(w.DataValidationError) as err:
        w.load(pkg)
    assert len(err.value.problems) == 3
    assert "3 problem(s)" in str(err.value) and "funding.csv, row 3, column 'amount': '-5': below the minimum 0" in str(err.value)


def test_validation_never_modifies_user_files(edited):
    pkg = edited(_replace("actors", "civil_society,local,XK", "civic,local,XK"))
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in pkg.iterdir()}
    with pytest.raises(w.DataValidationError):
        w.load(pkg)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in pkg.iterdir()}
    assert before == after


def test_missing_descriptor_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no datapackage.json here"):
        w.load(tmp_path)


def test_cli_validate_exit_codes(edited, capsys):
    pkg = edited()
    assert cli_main(["validate", str(pkg)]) == 0
    assert "is valid" in capsys.readouterr().out
    _replace("participations", "p26,xk-cso,a8,participant", "p26,xk-cso,a8,sponsor")(pkg)
    assert cli_main(["validate", str(pkg)]) == 1
    err = capsys.readouterr().err
    assert "participations.csv, row 27, column 'role': 'sponsor': unknown value" in err


# ----------------------------------------------------------------------------- descriptor-driven


def test_a_column_and_a_table_added_to_the_descriptor_need_no_code(make_package):
    """New columns (an enum, a list) and a new table with a foreign key are validated and typed from the descriptor."""
    pkg = make_package()
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    acts = next(r for r in desc["resources"] if r["name"] == "activities")
    acts["schema"]["fields"].append({"name": "evidence", "type": "string",
                                     "constraints": {"enum": ["stated", "inferred"]}})
    desc["resources"].append({"name": "page_refs", "path": "page_refs.csv", "schema": {
        "fields": [{"name": "ref_id", "type": "string", "constraints": {"required": True}},
                   {"name": "activity_id", "type": "string"},
                   {"name": "pages", "type": "integer", "constraints": {"minimum": 1}},
                   {"name": "kinds", "type": "string", "wbcti:list": {"delimiter": ";", "enum": ["quote", "table"]}}],
        "primaryKey": ["ref_id"],
        "foreignKeys": [{"fields": ["activity_id"], "reference": {"resource": "activities", "fields": ["activity_id"]}}]}})
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    lines = (pkg / "activities.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",evidence"] + [line + ("," + ("stated" if i == 0 else "")) for i, line in enumerate(lines[1:])]
    (pkg / "activities.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (pkg / "page_refs.csv").write_text("ref_id,activity_id,pages,kinds\nr1,a1,3,quote;table\nr2,a99,0,\n",
                                         encoding="utf-8")
    assert _messages(pkg) == [
        "page_refs.csv, row 3, column 'activity_id': 'a99': dangling reference: no row in activities.csv has activity_id = a99",
        "page_refs.csv, row 3, column 'pages': '0': below the minimum 1"]
    (pkg / "page_refs.csv").write_text("ref_id,activity_id,pages,kinds\nr1,a1,3,quote;table\n", encoding="utf-8")
    ds = w.load(pkg)
    assert list(ds.activities["evidence"].cat.categories) == ["stated", "inferred"]
    assert ds.activities["evidence"].notna().sum() == 1
    assert ds.page_refs.loc[0, "kinds"] == ("quote", "table") and str(ds.page_refs["pages"].dtype) == "Int64"
    assert ds.page_ref_kinds["value"].astype(str).tolist() == ["quote", "table"]


# ----------------------------------------------------------------------------- typed output


def test_fixture_loads_with_typed_tables(fixture_ds):
    ds = fixture_ds
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
    assert str(ds.activities["start_date_earliest"].dtype) == "datetime64[ns]"
    # empty cells are missing values, not empty strings
    assert pd.isna(ds.actors.set_index("actor_id").loc["eu-com", "country"])
    assert ds.actors.set_index("actor_id").loc["eu-com", "parent_id"] is None


@pytest.mark.parametrize("value,bounds", [
    ("2016-02", ("2016-02-01", "2016-02-29")),
    ("2017-11-07", ("2017-11-07", "2017-11-07")),
    ("2017", ("2017-01-01", "2017-12-31")),
    ("", (None, None)),
])
def test_partial_date_bounds(value, bounds):
    import datetime as dt

    expected = tuple(dt.date.fromisoformat(b) if b else None for b in bounds)
    assert partial_date_bounds(value) == expected


@pytest.mark.parametrize("value", ["2017-02-30", "2017-13", "17", "2017-1"])
def test_partial_date_bounds_refuses_malformed_dates(value):
    with pytest.raises(ValueError):
        partial_date_bounds(value)


def test_summary_and_coverage(fixture_ds):
    summary = fixture_ds.summary().set_index("table")
    assert summary.loc["participations", "rows"] == 27
    assert summary.loc["participations", "rows from fx2"] == 16
    cov = fixture_ds.country_coverage()
    assert cov.loc["XK", "actors"] == 5 and cov.loc["AL", "activities"] == 6 and cov.loc["RS", "activities"] == 0


def test_fixture_descriptor_is_the_bundled_one():
    assert (FIXTURE_DIR / "datapackage.json").read_text() == (BUNDLED_DIR / "datapackage.json").read_text()


def test_list_patterns_agree_with_list_enums():
    """The Frictionless pattern of each list column must accept exactly the enum the loader checks."""
    import re

    desc = json.loads((BUNDLED_DIR / "datapackage.json").read_text())
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
            "'networkx', 'frictionless', 'papermill', 'pandera') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_datapackage_import_is_light():
    """``from wbcti_analysis.datapackage import bundled_data_path`` (the runner, the CLI) loads no pandas/pandera."""
    code = ("import sys; from wbcti_analysis.datapackage import bundled_data_path, read_descriptor, data_hash; "
            "print(','.join(m for m in ('pandas', 'pandera', 'frictionless') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_table_schema_types_are_read_and_checked(make_package):
    """date, datetime, year, number and boolean (with its own trueValues) from the descriptor; unknown types refused."""
    pkg = make_package()
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"].append({"name": "extra", "path": "extra.csv", "schema": {"fields": [
        {"name": "d", "type": "date"}, {"name": "t", "type": "datetime"}, {"name": "y", "type": "year"},
        {"name": "n", "type": "number"}, {"name": "b", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}]}})
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    (pkg / "extra.csv").write_text("d,t,y,n,b\n2017-11-07,2017-11-07T10:00:00,2017,1.5,yes\n"
                                   "2017-11,soon,17x,abc,true\n", encoding="utf-8")
    assert _messages(pkg) == [
        "extra.csv, row 3, column 'd': '2017-11': not a full date (YYYY-MM-DD)",
        "extra.csv, row 3, column 't': 'soon': not a date and time (YYYY-MM-DDThh:mm:ss)",
        "extra.csv, row 3, column 'y': '17x': not a year (YYYY)",
        "extra.csv, row 3, column 'n': 'abc': not a number",
        "extra.csv, row 3, column 'b': 'true': not a boolean (yes or no)"]
    (pkg / "extra.csv").write_text("d,t,y,n,b\n2017-11-07,2017-11-07T10:00:00,2017,1.5,yes\n,,,,no\n", encoding="utf-8")
    extra = w.load(pkg).extra
    assert extra.loc[0, "d"] == pd.Timestamp("2017-11-07") and extra.loc[0, "t"] == pd.Timestamp("2017-11-07 10:00")
    assert extra["y"].tolist()[0] == 2017 and extra["n"].tolist()[0] == 1.5
    assert extra["b"].tolist() == [True, False]
    desc["resources"][-1]["schema"]["fields"].append({"name": "where", "type": "geopoint"})
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    (pkg / "extra.csv").write_text("d,t,y,n,b,where\n2017-11-07,,,,,\n", encoding="utf-8")
    msgs = _messages(pkg)
    assert len(msgs) == 1 and msgs[0].startswith("datapackage.json, column 'extra.where': 'geopoint': type not supported")
