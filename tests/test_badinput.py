"""The bad-input corpus replayed by the real CLI: every case ends as expected, the run exits 0, nothing gets in."""

from __future__ import annotations

import json
import socket
import stat
import threading
from pathlib import Path

import pytest

from models import Source
from pipeline.errors import MessageUnreadable
from pipeline.mime import parse_message
from pipeline.settings import LimitSettings, load_settings
from pipeline.triage import triage_message
from tests.badinput.make_corpus import (
    CASES,
    REQUEST,
    Case,
    mixed,
    nested_multipart,
    part,
    write_corpus,
)
from tests.helpers import read_jsonl, run_triage, validate_record


class Canary:
    """A TCP listener the corpus's remote references point at; it counts who connects."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """The corpus written to a temp inbox and replayed once with `triage replay` (then once more)."""
    base = tmp_path_factory.mktemp("badinput")
    inbox, out = base / "inbox", base / "out"
    canary = Canary()
    try:
        cases = write_corpus(inbox, canary.port)
        (inbox / "expected.json").unlink()  # only .eml files are read; keep the inbox clean anyway
        first = run_triage("replay", str(inbox), "--out", str(out), "--quiet", timeout=900)
        records = read_jsonl(out / "triage.jsonl") if (out / "triage.jsonl").exists() else []
        second = run_triage("replay", str(inbox), "--out", str(out), "--quiet", timeout=900)
        hits = canary.hits
    finally:
        canary.close()
    return {"inbox": inbox, "out": out, "cases": cases, "first": first, "second": second,
            "records": {r["source"]["path"]: r for r in records}, "hits": hits}


def test_corpus_is_big_enough_and_deterministic(tmp_path: Path) -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    quick = {c.name for c in CASES if not c.name.startswith(("size-", "att-07", "att-11", "att-12"))}
    write_corpus(tmp_path / "a", 4242, quick)
    write_corpus(tmp_path / "b", 4242, quick)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_replay_of_the_corpus_exits_0_and_files_every_message(corpus_run) -> None:
    first = corpus_run["first"]
    assert first.returncode == 0, first.stderr[-2000:]
    assert f"triaged {len(corpus_run['cases'])} new message(s)" in first.stdout
    assert set(corpus_run["records"]) == {c.file for c in corpus_run["cases"]}
    for record in corpus_run["records"].values():
        validate_record(record)


def test_second_replay_adds_nothing(corpus_run) -> None:
    second = corpus_run["second"]
    assert second.returncode == 0, second.stderr[-2000:]
    assert "triaged 0 new message(s)" in second.stdout
    assert len(read_jsonl(corpus_run["out"] / "triage.jsonl")) == len(corpus_run["cases"])


def test_no_remote_reference_was_fetched(corpus_run) -> None:
    assert corpus_run["hits"] == 0


def _packet(out: Path, record: dict) -> Path:
    folder = out / "packets" / record["route"]["queue"] / record["case_id"]
    assert folder.is_dir(), folder
    return folder


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_ends_as_expected(corpus_run, case: Case) -> None:
    if not case.known_failing:
        check_case(corpus_run, case)
        return
    try:
        check_case(corpus_run, case)
    except AssertionError:
        pytest.xfail(f"known failing: {case.known_failing}")
    pytest.fail(f"{case.name} is marked known_failing but now ends as expected: remove the mark")


def check_case(corpus_run, case: Case) -> None:
    out, inbox = corpus_run["out"], corpus_run["inbox"]
    record = corpus_run["records"].get(case.file)
    assert record is not None, f"{case.file}: no record"
    messages = [e["message"] for e in record["errors"]]
    assert record["status"] == case.status, messages
    for wanted in case.errors:
        assert any(wanted in m for m in messages), (wanted, messages)
    documents = {d["name"]: d for d in record["documents"]}
    for name, wanted in case.doc_errors.items():
        assert name in documents, (name, list(documents))
        assert documents[name]["error"] and wanted in documents[name]["error"], documents[name]
        assert any(m.startswith(f"{name}: ") for m in messages)
    if not case.doc_errors:
        assert not [d for d in record["documents"] if d["error"]], record["documents"]
    for flag in case.flags:
        assert flag in record["flags"]
    if "unreadable_attachment" not in case.flags:
        assert "unreadable_attachment" not in record["flags"]

    folder = _packet(out, record)
    raw = (inbox / case.file).read_bytes()
    assert (folder / "message.eml").read_bytes() == raw  # the original, byte for byte
    assert json.loads((folder / "request.json").read_text(encoding="utf-8"))["case_id"] == record["case_id"]
    written = sorted(p.name for p in (folder / "attachments").iterdir()) if (folder / "attachments").exists() else []
    for name in case.attachments:
        assert name in written, (name, written)
    if written:  # each attachment file holds exactly the decoded bytes of its part
        parsed = parse_message(raw)
        decoded = {a.name: a.data for a in parsed.attachments}
        for name in written:
            assert (folder / "attachments" / name).read_bytes() == decoded[name]
    body = next((d for d in record["documents"] if d["text_source"] == "body"), None)
    for wanted in case.text:
        text = (folder / body["text_path"]).read_text(encoding="utf-8") if body and body["text_path"] else ""
        assert wanted in text, (wanted, text[:300])
    summary = (folder / "summary.html").read_text(encoding="utf-8")
    report = (out / "report.html").read_text(encoding="utf-8")
    for payload in case.absent:
        assert payload not in summary, payload
        if "<" in payload:  # the report holds every case: only raw markup would be a hole there
            assert payload not in report, payload


def test_packets_are_confined_and_owner_only(corpus_run) -> None:
    out = corpus_run["out"]
    packets = (out / "packets").resolve()
    for path in packets.rglob("*"):
        assert path.resolve().is_relative_to(packets), path
        assert not path.is_symlink(), path
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o700, (path, oct(mode))
        else:
            assert mode == 0o600, (path, oct(mode))
    # Nothing was written outside OUT_DIR by the hostile names.
    base = out.parent
    assert sorted(p.name for p in base.iterdir()) == ["inbox", "out"]
    assert not (base / "x").exists() and not Path("/etc/cron.d/evil").exists()


# --- limits, one at a time, from config -----------------------------------------------------


def _settings(**limits):
    settings = load_settings()
    return settings.model_copy(update={"limits": settings.limits.model_copy(update=limits)})


def _triage(raw: bytes, **limits):
    return triage_message(raw, Source(kind="file", path="t.eml"), None, _settings(**limits))


def test_over_the_message_size_limit_is_an_error_record() -> None:
    raw = mixed("big", part("text/plain", b"x" * 5000, "big.txt"))
    triaged = _triage(raw, max_message_bytes=1000)
    assert triaged.record.status == "error"
    assert "over the limit of 1000" in triaged.record.errors[0].message
    assert triaged.raw == raw


def test_over_the_attachment_size_limit_keeps_the_attachment() -> None:
    raw = mixed("bigatt", part("text/plain", b"y" * 5000, "big.txt"))
    triaged = _triage(raw, max_attachment_bytes=1000)
    record = triaged.to_contract()
    assert record["status"] == "ok"
    assert any("big.txt: over the size limit" in e["message"] for e in record["errors"])
    assert "unreadable_attachment" in record["flags"]
    assert [a.data for a in triaged.attachments] == [b"y" * 5000]


def test_over_the_attachment_count_limit() -> None:
    raw = mixed("count", *(part("text/plain", b"n", f"n{i}.txt") for i in range(5)))
    record = _triage(raw, max_attachments=3).to_contract()
    over = [d["name"] for d in record["documents"] if d["error"] and "attachment limit (3)" in d["error"]]
    assert over == ["n3.txt", "n4.txt"]


def test_over_the_page_limit() -> None:
    from tests.badinput.make_corpus import text_pdf

    record = _triage(mixed("pages", part("application/pdf", text_pdf(pages=5), "f.pdf")), max_pages=4).to_contract()
    assert any("over the page limit (5 > 4)" in e["message"] for e in record["errors"])


def test_over_the_pixel_limit() -> None:
    from tests.badinput.make_corpus import small_tiff

    record = _triage(mixed("px", part("image/tiff", small_tiff(), "f.tif")), max_page_pixels=1000).to_contract()
    assert any("image too large (400x300 pixels > 1000)" in e["message"] for e in record["errors"])


def test_nesting_limit_is_configurable_in_parse_message() -> None:
    raw = nested_multipart("n5", 5)
    deep = parse_message(raw, LimitSettings(max_nesting_depth=10))
    assert "innermost" in deep.body_text and not deep.errors
    shallow = parse_message(raw, LimitSettings(max_nesting_depth=3))
    assert shallow.body_text == ""
    assert [e.message for e in shallow.errors] == ["MIME nesting deeper than 3 levels: the parts below were not read"]
    assert shallow.errors[0].where == "limits"


def test_parse_seconds_limit_leaves_the_rest_unread() -> None:
    raw = mixed("slow", *(part("text/plain", b"n", f"n{i}.txt") for i in range(3)))
    parsed = parse_message(raw, LimitSettings(parse_seconds=1e-9))
    assert parsed.attachments == []
    assert "parsing took over" in parsed.errors[-1].message


def test_triage_message_honours_the_configured_nesting_depth() -> None:
    record = _triage(nested_multipart("n5", 5), max_nesting_depth=3).to_contract()
    assert any("deeper than 3 levels" in e["message"] for e in record["errors"])


def test_limits_have_safe_defaults_in_the_shipped_config() -> None:
    limits = load_settings().limits
    assert limits == LimitSettings()  # the TOML and the class agree
    assert limits.max_message_bytes <= 64 * 1024 * 1024
    assert limits.max_attachment_bytes <= limits.max_message_bytes
    assert limits.max_pages <= 1000 and limits.max_page_pixels <= 100_000_000
    assert 1 <= limits.max_nesting_depth <= 50 and limits.parse_seconds <= 300


def test_limit_env_override(monkeypatch) -> None:
    monkeypatch.setenv("TRIAGE_LIMITS_MAX_NESTING_DEPTH", "7")
    monkeypatch.setenv("TRIAGE_LIMITS_PARSE_SECONDS", "2.5")
    limits = load_settings().limits
    assert (limits.max_nesting_depth, limits.parse_seconds) == (7, 2.5)


def test_request_text_is_read_in_a_plain_case() -> None:
    """Sanity: the corpus's request text is what the tests look for."""
    assert "Water Resources" in REQUEST
    with pytest.raises(MessageUnreadable):
        parse_message(b"")


# --- credentials never logged ------------------------------------------------------------------------


def _grep_tree(folder: Path, secret: bytes) -> list[str]:
    """Every file under `folder` (binary too: SQLite, Prefect's database and logs) holding `secret`."""
    return [str(p) for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and secret in p.read_bytes()]


def test_planted_password_is_never_logged_nor_written(tmp_path: Path) -> None:
    """A replay and a live mailbox pass, with the password in the environment and Prefect logging at
    DEBUG: the password appears in no output, log, ledger, packet, report or Prefect database."""
    from tests.dovecot import PASSWORD, Dovecot
    from tests.helpers import SAMPLE_INBOX

    prefect_home = tmp_path / "prefect"
    base_env = {"PREFECT_HOME": str(prefect_home), "PREFECT_LOGGING_LEVEL": "DEBUG"}
    planted = "Planted-Replay-Secret-7781"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("01-dmv-pbx-complete.eml", "27-broken-empty-file.eml", "29-hcd-contract-corrupt-pdf.eml"):
        (inbox / name).write_bytes((SAMPLE_INBOX / name).read_bytes())
    replay = run_triage("replay", str(inbox), "--out", str(tmp_path / "replay-out"),
                        env={**base_env, "TRIAGE_MAILBOX_PASSWORD": planted})
    assert replay.returncode == 0, replay.stderr[-2000:]

    server = Dovecot()
    server.start()
    try:
        server.append([(SAMPLE_INBOX / "01-dmv-pbx-complete.eml").read_bytes(),
                       (SAMPLE_INBOX / "03-edd-ivr-acd-no-staff-quals.eml").read_bytes()])
        passed = run_triage("run", "--out", str(tmp_path / "mailbox-out"), env={**base_env, **server.settings_env()})
        assert passed.returncode == 0, passed.stderr[-2000:]
        assert "triaged 2 new message(s)" in passed.stdout
        assert server.uids("Triage/Processed")
    finally:
        server.remove()

    for secret in (planted, PASSWORD):
        assert secret not in replay.stdout + replay.stderr
        assert secret not in passed.stdout + passed.stderr
        assert _grep_tree(tmp_path / "replay-out", secret.encode()) == []
        assert _grep_tree(tmp_path / "mailbox-out", secret.encode()) == []
        assert _grep_tree(prefect_home, secret.encode()) == []
    assert prefect_home.exists()  # the Prefect database and logs were there to be searched
