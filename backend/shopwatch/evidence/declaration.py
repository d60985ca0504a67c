"""The declaration a witness statement carries, word for word as on the MG11 (Criminal Justice Act
1967 s.9; Magistrates' Courts Act 1980 ss.5A(3)(a) and 5B)."""

from __future__ import annotations

S9_DECLARATION = (
    "This statement (consisting of {pages} page(s) each signed by me) is true to the best of my "
    "knowledge and belief and I make it knowing that, if it is tendered in evidence, I shall be liable "
    "to prosecution if I have wilfully stated in it anything which I know to be false, or do not "
    "believe to be true."
)

# How the app shows it before the PDF exists, and what the statement's hash covers: the page count
# belongs to the printed document, not to what the witness signed.
DECLARATION_AS_SIGNED = S9_DECLARATION.format(pages="…")


def declaration_for(pages: int) -> str:
    """The declaration as printed on a statement of `pages` pages."""
    return S9_DECLARATION.format(pages=pages)
