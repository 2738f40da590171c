"""OKX: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import (
    Envelope,
    ExportFormat,
    FundingFile,
    FundingRules,
    LossRule,
    MarginRule,
    PaymentFile,
    TierSchedule,
    Venue,
)

__all__ = ["KEY", "VENUE"]

D = Decimal
KEY = "okx"


VENUE = Venue(
    key=KEY,
    name="OKX",
    funding=FundingRules(
        key=KEY,
        name="OKX perpetual swap",
        interval_hours=D(8),
        method="premium",
        interest_rate=D(0),
        clamp=D(0),
        dead_band=D(0),
        cap=D("0.00375"),
        cap_rule="a per-symbol cap table (±0.375 % BTC, ±0.75 % large caps, ±1.5 % others in a "
        "2022–23 snapshot), changed by announcement",
        scaling="per_interval",
        averaging="mean",
        sampling="mid-price premium every minute, simple average over a rolling N-hour window",
        payment_price="mark",
        shortening="step",
        shortest_interval_hours=1,
        source="https://www.okx.com/help/okx-to-optimize-funding-rate-calculation",
        as_of="2026-04-14",
        confidence="H formula and interval rule; M cap table (undated snapshot)",
        note="No interest term and no ±0.05 % band; the premium uses the mid price, not impact "
        "prices. Some symbols settle the rate fixed one period earlier (cross-cycle). From "
        "2026-04-14 a settlement at the cap shortens the interval one level (8 → 4 → 2 → 1 h); "
        "before, it went straight to 1 h. It returns to the default once the premium is normal.",
    ),
    margin=MarginRule(
        formula="at_mark",
        valued_at="mark",
        maintenance_amount=True,
        fee_to_close=True,
        tiers=True,
        tier_table=None,
        inverse=True,
        default_mmr=D("0.005"),
        mmr_rule="position tiers per instrument",
        formula_text={
            "linear": "OKX: margin ratio = (margin + UPL) / (value × (MMR + liquidation fee rate)) reaches "
            "100 %: LP = (s·Q·EP − C)/(Q·(s − MMR − fee)); derived from OKX's margin ratio, no published "
            "closed form.",
        },
        source="https://www.okx.com/help/adjustment-of-usdt-margined-futures-perpetual-swap-tiered-maintenance"
        "-margin-ratio-schedule",
        as_of="2020-01-17",
        confidence="M (derived from the margin ratio; MMR from a 2020 tier schedule)",
        note="MMR 0.5 % is BTC-USDT's first tier in the 2020-01-17 schedule.",
    ),
    loss=LossRule(
        insurance_fund="OKX capital plus liquidation surplus, split by business line and margin currency",
        adl=None,
        adl_text="position PnL % × effective leverage, highest first; closed at the mark price, or the "
        "bankruptcy price when the fund is nearly empty; triggered when the fund falls below a threshold",
        socialisation="clawback before 2019 (2018-08 BTC quarterly: about 17–18 % of profits)",
        pool=None,
        source="https://www.okx.com/help/iv-introduction-to-auto-deleveraging-adl",
        as_of="2025-08",
        confidence="H 2025 ranking and close price; M clawback rate (press only)",
    ),
    settles_in="USDT",
    tier_schedules={
        "okx_ethusdt_2021": TierSchedule(
            symbol="ETHUSDT perpetual swap",
            tiers=((D(3000), D("0.004"), D("0.008")), (D(6000), D("0.005"), D("0.01")),
                   (D(12000), D("0.01"), D("0.015"))),
            step=D(12000),
            mmr_step=D("0.005"),
            imr_step=D("0.005"),
            face_value=D("0.1"),
            source="https://support.okexcn.com/hc/en-us/articles/4402607424781-OKEx-position-tiers-to-be-adjusted",
            as_of="2021-06-11",
            confidence="H tiers; M face value",
            note="tiers 1–3 listed, then +12,000 contracts and +0.5 %/+0.5 % a tier; the 0.1 ETH face value is the "
            "contract's usual specification, not stated in the notice",
        ),
        "okx_btcusdt_2020": TierSchedule(
            symbol="BTCUSDT perpetual swap",
            tiers=((D(50000), D("0.005"), D("0.01")),),
            step=D(500000),
            mmr_step=D("0.005"),
            imr_step=D("0.005"),
            face_value=D("0.01"),
            source="https://okx.com/it/help/adjustment-of-usdt-margined-futures-perpetual-swap-tiered-maintenance-"
            "margin-ratio-schedule",
            as_of="2020-01-17",
            confidence="H limits (tier 3 = 50,000 + 2 × 500,000); L rate steps; M face value",
            note="the notice gives tier-1 limit, step and base rates; the +0.5 % a tier rate step is taken from OKX's "
            "later notices (assumed for 2020); 0.01 BTC face value assumed",
        ),
    },
    export=ExportFormat(
        symbol="instId",
        time="fundingTime",
        rates=("realizedRate", "fundingRate"),
        envelope=Envelope(path="data", status="code", ok="0", message="msg", markers=("code", "data")),
    ),
    funding_files=(
        FundingFile(key="okx_api", what="an OKX funding-rate history (GET /api/v5/public/funding-rate-history)",
                    fields=frozenset({"instid", "fundingtime"}), one_of=frozenset({"realizedrate", "fundingrate"}),
                    detect_order=4),
    ),
    # GET /api/v5/account/bills: type 8 is a funding fee; balChg is signed
    payment_files=(
        PaymentFile(key="okx_bills", what="an OKX bills file (GET /api/v5/account/bills)",
                    fields=frozenset({"billid", "type", "balchg", "ccy", "ts"}), path=("data",), kind="type",
                    kind_value="8", time="ts", symbol="instId", amount="balChg", sign=1, asset="ccy"),
    ),
)
