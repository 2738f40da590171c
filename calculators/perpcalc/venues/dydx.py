"""dYdX v4: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import CapRule, FieldReader, FundingFile, FundingRules, LossRule, MarginRule, StageRule, Venue

__all__ = ["KEY", "VENUE", "dydx_cap"]

D = Decimal
KEY = "dydx"


def dydx_cap(imf: Decimal, mmf: Decimal, interval_hours: Decimal = Decimal(1)) -> Decimal:
    """dYdX v4's cap per settlement: |R₈| ≤ 600 % × (IMF − MMF), pro-rated to the interval.

    Source: dYdX v4 ``liquidity_tier.go`` (clamp factor 6,000,000 ppm). Example: IMF 5 %,
    MMF 3 % → 12 % per 8 h, 1.5 % per hourly settlement.

    >>> dydx_cap(D("0.05"), D("0.03"))
    Decimal('0.015')
    """
    return 6 * (imf - mmf) * interval_hours / 8


VENUE = Venue(
    key=KEY,
    name="dYdX v4",
    funding=FundingRules(
        key=KEY,
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
        confidence="H mechanism; L selection rule (sources disagree); L spread ratio (sources disagree)",
        note="The maximum liquidation spread is a multiple of the maintenance fraction, and dYdX's own "
        "sources disagree on its default: the help page gives 1.5 (default genesis parameters), the v4-chain "
        "code's LiquidationsConfig_Default sets SpreadToMaintenanceMarginRatioPpm = 100,000, i.e. 0.1 "
        "(protocol/x/clob/types/liquidations_config.go). The live value is a governance parameter; the "
        "calculators use 1.5 as the help page does.",
    ),
    settles_in="USDC",
    # 500 USDC over the market's initial margin fraction: dYdX v4 funding docs
    impact_margin={"": D(500)},
    cap_from_margin=CapRule(
        basis="im_minus_mm",
        per="settlement",
        factor=D(6),
        text="dYdX v4: |8-hour rate| ≤ 600 % × (IMF − MMF), pro-rated to the settlement interval.",
    ),
    stages=StageRule(kind="fillable",
                     first_stage="a liquidation order may fill down to the fillable price (at the oracle here)"),
    funding_files=(
        FundingFile(key="dydx_indexer", what="a dYdX v4 funding history (indexer /v4/historicalFunding)",
                    fields=frozenset({"ticker", "rate", "effectiveat"}), detect_order=8,
                    reader=FieldReader(path=("historicalFunding",), symbol="ticker", time="effectiveAt", rate="rate",
                                       interval=None)),
    ),
)
