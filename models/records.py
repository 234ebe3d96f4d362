"""Typed records that flow through the pipeline, and the triage record of the contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FIELD_NAMES: tuple[str, ...] = (
    "agency",
    "submitter_name",
    "submitter_title",
    "project_scope",
    "project_purpose",
    "timeframe",
    "locations",
    "staff_qualifications",
    "adverse_consequences",
    "products_services",
    "justification",
    "catalog_reference",
    "contact_email",
    "contact_phone",
    "exemption_reference",
    "form20_reference",
    "additional_information",
)
"""Every field of the contract, in the order the record lists them."""

GENERAL_CATEGORIES: tuple[str, ...] = (
    "pbx_key_telephone",
    "ip_pbx_hybrid",
    "transport",
    "ivr_acd",
    "premise_based",
)
ACTIVITIES: tuple[str, ...] = (
    "project_planning",
    "design_development",
    "project_oversight",
    "installation",
    "operation_maintenance",
)
FLAGS: tuple[str, ...] = (
    "submitter_not_cio",
    "new_to_market",
    "complex_technical",
    "exemption_may_be_required",
    "catalog_reference_missing",
    "low_ocr_quality",
    "unreadable_attachment",
    "possible_duplicate",
)

Kind = Literal["delegation_request", "follow_up", "other"]
DelegationType = Literal["general", "calnet_contract"]
Channel = Literal["email", "fax"]
TextSource = Literal["body", "text_layer", "ocr"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Evidence(_Record):
    """Where a value was read, so a reviewer can check it in one look."""

    document: str
    """Name of the document (body part or attachment) the value came from."""
    page: int | None = None
    """1-based page number, or null for a message body."""
    text: str
    """The snippet the value was read from."""


class Timeframe(_Record):
    """A period as written, with ISO start and end dates where they could be read."""

    text: str
    start: str | None = None
    end: str | None = None


FieldContent = str | list[str] | Timeframe | None


class FieldValue(_Record):
    """One extracted field: its value (null when not found), confidence and evidence."""

    value: FieldContent = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def present(self) -> bool:
        """True when the field has a non-empty value."""
        if self.value is None:
            return False
        if isinstance(self.value, (str, list)):
            return len(self.value) > 0
        return True


class Source(_Record):
    """Where a message came from: a file under the inbox folder, or an IMAP mailbox."""

    kind: Literal["file", "imap"]
    path: str | None = None
    """Path relative to INBOX_DIR (file sources)."""
    mailbox: str | None = None
    uidvalidity: int | None = None
    uid: int | None = None

    @property
    def key(self) -> str:
        """The ledger's key for this source."""
        if self.kind == "file":
            return f"file:{self.path}"
        return f"imap:{self.mailbox}:{self.uidvalidity}:{self.uid}"

    def to_contract(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class Attachment(_Record):
    """A MIME part that carries a file (or a body part read as a document)."""

    name: str
    """Sanitised file name, safe to write inside a packet."""
    original_name: str | None = None
    """The name as the sender gave it (decoded), for display only."""
    media_type: str
    """Media type sniffed from the bytes where possible, else the declared one."""
    data: bytes = b""


class ParsedMessage(_Record):
    """A decoded message: headers, the preferred body text and its attachments."""

    message_id: str
    from_: str = ""
    subject: str = ""
    date: datetime | None = None
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list)
    body_text: str = ""
    """The message text: text/plain preferred, HTML converted to text otherwise."""
    body_name: str = "body.txt"
    attachments: list[Attachment] = Field(default_factory=list)
    channel: Channel = "email"
    errors: list[ErrorEntry] = Field(default_factory=list)
    """Problems met while decoding that did not stop the message."""


class Page(_Record):
    """The text of one page of a document."""

    number: int
    text: str
    ocr_confidence: float | None = None


class CoverSheet(_Record):
    """What a fax cover page says of the fax (its From/To are the fax's, not the request's)."""

    sender_fax: str | None = None
    page_count: int | None = None
    """The page count the cover states."""
    sender: str | None = None
    recipient: str | None = None


class DocumentText(_Record):
    """A document as read: its pages' text, how the text was obtained, and any error."""

    name: str
    media_type: str
    text_source: TextSource | None = None
    pages: list[Page] = Field(default_factory=list)
    ocr_confidence: float | None = None
    error: str | None = None
    cover_sheet: CoverSheet | None = None
    """Set when the document's first page is a fax cover sheet."""

    @property
    def text(self) -> str:
        return "\n\f\n".join(p.text for p in self.pages)

    @property
    def text_file_name(self) -> str:
        """Name of this document's text file inside the packet's `text/` folder."""
        return self.name if self.name.lower().endswith(".txt") else f"{self.name}.txt"

    def to_contract(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "media_type": self.media_type,
            "pages": len(self.pages) if self.pages else (None if self.error else 0),
            "text_source": self.text_source,
            "ocr_confidence": self.ocr_confidence,
            "text_path": None if self.error or not self.pages else f"text/{self.text_file_name}",
            "error": self.error,
            **({"cover_sheet": self.cover_sheet.model_dump(mode="json")} if self.cover_sheet else {}),
        }


class Check(_Record):
    """One completeness rule as applied to a request."""

    rule: str
    passed: bool
    reference: str
    """The policy line the rule comes from, quoted."""
    required: bool = True
    """False for recommended items, which do not count toward the score."""


class Completeness(_Record):
    score: float = Field(ge=0, le=100)
    status: Literal["complete", "incomplete", "not_applicable"]
    missing: list[str] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)


class Route(_Record):
    queue: str
    reviewer: str | None = None
    reason: str


class ErrorEntry(_Record):
    where: str
    message: str


class Links(_Record):
    follows: str | None = None
    duplicate_of: str | None = None


class Extraction(_Record):
    """What the extractors read from a message's text."""

    kind: Kind = "other"
    delegation_type: DelegationType | None = None
    general_categories: list[str] = Field(default_factory=list)
    activities: list[str] = Field(default_factory=list)
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)
    kind_reason: str = ""
    """Why the message was given its kind (for the packet summary)."""
    title_is_cio: bool | None = None
    """Whether the submitter's title is the CIO or an equivalent; None when no title."""


class TriageRecord(_Record):
    """One message's triage, exactly as the contract's `triage-record.schema.json` lays it out."""

    schema_version: Literal[1] = 1
    case_id: str
    message_id: str
    source: Source
    received_at: str | None = None
    channel: Channel = "email"
    from_: str = Field(default="", alias="from")
    subject: str = ""
    status: Literal["ok", "error"] = "ok"
    kind: Kind = "other"
    delegation_type: DelegationType | None = None
    general_categories: list[str] = Field(default_factory=list)
    activities: list[str] = Field(default_factory=list)
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    completeness: Completeness
    flags: list[str] = Field(default_factory=list)
    route: Route
    documents: list[DocumentText] = Field(default_factory=list)
    errors: list[ErrorEntry] = Field(default_factory=list)
    links: Links | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_contract(self) -> dict[str, Any]:
        """The record as the contract's JSON object, keys in the contract's order."""
        return {
            "schema_version": self.schema_version,
            "case_id": self.case_id,
            "message_id": self.message_id,
            "source": self.source.to_contract(),
            "received_at": self.received_at,
            "channel": self.channel,
            "from": self.from_,
            "subject": self.subject,
            "status": self.status,
            "kind": self.kind,
            "delegation_type": self.delegation_type,
            "general_categories": sorted(self.general_categories, key=GENERAL_CATEGORIES.index),
            "activities": sorted(self.activities, key=ACTIVITIES.index),
            "fields": {
                name: self.fields.get(name, FieldValue()).model_dump(mode="json")
                for name in FIELD_NAMES
            },
            "completeness": self.completeness.model_dump(mode="json"),
            "flags": sorted(set(self.flags), key=FLAGS.index),
            "route": self.route.model_dump(mode="json"),
            "documents": [d.to_contract() for d in self.documents],
            "errors": [e.model_dump(mode="json") for e in self.errors],
            **({"links": self.links.model_dump(mode="json")} if self.links else {}),
        }


ParsedMessage.model_rebuild()
