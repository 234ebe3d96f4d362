"""Fax cover sheets: recognise one from its text, and read the sender's fax number and page count."""

from __future__ import annotations

import re
from dataclasses import dataclass

COVER_WORDS = re.compile(
    r"\b(?:cover\s*(?:sheet|page|letter)?|transmittal|facsimile)\b", re.IGNORECASE
)
"""Words that name a cover sheet; a line that is only "FAX" counts too."""
FAX_HEADING = re.compile(
    r"^\s*(?:fax|telefax)(?:\s+(?:message|transmission))?\s*$", re.IGNORECASE | re.MULTILINE
)
LABEL = re.compile(
    r"^\s*(to|attn|attention|from|sender|fax(?:\s*(?:number|no\.?|#))?|phone|tel(?:ephone)?"
    r"|pages?|number of pages|no\.? of pages|total pages|date|re|subject|cc)\b[^:\n]{0,40}:",
    re.IGNORECASE | re.MULTILINE,
)
"""A labelled line ("To:", "Fax number:", "Pages:", ...), the shape of a cover sheet's form."""
MIN_LABELS = 3
"""Labelled lines a cover sheet has at least (besides the word that names it)."""
HEAD_CHARS = 2000
"""Only the top of a page is looked at: a cover sheet says what it is early."""

PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})(?!\d)")
FAX_LABEL = re.compile(r"\bfax\b(?:\s*(?:number|no\.?|#))?\s*:?", re.IGNORECASE)
SECTION = re.compile(r"^\s*(to|attn|attention|from|sender)\b[^:\n]{0,20}:", re.IGNORECASE)
PAGE_COUNT = (
    # "Pages: 3", "Number of pages (including cover): 3", "Total pages: 3 (including this one)"
    re.compile(
        r"\b(?:pages?|no\.? of pages|number of pages|total pages)\b[^:\n\d]{0,40}:\s*(\d{1,3})\b",
        re.IGNORECASE,
    ),
    # "3 pages including cover", "3 pages total"
    re.compile(r"\b(\d{1,3})\s+pages?\b[^\n]{0,30}\b(?:includ|total|cover)", re.IGNORECASE),
    # "Page 1 of 3"
    re.compile(r"\bpage\s+1\s+of\s+(\d{1,3})\b", re.IGNORECASE),
)
MACHINE_HEADER = re.compile(
    r"\bFROM:?\s*(?P<sender>[+\d][\d ().-]{6,20}\d).{0,60}?\bP\.?\s*\d{1,3}\s*/\s*(?P<total>\d{1,3})\b",
    re.IGNORECASE,
)
"""The line a fax machine prints atop each page: "... FROM: 916 555 0178 TO: ... P.001/003"."""


@dataclass(frozen=True)
class CoverSheet:
    """What a fax cover page says about the fax it covers."""

    sender_fax: str | None
    """The sender's fax number as "916-555-0178", from the cover's From part (else the
    fax machine's page header), or None when not given."""
    page_count: int | None
    """Pages the fax says it has, as stated (usually including the cover), or None."""
    sender: str | None
    """The "From:" line's value, as written, or None."""
    recipient: str | None
    """The "To:" line's value, as written, or None."""


def is_cover_sheet(text: str) -> bool:
    """Whether a page's text is a fax cover sheet: named so, and laid out as a form."""
    head = text[:HEAD_CHARS]
    named = COVER_WORDS.search(head) is not None or FAX_HEADING.search(head) is not None
    if not named:
        return False
    labels = {m.group(1).lower().split()[0] for m in LABEL.finditer(head)}
    return len(labels) >= MIN_LABELS and bool(
        labels & {"to", "attn", "attention", "from", "sender"}
    )


def read_cover_sheet(text: str) -> CoverSheet | None:
    """The cover sheet in one page's text (OCR'd or not), or None when it is not one.

    The sender's fax number is the fax number given in the From part (a "Fax:" or
    "Fax number:" line after "From:", or on the From line itself); failing that, the
    number after "FROM:" in the fax machine's header line. The page count is the
    number after "Pages:" (or "3 pages including cover", "Page 1 of 3"); failing
    that, the total in the header's "P.001/003".
    """
    if not is_cover_sheet(text):
        return None
    head = text[:HEAD_CHARS]
    sender = recipient = sender_fax = None
    section: str | None = None
    for line in head.splitlines():
        match = SECTION.match(line)
        if match:
            section = "from" if match.group(1).lower() in ("from", "sender") else "to"
            value = line[match.end() :].strip()
            if section == "from" and sender is None:
                sender = _before_fax(value) or None
            elif section == "to" and recipient is None:
                recipient = _before_fax(value) or None
            if section == "from" and sender_fax is None:
                sender_fax = _fax_in(value)
            continue
        if section == "from" and sender_fax is None and FAX_LABEL.match(line.strip()):
            sender_fax = _fax_in(line, labelled=False)
    header = MACHINE_HEADER.search(head)
    if sender_fax is None and header:
        sender_fax = _phone(header.group("sender"))
    page_count = None
    for pattern in PAGE_COUNT:
        match = pattern.search(head)
        if match:
            page_count = int(match.group(1))
            break
    if page_count is None and header:
        page_count = int(header.group("total"))
    if page_count is not None and page_count < 1:
        page_count = None
    return CoverSheet(
        sender_fax=sender_fax, page_count=page_count, sender=sender, recipient=recipient
    )


def _before_fax(value: str) -> str:
    """A From/To value without a fax number written after it on the same line."""
    match = FAX_LABEL.search(value)
    return (value[: match.start()] if match else value).strip(" ,;-\t")


def _fax_in(text: str, labelled: bool = True) -> str | None:
    """The phone number after a "Fax" label in `text` (any number when `labelled` is False)."""
    if labelled:
        match = FAX_LABEL.search(text)
        if not match:
            return None
        text = text[match.end() :]
    return _phone(text)


def _phone(text: str) -> str | None:
    match = PHONE.search(text)
    return "-".join(match.groups()) if match else None
