"""Every calculator in the catalogue, live in Chromium: the page goes ready, a changed input
recomputes in the browser (Pyodide) to exactly what CPython computes, and an invalid value
shows its error beside the field it names."""

from __future__ import annotations

from decimal import Decimal

import perpcalc
import pytest
from helpers import Tab, calculator_pages
from perpcalc import page as page_entry

pytestmark = pytest.mark.browser


def _pages(site: object) -> dict[str, tuple[str, str]]:
    """Calculator name → (first page embedding it, example key of that form)."""
    from bs4 import BeautifulSoup

    found: dict[str, tuple[str, str]] = {}
    for path in calculator_pages(site):
        html = site / path.strip("/") / "index.html" if path != "/" else site / "index.html"
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for form in soup.select("form.perpcalc"):
            found.setdefault(form["data-calculator"], (path, form["data-example"]))
    return found


def _changed_field(name: str, example: dict[str, object]) -> tuple[str, str, str] | None:
    """The first numeric input the example sets, with a value 10 % larger: (field, text typed in the
    page, value for the API). Rate fields are typed in percent, the API takes fractions."""
    calc = perpcalc.get(name)
    for f in calc.inputs:
        if f.type not in ("decimal", "integer") or example.get(f.name) in (None, ""):
            continue
        try:
            value = Decimal(str(example[f.name]).replace("%", "").replace(",", ""))
        except ArithmeticError:
            continue
        if f.type == "integer":
            new = str(int(value) + 1)
        else:
            new = str((value * Decimal("1.1")).normalize()) if value else "0.001"
        if f.percent and f.type == "decimal":
            return f.name, format(Decimal(new).scaleb(2).normalize(), "f"), new
        return f.name, new, new
    # a calculator of lists only (the ADL ranking, the payments ledger): its first list without rate
    # columns (typed in percent on the page, fractions in the API) loses its last row
    for f in calc.inputs:
        text = example.get(f.name)
        if f.type != "list" or not isinstance(text, str) or any(c.percent for c in f.columns):
            continue
        lines = text.strip().splitlines()
        if len(lines) > 2:
            shorter = "\n".join(lines[:-1])
            return f.name, shorter, shorter
    return None


# calculators whose form is given a bad value after its recompute is checked: a number field, and
# lists (the ADL ranking and the waterfall have no number field shown for their examples)
BAD_INPUT = ("liquidation_price", "adl_ranking", "funding_exposure", "insolvency_waterfall")


def _names_the_bad_field(tab: Tab, name: str) -> None:
    """A value out of range in a field the form shows (or a bad side in a list) shows its error
    beside that field, and the form stays live."""
    form = tab.form(name)
    calc = perpcalc.get(name)
    # a field the form shows for the example (not one that does not apply, not one folded away)
    target = next((f for f in calc.inputs if f.type in ("decimal", "integer") and f.min is not None
                   and not f.when and not f.advanced), None)
    if target is None:
        target = next(f for f in calc.inputs if f.type == "list")
        form.locator(f':is(input, select, textarea)[name="{target.name}"]').fill("id,side\n1,sideways")
    else:
        form.locator(f':is(input, select, textarea)[name="{target.name}"]').fill("-1e9")
    box = form.locator("[data-error-for]:not(:empty)")
    box.first.wait_for(state="visible")
    assert box.first.get_attribute("data-error-for") == target.name, name
    assert tab.page.evaluate(
        "n => document.querySelector(`form.perpcalc[data-calculator=\"${n}\"]`).dataset.state", name
    ) == "ready", name


def test_every_calculator_recomputes_like_cpython_and_names_a_bad_field(tab: Tab, built_site: dict) -> None:
    pages = _pages(built_site["dir"])
    names = [spec["name"] for spec in perpcalc.catalog()]
    assert set(names) <= set(pages), f"not embedded: {sorted(set(names) - set(pages))}"
    checked = 0
    named: set[str] = set()
    by_page: dict[str, list[str]] = {}
    for name in names:
        by_page.setdefault(pages[name][0], []).append(name)
    for i, (path, on_page) in enumerate(by_page.items()):
        if i == 0:
            tab.goto(path)
            tab.page.evaluate("window.__sameDocument = true")
        else:
            tab.navigate(path)  # as a reader moves on: the runtime stays loaded
            # the document (and its Python runtime) stayed: a full load would have dropped the mark
            assert tab.page.evaluate("window.__sameDocument === true"), f"{path} was loaded anew"
        for name in on_page:
            key = pages[name][1]
            tab.wait_ready(name)
            example = dict(perpcalc.get(name).examples[key])
            change = _changed_field(name, example)
            if change is None:
                continue
            field, typed, value = change
            form = tab.form(name)
            if perpcalc.get(name).field(field).advanced:  # folded under "More inputs": unfold, as a reader does
                form.locator("details.perpcalc__more > summary").click()
            form.locator(f':is(input, select, textarea)[name="{field}"]').fill(typed)
            example[field] = value
            result = page_entry.compute(name, example)
            if result["ok"]:
                want = {k: {"value": result["outputs"][k], "text": result["display"][k]["text"]}
                        for k in result["outputs"]}
                shown = next(iter(want))
                tab.wait_for_output(name, shown, want[shown]["text"])
                fresh = "n => document.querySelector(`form.perpcalc[data-calculator='${n}']`).dataset.stale === 'false'"
                tab.wait(fresh, name)
                assert tab.outputs(name) == want, f"{name} on {path} after {field}={value}"
            else:
                err = result["error"]["field"]
                box = form.locator(f'[data-error-for="{err}"]')
                box.wait_for(state="visible")
                assert box.inner_text() == result["error"]["message"], name
            checked += 1
            if name in BAD_INPUT:  # on the same visit: a page load each cost the suite 34 s
                _names_the_bad_field(tab, name)
                named.add(name)
    assert checked >= len(names) - 2
    assert named == set(BAD_INPUT)
    assert tab.errors == [], "\n".join(tab.errors[:10])
    assert tab.foreign_requests() == []


