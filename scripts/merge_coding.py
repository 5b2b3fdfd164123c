"""Merge per-source coding folders (data/coding/<source>/) into one data package.

Used while the two documents were coded in parallel. Rows are concatenated in the order
the folders are given; an entity coded from both documents (same primary key) keeps the
first row, and every attribute on which the copies differ is printed so the disagreement
can be recorded in claims.csv.
"""
import argparse
import csv
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folders", nargs="+", help="coding folders, first wins on duplicate ids")
    ap.add_argument("--out", required=True, help="output package folder")
    args = ap.parse_args()
    desc = json.loads((ROOT / "data" / "datapackage.json").read_text())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "datapackage.json", out / "datapackage.json")
    for res in desc["resources"]:
        names = [f["name"] for f in res["schema"]["fields"]]
        pk = res["schema"]["primaryKey"][0]
        rows, seen = [], {}
        folders = [ROOT / "data"] if res["name"] == "sources" else [Path(f) for f in args.folders]
        for folder in folders:
            path = folder / res["path"]
            if not path.exists():
                continue
            with path.open(newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                if reader.fieldnames != names:
                    print(f"HEADER {path}: {reader.fieldnames} != {names}")
                for row in reader:
                    key = row.get(pk)
                    if key in seen:
                        first = seen[key]
                        diffs = [c for c in names if c not in ("source_id", "locator", "description", "note")
                                 and (first.get(c) or "") != (row.get(c) or "")]
                        print(f"DUP {res['name']} {key}: kept {first['source_id']}; differs on {diffs}")
                        for c in diffs:
                            print(f"    {c}: {first.get(c)!r} vs {row.get(c)!r}")
                        continue
                    seen[key] = row
                    rows.append(row)
        with (out / res["path"]).open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=names, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, "") for k in names})
        print(f"{res['name']}: {len(rows)} rows")


if __name__ == "__main__":
    main()
