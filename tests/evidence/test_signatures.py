"""The drawn signature: only a whole PNG of a signing box's size with something drawn on it is kept."""

from __future__ import annotations

import base64

import pytest

from shopwatch.core.errors import InvalidInput
from shopwatch.evidence.signatures import MAX_BYTES, decode_signature, signature_data_url
from tests.support.evidence import signature_png, signature_url
from tests.support.images import jpeg, png_bomb, scene


def test_a_canvas_data_url_and_bare_base64_both_give_the_png() -> None:
    data = signature_png()
    assert decode_signature(signature_url(data)) == data
    assert decode_signature(base64.b64encode(data).decode()) == data
    assert signature_data_url(data) == signature_url(data)


def _refusal(image: str) -> str:
    with pytest.raises(InvalidInput) as refused:
        decode_signature(image)
    assert refused.value.field == "signature.image"
    return refused.value.message


def test_what_is_not_a_png_is_refused() -> None:
    assert "PNG" in _refusal("not base64 at all!")
    assert "PNG" in _refusal(base64.b64encode(jpeg(scene(1, (300, 100)))).decode())
    assert "PNG" in _refusal("data:image/jpeg;base64," + base64.b64encode(b"x").decode())
    cut = signature_png()[:200]
    assert "damaged" in _refusal(base64.b64encode(cut).decode())


def test_an_empty_signature_is_refused() -> None:
    assert "empty" in _refusal(signature_url(signature_png(ink=False)))


def test_a_signature_of_the_wrong_size_is_refused() -> None:
    assert "pixels" in _refusal(signature_url(signature_png((40, 200))))
    assert "pixels" in _refusal(signature_url(signature_png((4000, 200))))
    assert "pixels" in _refusal(signature_url(png_bomb(20_000, 20_000)))


def test_a_signature_over_200_kb_is_refused() -> None:
    padded = signature_png() + b"\x00" * MAX_BYTES
    assert "200 KB" in _refusal(base64.b64encode(padded).decode())
