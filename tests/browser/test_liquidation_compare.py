"""Issue 20, the liquidation page as a reader uses it on a 390×844 phone and at 1280 px: the
venue comparison table beside the single-venue result, price headers that name the settlement
currency, prices to the cent rather than to 4 decimals, and the funding payment's money named
(USDC) before anything is opened."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import Tab
from perpcalc.venues import MARGIN_VENUES

pytestmark = pytest.mark.browser

PROFILES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1280, "height": 800}},
}
PAGE = "/terms/liquidation-price/"
TABLE = 'form.perpcalc[data-calculator="liquidation_price"] [data-table-for="by_venue"]'


@pytest.fixture(params=list(PROFILES))
def screen(browser: object, server: str, request: pytest.FixtureRequest) -> Iterator[Tab]:
    ctx = browser.new_context(**PROFILES[request.param], service_workers="block")
    yield Tab(ctx, server)
    ctx.close()


def _headers(tab: Tab, table: str) -> list[str]:
    # text, not rendering: the leverage table sits in a folded <details>
    return [t.strip() for t in tab.page.locator(f"{table} th").all_text_contents()]


def test_venue_comparison_follows_the_reader_position(screen: Tab) -> None:
    tab = screen
    tab.goto(PAGE)
    # the pre-rendered example already has the table, with the currency in its headers
    static = _headers(tab, TABLE)
    assert "Liquidation price (USDT)" in static and not any("(quote)" in h for h in static), static
    tab.wait_ready("liquidation_price")
    form = tab.form("liquidation_price")
    form.locator('input[name="entry_price"]').fill("60123.45")
    form.locator('input[name="leverage"]').fill("20")
    tab.wait("() => document.querySelector('form.perpcalc[data-calculator=liquidation_price]').dataset.stale"
             " === 'false'")
    tab.wait("() => !document.querySelector('form.perpcalc[data-calculator=liquidation_price] "
             "output[name=liquidation_price]').textContent.startsWith('19,')")
    out = tab.outputs("liquidation_price")
    rows = out["by_venue"]["value"]
    assert len(rows) == len(MARGIN_VENUES)
    own = next(r for r in rows if r["venue"] == "Bybit")
    assert own["liquidation_price"] == out["liquidation_price"]["value"]
    # a 57,000 price to the cent, not to 4 decimals
    text = out["liquidation_price"]["text"]
    assert "." not in text or len(text.split(".")[1]) <= 2, text
    body = tab.page.locator(f"{TABLE} tbody tr")
    assert body.count() == len(MARGIN_VENUES)
    assert body.first.locator("td").nth(1).inner_text() != "—"
    # every column is reachable: the table box scrolls within the page, never widens it
    assert tab.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert "Liquidation price (USDT)" in _headers(tab, TABLE)
    assert "Liquidation price (USDT)" in _headers(tab, '[data-table-for="by_leverage"]')
    assert tab.errors == [], tab.errors[:5]


def test_funding_payment_names_its_currency_from_the_start(screen: Tab) -> None:
    tab = screen
    tab.goto("/terms/negative-funding-rates/")
    units = 'form.perpcalc[data-calculator="funding_payment"] [data-unit-from="currency_label"]'
    assert set(tab.page.locator(units).all_inner_texts()) == {"USDC"}
    tab.wait_ready("funding_payment")
    form = tab.form("funding_payment")
    form.locator('input[name="size"]').fill("2")
    tab.wait_for_output("funding_payment", "notional", "20,000")
    assert set(tab.page.locator(units).all_inner_texts()) == {"USDC"}
    assert form.locator('select[name="venue"]').is_visible()
    assert tab.errors == [], tab.errors[:5]
