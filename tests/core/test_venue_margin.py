"""Deribit size-dependent margin, Binance max open and ROE, liquidation stages, OKX tiers.

Golden values: Deribit's "Linear Perpetual" support article (BTC_USDC and SOL_USDC examples),
OKX's 2020 tier rule (tier 3 = 50,000 + 2 × 500,000) and 2021-06-11 ETHUSDT table; the rest
are derivations written out in the test docstrings. Properties check the defining
conditions (equity = share × maintenance at the stage prices, the fillable price meets the
bankruptcy price at the insurance threshold, max open spends exactly the balance).
"""

from __future__ import annotations

import doctest
from decimal import Decimal as D

import perpcalc.margin as margin_module
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc.margin import (
    bankruptcy_price,
    deribit_margin,
    deribit_margin_rate,
    deribit_max_size,
    dydx_fillable_price,
    dydx_insurance_threshold,
    max_open_position,
    okx_tier,
    order_cost,
    price_at_equity_share,
    return_on_equity,
    unrealized_pnl,
)

BTC = {"im": (D("0.02"), D("0.00005")), "mm": (D("0.01"), D("0.00005"))}
SOL = {"im": (D("0.04"), D("0.000005")), "mm": (D("0.02"), D("0.000005"))}


def test_docstring_examples() -> None:
    assert doctest.testmod(margin_module).failed == 0


def test_deribit_btc_usdc_25_btc() -> None:
    """Deribit Linear Perpetual: 25 BTC at 100,000 → IM 2.125 % = 0.53125 BTC = 53,125 USDC;
    MM 1.125 % = 28,125 USDC."""
    assert deribit_margin_rate(D(25), *BTC["im"]) == D("0.02125")
    assert deribit_margin(D(25), D(100000), *BTC["im"]) == (D("0.53125"), D(53125))
    assert deribit_margin_rate(D(25), *BTC["mm"]) == D("0.01125")
    assert deribit_margin(D(25), D(100000), *BTC["mm"])[1] == D(28125)


def test_deribit_btc_usdc_350_btc() -> None:
    """Same article: 350 BTC → IM 3.75 % = 13.125 BTC = 1,312,500 USDC."""
    assert deribit_margin_rate(D(350), *BTC["im"]) == D("0.0375")
    assert deribit_margin(D(350), D(100000), *BTC["im"]) == (D("13.125"), D(1312500))


def test_deribit_sol_usdc_examples() -> None:
    """Same article, SOL_USDC at 200: 25 SOL → IM 4.0125 % (200.625 USDC), MM 2.0125 % (100.625);
    6,000 SOL → IM 7 % (84,000 USDC)."""
    assert deribit_margin_rate(D(25), *SOL["im"]) == D("0.040125")
    assert deribit_margin(D(25), D(200), *SOL["im"])[1] == D("200.625")
    assert deribit_margin(D(25), D(200), *SOL["mm"])[1] == D("100.625")
    assert deribit_margin_rate(D(6000), *SOL["im"]) == D("0.07")
    assert deribit_margin(D(6000), D(200), *SOL["im"])[1] == D(84000)


@given(equity=st.decimals(min_value=1, max_value=10**9, places=2),
       price=st.decimals(min_value=1, max_value=10**6, places=2),
       base=st.decimals(min_value=D("0.001"), max_value=D("0.5"), places=4),
       per_unit=st.decimals(min_value=0, max_value=D("0.001"), places=7))
@settings(max_examples=examples(200), deadline=None)  # Decimal powers: slow on a loaded machine
def test_deribit_max_size_spends_the_equity(equity, price, base, per_unit) -> None:
    """At the largest size the initial margin equals the equity (and grows with size)."""
    q = deribit_max_size(equity, price, base, per_unit)
    assert q > 0
    assert float(deribit_margin(q, price, base, per_unit)[1]) == pytest.approx(float(equity), rel=1e-12)


def test_order_cost_open_loss_only_on_the_unfavourable_side() -> None:
    """Long 2 at 10,000 with mark 9,900 at 10x: 2,000 margin + 2 × 100 open loss = 2,200; the
    same order with the mark at 10,100 costs just its margin; a short is the mirror image."""
    assert order_cost("long", D(2), D(10000), D(9900), D(10)) == D(2200)
    assert order_cost("long", D(2), D(10000), D(10100), D(10)) == D(2000)
    assert order_cost("short", D(2), D(10000), D(10100), D(10)) == D(2200)


@given(avail=st.decimals(min_value=1, max_value=10**8, places=2),
       price=st.decimals(min_value=1, max_value=10**5, places=2),
       mark=st.decimals(min_value=1, max_value=10**5, places=2),
       lev=st.decimals(min_value=1, max_value=125, places=1), side=st.sampled_from(["long", "short"]))
@settings(max_examples=examples(200))
def test_max_open_costs_exactly_the_balance(avail, price, mark, lev, side) -> None:
    q = max_open_position(side, avail, price, lev, mark)
    assert float(order_cost(side, q, price, mark, lev)) == pytest.approx(float(avail), rel=1e-15)


def test_max_open_bracket_limit() -> None:
    """At 20x a bracket that allows 20x only up to 1 M notional caps 5,000 USDT × 20 / 25,000 = 4 BTC at
    1,000,000 / 25,000 = 40 BTC (not binding); with 500 k the cap is 20 BTC... and with 50 k, 2 BTC."""
    assert max_open_position("long", D(5000), D(25000), D(20), max_notional=D(1000000)) == D(4)
    assert max_open_position("long", D(5000), D(25000), D(20), max_notional=D(50000)) == D(2)


def test_roe_linear_and_inverse() -> None:
    """Long 1 BTC at 20,000 → 21,000 at 20x: PnL 1,000 on 1,000 margin = 100 %.
    Inverse long 15,000 contracts at 750 → 800 at 10x: PnL 1.25 XBT on 2 XBT margin = 62.5 %
    (BitMEX's guide example PnL; 1 − 750/800 = 6.25 %, × 10)."""
    assert return_on_equity("long", D(1), D(20000), D(21000), D(20)) == 1
    assert round(return_on_equity("long", D(15000), D(750), D(800), D(10), "inverse"), 20) == D("0.625")


@given(side=st.sampled_from(["long", "short"]), ep=st.decimals(min_value=1, max_value=10**5, places=2),
       mark=st.decimals(min_value=1, max_value=10**5, places=2),
       lev=st.decimals(min_value=1, max_value=125, places=1))
def test_roe_is_move_times_leverage(side, ep, mark, lev) -> None:
    s = 1 if side == "long" else -1
    roe = return_on_equity(side, D(3), ep, mark, lev)
    assert float(roe) == pytest.approx(float(s * (mark / ep - 1) * lev), rel=1e-12, abs=1e-12)


def test_hyperliquid_stages_derivation() -> None:
    """Long 1 BTC at 50,000, margin 5,000, maintenance 1 % (Hyperliquid's liquidation example):
    liquidation where 5,000 + (p − 50,000) = 0.01 p → p = 45,000/0.99 = 45,454.55;
    backstop where equity = 2/3 of that → p = 45,000/(1 − 0.01·2/3) = 45,302.01;
    bankruptcy at 45,000."""
    args = ("long", D(1), D(50000), D(5000), D("0.01"))
    assert round(price_at_equity_share(*args, D(1)), 2) == D("45454.55")
    assert round(price_at_equity_share(*args, D(2) / 3), 2) == D("45302.01")
    assert price_at_equity_share(*args, D(0)) == D(45000)


@given(side=st.sampled_from(["long", "short"]), ep=st.decimals(min_value=10, max_value=10**5, places=2),
       lev=st.decimals(min_value=2, max_value=50, places=1),
       mmr=st.decimals(min_value=D("0.001"), max_value=D("0.02"), places=4),
       share=st.sampled_from([D(0), D(2) / 3, D(1)]))
@settings(max_examples=examples(200))
def test_stage_price_meets_its_equity_condition(side, ep, lev, mmr, share) -> None:
    q = D(2)
    c = q * ep / lev
    assume(mmr * lev < 1)
    p = price_at_equity_share(side, q, ep, c, mmr, share)
    assert p is not None
    equity = c + unrealized_pnl(side, q, ep, p)
    assert float(equity) == pytest.approx(float(share * mmr * q * p), rel=1e-9, abs=1e-9)


def test_dydx_fillable_price_ends() -> None:
    """At the threshold (net collateral = requirement) the fill must be at the oracle; at
    bankruptcy (net collateral 0) the spread is the maximum 1.5 × MMF: 100 × (1 − 0.075) = 92.5
    for a long, 107.5 for a short."""
    assert dydx_fillable_price("long", D(100), D("0.05"), D(10), D(10)) == D(100)
    assert dydx_fillable_price("long", D(100), D("0.05"), D(0), D(10)) == D("92.5")
    assert dydx_fillable_price("short", D(100), D("0.05"), D(-3), D(10)) == D("107.5")


@given(side=st.sampled_from(["long", "short"]), ep=st.decimals(min_value=10, max_value=10**5, places=2),
       lev=st.decimals(min_value=2, max_value=20, places=1),
       mmf=st.decimals(min_value=D("0.005"), max_value=D("0.05"), places=4))
@settings(max_examples=examples(200))
def test_dydx_insurance_threshold_is_where_fill_meets_bankruptcy(side, ep, lev, mmf) -> None:
    """Derivation check: at p* the fillable price equals the bankruptcy price, and p* lies
    between the liquidation price and the bankruptcy price."""
    q = D(3)
    c = q * ep / lev
    assume(mmf * lev < 1)
    bp = bankruptcy_price(side, q, ep, c)
    assert bp is not None
    p = dydx_insurance_threshold(side, bp, mmf)
    equity = c + unrealized_pnl(side, q, ep, p)
    fill = dydx_fillable_price(side, p, mmf, equity, mmf * q * p)
    assert float(fill) == pytest.approx(float(bp), rel=1e-12)
    lp = price_at_equity_share(side, q, ep, c, mmf, D(1))
    s = 1 if side == "long" else -1
    assert s * (lp - p) >= 0 >= s * (bp - p)


ETH_2021 = [(D(3000), D("0.004"), D("0.008")), (D(6000), D("0.005"), D("0.01")), (D(12000), D("0.01"), D("0.015"))]


def test_okx_2020_tier_rule() -> None:
    """OKX 2020-01-17: BTC tier-1 limit 50,000 contracts, step 500,000; tier 3 = 50,000 + 2 × 500,000."""
    tier = okx_tier(D(1050000), [(D(50000), D("0.005"), D("0.01"))], D(500000))
    assert tier[:2] == (3, D(1050000))
    assert okx_tier(D(1050001), [(D(50000), D("0.005"), D("0.01"))], D(500000))[0] == 4


def test_okx_ethusdt_2021_table() -> None:
    """OKX 2021-06-11 ETHUSDT: 0.4 %/0.8 % to 3,000; 0.5 %/1 % to 6,000; 1 %/1.5 % to 12,000;
    then +12,000 contracts, +0.5 % and +0.5 % per tier: 12,001 contracts → tier 4, up to 24,000,
    MMR 1.5 %, IMR 2 %; 30,000 → tier 5 (36,000; 2 %; 2.5 %)."""
    assert okx_tier(D(3000), ETH_2021, D(12000)) == (1, D(3000), D("0.004"), D("0.008"))
    assert okx_tier(D(3001), ETH_2021, D(12000))[0] == 2
    assert okx_tier(D(12001), ETH_2021, D(12000)) == (4, D(24000), D("0.015"), D("0.020"))
    assert okx_tier(D(30000), ETH_2021, D(12000)) == (5, D(36000), D("0.020"), D("0.025"))


@given(contracts=st.integers(min_value=0, max_value=10**7))
def test_okx_tier_is_the_first_that_holds_the_size(contracts) -> None:
    """The chosen tier holds the size and the tier below does not; rates never fall with size."""
    n, limit, mmr, imr = okx_tier(D(contracts), ETH_2021, D(12000))
    assert D(contracts) <= limit
    if n > 1:
        prev_limit = ETH_2021[n - 2][0] if n <= len(ETH_2021) + 1 else limit - D(12000)
        assert D(contracts) > prev_limit
        assert okx_tier(prev_limit, ETH_2021, D(12000))[2] <= mmr
    assert imr > mmr
