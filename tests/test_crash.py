"""Crash safety: replays killed with SIGKILL at random points, then rerun, leave exactly one record and
packet per message and a ledger that agrees; a full disk gives a clear error and no half-written packet."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, SAMPLE_INBOX, TRIAGE, read_jsonl

MESSAGES = [
    "01-dmv-pbx-complete.eml", "02-dwr-ip-pbx-hybrid-bullets.eml", "03-edd-ivr-acd-no-staff-quals.eml",
    "04-cnra-transport-html-only.eml", "05-cdcr-premise-based-cp1252-qp.eml", "06-ftb-mns-contract-complete.eml",
    "07-cdph-contract-no-catalog-base64.eml", "19-edd-reply-adds-staff-quals.eml",
]
"""Eight text messages (no OCR), one a follow-up that rewrites its case's packet when filed."""
PLAIN_TRIALS = 20
CLI_TRIALS = 3
SEED = 6

REPLAY = r"""
import sys
from pathlib import Path
from pipeline.intake import file_triaged, publish
from pipeline.ledger import Ledger, run_lock, unique_case_id
from pipeline.mime import parse_message
from pipeline.packets import remove_stale_tmp
from pipeline.settings import load_settings
from pipeline.sources import list_inbox, read_raw
from pipeline.triage import make_case_id, triage_message

# flows/replay.py without Prefect: the same pipeline calls in the same order, one message at a time.
inbox, out = Path(sys.argv[1]), Path(sys.argv[2])
settings = load_settings()
print("ready", flush=True)
with run_lock(out):
    ledger = Ledger(out)
    try:
        remove_stale_tmp(out)
        known = ledger.known_sources()
        index, taken = ledger.case_index(), ledger.case_ids()
        for item in [i for i in list_inbox(inbox) if i.source.key not in known]:
            raw = read_raw(item)
            try:
                parsed = parse_message(raw, settings.limits)
            except Exception:
                parsed = None
            case_id = unique_case_id(make_case_id(raw, parsed), taken)
            triaged = triage_message(raw, item.source, case_id, settings, index)
            taken.add(case_id)
            index.add(file_triaged(out, ledger, item.source.key, triaged))
        publish(out, ledger)
    finally:
        ledger.close()
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "inbox"
    folder.mkdir()
    for name in MESSAGES:
        shutil.copy(SAMPLE_INBOX / name, folder / name)
    return folder


def _plain(inbox: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", REPLAY, str(inbox), str(out)], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _cli(inbox: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([str(TRIAGE), "replay", str(inbox), "--out", str(out), "--quiet"], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen, timeout: float = 600) -> None:
    stdout, stderr = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, stderr[-3000:]


def _kill_at(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the process group after `delay` s; True when it was still running."""
    try:
        proc.wait(timeout=delay)
        proc.communicate()
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return True


def check_out(out: Path, inbox: Path, reference: list[dict] | None = None) -> None:
    """One record and one packet per message, and a ledger that agrees with both."""
    records = read_jsonl(out / "triage.jsonl")
    paths = [r["source"]["path"] for r in records]
    assert sorted(paths) == sorted(MESSAGES), paths
    db = sqlite3.connect(out / "ledger.sqlite")
    try:
        rows = db.execute("SELECT source_key, case_id, packet, record FROM messages ORDER BY seq").fetchall()
    finally:
        db.close()
    assert [json.loads(r[3]) for r in rows] == records  # triage.jsonl is the ledger, in filing order
    assert len({r[1] for r in rows}) == len(MESSAGES)
    packets = out / "packets"
    folders = sorted(p for p in packets.glob("*/*") if p.is_dir() and not p.parent.name.startswith("."))
    assert sorted(p.relative_to(out).as_posix() for p in folders) == sorted(r[2] for r in rows)
    assert not [p for p in packets.iterdir() if p.name.startswith(".tmp-")]
    for source_key, _case_id, packet, record in rows:
        folder = out / packet
        assert json.loads((folder / "request.json").read_text(encoding="utf-8")) == json.loads(record)
        assert (folder / "message.eml").read_bytes() == (inbox / source_key.removeprefix("file:")).read_bytes()
        assert (folder / "summary.html").is_file()
    if reference is not None:
        assert records == reference


@pytest.fixture(scope="module")
def reference(inbox: Path, tmp_path_factory) -> tuple[list[dict], float]:
    """An uninterrupted plain run: its records, and how long it took (to spread the kills over)."""
    out = tmp_path_factory.mktemp("reference") / "out"
    started = time.monotonic()
    _finish(_plain(inbox, out))
    elapsed = time.monotonic() - started
    check_out(out, inbox)
    return read_jsonl(out / "triage.jsonl"), elapsed


def test_plain_replay_killed_at_random_points(inbox: Path, reference, tmp_path: Path) -> None:
    records, elapsed = reference
    rng = random.Random(SEED)
    killed = 0
    for trial in range(PLAIN_TRIALS):
        out = tmp_path / f"trial-{trial}"
        # Some trials are killed twice before the rerun that finishes.
        for _ in range(1 + (trial % 4 == 3)):
            killed += _kill_at(_plain(inbox, out), rng.uniform(0.1, elapsed))
        _finish(_plain(inbox, out))
        check_out(out, inbox, records)
    assert killed >= PLAIN_TRIALS * 3 // 4  # most kills landed while the run was working
    print(f"{PLAIN_TRIALS} trials, {killed} kills landed, every rerun complete and consistent")


def test_cli_replay_killed_at_random_points(inbox: Path, reference, tmp_path: Path) -> None:
    records, _ = reference
    rng = random.Random(SEED + 1)
    started = time.monotonic()
    _finish(_cli(inbox, tmp_path / "timing"))
    elapsed = time.monotonic() - started
    for trial in range(CLI_TRIALS):
        out = tmp_path / f"cli-{trial}"
        # Kill in the second half of the run, once Prefect has started and messages are being filed.
        _kill_at(_cli(inbox, out), rng.uniform(elapsed * 0.5, elapsed))
        _finish(_cli(inbox, out))
        check_out(out, inbox, records)


# --- a full disk -----------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MiB tmpfs (root can mount one); skipped with the reason where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_gives_a_clear_error_and_no_half_written_packet(small_disk: Path, tmp_path: Path) -> None:
    from tests.badinput.make_corpus import mixed, part

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE_INBOX / "01-dmv-pbx-complete.eml", inbox / "01-small.eml")
    blob = random.Random(1).randbytes(900_000)  # incompressible: a packet of ~2.1 MB (message + attachment)
    (inbox / "02-big.eml").write_bytes(mixed("big", part("application/octet-stream", blob, "scan.bin")))
    shutil.copy(SAMPLE_INBOX / "02-dwr-ip-pbx-hybrid-bullets.eml", inbox / "03-small.eml")
    out = small_disk / "out"

    done = subprocess.run([str(TRIAGE), "replay", str(inbox), "--out", str(out), "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, (done.stdout, done.stderr)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("triage: ") and "No space left on device" in last, done.stderr[-2000:]
    packets = out / "packets"
    assert not [p for p in packets.iterdir() if p.name.startswith(".tmp-")]
    filed = sorted(p.name for p in packets.glob("*/*"))
    db = sqlite3.connect(out / "ledger.sqlite")
    try:
        ledger = {row[0]: row[1] for row in db.execute("SELECT source_key, packet FROM messages")}
    finally:
        db.close()
    assert set(ledger) == {"file:01-small.eml"}  # the big one never reached the ledger
    assert filed == [Path(ledger["file:01-small.eml"]).name]  # ...nor left a packet, whole or half
    complete = out / ledger["file:01-small.eml"]
    assert (complete / "message.eml").read_bytes() == (inbox / "01-small.eml").read_bytes()

    # With room again, the rerun files the rest and nothing twice.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    again = subprocess.run([str(TRIAGE), "replay", str(inbox), "--out", str(out), "--quiet"], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    records = read_jsonl(out / "triage.jsonl")
    assert sorted(r["source"]["path"] for r in records) == ["01-small.eml", "02-big.eml", "03-small.eml"]
    assert len(list(p for p in packets.glob("*/*") if p.is_dir())) == 3
