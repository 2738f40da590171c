"""Jupiter Perps: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import BorrowRule, LossRule, MarginRule, Venue

__all__ = ["KEY", "VENUE"]

D = Decimal
KEY = "jupiter"


VENUE = Venue(
    key=KEY,
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
        # published per custody token and changed by governance: an illustrative figure, not a current one
        hourly_rate=D("0.00012"),
        source="https://hub.jup.ag/guides/perpetual-exchange/how-it-works",
        as_of="undated guide (as read 2026)",
        confidence="M",
        note="A kinked jump-rate curve was proposed by Gauntlet in 2025; current per-token rates are set by "
        "governance.",
    ),
)
