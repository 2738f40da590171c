"""The build refuses a site that a host on the deployment page would refuse
(scripts/host_limits.py): each limit on a synthetic folder just over it and just under it,
then the real built site."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from host_limits import FILE_BYTES, FILE_COUNT, SITE_BYTES, problems  # noqa: E402


def sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.truncate(size)  # a hole: the size a host sees, without writing the bytes


def test_a_file_over_25_mib_is_refused_naming_cloudflare(tmp_path: Path) -> None:
    sparse(tmp_path / "ok.bin", FILE_BYTES.value)
    assert problems(tmp_path) == []
    sparse(tmp_path / "assets" / "big.wasm", FILE_BYTES.value + 1)
    found = problems(tmp_path)
    assert len(found) == 1 and "assets/big.wasm" in found[0] and "Cloudflare Pages" in found[0] and "25 MiB" in found[0]


def test_a_30_mib_snapshot_in_one_file_is_refused(tmp_path: Path) -> None:
    """The memory snapshot was one 30 MiB file (issue 26); it is now published in parts."""
    sparse(tmp_path / "assets" / "runtime" / "snapshot-ea21a83a53e4beb4.bin", 30 * 1024 * 1024)
    found = problems(tmp_path)
    assert len(found) == 1 and "snapshot" in found[0] and "Cloudflare Pages" in found[0]


def test_more_than_20000_files_are_refused(tmp_path: Path) -> None:
    for i in range(FILE_COUNT.value):
        (tmp_path / f"f{i}").touch()
    assert problems(tmp_path) == []
    (tmp_path / "one-more").touch()
    found = problems(tmp_path)
    assert len(found) == 1 and "20,001 files" in found[0] and "Cloudflare Pages" in found[0]


def test_a_site_over_1_gb_is_refused_naming_github_pages(tmp_path: Path) -> None:
    for i in range(40):
        sparse(tmp_path / f"part{i}", SITE_BYTES.value // 40)
    assert problems(tmp_path) == []
    sparse(tmp_path / "last", 1)
    found = problems(tmp_path)
    assert len(found) == 1 and "GitHub Pages" in found[0] and "1 GB" in found[0]


def test_the_built_site_is_within_every_hosts_limits(built_site: dict) -> None:
    assert problems(Path(built_site["dir"])) == []
    runtime = Path(built_site["dir"]) / "assets" / "runtime"
    snapshot = json.loads((runtime / "manifest.json").read_text(encoding="utf-8"))["snapshot"]
    # the memory is over a host's 25 MiB file limit: it is published without its zero pages, in parts
    assert snapshot["bytes"] > 25 * 2**20
    assert sorted(p.name for p in runtime.glob("snapshot-*.bin")) == sorted(snapshot["parts"])


def test_the_deployment_page_shows_the_builds_own_figures(built_site: dict) -> None:
    import re

    from host_limits import deploy_figures, runtime_bytes, visit_bytes

    site = Path(built_site["dir"])
    html = (site / "deploy" / "index.html").read_text(encoding="utf-8")
    shown = dict(re.findall(r'<span data-figure="([a-z_]+)" data-source="build">([^<]*)</span>', html))
    assert "(set by the build)" not in html
    assert shown == deploy_figures(site) and len(shown) == 9
    v = visit_bytes(site)
    # a first visit is the runtime (several MB) and more; the snapshot's parts; a page is a page
    assert v["first"] > 3e6 and 1e6 < v["snapshot"] < 10e6 and v["returning"] < 200e3
    # the runtime: the wasm alone is several MB as a file; brotli makes it smaller, the gzip copies
    # (a host without compression) less so; a first visit carries it all
    files, wire, plain = runtime_bytes(site)
    wasm = (site / "assets" / "runtime" / "pyodide" / "pyodide.asm.wasm").stat().st_size
    assert wasm < files and wire < plain < files / 2 and wire < v["first"]
