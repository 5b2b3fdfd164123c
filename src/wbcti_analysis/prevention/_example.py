"""A tiny data package for the examples (doctests) of :mod:`wbcti_analysis.prevention`.

Four activities in two sources, written to a temporary folder with the bundled
descriptor and loaded (validated) once; the folder is removed after loading.

====  ===========================  ======  ==================  =====  =======  ==========
id    title                        where   tier                year   source   funder
====  ===========================  ======  ==================  =====  =======  ==========
e1    School awareness programme   AL, XK  primary             2016   src-a    eu
e2    Referral of at-risk youth    XK      secondary           2019   src-b    xk-min
e3    Reintegration of returnees   XK      tertiary            2020   src-b    eu
e4    Police cooperation meetings  AL      ct_law_enforcement  -      src-a    -
====  ===========================  ======  ==================  =====  =======  ==========
"""
from __future__ import annotations

import csv
import functools
import io
import shutil
import tempfile
from pathlib import Path

__all__ = ["example_dataset"]

_TABLES = {
    "sources": [
        {"source_id": "src-a", "title": "Report A", "publisher": "P", "year": "2018", "locator": "-"},
        {"source_id": "src-b", "title": "Paper B", "publisher": "P", "year": "2023", "locator": "-"},
    ],
    "actors": [
        {"actor_id": "eu", "name": "EU body", "actor_type": "eu_body", "sector": "funding", "level": "eu"},
        {"actor_id": "xk-min", "name": "Ministry XK", "actor_type": "ministry", "sector": "social_welfare",
         "level": "national", "country": "XK"},
        {"actor_id": "ngo", "name": "NGO XK", "actor_type": "cso", "sector": "civil_society", "level": "local",
         "country": "XK"},
        {"actor_id": "al-pol", "name": "Police AL", "actor_type": "police", "sector": "law_enforcement",
         "level": "national", "country": "AL"},
    ],
    "activities": [
        {"activity_id": "e1", "title": "School awareness programme", "activity_type": "programme",
         "countries": "AL;XK", "level": "regional", "tiers": "primary", "themes": "education;awareness_raising",
         "start_date": "2016", "end_date": "2017", "status": "completed", "source_id": "src-a",
         "description": "Awareness sessions on extremism for pupils and teachers."},
        {"activity_id": "e2", "title": "Referral of at-risk youth", "activity_type": "mechanism",
         "countries": "XK", "level": "local", "tiers": "secondary", "themes": "referral;youth",
         "start_date": "2019", "status": "ongoing", "source_id": "src-b",
         "description": "A municipal team refers young people at risk to support."},
        {"activity_id": "e3", "title": "Reintegration of returnees", "activity_type": "programme",
         "countries": "XK", "level": "national", "tiers": "tertiary", "themes": "rehabilitation_reintegration;ftf",
         "start_date": "2020", "status": "ongoing", "source_id": "src-b",
         "description": "Support for returning fighters and their families."},
        {"activity_id": "e4", "title": "Police cooperation meetings", "activity_type": "meeting_series",
         "countries": "AL", "level": "national", "tiers": "ct_law_enforcement", "themes": "information_exchange",
         "status": "unknown", "source_id": "src-a", "description": "Police services exchange information."},
    ],
    "participations": [
        {"participation_id": "x1", "actor_id": "eu", "activity_id": "e1", "role": "funder", "source_id": "src-a"},
        {"participation_id": "x2", "actor_id": "ngo", "activity_id": "e1", "role": "implementer",
         "source_id": "src-a"},
        {"participation_id": "x3", "actor_id": "xk-min", "activity_id": "e2", "role": "funder",
         "source_id": "src-b"},
        {"participation_id": "x4", "actor_id": "eu", "activity_id": "e3", "role": "funder", "source_id": "src-b"},
        {"participation_id": "x5", "actor_id": "al-pol", "activity_id": "e4", "role": "lead", "source_id": "src-a"},
    ],
}


def _write(folder: Path, descriptor: dict) -> None:
    for res in descriptor["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        rows = [{"locator": "-", "source_id": "src-a", **r} for r in _TABLES.get(res["name"], [])]
        buf = io.StringIO()
        wr = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        wr.writeheader()
        for r in rows:
            wr.writerow({f: r.get(f, "") for f in fields})
        (folder / Path(res["path"]).name).write_text(buf.getvalue(), encoding="utf-8")


@functools.lru_cache(maxsize=1)
def example_dataset():
    """Return the tiny example package (module docstring), loaded and validated once.

    Treat it as read-only: it is shared by every example.

    Examples
    --------
    >>> example_dataset().activities["activity_id"].tolist()
    ['e1', 'e2', 'e3', 'e4']
    """
    from ..datapackage import bundled_data_path, load

    src = Path(bundled_data_path())
    folder = Path(tempfile.mkdtemp(prefix="wbcti-example-"))
    try:
        shutil.copy(src / "datapackage.json", folder / "datapackage.json")
        import json

        _write(folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8")))
        return load(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
