"""Concentration of the funding on few funders (Herfindahl-Hirschman index per group) and
the funder x group matrix.

On the count basis a funder's weight in a group is the number of the group's activities it
funds, so its share is that number over the (activity, funder) links of the group; on the
amount basis it is the stated money it gives. The index itself is
:func:`wbcti_analysis.stats.concentration.hhi` (0-1 scale).
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from ..stats.concentration import effective_number, hhi, shares
from .checks import _check_basis
from .grouping import _default_groups, _membership
from .links import _amounts, _currency, funder_links

__all__ = ["concentration", "funder_matrix"]


def concentration(ds, by: str = "country", basis: str = "count", links: pd.DataFrame | None = None,
                  groups: Iterable[str] | None = None, top: int = 3, external_only: bool = False,
                  min_n: int = 3, currency: str | None = None) -> pd.DataFrame:
    """Return how concentrated each group's funding is on few funders.

    Parameters
    ----------
    by, groups, links, currency
        As in :func:`dependency`.
    basis : {"count", "amount"}
        Count basis: a funder's weight in a group is the number of the group's activities it
        funds. Amount basis: the stated amounts it gives (in ``currency``); a group with no
        stated amount falls back to counts (see ``basis``).
    top : int
        How many top funders to list.
    external_only : bool
        Only external funders (default False: all funders).
    min_n : int
        Groups with fewer (activity, funder) links are flagged ``thin``.

    Returns
    -------
    DataFrame
        One row per group: ``group, basis, n_links`` ((activity, funder) pairs),
        ``n_funders, hhi`` (Herfindahl-Hirschman index on the 0-1 scale: sum of squared
        funder shares; NaN with no funder), ``effective_funders`` (1 / hhi),
        ``top_funder, top_share`` (0-1), ``top_n_share`` (combined share of the ``top``
        largest), ``top_funders`` (text "id 50%; id 25%; ..."), ``currency``, ``thin``.

    Notes
    -----
    The index is :func:`wbcti_analysis.stats.concentration.hhi` [1]_ [2]_; the effective
    number of funders is its numbers-equivalent [3]_. On the 10,000 scale of the US merger
    guidelines [4]_, 0.25 (2,500) marks a highly concentrated market.

    References
    ----------
    .. [1] Herfindahl, O. C. (1950). *Concentration in the Steel Industry*. PhD
       dissertation, Columbia University.
    .. [2] Hirschman, A. O. (1964). The paternity of an index. *The American Economic
       Review*, 54(5), 761.
    .. [3] Adelman, M. A. (1969). Comment on the "H" concentration measure as a
       numbers-equivalent. *The Review of Economics and Statistics*, 51(1), 99-101.
    .. [4] U.S. Department of Justice and Federal Trade Commission (2010). *Horizontal
       Merger Guidelines*, section 5.3.

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> ds = tiny_dataset()
    >>> concentration(ds, by="country", groups=["AL", "XK"])[["group", "n_links", "hhi", "top_funders"]]
      group  n_links  hhi         top_funders
    0    AL        4  0.5  al-min 50%; ec 50%
    1    XK        2  0.5  ec 50%; xk-min 50%

    Over all activities: ec funds 3 of the 6 (activity, funder) links, al-min 2, xk-min 1,
    so HHI = (9 + 4 + 1) / 36:

    >>> row = concentration(ds, by="all").iloc[0]
    >>> round(float(row["hhi"]), 4), round(float(row["effective_funders"]), 4)
    (0.3889, 2.5714)
    """
    _check_basis(basis)
    if links is None:
        links = funder_links(ds)
    cur = _currency(links, currency)
    lk = links if not external_only else links[links["origin"] == "external"]
    lk = lk.assign(_amt=_amounts(lk, cur))
    uniq = lk.drop_duplicates(["activity_id", "funder_id"])
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups)]
    mc = mem.merge(uniq[["activity_id", "funder_id"]], on="activity_id")
    ma = mem.merge(lk[["activity_id", "funder_id", "_amt"]], on="activity_id")
    rows = []
    for grp in groups:
        cnt = mc[mc["group"] == grp].groupby("funder_id").size().astype(float)
        amt = ma[ma["group"] == grp].groupby("funder_id")["_amt"].sum(min_count=1).dropna()
        use_amount = basis == "amount" and len(amt) and amt.sum() > 0
        w = amt if use_amount else cnt
        w = w[w > 0]
        rec = {"group": grp, "basis": "amount" if use_amount else "count", "n_links": int(cnt.sum()),
               "n_funders": int(len(cnt)), "hhi": hhi(w), "currency": cur}
        rec["effective_funders"] = effective_number(rec["hhi"])
        if len(w):
            sh = shares(w).rename_axis("funder_id").reset_index(name="s")
            sh = sh.sort_values(["s", "funder_id"], ascending=[False, True], kind="stable")
            rec["top_funder"] = sh["funder_id"].iloc[0]
            rec["top_share"] = float(sh["s"].iloc[0])
            rec["top_n_share"] = float(sh["s"].head(top).sum())
            rec["top_funders"] = "; ".join(f"{f} {s:.0%}" for f, s in zip(sh["funder_id"].head(top),
                                                                            sh["s"].head(top)))
        else:
            rec.update(top_funder=None, top_share=np.nan, top_n_share=np.nan, top_funders="")
        rec["thin"] = rec["n_links"] < min_n
        rows.append(rec)
    cols = ["group", "basis", "n_links", "n_funders", "hhi", "effective_funders", "top_funder", "top_share",
            "top_n_share", "top_funders", "currency", "thin"]
    out = pd.DataFrame(rows, columns=cols)
    out["thin"] = out["thin"].astype(bool)
    return out


def funder_matrix(ds, by: str = "country", basis: str = "count", links: pd.DataFrame | None = None,
                  groups: Iterable[str] | None = None, external_only: bool = False,
                  currency: str | None = None) -> pd.DataFrame:
    """Return a funder x group matrix (e.g. funder x country) for a heatmap.

    Values: the number of the group's activities each funder funds (count basis) or the
    stated amounts in ``currency`` (amount basis; 0 where none is stated; no fall-back:
    with no amounts at all the matrix is all zeros and :func:`coverage` says why). Rows are
    funder ids sorted by their row total (descending) then id; columns are the groups in
    the order of :func:`dependency` (empty groups kept as zero columns). Empty when there
    are no funders.

    Parameters
    ----------
    by, groups, links, currency
        As in :func:`dependency`.
    basis : {"count", "amount"}
        Activities funded (int) or stated amounts in ``currency`` (float).
    external_only : bool
        Only external funders (default False: all funders).

    Returns
    -------
    DataFrame
        Funders (index ``funder_id``) x groups (columns named ``by``).

    Raises
    ------
    ValueError
        For an unknown ``by`` or ``basis``.

    Examples
    --------
    >>> from wbcti_analysis.funding.examples import tiny_dataset
    >>> funder_matrix(tiny_dataset(), groups=["AL", "XK"])  # doctest: +NORMALIZE_WHITESPACE
    country    AL  XK
    funder_id
    ec          2   1
    al-min      2   0
    xk-min      0   1
    """
    _check_basis(basis)
    if links is None:
        links = funder_links(ds)
    cur = _currency(links, currency)
    lk = links if not external_only else links[links["origin"] == "external"]
    mem = _membership(ds, by)
    groups = list(groups) if groups is not None else _default_groups(ds, by, mem["group"])
    mem = mem[mem["group"].isin(groups)]
    if basis == "count":
        m = mem.merge(lk.drop_duplicates(["activity_id", "funder_id"])[["activity_id", "funder_id"]], on="activity_id")
        mat = m.pivot_table(index="funder_id", columns="group", values="activity_id", aggfunc="count", fill_value=0)
    else:
        m = mem.merge(lk.assign(_amt=_amounts(lk, cur))[["activity_id", "funder_id", "_amt"]], on="activity_id")
        mat = m.pivot_table(index="funder_id", columns="group", values="_amt", aggfunc="sum", fill_value=0.0)
    mat = mat.reindex(columns=groups, fill_value=0)
    mat = mat.astype(int if basis == "count" else float)
    if mat.empty:
        return mat
    order = mat.sum(axis=1).rename("_t").reset_index().sort_values(["_t", "funder_id"], ascending=[False, True])
    mat = mat.loc[order["funder_id"]]
    mat.columns.name = by
    return mat
