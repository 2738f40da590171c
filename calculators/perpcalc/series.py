"""Funding-rate series: level, dispersion, sign, persistence, reversion and forecasts.

A series is a list of per-interval funding rates (fractions: 0.0001 = 0.01 %) taken at a
fixed funding interval, oldest first. Conventions are the package's: a positive rate
means longs pay shorts.

Exact and approximate arithmetic are kept apart on purpose:

* statistics of the rates as given (count, mean, median, standard deviation, extremes,
  shares, runs, sign reversals) are computed exactly with ``Decimal``;
* model fitting (AR(1) coefficient, half-life, forecasts and their errors) and the
  simulation use binary floats, because they are estimates anyway and must stay fast on
  100,000 rates in the browser.

Pure functions first (usable directly), then the two calculators ``funding_series`` and
``funding_forecast``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ._spec import Calculator, Field, InputError, Output, calculator

ZERO = Decimal(0)
HOURS_PER_YEAR = Decimal(24 * 365)
DEFAULT_BASELINE = Decimal("0.0001")
CHART_POINTS = 500  # the site draws series outputs; keep charts light (≤ ~500 points)
TABLE_ROWS = 1000
MIN_FIT = 3

__all__ = [
    "Reversal",
    "ar1_coefficient",
    "describe",
    "forecast_errors",
    "forecast_path",
    "half_life",
    "longest_runs",
    "reversion_speed",
    "sign_reversals",
    "simulate_funding",
]


# ------------------------------------------------------------------ simulation


def simulate_funding(
    n: int,
    phi: float = 0.9,
    baseline: float = 0.0001,
    sigma: float = 0.00003,
    spike_prob: float = 0.01,
    spike_size: float = 0.0006,
    seed: int = 7,
) -> list[float]:
    """A seeded AR(1)-plus-spikes funding series around a baseline (floats).

    dₜ = φ·dₜ₋₁ + σ·zₜ + Jₜ,   rₜ = baseline + dₜ,   d₋₁ = 0

    zₜ is an approximately standard normal shock, the sum of twelve uniform draws minus 6
    (Irwin–Hall), and Jₜ a spike: with probability ``spike_prob`` it is ±``spike_size``
    (sign by a fair coin), otherwise 0. A spike then decays geometrically at the rate φ,
    which is what a funding "squeeze" that fades looks like. Only ``random.Random(seed)``'s
    uniform draws and IEEE additions and multiplications are used (no log, sin or sqrt),
    so the series is identical bit for bit on every Python, CPython or Pyodide.

    The model is a teaching device, not market data: real venues' rates also pile up at
    the baseline (the clamp's dead zone) and have heavier, mostly positive tails.

    Degenerate cases: σ = 0 and no spikes gives a flat series at the baseline; φ = 0 makes
    each rate independent of the last.

    Source: the AR(1) model, e.g. Hamilton, *Time Series Analysis* (1994), ch. 3.

    Example: ``simulate_funding(1095, seed=7)`` is one simulated year of 8-hour rates with
    a mean near 0.01 % and about one interval in seven negative.
    """
    rng = random.Random(seed)
    draw = rng.random
    dev = 0.0
    out: list[float] = []
    append = out.append
    for _ in range(n):
        z = (
            draw() + draw() + draw() + draw() + draw() + draw()
            + draw() + draw() + draw() + draw() + draw() + draw() - 6.0
        )
        jump = 0.0
        if draw() < spike_prob:
            jump = spike_size if draw() < 0.5 else -spike_size
        dev = phi * dev + sigma * z + jump
        append(baseline + dev)
    return out


# ------------------------------------------------------------------ exact statistics


def _median(ordered: Sequence[Decimal]) -> Decimal:
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def describe(rates: Sequence[Decimal]) -> dict[str, Decimal | int | None]:
    """Exact summary statistics of a funding series.

    mean = Σrₜ / n;  median = middle value (mean of the two middle ones for even n);
    stdev = √(Σ(rₜ − mean)² / (n − 1))  (sample standard deviation);
    share_negative = #{rₜ < 0} / n, share_positive = #{rₜ > 0} / n.

    A rate of exactly zero is neither positive nor negative (nobody pays). One rate has
    no standard deviation (``None``); an empty series is an error.

    Source: definitions.

    Example: 0.01 %, 0.03 %, −0.01 %, 0.01 % → mean 0.01 %, median 0.01 %, stdev 0.0163 %,
    a quarter of the intervals negative.
    """
    n = len(rates)
    if n == 0:
        raise InputError("rates", "the series needs at least one rate")
    total = sum(rates, ZERO)
    mean = total / n
    ordered = sorted(rates)
    stdev = None
    if n > 1:
        ss = sum(((r - mean) ** 2 for r in rates), ZERO)
        stdev = (ss / (n - 1)).sqrt()
    negative = sum(1 for r in rates if r < 0)
    positive = sum(1 for r in rates if r > 0)
    return {
        "count": n,
        "mean": mean,
        "median": _median(ordered),
        "stdev": stdev,
        "min": ordered[0],
        "max": ordered[-1],
        "share_negative": Decimal(negative) / n,
        "share_positive": Decimal(positive) / n,
    }


def _sign(x: Decimal | float) -> int:
    return 1 if x > 0 else -1 if x < 0 else 0


def longest_runs(rates: Sequence[Decimal | float]) -> tuple[int, int]:
    """Longest streaks of consecutive positive and of consecutive negative rates.

    A run is a maximal block of adjacent intervals with the same strict sign; a zero rate
    ends any run. Returns ``(longest_positive, longest_negative)`` in intervals; 0 when the
    series has no rate of that sign.

    Source: definition.

    Example: +, +, 0, +, −, −, −, + → longest positive run 2, longest negative run 3.
    """
    best = {1: 0, -1: 0}
    current, length = 0, 0
    for r in rates:
        s = _sign(r)
        if s != 0 and s == current:
            length += 1
        else:
            current, length = s, 1 if s else 0
        if s and length > best[s]:
            best[s] = length
    return best[1], best[-1]


@dataclass(frozen=True)
class Reversal:
    """One change of the paying side: at ``index`` the rate's sign differs from the
    sign of the last non-zero rate before it (``rate_before``, at ``index_before``)."""

    index: int
    index_before: int
    from_sign: int
    to_sign: int
    rate_before: Decimal | float
    rate_after: Decimal | float


def sign_reversals(rates: Sequence[Decimal | float]) -> list[Reversal]:
    """Every funding reversal: the points where the paying side changes.

    Zero rates are skipped (nobody pays, so the paying side has not changed yet): the
    sequence +, 0, − is one reversal, at the index of the negative rate, and +, 0, + is
    none. The count of reversals equals the number of same-sign blocks among the non-zero
    rates, minus one.

    Source: definition (a reversal is "longs paid, now shorts pay" or the reverse).

    Example: 0.01 %, −0.002 %, −0.004 %, 0 %, 0.003 % has two reversals: at index 1
    (+ to −) and at index 4 (− to +).
    """
    out: list[Reversal] = []
    last_sign, last_index = 0, -1
    for i, r in enumerate(rates):
        s = _sign(r)
        if s == 0:
            continue
        if last_sign and s != last_sign:
            out.append(Reversal(i, last_index, last_sign, s, rates[last_index], r))
        last_sign, last_index = s, i
    return out


# ------------------------------------------------------------------ persistence (floats)


def ar1_coefficient(rates: Sequence[float], mean: float | None = None) -> float | None:
    """Least-squares AR(1) coefficient φ of a series around its mean.

    xₜ = rₜ − mean;   φ = Σₜ₌₁ xₜ·xₜ₋₁ / Σₜ₌₁ xₜ₋₁²

    i.e. the slope of xₜ on xₜ₋₁ without intercept (the mean is taken out first; the
    sample mean unless ``mean`` is given). φ near 1: deviations from the mean persist for
    many intervals; φ near 0: they vanish within one; φ < 0: they flip sign each interval.

    Degenerate cases: fewer than 3 rates, or no variation in the lagged deviations
    (Σxₜ₋₁² = 0), give ``None``.

    Source: ordinary least squares for the AR(1) model (Hamilton, *Time Series Analysis*,
    1994, §5.7; the estimator is consistent for |φ| < 1).

    Example: 3, 1, 2 around mean 2 (deviations 1, −1, 0): φ = (1·(−1) + (−1)·0) / (1 + 1)
    = −0.5.
    """
    n = len(rates)
    if n < MIN_FIT:
        return None
    m = math.fsum(rates) / n if mean is None else mean
    x = [r - m for r in rates]
    num = math.fsum(a * b for a, b in zip(x[1:], x[:-1], strict=True))
    den = math.fsum(b * b for b in x[:-1])
    if den <= 0.0:
        return None
    phi = num / den
    return phi if math.isfinite(phi) else None


def half_life(phi: float | None) -> float | None:
    """Intervals for a deviation from the mean to halve under AR(1) dynamics.

    h = ln 0.5 / ln φ,   for 0 < φ < 1

    It is the same as the Ornstein–Uhlenbeck half-life ln 2 / κ with κ = −ln φ per
    interval. Not defined (``None``) when φ ≥ 1 (deviations never fade: a random walk or
    worse), when φ ≤ 0 (deviations are gone, or flip sign, within one interval, so there
    is no gradual reversion to time) or when φ is unknown.

    Source: AR(1)/OU algebra; e.g. Chan, *Algorithmic Trading* (2013), ch. 2.

    Example: φ = 0.9 → h = 0.6931 / 0.1054 = 6.58 intervals (2.2 days at 8 h).
    """
    if phi is None or not 0.0 < phi < 1.0:
        return None
    return math.log(0.5) / math.log(phi)


def reversion_speed(phi: float | None, interval_hours: float) -> float | None:
    """Mean-reversion speed κ of the OU process matching an AR(1) fit, per hour.

    κ = −ln φ / Δt,   Δt = interval_hours;   half-life in hours = ln 2 / κ

    ``None`` outside 0 < φ < 1 (see :func:`half_life`).

    Source: the exact discretisation of an Ornstein–Uhlenbeck process, φ = e^(−κΔt).

    Example: φ = 0.9 on 8-hour rates → κ = 0.1054 / 8 = 0.0132 per hour.
    """
    if phi is None or not 0.0 < phi < 1.0:
        return None
    return -math.log(phi) / interval_hours


# ------------------------------------------------------------------ forecasts (floats)

METHODS = ("no_change", "mean", "ar1", "baseline")
METHOD_LABELS = {
    "no_change": "No change (last rate)",
    "mean": "Historical mean",
    "ar1": "AR(1) toward the mean",
    "baseline": "Baseline rate",
}


def _clip_phi(phi: float | None) -> float:
    return 0.0 if phi is None else max(-1.0, min(1.0, phi))


def forecast_path(rates: Sequence[float], horizon: int, baseline: float) -> dict[str, list[float]]:
    """Forecasts of the next ``horizon`` rates from the end of a series, by method.

    no_change: r̂ₜ₊ₕ = rₜ;   mean: r̂ₜ₊ₕ = m;   baseline: r̂ₜ₊ₕ = b;
    ar1: r̂ₜ₊ₕ = m + φʰ·(rₜ − m)

    where m is the series mean and φ its :func:`ar1_coefficient` (taken as 0 when it
    cannot be fitted, and limited to [−1, 1] so a forecast never explodes). The AR(1)
    path starts at the last rate and decays toward the mean; φ = 1 makes it the no-change
    forecast.

    Source: standard AR(1) h-step forecast (Hamilton 1994, §4.2).

    Example: rates ending at 0.05 % with mean 0.01 % and φ = 0.5 → AR(1) forecasts
    0.03 %, 0.02 %, 0.015 % for the next three intervals.
    """
    if not rates:
        raise InputError("rates", "the series needs at least one rate")
    m = math.fsum(rates) / len(rates)
    phi = _clip_phi(ar1_coefficient(rates, m))
    last = rates[-1]
    ar = []
    dev = last - m
    for _ in range(horizon):
        dev *= phi
        ar.append(m + dev)
    return {
        "no_change": [last] * horizon,
        "mean": [m] * horizon,
        "ar1": ar,
        "baseline": [baseline] * horizon,
    }


@dataclass(frozen=True)
class ForecastScore:
    """Out-of-sample record of one method: one-step forecasts and their errors."""

    method: str
    predictions: list[float]
    mae: float
    rmse: float
    hit_rate: float


def forecast_errors(rates: Sequence[float], holdout: int, baseline: float) -> tuple[float | None, list[ForecastScore]]:
    """One-step-ahead forecasts of the last ``holdout`` rates and their errors.

    The first n − holdout rates are the training part: its mean m and AR(1) coefficient φ
    are fitted once. Each held-back rate rₜ is then forecast from the rate just before it
    (which is known by then):

    no_change: rₜ₋₁;   mean: m;   ar1: m + φ·(rₜ₋₁ − m);   baseline: b

    MAE = mean |rₜ − r̂ₜ|, RMSE = √(mean (rₜ − r̂ₜ)²), and the hit rate is the share of
    held-back intervals whose forecast has the actual rate's sign (−, 0 or +): did it
    call the paying side right. Returns (φ, scores in the order of ``METHODS``).

    Degenerate cases: the training part must hold at least 3 rates; when φ cannot be
    fitted (no variation) the AR(1) forecast is the mean. φ is limited to [−1, 1].

    Source: rolling-origin evaluation with fixed parameters (Tashman, *Int. J. Forecasting*
    16 (2000) 437–450). Inan (CFE-CMStatistics 2025) compares models for next-period
    funding against the no-change forecast in the same way.

    Example: training 0.01 %, 0.03 %, 0.02 % (m = 0.02 %, φ = −0.5) and held-back
    0.02 %: the no-change forecast is 0.02 % (error 0), AR(1) gives 0.02 % as well.
    """
    n = len(rates)
    train = list(rates[: n - holdout])
    if len(train) < MIN_FIT:
        raise InputError("holdout", f"keep at least {MIN_FIT} rates for fitting (hold back at most {n - MIN_FIT})")
    m = math.fsum(train) / len(train)
    phi_fit = ar1_coefficient(train, m)
    phi = _clip_phi(phi_fit)
    actual = rates[n - holdout :]
    previous = rates[n - holdout - 1 : n - 1]
    preds = {
        "no_change": list(previous),
        "mean": [m] * holdout,
        "ar1": [m + phi * (p - m) for p in previous],
        "baseline": [baseline] * holdout,
    }
    scores = []
    for method in METHODS:
        pred = preds[method]
        errors = [a - p for a, p in zip(actual, pred, strict=True)]
        mae = math.fsum(abs(e) for e in errors) / holdout
        rmse = math.sqrt(math.fsum(e * e for e in errors) / holdout)
        hits = sum(1 for a, p in zip(actual, pred, strict=True) if _sign(a) == _sign(p))
        scores.append(ForecastScore(method, pred, mae, rmse, hits / holdout))
    return phi_fit, scores


# ------------------------------------------------------------------ calculator helpers


def _round_float(x: float | None, digits: int = 12) -> float | None:
    """Keep 12 significant digits of a fitted value: ``math.log`` may differ in the last
    bit between C libraries (CPython's and Pyodide's), the shown value must not."""
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def _parse_start(text: str | None) -> datetime | None:
    if not text:
        return None
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    if raw.upper().endswith(" UTC"):
        raw = raw[:-4]
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        example = "2024-01-01T00:00Z"
        raise InputError("start", f"start time must be a date and time like {example} (got {text[:40]!r})") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _timer(start: datetime | None, interval_hours: Decimal, count: int):
    """A function index → 'YYYY-MM-DD HH:MM UTC' (or None without a start time)."""
    if start is None:
        return lambda i: None
    seconds = interval_hours * 3600
    try:
        start + timedelta(seconds=float(seconds * (count + 1000)))
    except OverflowError:
        raise InputError("start", "start time is too late for this many intervals") from None

    def at(i: int) -> str:
        when = start + timedelta(seconds=float(seconds * i))
        return when.strftime("%Y-%m-%d %H:%M UTC")

    return at


def _series_from(v: dict[str, Any]) -> tuple[list[Decimal], bool]:
    """The rates to analyse (Decimal) and whether they are simulated."""
    if v["source"] == "simulated":
        if v["rates"]:
            raise InputError(
                "source", "source is 'simulated' but rates were given: choose 'input' to analyse them, or clear them"
            )
        floats = simulate_funding(
            v["n"], float(v["phi"]), float(v["baseline"]), float(v["sigma"]), float(v["spike_prob"]),
            float(v["spike_size"]), v["seed"],
        )
        # Published rates have 8 decimals (Binance's "0.00010000"); so do simulated ones.
        return [Decimal(f"{r:.8f}") for r in floats], True
    rows = v["rates"]
    if not rows:
        raise InputError("rates", "enter the funding rates, one per line (or choose source 'simulated')")
    return [row["rate"] for row in rows], False


def _thin(indices: int, limit: int = CHART_POINTS, weight=None) -> list[int]:
    """At most ``limit`` indices out of range(indices): every index when few; otherwise
    one per bucket, the one with the largest ``weight`` so spikes stay visible."""
    if indices <= limit:
        return list(range(indices))
    size = -(-indices // limit)
    out = []
    for lo in range(0, indices, size):
        bucket = range(lo, min(lo + size, indices))
        out.append(max(bucket, key=weight) if weight else bucket[0])
    return out


def _fmt_pct(x: float | Decimal, places: int = 4) -> str:
    return f"{float(x) * 100:.{places}f} %".replace("-", "−")


def _sign_text(s: int) -> str:
    return "+" if s > 0 else "−" if s < 0 else "0"


# ------------------------------------------------------------------ fields shared by both calculators

RATE_HELP = "one rate per line, oldest first; fractions per interval (0.0001) or percentages (0.01%)"


def _common_inputs() -> tuple[Field, ...]:
    return (
        Field("source", "Rates from", type="choice", choices=("input", "simulated"), default="input",
              help="input: the rates you enter below; simulated: a seeded AR(1) series with spikes (not market data)"),
        Field("rates", "Funding rates", type="list", default=None, max_items=100_000, help=RATE_HELP,
              columns=(Field("rate", "Rate", unit="fraction", percent=True, min=-1, max=1),)),
        Field("interval_hours", "Funding interval", unit="hours", default=Decimal(8), min=0, min_open=True,
              max=24 * 7, help="hours between two rates: 8 on most venues, 1 on Hyperliquid"),
        Field("baseline", "Baseline rate (per interval)", unit="fraction", percent=True, default=DEFAULT_BASELINE,
              min=-1, max=1, help="the venue's resting rate: 0.01 % per 8 h on clamp venues; the simulation's mean"),
        Field("start", "Time of the first rate", type="text", default=None,
              help="optional, UTC, e.g. 2024-01-01T00:00Z: tables then show dates"),
        Field("phi", "Simulation: persistence φ", default=Decimal("0.9"), min=-1, max=1, min_open=True,
              max_open=True, help="share of a deviation that survives one interval (simulated source only)"),
        Field("sigma", "Simulation: shock size σ", unit="fraction", percent=True, default=Decimal("0.00003"),
              min=0, max=Decimal("0.01"), help="standard deviation of the per-interval shock"),
        Field("spike_prob", "Simulation: spike probability", unit="per interval", default=Decimal("0.01"),
              min=0, max=1),
        Field("spike_size", "Simulation: spike size", unit="fraction", percent=True, default=Decimal("0.0006"),
              min=0, max=Decimal("0.05"), help="a spike adds ± this to one interval, then decays at φ"),
        Field("n", "Simulation: number of rates", type="integer", default=1095, min=MIN_FIT, max=10_000,
              help="1,095 = one year of 8-hour intervals"),
        Field("seed", "Simulation: seed", type="integer", default=7, min=0, max=2**32 - 1,
              help="same seed, same series, in every browser"),
    )


SIM_LABEL = "Simulated series (AR(1) with spikes, seed {seed}): an illustration, not market data."


# ------------------------------------------------------------------ funding_series


def _reversion_text(phi: float | None, n: int, hl: float | None, interval_hours: Decimal, center: str) -> str:
    if n < MIN_FIT:
        return f"not enough rates to fit (needs at least {MIN_FIT})"
    if phi is None:
        return f"no variation to fit: the rates do not move around the {center}"
    if phi >= 1:
        return f"φ = {phi:.3f} ≥ 1: no reversion, deviations persist or grow (random walk or worse)"
    if phi <= 0:
        return f"φ = {phi:.3f} ≤ 0: no persistence, deviations vanish or flip sign within one interval"
    hours = hl * float(interval_hours) if hl is not None else 0.0
    return f"deviations from the {center} halve in about {hl:.1f} intervals ({hours:.1f} h)"


def _funding_series_calc(v: dict[str, Any]) -> dict[str, Any]:
    rates, simulated = _series_from(v)
    interval = v["interval_hours"]
    stats = describe(rates)
    n = stats["count"]
    timer = _timer(_parse_start(v["start"]), interval, n)
    pos_run, neg_run = longest_runs(rates)
    reversals = sign_reversals(rates)
    floats = [float(r) for r in rates]
    mean_f = math.fsum(floats) / n
    center = float(v["baseline"]) if v["reversion_to"] == "baseline" else mean_f
    phi = ar1_coefficient(floats, center)
    hl = half_life(phi)
    kappa = reversion_speed(phi, float(interval))
    reversion = _reversion_text(phi, n, hl, interval, v["reversion_to"])
    mean_apr = stats["mean"] * HOURS_PER_YEAR / interval

    table = [
        {
            "index": r.index,
            "time": timer(r.index),
            "from_sign": _sign_text(r.from_sign),
            "to_sign": _sign_text(r.to_sign),
            "rate_before": r.rate_before,
            "rate_after": r.rate_after,
        }
        for r in reversals[:TABLE_ROWS]
    ]

    baseline_pct = float(v["baseline"] * 100)
    running, acc = [], 0.0
    for i, r in enumerate(floats, start=1):
        acc += r
        running.append(acc / i)
    keep = _thin(n, weight=lambda i: abs(floats[i] - mean_f))
    chart = [
        {"index": i, "rate": _round_float(floats[i] * 100, 10), "running_mean": _round_float(running[i] * 100, 10),
         "baseline": baseline_pct}
        for i in keep
    ]

    what = SIM_LABEL.format(seed=v["seed"]) if simulated else "Your rates."
    hours = float(interval) * n
    span = f"{n:,} rates of {float(interval):g} h ({hours / 24:,.1f} days)"
    summary = (
        f"{what} {span}: mean {_fmt_pct(stats['mean'])} per interval ({float(mean_apr) * 100:.2f} % a year, simple), "
        f"negative in {float(stats['share_negative']) * 100:.1f} % of intervals, {len(reversals):,} sign reversal"
        f"{'s' if len(reversals) != 1 else ''}; {reversion}."
    )
    if len(reversals) > TABLE_ROWS:
        summary += f" The reversal table lists the first {TABLE_ROWS:,}."
    if n > CHART_POINTS:
        summary += f" The chart keeps the most extreme rate of every {-(-n // CHART_POINTS)}."

    return {
        "summary": summary,
        "count": n,
        "mean": stats["mean"],
        "median": stats["median"],
        "stdev": stats["stdev"],
        "min": stats["min"],
        "max": stats["max"],
        "share_negative": stats["share_negative"],
        "mean_apr": mean_apr,
        "reversal_count": len(reversals),
        "longest_positive_run": pos_run,
        "longest_negative_run": neg_run,
        "ar1_phi": _round_float(phi),
        "half_life_intervals": _round_float(hl),
        "half_life_hours": _round_float(hl * float(interval)) if hl is not None else None,
        "reversion_speed": _round_float(kappa),
        "reversion": reversion,
        "reversals": table,
        "chart": chart,
    }


# A 0.29 % spike over a 0.01 % baseline whose excess shrinks by 30 % an interval (8 decimals).
REVERSION_EXAMPLE = (
    "rate\n0.0001\n0.0001\n0.0001\n0.003\n0.00213\n0.001521\n0.0010947\n0.00079629\n0.0005874\n0.00044118\n"
    "0.00033883\n0.00026718\n0.00021703\n0.00018192\n0.00015734\n0.00014014\n0.0001281\n0.00011967\n"
    "0.00011377\n0.0001\n0.0001\n0.0001"
)
REVERSAL_EXAMPLE = (
    "rate\n0.0001\n0.0001\n0.00006\n0.00002\n-0.00003\n-0.00008\n-0.00005\n0\n-0.00002\n0.00001\n0.00005\n"
    "0.0001\n0.0001\n0.00004\n-0.00001\n-0.00004\n0.00002\n0.00008\n0.0001\n0.0001"
)

funding_series_calculator = calculator(
    Calculator(
        name="funding_series",
        title="Funding-rate series: level, sign and reversion",
        summary=(
            "Statistics of a funding-rate series: mean and spread, how often it is negative, its sign reversals "
            "and longest runs, and how fast it returns to its mean (AR(1) half-life). Enter rates, or explore a "
            "seeded simulation."
        ),
        terms=("funding-rate-fluctuations", "funding-rate-reversion", "funding-rate-reversal"),
        function="perpcalc.series.describe",
        notes=(
            "Statistics of the given rates are exact (Decimal); the AR(1) fit, half-life and simulation use floats. "
            "A zero rate is neither sign: it ends a run but does not make a reversal."
        ),
        inputs=(
            *_common_inputs(),
            Field("reversion_to", "Fit reversion toward", type="choice", choices=("mean", "baseline"),
                  default="mean", help="mean: the series' own mean; baseline: the baseline rate above (where "
                  "clamp venues' rates rest)"),
        ),
        outputs=(
            Output("summary", "In short", format="text"),
            Output("count", "Rates", format="integer"),
            Output("mean", "Mean rate per interval (+ = longs pay)", format="percent", places=6),
            Output("median", "Median rate per interval", format="percent", places=6),
            Output("stdev", "Standard deviation per interval", format="percent", places=6),
            Output("min", "Lowest rate", format="percent", places=6),
            Output("max", "Highest rate", format="percent", places=6),
            Output("share_negative", "Share of intervals negative (shorts pay)", format="percent", places=2),
            Output("mean_apr", "Mean rate, annualised (simple, 365 days)", format="percent", places=4),
            Output("reversal_count", "Sign reversals (paying side changes)", format="integer"),
            Output("longest_positive_run", "Longest positive run", unit="intervals", format="integer"),
            Output("longest_negative_run", "Longest negative run", unit="intervals", format="integer"),
            Output("ar1_phi", "AR(1) persistence φ (fit on deviations from the mean)", places=4),
            Output("half_life_intervals", "Half-life of a deviation", unit="intervals", places=2),
            Output("half_life_hours", "Half-life of a deviation", unit="hours", places=2),
            Output("reversion_speed", "Mean-reversion speed κ = −ln φ / Δt", unit="per hour", places=5),
            Output("reversion", "Reversion", format="text"),
            Output(
                "reversals",
                "Sign reversals",
                format="table",
                columns=(
                    Output("index", "Index (0 = first rate)", format="integer"),
                    Output("time", "Time", format="text"),
                    Output("from_sign", "From", format="text"),
                    Output("to_sign", "To", format="text"),
                    Output("rate_before", "Last rate before", format="percent", places=6),
                    Output("rate_after", "First rate after", format="percent", places=6),
                ),
            ),
            Output(
                "chart",
                "Rate and running mean",
                format="series",
                columns=(
                    Output("index", "Index", format="integer"),
                    Output("rate", "Rate", unit="% per interval", places=6),
                    Output("running_mean", "Running mean", unit="% per interval", places=6),
                    Output("baseline", "Baseline", unit="% per interval", places=6),
                ),
                chart={"x": "index", "y": ["rate", "running_mean", "baseline"], "title": "Funding rate (%)"},
            ),
        ),
        compute=_funding_series_calc,
        examples={
            "default": {"source": "simulated", "interval_hours": "8", "baseline": "0.0001", "phi": "0.9",
                        "sigma": "0.00003", "spike_prob": "0.01", "spike_size": "0.0006", "n": 1095, "seed": 7,
                        "start": "2024-01-01T00:00Z"},
            "reversion": {"source": "input", "rates": REVERSION_EXAMPLE, "interval_hours": "8",
                          "reversion_to": "baseline", "start": "2024-03-01T00:00Z"},
            "reversal": {"source": "input", "rates": REVERSAL_EXAMPLE, "interval_hours": "8",
                         "start": "2024-06-01T00:00Z"},
        },
    )
)


# ------------------------------------------------------------------ funding_forecast


def _funding_forecast_calc(v: dict[str, Any]) -> dict[str, Any]:
    rates, simulated = _series_from(v)
    n = len(rates)
    holdout, horizon = v["holdout"], v["horizon"]
    if n < MIN_FIT + 1:
        raise InputError("rates", f"forecast checks need at least {MIN_FIT + 1} rates ({MIN_FIT} to fit, 1 to test)")
    if holdout > n - MIN_FIT:
        raise InputError("holdout", f"hold back at most {n - MIN_FIT} of the {n} rates: the fit needs {MIN_FIT}")
    interval = v["interval_hours"]
    timer = _timer(_parse_start(v["start"]), interval, n + horizon)
    floats = [float(r) for r in rates]
    baseline = float(v["baseline"])
    phi_train, scores = forecast_errors(floats, holdout, baseline)
    by = {s.method: s for s in scores}

    metrics = [
        {"method": METHOD_LABELS[s.method], "mae": _round_float(s.mae), "rmse": _round_float(s.rmse),
         "hit_rate": s.hit_rate}
        for s in scores
    ]
    best = min(scores, key=lambda s: s.rmse)
    ref = by["no_change"].rmse
    skill = None if ref == 0 else 1 - by["ar1"].rmse / ref

    path = forecast_path(floats, horizon, baseline)
    forecasts = [
        {
            "step": h + 1,
            "time": timer(n + h),
            **{m: _round_float(path[m][h]) for m in METHODS},
        }
        for h in range(horizon)
    ]

    first = n - holdout
    keep = _thin(holdout)
    chart = [
        {"index": first + j, "actual": _round_float(floats[first + j] * 100, 10),
         **{m: _round_float(by[m].predictions[j] * 100, 10) for m in METHODS}}
        for j in keep
    ]

    what = SIM_LABEL.format(seed=v["seed"]) if simulated else "Your rates."
    ar, nc = by["ar1"], by["no_change"]
    summary = (
        f"{what} Fitted on the first {first:,} rates, tested one step ahead on the last {holdout:,}: "
        f"lowest RMSE: {METHOD_LABELS[best.method]} ({_fmt_pct(best.rmse, 5)}); AR(1) {_fmt_pct(ar.rmse, 5)} "
        f"against no change {_fmt_pct(nc.rmse, 5)}, sign right {ar.hit_rate * 100:.0f} % and "
        f"{nc.hit_rate * 100:.0f} % of the time. Funding is persistent, so the next rate is fairly predictable from "
        "the last; that does not make prices predictable, and studies find funding a weak forecaster of returns. "
        "Past fit is no guarantee: predictability comes and goes."
    )
    return {
        "summary": summary,
        "train_count": first,
        "test_count": holdout,
        "ar1_phi": _round_float(phi_train),
        "best_method": METHOD_LABELS[best.method],
        "ar1_skill": _round_float(skill),
        "metrics": metrics,
        "forecasts": forecasts,
        "chart": chart,
    }


FORECAST_EXAMPLE = (
    "rate\n0.0001\n0.0001\n0.00012\n0.00018\n0.00025\n0.0002\n0.00015\n0.00011\n0.0001\n0.00008\n0.00003\n"
    "-0.00002\n-0.00004\n-0.00001\n0.00003\n0.00007\n0.0001\n0.0001\n0.00013\n0.0003\n0.00045\n0.0003\n0.0002\n"
    "0.00014\n0.0001\n0.0001"
)

funding_forecast_calculator = calculator(
    Calculator(
        name="funding_forecast",
        title="Forecasting the next funding rates",
        summary=(
            "Four simple forecasts of the next funding rate (no change, historical mean, AR(1) toward the mean, "
            "the baseline), scored on rates held back from fitting: MAE, RMSE and how often each called the "
            "paying side right, plus the forecasts for the next intervals."
        ),
        terms=("funding-rate-forecasting",),
        function="perpcalc.series.forecast_errors",
        notes="Fitting, forecasts and errors use floats; parameters are fitted on the training part only.",
        inputs=(
            *_common_inputs(),
            Field("holdout", "Rates held back for testing", type="integer", default=100, min=1, max=100_000,
                  help="the last N rates are forecast one step ahead and scored; the rest fit the models"),
            Field("horizon", "Forecast horizon", unit="intervals", type="integer", default=6, min=1, max=1000,
                  help="how many future rates to forecast from the end of the series"),
        ),
        outputs=(
            Output("summary", "In short", format="text"),
            Output("train_count", "Rates used to fit", format="integer"),
            Output("test_count", "Rates held back", format="integer"),
            Output("ar1_phi", "AR(1) persistence φ (training part)", places=4),
            Output("best_method", "Lowest RMSE on held-back rates", format="text"),
            Output("ar1_skill", "AR(1) skill vs no change (1 − RMSE ratio; + = better)", format="percent", places=2),
            Output(
                "metrics",
                "Errors on held-back rates (one step ahead)",
                format="table",
                columns=(
                    Output("method", "Method", format="text"),
                    Output("mae", "MAE", format="percent", places=6),
                    Output("rmse", "RMSE", format="percent", places=6),
                    Output("hit_rate", "Sign right", format="percent", places=1),
                ),
            ),
            Output(
                "forecasts",
                "Next rates (models refitted on all rates)",
                format="table",
                columns=(
                    Output("step", "Intervals ahead", format="integer"),
                    Output("time", "Time", format="text"),
                    Output("no_change", "No change", format="percent", places=6),
                    Output("mean", "Mean", format="percent", places=6),
                    Output("ar1", "AR(1)", format="percent", places=6),
                    Output("baseline", "Baseline", format="percent", places=6),
                ),
            ),
            Output(
                "chart",
                "Held-back rates and one-step forecasts",
                format="series",
                columns=(
                    Output("index", "Index", format="integer"),
                    Output("actual", "Actual", unit="% per interval", places=6),
                    Output("no_change", "No change", unit="% per interval", places=6),
                    Output("mean", "Mean", unit="% per interval", places=6),
                    Output("ar1", "AR(1)", unit="% per interval", places=6),
                    Output("baseline", "Baseline", unit="% per interval", places=6),
                ),
                chart={"x": "index", "y": ["actual", "no_change", "ar1", "mean"], "title": "Forecasts (%)"},
            ),
        ),
        compute=_funding_forecast_calc,
        examples={
            "default": {"source": "simulated", "interval_hours": "8", "baseline": "0.0001", "phi": "0.9",
                        "sigma": "0.00003", "spike_prob": "0.01", "spike_size": "0.0006", "n": 1095, "seed": 7,
                        "holdout": 200, "horizon": 6, "start": "2024-01-01T00:00Z"},
            "input": {"source": "input", "rates": FORECAST_EXAMPLE, "interval_hours": "8", "holdout": 8,
                      "horizon": 3},
        },
    )
)
