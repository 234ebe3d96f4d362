"""Tests of the review clock: business days, California state holidays, paused clocks."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.clock import add_business_days, holidays_of, review_clock
from pipeline.settings import load_settings


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def test_holidays_cover_2026_to_2028(settings) -> None:
    days = holidays_of(settings.clock)
    assert date(2026, 11, 11) in days  # Veterans Day
    assert {date(2026, 11, 26), date(2026, 11, 27)} <= days  # Thanksgiving and the day after
    assert date(2027, 7, 5) in days  # Independence Day on a Sunday, observed Monday
    assert date(2028, 9, 22) in days  # Native American Day, fourth Friday of September
    assert all(d.weekday() < 5 for d in days)
    assert {d.year for d in days} == {2026, 2027, 2028}


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 2), 10, date(2026, 11, 17)),  # skips Veterans Day and two weekends
        (date(2026, 11, 19), 10, date(2026, 12, 7)),  # skips Thanksgiving and the day after
        (date(2026, 11, 21), 1, date(2026, 11, 24)),  # received on a Saturday: counts from Monday
        (date(2026, 11, 20), 0, date(2026, 11, 20)),
    ],
)
def test_add_business_days(settings, start: date, days: int, due: date) -> None:
    assert add_business_days(start, days, holidays_of(settings.clock)) == due


def test_clock_uses_the_queue_target(settings) -> None:
    plan = review_clock(queue="contract-delegations", started_at="2026-11-05T15:47:10-08:00", paused=False,
                        routing=settings.routing, clock=settings.clock)
    assert plan == {"clock": "running", "clock_started": "2026-11-05", "target_business_days": 5,
                    "due": "2026-11-13", "due_soon_from": "2026-11-10"}


def test_paused_and_undated_clocks_have_no_due_date(settings) -> None:
    paused = review_clock(queue="deficiency", started_at="2026-11-05T10:00:00-08:00", paused=True,
                          routing=settings.routing, clock=settings.clock)
    assert (paused["clock"], paused["due"]) == ("paused", None)
    undated = review_clock(queue="errors", started_at=None, paused=False,
                           routing=settings.routing, clock=settings.clock)
    assert (undated["clock"], undated["due"]) == ("none", None)
