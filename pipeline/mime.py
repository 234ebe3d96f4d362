"""Decode a raw message: headers, the preferred body text, attachments, and whether it is a fax."""

from __future__ import annotations

import email
import email.utils
import hashlib
import logging
import re
import time
from email import policy
from email.message import EmailMessage, Message

from models import Attachment, ErrorEntry, ParsedMessage
from pipeline.documents import html_to_text, sniff_media_type
from pipeline.errors import MessageUnreadable
from pipeline.filenames import safe_name, unique_names
from pipeline.settings import LimitSettings

log = logging.getLogger(__name__)

FAX_SENDER = re.compile(r"(^|[^a-z])(e?fax|faxgateway|fax-gateway|rightfax|faxmail)", re.I)
FAX_SUBJECT = re.compile(r"\b(fax (from|message|received)|incoming fax|new fax|received a \d+ page fax)\b", re.I)
IMAGE_TYPES = {"image/tiff", "image/png", "image/jpeg", "image/gif"}
_DEFAULT_LIMITS = LimitSettings()
MAX_DEPTH = _DEFAULT_LIMITS.max_nesting_depth
"""Default nesting limit; `limits.max_nesting_depth` in the settings."""
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
    "big5": "big5hkscs", "iso-8859-1": "windows-1252", "latin1": "windows-1252", "us-ascii": "utf-8",
    "ascii": "utf-8", "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "shift_jis": "cp932", "tis-620": "cp874",
}
"""Declared charsets senders use for the larger one their software really wrote (GBK bytes
declared GB2312, Windows-1252 declared ISO-8859-1): the superset decodes both the same."""
_FATAL_DEFECTS = {"NoBoundaryInMultipartDefect", "StartBoundaryNotFoundDefect", "MultipartInvariantViolationDefect"}


def content_hash(raw: bytes) -> str:
    """SHA-256 of the raw message bytes, hex."""
    return hashlib.sha256(raw).hexdigest()


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not stop the message
        return ""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def _decode_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:  # noqa: BLE001 - a malformed Content-Type parameter
        charset = "utf-8"
    for candidate in (_SUPERSETS.get(charset.lower(), charset), charset, "utf-8", "windows-1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")


def _parts(msg: Message, max_depth: int, too_deep: list[int], depth: int = 0):
    """Leaf parts in order, descending into multiparts and attached messages.

    Parts nested deeper than `max_depth` are not read; their depth is appended to `too_deep`.
    """
    if depth > max_depth:
        too_deep.append(depth)
        return
    if msg.is_multipart():
        for sub in msg.get_payload() or []:
            if isinstance(sub, Message):
                yield from _parts(sub, max_depth, too_deep, depth + 1)
        return
    yield msg, depth


def parse_message(raw: bytes, limits: LimitSettings | None = None) -> ParsedMessage:
    """Parse raw RFC 5322 bytes into a ParsedMessage; raise MessageUnreadable if it is no message.

    Over `limits.max_nesting_depth` levels of multiparts or attached messages, the deeper parts
    are not read and an error (where "limits") says so; past `limits.parse_seconds`, the parts
    not yet decoded are left unread the same way. The caller keeps the original bytes. Nothing
    but MessageUnreadable is raised, whatever the bytes.
    """
    try:
        return _parse(raw, limits or _DEFAULT_LIMITS)
    except MessageUnreadable:
        raise
    except RecursionError as e:
        raise MessageUnreadable("MIME structure too deep to parse", where="limits") from e
    except Exception as e:  # noqa: BLE001 - the email package raises many types on broken input
        raise MessageUnreadable(f"MIME structure unreadable: {type(e).__name__}: {e}"[:300]) from e


def _parse(raw: bytes, limits: LimitSettings) -> ParsedMessage:
    started = time.monotonic()
    if not raw.strip():
        raise MessageUnreadable("empty message (0 bytes of content)")
    head = re.split(rb"\r?\n\r?\n", raw[:65536], maxsplit=1)[0]  # the top-level header block
    if b"\x00" in head or not re.match(rb"^[\x21-\x39\x3b-\x7e]+:", head.lstrip(b"\r\n")):
        raise MessageUnreadable("not an RFC 5322 message: no header at the start of the file")
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
    except RecursionError as e:  # the stdlib parser recurses once per nested multipart
        raise MessageUnreadable(
            f"MIME nesting too deep to parse (over {limits.max_nesting_depth} levels)", where="limits"
        ) from e
    except Exception as e:  # noqa: BLE001 - the email package raises many types on broken input
        raise MessageUnreadable(f"MIME structure unreadable: {type(e).__name__}: {e}"[:300]) from e
    assert isinstance(msg, EmailMessage)

    errors: list[ErrorEntry] = []
    fatal = [d for d in msg.defects if type(d).__name__ in _FATAL_DEFECTS]
    if fatal:
        raise MessageUnreadable(f"MIME structure unreadable: {type(fatal[0]).__name__}")
    for defect in msg.defects:
        errors.append(ErrorEntry(where="mime", message=f"message defect: {type(defect).__name__}"))

    message_id = _header(msg, "Message-ID") or f"<sha256-{content_hash(raw)[:32]}@triage.invalid>"
    date = None
    date_header = _header(msg, "Date")
    if date_header:
        try:
            date = email.utils.parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            errors.append(ErrorEntry(where="mime", message=f"unreadable Date header: {date_header[:60]!r}"))
    references = _header(msg, "References").split()

    body_plain: list[str] = []
    body_html: list[str] = []
    files: list[tuple[str | None, str, bytes]] = []
    too_deep: list[int] = []
    try:
        leaves = list(_parts(msg, limits.max_nesting_depth, too_deep))
    except RecursionError as e:
        raise MessageUnreadable(
            f"MIME nesting too deep to parse (over {limits.max_nesting_depth} levels)", where="limits"
        ) from e
    except Exception as e:  # noqa: BLE001 - the email package raises many types on broken input
        raise MessageUnreadable(f"MIME structure unreadable: {e}") from e
    if too_deep:
        errors.append(ErrorEntry(
            where="limits",
            message=f"MIME nesting deeper than {limits.max_nesting_depth} levels: the parts below were not read",
        ))

    for n, (part, _depth) in enumerate(leaves):
        if time.monotonic() - started > limits.parse_seconds:
            errors.append(ErrorEntry(
                where="limits",
                message=f"parsing took over {limits.parse_seconds:g} s: {len(leaves) - n} part(s) were not read",
            ))
            break
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        try:
            filename = part.get_filename()
        except Exception:  # noqa: BLE001
            filename = None
        is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        try:
            if is_body_text:
                text = _decode_text(part)
                (body_plain if ctype == "text/plain" else body_html).append(text)
                continue
            if ctype in ("message/delivery-status", "text/rfc822-headers", "message/disposition-notification"):
                body_plain.append(_decode_text(part) if not part.is_multipart() else "")
                continue
            data = part.get_payload(decode=True)
            if data is None:
                payload = part.get_payload()
                data = payload.encode("utf-8", "replace") if isinstance(payload, str) else b""
            for defect in getattr(part, "defects", []):
                errors.append(
                    ErrorEntry(where="mime", message=f"part {filename or ctype}: {type(defect).__name__}")
                )
            files.append((filename, ctype, data))
        except Exception as e:  # noqa: BLE001
            errors.append(ErrorEntry(where="mime", message=f"part {ctype} could not be decoded: {e}"))

    if body_plain:
        body_text = "\n\n".join(t.strip() for t in body_plain if t.strip())
    else:
        body_text = "\n\n".join(_html_text(h, errors) for h in body_html)

    # Unique beside the body document too, so every document has its own text file.
    names = unique_names(
        ["body.txt", *(safe_name(name, fallback=f"attachment-{i + 1}") for i, (name, _, _) in enumerate(files))]
    )[1:]
    attachments = [
        Attachment(
            name=name,
            original_name=original,
            media_type=sniff_media_type(data, declared),
            data=data,
        )
        for name, (original, declared, data) in zip(names, files, strict=False)
    ]
    from_ = _header(msg, "From")
    subject = _header(msg, "Subject")
    channel = detect_channel(from_, subject, body_text, attachments)
    return ParsedMessage(
        message_id=message_id,
        from_=from_,
        subject=subject,
        date=date,
        in_reply_to=_header(msg, "In-Reply-To") or None,
        references=references,
        body_text=body_text,
        attachments=attachments,
        channel=channel,
        errors=errors,
    )


def _html_text(html: str, errors: list[ErrorEntry]) -> str:
    """The HTML body's text; markup the HTML parser rejects (or is too deep for it) is stripped crudely."""
    try:
        return html_to_text(html)
    except RecursionError:
        errors.append(ErrorEntry(where="limits", message="HTML body nested too deep: its tags were stripped"))
    except Exception as e:  # noqa: BLE001 - bs4 rejects some markup (ParserRejectedMarkup)
        errors.append(ErrorEntry(where="mime", message=f"HTML body unreadable ({type(e).__name__}): its tags were stripped"))
    try:
        text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", html, flags=re.I | re.S)
        return re.sub(r"[ \t]+", " ", re.sub(r"<[^>]*>?", " ", text)).strip()
    except Exception:  # noqa: BLE001
        return ""


def detect_channel(from_: str, subject: str, body_text: str, attachments: list[Attachment]) -> str:
    """`fax` for fax-gateway mail, or mail whose content is only images (scanned/faxed pages)."""
    if FAX_SENDER.search(from_) or FAX_SUBJECT.search(subject):
        return "fax"
    if attachments and not body_text.strip():
        if all(a.media_type in IMAGE_TYPES for a in attachments):
            return "fax"
    return "email"
