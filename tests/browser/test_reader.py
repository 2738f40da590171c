"""Reader experience in Chromium: charts, copy as Python, CSV/JSON downloads, offline use,
phone width, accessibility (axe-core, served from node_modules to the test only)."""

from __future__ import annotations

import hashlib
import io
import json
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import perpcalc
import pytest
from helpers import HOLD, Tab, calculator_forms, calculator_pages, navigate, poll, site_pages

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


def test_a_chart_redrawn_while_the_results_are_stale_stays_the_results_chart(tab: Tab) -> None:
    """A chart redrawn (the window's width, the colour scheme) while the results shown are not
    those of the inputs shown is the results' chart, as the greyed results are: never the old curve
    with a mark at the reader's new value ("Your leverage" at 20 on the curve of leverage 50).
    Three states: a compute in flight, an input refused beside its field, and the worked example
    on a page opened with other inputs before its result came."""
    name, path = "liquidation_price", "/terms/liquidation-price/"
    canvas = f'form.perpcalc[data-calculator="{name}"] [data-chart-for] canvas'
    # the canvas as drawn now, its element marked: a redraw makes another
    snapshot = f"() => {{ const c = document.querySelector('{canvas}'); c.dataset.seen = '1'; return c.toDataURL(); }}"

    def digest(image: str) -> str:
        return hashlib.sha256(image.encode()).hexdigest()[:16]

    def redrawn() -> str:
        tab.page.evaluate("window.dispatchEvent(new Event('resize'))")
        tab.wait(f"() => {{ const c = document.querySelector('{canvas}'); return c && !c.dataset.seen; }}")
        return digest(tab.page.evaluate(snapshot))

    tab.goto(path)
    tab.wait_ready(name)
    tab.wait(f"() => document.querySelector('{canvas}')")
    example = digest(tab.page.evaluate(snapshot))
    assert redrawn() == example  # a redraw of the same results draws the same chart
    form = tab.form(name)
    # 1. in flight: the worker does not get the compute until released
    tab.page.evaluate(HOLD, [["compute"], None])
    form.locator('[name="leverage"]').fill("20")
    assert form.get_attribute("data-stale") == "true"
    assert redrawn() == example, "redrawn during a compute: the mark moved to the new leverage"
    tab.page.evaluate("window.__releaseMessages()")
    tab.wait(f"() => document.querySelector('form.perpcalc[data-calculator={name}]').dataset.stale === 'false'")
    at20 = redrawn()
    assert at20 != example  # the new result's chart
    # 2. refused: a bad entry price beside its field, then a new leverage (refused again, same field)
    form.locator('[name="entry_price"]').fill("-5")
    form.locator('[data-error-for="entry_price"]').wait_for(state="visible")
    tab.page.evaluate(f"() => document.querySelector('form.perpcalc[data-calculator={name}]')"
                      ".addEventListener('perpcalc:error', () => { window.__refused = true; }, {once: true})")
    form.locator('[name="leverage"]').fill("10")
    tab.wait("() => window.__refused")
    assert form.get_attribute("data-stale") == "true"
    assert redrawn() == at20, "redrawn beside an input error: the mark moved to the refused inputs' leverage"
    # 3. a link's inputs before their result: the page shows (greyed) the worked example, charted as such
    tab.page.evaluate(HOLD, [["compute"], None])  # held again (the page stays: instant navigation)
    navigate(tab.page, "/glossary/")
    navigate(tab.page, f"{path}?leverage=20")
    tab.wait(f"() => document.querySelector('{canvas}')")
    assert form.get_attribute("data-stale") == "true"
    assert digest(tab.page.evaluate(snapshot)) == example, "the worked example charted with the link's leverage"
    assert redrawn() == example
    assert tab.errors == [], tab.errors


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
    """JSON: one record per input and output, read by pandas.read_json as it is, whose inputs
    reproduce the page; CSV: one file for the single figures and one per table or series, each
    read by pandas.read_csv as it is, with units in the column names and rates in percent."""
    import pandas

    path, name = first_page_with(calc_pages, has_series)
    tab.goto(path)
    form = tab.form(name)
    calc = perpcalc.get(name)
    with tab.page.expect_download() as info:
        form.locator('[data-action="json"]').click()
    records = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert pandas.read_json(info.value.path())["value"].notna().all()
    page_values = {k: v["value"] for k, v in tab.outputs(name).items()}
    assert {r["calculator"] for r in records} == {name}
    inputs = {r["name"]: r["value"] for r in records if r["kind"] == "input"}
    assert perpcalc.run(name, inputs) == page_values
    outputs = {r["name"]: r for r in records if r["kind"] == "output"}
    assert list(outputs) == [o.name for o in calc.outputs]
    for o in calc.outputs:
        value = page_values[o.name]
        if o.format == "percent" and isinstance(value, float):
            assert outputs[o.name]["column"] == f"{o.name} (%)"
            assert outputs[o.name]["value"] == pytest.approx(value * 100, rel=1e-12)
        elif o.format not in ("table", "series"):
            assert outputs[o.name]["value"] == value
    with tab.page.expect_download() as info:
        form.locator('[data-action="csv"]').click()
    assert info.value.suggested_filename == f"{name}-summary.csv"
    summary = pandas.read_csv(info.value.path())
    scalars = [o for o in calc.outputs if o.format not in ("table", "series")]
    assert len(summary) == 1 and len(summary.columns) == len(scalars)
    for o, column in zip(scalars, summary.columns, strict=True):
        assert column.split(" (")[0] == o.name
        value = page_values[o.name]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert summary[column][0] == pytest.approx(value * (100 if o.format == "percent" else 1), rel=1e-12)
    for o in calc.outputs:
        if o.format not in ("table", "series") or not page_values[o.name]:
            continue
        with tab.page.expect_download() as info:
            form.locator(f'[data-action="csv-table"][data-table="{o.name}"]').click()
        assert info.value.suggested_filename == f"{name}-{o.name}.csv"
        frame = pandas.read_csv(info.value.path())
        rows = page_values[o.name]
        assert len(frame) == len(rows) and {c.split(" (")[0] for c in frame.columns} == set(rows[0])


def test_csv_neutralises_formulas_and_export_waits_for_fresh_results(
    tab: Tab, calc_pages: dict[str, list[str]]
) -> None:
    """OWASP CSV injection: a text cell starting with = + - @ is written as '= … inside quotes;
    numbers (negative ones too) stay numbers. While the results are stale, export is disabled."""
    import pandas

    path, _ = first_page_with(calc_pages, lambda n: n == "socialized_loss")
    tab.goto(path)
    tab.wait_ready("socialized_loss")
    form = tab.form("socialized_loss")
    hostile = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+2", "-2+3"]
    rows = "\n".join(f'"{h.replace(chr(34), chr(34) * 2)}", {i + 1}00' for i, h in enumerate(hostile))
    form.locator('[name="profits"]').fill("id, profit\n" + rows)
    tab.wait("() => document.querySelector('form.perpcalc[data-calculator=socialized_loss]').dataset.stale === 'false'")
    with tab.page.expect_download() as info:
        form.locator('[data-action="csv-table"][data-table="haircuts"]').click()
    haircuts = Path(info.value.path()).read_text(encoding="utf-8")
    for h in hostile:
        quoted = '"' + ("'" + h).replace('"', '""') + '"'
        assert quoted in haircuts, h  # quoted and prefixed with a single quote
    frame = pandas.read_csv(io.StringIO(haircuts))
    assert list(frame["id"]) == ["'" + h for h in hostile]
    profit_after = next(c for c in frame.columns if c.startswith("profit_after"))
    assert pandas.api.types.is_numeric_dtype(frame[profit_after])  # numbers stay numbers
    # stale (an invalid value): every export is disabled, so new inputs never pair with old outputs
    form.locator('[name="deficit"]').fill("-1")
    form.locator('[data-error-for="deficit"]').wait_for(state="visible")
    assert form.get_attribute("data-stale") == "true"
    assert all(b.is_disabled() for b in form.locator("[data-export]").all())


def test_works_offline_after_a_first_visit(context: object, server: str) -> None:
    """The offline copy is asked for once the runtime is live and the reader pauses (runtime.js,
    QUIET_MS). Here the reader taps a link as the page goes live and the next page is slow to come:
    the pause ended while the address was already the next page's, and the copy was asked for then,
    for that address, not the page the reader had been on (which loaded the scripts and styles).
    Now it waits for the next page's content, and keeps both pages."""
    tab = Tab(context, server)
    first, following = "/terms/funding-rate-exposure/", "/glossary/"
    tab.goto(first)
    tab.wait_ready("funding_payment")
    tab.page.evaluate(HOLD, [[], following])
    tab.page.evaluate(
        """p => { document.querySelector('article').dataset.previous = 'true'; const a = document.createElement('a');
                  a.href = p; document.body.append(a); a.click(); a.remove(); }""",
        following,
    )
    tab.wait("p => location.pathname === p && window.__heldPages.length === 1", following)
    tab.page.evaluate("new Promise(r => setTimeout(r, 2500))")  # past the pause (1.5 s), the next page held
    assert tab.page.evaluate("navigator.serviceWorker.getRegistration().then(r => !r)"), (
        "the offline copy was asked for during the navigation")
    tab.page.evaluate("window.__releasePage()")
    tab.wait("() => !!document.querySelector('article:not([data-previous])')")
    # wait until the service worker has cached the runtime it was asked to keep, and both pages
    tab.wait(
        """async (pages) => { const keys = await caches.keys(); if (!keys.length) return false;
             const cache = await caches.open(keys[0]); const names = (await cache.keys()).map(r => r.url);
             return names.some(u => u.endsWith('.wasm')) && names.some(u => u.endsWith('.whl'))
                    && pages.every(p => names.some(u => new URL(u).pathname === p)); }""",
        [first, following],
        timeout=60,
    )
    context.set_offline(True)
    try:
        tab.page.goto(tab.origin + first, wait_until="load")
        tab.wait_ready("funding_payment")
        form = tab.form("funding_payment")
        form.locator('[name="size"]').fill("7")
        tab.wait_for_output("funding_payment", "notional", "70,000")
    finally:
        context.set_offline(False)


# What is wrong with each table of text on the page (scripts/hooks/tables.py) at a phone's width: a box around it
# or in it that scrolls sideways, a first cell with a heading over it, or a cell whose heading is not its column's.
TEXT_TABLE_CARDS = """() => [...document.querySelectorAll('article table[data-cards]')].flatMap(table => {
  const box = table.closest('.md-typeset__scrollwrap') || table;
  // (the header row and KaTeX's MathML copy are kept for screen readers, clipped to a pixel: not boxes a reader
  // scrolls)
  const scrolls = [box, ...box.querySelectorAll('*')].filter(el => !el.closest('thead, .katex-mathml')
    && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible');
  const heads = [...box.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const cells = [...box.querySelectorAll('tbody td')];
  const unlabelled = cells.filter((td, i) => {
    const before = getComputedStyle(td, '::before').content;
    // the label is drawn, with an empty text for screen readers (they have the column's header): '"Fund" / ""'
    return i % heads.length ? before !== `${JSON.stringify(heads[i % heads.length])} / ""` : before !== 'none';
  });
  return [...(scrolls.length ? [`scrolls sideways: ${scrolls[0].tagName}`] : []),
          ...(unlabelled.length ? [`cells without their column's name: ${unlabelled.length} of ${cells.length}`] : [])];
})"""


def test_phone_width_has_no_horizontal_scroll(browser: object, server: str, built_site: dict) -> None:
    """Every page (calculators, tables, formulas, notebooks) fits a 360 px phone without sideways scrolling,
    and every formula on it is rendered (no raw TeX, no KaTeX error), visited as a reader taps through;
    on the way, under the site's policy (no bypass here), no page gives an error (a refused script or
    style is one) or asks another origin for anything (test_hardening.py's policy test loads one page
    of each kind in full and leaves the walk through every page to this one)."""
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    tab = Tab(ctx, server)
    page = tab.page
    wide = []
    # one load, then instant navigation as a reader taps through (a load per page restarted the
    # runtime 56 times: most of this test's 80 s)
    for i, path in enumerate(site_pages(built_site["dir"])):
        if i:
            navigate(page, path)
        else:
            page.goto(server + path, wait_until="load")
        time.sleep(0.05)
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client + 1:
            wide.append(f"{path}: {scroll} > {client}")
        # no unrendered math: every TeX span/block became KaTeX, without a KaTeX error
        # a wait ends as soon as the math is drawn (none left raw), or after 30 s with what is left
        unrendered = """() => [...document.querySelectorAll('.arithmatex')]
                          .filter(el => !el.querySelector('.katex') || el.querySelector('.katex-error'))
                          .map(el => el.textContent.slice(0, 80))"""
        poll(page, f"() => ({unrendered})().length === 0", timeout=30)
        raw = page.evaluate(unrendered)
        if raw:
            wide.append(f"{path}: unrendered math {raw[:3]}")
        modes = page.evaluate(
            "[...document.querySelectorAll('form.perpcalc input[name]')].map(i => i.inputMode)"
        )
        assert all(m in ("decimal", "numeric", "text") for m in modes)
        # a field that takes negative numbers offers a minus key: the full keyboard, not the decimal pad
        negative_pads = page.evaluate(
            """() => [...document.querySelectorAll(
                   'form.perpcalc input[inputmode=decimal], form.perpcalc input[inputmode=numeric]')]
                 .filter(i => (i.value || '').trim().startsWith('-')).map(i => i.name)"""
        )
        assert not negative_pads, f"{path}: negative values on a keypad without minus: {negative_pads}"
        # a table of text is a card a row on a phone (site.css): nothing in it scrolls sideways, and each cell
        # but the first is headed by its column's name (scripts/hooks/tables.py)
        cramped = page.evaluate(TEXT_TABLE_CARDS)
        if cramped:
            wide.append(f"{path}: tables of text not laid out as cards: {cramped[:3]}")
    ctx.close()
    assert not wide, "\n".join(wide)
    assert tab.errors == [], "\n".join(tab.errors[:10])
    assert tab.foreign_requests() == []


# axe-core's rules that depend on the palette
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# the theme's frame around a page's content: the same on every page but for the current page's mark
CHROME = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer"]


# Whether the page has math, whether KaTeX's stylesheet applies (it is linked for no media on a page
# without math: scripts/hooks/katex.py; page.js switches it at an instant navigation) and the
# position KaTeX's hidden MathML copy takes (absolute when the sheet applies).
_KATEX_SHEET = """() => { const math = document.querySelector('article .katex-mathml');
  const sheet = [...document.styleSheets].find(s => (s.href || '').endsWith('/assets/katex/katex.min.css'));
  return [!!math, !!sheet && matchMedia(sheet.media.mediaText || 'all').matches,
          math ? getComputedStyle(math).position : 'absolute']; }"""


def _axe_violations(scheme: str, *, chrome: bool = True) -> str:
    """The page function that runs axe-core on the document and returns its serious and critical
    violations as text: every rule in the light palette; in the dark one the rules that read colours
    (the markup is the light pass's: on the API reference's 19,500 elements the other rules alone
    take some 12 s). ``chrome=False`` leaves the theme's frame (``CHROME``) out of the elements
    checked: the rules that compare an element with the whole document (duplicate ids, landmarks)
    still see all of it."""
    rules = "{}" if scheme == "light" else f"{{runOnly: {{type: 'rule', values: {json.dumps(COLOUR_RULES)}}}}}"
    where = "document" if chrome else f"{{exclude: {json.dumps([[sel] for sel in CHROME])}}}"
    return (f"async () => (await axe.run({where}, Object.assign({{resultTypes: ['violations']}}, {rules})))"
            ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => `${v.id}: ${v.nodes.length} × ${v.nodes[0].target.join(' ')}`)")


def test_axe_finds_no_serious_violations(browser: object, server: str, built_site: dict) -> None:
    """axe-core over every page in the light palette, and in the dark one (switched with the
    theme's toggle) on one page of each kind (home, a term page with calculators, notebooks,
    venues…; the API reference in light only) and the pages with the most calculators, with the
    rules that read colours:
    the palette changes colours, not markup, and a component looks the same on every page it is on.
    For the same reason the theme's frame (header, tabs, site menu, footer: a third to a half of a
    small page's elements) is checked on those pages, and left out of the elements checked on the
    others.
    Pages are visited by instant navigation, as a reader clicks through, so calculators are live
    when checked. The API reference, the largest page by far (a third of the test's axe time),
    is checked at the same time in a second tab of its own (its own renderer process, so on a
    second core) while the first goes through the others."""
    assert AXE.exists(), "axe-core is missing from node_modules: run `make test`"
    problems = []
    # axe is injected as an inline script for the test only, hence bypass_csp
    ctx = browser.new_context(bypass_csp=True, color_scheme="light")
    page = ctx.new_page()
    paths = site_pages(built_site["dir"])
    dark: dict[str, str] = {}
    for path in paths:
        dark.setdefault(path.strip("/").split("/")[0], path)
    most = sorted(calculator_pages(built_site["dir"]).items(), key=lambda kv: -len(kv[1]))[:2]
    # the API reference (19,500 elements on 2026-12-06, about 30 s of axe per pass) is checked in light only:
    # its parts (code blocks with the theme's code colours, headings, tables) are in the dark pass
    # on the notebook and term pages
    api = dark.pop("reference", None)
    assert api in paths, api
    dark_paths = set(dark.values()) | {path for path, _ in most}
    assert len(dark_paths) >= 7, dark_paths
    # the API reference in a context of its own (its palette untouched by the first tab's toggle),
    # its axe run started without waiting for it, read once the other pages are done
    side_ctx = browser.new_context(bypass_csp=True, color_scheme="light")
    side = side_ctx.new_page()
    side.goto(server + api, wait_until="load")
    side.add_script_tag(path=str(AXE))
    assert side.evaluate("document.body.dataset.mdColorScheme") == SCHEMES["light"]
    run = _axe_violations("light")
    side.evaluate(f"() => {{ window.__axeViolations = new Promise(r => setTimeout(r)).then({run}); }}")
    rest = [path for path in paths if path != api]
    page.goto(server + rest[0], wait_until="load")
    page.add_script_tag(path=str(AXE))
    for i, path in enumerate(rest):
        if i:
            navigate(page, path)
        # KaTeX's stylesheet applies on the pages with math only, and at once after an instant
        # navigation (the swapped-in page's first frame), from a page with math or without
        math, applies, position = page.evaluate(_KATEX_SHEET)
        if (applies, position) != (math, "absolute"):
            problems.append(f"{path}: math {math}, KaTeX's stylesheet applies {applies}, its MathML {position}")
        for scheme in ("light", "dark") if path in dark_paths else ("light",):
            if page.evaluate("document.body.dataset.mdColorScheme") != SCHEMES[scheme]:
                # the theme's palette toggle, as a reader switches
                page.evaluate("""() => [...document.querySelectorAll('form[data-md-component=palette] label')]
                                       .find(l => l.offsetParent !== null).click()""")
            assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme]
            # the frame in both palettes on one page of each kind; elsewhere the page's own content
            problems += [f"{path} [{scheme}] {r}"
                         for r in page.evaluate(_axe_violations(scheme, chrome=path in dark_paths))]
    problems += [f"{api} [light] {r}" for r in side.evaluate("() => window.__axeViolations")]
    side_ctx.close()
    ctx.close()
    assert not problems, "\n".join(problems[:30])


# ---------------------------------------------------------------- phone profile, every calculator

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "service_workers": "block"}
# Cumulative layout shift (shifts not caused by the reader's input), summed from the document's start.
CLS_OBSERVER = """
window.__cls = 0; window.__shifts = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) {
  window.__cls += e.value;
  window.__shifts.push([e.value.toFixed(4), ...e.sources.map(s => `${s.node?.className || s.node?.nodeName || '?'}`
    + ` ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)}`)].join(' '));
} }).observe({ type: 'layout-shift', buffered: true });
"""
FORM = "id => document.getElementById(id)"


def _percent_text(value: Decimal) -> str:
    return format(value.scaleb(2).normalize(), "f")


def _shared_change(name: str, key: str) -> tuple[str, str] | None:
    """A field and the text a shared link gives it (percent fields in percent, with their % sign),
    chosen so that the calculator's result really changes."""
    calc = perpcalc.get(name)
    example = dict(calc.examples[key])
    base = perpcalc.run(name, example)
    values = calc.resolve(example)
    for f in calc.inputs:
        if f.type != "decimal" or not isinstance(values.get(f.name), Decimal) or f.when:
            continue
        for factor in (Decimal("1.5"), Decimal("0.5"), Decimal("-1")):
            new = values[f.name] * factor
            try:
                result = perpcalc.run(name, {**example, f.name: new})
            except perpcalc.InputError:
                continue
            if result != base:
                text = _percent_text(new) + "%" if f.percent else format(new.normalize(), "f")
                return f.name, text
    return None


def _in_view(page: object, selector_js: str, arg: object) -> bool:
    return page.evaluate(
        f"""a => {{ const el = ({selector_js})(a); if (!el || !el.getClientRects().length) return false;
               const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight + 1; }}""",
        arg,
    )


def _wait(page: object, predicate: str, arg: object = None, timeout: float = 30.0) -> object:
    return poll(page, predicate, arg, timeout)


def _check_charts(page: object, t: dict[str, str], problems: list[str]) -> None:
    """Every chart with data is drawn and its legend lists every series."""
    charts = page.evaluate(f"a => JSON.parse(({FORM})(a).dataset.spec).charts", t["id"])
    for out, chart in charts.items():
        rows = f"JSON.parse(({FORM})(a).querySelector('output[name=\"{out}\"]').dataset.value || '[]')"
        if not page.evaluate(f"a => {rows}.length > 1", t["id"]):
            continue
        sel = f'#{t["id"]} [data-chart-for="{out}"] .u-legend .u-series'
        legend = _wait(page, f"() => {{ const l = [...document.querySelectorAll('{sel}')]"
                       ".filter(s => s.offsetParent !== null).map(s => s.textContent.trim());"
                       " return l.length && l; }", timeout=30)
        # money units as the form names the currency ("Liquidation price (USDT)", not "(quote)")
        names = page.evaluate(
            f"""a => Object.fromEntries(['quote_label', 'currency_label'].map(n =>
                 [n, ({FORM})(a).querySelector(`output[name="${{n}}"]`)?.textContent.trim() || '']))""", t["id"])
        quote = names["quote_label"] or names["currency_label"]
        units = {"(quote)": quote, "(settlement currency)": names["currency_label"]}
        want = []
        for y in chart["y"]:
            label = chart["labels"][y]
            for unit, currency in units.items():
                if label.endswith(unit) and currency:
                    label = f"{label[: -len(unit)]}({currency})"
            want.append(label)
        if legend != want:
            problems.append(f"{t['name']}.{out}: legend {legend} != {want}")


def _check_main_result_in_view(page: object, t: dict[str, str], problems: list[str]) -> None:
    """With the first input focused, the main result (the sticky summary on a phone) is on screen
    and shows the same text as its output."""
    page.evaluate(
        f"a => ({FORM})(a).querySelector('.perpcalc__field:not([hidden]) :is(input, select, textarea)').focus()",
        t["id"])
    time.sleep(0.05)
    if not _in_view(page, f"a => ({FORM})(a).querySelector('.perpcalc__sticky')", t["id"]):
        problems.append(f"{t['name']}: main result off screen with the first input focused")
    if not _in_view(page, "a => document.activeElement", t["id"]):
        problems.append(f"{t['name']}: the focused first input is off screen")
    same = page.evaluate(
        f"""a => {{ const f = ({FORM})(a); const s = f.querySelector('.perpcalc__sticky');
               return s.querySelector('.perpcalc__sticky-value').textContent ===
                      f.querySelector(`output[name="${{s.dataset.main}}"]`).textContent; }}""", t["id"])
    if not same:
        problems.append(f"{t['name']}: the sticky summary does not show the main result")


def test_phone_every_calculator_is_truthful_lands_and_keeps_its_result_in_view(
    browser: object, server: str, built_site: dict
) -> None:
    """On a 390×844 touch phone, for every calculator:
    1. with the Python runtime held back (its worker script is not served yet), editing an input
       marks the form stale at once (greyed results, a line saying they will update);
    2. once released, a shared link with that form's state lands on the form, the form goes live,
       data-stale clears and the result is the link's, not the example's;
    3. with its first input focused, the main result is on screen (sticky summary on phones);
    4. no layout shift above 0.01 from navigation to live, and every chart legend lists every series."""
    forms = calculator_forms(built_site["dir"])
    targets = {}
    for form in forms:
        targets.setdefault(form["name"], form)
    assert {c["name"] for c in perpcalc.catalog()} <= set(targets)
    ctx = browser.new_context(**PHONE)
    held: list[object] = []
    release = {"now": False}

    def hold(route: object) -> None:
        if release["now"]:
            route.continue_()
        else:
            held.append(route)

    ctx.route("**/assets/perpcalc/worker.js", hold)
    page = ctx.new_page()
    page.add_init_script(CLS_OBSERVER)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    problems: list[str] = []

    # 1. before the runtime: an edit makes the form stale, with a line that says what will happen
    for i, t in enumerate(targets.values()):
        if i == 0:
            page.goto(server + t["path"], wait_until="load")
        elif page.evaluate("location.pathname") != t["path"]:
            navigate(page, t["path"])
        assert page.evaluate(f"a => ({FORM})(a).dataset.stale", t["id"]) == "false", t
        first = page.evaluate(
            f"""a => {{ const el = ({FORM})(a).querySelector('.perpcalc__field:not([hidden]) :is(input, textarea)');
                   return el && el.name; }}""", t["id"])
        page.locator(f'#{t["id"]} [name="{first}"]').first.fill("7")
        state = page.evaluate(
            f"""a => {{ const f = ({FORM})(a); return [f.dataset.stale, f.dataset.state,
                   f.querySelector('[data-results-note]').textContent,
                   getComputedStyle(f.querySelector('output')).opacity]; }}""", t["id"])
        if state[0] != "true" or state[1] == "ready" or "will show" not in state[2] or float(state[3]) > 0.6:
            problems.append(f"{t['name']}: edit before ready gave {state}")
    assert held, "the runtime was never asked for: nothing was held back"
    last = list(targets.values())[-1]
    release["now"] = True
    for route in held:
        route.continue_()
    if not _wait(page, f"a => ({FORM})(a).dataset.state === 'ready' && ({FORM})(a).dataset.stale === 'false'",
                 last["id"], timeout=90):
        problems.append(f"{last['name']}: stale did not clear once live")

    # 2–3. every calculator page from load to live: no layout shift, full legends, main result in view.
    # A cold load first, then the others by instant navigation (the runtime stays).
    page.goto("about:blank")
    by_path: dict[str, list[dict[str, str]]] = {}
    for t in targets.values():
        by_path.setdefault(t["path"], []).append(t)
    for i, (path, on_page) in enumerate(by_path.items()):
        if i == 0:
            page.goto(server + path, wait_until="load")
        else:
            navigate(page, path)
            # counted from the new content's arrival at the top of the page: until the theme scrolls
            # to the top, the new content can sit at the previous page's scroll position (12,129 px
            # under load), and a shift seen there is the swap, not this page going live
            settled = ("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
                       "() => r(scrollY === 0))))")
            if not _wait(page, settled, timeout=20):
                problems.append(f"{path}: after instant navigation the page never reached its top "
                                f"(scrollY {page.evaluate('scrollY')})")
            page.evaluate("window.__cls = 0; window.__shifts = []")
        for t in on_page:
            if not _wait(page, f"a => ({FORM})(a).dataset.state === 'ready'", t["id"], timeout=90):
                problems.append(f"{t['name']}: never live")
                continue
            _check_charts(page, t, problems)
        time.sleep(0.3)  # let late work (charts, math) land before reading the shift
        cls, shifts = page.evaluate("[window.__cls, window.__shifts]")
        if cls > 0.01:
            problems.append(f"{path}: CLS {cls:.4f} from load to live {shifts[:4]}")
        for t in on_page:
            _check_main_result_in_view(page, t, problems)

    # 4. a shared link lands on its form, which goes live with the link's inputs (data-stale clears).
    # The first link also carries a section's hash, as the theme's navigation.tracking writes into
    # the address a reader copies (it once left the previous page's "#formula" on the home page's
    # link, and the form stayed ~2,600 px below the fold).
    for i, t in enumerate(targets.values()):
        change = _shared_change(t["name"], t["example"])
        if change is None:
            continue
        if page.evaluate("location.pathname") == t["path"]:
            navigate(page, "/glossary/")
        query = urlencode({t["prefix"] + change[0]: change[1]})
        navigate(page, f"{t['path']}?{query}" + ("#formula" if i == 0 else ""))
        if not _wait(page, f"a => ({FORM})(a).dataset.state === 'ready' && ({FORM})(a).dataset.stale === 'false'",
                     t["id"], timeout=30):
            problems.append(f"{t['name']}: never live and fresh after the link")
            continue
        # landing waits for the page to settle (the theme's own scroll, math), so allow it a moment
        landed = f"a => {{ const top = ({FORM})(a).getBoundingClientRect().top; return top >= 0 && top < 200; }}"
        if not _wait(page, landed, t["id"], timeout=20):
            top = page.evaluate(f"a => ({FORM})(a).getBoundingClientRect().top", t["id"])
            problems.append(f"{t['name']}: the shared link did not land on its form (top {top})")
        elif i == 0:
            # once the reader scrolls, the page is theirs: nothing pulls it back to the form
            page.mouse.move(200, 400)
            page.mouse.wheel(0, -300)
            moved = _wait(page, f"a => ({FORM})(a).getBoundingClientRect().top > 250", t["id"], timeout=20)
            time.sleep(1.0)
            top = page.evaluate(f"a => ({FORM})(a).getBoundingClientRect().top", t["id"])
            if not moved or top < 250:
                problems.append(f"{t['name']}: the reader's scroll was undone (form top {top} after scrolling up)")
        shown = page.evaluate(f"a => ({FORM})(a).querySelector('[name=\"{change[0]}\"]').value", t["id"])
        if shown != change[1].removesuffix("%"):
            problems.append(f"{t['name']}: field {change[0]} shows {shown!r}, the link said {change[1]!r}")
        note = page.evaluate(f"a => ({FORM})(a).querySelector('[data-results-note]').textContent", t["id"])
        if note != "your inputs":
            problems.append(f"{t['name']}: the results line says {note!r} for the reader's inputs")
    ctx.close()
    assert not problems, "\n".join(problems)
    assert errors == [], errors[:5]


def test_percent_rates_and_per_form_query_keys(tab: Tab, built_site: dict) -> None:
    """-0.03 typed in a funding-rate field means −0.03 % (as venues print it); a calculator used
    twice on a page keeps its own query keys, so a reload restores each form on its own."""
    name = "funding_payment"
    tab.goto("/terms/funding-rate-exposure/")
    tab.wait_ready(name)
    form = tab.form(name)
    form.locator('[name="funding_rate"]').fill("-0.03")
    want = perpcalc.run(name, {**perpcalc.get(name).examples["default"], "funding_rate": "-0.0003"})
    tab.wait(f"() => document.querySelector('form.perpcalc[data-calculator={name}]').dataset.stale === 'false'")
    assert {k: v["value"] for k, v in tab.outputs(name).items()} == want
    fraction = perpcalc.run(name, {**perpcalc.get(name).examples["default"], "funding_rate": "-0.03"})
    assert want["payment"] != fraction["payment"]
    form.locator('[name="funding_rate"]').fill("-3")
    note = form.locator('[data-note-for="funding_rate"]')
    if form.locator("[data-typical]").count():
        note.wait_for(state="visible")
    # two forms of one calculator: edit the second only
    twins = [f for f in calculator_forms(built_site["dir"]) if f["path"] == "/terms/funding-rate-exposure/"
             and f["name"] == "funding_exposure"]
    assert len(twins) == 2 and twins[0]["prefix"] != twins[1]["prefix"]
    second = tab.page.locator(f'#{twins[1]["id"]} input[name="size"]')
    first_value = tab.page.locator(f'#{twins[0]["id"]} input[name="size"]').input_value()
    second.fill("12345")
    tab.wait(f"() => document.getElementById('{twins[1]['id']}').dataset.stale === 'false'")
    tab.wait(f"() => location.search.includes('{twins[1]['prefix']}size=12345')")  # a moment after the result
    search = tab.page.evaluate("location.search")
    assert f"{twins[1]['prefix']}size=12345" in search and f"{twins[0]['prefix']}size" not in search
    assert tab.page.evaluate("location.hash") == f"#{twins[1]['id']}"
    # money units name the settlement currency and follow the (folded) settle field
    units = f'#{twins[1]["id"]} [data-unit-from="currency_label"]'
    assert set(tab.page.locator(units).all_inner_texts()) == {"USDT"}
    tab.page.locator(f'#{twins[1]["id"]} .perpcalc__more summary').click()
    tab.page.locator(f'#{twins[1]["id"]} select[name="settle"]').select_option("usdc")
    tab.wait(f"() => document.getElementById('{twins[1]['id']}').dataset.stale === 'false'")
    assert set(tab.page.locator(units).all_inner_texts()) == {"USDC"}
    assert tab.page.locator(f'#{twins[1]["id"]} output[name="currency_label"]').inner_text() == "USDC"
    tab.page.reload(wait_until="load")
    assert tab.page.locator(f'#{twins[0]["id"]} input[name="size"]').input_value() == first_value
    assert tab.page.locator(f'#{twins[1]["id"]} input[name="size"]').input_value() == "12345"
    assert tab.errors == [], tab.errors[:5]


def test_hub_puts_the_payment_calculator_first_and_pages_list_their_calculators(
    built_site: dict,
) -> None:
    forms = calculator_forms(built_site["dir"])
    hub = [f for f in forms if f["path"] == "/"]
    assert hub and hub[0]["name"] == "funding_payment", [f["name"] for f in hub]
    from bs4 import BeautifulSoup

    for path in {f["path"] for f in forms}:
        html = built_site["dir"] / path.strip("/") / "index.html" if path != "/" else built_site["dir"] / "index.html"
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        jump = soup.select_one("nav.perpcalc-jump")
        assert jump is not None, path
        targets = [a["href"].lstrip("#") for a in jump.select("a")]
        assert targets == [f["id"] for f in forms if f["path"] == path], path
        texts = [a.get_text() for a in jump.select("a")]  # a calculator shown twice: told apart
        assert len(set(texts)) == len(texts), (path, texts)
        first_form = soup.select_one("form.perpcalc")
        assert jump.find_next("form") is first_form  # the list comes before the first calculator
