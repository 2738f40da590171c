"""On a return visit, the calculators' module and every module it imports statically are preloaded
from the page's head (the boot script's data-modules, overrides/main.html): a module missing from the
list is fetched only once the page is parsed, one level of imports after another, and the calculators
go live that much later; a name in the list that the module no longer imports is a request for
nothing. Reads the files only (no build)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "docs" / "assets" / "perpcalc"
IMPORT = re.compile(r'^(?:import|export)\b[^;]*?\bfrom\s+"\./([a-z_]+)\.js"', re.MULTILINE | re.DOTALL)


def static_imports(name: str, seen: set[str] | None = None) -> set[str]:
    """``name`` and every module it imports statically, directly or not (dynamic ``import()`` left out)."""
    seen = set() if seen is None else seen
    seen.add(name)
    for child in IMPORT.findall((MODULES / f"{name}.js").read_text(encoding="utf-8")):
        if child not in seen:
            static_imports(child, seen)
    return seen


def test_the_head_preloads_the_calculators_module_graph() -> None:
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    listed = re.search(r'data-modules="{% for name in \[([^\]]*)\] %}', template)
    assert listed, "main.html's boot script has no data-modules list"
    names = re.findall(r"'([a-z_]+)'", listed.group(1))
    assert len(names) == len(set(names))
    assert set(names) == static_imports("perpcalc")
    assert "charts" not in names  # imported on demand, with uPlot


def test_the_import_reader_sees_dynamic_imports_apart() -> None:
    # the reader above must not take a dynamic import() for a static one, nor miss a multi-line import
    assert IMPORT.findall('import { a,\n  b } from "./x.js";\nconst m = await import("./y.js");') == ["x"]
