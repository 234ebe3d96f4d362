"""The per-message stages composed: parse, read documents, extract, score, link and route."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extractors import MessageContext, Segment, extract
from models import (
    Attachment,
    Completeness,
    DocumentText,
    ErrorEntry,
    Extraction,
    Page,
    ParsedMessage,
    Source,
    TriageRecord,
)
from pipeline.cases import CaseIndex, FollowUp, apply_follow_up, fingerprint, link_case
from pipeline.completeness import score_completeness
from pipeline.documents import read_document
from pipeline.errors import LimitExceeded, TriageError
from pipeline.mime import parse_message
from pipeline.routing import review_plan, route_case
from pipeline.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Triaged:
    """A message's record with what its packet needs beside it."""

    record: TriageRecord
    raw: bytes
    attachments: list[Attachment] = field(default_factory=list)
    fingerprint: list[str] = field(default_factory=list)
    agency: str | None = None
    route_extra: dict = field(default_factory=dict)
    """Keys the route carries beside the contract's three: review clock, quality-check sample."""
    review: dict | None = None
    """Values a reviewer should check (`review` in the record)."""
    update_case: Callable[[dict, list], dict] | None = None
    """For a linked follow-up: turns its case's filed record into the updated one (re-scored,
    clock started, maybe re-routed), given the assignments so far."""

    def to_contract(self) -> dict:
        """The record as filed: the contract's keys plus the added route keys and `review`."""
        record = self.record.to_contract()
        record["route"] = {**record["route"], **self.route_extra}
        if self.review is not None:
            record["review"] = self.review
        return record


def make_case_id(raw: bytes, parsed: ParsedMessage | None) -> str:
    """A stable case id: the message's date and a hash of its bytes (the ledger resolves clashes)."""
    day = parsed.date.strftime("%Y%m%d") if parsed and parsed.date else "00000000"
    return f"DLG-{day}-{hashlib.sha256(raw).hexdigest()[:8]}"


def body_document(parsed: ParsedMessage) -> DocumentText:
    """The message body as a document of one page."""
    return DocumentText(
        name=parsed.body_name,
        media_type="text/plain",
        text_source="body",
        pages=[Page(number=1, text=parsed.body_text)],
    )


def error_to_entry(exc: BaseException, where: str = "pipeline") -> ErrorEntry:
    """The one place an exception becomes a recorded error."""
    if isinstance(exc, TriageError):
        return ErrorEntry(where=exc.where, message=exc.message)
    return ErrorEntry(where=where, message=f"{type(exc).__name__}: {exc}"[:500])


def _received_at(parsed: ParsedMessage) -> str | None:
    return parsed.date.isoformat() if parsed.date else None


def _segments(documents: list[DocumentText]) -> list[Segment]:
    segments: list[Segment] = []
    for doc in documents:
        for page in doc.pages:
            if page.text.strip():
                segments.append(Segment(doc.name, None if doc.text_source == "body" else page.number, page.text))
    return segments


def _channel(parsed: ParsedMessage, documents: list[DocumentText]) -> str:
    if parsed.channel == "fax":
        return "fax"
    files = [d for d in documents if d.text_source != "body"]
    words = len(re.findall(r"\w+", parsed.body_text))
    if files and words < 40 and all(d.text_source == "ocr" for d in files if not d.error):
        if any(d.text_source == "ocr" for d in files):
            return "fax"
    return "email"


def assess_message(
    parsed: ParsedMessage,
    documents: list[DocumentText],
    settings: Settings,
) -> tuple[Extraction, Completeness, list[str]]:
    """Extraction, completeness and the document flags of a parsed message."""
    context = MessageContext(
        subject=parsed.subject,
        from_=parsed.from_,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
    )
    extraction = extract(_segments(documents), context)
    completeness = score_completeness(extraction)
    flags = list(extraction.flags)
    if any(d.error for d in documents):
        flags.append("unreadable_attachment")
    if any(d.ocr_confidence is not None and d.ocr_confidence < settings.ocr.low_confidence for d in documents):
        flags.append("low_ocr_quality")
    return extraction, completeness, flags


def triage_parsed(
    raw: bytes,
    parsed: ParsedMessage,
    documents: list[DocumentText],
    source: Source,
    case_id: str,
    settings: Settings,
    index: CaseIndex,
) -> Triaged:
    """The record of a parsed message whose documents have been read."""
    extraction, completeness, flags = assess_message(parsed, documents, settings)
    agency = extraction.fields["agency"].value if extraction.fields["agency"].present else None
    prints = fingerprint(documents)
    links, link_flags = link_case(
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        kind=extraction.kind,
        agency=agency,
        words=prints,
        sha256=hashlib.sha256(raw).hexdigest(),
        index=index,
        subject=parsed.subject,
    )
    flags += link_flags
    channel = _channel(parsed, documents)
    assigned = index.assignments()
    route = route_case(
        status="ok",
        kind=extraction.kind,
        completeness=completeness,
        delegation_type=extraction.delegation_type,
        categories=extraction.general_categories,
        flags=flags,
        agency=agency,
        routing=settings.routing,
        channel=channel,
        assigned=assigned,
    )
    route_extra = review_plan(
        case_id=case_id, status="ok", kind=extraction.kind, completeness=completeness.status,
        queue=route.queue, started_at=_received_at(parsed), routing=settings.routing,
        clock=settings.clock, assigned=assigned,
    )
    update_case = None
    if links is not None and links.follows:
        follow_up = FollowUp(case_id=case_id, follows=links.follows, received_at=_received_at(parsed),
                             extraction=extraction)

        def update_case(record: dict, assigned_now: list) -> dict:
            return apply_follow_up(record, follow_up, settings, assigned_now)
    record = TriageRecord(
        case_id=case_id,
        message_id=parsed.message_id,
        source=source,
        received_at=_received_at(parsed),
        channel=channel,
        from_=parsed.from_,
        subject=parsed.subject,
        status="ok",
        kind=extraction.kind,
        delegation_type=extraction.delegation_type,
        general_categories=extraction.general_categories,
        activities=extraction.activities,
        fields=extraction.fields,
        completeness=completeness,
        flags=flags,
        route=route,
        documents=documents,
        errors=parsed.errors + [ErrorEntry(where="documents", message=f"{d.name}: {d.error}") for d in documents if d.error],
        links=links,
    )
    return Triaged(record=record, raw=raw, attachments=parsed.attachments, fingerprint=prints, agency=agency,
                   route_extra=route_extra, review=review_attention(extraction, settings),
                   update_case=update_case)


def review_attention(extraction: Extraction, settings: Settings) -> dict:
    """The values read with a confidence below `extraction.low_confidence`, for a reviewer to check."""
    threshold = settings.extraction.low_confidence
    low = [
        {"field": name, "confidence": value.confidence}
        for name, value in extraction.fields.items()
        if value.present and value.confidence < threshold
    ]
    return {"low_confidence_below": threshold, "low_confidence": low}


def error_triaged(raw: bytes, source: Source, case_id: str, exc: BaseException, settings: Settings,
                  parsed: ParsedMessage | None = None) -> Triaged:
    """A record with status "error" for a message that could not be processed at all."""
    entry = error_to_entry(exc, where="message")
    log.warning("%s: %s: %s", source.key, entry.where, entry.message)
    completeness = Completeness(score=0, status="not_applicable", missing=[], checks=[])
    route = route_case(status="error", kind="other", completeness=completeness, delegation_type=None,
                       categories=[], flags=[], agency=None, routing=settings.routing)
    received_at = _received_at(parsed) if parsed else None
    route_extra = review_plan(case_id=case_id, status="error", kind="other", completeness="not_applicable",
                              queue=route.queue, started_at=received_at, routing=settings.routing,
                              clock=settings.clock)
    record = TriageRecord(
        case_id=case_id,
        message_id=parsed.message_id if parsed else f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}@triage.invalid>",
        source=source,
        received_at=_received_at(parsed) if parsed else None,
        channel=parsed.channel if parsed else "email",
        from_=parsed.from_ if parsed else "",
        subject=parsed.subject if parsed else "",
        status="error",
        kind="other",
        completeness=completeness,
        route=route,
        errors=[entry],
    )
    return Triaged(record=record, raw=raw, attachments=parsed.attachments if parsed else [],
                   route_extra=route_extra)


def readable_attachments(parsed: ParsedMessage, settings: Settings) -> list[Attachment]:
    """The attachments to read: those within the configured count."""
    return parsed.attachments[: settings.limits.max_attachments]


def over_limit_documents(parsed: ParsedMessage, settings: Settings) -> list[DocumentText]:
    """Attachments past the configured count, as documents that say so (their bytes stay in the packet)."""
    limit = settings.limits.max_attachments
    return [
        DocumentText(name=a.name, media_type=a.media_type, error=f"over the attachment limit ({limit})")
        for a in parsed.attachments[limit:]
    ]


def read_documents(parsed: ParsedMessage, settings: Settings,
                   read: Callable[[Attachment, Settings], DocumentText] = read_document) -> list[DocumentText]:
    """The body and every attachment as documents, in message order; a failure stays in its document."""
    documents = [body_document(parsed)]
    documents += [read(a, settings) for a in readable_attachments(parsed, settings)]
    return documents + over_limit_documents(parsed, settings)


def triage_message(raw: bytes, source: Source, case_id: str | None, settings: Settings,
                   index: CaseIndex | None = None) -> Triaged:
    """All per-message stages in one call; never raises for bad input."""
    parsed: ParsedMessage | None = None
    try:
        if len(raw) > settings.limits.max_message_bytes:
            raise LimitExceeded(f"message of {len(raw)} bytes is over the limit of {settings.limits.max_message_bytes}")
        parsed = parse_message(raw, settings.limits)
        case_id = case_id or make_case_id(raw, parsed)
        documents = read_documents(parsed, settings)
        return triage_parsed(raw, parsed, documents, source, case_id, settings, index or CaseIndex())
    except Exception as exc:  # noqa: BLE001 - any failure of one message becomes its error record
        return error_triaged(raw, source, case_id or make_case_id(raw, parsed), exc, settings, parsed)
