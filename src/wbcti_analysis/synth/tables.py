"""The other tables of a synthetic package: funding, mechanisms and features, figures, claims.

* **funding**: each row copies a template funding row (instrument, currency, any
  column added later); the funder is drawn by preferential attachment among the
  synthetic actors modelled on the template's funders, the activity is a sibling of the
  template's activity (same type, tiers, countries). Amounts are missing at the
  template's rate; with ``amounts=True`` a share :data:`AMOUNT_SHARE` of the rows state
  a log-normal amount (median :data:`AMOUNT_MEDIAN` EUR, sigma :data:`AMOUNT_SIGMA`);
* **mechanisms**: every synthetic activity drawn from a template mechanism's activity
  is a mechanism, modelled on that mechanism (type, country, level, reference model);
* **mechanism_features**: the template mechanism's feature rows, each value redrawn
  with probability 1/2 from the values the template states for that feature (so from
  the ``wbcti:valuesByFeature`` vocabulary where there is one), establishment years
  shifted by up to a year, ``modelled_on`` pointing at a synthetic sibling of the
  template's model; repeated (feature, value) pairs of a mechanism are dropped;
* **figures**: template figures pointing at siblings of their activities and actors;
* **claims**: the template's claims once per replica (``round(K)``), each topic's claims
  about one sibling of the template's subject;
* any table the descriptor adds: template rows ``K`` times with new keys and remapped
  foreign keys (see :meth:`.build.State.finish`).
"""
from __future__ import annotations

from collections import Counter

from .build import State, Urn

__all__ = ["AMOUNT_SHARE", "AMOUNT_MEDIAN", "AMOUNT_SIGMA", "make_funding", "make_mechanisms",
           "make_mechanism_features", "make_figures", "make_claims", "make_generic"]

#: Share of funding rows with a stated amount when amounts are asked for.
AMOUNT_SHARE = 0.6
#: Median of the stated amounts, in EUR.
AMOUNT_MEDIAN = 250_000.0
#: Spread (sigma of the logarithm) of the stated amounts.
AMOUNT_SIGMA = 1.2


def make_funding(st: State) -> None:
    """Synthetic funding rows (see the module docstring)."""
    import numpy as np

    tf = st.t.frames["funding"]
    df = st.base("funding")
    t_count = Counter(tf["funder_id"])
    weights = {i: 1 + t_count[t] for i, t in enumerate(st.tkeys["actors"]) if t in t_count}
    a_keys = st.frames["actors"]["actor_id"].tolist()
    if not weights:
        weights = {i: 1 for i in range(len(a_keys))}
    urn = Urn(weights, st.rng)
    funders = []
    for _ in range(len(df)):
        f = urn.draw()
        urn.add(f)
        funders.append(a_keys[f])
    df["funder_id"] = funders
    if "amount" in df:
        stated = df["amount"].ne("").to_numpy()
        if st.amounts:
            stated = stated | (st.rng.random(len(df)) < AMOUNT_SHARE)
        values = np.round(st.rng.lognormal(np.log(AMOUNT_MEDIAN), AMOUNT_SIGMA, len(df)), -3)
        df["amount"] = [f"{v:.0f}" if s else "" for v, s in zip(values, stated)]
        if "currency" in df:
            allowed = st.t.field("funding", "currency").get("constraints", {}).get("enum") or ["EUR"]
            cur = "EUR" if "EUR" in allowed else allowed[0]
            df["currency"] = [c or cur if s else c for c, s in zip(df["currency"], stated)]
    if "note" in df:
        df["note"] = ""
    st.finish("funding", df, [f"f-{i + 1:07d}" for i in range(len(df))], ["funder_id"])


def make_mechanisms(st: State) -> None:
    """One mechanism per synthetic activity drawn from a template mechanism's activity."""
    tm = st.t.frames["mechanisms"]
    pos = {m: i for i, m in enumerate(tm["mechanism_id"])}
    acts = st.frames["activities"]
    rows, keys = [], []
    for key, t in zip(acts["activity_id"], st.tkeys["activities"]):
        if t in pos:
            rows.append(pos[t])
            keys.append(key)
    df = st.base("mechanisms", template_idx=rows)
    kind = df["mechanism_type"].tolist() if "mechanism_type" in df else ["mechanism"] * len(df)
    df["name"] = [f"Synthetic {k.replace('_', ' ')} {i + 1}" for i, k in enumerate(kind)]
    if "description" in df:
        df["description"] = [f"Generated mechanism modelled on {t}." for t in st.tkeys["mechanisms"]]
    st.finish("mechanisms", df, keys, ["mechanism_id"])


def make_mechanism_features(st: State) -> None:
    """The template mechanism's feature rows for each synthetic mechanism, values partly redrawn."""
    tf = st.t.frames["mechanism_features"]
    by_mech: dict = {}
    for i, m in enumerate(tf["mechanism_id"]):
        by_mech.setdefault(m, []).append(i)
    rows, owners = [], []
    for key, t in zip(st.frames["mechanisms"]["mechanism_id"], st.tkeys["mechanisms"]):
        for i in by_mech.get(t, []):
            rows.append(i)
            owners.append(key)
    df = st.base("mechanism_features", template_idx=rows)
    df["mechanism_id"] = owners
    if "value" in df and "feature" in df:
        by_feature: dict = {}
        for f, v in zip(tf["feature"], tf["value"]):
            by_feature.setdefault(f, []).append(v)
        mech_sib = st.siblings.get("mechanisms", {})
        u = st.rng.random((len(df), 2))
        values = []
        for i, (f, v) in enumerate(zip(df["feature"], df["value"])):
            if f == "year_established" and v.isdigit():
                v = str(int(v) + int(u[i, 0] * 3) - 1)
            elif f == "modelled_on" and v in mech_sib:
                pool = mech_sib[v]
                v = pool[int(u[i, 0] * len(pool))]
            elif f != "modelled_on" and u[i, 1] < 0.5 and by_feature.get(f):
                pool = by_feature[f]
                v = pool[int(u[i, 0] * len(pool))]
            values.append(v)
        df["value"] = values
        df = df[~df.duplicated(["mechanism_id", "feature", "value"])].reset_index(drop=True)
        st.tkeys["mechanism_features"] = [st.tkeys["mechanism_features"][i] for i in df.index]
    if "note" in df:
        df["note"] = ""
    st.finish("mechanism_features", df, [f"mf-{i + 1:07d}" for i in range(len(df))], ["mechanism_id"])


def make_figures(st: State) -> None:
    """Template figures pointing at siblings of their activities and actors."""
    df = st.base("figures")
    if "description" in df:
        df["description"] = "Generated figure."
    st.finish("figures", df, [f"fig-{i + 1:06d}" for i in range(len(df))])


def make_claims(st: State) -> None:
    """The template's claims once per replica, each topic's claims about one sibling subject."""
    tc = st.t.frames["claims"]
    replicas = max(1, int(round(st.scale))) if len(tc) else 0
    rows = [i for _ in range(replicas) for i in range(len(tc))]
    df = st.base("claims", template_idx=rows)
    if len(df) and {"topic", "subject_table", "subject_id"} <= set(df.columns):
        topics, subjects = [], []
        chosen: dict = {}
        for i, (topic, table, subject) in enumerate(zip(df["topic"], df["subject_table"], df["subject_id"])):
            r = i // len(tc)
            key = (r, topic, table, subject)
            if key not in chosen:
                pool = st.siblings.get(table, {}).get(subject)
                if pool is None or not len(pool):
                    pk = st.t.primary_key(table) if table in st.frames else None
                    pool = st.frames[table][pk].to_numpy() if pk else [subject]
                chosen[key] = pool[int(st.rng.random() * len(pool))] if len(pool) else subject
            topics.append(f"{topic}-{r + 1}")
            subjects.append(chosen[key])
        df["topic"], df["subject_id"] = topics, subjects
    if "note" in df:
        df["note"] = ""
    st.finish("claims", df, [f"claim-{i + 1:06d}" for i in range(len(df))])


def make_generic(st: State, table: str) -> None:
    """A table the generator does not know: template rows ``K`` times, new keys, remapped foreign keys."""
    df = st.base(table)
    pk = st.t.primary_key(table)
    st.finish(table, df, [f"{table.replace('_', '-')}-{i + 1:06d}" for i in range(len(df))] if pk else [])
    keys = st.t.resources[table]["schema"].get("primaryKey")
    if isinstance(keys, list) and len(keys) > 1 and table in st.frames:  # a composite key: copies would repeat it
        st.frames[table] = st.frames[table].drop_duplicates(subset=keys).reset_index(drop=True)
