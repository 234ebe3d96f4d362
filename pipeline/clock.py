"""The review clock: due dates in business days (weekends and California state holidays skipped)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.settings import ClockSettings, RoutingSettings

DATA_DIR = Path(__file__).with_name("data")


@lru_cache(maxsize=8)
def load_holidays(path: Path) -> frozenset[date]:
    """The holiday dates of a TOML file of `[[holiday]] date = YYYY-MM-DD` entries."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"holidays file {path} cannot be read: {e}") from e
    days = set()
    for entry in data.get("holiday", []):
        value = entry.get("date")
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ConfigError(f"holidays file {path}: {value!r} is not a date")
        days.add(value)
    return frozenset(days)


def holidays_of(settings: ClockSettings) -> frozenset[date]:
    path = Path(settings.holidays_file)
    return load_holidays(path if path.is_absolute() else DATA_DIR / path)


def is_business_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: frozenset[date]) -> date:
    """The business day `days` business days after `start` (a start off work counts from the next one)."""
    current = start
    while not is_business_day(current, holidays):
        current += timedelta(days=1)
    for _ in range(days):
        current += timedelta(days=1)
        while not is_business_day(current, holidays):
            current += timedelta(days=1)
    return current


def subtract_business_days(end: date, days: int, holidays: frozenset[date]) -> date:
    current = end
    for _ in range(days):
        current -= timedelta(days=1)
        while not is_business_day(current, holidays):
            current -= timedelta(days=1)
    return current


def _day_of(received_at: str | None) -> date | None:
    """The calendar day of an ISO time stamp, in the sender's own offset (as the Date: header says)."""
    if not received_at:
        return None
    try:
        return datetime.fromisoformat(received_at).date()
    except ValueError:
        return None


def target_days(queue: str, routing: RoutingSettings, clock: ClockSettings) -> int:
    configured = routing.queues[queue].target_business_days if queue in routing.queues else None
    return clock.target_business_days if configured is None else configured


def review_clock(
    *,
    queue: str,
    started_at: str | None,
    paused: bool,
    routing: RoutingSettings,
    clock: ClockSettings,
) -> dict[str, Any]:
    """The clock keys of a route: `clock` (running/paused/none), `clock_started`, `due`, `due_soon_from`.

    A paused clock (an incomplete request awaiting the submitter's reply) has no due date; it
    starts when the follow-up arrives. Dates only, so the record stays the same from run to run;
    the report compares them with today in the browser.
    """
    target = target_days(queue, routing, clock)
    if paused:
        return {"clock": "paused", "clock_started": None, "target_business_days": target,
                "due": None, "due_soon_from": None}
    start = _day_of(started_at)
    if start is None:
        return {"clock": "none", "clock_started": None, "target_business_days": target,
                "due": None, "due_soon_from": None}
    holidays = holidays_of(clock)
    due = add_business_days(start, target, holidays)
    soon = subtract_business_days(due, clock.due_soon_business_days, holidays)
    return {"clock": "running", "clock_started": start.isoformat(), "target_business_days": target,
            "due": due.isoformat(), "due_soon_from": max(soon, start).isoformat()}
