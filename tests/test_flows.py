"""The Prefect flows themselves, in one session-scoped test harness: they wire stages and leave artifacts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import SAMPLE_INBOX, read_jsonl, validate_record


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


def test_replay_flow_files_records_and_publishes_artifacts(prefect_harness, tmp_path: Path) -> None:
    from prefect.artifacts import Artifact

    from flows.replay import replay_inbox

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in (
        "01-dmv-pbx-complete.eml",
        "03-edd-ivr-acd-no-staff-quals.eml",
        "28-broken-binary-garbage.eml",
    ):
        shutil.copy(SAMPLE_INBOX / name, inbox / name)
    out = tmp_path / "out"
    result = replay_inbox(str(inbox), str(out))
    assert result == {"processed": 3, "total": 3}
    records = read_jsonl(out / "triage.jsonl")
    assert [r["source"]["path"] for r in records] == sorted(p.name for p in inbox.iterdir())
    for record in records:
        validate_record(record)
    assert [r["status"] for r in records] == ["ok", "ok", "error"]

    table = Artifact.get("replay-cases")
    summary = Artifact.get("replay-summary")
    assert table is not None and summary is not None
    assert all(r["case_id"] in str(table.data) for r in records)
    assert "3 new case(s) this run, 3 in all" in str(summary.data)

    again = replay_inbox(str(inbox), str(out))
    assert again == {"processed": 0, "total": 3}


def test_attachments_over_the_limit_are_recorded_not_dropped(
    prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from email.message import EmailMessage

    from flows.replay import replay_inbox

    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = (
        "a@example.org",
        "two files",
        "<two@example.org>",
    )
    msg.set_content("See attached.")
    msg.add_attachment(b"first file", maintype="text", subtype="plain", filename="one.txt")
    msg.add_attachment(b"second file", maintype="text", subtype="plain", filename="two.txt")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "m.eml").write_bytes(msg.as_bytes())
    monkeypatch.setenv("TRIAGE_LIMITS_MAX_ATTACHMENTS", "1")
    replay_inbox(str(inbox), str(tmp_path / "out"))
    (record,) = read_jsonl(tmp_path / "out" / "triage.jsonl")
    docs = {d["name"]: d for d in record["documents"]}
    assert docs["one.txt"]["error"] is None
    assert docs["two.txt"]["error"] == "over the attachment limit (1)"
    assert "unreadable_attachment" in record["flags"]
    packet = tmp_path / "out" / "packets" / record["route"]["queue"] / record["case_id"]
    assert (packet / "attachments" / "two.txt").read_bytes() == b"second file"


def test_mailbox_password_from_a_prefect_secret_block(prefect_harness) -> None:
    from prefect.blocks.system import Secret

    from flows.mailbox import mailbox_password
    from pipeline.settings import load_settings

    Secret(value="from-the-secret-block").save("stnd-mailbox-password", overwrite=True)
    settings = load_settings()
    assert mailbox_password(settings) is None  # no block named: the config's own password is used
    settings.mailbox.password_secret_block = "stnd-mailbox-password"
    assert mailbox_password(settings) == "from-the-secret-block"
