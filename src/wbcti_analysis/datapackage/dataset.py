"""The :class:`Dataset`: a loaded, validated data package, one typed DataFrame per table."""
from __future__ import annotations

from pathlib import Path

from .descriptor import WESTERN_BALKANS, as_list, resource

__all__ = ["Dataset"]


def _singular(name: str) -> str:
    """``activities`` -> ``activity``, ``actors`` -> ``actor`` (for the long-list aliases)."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


class Dataset:
    """A loaded, validated data package: one typed pandas DataFrame per table.

    Attributes
    ----------
    path : Path
        The package folder.
    descriptor : dict
        The parsed ``datapackage.json``.
    tables : dict[str, DataFrame]
        Every table by resource name; each is also an attribute (``ds.actors``).
        Enum columns are pandas categoricals with every allowed value as a category;
        integers are ``Int64``, numbers ``float64``, booleans ``boolean``; empty cells are
        missing values. List columns (``wbcti:list``, e.g. ``activities.countries``) hold
        tuples. Each partial-date column ``c`` gains ``c_earliest`` and ``c_latest``
        (``datetime64``) bounds: ``2017`` -> 2017-01-01 .. 2017-12-31.
    activity_countries, activity_tiers, activity_themes : DataFrame
        The list columns of ``activities`` as long tables (``activity_id``, ``value``);
        every list column ``c`` of a table ``t`` has such an alias, ``<t singular>_<c>``.
    """

    def __init__(self, path: Path, descriptor: dict, tables: dict):
        self.path = path
        self.descriptor = descriptor
        self.tables = tables

    def _long_aliases(self) -> dict[str, tuple[str, str]]:
        out = {}
        for res in self.__dict__.get("descriptor", {}).get("resources", []):
            for f in res.get("schema", {}).get("fields", []):
                if f.get("wbcti:list"):
                    out[f"{_singular(res['name'])}_{f['name']}"] = (res["name"], f["name"])
        return out

    def __getattr__(self, name: str):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        long = self._long_aliases() if "descriptor" in self.__dict__ else {}
        if name in long and long[name][0] in tables:
            return self.long_list(*long[name])
        raise AttributeError(f"Dataset has no table {name!r}; tables: {', '.join(tables)}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables) | set(self._long_aliases()))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"<Dataset {self.path} {sizes}>"

    def field(self, table: str, column: str) -> dict:
        """Return the descriptor entry of ``table.column`` (type, description, constraints)."""
        for res in self.descriptor["resources"]:
            if res["name"] == table:
                for f in res["schema"]["fields"]:
                    if f["name"] == column:
                        return f
        raise KeyError(f"{table}.{column} is not in the descriptor")

    def long_list(self, table: str, column: str):
        """Return a list column as a long DataFrame ``(<table key>, value)``, one row per value.

        ``value`` is categorical with the list's allowed values; rows with an empty list
        do not appear.
        """
        import pandas as pd

        df = self.tables[table]
        key = as_list(resource(self.descriptor, table)["schema"]["primaryKey"])[0]
        allowed = self.field(table, column)["wbcti:list"]["enum"]
        out = df[[key, column]].explode(column).dropna(subset=[column]).rename(columns={column: "value"})
        out["value"] = pd.Categorical(out["value"], categories=allowed)
        return out.reset_index(drop=True)

    def summary(self):
        """Return a DataFrame with one row per table: rows, columns and rows per source."""
        import pandas as pd

        rows = []
        for name, df in self.tables.items():
            rec = {"table": name, "rows": len(df), "columns": df.shape[1]}
            if "source_id" in df and name != "sources":
                for sid, n in df["source_id"].value_counts().items():
                    rec[f"rows from {sid}"] = int(n)
            rows.append(rec)
        out = pd.DataFrame(rows).fillna(0)
        count_cols = [c for c in out.columns if c != "table"]
        out[count_cols] = out[count_cols].astype(int)
        return out

    def country_coverage(self, countries=WESTERN_BALKANS):
        """Return actors and activities per country (rows: ISO codes, columns: counts)."""
        import pandas as pd

        acts = self.activity_countries
        out = pd.DataFrame(index=list(countries))
        out["actors"] = self.actors["country"].value_counts().reindex(out.index, fill_value=0)
        out["activities"] = acts["value"].astype(str).value_counts().reindex(out.index, fill_value=0)
        out.index.name = "country"
        return out
