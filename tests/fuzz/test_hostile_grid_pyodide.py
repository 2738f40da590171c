"""A slice of the hostile grid through the browser's path: perpcalc inside Pyodide (Node,
the wheel and lock file the site serves), each case through ``run`` and ``compute_json``
with the same checks as in CPython, and every ``compute_json`` answer identical to
CPython's (compared by hash)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import hostile
import pytest
from test_pyodide_parity import ROOT, node

STRIDE = 71  # every 71st case of the grid: ~440 cases, spread over every calculator

SCRIPT = """
import hashlib, json, sys, time, types
src = {source!r}
hostile = sys.modules["hostile"] = types.ModuleType("hostile")
exec(compile(src, "hostile.py", "exec"), hostile.__dict__)
from perpcalc.page import compute_json
out = {{"count": 0, "problems": [], "hashes": {{}}, "slowest": 0.0}}
for i, (case, inputs) in enumerate(hostile.cases()):
    if i % {stride}:
        continue
    problems, seconds = hostile.check_case(case, inputs)
    out["count"] += 1
    out["slowest"] = max(out["slowest"], seconds)
    out["problems"] += [case.label() + ": " + p for p in problems]
    text = hostile._jsonable(inputs)
    if text is not None:
        out["hashes"][str(i)] = hashlib.sha256(compute_json(case.calculator, text).encode()).hexdigest()
print("RESULT " + json.dumps(out))
"""


def test_a_slice_of_the_hostile_grid_in_pyodide(capsys: pytest.CaptureFixture[str]) -> None:
    source = (Path(__file__).resolve().parent / "hostile.py").read_text(encoding="utf-8")
    proc = subprocess.run([node(), "scripts/pyodide_run.mjs"], input=SCRIPT.format(source=source, stride=STRIDE),
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    assert result["count"] > 400, result["count"]
    assert result["problems"] == [], result["problems"][:20]
    from perpcalc.page import compute_json

    mismatched = []
    for i, (case, inputs) in enumerate(hostile.cases()):
        if str(i) in result["hashes"]:
            text = hostile._jsonable(inputs)
            if hashlib.sha256(compute_json(case.calculator, text).encode()).hexdigest() != result["hashes"][str(i)]:
                mismatched.append(case.label())
    assert len(result["hashes"]) > 300 and mismatched == [], mismatched[:20]
    with capsys.disabled():
        print(f"\nhostile grid in Pyodide: {result['count']} cases, slowest {result['slowest']:.2f} s")
