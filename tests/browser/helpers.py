"""Browser test helpers shared by the end-to-end test modules."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

from site_html import parsed

READY_TIMEOUT = 90.0
# How often a test's wait asks Cache Storage (``Tab.wait(..., every=CACHE_POLL)``): every cache opened
# and its keys listed 50 times a second, through the storage service, for the 5-30 s the service worker
# takes to keep the runtime, is CPU the other tests want; a fifth of a second later is soon enough.
CACHE_POLL = 0.2

# ``poll``: the page checks the predicate itself, on its own timer, and answers once. Checking it from
# here (an evaluate every 20 ms) went through Playwright's driver each time and kept 0.6 of a core busy
# while a test only waited (1.86 s of CPU in 3 s of waiting, against 0.02 s for the idle page,
# 2026-12-06), on a machine whose two cores the browser tests keep busy.
_POLL = """async ([arg, ms, every]) => {{
  const predicate = {source};
  const until = performance.now() + ms;
  for (;;) {{
    const value = await predicate(arg);
    if (value || performance.now() >= until) return [!!value, value === undefined ? null : value];
    await new Promise(r => setTimeout(r, every));
  }}
}}"""


def poll(page: object, predicate: str, arg: object = None, timeout: float = 15.0, every: float = 0.02) -> object:
    """The first truthy value of the JS function ``predicate(arg)``, checked by the page every
    ``every`` s until ``timeout`` s have passed; its last (falsy) value if none came. A page loaded
    anew during the wait (a navigation replaces the script context) is asked again until the time is up.

    Runs under the site's Content Security Policy: the predicate's source becomes part of the
    function Playwright sends, never text the page evaluates (Playwright's ``wait_for_function``
    would need ``eval``, which the policy refuses)."""
    from playwright.sync_api import Error as PlaywrightError

    source = _POLL.format(source=predicate)
    deadline = time.monotonic() + timeout
    while True:
        left = max(0.0, deadline - time.monotonic())
        try:
            return page.evaluate(source, [arg, left * 1000, every * 1000])[1]
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(every)


# Holds the page's messages to the worker of the given types (["compute"], ["file"]), and the theme's
# request for the page at a path (none: null), until ``window.__releaseMessages()`` and
# ``window.__releasePage()``: a result lands, or the next page comes, when a test says, not when the
# worker or the server is done. ``window.__posted`` lists every message's [type, calculator]. The
# page is held in the page, at its XMLHttpRequest: a route does not see requests the service worker
# serves. Use: ``tab.page.evaluate(HOLD, [types, path])``.
HOLD = """([types, path]) => {
  const post = Worker.prototype.postMessage;
  const held = [];
  const posted = window.__posted = [];
  Worker.prototype.postMessage = function (msg, transfer) {
    posted.push([msg?.type, msg?.name ?? msg?.calculator]);
    if (types.includes(msg?.type) && !window.__releaseMessages.done) return void held.push([this, msg, transfer]);
    return post.call(this, msg, transfer);
  };
  window.__releaseMessages = () => {
    window.__releaseMessages.done = true;
    for (const [worker, msg, transfer] of held.splice(0)) post.call(worker, msg, transfer);
  };
  window.__heldMessages = held;
  const { open, send } = XMLHttpRequest.prototype;
  const pages = window.__heldPages = [];
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.__path = new URL(url, location.href).pathname;
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (this.__path === path && !window.__releasePage.done) return void pages.push([this, body]);
    return send.call(this, body);
  };
  window.__releasePage = () => {
    window.__releasePage.done = true;
    for (const [xhr, body] of pages.splice(0)) send.call(xhr, body);
  };
}"""


class Tab:
    """A page with its requests and errors recorded."""

    def __init__(self, context: object, origin: str) -> None:
        self.origin = origin
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("worker", lambda w: w.on("console", self._worker_console))

    def _worker_console(self, message: object) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def wait(self, predicate: str, arg: object = None, timeout: float = 15.0, every: float = 0.02) -> object:
        """The first truthy value of ``predicate`` (a JS function source) for ``arg``, checked by
        the page every ``every`` s (``poll``); an AssertionError after ``timeout`` s without one."""
        value = poll(self.page, predicate, arg, timeout, every)
        if not value:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate[:120]}")
        return value

    def goto(self, path: str) -> None:
        self.page.goto(self.origin + path, wait_until="load")

    def navigate(self, path: str) -> None:
        """Go to ``path`` the way a reader's click does: Material's instant navigation swaps the
        page content, and the document, with its Python runtime, stays."""
        navigate(self.page, path)

    def form(self, name: str) -> object:
        return self.page.locator(f'form.perpcalc[data-calculator="{name}"]').first

    def wait_ready(self, name: str | None = None) -> None:
        find = "const f = document.querySelector(n ? `form.perpcalc[data-calculator=\"${n}\"]` : 'form.perpcalc');"
        try:
            self.wait(f"n => {{ {find} return f && f.dataset.state === 'ready'; }}", name, timeout=READY_TIMEOUT)
        except AssertionError:
            state = self.page.evaluate(
                f"""n => {{ {find} return [f ? [f.dataset.state, f.querySelector('[data-status]')?.textContent] : 0,
                    'runtime: ' + (window.__perpcalcRuntime?.state ?? 'none'), 'boot: ' + !!window.__perpcalcBoot,
                    'document$: ' + !!window.document$, document.querySelectorAll('article').length + ' article(s)',
                    document.readyState]; }}""",
                name,
            )
            raise AssertionError(
                f"{name} on {self.page.url} never went ready: {state}; errors: {self.errors[-3:]}"
            ) from None

    def outputs(self, name: str) -> dict[str, object]:
        """Each output's value (its data-value) and text; a long table that the worker keeps (its
        rows are asked for by page, or whole by a download) has the value None."""
        return self.page.evaluate(
            """n => Object.fromEntries([...document.querySelector(`form.perpcalc[data-calculator="${n}"]`)
                 .querySelectorAll('output[name]')].map(o => [o.getAttribute('name'),
                 {value: o.dataset.kept === undefined ? JSON.parse(o.dataset.value) : null, text: o.textContent}]))""",
            name,
        )

    def wait_for_output(self, name: str, output: str, text: str) -> None:
        try:
            self.wait(
                """([n, o, t]) => document.querySelector(`form.perpcalc[data-calculator="${n}"] output[name="${o}"]`)
                     ?.textContent === t""",
                [name, output, text],
            )
        except AssertionError:  # say what the reader saw instead: a wrong answer and a stalled one differ
            seen = self.page.evaluate(
                """([n, o]) => { const f = document.querySelector(`form.perpcalc[data-calculator="${n}"]`);
                     return f && [f.dataset.state, f.querySelector(`output[name="${o}"]`)?.textContent,
                       f.querySelector('[data-status]')?.textContent,
                       'runtime: ' + (window.__perpcalcRuntime?.state ?? 'none')]; }""",
                [name, output],
            )
            raise AssertionError(
                f"{name}'s {output} on {self.page.url} never showed {text!r}: {seen}; errors: {self.errors[-3:]}"
            ) from None

    def foreign_requests(self) -> list[str]:
        local = ("data:", "blob:")
        return [u for u in self.requests if urlparse(u).hostname != "127.0.0.1" and not u.startswith(local)]


def navigate(page: object, path: str, timeout: float = 30.0) -> None:
    """Instant navigation to ``path`` (a click on an internal link), waiting for the new content.
    A link to the page already shown (another query string) is a plain load, as in the theme."""
    target = path.split("?")[0]
    if page.evaluate("location.pathname") == target:
        page.goto(urljoin(page.url, path), wait_until="load")
        return
    # a reader's tap comes after the theme has noted where they are on the page (it writes the scroll
    # offset into history.state 100 ms after a scroll): a click sooner, right after a scroll, lands the
    # next page at the old offset, and a test that waits for the new page's top waited its time limit
    poll(page, "() => Math.abs((history.state?.y ?? 0) - scrollY) < 1", timeout=2.0)
    page.evaluate(
        """p => { document.querySelector('article').dataset.previous = 'true';
                  const a = document.createElement('a'); a.href = p; document.body.append(a);
                  a.click(); a.remove(); }""",
        path,
    )
    if not poll(page, "p => location.pathname === p && !!document.querySelector('article:not([data-previous])')",
                target, timeout):
        raise AssertionError(f"instant navigation to {path} did not complete")


def site_pages(site: Path) -> list[str]:
    """URL paths of every real page of the built site (redirect stubs and 404 left out)."""
    paths = []
    for html in sorted(site.rglob("index.html")):
        text = html.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text[:3000]:
            continue
        rel = html.parent.relative_to(site).as_posix()
        paths.append("/" if rel == "." else f"/{rel}/")
    return paths


def calculator_pages(site: Path) -> dict[str, list[str]]:
    """Page path → calculator names embedded on it (the site is read once per session: parsing
    every page again on each call cost the suite minutes)."""
    return {path: list(names) for path, names in _calculator_pages(site).items()}


@functools.cache
def _calculator_pages(site: Path) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for path in site_pages(site):
        html = site / path.strip("/") / "index.html" if path != "/" else site / "index.html"
        names = [f["data-calculator"] for f in parsed(html).select("form.perpcalc")]
        if names:
            found[path] = tuple(names)
    return found


def calculator_forms(site: Path) -> list[dict[str, str]]:
    """Every embedded form of the built site: page path, form id, calculator, example and the
    query-key prefix the page uses for it (none when the page has one form)."""
    return [dict(form) for form in _calculator_forms(site)]


@functools.cache
def _calculator_forms(site: Path) -> tuple[dict[str, str], ...]:
    found = []
    for path, _names in calculator_pages(site).items():
        html = site / path.strip("/") / "index.html" if path != "/" else site / "index.html"
        forms = parsed(html).select("form.perpcalc")
        for form in forms:
            prefix = form["id"].removeprefix("calc-") + "." if len(forms) > 1 else ""
            found.append({"path": path, "id": form["id"], "name": form["data-calculator"],
                          "example": form["data-example"], "prefix": prefix})
    return tuple(found)


def page_of(built_site: dict, name: str) -> str:
    """The first page (in path order) that embeds calculator ``name``."""
    return next(path for path, names in sorted(calculator_pages(built_site["dir"]).items()) if name in names)


LONG_TASK_MS = 200.0
"""The longest task a page may run on its main thread while it takes in a huge list (issue 16's
target), counted in CPU time (see :class:`MainThreadTasks`)."""


class MainThreadTasks:
    """Records every task the page's main thread runs inside a ``with`` block, from Chromium's own
    trace, with its wall time and its CPU time (the trace's ``dur`` and ``tdur``, in ms).

    The target is held on CPU time because wall time is not the page's own: on a machine whose
    cores are busy with other work, a 300-ms busy loop measured 208 ms of CPU and, on a busier
    one, 136 ms, while its wall time stayed 300 ms; a 120-ms one measured 96 ms and 46 ms. CPU
    time does not grow with other processes' load, so the same commit gives the same verdict on
    a quiet machine and on a loaded CI runner. The old quadratic table (a 31-s task for 20,000
    rows) and a 100,000-line textarea laid out by the page (213 to 476 ms of wall time on a quiet
    machine) each fail it. Threads named ``CrRendererMain`` are the pages' main threads (each
    test has one page open, so counting them all is at worst stricter); workers are not counted.
    """

    CATEGORIES = ("disabled-by-default-devtools.timeline", "devtools.timeline")

    def __init__(self, tab: Tab) -> None:
        self.browser = tab.page.context.browser
        self.tab = tab
        self.tasks: list[tuple[float, float]] = []  # (wall ms, CPU ms), in trace order
        self.inside = ""  # what the longest task spent its time on (_breakdown)

    def __enter__(self) -> MainThreadTasks:
        self.browser.start_tracing(page=self.tab.page, categories=list(self.CATEGORIES))
        return self

    def __exit__(self, *exc: object) -> None:
        events = json.loads(self.browser.stop_tracing())["traceEvents"]
        main = {(e["pid"], e["tid"]) for e in events
                if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
        runs = [e for e in events
                if e.get("name") == "RunTask" and e.get("ph") == "X" and (e["pid"], e["tid"]) in main]
        self.tasks = [(e["dur"] / 1000, e.get("tdur", e["dur"]) / 1000) for e in runs]
        self.inside = ""
        if runs:
            top = max(runs, key=lambda e: e.get("tdur", e["dur"]))
            self.inside = self._breakdown(top, events)

    @staticmethod
    def _breakdown(task: dict, events: list[dict], depth: int = 4) -> str:
        """What the longest task spent its time on: the events nested directly in it, by name (a
        script call with its file, line and function), with their wall ms, the largest first, and
        inside the largest its own largest, ``depth`` levels down: a failure then says which code ran
        long, not only that something did."""
        start, end = task["ts"], task["ts"] + task["dur"]
        nested = sorted((e for e in events
                         if e.get("ph") == "X" and e is not task and (e["pid"], e["tid"]) == (task["pid"], task["tid"])
                         and start <= e["ts"] and e["ts"] + e.get("dur", 0) <= end),
                        key=lambda e: (e["ts"], -e.get("dur", 0)))
        spent: dict[str, float] = {}
        biggest: dict | None = None
        reach = start
        for e in nested:  # only the outermost events: a child's time is inside its parent's
            if e["ts"] < reach:
                continue
            reach = e["ts"] + e.get("dur", 0)
            data = (e.get("args") or {}).get("data") or {}
            where = str(data.get("url", "")).rsplit("/", 1)[-1]
            label = e["name"] + (f" {where}:{data.get('lineNumber', '?')} {data.get('functionName', '')}".rstrip()
                                 if where else "")
            spent[label] = spent.get(label, 0.0) + e.get("dur", 0) / 1000
            if biggest is None or e.get("dur", 0) > biggest.get("dur", 0):
                biggest = e
        top = sorted(spent.items(), key=lambda kv: -kv[1])[:5]
        text = ", ".join(f"{label} {ms:.0f} ms" for label, ms in top)
        if biggest is not None and depth > 1:
            inner = MainThreadTasks._breakdown(biggest, nested, depth - 1)
            if inner:
                text += f" [in the largest: {inner}]"
        return text

    @property
    def longest_cpu(self) -> float:
        return max((cpu for _, cpu in self.tasks), default=0.0)

    def summary(self) -> str:
        """What a test prints: tasks over 50 ms of wall time, and the longest by CPU and by wall."""
        long = [(w, c) for w, c in self.tasks if w > 50]
        wall = max((w for w, _ in self.tasks), default=0.0)
        return (f"{len(self.tasks)} main-thread tasks, {len(long)} over 50 ms of wall time; longest "
                f"{self.longest_cpu:.0f} ms of CPU (limit {LONG_TASK_MS:.0f}), {wall:.0f} ms of wall time "
                f"at load {os.getloadavg()[0]:.1f}; inside it: {self.inside or 'nothing traced'}")

    def verdict(self) -> str:
        """The message of a failed ``longest_cpu`` assertion: the five longest tasks and what the longest did."""
        longest = sorted(self.tasks, key=lambda t: -t[1])[:5]
        return f"longest tasks (wall ms, CPU ms): {longest}; the longest spent its time in: {self.inside}"


@functools.lru_cache(maxsize=4)
def _gz_copy(data: bytes) -> bytes:
    """The ``.gz`` copy of a replaced file: made once per bytes (a reload asks again) at gzip's fastest
    level (the browser unpacks any level; level 9 took 2.6 s of CPU for a 14 MB snapshot part, level 1
    0.17 s, on a machine whose cores the browser tests keep busy)."""
    return gzip.compress(data, compresslevel=1, mtime=0)


class AlteredSite(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as another deployment would, without compression (as a host that
    sends files as they are): some files' bytes replaced (``replace``; a replaced file's ``.gz``
    copy is the gzip of its new bytes), some sent at about 12 MB/s as a fast link would, where
    localhost gives 1 GB/s (``slow``, a file and its ``.gz`` copy), and
    the paths asked for recorded (``asked``). ``script_max_age``: scripts other than sw.js are sent
    with that much HTTP caching (seconds), everything else with no-cache; ``max_age``: every file
    but sw.js is (GitHub Pages sends max-age=600)."""

    replace: dict[str, bytes]
    slow: set[str]
    pause = 0.02  # seconds after each 256 KB of a slow file (about 12 MB/s)
    asked: list[str]
    script_max_age: int = 0
    max_age: int = 0

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def end_headers(self) -> None:
        path = self.path.split("?")[0]
        cached = self.script_max_age and path.endswith(".js") and path != "/sw.js"
        age = self.max_age if self.max_age and path != "/sw.js" else self.script_max_age if cached else 0
        self.send_header("Cache-Control", f"max-age={age}" if age else "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.asked.append(path)
        body = self.replace.get(path)
        original = path.removesuffix(".gz")  # a file's .gz copy is sent as the file is: replaced, or slowly
        if body is None and original != path and original in self.replace:
            body = _gz_copy(self.replace[original])
        slow = path in self.slow or original in self.slow
        if body is None and slow:
            body = Path(self.directory, path.lstrip("/")).read_bytes()
        if body is None:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path + "index.html" if path.endswith("/") else path))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        step = 256 * 1024 if slow else len(body) or 1
        for at in range(0, len(body), step):
            self.wfile.write(body[at:at + step])
            if slow:
                time.sleep(self.pause)
        return None


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that moved on mid-download
            super().handle_error(request, client_address)


@contextlib.contextmanager
def altered_site(directory: Path, port: int, script_max_age: int = 0,
                 max_age: int = 0) -> Iterator[tuple[str, type[AlteredSite]]]:
    """Serve ``directory`` on 127.0.0.1:``port`` with an AlteredSite handler of its own; yields the
    origin and the handler class, whose ``replace``, ``slow`` and ``asked`` the test changes."""
    handler = type("Handler", (AlteredSite,), {"replace": {}, "slow": set(), "asked": [],
                                               "script_max_age": script_max_age, "max_age": max_age})
    httpd = QuietServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()
