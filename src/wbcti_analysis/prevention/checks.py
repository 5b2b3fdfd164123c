"""Argument checks of the prevention analyses: each names the parameter and what it allows.

Every public function of :mod:`wbcti_analysis.prevention` checks its arguments here
before it computes anything, and raises ``ValueError`` with a message that names the
parameter and the allowed values. The arguments that are parameters of notebook 03
(``tier_rule``, ``split_year``, ``countries``, ``seed``, ``duplicate_threshold``,
``n_bootstrap``, ``unsure_below``) are checked against its declaration
(:func:`wbcti_analysis.params.require_arguments`), so the notebook, the runner and the
library allow the same values; the others (``by``, ``ci``, ``period_by``, ``weights``,
``max_folds``, ``min_elsewhere``, ``method``) are the functions' own.

Examples
--------
>>> check_rule("each")
'each'
>>> check_rule("half")
Traceback (most recent call last):
...
wbcti_analysis.params.model.ParameterError: 1 problem(s) with the parameters of 03-prevention-vs-rr:
  - 03-prevention-vs-rr: tier_rule: unknown value 'half'; allowed: fractional, each
"""
from __future__ import annotations

import numbers

from ..params.checking import require_arguments, require_codes

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

NOTEBOOK = "03-prevention-vs-rr"
BY_OPTIONS: tuple[str, ...] = ("country", "level", "period", "source_id")
PERIOD_BY_OPTIONS: tuple[str, ...] = ("date", "source")
METHOD_OPTIONS: tuple[str, ...] = ("neighbours", "all_pairs")


def _declared(name: str, value, ds=None):
    """``value`` checked as notebook 03's parameter ``name`` (raises ParameterError) and returned."""
    return require_arguments(NOTEBOOK, {name: value}, ds).values[name]


def check_rule(rule: str) -> str:
    """Return ``rule`` if it is an allowed value of notebook 03's ``tier_rule``, else raise ValueError."""
    return _declared("tier_rule", rule)


def check_split_year(split_year) -> int:
    """Return ``split_year`` as an int if it is an allowed value of notebook 03's ``split_year``.

    >>> check_split_year(2018)
    2018
    """
    return int(_declared("split_year", split_year))


def check_countries(ds, countries) -> list[str] | None:
    """Return the country codes as a de-duplicated list, or None for "every country".

    A string is one code; empty values are ignored. Codes are checked as notebook 03's
    ``countries`` (:func:`wbcti_analysis.params.checking.require_codes`): a code the
    descriptor allows is accepted even if the package has no activity there (its row is
    zero, a coverage gap); any other code is refused with the codes the package has.
    """
    if countries is None:
        return None
    if isinstance(countries, str):
        countries = [countries]
    if hasattr(countries, "__iter__") and not isinstance(countries, dict):
        countries = [c for c in countries if c is not None and c != ""]
    countries = require_codes(NOTEBOOK, "countries", countries, ds)
    return list(dict.fromkeys(countries)) or None


def check_seed(seed) -> int:
    """Return ``seed`` as an int if it is an allowed value of notebook 03's ``seed`` (an integer >= 0).

    >>> check_seed(7)
    7
    """
    return int(_declared("seed", seed))


def check_by(by) -> list[str]:
    """Return ``by`` as a list if every entry is one of ``country``, ``level``, ``period``, ``source_id``."""
    by = list(by)
    bad = [b for b in by if b not in BY_OPTIONS]
    if bad:
        raise ValueError(f"by must name columns among {BY_OPTIONS}, got {bad}")
    return by


def check_n_bootstrap(n_bootstrap) -> int:
    """Return ``n_bootstrap`` if notebook 03's ``n_bootstrap`` allows it (an integer >= 0; 0: no interval)."""
    return int(_declared("n_bootstrap", n_bootstrap))


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
    """Return the duplicate score ``threshold`` if notebook 03's ``duplicate_threshold`` allows it (0..1)."""
    return _declared("duplicate_threshold", threshold)


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
    """Return ``unsure_below`` if notebook 03's ``unsure_below`` allows it (a probability in 0..1)."""
    return _declared("unsure_below", unsure_below)


def check_method(method: str) -> str:
    """Return the duplicate search ``method`` if it is ``"neighbours"`` or ``"all_pairs"``."""
    if method not in METHOD_OPTIONS:
        raise ValueError(f"method (how duplicate candidates are found) must be one of {METHOD_OPTIONS}, "
                         f"got {method!r}")
    return method
