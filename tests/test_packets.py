"""Tests for pipeline.packets: layout, name safety, atomic replacement, permissions, escaping."""

from __future__ import annotations

import copy
import json
import os
import stat
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from models.records import FIELD_NAMES, Attachment, DocumentText, Page
from pipeline.packets import packet_path, remove_stale_tmp, render_summary, write_packet

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "shared" / "contract" / "triage-record.schema.json"
)
"""The contract schema: `shared/` sits beside the repository (here and in CI)."""

HOSTILE_SUBJECT = "<script>alert(1)</script>"
HOSTILE_FROM = "<img src=x onerror=alert(1)>"
RAW = b"From: cio@example.ca.gov\r\nSubject: Delegation\r\n\r\nBody \xff\x00 bytes\r\n"


def validate(record: dict[str, Any]) -> None:
    """Validate a record against the contract's JSON Schema."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(record, schema, cls=jsonschema.Draft202012Validator)


def field(value: Any = None, confidence: float = 0.0, evidence: list | None = None) -> dict:
    return {"value": value, "confidence": confidence, "evidence": evidence or []}


def make_record(**overrides: Any) -> dict[str, Any]:
    """A small, realistic contract record for a general delegation request."""
    fields = {name: field() for name in FIELD_NAMES}
    fields.update(
        agency=field(
            "Department of Water Resources",
            0.93,
            [{"document": "request.pdf", "page": 1, "text": "Agency: Dept. of Water Resources"}],
        ),
        submitter_name=field("Jane Ortiz", 0.9),
        submitter_title=field("Chief Information Officer", 0.88),
        project_scope=field("Replace the PBX at the Sacramento headquarters", 0.8),
        project_purpose=field("End-of-life equipment", 0.42),
        timeframe=field(
            {"text": "July 2025 to December 2025", "start": "2025-07-01", "end": "2025-12-31"}, 0.7
        ),
        locations=field(["1416 9th Street, Sacramento", "Oroville Field Office"], 0.75),
        products_services=field(["IP PBX", "Voicemail"], 0.8),
    )
    record: dict[str, Any] = {
        "schema_version": 1,
        "case_id": "c-3f2a9b1e",
        "message_id": "<abc@example.ca.gov>",
        "source": {"kind": "file", "path": "2025/request.eml"},
        "received_at": "2025-03-05T09:12:00-08:00",
        "channel": "email",
        "from": "Jane Ortiz <cio@water.ca.gov>",
        "subject": "CALNET Delegation request – PBX replacement",
        "status": "ok",
        "kind": "delegation_request",
        "delegation_type": "general",
        "general_categories": ["pbx_key_telephone"],
        "activities": ["installation", "operation_maintenance"],
        "fields": fields,
        "completeness": {
            "score": 75.0,
            "status": "incomplete",
            "missing": ["adverse_consequences", "staff_qualifications"],
            "checks": [
                {
                    "rule": "agency named",
                    "passed": True,
                    "reference": "including project scope, purpose, timeframes, location(s)",
                },
                {
                    "rule": "staff_qualifications",
                    "passed": False,
                    "reference": "Staff technical qualifications and prior experience",
                },
            ],
        },
        "flags": ["complex_technical", "low_ocr_quality"],
        "route": {"queue": "general", "reviewer": "analyst-a", "reason": "general delegation"},
        "documents": [
            {
                "name": "body.txt",
                "media_type": "text/plain",
                "pages": 1,
                "text_source": "body",
                "ocr_confidence": None,
                "text_path": "text/body.txt",
                "error": None,
            },
            {
                "name": "request form.pdf",
                "media_type": "application/pdf",
                "pages": 2,
                "text_source": "ocr",
                "ocr_confidence": 0.61,
                "text_path": "text/request form.pdf.txt",
                "error": None,
            },
        ],
        "errors": [],
        "links": {"follows": None, "duplicate_of": "c-00aa11bb"},
    }
    record.update(overrides)
    return record


def make_documents() -> list[DocumentText]:
    return [
        DocumentText(
            name="body.txt",
            media_type="text/plain",
            text_source="body",
            pages=[Page(number=1, text="Please find our request attached.")],
        ),
        DocumentText(
            name="request form.pdf",
            media_type="application/pdf",
            text_source="ocr",
            ocr_confidence=0.61,
            pages=[Page(number=1, text="Agency: DWR"), Page(number=2, text="Signed, CIO")],
        ),
        DocumentText(name="broken.tif", media_type="image/tiff", error="cannot decode"),
    ]


def make_attachments() -> list[Attachment]:
    return [Attachment(name="request form.pdf", media_type="application/pdf", data=b"%PDF-1.7\n")]


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_fixture_record_is_valid() -> None:
    validate(make_record())


def test_packet_layout_and_content(tmp_path: Path) -> None:
    out = tmp_path / "out"
    record = make_record()
    folder = write_packet(out, record, RAW, make_attachments(), make_documents())

    assert folder == out / "packets" / "general" / "c-3f2a9b1e" == packet_path(out, record)
    assert tree(folder) == {
        "request.json",
        "message.eml",
        "summary.html",
        "attachments",
        "attachments/request form.pdf",
        "text",
        "text/body.txt",
        "text/request form.pdf.txt",
        "deficiency.eml",  # the request is incomplete
    }
    assert (folder / "message.eml").read_bytes() == RAW
    request = (folder / "request.json").read_text(encoding="utf-8")
    assert json.loads(request) == record
    assert request.endswith("}\n") and "–" in request  # not ASCII-escaped
    assert (folder / "attachments" / "request form.pdf").read_bytes() == b"%PDF-1.7\n"
    assert (folder / "text" / "request form.pdf.txt").read_text() == "Agency: DWR\n\f\nSigned, CIO"

    summary = (folder / "summary.html").read_text(encoding="utf-8")
    assert 'href="text/request%20form.pdf.txt"' in summary
    assert 'href="attachments/request%20form.pdf"' in summary
    assert "Department of Water Resources" in summary
    assert "July 2025 to December 2025 (2025-07-01 – 2025-12-31)" in summary
    assert "1416 9th Street, Sacramento; Oroville Field Office" in summary
    assert "may need Office of Technology Services oversight" in summary  # flag explained
    assert "c-00aa11bb" in summary
    assert "<script" not in summary.lower() and "http" not in summary.split("</head>")[1]


def test_hostile_attachment_names_stay_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = ["../../etc/passwd", "/etc/shadow", "a\x00b.pdf", "..", "../../../outside.txt"]
    attachments = [Attachment(name=n, media_type="text/plain", data=b"x") for n in names]
    documents = [
        DocumentText(name="../../evil", media_type="text/plain", pages=[Page(number=1, text="t")])
    ]
    folder = write_packet(out, make_record(), RAW, attachments, documents)

    written = sorted(p.name for p in (folder / "attachments").iterdir())
    assert written == sorted(["passwd", "shadow", "ab.pdf", "attachment", "outside.txt"])
    assert [p.name for p in (folder / "text").iterdir()] == ["evil.txt"]
    # nothing was written anywhere but in the packet folder
    outside = {p for p in tmp_path.rglob("*") if p.is_file() and folder not in p.parents}
    assert outside == set()
    assert not (tmp_path / "etc").exists()


def test_hostile_queue_and_case_id_stay_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    route = {"queue": "../..", "reviewer": None, "reason": "r"}
    record = make_record(case_id="../../x", route=route)
    folder = write_packet(out, record, RAW, [], [])
    assert (out / "packets") in folder.parents
    assert folder.parent.parent == out / "packets"


def test_rewrite_replaces_packet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    record = make_record()
    write_packet(out, record, RAW, make_attachments(), make_documents())
    # a leftover from a killed run, and an earlier packet of the same case in another queue
    (out / "packets" / ".tmp-c-3f2a9b1e-999999999").mkdir()
    earlier = copy.deepcopy(record)
    earlier["route"]["queue"] = "contract"
    write_packet(out, earlier, RAW, [], [])

    folder = write_packet(out, record, b"new bytes", [], [])
    assert (folder / "message.eml").read_bytes() == b"new bytes"
    assert not (folder / "attachments").exists() and not (folder / "text").exists()
    assert not (out / "packets" / "contract" / "c-3f2a9b1e").exists()

    remove_stale_tmp(out)
    assert sorted(p.name for p in (out / "packets").iterdir()) == ["contract", "general"]
    assert not any(p.name.startswith(".tmp-") for p in (out / "packets").rglob("*"))


def test_remove_stale_tmp_restores_set_aside_packet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    record = make_record()
    folder = write_packet(out, record, RAW, [], [])
    aside = out / "packets" / ".tmp-c-3f2a9b1e-999999999.old"
    os.replace(folder, aside)  # killed between "set old aside" and "rename new in"

    remove_stale_tmp(out)
    assert (folder / "message.eml").read_bytes() == RAW
    assert not aside.exists()


def test_permissions_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = write_packet(out, make_record(), RAW, make_attachments(), make_documents())
    for path in [folder, *folder.rglob("*"), folder.parent, out / "packets"]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_summary_escapes_hostile_headers(tmp_path: Path) -> None:
    record = make_record(subject=HOSTILE_SUBJECT, **{"from": HOSTILE_FROM})
    record["fields"]["agency"]["evidence"][0]["text"] = '"><script>x()</script>'
    validate(record)
    folder = write_packet(tmp_path, record, RAW, [], [])
    html = (folder / "summary.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_summary_of_error_record() -> None:
    fields = {name: field() for name in FIELD_NAMES}
    record = make_record(
        status="error",
        kind="other",
        delegation_type=None,
        general_categories=[],
        activities=[],
        received_at=None,
        fields=fields,
        completeness={"score": 0, "status": "not_applicable", "missing": [], "checks": []},
        flags=[],
        route={"queue": "errors", "reviewer": None, "reason": "message could not be read"},
        documents=[],
        errors=[{"where": "mime", "message": "not an RFC 5322 message"}],
    )
    del record["links"]
    validate(record)
    html = render_summary(record)
    assert "not an RFC 5322 message" in html and "errors" in html


@pytest.mark.parametrize("confidence, marked", [(0.42, True), (0.93, False)])
def test_low_confidence_values_marked(confidence: float, marked: bool) -> None:
    fields = {name: field() for name in FIELD_NAMES}
    fields["agency"] = field("Caltrans", confidence)
    html = render_summary(make_record(fields=fields))
    assert ('class="badge b-check">check<' in html) is marked


def test_fax_pages_get_thumbnails(tmp_path: Path, fax_image: Any) -> None:
    import io

    from PIL import Image

    pages = [fax_image(seed=1), fax_image(seed=2)]
    buffer = io.BytesIO()
    pages[0].save(
        buffer,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        compression="group4",
        dpi=(204, 196),
    )
    tif = buffer.getvalue()
    record = make_record(channel="fax")
    record["documents"].append(
        {
            "name": "fax 0001.tif",
            "media_type": "image/tiff",
            "pages": 2,
            "text_source": "ocr",
            "ocr_confidence": 0.9,
            "text_path": None,
            "error": None,
        }
    )
    validate(record)
    attachments = [
        Attachment(name="fax 0001.tif", media_type="image/tiff", data=tif),
        Attachment(name="broken.tif", media_type="image/tiff", data=b"II*\x00garbage"),
    ]
    folder = write_packet(tmp_path / "a", record, RAW, attachments, [])
    thumbs = sorted(p.name for p in (folder / "thumbs").iterdir())
    assert thumbs == ["fax 0001.tif-p1.png", "fax 0001.tif-p2.png"]  # the broken one: none
    with Image.open(folder / "thumbs" / thumbs[0]) as thumb:
        assert thumb.format == "PNG" and thumb.width == 240
    summary = (folder / "summary.html").read_text(encoding="utf-8")
    assert '<img src="thumbs/fax%200001.tif-p1.png"' in summary
    assert '<img src="thumbs/fax%200001.tif-p2.png"' in summary
    # same input, same bytes
    again = write_packet(tmp_path / "b", record, RAW, attachments, [])
    for name in thumbs:
        assert (again / "thumbs" / name).read_bytes() == (folder / "thumbs" / name).read_bytes()
    # an email's attachments get no thumbnails
    email = write_packet(tmp_path / "c", make_record(), RAW, attachments, [])
    assert not (email / "thumbs").exists()


def test_incomplete_request_gets_a_deficiency_notice(tmp_path: Path) -> None:
    folder = write_packet(tmp_path, make_record(), RAW, [], [])
    notice = (folder / "deficiency.eml").read_bytes()
    assert b"Subject: Re: [Case c-3f2a9b1e]" in notice
    summary = (folder / "summary.html").read_text(encoding="utf-8")
    assert 'href="deficiency.eml"' in summary and "Deficiency notice draft" in summary

    complete = make_record(
        completeness={"score": 100, "status": "complete", "missing": [], "checks": []}
    )
    folder = write_packet(tmp_path / "other", complete, RAW, [], [])
    assert not (folder / "deficiency.eml").exists()
    assert "Deficiency notice" not in (folder / "summary.html").read_text(encoding="utf-8")


def test_summary_shows_case_history_and_policy_lines() -> None:
    record = make_record(links={"follows": "c-0000aaaa", "duplicate_of": None})
    record["completeness"]["checks"][1]["reference"] = 'STMM 3-502.0 line 76: "Staff quals."'
    html = render_summary(record)
    assert 'Follow-up of case <a href="../../../report.html#c-0000aaaa">c-0000aaaa</a>' in html
    assert "<q>Staff quals.</q>" in html and "STMM 3-502.0, line 76" in html
    assert 'href="../../../report.html#c-3f2a9b1e"' in html  # back to its row in the report
    assert "img-src 'self'" in html and "script-src" not in html  # no script on a packet page


def test_summary_lists_values_to_check_with_the_record_threshold() -> None:
    record = make_record()
    record["fields"]["agency"] = field("Department of Motor Vehicles", 0.55)
    record["review"] = {"low_confidence_below": 0.6, "low_confidence": [{"field": "agency", "confidence": 0.55}]}
    html = render_summary(record)
    section = html.split('id="check-these"', 1)[1].split("</section>", 1)[0]
    assert "Agency" in section and "Department of Motor Vehicles" in section and "0.55" in section
    record["review"]["low_confidence_below"] = 0.5
    section = render_summary(record).split('id="check-these"', 1)[1].split("</section>", 1)[0]
    assert "Agency" not in section


def test_summary_shows_due_date_and_case_history() -> None:
    record = make_record()
    record["route"].update(clock="running", clock_started="2026-11-18", target_business_days=10,
                           due="2026-12-04", due_soon_from="2026-12-02", quality_check=None)
    record["case"] = {"follow_ups": ["DLG-20261118-d5c960fb"],
                      "fields": {"staff_qualifications": {"value": "Seven engineers", "confidence": 0.8,
                                                          "evidence": [], "supplied_by": "DLG-20261118-d5c960fb"}},
                      "completeness": {"score": 100, "status": "complete", "missing": [], "checks": []}}
    html = render_summary(record)
    assert "2026-12-04" in html and "10 business days from 2026-11-18" in html
    assert "Follow-up received:" in html and "Seven engineers" in html and "supplied by" in html
