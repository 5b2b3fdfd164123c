"""Write a large, fictitious IATI 2.03 activity file for timing ``wbcti import iati``.

Usage::

    python benchmarks/make_iati.py --activities 20000 --out /tmp/big-iati.xml
    /usr/bin/time -v .venv/bin/wbcti import iati /tmp/big-iati.xml --out /tmp/big-imported

Activities are spread over the six Western Balkan beneficiaries and a few other
countries, conflict/peace/security and other DAC sectors (so the default filters keep
about half), with four participating organisations, two budgets and four transactions
in several currencies each. Seeded: the same arguments give the same file.
"""
from __future__ import annotations

import argparse
import random
from xml.sax.saxutils import escape

COUNTRIES = ["AL", "BA", "XK", "ME", "MK", "RS", "KE", "UA", "MD"]
SECTORS = ["15220", "15210", "15240", "15130", "15137", "16015", "12220", "21020", "11220"]
CURRENCIES = ["EUR", "USD", "GBP", "SEK", "NOK", "CHF"]
FUNDERS = [("GB-GOV-1", "Foreign, Commonwealth and Development Office", "10"),
           ("US-GOV-1", "U.S. Agency for International Development", "10"),
           ("SE-0-SE-6", "Government of Sweden", "10"), ("XI-IATI-EC_NEAR", "European Commission", "15"),
           ("NO-BRC-971277882", "Norwegian Agency for Development Cooperation", "10")]
IMPLEMENTERS = [("XM-DAC-41114", "United Nations Development Programme", "40"),
                ("XM-DAC-47066", "International Organization for Migration", "40")]
WORDS = ("youth resilience community awareness referral reintegration returnees prison probation police "
         "information exchange schools religious leaders local prevention councils training").split()


def activity(i: int, rng: random.Random) -> str:
    c1, c2 = rng.sample(COUNTRIES, 2)
    sector = rng.choice(SECTORS)
    fref, fname, ftype = rng.choice(FUNDERS)
    iref, iname, itype = rng.choice(IMPLEMENTERS)
    cur = rng.choice(CURRENCIES)
    year = rng.randint(2012, 2024)
    words = " ".join(rng.choice(WORDS) for _ in range(6))
    local = f"Local partner {i % 500}"
    tx = []
    for k, code in enumerate(("2", "3", "3", "4")):
        tx.append(f"""  <transaction><transaction-type code="{code}"/><transaction-date iso-date="{year + k // 2}-0{k + 1}-15"/>
   <value currency="{cur}" value-date="{year + k // 2}-0{k + 1}-15">{rng.randint(10, 900) * 1000}</value>
   <provider-org ref="{fref}"><narrative>{escape(fname)}</narrative></provider-org></transaction>""")
    return f""" <iati-activity last-updated-datetime="2024-01-01T00:00:00Z" default-currency="{cur}">
  <iati-identifier>{fref}-BENCH-{i:06d}</iati-identifier>
  <reporting-org ref="{fref}" type="{ftype}"><narrative>{escape(fname)}</narrative></reporting-org>
  <title><narrative>Activity {i}: {words}</narrative></title>
  <description type="1"><narrative>Generated activity {i} about {words} in {c1} and {c2}.</narrative></description>
  <participating-org ref="{fref}" role="1" type="{ftype}"><narrative>{escape(fname)}</narrative></participating-org>
  <participating-org ref="{fref}" role="3" type="{ftype}"><narrative>{escape(fname)}</narrative></participating-org>
  <participating-org ref="{iref}" role="4" type="{itype}"><narrative>{escape(iname)}</narrative></participating-org>
  <participating-org role="2" type="22"><narrative>{local}</narrative></participating-org>
  <activity-status code="{rng.choice('1234')}"/>
  <activity-date iso-date="{year}-01-01" type="1"/>
  <activity-date iso-date="{year}-02-01" type="2"/>
  <activity-date iso-date="{year + 2}-12-31" type="3"/>
  <recipient-country code="{c1}" percentage="70"/>
  <recipient-country code="{c2}" percentage="30"/>
  <sector vocabulary="1" code="{sector}" percentage="100"/>
  <budget type="1"><period-start iso-date="{year}-01-01"/><period-end iso-date="{year}-12-31"/>
   <value currency="{cur}" value-date="{year}-01-01">{rng.randint(100, 999) * 1000}</value></budget>
  <budget type="2"><period-start iso-date="{year}-01-01"/><period-end iso-date="{year}-12-31"/>
   <value currency="{cur}" value-date="{year}-06-01">{rng.randint(100, 999) * 1000}</value></budget>
{chr(10).join(tx)}
 </iati-activity>
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write a large fictitious IATI 2.03 activity file.")
    ap.add_argument("--activities", type=int, default=5000, help="number of activities (default 5000)")
    ap.add_argument("--out", required=True, help="XML file to write")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<iati-activities version="2.03" generated-datetime="2024-01-01T00:00:00Z">\n')
        for i in range(args.activities):
            fh.write(activity(i, rng))
        fh.write("</iati-activities>\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
