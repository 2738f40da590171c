"""Link previews and titles of the built site: every page carries Open Graph and Twitter card tags
with its canonical address and its own 1200×630 PNG, drawn reproducibly at build time."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from site_html import parsed

ROOT = Path(__file__).resolve().parents[2]

import og_images  # noqa: E402

TAGS = ("og:title", "og:description", "og:url", "og:type", "og:image")


def content_pages(site: Path) -> dict[Path, BeautifulSoup]:
    """Every page rendered from the theme (redirect stubs and the 404 page are not pages to share)."""
    pages = {}
    for path in sorted(site.rglob("index.html")):
        soup = parsed(path)
        if soup.find("meta", attrs={"http-equiv": "refresh"}) is None:
            pages[path] = soup
    return pages


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag.get("content") if tag else None


def test_every_page_has_preview_tags_canonical_url_and_its_own_image(built_site: dict) -> None:
    site: Path = built_site["dir"]
    pages = content_pages(site)
    assert len(pages) > 40
    images = set()
    for path, soup in pages.items():
        where = path.relative_to(site)
        for key in TAGS:
            assert meta(soup, key), f"{where}: no {key}"
        assert meta(soup, "twitter:card") == "summary_large_image", where
        canonical = soup.find("link", rel="canonical")
        assert canonical is not None and meta(soup, "og:url") == canonical["href"], where
        expected = canonical["href"].rstrip("/") + "/"
        assert expected.endswith("/" + where.parent.as_posix() + "/") or where.parent == Path("."), where
        image = meta(soup, "og:image")
        assert image.startswith(canonical["href"].split("/")[0] + "//"), f"{where}: og:image must be absolute"
        local = site / image.split("/", 3)[3]
        assert local.exists(), f"{where}: {image} was not written"
        assert png_size(local) == (1200, 630), local
        images.add(local)
        assert meta(soup, "og:description") != "", where
    assert len(images) == len(pages), "two pages share one preview image"


def test_term_cards_show_the_term_and_its_definition(built_site: dict) -> None:
    site: Path = built_site["dir"]
    soup = parsed(site / "terms" / "insurance-fund" / "index.html")
    card, site_name = og_images.card_of(site / meta(soup, "og:image").split("/", 3)[3])
    assert card.title == "Insurance Fund" == meta(soup, "og:title")
    assert card.description == meta(soup, "og:description")
    assert site_name == "Perp Glossary"


def test_titles_are_not_doubled(built_site: dict) -> None:
    site: Path = built_site["dir"]
    home = parsed(site / "index.html")
    assert home.title.get_text() == "Perp Glossary"
    for path, soup in content_pages(site).items():
        parts = [p.strip() for p in soup.title.get_text().split(" - ")]
        assert len(parts) == len(set(parts)), f"{path}: title {soup.title.get_text()!r}"


def test_previews_redraw_byte_identical(built_site: dict) -> None:
    """Drawing every card again from what it records gives the same bytes (how long the drawing takes
    is the build's time, which ``make bench`` reports)."""
    pngs = sorted((built_site["dir"] / "assets" / "previews").glob("*.png"))
    assert pngs
    for png in pngs:
        card, site_name = og_images.card_of(png)
        assert og_images.png_bytes(card, site_name) == png.read_bytes(), f"{png.name} differs when redrawn"
