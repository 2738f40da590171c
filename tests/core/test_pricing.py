"""perpcalc.pricing: the no-arbitrage perp price, mark prices and basis decay.

Golden values: worked-examples.md "Pricing theory" (He–Manela–Ross–von Wachter /
Ackerer–Hugonnier–Jermann ratio) and "Funding" (BitMEX fair price); everything else is
derived in the comments or checked against an independent computation.
"""

from __future__ import annotations

import math
from decimal import Decimal

import perpcalc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.pricing import basis_after, basis_half_life_days, funding_basis, mark_price, price_ratio

D = Decimal


def run(name: str, **inputs: object) -> dict:
    return perpcalc.run(name, inputs)


# ---------------------------------------------------------------- perp_fair_price


@pytest.mark.parametrize("kappa, expected", [("1095", 1.0000457), ("1", 1.0526316)])
def test_price_ratio_worked_examples(kappa: str, expected: float) -> None:
    """worked-examples.md: F/S = κ/(κ − r_a + r_b); r_a = 5 %, r_b = 0:
    κ = 1,095 → 1095/1094.95 = 1.0000457; κ = 1 → 1/0.95 = 1.0526316."""
    out = run("perp_fair_price", spot_price=1, funding_intensity=kappa, quote_rate="0.05", base_rate=0)
    assert round(out["price_ratio"], 7) == expected
    assert out["fair_price"] == out["price_ratio"]
    assert math.isclose(out["basis"], out["price_ratio"] - 1, rel_tol=1e-12)


def test_fair_price_scales_with_spot() -> None:
    out = run("perp_fair_price", spot_price=100000, funding_intensity=1095, quote_rate="5%")
    assert math.isclose(out["fair_price"], 100000 * 1095 / 1094.95, rel_tol=1e-12)
    assert math.isclose(out["mean_horizon_days"], 1 / 3, rel_tol=1e-12)  # 8 h


def test_random_maturity_identity_by_quadrature() -> None:
    """AHJ: F/S = E[e^(μθ)], θ ~ Exponential(κ); integrate κ e^(−κt) e^(μt) dt numerically."""
    kappa, mu = 3.0, 0.05 - 0.01
    steps, horizon = 200_000, 12.0
    h = horizon / steps
    total = sum(kappa * math.exp((mu - kappa) * (i + 0.5) * h) for i in range(steps)) * h
    expected = float(price_ratio(D(3), D("0.05"), D("0.01")))
    assert math.isclose(total, expected, rel_tol=1e-6)


@pytest.mark.parametrize("kappa, r_a, r_b", [("0.05", "0.05", "0"), ("0.01", "0.05", "0"), ("1", "2", "0.5")])
def test_no_finite_price_is_an_input_error_on_funding_intensity(kappa: str, r_a: str, r_b: str) -> None:
    with pytest.raises(InputError) as err:
        run("perp_fair_price", funding_intensity=kappa, quote_rate=r_a, base_rate=r_b)
    assert err.value.field == "funding_intensity"
    assert "no finite fair price" in err.value.message


kappas = st.decimals(min_value=D("0.5"), max_value=D(100000), places=3)
rates = st.decimals(min_value=D("-0.2"), max_value=D("0.3"), places=4)


@settings(max_examples=examples(150), deadline=None)
@given(r_a=rates, r_b=rates, k=kappas)
def test_peg_tightens_as_kappa_grows(r_a: Decimal, r_b: Decimal, k: Decimal) -> None:
    if k - r_a + r_b <= 0:
        return
    near, far = price_ratio(k * 10, r_a, r_b), price_ratio(k, r_a, r_b)
    assert abs(near - 1) <= abs(far - 1)
    assert (far > 1) == (r_a > r_b) and (far == 1) == (r_a == r_b)


def test_ratio_tends_to_one() -> None:
    for k in (D(10) ** e for e in range(2, 9)):
        assert abs(price_ratio(k, D("0.05")) - 1) < D("0.06") / k


# ---------------------------------------------------------------- mark_price


def test_bitmex_fair_price_example() -> None:
    """worked-examples.md: index 10,000, funding 0.01 %, 4 h left of 8 → 10,000 × (1 + 0.0001 × 4/8)."""
    out = run("mark_price", method="bitmex", index_price=10000, funding_rate="0.0001", time_until_funding=4)
    assert out["mark_price"] == 10000.5
    assert math.isclose(out["basis"], 0.00005, rel_tol=1e-12)


def test_binance_median_of_three_default() -> None:
    """Price1 = 10,000 × (1 + 0.0001 × 4/8) = 10,000.5; Price2 = 10,000 + 3; last 10,010 → median 10,003."""
    calc = perpcalc.get("mark_price")
    out = perpcalc.run("mark_price", calc.examples["default"])
    prices = [row["price"] for row in out["components"]]
    assert prices[:3] == [10000.5, 10003.0, 10010.0]
    assert out["mark_price"] == 10003.0
    assert math.isclose(out["basis"], 0.0003, rel_tol=1e-12)


def test_a_spiking_last_price_does_not_move_the_mark() -> None:
    out = perpcalc.run("mark_price", perpcalc.get("mark_price").examples["last_price_spike"])
    assert out["mark_price"] == 10000.5


def test_bybit_divides_by_eight_literally() -> None:
    """Bybit's Price1 uses time until funding / 8 even on a 4-hour symbol: 4 h left → ×(1 + F/2),
    where Binance would use 4/4."""
    mb, _ = mark_price("median_of_three_8h", D(10000), D("0.001"), D(4), D(4), D(0), D(20000))
    mn, _ = mark_price("median_of_three", D(10000), D("0.001"), D(4), D(4), D(0), D(20000))
    assert mb == D("10005") and mn == D("10010")  # medians: price2 = index is the lowest of the three


def test_funding_basis_vanishes_at_settlement() -> None:
    assert funding_basis(D("0.003"), D(0), D(8)) == 0
    assert mark_price("fair_price", D(123), D("0.003"), D(0))[0] == D(123)


def test_mark_price_bad_inputs() -> None:
    with pytest.raises(InputError) as err:
        run("mark_price", method="binance", index_price=100, funding_rate=0, time_until_funding=1)
    assert err.value.field == "last_price"
    with pytest.raises(InputError) as err:
        run("mark_price", method="bitmex", index_price=100, funding_rate=0, time_until_funding=9)
    assert err.value.field == "time_until_funding"


@settings(max_examples=examples(150), deadline=None)
@given(index=st.decimals(min_value=D(1), max_value=D(100000), places=2),
       rate=st.decimals(min_value=D("-0.03"), max_value=D("0.03"), places=6),
       t=st.decimals(min_value=D(0), max_value=D(8), places=3),
       ma=st.decimals(min_value=D(-50), max_value=D(50), places=2),
       last=st.decimals(min_value=D(1), max_value=D(200000), places=2))
def test_median_mark_is_one_of_the_three_and_between_them(index, rate, t, ma, last) -> None:
    mark, parts = mark_price("median_of_three", index, rate, t, D(8), ma, last)
    three = [p for _, p in parts[:3]]
    assert mark in three and min(three) <= mark <= max(three)


# ---------------------------------------------------------------- basis_convergence


def test_basis_convergence_default() -> None:
    """b₀ = 1 %, κ = 1,095: half-life ln 2/1,095 years = 0.231049 days; after a day e^(−3) of it is left."""
    out = perpcalc.run("basis_convergence", perpcalc.get("basis_convergence").examples["default"])
    assert math.isclose(out["half_life_days"], math.log(2) / 1095 * 365, rel_tol=1e-12)
    assert math.isclose(out["basis_after"], 0.01 * math.exp(-3), rel_tol=1e-12)
    assert out["path"][0] == {"day": 0.0, "basis": 0.01}
    assert out["path"][-1]["basis"] == out["basis_after"] and out["path"][-1]["day"] == 1.0
    assert len(out["path"]) <= 500


@settings(max_examples=examples(100), deadline=None)
@given(b0=st.decimals(min_value=D("-0.5"), max_value=D("0.5"), places=5).filter(lambda b: b != 0),
       k=st.decimals(min_value=D("0.1"), max_value=D(20000), places=2))
def test_half_life_halves_the_basis(b0: Decimal, k: Decimal) -> None:
    hl = basis_half_life_days(k)
    half = basis_after(b0, k, hl / 365)
    assert abs(half / b0 - D("0.5")) < D("1e-20")
    later = basis_after(b0, k, 2 * hl / 365)
    assert abs(later) < abs(half) < abs(b0) and (later > 0) == (b0 > 0)


def test_huge_exponent_is_zero_not_an_error() -> None:
    out = run("basis_convergence", initial_basis="0.05", funding_intensity=1_000_000, days=3650)
    assert out["basis_after"] == 0
