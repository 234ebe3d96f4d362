"""One error hierarchy: each error carries the message a user reads."""

from __future__ import annotations


class TriageError(Exception):
    """Base of every error the pipeline raises on purpose."""

    where: str = "pipeline"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if where is not None:
            self.where = where


class ConfigError(TriageError):
    """The configuration file or an override is invalid (exit status 2)."""

    where = "config"


class MessageUnreadable(TriageError):
    """The message itself could not be parsed."""

    where = "mime"


class UnreadableAttachment(TriageError):
    """An attachment is corrupt, unsupported or empty."""

    where = "documents"


class EncryptedPdf(UnreadableAttachment):
    """A PDF is encrypted or password-protected."""


class OcrTimeout(TriageError):
    """OCR of a page took longer than the configured limit."""

    where = "ocr"


class LimitExceeded(TriageError):
    """An input is over one of the configured limits."""

    where = "limits"


class MailboxError(TriageError):
    """The mailbox could not be reached or used."""

    where = "mailbox"
