"""Calculators for pool venues: borrow fees (GMX v1, Jupiter Perps), GMX v2 funding and adaptive funding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import ONE, ZERO
from .._spec import Calculator, Field, Output
from ..display import format_money, format_percent
from ..pools import (
    SECONDS_PER_HOUR,
    SECONDS_PER_YEAR,
    gmx_adaptive_funding_step,
    gmx_funding_factor_per_second,
    gmx_funding_rates,
    gmx_imbalance_factor,
    pool_borrow_fee,
    pool_borrow_rate,
)
from ..venues import VENUES, jupiter
from ._adapt import fields_for
from .fields import field

HOURS_PER_YEAR = Decimal(24 * 365)
#: The usual order-book baseline, 0.01 % per 8 h, as a simple yearly rate (for comparison).
BASELINE_APR = Decimal("0.0001") * 3 * 365

USD = {"unit": "USD", "min": 0}

# ------------------------------------------------------------------ pool_borrow_fee

#: Borrow-fee rules of pool venues (fraction per hour at full utilisation).
BORROW_PRESETS: dict[str, dict[str, Any]] = {
    # GMX v1 (GLP): 0.01 % per hour × utilisation; through GMX forks' copies of the v1 docs.
    "gmx_v1": {"hourly_rate": Decimal("0.0001")},
    # venues whose borrow record carries an illustrative hourly rate (Jupiter Perps)
    **{k: {"hourly_rate": v.borrow.hourly_rate} for k, v in VENUES.items() if v.borrow and v.borrow.hourly_rate},
}


@fields_for(borrowed="borrowed", pool_assets="pool_assets", hourly_rate="hourly_rate", size="size",
            hours="hours")
def _borrow_calc(v: dict[str, Any]) -> dict[str, Any]:
    if v["borrowed"] > v["pool_assets"]:
        raise InputError("borrowed", "borrowed cannot exceed the pool's assets")
    rate = pool_borrow_rate(v["borrowed"], v["pool_assets"], v["hourly_rate"])
    fee = pool_borrow_fee(v["size"], v["borrowed"], v["pool_assets"], v["hourly_rate"], v["hours"])
    apr = rate * HOURS_PER_YEAR
    utilization = v["borrowed"] / v["pool_assets"]
    summary = (
        f"With {format_percent(utilization, 2, False)} of the pool lent "
        f"out, a {format_money(v['size'])} USD position pays {format_percent(rate, 5, False)} an hour to the pool: "
        f"{format_money(-fee)} USD over {format_money(v['hours'], 2)} hours, {format_percent(apr, 2)} a year, "
        f"long or short alike. An order-book position at the 0.01 %/8 h baseline would pay "
        f"{format_percent(BASELINE_APR, 2)} a year, and only when funding runs against it."
    )
    if v["hourly_rate"] == 0:
        summary = "With an hourly rate of 0 the position pays no borrow fee."
    return {
        "utilization": utilization,
        "rate_per_hour": rate,
        "fee": fee,
        "apr": apr,
        "summary": summary,
    }


pool_borrow_fee_calculator = Calculator(
    name="pool_borrow_fee",
    title="Pool borrow fee (GMX v1, Jupiter Perps)",
    summary=(
        "What a position on a pool venue pays the liquidity pool each hour: the share of the pool lent out "
        "× the hourly borrow rate × the position size. Longs and shorts both pay; nobody receives it."
    ),
    terms=("funding-rate-as-proxy-for-cost", "perpetual-swap-yields"),
    function="perpcalc.pools.pool_borrow_fee",
    inputs=(
        Field("venue", "Venue preset", type="choice", choices=("custom", *BORROW_PRESETS), default="custom",
              help="fills the venue's hourly rate (dated, illustrative for Jupiter); your own value wins"),
        field("size", label="Position size", unit="USD", help="the position's notional in USD"),
        Field("borrowed", "Assets lent out by the pool", help="GMX: reserved amount; Jupiter: tokens locked",
              **USD),
        Field("pool_assets", "Assets in the pool", unit="USD", min=0, min_open=True,
              help="same unit as the amount lent out"),
        Field("hourly_rate", "Hourly borrow rate at full use", unit="fraction per hour", percent=True,
              default=Decimal("0.0001"), min=0, max=Decimal("0.01"), help="0.0001 = 0.01 % per hour (GMX v1)"),
        Field("hours", "Holding period", unit="hours", default=Decimal(24), min=0, max=24 * 366 * 10),
    ),
    outputs=(
        Output("utilization", "Share of the pool lent out", format="percent", places=4),
        Output("rate_per_hour", "Borrow rate per hour", format="percent", places=6),
        Output("fee", "Borrow fee over the period (− = you pay)", unit="USD", places=6),
        Output("apr", "Borrow rate per year, simple", format="percent", places=4),
        Output("summary", "In words", format="text"),
    ),
    compute=_borrow_calc,
    presets={"venue": BORROW_PRESETS},
    notes=(
        "GMX v1 charges 0.01 % per hour at full utilisation (its v1 docs page was read only through "
        "forks' copies). Jupiter Perps sets an hourly rate per custody token; the preset is an "
        "illustration. Utilisation is held fixed over the period; venues accrue it hourly."
    ),
    examples={
        "default": {"venue": "gmx_v1", "size": "10000", "borrowed": "60", "pool_assets": "100", "hours": "24"},
        "jupiter_sol": {"venue": jupiter.KEY, "size": "20000", "borrowed": "1200000", "pool_assets": "3000000",
                        "hours": "1"},
    },
)


# ------------------------------------------------------------------ gmx_funding

OI = {"unit": "USD", "min": 0, "max": 10**13}


def _per_year(per_second: Decimal) -> Decimal:
    return per_second * SECONDS_PER_YEAR


@fields_for(long_oi="long_oi", short_oi="short_oi", funding_factor="funding_factor", exponent="exponent",
            max_factor_per_second="max_apr")
def _gmx_funding_calc(v: dict[str, Any]) -> dict[str, Any]:
    long_oi, short_oi = v["long_oi"], v["short_oi"]
    if long_oi + short_oi == 0:
        raise InputError("long_oi", "open interest must be > 0 on at least one side")
    cap = None if v["max_apr"] is None else v["max_apr"] / SECONDS_PER_YEAR
    f = gmx_funding_factor_per_second(long_oi, short_oi, v["funding_factor"], v["exponent"], cap)
    long_rate, short_rate = gmx_funding_rates(long_oi, short_oi, f)
    mine = long_rate if v["side"] == "long" else short_rate
    payment = mine * v["size"] * v["hours"] * SECONDS_PER_HOUR
    payer = "none" if long_rate == short_rate == 0 else ("long" if long_rate < 0 else "short")
    if payer == "none":
        summary = ("Open interest is balanced (or one side is empty, leaving nobody to pay), so no funding "
                   "changes hands.")
    else:
        receiver = "short" if payer == "long" else "long"
        summary = (
            f"The {payer} side holds more open interest and pays {format_percent(_per_year(f), 2)} a year; "
            f"the {receiver} side shares the same dollars over less open interest and earns "
            f"{format_percent(_per_year(abs(short_rate if payer == 'long' else long_rate)), 2)} a year. "
            f"Your {v['side']} of {format_money(v['size'])} USD "
            f"{'pays' if payment < 0 else 'receives'} {format_money(abs(payment), 4)} USD over "
            f"{format_money(v['hours'], 2)} hours."
        )
    return {
        "imbalance": gmx_imbalance_factor(long_oi, short_oi, v["exponent"]),
        "factor_per_second": f,
        "payer": payer,
        "long_apr": _per_year(long_rate),
        "short_apr": _per_year(short_rate),
        "long_per_hour": long_rate * SECONDS_PER_HOUR,
        "short_per_hour": short_rate * SECONDS_PER_HOUR,
        "payment": payment,
        "summary": summary,
    }


gmx_funding_calculator = Calculator(
    name="gmx_funding",
    title="GMX v2 funding from open-interest imbalance",
    summary=(
        "On GMX v2 the side with more open interest pays the other: factor × (gap between long and short open "
        "interest)^e / (L + S) per second "
        "of its size, and the smaller side receives the same dollars spread over its own open interest."
    ),
    terms=("funding-rate-calculations", "funding-rate-discrepancy"),
    function="perpcalc.pools.gmx_funding_factor_per_second",
    inputs=(
        Field("long_oi", "Long open interest", **OI),
        Field("short_oi", "Short open interest", **OI),
        Field("funding_factor", "Funding factor", unit="per second", default=Decimal("2e-8"), min=0,
              max=Decimal("0.001"), help="GMX's fundingFactor (2e-8 ≈ 63 % a year at full imbalance)"),
        Field("exponent", "Funding exponent", default=ONE, min=Decimal("0.5"), max=3, advanced=True,
              help="1 on most markets; other values raise the USD imbalance to this power"),
        Field("max_apr", "Cap on the payers' rate", unit="per year", percent=True, default=None, min=0, max=100,
              advanced=True, help="optional: the market's maximum funding factor, as a yearly rate (0.6 = 60 %)"),
        field("side"),
        field("size", label="Your position size", unit="USD"),
        Field("hours", "Holding period", unit="hours", default=Decimal(24), min=0, max=24 * 366 * 10),
    ),
    outputs=(
        Output("imbalance", "Imbalance |L − S|^e / (L + S)", format="percent", places=4),
        Output("factor_per_second", "Payers' rate per second", places=16),
        Output("payer", "Who pays", format="text"),
        Output("long_apr", "Longs per year (+ = receive, − = pay)", format="percent", places=4),
        Output("short_apr", "Shorts per year (+ = receive, − = pay)", format="percent", places=4),
        Output("long_per_hour", "Longs per hour", format="percent", places=8),
        Output("short_per_hour", "Shorts per hour", format="percent", places=8),
        Output("payment", "Your funding over the period (− = you pay)", unit="USD", places=6),
        Output("summary", "In words", format="text"),
    ),
    compute=_gmx_funding_calc,
    notes=(
        "Static mode (no adaptive increase factor). GMX charges nothing while either side is empty. Yearly "
        "figures use 365-day years, as GMX does. Source: gmx-io/gmx-synthetics README and MarketUtils."
    ),
    examples={
        "default": {"long_oi": "1500000", "short_oi": "1000000", "funding_factor": "2e-8", "side": "short",
                    "size": "10000", "hours": "24"},
        "long_pays": {"long_oi": "1500000", "short_oi": "1000000", "funding_factor": "2e-8", "side": "long",
                      "size": "10000", "hours": "24"},
        "balanced": {"long_oi": "800000", "short_oi": "800000", "side": "long", "size": "10000"},
    },
)


# ------------------------------------------------------------------ gmx_adaptive_funding

PATH_COLUMNS = (
    Field("hours", "Hours", min=0, min_open=True, max=24 * 366),
    Field("long_oi", "Long OI", unit="USD", min=0, max=10**13),
    Field("short_oi", "Short OI", unit="USD", min=0, max=10**13),
)
APR_HOUR = SECONDS_PER_HOUR * SECONDS_PER_YEAR
LAST_CHANGE = {"increase": "an increase", "decrease": "a decrease", "hold": "a hold", "reset": "a reset"}


@fields_for(min_factor_per_second="min_apr", max_factor_per_second="max_apr",
            threshold_stable="threshold_stable", threshold_decrease="threshold_decrease")
def _gmx_adaptive_calc(v: dict[str, Any]) -> dict[str, Any]:
    if v["min_apr"] > v["max_apr"]:
        raise InputError("min_apr", "the minimum rate must not exceed the maximum")
    if v["threshold_decrease"] > v["threshold_stable"]:
        raise InputError("threshold_decrease", "the decrease threshold must not exceed the stable threshold")
    params = {
        "increase_factor_per_second": v["increase_apr_per_hour"] / APR_HOUR,
        "decrease_factor_per_second": v["decrease_apr_per_hour"] / APR_HOUR,
        "threshold_stable": v["threshold_stable"],
        "threshold_decrease": v["threshold_decrease"],
        "min_factor_per_second": v["min_apr"] / SECONDS_PER_YEAR,
        "max_factor_per_second": v["max_apr"] / SECONDS_PER_YEAR,
    }
    saved = v["start_apr"] / SECONDS_PER_YEAR
    rows, points = [], [{"hour": ZERO, "apr": v["start_apr"]}]
    clock = ZERO
    paid = ZERO  # by 1,000 USD of long position
    for i, r in enumerate(v["path"], start=1):
        if r["long_oi"] + r["short_oi"] == 0:
            raise InputError("path", f"OI path row {i}: open interest must be > 0 on at least one side")
        seconds = r["hours"] * SECONDS_PER_HOUR
        step = gmx_adaptive_funding_step(saved, r["long_oi"], r["short_oi"], seconds, **params)
        saved = step.saved
        lr, _sr = gmx_funding_rates(r["long_oi"], r["short_oi"], abs(step.rate), step.rate > 0)
        paid += lr * 1000 * seconds
        clock += r["hours"]
        rows.append({"row": i, "hours": clock, "imbalance": gmx_imbalance_factor(r["long_oi"], r["short_oi"]),
                     "change": step.change, "apr": step.rate * SECONDS_PER_YEAR,
                     "payer": "long" if step.rate > 0 else ("short" if step.rate < 0 else "none")})
        points.append({"hour": clock, "apr": step.rate * SECONDS_PER_YEAR})
    last = rows[-1]
    summary = (
        f"After {format_money(clock, 2)} hours the payers' rate is {format_percent(last['apr'], 2)} a year "
        f"(+ = longs pay); the last update was {LAST_CHANGE[last['change']]}. It ramps while the imbalance exceeds "
        f"{format_percent(v['threshold_stable'], 2, False)}, holds between the two thresholds and decays below "
        f"{format_percent(v['threshold_decrease'], 2, False)}; bounded between "
        f"{format_percent(v['min_apr'], 2, False)} and {format_percent(v['max_apr'], 2, False)} a year."
    )
    return {"final_apr": last["apr"], "long_paid_per_1000": paid, "steps": rows, "path_chart": points,
            "summary": summary}


gmx_adaptive_funding_calculator = Calculator(
    name="gmx_adaptive_funding",
    title="GMX v2 adaptive funding over time",
    summary=(
        "GMX v2's adaptive funding factor steps up while the open-interest imbalance stays above a threshold, "
        "holds in a band, and decays once the market is close to balanced; follow it through a path of "
        "open interest."
    ),
    terms=("funding-rate-fluctuations", "funding-rate-reversion"),
    function="perpcalc.pools.gmx_adaptive_funding_step",
    inputs=(
        Field("path", "Open interest path (hours, long_oi, short_oi)", type="list", columns=PATH_COLUMNS,
              min_items=1, max_items=2000, help="each row holds for its hours; funding updates at its end"),
        Field("start_apr", "Stored rate at the start", unit="per year", percent=True, default=ZERO, min=-100,
              max=100, help="+ = longs pay; 0 for a fresh market"),
        Field("increase_apr_per_hour", "Increase per hour at full imbalance", unit="per year per hour",
              percent=True, default=Decimal("0.2"), min=0, max=100,
              help="GMX's fundingIncreaseFactorPerSecond restated: how much the yearly rate gains each hour "
                   "when one side holds everything (0.2 = 20 %)"),
        Field("decrease_apr_per_hour", "Decrease per hour below the decrease threshold", unit="per year per hour",
              percent=True, default=Decimal("0.01"), min=0, max=100),
        Field("threshold_stable", "Stable threshold", unit="fraction of OI", percent=True, default=Decimal("0.04"),
              advanced=True,
              min=0, max=1, help="above this imbalance the rate keeps increasing"),
        Field("threshold_decrease", "Decrease threshold", unit="fraction of OI", percent=True, default=ZERO,
              advanced=True,
              min=0, max=1, help="below this imbalance the rate decays (0: never decays while skewed)"),
        Field("min_apr", "Minimum rate", unit="per year", percent=True, default=Decimal("0.01"), min=0, max=100,
              advanced=True),
        Field("max_apr", "Maximum rate", unit="per year", percent=True, default=Decimal("0.6"), min=0, max=100,
              advanced=True),
    ),
    outputs=(
        Output("final_apr", "Rate after the last update (+ = longs pay)", format="percent", places=4),
        Output("long_paid_per_1000", "Funding of a 1,000 USD long over the path (− = pays)", unit="USD",
               places=6),
        Output("steps", "Updates", format="table", columns=(
            Output("row", "Row", format="integer"),
            Output("hours", "Hour", places=2),
            Output("imbalance", "Imbalance", format="percent", places=2),
            Output("change", "Change", format="text"),
            Output("apr", "Rate per year", format="percent", places=4),
            Output("payer", "Payer", format="text"),
        )),
        Output("path_chart", "Funding rate over time", format="series", columns=(
            Output("hour", "Hour", places=2),
            Output("apr", "Rate per year (+ = longs pay)", format="percent", places=4),
        ), chart={"x_label": "Time (hours from the start)", "y_label": "Rate per year (fraction: 0.1 = 10 %)"}),
        Output("summary", "In words", format="text"),
    ),
    compute=_gmx_adaptive_calc,
    notes=(
        "Defaults are of the order GMX configures (a 1 %–60 % yearly band, a 4 % stable threshold, an increase "
        "of about 20 % a year per hour at full imbalance), read from one public market snapshot: illustrative, "
        "not a live configuration. Each row is one update of the contract with its elapsed time."
    ),
    examples={
        "default": {"path": [{"hours": "6", "long_oi": "1500000", "short_oi": "1000000"},
                             {"hours": "6", "long_oi": "1500000", "short_oi": "1000000"},
                             {"hours": "6", "long_oi": "1030000", "short_oi": "970000"},
                             {"hours": "6", "long_oi": "1000000", "short_oi": "1400000"},
                             {"hours": "6", "long_oi": "1000000", "short_oi": "1400000"}],
                    "threshold_decrease": "0.02"},
    },
)
