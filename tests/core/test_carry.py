"""Carry calculators: funding_exposure, funding_arbitrage, carry_trade, leverage_cost.

Golden tests derive every figure by hand in the docstring (numbers from the venue notes are
copied in, never read at test time); property tests check the invariants: sums of
payments, long = −short, linearity in time, fee monotonicity, zero carry on equal rates,
and that a flip to a lower rate never helps the carry.
"""

from __future__ import annotations

from decimal import Decimal as D

import perpcalc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.carry import (
    carry_trade,
    funding_arbitrage,
    funding_exposure,
    leverage_cost,
    liquidation_buffer,
)
from perpcalc.funding import funding_payment

FAST = settings(max_examples=examples(60), deadline=None)

rates_st = st.decimals(min_value=D("-0.01"), max_value=D("0.01"), places=6, allow_nan=False, allow_infinity=False)
sizes = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3, allow_nan=False, allow_infinity=False)
prices = st.decimals(min_value=D("0.01"), max_value=D("200000"), places=2, allow_nan=False, allow_infinity=False)
sides = st.sampled_from(["long", "short"])
contracts = st.sampled_from(["linear", "inverse"])


# ------------------------------------------------------------------ funding_exposure: golden


def test_exposure_default_baseline_30_days_binance_8h() -> None:
    """Binance-style baseline 0.01 % per 8 h (worked-examples.md: 0.01 % × 1,095 = 10.95 %/yr).

    1 BTC long at 60,000: notional 60,000; one settlement: −60,000 × 0.0001 = −6.
    30 days = 30 × 24 / 8 = 90 settlements → −6 × 90 = −540; the short receives +540.
    Average rate 0.0001 × 1,095 settlements a year = 10.95 % simple.
    """
    out = perpcalc.run("funding_exposure", perpcalc.get("funding_exposure").examples["default"])
    assert out["total_payment"] == -540
    assert out["intervals"] == 90
    assert out["intervals_paid"] == 90 and out["intervals_received"] == 0
    assert out["apr_equivalent"] == pytest.approx(0.1095)
    assert out["holder_apr"] == pytest.approx(-0.1095)
    assert out["path"][0] == {"interval": 1, "rate": 0.0001, "payment": -6.0, "cumulative": -6.0}
    assert out["path"][-1]["cumulative"] == -540
    short = perpcalc.run("funding_exposure", dict(perpcalc.get("funding_exposure").examples["default"], side="short"))
    assert short["total_payment"] == 540 and short["intervals_received"] == 90


def test_exposure_negative_path_long_receives() -> None:
    """The `negative` example: 12 rates turning negative, 1 BTC long at 60,000.

    Σ positives = 0.0001 + 0.0001 + 0.00008 + 0.00005 + 0.00002 = 0.00035;
    Σ negatives = −(0.00005 + 0.0001 + 0.0002 + 0.0003 + 0.0002 + 0.0001) = −0.00095;
    Σ r = −0.0006 → long total = −60,000 × (−0.0006) = +36 (received).
    5 positive rates (long pays), 6 negative (long receives), 1 zero (nobody pays).
    Average −0.0006 / 12 = −0.00005 → −0.00005 × 1,095 = −5.475 %/yr; holder's view +5.475 %.
    The running total bottoms at interval 6: −6 −6 −4.8 −3 −1.2 − 0 = −21.
    """
    out = perpcalc.run("funding_exposure", perpcalc.get("funding_exposure").examples["negative"])
    assert out["total_payment"] == pytest.approx(36)
    assert out["intervals_paid"] == 5 and out["intervals_received"] == 6
    assert out["average_rate"] == pytest.approx(-0.00005)
    assert out["holder_apr"] == pytest.approx(0.05475)
    assert min(p["cumulative"] for p in out["path"]) == pytest.approx(-21)
    assert out["path"][5]["cumulative"] == pytest.approx(-21)


def test_exposure_bitmex_inverse_guide_example() -> None:
    """BitMEX guide: long 15,000 XBTUSD (1 USD each) at 750 → 15,000 / 750 = 20 XBT;
    funding 0.25 % → the long pays 20 × 0.0025 = 0.05 XBT per settlement; 3 settlements 0.15 XBT."""
    out = perpcalc.run("funding_exposure", perpcalc.get("funding_exposure").examples["inverse"])
    assert out["notional"] == 20 and out["currency"] == "base"
    assert out["path"][0]["payment"] == pytest.approx(-0.05)
    assert out["total_payment"] == pytest.approx(-0.15)


def test_exposure_hyperliquid_hourly_example_for_a_day() -> None:
    """Hyperliquid's example (worked-examples.md): 10 BTC at 10,000, hourly 0.11875 %
    → 100,000 × 0.0011875 = 118.75 an hour; 24 hourly settlements → 2,850; APR 0.0011875 × 8,760 = 10.4025."""
    out = perpcalc.run("funding_exposure", {"side": "long", "size": 10, "mark_price": 10000,
                                            "funding_rate": "0.0011875", "intervals": 24, "interval_hours": 1})
    assert out["path"][0]["payment"] == -118.75
    assert out["total_payment"] == -2850
    assert out["apr_equivalent"] == pytest.approx(10.4025)


def test_exposure_path_replaces_constant_and_accepts_csv_text() -> None:
    """A pasted column (no header) is one rate per interval and overrides rate × intervals:
    −100 × (0.01 % + 0.03 % − 0.02 %) = −0.02 for a 1-unit long at 100 (in % units: 0.02 % of 100)."""
    out = perpcalc.run("funding_exposure", {"mark_price": 100, "funding_rate": "0.5", "intervals": 7,
                                            "rates": "0.0001\n0.0003\n-0.0002"})
    assert out["intervals"] == 3
    assert out["total_payment"] == pytest.approx(-0.02)
    pct = perpcalc.run("funding_exposure", {"mark_price": 100, "rates": "rate\n0.01%\n0.03%\n-0.02%"})
    assert pct["total_payment"] == pytest.approx(-0.02)


def test_exposure_long_series_is_thinned_to_500_points_keeping_the_end() -> None:
    """100,000 settlements at 0.01 % on 1 × 60,000: total −6 × 100,000 = −600,000, exact."""
    out = perpcalc.run("funding_exposure", {"mark_price": 60000, "funding_rate": "0.0001", "intervals": 100_000})
    assert out["total_payment"] == -600_000
    assert len(out["path"]) <= 500
    assert out["path"][-1] == {"interval": 100_000, "rate": 0.0001, "payment": -6.0, "cumulative": -600_000.0}
    xs = [p["interval"] for p in out["path"]]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


# ------------------------------------------------------------------ funding_exposure: properties


@FAST
@given(side=sides, size=sizes, mark=prices, contract=contracts, rates=st.lists(rates_st, min_size=1, max_size=40),
       cut=st.integers(min_value=0, max_value=40))
def test_exposure_total_is_sum_of_interval_payments(side, size, mark, contract, rates, cut) -> None:
    """Total over a path = Σ of one-interval funding_payment calls, and splitting the path adds up."""
    res = funding_exposure(side, size, mark, rates, contract)
    singles = [funding_payment(side, size, mark, r, D(1), contract) for r in rates]
    assert res.total_payment == sum(singles, D(0))
    assert res.intervals_paid + res.intervals_received == sum(1 for r in rates if r != 0)
    cut = min(cut, len(rates))
    if 0 < cut < len(rates):
        head = funding_exposure(side, size, mark, rates[:cut], contract).total_payment
        tail = funding_exposure(side, size, mark, rates[cut:], contract).total_payment
        if contract == "linear":
            assert head + tail == res.total_payment  # exact in Decimal
        else:
            assert abs(head + tail - res.total_payment) <= D("1e-25") * (1 + abs(res.total_payment))


@FAST
@given(size=sizes, mark=prices, contract=contracts, rates=st.lists(rates_st, min_size=1, max_size=40))
def test_exposure_long_total_is_minus_short_total(size, mark, contract, rates) -> None:
    long = funding_exposure("long", size, mark, rates, contract)
    short = funding_exposure("short", size, mark, rates, contract)
    assert long.total_payment == -short.total_payment
    assert long.intervals_paid == short.intervals_received


@FAST
@given(side=sides, size=sizes, mark=prices, rate=rates_st, m=st.integers(1, 300), n=st.integers(1, 300))
def test_constant_rate_exposure_is_linear_in_intervals(side, size, mark, rate, m, n) -> None:
    base = {"side": side, "size": str(size), "mark_price": str(mark), "funding_rate": str(rate)}
    one = funding_exposure(side, size, mark, [rate]).total_payment
    tm = funding_exposure(side, size, mark, [rate] * m).total_payment
    tn = funding_exposure(side, size, mark, [rate] * n).total_payment
    tmn = funding_exposure(side, size, mark, [rate] * (m + n)).total_payment
    assert tm == one * m and tmn == tm + tn
    out = perpcalc.run("funding_exposure", dict(base, intervals=m))
    assert out["total_payment"] == float(tm)


# ------------------------------------------------------------------ funding_arbitrage


def test_arbitrage_default_binance_8h_vs_hyperliquid_1h() -> None:
    """Venue A 0.01 %/8 h (Binance baseline), venue B 0.003 %/h (hourly, Hyperliquid-style).

    Common clock: A 0.0001 / 8 = 0.0000125 /h; B 0.00003 /h → B pays more: short B, long A.
    Carry c = 0.0000175 /h = 0.00014 per 8 h = 0.0000175 × 8,760 = 15.33 % a year.
    30 days = 720 h: income 0.0000175 × 720 × 10,000 = 126.
    Fees: 10,000 × (2 × 0.0005 + 2 × 0.00045) = 19; entry spread 10,000 × 0.0002 = 2 → 21.
    Net 126 − 21 = 105. Break-even per 8 h: 21 / (10,000 × 720 / 8) = 0.0000233…;
    break-even days: 21 / (0.0000175 × 24 × 10,000) = 21 / 4.2 = 5.
    3× leverage: margin 10,000 / 3 = 3,333.33 per leg; buffer 1/3 − 0.005 = 0.328333….
    """
    out = perpcalc.run("funding_arbitrage", perpcalc.get("funding_arbitrage").examples["default"])
    assert out["short_venue"] == "B"
    assert out["rate_a_8h"] == pytest.approx(0.0001) and out["rate_b_8h"] == pytest.approx(0.00024)
    assert out["hourly_carry"] == pytest.approx(0.0000175)
    assert out["carry_8h"] == pytest.approx(0.00014)
    assert out["annual_carry"] == pytest.approx(0.1533)
    assert out["funding_income"] == pytest.approx(126)
    assert out["fees"] == pytest.approx(21)
    assert out["net_pnl"] == pytest.approx(105)
    assert out["breakeven_rate_8h"] == pytest.approx(21 / 900_000)
    assert out["breakeven_days"] == pytest.approx(5)
    assert out["capital_a"] == out["capital_b"] == pytest.approx(3333.333333)
    assert out["liquidation_buffer"] == pytest.approx(1 / 3 - 0.005)
    assert "Short venue B" in out["summary"]


def test_arbitrage_hyperliquid_baseline_equals_binance_baseline() -> None:
    """Hyperliquid's interest 0.00125 %/h (dex notes) is Binance's 0.01 %/8 h on a common clock:
    no carry; the trade just loses its costs (21) and never breaks even."""
    out = perpcalc.run("funding_arbitrage", perpcalc.get("funding_arbitrage").examples["equal"])
    assert out["hourly_carry"] == 0 and out["annual_carry"] == 0
    assert out["net_pnl"] == pytest.approx(-21)
    assert out["breakeven_days"] is None
    assert out["short_venue"] == "either"


def test_arbitrage_opposite_signs_collect_both_legs() -> None:
    """A at −0.03 %/8 h (shorts pay), B at 0.00125 %/h: short B receives 0.00125 %/h and the
    long on A is paid 0.00375 %/h: carry 0.005 %/h; 7 days = 168 h → 0.00005 × 168 × 10,000 = 84."""
    out = perpcalc.run("funding_arbitrage", perpcalc.get("funding_arbitrage").examples["negative"])
    assert out["short_venue"] == "B"
    assert out["funding_income"] == pytest.approx(84)
    assert out["breakeven_days"] == pytest.approx(21 / (0.00005 * 24 * 10_000))


arb_args = st.fixed_dictionaries({
    "rate_a": rates_st, "interval_hours_a": st.sampled_from([D(1), D(2), D(4), D(8)]),
    "rate_b": rates_st, "interval_hours_b": st.sampled_from([D(1), D(2), D(4), D(8)]),
    "notional": st.decimals(min_value=D(1), max_value=D(10**7), places=2),
    "taker_fee_a": st.decimals(min_value=D(0), max_value=D("0.002"), places=5),
    "taker_fee_b": st.decimals(min_value=D(0), max_value=D("0.002"), places=5),
    "entry_spread": st.decimals(min_value=D("-0.001"), max_value=D("0.001"), places=5),
    "holding_days": st.decimals(min_value=D("0.1"), max_value=D(365), places=1),
    "leverage": st.decimals(min_value=D(1), max_value=D(50), places=1),
})


@FAST
@given(args=arb_args, extra=st.decimals(min_value=D("0.00001"), max_value=D("0.01"), places=5),
       which=st.sampled_from(["taker_fee_a", "taker_fee_b", "entry_spread"]))
def test_arbitrage_net_pnl_falls_as_fees_rise(args, extra, which) -> None:
    lo = funding_arbitrage(**args)
    hi = funding_arbitrage(**dict(args, **{which: args[which] + extra}))
    assert hi.net_pnl < lo.net_pnl
    assert hi.funding_income == lo.funding_income
    assert hi.breakeven_rate_8h > lo.breakeven_rate_8h


@FAST
@given(args=arb_args)
def test_arbitrage_equal_rates_on_a_common_clock_carry_nothing(args) -> None:
    """rate_b = rate_a × N_b / N_a is the same hourly rate: zero carry, net = −costs."""
    args = dict(args, rate_b=args["rate_a"] * args["interval_hours_b"] / args["interval_hours_a"])
    r = funding_arbitrage(**args)
    assert r.hourly_carry == 0 and r.funding_income == 0
    assert r.net_pnl == -r.fees
    assert r.breakeven_days is None


@FAST
@given(args=arb_args)
def test_arbitrage_is_symmetric_in_the_venues(args) -> None:
    swapped = dict(args, rate_a=args["rate_b"], rate_b=args["rate_a"], interval_hours_a=args["interval_hours_b"],
                   interval_hours_b=args["interval_hours_a"], taker_fee_a=args["taker_fee_b"],
                   taker_fee_b=args["taker_fee_a"])
    a, b = funding_arbitrage(**args), funding_arbitrage(**swapped)
    assert a.net_pnl == b.net_pnl and a.hourly_carry >= 0
    assert {a.short_venue, b.short_venue} in ({"A", "B"}, {"either"})


def test_liquidation_buffer_approximation() -> None:
    """1/leverage − mmr: 3× and 0.5 % → 0.32833…; 10× and 1 % → 0.09; 200× and 0.5 % → 0: error."""
    assert liquidation_buffer(D(3), D("0.005")) == D(1) / 3 - D("0.005")
    assert liquidation_buffer(D(10), D("0.01")) == D("0.09")
    with pytest.raises(InputError) as err:
        liquidation_buffer(D(200), D("0.005"))
    assert err.value.field == "leverage"


# ------------------------------------------------------------------ carry_trade


def test_carry_default_and_its_flip() -> None:
    """10,000 a leg, 0.01 %/8 h, 30 days → 30 × 24 / 8 = 90 settlements of 10,000 × 0.0001 = 1 → 90.
    Fees in and out: 2 × 10,000 × (0.001 + 0.0005) = 30 → net 60.
    Capital 10,000 + 10,000 / 2 = 15,000 → 60 / 15,000 × 365 / 30 = 4.8667 % a year;
    before fees 0.0001 × 1,095 × 10,000 / 15,000 = 7.3 %. Fees covered after 30 / 1 = 30 settlements.
    Flip: −0.03 % for settlements 46–75: settlements 1–45 and 76–90 at +1 (60), 46–75 at −3 (−90):
    funding −30, net −60.
    Path at 45: −30 + 45 = 15; then −3 each: 50 → 0, 51 → −3 (first below zero) → carry_lost_at 51.
    Perp leg at 2× with mmr 0.5 %: buffer 0.5 − 0.005 = 0.495.
    """
    out = perpcalc.run("carry_trade", perpcalc.get("carry_trade").examples["default"])
    assert out["intervals"] == 90
    assert out["fees"] == pytest.approx(30)
    assert out["net_pnl"] == pytest.approx(60)
    assert out["capital"] == 15000
    assert out["apr_on_capital"] == pytest.approx(60 / 15000 * 365 / 30)
    assert out["gross_apr"] == pytest.approx(0.073)
    assert out["breakeven_intervals"] == 30
    assert out["net_pnl_with_flip"] == pytest.approx(-60)
    assert out["carry_lost_at"] == 51
    assert out["liquidation_buffer"] == pytest.approx(0.495)
    path = out["path"]
    assert path[0] == {"interval": 0, "cumulative_base": -30.0, "cumulative_flip": -30.0}
    assert path[30]["cumulative_base"] == 0
    assert path[50]["cumulative_flip"] == 0 and path[51]["cumulative_flip"] == -3
    assert path[-1] == {"interval": 90, "cumulative_base": 60.0, "cumulative_flip": -60.0}


def test_carry_hourly_example_thins_its_path() -> None:
    """Hourly 0.00125 % on 10,000 = 0.125 per hour; 90 days = 2,160 settlements → 270 − 30 = 240.
    Flip −0.005 % (−0.5 per hour) for 240 h after 720: funding 270 − 240 × 0.625 = 120 → net 90.
    At 720 the path is −30 + 90 = 60; it is below zero 121 settlements later, at 841."""
    out = perpcalc.run("carry_trade", perpcalc.get("carry_trade").examples["hourly"])
    assert out["net_pnl"] == pytest.approx(240)
    assert out["net_pnl_with_flip"] == pytest.approx(90)
    assert out["carry_lost_at"] == 841
    assert out["breakeven_intervals"] == 240
    assert len(out["path"]) <= 501 and out["path"][-1]["interval"] == 2160


def test_carry_negative_rate_never_breaks_even() -> None:
    out = perpcalc.run("carry_trade", dict(perpcalc.get("carry_trade").examples["default"], funding_rate="-0.0001"))
    assert out["breakeven_intervals"] is None
    assert out["net_pnl"] == pytest.approx(-120)  # −90 funding − 30 fees
    assert out["apr_on_capital"] < 0


carry_args = st.fixed_dictionaries({
    "notional": st.decimals(min_value=D(1), max_value=D(10**6), places=2),
    "funding_rate": rates_st,
    "interval_hours": st.sampled_from([D(1), D(4), D(8)]),
    "days": st.decimals(min_value=D("0.5"), max_value=D(60), places=1),
    "spot_fee": st.decimals(min_value=D(0), max_value=D("0.002"), places=5),
    "perp_fee": st.decimals(min_value=D(0), max_value=D("0.002"), places=5),
    "perp_leverage": st.decimals(min_value=D(1), max_value=D(20), places=1),
    "flip_after": st.integers(0, 400),
    "flip_intervals": st.integers(0, 400),
})


@FAST
@given(args=carry_args, drop=st.decimals(min_value=D("0.000001"), max_value=D("0.01"), places=6))
def test_carry_with_flip_never_beats_carry_without(args, drop) -> None:
    r = carry_trade(**args, flip_rate=args["funding_rate"] - drop)
    assert r.net_pnl_with_flip <= r.net_pnl
    assert all(f <= b for f, b in zip(r.flip, r.base, strict=True))
    flipped = max(0, min(r.intervals, args["flip_after"] + args["flip_intervals"]) - args["flip_after"])
    assert r.net_pnl - r.net_pnl_with_flip == flipped * args["notional"] * drop


@FAST
@given(args=carry_args)
def test_carry_without_a_flip_window_matches_the_base(args) -> None:
    r = carry_trade(**dict(args, flip_intervals=0), flip_rate=D("-0.5"))
    assert r.flip == r.base and r.carry_lost_at is None
    assert r.net_pnl == r.intervals * args["notional"] * args["funding_rate"] - r.fees


# ------------------------------------------------------------------ leverage_cost


def test_leverage_cost_default_long_vs_8pct_borrow() -> None:
    """10,000 long, 0.01 %/8 h for 30 days: 90 × 1 = 90 funding (10.95 % a year).
    Borrowing 10,000 at 8 %: 10,000 × 0.08 × 30 / 365 = 65.7534; perp costs 24.2466 more.
    Equal cost at 0.08 × 8 / 8,760 = 0.0000730594 per 8 h."""
    out = perpcalc.run("leverage_cost", perpcalc.get("leverage_cost").examples["default"])
    assert out["funding_cost"] == pytest.approx(90)
    assert out["borrow_cost"] == pytest.approx(65.753424657)
    assert out["funding_apr"] == pytest.approx(0.1095)
    assert out["difference"] == pytest.approx(24.246575342)
    assert out["breakeven_rate"] == pytest.approx(0.08 * 8 / 8760)
    assert out["cheaper"].startswith("Borrowing is cheaper by 24.25")


def test_leverage_cost_negative_funding_pays_the_long() -> None:
    """At −0.01 %/8 h the long is paid 90: cost −90; perp cheaper by 90 + 65.75 = 155.75."""
    out = perpcalc.run("leverage_cost", perpcalc.get("leverage_cost").examples["negative"])
    assert out["funding_cost"] == pytest.approx(-90)
    assert out["payer"] == "short"
    assert out["cheaper"].startswith("The perp's funding is cheaper by 155.75") and "pays you" in out["cheaper"]


@FAST
@given(notional=st.decimals(min_value=D(1), max_value=D(10**6), places=2), rate=rates_st,
       hours=st.sampled_from([D(1), D(8)]), days=st.decimals(min_value=D(1), max_value=D(365), places=0),
       borrow=st.decimals(min_value=D(0), max_value=D("0.5"), places=4))
def test_leverage_cost_sides_mirror_and_breakeven_rate_equalises(notional, rate, hours, days, borrow) -> None:
    long = leverage_cost("long", notional, rate, hours, days, borrow)
    short = leverage_cost("short", notional, rate, hours, days, borrow)
    assert long.funding_cost == -short.funding_cost
    at_be = leverage_cost("long", notional, long.breakeven_rate, hours, days, borrow)
    assert abs(at_be.difference) <= D("1e-20") * (1 + notional)


# ------------------------------------------------------------------ junk input names the field


@pytest.mark.parametrize(
    "name, change, field",
    [
        ("funding_exposure", {"funding_rate": None, "rates": ""}, "funding_rate"),
        ("funding_exposure", {"funding_rate": None, "rates": []}, "funding_rate"),
        ("funding_exposure", {"rates": "0.0001\nabc"}, "rates"),
        ("funding_exposure", {"rates": [{"rate": "2"}]}, "rates"),
        ("funding_exposure", {"intervals": 0}, "intervals"),
        ("funding_exposure", {"intervals": "1.5"}, "intervals"),
        ("funding_exposure", {"mark_price": 0}, "mark_price"),
        ("funding_exposure", {"interval_hours": 0}, "interval_hours"),
        ("funding_arbitrage", {"leverage": 0}, "leverage"),
        ("funding_arbitrage", {"leverage": 200}, "leverage"),
        ("funding_arbitrage", {"holding_days": -1}, "holding_days"),
        ("funding_arbitrage", {"taker_fee_a": -0.001}, "taker_fee_a"),
        ("funding_arbitrage", {"interval_hours_b": 0}, "interval_hours_b"),
        ("funding_arbitrage", {"notional": "nan"}, "notional"),
        ("carry_trade", {"perp_leverage": 0}, "perp_leverage"),
        ("carry_trade", {"days": -30}, "days"),
        ("carry_trade", {"days": 3650, "interval_hours": "0.01"}, "days"),
        ("carry_trade", {"flip_after": -1}, "flip_after"),
        ("carry_trade", {"perp_leverage": 150, "mmr": "0.01"}, "perp_leverage"),
        ("leverage_cost", {"days": 0}, "days"),
        ("leverage_cost", {"side": "flat"}, "side"),
        ("leverage_cost", {"borrow_rate": "abc"}, "borrow_rate"),
    ],
)
def test_junk_inputs_raise_input_error_naming_the_field(name, change, field) -> None:
    inputs = dict(perpcalc.get(name).examples["default"])
    for k, v in change.items():
        if v is None:
            inputs.pop(k, None)
        else:
            inputs[k] = v
    with pytest.raises(InputError) as err:
        perpcalc.run(name, inputs)
    assert err.value.field == field, err.value.message
    assert err.value.message
