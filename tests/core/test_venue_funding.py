"""Interest component from two rates, impact margin notional, Drift hourly funding.

Golden values: BitMEX's and Bybit's interest examples, Binance's and dYdX's impact margin
notional examples (worked-examples.md); Drift by derivation in the docstrings.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc.funding import (
    drift_funding_rate,
    drift_symmetric_funding,
    impact_margin_notional,
    impact_quantity,
    interest_component,
)
from perpcalc.venues import drift

DRIFT_CAPS = drift.VENUE.funding_caps


def test_bitmex_interest_example() -> None:
    """BitMEX perpetual guide: USD 1.00 %/day, XBT 0.25 %/day, 3 fundings → I = 0.25 %."""
    assert interest_component(D("0.01"), D("0.0025"), D(3)) == D("0.0025")


def test_bybit_interest_example() -> None:
    """Bybit help centre (older inverse text): (0.06 % − 0.03 %) / 3 = 0.01 %."""
    assert interest_component(D("0.0006"), D("0.0003")) == D("0.0001")


def test_interest_hourly_settlement_and_sign() -> None:
    """0.03 %/day over 24 hourly settlements is 0.00125 % an hour (Hyperliquid's I / 8);
    a base rate above the quote rate makes I negative."""
    assert interest_component(D("0.0003"), D(0), D(24)) == D("0.0000125")
    assert interest_component(D(0), D("0.0003")) < 0


def test_binance_impact_margin_notional_example() -> None:
    """Binance funding FAQ: BNBUSDT max 20x → IMR 5 % → IMN = 200 / 0.05 = 4,000 USDT."""
    assert impact_margin_notional(D("0.05")) == D(4000)


def test_dydx_impact_notional_example() -> None:
    """dYdX v4 funding docs: 500 USDC / IMF; IMF 10 % → 5,000 USDC."""
    assert impact_margin_notional(D("0.1"), D(500)) == D(5000)


def test_impact_quantity_and_junk() -> None:
    assert impact_quantity(D(4000), D(399), D(401)) == D(10)
    with pytest.raises(ValueError):
        impact_margin_notional(D(0))
    with pytest.raises(ValueError):
        impact_quantity(D(4000), D(401), D(399))


@given(imr=st.decimals(min_value=D("0.001"), max_value=1, places=4))
def test_impact_notional_times_rate_is_the_margin(imr) -> None:
    assert impact_margin_notional(imr) * imr == pytest.approx(200)


def test_drift_hourly_is_premium_over_24() -> None:
    """Drift: mark TWAP 100.24 vs oracle 100 → premium 0.24 % → 0.01 % an hour; a 10 % premium
    (0.4167 %/h uncapped) is held to 0.125 % for tier B or better and 0.208 % for tier C."""
    assert drift_funding_rate(D("100.24"), D(100)) == D("0.0001")
    assert drift_funding_rate(D(110), D(100), DRIFT_CAPS["b_or_better"]) == D("0.00125")
    assert drift_funding_rate(D(110), D(100), DRIFT_CAPS["c"]) == D("0.00208")
    assert drift_funding_rate(D(90), D(100), DRIFT_CAPS["c"]) == D("-0.00208")


@given(mark=st.decimals(min_value=1, max_value=10**5, places=3), oracle=st.decimals(min_value=1, max_value=10**5,
                                                                                      places=3))
def test_drift_rate_sign_and_cap(mark, oracle) -> None:
    cap = DRIFT_CAPS["speculative"]
    r = drift_funding_rate(mark, oracle, cap)
    assert abs(r) <= cap
    assert (r > 0) == (mark > oracle)


def test_drift_symmetric_pool_covers_the_shortfall() -> None:
    """Longs pay 0.01 % on 1 M (100); shorts are owed 0.01 % on 3 M (300). The pool holds 150
    and may give 2/3 of it (100): shorts receive 200, i.e. 200 / 3 M = 0.00667 % each.
    With a pool of 600 the full 200 shortfall is covered and shorts get the whole 0.01 %."""
    out = drift_symmetric_funding(D("0.0001"), D(1000000), D(3000000), D(150))
    assert (out["paid"], out["owed"]) == (D(100), D(300))
    assert out["received"] == D(200)
    assert out["pool_flow"] == D(-100)
    assert out["long_rate"] == D("-0.0001")
    assert float(out["short_rate"]) == pytest.approx(200 / 3e6)
    full = drift_symmetric_funding(D("0.0001"), D(1000000), D(3000000), D(600))
    assert full["received"] == D(300) and full["short_rate"] == D("0.0001")


def test_drift_symmetric_surplus_goes_to_pool() -> None:
    """Shorts pay (negative rate) 0.02 % on 2 M = 400; longs are owed 0.02 % on 1 M = 200: surplus 200 to the pool."""
    out = drift_symmetric_funding(D("-0.0002"), D(1000000), D(2000000), D(0))
    assert out["received"] == D(200) and out["pool_flow"] == D(200)
    assert out["long_rate"] == D("0.0002") and out["short_rate"] == D("-0.0002")


@given(rate=st.decimals(min_value=D("-0.005"), max_value=D("0.005"), places=6),
       longs=st.decimals(min_value=0, max_value=10**8, places=2),
       shorts=st.decimals(min_value=0, max_value=10**8, places=2),
       pool=st.decimals(min_value=0, max_value=10**6, places=2))
@settings(max_examples=examples(200))
def test_drift_symmetric_money_is_conserved(rate, longs, shorts, pool) -> None:
    """paid = received + pool inflow; the pool never gives more than 2/3 of its balance;
    receivers never get more than they are owed."""
    out = drift_symmetric_funding(rate, longs, shorts, pool)
    # exact up to the 28-digit Decimal context
    assert abs(out["paid"] - (out["received"] + out["pool_flow"])) <= D("1e-20") * (1 + out["paid"])
    assert -out["pool_flow"] <= pool * 2 / 3 + D("1e-20")
    assert out["received"] <= out["owed"]


def test_docstring_examples() -> None:
    import doctest

    import perpcalc.funding as funding_module

    assert doctest.testmod(funding_module).failed == 0
