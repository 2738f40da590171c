"""Fixtures for the browser tests: a fresh context (empty cache) and a recorded tab."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import Tab


@pytest.fixture
def context(browser: object, server: str) -> Iterator[object]:
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def tab(context: object, server: str) -> Tab:
    return Tab(context, server)
