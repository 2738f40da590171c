from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import EIGHT, ONE, ZERO, parse_start
from .._spec import Calculator, Field, Output
from ..display import format_percent
from ..funding import (
    METHODS,
    SCALINGS,
    SHORTENINGS,
    WEIGHTINGS,
    RateRules,
    annualized,
    funding_by_venue,
    funding_payment,
    funding_rate,
    funding_schedule,
    mean_premium,
    notional_value,
    payer_of,
    periods_per_year,
    predicted_funding,
    premium_index,
    time_weighted_premium,
)
from ..venues import (
    FUNDING_VENUE_KEYS,
    FUNDING_VENUES,
    SCHEDULE_VENUE_KEYS,
    SETTLEMENT_ASSETS,
    binance,
    bybit,
    deribit,
    funding_preset,
    hyperliquid,
    okx,
    quote_label,
    schedule_preset,
    settlement_label,
)
from ._adapt import fields_for
from .fields import QUOTE_OUTPUT, field

RATE_HELP = "fraction per funding interval: 0.0001 = 0.01 % (you may type 0.01%)"


def rate_field(name: str, label: str, default: Any = None, help: str = RATE_HELP, **kw: Any) -> Field:
    return Field(name, label, unit="fraction", default=default, percent=True, help=help, min=-1, max=1, **kw)


VENUE_CHOICES = ("custom", *FUNDING_VENUE_KEYS)


VENUE = field("venue", choices=VENUE_CHOICES)


# the clamp formula's parameters (the other formulas do not use them)
CLAMP_ONLY = {"method": ("clamp",)}

SCALING = Field(
    "scaling",
    "Interval scaling",
    type="choice",
    choices=SCALINGS,
    default="n_over_8",
    help="n_over_8: an N-hour settlement pays N/8 of the 8-hour rate (Binance, Hyperliquid, dYdX); "
    "per_interval: the formula applies per settlement, interest split across the day (Bybit, OKX); "
    "n_over_24: the formula gives a daily rate and an N-hour settlement pays N/24 of it (Drift)",
    advanced=True,
)


def _premium_index_calc(v: dict[str, Any]) -> dict[str, Any]:
    return {"premium_index": premium_index(v["index_price"], v["impact_bid"], v["impact_ask"])}


premium_index_calculator = Calculator(
    name="premium_index",
    title="Premium index",
    summary="How far the perpetual's order book sits above or below the index, as one premium sample.",
    terms=("funding-rate-calculations",),
    function="perpcalc.funding.premium_index",
    inputs=(
        field("index_price"),
        Field("impact_bid", "Impact bid price", unit="quote", min=0, min_open=True),
        Field("impact_ask", "Impact ask price", unit="quote", min=0, min_open=True),
    ),
    outputs=(Output("premium_index", "Premium index (+ = perp above index)", format="percent", places=6),),
    compute=_premium_index_calc,
    examples={"default": {"index_price": "10000", "impact_bid": "10100", "impact_ask": "10110"}},
)


def _funding_rate_calc(v: dict[str, Any]) -> dict[str, Any]:
    rate = funding_rate(
        v["premium_index"],
        v["method"],
        v["interest_rate"],
        v["clamp"],
        v["dead_band"],
        v["interval_hours"],
        v["cap"],
        v["scaling"],
    )
    n = periods_per_year(v["interval_hours"])
    return {
        "funding_rate": rate,
        "rate_8h": rate * EIGHT / v["interval_hours"],
        "payer": payer_of(rate),
        "apr": rate * n,
    }


funding_rate_calculator = Calculator(
    name="funding_rate",
    title="Funding rate from the premium",
    summary=(
        "Turns an interval's average premium into the funding rate: the clamp formula of "
        "Binance, Bybit, BitMEX and Hyperliquid, Deribit's dead band, or the bare premium, "
        "scaled to the funding interval and capped."
    ),
    terms=("funding-rate-calculations", "negative-funding-rates", "funding-rate-management"),
    function="perpcalc.funding.funding_rate",
    inputs=(
        Field(
            "premium_index",
            "Average premium index (8-hour)",
            unit="fraction",
            percent=True,
            min=-1,
            max=1,
            help="the interval's average premium, as a fraction (0.01 = 1 %; you may type 1%)",
        ),
        VENUE,
        Field(
            "method",
            "Formula",
            type="choice",
            choices=METHODS,
            default="clamp",
            help="clamp: P + clamp(I − P, ±c); dead_band: P − clamp(P, ±d); premium: F = P",
        ),
        rate_field("interest_rate", "Interest rate I (per 8 h)", default=Decimal("0.0001"), when=CLAMP_ONLY),
        Field(
            "clamp",
            "Clamp c (per 8 h)",
            unit="fraction",
            percent=True,
            default=Decimal("0.0005"),
            min=0,
            max=1,
            help="half-width of the band around I − P; 0.0005 = 0.05 %",
            when=CLAMP_ONLY,
        ),
        Field(
            "dead_band",
            "Dead band d (per 8 h)",
            unit="fraction",
            percent=True,
            default=Decimal("0.00025"),
            min=0,
            max=1,
            help="Deribit's damper; 0.00025 = 0.025 %",
            when={"method": ("dead_band",)},
        ),
        field("interval_hours", help="the 8-hour rate is scaled by N / 8 (with n_over_8 scaling)"),
        Field(
            "cap",
            "Cap (per interval)",
            unit="fraction",
            percent=True,
            default=None,
            min=0,
            min_open=True,
            max=1,
            help="absolute limit on the per-interval rate, applied last; leave empty for none",
            advanced=True,
        ),
        SCALING,
    ),
    outputs=(
        Output("funding_rate", "Funding rate per interval (+ = longs pay shorts)", format="percent", places=6),
        Output("rate_8h", "Same rate per 8 h", format="percent", places=6),
        Output("payer", "Who pays", format="text"),
        Output("apr", "Annualised, simple (365 days)", format="percent", places=4),
    ),
    compute=_funding_rate_calc,
    examples={
        "default": {
            "premium_index": "0.01",
            "method": "clamp",
            "interest_rate": "0.0001",
            "clamp": "0.0005",
            "interval_hours": "1",
        },
        "dead_zone": {"premium_index": "0.0003"},
        deribit.KEY: {"premium_index": "0.0005", "method": "dead_band"},
        hyperliquid.KEY: {"premium_index": "0.01", "venue": hyperliquid.KEY},
        "binance_capped": {"premium_index": "0.01", "venue": binance.KEY},
    },
    presets={"venue": {k: funding_preset(k) for k in FUNDING_VENUE_KEYS}},
    notes=(
        "Choosing a venue fills the formula, interest, band, interval, cap and scaling with that "
        "venue's published values (see perpcalc.venues for sources and dates); any field you set "
        "yourself wins. Caps are per symbol: the preset is one documented figure for a major contract."
    ),
)


def _funding_payment_calc(v: dict[str, Any]) -> dict[str, Any]:
    position = (v["side"], v["size"], v["mark_price"], v["funding_rate"], v["intervals"], v["contract"])
    return {
        "payment": funding_payment(*position, v["contract_value"]),
        "payer": payer_of(v["funding_rate"]),
        "currency": "base" if v["contract"] == "inverse" else "quote",
        "currency_label": settlement_label(v["venue"], v["contract"]),
        "quote_label": quote_label(v["venue"], v["contract"]),
        "notional": notional_value(v["size"], v["mark_price"], v["contract"], v["contract_value"]),
        # the same rate held for a day and for a year (365 days), one settlement every interval_hours
        "payment_per_day": funding_payment(*position[:4], 24 / v["interval_hours"], v["contract"],
                                           v["contract_value"]),
        "payment_per_year": funding_payment(*position[:4], 24 * 365 / v["interval_hours"], v["contract"],
                                            v["contract_value"]),
    }


funding_payment_calculator = Calculator(
    name="funding_payment",
    title="Funding payment",
    summary=(
        "What one position pays or receives in funding: linear contracts settle in the quote "
        "currency, inverse ones in the base coin."
    ),
    terms=("funding-rate-exposure", "negative-funding-rates"),
    function="perpcalc.funding.funding_payment",
    inputs=(
        field("side"),
        field("size"),
        field("mark_price"),
        field("funding_rate"),
        field("contract"),
        field("contract_value"),
        Field(
            "intervals",
            "Intervals held",
            unit="intervals",
            default=ONE,
            min=0,
            max=1_000_000,
            help="fractions allowed where funding accrues continuously",
        ),
        field("interval_hours", help="hours between settlements (8 on most venues, 1 on Hyperliquid): "
              "sets the per-day and per-year figures"),
        Field(
            "venue",
            "Venue (names the currency)",
            type="choice",
            choices=("any", *SETTLEMENT_ASSETS),
            default="any",
            help="only labels the result: linear perpetuals settle in USDT on Binance, Bybit, OKX and BitMEX, "
            "in USDC on Deribit, Hyperliquid, dYdX and Drift; inverse ones in the base coin",
        ),
    ),
    outputs=(
        Output("payment", "Your payment (− = you pay, + = you receive)", unit="settlement currency"),
        Output("payer", "Paying side", format="text"),
        Output("currency", "Paid in the quote or the base currency", format="text"),
        Output("currency_label", "Paid in", format="text"),
        QUOTE_OUTPUT,
        Output("notional", "Position value", unit="settlement currency"),
        Output("payment_per_day", "Per day at this rate (− = you pay)", unit="settlement currency"),
        Output("payment_per_year", "Per year at this rate, 365 days (− = you pay)", unit="settlement currency"),
    ),
    compute=_funding_payment_calc,
    examples={
        # the hub's example: an hourly rate (Hyperliquid's published example), so hourly settlements,
        # on Hyperliquid, so the money is named (USDC) from the start
        "default": {"side": "long", "size": "10", "mark_price": "10000", "funding_rate": "0.0011875",
                    "interval_hours": "1", "venue": hyperliquid.KEY},
        "bitmex_inverse": {
            "side": "long",
            "size": "15000",
            "mark_price": "750",
            "funding_rate": "0.0025",
            "contract": "inverse",
        },
    },
)


@fields_for(rate="funding_rate")
def _funding_annualized_calc(v: dict[str, Any]) -> dict[str, Any]:
    n, apr, apy = annualized(v["funding_rate"], v["interval_hours"], v["days_per_year"])
    return {"periods_per_year": n, "apr": apr, "apy": apy}


funding_annualized_calculator = Calculator(
    name="funding_annualized",
    title="Annualised funding",
    summary="A per-interval funding rate as a yearly figure: simple (APR) and compounded (APY).",
    terms=("perpetual-swap-yields", "funding-rate-as-proxy-for-cost"),
    function="perpcalc.funding.annualized",
    inputs=(
        field("funding_rate", min_open=True, help="0.0001 = 0.01 % per interval"),
        field("interval_hours"),
        Field("days_per_year", "Days per year", unit="days", default=Decimal(365), min=1, max=366, advanced=True),
    ),
    outputs=(
        Output("periods_per_year", "Settlements per year", places=4),
        Output("apr", "APR, simple", format="percent", places=4),
        Output("apy", "APY, compounded", format="percent", places=4),
    ),
    compute=_funding_annualized_calc,
    examples={"default": {"funding_rate": "0.0001", "interval_hours": "8"}},
)


def _rules(v: dict[str, Any]) -> RateRules:
    return RateRules(v["method"], v["interest_rate"], v["clamp"], v["dead_band"], v["cap"], v["scaling"])


def _rule_fields(interval: Field) -> tuple[Field, ...]:
    return (
        Field(
            "method",
            "Formula",
            type="choice",
            choices=METHODS,
            default="clamp",
            help="clamp: P + clamp(I − P, ±c); dead_band: P − clamp(P, ±d); premium: F = P",
        ),
        # each formula shows only its own parameters (the others do not enter it)
        rate_field("interest_rate", "Interest rate I (per 8 h)", default=Decimal("0.0001"), when=CLAMP_ONLY),
        Field("clamp", "Clamp c (per 8 h)", unit="fraction", percent=True, default=Decimal("0.0005"), min=0, max=1,
              when=CLAMP_ONLY),
        Field(
            "dead_band",
            "Dead band d (per 8 h)",
            unit="fraction",
            percent=True,
            default=Decimal("0.00025"),
            min=0,
            max=1,
            when={"method": ("dead_band",)},
        ),
        interval,
        Field(
            "cap",
            "Cap (per settlement)",
            unit="fraction",
            percent=True,
            default=None,
            min=0,
            min_open=True,
            max=1,
            help="absolute limit on the settled rate; empty for none",
            advanced=True,
        ),
        SCALING,
    )


# premiums beyond ±5 % are rare even in stress (the page notes them, never refuses them)
PREMIUM_COLUMN = Field("premium", "Premium", unit="fraction", percent=True, min=-1, max=1, typical=Decimal("0.05"))


@fields_for(samples="premiums")
def _predicted_funding_calc(v: dict[str, Any]) -> dict[str, Any]:
    samples = [row["premium"] for row in v["premiums"]]
    rules = _rules(v)
    avg, rate, path = predicted_funding(samples, v["weighting"], rules, v["interval_hours"])
    return {
        "average_premium": avg,
        "predicted_rate": rate,
        "payer": payer_of(rate),
        "mean_premium": mean_premium(samples),
        "time_weighted_premium": time_weighted_premium(samples),
        "mean_rate": rules.rate(mean_premium(samples), v["interval_hours"]),
        "path": [{"sample": k, "average_premium": a, "predicted_rate": f} for k, a, f in path],
    }


def _predicted_preset(key: str) -> dict[str, Any]:
    return {**funding_preset(key), "weighting": FUNDING_VENUES[key].averaging}


predicted_funding_calculator = Calculator(
    name="predicted_funding",
    title="Predicted funding rate",
    summary=(
        "Averages the premium samples seen so far in the interval (time-weighted like Binance and "
        "Bybit, or a simple mean) and shows how the predicted rate moves as samples arrive."
    ),
    terms=("funding-rate-forecasting", "funding-rate-fluctuations", "funding-rate-calculations"),
    function="perpcalc.funding.predicted_funding",
    inputs=(
        Field(
            "premiums",
            "Premium samples, oldest first",
            type="list",
            columns=(PREMIUM_COLUMN,),
            min_items=1,
            max_items=20_000,
            help="premium index samples, one per sample time",
        ),
        VENUE,
        Field(
            "weighting",
            "Averaging",
            type="choice",
            choices=WEIGHTINGS,
            default="time_weighted",
            help="time_weighted: sample i of n weighs i (Binance, Bybit); mean: simple average",
            advanced=True,
        ),
        *_rule_fields(field("interval_hours")),
    ),
    outputs=(
        Output("average_premium", "Average premium used", format="percent", places=6),
        Output("predicted_rate", "Predicted rate per interval (+ = longs pay shorts)", format="percent", places=6),
        Output("payer", "Who would pay", format="text"),
        Output("mean_premium", "Simple mean of the samples", format="percent", places=6),
        Output("time_weighted_premium", "Time-weighted average (weights 1…n)", format="percent", places=6),
        Output("mean_rate", "Rate from the simple mean instead", format="percent", places=6),
        Output(
            "path",
            "Predicted rate as samples arrive",
            format="series",
            columns=(
                Output("sample", "Sample", format="integer"),
                Output("average_premium", "Average premium so far", format="percent", places=6),
                Output("predicted_rate", "Predicted rate", format="percent", places=6),
            ),
            chart={
                "x": "sample",
                "y": ["average_premium", "predicted_rate"],
                "title": "Predicted funding during the interval",
                "x_label": "Premium samples received (count, oldest first)",
                "y_label": "Rate per interval (fraction: 0.0001 = 0.01 %)",
            },
        ),
    ),
    compute=_predicted_funding_calc,
    examples={
        "default": {
            "premiums": [{"premium": p} for p in ("0.0002", "0.0004", "0.0006", "0.0008", "0.0010", "0.0012")],
            "venue": binance.KEY,
        },
        "fading": {"premiums": [{"premium": p} for p in ("0.004", "0.003", "0.002", "0.001", "0")],
                   "venue": bybit.KEY},
        "okx_mean": {"premiums": [{"premium": p} for p in ("0.001", "0.002", "0.003")], "venue": okx.KEY},
    },
    presets={"venue": {k: _predicted_preset(k) for k in FUNDING_VENUE_KEYS}},
    notes=(
        "A venue's predicted rate is the formula applied to the average of the samples so far; "
        "it settles at the value reached after the interval's last sample. Binance samples every "
        "5 s and Bybit every minute; you may paste fewer, coarser samples, which changes the weights."
    ),
)


def _clock(start: datetime | None, hours: int) -> str:
    if start is None:
        return f"+{hours} h"
    return (start + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M UTC")


@fields_for(hourly="premiums", samples="premiums")
def _funding_schedule_calc(v: dict[str, Any]) -> dict[str, Any]:
    hourly = [row["premium"] for row in v["premiums"]]
    start = parse_start(v["start"])
    if v["shortest_interval_hours"] > v["interval_hours"]:
        raise InputError("shortest_interval_hours", "the shortest interval cannot be longer than the base interval")
    settlements, next_interval, left = funding_schedule(
        hourly, v["interval_hours"], _rules(v), v["shortening"], v["shortest_interval_hours"], v["weighting"]
    )
    rows = [
        {
            "settlement": s.number,
            "time": _clock(start, s.offset_hours),
            "interval_hours": s.interval_hours,
            "average_premium": s.average_premium,
            "funding_rate": s.funding_rate,
            "capped": "yes" if s.capped else "no",
        }
        for s in settlements
    ]
    total = sum((s.funding_rate for s in settlements), ZERO)
    n_capped = sum(1 for s in settlements if s.capped)
    if not settlements:
        summary = (
            f"The {len(hourly)} hour(s) given do not fill one {v['interval_hours']}-hour interval, "
            "so nothing settles yet."
        )
    else:
        last = settlements[-1]
        summary = (
            f"{len(settlements)} settlement(s) in {last.offset_hours} h, {n_capped} at the cap. "
            f"A long paid {format_percent(total)} of its notional in total (negative: it received). "
            f"The next interval is {next_interval} h, ending at {_clock(start, last.offset_hours + next_interval)}."
        )
        if v["cap"] is None:
            summary += " With no cap the interval never shortens."
        if left:
            summary += f" {left} hour(s) of premiums after the last settlement are not yet settled."
    return {
        "settlements": rows,
        "next_interval_hours": next_interval,
        "capped_settlements": n_capped,
        "total_rate": total,
        "summary": summary,
    }


#: the venues whose interval shortens after a settlement at the cap (from their records)
SCHEDULE_VENUES = ("custom", *SCHEDULE_VENUE_KEYS)


funding_schedule_calculator = Calculator(
    name="funding_schedule",
    title="Funding interval shortening",
    summary=(
        "Settles a run of hourly premiums on a venue's clock: when the rate settles at its cap, "
        "Binance, Bybit and OKX shorten the funding interval, so funding is paid more often."
    ),
    terms=("funding-rate-management", "funding-rate-calculations"),
    function="perpcalc.funding.funding_schedule",
    inputs=(
        Field(
            "premiums",
            "Hourly average premiums, oldest first",
            type="list",
            columns=(PREMIUM_COLUMN,),
            min_items=1,
            max_items=720,
            help="one average premium per hour; to feed 8-hour rates directly, choose the premium formula",
        ),
        field("venue", choices=SCHEDULE_VENUES, help="fills the venue's interval, cap, formula and shortening rule"),
        Field(
            "start",
            "Start time (a settlement time, UTC)",
            type="text",
            default=None,
            help="e.g. 2026-05-01T12:00Z; leave empty to count hours from the start",
            advanced=True,
        ),
        *_rule_fields(field("interval_hours", label="Base interval", type="integer", min=1, max=24, min_open=False)),
        Field(
            "shortening",
            "After a capped settlement",
            type="choice",
            choices=SHORTENINGS,
            default="jump",
            help="jump: straight to the shortest interval; step: halve it each time; none: keep it",
        ),
        Field("shortest_interval_hours", "Shortest interval", type="integer", unit="hours", default=1, min=1, max=24,
              when={"shortening": ("jump", "step")}),
        Field(
            "weighting",
            "Averaging within an interval",
            type="choice",
            choices=WEIGHTINGS,
            default="mean",
            help="time_weighted: later hours weigh more (Binance, Bybit); mean: equal weights (OKX)",
            advanced=True,
        ),
    ),
    outputs=(
        Output(
            "settlements",
            "Settlements",
            format="table",
            columns=(
                Output("settlement", "#", format="integer"),
                Output("time", "Time", format="text"),
                Output("interval_hours", "Interval (h)", format="integer"),
                Output("average_premium", "Average premium", format="percent", places=6),
                Output("funding_rate", "Rate (+ = longs pay)", format="percent", places=6),
                Output("capped", "At the cap", format="text"),
            ),
        ),
        Output("next_interval_hours", "Next interval", unit="hours", format="integer"),
        Output("capped_settlements", "Settlements at the cap", format="integer"),
        Output("total_rate", "Sum of settled rates (what a long paid per unit notional)", format="percent", places=6),
        Output("summary", "Summary", format="text"),
    ),
    compute=_funding_schedule_calc,
    examples={
        "default": {
            "venue": okx.KEY,
            "interval_hours": 4,
            "start": "2026-05-01T12:00Z",
            "premiums": [{"premium": p} for p in ["0.005"] * 6 + ["0.004", "0.002"] + ["0.001"] * 4],
        },
        # the same hours with the perp below the index: shorts pay, at the floor
        "negative": {
            "venue": okx.KEY,
            "interval_hours": 4,
            "start": "2026-05-01T12:00Z",
            "premiums": [{"premium": p} for p in ["-0.005"] * 6 + ["-0.004", "-0.002"] + ["-0.001"] * 4],
        },
        bybit.KEY: {
            "venue": bybit.KEY,
            "interval_hours": 4,
            "start": "2026-05-01T00:00Z",
            "premiums": [{"premium": p} for p in ["0.03"] * 4 + ["0.025", "0.01", "0.0005"] + ["0.0001"] * 5],
        },
    },
    presets={"venue": {k: schedule_preset(k) for k in SCHEDULE_VENUES if k != "custom"}},
    notes=(
        "Bybit (since 2025-10-30) moves a symbol to 1-hour settlement after a settlement at its cap; "
        "OKX (from 2026-04-14) shortens one level at a time, 8 → 4 → 2 → 1 h; Binance (from 2025-05-02, "
        "its own announcement) goes straight to 1 h. Only Binance publishes when a symbol returns (from "
        "2026-01-02: after 16 hourly rates in a row at or below 0.025 % in absolute value); here every venue "
        "returns after the first settlement below the cap, on the base clock. Each hour's average is taken "
        "as steady within the hour."
    ),
)


def _funding_by_venue_calc(v: dict[str, Any]) -> dict[str, Any]:
    rows = funding_by_venue(v["premium_index"])
    by8 = [r["rate_8h"] for r in rows]
    hi = max(rows, key=lambda r: r["rate_8h"])
    lo = min(rows, key=lambda r: r["rate_8h"])
    capped = [r["venue"] for r in rows if r["capped"] == "yes"]
    summary = (
        f"For an average premium of {format_percent(v['premium_index'])}, the 8-hour equivalent rate runs from "
        f"{format_percent(lo['rate_8h'])} ({lo['venue']}) to {format_percent(hi['rate_8h'])} ({hi['venue']})."
    )
    if capped:
        summary += f" At the cap: {', '.join(capped)}."
    summary += (" Caps are set per symbol; the figures here are one value per venue, some of them illustrative "
                "(see each record's confidence on the Venues page).")
    return {"venues": rows, "spread_8h": max(by8) - min(by8), "summary": summary}


funding_by_venue_calculator = Calculator(
    name="funding_by_venue",
    title="Funding rate by venue",
    summary=(
        "One average premium through each venue's recorded rule: formula, interest, band, interval and cap, "
        "compared per settlement, per 8 hours and per year."
    ),
    terms=("funding-rate-discrepancy", "funding-rate-management", "funding-rate-calculations"),
    function="perpcalc.funding.funding_by_venue",
    inputs=(
        Field(
            "premium_index",
            "Average premium index",
            unit="fraction",
            percent=True,
            min=-1,
            max=1,
            help="the interval's average premium (0.001 = 0.1 %; you may type 0.1%)",
        ),
    ),
    outputs=(
        Output(
            "venues",
            "Rate at each venue",
            format="table",
            columns=(
                Output("venue", "Venue", format="text"),
                Output("name", "Contract", format="text"),
                Output("interval_hours", "Interval (h)", places=2),
                Output("method", "Formula", format="text"),
                Output("funding_rate", "Rate per settlement (+ = longs pay)", format="percent", places=6),
                Output("rate_8h", "Per 8 h", format="percent", places=6),
                Output("apr", "APR, simple", format="percent", places=2),
                Output("cap", "Cap per settlement", format="percent", places=4),
                Output("capped", "At the cap", format="text"),
                Output("payment_price", "Payment priced at", format="text"),
                Output("as_of", "Rules as of", format="text"),
            ),
        ),
        Output("spread_8h", "Spread of 8-hour rates (max − min)", format="percent", places=6),
        Output("summary", "Summary", format="text"),
    ),
    compute=_funding_by_venue_calc,
    examples={
        "default": {"premium_index": "0.001"},
        "calm": {"premium_index": "0.0003"},
        "stress": {"premium_index": "0.01"},
        "negative": {"premium_index": "-0.002"},
    },
    notes=(
        "The same premium rarely holds on every venue at once, and venues sample it differently "
        "(impact prices, mid price, mark price); this compares the rules, not live markets."
    ),
)
