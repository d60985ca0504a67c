"""The evidence PDFs read back as an officer would read them: text through pypdf, pages through poppler."""

import io
import re
import shutil
import subprocess
import tomllib
from dataclasses import replace
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from shopwatch.evidence.declaration import DECLARATION_AS_SIGNED
from shopwatch.evidence.documents import PropertyItem
from shopwatch.evidence.pdf import render_incident_summary, render_statement
from shopwatch.evidence.pdf.base import FONTS, uk_time
from tests.evidence import samples

ROOT = Path(__file__).resolve().parents[2]


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text with its line breaks undone, for phrases a page wraps."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def statement_pdf() -> bytes:
    return render_statement(samples.statement())


@pytest.fixture(scope="module")
def summary_pdf() -> bytes:
    return render_incident_summary(samples.summary())


def test_a_two_page_statement_is_numbered_and_its_declaration_counts_its_pages(statement_pdf: bytes) -> None:
    pages = pages_text(statement_pdf)
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert (
        "This statement (consisting of 2 page(s) each signed by me) is true to the best of my knowledge "
        "and belief" in flat(pages[0])
    )


def test_a_short_statement_is_one_page_and_says_so() -> None:
    pages = pages_text(render_statement(samples.statement(paragraphs=1)))
    assert len(pages) == 1
    assert "Page 1 of 1" in pages[0]
    assert "(consisting of 1 page(s) each signed by me)" in flat(pages[0])


def test_the_declaration_as_signed_gets_the_page_count_where_the_app_shows_an_ellipsis() -> None:
    document = samples.statement(declaration=DECLARATION_AS_SIGNED)
    assert "(consisting of 2 page(s) each signed by me)" in flat(pages_text(render_statement(document))[0])


def test_a_long_statement_wraps_across_pages_each_signed_and_numbered() -> None:
    text = "\n\n".join(samples.PARAGRAPHS * 3)
    pages = pages_text(render_statement(samples.statement(text=text)))
    count = len(pages)
    assert count >= 3
    assert f"(consisting of {count} page(s) each signed by me)" in flat(pages[0])
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {count}" in page
        assert "Signature:" in page and "Date: 5 December 2026" in page
        assert "RESTRICTED (when complete)" in page and "MG 11" in page
    assert all("Continuation of statement of Siân Rhys-Łukasz" in page for page in pages[1:])
    # Every word of the witness's text is printed, in order.
    assert flat(" ".join(samples.PARAGRAPHS)) in flat(" ".join(pages))


def test_the_statement_has_the_mg11_heading_the_witness_details_and_the_exhibits(
    statement_pdf: bytes,
) -> None:
    first, last = pages_text(statement_pdf)[0], pages_text(statement_pdf)[-1]
    for words in (
        "WITNESS STATEMENT",
        "Criminal Procedure Rules, r 27.2; Criminal Justice Act 1967, s. 9; "
        "Magistrates' Courts Act 1980, s.5B",
        "URN: MH-2026-00154",
        "Crime reference: DP/12345/26",
        "Statement of: Siân Rhys-Łukasz",
        "Age if under 18: Over 18",
        "Occupation: Sales assistant",
    ):
        assert words in flat(first), words
    assert "Exhibits produced" in last
    assert "MS/1 Photograph of the empty power-tool shelf" in flat(last)
    assert "MS/2 Photograph of the car park" in flat(last)
    assert "Signed by Siân Rhys-Łukasz on Sat 5 Dec 2026 15:10 GMT (UTC+00:00)" in flat(last)


def test_welsh_and_accented_names_print_as_written(summary_pdf: bytes) -> None:
    names = ["Siân", "Dŵr", "Zoë", "Łukasz", "Llŷr", "Ó Briain"]
    document = samples.statement(witness_name="Zoë Łukasz", text=" ".join(names), occupation="Rheolwr siop")
    text = flat(" ".join(pages_text(render_statement(document))))
    for name in [*names, "Zoë Łukasz", "Rheolwr siop"]:
        assert name in text
    summary = flat(" ".join(pages_text(summary_pdf)))
    for name in ("Dŵr a Thân Hardware", "PCSO Dafydd Llŷr", "Zoë Ó Briain", "Siân Rhys-Łukasz"):
        assert name in summary


def test_a_character_the_font_lacks_is_marked_not_dropped() -> None:
    text = flat(" ".join(pages_text(render_statement(samples.statement(text="He said 你好 then left")))))
    assert "He said \N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER} then left" in text


def test_a_correction_names_the_version_it_replaces() -> None:
    pages = pages_text(render_statement(samples.statement(version=2, replaces_version=1, exhibits=[])))
    assert "Version 2: this statement replaces version 1" in flat(pages[0])
    assert all("Statement version 2, replaces version 1" in page for page in pages)
    # This version produces no exhibit of its own.
    assert "Exhibits produced None." in flat(pages[-1])


def test_every_page_carries_the_statements_sha256(statement_pdf: bytes) -> None:
    assert all(f"SHA-256 of the signed statement: {'3f' * 32}" in page for page in pages_text(statement_pdf))


def test_the_same_document_gives_the_same_bytes(statement_pdf: bytes, summary_pdf: bytes) -> None:
    assert render_statement(samples.statement()) == statement_pdf
    assert render_incident_summary(samples.summary()) == summary_pdf
    assert render_statement(samples.statement(sha256="40" * 32)) != statement_pdf


def test_the_pdf_is_dated_when_it_was_signed_not_when_it_was_printed(statement_pdf: bytes) -> None:
    metadata = PdfReader(io.BytesIO(statement_pdf)).metadata
    assert metadata is not None and metadata.creation_date == samples.SIGNED_AT
    assert metadata.title == "Witness statement of Siân Rhys-Łukasz"


def test_an_unreadable_signature_still_prints_the_statement_and_says_so() -> None:
    pages = pages_text(render_statement(samples.statement(signature_png=b"not a png")))
    assert "[signature image unreadable]" in pages[0]
    assert "Siân Rhys-Łukasz" in pages[0]


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        render_statement(samples.statement(signed_at=datetime(2026, 12, 5, 15, 10)))


def test_uk_time_names_the_zone_and_its_offset_from_utc() -> None:
    assert uk_time(datetime(2026, 12, 5, 14, 5, tzinfo=UTC)) == "Sat 5 Dec 2026 14:05 GMT (UTC+00:00)"
    assert uk_time(datetime(2026, 7, 4, 13, 5, tzinfo=UTC)) == "Sat 4 Jul 2026 14:05 BST (UTC+01:00)"


def test_the_summary_states_the_facts_the_offence_and_its_class(summary_pdf: bytes) -> None:
    pages = pages_text(summary_pdf)
    text = flat(" ".join(pages))
    for words in (
        "Incident summary",
        "Reference MH-2026-00154",
        "Kind of incident Theft",
        "Offence 46 Shoplifting (Home Office counting rules)",
        "Occurred Sat 5 Dec 2026 14:05 GMT (UTC+00:00)",
        "Reported Sat 5 Dec 2026 14:31 GMT (UTC+00:00) by Siân Rhys-Łukasz",
        "Address 12 High Street, Machynlleth, SY20 8AA",
        "Value stolen £114.49",
        "Injury No",
        "Police reference DP/12345/26",
        "Offenders linked Grey hoodie, beard (gallery #17)",
        "Not recovered £114.49",
        "Recovered £89.99",
        "Total £204.48",
        "Crime number issued",
        "CCTV kept; staff statement signed.",
        "MS/1",
        "MS/2",
        "In the pack: statements/MH-2026-00154-MG11-SR-v1.pdf",
        "In the pack: exhibits/MS-1.jpg",
        "Thefts like this one cost us about £4,000 a year.",
        "Gwenllian Pugh, Owner.",
    ):
        assert words in text, words
    assert [f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1)] == [True] * len(
        pages
    )


def test_a_summary_with_nothing_optional_says_so() -> None:
    document = samples.summary(
        property=[],
        case_history=[],
        statements=[],
        exhibits=[],
        impact_statement=None,
        offenders=[],
        police_reference=None,
        injury=None,
        value_stolen_pence=None,
    )
    text = flat(" ".join(pages_text(render_incident_summary(document))))
    for words in (
        "No property lines were recorded.",
        "Not referred to the police.",
        "No witness statement has been signed.",
        "No exhibits.",
        "The shop has not made an impact statement.",
        "Police reference None yet",
        "Injury Not stated",
        "Value stolen Not stated",
        "Offenders linked None",
    ):
        assert words in text, words


PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler-utils is not installed (make pdftools)")
@pytest.mark.parametrize("which", ["statement", "summary"])
def test_every_page_renders_as_an_a4_page_with_ink_on_it(
    which: str, statement_pdf: bytes, summary_pdf: bytes, tmp_path: Path
) -> None:
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(statement_pdf if which == "statement" else summary_pdf)
    subprocess.run([PDFTOPPM, "-r", "40", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)  # noqa: S603
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 2
    for path in images:
        with Image.open(path) as image:
            # A4 at 40 dpi: 8.27 x 11.69 inches.
            assert image.size == (331, 468)
            histogram = image.convert("L").histogram()
            dark = sum(histogram[:128])
            assert 0.01 < dark / (image.width * image.height) < 0.5


def test_a_summer_incident_is_in_british_summer_time_and_a_long_property_list_runs_over_pages() -> None:
    lines = [PropertyItem(f"Item {n}", 1, 100 * n, n % 3 == 0) for n in range(1, 61)]
    document = samples.summary(occurred_at=datetime(2026, 7, 4, 13, 5, tzinfo=UTC), property=lines)
    pages = pages_text(render_incident_summary(document))
    text = flat(" ".join(pages))
    assert "Occurred Sat 4 Jul 2026 14:05 BST (UTC+01:00)" in text
    assert "Item 60" in text
    stolen = sum(100 * n for n in range(1, 61) if n % 3)
    assert f"Not recovered £{stolen // 100:,}.00" in text
    assert len(pages) >= 3 and all(f"of {len(pages)}" in page for page in pages)


def test_the_font_and_its_licence_ship_inside_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["shopwatch"]
    shipped = sorted(path.name for path in FONTS.iterdir())
    assert shipped == ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LICENSE.txt"]
    for name in shipped:
        assert any(fnmatch(f"evidence/fonts/{name}", pattern) for pattern in patterns), name


def test_a_very_long_name_is_shortened_only_in_the_running_header_and_under_the_signature() -> None:
    name = "Maximilian Alexander Wolfeschlegelsteinhausenbergerdorff-Ó Briain ap Llywelyn ab Iorwerth"
    pages = pages_text(render_statement(samples.statement(witness_name=name, signed_name=name)))
    assert f"Statement of: {name}" in flat(pages[0])
    assert f"Signed by {name}" in flat(pages[-1])
    header = pages[1].splitlines()
    assert any(line.startswith("Continuation of statement of Maximilian") for line in header)
    assert any("URN: MH-2026-00154" in line for line in header)


def test_the_font_is_embedded_so_any_reader_prints_the_same_letters(statement_pdf: bytes) -> None:
    fonts = {}
    for page in PdfReader(io.BytesIO(statement_pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[font["/BaseFont"]] = "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert fonts == {"/MPDFAA+DejaVuSansBook": True, "/MPDFAA+DejaVuSansBold": True}


def test_a_statements_file_in_the_pack_stays_on_the_page_of_its_row() -> None:
    entry = samples.summary().statements[0]
    statements = [
        replace(entry, version=n, sha256=str(n) * 64, file_name=f"statements/MH-2026-00154-MG11-SR-v{n}.pdf")
        for n in range(1, 10)
    ]
    # Twelve property lines put the page break just after one statement's row, before its file's line.
    lines = [PropertyItem(f"Item {n}", 1, 100, False) for n in range(12)]
    pages = pages_text(render_incident_summary(samples.summary(statements=statements, property=lines)))
    where = {
        int(version): number
        for number, page in enumerate(pages)
        for version in re.findall(r"MG11-SR-v(\d)\.pdf", page)
    }
    assert sorted(where) == list(range(1, 10))
    assert len(set(where.values())) == 2  # the list runs over a page break
    for version, number in where.items():
        assert str(version) * 16 in pages[number], version
