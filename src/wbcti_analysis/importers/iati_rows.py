"""Map IATI activity records (:mod:`~wbcti_analysis.importers.iati`) to the package's rows.

Rules (also in ``docs/importing.md``):

- **sources**: one row per file (``iati-<file stem>``); every other row's ``locator`` is
  ``iati-identifier <id>`` plus the element it comes from.
- **activities**: ``activity_type`` is ``project``; dates are the actual start / end,
  else the planned ones (the description says which); recipient countries outside the
  descriptor's list are reported and kept only as figures; themes from the DAC codes
  (:data:`~.vocab.SECTOR_THEMES`); ``part_of`` from a ``related-activity type="1"``
  (parent) that is imported too.
- **actors**: one per organisation identifier (else normalised name); type, sector and
  level by :func:`~.vocab.actor_kind`; country from the identifier's prefix (``GB-GOV-1``
  -> GB).
- **participations**: IATI roles mapped by :data:`~.vocab.ROLE_MAP`; the provider of an
  incoming transaction (types 1, 11) is a funder too.
- **funding**: one row per funder and currency. Amount: the funder's commitments (types
  2, 11), else its disbursements / incoming funds (3, 1), else (for the reporting
  organisation) its budgets (revised if any, else original); never summed across flows,
  so nothing is counted twice. A transaction counts for its ``provider-org``, else (types
  2, 3) for the reporting organisation. Amounts stay in their currency; a currency the
  descriptor does not list leaves the amount empty (reported).
- **figures**: every budget and transaction (metric ``iati_budget``,
  ``iati_commitment``, ``iati_disbursement`` ...), and the recipient-country and sector
  percentages, so nothing in the file's money or shares is lost.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .package import IdMaker, PackageRows, field_enum
from .vocab import (COMMITMENT_TYPES, DATE_TYPES, DISBURSEMENT_TYPES, ROLE_MAP, ROLE_NAMES, STATUS_MAP, STATUS_NOTES,
                    TRANSACTION_TYPES, actor_kind, country_in_name, normalise_name, themes_for_sectors)

__all__ = ["IatiMapper"]

_ROLE_ORDER = ("funder", "lead", "implementer", "partner")


def _fmt(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".")


class IatiMapper:
    """Accumulate rows for the activities of one import (see the module docstring)."""

    def __init__(self, desc: dict, warnings: list):
        self.desc = desc
        self.warnings = warnings
        self.rows = PackageRows()
        self._source_ids = IdMaker()
        self._activity_ids = IdMaker()
        self._actor_ids = IdMaker()
        self._actor_by_key: dict[str, str] = {}
        self._seen: dict[str, str] = {}
        self._parents: list = []
        self._country_enum = set(field_enum(desc, "activities", "countries") or [])
        self._actor_countries = set(field_enum(desc, "actors", "country") or [])
        self._figure_countries = set(field_enum(desc, "figures", "country") or [])
        self._currencies = set(field_enum(desc, "funding", "currency") or [])
        self._themes = set(field_enum(desc, "activities", "themes") or [])

    # -- sources and actors -------------------------------------------------------------
    def add_source(self, path: Path, header: dict, act) -> str:
        """Add the ``sources`` row of a file; return its ``source_id``."""
        year = (header.get("generated-datetime") or "")[:4] or (act.last_updated[:4] if act else "")
        if not year.isdigit():
            year = str(_dt.date.fromtimestamp(path.stat().st_mtime).year)
        rep = act.reporting_org if act is not None else None
        if str(path.resolve()) in self._source_ids:  # the same file given twice
            return self._source_ids.get(str(path.resolve()))
        sid = self._source_ids.get(str(path.resolve()), f"iati-{path.stem}")
        self.rows.add("sources", source_id=sid, title=f"IATI activity file {path.name}",
                      publisher=(rep.name or rep.ref) if rep else "not stated in the file", year=int(year),
                      file=path.name, locator="<iati-activities> root element and its activities")
        return sid

    def _find(self, org) -> str | None:
        if org.ref and f"ref:{org.ref}" in self._actor_by_key:
            return self._actor_by_key[f"ref:{org.ref}"]
        if org.name and f"name:{normalise_name(org.name)}" in self._actor_by_key:
            return self._actor_by_key[f"name:{normalise_name(org.name)}"]
        return None

    def _actor(self, org, act, sid: str, countries: list, where: str) -> str:
        found = self._find(org)
        if found:
            return found
        prefix = org.ref.split("-", 1)[0].upper() if "-" in org.ref else ""
        country = prefix if prefix in self._actor_countries else None
        if country is None and org.type in ("10", "11", "15"):
            country = country_in_name(org.name)
        actor_type, sector, level = actor_kind(org.type, country, country in countries, org.name, org.ref)
        aid = self._actor_ids.get(org.key, org.ref or org.name)
        self.rows.add("actors", actor_id=aid, name=org.name or org.ref, actor_type=actor_type, sector=sector,
                      level=level, country=country,
                      description="IATI organisation" + (f" {org.ref}" if org.ref else "")
                                  + (f", organisation type {org.type}" if org.type else ""),
                      source_id=sid, locator=f"iati-identifier {act.identifier}, {where}")
        if org.ref:
            self._actor_by_key[f"ref:{org.ref}"] = aid
        if org.name:
            self._actor_by_key.setdefault(f"name:{normalise_name(org.name)}", aid)
        return aid

    # -- activities ---------------------------------------------------------------------
    def add_activity(self, act, sid: str, problems: list) -> None:
        """Add one activity with its participations, funding and figures."""
        if act.identifier in self._seen:
            self.warnings.append(f"{act.file}, line {act.line}: activity {act.identifier} already read from "
                                 f"{self._seen[act.identifier]}; this copy is skipped")
            return
        self._seen[act.identifier] = f"{act.file}, line {act.line}"
        aid = self._activity_ids.get(act.identifier)
        loc = f"iati-identifier {act.identifier}"
        countries = []
        for code, _ in act.countries:
            if code in self._country_enum and code not in countries:
                countries.append(code)
            elif code not in self._country_enum:
                self.warnings.append(f"{act.file}, activity {act.identifier}: recipient country {code!r} is not in "
                                     "the descriptor's country list; kept as a figure only")
        notes = []
        start, end = act.dates.get("2") or act.dates.get("1", ""), act.dates.get("4") or act.dates.get("3", "")
        for which, value in (("start", start), ("end", end)):
            code = next((c for c, (w, _) in DATE_TYPES.items() if w == which and act.dates.get(c) == value), None)
            if value and code in ("1", "3"):
                notes.append(f"{which} date planned")
        if start and end and end < start:
            problems.append(f"{act.file}, line {act.line}, activity {act.identifier}: end date {end} is before "
                            f"start date {start}")
        status = STATUS_MAP.get(act.status, "unknown")
        if act.status in STATUS_NOTES:
            notes.append(f"IATI status {STATUS_NOTES[act.status]}")
        dac = [c for v, c, _ in act.sectors if v == "1"]
        other = sorted({f"{v}:{c}" for v, c, _ in act.sectors if v != "1"})
        if other:
            notes.append("sectors (vocabulary:code) " + ", ".join(other))
        if dac:
            notes.append("DAC sectors " + ", ".join(dict.fromkeys(dac)))
        description = act.description + (f" [{'; '.join(notes)}]" if notes else "")
        row = self.rows.add("activities", activity_id=aid, title=act.title or act.identifier, activity_type="project",
                            countries=countries, level="national" if len(countries) == 1 else
                            ("regional" if countries else None), tiers=[],
                            themes=[t for t in themes_for_sectors(dac) if t in self._themes],
                            start_date=start, end_date=end, status=status, description=description.strip(),
                            source_id=sid, locator=loc)
        self._parents.append((row, act.parents))
        self._participations(act, aid, sid, countries)
        self._figures(act, aid, sid)

    def _participations(self, act, aid: str, sid: str, countries: list) -> None:
        roles: dict[str, dict] = {}
        for org in act.orgs:
            role = ROLE_MAP.get(org.role)
            if role is None:
                self.warnings.append(f"{act.file}, activity {act.identifier}: participating-org "
                                     f"{org.ref or org.name!r} has role {org.role!r}, not an IATI role code (1-4); "
                                     "left out")
                continue
            actor = self._actor(org, act, sid, countries, f"participating-org {org.ref or org.name}")
            roles.setdefault(actor, {}).setdefault(role, f"IATI role {org.role} {ROLE_NAMES[org.role]}")
        reporter = self._find(act.reporting_org) if act.reporting_org else None
        attributed = []
        for m in act.money:
            actor = None
            if m.kind != "budget" and m.provider is not None:
                actor = self._find(m.provider)
                if actor is None and m.kind in ("1", "11"):
                    actor = self._actor(m.provider, act, sid, countries,
                                        f"provider-org {m.provider.ref or m.provider.name}")
                if m.kind in ("1", "11") and actor:
                    roles.setdefault(actor, {}).setdefault("funder", "provider-org of an incoming transaction")
            elif m.kind in ("2", "3", "budget"):
                actor = reporter
            attributed.append((m, actor))
        self._money_of = attributed
        n = 0
        for actor in sorted(roles):
            r = roles[actor]
            if "partner" in r and ("funder" in r or "lead" in r) and r["partner"].startswith("IATI role 3"):
                del r["partner"]
                key = "funder" if "funder" in r else "lead"
                r[key] += " (also IATI role 3 Extending)"
            for role in _ROLE_ORDER:
                if role in r:
                    n += 1
                    self.rows.add("participations", participation_id=f"{aid}-p{n}", actor_id=actor, activity_id=aid,
                                  role=role, note=r[role], source_id=sid,
                                  locator=f"iati-identifier {act.identifier}, participating-org / transactions")
        funders = [a for a in sorted(roles) if "funder" in roles[a]]
        self._funding(act, aid, sid, funders, reporter)

    def _funding(self, act, aid: str, sid: str, funders: list, reporter: str | None) -> None:
        n = 0
        for f in funders:
            mine = [m for m, a in self._money_of if a == f]
            chosen, label = [m for m in mine if m.kind in COMMITMENT_TYPES], "commitments (transaction types 2, 11)"
            if not chosen:
                chosen, label = [m for m in mine if m.kind in DISBURSEMENT_TYPES], \
                    "disbursements and incoming funds (transaction types 3, 1)"
            if not chosen and f == reporter:
                budgets = [m for m in mine if m.kind == "budget"]
                revised = [m for m in budgets if m.budget_type == "2"]
                chosen, label = (revised, "revised budgets") if revised else (budgets, "original budgets")
            by_cur: dict[str, list] = {}
            for m in chosen:
                by_cur.setdefault(m.currency, []).append(m)
            if not by_cur:
                n += 1
                self.rows.add("funding", funding_id=f"{aid}-f{n}", funder_id=f, activity_id=aid,
                              note="no budget or transaction of this funder in the file",
                              source_id=sid, locator=f"iati-identifier {act.identifier}, participating-org")
                continue
            for cur, ms in sorted(by_cur.items()):
                n += 1
                total = sum(m.value for m in ms)
                dates = sorted(d for d in (m.value_date or m.period_start for m in ms) if d)
                note = f"IATI {label}: {len(ms)} row(s)" + (f", value dates {dates[0]} to {dates[-1]}" if dates else "")
                amount, currency = total, cur
                if not cur or cur not in self._currencies:
                    self.warnings.append(f"{act.file}, activity {act.identifier}: amount {_fmt(total)} in currency "
                                         f"{cur or '(none given)'} is not in the descriptor's currency list; the "
                                         "funding row has no amount (the figures keep it)")
                    note += f"; amount {_fmt(total)} {cur or '(no currency)'} not recorded: currency not listed"
                    amount, currency = None, None
                lines = ", ".join(str(m.line) for m in ms[:5]) + (" ..." if len(ms) > 5 else "")
                self.rows.add("funding", funding_id=f"{aid}-f{n}", funder_id=f, activity_id=aid, amount=amount,
                              currency=currency, note=note, source_id=sid,
                              locator=f"iati-identifier {act.identifier}, {label.split(' (')[0]} at line(s) {lines}")

    def _figures(self, act, aid: str, sid: str) -> None:
        n = 0
        loc = f"iati-identifier {act.identifier}"
        for m, actor in self._money_of:
            n += 1
            if m.kind == "budget":
                metric = "iati_budget_revised" if m.budget_type == "2" else "iati_budget"
                what, start, end = "budget", m.period_start, m.period_end
            else:
                metric = "iati_" + TRANSACTION_TYPES.get(m.kind, f"transaction_{m.kind}")
                what, start, end = "transaction", m.period_start, m.period_end
            self.rows.add("figures", figure_id=f"{aid}-m{n}", metric=metric, value=m.value, qualifier="exact",
                          unit=m.currency or "unknown currency", activity_id=aid, actor_id=actor,
                          period_start=start, period_end=end,
                          description=f"IATI {what}" + (f", value date {m.value_date}" if m.value_date else ""),
                          source_id=sid, locator=f"{loc}, <{what}> at line {m.line}")
        for code, pct in act.countries:
            if pct is None:
                continue
            n += 1
            self.rows.add("figures", figure_id=f"{aid}-m{n}", metric="recipient_country_percentage", value=pct,
                          qualifier="exact", unit="percent", activity_id=aid,
                          country=code if code in self._figure_countries else None,
                          description=f"share of the activity for recipient country {code}", source_id=sid,
                          locator=f"{loc}, <recipient-country code={code}>")
        for vocab, code, pct in act.sectors:
            if pct is None:
                continue
            n += 1
            self.rows.add("figures", figure_id=f"{aid}-m{n}", metric="sector_percentage", value=pct,
                          qualifier="exact", unit="percent", activity_id=aid,
                          description=f"share of the activity for sector {code} (IATI sector vocabulary {vocab})",
                          source_id=sid, locator=f"{loc}, <sector code={code}>")

    def finish(self) -> None:
        """Resolve ``part_of`` (parents imported in the same run)."""
        for row, parents in self._parents:
            for p in parents:
                if p in self._activity_ids and self._activity_ids.get(p) != row["activity_id"]:
                    row["part_of"] = self._activity_ids.get(p)
                    break
