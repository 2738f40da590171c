"""The page's modules under Node: their unit tests (``node --test tests/js``) and their JSDoc
types (``tsc`` with tsconfig.json, TypeScript pinned in package-lock.json). ``make lint`` runs
both too; these tests make ``make test`` run them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / "typescript" / "bin" / "tsc"


def node() -> str:
    found = shutil.which("node")
    assert found, "Node is required (apt-get install nodejs)"
    return found


def test_node_unit_tests_pass() -> None:
    tests = sorted((ROOT / "tests" / "js").glob("*.test.mjs"))
    assert len(tests) >= 4, tests
    proc = subprocess.run([node(), "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "--test", *map(str, tests)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    passed = re.search(r"^# pass (\d+)$", proc.stdout, re.M)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1500:]
    assert passed and int(passed.group(1)) >= 20, proc.stdout[-1500:]


# The page's modules run with the DOM (tsconfig.json); the worker runs in a worker's global scope
# (self, postMessage, no document), checked against the webworker library (tsconfig.worker.json).
CONFIGS = ("tsconfig.json", "tsconfig.worker.json")


@pytest.mark.parametrize("name", CONFIGS)
def test_page_modules_type_check(name: str, tmp_path: Path) -> None:
    """tsc passes the page's modules, and the same run fails a file with a type error (so the
    check is live: a configuration that checks nothing would pass both)."""
    assert TSC.exists(), "TypeScript is missing: run `npm ci` (pinned in package-lock.json)"
    config = json.loads((ROOT / name).read_text(encoding="utf-8"))
    bad = tmp_path / "bad.js"
    bad.write_text('/** @param {number} n */\nexport function twice(n) { return n * 2; }\ntwice("2");\n',
                   encoding="utf-8")
    config["files"] = [str(ROOT / f) for f in config["files"]] + [str(bad)]
    if "extends" in config:
        config["extends"] = str(ROOT / config["extends"])
    options = config.setdefault("compilerOptions", {})
    if "rootDirs" in options:
        options["rootDirs"] = [str(ROOT / d) for d in options["rootDirs"]]
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.run([node(), str(TSC), "-p", str(tmp_path / "tsconfig.json")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    errors = [line for line in proc.stdout.splitlines() if "error TS" in line]
    assert errors, "tsc found no error in a file with one: the check checks nothing"
    assert all(line.startswith(str(bad)) or "bad.js" in line.split("(")[0] for line in errors), "\n".join(errors)


def test_every_page_module_is_type_checked() -> None:
    """Every module of the page is listed in one of the configurations and none switches the
    check off (files.js and charts.js were reached only through import() and carried
    @ts-nocheck; worker.js was in none)."""
    listed: list[str] = []
    for name in CONFIGS:
        config = json.loads((ROOT / name).read_text(encoding="utf-8"))
        listed += [Path(f).name for f in config["files"] if f.startswith("docs/assets/perpcalc/")]
    modules = {p.name for p in (ROOT / "docs" / "assets" / "perpcalc").glob("*.js")}
    assert sorted(listed) == sorted(modules), "each page module in exactly one configuration"
    for name in sorted(modules):
        text = (ROOT / "docs" / "assets" / "perpcalc" / name).read_text(encoding="utf-8")
        assert text.startswith("// @ts-check\n"), f"{name} does not open with // @ts-check"
        assert not re.search(r"@ts-(nocheck|ignore|expect-error)", text), f"{name} switches the type check off"
