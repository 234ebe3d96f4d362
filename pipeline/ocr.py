"""OCR of one page image with tesseract: square pixels, clean speckle, read text and confidence."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytesseract
from PIL import Image, ImageFilter
from pytesseract import Output

from pipeline.errors import OcrTimeout, TriageError, UnreadableAttachment
from pipeline.settings import OcrSettings

# One tesseract thread per process: OpenMP threading made a page 2 to 3 times slower
# here; parallelism comes from OCRing pages concurrently instead. Tesseract reads it
# from the environment each run starts with.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

PSM_PAGE = 3
"""Fully automatic page segmentation: the default, best on fine and scanned pages."""
PSM_BLOCK = 6
"""One uniform block of text: best measured on stretched normal-mode (204x98) fax pages."""
OEM_DEFAULT = 3
"""Whatever engine the model has: LSTM here (the legacy engine, `--oem 0`, fails)."""
SQUARE_TOLERANCE = 0.05
"""x and y resolutions closer than this (relative) count as square pixels."""
DPI_RANGE = (30.0, 2400.0)
"""Resolutions outside this range are treated as unknown (a broken header, not a scan)."""


@dataclass(frozen=True)
class OcrResult:
    """The text read from one page image."""

    text: str
    """Words joined by spaces, lines by newlines, paragraphs separated by a blank line."""
    confidence: float | None
    """Mean word confidence in 0..1, or None when no word was read."""


@dataclass(frozen=True)
class PreparedPage:
    """A page image made ready for tesseract, with the settings that go with it."""

    image: Image.Image
    """Grayscale ("L") image with square pixels."""
    dpi: int | None
    """Effective resolution of `image`, or None when unknown (tesseract then estimates)."""
    psm: int
    """Tesseract page segmentation mode to use."""


def tesseract_config(dpi: int | None, psm: int) -> str:
    """The tesseract command-line options for one page (the one place they are set)."""
    options = [f"--oem {OEM_DEFAULT}", f"--psm {psm}"]
    if dpi:
        options.append(f"--dpi {dpi}")
    return " ".join(options)


def _resolution(
    image: Image.Image, dpi: tuple[float, float] | None
) -> tuple[float, float] | None:
    raw = dpi if dpi is not None else image.info.get("dpi")
    try:
        x, y = (float(v) for v in raw)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    low, high = DPI_RANGE
    if not (low <= x <= high and low <= y <= high):
        return None
    return x, y


def _is_bilevel(image: Image.Image) -> bool:
    if image.mode == "1":
        return True
    if image.mode != "L":
        return False
    # Fax images embedded in PDFs arrive as 8-bit gray that holds only black and white.
    return sum(1 for count in image.histogram() if count) <= 2


def _grayscale(image: Image.Image) -> Image.Image:
    if image.mode == "L":
        return image
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if "A" in image.getbands():
        # Transparent areas are paper, not ink.
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    return image.convert("L")


def prepare_page(image: Image.Image, dpi: tuple[float, float] | None = None) -> PreparedPage:
    """Make a page ready for tesseract, as measured best on faxes here.

    Grayscale; non-square pixels (204x98 "normal" fax mode) stretched to square with
    nearest-neighbour, which then reads best with psm 6; a 3x3 median filter on
    bilevel pages to remove speckle. Never upscaled to 300 dpi: that enlarged the
    speckle and multiplied the error rate. `dpi` overrides the image's own
    `info["dpi"]`.
    """
    resolution = _resolution(image, dpi)
    bilevel = _is_bilevel(image)
    gray = _grayscale(image)
    psm = PSM_PAGE
    effective: int | None = None
    if resolution is not None:
        x, y = resolution
        if abs(x - y) > SQUARE_TOLERANCE * max(x, y):
            width, height = gray.size
            if y < x:
                size = (width, max(1, round(height * x / y)))
            else:
                size = (max(1, round(width * y / x)), height)
            gray = gray.resize(size, Image.Resampling.NEAREST)
            psm = PSM_BLOCK
        effective = round(max(x, y))
    if bilevel:
        gray = gray.filter(ImageFilter.MedianFilter(3))
    return PreparedPage(image=gray, dpi=effective, psm=psm)


def _text_and_confidence(data: dict[str, list]) -> OcrResult:
    paragraphs: list[list[str]] = []
    lines: list[list[str]] = []
    confidences: list[float] = []
    para_key: tuple[int, int, int] | None = None
    line_key: tuple[int, int, int, int] | None = None
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        if not word:
            continue
        page, block, par, line = (
            data["page_num"][i],
            data["block_num"][i],
            data["par_num"][i],
            data["line_num"][i],
        )
        if (page, block, par) != para_key:
            para_key = (page, block, par)
            lines = []
            paragraphs.append(lines)
            line_key = None
        if (page, block, par, line) != line_key:
            line_key = (page, block, par, line)
            lines.append([])
        lines[-1].append(word)
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
    text = "\n\n".join("\n".join(" ".join(words) for words in para) for para in paragraphs)
    confidence = sum(confidences) / len(confidences) / 100 if confidences else None
    return OcrResult(text=text, confidence=confidence)


def ocr_page(
    image: Image.Image, settings: OcrSettings, dpi: tuple[float, float] | None = None
) -> OcrResult:
    """OCR one page image with one tesseract run.

    `dpi` is the image's (x, y) resolution when known from elsewhere (a PDF page),
    else `image.info["dpi"]` is used. Raises `OcrTimeout` after
    `settings.page_timeout_seconds`, `UnreadableAttachment` when tesseract rejects
    the image, and `TriageError` when tesseract is not installed.
    """
    page = prepare_page(image, dpi)
    try:
        data = pytesseract.image_to_data(
            page.image,
            lang=settings.language,
            config=tesseract_config(page.dpi, page.psm),
            output_type=Output.DICT,
            timeout=settings.page_timeout_seconds,
        )
    except pytesseract.TesseractNotFoundError as e:
        raise TriageError("tesseract is not installed or not on PATH", where="ocr") from e
    except pytesseract.TesseractError as e:
        raise UnreadableAttachment(f"OCR failed: {e.message}", where="ocr") from e
    except RuntimeError as e:
        if "timeout" in str(e).lower():
            raise OcrTimeout(
                f"OCR timed out after {settings.page_timeout_seconds:g} s"
            ) from e
        raise
    return _text_and_confidence(data)
