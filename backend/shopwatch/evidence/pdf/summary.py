"""The incident summary: the facts of the report, the offence's class, the property, the police case,
and what else is in the pack (statements and exhibits with their SHA-256), on numbered pages."""

from collections.abc import Sequence

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from shopwatch.evidence.documents import IncidentSummaryDocument
from shopwatch.evidence.pdf.base import FONT, EvidencePdf, pounds, uk_time
from shopwatch.incidents.models import IncidentKind
from shopwatch.incidents.wording import KIND_WORDS

MARKING = "OFFICIAL-SENSITIVE"
_FILE = FontFace(size_pt=8, color=70)  # a file's place in the pack, under the row it belongs to
_TOTAL = FontFace(emphasis="BOLD")
CONTENT_WIDTH = 174  # mm: A4 less the margins


def render_incident_summary(doc: IncidentSummaryDocument) -> bytes:
    """The summary as PDF bytes; the same document always gives the same bytes."""
    pdf = _Summary(doc)
    pdf.write_summary()
    return bytes(pdf.output())


def _label(value: str) -> str:
    """A state's words: CRIME_NUMBER_ISSUED is "Crime number issued"."""
    return value.replace("_", " ").capitalize()


def _yes_no(value: bool | None) -> str:
    return "Not stated" if value is None else ("Yes" if value else "No")


def _grouped(sha256: str) -> str:
    """A hash in groups of 16, so a reader can compare it by eye and a table can wrap it."""
    return " ".join(sha256[i : i + 16] for i in range(0, len(sha256), 16))


class _Summary(EvidencePdf):
    def __init__(self, doc: IncidentSummaryDocument) -> None:
        super().__init__(title=f"Incident summary {doc.reference}", created_at=doc.prepared_at)
        self.doc = doc
        self.set_subject(f"Incident {doc.reference}: summary for the police")
        self.set_auto_page_break(auto=True, margin=20)

    def header(self) -> None:
        self.set_y(9)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, self.printable(f"Incident summary {self.doc.reference}"))
        self.set_x(self.l_margin)
        self.set_font(FONT, "B", 9)
        self.cell(0, 5, MARKING, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
        self.ln(5)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(70)
        self.cell(0, 5, self.printable(f"Prepared {uk_time(self.doc.prepared_at)} by {self.doc.prepared_by}"))
        self.set_x(self.l_margin)
        self.set_text_color(0)
        self.set_font(FONT, "B", 9)
        self.cell(0, 5, f"Page {self.page_no()} of {self.page_total}", align="R")

    def write_summary(self) -> None:
        doc = self.doc
        self.add_page()
        self.set_font(FONT, "B", 16)
        self.cell(0, 9, "Incident summary", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 11)
        self.cell(
            0,
            6,
            self.printable(f"{doc.reference} · {doc.shop_name}, {doc.bid_name}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(3)
        self._facts()
        self._heading("What happened")
        self._paragraph(doc.description or "No description was given.")
        self._property()
        self._case_history()
        self._statements()
        self._exhibits()
        self._impact()

    def _facts(self) -> None:
        doc = self.doc
        reported = uk_time(doc.reported_at) + (f" by {doc.reported_by}" if doc.reported_by else "")
        classification = doc.classification
        offence = (
            f"{classification.code} {classification.name} (Home Office counting rules)"
            if classification.code
            else classification.name
        )
        value = "Not stated" if doc.value_stolen_pence is None else pounds(doc.value_stolen_pence)
        rows = [
            ("Reference", doc.reference),
            ("Kind of incident", KIND_WORDS[IncidentKind(doc.kind)]),
            ("Offence", offence),
            ("Occurred", uk_time(doc.occurred_at)),
            ("Reported", reported),
            ("Shop", doc.shop_name),
            ("Address", ", ".join(part for part in (doc.shop_address, doc.shop_postcode) if part)),
            ("Partnership", doc.bid_name),
            ("Value stolen", value),
            ("Injury", _yes_no(doc.injury)),
            ("Police reference", doc.police_reference or "None yet"),
            ("Vehicle", doc.vehicle_registration or "None recorded"),
            ("Offenders linked", ", ".join(doc.offenders) if doc.offenders else "None"),
        ]
        self.set_font(FONT, "", 10)
        with self.table(
            col_widths=(40, CONTENT_WIDTH - 40), first_row_as_headings=False, line_height=5.5, padding=1.2
        ) as table:
            for label, value in rows:
                row = table.row()
                self.set_font(FONT, "B", 10)
                row.cell(label)
                self.set_font(FONT, "", 10)
                row.cell(self.printable(value))

    def _property(self) -> None:
        lines = self.doc.property
        self._heading("Property")
        if not lines:
            self._paragraph("No property lines were recorded.")
            return
        self.set_font(FONT, "", 9.5)
        with self.table(
            col_widths=(78, 14, 26, 26, 30),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
            line_height=5.2,
            padding=1.2,
        ) as table:
            heading = table.row()
            for title in ("Description", "Qty", "Unit price", "Total", "Recovered"):
                heading.cell(title)
            for line in lines:
                row = table.row()
                row.cell(self.printable(line.description))
                row.cell(str(line.quantity))
                row.cell(pounds(line.unit_price_pence))
                row.cell(pounds(line.total_pence))
                row.cell("Yes" if line.recovered else "No")
            # The totals are the table's last rows, so a page break never leaves them on their own.
            stolen = sum(line.total_pence for line in lines if not line.recovered)
            recovered = sum(line.total_pence for line in lines if line.recovered)
            for label, pence in (
                ("Not recovered", stolen),
                ("Recovered", recovered),
                ("Total", stolen + recovered),
            ):
                row = table.row()
                row.cell(label, colspan=3, align="RIGHT", style=_TOTAL)
                row.cell(pounds(pence), style=_TOTAL)
                row.cell("")

    def _case_history(self) -> None:
        self._heading("Police case and status history")
        events = self.doc.case_history
        if not events:
            self._paragraph("Not referred to the police.")
            return
        self._table(
            ("When", "State", "By", "Note"),
            (44, 36, 34, 60),
            [
                (
                    uk_time(event.at),
                    _label(event.state)
                    + (f"\nCrime reference {event.crime_reference}" if event.crime_reference else ""),
                    event.by or "Not known",
                    event.note,
                )
                for event in events
            ],
        )

    def _statements(self) -> None:
        self._heading("Witness statements")
        statements = self.doc.statements
        if not statements:
            self._paragraph("No witness statement has been signed.")
            return
        self._table(
            ("Witness", "Version", "Signed", "SHA-256 of the statement"),
            (38, 20, 44, 72),
            [
                (
                    entry.witness_name,
                    str(entry.version)
                    + (f"\nreplaces {entry.replaces_version}" if entry.replaces_version is not None else ""),
                    uk_time(entry.signed_at),
                    _grouped(entry.sha256),
                )
                for entry in statements
            ],
            [entry.file_name for entry in statements],
        )

    def _exhibits(self) -> None:
        self._heading("Exhibits")
        exhibits = self.doc.exhibits
        if not exhibits:
            self._paragraph("No exhibits.")
            return
        self._table(
            ("Reference", "What", "Produced by", "SHA-256 of the original"),
            (22, 48, 32, 72),
            [
                (
                    entry.reference,
                    entry.what,
                    entry.produced_by,
                    _grouped(entry.sha256),
                )
                for entry in exhibits
            ],
            [entry.file_name for entry in exhibits],
        )

    def _impact(self) -> None:
        self._heading("Impact statement for business")
        impact = self.doc.impact_statement
        if impact is None:
            self._paragraph("The shop has not made an impact statement.")
            return
        self._paragraph(impact.text)
        self.set_font(FONT, "", 9.5)
        self.multi_cell(
            0,
            5,
            self.printable(
                f"{impact.author_name}, {impact.position}. Recorded {uk_time(impact.recorded_at)}."
            ),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def _heading(self, text: str) -> None:
        self.ln(4)
        # A heading is never left alone at the foot of a page.
        if self.get_y() > self.page_break_trigger - 25:
            self.add_page()
        self.set_font(FONT, "B", 12)
        self.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _paragraph(self, text: str) -> None:
        self.set_font(FONT, "", 10)
        for paragraph in self.printable(text.strip()).split("\n"):
            self.multi_cell(0, 5.2, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _table(
        self,
        headings: Sequence[str],
        widths: Sequence[float],
        rows: Sequence[Sequence[str]],
        files: Sequence[str | None] = (),
    ) -> None:
        """A table; `files[i]`, when given, is a line under row i naming its file in the pack, kept on the
        same page as the row (the first cell spans both, and fpdf never breaks a page inside a span)."""
        self.set_font(FONT, "", 9)
        with self.table(col_widths=tuple(widths), text_align="LEFT", line_height=4.8, padding=1.2) as table:
            heading = table.row()
            for title in headings:
                heading.cell(title)
            for index, values in enumerate(rows):
                file = files[index] if index < len(files) else None
                row = table.row()
                row.cell(self.printable(values[0]), rowspan=2 if file else 1)
                for value in values[1:]:
                    row.cell(self.printable(value))
                if file:
                    table.row().cell(
                        self.printable(f"In the pack: {file}"), colspan=len(widths) - 1, style=_FILE
                    )
