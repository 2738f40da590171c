"""Two builds of the same commit give the same site, apart from documented timestamps.

Documented exceptions: sitemap.xml (and its .gz and .br copies) carry the build date in <lastmod>; nothing else
may differ. A difference anywhere else (set ordering, random ids, absolute paths) fails.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[2]


def normalise(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name == "sitemap.xml.gz":
        data = gzip.decompress(data)
    if path.name == "sitemap.xml.br":  # the build's precompressed copy
        data = brotli.decompress(data)
    if path.name.startswith("sitemap.xml"):
        data = re.sub(rb"<lastmod>[^<]*</lastmod>", b"<lastmod/>", data)
    return data


def test_second_build_is_identical(built_site: dict, tmp_path: Path) -> None:
    first = built_site["dir"]
    second = tmp_path / "site"
    # the same SITE_URL as the first build (the session's TEST_PORT), or every absolute URL differs
    env = dict(os.environ, SITE_URL=built_site["site_url"], NO_MKDOCS_2_WARNING="1",
               DISABLE_MKDOCS_2_WARNING="true")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(second)],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=600,
    )
    files_a = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_a == files_b
    differ = [str(rel) for rel in files_a if normalise(first / rel) != normalise(second / rel)]
    assert differ == []
