"""Double coding of tiers and sectors: coding records, re-application by id, Cohen's kappa.

The codebook (``data/CODEBOOK.md``) decides the prevention tiers of every activity and the
sector of every actor. Each decision of a coder is a row of a *coding record*, a CSV file
with the columns ``table, id, field, value`` (plus ``rule``, ``changed`` and ``note`` in the
first coder's record, ``data/coding/first_coder.csv``). Because the record is keyed by row id,
it can be re-applied to the data tables after rows have been merged or added
(:func:`apply_coding`). A second coder codes the same rows blind from
``data/coding/second_coder_input.csv`` (:func:`blind_input`: names, types, countries and
source locators, no tiers, no sectors, no descriptions) and writes
``data/coding/second_coder.csv``; :func:`agreement` then reports Cohen's kappa per field and
:func:`disagreements` lists the rows to adjudicate.

Tiers are a set per activity. Agreement on them is reported two ways: per tier label, each
label being a yes/no variable over all activities coded by both coders, and on the exact set
(``"primary;secondary"`` against ``"primary"`` is a disagreement). The headline figure for
tiers is the mean of the four per-label kappas (``tiers (mean of labels)``): a partial overlap
counts as partial agreement and each label keeps its own chance correction, whereas the
exact-set kappa treats every combination as an unrelated category.

pandas and scikit-learn are imported inside the functions.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
Psychological Measurement*, 20(1), 37-46.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

__all__ = [
    "CODED_FIELDS",
    "TIER_LABELS",
    "FIRST_CODER",
    "SECOND_CODER",
    "SECOND_CODER_INPUT",
    "ADJUDICATION",
    "read_coding",
    "apply_coding",
    "blind_input",
    "write_blind_input",
    "agreement",
    "disagreements",
    "coding_paths",
    "final_coding",
    "agreement_markdown",
]

#: The coded fields: (table, column) -> name of the id column of that table.
CODED_FIELDS = {("activities", "tiers"): "activity_id", ("actors", "sector"): "actor_id"}

#: The tier labels, in the order of the public-health model.
TIER_LABELS = ("primary", "secondary", "tertiary", "ct_law_enforcement")

#: File names of the coding records, inside ``<package>/coding/``.
FIRST_CODER = "first_coder.csv"
SECOND_CODER = "second_coder.csv"
SECOND_CODER_INPUT = "second_coder_input.csv"
ADJUDICATION = "adjudication.csv"

_REQUIRED = ("table", "id", "field", "value")
_EMPTY = "(empty)"


def coding_paths(package: str | Path | None = None) -> dict[str, Path]:
    """Paths of the coding files of a data package.

    Parameters
    ----------
    package : str or Path, optional
        Folder holding ``datapackage.json``; default the bundled ``data/``.

    Returns
    -------
    dict of str to Path
        ``first``, ``second``, ``input`` and ``adjudication``, all under ``<package>/coding/``
        (the files need not exist).

    Examples
    --------
    >>> sorted(coding_paths("/tmp/pkg"))
    ['adjudication', 'first', 'input', 'second']
    >>> coding_paths("/tmp/pkg")["second"].name
    'second_coder.csv'
    """
    if package is None:
        from .datapackage import bundled_data_path

        package = bundled_data_path()
    folder = Path(package) / "coding"
    return {"first": folder / FIRST_CODER, "second": folder / SECOND_CODER,
            "input": folder / SECOND_CODER_INPUT, "adjudication": folder / ADJUDICATION}


def _norm_value(field: str, value) -> str:
    """One canonical string per coded value: tier sets sorted in model order, '' if empty."""
    text = "" if value is None else str(value).strip()
    if text.lower() in {"", "nan", "none", _EMPTY}:
        return ""
    if field == "tiers":
        parts = {p.strip() for p in text.split(";") if p.strip()}
        unknown = parts - set(TIER_LABELS)
        if unknown:
            raise ValueError(f"tiers value {text!r}: unknown label(s) {sorted(unknown)}; "
                             f"allowed: {', '.join(TIER_LABELS)}")
        return ";".join(t for t in TIER_LABELS if t in parts)
    return text


def read_coding(path: str | Path | io.StringIO) -> "pd.DataFrame":  # noqa: F821
    """Read a coding record and normalise its values.

    Parameters
    ----------
    path : str, Path or file-like
        CSV with at least the columns ``table, id, field, value``.

    Returns
    -------
    pandas.DataFrame
        One row per decision; ``value`` normalised (tier sets in the order primary,
        secondary, tertiary, ct_law_enforcement; empty cells as ``""``).

    Raises
    ------
    ValueError
        If a column is missing, a (table, field) pair is not a coded field, a tier label is
        unknown, or the same (table, id, field) is coded twice.

    Examples
    --------
    >>> rec = read_coding(io.StringIO("table,id,field,value\\nactivities,a1,tiers,secondary;primary\\n"))
    >>> rec.loc[0, "value"]
    'primary;secondary'
    """
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise ValueError(f"coding record {path}: missing column(s) {missing}; required: {list(_REQUIRED)}")
    bad = sorted({(t, f) for t, f in zip(df["table"], df["field"])} - set(CODED_FIELDS))
    if bad:
        allowed = ", ".join(f"{t}.{f}" for t, f in CODED_FIELDS)
        raise ValueError(f"coding record {path}: (table, field) {bad} not coded; allowed: {allowed}")
    df["value"] = [_norm_value(f, v) for f, v in zip(df["field"], df["value"])]
    dup = df.duplicated(["table", "id", "field"], keep=False)
    if dup.any():
        raise ValueError(f"coding record {path}: coded twice: {sorted(set(df.loc[dup, 'id']))}")
    return df.reset_index(drop=True)


def _as_record(coding) -> "pd.DataFrame":  # noqa: F821
    """A coding record from a path or a DataFrame, values normalised as in :func:`read_coding`."""
    import pandas as pd

    if not isinstance(coding, pd.DataFrame):
        return read_coding(coding)
    buf = io.StringIO()
    coding.to_csv(buf, index=False)
    buf.seek(0)
    return read_coding(buf)


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def apply_coding(package: str | Path, coding, write: bool = True) -> "pd.DataFrame":  # noqa: F821
    """Write a coding record's values into the ``tiers`` / ``sector`` columns, by row id.

    Only the coded columns change; every other cell and the row order stay as they are.
    Ids of the record that are no longer in the table (for example merged rows) are reported
    as ``missing`` and skipped.

    Parameters
    ----------
    package : str or Path
        Folder holding the data package's CSV files.
    coding : str, Path or pandas.DataFrame
        The coding record (:func:`read_coding`).
    write : bool, default True
        Write the changed CSV files; with False only report what would change.

    Returns
    -------
    pandas.DataFrame
        One row per decision: ``table, id, field, old, new, status`` with status
        ``changed``, ``unchanged`` or ``missing``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "actors.csv").write_text("actor_id,name,sector\\nx,X,other\\n")
    >>> rec = pd.DataFrame({"table": ["actors", "actors"], "id": ["x", "gone"],
    ...                     "field": ["sector", "sector"], "value": ["justice", "health"]})
    >>> apply_coding(d, rec)["status"].tolist()
    ['changed', 'missing']
    >>> (d / "actors.csv").read_text().splitlines()[1]
    'x,X,justice'
    """
    import pandas as pd

    rec = _as_record(coding)
    report = []
    for (table, field), key in CODED_FIELDS.items():
        part = rec[(rec["table"] == table) & (rec["field"] == field)]
        if part.empty:
            continue
        path = Path(package) / f"{table}.csv"
        header, rows = _read_rows(path)
        if key not in header or field not in header:
            raise ValueError(f"{path}: needs the columns {key!r} and {field!r}")
        ki, fi = header.index(key), header.index(field)
        where = {r[ki]: i for i, r in enumerate(rows)}
        dirty = False
        for rid, value in zip(part["id"], part["value"]):
            if rid not in where:
                report.append((table, rid, field, None, value, "missing"))
                continue
            row = rows[where[rid]]
            old = _norm_value(field, row[fi])
            status = "unchanged" if old == value else "changed"
            if status == "changed" or row[fi] != value:
                row[fi] = value
                dirty = True
            report.append((table, rid, field, old, value, status))
        if write and dirty:
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([header, *rows])
            path.write_text(out.getvalue(), encoding="utf-8")
    return pd.DataFrame(report, columns=["table", "id", "field", "old", "new", "status"])


def blind_input(package: str | Path | None = None) -> "pd.DataFrame":  # noqa: F821
    """The second coder's worksheet: what identifies each row, nothing the first coder decided.

    Parameters
    ----------
    package : str or Path, optional
        Folder holding ``datapackage.json``; default the bundled ``data/``.

    Returns
    -------
    pandas.DataFrame
        ``table, id, name, type, country, source_id, locator, field``: every activity
        (field ``tiers``) then every actor (field ``sector``), in file order. ``name`` is the
        title or name, ``type`` the activity or actor type, ``country`` the countries
        (``;``-separated). No tiers, themes, sectors or descriptions.

    Examples
    --------
    >>> from wbcti_analysis.datapackage import bundled_data_path
    >>> sheet = blind_input(bundled_data_path())
    >>> list(sheet.columns)
    ['table', 'id', 'name', 'type', 'country', 'source_id', 'locator', 'field']
    >>> {"tiers", "sector", "description"} & set(sheet.columns)
    set()
    """
    import pandas as pd

    if package is None:
        from .datapackage import bundled_data_path

        package = bundled_data_path()
    folder = Path(package)
    acts = pd.read_csv(folder / "activities.csv", dtype=str, keep_default_na=False)
    acts = pd.DataFrame({"table": "activities", "id": acts["activity_id"], "name": acts["title"],
                         "type": acts["activity_type"], "country": acts["countries"],
                         "source_id": acts["source_id"], "locator": acts["locator"], "field": "tiers"})
    actors = pd.read_csv(folder / "actors.csv", dtype=str, keep_default_na=False)
    actors = pd.DataFrame({"table": "actors", "id": actors["actor_id"], "name": actors["name"],
                           "type": actors["actor_type"], "country": actors["country"],
                           "source_id": actors["source_id"], "locator": actors["locator"], "field": "sector"})
    return pd.concat([acts, actors], ignore_index=True)


def write_blind_input(package: str | Path | None = None, out: str | Path | None = None) -> Path:
    """Write :func:`blind_input` to ``<package>/coding/second_coder_input.csv`` (or ``out``).

    Parameters
    ----------
    package : str or Path, optional
        Folder holding ``datapackage.json``; default the bundled ``data/``.
    out : str or Path, optional
        Where to write; default ``<package>/coding/second_coder_input.csv``.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from wbcti_analysis.datapackage import bundled_data_path
    >>> p = write_blind_input(bundled_data_path(), Path(tempfile.mkdtemp()) / "in.csv")
    >>> p.read_text().splitlines()[0]
    'table,id,name,type,country,source_id,locator,field'
    """
    target = Path(out) if out is not None else coding_paths(package)["input"]
    target.parent.mkdir(parents=True, exist_ok=True)
    blind_input(package).to_csv(target, index=False, lineterminator="\n")
    return target


def _paired(first, second) -> "pd.DataFrame":  # noqa: F821
    a, b = _as_record(first), _as_record(second)
    keys = ["table", "id", "field"]
    return a[keys + ["value"]].merge(b[keys + ["value"]], on=keys, suffixes=("_first", "_second"))


def _kappa(y1, y2) -> float:
    from sklearn.metrics import cohen_kappa_score

    if len(y1) == 0:
        return float("nan")
    if len(set(y1) | set(y2)) == 1:  # one category used by both coders: kappa is undefined
        return float("nan")
    return float(cohen_kappa_score(list(y1), list(y2)))


def agreement(first, second) -> "pd.DataFrame":  # noqa: F821
    """Cohen's kappa and raw agreement per coded field, on the rows both coders coded.

    Parameters
    ----------
    first, second : str, Path or pandas.DataFrame
        The two coding records (:func:`read_coding`).

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure`` (``sector``, ``tiers: <label>`` for each tier label
        as a yes/no variable, ``tiers (mean of labels)``, the headline for tiers,
        ``tiers (exact set)``), ``n`` (rows coded by both), ``agreement`` (share of rows with
        the same value, 0-1) and ``kappa`` (Cohen's kappa, -1 to 1; NaN when both coders used
        a single category).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
    Psychological Measurement*, 20(1), 37-46.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"table": "actors", "id": list("wxyz"), "field": "sector",
    ...                   "value": ["justice", "justice", "health", "health"]})
    >>> b = a.assign(value=["justice", "health", "health", "health"])
    >>> row = agreement(a, b).set_index("measure").loc["sector"]
    >>> int(row["n"]), float(row["agreement"]), float(row["kappa"])
    (4, 0.75, 0.5)
    """
    import pandas as pd

    pairs = _paired(first, second)
    out = []
    sec = pairs[pairs["field"] == "sector"]
    if len(sec):
        out.append(("sector", len(sec), float((sec["value_first"] == sec["value_second"]).mean()),
                    _kappa(sec["value_first"], sec["value_second"])))
    tie = pairs[pairs["field"] == "tiers"]
    if len(tie):
        s1 = [set(filter(None, v.split(";"))) for v in tie["value_first"]]
        s2 = [set(filter(None, v.split(";"))) for v in tie["value_second"]]
        labels = []
        for label in TIER_LABELS:
            y1 = [label in s for s in s1]
            y2 = [label in s for s in s2]
            k = _kappa(y1, y2)
            labels.append(k)
            out.append((f"tiers: {label}", len(tie), float(sum(p == q for p, q in zip(y1, y2)) / len(y1)), k))
        valid = [k for k in labels if k == k]
        agree = float(sum(sum((t in p) == (t in q) for t in TIER_LABELS) for p, q in zip(s1, s2))
                      / (len(s1) * len(TIER_LABELS)))
        out.append(("tiers (mean of labels)", len(tie), agree,
                    float(sum(valid) / len(valid)) if valid else float("nan")))
        e1 = [v or _EMPTY for v in tie["value_first"]]
        e2 = [v or _EMPTY for v in tie["value_second"]]
        out.append(("tiers (exact set)", len(tie), float(sum(p == q for p, q in zip(e1, e2)) / len(e1)),
                    _kappa(e1, e2)))
    return pd.DataFrame(out, columns=["measure", "n", "agreement", "kappa"])


def disagreements(first, second) -> "pd.DataFrame":  # noqa: F821
    """The rows the two coders coded differently, for adjudication.

    Parameters
    ----------
    first, second : str, Path or pandas.DataFrame
        The two coding records.

    Returns
    -------
    pandas.DataFrame
        ``table, id, field, value_first, value_second``, plus ``only_first`` and
        ``only_second`` (tier labels one coder gave and the other did not), sorted by table
        and id.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"table": "activities", "id": ["a1", "a2"], "field": "tiers",
    ...                   "value": ["primary;secondary", "tertiary"]})
    >>> b = a.assign(value=["primary", "tertiary"])
    >>> disagreements(a, b)[["id", "only_first", "only_second"]].values.tolist()
    [['a1', 'secondary', '']]
    """
    pairs = _paired(first, second)
    diff = pairs[pairs["value_first"] != pairs["value_second"]].copy()

    def _only(x: str, y: str, field: str) -> str:
        if field != "tiers":
            return x
        sx, sy = set(filter(None, x.split(";"))), set(filter(None, y.split(";")))
        return ";".join(t for t in TIER_LABELS if t in sx - sy)

    diff["only_first"] = [_only(a, b, f) for a, b, f in zip(diff["value_first"], diff["value_second"], diff["field"])]
    diff["only_second"] = [_only(b, a, f) for a, b, f in zip(diff["value_first"], diff["value_second"], diff["field"])]
    return diff.sort_values(["table", "id"]).reset_index(drop=True)


def final_coding(package: str | Path | None = None) -> "pd.DataFrame":  # noqa: F821
    """The first coding with the adjudicated values put in, i.e. what the data should hold.

    Parameters
    ----------
    package : str or Path, optional
        Folder holding ``datapackage.json`` and ``coding/``; default the bundled ``data/``.

    Returns
    -------
    pandas.DataFrame
        ``table, id, field, value, source``: one row per decision of the first coder,
        ``source`` = ``first`` or ``adjudication`` (where ``coding/adjudication.csv`` decides
        the row; its ``value`` column holds the decided value).

    Raises
    ------
    FileNotFoundError
        If ``coding/first_coder.csv`` is missing.

    Examples
    --------
    >>> from wbcti_analysis.datapackage import bundled_data_path
    >>> fc = final_coding(bundled_data_path())
    >>> sorted(set(fc["field"]))
    ['sector', 'tiers']
    """
    paths = coding_paths(package)
    first = read_coding(paths["first"])[["table", "id", "field", "value"]].assign(source="first")
    if not paths["adjudication"].is_file():
        return first
    adj = read_coding(paths["adjudication"])[["table", "id", "field", "value"]].assign(source="adjudication")
    keys = ["table", "id", "field"]
    kept = first.merge(adj[keys], on=keys, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    import pandas as pd

    return pd.concat([kept, adj], ignore_index=True)


def agreement_markdown(table: "pd.DataFrame") -> str:  # noqa: F821
    """A Markdown table of :func:`agreement`, in the form data/README.md holds it.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of :func:`agreement`.

    Returns
    -------
    str
        ``| measure | n | agreement | kappa |`` rows, numbers to three decimals, ``n/a`` for
        an undefined kappa.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"measure": ["sector"], "n": [4], "agreement": [0.75], "kappa": [0.5]})
    >>> print(agreement_markdown(t))
    | measure | n | agreement | kappa |
    |---|---|---|---|
    | sector | 4 | 0.750 | 0.500 |
    """
    lines = ["| measure | n | agreement | kappa |", "|---|---|---|---|"]
    for m, n, a, k in zip(table["measure"], table["n"], table["agreement"], table["kappa"]):
        kappa = "n/a" if k != k else f"{k:.3f}"
        lines.append(f"| {m} | {int(n)} | {a:.3f} | {kappa} |")
    return "\n".join(lines)
