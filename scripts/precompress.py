"""Precompressed copies of a folder's text and WebAssembly files: ``NAME.gz`` and ``NAME.br``.

A static server (``scripts/serve.py`` through WhiteNoise, nginx's ``gzip_static`` and
``brotli_static``, Netlify, Cloudflare Pages) sends the smallest copy the browser accepts, with
``Content-Encoding`` set, so nothing is compressed per request. Copies are byte-reproducible
(gzip without a name or time stamp) and cached by the source's sha256 under
``build/precompressed`` so rebuilding the site does not compress the 31 MB snapshot again.
Large files get faster settings (brotli quality 9, about 1 s for 10 MB; gzip 6): quality 11 on the
wasm costs minutes here and saves little more (quality 5 made the precompiled stdlib 6 % bigger).
The two large files every first visit downloads before a calculator is live (FIRST_VISIT: the
runtime's wasm and its standard library) get brotli quality 10 with a 16 MiB window: about 8 %
smaller than quality 9 (2.86 instead of 3.10 MB and 2.18 instead of 2.39 MB, 0.46 MB less per first
visit) for about 25 s of compression once per runtime, kept in the cache.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from collections.abc import Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "precompressed"
SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".svg", ".wasm", ".bin", ".map",
                      ".ipynb", ".webmanifest", ".ico", ".zip"})
MIN_BYTES = 512
LARGE = 1_000_000
FIRST_VISIT = re.compile(r"^(?:pyodide\.asm\.wasm|python_stdlib-[0-9a-f]{16}\.zip)$")


def _compressed(data: bytes, digest: str, encoding: str, first_visit: bool = False) -> bytes:
    large = len(data) > LARGE
    level = (9 if large else 11) if encoding == "br" else (6 if large else 9)
    window = 22  # brotli's default
    if encoding == "br" and large and first_visit:
        level, window = 10, 24
    cached = CACHE / (f"{digest}.{encoding}{level}" + (f"w{window}" if window != 22 else ""))
    if cached.exists():
        return cached.read_bytes()
    if encoding == "br":
        out = brotli.compress(data, quality=level, lgwin=window)
    else:
        out = gzip.compress(data, compresslevel=level, mtime=0)
    CACHE.mkdir(parents=True, exist_ok=True)
    # two builds at once (the tests run two), or two threads of one build compressing files of the same
    # bytes (a fresh clone's build once failed on that: one thread's rename took the other's file),
    # never share one
    tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(out)
    tmp.replace(cached)
    return out


def precompress_tree(folder: Path, pool: Executor | None = None,
                     started: Mapping[Path, Future[dict[str, int]]] | None = None) -> dict[str, dict[str, int]]:
    """Write ``.gz`` and ``.br`` beside every compressible file under ``folder``.

    A copy is kept only when it saves at least a tenth of the bytes (a zip stays as it is).

    Parameters
    ----------
    folder : Path
        The folder whose files are compressed, at any depth.
    pool : Executor, optional
        Where the files are compressed (one at a time per worker); by default a thread per core.
    started : mapping of Path to Future, optional
        Files already being compressed in ``pool`` (``precompress_file``), whose results are taken
        as they are instead of compressing them again.

    Returns
    -------
    dict
        Relative path -> ``{"gz": bytes, "br": bytes}`` for the copies written.
    """
    paths = sorted(p for p in folder.rglob("*") if p.is_file()
                   and p.suffix in SUFFIXES and p.stat().st_size >= MIN_BYTES)
    # one file per core at a time, the largest first (brotli and zlib let other threads run while they
    # compress): a fresh runtime's seven files took 33 s one after another, most of it the two largest
    largest_first = sorted(paths, key=lambda p: -p.stat().st_size)
    started = started or {}

    def compress(workers: Executor) -> dict[Path, dict[str, int]]:
        jobs = {p: started.get(p) or workers.submit(precompress_file, p) for p in largest_first}
        return {p: job.result() for p, job in jobs.items()}

    if pool is None:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as own:
            sizes = compress(own)
    else:
        sizes = compress(pool)
    return {path.relative_to(folder).as_posix(): sizes[path] for path in paths if sizes[path]}


def precompress_file(path: Path) -> dict[str, int]:
    """Write (or drop) the ``.gz`` and ``.br`` copies of one file; their sizes."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    sizes = {}
    for encoding in ("gz", "br"):
        out = _compressed(data, digest, encoding, bool(FIRST_VISIT.match(path.name)))
        target = path.with_name(f"{path.name}.{encoding}")
        if len(out) <= 0.9 * len(data):
            target.write_bytes(out)
            sizes[encoding] = len(out)
        elif target.exists():
            target.unlink()
    return sizes
