"""Search in readers' words: each query of tests/site/search_queries.yml, typed into the site's own
search box, must list the page that answers it among the first three results."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import yaml
from helpers import Tab, poll

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
    # the theme's search worker has built the index ("Initializing search" until then): keys typed
    # before that were lost, and the search settled on no result (a fresh-clone run, 2026-12-06)
    tab.wait("""() => { const meta = document.querySelector('.md-search-result__meta');
                       return meta && !meta.textContent.includes('Initializing'); }""", timeout=30)
    box.fill("")
    box.press("End")  # the theme reads the box on key events
    tab.wait("() => !document.querySelector('.md-search-result__list > li')")
    box.fill(query)
    box.press("End")
    # settled: results (or "No matching") that two checks 50 ms apart found the same
    settled = f"""() => {{
      const now = ({RESULTS})(), text = JSON.stringify(now);
      const same = (now.pages.length > 0 || now.meta.includes('No matching')) && window.__lastResults === text;
      window.__lastResults = text;
      return same && now;
    }}"""
    tab.page.evaluate("() => { window.__lastResults = null; }")
    now = poll(tab.page, settled, timeout=timeout, every=0.05)
    if not now:
        raise AssertionError(f"search for {query!r} did not settle in {timeout} s")
    return [page_of(h) for h in now["pages"]]


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


# When the page asked for the theme's search index (ms after navigation), if it did.
INDEX_ASKED = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.endsWith('/search/search_index.json')).map(e => e.startTime)[0] ?? null"""


def test_the_search_index_waits_until_the_calculators_are_live(context: object, server: str) -> None:
    """A first visit to a calculator page: the theme's search index (hundreds of KB, parsed and indexed
    in its own worker) is not requested while Pyodide starts, only once the runtime is live and the
    reader has paused (its build took a core during the first edits after ready: the recompute's p95);
    then search works without the reader having asked for it first."""
    tab = Tab(context, server)
    tab.goto("/terms/funding-rate-exposure/")
    tab.wait_ready()
    ready_at = tab.page.evaluate("window.__perpcalcRuntime.readyAt")
    asked = tab.wait(INDEX_ASKED, timeout=30)
    assert asked >= ready_at, f"the search index was requested at {asked:.0f} ms, before ready at {ready_at:.0f} ms"
    # the pause is runtime.js's QUIET_MS (1.5 s), counted from ready when the reader does nothing
    assert asked >= ready_at + 1500, f"the search index was asked for {asked - ready_at:.0f} ms after ready, no pause"
    assert search(tab, "insurance fund")[:TOP], "no result once the index came"
    assert tab.errors == []


def test_a_reader_who_searches_at_once_gets_the_index_at_once(context: object, server: str) -> None:
    """The index held back is requested as soon as the reader goes to search, even while the calculators
    are still starting; a search in the address (?q=) asks for it at once too."""
    tab = Tab(context, server)
    tab.page.goto(server + "/terms/funding-rate-exposure/", wait_until="domcontentloaded")
    # in one turn of the page's event loop: whether the index was still held, the focus, and why it went
    # (a request's start time would depend on when the theme's bundle runs, so the reason is what is checked)
    held, why = tab.page.evaluate("""() => {
        const held = !document.documentElement.dataset.searchIndex;
        document.querySelector("input.md-search__input").focus();
        return [held, document.documentElement.dataset.searchIndex ?? null];
    }""")
    assert tab.wait(INDEX_ASKED, timeout=30) is not None, "the index was never requested"
    if held:  # the reader went to search while the index was held back (the calculators still starting)
        assert why == "search", f"going to search did not let the index go ({why!r})"
    tab.goto("/glossary/?q=insurance+fund")
    assert tab.page.evaluate("document.documentElement.dataset.searchIndex") == "address"
    tab.wait("() => document.querySelector('.md-search-result__list > li a')", timeout=30)
    first = tab.page.locator(".md-search-result__list > li a").first.get_attribute("href")
    assert "terms/insurance-fund" in first
    assert tab.errors == []
