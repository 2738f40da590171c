"""The build's Pyodide memory snapshot, under Node: it restores and computes, and it is reproducible.

Pyodide's snapshot API is underscored (``_makeSnapshot``, ``_loadSnapshot``): this test is what
tells a Pyodide upgrade that changed it. Nothing is skipped: without Node or the runtime folder
the tests fail and say what to run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "build" / "runtime"

RESTORE = """
import { readFileSync } from "node:fs";
import path from "node:path";
const [runtime, snapshot] = process.argv.slice(1);
const indexURL = path.join(runtime, "pyodide") + path.sep;
const { loadPyodide } = await import(path.join(indexURL, "pyodide.mjs"));
const py = await loadPyodide({ indexURL, _loadSnapshot: new Uint8Array(readFileSync(snapshot)) });
const compute = py.runPython("import sys\\nassert 'perpcalc.page' in sys.modules\\n"
  + "from perpcalc.page import compute_json\\ncompute_json");
console.log(compute("funding_payment", JSON.stringify(
  { side: "long", size: 10, mark_price: 10000, funding_rate: "0.0011875" })));
"""


def manifest() -> dict:
    if not (RUNTIME / "manifest.json").exists() or not shutil.which("node"):
        pytest.fail("build/runtime or node is missing: run `make test` (it runs scripts/build_runtime.py)")
    return json.loads((RUNTIME / "manifest.json").read_text(encoding="utf-8"))


def test_the_snapshot_restores_with_perpcalc_imported_and_computes() -> None:
    """Binance's funding example: a 10 BTC long at 10,000 with 0.11875 % pays 118.75."""
    snapshot = RUNTIME / manifest()["snapshot"]
    proc = subprocess.run(["node", "--input-type=module", "-e", RESTORE, str(RUNTIME), str(snapshot)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ok"] is True
    assert result["outputs"]["payment"] == -118.75


def test_the_snapshot_is_named_by_its_hash_and_reproducible(tmp_path: Path) -> None:
    info = manifest()
    snapshot = RUNTIME / info["snapshot"]
    digest = hashlib.sha256(snapshot.read_bytes()).hexdigest()
    assert snapshot.name == f"snapshot-{digest[:16]}.bin"
    assert info["files"][info["snapshot"]]["sha256"] == digest
    again = tmp_path / "snapshot.bin"
    proc = subprocess.run(["node", str(ROOT / "scripts" / "make_snapshot.mjs"), str(RUNTIME / "pyodide"),
                           str(RUNTIME / info["wheel"]), str(again)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert hashlib.sha256(again.read_bytes()).hexdigest() == digest
