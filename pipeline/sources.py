"""Where messages come from: a folder of saved .eml files (the IMAP source lives beside it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from models import Source


@dataclass(frozen=True)
class InboxFile:
    """A message file under the inbox folder."""

    path: Path
    source: Source


def list_inbox(inbox: Path) -> list[InboxFile]:
    """Every `.eml` file under `inbox`, recursively, in sorted relative-path order."""
    files = sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() == ".eml")
    rel = [(p.relative_to(inbox).as_posix(), p) for p in files]
    return [InboxFile(path=p, source=Source(kind="file", path=r)) for r, p in sorted(rel)]


def read_raw(item: InboxFile) -> bytes:
    """The message's bytes, as they are on disk."""
    return item.path.read_bytes()


def iter_raw(items: list[InboxFile]) -> Iterator[tuple[InboxFile, bytes]]:
    for item in items:
        yield item, read_raw(item)
