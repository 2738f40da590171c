"""The built site: strict build, page contract, pre-rendered examples, terms, links, hosts."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import perpcalc
import pytest
from bs4 import BeautifulSoup
from perpcalc import page as page_entry
from perpcalc.parse import plain
from site_html import parsed

import terms as terms_hook  # scripts/hooks (pyproject's pythonpath): the one front-matter reader

ROOT = Path(__file__).resolve().parents[2]


def _front_matter(path: Path) -> dict:
    return terms_hook.front_matter(path)


# slugs come from docs/terms: every page, and every synonym its front matter redirects
CANONICAL = sorted(p.stem for p in (ROOT / "docs" / "terms").glob("*.md"))
SYNONYMS = {r: slug for slug in CANONICAL
            for r in _front_matter(ROOT / "docs" / "terms" / f"{slug}.md").get("redirects") or []}
SEED_SLUGS = [*CANONICAL, *sorted(SYNONYMS)]
PARTS = ["definition", "why-it-matters", "formula", "worked-example", "how-venues-differ", "history",
         "related-terms", "sources"]


def soup(path: Path) -> BeautifulSoup:
    return parsed(path)


@pytest.fixture(scope="module")
def site(built_site: dict) -> Path:
    return built_site["dir"]


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[Path, BeautifulSoup]:
    return {p: soup(p) for p in sorted(site.rglob("*.html"))}


def test_strict_build_passes_and_reports_time(built_site: dict) -> None:
    assert (built_site["dir"] / "index.html").exists()
    assert "WARNING" not in built_site["log"]


def test_spine_page_has_funding_payment_prerendered(site: Path) -> None:
    page = soup(site / "terms" / "funding-rate-exposure" / "index.html")
    form = page.select_one('form.perpcalc[data-calculator="funding_payment"]')
    assert form is not None and form["data-state"] == "static"
    assert form.select_one('output[name="payment"]').get_text() == "−118.75"


def _shown_in_percent(f: perpcalc.Field, text: str) -> str:
    """The API's text of a field (fractions) as the form shows it: rate fields and the rate
    columns of lists (percent columns) in percent, every other value as it is."""
    if f.percent and f.type == "decimal" and text != "":
        return plain(Decimal(text).scaleb(2))
    if f.type != "list" or not text:
        return text
    lines = text.split("\n")
    header = [h.strip() for h in lines[0].split(",")]
    rates = {i for i, h in enumerate(header) for c in f.columns if c.name == h and c.percent}
    rows = [", ".join(plain(Decimal(v.strip()).scaleb(2)) if i in rates and v.strip() else v.strip()
                      for i, v in enumerate(line.split(","))) for line in lines[1:]]
    return "\n".join([lines[0], *rows])


def test_list_rates_are_shown_in_percent_in_the_prerendered_example(site: Path) -> None:
    """The funding-series example on the reversal page shows its rates as venues print them:
    0.01 for 0.01 % (the API's 0.0001), in the box, in the form's spec and in the field's help."""
    page = soup(site / "terms" / "funding-rate-reversal" / "index.html")
    form = page.select_one('form.perpcalc[data-calculator="funding_series"]')
    box = form.select_one('textarea[name="rates"]')
    api_rates = [r["rate"] for r in perpcalc.get("funding_series").resolve(
        perpcalc.get("funding_series").examples["reversal"])["rates"]]
    shown = box.get_text().split("\n")
    assert shown[0] == "rate" and shown[1:] == [plain(r.scaleb(2)) for r in api_rates]
    assert shown[1] == "0.01" and "0.0001" not in shown  # 0.01 %, not the fraction
    assert box["data-percent-columns"] == "rate"
    assert json.loads(form["data-spec"])["values"]["rates"] == box.get_text()
    assert "in percent" in form.select_one('[data-field="rates"] .perpcalc__help').get_text()
    # a tier table's rates too (maintenance-margin page: floor, mmr)
    tiers = soup(site / "terms" / "maintenance-margin" / "index.html").select_one('textarea[name="tiers"]')
    assert tiers.get_text().split("\n")[1] == "0, 0.4" and tiers["data-percent-columns"] == "mmr"


def test_every_form_prerenders_its_example_exactly(pages: dict[Path, BeautifulSoup]) -> None:
    """Each embedded form shows its example's inputs and CPython's outputs, as the contract says."""
    checked = 0
    for path, page in pages.items():
        for form in page.select("form.perpcalc"):
            name, key = form["data-calculator"], form["data-example"]
            calc = perpcalc.get(name)
            expected = perpcalc.run(name, calc.examples[key])
            shown = page_entry.compute(name, calc.examples[key])["display"]
            values = page_entry.form_values(name, key)
            for f in calc.inputs:
                controls = form.select(f'input[name="{f.name}"], select[name="{f.name}"], textarea[name="{f.name}"]')
                assert len(controls) == 1, f"{path}: {name} needs one control named {f.name}"
                control = controls[0]
                assert control.name in ("input", "select", "textarea")
                if control.name == "select":
                    current = control.select_one("option[selected]")["value"]
                elif control.name == "textarea":
                    current = control.get_text()
                else:
                    current = control.get("value", "")
                want = _shown_in_percent(f, values[f.name])
                assert current == want, f"{path}: {name}.{f.name}"
                assert form.select_one(f'[data-error-for="{f.name}"]') is not None
            for o in calc.outputs:
                out = form.select(f'output[name="{o.name}"]')
                assert len(out) == 1, f"{path}: {name} needs one <output name={o.name}>"
                assert json.loads(out[0]["data-value"]) == expected[o.name], f"{path}: {name}.{o.name}"
                assert out[0].get_text() == shown[o.name]["text"]
            checked += 1
    assert checked >= 1


def test_every_calculator_is_embedded_and_listed(pages: dict[Path, BeautifulSoup], site: Path) -> None:
    embedded = {f["data-calculator"] for page in pages.values() for f in page.select("form.perpcalc")}
    names = [c["name"] for c in perpcalc.catalog()]
    assert sorted(set(names) - embedded) == []
    index = soup(site / "calculators" / "index.html")
    text = index.get_text()
    for name in names:
        assert name in text
    for row in index.select("table tbody tr"):
        assert row.select("a[href]"), f"calculator row without a page link: {row.get_text()[:80]}"


@pytest.mark.parametrize("slug", SEED_SLUGS)
def test_every_seed_slug_resolves(site: Path, slug: str) -> None:
    page = site / "terms" / slug / "index.html"
    assert page.exists(), f"/terms/{slug}/ does not resolve"
    if slug in SYNONYMS:
        html = page.read_text(encoding="utf-8")
        target = SYNONYMS[slug]
        assert re.search(rf"url=[^\"']*{target}/", html), f"{slug} should redirect to {target}"
        assert (site / "terms" / target / "index.html").exists()


@pytest.mark.parametrize("slug", CANONICAL)
def test_canonical_term_page_has_every_part(site: Path, slug: str) -> None:
    page = soup(site / "terms" / slug / "index.html")
    ids = [h.get("id") for h in page.select("article h2")]
    missing = [p for p in PARTS if p not in ids]
    assert not missing, f"{slug} lacks sections {missing}"
    assert ids.index("definition") < ids.index("formula") < ids.index("worked-example")
    assert page.select("article form.perpcalc"), f"{slug} embeds no calculator"
    assert page.select("article .arithmatex"), f"{slug} has no formula markup"
    sources = page.find("h2", id="sources").find_next("ol")
    assert sources and sources.select("a[href^='http']"), f"{slug} lists no sources"
    ld = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert ld["@type"] == "DefinedTerm" and ld["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert page.select_one("meta[name=description]")["content"].strip()


def test_hub_states_who_pays_under_negative_funding(site: Path) -> None:
    text = " ".join(soup(site / "terms" / "negative-funding-rates" / "index.html").get_text().split()).lower()
    assert "shorts pay longs" in text
    assert "common misconceptions" in text


def test_internal_links_and_anchors_resolve(site: Path, pages: dict[Path, BeautifulSoup]) -> None:
    broken = []
    ids_cache: dict[Path, set[str]] = {}
    for path, page in pages.items():
        base = "http://site/" + path.relative_to(site).as_posix()
        for a in page.select("a[href]"):
            href = a["href"]
            url = urlparse(urljoin(base, href))
            if url.scheme not in ("http", "https") or url.netloc != "site":
                continue
            target = site / unquote(url.path.lstrip("/"))
            if target.is_dir() or url.path.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)} → {href}")
                continue
            if url.fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = {el["id"] for el in pages.get(target, soup(target)).select("[id]")}
                if url.fragment not in ids_cache[target]:
                    broken.append(f"{path.relative_to(site)} → {href} (no anchor)")
    assert not broken, "\n".join(broken[:40])


def test_no_asset_from_another_host(pages: dict[Path, BeautifulSoup], site: Path, built_site: dict) -> None:
    own = urlparse(built_site["site_url"]).netloc
    foreign = []
    for path, page in pages.items():
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("video", "src"), ("audio", "src")):
            for el in page.select(f"{tag}[{attr}]"):
                if tag == "link" and el.get("rel") and set(el["rel"]) & {"canonical", "alternate"}:
                    continue
                url = urlparse(el[attr])
                if url.netloc and url.netloc != own:
                    foreign.append(f"{path.relative_to(site)}: {el[attr]}")
        # an inline script that would load from elsewhere (mkdocs-jupyter's MathJax loader kept
        # a CDN address in a data attribute and fetched it on instant navigation to a notebook)
        for el in page.select("script:not([src]):not([type='application/ld+json'])"):  # JSON-LD names schema.org
            text = el.get_text() + " ".join(str(v) for k, v in el.attrs.items() if k.startswith("data-"))
            for host in re.findall(r"https?://([^/\"'\s<>?#]+)", text):
                if host != own:
                    foreign.append(f"{path.relative_to(site)}: inline script names {host}")
    for css in site.rglob("*.css"):
        for ref in re.findall(r"url\((['\"]?)(https?:)?//", css.read_text(encoding="utf-8", errors="replace")):
            foreign.append(f"{css.relative_to(site)}: {ref}")
    assert not foreign, "\n".join(foreign[:20])
    assert (site / "assets" / "runtime" / "pyodide" / "pyodide.mjs").exists()
