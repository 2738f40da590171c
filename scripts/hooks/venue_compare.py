"""MkDocs hook: the ten-venue comparison tables, generated from the core's venue records.

Marker (on a line of its own in any Markdown page)::

    [[ten-venues funding]]   funding or borrow rule of every venue (pool venues included)
    [[ten-venues margin]]    margin and liquidation rule
    [[ten-venues loss]]      what happens when a liquidation leaves a loss

(``venue_tables.py`` renders ``[[venues funding|margin|loss]]`` for the term pages; its funding
table lists funding records only, so the pool venues' borrow fees appear only here.)

Every row comes from :data:`perpcalc.venues.VENUES` (one dated record per venue, each part
with its own source, date and confidence), so the page cannot drift from the data the
calculators use. A venue without a recorded part shows "not recorded". An unknown table
name fails the build. Numbers become text through :func:`perpcalc.display.format_number`.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))

from perpcalc.display import format_number  # noqa: E402
from perpcalc.venues import OKX_TIER_SCHEDULES, VENUES, FundingRules, Venue  # noqa: E402

MARKER = re.compile(r"^[ \t]*\[\[ten-venues\s+([a-z]+)\s*\]\][ \t]*$", re.M)
NONE = "not recorded"


class VenueComparisonError(PluginError):
    pass


def _pct(rate: Decimal | None) -> str:
    return "—" if rate is None else format_number(rate * 100, 6) + " %"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _link(url: str) -> str:
    host = urlsplit(url).netloc.removeprefix("www.")
    return f"[{host}]({url})"


def _dated(part: Any) -> str:
    return f"{part.as_of or 'undated'}; {part.confidence}"


def _funding_formula(r: FundingRules) -> str:
    if r.method == "clamp":
        body = f"P + clamp(I − P, ±{_pct(r.clamp)}), I = {_pct(r.interest_rate)} per 8 h"
    elif r.method == "dead_band":
        body = f"P − clamp(P, ±{_pct(r.dead_band)}): zero inside the band"
    else:
        body = "the premium P itself, no interest term"
    scale = {
        "n_over_8": "an N-hour settlement pays N/8 of the 8-hour rate",
        "per_interval": "applied per settlement as published",
        "n_over_24": "P is a daily rate: each hourly settlement pays 1/24 of it",
    }.get(r.scaling, r.scaling)
    return f"{body}; {scale}"


def _interval(r: FundingRules) -> str:
    if "continuous" in r.sampling:
        return f"continuous (quoted per {format_number(r.interval_hours, 2)} h)"
    return f"{format_number(r.interval_hours, 2)} h"


def funding_row(v: Venue) -> list[str]:
    if v.funding is not None:
        r = v.funding
        charge = f"funding, longs ↔ shorts (paid on the {r.payment_price} price)"
        if v.borrow is not None:
            charge += f"; plus a borrow fee: {v.borrow.rate_rule}"
        cap = _pct(r.cap) + " per settlement" if r.cap is not None else "none recorded"
        return [v.name, charge, _interval(r), _funding_formula(r), cap, _dated(r),
                _link(r.source)]
    if v.borrow is not None:
        b = v.borrow
        return [v.name, f"borrow fee paid to the {b.paid_to}", "hourly accrual", b.rate_rule, "—", _dated(b),
                _link(b.source)]
    return [v.name, NONE, "—", "—", "—", "—", "—"]


def margin_row(v: Venue) -> list[str]:
    m = v.margin
    if m is None:
        return [v.name, NONE, "—", "—", "—", "—", "—"]
    tiers = "no tiers"
    if m.tier_table:
        tiers = f"tiered (dated table {m.tier_table})"
    elif v.key == "okx":
        tiers = "tiered by contract count (dated schedules: " + ", ".join(OKX_TIER_SCHEDULES) + ")"
    elif m.tiers:
        tiers = "tiered"
    valued = "the mark (moves with price)" if m.valued_at == "mark" else "the entry value (fixed)"
    return [v.name, m.mmr_rule, valued, m.text("linear"), tiers, _dated(m), _link(m.source)]


def loss_row(v: Venue) -> list[str]:
    s = v.loss
    if s is None:
        return [v.name, NONE, "—", "—", "—", "—", "—"]
    return [v.name, s.insurance_fund, s.adl_text, s.socialisation, s.pool or "—", _dated(s), _link(s.source)]


TABLES = {
    "funding": (["Venue", "What positions pay", "Interval", "Rule", "Cap", "As of; confidence", "Source"],
                funding_row),
    "margin": (["Venue", "Maintenance requirement", "Valued at", "Liquidation condition", "Tiers",
                "As of; confidence", "Source"], margin_row),
    "loss": (["Venue", "Insurance fund or backstop", "ADL", "Socialised loss", "Pool", "As of; confidence",
              "Source"], loss_row),
}


def table(kind: str) -> str:
    if kind not in TABLES:
        raise VenueComparisonError(f"no venue comparison table {kind!r}; have {', '.join(TABLES)}")
    header, row = TABLES[kind]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for venue in VENUES.values():
        lines.append("| " + " | ".join(_cell(c) for c in row(venue)) + " |")
    return "\n".join(lines)


def render(markdown: str) -> str:
    return MARKER.sub(lambda m: "\n" + table(m.group(1)) + "\n", markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return render(markdown)
