"""One settings object: the shipped TOML defaults, a config file over them, TRIAGE_* env over both."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from pipeline.errors import ConfigError

DEFAULT_CONFIG = Path(__file__).with_name("data") / "triage.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MailboxSettings(_Section):
    host: str = "localhost"
    port: int = Field(default=993, ge=1, le=65535)
    security: Literal["ssl", "starttls", "plain"] = "ssl"
    """TLS by default; `plain` only for a server on loopback (tests)."""
    tls_verify: bool = True
    ca_file: str = ""
    """A CA bundle to trust instead of the system's (e.g. a test server's self-signed certificate)."""
    username: str = ""
    auth: Literal["password", "oauth2"] = "password"
    password: str = Field(default="", repr=False)
    """Better given as TRIAGE_MAILBOX_PASSWORD than written in a file."""
    password_secret_block: str = ""
    """Name of a Prefect Secret block holding the password (resolved by the flow)."""
    oauth2_token_env: str = ""
    """Name of an environment variable holding an OAuth2 access token (XOAUTH2)."""
    oauth2_token_command: str = ""
    """A command (no shell) that prints an OAuth2 access token."""
    oauth2_msal_tenant: str = ""
    oauth2_msal_client_id: str = ""
    oauth2_msal_client_secret_env: str = ""
    oauth2_msal_cache_file: str = ""
    """Token cache of msal (refresh tokens); rotated tokens are saved back here."""
    folder: str = "INBOX"
    processed_folder: str = "Triage/Processed"
    error_folder: str = "Triage/Error"
    batch_size: int = Field(default=25, ge=1, le=1000)
    timeout_seconds: float = Field(default=60.0, gt=0)
    retries: int = Field(default=4, ge=0, le=20)
    """Retries of a pass that lost the server (never of a refused login)."""
    retry_delay_seconds: float = Field(default=2.0, ge=0)
    """First retry delay; each next one doubles."""


class OutputSettings(_Section):
    dir: str = "out"
    """OUT_DIR of `triage run` and `triage serve` when --out is not given."""


class ScheduleSettings(_Section):
    cron: str = "*/10 * * * *"


class OcrSettings(_Section):
    low_confidence: float = Field(default=0.70, ge=0.0, le=1.0)
    """Below this mean word confidence (0..1) a document is flagged `low_ocr_quality`."""
    language: str = "eng"
    page_timeout_seconds: float = Field(default=60.0, gt=0)
    workers: int = Field(default=0, ge=0)
    """Parallel OCR workers; 0 means one per core."""


class LimitSettings(_Section):
    max_message_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    max_attachments: int = Field(default=50, gt=0)
    max_attachment_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=100, gt=0)
    max_page_pixels: int = Field(default=60_000_000, gt=0)
    max_nesting_depth: int = Field(default=20, ge=1, le=200)
    """Levels of multiparts and attached messages read; deeper parts are left in the original."""
    parse_seconds: float = Field(default=60.0, gt=0)
    """Seconds spent decoding one message's parts (and, for readers that honour it, one
    document) before the rest is left unread and the record says so."""


class ExtractionSettings(_Section):
    low_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    """Values below this confidence are listed for a reviewer's attention."""


class RoutingRule(_Section):
    """First matching rule wins; every condition given must hold."""

    queue: str
    status: list[str] | None = None
    kind: list[str] | None = None
    completeness: list[str] | None = None
    delegation_type: list[str | None] | None = None
    channel: list[str] | None = None
    categories_any: list[str] | None = None
    flags_any: list[str] | None = None
    flags_none: list[str] | None = None
    """None of these flags may be raised."""
    agency_contains: str | None = None
    agency_in: list[str] | None = None
    """The agency is one of these names (case-insensitive, whole name)."""


class Reviewer(_Section):
    """A reviewer of a queue's pool; one marked away gets no new cases."""

    name: str = Field(min_length=1)
    away: bool = False


class Queue(_Section):
    reviewer: str | None = None
    """The fixed reviewer (assignment "fixed"); with `reviewers`, the first one not away is used."""
    reviewers: list[str | Reviewer] = Field(default_factory=list)
    """The queue's pool for round robin and least open cases (names, or {name, away})."""
    assignment: Literal["fixed", "round_robin", "least_open"] = "fixed"
    """How a case gets its reviewer: the fixed one, the next in turn, or who has the fewest open cases."""
    away: list[str] = Field(default_factory=list)
    """Reviewers of this queue who are away: skipped."""
    target_business_days: int | None = Field(default=None, ge=0)
    """Review target in business days; None: the review clock's default target."""
    description: str = ""

    def pool(self) -> list[str]:
        """Every reviewer of the queue in config order (the fixed one first)."""
        names = [r if isinstance(r, str) else r.name for r in self.reviewers]
        if self.reviewer and self.reviewer not in names:
            names.insert(0, self.reviewer)
        return names

    def is_away(self, name: str) -> bool:
        marked = {r.name for r in self.reviewers if isinstance(r, Reviewer) and r.away}
        return name in marked or name in self.away

    @model_validator(mode="after")
    def _has_pool(self) -> Queue:
        if self.assignment != "fixed" and not self.reviewers:
            raise ValueError(f"assignment {self.assignment!r} needs a `reviewers` list")
        return self


class QualityCheckSettings(_Section):
    queue: str | None = None
    """A queue that also gets a sample of complete requests; None: no sample."""
    fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    """Share of complete requests sampled, chosen by a hash of the case id (same case, same choice)."""


class RoutingSettings(_Section):
    rules: list[RoutingRule] = Field(default_factory=list)
    queues: dict[str, Queue] = Field(default_factory=dict)
    default_queue: str = "intake"
    quality_check: QualityCheckSettings = Field(default_factory=QualityCheckSettings)

    @model_validator(mode="after")
    def _queues_known(self) -> RoutingSettings:
        known = set(self.queues)
        for i, rule in enumerate(self.rules, 1):
            if rule.queue not in known:
                raise ValueError(f"routing rule {i} names unknown queue {rule.queue!r}")
        if self.default_queue not in known:
            raise ValueError(f"routing.default_queue {self.default_queue!r} is not a queue")
        qc = self.quality_check.queue
        if qc is not None and qc not in known:
            raise ValueError(f"routing.quality_check.queue {qc!r} is not a queue")
        return self


class ClockSettings(_Section):
    """The review clock: a due date per case in business days from its receipt."""

    target_business_days: int = Field(default=10, ge=0)
    """Target of a queue that sets none."""
    due_soon_business_days: int = Field(default=2, ge=0)
    """A case is "due soon" this many business days before its due date."""
    holidays_file: str = "holidays.toml"
    """State holidays (TOML, `[[holiday]] date = ...`); relative paths are under pipeline/data/."""


class Settings(BaseSettings):
    """All configuration of a run."""

    model_config = SettingsConfigDict(
        env_prefix="TRIAGE_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="forbid",
        case_sensitive=False,
    )

    mailbox: MailboxSettings = Field(default_factory=MailboxSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    clock: ClockSettings = Field(default_factory=ClockSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment overrides the file, which arrives as init values.
        return (env_settings, init_settings)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as e:
        raise ConfigError(f"config file not found: {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from e
    except OSError as e:
        raise ConfigError(f"config file {path} cannot be read: {e.strerror}") from e


def load_settings(path: Path | str | None = None) -> Settings:
    """Load the shipped defaults, then `path` over them, then TRIAGE_* variables over both."""
    data = _read_toml(DEFAULT_CONFIG)
    if path is not None:
        user = _read_toml(Path(path))
        if "routing" in user and "rules" in user["routing"]:
            # A config that lists rules replaces the shipped rule list as a whole.
            data["routing"].pop("rules", None)
        data = _merge(data, user)
    try:
        return Settings(**data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid config: {loc}: {first['msg']}") from e
