"""Pictures for the demo gallery, drawn with Pillow: a flat illustration of a figure (no face, no real
person) against a shop's shelves, in the colours of the description (a grey hoodie, a green parka).

The same `Look` drawn with another `take` is the same person in another photo: a little closer or
further, a little to one side, another aisle behind. A `cctv` still is the same drawing as a camera
above a till would give it, greyer and softer: alike enough to a gallery photo for the photo match
(a 64-bit difference hash) to suggest that person for a report.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

Colour = tuple[int, int, int]
SIZE = (480, 600)
SHELF_COLOURS: list[Colour] = [(214, 196, 160), (176, 196, 214), (200, 214, 176), (222, 184, 184)]
GOODS_COLOURS: list[Colour] = [(190, 60, 50), (240, 200, 60), (60, 120, 190), (90, 160, 90), (230, 120, 40)]


@dataclass(frozen=True)
class Look:
    """What the drawing shows of someone: the colours of skin, hair and clothes, and headwear."""

    skin: Colour
    hair: Colour
    top: Colour
    headwear: str = ""  # "", "hood", "cap" or "beanie"
    headwear_colour: Colour = (40, 40, 40)
    stripe: Colour | None = None  # a hi-vis band across the top
    build: float = 1.0  # shoulders' width against the average
    height: float = 1.0  # how much of the frame the figure fills


def _shelves(draw: ImageDraw.ImageDraw, dice: random.Random) -> None:
    width, height = SIZE
    shelf = dice.choice(SHELF_COLOURS)
    draw.rectangle((0, 0, width, height), fill=tuple(max(0, c - 30) for c in shelf))
    for top in range(40, height, 110):
        draw.rectangle((0, top + 70, width, top + 82), fill=shelf)
        x = dice.randint(-20, 10)
        while x < width:
            box_width = dice.randint(22, 46)
            box_height = dice.randint(30, 66)
            draw.rectangle(
                (x, top + 70 - box_height, x + box_width, top + 70), fill=dice.choice(GOODS_COLOURS)
            )
            x += box_width + dice.randint(4, 12)


def _figure(draw: ImageDraw.ImageDraw, look: Look, dx: float, scale: float) -> None:
    width, height = SIZE
    centre = width / 2 + dx
    unit = 100 * scale * look.height
    head_y = height - 3.9 * unit
    shoulders = 1.45 * unit * look.build

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (centre + x0, y0, centre + x1, y1)

    # Body: shoulders and torso to the bottom of the frame, arms as darker edges.
    draw.rounded_rectangle(
        box(-shoulders, head_y + 1.25 * unit, shoulders, height + 40), 0.6 * unit, fill=look.top
    )
    sleeve = tuple(max(0, c - 35) for c in look.top)
    draw.rounded_rectangle(
        box(-shoulders, head_y + 1.4 * unit, -shoulders + 0.38 * unit, height + 40), 0.2 * unit, fill=sleeve
    )
    draw.rounded_rectangle(
        box(shoulders - 0.38 * unit, head_y + 1.4 * unit, shoulders, height + 40), 0.2 * unit, fill=sleeve
    )
    if look.stripe:
        band = head_y + 2.3 * unit
        draw.rectangle(box(-shoulders, band, shoulders, band + 0.28 * unit), fill=look.stripe)
    if look.headwear == "hood":
        draw.ellipse(box(-0.85 * unit, head_y - 0.25 * unit, 0.85 * unit, head_y + 1.7 * unit), fill=look.top)
    # Neck and head; the face is left plain (an illustration, not a likeness).
    draw.rectangle(box(-0.22 * unit, head_y + 0.9 * unit, 0.22 * unit, head_y + 1.35 * unit), fill=look.skin)
    draw.ellipse(box(-0.6 * unit, head_y, 0.6 * unit, head_y + 1.45 * unit), fill=look.skin)
    # The top of the head: hair, or a cap (with its peak) or a beanie over it.
    crowns = {"cap": (0.64, -0.1, 0.8), "beanie": (0.64, -0.2, 0.95)}
    half, top, bottom = crowns.get(look.headwear, (0.62, -0.06, 0.9))
    colour = look.headwear_colour if look.headwear in crowns else look.hair
    draw.chord(
        box(-half * unit, head_y + top * unit, half * unit, head_y + bottom * unit), 180, 360, fill=colour
    )
    if look.headwear == "cap":
        draw.rectangle(box(0.1 * unit, head_y + 0.3 * unit, 0.95 * unit, head_y + 0.42 * unit), fill=colour)


def draw(look: Look, take: int = 0, *, cctv: bool = False) -> bytes:
    """A JPEG of `look`; each `take` a slightly different photo of the same person."""
    dice = random.Random(take)  # noqa: S311 - a drawing, not security
    image = Image.new("RGB", SIZE)
    canvas = ImageDraw.Draw(image)
    _shelves(canvas, dice)
    _figure(canvas, look, dx=dice.uniform(-24, 24), scale=dice.uniform(0.94, 1.04))
    if cctv:
        image = ImageEnhance.Color(image).enhance(0.35).filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()
