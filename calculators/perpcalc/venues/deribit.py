"""Deribit: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import FieldReader, FundingFile, FundingRules, LossRule, MarginRule, SizeMargin, Venue

__all__ = ["KEY", "VENUE"]

D = Decimal
KEY = "deribit"


VENUE = Venue(
    key=KEY,
    name="Deribit",
    funding=FundingRules(
        key=KEY,
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
    settles_in="USDC",  # BTC_USDC and the other linear perpetuals
    # initial base, maintenance base, rate per coin for both: Deribit's 2025 support article on linear perpetuals
    size_margins={
        "btc_usdc": SizeMargin(im_base=D("0.02"), mm_base=D("0.01"), rate_per_unit=D("0.00005")),
        "sol_usdc": SizeMargin(im_base=D("0.04"), mm_base=D("0.02"), rate_per_unit=D("0.000005")),
    },
    # public/get_funding_rate_history: hourly rates in interest_1h; the file names no instrument
    funding_files=(
        FundingFile(key="deribit_api", what="a Deribit funding-rate history (public/get_funding_rate_history)",
                    fields=frozenset({"timestamp", "interest_1h"}), detect_order=9,
                    reader=FieldReader(path=("result",), symbol=None, time="timestamp", rate="interest_1h",
                                       interval=1.0)),
    ),
)
