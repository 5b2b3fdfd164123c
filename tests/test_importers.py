"""Importers: IATI 2.03 activity files, 3W/HXL matrices, merge, HXL export, currency conversion.

Inputs are hand-written files under tests/data/iati/ and tests/data/matrix/ (fictitious
activities). Most imports run without the tier classifier (suggest=False) to stay fast;
one test covers the suggestions.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import BUNDLED_DIR, FIXTURE_DIR, ROOT

import wbcti_analysis as w
from wbcti_analysis.cli import main as cli_main
from wbcti_analysis.importers.currency import convert_amounts, convert_links, read_rates
from wbcti_analysis.importers.hxl import export_hxl
from wbcti_analysis.importers.iati import import_iati, iter_activities
from wbcti_analysis.importers.matrix import import_matrix, parse_partial_date
from wbcti_analysis.importers.merge import merge_packages
from wbcti_analysis.importers.package import ImportFailed

IATI = ROOT / "tests" / "data" / "iati"
MATRIX = ROOT / "tests" / "data" / "matrix"
WB_FILE = IATI / "wb-activities.xml"


def _rows(folder, table):
    with open(folder / f"{table}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def iati_pkg(tmp_path_factory):
    out = tmp_path_factory.mktemp("iati") / "pkg"
    report = import_iati([WB_FILE], out, suggest=False)
    return out, report


# -- IATI ---------------------------------------------------------------------------------

def test_iati_activities(iati_pkg):
    out, report = iati_pkg
    acts = {r["activity_id"]: r for r in _rows(out, "activities")}
    assert list(acts) == ["gb-gov-1-300123", "xm-dac-41114-prj-0042", "us-gov-1-aid-77", "us-gov-1-aid-77-01",
                          "no-brc-971277882-ba-7"]
    a = acts["gb-gov-1-300123"]
    assert (a["countries"], a["level"], a["start_date"], a["end_date"], a["status"]) == \
        ("XK;MK", "regional", "2019-02-01", "2021-12-31", "ongoing")  # actual start, planned end
    assert "end date planned" in a["description"] and a["themes"] == "social_cohesion"
    assert a["title"].startswith("Community resilience")  # the English narrative, not the Albanian one
    b = acts["xm-dac-41114-prj-0042"]
    assert (b["status"], b["themes"], b["end_date"]) == ("completed", "prisons_probation;rehabilitation_reintegration",
                                                         "2020-02-28")
    assert "99:PVE" in b["description"]
    assert acts["us-gov-1-aid-77-01"]["part_of"] == "us-gov-1-aid-77"
    workshop = acts["us-gov-1-aid-77-01"]
    assert workshop["status"] == "unknown" and "cancelled" in workshop["description"]
    assert all(r["tiers"] == "" and r["tier_basis"] == "" for r in acts.values())  # suggest=False
    assert report.read == 7 and report.kept == 5
    assert report.skipped == {"no DAC sector in --sectors": 1, "no recipient country in --countries": 1}


def test_iati_roles_and_actors(iati_pkg):
    out, _ = iati_pkg
    parts = {(r["activity_id"], r["actor_id"]): (r["role"], r["note"]) for r in _rows(out, "participations")}
    assert parts[("gb-gov-1-300123", "gb-gov-1")] == ("funder", "IATI role 1 Funding (also IATI role 3 Extending)")
    assert parts[("gb-gov-1-300123", "xm-dac-41114")] == ("implementer", "IATI role 4 Implementing")
    assert parts[("gb-gov-1-300123", "ministry-of-internal-affairs-of-north-macedonia")][0] == "lead"
    assert parts[("xm-dac-41114-prj-0042", "xm-dac-701-8")] == ("funder", "provider-org of an incoming transaction")
    assert len(parts) == 13
    actors = {r["actor_id"]: r for r in _rows(out, "actors")}
    assert (actors["gb-gov-1"]["actor_type"], actors["gb-gov-1"]["country"], actors["gb-gov-1"]["level"]) == \
        ("donor_government", "GB", "international")
    assert actors["xm-dac-41114"]["actor_type"] == "un_agency"
    assert actors["xi-iati-ec_near"]["actor_type"] == "eu_body"
    mk = actors["ministry-of-internal-affairs-of-north-macedonia"]
    assert (mk["actor_type"], mk["sector"], mk["level"], mk["country"]) == ("ministry", "law_enforcement", "national",
                                                                           "MK")
    assert (actors["rs-mup"]["actor_type"], actors["rs-mup"]["sector"], actors["rs-mup"]["country"]) == \
        ("ministry", "law_enforcement", "RS")


@pytest.mark.parametrize("activity, funder, amount, currency, flow", [
    ("gb-gov-1-300123", "gb-gov-1", "1000000", "GBP", "commitments"),  # not budgets 500k/550k, not disbursements
    ("xm-dac-41114-prj-0042", "se-0-se-6", "2000000", "SEK", "disbursements and incoming funds"),
    ("xm-dac-41114-prj-0042", "xi-iati-ec_near", "750000", "EUR", "commitments"),  # not the 300k incoming
    ("xm-dac-41114-prj-0042", "xm-dac-701-8", "15000000", "JPY", "disbursements and incoming funds"),
    ("us-gov-1-aid-77", "us-gov-1", "200000", "USD", "original budgets"),  # 120k + 80k
    ("no-brc-971277882-ba-7", "no-brc-971277882", "", "", "commitments"),  # ISK is not a listed currency
])
def test_iati_funding(iati_pkg, activity, funder, amount, currency, flow):
    out, report = iati_pkg
    rows = [r for r in _rows(out, "funding") if r["activity_id"] == activity and r["funder_id"] == funder]
    assert len(rows) == 1
    r = rows[0]
    assert (r["amount"], r["currency"]) == (amount, currency)
    assert r["note"].startswith(f"IATI {flow}")
    if not amount:
        assert "45,000,000 ISK not recorded" in r["note"]
        assert any("ISK is not in the descriptor's currency list" in w_ for w_ in report.warnings)


def test_iati_figures_and_provenance(iati_pkg):
    out, _ = iati_pkg
    figs = _rows(out, "figures")
    metrics = sorted(f["metric"] for f in figs if f["activity_id"] == "gb-gov-1-300123")
    assert metrics == ["iati_budget", "iati_budget_revised", "iati_commitment", "iati_disbursement",
                       "iati_disbursement", "recipient_country_percentage", "recipient_country_percentage",
                       "sector_percentage"]
    disb = [f for f in figs if f["activity_id"] == "gb-gov-1-300123" and f["metric"] == "iati_disbursement"]
    assert [(f["value"], f["unit"], f["period_start"]) for f in disb] == [("400000", "GBP", "2019-06-01"),
                                                                          ("300000", "GBP", "2020-06-01")]
    xk = [f for f in figs if f["metric"] == "recipient_country_percentage" and f["country"] == "XK"]
    assert xk[0]["value"] == "60"
    src = _rows(out, "sources")
    assert [(s["source_id"], s["year"], s["file"]) for s in src] == [("iati-wb-activities", "2024",
                                                                      "wb-activities.xml")]
    for table in ("actors", "activities", "participations", "funding", "figures"):
        for r in _rows(out, table):
            assert r["source_id"] == "iati-wb-activities" and r["locator"].startswith("iati-identifier ")
    desc = json.loads((out / "datapackage.json").read_text())
    for res in desc["resources"]:  # every table written, with the descriptor's header
        with open(out / res["path"], encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == [f["name"] for f in res["schema"]["fields"]]
    assert w.validate(out) == []
    assert (out / "import_report.txt").read_text().startswith("read 7 activities")


@pytest.mark.parametrize("countries, sectors, kept", [
    (None, None, 5),
    ("all", None, 5),          # Kenya is health (12220), Montenegro roads (21020)
    (None, "all", 6),          # + the Montenegro road project
    ("all", "all", 7),
    ("RS", None, 2),
    ("al,xk", None, 2),
    (None, "15220", 1),
    (None, "152", 3),          # 15220, 15240 and the 3-digit 152 of the workshop
])
def test_iati_filters(tmp_path, countries, sectors, kept):
    report = import_iati([WB_FILE], tmp_path / "out", countries=countries, sectors=sectors, suggest=False)
    assert report.kept == kept
    assert len(_rows(tmp_path / "out", "activities")) == kept


@pytest.mark.parametrize("name, expected", [
    ("malformed.xml", ["malformed.xml, line 5, column 43: not well-formed XML: Opening and ending tag mismatch"]),
    ("not-iati.xml", ["not-iati.xml, line 2: not an IATI activity file (root element <rss>, expected "
                      "<iati-activities>)"]),
    ("bad-date.xml", ["bad-date.xml, line 6, activity XX-DATE-1, <activity-date iso-date=\"2019-13-45\" type=\"2\">: "
                      "cannot read the date '2019-13-45' (expected YYYY-MM-DD)",
                      "bad-date.xml, line 9, activity XX-DATE-1, <value>: cannot read the value '12 thousand' as a "
                      "number"]),
    ("version-1.xml", ["version-1.xml, line 2: IATI version 1.05 is not supported"]),
    ("entities.xml", ["entities.xml, line 1"]),  # the billion laughs are refused, not expanded
])
def test_iati_bad_input(tmp_path, name, expected):
    out = tmp_path / "out"
    with pytest.raises(ImportFailed) as err:
        import_iati([WB_FILE, IATI / name], out, suggest=False)
    assert len(err.value.problems) == len(expected)
    for problem, start in zip(err.value.problems, expected):
        assert problem.startswith(start)
    assert not out.exists() and list(tmp_path.iterdir()) == []  # nothing partial, no temporary folder left


def test_iati_parser_is_safe():
    xml = (b'<?xml version="1.0"?><!DOCTYPE iati-activities [<!ENTITY ext SYSTEM "file:///etc/passwd">'
           b'<!ENTITY small "SMALL">]><iati-activities version="2.03"><iati-activity><iati-identifier>X-1'
           b'</iati-identifier><title><narrative>A &ext; B &small;</narrative></title></iati-activity>'
           b'</iati-activities>')
    (act,) = list(iter_activities(io.BytesIO(xml), "x.xml"))
    assert act.title == "A &ext; B &small;"  # neither the file nor the internal entity is expanded


def test_out_must_be_new_or_forced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ImportFailed, match="exists and is not empty"):
        import_iati([WB_FILE], out, suggest=False)
    assert (out / "keep.txt").read_text() == "mine"
    import_iati([WB_FILE], out, suggest=False, force=True)
    assert not (out / "keep.txt").exists() and w.validate(out) == []


def test_iati_suggested_tiers(tmp_path):
    rep = import_iati([WB_FILE], tmp_path / "a", seed=3)
    again = import_iati([WB_FILE], tmp_path / "b", seed=3)
    acts = _rows(tmp_path / "a", "activities")
    assert rep.suggested == 5 and again.suggested == 5
    assert all(a["tier_basis"] == "suggested" and 0 < float(a["tier_probability"]) <= 1 and a["tiers"] for a in acts)
    assert acts == _rows(tmp_path / "b", "activities")  # seeded
    ds = w.load(tmp_path / "a")
    assert ds.activities["tier_basis"].astype(str).tolist() == ["suggested"] * 5


# -- matrix -------------------------------------------------------------------------------

def test_matrix_plain_csv(tmp_path):
    out = tmp_path / "m"
    report = import_matrix(MATRIX / "3w-plain.csv", out, suggest=False, year=2024, publisher="Test secretariat")
    acts = {r["activity_id"]: r for r in _rows(out, "activities")}
    assert [(a["countries"], a["start_date"], a["end_date"], a["status"], a["tiers"], a["tier_basis"])
            for a in acts.values()] == [
        ("XK", "2019-03", "2019-12", "completed", "secondary", "coded"),
        ("AL;MK", "2020", "", "ongoing", "", ""),
        ("BA", "2021-01-15", "2021-06-30", "ongoing", "tertiary", "coded")]  # R&R -> tertiary, active -> ongoing
    assert acts["m-1"]["description"] == "[locations: Gjilan; Kamenica]" and acts["m-1"]["locator"] == "row 2"
    parts = sorted((r["activity_id"], r["actor_id"], r["role"]) for r in _rows(out, "participations"))
    assert parts[:4] == [("m-1", "iom", "implementer"), ("m-1", "kosovo-police", "partner"),
                         ("m-1", "municipality-of-gjilan", "partner"), ("m-1", "usaid", "funder")]
    fund = [(r["activity_id"], r["funder_id"], r["amount"], r["currency"]) for r in _rows(out, "funding")]
    assert fund == [("m-1", "usaid", "50000", "USD"), ("m-2", "european-commission", "", ""),
                    ("m-2", "government-of-sweden", "", ""), ("m-3", "government-of-norway", "", "")]
    assert [(f["metric"], f["value"], f["unit"]) for f in _rows(out, "figures")] == [("stated_amount", "120000",
                                                                                      "EUR")]
    assert report.warnings[0].startswith("3w-plain.csv: column 15 'Colour' is not a known column")
    assert _rows(out, "sources")[0]["publisher"] == "Test secretariat"


def test_matrix_hxl_xlsx(tmp_path):
    out = tmp_path / "m"
    report = import_matrix(MATRIX / "3w-hxl.xlsx", out, suggest=False, year=2024)
    acts = _rows(out, "activities")
    assert [(a["title"], a["countries"], a["start_date"], a["end_date"], a["tiers"], a["locator"]) for a in acts] == [
        ("Family support for returnees", "XK", "2018-05-01", "2020-04-30", "tertiary", "row 3"),
        ("Online counter-narratives for youth", "RS;ME", "2021", "", "", "row 4")]
    parts = sorted((r["actor_id"], r["role"]) for r in _rows(out, "participations"))
    assert parts == [("european-commission", "funder"), ("government-of-sweden", "funder"),
                     ("undp-kosovo", "implementer"), ("undp-kosovo", "implementer"),
                     ("youth-initiative-belgrade", "implementer")]
    assert any("'#meta+notes' is not a known column" in x for x in report.warnings)


@pytest.mark.parametrize("text, expected", [
    ("Country,Donor\nXK,USAID\n", "m.csv: no title column (accepted headers: #activity+name"),
    ("Title,Start date\nForum,2019-14-01\n", "m.csv, row 2, column 'Start date': cannot read the date '2019-14-01'"),
    ("Title,Country\nForum,Atlantis\n", "m.csv, row 2, column 'Country': unknown value 'Atlantis' (allowed: AL"),
    ("Title,Tier\nForum,quaternary\n", "m.csv, row 2, column 'Tier': unknown value 'quaternary'"),
    ("Title,Budget,Currency\nForum,100,XYZ\n", "m.csv, row 2, column 'Currency': unknown currency 'XYZ'"),
    ("Title,Budget,Currency\nForum,lots,EUR\n", "m.csv, row 2, column 'Budget': cannot read the amount 'lots'"),
    ("Title,Country\n,XK\n", "m.csv, row 2: no title"),
])
def test_matrix_bad_input(tmp_path, text, expected):
    src = tmp_path / "m.csv"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_matrix(src, tmp_path / "out", suggest=False)
    assert err.value.problems[0].startswith(expected)
    assert not (tmp_path / "out").exists()


def test_matrix_bad_date_file_lists_every_row(tmp_path):
    with pytest.raises(ImportFailed) as err:
        import_matrix(MATRIX / "bad-date.csv", tmp_path / "out", suggest=False)
    assert [p.split(":")[0] for p in err.value.problems] == ["bad-date.csv, row 2, column 'Start date'",
                                                             "bad-date.csv, row 3, column 'Start date'"]


@pytest.mark.parametrize("value, expected", [("2017", "2017"), ("2017-3", "2017-03"), ("2017-11-07", "2017-11-07"),
                                             ("07.11.2017", "2017-11-07"), ("7/11/2017", "2017-11-07"),
                                             ("March 2018", "2018-03"), (2019, "2019"),
                                             ("2019-02-01 00:00:00", "2019-02-01")])
def test_parse_partial_date(value, expected):
    assert parse_partial_date(value) == expected


# -- round trip, merge, export ------------------------------------------------------------

def test_round_trip_iati_hxl_matrix(tmp_path):
    first = tmp_path / "iati"
    import_iati([WB_FILE], first, seed=1)
    csv_path = export_hxl(first, tmp_path / "export")
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("#activity+id,#activity+name,#activity+type,#country+code")
    second = tmp_path / "again"
    import_matrix(csv_path, second, year=2024)

    def view(folder):
        names = {r["actor_id"]: (r["name"], r["actor_type"]) for r in _rows(folder, "actors")}
        acts = {r["activity_id"]: (r["title"], r["countries"], r["tiers"], r["tier_basis"], r["start_date"])
                for r in _rows(folder, "activities")}
        roles = sorted((r["activity_id"], names[r["actor_id"]], r["role"]) for r in _rows(folder, "participations"))
        return acts, roles

    assert view(first) == view(second)  # activities, organisations and roles survive; suggested stays suggested
    assert {r["actor_id"] for r in _rows(first, "actors")} == {r["actor_id"] for r in _rows(second, "actors")}
    assert len(lines) == 2 + 16  # one row per activity x organisation x country


def test_merge_reconciles_actors(tmp_path):
    imp = tmp_path / "imp"
    import_iati([WB_FILE], imp, suggest=False)
    mat = tmp_path / "mat"
    import_matrix(MATRIX / "3w-plain.csv", mat, suggest=False, year=2024)
    report = merge_packages([BUNDLED_DIR, imp, mat], tmp_path / "merged")
    pairs = {(e["incoming_id"], e["merged_id"], e["kind"]) for e in report.events}
    assert ("xm-dac-41114", "undp", "name") in pairs
    assert ("rs-mup", "rs-ministry-interior", "name") in pairs
    assert ("usaid", "usaid", "short name") in pairs  # "USAID" is the bundled actor's short name
    assert ("government-of-sweden", "se-0-se-6", "name") in pairs  # matched to the IATI import's actor
    merged = tmp_path / "merged"
    ds = w.load(merged)
    bundled = w.load(BUNDLED_DIR)
    assert len(ds.activities) == len(bundled.activities) + 5 + 3
    assert len(ds.actors) == len(bundled.actors) + 11 + 9 - len(report.of("name")) - len(report.of("short name")) \
        - len(report.of("identifier"))
    part = ds.participations
    assert set(part.loc[part["activity_id"] == "gb-gov-1-300123", "actor_id"]) == {
        "gb-gov-1", "undp", "ministry-of-internal-affairs-of-north-macedonia"}
    with open(merged / "merge_report.csv", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["kind", "table", "package", "incoming_id", "incoming_name", "merged_id",
                                        "merged_name", "note"]


def test_merge_ambiguous_and_renamed(tmp_path, make_package):
    base = make_package({"actors": [
        {"actor_id": "moi-a", "name": "Ministry of Interior", "actor_type": "ministry", "sector": "law_enforcement",
         "level": "national", "country": "AL", "source_id": "fx1", "locator": "x"},
        {"actor_id": "moi-b", "name": "Ministry of the Interior", "actor_type": "ministry",
         "sector": "law_enforcement", "level": "national", "country": "RS", "source_id": "fx1",
         "locator": "x"}]}, mode="append")
    src = tmp_path / "m.csv"
    src.write_text("Title,Implementer\nPolice reform,Ministry of Interior\nForum,moi-a\n", encoding="utf-8")
    imp = tmp_path / "imp"
    import_matrix(src, imp, suggest=False, year=2024)
    report = merge_packages([base, imp], tmp_path / "merged")
    (amb,) = report.of("ambiguous")
    assert (amb["incoming_id"], amb["merged_id"]) == ("ministry-of-interior", "moi-a;moi-b")
    ds = w.load(tmp_path / "merged")
    assert "ministry-of-interior" in set(ds.actors["actor_id"])  # kept apart
    assert "ambiguous, kept apart" in report.text()
    renamed = [(e["table"], e["incoming_id"], e["merged_id"]) for e in report.of("renamed")]
    assert ("actors", "moi-a", "moi-a-2") in renamed  # the id is taken by an actor of another name
    assert set(ds.actors.loc[ds.actors["actor_id"] == "moi-a-2", "name"]) == {"moi-a"}


def test_merge_refuses_invalid(tmp_path):
    with pytest.raises(ImportFailed, match="no datapackage.json"):
        merge_packages([FIXTURE_DIR, tmp_path], tmp_path / "out")
    with pytest.raises(ImportFailed, match="at least two"):
        merge_packages([FIXTURE_DIR], tmp_path / "out")


# -- currency -----------------------------------------------------------------------------

RATES = "currency,rate,year,target\nGBP,1.2,2019,EUR\nGBP,1.1,,EUR\nSEK,0.1,,EUR\nUSD,0.9,2024,EUR\n"


def test_convert_links_on_import(iati_pkg):
    from wbcti_analysis import funding as fd

    out, _ = iati_pkg
    ds = w.load(out)
    links = fd.funder_links(ds)
    conv, rep = convert_links(links, ds, read_rates(io.StringIO(RATES)))
    got = {(r["funder_id"], r["status"]): (r["original_amount"], r["rate"], r["amount"])
           for r in rep.to_dict("records")}
    assert got[("gb-gov-1", "converted")] == (1_000_000.0, 1.2, 1_200_000.0)  # 2019 start: the 2019 rate
    assert got[("se-0-se-6", "converted")] == (2_000_000.0, 0.1, 200_000.0)
    assert got[("us-gov-1", "converted")] == (200_000.0, 0.9, 180_000.0)
    assert got[("xi-iati-ec_near", "already in EUR")][2] == 750_000.0
    assert ("xm-dac-701-8", "not converted: no rate") in got  # JPY: no rate given
    assert set(conv.loc[conv["amount"].notna(), "currency"]) == {"EUR", "JPY"}
    dep = fd.dependency(ds, by="all", basis="amount", links=conv)
    all_ = dep.iloc[0]
    assert (all_["basis"], all_["currency"], all_["amount_total"]) == ("amount", "EUR", 2_330_000.0)


@pytest.mark.parametrize("text, message", [
    ("currency,value\nUSD,1\n", "rate table needs the columns currency and rate"),
    ("currency,rate\nUSD,abc\n", "line 2: rate 'abc' is not a number"),
    ("currency,rate\nUSD,-1\n", "line 2: rate -1.0 must be positive"),
    ("currency,rate,year\nUSD,1,20x\n", "line 2: year '20x' is not an integer"),
    ("currency,rate\nUSD,1\nUSD,2\n", "line 3: USD (no year) is given twice"),
    ("currency,rate,target\nUSD,1,EUR\nGBP,1,CHF\n", "one target currency per table; found CHF, EUR"),
])
def test_read_rates_errors(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_rates(io.StringIO(text))


def test_convert_amounts_years():
    import pandas as pd

    rates = read_rates(io.StringIO(RATES))
    df = pd.DataFrame({"amount": [100.0, 100.0, 100.0], "currency": ["GBP", "GBP", "USD"], "year": [2019, 2020, 2020]})
    conv, rep = convert_amounts(df, rates, year="year")
    assert conv["amount"].tolist() == pytest.approx([120.0, 110.0, 100.0])
    assert rep["status"].tolist() == ["converted", "converted", "not converted: no rate"]


# -- docstrings, command line and descriptor -----------------------------------------------

@pytest.mark.parametrize("module", ["vocab", "package", "iati", "iati_rows", "matrix", "merge", "hxl", "currency",
                                    "commands"])
def test_doctests(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"wbcti_analysis.importers.{module}")
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0



def test_cli_import_merge_export(tmp_path, capsys):
    out = tmp_path / "imp"
    assert cli_main(["import", "iati", str(WB_FILE), "--out", str(out), "--no-suggest", "--countries", "XK,AL"]) == 0
    assert "kept 2" in capsys.readouterr().out
    assert cli_main(["import", "iati", str(IATI / "not-iati.xml"), "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "refused, nothing was written" in err and "not an IATI activity file" in err
    assert cli_main(["import", "matrix", str(MATRIX / "no-title.csv"), "--out", str(tmp_path / "y")]) == 1
    assert "no title column" in capsys.readouterr().err
    assert cli_main(["merge", str(FIXTURE_DIR), str(out), "--out", str(tmp_path / "merged")]) == 0
    assert "actors matched by identifier" in capsys.readouterr().out
    assert cli_main(["export", "hxl", str(tmp_path / "merged"), "--out", str(tmp_path / "exp")]) == 0
    assert (tmp_path / "exp" / "activities-3w-hxl.csv").is_file()


@pytest.mark.parametrize("argv, words", [
    (["import", "iati", "--help"], ["1 Funding -> funder", "3 Extending -> partner", "--countries", "--sectors"]),
    (["import", "matrix", "--help"], ["#org+impl", "--separator", "Unknown columns are reported"]),
    (["merge", "--help"], ["normalised name", "ambiguous", "merge_report.csv"]),
    (["export", "hxl", "--help"], ["#org+funder", "HXL hashtag row"]),
])
def test_cli_help(capsys, argv, words):
    with pytest.raises(SystemExit) as exc:
        cli_main(argv)
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in words:
        assert word in text


def test_descriptors_identical_and_tier_columns():
    bundled = json.loads((BUNDLED_DIR / "datapackage.json").read_text())
    assert bundled == json.loads((FIXTURE_DIR / "datapackage.json").read_text())
    acts = next(r for r in bundled["resources"] if r["name"] == "activities")
    fields = {f["name"]: f for f in acts["schema"]["fields"]}
    assert fields["tier_basis"]["constraints"] == {"enum": ["coded", "suggested"]}
    assert fields["tier_probability"]["constraints"] == {"minimum": 0, "maximum": 1}


def test_columns_added_to_the_descriptor_are_written(tmp_path, monkeypatch):
    """Tables are written from the descriptor's field list at run time: new columns stay empty,
    an evidence column says 'stated', a new table is written with its header."""
    import copy

    from wbcti_analysis.importers import package

    desc = copy.deepcopy(json.loads((BUNDLED_DIR / "datapackage.json").read_text()))
    for res in desc["resources"]:
        if res["name"] in ("participations", "funding"):  # the evidence column (issue 11) is in the descriptor
            assert "evidence" in [f["name"] for f in res["schema"]["fields"]]
        if res["name"] == "activities":
            res["schema"]["fields"].append({"name": "reviewer_note", "type": "string"})
    desc["resources"].append({"name": "page_refs", "path": "page_refs.csv", "profile": "tabular-data-resource",
                              "schema": {"fields": [{"name": "ref_id", "type": "string"},
                                                    {"name": "source_id", "type": "string"}],
                                         "missingValues": [""]}})
    monkeypatch.setattr(package, "read_descriptor_for", lambda base=None: desc)
    out = tmp_path / "out"
    import_iati([WB_FILE], out, suggest=False)
    assert {r["evidence"] for r in _rows(out, "participations")} == {"stated"}
    assert {r["evidence"] for r in _rows(out, "funding")} == {"stated"}
    assert {r["reviewer_note"] for r in _rows(out, "activities")} == {""}
    assert (out / "page_refs.csv").read_text() == "ref_id,source_id\n"
    assert w.validate(out) == []


def test_iati_duplicates_and_regions(tmp_path):
    copy_ = tmp_path / "copy.xml"
    copy_.write_text(WB_FILE.read_text(encoding="utf-8").replace(
        '<recipient-country code="RS"/>\n  <sector vocabulary="2"',
        '<recipient-region code="89"/>\n  <sector vocabulary="2"'),
        encoding="utf-8")
    report = import_iati([WB_FILE, WB_FILE, copy_], tmp_path / "out", suggest=False)
    assert report.kept == 5 and report.read == 21
    dup = [x for x in report.warnings if "already read from wb-activities.xml" in x]
    assert len(dup) == 9  # 5 kept activities of the repeated file, 4 of the copy (its workshop has no country)
    assert report.skipped["a recipient-region only, no recipient country (use --countries all to keep them)"] == 1
    assert [s["source_id"] for s in _rows(tmp_path / "out", "sources")] == ["iati-wb-activities", "iati-copy"]


def test_merge_same_package_twice_keeps_rows_once(iati_pkg, tmp_path):
    out, _ = iati_pkg
    report = merge_packages([out, out], tmp_path / "twice")
    for table in ("sources", "actors", "activities", "participations", "funding", "figures"):
        assert _rows(tmp_path / "twice", table) == _rows(out, table)
    assert report.events == []
    assert report.warnings == [f"{out}: rows identical to rows already merged, kept once: sources 1, actors 11, "
                               "activities 5, participations 13, funding 6, figures 22"]


def test_export_hxl_fixture_one_row_per_activity_org_country(fixture_ds, tmp_path):
    path = export_hxl(FIXTURE_DIR, tmp_path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[2:]
    orgs = fixture_ds.participations.drop_duplicates(["activity_id", "actor_id", "role"]).groupby("activity_id").size()
    expected = sum(max(1, int(orgs.get(a, 0))) * max(1, len(c))
                   for a, c in zip(fixture_ds.activities["activity_id"], fixture_ds.activities["countries"]))
    assert len(rows) == expected
    assert {r[0] for r in rows} == set(fixture_ds.activities["activity_id"])


def test_run_accepts_an_imported_package(iati_pkg, capsys):
    out, _ = iati_pkg
    assert cli_main(["run", "--data", str(out), "--dry-run"]) == 0
    assert "would run 4 notebook(s)" in capsys.readouterr().out
