"""Venue rules as data: one dated record per venue.

``VENUES`` maps a short key (``binance``, ``bybit``, ``okx``, ``bitmex``, ``deribit``,
``hyperliquid``, ``dydx``, ``drift``, ``gmx_v2``, ``jupiter``) to a [`Venue`][perpcalc.venues.Venue]
with up to four parts, each with its own source, date and confidence:

* ``funding``: [`FundingRules`][perpcalc.venues.FundingRules], how the premium becomes a funding rate;
* ``borrow``: [`BorrowRule`][perpcalc.venues.BorrowRule], a pool venue's borrow fee (charged instead of, or
  besides, funding);
* ``margin``: [`MarginRule`][perpcalc.venues.MarginRule], when a position is liquidated and by which formula;
* ``loss``: [`LossRule`][perpcalc.venues.LossRule], who pays when a liquidation leaves a loss (insurance fund,
  ADL, socialisation, a liquidity pool).

A part is ``None`` where the venue has no such rule or none is recorded. Everything that
differs by venue in the calculators (presets, choices, the liquidation formula dispatched
in ``perpcalc.margin``, the ADL ranking method) is derived from these records; this
module imports nothing else of the package, so every layer may import it.

Everything here was restated from the project's reference notes, which cite the venues'
own pages (or mirrors of them). Venues change these rules often: check the date, and read
live caps, tiers and intervals from the venue's API before relying on a figure.

Funding rule fields
-------------------
Fields of [`FundingRules`][perpcalc.venues.FundingRules]:
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
Margin rule fields
------------------
Fields of [`MarginRule`][perpcalc.venues.MarginRule]:
``formula``
    Which liquidation-price function of ``perpcalc.margin`` the venue uses
    (a key of ``perpcalc.margin.FORMULAS``): ``at_mark`` (the margin condition with the
    maintenance margin valued at the liquidation price), ``binance``, ``bybit``, ``bitmex``
    or ``hyperliquid`` (the venue's own published arrangement).
``valued_at``
    ``mark``: the maintenance margin is valued at the mark (liquidation) price, so the
    tier can change with the price; ``entry``: it is valued on the position's entry value.
``maintenance_amount``, ``fee_to_close``, ``tiers``, ``inverse``
    Whether the venue's formula uses a tier's maintenance amount (Binance's cum, Bybit's
    MM deduction), counts a fee to close in the maintenance margin, has tiered rates, and
    has a recorded rule for inverse (coin-margined) contracts.
``inverse_gap``
    Set when the venue lists inverse contracts that the record has no rule for: what is
    missing, said to the reader when an inverse position is asked for. Empty when the
    venue lists linear contracts only.
``tier_table``
    Key of a recorded tier table in ``TIER_TABLES``, or ``None``.
``default_mmr``, ``default_contract``
    The maintenance rate (and contract type) a calculator fills when the venue is chosen:
    one documented figure for a major contract. ``None``: no single figure recorded.
``mmr_rule``
    How the venue sets the maintenance rate.
``formula_text``
    The formula as shown to the reader, by case: ``linear``, ``inverse``,
    ``inverse_cross`` (a missing case falls back to ``linear``).

Loss rule fields
----------------
Fields of [`LossRule`][perpcalc.venues.LossRule]:
``insurance_fund``
    How the fund is fed, scoped and used (or what stands in for it).
``adl``
    The ranking method of ``perpcalc.insolvency.rank_positions`` that reproduces the
    venue's ADL queue, or ``None`` when its formula is not published or not modelled.
``adl_text``
    How the queue is ranked and at what price positions are closed.
``socialisation``
    Whether and how losses beyond the fund are shared among winners (``none``, or how).
``pool``
    For pool venues: the liquidity pool or vault whose depositors absorb traders' profits
    and losses (``None`` on order-book venues with a fund).

Borrow rule fields
------------------
Fields of [`BorrowRule`][perpcalc.venues.BorrowRule]:
``model``
    How the rate is set: ``utilisation`` (a function of the pool's borrowed share),
    ``fixed`` or another short name.
``rate_rule``
    The formula as text. ``paid_to``: who receives it (``pool``, ``lenders``).

Every part carries ``source``, ``as_of``, ``confidence`` (H/M/L per claim) and ``note``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "FUNDING_VENUES",
    "FUNDING_VENUE_KEYS",
    "GENERIC_MARGIN",
    "LOSS_VENUES",
    "MARGIN_VENUES",
    "SETTLEMENT_ASSETS",
    "TIER_TABLES",
    "VENUES",
    "BorrowRule",
    "FundingRules",
    "LossRule",
    "MarginRule",
    "Venue",
    "binance_cap",
    "bitmex_cap",
    "dydx_cap",
    "funding_preset",
    "margin_preset",
    "quote_label",
    "schedule_preset",
    "settlement_label",
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


@dataclass(frozen=True)
class MarginRule:
    """One venue's margin and liquidation rule (see the module docstring for each field)."""

    formula: str
    valued_at: str
    maintenance_amount: bool
    fee_to_close: bool
    tiers: bool
    tier_table: str | None
    inverse: bool
    default_mmr: Decimal | None
    mmr_rule: str
    formula_text: dict[str, str]
    source: str
    as_of: str
    confidence: str
    default_contract: str = "linear"
    note: str = ""
    inverse_gap: str = ""

    def refuse_inverse(self, venue: str) -> str:
        """Why an inverse position cannot be computed with this record (``inverse`` is False)."""
        if self.inverse_gap:
            return f"{venue}: {self.inverse_gap}; use the generic rule for an inverse position"
        return f"{venue} lists only linear (USDC-margined) perpetuals"

    def text(self, contract: str = "linear", margin_mode: str = "isolated") -> str:
        """The formula text for a contract type and margin mode (falls back to linear)."""
        if contract == "inverse" and margin_mode == "cross" and "inverse_cross" in self.formula_text:
            return self.formula_text["inverse_cross"]
        return self.formula_text.get(contract, self.formula_text["linear"])


@dataclass(frozen=True)
class LossRule:
    """What happens to a loss a liquidation leaves (see the module docstring for each field)."""

    insurance_fund: str
    adl: str | None
    adl_text: str
    socialisation: str
    pool: str | None
    source: str
    as_of: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class BorrowRule:
    """A pool venue's borrow fee on open positions (see the module docstring for each field)."""

    model: str
    rate_rule: str
    paid_to: str
    source: str
    as_of: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class Venue:
    """One venue: its key, display name and dated rule records (``None`` = none recorded)."""

    key: str
    name: str
    funding: FundingRules | None = None
    margin: MarginRule | None = None
    loss: LossRule | None = None
    borrow: BorrowRule | None = None


# ----------------------------------------------------------------- cap derivations


def binance_cap(mmr: Decimal, multiplier: Decimal = Decimal("0.75")) -> Decimal:
    """Binance's default cap per settlement: k × MMR of the first margin tier (k = 0.75).

    Source: Binance capped-funding rule (2023 wording, through a venue that copies it);
    an older copy has k = 1. Example: MMR 0.65 % (ADAUSDT at 75x) → 0.4875 %.

    >>> binance_cap(D("0.0065"))
    Decimal('0.004875')
    """
    return multiplier * mmr


def bitmex_cap(initial_margin: Decimal, maintenance_margin: Decimal) -> Decimal:
    """BitMEX's cap per 8 h: 75 % × (initial margin − maintenance margin).

    Source: BitMEX perpetual contracts guide. Example: IM 1 %, MM 0.5 % → 0.375 %.

    >>> bitmex_cap(D("0.01"), D("0.005"))
    Decimal('0.00375')
    """
    return D("0.75") * (initial_margin - maintenance_margin)


def dydx_cap(imf: Decimal, mmf: Decimal, interval_hours: Decimal = Decimal(1)) -> Decimal:
    """dYdX v4's cap per settlement: |R₈| ≤ 600 % × (IMF − MMF), pro-rated to the interval.

    Source: dYdX v4 ``liquidity_tier.go`` (clamp factor 6,000,000 ppm). Example: IMF 5 %,
    MMF 3 % → 12 % per 8 h, 1.5 % per hourly settlement.

    >>> dydx_cap(D("0.05"), D("0.03"))
    Decimal('0.015')
    """
    return 6 * (imf - mmf) * interval_hours / 8



# ----------------------------------------------------------------- tier tables

TIER_TABLES: dict[str, dict[str, Any]] = {
    "binance_btcusdt_2021": {
        "source": "Binance USDⓈ-M BTCUSDT brackets about 2020–21, as transcribed in GitHub "
        "Jay-Pak/BinanceBot (Code/temp.py); every row satisfies the cum recurrence. "
        "Live: GET /fapi/v1/leverageBracket.",
        "as_of": "2021",
        "venue": "Binance",
        "symbol": "BTCUSDT",
        "currency": "USDT",
        "tiers": [
            ("0", "0.004"),
            ("50000", "0.005"),
            ("250000", "0.01"),
            ("1000000", "0.025"),
            ("10000000", "0.05"),
            ("20000000", "0.1"),
            ("50000000", "0.125"),
            ("100000000", "0.15"),
            ("200000000", "0.25"),
            ("300000000", "0.5"),
        ],
    },
}

#: The textbook margin condition, offered as ``generic`` beside the venues: maintenance
#: valued at the mark, a maintenance amount and a fee to close both counted.
GENERIC_MARGIN = MarginRule(
    formula="at_mark",
    valued_at="mark",
    maintenance_amount=True,
    fee_to_close=True,
    tiers=True,
    tier_table=None,
    inverse=True,
    default_mmr=None,
    mmr_rule="any rate you give",
    formula_text={
        "linear": "Textbook margin condition: equity = maintenance margin valued at the liquidation price, "
        "C + s·Q·(LP − EP) = (MMR + fee)·Q·LP − cum (linear); inverse: in 1/LP with value K/LP.",
    },
    source="derivation (the margin condition every venue's formula solves)",
    as_of="",
    confidence="H",
)


# ----------------------------------------------------------------- the venues

VENUES: dict[str, Venue] = {
    "binance": Venue(
        key="binance",
        name="Binance",
        funding=FundingRules(
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
            confidence="H formula; M cap; L interval shortening (announcement read through a mirror)",
            note="Cap 0.30 % is the figure reported for BTCUSDT (a secondary note), consistent with "
            "0.75 × a 0.40 % first-tier MMR; live caps come from GET /fapi/v1/fundingInfo. Since "
            "2025-09-18 the rate is divided by 8/N for N-hour symbols; many symbols settle every 4 h. "
            "I is 0 for a few pairs (BNBUSDT). After a settlement at the cap or floor, 8 h and 4 h "
            "symbols settle every hour: Binance announcement effective 2025-05-02 08:00 UTC, read "
            "through a mirror of binance.com (the funding-rate management page cites it).",
        ),
        margin=MarginRule(
            formula="binance",
            valued_at="mark",
            maintenance_amount=True,
            fee_to_close=False,
            tiers=True,
            tier_table="binance_btcusdt_2021",
            inverse=True,
            default_mmr=D("0.004"),
            mmr_rule="per-symbol leverage brackets; MMR and cum of the bracket holding the notional",
            formula_text={
                "linear": "Binance USDⓈ-M (one-way): LP = (WB − TMM1 + UPNL1 + cum − s·Q·EP) / (Q·MMR − s·Q); "
                "maintenance at the mark; other positions' MM and PnL held fixed.",
                "inverse": "Binance COIN-M, reconstructed from the margin condition (Binance prints it as an "
                "image): 1/LP = (WB + cum + s·K/EP) / (K·(s + MMR)); derived, not verified.",
            },
            source="https://www.binance.com/en/support/faq/detail/b3c689c1f50a44cabb3a84e663b81d93",
            as_of="2020-08-14",
            confidence="H linear formula (reproduces Binance's example); M inverse form (derived)",
            note="MMR 0.4 % and cum 0 are BTCUSDT's first bracket in a 2020–21 snapshot; live brackets come "
            "from GET /fapi/v1/leverageBracket. The liquidation (clearance) fee is not part of the formula.",
        ),
        loss=LossRule(
            insurance_fund="several funds, each covering a category of contracts; fed by clearance fees of "
            "liquidations that close above bankruptcy; takes over bankrupt positions",
            adl="binance",
            adl_text="Counterparty liquidation: PnL % × margin ratio, highest first; closed at the bankruptcy "
            "price of the liquidated order, no fee",
            socialisation="none",
            pool=None,
            source="https://www.binance.com/en/support/articles/360033525371-Insurance-Fund",
            as_of="2025-05-06",
            confidence="H fund; M ranking (2019–23 text; later changes not found)",
        ),
    ),
    "bybit": Venue(
        key="bybit",
        name="Bybit",
        funding=FundingRules(
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
        margin=MarginRule(
            formula="bybit",
            valued_at="entry",
            maintenance_amount=True,
            fee_to_close=True,
            tiers=True,
            tier_table=None,
            inverse=True,
            default_mmr=D("0.005"),
            mmr_rule="risk-limit tiers per symbol; each tier has an MMR and an MM deduction",
            formula_text={
                "linear": "Bybit linear: LP = EP − s·(IM + extra − MM)/Q with MM = Q·EP·MMR − MM deduction "
                "(+ fee to close on the unified account): maintenance on the entry value.",
                "inverse": "Bybit inverse isolated (2024-09 text): LP = K / (PV + s·(IM + extra − MM)), PV = K/EP, "
                "MM = PV·MMR − deduction.",
                "inverse_cross": "Bybit inverse cross: BP = K·(s + t)/(balance + s·PV); "
                "s·K·(1/EP − 1/LP) = −(balance − PV·MMR − t·K/BP).",
            },
            source="https://help.bybit.com/hc/en-us/articles/900000181046-Liquidation-Price-USDT-Contract-",
            as_of="2024-09-10",
            confidence="H linear and inverse isolated; M inverse cross (about 2020)",
            note="MMR 0.5 % is BTCUSDT's first risk limit in the help-centre examples (2024–26).",
        ),
        loss=LossRule(
            insurance_fund="Bybit capital plus liquidation surplus; shared pools for some symbols, isolated "
            "pools for others",
            adl=None,
            adl_text="profit and effective leverage, highest first; closed at the bankruptcy price of the "
            "liquidated order (the exact current formula was not found)",
            socialisation="none",
            pool=None,
            source="https://help.bybit.com/hc/en-us/articles/900000031623-What-is-Auto-Deleveraging-ADL-",
            as_of="2025-09-18",
            confidence="H fund and close price; L ranking formula",
        ),
    ),
    "okx": Venue(
        key="okx",
        name="OKX",
        funding=FundingRules(
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
        margin=MarginRule(
            formula="at_mark",
            valued_at="mark",
            maintenance_amount=True,
            fee_to_close=True,
            tiers=True,
            tier_table=None,
            inverse=True,
            default_mmr=D("0.005"),
            mmr_rule="position tiers per instrument",
            formula_text={
                "linear": "OKX: margin ratio = (margin + UPL) / (value × (MMR + liquidation fee rate)) reaches "
                "100 %: LP = (s·Q·EP − C)/(Q·(s − MMR − fee)); derived from OKX's margin ratio, no published "
                "closed form.",
            },
            source="https://www.okx.com/help/adjustment-of-usdt-margined-futures-perpetual-swap-tiered-maintenance"
            "-margin-ratio-schedule",
            as_of="2020-01-17",
            confidence="M (derived from the margin ratio; MMR from a 2020 tier schedule)",
            note="MMR 0.5 % is BTC-USDT's first tier in the 2020-01-17 schedule.",
        ),
        loss=LossRule(
            insurance_fund="OKX capital plus liquidation surplus, split by business line and margin currency",
            adl=None,
            adl_text="position PnL % × effective leverage, highest first; closed at the mark price, or the "
            "bankruptcy price when the fund is nearly empty; triggered when the fund falls below a threshold",
            socialisation="clawback before 2019 (2018-08 BTC quarterly: about 17–18 % of profits)",
            pool=None,
            source="https://www.okx.com/help/iv-introduction-to-auto-deleveraging-adl",
            as_of="2025-08",
            confidence="H 2025 ranking and close price; M clawback rate (press only)",
        ),
    ),
    "bitmex": Venue(
        key="bitmex",
        name="BitMEX",
        funding=FundingRules(
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
        margin=MarginRule(
            formula="bitmex",
            valued_at="entry",
            maintenance_amount=False,
            fee_to_close=True,
            tiers=True,
            tier_table=None,
            inverse=True,
            default_mmr=D("0.005"),
            default_contract="inverse",
            mmr_rule="base maintenance margin per contract, raised by risk-limit steps",
            formula_text={
                "linear": "BitMEX bankruptcy-price form (support formula, no official closed form): "
                "1/BP = 1/EP + s·C/K (inverse) or BP = EP − s·C/Q (linear); LP = BP + s·EP·(MM% + taker fee); "
                "funding left out.",
            },
            source="https://www.bitmex.com/app/liquidation",
            as_of="2024-03-19",
            confidence="M (support staff's form; BitMEX publishes examples, not a closed form)",
            note="Base MM 0.5 % for XBTUSD (inverse) from 2024-03-19.",
        ),
        loss=LossRule(
            insurance_fund="one fund fed by liquidations that fill better than bankruptcy; pays to aggress "
            "the book when a liquidation cannot fill at bankruptcy",
            adl="bitmex",
            adl_text="PnL % × effective leverage (÷ when losing), per side, highest first; closed at the "
            "bankruptcy price of the liquidated order; five lights of 20 % each",
            socialisation="DPE (profit haircuts) until 2016-10-03, then ADL",
            pool=None,
            source="https://www.bitmex.com/app/autoDeleveraging",
            as_of="2016-10-03",
            confidence="H",
        ),
    ),
    "deribit": Venue(
        key="deribit",
        name="Deribit",
        funding=FundingRules(
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
        margin=MarginRule(
            formula="at_mark",
            valued_at="mark",
            maintenance_amount=False,
            fee_to_close=False,
            tiers=False,
            tier_table=None,
            inverse=False,
            default_mmr=None,
            mmr_rule="linear perpetuals: rate = base rate + a fixed rate per coin of position (BTC_USDC maintenance "
            "1 % + 0.005 % per BTC, initial 2 % + 0.005 %); no tiers",
            formula_text={
                "linear": "Deribit linear: liquidation where equity meets maintenance margin = (base + per-coin "
                "rate × size) × size × price; for one position LP = (s·Q·EP − C)/(Q·(s − MMR)) with the "
                "size-dependent MMR.",
            },
            source="https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual",
            as_of="2025",
            confidence="H rates (Deribit's examples); M liquidation condition for one position (Deribit "
            "margins the whole account)",
            note="The rate for a given size comes from the deribit_margin calculator. Below maintenance Deribit "
            "liquidates step by step and charges a liquidation fee paid to its insurance fund (current fee "
            "table not found).",

            inverse_gap="its inverse perpetuals (BTC-PERPETUAL, ETH-PERPETUAL, margined in the coin) are listed, "
            "but the stored pages give margin rates for the linear ones only",
        ),
        loss=LossRule(
            insurance_fund="fed hourly by the extra fee on liquidation orders; covers negative equity",
            adl=None,
            adl_text="no ADL documented",
            socialisation="losses beyond the fund are shared by the day's winning traders (never happened, "
            "per Deribit)",
            pool=None,
            source="https://support.deribit.com/hc/en-us/articles/25944777576477-Insurance-Fund",
            as_of="undated support page",
            confidence="H",
        ),
    ),
    "hyperliquid": Venue(
        key="hyperliquid",
        name="Hyperliquid",
        funding=FundingRules(
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
        margin=MarginRule(
            formula="hyperliquid",
            valued_at="mark",
            maintenance_amount=False,
            fee_to_close=False,
            tiers=False,
            tier_table=None,
            inverse=False,
            default_mmr=D("0.0125"),
            mmr_rule="maintenance fraction = 1/(2 × the asset's maximum leverage), the same at every size",
            formula_text={
                "linear": "Hyperliquid: LP = EP − s·(C − l·Q·EP) / Q / (1 − l·s), l = maintenance fraction = "
                "1/(2 × max leverage); maintenance at the mark.",
            },
            source="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations",
            as_of="undated docs (read 2025–26)",
            confidence="H",
            note="1.25 % is half the initial margin of a 40x-max asset (later docs); 50x assets give 1 %.",
        ),
        loss=LossRule(
            insurance_fund="no separate fund: the liquidator vault inside HLP takes positions by backstop "
            "liquidation below 2/3 of maintenance margin",
            adl="hyperliquid",
            adl_text="(mark / entry) × (notional / account value), highest first; closed at the previous mark "
            "price",
            socialisation="none",
            pool="HLP vault depositors share the liquidator's profit and loss",
            source="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging",
            as_of="undated docs (read 2025–26)",
            confidence="H ranking (newer page version); M vault caps after JELLY (2025-03)",
        ),
    ),
    "dydx": Venue(
        key="dydx",
        name="dYdX v4",
        funding=FundingRules(
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
        margin=MarginRule(
            formula="at_mark",
            valued_at="mark",
            maintenance_amount=False,
            fee_to_close=False,
            tiers=False,
            tier_table=None,
            inverse=False,
            default_mmr=None,
            mmr_rule="maintenance margin fraction (MMF) of the market's liquidity tier",
            formula_text={
                "linear": "dYdX v4: liquidatable when net collateral < maintenance margin fraction × |size| × "
                "oracle price: LP = (s·Q·EP − C)/(Q·(s − MMF)); no maintenance amount.",
            },
            source="https://github.com/dydxprotocol/v4-chain/blob/main/protocol/x/perpetuals/types/liquidity_tier.go",
            as_of="undated (v4 defaults)",
            confidence="H condition; no default MMF recorded (it is set per liquidity tier)",
        ),
        loss=LossRule(
            insurance_fund="absorbs the gap between a liquidation fill within the max liquidation spread and "
            "the bankruptcy price",
            adl=None,
            adl_text="deleveraging against offsetting positions at the bankrupt account's bankruptcy price; "
            "dYdX's pages disagree on selection (profit × leverage, or random)",
            socialisation="none (deleveraging instead)",
            pool=None,
            source="https://help.dydx.trade/en/articles/166973-contract-loss-mechanisms-on-dydx-chain",
            as_of="undated (v4)",
            confidence="H mechanism; L selection rule (sources disagree)",
        ),
    ),
    "drift": Venue(
        key="drift",
        name="Drift",
        funding=FundingRules(
            key="drift",
            name="Drift perpetual (Solana)",
            interval_hours=D(1),
            method="premium",
            interest_rate=D(0),
            clamp=D(0),
            dead_band=D(0),
            cap=D("0.00125"),
            cap_rule="per hour by contract tier: 0.125 % (tier B or better), 0.208 % (C), 0.4167 % (below C)",
            scaling="n_over_24",
            averaging="mean",
            sampling="mark TWAP (mean of bid and ask TWAPs) against oracle TWAP, one-hour exponential averages",
            payment_price="oracle",
            shortening="none",
            shortest_interval_hours=1,
            source="https://github.com/drift-labs/drift-protocol-v2-docs/blob/f1021e414d5fd62755cf859dc4ad97c7469ef022/content/protocol/trading/perpetuals-trading/funding-rates.mdx",
            as_of="undated docs (commit f1021e4)",
            confidence="H formula and caps",
            note="The hourly rate is one 24th of the TWAP premium (a premium held for a day is paid once a "
            "day). When longs and shorts are unbalanced the market's fee pool pays or receives the "
            "difference, up to 2/3 of its balance an hour; receivers are capped if it cannot. The update "
            "waits if nobody touches the market early in the hour. Cap 0.125 % is tier B's.",
        ),
        margin=MarginRule(
            formula="at_mark",
            valued_at="mark",
            maintenance_amount=False,
            fee_to_close=False,
            tiers=False,
            tier_table=None,
            inverse=False,
            default_mmr=None,
            mmr_rule="maintenance margin ratio per market; the whole subaccount is cross-margined",
            formula_text={
                "linear": "Drift: liquidatable when total collateral (weighted deposits and perp PnL) falls below "
                "the maintenance margin requirement (weighted positions at the oracle): for one position, "
                "LP = (s·Q·EP − C)/(Q·(s − MMR)).",
            },
            source="https://github.com/drift-labs/drift-protocol-v2-docs/blob/f1021e414d5fd62755cf859dc4ad97c7469ef022/content/protocol/liquidations/liquidations.mdx",
            as_of="2023-08-23 (docs page update)",
            confidence="M (condition from the docs; per-market ratios and size premiums not recorded)",
            note="Liquidators take over positions at a discount; ratios rise with position size on some markets "
            "(not modelled).",
        ),
        loss=LossRule(
            insurance_fund="per-asset funds staked by users for a share of revenue; pays perp bankruptcies up to "
            "each market's maximum insurance limit; volatile markets may have an isolated fund",
            adl=None,
            adl_text="no ADL queue",
            socialisation="losses beyond the fund are spread over the market's open positions pro rata by base "
            "amount (through the cumulative funding rate)",
            pool=None,
            source="https://github.com/drift-labs/drift-protocol-v2-docs/blob/f1021e414d5fd62755cf859dc4ad97c7469ef022/content/protocol/insurance-fund/index.mdx",
            as_of="undated docs (commit f1021e4)",
            confidence="H",
        ),
    ),
    "gmx_v2": Venue(
        key="gmx_v2",
        name="GMX v2",
        margin=MarginRule(
            formula="at_entry",
            valued_at="entry",
            maintenance_amount=False,
            fee_to_close=True,
            tiers=False,
            tier_table=None,
            inverse=False,
            default_mmr=None,
            mmr_rule="minimum collateral factor per market (can rise with open interest), on the size in USD "
            "recorded at entry; also a minimum collateral in USD",
            formula_text={
                "linear": "GMX v2: liquidatable when collateral + PnL − fees < min collateral factor × size in USD "
                "(at entry): LP = EP − s·(C − t·Q·EP − m·Q·EP)/Q.",
            },
            source="https://github.com/gmx-io/gmx-synthetics/blob/a5c0c8835182cbd84e47dca04b971239311d2f1d/README.md",
            as_of="undated (commit a5c0c88)",
            confidence="M (condition from the contracts' liquidation check; factors vary by market)",
            note="Price impact at close is also deducted from the remaining collateral (not modelled).",
        ),
        loss=LossRule(
            insurance_fund="none: the GM pool of each market is the counterparty",
            adl=None,
            adl_text="when traders' pending profit exceeds a maximum share of the pool, profitable positions are "
            "reduced by keepers until it falls back under a minimum (MAX_PNL_FACTOR_FOR_ADL)",
            socialisation="none; trader profit counted in pool value is capped (MAX_PNL_FACTOR_FOR_TRADERS)",
            pool="GM liquidity providers of the market take traders' losses and pay their profits",
            source="https://github.com/gmx-io/gmx-synthetics/blob/a5c0c8835182cbd84e47dca04b971239311d2f1d/README.md",
            as_of="undated (commit a5c0c88)",
            confidence="M (README references ADL; trigger details not read)",
        ),
        borrow=BorrowRule(
            model="utilisation",
            rate_rule="borrowing factor × (reserved USD)^e / pool USD per second, or a kinked curve by usage; "
            "funding between longs and shorts comes on top: the larger side pays factor × |L − S|^e / (L + S) "
            "per second, the smaller side receives it, and adaptive funding ramps that factor with the "
            "imbalance",
            paid_to="pool",
            source="https://github.com/gmx-io/gmx-synthetics/blob/a5c0c8835182cbd84e47dca04b971239311d2f1d/README.md",
            as_of="undated (commit a5c0c88)",
            confidence="H formulas (README and MarketUtils); M adaptive parameters",
        ),
    ),
    "jupiter": Venue(
        key="jupiter",
        name="Jupiter Perps",
        margin=MarginRule(
            formula="at_entry",
            valued_at="entry",
            maintenance_amount=False,
            fee_to_close=True,
            tiers=False,
            tier_table=None,
            inverse=False,
            default_mmr=D("0.002"),
            mmr_rule="size / 500: the protocol's maximum leverage of 500x sets the minimum margin (trading is "
            "capped at 250x)",
            formula_text={
                "linear": "Jupiter Perps: liquidated when collateral − close fee − borrow fee + PnL reaches size "
                "/ 500: LP = EP − s·(C − close fee − size/500)·EP/size.",
            },
            source="https://docs.jup.ag/user-docs/trade/perps-and-jlp/liquidation",
            as_of="undated docs (as read 2026)",
            confidence="H formula; the page's absolute value around the bracket is dropped (see note)",
            note="Jupiter prints |collateral − fees − size/500|, which only matters for a position already past "
            "its liquidation price. Accumulated borrow fees come off the collateral, so the price drifts toward "
            "the market over time. The remaining collateral goes to the pool on liquidation.",
        ),
        loss=LossRule(
            insurance_fund="none: the JLP pool is the counterparty and keeps a liquidated position's remaining "
            "collateral",
            adl=None,
            adl_text="no ADL documented",
            socialisation="none",
            pool="JLP holders take traders' losses and pay their profits",
            source="https://docs.jup.ag/user-docs/trade/perps-and-jlp/liquidation",
            as_of="undated docs (as read 2026)",
            confidence="M",
        ),
        borrow=BorrowRule(
            model="utilisation",
            rate_rule="hourly fee = tokens borrowed / tokens in the custody × hourly borrow rate × position size; "
            "positions never receive funding",
            paid_to="pool",
            source="https://hub.jup.ag/guides/perpetual-exchange/how-it-works",
            as_of="undated guide (as read 2026)",
            confidence="M",
            note="A kinked jump-rate curve was proposed by Gauntlet in 2025; current per-token rates are set by "
            "governance.",
        ),
    ),
}

FUNDING_VENUES: dict[str, FundingRules] = {k: v.funding for k, v in VENUES.items() if v.funding is not None}
FUNDING_VENUE_KEYS: tuple[str, ...] = tuple(FUNDING_VENUES)
#: margin rules by key, ``generic`` (the textbook condition) first, then the venues in order
MARGIN_VENUES: dict[str, MarginRule] = {
    "generic": GENERIC_MARGIN,
    **{k: v.margin for k, v in VENUES.items() if v.margin is not None},
}
LOSS_VENUES: dict[str, LossRule] = {k: v.loss for k, v in VENUES.items() if v.loss is not None}


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


#: The asset a venue's linear perpetuals settle (and are margined) in, for labelling results.
#: Sources: the venues' product names (Binance USDⓈ-M BTCUSDT, Bybit USDT perpetual, OKX
#: USDT-margined swaps, BitMEX USDT-margined linear swaps, Deribit BTC_USDC, Hyperliquid and
#: dYdX USDC collateral). Inverse contracts settle in the base coin. Venues whose settlement
#: depends on the collateral the trader posts (GMX v2, Jupiter) are left out.
SETTLEMENT_ASSETS: dict[str, str] = {
    "binance": "USDT",
    "bybit": "USDT",
    "okx": "USDT",
    "bitmex": "USDT",
    "deribit": "USDC",
    "hyperliquid": "USDC",
    "dydx": "USDC",
    "drift": "USDC",
}


def settlement_label(venue: str | None, contract: str = "linear") -> str:
    """The asset a result is paid in, as the reader sees it on the venue.

    Parameters
    ----------
    venue : str | None
        A venue key, ``generic`` or ``None`` (no venue chosen).
    contract : str
        ``linear`` or ``inverse``.

    Returns
    -------
    str
        ``USDT`` / ``USDC`` for a venue's linear perpetuals, ``base coin`` for inverse
        contracts, ``quote currency`` when the venue does not fix it.

    Examples
    --------
    >>> settlement_label("binance"), settlement_label("hyperliquid"), settlement_label("bitmex", "inverse")
    ('USDT', 'USDC', 'base coin')
    >>> settlement_label(None)
    'quote currency'
    """
    if contract == "inverse":
        return "base coin"
    return SETTLEMENT_ASSETS.get(venue or "", "quote currency")


def quote_label(venue: str | None, contract: str = "linear") -> str:
    """The currency a venue's prices are quoted in, as the reader sees it.

    Inverse perpetuals are quoted in US dollars on every venue that lists them here (BTCUSD,
    XBTUSD, BTC-USD-SWAP, BTC-PERPETUAL); a linear one is quoted in what it settles in.

    Examples
    --------
    >>> quote_label("binance"), quote_label("bybit", "inverse"), quote_label(None)
    ('USDT', 'USD', 'quote currency')
    """
    return "USD" if contract == "inverse" else settlement_label(venue, contract)


def margin_preset(key: str) -> dict[str, Any]:
    """Field values the ``liquidation_price`` calculator fills when ``venue`` = ``key``:
    the record's default maintenance rate, a maintenance amount of 0 where the formula
    uses one, and the default contract type when it is not linear. A venue with a dated
    tier table (``tier_table``) selects that table and leaves the MMR empty, so the tier
    is chosen from the position's notional; a rate the reader types still wins."""
    rule = MARGIN_VENUES[key]
    preset: dict[str, Any] = {}
    if rule.tier_table is not None:
        preset["tier_table"] = rule.tier_table
        preset["mmr"] = None
    elif rule.default_mmr is not None:
        preset["mmr"] = rule.default_mmr
    if rule.maintenance_amount and rule.default_mmr is not None:
        preset["maintenance_amount"] = D(0)
    if rule.default_contract != "linear":
        preset["contract"] = rule.default_contract
    return preset


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
