"""The project's scoreboard: `make bench` writes bench/latest.json and prints a table.

Measures, on this machine, in one run:

* cold time to a calculator's ``ready`` state (fresh browser context, empty cache) against
  the time of a bare page that only calls ``loadPyodide()`` on the same site (the ratio is
  the figure that counts; target ≤ 1.1);
* recompute latency from an input event to the updated outputs (median and p95; ≤ 20 ms);
* time to ``ready`` after instant navigation to a second calculator page (≤ 100 ms);
* bytes transferred before Python starts loading, and in total;
* full site build time (≤ 60 s);
* heavy calculators (ADL ranking of 100,000 positions, a 10,000-position cascade) inside
  Pyodide under Node and in CPython.

Figures are medians of several runs. The previous figures (bench/baseline.json, kept in
the repository) are shown beside the new ones so a regression is visible.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "calculators"))
sys.path.insert(0, str(ROOT / "tests"))

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PORT = int(os.environ.get("BENCH_PORT", "8766"))
ORIGIN = f"http://127.0.0.1:{PORT}"
SITE = ROOT / "build" / "bench-site"
PAGE = "/terms/funding-rate-exposure/"
NEXT = "funding-rate-calculations/"
TARGETS = {
    "cold_ready_ratio": ("≤", 1.1),
    "recompute_median_ms": ("≤", 20),
    "recompute_p95_ms": ("≤", 20),
    "instant_nav_ready_ms": ("≤", 100),
    "build_seconds": ("≤", 60),
    "adl_ranking_100k_pyodide_s": ("≤", 1.0),
    "rank_positions_100k_pyodide_s": ("≤", 1.0),
    "cascade_10k_pyodide_s": ("≤", 1.0),
}

BARE = """<!doctype html><meta charset="utf-8"><title>bare pyodide</title>
<script type="module">
const started = performance.now();
const worker = new Worker(URL.createObjectURL(new Blob([`
  import { loadPyodide } from "${new URL("/assets/runtime/pyodide/pyodide.mjs", location).href}";
  const py = await loadPyodide({ indexURL: "${new URL("/assets/runtime/pyodide/", location).href}" });
  py.runPython("1 + 1");
  postMessage("ready");
`], { type: "text/javascript" })), { type: "module" });
worker.onmessage = () => { window.__readyAt = performance.now(); };
</script>"""


def build_site() -> float:
    env = dict(os.environ, SITE_URL=f"{ORIGIN}/", NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--clean", "--site-dir", str(SITE)],
        cwd=ROOT, env=env, check=True,
    )
    seconds = time.perf_counter() - start
    (SITE / "__bench").mkdir(exist_ok=True)
    (SITE / "__bench" / "bare.html").write_text(BARE, encoding="utf-8")
    return seconds


def serve() -> object:
    import functools
    import http.server
    import threading

    from conftest import _Handler

    handler = functools.partial(_Handler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def poll(page: object, predicate: str, timeout: float = 120.0) -> None:
    """Wait for a JS predicate through page.evaluate (works under the site's CSP)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise TimeoutError(predicate)
        time.sleep(0.01)


def browser_figures() -> dict[str, float]:
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    cold, bare, bytes_before, bytes_total, nav, recompute = [], [], [], [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        for _ in range(RUNS):
            # bare loadPyodide page, cold
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(ORIGIN + "/__bench/bare.html")
            poll(page, "() => window.__readyAt")
            bare.append(page.evaluate("window.__readyAt"))
            ctx.close()
            # our page, cold: start on first interaction at load, like a reader clicking at once
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(ORIGIN + PAGE, wait_until="load")
            poll(page, "() => window.__perpcalcRuntime && window.__perpcalcRuntime.state === 'ready'")
            rt = page.evaluate("window.__perpcalcRuntime")
            cold.append(rt["readyAt"])
            before = page.evaluate(
                """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                     .filter(e => e.startTime <= window.__perpcalcRuntime.startedAt)
                     .reduce((s, e) => s + (e.transferSize || 0), 0)"""
            )
            main = page.evaluate(
                """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                     .reduce((s, e) => s + (e.transferSize || 0), 0)"""
            )
            bytes_before.append(before)
            bytes_total.append(main + rt["timings"]["bytes"])
            # recompute latency
            samples = page.evaluate(
                """async () => {
                  const form = document.querySelector('form.perpcalc[data-calculator="funding_payment"]');
                  const size = form.querySelector('[name="size"]');
                  const out = [];
                  for (let i = 0; i < 60; i++) {
                    const done = new Promise(r => form.addEventListener('perpcalc:result', r, { once: true }));
                    const t = performance.now();
                    size.value = String(1 + i / 7);
                    size.dispatchEvent(new Event('input', { bubbles: true }));
                    await done;
                    await new Promise(requestAnimationFrame);
                    out.push(performance.now() - t);
                  }
                  return out;
                }"""
            )
            recompute.extend(samples[5:])
            # instant navigation to a second calculator page
            took = page.evaluate(
                """async (next) => {
                  const link = [...document.querySelectorAll('a[href]')]
                    .find(a => a.getAttribute('href').endsWith(next));
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
                  return performance.now() - t;
                }""",
                NEXT,
            )
            nav.append(took)
            ctx.close()
        browser.close()
    med = statistics.median
    recompute.sort()
    return {
        "cold_ready_ms": med(cold),
        "bare_pyodide_ms": med(bare),
        "cold_ready_ratio": med(cold) / med(bare),
        "recompute_median_ms": med(recompute),
        "recompute_p95_ms": recompute[int(0.95 * (len(recompute) - 1))],
        "instant_nav_ready_ms": med(nav),
        "bytes_before_python": med(bytes_before),
        "bytes_total": med(bytes_total),
    }


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
    t = time.perf_counter(); rank_positions(POSITIONS, "bitmex")
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
out = {}
for name, fn in (("adl_ranking_100k", ranking), ("rank_positions_100k", ranking_function),
                 ("cascade_10k", cascade)):
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


def fmt(v: object) -> str:
    return f"{v:12.3f}" if isinstance(v, float) else f"{v!s:>12}"


def main() -> None:
    print(f"==> bench: {RUNS} runs per figure on {platform.machine()}, {os.cpu_count()} cores")
    figures: dict[str, object] = {"build_seconds": build_site()}
    httpd = serve()
    try:
        figures.update(browser_figures())
    finally:
        httpd.shutdown()
    figures.update(heavy_figures())
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"platform": platform.platform(), "cores": os.cpu_count(), "python": platform.python_version()},
        "runs": RUNS,
        "figures": figures,
    }
    out_dir = ROOT / "bench"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    baseline_path = out_dir / "baseline.json"
    baseline = json.loads(baseline_path.read_text())["figures"] if baseline_path.exists() else {}
    print(f"{'figure':32} {'now':>12} {'before':>12}  target")
    for key, value in figures.items():
        prev = baseline.get(key)
        target = TARGETS.get(key)
        mark = ""
        if target and isinstance(value, (int, float)):
            mark = f"{target[0]} {target[1]}  {'ok' if value <= target[1] else 'MISSED'}"
        print(f"{key:32} {fmt(value)} {fmt(prev) if prev is not None else ' ' * 12}  {mark}")
    print(f"==> wrote {out_dir / 'latest.json'} (copy it to bench/baseline.json to make it the new reference)")


if __name__ == "__main__":
    main()
