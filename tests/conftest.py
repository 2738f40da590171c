"""Shared fixtures: the built site, a local static server for it, and headless Chromium.

The site is built with ``mkdocs build --strict`` into build/test-site-<port>, for the origin the
tests serve it from (instant navigation needs site_url to match, port included). Under
scripts/run_tests.py (``make test``) the runner builds and serves it once for all its sessions
(``TEST_SITE_PORT``); a session run on its own builds it in the background and serves it itself.
Nothing here is skipped when a tool is missing: a missing runtime or browser is a
failure that says what to run.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

# the suite's Hypothesis profile (``ci`` when CI=true: derandomized), loaded before any test module
# is imported, so every @settings(...) inherits it; tests/core/conftest.py loads the same module
# inside Pyodide, where only tests/core is mounted
# (tests/core is on the path through pyproject's pythonpath)
import hypothesis_profiles
import pytest
from background import HOST, Background, SharedBuild, background_report, build_record, serve, site_build, site_dir
from chromium import CHROMIUM, CHROMIUM_ARGS

hypothesis_profiles.load()

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("TEST_PORT"):
    # one file run on its own: the first free ports from 8765, shared with the test modules through the
    # environment (they read TEST_PORT); scripts/run_tests.py sets it for each of its sessions
    from background import free_port_block

    os.environ["TEST_PORT"] = str(free_port_block(8765))
PORT = int(os.environ["TEST_PORT"])
# the site's port: the runner's shared build and server (scripts/run_tests.py), else the session's own
SHARED = bool(os.environ.get("TEST_SITE_PORT"))
SITE_PORT = int(os.environ.get("TEST_SITE_PORT") or PORT)
SITE = site_dir(SITE_PORT)
ORIGIN = f"http://{HOST}:{SITE_PORT}"

SITE_BUILD: Background | SharedBuild = SharedBuild(build_record(SITE)) if SHARED else site_build(SITE, SITE_PORT)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the background commands the collected tests need (the site build; the Pyodide runs
    of test modules that declare ``BACKGROUND``, low-priority ones once a shared build has ended:
    ``Background.start_after``), then order the tests so that those needing
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
            if SHARED and job.nice:  # after the shared build, which the other session's tests wait for
                job.start_after(SITE_BUILD.record)
            else:
                job.start()
    items.sort(key=lambda item: (needs_site(item), bool(background(item))))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How long each background command ran and how long its test waited for it."""
    lines = background_report()
    if lines:
        terminalreporter.section("background commands")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def built_site() -> dict[str, float | Path | str]:
    """The whole site, built once (strict) in the background (``SITE_BUILD``: the runner's shared
    build, or the session's own): where it is, how long the build took and the ``SITE_URL`` it was
    built for (``TEST_SITE_PORT``, else the session's ``TEST_PORT``)."""
    if not (ROOT / "build" / "runtime").exists():
        pytest.fail("build/runtime is missing: run `make test` (it builds the runtime first)")
    proc = SITE_BUILD.result()
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return {"dir": SITE, "seconds": SITE_BUILD.seconds, "log": proc.stderr, "site_url": f"{ORIGIN}/"}


@pytest.fixture(scope="session")
def server(built_site: dict) -> Iterator[str]:
    """The built site served on 127.0.0.1 for the browser tests (by scripts/run_tests.py when it
    runs the session, else from here)."""
    with socket.socket() as probe:
        answering = probe.connect_ex((HOST, SITE_PORT)) == 0
    if SHARED:
        if not answering:
            pytest.fail(f"scripts/run_tests.py serves the site on port {SITE_PORT}, but nothing answers there")
        yield ORIGIN
        return
    if answering:
        pytest.fail(f"port {PORT} is busy; free it or set TEST_PORT")
    httpd = serve(built_site["dir"], PORT)
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
