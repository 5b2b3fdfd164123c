"""Plot helpers shared by the ``plots_*`` modules: the source caption and the "nothing to
plot" figure, so every figure of the collection carries the same footnote.

matplotlib is imported inside the functions, never at import time.
"""
from __future__ import annotations

import textwrap

from ..notebook import SOURCE_CAPTION

__all__ = ["add_caption", "finish_figure", "empty_figure", "CAPTION_PT"]

#: Caption size in points: at least 9 pt, legible on screen and in A4 print.
CAPTION_PT = 9


def _caption_lines(fig, note: str) -> list[str]:
    width = max(60, int(fig.get_figwidth() * 13))  # ~characters per line at 9 pt
    lines = [ln for part in note.split("\n") if part for ln in textwrap.wrap(part, width)]
    return lines + [SOURCE_CAPTION]


def add_caption(fig, note: str = "") -> None:
    """Write ``note`` (if any) and the source caption in small grey text at the figure's foot.

    The figure's layout is left alone: use :func:`finish_figure` to make room first.
    """
    fig.text(0.01, 0.005, "\n".join(_caption_lines(fig, note)), ha="left", va="bottom",
             fontsize=CAPTION_PT, color="#444444")


def finish_figure(fig, note: str = "") -> None:
    """Lay the figure out (tight layout) leaving room at the foot, then add the caption."""
    lines = _caption_lines(fig, note)
    height = (0.17 * len(lines) + 0.1) / fig.get_figheight()  # inches per 9 pt line
    fig.tight_layout(rect=(0, min(height, 0.5), 1, 1))
    add_caption(fig, note)


def empty_figure(title: str, message: str, figsize: tuple[float, float] = (7, 2.5)):
    """Return a small figure saying why there is nothing to plot (thin or empty data)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)
    finish_figure(fig)
    return fig
