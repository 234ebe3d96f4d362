"""Where the time of a sample replay goes: start-up and each stage, printed as a table.

    .venv/bin/python -m tests.benchmark_replay [INBOX_DIR]

Stages run one after another here (no Prefect, no concurrency) so each is measured alone;
the Prefect start-up is measured separately by replaying an empty folder with the CLI.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from extractors import load_nlp  # noqa: E402
from pipeline.cases import CaseIndex  # noqa: E402
from pipeline.documents import read_document  # noqa: E402
from pipeline.errors import TriageError  # noqa: E402
from pipeline.intake import file_triaged, publish  # noqa: E402
from pipeline.ledger import Ledger  # noqa: E402
from pipeline.mime import parse_message  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.sources import list_inbox  # noqa: E402
from pipeline.triage import body_document, error_triaged, make_case_id, triage_parsed  # noqa: E402
from tests.helpers import run_triage  # noqa: E402


def main(argv: list[str]) -> int:
    inbox = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "sample_inbox"
    times: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        t = time.perf_counter()
        result = run_triage("replay", str(empty), "--out", str(Path(tmp) / "o0"), "--quiet")
        times["start-up: triage CLI + Prefect temporary server, empty inbox"] = (
            time.perf_counter() - t
        )
        assert result.returncode == 0, result.stderr

        t = time.perf_counter()
        load_nlp()
        times["start-up: spaCy model and rule components"] = time.perf_counter() - t

        settings = load_settings()
        out = Path(tmp) / "out"
        ledger = Ledger(out)
        index = CaseIndex()
        for item in list_inbox(inbox):
            raw = item.path.read_bytes()
            t = time.perf_counter()
            try:
                parsed = parse_message(raw)
            except TriageError as e:
                times["MIME"] += time.perf_counter() - t
                triaged = error_triaged(raw, item.source, make_case_id(raw, None), e, settings)
                index.add(file_triaged(out, ledger, item.source.key, triaged))
                continue
            times["MIME"] += time.perf_counter() - t
            documents = [body_document(parsed)]
            for attachment in parsed.attachments:
                t = time.perf_counter()
                doc = read_document(attachment, settings)
                stage = {"ocr": "OCR", "text_layer": "text layer"}.get(
                    doc.text_source or "", "unreadable"
                )
                times[stage] += time.perf_counter() - t
                counts[stage] += len(doc.pages)
                documents.append(doc)
            t = time.perf_counter()
            triaged = triage_parsed(
                raw, parsed, documents, item.source, make_case_id(raw, parsed), settings, index
            )
            times["extraction, completeness, routing"] += time.perf_counter() - t
            t = time.perf_counter()
            index.add(file_triaged(out, ledger, item.source.key, triaged))
            times["output: packet + ledger"] += time.perf_counter() - t
        t = time.perf_counter()
        records = publish(out, ledger)
        times["output: triage.jsonl + report"] += time.perf_counter() - t
        ledger.close()

    print(f"{len(records)} messages from {inbox} on {os.cpu_count()} cores (stages run serially)")
    for stage, seconds in times.items():
        pages = (
            f"  ({counts[stage]} pages, {seconds / counts[stage]:.2f} s a page)"
            if counts.get(stage)
            else ""
        )
        print(f"  {stage:62s} {seconds:7.2f} s{pages}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
