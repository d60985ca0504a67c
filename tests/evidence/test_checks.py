"""What people type into evidence: names, initials, crime references, property lines."""

from __future__ import annotations

import pytest

from shopwatch.core.errors import InvalidInput
from shopwatch.evidence.checks import check_crime_reference, check_name, check_text, initials, same_name
from shopwatch.evidence.property_lines import MAX_LINES, LineInput, _checked


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mary Ann Smith", "MS"),
        ("madonna", "M"),
        ("Siân Ŵyn-Jones", "SŴ"),
        ("Seán O'Brien", "SO"),
        ("  Ann   Lee 42 ", "AL"),
    ],
)
def test_initials_are_the_first_and_last_words_first_letters(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_a_signature_matches_the_name_whatever_its_case_spacing_or_accents() -> None:
    assert same_name("sian  wyn", "Siân Wyn")
    assert not same_name("Sian", "Siân Wyn")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Give the witness's name."),
        ("1234", "Give the witness's name in letters."),
        ("A" * 201, "Keep the witness's name to 200 characters."),
        ("Ann\x00Lee", "Remove the control character (NUL)."),
    ],
)
def test_names_that_will_not_do(value: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_name("witnessName", value, "the witness's name")
    assert (refused.value.field, refused.value.message) == ("witnessName", message)


def test_statement_text_keeps_its_lines_and_refuses_nothing_or_too_much() -> None:
    assert check_text("text", "  First.\r\nSecond.   \n\n", 100) == "First.\nSecond."
    for value in ("  \n ", "x" * 101, "bell\x07"):
        with pytest.raises(InvalidInput):
            check_text("text", value, 100)


def test_crime_references_as_forces_write_them() -> None:
    assert check_crime_reference(" 43/12345/26 ") == "43/12345/26"
    assert check_crime_reference("") is None and check_crime_reference(None) is None
    for bad in ("<script>", "X" * 41, "/leading"):
        with pytest.raises(InvalidInput) as refused:
            check_crime_reference(bad)
        assert refused.value.field == "crimeReference"


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([LineInput("", 1, 100)], "lines[0].description"),
        ([LineInput("Gin", 1, 100), LineInput("Gin", 0, 100)], "lines[1].quantity"),
        ([LineInput("Gin", 10_001, 100)], "lines[0].quantity"),
        ([LineInput("Gin", 1, -1)], "lines[0].unitPricePence"),
        ([LineInput("Gin", 2, 6_000_000)], "lines"),
        ([LineInput("Gin", 1, 1)] * (MAX_LINES + 1), "lines"),
    ],
)
def test_property_lines_that_will_not_do(lines: list[LineInput], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _checked(lines)
    assert refused.value.field == field


def test_recovered_property_does_not_count_towards_the_limit() -> None:
    assert len(_checked([LineInput("Gin", 2, 6_000_000, recovered=True)])) == 1
