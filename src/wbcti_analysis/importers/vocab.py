"""The vocabularies the importers map: IATI codes to the project's codes, and the matrix headers.

Everything an import decides about a code is in this module, so the documentation
(``docs/importing.md``) and the code say the same thing. Standard library only.

IATI participating-organisation roles (IATI *OrganisationRole* codelist) map to
participation roles:

=====  ============  ===========  ==============================================
code   IATI name     our role     why
=====  ============  ===========  ==============================================
1      Funding       funder       the organisation provides the money
2      Accountable   lead         responsible for oversight of the activity
3      Extending     partner      manages the money on the funder's behalf: not
                                  its own money (not a funder), not in charge of
                                  the work (not a lead); dropped when the same
                                  organisation already holds role 1 or 2
4      Implementing  implementer  carries the activity out
=====  ============  ===========  ==============================================

Examples
--------
>>> ROLE_MAP["3"], ROLE_MAP["4"]
('partner', 'implementer')
>>> actor_kind("10", "GB", recipient=False)
('donor_government', 'funding', 'international')
>>> themes_for_sectors(["15137", "15220"])
['prisons_probation', 'social_cohesion']
>>> sector_matches("15131", ["1513"]), sector_matches("152", ["15220"])
(True, False)
"""
from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ROLE_MAP",
    "ROLE_NAMES",
    "STATUS_MAP",
    "DATE_TYPES",
    "TRANSACTION_TYPES",
    "COMMITMENT_TYPES",
    "DISBURSEMENT_TYPES",
    "ORG_TYPES",
    "DEFAULT_SECTORS",
    "SECTOR_THEMES",
    "MATRIX_HEADERS",
    "MATRIX_REQUIRED",
    "MATRIX_ROLES",
    "TIER_WORDS",
    "STATUS_WORDS",
    "guess_actor",
    "WB_NAMES",
    "actor_kind",
    "country_in_name",
    "themes_for_sectors",
    "sector_matches",
    "slug",
    "normalise_name",
    "matrix_field",
]

#: IATI OrganisationRole code -> participation role (see the module docstring).
ROLE_MAP = {"1": "funder", "2": "lead", "3": "partner", "4": "implementer"}
#: IATI OrganisationRole code -> its IATI name (kept in ``participations.note``).
ROLE_NAMES = {"1": "Funding", "2": "Accountable", "3": "Extending", "4": "Implementing"}

#: IATI ActivityStatus code -> ``activities.status``.
STATUS_MAP = {"1": "planned", "2": "ongoing", "3": "completed", "4": "completed", "5": "unknown",
              "6": "unknown"}
#: IATI ActivityStatus names of the codes mapped to ``unknown`` (said in the description).
STATUS_NOTES = {"5": "cancelled", "6": "suspended"}

#: IATI ActivityDateType code -> (which date, planned or actual).
DATE_TYPES = {"1": ("start", "planned"), "2": ("start", "actual"), "3": ("end", "planned"), "4": ("end", "actual")}

#: IATI TransactionType code -> the ``figures.metric`` its rows get.
TRANSACTION_TYPES = {"1": "incoming_funds", "2": "commitment", "3": "disbursement", "4": "expenditure",
                     "5": "interest_payment", "6": "loan_repayment", "7": "reimbursement",
                     "8": "purchase_of_equity", "9": "sale_of_equity", "10": "credit_guarantee",
                     "11": "incoming_commitment", "12": "outgoing_pledge", "13": "incoming_pledge"}
#: Transaction types counted as a funder's commitment to the activity.
COMMITMENT_TYPES = frozenset({"2", "11"})
#: Transaction types counted as money paid by a funder into the activity (used when no commitment).
DISBURSEMENT_TYPES = frozenset({"1", "3"})

#: IATI OrganisationType code -> (actor_type, sector, level); ``None`` means decided by country.
ORG_TYPES = {
    "10": (None, "policy_coordination", None),  # government: donor government or national body
    "11": ("local_government", "policy_coordination", "local"),
    "15": ("government_body", "policy_coordination", None),
    "21": ("cso", "civil_society", "international"),
    "22": ("cso", "civil_society", "national"),
    "23": ("cso", "civil_society", "regional"),
    "24": ("cso", "civil_society", "national"),
    "30": ("other", "other", None),
    "40": ("international_organisation", "other", "international"),
    "60": ("foundation", "funding", "international"),
    "70": ("private_sector", "private", None),
    "71": ("private_sector", "private", None),
    "72": ("private_sector", "private", None),
    "73": ("private_sector", "private", None),
    "80": ("academia", "research", None),
    "90": ("other", "other", None),
}

#: Default sector filter: OECD DAC purpose codes (a code shorter than 5 digits is a prefix):
#: legal and judicial development, justice, police, prisons (151 30s), conflict, peace and
#: security (152), social services incl. youth (16015).
DEFAULT_SECTORS = ("1513", "152", "16015")

#: DAC 5-digit purpose code -> themes (only where the code says the theme outright).
SECTOR_THEMES = {
    "15130": ("criminal_justice",),
    "15131": ("criminal_justice",),
    "15132": ("community_policing",),
    "15134": ("criminal_justice",),
    "15137": ("prisons_probation",),
    "15220": ("social_cohesion",),
    "15240": ("rehabilitation_reintegration",),
    "16015": ("youth",),
}

_GOV_SECTORS = ((("interior", "internal affairs", "police", "border"), "law_enforcement"),
                (("justice", "prosecut", "court", "prison", "probation"), "justice"),
                (("education", "school"), "education"), (("health",), "health"),
                (("social", "labour", "welfare"), "social_welfare"))
#: Names of the six Western Balkan beneficiaries (and common variants) -> ISO code.
WB_NAMES = {"albania": "AL", "bosnia": "BA", "kosovo": "XK", "montenegro": "ME", "macedonia": "MK", "serbia": "RS"}
_UN_WORDS = ("united nations", "unicef", "undp", "unodc", "unhcr", "unesco", "unfpa", "international organization "
             "for migration", "iom")
_EU_WORDS = ("european commission", "european union", "delegation of the european union")


def actor_kind(org_type: str | None, country: str | None, recipient: bool, name: str = "",
               ref: str = "") -> tuple[str, str, str]:
    """Return ``(actor_type, sector, level)`` for an IATI organisation.

    Parameters
    ----------
    org_type : str or None
        IATI OrganisationType code (``10`` government ... ``90`` other).
    country : str or None
        The organisation's home country (from its identifier's prefix), if known.
    recipient : bool
        Whether that country is one of the activity's recipient countries (a government
        of a recipient country is a national body, any other a donor government).
    name, ref : str
        Name and identifier, to recognise EU bodies and UN agencies.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> actor_kind("40", None, False, "United Nations Development Programme")
    ('un_agency', 'other', 'international')
    >>> actor_kind("10", "XK", True)
    ('government_body', 'policy_coordination', 'national')
    >>> actor_kind("10", "MK", True, "Ministry of Internal Affairs of North Macedonia")
    ('ministry', 'law_enforcement', 'national')
    """
    low = f" {name.lower()} "
    if any(w in low for w in _EU_WORDS) or ref.upper().startswith(("XI-IATI-EC", "XM-DAC-918")):
        return "eu_body", "funding", "eu"
    kind = ORG_TYPES.get(str(org_type or "").strip(), ("other", "other", None))
    actor_type, sector, level = kind
    if org_type in ("10", "15") and country and not recipient:
        return "donor_government", "funding", "international"
    if org_type in ("10", "11", "15"):
        if actor_type is None:
            actor_type = "ministry" if "ministry" in low else "government_body"
        level = level or "national"
        sector = next((s for words, s in _GOV_SECTORS if any(w in low for w in words)), sector)
    if actor_type in ("international_organisation", "other") and any(f" {w}" in low for w in _UN_WORDS):
        return "un_agency", "other", "international"
    if level is None:
        level = "national" if country else "international"
    return actor_type, sector, level


def country_in_name(name: str) -> str | None:
    """The Western Balkan country a name mentions, if exactly one.

    Parameters
    ----------
    name : str

    Returns
    -------
    str or None
        ISO code (``Ministry of Justice of Albania`` -> ``AL``).
    """
    low = str(name).lower()
    found = {code for word, code in WB_NAMES.items() if word in low}
    return found.pop() if len(found) == 1 else None


def themes_for_sectors(codes) -> list[str]:
    """Return the themes the DAC purpose ``codes`` state (see :data:`SECTOR_THEMES`), sorted.

    Parameters
    ----------
    codes : iterable of str
        DAC 5-digit purpose codes.

    Returns
    -------
    list of str
    """
    out = set()
    for c in codes:
        out.update(SECTOR_THEMES.get(str(c), ()))
    return sorted(out)


def sector_matches(code: str, wanted) -> bool:
    """Whether a sector ``code`` falls under one of ``wanted`` (codes or code prefixes).

    A 3-digit DAC category (vocabulary 2) matches a wanted prefix that it starts with
    (``152`` matches ``152``) but not a finer 5-digit code.

    Parameters
    ----------
    code : str
        A DAC purpose code (5 digits) or category (3 digits).
    wanted : iterable of str
        Codes or prefixes.

    Returns
    -------
    bool
    """
    code = str(code).strip()
    return any(code.startswith(w) for w in wanted)


def slug(text: str, fallback: str = "x") -> str:
    """Return a lower-case id slug (``^[a-z0-9][a-z0-9_.-]*$``) for ``text``.

    Parameters
    ----------
    text : str
    fallback : str
        Returned when nothing of ``text`` is left.

    Returns
    -------
    str

    Examples
    --------
    >>> slug("XM-DAC-41114-Project 00012345"), slug("  Ministry of Justice (AL) ")
    ('xm-dac-41114-project-00012345', 'ministry-of-justice-al')
    """
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"[^a-z0-9_.-]+", "-", t).strip("-_.")
    t = re.sub(r"-{2,}", "-", t)
    return t or fallback


_NAME_DROP = re.compile(r"\b(the|of|for|and|in|de|la|le)\b")


def normalise_name(name: str) -> str:
    """Normalise an organisation name for matching: accents, case, punctuation, small words.

    Parameters
    ----------
    name : str

    Returns
    -------
    str
        Lower-case ASCII words without "the", "of", "for", "and", "in" (``&`` is "and").

    Examples
    --------
    >>> normalise_name("The Ministry of Justice, Albania") == normalise_name("ministry justice albania")
    True
    """
    t = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ")
    t = re.sub(r"[^a-z0-9]+", " ", t)
    t = _NAME_DROP.sub(" ", t)
    return " ".join(t.split())


#: Matrix column -> the headers it accepts: HXL hashtags (attributes in any order, matched
#: as a set) and plain names (case, spaces and punctuation ignored).
MATRIX_HEADERS = {
    "activity_id": ("#activity+id", "#activity+code", "activity id", "id", "code"),
    "title": ("#activity+name", "#activity+title", "#activity", "title", "activity", "activity title",
              "activity name", "project", "project title"),
    "description": ("#activity+description", "#description", "description", "summary"),
    "countries": ("#country+code", "#country", "#country+name", "country", "countries", "country code"),
    "locations": ("#adm1", "#adm1+name", "#adm2", "#adm2+name", "#loc", "location", "municipality", "region",
                  "admin1"),
    "start_date": ("#date+start", "start date", "start", "from"),
    "end_date": ("#date+end", "end date", "end", "to", "until"),
    "status": ("#status", "#activity+status", "status"),
    "funders": ("#org+funder", "#org+donor", "#org+funder+name", "#org+donor+name", "funder", "funders", "donor",
                "donors"),
    "implementers": ("#org+impl", "#org+implementer", "#org+impl+name", "implementer", "implementers",
                     "implementing partner", "implementing partners", "implementing organisation"),
    "leads": ("#org+lead", "#org+prog", "#org+lead+name", "#org+prog+name", "lead", "lead organisation",
              "accountable", "programme lead"),
    "partners": ("#org+partner", "#org+partner+name", "partner", "partners", "other partners"),
    "participants": ("#org+participant", "#org+participant+name", "participant", "participants", "members"),
    "hosts": ("#org+host", "#org+host+name", "host", "hosts", "venue"),
    "chairs": ("#org+chair", "#org+chair+name", "chair", "chairs"),
    "beneficiaries": ("#org+beneficiary", "#org+beneficiary+name", "beneficiary", "beneficiaries",
                      "beneficiary institutions"),
    "org_code": ("#org+code", "#org+id", "organisation id", "organization id"),
    "org_type": ("#org+type", "organisation type", "organization type"),
    "themes": ("#sector+theme", "#activity+theme", "#theme", "theme", "themes"),
    "tiers": ("#sector+tier", "#activity+tier", "#tier", "tier", "tiers", "prevention tier"),
    "tier_basis": ("#meta+tier_basis", "tier basis"),
    "activity_type": ("#activity+type", "activity type", "type"),
    "amount": ("#value", "#value+amount", "#value+funding", "amount", "budget", "value"),
    "currency": ("#currency", "#value+currency", "currency"),
}
#: Matrix organisation column -> participation role.
MATRIX_ROLES = {"funders": "funder", "leads": "lead", "implementers": "implementer", "partners": "partner",
                "beneficiaries": "beneficiary", "participants": "participant", "hosts": "host", "chairs": "chair"}
#: Words of a matrix value -> tier (besides the tier codes themselves).
TIER_WORDS = {"primary prevention": "primary", "secondary prevention": "secondary", "tertiary prevention": "tertiary",
              "r&r": "tertiary", "rehabilitation and reintegration": "tertiary", "ct": "ct_law_enforcement",
              "law enforcement": "ct_law_enforcement", "counter-terrorism": "ct_law_enforcement"}
#: Words of a matrix value -> status (besides the status codes themselves).
STATUS_WORDS = {"closed": "completed", "finished": "completed", "done": "completed", "active": "ongoing",
                "implementation": "ongoing", "in progress": "ongoing", "pipeline": "planned", "planning": "planned"}
_ORG_WORDS = (
    (("european commission", "european union", "eu delegation", "delegation of the eu"), ("eu_body", "funding", "eu")),
    (("europol", "frontex", "eurojust", "cepol"), ("eu_agency", "law_enforcement", "eu")),
    (("united nations", "undp", "unicef", "unodc", "unhcr", "unesco", "unfpa", "iom"), ("un_agency", "other",
                                                                                     "international")),
    (("osce mission", "osce presence"), ("osce_field_mission", "other", "national")),
    (("osce", "council of europe", "nato", "world bank", "interpol"), ("international_organisation", "other",
                                                                      "international")),
    (("embassy", "usaid", "government of", "agency for international development", "development cooperation",
      "foreign office", "foreign affairs", "development office"), ("donor_government", "funding", "international")),
    (("foundation", "fund"), ("foundation", "funding", "international")),
    (("municipality", "municipal", "city of"), ("local_government", "policy_coordination", "local")),
    (("police",), ("police", "law_enforcement", "national")),
    (("ministry",), ("ministry", "policy_coordination", "national")),
    (("university", "institute", "academy"), ("academia", "research", "national")),
    (("school",), ("school", "education", "local")),
    (("islamic community", "church", "religious"), ("religious_community", "religious", "national")),
    (("association", "ngo", "initiative", "centre", "center", "network", "forum"), ("cso", "civil_society",
                                                                                   "national")),
)


def guess_actor(name: str) -> tuple[str, str, str, str | None]:
    """Guess ``(actor_type, sector, level, country)`` of an organisation named in a matrix.

    A matrix names organisations only; the guess comes from words of the name and a
    Western Balkan country it mentions (first rule that matches wins). Check
    ``actors.csv`` after an import.

    Parameters
    ----------
    name : str

    Returns
    -------
    tuple
        ``actor_type``, ``sector``, ``level`` (codes of the descriptor) and the country
        (ISO code or None).

    Examples
    --------
    >>> guess_actor("Ministry of Justice of Albania")
    ('ministry', 'justice', 'national', 'AL')
    >>> guess_actor("UNDP Kosovo")
    ('un_agency', 'other', 'national', 'XK')
    >>> guess_actor("Some Body")
    ('other', 'other', 'international', None)
    """
    low = f" {normalise_name(name)} {' '.join(str(name).lower().split())} "
    country = country_in_name(name)
    for words, kind in _ORG_WORDS:
        if any(f" {w} " in low or (f" {w}" in low and len(w) > 4) for w in words):
            actor_type, sector, level = kind
            break
    else:
        actor_type, sector, level = "other", "other", ("national" if country else "international")
    if country and actor_type in ("un_agency", "international_organisation"):
        level = "national"  # a country office
    if actor_type in ("ministry", "police", "government_body"):
        sector = next((s for words, s in _GOV_SECTORS if any(w in low for w in words)), sector)
    return actor_type, sector, level, country


#: Columns a matrix must have.
MATRIX_REQUIRED = ("title",)


def _plain(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9#+]+", " ", header.lower()).split())


def _hxl_key(tag: str) -> tuple[str, frozenset]:
    parts = [p for p in tag.strip().lower().replace(" ", "").split("+") if p]
    return (parts[0] if parts else ""), frozenset(parts[1:])


_HXL_INDEX = {}
_PLAIN_INDEX = {}
for _field, _names in MATRIX_HEADERS.items():
    for _n in _names:
        if _n.startswith("#"):
            _HXL_INDEX.setdefault(_hxl_key(_n), _field)
        else:
            _PLAIN_INDEX.setdefault(_plain(_n), _field)


def matrix_field(header: str) -> str | None:
    """Return the matrix column a header or HXL hashtag stands for, or None if unknown.

    Parameters
    ----------
    header : str
        A plain header (case and punctuation ignored) or an HXL hashtag with attributes.

    Returns
    -------
    str or None
        A key of :data:`MATRIX_HEADERS`.

    Examples
    --------
    >>> matrix_field("#org +impl"), matrix_field("#date+start"), matrix_field("Implementing partners")
    ('implementers', 'start_date', 'implementers')
    >>> matrix_field("#org+name+impl"), matrix_field("Colour") is None
    ('implementers', True)
    """
    h = str(header or "").strip()
    if not h:
        return None
    if h.startswith("#"):
        key = _hxl_key(h)
        if key in _HXL_INDEX:
            return _HXL_INDEX[key]
        attrs = key[1] - {"name", "code", "v_iati_identifiers"}  # +name, +code are attributes of any tag
        return _HXL_INDEX.get((key[0], attrs))
    return _PLAIN_INDEX.get(_plain(h))
