"""Funding: premium index, funding rate, funding payment and annualisation.

Conventions (the whole package uses them):

* rates are fractions per funding interval (0.0001 = 0.01 %);
* a positive funding rate means longs pay shorts, a negative one means shorts pay longs;
* a payment is signed from the holder's view: negative means the holder pays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from ._spec import Calculator, Field, InputError, Output, calculator
from .venues import FUNDING_VENUE_KEYS, FUNDING_VENUES, funding_preset, schedule_preset

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
SCALINGS = ("n_over_8", "per_interval")


def funding_rate(
    premium: Decimal,
    method: str = "clamp",
    interest_rate: Decimal = Decimal("0.0001"),
    clamp_limit: Decimal = Decimal("0.0005"),
    dead_band: Decimal = Decimal("0.00025"),
    interval_hours: Decimal = EIGHT,
    cap: Decimal | None = None,
    scaling: str = "n_over_8",
) -> Decimal:
    """Funding rate for one interval from the interval's average premium.

    8-hour rate, by method:

    * ``clamp`` (Binance, Bybit, BitMEX, Hyperliquid): F₈ = P + clamp(I − P, −c, c)
    * ``dead_band`` (Deribit): F₈ = P − clamp(P, −d, d)
    * ``premium`` (OKX, Drift): F₈ = P

    then F = F₈ × N / 8 for an N-hour interval, and last F = clamp(F, −cap, cap).

    With ``scaling="per_interval"`` (Bybit and OKX publish no N/8 factor) the formula is
    applied per settlement instead, with only the interest split across the day:
    F = P + clamp(I × N/8 − P, −c, c), F = P − clamp(P, −d, d) or F = P. Both scalings agree
    at N = 8.

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
    if scaling not in SCALINGS:
        raise InputError("scaling", f"scaling must be one of: {', '.join(SCALINGS)}")
    per_interval = scaling == "per_interval"
    if per_interval:
        interest_rate = interest_rate * interval_hours / EIGHT
    if method == "clamp":
        rate_8h = premium + clamp(interest_rate - premium, -clamp_limit, clamp_limit)
    elif method == "dead_band":
        rate_8h = premium - clamp(premium, -dead_band, dead_band)
    elif method == "premium":
        rate_8h = premium
    else:
        raise InputError("method", f"method must be one of: {', '.join(METHODS)}")
    rate = rate_8h if per_interval else rate_8h * interval_hours / EIGHT
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
VENUE_CHOICES = ("custom", *FUNDING_VENUE_KEYS)
VENUE = Field("venue", "Venue preset", type="choice", choices=VENUE_CHOICES, default="custom",
              help="fills the venue's published rules; fields you set yourself win")
SCALING = Field("scaling", "Interval scaling", type="choice", choices=SCALINGS, default="n_over_8",
                help="n_over_8: an N-hour settlement pays N/8 of the 8-hour rate (Binance, Hyperliquid, dYdX); "
                "per_interval: the formula applies per settlement, interest split across the day (Bybit, OKX)")


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
        v["scaling"],
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
            VENUE,
            Field("method", "Formula", type="choice", choices=METHODS, default="clamp",
                  help="clamp: P + clamp(I − P, ±c); dead_band: P − clamp(P, ±d); premium: F = P"),
            _rate_field("interest_rate", "Interest rate I (per 8 h)", default=Decimal("0.0001")),
            Field("clamp", "Clamp c (per 8 h)", unit="fraction", percent=True, default=Decimal("0.0005"), min=0,
                  max=1, help="half-width of the band around I − P; 0.0005 = 0.05 %"),
            Field("dead_band", "Dead band d (per 8 h)", unit="fraction", percent=True, default=Decimal("0.00025"),
                  min=0, max=1, help="Deribit's damper; 0.00025 = 0.025 %"),
            Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0, min_open=True, max=24 * 7,
                  help="the 8-hour rate is scaled by N / 8 (with n_over_8 scaling)"),
            Field("cap", "Cap (per interval)", unit="fraction", percent=True, default=None, min=0, min_open=True,
                  max=1, help="absolute limit on the per-interval rate, applied last; leave empty for none"),
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
            "default": {"premium_index": "0.01", "method": "clamp", "interest_rate": "0.0001",
                        "clamp": "0.0005", "interval_hours": "1"},
            "dead_zone": {"premium_index": "0.0003"},
            "deribit": {"premium_index": "0.0005", "method": "dead_band"},
            "hyperliquid": {"premium_index": "0.01", "venue": "hyperliquid"},
            "binance_capped": {"premium_index": "0.01", "venue": "binance"},
        },
        presets={"venue": {k: funding_preset(k) for k in FUNDING_VENUE_KEYS}},
        notes=(
            "Choosing a venue fills the formula, interest, band, interval, cap and scaling with that "
            "venue's published values (see perpcalc.venues for sources and dates); any field you set "
            "yourself wins. Caps are per symbol: the preset is one documented figure for a major contract."
        ),
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


# ------------------------------------------------------------------ averaging and predicted rate

WEIGHTINGS = ("time_weighted", "mean")
PATH_POINTS = 400


def mean_premium(samples: Sequence[Decimal]) -> Decimal:
    """Simple average of premium samples: P̄ = (P₁ + … + Pₙ) / n.

    BitMEX (minutely premium over 8 h), OKX (rolling N-hour window since 2024-03-05),
    Hyperliquid and dYdX average this way. No samples: ``InputError``.
    """
    if not samples:
        raise InputError("premiums", "give at least one premium sample")
    return sum(samples, ZERO) / len(samples)


def time_weighted_premium(samples: Sequence[Decimal]) -> Decimal:
    """Time-weighted average premium with linear weights, later samples counting more.

    P̄ = (1·P₁ + 2·P₂ + … + n·Pₙ) / (1 + 2 + … + n),  and 1 + … + n = n(n + 1)/2

    Equal samples give that value back; one sample gives itself. The last sample weighs n
    times the first, so a premium that builds up near settlement moves the rate more than
    one that fades.

    Source: Bybit "What is funding rate and predicted rate" (2024-05-12: 480 one-minute
    samples for 8 h); Binance USDⓈ-M funding FAQ (5,760 five-second samples).

    Example: samples 0.0002, 0.0004, …, 0.0012 (rising) → (0.0002 × 91) / 21 = 0.000866667,
    against a simple mean of 0.0007.
    """
    if not samples:
        raise InputError("premiums", "give at least one premium sample")
    n = len(samples)
    weighted = sum((i * p for i, p in enumerate(samples, start=1)), ZERO)
    return weighted * 2 / (n * (n + 1))


def average_premium(samples: Sequence[Decimal], weighting: str = "time_weighted") -> Decimal:
    """The interval's average premium by ``weighting`` (``time_weighted`` or ``mean``)."""
    if weighting == "time_weighted":
        return time_weighted_premium(samples)
    if weighting == "mean":
        return mean_premium(samples)
    raise InputError("weighting", f"weighting must be one of: {', '.join(WEIGHTINGS)}")


def running_averages(samples: Sequence[Decimal], weighting: str = "time_weighted") -> list[Decimal]:
    """The average premium after each sample: element k averages samples 1…k.

    This is the "predicted rate" a venue shows during the interval, before the last sample:
    its last element equals :func:`average_premium` of all samples.
    """
    if weighting not in WEIGHTINGS:
        raise InputError("weighting", f"weighting must be one of: {', '.join(WEIGHTINGS)}")
    out: list[Decimal] = []
    total = ZERO
    for k, p in enumerate(samples, start=1):
        if weighting == "time_weighted":
            total += k * p
            out.append(total * 2 / (k * (k + 1)))
        else:
            total += p
            out.append(total / k)
    return out


def _thin(count: int, points: int = PATH_POINTS) -> list[int]:
    """Indices 0…count−1 thinned to about ``points``, always keeping the first and last."""
    if count <= points:
        return list(range(count))
    step = (count - 1) / (points - 1)
    idx = sorted({round(i * step) for i in range(points)} | {count - 1})
    return idx


@dataclass(frozen=True)
class RateRules:
    """The formula parameters shared by the funding calculators (see :func:`funding_rate`)."""

    method: str = "clamp"
    interest_rate: Decimal = Decimal("0.0001")
    clamp_limit: Decimal = Decimal("0.0005")
    dead_band: Decimal = Decimal("0.00025")
    cap: Decimal | None = None
    scaling: str = "n_over_8"

    def rate(self, premium: Decimal, interval_hours: Decimal, capped: bool = True) -> Decimal:
        return funding_rate(premium, self.method, self.interest_rate, self.clamp_limit, self.dead_band,
                            interval_hours, self.cap if capped else None, self.scaling)


def predicted_funding(
    samples: Sequence[Decimal],
    weighting: str = "time_weighted",
    rules: RateRules = RateRules(),
    interval_hours: Decimal = EIGHT,
) -> tuple[Decimal, Decimal, list[tuple[int, Decimal, Decimal]]]:
    """Predicted funding rate from the premium samples seen so far in the interval.

    P̄ₖ = average of samples 1…k (time-weighted or simple), Fₖ = funding_rate(P̄ₖ)

    Returns (P̄, F, path) with path = [(k, P̄ₖ, Fₖ)]; the last point is the final predicted
    rate, which becomes the settled rate if no further sample arrives. With equal samples
    both weightings agree.

    Source: Bybit "What is funding rate and predicted rate"; Binance funding FAQ.

    Example: six rising samples 0.02 % … 0.12 % with Binance's rules: time-weighted
    P̄ = 0.086667 %, F = 0.086667 % − 0.05 % = 0.036667 %; the simple mean 0.07 % would give 0.02 %.
    """
    path_avgs = running_averages(samples, weighting)
    if not path_avgs:
        raise InputError("premiums", "give at least one premium sample")
    path = [(k + 1, path_avgs[k], rules.rate(path_avgs[k], interval_hours)) for k in _thin(len(path_avgs))]
    return path_avgs[-1], path[-1][2], path


def _rules(v: dict[str, Any]) -> RateRules:
    return RateRules(v["method"], v["interest_rate"], v["clamp"], v["dead_band"], v["cap"], v["scaling"])


def _rule_fields(interval: Field) -> tuple[Field, ...]:
    return (
        Field("method", "Formula", type="choice", choices=METHODS, default="clamp",
              help="clamp: P + clamp(I − P, ±c); dead_band: P − clamp(P, ±d); premium: F = P"),
        _rate_field("interest_rate", "Interest rate I (per 8 h)", default=Decimal("0.0001")),
        Field("clamp", "Clamp c (per 8 h)", unit="fraction", percent=True, default=Decimal("0.0005"), min=0, max=1),
        Field("dead_band", "Dead band d (per 8 h)", unit="fraction", percent=True, default=Decimal("0.00025"),
              min=0, max=1),
        interval,
        Field("cap", "Cap (per settlement)", unit="fraction", percent=True, default=None, min=0, min_open=True,
              max=1, help="absolute limit on the settled rate; empty for none"),
        SCALING,
    )


PREMIUM_COLUMN = Field("premium", "Premium", unit="fraction", percent=True, min=-1, max=1)


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


predicted_funding_calculator = calculator(
    Calculator(
        name="predicted_funding",
        title="Predicted funding rate",
        summary=(
            "Averages the premium samples seen so far in the interval (time-weighted like Binance and "
            "Bybit, or a simple mean) and shows how the predicted rate moves as samples arrive."
        ),
        terms=("funding-rate-forecasting", "funding-rate-fluctuations", "funding-rate-calculations"),
        function="perpcalc.funding.predicted_funding",
        inputs=(
            Field("premiums", "Premium samples, oldest first", type="list", columns=(PREMIUM_COLUMN,),
                  min_items=1, max_items=20_000,
                  help="one premium index sample per line (fractions; 0.0005 = 0.05 %)"),
            VENUE,
            Field("weighting", "Averaging", type="choice", choices=WEIGHTINGS, default="time_weighted",
                  help="time_weighted: sample i of n weighs i (Binance, Bybit); mean: simple average"),
            *_rule_fields(Field("interval_hours", "Funding interval", unit="hours", default=EIGHT, min=0,
                                min_open=True, max=24 * 7)),
        ),
        outputs=(
            Output("average_premium", "Average premium used", format="percent", places=6),
            Output("predicted_rate", "Predicted rate per interval (+ = longs pay shorts)", format="percent",
                   places=6),
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
                chart={"x": "sample", "y": ["average_premium", "predicted_rate"],
                       "title": "Predicted funding during the interval"},
            ),
        ),
        compute=_predicted_funding_calc,
        examples={
            "default": {"premiums": [{"premium": p} for p in
                                     ("0.0002", "0.0004", "0.0006", "0.0008", "0.0010", "0.0012")],
                        "venue": "binance"},
            "fading": {"premiums": [{"premium": p} for p in ("0.004", "0.003", "0.002", "0.001", "0")],
                       "venue": "bybit"},
            "okx_mean": {"premiums": [{"premium": p} for p in ("0.001", "0.002", "0.003")], "venue": "okx"},
        },
        presets={"venue": {k: _predicted_preset(k) for k in FUNDING_VENUE_KEYS}},
        notes=(
            "A venue's predicted rate is the formula applied to the average of the samples so far; "
            "it settles at the value reached after the interval's last sample. Binance samples every "
            "5 s and Bybit every minute; you may paste fewer, coarser samples, which changes the weights."
        ),
    )
)


# ------------------------------------------------------------------ interval shortening

SHORTENINGS = ("jump", "step", "none")


@dataclass(frozen=True)
class Settlement:
    """One settlement of :func:`funding_schedule`: ``offset_hours`` after the start."""

    number: int
    offset_hours: int
    interval_hours: int
    average_premium: Decimal
    funding_rate: Decimal
    capped: bool


def hourly_block_average(hourly: Sequence[Decimal], weighting: str = "mean") -> Decimal:
    """Average of an interval's hourly average premiums.

    ``mean``: the simple mean. ``time_weighted``: hour h of the block weighs 2h − 1, which is
    the limit of linear per-sample weights (1…n) when each hour holds many equal samples, so
    it reproduces Binance/Bybit averaging when the premium is steady within each hour.
    """
    if weighting == "mean":
        return mean_premium(hourly)
    if weighting != "time_weighted":
        raise InputError("weighting", f"weighting must be one of: {', '.join(WEIGHTINGS)}")
    n = len(hourly)
    if n == 0:
        raise InputError("premiums", "give at least one hourly premium")
    return sum(((2 * h - 1) * p for h, p in enumerate(hourly, start=1)), ZERO) / (n * n)


def funding_schedule(
    hourly: Sequence[Decimal],
    interval_hours: int = 8,
    rules: RateRules = RateRules(),
    shortening: str = "jump",
    shortest_interval_hours: int = 1,
    weighting: str = "mean",
) -> tuple[list[Settlement], int, int]:
    """Settlements when the interval shortens after a rate settles at its cap.

    Starting at the base interval N, each settlement averages the hourly premiums of its
    interval and applies the formula; the rate is capped last. After a settlement at the
    cap (|uncapped rate| ≥ cap) the next interval is

    * ``jump``: the shortest interval at once (Bybit since 2025-10-30; OKX before 2026-04-14);
    * ``step``: half the current one, not below the shortest (OKX from 2026-04-14: 8 → 4 → 2 → 1 h);
    * ``none``: unchanged.

    After a settlement below the cap a shortened schedule returns to the base interval,
    aligned to the base clock (the start time is taken as a regular settlement time). The cap
    is per settlement and does not change with the interval (Binance kept ±3 % when it moved
    BANUSDT from 4 h to 2 h). Returns (settlements, next interval, hours left over after the
    last settlement).

    Sources: Bybit dynamic settlement frequency announcement (2025-10); OKX announcement on
    the upgrade of automatic funding fee settlement (2026-04-14). When Bybit returns to a
    longer interval is not published: the return rule here is an assumption.

    Example (OKX's): a 4-hour contract with a ±0.375 % cap settles at the cap at 16:00 UTC;
    the next settlement is at 18:00, and after another capped settlement at 19:00.
    """
    if shortening not in SHORTENINGS:
        raise InputError("shortening", f"shortening must be one of: {', '.join(SHORTENINGS)}")
    if not 1 <= shortest_interval_hours <= interval_hours:
        raise InputError("shortest_interval_hours", "the shortest interval must be from 1 hour to the base interval")
    base = interval_hours
    current = base
    offset = 0
    out: list[Settlement] = []
    n = len(hourly)
    while offset + current <= n:
        block = hourly[offset:offset + current]
        avg = hourly_block_average(block, weighting)
        raw = rules.rate(avg, Decimal(current), capped=False)
        rate = raw if rules.cap is None else clamp(raw, -rules.cap, rules.cap)
        capped = rules.cap is not None and abs(raw) >= rules.cap
        offset += current
        out.append(Settlement(len(out) + 1, offset, current, avg, rate, capped))
        if capped:
            if shortening == "jump":
                current = shortest_interval_hours
            elif shortening == "step":
                current = max(shortest_interval_hours, current // 2)
        elif current != base:
            current = base - offset % base
    return out, current, n - offset


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
        raise InputError("start", f"start time must be a date and time like 2026-05-01T12:00Z (got {text[:40]!r})") \
            from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if when.year > 9000:
        raise InputError("start", "start time is too far in the future")
    return when


def _clock(start: datetime | None, hours: int) -> str:
    if start is None:
        return f"+{hours} h"
    return (start + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M UTC")


def _funding_schedule_calc(v: dict[str, Any]) -> dict[str, Any]:
    hourly = [row["premium"] for row in v["premiums"]]
    start = _parse_start(v["start"])
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
        summary = (f"The {len(hourly)} hour(s) given do not fill one {v['interval_hours']}-hour interval, "
                   "so nothing settles yet.")
    else:
        last = settlements[-1]
        summary = (
            f"{len(settlements)} settlement(s) in {last.offset_hours} h, {n_capped} at the cap. "
            f"A long paid {_pct(total)} of its notional in total (negative: it received). "
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


def _pct(x: Decimal) -> str:
    return f"{float(x) * 100:.4f} %"


SCHEDULE_VENUES = ("custom", "binance", "bybit", "okx")

funding_schedule_calculator = calculator(
    Calculator(
        name="funding_schedule",
        title="Funding interval shortening",
        summary=(
            "Settles a run of hourly premiums on a venue's clock: when the rate settles at its cap, "
            "Binance, Bybit and OKX shorten the funding interval, so funding is paid more often."
        ),
        terms=("funding-rate-management", "funding-rate-calculations"),
        function="perpcalc.funding.funding_schedule",
        inputs=(
            Field("premiums", "Hourly average premiums, oldest first", type="list", columns=(PREMIUM_COLUMN,),
                  min_items=1, max_items=720,
                  help="one average premium per hour (fractions); to feed 8-hour rates directly, "
                  "choose the premium formula"),
            Field("venue", "Venue preset", type="choice", choices=SCHEDULE_VENUES, default="custom",
                  help="fills the venue's interval, cap, formula and shortening rule"),
            Field("start", "Start time (a settlement time, UTC)", type="text", default=None,
                  help="e.g. 2026-05-01T12:00Z; leave empty to count hours from the start"),
            *_rule_fields(Field("interval_hours", "Base interval", type="integer", unit="hours", default=8, min=1,
                                max=24)),
            Field("shortening", "After a capped settlement", type="choice", choices=SHORTENINGS, default="jump",
                  help="jump: straight to the shortest interval; step: halve it each time; none: keep it"),
            Field("shortest_interval_hours", "Shortest interval", type="integer", unit="hours", default=1, min=1,
                  max=24),
            Field("weighting", "Averaging within an interval", type="choice", choices=WEIGHTINGS, default="mean",
                  help="time_weighted: later hours weigh more (Binance, Bybit); mean: equal weights (OKX)"),
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
            Output("total_rate", "Sum of settled rates (what a long paid per unit notional)", format="percent",
                   places=6),
            Output("summary", "Summary", format="text"),
        ),
        compute=_funding_schedule_calc,
        examples={
            "default": {
                "venue": "okx",
                "interval_hours": 4,
                "start": "2026-05-01T12:00Z",
                "premiums": [{"premium": p} for p in
                             ["0.005"] * 6 + ["0.004", "0.002"] + ["0.001"] * 4],
            },
            "bybit": {
                "venue": "bybit",
                "interval_hours": 4,
                "start": "2026-05-01T00:00Z",
                "premiums": [{"premium": p} for p in ["0.03"] * 4 + ["0.025", "0.01", "0.0005"] + ["0.0001"] * 5],
            },
        },
        presets={"venue": {k: schedule_preset(k) for k in SCHEDULE_VENUES if k != "custom"}},
        notes=(
            "Bybit (since 2025-10-30) moves a symbol to 1-hour settlement after a settlement at its cap; "
            "OKX (from 2026-04-14) shortens one level at a time, 8 → 4 → 2 → 1 h. Binance's automatic "
            "switch is reported only by a secondary source. When a venue returns to its base interval is "
            "not fully published: here it does so after the first settlement below the cap, on the base "
            "clock. Each hour's average is taken as steady within the hour."
        ),
    )
)


# ------------------------------------------------------------------ venues side by side


def funding_by_venue(premium: Decimal) -> list[dict[str, Any]]:
    """The rate each venue would set for the same average premium, with its own rules.

    For each venue in :data:`perpcalc.venues.FUNDING_VENUES`: F = funding_rate(P) with its
    method, interest, band, interval, cap and scaling; the 8-hour equivalent F × 8 / N; and
    the simple APR F × settlements per year. Caps are illustrative per-venue figures.

    Example: P = 0.01 (1 %): Hyperliquid 0.11875 % per hour (0.95 % per 8 h, under its 4 %
    cap); Binance 0.95 % capped to 0.30 %; OKX 1 % capped to 0.375 %; Deribit 0.975 %.
    """
    rows = []
    for key, r in FUNDING_VENUES.items():
        rules = RateRules(r.method, r.interest_rate, r.clamp, r.dead_band, r.cap, r.scaling)
        rate = rules.rate(premium, r.interval_hours)
        rows.append({
            "venue": key,
            "name": r.name,
            "interval_hours": r.interval_hours,
            "method": r.method,
            "funding_rate": rate,
            "rate_8h": rate * EIGHT / r.interval_hours,
            "apr": rate * periods_per_year(r.interval_hours),
            "cap": r.cap,
            "capped": "yes" if r.cap is not None and abs(rules.rate(premium, r.interval_hours, False)) >= r.cap
            else "no",
            "payment_price": r.payment_price,
            "as_of": r.as_of,
        })
    return rows


def _funding_by_venue_calc(v: dict[str, Any]) -> dict[str, Any]:
    rows = funding_by_venue(v["premium_index"])
    by8 = [r["rate_8h"] for r in rows]
    hi = max(rows, key=lambda r: r["rate_8h"])
    lo = min(rows, key=lambda r: r["rate_8h"])
    capped = [r["venue"] for r in rows if r["capped"] == "yes"]
    summary = (
        f"For an average premium of {_pct(v['premium_index'])}, the 8-hour equivalent rate runs from "
        f"{_pct(lo['rate_8h'])} ({lo['venue']}) to {_pct(hi['rate_8h'])} ({hi['venue']})."
    )
    if capped:
        summary += f" At the cap: {', '.join(capped)}."
    summary += " Caps are set per symbol; the figures here are one documented value each."
    return {"venues": rows, "spread_8h": max(by8) - min(by8), "summary": summary}


funding_by_venue_calculator = calculator(
    Calculator(
        name="funding_by_venue",
        title="Funding rate by venue",
        summary=(
            "One average premium through seven venues' rules: formula, interest, band, interval and cap, "
            "compared per settlement, per 8 hours and per year."
        ),
        terms=("funding-rate-discrepancy", "funding-rate-management", "funding-rate-calculations"),
        function="perpcalc.funding.funding_by_venue",
        inputs=(
            Field("premium_index", "Average premium index", unit="fraction", percent=True, min=-1, max=1,
                  help="the interval's average premium (0.001 = 0.1 %; you may type 0.1%)"),
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
)


# ------------------------------------------------------------------ interest, impact notional, Drift
# (pure functions; their calculator specs live with the other specs)


def interest_component(quote_rate: Decimal, base_rate: Decimal, settlements_per_day: Decimal = Decimal(3)) -> Decimal:
    """Interest component I per settlement from the two currencies' daily rates.

    I = (quote rate − base rate) / settlements per day

    The perpetual's fair funding, absent any premium, is the cost of carrying the position:
    borrowing the quote currency to buy the base, lending out the base. BitMEX built its
    interest term this way (quote and base interest indices, three fundings a day), Bybit's
    older inverse contracts too. Equal rates give I = 0; a base rate above the quote rate
    gives a negative I (shorts pay longs while the premium is zero). Most venues today
    fix I at 0.01 % per 8 h instead (0.03 % a day), which is this formula with a quote
    rate 0.03 % a day above the base rate.

    Parameters
    ----------
    quote_rate, base_rate : Decimal
        Daily interest rates of the quote and base currencies, as fractions (0.01 = 1 %/day).
    settlements_per_day : Decimal
        Fundings a day (3 for 8-hour intervals); > 0.

    Source: BitMEX perpetual contracts guide and its examples page; Bybit help centre
    "What is funding rate" (older inverse text).

    Examples
    --------
    BitMEX's example: USD 1 %/day, XBT 0.25 %/day, three fundings a day:

    >>> interest_component(Decimal("0.01"), Decimal("0.0025"))
    Decimal('0.0025')
    """
    if settlements_per_day <= 0:
        raise ValueError("settlements_per_day must be > 0")
    return (quote_rate - base_rate) / settlements_per_day


#: Margin a venue commits when it walks the book for the impact prices (quote currency).
IMPACT_MARGIN = {"binance": Decimal(200), "binance_coin_m": Decimal(200), "dydx": Decimal(500)}


def impact_margin_notional(initial_margin_rate: Decimal, impact_margin: Decimal = Decimal(200)) -> Decimal:
    """Impact margin notional: the order size whose average fill gives the impact bid and ask.

    IMN = impact margin / initial margin rate

    Binance uses 200 USDT (200 USD on COIN-M) of margin at the symbol's maximum leverage,
    i.e. the initial margin rate there (1 / max leverage); dYdX v4 uses 500 USDC over the
    market's initial margin fraction. Higher maximum leverage means a deeper sample of the
    book, so thin books cannot set the premium with a tiny order.

    Source: Binance funding FAQ (360033525031; BNBUSDT at 20x: 200 / 5 % = 4,000 USDT),
    read through copies of its text; dYdX v4 funding docs (500 USDC / IMF: 5,000 at 10 %).

    Examples
    --------
    >>> print(f'{impact_margin_notional(Decimal("0.05")):f}')
    4000
    >>> print(f'{impact_margin_notional(Decimal("0.1"), Decimal(500)):f}')
    5000
    """
    if initial_margin_rate <= 0 or initial_margin_rate > 1:
        raise ValueError("initial_margin_rate must lie in (0, 1]")
    if impact_margin <= 0:
        raise ValueError("impact_margin must be > 0")
    return impact_margin / initial_margin_rate


def impact_quantity(impact_notional: Decimal, bid: Decimal, ask: Decimal) -> Decimal:
    """The impact notional as a base-coin quantity at the mid price: IMN / ((bid + ask) / 2).

    Source: Bybit funding article (the impact margin notional converted to a quantity at
    the best bid/ask mid), through a copy of its text.

    Examples
    --------
    >>> print(f'{impact_quantity(Decimal(4000), Decimal("399.9"), Decimal("400.1")):f}')
    10
    """
    if bid <= 0 or ask < bid:
        raise ValueError("need 0 < bid ≤ ask")
    return impact_notional / ((bid + ask) / 2)


#: Drift's hourly funding caps by contract tier (fraction per hour).
DRIFT_FUNDING_CAPS = {"b_or_better": Decimal("0.00125"), "c": Decimal("0.00208"), "speculative": Decimal("0.004167")}


def drift_funding_rate(mark_twap: Decimal, oracle_twap: Decimal, cap: Decimal | None = None) -> Decimal:
    """Drift's hourly funding rate: one 24th of the mark–oracle premium, capped by contract tier.

    F = clamp( (mark TWAP − oracle TWAP) / oracle TWAP / 24, −cap, +cap )

    The premium is a daily figure paid out in 24 hourly slices: a mark steadily 0.24 %
    above the oracle costs longs 0.01 % an hour, 0.24 % a day. There is no interest term
    and no band. The TWAPs are one-hour exponential averages (the mark TWAP is the mean of
    the bid and ask TWAPs). Caps: 0.125 %/h for tier B or better, 0.208 % for tier C,
    0.4167 % below C (:data:`DRIFT_FUNDING_CAPS`).

    Source: drift-labs/drift-protocol-v2-docs, "Funding rates" (commit f1021e4).

    Examples
    --------
    >>> drift_funding_rate(Decimal("100.24"), Decimal(100))
    Decimal('0.0001')
    >>> drift_funding_rate(Decimal(110), Decimal(100), DRIFT_FUNDING_CAPS["b_or_better"])
    Decimal('0.00125')
    """
    if oracle_twap <= 0 or mark_twap <= 0:
        raise ValueError("TWAPs must be > 0")
    rate = (mark_twap - oracle_twap) / oracle_twap / 24
    if cap is not None:
        if cap < 0:
            raise ValueError("cap must be ≥ 0")
        rate = clamp(rate, -cap, cap)
    return rate


def drift_symmetric_funding(rate: Decimal, long_notional: Decimal, short_notional: Decimal,
                            pool_balance: Decimal, pool_share: Decimal = Decimal(2) / Decimal(3)
                            ) -> dict[str, Decimal]:
    """Drift's capped symmetric funding for one hour: who pays, who receives, what the pool covers.

    The paying side pays |F| × its notional. The receiving side is owed |F| × its notional.
    When the payers outnumber the receivers the surplus goes to the market's fee pool; when
    they are fewer, the pool makes up the shortfall from at most ``pool_share`` (2/3) of
    its balance, and if that is not enough every receiver gets the same reduced rate.

    Returns ``paid`` (by the paying side, ≥ 0), ``owed`` (to the receivers), ``received``,
    ``pool_flow`` (+ = into the pool), and ``long_rate`` / ``short_rate``: the rate each side
    actually gets, signed from the holder's view (negative = pays).

    Source: drift-labs/drift-protocol-v2-docs, "Funding rates" (capped symmetric funding).

    Examples
    --------
    Longs pay 0.01 % on 1 M; shorts are owed 0.01 % on 3 M = 300 but only 100 comes from the
    longs; the pool (balance 150) can give 2/3 × 150 = 100, so shorts receive 200 (0.00667 %).

    >>> out = drift_symmetric_funding(Decimal("0.0001"), Decimal(1000000), Decimal(3000000), Decimal(150))
    >>> out["received"], out["pool_flow"]
    (Decimal('200.0000000000000000000000000'), Decimal('-100.0000000000000000000000000'))
    """
    if long_notional < 0 or short_notional < 0 or pool_balance < 0:
        raise ValueError("notionals and pool balance must be ≥ 0")
    if not 0 <= pool_share <= 1:
        raise ValueError("pool_share must lie in [0, 1]")
    payer_notional, receiver_notional = (long_notional, short_notional) if rate >= 0 else (short_notional,
                                                                                          long_notional)
    r = abs(rate)
    paid = r * payer_notional
    owed = r * receiver_notional
    if paid >= owed:
        received, pool_flow = owed, paid - owed
    else:
        draw = min(owed - paid, pool_share * pool_balance)
        received, pool_flow = paid + draw, -draw
    receiver_rate = received / receiver_notional if receiver_notional else ZERO
    pay_rate = r if payer_notional else ZERO
    if rate >= 0:
        long_rate, short_rate = -pay_rate, receiver_rate
    else:
        long_rate, short_rate = receiver_rate, -pay_rate
    return {"paid": paid, "owed": owed, "received": received, "pool_flow": pool_flow,
            "long_rate": long_rate, "short_rate": short_rate}
