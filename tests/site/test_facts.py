"""Venue facts stated in page prose must agree with the core's dated venue records.

Every term page and the home page are read as Markdown (no build needed). Each sentence
clause (and each table row, attributed to the venue in its first cell) is scanned for
claims about a venue's funding interval, clamp band, N/8 scaling, interest rate or cap,
and the claim is compared with ``perpcalc.venues.FUNDING_VENUES``. Generated tables
(``[[venues …]]``) are derived from the records and skipped; inline ``[[venue …]]``
figures are rendered first, so prose built from them is checked as the reader sees it.

Set ``FACTS_DOCS`` to another ``docs`` folder (e.g. an export of ``main``) to check it.
"""

from __future__ import annotations

import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from perpcalc.venues import FUNDING_VENUES, FundingRules

ROOT = Path(__file__).resolve().parents[2]

import venue_tables  # noqa: E402

DOCS = Path(os.environ.get("FACTS_DOCS", ROOT / "docs"))
PAGES = sorted((DOCS / "terms").glob("*.md")) + [DOCS / "index.md"]

# a venue is named on a page by the first word of its record's name (plus a contract's ticker)
ALIASES = {"bitmex": [r"\bXBTUSD\b"]}
VENUE_NAMES = {
    k: "|".join([rf"\b{re.escape(r.name.split()[0])}\b", *ALIASES.get(k, [])]) for k, r in FUNDING_VENUES.items()
}
NEGATION = re.compile(r"\b(no|not|without|none|instead|unlike|rather than|neither|nor)\b|n't\b", re.I)
PCT = r"[−-]?\d+(?:\.\d+)?\s?%"
NUM_WORDS = {"one": 1, "two": 2, "four": 4, "eight": 8}
D = Decimal


def pct_value(text: str) -> Decimal:
    return D(text.replace("−", "-").replace("%", "").strip())


# ------------------------------------------------------------------ reading pages


def page_text(path: Path) -> str:
    """The page's Markdown with generated tables dropped, inline venue figures rendered,
    math commands that spell N/8 normalised, and source URLs removed."""
    text = path.read_text(encoding="utf-8")
    text = venue_tables.BLOCK.sub("", text)
    text = venue_tables.INLINE.sub(lambda m: venue_tables.FIELDS[m.group(2)](m.group(1), m.group(3)), text)
    text = re.sub(r"^\s*url:.*$", "", text, flags=re.M)
    text = re.sub(r"\\t?frac\{N\}\{8\}|\\tfrac\s*N8", "N/8", text)
    text = re.sub(r"\$\s*([A-Za-z]|N/8|8/N)\s*\$", r"\1", text)  # $N$ → N
    return text


def clauses(text: str) -> list[tuple[str, str]]:
    """(venue context, clause) pairs: a table row's first cell is the context of its other
    cells; prose is split into sentences and then at semicolons and dashes."""
    out: list[tuple[str, str]] = []
    para: list[str] = []

    def flush() -> None:
        joined = " ".join(para)
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*\"(\[])", joined):
            for clause in re.split(r";\s|\s—\s|:\s(?=[A-Z])", sentence):
                if clause.strip():
                    out.append(("", clause))
        para.clear()

    for line in text.splitlines():
        s = line.strip()
        if s.startswith("|"):
            flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if cells and not set(cells[0]) <= set("-: "):
                out += [(cells[0], c) for c in cells[1:]]
        elif not s or s.startswith(("#", "- ", "* ", "1. ", "!!!", "???", "$$")) or re.match(r"\d+\. ", s):
            flush()
            if s and not s.startswith("$$"):
                para.append(s)
        else:
            para.append(s)
    flush()
    return out


def venues_in(context: str, clause: str) -> list[str]:
    where = f"{context} {clause}"
    where = re.sub(r"dYdX\s+v3", "", where)  # the records describe dYdX v4
    return [k for k, pat in VENUE_NAMES.items() if re.search(pat, where)]


# ------------------------------------------------------------------ what the records allow


def allowed_intervals(r: FundingRules) -> set[int]:
    usual = int(r.interval_hours)
    if r.shortening == "none":
        return {usual}
    return {h for h in (8, 4, 2, 1) if r.shortest_interval_hours <= h <= usual}


def allowed_interest(r: FundingRules) -> set[Decimal]:
    i = r.interest_rate
    return {x * 100 for x in (i, i * r.interval_hours / 8, i / 8, i * 3, i * 1095)}


def allowed_caps(r: FundingRules) -> set[Decimal]:
    figures = {abs(pct_value(p)) for p in re.findall(PCT, f"{r.cap_rule} {r.note}")}
    for cap in (r.cap, r.cap_8h):
        if cap is not None:
            figures.add(cap * 100)
    return {f.normalize() for f in figures}


CLAMP_VENUES = {k for k, r in FUNDING_VENUES.items() if r.method == "clamp"}
BAND = {venue_tables.pct(FUNDING_VENUES[k].clamp, signed=True) for k in CLAMP_VENUES}
NEGATIVE_BELOW = {abs(pct_value(venue_tables.funding_field(k, "negative_below"))) for k in CLAMP_VENUES}

INTERVAL = re.compile(
    r"every\s+(\d+|one|two|four|eight)\s+hours?|every\s+(hour)\b|\b(hourly)\s+(?:settlement|interval|funding)"
    r"|settles?\s+(hourly)|pays?\s+(hourly)|(\d+)[- ]hour\s+(?:interval|settlement)s?\b"
    r"|(\d+)\s?h\s+(?:interval|settlement)s?\b",
    re.I,
)
SCALING = re.compile(r"N\s?/\s?8|8\s?/\s?N|one eighth|\b1/8\b", re.I)
UNIVERSAL_SCALING = re.compile(r"N-hour[^.]*\b(scaled|pays?|paid)\b|\b(scaled|paid|pays?)\b[^.]*N-hour", re.I)
SCALING_QUALIFIED = re.compile(r"some venues|venues that|where a venue|if the venue|n_over_8|such as", re.I)
CLAMP_CLAIM = re.compile(r"clamp[- ]style|clamp formula|clamp venues?|" + "|".join(map(re.escape, BAND)), re.I)
DEAD_ZONE_AS_CLAMP = re.compile(
    r"(?:inside|within|leaves|outside|out of)\s+(?:the|a|its)\s+(?:" + "|".join(map(re.escape, BAND)) + r")\s+band",
    re.I,
)
NEGATIVE_THRESHOLD = re.compile(r"negative[^.]*?(?:more than|below|under)\s+(" + PCT + r")\s+below", re.I)
INTEREST = re.compile(
    r"interest(?:\s+(?:term|component|rate))?(?:\s+(?:is|of|at|stays|becomes))?\s+(" + PCT + r")"
    r"|(" + PCT + r")(?:\s+(?:per|a|an)\s+\S+)?\s+interest", re.I)


def problems(context: str, clause: str) -> list[str]:
    """Every statement in one clause that contradicts the funding records."""
    found: list[str] = []
    venues = venues_in(context, clause)
    negated = bool(NEGATION.search(clause))
    for m in INTERVAL.finditer(clause):
        word = next(g for g in m.groups() if g)
        n = 1 if word.lower() in ("hour", "hourly") else NUM_WORDS.get(word.lower(), None) or int(word)
        for k in venues if len(venues) == 1 else []:
            if not negated and n not in allowed_intervals(FUNDING_VENUES[k]):
                found.append(f"{k}: {n}-hour interval, records allow {sorted(allowed_intervals(FUNDING_VENUES[k]))}")
    if SCALING.search(clause):
        for k in venues:
            if FUNDING_VENUES[k].scaling != "n_over_8" and not negated:
                found.append(f"{k}: N/8 scaling, but the record says {FUNDING_VENUES[k].scaling}")
    if UNIVERSAL_SCALING.search(clause) and not venues and not SCALING_QUALIFIED.search(clause):
        found.append("N-hour scaling stated for every venue; records differ (n_over_8 vs per_interval)")
    if CLAMP_CLAIM.search(clause) and not negated:
        for k in venues:
            if k not in CLAMP_VENUES:
                found.append(f"{k}: clamp band claimed, but the record's method is {FUNDING_VENUES[k].method}")
    if DEAD_ZONE_AS_CLAMP.search(clause):
        found.append("the clamp bounds I − P; the premium's dead zone is I − c … I + c, not ±c")
    for m in NEGATIVE_THRESHOLD.finditer(clause):
        if abs(pct_value(m.group(1))) not in NEGATIVE_BELOW:
            found.append(f"negative below {m.group(1)}: the records give {sorted(NEGATIVE_BELOW)} %")
    if not negated:
        for p in (a or b for a, b in INTEREST.findall(clause)):
            for k in venues:
                if abs(pct_value(p)) not in allowed_interest(FUNDING_VENUES[k]):
                    found.append(f"{k}: interest {p}, records give {sorted(allowed_interest(FUNDING_VENUES[k]))}")
    # caps are set per symbol on most venues; only a cap the record says is the same for every
    # asset can be contradicted by a figure in prose
    uniform = [k for k in venues if "same for every" in FUNDING_VENUES[k].cap_rule]
    if re.search(r"\b(cap|capped|caps|floor)\b", clause, re.I) and len(venues) == 1 and uniform:
        k = uniform[0]
        for p in re.findall(PCT, clause):
            if abs(pct_value(p)).normalize() not in allowed_caps(FUNDING_VENUES[k]):
                found.append(f"{k}: cap {p}, records give {sorted(allowed_caps(FUNDING_VENUES[k]))}")
    return found


# ------------------------------------------------------------------ tests


def test_the_checker_catches_each_kind_of_contradiction() -> None:
    """The rules fire on wrong statements and stay quiet on right ones (records-derived)."""
    wrong = [
        ("", "OKX uses the clamp formula with a ±0.05 % band."),
        ("", "Bybit pays N/8 of the 8-hour rate on an N-hour interval."),
        ("", "On an N-hour interval the 8-hour rate is scaled to N/8."),
        ("", "Hyperliquid settles every 8 hours."),
        ("", "BitMEX settles every 2 hours."),
        ("", "Funding goes negative once the perp trades more than 0.04 % below the index."),
        ("", "The rate follows the premium once it leaves the ±0.05 % band."),
        ("", "OKX adds an interest component of 0.01 % per 8 h."),
        ("Hyperliquid", "capped at 2 % per hour"),
    ]
    right = [
        ("", "OKX has no interest term and no ±0.05 % band."),
        ("", "Binance pays N/8 of the 8-hour rate on an N-hour interval."),
        ("", "Hyperliquid settles every hour."),
        ("", "Funding goes negative once the perp trades more than 0.05 % below the index."),
        ("", "Binance's interest component is 0.01 % per 8 h, 0.03 % a day."),
        ("Hyperliquid", "capped at 4 % per hour"),
    ]
    assert all(problems(c, s) for c, s in wrong), [s for c, s in wrong if not problems(c, s)]
    assert not any(problems(c, s) for c, s in right), [(s, problems(c, s)) for c, s in right if problems(c, s)]


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_page_agrees_with_venue_records(path: Path) -> None:
    bad = [f"{clause.strip()[:140]!r}: {p}" for context, clause in clauses(page_text(path))
           for p in problems(context, clause)]
    assert not bad, f"{path.name} contradicts perpcalc.venues:\n" + "\n".join(bad)
