"""Tests of the `triage` command as a real subprocess, and of README and CLI staying in step."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from flows.cli import build_parser
from tests.helpers import ROOT, SAMPLE_INBOX, run_triage


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[ocr\nlow_confidence =", encoding="utf-8")
    out = tmp_path / "out"
    result = run_triage(
        "replay", str(SAMPLE_INBOX), "--out", str(out), "--config", str(config), timeout=60
    )
    assert result.returncode == 2
    line = _one_line(result.stderr)
    assert line.startswith("triage:")
    assert "TOML" in line
    assert not (out / "triage.jsonl").exists()


def test_out_of_range_config_value_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "range.toml"
    config.write_text("[ocr]\nlow_confidence = 3\n", encoding="utf-8")
    result = run_triage(
        "replay",
        str(SAMPLE_INBOX),
        "--out",
        str(tmp_path / "out"),
        "--config",
        str(config),
        timeout=60,
    )
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith("triage:")
    assert "ocr.low_confidence" in result.stderr


def test_bad_env_override_exits_2(tmp_path: Path) -> None:
    result = run_triage(
        "replay",
        str(SAMPLE_INBOX),
        "--out",
        str(tmp_path / "out"),
        env={"TRIAGE_OCR_LOW_CONFIDENCE": "high"},
        timeout=60,
    )
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith("triage:")


def test_missing_inbox_dir_exits_2(tmp_path: Path) -> None:
    result = run_triage(
        "replay", str(tmp_path / "no-such-inbox"), "--out", str(tmp_path / "out"), timeout=60
    )
    assert result.returncode == 2
    line = _one_line(result.stderr)
    assert line.startswith("triage:") and "no-such-inbox" in line


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("frobnicate",), id="unknown-command"),
        pytest.param((), id="no-command"),
        pytest.param(("replay", "sample_inbox"), id="replay-without-out"),
        pytest.param(("replay", "sample_inbox", "--out", "x", "--bogus"), id="unknown-flag"),
    ],
)
def test_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    result = run_triage(*args, timeout=60)
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith("triage:")


def test_run_against_an_unreachable_mailbox_exits_1_after_retries(tmp_path: Path) -> None:
    from tests.dovecot import free_port

    env = {
        "TRIAGE_MAILBOX_HOST": "127.0.0.1",
        "TRIAGE_MAILBOX_PORT": str(free_port()),
        "TRIAGE_MAILBOX_SECURITY": "plain",
        "TRIAGE_MAILBOX_RETRIES": "1",
        "TRIAGE_MAILBOX_RETRY_DELAY_SECONDS": "0.1",
    }
    result = run_triage("run", "--out", str(tmp_path / "out"), env=env, timeout=120)
    assert result.returncode == 1
    assert _one_line(result.stderr).startswith("triage: cannot reach IMAP server 127.0.0.1")
    assert not (tmp_path / "out" / "triage.jsonl").exists()


@pytest.mark.parametrize("command", ["run", "serve", "reprocess"])
def test_live_commands_reject_a_bad_config(tmp_path: Path, command: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[mailbox]\nport = 0\n")
    args = {"run": ("run", "--out", str(tmp_path / "o")), "serve": ("serve",),
            "reprocess": ("reprocess", "DLG-1", "--out", str(tmp_path / "o"))}[command]
    result = run_triage(*args, "--config", str(bad), timeout=60)
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith("triage: invalid config: mailbox.port")


# --- README and CLI in step (sqlite-utils tests/test_docs.py style) ------------------------------


def _readme_usage() -> dict[str, set[str]]:
    """Subcommand -> flags, from `triage ...` lines inside the README's code blocks."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    usage: dict[str, set[str]] = {}
    for block in re.findall(r"```\n(.*?)```", readme, re.DOTALL):
        for line in block.splitlines():
            m = re.match(r"\s*triage\s+([a-z]+)\b(.*)", line)
            if m:
                usage.setdefault(m.group(1), set()).update(
                    re.findall(r"--[a-z][a-z-]*", m.group(2))
                )
    return usage


def _parser_usage() -> dict[str, set[str]]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {
        name: {
            opt
            for action in p._actions
            for opt in action.option_strings
            if opt.startswith("--") and opt != "--help"
        }
        for name, p in sub.choices.items()
    }


def test_readme_shows_a_usage_line() -> None:
    assert "replay" in _readme_usage()


def test_every_readme_command_and_flag_exists() -> None:
    parser = _parser_usage()
    for command, flags in _readme_usage().items():
        assert command in parser, f"README shows `triage {command}`, the CLI has no such command"
        assert flags <= parser[command], (
            f"`triage {command}`: README flags {flags - parser[command]} not in CLI"
        )


def test_every_replay_flag_is_in_readme() -> None:
    readme = _readme_usage()["replay"]
    cli = _parser_usage()["replay"]
    assert cli <= readme, f"`triage replay` flags {cli - readme} are not in the README usage"


def test_readme_mentions_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in _parser_usage():
        assert f"triage {command}" in readme, command


def test_reprocess_triages_a_filed_case_again_in_place(tmp_path: Path) -> None:
    import json
    import shutil

    from tests.helpers import SAMPLE_INBOX, read_jsonl

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("01-dmv-pbx-complete.eml", "08-caltrans-pbx-telecom-manager.eml"):
        shutil.copy(SAMPLE_INBOX / name, inbox / name)
    out = tmp_path / "out"
    assert run_triage("replay", str(inbox), "--out", str(out), "--quiet").returncode == 0
    before = read_jsonl(out / "triage.jsonl")
    case = before[1]["case_id"]

    result = run_triage("reprocess", case, "--out", str(out), timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"reprocessed {case}" in result.stdout
    after = read_jsonl(out / "triage.jsonl")
    assert [r["case_id"] for r in after] == [r["case_id"] for r in before]
    assert after == before  # same message, same config: the same record, not a second one
    packet = out / "packets" / after[1]["route"]["queue"] / case
    assert json.loads((packet / "request.json").read_text()) == after[1]

    missing = run_triage("reprocess", "DLG-00000000-nothing", "--out", str(out), timeout=120)
    assert missing.returncode == 1
    assert _one_line(missing.stderr) == f"triage: no case DLG-00000000-nothing in {out}"
