"""Link-preview images: one 1200×630 PNG per page, drawn with Pillow.

Each card shows the site's name, the page's section, its title, its one-line description and,
where the page's front matter gives one (``card_formula``), its formula. The font is Inter from
the npm package @fontsource/inter (pinned in package.json), so every machine draws the same
pixels; the PNGs carry no timestamp, so two builds write identical bytes.

Run on its own to draw a sample: ``python scripts/og_images.py OUT_DIR``.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "node_modules" / "@fontsource" / "inter" / "files"
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = (26, 35, 94)  # deep indigo, the theme's primary darkened
ACCENT = (140, 158, 255)
TEXT = (255, 255, 255)
MUTED = (197, 202, 233)
FORMULA_BOX = (40, 53, 147)
SOURCE_KEY = "perp-glossary-card"  # PNG text chunk holding what the card was drawn from


@dataclass(frozen=True)
class Card:
    file: str
    title: str
    description: str
    kicker: str = ""
    formula: str = ""


@cache
def font(weight: int, size: int) -> ImageFont.FreeTypeFont:
    path = FONTS / f"inter-latin-{weight}-normal.woff"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `npm ci` (package @fontsource/inter)")
    return ImageFont.truetype(str(path), size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=face) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def clip(lines: list[str], count: int) -> list[str]:
    if len(lines) <= count:
        return lines
    return [*lines[: count - 1], lines[count - 1].rstrip(".,;:") + " …"]


def draw_card(card: Card, site_name: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    inner = WIDTH - 2 * MARGIN
    y = 64
    if card.kicker:
        draw.text((MARGIN, y), card.kicker.upper(), font=font(600, 26), fill=ACCENT)
    y += 52
    for size in (76, 64, 54):  # the largest size that fits the title on two lines
        title_font = font(700, size)
        title_lines = wrap(draw, card.title, title_font, inner)
        if len(title_lines) <= 2:
            break
    title_lines = clip(title_lines, 2)
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += int(title_font.size * 1.18)
    y += 18
    body = font(400, 32)
    room = 3 if card.formula else 5
    for line in clip(wrap(draw, card.description, body, inner), room):
        draw.text((MARGIN, y), line, font=body, fill=MUTED)
        y += 44
    if card.formula:
        face = font(500, 34)
        text = clip(wrap(draw, card.formula, face, inner - 48), 1)[0]
        top = max(y + 16, HEIGHT - 200)
        draw.rounded_rectangle((MARGIN, top, MARGIN + draw.textlength(text, font=face) + 48, top + 70),
                               radius=12, fill=FORMULA_BOX)
        draw.text((MARGIN + 24, top + 16), text, font=face, fill=TEXT)
    draw.text((MARGIN, HEIGHT - 70), site_name, font=font(700, 30), fill=TEXT)
    draw.text((WIDTH - MARGIN, HEIGHT - 70), "perpetual futures, term by term", font=font(400, 26),
              fill=MUTED, anchor="ra")
    return image


def png_bytes(card: Card, site_name: str) -> bytes:
    """The card as PNG bytes, with what it was drawn from in a text chunk (and no timestamp)."""
    info = PngImagePlugin.PngInfo()
    info.add_text(SOURCE_KEY, json.dumps({**asdict(card), "site_name": site_name}, ensure_ascii=False))
    out = io.BytesIO()
    draw_card(card, site_name).save(out, format="PNG", pnginfo=info, optimize=False, compress_level=6)
    return out.getvalue()


def card_of(png: Path) -> tuple[Card, str]:
    """The card and site name a PNG written by :func:`render_all` was drawn from."""
    with Image.open(png) as image:
        data = json.loads(image.text[SOURCE_KEY])
    site_name = data.pop("site_name")
    return Card(**data), site_name


def render_all(cards: Iterable[Card], out: Path, site_name: str) -> int:
    """Write each card's PNG into ``out``; returns how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for card in cards:
        (out / card.file).write_bytes(png_bytes(card, site_name))
        count += 1
    return count


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/previews")
    sample = Card("sample.png", "Insurance Fund",
                  "A venue's reserve that pays the loss when a liquidated position closes beyond its bankruptcy "
                  "price, before anyone else is charged.", "When liquidation fails",
                  "fund after = fund + surplus − deficit")
    render_all([sample], target, "Perp Glossary")
    print(target / sample.file)
