"""Reader-facing tables (wbcti_analysis.display) and the notebook figure helper."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from wbcti_analysis import display as D


@pytest.mark.parametrize("code, name", [("XK", "Kosovo"), ("MK", "North Macedonia"), ("BA", "Bosnia and Herzegovina"),
                                        ("GB", "United Kingdom"), ("ZZ", "ZZ"), (None, ""), (float("nan"), "")])
def test_country_names(code, name):
    assert D.country_name(code) == name


@pytest.mark.parametrize("code, label", [("law_enforcement", "Law enforcement"), ("ct_law_enforcement", "CT / law enforcement"),
                                         ("n_activities", "Activities"), ("eu_body", "EU body"),
                                         ("ei_law_enforcement", "E-I law enforcement"), ("ran2023", "RAN paper (2023)"),
                                         (None, "")])
def test_human_labels(code, label):
    assert D.human_label(code) == label


@pytest.mark.parametrize("value, text", [(float("nan"), ""), (None, ""), ("None", ""), (["a", "b"], "a, b"),
                                         ({"vanishes": 47}, "vanishes: 47"), (True, "yes"), (False, "no"),
                                         (12000, "12,000"), (0.0, "0"), (3.0, "3"), (0.12345, "0.123")])
def test_cells_read_as_words_and_numbers(value, text):
    assert D.format_cell(value) == text


@pytest.mark.parametrize("share, of, text", [(0.8868, 53, "88.7 % of 53"), (1, None, "100.0 %"), (None, 5, ""),
                                             (0.5, float("nan"), "50.0 %")])
def test_percent_with_denominator(share, of, text):
    assert D.format_percent(share, of) == text


def _visible(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html_text, flags=re.S))


def test_reader_table_names_blanks_percentages_and_no_integer_index():
    t = pd.DataFrame({"country": ["XK", "MK", None], "sector": ["law_enforcement", "civil_society", "health"],
                      "share": [0.5, float("nan"), 1.0], "n": [4, 2, 1], "note": [None, "x", float("nan")]})
    body, shown = D.reader_table(t, countries=["country"], codes=["sector"], percent={"share": "n"})
    text = _visible(body)
    assert shown == 3
    assert "Kosovo" in text and "North Macedonia" in text and "Law enforcement" in text
    assert "50.0 % of 4" in text and "100.0 % of 1" in text
    assert not re.search(r"\b(nan|NaN|None)\b", text)
    assert "level0_row" not in body or "blank" not in body  # index hidden
    assert 'class="row_heading' not in body
    assert "text-align: right" in body  # numbers right-aligned
    assert body == D.reader_table(t, countries=["country"], codes=["sector"], percent={"share": "n"})[0]  # deterministic


def test_long_tables_are_truncated_with_a_link_to_the_full_csv(tmp_path, monkeypatch):
    monkeypatch.setenv(D.PAGE_DIR_VAR, str(tmp_path))
    t = pd.DataFrame({"x": range(30)})
    (tmp_path / "out").mkdir()
    html_text = D.table_html(t, csv_path=tmp_path / "out" / "x.csv", max_rows=5)
    assert "Showing the first 5 of 30 rows." in html_text
    assert 'href="out/x.csv"' in html_text
    assert _visible(html_text).count("\n") < 200 and ">29<" not in html_text


def test_download_link_is_relative_to_the_page_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(D.PAGE_DIR_VAR, str(tmp_path / "page"))
    link = D.download_link(tmp_path / "page" / "files" / "a b.png")
    assert link == '<a class="wbcti-download" href="files/a%20b.png" download>Download a b.png</a>'
    assert 'href="../other/t.csv"' in D.download_link(tmp_path / "other" / "t.csv")


def test_show_table_writes_the_full_csv_and_says_when_empty(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj.data))
    t = pd.DataFrame({"a": [1, 2, 3]})
    D.show_table(t, "three", tmp_path, max_rows=1)
    assert pd.read_csv(tmp_path / "three.csv")["a"].tolist() == [1, 2, 3]
    assert "Showing the first 1 of 3 rows." in shown[0]
    D.show_table(t.iloc[0:0], "none", tmp_path, empty="Nothing here.")
    assert "Nothing here." in shown[1] and "<table" not in shown[1]


def test_sources_of_rows_are_shown(fixture_ds):
    actors = fixture_ds.tables["actors"]
    first = actors.iloc[0]
    out = D.with_sources(pd.DataFrame({"actor_id": [first["actor_id"], "nobody"]}), fixture_ds, "actors", "actor_id")
    assert str(first["locator"]) in out["Source and locator"].iloc[0]
    assert out["Source and locator"].iloc[1] == ""


def test_show_figure_saves_the_png_and_puts_the_alt_text_in_the_metadata(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from wbcti_analysis import notebook

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    assert notebook.show_figure(fig, tmp_path, "line", alt="A rising line.") is None
    assert (tmp_path / "line.png").stat().st_size > 0
    assert shown[0][1]["metadata"] == {"image/png": {"alt": "A rising line."}}
    assert "line.png" in shown[1][0].data and "A rising line." in shown[1][0].data
