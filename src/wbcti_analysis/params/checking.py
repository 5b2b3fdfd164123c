"""Checking parameter values against a declaration (and a data package).

:func:`check` returns one message per problem, each naming the notebook, the parameter,
the bad value and what is allowed; :func:`require` raises :class:`ParameterError` with
them; :func:`check_notebook_parameters` is what a notebook's first cell calls.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from .domains import DOMAINS, allowed_values
from .model import NotebookParams, ParameterError

__all__ = ["check", "check_all", "require", "check_notebook_parameters", "CheckedParameters", "declaration",
           "as_parameter_values", "restrict", "require_arguments", "require_codes",
           "absent_codes"]


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
    import textwrap

    for w in checked.warnings:  # wrapped: a report page shows printed text as a block
        print(textwrap.fill(f"note: {w}", width=100, subsequent_indent="  "))
    return checked


# ----------------------------------------------------------------------------- the library's argument checks


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (without importing numpy)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


def as_parameter_values(notebook: str | NotebookParams, values: Mapping[str, Any]) -> dict:
    """Function arguments as the values of ``notebook``'s parameters of the same names.

    A library function takes what its users have at hand; the declaration takes the
    notebook's literals. For a ``list`` parameter, None or ``""`` becomes ``[]``, a lone
    string a one-item list and a tuple, set or other iterable (not a dict) a list; for a
    number with an open value (years: 0), None or ``""`` becomes that value; numpy scalars
    become Python numbers. Anything else is passed on as it is (and checked). Names the
    declaration does not have are passed on too (and reported by :func:`check`).

    Examples
    --------
    >>> as_parameter_values("01-coordination-graph", {"countries": "XK", "start_year": None, "tiers": ("primary",)})
    {'countries': ['XK'], 'start_year': 0, 'tiers': ['primary']}
    """
    params = declaration(notebook).by_name
    out = {}
    for name, value in values.items():
        p = params.get(name)
        value = _plain(value)
        if p is not None and p.kind == "list":
            if value is None or (isinstance(value, str) and value == ""):
                value = []
            elif isinstance(value, str):
                value = [value]
            elif not isinstance(value, (list, dict, bytes)) and hasattr(value, "__iter__"):
                value = list(value)
            if isinstance(value, list):
                value = [_plain(v) for v in value]
        elif p is not None and p.open_value is not None and (value is None or value == ""):
            value = p.open_value
        out[name] = value
    return out


class _Reads(dict):
    """A dict that records the keys read from it (which parameters a rule looked at)."""

    def __init__(self, data):
        super().__init__(data)
        self.read: set = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def restrict(notebook: str | NotebookParams, names) -> NotebookParams:
    """The declaration cut down to the parameters ``names``: a library function's arguments.

    The other parameters are neither checked nor filled in; a cross-field rule counts
    only when its verdict rests on the given parameters alone (it read no other one, the
    others holding their defaults), so that ``start_year=2019`` passed to a function
    without a ``split_year`` is not held against the notebook's default split year. The
    notebook's name, and so every message, stays the same.

    Parameters
    ----------
    notebook : str or NotebookParams
        As for :func:`declaration`.
    names : iterable of str
        The parameters given (a dict's keys will do).

    Returns
    -------
    NotebookParams
        Without a ``derive`` function.

    Examples
    --------
    >>> check(restrict("01-coordination-graph", ["start_year"]), {"start_year": 2019})
    []
    >>> given = {"start_year": 2019, "end_year": 0, "split_year": 2018, "period_start": 0}
    >>> check(restrict("01-coordination-graph", given), given)[0][:56]
    '01-coordination-graph: split_year 2018 must come after t'
    """
    decl = declaration(notebook)
    given = set(names)
    defaults = decl.defaults()

    def only_given(rule):
        def restricted(values: dict) -> list[str]:
            seen = _Reads({**defaults, **values})
            out = list(rule(seen))
            return out if seen.read <= given else []
        return restricted

    return replace(decl, params=tuple(p for p in decl.params if p.name in given),
                   rules=tuple((text, only_given(rule)) for text, rule in decl.rules),
                   selection=tuple(n for n in decl.selection if n in given), derive=None)


def require_arguments(notebook: str | NotebookParams, values: Mapping[str, Any], ds=None) -> CheckedParameters:
    """A library function's argument check against a notebook's declaration.

    ``require(restrict(notebook, values), as_parameter_values(notebook, values), ds)``:
    only the arguments given are checked (see :func:`restrict`), after
    :func:`as_parameter_values` has read them as parameter values.

    Parameters
    ----------
    notebook : str or NotebookParams
        The notebook whose declaration holds the parameters of the same names.
    values : mapping
        The arguments, by parameter name.
    ds : Dataset, optional
        The data package (ids and codes it must have; see :func:`check_all`).

    Returns
    -------
    CheckedParameters
        ``values`` holds the given arguments as parameter values.

    Raises
    ------
    ParameterError
        A ``ValueError`` listing every problem, in the declaration's words.

    Examples
    --------
    >>> require_arguments("01-coordination-graph", {"n_draws": 10, "seed": None}).values
    Traceback (most recent call last):
    ...
    wbcti_analysis.params.model.ParameterError: 1 problem(s) with the parameters of 01-coordination-graph:
      - 01-coordination-graph: seed: wrong type: expected int, got null
    >>> require_arguments("01-coordination-graph", {"weighting": "newman", "end_year": None}).values
    {'end_year': 0, 'weighting': 'newman'}
    """
    decl = declaration(notebook)
    return require(restrict(decl, values), as_parameter_values(decl, values), ds)


# domains whose values are drawn from a descriptor enum that may allow more than the package has
_CODE_COLUMNS = {"activity_countries": ("activities", "countries"), "mechanism_countries": ("mechanisms", "country")}


def require_codes(notebook: str | NotebookParams, name: str, codes, ds) -> list:
    """Country codes as a library function takes them, checked against a notebook's parameter ``name``.

    A notebook refuses a country the package has no activity in (its selection would be
    empty); a library function may be asked about one (its row is zero: a coverage gap,
    a country too thin to test). So a code the descriptor's enum allows (e.g. ``ME``) is
    accepted even when no row has it; any other code, and a value of the wrong type, is
    refused with the declaration's message, which lists the codes the package has.

    Parameters
    ----------
    notebook : str or NotebookParams
    name : str
        A ``list`` parameter whose domain is ``activity_countries`` or ``mechanism_countries``.
    codes : list of str, str or None
        Read as :func:`as_parameter_values` reads a list.
    ds : Dataset

    Returns
    -------
    list of str
        The codes, in the order given.

    Raises
    ------
    ParameterError
        Naming every code that is not a country code of the descriptor.

    Examples
    --------
    >>> import wbcti_analysis as w
    >>> require_codes("03-prevention-vs-rr", "countries", ["ME", "XK"], w.load())
    ['ME', 'XK']
    """
    decl = declaration(notebook)
    values = as_parameter_values(decl, {name: codes})[name]
    if isinstance(values, list) and all(isinstance(v, str) for v in values):
        has = set(allowed_values(decl.by_name[name].domain, ds)) if decl.by_name[name].domain else set()
        rest = [v for v in values if v not in has]
        absent = absent_codes(decl, name, rest, ds) if rest else set()
        if any(v not in absent for v in rest):  # only then is there something to refuse
            require_arguments(decl, {name: [v for v in rest if v not in absent]}, ds)
        return values
    return require_arguments(decl, {name: values}, ds).values[name]


def absent_codes(notebook: str | NotebookParams, name: str, codes, ds) -> set:
    """The codes of ``codes`` that the descriptor allows for parameter ``name`` but no row of ``ds`` has.

    See :func:`require_codes`; empty for a parameter whose domain is not a country domain.

    Examples
    --------
    >>> import wbcti_analysis as w
    >>> sorted(absent_codes("01-coordination-graph", "countries", ["XK", "FR", "XX"], w.load()))
    ['FR']
    """
    from .domains import _list_enum

    domain = declaration(notebook).by_name[name].domain
    if domain not in _CODE_COLUMNS:
        return set()
    allowed = set(_list_enum(ds, *_CODE_COLUMNS[domain]))
    has = set(DOMAINS[domain].values(ds))
    return {c for c in codes if c in allowed and c not in has}
