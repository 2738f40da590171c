from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import parse_start, thin_buckets
from .._spec import Calculator, Field, Output
from ..display import format_number, format_percent
from ..series import (
    CHART_POINTS,
    DEFAULT_BASELINE,
    HOURS_PER_YEAR,
    METHOD_LABELS,
    METHODS,
    MIN_FIT,
    TABLE_ROWS,
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
from .fields import RATE_COLUMN, field


def round_sig(x: float | None, digits: int = 12) -> float | None:
    """Keep 12 significant digits of a fitted value: ``math.log`` may differ in the last
    bit between C libraries (CPython's and Pyodide's), the shown value must not."""
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


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


def _iso_timer(start: datetime | None, interval_hours: Decimal):
    """A function index → 'YYYY-MM-DDTHH:MMZ' (or None without a start time): the chart's time axis.
    Call it after ``_timer``, which checks the range."""
    if start is None:
        return lambda i: None
    seconds = float(interval_hours * 3600)
    return lambda i: (start + timedelta(seconds=seconds * i)).strftime("%Y-%m-%dT%H:%MZ")


def _series_from(v: dict[str, Any]) -> tuple[list[Decimal], bool]:
    """The rates to analyse (Decimal) and whether they are simulated."""
    if v["source"] == "simulated":
        if v["rates"]:
            raise InputError(
                "source", "source is 'simulated' but rates were given: choose 'input' to analyse them, or clear them"
            )
        floats = simulate_funding(
            v["n"],
            float(v["phi"]),
            float(v["baseline"]),
            float(v["sigma"]),
            float(v["spike_prob"]),
            float(v["spike_size"]),
            v["seed"],
        )
        # Published rates have 8 decimals (Binance's "0.00010000"); so do simulated ones.
        return [Decimal(f"{r:.8f}") for r in floats], True
    rows = v["rates"]
    if not rows:
        raise InputError("rates", "enter the funding rates, one per line (or choose source 'simulated')")
    return [row["rate"] for row in rows], False


def _sign_text(s: int) -> str:
    return "+" if s > 0 else "−" if s < 0 else "0"


RATE_HELP = "one rate per interval, oldest first"


# the pasted rates and the simulation's parameters each apply to one source only
PASTED = {"source": ("input",)}
SIMULATED = {"source": ("simulated",)}


def _common_inputs() -> tuple[Field, ...]:
    return (
        Field(
            "source",
            "Rates from",
            type="choice",
            choices=("input", "simulated"),
            default="input",
            help="input: the rates you enter below; simulated: a seeded AR(1) series with spikes (not market data)",
        ),
        Field(
            "rates",
            "Funding rates",
            type="list",
            default=None,
            max_items=100_000,
            help=RATE_HELP,
            accepts=("funding_history",),
            columns=(RATE_COLUMN,),
            when=PASTED,
        ),
        field("interval_hours", help="hours between two rates: 8 on most venues, 1 on Hyperliquid"),
        Field(
            "baseline",
            "Baseline rate (per interval)",
            unit="fraction",
            percent=True,
            default=DEFAULT_BASELINE,
            min=-1,
            max=1,
            help="the venue's resting rate: 0.01 % per 8 h on clamp venues; the simulation's mean",
        ),
        Field(
            "start",
            "Time of the first rate",
            type="text",
            default=None,
            help="optional, UTC, e.g. 2024-01-01T00:00Z: tables then show dates",
            advanced=True,
        ),
        Field(
            "phi",
            "Simulation: persistence φ",
            default=Decimal("0.9"),
            min=-1,
            max=1,
            min_open=True,
            max_open=True,
            help="share of a deviation that survives one interval (simulated source only)",
            when=SIMULATED,
            advanced=True,
        ),
        Field(
            "sigma",
            "Simulation: shock size σ",
            unit="fraction",
            percent=True,
            default=Decimal("0.00003"),
            min=0,
            max=Decimal("0.01"),
            help="standard deviation of the per-interval shock",
            when=SIMULATED,
            advanced=True,
        ),
        Field(
            "spike_prob",
            "Simulation: spike probability",
            unit="per interval",
            default=Decimal("0.01"),
            min=0,
            max=1,
            when=SIMULATED,
            advanced=True,
        ),
        Field(
            "spike_size",
            "Simulation: spike size",
            unit="fraction",
            percent=True,
            default=Decimal("0.0006"),
            min=0,
            max=Decimal("0.05"),
            help="a spike adds ± this to one interval, then decays at φ",
            when=SIMULATED,
            advanced=True,
        ),
        Field(
            "n",
            "Simulation: number of rates",
            type="integer",
            default=1095,
            min=MIN_FIT,
            max=10_000,
            help="1,095 = one year of 8-hour intervals",
            when=SIMULATED,
        ),
        Field(
            "seed",
            "Simulation: seed",
            type="integer",
            default=7,
            min=0,
            max=2**32 - 1,
            help="same seed, same series, in every browser",
            when=SIMULATED,
            advanced=True,
        ),
    )


SIM_LABEL = "Simulated series (AR(1) with spikes, seed {seed}): an illustration, not market data."


def _reversion_text(phi: float | None, n: int, hl: float | None, interval_hours: Decimal, center: str) -> str:
    if n < MIN_FIT:
        return f"not enough rates to fit (needs at least {MIN_FIT})"
    if phi is None:
        return f"no variation to fit: the rates do not move around the {center}"
    if phi >= 1:
        return f"φ = {format_number(phi, 3, 3)} ≥ 1: no reversion, deviations persist or grow (random walk or worse)"
    if phi <= 0:
        return f"φ = {format_number(phi, 3, 3)} ≤ 0: no persistence, deviations vanish or flip sign within one interval"
    hours = hl * float(interval_hours) if hl is not None else 0.0
    return f"deviations from the {center} halve in about {hl:.1f} intervals ({hours:.1f} h)"


def _funding_series_calc(v: dict[str, Any]) -> dict[str, Any]:
    rates, simulated = _series_from(v)
    interval = v["interval_hours"]
    stats = describe(rates)
    n = stats["count"]
    start = parse_start(v["start"])
    timer, at = _timer(start, interval, n), _iso_timer(start, interval)
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
    keep = thin_buckets(n, CHART_POINTS, weight=lambda i: abs(floats[i] - mean_f))
    chart = [
        {
            "index": i,
            "time": at(i),
            "rate": round_sig(floats[i] * 100, 10),
            "running_mean": round_sig(running[i] * 100, 10),
            "baseline": baseline_pct,
        }
        for i in keep
    ]

    what = SIM_LABEL.format(seed=v["seed"]) if simulated else "Your rates."
    hours = float(interval) * n
    span = f"{n:,} rates of {float(interval):g} h ({hours / 24:,.1f} days)"
    summary = (
        f"{what} {span}: mean {format_percent(stats['mean'])} per interval ({format_percent(mean_apr, 2)} a "
        f"year, simple), "
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
        "ar1_phi": round_sig(phi),
        "half_life_intervals": round_sig(hl),
        "half_life_hours": round_sig(hl * float(interval)) if hl is not None else None,
        "reversion_speed": round_sig(kappa),
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


funding_series_calculator = Calculator(
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
        Field(
            "reversion_to",
            "Fit reversion toward",
            type="choice",
            choices=("mean", "baseline"),
            default="mean",
            help="mean: the series' own mean; baseline: the baseline rate above (where clamp venues' rates rest)",
        ),
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
        Output("ar1_phi", "AR(1) persistence φ (deviations from the chosen level)", places=4),
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
                Output("index", "Settlement #", unit="0 = first rate", format="integer"),
                Output("time", "Time", unit="UTC", format="text"),
                Output("rate", "Rate", unit="% per interval", places=6),
                Output("running_mean", "Running mean", unit="% per interval", places=6),
                Output("baseline", "Baseline", unit="% per interval", places=6),
            ),
            chart={
                "x": "index",
                "time": "time",
                "y": ["rate", "running_mean", "baseline"],
                "title": "Funding rate (%)",
            },
        ),
    ),
    compute=_funding_series_calc,
    examples={
        "default": {
            "source": "simulated",
            "interval_hours": "8",
            "baseline": "0.0001",
            "phi": "0.9",
            "sigma": "0.00003",
            "spike_prob": "0.01",
            "spike_size": "0.0006",
            "n": 1095,
            "seed": 7,
            "start": "2024-01-01T00:00Z",
        },
        "reversion": {
            "source": "input",
            "rates": REVERSION_EXAMPLE,
            "interval_hours": "8",
            "reversion_to": "baseline",
            "start": "2024-03-01T00:00Z",
        },
        "reversal": {"source": "input", "rates": REVERSAL_EXAMPLE, "interval_hours": "8", "start": "2024-06-01T00:00Z"},
    },
)


def _funding_forecast_calc(v: dict[str, Any]) -> dict[str, Any]:
    rates, simulated = _series_from(v)
    n = len(rates)
    holdout, horizon = v["holdout"], v["horizon"]
    if n < MIN_FIT + 1:
        raise InputError("rates", f"forecast checks need at least {MIN_FIT + 1} rates ({MIN_FIT} to fit, 1 to test)")
    if holdout > n - MIN_FIT:
        raise InputError("holdout", f"hold back at most {n - MIN_FIT} of the {n} rates: the fit needs {MIN_FIT}")
    interval = v["interval_hours"]
    start = parse_start(v["start"])
    timer, at = _timer(start, interval, n + horizon), _iso_timer(start, interval)
    floats = [float(r) for r in rates]
    baseline = float(v["baseline"])
    phi_train, scores = forecast_errors(floats, holdout, baseline)
    by = {s.method: s for s in scores}

    metrics = [
        {"method": METHOD_LABELS[s.method], "mae": round_sig(s.mae), "rmse": round_sig(s.rmse), "hit_rate": s.hit_rate}
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
            **{m: round_sig(path[m][h]) for m in METHODS},
        }
        for h in range(horizon)
    ]

    first = n - holdout
    keep = thin_buckets(holdout, CHART_POINTS)
    chart = [
        {
            "index": first + j,
            "time": at(first + j),
            "actual": round_sig(floats[first + j] * 100, 10),
            **{m: round_sig(by[m].predictions[j] * 100, 10) for m in METHODS},
        }
        for j in keep
    ]

    what = SIM_LABEL.format(seed=v["seed"]) if simulated else "Your rates."
    ar, nc = by["ar1"], by["no_change"]
    summary = (
        f"{what} Fitted on the first {first:,} rates, tested one step ahead on the last {holdout:,}: "
        f"lowest RMSE: {METHOD_LABELS[best.method]} ({format_percent(best.rmse, 5)}); AR(1) "
        f"{format_percent(ar.rmse, 5)} "
        f"against no change {format_percent(nc.rmse, 5)}, sign right {ar.hit_rate * 100:.0f} % and "
        f"{nc.hit_rate * 100:.0f} % of the time. Funding is persistent, so the next rate is fairly predictable from "
        "the last; that does not make prices predictable, and studies find funding a weak forecaster of returns. "
        "Past fit is no guarantee: predictability comes and goes."
    )
    return {
        "summary": summary,
        "train_count": first,
        "test_count": holdout,
        "ar1_phi": round_sig(phi_train),
        "best_method": METHOD_LABELS[best.method],
        "ar1_skill": round_sig(skill),
        "metrics": metrics,
        "forecasts": forecasts,
        "chart": chart,
    }


FORECAST_EXAMPLE = (
    "rate\n0.0001\n0.0001\n0.00012\n0.00018\n0.00025\n0.0002\n0.00015\n0.00011\n0.0001\n0.00008\n0.00003\n"
    "-0.00002\n-0.00004\n-0.00001\n0.00003\n0.00007\n0.0001\n0.0001\n0.00013\n0.0003\n0.00045\n0.0003\n0.0002\n"
    "0.00014\n0.0001\n0.0001"
)


funding_forecast_calculator = Calculator(
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
        Field(
            "holdout",
            "Rates held back for testing",
            type="integer",
            default=100,
            min=1,
            max=100_000,
            help="the last N rates are forecast one step ahead and scored; the rest fit the models",
        ),
        Field(
            "horizon",
            "Forecast horizon",
            unit="intervals",
            type="integer",
            default=6,
            min=1,
            max=1000,
            help="how many future rates to forecast from the end of the series",
        ),
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
                Output("index", "Settlement #", unit="0 = first rate", format="integer"),
                Output("time", "Time", unit="UTC", format="text"),
                Output("actual", "Actual", unit="% per interval", places=6),
                Output("no_change", "No change", unit="% per interval", places=6),
                Output("mean", "Mean", unit="% per interval", places=6),
                Output("ar1", "AR(1)", unit="% per interval", places=6),
                Output("baseline", "Baseline", unit="% per interval", places=6),
            ),
            chart={
                "x": "index",
                "time": "time",
                "y": ["actual", "no_change", "ar1", "mean"],
                "title": "Forecasts (%)",
            },
        ),
    ),
    compute=_funding_forecast_calc,
    examples={
        "default": {
            "source": "simulated",
            "interval_hours": "8",
            "baseline": "0.0001",
            "phi": "0.9",
            "sigma": "0.00003",
            "spike_prob": "0.01",
            "spike_size": "0.0006",
            "n": 1095,
            "seed": 7,
            "holdout": 200,
            "horizon": 6,
            "start": "2024-01-01T00:00Z",
        },
        "input": {"source": "input", "rates": FORECAST_EXAMPLE, "interval_hours": "8", "holdout": 8, "horizon": 3},
    },
)
