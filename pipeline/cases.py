"""Link a case to earlier ones: follow-ups to the case they answer, second copies to the first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models import FIELD_NAMES, Completeness, DocumentText, Extraction, FieldValue, Links
from pipeline.completeness import score_completeness
from pipeline.routing import Assignment, review_plan, route_case
from pipeline.settings import Settings

DUPLICATE_SIMILARITY = 0.6
"""Jaccard similarity of word sets above which two requests of one agency are the same request."""
FOLLOW_UP_SIMILARITY = 0.35
"""Similarity above which a follow-up without reply headers (a resubmission) belongs to a request
of the same agency: lower than a duplicate's, since a resubmission adds what was missing."""
CASE_IN_SUBJECT = re.compile(r"\[Case\s+(DLG-[0-9]{8}-[0-9a-f]{8}(?:-[0-9]+)?)\]", re.IGNORECASE)
"""A case id cited in a subject, as the deficiency notice's subject carries it."""
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
    follows: str | None = None
    """The case this one follows up (a follow-up's root request)."""
    queue: str | None = None
    reviewer: str | None = None
    open: bool = True
    """Counts toward its reviewer's open cases."""
    quality_reviewer: str | None = None
    """The reviewer of the quality-check sample, when the case is in it."""
    quality_queue: str | None = None
    updated: list[PriorCase] = field(default_factory=list)
    """Earlier cases this filing changed (a request re-scored and re-routed by its follow-up)."""


@dataclass
class CaseIndex:
    """The cases seen so far, in processing order."""

    cases: list[PriorCase] = field(default_factory=list)

    def add(self, case: PriorCase) -> None:
        """Add a filed case; earlier cases it updated replace their old entries in place."""
        for new in case.updated:
            self.cases = [new if c.case_id == new.case_id else c for c in self.cases]
        case.updated = []
        self.cases.append(case)

    def find(self, case_id: str) -> PriorCase | None:
        return next((c for c in self.cases if c.case_id == case_id), None)

    def assignments(self) -> list[Assignment]:
        """Every routed case and quality-check sample, in processing order, for assignment."""
        out: list[Assignment] = []
        for c in self.cases:
            if c.queue is not None:
                out.append(Assignment(c.queue, c.reviewer, c.open))
            if c.quality_queue is not None:
                out.append(Assignment(c.quality_queue, c.quality_reviewer, c.open))
        return out


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


def _root(case_id: str, index: CaseIndex) -> str:
    """The request a chain of follow-ups leads back to."""
    seen = {case_id}
    case = index.find(case_id)
    while case is not None and case.follows and case.follows not in seen:
        seen.add(case.follows)
        case_id = case.follows
        case = index.find(case_id)
    return case_id


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
    subject: str = "",
) -> tuple[Links | None, list[str]]:
    """Links to earlier cases and the flags they raise (`possible_duplicate`).

    A follow-up attaches to its case by In-Reply-To/References, else by a case id in its
    subject ("[Case DLG-...]"), else by the same agency and a near-equal request text; a chain
    of follow-ups leads to the request at its root.
    """
    mine = frozenset(words)
    follows = None
    if kind == "follow_up":
        wanted = [in_reply_to, *reversed(references)]
        by_id = {c.message_id: c.case_id for c in index.cases}
        follows = next((by_id[m] for m in wanted if m and m in by_id), None)
        if follows is None:
            known = {c.case_id.lower(): c.case_id for c in index.cases}
            cited = (m.group(1).lower() for m in CASE_IN_SUBJECT.finditer(subject or ""))
            follows = next((known[c] for c in cited if c in known), None)
        if follows is None and agency is not None:
            best, best_score = None, FOLLOW_UP_SIMILARITY
            for prior in index.cases:
                if prior.kind != "delegation_request" or prior.agency != agency:
                    continue
                score = _similarity(mine, prior.words)
                if score >= best_score:  # the latest of equals: the one being answered
                    best, best_score = prior.case_id, score
            follows = best
        if follows is not None:
            follows = _root(follows, index)
    duplicate_of = None
    if kind == "delegation_request":
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


@dataclass
class FollowUp:
    """What a follow-up brings to its case: its id, arrival and what was read from it."""

    case_id: str
    follows: str
    received_at: str | None
    extraction: Extraction


def _title_is_cio(record: dict) -> bool | None:
    title = ((record.get("fields") or {}).get("submitter_title") or {}).get("value")
    if not title:
        return None
    checks = (record.get("completeness") or {}).get("checks") or []
    rule = next((c for c in checks if c.get("rule") == "submitter_title"), None)
    return None if rule is None else bool(rule.get("passed"))


def rescore_case(record: dict, follow_up: FollowUp) -> dict:
    """The record's `case` entry with this follow-up added: its history, the values it supplied
    and the completeness re-scored with them. The record's own `completeness` (what its message
    said) is left as it is; `case.completeness` is the case's as it stands now.
    """
    case = dict(record.get("case") or {})
    history = list(case.get("follow_ups") or [])
    if follow_up.case_id not in history:
        history.append(follow_up.case_id)
    case["follow_ups"] = history
    if record.get("kind") != "delegation_request" or record.get("status") != "ok":
        return case
    supplied: dict[str, dict] = dict(case.get("fields") or {})
    fields = {
        name: FieldValue.model_validate({k: v for k, v in value.items() if k != "supplied_by"})
        for name, value in {**(record.get("fields") or {}), **supplied}.items()
        if name in FIELD_NAMES
    }
    title_is_cio = case.get("title_is_cio", _title_is_cio(record))
    dtype = case.get("delegation_type") or record.get("delegation_type")
    new = follow_up.extraction
    for name in FIELD_NAMES:
        mine, theirs = fields.get(name) or FieldValue(), new.fields.get(name) or FieldValue()
        if not theirs.present:
            continue
        if name in ("submitter_title", "submitter_name"):
            # A new signer counts only when the follow-up is signed by the CIO or equivalent.
            if title_is_cio is True or new.title_is_cio is not True:
                continue
        elif mine.present:
            continue
        fields[name] = theirs
        supplied[name] = {**theirs.model_dump(mode="json"), "supplied_by": follow_up.case_id}
    if new.title_is_cio is True and title_is_cio is not True and "submitter_title" in supplied:
        title_is_cio = True
    if dtype is None and new.delegation_type is not None:
        dtype = new.delegation_type
    completeness = score_completeness(
        Extraction(kind="delegation_request", delegation_type=dtype, fields=fields, title_is_cio=title_is_cio)
    )
    case.update(
        fields=supplied,
        title_is_cio=title_is_cio,
        delegation_type=dtype,
        completeness=completeness.model_dump(mode="json"),
    )
    return case


def apply_follow_up(record: dict, follow_up: FollowUp, settings: Settings, assigned: list[Assignment]) -> dict:
    """The followed case's record updated with its follow-up: history and re-scored completeness
    in `case`, the review clock started (it was paused awaiting the reply), and the case
    re-routed when its re-scored completeness routes it elsewhere (reason recorded).
    """
    new = dict(record)
    case = rescore_case(record, follow_up)
    new["case"] = case
    route = dict(record.get("route") or {})
    scored = case.get("completeness")
    if scored is None:
        new["route"] = route
        return new
    now = scored["status"]
    started = follow_up.received_at if route.get("clock") == "paused" else route.get("clock_started")
    fields = {**(record.get("fields") or {}), **case.get("fields", {})}
    flags = list(record.get("flags") or [])
    if case.get("title_is_cio") is True and "submitter_not_cio" in flags:
        flags.remove("submitter_not_cio")
    others = list(assigned)
    moved = route_case(
        status="ok",
        kind="delegation_request",
        completeness=Completeness.model_validate(scored),
        delegation_type=case.get("delegation_type"),
        categories=list(record.get("general_categories") or []),
        flags=flags,
        agency=(fields.get("agency") or {}).get("value"),
        routing=settings.routing,
        channel=record.get("channel") or "email",
        assigned=others,
    )
    if moved.queue != route.get("queue"):
        was = f"{route.get('queue')} ({route.get('reviewer') or 'unassigned'})"
        route = {
            **moved.model_dump(mode="json"),
            "reason": f"re-routed after follow-up {follow_up.case_id} (was {was}): {moved.reason}",
        }
    plan = review_plan(
        case_id=record["case_id"], status="ok", kind="delegation_request",
        completeness="running" if now == "incomplete" else now,  # the reply arrived: the clock runs
        queue=route["queue"], started_at=started, routing=settings.routing, clock=settings.clock,
        assigned=others,
    )
    if (record.get("route") or {}).get("quality_check") is not None:
        plan["quality_check"] = record["route"]["quality_check"]  # once sampled, stays sampled
    new["route"] = {**route, **plan}
    return new
