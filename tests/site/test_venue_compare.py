"""The ten-venue comparison tables come from the venue records (no build needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "hooks"))

import venue_compare  # noqa: E402
from perpcalc.venues import VENUES  # noqa: E402


@pytest.mark.parametrize("kind", ["funding", "margin", "loss"])
def test_every_venue_has_a_row(kind: str) -> None:
    rows = venue_compare.table(kind).splitlines()[2:]
    assert len(rows) == len(VENUES) == 10
    for venue, row in zip(VENUES.values(), rows, strict=True):
        assert row.startswith(f"| {venue.name} |")


def test_rows_carry_the_records_facts() -> None:
    funding = venue_compare.table("funding")
    assert "P is a daily rate" in funding  # Drift's 1/24
    assert "tokens borrowed / tokens in the custody" in funding  # Jupiter's borrow fee
    margin = venue_compare.table("margin")
    assert "size / 500" in margin and "okx_ethusdt_2021" in margin
    loss = venue_compare.table("loss")
    assert "JLP" in loss and "pro rata by base amount" in loss
    assert "not recorded" not in loss


def test_marker_renders_and_unknown_table_fails() -> None:
    out = venue_compare.render("x\n[[ten-venues loss]]\ny")
    assert "| Venue | Insurance fund" in out
    with pytest.raises(venue_compare.VenueComparisonError):
        venue_compare.render("[[ten-venues nope]]")
