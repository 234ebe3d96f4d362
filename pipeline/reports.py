"""Build the triage report: `report.html` for reviewers, `report.csv` with the same rows."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.packets import (
    CATEGORY_LABELS,
    FLAG_EXPLANATIONS,
    KIND_LABELS,
    case_view,
    field_label,
    format_score,
    low_confidence_values,
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
    "due",
    "quality_check",
    "case_status",
    "follow_ups",
    "low_confidence",
)
"""The columns of `report.csv`, in order."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Time stamp of every member of `report.xlsx` (a zip): no clock in the output."""
_XLSX_CORE_TIME = "1980-01-01T00:00:00Z"
_SHORT_TYPES = {"general": "General", "calnet_contract": "CALNET contract"}
SCRIPT_PATH = Path(__file__).resolve().parent / "templates" / "report.js"
"""The report's few lines of JavaScript, inlined and allowed by its hash in the page's CSP."""
TOP_AGENCIES = 10
"""Agencies drawn one bar each in the report's chart; the others share an "Other" bar."""
SCORE_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("0–49", 0, 50),
    ("50–74", 50, 75),
    ("75–89", 75, 90),
    ("90–99", 90, 100),
    ("100", 100, 101),
)
"""Completeness score ranges of the distribution chart: label, lowest, above highest."""


def build_report(out_dir: Path, records: list[dict[str, Any]]) -> None:
    """Write `report.html`, `report.csv` and `report.xlsx` in OUT_DIR for the records, in order.

    The files are replaced atomically and depend only on the records (no clock, no randomness),
    so the same records give byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_file_atomic(out_dir / "report.csv", render_csv(records).encode("utf-8"))
    write_file_atomic(out_dir / "report.xlsx", render_xlsx(records))
    write_file_atomic(out_dir / "report.html", render_html(records).encode("utf-8"))


def report_row(record: Mapping[str, Any]) -> dict[str, str]:
    """One record as a flat row of `CSV_COLUMNS`; lists joined with `;`, absent values empty."""
    completeness = record.get("completeness") or {}
    route = record.get("route") or {}
    agency = ((record.get("fields") or {}).get("agency") or {}).get("value")
    case = record.get("case") or {}
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
        "due": _text(route.get("due")) or ("paused" if route.get("clock") == "paused" else ""),
        "quality_check": _text((route.get("quality_check") or {}).get("reviewer")
                               or (route.get("quality_check") or {}).get("queue")),
        "case_status": _text((case.get("completeness") or {}).get("status")),
        "follow_ups": _join(case.get("follow_ups")),
        "low_confidence": _join(v["field"] for v in low_confidence_values(record)),
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


def render_xlsx(records: Iterable[Mapping[str, Any]]) -> bytes:
    """The spreadsheet report: the rows of the CSV report on one sheet, `Cases`.

    Formula-like cells are defused as in the CSV; characters a workbook cannot hold are dropped.
    The zip members and document properties carry a fixed time, so same records, same bytes.
    """
    rows = [
        {k: _XLSX_ILLEGAL.sub("", _defuse(v)) for k, v in report_row(r).items()} for r in records
    ]
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS), dtype=object)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Cases", index=False)
        sheet = writer.sheets["Cases"]
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for column, name in zip(sheet.columns, CSV_COLUMNS, strict=True):
            width = max([len(name), *(len(str(c.value or "")) for c in column)])
            sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every member stamped `_XLSX_EPOCH` and fixed document times."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + _XLSX_CORE_TIME.encode() + rb"\g<2>",
                    content,
                )
            member = zipfile.ZipInfo(info.filename, date_time=_XLSX_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, content)
    return out.getvalue()


def render_html(records: list[dict[str, Any]]) -> str:
    """The HTML report: totals and charts, then one table row per record linking to its packet.

    The table sorts and filters in the browser with a few lines of JavaScript that read only
    the page's own elements; the page's CSP allows that script (by its hash) and nothing else.
    """
    followers: dict[str, list[str]] = {}
    for record in records:
        follows = (record.get("links") or {}).get("follows")
        if follows:
            followers.setdefault(str(follows), []).append(str(record.get("case_id") or ""))
    rows = [_html_row(r, followers) for r in _nested(records)]
    totals = [
        ("Queue", _count(r["queue"] for r in rows)),
        ("Status", _count(r["status"] for r in rows)),
        ("Completeness", _count(r["completeness_status"] for r in rows)),
        ("Channel", _count(r["channel"] for r in rows)),
    ]
    script = SCRIPT_PATH.read_text(encoding="utf-8")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        template_environment()
        .get_template("report.html.j2")
        .render(
            rows=rows,
            totals=totals,
            count=len(rows),
            charts=_charts(records),
            filters=_filters(rows),
            script=script,
            script_hash=script_hash,
        )
    )


def _nested(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records in order, each follow-up moved right under the case it follows (the case shows once,
    its history beneath it)."""
    ids = {str(r.get("case_id")) for r in records}
    children: dict[str, list[dict[str, Any]]] = {}
    top = []
    for record in records:
        parent = (record.get("links") or {}).get("follows")
        if parent and str(parent) in ids and parent != record.get("case_id"):
            children.setdefault(str(parent), []).append(record)
        else:
            top.append(record)
    out = []
    for record in top:
        out.append(record)
        out.extend(children.get(str(record.get("case_id")), []))
    return out


def _filters(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The choices of the report's filters: every queue, status and flag that occurs."""
    return {
        "queue": sorted({q for r in rows for q in r["queues"] if q}),
        "status": sorted({r["state"] for r in rows if r["state"]}),
        "flag": sorted({f["name"] for r in rows for f in r["flag_list"]}),
    }


def _charts(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's charts as bar lists: `{label, n, share}` (share of the largest bar, 0..1)."""
    days = Counter(str(r.get("received_at") or "")[:10] for r in records if r.get("received_at"))
    requests = [
        r for r in records if r.get("kind") == "delegation_request" and r.get("status") == "ok"
    ]
    scores = Counter()
    for record in requests:
        score = (record.get("completeness") or {}).get("score")
        if isinstance(score, (int, float)):
            for label, low, high in SCORE_BUCKETS:
                if low <= score < high:
                    scores[label] += 1
    categories = Counter(c for r in requests for c in r.get("general_categories") or [])
    for record in requests:
        if record.get("delegation_type") == "calnet_contract":
            categories["calnet_contract"] += 1
    agencies = Counter(
        str(((r.get("fields") or {}).get("agency") or {}).get("value") or "(not found)")
        for r in requests
    )
    top = sorted(agencies.items(), key=lambda item: (-item[1], item[0]))
    if len(top) > TOP_AGENCIES:
        rest = sum(n for _, n in top[TOP_AGENCIES - 1 :])
        top = [*top[: TOP_AGENCIES - 1], ("Other agencies", rest)]
    category_labels = {**CATEGORY_LABELS, "calnet_contract": "CALNET contract delegation"}
    return {
        "days": _bars(sorted(days.items())),
        "scores": _bars([(label, scores[label]) for label, _, _ in SCORE_BUCKETS]),
        "categories": _bars(
            sorted(
                ((category_labels.get(c, c), n) for c, n in categories.items()),
                key=lambda item: (-item[1], item[0]),
            )
        ),
        "agencies": _bars(top),
    }


def _bars(items: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    items = list(items)
    largest = max((n for _, n in items), default=0) or 1
    return [{"label": label, "n": n, "share": n / largest} for label, n in items]


def _html_row(record: Mapping[str, Any], followers: Mapping[str, list[str]]) -> dict[str, Any]:
    row = report_row(record)
    completeness = case_view(record).get("completeness") or {}
    links = record.get("links") or {}
    route = record.get("route") or {}
    received = row["received_at"]
    state = "error" if row["status"] == "error" else (row["case_status"] or row["completeness_status"])
    sampled = route.get("quality_check") or {}
    quality = {k: sampled.get(k) for k in ("queue", "reviewer", "reason")}
    return {
        **row,
        "state": state,
        "score": format_score(completeness.get("score")),
        "rescored": bool(row["case_status"]),
        "queues": [row["queue"], *([quality.get("queue")] if quality.get("queue") else [])],
        "quality": quality,
        "clock": _text(route.get("clock")),
        "due_soon_from": _text(route.get("due_soon_from")),
        "low_values": low_confidence_values(record),
        "received_utc": _utc(received),
        "follows": _text(links.get("follows")),
        "duplicate_of": _text(links.get("duplicate_of")),
        "followers": followers.get(row["case_id"], []),
        "received_short": received[:16].replace("T", " ") if received else "",
        "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
        "type_label": _SHORT_TYPES.get(row["delegation_type"], row["delegation_type"]),
        "categories": list(record.get("general_categories") or []),
        "missing_labels": [field_label(m) for m in completeness.get("missing") or []],
        "flag_list": [
            {"name": f, "explanation": FLAG_EXPLANATIONS.get(f, "")}
            for f in record.get("flags") or []
        ],
        "error_list": [_text(e.get("message")) for e in record.get("errors") or []],
    }


def _utc(value: str) -> str:
    """An ISO time stamp in UTC (`...Z`), so that text order is time order; else empty."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        return ""
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
