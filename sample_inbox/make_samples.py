#!/usr/bin/env python3
"""Deterministic generator of the operator's replay set (sample_inbox/).

Run from the project root:  .venv/bin/python sample_inbox/make_samples.py

Writes NN-*.eml and expected.json next to this script. Every byte is derived
from the constants below (fixed dates, Message-IDs, MIME boundaries, PDF dates
and ids, seeded noise), so two runs produce byte-identical files.
All people are fictional; agencies are real California state entities.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import random
import re
import sys
from email import policy
from email.message import EmailMessage
from pathlib import Path

import img2pdf
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent
FONTDIR = "/usr/share/fonts/truetype/dejavu/"
TO = "STNDdelegations@state.ca.gov"
TO_HDR = "CALNET Delegations <STNDdelegations@state.ca.gov>"
POLICY = policy.default  # LF line endings; parsers accept LF or CRLF
FIXED_PDF_DATE = dt.datetime(2026, 11, 2, 9, 0, 0, tzinfo=dt.timezone.utc)

FILES: dict[str, bytes] = {}
EXPECTED: dict[str, dict] = {}
REQUEST_TEXTS: dict[str, str] = {}  # texts checked for accidental flag words


# --------------------------------------------------------------------------
# helpers: expected records
# --------------------------------------------------------------------------
GENERAL_REQUIRED = ["agency", "submitter_name", "submitter_title", "project_scope",
                    "project_purpose", "timeframe", "locations", "staff_qualifications",
                    "adverse_consequences", "products_services", "justification"]


def expect(name, *, status="ok", channel="email", kind="delegation_request",
           dtype=None, cats=(), acts=(), missing=(), flags=(), agency=None,
           sname=None, stitle=None, note=""):
    if kind != "delegation_request":
        completeness = "not_applicable"
        missing = ()
    else:
        completeness = "incomplete" if missing else "complete"
    if status == "error":
        kind, completeness, missing, flags = "other", "not_applicable", (), ()
    EXPECTED[name] = {
        "status": status,
        "channel": channel,
        "kind": kind,
        "delegation_type": dtype,
        "general_categories": sorted(cats),
        "activities": sorted(acts),
        "completeness_status": completeness,
        "missing": sorted(missing),
        "flags": sorted(flags),
        "fields": {"agency": agency, "submitter_name": sname, "submitter_title": stitle},
        "note": note,
    }


# --------------------------------------------------------------------------
# helpers: messages
# --------------------------------------------------------------------------
def base_msg(frm, subject, date, msgid, to=TO_HDR, extra=()):
    m = EmailMessage(policy=POLICY)
    m["From"] = frm
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = date
    m["Message-ID"] = msgid
    for k, v in extra:
        m[k] = v
    return m


def fix_boundaries(msg, tag):
    n = 0
    for part in msg.walk():
        if part.is_multipart():
            n += 1
            part.set_boundary(f"----=_Part_{tag}_{n:02d}_20261101")
    return msg


def put(name, msg_or_bytes, tag=None):
    if isinstance(msg_or_bytes, (bytes, bytearray)):
        data = bytes(msg_or_bytes)
    else:
        fix_boundaries(msg_or_bytes, tag or name[:2])
        data = msg_or_bytes.as_bytes(policy=POLICY)
    FILES[name] = data


def text_email(name, frm, subject, date, msgid, body, extra=(), charset="utf-8", cte=None):
    m = base_msg(frm, subject, date, msgid, extra=extra)
    if cte is None:  # plain 7bit/8bit like most mail clients; long lines stay unwrapped
        cte = "7bit" if body.isascii() else "8bit"
    m.set_content(body, charset=charset, cte=cte)
    put(name, m)
    return m


def mid(n, dom):
    return f"<2026110{n:02d}.sample{n:02d}@{dom}>" if n < 10 else f"<202611{n:02d}.sample{n:02d}@{dom}>"


# --------------------------------------------------------------------------
# helpers: fax pages (300 dpi render -> 204 x 196/98 dpi, skew, threshold, speckle)
# --------------------------------------------------------------------------
def render_page(blocks, header=None, font="DejaVuSerif.ttf", pt=11.5):
    """blocks: list of (text, style) with style in {'p','b','h','c'}; returns L image 300 dpi."""
    W, H = 2550, 3300
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    px = int(pt * 300 / 72)
    fonts = {
        "p": ImageFont.truetype(FONTDIR + font, px),
        "b": ImageFont.truetype(FONTDIR + font.replace(".ttf", "-Bold.ttf"), px),
        "h": ImageFont.truetype(FONTDIR + "DejaVuSans-Bold.ttf", int(px * 1.6)),
        "c": ImageFont.truetype(FONTDIR + "DejaVuSans.ttf", int(px * 1.15)),
    }
    if header:
        hf = ImageFont.truetype(FONTDIR + "DejaVuSansMono.ttf", 32)
        d.text((150, 70), header, font=hf, fill=0)
    x0, y, maxw = 300, 270, W - 600
    for text, style in blocks:
        f = fonts[style]
        lh = int(f.size * 1.35)
        if text == "":
            y += lh // 2
            continue
        line = ""
        for w in text.split(" "):
            t = (line + " " + w).strip()
            if line and d.textlength(t, font=f) > maxw:
                d.text((x0, y), line, font=f, fill=0)
                y += lh
                line = w
            else:
                line = t
        if line:
            d.text((x0, y), line, font=f, fill=0)
            y += lh
        y += lh // 3
    if y > H - 200:
        raise ValueError(f"page overflow: {y}")
    return img


def to_fax(img, ydpi, seed):
    rnd = random.Random(seed)
    W, H = img.size
    img = img.resize((round(W * 204 / 300), round(H * ydpi / 300)), Image.LANCZOS)
    ang = rnd.uniform(0.5, 2.0) * rnd.choice([-1, 1])
    img = img.rotate(ang, resample=Image.BICUBIC, fillcolor=255)
    img = img.point(lambda v: 255 if v > 150 else 0).convert("1")
    pix = img.load()
    w, h = img.size
    for _ in range(int(w * h * 0.0006)):
        pix[rnd.randrange(w), rnd.randrange(h)] = 0
    for _ in range(int(w * h * 0.0002)):
        pix[rnd.randrange(w), rnd.randrange(h)] = 255
    return img


def tiff_bytes(pages, ydpi):
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", compression="group4", dpi=(204, ydpi),
                  save_all=True, append_images=pages[1:])
    return buf.getvalue()


def letter_blocks(text):
    """Turn a letter text (paragraphs separated by blank lines) into blocks.
    Lines starting with '#' are headings (bold)."""
    blocks = []
    for para in text.strip().split("\n\n"):
        lines = para.split("\n")
        while lines and lines[0].startswith("#"):
            blocks.append((lines.pop(0)[1:], "b"))
        if not lines:
            pass
        elif len(lines) > 1 and all(len(l) < 70 for l in lines):
            blocks.extend((l, "p") for l in lines)
        else:
            blocks.append((" ".join(l.strip() for l in lines), "p"))
        blocks.append(("", "p"))
    return blocks


def fax_pages(page_texts, ydpi, seed, fax_from, when, font="DejaVuSerif.ttf", cover=None):
    total = len(page_texts) + (1 if cover else 0)
    imgs = []
    n = 0
    allblocks = ([cover] if cover else []) + [letter_blocks(t) for t in page_texts]
    for blocks in allblocks:
        n += 1
        hdr = f"{when}  FROM: {fax_from}  TO: 19164639920  P.{n:03d}/{total:03d}"
        imgs.append(to_fax(render_page(blocks, hdr, font=font), ydpi, seed * 100 + n))
    return imgs


def fax_email(name, n, fax_from, date, pages_bytes, filename, ctype, npages):
    m = base_msg('"eFax Gateway" <fax-gateway@efax.state.ca.gov>',
                 f"Fax from {fax_from}", date, f"<fax.{n:02d}.20261100@efax.state.ca.gov>",
                 extra=[("X-Fax-Pages", str(npages)), ("X-Fax-Caller-ID", fax_from)])
    m.set_content(f"You have received a {npages} page fax.\n")
    maintype, subtype = ctype.split("/")
    m.add_attachment(pages_bytes, maintype=maintype, subtype=subtype, filename=filename)
    put(name, m)


# --------------------------------------------------------------------------
# helpers: text-layer PDF
# --------------------------------------------------------------------------
def text_pdf(title, paragraphs):
    pdf = FPDF(format="letter")
    pdf.set_creation_date(FIXED_PDF_DATE)
    pdf.set_title(title)
    pdf.set_author("California Department of Social Services")
    pdf.set_creator("Microsoft Word")
    pdf.set_producer("fpdf2")
    pdf.add_font("DejaVu", "", FONTDIR + "DejaVuSerif.ttf")
    pdf.add_font("DejaVu", "B", FONTDIR + "DejaVuSerif-Bold.ttf")
    pdf.set_margins(25, 22, 25)
    pdf.add_page()
    for kind, text in paragraphs:
        if kind == "head":
            pdf.set_font("DejaVu", "B", 14)
            pdf.multi_cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "sub":
            pdf.set_font("DejaVu", "", 9)
            pdf.multi_cell(0, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(5)
        elif kind == "label":
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("DejaVu", "", 10.5)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    out = pdf.output()
    return bytes(out)


# ==========================================================================
# THE SAMPLES
# ==========================================================================

# ---- 01 DMV: PBX, labelled form, complete --------------------------------
T01 = """\
To: CALNET Program Chief, Office of Technology Services
Re: CALNET Delegation Request - General Delegation

Agency: Department of Motor Vehicles
Delegation Type: General Delegation (PBX and key telephone systems)
Activities Requested: Installation; Operation and Maintenance

Project Scope:
Replace the Mitel MX-ONE PBX serving DMV Headquarters (approximately 2,400
stations) with an Avaya Aura Communication Manager 10.2 system on two
redundant G450 media gateways, including 2,400 J179 desk telephones, 60
analog ports for fax and elevator lines, and one Avaya Aura Messaging server.
The existing station cabling will be reused.

Purpose of Project:
The MX-ONE platform reached manufacturer end of support in June 2025. The
Department can no longer obtain security patches or spare processor boards,
and two outages in 2026 left the Headquarters public information lines
unanswered for more than four hours each.

Timeline - Installation will run from February 1, 2027 through June 30, 2027;
operation and maintenance by Department staff begins July 1, 2027.

Location(s):
- DMV Headquarters, 2415 First Avenue, Sacramento, CA 95818
- DMV Headquarters Annex, 4700 Broadway, Sacramento, CA 95820

Specific Products, Equipment and Services:
- Avaya Aura Communication Manager 10.2 (duplex servers)
- Avaya G450 media gateways (2)
- Avaya J179 IP desk telephones (2,400)
- Avaya Aura Messaging 7.1 voicemail server
- Installation and first-year manufacturer maintenance

Staff Technical Qualifications and Prior Experience:
The DMV Telecommunications Unit has nine staff; four hold Avaya ACSS
certification. The unit installed and has operated the Avaya systems at the
Fresno and Riverside field offices since 2019 and performed the 2021
migration of 180 field office key systems.

Justification (reasons delegation should be granted):
PBX systems are not provided by the CALNET contracts. The Department has
in-house staff experienced with this exact platform, and the installation
can be scheduled around Headquarters business hours by our own unit.

Adverse Consequences if Delegation is Denied:
Headquarters telephone service would remain on an unsupported system. A
processor failure would disconnect 2,400 employees and the public
information lines with no vendor able to restore service.

Contact: Margaret L. Okafor, (916) 555-0107, margaret.okafor@dmv.ca.gov

Respectfully submitted,

Margaret L. Okafor
Chief Information Officer
Department of Motor Vehicles
"""

# ---- 02 DWR: IP-enabling PBX components, bullets, Acting CIO -------------
T02 = """\
Good morning,

On behalf of the Department of Water Resources, I am requesting a General
Delegation for IP enabling PBX components (hybrid PBX). Details below.

* Activities requested: design and development; installation
* Scope: add IP gateway cards and SIP trunk licensing to the two existing
  NEC SV9500 PBX systems so that field division staff can use IP desk
  telephones alongside the existing digital sets (hybrid PBX operation)
* Purpose: the field divisions are adding IP-based control-room consoles
  that cannot register to the digital-only PBX; the hybrid configuration lets
  the consoles and the current digital stations share one dial plan
* Products / equipment:
    - NEC GPZ-IPLE IP extension cards (4)
    - NEC SV9500 SIP trunk and IP station licenses (300)
    - NEC ITY-8LDTX-1 IP desk telephones (250)
    - Patton SmartNode SN4120 gateways for remaining analog lines (2)
* Timeframe: design March 1, 2027 - April 30, 2027; installation
  May 1, 2027 - August 31, 2027
* Locations:
    - Oroville Field Division, 460 Glen Drive, Oroville, CA 95966
    - Delta Field Division, 250 Lambert Road, Tracy, CA 95304
* Staff qualifications: our Telecommunications Section has six engineers;
  three are NEC-certified SV9500 technicians. The section designed and
  installed the hybrid PBX upgrade at the San Joaquin Field Division in 2023
  and has maintained both SV9500 systems since 2016.
* Why delegation should be granted: IP enabling PBX components are not
  provided by the CALNET contracts; the work extends equipment the
  Department already owns and our staff already support.
* If denied: the control-room console project would stall, and operators at
  Oroville and Delta would keep working from separate, unintegrated phones
  during flood operations, which slows emergency call handling.

Thank you,

Daniel R. Esposito
Acting Chief Information Officer
California Department of Water Resources
1416 Ninth Street, Sacramento, CA 95814
(916) 555-0163
"""

# ---- 03 EDD: IVR/ACD, terse, missing staff qualifications ----------------
T03 = """\
Requesting General Delegation - IVR/ACD not provided by CALNET.

Agency: Employment Development Department
Activity: operation and maintenance

Scope: take over operation and maintenance of the Genesys Engage premise
ACD and IVR platform (450 agent seats) serving the Unemployment Insurance
call centers, including routing changes, prompt updates and patching.

Purpose: bring ACD/IVR routing changes in-house so that call flow updates
after benefit rule changes are made in days, not weeks.

Products/services: Genesys Engage 9.0 ACD and GVP IVR software; two Dell
PowerEdge R760 servers; annual Genesys software assurance.

Timeframe: January 15, 2027 to December 31, 2028.

Locations: 800 Capitol Mall, Sacramento, CA 95814 and 2555 South Elm
Avenue, Fresno, CA 93706.

Why delegation should be granted: this ACD/IVR platform is not provided by
the CALNET contracts and the Department already owns the licenses.

If denied: claimants would wait longer for routing fixes after each benefit
rule change, and call abandonment rates in the UI centers would rise.

Priya Raman
Chief Information Officer
Employment Development Department
priya.raman@edd.ca.gov | (916) 555-0129
"""

# ---- 04 CNRA: transport, HTML only, Agency Information Officer -----------
H04 = """\
<html><head><meta charset="utf-8"><title>CALNET Delegation Request</title></head>
<body style="font-family:Calibri,Arial,sans-serif;font-size:11pt">
<p>Dear CALNET Program Chief,</p>
<p>The California Natural Resources Agency requests a <b>General Delegation</b>
for a telecommunications transport solution that is not provided by the CALNET
Contracts. We request delegation for <b>project planning</b> and
<b>project oversight</b>.</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th align="left">Project Scope</th><td>A licensed 18 GHz point-to-point
microwave link (Cambium PTP 820S radios, 1 Gbps full duplex) between the
Natural Resources Building and the Agency's alternate operations site, with
rooftop mounts, surge protection and path engineering.</td></tr>
<tr><th align="left">Purpose</th><td>Provide a diverse transport path for the
Agency's emergency operations traffic that does not share the downtown
conduit used by our existing circuits, so a single conduit cut cannot isolate
the alternate site.</td></tr>
<tr><th align="left">Products and Services</th><td><ul>
<li>Cambium Networks PTP 820S 18 GHz radios (2) with 0.6 m antennas</li>
<li>FCC Part 101 frequency coordination and licensing</li>
<li>Path survey and rooftop structural analysis</li></ul></td></tr>
<tr><th align="left">Timeframes</th><td>Planning: January 4, 2027 &ndash; March 31, 2027;
project oversight of the installation: April 1, 2027 &ndash; July 30, 2027</td></tr>
<tr><th align="left">Locations</th><td>Natural Resources Building, 715 P Street, Sacramento, CA 95814;<br>
Alternate operations site, 3310 El Camino Avenue, Sacramento, CA 95821</td></tr>
<tr><th align="left">Staff Qualifications</th><td>The Agency network team (five engineers)
planned and oversaw the 2022 microwave link between the Department of Fish and
Wildlife headquarters and its Rancho Cordova lab; two engineers hold iNARTE
telecommunications engineer certification.</td></tr>
<tr><th align="left">Justification</th><td>Point-to-point microwave transport is not
offered on the CALNET contracts, and a radio path is the only practical way to
obtain a route physically separate from the existing fiber.</td></tr>
<tr><th align="left">Adverse consequences if denied</th><td>Emergency operations
traffic would remain on a single conduit path; a construction cut on P Street
would leave the alternate site unreachable during a wildfire or flood
activation.</td></tr>
</table>
<p>Sincerely,</p>
<p>Robert T. Nakamura<br>Agency Information Officer<br>California Natural Resources Agency<br>
(916) 555-0188 &middot; robert.nakamura@resources.ca.gov</p>
</body></html>
"""

# ---- 05 CDCR: premise-based, windows-1252 QP, formal prose ---------------
T05 = """\
November 5, 2026

CALNET Program Chief
Office of Technology Services
P.O. Box 1810
Rancho Cordova, CA 95741-1810

Subject: Request for General Delegation \u2013 Premise\u2011Based Notification Solution, Mule Creek State Prison

Dear Program Chief:

The California Department of Corrections and Rehabilitation (CDCR) respectfully requests a General Delegation, under STMM \u00a73-502.0, for the installation of a premise-based emergency notification and overhead paging solution at Mule Creek State Prison. This premise based solution is not provided by the CALNET Contracts.

The project\u2019s scope is the installation of a Singlewire InformaCast Fusion server cluster, 140 Valcom IP paging speakers, 38 Algo 8301 paging adapters and 12 Algo 8128 visual alert strobes across the facility\u2019s housing units, yard towers and administration building. The purpose is to give custody staff a single console that can broadcast lockdown, fire and medical alerts to every zone within ten seconds; today, staff must use three separate legacy intercom systems.

Installation is scheduled from March 15, 2027 through August 31, 2027, with \u201cgo-live\u201d by September 1, 2027. The work will take place at Mule Creek State Prison, 4001 Highway 104, Ione, CA 95640.

CDCR\u2019s Enterprise Information Services telecommunications team has eleven technicians, five of whom are Singlewire-certified. The team installed InformaCast at California State Prison, Sacramento in 2022 and at the California Health Care Facility, Stockton in 2024, and has maintained both systems since.

We believe delegation should be granted because the team has installed this same solution twice at comparable institutions, the products are the CDCR enterprise standard, and installation inside a secure perimeter requires cleared staff that CDCR already has.

If delegation is denied, Mule Creek would continue to rely on three unconnected legacy intercoms \u2014 a documented life-safety risk identified in the 2026 Office of the Inspector General audit \u2014 and the remediation deadline of September 30, 2027 would be missed.

Sincerely,

Sandra J. Whitfield
Chief Information Officer
California Department of Corrections and Rehabilitation
1515 S Street, Sacramento, CA 95811
(916) 555-0134
"""

# ---- 06 FTB: CALNET contract delegation, Catalog B item, complete --------
T06 = """\
CALNET Program,

The Franchise Tax Board submits the following CALNET Contract Delegation request.

Delegation type: CALNET Contract Delegation
Catalog B reference: CALNET Catalog B, Category 1.2 Managed Network Service, item MNS-1207 Managed Router Service - Enhanced (Catalog B column "Delegation": Yes)
Activities requested: design and development; installation

Project scope: design and install 14 MNS-1207 managed routers to replace the
agency-owned branch routers at FTB field offices, including the addressing plan,
QoS policy for the tax-season contact center traffic and cutover runbooks.

Purpose: consolidate field office WAN routing under the CALNET managed service so
that router patching and monitoring are provided under the contract, and retire
14 agency-owned routers that reach end of support in 2027.

Timeframe: design December 1, 2026 - January 29, 2027; installation
February 8, 2027 - May 28, 2027 (no cutovers during April 1-15 filing peak).

Locations: FTB Central Office, 9646 Butterfield Way, Sacramento, CA 95827;
field offices in Los Angeles (300 S. Spring Street), Oakland (1515 Clay
Street), San Diego (1350 Front Street) and Santa Ana (600 W. Santa Ana Blvd),
plus nine smaller field offices.

Staff technical qualifications and prior experience: the FTB Network Services
section has eight network engineers (three CCNP Enterprise, one CCIE). The
section designed and installed the CALNET MNS managed switches at the Central
Office campus in 2024 and migrated 22 sites to CALNET SD-WAN in 2025.

Adverse consequences if delegation is denied: the 14 field office routers would
run past end of support into the 2027 filing season, exposing taxpayer data to
unpatched vulnerabilities and risking field office outages during peak demand.

Harold W. Brandt
Chief Information Officer
Franchise Tax Board
harold.brandt@ftb.ca.gov, (916) 555-0150
"""

# ---- 07 CDPH: contract delegation, no catalog item, base64 utf-8 ---------
T07 = """\
Estimado equipo / Dear CALNET Program staff,

The California Department of Public Health requests a CALNET Contract
Delegation. Our CALNET contractor account representative confirmed that the
managed LAN switching service we plan to order is a CALNET contract service
that requires delegation before ordering.

Activity requested: installation.

Project scope: installation of the CALNET managed LAN switching service for the
Richmond Laboratory Campus: 42 managed access switches and 4 managed
distribution switches replacing the Department's own switches in Buildings
P, A and E, with the contractor's monitoring enabled on day one.

Purpose: the Richmond laboratories' instruments and the Laboratory Information
Management System depend on a campus network whose switches are out of
support; moving to the managed service gives the Department contractor
monitoring and four-hour hardware replacement.

Timeframe: installation from February 15, 2027 through May 14, 2027, in
weekend windows agreed with the Viral and Rickettsial Disease Laboratory.

Location: CDPH Richmond Laboratory Campus, 850 Marina Bay Parkway, Richmond,
CA 94804.

Staff technical qualifications and prior experience: the CDPH Network
Operations unit (seven engineers, two with CCNP certification) installed the
managed switching service at the Sacramento headquarters (1615 Capitol Avenue)
in 2024 and coordinated the laboratory network cutover plan for the COVID-19
testing expansion in 2020.

Adverse consequences if delegation is denied: the laboratory network would stay
on switches without vendor support; a switch failure in Building P would halt
specimen result reporting to local health departments until a replacement
could be sourced.

Atentamente,

Dr. Lucía Fernández-Ortega
Chief Information Officer
California Department of Public Health
lucia.fernandez-ortega@cdph.ca.gov · (916) 555-0171
"""

# ---- 08 Caltrans: PBX, Telecommunications Manager, no staff quals --------
T08 = """\
Hello,

Caltrans District 4 requests a General Delegation for a PBX replacement.
Delegation is requested for installation.

Project scope: replace the Siemens HiPath 4000 PBX at the District 4 office
building with a Mitel MiVoice Business 3300 system (two controllers, 900 IP
stations, 120 analog ports) and Mitel MiCollab voicemail.

Project purpose: the HiPath 4000 is no longer supported by the manufacturer,
and the District's traffic management center depends on it for incident
lines.

Products and equipment: Mitel MiVoice Business EX controllers (2), Mitel
6920 IP phones (900), Mitel AX analog controller, MiCollab 9.7 server.

Timeframe: April 5, 2027 through October 29, 2027.

Location: Caltrans District 4, 111 Grand Avenue, Oakland, CA 94612.

Why delegation should be granted: PBX systems are not provided by the CALNET
contracts, and the District must control the cutover schedule around
traffic management center operations.

If delegation is denied: the District 4 office and the traffic management
center would continue on an unsupported PBX; a failure during a Bay Area
incident would cut the TMC's coordination lines with CHP and local agencies.

Regards,

Kevin M. Delacroix
Telecommunications Manager
California Department of Transportation, District 4
(510) 555-0114 | kevin.delacroix@dot.ca.gov
"""

# ---- 09 CalFire: contract delegation, IT Supervisor ----------------------
T09 = """\
To the CALNET Program:

CAL FIRE is requesting a CALNET Contract Delegation for operation and maintenance of
managed LAN switching at our unit headquarters.

Catalog item: CALNET Catalog B, Category 1.2 Managed Network Service, item MNS-2215
Managed LAN Switch, 48-port PoE (Delegation: Yes).

Scope of project: operation and maintenance of 36 MNS-2215 managed LAN switches at
six unit headquarters, including configuration changes, VLAN moves for seasonal
staff and coordination of contractor hardware replacement.

Purpose: during fire season the units add up to 300 seasonal firefighters and
dispatch positions; unit IT staff need delegated authority to make switch changes
the same day rather than waiting on contractor change tickets.

Timeframe: January 1, 2027 through December 31, 2029.

Locations:
  Amador-El Dorado Unit HQ, 2840 Mt. Danaher Road, Camino, CA 95709
  Tuolumne-Calaveras Unit HQ, 785 Mountain Ranch Road, San Andreas, CA 95249
  Nevada-Yuba-Placer Unit HQ, 13760 Lincoln Way, Auburn, CA 95603
  Butte Unit HQ, 176 Nelson Avenue, Oroville, CA 95965
  Tehama-Glenn Unit HQ, 604 Antelope Boulevard, Red Bluff, CA 96080
  Shasta-Trinity Unit HQ, 875 Cypress Avenue, Redding, CA 96001

Staff technical qualifications and prior experience: the six unit IT technicians hold
CompTIA Network+ and Cisco CCNA certifications and have operated the units' own Cisco
Catalyst switches since 2018; the regional network team operated the MNS switches at
the Sacramento Emergency Command Center during the 2025 season.

Adverse consequences if delegation is denied: switch changes during incidents would
wait 24 to 72 hours on contractor tickets, delaying the activation of seasonal
dispatch positions in the middle of fire season.

Angela Ruiz
Information Technology Supervisor II
California Department of Forestry and Fire Protection (CAL FIRE)
angela.ruiz@fire.ca.gov
"""

# ---- 10 CDSS: text-layer PDF letter --------------------------------------
P10 = [
    ("head", "California Department of Social Services"),
    ("sub", "Information Systems Division \u2022 744 P Street, Sacramento, CA 95814 \u2022 (916) 555-0196"),
    ("body", "November 6, 2026"),
    ("body", "CALNET Program Chief\nOffice of Technology Services\nP.O. Box 1810, Rancho Cordova, CA 95741-1810"),
    ("label", "RE: Request for General Delegation \u2013 Key Telephone System and IVR, Community Care Licensing Regional Office"),
    ("body", "Dear Program Chief:"),
    ("body", "The California Department of Social Services (CDSS) requests a General Delegation for project "
             "planning, design and development, and installation of a key telephone system with an integrated "
             "interactive voice response (IVR) front end for the Community Care Licensing Division's Southern "
             "California regional office. Key telephone systems and this IVR/ACD solution are not provided by the "
             "CALNET Contracts."),
    ("label", "Project scope"),
    ("body", "Replace the office's Panasonic KX-TDA key telephone system with a Panasonic KX-NS1000 system "
             "(96 stations), add a four-port IVR with ACD queueing for the licensing complaint hotline, and "
             "re-terminate the existing 24 analog trunks."),
    ("label", "Purpose"),
    ("body", "Callers reporting concerns about licensed care facilities currently reach a single ringing "
             "group with no queueing; during surges calls go unanswered. The IVR will sort complaint, "
             "application and inspection calls and queue them to the correct licensing team."),
    ("label", "Specific products, equipment and services"),
    ("body", "Panasonic KX-NS1000 call server; KX-NS5110 IVR/voice processing card; 96 KX-NT680 IP "
             "telephones; 24-port analog trunk card; installation and two years of manufacturer support."),
    ("label", "Timeframes"),
    ("body", "Planning: January 11 \u2013 February 26, 2027. Design and development: March 1 \u2013 April 30, 2027. "
             "Installation: May 3 \u2013 June 25, 2027."),
    ("label", "Location"),
    ("body", "Community Care Licensing Division, Southern California Regional Office, 1000 Corporate Center "
             "Drive, Suite 200, Monterey Park, CA 91754."),
    ("label", "Staff technical qualifications and prior experience"),
    ("body", "The Information Systems Division's telecommunications section has four analysts and two "
             "technicians. They planned and installed Panasonic KX-NS systems at the Riverside and Fresno "
             "regional offices in 2023 and 2024 and maintain IVR call flows for the Adult Programs hotline."),
    ("label", "Reasons delegation should be granted"),
    ("body", "The Department has completed two identical installations, owns spare parts for this platform, "
             "and can schedule the work around the hotline's peak hours without outside coordination."),
    ("label", "Adverse consequences if delegation is denied"),
    ("body", "Complaint calls about the safety of children and elders in licensed facilities would continue "
             "to go unanswered during surges, delaying investigations that are required by statute to begin "
             "within ten days."),
    ("body", "Sincerely,"),
    ("body", "Thomas E. Kagawa\nChief Information Officer\nCalifornia Department of Social Services"),
]

# ---- 11 DCA: forwarded as message/rfc822 ---------------------------------
T11_INNER = """\
CALNET Program Chief,

The Department of Consumer Affairs requests a General Delegation for an
IVR/ACD solution not provided by the CALNET Contracts, for design and
development, installation, and operation and maintenance.

Project scope: a premise IVR and ACD for the DCA Consumer Information Center
(60 agent positions) on Cisco Unified Contact Center Express 15, with
speech-enabled self-service for license look-ups for 36 boards and bureaus.

Purpose: 1.1 million calls a year reach the Consumer Information Center; most
ask whether a contractor, nurse or pharmacist holds a valid license. Self-service
license look-up lets agents handle complaints instead.

Specific products and services: Cisco UCCX 15 Premium licenses (60 seats);
Cisco UCS C220 M7 servers (2); Nuance speech recognition ports (24); design
and installation services; three years of software support.

Timeframe: design and development January 19 - April 16, 2027; installation
April 19 - June 30, 2027; operation and maintenance from July 1, 2027.

Location: DCA Headquarters, 1625 North Market Boulevard, Sacramento, CA 95834.

Staff qualifications: DCA's Office of Information Services unified
communications team (five engineers, two CCNP Collaboration) designed and
runs the UCCX system for the Board of Registered Nursing call center
(2022) and the Contractors State License Board (2024).

Reasons delegation should be granted: the solution reuses our existing Cisco
call control, the team has built two UCCX centers of this size, and the
Department will operate it with existing staff.

Adverse consequences if denied: hold times, now averaging 14 minutes, would
keep growing and the Department would miss its consumer service-level goals
set in the 2026-27 strategic plan.

Marcus A. Bell
Chief Information Officer
Department of Consumer Affairs
(916) 555-0120 | marcus.bell@dca.ca.gov
"""

# ---- 12 CalVet: fax, fine mode, 2 pages ----------------------------------
F12 = ["""\
#California Department of Veterans Affairs
1227 O Street, Sacramento, CA 95814

November 12, 2026

CALNET Program Chief
Office of Technology Services
Fax: (916) 463-9920

#Re: Request for General Delegation - PBX Replacement, Veterans Home of California, Yountville

Dear Program Chief:

The California Department of Veterans Affairs (CalVet) requests a General Delegation for the installation, and operation and maintenance, of a replacement PBX at the Veterans Home of California, Yountville. PBX systems are not provided by the CALNET Contracts.

#Project scope
Replace the Avaya Definity G3 PBX serving the Yountville campus (1,100 stations, 27 buildings) with an Avaya Aura Communication Manager 10.2 system, two G450 media gateways, 700 J169 IP telephones and 400 analog ports for resident rooms and nurse call interfaces.

#Purpose
The Definity system was installed in 2002. Spare parts now come from salvage dealers, and a failed power supply in August 2026 left the skilled nursing building without outside lines for six hours.

#Timeframe
Installation from February 1, 2027 through September 30, 2027. Operation and maintenance by CalVet staff from October 1, 2027.
""", """\
#Location
Veterans Home of California, Yountville, 260 California Drive, Yountville, CA 94599.

#Products and equipment
Avaya Aura Communication Manager 10.2; Avaya G450 media gateways (2); Avaya J169 IP telephones (700); Avaya MM716 analog media modules for 400 analog ports; Avaya Aura Messaging.

#Staff technical qualifications and prior experience
CalVet's telecommunications unit has five technicians; three hold Avaya ACSS certification. The unit installed the Avaya system at the Veterans Home in Chula Vista in 2022 and has maintained the Yountville Definity since 2010.

#Reasons delegation should be granted
The unit knows the campus cabling and the nurse call interfaces, and can phase the cutover building by building around resident care schedules.

#Adverse consequences if denied
Residents, many of them in skilled nursing care, would remain on a system that cannot be repaired with manufacturer parts. Another failure could leave the campus without 911 access from resident rooms.

Sincerely,

Ellen V. Marchetti
Chief Information Officer
California Department of Veterans Affairs
(916) 555-0145
"""]

# ---- 13 DGS: fax, normal mode, 1 page, contract, no timeframe/adverse ----
F13 = ["""\
#STATE OF CALIFORNIA - DEPARTMENT OF GENERAL SERVICES
707 Third Street, West Sacramento, CA 95605

November 13, 2026

To: CALNET Program Chief, Office of Technology Services
Fax: (916) 463-9920

#Subject: CALNET Contract Delegation Request

The Department of General Services requests a CALNET Contract Delegation for installation of a CALNET managed network service.

Catalog reference: CALNET Catalog B, Category 1.2 Managed Network Service, item MNS-0840 Managed Wireless LAN Access Point (Delegation: Yes).

Project scope: install 210 MNS-0840 managed wireless access points in the Ziggurat building and the Capitol Annex swing space, with contractor site surveys for each floor.

Purpose: replace agency-owned access points that no longer receive security updates and give visiting staff from client departments one wireless network across DGS buildings.

Locations: 707 Third Street, West Sacramento, CA 95605 and 1021 O Street, Sacramento, CA 95814.

Staff qualifications: the DGS Network Services unit has six engineers (two CWNA certified) who installed 180 managed access points at the Office of State Publishing in 2025 and maintain the DGS campus wireless network.

Please contact me with any questions.

Frank Oyelaran
Chief Information Officer
Department of General Services
(916) 555-0108
"""]

# ---- 14 Parks: image-only PDF fax with cover sheet -----------------------
COVER14 = [
    ("FAX", "h"), ("", "p"),
    ("California Department of Parks and Recreation", "c"),
    ("Information Technology Division", "c"), ("", "p"),
    ("To: CALNET Program Chief, Office of Technology Services", "c"),
    ("Fax number: (916) 463-9920", "c"),
    ("From: Catherine D. Lindqvist, Chief Information Officer", "c"),
    ("Fax number: (916) 555-0178", "c"),
    ("Phone: (916) 555-0177", "c"),
    ("Date: November 16, 2026", "c"),
    ("Pages: 3 (including this cover sheet)", "c"),
    ("Re: CALNET Delegation Request - Hearst San Simeon", "c"), ("", "p"),
    ("Comments: Please find our delegation request letter attached. The original will follow by mail.", "p"),
    ("", "p"),
    ("CONFIDENTIALITY NOTICE: This facsimile is intended only for the addressee. If you received it in error, "
     "please notify the sender at (916) 555-0177 and destroy all copies.", "p"),
]
F14 = ["""\
#California Department of Parks and Recreation
1416 Ninth Street, Sacramento, CA 95814

November 16, 2026

#Re: General Delegation Request - Premise-Based Visitor Communications Solution

Dear CALNET Program Chief:

The Department of Parks and Recreation requests a General Delegation for project planning and installation of a premise-based solution that is not provided by the CALNET Contracts.

#Project scope
A premise-based visitor communications solution at Hearst San Simeon State Historical Monument: a Zenitel Turbine intercom server, 46 Zenitel TCIV-3 emergency help points along the tour routes and bus loading areas, integration with the ranger dispatch console, and a Syn-Apps SA-Announce paging server for 30 visitor-area speakers.

#Purpose
Visitors on the hillside tour routes have no reliable cellular coverage. The help points give every tour route a direct voice path to rangers and let staff announce evacuations and closures across the site.

#Timeframe
Project planning: January 11, 2027 through March 19, 2027. Installation: April 5, 2027 through July 30, 2027.
""", """\
#Locations
Hearst San Simeon State Historical Monument, 750 Hearst Castle Road, San Simeon, CA 93452, and the Visitor Center at the base of the hill.

#Specific products and equipment
Zenitel Turbine TCIV-3 help points (46); Zenitel ICX-500 server; Syn-Apps SA-Announce server; Atlas IED IP speakers (30); fiber media converters for the tour route runs.

#Staff technical qualifications and prior experience
The Department's radio and telecommunications section has seven technicians. They planned and installed Zenitel help points at Old Town San Diego State Historic Park in 2023 and at the Sutter's Fort renovation in 2024, and maintain the Department's ranger radio network.

#Reasons delegation should be granted
The section already supports this product line, knows the site's fiber plant from the 2021 fiber project, and can plan the installation around tour schedules.

#Adverse consequences if delegation is denied
Visitors on the tour routes would continue to lack any means of calling for help. A fall or a medical emergency on the hillside could go unreported until the next tour bus arrives, and evacuation announcements would reach only the Visitor Center.

Sincerely,

Catherine D. Lindqvist
Chief Information Officer
California Department of Parks and Recreation
"""]

# ---- 15 DSH: new to market ------------------------------------------------
T15 = """\
Subject line says it all: General Delegation request, hybrid PBX,
Napa State Hospital.

Agency: Department of State Hospitals
Delegation: General - IP enabling PBX components / hybrid PBX systems
Activity: installation

Project Scope: install a hybrid PBX at Napa State Hospital that combines the
existing digital station cards with an IP call-control appliance, converting
1,600 stations in the patient units and administration buildings.

Purpose of Project: allow IP duress and nurse stations in the patient units to
share one dial plan with existing digital telephones, so that staff alarms ring
through to the hospital police dispatch console.

Products/Equipment: Vocaliant HX-9 hybrid call-control appliance (2, redundant);
Vocaliant DX-48 digital station line cards (34); 400 Vocaliant V40 IP
telephones. The HX-9 appliance was released in the third quarter of 2026 and
is new in the marketplace; it is the only product we found that keeps the
existing digital cards in service.

Timeframe: March 1, 2027 through November 30, 2027.

Location: Napa State Hospital, 2100 Napa-Vallejo Highway, Napa, CA 94558.

Staff qualifications and prior experience: DSH Telecommunications has eight
technicians who installed the hybrid PBX at Patton State Hospital in 2021 and
the duress alarm integration at Coalinga State Hospital in 2024.

Justification: IP enabling PBX components are not provided by the CALNET
contracts, and this product lets the hospital keep 1,200 working digital
telephones instead of replacing all cabling in occupied patient units.

Adverse consequences if denied: the duress stations in the patient units could
not ring through to hospital police, leaving staff alarms dependent on a
separate radio system that has dead spots in two buildings.

Victor Alvarez
Chief Information Officer
Department of State Hospitals
victor.alvarez@dsh.ca.gov
"""

# ---- 16 DOJ: complex technical, transport ---------------------------------
T16 = """\
Dear CALNET Program Chief,

The California Department of Justice requests a General Delegation for a
telecommunications transport solution not provided by the CALNET Contracts,
for design and development and project oversight.

Project scope: design of a dense wavelength division multiplexing (DWDM)
optical ring over leased dark fiber linking the DOJ headquarters, the
Hawkins data center and the Bureau of Forensic Services laboratory, carrying
10 x 100G waves with encrypted optical transport and sub-50 ms protection
switching; DOJ staff will provide project oversight of the build.

Purpose: the California Law Enforcement Telecommunications System (CLETS) and
the DNA databank replicate between the three sites; the DWDM ring provides the
capacity and route protection those systems require.

This work is of a complex technical nature - optical engineering, encryption
at layer 1 and protection switching across three sites - and we expect it to
need OTech oversight during design. We welcome that involvement.

Specific products and services: Ciena 6500 Packet-Optical platforms (3 nodes);
WaveLogic 5 Extreme 100G/400G modems; leased dark fiber (42 route miles);
optical design services.

Timeframe: design and development February 1, 2027 - July 30, 2027; project
oversight of the build August 2, 2027 - March 31, 2028.

Locations: DOJ Headquarters, 4949 Broadway, Sacramento, CA 95820; Hawkins Data
Center, Sacramento County; Bureau of Forensic Services, 1001 W. Cutting
Boulevard, Richmond, CA 94804.

Staff qualifications: the DOJ Network Engineering section has twelve engineers,
including two with Ciena Certified Packet-Optical Specialist credentials; the
section designed the 10G Ethernet private line ring between the same sites in
2017 and operates CLETS transport today.

Why delegation should be granted: CLETS carries criminal justice information
that must stay on DOJ-controlled transport under FBI CJIS policy, and DOJ staff
have operated this transport between these sites for nine years.

If delegation is denied: CLETS and DNA databank replication would stay on a
10G ring that reaches full capacity in mid-2028, degrading law enforcement
queries statewide during peak hours.

Naomi Stein-Hargrove
Chief Information Officer
California Department of Justice
(916) 555-0161
"""

# ---- 17 DHCS: exemption may be required, missing timeframe/adverse -------
T17 = """\
CALNET Program,

The Department of Health Care Services is requesting a General Delegation for
project planning of an IVR/ACD solution not provided by the CALNET Contracts.

Scope: planning for a replacement IVR/ACD for the Medi-Cal Member Help Line
(220 agents), including requirements, call-flow design standards and
integration with the Medi-Cal eligibility system.

Purpose: the current help line platform cannot support the language access
and callback features required by the Medi-Cal member communication standards.

Products and services: a hosted-premise hybrid IVR/ACD with 220 agent
licenses, speech recognition in 12 threshold languages, callback and workforce
management modules.

How we will buy it: the Department will purchase the platform through a
separate solicitation from a non-CALNET vendor. A related exemption request
under STMM 3-501.0 (DHCS reference EX-2026-044) was submitted to the CALNET
Program on October 28, 2026.

Location: DHCS, 1501 Capitol Avenue, Sacramento, CA 95814, and the member
help line site at 3831 North Freeway Boulevard, Sacramento, CA 95834.

Staff qualifications: the DHCS Contact Center Technology team (six staff) ran
the planning and requirements phase for the Provider Services IVR in 2024 and
maintains 14 IVR applications today.

Justification: planning must begin before the exemption decision so the
Department can be ready to award; our staff have planned a comparable
contact center platform.

Gregory P. Hwang
Chief Information Officer
Department of Health Care Services
"""

# ---- 18 CDFA: delegation type cannot be determined ------------------------
T18 = """\
Hi,

We'd like to request delegation approval for planning and installation of
telecommunications for the Plant Pest Diagnostics Center lab building.

Scope: telecommunications upgrade for roughly 120 staff in the lab building.
Timeline: March 1, 2027 to June 30, 2027.
Location: 3294 Meadowview Road, Sacramento, CA 95832.

Let me know what else you need.

Steven Park
Chief Information Officer
California Department of Food and Agriculture
"""

# ---- 19 EDD reply: adds staff qualifications ------------------------------
T19 = """\
Hello CALNET Program,

As requested, here is the information on staff qualifications that was
missing from our request of November 3.

Staff technical qualifications and prior experience: the EDD Contact Center
Engineering unit has seven engineers; four hold Genesys Certified Professional
credentials. The unit has administered the Genesys routing strategies for the
Disability Insurance call center since 2020 and performed the 2024 upgrade
from Genesys 8.5 to 9.0 without an outage.

Please let me know if anything else is needed.

Priya Raman
Chief Information Officer
Employment Development Department

On Tue, Nov 3, 2026 at 9:12 AM Priya Raman <priya.raman@edd.ca.gov> wrote:
> [original message trimmed]
"""

# ---- 20 Caltrans resubmission signed by CIO -------------------------------
T20 = """\
CALNET Program Chief,

This resubmits the Caltrans District 4 request of November 9, 2026 (PBX
replacement, 111 Grand Avenue, Oakland), which our Telecommunications Manager
sent without CIO signature. The request is now submitted by the Chief
Information Officer and adds staff qualifications.

Delegation type: General Delegation (PBX). Activity: installation.

Project scope: replace the Siemens HiPath 4000 PBX at the District 4 office
building with a Mitel MiVoice Business 3300 system (two controllers, 900 IP
stations, 120 analog ports) and Mitel MiCollab voicemail.

Purpose: the HiPath 4000 is no longer supported by the manufacturer, and the
District's traffic management center depends on it for incident lines.

Products and equipment: Mitel MiVoice Business EX controllers (2), Mitel 6920
IP phones (900), Mitel AX analog controller, MiCollab 9.7 server.

Timeframe: April 5, 2027 through October 29, 2027.

Location: Caltrans District 4, 111 Grand Avenue, Oakland, CA 94612.

Staff qualifications: the Caltrans Telecommunications Branch has fourteen
technicians; five hold Mitel MiVoice Business certification. The branch
installed Mitel systems in Districts 3 and 7 in 2023 and 2025.

Why delegation should be granted: PBX systems are not provided by the CALNET
contracts, and the District must control the cutover schedule around traffic
management center operations.

If delegation is denied: the District 4 office and the traffic management
center would continue on an unsupported PBX; a failure during a Bay Area
incident would cut the TMC's coordination lines with CHP and local agencies.

Ramona K. Ellis
Chief Information Officer
California Department of Transportation
"""

# ---- 21 status question ---------------------------------------------------
T21 = """\
Hello,

What is the status of our request submitted last month? The Department of
Rehabilitation sent a CALNET delegation request on October 8, 2026 for the
PBX replacement at our Sacramento office (721 Capitol Mall). We have not
received an acknowledgement or a decision, and our installation window opens
in January.

Could you let us know whether the request was received and if anything else
is needed?

Thanks,
Luis Carrillo
IT Manager, Department of Rehabilitation
(916) 555-0139
"""

# ---- 22 vendor marketing --------------------------------------------------
T22 = """\
Is your agency's PBX ready for 2027?

Golden Gate Unified Communications helps California public sector customers
move from aging PBX and key telephone systems to modern hybrid PBX and cloud
calling - without ripping out the cabling you already own.

This month only:
- Free PBX health assessment for state agencies
- 20% off IVR and ACD upgrades (Genesys, Avaya, Mitel, Cisco)
- Our NEW SmartRoute IVR: natural language call routing in 40 languages
- Premise-based, hybrid or hosted: you choose

Join our webinar "PBX, IVR and ACD modernization for state government" on
December 3, 2026 at 10:00 AM. Reply to this email or call (415) 555-0199 to
reserve a seat.

Golden Gate Unified Communications, Inc.
1 Market Street, Suite 400, San Francisco, CA 94105
To unsubscribe, reply with REMOVE in the subject line.
"""
H22 = """\
<html><body style="font-family:Arial">
<h1 style="color:#004080">Is your agency's PBX ready for 2027?</h1>
<p>Golden Gate Unified Communications helps California public sector customers move from
aging <b>PBX and key telephone systems</b> to modern <b>hybrid PBX</b> and cloud calling.</p>
<ul><li>Free PBX health assessment for state agencies</li>
<li>20% off IVR and ACD upgrades (Genesys, Avaya, Mitel, Cisco)</li>
<li>Our NEW SmartRoute IVR: natural language call routing in 40 languages</li>
<li>Premise-based, hybrid or hosted: you choose</li></ul>
<p>Webinar: <i>PBX, IVR and ACD modernization for state government</i>, December 3, 2026, 10:00 AM.</p>
<p style="font-size:8pt">Golden Gate Unified Communications, Inc. &middot; 1 Market Street, Suite 400,
San Francisco, CA 94105 &middot; <a href="mailto:remove@ggucomm.example.com">Unsubscribe</a></p>
</body></html>
"""

# ---- 23 out of office -----------------------------------------------------
T23 = """\
Thank you for your message. I am out of the office from November 16 through
November 20, 2026, with limited access to email. I will respond when I
return.

For urgent matters, please contact the CALNET Program main line at
(916) 555-0100.

Patricia Nguyen
"""

# ---- 25 CHP: duplicate sent by email, later by fax (26) -------------------
CHP_PAGES = ["""\
#California Highway Patrol
Information Management Division
601 North 7th Street, Sacramento, CA 95811

November 17, 2026

CALNET Program Chief
Office of Technology Services

#Re: General Delegation Request - IP Enabling PBX Components, CHP Academy

Dear Program Chief:

The California Highway Patrol requests a General Delegation for design and development, and installation, of IP enabling components for the PBX at the CHP Academy. IP enabling PBX components and hybrid PBX systems are not provided by the CALNET Contracts.

#Project scope
Add Avaya IP media processor boards and 350 IP station licenses to the Academy's Avaya Communication Manager PBX, converting it to a hybrid PBX so that classroom, dormitory and range buildings can use IP telephones alongside the existing digital sets.

#Purpose
The Academy is adding three dormitory buildings and a driver training control tower wired only for Ethernet. Without IP enabling components those buildings cannot receive Academy extensions or emergency paging.

#Timeframe
Design and development: January 4, 2027 through February 26, 2027. Installation: March 8, 2027 through June 11, 2027.
""", """\
#Location
CHP Academy, 3500 Reed Avenue, West Sacramento, CA 95605.

#Specific products and equipment
Avaya G450 media gateway with MP120 media processor; Avaya Communication Manager IP station licenses (350); Avaya J139 IP telephones (320); Power over Ethernet switches for the dormitory closets (6).

#Staff technical qualifications and prior experience
The CHP Telecommunications Section has ten technicians, four with Avaya ACSS certification. The section designed and installed the hybrid PBX at the Golden Gate Division office in 2022 and maintains the Academy PBX today.

#Reasons delegation should be granted
The work extends a PBX the Department already owns and maintains, and Academy class schedules require our own staff to sequence the cutover.

#Adverse consequences if delegation is denied
Cadets and staff in the dormitory buildings and the training tower would have no Academy telephone service or emergency paging when the buildings open in June 2027.

Sincerely,

Raymond J. Castellanos
Chief Information Officer
California Highway Patrol
(916) 555-0155
"""]

# ---- 29 HCD: complete contract request + corrupt PDF ---------------------
T29 = """\
CALNET Program Chief,

The Department of Housing and Community Development submits this CALNET
Contract Delegation request for operation and maintenance.

Catalog B item: CALNET Catalog B, Category 1.2 Managed Network Service, item
MNS-1502 Managed Firewall Service - Branch (Delegation: Yes).

Project scope: operation and maintenance of the MNS-1502 managed firewalls at
HCD's headquarters and four regional offices: rule changes, VPN profiles for
inspectors and coordination of contractor firmware updates.

Purpose: HCD inspectors connect to the codes and standards system from the
field; rule and VPN changes are needed weekly and the Department wants to make
them directly under delegated authority.

Timeframe: January 1, 2027 through December 31, 2028.

Locations: 2020 W. El Camino Avenue, Sacramento, CA 95833; regional offices in
Riverside (3737 Main Street), Fresno (2550 Mariposa Mall), Redding
(1350 Locust Street) and Los Angeles (320 W. 4th Street).

Staff qualifications and prior experience: HCD's Network Security unit has four
engineers (two Palo Alto PCNSE, one CISSP) who have managed the Department's
own firewalls since 2017 and operated the managed firewall at headquarters
during the 2025 pilot.

Adverse consequences if denied: inspectors would wait up to five business days
for VPN and rule changes through contractor tickets, delaying mobile home park
and building inspections.

A network diagram is attached.

Yvonne Delgado-Price
Chief Information Officer
Department of Housing and Community Development
"""

# ---- 31 DGS follow-up with invalid base64 attachment ---------------------
T31 = """\
Hello,

Following up on our fax of November 13. The information you asked for:

Timeframe: installation from January 25, 2027 through April 30, 2027, floor by
floor, outside legislative session hours at the Capitol Annex swing space.

Adverse consequences if delegation is denied: the existing access points no
longer receive security updates; DGS would have to disable wireless in both
buildings at the end of March 2027, when the current support ends.

I have also attached our Form 20 (TSR DGS-2026-118) for your file.

Frank Oyelaran
Chief Information Officer
Department of General Services
(916) 555-0108
"""


# ==========================================================================
def build():
    # 01
    text_email("01-dmv-pbx-complete.eml",
               "Margaret L. Okafor <margaret.okafor@dmv.ca.gov>",
               "CALNET Delegation Request - DMV Headquarters PBX Replacement",
               "Mon, 02 Nov 2026 08:41:17 -0800", mid(1, "dmv.ca.gov"), T01)
    REQUEST_TEXTS["01"] = T01
    expect("01-dmv-pbx-complete.eml", dtype="general", cats=["pbx_key_telephone"],
           acts=["installation", "operation_maintenance"],
           agency="Department of Motor Vehicles", sname="Margaret L. Okafor",
           stitle="Chief Information Officer",
           note="Labelled form (Project Scope:, Purpose of Project:, Timeline -), general PBX, CIO, every item present")

    # 02
    text_email("02-dwr-ip-pbx-hybrid-bullets.eml",
               '"Esposito, Daniel@DWR" <daniel.esposito@water.ca.gov>',
               "Delegation request: IP enabling PBX components (hybrid PBX) - Oroville & Delta field divisions",
               "Mon, 02 Nov 2026 10:05:42 -0800", mid(2, "water.ca.gov"), T02)
    REQUEST_TEXTS["02"] = T02
    expect("02-dwr-ip-pbx-hybrid-bullets.eml", dtype="general", cats=["ip_pbx_hybrid"],
           acts=["design_development", "installation"],
           agency="California Department of Water Resources", sname="Daniel R. Esposito",
           stitle="Acting Chief Information Officer",
           note="Bullet-list email, IP-enabling PBX components, Acting CIO counts as CIO-equivalent; complete")

    # 03
    text_email("03-edd-ivr-acd-no-staff-quals.eml",
               "Priya Raman <priya.raman@edd.ca.gov>",
               "Delegation - EDD UI call center IVR/ACD",
               "Tue, 03 Nov 2026 09:12:05 -0800", mid(3, "edd.ca.gov"), T03)
    REQUEST_TEXTS["03"] = T03
    expect("03-edd-ivr-acd-no-staff-quals.eml", dtype="general", cats=["ivr_acd"],
           acts=["operation_maintenance"], missing=["staff_qualifications"],
           agency="Employment Development Department", sname="Priya Raman",
           stitle="Chief Information Officer",
           note="Terse general IVR/ACD request that gives no staff qualifications; 19 is the reply that adds them")

    # 04 HTML only
    m = base_msg("Robert T. Nakamura <robert.nakamura@resources.ca.gov>",
                 "CALNET General Delegation Request - Microwave Transport Link",
                 "Tue, 03 Nov 2026 14:30:00 -0800", mid(4, "resources.ca.gov"))
    m.set_content(H04, subtype="html")
    put("04-cnra-transport-html-only.eml", m)
    REQUEST_TEXTS["04"] = re.sub(r"<[^>]+>", " ", H04)
    expect("04-cnra-transport-html-only.eml", dtype="general", cats=["transport"],
           acts=["project_planning", "project_oversight"],
           agency="California Natural Resources Agency", sname="Robert T. Nakamura",
           stitle="Agency Information Officer",
           note="HTML-only body (table layout, entities), transport not on CALNET, Agency Information Officer is CIO-equivalent; complete")

    # 05 windows-1252 quoted-printable
    text_email("05-cdcr-premise-based-cp1252-qp.eml",
               "Sandra J. Whitfield <sandra.whitfield@cdcr.ca.gov>",
               "Request for General Delegation \u2013 Mule Creek State Prison notification system",
               "Thu, 05 Nov 2026 11:02:33 -0800", mid(5, "cdcr.ca.gov"),
               T05.replace("\u2011", "-"), charset="windows-1252", cte="quoted-printable")
    REQUEST_TEXTS["05"] = T05
    expect("05-cdcr-premise-based-cp1252-qp.eml", dtype="general", cats=["premise_based"],
           acts=["installation"],
           agency="California Department of Corrections and Rehabilitation",
           sname="Sandra J. Whitfield", stitle="Chief Information Officer",
           note="Formal prose letter, windows-1252 quoted-printable (curly quotes, en/em dashes, section sign); premise-based; complete")

    # 06
    text_email("06-ftb-mns-contract-complete.eml",
               "Harold W. Brandt <harold.brandt@ftb.ca.gov>",
               "CALNET Contract Delegation Request - MNS Managed Router Service (FTB field offices)",
               "Thu, 05 Nov 2026 15:47:10 -0800", mid(6, "ftb.ca.gov"), T06)
    REQUEST_TEXTS["06"] = T06
    expect("06-ftb-mns-contract-complete.eml", dtype="calnet_contract",
           acts=["design_development", "installation"],
           agency="Franchise Tax Board", sname="Harold W. Brandt",
           stitle="Chief Information Officer",
           note="CALNET contract delegation citing Catalog B Category 1.2 item MNS-1207; complete (no products/justification needed)")

    # 07 base64 utf-8, contract without catalog
    text_email("07-cdph-contract-no-catalog-base64.eml",
               "=?utf-8?q?Luc=C3=ADa_Fern=C3=A1ndez-Ortega?= <lucia.fernandez-ortega@cdph.ca.gov>",
               "CALNET Contract Delegation Request \u2013 Richmond Laboratory Campus",
               "Fri, 06 Nov 2026 08:15:00 -0800", mid(7, "cdph.ca.gov"), T07,
               charset="utf-8", cte="base64")
    REQUEST_TEXTS["07"] = T07
    expect("07-cdph-contract-no-catalog-base64.eml", dtype="calnet_contract",
           acts=["installation"], flags=["catalog_reference_missing"],
           agency="California Department of Public Health",
           sname="Lucía Fernández-Ortega", stitle="Chief Information Officer",
           note="base64 UTF-8 body, RFC 2047 encoded From, signature 'Dr.' honorific not part of the name; contract delegation naming no Catalog B item -> catalog_reference_missing, still complete")

    # 08
    text_email("08-caltrans-pbx-telecom-manager.eml",
               "Kevin M. Delacroix <kevin.delacroix@dot.ca.gov>",
               "Delegation Request - District 4 PBX replacement",
               "Mon, 09 Nov 2026 13:20:00 -0800", mid(8, "dot.ca.gov"), T08)
    REQUEST_TEXTS["08"] = T08
    expect("08-caltrans-pbx-telecom-manager.eml", dtype="general", cats=["pbx_key_telephone"],
           acts=["installation"], missing=["staff_qualifications", "submitter_title"],
           flags=["submitter_not_cio"],
           agency="California Department of Transportation", sname="Kevin M. Delacroix",
           stitle="Telecommunications Manager",
           note="Submitted by a Telecommunications Manager (not CIO) and no staff qualifications; 20 is the CIO resubmission")

    # 09
    text_email("09-calfire-contract-it-supervisor.eml",
               "Angela Ruiz <angela.ruiz@fire.ca.gov>",
               "CALNET Contract Delegation - CAL FIRE unit LAN switches",
               "Mon, 09 Nov 2026 16:02:48 -0800", mid(9, "fire.ca.gov"), T09)
    REQUEST_TEXTS["09"] = T09
    expect("09-calfire-contract-it-supervisor.eml", dtype="calnet_contract",
           acts=["operation_maintenance"], missing=["submitter_title"],
           flags=["submitter_not_cio"],
           agency="California Department of Forestry and Fire Protection", sname="Angela Ruiz",
           stitle="Information Technology Supervisor II",
           note="Contract delegation with Catalog B item, otherwise complete, but signed by an IT Supervisor II -> submitter_not_cio")

    # 10 PDF letter
    pdf10 = text_pdf("CDSS General Delegation Request", P10)
    m = base_msg("Thomas E. Kagawa <thomas.kagawa@dss.ca.gov>",
                 "CDSS Delegation Request - Monterey Park regional office",
                 "Tue, 10 Nov 2026 09:30:00 -0800", mid(10, "dss.ca.gov"))
    m.set_content("Good morning,\n\nPlease find the Department's delegation request letter attached.\n\n"
                  "Thomas Kagawa\nCDSS\n")
    m.add_attachment(pdf10, maintype="application", subtype="pdf",
                     filename="CDSS_Delegation_Request_Monterey_Park.pdf")
    put("10-cdss-pdf-letter-keysystem-ivr.eml", m)
    REQUEST_TEXTS["10"] = "\n".join(t for _, t in P10)
    expect("10-cdss-pdf-letter-keysystem-ivr.eml", dtype="general",
           cats=["ivr_acd", "pbx_key_telephone"],
           acts=["design_development", "installation", "project_planning"],
           agency="California Department of Social Services", sname="Thomas E. Kagawa",
           stitle="Chief Information Officer",
           note="Request only in a text-layer PDF (fpdf2, DejaVu); body is one line; two categories, three activities; complete")

    # 11 forwarded message/rfc822
    inner = base_msg("Marcus A. Bell <marcus.bell@dca.ca.gov>",
                     "CALNET Delegation Request - Consumer Information Center IVR/ACD",
                     "Fri, 06 Nov 2026 16:45:12 -0800", "<20261106.cic-ivr@dca.ca.gov>",
                     to="STNDdelegation@state.ca.gov")
    inner.set_content(T11_INNER, cte="7bit")
    m = base_msg("Jasmine Cho <jasmine.cho@dca.ca.gov>",
                 "FW: CALNET Delegation Request - Consumer Information Center IVR/ACD",
                 "Tue, 10 Nov 2026 11:03:27 -0800", mid(11, "dca.ca.gov"))
    m.set_content("Hello,\n\nOur CIO's request below was sent to a misspelled address last week and "
                  "came back. Forwarding it as received.\n\nJasmine Cho\nStaff Services Analyst\n"
                  "Office of Information Services, Department of Consumer Affairs\n")
    m.add_attachment(inner)
    put("11-dca-forwarded-rfc822-ivr.eml", m)
    REQUEST_TEXTS["11"] = T11_INNER
    expect("11-dca-forwarded-rfc822-ivr.eml", dtype="general", cats=["ivr_acd"],
           acts=["design_development", "installation", "operation_maintenance"],
           agency="Department of Consumer Affairs", sname="Marcus A. Bell",
           stitle="Chief Information Officer",
           note="Forwarded by an analyst; the request (signed by the CIO) is a message/rfc822 attachment; the forwarder is not the submitter; complete")

    # 12 fax fine G4 2 pages
    pages = fax_pages(F12, 196, 12, "707 555 0142", "NOV-12-2026 10:14")
    fax_email("12-calvet-fax-fine-tiff-pbx.eml", 12, "707-555-0142",
              "Thu, 12 Nov 2026 10:16:03 -0800", tiff_bytes(pages, 196),
              "fax_7075550142_20261112101422.tif", "image/tiff", 2)
    REQUEST_TEXTS["12"] = "\n".join(F12)
    expect("12-calvet-fax-fine-tiff-pbx.eml", channel="fax", dtype="general",
           cats=["pbx_key_telephone"], acts=["installation", "operation_maintenance"],
           agency="California Department of Veterans Affairs", sname="Ellen V. Marchetti",
           stitle="Chief Information Officer",
           note="Fax gateway mail, 2-page FINE (204x196) Group 4 TIFF; OCR only; general PBX; complete")

    # 13 fax normal 1 page
    pages = fax_pages(F13, 98, 13, "916 555 0108", "NOV-13-2026 14:02")
    fax_email("13-dgs-fax-normal-tiff-contract.eml", 13, "916-555-0108",
              "Fri, 13 Nov 2026 14:03:11 -0800", tiff_bytes(pages, 98),
              "fax_9165550108_20261113140210.tif", "image/tiff", 1)
    REQUEST_TEXTS["13"] = "\n".join(F13)
    expect("13-dgs-fax-normal-tiff-contract.eml", channel="fax", dtype="calnet_contract",
           acts=["installation"], missing=["adverse_consequences", "timeframe"],
           agency="Department of General Services", sname="Frank Oyelaran",
           stitle="Chief Information Officer",
           note="1-page NORMAL (204x98) G4 TIFF fax; contract delegation with Catalog B item; no timeframe, no adverse consequences; 31 follows up")

    # 14 image-only PDF fax with cover sheet
    pages = fax_pages(F14, 196, 14, "916 555 0178", "NOV-16-2026 09:31", font="DejaVuSans.ttf",
                      cover=COVER14)
    tifs = [tiff_bytes([p], 196) for p in pages]
    pdf14 = img2pdf.convert(tifs, creationdate=FIXED_PDF_DATE, moddate=FIXED_PDF_DATE,
                            producer="eFax Gateway", creator="eFax Gateway",
                            engine=img2pdf.Engine.internal)
    fax_email("14-parks-fax-pdf-cover-premise.eml", 14, "916-555-0178",
              "Mon, 16 Nov 2026 09:33:40 -0800", pdf14,
              "fax_9165550178_20261116093120.pdf", "application/pdf", 3)
    REQUEST_TEXTS["14"] = "\n".join(F14)
    expect("14-parks-fax-pdf-cover-premise.eml", channel="fax", dtype="general",
           cats=["premise_based"], acts=["installation", "project_planning"],
           agency="California Department of Parks and Recreation", sname="Catherine D. Lindqvist",
           stitle="Chief Information Officer",
           note="Image-only 3-page PDF fax (img2pdf, 204x196) whose first page is a cover sheet; premise-based; complete")

    # 15 new to market
    text_email("15-dsh-hybrid-pbx-new-to-market.eml",
               "Victor Alvarez <victor.alvarez@dsh.ca.gov>",
               "General Delegation request - hybrid PBX, Napa State Hospital",
               "Mon, 16 Nov 2026 13:12:00 -0800", mid(15, "dsh.ca.gov"), T15)
    REQUEST_TEXTS["15"] = T15
    expect("15-dsh-hybrid-pbx-new-to-market.eml", dtype="general", cats=["ip_pbx_hybrid"],
           acts=["installation"], flags=["new_to_market"],
           agency="Department of State Hospitals", sname="Victor Alvarez",
           stitle="Chief Information Officer",
           note="Complete hybrid PBX request whose product is 'new in the marketplace' -> new_to_market")

    # 16 complex technical
    text_email("16-doj-transport-complex-technical.eml",
               "Naomi Stein-Hargrove <naomi.stein-hargrove@doj.ca.gov>",
               "General Delegation Request - DWDM optical transport ring",
               "Tue, 17 Nov 2026 08:05:00 -0800", mid(16, "doj.ca.gov"), T16)
    REQUEST_TEXTS["16"] = T16
    expect("16-doj-transport-complex-technical.eml", dtype="general", cats=["transport"],
           acts=["design_development", "project_oversight"], flags=["complex_technical"],
           agency="California Department of Justice", sname="Naomi Stein-Hargrove",
           stitle="Chief Information Officer",
           note="Complete DWDM transport request described as of a complex technical nature needing OTech oversight -> complex_technical")

    # 17 exemption
    text_email("17-dhcs-ivr-exemption-non-calnet.eml",
               "Gregory P. Hwang <gregory.hwang@dhcs.ca.gov>",
               "Delegation request - Medi-Cal Member Help Line IVR/ACD (planning)",
               "Tue, 17 Nov 2026 10:40:00 -0800", mid(17, "dhcs.ca.gov"), T17)
    REQUEST_TEXTS["17"] = T17
    expect("17-dhcs-ivr-exemption-non-calnet.eml", dtype="general", cats=["ivr_acd"],
           acts=["project_planning"], missing=["adverse_consequences", "timeframe"],
           flags=["exemption_may_be_required"],
           agency="Department of Health Care Services", sname="Gregory P. Hwang",
           stitle="Chief Information Officer",
           note="Purchase via separate solicitation from a non-CALNET vendor, cites STMM 3-501.0 exemption request -> exemption_may_be_required; no timeframe, no adverse consequences")

    # 18 type unknown
    text_email("18-cdfa-type-unknown-terse.eml",
               "Steven Park <steven.park@cdfa.ca.gov>",
               "delegation request",
               "Wed, 18 Nov 2026 07:55:21 -0800", mid(18, "cdfa.ca.gov"), T18)
    REQUEST_TEXTS["18"] = T18
    expect("18-cdfa-type-unknown-terse.eml", dtype=None,
           acts=["installation", "project_planning"],
           missing=["adverse_consequences", "delegation_type", "justification",
                    "products_services", "project_purpose", "staff_qualifications"],
           agency="California Department of Food and Agriculture", sname="Steven Park",
           stitle="Chief Information Officer",
           note="Terse request that never says what is being bought: type undeterminable -> general rules apply, delegation_type in missing")

    # 19 reply to 03
    text_email("19-edd-reply-adds-staff-quals.eml",
               "Priya Raman <priya.raman@edd.ca.gov>",
               "Re: Delegation - EDD UI call center IVR/ACD",
               "Wed, 18 Nov 2026 15:22:09 -0800", mid(19, "edd.ca.gov"), T19,
               extra=[("In-Reply-To", mid(3, "edd.ca.gov")), ("References", mid(3, "edd.ca.gov"))])
    expect("19-edd-reply-adds-staff-quals.eml", kind="follow_up",
           agency="Employment Development Department", sname="Priya Raman",
           stitle="Chief Information Officer",
           note="Reply (In-Reply-To = 03's Message-ID) adding the missing staff qualifications -> follow_up")

    # 20 resubmission
    text_email("20-caltrans-resubmission-cio.eml",
               "Ramona K. Ellis <ramona.ellis@dot.ca.gov>",
               "RESUBMISSION: CALNET Delegation Request - District 4 PBX replacement",
               "Thu, 19 Nov 2026 09:00:00 -0800", mid(20, "dot.ca.gov"), T20)
    REQUEST_TEXTS["20"] = T20
    expect("20-caltrans-resubmission-cio.eml", kind="follow_up", dtype="general",
           cats=["pbx_key_telephone"], acts=["installation"],
           agency="California Department of Transportation", sname="Ramona K. Ellis",
           stitle="Chief Information Officer",
           note="Resubmission of 08 signed by the CIO with staff qualifications added; no In-Reply-To; -> follow_up (links to 08), not a duplicate")

    # 21 status question
    text_email("21-dor-status-question.eml",
               "Luis Carrillo <luis.carrillo@dor.ca.gov>",
               "Status of delegation request?",
               "Thu, 19 Nov 2026 11:48:30 -0800", mid(21, "dor.ca.gov"), T21)
    expect("21-dor-status-question.eml", kind="other",
           agency="Department of Rehabilitation", sname="Luis Carrillo", stitle="IT Manager",
           note="Status question about an earlier request (mentions PBX) -> other, no completeness, no flags")

    # 22 vendor marketing multipart/alternative
    m = base_msg('"Golden Gate Unified Communications" <news@ggucomm.example.com>',
                 "Is your agency's PBX ready for 2027? Free PBX & IVR assessment",
                 "Fri, 20 Nov 2026 06:00:00 -0800", "<nl-2026-11.48213@mail.ggucomm.example.com>",
                 extra=[("List-Unsubscribe", "<mailto:remove@ggucomm.example.com>"),
                        ("Precedence", "bulk")])
    m.set_content(T22)
    m.add_alternative(H22, subtype="html")
    put("22-vendor-marketing-pbx.eml", m)
    expect("22-vendor-marketing-pbx.eml", kind="other",
           note="Vendor newsletter full of PBX/IVR/ACD/hybrid/premise-based words (multipart/alternative) but not a request -> other")

    # 23 out of office
    text_email("23-out-of-office-autoreply.eml",
               "Patricia Nguyen <patricia.nguyen@cdt.ca.gov>",
               "Automatic reply: CALNET Delegation Request - Hearst San Simeon",
               "Mon, 16 Nov 2026 09:40:02 -0800", "<ooo.20261116.0940@cdt.ca.gov>", T23,
               extra=[("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All"),
                      ("In-Reply-To", "<fwd.20261116.parks@state.ca.gov>")])
    expect("23-out-of-office-autoreply.eml", kind="other",
           note="Out-of-office auto-reply (Auto-Submitted: auto-replied) whose subject quotes a delegation request -> other")

    # 24 bounce DSN, built by hand
    b = "----=_DSN_24_20261120"
    dsn = f"""\
Return-Path: <>
From: Mail Delivery Subsystem <MAILER-DAEMON@smtp.state.ca.gov>
To: STNDdelegations@state.ca.gov
Subject: Undelivered Mail Returned to Sender
Date: Fri, 20 Nov 2026 10:12:44 -0800
Message-ID: <20261120181244.4F2A31C0@smtp.state.ca.gov>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
 boundary="{b}"

This is a MIME-encapsulated message.

--{b}
Content-Type: text/plain; charset=us-ascii
Content-Description: Notification

This is the mail system at host smtp.state.ca.gov.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<k.delacroix@dot.ca.gov>: host mx.dot.ca.gov[10.14.2.20] said: 550 5.1.1
    <k.delacroix@dot.ca.gov>: Recipient address rejected: User unknown

--{b}
Content-Type: message/delivery-status
Content-Description: Delivery report

Reporting-MTA: dns; smtp.state.ca.gov
Arrival-Date: Fri, 20 Nov 2026 10:12:41 -0800

Final-Recipient: rfc822; k.delacroix@dot.ca.gov
Original-Recipient: rfc822;k.delacroix@dot.ca.gov
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.dot.ca.gov
Diagnostic-Code: smtp; 550 5.1.1 <k.delacroix@dot.ca.gov>: Recipient address
    rejected: User unknown

--{b}
Content-Type: text/rfc822-headers
Content-Description: Undelivered Message Headers

From: CALNET Delegations <STNDdelegations@state.ca.gov>
To: k.delacroix@dot.ca.gov
Subject: RE: Delegation Request - District 4 PBX replacement
Date: Fri, 20 Nov 2026 10:12:40 -0800
Message-ID: <re.20261120.d4pbx@state.ca.gov>

--{b}--
"""
    put("24-bounce-dsn-mailer-daemon.eml", dsn.encode("ascii"))
    expect("24-bounce-dsn-mailer-daemon.eml", kind="other",
           note="multipart/report delivery-status notification from MAILER-DAEMON -> other")

    # 25 CHP email, 26 same by fax
    chp_text = "\n\n".join(CHP_PAGES).replace("#", "")
    text_email("25-chp-ip-pbx-email-first.eml",
               "Raymond J. Castellanos <raymond.castellanos@chp.ca.gov>",
               "General Delegation Request - IP Enabling PBX Components, CHP Academy",
               "Tue, 17 Nov 2026 16:20:00 -0800", mid(25, "chp.ca.gov"), chp_text)
    REQUEST_TEXTS["25"] = chp_text
    chp_kw = dict(dtype="general", cats=["ip_pbx_hybrid"],
                  acts=["design_development", "installation"],
                  agency="California Highway Patrol", sname="Raymond J. Castellanos",
                  stitle="Chief Information Officer")
    expect("25-chp-ip-pbx-email-first.eml", **chp_kw,
           note="Complete hybrid PBX request by email; the same letter arrives again by fax in 26")
    pages = fax_pages(CHP_PAGES, 196, 26, "916 555 0155", "NOV-20-2026 08:47")
    fax_email("26-chp-ip-pbx-same-by-fax.eml", 26, "916-555-0155",
              "Fri, 20 Nov 2026 08:49:15 -0800", tiff_bytes(pages, 196),
              "fax_9165550155_20261120084702.tif", "image/tiff", 2)
    expect("26-chp-ip-pbx-same-by-fax.eml", channel="fax", flags=["possible_duplicate"], **chp_kw,
           note="The letter of 25 received again as a 2-page fine fax three days later -> possible_duplicate (duplicate_of 25)")

    # 27 empty file
    put("27-broken-empty-file.eml", b"")
    expect("27-broken-empty-file.eml", status="error",
           note="0-byte file: nothing to process -> status error")

    # 28 random binary garbage, no headers
    rnd = random.Random(28)
    garbage = bytes([0x89, 0x00, 0xFF, 0x1F]) + bytes(rnd.randrange(256) for _ in range(2044))
    put("28-broken-binary-garbage.eml", garbage)
    expect("28-broken-binary-garbage.eml", status="error",
           note="2 KB of random binary bytes, no headers at all -> status error")

    # 29 corrupt PDF attachment
    good = text_pdf("HCD network diagram", [("head", "HCD WAN diagram"), ("body", "Sacramento HQ - MNS-1502 - regional offices")])
    corrupt = good[:180] + b"\x00\x00stream\r\nx\x9c\xed\xbd" + bytes(random.Random(29).randrange(256) for _ in range(300))
    m = base_msg("Yvonne Delgado-Price <yvonne.delgado-price@hcd.ca.gov>",
                 "CALNET Contract Delegation Request - MNS-1502 managed firewalls",
                 "Fri, 20 Nov 2026 13:05:00 -0800", mid(29, "hcd.ca.gov"))
    m.set_content(T29, cte="7bit")
    m.add_attachment(corrupt, maintype="application", subtype="pdf",
                     filename="HCD_WAN_diagram.pdf")
    put("29-hcd-contract-corrupt-pdf.eml", m)
    REQUEST_TEXTS["29"] = T29
    expect("29-hcd-contract-corrupt-pdf.eml", dtype="calnet_contract",
           acts=["operation_maintenance"], flags=["unreadable_attachment"],
           agency="Department of Housing and Community Development",
           sname="Yvonne Delgado-Price", stitle="Chief Information Officer",
           note="Complete contract request in the body; attached PDF is truncated garbage -> document error + unreadable_attachment, status ok")

    # 30 multipart without boundary parameter
    broken = """\
From: Brian Holloway <brian.holloway@slc.ca.gov>
To: CALNET Delegations <STNDdelegations@state.ca.gov>
Subject: CALNET Delegation Request - State Lands Commission
Date: Mon, 23 Nov 2026 10:10:10 -0800
Message-ID: <20261123.sample30@slc.ca.gov>
MIME-Version: 1.0
Content-Type: multipart/mixed

--_000_BY5PR09MB5_
Content-Type: application/pdf; name="SLC_request.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjcKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURl
Y29kZT4+CnN0cmVhbQp4nO1aS4/cNgy+z6/QuUCnFPWyjaJAsklboEAPzRbNOdhHkm3aNEGa/v9S
8nq8noc8ntnZbZBgsLOWRVEi+fHTQ4+ogl5JPYhIhxKWR+zRnQhfFq9/eVuqO/GFzlR+Ie3xqvyf
--_000_BY5PR09MB5_--
"""
    put("30-broken-multipart-no-boundary.eml", broken.encode("ascii"))
    expect("30-broken-multipart-no-boundary.eml", status="error",
           note="multipart/mixed with no boundary parameter and only a cut-off base64 part: nothing readable -> status error (decided)")

    # 31 follow-up to 13 with invalid base64 attachment
    m = base_msg("Frank Oyelaran <frank.oyelaran@dgs.ca.gov>",
                 "Re: Additional information needed - DGS delegation request",
                 "Tue, 24 Nov 2026 08:30:00 -0800", mid(31, "dgs.ca.gov"),
                 extra=[("In-Reply-To", "<fax.13.20261100@efax.state.ca.gov>")])
    m.set_content(T31, cte="7bit")
    m.add_attachment(b"placeholder", maintype="application", subtype="pdf",
                     filename="Form20_TSR_DGS-2026-118.pdf")
    raw = m.as_bytes(policy=POLICY) if False else None  # boundaries fixed by put()
    fix_boundaries(m, "31")
    raw = m.as_bytes(policy=POLICY)
    good_b64 = base64.encodebytes(b"placeholder").strip()
    bad_b64 = (b"JVBERi0xLjcKJeLjz9MK!!##@@ this part was damaged by the scanner gateway ##@@\n"
               b"MSAwIG9iago8PC9UeXBlL0NhdGFsb2cvUGFnZXMgMiAwIFI+Pgpl*%$\n"
               b"bmRvYmoKMi==AwIG9iag===\n")
    assert raw.count(good_b64) == 1
    put("31-dgs-followup-bad-base64-attachment.eml", raw.replace(good_b64 + b"\n", bad_b64))
    expect("31-dgs-followup-bad-base64-attachment.eml", kind="follow_up",
           flags=["unreadable_attachment"],
           agency="Department of General Services", sname="Frank Oyelaran",
           stitle="Chief Information Officer",
           note="Reply to fax 13 adding timeframe and adverse consequences; its Form 20 PDF has invalid base64 -> unreadable_attachment, status ok")


FLAG_WORDS = {
    "new_to_market": r"\bnew\b|marketplace|new to market",
    "complex_technical": r"complex|otech oversight",
    "exemption_may_be_required": r"exemption|3-501|solicitation|non-calnet|outside (of )?the calnet|outside calnet",
    "catalog_reference_missing": r"catalog b|mns-",
}


def check_flag_words():
    """Flag trigger phrases may only appear in samples that carry the flag."""
    bad = []
    for key, text in REQUEST_TEXTS.items():
        name = next(n for n in EXPECTED if n.startswith(key + "-"))
        exp = EXPECTED[name]
        for flag, rx in FLAG_WORDS.items():
            hit = re.search(rx, text, re.I)
            if flag == "catalog_reference_missing":
                if exp["delegation_type"] == "calnet_contract":
                    if bool(hit) == (flag in exp["flags"]):
                        bad.append((name, flag, "catalog presence vs flag"))
                elif hit:
                    bad.append((name, flag, hit.group(0)))
            elif hit and flag not in exp["flags"]:
                bad.append((name, flag, hit.group(0)))
    if bad:
        raise SystemExit(f"flag words in wrong samples: {bad}")


def main():
    build()
    check_flag_words()
    for old in OUT.glob("*.eml"):
        if old.name not in FILES:
            old.unlink()
    total = 0
    for name, data in sorted(FILES.items()):
        (OUT / name).write_bytes(data)
        total += len(data)
        if len(data) > 400_000:
            print(f"warning: {name} is {len(data)} bytes", file=sys.stderr)
    assert set(FILES) == set(EXPECTED)
    (OUT / "expected.json").write_text(
        json.dumps({k: EXPECTED[k] for k in sorted(EXPECTED)}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8")
    print(f"wrote {len(FILES)} messages, {total} bytes, and expected.json")


if __name__ == "__main__":
    main()
