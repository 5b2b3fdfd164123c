"""One executed notebook as an HTML page that says what produced it (nbconvert + our frame).

nbconvert's ``lab`` template renders the notebook (code hidden for reviewers by default);
``templates/notebook_page.html.j2`` extends it with the page's own CSS, a header (run id,
date, the parameters that differ from the defaults, data package title, version and hash,
project version and commit, a link back to ``index.html``), a footer (sources, licence,
how to cite, the files the notebook exported) and image alt texts taken from each output's
metadata (``output.metadata["image/png"]["alt"]``, set with ``display(...,
metadata={"image/png": {"alt": text}})``). An image without one gets the text of the
nearest heading above it, never nbconvert's "No description has been provided". After
rendering, the key findings recorded by the notebook are placed under its title when the
notebook did not display them itself, and long pages get a table of contents (h2 / h3).

``page`` is a plain dict built by the runner (:mod:`wbcti_analysis.run`); every key is
optional, so a notebook can also be rendered on its own.
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

__all__ = ["render_notebook_html", "notebook_page", "fill_alt_texts", "TOC_MIN_HEADINGS"]

TOC_MIN_HEADINGS = 4  # a page with this many h2 / h3 headings gets a table of contents
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
_MD_MARKUP = re.compile(r"[*_`#]|\[([^\]]*)\]\([^)]*\)")


def _plain_heading(line: str) -> str:
    text = _MD_MARKUP.sub(lambda m: m.group(1) or "", line).strip()
    return re.sub(r"\s+", " ", text)


def fill_alt_texts(nb, title: str = "") -> int:
    """Give every image output an alt text; return how many were derived (not given).

    An output's own ``metadata[mimetype]["alt"]`` (or ``metadata["alt"]``) is kept; an
    image without one gets the nearest preceding heading (``Figure: <heading>``, numbered
    when several figures sit under one heading), else the notebook title.

    Examples
    --------
    >>> from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
    >>> img = lambda **meta: new_output("display_data", data={"image/png": "AA=="}, metadata=meta)
    >>> nb = new_notebook(cells=[new_markdown_cell("## Funding by *country*"),
    ...     new_code_cell("", outputs=[img(), img(**{"image/png": {"alt": "Bar chart"}}), img()])])
    >>> fill_alt_texts(nb, "Donors")
    2
    >>> [o.metadata["image/png"]["alt"] for o in nb.cells[1].outputs]
    ['Figure 1: Funding by country', 'Bar chart', 'Figure 3: Funding by country']
    """
    heading, derived, under = "", 0, 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.lstrip().startswith("#"):
                    heading, under = _plain_heading(line), 0
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            for mime in _IMAGE_TYPES:
                if mime not in data:
                    continue
                under += 1
                meta = output.setdefault("metadata", {})
                per_type = meta.setdefault(mime, {})
                if not isinstance(per_type, dict):
                    continue
                if not (per_type.get("alt") or meta.get("alt")):
                    where = heading or title or "this notebook"
                    per_type["alt"] = f"Figure {under}: {where}" if (under > 1 or _more_under(cell, output)) \
                        else f"Figure: {where}"
                    derived += 1
                break
    return derived


def _more_under(cell, output) -> bool:
    outs = cell.get("outputs", [])
    rest = outs[outs.index(output) + 1:] if output in outs else []
    return any(any(m in (o.get("data") or {}) for m in _IMAGE_TYPES) for o in rest)


def _shows_findings(nb) -> bool:
    return any("wbcti-findings" in str((o.get("data") or {}).get("text/html", ""))
               for c in nb.cells for o in c.get("outputs", []))


def _templates_dir() -> str:
    return str(resources.files("wbcti_analysis.report").joinpath("templates"))


def notebook_page(nb, title: str, show_code: bool = False, page: dict | None = None) -> str:
    """The HTML page of an executed notebook node (see the module docstring)."""
    from nbconvert import HTMLExporter

    from .pages import environment, page_css

    page = dict(page or {})
    fill_alt_texts(nb, title)
    own_findings = _shows_findings(nb)
    env = environment()
    ctx = {"p": page, "title": title, "data": page.get("data") or {}, "project": page.get("project") or {},
           "citation": page.get("citation") or {}, "about": page.get("about") or {}}
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[_templates_dir()],
                            template_file="notebook_page.html.j2", exclude_input=not show_code,
                            exclude_input_prompt=not show_code, exclude_output_prompt=not show_code)
    res = {"metadata": {"name": title},
           "wbcti": {"css": page_css(), "header": env.get_template("notebook_header.html.j2").render(**ctx),
                     "footer": env.get_template("notebook_footer.html.j2").render(**ctx)}}
    body, _ = exporter.from_notebook_node(nb, resources=res)
    findings = page.get("findings") or []
    extra = "" if (own_findings or not findings) else env.get_template("findings.html.j2").render(findings=findings)
    return _place_findings_and_toc(body, extra)


def _place_findings_and_toc(body: str, findings_html: str) -> str:
    """Insert the findings block under the title cell, then a table of contents after it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, features="html.parser")
    main = soup.find("main") or soup.body
    if main is None:
        return body
    anchor = None
    own = main.find("section", class_="wbcti-findings")
    h1 = main.find("h1")
    if own is not None:
        anchor = own.find_parent(class_="jp-Cell") or own
    elif h1 is not None:
        anchor = h1.find_parent(class_="jp-Cell") or h1
    if findings_html:
        block = BeautifulSoup(findings_html, features="html.parser")
        header = main.find("header", class_="wbcti-page")
        if anchor is not None:
            anchor.insert_after(block)
        elif header is not None:
            header.insert_after(block)
        else:
            main.insert(0, block)
        anchor = main.find("section", class_="wbcti-findings")
    heads = [h for h in main.find_all(["h2", "h3"])
             if h.get("id") and not h.find_parent(["header", "footer", "section"])]
    if len(heads) >= TOC_MIN_HEADINGS:
        items = "".join(
            f'<li class="toc-{h.name}"><a href="#{_attr(h["id"])}">{_text(h)}</a></li>' for h in heads)
        toc = BeautifulSoup(f'<nav class="wbcti-toc" aria-label="Contents"><p class="toc-title">Contents</p>'
                            f"<ul>{items}</ul></nav>", features="html.parser")
        if anchor is not None:
            anchor.insert_after(toc)
        else:
            main.insert(0, toc)
    return str(soup)


def _text(tag) -> str:
    import html

    return html.escape(tag.get_text(" ", strip=True).replace("¶", "").strip())


def _attr(value: str) -> str:
    import html

    return html.escape(value, quote=True)


def render_notebook_html(ipynb: str, html: str, show_code: bool, title: str, page: dict | None = None) -> None:
    """Write ``ipynb`` as an HTML page to ``html`` (atomically), titled ``title``.

    Code cells and prompts are left out unless ``show_code``; ``page`` is the run's context
    for the header and footer (run id, parameters, data, project, citation, findings, exported files).
    """
    import nbformat

    nb = nbformat.read(ipynb, as_version=4)
    body = notebook_page(nb, title, show_code=show_code, page=page)
    tmp = Path(html + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(html)
