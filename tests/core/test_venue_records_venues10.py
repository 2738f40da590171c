"""Records of the three on-chain venues (Drift, GMX v2, Jupiter Perps), Deribit's margin part and
the entry-value liquidation formula, through the calculators that read them.

Golden values: Jupiter's liquidation formula (docs, "Liquidation") on a worked position written
out in the docstring; Drift's hourly P/24 (its funding docs); the rest are derivations.
"""

from __future__ import annotations

from decimal import Decimal as D

import perpcalc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from perpcalc.margin import entry_value_liquidation_price, unrealized_pnl
from perpcalc.venues import FUNDING_VENUES, LOSS_VENUES, MARGIN_VENUES, VENUES


def test_every_venue_answers_three_questions() -> None:
    """What it charges to hold a position (funding or a borrow fee), when it liquidates, and
    who pays a loss beyond the margin: every record answers all three."""
    for key, v in VENUES.items():
        assert v.loss is not None and v.margin is not None, key
        assert v.funding is not None or v.borrow is not None, key
    assert "drift" in FUNDING_VENUES and "gmx_v2" not in FUNDING_VENUES
    assert {"drift", "gmx_v2", "jupiter", "deribit"} <= set(MARGIN_VENUES)
    assert LOSS_VENUES["jupiter"].pool and LOSS_VENUES["gmx_v2"].pool


def test_drift_preset_pays_one_24th_an_hour() -> None:
    """Drift: premium 0.24 % → 0.01 % per hour (0.08 % per 8 h); a 10 % premium hits the 0.125 % tier-B cap."""
    out = perpcalc.run("funding_rate", {"venue": "drift", "premium_index": "0.0024"})
    assert out["funding_rate"] == pytest.approx(0.0001)
    assert out["rate_8h"] == pytest.approx(0.0008)
    assert perpcalc.run("funding_rate", {"venue": "drift", "premium_index": "0.1"})["funding_rate"] == 0.00125


def test_funding_by_venue_lists_drift_correctly() -> None:
    rows = {r["venue"]: r for r in perpcalc.run("funding_by_venue", {"premium_index": "0.0024"})["venues"]}
    assert rows["drift"]["funding_rate"] == pytest.approx(0.0001)


def test_jupiter_liquidation_price_from_its_formula() -> None:
    """Jupiter docs: LP(long) = price − (collateral − close fee − borrow fee − size/500) × price / size.
    Size 10,000 USD at 100, collateral 1,000, close fee 6 (0.06 %), borrow fee 4:
    100 − (1,000 − 6 − 4 − 20) × 100 / 10,000 = 90.3. Through the calculator the close fee is the
    taker fee on the size and the borrow fee is taken off the margin (996)."""
    out = perpcalc.run("liquidation_price", {"venue": "jupiter", "side": "long", "entry_price": 100, "size": 100,
                                             "margin": 996, "taker_fee": "0.0006"})
    assert out["liquidation_price"] == pytest.approx(90.3)
    short = perpcalc.run("liquidation_price", {"venue": "jupiter", "side": "short", "entry_price": 100,
                                               "size": 100, "margin": 996, "taker_fee": "0.0006"})
    assert short["liquidation_price"] == pytest.approx(109.7)


@given(side=st.sampled_from(["long", "short"]), ep=st.decimals(min_value=1, max_value=10**5, places=2),
       lev=st.decimals(min_value=1, max_value=200, places=1),
       m=st.decimals(min_value=D("0.001"), max_value=D("0.02"), places=4),
       t=st.decimals(min_value=0, max_value=D("0.001"), places=5))
@settings(max_examples=200)
def test_entry_value_condition_holds_at_the_price(side, ep, lev, m, t) -> None:
    """At the entry-value liquidation price, collateral − fee + PnL = m × size at entry."""
    q = D(5)
    c = q * ep / lev
    assume(c > (m + t) * q * ep)
    lp = entry_value_liquidation_price(side, q, ep, c, m, t)
    assume(lp is not None)
    equity = c - t * q * ep + unrealized_pnl(side, q, ep, lp)
    assert float(equity) == pytest.approx(float(m * q * ep), rel=1e-9, abs=1e-9)


def test_gmx_v2_and_drift_in_the_liquidation_calculator() -> None:
    """GMX v2 short 100 at 100, 10x, min collateral 1 %, close fee 0.06 %: LP = 100 + (1,000 − 6 − 100) / 100 = 108.94.
    Drift long at the mark: (100 × 100 − 1,000) / (100 × (1 − 0.05)) = 94.7368."""
    gmx = perpcalc.run("liquidation_price", {"venue": "gmx_v2", "side": "short", "entry_price": 100, "size": 100,
                                             "leverage": 10, "mmr": "0.01", "taker_fee": "0.0006"})
    assert gmx["liquidation_price"] == pytest.approx(108.94)
    drift = perpcalc.run("liquidation_price", {"venue": "drift", "side": "long", "entry_price": 100, "size": 100,
                                               "leverage": 10, "mmr": "0.05"})
    assert drift["liquidation_price"] == pytest.approx(9000 / 95)


def test_deribit_margin_record_points_to_the_size_rule() -> None:
    rule = MARGIN_VENUES["deribit"]
    assert "0.005 % per BTC" in rule.mmr_rule
    out = perpcalc.run("liquidation_price", {"venue": "deribit", "side": "long", "entry_price": 100000, "size": 25,
                                             "leverage": 20, "mmr": "0.01125"})
    assert out["liquidation_price"] == pytest.approx((25 * 100000 - 125000) / (25 * (1 - 0.01125)))
