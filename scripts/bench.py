"""The project's scoreboard: `make bench` writes bench/latest.json and prints a table.

Measures, on this machine, in one run, the site against a bare page that only starts the same
self-hosted Pyodide in a worker (``/__bench/bare.html``), both served by ``scripts/serve.py``
(precompressed files, the site's ``_headers``) behind a throttling layer:

* link profiles: ``local`` (no limit), ``9mbps`` (≈ 9 Mbit/s, 85 ms per request) and
  ``1.6mbps`` (≈ 1.6 Mbit/s, 300 ms), the slow ones with brotli (``br``) and without any
  compression (``id``) and with Chromium's CPU slowed 4× (CDP ``Emulation.setCPUThrottlingRate``;
  Chromium's own network throttling does not reach workers, so the server paces the bytes: one
  shared link, a round trip's wait before each response);
* first visit (empty cache) to a live calculator, and return visit (reload: the site restores
  its memory snapshot kept by the service worker; the bare page reloads from the HTTP cache),
  each as a ratio to the bare page's (targets: first ≤ 0.75 on the local link and ≤ 1.0 on the
  slow profiles, return ≤ 0.3);
* recompute latency from an input event to the painted outputs (median ≤ 16.7 ms, p95 ≤ 25 ms),
  time to ``ready`` after instant navigation to a second calculator page (≤ 100 ms); a missed
  one is printed with its parts (recompute: posting, the worker's round trip, the frame; navigation:
  fetch, swap, frame, and one traced navigation's main-thread CPU by kind, with the style and layout
  a script forced), kept in latest.json too;
* the worker's WebAssembly heap after ready and after the 100,000-position ADL ranking, and
  that ranking pasted into its page (from the paste event to the frame that shows it:
  ``adl_ranking_100k_browser_s``, target ≤ 1.5 s) and its worker's part alone (the inputs as
  JSON, ``page.compute_page``, the long outputs as bytes) in Chromium;
* bytes on the wire before Python starts and in total; site build time (≤ 60 s);
* heavy calculators inside Pyodide under Node and in CPython (the fastest of 3 runs; the insolvency
  waterfall at 100,000 positions is reported without a target: its budget is the CPython one below);

Local figures are medians of BENCH_RUNS runs (default 3); each slow profile runs once
(BENCH_PROFILES=name,name picks some). BENCH_PARTS=visits,page,profiles,heavy picks the parts
to run (default: all; ``adl`` alone: the ADL ranking through the page, ``nav`` alone: the instant navigation,
both of which ``page`` includes); the site is
always built.
The previous figures (bench/baseline.json) are shown beside the new ones. A figure that misses its
target is printed again under the table with where its time or bytes go (BREAKDOWNS, all of which
go to bench/latest.json too): for a visit, each step from navigation to ready (the page's timing,
the worker's own marks, each runtime file's download) for the site and the bare page; for the
first visit's bytes, what the server sent for the requests made until ready, by kind of file.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calculators"))
sys.path.insert(0, str(ROOT / "scripts"))

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8766"))
ORIGIN = f"http://127.0.0.1:{PORT}"
SITE = ROOT / "build" / "bench-site"
PAGE = "/terms/funding-rate-exposure/"
ADL_PAGE = "/terms/adl-ranking/"  # the ADL ranking calculator's page: the 100k paste
NEXT = "funding-rate-calculations/"
# name: (bytes per second or None, seconds before each response, compression, CPU slowdown)
PROFILES: dict[str, tuple[float | None, float, bool, float]] = {
    "local": (None, 0.0, True, 1),
    "9mbps_br_cpu4": (9e6 / 8, 0.085, True, 4),
    "9mbps_id_cpu4": (9e6 / 8, 0.085, False, 4),
    "1.6mbps_br_cpu4": (1.6e6 / 8, 0.300, True, 4),
    "1.6mbps_id_cpu4": (1.6e6 / 8, 0.300, False, 4),
}
FIRST_VISIT_BYTES = 6.2e6  # the wire cost of a first visit on 2026-12-05 (README): a target not to exceed
PARTS = os.environ.get("BENCH_PARTS", "visits,page,profiles,heavy,budgets").split(",")
TARGETS = {
    "local_first_visit_server_bytes": ("≤", FIRST_VISIT_BYTES),
    "local_first_ratio": ("≤", 0.75),
    "local_return_ratio": ("≤", 0.3),
    "recompute_median_ms": ("≤", 16.7),
    "recompute_p95_ms": ("≤", 25),
    "instant_nav_ready_ms": ("≤", 100),
    "build_seconds": ("≤", 60),
    "adl_ranking_100k_browser_s": ("≤", 1.5),
    "adl_ranking_100k_pyodide_s": ("≤", 1.0),
    "rank_positions_100k_pyodide_s": ("≤", 1.0),
    "cascade_10k_pyodide_s": ("≤", 1.0),
}
for _name in PROFILES:
    if _name != "local":
        TARGETS[f"{_name}_first_ratio"] = ("≤", 1.0)
        TARGETS[f"{_name}_return_ratio"] = ("≤", 0.3)
# Where a figure's time or bytes go, filled in by the part that measures it: figure -> rows of
# (what, value, unit). All are written to bench/latest.json ("breakdowns"); the rows of a figure
# that misses its target are printed under the table, so that a miss is stated with its reasons.
BREAKDOWNS: dict[str, list[tuple[str, float, str]]] = {}

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare pyodide</title>
<script type="module" src="bare.js"></script>"""
BARE_JS = """const worker = new Worker(new URL("./bare-worker.js", import.meta.url), { type: "module" });
worker.onmessage = () => { window.__readyAt = performance.now(); };
"""
# bare Pyodide as the npm package ships it: its own python_stdlib.zip (no .pyc; the site's is precompiled)
BARE_WORKER = """import { loadPyodide } from "../assets/runtime/pyodide/pyodide.mjs";
performance.mark("perpcalc:start");
const py = await loadPyodide({ indexURL: new URL("../assets/runtime/pyodide/", import.meta.url).href,
                               stdLibURL: new URL("./python_stdlib.zip", import.meta.url).href });
performance.mark("perpcalc:python");
py.runPython("1 + 1");
postMessage("ready");
"""


def build_site() -> float:
    env = dict(os.environ, SITE_URL=f"{ORIGIN}/", NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--clean", "--site-dir", str(SITE)],
        cwd=ROOT, env=env, check=True,
    )
    seconds = time.perf_counter() - start
    bench = SITE / "__bench"
    bench.mkdir(exist_ok=True)
    for name, text in (("bare.html", BARE_HTML), ("bare.js", BARE_JS), ("bare-worker.js", BARE_WORKER)):
        (bench / name).write_text(text, encoding="utf-8")
    shutil.copy2(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip", bench / "python_stdlib.zip")
    return seconds


@dataclass
class Request:
    at: float  # when the server got it, ms since the epoch (as the browser's performance.timeOrigin)
    path: str
    sent: int = 0


class Link:
    """WSGI middleware: one shared link of a given rate, a wait before each response, and
    compression switched off by dropping the browser's Accept-Encoding."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.rate: float | None = None
        self.latency = 0.0
        self.compress = True
        self.lock = threading.Lock()
        self.busy_until = 0.0
        self.sent = 0  # body bytes sent (as on the wire: compressed when the copy is)
        self.requests: list[Request] = []  # every request, with the bytes sent for it

    def set(self, rate: float | None, latency: float, compress: bool) -> None:
        self.rate, self.latency, self.compress = rate, latency, compress

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.compress:
            environ.pop("HTTP_ACCEPT_ENCODING", None)
        if self.latency:
            time.sleep(self.latency)
        request = Request(time.time() * 1000, environ.get("PATH_INFO", ""))
        with self.lock:
            self.requests.append(request)
        body = self.app(environ, start_response)
        return self._paced(body, self.rate, request) if self.rate else self._counted(body, request)

    def _counted(self, body: Iterable[bytes], request: Request) -> Iterable[bytes]:
        try:
            for chunk in body:
                with self.lock:
                    self.sent += len(chunk)
                    request.sent += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close:
                close()

    def _paced(self, body: Iterable[bytes], rate: float, request: Request) -> Iterable[bytes]:
        try:
            for chunk in body:
                for i in range(0, len(chunk), 16384):
                    piece = chunk[i:i + 16384]
                    with self.lock:
                        start = max(time.monotonic(), self.busy_until)
                        self.busy_until = start + len(piece) / rate
                        until = self.busy_until
                    time.sleep(max(0.0, until - time.monotonic()))
                    with self.lock:
                        self.sent += len(piece)
                        request.sent += len(piece)
                    yield piece
        finally:
            close = getattr(body, "close", None)
            if close:
                close()


def serve() -> tuple[object, Link]:
    from wsgiref.simple_server import make_server

    import serve as site_server

    link = Link(site_server.application(SITE))
    httpd = make_server("127.0.0.1", PORT, link, server_class=site_server.ThreadingServer,
                        handler_class=site_server.QuietHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, link


# the page checks the predicate on its own timer and answers once: an evaluate from here every 10 ms
# went through Playwright's driver each time, about 0.6 of a core taken from the page being timed
# (tests/browser/helpers.py's ``poll`` measured it)
_POLL = """async (ms) => {{
  const predicate = {source};
  const until = performance.now() + ms;
  for (;;) {{
    const value = await predicate();
    if (value || performance.now() >= until) return value === undefined ? null : value;
    await new Promise(r => setTimeout(r, 5));
  }}
}}"""


def poll(page: object, predicate: str, timeout: float = 300.0) -> object:
    """The first truthy value of a JS predicate (a function's source), checked by the page every
    5 ms; a TimeoutError after ``timeout`` s. Works under the site's CSP: the predicate is part of
    the function Playwright sends, never text the page evaluates."""
    value = page.evaluate(_POLL.format(source=predicate), timeout * 1000)
    if not value:
        raise TimeoutError(predicate)
    return value


READY = "() => window.__perpcalcRuntime && ['ready', 'error'].includes(window.__perpcalcRuntime.state)"
SNAPSHOT_KEPT = """async () => { const parts = %d; for (const key of await caches.keys())
    if ((await (await caches.open(key)).keys()).filter(r => /snapshot-[0-9a-f]+\\.bin$/.test(r.url)).length === parts)
      return true;
    return false; }"""


def snapshot_kept() -> str:
    """A predicate: every part of the build's snapshot is kept by the service worker."""
    manifest = json.loads((SITE / "assets" / "runtime" / "manifest.json").read_text(encoding="utf-8"))
    return SNAPSHOT_KEPT % len(manifest["snapshot"]["parts"])


def new_page(browser: object, cpu: float) -> tuple[object, object]:
    ctx = browser.new_context()
    page = ctx.new_page()
    if cpu != 1:
        ctx.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    return ctx, page


def site_ready_at(page: object) -> float:
    rt = page.evaluate(READY) and page.evaluate("window.__perpcalcRuntime")
    if rt["state"] != "ready":
        raise RuntimeError(f"the site's runtime failed: {rt.get('error')}")
    return rt["readyAt"]


# ---------------------------------------------------------------- where a visit's time and bytes go

# The steps of a visit to a live calculator, in the order they usually happen: the page's navigation
# timing, the worker's own start (its timeOrigin) and the marks worker.js leaves ("perpcalc:<step>").
STEPS = {
    "sw": "service worker started (return visits: it serves the page)",
    "html": "page HTML received",
    "boot": "boot.js (the site: inline in <head>) runs: new Worker()",
    "worker": "worker's global scope created",
    "start": "worker's module evaluated, start() runs",
    "modules": "Pyodide's 2 JS modules downloaded, checked, imported",
    "snapshot": "saved snapshot read from Cache Storage, checked, its pages put in place",
    "wasm-compile": "loadPyodide set up, wasm handed to WebAssembly",
    "wasm-ready": "wasm instantiated (compiled as it downloaded, once checked)",
    "python": "Python started (the site: stdlib .pyc, or the snapshot restored)",
    "ready": "perpcalc's entry imported (compute_page)",
    "page": "the page has the ready message",
}
BARE_STEPS = {**STEPS, "start": "worker's module evaluated (pyodide.mjs imported)",
              "python": "Python started (loadPyodide: stdlib compiled from .py)"}
PAGE_TIMES = """() => { const nav = performance.getEntriesByType('navigation')[0];
  const out = {origin: performance.timeOrigin, html: nav.responseEnd, domready: nav.domContentLoadedEventEnd,
               page: window.__perpcalcRuntime ? window.__perpcalcRuntime.readyAt : window.__readyAt};
  if (nav.workerStart) out.sw = nav.workerStart;
  for (const m of performance.getEntriesByType('mark'))
    if (m.name.startsWith('perpcalc:')) out[m.name.slice(9)] = m.startTime;
  return out; }"""
WORKER_TIMES = """() => ({origin: performance.timeOrigin,
  marks: performance.getEntriesByType('mark').filter(m => m.name.startsWith('perpcalc:'))
           .map(m => [m.name.slice(9), m.startTime]),
  files: performance.getEntriesByType('resource').filter(e => e.name.includes('/assets/runtime/'))
           .map(e => [e.name.split('/').pop(), e.startTime, e.responseEnd])})"""


def visit_steps(page: object, worker_name: str) -> dict[str, float]:
    """ms after navigation at which each step of STEPS was reached, plus ``domready`` and, per
    runtime file, ``get <name>`` (requested) and ``got <name>`` (last byte)."""
    times = page.evaluate(PAGE_TIMES)
    at: dict[str, float] = {k: v for k, v in times.items() if k != "origin" and v}
    workers = [w for w in page.workers if w.url.endswith(worker_name)]
    if workers:
        w = workers[-1].evaluate(WORKER_TIMES)
        shift = w["origin"] - times["origin"]
        at["worker"] = shift
        at.update({name: shift + ms for name, ms in w["marks"]})
        for name, begun, ended in w["files"]:
            name = re.sub(r"-[0-9a-f]{16}\.", ".", name)  # hash-named files under one name
            at[f"get {name}"], at[f"got {name}"] = shift + begun, shift + ended
    return at


def part_of(path: str) -> str:
    """What a request of a visit is, for the bytes breakdown."""
    name = path.rsplit("/", 1)[-1]
    if path.startswith("/assets/runtime/"):
        return "runtime " + re.sub(r"-[0-9a-f]{16}\.", ".", name)
    if path.startswith("/search/"):
        return "search index (theme)"
    if path.startswith("/assets/javascripts/"):
        return "theme scripts"
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    kinds = {"css": "stylesheets", "woff2": "fonts", "woff": "fonts", "ttf": "fonts", "png": "images",
             "svg": "images", "ico": "images", "jpg": "images", "js": "site scripts", "mjs": "site scripts"}
    if suffix in kinds:
        return kinds[suffix]
    if not suffix or suffix == "html":
        return "page HTML"
    return f"other ({name})"


def bytes_by_part(requests: list[Request]) -> dict[str, int]:
    parts: Counter[str] = Counter()
    for request in requests:
        parts[part_of(request.path)] += request.sent
    return {part: n for part, n in parts.most_common() if n}


# The page's ready, in ms since the epoch (the server's clock is the same machine's).
READY_EPOCH = "performance.timeOrigin + window.__perpcalcRuntime.readyAt"


def visits(browser: object, link: Link, profile: tuple[float | None, float, bool, float],
           returns: int = 1) -> dict[str, object]:
    """First and return visit to live, for the bare page and for the site, under one profile; with
    the steps of each (``*_steps``: ms after navigation) and the first visit's bytes by part.

    The site's return visit is the median of ``returns`` reloads (``return_site_all_ms`` lists them):
    a slow profile is measured once, and a single reload under 4× CPU throttling moved by half a second
    and more (1.0 s at 9 Mbit/s and 2.1 s at 1.6 Mbit/s in one run, 2026-12-07 09:23 UTC; three of each
    then: 0.87/1.40/0.79 s and 1.71/1.19/1.68 s)."""
    rate, latency, compress, cpu = profile
    out: dict[str, object] = {}
    # bare Pyodide: first visit, then a reload served from the HTTP cache (revalidated)
    ctx, page = new_page(browser, cpu)
    link.set(rate, latency, compress)
    page.goto(ORIGIN + "/__bench/bare.html")
    out["first_bare_ms"] = poll(page, "() => window.__readyAt")
    out["first_bare_steps"] = visit_steps(page, "/bare-worker.js")
    page.reload()
    out["return_bare_ms"] = poll(page, "() => window.__readyAt")
    out["return_bare_steps"] = visit_steps(page, "/bare-worker.js")
    ctx.close()
    # the site: first visit; the service worker keeps the snapshot (unthrottled, not timed); reload
    ctx, page = new_page(browser, cpu)
    link.set(rate, latency, compress)
    first = len(link.requests)
    page.goto(ORIGIN + PAGE, wait_until="load")
    poll(page, READY)
    out["first_site_ms"] = site_ready_at(page)
    rt = page.evaluate("window.__perpcalcRuntime")
    out["first_site_wire_bytes"] = rt["timings"]["bytes"]
    out["first_site_steps"] = visit_steps(page, WORKER)
    ready = page.evaluate(READY_EPOCH)
    link.set(None, 0.0, compress)
    poll(page, snapshot_kept())
    # everything the server sent for requests made until ready; then, what was asked for after
    # (the service worker's copies, the snapshot among them; what waited for ready)
    visit = link.requests[first:]
    until, after = [r for r in visit if r.at <= ready], [r for r in visit if r.at > ready]
    out["first_visit_server_bytes"] = sum(r.sent for r in until)
    out["first_visit_parts"] = bytes_by_part(until)
    out["snapshot_kept_server_bytes"] = sum(r.sent for r in after)
    out["snapshot_kept_parts"] = bytes_by_part(after)
    link.set(rate, latency, compress)
    sent = link.sent
    reloads = []
    for _ in range(returns):
        page.reload(wait_until="load")
        poll(page, READY)
        reloads.append(site_ready_at(page))
        mode = page.evaluate("window.__perpcalcRuntime.timings.mode")
        if mode != "snapshot":
            raise RuntimeError(f"the return visit did not restore the snapshot ({mode})")
        if len(reloads) == 1:
            out["return_visit_server_bytes"] = link.sent - sent
            out["return_site_steps"] = visit_steps(page, WORKER)
    out["return_site_ms"] = statistics.median(reloads)
    if returns > 1:
        out["return_site_all_ms"] = reloads
    out["return_first_compute_ms"] = page.evaluate(FIRST_COMPUTE)
    ctx.close()
    link.set(None, 0.0, True)
    out["first_ratio"] = out["first_site_ms"] / out["first_bare_ms"]
    out["return_ratio"] = out["return_site_ms"] / out["return_bare_ms"]
    return out


WORKER = "/assets/perpcalc/worker.js"
# One edit right after ready: input event -> outputs painted (the worker's first compute).
FIRST_COMPUTE = """async () => {
  const form = document.querySelector('form.perpcalc[data-calculator="funding_payment"]');
  const size = form.querySelector('[name="size"]');
  const done = new Promise(r => form.addEventListener('perpcalc:result', r, { once: true }));
  const t = performance.now();
  size.value = '3';
  size.dispatchEvent(new Event('input', { bubbles: true }));
  await done;
  await new Promise(requestAnimationFrame);
  return performance.now() - t;
}"""


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Key by key, the median over the runs that have it."""
    keys = dict.fromkeys(k for run in runs for k in run)
    return {k: statistics.median(run[k] for run in runs if k in run) for k in keys}


def steps_rows(steps: dict[str, float], names: dict[str, str]) -> list[tuple[str, float, str]]:
    """A visit's steps in the order reached: what each took since the one before."""
    rows = []
    before = 0.0
    for key, at in sorted(((k, v) for k, v in steps.items() if k in names), key=lambda kv: kv[1]):
        rows.append((names[key], at - before, f"ms, done at {at:.0f} ms"))
        before = at
    if "domready" in steps:
        rows.append(("  meanwhile on the page: DOMContentLoaded done", steps["domready"], "ms after navigation"))
    for key in sorted(k for k in steps if k.startswith("get ")):
        name = key[4:]
        got = steps.get(f"got {name}", steps[key])
        rows.append((f"  meanwhile: {name} downloaded", got - steps[key], f"ms, from {steps[key]:.0f} to {got:.0f}"))
    return rows


def visit_breakdowns(prefix: str, figures: dict[str, object]) -> None:
    """BREAKDOWNS of one profile's visit figures (``prefix`` is ``local_``, ``9mbps_br_cpu4_``...)."""
    for visit in ("first", "return"):
        site, bare = figures.get(f"{prefix}{visit}_site_steps"), figures.get(f"{prefix}{visit}_bare_steps")
        if not isinstance(site, dict) or not isinstance(bare, dict):
            continue
        rows = [(f"site, {visit} visit: {label}", value, unit) for label, value, unit in steps_rows(site, STEPS)]
        rows += [(f"bare, {visit} visit: {label}", value, unit)
                 for label, value, unit in steps_rows(bare, BARE_STEPS)]
        BREAKDOWNS[f"{prefix}{visit}_ratio"] = rows
    parts = figures.get(f"{prefix}first_visit_parts")
    if isinstance(parts, dict):
        BREAKDOWNS[f"{prefix}first_visit_server_bytes"] = [(part, n, "bytes") for part, n in parts.items()]
    after = figures.get(f"{prefix}snapshot_kept_parts")
    if isinstance(after, dict):
        BREAKDOWNS[f"{prefix}snapshot_kept_server_bytes"] = [(part, n, "bytes") for part, n in after.items()]


# 100,000 positions as a reader pastes them: CSV text, every one solvent (margin > its loss)
RANK_ROWS = """n => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = ['id,side,size,entry_price,mark_price,margin'];
  for (let i = 0; i < n; i++) {
    const side = rnd() < 0.5 ? "long" : "short", size = 0.1 + rnd() * 50, entry = 80 + rnd() * 40;
    const loss = Math.max(0, (side === "long" ? entry - 100 : 100 - entry) * size);
    lines.push(`p${i},${side},${size},${entry},100,${loss + 1 + rnd() * 500}`);
  }
  return lines.join('\\n');
}"""

# Through the page, as a paste: a paste event on the positions box (select all, then the text as clipboard data, as
# a reader's Ctrl+A, Ctrl+V fires it; tests/browser/test_hardening.py pastes the same way), then the page's
# own path (the form's inputs posted to the worker, perpcalc.page.compute_page, which keeps the long
# ranking in the worker and sends its first page's text, the queue chart's points sent back as bytes,
# the first page of rows drawn) up to the frame that shows the result. The form waits
# 150 ms after a textarea's typing before it asks, but not after a paste: 100,000 rows arrive in one
# paste event, go straight to the page's hold (lists.js holdPaste: never through the box) and are computed at
# once (perpcalc.js).
RANK_THROUGH_PAGE = """async (rows) => {
  const text = (""" + RANK_ROWS + """)(rows);
  const form = document.querySelector('form.perpcalc[data-calculator="adl_ranking"]');
  const box = form.querySelector('[name="positions"]');
  const answered = new Promise((resolve, reject) => {
    form.addEventListener('perpcalc:result', (e) => resolve(e.detail), { once: true });
    form.addEventListener('perpcalc:error', (e) => reject(new Error(JSON.stringify(e.detail))), { once: true });
  });
  const send = Worker.prototype.postMessage;
  let posted = 0;
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && msg.type === 'compute') posted = performance.now();
    return send.call(this, msg, ...rest);
  };
  let shown = 0, arrived = 0;
  window.__adlArrived = 0;
  form.addEventListener('perpcalc:result', () => { shown = performance.now(); arrived = window.__adlArrived; },
                        { once: true });
  const t = performance.now();
  try {
    // a reader's Ctrl+A, Ctrl+V: the page takes a paste this large itself (lists.js holdPaste) and cancels it;
    // a synthetic paste left to the box would insert nothing, so that is an error here, not a wait
    box.focus(); box.select();
    const clip = new DataTransfer();
    clip.setData('text/plain', text);
    if (box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clip, bubbles: true, cancelable: true }))) {
      throw new Error('the page left a paste of ' + rows + ' rows to the box');
    }
    await answered;
  } finally {
    Worker.prototype.postMessage = send;
  }
  await new Promise(requestAnimationFrame);
  const end = performance.now();
  const result = await answered;
  const at = (ms) => ms - performance.timeOrigin;  // a time on the epoch's clock, on this page's
  return { seconds: (end - t) / 1000, rows: result.display.ranking.total, start: t, posted, shown, end,
           arrived: arrived ? at(arrived) : 0 };
}"""

# Where the time of RANK_THROUGH_PAGE goes in the worker: installed before the paste (and taken out
# after it by RANK_MARKS_TAKE), it notes when the compute message arrives and when its result
# leaves (ms since the epoch, comparable with the page's), and the time of perpcalc's steps inside
# compute_page (wrapped for this one answer, then put back).
RANK_MARKS_PUT = """() => {
  const on = self.onmessage, post = self.postMessage, now = () => performance.timeOrigin + performance.now();
  const marks = self.__adlMarks = {};
  self.onmessage = (e) => { if (e.data && e.data.type === 'compute') marks.got = now(); return on.call(self, e); };
  self.postMessage = function (msg, ...rest) {
    if (msg && msg.type === 'result' && !marks.sent) marks.sent = now();
    return post.call(self, msg, ...rest);
  };
  self.__adlPutBack = () => { self.onmessage = on; self.postMessage = post; };
  self.__pyodide.runPython(`
import time, perpcalc.page as _page, perpcalc._spec as _spec
_adl_marks, _adl_back = {}, []
def _adl_timed(owner, name, label, setter=setattr):
    f = getattr(owner, name)
    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            _adl_marks[label] = _adl_marks.get(label, 0.0) + time.perf_counter() - t
    setter(owner, name, timed)
    _adl_back.append(lambda: setter(owner, name, f))
_calc = _spec.get("adl_ranking")
_adl_timed(_page, "compute", "compute")
_adl_timed(_spec.Calculator, "resolve", "read")
_adl_timed(_calc, "compute", "rank", object.__setattr__)
_adl_timed(_spec, "output_json", "outputs")
_adl_timed(_page, "display", "display")
`);
}"""
RANK_MARKS_TAKE = """() => {
  self.__adlPutBack();
  const py = self.__pyodide;
  const steps = py.runPython("for back in _adl_back: back()\\nimport json\\njson.dumps(_adl_marks)");
  return { ...self.__adlMarks, python: JSON.parse(steps) };
}"""
# On every page: when each message from a worker reached the page (before the page's own handlers).
WORKER_ARRIVALS = """(() => {
  const Original = window.Worker;
  window.Worker = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (e.data && e.data.type === 'result') window.__adlArrived = performance.timeOrigin + performance.now();
      });
    }
  };
})();"""

# The worker's part alone, in the page's own worker: the inputs as JSON, perpcalc.page.compute_page,
# the long outputs it sends (the chart's points; the ranking stays in the worker) encoded as the bytes
# that go to the page; and the worker's heap before and after.
RANK_IN_WORKER = """(rows) => {
  const py = self.__pyodide;
  const heapReady = py._module.HEAP8.length;
  const text = (""" + RANK_ROWS + """)(rows);
  const compute = py.runPython("from perpcalc.page import compute_page\\ncompute_page");
  const t = performance.now();
  const proxy = compute("adl_ranking", JSON.stringify({ method: "bitmex", positions: text }));
  const [answer, ...apart] = proxy.toJs();
  proxy.destroy();
  const result = JSON.parse(answer);
  const bytes = apart.filter((_, i) => i % 2).map((part) => new TextEncoder().encode(part));
  const seconds = (performance.now() - t) / 1000;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { seconds, heapReady, heapAfter: py._module.HEAP8.length, rows: result.display.ranking.total,
           bytes: bytes.reduce((n, b) => n + b.length, 0) };
}"""


def browser_figures() -> dict[str, float]:
    from chromium import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    figures: dict[str, float] = {}
    httpd, link = serve()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            if "visits" in PARTS:
                local = [visits(browser, link, PROFILES["local"]) for _ in range(RUNS)]
                for key in local[0]:
                    values = [run[key] for run in local]
                    dicts = isinstance(values[0], dict)
                    figures[f"local_{key}"] = median_of(values) if dicts else statistics.median(values)
                figures["local_first_ratio"] = figures["local_first_site_ms"] / figures["local_first_bare_ms"]
                figures["local_return_ratio"] = figures["local_return_site_ms"] / figures["local_return_bare_ms"]
            if "page" in PARTS:
                figures.update(page_figures(browser))
            elif "nav" in PARTS:  # the instant navigation alone, with its breakdown
                figures.update(navigation_figures(browser))
            elif "adl" in PARTS:  # the ADL ranking through the page alone, with its breakdown
                ctx, page = new_page(browser, 1)
                figures["adl_ranking_100k_browser_s"] = ranked_through_page(page)
                ctx.close()
            chosen = os.environ.get("BENCH_PROFILES", ",".join(PROFILES)).split(",") if "profiles" in PARTS else []
            for name, profile in PROFILES.items():
                if name != "local" and name in chosen:
                    print(f"   - profile {name}", flush=True)
                    figures.update({f"{name}_{k}": v for k, v in visits(browser, link, profile, RUNS).items()})
            browser.close()
    finally:
        httpd.shutdown()
    for name in PROFILES:
        visit_breakdowns(f"{name}_", figures)
    for key in [k for k, v in figures.items() if isinstance(v, dict)]:  # in BREAKDOWNS now
        del figures[key]
    return figures


# The recompute loop: 60 edits of one field, each timed from its input event to the first frame
# after the result (the loop starts inside a frame, so a sample is about one frame or two). Each
# sample also says when the compute was posted to the worker and when the result was on the page.
RECOMPUTE_LOOP = """async () => {
  const form = document.querySelector('form.perpcalc[data-calculator="funding_payment"]');
  const size = form.querySelector('[name="size"]');
  const send = Worker.prototype.postMessage;
  let posted = 0;
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && msg.type === 'compute') posted = performance.now();
    return send.call(this, msg, ...rest);
  };
  const out = [];
  try {
    for (let i = 0; i < 60; i++) {
      let shown = 0;
      const done = new Promise(r => form.addEventListener('perpcalc:result', () => { shown = performance.now(); r(); },
                                                          { once: true }));
      const t = performance.now();
      posted = 0;
      size.value = String(1 + i / 7);
      size.dispatchEvent(new Event('input', { bubbles: true }));
      await done;
      await new Promise(requestAnimationFrame);
      const end = performance.now();
      out.push({ total: end - t, post: (posted || t) - t, result: shown - (posted || t), frame: end - shown });
    }
  } finally {
    Worker.prototype.postMessage = send;
  }
  return out;
}"""

# The instant navigation to the next calculator page, timed from the click to the first frame that
# sees its calculator ready, with the points between: the page's response in (Resource Timing of
# the theme's request) and the theme's swap done (document$ emits after perpcalc has wired the forms).
NAVIGATE = """async (next) => {
  let swapped = 0, first = true;
  const sub = window.document$.subscribe(() => { if (first) first = false; else swapped = performance.now(); });
  const link = [...document.querySelectorAll('a[href]')].find(a => a.getAttribute('href').endsWith(next));
  const t = performance.now();
  link.click();
  await new Promise(resolve => {
    const check = () => {
      const f = document.querySelector('form.perpcalc[data-calculator="funding_rate"]');
      if (f && f.dataset.state === 'ready' && location.pathname.endsWith(next)) resolve();
      else requestAnimationFrame(check);
    };
    check();
  });
  const end = performance.now();
  sub.unsubscribe();
  const got = performance.getEntriesByType('resource').filter(e => e.name.split('?')[0].endsWith(next)).pop();
  const fetched = got ? got.responseEnd : t;
  return { total: end - t, fetch: fetched - t, swap: (swapped || end) - fetched, seen: end - (swapped || end),
           bytes: got ? got.decodedBodySize : 0, elements: document.getElementsByTagName('*').length,
           titles: document.querySelectorAll('article [title]').length };
}"""

# What the main thread did in a traced navigation, by the trace's event names (CPU ms): nested
# events are counted once, under the outermost of these kinds.
TRACE_KINDS = {"ParseHTML": "parse", "UpdateLayoutTree": "style", "Layout": "layout", "Paint": "paint",
               "PrePaint": "paint", "Layerize": "paint", "MinorGC": "gc", "MajorGC": "gc"}


def main_thread_breakdown(events: list[dict]) -> dict[str, float]:
    """CPU ms of the page's main thread in a trace, by kind, plus its longest task and the number of
    layouts (the first frame's, and any that scripts forced)."""
    main = {(e["pid"], e["tid"]) for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"
            and e["args"].get("name") == "CrRendererMain"}
    spans = sorted((e for e in events if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in main),
                   key=lambda e: (e["ts"], -e["dur"]))
    cpu = {kind: 0.0 for kind in ("tasks", "parse", "style", "layout", "paint", "gc")}
    longest, longest_wall, layouts, inside_until = 0.0, 0.0, 0, 0
    # the work itself, whatever the machine's load: elements styled, layout objects laid out
    styled = sum(e.get("args", {}).get("elementCount", 0) for e in spans if e["name"] == "UpdateLayoutTree")
    laid_out = sum(e.get("args", {}).get("beginData", {}).get("dirtyObjects", 0)
                   for e in spans if e["name"] == "Layout")
    # style and layout that a script forced by reading the layout (the trace gives them its stack; a
    # nested one counted once): on the theme's swap, the whole new page's, inside the swap's task
    forced_ms, forced_until = 0.0, 0
    for e in spans:
        if (e["name"] in ("UpdateLayoutTree", "Layout") and e["ts"] >= forced_until
                and (e.get("args", {}).get("beginData") or {}).get("stackTrace")):
            forced_ms += e.get("tdur", e["dur"]) / 1000
            forced_until = e["ts"] + e["dur"]
    for e in spans:
        ms = e.get("tdur", e["dur"]) / 1000
        if e["name"] == "RunTask":
            cpu["tasks"] += ms
            if ms > longest:
                longest, longest_wall = ms, e["dur"] / 1000
        kind = TRACE_KINDS.get(e["name"])
        layouts += e["name"] == "Layout"
        if kind and e["ts"] >= inside_until:
            cpu[kind] += ms
            inside_until = e["ts"] + e["dur"]
    out = {f"{kind}_cpu_ms": round(ms, 1) for kind, ms in cpu.items()}
    # what is left of the tasks' CPU is mostly script (the theme's and the page's) and the browser's own work
    out["script_and_other_cpu_ms"] = round(cpu["tasks"] - sum(v for k, v in cpu.items() if k != "tasks"), 1)
    out["longest_task_cpu_ms"] = round(longest, 1)
    out["longest_task_wall_ms"] = round(longest_wall, 1)
    out["layouts"] = layouts
    out["elements_styled"] = styled
    out["objects_laid_out"] = laid_out
    out["forced_style_layout_cpu_ms"] = round(forced_ms, 1)
    return out


def traced_navigation(browser: object) -> dict[str, float]:
    """One more navigation as the timed ones (after the recompute loop), with a Chromium trace."""
    ctx, page = new_page(browser, 1)
    try:
        page.goto(ORIGIN + PAGE, wait_until="load")
        poll(page, READY)
        page.evaluate(RECOMPUTE_LOOP)
        browser.start_tracing(page=page, categories=["disabled-by-default-devtools.timeline", "devtools.timeline",
                                                     "disabled-by-default-devtools.timeline.stack"])
        nav = page.evaluate(NAVIGATE, NEXT)
        events = json.loads(browser.stop_tracing())["traceEvents"]
    finally:
        ctx.close()
    return {"total_ms": round(nav["total"], 1), **main_thread_breakdown(events)}


def page_figures(browser: object) -> dict[str, float]:
    """Recompute, instant navigation, bytes, heap and the 100k ranking in the page's own worker."""
    recompute, nav, before, total, heap_ready, heap_after, rank = [], [], [], [], [], [], []
    rank_worker: list[float] = []
    rank_bytes: list[int] = []
    for _ in range(RUNS):
        ctx, page = new_page(browser, 1)
        page.goto(ORIGIN + PAGE, wait_until="load")
        poll(page, READY)
        site_ready_at(page)
        before.append(page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                 .filter(e => e.startTime <= window.__perpcalcRuntime.startedAt)
                 .reduce((s, e) => s + (e.transferSize || 0), 0)"""))
        main = page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                 .reduce((s, e) => s + (e.transferSize || 0), 0)""")
        total.append(main + page.evaluate("window.__perpcalcRuntime.timings.bytes"))
        recompute.extend(page.evaluate(RECOMPUTE_LOOP)[5:])
        nav.append(page.evaluate(NAVIGATE, NEXT))
        if not rank:  # once: it is the slowest figure and its heap only grows
            worker = next(w for w in page.workers if w.url.endswith("/assets/perpcalc/worker.js"))
            ranked = worker.evaluate(RANK_IN_WORKER, 100_000)
            heap_ready.append(ranked["heapReady"])
            heap_after.append(ranked["heapAfter"])
            rank_worker.append(ranked["seconds"])
            rank_bytes.append(ranked["bytes"])
            rank.append(ranked_through_page(page))
        ctx.close()
    med = statistics.median
    figures = {
        **recompute_figures(recompute),
        **nav_figures(nav),
        "bytes_before_python": med(before),
        "bytes_total": med(total),
        "worker_heap_ready_bytes": med(heap_ready),
        "worker_heap_after_100k_ranking_bytes": med(heap_after),
        "adl_ranking_100k_browser_s": med(rank),
        "adl_ranking_100k_browser_worker_s": med(rank_worker),
        "adl_ranking_100k_browser_answer_bytes": med(rank_bytes),
    }
    if figures["instant_nav_ready_ms"] > TARGETS["instant_nav_ready_ms"][1]:
        figures.update({f"instant_nav_traced_{k}": v for k, v in traced_navigation(browser).items()})
    for line in page_breakdown(figures):
        print(line)
    return figures


def navigation_figures(browser: object) -> dict[str, float]:
    """The instant navigation of ``page_figures`` alone (BENCH_PARTS=nav), as it is timed there:
    after the recompute loop, in a new context each run; traced once more when it misses."""
    nav = []
    for _ in range(RUNS):
        ctx, page = new_page(browser, 1)
        page.goto(ORIGIN + PAGE, wait_until="load")
        poll(page, READY)
        page.evaluate(RECOMPUTE_LOOP)
        nav.append(page.evaluate(NAVIGATE, NEXT))
        ctx.close()
    figures = nav_figures(nav)
    if figures["instant_nav_ready_ms"] > TARGETS["instant_nav_ready_ms"][1]:
        figures.update({f"instant_nav_traced_{k}": v for k, v in traced_navigation(browser).items()})
    for line in page_breakdown(figures):
        print(line)
    return figures


def ranked_through_page(page: object) -> float:
    """The 100,000-position ranking pasted into its page (``page`` is opened there): its seconds,
    with where they go in BREAKDOWNS (the page, the messages, the worker and perpcalc's steps)."""
    page.add_init_script(WORKER_ARRIVALS)
    page.goto(ORIGIN + ADL_PAGE, wait_until="load")
    poll(page, READY)
    worker = next(w for w in page.workers if w.url.endswith("/assets/perpcalc/worker.js"))
    worker.evaluate(RANK_MARKS_PUT)
    pasted = page.evaluate(RANK_THROUGH_PAGE, 100_000)
    marks = worker.evaluate(RANK_MARKS_TAKE)
    if pasted["rows"] != 100_000:
        raise RuntimeError(f"the ranking through the page gave {pasted['rows']} rows")
    origin = page.evaluate("performance.timeOrigin")
    got, sent = marks["got"] - origin, marks["sent"] - origin  # on the page's clock
    python = marks["python"]
    p = pasted
    BREAKDOWNS["adl_ranking_100k_browser_s"] = [
        ("paste event to the compute posted (held, inputs read)", p["posted"] - p["start"], "ms"),
        ("posted to the worker's handler (the inputs copied, the worker's queue)", got - p["posted"], "ms"),
        ("the worker's handler to its answer posted", sent - got, "ms"),
        ("  of which perpcalc.page.compute", python.get("compute", 0) * 1000, "ms"),
        ("    reading the inputs (Calculator.resolve: the rows parsed and checked)", python.get("read", 0) * 1000,
         "ms"),
        ("    the calculator's compute (ranking)", python.get("rank", 0) * 1000, "ms"),
        ("    outputs as JSON values (output_json)", python.get("outputs", 0) * 1000, "ms"),
        ("    display (the first page's text)", python.get("display", 0) * 1000, "ms"),
        ("answer posted to its arrival on the page", p["arrived"] - sent, "ms"),
        ("arrival to the results shown (applyResult, perpcalc:result)", p["shown"] - p["arrived"], "ms"),
        ("the next frame", p["end"] - p["shown"], "ms"),
    ]
    for label, value, unit in BREAKDOWNS["adl_ranking_100k_browser_s"]:
        print(f"    ADL 100k through the page: {label:72} {value:8.1f} {unit}", flush=True)
    return pasted["seconds"]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def recompute_figures(samples: list[dict[str, float]]) -> dict[str, float]:
    """The recompute figures and their parts: the edit's own handling until the compute is posted,
    the worker's round trip with the results written, and the wait for the next frame."""
    med = statistics.median
    out = {"recompute_median_ms": med(s["total"] for s in samples),
           "recompute_p95_ms": p95([s["total"] for s in samples])}
    for part in ("post", "result", "frame"):
        out[f"recompute_{part}_median_ms"] = med(s[part] for s in samples)
        out[f"recompute_{part}_p95_ms"] = p95([s[part] for s in samples])
    out["recompute_over_one_frame_share"] = sum(s["total"] > 1000 / 60 * 1.2 for s in samples) / len(samples)
    return out


def nav_figures(navs: list[dict[str, float]]) -> dict[str, float]:
    """Instant navigation: its median and the medians of its parts (they need not add up exactly)."""
    med = statistics.median
    out = {"instant_nav_ready_ms": med(n["total"] for n in navs)}
    for part in ("fetch", "swap", "seen"):
        out[f"instant_nav_{part}_ms"] = med(n[part] for n in navs)
    out["instant_nav_page_bytes"] = med(n["bytes"] for n in navs)
    out["instant_nav_page_elements"] = med(n["elements"] for n in navs)
    out["instant_nav_page_titles"] = med(n["titles"] for n in navs)
    return out


def page_breakdown(figures: dict[str, float]) -> list[str]:
    """Where the time of a missed recompute or navigation target goes, in words."""
    lines = []
    f = figures.get
    target = TARGETS["instant_nav_ready_ms"][1]
    if f("instant_nav_ready_ms", 0) > target:
        lines += [
            f"==> instant navigation: {f('instant_nav_ready_ms'):.0f} ms to ready, target {target} ms "
            f"(missed by {f('instant_nav_ready_ms') - target:.0f} ms). Medians of the parts:",
            f"    page fetched (theme's request, service worker if in control) {f('instant_nav_fetch_ms'):6.1f} ms",
            f"    swapped in (parse, theme's swap and components, perpcalc) {f('instant_nav_swap_ms'):6.1f} ms",
            f"    first frame that sees it ready                            {f('instant_nav_seen_ms'):6.1f} ms",
            f"    the page: {f('instant_nav_page_bytes', 0) / 1000:.0f} KB of HTML, "
            f"{f('instant_nav_page_elements', 0):.0f} elements in the document, "
            f"{f('instant_nav_page_titles', 0):.0f} titles the theme turns into tooltips",
        ]
        if "instant_nav_traced_total_ms" in figures:
            t = {k.removeprefix("instant_nav_traced_"): v for k, v in figures.items()
                 if k.startswith("instant_nav_traced_")}
            lines.append(
                f"    one traced navigation ({t['total_ms']:.0f} ms), main thread CPU: tasks {t['tasks_cpu_ms']:.0f} ms"
                f" = parse {t['parse_cpu_ms']:.0f} + style {t['style_cpu_ms']:.0f} + layout {t['layout_cpu_ms']:.0f}"
                f" ({t['layouts']:.0f} layouts: {t.get('elements_styled', 0):.0f} elements styled,"
                f" {t.get('objects_laid_out', 0):.0f} objects laid out;"
                f" {t.get('forced_style_layout_cpu_ms', 0):.0f} ms of them forced by a script)"
                f" + paint {t['paint_cpu_ms']:.0f} + GC {t['gc_cpu_ms']:.0f}"
                f" + script and other {t['script_and_other_cpu_ms']:.0f};"
                f" longest task {t['longest_task_cpu_ms']:.0f} ms of CPU in {t['longest_task_wall_ms']:.0f} ms"
                f" (load {os.getloadavg()[0]:.1f})")
    missed = [stat for stat in ("median", "p95")
              if f(f"recompute_{stat}_ms", 0) > TARGETS[f"recompute_{stat}_ms"][1]]
    for stat in missed:
        key = f"recompute_{stat}_ms"
        lines += [
            f"==> recompute {stat}: {figures[key]:.1f} ms, target {TARGETS[key][1]} ms. The parts' {stat}s:",
            f"    input event to compute posted {f(f'recompute_post_{stat}_ms'):6.1f} ms;"
            f" worker round trip and results written {f(f'recompute_result_{stat}_ms'):6.1f} ms;"
            f" wait for the next frame {f(f'recompute_frame_{stat}_ms'):6.1f} ms",
        ]
    if missed:
        lines.append(f"    {f('recompute_over_one_frame_share', 0):.0%} of the samples took more than one frame (the "
                     f"loop starts inside a frame: a sample is about 16.7 ms or 33 ms); load {os.getloadavg()[0]:.1f}")
    return lines


HEAVY = r"""
import json, random, time, perpcalc
rng = random.Random(7)
def ranking_positions():
    positions = []
    for i in range(100_000):
        side, size, entry = rng.choice(["long", "short"]), rng.uniform(0.1, 50), rng.uniform(80, 120)
        loss = max(0.0, (entry - 100 if side == "long" else 100 - entry) * size)  # solvent: margin > loss
        positions.append({"id": f"p{i}", "side": side, "size": size, "entry_price": entry, "mark_price": 100,
                          "margin": loss + rng.uniform(1, 500)})
    return positions
POSITIONS = ranking_positions()
def ranking():
    # the calculator as the page runs it: input checks, ranking, JSON-ready output
    t = time.perf_counter(); perpcalc.run("adl_ranking", {"method": "bitmex", "positions": POSITIONS})
    return time.perf_counter() - t
def ranking_function():
    # the pure function alone (what a notebook or an exchange engineer would call)
    from perpcalc.insolvency import rank_positions
    t = time.perf_counter(); rank_positions(POSITIONS, "pnl_times_leverage")
    return time.perf_counter() - t
def cascade():
    ex = dict(perpcalc.get("liquidation_cascade").examples["default"])
    positions = []
    for _ in range(10_000):
        side = rng.choice(["long", "short"])
        liq = rng.uniform(60, 99) if side == "long" else rng.uniform(101, 140)
        positions.append({"side": side, "size": rng.uniform(0.1, 20), "liquidation_price": liq})
    ex.update({"input": "list", "positions": positions})
    t = time.perf_counter(); perpcalc.run("liquidation_cascade", ex)
    return time.perf_counter() - t
def import_positions():
    # a file of the 100,000 positions dropped on the ranking: read, every cell checked, written into the form
    from perpcalc.venue_files import import_file
    names = ("id", "side", "size", "entry_price", "mark_price", "margin")
    data = "\n".join([",".join(names), *(",".join(str(p[k]) for k in names) for p in POSITIONS)]).encode()
    t = time.perf_counter(); import_file("adl_ranking", "positions", data)
    return time.perf_counter() - t
def waterfall():
    # the insolvency waterfall at its declared maximum, as the page's worker runs it on a paste: 50,000 positions
    # (WATERFALL_MAX), the fund_covers example's rows repeated with distinct ids (max_size_inputs' fill: half of them
    # liquidated, about as many ADL fills), after one untimed run
    from perpcalc.page import form_values
    from perpcalc.parse import parse_rows, rows_to_text
    name = "insolvency_waterfall"
    field = next(f for f in perpcalc.get(name).inputs if f.name == "positions")
    values = form_values(name, "fund_covers")
    rows = parse_rows(values["positions"], field)
    values["positions"] = rows_to_text(field, [{**rows[i % len(rows)], "id": f"{rows[i % len(rows)]['id']}-{i}"}
                                               for i in range(field.max_items)])
    if not WARM:
        WARM.append(perpcalc.run(name, values) and None)
    t = time.perf_counter(); perpcalc.run(name, values)
    return time.perf_counter() - t
WARM = []
out = {}
for name, fn in (("adl_ranking_100k", ranking), ("rank_positions_100k", ranking_function),
                 ("cascade_10k", cascade), ("import_positions_100k", import_positions),
                 ("insolvency_waterfall_max", waterfall)):
    try:
        out[name] = min(fn() for _ in range(3))
    except Exception as exc:
        out[name + "_error"] = f"{type(exc).__name__}: {exc}"[:200]
print(json.dumps(out))
"""


def heavy_figures() -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "calculators"))
    cpy = json.loads(subprocess.run([sys.executable, "-c", HEAVY], env=env, capture_output=True, text=True,
                                    check=True).stdout.strip().splitlines()[-1])
    node = subprocess.run(["node", str(ROOT / "scripts" / "pyodide_run.mjs")], input=HEAVY, capture_output=True,
                          text=True, check=True, cwd=ROOT)
    pyo = json.loads(node.stdout.strip().splitlines()[-1])
    out: dict[str, float] = {}
    for key, value in cpy.items():
        out[f"{key}_cpython_s" if not key.endswith("_error") else f"{key}_cpython"] = value
    for key, value in pyo.items():
        out[f"{key}_pyodide_s" if not key.endswith("_error") else f"{key}_pyodide"] = value
    return out


BUDGET_S = 1.0  # CPU seconds per calculator at its declared maximum size, in CPython
BUDGET_RUNS = 3  # timed runs of each example after its first: the budget is their median


def max_size_inputs(name: str, example: str, extend: bool = False,
                    distinct: bool = False) -> tuple[dict[str, str], dict[str, int]]:
    """An example's form values with every list field filled to its ``max_items``, as text
    (what a reader's paste or file of that size sends to the worker): the example's rows
    repeated (ids numbered so that they stay unique), or with ``extend`` its last row
    repeated with the first column rising above the last (tiers, whose floors must rise
    and rates must not fall).

    With ``distinct``, every number of row i is also scaled by 1 − k·10⁻⁹ (k = 1 + 7,919·i mod
    100,003, or −1 − i for tiers; at 12 significant digits; 0 stays 0): a reader's rows seldom repeat their
    sizes, prices and margins, and a reading or an arithmetic that profits from repeated
    numbers must not make the budget look better than a real paste of that size."""

    from perpcalc import get
    from perpcalc.page import form_values
    from perpcalc.parse import parse_rows, rows_to_text

    values = form_values(name, example)
    sizes = {}
    for f in get(name).inputs:
        rows = parse_rows(values[f.name], f) if f.type == "list" and values.get(f.name) else []
        if not rows:
            continue
        filled = []
        first = f.columns[0].name
        for i in range(f.max_items):
            if extend and i >= len(rows):
                row = {**rows[-1], first: repr(float(rows[-1][first]) * (i - len(rows) + 2))}
            else:
                row = dict(rows[i % len(rows)])
            filled.append({**row, "id": f"{row['id']}-{i}"} if "id" in row else row)
        if distinct:
            numeric = [c.name for c in f.columns if c.type == "decimal"]
            for i, row in enumerate(filled):
                # (tiers: a factor that rises with the row, so that floors still rise and rates do not fall)
                k = -1 - i if extend else 1 + 7919 * i % 100003
                row.update((c, _scaled(row[c], k)) for c in numeric if row.get(c))
        values[f.name] = rows_to_text(f, filled)
        sizes[f.name] = len(filled)
    return values, sizes


def _scaled(cell: str, k: int) -> str:
    """A number's text scaled by 1 − k·10⁻⁹ at 12 significant digits (``max_size_inputs``' distinct
    rows); a cell that is not a plain number (a percent sign, a word) as it is.

    >>> _scaled("100", 5), _scaled("0.005", 100003), _scaled("0", 5), _scaled("2%", 5)
    ('99.9999995', '0.004999499985', '0', '2%')
    """
    from decimal import Context, Decimal, InvalidOperation

    try:
        number = Decimal(cell)
    except InvalidOperation:
        return cell
    return format(Context(prec=12).multiply(number, 1 - Decimal(k).scaleb(-9)).normalize(), "f") if number else cell


def calculator_budgets() -> dict[str, object]:
    """CPU seconds of ``perpcalc.run`` and of the worker's ``page.compute`` for every
    calculator with a list field, each example, the lists at their maximum size, their rows
    repeated and then made distinct (``max_size_inputs``); the budget (≤ BUDGET_S of CPU for
    ``run``) applies to the slowest of these cases of each (``budget_<name>_slowest`` names it).

    Each example is run once first (``budget_<name>_run_cold_cpython_s``, the slowest example's:
    the first run in the process on those inputs, with whatever it sets up once), then
    BUDGET_RUNS times: the budget's figure, ``budget_<name>_run_cpython_s``, is the median of those
    (a single run moved by 20–40 % with the load of the shared machine). ``page.compute`` runs once."""
    import perpcalc
    from perpcalc.page import compute

    def cpu(name: str, values: dict[str, str]) -> float:
        began = time.process_time()
        perpcalc.run(name, values)
        return time.process_time() - began

    out: dict[str, object] = {}
    for spec in perpcalc.catalog():
        name = spec["name"]
        if not any(i["type"] == "list" for i in spec["inputs"]):
            continue
        worst_run = worst_cold = worst_compute = 0.0
        for example, distinct in product(perpcalc.get(name).examples, (False, True)):
            case = f"{example}{'_distinct' if distinct else ''}"
            try:
                try:
                    values, sizes = max_size_inputs(name, example, distinct=distinct)
                    cold = cpu(name, values)
                except perpcalc.InputError:  # rows that cannot simply repeat (tiers must rise)
                    values, sizes = max_size_inputs(name, example, extend=True, distinct=distinct)
                    cold = cpu(name, values)
            except perpcalc.InputError as exc:  # (distinct: rates that must not fall, say)
                out[f"budget_{name}_{case}_error"] = str(exc)[:120]
                continue
            warm = statistics.median(cpu(name, values) for _ in range(BUDGET_RUNS))
            began = time.process_time()
            compute(name, values)
            worst_compute = max(worst_compute, time.process_time() - began)
            if warm > worst_run:
                worst_run, worst_cold = warm, cold
                out[f"budget_{name}_slowest"] = case
            out[f"budget_{name}_rows"] = max(int(out.get(f"budget_{name}_rows", 0)), *sizes.values(), 0)
        out[f"budget_{name}_run_cpython_s"] = worst_run
        out[f"budget_{name}_run_cold_cpython_s"] = worst_cold
        out[f"budget_{name}_compute_cpython_s"] = worst_compute
        TARGETS[f"budget_{name}_run_cpython_s"] = ("≤", BUDGET_S)
    return out


SYSTEM_PYTHON = Path("/usr/bin/python3")  # the distribution's interpreter, where there is one


def system_budgets() -> dict[str, object]:
    """The same budgets in the system's own CPython (``SYSTEM_PYTHON``, a distribution's release
    build) when it is another interpreter than this one, keyed ``budget_<name>_run_system_cpython_s``
    and held to the same target; {} where there is none, or it cannot run perpcalc. The `.venv`'s
    may be built without the optimizations a distribution's or python.org's builds have (pyenv's
    default): there Decimal arithmetic, most of the waterfall's time, costs about 1.8 times as much
    (README), so a reader's CPython is better represented by both figures than by either."""
    if not SYSTEM_PYTHON.exists() or SYSTEM_PYTHON.resolve() == Path(sys.executable).resolve():
        return {}
    env = dict(os.environ, PYTHONPATH=str(ROOT / "calculators"))
    done = subprocess.run([str(SYSTEM_PYTHON), __file__, "budgets", "--json"], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        return {"budget_system_cpython_error": (done.stderr.strip().splitlines() or ["?"])[-1][:200]}
    figures = json.loads(done.stdout)
    out: dict[str, object] = {"budget_system_cpython_version": figures.pop("python")}
    for key, value in figures.items():
        if key.endswith("_run_cpython_s"):
            out[key.replace("_cpython_s", "_system_cpython_s")] = value
            TARGETS[key.replace("_cpython_s", "_system_cpython_s")] = ("≤", BUDGET_S)
    return out


def fmt(v: object) -> str:
    return f"{v:12.3f}" if isinstance(v, float) else f"{v!s:>12}"


def print_table(figures: dict[str, object], baseline: dict[str, object]) -> list[str]:
    """Print each figure beside the baseline and its target; return the targets missed."""
    missed_keys = []
    print(f"{'figure':44} {'now':>12} {'before':>12}  target")
    for key, value in figures.items():
        prev = baseline.get(key)
        target = TARGETS.get(key)
        mark = ""
        if target and isinstance(value, (int, float)):
            missed = f"MISSED by {value / target[1] - 1:.0%}" if value > target[1] else "ok"
            if value > target[1]:
                missed_keys.append(key)
            mark = f"{target[0]} {target[1]}  {missed}"
        print(f"{key:44} {fmt(value)} {fmt(prev) if prev is not None else ' ' * 12}  {mark}")
    return missed_keys


def print_misses(figures: dict[str, object], missed: list[str]) -> None:
    """Each missed target with where its time or bytes go (BREAKDOWNS), or a note that its parts,
    where measured, are printed above the table (the page part prints its own: page_breakdown)."""
    for key in missed:
        op, target = TARGETS[key]
        print(f"==> {key} = {figures[key]:,.3f}, target {op} {target:,}: missed by {figures[key] / target - 1:.0%}")
        rows = BREAKDOWNS.get(key)
        if not rows:
            print("    (its parts, where measured, are printed above the table)")
        for label, value, unit in rows or []:
            print(f"    {label:72} {value:12,.0f} {unit}")


def main() -> None:
    if sys.argv[1:] == ["budgets", "--json"]:  # for system_budgets, in another interpreter
        print(json.dumps({**calculator_budgets(), "python": platform.python_version()}))
        return
    if sys.argv[1:] == ["budgets"]:  # the calculators alone: python scripts/bench.py budgets
        print_table({**calculator_budgets(), **system_budgets()}, {})
        return
    print(f"==> bench: {RUNS} local runs per figure on {platform.machine()}, {os.cpu_count()} cores")
    began = time.perf_counter()
    figures: dict[str, object] = {"build_seconds": build_site()}
    figures.update(browser_figures())
    if "heavy" in PARTS:
        figures.update(heavy_figures())
    if "budgets" in PARTS:
        figures.update(calculator_budgets())
        figures.update(system_budgets())
    figures["bench_seconds"] = time.perf_counter() - began
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"platform": platform.platform(), "cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average": os.getloadavg()},
        "profiles": {name: {"bytes_per_s": p[0], "wait_s": p[1], "compressed": p[2], "cpu_slowdown": p[3]}
                     for name, p in PROFILES.items()},
        "runs": RUNS,
        "figures": figures,
        "breakdowns": {key: [list(row) for row in rows] for key, rows in BREAKDOWNS.items()},
    }
    out_dir = ROOT / "bench"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    baseline_path = out_dir / "baseline.json"
    baseline = json.loads(baseline_path.read_text())["figures"] if baseline_path.exists() else {}
    print_misses(figures, print_table(figures, baseline))
    first = figures.get("local_first_visit_server_bytes")
    kept, back = figures.get("local_snapshot_kept_server_bytes"), figures.get("local_return_visit_server_bytes")
    print(f"==> on the wire (compressed, local link): first visit until ready {first}, asked for after ready until "
          f"the snapshot is kept {kept} (the service worker's copies, the search index), return visit {back} bytes")
    print(f"==> wrote {out_dir / 'latest.json'} (copy it to bench/baseline.json to make it the new reference)")
    if isinstance(first, (int, float)) and first > FIRST_VISIT_BYTES:
        sys.exit(f"error: a first visit costs {first:,.0f} bytes on the wire, over the {FIRST_VISIT_BYTES:,.0f} "
                 "allowed (make bench fails)")


if __name__ == "__main__":
    main()
