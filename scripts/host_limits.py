"""The limits of the hosts the deployment page names, checked against a built site.

A host refuses to publish a site that breaks one of these; the build refuses it first
(``scripts/hooks/assets.py`` calls ``problems`` after the last file is written), naming the
host and the limit. The limits, as the hosts' documentation gives them:

* Cloudflare Pages, free plan: at most 20,000 files per site (paid plans 100,000 since
  2026-01-23); 25 MiB per file, as for Workers static assets
  (https://developers.cloudflare.com/pages/platform/limits/,
  https://developers.cloudflare.com/workers/platform/limits/).
* GitHub Pages: a published site of at most 1 GB
  (https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits).
* Netlify: no limit stricter than these for a site of this kind.

Usage: ``python scripts/host_limits.py SITE_DIR`` prints each problem and exits 1 if any.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    host: str
    what: str
    value: int


FILE_BYTES = Limit("Cloudflare Pages (and Workers static assets)", "bytes per file", 25 * MiB)
FILE_COUNT = Limit("Cloudflare Pages", "files per site", 20_000)
SITE_BYTES = Limit("GitHub Pages", "bytes per site", 1_000_000_000)

def problems(site: Path) -> list[str]:
    """What in ``site`` breaks a host's limits, as sentences naming the host and the limit (none: ``[]``).
    The memory snapshot is published in parts under the per-file limit (scripts/build_runtime.py)."""
    found: list[str] = []
    files = [p for p in site.rglob("*") if p.is_file()]
    total = 0
    for path in files:
        size = path.stat().st_size
        total += size
        if size > FILE_BYTES.value:
            rel = path.relative_to(site).as_posix()
            found.append(f"{rel} is {size:,} bytes ({size / MiB:.1f} MiB): {FILE_BYTES.host} refuses a file over "
                         f"{FILE_BYTES.value // MiB} MiB")
    if len(files) > FILE_COUNT.value:
        found.append(f"the site has {len(files):,} files: {FILE_COUNT.host} refuses more than {FILE_COUNT.value:,}")
    if total > SITE_BYTES.value:
        found.append(f"the site is {total:,} bytes: {SITE_BYTES.host} refuses a site over 1 GB "
                     f"({SITE_BYTES.value:,} bytes)")
    return found


# The soft monthly bandwidth of GitHub Pages (GitHub Docs, "GitHub Pages limits").
GITHUB_PAGES_MONTHLY_BYTES = 100_000_000_000
READER_PAGE = "terms/funding-rate-exposure/index.html"  # a page with live calculators
_LOCAL_REF = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"#?:]+)"', re.I)


def wire_bytes(path: Path) -> int:
    """What a file costs on the wire from a host that sends the brotli copy (its size)."""
    br = path.with_name(path.name + ".br")
    return (br if br.exists() else path).stat().st_size


def visit_bytes(site: Path, page: str = READER_PAGE) -> dict[str, int]:
    """Bytes on the wire, from the built files (brotli copies where the build made them):

    * ``first``: a new reader's first page with a live calculator: the page, the scripts and
      stylesheets it names, the calculators' own modules and the runtime's files (the
      memory snapshot aside);
    * ``snapshot``: what the service worker then keeps for the next visit (the snapshot);
    * ``returning``: a returning reader's next page (everything else is cached or checked
      with a 304 that carries no body).
    """
    html = site / page
    files = {html}
    for ref in _LOCAL_REF.findall(html.read_text(encoding="utf-8")):
        target = (html.parent / ref).resolve()
        if target.is_file() and target.is_relative_to(site.resolve()):
            files.add(target)
    files.update((site / "assets" / "perpcalc").glob("*.js"))
    runtime = site / "assets" / "runtime"
    snapshot = {p for p in runtime.glob("snapshot-*.bin")}
    files.update(p for p in runtime.rglob("*") if p.is_file() and p.suffix not in (".br", ".gz") and p not in snapshot)
    return {"first": sum(wire_bytes(p) for p in files), "snapshot": sum(wire_bytes(p) for p in snapshot),
            "returning": wire_bytes(html)}


def gzip_bytes(path: Path) -> int:
    """What a runtime file costs from a host that sends no compression: the calculators' worker
    asks for its ``.gz`` copy where the build made one (the file's size otherwise)."""
    gz = path.with_name(path.name + ".gz")
    return (gz if gz.exists() else path).stat().st_size


def runtime_bytes(site: Path) -> tuple[int, int, int]:
    """The Python runtime's files (the memory snapshot aside): their bytes, their bytes on the
    wire from a host that sends the brotli copies, and from a host that sends no compression."""
    runtime = site / "assets" / "runtime"
    files = [p for p in runtime.rglob("*")
             if p.is_file() and p.suffix not in (".br", ".gz") and not p.name.startswith("snapshot-")]
    return (sum(p.stat().st_size for p in files), sum(wire_bytes(p) for p in files),
            sum(gzip_bytes(p) for p in files))


def deploy_figures(site: Path) -> dict[str, str]:
    """The figures the deployment page shows, as text (``data-figure`` names)."""
    v = visit_bytes(site)
    new_reader = v["first"] + v["snapshot"]
    runtime, runtime_wire, runtime_plain = runtime_bytes(site)
    return {
        "runtime_files": f"{runtime / 1e6:.1f} MB",
        "runtime_brotli": f"{runtime_wire / 1e6:.1f} MB",
        "runtime_gzip": f"{runtime_plain / 1e6:.1f} MB",
        "first_visit": f"{v['first'] / 1e6:.1f} MB",
        "snapshot": f"{v['snapshot'] / 1e6:.1f} MB",
        "new_reader": f"{new_reader / 1e6:.1f} MB",
        "returning": f"{v['returning'] / 1e3:.0f} kB",
        "github_new_readers": f"{GITHUB_PAGES_MONTHLY_BYTES // new_reader:,}",
        "github_page_views": f"{GITHUB_PAGES_MONTHLY_BYTES // v['returning']:,}",
    }


_FIGURE = re.compile(r'<span data-figure="([a-z_]+)">[^<]*</span>')


def fill_figures(html: str, figures: dict[str, str]) -> str:
    """Write each ``<span data-figure="NAME">`` of the page with its figure, marked as the build's."""
    def one(m: re.Match[str]) -> str:
        if m.group(1) not in figures:
            raise KeyError(f"no figure {m.group(1)!r}")
        return f'<span data-figure="{m.group(1)}" data-source="build">{figures[m.group(1)]}</span>'

    return _FIGURE.sub(one, html)


def main() -> None:
    found = problems(Path(sys.argv[1]))
    for line in found:
        print(f"error: {line}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
