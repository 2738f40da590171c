"""Funding: premium index, funding rate, funding payment and annualisation.

Conventions (the whole package uses them):

* rates are fractions per funding interval (0.0001 = 0.01 %);
* a positive funding rate means longs pay shorts, a negative one means shorts pay longs;
* a payment is signed from the holder's view: negative means the holder pays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from ._spec import Calculator, Field, InputError, Output, calculator

Side = Literal["long", "short"]
Contract = Literal["linear", "inverse"]

ZERO = Decimal(0)
ONE = Decimal(1)
EIGHT = Decimal(8)


def _sign(side: str) -> int:
    return 1 if side == "long" else -1


def payer_of(rate: Decimal) -> str:
    """Which side pays at ``rate``: ``"long"`` (rate > 0), ``"short"`` (rate < 0) or ``"none"``."""
    return "long" if rate > 0 else "short" if rate < 0 else "none"


def clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    """``min(max(x, lo), hi)``: ``x`` limited to the band [lo, hi]."""
    return min(max(x, lo), hi)


# ------------------------------------------------------------------ premium index


def premium_index(index_price: Decimal, impact_bid: Decimal, impact_ask: Decimal) -> Decimal:
    """Premium of the perpetual's order book over the index, one sample.

    P = [max(0, impact_bid − index) − max(0, index − impact_ask)] / index

    Positive when even a sell of the impact size fills above the index (the perp is rich),
    negative when even a buy fills below it (the perp is cheap), and zero whenever the index
    lies between the impact bid and the impact ask.

    Source: Binance USDⓈ-M funding FAQ; Bybit "What is funding rate"; Hyperliquid funding
    docs; dYdX v4 (all use this form, with impact prices for the venue's impact notional).

    Example: index 10,000, impact bid 10,100, impact ask 10,110 (Hyperliquid's example)
    gives P = 100 / 10,000 = 0.01.
    """
    if index_price <= 0:
        raise InputError("index_price", "index price must be > 0")
    if impact_ask < impact_bid:
        raise InputError("impact_ask", "impact ask must be ≥ impact bid")
    rich = max(ZERO, impact_bid - index_price)
    cheap = max(ZERO, index_price - impact_ask)
    return (rich - cheap) / index_price


# ------------------------------------------------------------------ funding rate

METHODS = ("clamp", "dead_band", "premium")


def funding_rate(
    premium: Decimal,
    method: str = "clamp",
    interest_rate: Decimal = Decimal("0.0001"),
    clamp_limit: Decimal = Decimal("0.0005"),
    dead_band: Decimal = Decimal("0.00025"),
    interval_hours: Decimal = EIGHT,
    cap: Decimal | None = None,
) -> Decimal:
    """Funding rate for one interval from the interval's average premium.

    8-hour rate, by method:

    * ``clamp`` (Binance, Bybit, BitMEX, Hyperliquid): F₈ = P + clamp(I − P, −c, c)
    * ``dead_band`` (Deribit): F₈ = P − clamp(P, −d, d)
    * ``premium`` (OKX, Drift): F₈ = P

    then F = F₈ × N / 8 for an N-hour interval, and last F = clamp(F, −cap, cap).

    With the clamp method the rate equals I exactly while P lies in [I − c, I + c]
    (for the usual I = 0.01 % and c = 0.05 %: P between −0.04 % and +0.06 %), and moves
    one-for-one with P outside that zone. With the dead band the rate is 0 while
    |P| ≤ d. A zero premium gives I, 0 and 0 respectively. The cap binds last, after the
    interval scaling, because venues publish caps per settlement.

    Sources: Binance funding FAQ (formula change of 2025-09-18 adds the N/8 scaling);
    BitMEX perpetual contracts guide; Deribit funding specifications; Hyperliquid
    funding docs (hourly, 4 % cap per hour).

    Example: Hyperliquid, P = 0.01, I = 0.0001, c = 0.0005, hourly:
    F₈ = 0.01 + clamp(−0.0099, −0.0005, 0.0005) = 0.0095; F = 0.0095 / 8 = 0.0011875.
    """
    if method == "clamp":
        rate_8h = premium + clamp(interest_rate - premium, -clamp_limit, clamp_limit)
    elif method == "dead_band":
        rate_8h = premium - clamp(premium, -dead_band, dead_band)
    elif method == "premium":
        rate_8h = premium
    else:
        raise InputError("method", f"method must be one of: {', '.join(METHODS)}")
    rate = rate_8h * interval_hours / EIGHT
    if cap is not None:
        rate = clamp(rate, -cap, cap)
    return rate


def periods_per_year(interval_hours: Decimal, days_per_year: Decimal = Decimal(365)) -> Decimal:
    """Funding settlements in a year: days_per_year × 24 / interval_hours."""
    return days_per_year * 24 / interval_hours


# ------------------------------------------------------------------ payment


def notional_value(
    size: Decimal, mark_price: Decimal, contract: str = "linear", contract_value: Decimal = ONE
) -> Decimal:
    """Position value on which funding is charged, in the settlement currency.

    linear:  size × mark_price                     (quote currency; size in base units)
    inverse: size × contract_value / mark_price    (base coin; size in contracts)

    Source: Binance USDⓈ-M / COIN-M funding FAQ; BitMEX perpetual guide (XBTUSD:
    15,000 contracts of 1 USD at 750 are worth 20 XBT).
    """
    if contract == "inverse":
        return size * contract_value / mark_price
    return size * mark_price


def funding_payment(
    side: Side,
    size: Decimal,
    mark_price: Decimal,
    rate: Decimal,
    intervals: Decimal = ONE,
    contract: Contract = "linear",
    contract_value: Decimal = ONE,
) -> Decimal:
    """Funding cash flow of a perpetual position, seen from its holder.

    payment = −s × notional × rate × intervals,   s = +1 long, −1 short

    where notional is :func:`notional_value` (quote currency for linear contracts, base
    coin for inverse ones). A positive rate takes money from longs and gives it to shorts;
    a negative rate does the reverse. ``intervals`` may be fractional where a venue
    accrues continuously (Deribit, dYdX v3). A zero rate, size or interval count pays
    nothing. Funding is peer to peer: the venue keeps no part of it.

    Source: Binance USDⓈ-M funding FAQ; BitMEX perpetual contracts guide, examples.

    Examples: a 10 BTC long marked at 10,000 with an hourly rate of 0.11875 % pays
    118.75 USDC for the hour; the matching short receives the same. A BitMEX long of
    15,000 XBTUSD contracts marked at 750 (20 XBT) pays 0.05 XBT at a 0.25 % rate.
    """
    notional = notional_value(size, mark_price, contract, contract_value)
    return -_sign(side) * notional * rate * intervals


def annualized(
    rate: Decimal, interval_hours: Decimal = EIGHT, days_per_year: Decimal = Decimal(365)
) -> tuple[Decimal, Decimal, Decimal]:
    """Annualised funding: periods per year n, simple APR = F × n, compounded APY.

    n = days_per_year × 24 / interval_hours;  APR = F × n;  APY = (1 + F)ⁿ − 1

    APR is what a position earns (or pays) in a year of constant funding when payments
    are not reinvested; APY assumes each payment is added to the position. APY exists
    only for F > −1 (a rate of −100 % per interval wipes out the position). At F = 0 both
    are 0; for small F, APY ≈ APR.

    Source: arithmetic; Drift documents APR = rate × 24 × 365.25 and APY = (1 + rate)^(24 × 365.25) − 1.

    Example: 0.01 % per 8 h → 1,095 periods, APR 10.95 %, APY 11.57 %.
    """
    n = periods_per_year(interval_hours, days_per_year)
    apr = rate * n
    if rate <= -1:
        raise InputError("funding_rate", "funding rate must be > −100 % per interval to compound")
    growth = (ONE + rate) ** n
    return n, apr, growth - ONE


# ------------------------------------------------------------------ calculator specs

RATE_HELP = "fraction per funding interval: 0.0001 = 0.01 % (you may type 0.01%)"


def _rate_field(name: str, label: str, default: Any = None, help: str = RATE_HELP, **kw: Any) -> Field:
    return Field(name, label, unit="fraction", default=default, percent=True, help=help, min=-1, max=1, **kw)


SIDE = Field("side", "Side", type="choice", choices=("long", "short"), default="long")


def _premium_index_calc(v: dict[str, Any]) -> dict[str, Any]:
    return {"premium_index": premium_index(v["index_price"], v["impact_bid"], v["impact_ask"])}


premium_index_calculator = calculator(
    Calculator(
        name="premium_index",
        title="Premium index",
        summary="How far the perpetual's order book sits above or below the index, as one premium sample.",
        terms=("funding-rate-calculations",),
        function="perpcalc.funding.premium_index",
        inputs=(
            Field("index_price", "Index (oracle) price", unit="quote", min=0, min_open=True),
            Field("impact_bid", "Impact bid price", unit="quote", min=0, min_open=True),
            Field("impact_ask", "Impact ask price", unit="quote", min=0, min_open=True),
        ),
        outputs=(Output("premium_index", "Premium index (+ = perp above index)", format="percent", places=6),),
        compute=_premium_index_calc,
        examples={"default": {"index_price": "10000", "impact_bid": "10100", "impact_ask": "10110"}},
    )
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
    )
    n = periods_per_year(v["interval_hours"])
    return {
        "funding_rate": rate,
        "rate_8h": rate * EIGHT / v["interval_hours"],
        "payer": payer_of(rate),
        "apr": rate * n,
    }


funding_rate_calculator = calculator(
    Calculator(
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
            Field("method", "Formula", type="choice", choices=METHODS, default="clamp",
                  help="clamp: P + clamp(I − P, ±c); dead_band: P − clamp(P, ±d); premium: F = P"),
            _rate_field("interest_rate", "Interest rate I (per 8 h)", default=Decimal("0.0001")),
            Field("clamp", "Clamp c (per 8 h)", unit="fraction", percent=True, default=Decimal("0.0005"), min=0,
                  max=1, help="half-width of the band around I − P; 0.0005 = 0.05 %"),
            Field("dead_band", "Dead band d (per 8 h)", unit="fraction", percent=True, default=Decimal("0.00025"),
                  min=0, max=1, help="Deribit's damper; 0.00025 = 0.025 %"),
            Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0, min_open=True, max=24 * 7,
                  help="the 8-hour rate is scaled by N / 8"),
            Field("cap", "Cap (per interval)", unit="fraction", percent=True, default=None, min=0, min_open=True,
                  max=1, help="absolute limit on the per-interval rate, applied last; leave empty for none"),
        ),
        outputs=(
            Output("funding_rate", "Funding rate per interval (+ = longs pay shorts)", format="percent", places=6),
            Output("rate_8h", "Same rate per 8 h", format="percent", places=6),
            Output("payer", "Who pays", format="text"),
            Output("apr", "Annualised, simple (365 days)", format="percent", places=4),
        ),
        compute=_funding_rate_calc,
        examples={
            "default": {"premium_index": "0.01", "method": "clamp", "interest_rate": "0.0001",
                        "clamp": "0.0005", "interval_hours": "1"},
            "dead_zone": {"premium_index": "0.0003"},
            "deribit": {"premium_index": "0.0005", "method": "dead_band"},
        },
    )
)


def _funding_payment_calc(v: dict[str, Any]) -> dict[str, Any]:
    notional = notional_value(v["size"], v["mark_price"], v["contract"], v["contract_value"])
    payment = -_sign(v["side"]) * notional * v["funding_rate"] * v["intervals"]
    return {
        "payment": payment,
        "payer": payer_of(v["funding_rate"]),
        "currency": "base" if v["contract"] == "inverse" else "quote",
        "notional": notional,
    }


funding_payment_calculator = calculator(
    Calculator(
        name="funding_payment",
        title="Funding payment",
        summary=(
            "What one position pays or receives in funding: linear contracts settle in the quote "
            "currency, inverse ones in the base coin."
        ),
        terms=("funding-rate-exposure", "negative-funding-rates"),
        function="perpcalc.funding.funding_payment",
        inputs=(
            SIDE,
            Field("size", "Position size", unit="base units (linear) or contracts (inverse)", min=0, min_open=True),
            Field("mark_price", "Mark price", unit="quote", min=0, min_open=True,
                  help="the price the venue uses to value the position (Hyperliquid: the oracle price)"),
            Field("funding_rate", "Funding rate per interval", unit="fraction", percent=True, min=-1, max=1,
                  help="positive: longs pay shorts; negative: shorts pay longs (0.0001 = 0.01 %)"),
            Field("contract", "Contract", type="choice", choices=("linear", "inverse"), default="linear"),
            Field("contract_value", "Contract value (inverse)", unit="quote per contract", default=ONE, min=0,
                  min_open=True, help="quote value of one inverse contract, e.g. 1 USD for XBTUSD"),
            Field("intervals", "Intervals held", unit="intervals", default=ONE, min=0, max=1_000_000,
                  help="fractions allowed where funding accrues continuously"),
        ),
        outputs=(
            Output("payment", "Your payment (− = you pay, + = you receive)", unit="settlement currency"),
            Output("payer", "Paying side", format="text"),
            Output("currency", "Settlement currency", format="text"),
            Output("notional", "Position value", unit="settlement currency"),
        ),
        compute=_funding_payment_calc,
        examples={
            "default": {"side": "long", "size": "10", "mark_price": "10000", "funding_rate": "0.0011875"},
            "bitmex_inverse": {"side": "long", "size": "15000", "mark_price": "750", "funding_rate": "0.0025",
                               "contract": "inverse"},
        },
    )
)


def _funding_annualized_calc(v: dict[str, Any]) -> dict[str, Any]:
    n, apr, apy = annualized(v["funding_rate"], v["interval_hours"], v["days_per_year"])
    return {"periods_per_year": n, "apr": apr, "apy": apy}


funding_annualized_calculator = calculator(
    Calculator(
        name="funding_annualized",
        title="Annualised funding",
        summary="A per-interval funding rate as a yearly figure: simple (APR) and compounded (APY).",
        terms=("perpetual-swap-yields", "funding-rate-as-proxy-for-cost"),
        function="perpcalc.funding.annualized",
        inputs=(
            Field("funding_rate", "Funding rate per interval", unit="fraction", percent=True, min=-1, min_open=True,
                  max=1, help="0.0001 = 0.01 % per interval"),
            Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0, min_open=True,
                  max=24 * 7),
            Field("days_per_year", "Days per year", unit="days", default=Decimal(365), min=1, max=366),
        ),
        outputs=(
            Output("periods_per_year", "Settlements per year", places=4),
            Output("apr", "APR, simple", format="percent", places=4),
            Output("apy", "APY, compounded", format="percent", places=4),
        ),
        compute=_funding_annualized_calc,
        examples={"default": {"funding_rate": "0.0001", "interval_hours": "8"}},
    )
)
