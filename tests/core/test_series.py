"""perpcalc.series: golden values worked by hand, statistical properties, junk inputs.

Every golden value below is derived in the test's comments from the definitions (mean,
sample standard deviation, runs, reversals, least-squares AR(1), AR(1) forecasts), not
read back from the implementation.
"""

from __future__ import annotations

import itertools
import math
import statistics
from decimal import Decimal

import perpcalc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from perpcalc import InputError
from perpcalc.series import (
    ar1_coefficient,
    describe,
    forecast_errors,
    forecast_path,
    half_life,
    longest_runs,
    reversion_speed,
    sign_reversals,
    simulate_funding,
)

D = Decimal


def bp(*values: float) -> list[Decimal]:
    """Rates given in hundredths of a basis point (1 → 0.00001 = 0.001 %)."""
    return [D(v) * D("0.00001") for v in values]


# ------------------------------------------------------------------ exact statistics, by hand


def test_describe_by_hand() -> None:
    # 0.01 %, 0.03 %, −0.01 %, 0.01 %
    rates = [D("0.0001"), D("0.0003"), D("-0.0001"), D("0.0001")]
    s = describe(rates)
    # mean = 0.0004 / 4 = 0.0001
    assert s["mean"] == D("0.0001")
    # sorted: −0.0001, 0.0001, 0.0001, 0.0003 → median = (0.0001 + 0.0001) / 2
    assert s["median"] == D("0.0001")
    # deviations 0, 0.0002, −0.0002, 0 → Σd² = 8e-8; sample variance 8e-8 / 3;
    # stdev = √(2.6667e-8) = 0.000163299316185545…
    assert abs(s["stdev"] - D("0.000163299316185545")) < D("1e-18")
    assert s["min"] == D("-0.0001") and s["max"] == D("0.0003")
    assert s["share_negative"] == D("0.25") and s["share_positive"] == D("0.75")
    assert s["count"] == 4


def test_describe_one_rate_and_zero_is_neither_sign() -> None:
    s = describe([D(0)])
    assert s["stdev"] is None and s["share_negative"] == 0 and s["share_positive"] == 0
    with pytest.raises(InputError) as err:
        describe([])
    assert err.value.field == "rates"


def test_longest_runs_by_hand() -> None:
    # signs + + 0 + − − − + : the zero ends the first positive run (length 2);
    # the negative block has length 3.
    assert longest_runs(bp(1, 2, 0, 3, -1, -2, -3, 4)) == (2, 3)
    assert longest_runs(bp(0, 0)) == (0, 0)
    assert longest_runs(bp(-1)) == (0, 1)


def test_sign_reversals_by_hand() -> None:
    # 0.01 %, −0.002 %, −0.004 %, 0 %, 0.003 %
    # index 1: + → − (last non-zero before it: index 0, 0.0001)
    # index 3 is zero: skipped; index 4: − → + (last non-zero before: index 2, −0.00004)
    rates = [D("0.0001"), D("-0.00002"), D("-0.00004"), D(0), D("0.00003")]
    rev = sign_reversals(rates)
    assert [(r.index, r.index_before, r.from_sign, r.to_sign) for r in rev] == [(1, 0, 1, -1), (4, 2, -1, 1)]
    assert rev[1].rate_before == D("-0.00004") and rev[1].rate_after == D("0.00003")
    # +, 0, + is no reversal; +, 0, − is one, at the index of the negative rate
    assert sign_reversals(bp(1, 0, 1)) == []
    assert [r.index for r in sign_reversals(bp(1, 0, -1))] == [2]


# The calculator's "reversal" example, worked by hand (rates in units of 0.00001):
#  idx: 0   1   2  3  4  5  6  7  8  9  10 11 12 13 14 15 16 17 18 19
#  r:  10  10   6  2 -3 -8 -5  0 -2  1  5  10 10  4 -1 -4  2  8 10 10
# reversals (sign differs from the last non-zero rate): 4 (+→−), 9 (−→+; the zero at 7 is
# skipped, 8 is still −), 14 (+→−), 16 (−→+).
# positive runs: 0–3 (4), 9–13 (5), 16–19 (4) → 5; negative runs: 4–6 (3), 8 (1), 14–15 (2) → 3.
# negatives: 6 of 20 = 30 %. Sum: positives 28 + 30 + 30 = 88, negatives −23 → 65; mean 3.25
# (0.0000325 per 8 h); simple annualised 0.0000325 × 1095 = 0.0355875.
REVERSAL_RATES = [10, 10, 6, 2, -3, -8, -5, 0, -2, 1, 5, 10, 10, 4, -1, -4, 2, 8, 10, 10]


def test_funding_series_reversal_example_by_hand() -> None:
    calc = perpcalc.get("funding_series")
    example = calc.examples["reversal"]
    assert [r["rate"] for r in calc.resolve(example)["rates"]] == bp(*REVERSAL_RATES)
    out = perpcalc.run("funding_series", example)
    assert out["count"] == 20
    assert [row["index"] for row in out["reversals"]] == [4, 9, 14, 16]
    assert [(row["from_sign"], row["to_sign"]) for row in out["reversals"]] == [
        ("+", "−"), ("−", "+"), ("+", "−"), ("−", "+"),
    ]
    # start 2024-06-01 00:00 UTC; index 4 is 4 × 8 h = 32 h later
    assert out["reversals"][0]["time"] == "2024-06-02 08:00 UTC"
    assert out["reversals"][1]["rate_before"] == pytest.approx(-0.00002)
    assert out["reversal_count"] == 4
    assert out["longest_positive_run"] == 5 and out["longest_negative_run"] == 3
    assert out["share_negative"] == pytest.approx(0.3)
    assert out["mean"] == pytest.approx(0.0000325)
    assert out["mean_apr"] == pytest.approx(0.0355875)


def test_funding_series_reversion_example_recovers_the_decay() -> None:
    # The "reversion" example: a 0.29 % excess over the 0.01 % baseline shrinking by 30 % an
    # interval (rates rounded to 8 decimals). Fitting toward the baseline, every pair of
    # excesses has ratio 0.7, so φ ≈ 0.7 and the half-life ≈ ln 0.5 / ln 0.7 = 1.943 intervals
    # (15.5 h at 8 h).
    out = perpcalc.run("funding_series", perpcalc.get("funding_series").examples["reversion"])
    assert out["ar1_phi"] == pytest.approx(0.7, abs=1e-3)
    assert out["half_life_intervals"] == pytest.approx(math.log(0.5) / math.log(0.7), abs=0.01)
    assert out["half_life_hours"] == pytest.approx(8 * math.log(0.5) / math.log(0.7), abs=0.08)
    assert out["reversal_count"] == 0 and out["share_negative"] == 0


# ------------------------------------------------------------------ AR(1), half-life, forecasts by hand


def test_ar1_coefficient_by_hand() -> None:
    # 3, 1, 2: mean 2, deviations 1, −1, 0; φ = (−1·1 + 0·−1) / (1² + (−1)²) = −0.5
    assert ar1_coefficient([3.0, 1.0, 2.0]) == pytest.approx(-0.5)
    # 1, 3, 2, 4: mean 2.5, x = −1.5, 0.5, −0.5, 1.5;
    # Σxₜxₜ₋₁ = −0.75 − 0.25 − 0.75 = −1.75, Σxₜ₋₁² = 2.25 + 0.25 + 0.25 = 2.75 → φ = −7/11
    assert ar1_coefficient([1.0, 3.0, 2.0, 4.0]) == pytest.approx(-7 / 11)
    # too short, or no variation
    assert ar1_coefficient([1.0, 2.0]) is None
    assert ar1_coefficient([5.0, 5.0, 5.0]) is None


def test_half_life_and_speed_by_hand() -> None:
    assert half_life(0.5) == pytest.approx(1.0)  # one interval halves it
    assert half_life(0.25) == pytest.approx(0.5)  # 0.25 = 0.5²: half an interval
    # φ = 0.9: ln 0.5 / ln 0.9 = −0.693147 / −0.105361 = 6.5788
    assert half_life(0.9) == pytest.approx(6.5788, abs=1e-4)
    for phi in (None, 0.0, -0.3, 1.0, 1.2):
        assert half_life(phi) is None and reversion_speed(phi, 8) is None
    # κ = −ln 0.9 / 8 h = 0.0131701 per hour; ln 2 / κ = half-life in hours = 8 × 6.5788
    kappa = reversion_speed(0.9, 8)
    assert kappa == pytest.approx(0.0131701, abs=1e-7)
    assert math.log(2) / kappa == pytest.approx(8 * half_life(0.9))


def test_forecast_path_by_hand() -> None:
    # 1, 3, 2, 4 (× 0.0001): m = 2.5, φ = −7/11, last deviation 1.5
    rates = [1e-4, 3e-4, 2e-4, 4e-4]
    path = forecast_path(rates, 2, baseline=1e-4)
    # h = 1: 2.5 − (7/11)·1.5 = 1.545454…; h = 2: 2.5 + (49/121)·1.5 = 3.107438…
    assert path["ar1"] == pytest.approx([1.5454545e-4, 3.1074380e-4], rel=1e-7)
    assert path["no_change"] == [4e-4, 4e-4]
    assert path["mean"] == pytest.approx([2.5e-4, 2.5e-4])
    assert path["baseline"] == [1e-4, 1e-4]


def test_forecast_errors_by_hand() -> None:
    # rates 1, 3, 2 | 4, 1 (× 0.0001), hold back 2: training mean 2, φ = −0.5 (see above).
    # actual 4, 1; previous rates 2, 4.
    # no change: 2, 4 → errors 2, −3: MAE 2.5, RMSE √6.5
    # mean:      2, 2 → errors 2, −1: MAE 1.5, RMSE √2.5
    # AR(1):     2 − 0.5·0 = 2, 2 − 0.5·2 = 1 → errors 2, 0: MAE 1, RMSE √2
    # baseline −1: errors 5, 2: MAE 3.5, RMSE √14.5; sign right 0 of 2
    u = 1e-4
    phi, scores = forecast_errors([1 * u, 3 * u, 2 * u, 4 * u, 1 * u], 2, baseline=-u)
    assert phi == pytest.approx(-0.5)
    got = {s.method: s for s in scores}
    assert [s.method for s in scores] == ["no_change", "mean", "ar1", "baseline"]
    expected = {
        "no_change": (2.5, math.sqrt(6.5), 1.0),
        "mean": (1.5, math.sqrt(2.5), 1.0),
        "ar1": (1.0, math.sqrt(2.0), 1.0),
        "baseline": (3.5, math.sqrt(14.5), 0.0),
    }
    for method, (mae, rmse, hit) in expected.items():
        assert got[method].mae == pytest.approx(mae * u), method
        assert got[method].rmse == pytest.approx(rmse * u), method
        assert got[method].hit_rate == hit, method
    assert got["ar1"].predictions == pytest.approx([2 * u, 1 * u])
    with pytest.raises(InputError) as err:
        forecast_errors([u, u, u, u], 2, 0.0)
    assert err.value.field == "holdout"


def test_funding_forecast_input_example() -> None:
    calc = perpcalc.get("funding_forecast")
    out = perpcalc.run("funding_forecast", calc.examples["input"])
    assert out["train_count"] + out["test_count"] == 26 and out["test_count"] == 8
    assert [row["step"] for row in out["forecasts"]] == [1, 2, 3]
    # the example's series ends at 0.0001, 0.0001: no change forecasts 0.0001
    assert all(row["no_change"] == pytest.approx(0.0001) for row in out["forecasts"])
    assert len(out["chart"]) == 8 and out["chart"][0]["index"] == 18
    assert {row["method"] for row in out["metrics"]} == {
        "No change (last rate)", "Historical mean", "AR(1) toward the mean", "Baseline rate",
    }


# ------------------------------------------------------------------ simulation


def test_simulation_is_seeded_and_pure_ar1_without_shocks() -> None:
    assert simulate_funding(50, seed=3) == simulate_funding(50, seed=3)
    assert simulate_funding(50, seed=3) != simulate_funding(50, seed=4)
    # σ = 0, no spikes: flat at the baseline
    assert simulate_funding(10, sigma=0.0, spike_prob=0.0, baseline=0.0001) == [0.0001] * 10


def test_default_simulation_matches_section_d_calibration() -> None:
    # Reference statistics (dex-papers-events §D): baseline 0.01 % per 8 h (10.95 %/yr simple),
    # 10–30 % of intervals negative depending on venue and era.
    out = perpcalc.run("funding_series", perpcalc.get("funding_series").examples["default"])
    assert out["count"] == 1095
    assert out["mean"] == pytest.approx(0.0001, abs=0.00002)
    assert 0.10 <= out["share_negative"] <= 0.30
    assert 0.8 < out["ar1_phi"] < 0.95


@settings(max_examples=examples(12), deadline=None)
@given(seed=st.integers(0, 2**32 - 1), phi=st.sampled_from([0.5, 0.8, 0.9, 0.95]))
def test_ar1_half_life_recovered_from_long_pure_ar1(seed: int, phi: float) -> None:
    # 20,000 rates of a pure AR(1) (no spikes). The least-squares φ has standard error
    # ≈ √((1 − φ²)/n) ≤ 0.0062 here; allow 5 standard errors plus the small-sample bias
    # (≈ (1 + 3φ)/n).
    n = 20_000
    rates = simulate_funding(n, phi=phi, spike_prob=0.0, seed=seed)
    fit = ar1_coefficient(rates)
    tol = 5 * math.sqrt((1 - phi * phi) / n) + (1 + 3 * phi) / n
    assert abs(fit - phi) < tol
    # the half-life follows: h(φ) is monotone, so it lies between h(φ − tol) and h(φ + tol)
    h = half_life(fit)
    assert half_life(phi - tol) <= h <= half_life(phi + tol)
    if phi == 0.9:
        assert h == pytest.approx(6.58, abs=1.0)


# ------------------------------------------------------------------ properties vs independent counts

signed = st.lists(st.integers(-3, 3), max_size=60)


def independent_reversals(values: list[int]) -> list[tuple[int, int]]:
    """(index, new sign) at the start of every block of equal signs among non-zero values,
    except the first block."""
    nonzero = [(i, (v > 0) - (v < 0)) for i, v in enumerate(values) if v != 0]
    blocks = [list(g) for _, g in itertools.groupby(nonzero, key=lambda p: p[1])]
    return [block[0] for block in blocks[1:]]


def independent_runs(values: list[int]) -> tuple[int, int]:
    best = {1: 0, -1: 0}
    for sign, group in itertools.groupby((v > 0) - (v < 0) for v in values):
        if sign:
            best[sign] = max(best[sign], len(list(group)))
    return best[1], best[-1]


@given(signed)
def test_reversals_match_an_independent_count(values: list[int]) -> None:
    rates = bp(*values)
    rev = sign_reversals(rates)
    assert [(r.index, r.to_sign) for r in rev] == independent_reversals(values)
    for r in rev:
        assert r.from_sign == -r.to_sign
        assert r.index_before < r.index and rates[r.index_before] != 0
        assert all(x == 0 for x in rates[r.index_before + 1 : r.index])


@given(signed)
def test_runs_match_an_independent_count(values: list[int]) -> None:
    assert longest_runs(bp(*values)) == independent_runs(values)


decimals = st.decimals(min_value=D("-0.01"), max_value=D("0.01"), places=8, allow_nan=False, allow_infinity=False)


@given(st.lists(decimals, min_size=1, max_size=80))
def test_describe_matches_statistics_module(rates: list[Decimal]) -> None:
    s = describe(rates)
    assert s["mean"] * len(rates) == pytest.approx(sum(rates), abs=D("1e-20"))
    assert s["median"] == statistics.median(rates)
    assert s["min"] == min(rates) and s["max"] == max(rates)
    zero = sum(1 for r in rates if r == 0)
    assert s["share_negative"] + s["share_positive"] + D(zero) / len(rates) == pytest.approx(D(1))
    if len(rates) > 1:
        assert float(s["stdev"]) == pytest.approx(float(statistics.stdev(rates)), rel=1e-12, abs=1e-15)


@given(st.lists(st.floats(-0.01, 0.01), min_size=3, max_size=50), st.integers(1, 30))
def test_forecast_path_properties(rates: list[float], horizon: int) -> None:
    path = forecast_path(rates, horizon, 0.0001)
    m = math.fsum(rates) / len(rates)
    assert all(len(v) == horizon for v in path.values())
    assert path["no_change"] == [rates[-1]] * horizon
    # |φ| ≤ 1: the AR(1) forecast never moves away from the mean
    gaps = [abs(x - m) for x in path["ar1"]]
    assert gaps[0] <= abs(rates[-1] - m) + 1e-15
    assert all(b <= a + 1e-15 for a, b in itertools.pairwise(gaps))


@given(st.lists(st.floats(-0.01, 0.01), min_size=4, max_size=60), st.data())
def test_forecast_errors_properties(rates: list[float], data: st.DataObject) -> None:
    holdout = data.draw(st.integers(1, len(rates) - 3))
    _, scores = forecast_errors(rates, holdout, 0.0001)
    for s in scores:
        assert len(s.predictions) == holdout
        assert 0 <= s.mae <= s.rmse * (1 + 1e-12) + 1e-18
        assert 0 <= s.hit_rate <= 1


def test_ar1_forecast_beats_the_mean_on_persistent_series() -> None:
    # On a pure AR(1) with φ = 0.9, the one-step error of the mean forecast has variance
    # σ²/(1 − φ²) ≈ 5.3 σ², the AR(1) forecast's σ²: AR(1) must win clearly.
    rates = simulate_funding(5000, phi=0.9, spike_prob=0.0, seed=11)
    phi, scores = forecast_errors(rates, 1000, 0.0001)
    got = {s.method: s for s in scores}
    assert phi == pytest.approx(0.9, abs=0.03)
    assert got["ar1"].rmse < 0.6 * got["mean"].rmse


# ------------------------------------------------------------------ junk inputs name the field

JUNK = [
    ("funding_series", {"rates": "rate\nabc"}, "rates"),
    ("funding_series", {"rates": "rate\n2"}, "rates"),  # beyond ±100 % per interval
    ("funding_series", {}, "rates"),  # source input, nothing entered
    ("funding_series", {"source": "simulated", "rates": "rate\n0.0001"}, "source"),
    ("funding_series", {"source": "simulated", "n": 2}, "n"),
    ("funding_series", {"source": "simulated", "phi": 1}, "phi"),
    ("funding_series", {"source": "bogus"}, "source"),
    ("funding_series", {"rates": "rate\n0.0001", "interval_hours": 0}, "interval_hours"),
    ("funding_series", {"rates": "rate\n0.0001", "start": "yesterday"}, "start"),
    ("funding_series", {"rates": "rate\n0.0001", "reversion_to": "median"}, "reversion_to"),
    ("funding_series", {"rates": "rate\n0.0001", "colour": "red"}, "colour"),
    ("funding_forecast", {"rates": "rate\n0.0001\n0.0002\n0.0001"}, "rates"),  # 3 rates: nothing to test
    ("funding_forecast", {"rates": "rate\n1e-4\n2e-4\n1e-4\n3e-4\n2e-4", "holdout": 3}, "holdout"),
    ("funding_forecast", {"rates": "rate\n1e-4\n2e-4\n1e-4\n3e-4", "holdout": 0}, "holdout"),
    ("funding_forecast", {"rates": "rate\n1e-4\n2e-4\n1e-4\n3e-4", "horizon": "six"}, "horizon"),
    ("funding_forecast", {"source": "simulated", "seed": -1}, "seed"),
]


@pytest.mark.parametrize(("name", "inputs", "field"), JUNK)
def test_junk_inputs_raise_input_error_naming_the_field(name: str, inputs: dict, field: str) -> None:
    with pytest.raises(InputError) as err:
        perpcalc.run(name, inputs)
    assert err.value.field == field
    assert err.value.message


def test_percent_rates_and_late_start() -> None:
    out = perpcalc.run("funding_series", {"rates": "rate\n0.01%\n-0.01%\n0.01%", "interval_hours": 8})
    assert out["reversal_count"] == 2 and out["mean"] == pytest.approx(0.0001 / 3)
    with pytest.raises(InputError) as err:
        perpcalc.run("funding_series", {"source": "simulated", "n": 10_000, "start": "9999-12-01T00:00Z"})
    assert err.value.field == "start"


def test_long_series_chart_is_thinned_but_keeps_the_extreme() -> None:
    # 1,095 simulated rates → at most 500 chart points, one per bucket of 3: the bucket's rate
    # farthest from the mean, so the largest spike of the year is always drawn.
    example = perpcalc.get("funding_series").examples["default"]
    out = perpcalc.run("funding_series", example)
    assert len(out["chart"]) <= 500 and len(out["chart"]) == -(-1095 // 3)
    rates = [float(f"{r:.8f}") for r in simulate_funding(1095, seed=7)]
    mean = sum(rates) / len(rates)
    extreme = max(range(len(rates)), key=lambda i: abs(rates[i] - mean))
    assert extreme in {p["index"] for p in out["chart"]}
    assert "every 3" in out["summary"]
