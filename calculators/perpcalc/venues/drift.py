"""Drift: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import FundingRules, LossRule, MarginRule, Venue

__all__ = ["KEY", "VENUE"]

D = Decimal
KEY = "drift"


VENUE = Venue(
    key=KEY,
    name="Drift",
    funding=FundingRules(
        key=KEY,
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
    settles_in="USDC",
    # hourly caps by contract tier (fraction per hour): drift-protocol-v2-docs "Funding rates" (commit f1021e4)
    funding_caps={"b_or_better": D("0.00125"), "c": D("0.00208"), "speculative": D("0.004167")},
)
