"""On a return visit, the calculators' module and every module it imports statically are preloaded
from the page's head (the boot script's data-modules, overrides/main.html): a module missing from the
list is fetched only once the page is parsed, one level of imports after another, and the calculators
go live that much later; a name in the list that the module no longer imports is a request for
nothing. The build reads the list from the modules' own imports (scripts/hooks/assets.py,
``static_imports``); these tests read the files only (no build).

The same template rewrites the theme's scripts block as text (the bundle deferred, after the module):
a block of another shape is marked there and refused by the build (``check_theme_scripts``)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
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


def _scripts_block(theme_block: str) -> str:
    """overrides/main.html's scripts block rendered over a theme whose scripts block is ``theme_block``
    (MkDocs' own url and script_tag filters; the site's extra_javascript: a classic script, a module)."""
    import jinja2
    from mkdocs.config.config_options import ExtraScriptValue
    from mkdocs.utils.templates import script_tag_filter, url_filter

    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(ROOT / "overrides"),
        jinja2.DictLoader({"base.html": theme_block}),
    ]))
    env.filters.update(url=url_filter, script_tag=script_tag_filter)
    module = ExtraScriptValue("assets/perpcalc/perpcalc.js")
    module.type = "module"
    config = SimpleNamespace(extra_javascript=[ExtraScriptValue("assets/js/page.js"), module])
    return env.get_template("main.html").render(config=config, page=None, base_url=".")


def test_the_themes_scripts_block_is_rewritten_or_the_build_stops() -> None:
    import material

    base = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    theme_block = re.search(r"{% block scripts %}.*?{% endblock %}", base, re.S).group(0)
    html = _scripts_block(theme_block)
    assets.check_theme_scripts(html, "the theme's block")  # as the build checks every page
    tags = re.findall(r"<script[^>]*>", html)
    assert [t for t in tags if "module" in t] == [tags[0]], "the calculators' module first"
    assert len(tags) == 3 and all(" defer " in t for t in tags[1:]), tags
    # a theme that adds a script, or puts one before its bundle: marked, and refused
    for changed in (theme_block.replace("</script>", '</script><script src="x.js"></script>', 1),
                    theme_block.replace("{% block scripts %}", '{% block scripts %}<script src="x.js"></script>')):
        html = _scripts_block(changed)
        assert assets.THEME_SCRIPTS_CHANGED in html
        with pytest.raises(assets.ThemeScriptsChanged):
            assets.check_theme_scripts(html, "a changed block")
    # a page without the bundle, with two, or with one that blocks the parser
    bundle = '<script defer src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
    for page in ("<body></body>", bundle * 2, bundle.replace(" defer", "")):
        with pytest.raises(assets.ThemeScriptsChanged):
            assets.check_theme_scripts(page, "a page")
