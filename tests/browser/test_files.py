"""The reader's own files in Chromium: each venue's funding-history export (the fixtures of
tests/pandas) chosen with the file button fills the funding-series calculator and recomputes,
with the chart on a UTC time axis; a malformed file is named by line and column beside the
field; a positions file is dropped on the ADL ranking; a pasted export is read like a file;
no request carries a file anywhere; a 100,000-settlement file shows progress and leaves the
page responsive. A file whose times carry no zone is read in the browser's time zone, says
so, and is read again in the zone the reader picks; files as spreadsheets save them (UTF-16,
semicolons, thousands separators, scientific times, rounded rates) are read or refused in
words. Payment ledgers fill "Your funding payments" (Binance's futures Transaction History
export by button and drop, refused in words when it holds no funding row or a bad amount); a
100,000-row ledger (income JSON, the futures CSV) reads with progress. One page load per
calculator, reused for every file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import perpcalc
import pytest
from helpers import HOLD, LONG_TASK_MS, MainThreadTasks, Tab, page_of
from perpcalc import venue_files

pytestmark = pytest.mark.browser

FIX = Path(__file__).resolve().parents[1] / "pandas" / "fixtures"
# file -> (number of settlements, interval_hours the form gets, first settlement time)
FUNDING = {
    "binance_fundingRate.json": (6, "8", "2024-03-01T00:00Z"),
    "bybit_funding_history.csv": (4, "8", "2024-05-01T00:00Z"),
    "bybit_funding_history.json": (4, "8", "2024-05-01T00:00Z"),
    "okx_funding_rate_history.json": (3, "8", "2024-07-01T16:00Z"),
    "hyperliquid_fundingHistory.json": (4, "1", "2024-09-01T00:00Z"),
    "BTCUSDT-fundingRate-2024-01.csv": (4, "8", "2024-01-01T00:00Z"),
    "hyperliquid_userFunding.json": (3, "1", "2023-04-11T14:10Z"),
    "dydx_historicalFunding.json": (3, "1", "2025-07-25T11:00Z"),
    "deribit_get_funding_rate_history.json": (3, "1", "2019-10-01T01:00Z"),
    "ccxt_fetch_funding_rate_history.json": (3, "8", "2024-03-01T00:00Z"),
    "okx_two_pages.json": (3, "8", "2024-07-01T16:00Z"),
}
MARKER = "QQFILEMARKERQQ"

WATCH = """() => { window.__fileStatus = [];
  const box = document.querySelector('form.perpcalc[data-calculator="funding_series"] [data-file-for="rates"]');
  new MutationObserver(() => window.__fileStatus.push([box.querySelector('[data-file-status]').textContent,
    performance.now()]))
    .observe(box, { subtree: true, childList: true, characterData: true, attributes: true }); }"""

SETTLED = """n => { const f = document.querySelector(`form.perpcalc[data-calculator="${n}"]`);
  const box = f.querySelector('[data-file-for]');
  return box.dataset.state !== 'busy' && f.dataset.stale === 'false' && f.dataset.dirty !== 'true'; }"""


def _choose(tab: Tab, name: str, field: str, filename: str, data: bytes) -> None:
    control = tab.form(name).locator(f'[data-file-for="{field}"] input[type="file"]')
    control.set_input_files(files=[{"name": filename, "mimeType": "text/plain", "buffer": data}])


def _value(tab: Tab, name: str, field: str) -> str:
    return tab.form(name).locator(f'[name="{field}"]').input_value()


def test_funding_files_fill_the_series_calculator(tab: Tab, built_site: dict) -> None:
    posted: list[tuple[str, str, str]] = []
    tab.page.on("request", lambda r: posted.append((r.method, r.url, r.post_data or "")))
    tab.goto(page_of(built_site, "funding_series"))
    tab.wait_ready("funding_series")
    form = tab.form("funding_series")
    button = form.locator('[data-file-for="rates"] input[type="file"]')
    label = form.locator(f'label[for="{button.get_attribute("id")}"]')
    assert label.inner_text().strip() == "Read a funding-history file"
    # a simulated series hides the pasted-rates field, never its file button: reading a file
    # is choosing one's own rates, and the field comes into view with them
    form.locator('[name="source"]').select_option("simulated")
    assert not form.locator('[data-field="rates"]').is_visible()
    assert button.is_visible()
    button.focus()  # reachable from the keyboard
    assert tab.page.evaluate("() => document.activeElement.type") == "file"
    before = len(posted)

    for filename, (count, interval, start) in FUNDING.items():
        data = (FIX / filename).read_bytes().replace(b"BTC", MARKER.encode()).replace(b"ETH", MARKER.encode())
        _choose(tab, "funding_series", "rates", filename, data)
        tab.wait(SETTLED, "funding_series", timeout=30)
        status = form.locator("[data-file-status]").inner_text()
        assert status.startswith(f"Read {filename}: {count:,} settlements of"), status
        outputs = tab.outputs("funding_series")
        assert outputs["count"]["value"] == count, filename
        assert _value(tab, "funding_series", "interval_hours") == interval
        assert _value(tab, "funding_series", "start") == start
        assert _value(tab, "funding_series", "source") == "input"
        assert form.locator('[data-field="rates"]').is_visible()
        assert _value(tab, "funding_series", "rates").count("\n") == count
        # the file's rates are shown in the unit the reader types (percent), and mean what the file says
        inputs = venue_files.funding_inputs(venue_files.read_funding_history(data))[0]
        fractions = inputs["rates"].split("\n")[1:]
        shown = _value(tab, "funding_series", "rates").split("\n")[1:]
        assert shown == [format((Decimal(r) * 100).normalize(), "f") for r in fractions], filename
        assert outputs["mean"]["value"] == perpcalc.run("funding_series", inputs)["mean"], filename
        assert outputs["chart"]["value"][0]["time"] == start
        # the chart is drawn in a task of its own after the results: wait for it, then read its axis
        chart = """form.perpcalc[data-calculator="funding_series"] [data-chart-for="chart"]"""
        tab.wait("s => document.querySelector(s)?.dataset.xAxis === 'time'", chart)
        assert form.locator('[data-error-for="rates"]').inner_text() == ""

    # a malformed file: the line and the column, beside the field, in words
    bad = b"symbol,fundingRate,fundingRateTimestamp\nETHUSDT,0.0001,1714608000000\nETHUSDT,abc,1714579200000\n"
    _choose(tab, "funding_series", "rates", "broken.csv", bad)
    tab.wait("() => document.querySelector('[data-error-for=\"rates\"]').textContent !== ''")
    error = form.locator('[data-error-for="rates"]').inner_text()
    assert error == "broken.csv: line 3: fundingRate must be a number (got 'abc')", error
    assert form.locator('textarea[name="rates"]').get_attribute("aria-invalid") == "true"
    last_good = list(FUNDING.values())[-1][0]
    assert tab.outputs("funding_series")["count"]["value"] == last_good  # the last good file's results stay

    # a pasted export is read like a file (an ordinary column of rates is not)
    text = (FIX / "bybit_funding_history.csv").read_text()
    tab.page.evaluate(
        """t => { const el = document.querySelector('form.perpcalc[data-calculator="funding_series"] textarea');
           const dt = new DataTransfer(); dt.setData('text/plain', t);
           el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })); }""",
        text,
    )
    tab.wait(SETTLED, "funding_series", timeout=30)
    assert form.locator("[data-file-status]").inner_text().startswith("Read the pasted text: 4 settlements of ETHUSDT")
    assert form.locator('[data-error-for="rates"]').inner_text() == ""

    during = posted[before:]
    assert all(method == "GET" for method, _, _ in during), during
    assert not [u for _, u, body in during if MARKER in u or MARKER in body or "ETHUSDT" in body]
    assert not [u for _, u, _ in during if not u.startswith(tab.origin)]
    assert tab.errors == [], tab.errors[:5]


def test_a_large_file_shows_progress_and_keeps_the_page_responsive(tab: Tab, built_site: dict, tmp_path: Path) -> None:
    tab.goto(page_of(built_site, "funding_series"))
    tab.wait_ready("funding_series")
    tab.page.evaluate(WATCH)
    rows = [{"coin": "BTC", "fundingRate": f"{((k * 7919) % 201 - 100) * 1e-7:.8f}", "premium": "0.00012345",
             "time": 1_700_000_000_000 + k * 3_600_000 + k % 7} for k in range(100_000)]
    data = json.dumps(rows, indent=1).encode()
    assert len(data) > 9_000_000
    # chosen from disk as a reader does (a buffer would be decoded from base64 by Playwright on the page's thread)
    path = tmp_path / "big.json"
    path.write_bytes(data)
    with MainThreadTasks(tab) as tasks:
        tab.form("funding_series").locator('[data-file-for="rates"] input[type="file"]').set_input_files(path)
        tab.wait(SETTLED, "funding_series", timeout=180)
    outputs = tab.outputs("funding_series")
    assert outputs["count"]["value"] == 100_000
    statuses = [s for s, _ in tab.page.evaluate("() => window.__fileStatus")]
    total = f" of {len(data) / 1e6:.1f} MB"
    assert any(s.startswith("Reading big.json in your browser: ") and total in s for s in statuses), statuses[:5]
    assert any(s.startswith("Checking big.json: line") for s in statuses), statuses[-5:]
    print(f"\nwhile reading 100,000 settlements ({len(data) / 1e6:.1f} MB): {tasks.summary()}")
    assert tasks.longest_cpu <= LONG_TASK_MS, tasks.verdict()
    assert tab.errors == [], tab.errors[:5]


def test_positions_files_drop_into_the_ranking(tab: Tab, built_site: dict) -> None:
    tab.goto(page_of(built_site, "adl_ranking"))
    tab.wait_ready("adl_ranking")
    form = tab.form("adl_ranking")
    drop = """([name, text]) => { const f = document.querySelector('form.perpcalc[data-calculator="adl_ranking"]');
      const dt = new DataTransfer(); dt.items.add(new File([text], name, { type: 'text/csv' }));
      const field = f.querySelector('[data-field="positions"]');
      field.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      field.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })); }"""
    good = ("id,side,size,entry_price,mark_price,margin\nA,long,2,100,120,20\nB,long,1,100,110,50\n"
            "C,short,3,100,120,400\n")
    tab.page.evaluate(drop, ["book.csv", good])
    tab.wait(SETTLED, "adl_ranking", timeout=30)
    assert form.locator("[data-file-status]").inner_text() == "Read book.csv: 3 positions."
    ranking = tab.outputs("adl_ranking")["ranking"]["value"]
    assert sorted(r["id"] for r in ranking) == ["A", "B", "C"]
    # rows pasted under the field's own header (no header of their own) are an ordinary paste: they
    # were taken for a venue file and refused ("unknown column 'd'"), and the paste never happened
    status = form.locator("[data-file-status]").inner_text()
    pasted = tab.page.evaluate(
        """t => { const el = document.querySelector('form.perpcalc[data-calculator="adl_ranking"]')
             .querySelector('textarea[name="positions"]');
           const dt = new DataTransfer(); dt.setData('text/plain', t);
           const paste = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
           return el.dispatchEvent(paste); }""",
        "D, short, 1, 100, 90, 5\nE, long, 2, 100, 95, 30",
    )
    assert pasted, "the paste was cancelled: taken for a file"
    assert form.locator("[data-file-status]").inner_text() == status
    bad = "id,side,size,entry_price,mark_price,margin\nA,long,2,100,120,20\nB,long,-1,100,110,50\n"
    tab.page.evaluate(drop, ["bad.csv", bad])
    tab.wait("() => document.querySelector('[data-error-for=\"positions\"]').textContent !== ''")
    error = form.locator('[data-error-for="positions"]').inner_text()
    assert error.startswith("bad.csv: line 3, column size: "), error
    assert tab.errors == [], tab.errors[:5]


# [computes for calculator n posted before, and by the time its form says a file is read] (HOLD records them)
COMPUTES_AT_FILE = """n => {
  const count = () => window.__posted.filter(([type, name]) => type === 'compute' && name === n).length;
  window.__computesAtFile = [count()];
  document.querySelector(`form.perpcalc[data-calculator="${n}"]`)
    .addEventListener('perpcalc:file', () => window.__computesAtFile.push(count()), { once: true });
}"""


def test_exposure_and_waterfall_take_files_after_instant_navigation(tab: Tab, built_site: dict) -> None:
    tab.goto(page_of(built_site, "funding_exposure"))
    tab.wait_ready("funding_exposure")
    _choose(tab, "funding_exposure", "rates", "hl.json", (FIX / "hyperliquid_fundingHistory.json").read_bytes())
    tab.wait(SETTLED, "funding_exposure", timeout=30)
    assert tab.outputs("funding_exposure")["intervals"]["value"] == 4
    assert _value(tab, "funding_exposure", "interval_hours") == "1"
    # a file still being read as the reader leaves computes nothing once its page has gone: a compute
    # for it held the worker from the next page's (a 100,000-row file's, for seconds)
    tab.page.evaluate(HOLD, [["file"], None])
    tab.page.evaluate("window.__leftBox = document.querySelector('[data-file-for]')")
    _choose(tab, "funding_exposure", "rates", "bybit.csv", (FIX / "bybit_funding_history.csv").read_bytes())
    tab.wait("() => window.__heldMessages.length === 1")
    tab.navigate(page_of(built_site, "insolvency_waterfall"))
    assert tab.page.evaluate("!window.__leftBox.isConnected && window.__leftBox.dataset.state === 'busy'")
    sent = tab.page.evaluate("window.__posted.length")
    tab.page.evaluate("window.__releaseMessages()")
    tab.wait("() => window.__leftBox.dataset.state !== 'busy'", timeout=30)
    # a list filled by a file recomputes 150 ms after its input event (typing's debounce): a later timer runs after it
    tab.page.evaluate("new Promise(r => setTimeout(r, 200))")
    after = tab.page.evaluate("n => window.__posted.slice(n)", sent)
    assert ["compute", "funding_exposure"] not in after, after
    tab.wait_ready("insolvency_waterfall")
    book = "id,side,size,entry_price,margin\nL1,long,10,100,100\nL2,long,5,100,400\nS1,short,15,100,500\n"
    # a file read is one edit, computed at once, not gathered 150 ms as typing is: its compute is
    # posted by the time the form says the file is read (counted then, in the page)
    tab.page.evaluate(COMPUTES_AT_FILE, "insolvency_waterfall")
    _choose(tab, "insolvency_waterfall", "positions", "book.csv", book.encode())
    tab.wait(SETTLED, "insolvency_waterfall", timeout=30)
    assert tab.page.evaluate("window.__computesAtFile") == [0, 1]
    assert tab.form("insolvency_waterfall").locator("[data-file-status]").inner_text() == "Read book.csv: 3 positions."
    assert _value(tab, "insolvency_waterfall", "positions").count("\n") == 3
    assert tab.errors == [], tab.errors[:5]


def _drop(tab: Tab, name: str, field: str, filename: str, data: bytes) -> None:
    tab.page.evaluate(
        """([calc, field, name, bytes]) => {
          const f = document.querySelector(`form.perpcalc[data-calculator="${calc}"]`);
          const dt = new DataTransfer(); dt.items.add(new File([new Uint8Array(bytes)], name));
          const zone = f.querySelector(`[data-field="${field}"]`);
          zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
          zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })); }""",
        [name, field, filename, list(data)],
    )


def _status(tab: Tab, name: str) -> str:
    return tab.form(name).locator("[data-file-status]").inner_text()


def test_a_file_without_time_zones_is_read_in_the_browsers_zone_and_the_readers(browser: object, server: str,
                                                                                 built_site: dict) -> None:
    # a reader in China opens Binance's website export of BTCUSDT: its times are UTC+8 wall times
    ctx = browser.new_context(timezone_id="Asia/Shanghai")
    tab = Tab(ctx, server)
    try:
        tab.goto(page_of(built_site, "funding_series"))
        tab.wait_ready("funding_series")
        form = tab.form("funding_series")
        zone_box = form.locator("[data-file-zone-box]")
        assert not zone_box.is_visible()
        data = (FIX / "binance_web.csv").read_bytes()
        _choose(tab, "funding_series", "rates", "BTCUSDT.csv", data)
        tab.wait(SETTLED, "funding_series", timeout=30)
        # the oldest row, 2019-09-10 16:00:00 in UTC+8, is Binance's first settlement: 08:00 UTC
        assert _value(tab, "funding_series", "start") == "2019-09-10T08:00Z"
        assert tab.outputs("funding_series")["count"]["value"] == 5
        status = _status(tab, "funding_series")
        assert "they were read as Asia/Shanghai time" in status, status
        assert "gap" in status  # the fixture is the export's head and tail
        assert zone_box.is_visible()
        select = form.locator("[data-file-zone]")
        assert select.input_value() == "Asia/Shanghai"
        assert "your browser's time zone" in zone_box.inner_text()
        # the reader says the file is in UTC: read again, 8 hours later, and said
        select.select_option("UTC")
        tab.wait("() => document.querySelector('[data-file-status]').textContent.includes('read as UTC time')")
        tab.wait(SETTLED, "funding_series", timeout=30)
        assert _value(tab, "funding_series", "start") == "2019-09-10T16:00Z"
        assert "Read as UTC time." in zone_box.inner_text()
        # an offset as Binance's website names it, then the same file dropped: the reader's zone holds
        select.select_option("UTC+8")
        tab.wait("() => document.querySelector('[data-file-status]').textContent.includes('read as UTC+8 time')")
        tab.wait(SETTLED, "funding_series", timeout=30)
        assert _value(tab, "funding_series", "start") == "2019-09-10T08:00Z"
        _drop(tab, "funding_series", "rates", "again.csv", data)
        tab.wait("() => document.querySelector('[data-file-status]').textContent.startsWith('Read again.csv')")
        tab.wait(SETTLED, "funding_series", timeout=30)
        assert "read as UTC+8 time" in _status(tab, "funding_series")
        assert _value(tab, "funding_series", "start") == "2019-09-10T08:00Z"
        # the zone is no input of the calculator and not in the URL
        assert "zone" not in tab.page.url.lower() and select.get_attribute("name") is None
        # an API file has UTC milliseconds: no zone to choose
        _choose(tab, "funding_series", "rates", "hl.json", (FIX / "hyperliquid_fundingHistory.json").read_bytes())
        tab.wait("() => document.querySelector('[data-file-status]').textContent.startsWith('Read hl.json')")
        assert not zone_box.is_visible()
        assert tab.errors == [], tab.errors[:5]
    finally:
        tab.page.close()
        ctx.close()


def test_files_as_venues_document_and_spreadsheets_save_them(tab: Tab, built_site: dict) -> None:
    tab.goto(page_of(built_site, "funding_series"))
    tab.wait_ready("funding_series")
    form = tab.form("funding_series")
    error = form.locator('[data-error-for="rates"]')

    def read(filename: str, data: bytes) -> str:
        _choose(tab, "funding_series", "rates", filename, data)
        tab.wait("n => document.querySelector('[data-file-status]').textContent.startsWith(`Read ${n}`) "
                 "|| document.querySelector('[data-error-for=\"rates\"]').textContent.startsWith(n)", filename)
        tab.wait(SETTLED, "funding_series", timeout=30)
        return error.inner_text() or _status(tab, "funding_series")

    # Bybit's documentation example holds one settlement: the venue's usual interval, said
    bybit = (b'{"retCode": 0, "retMsg": "OK", "result": {"category": "linear", "list": [{"symbol": "ETHPERP", '
             b'"fundingRate": "0.0001", "fundingRateTimestamp": "1672041600000"}]}, "retExtInfo": {}, '
             b'"time": 1672051897447}')
    status = read("bybit.json", bybit)
    assert status.startswith("Read bybit.json: 1 settlement of ETHPERP"), status
    assert "taken as 8 h (Bybit's usual interval" in status
    assert _value(tab, "funding_series", "interval_hours") == "8"
    assert tab.outputs("funding_series")["count"]["value"] == 1
    # a Binance account statement has a Coin column: named for what it is
    statement = (b"User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n1,2025-06-18 08:00:00,USD-M Futures,"
                 b"Funding Fee,USDT,-0.5,\n")
    message = read("statement.csv", statement)
    assert message.startswith("statement.csv: this is a Binance account statement"), message
    assert "download a funding-rate history instead" in message
    # Excel's "Unicode text": UTF-16 with tabs
    text = "symbol\tfundingRate\tfundingRateTimestamp\r\nETHUSDT\t0.0001\t1714608000000\r\n" \
           "ETHUSDT\t-0.00005\t1714579200000\r\n"
    assert read("unicode.txt", text.encode("utf-16")).startswith("Read unicode.txt: 2 settlements of ETHUSDT")
    # a German Excel CSV: semicolons and decimal commas
    german = ("Time;Contracts;Funding Interval;Funding Rate\n18.06.2025 16:00;BTCUSDT Perpetual;8h;0,003694%\n"
              "18.06.2025 08:00;BTCUSDT Perpetual;8h;-0,001752%\n").encode("cp1252")
    status = read("german.csv", german)
    assert "2 settlements of BTCUSDT" in status and "semicolons" in status, status
    # US dates
    us = b"Time,Contracts,Funding Interval,Funding Rate\n6/18/2025 16:00,BTCUSDT Perpetual,8h,0.003694%\n" \
         b"6/18/2025 8:00,BTCUSDT Perpetual,8h,-0.001752%\n"
    assert "read as month/day/year" in read("us.csv", us)
    # times Excel rewrote as 1.70988E+12: refused, with the line, the column and why
    sci = b"symbol,fundingRate,fundingRateTimestamp\nETHUSDT,0.0001,1714608000000\nETHUSDT,0.0001,1.70988E+12\n"
    message = read("sci.csv", sci)
    assert message.startswith("sci.csv: line 3, column fundingRateTimestamp: '1.70988E+12' is a time a "
                              "spreadsheet rewrote in scientific notation"), message
    # rates a spreadsheet rounded to 0.01 %: read, and warned of
    rounded = b"Time,Contracts,Funding Interval,Funding Rate\n2025-06-18 16:00:00,BTCUSDT Perpetual,8h,0.00%\n" \
              b"2025-06-18 08:00:00,BTCUSDT Perpetual,8h,0.01%\n"
    assert "every rate in the file is rounded to 0.01 %" in read("rounded.csv", rounded)
    assert tab.errors == [], tab.errors[:5]


def test_positions_with_thousands_separators_round_trip_through_the_field(tab: Tab, built_site: dict) -> None:
    tab.goto(page_of(built_site, "adl_ranking"))
    tab.wait_ready("adl_ranking")
    book = ('id,side,size,entry_price,mark_price,margin\n"Desk A, main",long,2,"65,000.00","66,000.00","1,000"\n'
            'B,long,1,"65,000.00","66,500.00","12,500.50"\nC,short,3,"65,000.00","66,000.00","40,000"\n')
    _drop(tab, "adl_ranking", "positions", "book.csv", book.encode())
    tab.wait(SETTLED, "adl_ranking", timeout=30)
    assert _status(tab, "adl_ranking") == "Read book.csv: 3 positions."
    assert tab.form("adl_ranking").locator('[data-error-for="positions"]').inner_text() == ""
    text = _value(tab, "adl_ranking", "positions")
    assert '"Desk A, main"' in text and "65000.00" in text and "12500.50" in text
    ranking = tab.outputs("adl_ranking")["ranking"]["value"]
    assert sorted(r["id"] for r in ranking) == ["B", "C", "Desk A, main"]
    assert tab.errors == [], tab.errors[:5]


PAYMENTS_SETTLED = SETTLED.replace("f.querySelector('[data-file-for]')",
                                   "f.querySelector('[data-file-for=\"payments\"]')")


def test_your_funding_payments_from_a_ledger_and_a_rate_history(tab: Tab, built_site: dict) -> None:
    tab.goto(page_of(built_site, "funding_payments"))
    tab.wait_ready("funding_payments")
    form = tab.form("funding_payments")
    ledger = (FIX / "binance_income_FUNDING_FEE.json").read_bytes()
    _choose(tab, "funding_payments", "payments", "income.json", ledger)
    tab.wait(PAYMENTS_SETTLED, "funding_payments", timeout=30)
    status = form.locator('[data-file-for="payments"] [data-file-status]').inner_text()
    assert status.startswith("Read income.json: 4 funding payments from a Binance income history"), status
    out = tab.outputs("funding_payments")
    assert out["count"]["value"] == 4 and round(out["net"]["value"], 8) == -1.04042825
    assert out["matched"]["value"] == 0
    # the BTCUSDT rates of the same settlements: each payment beside its rate and the position it implies
    rates = json.dumps([{"symbol": "BTCUSDT", "fundingTime": t, "fundingRate": r, "markPrice": "8000.00000000"}
                        for t, r in ((1570636800000, "0.00010000"), (1570665600000, "0.00005135"),
                                     (1570694400000, "-0.00001500"))]).encode()
    _choose(tab, "funding_payments", "rates", "rates.json", rates)
    tab.wait("() => document.querySelector('[data-file-for=\"rates\"] [data-file-status]').textContent"
             ".startsWith('Read rates.json: 3 settled rates of BTCUSDT')")
    tab.wait(SETTLED.replace("f.querySelector('[data-file-for]')", "f.querySelector('[data-file-for=\"rates\"]')"),
             "funding_payments", timeout=30)
    out = tab.outputs("funding_payments")
    assert out["matched"]["value"] == 3
    btc = [p for p in out["payments_table"]["value"] if p["symbol"] == "BTCUSDT"]
    assert [round(p["implied_notional"], 2) for p in btc] == [8025.01, 8024.68, 8034.33]
    # rates are shown in percent in the table
    table = form.locator('[data-table-for="payments_table"]').inner_text()
    assert "\t0.01 %\t" in table and "\t0.005135 %\t" in table and "\t−0.0015 %\t" in table, table[:400]
    chart = 'form.perpcalc[data-calculator="funding_payments"] [data-chart-for="chart"]'
    tab.wait("s => document.querySelector(s)?.dataset.xAxis === 'time'", chart)
    # a rate history dropped on the payments: named for what it is, and where it belongs
    _drop(tab, "funding_payments", "payments", "fundingRate.json", (FIX / "binance_fundingRate.json").read_bytes())
    tab.wait("() => document.querySelector('[data-error-for=\"payments\"]').textContent !== ''")
    error = form.locator('[data-error-for="payments"]').inner_text()
    assert error.startswith("fundingRate.json: this is a Binance funding-rate history (GET /fapi/v1/fundingRate): "
                            "rates, not payments; use it in the rate history field"), error
    assert tab.errors == [], tab.errors[:5]


def test_binance_futures_transaction_history_by_button_and_drop(tab: Tab, built_site: dict) -> None:
    tab.goto(page_of(built_site, "funding_payments"))
    tab.wait_ready("funding_payments")
    form = tab.form("funding_payments")
    status = form.locator('[data-file-for="payments"] [data-file-status]')
    error = form.locator('[data-error-for="payments"]')
    export = (FIX / "binance_futures_transaction_history.csv").read_bytes()
    _choose(tab, "funding_payments", "payments", "futures.csv", export)
    tab.wait(PAYMENTS_SETTLED, "funding_payments", timeout=30)
    assert status.inner_text().startswith("Read futures.csv: 3 funding payments from a Binance futures transaction "
                                          "history (the website's Transaction History export), 2024-03-01 00:00 to "
                                          "2024-03-01 08:00 UTC, 2 symbols (BTCUSDT, ETHUSDT)."), status.inner_text()
    out = tab.outputs("funding_payments")
    assert out["count"]["value"] == 3 and round(out["net"]["value"], 8) == -2.80387665
    # its trades, commissions and transfers alone: refused for what the file is, with what to download instead
    header, *rows = export.decode().splitlines(keepends=True)
    others = (header + "".join(r for r in rows if ",FUNDING_FEE," not in r)).encode()
    _drop(tab, "funding_payments", "payments", "trades-only.csv", others)
    tab.wait("() => document.querySelector('[data-error-for=\"payments\"]').textContent.startsWith('trades-only')")
    assert error.inner_text().startswith(
        "trades-only.csv: this is a Binance futures transaction history (the website's Transaction History export) "
        "without funding payments (type 'FUNDING_FEE'): it holds other entries only;"), error.inner_text()
    assert "download your funding payments instead: Binance's futures Transaction History (Export)" in \
        error.inner_text()
    # a bad amount: the file, the line and the column
    bad = export.decode().replace("-1.49821095", "-1.49821095 USDT").encode()
    _choose(tab, "funding_payments", "payments", "bad.csv", bad)
    tab.wait("() => document.querySelector('[data-error-for=\"payments\"]').textContent.startsWith('bad.csv')")
    assert error.inner_text() == "bad.csv: line 7, column Amount: '-1.49821095 USDT' is not an amount"
    # dropped as it was exported, it reads again
    _drop(tab, "funding_payments", "payments", "futures-again.csv", export)
    tab.wait("() => document.querySelector('[data-file-for=\"payments\"] [data-file-status]').textContent"
             ".startsWith('Read futures-again.csv: 3 funding payments')")
    tab.wait(PAYMENTS_SETTLED, "funding_payments", timeout=30)
    assert error.inner_text() == ""
    assert round(tab.outputs("funding_payments")["net"]["value"], 8) == -2.80387665
    assert tab.errors == [], tab.errors[:5]


def test_binances_newer_futures_download_is_read_in_the_zone_of_its_name_or_the_readers(
        browser: object, server: str, built_site: dict) -> None:
    # a reader whose browser is in China downloads the export of an account displayed in UTC-6
    ctx = browser.new_context(timezone_id="Asia/Shanghai")
    tab = Tab(ctx, server)
    try:
        tab.goto(page_of(built_site, "funding_payments"))
        tab.wait_ready("funding_payments")
        box = tab.form("funding_payments").locator('[data-file-for="payments"]')
        zone_box, status = box.locator("[data-file-zone-box]"), box.locator("[data-file-status]")
        name = "Binance-Futures-Transaction-History-202403011200(UTC--6).csv"
        data = (FIX / name).read_bytes()
        _choose(tab, "funding_payments", "payments", name, data)
        tab.wait(PAYMENTS_SETTLED, "funding_payments", timeout=30)
        assert "2024-03-01 00:00 to 2024-03-01 08:00 UTC" in status.inner_text(), status.inner_text()
        assert status.inner_text().endswith("Its times were read as UTC-6 time, the zone in the file's name.")
        assert not zone_box.is_visible()
        assert round(tab.outputs("funding_payments")["net"]["value"], 8) == -2.80387665
        # renamed, the file no longer says its zone: read in the browser's, said, and the reader's choice
        _drop(tab, "funding_payments", "payments", "futures.csv", data)
        tab.wait("s => document.querySelector(s).textContent.startsWith('Read futures.csv')",
                 'form.perpcalc[data-calculator="funding_payments"] [data-file-for="payments"] [data-file-status]')
        tab.wait(PAYMENTS_SETTLED, "funding_payments", timeout=30)
        assert "2024-02-29 10:00 to 2024-02-29 18:00 UTC" in status.inner_text(), status.inner_text()
        assert "they were read as Asia/Shanghai time" in status.inner_text()
        assert zone_box.is_visible() and "your browser's time zone" in zone_box.inner_text()
        zone_box.locator("[data-file-zone]").select_option("UTC-6")
        tab.wait("s => document.querySelector(s).textContent.includes('read as UTC-6 time')",
                 'form.perpcalc[data-calculator="funding_payments"] [data-file-for="payments"] [data-file-status]')
        tab.wait(PAYMENTS_SETTLED, "funding_payments", timeout=30)
        assert "2024-03-01 00:00 to 2024-03-01 08:00 UTC" in status.inner_text(), status.inner_text()
        assert round(tab.outputs("funding_payments")["net"]["value"], 8) == -2.80387665
        assert tab.errors == [], tab.errors[:5]
    finally:
        tab.page.close()
        ctx.close()


def _income_json(t0: int) -> tuple[str, bytes, int, Decimal]:
    rows = [{"symbol": ("BTCUSDT", "ETHUSDT")[k % 2], "incomeType": "FUNDING_FEE",
             "income": f"{((k * 7919) % 2001 - 1000) / 1e4:.8f}", "asset": "USDT", "info": "FUNDING_FEE",
             "time": t0 + (k // 2) * 28_800_000, "tranId": 9_000_000_000 + k, "tradeId": ""} for k in range(100_000)]
    return "income.json", json.dumps(rows).encode(), len(rows), sum(Decimal(r["income"]) for r in rows)


def _futures_csv(t0: int) -> tuple[str, bytes, int, Decimal]:
    # the website's export (header as in the fixture), every tenth row a commission, left out
    lines, count, net = ["Date(UTC),type,Amount,Asset,Symbol,Transaction ID"], 0, Decimal(0)
    for k in range(100_000):
        kind = "COMMISSION" if k % 10 == 9 else "FUNDING_FEE"
        amount = f"{((k * 7919) % 2001 - 1000) / 1e4:.8f}"
        when = datetime.fromtimestamp((t0 + (k // 2) * 28_800_000) / 1000, UTC)
        lines.append(f"{when:%Y-%m-%d %H:%M:%S},{kind},{amount},USDT,{('BTCUSDT', 'ETHUSDT')[k % 2]},{k + 1}")
        if kind == "FUNDING_FEE":
            count, net = count + 1, net + Decimal(amount)
    return "futures.csv", ("\n".join(lines) + "\n").encode(), count, net


@pytest.mark.parametrize("ledger", [_income_json, _futures_csv], ids=["income-json", "futures-csv"])
def test_a_100000_payment_ledger_reads_with_progress_and_no_long_task(tab: Tab, built_site: dict, tmp_path: Path,
                                                                     ledger: object) -> None:
    tab.goto(page_of(built_site, "funding_payments"))
    tab.wait_ready("funding_payments")
    tab.page.evaluate(WATCH.replace('[data-calculator="funding_series"] [data-file-for="rates"]',
                                    '[data-calculator="funding_payments"] [data-file-for="payments"]'))
    name, data, count, net = ledger(1_700_000_000_000 - 1_700_000_000_000 % 28_800_000)
    path = tmp_path / name
    path.write_bytes(data)
    with MainThreadTasks(tab) as tasks:
        tab.form("funding_payments").locator('[data-file-for="payments"] input[type="file"]').set_input_files(path)
        tab.wait(PAYMENTS_SETTLED, "funding_payments", timeout=240)
    out = tab.outputs("funding_payments")
    assert out["count"]["value"] == count
    assert round(out["net"]["value"], 6) == round(float(net), 6)
    statuses = [s for s, _ in tab.page.evaluate("() => window.__fileStatus")]
    assert any(s.startswith(f"Reading {name} in your browser: ") for s in statuses), statuses[:5]
    assert any(s.startswith(f"Checking {name}: line") for s in statuses), statuses[-5:]
    print(f"\nwhile reading 100,000 ledger rows ({name}): {tasks.summary()}")
    assert tasks.longest_cpu <= LONG_TASK_MS, tasks.verdict()
    assert tab.errors == [], tab.errors[:5]
