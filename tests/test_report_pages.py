"""The pages a reviewer reads: parsed as HTML and checked for what issue 12 asks of them.

Every generated page (a run's index and each notebook page) must: open with the key
findings before the first figure (where the notebook recorded any), hold no ``<pre>`` line
wider than 120 characters, carry its title, run id, parameters and data hash, link back to
the index, show no ``NaN`` / ``None`` / ``nan`` or Python list / dict reprs as text, give
every image a real alt text, and link only files that exist in the run folder.
Fast tests render synthetic notebooks and manifests; the slow ones run the test collection
and the real collection on the fixture package.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import BUNDLED_DIR, FIXTURE_DIR, ROOT, TEST_NOTEBOOKS_DIR
from wbcti_analysis.cli import main
from wbcti_analysis.findings import Finding, findings_html
from wbcti_analysis.report import render_index
from wbcti_analysis.report.about import markdown_html
from wbcti_analysis.report.format import headline_difference, headline_value, readable_parameter
from wbcti_analysis.report.notebook_html import fill_alt_texts, notebook_page
from wbcti_analysis.run.provenance import citation_text, package_info, read_citation

MAX_PRE = 120
DEFAULT_ALT = "No description has been provided"
_BAD_WORDS = re.compile(r"\b(NaN|nan)\b|\bNone\b(?! of\b)")  # "None of the three ..." is English
_REPRS = re.compile(r"\[\s*'[^']*'\s*[,\]]|\{\s*'[^']*'\s*:|\bTrue\b|\bFalse\b")


class _Page(HTMLParser):
    """What the checks need from a page: visible text, <pre> texts, images, links, title, order of blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.pres, self.imgs, self.links, self.title = [], [], [], [], ""
        self.events = []  # ("findings" | "figure", position)
        self._skip = 0
        self._pre = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "head"):
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag == "pre":
            self._pre = []
        if tag == "img":
            self.imgs.append(a.get("alt"))
            self.events.append("figure")
        if tag == "svg":
            self.events.append("figure")
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        if "wbcti-findings" in (a.get("class") or "") or a.get("id") == "findings":
            self.events.append("findings")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        if tag == "title":
            self._in_title = False
        if tag == "pre" and self._pre is not None:
            self.pres.append("".join(self._pre))
            self._pre = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._pre is not None:
            self._pre.append(data)
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.visible = " ".join(page.text)
    return page


def page_problems(path: Path, run_dir: Path, title: str | None = None, findings: bool = False,
                  manifest: dict | None = None) -> list[str]:
    """Every way the page at ``path`` falls short (empty list when none)."""
    page, out = parse(path), []
    if findings and ("findings" not in page.events
                     or ("figure" in page.events and page.events.index("findings") > page.events.index("figure"))):
        out.append("no key-findings block before the first figure")
    for pre in page.pres:
        wide = [line for line in pre.splitlines() if len(line) > MAX_PRE]
        if wide:
            out.append(f"<pre> line of {len(wide[0])} characters: {wide[0][:60]}...")
    if title is not None and title not in page.title:
        out.append(f"page title {page.title!r} lacks {title!r}")
    if manifest is not None:
        for what, needle in (("run id", manifest["run_id"]), ("data hash", (manifest["data"]["hash"] or "")[:12])):
            if needle not in page.visible:
                out.append(f"{what} {needle!r} not shown")
        if not re.search(r"[Pp]arameters", page.visible):
            out.append("parameters not shown")
    if path.name != "index.html" and "index.html" not in page.links:
        out.append("no link back to index.html")
    for pattern, what in ((_BAD_WORDS, "missing-value word"), (_REPRS, "Python repr")):
        m = pattern.search(page.visible)
        if m:
            out.append(f"{what} in visible text: ...{page.visible[max(0, m.start() - 40):m.end() + 20]!r}")
    for alt in page.imgs:
        if not alt or DEFAULT_ALT in alt:
            out.append(f"image without a real alt text: {alt!r}")
    for href in page.links:
        parts = urlsplit(href)
        if parts.scheme or href.startswith("#") or not parts.path:
            continue
        target = (path.parent / unquote(parts.path)).resolve()
        if not target.is_file() or run_dir.resolve() not in target.parents:
            out.append(f"link {href!r} does not resolve to a file in the run folder")
    return out


# ----------------------------------------------------------------------------- fast: synthetic pages

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
PAGE = {"run_id": "20261202T100000Z", "started": "2026-12-02T10:00:00+00:00", "kind": "ad hoc",
        "non_default": {"countries": ["XK", "AL"], "merge_parents": True},
        "data": {"title": "A package", "version": "0.3", "hash": "abcdef0123456789" * 4, "bundled": True,
                 "licenses": [{"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}],
                 "sources": [{"source_id": "s1", "title": "Report <A>", "publisher": "P", "year": "2018",
                              "url": "https://example.org/a", "licence": "CC0"}]},
        "project": {"version": "0.1.0", "git_commit": "0123456789abcdef" * 2 + "01234567", "git_dirty": False},
        "citation": {"text": "Team (2026). wbcti-analysis.", "license": "MIT", "message": "Cite it."},
        "about": {"citation_file": "about/CITATION.cff"},
        "findings": [{"text": "Six countries tie at 100 %.", "n": 6, "caveat": "no domestic funder recorded",
                      "kind": "limit", "rows": []},
                     {"text": "Law enforcement has fewer outside ties than chance.", "n": 48, "caveat": "",
                      "kind": "finding", "rows": []}]}


def _notebook(own_findings: bool = False):
    img = lambda **meta: new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"},  # noqa: E731
                                    metadata=meta)
    cells = [new_markdown_cell("# Donor dependency\n\nWhich countries depend on whom?")]
    if own_findings:
        cells.append(new_code_cell("", outputs=[new_output("display_data", data={
            "text/html": findings_html([Finding("A finding the notebook shows itself.", n=3)])})]))
    for i, name in enumerate(["Coverage", "By country", "Withdrawal", "Caveats"]):
        cells.append(new_markdown_cell(f"## {name}\n\n### Detail {i}"))
        cells.append(new_code_cell("", outputs=[img(**({"image/png": {"alt": f"Chart {i}"}} if i % 2 else {}))]))
    return new_notebook(cells=cells)


def _write(tmp_path: Path, text: str, name: str = "02-donor-dependency.html") -> Path:
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "about").mkdir(exist_ok=True)
    (tmp_path / "about" / "CITATION.cff").write_text("cff-version: 1.2.0\n", encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_notebook_page_says_what_produced_it(tmp_path):
    path = _write(tmp_path, notebook_page(_notebook(), "Donor dependency", page=PAGE))
    manifest = {"run_id": PAGE["run_id"], "data": PAGE["data"]}
    assert page_problems(path, tmp_path, title="Donor dependency", findings=True, manifest=manifest) == []
    page = parse(path)
    text = re.sub(r"\s+", " ", page.visible.replace("\xa0", " "))
    assert page.title == "Donor dependency"
    assert "countries = XK, AL; merge_parents = true" in text
    assert "version 0.3" in text and "commit 0123456789ab" in text
    assert page.imgs == ["Figure: Detail 0", "Chart 1", "Figure: Detail 2", "Chart 3"]  # nearest heading
    # the findings sit under the title, results first, limits last, each with n and caveat
    first, limit = text.index("Law enforcement has fewer"), text.index("What the data cannot say: Six countries tie")
    assert text.index("Which countries depend on whom?") < first < limit < text.index("Contents")
    assert "(n = 6; no domestic funder recorded)" in text
    # contents from the h2 / h3 headings, footer with sources, licence and citation
    assert [h for h in page.links if h.startswith("#") and "Detail" in h][:2] == ["#Detail-0", "#Detail-1"]
    assert "https://example.org/a" in page.links and "https://creativecommons.org/licenses/by/4.0/" in page.links
    assert "Team (2026). wbcti-analysis." in text and "code MIT" in text
    assert "Report <A>" in text  # escaped in the HTML, shown as text


def test_findings_the_notebook_shows_are_not_repeated(tmp_path):
    html = notebook_page(_notebook(own_findings=True), "Donor dependency", page=PAGE)
    assert html.count('class="wbcti-findings"') == 1 and "A finding the notebook shows itself." in html
    assert "Six countries tie" not in html  # the page does not add the recorded ones a second time
    path = _write(tmp_path, html)
    assert page_problems(path, tmp_path, findings=True) == []


def test_short_page_has_no_contents_and_alt_falls_back_to_the_title():
    nb = new_notebook(cells=[new_code_cell("", outputs=[new_output("display_data", data={"image/png": PNG})])])
    assert fill_alt_texts(nb, "Referral mechanisms") == 1
    assert nb.cells[0].outputs[0].metadata["image/png"]["alt"] == "Figure: Referral mechanisms"
    html = notebook_page(nb, "Referral mechanisms")
    assert 'class="wbcti-toc"' not in html and DEFAULT_ALT not in html and "the defaults" in html


MANIFEST = {
    "run_id": "r2", "status": "complete", "kind": "ad hoc", "adhoc_reasons": ["parameters set with -p: countries"],
    "started": "2026-12-02T10:00:00+00:00", "finished": "2026-12-02T10:03:00+00:00", "duration_s": 180.0,
    "data": {"hash": "feedbeef" * 8, "bundled": True, "path": "/x/data"},
    "data_package": {"title": "A package", "version": "0.3", "sources": [
        {"source_id": "s1", "title": "Report A", "publisher": "P", "year": "2018", "url": "https://example.org/a",
         "licence": "CC0"}]},
    "project": {"version": "0.1.0", "git_commit": None},
    "comparison": {"compared_with": None, "reference": "r1", "code": [],
                   "differences": ['parameters of 02-x: countries = ["XK"] here, default in run r1']},
    "about": {"citation_file": "about/CITATION.cff"}, "citation": {"text": "Team (2026).", "license": "MIT"},
    "notebooks": [{
        "stem": "02-x", "title": "Donors", "status": "ok", "html": "02-x.html", "ipynb": "02-x.ipynb",
        "non_default": {"countries": ["XK"]}, "parameters": {"countries": ["XK"], "data_path": "/x"},
        "findings": [{"text": "Every country depends on outside donors.", "n": 6, "caveat": "", "kind": "finding"}],
        "findings_file": "02-x.findings.json", "headlines_file": "02-x.headlines.json",
        "exported": [{"path": "02-x_files/dependency.csv", "bytes": 2048}, {"path": "02-x_files/f.png", "bytes": 9}],
        "headlines": {"share": {"value": 0.887, "unit": "share of activities", "label": "Share funded", "n": 53,
                                "caveat": "counts, not money"},
                      "top": {"value": None, "unit": "country", "label": "Most dependent", "n": 6, "caveat": "a tie"},
                      "flag": {"value": True, "unit": "", "label": "Tie", "n": None, "caveat": ""}},
        "changes": [{"key": k, "label": lab, "unit": u, "value": v, "previous": None, "difference": None,
                     "change": "not compared"} for k, lab, u, v in (
            ("share", "Share funded", "share of activities", 0.887), ("top", "Most dependent", "country", None),
            ("flag", "Tie", "", True))]}]}


def test_index_opens_with_findings_then_readable_headlines(tmp_path):
    for name in ("02-x.html", "02-x.ipynb", "02-x.findings.json", "02-x.headlines.json", "manifest.json",
                 "02-x_files/dependency.csv", "02-x_files/f.png", "about/CITATION.cff"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    path = tmp_path / "index.html"
    path.write_text(render_index(MANIFEST), encoding="utf-8")
    assert page_problems(path, tmp_path, title="r2", findings=True, manifest=MANIFEST) == []
    text = re.sub(r"\s+", " ", parse(path).visible.replace("\xa0", " "))
    nav_end = text.index("About this run") + 1  # the page opens with a line of links to its sections
    order = [text.index(s, nav_end) for s in ("Every country depends on outside donors. (n = 6)", "Headline figures",
                                     "Share funded", "Notebooks", "Exported files", "About this run")]
    assert order == sorted(order)
    assert "88.7 % of activities" in text and "not computable" in text and "yes" in text
    assert "counts, not money" in text and "53" in text
    assert "not compared" in text and 'countries = ["XK"] here, default in run r1' in text
    assert "dependency.csv 2.0 kB" in text
    assert "https://example.org/a" not in parse(path).links  # the index links files of the run folder only


@pytest.mark.parametrize("value, unit, shown", [
    (0.887, "share of activities", "88.7 % of activities"),
    (1.0, "share", "100.0 %"),
    (12, "actors", "12 actors"),
    (0.4521, "F1 (0-1)", "0.4521 F1 (0-1)"),
    (None, "sector", "not computable"),
    (False, "", "no"),
    (["a", "b"], "mechanism id", "a, b (mechanism id)"),
    ("justice", "sector", "justice (sector)"),
])
def test_headline_values_read_as_text(value, unit, shown):
    assert headline_value(value, unit) == shown


@pytest.mark.parametrize("value, shown", [(["XK", "AL"], "XK, AL"), ([], "none"), (False, "false"),
                                          (None, "null"), (2.5, "2.5"), ({"a": [1]}, "a: 1")])
def test_parameters_read_as_text(value, shown):
    assert readable_parameter(value) == shown


def test_share_changes_in_percentage_points():
    assert headline_difference(-0.05, "share of activities", 0.4) == "-5.0 pp"
    assert headline_difference(3, "actors", 15) == "+3"


def test_markdown_page_links_only_what_exists():
    out = markdown_html("| a | b |\n|---|---|\n| 1 | [codebook](CODEBOOK.md) |\n\n[licence](https://x.org/l)")
    assert "<table>" in out and "CODEBOOK.md" not in out and 'href="https://x.org/l"' in out


def test_provenance_of_the_project_and_the_fixture_package():
    cite = read_citation(ROOT)
    assert cite["text"].startswith("The wbcti-analysis team (2026). wbcti-analysis: data and analyses")
    assert cite["license"] == "MIT" and len(cite["references"]) == 2
    assert citation_text({"title": "T", "year": 2020}) == "(2020). T."
    info = package_info(FIXTURE_DIR)
    assert [s["source_id"] for s in info["sources"]] == ["fx1", "fx2"]
    assert info["licenses"][0]["name"] == "CC-BY-4.0" and info["version"]


# ----------------------------------------------------------------------------- slow: real runs


def wbcti(*args) -> tuple[Path, dict]:
    output = Path(args[args.index("--output") + 1])
    assert main([str(a) for a in args]) == 0
    (run_dir,) = [d for d in output.iterdir() if d.is_dir() and not d.is_symlink()]
    return run_dir, json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def _check_run(run_dir: Path, manifest: dict) -> dict[str, list[str]]:
    problems = {"index.html": page_problems(run_dir / "index.html", run_dir, title=manifest["run_id"],
                                            findings=any(nb.get("findings") for nb in manifest["notebooks"]),
                                            manifest=manifest)}
    for nb in manifest["notebooks"]:
        problems[nb["html"]] = page_problems(run_dir / nb["html"], run_dir, title=nb["title"],
                                             findings=bool(nb.get("findings")), manifest=manifest)
    return {k: v for k, v in problems.items() if v}


def test_pages_of_the_test_collection(tmp_path, monkeypatch):
    monkeypatch.setenv("WBCTI_DATA", str(FIXTURE_DIR))
    run_dir, m = wbcti("run", "--notebooks", TEST_NOTEBOOKS_DIR, "--output", tmp_path, "-q")
    assert _check_run(run_dir, m) == {}
    alpha = {nb["stem"]: nb for nb in m["notebooks"]}["01-alpha"]
    assert alpha["findings_file"] == "01-alpha.findings.json" and alpha["findings"][0]["n"] == 12
    assert alpha["exported"] == [{"path": "01-alpha_files/alpha.txt", "bytes": 10}]
    page = parse(run_dir / "01-alpha.html")
    # the notebook links its export relative to $WBCTI_PAGE_DIR; alt texts from metadata, else the heading
    assert page.links.count("01-alpha_files/alpha.txt") == 2
    assert page.imgs == ["One pixel standing for 12 actors", "Figure: A figure without alt text"]
    assert (run_dir / "about" / "CITATION.cff").is_file() and m["about"]["citation_file"] == "about/CITATION.cff"
    assert [s["source_id"] for s in m["data_package"]["sources"]] == ["fx1", "fx2"]


# what the notebooks print (text tables, reprs), as opposed to the page frame the runner adds
_CONTENT = ("<pre> line", "missing-value word", "Python repr")


@pytest.mark.parametrize("data", [FIXTURE_DIR, BUNDLED_DIR], ids=["fixture", "bundled"])
def test_pages_of_the_collection_on_the_fixture_package(tmp_path, data):
    """The index and every notebook page, on the fixture and on the bundled package."""
    run_dir, m = wbcti("run", "--data", data, "--output", tmp_path, "--jobs", "2", "-q")
    assert [nb["status"] for nb in m["notebooks"]] == ["ok"] * len(m["notebooks"]) == ["ok"] * 4
    problems = _check_run(run_dir, m)
    assert "index.html" not in problems
    frame = {page: [p for p in found if not p.startswith(_CONTENT)] for page, found in problems.items()}
    assert {page: found for page, found in frame.items() if found} == {}
    content = {page: found for page, found in problems.items() if found}
    assert content == {}  # the notebooks' own outputs too: no wide print() tables, NaN / None, reprs


def test_index_of_a_failed_run_wraps_long_traceback_lines(tmp_path):
    long = "ValueError: " + "x" * 300
    manifest = {**MANIFEST, "status": "failed", "notebooks": [{
        **MANIFEST["notebooks"][0], "status": "failed", "findings": [],
        "error": {"ename": "ValueError", "evalue": long, "cell_index": 7, "traceback": "Traceback\n" + long}}]}
    path = tmp_path / "index.html"
    path.write_text(render_index(manifest), encoding="utf-8")
    page = parse(path)
    assert len(page.pres) == 2 and all(len(line) <= MAX_PRE for pre in page.pres for line in pre.splitlines())
    assert "".join(page.pres[0].split("\n  ")) == long  # wrapped, nothing lost
    assert "No findings: the notebook did not finish (failed)." in re.sub(r"\s+", " ", page.visible)


def test_page_of_a_failed_notebook_says_so():
    page = {**PAGE, "status": "failed", "error": {"ename": "ValueError", "evalue": "failing on purpose"}}
    html = notebook_page(_notebook(), "Donor dependency", page=page)
    assert "This notebook did not finish: ValueError: failing on purpose." in re.sub(r"\s+", " ", html)
