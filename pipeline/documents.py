"""Read an attachment's text: PDF text layers, OCR of scans and fax images, plain text, HTML."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import threading
import time
import zipfile
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import pdfplumber
import pypdfium2 as pdfium
from bs4 import BeautifulSoup
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image, ImageSequence, UnidentifiedImageError

from models.records import Attachment, CoverSheet, DocumentText, Page
from pipeline.errors import EncryptedPdf, LimitExceeded, OcrTimeout, UnreadableAttachment
from pipeline.faxcover import read_cover_sheet
from pipeline.ocr import ocr_page
from pipeline.settings import Settings

log = logging.getLogger(__name__)

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
ZIP = "application/zip"
OLE2 = "application/x-ole-storage"
TEXT = "text/plain"
HTML = "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

IMAGE_TYPES = frozenset({TIFF, PNG, JPEG, GIF})
TEXT_TYPES = frozenset({TEXT, HTML})

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
)
_OOXML = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
PDF_SNIFF_BYTES = 1024
"""A PDF header may follow a little junk; readers accept it within the first kilobyte."""
RENDER_DPI = 200
"""Resolution for rendering a page that needs OCR but holds no usable embedded image."""
MIN_IMAGE_COVER = 0.5
"""An embedded image must cover this share of the page to stand for the whole page."""
MIN_TEXT_LAYER_CHARS = 200
"""A text layer shorter than this over a page-sized image (a fax gateway's header line,
say) is not the page's text: the image is OCR'd and the text layer kept before it."""

_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _ocr_slots(workers: int) -> threading.BoundedSemaphore:
    """The process-wide limit on tesseract runs at once, shared by every document read.

    Documents are read concurrently (one task per attachment) and each OCRs its pages
    concurrently; without one shared limit two faxes would start twice as many
    tesseract processes as there are cores, and each page would run slower.
    """
    with _slots_lock:
        if workers not in _slots:
            _slots[workers] = threading.BoundedSemaphore(workers)
        return _slots[workers]


@dataclass(frozen=True)
class _Scan:
    """A page image waiting for OCR."""

    number: int
    image: Image.Image
    dpi: tuple[float, float] | None
    text_layer: str = ""
    """Text the page carries besides its image (too little to stand for the page)."""


def sniff_media_type(data: bytes, declared: str = "") -> str:
    """The media type of `data` from its magic bytes; text types fall back to `declared`.

    Bytes with no known signature are `text/html` or `text/plain` when declared so
    (or when they look like HTML), else the declared type, else
    `application/octet-stream`.
    """
    head = data[:PDF_SNIFF_BYTES]
    if b"%PDF-" in head:
        return PDF
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return _ooxml_type(data) if media_type == ZIP else media_type
    declared = declared.split(";")[0].strip().lower()
    if declared in TEXT_TYPES:
        return declared
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return HTML
    return declared or "application/octet-stream"


def _ooxml_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZIP
    if "[Content_Types].xml" in names:
        for prefix, media_type in _OOXML:
            if any(n.startswith(prefix) for n in names):
                return media_type
    return ZIP


def read_document(attachment: Attachment, settings: Settings) -> DocumentText:
    """Read the text of one attachment, page by page, OCRing pages that have no text.

    The result's `media_type` is the type sniffed from the bytes. Never raises for
    bad input: an empty, corrupt, encrypted, unsupported or over-limit file, or a
    page whose OCR times out, gives a `DocumentText` with no pages whose `error`
    says why in one line. (A missing tesseract still raises `TriageError`: that is
    the installation's fault, not the file's.)
    """
    data = attachment.data
    media_type = sniff_media_type(data, attachment.media_type)
    document = DocumentText(name=attachment.name, media_type=media_type)
    try:
        pages, ocr_used = _collect(_page_items(data, media_type, settings), settings)
    except (UnreadableAttachment, LimitExceeded, OcrTimeout) as e:
        log.warning("attachment %s: %s", attachment.name, e.message)
        document.error = e.message
        return document
    document.pages = pages
    document.text_source = "ocr" if ocr_used else "text_layer"
    confidences = [p.ocr_confidence for p in pages if p.ocr_confidence is not None]
    if confidences:
        document.ocr_confidence = round(sum(confidences) / len(confidences), 3)
    cover = read_cover_sheet(pages[0].text) if pages else None
    if cover is not None:
        document.cover_sheet = CoverSheet(**dataclasses.asdict(cover))
    return document


def _page_items(data: bytes, media_type: str, settings: Settings) -> Iterator[Page | _Scan]:
    """Check the whole-file limits, then hand over to the reader for `media_type`."""
    if not data:
        raise UnreadableAttachment("empty file")
    limit = settings.limits.max_attachment_bytes
    if len(data) > limit:
        raise LimitExceeded(f"over the size limit ({len(data)} bytes > {limit})")
    reader = _READERS.get(media_type)
    if reader is None:
        raise UnreadableAttachment(f"unsupported file type {media_type}")
    return reader(data, media_type, settings)


def _collect(items: Iterator[Page | _Scan], settings: Settings) -> tuple[list[Page], bool]:
    """Pages in order, OCRing scans concurrently; True when any page was OCR'd.

    Scans are decoded one at a time by `items` (PIL and pdfium objects are not
    shared between threads) and at most two per worker wait in memory.
    """
    workers = settings.ocr.workers or os.cpu_count() or 1
    pages: dict[int, Page] = {}
    pending: dict[Future[Page], int] = {}
    ocr_used = False
    # Twice as many threads as tesseract slots: a page is prepared while others are read.
    pool = ThreadPoolExecutor(max_workers=2 * workers, thread_name_prefix="ocr")
    limit = settings.limits.parse_seconds
    parsing = 0.0  # time spent reading and decoding the file, OCR not counted
    try:
        while True:
            started = time.monotonic()
            item = next(items, None)
            parsing += time.monotonic() - started
            if item is None:
                break
            if parsing > limit:
                raise LimitExceeded(f"reading the file took over {limit:g} s (limits.parse_seconds)")
            if isinstance(item, Page):
                pages[item.number] = item
                continue
            ocr_used = True
            pending[pool.submit(_ocr_scan, item, settings, workers)] = item.number
            if len(pending) >= 2 * workers:
                _drain(pending, pages, FIRST_COMPLETED)
        _drain(pending, pages, ALL_COMPLETED)
    finally:
        if isinstance(items, Generator):
            items.close()
        pool.shutdown(wait=True, cancel_futures=True)
    return [pages[n] for n in sorted(pages)], ocr_used


def _drain(pending: dict[Future[Page], int], pages: dict[int, Page], return_when: str) -> None:
    done, _ = wait(pending, return_when=return_when)
    # Lowest page first, so that of several failing pages the first is reported.
    for future in sorted(done, key=pending.__getitem__):
        number = pending.pop(future)
        pages[number] = future.result()


def _ocr_scan(scan: _Scan, settings: Settings, workers: int) -> Page:
    try:
        result = ocr_page(scan.image, settings.ocr, scan.dpi, slots=_ocr_slots(workers))
    except (OcrTimeout, UnreadableAttachment) as e:
        raise type(e)(f"page {scan.number}: {e.message}", where=e.where) from e
    confidence = None if result.confidence is None else round(result.confidence, 3)
    text = "\n\n".join(t for t in (scan.text_layer.strip(), result.text) if t)
    return Page(number=scan.number, text=text, ocr_confidence=confidence)


def _check_page_count(count: int, settings: Settings) -> None:
    limit = settings.limits.max_pages
    if count > limit:
        raise LimitExceeded(f"over the page limit ({count} > {limit})")


def _check_pixels(size: tuple[int, int], number: int, settings: Settings) -> None:
    width, height = size
    limit = settings.limits.max_page_pixels
    if width * height > limit:
        raise LimitExceeded(
            f"page {number}: image too large ({width}x{height} pixels > {limit})"
        )


def _describe(error: BaseException) -> str:
    """One line about a third-party exception, for a user to read."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."


# --- PDF ---------------------------------------------------------------------


def _pdf_pages(data: bytes, media_type: str, settings: Settings) -> Iterator[Page | _Scan]:
    """Text-layer pages as they are; pages without text as scans, from one open of each library."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        cause = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
        if isinstance(cause, PDFEncryptionError):  # PDFPasswordIncorrect included
            raise EncryptedPdf("encrypted PDF") from e
        raise UnreadableAttachment(f"corrupt PDF: {_describe(cause)}") from e
    with pdf:
        try:
            plumber_pages = pdf.pages
        except Exception as e:  # pdfminer raises many types on malformed input
            raise UnreadableAttachment(f"corrupt PDF: {_describe(e)}") from e
        if not plumber_pages:
            raise UnreadableAttachment("corrupt PDF: no pages")
        _check_page_count(len(plumber_pages), settings)
        rendered: pdfium.PdfDocument | None = None
        try:
            for number, plumber_page in enumerate(plumber_pages, 1):
                try:
                    text = plumber_page.extract_text() or ""
                    usable = _usable_text_layer(text, plumber_page)
                except Exception as e:  # pdfminer raises many types on malformed input
                    raise UnreadableAttachment(
                        f"corrupt PDF: page {number}: {_describe(e)}"
                    ) from e
                finally:
                    plumber_page.close()
                if usable:
                    yield Page(number=number, text=text)
                    continue
                if rendered is None:
                    rendered = _open_pdfium(data)
                yield _pdf_scan(rendered, number, settings, text)
        finally:
            if rendered is not None:
                rendered.close()


def _usable_text_layer(text: str, page: pdfplumber.page.Page) -> bool:
    """Whether `text` is the page's text: any text, unless it is a line or two over a scan."""
    text = text.strip()
    if not text:
        return False
    if len(text) >= MIN_TEXT_LAYER_CHARS:
        return True
    area = float(page.width) * float(page.height)
    covered = max(
        ((float(i["x1"]) - float(i["x0"])) * (float(i["bottom"]) - float(i["top"]))
         for i in page.images),
        default=0.0,
    )
    return covered < MIN_IMAGE_COVER * area


def _open_pdfium(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise EncryptedPdf("encrypted PDF") from e
        raise UnreadableAttachment(f"corrupt PDF: {_describe(e)}") from e


def _pdf_scan(
    document: pdfium.PdfDocument, number: int, settings: Settings, text_layer: str = ""
) -> _Scan:
    """The page's image for OCR: its embedded scan at its own resolution, else a rendering.

    Rendering a 98-dpi fax image at 300 dpi smoothed it and OCR'd badly (17.9 %
    character errors), so the embedded image is preferred when it is the page.
    """
    try:
        page = document[number - 1]
    except (pdfium.PdfiumError, IndexError) as e:
        raise UnreadableAttachment(f"corrupt PDF: page {number}: {_describe(e)}") from e
    try:
        found = _embedded_image(page, number, settings)
        if found is not None:
            return _Scan(number, *found, text_layer=text_layer)
        width, height = page.get_size()
        scale = RENDER_DPI / 72
        _check_pixels((round(width * scale), round(height * scale)), number, settings)
        try:
            image = page.render(scale=scale, grayscale=True).to_pil().copy()
        except pdfium.PdfiumError as e:
            raise UnreadableAttachment(f"corrupt PDF: page {number}: {_describe(e)}") from e
        return _Scan(number, image, (RENDER_DPI, RENDER_DPI), text_layer=text_layer)
    finally:
        page.close()


def _embedded_image(
    page: pdfium.PdfPage, number: int, settings: Settings
) -> tuple[Image.Image, tuple[float, float]] | None:
    """The one upright image that covers most of the page, with its x/y resolution."""
    if page.get_rotation() % 360:
        return None
    page_width, page_height = page.get_size()
    best: pdfium.PdfImage | None = None
    best_area = 0.0
    for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=0):
        left, bottom, right, top = obj.get_bounds()
        area = (right - left) * (top - bottom)
        if area > best_area:
            best, best_area = obj, area
    if best is None or best_area < MIN_IMAGE_COVER * page_width * page_height:
        return None
    matrix = best.get_matrix()
    if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
        return None  # rotated or mirrored: let pdfium render it the right way round
    px_width, px_height = best.get_px_size()
    _check_pixels((px_width, px_height), number, settings)
    try:
        # A copy: the PIL image would otherwise share pdfium's buffer.
        image = best.get_bitmap(render=False).to_pil().copy()
    except pdfium.PdfiumError:
        return None
    dpi = (px_width * 72 / matrix.a, px_height * 72 / matrix.d)
    return image, dpi


# --- Images --------------------------------------------------------------------


def _image_pages(data: bytes, media_type: str, settings: Settings) -> Iterator[_Scan]:
    """Every frame of a TIFF, PNG, JPEG or GIF, checked against the limits before decoding."""
    kind = media_type.split("/")[-1].upper()
    try:
        image = Image.open(io.BytesIO(data))
        count = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as e:
        raise LimitExceeded(f"image too large: {_describe(e)}") from e
    except UnidentifiedImageError as e:
        raise UnreadableAttachment(f"corrupt {kind}: the image cannot be decoded") from e
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise UnreadableAttachment(f"corrupt {kind}: {_describe(e)}") from e
    with image:
        _check_page_count(count, settings)
        for number, frame in enumerate(ImageSequence.Iterator(image), 1):
            _check_pixels(frame.size, number, settings)
            try:
                frame.load()
                copy = frame.copy()
            except (OSError, ValueError, SyntaxError, EOFError) as e:
                raise UnreadableAttachment(
                    f"corrupt {kind}: page {number}: {_describe(e)}"
                ) from e
            yield _Scan(number, copy, frame.info.get("dpi"))


# --- Text ----------------------------------------------------------------------

_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head")
_INLINE_TAGS = ("a", "abbr", "b", "big", "code", "em", "font", "i", "small", "span", "strong",
                "sub", "sup", "u")


def _text_pages(data: bytes, media_type: str, settings: Settings) -> Iterator[Page]:
    """Plain text or HTML as one page."""
    text = decode_text(data)
    if media_type == HTML:
        try:
            text = html_to_text(text)
        except RecursionError as e:
            raise UnreadableAttachment("HTML nested too deep to read") from e
        except Exception as e:  # noqa: BLE001 - bs4 rejects some markup (ParserRejectedMarkup)
            raise UnreadableAttachment(f"HTML unreadable: {type(e).__name__}") from e
    yield Page(number=1, text=text)


def decode_text(data: bytes) -> str:
    """Bytes as text: UTF-8 (BOM dropped), else Windows-1252; newlines normalised."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one block per line, no runs of blank lines."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_INVISIBLE_TAGS):
        tag.decompose()
    # Inline markup must not break a line ("Agency: <b>DWR</b>" stays one line).
    for tag in soup(_INLINE_TAGS):
        tag.unwrap()
    soup.smooth()
    lines = [" ".join(line.split()) for line in soup.get_text("\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_READERS: dict[str, Callable[[bytes, str, Settings], Iterator[Page | _Scan]]] = {
    PDF: _pdf_pages,
    **{media_type: _image_pages for media_type in IMAGE_TYPES},
    **{media_type: _text_pages for media_type in TEXT_TYPES},
}
"""Which reader handles each sniffed media type; anything else is unsupported."""
