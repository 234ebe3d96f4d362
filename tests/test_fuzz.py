"""Property-based tests (hypothesis) of MIME parsing, HTML-to-text, file names and record serialisation.

Bounded for CI: a few hundred examples per property, no deadline, the whole file well under a
minute. `tests/fuzz_long.py` runs the same properties much longer and prints what it finds.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Attachment, Source
from pipeline.documents import html_to_text, read_document
from pipeline.errors import MessageUnreadable
from pipeline.filenames import MAX_NAME, MAX_NAME_BYTES, safe_name, unique_names
from pipeline.mime import parse_message
from pipeline.settings import load_settings
from pipeline.triage import triage_message
from tests.helpers import SAMPLE_INBOX, validate_record

EXAMPLES = 300
CI = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
              derandomize=True)
"""Derandomized: CI runs the same examples every time; fuzz_long.py explores."""


@lru_cache(maxsize=1)
def samples() -> list[bytes]:
    """The operator's sample messages, smallest first (mutating a 1 MB fax is slow and adds little)."""
    raws = sorted((p.read_bytes() for p in SAMPLE_INBOX.glob("*.eml")), key=len)
    return [r for r in raws if len(r) < 200_000]


def parse_or_unreadable(raw: bytes):
    """parse_message's whole contract: a ParsedMessage, or MessageUnreadable, nothing else."""
    try:
        return parse_message(raw)
    except MessageUnreadable:
        return None


# --- strategies ---------------------------------------------------------------------------------

HEADER_NAMES = st.sampled_from([b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Content-Type",
                                b"Content-Transfer-Encoding", b"Content-Disposition", b"MIME-Version",
                                b"In-Reply-To", b"References", b"X-Junk"])
NASTY = st.sampled_from([
    b"", b"\r\n", b"\n\n", b"\x00", b"\xff\xfe", b"--", b'boundary="', b"multipart/mixed; boundary=x",
    b"message/rfc822", b"base64", b"quoted-printable", b"=?utf-8?B?", b"?=", b"=?x-unknown?Q?a?=",
    b"charset=x-klingon", b"filename*=utf-8''..%2F..%2Fx", b"filename=\"../../x\"", b"=\r\n", b"=ZZ",
    b"\xe4\xb8\xad\xe6\x96\x87", b"<script>alert(1)</script>", b"%PDF-1.7", b"II*\x00", b"PK\x03\x04",
    b"\t", b" ", b":", b";", b"\\", b"\"",
])


@st.composite
def mutated_sample(draw) -> bytes:
    """A real sample message with a few structural mutations: cuts, splices, swaps, flips, nasty tokens."""
    raw = bytearray(draw(st.sampled_from(samples())))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["truncate", "delete", "insert", "flip", "dup_line", "swap_lines", "boundary"]))
        n = len(raw)
        if n == 0:
            break
        i = draw(st.integers(0, n - 1))
        if op == "truncate":
            del raw[i:]
        elif op == "delete":
            del raw[i : i + draw(st.integers(1, 400))]
        elif op == "insert":
            raw[i:i] = draw(NASTY | st.binary(max_size=40))
        elif op == "flip":
            raw[i] = draw(st.integers(0, 255))
        else:
            lines = bytes(raw).split(b"\n")
            j = draw(st.integers(0, len(lines) - 1))
            if op == "dup_line":
                lines.insert(j, lines[j] * draw(st.integers(1, 3)))
            elif op == "swap_lines":
                k = draw(st.integers(0, len(lines) - 1))
                lines[j], lines[k] = lines[k], lines[j]
            else:  # break a boundary: rename every occurrence of one boundary line
                lines = [line.replace(b"--", b"-", 1) if line.startswith(b"--") and draw(st.booleans()) else line
                         for line in lines]
            raw = bytearray(b"\n".join(lines))
    return bytes(raw)


@st.composite
def built_message(draw) -> bytes:
    """A message built from parts: headers with hostile values, nested multiparts, odd encodings."""
    boundary = draw(st.sampled_from([b"b1", b"==x==", b"", b"a b", b"\xff"]))
    head = b"".join(draw(HEADER_NAMES) + b": " + draw(NASTY | st.binary(max_size=30)) + b"\r\n"
                    for _ in range(draw(st.integers(0, 6))))
    head = b"From: a@b.example\r\n" + head
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        ctype = draw(st.sampled_from([b"text/plain", b"text/html", b"application/pdf", b"image/tiff",
                                      b"message/rfc822", b"multipart/mixed", b"application/octet-stream"]))
        cte = draw(st.sampled_from([b"base64", b"quoted-printable", b"8bit", b"x-bogus"]))
        name = draw(st.text(max_size=30)).encode("utf-8", "surrogatepass")
        body = draw(NASTY | st.binary(max_size=200))
        parts.append(b"Content-Type: " + ctype + b"; charset=" + draw(NASTY) + b"\r\nContent-Transfer-Encoding: "
                     + cte + b"\r\nContent-Disposition: attachment; filename=\"" + name + b"\"\r\n\r\n" + body)
    if not parts:
        return head + b"\r\n" + draw(st.binary(max_size=300))
    out = head + b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
    for p in parts:
        out += b"--" + boundary + b"\r\n" + p + b"\r\n"
    if draw(st.booleans()):
        out += b"--" + boundary + b"--\r\n"
    return out


# --- MIME -----------------------------------------------------------------------------------------


@CI
@given(st.binary(max_size=2000))
def test_parse_message_on_arbitrary_bytes(raw: bytes) -> None:
    parse_or_unreadable(raw)


@CI
@given(st.binary(max_size=500).map(lambda b: b"From: x@y.example\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n" + b))
def test_parse_message_on_arbitrary_multipart_bodies(raw: bytes) -> None:
    parse_or_unreadable(raw)


@CI
@given(mutated_sample())
def test_parse_message_on_mutated_samples(raw: bytes) -> None:
    parsed = parse_or_unreadable(raw)
    if parsed is not None:
        for attachment in parsed.attachments:
            assert attachment.name == safe_name(attachment.name)
        json.dumps(parsed.subject + parsed.from_ + parsed.body_text, ensure_ascii=False).encode("utf-8")


@CI
@given(built_message())
def test_parse_message_on_built_messages(raw: bytes) -> None:
    parsed = parse_or_unreadable(raw)
    if parsed is not None:
        names = [a.name for a in parsed.attachments]
        assert len({n.lower() for n in names}) == len(names)  # unique, so none overwrites another


# --- HTML to text --------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_characters="<>&", blacklist_categories=("Cs",)), max_size=40)
"""Text without markup characters: what is not a tag stays text."""
MARKER = "SCRIPTBODY"


@st.composite
def html_document(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(["p", "div", "b", "span", "table", "td", "a", "img", "br", "script", "style",
                                "SCRIPT", "ScRiPt", "noscript", "template", "svg", "iframe", "head"]))
    attrs = draw(st.sampled_from(["", ' onload="alert(1)"', " onerror=alert(2)", ' href="javascript:x()"',
                                  ' src="http://127.0.0.1:9/x"', " style='x'"]))
    if tag.lower() in ("script", "style"):
        inner = f"{MARKER} {draw(TEXT)} document.write('<p>x</p>')"
    elif depth < 4:
        inner = "".join(draw(st.lists(TEXT | html_document(depth + 1), max_size=4)))
    else:
        inner = draw(TEXT)
    close = draw(st.sampled_from([f"</{tag}>", "", f"</ {tag}>", f"</{tag}  >"]))
    return f"<{tag}{attrs}>{inner}{close}"


@CI
@given(st.text(max_size=500))
def test_html_to_text_never_raises_on_any_text(html: str) -> None:
    assert isinstance(html_to_text(html), str)


@CI
@given(st.lists(html_document(), min_size=1, max_size=5).map("".join))
def test_html_to_text_drops_scripts(html: str) -> None:
    text = html_to_text(html)
    assert "<script" not in text.lower()
    assert MARKER not in text


@pytest.mark.parametrize(
    ("html", "why"),
    [("<div>" * 5000 + "x" + "</div>" * 5000, "nested too deep"), ("<p>x</p><![0", "unreadable")],
)
def test_html_the_parser_cannot_take_is_an_unreadable_document(html: str, why: str) -> None:
    """Deep nesting (RecursionError) and markup bs4 rejects (found by tests/fuzz_long.py) stay in their document."""
    doc = read_document(Attachment(name="x.html", media_type="text/html", data=html.encode()), load_settings())
    assert doc.pages == [] and why in (doc.error or "")


# --- file names -----------------------------------------------------------------------------------

NAMES = st.text(max_size=300) | st.text(alphabet="申请書ü", min_size=60, max_size=300) | st.sampled_from(
    ["", ".", "..", "...", "../../x", "/etc/passwd", "C:\\x\\y.bat", "CON", "nul.txt", "com1.tar.gz", "a\x00b",
     "-rf", " .hidden", "\u202etxt.exe", "a" * 500 + ".pdf", "a" * 500, "x." + "y" * 300, " " * 50])


@CI
@given(NAMES, st.sampled_from(["attachment", "", "..", "body.txt"]))
def test_safe_name_properties(name: str, fallback: str) -> None:
    safe = safe_name(name, fallback=fallback)
    assert safe and safe not in {".", ".."}
    assert not set(safe) & {"/", "\\", "\x00"}
    assert len(safe) <= MAX_NAME and len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert not re.search(r"[\x00-\x1f\x7f]", safe)
    assert safe.split(".")[0].rstrip(" ").upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert not safe.startswith(("-", ".", " ")) and not safe.endswith((".", " "))
    assert safe_name(safe, fallback=fallback) == safe


@CI
@given(st.lists(NAMES, max_size=8))
def test_unique_names_are_unique_and_safe(names: list[str]) -> None:
    out = unique_names([safe_name(n) for n in names])
    assert len({n.lower() for n in out}) == len(out)
    for n in out:
        assert "/" not in n and "\\" not in n and n not in {".", ".."}
        assert len(n) <= MAX_NAME and len(n.encode("utf-8")) <= MAX_NAME_BYTES, n


# --- record serialisation --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _settings():
    return load_settings()


@st.composite
def simple_message(draw) -> bytes:
    """A plausible message with hostile header values and text attachments (no OCR needed)."""
    def header(value: str) -> bytes:
        return value.replace("\r", " ").replace("\n", " ").encode("utf-8", "surrogatepass")

    subject = draw(st.text(max_size=60))
    sender = draw(st.text(max_size=30))
    body = draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    date = draw(st.sampled_from(["Mon, 02 Nov 2026 09:00:00 -0800", "yesterday", "", "Thu, 31 Feb 2026 99:99:99"]))
    out = (b"From: " + header(sender) + b" <a@b.example>\r\nSubject: " + header(subject) + b"\r\nDate: "
           + date.encode() + b"\r\nMIME-Version: 1.0\r\n")
    names = draw(st.lists(NAMES, max_size=3))
    if not names:
        return out + b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body
    out += b'Content-Type: multipart/mixed; boundary="BB"\r\n\r\n--BB\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' + body
    for name in names:
        out += (b"\r\n--BB\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\""
                + header(name).replace(b'"', b"'") + b"\"\r\n\r\n" + draw(st.binary(max_size=100)))
    return out + b"\r\n--BB--\r\n"


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(simple_message() | mutated_sample())
def test_records_validate_and_round_trip(raw: bytes) -> None:
    triaged = triage_message(raw, Source(kind="file", path="fuzz/x.eml"), None, _settings())
    record = triaged.to_contract()
    validate_record(record)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    line.encode("utf-8")  # no lone surrogates: triage.jsonl is written as UTF-8
    assert json.loads(line) == record
    assert triaged.raw == raw
