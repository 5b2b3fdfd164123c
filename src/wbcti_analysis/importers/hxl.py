"""Export a package's activities, participations and funding as a flat 3W/4W CSV with HXL hashtags.

One row per activity x organisation x country (an activity without organisations or
countries still gets its row), a header row of plain names and, under it, the HXL
hashtag row, so coordination bodies can read the data in their own tools (HXL Proxy,
spreadsheets) and ``wbcti import matrix`` reads it back (a round trip keeps activities,
organisations and their roles).

References
----------
.. [1] Humanitarian Exchange Language (HXL) working group (2024). *HXL hashtag
   dictionary*. https://hxlstandard.org/standard/dictionary/

Examples
--------
>>> [c[1] for c in COLUMNS[:4]]
['#activity+id', '#activity+name', '#activity+type', '#country+code']
"""
from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["COLUMNS", "ROLE_TAGS", "export_hxl", "hxl_rows"]

#: Participation role -> the organisation column its name goes in.
ROLE_TAGS = {"funder": "#org+funder", "lead": "#org+lead", "implementer": "#org+impl", "partner": "#org+partner",
             "beneficiary": "#org+beneficiary", "participant": "#org+participant", "host": "#org+host",
             "chair": "#org+chair"}

#: (plain header, HXL hashtag) of each column, in order.
COLUMNS = [
    ("Activity ID", "#activity+id"), ("Activity", "#activity+name"), ("Activity type", "#activity+type"),
    ("Country", "#country+code"), ("Start date", "#date+start"), ("End date", "#date+end"), ("Status", "#status"),
    ("Funder", ROLE_TAGS["funder"]), ("Lead", ROLE_TAGS["lead"]), ("Implementer", ROLE_TAGS["implementer"]),
    ("Partner", ROLE_TAGS["partner"]), ("Beneficiary", ROLE_TAGS["beneficiary"]),
    ("Participant", ROLE_TAGS["participant"]), ("Host", ROLE_TAGS["host"]), ("Chair", ROLE_TAGS["chair"]),
    ("Organisation ID", "#org+code"), ("Organisation type", "#org+type"), ("Tiers", "#sector+tier"),
    ("Tier basis", "#meta+tier_basis"),
    ("Themes", "#sector+theme"), ("Amount", "#value"), ("Currency", "#currency"), ("Source", "#meta+source"),
    ("Locator", "#meta+locator"),
]


def _s(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    return str(v)


def hxl_rows(ds) -> list[list[str]]:
    """Return the 3W rows (without the two header rows) of a loaded Dataset.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    list of list of str
        One row per activity x organisation x country, in activity and role order.
    """
    acts = ds.activities
    names = dict(zip(ds.actors["actor_id"].astype(str), ds.actors["name"].astype(str)))
    types = dict(zip(ds.actors["actor_id"].astype(str), ds.actors["actor_type"].astype(str)))
    parts = ds.participations
    roles_order = {r: i for i, r in enumerate(ROLE_TAGS)}
    by_act: dict[str, list] = {}
    for a, actor, role in zip(parts["activity_id"].astype(str), parts["actor_id"].astype(str),
                              parts["role"].astype(str)):
        if (actor, role) not in by_act.setdefault(a, []):
            by_act[a].append((actor, role))
    money: dict[tuple, tuple] = {}
    fund = ds.funding
    for a, f, amt, cur in zip(fund["activity_id"].astype(str), fund["funder_id"].astype(str), fund["amount"],
                              fund["currency"]):
        if amt == amt and amt is not None:
            prev = money.get((a, f))
            if prev is None or prev[1] == _s(cur):
                money[(a, f)] = ((prev[0] if prev else 0.0) + float(amt), _s(cur))
    basis = acts["tier_basis"] if "tier_basis" in acts.columns else [None] * len(acts)
    out = []
    for rec, tb in zip(acts.to_dict("records"), basis):
        aid = str(rec["activity_id"])
        orgs = sorted(by_act.get(aid, []), key=lambda x: (roles_order.get(x[1], 99), names.get(x[0], x[0])))
        countries = list(rec.get("countries") or ()) or [""]
        for actor, role in orgs or [("", "")]:
            for c in countries:
                row = {h: "" for h, _ in COLUMNS}
                row.update({"Activity ID": aid, "Activity": rec.get("title"), "Activity type": rec.get("activity_type"),
                            "Country": c, "Start date": rec.get("start_date"), "End date": rec.get("end_date"),
                            "Status": rec.get("status"), "Tiers": rec.get("tiers"), "Tier basis": tb,
                            "Themes": rec.get("themes"), "Source": rec.get("source_id"),
                            "Locator": rec.get("locator")})
                if actor:
                    header = next(h for h, t in COLUMNS if t == ROLE_TAGS[role])
                    row[header] = names.get(actor, actor)
                    row["Organisation ID"] = actor
                    row["Organisation type"] = types.get(actor, "")
                    if role == "funder" and (aid, actor) in money:
                        row["Amount"], row["Currency"] = money[(aid, actor)]
                out.append([_s(row[h]) for h, _ in COLUMNS])
    return out


def export_hxl(path, out, name: str = "activities-3w-hxl.csv") -> Path:
    """Write the package at ``path`` as a 3W/4W CSV with an HXL hashtag row into folder ``out``.

    Parameters
    ----------
    path : path or None
        Data package folder (None: the bundled package).
    out : path
        Folder to write into (created if needed).
    name : str
        File name.

    Returns
    -------
    Path
        The CSV file written.

    Raises
    ------
    DataValidationError
        If the package is not valid.
    """
    from ..datapackage import load

    ds = load(path)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / f".{name}.tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow([h for h, _ in COLUMNS])
        wr.writerow([t for _, t in COLUMNS])
        wr.writerows(hxl_rows(ds))
    tmp.replace(target)
    return target
