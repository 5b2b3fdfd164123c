"""Formatting values for the report pages (used as jinja2 filters)."""
from __future__ import annotations

import json
from typing import Any

__all__ = ["format_value", "signed", "duration", "shown_parameter", "readable_parameter", "when", "file_size",
           "is_share", "headline_value", "headline_difference", "wrap_lines", "PRE_WIDTH"]

PRE_WIDTH = 120  # no line of a <pre> block on the pages is longer (tracebacks are wrapped)


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


def readable_parameter(value: Any) -> str:
    """A parameter value for a reader: lists comma-separated, booleans as typed in YAML.

    >>> readable_parameter(["XK", "AL"]), readable_parameter([]), readable_parameter(True), readable_parameter(None)
    ('XK, AL', 'none', 'true', 'null')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return ", ".join(readable_parameter(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {readable_parameter(v)}" for k, v in value.items()) or "none"
    return str(value)


def when(iso: Any) -> str:
    """An ISO time stamp as '2 December 2026, 11:33 UTC' ('' for none; the text itself if unreadable)."""
    from datetime import datetime, timezone

    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(str(iso)).astimezone(timezone.utc)
    except ValueError:
        return str(iso)
    return f"{t.day} {t:%B %Y, %H:%M} UTC"


def file_size(n: Any) -> str:
    """Bytes as '812 bytes', '12.5 kB' or '1.2 MB'.

    >>> file_size(812), file_size(12_500), file_size(1_234_567)
    ('812 bytes', '12.5 kB', '1.2 MB')
    """
    if n is None:
        return ""
    n = int(n)
    return f"{n} bytes" if n < 1000 else (f"{n / 1000:.1f} kB" if n < 1_000_000 else f"{n / 1_000_000:.1f} MB")


def is_share(unit: Any, value: Any = 0.0) -> bool:
    """Is a headline a share (shown as a percentage)? Its unit says share / proportion / fraction."""
    u = str(unit or "").strip().lower()
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return number and u.split(" ")[0] in ("share", "proportion", "fraction") and -1.0 <= value <= 1.0


def headline_value(value: Any, unit: Any = "") -> str:
    """A headline figure with its unit, shares as percentages.

    >>> headline_value(0.887, "share of activities"), headline_value(12, "actors"), headline_value(None, "pairs")
    ('88.7 % of activities', '12 actors', 'not computable')
    >>> headline_value(0.25, "F1 (0-1)"), headline_value(True), headline_value(["a", "b"], "mechanism id")
    ('0.25 F1 (0-1)', 'yes', 'a, b (mechanism id)')
    """
    unit = str(unit or "").strip()
    if value is None:
        return "not computable"
    if is_share(unit, value):
        rest = " ".join(unit.split(" ")[1:])
        return f"{value * 100:.1f} %" + (f" {rest}" if rest else "")
    text = format_value(value)
    if not unit or isinstance(value, bool):
        return text
    if isinstance(value, (int, float)):
        return f"{text} {unit}"
    return f"{text} ({unit})"


def headline_difference(diff: Any, unit: Any = "", value: Any = None) -> str:
    """A change for the headline table: shares in percentage points.

    >>> headline_difference(0.021, "share of activities", 0.5), headline_difference(21, "units", 42)
    ('+2.1 pp', '+21')
    """
    if is_share(unit, value if value is not None else diff) and isinstance(diff, (int, float)):
        text = f"{diff * 100:.1f} pp"
        return text if text.startswith("-") else "+" + text
    return signed(diff)


def wrap_lines(text: Any, width: int = PRE_WIDTH) -> str:
    """Hard-wrap every line of ``text`` longer than ``width`` characters (continuations indented).

    >>> wrap_lines("a" * 6 + "\\nok", width=4)
    'aaaa\\n  aa\\nok'
    """
    out = []
    for line in str(text or "").splitlines():
        while len(line) > width:
            out.append(line[:width])
            line = "  " + line[width:]
        out.append(line)
    return "\n".join(out)
