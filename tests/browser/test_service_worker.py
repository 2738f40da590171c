"""The service worker after a deploy and with foreign addresses (issue 16, findings 5 and 9).

Finding 5: the worker filled a new version's cache through the browser's HTTP cache, so after a
deploy it could keep, and then serve, the previous perpcalc.js for the new version's whole life.
Finding 9: it admitted addresses by string prefix, so on a default-port deployment
``https://site.example`` also admitted ``https://site.example.evil.com/…``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CACHE_POLL, Tab, altered_site, navigate

pytestmark = pytest.mark.browser

PORT = int(os.environ.get("TEST_PORT", "8765")) + 3
PAGE = "/terms/funding-rate-exposure/"
SCRIPT = "/assets/perpcalc/perpcalc.js"


# The cache names holding a URL and, from the last of them, the kept text.
_KEPT_JS = """async u => { const names = []; let text = null;
  for (const key of await caches.keys()) { const hit = await (await caches.open(key)).match(u);
    if (hit) { names.push(key); text = await hit.text(); } }
  return {names, text}; }"""


@pytest.fixture
def deploy(built_site: dict) -> Iterator[tuple[str, dict[str, bytes], list[str]]]:
    """The built site on TEST_PORT + 3, scripts with an hour's HTTP caching (as a host may send);
    files can be swapped for a new deployment's bytes, and the paths asked for are recorded."""
    with altered_site(built_site["dir"], PORT, script_max_age=3600) as (origin, handler):
        yield origin, handler.replace, handler.asked


def test_a_new_version_keeps_the_new_scripts_not_the_http_cache_copies(
    browser: object, built_site: dict, deploy: tuple[str, dict[str, bytes], list[str]]
) -> None:
    origin, replace, asked = deploy
    site: Path = built_site["dir"]
    url = origin + SCRIPT
    ctx = browser.new_context()
    try:
        tab = Tab(ctx, origin)
        tab.goto(PAGE)
        tab.wait("() => window.__perpcalcRuntime?.state === 'ready'", timeout=120)
        first = tab.wait(f"async () => {{ const k = await ({_KEPT_JS})('{url}'); return k.names.length && k; }}",
                         timeout=120, every=CACHE_POLL)
        old = (site / SCRIPT.lstrip("/")).read_bytes()
        assert first["text"] == old.decode()
        # the deploy: a new perpcalc.js, and a service worker of a new version that records its hash
        new = old + b"\n// the next deployment\n"
        sw = (site / "sw.js").read_text(encoding="utf-8")
        version = re.search(r'const VERSION = "([0-9a-f]+)";', sw)[1]
        digest = hashlib.sha256(old).hexdigest()
        assert f'"assets/perpcalc/perpcalc.js": "{digest}"' in sw
        replace["/sw.js"] = (sw.replace(f'const VERSION = "{version}";', 'const VERSION = "0000000000000002";')
                             .replace(digest, hashlib.sha256(new).hexdigest())).encode()
        replace[SCRIPT] = new
        asked.clear()
        # registered under its version, as the next page of the new deployment does (sw.js installs only there)
        tab.page.evaluate("async () => { await navigator.serviceWorker.register('/sw.js?v=0000000000000002'); }")
        tab.wait("async () => { const k = await caches.keys();"
                 " return k.length === 1 && k[0] === 'perp-glossary-0000000000000002'; }", timeout=60, every=CACHE_POLL)
        # the new version keeps what the page asks it to keep, as the page does once it is live
        tab.page.evaluate("async () => (await navigator.serviceWorker.ready).active"
                          ".postMessage({type: 'cache-runtime', urls: []})")
        kept = tab.wait(f"async () => {{ const k = await ({_KEPT_JS})('{url}'); return k.names.length && k; }}",
                        timeout=60, every=CACHE_POLL)
        assert kept["names"] == ["perp-glossary-0000000000000002"]
        assert kept["text"] == new.decode(), "the new version kept the previous deployment's perpcalc.js"
        # the browser's HTTP cache held the old copy for an hour: the worker went back to the server
        assert SCRIPT in asked, asked
    finally:
        ctx.close()


def next_version(sw: str, version: str, old: bytes, new: bytes) -> str:
    """The service worker a build would write for a deploy that changes one file from ``old`` to
    ``new``: a new version, the file's new sha256 recorded."""
    current = re.search(r'const VERSION = "([0-9a-f]+)";', sw)[1]
    digest = hashlib.sha256(old).hexdigest()
    assert f'": "{digest}"' in sw, "the file's hash is not recorded in sw.js"
    return (sw.replace(f'const VERSION = "{current}";', f'const VERSION = "{version}";')
            .replace(digest, hashlib.sha256(new).hexdigest()))


# Recorded by each document of a tab as it goes (an init script, in sessionStorage): whether the
# theme's bundle, page.js and boot.js's worker had run, for the first document of the tab only.
_RAN_BEFORE_RELOAD = """addEventListener('pagehide', () => {
  if (performance.getEntriesByType('navigation')[0]?.type === 'reload') return;
  sessionStorage.setItem('ran', JSON.stringify({theme: !!window.document$,
    page_js: typeof window.markScrollable === 'function', worker: !!window.__perpcalcBoot}));
});"""


def test_under_a_hosts_ten_minute_caching_the_next_visit_runs_the_new_scripts(
    browser: object, built_site: dict
) -> None:
    """Security review 2026-12-06, L4: with GitHub Pages' max-age=600 on every file, the worker kept
    (and served) the previous deployment's page.js and perpcalc.js for the version's whole life.
    Both are pinned to the version by their sha256 now (a return visit takes them from the cache):
    a deploy that changes one is a new version, whose worker keeps the new file, not the HTTP
    cache's copy; the page itself is asked of the server first on every visit.

    Issue 24: the first page opened after a deploy ran its new HTML with the previous version's
    kept files (the previous worker served them until the new one took over). The page names its
    version and the worker's address names the worker's: the page stops before anything of it ran,
    and reloads once its version's worker has taken control. A page older than the server's sw.js
    reloads once, not again and again."""
    site: Path = built_site["dir"]
    page_js = "/assets/js/page.js"
    sw_text = (site / "sw.js").read_text(encoding="utf-8")
    built = re.search(r'const VERSION = "([0-9a-f]+)";', sw_text)[1]
    html = (site / PAGE.lstrip("/") / "index.html").read_text(encoding="utf-8")
    assert html.count(f'data-version="{built}"') == 1, "the page does not name its version"

    def page_at(path: str, version: str) -> bytes:
        """The page at ``path`` as a deployment of ``version`` serves it."""
        text = (site / path.strip("/") / "index.html").read_text(encoding="utf-8")
        return text.replace(f'data-version="{built}"', f'data-version="{version}"', 1).encode()

    def page_of(version: str) -> bytes:
        """The page as a deployment of ``version`` serves it (a change of its own too)."""
        return (html.replace(f'data-version="{built}"', f'data-version="{version}"', 1)
                .replace("<head>", '<head><meta name="perp-deploy" content="2">', 1).encode())

    with altered_site(site, PORT, max_age=600) as (origin, handler):
        replace = handler.replace
        # the theme's instant navigation follows the links its sitemap names: those of this port
        replace["/sitemap.xml"] = (site / "sitemap.xml").read_bytes().replace(
            built_site["site_url"].rstrip("/").encode(), origin.encode())
        ctx = browser.new_context()
        ctx.add_init_script(_RAN_BEFORE_RELOAD)

        def next_visit(tab: Tab, version: str) -> Tab:
            """The next visit, in a new tab, after a deploy of ``version`` (its sw.js, and the page
            naming it): reloaded once under that version's worker, nothing of the first load run;
            live, with that version's cache the only one left."""
            replace[PAGE] = page_of(version)
            tab.page.close()
            tab = Tab(ctx, origin)
            tab.page.goto(origin + PAGE, wait_until="commit")
            tab.wait("() => performance.getEntriesByType('navigation')[0]?.type === 'reload'"
                     " && document.readyState === 'complete'", timeout=60)
            ran = json.loads(tab.page.evaluate("sessionStorage.getItem('ran')"))
            assert ran == {"theme": False, "page_js": False, "worker": False}, ran
            assert tab.page.evaluate("new URL(navigator.serviceWorker.controller.scriptURL)"
                                     ".searchParams.get('v')") == version
            tab.wait("() => window.__perpcalcRuntime?.state === 'ready'", timeout=120)
            tab.wait("async () => { const k = await caches.keys();"
                     f" return k.length === 1 && k[0] === 'perp-glossary-{version}'; }}", timeout=60, every=CACHE_POLL)
            return tab
        try:
            tab = Tab(ctx, origin)
            tab.goto(PAGE)
            tab.wait("() => window.__perpcalcRuntime?.state === 'ready'", timeout=120)
            tab.wait("() => !!navigator.serviceWorker.controller", timeout=60)
            tab.goto(PAGE)  # now through the worker, which keeps page.js; the HTTP cache holds all
            tab.wait("() => window.__perpcalcRuntime?.state === 'ready'", timeout=120)
            assert tab.page.evaluate("performance.getEntriesByType('navigation')[0].type") == "navigate"
            tab.wait(f"async () => !!(await caches.match('{origin}{page_js}'))", timeout=30, every=CACHE_POLL)
            # a deploy that changes the page alone: the next visit shows it
            replace[PAGE] = page_of(built)
            # the next visit, in a new tab (a reload of the same tab may take a script that is still
            # fresh by its max-age from the renderer's own memory, which the worker never sees)
            tab.page.close()
            tab = Tab(ctx, origin)
            tab.goto(PAGE)
            assert tab.page.locator('meta[name="perp-deploy"]').count() == 1, "the previous page was shown"
            assert tab.page.evaluate("performance.getEntriesByType('navigation')[0].type") == "navigate"
            # a deploy that changes an unhashed script: a new version of the worker records its hash
            old_js = (site / page_js.lstrip("/")).read_bytes()
            replace[page_js] = old_js + b"\nwindow.__deploy = 2;\n"
            sw = next_version(sw_text, "0000000000000002", old_js, replace[page_js])
            replace["/sw.js"] = sw.encode()
            tab = next_visit(tab, "0000000000000002")
            assert tab.page.evaluate("window.__deploy") == 2, "the previous deployment's page.js ran"
            tab.wait(f"async () => !!(await caches.match('{origin}{page_js}'))", timeout=30, every=CACHE_POLL)
            kept_js = tab.page.evaluate(f"async () => (await caches.match('{origin}{page_js}')).text()")
            assert kept_js.endswith("window.__deploy = 2;\n"), "the HTTP cache's page.js was kept"
            # a deploy with a new perpcalc.js and a new version of the worker that records its hash
            old = (site / SCRIPT.lstrip("/")).read_bytes()
            new = old + b"\nwindow.__perpcalcDeploy = 2;\n"
            replace["/sw.js"] = next_version(sw, "0000000000000003", old, new).encode()
            replace[SCRIPT] = new
            tab = next_visit(tab, "0000000000000003")
            assert tab.page.evaluate("window.__perpcalcDeploy") == 2, "the previous deployment's perpcalc.js ran"
            assert tab.page.evaluate("window.__deploy") == 2
            # Issue 24: in this tab, a page of its version is reached by instant navigation (the
            # document stays); after a deploy (a new page.js), a page of the new version is loaded in
            # full, under the new version's worker, and runs the new page.js
            replace["/calculators/"] = page_at("/calculators/", "0000000000000003")
            tab.page.evaluate("window.__before = true")
            navigate(tab.page, "/calculators/")
            assert tab.page.evaluate("window.__before") is True, "a page of the same version was loaded in full"
            old_js = replace[page_js]
            replace[page_js] = old_js + b"window.__deploy = 4;\n"
            replace["/sw.js"] = next_version(replace["/sw.js"].decode(), "0000000000000004", old_js,
                                             replace[page_js]).encode()
            replace["/glossary/"] = page_at("/glossary/", "0000000000000004")
            tab.page.evaluate("""p => { const a = document.createElement('a'); a.href = p;
                                        document.body.append(a); a.click(); }""", "/glossary/")
            # loaded in full, then once more by boot.js when the new version's worker took control
            tab.wait("() => location.pathname === '/glossary/' && document.readyState === 'complete'"
                     " && performance.getEntriesByType('navigation')[0].type === 'reload'"
                     " && new URL(navigator.serviceWorker.controller.scriptURL).searchParams.get('v')"
                     " === '0000000000000004'", timeout=60)
            assert tab.page.evaluate("[window.__before, window.__deploy]") == [None, 4]
            # a page older than the server's sw.js (a stale copy on the way): one reload, then it loads
            replace[PAGE] = page_of("0000000000000002")
            tab.page.close()
            tab = Tab(ctx, origin)
            tab.page.goto(origin + PAGE, wait_until="commit")
            tab.wait("() => performance.getEntriesByType('navigation')[0]?.type === 'reload'"
                     " && document.readyState === 'complete' && (window.__stays = true)", timeout=60)
            tab.page.wait_for_timeout(1000)
            assert tab.page.evaluate("window.__stays") is True, "the page reloaded again"
        finally:
            ctx.close()


def test_only_the_sites_own_origin_is_admitted(browser: object, built_site: dict) -> None:
    """The shipped sw.js, run in a worker of a blank page with the registration of a default-port
    deployment at https://site.example/: addresses are admitted by their parsed origin."""
    source = (built_site["dir"] / "sw.js").read_text(encoding="utf-8")
    probe = (
        "self.registration = { scope: 'https://site.example/' };\n"
        "self.addEventListener = () => {};\n"
        + source
        + "\nself.onmessage = (e) => postMessage(e.data.map((u) => sameOrigin(u)));\n"
    )
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto("about:blank")
        cases = {
            "https://site.example/terms/funding-rate/": True,
            "/assets/perpcalc/perpcalc.js": True,
            "https://site.example.evil.com/x": False,
            "https://site.example@evil.com/x": False,
            "https://site.example:8443/x": False,
            "http://site.example/x": False,
            "javascript:alert(1)": False,
            "https://evil.com/https://site.example/": False,
        }
        got = page.evaluate(
            """([code, urls]) => new Promise((resolve, reject) => {
                 const w = new Worker(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})));
                 w.onmessage = (e) => resolve(e.data); w.onerror = (e) => reject(new Error(e.message));
                 w.postMessage(urls); })""",
            [probe, list(cases)],
        )
        assert dict(zip(cases, got, strict=True)) == cases
    finally:
        ctx.close()


# Every response to the page's stylesheets, scripts and fonts that the cache holds, by path.
_KEPT_ASSETS = """async () => { const kept = []; for (const key of await caches.keys())
    for (const r of await (await caches.open(key)).keys()) { const p = new URL(r.url).pathname;
      if (/\\.(css|js|woff2)$/.test(p)) kept.push(p); } return kept; }"""


def test_a_return_visit_asks_the_server_for_the_page_not_its_stylesheets_scripts_or_fonts(
    browser: object, built_site: dict
) -> None:
    """Issue 24: each unhashed stylesheet and script (site.css, page.js...) was asked of the server
    on every visit, a round trip on the parser's path. They are pinned to the version by their
    sha256: kept once used, after the check, and taken from the cache on the next visit. One whose
    served bytes differ from the build's is never kept (asked again next time)."""
    site: Path = built_site["dir"]
    altered = "/assets/css/share.css"
    with altered_site(site, PORT) as (origin, handler):
        handler.replace[altered] = (site / altered.lstrip("/")).read_bytes() + b"\n/* not this build's */\n"
        ctx = browser.new_context()
        try:
            tab = Tab(ctx, origin)
            tab.goto(PAGE)
            tab.wait("() => window.__perpcalcRuntime?.state === 'ready'", timeout=120)
            tab.wait("async () => (await caches.keys()).length === 1 && !!(await caches.match("
                     f"'{origin}/assets/css/site.css'))", timeout=60, every=CACHE_POLL)
            loaded = set(tab.page.evaluate("performance.getEntriesByType('resource')"
                                           ".map(e => new URL(e.name).pathname)"))
            assets = {p for p in loaded if re.search(r"\.(css|js|woff2)$", p) and "/runtime/" not in p}
            assert {"/assets/css/site.css", "/assets/js/page.js", altered} <= assets, assets
            kept = set(tab.wait(f"async () => {{ const k = await ({_KEPT_ASSETS})(); "
                                f"return {json.dumps(sorted(assets - {altered}))}.every(p => k.includes(p)) && k; }}",
                                timeout=60, every=CACHE_POLL))
            assert altered not in kept, "a stylesheet whose bytes are not the build's was kept"
            # and every runtime file the return visit reads (kept last under a loaded machine: a reload
            # before that fetched some from the server, by chance)
            files = json.loads((site / "assets" / "runtime" / "manifest.json").read_text(encoding="utf-8"))["files"]
            tab.wait("async urls => { for (const u of urls) if (!(await caches.match(u))) return false; return true; }",
                     [f"{origin}/assets/runtime/{n}" for n in files if not n.endswith((".whl", ".json"))],
                     timeout=120, every=CACHE_POLL)
            handler.asked.clear()
            tab.page.reload(wait_until="load")
            tab.wait("() => window.__perpcalcRuntime?.state === 'ready'", timeout=120)
            asked = {p for p in handler.asked if re.search(r"\.(css|js|mjs|woff2|wasm|zip|bin)$", p)}
            assert asked - {"/sw.js"} == {altered}, asked  # sw.js: the browser's check for a new version
            assert PAGE in handler.asked  # the page itself: the server first
            assert tab.page.evaluate("window.__perpcalcRuntime.timings.mode") == "snapshot"
        finally:
            ctx.close()
