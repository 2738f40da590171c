"""Tier-aware venue presets on ``liquidation_price`` (issue 11, item 8).

With ``venue = binance`` and no MMR typed, the calculator picks the tier of the dated
BTCUSDT table from the position's notional, re-checks it at the liquidation price (as
``perpcalc.margin.liquidation_with_tiers`` does), and names the tier in the ``tier`` output.
"""

from __future__ import annotations

from decimal import Decimal as D

import perpcalc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc.margin import Position, liquidation_price, liquidation_with_tiers, maintenance_amounts
from perpcalc.venues import MARGIN_VENUES, SETTLEMENT_ASSETS, TIER_TABLES, margin_preset

TABLE = [(D(f), D(m)) for f, m in TIER_TABLES["binance_btcusdt_2021"].tiers]
CUMS = maintenance_amounts(TABLE)


def liq(**inputs: object) -> dict:
    return perpcalc.run("liquidation_price", inputs)


def binance_isolated_lp(side: str, size: D, entry: D, leverage: D, mmr: D, cum: D) -> D:
    """Binance's one-way isolated formula, written out here independently of the core:
    LP = (WB + cum − s·Q·EP) / (Q·MMR − s·Q), WB = Q·EP / leverage."""
    s = 1 if side == "long" else -1
    wb = size * entry / leverage
    return (wb + cum - s * size * entry) / (size * mmr - s * size)


def test_issue_11_tier_2_figure_binance_btcusdt() -> None:
    """Issue 11: Binance BTCUSDT, long 1 BTC at 60,000, 20x, isolated.

    Derivation from the dated table (2020–21 BTCUSDT brackets): the notional
    1 × 60,000 = 60,000 lies in tier 2 (floor 50,000, next floor 250,000), MMR 0.5 %.
    cum₂ = cum₁ + 50,000 × (0.5 % − 0.4 %) = 0 + 50 = 50. Wallet balance = 60,000 / 20
    = 3,000. Binance's formula for a long (s = +1):
    LP = (3,000 + 50 − 60,000) / (0.005 − 1) = 56,950 / 0.995 = 57,236.1809…
    Re-check at the mark: 1 × 57,236.18 = 57,236.18 ≥ 50,000, still tier 2, so it holds.
    With the flat tier-1 rate 0.4 % (cum 0): LP = 57,000 / 0.996 = 57,228.9157….
    The issue's two figures (57,236.18 and 57,228.92) are both right. (The tier-2 band is
    50,000–250,000 USDT in this table, not 50,000–600,000.)
    """
    out = liq(venue="binance", side="long", entry_price=60000, size=1, leverage=20)
    assert CUMS[1] == D(50)
    expected = D(56950) / D("0.995")
    assert out["liquidation_price"] == pytest.approx(float(expected), abs=1e-9)
    assert round(out["liquidation_price"], 2) == 57236.18
    assert out["tier"] == ("Binance BTCUSDT tier 2 (notional 50,000–250,000 USDT; MMR 0.5 %; "
                           "table dated 2021-03-18)")
    flat = liq(venue="binance", side="long", entry_price=60000, size=1, leverage=20, mmr="0.4%")
    assert round(flat["liquidation_price"], 2) == 57228.92
    assert flat["liquidation_price"] == pytest.approx(float(D(57000) / D("0.996")), abs=1e-9)
    assert flat["tier"].startswith("Flat MMR 0.4 %")


def test_short_tier_2() -> None:
    """Short 1 BTC at 60,000, 20x: LP = (3,000 + 50 + 60,000) / (0.005 + 1) = 62,736.318…,
    notional 62,736 at the liquidation price: tier 2 still."""
    out = liq(venue="binance", side="short", entry_price=60000, size=1, leverage=20)
    assert out["liquidation_price"] == pytest.approx(float(D(63050) / D("1.005")), abs=1e-9)
    assert "tier 2 " in out["tier"]


def test_tier_rechecked_at_the_liquidation_price() -> None:
    """Long 1 BTC at 52,000, 10x: the entry notional (52,000) is tier 2, whose LP
    (52,000 − 5,200 − 50) / 0.995 = 46,984.92 has a notional below 50,000 (tier 1); tier 1's
    own LP 46,800 / 0.996 = 46,987.95 lies in tier 1, so Binance applies tier 1."""
    out = liq(venue="binance", side="long", entry_price=52000, size=1, leverage=10)
    tier2 = binance_isolated_lp("long", D(1), D(52000), D(10), D("0.005"), D(50))
    assert tier2 < 50000
    tier1 = binance_isolated_lp("long", D(1), D(52000), D(10), D("0.004"), D(0))
    assert out["liquidation_price"] == pytest.approx(float(tier1), abs=1e-9)
    assert "tier 1 (notional 0–50,000 USDT; MMR 0.4 %" in out["tier"]
    assert "tier 2" in out["tier_note"]


def test_typed_table_and_typed_mmr_win_over_the_dated_table() -> None:
    base = {"venue": "binance", "side": "long", "entry_price": "60000", "size": "1", "leverage": "20"}
    typed = liq(**base, tiers=[{"floor": "0", "mmr": "0.01"}])
    assert typed["tier"] == "Tier 1 of the table given (notional ≥ 0; MMR 1 %)"
    assert typed["liquidation_price"] == pytest.approx(float(D(57000) / D("0.99")), abs=1e-9)
    off = liq(**base, tier_table="none", mmr="0.005")
    assert off["liquidation_price"] == pytest.approx(float(D(57000) / D("0.995")), abs=1e-9)


def test_no_mmr_and_no_table_names_the_mmr_field() -> None:
    with pytest.raises(perpcalc.InputError) as err:
        liq(venue="binance", side="long", entry_price=60000, size=1, leverage=20, tier_table="none")
    assert err.value.field == "mmr"


def test_the_dated_table_only_applies_to_its_venue() -> None:
    """A table chosen while another venue is selected is ignored (the field is hidden there)."""
    out = liq(venue="bybit", side="long", entry_price=60000, size=1, leverage=20,
              tier_table="binance_btcusdt_2021")
    assert out["tier"].startswith("Flat MMR 0.5 %")


def test_presets_select_the_table_and_leave_mmr_to_it() -> None:
    for key, rule in MARGIN_VENUES.items():
        preset = margin_preset(key)
        if rule.tier_table:
            assert preset["tier_table"] == rule.tier_table and preset["mmr"] is None
        else:
            assert "tier_table" not in preset
    field = next(f for f in perpcalc.get("liquidation_price").spec()["inputs"] if f["name"] == "tier_table")
    assert set(field["when"]["venue"]) == {k for k, r in MARGIN_VENUES.items() if r.tier_table}


@settings(max_examples=examples(150), deadline=None)
@given(
    side=st.sampled_from(["long", "short"]),
    size=st.decimals(min_value=D("0.001"), max_value=D(5000), places=3),
    entry=st.decimals(min_value=D(1000), max_value=D(100000), places=2),
    leverage=st.integers(min_value=2, max_value=100),
)
def test_preset_equals_the_core_tier_choice(side: str, size: D, entry: D, leverage: int) -> None:
    """Property: the preset's answer is the core's tier choice on the dated table, and the
    tier named is the one whose MMR the formula used; when consistent, that tier holds the
    notional at the liquidation price."""
    inputs = {"venue": "binance", "side": side, "entry_price": entry, "size": size, "leverage": leverage}
    try:
        out = liq(**inputs)
    except perpcalc.InputError:
        return  # leverage too high for the tier: the position would be liquidated at once
    choice = liquidation_with_tiers("binance", Position(side, size, entry), TABLE, leverage=D(leverage))
    lp = choice.liquidation.liquidation_price
    assert lp is not None
    assert out["liquidation_price"] == pytest.approx(float(lp), rel=1e-12)
    k = choice.tier
    assert f"tier {k + 1} (" in out["tier"]
    direct = liquidation_price("binance", Position(side, size, entry), TABLE[k][1], CUMS[k], leverage=D(leverage))
    assert direct.liquidation_price == lp
    if choice.consistent:
        upper = TABLE[k + 1][0] if k + 1 < len(TABLE) else None
        assert TABLE[k][0] <= size * lp and (upper is None or size * lp < upper)


# ------------------------------------------------------------------ currency labels (issue 11, item 2)


LABELS = [("binance", "USDT"), ("bybit", "USDT"), ("okx", "USDT"), ("hyperliquid", "USDC"), ("dydx", "USDC"),
          ("generic", "quote currency")]


@pytest.mark.parametrize(("venue", "label"), LABELS)
def test_liquidation_results_name_the_settlement_asset(venue: str, label: str) -> None:
    out = liq(venue=venue, side="long", entry_price=60000, size=1, leverage=10, mmr="0.5%")
    assert out["currency_label"] == label


def test_inverse_contracts_settle_in_the_base_coin() -> None:
    out = liq(venue="bitmex", contract="inverse", side="long", entry_price=10000, size=10000, leverage=10, mmr="0.5%")
    assert out["currency_label"] == "base coin"
    pay = perpcalc.run("funding_payment", {"side": "long", "size": 15000, "mark_price": 750, "funding_rate": "0.25%",
                                           "contract": "inverse", "venue": "bitmex"})
    assert (pay["currency"], pay["currency_label"]) == ("base", "base coin")


@pytest.mark.parametrize("venue", sorted(SETTLEMENT_ASSETS))
def test_funding_payment_label_is_the_venue_record(venue: str) -> None:
    """The label comes from the venue record; the contract's ``currency`` output is unchanged."""
    base = {"side": "short", "size": 2, "mark_price": 60000, "funding_rate": "0.01%"}
    plain = perpcalc.run("funding_payment", base)
    out = perpcalc.run("funding_payment", {**base, "venue": venue})
    assert out["currency_label"] == out["quote_label"] == SETTLEMENT_ASSETS[venue]  # linear: quoted as settled
    assert plain["currency_label"] == plain["quote_label"] == "quote currency"
    labels = ("currency_label", "quote_label")
    assert {k: v for k, v in out.items() if k not in labels} == {k: v for k, v in plain.items() if k not in labels}
    assert out["currency"] == "quote"


def test_contract_value_applies_only_to_inverse_contracts() -> None:
    """Every calculator with a contract value shows it only when the contract is inverse."""
    seen = 0
    for spec in perpcalc.catalog():
        inputs = {f["name"]: f for f in spec["inputs"]}
        if "contract_value" in inputs:
            assert inputs["contract_value"]["when"] == {"contract": ["inverse"]}, spec["name"]
            assert "contract" in inputs, spec["name"]
            seen += 1
    assert seen >= 5


@pytest.mark.parametrize("name", ["funding_payment", "liquidation_price", "funding_exposure", "liquidation_outcome",
                                  "position_pnl", "pnl_percent"])
def test_prices_are_quoted_in_usd_on_inverse_contracts(name: str) -> None:
    """Where a calculator takes both contract kinds, prices name their own currency: the
    settlement currency on a linear contract, USD on an inverse one (money is then in the coin)."""
    calc = perpcalc.get(name)
    assert any(o.name == "quote_label" for o in calc.outputs)
    for key, example in calc.examples.items():
        out = perpcalc.run(name, example)
        if out["currency_label"] == "base coin":
            assert out["quote_label"] == "USD", key
        else:
            assert out["quote_label"] == out["currency_label"], key
