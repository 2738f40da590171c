"""The venue comparison tables come from the venue records (no build needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

import venue_tables  # noqa: E402
from perpcalc.venues import FUNDING_VENUES, LOSS_VENUES, MARGIN_VENUES, VENUES  # noqa: E402


def rows(markdown: str) -> list[str]:
    """The table's body rows (the lines after the header and its rule)."""
    lines = markdown.splitlines()
    return [line for line in lines[2:] if line.startswith("| ")]


@pytest.mark.parametrize(("kind", "records"), [
    ("funding", FUNDING_VENUES), ("margin", MARGIN_VENUES), ("loss", LOSS_VENUES),
    ("borrow", {k: v.borrow for k, v in VENUES.items() if v.borrow is not None}),
])
def test_every_record_has_a_row(kind: str, records: dict) -> None:
    # a funding record names its contract (e.g. "Binance USDⓈ-M"); the other parts show the venue's name
    names = [getattr(part, "name", None) or VENUES[k].name for k, part in records.items() if k in VENUES]
    body = rows(venue_tables.TABLES[kind](None))
    assert names and [row.split(" | ")[0].removeprefix("| ") for row in body] == names


def test_every_venue_is_on_the_venues_page() -> None:
    """The comparison page covers every venue's charges: funding records plus the pool venues' borrow fees."""
    page = venue_tables.render((ROOT / "docs" / "venues.md").read_text(encoding="utf-8"))
    charged = set(FUNDING_VENUES) | {k for k, v in VENUES.items() if v.borrow is not None}
    assert charged == set(VENUES)
    for key in ("gmx_v2", "jupiter"):
        assert f"| {VENUES[key].name} | {VENUES[key].borrow.model} |" in page
    assert "[[" not in page


def test_rows_carry_the_records_facts() -> None:
    funding = venue_tables.funding_table()
    assert "P is a daily rate" in funding  # Drift's 1/24
    borrow = venue_tables.borrow_table()
    assert "tokens borrowed / tokens in the custody" in borrow  # Jupiter's borrow fee
    assert "\\|L − S\\|" in borrow  # GMX v2's funding on top, its pipes escaped inside the table
    margin = venue_tables.margin_table(["mmr", "uses", "formula"])
    assert "size / 500" in margin
    loss = venue_tables.loss_table(["fund", "pool"])
    assert "JLP" in loss
    inline = venue_tables.render("[[venue jupiter.borrow.paid_to]]")
    assert f">{VENUES['jupiter'].borrow.paid_to} <small" in inline
    assert 'data-source="venue:jupiter.borrow"' in inline and "(undated record)" in inline


def test_inline_figure_carries_its_record_and_date() -> None:
    """A figure from a record names the record (data-source) and shows the record's date, flagged once
    it is more than 12 months old."""
    from datetime import date
    out = venue_tables.render("[[venue binance.funding.interest_rate]]")
    assert 'data-source="venue:binance.funding"' in out
    assert f"as of {FUNDING_VENUES['binance'].as_of}" in out
    assert venue_tables.age_note("2025-01-14", date(2026, 12, 6)).endswith("over 12 months old")
    assert not venue_tables.age_note("2026-06-01", date(2026, 12, 6)).endswith("old")


def test_a_records_date_is_shown_once_per_paragraph() -> None:
    """Three figures of one record in a sentence read "A, B and C (as of D)", not a date after each;
    every figure keeps the date in its title, and another paragraph or record shows its own."""
    binance = f"as of {FUNDING_VENUES['binance'].as_of}"
    para = ("Binance: [[venue binance.funding.interest_rate]], [[venue binance.funding.interval_hours]] and "
            "[[venue binance.funding.cap]]; Bybit: [[venue bybit.funding.interval_hours]].")
    out = venue_tables.render(f"{para}\n\n[[venue binance.funding.interval_hours]]")
    first, second = out.split("\n\n")
    assert first.count('data-source="venue:binance.funding"') == 3
    assert first.count(f'venue-asof">({binance}') == 1 and first.count(f'record ({binance}') == 3
    assert first.rindex(f'venue-asof">({binance}') > first.rindex('data-source="venue:binance.funding"')
    assert first.count('class="venue-asof"') == 2  # Binance's once, Bybit's once
    assert second.count('class="venue-asof"') == 1


def test_marker_renders_and_unknown_table_fails() -> None:
    out = venue_tables.render("x\n[[venues borrow]]\ny")
    assert "| Venue | Fee set by" in out
    with pytest.raises(venue_tables.VenueMarkupError):
        venue_tables.render("[[venues nope]]")
    with pytest.raises(venue_tables.VenueMarkupError):
        venue_tables.render("[[venue binance.borrow.model]]")
