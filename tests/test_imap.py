"""The live mailbox against a real Dovecot IMAP server on loopback: exactly once, whatever fails."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.imap import Mailbox, MailboxAuthError, MailboxUnavailable
from pipeline.mailpass import poll_mailbox
from pipeline.settings import load_settings
from tests.dovecot import PASSWORD, Dovecot
from tests.helpers import ROOT, SAMPLE_INBOX, read_jsonl, run_triage, validate_record

EXPECTED = json.loads((SAMPLE_INBOX / "expected.json").read_text())
CORE = ("status", "kind", "delegation_type", "flags")


@pytest.fixture
def dovecot(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dovecot]:
    server = Dovecot()
    server.start()
    for key, value in server.settings_env().items():
        monkeypatch.setenv(key, value)
    yield server
    server.remove()


def sample_messages() -> list[tuple[str, bytes]]:
    """The sample inbox as (file name, bytes); a 0-byte file cannot be stored on an IMAP server."""
    return [
        (p.name, p.read_bytes()) for p in sorted(SAMPLE_INBOX.glob("*.eml")) if p.stat().st_size
    ]


def text_message(i: int) -> bytes:
    agency = [
        "Department of Motor Vehicles",
        "Franchise Tax Board",
        "Department of Water Resources",
    ][i % 3]
    return (
        f"From: Analyst {i} <analyst{i}@example.ca.gov>\r\nTo: STNDdelegations@state.ca.gov\r\n"
        f"Subject: Delegation request {i}\r\nDate: Mon, 02 Nov 2026 09:{i % 60:02d}:00 -0800\r\n"
        f"Message-ID: <bulk-{i}@example.ca.gov>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"The {agency} requests a General Delegation to replace the PBX at site {i}.\r\n"
        f"Project Scope: replace {i % 40 + 10} key telephone sets.\r\n"
        f"Timeframe: March 1, 2027 through June 30, 2027.\r\n"
    ).encode()


def ledger_rows(out: Path) -> int:
    db = out / "ledger.sqlite"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as con:
        try:
            return con.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def assert_exactly_once(out: Path, server: Dovecot, count: int) -> list[dict]:
    """One record and one packet per message, the ledger agreeing, every message filed on the server."""
    records = read_jsonl(out / "triage.jsonl")
    assert len(records) == count
    assert len({r["message_id"] for r in records}) == count
    assert len({r["case_id"] for r in records}) == count
    assert ledger_rows(out) == count
    packets = [p for p in (out / "packets").glob("*/*") if not p.parent.name.startswith(".")]
    assert len(packets) == count
    assert not list((out / "packets").glob(".tmp-*"))
    assert server.uids("INBOX") == []
    assert len(server.uids("Triage/Processed")) + len(server.uids("Triage/Error")) == count
    for record in records:
        validate_record(record)
    return records


def test_pass_over_sample_inbox_matches_replay_truth(dovecot: Dovecot, tmp_path: Path) -> None:
    samples = sample_messages()
    dovecot.append([raw for _, raw in samples])
    out = tmp_path / "out"
    result = poll_mailbox(load_settings(), out)
    assert result.processed == len(samples)
    records = assert_exactly_once(out, dovecot, len(samples))

    for record in records:
        name = samples[record["source"]["uid"] - 1][0]  # appended in order: UID n is sample n
        want = EXPECTED[name]
        assert record["source"]["kind"] == "imap"
        assert {k: record[k] for k in CORE} == {k: want[k] for k in CORE}, name
        assert record["completeness"]["status"] == want["completeness_status"], name
        assert sorted(record["completeness"]["missing"]) == want["missing"], name
    errors = [r for r in records if r["status"] == "error"]
    assert len(dovecot.uids("Triage/Error")) == len(errors) > 0
    # Nothing was marked seen: BODY.PEEK[] leaves the flags alone.
    with dovecot.client() as c:
        c.select_folder("Triage/Processed", readonly=True)
        flags = c.get_flags(c.search(["ALL"]))
        assert all(b"\\Seen" not in f for f in flags.values())


def test_new_mail_between_passes_and_a_pass_with_nothing_new(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    settings = load_settings()
    dovecot.append([text_message(i) for i in range(3)])
    assert poll_mailbox(settings, out).processed == 3
    dovecot.append([text_message(i) for i in range(3, 5)])
    second = poll_mailbox(settings, out)
    assert (second.processed, second.total) == (2, 5)
    before = (out / "triage.jsonl").read_bytes()
    idle = poll_mailbox(settings, out)
    assert (idle.processed, idle.refiled, idle.total) == (0, 0, 5)
    assert (out / "triage.jsonl").read_bytes() == before
    records = assert_exactly_once(out, dovecot, 5)
    assert [r["source"]["uid"] for r in records] == [1, 2, 3, 4, 5]


def _pass_process(out: Path, env: dict[str, str]) -> subprocess.Popen:
    code = (
        "from pathlib import Path; from pipeline.settings import load_settings;"
        "from pipeline.mailpass import poll_mailbox;"
        f"poll_mailbox(load_settings(), Path({str(out)!r}))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("kill_after", [1, 4, 9])
def test_killed_mid_pass_then_rerun_loses_and_duplicates_nothing(
    dovecot: Dovecot, tmp_path: Path, kill_after: int
) -> None:
    count = 12
    dovecot.append([text_message(i) for i in range(count)])
    out = tmp_path / "out"
    proc = _pass_process(out, dovecot.settings_env())
    deadline = time.monotonic() + 120
    while ledger_rows(out) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    filed = ledger_rows(out)
    assert kill_after <= filed < count, "the pass finished before it could be killed"
    result = poll_mailbox(load_settings(), out)
    assert filed + result.processed == count
    assert_exactly_once(out, dovecot, count)


def test_a_move_cut_off_after_its_copy_is_not_filed_twice(
    dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops inside a move, after the server made the copy but before it removed the
    original (what a server restart mid-MOVE leaves): the next pass removes the original, copies nothing."""
    count = 5
    dovecot.append([text_message(i) for i in range(count)])
    out = tmp_path / "out"

    def copy_then_drop(self: Mailbox, uids: list[int], folder: str) -> None:
        with self._command(f"filing to {folder!r}") as c:
            c.copy(uids, folder)
        raise MailboxUnavailable("connection lost filing: simulated")

    with monkeypatch.context() as m:
        m.setattr(Mailbox, "file", copy_then_drop)
        with pytest.raises(MailboxUnavailable):
            poll_mailbox(load_settings(), out)
    assert ledger_rows(out) == 1
    assert len(dovecot.uids("Triage/Processed")) == 1 and len(dovecot.uids("INBOX")) == count
    result = poll_mailbox(load_settings(), out)
    assert (result.refiled, result.processed) == (1, count - 1)
    assert_exactly_once(out, dovecot, count)


def test_server_stopped_mid_pass_then_restarted(dovecot: Dovecot, tmp_path: Path) -> None:
    count = 200
    dovecot.append([text_message(i) for i in range(count)])
    out = tmp_path / "out"
    failure: list[BaseException] = []

    def run() -> None:
        try:
            poll_mailbox(load_settings(), out)
        except BaseException as e:  # noqa: BLE001 - collected for the assertion below
            failure.append(e)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 120
    while ledger_rows(out) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    dovecot.stop()
    worker.join(timeout=120)
    assert failure and isinstance(failure[0], MailboxUnavailable), failure
    assert 0 < ledger_rows(out) < count
    dovecot.start()
    poll_mailbox(load_settings(), out)
    assert_exactly_once(out, dovecot, count)


def test_flow_retries_through_a_server_restart(dovecot: Dovecot, tmp_path: Path) -> None:
    """`triage run`: the Prefect task retries with backoff while the server is down, then finishes."""
    count = 200
    dovecot.append([text_message(i) for i in range(count)])
    out = tmp_path / "out"
    env = {**os.environ, **dovecot.settings_env()}
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("triage")), "run", "--out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 180
    while ledger_rows(out) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    dovecot.stop()
    time.sleep(1.5)
    dovecot.start()
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "report:" in stdout
    assert_exactly_once(out, dovecot, count)
    assert PASSWORD not in stdout + stderr


def test_uidvalidity_change_resyncs_without_duplicates(dovecot: Dovecot, tmp_path: Path) -> None:
    count = 6
    dovecot.append([text_message(i) for i in range(count)])
    out = tmp_path / "out"
    settings = load_settings()
    poll_mailbox(settings, out)
    # The mailbox is restored from a backup: the filed messages are back in INBOX with new UIDs
    # under a new UIDVALIDITY, and one new message arrived.
    with dovecot.client() as c:
        c.select_folder("Triage/Processed")
        c.move(c.search(["ALL"]), "INBOX")
    dovecot.reset_uidvalidity()
    dovecot.append([text_message(99)])
    result = poll_mailbox(settings, out)
    assert (result.resynced, result.processed) == (count, 1)
    records = assert_exactly_once(out, dovecot, count + 1)
    assert len({r["source"]["uidvalidity"] for r in records}) == 2


def test_a_mailbox_of_a_thousand_messages(dovecot: Dovecot, tmp_path: Path) -> None:
    count = 1000
    with dovecot.client() as c:
        for i in range(count):
            c.append("INBOX", text_message(i))
    out = tmp_path / "out"
    result = poll_mailbox(load_settings(), out)
    assert result.processed == count
    assert_exactly_once(out, dovecot, count)


def test_bad_credentials_fail_once_and_clearly(
    dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dovecot.append([text_message(0)])
    monkeypatch.setenv("TRIAGE_MAILBOX_PASSWORD", "wrong-Planted-Secret-42")
    with pytest.raises(MailboxAuthError) as info:
        poll_mailbox(load_settings(), tmp_path / "direct")
    assert "wrong-Planted-Secret-42" not in str(info.value)

    started = time.monotonic()
    result = run_triage(
        "run",
        "--out",
        str(tmp_path / "out"),
        env={**dovecot.settings_env(), "TRIAGE_MAILBOX_PASSWORD": "wrong-Planted-Secret-42"},
    )
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("triage:")]
    assert len(lines) == 1 and "refused" in lines[0]
    assert "wrong-Planted-Secret-42" not in result.stdout + result.stderr
    # No retry storm: one failed login on the server, and no backoff delays spent.
    log = (dovecot.dir / "dovecot.log").read_text()
    assert log.count("auth failed") + log.count("Authentication failed") <= 2
    assert time.monotonic() - started < 60
    assert dovecot.uids("INBOX") == [1]


@pytest.fixture
def tls_dovecot(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dovecot]:
    server = Dovecot(tls=True)
    server.start()
    for key, value in server.settings_env().items():
        monkeypatch.setenv(key, value)
    yield server
    server.remove()


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_pass_with_a_trusted_certificate(
    tls_dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, security: str
) -> None:
    tls_dovecot.append([text_message(i) for i in range(2)])
    port = tls_dovecot.imaps_port if security == "ssl" else tls_dovecot.port
    monkeypatch.setenv("TRIAGE_MAILBOX_SECURITY", security)
    monkeypatch.setenv("TRIAGE_MAILBOX_PORT", str(port))
    monkeypatch.setenv("TRIAGE_MAILBOX_CA_FILE", str(tls_dovecot.cert))
    result = poll_mailbox(load_settings(), tmp_path / "out")
    assert result.processed == 2
    assert len(tls_dovecot.uids("Triage/Processed")) == 2


def test_tls_refuses_an_untrusted_certificate_without_retrying(
    tls_dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.errors import MailboxError

    monkeypatch.setenv("TRIAGE_MAILBOX_SECURITY", "ssl")
    monkeypatch.setenv("TRIAGE_MAILBOX_PORT", str(tls_dovecot.imaps_port))
    with pytest.raises(MailboxError, match="not trusted") as info:
        poll_mailbox(load_settings(), tmp_path / "out")
    assert not isinstance(info.value, MailboxUnavailable)


def test_oauth2_token_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """XOAUTH2 tokens come from an environment variable or a command run without a shell."""
    from pipeline.imap import oauth2_token
    from pipeline.settings import MailboxSettings

    monkeypatch.setenv("M365_TOKEN", "tok-from-env\n")
    assert (
        oauth2_token(MailboxSettings(auth="oauth2", oauth2_token_env="M365_TOKEN"))
        == "tok-from-env"
    )
    command = f"{sys.executable} -c \"print('tok-from-command')\""
    assert (
        oauth2_token(MailboxSettings(auth="oauth2", oauth2_token_command=command))
        == "tok-from-command"
    )
    for cfg in (
        MailboxSettings(auth="oauth2", oauth2_token_env="UNSET_TOKEN_VARIABLE"),
        MailboxSettings(
            auth="oauth2", oauth2_token_command=f'{sys.executable} -c "import sys; sys.exit(3)"'
        ),
        MailboxSettings(auth="oauth2"),
    ):
        with pytest.raises(MailboxAuthError):
            oauth2_token(cfg)
    # No shell: $(...) reaches echo as text and runs nothing.
    shell = MailboxSettings(
        auth="oauth2", oauth2_token_command="echo $(touch /tmp/triage-shell-ran)"
    )
    assert oauth2_token(shell) == "$(touch /tmp/triage-shell-ran)"
    assert not Path("/tmp/triage-shell-ran").exists()


@pytest.mark.parametrize("uidplus", [True, False])
def test_filing_without_move_copies_flags_and_expunges(dovecot: Dovecot, uidplus: bool) -> None:
    """Servers without MOVE: COPY + \\Deleted + UID EXPUNGE (or EXPUNGE without UIDPLUS), on Dovecot."""
    from pipeline.imap import Mailbox

    dovecot.append([text_message(i) for i in range(3)])
    with Mailbox(load_settings().mailbox) as box:
        real = box.client.has_capability
        box.client.has_capability = lambda name: (
            False if name in ("MOVE", *(() if uidplus else ("UIDPLUS",))) else real(name)
        )  # type: ignore[method-assign]
        box.ensure_folder("Triage/Processed")
        box.select("INBOX")
        box.file([1, 3], "Triage/Processed")
    assert dovecot.uids("INBOX") == [2]
    assert len(dovecot.uids("Triage/Processed")) == 2
