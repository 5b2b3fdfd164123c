"""Shared state and generic steps of the synthetic generator.

:class:`State` holds the random generator, the template and the tables drawn so far.
:meth:`State.base` copies template rows (every column of the descriptor, the ones the
template lacks filled by :func:`~.template.default_column`); :meth:`State.finish` gives
the rows their new primary keys, points every foreign key the table's own generator did
not set at a *sibling* (a synthetic row drawn from the same template row, so a figure
about a mechanism points at a synthetic mechanism), and writes ``source_id`` (a synthetic
source) and ``locator``. :func:`recombine` and :func:`partial_dates` make the text and the
dates.
"""
from __future__ import annotations

import re

from .template import Template, default_column, remap_keys, scaled, sibling_index

__all__ = ["State", "Urn", "recombine", "words", "partial_dates"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


class State:
    """What the generator has drawn so far.

    Parameters
    ----------
    template : Template
    scale : float
        Rows per table relative to the template (``K``).
    seed : int
        Seed of the one random generator every step draws from.
    amounts : bool
        Whether funding rows get stated amounts beyond the template's rate.
    """

    def __init__(self, template: Template, scale: float, seed: int, amounts: bool = False):
        import numpy as np

        self.t = template
        self.scale = float(scale)
        self.seed = int(seed)
        self.rng = np.random.default_rng(seed)
        self.amounts = bool(amounts)
        self.frames: dict = {}
        self.tkeys: dict = {}
        self.siblings: dict = {}

    def n(self, table: str) -> int:
        """Rows of ``table`` at this scale."""
        return scaled(len(self.t.frames[table]), self.scale)

    def base(self, table: str, template_idx=None, n: int | None = None):
        """Return template rows (text) for ``table``, one per synthetic row, with every descriptor column.

        ``template_idx`` gives the template rows (positions); otherwise ``n`` (default
        :meth:`n`) rows are drawn uniformly.
        """
        import numpy as np
        import pandas as pd

        tb = self.t.frames[table]
        names = [f["name"] for f in self.t.fields(table)]
        if template_idx is None:
            n = self.n(table) if n is None else n
            template_idx = self.rng.integers(len(tb), size=n) if len(tb) else np.zeros(0, dtype=int)
        template_idx = np.asarray(template_idx, dtype=int)
        if len(tb):
            df = tb.iloc[template_idx].reset_index(drop=True)
        else:
            df = pd.DataFrame(index=range(len(template_idx)))
        for f in self.t.fields(table):
            if f["name"] not in df:
                df[f["name"]] = default_column(f, len(df), self.rng)
        pk = self.t.primary_key(table)
        self.tkeys[table] = (df[pk].tolist() if pk and len(tb) else [""] * len(df))
        return df[names].copy()

    def finish(self, table: str, df, keys, explicit=()) -> None:
        """Store ``df`` as ``table`` with primary keys ``keys``; remap the foreign keys not in ``explicit``."""
        pk = self.t.primary_key(table)
        if pk:
            df[pk] = list(keys)
        explicit = set(explicit)
        for column, ref in self.t.foreign_keys(table):
            if column in explicit or column == pk:
                continue
            if ref == table or ref not in self.frames:
                required = self.t.field(table, column).get("constraints", {}).get("required")
                if not required:
                    df[column] = ""
                continue
            rpk = self.t.primary_key(ref)
            df[column] = remap_keys(df[column].tolist(), self.siblings.get(ref, {}),
                                    self.frames[ref][rpk].tolist() if rpk else [], self.rng)
        if self.t.has(table, "locator"):
            df["locator"] = [f"synthetic {table}.csv line {i + 2} (drawn from template row {k or i})"
                             for i, k in enumerate(self.tkeys.get(table, [""] * len(df)))]
        self.frames[table] = df.reset_index(drop=True)
        if pk:
            self.siblings[table] = sibling_index(self.tkeys.get(table, [""] * len(df)), df[pk].tolist())


class Urn:
    """A Polya urn: draws are proportional to a starting weight plus the times an item was drawn.

    Drawing an item puts another copy in, which gives the heavy-tailed participation of
    preferential attachment (Barabasi and Albert 1999).

    Parameters
    ----------
    weights : dict of item -> int
        Starting copies of each item (its "fitness"); items with 0 are left out.
    rng : numpy.random.Generator

    References
    ----------
    Barabasi, A.-L. and Albert, R. (1999). Emergence of scaling in random networks.
    *Science* 286(5439), 509-512.

    Examples
    --------
    >>> import numpy as np
    >>> u = Urn({"a": 1, "b": 1}, np.random.default_rng(0))
    >>> sorted({u.draw() for _ in range(20)})
    ['a', 'b']
    """

    def __init__(self, weights: dict, rng):
        self.items: list = [k for k, w in weights.items() for _ in range(int(w))]
        self.rng = rng
        self._buf: list = []

    def __len__(self) -> int:
        return len(self.items)

    def _u(self) -> float:
        if not self._buf:
            self._buf = self.rng.random(4096).tolist()
        return self._buf.pop()

    def draw(self, exclude=()):
        """Draw one item (not one of ``exclude``; ``None`` if nothing else is left after 50 tries)."""
        if not self.items:
            return None
        for _ in range(50):
            item = self.items[int(self._u() * len(self.items))]
            if item not in exclude:
                return item
        return None

    def add(self, item) -> None:
        """Put one more copy of ``item`` in."""
        self.items.append(item)


def recombine(texts, pool, rng, keep: float = 0.5, suffix=None) -> list[str]:
    """Return texts whose words are each kept with probability ``keep`` or replaced from ``pool``.

    Examples
    --------
    >>> import numpy as np
    >>> recombine(["Referral mechanism training"], ["youth"], np.random.default_rng(1), keep=1.0)
    ['Referral mechanism training']
    """
    out = []
    pool = list(pool) or ["synthetic"]
    for i, text in enumerate(texts):
        words = _WORD.findall(text) or ["Synthetic"]
        u = rng.random(len(words))
        picks = rng.integers(len(pool), size=len(words))
        new = [w if keep_ else pool[p] for w, keep_, p in zip(words, u < keep, picks)]
        s = " ".join(new)
        out.append(s[:1].upper() + s[1:] + (f" {suffix[i]}" if suffix is not None else ""))
    return out


def words(texts) -> list[str]:
    """Every word of ``texts`` (with repeats), the pool :func:`recombine` draws from."""
    return [w for t in texts for w in _WORD.findall(t)]


def partial_dates(start, end, rng, shift: int = 1) -> tuple[list[str], list[str]]:
    """Return new (start, end) partial ISO dates with the template's precision and rough position.

    Each template pair keeps its precision (empty, ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``, start and end independently); the start year moves by up to
    ``shift`` years and the duration is drawn around the template's. The end's latest
    day never falls before the start's earliest day, so the pair passes the date-order check.

    Examples
    --------
    >>> import numpy as np
    >>> s, e = partial_dates(["2017-11-07", "", "2016"], ["2017-11-08", "2018", ""], np.random.default_rng(0))
    >>> [len(x) for x in s], [len(x) for x in e]
    ([10, 0, 4], [10, 4, 0])
    """
    import datetime as dt

    out_s, out_e = [], []
    n = len(start)
    u = rng.random((n, 3))
    shifts = rng.integers(-shift, shift + 1, size=n)
    for i, (s, e) in enumerate(zip(start, end)):
        ys = int(s[:4]) if s else None
        ye = int(e[:4]) if e else None
        base_year = (ys if ys is not None else (ye if ye is not None else 2017)) + int(shifts[i])
        first = dt.date(base_year, 1, 1) + dt.timedelta(days=int(u[i, 0] * 365))
        span_years = max(0, (ye - ys)) if (ys is not None and ye is not None) else 1
        last = first + dt.timedelta(days=int(u[i, 1] * 365 * (span_years + 0.5)))
        if ys is None and ye is not None:  # only an end: place it, then only it is written
            last = dt.date(ye + int(shifts[i]), 1, 1) + dt.timedelta(days=int(u[i, 2] * 364))
        out_s.append(first.isoformat()[:len(s)] if s else "")
        out_e.append(last.isoformat()[:len(e)] if e else "")
    return out_s, out_e
