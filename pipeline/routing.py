"""Route a case to a review queue by the first routing rule (data in the config) that matches,
then give it a reviewer by the queue's assignment strategy."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from models import Completeness, Route
from pipeline.clock import review_clock
from pipeline.settings import ClockSettings, Queue, RoutingRule, RoutingSettings


class Assignment(NamedTuple):
    """A case already routed, as assignment strategies see it (in processing order)."""

    queue: str
    reviewer: str | None
    open: bool = True
    """Counts toward the reviewer's open cases (least open cases)."""


def _matches(rule: RoutingRule, facts: dict) -> list[str] | None:
    """The conditions that held, or None when one did not."""
    held: list[str] = []
    for key in ("status", "kind", "completeness", "delegation_type", "channel"):
        allowed = getattr(rule, key)
        if allowed is None:
            continue
        if facts[key] not in allowed:
            return None
        held.append(f"{key}={facts[key]}")
    for key, have in (("categories_any", facts["categories"]), ("flags_any", facts["flags"])):
        wanted = getattr(rule, key)
        if wanted is None:
            continue
        common = [w for w in wanted if w in have]
        if not common:
            return None
        held.append(f"{key.removesuffix('_any')} includes {', '.join(common)}")
    if rule.flags_none is not None:
        if any(f in facts["flags"] for f in rule.flags_none):
            return None
        held.append(f"none of flags {', '.join(rule.flags_none)}")
    agency = (facts["agency"] or "").strip().lower()
    if rule.agency_contains is not None:
        if rule.agency_contains.lower() not in agency:
            return None
        held.append(f"agency contains {rule.agency_contains!r}")
    if rule.agency_in is not None:
        if agency not in {a.strip().lower() for a in rule.agency_in}:
            return None
        held.append(f"agency is {facts['agency']!r}")
    return held


def assign_reviewer(name: str, queue: Queue, assigned: Sequence[Assignment]) -> tuple[str | None, str]:
    """The queue's reviewer for the next case, and how they were chosen (for the route's reason).

    Deterministic given the cases already routed: round robin takes the one after whoever got the
    queue's last case; least open takes the fewest open cases (ties in config order). Reviewers
    marked away are skipped; when all are, the case is left unassigned.
    """
    pool = queue.pool()
    present = [r for r in pool if not queue.is_away(r)]
    away = [r for r in pool if queue.is_away(r)]
    note = f"; away: {', '.join(away)}" if away else ""
    if not pool:
        return None, "no reviewer configured"
    if not present:
        return None, f"every reviewer of {name} is away: unassigned"
    if queue.assignment == "fixed":
        chosen = present[0]
        how = "fixed reviewer" if chosen == (queue.reviewer or pool[0]) else "fixed reviewer away, next in list"
        return chosen, how + note
    if queue.assignment == "round_robin":
        last = next((a.reviewer for a in reversed(assigned) if a.queue == name and a.reviewer in pool), None)
        start = (pool.index(last) + 1) if last is not None else 0
        for step in range(len(pool)):
            candidate = pool[(start + step) % len(pool)]
            if candidate in present:
                return candidate, f"round robin ({len(present)} of {len(pool)} reviewers present){note}"
    counts = Counter(a.reviewer for a in assigned if a.open and a.reviewer)
    chosen = min(present, key=lambda r: (counts[r], present.index(r)))
    return chosen, f"least open cases ({counts[chosen]} open){note}"


def route_case(
    *,
    status: str,
    kind: str,
    completeness: Completeness,
    delegation_type: str | None,
    categories: list[str],
    flags: list[str],
    agency: str | None,
    routing: RoutingSettings,
    channel: str = "email",
    assigned: Sequence[Assignment] = (),
) -> Route:
    """The queue, its reviewer, and why: the first matching rule wins, else the default queue."""
    facts = {
        "status": status,
        "kind": kind,
        "completeness": completeness.status,
        "delegation_type": delegation_type,
        "channel": channel,
        "categories": categories,
        "flags": flags,
        "agency": agency,
    }
    name, reason = routing.default_queue, "no rule matched: default queue"
    for i, rule in enumerate(routing.rules, 1):
        held = _matches(rule, facts)
        if held is not None:
            name, reason = rule.queue, f"rule {i}: {'; '.join(held) or 'always'}"
            break
    reviewer, how = assign_reviewer(name, routing.queues[name], assigned)
    return Route(queue=name, reviewer=reviewer, reason=f"{reason}; {how}")


def quality_sample(case_id: str, routing: RoutingSettings, assigned: Sequence[Assignment] = ()) -> dict | None:
    """The quality-check queue and reviewer when this complete request is in the sample, else None.

    The sample is chosen by a hash of the case id, so the same case is always in or out of it.
    """
    qc = routing.quality_check
    if qc.queue is None or qc.fraction <= 0:
        return None
    draw = int.from_bytes(hashlib.sha256(f"quality-check:{case_id}".encode()).digest()[:8], "big") / 2**64
    if draw >= qc.fraction:
        return None
    reviewer, how = assign_reviewer(qc.queue, routing.queues[qc.queue], assigned)
    return {"queue": qc.queue, "reviewer": reviewer,
            "reason": f"sampled for quality check (hash draw {draw:.3f} < {qc.fraction:g}); {how}"}


def review_plan(
    *,
    case_id: str,
    status: str,
    kind: str,
    completeness: str,
    queue: str,
    started_at: str | None,
    routing: RoutingSettings,
    clock: ClockSettings,
    assigned: Sequence[Assignment] = (),
) -> dict:
    """The keys a route carries beside queue, reviewer and reason: the review clock and the
    quality-check sample. An incomplete request's clock is paused: it waits for the submitter's
    reply to the deficiency notice, and starts when the follow-up arrives.
    """
    paused = status == "ok" and kind == "delegation_request" and completeness == "incomplete"
    plan = review_clock(queue=queue, started_at=started_at, paused=paused, routing=routing, clock=clock)
    sampled = None
    if status == "ok" and kind == "delegation_request" and completeness == "complete":
        sampled = quality_sample(case_id, routing, assigned)
    plan["quality_check"] = sampled
    return plan
