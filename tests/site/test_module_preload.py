"""On a return visit, the calculators' module and every module it imports statically are preloaded
from the page's head (the boot script's data-modules, overrides/main.html): a module missing from the
list is fetched only once the page is parsed, one level of imports after another, and the calculators
go live that much later; a name in the list that the module no longer imports is a request for
nothing. The build reads the list from the modules' own imports (scripts/hooks/assets.py,
``static_imports``); these tests read the files only (no build)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from hook_loader import load_hook  # tests/ (pyproject's pythonpath)

ROOT = Path(__file__).resolve().parents[2]
assets = load_hook("assets", "assets_for_module_preload")


def test_the_head_preloads_the_list_the_build_reads_from_the_imports() -> None:
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert re.search(r'data-modules="{% for name in perpcalc_modules %}', template), "no data-modules list"
    env = assets.on_env(SimpleNamespace(globals={}), None, None)
    names = env.globals["perpcalc_modules"]
    assert names[0] == "perpcalc" and len(names) == len(set(names))
    for name in names:  # a closed list: each listed module's static imports are listed too
        source = (assets.PAGE_MODULES / f"{name}.js").read_text(encoding="utf-8")
        assert set(assets.STATIC_IMPORT.findall(source)) <= set(names), name
    assert {"runtime", "protocol", "address"} <= set(names)
    assert "charts" not in names  # imported on demand, with uPlot


def test_the_import_reader_follows_static_imports_only(tmp_path: Path) -> None:
    # a multi-line import and a re-export count; a dynamic import() and a module nobody imports do not
    (tmp_path / "a.js").write_text(
        'import { a,\n  b } from "./b.js";\nexport { c } from "./c.js";\nconst m = await import("./d.js");\n',
        encoding="utf-8",
    )
    (tmp_path / "b.js").write_text('import { c } from "./c.js";\n', encoding="utf-8")
    (tmp_path / "c.js").write_text("export const c = 1;\n", encoding="utf-8")
    (tmp_path / "d.js").write_text('import { e } from "./e.js";\n', encoding="utf-8")
    assert assets.static_imports("a", tmp_path) == ["a", "b", "c"]
