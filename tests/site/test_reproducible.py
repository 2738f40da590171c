"""Two builds of the same commit give the same site, apart from documented timestamps.

Documented exceptions: sitemap.xml (and its .gz and .br copies) carry the build date in <lastmod>; nothing else
may differ. A difference anywhere else (set ordering, random ids, absolute paths) fails.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import brotli
from background import BACKGROUND_NICE, site_build, site_dir


def normalise(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name == "sitemap.xml.gz":
        data = gzip.decompress(data)
    if path.name == "sitemap.xml.br":  # the build's precompressed copy
        data = brotli.decompress(data)
    if path.name.startswith("sitemap.xml"):
        data = re.sub(rb"<lastmod>[^<]*</lastmod>", b"<lastmod/>", data)
    return data


# the same SITE_URL as the session's site (its port), or every absolute URL differs; started when the
# session's tests are collected, beside the site's build (tests/conftest.py, scripts/run_tests.py), at a
# lower priority than that one, which the browser tests wait for
PORT = int(os.environ.get("TEST_SITE_PORT") or os.environ.get("TEST_PORT", "8765"))
SECOND = site_dir(PORT).with_name(f"{site_dir(PORT).name}-again")
BACKGROUND = {"second build": site_build(SECOND, PORT, quiet=True, nice=BACKGROUND_NICE)}


def test_second_build_is_identical(built_site: dict) -> None:
    first = built_site["dir"]
    second = SECOND
    assert built_site["site_url"] == f"http://127.0.0.1:{PORT}/"
    proc = BACKGROUND["second build"].result()
    assert proc.returncode == 0, proc.stderr[-3000:]
    files_a = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_a == files_b
    differ = [str(rel) for rel in files_a if normalise(first / rel) != normalise(second / rel)]
    assert differ == []
