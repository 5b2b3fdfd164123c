"""A text classifier that suggests a prevention tier for activities the coders left uncoded.

TF-IDF features (Salton & Buckley 1988) of title, description and theme tokens, then a
class-balanced multinomial logistic regression (Cox 1958), both from scikit-learn
(Pedregosa et al. 2011), seeded. Performance is the macro-averaged F1 (van Rijsbergen
1979; Sokolova & Lapalme 2009) of stratified k-fold out-of-fold predictions (Kohavi
1995), next to a majority-class baseline.

scikit-learn is imported inside the functions that use it.

References
----------
.. [1] Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
   retrieval. *Information Processing & Management*, 24(5), 513-523.
.. [2] Cox, D. R. (1958). The regression analysis of binary sequences. *Journal of the
   Royal Statistical Society, Series B*, 20(2), 215-242.
.. [3] Pedregosa, F., et al. (2011). Scikit-learn: Machine learning in Python.
   *Journal of Machine Learning Research*, 12, 2825-2830.
.. [4] van Rijsbergen, C. J. (1979). *Information Retrieval* (2nd ed.). London:
   Butterworths.
.. [5] Sokolova, M., & Lapalme, G. (2009). A systematic analysis of performance measures
   for classification tasks. *Information Processing & Management*, 45(4), 427-437.
.. [6] Kohavi, R. (1995). A study of cross-validation and bootstrap for accuracy
   estimation and model selection. *Proceedings of IJCAI-95*, 1137-1143.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .checks import check_max_folds, check_seed, check_unsure_below
from .constants import TIERS

__all__ = [
    "tier_training_data",
    "make_tier_pipeline",
    "SAG_FROM",
    "MAX_CV",
    "ClassifierEvaluation",
    "evaluate_tier_classifier",
    "train_tier_classifier",
    "suggest_tiers",
]

_SUGGESTION_COLUMNS = ["activity_id", "title", "suggested_tier", "probability", "runner_up",
                       "runner_up_probability", "unsure"]


def _one_blas_thread():
    """Context limiting BLAS to one thread while fitting.

    lbfgs on a few thousand TF-IDF columns makes many small BLAS calls; with a BLAS
    thread per core on a busy machine the threads wait for each other, and a fit took
    10-25 times longer (measured on 2 shared cores, issue 14). One thread gives the same
    model. ``threadpoolctl`` comes with scikit-learn.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _training_text(title, description, themes) -> str:
    theme_tokens = " ".join(f"theme_{t}" for t in (themes or ()))
    return f"{title or ''}. {description or ''} {theme_tokens}".strip()


def tier_training_data(activities: pd.DataFrame, use_themes: bool = True) -> tuple[pd.Series, pd.Series]:
    """Return ``(texts, labels)`` for the coded activities, indexed by ``activity_id``.

    Text: title, description and (with ``use_themes``) one token per theme (``theme_ftf``).
    The themes are coded by the same coders as the tiers and carry much of the tier
    signal; ``use_themes=False`` measures what the words alone give. Label: the *first
    tier listed* for the activity (single-label classification, chosen over one-vs-rest
    multi-label because cross-validation is stratified and the confusion matrix needs one
    true class per activity; for an activity with several tiers the others are ignored,
    and the predicted probabilities show the runner-up). Uncoded activities are left out.

    Parameters
    ----------
    activities : DataFrame
        With ``activity_id``, ``title``, ``description``, ``themes`` and ``tiers``.
    use_themes : bool
        Add the theme tokens to the text.

    Returns
    -------
    tuple of Series (``text``, ``tier``), both indexed by ``activity_id``.

    Examples
    --------
    >>> acts = pd.DataFrame({"activity_id": ["a", "b"], "title": ["Returnees", "Forum"],
    ...                      "description": ["Support.", None], "themes": [("ftf",), ()],
    ...                      "tiers": [("tertiary", "secondary"), ()]})
    >>> texts, labels = tier_training_data(acts)
    >>> texts.to_dict(), labels.to_dict()
    ({'a': 'Returnees. Support. theme_ftf'}, {'a': 'tertiary'})
    """
    coded = activities[activities["tiers"].map(len) > 0]
    idx = coded["activity_id"].astype(str)
    texts = pd.Series([_training_text(t, d, h if use_themes else ()) for t, d, h in
                       zip(coded["title"], coded["description"].where(coded["description"].notna(), ""),
                           coded["themes"])], index=idx.values, name="text", dtype=object)
    labels = pd.Series([str(t[0]) for t in coded["tiers"]], index=idx.values, name="tier", dtype=object)
    return texts, labels


#: Training texts from which ``solver="auto"`` fits with ``sag`` instead of ``lbfgs``.
SAG_FROM = 1000
#: Coded activities above which :func:`evaluate_tier_classifier` cross-validates a stratified sample.
MAX_CV = 5000
_SOLVERS = ("auto", "lbfgs", "sag", "saga")


def _solver(solver: str, n: int) -> str:
    if solver not in _SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(_SOLVERS)}, got {solver!r}")
    return ("sag" if n >= SAG_FROM else "lbfgs") if solver == "auto" else solver


def make_tier_pipeline(seed: int = 42, C: float = 5.0, solver: str = "lbfgs"):
    """Return an unfitted scikit-learn pipeline: TF-IDF + logistic regression.

    ``TfidfVectorizer`` (unigrams and bigrams, sublinear tf, accents stripped) then
    ``LogisticRegression`` (multinomial, ``solver``, ``class_weight="balanced"`` so rare
    tiers are not ignored, ``C`` inverse regularisation, ``random_state=seed``).

    Parameters
    ----------
    seed : int
        Non-negative random state of the regression.
    C : float
        Inverse regularisation strength (larger fits the training texts more closely).
    solver : {"lbfgs", "sag", "saga", "auto"}, default "lbfgs"
        The optimiser. The penalised likelihood is convex, so every solver reaches the
        same model up to its tolerance; ``sag`` (stochastic average gradient, Schmidt,
        Le Roux and Bach 2017) is 3-5 times faster than ``lbfgs`` on thousands of texts
        (TF-IDF rows have unit norm, as it needs). ``"auto"``: ``lbfgs`` below
        :data:`SAG_FROM` texts, ``sag`` from there on (here resolved with the number of
        texts unknown, so ``lbfgs``; :func:`evaluate_tier_classifier` and
        :func:`train_tier_classifier` resolve it with theirs).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``tfidf`` and ``clf``.

    References
    ----------
    .. [1] Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text
       retrieval. *Information Processing & Management*, 24(5), 513-523.
    .. [2] Pedregosa, F., et al. (2011). Scikit-learn: Machine learning in Python.
       *Journal of Machine Learning Research*, 12, 2825-2830.
    .. [3] Schmidt, M., Le Roux, N., & Bach, F. (2017). Minimizing finite sums with the
       stochastic average gradient. *Mathematical Programming*, 162(1), 83-112.

    Examples
    --------
    >>> model = make_tier_pipeline(seed=0).fit(
    ...     ["school awareness for youth", "youth education", "returnee reintegration", "prison rehabilitation"],
    ...     ["primary", "primary", "tertiary", "tertiary"])
    >>> model.predict(["awareness for youth", "reintegration in prison"]).tolist()
    ['primary', 'tertiary']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    seed = check_seed(seed)
    return Pipeline([
        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", min_df=1)),
        ("clf", LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed,
                                   solver=_solver(solver, 0))),
    ])


@dataclass
class ClassifierEvaluation:
    """Cross-validated performance of the tier classifier (see :func:`evaluate_tier_classifier`).

    Attributes
    ----------
    macro_f1 : float
        Macro-averaged F1 of the out-of-fold predictions pooled over folds (0..1; NaN if
        the data were too thin to cross-validate).
    fold_macro_f1 : list[float]
        Macro-F1 of each fold.
    baseline_macro_f1 : float
        The same for a majority-class baseline (what a model that learnt nothing scores).
    n_splits : int
        Folds used (``min(max_folds, smallest class size)``; 0 if not run).
    n_train : int
        Coded activities used in cross-validation.
    classes : list[str]
        Tiers in the cross-validation.
    dropped_classes : dict[str, int]
        Tiers left out of cross-validation because they had fewer than 2 examples.
    confusion : DataFrame
        True tier (rows) x predicted tier (columns), out-of-fold counts.
    per_class : DataFrame
        Precision, recall, F1 and support per tier.
    out_of_fold : DataFrame
        ``activity_id``, ``true``, ``predicted``, ``probability`` (of the prediction).
    notes : list[str]
        Plain statements about thin data and warnings raised while fitting.
    """

    macro_f1: float
    fold_macro_f1: list
    baseline_macro_f1: float
    n_splits: int
    n_train: int
    classes: list
    dropped_classes: dict
    confusion: pd.DataFrame
    per_class: pd.DataFrame
    out_of_fold: pd.DataFrame
    notes: list = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Return a one-column table of the headline numbers (rounded to 3 decimals)."""
        fold = np.array(self.fold_macro_f1, dtype=float)
        return pd.DataFrame({"value": pd.Series({
            "coded activities in CV": self.n_train,
            "tiers in CV": len(self.classes),
            "folds": self.n_splits,
            "macro-F1 (pooled out-of-fold)": round(self.macro_f1, 3) if self.macro_f1 == self.macro_f1 else None,
            "macro-F1 per fold, mean": round(float(fold.mean()), 3) if len(fold) else None,
            "macro-F1 per fold, sd": round(float(fold.std(ddof=1)), 3) if len(fold) > 1 else None,
            "majority-class baseline macro-F1": (round(self.baseline_macro_f1, 3)
                                                 if self.baseline_macro_f1 == self.baseline_macro_f1 else None),
        }, dtype=object)})


def _empty_eval(n_train, classes, dropped, notes) -> ClassifierEvaluation:
    return ClassifierEvaluation(float("nan"), [], float("nan"), 0, n_train, classes, dropped,
                                pd.DataFrame(), pd.DataFrame(), pd.DataFrame(
                                    columns=["activity_id", "true", "predicted", "probability"]), notes)


def evaluate_tier_classifier(ds, seed: int = 42, max_folds: int = 5, C: float = 5.0,
                             use_themes: bool = True, progress: bool | None = None,
                             solver: str = "auto", max_cv: int | None = MAX_CV) -> ClassifierEvaluation:
    """Cross-validate the tier classifier on the coded activities of ``ds``.

    Stratified k-fold (shuffled with ``seed``) with ``k = min(max_folds, size of the
    smallest tier)``; tiers with fewer than 2 coded activities cannot be stratified and
    are left out of the cross-validation (listed in ``dropped_classes``). Scores are
    macro-F1 (every tier weighs the same, so a rare tier predicted badly pulls the score
    down). On a hundred short descriptions the estimate is noisy: read the per-fold spread
    and the baseline next to it.

    Parameters
    ----------
    ds : Dataset
    seed : int
        Seed of the fold shuffling and of the model.
    max_folds : int
        Largest number of folds (at least 2).
    C : float
        Inverse regularisation of :func:`make_tier_pipeline`.
    use_themes : bool
        As in :func:`tier_training_data`.
    progress : bool, optional
        Show a progress bar of the folds (default: automatic, see
        :func:`wbcti_analysis.progress.progress_enabled`; never under papermill).
    solver : {"auto", "lbfgs", "sag", "saga"}, default "auto"
        As in :func:`make_tier_pipeline`; ``"auto"`` fits with ``sag`` from
        :data:`SAG_FROM` coded activities on (the bundled data: ``lbfgs``).
    max_cv : int or None, default :data:`MAX_CV` (5000)
        Above this many coded activities the cross-validation runs on a stratified
        random sample (seeded) of this many, and ``notes`` says so: the F1 estimate
        then rests on that sample (its standard error is already small at 5000). ``None``
        always uses every coded activity. At or below it nothing changes.

    Returns
    -------
    ClassifierEvaluation

    Raises
    ------
    ValueError
        For a bad ``seed`` or ``max_folds``.

    References
    ----------
    .. [1] Sokolova, M., & Lapalme, G. (2009). A systematic analysis of performance
       measures for classification tasks. *Information Processing & Management*, 45(4),
       427-437.
    .. [2] Kohavi, R. (1995). A study of cross-validation and bootstrap for accuracy
       estimation and model selection. *Proceedings of IJCAI-95*, 1137-1143.

    Examples
    --------
    Every tier of the example package has one activity: too thin to cross-validate.

    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> ev = evaluate_tier_classifier(example_dataset())
    >>> ev.n_splits, ev.dropped_classes["tertiary"], ev.notes[-1][:9]
    (0, 1, 'too thin:')
    """
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold

    seed = check_seed(seed)
    check_max_folds(max_folds)
    texts, labels = tier_training_data(ds.activities, use_themes)
    counts = labels.value_counts()
    dropped = {str(k): int(v) for k, v in counts.items() if v < 2}
    keep = labels.isin([k for k, v in counts.items() if v >= 2])
    x, y = texts[keep], labels[keep]
    classes = [t for t in TIERS if t in set(y)]
    notes = []
    if max_cv is not None and (not isinstance(max_cv, int) or isinstance(max_cv, bool) or max_cv < 10):
        raise ValueError(f"max_cv must be an int of at least 10 or None, got {max_cv!r}")
    if max_cv is not None and len(y) > max_cv:
        from sklearn.model_selection import train_test_split

        _, x, _, y = train_test_split(x, y, test_size=max_cv, stratify=y, random_state=seed)
        notes.append(f"cross-validated on a stratified random sample of {max_cv} of the {int(keep.sum())} coded "
                     f"activities (max_cv)")
    if dropped:
        notes.append("left out of cross-validation (fewer than 2 coded activities): "
                     + ", ".join(f"{k} ({v})" for k, v in sorted(dropped.items())))
    if len(classes) < 2:
        notes.append("too thin: fewer than two tiers with at least 2 coded activities; no cross-validation")
        return _empty_eval(int(len(y)), classes, dropped, notes)
    n_splits = int(min(max_folds, y.value_counts().min()))
    if n_splits < max_folds:
        notes.append(f"folds reduced to {n_splits} (smallest tier has {int(y.value_counts().min())} activities)")
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    pred = pd.Series(index=y.index, dtype=object)
    prob = pd.Series(index=y.index, dtype=float)
    base = pd.Series(index=y.index, dtype=object)
    folds = []
    caught_msgs = set()
    from ..progress import progress_bar

    chosen = _solver(solver, len(y))
    for train, test in progress_bar(skf.split(x, y), total=n_splits, desc="CV folds", progress=progress):
        model = make_tier_pipeline(seed, C, chosen)
        with warnings.catch_warnings(record=True) as caught, _one_blas_thread():
            warnings.simplefilter("always")
            model.fit(x.iloc[train], y.iloc[train])
        caught_msgs |= {f"{w.category.__name__}: {w.message}" for w in caught}
        p = model.predict_proba(x.iloc[test])
        cls = model.classes_
        pred.iloc[test] = cls[p.argmax(axis=1)]
        prob.iloc[test] = p.max(axis=1)
        majority = y.iloc[train].value_counts().sort_index().idxmax()
        base.iloc[test] = majority
        folds.append(float(f1_score(y.iloc[test], pred.iloc[test], labels=classes, average="macro",
                                    zero_division=0)))
    for m in sorted(caught_msgs):
        notes.append("while fitting: " + m.splitlines()[0][:200])
    macro = float(f1_score(y, pred, labels=classes, average="macro", zero_division=0))
    base_f1 = float(f1_score(y, base, labels=classes, average="macro", zero_division=0))
    cm = pd.DataFrame(confusion_matrix(y, pred, labels=classes), index=pd.Index(classes, name="true tier"),
                      columns=pd.Index(classes, name="predicted tier"))
    pr, rc, f1, sup = precision_recall_fscore_support(y, pred, labels=classes, zero_division=0)
    per_class = pd.DataFrame({"precision": pr, "recall": rc, "f1": f1, "support": sup},
                             index=pd.Index(classes, name="tier"))
    if len(y) < 30:
        notes.append(f"too thin for a stable estimate: {len(y)} coded activities")
    oof = pd.DataFrame({"activity_id": y.index, "true": y.values, "predicted": pred.values,
                        "probability": prob.values})
    return ClassifierEvaluation(macro, folds, base_f1, n_splits, int(len(y)), classes, dropped, cm, per_class,
                                oof, notes)


def train_tier_classifier(ds, seed: int = 42, C: float = 5.0, use_themes: bool = True, solver: str = "auto"):
    """Fit the tier pipeline (:func:`make_tier_pipeline`) on every coded activity of ``ds``.

    Pass the same ``use_themes`` to :func:`suggest_tiers`.

    Parameters
    ----------
    ds : Dataset
    seed : int
    C : float
    use_themes : bool
    solver : {"auto", "lbfgs", "sag", "saga"}
        As in :func:`evaluate_tier_classifier`.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Fitted; ``pipeline.classes_`` lists the tiers it can suggest.

    Raises
    ------
    ValueError
        If fewer than two tiers are coded.

    References
    ----------
    .. [1] Pedregosa, F., et al. (2011). Scikit-learn: Machine learning in Python.
       *Journal of Machine Learning Research*, 12, 2825-2830.

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> train_tier_classifier(example_dataset()).classes_.tolist()
    ['ct_law_enforcement', 'primary', 'secondary', 'tertiary']
    """
    texts, labels = tier_training_data(ds.activities, use_themes)
    if labels.nunique() < 2:
        raise ValueError("too thin to train the tier classifier: fewer than two tiers are coded")
    model = make_tier_pipeline(seed, C, _solver(solver, len(labels)))
    with warnings.catch_warnings(), _one_blas_thread():
        warnings.simplefilter("ignore", category=UserWarning)
        model.fit(texts, labels)
    return model


def suggest_tiers(model, activities: pd.DataFrame, unsure_below: float = 0.5, use_themes: bool = True) -> pd.DataFrame:
    """Suggest a tier for each activity in ``activities`` (typically the uncoded ones).

    Parameters
    ----------
    model : fitted pipeline
        From :func:`train_tier_classifier` (unused when ``activities`` is empty).
    activities : DataFrame
        With ``activity_id``, ``title``, ``description`` and ``themes``.
    unsure_below : float
        A suggestion with a predicted probability below this (0..1) is flagged unsure.
    use_themes : bool
        As used in training.

    Returns
    -------
    DataFrame with ``activity_id``, ``title``, ``suggested_tier``, ``probability`` (the
    model's predicted probability of that tier, 0..1), ``runner_up``,
    ``runner_up_probability`` and ``unsure`` (probability below ``unsure_below``), sorted
    from least to most sure.

    Raises
    ------
    ValueError
        If ``unsure_below`` is not in [0, 1].

    Examples
    --------
    >>> from wbcti_analysis.prevention._example import example_dataset
    >>> ds = example_dataset()
    >>> s = suggest_tiers(train_tier_classifier(ds), ds.activities.head(1), unsure_below=0.99)
    >>> s["activity_id"].tolist(), bool(s["unsure"].iloc[0])
    (['e1'], True)
    """
    check_unsure_below(unsure_below)
    if len(activities) == 0:
        return pd.DataFrame(columns=_SUGGESTION_COLUMNS)
    texts = [_training_text(t, d if isinstance(d, str) else "", h if use_themes else ()) for t, d, h in
             zip(activities["title"], activities["description"], activities["themes"])]
    p = model.predict_proba(texts)
    cls = np.asarray(model.classes_)
    order = np.argsort(-p, axis=1, kind="stable")
    top, second = order[:, 0], (order[:, 1] if p.shape[1] > 1 else order[:, 0])
    rows = np.arange(len(texts))
    out = pd.DataFrame({"activity_id": activities["activity_id"].astype(str).values,
                        "title": activities["title"].astype(str).values,
                        "suggested_tier": cls[top], "probability": p[rows, top],
                        "runner_up": cls[second], "runner_up_probability": p[rows, second]})
    out["unsure"] = out["probability"] < unsure_below
    return out.sort_values(["probability", "activity_id"]).reset_index(drop=True)
