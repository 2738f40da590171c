"""MkDocs hook: venue facts on pages come from the core's dated venue records.

Markers (in any Markdown page):

* ``[[venues funding]]`` on a line of its own: a comparison table of every venue's funding
  rule (interval, formula, interest, band, cap, N-hour scaling, what a capped settlement
  does), each row with the record's date, confidence and source, followed by the records'
  caveats. ``[[venues funding columns=interval,cap]]`` keeps only the named columns (the
  venue and record columns always stay).
* ``[[venues margin]]``, ``[[venues loss]]`` and ``[[venues borrow]]``: the same from the
  margin/liquidation records (maintenance rate, how it is valued, what the formula counts,
  the formula), the loss records (insurance fund, ADL queue and close price, socialisation,
  pool) and the pool venues' borrow-fee records (fee model, rule, who is paid), which the
  funding table lacks; ``columns=`` works the same way.
* ``[[venue KEY.funding.FIELD]]`` (or ``.margin.`` / ``.loss.`` / ``.borrow.``) inline: one figure of one record, e.g.
  ``[[venue binance.funding.interest_rate]]`` → ``0.01 %``. Rates render as percents,
  hours as plain numbers (write ``[[venue okx.funding.interval_hours]]-hour``), and a few
  derived figures exist (see :data:`DERIVED`).

Unknown tables, venues or fields fail the build, so prose cannot cite a figure the records
do not hold. Numbers become text through :func:`perpcalc.display.format_number`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "calculators"))

import markers  # noqa: E402
import templates  # noqa: E402
from perpcalc.display import format_number  # noqa: E402
from perpcalc.venues import (  # noqa: E402
    FUNDING_VENUES,
    LOSS_VENUES,
    MARGIN_VENUES,
    VENUES,
    BorrowRule,
    FundingRules,
    LossRule,
    MarginRule,
)

BLOCK = markers.VENUES
INLINE = markers.VENUE


class VenueMarkupError(PluginError):
    pass


# ------------------------------------------------------------------ text for one figure


def pct(rate: Decimal | None, signed: bool = False) -> str:
    """``Decimal("0.0005")`` → ``"0.05 %"`` (``"±0.05 %"`` when ``signed``); ``None`` → ``"—"``."""
    if rate is None:
        return "—"
    text = format_number(rate * 100, 6) + " %"
    return ("±" + text) if signed else text


def hours(h: Decimal | int) -> str:
    return format_number(Decimal(h), 2)


def _continuous(r: FundingRules) -> bool:
    return "continuous" in r.sampling


DERIVED: dict[str, Callable[[FundingRules], str]] = {
    # the interest component per settlement of the record's usual interval, and per day
    "interest_per_interval": lambda r: pct(r.interest_rate * r.interval_hours / 8),
    "interest_per_day": lambda r: pct(r.interest_rate * 3),
    # the premium range in which the clamp formula returns exactly I (the dead zone)
    "flat_from": lambda r: pct(r.interest_rate - r.clamp) if r.method == "clamp" else "—",
    "flat_to": lambda r: pct(r.interest_rate + r.clamp) if r.method == "clamp" else "—",
    # with 0 ≤ I ≤ c the clamp formula is negative only below P = −c
    "negative_below": lambda r: pct(-r.clamp) if r.method == "clamp" and 0 <= r.interest_rate <= r.clamp
    else pct(-r.dead_band) if r.method == "dead_band" else pct(Decimal(0)),
    "cap_8h": lambda r: pct(r.cap_8h),
    "scaling_text": lambda r: _scaling(r),
    "shortening_text": lambda r: _shortening(r),
}

RATE_FIELDS = ("interest_rate", "clamp", "dead_band", "cap", "return_within")
HOUR_FIELDS = ("interval_hours", "shortest_interval_hours", "return_to_hours")
COUNT_FIELDS = ("return_after",)
TEXT_FIELDS = ("name", "method", "scaling", "averaging", "sampling", "payment_price", "shortening",
               "as_of", "confidence", "cap_rule", "source")


def funding_field(key: str, name: str) -> str:
    """Text of one field (or derived figure) of one venue's funding record."""
    if key not in FUNDING_VENUES:
        raise VenueMarkupError(f"no funding record for venue {key!r}; have {sorted(FUNDING_VENUES)}")
    r = FUNDING_VENUES[key]
    if name in RATE_FIELDS:
        return pct(getattr(r, name))
    if name in HOUR_FIELDS + COUNT_FIELDS:
        value = getattr(r, name)
        if value is None:
            raise VenueMarkupError(f"the {key} funding record has no {name}")
        return hours(value) if name in HOUR_FIELDS else str(value)
    if name in TEXT_FIELDS:
        return str(getattr(r, name))
    if name in DERIVED:
        return DERIVED[name](r)
    known = RATE_FIELDS + HOUR_FIELDS + COUNT_FIELDS + TEXT_FIELDS + tuple(DERIVED)
    raise VenueMarkupError(f"funding record has no field {name!r}; have {', '.join(known)}")


# ------------------------------------------------------------------ the funding table


def _formula(r: FundingRules) -> str:
    if r.method == "clamp":
        return f"clamp: P + clamp(I − P, ±c), I = {pct(r.interest_rate)} per 8 h, c = {pct(r.clamp)}"
    if r.method == "dead_band":
        return f"dead band: P − clamp(P, ±d), d = {pct(r.dead_band)}; no interest term"
    return "premium: F = P, no interest term, no band"


def _interval(r: FundingRules) -> str:
    if _continuous(r):
        return f"accrues continuously; rate quoted per {hours(r.interval_hours)} h"
    return f"{hours(r.interval_hours)} h"


def _scaling(r: FundingRules) -> str:
    if not r.scaling_documented:
        return f"not documented (settles every {hours(r.interval_hours)} h)"
    if _continuous(r):
        return "pro rata for the time held: F × Δt / 8 h"
    if r.scaling == "n_over_8":
        return "N/8 of the 8-hour rate"
    if r.scaling == "n_over_24":
        return "P is a daily rate: each hourly settlement pays 1/24 of it"
    if r.method == "clamp" and r.interest_rate:
        return "formula per settlement, interest split across the day; no N/8"
    return "formula per settlement; no N/8"


def _shortening(r: FundingRules) -> str:
    if r.shortening == "jump":
        return f"straight to {hours(r.shortest_interval_hours)} h"
    if r.shortening == "step":
        return f"one step shorter each time, down to {hours(r.shortest_interval_hours)} h"
    return "no automatic change"


def _cap(r: FundingRules) -> str:
    if r.cap is None:
        return "no current figure"
    return f"{pct(r.cap, signed=True)} per settlement"


def _host(url: str) -> str:
    host = urlsplit(url).netloc
    return host.removeprefix("www.")


def _record(r: FundingRules) -> str:
    return _part_record(r)


def _neutral(r: FundingRules) -> str:
    base = r.interest_rate if r.method == "clamp" and abs(r.interest_rate) <= r.clamp else Decimal(0)
    text = f"{pct(base)} per 8 h"
    if base and r.interval_hours != 8 and not _continuous(r) and r.scaling == "n_over_8":
        text += f" ({pct(base * r.interval_hours / 8)} per {hours(r.interval_hours)} h settlement)"
    return text


def _flat(r: FundingRules) -> str:
    if r.method == "clamp":
        return f"{pct(r.interest_rate - r.clamp)} to {pct(r.interest_rate + r.clamp)} (rate = I)"
    if r.method == "dead_band":
        return f"{pct(-r.dead_band)} to {pct(r.dead_band)} (rate = 0)"
    return "none: the rate follows the premium"


def _negative(r: FundingRules) -> str:
    if r.method == "clamp":
        return f"below {pct(-r.clamp)}" if 0 <= r.interest_rate <= r.clamp else "see the formula"
    if r.method == "dead_band":
        return f"below {pct(-r.dead_band)}"
    return "below 0"


def _worst_day(r: FundingRules) -> str:
    if r.cap is None:
        return "no cap figure"
    h = r.shortest_interval_hours if r.shortening != "none" else r.interval_hours
    return f"{pct(r.cap * 24 / Decimal(h))} ({pct(r.cap)} every {hours(h)} h)"


FUNDING_COLUMNS: dict[str, tuple[str, Callable[[FundingRules], str]]] = {
    "neutral": ("Rate at a zero premium", _neutral),
    "flat": ("Average premium that gives exactly the baseline", _flat),
    "negative": ("Rate is negative when the average premium is", _negative),
    "worst_day": ("Most a day at the cap (cap × settlements a day at the shortest interval)", _worst_day),
    "interval": ("Usual interval", _interval),
    "schedule": ("Usual interval; after a settlement at the cap",
                 lambda r: _interval(r) + ("" if r.shortening == "none" else f"; then {_shortening(r)}")),
    "formula": ("Rate F from the average premium P", _formula),
    "sampling": ("Premium samples", lambda r: r.sampling),
    "cap": ("Cap", _cap),
    "scaling": ("N-hour settlements pay", _scaling),
    "shortening": ("After a settlement at the cap", _shortening),
    "price": ("Position valued at", lambda r: f"{r.payment_price} price"),
}


DEFAULT_FUNDING_COLUMNS = ("schedule", "formula", "cap", "scaling", "price")


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def funding_table(columns: list[str] | None = None) -> str:
    """Markdown: one row per funding record, then the records' caveats."""
    names = columns or list(DEFAULT_FUNDING_COLUMNS)
    unknown = [c for c in names if c not in FUNDING_COLUMNS]
    if unknown:
        raise VenueMarkupError(f"unknown funding column(s) {unknown}; have {list(FUNDING_COLUMNS)}")
    head = ["Venue"] + [FUNDING_COLUMNS[c][0] for c in names] + ["Record"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in FUNDING_VENUES.values():
        cells = [r.name] + [FUNDING_COLUMNS[c][1](r) for c in names] + [_record(r)]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    notes = "\n".join(
        f"    - **{r.name}**: cap rule: {_cell(r.cap_rule)}." + (f" {_cell(r.note)}" if r.note else "")
        for r in FUNDING_VENUES.values()
    )
    return (
        "\n".join(lines) + "\n\n"
        '??? note "How each cap is set, and the records\' caveats"\n\n' + notes + "\n\n"
        "Generated from the dated funding records of `perpcalc.venues`: caps and intervals change by "
        "announcement, so read live values from the venue before relying on one.\n"
    )




# ------------------------------------------------------------------ margin and loss tables


def _part_record(part: Any) -> str:
    """A table row's record cell: its date (flagged once it is over 12 months old), confidence, source."""
    when = age_note(part.as_of, build_date()) if part.as_of[:1].isdigit() else part.as_of
    return f"{when}; confidence {part.confidence}; [{_host(part.source)}]({part.source})"


def _uses(m: MarginRule) -> str:
    parts = [name for flag, name in ((m.tiers, "tiered rates"), (m.maintenance_amount, "a maintenance amount"),
                                     (m.fee_to_close, "a fee to close")) if flag]
    text = ", ".join(parts) if parts else "one flat rate, no amount or fee"
    if m.inverse:
        return text + "; inverse contracts too"
    return text + ("; linear contracts here (inverse ones listed, rule not recorded)" if m.inverse_gap
                   else "; linear contracts only")


MARGIN_COLUMNS: dict[str, tuple[str, Callable[[MarginRule], str]]] = {
    "mmr": ("Maintenance rate", lambda m: (f"{pct(m.default_mmr)} for a major contract; " if m.default_mmr
                                           is not None else "") + m.mmr_rule),
    "valued": ("Maintenance valued at", lambda m: "the mark, so at the liquidation price itself"
               if m.valued_at == "mark" else "the position's entry value"),
    "uses": ("Formula counts", _uses),
    "formula": ("Liquidation price (linear contract)", lambda m: m.text("linear")),
}
LOSS_COLUMNS: dict[str, tuple[str, Callable[[LossRule], str]]] = {
    "fund": ("Insurance fund", lambda x: x.insurance_fund),
    "adl": ("ADL: queue and close price", lambda x: x.adl_text),
    "socialisation": ("Losses shared among winners", lambda x: x.socialisation),
    "pool": ("Pool whose depositors absorb losses", lambda x: x.pool or "—"),
}


def _records_table(records: dict[str, Any], columns: dict[str, tuple[str, Callable[[Any], str]]],
                   chosen: list[str] | None, defaults: tuple[str, ...], what: str) -> str:
    names = chosen or list(defaults)
    unknown = [c for c in names if c not in columns]
    if unknown:
        raise VenueMarkupError(f"unknown {what} column(s) {unknown}; have {list(columns)}")
    head = ["Venue"] + [columns[c][0] for c in names] + ["Record"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, part in records.items():
        if key not in VENUES:
            continue  # e.g. the textbook "generic" margin rule, not a venue
        cells = [VENUES[key].name] + [columns[c][1](part) for c in names] + [_part_record(part)]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    missing = [VENUES[k].name for k in VENUES if k not in records]
    notes = "\n".join(
        f"    - **{VENUES[k].name}**: {_cell(p.note)}" for k, p in records.items() if p.note and k in VENUES
    )
    out = "\n".join(lines) + "\n\n"
    if missing:
        out += f"No {what} record for {', '.join(missing)}.\n\n"
    if notes:
        out += f'??? note "Caveats in the {what} records"\n\n{notes}\n\n'
    return out + (f"Generated from the dated {what} records of `perpcalc.venues`; read live parameters "
                  "from the venue before relying on one.\n")


def margin_table(columns: list[str] | None = None) -> str:
    """Markdown: one row per margin record (maintenance rate, valuation, formula), then caveats."""
    return _records_table(MARGIN_VENUES, MARGIN_COLUMNS, columns, ("mmr", "valued", "uses"), "margin")


def loss_table(columns: list[str] | None = None) -> str:
    """Markdown: one row per loss record (fund, ADL, socialisation, pool), then caveats."""
    return _records_table(LOSS_VENUES, LOSS_COLUMNS, columns, ("fund", "adl", "socialisation"), "loss")


BORROW_VENUES: dict[str, BorrowRule] = {k: v.borrow for k, v in VENUES.items() if v.borrow is not None}
BORROW_COLUMNS: dict[str, tuple[str, Callable[[BorrowRule], str]]] = {
    "model": ("Fee set by", lambda b: b.model),
    "rule": ("Borrow fee (and any funding on top)", lambda b: b.rate_rule),
    "paid_to": ("Paid to", lambda b: f"the {b.paid_to}"),
}


def borrow_table(columns: list[str] | None = None) -> str:
    """Markdown: one row per pool venue's borrow-fee record, then caveats."""
    return _records_table(BORROW_VENUES, BORROW_COLUMNS, columns, ("model", "rule", "paid_to"), "borrow")


def _part_field(records: dict[str, Any], what: str) -> Callable[[str, str], str]:
    def field(key: str, name: str) -> str:
        if key not in records:
            raise VenueMarkupError(f"no {what} record for venue {key!r}; have {sorted(records)}")
        part = records[key]
        if not hasattr(part, name) or name.startswith("_"):
            raise VenueMarkupError(f"{what} record has no field {name!r}")
        value = getattr(part, name)
        if isinstance(value, Decimal):
            return pct(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "—" if value is None else str(value)
    return field


TABLES: dict[str, Callable[[list[str] | None], str]] = {
    "funding": funding_table,
    "margin": margin_table,
    "loss": loss_table,
    "borrow": borrow_table,
}
FIELDS: dict[str, Callable[[str, str], str]] = {
    "funding": funding_field,
    "margin": _part_field(MARGIN_VENUES, "margin"),
    "loss": _part_field(LOSS_VENUES, "loss"),
    "borrow": _part_field(BORROW_VENUES, "borrow"),
}


# ------------------------------------------------------------------ a figure on the page, dated

#: A record older than this says so where its figure is used.
STALE_DAYS = 365


def build_date() -> date:
    """The day a record's age is counted to: ``SOURCE_DATE_EPOCH`` when set (reproducible builds),
    else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else datetime.now(UTC)
    return when.date()


def record_of(key: str, kind: str) -> Any:
    """The dated record a ``[[venue KEY.KIND.FIELD]]`` figure comes from."""
    records = {"funding": FUNDING_VENUES, "margin": MARGIN_VENUES, "loss": LOSS_VENUES, "borrow": BORROW_VENUES}
    return records[kind][key]


def age_note(as_of: str, today: date) -> str:
    """``"as of 2025-09-18"``, with ``", over 12 months old"`` once the date is a year behind ``today``
    (a month counts from its first day, a year from its last, so a coarse date is never called old too
    soon); an undated record says what it is.

    >>> age_note("2025-09-18", date(2026, 1, 1))
    'as of 2025-09-18'
    >>> age_note("2025-01-14", date(2026, 12, 6))
    'as of 2025-01-14, over 12 months old'
    >>> age_note("2023-08-23 (docs page update)", date(2026, 12, 6))
    'as of 2023-08-23 (docs page update), over 12 months old'
    >>> age_note("2025", date(2026, 12, 6))
    'as of 2025'
    >>> age_note("undated docs", date(2026, 12, 6))
    'record: undated docs'
    """
    m = re.match(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?\b", as_of)
    if not m:
        return f"record: {as_of}"
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    start = date(year, int(month) if month else 12, int(day) if day else (1 if month else 31))
    old = (today - start).days > STALE_DAYS
    return f"as of {as_of}" + (", over 12 months old" if old else "")


def dated(key: str, kind: str, text: str, show_date: bool = True) -> str:
    """One venue figure as HTML: the value, the record it comes from (``data-source``) and its date
    (in its tooltip always; after the value unless ``show_date`` is false, see :func:`render`)."""
    record = record_of(key, kind)
    note = age_note(record.as_of, build_date())
    shown = "undated record" if note.startswith("record:") else note  # the record's own words are in the tooltip
    name = VENUES[key].name if key in VENUES else key
    title = f"From the {name} {kind} record ({note}; confidence {record.confidence})"
    return templates.render("venue-value.html", key=key, kind=kind, title=title, text=text,
                            asof=shown if show_date else "")


# ------------------------------------------------------------------ hook


def render(markdown: str) -> str:
    """Replace every venue marker in a page's Markdown."""

    def block(m: re.Match[str]) -> str:
        kind, cols = m.group(1), m.group(2)
        if kind not in TABLES:
            raise VenueMarkupError(f"no venue table {kind!r}; have {list(TABLES)}")
        return "\n" + TABLES[kind](cols.split(",") if cols else None) + "\n"

    def inline(m: re.Match[str], show_date: bool) -> str:
        key, kind, name = m.groups()
        if kind not in FIELDS:
            raise VenueMarkupError(f"no venue records {kind!r}; have {list(FIELDS)}")
        return dated(key, kind, FIELDS[kind](key, name), show_date)

    def paragraph(text: str) -> str:
        # several figures from one record in a paragraph: its date once, after the last of them
        found = list(INLINE.finditer(text))
        last = {m.groups()[:2]: m.start() for m in found}
        return INLINE.sub(lambda m: inline(m, last[m.groups()[:2]] == m.start()), text)

    out = "".join(paragraph(part) for part in re.split(r"(\n[ \t]*\n)", BLOCK.sub(block, markdown)))
    if "[[venue" in out:
        raise VenueMarkupError("malformed venue marker")
    return out


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    try:
        return render(markdown)
    except VenueMarkupError as exc:
        raise VenueMarkupError(f"{page.file.src_path}: {exc}") from None
