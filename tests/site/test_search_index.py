"""The basic terms have addresses everywhere a reader looks (A–Z list, menu, tooltips, JSON-LD), and the
search index weighs what readers type for them (aliases, other spellings), not topic tags."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "hooks"))

import terms as hook  # noqa: E402

TERMS = hook.load_terms(ROOT / "docs")
BASICS = [t for t in TERMS.values() if t.basic]
WORDS = ("insurance-fund mark-price index-price premium-index funding-rate funding-interval liquidation-price "
         "bankruptcy-price maintenance-margin initial-margin margin-mode leverage open-interest basis "
         "cash-and-carry short-squeeze spoofing").split()


def html(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def test_the_basic_words_have_pages() -> None:
    assert set(WORDS) <= {t.slug for t in BASICS}


def test_basics_are_in_the_glossary_the_menu_and_json_ld(built_site: dict) -> None:
    site: Path = built_site["dir"]
    glossary = html(site, "glossary/index.html")
    listed = {a["href"].strip("./").split("/")[-2] for a in glossary.select("dt a[href]")}
    home = html(site, "index.html")
    menu = {a["href"].rstrip("/").split("/")[-1] for a in home.select("nav.md-nav a[href*='terms/']")}
    site_map = {a["href"].rstrip("/").split("/")[-1] for a in home.select("nav.site-map a[href*='terms/']")}
    for term in BASICS:
        assert term.slug in listed, f"{term.slug} is not in the A–Z list"
        assert term.slug in menu, f"{term.slug} is not in the menu"
        assert term.slug in site_map, f"{term.slug} is not in the home page's map"
        page = html(site, f"terms/{term.slug}/index.html")
        data = json.loads(page.find("script", type="application/ld+json").string)
        assert data["@type"] == "DefinedTerm" and data["name"] == term.title
        assert data["description"] == term.description


def test_basics_get_tooltips_where_other_pages_mention_them(built_site: dict) -> None:
    site: Path = built_site["dir"]
    mentioned: dict[str, str] = {}
    for path in site.rglob("index.html"):
        for a in html(site, str(path.relative_to(site))).select("a.term-mention[title]"):
            mentioned[a["href"].rstrip("/").split("/")[-1]] = a["title"]
    missing = [t.slug for t in BASICS if t.slug not in mentioned]
    assert not missing, f"no page mentions {missing} with a tooltip"
    for term in BASICS:
        assert mentioned[term.slug] == term.description


def test_home_links_the_insurance_fund_page(built_site: dict) -> None:
    home = html(built_site["dir"], "index.html")
    links = {a.get_text().casefold(): a["href"] for a in home.select("a.term-mention")}
    assert links.get("insurance fund") == "terms/insurance-fund/"


def test_a_basic_word_names_one_page() -> None:
    """No page lists a basic term's title or alias as its own synonym, and no alias repeats."""
    owner = {n.casefold(): t.slug for t in BASICS for n in (t.title, *t.aliases)}
    for term in TERMS.values():
        for alias in term.aliases:
            assert owner.get(alias.casefold(), term.slug) == term.slug, f"{term.slug}: {alias!r} names another page"
        assert len({a.casefold() for a in term.aliases}) == len(term.aliases), term.slug


def test_search_index_has_no_topic_tags_and_low_weight_reference(built_site: dict) -> None:
    index = json.loads((built_site["dir"] / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "stemmer" not in index["config"]["pipeline"]
    by_location = {d["location"]: d for d in index["docs"]}
    topic_tags = set(hook.TAGS)
    for doc in index["docs"]:
        assert not topic_tags & set(doc.get("tags", [])), f"{doc['location']} carries a topic tag"
        if doc["location"].startswith(("reference/", "notebooks/")):
            assert doc.get("boost", 1) < 1, doc["location"]
    for term in BASICS:
        words = set(by_location[term.url].get("tags", []))
        assert set(term.aliases) <= words, f"{term.slug}: aliases missing from the search index"
