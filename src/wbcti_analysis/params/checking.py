"""Checking parameter values against a declaration (and a data package).

:func:`check` returns one message per problem, each naming the notebook, the parameter,
the bad value and what is allowed; :func:`require` raises :class:`ParameterError` with
them; :func:`check_notebook_parameters` is what a notebook's first cell calls.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .domains import DOMAINS
from .model import NotebookParams, ParameterError

__all__ = ["check", "check_all", "require", "check_notebook_parameters", "CheckedParameters", "declaration"]


def declaration(notebook: str | NotebookParams) -> NotebookParams:
    """The declaration of a notebook's parameters.

    Parameters
    ----------
    notebook : str or NotebookParams
        The notebook's stem (``"01-coordination-graph"``) or file name; a declaration is
        returned as it is.

    Returns
    -------
    NotebookParams

    Raises
    ------
    KeyError
        Naming the declared notebooks, when ``notebook`` is not one of them.

    Examples
    --------
    >>> [p.name for p in declaration("02-donor-dependency.ipynb").params][:3]
    ['data_path', 'countries', 'start_year']
    """
    if isinstance(notebook, NotebookParams):
        return notebook
    from .declarations import DECLARATIONS

    stem = str(notebook)[:-6] if str(notebook).endswith(".ipynb") else str(notebook)
    try:
        return DECLARATIONS[stem]
    except KeyError:
        raise KeyError(f"no parameter declaration for notebook {notebook!r}; declared: "
                       f"{', '.join(DECLARATIONS)}") from None


def _case_hint(bad: list[str], ok: list[str]) -> str:
    hint = [f"{v!r} -> {c!r}" for v in bad for c in ok if v != c and v.casefold() == c.casefold()]
    return f" (values are case-sensitive: {', '.join(hint)})" if hint else ""


def check_all(notebook: str | NotebookParams, values: Mapping[str, Any], ds=None) -> tuple[list[str], list[str]]:
    """Check parameter values; return the problems and the warnings.

    Parameters
    ----------
    notebook : str or NotebookParams
        The notebook (see :func:`declaration`).
    values : mapping
        Parameter values by name; missing names take their declared defaults.
    ds : Dataset, optional
        The data package. Package-dependent rules (countries the package has, funder /
        network / mechanism ids, enums of its ``datapackage.json``) are checked only when
        it is given.

    Returns
    -------
    problems : list of str
        One message per problem, in declaration order: ``"<notebook>: <parameter>:
        <bad value and what is allowed>"``; unknown names first, cross-field rules last
        (checked only when every value has the right type and range).
    warnings : list of str
        A default that the package does not have (the bundled network ids on another
        package): not a problem, since the user did not choose it.

    Examples
    --------
    >>> check_all("03-prevention-vs-rr", {"seed": -1})
    (['03-prevention-vs-rr: seed: -1 is out of range; allowed: >= 0'], [])
    """
    decl = declaration(notebook)
    nb = decl.notebook
    params = decl.by_name
    problems: list[str] = []
    warnings: list[str] = []
    for name in values:
        if name not in params:
            problems.append(f"{nb}: unknown parameter {name!r} (declared: {', '.join(params)})")
    full = {**decl.defaults(), **{k: v for k, v in values.items() if k in params}}
    valid: dict[str, Any] = {}
    for name, p in params.items():
        value = full[name]
        why = p.type_problem(value)
        if why:
            problems.append(f"{nb}: {name}: wrong type: {why}")
            continue
        why = p.value_problem(value)
        if why:
            problems.append(f"{nb}: {name}: {why}")
            continue
        valid[name] = value
        if p.domain and ds is not None and name not in decl.selection:
            dom = DOMAINS[p.domain]
            items = value if isinstance(value, list) else [value]
            shown = dom.values(ds)
            accepted = set(dom.accepts(ds) if dom.accepts else shown)
            bad = [v for v in items if v not in accepted]
            if bad:
                text = (f"{name}: unknown {dom.noun}{'s' if len(bad) > 1 else ''} {', '.join(map(repr, bad))}; "
                        f"the package has {', '.join(shown) or '(none)'}{_case_hint(bad, sorted(accepted))}")
                (warnings if value == p.default else problems).append(
                    f"{nb}: {text}" + (" (the default; the notebook reports them as absent)"
                                       if value == p.default else ""))
    selection = None
    if decl.selection:
        from ..selection import Selection

        chosen = {k: valid[k] for k in decl.selection if k in valid}
        selection = Selection(**chosen)
        for text in selection.problems(ds):
            if text.startswith("start_year"):
                text += "; start_year must be at most end_year (0 leaves a bound open)"
            problems.append(f"{nb}: {text}")
    if len(valid) == len(params):
        for _, rule in decl.rules:
            problems.extend(f"{nb}: {text}" for text in rule(valid))
    return problems, warnings


def check(notebook: str | NotebookParams, values: Mapping[str, Any], ds=None) -> list[str]:
    """Every problem of ``values`` for ``notebook``, one message each (empty list: all fine).

    The library's argument check: ``problems = check(notebook, values, ds)``; see
    :func:`check_all` for the parameters and the message format.

    Returns
    -------
    list of str

    Examples
    --------
    >>> check("01-coordination-graph", {"weighting": "bogus", "start_year": 2019, "end_year": 2015})
    ["01-coordination-graph: weighting: unknown value 'bogus'; allowed: count, newman", \
'01-coordination-graph: start_year 2019 is after end_year 2015; start_year must be at most end_year \
(0 leaves a bound open)']
    >>> check("02-donor-dependency", {"min_n": 3})
    []
    """
    return check_all(notebook, values, ds)[0]


@dataclass
class CheckedParameters:
    """Checked parameter values and what a notebook derives from them.

    ``values`` holds every declared parameter; ``selection`` is the notebook's
    :class:`~wbcti_analysis.selection.Selection` (None if it has none); ``derived`` the
    other derived values, also readable as attributes (``checked.period_lo``).
    """

    notebook: str
    values: dict
    ds: Any = None
    selection: Any = None
    derived: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def __getattr__(self, name):
        derived = self.__dict__.get("derived") or {}
        if name in derived:
            return derived[name]
        raise AttributeError(name)


def require(notebook: str | NotebookParams, values: Mapping[str, Any], ds=None) -> CheckedParameters:
    """Check ``values`` and return them with the derived values; raise on any problem.

    Parameters
    ----------
    notebook, values, ds
        As for :func:`check_all`.

    Returns
    -------
    CheckedParameters
        Every declared value (defaults filled in), the notebook's ``Selection`` and its
        derived values.

    Raises
    ------
    ParameterError
        A ``ValueError`` whose message lists every problem (``.problems``).

    Examples
    --------
    >>> require("03-prevention-vs-rr", {"countries": ["XK"]}).derived["countries_or_none"]
    ['XK']
    >>> require("03-prevention-vs-rr", {"tier_rule": "half"})
    Traceback (most recent call last):
    ...
    wbcti_analysis.params.model.ParameterError: 1 problem(s) with the parameters of 03-prevention-vs-rr:
      - 03-prevention-vs-rr: tier_rule: unknown value 'half'; allowed: fractional, each
    """
    decl = declaration(notebook)
    problems, warnings = check_all(decl, values, ds)
    if problems:
        raise ParameterError(problems, decl.notebook)
    full = {**decl.defaults(), **dict(values)}
    selection = None
    if decl.selection:
        from ..selection import Selection

        selection = Selection(**{k: full[k] for k in decl.selection})
    derived = decl.derive(full) if decl.derive else {}
    return CheckedParameters(decl.notebook, full, ds, selection, derived, warnings)


def check_notebook_parameters(notebook: str, namespace: Mapping[str, Any], ds=None) -> CheckedParameters:
    """The check a notebook runs right after its parameters cell (also in JupyterLab).

    Reads every declared parameter from ``namespace`` (the notebook's ``globals()``),
    checks it against the declaration and the data package ``ds`` (loaded from the
    ``data_path`` parameter when not given) and raises one :class:`ParameterError`
    listing every problem. Warnings (e.g. default network ids the package does not have)
    are printed.

    Parameters
    ----------
    notebook : str
        The notebook's stem, e.g. ``"01-coordination-graph"``.
    namespace : mapping
        The notebook's ``globals()`` after its parameters cell (and papermill's injected one).
    ds : Dataset, optional
        The loaded data package; loaded from ``namespace["data_path"]`` when None.

    Returns
    -------
    CheckedParameters

    Raises
    ------
    ParameterError
        Listing every problem, or every declared parameter missing from ``namespace``.
    """
    decl = declaration(notebook)
    missing = [p.name for p in decl.params if p.name not in namespace]
    if missing:
        raise ParameterError([f"{decl.notebook}: parameter {m!r} is not defined: run the parameters cell first"
                              for m in missing], decl.notebook)
    values = {p.name: namespace[p.name] for p in decl.params}
    if ds is None:
        from ..datapackage import load

        ds = load(values.get("data_path") or None)  # as notebook.load_data: empty means the bundled package
    checked = require(decl, values, ds)
    for w in checked.warnings:
        print(f"note: {w}")
    return checked
