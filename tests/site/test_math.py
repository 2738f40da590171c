"""The site's math is drawn at build time (scripts/hooks/katex.py): KaTeX's HTML in the built pages,
no KaTeX script anywhere, the stylesheet and its fonts served by the site."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import katex as katex_hook
import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from site_html import parsed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pages(built_site: dict) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(built_site["dir"].rglob("*.html"))}


def test_the_hooks_splitter_examples_hold() -> None:
    result = doctest.testmod(katex_hook, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and not result.failed


class _Page:
    class file:  # noqa: N801 (the shape of an MkDocs page: page.file.src_uri)
        src_uri = "terms/example.md"


def test_the_hook_draws_inline_and_display_math_and_refuses_broken_tex() -> None:
    html = ('<p>rate <span class="arithmatex">\\(r &lt; 1\\)</span> and</p>'
            '<div class="arithmatex">\\[F = \\frac{a}{b}\\]</div>')
    out = BeautifulSoup(katex_hook.on_post_page(html, _Page, None), "html.parser")
    inline, display = out.select(".arithmatex")
    assert inline.select_one('annotation[encoding="application/x-tex"]').get_text() == "r < 1"
    assert not inline.select(".katex-display") and inline.select(".katex-html")
    assert display.select_one(".katex-display annotation").get_text() == "F = \\frac{a}{b}"
    assert out.get_text().startswith("rate ") and "\\(" not in out.get_text()
    with pytest.raises(PluginError, match=r"terms/example\.md.*\\frac\{a"):
        katex_hook.on_post_page('<span class="arithmatex">\\(\\frac{a\\)</span>', _Page, None)
    assert katex_hook.on_post_page("<p>no math, $5</p>", _Page, None) == "<p>no math, $5</p>"
    katex_hook.on_post_build(None)  # the build's end stops its Node process
    assert katex_hook.state.node is None


def test_every_formula_is_katex_html_in_the_built_page(pages: dict[Path, str], built_site: dict) -> None:
    """Each arithmatex element holds exactly the formulas of its TeX, drawn: display math (a div) in
    KaTeX's display box, inline math (a span) without one, the TeX kept in the MathML annotation,
    no KaTeX error and no delimiter left as text."""
    site = built_site["dir"]
    counted, problems = 0, []
    for path, text in pages.items():
        if 'class="arithmatex"' not in text:
            continue
        for el in parsed(path).select(".arithmatex"):
            where = f"{path.relative_to(site)}: {el.get_text()[:60]!r}"
            drawn = el.select(".katex")
            tex = [a.get_text() for a in el.select('annotation[encoding="application/x-tex"]')]
            display = el.select(".katex-display")
            visible = "".join(s.get_text() for s in el.find_all(string=True)
                              if not s.find_parent(class_="katex"))
            if not drawn or len(tex) != len(drawn):
                problems.append(f"{where}: not drawn")
            elif el.name == "div" and len(display) != len(tex) or el.name == "span" and display:
                problems.append(f"{where}: display and inline mixed up")
            elif el.select(".katex-error") or re.search(r"\\[()\[\]]", visible) or not all(t.strip() for t in tex):
                problems.append(f"{where}: raw TeX or an error")
            counted += len(tex)
    assert not problems, "\n".join(problems[:20])
    assert counted >= 100, counted  # the site has hundreds of formulas: a build without them is a broken build


def test_no_page_loads_a_katex_script(pages: dict[Path, str], built_site: dict) -> None:
    site = built_site["dir"]
    loading = [p.relative_to(site) for p, t in pages.items() if re.search(r"katex[^\"'>]*\.js|auto-render", t)]
    assert not loading, loading
    assert not list((site / "assets" / "katex").rglob("*.js")), "KaTeX's scripts are copied but unused"


def test_katex_stylesheet_and_its_fonts_are_served(pages: dict[Path, str], built_site: dict) -> None:
    site = built_site["dir"]
    css = site / "assets" / "katex" / "katex.min.css"
    page = site / "terms" / "funding-rate-calculations" / "index.html"
    assert "assets/katex/katex.min.css" in pages[page]
    # linked on every page, for no media where there is no math (not render-blocking there)
    wrong = []
    for path, text in pages.items():
        links = re.findall(r'<link rel="stylesheet" href="[^"]*assets/katex/katex\.min\.css"([^>]*)>', text)
        if 'http-equiv="refresh"' in text[:3000] or path.name != "index.html":
            continue  # redirect stubs; the theme's 404 page (no hook sees it) links it as it is
        want = [""] if 'class="katex"' in text else [' media="not all"']
        if links != want:
            wrong.append(f"{path.relative_to(site)}: {links}")
    assert not wrong, wrong[:10]
    fonts = set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css.read_text(encoding="utf-8")))
    assert fonts and all((css.parent / f).is_file() for f in fonts), sorted(f for f in fonts
                                                                          if not (css.parent / f).is_file())
