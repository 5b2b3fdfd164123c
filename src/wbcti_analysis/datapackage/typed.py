"""Typed DataFrames generated from the descriptor, from tables the schema has validated.

The column types follow the Table Schema of each field, with no per-table code:

* a string field with an ``enum`` is a pandas categorical carrying every allowed value
  as a category (so a value absent from the data still counts, as zero);
* ``integer`` and ``year`` are ``Int64``, ``number`` is ``float64``, ``boolean`` is
  ``boolean`` (already coerced by the schema);
* a ``wbcti:list`` field holds tuples (``()`` for an empty cell);
* every partial-date field ``c`` gains ``c_earliest`` and ``c_latest`` (``datetime64[ns]``):
  ``2017`` -> 2017-01-01 .. 2017-12-31, ``2016-02`` -> 2016-02-01 .. 2016-02-29;
* other strings are ``object`` columns, empty cells are missing values (None / NA).

The index is a fresh ``RangeIndex`` (the validator's line numbers are dropped).
"""
from __future__ import annotations

from .checks import partial_date_frame
from .descriptor import is_partial_date

__all__ = ["typed_frame"]


def typed_frame(frame, res: dict):
    """Return the typed DataFrame of resource ``res`` from its validated frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as returned by its generated pandera schema (types coerced).
    res : dict
        The resource of the descriptor.

    Returns
    -------
    pandas.DataFrame
        One column per field in descriptor order, then the partial-date bounds.

    Examples
    --------
    >>> import pandas as pd
    >>> res = {"schema": {"fields": [
    ...     {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
    ...     {"name": "tags", "type": "string", "wbcti:list": {"delimiter": ";", "enum": ["x", "y"]}}]}}
    >>> df = typed_frame(pd.DataFrame({"kind": ["a", None], "tags": ["x;y", None]}, index=[2, 3]), res)
    >>> list(df["kind"].cat.categories), df.loc[0, "tags"], df.loc[1, "tags"]
    (['a', 'b'], ('x', 'y'), ())
    """
    import pandas as pd

    fields = res.get("schema", {}).get("fields", [])
    data = {}
    for f in fields:
        name, ftype = f["name"], f.get("type", "string")
        s = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        cons = f.get("constraints", {})
        if f.get("wbcti:list"):
            delim = f["wbcti:list"].get("delimiter", ";")
            data[name] = pd.Series([tuple(v.split(delim)) if isinstance(v, str) else () for v in s], dtype=object)
        elif "enum" in cons and ftype == "string":
            data[name] = pd.Categorical(s.astype(object).where(s.notna(), None), categories=list(cons["enum"]))
        elif ftype in ("integer", "year"):
            data[name] = s.astype("Int64").array
        elif ftype == "number":
            data[name] = s.astype("float64").to_numpy()
        elif ftype == "boolean":
            data[name] = s.astype("boolean").array
        elif ftype in ("date", "datetime"):
            data[name] = pd.to_datetime(s).to_numpy()
        else:
            data[name] = pd.Series(s.astype(object).where(s.notna(), None).to_numpy(), dtype=object)
    df = pd.DataFrame(data, index=pd.RangeIndex(len(frame)))
    for f in fields:
        if is_partial_date(f):
            bounds = partial_date_frame(frame[f["name"]]).reset_index(drop=True)
            df[f"{f['name']}_earliest"] = bounds["earliest"]
            df[f"{f['name']}_latest"] = bounds["latest"]
    return df
