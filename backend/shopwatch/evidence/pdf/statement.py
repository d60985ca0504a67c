"""A witness statement as an MG11: the form the Crown Prosecution Service expects a s.9 statement on.

Every page carries the protective marking, the form's name, the witness's signature with the date and
"Page n of N"; the first page the witness's details and the declaration with the real page count; the
last page the exhibits the witness produces. The statement's SHA-256 (the one in the audit trail) is
printed in each page's footer, so a printed page can be matched to the signed record.
"""

import io
import re

from fpdf.enums import XPos, YPos

from shopwatch.evidence.documents import StatementDocument
from shopwatch.evidence.pdf.base import FONT, EvidencePdf, uk_date, uk_time

MARKING = "RESTRICTED (when complete)"
LEGISLATION = (
    "Criminal Procedure Rules, r 27.2; Criminal Justice Act 1967, s. 9; Magistrates' Courts Act 1980, s.5B"
)
FOOTER_HEIGHT = 40  # mm kept free at the foot of every page for the signature strip
SIGNATURE_BOX = (52.0, 13.0)  # mm: wide and short, as a signature drawn on a phone is
# The app shows the declaration with "…" where the PDF has the page count.
_PAGES = re.compile(r"\{pages\}|(?<=consisting of )(?:…|\.\.\.)(?= page)")


def render_statement(doc: StatementDocument) -> bytes:
    """The statement as PDF bytes; the same document always gives the same bytes."""
    pdf = _Mg11(doc)
    pdf.write_statement()
    return bytes(pdf.output())


def declaration_text(declaration: str, pages: str) -> str:
    """The stored declaration with the page count (or its placeholder) where the template has "{pages}"."""
    return _PAGES.sub(pages, declaration)


class _Mg11(EvidencePdf):
    def __init__(self, doc: StatementDocument) -> None:
        super().__init__(title=f"Witness statement of {doc.witness_name}", created_at=doc.signed_at)
        self.doc = doc
        self.set_author(doc.witness_name)
        self.set_subject(f"MG11 {doc.reference} version {doc.version}")
        self.set_auto_page_break(auto=True, margin=FOOTER_HEIGHT)

    # Drawn by fpdf on every page.
    def header(self) -> None:
        self.set_y(9)
        self.set_font(FONT, "B", 9)
        self.cell(0, 5, MARKING, align="C")
        self.set_x(self.l_margin)
        self.set_font(FONT, "B", 13)
        self.cell(0, 5, "MG 11", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.page_no() > 1:
            self.ln(2)
            self.set_font(FONT, "", 9)
            urn = f"URN: {self.doc.reference}"
            room = self.epw - self.get_string_width(urn) - 6
            self.cell(room, 5, self.fitted(f"Continuation of statement of {self.doc.witness_name}", room))
            self.set_font(FONT, "", 9)
            self.set_x(self.l_margin)
            self.cell(0, 5, urn, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self._rule()
            self.ln(3)
        else:
            self.ln(3)

    def footer(self) -> None:
        top = self.h - FOOTER_HEIGHT + 4
        self.set_draw_color(0)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self._signature_line(top + 2)
        self.set_xy(self.l_margin, top + 19)
        self.set_font(FONT, "", 6.5)
        self.set_text_color(70)
        self.cell(0, 3.5, self._version_line(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 3.5, f"SHA-256 of the signed statement: {self.doc.sha256}", align="C")
        self.set_text_color(0)
        self.set_xy(self.l_margin, self.h - 11)
        self.set_font(FONT, "B", 9)
        self.cell(0, 5, MARKING, align="C")

    def write_statement(self) -> None:
        self.add_page()
        self._first_page()
        self.set_font(FONT, "", 11)
        for paragraph in self.printable(self.doc.text.strip()).split("\n"):
            self.multi_cell(0, 5.6, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._exhibits()
        self._signed()

    def _first_page(self) -> None:
        doc = self.doc
        self.set_font(FONT, "B", 15)
        self.cell(0, 8, "WITNESS STATEMENT", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 8)
        self.cell(0, 4.5, LEGISLATION, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_font(FONT, "B", 10)
        if doc.police_reference:
            self.cell(0, 6, self.printable(f"Crime reference: {doc.police_reference}"))
            self.set_x(self.l_margin)
        self.cell(0, 6, f"URN: {doc.reference}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        self._field("Statement of:", doc.witness_name)
        self._field(
            "Age if under 18:", "Over 18" if doc.over_18 else "Under 18", hint="(if over 18 insert 'over 18')"
        )
        self._field("Occupation:", doc.occupation)
        if doc.replaces_version is not None:
            self.ln(2)
            self.set_font(FONT, "B", 10)
            self.multi_cell(
                0,
                5,
                f"Version {doc.version}: this statement replaces version {doc.replaces_version} "
                "of the same witness's statement.",
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.ln(3)
        self.set_font(FONT, "", 9.5)
        declaration = declaration_text(self.printable(doc.declaration), self.page_total)
        self.multi_cell(
            0, 4.8, declaration, border=1, padding=2, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1)
        self._signature_line(self.get_y())
        self.set_y(self.get_y() + 16)
        self._rule()
        self.ln(4)

    def _field(self, label: str, value: str, hint: str | None = None) -> None:
        self.set_font(FONT, "B", 10)
        self.cell(36, 7, label)
        self.set_font(FONT, "", 11)
        x = self.get_x()
        if hint:
            self.cell(30, 7, self.printable(value))
            self.set_font(FONT, "", 8)
            self.set_text_color(70)
            self.cell(0, 7, hint)
            self.set_text_color(0)
            self.set_x(x)
        width = self.w - self.r_margin - x
        self.multi_cell(
            width,
            7,
            self.printable(value) if not hint else "",
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.line(x, self.get_y() - 0.8, self.w - self.r_margin, self.get_y() - 0.8)

    def _signature_line(self, y: float) -> None:
        """ "Signature: [the drawn signature] (typed name)   Date: …   Page n of N" at height `y`."""
        doc = self.doc
        width, height = SIGNATURE_BOX
        self.set_xy(self.l_margin, y + height / 2 - 2.5)
        self.set_font(FONT, "B", 10)
        self.cell(21, 5, "Signature:")
        left = self.l_margin + 21
        try:
            self.image(io.BytesIO(doc.signature_png), x=left, y=y, w=width, h=height, keep_aspect_ratio=True)
        except Exception:  # a signature the form cannot show still leaves the typed name below
            self.set_xy(left, y + height / 2 - 2.5)
            self.set_font(FONT, "", 8)
            self.cell(width, 5, "[signature image unreadable]")
        self.set_draw_color(150)
        self.line(left, y + height + 0.5, left + width, y + height + 0.5)
        self.set_draw_color(0)
        self.set_xy(left, y + height + 0.8)
        self.cell(width, 3, self.fitted(doc.signed_name, width, size=7, smallest=5), align="C")
        self.set_xy(left + width + 6, y + height / 2 - 2.5)
        self.set_font(FONT, "B", 10)
        self.cell(12, 5, "Date: ")
        self.set_font(FONT, "", 10)
        self.cell(38, 5, uk_date(doc.signed_at))
        self.set_font(FONT, "B", 10)
        self.cell(0, 5, f"Page {self.page_no()} of {self.page_total}", align="R")

    def _exhibits(self) -> None:
        self.ln(5)
        # The heading and at least its first exhibit stay together.
        if self.get_y() > self.page_break_trigger - 25:
            self.add_page()
        self.set_font(FONT, "B", 11)
        self.cell(0, 7, "Exhibits produced", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not self.doc.exhibits:
            self.set_font(FONT, "", 10)
            self.cell(0, 6, "None.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        self.set_font(FONT, "", 10)
        with self.table(col_widths=(28, 146), text_align="LEFT", line_height=5.5, padding=1.2) as table:
            heading = table.row()
            heading.cell("Reference")
            heading.cell("Description")
            for reference, what in self.doc.exhibits:
                row = table.row()
                row.cell(self.printable(reference))
                row.cell(self.printable(what))

    def _signed(self) -> None:
        doc = self.doc
        self.ln(5)
        self.set_font(FONT, "", 9)
        lines = [f"Signed by {doc.signed_name} on {uk_time(doc.signed_at)}."]
        if doc.taken_by:
            lines.append(f"Statement taken by: {doc.taken_by}.")
        for line in lines:
            self.multi_cell(0, 4.8, self.printable(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _version_line(self) -> str:
        doc = self.doc
        replaces = f", replaces version {doc.replaces_version}" if doc.replaces_version is not None else ""
        signed = uk_time(doc.signed_at)
        return f"Statement version {doc.version}{replaces} · incident {doc.reference} · signed {signed}"

    def _rule(self) -> None:
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
