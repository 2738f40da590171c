"""Funding rules of seven venues, as data.

One :class:`FundingRules` record per venue, in :data:`FUNDING_VENUES`, keyed by a short
name (``binance``, ``bybit``, ``okx``, ``bitmex``, ``deribit``, ``hyperliquid``, ``dydx``).
The calculators in :mod:`perpcalc.funding` read their venue presets from here; this module
holds only data and a few tiny helpers (it imports no calculator, so any module may import it).

What each field means
---------------------
``interval_hours``
    The usual time between two settlements (Deribit accrues continuously; its rate is quoted
    per 8 h, so 8 is recorded).
``method``
    How the interval's average premium P becomes a rate:
    ``clamp``: F = P + clamp(I − P, −c, c), flat at I while P lies within c of I;
    ``dead_band``: F = P − clamp(P, −d, d), zero while |P| ≤ d (Deribit);
    ``premium``: F = P, no interest term and no band (OKX, dYdX v4 with its default of 0).
``interest_rate``
    The interest component I per 8 h (0.0001 = 0.01 %, i.e. 0.03 % a day).
``clamp`` / ``dead_band``
    The half-width c of the clamp band and d of Deribit's dead band, per 8 h.
``cap``
    The absolute limit on the rate *per settlement*, applied last. Caps are set per symbol
    and change by announcement, so the figure here is one documented or illustrative value
    for a major contract; ``cap_rule`` says how the venue derives it (e.g. from margin rates)
    and ``note`` how sure that figure is. ``None`` means no current figure was found.
``scaling``
    ``n_over_8``: the formula gives an 8-hour rate, and an N-hour settlement pays N/8 of it
    (Binance since 2025-09-18, Hyperliquid, dYdX, Deribit's pro-rata accrual);
    ``per_interval``: the formula is applied per settlement as published, with the interest
    component split across the day's settlements and the premium not scaled (Bybit, OKX:
    no N/8 factor is documented). Both agree at 8-hour intervals.
``averaging``
    How premium samples are averaged over the interval: ``time_weighted`` (sample i of n gets
    weight i, so later samples count more: Binance, Bybit) or ``mean`` (simple average).
``payment_price``
    The price that turns a position size into the notional the rate is charged on
    (``mark`` on the exchanges, ``oracle`` on Hyperliquid and dYdX).
``shortening``
    What happens to the interval after a settlement at the cap: ``jump`` (straight to
    ``shortest_interval_hours``), ``step`` (one level at a time, 8 → 4 → 2 → 1 h) or ``none``.
``source``, ``as_of``, ``confidence``, ``note``
    Where the rule was read, the date of the rule (or of the page) it reflects, how sure the
    reference notes are (H/M/L), and caveats.

Everything here was restated from the project's reference notes, which cite the venues'
own pages (or mirrors of them). Venues change these rules often: check the date, and read
live caps and intervals from the venue's API before relying on a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "FUNDING_VENUES",
    "FUNDING_VENUE_KEYS",
    "FundingRules",
    "binance_cap",
    "bitmex_cap",
    "dydx_cap",
    "funding_preset",
    "schedule_preset",
]

D = Decimal


@dataclass(frozen=True)
class FundingRules:
    """One venue's funding rules (see the module docstring for each field)."""

    key: str
    name: str
    interval_hours: Decimal
    method: str
    interest_rate: Decimal
    clamp: Decimal
    dead_band: Decimal
    cap: Decimal | None
    cap_rule: str
    scaling: str
    averaging: str
    sampling: str
    payment_price: str
    shortening: str
    shortest_interval_hours: int
    source: str
    as_of: str
    confidence: str
    note: str = ""

    @property
    def cap_8h(self) -> Decimal | None:
        """The cap restated per 8 h (for comparing venues with different intervals)."""
        return None if self.cap is None else self.cap * 8 / self.interval_hours


# ----------------------------------------------------------------- cap derivations


def binance_cap(mmr: Decimal, multiplier: Decimal = Decimal("0.75")) -> Decimal:
    """Binance's default cap per settlement: k × MMR of the first margin tier (k = 0.75).

    Source: Binance capped-funding rule (2023 wording, through a venue that copies it);
    an older copy has k = 1. Example: MMR 0.65 % (ADAUSDT at 75x) → 0.4875 %.
    """
    return multiplier * mmr


def bitmex_cap(initial_margin: Decimal, maintenance_margin: Decimal) -> Decimal:
    """BitMEX's cap per 8 h: 75 % × (initial margin − maintenance margin).

    Source: BitMEX perpetual contracts guide. Example: IM 1 %, MM 0.5 % → 0.375 %.
    """
    return D("0.75") * (initial_margin - maintenance_margin)


def dydx_cap(imf: Decimal, mmf: Decimal, interval_hours: Decimal = Decimal(1)) -> Decimal:
    """dYdX v4's cap per settlement: |R₈| ≤ 600 % × (IMF − MMF), pro-rated to the interval.

    Source: dYdX v4 ``liquidity_tier.go`` (clamp factor 6,000,000 ppm). Example: IMF 5 %,
    MMF 3 % → 12 % per 8 h, 1.5 % per hourly settlement.
    """
    return 6 * (imf - mmf) * interval_hours / 8


# ----------------------------------------------------------------- the venues

FUNDING_VENUES: dict[str, FundingRules] = {
    "binance": FundingRules(
        key="binance",
        name="Binance USDⓈ-M",
        interval_hours=D(8),
        method="clamp",
        interest_rate=D("0.0001"),
        clamp=D("0.0005"),
        dead_band=D(0),
        cap=D("0.003"),
        cap_rule="k × first-tier MMR, k = 0.75 by default and set per symbol (older text: k = 1); "
        "some symbols get a fixed cap by announcement (e.g. ±3 %)",
        scaling="n_over_8",
        averaging="time_weighted",
        sampling="premium every 5 s (5,760 per 8 h), linear weights 1…n",
        payment_price="mark",
        shortening="jump",
        shortest_interval_hours=1,
        source="https://www.binance.com/en/support/faq/detail/360033525031",
        as_of="2025-09-18",
        confidence="H formula; M cap; L interval shortening",
        note="Cap 0.30 % is the figure reported for BTCUSDT (a secondary note), consistent with "
        "0.75 × a 0.40 % first-tier MMR; live caps come from GET /fapi/v1/fundingInfo. Since "
        "2025-09-18 the rate is divided by 8/N for N-hour symbols; many symbols settle every 4 h. "
        "I is 0 for a few pairs (BNBUSDT). A switch to 1-hour settlement after a cap hit "
        "(from 2025-05-02) is reported only by a secondary note; no Binance text was found.",
    ),
    "bybit": FundingRules(
        key="bybit",
        name="Bybit USDT perpetual",
        interval_hours=D(8),
        method="clamp",
        interest_rate=D("0.0001"),
        clamp=D("0.0005"),
        dead_band=D(0),
        cap=D("0.02"),
        cap_rule="upper and lower limits published per symbol and changed by announcement; "
        "the rule that sets the defaults is not published",
        scaling="per_interval",
        averaging="time_weighted",
        sampling="premium every minute (480 per 8 h), linear weights 1…n",
        payment_price="mark",
        shortening="jump",
        shortest_interval_hours=1,
        source="https://bybit.com/fil-PH/help-center/s/article/What-is-funding-rate-and-predicted-rate",
        as_of="2025-10-30",
        confidence="H formula and interval rule; L cap figure",
        note="The ±2 % cap is the figure of Bybit's own example for dynamic settlement (a 4-hour "
        "contract), used here as an illustration; real limits vary by symbol (e.g. ±0.8 %). "
        "Interest is 0.03 % a day split across the day's settlements; no N/8 factor on the "
        "premium is documented. Since 2025-10-30 a settlement at the cap or floor moves the "
        "symbol to 1-hour settlement (BTC and ETH excluded at launch); when it returns to "
        "2, 4 or 8 h is not published.",
    ),
    "okx": FundingRules(
        key="okx",
        name="OKX perpetual swap",
        interval_hours=D(8),
        method="premium",
        interest_rate=D(0),
        clamp=D(0),
        dead_band=D(0),
        cap=D("0.00375"),
        cap_rule="a per-symbol cap table (±0.375 % BTC, ±0.75 % large caps, ±1.5 % others in a "
        "2022–23 snapshot), changed by announcement",
        scaling="per_interval",
        averaging="mean",
        sampling="mid-price premium every minute, simple average over a rolling N-hour window",
        payment_price="mark",
        shortening="step",
        shortest_interval_hours=1,
        source="https://www.okx.com/help/okx-to-optimize-funding-rate-calculation",
        as_of="2026-04-14",
        confidence="H formula and interval rule; M cap table (undated snapshot)",
        note="No interest term and no ±0.05 % band; the premium uses the mid price, not impact "
        "prices. Some symbols settle the rate fixed one period earlier (cross-cycle). From "
        "2026-04-14 a settlement at the cap shortens the interval one level (8 → 4 → 2 → 1 h); "
        "before, it went straight to 1 h. It returns to the default once the premium is normal.",
    ),
    "bitmex": FundingRules(
        key="bitmex",
        name="BitMEX perpetual",
        interval_hours=D(8),
        method="clamp",
        interest_rate=D("0.0001"),
        clamp=D("0.0005"),
        dead_band=D(0),
        cap=D("0.00375"),
        cap_rule="75 % × (initial margin − maintenance margin); also the rate may not move by "
        "more than 75 % × maintenance margin from one interval to the next",
        scaling="n_over_8",
        averaging="mean",
        sampling="premium index every minute, simple mean over the previous 8 h (.PI8H)",
        payment_price="mark",
        shortening="none",
        shortest_interval_hours=8,
        source="https://www.bitmex.com/app/perpetualContractsGuide",
        as_of="2025-01-14",
        confidence="H formula; M-H cap",
        note="Cap 0.375 % = 75 % × (1 % − 0.5 %), BitMEX's example. I = 0.01 % is the fixed value "
        "for USDT contracts; XBTUSD historically used (quote rate − base rate)/3. The rate paid "
        "at T uses the premium of the window that ended at the previous settlement (one "
        "period of lag). Settles at 04:00, 12:00 and 20:00 UTC.",
    ),
    "deribit": FundingRules(
        key="deribit",
        name="Deribit perpetual",
        interval_hours=D(8),
        method="dead_band",
        interest_rate=D(0),
        clamp=D(0),
        dead_band=D("0.00025"),
        cap=None,
        cap_rule="CapMin/CapMax set per instrument; current values not found",
        scaling="n_over_8",
        averaging="mean",
        sampling="premium rate (mark − index)/index, accrued continuously",
        payment_price="mark",
        shortening="none",
        shortest_interval_hours=8,
        source="https://support.deribit.com/hc/en-us/articles/31424939178397-Funding-Specifications",
        as_of="undated support page",
        confidence="H formula; no cap figure",
        note="The rate is quoted per 8 h but accrues continuously: payment = F × size × Δt/8 h, "
        "booked to the cash balance at the 08:00 UTC daily settlement. Caps of ±0.5 %/±1 % from "
        "2020 are dated. The stored pages do not say which price converts size to coin; mark "
        "is assumed.",
    ),
    "hyperliquid": FundingRules(
        key="hyperliquid",
        name="Hyperliquid",
        interval_hours=D(1),
        method="clamp",
        interest_rate=D("0.0001"),
        clamp=D("0.0005"),
        dead_band=D(0),
        cap=D("0.04"),
        cap_rule="4 % per hour, the same for every asset",
        scaling="n_over_8",
        averaging="mean",
        sampling="impact premium every 5 s against the oracle, averaged over the hour",
        payment_price="oracle",
        shortening="none",
        shortest_interval_hours=1,
        source="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/funding",
        as_of="undated docs (read through mirrors)",
        confidence="H structure (four consistent mirrors)",
        note="The 8-hour rate is paid hourly at one eighth; the payment uses the oracle price, "
        "not the mark. The official page body was not readable; the formula comes from mirrors.",
    ),
    "dydx": FundingRules(
        key="dydx",
        name="dYdX v4",
        interval_hours=D(1),
        method="premium",
        interest_rate=D(0),
        clamp=D(0),
        dead_band=D(0),
        cap=D("0.015"),
        cap_rule="|8-hour rate| ≤ 600 % × (IMF − MMF) of the market's liquidity tier",
        scaling="n_over_8",
        averaging="mean",
        sampling="median of proposers' premium votes each minute; 60 samples averaged per hour "
        "after trimming the tails",
        payment_price="oracle",
        shortening="none",
        shortest_interval_hours=1,
        source="https://github.com/dydxprotocol/v4-chain/blob/main/protocol/x/perpetuals/types/liquidity_tier.go",
        as_of="undated (v4 defaults)",
        confidence="H formula and clamp; M hourly pro-rating; L cap figure",
        note="Cap 1.5 % per hour = 6 × (5 % − 3 %) / 8 for an illustrative market with IMF 5 % and "
        "MMF 3 % (not checked against the chain's tier table). The default funding term is 0 "
        "(governance may set one). dYdX v3 instead quoted 0.01 % interest and bounded funding "
        "at ±0.75 % per 8 h.",
    ),
}

FUNDING_VENUE_KEYS: tuple[str, ...] = tuple(FUNDING_VENUES)


def funding_preset(key: str) -> dict[str, Any]:
    """Field defaults for the ``funding_rate`` calculator when ``venue`` = ``key``."""
    r = FUNDING_VENUES[key]
    return {
        "method": r.method,
        "interest_rate": r.interest_rate,
        "clamp": r.clamp,
        "dead_band": r.dead_band,
        "interval_hours": r.interval_hours,
        "cap": r.cap,
        "scaling": r.scaling,
    }


def schedule_preset(key: str) -> dict[str, Any]:
    """Field defaults for the interval-shortening schedule when ``venue`` = ``key``."""
    r = FUNDING_VENUES[key]
    return {
        **funding_preset(key),
        "interval_hours": int(r.interval_hours),
        "weighting": r.averaging,
        "shortening": r.shortening,
        "shortest_interval_hours": r.shortest_interval_hours,
    }


# ----------------------------------------------------------------- OKX position tiers


@dataclass(frozen=True)
class TierSchedule:
    """An OKX position-tier schedule: listed tiers, then a fixed step per further tier.

    ``tiers`` lists (max contracts, maintenance rate, initial rate), ascending. Beyond the
    last listed tier each tier adds ``step`` contracts and ``mmr_step`` / ``imr_step`` to
    the rates (OKX: "increase by … conts, 0.5 % and 0.5 % from the previous tier"), so
    tier n's limit is the last listed limit + (n − k) × step. ``face_value`` is the coins
    per contract of the instrument the schedule belongs to.
    """

    symbol: str
    tiers: tuple[tuple[Decimal, Decimal, Decimal], ...]
    step: Decimal
    mmr_step: Decimal
    imr_step: Decimal
    face_value: Decimal
    source: str
    as_of: str
    confidence: str
    note: str = ""


OKX_TIER_SCHEDULES: dict[str, TierSchedule] = {
    "okx_ethusdt_2021": TierSchedule(
        symbol="ETHUSDT perpetual swap",
        tiers=((D(3000), D("0.004"), D("0.008")), (D(6000), D("0.005"), D("0.01")),
               (D(12000), D("0.01"), D("0.015"))),
        step=D(12000),
        mmr_step=D("0.005"),
        imr_step=D("0.005"),
        face_value=D("0.1"),
        source="https://support.okexcn.com/hc/en-us/articles/4402607424781-OKEx-position-tiers-to-be-adjusted",
        as_of="2021-06-11",
        confidence="H tiers; M face value",
        note="tiers 1–3 listed, then +12,000 contracts and +0.5 %/+0.5 % a tier; the 0.1 ETH face value is the "
        "contract's usual specification, not stated in the notice",
    ),
    "okx_btcusdt_2020": TierSchedule(
        symbol="BTCUSDT perpetual swap",
        tiers=((D(50000), D("0.005"), D("0.01")),),
        step=D(500000),
        mmr_step=D("0.005"),
        imr_step=D("0.005"),
        face_value=D("0.01"),
        source="https://okx.com/it/help/adjustment-of-usdt-margined-futures-perpetual-swap-tiered-maintenance-"
        "margin-ratio-schedule",
        as_of="2020-01-17",
        confidence="H limits (tier 3 = 50,000 + 2 × 500,000); L rate steps; M face value",
        note="the notice gives tier-1 limit, step and base rates; the +0.5 % a tier rate step is taken from OKX's "
        "later notices (assumed for 2020); 0.01 BTC face value assumed",
    ),
}
