"""Combine data packages (e.g. the bundled one and an import) into one, reconciling actors.

The first package's descriptor is the merged package's. Packages are added in order;
for each later package:

- **actors** are matched to the actors already merged: same ``actor_id`` and the same
  normalised name -> the same actor (*identifier*); otherwise the same normalised name,
  or a name equal to one short name (or the reverse), of exactly one merged actor -> that
  actor (*name*). A name that fits several merged actors is *ambiguous*: the actor is
  kept apart. An ``actor_id`` already taken by an actor of another name is *renamed*
  (``-2`` ...) and kept apart. Matched actors keep the first package's row.
- **activities** and **sources** with an id already taken are the same thing when their
  title is the same (normalised), and are otherwise renamed.
- every other row is kept (its primary key renamed if taken); foreign keys (read from
  the descriptor) follow every match and renaming.

The report (:class:`MergeReport`, also ``merge_report.csv`` in the package) lists each
match, each ambiguous name and each renaming.

Examples
--------
>>> _match_name("UNDP", {"united nations development programme": ["undp"]}, {"undp": ["undp"]})
(['undp'], 'short name')
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .package import ImportFailed, PackageRows, field_names
from .vocab import normalise_name

__all__ = ["MergeReport", "merge_packages"]

_REPORT_COLUMNS = ["kind", "table", "package", "incoming_id", "incoming_name", "merged_id", "merged_name", "note"]


@dataclass
class MergeReport:
    """Matches, ambiguous names and renamings of a merge (one dict per event, :data:`_REPORT_COLUMNS`)."""

    out: Path | None = None
    events: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def of(self, kind: str) -> list:
        """The events of one kind: ``identifier``, ``name``, ``short name``, ``ambiguous``, ``renamed``."""
        return [e for e in self.events if e["kind"] == kind]

    def csv_text(self) -> str:
        """The report as CSV text."""
        import io

        buf = io.StringIO()
        wr = csv.DictWriter(buf, fieldnames=_REPORT_COLUMNS, lineterminator="\n")
        wr.writeheader()
        wr.writerows(self.events)
        return buf.getvalue()

    def text(self) -> str:
        """A summary for the command line."""
        kinds = ("identifier", "name", "short name", "ambiguous", "renamed")
        lines = ["actors matched by " + ", ".join(f"{k}: {len(self.of(k))}" for k in kinds[:3])]
        for e in self.of("name") + self.of("short name"):
            lines.append(f"  {e['package']}: {e['incoming_id']} ({e['incoming_name']}) -> {e['merged_id']} "
                         f"({e['merged_name']}) by {e['kind']}")
        for e in self.of("ambiguous"):
            lines.append(f"  ambiguous, kept apart: {e['package']}: {e['incoming_id']} ({e['incoming_name']}) "
                         f"fits {e['merged_id']}")
        for e in self.of("renamed"):
            lines.append(f"  renamed: {e['table']} {e['incoming_id']} of {e['package']} -> {e['merged_id']} "
                         f"({e['note']})")
        lines += [f"warning: {w}" for w in self.warnings]
        lines.append("rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()))
        if self.out is not None:
            lines.append(f"written: {self.out} (with merge_report.csv)")
        return "\n".join(lines)


def _read(folder: Path, desc: dict) -> dict:
    out = {}
    for res in desc["resources"]:
        path = folder / res["path"]
        if not path.is_file():
            out[res["name"]] = []
            continue
        with open(path, newline="", encoding="utf-8") as fh:
            out[res["name"]] = list(csv.DictReader(fh))
    return out


def _match_name(name: str, by_name: dict, by_short: dict) -> tuple[list, str]:
    key = normalise_name(name)
    if key in by_name:
        return sorted(set(by_name[key])), "name"
    if key in by_short:
        return sorted(set(by_short[key])), "short name"
    return [], ""


def _fresh(base: str, taken: set) -> str:
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _fks(desc: dict) -> dict:
    """table -> list of (column, referenced table) for single-column foreign keys."""
    out = {}
    for res in desc["resources"]:
        for fk in res.get("schema", {}).get("foreignKeys", []):
            cols = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            if len(cols) == 1:
                out.setdefault(res["name"], []).append((cols[0], fk["reference"].get("resource") or res["name"]))
    return out


def _pk(desc: dict, table: str) -> str | None:
    res = next(r for r in desc["resources"] if r["name"] == table)
    pk = res.get("schema", {}).get("primaryKey")
    pk = pk if isinstance(pk, list) else [pk] if pk else []
    return pk[0] if len(pk) == 1 else None


def merge_packages(paths, out, force: bool = False) -> MergeReport:
    """Merge the data packages at ``paths`` (two or more) into a validated package at ``out``.

    Parameters
    ----------
    paths : list of path
        Package folders; the first one's descriptor is used.
    out : path
        Folder to write (new or empty unless ``force``).
    force : bool
        Replace a non-empty ``out``.

    Returns
    -------
    MergeReport

    Raises
    ------
    ImportFailed
        If fewer than two packages are given, one is not a valid package, or the result
        does not validate; nothing is written.
    """
    from ..datapackage import read_descriptor, validate
    from .package import write_package

    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise ImportFailed(["merge: give at least two package folders"])
    problems = []
    for p in paths:
        if not (p / "datapackage.json").is_file():
            problems.append(f"{p}: no datapackage.json (not a data package folder)")
            continue
        found = validate(p)
        if found:
            problems.append(f"{p}: not a valid data package ({len(found)} problem(s); run `wbcti validate {p}`); "
                            f"first: {found[0]}")
    if problems:
        raise ImportFailed(problems)
    desc = read_descriptor(paths[0])
    report = MergeReport()
    rows = PackageRows()
    fks = _fks(desc)
    order = [r["name"] for r in desc["resources"]]
    first_tables = ("sources", "actors", "activities")
    order = [t for t in first_tables if t in order] + [t for t in order if t not in first_tables]
    taken: dict[str, set] = {t: set() for t in order}
    by_id: dict[str, dict] = {t: {} for t in order}
    for k, path in enumerate(paths):
        pdesc = read_descriptor(path)
        tables = _read(path, pdesc)
        label = str(path)
        for t in order:
            extra = set(field_names(pdesc, t)) - set(field_names(desc, t))
            if extra and tables.get(t):
                report.warnings.append(f"{label}: columns {', '.join(sorted(extra))} of {t} are not in the first "
                                       "package's descriptor; left out")
        remap: dict[str, dict] = {t: {} for t in order}
        same: dict[str, int] = {}
        for t in order:
            pk = _pk(desc, t)
            cols = field_names(desc, t)
            kept = []
            for row in tables.get(t, []):
                row = {c: row.get(c) or None for c in cols}
                for col, ref in fks.get(t, []):  # references to tables merged before this one
                    if ref != t and row.get(col) and row[col] in remap.get(ref, {}):
                        row[col] = remap[ref][row[col]]
                rid = row.get(pk) if pk else None
                if k == 0 or rid is None:
                    kept.append(row)
                    continue
                if rid in by_id[t] and by_id[t][rid] == row:
                    remap[t][rid] = rid  # the very same row (a package merged twice): once is enough
                    same[t] = same.get(t, 0) + 1
                    continue
                target = _reconcile(t, row, rid, by_id[t], taken[t], report, label) if t in first_tables \
                    else (None if rid not in taken[t] else _fresh(rid, taken[t]))
                if t in first_tables and target is not None and target in by_id[t]:
                    remap[t][rid] = target  # the same thing: drop the row, follow the match
                    continue
                if target is not None:
                    remap[t][rid] = target
                    report.events.append({"kind": "renamed", "table": t, "package": label, "incoming_id": rid,
                                          "merged_id": target, "note": "id already used by another row"})
                    row = {**row, pk: target}
                    taken[t].add(target)
                kept.append(row)
            for row in kept:
                for col, ref in fks.get(t, []):  # references within the table (parent_id, part_of)
                    if ref == t and row.get(col) and row[col] in remap[t]:
                        row[col] = remap[t][row[col]]
                rows.add(t, **row)
                if pk and row.get(pk):
                    taken[t].add(row[pk])
                    by_id[t][row[pk]] = row
        if same:
            report.warnings.append(f"{label}: rows identical to rows already merged, kept once: "
                                   + ", ".join(f"{t} {n}" for t, n in same.items()))
    report.rows = {t: rows.count(t) for t in [r["name"] for r in desc["resources"]]}
    report.out = write_package(rows, out, desc, force=force, extra_files={"merge_report.csv": report.csv_text()})
    return report


def _reconcile(table: str, row: dict, rid: str, merged: dict, taken: set, report: MergeReport,
               label: str) -> str | None:
    """Return the merged id this row is the same thing as, a new id if its id is taken, or None (keep)."""
    name_col = "name" if table == "actors" else "title"
    name = row.get(name_col) or ""
    same_id = merged.get(rid)
    if same_id is not None and normalise_name(same_id.get(name_col) or "") == normalise_name(name):
        if table == "actors":
            report.events.append({"kind": "identifier", "table": table, "package": label, "incoming_id": rid,
                                  "incoming_name": name, "merged_id": rid, "merged_name": same_id.get(name_col)})
        return rid
    if table == "actors":
        by_name, by_short = {}, {}
        for aid, r in merged.items():
            by_name.setdefault(normalise_name(r.get("name") or ""), []).append(aid)
            if r.get("short_name"):
                by_short.setdefault(normalise_name(r["short_name"]), []).append(aid)
        found, how = _match_name(name, by_name, by_short)
        if not found and row.get("short_name"):
            found = sorted(set(by_name.get(normalise_name(row["short_name"]), [])))
            how = "short name" if found else ""
        if len(found) == 1:
            report.events.append({"kind": how, "table": table, "package": label, "incoming_id": rid,
                                  "incoming_name": name, "merged_id": found[0],
                                  "merged_name": merged[found[0]].get("name")})
            return found[0]
        if len(found) > 1:
            report.events.append({"kind": "ambiguous", "table": table, "package": label, "incoming_id": rid,
                                  "incoming_name": name, "merged_id": ";".join(found),
                                  "merged_name": ";".join(merged[f].get("name") or "" for f in found),
                                  "note": f"the {how} fits several actors; kept apart"})
    if rid in taken:
        return _fresh(rid, taken)
    return None
