"""Adding a calculator takes what README's checklist says, and nothing else.

A copy of the perpcalc package gets one toy topic module (the math), one spec module (the
calculators layer) and one line in the ordered registry; the catalogue, ``run`` and the
build's form renderer then know it, with no HTML or JavaScript written for it. The API
reference check runs on the real repository: every public module of the package has its
``:::`` block on the API page.
"""

from __future__ import annotations

import json
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import perpcalc

ROOT = Path(__file__).resolve().parents[2]

MATH = '''"""Toy: doubling, the smallest possible topic module."""

from __future__ import annotations

from decimal import Decimal

from ._errors import InputError


def double(amount: Decimal) -> Decimal:
    """Twice ``amount``.

    >>> double(Decimal("2.5"))
    Decimal('5.0')
    """
    if amount < 0:
        raise InputError("amount", "amount must be ≥ 0")
    return 2 * amount
'''

SPEC = '''"""The toy calculator: spec and adapter."""

from __future__ import annotations

from typing import Any

from .._spec import Calculator, Field, Output
from ..toy import double
from ._adapt import fields_for


@fields_for(amount="value")
def _double_calc(v: dict[str, Any]) -> dict[str, Any]:
    return {"twice": double(v["value"])}


double_calculator = Calculator(
    name="toy_double",
    title="Double",
    summary="Twice a number.",
    terms=("funding-rate-calculations",),
    function="perpcalc.toy.double",
    inputs=(Field("value", "Value", min=-10, max=10),),
    outputs=(Output("twice", "Twice the value"),),
    compute=_double_calc,
    examples={"default": {"value": "2.5"}},
)
'''

PROBE = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(1, sys.argv[2])
import perpcalc
import calculators as hook  # scripts/hooks/calculators.py, the build's form renderer
names = [c["name"] for c in perpcalc.catalog()]
try:
    perpcalc.run("toy_double", {"value": "-1"})
    error = None
except perpcalc.InputError as exc:
    error = exc.field
print(json.dumps({
    "file": perpcalc.__file__,
    "names": names,
    "twice": perpcalc.run("toy_double", {"value": "2.5"})["twice"],
    "error_field": error,
    "form": hook.render_form("toy_double", "default", "toy"),
}))
'''


def _copy_with_toy(tmp: Path) -> Path:
    pkg = tmp / "calculators" / "perpcalc"
    shutil.copytree(ROOT / "calculators" / "perpcalc", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    (pkg / "toy.py").write_text(MATH, encoding="utf-8")
    (pkg / "calculators" / "toy.py").write_text(SPEC, encoding="utf-8")
    registry = pkg / "calculators" / "__init__.py"
    text = registry.read_text(encoding="utf-8")
    if "from . import (\n" in text:  # the registry's imports, one a line
        text = text.replace("from . import (\n", "from . import (\n    toy,\n", 1)
    else:
        text = re.sub(r"^from \. import (.+)$", r"from . import \1, toy", text, count=1, flags=re.M)
    head, sep, rest = text.partition("CALCULATORS: tuple[Calculator, ...] = (\n")
    body, close, tail = rest.partition("\n)\n")
    registry.write_text(head + sep + body + "\n    toy.double_calculator," + close + tail, encoding="utf-8")
    return tmp / "calculators"


def test_a_toy_calculator_in_a_copy_reaches_catalogue_run_and_form(tmp_path: Path) -> None:
    path = _copy_with_toy(tmp_path)
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path), str(ROOT / "scripts" / "hooks")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(tmp_path))
    assert out["names"][-1] == "toy_double"
    assert out["twice"] == 5.0
    assert out["error_field"] == "value"
    assert 'data-calculator="toy_double"' in out["form"] and 'name="twice"' in out["form"]


def test_the_real_package_lacks_the_toy() -> None:
    assert "toy_double" not in [c["name"] for c in perpcalc.catalog()]


def test_every_public_module_is_on_the_api_page() -> None:
    api = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"^::: (perpcalc(?:\.\w+)*)", api, flags=re.M))
    public = {f"perpcalc.{m.name}" for m in pkgutil.iter_modules(perpcalc.__path__)
              if not m.name.startswith("_") and m.name not in ("calculators",)}
    assert sorted(public - shown) == [], "public modules missing from docs/reference/api.md"
    assert not [m for m in shown if re.search(r"\._", m)], "private modules on the API page"
