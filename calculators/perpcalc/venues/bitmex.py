"""BitMEX: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import CapRule, FundingRules, LossRule, MarginRule, Venue

__all__ = ["KEY", "VENUE", "bitmex_cap"]

D = Decimal
KEY = "bitmex"


def bitmex_cap(initial_margin: Decimal, maintenance_margin: Decimal) -> Decimal:
    """BitMEX's cap per 8 h: 75 % × (initial margin − maintenance margin).

    Source: BitMEX perpetual contracts guide. Example: IM 1 %, MM 0.5 % → 0.375 %.

    >>> bitmex_cap(D("0.01"), D("0.005"))
    Decimal('0.00375')
    """
    return D("0.75") * (initial_margin - maintenance_margin)


VENUE = Venue(
    key=KEY,
    name="BitMEX",
    funding=FundingRules(
        key=KEY,
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
        scaling_documented=False,
        note="Cap 0.375 % = 75 % × (1 % − 0.5 %), BitMEX's example. I = 0.01 % per 8 h: XBTUSD derived it "
        "from Bitfinex lending rates, (quote rate − base rate)/3, until BitMEX fixed it at +0.03 % a day "
        "from 2017-04-21 12:00 UTC (blog.bitmex.com announcement); it is the fixed value for USDT "
        "contracts too. The rate paid at T uses the premium of the window that ended at the previous "
        "settlement (one period of lag). Settles at 04:00, 12:00 and 20:00 UTC. No rule for N-hour "
        "settlements is documented: BitMEX may cut XBTUSD to 2-hour settlements with 8 hours' notice and "
        "states only that funding can then reach ±4.5 % a day; the N/8 scaling here is an assumption.",
    ),
    margin=MarginRule(
        formula="bankruptcy_offset",
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
        adl="pnl_times_leverage",
        adl_text="PnL % × effective leverage (÷ when losing), per side, highest first; closed at the "
        "bankruptcy price of the liquidated order; five lights of 20 % each",
        socialisation="DPE (profit haircuts) until 2016-10-03, then ADL",
        pool=None,
        source="https://www.bitmex.com/app/autoDeleveraging",
        as_of="2016-10-03",
        confidence="H",
    ),
    settles_in="USDT",  # the USDT-margined linear swaps; XBTUSD (inverse) settles in the coin
    cap_from_margin=CapRule(
        basis="im_minus_mm",
        per="8h",
        factor=D("0.75"),
        text="BitMEX: cap = 75 % × (initial margin − maintenance margin), per 8 h.",
    ),
    mark_method="fair_price",
)
