"""Formatting values for the report pages (used as jinja2 filters)."""
from __future__ import annotations

import json
from typing import Any

__all__ = ["format_value", "signed", "duration", "shown_parameter"]


def format_value(value: Any) -> str:
    """A headline value as text: thousands separators, 4 significant digits, '–' for None.

    >>> format_value(1234567), format_value(0.123456), format_value(None), format_value(True)
    ('1,234,567', '0.1235', '–', 'yes')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:,.1f}"
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def signed(diff: float) -> str:
    """A difference with its sign: ``signed(21) == '+21'``."""
    text = format_value(diff)
    return text if text.startswith("-") else "+" + text


def duration(seconds: Any) -> str:
    """Seconds as ``'12.3 s'`` or ``'2 min 5 s'``; '–' when unknown."""
    if seconds is None:
        return "–"
    seconds = float(seconds)
    return f"{seconds:.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def shown_parameter(value: Any) -> str:
    """A parameter value as a user would type it (JSON for lists, the text for strings)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
