"""GMX v2: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import BorrowRule, LossRule, MarginRule, Venue

__all__ = ["KEY", "VENUE"]

D = Decimal
KEY = "gmx_v2"


VENUE = Venue(
    key=KEY,
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
)
