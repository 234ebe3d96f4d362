"""Write the labelled development set: varied request texts, non-requests and follow-ups, with truth.

    .venv/bin/python -m extractors.devset.generate      # rewrites extractors/devset/items/ and truth.json

Deterministic (one seeded RNG). Each item is composed from a style (letter, form, terse
email, memo, bullets, forwarded chain, OCR'd fax) and phrasings per field; the last third
of every phrasing list is only ever used in the "eval" part, so the eval part holds
sentence structures the train part never shows. The truth is written from the slots, not
read back from the text.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).parent
SEED = 20270401
N_REQUESTS = 96
N_OTHERS = 30

# --- slot values ------------------------------------------------------------------------------
# (truth name, ways it is written, e-mail domain)
AGENCIES = [
    ("Department of Motor Vehicles", ["Department of Motor Vehicles", "California Department of Motor Vehicles", "DMV"], "dmv.ca.gov"),
    ("Department of Water Resources", ["Department of Water Resources", "DWR"], "water.ca.gov"),
    ("Franchise Tax Board", ["Franchise Tax Board", "FTB"], "ftb.ca.gov"),
    ("California Highway Patrol", ["California Highway Patrol", "CHP"], "chp.ca.gov"),
    ("Department of Public Health", ["California Department of Public Health", "CDPH"], "cdph.ca.gov"),
    ("Department of Forestry and Fire Protection", ["CAL FIRE", "Department of Forestry and Fire Protection"], "fire.ca.gov"),
    ("Department of State Hospitals", ["Department of State Hospitals", "DSH"], "dsh.ca.gov"),
    ("Department of Consumer Affairs", ["Department of Consumer Affairs"], "dca.ca.gov"),
    ("Department of Fish and Wildlife", ["Department of Fish and Wildlife", "CDFW"], "wildlife.ca.gov"),
    ("Department of Veterans Affairs", ["CalVet", "California Department of Veterans Affairs"], "calvet.ca.gov"),
    ("Department of Developmental Services", ["Department of Developmental Services"], "dds.ca.gov"),
    ("California Public Utilities Commission", ["California Public Utilities Commission", "CPUC"], "cpuc.ca.gov"),
    ("California Energy Commission", ["California Energy Commission"], "energy.ca.gov"),
    ("State Water Resources Control Board", ["State Water Resources Control Board"], "waterboards.ca.gov"),
    ("California Air Resources Board", ["California Air Resources Board", "CARB"], "arb.ca.gov"),
    ("Board of Equalization", ["Board of Equalization", "State Board of Equalization"], "boe.ca.gov"),
    ("California Public Employees' Retirement System", ["CalPERS"], "calpers.ca.gov"),
    ("Department of Tax and Fee Administration", ["California Department of Tax and Fee Administration", "CDTFA"], "cdtfa.ca.gov"),
    ("Department of Industrial Relations", ["Department of Industrial Relations"], "dir.ca.gov"),
    ("California Lottery", ["California State Lottery", "California Lottery"], "calottery.com"),
    ("Governor's Office of Emergency Services", ["Cal OES", "Governor's Office of Emergency Services"], "caloes.ca.gov"),
    ("Department of Child Support Services", ["Department of Child Support Services"], "dcss.ca.gov"),
    ("California Coastal Commission", ["California Coastal Commission"], "coastal.ca.gov"),
    ("State Lands Commission", ["State Lands Commission", "California State Lands Commission"], "slc.ca.gov"),
    ("California Gambling Control Commission", ["California Gambling Control Commission"], "cgcc.ca.gov"),
    ("Board of State and Community Corrections", ["Board of State and Community Corrections"], "bscc.ca.gov"),
    ("Department of Housing and Community Development", ["Department of Housing and Community Development", "HCD"], "hcd.ca.gov"),
    ("Department of Pesticide Regulation", ["Department of Pesticide Regulation"], "cdpr.ca.gov"),
    ("California Department of Aging", ["California Department of Aging"], "aging.ca.gov"),
    ("Department of Rehabilitation", ["Department of Rehabilitation"], "dor.ca.gov"),
]
FIRST = ["Maria", "James", "Aiko", "Darnell", "Priya", "Tomás", "Linda", "Kevin", "Ngozi", "Robert", "Huong",
         "Samuel", "Elena", "Marcus", "Fatima", "Gregory", "Yolanda", "Wei", "Patricia", "Derek", "Leticia", "Anil"]
LAST = ["Castillo", "Nakamura", "Whitfield", "Okonkwo", "Raman", "Delgado", "Brennan", "Tran", "Abernathy",
        "Kowalski", "Ferreira", "Lindqvist", "Mbeki", "Harrington", "Sandoval", "Oyelaran", "Petrosyan", "Yamada"]
CIO_TITLES = ["Chief Information Officer", "CIO", "Acting CIO", "Acting Chief Information Officer",
              "Agency Information Officer", "Deputy Director/CIO", "Deputy Director and Chief Information Officer",
              "Interim Chief Information Officer", "Chief Information Officer (Acting)"]
OTHER_TITLES = ["IT Manager", "Telecommunications Manager", "Deputy CIO", "Chief Technology Officer",
                "Network Operations Manager", "Staff Services Manager II", "Facilities Manager",
                "Information Technology Supervisor II", "Chief Information Security Officer", "Telecom Analyst"]
PLACES = [
    ["Sacramento"], ["Fresno", "Bakersfield"], ["1416 9th Street, Sacramento"], ["Oakland"],
    ["San Diego", "Riverside", "El Centro"], ["Redding"], ["3310 El Camino Avenue, Sacramento"],
    ["Los Angeles"], ["Stockton"], ["Eureka", "Ukiah"], ["San Bernardino County"], ["Santa Rosa"],
    ["2020 West El Camino Avenue, Sacramento", "Rancho Cucamonga"], ["Long Beach"], ["Chico", "Oroville"],
    ["Kern County", "Tulare County"], ["Monterey"], ["Norwalk"], ["San Jose", "Salinas"], ["Visalia"],
]
GENERAL = {
    "pbx_key_telephone": [
        ("replace the end-of-life Avaya Definity PBX with a new Mitel MX-ONE PBX and 320 handsets",
         ["Mitel MX-ONE PBX", "320 digital handsets", "voicemail server"]),
        ("install a key telephone system of 40 stations at the new field office",
         ["Mitel key telephone system", "40 desk phones"]),
        ("replace our aging telephone switch with a new NEC SV9500 PBX",
         ["NEC SV9500 PBX", "280 multiline telephones", "attendant console"]),
    ],
    "ip_pbx_hybrid": [
        ("IP-enable the existing NEC SV9500 PBX with IP gateway cards so remote staff can use softphones",
         ["NEC IP gateway cards", "softphone licences"]),
        ("convert our Avaya PBX to a hybrid PBX with SIP trunk gateway modules",
         ["Avaya G450 media gateways", "SIP trunk gateway modules"]),
    ],
    "transport": [
        ("build a point-to-point microwave link between the headquarters and the regional yard",
         ["two 11 GHz microwave radios", "antennas and mounts"]),
        ("lease dark fiber between our two campuses, a transport solution not provided by the CALNET contracts",
         ["dark fiber pair", "optical transceivers"]),
    ],
    "ivr_acd": [
        ("deploy an IVR/ACD solution for the public call center handling 6,000 calls a day",
         ["Genesys Engage IVR", "ACD licences for 90 agents", "call recording server"]),
        ("replace the interactive voice response and automatic call distribution system of our help line",
         ["Cisco UCCX IVR", "60 agent licences"]),
    ],
    "premise_based": [
        ("install a premise-based mass notification and paging system in the hospital buildings",
         ["Singlewire InformaCast server", "IP speakers", "paging amplifiers"]),
        ("deploy a premise based call recording platform for the dispatch floor",
         ["NICE call recording servers", "storage array"]),
    ],
}
CONTRACT = [
    ("Managed Network Services (MNS) for 14 field offices", "Catalog B item MNS-2041"),
    ("SD-WAN service for our district offices", "CALNET Catalog B, Category 1.3 SD-WAN, item SDW-0112"),
    ("Contact Center as a Service (CCaaS) seats", "Catalog B line item CCS-3307"),
    ("SIP trunking service to replace PRI circuits", "Catalog B item SIP-1020"),
    ("hosted VoIP service for 250 users", "Catalog B item HVP-4400"),
    ("cellular push-to-talk service for field inspectors", "Catalog B item PTT-0907"),
]
PERIODS = [  # (text, start, end)
    ("Q2 2027", "2027-04-01", "2027-06-30"),
    ("3/1/2027 through 6/30/2027", "2027-03-01", "2027-06-30"),
    ("FY 2027-28", "2027-07-01", "2028-06-30"),
    ("beginning January 2027, about 18 months", "2027-01-01", "2028-06-30"),
    ("October 1, 2026 to March 31, 2027", "2026-10-01", "2027-03-31"),
    ("by June 30, 2027", None, "2027-06-30"),
    ("September 2027 through February 2028", "2027-09-01", "2028-02-29"),
    ("starting March 2027 for twelve months", "2027-03-01", "2028-02-29"),
    ("the third quarter of 2027", "2027-07-01", "2027-09-30"),
    ("2027-05-01 to 2027-11-30", "2027-05-01", "2027-11-30"),
    ("fiscal year 2026/27", "2026-07-01", "2027-06-30"),
    ("April 2027 - September 2027", "2027-04-01", "2027-09-30"),
    ("no later than December 31, 2027", None, "2027-12-31"),
    ("1/15/2027 - 5/31/2027", "2027-01-15", "2027-05-31"),
    ("Q4 2026 through Q1 2027", "2026-10-01", "2027-03-31"),
]
ACTIVITY_WORDS = {
    "project_planning": ["project planning", "planning"],
    "design_development": ["design and development", "design/development"],
    "project_oversight": ["project oversight", "oversight of the project"],
    "installation": ["installation", "installation"],
    "operation_maintenance": ["operation and maintenance", "ongoing operations and maintenance"],
}
ACTIVITY_ORDER = list(ACTIVITY_WORDS)

# --- phrasings (the last third of each list appears only in the eval part) ----------------------
SCOPE = [
    "The project will {scope} at {loc}.",
    "We propose to {scope}; the work covers {loc}.",
    "Scope of work: {scope}, at {loc}.",
    "This effort would {scope} for staff located in {loc}.",
    "Our plan is to {scope} at {loc}.",
    "In short, the department intends to {scope}, serving {loc}.",
]
PURPOSE = [
    "The purpose of this project is to {purpose}.",
    "This is needed to {purpose}.",
    "The goal is to {purpose}.",
    "We are doing this in order to {purpose}.",
    "What we are trying to achieve: {purpose}.",
    "It matters because we must {purpose}.",
]
PURPOSES = ["keep telephone service available to the public after the vendor ends support",
            "reduce caller wait times on the public help line", "give field crews reliable voice and data",
            "replace equipment for which parts are no longer available", "meet the new statutory service levels",
            "support staff who now work from remote sites"]
STAFF = [
    "Our telecommunications staff have {years} years of experience installing and maintaining similar systems.",
    "The team that will do this work is certified on the platform and completed a comparable cutover in 2025.",
    "Staff qualifications: two network engineers with vendor certifications and {years} years on PBX and contact center projects.",
    "Our engineers have done this before: they successfully deployed the same platform at {other} last year.",
    "In-house technicians, each with at least {years} years on voice systems, will carry out the work.",
    "Prior experience includes three similar rollouts managed by the same unit since 2021.",
]
ADVERSE = [
    "If delegation is denied, {harm}.",
    "Without this delegation, {harm}.",
    "Should the request not be approved, {harm}.",
    "Denial of this request would mean that {harm}.",
    "Failing approval, {harm}.",
    "The risk of not proceeding is simple: {harm}.",
]
HARMS = ["the public will lose telephone access to our offices when the old switch fails",
         "the call center will not meet its service levels", "field staff will be without reliable communications",
         "we will be running unsupported equipment with no spare parts", "emergency notifications may not reach staff"]
JUSTIFY = [
    "Delegation should be granted because {why}.",
    "We believe delegation is appropriate since {why}.",
    "The reasons for granting delegation: {why}.",
    "This request is justified as {why}.",
    "Granting it makes sense here because {why}.",
    "We ask OTech to approve it given that {why}.",
]
WHYS = ["the equipment is not provided by the CALNET contracts and our staff can run the project",
        "the solution is not available under CALNET and we have the in-house skills",
        "no CALNET contract offers this equipment and the project is routine for our team"]
GENERAL_ASK = [
    "We request a General Delegation to {scope}, which is not provided by the CALNET contracts.",
    "The {agency} is requesting general delegation for this project; the equipment is not offered under CALNET.",
    "Please accept this request for a General Delegation under STMM 3-502.0.",
    "We are seeking approval of a general delegation for the purchase described below.",
    "This letter asks for General Delegation authority for the work below.",
    "Kindly consider this our application for a general delegation.",
]
CONTRACT_ASK = [
    "We request CALNET Contract Delegation for {service}, marked Delegation Required in Catalog B.",
    "The {agency} is requesting a CALNET contract delegation for {service}.",
    "Please approve a contract delegation so we can order {service} from the CALNET contract.",
    "We are seeking CALNET Contract Delegation approval for {service}.",
    "This memo requests contract delegation for {service} under the CALNET contracts.",
    "Kindly grant a CALNET contract delegation to order {service}.",
]
ACTIVITY_ASK = [
    "Delegation is requested for {acts}.",
    "We ask for delegation covering {acts}.",
    "The requested activities are {acts}.",
    "Activities covered by this request: {acts}.",
]
NEW_TO_MARKET = ["The controller we selected is newly released and was introduced to the market in late 2026.",
                 "The platform is new to the marketplace; this will be one of its first deployments.",
                 "Note that the product is an early release that is not yet widely deployed."]
COMPLEX = ["The integration is technically complex and may require OTech oversight.",
           "Because of the complex multi-site integration, we expect this work to need OTech involvement.",
           "This is a highly complex design spanning several networks."]
EXEMPTION = ["The equipment will be purchased from a non-CALNET vendor through a separate solicitation.",
             "An exemption request under STMM 3-501.0 has been submitted (reference EX-2027-{num}).",
             "We will buy the hardware outside the CALNET contracts through a competitive bid."]
PERIOD_SENT = [
    "The work is scheduled for {period}.",
    "Timeline: {period}.",
    "We expect to do the work {period_prep}.",
    "Planned schedule is {period}.",
    "Target dates are {period}.",
    "Implementation window: {period}.",
]
LABELS = {  # field -> label phrasings
    "agency": ["Agency", "Requesting Agency", "Department", "Agency Name", "Organization", "Requesting Entity"],
    "submitter_name": ["Submitted by", "Name", "Requester", "Submitter", "Requestor Name", "Signed"],
    "submitter_title": ["Title", "Position", "Title", "Job Title", "Working Title", "Role"],
    "delegation_type": ["Delegation Type", "Type of Delegation", "Delegation Requested", "Type", "Request Type", "Kind of Delegation"],
    "activities": ["Activities", "Activities Requested", "Delegated Activities", "Activities", "Scope of Delegation", "Requested Activities"],
    "project_scope": ["Project Scope", "Scope", "Project Description", "Description of Work", "What we will do", "Project Summary"],
    "project_purpose": ["Purpose", "Project Purpose", "Purpose of Project", "Business Need", "Why this is needed", "Objective"],
    "timeframe": ["Timeframe", "Timeline", "Schedule", "Project Dates", "Dates", "Duration"],
    "locations": ["Locations", "Location(s)", "Sites", "Project Locations", "Where", "Site Addresses"],
    "products_services": ["Products and Services", "Equipment", "Products/Equipment", "Items to Purchase", "Bill of Materials", "Hardware and Software"],
    "staff_qualifications": ["Staff Qualifications", "Staff Experience", "Technical Qualifications", "Staff Technical Qualifications and Experience", "Team Experience", "Who will do the work"],
    "justification": ["Justification", "Reasons for Delegation", "Why delegation should be granted", "Justification for Delegation", "Rationale", "Reason for Request"],
    "adverse_consequences": ["Adverse Consequences", "Consequences if Denied", "Impact if Denied", "Ramifications if Not Approved", "Risk if not approved", "If Denied"],
    "catalog_reference": ["Catalog B Item", "Catalog Reference", "CALNET Catalog B Reference", "Catalog B Item", "Catalog Item", "Catalog B Line"],
    "contact": ["Contact", "Contact Information", "Phone/Email", "Contact", "Reach me at", "Questions to"],
}
CLOSINGS = ["Sincerely,", "Respectfully,", "Regards,", "Thank you,", "Best regards,", "Cordially,"]


class Picker:
    """Choices from phrasing lists; the train part never sees a list's last third."""

    def __init__(self, rng: random.Random, split: str) -> None:
        self.rng, self.split = rng, split

    def __call__(self, options: list):
        if self.split == "train":
            options = options[: max(1, len(options) - len(options) // 3)]
        return self.rng.choice(options)


def _phone(rng: random.Random) -> str:
    a, b = rng.choice(["916", "530", "559", "213", "619", "707"]), rng.randint(200, 999)
    c = rng.randint(1000, 9999)
    return rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}"])


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _period_prep(text: str) -> str:
    if text.startswith(("by ", "no later", "beginning", "starting", "the ")):
        return text if not text.startswith("the ") else "in " + text
    if re.match(r"(Q\d|FY|fiscal)", text):
        return "in " + text
    return "from " + text if re.search(r"\b(to|through|-)\b", text) else "in " + text


def make_request(i: int, rng: random.Random, split: str) -> tuple[dict, dict]:
    """One delegation request: its text and its truth."""
    pick = Picker(rng, split)
    agency, agency_forms, domain = rng.choice(AGENCIES)
    written_agency = rng.choice(agency_forms)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    middle = rng.choice(["", "", "", f" {rng.choice('ABCDEJKLMR')}."])
    name = f"{first}{middle} {last}"
    cio = rng.random() < 0.78
    title = rng.choice(CIO_TITLES if cio else OTHER_TITLES)
    dtype = "general" if rng.random() < 0.65 else "calnet_contract"
    if dtype == "general":
        category = rng.choice(list(GENERAL))
        scope, products = rng.choice(GENERAL[category])
        categories = [category]
        catalog = None
        service = None
    else:
        category = None
        service, catalog = rng.choice(CONTRACT)
        scope = f"order {service}"
        products = []
        categories = []
        if rng.random() < 0.3:
            catalog = None
    acts = sorted(rng.sample(ACTIVITY_ORDER, rng.randint(1, 3)), key=ACTIVITY_ORDER.index)
    period, start, end = rng.choice(PERIODS)
    places = rng.choice(PLACES)
    email = f"{first.lower()}.{last.lower()}@{domain}".replace("á", "a") if rng.random() < 0.8 else None
    phone = _phone(rng) if rng.random() < 0.75 else None
    present = {f: True for f in ("project_scope", "project_purpose", "timeframe", "locations",
                                 "staff_qualifications", "adverse_consequences")}
    present["justification"] = present["products_services"] = dtype == "general"
    # Some requests genuinely leave out one or two required items.
    if rng.random() < 0.3:
        for f in rng.sample(["staff_qualifications", "adverse_consequences", "timeframe", "project_purpose",
                             "justification" if dtype == "general" else "locations"], rng.randint(1, 2)):
            present[f] = False
    if not present["locations"]:
        places = []
    flags = []
    extra_sents = []
    r = rng.random()
    if r < 0.12:
        flags.append("new_to_market")
        extra_sents.append(rng.choice(NEW_TO_MARKET))
    elif r < 0.24:
        flags.append("complex_technical")
        extra_sents.append(rng.choice(COMPLEX))
    elif r < 0.36:
        flags.append("exemption_may_be_required")
        extra_sents.append(rng.choice(EXEMPTION).format(num=rng.randint(100, 999)))
    if not cio:
        flags.append("submitter_not_cio")
    if dtype == "calnet_contract" and catalog is None:
        flags.append("catalog_reference_missing")

    loc_text = _join(places) if places else "our offices"
    slots = dict(agency=written_agency, scope=scope, loc=loc_text, service=service,
                 purpose=rng.choice(PURPOSES), years=rng.choice([6, 8, 10, 12, 15]),
                 other=rng.choice(["our Fresno office", "the Redding district", "two regional centers"]),
                 harm=rng.choice(HARMS), why=rng.choice(WHYS), period=period, period_prep=_period_prep(period),
                 acts=_join([rng.choice(ACTIVITY_WORDS[a]) for a in acts]))
    sents = {
        "ask": pick(GENERAL_ASK if dtype == "general" else CONTRACT_ASK).format(**slots),
        "activities": pick(ACTIVITY_ASK).format(**slots),
        "project_scope": pick(SCOPE).format(**slots),
        "project_purpose": pick(PURPOSE).format(**slots),
        "timeframe": pick(PERIOD_SENT).format(**slots),
        "staff_qualifications": pick(STAFF).format(**slots),
        "adverse_consequences": pick(ADVERSE).format(**slots),
        "justification": pick(JUSTIFY).format(**slots),
        "products_services": "Equipment to be purchased: " + "; ".join(products) + "." if products else "",
        "catalog_reference": f"The service is {catalog}." if catalog else "",
    }
    if not places:
        sents["project_scope"] = re.sub(r"[,;]? (at|for staff located in|serving|the work covers) our offices", "", sents["project_scope"])
    req = dict(i=i, split=split, agency=written_agency, name=name, title=title, dtype=dtype, products=products,
               catalog=catalog, period=period, places=places, email=email, phone=phone, present=present,
               sents=sents, extra=extra_sents, slots=slots, acts=acts)
    style = pick(["letter", "form", "terse", "memo", "bullets", "forwarded", "ocr_letter", "ocr_form", "letter"])
    text, subject, from_ = RENDER[style.removeprefix("ocr_")](req, rng, pick)
    if style.startswith("ocr_"):
        protect = [v for v in (name, written_agency, email, phone, period, title, *places, catalog) if v]
        text = ocr_noise(text, rng, protect)
    truth = {
        "kind": "delegation_request",
        "delegation_type": dtype,
        "general_categories": categories,
        "activities": acts,
        "flags": sorted(flags),
        "fields": {
            "agency": agency, "submitter_name": name, "submitter_title": title,
            "timeframe": {"start": start, "end": end} if present["timeframe"] else None,
            "locations": places or None, "contact_email": email, "contact_phone": phone,
        },
        "present": {**present, "catalog_reference": catalog is not None},
        "title_is_cio": cio,
    }
    truth["completeness"] = _completeness(truth)
    item = {"id": f"{i:03d}-{style}-{dtype}", "split": split, "style": style, "subject": subject,
            "from": from_, "in_reply_to": None, "text": text}
    truth["id"] = item["id"]
    truth["split"] = split
    return item, truth


def _completeness(t: dict) -> dict:
    required = ["agency", "submitter_name", "submitter_title", "project_scope", "project_purpose", "timeframe",
                "locations", "staff_qualifications", "adverse_consequences"]
    if t["delegation_type"] != "calnet_contract":
        required += ["products_services", "justification"]
    missing = []
    for f in required:
        has = t["fields"][f] not in (None, []) if f in t["fields"] else t["present"][f]
        if not has or (f == "submitter_title" and not t["title_is_cio"]):
            missing.append(f)
    if t["delegation_type"] is None:
        missing.append("delegation_type")
    return {"status": "incomplete" if missing else "complete", "missing": sorted(missing)}


def _body_sentences(req: dict, rng: random.Random) -> list[str]:
    s, p = req["sents"], req["present"]
    order = ["project_scope", "project_purpose", "timeframe", "staff_qualifications", "justification",
             "adverse_consequences"]
    mid = [s[f] for f in order if p.get(f)]
    rng.shuffle(mid)
    out = [s["ask"], *mid[:2], s["activities"], *mid[2:]]
    if p["products_services"] and s["products_services"]:
        out.insert(2, s["products_services"])
    if s["catalog_reference"]:
        out.insert(2, s["catalog_reference"])
    out[3:3] = req["extra"]
    return out


def _contact_line(req: dict) -> str:
    bits = [b for b in (req["phone"], req["email"]) if b]
    return " | ".join(bits)


def render_letter(req: dict, rng: random.Random, pick) -> tuple[str, str, str]:
    sents = _body_sentences(req, rng)
    paras, cur = [], []
    for sent in sents:
        cur.append(sent)
        if len(cur) >= rng.randint(2, 3):
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    opening = pick(["Dear CALNET Program Chief:", "Dear Program Chief,", "To the CALNET Program:",
                    "Attn: CALNET Program Chief, Office of Technology Services", "Dear Sir or Madam:",
                    "Greetings,"])
    date = rng.choice(["February 3, 2027", "January 12, 2027", "November 18, 2026", "March 9, 2027"])
    sig = [pick(CLOSINGS), "", req["name"], req["title"], req["agency"]]
    if _contact_line(req):
        sig.append(_contact_line(req))
    text = "\n".join([date, "", "Office of Technology Services", "CALNET Program", "P.O. Box 1810",
                      "Rancho Cordova, CA 95741-1810", "", opening, "", "\n\n".join(paras), "", *sig]) + "\n"
    subject = pick(["Delegation request", "CALNET delegation request - {a}", "Request for delegation approval",
                    "STMM 3-502 request", "{a} telecom project"]).format(a=req["agency"])
    return text, subject, f"{req['name']} <{req['email'] or 'noreply@state.ca.gov'}>"


def render_form(req: dict, rng: random.Random, pick) -> tuple[str, str, str]:
    s, p = req["sents"], req["present"]
    sep = rng.choice([": ", ":\t", " - ", ": "])
    lab = lambda f: pick(LABELS[f])  # noqa: E731
    lines = [pick(["CALNET DELEGATION REQUEST", "Delegation Request Form", "STMM 3-502.0 Delegation Request",
                   "REQUEST FOR CALNET DELEGATION"]), ""]
    lines.append(f"{lab('agency')}{sep}{req['agency']}")
    lines.append(f"{lab('submitter_name')}{sep}{req['name']}")
    lines.append(f"{lab('submitter_title')}{sep}{req['title']}")
    dt = "General Delegation" if req["dtype"] == "general" else pick(["CALNET Contract Delegation", "Contract"])
    lines.append(f"{lab('delegation_type')}{sep}{dt}")
    lines.append(f"{lab('activities')}{sep}" + "; ".join(rng.choice(ACTIVITY_WORDS[a]).title() for a in req["acts"]))
    body = {
        "project_scope": s["project_scope"],
        "project_purpose": s["project_purpose"].split(" ", 3)[-1] if rng.random() < 0.4 else s["project_purpose"],
        "timeframe": req["period"],
        "locations": "\n".join(req["places"]) if rng.random() < 0.5 else "; ".join(req["places"]),
        "products_services": "; ".join(req["products"]),
        "staff_qualifications": s["staff_qualifications"],
        "justification": s["justification"],
        "adverse_consequences": s["adverse_consequences"],
    }
    for f, v in body.items():
        if not p.get(f) or not v:
            if rng.random() < 0.4 and f != "products_services":
                lines.append(f"{lab(f)}{sep}")  # the label is there, the answer is not
            continue
        if "\n" in v:
            lines.append(f"{lab(f)}:")
            lines.extend(v.split("\n"))
        else:
            lines.append(f"{lab(f)}{sep}{v}")
    if req["catalog"]:
        lines.append(f"{lab('catalog_reference')}{sep}{req['catalog']}")
    if req["extra"]:
        lines.append(f"{pick(['Additional Information', 'Notes', 'Other Information'])}{sep}{' '.join(req['extra'])}")
    if _contact_line(req):
        lines.append(f"{lab('contact')}{sep}{_contact_line(req)}")
    text = "\n".join(lines) + "\n"
    return text, pick(["Delegation Request Form", "Form attached below", "CALNET delegation form"]), \
        f"{req['agency']} IT <it-office@{req['email'].split('@')[1] if req['email'] else 'state.ca.gov'}>"


def render_terse(req: dict, rng: random.Random, pick) -> tuple[str, str, str]:
    s, p = req["sents"], req["present"]
    bits = [pick(["Hi,", "Hello CALNET team,", "Team -", "Hi all,", "Good morning,"]), ""]
    ask = s["ask"]
    bits.append(ask)
    for f in ("project_scope", "timeframe", "project_purpose", "staff_qualifications", "justification",
              "adverse_consequences"):
        if p.get(f):
            bits.append(s[f])
    if s["products_services"] and p["products_services"]:
        bits.append(s["products_services"])
    if s["catalog_reference"]:
        bits.append(s["catalog_reference"])
    bits.append(s["activities"])
    bits.extend(req["extra"])
    bits.append(pick(["Thanks", "Thx", "Let me know if you need more.", "Appreciate it.", "Cheers"]))
    sig = [f"{pick(['-', '--', ''])}{req['name']}".strip(), f"{req['title']}, {req['agency']}"]
    if _contact_line(req):
        sig.append(_contact_line(req).replace(" | ", " / "))
    text = "\n".join(bits) + "\n\n" + "\n".join(sig) + "\n"
    return text, pick(["delegation", "need delegation", "quick delegation ask", "Delegation - {a}", "req"]).format(
        a=req["agency"]), f"{req['name']} <{req['email'] or 'it@state.ca.gov'}>"


def render_memo(req: dict, rng: random.Random, pick) -> tuple[str, str, str]:
    s, p = req["sents"], req["present"]
    head = ["MEMORANDUM", "", "TO:      CALNET Program Chief, Office of Technology Services",
            f"FROM:    {req['name']}, {req['title']}", f"         {req['agency']}",
            "DATE:    " + rng.choice(["January 20, 2027", "2/2/2027", "December 1, 2026"]),
            "SUBJECT: " + pick(["Request for CALNET Delegation", "Delegation Request", "Telecommunications Delegation"]),
            ""]
    sections = [("BACKGROUND", [s["ask"], *req["extra"]])]
    heads = {"project_scope": ["SCOPE", "PROJECT SCOPE", "WORK TO BE PERFORMED"],
             "project_purpose": ["PURPOSE", "BUSINESS NEED", "NEED"],
             "timeframe": ["SCHEDULE", "TIMELINE", "SCHEDULE"],
             "staff_qualifications": ["STAFF QUALIFICATIONS", "STAFF EXPERIENCE", "QUALIFICATIONS OF STAFF"],
             "justification": ["JUSTIFICATION", "REASONS FOR DELEGATION", "JUSTIFICATION"],
             "adverse_consequences": ["IMPACT IF DENIED", "ADVERSE CONSEQUENCES", "CONSEQUENCES OF DENIAL"]}
    for f in ("project_scope", "project_purpose", "timeframe", "staff_qualifications", "justification",
              "adverse_consequences"):
        if p.get(f):
            sections.append((pick(heads[f]), [s[f]]))
    if s["products_services"] and p["products_services"]:
        sections.append(("EQUIPMENT", ["; ".join(req["products"])]))
    if s["catalog_reference"]:
        sections.append(("CATALOG B", [req["catalog"]]))
    sections.append(("ACTIVITIES", [s["activities"]]))
    body = []
    for n, (h, sents) in enumerate(sections, 1):
        body += [f"{n}. {h}", " ".join(sents), ""]
    tail = []
    if _contact_line(req):
        tail.append("Questions: " + _contact_line(req).replace(" | ", ", "))
    text = "\n".join(head + body + tail) + "\n"
    return text, "Memo: delegation request", f"{req['name']} <{req['email'] or 'memo@state.ca.gov'}>"


def render_bullets(req: dict, rng: random.Random, pick) -> tuple[str, str, str]:
    s, p = req["sents"], req["present"]
    lines = [pick(["Summary of our request:", "Request details below.", "Here is what we need:",
                   "Delegation request - key points"]), ""]
    bullet = rng.choice(["- ", "* ", "• "])
    lines.append(bullet + s["ask"])
    for f in ("project_scope", "project_purpose", "timeframe", "staff_qualifications", "justification",
              "adverse_consequences"):
        if p.get(f):
            lines.append(bullet + s[f])
    if s["products_services"] and p["products_services"]:
        lines.append(bullet + s["products_services"])
    if s["catalog_reference"]:
        lines.append(bullet + s["catalog_reference"])
    lines.append(bullet + s["activities"])
    lines += [bullet + e for e in req["extra"]]
    lines += ["", pick(CLOSINGS), req["name"], req["title"], req["agency"]]
    if req["email"]:
        lines.append(req["email"])
    if req["phone"]:
        lines.append("Tel. " + req["phone"])
    return "\n".join(lines) + "\n", pick(["Delegation request (bullets)", "Request", "CALNET delegation"]), \
        f"{req['name']} <{req['email'] or 'x@state.ca.gov'}>"


def render_forwarded(req: dict, rng: random.Random, pick) -> tuple[str, str, str]:
    inner, subject, from_ = (render_letter if rng.random() < 0.5 else render_terse)(req, rng, pick)
    if not req["email"]:
        from_ = req["name"]  # the original sender's address is not shown
    helper = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    top = pick(["Forwarding the request below on behalf of our CIO.",
                "FYI - please process the request below.",
                "Sending this along for the CALNET Program; see the original message.",
                "See below, forwarded at the requester's direction."])
    text = (f"{top}\n\n{helper}\nExecutive Assistant\n\n---------- Forwarded message ---------\n"
            f"From: {from_}\nDate: Mon, 11 Jan 2027 09:14:00 -0800\nSubject: {subject}\n"
            f"To: STNDdelegations@state.ca.gov\n\n{inner}")
    return text, f"Fwd: {subject}", f"{helper} <assistant@state.ca.gov>"


RENDER = {"letter": render_letter, "form": render_form, "terse": render_terse, "memo": render_memo,
          "bullets": render_bullets, "forwarded": render_forwarded}


def ocr_noise(text: str, rng: random.Random, protect: list[str]) -> str:
    """OCR-like damage (0/O, l/1, rn/m swaps, stray marks, broken lines), sparing the truth values."""
    spans = []
    for value in protect:
        for m in re.finditer(re.escape(value), text):
            spans.append((m.start(), m.end()))

    def safe(i: int) -> bool:
        return not any(a <= i < b for a, b in spans)

    out = []
    for i, ch in enumerate(text):
        if safe(i) and rng.random() < 0.03:
            sub = {"o": "0", "O": "0", "l": "1", "I": "l", "m": "rn", "e": "c", "a": "o", ".": ",", "i": "í"}.get(ch)
            if sub:
                out.append(sub)
                continue
        out.append(ch)
    noisy = "".join(out)
    # Broken lines: a fax wraps long lines wherever the page ends (never inside a protected value).
    lines = []
    for line in noisy.split("\n"):
        while len(line) > 64:
            cut = line.rfind(" ", 40, 64)
            if cut < 0 or any(v in line[max(0, cut - 40):cut + 40] for v in protect):
                break
            lines.append(line[:cut])
            line = line[cut + 1:]
        lines.append(line)
    return "\n".join(lines)


# --- non-requests and follow-ups -----------------------------------------------------------------
OTHERS = [
    ("marketing", "New PBX portfolio: special pricing for state agencies",
     "Sales <promo@telcovendor.example>",
     "Dear IT leader,\n\nOur latest line of PBX and key telephone systems is here, with IVR and ACD built in. "
     "Schedule a demo this month for special pricing on hybrid PBX upgrades and SIP trunk gateways.\n\n"
     "Industry-leading uptime. Free assessment for California agencies.\n\nTo unsubscribe, reply STOP.\n"),
    ("marketing", "Webinar: modern contact centers for government",
     "Events <events@ccvendor.example>",
     "Join our webinar on interactive voice response and automatic call distribution for public agencies. "
     "Learn how agencies replaced their PBX in weeks. Limited-time offer: free trial of our premise-based platform.\n"
     "Opt out of these emails at any time.\n"),
    ("marketing", "Microwave backhaul for public safety",
     "Radio Systems Inc <info@radiosys.example>",
     "Hello,\n\nPoint-to-point microwave links and dark fiber transport for state networks. Our new product "
     "offering is newly released and industry-leading. Book a free demo.\n\nRegards,\nSales Team\n"),
    ("status", "Status of our delegation request",
     "Kevin Tran <kevin.tran@dds.ca.gov>",
     "Hello,\n\nCould you tell me the status of our delegation request submitted last month for the PBX "
     "replacement? When can we expect a decision?\n\nThanks,\nKevin Tran\nIT Manager\n"),
    ("status", "checking in",
     "Aiko Raman <aiko.raman@cpuc.ca.gov>",
     "Hi - has our request been reviewed yet? We sent the IVR delegation request in December.\n\nAiko\n"),
    ("auto_reply", "Automatic reply: CALNET delegation",
     "Linda Brennan <linda.brennan@water.ca.gov>",
     "I am out of the office until February 14 with limited access to email. For urgent delegation matters "
     "contact the service desk.\n"),
    ("auto_reply", "Out of Office",
     "Robert Sandoval <robert.sandoval@ftb.ca.gov>",
     "Thank you for your message. I am on annual leave until 3/2/2027. Your request will be handled on my return.\n"),
    ("bounce", "Undeliverable: Delegation request",
     "Mail Delivery Subsystem <mailer-daemon@state.ca.gov>",
     "Delivery has failed to these recipients or groups:\n\ncalnet-old@state.ca.gov\n\n"
     "Action: failed\nStatus: 5.1.1\n"),
    ("question", "Does SIP trunking need delegation?",
     "Priya Delgado <priya.delgado@dca.ca.gov>",
     "Hello,\n\nQuick question: does SIP trunking under the CALNET contract require delegation, or can we order "
     "it directly? I could not find the Delegation column in Catalog B.\n\nPriya Delgado\nTelecom Analyst\n"),
    ("question", "Question about STMM 3-502",
     "Marcus Yamada <marcus.yamada@arb.ca.gov>",
     "Good afternoon,\n\nWe are planning a phone system refresh next year. Before we write anything, can someone "
     "explain which parts of a PBX project fall under general delegation? Is there a template?\n\nMarcus\n"),
    ("newsletter", "CALNET Program bulletin - February",
     "CALNET Program <calnet-news@state.ca.gov>",
     "CALNET Program Bulletin\n\n- New Catalog B items posted for SD-WAN and contact center services.\n"
     "- Reminder: delegation requests must come from the agency CIO or equivalent.\n- Training dates for ATRs.\n"),
    ("meeting", "Invitation: delegation process office hours",
     "Scheduler <calendar@state.ca.gov>",
     "You are invited to office hours on the delegation process, Thursday 10:00-11:00, Room 204, Rancho Cordova. "
     "Bring questions about general and contract delegations.\n"),
    ("invoice", "Invoice 88213 - maintenance renewal",
     "Billing <billing@telcovendor.example>",
     "Attached is invoice 88213 for the annual PBX maintenance renewal at your Sacramento site. Payment due in 30 days.\n"),
    ("thanks", "Thank you",
     "Elena Ferreira <elena.ferreira@cdph.ca.gov>",
     "Thanks for approving our delegation so quickly. We will keep the Form 20 copies on file as required.\n\nElena\n"),
]
FOLLOWUPS = [
    ("RE: Delegation request - staff qualifications",
     "Darnell Okonkwo <darnell.okonkwo@chp.ca.gov>",
     "As requested, here is the missing information for our pending request.\n\nStaff Qualifications: our radio "
     "shop has twelve years of experience with microwave links and two certified engineers.\n\nDarnell Okonkwo\nCIO\n"),
    ("RE: CALNET delegation request - DSH",
     "Huong Whitfield <huong.whitfield@dsh.ca.gov>",
     "In response to your email, the adverse consequences if delegation is denied are that the hospital paging "
     "system will fail and staff will not receive alarms.\n\nRegards,\nHuong Whitfield\nAgency Information Officer\n"),
    ("Resubmission: PBX delegation request (corrected)",
     "Samuel Kowalski <samuel.kowalski@wildlife.ca.gov>",
     "We are resubmitting our earlier request with the corrected signature; our CIO now signs it. All other details "
     "are unchanged from the original submission.\n\nSamuel Kowalski\nChief Information Officer\n"),
    ("RE: Additional information for IVR request",
     "Fatima Abernathy <fatima.abernathy@cdtfa.ca.gov>",
     "Per your request, the locations are our Sacramento headquarters and the Fresno call center. The timeline is "
     "Q3 2027.\n\nFatima\n"),
    ("RE: Your delegation request",
     "Gregory Lindqvist <gregory.lindqvist@energy.ca.gov>",
     "Responding to your questions: the equipment is not provided by the CALNET contracts, and the vendor quote is "
     "attached. Our earlier request stays as submitted otherwise.\n\nGregory Lindqvist\nActing CIO\n"),
    ("RE: RE: delegation",
     "Yolanda Petrosyan <yolanda.petrosyan@hcd.ca.gov>",
     "Sure - the supplemental details you asked for: we will use in-house staff for installation and the work "
     "will be done at 2020 West El Camino Avenue, Sacramento.\n\n-Yolanda\n"),
    ("Updated request - Catalog B item added",
     "Wei Harrington <wei.harrington@calpers.ca.gov>",
     "Please find our updated request; the only change is the Catalog B item number, SDW-0112, which was missing "
     "from the original request.\n\nWei Harrington\nDeputy Director/CIO\n"),
    ("RE: delegation question",
     "Anil Mbeki <anil.mbeki@dir.ca.gov>",
     "Thanks for the quick review. Attached is the revised project schedule you requested: 3/1/2027 through "
     "6/30/2027.\n\nAnil\n"),
]


def make_others(rng: random.Random) -> list[tuple[dict, dict]]:
    """Non-requests and follow-ups, split alternately."""
    out = []
    rows = [("other", *o) for o in OTHERS] + [("follow_up", "followup", *f) for f in FOLLOWUPS]
    # A few more variants: the same kinds with OCR noise or a different greeting.
    for n, (kind, style, subject, from_, text) in enumerate(rows):
        split = "eval" if n % 5 in (1, 3) else "train"
        out.append((kind, style, subject, from_, text, split))
    extra = []
    for n, (kind, style, subject, from_, text, split) in enumerate(out[: N_OTHERS - len(out)]):
        variant = ocr_noise(text, rng, []) if n % 2 else "Hello,\n\n" + text
        extra.append((kind, style, subject, from_, variant, "eval" if split == "train" else "train"))
    items = []
    for n, (kind, style, subject, from_, text, split) in enumerate(out + extra):
        iid = f"{200 + n:03d}-{kind}-{style}"
        item = {"id": iid, "split": split, "style": style, "subject": subject, "from": from_,
                "in_reply_to": "<prev@state.ca.gov>" if kind == "follow_up" and subject.startswith("RE") else None,
                "text": text}
        truth = {"id": iid, "split": split, "kind": kind, "delegation_type": None, "general_categories": [],
                 "activities": [], "flags": [], "fields": {}, "present": {},
                 "completeness": {"status": "not_applicable", "missing": []}}
        items.append((item, truth))
    return items


def main(out: Path = HERE) -> None:
    """Write `items/*.json` and `truth.json` under `out`."""
    rng = random.Random(SEED)
    items_dir = out / "items"
    items_dir.mkdir(parents=True, exist_ok=True)
    for old in items_dir.glob("*.json"):
        old.unlink()
    pairs = []
    for i in range(N_REQUESTS):
        split = "eval" if i % 5 in (1, 3) else "train"
        pairs.append(make_request(i, rng, split))
    pairs += make_others(rng)
    truth = {}
    for item, t in pairs:
        (items_dir / f"{item['id']}.json").write_text(json.dumps(item, indent=1, ensure_ascii=False) + "\n")
        truth[item["id"]] = t
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    n_eval = sum(t["split"] == "eval" for t in truth.values())
    print(f"{len(truth)} items ({len(truth) - n_eval} train, {n_eval} eval) in {items_dir}")


if __name__ == "__main__":
    main()
