"""The API reference renders the docstrings as numpydoc with cross-references: no raw
Sphinx role (``:func:`x```) reaches the reader, no private module is listed, and code
blocks carry Material's copy button."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from site_html import parsed


@pytest.fixture(scope="module")
def api(built_site: dict) -> BeautifulSoup:
    page = Path(built_site["dir"]) / "reference" / "api" / "index.html"
    return parsed(page)


@pytest.fixture(scope="module")
def prose(api: BeautifulSoup) -> str:
    """The article's text without code blocks (the source listings quote docstrings raw); made once
    (the page is most of the site's HTML: a copy of its article costs seconds)."""
    article = BeautifulSoup(str(api.select_one("article")), "html.parser")
    for block in article.select("pre, details.quote"):
        block.decompose()
    return article.get_text()


#: a Sphinx role as the page shows it: Markdown has turned ``:func:`x``` into ``:func:<code>x</code>``,
#: whose text is ``:func:x`` (the backticks are gone)
RAW_ROLE = re.compile(r":(?:func|class|data|mod|meth|attr|obj|exc):`?~?[A-Za-z_][\w.]*")


def test_a_raw_role_is_recognised_as_rendered() -> None:
    rendered = BeautifulSoup("<p>see :func:<code>order_cost</code> and :mod:<code>perpcalc.venues</code></p>",
                             "html.parser")
    assert RAW_ROLE.findall(rendered.get_text()) == [":func:order_cost", ":mod:perpcalc.venues"]


def test_no_raw_roles_on_the_api_page(prose: str) -> None:
    roles = RAW_ROLE.findall(prose)
    assert not roles, roles[:5]


def test_docstrings_are_parsed_as_numpydoc(api: BeautifulSoup, prose: str) -> None:
    """A numpydoc Parameters section becomes a table, not a line of dashes."""
    article = api.select_one("article")
    assert article.select("table") or article.select(".doc-section-title"), "no parsed Parameters section"
    assert "----------" not in prose


def test_no_private_module_is_documented(api: BeautifulSoup) -> None:
    ids = [tag.get("id", "") for tag in api.select("[id^='perpcalc.']")]
    assert ids, "the API page documents nothing"
    assert not [i for i in ids if re.search(r"\._", i)], [i for i in ids if re.search(r"\._", i)][:5]


def test_code_blocks_have_copy_buttons(api: BeautifulSoup, built_site: dict) -> None:
    config = (Path(__file__).resolve().parents[2] / "mkdocs.yml").read_text(encoding="utf-8")
    assert "content.code.copy" in config
    assert "content.code.copy" in str(api)


ROOT = Path(__file__).resolve().parents[2]
#: a listing's summary: the file and the lines it quotes (api-templates/python/material/_source.html.jinja)
LISTED = re.compile(r"Source code in (\S+), lines (\d+)–(\d+)")


def test_source_listings_quote_the_files_lines_as_plain_text(api: BeautifulSoup) -> None:
    """Every object's source listing is exactly the lines of the file its summary names (dedented,
    as the listing shows a method), so the code a reader checks is the code that runs; and it is
    plain text, a ``<code>`` with no element inside, where the highlighter made one per token and per
    line number (40,000 of the page's 57,000 elements on 2026-12-06)."""
    listings = api.select("details.mkdocstrings-source")
    assert len(listings) > 100, len(listings)
    for listing in listings:
        summary = " ".join(listing.select_one("summary").get_text().split())
        where = LISTED.fullmatch(summary)
        assert where, summary
        path, first, last = where[1], int(where[2]), int(where[3])
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()[first - 1:last]
        code = listing.select_one("pre code")
        assert code.find(True) is None, f"{summary}: tokens in elements {str(code)[:200]}"
        assert code.get_text().rstrip("\n") == textwrap.dedent("\n".join(lines)), summary
