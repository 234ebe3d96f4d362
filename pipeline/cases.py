"""Link a case to earlier ones: follow-ups to the case they answer, second copies to the first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models import DocumentText, Links

DUPLICATE_SIMILARITY = 0.6
"""Jaccard similarity of word sets above which two requests of one agency are the same request."""
_STOP = {"the", "and", "for", "with", "that", "this", "from", "will", "have", "are", "our", "its",
         "has", "been", "which", "their", "would", "they", "your", "into", "also", "than", "were"}


@dataclass
class PriorCase:
    """What linking needs to know of a case already in the ledger."""

    case_id: str
    message_id: str
    kind: str
    agency: str | None
    words: frozenset[str]
    sha256: str


@dataclass
class CaseIndex:
    """The cases seen so far, in processing order."""

    cases: list[PriorCase] = field(default_factory=list)

    def add(self, case: PriorCase) -> None:
        self.cases.append(case)


def fingerprint(documents: list[DocumentText]) -> list[str]:
    """Distinct content words of a message's documents (cover sheets and short words left out)."""
    words: set[str] = set()
    for doc in documents:
        for page in doc.pages:
            head = page.text[:1500].lower()
            if "cover" in head and "fax" in head and "pages" in head:
                continue
            words.update(w for w in re.findall(r"[a-z]{4,}", page.text.lower()) if w not in _STOP)
    return sorted(words)


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def link_case(
    *,
    message_id: str,
    in_reply_to: str | None,
    references: list[str],
    kind: str,
    agency: str | None,
    words: list[str],
    sha256: str,
    index: CaseIndex,
) -> tuple[Links | None, list[str]]:
    """Links to earlier cases and the flags they raise (`possible_duplicate`)."""
    follows = None
    if kind == "follow_up":
        wanted = [in_reply_to, *reversed(references)]
        by_id = {c.message_id: c.case_id for c in index.cases}
        follows = next((by_id[m] for m in wanted if m and m in by_id), None)
    duplicate_of = None
    if kind == "delegation_request":
        mine = frozenset(words)
        for prior in index.cases:
            if prior.kind != "delegation_request":
                continue
            same_bytes = prior.sha256 == sha256
            same_agency = agency is not None and prior.agency == agency
            if same_bytes or (same_agency and _similarity(mine, prior.words) >= DUPLICATE_SIMILARITY):
                duplicate_of = prior.case_id
                break
    if follows is None and duplicate_of is None:
        return None, []
    return Links(follows=follows, duplicate_of=duplicate_of), (["possible_duplicate"] if duplicate_of else [])
