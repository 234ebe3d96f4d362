"""Process environment every run needs, set before Prefect or tesseract start."""

from __future__ import annotations

import os

DEFAULTS = {
    # No telemetry from the temporary Prefect server (shared/notes/prefect.md).
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # A cold start of the temporary server took 19 s here; the default limit is 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # Quiet command-line runs: the CLI shows its own progress.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # One tesseract thread per process: parallelism comes from running pages concurrently.
    "OMP_THREAD_LIMIT": "1",
}


def set_defaults() -> None:
    """Set each default unless the caller's environment already chose a value."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
