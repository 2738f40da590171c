"""The built site's HTML pages, each parsed once per test session.

The site has about 60 pages and 10.7 MB of HTML (the largest: the API reference, 1.1 MB, and the
three notebooks, 0.7-0.8 MB each, on 2026-12-06): one parse of them all with ``html.parser`` took
2.5-4.5 s of CPU when the API reference still was 2.1 MB, and the site tests and browser helpers each
parsed them again (five times per session). A parsed page is shared by every test that reads it:
read it, never change it (copy a part first: ``BeautifulSoup(str(element), "html.parser")``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from bs4 import BeautifulSoup


def parsed(path: Path) -> BeautifulSoup:
    """The page at ``path`` (a built HTML file), parsed once per session and shared: not to be changed."""
    return _parsed(path.resolve())


@functools.cache
def _parsed(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
