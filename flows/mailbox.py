"""Prefect flow of the live mailbox: one pass, retried on transient faults, never overlapping."""

from __future__ import annotations

from pathlib import Path

from flows.environment import set_defaults

set_defaults()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from flows.artifacts import publish_artifacts  # noqa: E402
from pipeline.imap import MailboxUnavailable  # noqa: E402
from pipeline.ledger import Ledger  # noqa: E402
from pipeline.mailpass import PassResult, poll_mailbox  # noqa: E402
from pipeline.settings import Settings, load_settings  # noqa: E402

DEPLOYMENT = "stnd-delegations"


def _transient(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's retry-condition signature
    """Retry only when the server could not be reached or dropped us (not on bad credentials)."""
    try:
        state.result()
    except MailboxUnavailable:
        return True
    except Exception:  # noqa: BLE001
        return False
    return False


def mailbox_password(settings: Settings) -> str | None:
    """The password from the Prefect Secret block the config names, else None (the config's own)."""
    if not settings.mailbox.password_secret_block:
        return None
    from prefect.blocks.system import Secret

    return Secret.load(settings.mailbox.password_secret_block).get()


@task(name="poll-mailbox", retry_condition_fn=_transient, cache_policy=NO_CACHE)
def poll_task(settings: Settings, out_dir: str) -> PassResult:
    # The secret is read here, inside the task, so it is never a recorded parameter.
    return poll_mailbox(settings, Path(out_dir), password=mailbox_password(settings))


@flow(name="mailbox-pass", validate_parameters=False, persist_result=False)
def mailbox_pass(out_dir: str | None = None, config_path: str | None = None) -> dict[str, int]:
    """Triage the new mail of the configured folder into OUT_DIR, filing each message on the server."""
    settings = load_settings(config_path or None)  # "" from an unset deployment variable = default
    cfg = settings.mailbox
    delays = [cfg.retry_delay_seconds * 2**i for i in range(cfg.retries)]
    task = poll_task.with_options(retries=cfg.retries, retry_delay_seconds=delays or 0)
    out = out_dir or settings.output.dir
    result = task(settings, out)
    ledger = Ledger(Path(out))
    try:
        publish_artifacts(
            ledger.records(), result.case_ids, key="mailbox-pass", title="Mailbox pass"
        )
    finally:
        ledger.close()
    return {k: v for k, v in vars(result).items() if k != "case_ids"}


def serve(out_dir: str | None, config_path: str | None) -> None:
    """Serve the deployment with the configured cron schedule; runs never overlap (CANCEL_NEW)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    settings = load_settings(config_path)
    mailbox_pass.serve(
        name=DEPLOYMENT,
        cron=settings.schedule.cron,
        parameters={"out_dir": out_dir or settings.output.dir, "config_path": config_path},
        global_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
        description="Triage new mail of the CALNET delegation mailbox",
    )
