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
from decimal import Decimal

from ._errors import InputError
from ._num import ZERO, number_sign

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

    >>> rates = simulate_funding(1095, seed=7)
    >>> len(rates)
    1095
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

    Parameters
    ----------
    rates : Sequence[Decimal]
        Funding rates per interval, oldest first.

    Returns
    -------
    dict[str, Decimal | int | None]
        ``count``; ``mean``, ``median``, ``stdev`` (``None`` for a single rate), ``min``, ``max`` in
        the rates' unit; ``share_negative`` and ``share_positive`` as fractions of the count.

    Examples
    --------
    0.01 %, 0.03 %, −0.01 %, 0.01 % → mean 0.01 %, median 0.01 %, stdev 0.0163 %,
    a quarter of the intervals negative.

    >>> stats = describe([Decimal("0.0001"), Decimal("0.0003"), Decimal("-0.0001"), Decimal("0.0001")])
    >>> stats["mean"], stats["median"], stats["share_negative"]
    (Decimal('0.0001'), Decimal('0.0001'), Decimal('0.25'))
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


def longest_runs(rates: Sequence[Decimal | float]) -> tuple[int, int]:
    """Longest streaks of consecutive positive and of consecutive negative rates.

    A run is a maximal block of adjacent intervals with the same strict sign; a zero rate
    ends any run. Returns ``(longest_positive, longest_negative)`` in intervals; 0 when the
    series has no rate of that sign.

    Source: definition.

    Parameters
    ----------
    rates : Sequence[Decimal | float]
        Funding rates per interval, oldest first.

    Returns
    -------
    tuple[int, int]
        The length, in settlements, of the longest run of positive rates and of negative rates
        (0 when there is none); a zero rate ends a run.

    Examples
    --------
    +, +, 0, +, −, −, −, + → longest positive run 2, longest negative run 3.

    >>> longest_runs([1, 1, 0, 1, -1, -1, -1, 1])
    (2, 3)
    """
    best = {1: 0, -1: 0}
    current, length = 0, 0
    for r in rates:
        s = number_sign(r)
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

    Parameters
    ----------
    rates : Sequence[Decimal | float]
        Funding rates per interval, oldest first.

    Returns
    -------
    list[Reversal]
        One ``Reversal`` per change of the paying side, in order; empty when the side never
        changes (or all rates are zero).

    Examples
    --------
    0.01 %, −0.002 %, −0.004 %, 0 %, 0.003 % has two reversals: at index 1
    (+ to −) and at index 4 (− to +).

    >>> [(r.index, r.to_sign) for r in sign_reversals([0.0001, -0.00002, -0.00004, 0, 0.00003])]
    [(1, -1), (4, 1)]
    """
    out: list[Reversal] = []
    last_sign, last_index = 0, -1
    for i, r in enumerate(rates):
        s = number_sign(r)
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

    Parameters
    ----------
    rates : Sequence[float]
        Funding rates per interval, oldest first.
    mean : float | None
        Mean to centre on (``None``: the sample mean).

    Returns
    -------
    float | None
        φ (unitless); ``None`` for fewer points than the fit needs or a flat series (no variance).

    Examples
    --------
    3, 1, 2 around mean 2 (deviations 1, −1, 0): φ = (1·(−1) + (−1)·0) / (1 + 1)
    = −0.5.

    >>> ar1_coefficient([3.0, 1.0, 2.0])
    -0.5
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

    Parameters
    ----------
    phi : float | None
        AR(1) coefficient φ (``None`` when it could not be fitted).

    Returns
    -------
    float | None
        The half-life in intervals; ``None`` unless 0 < φ < 1 (no decay to measure).

    Examples
    --------
    Φ = 0.9 → h = 0.6931 / 0.1054 = 6.58 intervals (2.2 days at 8 h).

    >>> round(half_life(0.9), 2)
    6.58
    """
    if phi is None or not 0.0 < phi < 1.0:
        return None
    return math.log(0.5) / math.log(phi)


def reversion_speed(phi: float | None, interval_hours: float) -> float | None:
    """Mean-reversion speed κ of the OU process matching an AR(1) fit, per hour.

    κ = −ln φ / Δt,   Δt = interval_hours;   half-life in hours = ln 2 / κ

    ``None`` outside 0 < φ < 1 (see [`half_life`][perpcalc.series.half_life]).

    Source: the exact discretisation of an Ornstein–Uhlenbeck process, φ = e^(−κΔt).

    Parameters
    ----------
    phi : float | None
        AR(1) coefficient φ (``None`` when it could not be fitted).
    interval_hours : float
        Hours between two settlements.

    Returns
    -------
    float | None
        κ per hour; ``None`` unless 0 < φ < 1.

    Examples
    --------
    Φ = 0.9 on 8-hour rates → κ = 0.1054 / 8 = 0.0132 per hour.

    >>> round(reversion_speed(0.9, 8), 4)
    0.0132
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

    where m is the series mean and φ its [`ar1_coefficient`][perpcalc.series.ar1_coefficient] (taken as 0 when it
    cannot be fitted, and limited to [−1, 1] so a forecast never explodes). The AR(1)
    path starts at the last rate and decays toward the mean; φ = 1 makes it the no-change
    forecast.

    Source: standard AR(1) h-step forecast (Hamilton 1994, §4.2).

    Example: rates ending at 0.05 % with mean 0.01 % and φ = 0.5 → AR(1) forecasts
    0.03 %, 0.02 %, 0.015 % for the next three intervals.

    >>> path = forecast_path([0.0, 0.0002, 0.0005], 3, 0.0001)
    >>> sorted(path)
    ['ar1', 'baseline', 'mean', 'no_change']
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
        hits = sum(1 for a, p in zip(actual, pred, strict=True) if number_sign(a) == number_sign(p))
        scores.append(ForecastScore(method, pred, mae, rmse, hits / holdout))
    return phi_fit, scores


# ------------------------------------------------------------------ calculator helpers


# ------------------------------------------------------------------ fields shared by both calculators


# ------------------------------------------------------------------ funding_series


# ------------------------------------------------------------------ funding_forecast


