"""Tests of pipeline.documents on real files made here: PDFs, fax TIFFs, images, text, bad files."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import img2pdf
import pytest
from fpdf import FPDF
from PIL import Image

from models.records import Attachment, DocumentText
from pipeline.documents import read_document, sniff_media_type
from pipeline.settings import Settings, load_settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FAX_WORDS = ("calnet", "delegation", "sacramento", "headquarters", "timeframe")


@pytest.fixture(scope="module")
def base_settings() -> Settings:
    return load_settings()


def _settings(base: Settings, *, ocr: dict[str, Any] | None = None, **limits: Any) -> Settings:
    return base.model_copy(
        update={
            "ocr": base.ocr.model_copy(update=ocr or {}),
            "limits": base.limits.model_copy(update=limits),
        }
    )


def _read(
    data: bytes, settings: Settings, media_type: str = "application/octet-stream", name: str = "file"
) -> DocumentText:
    return read_document(Attachment(name=name, media_type=media_type, data=data), settings)


def _found(text: str, words: tuple[str, ...] = FAX_WORDS) -> list[str]:
    lowered = text.lower()
    return [w for w in words if w in lowered]


def _tiff(*pages: Image.Image, dpi: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, "TIFF", compression="group4", dpi=dpi, save_all=True, append_images=rest)
    return out.getvalue()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def _text_pdf(*pages: str, encrypt: bool = False) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


def _tiff_header(width: int, height: int) -> bytes:
    """A G4 TIFF that declares a huge page but holds 16 bytes of data."""
    entries = [
        (256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 4), (262, 3, 0),
        (273, 4, 0), (278, 4, height), (279, 4, 16),
    ]
    data_offset = 8 + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        value = data_offset if tag == 273 else value
        ifd += struct.pack("<HHII" if kind == 4 else "<HHIHxx", tag, kind, 1, value)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 16


# --- PDFs ------------------------------------------------------------------------


def test_text_pdf_is_read_from_its_text_layer(base_settings) -> None:
    data = _text_pdf("Agency: Department of Water Resources — café",
                     "Justification: the PBX is end of life.")
    doc = _read(data, base_settings, name="request.pdf")
    assert doc.error is None
    assert doc.media_type == "application/pdf"
    assert doc.text_source == "text_layer"
    assert [p.number for p in doc.pages] == [1, 2]
    assert "Department of Water Resources — café" in doc.pages[0].text
    assert "end of life" in doc.pages[1].text
    assert doc.ocr_confidence is None
    assert all(p.ocr_confidence is None for p in doc.pages)


def test_image_only_pdf_is_ocrd(base_settings, text_image) -> None:
    data = img2pdf.convert(_png(text_image()))
    doc = _read(data, base_settings, media_type="application/pdf")
    assert doc.error is None
    assert doc.text_source == "ocr"
    assert len(doc.pages) == 1
    assert len(_found(doc.pages[0].text)) >= 4, doc.pages[0].text
    assert doc.ocr_confidence is not None and 0.7 < doc.ocr_confidence <= 1.0


def test_normal_mode_fax_pdf_uses_the_embedded_image(base_settings, fax_image) -> None:
    # img2pdf keeps the 204x98 resolution; the page must be squared before OCR.
    data = img2pdf.convert(_tiff(fax_image(dpi=(204, 98)), dpi=(204, 98)))
    doc = _read(data, base_settings)
    assert doc.error is None and doc.text_source == "ocr"
    assert len(_found(doc.text)) >= 4, doc.text
    assert "jane.doe@water.ca.gov" in doc.text


def test_pdf_with_one_scanned_page_is_ocr(base_settings, text_image) -> None:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Cover sheet: two pages follow.")
    pdf.add_page()
    pdf.image(text_image(), x=0, y=0, w=pdf.w)
    doc = _read(bytes(pdf.output()), base_settings)
    assert doc.error is None
    assert doc.text_source == "ocr"
    assert "Cover sheet" in doc.pages[0].text and doc.pages[0].ocr_confidence is None
    assert len(_found(doc.pages[1].text)) >= 4, doc.pages[1].text
    assert doc.ocr_confidence == doc.pages[1].ocr_confidence


def test_gateway_header_over_a_scan_is_not_the_page_text(base_settings, text_image) -> None:
    # A fax gateway stamps one line of real text over the page image: the image is still OCR'd.
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=8)
    pdf.add_page()
    pdf.image(text_image(inches=(8.5, 11)), x=0, y=10, w=pdf.w)
    pdf.text(10, 6, "Received by eFax Gateway, page 1 of 1")
    doc = _read(bytes(pdf.output()), base_settings)
    assert doc.error is None and doc.text_source == "ocr"
    assert doc.pages[0].text.startswith("Received by eFax Gateway, page 1 of 1")
    assert len(_found(doc.pages[0].text)) >= 4, doc.pages[0].text
    assert doc.pages[0].ocr_confidence is not None


def test_truncated_pdf_is_an_error(base_settings) -> None:
    data = _text_pdf("Agency: Department of Water Resources")
    doc = _read(data[: len(data) // 2], base_settings)
    assert doc.media_type == "application/pdf"
    assert doc.error is not None and doc.error.startswith("corrupt PDF")
    assert doc.pages == [] and doc.text_source is None


def test_encrypted_pdf_is_an_error(base_settings) -> None:
    doc = _read(_text_pdf("secret", encrypt=True), base_settings)
    assert doc.error == "encrypted PDF"
    assert doc.to_contract()["text_path"] is None


def test_pdf_over_the_page_limit_is_not_read(base_settings) -> None:
    doc = _read(_text_pdf("one", "two", "three"), _settings(base_settings, max_pages=2))
    assert doc.error == "over the page limit (3 > 2)"


# --- Faxes and images -------------------------------------------------------------


def test_two_page_fine_mode_fax(base_settings, fax_image) -> None:
    second = ("Page two of the request", "Justification: the Avaya PBX is end of life")
    data = _tiff(fax_image(dpi=(204, 196)), fax_image(second, dpi=(204, 196), seed=2),
                 dpi=(204, 196))
    doc = _read(data, _settings(base_settings, ocr={"workers": 2}), media_type="image/tiff")
    assert doc.error is None
    assert doc.media_type == "image/tiff" and doc.text_source == "ocr"
    assert [p.number for p in doc.pages] == [1, 2]
    assert len(_found(doc.pages[0].text)) >= 4, doc.pages[0].text
    assert "avaya" in doc.pages[1].text.lower() and "end of life" in doc.pages[1].text
    confidences = [p.ocr_confidence for p in doc.pages]
    assert all(c is not None and 0.7 < c <= 1.0 for c in confidences)
    assert doc.ocr_confidence == round(sum(confidences) / 2, 3)


def test_normal_mode_fax(base_settings, fax_image) -> None:
    doc = _read(_tiff(fax_image(dpi=(204, 98)), dpi=(204, 98)), base_settings)
    assert doc.error is None and len(doc.pages) == 1
    assert len(_found(doc.text)) >= 4, doc.text
    assert "916-555-0142" in doc.text


def test_png_declared_as_octet_stream(base_settings, text_image) -> None:
    doc = _read(_png(text_image()), base_settings, media_type="application/octet-stream")
    assert doc.media_type == "image/png" and doc.error is None
    assert len(_found(doc.text)) >= 4, doc.text


def test_fax_over_the_page_limit_is_not_ocrd(base_settings, fax_image) -> None:
    page = fax_image(inches=(8.5, 2))
    doc = _read(_tiff(page, page, dpi=(204, 196)), _settings(base_settings, max_pages=1))
    assert doc.error == "over the page limit (2 > 1)"


def test_decompression_bomb_is_an_error(base_settings) -> None:
    doc = _read(_tiff_header(100_000, 100_000), base_settings)
    assert doc.media_type == "image/tiff"
    assert doc.error is not None and doc.error.startswith("image too large")


def test_page_over_the_pixel_limit_is_not_decoded(base_settings) -> None:
    doc = _read(_tiff_header(9_000, 9_000), base_settings)
    assert doc.error == "page 1: image too large (9000x9000 pixels > 60000000)"


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_truncated_tiff_is_an_error(base_settings, fax_image) -> None:
    data = _tiff(fax_image(), dpi=(204, 196))
    doc = _read(data[:300], base_settings)
    assert doc.error == "corrupt TIFF: the image cannot be decoded"


def test_ocr_timeout_names_the_page(base_settings, fax_image) -> None:
    settings = _settings(base_settings, ocr={"page_timeout_seconds": 0.01})
    doc = _read(_tiff(fax_image(inches=(8.5, 11)), dpi=(204, 196)), settings)
    assert doc.error == "page 1: OCR timed out after 0.01 s"
    assert doc.pages == []


# --- Text and bad input --------------------------------------------------------------


def test_plain_text_in_cp1252(base_settings) -> None:
    data = "Agency: Caltrans\r\nScope: café upgrade\r\n".encode("cp1252")
    doc = _read(data, base_settings, media_type="text/plain")
    assert doc.error is None and doc.text_source == "text_layer"
    assert doc.text == "Agency: Caltrans\nScope: café upgrade\n"


def test_html_drops_scripts_and_keeps_inline_markup_on_one_line(base_settings) -> None:
    html = (
        b"<html><head><title>t</title><style>p{}</style></head><body>"
        b"<script>var x = 1;</script><p>Agency: <b>Department of Water Resources</b></p>"
        b"<div>Timeframe: July&nbsp;2025</div></body></html>"
    )
    doc = _read(html, base_settings, media_type="text/html; charset=utf-8")
    assert doc.media_type == "text/html" and doc.pages[0].number == 1
    assert doc.text == "Agency: Department of Water Resources\nTimeframe: July 2025"


def test_zip_is_unsupported(base_settings) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("fax.tif", b"not really")
    doc = _read(out.getvalue(), base_settings, media_type="application/pdf")
    assert doc.error == "unsupported file type application/zip"
    assert doc.media_type == "application/zip"


def test_docx_is_sniffed_and_unsupported(base_settings) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    doc = _read(out.getvalue(), base_settings)
    assert doc.error == (
        "unsupported file type "
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_empty_file(base_settings) -> None:
    doc = _read(b"", base_settings, media_type="application/pdf")
    assert doc.error == "empty file"
    assert doc.to_contract()["pages"] is None


def test_file_over_the_size_limit(base_settings) -> None:
    doc = _read(b"%PDF-1.7\n" + b"0" * 100, _settings(base_settings, max_attachment_bytes=50))
    assert doc.error == "over the size limit (109 bytes > 50)"


@pytest.mark.parametrize(
    ("head", "declared", "expected"),
    [
        (b"%PDF-1.4", "", "application/pdf"),
        (b"\r\n%PDF-1.4", "image/png", "application/pdf"),
        (b"MM\x00*rest", "", "image/tiff"),
        (b"\xff\xd8\xff\xe0", "", "image/jpeg"),
        (b"GIF89a", "", "image/gif"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword", "application/x-ole-storage"),
        (b"<!DOCTYPE html><p>", "application/octet-stream", "text/html"),
        (b"hello", "text/plain; charset=us-ascii", "text/plain"),
        (b"\x00\x01\x02", "", "application/octet-stream"),
    ],
)
def test_sniff_media_type(head: bytes, declared: str, expected: str) -> None:
    assert sniff_media_type(head, declared) == expected


def test_reading_over_the_parse_time_limit_is_a_document_error(tmp_path) -> None:
    from fpdf import FPDF

    from models import Attachment
    from pipeline.documents import read_document
    from pipeline.settings import load_settings

    pdf = FPDF()
    for n in range(3):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, f"Page {n + 1} of a request letter")
    settings = load_settings()
    settings.limits.parse_seconds = 1e-9
    doc = read_document(Attachment(name="a.pdf", media_type="application/pdf", data=bytes(pdf.output())), settings)
    assert doc.pages == []
    assert "limits.parse_seconds" in (doc.error or "")
