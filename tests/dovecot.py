"""A real Dovecot IMAP server on loopback for tests (shared/notes/dovecot.md)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

USER, PASSWORD = "triage@example.org", "s3cret-Pa55"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
instance_name = {name}
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
shutdown_clients = yes
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users
}}
mail_location = maildir:~/Maildir
mailbox_list_index = yes
namespace inbox {{
  inbox = yes
  separator = /
}}
{ssl}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    """One self-contained Dovecot instance: its own folder, port and user."""

    def __init__(self, tls: bool = False) -> None:
        # Dovecot's auth and mail processes run as other users: every parent must be traversable.
        self.dir = Path(tempfile.mkdtemp(prefix="triage-dovecot-", dir="/tmp"))
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.imaps_port = free_port() if tls else 0
        self.cert = self.dir / "cert.pem"
        ssl_conf = "ssl = no"
        if tls:
            # A self-signed certificate for localhost: IMAPS on imaps_port, STARTTLS on port.
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=localhost",
                    "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout",
                    str(self.dir / "key.pem"),
                    "-out",
                    str(self.cert),
                ],
                check=True,
                capture_output=True,
            )
            os.chmod(self.dir / "key.pem", 0o644)  # read by the login process, a test key
            ssl_conf = f"ssl = yes\nssl_cert = <{self.cert}\nssl_key = <{self.dir / 'key.pem'}"
        self.home = self.dir / "mail" / "triage"
        self.home.mkdir(parents=True)
        (self.dir / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:65534:65534::{self.home}::\n")
        (self.dir / "dovecot.conf").write_text(
            CONFIG.format(
                name=self.dir.name,
                dir=self.dir,
                port=self.port,
                imaps_port=self.imaps_port,
                ssl=ssl_conf,
            )
        )
        subprocess.run(["chown", "-R", "65534:65534", str(self.dir / "mail")], check=True)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.dir / "stdout.log", "ab")  # noqa: SIM115 - kept open for the server's life
        self.proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.dir / "dovecot.conf")],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(
            f"dovecot did not start: {(self.dir / 'dovecot.log').read_text()[-2000:]}"
        )

    def stop(self) -> None:
        """Stop the server and every process of it (client sessions too), as a server going down does."""
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # imap processes left serving old sessions
            self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self) -> IMAPClient:
        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        c.login(USER, PASSWORD)
        return c

    def append(self, messages: list[bytes], folder: str = "INBOX") -> None:
        with self.client() as c:
            for raw in messages:
                c.append(folder, raw)

    def uids(self, folder: str) -> list[int]:
        with self.client() as c:
            if not c.folder_exists(folder):
                return []
            c.select_folder(folder, readonly=True)
            return sorted(c.search(["ALL"]))

    def reset_uidvalidity(self, folder: str = "INBOX") -> None:
        """Make the server give `folder` a new UIDVALIDITY, its messages new UIDs (as after a restore)."""
        self.stop()
        maildir = self.home / "Maildir"
        for name in (
            "dovecot-uidlist",
            "dovecot.index",
            "dovecot.index.cache",
            "dovecot.index.log",
            "dovecot.list.index",
            "dovecot.list.index.log",
            "dovecot-uidvalidity",
        ):
            for path in maildir.rglob(name):
                path.unlink()
        for path in maildir.glob("dovecot-uidvalidity*"):
            path.unlink()
        time.sleep(1.1)  # UIDVALIDITY is a timestamp: let it move on
        self.start()

    def settings_env(self) -> dict[str, str]:
        """TRIAGE_* variables pointing the pipeline at this server (password from the environment)."""
        return {
            "TRIAGE_MAILBOX_HOST": "127.0.0.1",
            "TRIAGE_MAILBOX_PORT": str(self.port),
            "TRIAGE_MAILBOX_SECURITY": "plain",
            "TRIAGE_MAILBOX_USERNAME": USER,
            "TRIAGE_MAILBOX_PASSWORD": PASSWORD,
        }
