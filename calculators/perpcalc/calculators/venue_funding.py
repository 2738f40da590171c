"""Calculators for venue funding details: the interest component, impact margin notional,
funding caps from margin rates and Drift's hourly funding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .._errors import InputError
from .._num import EIGHT, ONE, ZERO
from .._spec import Calculator, Field, Output
from ..display import format_money, format_percent
from ..funding import (
    drift_funding_rate,
    drift_symmetric_funding,
    funding_cap_from_margin,
    impact_margin_notional,
    impact_quantity,
    interest_component,
)
from ..venues import CAP_RULES, IMPACT_MARGINS, binance, bitmex, drift, dydx
from ._adapt import fields_for
from .fields import field

DAY_RATE = {"unit": "fraction per day", "percent": True, "min": -1, "max": 1}
RATE_BAND = Decimal("0.0005")

# ------------------------------------------------------------------ interest_component


@fields_for(settlements_per_day="interval_hours")
def _interest_calc(v: dict[str, Any]) -> dict[str, Any]:
    n = Decimal(24) / v["interval_hours"]
    i = interest_component(v["quote_rate"], v["base_rate"], n)
    summary = (
        f"Quote {format_percent(v['quote_rate'], 4, False)} a day less base "
        f"{format_percent(v['base_rate'], 4, False)} a day, split over {format_money(n, 4).rstrip('0').rstrip('.')} "
        f"settlements: I = {format_percent(i, 6, False)} per settlement. On a clamp venue the rate sits exactly "
        f"at I while the premium stays within "
        f"{format_percent(i - RATE_BAND, 4, False)} … {format_percent(i + RATE_BAND, 4, False)} (±0.05 % around I)."
    )
    return {
        "interest_rate": i,
        "interest_8h": i * EIGHT / v["interval_hours"],
        "apr": (v["quote_rate"] - v["base_rate"]) * 365,
        "band_low": i - RATE_BAND,
        "band_high": i + RATE_BAND,
        "summary": summary,
    }


interest_component_calculator = Calculator(
    name="interest_component",
    title="Interest component from two interest rates",
    summary=(
        "The interest term of a clamp-style funding rate from the quote and base currencies' daily rates: "
        "I = (quote rate − base rate) / settlements per day, as BitMEX and Bybit define it."
    ),
    terms=("funding-rate-calculations", "perpetual-futures-peg"),
    function="perpcalc.funding.interest_component",
    inputs=(
        Field("quote_rate", "Quote-currency rate per day", help="e.g. USD borrowing: 0.0006 = 0.06 % a day",
              **DAY_RATE),
        Field("base_rate", "Base-coin rate per day", help="e.g. BTC lending: 0.0003 = 0.03 % a day", **DAY_RATE),
        field("interval_hours"),
    ),
    outputs=(
        Output("interest_rate", "Interest component I per settlement", format="percent", places=6),
        Output("interest_8h", "I per 8 hours", format="percent", places=6),
        Output("apr", "Rate difference per year, simple", format="percent", places=4),
        Output("band_low", "Premium below which the rate leaves I", format="percent", places=4),
        Output("band_high", "Premium above which the rate leaves I", format="percent", places=4),
        Output("summary", "In words", format="text"),
    ),
    compute=_interest_calc,
    notes=(
        "BitMEX built I from its interest indices (quote − base) / 3; its USDT contracts and most venues now fix "
        "I at 0.01 % per 8 h. The ±0.05 % band is the clamp of Binance, Bybit, BitMEX and Hyperliquid."
    ),
    examples={
        "default": {"quote_rate": "0.01", "base_rate": "0.0025", "interval_hours": "8"},
        "bybit_inverse": {"quote_rate": "0.0006", "base_rate": "0.0003", "interval_hours": "8"},
        "hourly": {"quote_rate": "0.0003", "base_rate": "0", "interval_hours": "1"},
    },
)


# ------------------------------------------------------------------ impact_notional

IMPACT_PRESETS = {key: {"impact_margin": value} for key, value in IMPACT_MARGINS.items()}


@fields_for(initial_margin_rate="max_leverage", impact_margin="impact_margin", bid="bid", ask="ask")
def _impact_calc(v: dict[str, Any]) -> dict[str, Any]:
    imr = ONE / v["max_leverage"]
    imn = impact_margin_notional(imr, v["impact_margin"])
    qty = None
    if v["bid"] is not None or v["ask"] is not None:
        if v["bid"] is None or v["ask"] is None:
            missing = "ask" if v["ask"] is None else "bid"
            raise InputError(missing, "give both the best bid and the best ask, or neither")
        if v["ask"] < v["bid"]:
            raise InputError("ask", "the best ask must not be below the best bid")
        qty = impact_quantity(imn, v["bid"], v["ask"])
    summary = (
        f"{format_money(v['impact_margin'])} of margin at {format_money(v['max_leverage'], 2)}x "
        f"(initial margin rate {format_percent(imr, 4, False)}) walks {format_money(imn)} of the book on each side; "
        "the average fills of that size are the impact bid and ask the premium is measured at."
    )
    if qty is not None:
        summary += f" At the mid price that is {format_money(qty, 6)} coins."
    return {"initial_margin_rate": imr, "impact_notional": imn, "impact_quantity": qty, "summary": summary}


impact_notional_calculator = Calculator(
    name="impact_notional",
    title="Impact margin notional",
    summary=(
        "How deep into the order book a venue samples the premium: the impact margin (200 USDT on Binance, "
        "500 USDC on dYdX v4) divided by the initial margin rate at the maximum leverage."
    ),
    terms=("funding-rate-calculations", "market-manipulation-techniques"),
    function="perpcalc.funding.impact_margin_notional",
    inputs=(
        Field("venue", "Venue preset", type="choice", choices=("custom", *IMPACT_PRESETS), default="custom",
              help="fills the venue's impact margin"),
        Field("max_leverage", "Maximum leverage of the symbol", unit="x", min=1, max=1000,
              help="initial margin rate = 1 / max leverage (dYdX: 1 / IMF)"),
        Field("impact_margin", "Impact margin", unit="quote", default=Decimal(200), min=0, min_open=True,
              max=10**9),
        Field("bid", "Best bid (optional)", unit="quote", default=None, min=0, min_open=True),
        Field("ask", "Best ask (optional)", unit="quote", default=None, min=0, min_open=True),
    ),
    outputs=(
        Output("initial_margin_rate", "Initial margin rate at max leverage", format="percent", places=4),
        Output("impact_notional", "Impact margin notional", unit="quote", places=4),
        Output("impact_quantity", "As a quantity at the mid price", unit="base", places=8),
        Output("summary", "In words", format="text"),
    ),
    compute=_impact_calc,
    presets={"venue": IMPACT_PRESETS},
    notes=(
        "Binance: 200 USDT (200 USD on COIN-M) over the initial margin rate at maximum leverage (its FAQ, read "
        "through copies). dYdX v4: 500 USDC over the market's initial margin fraction. Bybit converts its "
        "impact notional to a quantity at the mid price; its per-symbol figures were not found."
    ),
    examples={
        "default": {"venue": binance.KEY, "max_leverage": "20"},
        dydx.KEY: {"venue": dydx.KEY, "max_leverage": "10"},
        "with_book": {"venue": binance.KEY, "max_leverage": "125", "bid": "99999.5", "ask": "100000.5"},
    },
)


# ------------------------------------------------------------------ funding_cap

CAP_VENUES = tuple(CAP_RULES)


@fields_for(rule="venue")
def _cap_calc(v: dict[str, Any]) -> dict[str, Any]:
    venue, n = v["venue"], v["interval_hours"]
    cap, cap_8h = funding_cap_from_margin(CAP_RULES[venue], v["mmr"], v["imr"], v["multiplier"], n)
    apr = cap * Decimal(24) / n * 365
    summary = (
        f"{CAP_RULES[venue].text} Here the rate is held within ±{format_percent(cap, 4, False)} per "
        f"{format_money(n, 2).rstrip('0').rstrip('.')}-hour settlement (±{format_percent(cap_8h, 4, False)} per 8 h); "
        f"a position paying at the cap all year would pay {format_percent(apr, 2)} of its notional."
    )
    return {"cap": cap, "cap_8h": cap_8h, "apr_at_cap": apr, "summary": summary}


funding_cap_calculator = Calculator(
    name="funding_cap",
    title="Funding cap from margin rates",
    summary=(
        "The limit on each funding settlement that Binance, BitMEX and dYdX derive from the contract's margin "
        "rates, per settlement, per 8 hours and per year."
    ),
    terms=("funding-rate-calculations", "negative-funding-risk"),
    function="perpcalc.funding.funding_cap_from_margin",
    inputs=(
        Field("venue", "Venue rule", type="choice", choices=CAP_VENUES, default=binance.KEY),
        Field("mmr", "Maintenance margin rate", unit="fraction", percent=True, min=0, max=1,
              help="Binance: the first tier's; dYdX: MMF"),
        Field("imr", "Initial margin rate", unit="fraction", percent=True, default=None, min=0, max=1,
              help="BitMEX and dYdX (IMF): 1 / max leverage (0.01 = 1 %, at 100x)"),
        Field("multiplier", "Binance multiplier k", default=Decimal("0.75"), min=0, max=10,
              help="0.75 by default; set per symbol (an older text has 1)"),
        field("interval_hours"),
    ),
    outputs=(
        Output("cap", "Cap per settlement (±)", format="percent", places=6),
        Output("cap_8h", "Cap per 8 hours (±)", format="percent", places=6),
        Output("apr_at_cap", "Paid at the cap for a year, simple", format="percent", places=2),
        Output("summary", "In words", format="text"),
    ),
    compute=_cap_calc,
    notes=(
        "Binance's ADAUSDT example (MMR 0.65 % at 75x) gives 0.4875 % under k = 0.75; Binance also sets fixed "
        "caps by announcement and its live caps come from /fapi/v1/fundingInfo. BitMEX's example: IM 1 %, MM "
        "0.5 % → 0.375 %. dYdX's clamp factor is 6,000,000 ppm in liquidity_tier.go."
    ),
    examples={
        "default": {"venue": binance.KEY, "mmr": "0.0065", "interval_hours": "8"},
        bitmex.KEY: {"venue": bitmex.KEY, "mmr": "0.005", "imr": "0.01", "interval_hours": "8"},
        dydx.KEY: {"venue": dydx.KEY, "mmr": "0.03", "imr": "0.05", "interval_hours": "1"},
    },
)


# ------------------------------------------------------------------ drift_funding

DRIFT_TIERS = (*drift.VENUE.funding_caps, "none")


@fields_for(long_notional="long_notional", short_notional="short_notional", pool_balance="pool_balance")
def _drift_calc(v: dict[str, Any]) -> dict[str, Any]:
    cap = None if v["tier"] == "none" else drift.VENUE.funding_caps[v["tier"]]
    raw = drift_funding_rate(v["mark_twap"], v["oracle_twap"])
    rate = drift_funding_rate(v["mark_twap"], v["oracle_twap"], cap)
    flows = drift_symmetric_funding(rate, v["long_notional"], v["short_notional"], v["pool_balance"])
    mine = flows["long_rate"] if v["side"] == "long" else flows["short_rate"]
    payment = mine * v["size"]
    per_year = Decimal(24) * Decimal("365.25")
    apy = (ONE + rate) ** 8766 - ONE if abs(rate) < Decimal("0.05") else None
    payer = "long" if rate > 0 else "short" if rate < 0 else "none"
    summary = (
        f"Premium {format_percent((v['mark_twap'] - v['oracle_twap']) / v['oracle_twap'], 4, False)} ÷ 24 = "
        f"{format_percent(raw, 6, False)} an hour"
        + (f", held to ±{format_percent(cap, 4, False)} by the tier cap" if cap is not None and raw != rate else "")
        + (f": {payer}s pay." if payer != "none" else ": nobody pays.")
    )
    if rate != 0:
        if flows["pool_flow"] < 0:
            summary += (f" The receivers outweigh the payers, so the market's pool adds "
                        f"{format_money(-flows['pool_flow'])}")
            summary += (" and covers the whole gap." if flows["received"] == flows["owed"] else
                        " (2/3 of its balance at most) and receivers get a reduced rate.")
        elif flows["pool_flow"] > 0:
            summary += (f" The payers outweigh the receivers; the surplus {format_money(flows['pool_flow'])} "
                        "goes to the pool.")
        verb = "pays" if payment < 0 else "receives"
        summary += f" Your {v['side']} {verb} {format_money(abs(payment), 4)} this hour."
    return {
        "funding_rate": rate,
        "uncapped_rate": raw,
        "payer": payer,
        "apr": rate * per_year,
        "apy": apy,
        "long_rate": flows["long_rate"],
        "short_rate": flows["short_rate"],
        "pool_flow": flows["pool_flow"],
        "payment": payment,
        "summary": summary,
    }


drift_funding_calculator = Calculator(
    name="drift_funding",
    title="Drift hourly funding",
    summary=(
        "Drift's hourly rate, one 24th of the gap between the mark and oracle TWAPs, capped by the market's "
        "contract tier, and who actually receives it when longs and shorts are unbalanced."
    ),
    terms=("funding-rate-calculations", "negative-funding-rates"),
    function="perpcalc.funding.drift_funding_rate",
    inputs=(
        Field("mark_twap", "Mark TWAP (1 h)", unit="quote", min=0, min_open=True),
        Field("oracle_twap", "Oracle TWAP (1 h)", unit="quote", min=0, min_open=True),
        Field("tier", "Contract tier", type="choice", choices=DRIFT_TIERS, default="b_or_better",
              help="cap per hour: 0.125 % (B or better), 0.208 % (C), 0.4167 % (below C); none = uncapped"),
        Field("long_notional", "Longs' open notional", unit="USD", default=Decimal(1000000), min=0, max=10**13),
        Field("short_notional", "Shorts' open notional", unit="USD", default=Decimal(1000000), min=0, max=10**13),
        Field("pool_balance", "Market's fee pool", unit="USD", default=ZERO, min=0, max=10**13,
                  advanced=True,
              help="pays receivers' shortfall, at most 2/3 of it per hour"),
        field("side"),
        field("size", label="Your position notional", unit="USD"),
    ),
    outputs=(
        Output("funding_rate", "Funding rate per hour (+ = longs pay)", format="percent", places=6),
        Output("uncapped_rate", "Before the tier cap", format="percent", places=6),
        Output("payer", "Who pays", format="text"),
        Output("apr", "Per year, simple (× 24 × 365.25)", format="percent", places=4),
        Output("apy", "Per year, compounded hourly", format="percent", places=4),
        Output("long_rate", "Longs get per hour (− = pay)", format="percent", places=6),
        Output("short_rate", "Shorts get per hour (− = pay)", format="percent", places=6),
        Output("pool_flow", "Into the pool this hour (− = out)", unit="USD", places=6),
        Output("payment", "Your funding this hour (− = you pay)", unit="USD", places=6),
        Output("summary", "In words", format="text"),
    ),
    compute=_drift_calc,
    notes=(
        "Source: Drift protocol v2 docs, Funding rates (commit f1021e4). TWAPs are one-hour averages; the "
        "update can be delayed when nobody touches the market or the mark strays far from the oracle."
    ),
    examples={
        "default": {"mark_twap": "100.24", "oracle_twap": "100", "long_notional": "1000000",
                    "short_notional": "3000000", "pool_balance": "150", "side": "short", "size": "10000"},
        "capped": {"mark_twap": "110", "oracle_twap": "100", "tier": "c", "side": "long", "size": "10000"},
    },
)
