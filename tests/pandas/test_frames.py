"""perpcalc.frames: venue funding exports → one tidy schema; calculator outputs → DataFrames.

The fixtures are small files written for these tests in the documented shapes of each
venue's funding-history response (field names as the venues document them; values
invented): Binance GET /fapi/v1/fundingRate and the website CSV export, Bybit
GET /v5/market/funding/history, OKX GET /api/v5/public/funding-rate-history, Hyperliquid
info {"type": "fundingHistory"}.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import perpcalc
import pytest
from perpcalc import frames
from perpcalc.frames import FundingFileError, read_funding_history, to_frame

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def check_schema(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["time", "venue", "symbol", "interval_hours", "rate"]
    assert str(df["time"].dt.tz) == "UTC"
    assert df["rate"].dtype == float and df["interval_hours"].dtype == float
    for _, part in df.groupby("symbol"):
        assert part["time"].is_monotonic_increasing


# ------------------------------------------------------------------ one schema per venue


def test_binance_api_json_with_interval_change() -> None:
    df = read_funding_history(FIX / "binance_fundingRate.json", "binance")
    check_schema(df)
    assert len(df) == 6 and set(df["venue"]) == {"binance"} and set(df["symbol"]) == {"BTCUSDT"}
    assert df["time"].iloc[0] == pd.Timestamp("2024-03-01 00:00", tz="UTC")
    # fundingRate "0.00300000" is the 0.3 % cap; after it the interval drops from 8 h to 4 h.
    # Times carry a stray millisecond on every other row: intervals are rounded to the minute.
    assert df["interval_hours"].tolist() == [8.0, 8.0, 8.0, 4.0, 4.0, 4.0]
    assert df["rate"].tolist() == [0.0001, 0.0003125, 0.003, 0.0012, 0.0001, -0.000025]


def test_binance_website_csv_export() -> None:
    # the head and the tail of a public BTCUSDT export saved in UTC+8: its oldest row is
    # Binance's first BTCUSDT settlement, 2019-09-10 08:00 UTC (fundingTime 1568102400000)
    df = read_funding_history(FIX / "binance_web.csv", "binance", timezone="Asia/Shanghai")
    check_schema(df)
    assert df["time"].iloc[0] == pd.Timestamp(1568102400000, unit="ms", tz="UTC")
    # newest first in the file, oldest first here; "BTCUSDT Perpetual" → BTCUSDT; percent → fraction
    assert df["time"].tolist() == [
        pd.Timestamp(t, tz="UTC") for t in ("2019-09-10 08:00", "2025-06-17 08:00", "2025-06-17 16:00",
                                            "2025-06-18 00:00", "2025-06-18 08:00")
    ]
    assert set(df["symbol"]) == {"BTCUSDT"}
    assert df["rate"].tolist() == pytest.approx([0.0001, 0.0001, 0.0001, -0.00001752, 0.00003694], abs=1e-15)
    assert df["interval_hours"].tolist() == [8.0] * 5
    # the same wall times in an offset or in another zone's name
    assert read_funding_history(FIX / "binance_web.csv", "binance", timezone="UTC+8")["time"].equals(df["time"])
    utc = read_funding_history(FIX / "binance_web.csv", "binance", timezone="UTC")
    assert (utc["time"] - df["time"]).unique().tolist() == [pd.Timedelta(hours=8)]


def test_binance_website_csv_without_a_zone_is_refused() -> None:
    # its times carry no zone: read as UTC they would be 8 hours off and look right
    with pytest.raises(FundingFileError, match=r"line 2, column Time: the file's times carry no time zone") as info:
        read_funding_history(FIX / "binance_web.csv", "binance")
    assert info.value.line == 2 and info.value.column == "timezone"
    with pytest.raises(FundingFileError, match="unknown time zone 'Mars/Olympus'"):
        read_funding_history(FIX / "binance_web.csv", "binance", timezone="Mars/Olympus")


def test_binance_website_csv_across_a_daylight_saving_change() -> None:
    text = ("Time,Contracts,Funding Interval,Funding Rate\n2025-03-30 09:00:00,BTCUSDT Perpetual,8h,0.01%\n"
            "2025-03-30 01:00:00,BTCUSDT Perpetual,8h,0.02%\n")
    df = read_funding_history(io.StringIO(text), "binance", timezone="Europe/Berlin")
    # 01:00 is CET (UTC+1), 09:00 CEST (UTC+2) in Berlin on the night the clocks go forward
    assert df["time"].tolist() == [pd.Timestamp(t, tz="UTC") for t in ("2025-03-30 00:00", "2025-03-30 07:00")]


def test_bybit_envelope_and_csv_agree() -> None:
    a = read_funding_history(FIX / "bybit_funding_history.json", "bybit")
    b = read_funding_history(FIX / "bybit_funding_history.csv", "bybit")
    check_schema(a)
    pd.testing.assert_frame_equal(a, b)
    assert a["rate"].tolist() == [0.0001, -0.000042, 0.00005, 0.0001]
    assert a["interval_hours"].tolist() == [8.0] * 4 and set(a["symbol"]) == {"ETHUSDT"}


def test_okx_uses_the_realized_rate() -> None:
    df = read_funding_history(FIX / "okx_funding_rate_history.json", "okx")
    check_schema(df)
    assert df["symbol"].tolist() == ["BTC-USDT-SWAP"] * 3
    assert df["rate"].tolist() == [-0.0000200005, 0.0000849911, 0.0001021938]
    # without realizedRate the fundingRate field is used
    data = json.loads((FIX / "okx_funding_rate_history.json").read_text())
    for row in data["data"]:
        del row["realizedRate"]
    assert read_funding_history(data, "okx")["rate"].tolist() == [-0.00002, 0.000085, 0.000102]


def test_hyperliquid_hourly() -> None:
    df = read_funding_history(FIX / "hyperliquid_fundingHistory.json", "hyperliquid")
    check_schema(df)
    assert df["interval_hours"].tolist() == [1.0] * 4  # settlement times jitter by milliseconds
    assert df["rate"].tolist() == [0.0000125, 0.0000125, 0.00002113, -0.00000431]
    assert df["time"].iloc[0] == pd.Timestamp("2024-09-01 00:00:00.048", tz="UTC")


def test_buffers_bytes_and_parsed_json() -> None:
    text = (FIX / "bybit_funding_history.json").read_text()
    ref = read_funding_history(FIX / "bybit_funding_history.json", "bybit")
    for source in (io.StringIO(text), io.BytesIO(text.encode()), text.encode(), json.loads(text),
                   str(FIX / "bybit_funding_history.json")):
        pd.testing.assert_frame_equal(read_funding_history(source, "Bybit"), ref)


def test_fixed_interval_single_record_and_overlapping_pages() -> None:
    one = [{"coin": "ETH", "fundingRate": "0.0000125", "premium": "0", "time": 1725148800000}]
    with pytest.raises(FundingFileError) as err:
        read_funding_history(one, "hyperliquid")
    assert err.value.column == "interval_hours"
    assert read_funding_history(one, "hyperliquid", interval_hours=1)["interval_hours"].tolist() == [1.0]
    # the same settlement on two pages is kept once
    two = [*one, {**one[0], "time": 1725152400000}, *one]
    assert len(read_funding_history(two, "hyperliquid")) == 2


def test_several_symbols_are_separate_series() -> None:
    rows = [{"symbol": s, "fundingTime": 1709251200000 + k * 8 * 3600_000, "fundingRate": "0.0001"}
            for s in ("ETHUSDT", "BTCUSDT") for k in range(3)]
    df = read_funding_history(rows, "binance")
    assert df["symbol"].tolist() == ["BTCUSDT"] * 3 + ["ETHUSDT"] * 3
    assert df["interval_hours"].tolist() == [8.0] * 6


# ------------------------------------------------------------------ malformed files name column and line

BAD = [
    # (venue, content, column, line, words in the message)
    ("binance", "Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual,8h,abc%\n",
     "Funding Rate", 2, "must be a number"),
    ("binance", "Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.01%\n"
     "yesterday,BTCUSDT Perpetual,8h,0.01%\n", "Time", 3, "not a time"),
    ("binance", "Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual,eight,0.01%\n",
     "Funding Interval", 2, "hours"),
    ("binance", "Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual,8h\n",
     None, 2, "fields"),
    ("bybit", "symbol,fundingRate\nETHUSDT,0.0001\n", "fundingRateTimestamp", 2, "no 'fundingRateTimestamp'"),
    ("bybit", "symbol,fundingRate,fundingRateTimestamp\nETHUSDT,,1714521600000\n", "fundingRate", 2, "empty"),
    ("bybit", '{"retCode": 10001, "retMsg": "params error: symbol invalid", "result": {}}', "retCode", None,
     "symbol invalid"),
    ("okx", '{"code": "0", "data": [{"instId": "BTC-USDT-SWAP", "fundingTime": "1719907200000", '
     '"realizedRate": "0.0001"}, {"instId": "BTC-USDT-SWAP", "fundingTime": "soon", "realizedRate": "0.0001"}]}',
     "fundingTime", 2, "not a time"),
    ("okx", '{"code": "51001", "msg": "Instrument ID does not exist", "data": []}', "code", None, "does not exist"),
    ("hyperliquid", '[{"coin": "BTC", "fundingRate": "5", "time": 1725148800000}]', "fundingRate", 1, "not a rate"),
    ("hyperliquid", '[{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800}]', "time", 1, "milliseconds"),
    ("hyperliquid", '[{"coin": "BTC", "fundingRate": "0.00001", "time": 1725148800000}, ', None, 1, "invalid JSON"),
    ("hyperliquid", '[["BTC", "0.00001", 1725148800000]]', None, 1, "not an object"),
    ("binance", '{"code": -1121, "msg": "Invalid symbol."}', "code", None, "Invalid symbol"),
    ("binance", '[{"symbol": "BTCUSDT", "fundingTime": 1709251200000, "fundingRate": "0.0001"}, '
     '{"symbol": "BTCUSDT", "fundingTime": 1709251200000, "fundingRate": "0.0002"}]', "rate", 2, "two different"),
    ("binance", "", None, None, "empty"),
    ("binance", "[]", None, None, "no funding records"),
    ("kraken", "[]", "venue", None, "unknown venue"),
]


@pytest.mark.parametrize(("venue", "content", "column", "line", "words"), BAD)
def test_malformed_files_raise_funding_file_error(venue, content, column, line, words) -> None:
    with pytest.raises(FundingFileError) as err:
        read_funding_history(io.StringIO(content), venue)
    assert isinstance(err.value, ValueError)
    assert err.value.column == column and err.value.line == line
    assert words in str(err.value)


def test_missing_file_is_a_funding_file_error(tmp_path: Path) -> None:
    with pytest.raises(FundingFileError, match="cannot read"):
        read_funding_history(tmp_path / "nope.json", "okx")


# ------------------------------------------------------------------ calculator outputs as frames


def test_to_frame_table_series_and_scalars() -> None:
    example = perpcalc.get("funding_series").examples["reversal"]
    out = perpcalc.run("funding_series", example)
    rev = to_frame("funding_series", out, "reversals")
    assert list(rev.columns) == ["index", "time", "from_sign", "to_sign", "rate_before", "rate_after"]
    assert rev["index"].tolist() == [4, 9, 14, 16]
    assert rev.attrs["labels"]["index"] == "Index (0 = first rate)"
    chart = to_frame("funding_series", out, "chart")
    assert len(chart) == 20 and chart.attrs["labels"]["rate"] == "Rate (% per interval)"
    scalars = to_frame("funding_series", out)
    assert scalars.loc["reversal_count", "value"] == 4
    assert "reversals" not in scalars.index and "chart" not in scalars.index
    with pytest.raises(ValueError, match="no output"):
        to_frame("funding_series", out, "nope")
    with pytest.raises(ValueError, match="not a table"):
        to_frame("funding_series", out, "mean")


def test_export_round_trip_into_the_series_calculator() -> None:
    df = read_funding_history(FIX / "binance_web.csv", "binance", timezone="UTC")
    df = df[df["time"] >= "2025-01-01"]  # the unbroken part of the export
    inputs = frames.funding_series_inputs(df)
    assert inputs["interval_hours"] == "8.0" and inputs["start"] == "2025-06-17T16:00Z"
    out = perpcalc.run("funding_series", inputs)
    # rates 0.01 %, 0.01 %, −0.001752 %, 0.003694 %: two reversals (index 2 and 3), 1 of 4 negative
    assert out["count"] == 4 and out["reversal_count"] == 2 and out["share_negative"] == 0.25
    assert [r["time"] for r in out["reversals"]] == ["2025-06-18 08:00 UTC", "2025-06-18 16:00 UTC"]
    with pytest.raises(ValueError, match="one symbol"):
        frames.funding_series_inputs(df, symbol="ETHUSDT")


def test_perpcalc_never_imports_pandas() -> None:
    code = "import sys, perpcalc; perpcalc.run('funding_series', {'source': 'simulated'}); " \
           "print('pandas' in sys.modules, 'perpcalc.frames' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "calculators")})
    assert res.stdout.split() == ["False", "False"]


def test_line_chart_is_svg_with_one_line_per_column() -> None:
    out = perpcalc.run("funding_series", perpcalc.get("funding_series").examples["reversal"])
    chart = frames.line_chart(to_frame("funding_series", out, "chart"), "index", ["rate", "running_mean"],
                              "Funding <rate>")
    svg = chart._repr_svg_()
    assert svg.startswith("<svg") and svg.endswith("</svg>") and svg.count("<polyline") == 2
    assert "Funding &lt;rate&gt;" in svg
    bars = frames.line_chart(pd.DataFrame({"step": [1, 2, 3], "amount": [5.0, -2.0, None]}), "step", "amount",
                             kind="bar")
    assert str(bars).count("<rect") == 1 + 2  # legend swatch + two bars (the missing value is skipped)
    with pytest.raises(ValueError):
        frames.line_chart(pd.DataFrame({"a": [], "b": []}), "a", "b")


def test_binance_website_csv_without_interval_column_and_with_bom() -> None:
    text = "\ufeffTime,Contracts,Funding Rate\n2025-06-18 16:00:00,ETHUSDT Perpetual,0.01%\n" \
           "2025-06-18 12:00:00,ETHUSDT Perpetual,0.02%\n2025-06-18 08:00:00,ETHUSDT Perpetual,-0.01%\n"
    df = read_funding_history(io.BytesIO(text.encode("utf-8")), "binance", timezone="UTC")
    check_schema(df)
    assert df["interval_hours"].tolist() == [4.0, 4.0, 4.0] and set(df["symbol"]) == {"ETHUSDT"}
    assert df["rate"].tolist() == pytest.approx([-0.0001, 0.0002, 0.0001], abs=1e-15)
