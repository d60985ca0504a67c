"""Draws the PWA's icons into frontend/icons/: 192 and 512 px, a 512 px maskable one, and favicon.ico.

Run `python scripts/make_icons.py` after changing the drawing; the PNGs are committed so the app
needs nothing built. The mark is an eye over a shop awning, in the theme colour.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

THEME = (11, 61, 110)  # #0b3d6e, the manifest's theme colour
WHITE = (255, 255, 255)
AMBER = (255, 196, 0)
ICONS = Path(__file__).resolve().parents[1] / "frontend" / "icons"


def draw_mark(size: int, scale: float) -> Image.Image:
    """The mark on a full square of the theme colour; `scale` is the share of the side it may use
    (maskable icons keep their content inside the central 80% circle)."""
    image = Image.new("RGB", (size, size), THEME)
    draw = ImageDraw.Draw(image)
    centre = size / 2
    half = size * scale / 2

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (centre + x0 * half, centre + y0 * half, centre + x1 * half, centre + y1 * half)

    # Awning: alternating stripes across the top.
    stripes = 5
    for index in range(stripes):
        x0 = -0.9 + index * 1.8 / stripes
        colour = AMBER if index % 2 == 0 else WHITE
        draw.rectangle(box(x0, -0.85, x0 + 1.8 / stripes, -0.45), fill=colour)
    # Eye: white almond with a theme-coloured iris and a white glint.
    draw.ellipse(box(-0.85, -0.3, 0.85, 0.75), fill=WHITE)
    draw.ellipse(box(-0.35, -0.03, 0.35, 0.5), fill=THEME)
    draw.ellipse(box(-0.1, 0.07, 0.1, 0.27), fill=WHITE)
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    draw_mark(192, 0.8).save(ICONS / "icon-192.png", optimize=True)
    draw_mark(512, 0.8).save(ICONS / "icon-512.png", optimize=True)
    draw_mark(512, 0.6).save(ICONS / "icon-maskable-512.png", optimize=True)
    # Browsers ask for /favicon.ico whatever the page says; answering saves a 404 on every visit.
    draw_mark(48, 0.8).save(ICONS.parent / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
