"""Hyperliquid: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import ExportFormat, FundingRules, LossRule, MarginRule, StageRule, Venue

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
        signatures=(frozenset({"coin"}),),
        detect_order=3,
    ),
)
