"""Draft the deficiency notice of an incomplete delegation request (`deficiency.eml`)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from typing import Any

NOTICE_NAME = "deficiency.eml"
"""File name of the draft in the packet."""
MAILBOX_ADDRESS = "STNDdelegations@state.ca.gov"
"""The CALNET delegation mailbox: the draft's sender, and where the reply comes back."""
MAILBOX_NAME = "CALNET Program Delegations"
POLICY = "STMM 3-502.0"

FIELD_REQUESTS: dict[str, str] = {
    "delegation_type": "Which type of delegation you request: a General delegation or a "
    "CALNET contract delegation.",
    "agency": "The name of the requesting state agency.",
    "submitter_name": "The name of the agency's Chief Information Officer (or equivalent) "
    "who submits the request.",
    "submitter_title": "The request must be submitted by the agency's Chief Information "
    "Officer, or equivalent. Please have the CIO (or equivalent) submit or sign the request, "
    "and state their title.",
    "project_scope": "The scope of the project for which delegation is requested.",
    "project_purpose": "The purpose of the project.",
    "timeframe": "The project's timeframes (start and end dates).",
    "locations": "The location(s) where the work will take place.",
    "staff_qualifications": "Your staff's technical qualifications and prior experience with "
    "projects that fall within the requested delegation.",
    "adverse_consequences": "Any adverse consequences to the agency or others if delegation "
    "is denied.",
    "products_services": "The specific products, equipment and services (General delegations).",
    "justification": "The reason(s) why delegation should be granted (General delegations).",
    "catalog_reference": "The CALNET Catalog B service or contract item.",
}
"""What to send for each missing field, in words a submitter reads."""

_REFERENCE = re.compile(r'^(?P<source>.*?)\s+line\s+\d+:\s*"(?P<quote>.*)"\s*$', re.DOTALL)
_SPACE = re.compile(r"\s+")


def needs_notice(record: Mapping[str, Any]) -> bool:
    """True for a readable delegation request whose completeness is `incomplete`."""
    completeness = record.get("completeness") or {}
    return (
        record.get("status") == "ok"
        and record.get("kind") == "delegation_request"
        and completeness.get("status") == "incomplete"
    )


def notice_items(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """One entry per missing item, in `missing` order: `{"field", "request", "source", "quote"}`.

    The quote is the policy line of the completeness check for that field (its `reference`).
    """
    completeness = record.get("completeness") or {}
    references = {
        str(c.get("rule") or ""): str(c.get("reference") or "")
        for c in completeness.get("checks") or []
    }
    items = []
    for name in completeness.get("missing") or []:
        name = str(name)
        source, quote = split_reference(references.get(name, ""))
        request = FIELD_REQUESTS.get(name, name.replace("_", " ").capitalize() + ".")
        items.append({"field": name, "request": request, "source": source, "quote": quote})
    return items


def notice_recipient(record: Mapping[str, Any]) -> str | None:
    """Who the notice goes to: the sender of an email, the contact e-mail given in a fax.

    A fax arrives from the fax gateway, so only an address found in the request will do; an
    email request is answered where it came from (or at its contact e-mail, if it has no sender).
    """
    contact = _field_value(record, "contact_email")
    contact = _address(contact) if isinstance(contact, str) else None
    if record.get("channel") == "fax":
        return contact
    return _address(str(record.get("from") or "")) or contact


def notice_subject(record: Mapping[str, Any]) -> str:
    """The subject: cites the case id, so the submitter's reply links back to the case."""
    case_id = _one_line(record.get("case_id"))
    original = _one_line(record.get("subject"))
    about = f": {original}" if original else ""
    return f"Re: [Case {case_id}] Information needed for your CALNET delegation request{about}"


def render_notice(record: Mapping[str, Any]) -> bytes | None:
    """The deficiency notice draft as RFC 5322 bytes, or None when the record needs none.

    Same record, same bytes: the Date is the request's `received_at`, the Message-ID is derived
    from the case id, and nothing else varies.
    """
    if not needs_notice(record):
        return None
    case_id = _one_line(record.get("case_id"))
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address(MAILBOX_NAME, addr_spec=MAILBOX_ADDRESS)
    recipient = notice_recipient(record)
    if recipient:
        msg["To"] = recipient
    msg["Subject"] = notice_subject(record)
    received = _parse_time(record.get("received_at"))
    if received is not None:
        msg["Date"] = format_datetime(received)
    domain = MAILBOX_ADDRESS.rpartition("@")[2].lower()
    msg["Message-ID"] = f"<deficiency.{_id_part(case_id)}@{domain}>"
    original_id = _one_line(record.get("message_id"))
    if re.fullmatch(r"<[^<>\s]+@[^<>\s]+>", original_id):
        msg["In-Reply-To"] = original_id
        msg["References"] = original_id
    msg["X-Triage-Case"] = case_id
    msg["X-Unsent"] = "1"  # mail clients open it as a draft to review and send
    msg.set_content(notice_body(record), charset="utf-8")
    return msg.as_bytes()


def notice_body(record: Mapping[str, Any]) -> str:
    """The plain-text body: what is missing, each item with the policy line it comes from."""
    case_id = _one_line(record.get("case_id"))
    name = _field_value(record, "submitter_name")
    greeting = f"Dear {_one_line(name)}," if isinstance(name, str) and name.strip() else "Hello,"
    subject = _one_line(record.get("subject"))
    received = _one_line(record.get("received_at"))[:10]
    about = f' "{subject}"' if subject else ""
    when = f" received on {received}" if received else ""
    paragraphs = [
        greeting,
        (
            f"Thank you for your CALNET delegation request{about}{when}. We have filed it as case "
            f"{case_id}. Before we can review it, we need the following information required by "
            f"the State Telecommunications Management Manual ({POLICY}, CALNET "
            "Delegation):"
        ),
    ]
    for number, item in enumerate(notice_items(record), start=1):
        text = _wrap(f"{number}. {item['request']}", "   ")
        if item["quote"]:
            text += "\n" + _wrap(f'{item["source"] or POLICY}: "{item["quote"]}"', "   ", "   ")
        paragraphs.append(text)
    paragraphs += [
        (
            f"Please reply to this message, keeping case {case_id} in the subject, with the "
            "missing information, so that it is added to your request. The review of your request "
            "resumes when we receive it."
        ),
        "Sincerely,",
        f"CALNET Program, Delegations\n{MAILBOX_ADDRESS}",
    ]
    return "\n\n".join(p if "\n" in p else _wrap(p) for p in paragraphs) + "\n"


def _wrap(text: str, indent: str = "", first: str = "") -> str:
    return textwrap.fill(
        text,
        width=72,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def split_reference(reference: str) -> tuple[str, str]:
    """`STMM 3-502.0 line 76: "quote"` → (`STMM 3-502.0`, `quote`); other text is the quote."""
    match = _REFERENCE.match(reference.strip())
    if match:
        return match["source"].strip(), _one_line(match["quote"])
    return "", _one_line(reference)


def _field_value(record: Mapping[str, Any], name: str) -> Any:
    return ((record.get("fields") or {}).get(name) or {}).get("value")


def _address(text: str) -> str | None:
    """The first usable mailbox in a header value, formatted safely for a header."""
    for display, addr in getaddresses([_one_line(text)]):
        if re.fullmatch(r"[^@\s<>(),;:\"\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", addr):
            try:
                return str(Address(_one_line(display), addr_spec=addr))
            except (ValueError, IndexError):
                return addr
    return None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _id_part(case_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", case_id) or "case"


def _one_line(value: Any) -> str:
    """Text on one line: headers and list items never carry a line break of the input."""
    return _SPACE.sub(" ", "" if value is None else str(value)).strip()
