"""OCR of one page image with tesseract: prepare it (square pixels, speckle, skew), read it, confidence."""

from __future__ import annotations

import os
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numpy as np
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
"""Fully automatic page segmentation: the default, for scans and rendered pages."""
PSM_BLOCK = 6
"""One uniform block of text: best measured on fax pages of either mode (fine: 1.0 % vs
1.9 % character errors, and 5 % faster)."""
OEM_DEFAULT = 3
"""Whatever engine the model has: LSTM here (the legacy engine, `--oem 0`, fails)."""
SQUARE_TOLERANCE = 0.05
"""x and y resolutions closer than this (relative) count as square pixels."""
DPI_RANGE = (30.0, 2400.0)
"""Resolutions outside this range are treated as unknown (a broken header, not a scan)."""
INK_LEVEL = 128
"""Gray levels below this are ink."""
MEDIAN_MAX_INK_LOSS = 0.15
"""A median filter that would remove more of the ink than this is erasing thin strokes."""
SKEW_MAX_DEGREES = 5.0
"""Skew searched for, either way; fax skew is usually under 2 degrees."""
SKEW_COARSE_STEP = 0.25
SKEW_FINE_STEP = 0.025
SKEW_MIN_DEGREES = 0.1
"""Smaller skew is left alone: rotating costs more than it gains."""
SKEW_SAMPLE = 60_000
"""Ink pixels the skew search looks at (about 15 ms a page)."""
SKEW_MIN_INK = 500
"""Fewer ink pixels than this: too little text to measure skew."""
DESKEW_RESAMPLE = Image.Resampling.NEAREST
"""Nearest keeps a bilevel page bilevel: as accurate as bicubic here, and 15 times faster."""
ORIENTATION_BELOW = 0.5
"""A first reading less confident than this (0..1) is checked for a turned page."""
ORIENTATION_MIN_CONF = 2.0
"""Tesseract OSD orientation confidence below which its answer is not acted on."""
ORIENTATION_MIN_SECONDS = 2.0
"""Time a page must have left for orientation detection and a second reading."""
TRANSFER_FORMAT = "PPM"
"""How a prepared page is written for tesseract (PGM for gray): no compression to wait for."""


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
    """Square-pixel image: bilevel ("1") for a bilevel page, else grayscale ("L")."""
    dpi: int | None
    """Effective resolution of `image`, or None when unknown (tesseract then estimates)."""
    psm: int
    """Tesseract page segmentation mode to use."""
    skew: float = 0.0
    """Degrees of skew corrected (counter-clockwise positive), 0.0 when none was."""


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


def square_pixels(
    image: Image.Image, resolution: tuple[float, float] | None
) -> tuple[Image.Image, int | None]:
    """Stretch non-square pixels (204x98 "normal" fax mode) to square, nearest-neighbour.

    Returns the image and its effective resolution (None when unknown). Only the
    smaller resolution is stretched up to the larger: never upscaled beyond the
    scan's own resolution, which enlarged the speckle and multiplied the error rate.
    """
    if resolution is None:
        return image, None
    x, y = resolution
    if abs(x - y) > SQUARE_TOLERANCE * max(x, y):
        width, height = image.size
        if y < x:
            size = (width, max(1, round(height * x / y)))
        else:
            size = (max(1, round(width * y / x)), height)
        image = image.resize(size, Image.Resampling.NEAREST)
    return image, round(max(x, y))


def remove_speckle(image: Image.Image) -> Image.Image:
    """A 3x3 median filter on a bilevel page, unless the page's strokes are too thin for it.

    The median removes speckle and fills pinholes, but it also erases strokes one
    pixel wide: when it would remove more than `MEDIAN_MAX_INK_LOSS` of the ink, only
    isolated dots (ink with no inked neighbour) are removed instead.
    """
    ink = np.asarray(image) < INK_LEVEL
    total = int(ink.sum())
    if not total:
        return image
    median = image.filter(ImageFilter.MedianFilter(3))
    kept = int((np.asarray(median) < INK_LEVEL).sum())
    if kept >= (1 - MEDIAN_MAX_INK_LOSS) * total:
        return median
    padded = np.pad(ink, 1)
    height, width = ink.shape
    neighbours = sum(
        padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width].astype(np.uint8)
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )
    cleaned = np.asarray(image).copy()
    cleaned[ink & (neighbours == 0)] = 255
    return Image.fromarray(cleaned)


def estimate_skew(image: Image.Image) -> float:
    """The angle in degrees (counter-clockwise positive) the page's text lines are rotated by.

    Projection-profile search: ink pixels (a deterministic sample of at most
    `SKEW_SAMPLE`) are projected onto the vertical along each candidate angle, and the
    angle whose row histogram is sharpest (largest sum of squares) wins; a coarse
    pass over +-`SKEW_MAX_DEGREES`, then a fine one around the best. 0.0 for a page
    with too little ink to say.
    """
    ys, xs = np.nonzero(np.asarray(image) < INK_LEVEL)
    if len(ys) < SKEW_MIN_INK:
        return 0.0
    step = max(1, len(ys) // SKEW_SAMPLE)
    ys = ys[::step].astype(np.float64)
    xs = xs[::step].astype(np.float64)

    def sharpness(angle: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min()).astype(np.float64)
        return float(np.dot(counts, counts))

    coarse = np.arange(-SKEW_MAX_DEGREES, SKEW_MAX_DEGREES + 1e-9, SKEW_COARSE_STEP)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - SKEW_COARSE_STEP, best + SKEW_COARSE_STEP + 1e-9, SKEW_FINE_STEP)
    best = max(fine, key=sharpness)
    return round(float(best), 3)


def deskew(image: Image.Image, angle: float, bilevel: bool = True) -> Image.Image:
    """The page rotated by `-angle` degrees about its centre, same size, paper-white corners.

    Nearest-neighbour keeps a bilevel page bilevel; a gray page is rotated bicubic.
    """
    resample = DESKEW_RESAMPLE if bilevel else Image.Resampling.BICUBIC
    return image.rotate(-angle, resample=resample, fillcolor=255)


def prepare_page(image: Image.Image, dpi: tuple[float, float] | None = None) -> PreparedPage:
    """Make a page ready for tesseract, each step as measured best on faxes here.

    Grayscale; non-square pixels (204x98 "normal" fax mode) stretched to square
    (`square_pixels`); speckle removed on bilevel pages (`remove_speckle`); skew of
    `SKEW_MIN_DEGREES` or more corrected (`estimate_skew`, `deskew`); bilevel pages
    handed over bilevel, so tesseract skips its own thresholding. Fax-like pages
    (bilevel or stretched) are read as one block of text (psm 6), other pages with
    automatic layout analysis (psm 3). `dpi` overrides the image's own `info["dpi"]`.
    The fax benchmark (`tests/fax_bench/`) measures each step.
    """
    resolution = _resolution(image, dpi)
    bilevel = _is_bilevel(image)
    gray, effective = square_pixels(_grayscale(image), resolution)
    stretched = gray.size != image.size
    if bilevel:
        gray = remove_speckle(gray)
    skew = estimate_skew(gray)
    if abs(skew) >= SKEW_MIN_DEGREES:
        gray = deskew(gray, skew, bilevel)
    else:
        skew = 0.0
    if bilevel:
        gray = gray.convert("1", dither=Image.Dither.NONE)
    psm = PSM_BLOCK if bilevel or stretched else PSM_PAGE
    return PreparedPage(image=gray, dpi=effective, psm=psm, skew=skew)


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
    image: Image.Image,
    settings: OcrSettings,
    dpi: tuple[float, float] | None = None,
    slots: AbstractContextManager[object] | None = None,
) -> OcrResult:
    """OCR one page image: prepare it, read it, and turn it upright if it reads badly.

    `dpi` is the image's (x, y) resolution when known from elsewhere (a PDF page),
    else `image.info["dpi"]` is used. `slots`, when given, is held around each
    tesseract run (and only there: preparing the next page overlaps a run), the
    caller's limit on tesseract processes at once. Orientation detection (tesseract
    OSD, about 0.8 s) runs only when the first reading's confidence is below
    `ORIENTATION_BELOW`; the page is then read again turned, and the more confident
    reading kept. All runs of a page share `settings.page_timeout_seconds`, counted
    from the first run's start. Raises `OcrTimeout` when it is used up,
    `UnreadableAttachment` when tesseract rejects the image, and `TriageError` when
    tesseract is not installed.
    """
    slots = slots if slots is not None else nullcontext()
    page = prepare_page(image, dpi)
    with slots:
        deadline = time.monotonic() + settings.page_timeout_seconds
        result = _read(page, settings, deadline)
    if result.confidence is None or result.confidence >= ORIENTATION_BELOW:
        return result
    if deadline - time.monotonic() < ORIENTATION_MIN_SECONDS:
        return result
    with slots:
        turn = detect_orientation(page, settings, deadline)
    if not turn:
        return result
    resolution = _resolution(image, dpi)
    if resolution is not None and turn in (90, 270):
        resolution = (resolution[1], resolution[0])
    # OSD's "Rotate" is clockwise; PIL turns counter-clockwise.
    turned = prepare_page(image.rotate(-turn, expand=True), resolution)
    try:
        with slots:
            second = _read(turned, settings, deadline)
    except OcrTimeout:
        return result
    if second.confidence is not None and second.confidence > result.confidence:
        return second
    return result


def detect_orientation(page: PreparedPage, settings: OcrSettings, deadline: float) -> int:
    """Degrees (0, 90, 180 or 270, clockwise) to turn the page upright; 0 when unsure."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return 0
    page.image.format = TRANSFER_FORMAT
    try:
        osd = pytesseract.image_to_osd(
            page.image,
            config=f"--psm 0 --dpi {page.dpi or 300}",
            output_type=Output.DICT,
            timeout=remaining,
        )
    except (pytesseract.TesseractError, RuntimeError):
        return 0  # too few characters to tell, or out of time: keep the first reading
    turn = int(osd.get("rotate", 0)) % 360
    if turn not in (90, 180, 270) or float(osd.get("orientation_conf", 0)) < ORIENTATION_MIN_CONF:
        return 0
    return turn


def _read(page: PreparedPage, settings: OcrSettings, deadline: float) -> OcrResult:
    """One tesseract run on a prepared page, within what is left of the page's time."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise OcrTimeout(f"OCR timed out after {settings.page_timeout_seconds:g} s")
    # Handed over as uncompressed PNM: PNG encoding cost 60 to 120 ms a page.
    page.image.format = TRANSFER_FORMAT
    try:
        data = pytesseract.image_to_data(
            page.image,
            lang=settings.language,
            config=tesseract_config(page.dpi, page.psm),
            output_type=Output.DICT,
            timeout=remaining,
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
