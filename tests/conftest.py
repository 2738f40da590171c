"""Shared fixtures: the built site, a local static server for it, and headless Chromium.

The site is built once per session with ``mkdocs build --strict`` into build/test-site-<port>,
for the origin the tests serve it from (instant navigation needs site_url to match).
Nothing here is skipped when a tool is missing: a missing runtime or browser is a
failure that says what to run.
"""

from __future__ import annotations

import functools
import http.server
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

# the suite's Hypothesis profile (``ci`` when CI=true: derandomized), loaded before any test module
# is imported, so every @settings(...) inherits it; tests/core/conftest.py loads the same module
# inside Pyodide, where only tests/core is mounted
# (tests/core is on the path through pyproject's pythonpath)
import hypothesis_profiles
import pytest
from background import Background
from chromium import CHROMIUM, CHROMIUM_ARGS

hypothesis_profiles.load()

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
if not os.environ.get("TEST_PORT"):
    # one file run on its own: the first free ports from 8765, shared with the test modules through the
    # environment (they read TEST_PORT); scripts/run_tests.py sets it for each of its sessions
    from background import free_port_block

    os.environ["TEST_PORT"] = str(free_port_block(8765))
PORT = int(os.environ["TEST_PORT"])
# one folder per port: scripts/run_tests.py runs two sessions at once, each building for its own origin
SITE = ROOT / "build" / f"test-site-{PORT}"
ORIGIN = f"http://{HOST}:{PORT}"


SITE_BUILD = Background(
    [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(SITE)],
    env=dict(os.environ, SITE_URL=f"{ORIGIN}/", NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true"),
    # a guard against a hung build, not a speed test: about 2 min on an idle 2-core machine, over
    # 10 min when the cores are shared many times over (it was killed at 600 s at a load of 24)
    timeout=1800,
)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the background commands the collected tests need (the site build; the Pyodide runs
    of test modules that declare ``BACKGROUND``), then order the tests so that those needing
    nothing built run first, then those waiting on a background command, then those on the site:
    on two cores the build and the Pyodide runs overlap the core, fuzz and pandas tests."""
    def needs_site(item: pytest.Item) -> bool:
        return "built_site" in getattr(item, "fixturenames", ())

    def background(item: pytest.Item) -> dict[str, Background]:
        return getattr(getattr(item, "module", None), "BACKGROUND", {})

    if any(needs_site(item) for item in items):
        if not (ROOT / "build" / "runtime").exists():
            pytest.fail("build/runtime is missing: run `make test` (it builds the runtime first)")
        SITE_BUILD.start()
    for item in items:
        for job in background(item).values():
            job.start()
    items.sort(key=lambda item: (needs_site(item), bool(background(item))))


@pytest.fixture(scope="session")
def built_site() -> dict[str, float | Path | str]:
    """The whole site, built once (strict) in the background (``SITE_BUILD``): where it is, how
    long the build took and the ``SITE_URL`` it was built for (the session's ``TEST_PORT``)."""
    if not (ROOT / "build" / "runtime").exists():
        pytest.fail("build/runtime is missing: run `make test` (it builds the runtime first)")
    proc = SITE_BUILD.result()
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return {"dir": SITE, "seconds": SITE_BUILD.seconds, "log": proc.stderr, "site_url": f"{ORIGIN}/"}


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
