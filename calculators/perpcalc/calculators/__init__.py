"""The calculators layer: specs, adapters and summary text over the pure functions.

One module per topic holds its [`Calculator`][perpcalc.Calculator] specs and the adapters
that turn validated form values into a call of the math (and the math's answer into
outputs and summary text). ``CALCULATORS`` below is the registry: the one ordered
list of every calculator, in catalogue order. Defining a spec does not register it; a
spec missing here is missing from the site (and fails ``tests/core/test_layers.py``);
``perpcalc/__init__.py`` installs this list as the catalogue.
"""

from __future__ import annotations

from .._spec import Calculator
from . import (
    carry,
    cascade,
    funding,
    insolvency,
    margin,
    payments,
    pools,
    pricing,
    series,
    venue_funding,
    venue_margin,
)

__all__ = ["CALCULATORS"]

CALCULATORS: tuple[Calculator, ...] = (
    funding.premium_index_calculator,
    funding.funding_rate_calculator,
    funding.funding_payment_calculator,
    funding.funding_annualized_calculator,
    funding.predicted_funding_calculator,
    funding.funding_schedule_calculator,
    funding.funding_by_venue_calculator,
    venue_funding.interest_component_calculator,
    venue_funding.impact_notional_calculator,
    venue_funding.funding_cap_calculator,
    venue_funding.drift_funding_calculator,
    pools.gmx_funding_calculator,
    pools.gmx_adaptive_funding_calculator,
    pools.pool_borrow_fee_calculator,
    carry.funding_exposure_calculator,
    payments.funding_payments_calculator,
    carry.funding_arbitrage_calculator,
    carry.carry_trade_calculator,
    carry.leverage_cost_calculator,
    cascade.liquidation_cascade_calculator,
    insolvency.liquidation_outcome_calculator,
    insolvency.adl_score_calculator,
    insolvency.adl_ranking_calculator,
    insolvency.adl_execution_calculator,
    insolvency.socialized_loss_calculator,
    insolvency.insolvency_waterfall_calculator,
    margin.liquidation_price_calculator,
    margin.margin_tier_calculator,
    margin.position_pnl_calculator,
    venue_margin.deribit_margin_calculator,
    venue_margin.max_open_position_calculator,
    venue_margin.pnl_percent_calculator,
    venue_margin.liquidation_stages_calculator,
    venue_margin.okx_liquidation_price_calculator,
    pricing.perp_fair_price_calculator,
    pricing.mark_price_calculator,
    pricing.basis_convergence_calculator,
    series.funding_series_calculator,
    series.funding_forecast_calculator,
)
