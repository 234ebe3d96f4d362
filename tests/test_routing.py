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
    assert route.reviewer in routing.queues[queue].pool()


def test_reason_names_the_rule_number(routing: RoutingSettings) -> None:
    assert _route(routing, status="error").reason.startswith("rule 1:")
    assert _route(routing, delegation_type="calnet_contract").reason.startswith("rule 6:")
    assert _route(routing, categories=[]).reason.startswith("no rule matched: default queue")


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


# Assignment strategies, away reviewers, escalation and the quality-check sample.

from pipeline.routing import Assignment, quality_sample  # noqa: E402
from pipeline.settings import QualityCheckSettings, Reviewer  # noqa: E402


def _pool(**queue) -> RoutingSettings:
    return RoutingSettings(rules=[], queues={"q": Queue(**queue)}, default_queue="q")


def test_round_robin_takes_turns_and_skips_the_away() -> None:
    routing = _pool(reviewers=["a", "b", "c"], assignment="round_robin", away=["b"])
    history: list[Assignment] = []
    got = []
    for _ in range(4):
        route = route_case(status="ok", kind="other", completeness=NOT_APPLICABLE, delegation_type=None,
                           categories=[], flags=[], agency=None, routing=routing, assigned=history)
        got.append(route.reviewer)
        history.append(Assignment("q", route.reviewer))
    assert got == ["a", "c", "a", "c"]
    assert "round robin (2 of 3 reviewers present); away: b" in route.reason


def test_least_open_counts_open_cases_and_breaks_ties_in_config_order() -> None:
    routing = _pool(reviewers=["a", "b"], assignment="least_open")
    history = [Assignment("q", "a"), Assignment("x", "a"), Assignment("q", "b"), Assignment("q", "b", open=False)]
    route = route_case(status="ok", kind="other", completeness=NOT_APPLICABLE, delegation_type=None,
                       categories=[], flags=[], agency=None, routing=routing, assigned=history)
    assert route.reviewer == "b" and "least open cases (1 open)" in route.reason
    assert _route(routing).reviewer == "a"


def test_reviewer_marked_away_in_the_list_is_skipped_and_all_away_leaves_unassigned() -> None:
    routing = _pool(reviewer="a", reviewers=[Reviewer(name="a", away=True), "b"])
    route = _route(routing)
    assert route.reviewer == "b" and "away: a" in route.reason
    nobody = _pool(reviewer="a", away=["a"])
    route = _route(nobody)
    assert route.reviewer is None and "away" in route.reason


def test_round_robin_needs_a_pool() -> None:
    with pytest.raises(ValueError):
        Queue(reviewer="a", assignment="round_robin")


@pytest.mark.parametrize("flag", ["new_to_market", "complex_technical"])
def test_shipped_rules_escalate_to_senior_review(routing: RoutingSettings, flag: str) -> None:
    route = _route(routing, flags=[flag], categories=["pbx_key_telephone"])
    assert route.queue == "senior-review"
    assert flag in route.reason
    # a follow-up carrying the flag stays with the follow-ups
    assert _route(routing, kind="follow_up", completeness=NOT_APPLICABLE, flags=[flag]).queue == "follow-ups"


def test_quality_sample_is_a_stable_share_of_case_ids() -> None:
    routing = RoutingSettings(queues={"intake": Queue(reviewer="i"), "qc": Queue(reviewer="qa")},
                              quality_check=QualityCheckSettings(queue="qc", fraction=0.25))
    ids = [f"DLG-20261102-{n:08x}" for n in range(2000)]
    sampled = [i for i in ids if quality_sample(i, routing)]
    assert 400 < len(sampled) < 600
    assert sampled == [i for i in ids if quality_sample(i, routing)]
    one = quality_sample(sampled[0], routing)
    assert one["queue"] == "qc" and one["reviewer"] == "qa" and "sampled for quality check" in one["reason"]
    none = RoutingSettings(queues={"intake": Queue(reviewer="i")})
    assert quality_sample(ids[0], none) is None
