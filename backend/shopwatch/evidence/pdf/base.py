"""What both evidence PDFs share: the embedded font, a deterministic document, and UK formatting.

The font is DejaVu Sans, shipped in `evidence/fonts/` (licence beside it), embedded as a subset: Welsh
and accented names ("Siân", "Dŵr", "Łukasz") print as written, and nothing is fetched at run time.
"""

from datetime import datetime
from pathlib import Path

from fpdf import FPDF

from shopwatch.core.clock import LOCAL_ZONE

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
# What a character the font lacks (an emoji, a CJK name) prints as: a visible mark, never a silent gap in
# a witness's words.
MISSING = "\N{REPLACEMENT CHARACTER}"
PAGE_TOTAL = "\U0010fffd"  # a private-use character, in no font shipped here


class EvidencePdf(FPDF):
    """An A4 document whose bytes depend only on what is written in it and `created_at`."""

    def __init__(self, *, title: str, created_at: datetime) -> None:
        if created_at.tzinfo is None:
            raise ValueError("an evidence PDF needs an aware creation time")
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_font(FONT, size=11)
        # The clock never enters the file, so the same document gives the same bytes and hash.
        self.set_creation_date(created_at)
        self.set_title(title)
        self.set_creator("Shopwatch")
        self.set_lang("en-GB")
        self.set_margins(left=18, top=14, right=18)
        # The page total is written in when the document is finished, through an alias the text of a
        # document cannot contain (`printable` marks every character the font lacks, this one included).
        self.alias_nb_pages(PAGE_TOTAL)
        regular, bold = (self.fonts[f"{FONT.lower()}{style}"] for style in ("", "B"))
        self._drawable = frozenset(regular.cmap).intersection(bold.cmap)  # type: ignore[union-attr]

    def printable(self, text: str) -> str:
        """`text` with tabs and Windows line ends tidied and what the font cannot draw marked."""
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        return "".join(c if c == "\n" or ord(c) in self._drawable else MISSING for c in text)

    def fitted(self, text: str, width: float, style: str = "", size: float = 9, smallest: float = 6) -> str:
        """Sets a font size at which `text` fits on one line of `width` mm, shortening it with "…" if
        even `smallest` is too big; for one-line places (a running header, under a signature)."""
        text = self.printable(text).replace("\n", " ")
        while True:
            self.set_font(FONT, style, size)
            if self.get_string_width(text) <= width:
                return text
            if size <= smallest:
                break
            size = max(smallest, size - 0.5)
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    @property
    def page_total(self) -> str:
        """Where the page count goes: fpdf writes it in once the document is finished."""
        return PAGE_TOTAL


def uk_time(moment: datetime) -> str:
    """ "Sat 5 Dec 2026 14:05 GMT (UTC+00:00)": the shop's clock, its zone, and the offset from UTC."""
    local = _aware(moment).astimezone(LOCAL_ZONE)
    offset = local.strftime("%z")
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()} (UTC{offset[:3]}:{offset[3:]})"


def uk_date(moment: datetime) -> str:
    """ "5 December 2026": the date in the UK at `moment`."""
    local = _aware(moment).astimezone(LOCAL_ZONE)
    return f"{local.day} {local:%B %Y}"


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("evidence times must be aware datetimes")
    return moment
