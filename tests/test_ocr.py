"""Tests of pipeline.ocr: page preparation and real tesseract runs on rendered faxes."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from pipeline.errors import OcrTimeout
from pipeline.ocr import PSM_BLOCK, PSM_PAGE, ocr_page, prepare_page, tesseract_config
from pipeline.settings import OcrSettings

WORDS = ("calnet", "delegation", "sacramento", "headquarters", "timeframe")


def _found(text: str) -> list[str]:
    lowered = text.lower()
    return [w for w in WORDS if w in lowered]


def test_one_tesseract_thread_per_process() -> None:
    assert os.environ["OMP_THREAD_LIMIT"] == "1"


def test_normal_mode_fax_is_stretched_to_square_pixels(fax_image) -> None:
    fax = fax_image(dpi=(204, 98))
    page = prepare_page(fax)
    assert page.image.mode == "1"  # bilevel in, bilevel out: tesseract skips thresholding
    assert page.image.width == fax.width
    assert page.image.height == round(fax.height * 204 / 98)
    assert page.dpi == 204
    assert page.psm == PSM_BLOCK


def test_fine_mode_fax_keeps_its_size_and_is_not_upscaled(fax_image) -> None:
    fax = fax_image(dpi=(204, 196))
    page = prepare_page(fax)
    assert page.image.size == fax.size
    assert page.dpi == 204
    assert page.psm == PSM_BLOCK  # fax pages read best as one block, either mode


def test_explicit_dpi_overrides_image_info(fax_image) -> None:
    fax = fax_image(dpi=(204, 196))
    page = prepare_page(fax, dpi=(204.0, 98.0))
    assert page.image.height == round(fax.height * 204 / 98)


def test_bilevel_speckle_is_removed_by_the_median_filter() -> None:
    image = Image.new("1", (50, 50), 1)
    image.putpixel((25, 25), 0)
    page = prepare_page(image)
    assert page.image.getpixel((25, 25)) == 255


def test_gray_scan_is_read_with_layout_analysis(text_image) -> None:
    assert prepare_page(text_image()).psm == PSM_PAGE


def test_colour_image_without_dpi_is_only_made_gray() -> None:
    image = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    image.putpixel((5, 5), (200, 0, 0, 255))
    page = prepare_page(image)
    assert (page.image.mode, page.image.size, page.dpi, page.psm) == ("L", (40, 30), None, 3)
    # Transparent areas become white paper, and a gray page gets no median filter.
    assert page.image.getpixel((0, 0)) == 255
    assert page.image.getpixel((5, 5)) < 255


def test_absurd_dpi_is_treated_as_unknown() -> None:
    image = Image.new("L", (40, 30), 255)
    assert prepare_page(image, dpi=(1.0, 1.0)).dpi is None


def test_config_names_engine_mode_and_resolution() -> None:
    assert tesseract_config(204, 6) == "--oem 3 --psm 6 --dpi 204"
    assert tesseract_config(None, 3) == "--oem 3 --psm 3"


@pytest.mark.parametrize("dpi", [(204, 196), (204, 98)], ids=["fine", "normal"])
def test_ocr_reads_a_fax_page(fax_image, dpi) -> None:
    result = ocr_page(fax_image(dpi=dpi), OcrSettings())
    assert len(_found(result.text)) >= 4, result.text
    assert "jane.doe@water.ca.gov" in result.text
    assert result.confidence is not None and 0.7 < result.confidence <= 1.0


def test_ocr_text_keeps_lines_and_paragraphs(text_image) -> None:
    result = ocr_page(text_image(), OcrSettings())
    lines = [line for line in result.text.split("\n") if line]
    assert lines[0].lower().startswith("calnet delegation request")
    assert any(line.lower().startswith("timeframe: july 2025") for line in lines)
    assert all(line == line.strip() and "  " not in line for line in lines)


def test_blank_page_has_no_text_and_no_confidence() -> None:
    result = ocr_page(Image.new("1", (800, 600), 1), OcrSettings())
    assert result.text == ""
    assert result.confidence is None


def test_slow_page_raises_ocr_timeout(fax_image) -> None:
    settings = OcrSettings(page_timeout_seconds=0.01)
    with pytest.raises(OcrTimeout, match=r"OCR timed out after 0\.01 s"):
        ocr_page(fax_image(inches=(8.5, 11)), settings)
