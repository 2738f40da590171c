"""Fixtures for the browser tests: a recorded tab in a warm context, and fresh contexts.

Most tests need a page whose calculators go live, not a reader's very first visit: their
``tab`` opens in one context shared by the session, so after the first test the runtime
comes from the service worker's cache and the saved snapshot (a reader's second page),
which keeps the suite's time down. A test about the first visit, the cache or the network
takes ``context``: a fresh one, with an empty cache and no service worker.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import Tab


@pytest.fixture
def context(browser: object, server: str) -> Iterator[object]:
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def warm_context(browser: object, server: str) -> Iterator[object]:
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def tab(warm_context: object, server: str) -> Iterator[Tab]:
    tab = Tab(warm_context, server)
    yield tab
    tab.page.close()
