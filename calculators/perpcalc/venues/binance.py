"""Binance: everything the calculators know about the venue, as dated records.

The rules below were restated from the venue's own pages (or mirrors of them), each part
citing its source, date and confidence; see [`perpcalc.venues`][perpcalc.venues] for the
fields. Adding a venue is one module like this one, listed in ``perpcalc.venues.MODULES``.
"""

from __future__ import annotations

from decimal import Decimal

from ._types import (
    CapRule,
    ExportFormat,
    FieldReader,
    FundingFile,
    FundingRules,
    LossRule,
    MarginRule,
    PaymentFile,
    TierTable,
    Venue,
)

__all__ = ["KEY", "VENUE", "binance_cap"]

D = Decimal
KEY = "binance"
FUTURES_HISTORY = "a Binance futures transaction history (the website's Transaction History export)"


def binance_cap(mmr: Decimal, multiplier: Decimal = Decimal("0.75")) -> Decimal:
    """Binance's default cap per settlement: k × MMR of the first margin tier (k = 0.75).

    Source: Binance capped-funding rule (2023 wording, through a venue that copies it);
    an older copy has k = 1. Example: MMR 0.65 % (ADAUSDT at 75x) → 0.4875 %.

    >>> binance_cap(D("0.0065"))
    Decimal('0.004875')
    """
    return multiplier * mmr


VENUE = Venue(
    key=KEY,
    name="Binance",
    funding=FundingRules(
        key=KEY,
        name="Binance USDⓈ-M",
        interval_hours=D(8),
        method="clamp",
        interest_rate=D("0.0001"),
        clamp=D("0.0005"),
        dead_band=D(0),
        cap=D("0.003"),
        cap_rule="k × first-tier MMR, k = 0.75 by default and set per symbol (older text: k = 1); "
        "some symbols get a fixed cap by announcement (e.g. ±3 %)",
        scaling="n_over_8",
        averaging="time_weighted",
        sampling="premium every 5 s (5,760 per 8 h), linear weights 1…n",
        payment_price="mark",
        shortening="jump",
        shortest_interval_hours=1,
        return_after=16,
        return_within=D("0.00025"),
        return_to_hours=4,
        source="https://www.binance.com/en/support/faq/detail/360033525031",
        as_of="2026-01-02",
        confidence="H formula; M cap; L cap multiplier k (0.75 or 1 in copies of the rule); M interval "
        "shortening and return (announcements read through a mirror and a Binance Square relay)",
        note="Cap 0.30 % is BTCUSDT's, the example in Binance's 2025-05-02 announcement, consistent with "
        "0.75 × a 0.40 % first-tier MMR; every contract with a maximum leverage of 25x or less has had ±3 % "
        "since 2023-10-09; live caps come from GET /fapi/v1/fundingInfo. Since 2025-09-18 the rate is "
        "divided by 8/N for N-hour symbols; many symbols settle every 4 h. I is 0 for a few pairs "
        "(BNBUSDT). After a settlement at the cap or floor, 8 h and 4 h symbols settle every hour "
        "(announcement effective 2025-05-02 08:00 UTC, read through a mirror of binance.com). Since "
        "2026-01-02 12:00 UTC an hourly symbol returns to 4-hour settlement in the 17th period after 16 "
        "hourly rates in a row at or below 0.025 % in absolute value (announcement as relayed on Binance "
        "Square); it replaced a 2025-09-01 rule of 36 rates within ±0.002 %.",
    ),
    margin=MarginRule(
        formula="wallet_cum",
        valued_at="mark",
        maintenance_amount=True,
        fee_to_close=False,
        tiers=True,
        tier_table="binance_btcusdt_2021",
        inverse=True,
        default_mmr=D("0.004"),
        mmr_rule="per-symbol leverage brackets; MMR and cum of the bracket holding the notional",
        formula_text={
            "linear": "Binance USDⓈ-M (one-way): LP = (WB − TMM1 + UPNL1 + cum − s·Q·EP) / (Q·MMR − s·Q); "
            "maintenance at the mark; other positions' MM and PnL held fixed.",
            "inverse": "Binance COIN-M, reconstructed from the margin condition (Binance prints it as an "
            "image): 1/LP = (WB + cum + s·K/EP) / (K·(s + MMR)); derived, not verified.",
        },
        source="https://www.binance.com/en/support/faq/detail/b3c689c1f50a44cabb3a84e663b81d93",
        as_of="2020-08-14",
        confidence="H linear formula (reproduces Binance's example); M inverse form (derived)",
        note="MMR 0.4 % and cum 0 are BTCUSDT's first bracket in Binance's 2021-03-18 table, the newest "
        "BTCUSDT table found; live brackets come from GET /fapi/v1/leverageBracket. The liquidation "
        "(clearance) fee is not part of the formula.",
    ),
    loss=LossRule(
        insurance_fund="several funds, each covering a category of contracts; fed by clearance fees of "
        "liquidations that close above bankruptcy; takes over bankrupt positions",
        adl="pnl_over_margin",
        adl_text="Counterparty liquidation: PnL % × margin ratio, highest first; closed at the bankruptcy "
        "price of the liquidated order, no fee",
        socialisation="none",
        pool=None,
        source="https://www.binance.com/en/support/articles/360033525371-Insurance-Fund",
        as_of="2025-05-06",
        confidence="H fund; M ranking (2019–23 text; later changes not found)",
    ),
    settles_in="USDT",  # USDⓈ-M: BTCUSDT settles and is margined in USDT
    tier_tables={
        "binance_btcusdt_2021": TierTable(
            symbol="BTCUSDT",
            currency="USDT",
            tiers=(
                ("0", "0.004"),
                ("50000", "0.005"),
                ("250000", "0.01"),
                ("1000000", "0.025"),
                ("10000000", "0.05"),
                ("20000000", "0.1"),
                ("50000000", "0.125"),
                ("100000000", "0.15"),
                ("200000000", "0.25"),
                ("300000000", "0.5"),
            ),
            source="Binance announcement 'Updates to Leverage and Margin Tiers of Binance Futures Contracts "
            "(2021-03-18)' (binance.com/en/support/announcement/86cf9aa472574b8cb2e05bb751c2a9a6), the same "
            "brackets as transcribed in GitHub Jay-Pak/BinanceBot; every row satisfies the cum recurrence. "
            "No newer BTCUSDT table was found in the stored documentation, and Binance has changed brackets "
            "since: read the live ones (GET /fapi/v1/leverageBracket) before relying on this table.",
            as_of="2021-03-18",
        ),
    },
    # 200 USDT of margin at the symbol's maximum leverage (200 USD on COIN-M): funding FAQ 360033525031
    impact_margin={"": D(200), "coin_m": D(200)},
    cap_from_margin=CapRule(
        basis="mmr",
        per="settlement",
        text="Binance: cap = k × maintenance margin rate of the first tier (k = 0.75 by default, per symbol).",
    ),
    mark_method="median_of_three",
    export=ExportFormat(
        symbol="symbol",
        time="fundingTime",
        rates=("fundingRate",),
        error_keys=("code", "msg"),
        web_header=("Time", "Contracts", "Funding Interval", "Funding Rate"),
    ),
    funding_files=(
        FundingFile(key="binance_api", what="a Binance funding-rate history (GET /fapi/v1/fundingRate)",
                    fields=frozenset({"symbol", "fundingtime", "fundingrate"}), detect_order=1),
        FundingFile(key="binance_web", what="a Binance website funding-rate history export",
                    fields=frozenset({"time", "contracts", "funding rate"}), detect_order=2),
        # the public data (data.binance.vision, futures/um/monthly/fundingRate/<SYMBOL>/): the symbol is only
        # in the file's name
        FundingFile(key="binance_data", what="a Binance public-data monthly funding file (data.binance.vision)",
                    fields=frozenset({"calc_time", "funding_interval_hours", "last_funding_rate"}), detect_order=6,
                    reader=FieldReader(path=(), symbol=None, time="calc_time", rate="last_funding_rate",
                                       interval="funding_interval_hours")),
    ),
    # GET /fapi/v1/income (incomeType FUNDING_FEE); the website's futures Transaction History CSV
    # export (type FUNDING_FEE; its header as BittyTax reads it, BittyTax/BittyTax
    # src/bittytax/conv/parsers/binance/data_parsers.py "Binance Futures", rows in
    # parse_binance_futures.py); the "Generate all statements" CSV (Operation "Funding Fee"; its
    # header as the tax tools that read it list it). Binance's newer downloads write "Time" with no
    # zone, in the zone the account displays, which the downloaded file's name gives
    # ("Binance-Futures-Transaction-History-202603230525(UTC--6)_ab12cd34.zip" holding a CSV
    # "Time,Type,Amount,Asset,Symbol,Transaction ID"; the statement "User ID,Time,Account,…"), as a
    # third-party importer's tests record them (binance_unwrap.py): local_time
    payment_files=(
        PaymentFile(key="binance_income", what="a Binance income history (GET /fapi/v1/income)",
                    fields=frozenset({"incometype", "income", "asset", "time"}), path=(), kind="incomeType",
                    kind_value="FUNDING_FEE", time="time", symbol="symbol", amount="income", sign=1, asset="asset"),
        PaymentFile(key="binance_futures", what=FUTURES_HISTORY,
                    fields=frozenset({"date(utc)", "type", "amount", "asset", "symbol", "transaction id"}), path=(),
                    kind="type", kind_value="FUNDING_FEE", time="Date(UTC)", symbol="Symbol", amount="Amount",
                    sign=1, asset="Asset"),
        PaymentFile(key="binance_futures_local", what=FUTURES_HISTORY,
                    fields=frozenset({"time", "type", "amount", "asset", "symbol", "transaction id"}), path=(),
                    kind="Type", kind_value="FUNDING_FEE", time="Time", symbol="Symbol", amount="Amount", sign=1,
                    asset="Asset", local_time=True),
        PaymentFile(key="binance_statement", what="a Binance account statement",
                    fields=frozenset({"utc_time", "account", "operation", "coin", "change"}), path=(),
                    kind="Operation", kind_value="Funding Fee", time="UTC_Time", symbol=None, amount="Change",
                    sign=1, asset="Coin"),
        PaymentFile(key="binance_statement_local", what="a Binance account statement",
                    fields=frozenset({"time", "account", "operation", "coin", "change"}), path=(),
                    kind="Operation", kind_value="Funding Fee", time="Time", symbol=None, amount="Change",
                    sign=1, asset="Coin", local_time=True),
    ),
)
