"""Table-driven tests of the extractors on short requests written here: forms, letters, others."""

from __future__ import annotations

from functools import cache

import pytest

from extractors import MessageContext, Segment, classify_title, extract
from extractors.dates import normalise_period, states_period
from models import Extraction, Timeframe

# --- the texts -------------------------------------------------------------------------------

COMPLETE_FORM = """CALNET Delegation Request - General Delegation

Agency: Department of Motor Vehicles
Submitted by: Maria Lopez
Title: Chief Information Officer
Delegation Type: General Delegation
Activities Requested: Installation; Operation and Maintenance
Project Scope: Replace the PBX key telephone system at the Sacramento headquarters with a new premise PBX serving 400 stations.
Purpose: The existing PBX is end of life and parts are no longer available.
Timeframe: Q2 2027
Locations: 2415 First Avenue, Sacramento, CA 95818
Products and Services: Avaya IP Office 500 PBX; 400 digital handsets; voicemail module
Staff Qualifications: Our telecommunications staff have installed and maintained three PBX systems over the past ten years.
Justification: The services are not available on the CALNET contracts and our staff can manage the project.
Adverse Consequences: Without delegation, telephone service to the public field offices will fail.
Contact: maria.lopez@dmv.ca.gov, 916-555-0142

Sincerely,
Maria Lopez
Chief Information Officer
"""

LETTER = """Dear CALNET Program,

The Department of Water Resources requests a General Delegation for the installation of an IVR/ACD solution for our call center in Sacramento.
The purpose of the project is to reduce caller wait times for the public. We plan to begin in January 2027 and the work will take about 18 months.
Our staff have ten years of experience operating call center systems. If delegation is denied, the call center will be unable to handle peak call volumes.

Sincerely,

John Smith
Acting CIO
Department of Water Resources
"""

CONTRACT_FORM = """CALNET Delegation Request

Agency: Franchise Tax Board
Submitted by: Alan Chu
Title: Chief Information Officer
Delegation Type: CALNET Contract Delegation
Activities Requested: Project Oversight
Project Scope: Order managed network services circuits for the Rancho Cordova data center.
Purpose: Increase bandwidth between our data centers.
Timeframe: FY 2027-28
Locations: Rancho Cordova
Catalog Reference: CALNET Catalog B, item MNS-1234 (Delegation = Yes)
Staff Qualifications: Network staff certified on carrier Ethernet with five prior circuit projects.
Adverse Consequences: Tax processing will slow during filing season.

Sincerely,
Alan Chu
Chief Information Officer
"""

CONTRACT_NO_CATALOG = CONTRACT_FORM.replace(
    "Catalog Reference: CALNET Catalog B, item MNS-1234 (Delegation = Yes)\n", ""
)

NOT_CIO = COMPLETE_FORM.replace("Chief Information Officer", "Telecommunications Manager")

NEW_TO_MARKET = COMPLETE_FORM.replace(
    "Purpose: The existing PBX is end of life and parts are no longer available.",
    "Purpose: The existing PBX is end of life. The cloud-hybrid handsets we want are new in the marketplace and were released only last month.",
)

COMPLEX = COMPLETE_FORM.replace(
    "Purpose: The existing PBX is end of life and parts are no longer available.",
    "Purpose: The existing PBX is end of life. The project is of a complex technical nature: multi-site SIP trunking with failover across four data centers, and may require OTech oversight.",
)

EXEMPTION = COMPLETE_FORM.replace(
    "Justification: The services are not available on the CALNET contracts and our staff can manage the project.",
    "Justification: We will purchase the equipment from a non-CALNET vendor through a separate solicitation; an exemption request (STMM 3-501.0) has been submitted.",
)

VENDOR = """Subject: Upgrade your PBX today!

Hello IT leaders,

Acme Telecom is pleased to announce our new line of PBX and key telephone systems. Our IP-PBX products
offer unmatched value. Schedule a free demo today and receive 20% off your first order!
Contact our sales team at sales@acmetelecom.com. Unsubscribe from this list at any time.

Best,
The Acme Telecom Sales Team
"""

OOO = """I am out of the office until Monday, March 3 with limited access to email.
For urgent matters please contact the help desk at 916-555-0100.

Thank you,
Pat Jones
"""

STATUS = """Hello,

We submitted a CALNET delegation request for our PBX replacement on January 5 and have not heard back.
Could you let us know the status of our request and when we can expect a decision?

Thank you,
Dana Reyes
Department of Rehabilitation
"""

FOLLOWUP = """Hello,

As requested, here is the staff qualifications information for our delegation request:
Staff Qualifications: Our three telecommunications engineers hold Avaya certifications and completed two IVR deployments in 2024.

Thank you,
Lee Park
Chief Information Officer
Employment Development Department
"""

LETTER_DEPUTY_CIO = LETTER.replace("Acting CIO", "Deputy CIO")

# "not provided by CALNET" alone is what a general delegation is: no exemption flag.
LETTER_NOT_PROVIDED = LETTER + "\nThe IVR products we need are not provided by CALNET.\n"


REQUEST_FIELDS = (
    "agency",
    "submitter_name",
    "submitter_title",
    "project_scope",
    "project_purpose",
    "timeframe",
    "locations",
    "staff_qualifications",
    "adverse_consequences",
)


@cache
def _run(
    name: str,
    subject: str = "",
    from_: str = "",
    in_reply_to: str | None = None,
    auto_submitted: bool = False,
) -> Extraction:
    context = MessageContext(
        subject=subject, from_=from_, in_reply_to=in_reply_to, auto_submitted=auto_submitted
    )
    return extract([Segment("body.txt", None, globals()[name])], context)


# --- fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("COMPLETE_FORM", "agency", "Department of Motor Vehicles"),
        ("COMPLETE_FORM", "submitter_name", "Maria Lopez"),
        ("COMPLETE_FORM", "submitter_title", "Chief Information Officer"),
        (
            "COMPLETE_FORM",
            "project_purpose",
            "The existing PBX is end of life and parts are no longer available.",
        ),
        ("COMPLETE_FORM", "locations", ["2415 First Avenue, Sacramento, CA 95818"]),
        (
            "COMPLETE_FORM",
            "products_services",
            ["Avaya IP Office 500 PBX", "400 digital handsets", "voicemail module"],
        ),
        ("COMPLETE_FORM", "contact_email", "maria.lopez@dmv.ca.gov"),
        ("COMPLETE_FORM", "contact_phone", "916-555-0142"),
        ("CONTRACT_FORM", "agency", "Franchise Tax Board"),
        ("CONTRACT_FORM", "locations", ["Rancho Cordova"]),
        ("LETTER", "agency", "Department of Water Resources"),
        ("LETTER", "submitter_name", "John Smith"),
        ("LETTER", "submitter_title", "Acting CIO"),
        (
            "LETTER",
            "project_purpose",
            "The purpose of the project is to reduce caller wait times for the public.",
        ),
        ("LETTER", "locations", ["Sacramento"]),
        (
            "LETTER",
            "staff_qualifications",
            "Our staff have ten years of experience operating call center systems.",
        ),
        (
            "LETTER",
            "adverse_consequences",
            "If delegation is denied, the call center will be unable to handle peak call volumes.",
        ),
    ],
)
def test_field_value(text: str, field: str, value: object) -> None:
    assert _run(text).fields[field].value == value


@pytest.mark.parametrize(
    ("text", "field", "contains"),
    [
        ("COMPLETE_FORM", "project_scope", "Replace the PBX key telephone system"),
        ("COMPLETE_FORM", "staff_qualifications", "installed and maintained three PBX systems"),
        ("COMPLETE_FORM", "justification", "not available on the CALNET contracts"),
        (
            "COMPLETE_FORM",
            "adverse_consequences",
            "telephone service to the public field offices will fail",
        ),
        ("CONTRACT_FORM", "catalog_reference", "MNS-1234"),
        ("LETTER", "project_scope", "installation of an IVR/ACD solution"),
    ],
)
def test_field_text_contains(text: str, field: str, contains: str) -> None:
    assert contains in _run(text).fields[field].value


@pytest.mark.parametrize("text", ["COMPLETE_FORM", "CONTRACT_FORM", "LETTER"])
def test_every_request_field_found_with_evidence_and_confidence(text: str) -> None:
    fields = _run(text).fields
    for name in REQUEST_FIELDS:
        fv = fields[name]
        assert fv.present, name
        assert 0 < fv.confidence <= 1, name
        assert fv.evidence, name
        assert all(
            ev.document == "body.txt" and ev.page is None and ev.text.strip() for ev in fv.evidence
        ), name


@pytest.mark.parametrize("text", ["COMPLETE_FORM", "CONTRACT_FORM"])
def test_labelled_evidence_quotes_the_label_line(text: str) -> None:
    fields = _run(text).fields
    assert fields["agency"].evidence[0].text.startswith("Agency:")
    assert fields["timeframe"].evidence[0].text.startswith("Timeframe:")


def test_labelled_values_are_more_confident_than_prose() -> None:
    form, letter = _run("COMPLETE_FORM").fields, _run("LETTER").fields
    assert form["project_purpose"].confidence > letter["project_purpose"].confidence


def test_fields_not_in_the_text_are_null() -> None:
    fields = _run("LETTER").fields
    for name in ("catalog_reference", "exemption_reference", "form20_reference", "contact_email"):
        assert fields[name].value is None and not fields[name].present, name
    assert _run("COMPLETE_FORM").fields["catalog_reference"].value is None


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("COMPLETE_FORM", ("2027-04-01", "2027-06-30")),
        ("CONTRACT_FORM", ("2027-07-01", "2028-06-30")),
        ("LETTER", ("2027-01-01", "2028-06-30")),
    ],
)
def test_timeframe_field_is_normalised(text: str, period: tuple[str, str]) -> None:
    tf = _run(text).fields["timeframe"].value
    assert isinstance(tf, Timeframe)
    assert (tf.start, tf.end) == period
    assert tf.text


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Q2 2027", "2027-04-01", "2027-06-30"),
        ("second quarter of 2027", "2027-04-01", "2027-06-30"),
        ("FY 2027-28", "2027-07-01", "2028-06-30"),
        ("fiscal year 2026/27", "2026-07-01", "2027-06-30"),
        ("3/1/2027 through 6/30/2027", "2027-03-01", "2027-06-30"),
        ("beginning January 2027, about 18 months", "2027-01-01", "2028-06-30"),
        ("beginning March 2027 for six months", "2027-03-01", "2027-08-31"),
        ("July 2025 through June 2026", "2025-07-01", "2026-06-30"),
        ("March 15, 2027 to September 30, 2027", "2027-03-15", "2027-09-30"),
        ("Spring 2027", None, None),  # a season has no agreed dates: stated, undated
        ("June 1 - August 31, 2027", "2027-06-01", "2027-08-31"),
        ("no dates here", None, None),
    ],
)
def test_normalise_period(text: str, start: str | None, end: str | None) -> None:
    assert normalise_period(text) == (start, end)


def test_seasons_state_an_undated_period_and_an_open_schedule_states_none():
    assert states_period("Installation in spring 2027.") and normalise_period("spring 2027") == (None, None)
    assert not states_period("We will work out the schedule with the contractor once delegation is approved.")
    assert states_period("Work starts within 60 days of approval.")


def test_months_without_a_year_are_dated_from_the_letter():
    from datetime import date
    text = "We'd expect to start this coming October and to be done by the following June."
    assert normalise_period(text, date(2026, 3, 9)) == ("2026-10-01", "2027-06-30")
    assert normalise_period("Target completion is the end of the current fiscal year.", date(2026, 10, 5)) == (
        None, "2027-06-30")


# --- titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "cio"),
    [
        ("CIO", True),
        ("Chief Information Officer", True),
        ("Acting CIO", True),
        ("Acting Chief Information Officer", True),
        ("Interim Chief Information Officer", True),
        ("Agency Information Officer", True),
        ("Deputy Director and Chief Information Officer", True),
        ("Deputy CIO", False),
        ("Deputy Chief Information Officer", False),
        ("IT Manager", False),
        ("Telecommunications Manager", False),
        ("Chief Technology Officer", False),
        ("Chief Information Security Officer", False),
    ],
)
def test_classify_title(title: str, cio: bool) -> None:
    matched, is_cio = classify_title(title)
    assert matched is not None
    assert is_cio is cio


def test_classify_unknown_title() -> None:
    assert classify_title("Groundskeeper") == (None, None)


# --- kind, type, categories, activities ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "context", "kind"),
    [
        ("COMPLETE_FORM", {}, "delegation_request"),
        ("CONTRACT_FORM", {}, "delegation_request"),
        ("LETTER", {}, "delegation_request"),
        (
            "VENDOR",
            {"subject": "New PBX products for state agencies", "from_": "sales@acmetelecom.com"},
            "other",
        ),
        ("VENDOR", {}, "other"),
        (
            "OOO",
            {"subject": "Automatic reply: CALNET Delegation Request", "auto_submitted": True},
            "other",
        ),
        ("OOO", {}, "other"),
        ("STATUS", {"subject": "Status of our delegation request"}, "other"),
        (
            "FOLLOWUP",
            {"subject": "Re: CALNET Delegation Request", "in_reply_to": "<orig@edd.ca.gov>"},
            "follow_up",
        ),
    ],
)
def test_kind(text: str, context: dict, kind: str) -> None:
    extraction = _run(text, **context)
    assert extraction.kind == kind
    assert extraction.kind_reason
    if kind == "other":
        assert extraction.flags == [] and extraction.delegation_type is None
        assert extraction.general_categories == [] and extraction.activities == []


def test_follow_up_keeps_the_information_it_adds() -> None:
    extraction = _run(
        "FOLLOWUP", subject="Re: CALNET Delegation Request", in_reply_to="<orig@edd.ca.gov>"
    )
    assert "Avaya certifications" in extraction.fields["staff_qualifications"].value


@pytest.mark.parametrize(
    ("text", "dtype", "categories", "activities"),
    [
        (
            "COMPLETE_FORM",
            "general",
            ["pbx_key_telephone"],
            ["installation", "operation_maintenance"],
        ),
        ("CONTRACT_FORM", "calnet_contract", [], ["project_oversight"]),
        ("LETTER", "general", ["ivr_acd"], ["installation"]),
    ],
)
def test_type_categories_activities(
    text: str, dtype: str, categories: list[str], activities: list[str]
) -> None:
    extraction = _run(text)
    assert extraction.delegation_type == dtype
    assert extraction.general_categories == categories
    assert extraction.activities == activities


# --- flags -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("COMPLETE_FORM", []),
        ("CONTRACT_FORM", []),
        ("LETTER", []),
        ("LETTER_NOT_PROVIDED", []),
        ("NEW_TO_MARKET", ["new_to_market"]),
        ("COMPLEX", ["complex_technical"]),
        ("EXEMPTION", ["exemption_may_be_required"]),
        ("CONTRACT_NO_CATALOG", ["catalog_reference_missing"]),
        ("NOT_CIO", ["submitter_not_cio"]),
        ("LETTER_DEPUTY_CIO", ["submitter_not_cio"]),
    ],
)
def test_flags(text: str, flags: list[str]) -> None:
    extraction = _run(text)
    assert extraction.kind == "delegation_request"
    assert sorted(extraction.flags) == sorted(flags)


@pytest.mark.parametrize(
    ("text", "cio"),
    [("COMPLETE_FORM", True), ("LETTER", True), ("NOT_CIO", False), ("LETTER_DEPUTY_CIO", False)],
)
def test_title_is_cio(text: str, cio: bool) -> None:
    assert _run(text).title_is_cio is cio


def test_several_segments_keep_their_own_evidence() -> None:
    extraction = extract(
        [
            Segment("body.txt", None, "Please find our CALNET delegation request attached."),
            Segment("request.pdf", 2, CONTRACT_FORM),
        ],
        MessageContext(subject="CALNET Delegation Request"),
    )
    assert extraction.kind == "delegation_request"
    ev = extraction.fields["agency"].evidence[0]
    assert (ev.document, ev.page) == ("request.pdf", 2)


# --- OCR-damaged and unknown labels, scoped categories, the sentence classifier ----------------------

OCR_FORM = """CALNET DELEGATION REQUEST

Agency: Department of Motor Vehicles
Submitted by: Maria Lopez
Working Title: Chief Information Officer
Delegation Type: General Delegation
Actívities: lnstallation; Operatíon and Maintenance
Prqject Scope: Replace the PBX at the Sacramento headquarters with a new PBX serving 400 stations.
Locatíons: Sacramento
Equípment: Avaya IP Office 500 PBX; 400 digital handsets
Crew Background: Our technicians have ten years of experience installing and maintaining PBX systems.
Tímeline: Q2 2027
"""


@pytest.mark.parametrize(("label", "field"), [
    ("equípment", "products_services"), ("tímeline", "timeframe"), ("techn1cal qualificotions", "staff_qualifications"),
    ("locatíons", "locations"), ("staff qualifications", "staff_qualifications"), ("dear sir", None), ("note", None),
])
def test_label_lookup_tolerates_ocr_damage(label, field):
    from extractors.sections import lookup_label

    assert lookup_label(label) == field


def test_damaged_and_unknown_labels_in_a_form():
    x = extract([Segment("fax.pdf", 1, OCR_FORM)])
    assert x.fields["submitter_title"].value == "Chief Information Officer"  # under a label we do not know
    assert x.fields["locations"].value == ["Sacramento"]  # the next, unknown, label ends the section
    assert x.fields["products_services"].value == ["Avaya IP Office 500 PBX", "400 digital handsets"]
    assert x.fields["staff_qualifications"].present  # an unknown label's answer is read as prose
    assert x.fields["timeframe"].value.start == "2027-04-01"
    assert x.activities == ["installation", "operation_maintenance"]


def test_categories_come_from_the_request_not_the_staffs_past_projects():
    text = ("We request a General Delegation to replace the PBX at our Fresno office; it is not provided by "
            "the CALNET contracts.\n\nOur engineers have twelve years of experience on PBX and contact center "
            "projects.\n\nIf delegation is denied, the public will lose telephone access.\n")
    x = extract([Segment("body.txt", None, text)])
    assert x.general_categories == ["pbx_key_telephone"]


@pytest.mark.parametrize(("sentence", "label"), [
    ("Our crew has kept this switch running for a decade and knows it inside out.", "staff_qualifications"),
    ("If this is turned down, the hotline will be unreachable when the old system fails.", "adverse_consequences"),
    ("The point of the project is shorter waits for people calling the licensing line.", "project_purpose"),
])
def test_sentence_classifier_reads_unseen_wording(sentence, label):
    from extractors.sentences import classify

    cats = classify([sentence])[0]
    assert max(cats, key=cats.get) == label


def test_pipeline_runs_only_what_extraction_reads():
    from extractors import load_nlp

    names = load_nlp().pipe_names
    assert "senter" in names and not {"parser", "ner", "tagger", "tok2vec"} & set(names)


def test_layout_text_keeps_offsets_and_reads_dot_leaders_and_pipe_rows():
    from extractors.fields import layout_text

    text = "Agency ........ Department of Water Resources\n| Item | Response |\n|---|---|\n| When | Q1 2027 |\n"
    out = layout_text(text)
    assert len(out) == len(text)
    assert "Agency:" in out and "When : Q1 2027" in out


def test_duration_in_words_ends_the_period():
    from extractors.dates import normalise_period

    assert normalise_period("begin in March 2027 and run for fourteen months") == ("2027-03-01", "2028-04-30")


def test_a_label_inside_a_bullet_labels_that_bullet_only():
    text = ("DIR is requesting general delegation for the Eureka district office:\n\n"
            "- replace the key system with a new key telephone system, 12 stations\n"
            "- equipment: key system cabinet, 12 handsets, voicemail card\n"
            "- our field IT techs replaced key systems in Fresno and Salinas in 2025\n"
            "- if denied, accident reports may go unanswered\n")
    x = extract([Segment("body.txt", None, text)])
    assert x.fields["products_services"].value == ["key system cabinet, 12 handsets, voicemail card"]
    assert x.fields["staff_qualifications"].present and x.fields["adverse_consequences"].present


def test_questions_are_labels():
    from extractors.sections import find_sections

    text = "Describe the project: replace the PBX.\nWhy is it needed? The PBX fails weekly.\n"
    assert [s.field for s in find_sections(text)] == ["project_scope", "project_purpose"]


@pytest.mark.parametrize(("text", "period"), [
    ("Installation is planned for the week of October 19, 2026.", ("2026-10-19", "2026-10-19")),
    ("Start: July 1, 2026.", ("2026-07-01", None)),
])
def test_a_single_day_is_start_and_end_unless_it_is_a_start(text, period):
    assert normalise_period(text) == period


def test_a_phone_system_only_mentioned_is_no_pbx_request():
    text = ("We request General Delegation to install a premise-based paging system at our Salinas center, "
            "with integration with the building's phone system.\n")
    x = extract([Segment("body.txt", None, text)])
    assert "pbx_key_telephone" not in x.general_categories


def test_a_reply_that_only_thanks_is_not_a_follow_up():
    ctx = MessageContext(subject="RE: Oroville microwave", in_reply_to="<a@b>")
    x = extract([Segment("body.txt", None, "Thanks, got it.\n\nTom\n")], ctx)
    assert x.kind == "other"


_REQUEST_BODY = (
    "Dear CALNET Program,\n\nThe Department of General Services requests a General Delegation to replace the Mitel PBX "
    "at 707 3rd Street, West Sacramento with a 400-station Avaya IP Office system. The switch is out of support. "
    "Work would run March 2027 through June 2027. Our four certified engineers installed the same platform in 2024. "
    "If delegation is denied, the building stays on a failing switch.\n\n")


@pytest.mark.parametrize(("signature", "name", "cio"), [
    ("Best regards,\nJane Doe (she/her)\nChief Information Officer", "Jane Doe", True),
    ("Sincerely,\nDr. Jane Doe, Ph.D.\nChief Information Officer", "Jane Doe", True),
    ("Sincerely,\nJane Doe\nDirector of Information Technology / CIO", "Jane Doe", True),
    ("Sincerely,\nJane Doe\nInterim CIO / Deputy Director", "Jane Doe", True),
    ("Sincerely,\nJane Doe\nC.I.O.", "Jane Doe", True),
    ("Thank you,\nJane Doe (CIO)", "Jane Doe", True),
    ("Sincerely,\nChief Information Officer\nJane Doe", "Jane Doe", True),
    ("For the Department,\n\nInterim Chief Information Officer Jane Doe", "Jane Doe", True),
    ("Very respectfully,\nLTC Jane Doe\nJ6 / Chief Information Officer", "Jane Doe", True),
    ("Sincerely,\nJane D0e\nChief lnformation 0fficer", "Jane Doe", True),
    ("Sincerely,\nJane Doe\nDeputy Chief Information Officer", "Jane Doe", False),
    ("Sincerely,\nJane Doe\nExecutive Assistant to the CIO", "Jane Doe", False),
    ("Sincerely,\nJane Doe\nChief, Information Technology Services Division", "Jane Doe", False),
])
def test_signature_shapes(signature, name, cio):
    x = extract([Segment("body.txt", None, _REQUEST_BODY + signature)], MessageContext(subject="Delegation request"))
    assert x.fields["submitter_name"].value == name and (x.title_is_cio is True) == cio


def test_a_forwarded_write_up_is_the_forwarders_request_unless_sent_for_someone():
    chain = ("\n\n________________________________\nFrom: Okafor, Darnell@DGS\nSent: Monday, April 6, 2026 3:12 PM\n"
             "To: Doe, Jane@DGS\nSubject: write-up\n\n" + _REQUEST_BODY + "Darnell Okafor\nTelecommunications Manager\n")
    cover = "Program staff,\n\nForwarding the write-up below from our telecom team.\n\nJane Doe\nChief Information Officer\n"
    x = extract([Segment("body.txt", None, cover + chain)], MessageContext(subject="FW: write-up"))
    assert (x.fields["submitter_name"].value, x.title_is_cio) == ("Jane Doe", True)
    sent_for = "Sending the request from our CIO below, as she asked.\n\nPat Lee\nExecutive Assistant to the CIO\n"
    x = extract([Segment("body.txt", None, sent_for + chain)], MessageContext(subject="FW: write-up"))
    assert x.fields["submitter_name"].value == "Darnell Okafor"


@pytest.mark.parametrize(("head", "tail", "title"), [
    ("", "Sincerely,\n\nJane Doe\n", None),  # no title anywhere: none is invented
    ("", "As the Department's Chief Information Officer, I support this.\n\nSincerely,\n\nJane Doe\n",
     "Chief Information Officer"),
    ("DEPARTMENT OF GENERAL SERVICES\nJANE DOE, CHIEF INFORMATION OFFICER\n\n", "Sincerely,\n\nJane Doe\n",
     "CHIEF INFORMATION OFFICER"),
    ("Submitted by Jane Doe, Acting CIO\n\n", "Thanks,\nJane Doe\n", "Acting CIO"),
])
def test_a_signers_title_written_outside_the_signature(head, tail, title):
    x = extract([Segment("body.txt", None, head + _REQUEST_BODY + tail)], MessageContext(subject="Delegation request"))
    assert x.fields["submitter_name"].value == "Jane Doe"
    assert (x.fields["submitter_title"].value if x.fields["submitter_title"].present else None) == title


def test_on_behalf_of_the_cio_mid_sentence_and_a_request_under_a_rule():
    note = ("Good afternoon,\n\nOn behalf of Gregory Tan, Chief Information Officer, please find the request below.\n\n"
            "Thank you,\nLorena Fuentes\nExecutive Assistant to the Chief Information Officer\n\n" + "-" * 40 + "\n\n")
    x = extract([Segment("body.txt", None, note + _REQUEST_BODY + "Gregory Tan\nChief Information Officer\n")],
                MessageContext(subject="Delegation request"))
    assert (x.fields["submitter_name"].value, x.title_is_cio) == ("Gregory Tan", True)
    assert x.fields["locations"].present and x.fields["timeframe"].value.start == "2027-03-01"


def test_a_questionnaires_policy_question_states_nothing():
    qa = ("> Any adverse consequences to the agency or others if delegation is denied.\n\n"
          "Response: Will follow under separate cover.\n\n")
    x = extract([Segment("body.txt", None, _REQUEST_BODY.replace("If delegation is denied, the building stays on a "
                                                                 "failing switch.", "") + qa)],
                MessageContext(subject="Delegation request"))
    assert not x.fields["adverse_consequences"].present


def test_a_request_naming_its_type_is_of_that_type():
    text = ("DCSS requests contract delegation for the contractor's network-based call recording: 140 agents at "
            "11150 International Drive, Rancho Cordova. Our old recorder goes away with the PBX. Want it live Feb 2027.")
    x = extract([Segment("body.txt", None, text)], MessageContext(subject="delegation"))
    assert x.delegation_type == "calnet_contract" and x.general_categories == []


@pytest.mark.parametrize(("text", "period"), [
    ("We'd like to get started in January and be done by the end of May, 2027.", ("2027-01-01", "2027-05-31")),
    ("We want to have this cornp1ete by Decernber 2026.", (None, "2026-12-31")),
])
def test_months_written_loosely(text, period):
    assert normalise_period(text) == period


def test_a_tables_rows_give_their_sites():
    table = ("| Site | Current system | Replacement | Stations |\n|---|---|---|---|\n"
             "| Monterey District, 2211 Garden Rd, Monterey | Toshiba CIX100 | NEC SL2100 | 22 |\n"
             "| North Coast Redwoods District, Eureka | Panasonic KX-TDA50 | NEC SL2100 | 14 |\n\n")
    text = "California State Parks requests a General Delegation to replace key telephone systems.\n\n" + table
    x = extract([Segment("body.txt", None, text)], MessageContext(subject="Delegation request"))
    assert x.fields["locations"].value == ["2211 Garden Rd, Monterey", "Eureka"]
