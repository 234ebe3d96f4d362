"""Tests of pipeline.settings.load_settings: shipped defaults, a config file, env overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No TRIAGE_* variable of the caller's shell leaks into these tests."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("TRIAGE_"):
            monkeypatch.delenv(name)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "triage.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_defaults() -> None:
    s = load_settings()
    assert s.mailbox.port == 993
    assert s.mailbox.security == "ssl"
    assert s.mailbox.folder == "INBOX"
    assert s.mailbox.processed_folder == "Triage/Processed"
    assert s.mailbox.error_folder == "Triage/Error"
    assert s.ocr.low_confidence == pytest.approx(0.70)
    assert s.schedule.cron
    assert s.routing.default_queue in s.routing.queues
    assert s.routing.rules and s.routing.rules[0].queue == "errors"
    assert all(rule.queue in s.routing.queues for rule in s.routing.rules)


def test_config_file_overrides_one_key_and_keeps_the_rest(tmp_path: Path) -> None:
    shipped = load_settings()
    s = load_settings(_config(tmp_path, "[ocr]\nlow_confidence = 0.5\n"))
    assert s.ocr.low_confidence == pytest.approx(0.5)
    assert s.ocr.language == shipped.ocr.language
    assert s.ocr.page_timeout_seconds == shipped.ocr.page_timeout_seconds
    assert s.mailbox == shipped.mailbox
    assert s.routing == shipped.routing


def test_config_rules_replace_the_shipped_list(tmp_path: Path) -> None:
    s = load_settings(
        _config(tmp_path, '[[routing.rules]]\nqueue = "errors"\nstatus = ["error"]\n')
    )
    assert [r.queue for r in s.routing.rules] == ["errors"]
    assert "general-pbx" in s.routing.queues  # queues are merged, not replaced


def test_path_may_be_a_string(tmp_path: Path) -> None:
    assert load_settings(str(_config(tmp_path, "[mailbox]\nport = 143\n"))).mailbox.port == 143


def test_env_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_OCR_LOW_CONFIDENCE", "0.6")
    monkeypatch.setenv("TRIAGE_MAILBOX_PROCESSED_FOLDER", "Done/Filed")
    s = load_settings()
    assert s.ocr.low_confidence == pytest.approx(0.6)
    assert s.mailbox.processed_folder == "Done/Filed"
    assert s.mailbox.folder == "INBOX"
    assert s.ocr.language == "eng"


def test_env_overrides_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _config(
        tmp_path, '[ocr]\nlow_confidence = 0.5\n[mailbox]\nprocessed_folder = "FromFile"\n'
    )
    monkeypatch.setenv("TRIAGE_OCR_LOW_CONFIDENCE", "0.65")
    s = load_settings(path)
    assert s.ocr.low_confidence == pytest.approx(0.65)
    assert s.mailbox.processed_folder == "FromFile"


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "ocr.low_confidence"), ("7", "ocr.low_confidence"), ("-0.1", "ocr.low_confidence")],
)
def test_bad_env_value_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("TRIAGE_OCR_LOW_CONFIDENCE", value)
    with pytest.raises(ConfigError, match=message):
        load_settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[ocr\nlow_confidence =", "not valid TOML", id="invalid-toml"),
        pytest.param("[ocr]\nbogus = 1\n", "ocr.bogus", id="unknown-key"),
        pytest.param("[nosuch]\nx = 1\n", "nosuch", id="unknown-section"),
        pytest.param("[ocr]\nlow_confidence = 1.5\n", "ocr.low_confidence", id="out-of-range"),
        pytest.param("[mailbox]\nport = 0\n", "mailbox.port", id="port-zero"),
        pytest.param('[mailbox]\nsecurity = "tls-maybe"\n', "mailbox.security", id="bad-choice"),
        pytest.param(
            '[[routing.rules]]\nqueue = "nowhere"\nkind = ["other"]\n',
            "unknown queue 'nowhere'",
            id="rule-unknown-queue",
        ),
        pytest.param(
            '[routing]\ndefault_queue = "nowhere"\n', "nowhere", id="default-unknown-queue"
        ),
    ],
)
def test_bad_config_file(tmp_path: Path, text: str, message: str) -> None:
    path = _config(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path)
    assert "\n" not in info.value.message.strip()
    assert info.value.where == "config"


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="not found") as info:
        load_settings(missing)
    assert str(missing) in info.value.message
