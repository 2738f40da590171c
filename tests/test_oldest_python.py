"""The wheel says ``requires-python = ">=3.11"`` (Debian 12's default): this runs the core under
Python 3.11 in a subprocess, standard library only (no pytest needed there): every doctest,
every worked example of every calculator compared with the same run here, and junk input
giving ``InputError``. It fails, naming what to install, when ``python3.11`` is absent."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import perpcalc
import pytest

ROOT = Path(__file__).resolve().parents[1]
OLDEST = "3.11"

SCRIPT = r"""
import doctest, importlib, json, pkgutil, sys
import perpcalc
assert sys.version_info[:2] == (3, 11), sys.version
failed = attempted = 0
for m in sorted(m.name for m in pkgutil.walk_packages(perpcalc.__path__, prefix="perpcalc.")):
    if m == "perpcalc.frames":  # the optional pandas layer
        continue
    r = doctest.testmod(importlib.import_module(m), optionflags=doctest.NORMALIZE_WHITESPACE)
    failed += r.failed
    attempted += r.attempted
runs = {}
for spec in perpcalc.catalog():
    for key, example in perpcalc.get(spec["name"]).examples.items():
        runs[f"{spec['name']}@{key}"] = perpcalc.run(spec["name"], example)
try:
    perpcalc.run("funding_payment", {"side": "long", "size": "nan", "mark_price": 1, "funding_rate": 0})
    junk = None
except perpcalc.InputError as exc:
    junk = exc.field
print(json.dumps({"failed": failed, "attempted": attempted, "runs": runs, "junk": junk}))
"""


def oldest_python() -> str:
    found = shutil.which(f"python{OLDEST}")
    if not found:
        pytest.fail(f"python{OLDEST} is not on PATH: install it (Debian 12: apt-get install python3) to test "
                    f"the oldest Python the wheel claims")
    return found


def test_requires_python_names_the_tested_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f">={OLDEST}"


def test_core_runs_on_the_oldest_python() -> None:
    # -I: isolated (no PYTHONPATH, no user site); the core is put on the path explicitly
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'calculators')!r})\n{SCRIPT}"
    # -B: no bytecode files written into the source tree
    proc = subprocess.run(
        [oldest_python(), "-I", "-B", "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout)
    assert got["failed"] == 0 and got["attempted"] > 100, got["failed"]
    assert got["junk"] == "size"
    here = {
        f"{spec['name']}@{key}": perpcalc.run(spec["name"], example)
        for spec in perpcalc.catalog()
        for key, example in perpcalc.get(spec["name"]).examples.items()
    }
    assert got["runs"] == json.loads(json.dumps(here))
