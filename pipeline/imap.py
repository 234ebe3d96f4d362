"""The IMAP mailbox source: connect, authenticate, list new UIDs, fetch with PEEK, file messages."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import shlex
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from pipeline.errors import MailboxError
from pipeline.settings import MailboxSettings

log = logging.getLogger(__name__)


class MailboxAuthError(MailboxError):
    """The server refused our credentials: retrying will not help."""


class MailboxUnavailable(MailboxError):
    """The server could not be reached or dropped the connection: a retry may help."""


TRANSIENT = (OSError, socket.timeout, ssl.SSLError, imaplib.IMAP4.abort, EOFError)


@dataclass(frozen=True)
class FolderState:
    """What SELECT tells of a folder."""

    name: str
    uidvalidity: int
    uidnext: int | None


def _ssl_context(cfg: MailboxSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=cfg.ca_file or None)
    if not cfg.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def oauth2_token(cfg: MailboxSettings) -> str:
    """An XOAUTH2 access token from an environment variable, a command, or msal."""
    if cfg.oauth2_token_env:
        token = os.environ.get(cfg.oauth2_token_env, "")
        if not token:
            raise MailboxAuthError(
                f"environment variable {cfg.oauth2_token_env} holds no OAuth2 token"
            )
        return token.strip()
    if cfg.oauth2_token_command:
        try:
            done = subprocess.run(
                shlex.split(cfg.oauth2_token_command),
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as e:
            raise MailboxAuthError(f"OAuth2 token command failed: {type(e).__name__}") from e
        token = done.stdout.strip()
        if not token:
            raise MailboxAuthError("OAuth2 token command printed no token")
        return token
    if cfg.oauth2_msal_client_id:
        return _msal_token(cfg)
    raise MailboxAuthError("mailbox.auth is oauth2 but no token source is configured")


def _msal_token(cfg: MailboxSettings) -> str:
    """A token for Exchange Online from msal: a cached refresh token, else client credentials."""
    try:
        import msal  # optional: only Microsoft 365 deployments need it
    except ImportError as e:
        raise MailboxAuthError(
            "mailbox.oauth2_msal_* is set but the msal package is not installed"
        ) from e
    cache = msal.SerializableTokenCache()
    if cfg.oauth2_msal_cache_file and os.path.exists(cfg.oauth2_msal_cache_file):
        with open(cfg.oauth2_msal_cache_file, encoding="utf-8") as fh:
            cache.deserialize(fh.read())
    authority = f"https://login.microsoftonline.com/{cfg.oauth2_msal_tenant or 'organizations'}"
    secret = (
        os.environ.get(cfg.oauth2_msal_client_secret_env, "")
        if cfg.oauth2_msal_client_secret_env
        else ""
    )
    if secret:
        app = msal.ConfidentialClientApplication(
            cfg.oauth2_msal_client_id,
            authority=authority,
            client_credential=secret,
            token_cache=cache,
        )
        result = app.acquire_token_for_client(scopes=["https://outlook.office365.com/.default"])
    else:
        app = msal.PublicClientApplication(
            cfg.oauth2_msal_client_id, authority=authority, token_cache=cache
        )
        accounts = app.get_accounts(username=cfg.username or None)
        result = (
            app.acquire_token_silent(
                ["https://outlook.office365.com/IMAP.AccessAsUser.All"], account=accounts[0]
            )
            if accounts
            else None
        )
    if cache.has_state_changed and cfg.oauth2_msal_cache_file:
        fd = os.open(cfg.oauth2_msal_cache_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(cache.serialize())
    if not result or "access_token" not in result:
        raise MailboxAuthError(
            f"msal could not get a token: {(result or {}).get('error', 'no cached account')}"
        )
    return result["access_token"]


class Mailbox:
    """One logged-in IMAP connection; use as a context manager."""

    def __init__(self, cfg: MailboxSettings, password: str | None = None) -> None:
        self.cfg = cfg
        self._password = password if password is not None else cfg.password
        self.client: IMAPClient | None = None

    def __enter__(self) -> Mailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        """Connect (TLS unless the config says plain) and log in."""
        cfg = self.cfg
        where = f"{cfg.host}:{cfg.port}"
        try:
            client = IMAPClient(
                cfg.host,
                port=cfg.port,
                ssl=cfg.security == "ssl",
                ssl_context=_ssl_context(cfg) if cfg.security == "ssl" else None,
                timeout=cfg.timeout_seconds,
            )
            if cfg.security == "starttls":
                client.starttls(_ssl_context(cfg))
        except ssl.SSLCertVerificationError as e:
            # Not transient: retrying will not make the certificate trusted.
            raise MailboxError(
                f"TLS certificate of {where} is not trusted: {e.verify_message}"
            ) from e
        except TRANSIENT as e:
            raise MailboxUnavailable(
                f"cannot reach IMAP server {where}: {type(e).__name__}: {e}"
            ) from e
        except IMAPClientError as e:
            raise MailboxUnavailable(f"IMAP server {where} refused the session: {e}") from e
        try:
            if cfg.auth == "oauth2":
                client.oauth2_login(cfg.username, oauth2_token(cfg))
            else:
                client.login(cfg.username, self._password)
        except LoginError as e:
            _safe_logout(client)
            # The server's words may echo the user name but never the secret.
            raise MailboxAuthError(f"IMAP login as {cfg.username!r} on {where} was refused") from e
        except TRANSIENT as e:
            raise MailboxUnavailable(
                f"connection to {where} lost during login: {type(e).__name__}"
            ) from e
        self.client = client
        log.info("connected to %s as %s", where, cfg.username)

    def close(self) -> None:
        if self.client is not None:
            _safe_logout(self.client)
            self.client = None

    def _c(self) -> IMAPClient:
        if self.client is None:
            raise MailboxError("mailbox is not connected")
        return self.client

    @contextlib.contextmanager
    def _command(self, what: str) -> Iterator[IMAPClient]:
        """Run IMAP commands: a lost connection is transient, a refusal by the server is not."""
        try:
            yield self._c()
        except TRANSIENT as e:  # first: imaplib's abort is also an IMAPClientError
            raise MailboxUnavailable(f"connection lost {what}: {type(e).__name__}") from e
        except IMAPClientError as e:
            raise MailboxError(f"server refused {what}: {e}") from e

    def select(self, folder: str) -> FolderState:
        """SELECT a folder (read-write, for moving) and return its UIDVALIDITY and UIDNEXT."""
        with self._command(f"selecting {folder!r}") as c:
            info = c.select_folder(folder)
        uidnext = info.get(b"UIDNEXT")
        return FolderState(
            name=folder,
            uidvalidity=int(info[b"UIDVALIDITY"]),
            uidnext=int(uidnext) if uidnext is not None else None,
        )

    def uids_above(self, last_uid: int) -> list[int]:
        """UIDs greater than `last_uid`, ascending (UID range search, no CHARSET argument)."""
        uids = self._search(["UID", f"{last_uid + 1}:*"])
        return sorted(u for u in uids if u > last_uid)

    def uids_up_to(self, last_uid: int) -> list[int]:
        """UIDs at most `last_uid` still in the folder (filed but not yet moved), ascending."""
        if last_uid < 1:
            return []
        return sorted(u for u in self._search(["UID", f"1:{last_uid}"]) if u <= last_uid)

    def _search(self, criteria: list[str]) -> list[int]:
        with self._command("during SEARCH") as c:
            return [int(u) for u in c.search(criteria)]

    def fetch(self, uids: list[int]) -> Iterator[tuple[int, bytes]]:
        """(uid, raw bytes) in UID order, in batches, with BODY.PEEK[] so nothing is marked seen."""
        size = self.cfg.batch_size
        for i in range(0, len(uids), size):
            batch = uids[i : i + size]
            with self._command("during FETCH") as c:
                data = c.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                item = data.get(uid)
                if item is None:
                    continue  # expunged meanwhile by another client
                yield uid, bytes(item.get(b"BODY[]") or b"")

    def ensure_folder(self, folder: str) -> None:
        """Create a folder (and its parents, as the server needs) when missing."""
        with self._command(f"creating {folder!r}") as c:
            if not c.folder_exists(folder):
                c.create_folder(folder)

    def holds(self, folder: str, message_id: str, back_to: str) -> bool:
        """Whether `folder` already holds a message with this Message-ID (a move cut off after its copy),
        looked up read-only; `back_to` is selected again afterwards."""
        if not message_id:
            return False
        with self._command(f"searching {folder!r}") as c:
            c.select_folder(folder, readonly=True)
            try:
                found = c.search(["HEADER", "Message-ID", message_id])
            finally:
                c.select_folder(back_to)
        return bool(found)

    def discard(self, uids: list[int]) -> None:
        """Remove messages from the selected folder: \\Deleted + UID EXPUNGE (the copy is already filed)."""
        if not uids:
            return
        with self._command("removing filed copies") as c:
            c.add_flags(uids, [b"\\Deleted"], silent=True)
            if c.has_capability("UIDPLUS"):
                c.uid_expunge(uids)
            else:
                c.expunge()

    def file(self, uids: list[int], folder: str) -> None:
        """Move messages to `folder`: MOVE where the server has it, else COPY + \\Deleted + UID EXPUNGE."""
        if not uids:
            return
        with self._command(f"filing to {folder!r}") as c:
            if c.has_capability("MOVE"):
                c.move(uids, folder)
                return
            c.copy(uids, folder)
        self.discard(uids)


def _safe_logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        with contextlib.suppress(Exception):
            client.shutdown()
