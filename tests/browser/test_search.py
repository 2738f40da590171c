"""Search in readers' words: each query of tests/site/search_queries.yml, typed into the site's own
search box, must list the page that answers it among the first three results."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import yaml
from helpers import Tab

QUERIES = Path(__file__).resolve().parents[1] / "site" / "search_queries.yml"
TOP = 3

# The result list's page addresses, in order (Material groups a page's sections under one item).
RESULTS = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  const items = [...document.querySelectorAll('.md-search-result__list > li.md-search-result__item')];
  return {meta: meta ? meta.textContent : '', pages: items.map(li => {
    const a = li.querySelector('a.md-search-result__link'); return a ? a.href : ''; })};
}"""


def queries() -> list[tuple[str, str]]:
    return [(str(q), str(page)) for q, page in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))]


def page_of(href: str) -> str:
    return urlparse(href).path.lstrip("/")


def search(tab: Tab, query: str, timeout: float = 10.0) -> list[str]:
    """Type ``query`` into the search box and return the result pages once the list stops changing."""
    box = tab.page.locator("input.md-search__input")
    box.fill("")
    box.press("End")  # the theme reads the box on key events
    tab.wait("() => !document.querySelector('.md-search-result__list > li')")
    box.fill(query)
    box.press("End")
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        now = tab.page.evaluate(RESULTS)
        settled = now["pages"] or "No matching" in now["meta"]
        if settled and now == last:
            return [page_of(h) for h in now["pages"]]
        last = now if settled else None
        time.sleep(0.05)
    raise AssertionError(f"search for {query!r} did not settle in {timeout} s")


def test_query_list_is_large_and_points_at_real_pages(built_site: dict) -> None:
    items = queries()
    assert len(items) >= 50
    assert len({q.casefold() for q, _ in items}) == len(items), "a query is listed twice"
    for query, page in items:
        assert (built_site["dir"] / page / "index.html").exists(), f"{query!r}: no page at {page}"


def test_every_query_finds_its_page_in_the_top_three(tab: Tab) -> None:
    tab.goto("/")
    tab.page.locator("input.md-search__input").focus()
    tab.wait("() => !/Initializing/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=30)
    misses = []
    for query, page in queries():
        found = search(tab, query)
        if page not in found[:TOP]:
            misses.append(f"{query!r}: wanted {page}, got {found[:TOP]}")
    assert not misses, f"{len(misses)} of {len(queries())} queries missed:\n" + "\n".join(misses)
    assert tab.errors == []
