"""`triage serve` against a real Prefect server runs a scheduled pass on its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.dovecot import Dovecot, free_port
from tests.helpers import ROOT, read_jsonl
from tests.test_imap import text_message

PREFECT = Path(sys.executable).with_name("prefect")
TRIAGE = Path(sys.executable).with_name("triage")


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_runs_a_scheduled_pass_on_its_own(tmp_path: Path) -> None:
    server = Dovecot()
    server.start()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        **server.settings_env(),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "TRIAGE_SCHEDULE_CRON": "* * * * *",
    }
    logs = open(tmp_path / "processes.log", "wb")  # noqa: SIM115 - open for the processes' lives
    prefect = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=logs, stderr=logs, start_new_session=True)
    serve = None
    try:
        server.append([text_message(i) for i in range(3)])
        assert _wait(lambda: _healthy(api), 120), "Prefect server did not start"
        out = tmp_path / "out"
        serve = subprocess.Popen([str(TRIAGE), "serve", "--out", str(out)], cwd=ROOT,
                                 env={**env, "PREFECT_API_URL": api}, stdout=logs, stderr=logs,
                                 start_new_session=True)
        # The schedule is every minute: the first run comes within about 70 s, nobody starting it.
        jsonl = out / "triage.jsonl"
        assert _wait(lambda: jsonl.exists() and len(read_jsonl(jsonl)) == 3, 180), (
            (tmp_path / "processes.log").read_text(errors="replace")[-3000:])
        assert server.uids("INBOX") == []
        assert len(server.uids("Triage/Processed")) == 3
    finally:
        if serve is not None:
            _stop(serve)
        _stop(prefect)
        server.remove()
        logs.close()
