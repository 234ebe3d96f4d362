"""Build the triage report: `report.html` for reviewers, `report.csv` with the same rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.packets import (
    DELEGATION_TYPE_LABELS,
    FLAG_EXPLANATIONS,
    KIND_LABELS,
    field_label,
    format_score,
    packet_href,
    template_environment,
    write_file_atomic,
)

CSV_COLUMNS: tuple[str, ...] = (
    "case_id",
    "received_at",
    "from",
    "subject",
    "channel",
    "status",
    "kind",
    "delegation_type",
    "general_categories",
    "activities",
    "completeness_status",
    "score",
    "missing",
    "flags",
    "queue",
    "reviewer",
    "route_reason",
    "agency",
    "packet",
    "errors",
)
"""The columns of `report.csv`, in order."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def build_report(out_dir: Path, records: list[dict[str, Any]]) -> None:
    """Write `OUT_DIR/report.html` and `OUT_DIR/report.csv` for the records, in their order.

    Both files are replaced atomically and depend only on the records (no clock, no randomness),
    so the same records give byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_file_atomic(out_dir / "report.csv", render_csv(records).encode("utf-8"))
    write_file_atomic(out_dir / "report.html", render_html(records).encode("utf-8"))


def report_row(record: Mapping[str, Any]) -> dict[str, str]:
    """One record as a flat row of `CSV_COLUMNS`; lists joined with `;`, absent values empty."""
    completeness = record.get("completeness") or {}
    route = record.get("route") or {}
    agency = ((record.get("fields") or {}).get("agency") or {}).get("value")
    return {
        "case_id": _text(record.get("case_id")),
        "received_at": _text(record.get("received_at")),
        "from": _text(record.get("from")),
        "subject": _text(record.get("subject")),
        "channel": _text(record.get("channel")),
        "status": _text(record.get("status")),
        "kind": _text(record.get("kind")),
        "delegation_type": _text(record.get("delegation_type")),
        "general_categories": _join(record.get("general_categories")),
        "activities": _join(record.get("activities")),
        "completeness_status": _text(completeness.get("status")),
        "score": format_score(completeness.get("score")),
        "missing": _join(completeness.get("missing")),
        "flags": _join(record.get("flags")),
        "queue": _text(route.get("queue")),
        "reviewer": _text(route.get("reviewer")),
        "route_reason": _text(route.get("reason")),
        "agency": _text(agency),
        "packet": packet_href(record),
        "errors": "; ".join(_text(e.get("message")) for e in record.get("errors") or []),
    }


def render_csv(records: Iterable[Mapping[str, Any]]) -> str:
    """The CSV report: a header of `CSV_COLUMNS`, then one row per record.

    Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) get a leading `'`.
    """
    rows = [{k: _defuse(v) for k, v in report_row(r).items()} for r in records]
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS), dtype=object)
    return frame.to_csv(index=False, lineterminator="\n")


def render_html(records: list[dict[str, Any]]) -> str:
    """The HTML report: totals, then one table row per record linking to its packet summary."""
    rows = [_html_row(r) for r in records]
    totals = [
        ("Queue", _count(r["queue"] for r in rows)),
        ("Status", _count(r["status"] for r in rows)),
        ("Completeness", _count(r["completeness_status"] for r in rows)),
        ("Channel", _count(r["channel"] for r in rows)),
    ]
    return (
        template_environment()
        .get_template("report.html.j2")
        .render(rows=rows, totals=totals, count=len(rows))
    )


def _html_row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = report_row(record)
    completeness = record.get("completeness") or {}
    received = row["received_at"]
    return {
        **row,
        "received_short": received[:16].replace("T", " ") if received else "",
        "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
        "type_label": DELEGATION_TYPE_LABELS.get(row["delegation_type"], row["delegation_type"]),
        "categories": list(record.get("general_categories") or []),
        "missing_labels": [field_label(m) for m in completeness.get("missing") or []],
        "flag_list": [
            {"name": f, "explanation": FLAG_EXPLANATIONS.get(f, "")}
            for f in record.get("flags") or []
        ],
        "error_list": [_text(e.get("message")) for e in record.get("errors") or []],
    }


def _count(values: Iterable[str]) -> list[tuple[str, int]]:
    """Counts per value, most frequent first, ties by name; empty values as `(none)`."""
    counts = Counter(v or "(none)" for v in values)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _join(values: Any) -> str:
    return ";".join(_text(v) for v in values or [])


def _defuse(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value
