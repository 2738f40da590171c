"""The browser's reader (perpcalc.venue_files, standard library, the venue recognised from the
file) and the pandas layer (perpcalc.frames, venue named) read every fixture export alike:
the same times, symbols, intervals and rates. The fixtures are described in test_frames.py."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pandas as pd
import perpcalc
import pytest
from perpcalc import frames, venue_files
from perpcalc.frames import read_funding_history

FIX = Path(__file__).parent / "fixtures"
FILES = {
    "binance_fundingRate.json": "binance",
    "binance_web.csv": "binance",
    "bybit_funding_history.csv": "bybit",
    "bybit_funding_history.json": "bybit",
    "hyperliquid_fundingHistory.json": "hyperliquid",
    "okx_funding_rate_history.json": "okx",
    # the header and ms times of Binance's public data (data.binance.vision, futures/um/monthly/
    # fundingRate/<SYMBOL>/<SYMBOL>-fundingRate-YYYY-MM.zip): the symbol only in the file's name
    "BTCUSDT-fundingRate-2024-01.csv": "binance",
    # Hyperliquid info {"type": "userFunding"}: the first record is the example of Hyperliquid's
    # API documentation ("Retrieve a user's funding history"); rates under "delta", hourly
    "hyperliquid_userFunding.json": "hyperliquid",
    # dYdX v4 indexer GET /v4/historicalFunding/{ticker}: the shape of the response recorded in
    # ccxt's dydx.fetchFundingRateHistory (js/src/dydx.js), newest first, hourly, ISO times
    "dydx_historicalFunding.json": "dydx",
    # Deribit public/get_funding_rate_history: the JSON-RPC envelope and the first record of
    # Deribit's API documentation example; hourly rates in interest_1h (numbers, not strings)
    "deribit_get_funding_rate_history.json": "deribit",
    # ccxt fetch_funding_rate_history (binanceusdm) saved with json.dump: ccxt's unified
    # funding-rate-history structure (info, symbol, fundingRate, timestamp, datetime)
    "ccxt_fetch_funding_rate_history.json": "ccxt",
    # two pages of OKX GET /api/v5/public/funding-rate-history appended into one file, the
    # second older and overlapping the first by one settlement (kept once)
    "okx_two_pages.json": "okx",
}
# file -> (settlements, symbol, interval of each, first rate): what each fixture holds
EXPECTED = {
    "BTCUSDT-fundingRate-2024-01.csv": (4, "BTCUSDT", 8.0, 0.00037409),
    "hyperliquid_userFunding.json": (3, "ETH", 1.0, 0.0000417),
    "dydx_historicalFunding.json": (3, "BTC-USD", 1.0, 0.0),
    "deribit_get_funding_rate_history.json": (3, "the file's contract", 1.0, -4.739622041017375e-7),
    "ccxt_fetch_funding_rate_history.json": (3, "BTC/USDT:USDT", 8.0, 0.0001),
    "okx_two_pages.json": (3, "BTC-USDT-SWAP", 8.0, -0.0000215),
}


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in FIX.iterdir()) == sorted([*FILES, *LEDGERS])


@pytest.mark.parametrize(("name", "venue"), sorted(FILES.items()))
def test_browser_reader_matches_the_pandas_layer(name: str, venue: str) -> None:
    data = (FIX / name).read_bytes()
    assert venue_files.detect_venue(venue_files.decode(data)) == venue
    rows = venue_files.read_funding_file(data, timezone="Asia/Shanghai",
                                         symbol=venue_files.symbol_from_name(name)).settlements
    frame = read_funding_history(FIX / name, venue, timezone="Asia/Shanghai")
    assert [pd.Timestamp(r.time) for r in rows] == frame["time"].tolist()
    assert [r.symbol for r in rows] == frame["symbol"].tolist()
    assert [r.interval_hours for r in rows] == frame["interval_hours"].tolist()
    assert [float(r.rate) for r in rows] == frame["rate"].tolist()


@pytest.mark.parametrize(("name", "calculator"), [(n, c) for n in sorted(FILES)
                                                  for c in ("funding_series", "funding_exposure")])
def test_each_fixture_fills_a_calculator(name: str, calculator: str) -> None:
    options = json.dumps({"timezone": "Asia/Shanghai"})
    out = json.loads(venue_files.import_file_json(calculator, "rates", (FIX / name).read_bytes(), None, options))
    assert out["ok"], out
    frame = read_funding_history(FIX / name, FILES[name], timezone="Asia/Shanghai")
    assert out["zoneless"] == (name == "binance_web.csv")
    first = frame["time"].iloc[0].strftime("%Y-%m-%dT%H:%MZ")
    assert out["values"].get("start", first) == first
    inputs = {**out["values"], "side": "short", "mark_price": 100} if calculator == "funding_exposure" \
        else out["values"]
    result = perpcalc.run(calculator, inputs)
    count = result["count"] if calculator == "funding_series" else result["intervals"]
    assert count == len(frame)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_more_formats_carrying_rates(name: str, expected: tuple) -> None:
    count, symbol, hours, first = expected
    read = venue_files.read_funding_file((FIX / name).read_bytes(), symbol=venue_files.symbol_from_name(name))
    rows = read.settlements
    assert read.venue == FILES[name] and len(rows) == count
    assert {r.symbol for r in rows} == {symbol} and {r.interval_hours for r in rows} == {hours}
    assert float(rows[0].rate) == first
    assert all(a.time < b.time for a, b in pairwise(rows))
    frame = read_funding_history(FIX / name, FILES[name])
    assert set(frame["symbol"]) == {symbol} and len(frame) == count


def test_more_formats_fill_the_page_calculator_with_their_names() -> None:
    data = (FIX / "BTCUSDT-fundingRate-2024-01.csv").read_bytes()
    options = json.dumps({"filename": "BTCUSDT-fundingRate-2024-01.csv"})
    out = json.loads(venue_files.import_file_json("funding_series", "rates", data, None, options))
    assert out["ok"] and out["message"].startswith("4 settlements of BTCUSDT, 2024-01-01 00:00")
    assert out["values"]["interval_hours"] == "8"
    deribit = json.loads(venue_files.import_file_json(
        "funding_series", "rates", (FIX / "deribit_get_funding_rate_history.json").read_bytes()))
    assert deribit["ok"] and deribit["values"]["interval_hours"] == "1"
    assert deribit["message"].startswith("3 settlements of the file's contract, 2019-10-01 01:00")


# Payment ledgers, in the venues' shapes (values invented unless said):
LEDGERS = {
    # Binance GET /fapi/v1/income: the first two records are the example of Binance's API
    # documentation (TRANSFER, COMMISSION), then FUNDING_FEE records in the same shape
    "binance_income_FUNDING_FEE.json": (4, {"BTCUSDT": -1.09405325, "ETHUSDT": 0.053625}),
    # Binance's futures Transaction History CSV export (the website's, USDⓈ-M or COIN-M): the header
    # as BittyTax reads it (BittyTax/BittyTax src/bittytax/conv/parsers/binance/data_parsers.py,
    # "Binance Futures": Date(UTC), type, Amount, Asset, Symbol, Transaction ID; its row types in
    # parse_binance_futures.py: REALIZED_PNL, COMMISSION, FUNDING_FEE, TRANSFER, …), times as
    # "2023-01-01 00:00:00"; FUNDING_FEE rows read, the others left out
    "binance_futures_transaction_history.csv": (3, {"BTCUSDT": -3.02137665, "ETHUSDT": 0.2175}),
    # the same export as Binance's newer downloads write it: "Time,Type,Amount,Asset,Symbol,
    # Transaction ID", times in the zone the account displays, named in the file's name
    # ("Binance-Futures-Transaction-History-202603230525(UTC--6).csv" in a zip of the same name,
    # as a third-party importer's tests record it, binance_unwrap.py); here the rows above at UTC-6
    "Binance-Futures-Transaction-History-202403011200(UTC--6).csv": (3, {"BTCUSDT": -3.02137665, "ETHUSDT": 0.2175}),
    # Binance "Generate all statements" CSV (User_ID, UTC_Time, Account, Operation, Coin,
    # Change, Remark, as tax tools that read it list the header): no symbol column
    "binance_statement.csv": (3, {"(no symbol in the file)": -23.9547}),
    # Bybit GET /v5/account/transaction-log: the v5 record's fields (SETTLEMENT = funding,
    # TRADE left out), read by its balance change
    "bybit_transaction_log.json": (2, {"XRPUSDT": 0.003676}),
    # OKX GET /api/v5/account/bills: the bill's fields; type 8 (funding fee, subType 173
    # expense / 174 income), a trade bill (type 2) left out
    "okx_bills.json": (2, {"BTC-USDT-SWAP": -0.2096945701}),
}


@pytest.mark.parametrize(("name", "expected"), sorted(LEDGERS.items()))
def test_payment_ledgers_through_venue_files_frames_and_the_calculator(name: str, expected: tuple) -> None:
    count, nets = expected
    frame = frames.read_funding_payments(FIX / name)
    assert len(frame) == count and str(frame["time"].dt.tz) == "UTC"
    assert frame["time"].is_monotonic_increasing
    assert {s: round(v, 10) for s, v in frame.groupby("symbol")["amount"].sum().items()} == nets
    out = json.loads(venue_files.import_file_json("funding_payments", "payments", (FIX / name).read_bytes(),
                                                  options=json.dumps({"filename": name})))
    assert out["ok"], out
    assert out["message"].startswith(f"{count} funding payment")
    result = perpcalc.run("funding_payments", out["values"])
    assert result["count"] == count
    assert {r["symbol"]: round(r["net"], 10) for r in result["by_symbol"]} == nets
    assert round(result["net"], 10) == round(sum(nets.values()), 10)
    tables = frames.to_frame("funding_payments", result, "by_day")
    assert tables["net"].sum() == pytest.approx(sum(nets.values()))


def test_payments_beside_their_rates_imply_the_position() -> None:
    payments = json.loads(venue_files.import_file_json(
        "funding_payments", "payments", (FIX / "binance_income_FUNDING_FEE.json").read_bytes()))["values"]
    rates = [{"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": r}
             for t, r in ((1570636800000, "0.00010000"), (1570665600000, "0.00005135"),
                          (1570694400000, "-0.00001500"))]
    read = json.loads(venue_files.import_file_json("funding_payments", "rates", json.dumps(rates).encode()))
    assert read["ok"] and read["message"] == "3 settled rates of BTCUSDT."
    out = perpcalc.run("funding_payments", {**payments, **read["values"]})
    assert out["matched"] == 3
    btc = [p for p in out["payments_table"] if p["symbol"] == "BTCUSDT"]
    # a long: paid 0.80250103 at 0.01 % → 8,025.01 of notional; received at a negative rate
    assert [round(p["implied_notional"], 2) for p in btc] == [8025.01, 8024.68, 8034.33]
    assert [p["rate"] for p in btc] == [0.0001, 0.00005135, -0.000015]


def test_a_rate_history_is_not_a_ledger_and_a_ledger_is_not_a_rate_history() -> None:
    rates = (FIX / "binance_fundingRate.json").read_bytes()
    out = json.loads(venue_files.import_file_json("funding_payments", "payments", rates))
    assert not out["ok"]
    assert out["error"]["message"].startswith("this is a Binance funding-rate history (GET /fapi/v1/fundingRate): "
                                              "rates, not payments; use it in the rate history field")
    ledger = (FIX / "binance_income_FUNDING_FEE.json").read_bytes()
    out = json.loads(venue_files.import_file_json("funding_series", "rates", ledger))
    assert "this is a Binance income history (GET /fapi/v1/income: payments, not rates; use it in Your funding " \
           "payments)" in out["error"]["message"]


FUTURES_HEADER = "Date(UTC),type,Amount,Asset,Symbol,Transaction ID\n"


def test_a_futures_transaction_history_without_funding_rows_is_refused_for_what_it_holds() -> None:
    text = (FUTURES_HEADER + "2024-03-01 03:12:45,COMMISSION,-1.20000000,USDT,BTCUSDT,1709262765004\n"
            "2024-03-01 03:12:45,REALIZED_PNL,52.30000000,USDT,BTCUSDT,1709262765005\n")
    out = json.loads(venue_files.import_file_json("funding_payments", "payments", text.encode()))
    assert not out["ok"] and out["error"]["column"] == "type"
    message = out["error"]["message"]
    assert message.startswith("this is a Binance futures transaction history (the website's Transaction History "
                              "export) without funding payments (type 'FUNDING_FEE'): it holds other entries only; ")
    assert "download your funding payments instead: Binance's futures Transaction History (Export)" in message
    # its other rows are left out of a ledger that has funding rows, whatever they are
    mixed = text + "2024-03-01 08:00:00,FUNDING_FEE,-1.49821095,USDT,BTCUSDT,1709280000006\n" \
                   "2024-03-01 09:00:00,INSURANCE_CLEAR,-0.1,USDT,BTCUSDT,1709283600007\n"
    fmt, rows = venue_files.read_payments(mixed)
    assert fmt == "binance_futures" and [(r["line"], str(r["amount"])) for r in rows] == [(4, "-1.49821095")]
    # dropped on a funding-rate field: named for what it is, and where it belongs
    out = json.loads(venue_files.import_file_json("funding_series", "rates", mixed.encode()))
    assert "this is a Binance futures transaction history (the website's Transaction History export: payments, " \
           "not rates; use it in Your funding payments)" in out["error"]["message"]


@pytest.mark.parametrize(
    ("row", "line", "column", "words"),
    [
        ("2024-03-01 08:00:00,FUNDING_FEE,-1.4982 USDT,USDT,BTCUSDT,7", 3, "Amount",
         "line 3, column Amount: '-1.4982 USDT' is not an amount"),
        ("2024-02-30 08:00:00,FUNDING_FEE,-1.5,USDT,BTCUSDT,7", 3, "Date(UTC)",
         "line 3: Date(UTC) '2024-02-30 08:00:00' is not a time"),
        ("2024-03-01 08:00:00,FUNDING_FEE,-1.5,USDT,,7", 3, "Symbol", "line 3: Symbol is empty"),
    ],
)
def test_a_bad_futures_row_is_named_by_file_line_and_column(tmp_path: Path, row: str, line: int, column: str,
                                                            words: str) -> None:
    path = tmp_path / "Binance-futures-history.csv"
    path.write_text(FUTURES_HEADER + "2024-03-01 00:00:00,FUNDING_FEE,-1.52316570,USDT,BTCUSDT,6\n" + row + "\n")
    with pytest.raises(venue_files.FileFormatError) as info:
        frames.read_funding_payments(path)
    assert str(info.value).startswith(f"Binance-futures-history.csv: {words}"), str(info.value)
    assert (info.value.line, info.value.column) == (line, column)


NEWER = "Binance-Futures-Transaction-History-202403011200(UTC--6).csv"


def test_the_newer_download_is_read_in_the_zone_its_name_gives_else_in_the_readers() -> None:
    legacy = frames.read_funding_payments(FIX / "binance_futures_transaction_history.csv")
    pd.testing.assert_frame_equal(frames.read_funding_payments(FIX / NEWER), legacy)
    data = (FIX / NEWER).read_bytes()
    # renamed (or as bytes) its times carry no zone: refused without one, as frames refuses any such file
    with pytest.raises(venue_files.FileFormatError, match="the file's times carry no time zone") as info:
        frames.read_funding_payments(data)
    assert info.value.column == "timezone"
    pd.testing.assert_frame_equal(frames.read_funding_payments(data, timezone="UTC-6"), legacy)
    # the page: the file's name gives the zone, whatever the browser's
    named = json.loads(venue_files.import_file_json("funding_payments", "payments", data, None, json.dumps(
        {"timezone": "Asia/Shanghai", "filename": NEWER})))
    assert named["ok"] and not named["zoneless"] and named["timezone"] == "UTC-6"
    assert named["message"].endswith("Its times were read as UTC-6 time, the zone in the file's name.")
    assert "2024-03-01 00:00 to 2024-03-01 08:00 UTC" in named["message"]
    # renamed: read in the reader's zone (the browser's first), which the page says and lets them change
    renamed = json.loads(venue_files.import_file_json("funding_payments", "payments", data, None, json.dumps(
        {"timezone": "Asia/Shanghai", "filename": "futures.csv"})))
    assert renamed["zoneless"] and renamed["timezone"] == "Asia/Shanghai"
    assert renamed["message"].endswith("The file's times carry no time zone: they were read as Asia/Shanghai time.")
    assert "2024-02-29 10:00 to 2024-02-29 18:00 UTC" in renamed["message"]
    # the legacy export says UTC in its header: no zone is asked for, and none given changes it
    legacy_read = json.loads(venue_files.import_file_json(
        "funding_payments", "payments", (FIX / "binance_futures_transaction_history.csv").read_bytes(), None,
        json.dumps({"timezone": "Asia/Shanghai", "filename": "futures.csv"})))
    assert not legacy_read["zoneless"] and legacy_read["timezone"] == "UTC"
    assert "2024-03-01 00:00 to 2024-03-01 08:00 UTC" in legacy_read["message"]


@pytest.mark.parametrize(
    ("name", "zone"),
    [(NEWER, "UTC-6"), ("Binance-Futures-Transaction-History-202603230525(UTC--6)_ab12cd34.csv", "UTC-6"),
     ("Binance-Futures-Transaction-History-202603230525(UTC+8).csv", "UTC+8"), ("x(UTC+5:30).csv", "UTC+5:30"),
     ("x(UTC-3).csv", "UTC-3"), ("x(UTC+0).csv", "UTC"), ("futures.csv", None), ("x(UTC+15).csv", None)],
)
def test_the_zone_in_a_downloads_name(name: str, zone: str | None) -> None:
    assert venue_files.zone_from_name(name) == zone
