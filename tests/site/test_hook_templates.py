"""The markup the build hooks write comes from Jinja templates in overrides/partials/ (through
scripts/hooks/templates.py: autoescaped, one line of HTML), not from HTML in Python strings: text
from a spec, a source's entry, a venue record or a term's front matter is text on the page, and
runs nothing. No build needed (test_build.py checks the built pages)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from bs4 import BeautifulSoup
from hook_loader import load_hook  # tests/ (pyproject's pythonpath)
from markupsafe import Markup

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / "scripts" / "hooks"
PARTIALS = ROOT / "overrides" / "partials"

HOSTILE = '<img src=x onerror="alert(1)"> & \'quoted\' </span>'


def _load(name: str) -> ModuleType:
    return load_hook(name, f"hook_templates_{name}")


templates = _load("templates")


def _soup(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("img") is None and soup.find("script") is None, html
    return soup


def test_the_jump_list_links_each_form_by_its_title_as_text() -> None:
    hook = _load("calculators")
    html = hook.jump_list([("calc-a", HOSTILE), ("calc-b", "Funding payment")])
    nav = _soup(html).select_one("nav.perpcalc-jump")
    assert [(a["href"], a.get_text()) for a in nav.select("li > a")] == [("#calc-a", HOSTILE), ("#calc-b", "Funding payment")]
    assert "\n" not in html


def test_a_calculator_shown_twice_is_told_apart_in_the_jump_list_by_its_example() -> None:
    hook = _load("calculators")
    forms = [("calc-funding_rate", "Funding rate", "<form>"), ("calc-funding_rate-deribit-1", "Funding rate", "<form>"),
             ("calc-funding_by_venue-negative_rates-2", "By venue", "<form>"), ("calc-x-3", "By venue", "<form>"),
             ("calc-premium-stress-4", "Premium", "<form>")]
    titles = [t for _, t, _ in hook.jump_titles(forms, ["default", "deribit", "negative_rates", "default", "stress"])]
    # a venue's key by the venue's name; an example alone on its page keeps the calculator's title
    assert titles == ["Funding rate", "Funding rate (Deribit example)", "By venue (negative rates example)", "By venue",
                      "Premium"]


@pytest.mark.parametrize("inputs", [None, json.dumps({"premium_index": '-1" onmouseover="x'})])
def test_a_value_in_prose_keeps_its_text_title_and_settings_as_text(inputs: str | None) -> None:
    html = templates.render("perpcalc-value.html", name="funding_rate", example="default", title=HOSTILE, text=HOSTILE,
                            inputs=inputs, typed=HOSTILE)
    span = _soup(html).select_one("span")
    # its tooltip is data-tip (the site's stylesheet draws it): a title would become a scripted tooltip
    assert span.get_text() == HOSTILE and HOSTILE in span["data-tip"] and not span.has_attr("title")
    assert span["class"] == ["perpcalc-example-value" if inputs is None else "perpcalc-try-value"]
    assert span["data-calculator"] == "funding_rate" and span["data-source"] == "calculator:funding_rate"
    assert span.get("data-inputs") == inputs and not span.has_attr("onmouseover")


def test_a_value_marker_is_drawn_from_the_template() -> None:
    hook = _load("calculators")
    example = _soup(hook.value_marker("funding_rate", "default", "funding_rate")).select_one("span")
    assert example["class"] == ["perpcalc-example-value"] and example["data-example"] == "default"
    tried = _soup(hook.value_marker("funding_rate", "default", "payer", "premium_index=-1 is=short")).select_one("span")
    assert tried.get_text() == "short" and json.loads(tried["data-inputs"]) == {"premium_index": "-1%"}
    assert tried["data-tip"].startswith("Computed by ") and tried["data-tip"].endswith("premium index (8-hour) = −1 %")


def test_citations_and_the_sources_list_keep_a_sources_words_as_text() -> None:
    hook = _load("citations")
    entry = {"title": HOSTILE, "publisher": HOSTILE, "url": 'https://example.org/?a=1&b="2"', "date": "2026-01-02",
             "read": "2026-02-03", "kind": "relay", "supports": HOSTILE}
    registry = {"evil-source": entry, "plain": {**entry, "title": "Plain", "publisher": "", "url": "", "supports": "",
                                                "kind": "primary"}}
    markdown, ids = hook.render_cites("A claim.[[cite evil-source plain]]", registry)
    sup = _soup(markdown).select_one("sup.cites")
    links = sup.select("a.cite")
    assert [a["href"] for a in links] == ["#src-evil-source", "#src-plain"] and ids == ["evil-source", "plain"]
    # the accessible name is the tooltip too (the site's stylesheet draws it): no title
    assert not links[0].has_attr("title") and links[0]["aria-label"] == f"Source 1: {hook.describe(entry)}"
    assert links[0].select_one(".cite__kind").get_text() == "relay" and links[1].select_one(".cite__kind") is None
    assert sup.get_text() == "1relay, 2"
    sources = hook.sources_html(ids, registry)
    assert sources.startswith('<ol class="sources">\n') and sources.endswith("\n</ol>\n") and sources.count("\n") == 4
    items = _soup(sources).select("ol.sources > li")
    assert [li["id"] for li in items] == ["src-evil-source", "src-plain"]
    assert items[0].select_one("a")["href"] == entry["url"] and items[0].select_one("a").get_text() == HOSTILE
    assert items[0].get_text() == f"{HOSTILE}, {HOSTILE} (2026-01-02; read 2026-02-03) relay — {HOSTILE}"
    assert items[1].get_text() == "Plain (2026-01-02; read 2026-02-03)" and items[1].select_one("a") is None


def test_arithmetic_in_prose_keeps_its_expression_as_text() -> None:
    hook = _load("citations")
    html = hook.render_calc("[[calc {funding_payment.payment} * 2 ]]")
    span = _soup(html).select_one("span.calc-value")
    assert span["data-expr"] == "{funding_payment.payment} * 2" and span.get_text() == "−237.5"
    evil = _soup(templates.render("calc-value.html", expr=HOSTILE, value="1")).select_one("span")
    assert evil["data-expr"] == HOSTILE and evil["data-tip"].endswith(HOSTILE)


def test_a_venue_figure_keeps_its_text_and_record_as_text() -> None:
    html = templates.render("venue-value.html", key="binance", kind="funding", title=HOSTILE, text=HOSTILE, asof=HOSTILE)
    span = _soup(html).select_one("span.venue-value")
    assert span["data-tip"] == HOSTILE and span.get_text() == f"{HOSTILE} ({HOSTILE})"
    assert span.select_one("small.venue-asof").get_text() == f"({HOSTILE})"
    bare = _soup(templates.render("venue-value.html", key="k", kind="margin", title="t", text="5 %", asof=""))
    assert bare.select_one("small") is None and bare.get_text() == "5 %"


def test_term_markup_keeps_names_as_text_and_a_mention_as_the_page_wrote_it() -> None:
    aka = templates.render("term-aka.html", aliases=[HOSTILE, "perp"])
    assert aka.endswith("</p>\n\n")
    assert _soup(aka).select_one("p.term-aka").get_text() == f"Also called: {HOSTILE}, perp."
    # the mention is a piece of the page's own HTML (already escaped there): kept as it is
    mention = templates.render("term-mention.html", href="../funding-rate/", title=HOSTILE,
                               words=Markup("funding&nbsp;rates"))
    a = _soup(mention).select_one("a.term-mention")
    assert a["title"] == HOSTILE and a["href"] == "../funding-rate/" and "funding&nbsp;rates</a>" in mention


def test_download_links_keep_file_names_as_text() -> None:
    note = templates.render("notebook-download.html", name=HOSTILE)
    assert note.endswith("</p>\n")
    link = _soup(note).select_one("p.notebook-download > a[download]")
    assert link["href"] == HOSTILE and link.get_text() == f"Download this notebook ({HOSTILE})"
    wheel = _soup(templates.render("wheel-link.html", href="../runtime/a.whl", name=HOSTILE)).select_one("a[download]")
    assert wheel["href"] == "../runtime/a.whl" and wheel.get_text() == HOSTILE


def test_a_template_is_strict_about_what_it_is_given() -> None:
    """A name the template uses that the hook did not pass fails the build (never an empty string)."""
    with pytest.raises(Exception, match="undefined"):
        templates.render("venue-value.html", key="k", kind="funding", text="1")


# An element built in a Python string in a hook: f'<tag …' or "<tag …" (an opening tag at a string's
# start). The few left are not page markup a template would hold: KaTeX's own HTML wrapped in the
# <span> auto-render gave it, the CSP <meta> put into every page, the site map (Markdown in a <nav>),
# and templates.py's doctest of what a template draws.
TAG_IN_STRING = re.compile(r"""(?<![\w])[frbFRB]{0,2}(['"]) ?<[a-z]+[\s>/]""")
KEPT = {("katex.py", "<span>"), ("assets.py", "<meta http-equiv"), ("terms.py", '<nav class="site-map"'),
        ("templates.py", "'<mark>draft:")}
# a pattern that reads markup is not markup
READS_MARKUP = re.compile(r"re\.(compile|search|sub|subn|findall|match|split)\(|^\s*r['\"]")


@pytest.mark.parametrize("path", sorted(HOOKS.glob("*.py")), ids=lambda p: p.name)
def test_no_hook_builds_markup_in_a_python_string(path: Path) -> None:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if READS_MARKUP.search(line) or not TAG_IN_STRING.search(line):
            continue
        if not any(path.name == name and tag in line for name, tag in KEPT):
            found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def _templates_used() -> set[str]:
    used = set()
    for path in HOOKS.glob("*.py"):
        used |= set(re.findall(r'templates\.render\("([a-z-]+\.html)"', path.read_text(encoding="utf-8")))
    return used


def test_every_template_a_hook_renders_exists_and_every_partial_is_used() -> None:
    used = _templates_used()
    assert len(used) >= 10, used
    partials = {p.name for p in PARTIALS.glob("*.html")}
    assert used <= partials, used - partials
    # the theme's own partials (search, source) and the form the calculators hook renders by name
    theme = {"search.html", "source.html", "perpcalc-form.html"}
    assert partials - used == theme, partials - used - theme


@pytest.mark.parametrize("name", sorted(_templates_used()))
def test_each_template_is_one_line_of_html(name: str) -> None:
    """Line breaks come only from an explicit {{ "\\n" }}: the loader drops the template's own."""
    source, _, _ = templates.ENV.loader.get_source(templates.ENV, f"partials/{name}")
    assert "\n" not in source, name


def test_the_templates_modules_examples() -> None:
    """templates.py's docstring examples (what a template draws, a fragment's text) run as doctests."""
    import doctest

    result = doctest.testmod(templates, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 and result.failed == 0
