"""Venue rules as data: one module, one dated record per venue.

``VENUES`` maps a short key (``binance``, ``bybit``, ``okx``, ``bitmex``, ``deribit``,
``hyperliquid``, ``dydx``, ``drift``, ``gmx_v2``, ``jupiter``) to a [`Venue`][perpcalc.venues.Venue],
built in ``perpcalc.venues.<key>``, with up to four rule parts, each with its own source,
date and confidence:

* ``funding``: [`FundingRules`][perpcalc.venues.FundingRules], how the premium becomes a funding rate;
* ``borrow``: [`BorrowRule`][perpcalc.venues.BorrowRule], a pool venue's borrow fee (charged instead of, or
  besides, funding);
* ``margin``: [`MarginRule`][perpcalc.venues.MarginRule], when a position is liquidated and by which formula;
* ``loss``: [`LossRule`][perpcalc.venues.LossRule], who pays when a liquidation leaves a loss (insurance fund,
  ADL, socialisation, a liquidity pool);

and everything else the calculators need to know about the venue: the asset it settles in,
its dated tier tables, impact margin, funding caps and how it derives them, its mark-price
and ADL methods, its liquidation stages and the funding-history files it writes. The field
reference follows; the shapes and the shared vocabularies (side, contract, margin mode,
funding method, scaling…) are defined once in ``perpcalc.venues._types``.

A part is ``None`` (a table empty) where the venue has no such rule or none is recorded.
Everything that differs by venue in the calculators (presets, choices, the liquidation
formula dispatched in ``perpcalc.margin``, the ADL ranking method) is derived from these
records, through the views below; this package imports nothing else of perpcalc, so every
layer may import it. Adding a venue is one module here, listed in ``MODULES``, plus its tests.

The rules were restated from the venues' own pages (or mirrors of them), which each part
cites. Venues change these rules often: check the date, and read live caps, tiers and
intervals from the venue's API before relying on a figure.

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
    ``n_over_24``: the formula gives a daily premium paid in 24 hourly slices (Drift).
    ``scaling_documented`` is False where the venue documents no such rule (BitMEX settles every
    8 h; its discretionary 2-hour XBTUSD mode states only the daily maximum): the tables then say
    "not documented", and ``scaling`` is only the calculators' assumption.
``averaging``
    How premium samples are averaged over the interval: ``time_weighted`` (sample i of n gets
    weight i, so later samples count more: Binance, Bybit) or ``mean`` (simple average).
``payment_price``
    The price that turns a position size into the notional the rate is charged on
    (``mark`` on the exchanges, ``oracle`` on Hyperliquid and dYdX).
``shortening``
    What happens to the interval after a settlement at the cap: ``jump`` (straight to
    ``shortest_interval_hours``), ``step`` (one level at a time, 8 → 4 → 2 → 1 h) or ``none``.
``return_after`` / ``return_within`` / ``return_to_hours``
    How a shortened interval comes back: after ``return_after`` settled rates in a row whose
    absolute value is at most ``return_within`` (a fraction per settlement), the symbol settles
    every ``return_to_hours`` hours again. ``None`` where no count-and-band rule is recorded.
``source``, ``as_of``, ``confidence``, ``note``
    Where the rule was read, the date of the rule (or of the page) it reflects, how sure the
    reference notes are (H/M/L), and caveats.


Margin rule fields
------------------
Fields of [`MarginRule`][perpcalc.venues.MarginRule]:
``formula``
    Which liquidation-price function of ``perpcalc.margin`` the venue uses
    (a key of ``perpcalc.margin.FORMULAS``): ``at_mark`` (the margin condition with the
    maintenance margin valued at the liquidation price), ``at_entry`` (valued on the entry
    value), or a venue's own published arrangement: ``wallet_cum`` (wallet balance and the
    bracket's cum, Binance), ``entry_deduction`` (maintenance on the entry value less an MM
    deduction, Bybit), ``bankruptcy_offset`` (the bankruptcy price moved by MM % and the
    fee, BitMEX) or ``margin_available`` (margin above maintenance, Hyperliquid).
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
    Key of one of the venue's recorded tier tables (``Venue.tier_tables``), or ``None``.
``mmr_from_max_leverage``
    The maintenance fraction is 1/(2 × the asset's maximum leverage) when that is given
    (``MarginRule.maintenance_fraction``).
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
    The ranking kernel of ``perpcalc.insolvency.rank_positions`` (an ``AdlMethod``) that
    reproduces the venue's ADL queue, or ``None`` when its formula is not published or not modelled.
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
``hourly_rate``
    An illustrative hourly rate at full utilisation for the borrow-fee calculator, or ``None``.

Every part carries ``source``, ``as_of``, ``confidence`` (H/M/L per claim) and ``note``.

Venue fields besides the rules
------------------------------
Fields of [`Venue`][perpcalc.venues.Venue]:
``settles_in``
    The asset the venue's linear perpetuals settle (and are margined) in, for labelling
    results; ``None`` where it depends on the collateral posted (inverse contracts settle in
    the base coin whatever the venue).
``tier_tables``, ``tier_schedules``
    Dated maintenance tier tables ([`TierTable`][perpcalc.venues.TierTable]) and position-tier
    schedules ([`TierSchedule`][perpcalc.venues.TierSchedule]) by key.
``size_margins``
    Margin rates that grow with size ([`SizeMargin`][perpcalc.venues.SizeMargin]) by product.
``impact_margin``
    The margin committed when walking the book for impact prices, by product suffix
    (``""`` for the venue's main product).
``funding_caps``
    Funding caps by contract tier, where the venue sets them so (fraction per interval).
``cap_from_margin``
    How the funding cap derives from margin rates ([`CapRule`][perpcalc.venues.CapRule]).
``mark_method``
    The mark-price rule of ``perpcalc.pricing.mark_price`` (a ``MarkMethod``).
``stages``
    The liquidation stages the venue runs ([`StageRule`][perpcalc.venues.StageRule]).
``export``
    How the venue's funding-rate history API names its fields ([`ExportFormat`][perpcalc.venues.ExportFormat]).
``funding_files``
    The funding-rate history files the venue writes and how each is recognised and read
    ([`FundingFile`][perpcalc.venues.FundingFile]).
``payment_files``
    The ledgers of funding payments the venue writes ([`PaymentFile`][perpcalc.venues.PaymentFile]).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import binance, bitmex, bybit, deribit, drift, dydx, gmx_v2, hyperliquid, jupiter, okx
from ._types import (
    ADL_METHODS,
    AVERAGINGS,
    CONTRACTS,
    FUNDING_METHODS,
    MARGIN_FORMULAS,
    MARGIN_MODES,
    MARK_METHODS,
    SCALINGS,
    SHORTENINGS,
    SIDES,
    VALUED_AT,
    AdlMethod,
    BorrowRule,
    CapRule,
    Contract,
    Envelope,
    ExportFormat,
    FieldReader,
    FundingFile,
    FundingRules,
    LossRule,
    MarginMode,
    MarginRule,
    MarkMethod,
    PaymentFile,
    Side,
    SizeMargin,
    StageRule,
    TierSchedule,
    TierTable,
    Venue,
)
from .binance import binance_cap
from .bitmex import bitmex_cap
from .dydx import dydx_cap

__all__ = [
    "ADL_METHODS",
    "ADL_VENUES",
    "AVERAGINGS",
    "CAP_RULES",
    "CONTRACTS",
    "EXPORT_FORMATS",
    "FUNDING_FILES",
    "FUNDING_METHODS",
    "FUNDING_VENUES",
    "FUNDING_VENUE_KEYS",
    "GENERIC_MARGIN",
    "IMPACT_MARGINS",
    "LOSS_VENUES",
    "MARGIN_FORMULAS",
    "MARGIN_MODES",
    "MARGIN_VENUES",
    "MARK_METHODS",
    "MARK_VENUES",
    "MODULES",
    "PAYMENT_FILES",
    "SCALINGS",
    "SCHEDULE_VENUE_KEYS",
    "SETTLEMENT_ASSETS",
    "SHORTENINGS",
    "SIDES",
    "STAGE_VENUES",
    "TIER_SCHEDULES",
    "TIER_TABLES",
    "TIER_TABLE_VENUE",
    "VALUED_AT",
    "VENUES",
    "AdlMethod",
    "BorrowRule",
    "CapRule",
    "Contract",
    "Envelope",
    "ExportFormat",
    "FieldReader",
    "FundingFile",
    "FundingRules",
    "LossRule",
    "MarginMode",
    "MarginRule",
    "MarkMethod",
    "PaymentFile",
    "Side",
    "SizeMargin",
    "StageRule",
    "TierSchedule",
    "TierTable",
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

#: The venue modules in display order (the order of every table, choice and preset).
MODULES = (binance, bybit, okx, bitmex, deribit, hyperliquid, dydx, drift, gmx_v2, jupiter)

VENUES: dict[str, Venue] = {m.VENUE.key: m.VENUE for m in MODULES}

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



# ----------------------------------------------------------------- views derived from the records

FUNDING_VENUES: dict[str, FundingRules] = {k: v.funding for k, v in VENUES.items() if v.funding is not None}
FUNDING_VENUE_KEYS: tuple[str, ...] = tuple(FUNDING_VENUES)
#: margin rules by key, ``generic`` (the textbook condition) first, then the venues in order
MARGIN_VENUES: dict[str, MarginRule] = {
    "generic": GENERIC_MARGIN,
    **{k: v.margin for k, v in VENUES.items() if v.margin is not None},
}
LOSS_VENUES: dict[str, LossRule] = {k: v.loss for k, v in VENUES.items() if v.loss is not None}
#: the asset a venue's linear perpetuals settle in (venues whose settlement depends on the
#: collateral the trader posts are left out)
SETTLEMENT_ASSETS: dict[str, str] = {k: v.settles_in for k, v in VENUES.items() if v.settles_in}
#: dated maintenance tier tables by table key, and the venue (display name) each belongs to
TIER_TABLES: dict[str, TierTable] = {t: table for v in VENUES.values() for t, table in v.tier_tables.items()}
TIER_TABLE_VENUE: dict[str, str] = {t: v.name for v in VENUES.values() for t in v.tier_tables}
#: position-tier schedules by key
TIER_SCHEDULES: dict[str, TierSchedule] = {t: s for v in VENUES.values() for t, s in v.tier_schedules.items()}
#: impact margin by product: the venue key, or ``<key>_<product>`` for its other products
IMPACT_MARGINS: dict[str, Decimal] = {
    "_".join(filter(None, (k, product))): margin
    for k, v in VENUES.items()
    for product, margin in v.impact_margin.items()
}
#: how each venue that derives its funding cap from margin rates does so
CAP_RULES: dict[str, CapRule] = {k: v.cap_from_margin for k, v in VENUES.items() if v.cap_from_margin}
#: each venue's mark-price method, where recorded
MARK_VENUES: dict[str, MarkMethod] = {k: v.mark_method for k, v in VENUES.items() if v.mark_method}
#: each venue's ADL ranking kernel, where its formula is published and modelled
ADL_VENUES: dict[str, AdlMethod] = {k: r.adl for k, r in LOSS_VENUES.items() if r.adl}
#: venues whose funding interval shortens after a settlement at the cap
SCHEDULE_VENUE_KEYS: tuple[str, ...] = tuple(k for k, r in FUNDING_VENUES.items() if r.shortening != "none")
#: venues that run recorded liquidation stages (a backstop vault, or a fillable price and a fund)
STAGE_VENUES: dict[str, StageRule] = {k: v.stages for k, v in VENUES.items() if v.stages}
#: the funding-history files each venue writes, in display order
EXPORT_FORMATS: dict[str, ExportFormat] = {k: v.export for k, v in VENUES.items() if v.export}
#: every venue's funding-rate history files by format key, each with its venue's key, in the order
#: they are tried (``detect_order``)
FUNDING_FILES: dict[str, tuple[str, FundingFile]] = {
    f.key: (k, f) for k, f in sorted(((k, f) for k, v in VENUES.items() for f in v.funding_files),
                                     key=lambda pair: pair[1].detect_order)
}
#: every venue's ledgers of funding payments by key, in display order
PAYMENT_FILES: dict[str, PaymentFile] = {f.key: f for v in VENUES.values() for f in v.payment_files}


# ----------------------------------------------------------------- presets and labels


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
