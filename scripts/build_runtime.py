"""Build what the browser (and the Node parity tests) need to run perpcalc on Pyodide.

Steps, each printed:

1. build the pure-Python ``perpcalc`` wheel from pyproject.toml (``python -m build``,
   no isolation, so it works offline), byte-reproducible through SOURCE_DATE_EPOCH, and
   check it holds ``perpcalc/`` only;
2. copy Pyodide's loader and wasm from the pinned npm ``pyodide`` package into
   ``build/runtime/pyodide/`` (the site serves them from ``assets/runtime/pyodide/``);
3. write ``build/runtime/pyodide/pyodide-lock.json`` with pyodide-build's
   ``pyodide lockfile add-wheels``: Pyodide's own lock plus the perpcalc wheel and its
   sha256 (never hand-edited; for ``loadPackage`` users; the worker needs only its ``info``);
4. precompile, with Pyodide's own Python under Node (``scripts/precompile_runtime.mjs``), the
   standard library (``python_stdlib-<sha256[:16]>.zip``: the modules start-up and perpcalc
   import as ``.pyc``, the rest as ``.py``; the npm zip has no ``.pyc``, so a stock start compiles
   about 150 modules) and perpcalc (``perpcalc-<sha256[:16]>.zip``, ``.pyc`` only, put on
   ``sys.path`` instead of installing the wheel): reproducible, offline;
5. build the memory snapshot the browser restores on return visits from those same zips
   (``scripts/make_snapshot.mjs``: Pyodide with every browser-side perpcalc module imported;
   reproducible, offline), without its 64 KiB pages that are all zero (more than half of the
   memory; the manifest says where the pages kept go), published in parts of at most 16 MiB
   (``snapshot-<sha256[:16]>.bin`` each; hosts refuse files over 25 MiB);
6. write ``.gz`` and ``.br`` copies of every compressible runtime file (``scripts/precompress.py``);
7. write ``build/runtime/manifest.json``: versions, and for every runtime file its size,
   sha256 and compressed sizes. The worker and the service worker check every file against
   these hashes before using or keeping it.

With ``--test-wheels`` it also fetches, from PyPI, the pure-Python wheels of pytest and
hypothesis (the versions installed in this environment) into ``build/pyodide-test-wheels/``
so the core test suite can run inside Pyodide under Node.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
OUT = ROOT / "build" / "runtime"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
# Cloudflare Pages (and Workers static assets) refuse a file over 25 MiB: the snapshot (about
# 30 MiB) is published in parts of at most this many bytes, each named by its own hash.
SNAPSHOT_PART_BYTES = 16 << 20
# The snapshot leaves out the memory's pages (wasm pages of 64 KiB) that are all zero: less to
# download, keep, read back and check on every return visit.
SNAPSHOT_PAGE = 1 << 16
TEST_WHEELS = ("pytest", "pluggy", "iniconfig", "packaging", "pygments", "hypothesis", "attrs", "sortedcontainers")


def step(message: str) -> None:
    print(f"   - {message}", flush=True)


def fail(message: str) -> None:
    sys.exit(f"build_runtime: {message}")


def source_date_epoch() -> str:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        return out or "315532800"
    except (OSError, subprocess.CalledProcessError):
        return "315532800"


def build_wheel() -> Path:
    dist = ROOT / "build" / "wheel"
    if dist.exists():
        shutil.rmtree(dist)
    env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch())
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    for leftover in (ROOT / "build" / "lib", *ROOT.glob("build/bdist.*"), *ROOT.glob("calculators/*.egg-info")):
        shutil.rmtree(leftover, ignore_errors=True)
    if proc.returncode != 0:
        fail(f"building the wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    wheels = sorted(dist.glob("perpcalc-*.whl"))
    if len(wheels) != 1:
        fail(f"expected one perpcalc wheel in {dist}, found {wheels}")
    wheel = wheels[0]
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    stray = [n for n in names if not (n.startswith("perpcalc/") or n.startswith("perpcalc-"))]
    if stray:
        fail(f"the wheel holds files outside perpcalc/: {stray[:5]}")
    step(f"wheel {wheel.name}: {len(names)} files, {wheel.stat().st_size:,} bytes")
    return wheel


def copy_runtime(target: Path) -> None:
    if not NPM_PYODIDE.exists():
        fail("node_modules/pyodide is missing: run `npm ci` (make does this)")
    version = json.loads((NPM_PYODIDE / "package.json").read_text())["version"]
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copy2(NPM_PYODIDE / name, target / name)
    step(f"pyodide {version}: copied {', '.join(RUNTIME_FILES)}")


def write_lock(wheel: Path, target: Path) -> Path:
    shutil.copy2(wheel, target / wheel.name)
    pyodide_cli = Path(sys.executable).with_name("pyodide")
    cmd = [str(pyodide_cli) if pyodide_cli.exists() else "pyodide", "lockfile", "add-wheels",
           "--input", str(NPM_PYODIDE / "pyodide-lock.json"), "--output", str(target / "pyodide-lock.json"),
           "--base-path", str(target), str(target / wheel.name)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"`pyodide lockfile add-wheels` failed (needs Python >= 3.12 with pyodide-build and "
             f"pyodide-lock[wheel]):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    lock = json.loads((target / "pyodide-lock.json").read_text())
    entry = lock["packages"].get("perpcalc")
    if not entry or entry["file_name"] != wheel.name:
        fail("the lock file does not list the perpcalc wheel")
    digest = hashlib.sha256((target / wheel.name).read_bytes()).hexdigest()
    if entry["sha256"] != digest:
        fail("the lock's sha256 for perpcalc does not match the wheel")
    step(f"lock: perpcalc {entry['version']} sha256 {digest[:12]}…, Python {lock['info']['python']}")
    return target / "pyodide-lock.json"


def hash_named(path: Path, stem: str) -> Path:
    """Move ``path`` to ``OUT/<stem>-<sha256[:16]><suffix>`` and return the new path."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    named = OUT / f"{stem}-{digest[:16]}{path.suffix}"
    path.replace(named)
    return named


def precompile(wheel: Path) -> tuple[Path, Path]:
    """The precompiled standard library and perpcalc zips (see precompile_runtime.mjs)."""
    for old in [*OUT.glob("python_stdlib-*"), *OUT.glob("perpcalc-*")]:  # with their .gz/.br copies
        old.unlink()
    tmp = OUT / "precompile.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    proc = subprocess.run(["node", str(ROOT / "scripts" / "precompile_runtime.mjs"), str(NPM_PYODIDE), str(wheel),
                           str(tmp)], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"precompiling the standard library and perpcalc failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    stdlib = hash_named(tmp / "python_stdlib.zip", "python_stdlib")
    package = hash_named(tmp / "perpcalc.zip", "perpcalc")
    tmp.rmdir()
    step(f"{stdlib.name}: {stdlib.stat().st_size:,} bytes ({proc.stdout.strip().splitlines()[-1]}); "
         f"{package.name}: {package.stat().st_size:,} bytes")
    return stdlib, package


def nonzero_runs(data: bytes, page: int = SNAPSHOT_PAGE) -> list[list[int]]:
    """The runs of consecutive pages of ``data`` that hold a byte other than zero.

    Parameters
    ----------
    data : bytes
        The memory, in pages of ``page`` bytes (the last one may be shorter).
    page : int
        Bytes per page.

    Returns
    -------
    list of [int, int]
        ``[first page, number of pages]`` of each run, in order.

    Examples
    --------
    >>> nonzero_runs(bytes(4) + b"\\1" + bytes(7) + b"\\0\\2" + bytes(4) + b"\\3", page=4)
    [[1, 1], [3, 2]]
    >>> nonzero_runs(bytes(8), page=4)
    []
    """
    runs: list[list[int]] = []
    for index, at in enumerate(range(0, len(data), page)):
        if data[at:at + page].count(0) == len(data[at:at + page]):
            continue
        if runs and runs[-1][0] + runs[-1][1] == index:
            runs[-1][1] += 1
        else:
            runs.append([index, 1])
    return runs


def make_snapshot(stdlib: Path, package: Path) -> dict[str, object]:
    """Pyodide's memory after importing perpcalc (see make_snapshot.mjs), without its pages that
    are all zero, in hash-named parts.

    Returns
    -------
    dict
        For the manifest: ``{"bytes": the memory's size, "sha256": the memory's, "page": bytes per
        page, "runs": [[first page, pages], ...] kept, in order, "parts": [file names in order]}``;
        the parts joined are the pages of the runs, one after the other.
    """
    for old in [*OUT.glob("snapshot-*"), *OUT.glob("manifest.json*")]:  # with their .gz/.br copies
        old.unlink()
    tmp = OUT / "snapshot.tmp"
    proc = subprocess.run(["node", str(ROOT / "scripts" / "make_snapshot.mjs"), str(OUT), str(stdlib),
                           str(package), str(tmp)], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"making the Pyodide memory snapshot failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    data = tmp.read_bytes()
    tmp.unlink()
    runs = nonzero_runs(data)
    kept = b"".join(data[first * SNAPSHOT_PAGE:(first + pages) * SNAPSHOT_PAGE] for first, pages in runs)
    count = -(-len(kept) // SNAPSHOT_PART_BYTES)
    size = -(-len(kept) // count)  # equal parts, fetched in parallel
    parts = []
    for at in range(0, len(kept), size):
        part = kept[at:at + size]
        path = OUT / f"snapshot-{hashlib.sha256(part).hexdigest()[:16]}.bin"
        path.write_bytes(part)
        parts.append(path.name)
    step(f"snapshot: {len(data):,} bytes (perpcalc imported), {len(kept):,} without its zero pages, "
         f"in {len(parts)} parts: {', '.join(parts)}")
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "page": SNAPSHOT_PAGE, "runs": runs,
            "parts": parts}


def write_manifest(wheel: Path, stdlib: Path, package: Path, snapshot: dict[str, object],
                   compressed: dict[str, dict[str, int]]) -> None:
    files = {}
    for path in sorted(p for p in OUT.rglob("*") if p.is_file() and p.suffix not in (".gz", ".br")):
        rel = path.relative_to(OUT).as_posix()
        if rel == "manifest.json":
            continue
        files[rel] = {"bytes": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                      **compressed.get(rel, {})}
    manifest = {
        "pyodide_version": json.loads((NPM_PYODIDE / "package.json").read_text())["version"],
        "perpcalc_version": wheel.name.split("-")[1],
        "wheel": f"pyodide/{wheel.name}",
        "wheel_sha256": files[f"pyodide/{wheel.name}"]["sha256"],
        "lock": "pyodide/pyodide-lock.json",
        # the worker passes this to loadPyodide: no lock file to request (perpcalc is not a package there)
        "lock_info": json.loads((OUT / "pyodide" / "pyodide-lock.json").read_text())["info"],
        "stdlib": stdlib.name,
        "perpcalc_zip": package.name,
        "snapshot": snapshot,
        "files": files,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    raw = sum(f["bytes"] for f in files.values())
    first = ["pyodide/pyodide.mjs", "pyodide/pyodide.asm.mjs", "pyodide/pyodide.asm.wasm", stdlib.name, package.name]
    wire = sum(files[name].get("br", files[name]["bytes"]) for name in first)
    step(f"manifest: {raw:,} bytes in {len(files)} files; first visit {wire:,} bytes with brotli")


def test_wheels() -> None:
    dest = ROOT / "build" / "pyodide-test-wheels"
    dest.mkdir(parents=True, exist_ok=True)
    pins = [f"{name}=={metadata.version(name)}" for name in TEST_WHEELS]
    have = {p.name.split("-")[0].lower().replace("_", "-") + "==" + p.name.split("-")[1] for p in dest.glob("*.whl")}
    missing = [pin for pin in pins if pin.lower().replace("_", "-") not in have]
    if missing:
        # pure-Python wheels only (py3-none-any): Pyodide cannot load a CPython platform wheel
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--platform", "any", "--implementation", "py", "--abi", "none", "--python-version", "3.14",
                        "--dest", str(dest), *missing], check=True)
    step(f"test wheels for Pyodide: {', '.join(pins)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-wheels", action="store_true", help="also fetch pytest/hypothesis wheels for Pyodide")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "scripts"))
    from precompress import precompress_file, precompress_tree

    # the two largest files are compressed while the zips and the snapshot are made under Node (one
    # core), and the test wheels fetched: in a fresh clone their brotli copies had been most of the
    # build's time, after everything else (22 of 32 s on 2026-12-06)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        wheel = build_wheel()
        target = OUT / "pyodide"
        copy_runtime(target)
        started = {wasm: pool.submit(precompress_file, wasm) for wasm in target.glob("*.wasm")}
        fetched = pool.submit(test_wheels) if args.test_wheels else None
        write_lock(wheel, target)
        stdlib, package = precompile(wheel)
        started[stdlib] = pool.submit(precompress_file, stdlib)
        snapshot = make_snapshot(stdlib, package)
        compressed = precompress_tree(OUT, pool, started)
        step(f"precompressed {len(compressed)} runtime files (.gz, .br)")
        write_manifest(wheel, stdlib, package, snapshot, compressed)
        if fetched is not None:
            fetched.result()


if __name__ == "__main__":
    main()
