"""Reader experience in Chromium: charts, copy as Python, CSV/JSON downloads, offline use,
phone width, accessibility (axe-core, served from node_modules to the test only)."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import perpcalc
import pytest
from helpers import Tab, calculator_pages, navigate, site_pages

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}


@pytest.fixture(scope="module")
def calc_pages(built_site: dict) -> dict[str, list[str]]:
    return calculator_pages(built_site["dir"])


def first_page_with(calc_pages: dict[str, list[str]], predicate: object) -> tuple[str, str]:
    for path, names in calc_pages.items():
        for name in names:
            if predicate(name):
                return path, name
    raise AssertionError("no page embeds a matching calculator")


def has_series(name: str) -> bool:
    return any(o.format == "series" for o in perpcalc.get(name).outputs)


def test_chart_renders_from_the_calculators_data(tab: Tab, calc_pages: dict[str, list[str]]) -> None:
    path, name = first_page_with(calc_pages, has_series)
    tab.goto(path)
    series = next(o for o in perpcalc.get(name).outputs if o.format == "series")
    selector = f'form.perpcalc[data-calculator="{name}"] [data-chart-for="{series.name}"] canvas'
    tab.wait(f"() => document.querySelector('{selector}')")
    points = tab.page.evaluate(
        """([n, o]) => JSON.parse(document.querySelector(
             `form.perpcalc[data-calculator="${n}"] output[name="${o}"]`).dataset.value).length""",
        [name, series.name],
    )
    assert points >= 2
    box = tab.page.locator(selector).first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    assert tab.errors == []


def test_copied_python_reproduces_the_page(tab: Tab, calc_pages: dict[str, list[str]]) -> None:
    tab.goto("/terms/funding-rate-exposure/")
    tab.wait_ready("funding_payment")
    form = tab.form("funding_payment")
    form.locator('[name="size"]').fill("4.2")
    form.locator('[name="side"]').select_option("short")
    tab.wait("() => document.querySelector('form.perpcalc[data-calculator=funding_payment]').dataset.stale === 'false'")
    tab.wait_for_output("funding_payment", "notional", "42,000")
    form.locator('[data-action="python"]').click()
    code = tab.wait("() => document.querySelector('form.perpcalc[data-calculator=funding_payment]').dataset.python")
    namespace: dict[str, object] = {}
    exec(compile(code.replace("print(result)", ""), "<copied>", "exec"), namespace)
    page_values = {k: v["value"] for k, v in tab.outputs("funding_payment").items()}
    assert namespace["result"] == page_values
    assert "perpcalc.funding.funding_payment" in code


def test_downloads_parse_and_match(tab: Tab, calc_pages: dict[str, list[str]]) -> None:
    path, name = first_page_with(calc_pages, has_series)
    tab.goto(path)
    form = tab.form(name)
    with tab.page.expect_download() as info:
        form.locator('[data-action="json"]').click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    page_values = {k: v["value"] for k, v in tab.outputs(name).items()}
    assert data["calculator"] == name and data["outputs"] == page_values
    assert perpcalc.run(name, data["inputs"]) == page_values
    with tab.page.expect_download() as info:
        form.locator('[data-action="csv"]').click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    blocks = text.strip().split("\n\n")
    scalars = list(csv.reader(io.StringIO(blocks[0])))
    assert scalars[0] == ["output", "value"]
    scalar_names = [o.name for o in perpcalc.get(name).outputs if o.format not in ("table", "series")]
    assert [row[0] for row in scalars[1:]] == scalar_names
    for row in scalars[1:]:
        value = page_values[row[0]]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert float(row[1]) == pytest.approx(value, rel=1e-12)
    table = list(csv.reader(io.StringIO(blocks[1])))
    series_name = table[0][0]
    assert len(table) - 2 == len(page_values[series_name])


def test_works_offline_after_a_first_visit(context: object, server: str) -> None:
    tab = Tab(context, server)
    tab.goto("/terms/funding-rate-exposure/")
    tab.wait_ready("funding_payment")
    # wait until the service worker has cached the runtime it was asked to keep
    tab.wait(
        """async () => { const keys = await caches.keys(); if (!keys.length) return false;
             const cache = await caches.open(keys[0]); const names = (await cache.keys()).map(r => r.url);
             return names.some(u => u.endsWith('.wasm')) && names.some(u => u.endsWith('.whl'))
                    && names.some(u => u.endsWith('/funding-rate-exposure/')); }""",
        timeout=60,
    )
    context.set_offline(True)
    try:
        tab.page.reload(wait_until="load")
        tab.wait_ready("funding_payment")
        form = tab.form("funding_payment")
        form.locator('[name="size"]').fill("7")
        tab.wait_for_output("funding_payment", "notional", "70,000")
    finally:
        context.set_offline(False)


def test_phone_width_has_no_horizontal_scroll(browser: object, server: str, built_site: dict) -> None:
    """Every page (calculators, tables, formulas, notebooks) fits a 360 px phone without sideways scrolling."""
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    wide = []
    for path in site_pages(built_site["dir"]):
        page.goto(server + path, wait_until="load")
        time.sleep(0.05)
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client + 1:
            wide.append(f"{path}: {scroll} > {client}")
        modes = page.evaluate(
            "[...document.querySelectorAll('form.perpcalc input[name]')].map(i => i.inputMode)"
        )
        assert all(m in ("decimal", "numeric", "text") for m in modes)
    ctx.close()
    assert not wide, "\n".join(wide)


def test_axe_finds_no_serious_violations(browser: object, server: str, built_site: dict) -> None:
    """axe-core over every page in both palettes (switched with the theme's toggle). Pages are
    visited by instant navigation, as a reader clicks through, so calculators are live when checked."""
    assert AXE.exists(), "axe-core is missing from node_modules: run `make test`"
    problems = []
    # axe is injected as an inline script for the test only, hence bypass_csp
    ctx = browser.new_context(bypass_csp=True, color_scheme="light")
    page = ctx.new_page()
    paths = site_pages(built_site["dir"])
    page.goto(server + paths[0], wait_until="load")
    page.add_script_tag(path=str(AXE))
    for i, path in enumerate(paths):
        if i:
            navigate(page, path)
        for scheme in ("light", "dark"):
            if page.evaluate("document.body.dataset.mdColorScheme") != SCHEMES[scheme]:
                # the theme's palette toggle, as a reader switches
                page.evaluate("""() => [...document.querySelectorAll('form[data-md-component=palette] label')]
                                       .find(l => l.offsetParent !== null).click()""")
            assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme]
            result = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                ".map(v => `${v.id}: ${v.nodes.length} × ${v.nodes[0].target.join(' ')}`)"
            )
            problems += [f"{path} [{scheme}] {r}" for r in result]
    ctx.close()
    assert not problems, "\n".join(problems[:30])
