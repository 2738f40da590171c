"""The basic terms have addresses everywhere a reader looks (A–Z list, menu, tooltips, JSON-LD), and the
search index weighs what readers type for them (aliases, other spellings), not topic tags."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from site_html import parsed

ROOT = Path(__file__).resolve().parents[2]

import terms as hook  # noqa: E402

TERMS = hook.load_terms(ROOT / "docs")
BASICS = [t for t in TERMS.values() if t.basic]
WORDS = ("insurance-fund mark-price index-price premium-index funding-rate funding-interval liquidation-price "
         "bankruptcy-price maintenance-margin initial-margin margin-mode leverage open-interest basis "
         "cash-and-carry short-squeeze spoofing").split()


def html(site: Path, rel: str) -> BeautifulSoup:
    return parsed(site / rel)


def test_the_basic_words_have_pages() -> None:
    assert set(WORDS) <= {t.slug for t in BASICS}


def test_basics_are_in_the_glossary_the_menu_and_json_ld(built_site: dict) -> None:
    site: Path = built_site["dir"]
    glossary = html(site, "glossary/index.html")
    listed = {a["href"].rstrip("/").split("/")[-1] for a in glossary.select("dt a[href]")}
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
    urls = {t.url: t for t in TERMS.values()}
    for doc in index["docs"]:
        term = urls.get(doc["location"])
        if term is None:
            assert "tags" not in doc, f"{doc['location']} carries tags"
        else:
            assert doc.get("tags", []) == term.aliases, doc["location"]
            assert doc.get("keywords", []) == term.keywords, doc["location"]
        if doc["location"].startswith(("reference/", "notebooks/")):
            assert doc.get("boost", 1) < 1, doc["location"]


def _worker_answers(site: Path, queries: list[str]) -> list[dict]:
    """Each query's first result pages and the worker's warnings, from the theme's own search worker
    (lunr) run under Node on the built index (tests/site/search_worker.mjs)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing (Node 20 is a requirement; see README)")
    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    assert len(workers) == 1, workers
    proc = subprocess.run(
        [node, str(Path(__file__).with_name("search_worker.mjs")), str(workers[0]),
         str(site / "search" / "search_index.json")],
        input="\n".join(queries), capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_every_word_of_the_index_can_be_searched(built_site: dict) -> None:
    """lunr expands a typed word to every indexed word it begins; its token-set minimisation keys
    nodes by strings that can collide when words hold digits, and then a query meets a word that is
    not in the index and fails outright ("Invalid query", no results: this hid "funding rate" once,
    when calculators' glued label/value text such as "rate0.3" was indexed). A one-character query
    expands to every word with that first character, so one query per first character walks the
    whole token set. (lunr's trimmer drops non-ASCII letters such as Greek, so those are not asked.)"""
    site: Path = built_site["dir"]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    firsts = set()
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]).lower()
        firsts |= {word[0] for word in separator.split(text) if word and word[0].isascii() and word[0].isalnum()}
    assert len(firsts) >= 36, sorted(firsts)  # a-z and 0-9 at least
    answers = _worker_answers(site, sorted(firsts))
    broken = [(a["query"], a["warnings"][:2]) for a in answers if a["warnings"] or not a["pages"]]
    assert not broken, f"the search worker fails on {broken}"


def test_the_search_worker_keys_token_set_nodes_unambiguously(built_site: dict) -> None:
    """The build's fix for lunr's ambiguous token-set keys (hook.LUNR_NODE_KEY) is in the worker the
    site serves; without it the index of issue 20's pages made the query "8" fail outright."""
    workers = list((built_site["dir"] / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    old, new = hook.LUNR_NODE_KEY
    assert [w.read_text(encoding="utf-8").count(new) for w in workers] == [1]
    assert old not in workers[0].read_text(encoding="utf-8")


def test_readers_queries_reach_the_search_worker_cleanly(built_site: dict) -> None:
    """The readers' queries of search_queries.yml, without a browser: no query makes the worker warn,
    and each one lists its page in the first three (the browser test types the same queries)."""
    pairs = [(str(q), str(p)) for q, p in yaml.safe_load((ROOT / "tests" / "site" / "search_queries.yml")
                                                         .read_text(encoding="utf-8"))]
    answers = _worker_answers(built_site["dir"], [q for q, _ in pairs])
    assert [a["query"] for a in answers] == [q for q, _ in pairs]
    for (query, page), answer in zip(pairs, answers):
        assert not answer["warnings"], (query, answer["warnings"])
        assert page in [p.split("#")[0] for p in answer["pages"][:3]], (query, page, answer["pages"])


# Questions whose answer must lead, not only appear among the first three: each query, the page
# that must come first, the pages allowed in the first three (None: any) and the section that must
# lead the first result's sections (None: any). Issue 20: "what happens when the insurance fund runs
# out" listed four Funding pages (lunr reads "fund" as "fund*", which titles with "Funding" match),
# and "how likely am I to be auto-deleveraged" had no answer. (Its "I" also reads as "i*", which the
# title "Initial Margin" matches, so only its first result is held to.)
QUESTIONS = {
    "what happens when the insurance fund runs out": (
        None, {"terms/insurance-fund/", "terms/auto-deleveraging/", "terms/socialized-loss/",
               "terms/liquidation-deficit/", "terms/bad-debt-mutualization/"}, None),
    "how likely am I to be auto-deleveraged": (
        "terms/adl-ranking/", None, "terms/adl-ranking/#how-likely-am-i-to-be-auto-deleveraged"),
}


def test_questions_find_their_answers_first(built_site: dict) -> None:
    answers = _worker_answers(built_site["dir"], list(QUESTIONS))
    assert [a["query"] for a in answers] == list(QUESTIONS)
    for answer in answers:
        first, allowed, section = QUESTIONS[answer["query"]]
        pages = [p.split("#")[0] for p in answer["pages"]]
        if first is not None:
            assert pages[0] == first, (answer["query"], answer["pages"])
        if allowed is not None:
            assert set(pages[:3]) <= allowed, (answer["query"], answer["pages"])
        if section is not None:
            assert answer["sections"][:1] == [section], (answer["query"], answer["sections"])
