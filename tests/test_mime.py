"""Tests of pipeline.mime.parse_message on messages built with the stdlib or as literal bytes."""

from __future__ import annotations

import io
import re
from email.message import EmailMessage

import pytest
from PIL import Image

from pipeline.errors import MessageUnreadable
from pipeline.mime import content_hash, parse_message


def _message(
    subject: str = "CALNET Delegation Request",
    sender: str = "it@dmv.ca.gov",
    body: str | None = "Please see the request.",
    **headers: str,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "STNDdelegations@state.ca.gov"
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    if body is not None:
        msg.set_content(body)
    return msg


def _tiff() -> bytes:
    out = io.BytesIO()
    Image.new("1", (200, 100), 1).save(out, "TIFF", compression="group4", dpi=(204, 196))
    return out.getvalue()


# --- headers and body encodings -------------------------------------------------------------


def test_rfc2047_subject_and_from_are_decoded() -> None:
    raw = (
        b"From: =?utf-8?B?Sm9zw6kgR2FyY8OtYQ==?= <jose@dmv.ca.gov>\r\n"
        b"To: STNDdelegations@state.ca.gov\r\n"
        b"Subject: =?iso-8859-1?Q?Delegaci=F3n_request_=96_PBX?=\r\n"
        b"Message-ID: <enc-1@dmv.ca.gov>\r\n"
        b"\r\n"
        b"Body.\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.from_ == "José García <jose@dmv.ca.gov>"
    assert parsed.subject.startswith("Delegación request")
    assert "=?" not in parsed.subject


def test_windows_1252_quoted_printable_body() -> None:
    raw = (
        b"From: it@cdcr.ca.gov\r\n"
        b"Subject: request\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=windows-1252\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n"
        b"We=92re requesting =93delegation=94 =96 caf=E9 premise\r\n"
    )
    parsed = parse_message(raw)
    assert (
        parsed.body_text.strip()
        == "We\u2019re requesting \u201cdelegation\u201d \u2013 caf\u00e9 premise"
    )


def test_base64_utf8_body() -> None:
    msg = _message(body=None)
    msg.set_content("Grüße – delegation for Río Vista ✓", charset="utf-8", cte="base64")
    raw = msg.as_bytes()
    assert b"Content-Transfer-Encoding: base64" in raw
    assert "Grüße".encode() not in raw  # really encoded on the wire
    assert parse_message(raw).body_text.strip() == "Grüße – delegation for Río Vista ✓"


def test_html_only_body_keeps_text_and_drops_scripts_and_styles() -> None:
    msg = _message(body=None)
    msg.set_content(
        "<html><head><style>p { color: red }</style><script>alert('owned')</script></head>"
        "<body><p>Hello <b>transport</b> delegation</p><script>var x = 1;</script></body></html>",
        subtype="html",
    )
    text = parse_message(msg.as_bytes()).body_text
    assert re.sub(r"\s+", " ", text).strip() == "Hello transport delegation"
    assert "alert" not in text and "color" not in text and "var x" not in text


def test_text_plain_preferred_over_html_alternative() -> None:
    msg = _message(body="PLAIN version of the request")
    msg.add_alternative("<p>HTML version of the request</p>", subtype="html")
    parsed = parse_message(msg.as_bytes())
    assert "PLAIN version" in parsed.body_text
    assert "HTML version" not in parsed.body_text
    assert parsed.attachments == []


# --- attachments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hostile", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\evil.exe", "evil.exe"),
        ("..\\..\\windows\\system32\\x.dll", "x.dll"),
        (".hidden.pdf", "hidden.pdf"),
        ("CON", "_CON"),
    ],
)
def test_hostile_attachment_names_become_safe(hostile: str, safe: str) -> None:
    msg = _message(body="see attached")
    msg.add_attachment(b"%PDF-1.4 hello", maintype="application", subtype="pdf", filename=hostile)
    (att,) = parse_message(msg.as_bytes()).attachments
    assert att.name == safe
    assert att.original_name == hostile
    assert "/" not in att.name and "\\" not in att.name and ".." not in att.name


def test_nul_byte_in_rfc2231_attachment_name_is_removed() -> None:
    raw = (
        b"From: a@dgs.ca.gov\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
        b"--XX\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''evil%00name.pdf\r\n\r\n%PDF-1.4\r\n"
        b"--XX--\r\n"
    )
    (att,) = parse_message(raw).attachments
    assert att.name == "evilname.pdf"
    assert "\x00" not in att.name


def test_dot_only_name_gets_fallback_and_repeats_are_numbered() -> None:
    msg = _message(body="see attached")
    for name in ("...", "scan.pdf", "SCAN.pdf"):
        msg.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename=name)
    names = [a.name for a in parse_message(msg.as_bytes()).attachments]
    assert names[0] == "attachment-1"
    assert names[1] == "scan.pdf"
    assert names[2].lower() != names[1].lower()


def test_attachment_media_type_sniffed_from_bytes() -> None:
    msg = _message(body="see attached")
    msg.add_attachment(
        b"%PDF-1.4\n%stuff", maintype="application", subtype="octet-stream", filename="request.bin"
    )
    (att,) = parse_message(msg.as_bytes()).attachments
    assert att.media_type == "application/pdf"
    assert att.data.startswith(b"%PDF-1.4")


def test_forwarded_rfc822_inner_body_and_attachment_are_read() -> None:
    inner = _message(
        subject="IVR delegation",
        sender="cio@dca.ca.gov",
        body="Inner request body: IVR/ACD replacement in Sacramento",
    )
    inner.add_attachment(
        b"inner attachment text", maintype="text", subtype="plain", filename="inner.txt"
    )
    outer = _message(
        subject="Fwd: IVR delegation", sender="assistant@dca.ca.gov", body="Forwarding this."
    )
    outer.add_attachment(inner)
    parsed = parse_message(outer.as_bytes())
    assert "Forwarding this." in parsed.body_text
    assert "Inner request body: IVR/ACD replacement" in parsed.body_text
    assert [a.name for a in parsed.attachments] == ["inner.txt"]
    assert parsed.attachments[0].data == b"inner attachment text"
    assert parsed.subject == "Fwd: IVR delegation"


# --- channel -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "subject", "body", "image_only", "channel"),
    [
        ("fax-gateway@dgs.ca.gov", "Document", "see pages", False, "fax"),
        ("clerk@dgs.ca.gov", "Fax from 916-555-0142", "see pages", False, "fax"),
        ("clerk@dgs.ca.gov", "Scanned pages", "", True, "fax"),
        ("clerk@dgs.ca.gov", "Scanned pages", "Here is our request, scanned.", True, "email"),
        ("clerk@dgs.ca.gov", "Delegation request", "Plain request text.", False, "email"),
    ],
)
def test_channel(sender: str, subject: str, body: str, image_only: bool, channel: str) -> None:
    msg = _message(subject=subject, sender=sender, body=body or None)
    if image_only:
        msg.add_attachment(_tiff(), maintype="image", subtype="tiff", filename="page1.tif")
    assert parse_message(msg.as_bytes()).channel == channel


def test_image_declared_as_octet_stream_still_counts_as_fax() -> None:
    msg = _message(subject="scan", body=None)
    msg.add_attachment(
        _tiff(), maintype="application", subtype="octet-stream", filename="page1.tif"
    )
    parsed = parse_message(msg.as_bytes())
    assert parsed.attachments[0].media_type == "image/tiff"
    assert parsed.channel == "fax"


# --- unreadable messages and header problems -----------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"  \r\n\r\n  ", id="whitespace"),
        pytest.param(bytes(range(256)) * 8, id="binary-garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, id="png-bytes"),
        pytest.param(b"just some text without any header\n", id="no-header"),
    ],
)
def test_not_a_message_raises_unreadable(raw: bytes) -> None:
    with pytest.raises(MessageUnreadable):
        parse_message(raw)


def test_multipart_without_boundary_raises_unreadable() -> None:
    raw = (
        b"From: a@dgs.ca.gov\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed\r\n\r\nhello\r\n"
    )
    with pytest.raises(MessageUnreadable, match="MIME structure unreadable"):
        parse_message(raw)


def test_message_id_kept_when_present() -> None:
    msg = _message(Message_ID="<abc.123@dmv.ca.gov>")
    assert parse_message(msg.as_bytes()).message_id == "<abc.123@dmv.ca.gov>"


def test_missing_message_id_gets_a_content_hash_id() -> None:
    raw = b"From: a@dgs.ca.gov\r\nSubject: x\r\n\r\nhello\r\n"
    other = b"From: a@dgs.ca.gov\r\nSubject: x\r\n\r\nhello again\r\n"
    first = parse_message(raw).message_id
    assert first == parse_message(raw).message_id  # stable
    assert content_hash(raw)[:32] in first
    assert first != parse_message(other).message_id


def test_bad_date_is_recorded_but_does_not_fail() -> None:
    raw = b"From: a@dgs.ca.gov\r\nSubject: x\r\nDate: not a date at all\r\n\r\nhello\r\n"
    parsed = parse_message(raw)
    assert parsed.date is None
    assert parsed.body_text.strip() == "hello"
    assert any(e.where == "mime" and "Date" in e.message for e in parsed.errors)


def test_good_date_and_reply_headers_are_read() -> None:
    msg = _message(
        Date="Mon, 05 Jan 2026 10:00:00 -0800",
        In_Reply_To="<orig@edd.ca.gov>",
        References="<a@edd.ca.gov> <orig@edd.ca.gov>",
    )
    parsed = parse_message(msg.as_bytes())
    assert parsed.date is not None and parsed.date.isoformat() == "2026-01-05T10:00:00-08:00"
    assert parsed.in_reply_to == "<orig@edd.ca.gov>"
    assert parsed.references == ["<a@edd.ca.gov>", "<orig@edd.ca.gov>"]
    assert parsed.errors == []
