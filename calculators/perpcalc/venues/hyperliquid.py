"""Hyperliquid: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import ExportFormat, FieldReader, FundingFile, FundingRules, LossRule, MarginRule, StageRule, Venue

__all__ = ["KEY", "VENUE"]

D = Decimal
KEY = "hyperliquid"


VENUE = Venue(
    key=KEY,
    name="Hyperliquid",
    funding=FundingRules(
        key=KEY,
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
        formula="margin_available",
        mmr_from_max_leverage=True,
        valued_at="mark",
        maintenance_amount=True,
        fee_to_close=False,
        tiers=True,
        tier_table=None,
        inverse=False,
        default_mmr=D("0.0125"),
        mmr_rule="by margin tier of the position's notional: maintenance = notional × rate − maintenance "
        "deduction, rate = half the initial margin at the tier's maximum leverage (BTC: 40x up to 150 M "
        "USDC, 20x above); the deduction keeps the requirement continuous in size",
        formula_text={
            "linear": "Hyperliquid: LP = EP − s·(C − (l·Q·EP − d)) / Q / (1 − l·s), l = maintenance fraction = "
            "1/(2 × the tier's max leverage), d = the tier's maintenance deduction (0 in the first tier); "
            "maintenance at the mark.",
        },
        source="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers",
        as_of="undated docs (liquidations read 2025–26, margin tiers read 2026-12-06)",
        confidence="H formula and tiers (Hyperliquid's Liquidations and Margin tiers pages)",
        note="1.25 % is half the initial margin of a 40x-max asset (BTC's first tier); 50x assets give 1 %. "
        "Mainnet tiers on the margin-tiers page: BTC 40x to 150 M USDC then 20x; ETH 25x to 100 M then 15x; "
        "SOL 20x to 70 M then 10x; many alts 10x to 20 M or 3 M then 5x. Above the first tier give the "
        "tier's rate and its deduction as the maintenance amount (or a tier table); no tier table is "
        "stored here.",
    ),
    loss=LossRule(
        insurance_fund="no separate fund: the liquidator vault inside HLP takes positions by backstop "
        "liquidation below 2/3 of maintenance margin",
        adl="price_ratio_leverage",
        adl_text="(mark / entry) × (notional / account value), highest first; closed at the previous mark "
        "price",
        socialisation="none",
        pool="HLP vault depositors share the liquidator's profit and loss",
        source="https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging",
        as_of="undated docs (read 2025–26)",
        confidence="H ranking (newer page version); M vault caps after JELLY (2025-03)",
    ),
    settles_in="USDC",
    stages=StageRule(kind="backstop",
                     first_stage="market orders close the position on the book (20 % first above 100k USDC)"),
    export=ExportFormat(
        symbol="coin",
        time="time",
        rates=("fundingRate",),
    ),
    funding_files=(
        FundingFile(key="hyperliquid_api", what="a Hyperliquid funding history (info fundingHistory)",
                    fields=frozenset({"coin", "fundingrate", "time"}), detect_order=5),
        # info {"type": "userFunding"}: a user's payments, each with the hourly rate under "delta"
        FundingFile(key="hyperliquid_user", what="a Hyperliquid user funding history (info userFunding)",
                    fields=frozenset({"delta", "hash", "time"}), detect_order=7,
                    reader=FieldReader(path=(), symbol="delta.coin", time="time", rate="delta.fundingRate",
                                       interval=None)),
    ),
)
