"""The ledger: an SQLite file in OUT_DIR that knows every message it has filed, so none is done twice."""

from __future__ import annotations

import fcntl
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.cases import CaseIndex, PriorCase
from pipeline.errors import TriageError

LEDGER_NAME = "ledger.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    source_key  TEXT NOT NULL UNIQUE,
    case_id     TEXT NOT NULL UNIQUE,
    message_id  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    agency      TEXT,
    words       TEXT NOT NULL,
    packet      TEXT NOT NULL,
    record      TEXT NOT NULL,
    mailbox     TEXT,
    uidvalidity INTEGER,
    uid         INTEGER
);
CREATE INDEX IF NOT EXISTS messages_message_id ON messages(message_id);
CREATE INDEX IF NOT EXISTS messages_sha256 ON messages(sha256);
CREATE INDEX IF NOT EXISTS messages_uid ON messages(mailbox, uidvalidity, uid);
-- A message seen again under a new UIDVALIDITY, known to be one already filed.
CREATE TABLE IF NOT EXISTS aliases (
    source_key  TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES messages(case_id),
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL
);
"""


def prior_case(record: dict, *, agency: str | None, words: list[str], sha256: str) -> PriorCase:
    """A filed record as linking and assignment see it."""
    route = record.get("route") or {}
    quality = route.get("quality_check") or {}
    return PriorCase(
        case_id=record["case_id"], message_id=record["message_id"], kind=record["kind"], agency=agency,
        words=frozenset(words), sha256=sha256, follows=(record.get("links") or {}).get("follows"),
        queue=route.get("queue"), reviewer=route.get("reviewer"), open=record.get("kind") != "other",
        quality_queue=quality.get("queue"), quality_reviewer=quality.get("reviewer"),
    )


class RunLocked(TriageError):
    """Another run is writing to the same output folder."""

    where = "ledger"


class Ledger:
    """Filed messages keyed by their source; one transaction per message."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / LEDGER_NAME
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def known_sources(self) -> set[str]:
        """Source keys of every filed message (and of every re-synced alias)."""
        keys = {row[0] for row in self.db.execute("SELECT source_key FROM messages")}
        return keys | {row[0] for row in self.db.execute("SELECT source_key FROM aliases")}

    def status_of(self, source_key: str) -> str | None:
        """The filed record's status ("ok"/"error") of a source, or None when not filed."""
        row = self.db.execute(
            "SELECT m.status FROM messages m WHERE m.source_key = ? UNION ALL "
            "SELECT m.status FROM aliases a JOIN messages m ON m.case_id = a.case_id WHERE a.source_key = ?",
            (source_key, source_key),
        ).fetchone()
        return row[0] if row else None

    def message_id_of(self, source_key: str) -> str | None:
        """The Message-ID of a filed source's record (through an alias too), or None when not filed."""
        row = self.db.execute(
            "SELECT m.message_id FROM messages m WHERE m.source_key = ? UNION ALL "
            "SELECT m.message_id FROM aliases a JOIN messages m ON m.case_id = a.case_id WHERE a.source_key = ?",
            (source_key, source_key),
        ).fetchone()
        return row[0] if row else None

    def last_uid(self, mailbox: str, uidvalidity: int) -> int:
        """The highest UID filed from a folder under one UIDVALIDITY (0 when none)."""
        row = self.db.execute(
            "SELECT MAX(uid) FROM (SELECT uid FROM messages WHERE mailbox = ? AND uidvalidity = ?"
            " UNION ALL SELECT uid FROM aliases WHERE mailbox = ? AND uidvalidity = ?)",
            (mailbox, uidvalidity, mailbox, uidvalidity),
        ).fetchone()
        return int(row[0] or 0)

    def resync_match(self, mailbox: str, uidvalidity: int, message_id: str, sha256: str) -> str | None:
        """After a UIDVALIDITY change: the case of an earlier copy of these exact bytes, not yet re-synced."""
        row = self.db.execute(
            "SELECT case_id FROM messages WHERE mailbox = ? AND uidvalidity != ? AND sha256 = ?"
            " AND message_id = ? AND case_id NOT IN"
            " (SELECT case_id FROM aliases WHERE mailbox = ? AND uidvalidity = ?) ORDER BY seq LIMIT 1",
            (mailbox, uidvalidity, sha256, message_id, mailbox, uidvalidity),
        ).fetchone()
        return row[0] if row else None

    def add_alias(self, *, source_key: str, case_id: str, mailbox: str, uidvalidity: int, uid: int) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "INSERT INTO aliases (source_key, case_id, mailbox, uidvalidity, uid) VALUES (?, ?, ?, ?, ?)",
                (source_key, case_id, mailbox, uidvalidity, uid),
            )

    def find_case(self, case_id: str) -> tuple[str, dict, str] | None:
        """(source key, record, packet path) of a case."""
        row = self.db.execute("SELECT source_key, record, packet FROM messages WHERE case_id = ?",
                              (case_id,)).fetchone()
        return (row[0], json.loads(row[1]), row[2]) if row else None

    def replace(self, *, source_key: str, record: dict, words: list[str], agency: str | None,
                packet: str) -> None:
        """Store a reprocessed record in place of the one filed before, keeping its position."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "UPDATE messages SET kind = ?, status = ?, agency = ?, words = ?, packet = ?, record = ?"
                " WHERE source_key = ?",
                (record["kind"], record["status"], agency, json.dumps(words), packet,
                 json.dumps(record, ensure_ascii=False), source_key),
            )

    def case_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT case_id FROM messages")}

    def case_index(self) -> CaseIndex:
        """Earlier cases, in filing order, for linking follow-ups and duplicates and for assignment."""
        rows = self.db.execute(
            "SELECT case_id, message_id, kind, agency, words, sha256, record FROM messages ORDER BY seq"
        )
        return CaseIndex([prior_case(json.loads(r), agency=a, words=json.loads(w), sha256=s)
                          for c, m, k, a, w, s, r in rows])

    def update_record(self, case_id: str, record: dict, packet: str) -> None:
        """Store a case's updated record (e.g. re-scored by a follow-up) in place, keeping its position."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self._update(case_id, record, packet)

    def _update(self, case_id: str, record: dict, packet: str) -> None:
        self.db.execute(
            "UPDATE messages SET record = ?, packet = ? WHERE case_id = ?",
            (json.dumps(record, ensure_ascii=False), packet, case_id),
        )

    def file(self, *, source_key: str, record: dict, words: list[str], sha256: str, agency: str | None,
             packet: str, update: tuple[str, dict, str] | None = None) -> None:
        """Record a message as filed; its packet is already durably written.

        `update` = (case id, record, packet) of an earlier case this message changes (a follow-up
        re-scoring its case): both rows change in one transaction, so a run stopped in between
        leaves neither, and the rerun files the follow-up and updates its case again.
        """
        src = record.get("source") or {}
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "INSERT INTO messages (source_key, case_id, message_id, sha256, kind, status, agency, words,"
                " packet, record, mailbox, uidvalidity, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source_key, record["case_id"], record["message_id"], sha256, record["kind"], record["status"],
                 agency, json.dumps(words), packet, json.dumps(record, ensure_ascii=False),
                 src.get("mailbox"), src.get("uidvalidity"), src.get("uid")),
            )
            if update is not None:
                self._update(*update)

    def records(self) -> list[dict]:
        """Every filed record, in filing order."""
        return [json.loads(r[0]) for r in self.db.execute("SELECT record FROM messages ORDER BY seq")]


def unique_case_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... when an earlier message (e.g. an identical copy) has it."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@contextmanager
def run_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on OUT_DIR for a run; a second run at the same time fails at once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / ".run.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise RunLocked(f"another run is writing to {out_dir}") from e
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
