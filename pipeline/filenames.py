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


def safe_name(name: str | None, fallback: str = "attachment") -> str:
    """Return a single path component: no separators, no control characters, no dot-only names.

    The name is NFC-normalised, stripped of any directory part, of characters outside a
    conservative set, of leading dots, and cut to MAX_NAME characters keeping the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\x00", "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    name = name.lstrip(".-")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.upper() in _RESERVED or name.upper() in _RESERVED:
        name = f"_{name}"
    if len(name) > MAX_NAME:
        ext = ext[:16]
        name = f"{stem[: MAX_NAME - len(ext) - 1]}.{ext}" if ext else name[:MAX_NAME]
    return name or fallback


def unique_names(names: list[str]) -> list[str]:
    """Make names unique (case-insensitively) by numbering repeats: a.pdf, a-2.pdf, a-3.pdf."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        candidate, n = name, 1
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        while candidate.lower() in seen:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out
