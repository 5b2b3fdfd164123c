"""The headline figures of the mechanisms comparison, each with the n it rests on and its caveat.

:func:`headline_figures` computes, from the data and the notebook's parameters, the few
results notebook 04 publishes on the run's index page, as
:class:`wbcti_analysis.headlines.Headline` objects. Thin evidence is said, not hidden:
a distance of 0 to a reference model carries the number of feature values it was
computed on, and the most often missing sector says how many mechanisms a source states
it is absent from and how many merely do not mention it.
"""
from __future__ import annotations

from typing import Iterable

from ..headlines import Headline
from .clustering import Clustering, cluster_mechanisms
from .coverage import missing_sectors, most_often_missing, sector_coverage
from .distances import Distances, mechanism_distances
from .lineage import _without_stated_features
from .references import closest_to, find_reference_model, foreign_references, nearest
from .select import check_parameters
from .vocabulary import REFERENCE_MODELS

__all__ = ["headline_figures", "HEADLINE_KEYS"]

#: Keys of :func:`headline_figures`, in order (stable across runs: the run comparison matches on them).
HEADLINE_KEYS: tuple[str, ...] = (
    "mechanisms_compared",
    "mechanisms_closest_to_uk_channel",
    "mechanisms_closest_to_aarhus",
    "mechanisms_most_often_missing_sector",
    "mechanisms_missing_sector_count",
    "mechanisms_missing_sector_stated_absent",
    "mechanisms_missing_sector_not_stated",
    "mechanisms_clusters",
)

_MODEL_NAMES = {"uk_channel": "UK Channel", "aarhus": "Aarhus"}
_LABEL_ABSENT = "Mechanisms without that sector because a source states it is absent"
_LABEL_UNSTATED = "Mechanisms without that sector because no source mentions it"
_ITEMS = {"jaccard": "compared feature values", "gower": "compared features"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _compared(ds, ids: list[str], refs: list[str]) -> Headline:
    bare = _without_stated_features(ds, ids)
    parts = []
    if len(ids) < 2:
        parts.append("too thin to compare: at least 2 mechanisms are needed")
    if refs:
        parts.append(f"includes {_plural(len(refs), 'reference model')} from outside the region "
                     f"({', '.join(refs)})")
    if bare:
        verb = "has" if len(bare) == 1 else "have"
        parts.append(f"{len(bare)} of them {verb} no stated feature (only level, type, members and dates): "
                     f"{', '.join(bare)}")
    return Headline("mechanisms_compared", "Mechanisms compared", len(ids), unit="mechanisms", n=len(ids),
                    caveat="; ".join(parts) + ("." if parts else ""))


def _closest(ds, ids: list[str], dist: Distances, key: str, min_compared: int) -> Headline:
    label = f"Mechanism(s) closest to the {_MODEL_NAMES[key]} model ({dist.method}; ties all listed)"
    hkey = f"mechanisms_closest_to_{key}"
    mid = find_reference_model(ds, key)
    if mid is None:
        usual = REFERENCE_MODELS[key][0]
        return Headline(hkey, label, None, unit="mechanism id",
                        caveat=f"The {_MODEL_NAMES[key]} model ({usual}) is not in the data: no comparison.")
    if mid not in ids:
        return Headline(hkey, label, None, unit="mechanism id",
                        caveat=f"{mid} is not among the selected mechanisms: no comparison.")
    table = closest_to(dist, mid)
    if table.empty:
        return Headline(hkey, label, None, unit="mechanism id", n=0,
                        caveat=f"No mechanism shares enough comparable evidence with {mid} "
                               f"(at least {min_compared} {_ITEMS[dist.method]} needed).")
    best = nearest(table)
    rows = table[table["mechanism_id"].isin(best)]
    d = float(rows["distance"].iloc[0])
    counts = [int(c) for c in rows["compared"]]
    if len(best) == 1:
        rests = f"resting on {counts[0]} {_ITEMS[dist.method]}"
    else:
        rests = ("a tie of " + ", ".join(f"{m} ({c})" for m, c in zip(rows["mechanism_id"], counts))
                 + f", with the {_ITEMS[dist.method]} each rests on in brackets")
    caveat = f"{dist.method} distance {d:.3g} to {mid}, {rests}"
    if d == 0:
        caveat += "; 0 means no stated difference on the values known for both, not identical mechanisms"
    return Headline(hkey, label, ", ".join(best), unit="mechanism id", n=min(counts), caveat=caveat + ".")


def _sectors(missing, foreign: list[str]) -> list[Headline]:
    top = most_often_missing(missing)
    n = int(missing["mechanisms"].iloc[0]) if len(missing) else 0
    label_top = "Recommended sector(s) most often not shown as a member (stated absent or not stated)"
    scope = "Western Balkan mechanisms with member information"
    if foreign:
        scope += f" (reference models from outside the region left out: {', '.join(foreign)})"
    if not top:
        why = (f"No sector is missing in any of the {n} {scope}." if n
               else "No mechanism with member information: nothing to count.")
        return [Headline("mechanisms_most_often_missing_sector", label_top, None, unit="sector", n=n, caveat=why),
                Headline("mechanisms_missing_sector_count",
                         "Western Balkan mechanisms (with member information) without that sector", 0,
                         unit="mechanisms", n=n, caveat=why),
                Headline("mechanisms_missing_sector_stated_absent", _LABEL_ABSENT, 0, unit="mechanisms", n=n,
                         caveat=why),
                Headline("mechanisms_missing_sector_not_stated", _LABEL_UNSTATED, 0, unit="mechanisms", n=n,
                         caveat=why)]
    cols = ["missing", "stated_absent", "disputed", "not_stated"]
    splits = {s: tuple(int(missing.at[s, c]) for c in cols) for s in top}
    k, absent, disputed, unstated = splits[top[0]]
    split = f"{absent} stated absent, {unstated} not stated"
    if disputed:
        split += f", {disputed} disputed"
    # tied sectors share the missing and stated-absent counts; say whose split the counts give
    same = len(set(splits.values())) == 1
    which = "" if len(top) == 1 else ("each: " if same else f"{top[0]}: ")
    who = ", ".join(top) if same else top[0]
    caveat = (f"Not shown as a member in {k} of {n} {scope}; {which}{split}. "
              + ("'Not stated' is a gap in the sources, not necessarily in the mechanism."
                 if unstated else "Every one of them is a gap a source states."))
    if len(top) > 1:
        caveat = f"A tie of {len(top)} sectors with the same counts. " + caveat
    return [Headline("mechanisms_most_often_missing_sector", label_top, ", ".join(top), unit="sector", n=n,
                     caveat=caveat),
            Headline("mechanisms_missing_sector_count",
                     "Western Balkan mechanisms (with member information) without that sector", k,
                     unit="mechanisms", n=n, caveat=f"{which}{split}."),
            Headline("mechanisms_missing_sector_stated_absent", _LABEL_ABSENT, absent, unit="mechanisms", n=n,
                     caveat=f"{who}: a source states it is not a member (a gap in the mechanism)."),
            Headline("mechanisms_missing_sector_not_stated", _LABEL_UNSTATED, unstated, unit="mechanisms", n=n,
                     caveat=f"{who}: no source mentions it (a gap in the sources, which list members "
                            f"by example).")]


def _clusters(clustering: Clustering, dist: Distances, min_compared: int) -> Headline:
    label = f"Clusters at distance {clustering.threshold:g}"
    if clustering.linkage is None:
        return Headline("mechanisms_clusters", label, None, unit="clusters", n=len(clustering.labels),
                        caveat=" ".join(clustering.notes))
    sizes = clustering.clusters["cluster"].value_counts()
    k = int(len(sizes))
    single = int((sizes == 1).sum())
    parts = [f"average linkage on {dist.method} distances of {len(clustering.labels)} mechanisms; "
             f"{single} of the {k} clusters are a single mechanism"]
    if min_compared:
        parts.append(f"pairs resting on fewer than {min_compared} {_ITEMS[dist.method]} have no distance")
    return Headline("mechanisms_clusters", label, k, unit="clusters", n=len(clustering.labels),
                    caveat="; ".join(parts) + "." + ("".join(" " + x for x in clustering.notes)))


def headline_figures(ds, mechanisms: Iterable[str] | None = None, features: Iterable[str] | None = None,
                     distance: str = "jaccard", cluster_threshold: float = 0.5,
                     countries: Iterable[str] | None = None, min_compared: int = 0,
                     use_participations: bool = True) -> list[Headline]:
    """Return the headline figures of the mechanisms comparison (keys :data:`HEADLINE_KEYS`).

    Parameters
    ----------
    ds : Dataset
    mechanisms, features, distance, cluster_threshold, countries, min_compared
        The notebook's parameters, checked by :func:`check_parameters`; see
        :func:`mechanism_distances` and :func:`cluster_mechanisms`.
    use_participations : bool
        Count the sectors of member bodies as member sectors.

    Returns
    -------
    list of Headline
        In the order of :data:`HEADLINE_KEYS`:

        * ``mechanisms_compared`` (mechanisms; caveat: reference models included, the
          mechanisms with no stated feature);
        * ``mechanisms_closest_to_uk_channel`` / ``_aarhus``: the mechanism id(s) at the
          smallest distance to the model, ties all listed, comma-joined; ``n`` the number of
          compared feature values (Jaccard) or features (Gower) the distance rests on (the
          smallest of a tie); the caveat gives the distance and each count. None when the
          model is not in the data or not selected, or nothing is comparable;
        * ``mechanisms_most_often_missing_sector`` (sector(s), ties all listed) and
          ``mechanisms_missing_sector_count`` (mechanisms without it), split into
          ``mechanisms_missing_sector_stated_absent`` (a source says so) and
          ``mechanisms_missing_sector_not_stated`` (no source mentions it); ``n`` the
          Western Balkan mechanisms with member information (see :func:`missing_sectors`;
          foreign reference models left out);
        * ``mechanisms_clusters``: clusters cut at ``cluster_threshold`` (None when too
          thin to cluster); ``n`` the mechanisms clustered.

    Raises
    ------
    ValueError
        As :func:`check_parameters`, naming the parameter at fault.

    Examples
    --------
    >>> from wbcti_analysis.mechanisms import example_dataset, headline_figures
    >>> heads = {h.key: h for h in headline_figures(example_dataset())}
    >>> h = heads["mechanisms_closest_to_uk_channel"]
    >>> h.value, h.n
    ('xk-a', 5)
    >>> print(h.caveat)
    jaccard distance 0 to uk-channel, resting on 5 compared feature values; 0 means no stated difference on the values known for both, not identical mechanisms.
    >>> [(k, heads[k].value) for k in ("mechanisms_most_often_missing_sector", "mechanisms_missing_sector_count",
    ...                                "mechanisms_missing_sector_stated_absent", "mechanisms_missing_sector_not_stated")]
    [('mechanisms_most_often_missing_sector', 'health'), ('mechanisms_missing_sector_count', 2), ('mechanisms_missing_sector_stated_absent', 1), ('mechanisms_missing_sector_not_stated', 1)]
    """
    ids, feats = check_parameters(ds, mechanisms, features, distance, cluster_threshold, countries, min_compared)
    dist = mechanism_distances(ds, ids, feats, method=distance, use_participations=use_participations,
                               min_compared=min_compared)
    clustering = cluster_mechanisms(dist, threshold=cluster_threshold)
    foreign = foreign_references(ds, ids)
    coverage = sector_coverage(ds, ids, use_participations=use_participations)
    missing = missing_sectors(coverage, exclude=foreign)
    heads = [_compared(ds, ids, foreign)]
    heads += [_closest(ds, ids, dist, key, min_compared) for key in ("uk_channel", "aarhus")]
    heads += _sectors(missing, foreign)
    heads.append(_clusters(clustering, dist, min_compared))
    return heads
