"""Every script the site serves parses, as the browser will load it.

``node --check`` on a ``.js`` file of a package without a module type stops at the CommonJS
parse and passes a module with a syntax error (a merge once declared ``xLabel`` twice in
charts.js, and every chart on the site stopped drawing). Each file is checked under the name
its kind needs: ``.mjs`` for modules (they import, export or read import.meta), ``.cjs`` for classic scripts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted([*(ROOT / "docs" / "assets" / "perpcalc").glob("*.js"), ROOT / "docs" / "sw.js"])
MODULE = re.compile(r"^\s*(import\s|export\s)|import\.meta", re.M)


def test_the_scripts_are_found() -> None:
    assert len(SCRIPTS) >= 5 and all(p.exists() for p in SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses(script: Path, tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "Node is required (apt-get install nodejs)"
    text = script.read_text(encoding="utf-8")
    copy = tmp_path / (script.stem + (".mjs" if MODULE.search(text) else ".cjs"))
    copy.write_text(text, encoding="utf-8")
    proc = subprocess.run([node, "--check", str(copy)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"{script.name}: {proc.stderr[-1500:]}"


def test_a_duplicate_declaration_in_a_module_is_caught(tmp_path: Path) -> None:
    """The check itself fails on the mistake it is here for."""
    bad = tmp_path / "bad.mjs"
    bad.write_text("export function f() { const a = 1; const a = 2; return a; }\n", encoding="utf-8")
    proc = subprocess.run([shutil.which("node") or "node", "--check", str(bad)], capture_output=True, text=True)
    assert proc.returncode != 0 and "already been declared" in proc.stderr
