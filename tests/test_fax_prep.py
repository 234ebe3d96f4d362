"""Tests of each fax page preparation step, of orientation, of the shared OCR limit and of cover sheets."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline import documents, ocr
from pipeline.faxcover import CoverSheet, is_cover_sheet, read_cover_sheet
from pipeline.ocr import (
    PSM_BLOCK,
    deskew,
    estimate_skew,
    ocr_page,
    prepare_page,
    remove_speckle,
    square_pixels,
)
from pipeline.settings import OcrSettings, load_settings
from tests.conftest import FONT
from tests.fax_bench.benchmark import cer, levenshtein

LINES = [
    "Agency: Department of Water Resources",
    "Project: replace the PBX at Sacramento headquarters",
    "Timeframe: July 2025 through June 2026",
    "Contact: jane.doe@water.ca.gov 916-555-0142",
    "The department asks for delegation authority for its telephone system.",
    "Staff will manage the project while the vendor installs the equipment.",
]


def _page(angle: float = 0.0, size: tuple[int, int] = (1700, 1100)) -> Image.Image:
    """Text lines at fax resolution, rotated `angle` degrees counter-clockwise, bilevel."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 30)
    for i, line in enumerate(LINES * 3):
        draw.text((120, 80 + 52 * i), line, font=font, fill=0)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return page.point(lambda v: 255 if v > 150 else 0).convert("1")


@pytest.mark.parametrize("angle", [1.5, -1.5, 0.6, -2.0])
def test_estimate_skew_finds_a_known_rotation(angle: float) -> None:
    assert estimate_skew(_page(angle).convert("L")) == pytest.approx(angle, abs=0.3)


def test_deskew_makes_lines_level_again() -> None:
    skewed = _page(1.5).convert("L")
    straightened = deskew(skewed, estimate_skew(skewed))
    assert straightened.size == skewed.size
    assert abs(estimate_skew(straightened)) <= 0.1


def test_blank_page_has_no_skew() -> None:
    assert estimate_skew(Image.new("L", (500, 400), 255)) == 0.0


def test_normal_mode_page_becomes_square() -> None:
    image = Image.new("L", (1728, 1078), 255)
    squared, dpi = square_pixels(image, (204.0, 98.0))
    assert squared.size == (1728, round(1078 * 204 / 98))
    assert dpi == 204
    assert square_pixels(image, (204.0, 196.0)) == (image, 204)  # within 5 %: left alone
    assert square_pixels(image, None) == (image, None)


def test_prepared_page_is_deskewed_and_bilevel() -> None:
    page = prepare_page(_page(1.5), dpi=(204.0, 196.0))
    assert page.skew == pytest.approx(1.5, abs=0.3)
    assert page.image.mode == "1"
    assert page.psm == PSM_BLOCK


def test_speckle_is_removed_and_strokes_kept() -> None:
    image = _page().convert("L")
    ink = int((np.asarray(image) < 128).sum())
    pixels = image.load()
    for x in range(10, 1690, 37):
        pixels[x, 1050] = 0  # isolated dots below the text
    cleaned = remove_speckle(image)
    assert all(cleaned.getpixel((x, 1050)) == 255 for x in range(10, 1690, 37))
    assert (np.asarray(cleaned) < 128).sum() >= 0.85 * ink


def test_thin_strokes_survive_speckle_removal() -> None:
    # One-pixel strokes: a median filter would erase them, so only lone dots go.
    image = Image.new("L", (300, 200), 255)
    draw = ImageDraw.Draw(image)
    for y in range(20, 180, 10):
        draw.line((20, y, 280, y), fill=0, width=1)
    image.putpixel((5, 5), 0)
    cleaned = remove_speckle(image)
    assert cleaned.getpixel((5, 5)) == 255
    assert (np.asarray(cleaned) < 128).sum() == (np.asarray(image) < 128).sum() - 1


def test_upside_down_page_is_turned_and_read() -> None:
    upright = _page(size=(1700, 1100))
    result = ocr_page(upright.rotate(180), OcrSettings(), dpi=(204.0, 196.0))
    assert "sacramento headquarters" in result.text.lower()
    assert result.confidence is not None and result.confidence > 0.8


def test_confident_page_skips_orientation_detection(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("OSD should not run on a confident page")

    monkeypatch.setattr(ocr, "detect_orientation", fail)
    result = ocr_page(_page(1.0), OcrSettings(), dpi=(204.0, 196.0))
    assert "delegation authority" in result.text.lower()


def test_ocr_slots_are_shared_between_documents(monkeypatch) -> None:
    """Two documents read at once never run more tesseracts than there are workers."""
    running = peak = 0
    lock = threading.Lock()

    def fake_ocr(image, settings, dpi=None, slots=None):
        nonlocal running, peak
        with slots:  # where ocr_page runs tesseract
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.02)
            with lock:
                running -= 1
        return ocr.OcrResult(text="x", confidence=0.9)

    monkeypatch.setattr(documents, "ocr_page", fake_ocr)
    scans = [documents._Scan(n, Image.new("1", (10, 10), 1), None) for n in range(1, 9)]
    base = load_settings()
    settings = base.model_copy(update={"ocr": base.ocr.model_copy(update={"workers": 2})})
    threads = [
        threading.Thread(target=documents._collect, args=(iter(scans), settings)) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2


def test_character_error_rate() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert cer("a  b\nc", "a b c") == 0.0
    assert cer("", "abcd") == 1.0


COVER = """NOV-16-2026 09:31 FROM: 916 555 0178 TO: 19164639926 P.001/003

FAX

California Department of Parks and Recreation

To: CALNET Program Chief, Office of Technology Services
Fax number: (916) 463-9920

From: Catherine D. Lindqvist, Chief Information Officer
Fax number: (916) 555-0178

Phone: (916) 555-0177
Date: November 16, 2026
Pages: 3 (including this cover sheet)
Re: CALNET Delegation Request - Hearst San Simeon
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            COVER,
            CoverSheet(
                sender_fax="916-555-0178",
                page_count=3,
                sender="Catherine D. Lindqvist, Chief Information Officer",
                recipient="CALNET Program Chief, Office of Technology Services",
            ),
        ),
        (
            (
                "FAX COVER SHEET\nTo: OTS CALNET  Fax: 916.463.9920\n"
                "From: Omar Ruiz, CHP   Fax: 1-916-555-0155\nDate: 11/20/2026\n"
                "Number of pages (including cover): 4\n"
            ),
            CoverSheet("916-555-0155", 4, "Omar Ruiz, CHP", "OTS CALNET"),
        ),
        (
            # No page count on the form, no fax number in From: the machine header has both.
            (
                "11/20/2026 08:47 FROM: 916 555 0155 TO: 19164639920 P.001/002\n"
                "Facsimile Transmittal\nTo: CALNET Program\nFrom: Department of Justice\n"
                "Re: delegation request\n"
            ),
            CoverSheet("916-555-0155", 2, "Department of Justice", "CALNET Program"),
        ),
        (
            (
                "Fax Transmittal\nAttention: CALNET\nSender: Maria Chen\nSubject: request\n"
                "3 pages including cover\n"
            ),
            CoverSheet(None, 3, "Maria Chen", "CALNET"),
        ),
    ],
    ids=["parks-ocr", "inline-fax-numbers", "header-fallback", "no-fax-number"],
)
def test_read_cover_sheet(text: str, expected: CoverSheet) -> None:
    assert read_cover_sheet(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A request letter sent by fax: a machine header and a fax number, but no cover form.
        (
            "NOV-12-2026 10:14 FROM: 707 555 0142 TO: 19164639920 P.001/002\n"
            "CALNET Delegation Request\nAgency: Department of Veterans Affairs\n"
            "Contact: Jane Doe\nPhone: (707) 555-0140\nFax: (707) 555-0142\n"
            "We request delegation authority to replace our PBX."
        ),
        "Please fax the signed pages to us. From: the CALNET team.",
        "",
    ],
    ids=["faxed-letter", "mentions-fax", "empty"],
)
def test_not_a_cover_sheet(text: str) -> None:
    assert not is_cover_sheet(text)
    assert read_cover_sheet(text) is None
