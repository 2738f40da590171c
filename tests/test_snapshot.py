"""The build's precompiled runtime and Pyodide memory snapshot, under Node: the snapshot restores and
computes, it is published without its zero pages in hash-named parts under the hosts' file limit, and
the precompiled zips and the snapshot are reproducible.

Pyodide's snapshot API is underscored (``_makeSnapshot``, ``_loadSnapshot``): this test is what
tells a Pyodide upgrade that changed it. Nothing is skipped: without Node or the runtime folder
the tests fail and say what to run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "build" / "runtime"
CLOUDFLARE_FILE_LIMIT = 25 * 2**20  # Cloudflare Pages refuses a bigger file

RESTORE = """
import { readFileSync } from "node:fs";
import path from "node:path";
import { startBuilt } from "./scripts/pyodide_node.mjs";
const [runtime, memory] = process.argv.slice(1);
const py = await startBuilt({ _loadSnapshot: new Uint8Array(readFileSync(memory)) }, runtime);
const compute = py.runPython("import sys\\nassert 'perpcalc.page' in sys.modules\\n"
  + "from perpcalc.page import compute_json\\ncompute_json");
console.log(compute("funding_payment", JSON.stringify(
  { side: "long", size: 10, mark_price: 10000, funding_rate: "0.0011875" })));
"""


def manifest() -> dict:
    if not (RUNTIME / "manifest.json").exists() or not shutil.which("node"):
        pytest.fail("build/runtime or node is missing: run `make test` (it runs scripts/build_runtime.py)")
    return json.loads((RUNTIME / "manifest.json").read_text(encoding="utf-8"))


def memory(snapshot: dict) -> bytes:
    """The memory the manifest's ``snapshot`` describes: its parts joined are the pages of its runs,
    one after the other; every other page is zero."""
    kept = b"".join((RUNTIME / name).read_bytes() for name in snapshot["parts"])
    out = bytearray(snapshot["bytes"])
    at = 0
    for first, pages in snapshot["runs"]:
        start = first * snapshot["page"]
        end = min(start + pages * snapshot["page"], snapshot["bytes"])
        out[start:end] = kept[at:at + end - start]
        at += end - start
    assert at == len(kept), "the parts hold more than the runs' pages"
    return bytes(out)


def test_the_split_snapshot_restores_with_perpcalc_imported_and_computes(tmp_path: Path) -> None:
    """Binance's funding example: a 10 BTC long at 10,000 with 0.11875 % pays 118.75."""
    full = tmp_path / "memory.bin"
    full.write_bytes(memory(manifest()["snapshot"]))
    proc = subprocess.run(["node", "--input-type=module", "-e", RESTORE, str(RUNTIME), str(full)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ok"] is True
    assert result["outputs"]["payment"] == -118.75


def test_the_zero_pages_are_found_as_the_build_documents() -> None:
    import doctest

    import build_runtime

    result = doctest.testmod(build_runtime)
    assert result.attempted >= 2 and result.failed == 0
    # of the pages of 4 bytes, 3, 5 and the last, short one (7) hold a byte other than zero
    data = bytes(12) + b"\1" + bytes(7) + b"\0\0\0\2" + bytes(4) + b"\3"
    assert build_runtime.nonzero_runs(data, 4) == [[3, 1], [5, 1], [7, 1]]


def test_every_part_is_named_by_its_hash_and_under_the_hosts_file_limit() -> None:
    info = manifest()
    kept = 0
    for name in info["snapshot"]["parts"]:
        data = (RUNTIME / name).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        assert name == f"snapshot-{digest[:16]}.bin"
        assert info["files"][name]["sha256"] == digest
        assert len(data) < CLOUDFLARE_FILE_LIMIT
        kept += len(data)
    full = memory(info["snapshot"])
    assert len(full) == info["snapshot"]["bytes"]
    assert hashlib.sha256(full).hexdigest() == info["snapshot"]["sha256"]
    assert kept < len(full)  # zero pages were left out (and memory() put them back as zeros)
    for name in (info["stdlib"], info["perpcalc_zip"]):
        digest = hashlib.sha256((RUNTIME / name).read_bytes()).hexdigest()
        assert name.endswith(f"-{digest[:16]}.zip") and info["files"][name]["sha256"] == digest


def test_the_zips_hold_precompiled_modules_stored_with_fixed_times() -> None:
    info = manifest()
    with zipfile.ZipFile(RUNTIME / info["stdlib"]) as z:
        entries = z.infolist()
        names = {e.filename for e in entries}
    # start-up's and perpcalc's modules are .pyc; one it never imports stays .py (lazy imports still work)
    assert {"encodings/__init__.pyc", "json/__init__.pyc", "decimal.pyc", "csv.pyc"} <= names
    assert "tomllib/__init__.py" in names and "json/__init__.py" not in names
    assert all(e.compress_type == zipfile.ZIP_STORED and e.date_time == (1980, 1, 1, 0, 0, 0) for e in entries)
    with zipfile.ZipFile(RUNTIME / info["perpcalc_zip"]) as z:
        names = z.namelist()
    assert "perpcalc/display.pyc" in names and not [n for n in names if n.endswith(".py")]


def test_the_precompiled_zips_and_the_snapshot_are_reproducible(tmp_path: Path) -> None:
    info = manifest()
    scripts = ROOT / "scripts"
    proc = subprocess.run(["node", str(scripts / "precompile_runtime.mjs"), str(ROOT / "node_modules" / "pyodide"),
                           str(RUNTIME / info["wheel"]), str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for built, again in ((info["stdlib"], "python_stdlib.zip"), (info["perpcalc_zip"], "perpcalc.zip")):
        assert hashlib.sha256((tmp_path / again).read_bytes()).hexdigest() == info["files"][built]["sha256"], built
    snapshot = tmp_path / "snapshot.bin"
    zips = [str(tmp_path / "python_stdlib.zip"), str(tmp_path / "perpcalc.zip")]
    proc = subprocess.run(["node", str(scripts / "make_snapshot.mjs"), str(RUNTIME), *zips, str(snapshot)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == info["snapshot"]["sha256"]
