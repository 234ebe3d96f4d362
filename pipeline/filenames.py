"""Attachment file names made safe to write inside a packet folder."""

from __future__ import annotations

import re
import unicodedata

_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_UNSAFE = re.compile(r"[^\w.\- ()+,=@]+", re.UNICODE)
MAX_NAME = 120
MAX_NAME_BYTES = 200
"""UTF-8 bytes: file systems allow 255, and packets add suffixes (`-2`, `.txt`, `-p20.png`)."""
_LEADING = re.compile(r"^[ .\-]+")
_TRAILING = re.compile(r"[ .]+$")


def safe_name(name: str | None, fallback: str = "attachment") -> str:
    """Return a single path component: no separators, no control characters, no dot-only names.

    The name is NFC-normalised, stripped of any directory part, of characters outside a
    conservative set, of leading dots, dashes and spaces and trailing dots and spaces, cut to
    MAX_NAME characters keeping the extension, and prefixed with `_` when Windows reserves it
    (CON, NUL.txt, com1.tar.gz). Never empty; `safe_name(safe_name(x)) == safe_name(x)`.
    """
    name = _clean(name or "")
    if not name:
        name = _clean(fallback or "") or "attachment"
    return name


def _clean(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\x00", "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _trim(_UNSAFE.sub("_", name))
    name = _truncate(name)
    if _reserved(name):
        name = _truncate(f"_{name}")
    return name


def _trim(name: str) -> str:
    """No leading dots, dashes or spaces (hidden files, options), no trailing dots or spaces."""
    return _TRAILING.sub("", _LEADING.sub("", name))


def _reserved(name: str) -> bool:
    return name.split(".")[0].rstrip(" ").upper() in _RESERVED


def _fits(name: str) -> bool:
    return len(name) <= MAX_NAME and len(name.encode("utf-8")) <= MAX_NAME_BYTES


def _cut(text: str, chars: int, max_bytes: int) -> str:
    """The longest prefix of `text` within `chars` characters and `max_bytes` UTF-8 bytes."""
    text = text[: max(chars, 0)]
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    return text


def _truncate(name: str, room: int = 0) -> str:
    """Cut `name` to the limits less `room` characters/bytes (kept for a suffix), keeping its extension."""
    chars, max_bytes = MAX_NAME - room, MAX_NAME_BYTES - room
    if len(name) <= chars and len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, ext = name.rpartition(".")
    ext = _trim(_cut(ext, 16, 16 * 4)) if dot and stem else ""
    if not ext:
        return _trim(_cut(name, chars, max_bytes))
    size = len(ext.encode("utf-8")) + 1
    return f"{_trim(_cut(stem, chars - len(ext) - 1, max_bytes - size))}.{ext}"


def unique_names(names: list[str]) -> list[str]:
    """Make names unique (case-insensitively) by numbering repeats: a.pdf, a-2.pdf, a-3.pdf.

    A numbered name is cut first where needed, so it stays within the length limits.
    """
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            suffix = f"-{n}"
            base = _truncate(name, room=len(suffix)) if not _fits(name + suffix) else name
            stem, dot, ext = base.rpartition(".")
            if not dot or not stem:
                stem, ext = base, ""
            candidate = f"{stem}{suffix}.{ext}" if ext else f"{stem}{suffix}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out
