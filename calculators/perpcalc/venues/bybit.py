"""Bybit: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import Envelope, ExportFormat, FundingFile, FundingRules, LossRule, MarginRule, PaymentFile, Venue

__all__ = ["KEY", "VENUE"]

D = Decimal
KEY = "bybit"


VENUE = Venue(
    key=KEY,
    name="Bybit",
    funding=FundingRules(
        key=KEY,
        name="Bybit USDT perpetual",
        interval_hours=D(8),
        method="clamp",
        interest_rate=D("0.0001"),
        clamp=D("0.0005"),
        dead_band=D(0),
        cap=D("0.02"),
        cap_rule="upper and lower limits published per symbol and changed by announcement; "
        "the rule that sets the defaults is not published",
        scaling="per_interval",
        averaging="time_weighted",
        sampling="premium every minute (480 per 8 h), linear weights 1…n",
        payment_price="mark",
        shortening="jump",
        shortest_interval_hours=1,
        source="https://bybit.com/fil-PH/help-center/s/article/What-is-funding-rate-and-predicted-rate",
        as_of="2025-10-30",
        confidence="H formula and interval rule; L cap figure",
        note="The ±2 % cap is the figure of Bybit's own example for dynamic settlement (a 4-hour "
        "contract), used here as an illustration; real limits vary by symbol (e.g. ±0.8 %). "
        "Interest is 0.03 % a day split across the day's settlements; no N/8 factor on the "
        "premium is documented. Since 2025-10-30 a settlement at the cap or floor moves the "
        "symbol to 1-hour settlement (BTC and ETH excluded at launch); when it returns to "
        "2, 4 or 8 h is not published.",
    ),
    margin=MarginRule(
        formula="entry_deduction",
        valued_at="entry",
        maintenance_amount=True,
        fee_to_close=True,
        tiers=True,
        tier_table=None,
        inverse=True,
        default_mmr=D("0.005"),
        mmr_rule="risk-limit tiers per symbol; each tier has an MMR and an MM deduction",
        formula_text={
            "linear": "Bybit linear: LP = EP − s·(IM + extra − MM)/Q with MM = Q·EP·MMR − MM deduction "
            "(+ fee to close on the unified account): maintenance on the entry value.",
            "inverse": "Bybit inverse isolated (2024-09 text): LP = K / (PV + s·(IM + extra − MM)), PV = K/EP, "
            "MM = PV·MMR − deduction.",
            "inverse_cross": "Bybit inverse cross: BP = K·(s + t)/(balance + s·PV); "
            "s·K·(1/EP − 1/LP) = −(balance − PV·MMR − t·K/BP).",
        },
        source="https://help.bybit.com/hc/en-us/articles/900000181046-Liquidation-Price-USDT-Contract-",
        as_of="2024-09-10",
        confidence="H linear and inverse isolated; M inverse cross (about 2020)",
        note="MMR 0.5 % is BTCUSDT's first risk limit in the help-centre examples (2024–26).",
    ),
    loss=LossRule(
        insurance_fund="Bybit capital plus liquidation surplus; shared pools for some symbols, isolated "
        "pools for others",
        adl=None,
        adl_text="profit and effective leverage, highest first; closed at the bankruptcy price of the "
        "liquidated order (the exact current formula was not found)",
        socialisation="none",
        pool=None,
        source="https://help.bybit.com/hc/en-us/articles/900000031623-What-is-Auto-Deleveraging-ADL-",
        as_of="2025-09-18",
        confidence="H fund and close price; L ranking formula",
    ),
    settles_in="USDT",
    mark_method="median_of_three_8h",
    export=ExportFormat(
        symbol="symbol",
        time="fundingRateTimestamp",
        rates=("fundingRate",),
        envelope=Envelope(path="result.list", status="retCode", ok="0", message="retMsg", markers=("retCode",)),
    ),
    funding_files=(
        FundingFile(key="bybit_api", what="a Bybit funding-rate history (GET /v5/market/funding/history)",
                    fields=frozenset({"symbol", "fundingrate", "fundingratetimestamp"}), detect_order=3),
    ),
    # GET /v5/account/transaction-log, type SETTLEMENT: its "change", the balance change, is read, since the
    # sign of its "funding" field has been documented both ways
    payment_files=(
        PaymentFile(key="bybit_log", what="a Bybit transaction log (GET /v5/account/transaction-log)",
                    fields=frozenset({"transactiontime", "type", "funding", "currency"}), path=("result", "list"),
                    kind="type", kind_value="SETTLEMENT", time="transactionTime", symbol="symbol", amount="change",
                    sign=1, asset="currency"),
    ),
)
