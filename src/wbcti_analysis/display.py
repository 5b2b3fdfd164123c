"""Reader-facing tables for the notebook pages: names instead of codes, blanks instead of NaN.

A policy reader sees "Kosovo", "European Commission" and "Law enforcement", not ``XK``,
``european-commission`` and ``law_enforcement``; shares as "88.7 %" with their
denominator; blank cells where nothing is known; no 0..n row index; numbers right-aligned;
at most ``max_rows`` rows with a link to the full CSV; a width that fits a 1,200 px page and
A4 print (cells wrap, no sideways scrolling text block).

:func:`reader_table` returns the HTML (a pandas Styler with a fixed id, so the output is
the same on every run and nbval can compare it); :func:`show_table` also writes the full
table as CSV to the notebook's output folder and displays the HTML with a download link.
Links are relative to ``$WBCTI_PAGE_DIR`` (the folder the report page is written to) when
it is set, else to the working directory (JupyterLab, nbval).

pandas and IPython are imported inside the functions.
"""
from __future__ import annotations

import html
import math
import os
import re
from pathlib import Path

__all__ = ["COUNTRY_NAMES", "LABELS", "PAGE_DIR_VAR", "country_name", "human_label", "format_cell",
           "format_percent", "actor_names", "source_column", "with_sources", "reader_table", "download_link", "show_table",
           "table_html"]

#: Environment variable naming the folder the HTML page is written to (set by the runner).
PAGE_DIR_VAR = "WBCTI_PAGE_DIR"

#: Short English names of the countries in the data (ISO 3166-1 alpha-2; XK is Kosovo).
COUNTRY_NAMES = {
    "AL": "Albania", "BA": "Bosnia and Herzegovina", "XK": "Kosovo", "ME": "Montenegro",
    "MK": "North Macedonia", "RS": "Serbia", "AT": "Austria", "BE": "Belgium", "CA": "Canada",
    "CH": "Switzerland", "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "FR": "France",
    "GB": "United Kingdom", "HR": "Croatia", "IT": "Italy", "JP": "Japan", "MT": "Malta",
    "NL": "Netherlands", "NO": "Norway", "SE": "Sweden", "SI": "Slovenia", "SY": "Syria", "TR": "Türkiye",
    "US": "United States",
}

#: Labels for coded values whose plain capitalisation would read wrongly.
LABELS = {
    "ct_law_enforcement": "CT / law enforcement", "pcve": "P/CVE", "p_cve": "P/CVE", "rr": "R&R",
    "eu": "EU", "eu_body": "EU body", "un_agency": "UN agency", "osce_field_mission": "OSCE field mission",
    "ngo": "NGO", "cso": "Civil-society organisation", "ei_index": "E-I index", "hhi": "HHI (0-1)",
    "n": "n", "ct": "CT", "ftf": "Foreign terrorist fighters", "msc": "MSC", "iom": "IOM", "undp": "UNDP",
    "osce": "OSCE", "all": "All", "ei": "E-I", "wbcti2018": "WBCTi report (2018)", "ran2023": "RAN paper (2023)",
    "source_id": "Source", "share": "Share", "p_fewer": "p (fewer ties)", "p_more": "p (more ties)",
}


def country_name(code) -> str:
    """The country's name for an ISO code (the code itself when unknown; blank for none).

    Examples
    --------
    >>> country_name("XK"), country_name("MK"), country_name("ZZ"), country_name(None)
    ('Kosovo', 'North Macedonia', 'ZZ', '')
    """
    if _blank(code):
        return ""
    return COUNTRY_NAMES.get(str(code), str(code))


def human_label(value) -> str:
    """A snake_case code as words: ``law_enforcement`` -> "Law enforcement".

    Examples
    --------
    >>> human_label("law_enforcement"), human_label("ct_law_enforcement"), human_label("n_activities")
    ('Law enforcement', 'CT / law enforcement', 'Activities')
    >>> human_label("share_no_funder")
    'Share no funder'
    """
    if _blank(value):
        return ""
    s = str(value)
    if s in LABELS:
        return LABELS[s]
    if re.fullmatch(r"n_[a-z_]+", s):
        s = s[2:]
    words = [LABELS.get(w, w) for w in s.split("_")] if "_" in s else [s]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _blank(value) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or str(value) in ("nan", "NaN", "None", "<NA>",
                                                                                        "NaT")
    except TypeError:
        return False


def format_percent(share, of=None, digits: int = 1) -> str:
    """A share 0-1 as "88.7 %", with its denominator when given ("88.7 % of 53").

    Examples
    --------
    >>> format_percent(0.8868, 53), format_percent(1), format_percent(None)
    ('88.7 % of 53', '100.0 %', '')
    """
    if _blank(share):
        return ""
    text = f"{float(share) * 100:.{digits}f} %"
    if of is not None and not _blank(of):
        text += f" of {int(of):,}"
    return text


def format_cell(value, digits: int = 3) -> str:
    """One cell as a reader sees it: blank for NaN/None, lists joined by commas, booleans as yes/no.

    Examples
    --------
    >>> format_cell(float("nan")), format_cell(["a", "b"]), format_cell(True), format_cell(0.123456)
    ('', 'a, b', 'yes', '0.123')
    >>> format_cell({"vanishes": 47}), format_cell(12000)
    ('vanishes: 47', '12,000')
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(format_cell(v, digits) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_cell(v, digits)}" for k, v in value.items())
    if _blank(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, int) or type(value).__name__.startswith("int"):
        return f"{int(value):,}"
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        v = float(value)
        return f"{int(v):,}" if v.is_integer() else f"{v:.{digits}f}"
    return str(value)


def actor_names(ds) -> dict[str, str]:
    """Map actor ids to their names (``short_name (name)`` is not used: the full name reads best)."""
    acts = ds.tables.get("actors")
    if acts is None:
        return {}
    return dict(zip(acts["actor_id"].astype(str), acts["name"].astype(str)))


def source_column(df, ds=None, source_col: str = "source_id", locator_col: str = "locator"):
    """Return a Series "source, locator" for the rows of ``df`` (blank where neither is known).

    The source is shown by its short citation ("RAN 2023") when ``ds`` has a sources table.
    """
    import pandas as pd

    cite = {}
    if ds is not None and "sources" in ds.tables:
        s = ds.tables["sources"]
        cite = {r.source_id: _short_cite(r.source_id, r.year) for r in s.itertuples(index=False)}
    src = df[source_col] if source_col in df.columns else pd.Series([None] * len(df), index=df.index)
    loc = df[locator_col] if locator_col in df.columns else pd.Series([None] * len(df), index=df.index)
    return pd.Series([", ".join(x for x in (cite.get(a, format_cell(a)), format_cell(b)) if x)
                      for a, b in zip(src, loc)], index=df.index, name="Source and locator")


def _short_cite(source_id, year) -> str:
    sid = str(source_id)
    head = re.sub(r"\d+$", "", sid).upper()
    return {"WBCTI": "WBCTi report", "RAN": "RAN paper"}.get(head, head) + (f" {int(year)}" if not _blank(year) else "")


def with_sources(df, ds, table: str, id_col: str, key: str | None = None):
    """Return ``df`` with a "Source and locator" column looked up from ``ds.tables[table]``.

    ``id_col`` is the column of ``df`` holding the row ids; ``key`` the id column of
    ``table`` (default: the same name). Rows that cite a second source (``source_refs``)
    list it too.
    """
    ref = ds.tables.get(table)
    if ref is None or id_col not in df.columns:
        return df
    key = key or id_col
    cols = source_column(ref, ds)
    lookup = dict(zip(ref[key].astype(str), cols))
    refs = ds.tables.get("source_refs")
    if refs is not None and len(refs):
        r = refs[refs["table"] == table]
        extra = source_column(r, ds)
        for rid, text in zip(r["row_id"].astype(str), extra):
            if rid in lookup and text:
                lookup[rid] = lookup[rid] + "; also " + text
    return df.assign(**{"Source and locator": [lookup.get(str(v), "") for v in df[id_col]]})


def download_link(path, text: str | None = None) -> str:
    """An HTML link to ``path``, relative to ``$WBCTI_PAGE_DIR`` (else the working directory).

    Examples
    --------
    >>> os.environ.pop(PAGE_DIR_VAR, None) is None or True
    True
    >>> download_link(Path.cwd() / "out" / "a b.csv")
    '<a class="wbcti-download" href="out/a%20b.csv" download>Download a b.csv</a>'
    """
    from urllib.parse import quote

    p = Path(path).resolve()
    base = Path(os.environ.get(PAGE_DIR_VAR) or os.getcwd()).resolve()
    try:
        rel = os.path.relpath(p, base)
    except ValueError:  # another drive
        rel = p.as_uri()
    href = quote(rel.replace(os.sep, "/"))
    return (f'<a class="wbcti-download" href="{html.escape(href)}" download>'
            f'{html.escape(text or "Download " + p.name)}</a>')


_CSS = ("border-collapse:collapse;font-size:0.88em;max-width:100%;table-layout:auto;"
        "margin:0.3em 0 0.2em 0")
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd;vertical-align:top;white-space:normal;max-width:28em"


def reader_table(df, *, ds=None, labels: dict | None = None, countries=(), actors=(), codes=(), percent=None,
                 index: bool = False, max_rows: int = 25, caption: str = "", table_id: str = "t", digits: int = 3):
    """Return ``(html, shown_rows)``: ``df`` as a reader-facing HTML table (pandas Styler).

    Parameters
    ----------
    df : DataFrame
        The table. It is not changed.
    ds : Dataset, optional
        For actor names (``actors`` columns).
    labels : dict, optional
        Column headers to use; other headers go through :func:`human_label`.
    countries, actors, codes : sequence of str
        Columns whose values are country codes, actor ids, or snake_case codes shown as
        names / labels. A cell with several codes separated by ", " or ";" is mapped item
        by item.
    percent : dict, optional
        ``{share_column: denominator_column_or_None}``: shares 0-1 shown as "88.7 % of 53".
    index : bool
        Keep the index as the first column(s) (a meaningful index, e.g. a group name);
        the default drops it (no 0..n numbers).
    max_rows : int
        At most this many rows are shown (0 = all); the caller links the full CSV.
    caption : str
        Caption shown above the table.
    table_id : str
        A fixed id for the table (deterministic HTML).
    digits : int
        Decimals for other floats.

    Returns
    -------
    tuple of (str, int)
        The HTML and the number of rows shown.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"country": ["XK", "MK"], "share": [0.5, float("nan")], "n": [4, 2]})
    >>> html_text, shown = reader_table(t, countries=["country"], percent={"share": "n"})
    >>> "Kosovo" in html_text and "50.0 % of 4" in html_text and "nan" not in html_text, shown
    (True, 2)
    """
    import pandas as pd

    t = df.copy()
    if index:
        t = t.reset_index()
    t = t.reset_index(drop=True)
    names = actor_names(ds) if ds is not None and actors else {}
    percent = dict(percent or {})

    def _map(col, fn):
        def one(v):
            if isinstance(v, (list, tuple)):
                return ", ".join(fn(x) for x in v)
            if _blank(v):
                return ""
            parts = re.split(r"\s*[;,]\s*", str(v)) if isinstance(v, str) else [v]
            return ", ".join(fn(x) for x in parts)
        t[col] = t[col].map(one)

    for col in countries:
        if col in t.columns:
            _map(col, country_name)
    for col in actors:
        if col in t.columns:
            _map(col, lambda x: names.get(str(x), str(x)))
    for col in codes:
        if col in t.columns:
            _map(col, human_label)
    numeric = [c for c in t.columns if pd.api.types.is_numeric_dtype(t[c]) and not pd.api.types.is_bool_dtype(t[c])]
    for col, den in percent.items():
        if col in t.columns:
            t[col] = [format_percent(v, t.at[i, den] if den in t.columns else None) for i, v in t[col].items()]
    shown = len(t) if not max_rows else min(len(t), max_rows)
    t = t.head(shown)
    for col in t.columns:
        if col not in percent:
            t[col] = t[col].map(lambda v: format_cell(v, digits))
    headers = {c: (labels or {}).get(c, human_label(c)) for c in t.columns}
    right = list(dict.fromkeys(headers[c] for c in list(numeric) + list(percent) if c in headers))
    t = t.rename(columns=headers)
    styler = t.style.hide(axis="index").set_uuid(re.sub(r"[^A-Za-z0-9_]", "_", table_id))
    styler = styler.set_table_attributes(f'class="wbcti-table" style="{_CSS}"')
    styler = styler.set_table_styles([{"selector": "th", "props": _CELL + ";text-align:left;background:#f3f3f3"},
                                      {"selector": "td", "props": _CELL}])
    if right:
        styler = styler.set_properties(subset=right, **{"text-align": "right"})
    left = [h for h in t.columns if h not in right]
    if left:  # text reads from the left whatever the page's default (JupyterLab right-aligns cells)
        styler = styler.set_properties(subset=left, **{"text-align": "left"})
    styler = styler.format(escape="html")
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler.to_html(), shown


def table_html(df, *, csv_path=None, note: str = "", **kwargs) -> str:
    """The table's HTML with "showing k of n rows" and a link to the full CSV (see :func:`reader_table`)."""
    body, shown = reader_table(df, **kwargs)
    extra = []
    if shown < len(df):
        extra.append(f"Showing the first {shown} of {len(df):,} rows.")
    if note:
        extra.append(html.escape(note))
    if csv_path is not None:
        extra.append(download_link(csv_path, f"Download the full table ({Path(csv_path).name})"))
    foot = f'<p class="wbcti-table-note" style="font-size:0.85em">{" ".join(extra)}</p>' if extra else ""
    return f'<div class="wbcti-table-wrap" style="max-width:1180px">{body}{foot}</div>'


def show_table(df, name: str, out=None, *, empty: str = "No rows for this selection.", csv_index: bool = False,
               csv_df=None, **kwargs):
    """Write ``df`` to ``out/name.csv`` (the full table) and display it as a reader table with its link.

    ``name`` is the file stem (also the table's id). ``csv_df`` is written instead of
    ``df`` when given (e.g. every column, where the page shows a few). An empty table
    displays ``empty`` in words instead. Returns None (the table is displayed).
    """
    from IPython.display import HTML, display

    csv_path = None
    if out is not None:
        csv_path = Path(out) / f"{name}.csv"
        (df if csv_df is None else csv_df).to_csv(csv_path, index=csv_index)
    if df is None or len(df) == 0:
        display(HTML(f'<p class="wbcti-empty"><em>{html.escape(empty)}</em></p>'))
        return None
    kwargs.setdefault("table_id", name)
    display(HTML(table_html(df, csv_path=csv_path, **kwargs)))
    return None
