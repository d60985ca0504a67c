"""Writes frontend/js/photo-rules.js: the server's photo limits and accepted formats, for the phone to
check a photo before sending it.

Run `python scripts/write_photo_rules.py` after changing `incidents/photo_formats.py` or
`MAX_PHOTOS_PER_INCIDENT`; `tests/test_frontend.py` fails while the file differs from what this
writes, so the phone never checks against limits the server no longer has. The server still decides.
"""

from __future__ import annotations

import json
from pathlib import Path

from shopwatch.incidents.photo_formats import ACCEPTED_FORMATS_TEXT, FORMATS, HEIF_BRANDS, MAX_PHOTO_BYTES
from shopwatch.incidents.photos import MAX_PHOTOS_PER_INCIDENT

TARGET = Path(__file__).resolve().parents[1] / "frontend" / "js" / "photo-rules.js"


def rules_module() -> str:
    # HEIF's generic brands come as image/heif from the server and from phones alike.
    types = [f.content_type for f in FORMATS] + ["image/heif"]
    brands = sorted(brand.decode() for brand in HEIF_BRANDS)
    lines = [
        "// Written by scripts/write_photo_rules.py from the server's limits; a test fails when it differs.",
        "// The phone checks photos against these before sending; the server's own check still decides.",
        f"export const MAX_PHOTO_BYTES = {MAX_PHOTO_BYTES};",
        f"export const MAX_PHOTOS = {MAX_PHOTOS_PER_INCIDENT};",
        f"export const ACCEPTED_FORMATS_TEXT = {json.dumps(ACCEPTED_FORMATS_TEXT)};",
        f"export const ACCEPTED_TYPES = {json.dumps(types)};",
        f"export const HEIF_BRANDS = {json.dumps(brands)};",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TARGET.write_text(rules_module())
