"""Argument checks of the prevention analyses: each names the parameter and what it allows.

Every public function of :mod:`wbcti_analysis.prevention` checks its arguments here
before it computes anything, and raises ``ValueError`` with a message that names the
parameter and the allowed values. (A shared parameter model for the whole collection is
being built; these checks will then read their allowed values from it.)

Examples
--------
>>> check_rule("each")
'each'
>>> check_rule("half")
Traceback (most recent call last):
...
ValueError: rule (the tier counting rule) must be one of ('fractional', 'each'), got 'half'
"""
from __future__ import annotations

import numbers

from .constants import COUNTING_RULES

__all__ = [
    "check_rule",
    "check_split_year",
    "check_countries",
    "check_seed",
    "check_by",
    "check_n_bootstrap",
    "check_ci",
    "check_period_by",
    "check_threshold",
    "check_weights",
    "check_max_folds",
    "check_min_elsewhere",
    "check_unsure_below",
    "check_method",
]

BY_OPTIONS: tuple[str, ...] = ("country", "level", "period", "source_id")
PERIOD_BY_OPTIONS: tuple[str, ...] = ("date", "source")
METHOD_OPTIONS: tuple[str, ...] = ("neighbours", "all_pairs")


def _is_int(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def check_rule(rule: str) -> str:
    """Return ``rule`` if it is a counting rule of :data:`COUNTING_RULES`, else raise ValueError."""
    if rule not in COUNTING_RULES:
        raise ValueError(f"rule (the tier counting rule) must be one of {COUNTING_RULES}, got {rule!r}")
    return rule


def check_split_year(split_year) -> int:
    """Return ``split_year`` as an int if it is an integer year in 1900..2100.

    >>> check_split_year(2018)
    2018
    """
    if not _is_int(split_year):
        raise ValueError(f"split_year must be an integer year, got {split_year!r}")
    if not 1900 <= int(split_year) <= 2100:
        raise ValueError(f"split_year must be a year between 1900 and 2100, got {split_year}")
    return int(split_year)


def check_countries(ds, countries) -> list[str] | None:
    """Return the country codes as a de-duplicated list, or None for "every country".

    A string is one code; empty values are ignored; codes must be allowed by the
    descriptor's ``activities.countries`` list.
    """
    if countries is None:
        return None
    if isinstance(countries, str):
        countries = [countries]
    countries = [c for c in countries if c]
    if not countries:
        return None
    allowed = set(ds.field("activities", "countries")["wbcti:list"]["enum"])
    bad = [c for c in countries if c not in allowed]
    if bad:
        raise ValueError(f"countries: unknown ISO code(s) {bad}; use ISO 3166-1 alpha-2 codes (Kosovo is XK)")
    return list(dict.fromkeys(countries))


def check_seed(seed) -> int:
    """Return ``seed`` as an int if it is a non-negative integer.

    >>> check_seed(7)
    7
    """
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def check_by(by) -> list[str]:
    """Return ``by`` as a list if every entry is one of ``country``, ``level``, ``period``, ``source_id``."""
    by = list(by)
    bad = [b for b in by if b not in BY_OPTIONS]
    if bad:
        raise ValueError(f"by must name columns among {BY_OPTIONS}, got {bad}")
    return by


def check_n_bootstrap(n_bootstrap) -> int:
    """Return ``n_bootstrap`` if it is a non-negative integer (0 means no interval)."""
    if not _is_int(n_bootstrap) or n_bootstrap < 0:
        raise ValueError(f"n_bootstrap must be a non-negative integer, got {n_bootstrap!r}")
    return int(n_bootstrap)


def check_ci(ci) -> float:
    """Return ``ci`` if it is a confidence level strictly between 0 and 1."""
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
    return ci


def check_period_by(period_by: str) -> str:
    """Return ``period_by`` if it is ``"date"`` or ``"source"``."""
    if period_by not in PERIOD_BY_OPTIONS:
        raise ValueError(f"period_by must be 'date' or 'source', got {period_by!r}")
    return period_by


def check_threshold(threshold) -> float:
    """Return the duplicate score ``threshold`` if it is a number in [0, 1]."""
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold (duplicate score threshold) must be between 0 and 1, got {threshold!r}")
    return threshold


def check_weights(weights, defaults: dict[str, float]) -> dict[str, float]:
    """Return ``defaults`` updated with ``weights`` and normalised to sum to 1.

    >>> check_weights({"text": 1.0}, {"text": 0.5, "time": 0.5})
    {'text': 0.6666666666666666, 'time': 0.3333333333333333}
    """
    wts = dict(defaults)
    if not weights:
        return wts
    unknown = set(weights) - set(wts)
    if unknown:
        raise ValueError(f"weights: unknown component(s) {sorted(unknown)}; use {sorted(wts)}")
    wts.update(weights)
    total = sum(wts.values())
    if total <= 0 or any(v < 0 for v in wts.values()):
        raise ValueError("weights must be non-negative with a positive sum")
    return {k: v / total for k, v in wts.items()}


def check_max_folds(max_folds) -> int:
    """Return ``max_folds`` if it is an integer of at least 2."""
    if not isinstance(max_folds, numbers.Integral) or max_folds < 2:
        raise ValueError(f"max_folds must be an integer of at least 2, got {max_folds!r}")
    return int(max_folds)


def check_min_elsewhere(min_elsewhere) -> int:
    """Return ``min_elsewhere`` if it is at least 1."""
    if min_elsewhere < 1:
        raise ValueError(f"min_elsewhere must be at least 1, got {min_elsewhere}")
    return min_elsewhere


def check_unsure_below(unsure_below) -> float:
    """Return ``unsure_below`` if it is a probability in [0, 1]."""
    if not 0 <= unsure_below <= 1:
        raise ValueError(f"unsure_below must be between 0 and 1, got {unsure_below!r}")
    return unsure_below


def check_method(method: str) -> str:
    """Return the duplicate search ``method`` if it is ``"neighbours"`` or ``"all_pairs"``."""
    if method not in METHOD_OPTIONS:
        raise ValueError(f"method (how duplicate candidates are found) must be one of {METHOD_OPTIONS}, "
                         f"got {method!r}")
    return method
