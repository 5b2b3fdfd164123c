"""Import a 3W/4W activity matrix (CSV or XLSX) with HXL hashtags or plain headers.

One row is one activity (rows sharing an ``#activity+id`` are one activity, as in a
3W/4W export with one row per activity x organisation x country). Headers are matched
by :data:`~wbcti_analysis.importers.vocab.MATRIX_HEADERS`: an HXL hashtag row (either the
header row itself or the row right under it) wins over plain names. Multi-valued cells
split on ``separator`` (default ``;``) and on line breaks. Unknown columns are reported,
never silently dropped. Organisations are matched by normalised name; their type,
sector, level and country are guessed from the name (:func:`~.vocab.guess_actor`).

Examples
--------
>>> map_columns(["Project", "Where", "Colour"], ["#activity+name", "#country+code", ""])
({'title': [0], 'countries': [1]}, [(2, 'Colour')])
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
from pathlib import Path

from .package import IdMaker, ImportFailed, PackageRows, field_enum
from .vocab import (MATRIX_HEADERS, MATRIX_ROLES, STATUS_WORDS, TIER_WORDS, WB_NAMES, guess_actor, matrix_field,
                    normalise_name, slug)

__all__ = ["read_table_rows", "map_columns", "import_matrix", "parse_partial_date"]

_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%m/%Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y")


def read_table_rows(path: Path, sheet: str | None = None) -> list[list]:
    """Return the cells of a CSV or XLSX file as a list of rows (first sheet unless ``sheet``).

    Parameters
    ----------
    path : Path
        ``.csv``, ``.tsv``, ``.txt`` (UTF-8; comma, semicolon or tab separated) or ``.xlsx``.
    sheet : str, optional
        Worksheet name of a workbook.

    Returns
    -------
    list of list
        Cell values (text for CSV; numbers and datetimes as Excel stores them).

    Raises
    ------
    ImportFailed
        For another suffix, a file that is not UTF-8 or not a workbook, or an unknown sheet.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a broken file
            raise ImportFailed([f"{path.name}: cannot read as an Excel workbook: {exc}"]) from None
        if sheet is not None and sheet not in wb.sheetnames:
            raise ImportFailed([f"{path.name}: no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}"])
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
        return rows
    if suffix not in (".csv", ".tsv", ".txt"):
        raise ImportFailed([f"{path.name}: not a CSV or XLSX file (suffix {suffix or 'none'}; "
                            "allowed: .csv, .tsv, .txt, .xlsx, .xlsm)"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([f"{path.name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"]) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(text.splitlines(), dialect)]


def _is_hxl_row(row) -> bool:
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def map_columns(header: list, hxl: list | None) -> tuple[dict, list]:
    """Map column positions to matrix fields; return ``(fields, unknown)``.

    Parameters
    ----------
    header : list
        The header row.
    hxl : list or None
        The HXL hashtag row, if any (a hashtag wins over the plain header).

    Returns
    -------
    tuple (dict, list)

    ``fields`` maps a field to the list of column positions holding it; ``unknown``
    lists ``(position, header)`` of the columns no field accepts.

    Examples
    --------
    >>> map_columns(["Title", "Donor", "Colour"], None)
    ({'title': [0], 'funders': [1]}, [(2, 'Colour')])
    >>> map_columns(["Project", "Who"], ["#activity+name", "#org+impl"])[0]
    {'title': [0], 'implementers': [1]}
    """
    fields: dict[str, list] = {}
    unknown = []
    for i, h in enumerate(header):
        tag = (hxl[i] if hxl and i < len(hxl) else None) or None
        name = str(h).strip() if h is not None else ""
        f = (matrix_field(str(tag)) if tag else None) or matrix_field(name)
        if f:
            fields.setdefault(f, []).append(i)
        elif name or tag:
            unknown.append((i, str(tag or name)))
    return fields, unknown


def parse_partial_date(value) -> str:
    """Return a partial ISO date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) or raise ValueError.

    Parameters
    ----------
    value : str, int, date or datetime
        ``YYYY``, ``YYYY-M(M)``, ``YYYY-MM-DD`` (a time part is dropped), ``DD.MM.YYYY``,
        ``DD/MM/YYYY``, ``DD-MM-YYYY``, ``MM/YYYY``, ``March 2018``, ``7 March 2018``, or
        an Excel date.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the value is none of these or not a real date.

    Examples
    --------
    >>> parse_partial_date("2017"), parse_partial_date("2017-11"), parse_partial_date("07.11.2017")
    ('2017', '2017-11', '2017-11-07')
    >>> parse_partial_date("March 2018")
    '2018-03'
    """
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and 1900 <= value <= 2100 and float(value).is_integer():
        return str(int(value))
    v = str(value).strip()
    if re.fullmatch(r"\d{4}", v):
        return v
    if re.fullmatch(r"\d{4}-\d{1,2}", v):
        y, m = v.split("-")
        if 1 <= int(m) <= 12:
            return f"{y}-{int(m):02d}"
        raise ValueError(v)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}([T ].*)?", v):
        return _dt.date.fromisoformat("-".join(f"{int(p):02d}" for p in v[:10].split(" ")[0].split("-"))).isoformat()
    for fmt in _DATE_FORMATS:
        try:
            d = _dt.datetime.strptime(v, fmt)
        except ValueError:
            continue
        return d.strftime("%Y-%m") if "%d" not in fmt else d.date().isoformat()
    raise ValueError(v)


def _split(value, sep: str) -> list[str]:
    if value is None:
        return []
    parts = re.split("|".join(re.escape(s) for s in (sep, "\n")), str(value))
    return [" ".join(p.split()) for p in parts if p and p.strip()]


class _Matrix:
    def __init__(self, path: Path, desc: dict, separator: str, warnings: list, problems: list):
        self.path, self.desc, self.sep, self.warnings, self.problems = path, desc, separator, warnings, problems
        self.rows = PackageRows()
        self.actor_ids = IdMaker()
        self.enums = {c: set(field_enum(desc, "activities", c) or []) for c in ("countries", "tiers", "themes",
                                                                                 "activity_type", "status")}
        self.currencies = set(field_enum(desc, "funding", "currency") or [])
        self.actor_types = set(field_enum(desc, "actors", "actor_type") or [])

    def where(self, rownum: int, header: str | None = None) -> str:
        return f"{self.path.name}, row {rownum}" + (f", column {header!r}" if header else "")

    def values(self, field: str, cells: dict, rownum: int, allowed: set | None = None, words: dict | None = None):
        out = []
        for header, raw in cells.get(field, []):
            for v in _split(raw, self.sep):
                code = v if v in (allowed or ()) else None
                low = v.lower().strip()
                if code is None and words:
                    code = words.get(low)
                if code is None and allowed:
                    code = next((a for a in allowed if a.lower() == low.replace(" ", "_").replace("-", "_")), None)
                if code is None and field == "countries":
                    code = WB_NAMES.get(low.split()[-1] if low else "") or next(
                        (c for w, c in WB_NAMES.items() if w in low), None)
                if code is None and allowed is not None:
                    shown = ", ".join(sorted(allowed)[:20]) + (", ..." if len(allowed) > 20 else "")
                    self.problems.append(f"{self.where(rownum, header)}: unknown value {v!r} (allowed: {shown})")
                    continue
                out.append(code or v)
        return list(dict.fromkeys(out))

    def actor(self, name: str, sid: str, rownum: int, code: str | None = None, actor_type: str | None = None) -> str:
        key = normalise_name(name)
        if key in self.actor_ids:
            return self.actor_ids.get(key)
        aid = self.actor_ids.get(key, code or name)
        guessed_type, sector, level, country = guess_actor(name)
        self.rows.add("actors", actor_id=aid, name=name, actor_type=actor_type or guessed_type, sector=sector,
                      level=level, country=country,
                      description="named in an activity matrix; "
                                  + ("sector and level" if actor_type else "type, sector and level")
                                  + " guessed from the name",
                      source_id=sid, locator=f"row {rownum}")
        return aid


def import_matrix(path, out, separator: str = ";", sheet: str | None = None, publisher: str = "not stated",
                  year: int | None = None, suggest: bool = True, seed: int = 42, force: bool = False):
    """Import an activity matrix into a validated data package at ``out``.

    Parameters
    ----------
    path : path
        CSV (comma, semicolon or tab separated, UTF-8) or XLSX file.
    out : path
        Package folder to write (new or empty unless ``force``).
    separator : str
        Separator of multi-valued cells (line breaks always separate too).
    sheet : str, optional
        Worksheet of an XLSX file (default the first).
    publisher, year
        Of the ``sources`` row (year default: the file's modification year).
    suggest, seed, force
        As in :func:`~wbcti_analysis.importers.iati.import_iati`.

    Returns
    -------
    ImportReport

    Raises
    ------
    ImportFailed
        For a missing title column, unreadable dates or unknown codes (file, row,
        column, value); nothing is written.
    """
    from .iati import ImportReport
    from .package import read_descriptor_for, suggest_missing_tiers, write_package

    path = Path(path)
    if not path.is_file():
        raise ImportFailed([f"{path}: no such file"])
    if not separator:
        raise ImportFailed(["--separator: must not be empty"])
    table = read_table_rows(path, sheet)
    table = [r for r in table if any(c is not None and str(c).strip() for c in r)]
    if not table:
        raise ImportFailed([f"{path.name}: empty file"])
    header, hxl, first = table[0], None, 1
    if _is_hxl_row(header):
        hxl = header
    elif len(table) > 1 and _is_hxl_row(table[1]):
        hxl, first = table[1], 2
    fields, unknown = map_columns(header, hxl)
    report = ImportReport(files=[str(path)])
    for i, h in unknown:
        report.warnings.append(f"{path.name}: column {i + 1} {h!r} is not a known column; its values are not "
                               "imported (see docs/importing.md for the header vocabulary)")
    missing = [f for f in ("title",) if f not in fields]
    if missing:
        raise ImportFailed([f"{path.name}: no title column (accepted headers: "
                            f"{', '.join(MATRIX_HEADERS['title'])})"])
    desc = read_descriptor_for()
    problems: list[str] = []
    m = _Matrix(path, desc, separator, report.warnings, problems)
    sid = slug(f"matrix-{path.stem}")
    y = year or _dt.date.fromtimestamp(path.stat().st_mtime).year
    m.rows.add("sources", source_id=sid, title=f"Activity matrix {path.name}", publisher=publisher, year=int(y),
               file=path.name, locator="header row" + (" and HXL hashtag row" if hxl else ""))
    activities: dict = {}
    act_ids = IdMaker()
    rownum_offset = first + 1
    for k, row in enumerate(table[first:]):
        rownum = k + rownum_offset
        cells = {f: [(str(hxl[i] if hxl and hxl[i] else header[i]), row[i]) for i in cols if i < len(row)
                     and row[i] is not None and str(row[i]).strip()] for f, cols in fields.items()}
        titles = [str(v).strip() for _, v in cells.get("title", [])]
        if not titles:
            problems.append(f"{m.where(rownum)}: no title")
            continue
        given_id = next((str(v).strip() for _, v in cells.get("activity_id", [])), None)
        key = given_id or f"row-{rownum}"
        if key not in activities:
            aid = act_ids.get(key, given_id or f"{sid}-r{rownum}")
            activities[key] = {"row": {"activity_id": aid, "title": titles[0], "activity_type": "project",
                                       "countries": [], "tiers": [], "themes": [], "status": "unknown",
                                       "description": "", "source_id": sid}, "rows": [], "orgs": {},
                               "amount": None, "currency": None, "locations": []}
        a = activities[key]
        act = a["row"]
        a["rows"].append(rownum)
        if titles[0] != act["title"]:
            report.warnings.append(f"{m.where(rownum)}: title {titles[0]!r} differs from {act['title']!r} "
                                   f"(same activity id {given_id}); the first is kept")
        act["countries"] += [c for c in m.values("countries", cells, rownum, m.enums["countries"])
                             if c not in act["countries"]]
        act["tiers"] += [t for t in m.values("tiers", cells, rownum, m.enums["tiers"], TIER_WORDS)
                         if t not in act["tiers"]]
        act["themes"] += [t for t in m.values("themes", cells, rownum, m.enums["themes"]) if t not in act["themes"]]
        a["locations"] += [v for v in m.values("locations", cells, rownum) if v not in a["locations"]]
        if any(str(v).strip().lower() == "suggested" for _, v in cells.get("tier_basis", [])):
            act["tier_basis"] = "suggested"  # a suggested tier stays suggested through an export and re-import
        for f in ("activity_type", "status"):
            vals = m.values(f, cells, rownum, m.enums[f], STATUS_WORDS if f == "status" else None)
            if vals:
                act[f] = vals[0]
        for f in ("start_date", "end_date"):
            for header_name, raw in cells.get(f, []):
                try:
                    act[f] = parse_partial_date(raw)
                except ValueError:
                    problems.append(f"{m.where(rownum, header_name)}: cannot read the date {str(raw)!r} (expected "
                                    "YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)")
        desc_vals = [str(v).strip() for _, v in cells.get("description", [])]
        if desc_vals and not act["description"]:
            act["description"] = desc_vals[0]
        named = [(name, role) for f, role in MATRIX_ROLES.items() for name in m.values(f, cells, rownum)]
        code = next((str(v).strip() for _, v in cells.get("org_code", [])), None) if len(named) == 1 else None
        otype = (m.values("org_type", cells, rownum, m.actor_types) or [None])[0] if len(named) == 1 else None
        for name, role in named:  # an organisation id or type column applies to a row naming one organisation
            a["orgs"].setdefault((m.actor(name, sid, rownum, code, otype), role), rownum)
        for header_name, raw in cells.get("amount", []):
            try:
                a["amount"] = float(str(raw).replace(",", "").replace(" ", ""))
            except ValueError:
                problems.append(f"{m.where(rownum, header_name)}: cannot read the amount {str(raw)!r} as a number")
        cur = [str(v).strip().upper() for _, v in cells.get("currency", [])]
        if cur:
            if cur[0] not in m.currencies:
                problems.append(f"{m.where(rownum, cells['currency'][0][0])}: unknown currency {cur[0]!r} "
                                f"(allowed: {', '.join(sorted(m.currencies))})")
            a["currency"] = cur[0]
    if problems:
        raise ImportFailed(problems)
    for a in activities.values():
        _finish_activity(m, a, sid, report)
    report.read = report.kept = len(activities)
    if suggest:
        report.suggested = suggest_missing_tiers(m.rows.tables.get("activities", []), seed=seed)
    report.rows = {r["name"]: m.rows.count(r["name"]) for r in desc["resources"]}
    report.out = write_package(m.rows, out, desc, force=force, extra_files={"import_report.txt": report.text() + "\n"})
    return report


def _finish_activity(m: _Matrix, a: dict, sid: str, report) -> None:
    act = a["row"]
    rows = a["rows"]
    loc = f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(map(str, rows))
    act["locator"] = loc
    if a["locations"]:
        act["description"] = (act["description"] + f" [locations: {'; '.join(a['locations'])}]").strip()
    if len(act["countries"]) == 1:
        act["level"] = "national"
    elif act["countries"]:
        act["level"] = "regional"
    if act["tiers"]:
        act.setdefault("tier_basis", "coded")
    else:
        act.pop("tier_basis", None)
    m.rows.add("activities", **act)
    aid = act["activity_id"]
    funders = []
    for n, ((actor, role), rownum) in enumerate(sorted(a["orgs"].items(), key=lambda kv: (kv[1], kv[0])), 1):
        m.rows.add("participations", participation_id=f"{aid}-p{n}", actor_id=actor, activity_id=aid, role=role,
                   source_id=sid, locator=f"row {rownum}")
        if role == "funder":
            funders.append((actor, rownum))
    amount = a["amount"]
    if amount is not None and len(funders) != 1:
        report.warnings.append(f"{m.path.name}, {loc}: amount {amount:g} with {len(funders)} funders is not split "
                               "between them; kept as a figure")
        m.rows.add("figures", figure_id=f"{aid}-amount", metric="stated_amount", value=amount, qualifier="exact",
                   unit=a["currency"] or "unknown currency", activity_id=aid, description="amount stated in the "
                   "matrix for the whole activity", source_id=sid, locator=loc)
        amount = None
    if amount is not None and not a["currency"]:
        report.warnings.append(f"{m.path.name}, {loc}: amount {amount:g} has no currency; not recorded")
        amount = None
    for n, (actor, rownum) in enumerate(funders, 1):
        m.rows.add("funding", funding_id=f"{aid}-f{n}", funder_id=actor, activity_id=aid, amount=amount,
                   currency=a["currency"] if amount is not None else None, source_id=sid, locator=f"row {rownum}")
