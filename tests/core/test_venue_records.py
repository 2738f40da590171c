"""Venue rules are data: every per-venue choice in the calculators comes from a record.

Sources of the records are in perpcalc/venues.py; these tests check that the records are
complete and that the calculators derive from them (choices, presets, formula dispatch,
formula text, ignored inputs), and that a preset never beats a field the reader set.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

import perpcalc
import pytest
from perpcalc import margin, venues
from perpcalc.insolvency import ADL_METHODS
from perpcalc.venues import (
    LOSS_VENUES,
    MARGIN_VENUES,
    VENUES,
    BorrowRule,
    LossRule,
    Venue,
    margin_preset,
)

D = Decimal
LIQ = perpcalc.get("liquidation_price")


def test_every_record_part_is_dated_and_sourced() -> None:
    for key, venue in VENUES.items():
        assert venue.key == key and venue.name
        parts = [p for p in (venue.funding, venue.margin, venue.loss, venue.borrow) if p is not None]
        assert parts, key
        for part in parts:
            assert part.source.startswith("https://"), (key, type(part).__name__)
            assert part.as_of and part.confidence, (key, type(part).__name__)


def test_margin_records_name_a_formula_the_math_has() -> None:
    for key, rule in MARGIN_VENUES.items():
        assert rule.formula in margin.FORMULAS, key
        assert rule.valued_at in ("mark", "entry"), key
        assert "linear" in rule.formula_text, key
        assert rule.tier_table is None or rule.tier_table in venues.TIER_TABLES, key
    assert margin.LIQUIDATION_FORMULAS.keys() == MARGIN_VENUES.keys()


def test_loss_records_name_a_ranking_the_math_has() -> None:
    for key, rule in LOSS_VENUES.items():
        assert rule.adl is None or rule.adl in ADL_METHODS, key
    assert {r.adl for r in LOSS_VENUES.values() if r.adl} == set(ADL_METHODS)


def test_liquidation_choices_and_presets_come_from_the_records() -> None:
    spec = LIQ.spec()
    venue = next(f for f in spec["inputs"] if f["name"] == "venue")
    assert venue["choices"] == list(MARGIN_VENUES)
    presets = spec["presets"]["venue"]
    for key in MARGIN_VENUES:
        expected = {k: float(v) if isinstance(v, Decimal) else v for k, v in margin_preset(key).items()}
        assert presets.get(key, {}) == expected, key
    assert spec["preset_rule"] == "fill_unset"


@pytest.mark.parametrize("key", [k for k in MARGIN_VENUES if MARGIN_VENUES[k].default_mmr is not None])
def test_a_field_the_reader_set_beats_the_preset(key: str) -> None:
    """Same rule as the browser's: the reader's MMR wins; an unset MMR takes the record's."""
    base = {"venue": key, "side": "long", "entry_price": "50000", "size": "1", "leverage": "10"}
    if MARGIN_VENUES[key].default_contract == "inverse":
        base["size"] = "50000"
    preset = perpcalc.run("liquidation_price", base)["formula"]
    mmr = MARGIN_VENUES[key].default_mmr
    assert f"MMR used: {mmr * 100:f}".rstrip("0").rstrip(".") in preset
    mine = perpcalc.run("liquidation_price", {**base, "mmr": "0.02"})["formula"]
    assert "MMR used: 2 %" in mine


def test_formula_text_is_the_records() -> None:
    base = {"side": "long", "entry_price": "50000", "size": "1", "leverage": "10"}
    for key, rule in MARGIN_VENUES.items():
        text = perpcalc.run("liquidation_price", {**base, "venue": key, "contract": "linear"})["formula"]
        assert text.startswith(rule.text("linear")), key


def test_inputs_a_venue_does_not_use_are_named() -> None:
    base = {"side": "long", "entry_price": "50000", "size": "1", "leverage": "10", "maintenance_amount": "5",
            "taker_fee": "0.0005", "contract": "linear"}
    for key, rule in MARGIN_VENUES.items():
        text = perpcalc.run("liquidation_price", {**base, "venue": key})["formula"]
        assert ("maintenance amount" in text.split("Not used")[-1]) == (not rule.maintenance_amount), key
        assert ("taker fee" in text.split("Not used")[-1]) == (not rule.fee_to_close), key


def test_linear_only_venues_refuse_inverse() -> None:
    for key, rule in MARGIN_VENUES.items():
        inputs = {"venue": key, "contract": "inverse", "side": "long", "entry_price": "50000", "size": "50000"}
        if rule.inverse:
            assert perpcalc.run("liquidation_price", inputs)["liquidation_price"] > 0
        else:
            with pytest.raises(perpcalc.InputError) as err:
                perpcalc.run("liquidation_price", inputs)
            assert err.value.field == "contract"
            # a venue that lists inverse contracts is not said to list linear ones only
            said = str(err.value)
            assert ("lists only linear" in said) == (not rule.inverse_gap), said


def test_deribit_inverse_perpetuals_are_listed_but_not_modelled() -> None:
    """Deribit's BTC-PERPETUAL is coin-margined: the record must not claim linear-only."""
    rule = MARGIN_VENUES["deribit"]
    assert not rule.inverse and "inverse" in rule.inverse_gap
    with pytest.raises(perpcalc.InputError, match="BTC-PERPETUAL") as err:
        margin.liquidation_price("deribit", margin.Position("long", Decimal(1), Decimal(50000), "inverse"),
                                 Decimal("0.01"), leverage=Decimal(10))
    assert err.value.field == "position"


def test_dispatch_reproduces_the_published_example_by_venue() -> None:
    """Bybit "Liquidation Price (USDT Contract)": long 1 BTC at 20,000, 50x, MMR 0.5 % → 19,700;
    Hyperliquid docs: long 1 at 50,000, margin 5,000, l = 1 % → 45,454.55 (both via the table)."""
    long = margin.Position("long", D(1), D(20000))
    assert margin.liquidation_price("bybit", long, D("0.005"), leverage=D(50)).liquidation_price == D(19700)
    hl = margin.liquidation_price("hyperliquid", margin.Position("long", D(1), D(50000)), D("0.01"), margin=D(5000))
    assert round(hl.liquidation_price, 2) == D("45454.55")
    with pytest.raises(perpcalc.InputError) as err:
        margin.liquidation_price("nowhere", long, D("0.005"), leverage=D(5))
    assert err.value.field == "venue"


def test_a_pool_venue_fits_the_schema() -> None:
    """Pool venues (a borrow fee instead of or besides funding; a pool absorbs losses) need
    no funding or margin part."""
    pool = Venue(
        key="pool",
        name="A pool venue",
        borrow=BorrowRule(model="utilisation", rate_rule="hourly rate × utilisation", paid_to="pool",
                          source="https://example.org", as_of="2026", confidence="L"),
        loss=LossRule(insurance_fund="none", adl=None, adl_text="none", socialisation="none",
                      pool="liquidity providers take the other side of every trade",
                      source="https://example.org", as_of="2026", confidence="L"),
    )
    assert pool.funding is None and pool.margin is None
    assert {f.name for f in fields(Venue)} == {"key", "name", "funding", "margin", "loss", "borrow"}
