"""The parameter model: one declared parameter (:class:`Param`) and one notebook's set (:class:`NotebookParams`).

A :class:`Param` knows its type, default, help, fixed allowed values (``choices``), a
package-derived set of allowed values (``domain``, see :mod:`.domains`) and a numeric
range. A :class:`NotebookParams` adds the cross-field rules and the fields that form the
notebook's :class:`~wbcti_analysis.selection.Selection`. Checking lives in :mod:`.check`.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Param", "NotebookParams", "ParameterError", "TYPES", "literal", "type_word"]

# The plain types a parameters cell may use (``name: type = value  # help``).
TYPES = ("int", "float", "str", "bool", "list", "dict")


class ParameterError(ValueError):
    """Parameters that do not fit their declaration; ``problems`` lists every one."""

    def __init__(self, problems: list[str], notebook: str = ""):
        self.problems = list(problems)
        self.notebook = notebook
        head = f"{len(self.problems)} problem(s) with the parameters" + (f" of {notebook}" if notebook else "")
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


def type_word(value: Any) -> str:
    """The parameter-type name of a Python value: ``type_word(True) == 'bool'``."""
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict",
            tuple: "list", type(None): "null"}.get(type(value), type(value).__name__)


def literal(value: Any) -> str:
    """A value as a parameters cell writes it: strings in double quotes, lists with ``, ``.

    >>> literal(["cti-network", "rcc"]), literal("count"), literal(False), literal(0.5)
    ('["cti-network", "rcc"]', '"count"', 'False', '0.5')
    """
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class Param:
    """One parameter of a notebook.

    Attributes
    ----------
    name, type, default, help
        As in the parameters cell (``type`` one of :data:`TYPES`, or ``""`` for any value).
    choices : tuple of str, optional
        Fixed allowed values of a ``str`` parameter, or of each item of a ``list`` one.
    domain : str, optional
        Name of a package-derived set of allowed values (:data:`.domains.DOMAINS`), e.g.
        ``"funders"``: the ids of the actors the package records as funders.
    minimum, maximum : float, optional
        Inclusive range of a number (``exclusive=True`` makes both bounds exclusive).
    open_value : optional
        A value outside the range that means "no bound" (0 for years).
    items : str
        Type of a ``list`` parameter's items (default ``"str"``).
    default_text : str
        The default's source text (papermill's inspection); derived from ``default`` if empty.
    """

    name: str
    type: str
    default: Any
    help: str = ""
    choices: tuple[str, ...] | None = None
    domain: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive: bool = False
    open_value: Any = None
    items: str = "str"
    default_text: str = ""

    @property
    def kind(self) -> str | None:
        """The checked type, or None when any value is accepted."""
        return self.type if self.type in TYPES else None

    @property
    def default_source(self) -> str:
        return self.default_text or literal(self.default)

    def type_problem(self, value: Any) -> str | None:
        """Why ``value`` is not of this parameter's type (``"expected int, got str 'x'"``), or None."""
        kind = self.kind
        if kind is None:
            return None
        if value is None:
            return None if self.default is None else f"expected {kind}, got null"
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "str": isinstance(value, str),
            "list": isinstance(value, list),
            "dict": isinstance(value, dict),
        }[kind]
        if not ok:
            return f"expected {kind}, got {type_word(value)} {value!r}"
        if kind == "list" and self.items == "str" and not all(isinstance(v, str) for v in value):
            return f"expected a list of strings, got {value!r}"
        return None

    def check(self, value: Any) -> str | None:
        """Why ``value`` does not fit (type, choices, range; not the package), or None."""
        return self.type_problem(value) or self.value_problem(value)

    def value_problem(self, value: Any) -> str | None:
        """Choices and range problems of a value of the right type, or None."""
        if value is None:
            return None
        if self.choices is not None:
            bad = [v for v in (value if isinstance(value, list) else [value]) if v not in self.choices]
            if bad:
                return f"unknown value {', '.join(map(repr, bad))}; allowed: {', '.join(self.choices)}"
        if self.kind in ("int", "float") and (self.minimum is not None or self.maximum is not None):
            if self.open_value is not None and value == self.open_value:
                return None
            lo_bad = self.minimum is not None and (value <= self.minimum if self.exclusive else value < self.minimum)
            hi_bad = self.maximum is not None and (value >= self.maximum if self.exclusive else value > self.maximum)
            if lo_bad or hi_bad:
                return f"{value!r} is out of range; allowed: {self.allowed_text()}"
        return None

    def allowed_text(self) -> str:
        """What is allowed, in words (choices, range, domain); empty when anything of the type is."""
        if self.choices is not None:
            return ("any of " if self.kind == "list" else "one of ") + ", ".join(self.choices)
        if self.minimum is not None or self.maximum is not None:
            lo, hi = self.minimum, self.maximum
            if lo is not None and hi is not None:
                text = (f"strictly between {_num(lo)} and {_num(hi)}" if self.exclusive
                        else f"{_num(lo)} to {_num(hi)}")
            elif lo is not None:
                text = f"{'>' if self.exclusive else '>='} {_num(lo)}"
            else:
                text = f"{'<' if self.exclusive else '<='} {_num(hi)}"
            if self.open_value is not None:
                text = f"{literal(self.open_value)} (no bound) or {text}"
            return text
        if self.domain:
            from .domains import DOMAINS

            return DOMAINS[self.domain].description
        return ""

    def describe(self) -> str:
        """One line: ``name: type = default  # help``."""
        text = f"{self.name}: {self.type or '(untyped)'} = {self.default_source}"
        return f"{text}  # {self.help}" if self.help else text

    def to_dict(self) -> dict:
        out = {"name": self.name, "type": self.type or "None", "default": self.default_source, "help": self.help}
        allowed = self.allowed_text()
        if allowed:
            out["allowed"] = allowed
        if self.choices is not None:
            out["choices"] = list(self.choices)
        if self.domain:
            out["domain"] = self.domain
        return out

    @classmethod
    def from_inspection(cls, entry: dict) -> "Param":
        """An undeclared parameter as :func:`papermill.inspect_notebook` reports it (type and default only)."""
        type_text = str(entry.get("inferred_type_name") or "None").strip().strip("'\"")
        default_text = str(entry.get("default", ""))
        try:
            default = ast.literal_eval(default_text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            default = ...
        kind = type_text if type_text in TYPES else ""
        if not kind and type_text in ("None", "") and default is not ...:
            kind = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict",
                    tuple: "list"}.get(type(default), "")
        # an undeclared list may hold anything: only the declaration says "list of strings"
        return cls(entry["name"], kind, None if default is ... else default, str(entry.get("help") or ""),
                   items="any", default_text=default_text)


Rule = Callable[[dict], "list[str]"]


@dataclass(frozen=True)
class NotebookParams:
    """The parameters of one notebook and the rules across them.

    ``rules`` are ``(description, function)`` pairs; each function takes the dict of
    values (defaults filled in, each of the right type and range) and returns problem
    texts. ``selection`` names the parameters that form the notebook's
    :class:`~wbcti_analysis.selection.Selection` (checked with ``Selection.problems``).
    ``derive`` returns the values the notebook computes from its parameters.
    """

    notebook: str
    params: tuple[Param, ...]
    rules: tuple[tuple[str, Rule], ...] = ()
    selection: tuple[str, ...] = ()
    derive: Callable[[dict], dict] | None = None
    declared: bool = True  # False: inferred from the parameters cell (no library declaration)
    runner_params: tuple[str, ...] = field(default=("data_path", "output_dir"))

    def __post_init__(self):
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.notebook}: a parameter is declared twice in {names}")

    def rule_texts(self) -> list[str]:
        """The cross-field rules in words (for ``wbcti list``)."""
        out = ["start_year <= end_year when both are set"] if {"start_year", "end_year"} <= set(self.selection) else []
        return out + [text for text, _ in self.rules]

    @property
    def by_name(self) -> dict[str, Param]:
        return {p.name: p for p in self.params}

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def non_default(self, values: dict) -> dict:
        """The entries of ``values`` that differ from the declared defaults (runner's own left out)."""
        d = self.defaults()
        return {k: v for k, v in values.items()
                if k not in self.runner_params and (k not in d or d[k] != v)}
