"""Private helpers shared by the modules of :mod:`wbcti_analysis.mechanisms`."""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from .vocabulary import MECHANISM_ATTRIBUTES, NUMERIC_FEATURES

__all__: list[str] = []

_YEAR = re.compile(r"^\s*(\d{4})")
# claims.attribute names read as a feature (coders may name the set-up year after the activity column).
_CLAIM_ALIASES = {"start_date": "year_established", "start_year": "year_established",
                  "year_set_up": "year_established", "established": "year_established"}


def _strings(series: pd.Series) -> pd.Series:
    """Return a column as object dtype with None for missing (safe for categoricals)."""
    s = series.astype(object)
    return s.where(series.notna(), None)


def _as_list(values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [values] if values else []
    return [v for v in values if v]


def _mechanism_enum(ds, column: str) -> list[str]:
    return list(ds.field("mechanisms", column).get("constraints", {}).get("enum", []))


def _value_order(ds, feature: str) -> list[str] | None:
    """Allowed values of a feature in descriptor order, or None for free-text features."""
    if feature in MECHANISM_ATTRIBUTES:
        return _mechanism_enum(ds, feature)
    by_feature = ds.field("mechanism_features", "value").get("wbcti:valuesByFeature", {})
    vals = by_feature.get(feature)
    return list(vals) if vals else None


def _year(value) -> int | None:
    if value is None:
        return None
    m = _YEAR.match(str(value))
    return int(m.group(1)) if m else None


def _sort_values(ds, feature: str, values: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(values))
    order = _value_order(ds, feature)
    if order:
        rank = {v: i for i, v in enumerate(order)}
        return sorted(values, key=lambda v: (rank.get(v, len(rank)), v))
    if feature in NUMERIC_FEATURES:
        return sorted(values, key=lambda v: (_year(v) is None, _year(v) or 0, v))
    return sorted(values)


def _names(ds) -> dict[str, str]:
    m = ds.mechanisms
    return dict(zip(_strings(m["mechanism_id"]), _strings(m["name"])))


def _claim_feature(attribute):
    """The feature a ``claims.attribute`` names (aliases of the set-up year resolved)."""
    return _CLAIM_ALIASES.get(attribute, attribute)
