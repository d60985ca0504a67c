"""Checking what people type into evidence: names, free text, crime references, property lines."""

from __future__ import annotations

import re
import unicodedata

from shopwatch.core.errors import InvalidInput

MAX_NAME = 200
MAX_TEXT = 20_000  # a statement of a few pages
MAX_IMPACT_TEXT = 10_000
MAX_NOTE = 2_000
MAX_CRIME_REFERENCE = 40
# What police forces' crime references are made of, e.g. "43/12345/26" or "WM-20260305-0147".
_CRIME_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /.\-]*$")


def _no_control_characters(field: str, value: str, *, lines: bool) -> None:
    allowed = "\n\t" if lines else ""
    for character in value:
        if character not in allowed and unicodedata.category(character) == "Cc":
            name = "NUL" if character == "\x00" else f"U+{ord(character):04X}"
            raise InvalidInput(field, f"Remove the control character ({name}).")


def check_name(field: str, value: str, what: str = "the name") -> str:
    """A person's name or a role: one line, with at least one letter, spaces collapsed."""
    value = " ".join(value.split())
    _no_control_characters(field, value, lines=False)
    if not value:
        raise InvalidInput(field, f"Give {what}.")
    if len(value) > MAX_NAME:
        raise InvalidInput(field, f"Keep {what} to {MAX_NAME} characters.")
    if not any(character.isalpha() for character in value):
        raise InvalidInput(field, f"Give {what} in letters.")
    return value


def check_text(field: str, value: str, limit: int, what: str = "the statement") -> str:
    """Free text over several lines; trailing space and blank edges removed, line breaks kept."""
    value = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n")).strip()
    _no_control_characters(field, value, lines=True)
    if not value:
        raise InvalidInput(field, f"Write {what}.")
    if len(value) > limit:
        raise InvalidInput(field, f"Keep {what} to {limit:,} characters.")
    return value


def check_note(value: str | None) -> str:
    """An optional note; empty when none was given."""
    if value is None or not value.strip():
        return ""
    return check_text("note", value, MAX_NOTE, "the note")


def check_crime_reference(value: str | None) -> str | None:
    """As the police gave it; blank (or null) is none."""
    value = " ".join((value or "").split())
    if not value:
        return None
    if len(value) > MAX_CRIME_REFERENCE:
        raise InvalidInput("crimeReference", f"Use at most {MAX_CRIME_REFERENCE} characters.")
    if not _CRIME_REFERENCE.match(value):
        raise InvalidInput(
            "crimeReference",
            "Enter the crime reference as the police gave it: letters, digits, spaces, '/', '-' and '.'.",
        )
    return value


def initials(name: str) -> str:
    """The first letters of a name's first and last words, upper case: "Mary Ann Smith" -> "MS";
    one word gives one letter. A word is what spaces separate ("Mary-Ann", "O'Brien"); its first letter
    counts, and a word without letters does not."""
    words = [word for word in name.split() if any(character.isalpha() for character in word)]
    if not words:
        raise InvalidInput("witnessName", "Give the witness's name in letters.")
    first = [next(character for character in word if character.isalpha()) for word in words]
    letters = first[0] if len(first) == 1 else first[0] + first[-1]
    return letters.upper()


def same_name(typed: str, given: str) -> bool:
    """Whether a typed signature is the name given, ignoring case, spacing and accents."""

    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())

    return plain(typed) == plain(given)
