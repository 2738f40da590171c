"""The venue calculators through ``perpcalc.run``: venues' worked examples, derivations, and
junk input named by field.

Golden figures: Deribit "Linear Perpetual" (25 BTC at 100,000), BitMEX and Bybit interest
examples, Binance's impact margin notional (BNBUSDT at 20x) and capped-funding example
(ADAUSDT MMR 0.65 %), BitMEX's cap example (IM 1 %, MM 0.5 %), dYdX's clamp (IMF 5 %, MMF 3 %),
GMX's README; the rest are derivations in the docstrings.
"""

from __future__ import annotations

import perpcalc
import pytest
from perpcalc import InputError

NEW = ("interest_component", "impact_notional", "funding_cap", "drift_funding", "pool_borrow_fee", "gmx_funding",
       "gmx_adaptive_funding", "deribit_margin", "max_open_position", "pnl_percent", "liquidation_stages")


def run(name: str, **inputs: object) -> dict:
    return perpcalc.run(name, inputs)


@pytest.mark.parametrize("name", NEW)
def test_registered(name: str) -> None:
    assert name in {c["name"] for c in perpcalc.catalog()}


def test_interest_component_bitmex_example() -> None:
    """BitMEX: (1 % − 0.25 %) / 3 = 0.25 % per 8 h; the clamp then holds F = I for premiums 0.20 %…0.30 %."""
    out = run("interest_component", quote_rate="1%", base_rate="0.25%", interval_hours=8)
    assert out["interest_rate"] == pytest.approx(0.0025)
    assert (out["band_low"], out["band_high"]) == pytest.approx((0.002, 0.003))


def test_interest_component_hourly_is_per_settlement() -> None:
    """0.03 %/day over 24 settlements = 0.00125 % per hour, still 0.01 % per 8 h."""
    out = run("interest_component", quote_rate="0.0003", base_rate="0", interval_hours=1)
    assert out["interest_rate"] == pytest.approx(0.0000125)
    assert out["interest_8h"] == pytest.approx(0.0001)


def test_impact_notional_binance_and_dydx() -> None:
    """Binance BNBUSDT 20x: 200 / 5 % = 4,000 USDT; dYdX at IMF 10 %: 500 / 10 % = 5,000 USDC."""
    assert run("impact_notional", venue="binance", max_leverage=20)["impact_notional"] == 4000
    assert run("impact_notional", venue="dydx", max_leverage=10)["impact_notional"] == 5000
    assert run("impact_notional", venue="binance", max_leverage=125, bid=99999.5,
               ask=100000.5)["impact_quantity"] == pytest.approx(0.25)


def test_funding_cap_three_rules() -> None:
    """Binance ADAUSDT: 0.75 × 0.65 % = 0.4875 %; BitMEX: 75 % × (1 % − 0.5 %) = 0.375 %;
    dYdX: 6 × (5 % − 3 %) = 12 % per 8 h = 1.5 % per hourly settlement."""
    assert run("funding_cap", venue="binance", mmr="0.65%")["cap"] == pytest.approx(0.004875)
    assert run("funding_cap", venue="bitmex", mmr="0.005", imr="0.01")["cap"] == pytest.approx(0.00375)
    out = run("funding_cap", venue="dydx", mmr="0.03", imr="0.05", interval_hours=1)
    assert (out["cap"], out["cap_8h"]) == pytest.approx((0.015, 0.12))


def test_drift_funding_pool_covers_shortfall() -> None:
    """See test_venue_funding: shorts owed 300, longs pay 100, pool gives 2/3 × 150 = 100."""
    out = run("drift_funding", mark_twap="100.24", oracle_twap=100, long_notional=1000000, short_notional=3000000,
              pool_balance=150, side="short", size=10000)
    assert out["funding_rate"] == pytest.approx(0.0001)
    assert out["pool_flow"] == pytest.approx(-100)
    assert out["payment"] == pytest.approx(10000 * 200 / 3e6)
    assert out["apr"] == pytest.approx(0.0001 * 24 * 365.25)


def test_pool_borrow_fee_gmx_v1() -> None:
    """10,000 USD, 60 % lent, 0.01 %/h, 24 h → 14.40 USD paid, 52.56 % a year at that use."""
    out = run("pool_borrow_fee", venue="gmx_v1", size=10000, borrowed=60, pool_assets=100, hours=24)
    assert out["fee"] == pytest.approx(-14.4)
    assert out["apr"] == pytest.approx(0.5256)


def test_gmx_funding_short_receives_more_per_dollar() -> None:
    """Longs 1.5 M pay 4e-9/s; shorts 1 M receive 6e-9/s: a 10,000 short earns 6e-9 × 86,400 × 10,000."""
    out = run("gmx_funding", long_oi=1500000, short_oi=1000000, funding_factor="2e-8", side="short", size=10000,
              hours=24)
    assert out["payer"] == "long"
    assert out["payment"] == pytest.approx(6e-9 * 86400 * 10000)
    assert out["long_apr"] == pytest.approx(-0.126144)


def test_gmx_adaptive_path() -> None:
    """Increase 20 %/yr per hour at full imbalance: 6 h at f = 0.2 → 0.2 × 0.2 × 6 = 24 % a year, then 48 %;
    f = 0.03 holds; shorts now larger (f = 1/6): 48 % − (1/6 × 0.2 × 6) = 28 %, then 8 % (longs still pay)."""
    out = perpcalc.run("gmx_adaptive_funding", perpcalc.get("gmx_adaptive_funding").examples["default"])
    assert [r["change"] for r in out["steps"]] == ["increase", "increase", "hold", "increase", "increase"]
    assert [r["apr"] for r in out["steps"]] == pytest.approx([0.24, 0.48, 0.48, 0.28, 0.08])


def test_deribit_margin_example() -> None:
    """Deribit: 25 BTC at 100,000 → IM 53,125 USDC, MM 28,125 USDC."""
    out = run("deribit_margin", instrument="btc_usdc", size=25, price=100000)
    assert (out["im_quote"], out["mm_quote"]) == pytest.approx((53125, 28125))
    assert run("deribit_margin", instrument="btc_usdc", size=350, price=100000,
               equity=1312500)["max_size"] == pytest.approx(350)


def test_max_open_and_pnl_percent() -> None:
    """1,000 at 20x buying at 25,000 → 0.8 BTC; ordered 100 above the mark → 1,000 / 1,355 BTC.
    Long 20,000 → 21,000 at 20x → ROE 100 %."""
    assert run("max_open_position", side="long", available=1000, order_price=25000, leverage=20)["max_size"] == 0.8
    above = run("max_open_position", side="long", available=1000, order_price=25100, mark_price=25000, leverage=20)
    assert above["max_size"] == pytest.approx(1000 / 1355)
    assert run("pnl_percent", side="long", entry_price=20000, mark_price=21000, size=1, leverage=20)["roe"] == 1


def test_liquidation_stages_both_venues() -> None:
    """Hyperliquid example (long 1 BTC at 50,000, margin 5,000, 1 %): 45,454.55 / 45,302.01 / 45,000.
    dYdX long 1,000 at 100, 10x, MMF 5 %: LP 90,000/950 = 94.737, p* = 90 × 2.5 / 2.425 = 92.784, BP 90."""
    hl = run("liquidation_stages", venue="hyperliquid", side="long", entry_price=50000, size=1, margin=5000, mmr="0.01")
    assert (hl["liquidation_price"], hl["backstop_price"], hl["bankruptcy_price"]) == pytest.approx(
        (45454.5454545, 45302.0134228, 45000))
    dy = run("liquidation_stages", venue="dydx", side="long", entry_price=100, size=1000, leverage=10, mmr="0.05")
    assert (dy["liquidation_price"], dy["insurance_price"], dy["bankruptcy_price"]) == pytest.approx(
        (94.7368421, 92.7835052, 90))
    assert hl["insurance_price"] is None and dy["backstop_price"] is None


def test_hyperliquid_max_leverage_sets_maintenance() -> None:
    """Max 40x → maintenance 1/(2 × 40) = 1.25 %."""
    out = run("liquidation_stages", venue="hyperliquid", side="short", entry_price=3000, size=2, leverage=10,
              max_leverage=40)
    assert out["mmr_used"] == pytest.approx(0.0125)


@pytest.mark.parametrize(("name", "inputs", "field"), [
    ("interest_component", {"quote_rate": "x", "base_rate": 0}, "quote_rate"),
    ("impact_notional", {"max_leverage": 0}, "max_leverage"),
    ("impact_notional", {"max_leverage": 20, "bid": 10}, "ask"),
    ("impact_notional", {"max_leverage": 20, "bid": 10, "ask": 9}, "ask"),
    ("funding_cap", {"venue": "bitmex", "mmr": "0.005"}, "imr"),
    ("funding_cap", {"venue": "dydx", "mmr": "0.05", "imr": "0.03"}, "imr"),
    ("drift_funding", {"mark_twap": 0, "oracle_twap": 100, "size": 1}, "mark_twap"),
    ("drift_funding", {"mark_twap": 1, "oracle_twap": 1, "tier": "z", "size": 1}, "tier"),
    ("pool_borrow_fee", {"size": 1, "borrowed": 200, "pool_assets": 100}, "borrowed"),
    ("pool_borrow_fee", {"size": 1, "borrowed": 1, "pool_assets": 0}, "pool_assets"),
    ("gmx_funding", {"long_oi": 0, "short_oi": 0, "size": 1}, "long_oi"),
    ("gmx_funding", {"long_oi": "NaN", "short_oi": 0, "size": 1}, "long_oi"),
    ("gmx_adaptive_funding", {"path": []}, "path"),
    ("gmx_adaptive_funding", {"path": [{"hours": 1, "long_oi": 0, "short_oi": 0}]}, "path"),
    ("gmx_adaptive_funding", {"path": [{"hours": 1, "long_oi": 2, "short_oi": 1}], "min_apr": 1, "max_apr": "0.5"},
     "min_apr"),
    ("deribit_margin", {"size": 100000, "price": 1, "rate_per_unit": "0.01"}, "size"),
    ("deribit_margin", {"size": 1, "price": 1, "im_base": "0.01", "mm_base": "0.02"}, "im_base"),
    ("max_open_position", {"available": -1, "order_price": 1}, "available"),
    ("pnl_percent", {"entry_price": 1, "mark_price": 1, "size": 1, "leverage": 0}, "leverage"),
    ("liquidation_stages", {"entry_price": 100, "size": 1, "leverage": 200, "mmr": "0.01"}, "leverage"),
    ("liquidation_stages", {"entry_price": 100, "size": 1, "margin": "0.5", "mmr": "0.01"}, "margin"),
])
def test_junk_is_named_by_field(name: str, inputs: dict, field: str) -> None:
    with pytest.raises(InputError) as exc:
        perpcalc.run(name, inputs)
    assert exc.value.field == field


def test_okx_tier_and_liquidation_price() -> None:
    """OKX 2021-06-11 ETHUSDT: 10,000 contracts → tier 3 (6,001–12,000), MMR 1 %, IMR 1.5 % (66.67x).
    Long at 2,500, 0.1 ETH a contract (Q = 1,000 ETH), 20x → margin 125,000; with the 0.05 % fee
    LP = (1,000 × 2,500 − 125,000) / (1,000 × (1 − 0.01 − 0.0005)) = 2,400.2021."""
    out = run("okx_liquidation_price", schedule="okx_ethusdt_2021", side="long", entry_price=2500, contracts=10000,
              leverage=20)
    assert (out["tier"], out["mmr"], out["imr"]) == (3, 0.01, 0.015)
    assert out["liquidation_price"] == pytest.approx(2375000 / 989.5)
    assert out["bankruptcy_price"] == pytest.approx(2375)


def test_okx_2020_rule_tier_three() -> None:
    """OKX 2020-01-17: tier 3 holds up to 50,000 + 2 × 500,000 = 1,050,000 BTC contracts."""
    out = run("okx_liquidation_price", schedule="okx_btcusdt_2020", side="long", entry_price=9000, contracts=1050000,
              leverage=20)
    assert (out["tier"], out["max_contracts"]) == (3, 1050000)


def test_okx_tier_caps_leverage_and_junk() -> None:
    """Tier 5 of ETHUSDT has IMR 2.5 %: 50x is refused on the leverage field."""
    with pytest.raises(InputError) as exc:
        run("okx_liquidation_price", schedule="okx_ethusdt_2021", side="long", entry_price=2500, contracts=30000,
            leverage=50)
    assert exc.value.field == "leverage"
    with pytest.raises(InputError) as exc:
        run("okx_liquidation_price", tiers=[{"max_contracts": 10, "mmr": "0.01", "imr": "0.02"},
                                            {"max_contracts": 5, "mmr": "0.02", "imr": "0.03"}],
            step=10, face_value=1, entry_price=1, contracts=1, leverage=2)
    assert exc.value.field == "tiers"
