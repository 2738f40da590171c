from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import DAYS_PER_YEAR, EIGHT, ONE, ZERO, sample_steps
from .._spec import Calculator, Field, Output
from ..carry import (
    HOURS_PER_DAY,
    MAX_INTERVALS,
    MAX_POINTS,
    carry_trade,
    funding_arbitrage,
    funding_exposure,
    leverage_cost,
    liquidation_buffer,
)
from ..display import format_money, format_percent
from ..funding import payer_of, periods_per_year
from .fields import CURRENCY_OUTPUT, QUOTE_OUTPUT, RATE_COLUMN, currency_of, field, rate_field, with_currency


def _exposure_calc(v: dict[str, Any]) -> dict[str, Any]:
    if v["rates"]:
        rates = [row["rate"] for row in v["rates"]]
    elif v["funding_rate"] is not None:
        rates = [v["funding_rate"]] * v["intervals"]
    else:
        raise InputError("funding_rate", "enter a constant funding rate, or a path of rates (one per interval)")
    res = funding_exposure(v["side"], v["size"], v["mark_price"], rates, v["contract"], v["contract_value"])
    n = len(rates)
    apr = res.average_rate * periods_per_year(v["interval_hours"])
    sign = 1 if v["side"] == "long" else -1
    cumulative: list[Decimal] = []
    running = ZERO
    for p in res.payments:
        running += p
        cumulative.append(running)
    path = [
        {"interval": i, "rate": rates[i - 1], "payment": res.payments[i - 1], "cumulative": cumulative[i - 1]}
        for i in sample_steps(n, MAX_POINTS)
    ]
    currency = "base" if v["contract"] == "inverse" else "quote"
    total = res.total_payment
    verb = "pays" if total < 0 else "receives" if total > 0 else "neither pays nor receives"
    amount = f" {format_money(abs(total), 8 if currency == 'base' else 2)} {currency_of(v)}" if total else ""
    hours = Decimal(n) * v["interval_hours"]
    summary = (
        f"Over {n:,} intervals ({format_money(hours / HOURS_PER_DAY, 2)} days) the {v['side']} {verb}{amount}: "
        f"paid in {res.intervals_paid}, received in {res.intervals_received} intervals; "
        f"the average rate {format_percent(res.average_rate, 6)} per interval is {format_percent(apr, 2)} a year."
    )
    return {
        "total_payment": total,
        "intervals": n,
        "average_rate": res.average_rate,
        "intervals_paid": res.intervals_paid,
        "intervals_received": res.intervals_received,
        "apr_equivalent": apr,
        "holder_apr": -sign * apr,
        "notional": res.notional,
        "currency": currency,
        "summary": summary,
        "path": path,
    }


RATES_HELP = (
    "one funding rate per interval, oldest first. "
    "When given, it replaces the constant rate and the interval count"
)


funding_exposure_calculator = Calculator(
    name="funding_exposure",
    title="Funding exposure over a holding period",
    summary=(
        "What funding costs or pays one position over many intervals, at a constant rate or along a "
        "path of rates, with the running total interval by interval."
    ),
    terms=("funding-rate-exposure", "negative-funding-rates", "funding-rate-fluctuations"),
    function="perpcalc.carry.funding_exposure",
    inputs=(
        field("side"),
        field("size", default=ONE),
        field("mark_price", help="held constant over the period"),
        rate_field(
            "funding_rate",
            "Constant funding rate per interval",
            default=None,
            help="+ = longs pay shorts; used when no path of rates is given (0.0001 = 0.01 %)",
        ),
        Field(
            "intervals",
            "Intervals held (constant rate)",
            type="integer",
            unit="intervals",
            default=90,
            min=1,
            max=MAX_INTERVALS,
            help="90 eight-hour intervals = 30 days",
        ),
        Field(
            "rates",
            "Path of rates (optional)",
            type="list",
            default=None,
            max_items=MAX_INTERVALS,
            help=RATES_HELP,
            accepts=("funding_history",),
            columns=(RATE_COLUMN,),
        ),
        field("interval_hours", help="8 on most venues, 1 on Hyperliquid and dYdX; used for the yearly figures"),
        field("contract", advanced=True),
        field("contract_value"),
        field("settle"),
    ),
    outputs=(
        Output("total_payment", "Total funding (− = you pay, + = you receive)", unit="settlement currency"),
        Output("intervals", "Intervals", format="integer"),
        Output("average_rate", "Average rate per interval (+ = longs pay shorts)", format="percent", places=6),
        Output("intervals_paid", "Intervals in which you paid", format="integer"),
        Output("intervals_received", "Intervals in which you received", format="integer"),
        Output("apr_equivalent", "Average rate, annualised (simple; + = longs pay)", format="percent", places=4),
        Output("holder_apr", "Your funding yield, annualised (− = cost to you)", format="percent", places=4),
        Output("notional", "Position value", unit="settlement currency"),
        Output("currency", "Settlement currency", format="text"),
        Output("summary", "In words", format="text"),
        Output(
            "path",
            "Funding interval by interval",
            format="series",
            columns=(
                Output("interval", "Interval", format="integer"),
                Output("rate", "Rate", format="percent", places=6),
                Output("payment", "Payment (− = you pay)"),
                Output("cumulative", "Running total (− = you pay)"),
            ),
            chart={
                "x": "interval",
                "y": ["cumulative"],
                "title": "Cumulative funding, holder's view",
                "x_label": "Settlements held ({interval_hours} h each)",
                "y_label": "Running total ({currency_label})",
            },
        ),
        CURRENCY_OUTPUT,
        QUOTE_OUTPUT,
    ),
    compute=with_currency(_exposure_calc),
    examples={
        "default": {
            "side": "long",
            "size": "1",
            "mark_price": "60000",
            "funding_rate": "0.0001",
            "intervals": 90,
            "interval_hours": "8",
        },
        "negative": {
            "side": "long",
            "size": "1",
            "mark_price": "60000",
            "interval_hours": "8",
            "rates": [
                {"rate": r}
                for r in (
                    "0.0001",
                    "0.0001",
                    "0.00008",
                    "0.00005",
                    "0.00002",
                    "0",
                    "-0.00005",
                    "-0.0001",
                    "-0.0002",
                    "-0.0003",
                    "-0.0002",
                    "-0.0001",
                )
            ],
        },
        "inverse": {
            "side": "long",
            "size": "15000",
            "mark_price": "750",
            "funding_rate": "0.0025",
            "intervals": 3,
            "contract": "inverse",
        },
    },
    notes=(
        "The mark price is held constant, so the notional does not drift with the price. Funding is paid at "
        "each settlement on the position then open; the running total is the sum of those payments."
    ),
)


def _arbitrage_calc(v: dict[str, Any]) -> dict[str, Any]:
    r = funding_arbitrage(
        v["rate_a"],
        v["interval_hours_a"],
        v["rate_b"],
        v["interval_hours_b"],
        v["notional"],
        v["taker_fee_a"],
        v["taker_fee_b"],
        v["entry_spread"],
        v["holding_days"],
        v["leverage"],
        v["mmr"],
    )
    per_year = HOURS_PER_DAY * DAYS_PER_YEAR
    if r.short_venue == "either":
        legs = "The two rates are equal on a common clock: there is no carry to collect"
    else:
        long_venue = "B" if r.short_venue == "A" else "A"
        hi, lo = (r.hourly_a, r.hourly_b) if r.short_venue == "A" else (r.hourly_b, r.hourly_a)
        legs = (
            f"Short venue {r.short_venue} ({format_percent(hi * EIGHT, 4)} per 8 h) and long venue {long_venue} "
            f"({format_percent(lo * EIGHT, 4)} per 8 h): the pair collects "
            f"{format_percent(r.hourly_carry * EIGHT, 4)} per 8 h, "
            f"{format_percent(r.hourly_carry * per_year, 2)} a year"
        )
    if r.breakeven_days is None:
        be = "the fees are never earned back"
    else:
        be = f"the costs are earned back after {format_money(r.breakeven_days, 1)} days"
    summary = (
        f"{legs}. Over {format_money(v['holding_days'], 1)} days funding brings {format_money(r.funding_income)}, "
        f"costs are {format_money(r.fees)}, net {format_money(r.net_pnl)}; {be}, if the rates hold. "
        f"Each leg ties up {format_money(r.capital_a)} of margin and is liquidated after a move of about "
        f"{format_percent(r.liquidation_buffer, 1)} against it."
    )
    return {
        "short_venue": r.short_venue,
        "rate_a_8h": r.hourly_a * EIGHT,
        "rate_b_8h": r.hourly_b * EIGHT,
        "hourly_carry": r.hourly_carry,
        "carry_8h": r.hourly_carry * EIGHT,
        "annual_carry": r.hourly_carry * per_year,
        "funding_income": r.funding_income,
        "fees": r.fees,
        "net_pnl": r.net_pnl,
        "breakeven_rate_8h": r.breakeven_rate_8h,
        "breakeven_days": r.breakeven_days,
        "capital_a": r.capital_a,
        "capital_b": r.capital_b,
        "liquidation_buffer": r.liquidation_buffer,
        "summary": summary,
    }


FEE_HELP = "taker fee per fill, of the notional (0.0005 = 0.05 %); the default is illustrative: use your own fee tier"


funding_arbitrage_calculator = Calculator(
    name="funding_arbitrage",
    title="Funding arbitrage across venues",
    summary=(
        "Two venues fund the same perpetual differently: put both rates on one clock, short the one that "
        "pays more, long the other, and see what is left after four taker fills and the entry spread."
    ),
    terms=("funding-rate-discrepancy", "perpetual-swap-yields"),
    function="perpcalc.carry.funding_arbitrage",
    inputs=(
        rate_field(
            "rate_a",
            "Venue A funding rate per interval",
            default=Decimal("0.0001"),
            help="+ = longs pay shorts; e.g. Binance, per 8 h (0.0001 = 0.01 %)",
        ),
        Field(
            "interval_hours_a",
            "Venue A funding interval",
            unit="hours",
            default=EIGHT,
            min=0,
            min_open=True,
            max=24 * 7,
            help="8 on Binance, Bybit and OKX by default",
        ),
        rate_field(
            "rate_b",
            "Venue B funding rate per interval",
            default=Decimal("0.00003"),
            help="+ = longs pay shorts; e.g. Hyperliquid, per hour",
        ),
        Field(
            "interval_hours_b",
            "Venue B funding interval",
            unit="hours",
            default=ONE,
            min=0,
            min_open=True,
            max=24 * 7,
            help="1 on Hyperliquid and dYdX",
        ),
        Field("notional", "Notional per leg", unit="quote", default=Decimal(10_000), min=0, min_open=True),
        Field(
            "taker_fee_a",
            "Venue A taker fee",
            unit="fraction",
            percent=True,
            default=Decimal("0.0005"),
            min=0,
            max=Decimal("0.1"),
            help=FEE_HELP,
        ),
        Field(
            "taker_fee_b",
            "Venue B taker fee",
            unit="fraction",
            percent=True,
            default=Decimal("0.00045"),
            min=0,
            max=Decimal("0.1"),
            help=FEE_HELP,
        ),
        Field(
            "entry_spread",
            "Entry spread",
            unit="fraction",
            percent=True,
            default=Decimal("0.0002"),
            min=Decimal("-0.1"),
            max=Decimal("0.1"),
            help="price gap crossed between the two entry fills, as a fraction of notional (+ = cost)",
            advanced=True,
        ),
        Field("holding_days", "Holding period", unit="days", default=Decimal(30), min=0, min_open=True, max=3650),
        field("leverage", label="Leverage on each leg", unit="×", default=Decimal(3), max=200),
        field("mmr", max=Decimal("0.5"), max_open=False, help="for the liquidation buffer; 0.005 = 0.5 %",
              advanced=True),
        field("settle"),
    ),
    outputs=(
        Output("short_venue", "Venue to short (the one paying more)", format="text"),
        Output("rate_a_8h", "Venue A rate per 8 h", format="percent", places=6),
        Output("rate_b_8h", "Venue B rate per 8 h", format="percent", places=6),
        Output("hourly_carry", "Carry per hour (rate difference)", format="percent", places=6),
        Output("carry_8h", "Carry per 8 h", format="percent", places=6),
        Output("annual_carry", "Carry per year (simple, 365 days)", format="percent", places=4),
        Output("funding_income", "Funding collected over the holding period", unit="quote", places=2),
        Output("fees", "Costs: four taker fills + entry spread", unit="quote", places=2),
        Output("net_pnl", "Net PnL (+ = profit)", unit="quote", places=2),
        Output("breakeven_rate_8h", "Break-even funding difference per 8 h", format="percent", places=6),
        Output("breakeven_days", "Break-even holding period (— = never)", unit="days", places=2),
        Output("capital_a", "Margin on venue A", unit="quote", places=2),
        Output("capital_b", "Margin on venue B", unit="quote", places=2),
        Output(
            "liquidation_buffer",
            "Liquidation buffer ≈ 1/leverage − mmr (price move against a leg)",
            format="percent",
            places=2,
        ),
        Output("summary", "In words", format="text"),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_arbitrage_calc),
    examples={
        "default": {
            "rate_a": "0.0001",
            "interval_hours_a": "8",
            "rate_b": "0.00003",
            "interval_hours_b": "1",
            "notional": "10000",
            "taker_fee_a": "0.0005",
            "taker_fee_b": "0.00045",
            "entry_spread": "0.0002",
            "holding_days": "30",
            "leverage": "3",
        },
        "equal": {"rate_a": "0.0001", "interval_hours_a": "8", "rate_b": "0.0000125", "interval_hours_b": "1"},
        "negative": {
            "rate_a": "-0.0003",
            "interval_hours_a": "8",
            "rate_b": "0.0000125",
            "interval_hours_b": "1",
            "holding_days": "7",
        },
    },
    notes=(
        "Rates are assumed to hold for the whole period and funding accrues pro rata; close fills are charged "
        "on the entry notional. The liquidation buffer is a first-order approximation that ignores fees, "
        "funding paid from margin and tiered maintenance. Fee defaults are illustrative, not a venue's "
        "published schedule."
    ),
)


def _carry_calc(v: dict[str, Any]) -> dict[str, Any]:
    r = carry_trade(
        v["notional"],
        v["funding_rate"],
        v["interval_hours"],
        v["days"],
        v["spot_fee"],
        v["perp_fee"],
        v["perp_leverage"],
        v["flip_rate"],
        v["flip_after"],
        v["flip_intervals"],
    )
    days = v["days"]
    apr = r.net_pnl / r.capital * DAYS_PER_YEAR / days
    apr_flip = r.net_pnl_with_flip / r.capital * DAYS_PER_YEAR / days
    gross = v["funding_rate"] * periods_per_year(v["interval_hours"]) * v["notional"] / r.capital
    points = [0, *sample_steps(r.intervals, MAX_POINTS - 1)] if r.intervals else [0]
    path = [{"interval": t, "cumulative_base": r.base[t], "cumulative_flip": r.flip[t]} for t in points]
    be = (
        f"fees are covered after {r.breakeven_intervals} settlements"
        if r.breakeven_intervals is not None
        else "at this rate the fees are never covered"
    )
    if r.breakeven_intervals is not None and r.breakeven_intervals > r.intervals:
        be += f", more than the {r.intervals} in the holding period"
    flip_text = (
        f"With {v['flip_intervals']} settlements at {format_percent(v['flip_rate'], 4)} after settlement "
        f"{v['flip_after']}, "
        f"the trade ends at {format_money(r.net_pnl_with_flip)}"
    )
    if r.carry_lost_at is not None:
        flip_text += f" and is under water from settlement {r.carry_lost_at}"
    summary = (
        f"Long spot and short perp on {format_money(v['notional'])} for {r.intervals} settlements: funding brings "
        f"{format_money(r.net_pnl + r.fees)}, fees cost {format_money(r.fees)}, net {format_money(r.net_pnl)} on "
        f"{format_money(r.capital)} of capital ({format_percent(apr, 2)} a year); {be}. {flip_text}."
    )
    return {
        "apr_on_capital": apr,
        "gross_apr": gross,
        "net_pnl": r.net_pnl,
        "net_pnl_with_flip": r.net_pnl_with_flip,
        "apr_with_flip": apr_flip,
        "fees": r.fees,
        "capital": r.capital,
        "intervals": r.intervals,
        "breakeven_intervals": r.breakeven_intervals,
        "carry_lost_at": r.carry_lost_at,
        "liquidation_buffer": liquidation_buffer(v["perp_leverage"], v["mmr"], "perp_leverage"),
        "summary": summary,
        "path": path,
    }


carry_trade_calculator = Calculator(
    name="carry_trade",
    title="Cash-and-carry yield and negative funding risk",
    summary=(
        "Long spot, short the perpetual: the funding yield on the capital the trade ties up, after fees, "
        "and what a spell of negative funding does to it."
    ),
    terms=("perpetual-swap-yields", "negative-funding-risk", "negative-funding-rates"),
    function="perpcalc.carry.carry_trade",
    inputs=(
        Field("notional", "Notional of each leg", unit="quote", default=Decimal(10_000), min=0, min_open=True),
        rate_field(
            "funding_rate",
            "Funding rate per interval",
            default=Decimal("0.0001"),
            help="+ = longs pay shorts, so the short perp leg earns it (0.0001 = 0.01 %)",
        ),
        field("interval_hours"),
        Field("days", "Holding period", unit="days", default=Decimal(30), min=0, min_open=True, max=3650),
        Field(
            "spot_fee",
            "Spot taker fee",
            unit="fraction",
            percent=True,
            default=Decimal("0.001"),
            min=0,
            max=Decimal("0.1"),
            help="per fill, paid on entry and exit; illustrative default (0.1 %)",
        ),
        Field(
            "perp_fee",
            "Perp taker fee",
            unit="fraction",
            percent=True,
            default=Decimal("0.0005"),
            min=0,
            max=Decimal("0.1"),
            help="per fill, paid on entry and exit; illustrative default (0.05 %)",
        ),
        Field(
            "perp_leverage",
            "Perp leverage",
            unit="×",
            default=Decimal(2),
            min=0,
            min_open=True,
            max=200,
            help="margin on the short = notional / leverage",
        ),
        rate_field(
            "flip_rate",
            "Flip scenario: rate per interval",
            default=Decimal("-0.0003"),
            help="the rate during the flip; negative = the short pays",
            advanced=True,
        ),
        Field(
            "flip_after", "Flip starts after", type="integer", unit="intervals", default=45, min=0, max=MAX_INTERVALS,
            advanced=True
        ),
        Field("flip_intervals", "Flip lasts", type="integer", unit="intervals", default=30, min=0, max=MAX_INTERVALS,
              advanced=True),
        field("mmr", max=Decimal("0.5"), max_open=False, help="for the perp leg's liquidation buffer", advanced=True),
        field("settle"),
    ),
    outputs=(
        Output("apr_on_capital", "Net yield on capital, a year (simple)", format="percent", places=2),
        Output("gross_apr", "Funding yield on capital before fees, a year", format="percent", places=2),
        Output("net_pnl", "Net PnL at a constant rate (+ = profit)", unit="quote", places=2),
        Output("net_pnl_with_flip", "Net PnL with the flip (+ = profit)", unit="quote", places=2),
        Output("apr_with_flip", "Net yield on capital with the flip, a year", format="percent", places=2),
        Output("fees", "Fees, in and out of both legs", unit="quote", places=2),
        Output("capital", "Capital: spot + perp margin", unit="quote", places=2),
        Output("intervals", "Settlements in the holding period", format="integer"),
        Output("breakeven_intervals", "Settlements to cover the fees (— = never)", format="integer"),
        Output(
            "carry_lost_at", "Flip: under water (and worse than constant) from settlement; — = never", format="integer"
        ),
        Output(
            "liquidation_buffer", "Perp leg: price rise to liquidation ≈ 1/leverage − mmr", format="percent", places=2
        ),
        Output("summary", "In words", format="text"),
        Output(
            "path",
            "Cumulative PnL, settlement by settlement",
            format="series",
            columns=(
                Output("interval", "Settlement", format="integer"),
                Output("cumulative_base", "Constant rate", unit="quote", places=2),
                Output("cumulative_flip", "With the flip", unit="quote", places=2),
            ),
            chart={
                "x": "interval",
                "y": ["cumulative_base", "cumulative_flip"],
                "title": "Carry after fees: constant rate vs a negative spell",
                "x_label": "Settlements held ({interval_hours} h each)",
                "y_label": "Cumulative PnL ({currency_label})",
            },
        ),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_carry_calc),
    examples={
        "default": {
            "notional": "10000",
            "funding_rate": "0.0001",
            "interval_hours": "8",
            "days": "30",
            "spot_fee": "0.001",
            "perp_fee": "0.0005",
            "perp_leverage": "2",
            "flip_rate": "-0.0003",
            "flip_after": 45,
            "flip_intervals": 30,
        },
        "hourly": {
            "notional": "10000",
            "funding_rate": "0.0000125",
            "interval_hours": "1",
            "days": "90",
            "flip_rate": "-0.00005",
            "flip_after": 720,
            "flip_intervals": 240,
        },
    },
    notes=(
        "Prices are held constant: the legs' price moves cancel, but a rally still draws on the perp margin "
        "(see the liquidation buffer). Settlements are whole intervals; fees are booked at the start."
    ),
)


def _leverage_cost_calc(v: dict[str, Any]) -> dict[str, Any]:
    r = leverage_cost(v["side"], v["notional"], v["funding_rate"], v["interval_hours"], v["days"], v["borrow_rate"])
    gap = abs(r.difference)
    gap_apr = abs(r.funding_apr - v["borrow_rate"])
    if r.difference > 0:
        cheaper = (
            f"Borrowing is cheaper by {format_money(gap)} over {format_money(v['days'], 1)} days "
            f"({format_percent(gap_apr, 2)} a year)"
        )
    elif r.difference < 0:
        cheaper = (
            f"The perp's funding is cheaper by {format_money(gap)} over {format_money(v['days'], 1)} days "
            f"({format_percent(gap_apr, 2)} a year)"
        )
    else:
        cheaper = "They cost the same"
    if r.funding_cost < 0:
        cheaper += "; the perp even pays you to hold it"
    return {
        "funding_cost": r.funding_cost,
        "borrow_cost": r.borrow_cost,
        "funding_apr": r.funding_apr,
        "difference": r.difference,
        "breakeven_rate": r.breakeven_rate,
        "payer": payer_of(v["funding_rate"]),
        "cheaper": cheaper + ".",
    }


leverage_cost_calculator = Calculator(
    name="leverage_cost",
    title="Funding as the cost of leverage",
    summary=(
        "What holding a perpetual costs in funding, set against borrowing money (or the coin) for the same "
        "exposure over the same days."
    ),
    terms=("funding-rate-as-proxy-for-cost",),
    function="perpcalc.carry.leverage_cost",
    inputs=(
        field("side"),
        Field("notional", "Exposure", unit="quote", default=Decimal(10_000), min=0, min_open=True),
        rate_field(
            "funding_rate",
            "Funding rate per interval",
            default=Decimal("0.0001"),
            help="+ = longs pay shorts (0.0001 = 0.01 %)",
        ),
        field("interval_hours"),
        Field("days", "Holding period", unit="days", default=Decimal(30), min=0, min_open=True, max=3650),
        Field(
            "borrow_rate",
            "Borrow rate, a year",
            unit="fraction",
            percent=True,
            default=Decimal("0.08"),
            min=-1,
            max=10,
            help="long: rate on borrowed money; short: rate to borrow the coin (0.08 = 8 %)",
        ),
        field("settle"),
    ),
    outputs=(
        Output("funding_cost", "Funding cost (+ = you pay, − = you are paid)", unit="quote", places=2),
        Output("borrow_cost", "Borrowing cost (+ = you pay)", unit="quote", places=2),
        Output("funding_apr", "Funding cost, a year (simple; + = you pay)", format="percent", places=2),
        Output("difference", "Funding minus borrowing (+ = the perp costs more)", unit="quote", places=2),
        Output("breakeven_rate", "Funding rate per interval at which they cost the same", format="percent", places=6),
        Output("payer", "Paying side at this rate", format="text"),
        Output("cheaper", "Which is cheaper", format="text"),
        CURRENCY_OUTPUT,
    ),
    compute=with_currency(_leverage_cost_calc),
    examples={
        "default": {
            "side": "long",
            "notional": "10000",
            "funding_rate": "0.0001",
            "interval_hours": "8",
            "days": "30",
            "borrow_rate": "0.08",
        },
        "negative": {
            "side": "long",
            "notional": "10000",
            "funding_rate": "-0.0001",
            "interval_hours": "8",
            "days": "30",
            "borrow_rate": "0.08",
        },
    },
    notes="Costs are positive amounts paid. Funding accrues pro rata; interest is simple, on a 365-day year.",
)
