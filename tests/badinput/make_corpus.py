"""Write the bad-input corpus: hostile, malformed and oversized messages, each with its expected outcome.

Deterministic: the same call writes the same bytes (fixed dates, ids, boundaries; fpdf2 with a
fixed creation date and file id). Nothing big is committed: the tests call `write_corpus(tmp)`.

    .venv/bin/python tests/badinput/make_corpus.py DIR     # write the .eml files and expected.json

Each `Case` says what its record must look like after `triage replay`:

- `status`: "ok" or "error";
- `errors`: substrings each of which some `errors[].message` contains;
- `doc_errors`: document name -> substring of that document's `error`;
- `flags`: flags that must be raised (`unreadable_attachment`, ...);
- `attachments`: file names that must be under the packet's `attachments/`, byte-identical to the
  decoded part (the original message is checked byte for byte for every case);
- `text`: substrings the record's body document text must contain (decoding checks);
- `absent`: strings that must not appear in the packet's `summary.html`, nor, when they hold
  markup, in `report.html` (script payloads that must arrive escaped);
- `known_failing`: why the case does not yet end as expected (reported, never skipped silently).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

CANARY = "http://127.0.0.1:{port}/canary"
"""Remote references in the corpus point here; a test listens and asserts nothing ever connects."""

DATE = "Mon, 02 Nov 2026 09:00:00 -0800"
SENDER = "Ana Ruiz <ana.ruiz@water.ca.gov>"
BOUNDARY = "==bad-input-boundary=="
BIG_MESSAGE_BYTES = 52 * 1024 * 1024 + 17
"""Over the shipped 50 MiB `limits.max_message_bytes`."""

REQUEST = (
    "CALNET Delegation Request\n"
    "Agency: Department of Water Resources\n"
    "Project: replace the PBX at Sacramento headquarters\n"
    "Timeframe: July 2027 through June 2028\n"
    "Submitted by: Ana Ruiz, Chief Information Officer\n"
)


@dataclass
class Case:
    name: str
    build: Callable[[int], bytes] = field(repr=False)
    """Makes the message's bytes, given the canary port."""
    what: str
    status: str = "ok"
    errors: list[str] = field(default_factory=list)
    doc_errors: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    known_failing: str | None = None

    @property
    def file(self) -> str:
        return f"{self.name}.eml"

    def expected(self) -> dict:
        out = asdict(self)
        out.pop("build")
        out.pop("name")
        return out


# --- builders ---------------------------------------------------------------------------------


def headers(name: str, subject: str = "CALNET Delegation Request", extra: str = "", sender: str = SENDER) -> bytes:
    return (
        f"From: {sender}\r\nTo: STNDdelegations@state.ca.gov\r\nSubject: {subject}\r\n"
        f"Date: {DATE}\r\nMessage-ID: <{name}@badinput.test>\r\nMIME-Version: 1.0\r\n{extra}"
    ).encode()


def simple(name: str, body: bytes, ctype: str = "text/plain; charset=utf-8", cte: str = "8bit",
           subject: str = "CALNET Delegation Request") -> bytes:
    return headers(name, subject) + (
        f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode() + body


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def part(ctype: str, data: bytes, filename: str | None = None, cte: str = "base64", raw_disposition: str = "") -> bytes:
    disp = raw_disposition or (f'Content-Disposition: attachment; filename="{filename}"\r\n' if filename else "")
    body = b64(data) if cte == "base64" else data
    return f"Content-Type: {ctype}\r\n{disp}Content-Transfer-Encoding: {cte}\r\n\r\n".encode() + body


def mixed(name: str, *parts: bytes, body: str = REQUEST, subject: str = "CALNET Delegation Request") -> bytes:
    out = headers(name, subject) + f'Content-Type: multipart/mixed; boundary="{BOUNDARY}"\r\n\r\n'.encode()
    out += b"This is a multi-part message in MIME format.\r\n"
    for p in (part("text/plain; charset=utf-8", body.encode(), cte="8bit"), *parts):
        out += f"--{BOUNDARY}\r\n".encode() + p + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def attached(name: str, filename: str, ctype: str, data: bytes, **kw) -> Callable[[int], bytes]:
    return lambda port: mixed(name, part(ctype, data, filename), **kw)


def text_pdf(text: str = REQUEST, pages: int = 1, owner: str | None = None, user: str | None = None,
             remote: str | None = None) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    pdf.file_id = lambda: "<0123456789ABCDEF0123456789ABCDEF><0123456789ABCDEF0123456789ABCDEF>"
    pdf.set_font("helvetica", size=10)
    for n in range(pages):
        pdf.add_page()
        if n == 0:
            pdf.multi_cell(0, 5, text)
            if remote:
                pdf.cell(0, 5, "form", link=remote)
    if owner is not None:
        pdf.set_encryption(owner_password=owner, user_password=user, encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())


def tiff_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A hand-built little-endian bilevel TIFF that declares width x height pixels but holds 16 bytes."""
    entries = [  # tag, type (3 SHORT, 4 LONG), value
        (256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 1), (262, 3, 0),
        (273, 4, 0), (277, 3, 1), (278, 4, height), (279, 4, 16),
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    data_offset = 8 + ifd_size
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, typ, value in entries:
        if tag == 273:
            value = data_offset
        packed = struct.pack("<H", value) + b"\x00\x00" if typ == 3 else struct.pack("<I", value)
        out += struct.pack("<HHI", tag, typ, 1) + packed
    return out + struct.pack("<I", 0) + b"\x00" * 16


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def small_tiff() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (400, 300), 1).save(buf, "TIFF", compression="group4", dpi=(204, 196))
    return buf.getvalue()


def zip_of(files: dict[str, bytes], level: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """100 MiB of zeros in about 100 KB."""
    return zip_of({"zeros.bin": b"\x00" * (100 * 1024 * 1024)})


def ooxml(kind: str, port: int) -> bytes:
    """A minimal DOCX or XLSX; its XML declares an external entity pointing at the canary."""
    xxe = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{CANARY.format(port=port)}">]>'
    types = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    if kind == "docx":
        return zip_of({"[Content_Types].xml": types.encode(),
                       "word/document.xml": (xxe + "<document>&x; CALNET Delegation Request</document>").encode()})
    return zip_of({"[Content_Types].xml": types.encode(),
                   "xl/workbook.xml": (xxe + "<workbook>&x;</workbook>").encode()})


def tnef() -> bytes:
    """winmail.dat: the TNEF signature, a legacy key and one attribute (attTnefVersion)."""
    return struct.pack("<IH", 0x223E9F78, 0x0001) + b"\x06" + struct.pack("<II", 0x00089006, 4) + \
        struct.pack("<I", 0x00010000) + struct.pack("<H", 1)


def ole2_msg() -> bytes:
    """An Outlook .msg: the OLE2 compound-file header, nothing behind it."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    return header + b"\x00" * (512 - len(header))


def nested_multipart(name: str, depth: int) -> bytes:
    body = part("text/plain; charset=utf-8", b"innermost " + REQUEST.encode(), cte="8bit")
    for level in range(depth, 0, -1):
        b = f"nest-{level}"
        body = (f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n--{b}\r\n').encode() + body + \
            f"\r\n--{b}--\r\n".encode()
    return headers(name) + body


def nested_rfc822(name: str, depth: int) -> bytes:
    inner = simple(f"{name}-0", REQUEST.encode())
    for level in range(1, depth + 1):
        inner = headers(f"{name}-{level}", subject=f"Fwd: level {level}") + \
            b"Content-Type: message/rfc822\r\n\r\n" + inner
    return inner


def html_payload(port: int) -> bytes:
    canary = CANARY.format(port=port)
    return (
        '<html><head><script>alert("head")</script><link rel="stylesheet" href="' + canary + '.css">'
        '</head><body onload="alert(1)"><p>CALNET Delegation Request</p>'
        '<p>Agency: Department of Water Resources</p>'
        '<img src="' + canary + '.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a><iframe src="' + canary + '.html"></iframe>'
        '<script>document.write("<b>pwned</b>")</script><svg onload="alert(4)"></svg>'
        '<p>Timeframe: July 2027</p></body></html>'
    ).encode()


SCRIPT = "<script>alert('xss')</script>"


def spanish() -> bytes:
    body = ("Solicitud de delegación CALNET\nAgencia: Departamento de Recursos Hídricos\n"
            "Proyecto: reemplazo de la central telefónica (PBX) en Sacramento.\n"
            "Período: julio de 2027 a junio de 2028.\n").encode()
    import quopri
    return simple("es-qp", quopri.encodestring(body), cte="quoted-printable",
                  subject="=?utf-8?Q?Solicitud_de_delegaci=C3=B3n?=")


CHINESE = "CALNET 授权申请\n机构：水资源部\n项目：更换萨克拉门托总部的电话交换机\n"


def chinese(charset: str, cte: str) -> Callable[[int], bytes]:
    text = CHINESE if charset != "big5" else "CALNET 授權申請\n機構：水資源部\n項目：更換電話交換機\n"
    data = text.encode(charset)
    body = b64(data) if cte == "base64" else data
    subject = "=?" + charset + "?B?" + base64.b64encode(text.splitlines()[0].encode(charset)).decode() + "?="
    return lambda port: simple(f"zh-{charset}", body, f"text/plain; charset={charset}", cte, subject=subject)


def many_attachments(name: str, count: int) -> bytes:
    return mixed(name, *(part("text/plain", f"note {i}\n".encode(), f"note-{i:03}.txt") for i in range(count)))


def big_message(port: int) -> bytes:
    """Over the 50 MiB message limit: a 'scan' attachment of repeated bytes."""
    head = mixed("big-52mb", part("application/pdf", b"", "scan.pdf"))
    filler = (b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=" * 2 + b"\r\n")
    return head + filler * ((BIG_MESSAGE_BYTES - len(head)) // len(filler) + 1)


# --- the corpus -------------------------------------------------------------------------------

UA = ["unreadable_attachment"]


def _cases() -> list[Case]:
    r = REQUEST.encode()
    return [
        # Malformed MIME
        Case("mime-01-no-boundary-param", lambda p: headers("nb") + b"Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n",
             "multipart without a boundary parameter", "error", ["MIME structure unreadable"]),
        Case("mime-02-boundary-never-appears", lambda p: headers("bn") + b'Content-Type: multipart/mixed; boundary="abc"\r\n\r\n' + r,
             "boundary declared, never used", "error", ["MIME structure unreadable"]),
        Case("mime-03-no-closing-boundary", lambda p: mixed("nc", part("text/plain", b"note", "note.txt"))[: -len(f"--{BOUNDARY}--\r\n")],
             "last part never closed", "ok", ["CloseBoundaryNotFoundDefect"], attachments=["note.txt"], text=["Water Resources"]),
        Case("mime-04-bad-base64-body", lambda p: simple("bb", b"Q0FMTkVUIERlbGVnYXRpb24gUmVxdWVzdA@@@!!\r\n", cte="base64"),
             "body in broken base64", "ok"),
        Case("mime-05-bad-base64-pdf", lambda p: mixed("bp", part("application/pdf", b"JVBERi0xLjQK%%%%not*base64", "form.pdf", cte="7bit_raw")
                                                       .replace(b"7bit_raw", b"base64")),
             "PDF attachment whose base64 is garbage", "ok", doc_errors={"form.pdf": ""}, flags=UA, attachments=["form.pdf"]),
        Case("mime-06-unknown-charset", lambda p: simple("uc", r, "text/plain; charset=x-klingon-9"),
             "charset no codec knows", "ok", text=["Water Resources"]),
        Case("mime-07-wrong-charset", lambda p: simple("wc", "Agencia: Departamento de Recursos Hídricos — año 2027\n".encode(),
                                                       "text/plain; charset=us-ascii"),
             "UTF-8 bytes declared us-ascii", "ok", text=["Recursos H"]),
        Case("mime-08-latin1-declared-utf8", lambda p: simple("lu", "Agencia: Recursos Hídricos, año 2027\n".encode("latin-1")),
             "latin-1 bytes declared UTF-8", "ok", text=["Recursos H"]),
        Case("mime-09-8bit-utf8-headers", lambda p: headers("8u", subject="Solicitud de delegación — año 2027",
                                                            ).replace(SENDER.encode(), "José Núñez <jose@water.ca.gov>".encode()) +
             b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + r,
             "raw UTF-8 in Subject and From", "ok", text=["Water Resources"]),
        Case("mime-10-8bit-latin1-headers", lambda p: headers("8l").replace(b"CALNET Delegation Request", "Delegación año".encode("latin-1")) +
             b"Content-Type: text/plain\r\n\r\n" + r,
             "raw latin-1 bytes in Subject", "ok", text=["Water Resources"]),
        Case("mime-11-nested-multipart-50", lambda p: nested_multipart("n50", 50),
             "multiparts nested 50 deep", "ok", ["nesting deeper than"]),
        Case("mime-12-nested-rfc822-50", lambda p: nested_rfc822("r50", 50),
             "message/rfc822 forwarded 50 times", "ok", ["nesting deeper than"]),
        Case("mime-13-nested-multipart-1000", lambda p: nested_multipart("n1000", 1000),
             "multiparts nested 1,000 deep (deeper than the stdlib parser can recurse)", "error",
             ["MIME nesting too deep to parse"]),
        Case("mime-14-unknown-transfer-encoding", lambda p: simple("ute", r, cte="x-martian"),
             "Content-Transfer-Encoding no one knows", "ok"),
        Case("mime-15-huge-header-line", lambda p: headers("hh", extra="X-Junk: " + "A" * 200_000 + "\r\n") +
             b"Content-Type: text/plain\r\n\r\n" + r,
             "a 200,000-character header line", "ok", text=["Water Resources"]),
        Case("mime-16-thousand-parts", lambda p: many_attachments("tp", 1000),
             "1,000 small attachments (over max_attachments)", "ok", doc_errors={"note-050.txt": "over the attachment limit"},
             flags=UA, attachments=["note-000.txt", "note-999.txt"]),
        Case("mime-17-garbage-after-header", lambda p: b"X-A: b\r\n\r\n" + bytes(range(256)) * 64,
             "one header, then binary garbage", "ok"),
        Case("mime-18-bad-rfc2047", lambda p: headers("b2", subject="=?utf-8?B?###?= =?x-bogus?Q?abc?= =?utf-8?Q?=FF=FE?=") +
             b"Content-Type: text/plain\r\n\r\n" + r, "undecodable encoded words", "ok"),
        # Empty and header-only
        Case("empty-01-zero-bytes", lambda p: b"", "a 0-byte file", "error", ["empty message"]),
        Case("empty-02-whitespace", lambda p: b"\r\n \r\n\t\r\n", "blank lines only", "error", ["empty message"]),
        Case("empty-03-header-only-no-blank-line", lambda p: headers("ho").rstrip(b"\r\n"), "headers, no body, no blank line", "ok"),
        Case("empty-04-header-only", lambda p: headers("hb") + b"\r\n", "headers and a blank line, no body", "ok"),
        Case("empty-05-no-header", lambda p: b"\r\nJust text, no header at all.\r\n", "text with no header", "error",
             ["no header at the start"]),
        # Size
        Case("size-01-52mb-message", big_message, "a 52 MiB message (over max_message_bytes)", "error",
             ["over the limit"]),
        # Broken attachments
        Case("att-01-zero-byte", attached("z", "empty.pdf", "application/pdf", b""), "a 0-byte PDF", "ok",
             doc_errors={"empty.pdf": "empty file"}, flags=UA, attachments=["empty.pdf"]),
        Case("att-02-truncated-pdf", lambda p: mixed("tp", part("application/pdf", text_pdf()[:400], "request.pdf")),
             "a PDF cut after 400 bytes", "ok", doc_errors={"request.pdf": "PDF"}, flags=UA, attachments=["request.pdf"]),
        Case("att-03-truncated-tiff", lambda p: mixed("tt", part("image/tiff", small_tiff()[:60], "fax.tif")),
             "a TIFF cut after 60 bytes", "ok", doc_errors={"fax.tif": "corrupt TIFF"}, flags=UA, attachments=["fax.tif"]),
        Case("att-04-corrupt-pdf", attached("cp", "corrupt.pdf", "application/pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40),
             "a PDF header, then noise", "ok", doc_errors={"corrupt.pdf": "corrupt PDF"}, flags=UA),
        Case("att-05-encrypted-pdf-owner-only", lambda p: mixed("eo", part("application/pdf", text_pdf(owner="owner-secret"), "request.pdf")),
             "RC4-encrypted PDF, empty user password (opens without one)", "ok", attachments=["request.pdf"],
             ),
        Case("att-06-password-pdf", lambda p: mixed("pw", part("application/pdf", text_pdf(owner="o", user="u-secret"), "request.pdf")),
             "password-protected PDF", "ok", doc_errors={"request.pdf": "encrypted PDF"}, flags=UA, attachments=["request.pdf"]),
        Case("att-07-pdf-2000-pages", lambda p: mixed("p2k", part("application/pdf", text_pdf(pages=2000), "huge.pdf")),
             "a 2,000-page PDF (over max_pages)", "ok", doc_errors={"huge.pdf": "over the page limit (2000 > 100)"}, flags=UA,
             attachments=["huge.pdf"]),
        Case("att-08-tiff-bomb", lambda p: mixed("tb", part("image/tiff", tiff_bomb(), "bomb.tif")),
             "a TIFF declaring 100,000 x 100,000 pixels", "ok", doc_errors={"bomb.tif": "too large"}, flags=UA,
             attachments=["bomb.tif"]),
        Case("att-09-png-bomb", lambda p: mixed("pb", part("image/png", png_bomb(), "bomb.png")),
             "a PNG declaring 100,000 x 100,000 pixels", "ok", doc_errors={"bomb.png": "too large"}, flags=UA),
        Case("att-10-zip", lambda p: mixed("zp", part("application/zip", zip_of({"request.txt": r}), "request.zip")),
             "a zip archive holding the request", "ok", doc_errors={"request.zip": "unsupported file type"}, flags=UA,
             attachments=["request.zip"]),
        Case("att-11-zip-bomb", lambda p: mixed("zb", part("application/zip", zip_bomb(), "bomb.zip")),
             "100 MiB of zeros zipped into 100 KB (never inflated)", "ok", doc_errors={"bomb.zip": "unsupported file type"},
             flags=UA, attachments=["bomb.zip"]),
        Case("att-12-nested-zip-bomb", lambda p: mixed("nz", part("application/zip", zip_of({"inner.zip": zip_bomb()}), "nested.zip")),
             "a zip bomb inside a zip", "ok", doc_errors={"nested.zip": "unsupported file type"}, flags=UA),
        Case("att-13-winmail-dat", lambda p: mixed("tn", part("application/ms-tnef", tnef(), "winmail.dat")),
             "winmail.dat (TNEF) from Outlook", "ok", doc_errors={"winmail.dat": "unsupported file type"}, flags=UA,
             attachments=["winmail.dat"]),
        Case("att-14-outlook-msg", lambda p: mixed("om", part("application/vnd.ms-outlook", ole2_msg(), "request.msg")),
             "an Outlook .msg (OLE2) attached", "ok", doc_errors={"request.msg": "unsupported file type application/x-ole-storage"},
             flags=UA, attachments=["request.msg"]),
        Case("att-15-docx", lambda p: mixed("dx", part("application/octet-stream", ooxml("docx", p), "request.docx")),
             "a DOCX (with an external entity in its XML)", "ok",
             doc_errors={"request.docx": "unsupported file type application/vnd.openxmlformats-officedocument.wordprocessingml"},
             flags=UA, attachments=["request.docx"]),
        Case("att-16-xlsx", lambda p: mixed("xx", part("application/octet-stream", ooxml("xlsx", p), "budget.xlsx")),
             "an XLSX", "ok", doc_errors={"budget.xlsx": "unsupported file type application/vnd.openxmlformats-officedocument.spreadsheetml"},
             flags=UA, attachments=["budget.xlsx"]),
        Case("att-17-pdf-remote-link", lambda p: mixed("pr", part("application/pdf", text_pdf(remote=CANARY.format(port=p)), "request.pdf")),
             "a PDF with a link to a remote URL (never fetched)", "ok", attachments=["request.pdf"]),
        Case("att-18-external-body", lambda p: mixed("eb", (
            'Content-Type: message/external-body; access-type=URL; URL="' + CANARY.format(port=p) + '"\r\n\r\n'
            'Content-Type: application/pdf\r\n\r\n').encode()),
             "message/external-body pointing at a URL (never fetched)", "ok",
             doc_errors={"attachment-1": "empty file"}, flags=UA),
        Case("att-19-svg-xxe", lambda p: mixed("sx", part("image/svg+xml", (
            f'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "{CANARY.format(port=p)}">]>'
            f'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text><image href="{CANARY.format(port=p)}"/></svg>').encode(),
            "drawing.svg")),
             "an SVG with an external entity and a remote image", "ok", doc_errors={"drawing.svg": "unsupported file type"}, flags=UA),
        # Hostile names
        Case("name-01-dotdot", attached("dd", "../../x", "text/plain", b"note\n"), "attachment named ../../x", "ok",
             attachments=["x"]),
        Case("name-02-dotdot-deep", attached("dd2", "../../../../../../etc/cron.d/evil", "text/plain", b"note\n"),
             "attachment named ../../../../../../etc/cron.d/evil", "ok", attachments=["evil"]),
        Case("name-03-absolute", attached("ab", "/etc/passwd", "text/plain", b"note\n"), "attachment named /etc/passwd", "ok",
             attachments=["passwd"]),
        Case("name-04-windows-absolute", attached("wa", "C:\\Windows\\System32\\evil.bat", "text/plain", b"note\n"),
             "quoted C:\\Windows\\System32\\evil.bat (the quoting eats the backslashes)", "ok",
             attachments=["C_WindowsSystem32evil.bat"]),
        Case("name-12-windows-path-rfc2231", lambda p: mixed("w2", part("text/plain", b"note\n", raw_disposition=
             "Content-Disposition: attachment; filename*=utf-8''C%3A%5CWindows%5CSystem32%5Cevil.bat\r\n")),
             "RFC 2231 C:\\Windows\\System32\\evil.bat", "ok", attachments=["evil.bat"]),
        Case("name-05-nul-byte", lambda p: mixed("nul", part("text/plain", b"note\n", raw_disposition=
             "Content-Disposition: attachment; filename*=utf-8''report%00.txt%00.sh\r\n")),
             "RFC 2231 file name with NUL bytes", "ok", attachments=["report.txt.sh"]),
        Case("name-06-very-long", attached("vl", "A" * 600 + ".pdf", "application/pdf", text_pdf()),
             "a 604-character file name", "ok", attachments=["A" * 116 + ".pdf"]),
        Case("name-07-reserved-con", attached("con", "CON", "text/plain", b"note\n"), "attachment named CON", "ok",
             attachments=["_CON"]),
        Case("name-08-reserved-nul-txt", attached("nt", "NUL.txt", "text/plain", b"note\n"), "attachment named NUL.txt", "ok",
             attachments=["_NUL.txt"]),
        Case("name-09-dot-only", lambda p: mixed("do", part("text/plain", b"a\n", ".."), part("text/plain", b"b\n", "."),
                                                 part("text/plain", b"c\n", "...")),
             "attachments named .., . and ...", "ok", attachments=["attachment-1", "attachment-2", "attachment-3"]),
        Case("name-10-control-and-rtl", attached("rl", "invoice\u202etxt.exe\r\n\t.pdf", "application/pdf", text_pdf()),
             "a name with a right-to-left override and control characters", "ok", attachments=["invoicetxt.exe.pdf"]),
        Case("name-11-duplicates", lambda p: mixed("du", part("text/plain", b"1\n", "a.txt"), part("text/plain", b"2\n", "A.TXT"),
                                                   part("text/plain", b"3\n", "../a.txt")),
             "three attachments that all become a.txt", "ok", attachments=["a.txt", "A-2.TXT", "a-3.txt"]),
        Case("name-13-long-cjk", lambda p: mixed("cjk", part("text/plain", "申请\n".encode(), raw_disposition=
             "Content-Disposition: attachment; filename*=utf-8''" + "".join(f"%{b:02X}" for b in ("申请" * 100 + ".txt").encode())
             + "\r\n")),
             "a 204-character Chinese name (612 UTF-8 bytes: over the file system's 255)", "ok",
             attachments=[("申请" * 33)[:65] + ".txt"]),
        Case("name-14-long-cjk-twice", lambda p: mixed("cjk2", *(part("text/plain", f"{i}\n".encode(), "文件" * 80 + ".pdf")
                                                              for i in range(3))),
             "three long Chinese names that collide once cut", "ok",
             attachments=[("文件" * 33)[:65] + ".pdf", ("文件" * 33)[:64] + "-2.pdf", ("文件" * 33)[:64] + "-3.pdf"]),
        # HTML payloads
        Case("html-01-script-body", lambda p: simple("hs", html_payload(p), "text/html; charset=utf-8"),
             "HTML-only body with scripts, event handlers, remote images", "ok", text=["Water Resources"],
             absent=['alert("head")', "onload=", "onerror=", "pwned"]),
        Case("html-02-script-subject", lambda p: simple("hsub", r, subject=SCRIPT) .replace(
            b"From: " + SENDER.encode(), b'From: "<img src=x onerror=alert(1)>" <evil@example.com>'),
             "script in Subject and From", "ok", absent=[SCRIPT, "<img src=x"]),
        Case("html-03-script-attachment", lambda p: mixed("ha", part("text/html", html_payload(p), "page.html")),
             "HTML attachment with scripts", "ok", attachments=["page.html"], absent=['<script>alert("head")']),
        Case("html-04-script-filename", attached("hf", '<script>alert(1)<\\/script>.pdf', "application/pdf", text_pdf()),
             "file name carrying a script tag", "ok", attachments=["script_.pdf"], absent=["<script>alert(1)"]),
        Case("html-05-deep-body", lambda p: simple("hd", b"<div>" * 20000 + REQUEST.encode() + b"</div>" * 20000,
                                                   "text/html; charset=utf-8"),
             "HTML body nested 20,000 divs deep (too deep for the HTML parser)", "ok",
             ["HTML body nested too deep"], text=["Water Resources"]),
        Case("html-06-deep-attachment", lambda p: mixed("hda", part("text/html", b"<div>" * 20000 + b"x" + b"</div>" * 20000,
                                                                     "deep.html")),
             "HTML attachment nested 20,000 divs deep", "ok", doc_errors={"deep.html": ""}, flags=UA,
             attachments=["deep.html"]),
        Case("html-07-rejected-markup-body", lambda p: simple("hr", REQUEST.encode() + b"<![0", "text/html; charset=utf-8"),
             "HTML body the HTML parser rejects (`<![0`, found by fuzzing)", "ok", ["HTML body unreadable"],
             text=["Water Resources"]),
        Case("html-08-rejected-markup-attachment", lambda p: mixed("hra", part("text/html", b"<p>x</p><![0", "odd.html")),
             "HTML attachment the HTML parser rejects", "ok", doc_errors={"odd.html": ""}, flags=UA, attachments=["odd.html"]),
        # Non-English requests
        Case("lang-01-spanish-qp", lambda p: spanish(), "Spanish request, UTF-8 quoted-printable", "ok",
             text=["Solicitud de delegación", "Período"]),
        Case("lang-02-chinese-utf8", chinese("utf-8", "base64"), "Chinese request, UTF-8 base64", "ok", text=["水资源部"]),
        Case("lang-03-chinese-gb2312", chinese("gb2312", "8bit"), "Chinese request, GB2312", "ok", text=["水资源部"]),
        Case("lang-04-chinese-big5", chinese("big5", "base64"), "Chinese request, Big5", "ok", text=["水資源部"]),
        Case("lang-05-chinese-gbk-as-gb2312", lambda p: simple("gbk", "機構：水資源部\n".encode("gbk"), "text/plain; charset=gb2312"),
             "GBK-only characters declared GB2312", "ok", text=["機構：水資源部"]),
    ]


CASES: list[Case] = _cases()


def write_corpus(folder: Path, port: int = 9, only: set[str] | None = None) -> list[Case]:
    """Write every case's message into `folder` as NAME.eml and `expected.json`; return the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = [c for c in CASES if only is None or c.name in only]
    for case in cases:
        (folder / case.file).write_bytes(case.build(port))
    (folder / "expected.json").write_text(
        json.dumps({c.file: c.expected() for c in cases}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return cases


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py DIR")
    written = write_corpus(Path(sys.argv[1]))
    print(f"{len(written)} cases written to {sys.argv[1]}")
