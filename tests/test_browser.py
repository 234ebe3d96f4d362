"""The report and a packet page in a real browser: Debian's Chromium, headless, via Playwright.

A replay of part of `sample_inbox/` plus a hostile message; the report must load, sort, filter
and link to packets, and the hostile subject and body must show as text and run nothing.
Screenshots go to `$TRIAGE_SCREENSHOT_DIR` (default: `triage-screenshots` in the temp folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.helpers import SAMPLE_INBOX, read_jsonl, run_triage

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLES = (
    "01-dmv-pbx-complete.eml",
    "03-edd-ivr-acd-no-staff-quals.eml",
    "06-ftb-mns-contract-complete.eml",
    "13-dgs-fax-normal-tiff-contract.eml",
    "15-dsh-hybrid-pbx-new-to-market.eml",
    "19-edd-reply-adds-staff-quals.eml",
    "25-chp-ip-pbx-email-first.eml",
    "26-chp-ip-pbx-same-by-fax.eml",
    "28-broken-binary-garbage.eml",
)
"""Sample messages replayed: complete and incomplete, email and fax, a follow-up, a duplicate."""

SCRIPT_PAYLOAD = "<script>window.__pwned = 'script'</script>"
IMG_PAYLOAD = "<img src=x onerror=\"window.__pwned = 'img'\">"
HOSTILE = f"""\
From: Mallory <mallory@example.ca.gov>
To: CALNET Delegations <STNDdelegations@state.ca.gov>
Subject: Delegation request {SCRIPT_PAYLOAD} {IMG_PAYLOAD}
Date: Tue, 24 Nov 2026 16:00:00 -0800
Message-ID: <hostile.1@example.ca.gov>
Content-Type: text/plain; charset="utf-8"
MIME-Version: 1.0

Agency: Department of Motor Vehicles {IMG_PAYLOAD}
Delegation Type: General Delegation (PBX and key telephone systems)

Project Scope:
Replace the PBX {SCRIPT_PAYLOAD} at headquarters.

Mallory Example
Chief Information Officer
""".replace("\n", "\r\n")


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    for name in SAMPLES:
        shutil.copyfile(SAMPLE_INBOX / name, inbox / name)
    (inbox / "99-hostile.eml").write_text(HOSTILE, encoding="utf-8", newline="")
    out = tmp_path_factory.mktemp("browser") / "out"
    result = run_triage("replay", str(inbox), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def records(replay: Path) -> dict[str, dict]:
    return {r["source"]["path"]: r for r in read_jsonl(replay / "triage.jsonl")}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is not installed (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: _note(problems, m))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(
        os.environ.get("TRIAGE_SCREENSHOT_DIR")
        or Path(tempfile.gettempdir()) / "triage-screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _note(problems: list[str], message: ConsoleMessage) -> None:
    if message.type in {"error", "warning"}:
        problems.append(f"console {message.type}: {message.text}")


def open_report(page: Page, out: Path) -> None:
    page.goto((out / "report.html").as_uri())
    expect(page.locator("#shown")).to_contain_text(" of ")


def visible_cases(page: Page) -> list[str]:
    return page.locator("#cases tbody tr[data-case]:visible").evaluate_all(
        "rows => rows.map(r => r.dataset.case)"
    )


def column(page: Page, index: int, cases_only: bool = False) -> list[str]:
    """A column's visible cells; `cases_only` leaves out follow-ups (nested under their case)."""
    rows = "#cases tbody tr[data-case]:not([data-parent]):visible" if cases_only else "#cases tbody tr[data-case]:visible"
    return page.locator(rows).evaluate_all(f"rows => rows.map(r => r.cells[{index}].textContent.trim())")


def assert_follow_ups_under_their_case(page: Page) -> None:
    pairs = page.locator("#cases tbody tr[data-case]").evaluate_all(
        "rows => rows.map(r => [r.dataset.case, r.dataset.parent || ''])"
    )
    nested = [(i, parent) for i, (_, parent) in enumerate(pairs) if parent]
    assert nested
    for i, parent in nested:
        above = [case for case, p in pairs[:i][::-1] if not p]
        assert above and above[0] == parent, (pairs[i], parent)


def test_report_loads(page: Page, replay: Path, records: dict[str, dict], shots: Path) -> None:
    open_report(page, replay)
    expect(page).to_have_title("CALNET Delegation triage report")
    assert sorted(visible_cases(page)) == sorted(r["case_id"] for r in records.values())
    expect(page.locator("#shown")).to_have_text(f"{len(records)} of {len(records)} cases")
    assert page.locator("svg").count() == 4
    # the script ran (allowed by its hash): every dated row has an age
    ages = page.locator("#cases tbody tr[data-case]").evaluate_all(
        "rows => rows.map(r => [r.dataset.received, r.cells[12].textContent.trim()])"
    )
    assert all(age.endswith(("day", "days")) for received, age in ages if received)
    assert any(received for received, _ in ages)
    assert page.problems == []  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "report.png"), full_page=True)


def test_report_sorts(page: Page, replay: Path) -> None:
    open_report(page, replay)
    header = page.locator("#cases thead th", has_text="Score")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    scores = [float(s) for s in column(page, 7, cases_only=True) if s]
    assert scores == sorted(scores) and len(set(scores)) > 1
    assert_follow_ups_under_their_case(page)
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert [float(s) for s in column(page, 7, cases_only=True) if s] == sorted(scores, reverse=True)
    assert_follow_ups_under_their_case(page)

    received = page.locator("#cases thead th", has_text="Received")
    received.locator("button").click()
    dates = page.locator("#cases tbody tr[data-case]:not([data-parent])").evaluate_all(
        "rows => rows.map(r => r.dataset.received).filter(Boolean)"
    )
    assert dates == sorted(dates)
    assert_follow_ups_under_their_case(page)
    expect(header).not_to_have_attribute("aria-sort", "descending")


def test_report_filters(page: Page, replay: Path, records: dict[str, dict]) -> None:
    open_report(page, replay)
    by_case = {r["case_id"]: r for r in records.values()}
    total = len(by_case)

    queue = records["13-dgs-fax-normal-tiff-contract.eml"]["route"]["queue"]
    page.select_option("#f-queue", queue)
    want = {c for c, r in by_case.items() if r["route"]["queue"] == queue}
    assert set(visible_cases(page)) == want
    expect(page.locator("#shown")).to_have_text(f"{len(want)} of {total} cases")

    page.select_option("#f-queue", "")
    page.select_option("#f-status", "incomplete")
    want = {
        c
        for c, r in by_case.items()
        if r["status"] == "ok"
        and (r.get("case") or {}).get("completeness", r["completeness"])["status"] == "incomplete"
    }
    # cases made complete by their follow-ups (03 by 19, 08 by 20, 13 by 31) are no longer incomplete
    assert records["03-edd-ivr-acd-no-staff-quals.eml"]["case_id"] not in want
    assert set(visible_cases(page)) == want and want

    page.select_option("#f-status", "error")
    assert set(visible_cases(page)) == {c for c, r in by_case.items() if r["status"] == "error"}

    page.select_option("#f-status", "")
    page.select_option("#f-flag", "possible_duplicate")
    assert visible_cases(page) == [records["26-chp-ip-pbx-same-by-fax.eml"]["case_id"]]

    page.select_option("#f-flag", "")
    page.fill("#f-text", "motor   VEHICLES")
    want = {
        c
        for c, r in by_case.items()
        if "Motor Vehicles" in f"{r['fields']['agency']['value']} {r['subject']}"
    }
    assert set(visible_cases(page)) == want and want

    page.fill("#f-text", "no such case anywhere")
    assert visible_cases(page) == []
    expect(page.locator("#no-match")).to_be_visible()

    page.click("button[type=reset]")
    expect(page.locator("#shown")).to_have_text(f"{total} of {total} cases")
    assert len(visible_cases(page)) == total


def test_report_links_to_packets(
    page: Page, replay: Path, records: dict[str, dict], shots: Path
) -> None:
    record = records["13-dgs-fax-normal-tiff-contract.eml"]
    open_report(page, replay)
    page.locator(f'tr[data-case="{record["case_id"]}"] td:nth-child(2) > a').click()
    expect(page.locator("h1")).to_have_text(record["subject"])
    assert page.url.endswith(f"packets/{record['route']['queue']}/{record['case_id']}/summary.html")
    expect(page.locator("section.notice")).to_contain_text("Deficiency notice draft")
    # the fax page thumbnails load (CSP allows the packet's own images)
    thumbs = page.locator(".thumbs img")
    assert thumbs.count() >= 1
    assert thumbs.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")
    assert page.problems == []  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "summary.png"), full_page=True)

    page.click("nav.top a")
    expect(page.locator(f'tr[data-case="{record["case_id"]}"]')).to_be_visible()
    assert page.url.endswith(f"report.html#{record['case_id']}")


def test_follow_up_links_to_its_case(page: Page, replay: Path, records: dict[str, dict]) -> None:
    follow_up = records["19-edd-reply-adds-staff-quals.eml"]
    first = follow_up["links"]["follows"]
    assert first == records["03-edd-ivr-acd-no-staff-quals.eml"]["case_id"]
    open_report(page, replay)
    page.locator(f'tr[data-case="{follow_up["case_id"]}"] a[href="#{first}"]').click()
    assert page.url.endswith(f"#{first}")
    expect(page.locator(f'tr[data-case="{first}"]')).to_contain_text(follow_up["case_id"])


def test_hostile_message_shows_as_text_and_runs_nothing(
    page: Page, replay: Path, records: dict[str, dict]
) -> None:
    record = records["99-hostile.eml"]
    open_report(page, replay)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#cases img").count() == 0
    assert page.locator("body script").count() == 1  # the report's own
    row = page.locator(f'tr[data-case="{record["case_id"]}"]')
    expect(row.locator("td.subject a")).to_contain_text(SCRIPT_PAYLOAD)
    expect(row.locator("td.subject a")).to_contain_text(IMG_PAYLOAD)

    page.fill("#f-text", "__pwned")  # searching for the payload finds it as text
    assert visible_cases(page) == [record["case_id"]]

    row.locator("td.subject a").click()
    expect(page.locator("h1")).to_contain_text(SCRIPT_PAYLOAD)
    expect(page.locator("h1")).to_contain_text(IMG_PAYLOAD)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    # the body's payloads, quoted as evidence, are text too
    body_text = page.locator("main").inner_text()
    assert f"Replace the PBX {SCRIPT_PAYLOAD} at headquarters." in body_text
    assert f"Department of Motor Vehicles {IMG_PAYLOAD}" in body_text
    assert page.problems == []  # type: ignore[attr-defined]


def test_report_marks_overdue_and_due_soon_from_today(page: Page, replay: Path, records: dict[str, dict]) -> None:
    page.clock.set_fixed_time("2026-12-08T12:00:00")
    open_report(page, replay)
    states = dict(page.locator("#cases tbody tr[data-case]").evaluate_all(
        "rows => rows.map(r => [r.dataset.case, r.dataset.dueState || ''])"
    ))
    for record in records.values():
        route, want = record["route"], ""
        if route.get("clock") == "running":
            want = "overdue" if route["due"] < "2026-12-08" else ("soon" if route["due_soon_from"] <= "2026-12-08" else "")
        assert states[record["case_id"]] == want, record["case_id"]
    assert "overdue" in states.values() and "soon" in states.values()
    paused = [r for r in records.values() if r["route"].get("clock") == "paused"]
    assert paused and all(states[r["case_id"]] == "" for r in paused)
    expect(page.locator("td.due.overdue").first).to_be_visible()
