"""The reader's own files in Chromium: each venue's funding-history export (the fixtures of
tests/pandas) chosen with the file button fills the funding-series calculator and recomputes,
with the chart on a UTC time axis; a malformed file is named by line and column beside the
field; a positions file is dropped on the ADL ranking; a pasted export is read like a file;
no request carries a file anywhere; a 100,000-settlement file shows progress and leaves the
page responsive. One page load per calculator, reused for every file."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import perpcalc
import pytest
from helpers import Tab, long_task_limit_ms, page_of
from perpcalc import venue_files

pytestmark = pytest.mark.browser

FIX = Path(__file__).resolve().parents[1] / "pandas" / "fixtures"
# file -> (number of settlements, interval_hours the form gets, first settlement time)
FUNDING = {
    "binance_fundingRate.json": (6, "8", "2024-03-01T00:00Z"),
    "binance_web.csv": (4, "8", "2025-06-17T16:00Z"),
    "bybit_funding_history.csv": (4, "8", "2024-05-01T00:00Z"),
    "bybit_funding_history.json": (4, "8", "2024-05-01T00:00Z"),
    "okx_funding_rate_history.json": (3, "8", "2024-07-01T16:00Z"),
    "hyperliquid_fundingHistory.json": (4, "1", "2024-09-01T00:00Z"),
}
MARKER = "QQFILEMARKERQQ"

WATCH = """() => { window.__longtasks = []; window.__fileStatus = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask' });
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
    assert error == "broken.csv: line 3: fundingRate 'abc' is not a number", error
    assert form.locator('textarea[name="rates"]').get_attribute("aria-invalid") == "true"
    assert tab.outputs("funding_series")["count"]["value"] == 4  # the last good file's results stay

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
    started = tab.page.evaluate("() => performance.now()")
    tab.form("funding_series").locator('[data-file-for="rates"] input[type="file"]').set_input_files(path)
    tab.wait(SETTLED, "funding_series", timeout=180)
    outputs = tab.outputs("funding_series")
    assert outputs["count"]["value"] == 100_000
    statuses = [s for s, _ in tab.page.evaluate("() => window.__fileStatus")]
    total = f" of {len(data) / 1e6:.1f} MB"
    assert any(s.startswith("Reading big.json in your browser: ") and total in s for s in statuses), statuses[:5]
    assert any(s.startswith("Checking big.json: line") for s in statuses), statuses[-5:]
    long_tasks = tab.page.evaluate("t => window.__longtasks.filter(([s]) => s >= t).map(([, d]) => d)", started)
    longest, limit = max(long_tasks, default=0), long_task_limit_ms()
    print(f"\nlong tasks while reading 100,000 settlements ({len(data) / 1e6:.1f} MB): {len(long_tasks)}, "
          f"longest {longest:.0f} ms (limit {limit:.0f} ms at load {os.getloadavg()[0]:.1f})")
    assert longest <= limit, long_tasks
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
    bad = "id,side,size,entry_price,mark_price,margin\nA,long,2,100,120,20\nB,long,-1,100,110,50\n"
    tab.page.evaluate(drop, ["bad.csv", bad])
    tab.wait("() => document.querySelector('[data-error-for=\"positions\"]').textContent !== ''")
    error = form.locator('[data-error-for="positions"]').inner_text()
    assert error.startswith("bad.csv: line 3, column size: "), error
    assert tab.errors == [], tab.errors[:5]


def test_exposure_and_waterfall_take_files_after_instant_navigation(tab: Tab, built_site: dict) -> None:
    tab.goto(page_of(built_site, "funding_exposure"))
    tab.wait_ready("funding_exposure")
    _choose(tab, "funding_exposure", "rates", "hl.json", (FIX / "hyperliquid_fundingHistory.json").read_bytes())
    tab.wait(SETTLED, "funding_exposure", timeout=30)
    assert tab.outputs("funding_exposure")["intervals"]["value"] == 4
    assert _value(tab, "funding_exposure", "interval_hours") == "1"
    tab.navigate(page_of(built_site, "insolvency_waterfall"))
    tab.wait_ready("insolvency_waterfall")
    book = "id,side,size,entry_price,margin\nL1,long,10,100,100\nL2,long,5,100,400\nS1,short,15,100,500\n"
    _choose(tab, "insolvency_waterfall", "positions", "book.csv", book.encode())
    tab.wait(SETTLED, "insolvency_waterfall", timeout=30)
    assert tab.form("insolvency_waterfall").locator("[data-file-status]").inner_text() == "Read book.csv: 3 positions."
    assert _value(tab, "insolvency_waterfall", "positions").count("\n") == 3
    assert tab.errors == [], tab.errors[:5]
