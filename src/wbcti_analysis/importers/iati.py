"""Read IATI 2.x activity files, streamed and with a safe parser.

Each ``<iati-activity>`` is read with :func:`lxml.etree.iterparse` and cleared as soon
as it is turned into a small :class:`IatiActivity` record, so memory stays flat whatever
the file size. The parser resolves no entities, loads no DTD and never touches the
network (the files come from third parties: no "billion laughs", no external entities).

:func:`import_iati` is the whole ``wbcti import iati`` command: read, filter, map
(:mod:`~wbcti_analysis.importers.iati_rows`), suggest missing tiers, write a validated
package.

References
----------
.. [1] IATI (2018). *IATI Standard, version 2.03: activity standard*.
   https://iatistandard.org/en/iati-standard/203/activity-standard/

Examples
--------
>>> import io
>>> xml = b'''<iati-activities version="2.03"><iati-activity default-currency="EUR">
... <iati-identifier>XX-1</iati-identifier><title><narrative>Demo</narrative></title>
... <recipient-country code="AL" percentage="100"/></iati-activity></iati-activities>'''
>>> [(a.identifier, a.title, a.countries) for a in iter_activities(io.BytesIO(xml), "demo.xml")]
[('XX-1', 'Demo', [('AL', 100.0)])]
"""
from __future__ import annotations

import datetime as _dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .package import ImportFailed

__all__ = ["IatiActivity", "IatiOrg", "IatiMoney", "iter_activities", "import_iati"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class IatiOrg:
    """An organisation named in an activity (participating, reporting, provider or receiver)."""

    ref: str
    name: str
    type: str
    role: str = ""

    @property
    def key(self) -> str:
        """Identity within an import: the IATI identifier, else the normalised name."""
        from .vocab import normalise_name

        return f"ref:{self.ref}" if self.ref else f"name:{normalise_name(self.name)}"


@dataclass
class IatiMoney:
    """A budget or transaction: kind (``budget`` or a transaction type code), value, currency, dates."""

    kind: str
    value: float
    currency: str
    value_date: str
    period_start: str = ""
    period_end: str = ""
    budget_type: str = ""
    provider: IatiOrg | None = None
    receiver: IatiOrg | None = None
    line: int = 0


@dataclass
class IatiActivity:
    """The parts of one ``<iati-activity>`` an import uses."""

    identifier: str
    file: str
    line: int
    title: str = ""
    description: str = ""
    status: str = ""
    default_currency: str = ""
    reporting_org: IatiOrg | None = None
    dates: dict = field(default_factory=dict)
    countries: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    orgs: list = field(default_factory=list)
    money: list = field(default_factory=list)
    parents: list = field(default_factory=list)
    last_updated: str = ""


def _text(el) -> str:
    """Narrative text of an element: the English narrative, else the first, else its own text."""
    if el is None:
        return ""
    narratives = [n for n in el if n.tag == "narrative"]
    if narratives:
        en = [n for n in narratives if (n.get(_XML_LANG) or "en").lower().startswith("en")]
        chosen = (en or narratives)[0]
        return " ".join("".join(chosen.itertext()).split())
    return " ".join((el.text or "").split())


def _where(act, el) -> str:
    tag = el.tag if isinstance(el.tag, str) else "element"
    attrs = " ".join(f'{k}="{v}"' for k, v in el.attrib.items() if isinstance(k, str) and not k.startswith("{"))
    shown = f"<{tag} {attrs}>" if attrs else f"<{tag}>"
    return f"{act.file}, line {el.sourceline}, activity {act.identifier or '(no identifier)'}, {shown}"


def _date(act, el, attr: str, problems: list, required: bool = True) -> str:
    raw = (el.get(attr) or "").strip()
    if not raw:
        if required:
            problems.append(f"{_where(act, el)}: no {attr}")
        return ""
    try:
        return _dt.date.fromisoformat(raw[:10]).isoformat()
    except ValueError:
        problems.append(f"{_where(act, el)}: cannot read the date {raw!r} (expected YYYY-MM-DD)")
        return ""


def _float(act, el, raw, what: str, problems: list) -> float | None:
    try:
        v = float(str(raw).strip().replace(",", ""))
    except (TypeError, ValueError):
        problems.append(f"{_where(act, el)}: cannot read the {what} {raw!r} as a number")
        return None
    if v != v:
        problems.append(f"{_where(act, el)}: the {what} is not a number")
        return None
    return v


def _org(el, role: str = "") -> IatiOrg | None:
    if el is None:
        return None
    org = IatiOrg((el.get("ref") or "").strip(), _text(el), (el.get("type") or "").strip(), role)
    return org if (org.ref or org.name) else None


def _value(act, el, kind: str, problems: list) -> IatiMoney | None:
    val = el.find("value")
    if val is None:
        problems.append(f"{_where(act, el)}: no <value>")
        return None
    amount = _float(act, val, val.text, "value", problems)
    cur = (val.get("currency") or act.default_currency or "").strip().upper()
    vdate = _date(act, val, "value-date", problems, required=False)
    if amount is None:
        return None
    return IatiMoney(kind, amount, cur, vdate, line=el.sourceline or 0)


def _activity(el, file: str, problems: list) -> IatiActivity:
    act = IatiActivity((el.findtext("iati-identifier") or "").strip(), file, el.sourceline or 0)
    if not act.identifier:
        problems.append(f"{file}, line {act.line}, <iati-activity>: no <iati-identifier>")
        act.identifier = ""
    act.default_currency = (el.get("default-currency") or "").strip().upper()
    act.last_updated = (el.get("last-updated-datetime") or "")[:10]
    act.reporting_org = _org(el.find("reporting-org"))
    act.title = _text(el.find("title"))
    descs = el.findall("description")
    general = [d for d in descs if (d.get("type") or "1") == "1"] or descs
    act.description = _text(general[0]) if general else ""
    status = el.find("activity-status")
    act.status = (status.get("code") or "").strip() if status is not None else ""
    for d in el.findall("activity-date"):
        code = (d.get("type") or "").strip()
        value = _date(act, d, "iso-date", problems)
        if code and value:
            act.dates[code] = value
    for c in el.findall("recipient-country"):
        pct = c.get("percentage")
        act.countries.append(((c.get("code") or "").strip().upper(),
                              _float(act, c, pct, "percentage", problems) if pct not in (None, "") else None))
    act.regions = [((r.get("code") or "").strip(), (r.get("vocabulary") or "1").strip())
                   for r in el.findall("recipient-region")]
    for s in el.findall("sector"):
        pct = s.get("percentage")
        act.sectors.append(((s.get("vocabulary") or "1").strip(), (s.get("code") or "").strip(),
                            _float(act, s, pct, "percentage", problems) if pct not in (None, "") else None))
    for p in el.findall("participating-org"):
        org = _org(p, (p.get("role") or "").strip())
        if org is None:
            problems.append(f"{_where(act, p)}: neither ref nor name")
        else:
            act.orgs.append(org)
    for b in el.findall("budget"):
        m = _value(act, b, "budget", problems)
        if m is not None:
            m.budget_type = (b.get("type") or "1").strip()
            ps, pe = b.find("period-start"), b.find("period-end")
            m.period_start = _date(act, ps, "iso-date", problems) if ps is not None else ""
            m.period_end = _date(act, pe, "iso-date", problems) if pe is not None else ""
            act.money.append(m)
    for t in el.findall("transaction"):
        tt = t.find("transaction-type")
        code = (tt.get("code") or "").strip() if tt is not None else ""
        if not code:
            problems.append(f"{_where(act, t)}: no <transaction-type code>")
            continue
        m = _value(act, t, code, problems)
        if m is None:
            continue
        td = t.find("transaction-date")
        m.period_start = m.period_end = (_date(act, td, "iso-date", problems) if td is not None else "") or m.value_date
        m.provider, m.receiver = _org(t.find("provider-org")), _org(t.find("receiver-org"))
        for c in t.findall("recipient-country"):
            act.countries.append(((c.get("code") or "").strip().upper(), None))
        for s in t.findall("sector"):
            act.sectors.append(((s.get("vocabulary") or "1").strip(), (s.get("code") or "").strip(), None))
        act.money.append(m)
    act.parents = [(r.get("ref") or "").strip() for r in el.findall("related-activity")
                   if (r.get("type") or "").strip() == "1" and r.get("ref")]
    return act


def iter_activities(source, name: str | None = None, problems: list | None = None, header: dict | None = None):
    """Yield one :class:`IatiActivity` per ``<iati-activity>`` of an IATI 2.x file, streamed.

    Parameters
    ----------
    source : path or binary file object
    name : str, optional
        File name used in messages (default: ``source``'s).
    problems : list, optional
        Collects messages about unreadable elements (dates, numbers, missing
        identifiers); the activity is still yielded.
    header : dict, optional
        Filled with the root element's attributes (``version``, ``generated-datetime``).

    Yields
    ------
    IatiActivity

    Raises
    ------
    ImportFailed
        If the file is not well-formed XML, not an IATI activity file, or IATI 1.x.
    """
    from lxml import etree

    name = name or str(getattr(source, "name", source))
    problems = [] if problems is None else problems
    context = etree.iterparse(source, events=("start", "end"), resolve_entities=False, no_network=True,
                              load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    root = None
    depth = 0
    try:
        for event, el in context:
            if event == "start":
                depth += 1
                if root is None:
                    root = el
                    if el.tag != "iati-activities":
                        raise ImportFailed([f"{name}, line {el.sourceline}: not an IATI activity file (root element "
                                            f"<{el.tag}>, expected <iati-activities>)"])
                    version = (el.get("version") or "").strip()
                    if version and not version.startswith("2."):
                        raise ImportFailed([f"{name}, line {el.sourceline}: IATI version {version} is not supported "
                                            "(version 2.01 to 2.03 activity files are)"])
                    if header is not None:
                        header.update({k: v for k, v in el.attrib.items() if isinstance(k, str)})
                continue
            depth -= 1
            if el.tag == "iati-activity" and depth == 1:
                yield _activity(el, name, problems)
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        line, col = (exc.position or (exc.lineno, 0))
        raise ImportFailed([f"{name}, line {line}, column {col}: not well-formed XML: {exc.msg}"]) from None
    if root is None:
        raise ImportFailed([f"{name}: empty file, not an IATI activity file"])


@dataclass
class ImportReport:
    """What an import read, kept, skipped and wrote (``text()`` for the command line)."""

    out: Path | None = None
    files: list = field(default_factory=list)
    read: int = 0
    kept: int = 0
    skipped: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    suggested: int = 0
    warnings: list = field(default_factory=list)

    def text(self) -> str:
        """The report as lines of text."""
        lines = [f"read {self.read} activities from {len(self.files)} file(s); kept {self.kept}"]
        lines += [f"  skipped {n}: {why}" for why, n in sorted(self.skipped.items())]
        lines.append("rows: " + ", ".join(f"{t} {n}" for t, n in self.rows.items()))
        if self.suggested:
            lines.append(f"tiers suggested by the classifier (tier_basis=suggested): {self.suggested}")
        lines += [f"warning: {w}" for w in self.warnings[:30]]
        if len(self.warnings) > 30:
            lines.append(f"warning: ... {len(self.warnings) - 30} more (see import_report.txt)")
        if self.out is not None:
            lines.append(f"written: {self.out}")
        return "\n".join(lines)


def _keep(act: IatiActivity, countries, sectors) -> str | None:
    from .vocab import sector_matches

    if countries is not None and not any(c in countries for c, _ in act.countries):
        if not act.countries and act.regions:
            return "a recipient-region only, no recipient country (use --countries all to keep them)"
        return "no recipient country in --countries"
    if sectors is not None:
        codes = [c for v, c, _ in act.sectors if v in ("1", "2")]
        if not any(sector_matches(c, sectors) for c in codes):
            return "no DAC sector in --sectors"
    return None


def import_iati(files, out, countries=None, sectors=None, suggest: bool = True, seed: int = 42,
                force: bool = False) -> ImportReport:
    """Import IATI 2.x activity files into a validated data package at ``out``.

    Parameters
    ----------
    files : list of path
        IATI activity XML files.
    out : path
        Package folder to write (must be new or empty unless ``force``).
    countries : iterable of str, optional
        Recipient countries to keep (ISO alpha-2); default the six Western Balkan
        beneficiaries; ``"all"`` keeps every country.
    sectors : iterable of str, optional
        DAC purpose codes or prefixes to keep; default :data:`~.vocab.DEFAULT_SECTORS`;
        ``"all"`` keeps every sector.
    suggest : bool
        Give activities the tier classifier's suggestion (``tier_basis=suggested``).
    seed : int
        Seed of the classifier.
    force : bool
        Replace a non-empty ``out``.

    Returns
    -------
    ImportReport

    Raises
    ------
    ImportFailed
        Listing every problem (file, line, activity, element); nothing is written.
    """
    from ..datapackage import WESTERN_BALKANS
    from .iati_rows import IatiMapper
    from .package import read_descriptor_for, stage, write_package
    from .vocab import DEFAULT_SECTORS

    countries = _choice(countries, WESTERN_BALKANS, "countries", upper=True)
    sectors = _choice(sectors, DEFAULT_SECTORS, "sectors")
    desc = read_descriptor_for()
    report = ImportReport(files=[str(f) for f in files])
    mapper = IatiMapper(desc, report.warnings)
    staged = stage(out, force)
    try:
        mapper.rows.spool(staged, desc, ("participations", "funding", "figures"))
        _read_files(files, mapper, report, countries, sectors)
        mapper.finish()
        report.kept = mapper.rows.count("activities")
        if suggest:
            report.suggested = _suggest(mapper.rows.tables.get("activities", []), seed)
        report.rows = {r["name"]: mapper.rows.count(r["name"]) for r in desc["resources"]}
        report.out = write_package(mapper.rows, out, desc, force=force, staged=staged,
                                   extra_files={"import_report.txt": report.text() + "\n"})
    finally:
        mapper.rows.close()
        shutil.rmtree(staged, ignore_errors=True)
    return report


def _read_files(files, mapper, report, countries, sectors) -> None:
    problems: list[str] = []
    for f in files:
        path = Path(f)
        if not path.is_file():
            problems.append(f"{f}: no such file")
            continue
        header: dict = {}
        source_id = None
        try:
            for act in iter_activities(str(path), path.name, problems, header):
                report.read += 1
                if source_id is None:
                    source_id = mapper.add_source(path, header, act)
                why = _keep(act, countries, sectors)
                if why:
                    report.skipped[why] = report.skipped.get(why, 0) + 1
                    continue
                if act.identifier:
                    mapper.add_activity(act, source_id, problems)
        except ImportFailed as exc:
            problems.extend(exc.problems)
        if source_id is None and not any(p.startswith(path.name) for p in problems):
            mapper.add_source(path, header, None)
    if problems:
        raise ImportFailed(problems)


def _suggest(activities: list, seed: int) -> int:
    from .package import suggest_missing_tiers

    return suggest_missing_tiers(activities, seed=seed)


def _choice(value, default, name: str, upper: bool = False):
    """None -> default; "all" -> None (no filter); a comma string or list -> a tuple."""
    if value is None:
        return tuple(default)
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    vals = [v.strip().upper() if upper else v.strip() for v in value if v and v.strip()]
    if [v.lower() for v in vals] == ["all"]:
        return None
    if not vals:
        raise ImportFailed([f"--{name}: empty; give codes separated by commas, or 'all'"])
    return tuple(vals)
