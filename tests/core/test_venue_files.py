"""perpcalc.venue_files: the standard-library reader of a reader's own files (funding-history
exports, positions CSV) that the browser's worker uses. Runs in CPython and inside Pyodide.

The venue shapes are the documented ones (field names as Binance GET /fapi/v1/fundingRate and
its website export, Bybit GET /v5/market/funding/history, OKX GET
/api/v5/public/funding-rate-history and Hyperliquid info {"type": "fundingHistory"} name
them; values invented). tests/pandas/test_venue_files_fixtures.py reads the fixture files.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

import perpcalc
import pytest
from perpcalc import venue_files as vf
from perpcalc.venue_files import FileFormatError, FundingFileError

H = 3_600_000  # one hour in ms
T0 = 1_709_251_200_000  # 2024-03-01 00:00 UTC


def hyperliquid(n: int, step: int = H) -> str:
    return json.dumps([{"coin": "BTC", "fundingRate": f"{(k % 7 - 3) * 1e-6:.8f}", "premium": "0",
                        "time": T0 + k * step + (k % 3)} for k in range(n)])


def test_each_venue_is_recognised_from_its_fields() -> None:
    cases = {
        "binance": '[{"symbol": "BTCUSDT", "fundingTime": 1709251200000, "fundingRate": "0.0001"}]',
        "bybit": '{"retCode": 0, "retMsg": "OK", "result": {"list": [{"symbol": "ETHUSDT", "fundingRate": "0.0001",'
                 ' "fundingRateTimestamp": "1714608000000"}]}}',
        "okx": '{"code": "0", "msg": "", "data": [{"instId": "BTC-USDT-SWAP", "fundingTime": "1719907200000",'
               ' "realizedRate": "0.0001"}]}',
        "hyperliquid": '[{"coin": "BTC", "fundingRate": "0.0000125", "time": 1725148800048}]',
    }
    for venue, text in cases.items():
        assert vf.detect_venue(vf.decode(text)) == venue
    assert vf.detect_venue("Time,Contracts,Funding Interval,Funding Rate\n") == "binance"
    assert vf.detect_venue("symbol,fundingRate,fundingRateTimestamp\n") == "bybit"
    assert vf.detect_venue("instId,fundingTime,realizedRate\n") == "okx"


def test_binance_web_export_newest_first_percent_and_given_interval() -> None:
    text = ("Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.003694%\n"
            "2025-06-18 08:00:00,BTCUSDT Perpetual,8h,-0.001752%\n2025-06-18 00:00:00,BTCUSDT Perpetual,4h,0.01%\n")
    rows = vf.read_funding_history(text)
    assert [r.time.strftime("%H") for r in rows] == ["00", "08", "16"]
    assert [r.rate for r in rows] == [Decimal("0.0001"), Decimal("-0.00001752"), Decimal("0.00003694")]
    assert [r.interval_hours for r in rows] == [4.0, 8.0, 8.0]  # the file says: not inferred
    assert {r.symbol for r in rows} == {"BTCUSDT"} and [r.line for r in rows] == [4, 3, 2]


def test_interval_inferred_to_the_minute_and_fixed_on_request() -> None:
    rows = vf.read_funding_history(hyperliquid(5))
    assert [r.interval_hours for r in rows] == [1.0] * 5  # millisecond jitter is rounded away
    times = [T0, T0 + 8 * H, T0 + 16 * H, T0 + 20 * H, T0 + 24 * H]  # 8 h, then 4 h after a capped rate
    data = [{"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": "0.0001"} for t in times]
    assert [r.interval_hours for r in vf.read_funding_history(data)] == [8.0, 8.0, 8.0, 4.0, 4.0]
    assert [r.interval_hours for r in vf.read_funding_history(data, interval_hours=8)] == [8.0] * 5


def test_funding_inputs_fill_the_series_calculator_and_round_trip_through_run() -> None:
    values, message = vf.funding_inputs(vf.read_funding_history(hyperliquid(30)))
    assert values["interval_hours"] == "1" and values["start"] == "2024-03-01T00:00Z"
    assert "30 settlements of BTC" in message and "every 1 h" in message
    out = perpcalc.run("funding_series", values)
    assert out["count"] == 30
    # the chart's time axis: one UTC time per point, an hour apart
    assert out["chart"][0]["time"] == "2024-03-01T00:00Z" and out["chart"][1]["time"] == "2024-03-01T01:00Z"
    assert perpcalc.run("funding_series", {**values, "start": None})["chart"][0]["time"] is None


def test_varying_intervals_are_named_and_the_most_common_is_used() -> None:
    times = [T0 + k * 8 * H for k in range(6)] + [T0 + 44 * H]
    data = [{"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": "0.0001"} for t in times]
    values, message = vf.funding_inputs(vf.read_funding_history(data))
    assert values["interval_hours"] == "8" and "vary (also 4 h" in message


def test_several_symbols_are_refused_by_name() -> None:
    data = [{"symbol": s, "fundingTime": T0 + k * 8 * H, "fundingRate": "0.0001"} for s in ("A", "B") for k in range(2)]
    with pytest.raises(FundingFileError, match=r"2 symbols \(A, B\)") as err:
        vf.funding_inputs(vf.read_funding_history(data))
    assert err.value.column == "symbol"


@pytest.mark.parametrize(
    ("text", "column", "line", "words"),
    [
        ("symbol,fundingRate,fundingRateTimestamp\nETHUSDT,0.0001,1714608000000\nETHUSDT,0.0x1,1714579200000\n",
         "fundingRate", 3, "line 3: fundingRate '0.0x1' is not a number"),
        ("symbol,fundingRate,fundingRateTimestamp\nETHUSDT,0.0001,1714608000000\nETHUSDT,0.0001,tomorrow\n",
         "fundingRateTimestamp", 3, "not a time"),
        ('[{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}, {"coin": "BTC", "time": 1725152400000}]',
         "fundingRate", 2, "record 2: no 'fundingRate' field"),
        ('{"code": "0", "data": [{"instId": "X", "fundingTime": "1719907200000", "realizedRate": "2"}]}',
         "realizedRate", 1, "not a rate"),
        ("Time,Contracts,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual\n", None, 2, "2 fields, the header has 3"),
        ('[{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}\n,', None, 2, "invalid JSON at line 2"),
    ],
)
def test_malformed_files_name_line_and_column(text: str, column: str | None, line: int, words: str) -> None:
    with pytest.raises(FundingFileError) as err:
        vf.read_funding_history(text)
    assert (err.value.column, err.value.line) == (column, line)
    assert words in str(err.value)


def test_positions_csv_is_checked_cell_by_cell() -> None:
    cols = perpcalc.get("adl_ranking").field("positions").columns
    good = "ID, Side, size, entry_price, mark_price, margin\nA, long, 2, 100, 110, 20\n\nB, short, 1, 100, 110, 50\n"
    assert [r["id"] for r in vf.read_positions(good, cols)] == ["A", "B"]
    bad = "id,side,size,entry_price,mark_price,margin\nA,long,2,100,110,20\nB,sideways,1,100,110,50\n"
    with pytest.raises(FileFormatError) as err:
        vf.read_positions(bad, cols)
    assert (err.value.column, err.value.line) == ("side", 3) and "line 3, column side" in str(err.value)
    with pytest.raises(FileFormatError) as err:
        vf.read_positions("id,side,size,entry,mark_price,margin\n", cols)
    assert (err.value.column, err.value.line) == ("entry", 1)
    with pytest.raises(FileFormatError, match="line 2, column size"):
        vf.read_positions("id,side,size,entry_price,mark_price,margin\nA,long,-1,100,110,20\n", cols)


def test_import_file_fills_the_form_and_reports_errors_as_json() -> None:
    out = json.loads(vf.import_file_json("funding_exposure", "rates", hyperliquid(10).encode()))
    assert out["ok"] and set(out["values"]) == {"rates", "interval_hours"}  # exposure has no start or source
    assert perpcalc.run("funding_exposure", {**out["values"], "side": "long", "mark_price": 100})["intervals"] == 10
    pos = "id,side,size,entry_price,margin\nL1,long,10,100,100\nS1,short,10,100,500\n"
    out = json.loads(vf.import_file_json("insolvency_waterfall", "positions", pos.encode()))
    assert out["ok"] and out["values"]["positions"].count("\n") == 2
    run = perpcalc.run("insolvency_waterfall", {"positions": out["values"]["positions"], "mark_price": 50})
    assert run["liquidated"]
    out = json.loads(vf.import_file_json("adl_ranking", "positions", b"id,side\nA,long\n"))
    assert not out["ok"] and out["error"]["field"] == "positions" and out["error"]["line"] == 1
    assert "Traceback" not in out["error"]["message"]


# ------------------------------------------------------------------ hostile files


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"[]", "no funding records"),
        (b"{}", "not a funding history"),
        (b"id,side,size,entry_price,margin\nA,long,1,100,10\n", "not a funding history"),  # positions file
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32 levels"),  # would overflow Pyodide's stack
        (b"[" * 100_000, "nested more than 32 levels"),
        (b'[{"coin": "BTC", "time": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]', "is not a time"),
        (b'"just a string"', "not a funding history"),
    ],
)
def test_hostile_files_are_refused_in_words(data: bytes, words: str) -> None:
    out = json.loads(vf.import_file_json("funding_series", "rates", data))
    assert not out["ok"] and words in out["error"]["message"] and out["error"]["field"] == "rates"


def test_a_wrong_venue_is_named() -> None:
    okx = '{"code": "0", "data": [{"instId": "BTC-USDT-SWAP", "fundingTime": "1719907200000", "realizedRate": "0"}]}'
    with pytest.raises(FundingFileError, match="expected a list of records in the binance response"):
        vf.read_funding_history(okx, "binance")


def test_a_million_lines_are_refused_quickly() -> None:
    text = "symbol,fundingRate,fundingRateTimestamp\n" + "ETHUSDT,0.0001,1714608000000\n" * 1_000_000
    t = time.process_time()
    out = json.loads(vf.import_file_json("funding_series", "rates", text.encode()))
    assert not out["ok"] and "more than 100,000 settlements" in out["error"]["message"]
    # a guard against reading the whole file before refusing (about 0.3 s of CPU): CPU time, not wall
    # time, so a busy machine cannot fail it; a quadratic or whole-file read takes minutes
    assert time.process_time() - t < 10
    pos = "id,side,size,entry_price,margin\n" + "A,long,1,100,10\n" * 1_000_000
    out = json.loads(vf.import_file_json("insolvency_waterfall", "positions", pos.encode()))
    assert not out["ok"] and "more than" in out["error"]["message"]


def test_a_huge_cell_and_a_huge_number_stay_errors() -> None:
    big = "symbol,fundingRate,fundingRateTimestamp\nETHUSDT," + "9" * 100_000 + ",1714608000000\n"
    out = json.loads(vf.import_file_json("funding_series", "rates", big.encode()))
    assert not out["ok"] and out["error"]["line"] == 2 and out["error"]["column"] == "fundingRate"
    far = '[{"coin": "BTC", "fundingRate": "0", "time": 99999999999999999999999}]'
    out = json.loads(vf.import_file_json("funding_series", "rates", far.encode()))
    assert not out["ok"] and "between 2000 and 2100" in out["error"]["message"]


def test_a_long_file_is_read_with_progress() -> None:
    """Every 10,000 records (the browser test reads 100,000 through the page)."""
    seen: list[tuple[int, int]] = []
    out = json.loads(vf.import_file_json("funding_series", "rates", hyperliquid(30_000).encode(),
                                         lambda done, total: seen.append((done, total))))
    assert out["ok"] and out["values"]["rates"].count("\n") == 30_000
    assert seen == [(10_000, 30_000), (20_000, 30_000), (30_000, 30_000)]
