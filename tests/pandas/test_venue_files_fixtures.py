"""The browser's reader (perpcalc.venue_files, standard library, the venue recognised from the
file) and the pandas layer (perpcalc.frames, venue named) read every fixture export alike:
the same times, symbols, intervals and rates. The fixtures are described in test_frames.py."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import perpcalc
import pytest
from perpcalc import venue_files
from perpcalc.frames import read_funding_history

FIX = Path(__file__).parent / "fixtures"
FILES = {
    "binance_fundingRate.json": "binance",
    "binance_web.csv": "binance",
    "bybit_funding_history.csv": "bybit",
    "bybit_funding_history.json": "bybit",
    "hyperliquid_fundingHistory.json": "hyperliquid",
    "okx_funding_rate_history.json": "okx",
}


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in FIX.iterdir()) == sorted(FILES)


@pytest.mark.parametrize(("name", "venue"), sorted(FILES.items()))
def test_browser_reader_matches_the_pandas_layer(name: str, venue: str) -> None:
    data = (FIX / name).read_bytes()
    assert venue_files.detect_venue(venue_files.decode(data)) == venue
    rows = venue_files.read_funding_history(data, timezone="Asia/Shanghai")
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
