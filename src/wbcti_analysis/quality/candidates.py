"""Candidate duplicates: pairs of rows that may describe the same real-world thing.

The two source documents were coded by different hands, so one body, programme or
mechanism can end up as two rows with different ids. :func:`find_candidates` lists the
pairs worth a human look; the reviewed decision for each pair (``merged`` / ``distinct``
and why) is kept in ``data/coding/entity_candidates.csv`` so that the next coder does not
redo the work. :func:`undecided` returns the pairs found that have no recorded decision.

Scores (all in [0, 1], deterministic, no randomness):

actors
    ``0.6 * name + 0.2 * acronym + 0.1 * type + 0.1 * country`` where *name* is the
    larger of the token-set Jaccard index of the normalised names and the
    ``difflib`` ratio of the normalised strings, *acronym* is 1 when the short names
    (or the initials of one name and the other's short name) agree, *type* is 1 for
    the same ``actor_type`` and *country* is 1 for the same (or both empty) country.
    Pairs in two different non-empty countries are never candidates; neither are a
    row and its own ``parent_id``, nor two rows of one source with the same
    ``parent_id`` (units a source lists side by side under one parent).
mechanisms
    the same formula on ``name`` with ``mechanism_type`` and ``country``.
activities
    cosine similarity of TF-IDF vectors (unigrams and bigrams, sublinear tf, English
    stop words) of ``title + description`` at least :data:`ACTIVITY_THRESHOLD`; or,
    for two rows from *different sources* of the same ``activity_type`` sharing a
    country, a cosine of character 3-5-gram TF-IDF vectors at least
    :data:`CROSS_SOURCE_THRESHOLD` (the two documents name one thing in different
    words: "National CVE strategy" vs "National Strategy for Combatting Extremist
    Violence"). Pairs whose country lists are both non-empty and disjoint, pairs
    linked by ``part_of``, and two rows of one source under the same ``part_of``
    (items of one list) are skipped. The score is the larger of the two cosines.

References
----------
Christen, P. (2012). *Data Matching: Concepts and Techniques for Record Linkage,
Entity Resolution, and Duplicate Detection*. Springer.

Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
retrieval. *Information Processing & Management*, 24(5), 513-523.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

__all__ = [
    "ACTOR_THRESHOLD",
    "MECHANISM_THRESHOLD",
    "ACTIVITY_THRESHOLD",
    "CROSS_SOURCE_THRESHOLD",
    "DECISIONS_FILE",
    "name_similarity",
    "actor_score",
    "find_candidates",
    "read_decisions",
    "undecided",
]

#: Minimum actor score for a pair to be listed.
ACTOR_THRESHOLD = 0.6
#: Minimum mechanism score for a pair to be listed.
MECHANISM_THRESHOLD = 0.55
#: Minimum TF-IDF cosine of two activities for the pair to be listed.
ACTIVITY_THRESHOLD = 0.30
#: Minimum character-n-gram TF-IDF cosine for two same-type activities from different sources.
CROSS_SOURCE_THRESHOLD = 0.15
#: Where the reviewed decisions live, relative to a package folder.
DECISIONS_FILE = Path("coding") / "entity_candidates.csv"

_STOP = {"of", "the", "and", "for", "in", "on", "to", "a", "an", "at", "with", "de", "la",
         "government", "republic", "ministry", "office", "national", "(unnamed)"}
_TABLES = ("actors", "mechanisms", "activities")


def _norm(text) -> str:
    text = "" if text is None or text != text else str(text)
    text = text.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _tokens(text) -> set[str]:
    return {t for t in _norm(text).split() if t not in _STOP}


def name_similarity(a: str, b: str) -> float:
    """Return the similarity of two names in [0, 1].

    The larger of the Jaccard index of their token sets (stop words such as *of*,
    *the*, *ministry* dropped) and the :class:`difflib.SequenceMatcher` ratio of the
    normalised strings.

    Parameters
    ----------
    a, b : str
        Two names.

    Returns
    -------
    float
        Similarity, 1.0 for names equal after normalisation.

    Examples
    --------
    >>> name_similarity("Municipal Safety Councils (Kosovo)", "Municipal safety councils, Kosovo")
    1.0
    >>> round(name_similarity("Kosovo Police", "Albanian State Police"), 2)
    0.47
    """
    ta, tb = _tokens(a), _tokens(b)
    jac = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
    ratio = difflib.SequenceMatcher(None, _norm(a), _norm(b)).ratio()
    return round(max(jac, ratio), 4)


def _initials(name: str) -> str:
    return "".join(t[0] for t in _norm(name).split() if t not in {"of", "the", "and", "for", "in"})


def _acronym_match(name_a, short_a, name_b, short_b) -> float:
    sa, sb = _norm(short_a).replace(" ", ""), _norm(short_b).replace(" ", "")
    if sa and sb:
        return 1.0 if sa == sb else 0.0
    if sa and sa == _initials(name_b):
        return 1.0
    if sb and sb == _initials(name_a):
        return 1.0
    return 0.0


def _same(a, b) -> float:
    a = "" if a is None or a != a else str(a)
    b = "" if b is None or b != b else str(b)
    return 1.0 if a == b else 0.0


def actor_score(a: dict, b: dict, type_field: str = "actor_type") -> float:
    """Return the duplicate score of two actor (or mechanism) rows in [0, 1].

    ``0.6 * name + 0.2 * acronym + 0.1 * type + 0.1 * country`` (see the module
    docstring).

    Parameters
    ----------
    a, b : dict
        Rows with ``name``, optionally ``short_name``, ``country`` and ``type_field``.
    type_field : str, default "actor_type"
        The column compared for the type term (``mechanism_type`` for mechanisms).

    Returns
    -------
    float
        The score, rounded to 4 decimals.

    Examples
    --------
    >>> a = {"name": "Municipal Safety Council of Novi Pazar", "actor_type": "local_government", "country": "RS"}
    >>> b = {"name": "Local Security Council (Novi Pazar)", "actor_type": "local_government", "country": "RS"}
    >>> actor_score(a, b) >= ACTOR_THRESHOLD
    True
    """
    name = name_similarity(a.get("name", ""), b.get("name", ""))
    acr = _acronym_match(a.get("name", ""), a.get("short_name"), b.get("name", ""), b.get("short_name"))
    return round(0.6 * name + 0.2 * acr + 0.1 * _same(a.get(type_field), b.get(type_field))
                 + 0.1 * _same(a.get("country"), b.get("country")), 4)


def _countries_clash(a, b) -> bool:
    a = "" if a is None or a != a else str(a)
    b = "" if b is None or b != b else str(b)
    return bool(a and b and a != b)


def _records(df) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


def _name_pairs(rows, key, type_field, threshold, table, parent_field=None):
    out = []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if _countries_clash(a.get("country"), b.get("country")):
                continue
            if parent_field and (a.get(parent_field) == b[key] or b.get(parent_field) == a[key]):
                continue
            if (parent_field and a.get(parent_field) and a.get(parent_field) == b.get(parent_field)
                    and a.get("source_id") == b.get("source_id")):
                continue
            s = actor_score(a, b, type_field)
            if s >= threshold:
                out.append((table, a[key], b[key], s))
    return out


def _as_set(x) -> set:
    if x is None or (isinstance(x, float) and x != x):
        return set()
    if isinstance(x, str):
        return {v for v in x.split(";") if v}
    return set(x)


def _activity_pairs(df, threshold, cross_threshold):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    if len(df) < 2:
        return []
    text = (df["title"].fillna("").astype(str) + " " + df["description"].fillna("").astype(str)).tolist()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", strip_accents="unicode")
    sim = cosine_similarity(vec.fit_transform(text))
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, strip_accents="unicode")
    csim = cosine_similarity(chars.fit_transform(text))
    rows = _records(df)
    out = []
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            b = rows[j]
            ca, cb = _as_set(a.get("countries")), _as_set(b.get("countries"))
            cross = (a.get("source_id") != b.get("source_id") and a.get("activity_type") == b.get("activity_type")
                     and bool(ca & cb))
            if sim[i, j] < threshold and not (cross and csim[i, j] >= cross_threshold):
                continue
            if ca and cb and not ca & cb:
                continue
            if a.get("part_of") == b["activity_id"] or b.get("part_of") == a["activity_id"]:
                continue
            if a.get("part_of") and a.get("part_of") == b.get("part_of") and a.get("source_id") == b.get("source_id"):
                continue
            score = max(float(sim[i, j]), float(csim[i, j]) if cross else 0.0)
            out.append(("activities", a["activity_id"], b["activity_id"], round(score, 4)))
    return out


def find_candidates(ds, actor_threshold: float = ACTOR_THRESHOLD, mechanism_threshold: float = MECHANISM_THRESHOLD,
                    activity_threshold: float = ACTIVITY_THRESHOLD,
                    cross_source_threshold: float = CROSS_SOURCE_THRESHOLD, cross_source_only: bool = False):
    """List candidate duplicate pairs of actors, mechanisms and activities.

    Parameters
    ----------
    ds : Dataset
        A loaded package (:func:`wbcti_analysis.load`).
    actor_threshold, mechanism_threshold : float
        Minimum :func:`actor_score` (0..1) for actors and mechanisms.
    activity_threshold : float
        Minimum TF-IDF cosine (0..1) of ``title + description`` for activities.
    cross_source_threshold : float
        Minimum character-n-gram TF-IDF cosine (0..1) for same-type activities of
        different sources sharing a country.
    cross_source_only : bool, default False
        Keep only pairs whose two rows come from different sources.

    Returns
    -------
    DataFrame
        ``table, id_a, id_b, score`` (``id_a < id_b``), sorted by table, score
        (descending) and ids. Mechanism pairs are listed under ``mechanisms`` only,
        not again under ``activities``.

    Raises
    ------
    ValueError
        If a threshold is outside [0, 1].
    """
    import pandas as pd

    for name, t in (("actor_threshold", actor_threshold), ("mechanism_threshold", mechanism_threshold),
                    ("activity_threshold", activity_threshold),
                    ("cross_source_threshold", cross_source_threshold)):
        if not 0 <= t <= 1:
            raise ValueError(f"{name} must be between 0 and 1, not {t!r}")
    pairs = _name_pairs(_records(ds.actors), "actor_id", "actor_type", actor_threshold, "actors", "parent_id")
    pairs += _name_pairs(_records(ds.mechanisms), "mechanism_id", "mechanism_type", mechanism_threshold,
                         "mechanisms")
    mech_ids = set(ds.mechanisms["mechanism_id"])
    acts = ds.activities
    both_mech = {(a, b) for t, a, b, _ in pairs if t == "mechanisms"} | {(b, a) for t, a, b, _ in pairs
                                                                         if t == "mechanisms"}
    pairs += [p for p in _activity_pairs(acts, activity_threshold, cross_source_threshold)
              if not (p[1] in mech_ids and p[2] in mech_ids and (p[1], p[2]) in both_mech)]
    out = pd.DataFrame([(t, min(a, b), max(a, b), s) for t, a, b, s in pairs],
                       columns=["table", "id_a", "id_b", "score"])
    if cross_source_only and len(out):
        src = {}
        for table, key in (("actors", "actor_id"), ("mechanisms", "mechanism_id"), ("activities", "activity_id")):
            src[table] = dict(zip(ds.tables[table][key], ds.tables[table]["source_id"]))
        keep = [src[t].get(a) != src[t].get(b) for t, a, b in zip(out["table"], out["id_a"], out["id_b"])]
        out = out[keep]
    out = out.drop_duplicates(["table", "id_a", "id_b"])
    return out.sort_values(["table", "score", "id_a", "id_b"], ascending=[True, False, True, True]).reset_index(drop=True)


def read_decisions(path) -> "object":
    """Read a decisions file (``table, id_a, id_b, score, decision, reason``).

    Parameters
    ----------
    path : str or Path
        The CSV file, or a package folder (then ``coding/entity_candidates.csv`` in it).

    Returns
    -------
    DataFrame
        The decisions with ``id_a < id_b`` in every row; empty (same columns) when the
        file does not exist.
    """
    import pandas as pd

    path = Path(path)
    if path.is_dir():
        path = path / DECISIONS_FILE
    cols = ["table", "id_a", "id_b", "score", "decision", "reason"]
    if not path.is_file():
        return pd.DataFrame(columns=cols)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    a, b = df["id_a"].copy(), df["id_b"].copy()
    df["id_a"], df["id_b"] = a.where(a < b, b), b.where(a < b, a)
    return df


def undecided(ds, decisions=None, **thresholds):
    """Return the candidate pairs of ``ds`` that have no recorded decision.

    A pair counts as decided when the decisions file has a row with the same ``id_a``
    and ``id_b`` (in either order) and ``decision`` ``merged`` or ``distinct``. A row
    for ``mechanisms`` also decides the same pair under ``activities`` and vice versa.

    Parameters
    ----------
    ds : Dataset
        A loaded package.
    decisions : DataFrame or path, optional
        Decisions (see :func:`read_decisions`); by default the package's own
        ``coding/entity_candidates.csv``.
    **thresholds
        Passed to :func:`find_candidates`.

    Returns
    -------
    DataFrame
        ``table, id_a, id_b, score`` of the undecided pairs.
    """
    cand = find_candidates(ds, **thresholds)
    if decisions is None:
        decisions = read_decisions(ds.path)
    elif not hasattr(decisions, "columns"):
        decisions = read_decisions(decisions)
    ok = decisions[decisions["decision"].isin(["merged", "distinct"])]
    done = set(zip(ok["id_a"], ok["id_b"]))
    mask = [(a, b) not in done for a, b in zip(cand["id_a"], cand["id_b"])]
    return cand[mask].reset_index(drop=True)
