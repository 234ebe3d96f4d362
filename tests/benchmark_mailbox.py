"""A pass over 1,000 seeded text messages (messages per second) and a pass with no new mail.

    .venv/bin/python -m tests.benchmark_mailbox [COUNT]

Runs a real Dovecot on loopback; the pass is the plain pipeline function (no Prefect start-up).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from pipeline.mailpass import poll_mailbox
from pipeline.settings import load_settings
from tests.dovecot import Dovecot
from tests.test_imap import text_message


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 1000
    server = Dovecot()
    server.start()
    try:
        with server.client() as c:
            for i in range(count):
                c.append("INBOX", text_message(i))
        os.environ.update(server.settings_env())
        settings = load_settings()
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            t = time.perf_counter()
            result = poll_mailbox(settings, out)
            full = time.perf_counter() - t
            t = time.perf_counter()
            idle = poll_mailbox(settings, out)
            empty = time.perf_counter() - t
    finally:
        server.remove()
    print(f"{os.cpu_count()} cores, {count} text messages on a loopback Dovecot")
    print(
        f"  pass over {result.processed} new messages: {full:.1f} s, {result.processed / full:.1f} messages/s"
    )
    print(f"  pass with no new mail ({idle.processed} processed): {empty:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
