"""The liquidation calculator's venue comparison (``by_venue``): each row is the single-venue
run of the same position, with the venue swapped and the MMR and maintenance amount the
reader's run applied, so a reader no longer switches venues and remembers the numbers."""

from __future__ import annotations

from decimal import Decimal as D

import perpcalc
import pytest
from perpcalc import InputError
from perpcalc.venues import MARGIN_VENUES, VENUES

SPEC = next(c for c in perpcalc.catalog() if c["name"] == "liquidation_price")
# examples whose MMR and maintenance amount are typed (no tier table picks them)
TYPED = [k for k, ex in SPEC["examples"].items() if "mmr" in ex and "tiers" not in ex]


def _key(name: str) -> str:
    return next((k for k in MARGIN_VENUES if k in VENUES and VENUES[k].name == name), "generic")


@pytest.mark.parametrize("example", TYPED)
def test_each_row_equals_the_single_venue_run(example: str) -> None:
    inputs = SPEC["examples"][example]
    out = perpcalc.run("liquidation_price", inputs)
    rows = out["by_venue"]
    assert [_key(r["venue"]) for r in rows] == list(MARGIN_VENUES)
    priced = 0
    for row in rows:
        key = _key(row["venue"])
        # the same position: its contract too (BitMEX's preset would otherwise make it inverse)
        single = {**inputs, "venue": key, "contract": inputs.get("contract", "linear"),
                  "maintenance_amount": inputs.get("maintenance_amount", "0")}
        assert row["as_of"] == (MARGIN_VENUES[key].as_of or None)
        if row["liquidation_price"] is None and row["note"]:
            with pytest.raises(InputError) as err:
                perpcalc.run("liquidation_price", single)
            assert err.value.message == row["note"]
            continue
        got = perpcalc.run("liquidation_price", single)
        prices = ("liquidation_price", "bankruptcy_price")
        assert [row[p] for p in prices] == [got[p] for p in prices]
        priced += 1
    assert priced >= 2


def test_reader_venue_row_matches_the_main_outputs() -> None:
    """The reader's own venue's row is the headline result (default example: Bybit)."""
    inputs = SPEC["examples"]["default"]
    out = perpcalc.run("liquidation_price", inputs)
    own = next(r for r in out["by_venue"] if _key(r["venue"]) == inputs["venue"])
    assert (own["liquidation_price"], own["bankruptcy_price"]) == (out["liquidation_price"], out["bankruptcy_price"])


def test_formulas_differ_for_the_default_position() -> None:
    """The comparison is worth showing: the default position's venues do not all agree."""
    out = perpcalc.run("liquidation_price", SPEC["examples"]["default"])
    assert len({r["liquidation_price"] for r in out["by_venue"]}) > 1


def test_tier_table_run_compares_at_the_tier_applied() -> None:
    """Binance with its dated tier table: the rows use the tier's MMR, shown in the row."""
    inputs = {"venue": "binance", "side": "long", "entry_price": "60000", "size": "1", "leverage": "20"}
    out = perpcalc.run("liquidation_price", inputs)
    own = next(r for r in out["by_venue"] if _key(r["venue"]) == "binance")
    assert own["liquidation_price"] == out["liquidation_price"]
    assert all(r["mmr"] == own["mmr"] for r in out["by_venue"] if r["mmr"] is not None)
    assert D(str(own["mmr"])) > 0
