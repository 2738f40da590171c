"""The browser runs the same code with the same answers: perpcalc inside Pyodide (Node, the same
npm package, precompiled standard library and perpcalc zip the site serves) against CPython.

Nothing is skipped: without Node or the runtime folder these tests fail and say what to run.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import hypothesis_profiles
import perpcalc
import pytest
from background import BACKGROUND_NICE, Background
from perpcalc import page as page_entry

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "build" / "runtime" / "pyodide"

EVERY_EXAMPLE = r"""
import json, sys, perpcalc
from perpcalc import page as page_entry
# the precompiled runtime: perpcalc and the standard library's modules come from the build's .pyc
print("FILES " + json.dumps([perpcalc.__file__, page_entry.__file__, json.__file__, sys.modules["decimal"].__file__]))
out = {}
for spec in perpcalc.catalog():
    for key, example in spec["examples"].items():
        out[f"{spec['name']}@{key}"] = page_entry.compute(spec["name"], example)
junk = {"funding_payment": {"side": "long", "size": "nan"}, "nope": {}}
for name, inputs in junk.items():
    out[f"junk:{name}"] = page_entry.compute(name, inputs)
print("RESULT " + json.dumps(out, sort_keys=True))
"""


def node() -> str:
    exe = shutil.which("node")
    if not exe:
        pytest.fail("Node is required for the Pyodide tests (Node >= 18)")
    if not (RUNTIME.parent / "manifest.json").exists():
        pytest.fail("build/runtime is missing: run `make test` (it runs scripts/build_runtime.py)")
    return exe


# Started when the session's tests are collected (tests/conftest.py): each runs on the second core
# while the first runs the CPython tests, at a lower priority than the site build (BACKGROUND_NICE).
BACKGROUND = {
    "core": Background([shutil.which("node") or "node", "tests/pyodide/run_core_tests.mjs"], timeout=900,
                       nice=BACKGROUND_NICE),
    "examples": Background([shutil.which("node") or "node", "scripts/pyodide_run.mjs"], stdin=EVERY_EXAMPLE,
                           timeout=300, nice=BACKGROUND_NICE),
}


def test_core_suite_passes_inside_pyodide() -> None:
    node()
    if not (ROOT / "build" / "pyodide-test-wheels").exists():
        pytest.fail("build/pyodide-test-wheels is missing: run `make test`")
    proc = BACKGROUND["core"].result()
    tail = proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "on Python 3.14" in proc.stdout and "(emscripten)" in proc.stdout, tail
    # CI=true reaches Python inside Pyodide: derandomized examples, a quarter of CPython's (hypothesis_profiles)
    profile = "ci-pyodide" if hypothesis_profiles.in_ci() else "dev-pyodide"
    assert f"hypothesis profile: {profile}" in proc.stdout, tail
    summary = re.search(r"(\d+) passed", proc.stdout)
    assert proc.returncode == 0, tail
    assert summary and int(summary.group(1)) > 50, tail


def test_every_example_is_identical_in_pyodide_and_cpython() -> None:
    node()
    proc = BACKGROUND["examples"].result()
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = json.loads(next(ln for ln in proc.stdout.splitlines() if ln.startswith("FILES "))[len("FILES "):])
    assert files[:2] == ["/lib/perpcalc.zip/perpcalc/__init__.pyc", "/lib/perpcalc.zip/perpcalc/page.pyc"], files
    assert all(f.startswith("/lib/python314.zip/") and f.endswith(".pyc") for f in files[2:]), files
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    in_pyodide = json.loads(line[len("RESULT "):])
    in_cpython = {}
    for spec in perpcalc.catalog():
        for key, example in spec["examples"].items():
            in_cpython[f"{spec['name']}@{key}"] = page_entry.compute(spec["name"], example)
    in_cpython["junk:funding_payment"] = page_entry.compute("funding_payment", {"side": "long", "size": "nan"})
    in_cpython["junk:nope"] = page_entry.compute("nope", {})
    assert json.loads(json.dumps(in_cpython, sort_keys=True)) == in_pyodide
