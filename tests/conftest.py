"""Shared fixtures: the built site, a local static server for it, and headless Chromium.

The site is built once per session with ``mkdocs build --strict`` into build/test-site,
for the origin the tests serve it from (instant navigation needs site_url to match).
Nothing here is skipped when a tool is missing: a missing runtime or browser is a
failure that says what to run.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "test-site"
HOST = "127.0.0.1"
PORT = int(os.environ.get("TEST_PORT", "8765"))
ORIGIN = f"http://{HOST}:{PORT}"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def built_site() -> dict[str, float | Path | str]:
    """Build the whole site once (strict) and return where it is, how long it took and the
    ``SITE_URL`` it was built for (the session's ``TEST_PORT``)."""
    if not (ROOT / "build" / "runtime").exists():
        pytest.fail("build/runtime is missing: run `make test` (it builds the runtime first)")
    env = dict(os.environ, SITE_URL=f"{ORIGIN}/", NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(SITE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return {"dir": SITE, "seconds": seconds, "log": proc.stderr, "site_url": f"{ORIGIN}/"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that navigates away mid-download resets the connection: not a test failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def server(built_site: dict) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 for the browser tests."""
    with socket.socket() as probe:
        if probe.connect_ex((HOST, PORT)) == 0:
            pytest.fail(f"port {PORT} is busy; free it or set TEST_PORT")
    handler = functools.partial(_Handler, directory=str(built_site["dir"]))
    httpd = _Server((HOST, PORT), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield ORIGIN
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (installs Debian's chromium as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
