"""A five-activity data package for the funding examples (doctests) and quick experiments.

:func:`tiny_dataset` writes the package below into a temporary folder with the project's
descriptor, loads it with :func:`wbcti_analysis.load` (so it is validated like any user's
package) and caches it for the process.

==========  ==========  =====  ==========  ===================================  ==============
activity    type        in     tiers       funders                              status
==========  ==========  =====  ==========  ===================================  ==============
p1          project     AL     primary     ec 100 EUR, al-min 50 EUR            mixed
p2          workshop    AL     primary     part of p1 (inherits ec, al-min)     mixed
m1          mechanism   XK     secondary   ec                                   external_only
p3          meeting     XK     tertiary    xk-min                               domestic_only
p4          meeting     AL;XK  -           none                                 no_funder
==========  ==========  =====  ==========  ===================================  ==============

Actors: ``ec`` (EU body), ``al-min`` and ``xk-min`` (ministries of Albania and Kosovo),
``al-ngo`` (an Albanian CSO) and ``xk-police``. Participants: p1 ec, al-min, al-ngo; p2 al-ngo;
m1 ec, xk-min, xk-police; p3 xk-min, xk-police; p4 al-ngo, xk-police.

Examples
--------
>>> from wbcti_analysis.funding.examples import tiny_dataset
>>> ds = tiny_dataset()
>>> ds.activities["activity_id"].tolist()
['p1', 'p2', 'm1', 'p3', 'p4']
"""
from __future__ import annotations

import atexit
import csv
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

__all__ = ["tiny_dataset", "write_tiny_package"]

_PROV = {"source_id": "ex1", "locator": "example"}
_TABLES = {
    "sources": [{"source_id": "ex1", "title": "Worked example (fictional)", "publisher": "wbcti-analysis",
                 "year": "2024", "licence": "CC0", "locator": "example"}],
    "actors": [
        {"actor_id": a, "name": n, "actor_type": t, "sector": s, "level": lv, "country": c, **_PROV}
        for a, n, t, s, lv, c in [
            ("ec", "European Commission", "eu_body", "funding", "eu", ""),
            ("al-min", "Ministry (AL)", "ministry", "policy_coordination", "national", "AL"),
            ("xk-min", "Ministry (XK)", "ministry", "policy_coordination", "national", "XK"),
            ("al-ngo", "NGO (AL)", "cso", "civil_society", "local", "AL"),
            ("xk-police", "Police (XK)", "police", "law_enforcement", "local", "XK"),
        ]],
    "activities": [
        {"activity_id": a, "title": f"Activity {a}", "activity_type": t, "part_of": po, "countries": c,
         "level": lv, "tiers": ti, "start_date": sd, "end_date": ed, "status": "completed", **_PROV}
        for a, t, po, c, lv, ti, sd, ed in [
            ("p1", "project", "", "AL", "national", "primary", "2017", "2019"),
            ("p2", "workshop", "p1", "AL", "local", "primary", "2018-05", "2018-05"),
            ("m1", "mechanism", "", "XK", "local", "secondary", "2018", ""),
            ("p3", "meeting", "", "XK", "national", "tertiary", "2019", "2019"),
            ("p4", "meeting", "", "AL;XK", "regional", "", "2019", "2019"),
        ]],
    "participations": [
        {"participation_id": f"x{i}", "actor_id": a, "activity_id": b, "role": r, **_PROV}
        for i, (a, b, r) in enumerate([
            ("ec", "p1", "funder"), ("al-min", "p1", "funder"), ("al-ngo", "p1", "implementer"),
            ("al-ngo", "p2", "participant"),
            ("ec", "m1", "funder"), ("xk-min", "m1", "lead"), ("xk-police", "m1", "participant"),
            ("xk-min", "p3", "funder"), ("xk-police", "p3", "participant"),
            ("al-ngo", "p4", "participant"), ("xk-police", "p4", "participant"),
        ], 1)],
    "funding": [
        {"funding_id": f"f{i}", "funder_id": f, "activity_id": a, "amount": m, "currency": c, **_PROV}
        for i, (f, a, m, c) in enumerate([("ec", "p1", "100", "EUR"), ("al-min", "p1", "50", "EUR"),
                                          ("ec", "m1", "", ""), ("xk-min", "p3", "", "")], 1)],
    "mechanisms": [{"mechanism_id": "m1", "name": "Mechanism m1", "mechanism_type": "referral_mechanism",
                    "country": "XK", "level": "local", "reference_model": "false", **_PROV}],
}


def write_tiny_package(folder) -> Path:
    """Write the example package into ``folder`` (created if needed) and return its path."""
    from ..datapackage import read_descriptor

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    desc = read_descriptor()
    (folder / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")
    for res in desc["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        with (folder / f"{res['name']}.csv").open("w", newline="", encoding="utf-8") as fh:
            wr = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            wr.writeheader()
            for row in _TABLES.get(res["name"], []):
                wr.writerow({f: row.get(f, "") for f in fields})
    return folder


@lru_cache(maxsize=1)
def tiny_dataset():
    """Return the example package (see the module notes), loaded and validated once per process."""
    from ..datapackage import load

    folder = Path(tempfile.mkdtemp(prefix="wbcti-funding-example-"))
    atexit.register(shutil.rmtree, folder, True)
    return load(write_tiny_package(folder))
