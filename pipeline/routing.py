"""Route a case to a review queue by the first routing rule (data in the config) that matches."""

from __future__ import annotations

from models import Completeness, Route
from pipeline.settings import RoutingRule, RoutingSettings


def _matches(rule: RoutingRule, facts: dict) -> list[str] | None:
    """The conditions that held, or None when one did not."""
    held: list[str] = []
    for key in ("status", "kind", "completeness", "delegation_type"):
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
    if rule.agency_contains is not None:
        if rule.agency_contains.lower() not in (facts["agency"] or "").lower():
            return None
        held.append(f"agency contains {rule.agency_contains!r}")
    return held


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
) -> Route:
    """The queue, its reviewer, and why: the first matching rule wins, else the default queue."""
    facts = {
        "status": status,
        "kind": kind,
        "completeness": completeness.status,
        "delegation_type": delegation_type,
        "categories": categories,
        "flags": flags,
        "agency": agency,
    }
    for i, rule in enumerate(routing.rules, 1):
        held = _matches(rule, facts)
        if held is not None:
            queue = routing.queues[rule.queue]
            return Route(queue=rule.queue, reviewer=queue.reviewer,
                         reason=f"rule {i}: {'; '.join(held) or 'always'}")
    queue = routing.queues[routing.default_queue]
    return Route(queue=routing.default_queue, reviewer=queue.reviewer, reason="no rule matched: default queue")
