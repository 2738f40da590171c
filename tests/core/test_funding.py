"""perpcalc.funding: venue worked examples as golden tests, and the formula's invariants.

Golden values come from the venues' own examples as collected in the project's reference
notes (worked-examples.md, cex-mechanics.md §1, dex-papers-events.md A1–A2); each test
names its source and re-derives the number in a comment.
"""

from __future__ import annotations

from decimal import Decimal

import perpcalc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.funding import (
    RateRules,
    average_premium,
    funding_by_venue,
    funding_rate,
    funding_schedule,
    hourly_block_average,
    mean_premium,
    premium_index,
    running_averages,
    time_weighted_premium,
)
from perpcalc.venues import FUNDING_VENUE_KEYS, FUNDING_VENUES

D = Decimal
I_BASE = D("0.0001")
C_BASE = D("0.0005")


def run(name: str, **inputs: object) -> dict:
    return perpcalc.run(name, inputs)


def close(a: float, b: float | Decimal, tol: float = 1e-12) -> bool:
    return abs(a - float(b)) <= tol * max(1.0, abs(float(b)))


# ---------------------------------------------------------------- golden: funding rate


def test_hyperliquid_example_premium_to_hourly_rate() -> None:
    """Hyperliquid docs (via mirrors): oracle 10,000, impact bid 10,100, ask 10,110 → P = 0.01;
    F₈ = 0.01 + clamp(0.0001 − 0.01, ±0.0005) = 0.0095; hourly one eighth = 0.0011875."""
    p = premium_index(D(10000), D(10100), D(10110))
    assert p == D("0.01")
    out = run("funding_rate", premium_index=str(p), venue="hyperliquid")
    assert out["funding_rate"] == 0.0011875
    assert out["rate_8h"] == 0.0095
    assert out["payer"] == "long"


@pytest.mark.parametrize("venue", ["binance", "bybit", "bitmex"])
@pytest.mark.parametrize("premium, expected", [("0.0003", 0.0001), ("0.0010", 0.0005), ("-0.0004", 0.0001),
                                               ("0.0006", 0.0001), ("-0.0010", -0.0005)])
def test_clamp_dead_zone_worked_examples(venue: str, premium: str, expected: float) -> None:
    """worked-examples.md: I = 0.01 %, c = 0.05 %: P = 0.03 % → 0.01 %; P = 0.10 % → 0.05 %.
    The flat zone is [I − c, I + c] = [−0.04 %, +0.06 %]; −0.10 % → −0.10 % + 0.05 % = −0.05 %."""
    assert close(run("funding_rate", premium_index=premium, venue=venue)["funding_rate"], expected)


def test_bitmex_2025_support_article_example() -> None:
    """BitMEX support (2025-01-14 04:00 payment): P = −0.00184, I = 0.0001 →
    F = −0.00184 + clamp(0.00194, ±0.0005) = −0.00134; shorts pay longs."""
    out = run("funding_rate", premium_index="-0.00184", venue="bitmex")
    assert close(out["funding_rate"], -0.00134)
    assert out["payer"] == "short"


def test_deribit_damper_examples() -> None:
    """Deribit funding specification: dead band ±0.025 %: PR 0.02 % → 0; PR 0.05 % → 0.025 %."""
    assert run("funding_rate", premium_index="0.0002", venue="deribit")["funding_rate"] == 0
    assert close(run("funding_rate", premium_index="0.0005", venue="deribit")["funding_rate"], 0.00025)
    assert close(run("funding_rate", premium_index="-0.0005", venue="deribit")["funding_rate"], -0.00025)


def test_binance_4h_symbol_halves_the_rate() -> None:
    """Binance 2025-09-18 change: F is divided by 8/N; PUMPUSDT (N = 4) → divided by 2.
    P = 0.10 % → 8-hour formula 0.05 % → 0.025 % per 4-hour settlement."""
    out = run("funding_rate", premium_index="0.001", venue="binance", interval_hours=4)
    assert close(out["funding_rate"], 0.00025)
    assert close(out["rate_8h"], 0.0005)


def test_baseline_annualisation() -> None:
    """0.01 % per 8 h × 1,095 settlements = 10.95 % a year (worked-examples.md)."""
    out = run("funding_rate", premium_index="0", venue="binance")
    assert close(out["funding_rate"], 0.0001) and close(out["apr"], 0.1095)


def test_hyperliquid_cap_is_four_percent_an_hour() -> None:
    """Hyperliquid caps the hourly rate at 4 %: P = 50 % → F₈ = 0.4995, /8 = 0.0624 → 0.04."""
    assert run("funding_rate", premium_index="0.5", venue="hyperliquid")["funding_rate"] == 0.04
    assert run("funding_rate", premium_index="-0.5", venue="hyperliquid")["funding_rate"] == -0.04


def test_bybit_interest_component_and_per_interval_scaling() -> None:
    """Bybit: I = (0.06 % − 0.03 %)/3 = 0.01 % per 8 h; with 4-hour settlement the interest is
    split across 6 settlements a day (0.005 %) and the premium is not scaled."""
    assert FUNDING_VENUES["bybit"].interest_rate == (D("0.0006") - D("0.0003")) / 3
    flat = run("funding_rate", premium_index="0.0002", venue="bybit", interval_hours=4)
    assert close(flat["funding_rate"], 0.00005)
    hot = run("funding_rate", premium_index="0.003", venue="bybit", interval_hours=4)
    assert close(hot["funding_rate"], 0.0025)  # 0.003 + clamp(0.00005 − 0.003, ±0.0005)


def test_reader_fields_override_the_venue_preset() -> None:
    out = run("funding_rate", premium_index="0.01", venue="binance", cap="0.001")
    assert out["funding_rate"] == 0.001
    out = run("funding_rate", premium_index="0.01", venue="hyperliquid", interval_hours=8)
    assert out["funding_rate"] == 0.0095


def test_existing_examples_unchanged() -> None:
    calc = perpcalc.get("funding_rate")
    assert perpcalc.run("funding_rate", calc.examples["default"])["funding_rate"] == 0.0011875
    assert perpcalc.run("funding_rate", calc.examples["dead_zone"])["funding_rate"] == 0.0001
    assert close(perpcalc.run("funding_rate", calc.examples["deribit"])["funding_rate"], 0.00025)


def test_bad_choices_name_their_field() -> None:
    with pytest.raises(InputError) as err:
        run("funding_rate", premium_index="0.01", venue="ftx")
    assert err.value.field == "venue"
    with pytest.raises(InputError) as err:
        funding_rate(D("0.01"), scaling="weekly")
    assert err.value.field == "scaling"


# ---------------------------------------------------------------- properties: funding rate

premiums = st.decimals(min_value=D("-0.05"), max_value=D("0.05"), places=6)
small = st.decimals(min_value=D(0), max_value=D("0.003"), places=6)
intervals = st.sampled_from([D(1), D(2), D(4), D(8)])


@settings(max_examples=examples(200), deadline=None)
@given(p=premiums, i=st.decimals(min_value=D("-0.001"), max_value=D("0.001"), places=6), c=small)
def test_clamp_flat_inside_the_band_and_one_for_one_outside(p: Decimal, i: Decimal, c: Decimal) -> None:
    f = funding_rate(p, "clamp", i, c)
    if i - c <= p <= i + c:
        assert f == i
    elif p > i + c:
        assert f == p - c  # slope one, shifted down by the band
    else:
        assert f == p + c


@settings(max_examples=examples(200), deadline=None)
@given(p=premiums, d=small)
def test_dead_band_zero_inside_and_shrinks_by_d_outside(p: Decimal, d: Decimal) -> None:
    f = funding_rate(p, "dead_band", dead_band=d)
    if abs(p) <= d:
        assert f == 0
    else:
        assert abs(f) == abs(p) - d and (f > 0) == (p > 0)


@settings(max_examples=examples(200), deadline=None)
@given(p=premiums, method=st.sampled_from(["clamp", "dead_band", "premium"]), n=intervals,
       cap=st.decimals(min_value=D("0.00001"), max_value=D("0.02"), places=6),
       scaling=st.sampled_from(["n_over_8", "per_interval"]))
def test_cap_binds_last(p: Decimal, method: str, n: Decimal, cap: Decimal, scaling: str) -> None:
    free = funding_rate(p, method, interval_hours=n, scaling=scaling)
    capped = funding_rate(p, method, interval_hours=n, cap=cap, scaling=scaling)
    assert abs(capped) <= cap
    assert capped == max(-cap, min(cap, free))


@settings(max_examples=examples(150), deadline=None)
@given(a=premiums, b=premiums, method=st.sampled_from(["clamp", "dead_band", "premium"]), n=intervals)
def test_rate_never_falls_as_the_premium_rises(a: Decimal, b: Decimal, method: str, n: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert funding_rate(lo, method, interval_hours=n) <= funding_rate(hi, method, interval_hours=n)


@settings(max_examples=examples(100), deadline=None)
@given(p=premiums, method=st.sampled_from(["clamp", "dead_band", "premium"]))
def test_both_scalings_agree_at_eight_hours(p: Decimal, method: str) -> None:
    assert funding_rate(p, method, scaling="n_over_8") == funding_rate(p, method, scaling="per_interval")


# ---------------------------------------------------------------- venue presets and comparison


@settings(max_examples=examples(60), deadline=None)
@given(p=premiums, venue=st.sampled_from(FUNDING_VENUE_KEYS))
def test_venue_preset_reproduces_the_venue_row(p: Decimal, venue: str) -> None:
    """The funding_rate preset and funding_by_venue give each venue the same rate."""
    row = next(r for r in funding_by_venue(p) if r["venue"] == venue)
    out = run("funding_rate", premium_index=str(p), venue=venue)
    assert close(out["funding_rate"], row["funding_rate"])


@pytest.mark.parametrize("venue", [k for k in FUNDING_VENUE_KEYS if FUNDING_VENUES[k].method == "clamp"])
def test_clamp_venues_pay_the_interest_rate_pro_rata_in_the_flat_zone(venue: str) -> None:
    r = FUNDING_VENUES[venue]
    out = run("funding_rate", premium_index="0.0002", venue=venue)
    assert close(out["funding_rate"], r.interest_rate * r.interval_hours / 8)
    assert close(out["rate_8h"], r.interest_rate)


def test_funding_by_venue_stress_golden() -> None:
    """P = 1 %: Binance 0.95 % capped to 0.30 %; Bybit 0.95 % (cap ±2 %); OKX 1 % capped to
    0.375 %; BitMEX 0.95 % capped to 0.375 %; Deribit 1 % − 0.025 % = 0.975 %; Hyperliquid
    0.95 %/8 = 0.11875 % an hour; dYdX 1 %/8 = 0.125 % an hour (cap 1.5 %); Drift 1 %/24 =
    0.041667 % an hour (cap 0.125 %)."""
    out = run("funding_by_venue", premium_index="0.01")
    rates = {r["venue"]: r["funding_rate"] for r in out["venues"]}
    expected = {"binance": 0.003, "bybit": 0.0095, "okx": 0.00375, "bitmex": 0.00375, "deribit": 0.00975,
                "hyperliquid": 0.0011875, "dydx": 0.00125, "drift": 0.01 / 24}
    assert set(rates) == set(expected)
    for k, v in expected.items():
        assert close(rates[k], v), k
    capped = {r["venue"] for r in out["venues"] if r["capped"] == "yes"}
    assert capped == {"binance", "okx", "bitmex"}
    # 8-hour equivalents run from 0.30 % (Binance) to 1 % (dYdX)
    assert close(out["spread_8h"], 0.007)
    assert "binance" in out["summary"] and "dydx" in out["summary"]


def test_funding_by_venue_calm_market() -> None:
    """P = 0.03 %: the clamp venues sit at 0.01 % per 8 h, OKX passes 0.03 %, Deribit 0.005 %."""
    rows = {r["venue"]: r for r in run("funding_by_venue", premium_index="0.0003")["venues"]}
    for k in ("binance", "bybit", "bitmex", "hyperliquid"):
        assert close(rows[k]["rate_8h"], 0.0001)
        assert close(rows[k]["apr"], 0.1095)
    assert close(rows["okx"]["rate_8h"], 0.0003)
    assert close(rows["deribit"]["rate_8h"], 0.00005)


# ---------------------------------------------------------------- averaging and predicted rate


def test_time_weighted_average_by_hand() -> None:
    """Bybit's formula Σ i·Pᵢ / Σ i: (1·0.0002 + … + 6·0.0012)/21 = 0.0002 × 91/21."""
    samples = [D("0.0002") * i for i in range(1, 7)]
    assert time_weighted_premium(samples) == D("0.0002") * 91 / 21
    assert mean_premium(samples) == D("0.0007")


def test_predicted_funding_default_example() -> None:
    """Binance rules, six rising samples: time-weighted P̄ = 0.000866667 → F = P̄ − 0.0005;
    the simple mean 0.0007 would give 0.0002."""
    calc = perpcalc.get("predicted_funding")
    out = perpcalc.run("predicted_funding", calc.examples["default"])
    assert close(out["average_premium"], float(D("0.0182") / 21))
    assert close(out["predicted_rate"], float(D("0.0182") / 21 - C_BASE))
    assert close(out["mean_rate"], 0.0002)
    assert [pt["predicted_rate"] for pt in out["path"]][:4] == [0.0001] * 4  # still in the flat zone
    assert out["path"][-1]["predicted_rate"] == out["predicted_rate"]


def test_bybit_480_constant_samples() -> None:
    """An 8-hour Bybit interval has 480 one-minute samples; constant samples average to themselves."""
    out = run("predicted_funding", premiums=[{"premium": "0.001"}] * 480, venue="bybit")
    assert out["time_weighted_premium"] == out["mean_premium"] == 0.001
    assert close(out["predicted_rate"], 0.0005)


def test_long_inputs_are_thinned_but_end_at_the_final_rate() -> None:
    samples = [{"premium": str(D(i % 37) / 10000)} for i in range(5760)]  # Binance: 5,760 per 8 h
    out = run("predicted_funding", premiums=samples, venue="binance")
    assert len(out["path"]) <= 500
    assert out["path"][0]["sample"] == 1 and out["path"][-1]["sample"] == 5760
    assert out["path"][-1]["predicted_rate"] == out["predicted_rate"]


sample_lists = st.lists(st.decimals(min_value=D("-0.01"), max_value=D("0.01"), places=6), min_size=1, max_size=60)


@settings(max_examples=examples(150), deadline=None)
@given(p=st.decimals(min_value=D("-0.01"), max_value=D("0.01"), places=6), n=st.integers(1, 200))
def test_constant_samples_both_weightings_agree(p: Decimal, n: int) -> None:
    assert time_weighted_premium([p] * n) == p
    assert mean_premium([p] * n) == p


@settings(max_examples=examples(150), deadline=None)
@given(samples=sample_lists, weighting=st.sampled_from(["time_weighted", "mean"]))
def test_running_average_ends_at_the_final_average_and_stays_in_range(samples: list, weighting: str) -> None:
    path = running_averages(samples, weighting)
    assert path[-1] == average_premium(samples, weighting)
    assert min(samples) <= path[-1] <= max(samples)


@settings(max_examples=examples(60), deadline=None)
@given(samples=sample_lists, venue=st.sampled_from(FUNDING_VENUE_KEYS))
def test_predicted_path_ends_at_the_predicted_rate(samples: list, venue: str) -> None:
    out = run("predicted_funding", premiums=[{"premium": str(p)} for p in samples], venue=venue)
    assert out["path"][-1]["predicted_rate"] == out["predicted_rate"]
    assert out["path"][-1]["average_premium"] == out["average_premium"]


@settings(max_examples=examples(100), deadline=None)
@given(samples=st.lists(st.decimals(min_value=D(0), max_value=D("0.01"), places=6), min_size=2, max_size=40))
def test_time_weighting_favours_late_samples(samples: list) -> None:
    """Sorted ascending, later samples are larger, so the time-weighted average is ≥ the mean."""
    rising = sorted(samples)
    assert time_weighted_premium(rising) >= mean_premium(rising)
    assert time_weighted_premium(rising[::-1]) <= mean_premium(rising)


def test_hourly_block_weights_are_the_dense_sample_limit() -> None:
    """With m equal samples per hour and linear weights 1…n·m, hour h weighs ≈ (2h − 1)/n²."""
    hours = [D("0.001"), D("0.003"), D("0.002"), D("0.004")]
    m = 720  # 5-second samples per hour
    dense = [p for p in hours for _ in range(m)]
    exact = time_weighted_premium(dense)
    approx = hourly_block_average(hours, "time_weighted")
    assert abs(exact - approx) < D("1e-6")
    assert hourly_block_average(hours, "mean") == D("0.0025")


# ---------------------------------------------------------------- interval shortening


def okx_rules() -> RateRules:
    r = FUNDING_VENUES["okx"]
    return RateRules(r.method, r.interest_rate, r.clamp, r.dead_band, r.cap, r.scaling)


def test_okx_step_example_16_18_19() -> None:
    """OKX (2026-04-14): a 4-hour contract with a ±0.375 % cap settles at the cap at 16:00 UTC and
    next settles at 18:00; capped again, the next is 19:00."""
    out = run("funding_schedule", venue="okx", interval_hours=4, start="2026-05-01T12:00Z",
              premiums=[{"premium": "0.005"}] * 7)
    times = [r["time"] for r in out["settlements"]]
    assert times == ["2026-05-01 16:00 UTC", "2026-05-01 18:00 UTC", "2026-05-01 19:00 UTC"]
    assert [r["interval_hours"] for r in out["settlements"]] == [4, 2, 1]
    assert all(r["capped"] == "yes" and r["funding_rate"] == 0.00375 for r in out["settlements"])
    assert out["next_interval_hours"] == 1


def test_okx_default_example_returns_to_the_clock() -> None:
    calc = perpcalc.get("funding_schedule")
    out = perpcalc.run("funding_schedule", calc.examples["default"])
    assert [r["interval_hours"] for r in out["settlements"]] == [4, 2, 1, 1, 4]
    assert out["settlements"][-1]["time"] == "2026-05-02 00:00 UTC"
    assert out["capped_settlements"] == 3
    assert close(out["total_rate"], 3 * 0.00375 + 0.002 + 0.001)
    assert out["next_interval_hours"] == 4


def test_bybit_dynamic_settlement_example() -> None:
    """Bybit (2025-10): a 4-hour contract with ±2 % limits that settles at +2 % moves to hourly
    settlement; one that settles at 1 % keeps its 4-hour interval."""
    capped = run("funding_schedule", venue="bybit", interval_hours=4, premiums=[{"premium": "0.03"}] * 5)
    assert capped["settlements"][0]["funding_rate"] == 0.02
    assert capped["settlements"][0]["capped"] == "yes"
    assert capped["settlements"][1]["time"] == "+5 h"
    calm = run("funding_schedule", venue="bybit", interval_hours=4, premiums=[{"premium": "0.0105"}] * 8)
    assert close(calm["settlements"][0]["funding_rate"], 0.01)  # 0.0105 + clamp(0.00005 − 0.0105, ±0.0005)
    assert [r["interval_hours"] for r in calm["settlements"]] == [4, 4]
    assert calm["next_interval_hours"] == 4


def test_jump_goes_straight_to_hourly_from_eight() -> None:
    settlements, nxt, left = funding_schedule([D("0.01")] * 10, 8, okx_rules(), "jump", 1)
    assert [s.interval_hours for s in settlements] == [8, 1, 1] and nxt == 1 and left == 0


def test_no_cap_never_shortens() -> None:
    out = run("funding_schedule", interval_hours=8, premiums=[{"premium": "0.5"}] * 24, method="premium")
    assert [r["interval_hours"] for r in out["settlements"]] == [8, 8, 8]
    assert "never shortens" in out["summary"]


def test_too_few_hours_settle_nothing() -> None:
    out = run("funding_schedule", venue="okx", premiums=[{"premium": "0.001"}] * 3)
    assert out["settlements"] == [] and out["next_interval_hours"] == 8
    assert "nothing settles" in out["summary"]


def test_schedule_bad_inputs() -> None:
    with pytest.raises(InputError) as err:
        run("funding_schedule", premiums=[{"premium": "0.001"}], start="yesterday")
    assert err.value.field == "start"
    with pytest.raises(InputError) as err:
        run("funding_schedule", premiums=[{"premium": "0.001"}], interval_hours=4, shortest_interval_hours=8)
    assert err.value.field == "shortest_interval_hours"


hourly_lists = st.lists(st.decimals(min_value=D("-0.02"), max_value=D("0.02"), places=5), min_size=1, max_size=80)


@settings(max_examples=examples(120), deadline=None)
@given(hourly=hourly_lists, base=st.sampled_from([1, 2, 4, 8]), rule=st.sampled_from(["jump", "step", "none"]),
       cap=st.decimals(min_value=D("0.0005"), max_value=D("0.01"), places=5),
       weighting=st.sampled_from(["mean", "time_weighted"]))
def test_schedule_invariants(hourly: list, base: int, rule: str, cap: Decimal, weighting: str) -> None:
    rules = RateRules("clamp", I_BASE, C_BASE, D(0), cap, "n_over_8")
    settlements, nxt, left = funding_schedule(hourly, base, rules, rule, 1, weighting)
    used = sum(s.interval_hours for s in settlements)
    assert used + left == len(hourly)
    assert 1 <= nxt <= base
    for s, after in zip(settlements, [*settlements[1:], None], strict=False):
        assert abs(s.funding_rate) <= cap
        assert s.capped == (abs(rules.rate(s.average_premium, D(s.interval_hours), False)) >= cap)
        following = after.interval_hours if after is not None else nxt
        if s.capped and rule == "jump":
            assert following == 1
        elif s.capped and rule == "step":
            assert following == max(1, s.interval_hours // 2)
        elif s.capped:
            assert following == s.interval_hours
        else:
            # below the cap: back on the base clock
            assert (s.offset_hours + following) % base == 0
