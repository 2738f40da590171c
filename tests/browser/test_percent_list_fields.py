"""Rates typed in a list are in percent, as in a single rate field (issue 20, trap 1).

On the phone profile (390×844, touch) a reader types rates as Binance prints them into the
funding-series list and reads a mean in percent of the same size; a list that looks typed as
fractions, or holds an implausibly large rate, gets the note a rate field gets; the page's
address keeps the unit marked (``0.01%``), and a link made when lists held fractions still
means the same rates. The same checks on a laptop width would add nothing: the unit rule has
no layout in it.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, quote, urlparse

import perpcalc
import pytest
from helpers import Tab, calculator_forms, page_of

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "service_workers": "block"}
NAME = "funding_series"
FRESH = f"() => document.querySelector('form.perpcalc[data-calculator=\"{NAME}\"]').dataset.stale === 'false'"


def _note(tab: Tab) -> str:
    return tab.form(NAME).locator('[data-note-for="rates"]').inner_text()


def test_phone_reader_types_list_rates_in_percent(browser: object, server: str, built_site: dict) -> None:
    path = page_of(built_site, NAME)
    prefix = next(f["prefix"] for f in calculator_forms(built_site["dir"]) if f["path"] == path and f["name"] == NAME)
    ctx = browser.new_context(**PHONE)
    tab = Tab(ctx, server)
    try:
        tab.goto(path)
        tab.wait_ready(NAME)
        form = tab.form(NAME)
        form.locator('[name="source"]').select_option("input")
        box = form.locator('textarea[name="rates"]')
        box.tap()
        box.fill("0.01, 0.012, -0.005, 0.008")  # as Binance prints them: 0.01 %, 0.012 %, …
        tab.wait(FRESH)
        out = tab.outputs(NAME)
        assert out["count"]["value"] == 4
        assert out["mean"]["text"] == "0.00625 %"  # not 0.625 %
        # the same numbers as the Python contract gives for the rates marked as percent
        want = perpcalc.run(NAME, {"source": "input", "rates": "0.01%, 0.012%, -0.005%, 0.008%"})
        assert out["mean"]["value"] == want["mean"] == pytest.approx(0.0000625)
        assert out["mean_apr"]["value"] == want["mean_apr"]
        # while a bare list via run() stays fractions, 100 times larger
        assert perpcalc.run(NAME, {"source": "input", "rates": "0.01, 0.012, -0.005, 0.008"})["mean"] == 0.00625
        assert _note(tab) == ""
        # the address keeps the unit marked, as it does for rate fields
        # the address is written a moment after the result
        tab.wait("k => new URLSearchParams(location.search).has(k)", f"{prefix}rates")
        query = parse_qs(urlparse(tab.page.url).query)
        assert query[f"{prefix}rates"] == ["0.01%, 0.012%, -0.005%, 0.008%"]

        # rates that look typed as fractions, then an implausibly large one: a note, never an error
        box.fill("0.0001\n0.00012\n-0.00005")
        tab.wait(FRESH)
        assert _note(tab).startswith("These look like fractions: 0.0001 here means 0.0001 %"), _note(tab)
        assert form.locator('[data-error-for="rates"]').inner_text() == ""
        box.fill("0.01\n3")
        tab.wait(FRESH)
        assert _note(tab).startswith("Unusually large: row 2 is 3 %"), _note(tab)
        box.fill("0.01\n0.02")
        tab.wait(FRESH)
        assert _note(tab) == ""

        # a link made when list rates were fractions means the same rates, now shown in percent
        old = quote("rate\n0.0001\n0.00012\n-0.00005\n0.00008")
        tab.page.goto(f"{server}{path}?{prefix}source=input&{prefix}rates={old}", wait_until="load")
        tab.wait_ready(NAME)
        tab.wait(FRESH, timeout=30)
        assert tab.form(NAME).locator('textarea[name="rates"]').input_value() == "rate\n0.01\n0.012\n-0.005\n0.008"
        assert tab.outputs(NAME)["mean"]["text"] == "0.00625 %"
        assert tab.errors == [], tab.errors[:5]
    finally:
        ctx.close()


def test_a_tier_preset_fills_its_rates_in_percent(tab: Tab, built_site: dict) -> None:
    """A venue's tier table chosen from a preset shows its maintenance rates in percent (0.4 for
    0.4 %), the unit the reader types, and gives the same result as the Python contract."""
    name = "margin_tier"
    calc = perpcalc.get(name)
    choice, table = next(iter(calc.presets["table"].items()))
    tab.goto(page_of(built_site, name))
    tab.wait_ready(name)
    form = tab.form(name)
    fresh = f"() => document.querySelector('form.perpcalc[data-calculator=\"{name}\"]').dataset.stale === 'false'"
    form.locator('[name="table"]').select_option("custom")  # no table: the box empties
    assert form.locator('textarea[name="tiers"]').input_value() == ""
    form.locator('[name="table"]').select_option(choice)
    tab.wait(fresh)
    rows = [[cell.strip() for cell in line.split(",")] for line in
            form.locator('textarea[name="tiers"]').input_value().split("\n")]
    assert rows[0] == ["floor", "mmr"]
    percent = [format((Decimal(str(t["mmr"])) * 100).normalize(), "f") for t in table["tiers"]]
    assert rows[1:] == [[str(t["floor"]), mmr] for t, mmr in zip(table["tiers"], percent, strict=True)]
    assert rows[1][1] == "0.4"  # Binance's first tier: 0.4 %, not 0.004
    want = perpcalc.run(name, {"table": choice, "notional": calc.examples["default"]["notional"]})
    assert tab.outputs(name)["mmr"]["value"] == want["mmr"]
    assert tab.errors == [], tab.errors[:5]
