"""Frictions a new reader met (issue 20), each tried as the reader does it, on a 390×844 phone
and at 1280 px: downloads pandas reads as they are, disabled downloads that look disabled and
say why, a page without JavaScript that says so, tables and charts at full width, the sticky
headline of the funding series."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import perpcalc
import pytest
from helpers import Tab

pytestmark = pytest.mark.browser

PROFILES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1280, "height": 800}},
}
SERIES_PAGE = "/terms/funding-rate-fluctuations/"
WATERFALL_PAGE = "/terms/auto-deleveraging/"


@pytest.fixture(params=list(PROFILES))
def profile(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def contexts() -> Iterator[dict[str, object]]:
    """The module's browser context of each profile, made by its first test (``screen``) and kept
    for the others (each test has a page of its own): after the first, the runtime's files come from
    the context's HTTP cache, as on a reader's second page; no test here is about a first visit
    (test_without_its_script_… makes contexts of its own)."""
    made: dict[str, object] = {}
    yield made
    for ctx in made.values():
        ctx.close()


@pytest.fixture
def screen(browser: object, server: str, profile: str, contexts: dict[str, object]) -> Iterator[Tab]:
    if profile not in contexts:
        contexts[profile] = browser.new_context(**PROFILES[profile], service_workers="block", accept_downloads=True)
    tab = Tab(contexts[profile], server)
    yield tab
    tab.page.close()


def _download(tab: Tab, button: object) -> tuple[str, Path]:
    with tab.page.expect_download() as info:
        button.click()
    return info.value.suggested_filename, Path(info.value.path())


def _percent(text: str) -> float:
    return float(text.replace("\u2212", "-").replace(",", "").rstrip(" %"))


def test_downloads_are_one_csv_per_table_and_a_json_pandas_reads(screen: Tab) -> None:
    """The funding series has single figures and two tables (reversals, the chart's points): one
    CSV each, every one read by pandas.read_csv as it is, with units in the column names, numbers
    as numbers and rates in percent as on the screen; the JSON read by pandas.read_json as it is."""
    import pandas

    tab = screen
    tab.goto(SERIES_PAGE)
    tab.wait_ready("funding_series")
    form = tab.form("funding_series")
    form.locator('[name="source"]').select_option("input")
    form.locator('[name="rates"]').fill("0.01\n0.012\n-0.005\n0.008")
    tab.wait_for_output("funding_series", "count", "4")
    tab.wait("() => document.querySelector('form.perpcalc[data-calculator=funding_series]').dataset.stale === 'false'")
    shown = tab.outputs("funding_series")
    recipe = form.locator(".perpcalc__recipe")
    assert recipe.is_visible() and "pd.read_csv(" in recipe.inner_text() and "pd.read_json(" in recipe.inner_text()

    name, path = _download(tab, form.locator('[data-action="csv"]'))
    assert name == "funding_series-summary.csv"
    summary = pandas.read_csv(path)
    assert len(summary) == 1
    assert pandas.api.types.is_numeric_dtype(summary["mean (%)"])
    assert pandas.api.types.is_integer_dtype(summary["count"])
    assert summary["mean (%)"][0] == pytest.approx(_percent(shown["mean"]["text"]), abs=1e-9)
    assert summary["mean (%)"][0] == pytest.approx(shown["mean"]["value"] * 100, rel=1e-12)
    assert summary["half_life_hours (hours)"].dtype.kind == "f"

    tables = [o for o in perpcalc.get("funding_series").outputs if o.format in ("table", "series")]
    buttons = form.locator('[data-action="csv-table"]')
    assert buttons.count() == len(tables)
    for o in tables:
        button = form.locator(f'[data-action="csv-table"][data-table="{o.name}"]')
        assert button.is_visible() and o.label in button.inner_text()
        name, path = _download(tab, button)
        assert name == f"funding_series-{o.name}.csv"
        rows = shown[o.name]["value"]
        if not rows:
            continue
        frame = pandas.read_csv(path)
        assert len(frame) == len(rows)
        for c in o.columns:
            if c.format == "percent" and c.name in rows[0]:
                header = f"{c.name} (%)"
                assert pandas.api.types.is_numeric_dtype(frame[header]), header
                assert list(frame[header]) == pytest.approx([r[c.name] * 100 for r in rows], rel=1e-12)

    name, path = _download(tab, form.locator('[data-action="json"]'))
    assert name == "funding_series.json"
    frame = pandas.read_json(path)
    outputs = frame[frame["kind"] == "output"].set_index("name")
    # a value is missing only where the page has none (a half-life of a series too short for one)
    assert list(outputs["value"].notna()) == [shown[n]["value"] is not None for n in outputs.index]
    assert outputs.loc["mean", "column"] == "mean (%)"
    assert outputs.loc["mean", "value"] == pytest.approx(shown["mean"]["value"] * 100, rel=1e-12)
    records = json.loads(path.read_text(encoding="utf-8"))
    inputs = {r["name"]: r["value"] for r in records if r["kind"] == "input"}
    assert perpcalc.run("funding_series", inputs)["mean"] == shown["mean"]["value"]


def test_disabled_downloads_look_disabled_and_say_why(screen: Tab) -> None:
    tab = screen
    tab.goto(SERIES_PAGE)
    tab.wait_ready("funding_series")
    form = tab.form("funding_series")
    why = form.locator("[data-export-why]")
    csv = form.locator('[data-action="csv"]')
    assert not csv.is_disabled() and not why.is_visible()
    enabled_look = csv.evaluate("b => [getComputedStyle(b).opacity, getComputedStyle(b).borderStyle]")
    form.locator('[name="interval_hours"]').fill("-8")
    form.locator('[data-error-for="interval_hours"]').wait_for(state="visible")
    for button in form.locator("[data-export]").all():
        assert button.is_disabled()
    disabled_look = csv.evaluate("b => [getComputedStyle(b).opacity, getComputedStyle(b).borderStyle]")
    assert float(disabled_look[0]) <= 0.6 < float(enabled_look[0]) and disabled_look[1] == "dashed", disabled_look
    assert why.is_visible() and "Downloads are off" in why.inner_text()
    box = why.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PROFILES["phone"]["viewport"]["width"] + 1000
    form.locator('[name="interval_hours"]').fill("8")
    tab.wait("() => document.querySelector('form.perpcalc[data-calculator=funding_series]').dataset.stale === 'false'")
    assert not csv.is_disabled() and not why.is_visible()


@pytest.mark.parametrize("how", ["javascript off", "script fails"])
def test_without_its_script_the_calculator_says_it_needs_javascript(
    browser: object, server: str, profile: str, how: str
) -> None:
    """JavaScript off, or perpcalc.js failing to load: the status line says the calculator needs
    JavaScript (never "Change any input to recalculate"), and once the reader edits a field the
    results are greyed and marked as not theirs."""
    ctx = browser.new_context(**PROFILES[profile], service_workers="block", java_script_enabled=how != "javascript off")
    try:
        tab = Tab(ctx, server)
        if how == "script fails":
            tab.page.route("**/assets/perpcalc/perpcalc.js*", lambda route: route.abort())
        tab.goto("/terms/funding-rate-exposure/")
        form = tab.form("funding_payment")
        status = form.locator("[data-status]").inner_text()
        assert "needs JavaScript" in status and "Change any input" not in status, status
        notice = form.locator(".perpcalc__nojs")
        assert not notice.is_visible()
        output = form.locator('output[name="payment"]')
        assert float(output.evaluate("o => getComputedStyle(o).opacity")) == 1
        form.locator('[name="size"]').fill("4.2")
        form.locator('[name="size"]').blur()
        assert notice.is_visible() and "needs JavaScript" in notice.inner_text()
        assert float(output.evaluate("o => getComputedStyle(o).opacity")) < 0.5
    finally:
        ctx.close()


def test_with_its_script_the_status_line_offers_recalculation(screen: Tab) -> None:
    tab = screen
    tab.goto("/terms/funding-rate-exposure/")
    form = tab.form("funding_payment")
    tab.wait("() => !document.querySelector('form.perpcalc [data-status]').textContent.includes('needs JavaScript')")
    form.locator('[name="size"]').fill("4.2")
    assert not form.locator(".perpcalc__nojs").is_visible()
    tab.wait_ready("funding_payment")
    tab.wait_for_output("funding_payment", "notional", "42,000")


def test_tables_and_charts_use_the_full_width_and_show_every_column(screen: Tab, profile: str) -> None:
    """The waterfall's "Liquidated positions" table shows all ten columns (at 1280 px in the
    form's width; on a phone in a box that scrolls sideways, its headers whole words), and the
    chart spans the form below the inputs."""
    tab = screen
    tab.goto(WATERFALL_PAGE)
    tab.wait_ready("insolvency_waterfall")
    form = tab.form("insolvency_waterfall")
    inner = form.evaluate("f => f.clientWidth - parseFloat(getComputedStyle(f).paddingLeft) * 2")
    box = form.locator('[data-table-for="liquidated"]')
    headers = box.locator("thead th")
    labels = [c.label for c in next(o for o in perpcalc.get("insolvency_waterfall").outputs
                                    if o.name == "liquidated").columns]
    assert headers.count() == len(labels) == 10
    table_box = box.bounding_box()
    assert table_box["width"] >= inner * 0.95, (table_box, inner)
    fits = box.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
    if profile == "laptop":
        assert fits, "every column in view at 1280 px"
    for th in headers.all():
        # a header never breaks inside a word: its narrowest width holds its longest word
        assert th.evaluate("t => t.scrollWidth <= t.clientWidth + 1"), th.inner_text()
    # every header can be brought into view inside the box (scrolling it, on a phone)
    last = headers.nth(len(labels) - 1)
    last.scroll_into_view_if_needed()
    lb, bb = last.bounding_box(), box.bounding_box()
    assert bb["x"] - 1 <= lb["x"] and lb["x"] + lb["width"] <= bb["x"] + bb["width"] + 1
    chart = form.locator('[data-chart-for="steps"]')
    assert chart.bounding_box()["width"] >= inner * 0.95
    if profile == "laptop":
        inputs = form.locator(".perpcalc__inputs").bounding_box()
        assert chart.bounding_box()["y"] >= inputs["y"] + inputs["height"] - 1  # below the inputs


def test_funding_series_headline_is_the_mean(screen: Tab, profile: str) -> None:
    tab = screen
    tab.goto(SERIES_PAGE)
    tab.wait_ready("funding_series")
    form = tab.form("funding_series")
    form.locator('[name="source"]').select_option("input")
    form.locator('[name="rates"]').fill("0.01\n0.012\n-0.005\n0.008")
    tab.wait_for_output("funding_series", "count", "4")
    sticky = form.locator(".perpcalc__sticky")
    assert sticky.get_attribute("data-main") == "mean"
    assert sticky.locator(".perpcalc__sticky-value").inner_text() == tab.outputs("funding_series")["mean"]["text"]
    if profile == "phone":
        assert sticky.is_visible() and sticky.locator(".perpcalc__sticky-label").inner_text().startswith("Mean")


# The "Calculators on this page" list (overrides/partials/perpcalc-jump.html), inline, laid out at its own
# width and then at every width from 10 to 30 em (lines break at other places each time): for each
# layout the list's left edge, the first link's, and for each next item its separator's [left, top]
# (an item's first rectangle starts with its separator), the last line of the link before [right, top]
# and its own link's first line [left, top].
JUMP_LAYOUTS = """() => {
  const ul = document.querySelector('nav.perpcalc-jump ul');
  const items = [...ul.children];
  const rects = (e) => [...e.getClientRects()];
  const layouts = [];
  for (const width of ['', ...Array.from({length: 41}, (_, i) => `${10 + i / 2}em`)]) {
    ul.style.width = width;
    layouts.push([ul.getBoundingClientRect().left, rects(items[0].querySelector('a'))[0].left,
      items.slice(1).map((li, i) => {
        const before = rects(items[i].querySelector('a')).at(-1);
        const sep = rects(li)[0], link = rects(li.querySelector('a'))[0];
        return [[sep.left, sep.top], [before.right, before.top], [link.left, link.top]];
      })]);
  }
  ul.style.width = '';
  return layouts;
}"""


def test_under_the_title_also_called_and_an_even_list_of_the_calculators(screen: Tab) -> None:
    """On a page that writes its own H1, "Also called" comes after it, not above it. The list of
    the page's calculators under it reads "A · B · C": each separator right after the link before,
    on its line, whatever the width (the theme's list indent put 1.25 em before each, on a phone a
    gap twice the one after the dot, and indented the first link; a line could start with a dot)."""
    tab = screen
    tab.goto(SERIES_PAGE)
    order = tab.page.evaluate(
        """() => { const h1 = document.querySelector('article h1'), aka = document.querySelector('.term-aka');
                   return [document.querySelectorAll('article h1').length,
                           !!(h1.compareDocumentPosition(aka) & Node.DOCUMENT_POSITION_FOLLOWING)]; }"""
    )
    assert order == [1, True]
    breaks = 0
    for left, first, items in tab.page.evaluate(JUMP_LAYOUTS):
        assert items and abs(first - left) < 1, f"the first link is indented by {first - left:.1f} px"
        for (sep_left, sep_top), (before_right, before_top), (link_left, link_top) in items:
            assert abs(sep_top - before_top) < 2, "a line starts with a separator"
            assert abs(sep_left - before_right) < 1, f"a gap of {sep_left - before_right:.1f} px before a separator"
            if link_top > sep_top + 2:  # the line broke after the separator: the link starts the next
                breaks += 1
                assert abs(link_left - left) < 1, f"a line starts {link_left - left:.1f} px into the list"
    assert breaks, "no layout broke a line between two items"


def test_misspelt_keywords_find_their_page_but_never_show(screen: Tab) -> None:
    tab = screen
    tab.goto("/")
    box = tab.page.locator("input.md-search__input")
    box.focus()
    tab.wait("() => !/Initializing/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=30)
    box.fill("insurence fund")
    box.press("End")  # the theme reads the box on key events
    tab.wait("() => document.querySelector('.md-search-result__list > li a')")
    first = tab.page.locator(".md-search-result__list > li").first
    assert first.locator("a").first.get_attribute("href").split("?")[0].rstrip("/").endswith("terms/insurance-fund")
    chips = first.locator(".md-tag").all_inner_texts()
    assert chips and not any("insurence" in c.casefold() for c in chips), chips  # its aliases, not the misspelling
    assert "insurence" not in first.inner_text().casefold()


# whether an element is what the reader sees at its own place (nothing drawn over it)
ON_TOP = """e => { const r = e.getBoundingClientRect();
  return r.height > 0 && e.contains(document.elementFromPoint(r.left + 4, r.top + r.height / 2)); }"""


def test_nothing_floats_over_the_form_or_the_menu(screen: Tab, profile: str) -> None:
    """Scrolled down, then back up a little (when the theme's "Back to top" used to appear over
    the form's labels): no floating button; at 1280 px the menu's "Home" is not under its title."""
    tab = screen
    tab.goto("/terms/liquidation-price/")
    tab.page.mouse.wheel(0, 1500)
    tab.page.wait_for_timeout(300)
    tab.page.mouse.wheel(0, -300)
    tab.page.wait_for_timeout(500)
    assert tab.page.locator(".md-top").count() == 0
    label = tab.form("liquidation_price").locator("label").first
    label.evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the theme's own header
    assert label.evaluate(ON_TOP)
    if profile == "laptop":
        home = tab.page.locator(".md-nav--primary > .md-nav__list > .md-nav__item > a.md-nav__link").first
        assert home.inner_text().strip() == "Home"
        assert home.evaluate(ON_TOP)
