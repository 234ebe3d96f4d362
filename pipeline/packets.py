"""Write a case's packet: the record, the original message, attachments, text and a summary page."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pypdfium2 as pdfium
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from PIL import Image, ImageSequence

from models.records import FIELD_NAMES, Attachment, DocumentText
from pipeline.filenames import safe_name, unique_names
from pipeline.notices import (
    NOTICE_NAME,
    notice_recipient,
    notice_subject,
    render_notice,
    split_reference,
)

log = logging.getLogger(__name__)

PACKETS_DIR = "packets"
"""Folder under OUT_DIR that holds one folder per queue, then one per case."""
DIR_MODE = 0o700
FILE_MODE = 0o600
TMP_PREFIX = ".tmp-"
"""Prefix of a packet being built (and of a replaced packet set aside), under `packets/`."""
OLD_SUFFIX = ".old"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
REPORT_NAME = "report.html"
THUMBS_DIR = "thumbs"
"""Folder of the packet holding one small PNG per fax page."""
THUMB_WIDTH = 240
"""Width in pixels of a fax page thumbnail."""
MAX_THUMB_PAGES = 20
"""Pages of one fax that get a thumbnail; the rest are in the original."""
LOW_CONFIDENCE = 0.5
"""Field confidence below which a value is marked for checking, when the record does not say
(`review.low_confidence_below` carries the run's `extraction.low_confidence`)."""

FLAG_EXPLANATIONS: dict[str, str] = {
    "submitter_not_cio": (
        "The submitter's title is given and is not the Chief Information Officer or an "
        "equivalent; the policy requires requests to come from the CIO or equivalent."
    ),
    "new_to_market": (
        "The products or services are described as new in the marketplace; OTech may not "
        "grant delegation for those."
    ),
    "complex_technical": (
        "The work is described as complex or technical enough that it may need Office of "
        "Technology Services oversight; delegation may be refused."
    ),
    "exemption_may_be_required": (
        "The purchase itself is to be made outside the CALNET contracts, or the request "
        "refers to an exemption request (STMM 3-501.0): an exemption may also be required."
    ),
    "catalog_reference_missing": (
        "A CALNET contract delegation that names no CALNET Catalog B service or contract item."
    ),
    "low_ocr_quality": (
        "The OCR confidence of at least one document is below the configured threshold; "
        "check the extracted values against the original."
    ),
    "unreadable_attachment": (
        "At least one attachment could not be read (corrupt, encrypted or unsupported); "
        "open the original in attachments/."
    ),
    "possible_duplicate": (
        "The same request seems to have been received already (for example by email and by fax)."
    ),
}
"""What each contract flag means, in words a reviewer reads."""

CATEGORY_LABELS: dict[str, str] = {
    "pbx_key_telephone": "PBX and key telephone systems",
    "ip_pbx_hybrid": "IP enabling PBX components or hybrid PBX systems",
    "transport": "Telecommunications transport solutions",
    "ivr_acd": "IVR/ACD solutions",
    "premise_based": "Premise based solutions",
}
ACTIVITY_LABELS: dict[str, str] = {
    "project_planning": "Project planning",
    "design_development": "Design and development",
    "project_oversight": "Project oversight",
    "installation": "Installation",
    "operation_maintenance": "Operation and maintenance",
}
DELEGATION_TYPE_LABELS: dict[str, str] = {
    "general": "General delegation",
    "calnet_contract": "CALNET contract delegation",
}
KIND_LABELS: dict[str, str] = {
    "delegation_request": "Delegation request",
    "follow_up": "Follow-up",
    "other": "Other",
}
_FIELD_LABELS: dict[str, str] = {
    "form20_reference": "Form 20 reference",
    "products_services": "Products and services",
}


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The Jinja environment for packet and report pages (built once: templates compile once)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["urlquote"] = lambda s: quote(str(s), safe="")
    return env


def queue_dir_name(record: Mapping[str, Any]) -> str:
    """The record's queue, as a safe folder name."""
    route = record.get("route") or {}
    return safe_name(route.get("queue"), fallback="unrouted")


def case_dir_name(record: Mapping[str, Any]) -> str:
    """The record's case id, as a safe folder name."""
    return safe_name(record.get("case_id"), fallback="case")


def packet_path(out_dir: Path, record: Mapping[str, Any]) -> Path:
    """Where the record's packet lives: `OUT_DIR/packets/QUEUE/CASE_ID`."""
    return Path(out_dir) / PACKETS_DIR / queue_dir_name(record) / case_dir_name(record)


def packet_href(record: Mapping[str, Any]) -> str:
    """The packet's summary page relative to OUT_DIR, as a POSIX path (not URL-quoted)."""
    return f"{PACKETS_DIR}/{queue_dir_name(record)}/{case_dir_name(record)}/summary.html"


def write_packet(
    out_dir: Path,
    record: dict[str, Any],
    raw: bytes,
    attachments: list[Attachment],
    documents: list[DocumentText],
) -> Path:
    """Write the case's packet atomically and return its folder.

    The packet is built in `packets/.tmp-CASE_ID-PID`, every file fsynced, then renamed into
    `packets/QUEUE/CASE_ID`. A packet already there (an earlier or killed run) is set aside,
    replaced and removed, as is a packet of the same case left in another queue's folder.
    """
    out_dir = Path(out_dir)
    packets = out_dir / PACKETS_DIR
    _make_dirs(out_dir, packets)
    target = packet_path(out_dir, record)
    case = target.name
    tmp = packets / f"{TMP_PREFIX}{case}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        _build_packet(tmp, record, raw, attachments, documents)
        _make_dirs(packets, target.parent)
        _install(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    for other in packets.glob(f"*/{case}"):
        if other != target and other.parent.name[:1] != ".":
            log.info("case %s: removing its packet from queue %s", case, other.parent.name)
            shutil.rmtree(other, ignore_errors=True)
    return target


def rewrite_packet(out_dir: Path, packet: Path, record: dict[str, Any]) -> Path:
    """Write a filed case's packet again for its updated record (moved when its queue changed).

    The message is parsed again from the packet's `message.eml` for its attachments; the
    documents' text comes from the packet's `text/` files, so nothing is read or OCRed twice.
    """
    from models.records import Page
    from pipeline.mime import parse_message

    raw = (packet / "message.eml").read_bytes()
    attachments = parse_message(raw).attachments if raw else []
    documents = []
    for doc in record.get("documents") or []:
        pages: list[Page] = []
        text_path = doc.get("text_path")
        if text_path and _inside(packet / "text", Path(text_path).name) and (packet / text_path).is_file():
            text = (packet / text_path).read_text(encoding="utf-8", errors="replace")
            pages = [Page(number=i, text=t) for i, t in enumerate(text.split("\n\f\n"), 1)]
        documents.append(
            DocumentText(name=doc.get("name") or "document", media_type=doc.get("media_type") or "",
                         text_source=doc.get("text_source"), pages=pages,
                         ocr_confidence=doc.get("ocr_confidence"), error=doc.get("error"))
        )
    return write_packet(out_dir, record, raw, attachments, documents)


def case_view(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record as its case stands now: completeness re-scored with its follow-ups, when it has any."""
    scored = (record.get("case") or {}).get("completeness")
    return {**record, "completeness": scored} if scored else record


def remove_stale_tmp(out_dir: Path) -> list[Path]:
    """Clean up what killed runs left under `packets/`; return the folders removed.

    A packet set aside for replacement is put back when its replacement never arrived.
    Folders of a process that is still running are left alone.
    """
    packets = Path(out_dir) / PACKETS_DIR
    removed: list[Path] = []
    if not packets.is_dir():
        return removed
    for entry in sorted(packets.iterdir()):
        if not entry.name.startswith(TMP_PREFIX) or not entry.is_dir() or entry.is_symlink():
            continue
        pid = _pid_of(entry.name)
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue
        if entry.name.endswith(OLD_SUFFIX) and _restore(entry, Path(out_dir)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def render_summary(
    record: Mapping[str, Any],
    attachment_files: Mapping[str, str] | None = None,
    text_files: Mapping[str, str] | None = None,
    thumbnails: Mapping[str, list[str]] | None = None,
    notice: bool = False,
) -> str:
    """The packet's summary page for a record.

    `attachment_files` and `text_files` map a document name to the file written for it under
    `attachments/` and `text/`, `thumbnails` to its page images under `thumbs/`; documents
    without an entry get no link. `notice` says the packet holds a deficiency notice draft.
    """
    context = summary_context(
        record, attachment_files or {}, text_files or {}, thumbnails or {}, notice
    )
    return template_environment().get_template("summary.html.j2").render(**context)


def summary_context(
    record: Mapping[str, Any],
    attachment_files: Mapping[str, str],
    text_files: Mapping[str, str],
    thumbnails: Mapping[str, list[str]] | None = None,
    notice: bool = False,
) -> dict[str, Any]:
    """Everything the summary template shows, taken defensively from a contract record."""
    thumbnails = thumbnails or {}
    threshold = low_confidence_threshold(record)
    completeness = record.get("completeness") or {}
    missing = list(completeness.get("missing") or [])
    route = record.get("route") or {}
    links = record.get("links") or {}
    return {
        "report_href": f"../../../{REPORT_NAME}",
        "notice": {
            "file": NOTICE_NAME,
            "to": notice_recipient(record),
            "subject": notice_subject(record),
        }
        if notice
        else None,
        "case_id": str(record.get("case_id") or ""),
        "from_": str(record.get("from") or ""),
        "subject": str(record.get("subject") or ""),
        "received_at": record.get("received_at"),
        "channel": record.get("channel") or "",
        "status": record.get("status") or "",
        "kind": record.get("kind") or "",
        "kind_label": KIND_LABELS.get(record.get("kind") or "", record.get("kind") or ""),
        "delegation_type": DELEGATION_TYPE_LABELS.get(
            record.get("delegation_type") or "", record.get("delegation_type")
        ),
        "categories": [CATEGORY_LABELS.get(c, c) for c in record.get("general_categories") or []],
        "activities": [ACTIVITY_LABELS.get(a, a) for a in record.get("activities") or []],
        "route": {
            "queue": route.get("queue") or "",
            "reviewer": route.get("reviewer"),
            "reason": route.get("reason") or "",
            "clock": route.get("clock"),
            "clock_started": route.get("clock_started"),
            "due": route.get("due"),
            "target": route.get("target_business_days"),
            "quality_check": route.get("quality_check"),
        },
        "case": _case_context(record),
        "check_these": low_confidence_values(record),
        "completeness": {
            "score": format_score(completeness.get("score")),
            "status": completeness.get("status") or "",
            "missing": [field_label(m) for m in missing],
            "checks": [
                {
                    "rule": str(c.get("rule") or ""),
                    "passed": bool(c.get("passed")),
                    "reference": str(c.get("reference") or ""),
                    "source": _reference_source(str(c.get("reference") or "")),
                    "quote": split_reference(str(c.get("reference") or ""))[1],
                    "required": c.get("required", True) is not False,
                    "label": field_label(str(c.get("rule") or "")),
                }
                for c in completeness.get("checks") or []
            ],
        },
        "flags": [
            {"name": f, "explanation": FLAG_EXPLANATIONS.get(f, "")}
            for f in record.get("flags") or []
        ],
        "fields": _field_rows(record.get("fields") or {}, set(missing), threshold),
        "documents": [
            {
                "name": str(d.get("name") or ""),
                "media_type": d.get("media_type") or "",
                "pages": d.get("pages"),
                "text_source": d.get("text_source"),
                "ocr_confidence": _format_confidence(d.get("ocr_confidence")),
                "error": d.get("error"),
                "text_file": text_files.get(str(d.get("name") or "")),
                "attachment_file": attachment_files.get(str(d.get("name") or "")),
                "thumbnails": list(thumbnails.get(str(d.get("name") or ""), [])),
                "cover_sheet": d.get("cover_sheet"),
            }
            for d in record.get("documents") or []
        ],
        "errors": [
            {"where": str(e.get("where") or ""), "message": str(e.get("message") or "")}
            for e in record.get("errors") or []
        ],
        "links": {"follows": links.get("follows"), "duplicate_of": links.get("duplicate_of")},
        "history": _history(record),
        "low_confidence": threshold,
    }


def low_confidence_threshold(record: Mapping[str, Any]) -> float:
    """The threshold the record was triaged with (`review.low_confidence_below`), else the default."""
    value = (record.get("review") or {}).get("low_confidence_below")
    return float(value) if isinstance(value, (int, float)) else LOW_CONFIDENCE


def low_confidence_values(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`{field, label, value, confidence}` of each value read with a confidence below the threshold."""
    threshold = low_confidence_threshold(record)
    out = []
    for name, field in (record.get("fields") or {}).items():
        field = field or {}
        value = display_value(field.get("value"))
        confidence = field.get("confidence")
        if value is not None and isinstance(confidence, (int, float)) and confidence < threshold:
            out.append({"field": name, "label": field_label(name), "value": value,
                        "confidence": _format_confidence(confidence)})
    order = {n: i for i, n in enumerate(FIELD_NAMES)}
    return sorted(out, key=lambda v: order.get(v["field"], len(order)))


def _case_context(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The case as its follow-ups left it: their ids, what they supplied, the re-scored completeness."""
    case = record.get("case") or {}
    if not case:
        return None
    scored = case.get("completeness") or {}
    return {
        "follow_ups": [str(c) for c in case.get("follow_ups") or []],
        "status": scored.get("status"),
        "score": format_score(scored.get("score")) if scored else "",
        "missing": [field_label(m) for m in scored.get("missing") or []],
        "supplied": [
            {"label": field_label(name), "value": display_value((f or {}).get("value")),
             "by": str((f or {}).get("supplied_by") or "")}
            for name, f in (case.get("fields") or {}).items()
        ],
    }


def _reference_source(reference: str) -> str:
    """`STMM 3-502.0 line 76: "..."` → `STMM 3-502.0, line 76`; empty for other text."""
    head, sep, _ = reference.partition(":")
    if not sep or not split_reference(reference)[0]:
        return ""
    return head.replace(" line ", ", line ").strip()


def _history(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """The case's links to other cases, as lines a reviewer reads, each pointing into the report."""
    links = record.get("links") or {}
    lines = []
    if links.get("follows"):
        lines.append({"what": "Follow-up of case", "case_id": str(links["follows"])})
    if links.get("duplicate_of"):
        lines.append({"what": "Possible duplicate of case", "case_id": str(links["duplicate_of"])})
    for case_id in (record.get("case") or {}).get("follow_ups") or []:
        lines.append({"what": "Follow-up received:", "case_id": str(case_id)})
    return lines


def display_value(value: Any) -> str | None:
    """A field value as one line of text: timeframe as `text (start – end)`, lists joined."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        text = str(value.get("text") or "")
        start, end = value.get("start"), value.get("end")
        if start or end:
            span = f"{start or '?'} – {end or '?'}"
            return f"{text} ({span})" if text else span
        return text or None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or None
    return str(value) or None


def field_label(name: str) -> str:
    """A field name as a reviewer reads it: `project_scope` → `Project scope`."""
    return _FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def format_score(score: Any) -> str:
    """A completeness score without a needless `.0`."""
    if score is None:
        return ""
    try:
        number = float(score)
    except (TypeError, ValueError):
        return str(score)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


def write_file_atomic(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Replace `path` with `data` atomically: temp file in the same folder, fsync, rename."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f"{TMP_PREFIX}{path.name}-")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _field_rows(
    fields: Mapping[str, Any], missing: set[str], threshold: float = LOW_CONFIDENCE
) -> list[dict[str, Any]]:
    names = [*FIELD_NAMES, *sorted(n for n in fields if n not in FIELD_NAMES)]
    rows = []
    for name in names:
        field = fields.get(name) or {}
        value = display_value(field.get("value"))
        confidence = field.get("confidence")
        rows.append(
            {
                "name": name,
                "label": field_label(name),
                "value": value,
                "confidence": _format_confidence(confidence),
                "check": value is not None
                and isinstance(confidence, (int, float))
                and confidence < threshold,
                "missing": name in missing,
                "evidence": [
                    {
                        "document": str(e.get("document") or ""),
                        "page": e.get("page"),
                        "text": str(e.get("text") or ""),
                    }
                    for e in field.get("evidence") or []
                ],
            }
        )
    return rows


def _format_confidence(value: Any) -> str | None:
    return f"{value:.2f}" if isinstance(value, (int, float)) else None


def _build_packet(
    folder: Path,
    record: Mapping[str, Any],
    raw: bytes,
    attachments: Iterable[Attachment],
    documents: Iterable[DocumentText],
) -> None:
    """Write every file of the packet into `folder`, which must not exist yet."""
    _mkdir(folder)
    case = record.get("case_id")
    request = json.dumps(record, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    _write_new(folder / "request.json", request.encode("utf-8", errors="replace"))
    _write_new(folder / "message.eml", raw)

    attachments = list(attachments)
    attachment_files: dict[str, str] = {}
    if attachments:
        att_dir = folder / "attachments"
        _mkdir(att_dir)
        names = unique_names([safe_name(a.name) for a in attachments])
        for attachment, name in zip(attachments, names, strict=True):
            if _inside(att_dir, name):
                _write_new(att_dir / name, attachment.data)
                attachment_files.setdefault(attachment.name, name)
            else:
                log.warning("case %s: attachment %r: unsafe name, not written", case, name)
        _fsync_dir(att_dir)

    text_docs = [d for d in documents if d.pages]
    text_files: dict[str, str] = {}
    if text_docs:
        text_dir = folder / "text"
        _mkdir(text_dir)
        names = unique_names(
            [safe_name(d.text_file_name, fallback="document.txt") for d in text_docs]
        )
        for document, name in zip(text_docs, names, strict=True):
            if _inside(text_dir, name):
                _write_new(text_dir / name, document.text.encode("utf-8", errors="replace"))
                text_files.setdefault(document.name, name)
            else:
                log.warning("case %s: text of %r: unsafe name, not written", case, name)
        _fsync_dir(text_dir)

    thumbnails: dict[str, list[str]] = {}
    if record.get("channel") == "fax" and attachments:
        thumbnails = _write_thumbnails(folder / THUMBS_DIR, attachments, attachment_files, case)

    notice = render_notice(case_view(record))  # what is still missing after any follow-up
    if notice is not None:
        _write_new(folder / NOTICE_NAME, notice)

    summary = render_summary(
        record, attachment_files, text_files, thumbnails, notice=notice is not None
    )
    _write_new(folder / "summary.html", summary.encode("utf-8", errors="replace"))
    _fsync_dir(folder)


def _write_thumbnails(
    folder: Path,
    attachments: Iterable[Attachment],
    attachment_files: Mapping[str, str],
    case: Any,
) -> dict[str, list[str]]:
    """Write a small PNG per page of each fax image or PDF; return document name → file names.

    Thumbnails are a convenience: an attachment that cannot be drawn simply gets none.
    """
    thumbnails: dict[str, list[str]] = {}
    for attachment in attachments:
        stored = attachment_files.get(attachment.name)
        if stored is None or attachment.name in thumbnails:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a damaged image warns, then fails or not
                pages = list(_page_thumbnails(attachment.data))
        except Exception as e:  # noqa: BLE001 - any decoder failure means no thumbnail
            log.info("case %s: attachment %r: no thumbnail: %s", case, attachment.name, e)
            continue
        if not pages:
            continue
        if not folder.exists():
            _mkdir(folder)
        names = []
        for number, png in enumerate(pages, start=1):
            name = f"{stored}-p{number}.png"
            if _inside(folder, name) and not (folder / name).exists():
                _write_new(folder / name, png)
                names.append(name)
        thumbnails[attachment.name] = names
    if folder.exists():
        _fsync_dir(folder)
    return thumbnails


def _page_thumbnails(data: bytes) -> Iterable[bytes]:
    """PNG bytes of each page (up to MAX_THUMB_PAGES) of an image or a PDF; nothing otherwise."""
    if data.startswith(b"%PDF"):
        pdf = pdfium.PdfDocument(data)
        try:
            for index in range(min(len(pdf), MAX_THUMB_PAGES)):
                page = pdf[index]
                scale = THUMB_WIDTH / max(page.get_width(), 1)
                yield _png(page.render(scale=scale).to_pil())
        finally:
            pdf.close()
        return
    with Image.open(io.BytesIO(data)) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= MAX_THUMB_PAGES:
                break
            yield _png(frame)


def _png(page: Image.Image) -> bytes:
    """A page as a grayscale PNG THUMB_WIDTH wide (fax resolutions keep their aspect)."""
    page = page.convert("L")
    xdpi, ydpi = page.info.get("dpi", (0, 0)) or (0, 0)
    height = page.height
    if xdpi and ydpi and abs(float(xdpi) - float(ydpi)) > 1:
        height = round(page.height * float(xdpi) / float(ydpi))  # e.g. 204x98 dpi fax
    size = (THUMB_WIDTH, max(1, round(height * THUMB_WIDTH / max(page.width, 1))))
    small = page.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _install(new: Path, target: Path) -> None:
    """Rename `new` to `target`, replacing a packet already there (set aside, then removed)."""
    aside: Path | None = None
    if target.exists() or target.is_symlink():
        aside = new.with_name(f"{new.name}{OLD_SUFFIX}")
        if aside.exists():
            shutil.rmtree(aside)
        os.replace(target, aside)
    os.replace(new, target)
    _fsync_dir(target.parent)
    _fsync_dir(new.parent)
    if aside is not None:
        if aside.is_symlink() or not aside.is_dir():
            aside.unlink()
        else:
            shutil.rmtree(aside)


def _restore(aside: Path, out_dir: Path) -> bool:
    """Put a set-aside packet back if its case has no packet now; True when restored."""
    try:
        record = json.loads((aside / "request.json").read_text(encoding="utf-8"))
        target = packet_path(out_dir, record)
    except (OSError, ValueError, AttributeError):
        return False
    if target.exists():
        return False
    _make_dirs(out_dir / PACKETS_DIR, target.parent)
    os.replace(aside, target)
    _fsync_dir(target.parent)
    log.info("case %s: restored the packet a killed run had set aside", target.name)
    return True


def _pid_of(name: str) -> int | None:
    stem = name.removesuffix(OLD_SUFFIX)
    _, _, pid = stem.rpartition("-")
    return int(pid) if pid.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _inside(folder: Path, name: str) -> bool:
    """True when `folder/name` is a plain child of `folder`, even after resolving it."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        return False
    base = folder.resolve()
    return (base / name).resolve().parent == base


def _make_dirs(base: Path, path: Path) -> None:
    """Create `path` and any missing folders between `base` and it, each owner-only."""
    base.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    missing: list[Path] = []
    current = path
    while current != base and not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            _mkdir(folder)
        except FileExistsError:
            pass


def _mkdir(path: Path) -> None:
    path.mkdir(mode=DIR_MODE)
    os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never following or overwriting anything), write, fsync, owner-only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
