"""Prefect artifacts of a run: a table of its cases and a markdown summary, shown in the Prefect UI."""

from __future__ import annotations

from collections import Counter

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from pipeline.reports import report_row

_COLUMNS = (
    "case_id",
    "received_at",
    "agency",
    "subject",
    "kind",
    "completeness_status",
    "score",
    "missing",
    "flags",
    "queue",
    "reviewer",
)


def publish_artifacts(
    records: list[dict], new_case_ids: list[str], *, key: str, title: str
) -> None:
    """A table of the cases this run added and a summary of all cases (no message bodies, no secrets)."""
    new = set(new_case_ids)
    rows = [{c: report_row(r).get(c, "") for c in _COLUMNS} for r in records if r["case_id"] in new]
    create_table_artifact(
        table=rows, key=f"{key}-cases", description=f"{title}: cases added by this run"
    )
    by_queue = Counter(r["route"]["queue"] for r in records)
    by_status = Counter(
        r["completeness"]["status"] if r["status"] == "ok" else "error" for r in records
    )
    lines = [
        f"# {title}",
        "",
        f"{len(new)} new case(s) this run, {len(records)} in all.",
        "",
        "| queue | cases |",
        "|---|---|",
        *(f"| {q} | {n} |" for q, n in sorted(by_queue.items())),
        "",
        "| status | cases |",
        "|---|---|",
        *(f"| {s} | {n} |" for s, n in sorted(by_status.items())),
    ]
    create_markdown_artifact(markdown="\n".join(lines), key=f"{key}-summary", description=title)
