"""The evaluation's arithmetic and normalisation, and the report on a development set of two items."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.evaluation import (
    Tally,
    load_devset,
    locations_equal,
    norm_agency,
    norm_name,
    norm_phone,
    run_evaluation,
)


def test_tally_precision_recall_f1():
    t = Tally()
    t.add({"a", "b"}, {"a", "c"})
    assert (t.tp, t.fp, t.fn) == (1, 1, 1)
    assert t.precision == t.recall == t.f1 == 0.5


def test_normalisers():
    assert norm_agency("California Department of Motor Vehicles") == norm_agency("Department of Motor Vehicles")
    assert norm_name("Dr. Maria Lopez") == "maria lopez"
    assert norm_phone("(916) 555-0142") == norm_phone("916.555.0142") == "9165550142"


def test_locations_need_every_place_and_nothing_else():
    assert locations_equal(["Sacramento"], ["1416 9th Street, Sacramento"])
    assert locations_equal(["Fresno", "Bakersfield"], ["Bakersfield", "Fresno"])
    assert not locations_equal(["Fresno", "Bakersfield"], ["Fresno"])
    assert not locations_equal(["Fresno"], ["Fresno", "Redding"])


FORM = """Agency: Department of Motor Vehicles
Submitted by: Maria Lopez
Title: Chief Information Officer
Delegation Type: General Delegation
Activities: Installation
Project Scope: Replace the PBX at headquarters.
Purpose: The PBX is end of life.
Timeframe: Q2 2027
Locations: Sacramento
Products and Services: Mitel PBX; 200 handsets
Staff Qualifications: Our staff have installed three PBX systems.
Justification: Not provided by CALNET; our staff can run it.
Adverse Consequences: Without delegation, phone service will fail.
"""


def _devset(tmp_path: Path) -> Path:
    (tmp_path / "items").mkdir()
    truth = {}
    for n, (split, text, kind) in enumerate([("train", FORM, "delegation_request"),
                                             ("eval", "Out of office until Monday.", "other")]):
        iid = f"{n:03d}"
        (tmp_path / "items" / f"{iid}.json").write_text(json.dumps(
            {"id": iid, "split": split, "subject": "", "from": "", "in_reply_to": None, "text": text}))
        request = kind == "delegation_request"
        truth[iid] = {
            "kind": kind, "delegation_type": "general" if request else None,
            "general_categories": ["pbx_key_telephone"] if request else [],
            "activities": ["installation"] if request else [], "flags": [],
            "fields": {"agency": "Department of Motor Vehicles", "submitter_name": "Maria Lopez",
                       "submitter_title": "Chief Information Officer",
                       "timeframe": {"start": "2027-04-01", "end": "2027-06-30"}, "locations": ["Sacramento"],
                       "contact_email": None, "contact_phone": None} if request else {},
            "present": {f: True for f in ("project_scope", "project_purpose", "staff_qualifications",
                                          "adverse_consequences", "products_services", "justification")}
            if request else {},
            "completeness": {"status": "complete" if request else "not_applicable", "missing": []},
        }
    (tmp_path / "truth.json").write_text(json.dumps(truth))
    return tmp_path


def test_report_has_both_parts_and_every_headline(tmp_path):
    report = run_evaluation(_devset(tmp_path))
    assert "train (n=1)" in report and "eval (n=1)" in report
    for key in ("presence_f1", "value_accuracy", "kind_accuracy", "type_accuracy", "flags_f1",
                "completeness_status_accuracy", "categories_f1", "activities_f1"):
        assert key in report
    line = next(ln for ln in report.splitlines() if ln.startswith("value_accuracy"))
    assert line.split()[1] == "1.000"


def test_one_part_only(tmp_path):
    report = run_evaluation(_devset(tmp_path), part="eval")
    assert "eval (n=1)" in report and "train" not in report.split("\n")[2]


def test_extraction_is_fast():
    """The issue asks for well under 100 ms per 1,000 words on one core once the model is loaded."""
    import re

    from pipeline.evaluation import bench

    ms = float(re.search(r"([\d.]+) ms per 1,000 words", bench(repeats=5)).group(1))
    assert ms < 60, ms


def test_handwritten_items_are_their_own_part(tmp_path):
    devset = _devset(tmp_path)
    hand = devset / "handwritten"
    (hand / "items").mkdir(parents=True)
    (hand / "items" / "h01.json").write_text(json.dumps(
        {"id": "h01", "split": "eval", "subject": "", "from": "", "in_reply_to": None, "text": "Out of office."}))
    (hand / "truth.json").write_text(json.dumps({"h01": {
        "kind": "other", "delegation_type": None, "general_categories": [], "activities": [], "flags": [],
        "fields": {}, "present": {}, "completeness": {"status": "not_applicable", "missing": []}}}))
    assert [i.id for i in load_devset(devset, "eval")] == ["001"]
    assert [(i.id, i.split, i.part) for i in load_devset(devset, "handwritten")] == [("h01", "eval", "handwritten")]
    report = run_evaluation(devset)
    assert "train (n=1)" in report and "eval (n=1)" in report and "handwritten (n=1)" in report
    assert "handwritten (n=1)" in run_evaluation(devset, part="handwritten")


def test_handwritten_train_items_are_their_own_part(tmp_path):
    devset = _devset(tmp_path)
    hand = devset / "handwritten_train"
    (hand / "items").mkdir(parents=True)
    (hand / "items" / "t01.json").write_text(json.dumps(
        {"id": "t01", "split": "train", "subject": "", "from": "", "in_reply_to": None, "text": "Out of office."}))
    (hand / "truth.json").write_text(json.dumps({"t01": {
        "kind": "other", "delegation_type": None, "general_categories": [], "activities": [], "flags": [],
        "fields": {}, "present": {}, "completeness": {"status": "not_applicable", "missing": []}}}))
    assert [i.id for i in load_devset(devset, "train")] == ["000"] or all(
        i.part == "train" for i in load_devset(devset, "train"))
    assert [(i.id, i.part) for i in load_devset(devset, "handwritten_train")] == [("t01", "handwritten_train")]
    assert "handwritten_train (n=1)" in run_evaluation(devset)


def test_the_repository_has_a_handwritten_training_part():
    items = load_devset(Path(__file__).parents[1] / "extractors" / "devset", "handwritten_train")
    assert len(items) >= 30 and all(i.split == "train" for i in items)


def test_the_held_out_part_is_every_held_out_set_together():
    from pipeline.evaluation import HANDWRITTEN_HELD_OUT, HELD_OUT

    devset = Path(__file__).resolve().parents[1] / "extractors" / "devset"
    pooled = load_devset(devset, HELD_OUT)
    per_set = [i for p in HANDWRITTEN_HELD_OUT for i in load_devset(devset, p)]
    assert len(pooled) == len(per_set) >= 500 and {i.id for i in pooled} == {i.id for i in per_set}
    assert not {i.part for i in pooled} & {"train", "eval", "handwritten_train"}
