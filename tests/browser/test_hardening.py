"""Hardening in Chromium: the CSP is enforced and every page works under it, no request
leaves the site, hostile values in every kind of field stay text, and random typing never
breaks a calculator."""

from __future__ import annotations

import random
from urllib.parse import quote

import perpcalc
import pytest
from helpers import Tab, calculator_pages, site_pages

pytestmark = pytest.mark.browser

HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    '"><script>window.__pwned=2</script>',
    "</textarea><svg onload=window.__pwned=3>",
    "javascript:window.__pwned=4",
    "${window.__pwned=5}",
    "{{7*7}}",
]


def test_csp_is_enforced(tab: Tab) -> None:
    tab.goto("/terms/funding-rate-exposure/")
    policy = tab.page.evaluate(
        "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    )
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    violations = tab.page.evaluate(
        """() => new Promise(resolve => {
             const seen = [];
             document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
             const s = document.createElement('script');
             s.textContent = 'window.__injected = true';
             document.body.appendChild(s);
             setTimeout(() => resolve(seen), 300);
           })"""
    )
    assert tab.page.evaluate("window.__injected") is None
    assert any(v.startswith("script-src") for v in violations)
    tab.errors.clear()  # the refusal itself is logged as a console error


def test_every_page_works_under_the_policy_without_foreign_requests(
    context: object, server: str, built_site: dict
) -> None:
    tab = Tab(context, server)
    pages = site_pages(built_site["dir"])
    assert len(pages) >= 30
    for path in pages:
        tab.goto(path)
        assert tab.page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1, path
    tab.wait_ready()  # the last page with a calculator has started its runtime by now, or starts on idle
    assert tab.errors == [], "\n".join(tab.errors[:10])
    assert tab.foreign_requests() == []


def test_hostile_values_in_every_kind_of_field_stay_text(tab: Tab, built_site: dict) -> None:
    pages = calculator_pages(built_site["dir"])
    kinds: dict[str, tuple[str, str, str]] = {}
    for path, names in pages.items():
        for name in names:
            for f in perpcalc.get(name).inputs:
                kinds.setdefault(f.type, (path, name, f.name))
    assert {"decimal", "choice", "list"} <= set(kinds)
    first = True
    for kind, (path, name, field) in kinds.items():
        for value in HOSTILE:
            key = field if len(pages[path]) == 1 else f"{name}.{field}"
            if first:  # a fresh load reads the query string, and so does each instant navigation
                tab.goto(f"{path}?{key}={quote(value)}")
                first = False
            else:
                tab.navigate(f"{path}?{key}={quote(value)}")
            tab.wait_ready(name)
            form = tab.form(name)
            tab.wait(
                """([n, f]) => { const form = document.querySelector(`form.perpcalc[data-calculator="${n}"]`);
                     return form.dataset.dirty === 'false' || form.querySelector(`[data-error-for="${f}"]`).textContent
                     || form.querySelector('[data-error-for=""]').textContent; }""",
                [name, field],
            )
            assert tab.page.evaluate("window.__pwned") is None, (kind, value)
            assert form.locator("img, svg, script:not([type])").count() == 0
            control = form.locator(f':is(input, select, textarea)[name="{field}"]')
            if kind != "choice":
                assert control.input_value() == value
    assert tab.foreign_requests() == []


def test_random_typing_never_breaks_a_calculator(tab: Tab, built_site: dict) -> None:
    rng = random.Random(20261124)
    pages = calculator_pages(built_site["dir"])
    samples = ["", "0", "-1", "1e9", "abc", "0.01%", "NaN", "1,5", "  7 ", "999999999999", "−2", "0.0000001"]
    path = "/terms/funding-rate-exposure/"
    tab.goto(path)
    tab.wait_ready()
    visited = 0
    for path, names in rng.sample(sorted(pages.items()), k=min(6, len(pages))):
        tab.goto(path)
        tab.wait_ready()
        for name in names:
            form = tab.form(name)
            fields = [f for f in perpcalc.get(name).inputs if f.type in ("decimal", "integer", "text")]
            for f in rng.sample(fields, k=min(3, len(fields))):
                control = form.locator(f':is(input, select, textarea)[name="{f.name}"]')
                for value in rng.sample(samples, k=4):
                    control.fill(value)
                state = tab.page.evaluate(
                    "n => document.querySelector(`form.perpcalc[data-calculator=\"${n}\"]`).dataset.state", name
                )
                assert state == "ready"
            form.locator('[data-action="reset"]').click()
            tab.wait(
                """n => { const f = document.querySelector(`form.perpcalc[data-calculator="${n}"]`);
                          return f.dataset.stale === 'false' && f.dataset.dirty === 'false'; }""",
                name,
            )
            errors = form.locator("[data-error-for]").all_inner_texts()
            assert all(e == "" for e in errors), errors
            visited += 1
    assert visited >= 3
    assert tab.errors == [], "\n".join(tab.errors[:10])
