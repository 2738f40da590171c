"""The built site served the way the deployment page says (scripts/serve.py, `make serve`):
precompressed copies with the right Content-Encoding, application/wasm, the Content Security
Policy as an HTTP header (frame-ancestors included, worker scripts covered), caching by name,
and, in Chromium, a runtime that goes live from the compressed files under that header.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[2]
import precompress  # noqa: E402
import serve  # noqa: E402
from precompress import MIN_BYTES, SUFFIXES  # noqa: E402

HOST = "127.0.0.1"
PORT = int(os.environ.get("TEST_PORT", "8765")) + 1


@pytest.fixture(scope="module")
def served(built_site: dict) -> Iterator[str]:
    httpd = serve.make(built_site["dir"], HOST, PORT)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://{HOST}:{PORT}"
    httpd.shutdown()
    httpd.server_close()


def get(url: str, encoding: str | None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def decode(headers: dict[str, str], body: bytes) -> bytes:
    encoding = headers.get("content-encoding")
    return brotli.decompress(body) if encoding == "br" else gzip.decompress(body) if encoding == "gzip" else body


def test_every_text_and_wasm_file_has_precompressed_copies(built_site: dict) -> None:
    site = built_site["dir"]
    missing = []
    for path in site.rglob("*"):
        if not path.is_file() or path.suffix not in SUFFIXES or path.stat().st_size < MIN_BYTES:
            continue
        data = path.read_bytes()
        for suffix, decompress in ((".gz", gzip.decompress), (".br", brotli.decompress)):
            copy = path.with_name(path.name + suffix)
            if copy.exists():
                assert decompress(copy.read_bytes()) == data, copy
            elif path.suffix in (".html", ".js", ".css", ".wasm", ".mjs"):
                missing.append(copy.relative_to(site).as_posix())
    assert not missing, missing[:10]


def test_files_of_the_same_bytes_compress_at_once_without_a_clash(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads of one build compressing files of the same bytes at the same moment each write the
    one cached copy without taking another's temporary file (a fresh clone's build once failed on
    that: ``precompress_tree`` compresses on a thread per core)."""
    monkeypatch.setattr(precompress, "CACHE", tmp_path)
    data = bytes(range(256)) * 16
    errors: list[BaseException] = []

    def compress(start: threading.Barrier) -> None:
        start.wait()
        try:
            assert brotli.decompress(precompress._compressed(data, "0" * 64, "br")) == data
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    for _ in range(100):  # a race: 20 rounds met it one run in two on the old code
        for cached in tmp_path.glob("*"):
            cached.unlink()
        start = threading.Barrier(8)
        threads = [threading.Thread(target=compress, args=(start,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(("accept", "expected"), [("br, gzip", "br"), ("gzip", "gzip"), (None, None)])
def test_runtime_and_pages_are_sent_compressed_as_the_browser_accepts(
    served: str, built_site: dict, accept: str | None, expected: str | None
) -> None:
    site = built_site["dir"]
    for rel in ("assets/runtime/pyodide/pyodide.asm.wasm", "assets/perpcalc/worker.js", "terms/funding-rate-exposure/"):
        headers, body = get(f"{served}/{rel}", accept)
        assert headers.get("content-encoding") == expected, (rel, headers)
        assert "Accept-Encoding" in headers.get("vary", ""), rel
        file = site / rel / "index.html" if rel.endswith("/") else site / rel
        assert decode(headers, body) == file.read_bytes(), rel
        if expected:
            assert len(body) < 0.6 * file.stat().st_size, rel
    headers, _ = get(f"{served}/assets/runtime/pyodide/pyodide.asm.wasm", accept)
    assert headers["content-type"] == "application/wasm"


def test_a_gz_copy_is_served_as_a_file_at_its_own_address(served: str, built_site: dict) -> None:
    # the worker asks a host that sends no compression for the runtime's .gz copies
    rel = "assets/runtime/pyodide/pyodide.asm.wasm"
    headers, body = get(f"{served}/{rel}.gz", None)
    assert "content-encoding" not in headers
    assert body == (built_site["dir"] / f"{rel}.gz").read_bytes()
    assert gzip.decompress(body) == (built_site["dir"] / rel).read_bytes()


def test_headers_carry_the_policy_and_the_caching_rules(served: str, built_site: dict) -> None:
    site = built_site["dir"]
    policy = (site / "csp.txt").read_text(encoding="utf-8").strip()
    snapshot = next((site / "assets" / "runtime").glob("snapshot-*.bin")).name
    for rel in ("", "terms/funding-rate-exposure/", "assets/perpcalc/worker.js", "sw.js",
                "assets/runtime/pyodide/pyodide.asm.mjs"):
        headers, _ = get(f"{served}/{rel}", "br")
        csp = headers.get("content-security-policy", "")
        assert csp == f"{policy}; frame-ancestors 'self'", rel
        assert "worker-src 'self'" in csp and "'unsafe-eval'" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "public, max-age=0, must-revalidate", rel
    headers, _ = get(f"{served}/assets/runtime/{snapshot}", "br")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "br"
    bundles = list((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert bundles
    headers, _ = get(f"{served}/assets/javascripts/{bundles[0].name}", None)
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


def test_headers_file_sets_no_header_twice_for_one_path(built_site: dict) -> None:
    """Cloudflare Pages joins the values of a header set by two matching rules."""
    rules = serve.read_rules(built_site["dir"] / "_headers")
    seen: dict[str, set[str]] = {}
    for path in ("/", "/assets/runtime/pyodide/pyodide.asm.wasm", "/assets/javascripts/x.min.js"):
        seen[path] = set()
        for pattern, values in rules:
            if pattern.match(path):
                assert not seen[path] & set(values), (path, values)
                seen[path] |= set(values)


def test_the_calculators_go_live_from_compressed_files_under_the_header_policy(served: str, browser: object) -> None:
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        encodings: dict[str, str | None] = {}
        errors: list[str] = []
        page.on("response", lambda r: encodings.__setitem__(r.url.split("/")[-1], r.headers.get("content-encoding")))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{served}/terms/funding-rate-exposure/", wait_until="load")
        deadline = time.monotonic() + 120
        while page.evaluate("window.__perpcalcRuntime?.state") not in ("ready", "error"):
            assert time.monotonic() < deadline, "the runtime never went live"
            time.sleep(0.05)
        runtime = page.evaluate("window.__perpcalcRuntime")
        assert runtime["state"] == "ready", runtime
        assert encodings.get("pyodide.asm.wasm") == "br"
        assert encodings.get("worker.js") == "br"
        # progress counted bytes on the wire: the brotli sizes, well under the 13.6 MB of files
        assert 2_000_000 < runtime["timings"]["bytes"] < 9_000_000, runtime["timings"]
        # the Python worker runs under the header policy: a request to another origin is refused by it
        worker = next(w for w in page.workers if w.url.endswith("/assets/perpcalc/worker.js"))
        violations = worker.evaluate(
            """async () => { const seen = [];
                 self.addEventListener('securitypolicyviolation', e => seen.push(e.effectiveDirective));
                 try { await fetch('http://127.0.0.1:9/'); } catch (e) { /* refused */ }
                 await new Promise(r => setTimeout(r, 300)); return seen; }"""
        )
        assert violations == ["connect-src"]
        form = page.locator('form.perpcalc[data-calculator="funding_payment"]')
        form.locator('[name="size"]').fill("7")
        deadline = time.monotonic() + 30
        while form.locator('output[name="notional"]').text_content() != "70,000":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        ctx.close()


def test_a_rebuild_while_serving_is_served_whole(tmp_path: Path) -> None:
    """`make serve` keeps running while the site is rebuilt in another terminal: each file is
    served as it is now (its new size, its new compressed copy), never cut to the size it had
    when the server started, and a file added by the rebuild is found."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>first build</p>", encoding="utf-8")
    script = site / "app.js"
    script.write_bytes(b"a" * 100)
    httpd = serve.make(site, HOST, 0)  # a free port: this test needs no built site
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://{HOST}:{httpd.server_port}"
    try:
        assert get(f"{origin}/app.js", None)[1] == b"a" * 100
        script.write_bytes(b"b" * 5000)  # the rebuild: a longer file, now with a brotli copy
        (site / "app.js.br").write_bytes(brotli.compress(b"b" * 5000))
        (site / "new.html").write_text("<p>added</p>", encoding="utf-8")
        headers, body = get(f"{origin}/app.js", "br")
        assert headers.get("content-encoding") == "br" and decode(headers, body) == b"b" * 5000
        assert get(f"{origin}/app.js", None)[1] == b"b" * 5000
        assert get(f"{origin}/new.html", None)[1] == b"<p>added</p>"
    finally:
        httpd.shutdown()
        httpd.server_close()
