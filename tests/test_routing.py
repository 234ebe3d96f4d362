"""Tests of pipeline.routing.route_case with the shipped routing rules and with custom ones."""

from __future__ import annotations

import pytest

from models import Completeness
from pipeline.routing import route_case
from pipeline.settings import Queue, RoutingRule, RoutingSettings, load_settings

COMPLETE = Completeness(score=100, status="complete")
INCOMPLETE = Completeness(score=80, status="incomplete", missing=["staff_qualifications"])
NOT_APPLICABLE = Completeness(score=0, status="not_applicable")


@pytest.fixture(scope="module")
def routing() -> RoutingSettings:
    return load_settings().routing


def _route(routing: RoutingSettings, **facts):
    base = {
        "status": "ok",
        "kind": "delegation_request",
        "completeness": COMPLETE,
        "delegation_type": "general",
        "categories": [],
        "flags": [],
        "agency": "Department of Motor Vehicles",
    }
    return route_case(**{**base, **facts}, routing=routing)


@pytest.mark.parametrize(
    ("facts", "queue", "reason_has"),
    [
        (
            {"status": "error", "kind": "other", "completeness": NOT_APPLICABLE},
            "errors",
            "status=error",
        ),
        # an error wins over everything else that would match
        ({"status": "error", "completeness": INCOMPLETE}, "errors", "status=error"),
        (
            {"kind": "other", "completeness": NOT_APPLICABLE, "delegation_type": None},
            "non-requests",
            "kind=other",
        ),
        ({"kind": "follow_up", "completeness": NOT_APPLICABLE}, "follow-ups", "kind=follow_up"),
        (
            {"completeness": INCOMPLETE, "categories": ["pbx_key_telephone"]},
            "deficiency",
            "completeness=incomplete",
        ),
        (
            {"completeness": INCOMPLETE, "delegation_type": "calnet_contract"},
            "deficiency",
            "completeness=incomplete",
        ),
        (
            {"delegation_type": "calnet_contract"},
            "contract-delegations",
            "delegation_type=calnet_contract",
        ),
        ({"categories": ["pbx_key_telephone"]}, "general-pbx", "pbx_key_telephone"),
        ({"categories": ["ip_pbx_hybrid"]}, "general-pbx", "ip_pbx_hybrid"),
        ({"categories": ["ivr_acd"]}, "general-ivr-acd", "ivr_acd"),
        ({"categories": ["transport"]}, "general-transport", "transport"),
        ({"categories": ["premise_based"]}, "general-premise", "premise_based"),
        # the first matching rule wins: PBX comes before IVR/ACD
        ({"categories": ["ivr_acd", "pbx_key_telephone"]}, "general-pbx", "pbx_key_telephone"),
        ({"categories": []}, "intake", "default"),
    ],
)
def test_shipped_rules(routing: RoutingSettings, facts: dict, queue: str, reason_has: str) -> None:
    route = _route(routing, **facts)
    assert route.queue == queue
    assert reason_has in route.reason
    assert route.reviewer == routing.queues[queue].reviewer


def test_reason_names_the_rule_number(routing: RoutingSettings) -> None:
    assert _route(routing, status="error").reason.startswith("rule 1:")
    assert _route(routing, delegation_type="calnet_contract").reason.startswith("rule 5:")
    assert _route(routing, categories=[]).reason == "no rule matched: default queue"


def test_reviewers_of_shipped_queues(routing: RoutingSettings) -> None:
    assert _route(routing, completeness=INCOMPLETE).reviewer == "r.okafor"
    assert _route(routing, delegation_type="calnet_contract").reviewer == "l.nguyen"


@pytest.fixture
def custom() -> RoutingSettings:
    return RoutingSettings(
        rules=[
            RoutingRule(
                queue="policy-review", flags_any=["exemption_may_be_required", "new_to_market"]
            ),
            RoutingRule(
                queue="dmv-desk", agency_contains="motor vehicles", kind=["delegation_request"]
            ),
        ],
        queues={
            "policy-review": Queue(reviewer="p.review"),
            "dmv-desk": Queue(reviewer="d.desk"),
            "catch-all": Queue(reviewer=None),
        },
        default_queue="catch-all",
    )


@pytest.mark.parametrize(
    ("facts", "queue", "reviewer", "reason_has"),
    [
        ({"flags": ["new_to_market"]}, "policy-review", "p.review", "flags includes new_to_market"),
        (
            {"flags": ["submitter_not_cio", "exemption_may_be_required"]},
            "policy-review",
            "p.review",
            "exemption_may_be_required",
        ),
        (
            {"flags": ["submitter_not_cio"]},
            "dmv-desk",
            "d.desk",
            "agency contains 'motor vehicles'",
        ),
        ({"agency": "DEPARTMENT OF MOTOR VEHICLES"}, "dmv-desk", "d.desk", "agency contains"),
        ({"agency": "Franchise Tax Board"}, "catch-all", None, "default"),
        ({"agency": None}, "catch-all", None, "default"),
        # every condition of a rule must hold: right agency, wrong kind
        ({"kind": "follow_up"}, "catch-all", None, "default"),
    ],
)
def test_custom_rules(
    custom: RoutingSettings, facts: dict, queue: str, reviewer: str | None, reason_has: str
) -> None:
    route = _route(custom, **facts)
    assert (route.queue, route.reviewer) == (queue, reviewer)
    assert reason_has in route.reason


def test_dmv_rule_reason_lists_all_conditions(custom: RoutingSettings) -> None:
    reason = _route(custom).reason
    assert reason.startswith("rule 2:")
    assert "kind=delegation_request" in reason and "agency contains" in reason
