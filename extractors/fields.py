"""Read a message's kind, delegation type, categories, activities, fields and flags."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import zip_longest

from spacy.tokens import Doc

from extractors.dates import find_periods, normalise_period, states_period, with_years
from extractors.nlp import compiled_cues, cue_spans, load_nlp, read_jsonl, read_lines
from extractors.sections import (
    UNKNOWN,
    Section,
    fields_named,
    find_sections,
    fold_ocr,
    lookup_label,
    normalise_label,
)
from extractors.sentences import classify
from models import (
    ACTIVITIES,
    FIELD_NAMES,
    GENERAL_CATEGORIES,
    Evidence,
    Extraction,
    FieldValue,
    Timeframe,
)

LABELLED = 0.9
"""Confidence of a value read from a labelled section."""
CLASSIFIED = 0.55
"""Confidence of a value the sentence classifier assigned at its threshold (up to 0.75 when it is sure)."""
CLASSIFIER_MIN = 0.3
"""The classifier's probability below which a sentence is left unassigned."""
CLASSIFIER_GAP_MIN = 0.01
"""The least probability for which a sentence fills an item no other sentence was given to."""
SECONDARY_MIN = 0.5
"""A sentence given to one item also fills another nothing else states if the classifier gives it this."""
CLASSIFIER_WEIGHT = 1.5
"""How much the classifier's probability adds to a label's cue score when cues disagree."""
PROSE_ASSIGNMENT = "both"
"""How unlabelled sentences are assigned: "both" (cues, then the classifier for sentences without
cues), "cues" or "classifier" alone. The evaluation's `--prose` compares them; "both" measured best."""
MAX_TEXT = 1200

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\b(\d{3})\)?[\s.-]?(\d{3})[\s.-](\d{4})\b(?:\s*(?:x|ext\.?)\s*\d+)?")
ADDRESS = re.compile(
    r"\b\d{2,6}(?:-\d{1,4})?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'.-]*\s+){0,4}"
    r"(?:(?:Street|St\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Road|Rd\.?|Drive|Dr\.?|Way|Lane|Ln\.?|Parkway|Pkwy\.?|Court|Ct\.?"
    r"|Place|Pl\.?|Circle|Highway|Hwy\.?|Mall|Plaza|Terrace|Trail|Loop)\b(?:\s+\d{1,4}\b)?"
    r"|(?:Highway|Hwy\.?|Route|Avenue|State Route|Interstate)\s+\d{1,4}\b)"
    r"(?:[,\s]+(?:Suite|Ste\.?|Room|Rm\.?|Building|Bldg\.?)\s*[\w-]+)?"
    r"(?:,\s*[A-Z][a-zA-Z]+(?:[ \t]+[A-Z][a-zA-Z]+){0,2})?(?:,\s*(?:CA|California))?(?:\s+\d{5}(?:-\d{4})?)?"
)
CATALOG = re.compile(
    # A table whose header names the catalog line and whose rows give it.
    r"\bcatalog\s+b\s+(?:line|clin|item|ref\w*)s?\b[^\n]*\n(?:[^\n]*\n){0,2}?[^\n]*?"
    r"(?:\b\d+(?:\.\d+)+(?:-\d+)?\b|(?-i:\b[A-Z][a-z]*[A-Z][A-Za-z]*-[A-Z0-9][\w-]*\d))"  # "4.2.1.6", "SDW-MGD-200"
    r"|\b(?:calnet\s+)?(?:product\s+)?(?:catalog|cat\.)\s*b\b[^\n;]{0,120}"
    r"(?:\n(?:[ \t]*\n)?[ \t|>*-]*(?:\d+(?:\.\d+)+|[A-Z]{2,}-[A-Z0-9-]+)[^\n]{0,100})?"  # a list or table row below it
    r"|\b(?:calnet\s+)?(?:product\s+)?catalog\s+(?:item|line|row|entry|no\.?|number|#|sku|part)s?\b[^\n;]{0,80}"
    r"|\b(?:line\s+)?items?\s+(?:no\.?\s*)?[A-Z]{2,6}-[\w-]+"
    r"|\bCLIN\s*[:#]?\s*[\w.-]*\d[\w.-]*"
    r"|\b(?:line|item|row)(?: item)?\s*(?:no\.?|#)?\s*\d+(?:\.\d+){2,}(?:-\d+)?\b",
    re.I,
)
_CATALOG_ITEM = re.compile(
    r"\b\d+(?:\.\d+)+\b|\b(?:item|line|row|clin|ln|sku|part|category|subcategory|feature code|no)\.?\s*[:#]?\s*[\w.-]*\d"
    r"|\b(?:item|clin|sku|feature code|code)\.?\s*(?:no\.?|number|#)?\s*:?\s*(?-i:[A-Z][A-Z0-9]*[-_][A-Z0-9][\w-]*)"
    r"|(?-i:\b[A-Z][a-z]*[A-Z][A-Za-z]*(?:[-_](?=[\w-]*\d)[A-Z0-9][\w-]*|(?:[-_][A-Z0-9][A-Za-z0-9]*){2,}))", re.I)
# ("SIP-1000", "CCaaS-0310", "AUD-CONF-PP", "feature code NIVR-B"; not "SD-WAN")
"""What makes a catalog mention a reference: a line, item or row number, a dotted number, an item code."""
FORM20 = re.compile(r"\b(?:form\s*20|telecommunications service request|tsr)\b[^\n.;]{0,60}?(?:#|no\.?|number)?\s*[:]?\s*([A-Z0-9][\w-]{2,})", re.I)
EXEMPTION = re.compile(r"\bexemption request\b[^\n.;]{0,80}?(?:#|no\.?|number|reference)\s*[:]?\s*([A-Z0-9][\w-]{2,})", re.I)
OUR_ADDRESSES = {"stnddelegations@state.ca.gov"}
OUR_PHONES = {"9164639920"}
CLOSINGS = re.compile(
    r"^\s*(sincerely|respectfully( submitted)?|regards|best regards|kind regards|warm regards|thank you|thanks|thx|"
    r"many thanks|thanks again|cheers|cordially|yours truly|very truly yours|best|all the best|appreciate it|"
    r"with appreciation)\s*[,.!]?\s*$",
    re.I,
)


@dataclass
class Segment:
    """Text of one document page (or a message body) to read fields from."""

    document: str
    page: int | None
    text: str


@dataclass
class MessageContext:
    """What the headers say, which the text alone does not."""

    subject: str = ""
    from_: str = ""
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    auto_submitted: bool = False


@dataclass
class _Read:
    segment: Segment
    doc: Doc
    sections: list[Section]
    cover_sheet: bool
    original: str = ""
    """The text as written (`segment.text` is its layout-normalised copy of the same length)."""
    reply: bool = False
    """The message answers another ("RE: ..."): what it quotes below its signature was said before."""
    written: date | None = None
    """The day the letter, memo or fax says it was written, which dates its "next July"."""
    quoted: list[tuple[int, bool]] = field(default_factory=list)
    """Where each quoted or forwarded message starts, and whether it is mail to or from the Program."""
    signed: list[tuple[int, int]] = field(default_factory=list)
    """Where its closings and signatures run (`_signed_off`): no request item is read there."""

    @property
    def own_text(self) -> str:
        """Its text above the first message it quotes or forwards: what this message itself says."""
        return self.segment.text[:min((start for start, _program in self.quoted), default=len(self.segment.text))]


_DOT_LEADER = re.compile(r"(?<=[^\W\d_])([ \t]*(?:\.[ \t]?){3,}[ \t]*)(?=\S)"
                         r"|^[ \t]*[^\W\d_][^\W\d_ /&'-]*(?:[ /&'-][^\W\d_]+){0,4}([ \t]*\.\.[ \t]+)(?=\S)", re.M)
"""A dot leader: three dots or more after a word, or two after a short label heading its line ("Need .. ")."""
_ALIGNED_ROW = re.compile(r"^([ \t]*[^\W\d_][^\W\d_ /&'-]*(?:[ /&'-][^\W\d_]+){0,5})( {2,})(?=\S)", re.M)
ALIGNED_ROWS = 3
"""Dot-leader rows a text needs before a short line whose answer starts in their column is read as a row too."""


def _dot_leaders(text: str) -> str:
    """ "Agency ........ DWR" as "Agency:  DWR"; where three rows or more line their answers up in a column,
    a row that reaches the column with spaces ("If not approved  Outages ...") is one more row."""
    rows = list(_DOT_LEADER.finditer(text))
    for m in rows:
        leader = 1 if m.group(1) is not None else 2
        text = text[:m.start(leader)] + ":" + " " * (m.end(leader) - m.start(leader) - 1) + text[m.end(leader):]
    columns = Counter(m.end() - (text.rfind("\n", 0, m.start()) + 1) for m in rows)
    column, count = columns.most_common(1)[0] if columns else (0, 0)
    if count < ALIGNED_ROWS:
        return text
    return _ALIGNED_ROW.sub(lambda m: m.group(1) + ":" + m.group(2)[1:]
                            if len(m.group(0)) == column and not m.group(1).rstrip().endswith(":") else m.group(0), text)
_PIPE_ROW = re.compile(r"^([ \t]*)\|(.*)\|([ \t]*)$", re.M)


def _pipe_row(m: re.Match[str]) -> str:
    inner = m.group(2)
    if re.fullmatch(r"[\s|:+-]*", inner):
        return " " * len(m.group(0))  # the rule under a table's header
    after = m.string[m.end():m.end() + 400].lstrip("\n")
    if inner.count("|") >= 2 and not re.match(r"[ \t]*\|[\s|:+-]*\|[ \t]*(?:\n|$)", after):
        # A row of three cells or more under its header ("| Monterey District, 2211 Garden Rd | NEC SL2100 | 22 |"):
        # a line of prose, its cells kept apart (the header, "| Site | Current system | Stations |", labels them).
        return m.group(1) + " " + inner + " " + m.group(3)
    inner = inner.replace("|", ":", 1)
    return m.group(1) + " " + inner + " " + m.group(3)


_OCR_WORD = re.compile(r"(?<![\w@./:])[A-Za-z01]*(?:[A-Za-z][01]|[01][A-Za-z])[A-Za-z01]*(?![\w@]|\.\w|://)")
_CODE_LIKE = re.compile(r"^[A-Z]{1,4}[01]+$|^[01]+(?i:st|nd|rd|th|am|pm|k|m|g|mb|gb|kb|mbps|gbps|ft|x|s)$")
OCR_REPAIR_MIN = 3
"""Words with 0/1 for o/l a text must have before any is repaired (a clean text's "T1" or "10am" stay)."""


def _ocr_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if word in ("CI0", "C10", "CT0"):
        return word.replace("10", "IO").replace("0", "O")  # "CI0" is the title, not a code
    letters = sum(c.isalpha() for c in word)
    if _CODE_LIKE.match(word) or letters < len(word) - letters:
        return word
    upper = word.isupper() or all(c.isupper() for c in word if c.isalpha())
    if upper:
        return word.translate(str.maketrans("01", "OI"))
    return ("O" + word[1:] if word[0] == "0" else word).translate(str.maketrans("01", "ol"))  # "0koye", "0ffice"


_OCR_NUMBER = re.compile(r"(?<![A-Za-z])(?=[\dOolI]*\d[\dOolI]*[OolI]|[OolI][\dOolI]*\d)[\dOolI]{2,}(?![A-Za-z])")


def repair_ocr(text: str) -> str:
    """A fax's "De1egation 0f F00D" read as "Delegation of FOOD" and its "Ju1y 2O27" as "July 2027",
    keeping every offset; a text with fewer than OCR_REPAIR_MIN such words (a model number, an ordinal)
    is left as it is."""
    found = [m for m in _OCR_WORD.finditer(text) if _ocr_word(m) != m.group(0)]
    if len(found) < OCR_REPAIR_MIN:
        return text
    text = _OCR_WORD.sub(_ocr_word, text)
    text = _OCR_CAPITAL_I.sub(lambda m: "I" + m.group(1), text)  # a sentence's "lf we cant" as "If we cant"
    text = _OCR_CAPS_L.sub(lambda m: m.group(0).replace("l", "I"), text)  # a letterhead's "SERVlCES" as "SERVICES"
    return _OCR_NUMBER.sub(lambda m: m.group(0).translate(str.maketrans("OolI", "0011")), text)


_OCR_CAPS_L = re.compile(r"\b(?=[A-Zl]*[A-Z]{2})[A-Z]*l[A-Zl]*\b")
"""A word in capitals with a lower-case l in it: OCR's reading of a capital I."""
_OCR_CAPITAL_I = re.compile(r"(?:(?<=^)|(?<=\n)|(?<=[.!?:]\s)|(?<=[.!?:]\s\s)|(?<=\n[ \t])|(?<=\n[ \t]{2}))[l1]([fnst])(?=\s)")


_TAB_ROW = re.compile(r"^([ \t]*[^\W\d_][^\t\n]{0,60}?)(\t+)(?=\S)", re.M)
TAB_ROWS = 3
"""Lines of "Label<TAB>answer" a text needs before its tab columns are read as a form."""


def _tab_rows(text: str) -> str:
    if len(_TAB_ROW.findall(text)) < TAB_ROWS:
        return text
    return _TAB_ROW.sub(lambda m: m.group(1) + (" " if m.group(1).rstrip().endswith(":") else ":")
                        + " " * (len(m.group(2)) - 1), text)


_QA_LINE = re.compile(r"^([ \t]*)([QA]\d{0,2}[ \t]*[:.)][ \t]*)", re.M)


def _qa_pairs(text: str) -> str:
    """A questionnaire's "Q: When?" / "A: Q4 2026." read as the label "When?" over its answer."""
    heads = _QA_LINE.findall(text)
    if sum(h[1].startswith("Q") for h in heads) < 2 or sum(h[1].startswith("A") for h in heads) < 2:
        return text
    return _QA_LINE.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)


_PIPED_LINE = re.compile(r"^(?!\s*\|)[^\n|]+(?: \| [^\n|]+){2,}$", re.M)


def _piped_signature(m: re.Match[str]) -> str:
    """ "Aileen Cho | Chief Information Officer | aileen.cho@insurance.ca.gov": a signature on one line,
    its parts on lines of their own (a table row starts with "|" and keeps its pipes)."""
    line = m.group(0)
    if not re.search(r"@|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}", line):
        return line
    return line.replace(" | ", " \n ")


_LABEL_NOTE = re.compile(r"^([ \t]*(?:\d{1,2}[.)][ \t]*)?[^\W\d_][^\[\n:]{0,60}?)([ \t]*\[[^\]\n]{0,120}\])(?=[ \t]*:)"
                         r"|^([ \t]*(?:\d{1,2}[.)][ \t]*)?[^\W\d_][^\[\n:]{0,60}?:)([ \t]*\[[^\]\n]{0,120}\])(?=[ \t]*$)", re.M)
"""A template's instruction in a label ("7. Staff Qualifications [Who will do the work?]:") or after it
("Location(s): [sites]" over the answer), read as blank."""
_SECOND_LABEL = re.compile(r"(?<=\S)[ \t]{3,}(?=(?:title|position|role|phone|tel|cell|fax|e-?mail|date(?: signed)?|pages?)[ \t]*(?:#|no\.?)?[ \t]*:)",
                           re.I)
"""The run of spaces before a form's second label on a line ("Submitted by:  F. Armenta    Title: CIO"), read as a
line break."""
_QUOTED = re.compile(r"^(?:[ \t]*>)+(?=[ \t]|$)", re.M)
"""A reply's quotation marks (">>> >> The Bureau ..."), read as the indentation they stand for."""


def layout_text(text: str) -> str:
    """A form's layouts as "Label: value" lines, keeping every offset: quoted lines unquoted, a second label on a
    line on a line of its own, a template's
    bracketed instructions in its labels blanked, dot leaders ("Agency ........ DWR")
    pipe-table rows ("| Agency | DWR |") and tab columns ("Agency<TAB>DWR") become "Agency:  DWR";
    OCR's 0/1 for o/l inside words undone."""
    text = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    text = _SECOND_LABEL.sub(lambda m: m.group(0)[:-1] + "\n", text)
    text = _LABEL_NOTE.sub(lambda m: (m.group(1) or m.group(3)) + " " * len(m.group(2) or m.group(4)), text)
    text = _dot_leaders(_qa_pairs(_tab_rows(repair_ocr(text))))
    text = _PIPED_LINE.sub(_piped_signature, text)
    return _PIPE_ROW.sub(_pipe_row, text)


@lru_cache(maxsize=1)
def _titles() -> list[tuple[re.Pattern[str], str, bool]]:
    rows = sorted(read_jsonl("titles.jsonl"), key=lambda r: -len(r["title"]))
    return [
        (re.compile(r"(?<![\w-])" + re.escape(r["title"]) + r"(?![\w-])", re.I), r["title"], r["cio_equivalent"])
        for r in rows
    ]


@lru_cache(maxsize=1)
def _agencies() -> tuple[dict[str, dict], dict[str, str]]:
    rows = read_jsonl("agencies.jsonl")
    by_name = {r["name"]: r for r in rows}
    by_domain = {d: r["name"] for r in rows for d in r["domains"]}
    return by_name, by_domain


def _ocr_folded(text: str) -> str:
    return re.sub(r"\bCI0\b", "CIO", fold_ocr(text).replace("rn", "m"))


_TITLE_WORDS = frozenset(
    ["information", "officer", "chief", "deputy", "director", "manager", "telecommunications", "technology", "acting", "interim", "agency", "assistant", "communications", "infrastructure", "network", "engineer", "services", "systems", "division", "administrator", "supervisor", "analyst", "operations", "security", "enterprise"])


def repair_title(title: str) -> str:
    """A fax's "Chief lnforrnation Officer" as "Chief Information Officer": a word OCR damaged is mended
    only when the mended word is one titles use."""
    def mend(m: re.Match[str]) -> str:
        word = m.group(0)
        fixed = _ocr_folded(word)
        return fixed if fixed != word and fixed.lower() in _TITLE_WORDS else word
    return re.sub(r"[\w']+", mend, title)


def classify_title(title: str) -> tuple[str | None, bool | None]:
    """The title pattern a title matches (longest first) and whether it is CIO-equivalent; a fax's
    "Chief lnforrnation 0fficer" or "CI0" is read as "Chief Information Officer" or "CIO"."""
    title = re.sub(r"\s*&\s*", " and ", title)  # "Deputy Director & CIO"
    title = re.sub(r"\b(?:[A-Za-z]\.){2,}", lambda m: m.group(0).replace(".", ""), title)  # "C.I.O."
    folded = _ocr_folded(title)
    # A title of two roles ("Director of Information Technology / CIO", "Interim CIO / Deputy Director"):
    # it is a CIO's when one of its roles is exactly a CIO-equivalent title.
    for part in re.split(r"\s*(?:/|\band\b|,|;|\|)\s*", folded):
        whole = next(((n, c) for pattern, n, c in _titles() if pattern.fullmatch(part.strip(" .()"))), None)
        if whole and whole[1]:
            return whole
    for text in (folded, title):
        for pattern, name, cio in _titles():
            if pattern.search(text):
                return name, cio
    return None, None


def _is_cover_sheet(text: str) -> bool:
    head = text[:1500].lower()
    hits = sum(bool(re.search(k, head)) for k in (r"\bfax\b", r"\bcover\b", r"\bpages?\b", r"\bto:", r"\bfrom:",
                                                  r"\bfax number\b", r"\bfax:"))
    return bool(_COVER_WORD.search(head)) and hits >= 4


_COVER_WORD = re.compile(
    r"\bfax\s+cover\b|\bcover\s+(?:sheet|page)\b|\btransmittal\b|\binc[l1]\w*\.?\s+cover\b"
    r"|^[ \t]*cover\b", re.M)
"""What names a fax cover page: "FAX COVER SHEET", "Pages: 2 (including cover)"; not a DAS "cover ing" a floor."""


_COVER_END = re.compile(
    r"^[ \t]*(?:(?:(?:#|no\.?|number)[ \t]*of[ \t]+)?pages?\b[^\n]*|(?:re|subj|subject|regarding)[ \t]*:[^\n]*|(?:[-=_*][ \t]*){8,})[ \t]*$"
    r"|^(?=[^\n]*\d{1,2}:\d{2})[^\n]*\b(?:page|p)\.?\s*0*[2-9]\s*/\s*\d+[^\n]*$", re.I | re.M)
"""Where a fax cover's block ends: its "Pages:" or "RE:" line, a rule, or the fax header of the next page."""
COVER_BODY_WORDS = 60
"""Words a fax cover sheet's page must carry after its cover block to be read as a request too."""


def _split_cover(seg: Segment) -> list[tuple[Segment, bool]]:
    """A cover sheet with the request typed below it: the cover block and the body, read apart, each with
    whether it is a cover sheet.

    The cover block ends at a "Pages: N", "RE:" or rule line in the first part of the page, or at the next
    page's fax header."""
    if not _is_cover_sheet(seg.text):
        return [(seg, False)]
    # Such lines with a body after them (a rule under the signature ends no cover block).
    ends = [e for m in _COVER_END.finditer(seg.text[:2000])
            if len(seg.text[(e := m.end()):].split()) >= COVER_BODY_WORDS]
    if not ends:
        return [(seg, True)]
    # The first with a body under it before the next such line: a cover's "Pages:", "RE:" and rule lines end
    # nothing, nor does the next page's fax header when the request starts under the cover block.
    cut = next(e for e, after in zip(ends, [*ends[1:], len(seg.text)], strict=True)
               if len(seg.text[e:after].split()) >= COVER_BODY_WORDS or after == len(seg.text))
    body = Segment(seg.document, seg.page, " " * cut + seg.text[cut:])
    return [(Segment(seg.document, seg.page, seg.text[:cut]), True), (body, _is_cover_sheet(body.text))]


def _cue_scores(reads: list[_Read], names: tuple[str, ...]) -> Counter[str]:
    scores: Counter[str] = Counter()
    labels = {label for f in names for label, _p, _w in compiled_cues(f)}
    for r in reads:
        quoted = _quoted_from(r)
        unticked = [m.span() for m in _UNTICKED.finditer(r.segment.text)]
        for span, weight in cue_spans(r.doc):
            # A fax cover's message ("please substitute the attached page") says what the fax is;
            # its letterhead says nothing about what is requested; a reply's quoted thread was said before;
            # a checklist's unticked box ("[ ] Exemption request attached") says nothing.
            if span.label_ in labels and (not r.cover_sheet or span.label_ in _COVER_KINDS) \
                    and span.start_char < quoted and not any(a <= span.start_char < b for a, b in unticked):
                scores[span.label_] += weight
    return scores


_UNTICKED = re.compile(r"^[ \t]*(?:\[[ \t]?\]|☐|□)[^\n]*", re.M)


def _quoted_from(r: _Read) -> int:
    """Where a reply's quoted thread starts (its first quoted message header), or the end of the text."""
    if not r.reply:
        return len(r.segment.text)
    return min([start for start, _program in r.quoted], default=len(r.segment.text))


_COVER_KINDS = {"followup", "status_question", "notice", "draft", "pre_request", "invitation"}


_NOT_REQUESTED = ("staff_qualifications", "adverse_consequences")
"""Items that name equipment without asking for it: the staff's past projects, what fails if denied."""


def _category_scores(reads: list[_Read], prefix: str = "cat:",
                     not_requested: tuple[str, ...] = _NOT_REQUESTED) -> Counter[str]:
    """Category (or activity) cues in what is requested: not in a section or a sentence about staff or
    consequences (for activities, nor in a schedule's "installation is planned for ...")."""
    scores: Counter[str] = Counter()
    for r in reads:
        if r.cover_sheet:
            continue
        spans = cue_spans(r.doc)
        for span, weight in spans:
            if not span.label_.startswith(prefix):
                continue
            if any(s.start <= span.start_char < s.end and s.field in not_requested for s in r.sections):
                continue
            sent = span.sent
            about: Counter[str] = Counter()
            for other, w in spans:
                if sent.start_char <= other.start_char < sent.end_char and other.label_ in _PROSE_FIELDS:
                    about[other.label_] += w
            asks = prefix == "type:" and any(o.label_ == "request" and sent.start_char <= o.start_char < sent.end_char
                                             for o, _w in spans)
            if about and about.most_common(1)[0][0] in not_requested and not asks:
                continue
            if prefix == "type:" and any(o.label_ == "flag:exemption" and sent.start_char <= o.start_char < sent.end_char
                                         for o, _w in spans):
                continue  # "we may have to buy a non-CALNET system instead": a possibility, not the request
            scores[span.label_] += weight
    return scores


def _clip(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"


@lru_cache(maxsize=1)
def _place_names() -> re.Pattern[str]:
    names = sorted(read_lines("ca_places.txt"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")


def _places_in(item: str) -> list[str]:
    """The sites one line of a "Locations:" answer names: its street addresses and the California places
    outside them ("Consumer Services Office, 2101 Arena Blvd, Sacramento, and our Los Angeles office at
    320 West 4th Street" → the two addresses and Los Angeles); the line itself when it names neither."""
    addresses = [(m.start(), m.end()) for m in ADDRESS.finditer(item)]
    if not addresses:
        places = [m.group(0) for m in _place_names().finditer(item)]
        if len(places) > 1 or (places and re.search(r",| and ", item)):
            return places  # "Sacramento headquarters, the Berkeley regional office, Chatsworth and Cypress"
        if re.search(r"\b(?:listed|above|below|see|same as|n/a|tbd|address(?:es)?|various|statewide|cloud[- ](?:hosted|based)|"
                     r"no (?:on-?site|physical|site|premises)|not site[- ]specific)\b", item, re.I) and not places:
            return []  # "As listed under Scope", a table's "Office : Address" header, "a cloud-hosted service": no site
        return [item]
    out = [item[a:b].strip(" ,.;(") for a, b in addresses]
    for m in _place_names().finditer(item):
        if not any(a <= m.start() < b for a, b in addresses) and not any(m.group(0) in o for o in out):
            out.append(m.group(0))
    return out


def _sites_in(item: str) -> list[str]:
    """The sites of a "Locations:" answer's line, its remarks in brackets left out ("2101 Arena Blvd, Sacramento
    (servers)"), unless only the brackets name a place for a line that names none ("District 2 (Redding)", "HQ
    (Sacramento)"; not "Edmonston Pumping Plant (Kern County)")."""
    bare = re.sub(r"\s*\([^)]*\)", "", item).strip(" .,")
    if " | " in bare and not ADDRESS.search(bare) and not _place_names().search(bare):
        return []  # a table header's other cells ("Site: Current system | Replacement | Stations")
    if not ADDRESS.search(bare) and not _place_names().search(bare) and (len(bare.split()) <= 2 or re.search(r"\d", bare)):
        inner = [m.group(0) for b in re.findall(r"\(([^)]*)\)", item) for m in _place_names().finditer(b)]
        if inner:
            return inner
    return _places_in(bare) if len(bare) > 1 else []


def _items(text: str) -> list[str]:
    """A section's text as a list: one item per line or bullet, or per semicolon."""
    parts = [p for p in re.split(r"\n|;|•", text)]
    items = [re.sub(r"^\s*(?:[*\-–—•]|\d{1,2}[.)])\s*", "", p).strip(" .,") for p in parts]
    return [i for i in items if len(i) > 1]


def _evidence(r: _Read, start: int, end: int) -> Evidence:
    snippet = (r.original or r.segment.text)[max(0, start) : end].strip()
    return Evidence(document=r.segment.document, page=r.segment.page, text=_clip(snippet)[:300])


def extract(segments: list[Segment], context: MessageContext | None = None) -> Extraction:
    """Everything the contract asks to read from a message's text."""
    context = context or MessageContext()
    nlp = load_nlp()
    reads = []
    parts = [part for s in segments for part in _split_cover(s)]
    segments = [seg for seg, _cover in parts]
    reply = bool(_REPLY_SUBJECT.match(context.subject))
    laid_out = [Segment(s.document, s.page, layout_text(s.text)) for s in segments]
    for seg, orig, doc, (_s, cover) in zip(laid_out, segments, nlp.pipe(s.text for s in laid_out), parts, strict=True):
        r = _Read(seg, doc, [] if cover else find_sections(seg.text), cover, orig.text, reply, _written_on(seg.text),
                  _quoted_messages(seg.text))
        r.signed = _signed_off(r)
        reads.append(r)

    fields: dict[str, FieldValue] = {name: FieldValue() for name in FIELD_NAMES}
    extra: dict[str, FieldValue] = {}
    _read_labelled(reads, fields, extra)
    gaps = _read_prose(reads, fields)
    _read_people(reads, fields, context)
    if "contact_person" in extra and not fields["submitter_title"].present:
        # "Point Person: Anjali Deshmukh, Chief Information Officer" over a message she signs "Anjali"
        (name, title), contact = extra["contact_person"].value, extra["contact_person"]
        signer = str(fields["submitter_name"].value or "")
        if not signer or name.split()[0].lower() == signer.split()[0].lower():
            fields["submitter_name"] = FieldValue(value=name, confidence=contact.confidence, evidence=contact.evidence)
            fields["submitter_title"] = FieldValue(value=title, confidence=contact.confidence, evidence=contact.evidence)
    _read_agency(reads, fields, context)
    _read_contacts(reads, fields)
    _read_references(reads, fields)

    scores = _cue_scores(reads, ("cues.jsonl",))
    scores = Counter({k: v for k, v in scores.items() if not k.startswith(("cat:", "type:"))}) \
        + _category_scores(reads) + _category_scores(reads, prefix="type:")
    subject_scores = _subject_cues(context.subject)
    if reply:  # "RE: Does X need delegation?": the question of the message it answers
        subject_scores = subject_scores - Counter({k: v for k, v in subject_scores.items()
                                                   if k in ("status_question", "pre_request")})
    kind, reason = _classify_kind(scores, subject_scores, fields, context)
    if kind == "delegation_request":
        _fill_gaps(gaps, fields)
    staff = fields["staff_qualifications"]
    if staff.present and staff.confidence < LABELLED and not _QUALIFIED.search(str(staff.value)):
        # "Our staff will do the install." says who, not why they are qualified (policy line 15); an
        # answer under a staff label is taken as the writer's answer.
        fields["staff_qualifications"] = FieldValue()

    categories = [c for c in GENERAL_CATEGORIES if scores[f"cat:{c}"] > 0]
    if "ip_pbx_hybrid" in categories and not scores["cat:key_system"]:
        # IP-enabling or hybrid PBX work names the PBX it extends; that alone is not a PBX request.
        categories.remove("pbx_key_telephone") if "pbx_key_telephone" in categories else None
    if "activities" in extra:
        activities = _activities_from(str(extra["activities"].value))
    else:
        requested = _category_scores(reads, prefix="act:", not_requested=_NOT_REQUESTED + ("timeframe",))
        activities = _activities_from(" ".join(_request_sentences(reads))) or [
            a for a in ACTIVITIES if requested[f"act:{a}"] > 0]
    dtype = _delegation_type(scores, extra, categories, fields, _named_types(reads, context.subject))
    if dtype == "calnet_contract":
        categories = []  # the general categories are those of General Delegations
        products = fields["products_services"]
        if products.present and not fields["project_scope"].present:
            # "Service: SIP trunking, 60 sessions": what a contract delegation orders is its scope.
            items = products.value if isinstance(products.value, list) else [str(products.value)]
            fields["project_scope"] = FieldValue(value=_clip("; ".join(map(str, items))),
                                                 confidence=products.confidence, evidence=products.evidence)
        fields["products_services"] = FieldValue()  # an equipment list is asked of general delegations only
        fields["justification"] = FieldValue()  # and "for General Delegations, the reason(s) why delegation should be granted"
    elif kind == "delegation_request" and fields["products_services"].present and not fields["project_scope"].present:
        # "System: on-premises mass notification and overhead paging: a server pair, 180 IP speakers ...":
        # the list is all the request says of what it will do, so it states the scope, for review.
        products = fields["products_services"]
        items = products.value if isinstance(products.value, list) else [str(products.value)]
        fields["project_scope"] = FieldValue(value=_clip("; ".join(map(str, items))),
                                             confidence=min(products.confidence, REQUEST_SCOPE),
                                             evidence=products.evidence)

    if fields["submitter_title"].present:
        title = EMAIL.sub("", PHONE.sub("", repair_title(str(fields["submitter_title"].value))))
        fields["submitter_title"].value = re.sub(r"\s{2,}", " ", title).strip(" ,;|·-")  # "Acting CIO    916-445-0411"
    _, title_cio = classify_title(fields["submitter_title"].value or "") if fields["submitter_title"].present else (None, None)
    flags: list[str] = []
    if kind == "delegation_request" or kind == "follow_up":
        for flag, label in (("new_to_market", "flag:new_to_market"), ("complex_technical", "flag:complex_technical"),
                            ("exemption_may_be_required", "flag:exemption")):
            if scores[label] > 0:
                flags.append(flag)
        if fields["exemption_reference"].present and "exemption_may_be_required" not in flags:
            flags.append("exemption_may_be_required")
    if kind == "delegation_request":
        if title_cio is not True:  # a title that is no CIO's, or none at all (policy line 32)
            flags.append("submitter_not_cio")
        if dtype == "calnet_contract" and not fields["catalog_reference"].present:
            flags.append("catalog_reference_missing")
    if kind == "follow_up" and ("delegation_type" in extra or scores[f"type:{dtype}"] >= 3):
        flags = []  # a follow-up keeps the type it states, and what it asks for
    elif kind != "delegation_request":
        flags, categories, activities, dtype = [], [], [], None
    return Extraction(
        kind=kind,
        delegation_type=dtype,
        general_categories=categories,
        activities=activities,
        fields=fields,
        flags=flags,
        kind_reason=reason,
        title_is_cio=title_cio,
    )


def _subject_cues(subject: str) -> Counter[str]:
    scores: Counter[str] = Counter()
    for label, pattern, weight in compiled_cues("cues.jsonl"):
        if pattern.search(subject):
            scores[label] += weight
    return scores


_REQUIRED_FOR_KIND = ("project_scope", "project_purpose", "timeframe", "locations",
                      "staff_qualifications", "adverse_consequences", "justification", "products_services")


def _classify_kind(scores: Counter[str], subject: Counter[str], fields: dict[str, FieldValue],
                   ctx: MessageContext) -> tuple[str, str]:
    sender = ctx.from_.lower()
    if "mailer-daemon" in sender or "postmaster" in sender or subject["bounce"] or scores["bounce"] >= 4:
        return "other", "delivery failure notice (bounce)"
    if ctx.auto_submitted or subject["auto_reply"] or (scores["auto_reply"] and not scores["request"]):
        return "other", "automatic reply"
    found = sum(fields[f].present for f in _REQUIRED_FOR_KIND)
    request = scores["request"] + subject["request"]
    is_reply = bool(ctx.in_reply_to or ctx.references) or bool(re.match(r"^\s*(re|aw|sv)\s*:", ctx.subject, re.I))
    followup = scores["followup"] + subject["followup"]
    status = scores["status_question"] + subject["status_question"]
    if followup >= 2 and followup >= status:
        status = 0  # "still pending; please replace the schedule section": it adds to the request
    if (status and found < 3) or (status >= 2 and ((found < 5 and not subject["request"]) or subject["status_question"])) \
            or (status >= 4 and status > request):  # a long status question restating the request
        return "other", "status question about an earlier request"
    notice, draft = scores["notice"] + subject["notice"], scores["draft"] + subject["draft"]
    if (draft >= 4 or (draft >= 3 and request < 6)) and not scores["adopts"]:  # a CIO adopting a draft sends it
        return "other", "an internal draft, not yet sent as a request"
    if scores["invitation"] + subject["invitation"] >= 3 and request < 4:
        return "other", "an invitation or announcement, not a request"
    if scores["pre_request"] + subject["pre_request"] >= 3 and request < 6:
        return "other", "a question or meeting before a request is made"
    if notice >= 2 and notice > 2 * followup and (request < 3 or notice >= 4):
        return "other", "a notice about a project already approved or done"
    exemption_only = scores["exemption_only"] + subject["exemption_only"]
    if ((exemption_only >= 2 and request < 2) or exemption_only >= 5) and not (is_reply and followup):
        return "other", "an exemption request (STMM 3-501), not a delegation request"
    marketing = scores["marketing"] + subject["marketing"]
    if marketing and _OUTSIDE_SENDER.search(ctx.from_):
        marketing += 1  # a company's pitch, sent from outside government
    if marketing >= 3 or (marketing >= 2 and request < 4):
        return "other", "vendor marketing"
    # A reply counts as a follow-up when it adds request items or says it answers or resubmits;
    # a reply that only thanks or acknowledges is not one.
    # A whole new request sent in an old thread ("As discussed - CAL FIRE requests delegation to replace ...").
    new_request = request >= 2 and not followup and (found >= 6 or (found >= 3 and request >= 3))
    if (is_reply and (followup or found >= 1) and not new_request) or (followup >= 2 and subject["followup"]) \
            or (followup >= 3 and found < 6) or followup >= 6:
        return "follow_up", "reply or resubmission adding to an earlier request"
    if request >= 2 or found >= 4 or (request >= 1 and (found >= 2 or fields["catalog_reference"].present)):
        return "delegation_request", f"asks for delegation ({request:g} request cues, {found} request items found)"
    return "other", "no delegation request found"


_OUTSIDE_SENDER = re.compile(r"@(?![\w.-]*\.(?:gov|ca\.us|mil|edu)\b)[\w.-]+\.[a-z]{2,}\b", re.I)
"""An address outside government (a vendor's): "@goldcountryvoice.com", not "@dss.ca.gov"."""


def _request_sentences(reads: list[_Read]) -> list[str]:
    """Sentences that say what delegation is asked for."""
    out = []
    for r in reads:
        if r.cover_sheet:
            continue
        for sent in r.doc.sents:
            if re.search(r"\bdelegation\b|\bactivit", sent.text, re.I) and re.search(
                r"\brequest|\bseek|\bask", sent.text, re.I):
                out.append(sent.text)
    return out


_CHECKED = re.compile(r"(?:\[\s*[xX✓✔]\s*\]|☒|☑|■)\s*([^\[☐☒☑■□\n]+)")
_BOX = re.compile(r"\[\s*[xX✓✔ ]?\s*\]|[☐☒☑■□]")


def _checked(text: str) -> str:
    """Of a form's check boxes ("[ ] General  [X] CALNET Contract"), the options ticked; else the text."""
    if len(_BOX.findall(text)) < 2 or not _CHECKED.search(text):
        return text
    return "; ".join(m.group(1).strip() for m in _CHECKED.finditer(text))


def _activities_from(text: str) -> list[str]:
    """Activities named in a text that says what is asked for (a label's value, a request sentence)."""
    text = fold_ocr(_checked(text))  # a fax's "lnstallation", "Operatíon"
    out = []
    for label, pattern, _w in compiled_cues("cues.jsonl"):
        if label.startswith(("act:", "act_word:")) and pattern.search(text):
            out.append(label.split(":", 1)[1])
    low = text.lower()
    for a in ACTIVITIES:
        if a.replace("_", " ") in low:
            out.append(a)
    return sorted(set(out), key=ACTIVITIES.index)


_NAMED_TYPE = re.compile(r"\b(?:request\w*|seek\w*|ask\w*|apply\w*|for)\s+(?:an?\s+|the\s+)?(?:(?P<general>general)|"
                         r"(?P<contract>(?:calnet\s+)?contract))\s+delegation\b", re.I)
"""A request naming the type it asks for ("DCSS requests contract delegation for ...")."""


def _named_types(reads: list[_Read], subject: str = "") -> set[str]:
    """The delegation types the message's own request sentences name (not quoted mail), else its subject
    ("DCC General Delegation Request - Licensing Call Center IVR/ACD")."""
    named = set()
    for r in reads:
        if r.cover_sheet:
            continue
        for m in _NAMED_TYPE.finditer(r.own_text):
            named.add("general" if m.group("general") else "calnet_contract")
    if not named and not _REPLY_SUBJECT.match(subject):
        named = {"general" if m.group(1).lower() == "general" else "calnet_contract"
                 for m in re.finditer(r"\b(general|(?:calnet )?contract) delegation\b", subject, re.I)}
    return named


def _delegation_type(scores: Counter[str], extra: dict[str, FieldValue], categories: list[str],
                     fields: dict[str, FieldValue], named: frozenset[str] | set[str] = frozenset()) -> str | None:
    if "delegation_type" in extra:
        v = _checked(str(extra["delegation_type"].value)).lower()
        at = {t: m.start() for t, pat in (("general", r"\bgeneral\b"), ("calnet_contract", r"\bcontract\b"))
              if (m := re.search(pat, v))}
        if at:  # the type named first ("General (not provided by the CALNET contracts)")
            return min(at, key=at.get)
    if len(named) == 1:
        return next(iter(named))  # "requests contract delegation for the network call recording": as it says
    contract, general = scores["type:calnet_contract"], scores["type:general"]
    if fields["catalog_reference"].present:
        contract += 2
    if categories:
        general += 1  # equipment of a general category is being bought or built
    if contract > general and contract >= 2:
        return "calnet_contract"
    if general > contract:
        return "general"
    # A tie, or one weak contract cue ("CALNET Metro Ethernet"): a CALNET service named is more telling
    # than equipment words, which contract services share ("contact center as a service").
    return "calnet_contract" if contract > 0 else None


_SEPARATED = re.compile(r"\s*(?:,|\||·|•|\s[-–—/]\s)\s*")
"""What separates a name from its title on one line: "Name, Title", "Name | Title", "Agency – Name"."""


def _read_labelled(reads: list[_Read], fields: dict[str, FieldValue], extra: dict[str, FieldValue]) -> None:
    for r in reads:
        for s in r.sections:
            if not s.text:
                continue
            ev = _evidence(r, s.start, s.end)
            if s.field == UNKNOWN:
                _title_from_unknown_label(s, ev, fields)
                first = s.text.split("\n")[0]
                if not fields["timeframe"].present and len(first.split()) <= 8 and find_periods(first) \
                        and _WORK_LABEL.match(fold_ocr(s.label) + ":"):
                    # "Install: November 2026.": when the work happens
                    start, end = normalise_period(f"{s.label}: {first}", r.written)
                    fields["timeframe"] = FieldValue(value=Timeframe(text=_clip(first), start=start, end=end),
                                                     confidence=UNKNOWN_LABEL_TITLE, evidence=[ev])
                continue
            if s.field in ("delegation_type", "activities", "contact"):
                if s.field == "contact":
                    _contact_from(s.text, ev, fields)
                    parts = [p.strip(" ,.") for p in _SEPARATED.split(s.text.split("\n")[0])]
                    if len(parts) > 1 and (person := _person(parts[0])) \
                            and (title := _title_in(EMAIL.sub("", PHONE.sub("", parts[1])).strip())):
                        extra["contact_person"] = FieldValue(value=(person, title), confidence=LABELLED, evidence=[ev])
                else:
                    extra[s.field] = FieldValue(value=s.text, confidence=LABELLED, evidence=[ev])
                continue
            target = fields[s.field]
            if s.field == "timeframe" and target.present and isinstance(target.value, Timeframe) \
                    and target.value.end is None and not _PLACEHOLDER.match(s.text.split("\n")[0]):
                start, end = normalise_period(f"{s.label}: {s.text}", r.written)
                if end:  # "Project Start: 10/01/2026" ... "Target Completion: 03/15/2027"
                    # ("Procurement upon approval." ... "Installation and cutover: Q1 2027": its start too)
                    target.value = Timeframe(text=_clip(f"{target.value.text}; {s.text}"),
                                             start=target.value.start or start, end=end)
                    target.evidence.append(ev)
                continue
            if target.present or _PLACEHOLDER.match(s.text.split("\n")[0]):
                continue  # "Staff qualifications: To be provided under separate cover." states nothing
            if s.field == "locations":
                flat = re.sub(r"\([^)]*\)", lambda m: re.sub(r"\s*[;\n]\s*", ", ", m.group(0)), s.text)  # "(servers; telework)"
                value: object = [p for item in _items(flat) for p in _sites_in(item)]
            elif s.field == "products_services":
                value = _items(s.text)
            elif s.field == "timeframe":
                start, end = normalise_period(f"{s.label}: {s.text}", r.written)  # "Desired Go-Live: July 2027" is an end
                if _START_LABEL.search(s.label) and len(find_periods(s.text)) == 1:
                    end = None  # "Kick-off: August 2027" starts the project; "Go-live: ..." may end it
                value = Timeframe(text=_clip(s.text), start=start, end=end)
            elif s.field in ("contact_email",):
                m = EMAIL.search(s.text)
                value = m.group(0) if m else None
            elif s.field in ("contact_phone",):
                m = PHONE.search(s.text)
                value = m.group(0) if m else None
            elif s.field in ("submitter_name", "submitter_title", "agency"):
                value = s.text.split("\n")[0].strip(" ,.")
                parts = [p.strip(" ,.") for p in _SEPARATED.split(value) if p.strip(" ,.")]
                first = next((k for k, p in enumerate(parts) if _NAME.match(p) and not _agency_name(p)
                              and not _title_in(p)), None) if len(parts) > 1 else None
                if s.field == "submitter_name" and first is not None:
                    # "Submitted by: Priya Raman, Chief Information Officer", "Who's asking: Secretary of
                    # State – Darnell Whitaker-Ruiz, CIO": the name, and the title after it (or before it)
                    title = _title_in(", ".join(parts[first + 1:])) if len(parts) > first + 1 else None
                    title = title or next((t for p in [*parts[first + 1:], *parts[:first][::-1]] if (t := _title_in(p))),
                                          None)  # ("Brendan O'Rourke, Assistant Commissioner, Chief Information Officer")
                    if title and not fields["submitter_title"].present:
                        fields["submitter_title"] = FieldValue(value=title, confidence=LABELLED, evidence=[ev])
                    value = parts[first]
                if s.field == "submitter_name" and not fields["submitter_title"].present:
                    # A title on the next line, under a label of its own ("Role - Interim CIO").
                    for line in s.text.split("\n")[1:3]:
                        rest = re.sub(r"^[^:\n]{1,25}?(?::|\s[-–—]\s)\s*", "", line.strip())
                        if (title := _title_in(rest)) and title == rest.strip(" ,."):
                            fields["submitter_title"] = FieldValue(value=title, confidence=LABELLED, evidence=[ev])
                            break
                if s.field == "submitter_title" and len(parts) > 1:
                    # "Deputy Director, Information Technology Services / Chief Information Officer": all of it
                    value = _title_in(value) or next((p for p in parts if classify_title(p)[0] and not _agency_name(p)),
                                                     value)
                if s.field == "submitter_name":
                    value = re.split(r"\s{3,}|\t", re.sub(r"^/s/\s*", "", str(value)))[0]  # "/s/ Name      Date: ..."
                    value = _STRIP_RANK.sub("", re.sub(r"^(\S+)\s+\([A-Z]{2}\)\s+", r"\1 ", value))  # "COL (CA) R. Benavides"
                    if _agency_name(value) or re.search(r"\b(?:name|office|division|branch|section|unit|bureau|"
                                                        r"department|agency|board|commission|services|program|"
                                                        r"delegation|request|project|system|solution)\b",
                                                        value, re.I):
                        continue  # "State Treasurer's Office", "General Delegation (premise-based)": no person
            else:
                value = _clip(s.text)
            if value:
                fields[s.field] = FieldValue(value=value, confidence=LABELLED, evidence=[ev])


_PLACEHOLDER = re.compile(
    r"^(?:[A-Za-z0-9]{1,2}[.)]\s+)?\W*(?:(?:n/?a|tbd|tba|none|unknown|pending|not applicable)\b(?:\W*$|\s*[-–—:;(,]\s*[^\n]{0,80}$)"
    r"|(?:details|information|specifics|a list|names|resumes|qualifications)\b[^.\n]{0,60}\bwill be (?:provided|sent|submitted|"
    r"forwarded|supplied)\b[^\n]{0,120}$"
    r"|not (?:yet )?(?:known|determined|available|set|scheduled|final(?:ized)?|decided)(?: yet)?\b[^\n]{0,120}$"
    r"|to be (?:provided|determined|confirmed|supplied|submitted|sent|added|decided|scheduled)\b(?:[^.\n]*\W*$|\.)"
    r"|(?:will|to) (?:follow|be provided|be sent|be submitted)\b[^.\n]*\W*$"
    r"|\[[^\]\n]{8,}\]\W*$"
    r"|(?:see|refer to|please see) (?:the )?attach(?:ed|ment)\b[^.\n]*\W*$"
    r"|[^\d\n]{0,40}\b(?:as soon as (?:possible|we can|practical|practicable|feasible)|asap)\b[^\d\n]{0,40}$"
    r"|(?:we )?(?:do not|don't|do n't) (?:yet )?have (?:a |any )?(?:firm |set |final |exact |specific )?(?:dates?|schedule|"
    r"timeline)\b[^\d\n]*$"
    r"|(?:i|we) (?:haven'?t|have not) (?:yet )?(?:locked|set|fixed|pinned down|finali[sz]ed|confirmed|picked|chosen) "
    r"(?:in |down )?(?:any|them|the dates?|dates?|a date)\b[^\d\n]*$)", re.I)
"""A form's answer that states nothing ("N/A", "TBD", "To be provided under separate cover.", "ASAP")."""


UNKNOWN_LABEL_TITLE = 0.7
"""Confidence of a title read under a label we do not know ("Working Title:", "Role:")."""


_ADDRESSEE_LABEL = re.compile(r"^(?:t[o0]|attn|attention|cc|bcc|dear|recipient|addressee|for|via)$", re.I)
"""Labels that name who a message is sent to (the CALNET Program), never who signs it."""


def _title_from_unknown_label(s: Section, ev: Evidence, fields: dict[str, FieldValue]) -> None:
    """A form's line under a label we do not know whose whole answer is a job title is the submitter's title."""
    value = s.text.split("\n")[0].strip(" ,.")
    if fields["submitter_title"].present or not value or len(value.split()) > 8 or _agency_name(value) \
            or _ADDRESSEE_LABEL.match(s.label.strip(" :.")) or re.search(r"\bcalnet\b", value, re.I):
        return
    if classify_title(value)[0] and _title_in(value) == value:
        fields["submitter_title"] = FieldValue(value=value, confidence=UNKNOWN_LABEL_TITLE, evidence=[ev])


def _contact_from(text: str, ev: Evidence, fields: dict[str, FieldValue]) -> None:
    m = EMAIL.search(text)
    if m and not fields["contact_email"].present:
        fields["contact_email"] = FieldValue(value=m.group(0), confidence=LABELLED, evidence=[ev])
    p = PHONE.search(text)
    if p and not fields["contact_phone"].present:
        fields["contact_phone"] = FieldValue(value=p.group(0), confidence=LABELLED, evidence=[ev])


_PROSE_FIELDS = ("project_scope", "project_purpose", "staff_qualifications", "adverse_consequences",
                 "justification", "timeframe", "products_services")


_PROSE_SECTION_WORDS = 15
"""A "Request:" or "Delegation:" section longer than this is a paragraph of prose, read as such too."""


def _in_sections(r: _Read, start: int) -> bool:
    """Whether an offset is in a labelled section (a section under a label we do not know is prose,
    and so is a long paragraph under a type or activities label, or under a label that names several
    items: "The specific project and parameters (scope, purpose, timeframes, locations)")."""
    text = r.segment.text
    return any(text.rfind("\n", 0, s.start) + 1 <= start < s.end and s.field != UNKNOWN  # from its line's bullet
               and not (s.field in ("delegation_type", "activities") and len(s.text.split()) > _PROSE_SECTION_WORDS)
               and not _names_several(s.label)
               for s in r.sections)


@lru_cache(maxsize=1024)
def _names_several(label: str) -> bool:
    """A label naming several request items, each of which its answer may state in a sentence of its own."""
    if re.search(r"\bparameters\b", label, re.I):
        return True  # the policy's item 1, "the specific project and parameters": scope, purpose, timeframes, locations
    if re.fullmatch(r"(?:executive |project |request )?(?:overview|summary|background|introduction|description)", label.strip(),
                    re.I):
        return True  # "I. OVERVIEW": what the project is, and often why
    return len(fields_named(label) & {*_PROSE_FIELDS, "timeframe", "locations"} - {"project_scope"}) >= 2


def _read_prose(reads: list[_Read], fields: dict[str, FieldValue]) -> dict[str, tuple[float, _Read, object]]:
    """Assign unlabelled sentences to a field: by the cues they carry, else by the sentence classifier."""
    picked: dict[str, list[tuple[float, _Read, object]]] = {f: [] for f in _PROSE_FIELDS}
    by_classifier: set[str] = set()
    places: list[tuple[_Read, str, int, int]] = []
    candidates: list[tuple[_Read, object, Counter[str]]] = []
    assigned: dict[tuple[int, int], str] = {}  # (read, sentence start) -> the field its sentence went to
    for r in reads:
        if r.cover_sheet:
            continue
        blocks = _address_blocks(r.segment.text)
        signed = r.signed
        written = r.written
        cues = cue_spans(r.doc)
        for sent in r.doc.sents:
            if _in_zones(signed, sent.start_char):
                continue
            text = sent.text.strip()
            score: Counter[str] = Counter()
            for span, weight in cues:
                if sent.start_char <= span.start_char < sent.end_char and span.label_ in picked:
                    score[span.label_] += weight
            if PROSE_ASSIGNMENT == "classifier":
                score = Counter({k: v for k, v in score.items() if k == "products_services"})
            best = score.most_common(1)[0][0] if score else None
            if best not in _NOT_PLACES and not any(a <= sent.start_char < b for a, b in blocks) \
                    and not _past_work_places(text) and not _NOT_SITE.search(text):
                # Places of the project, not those of the staff's past work or of a consequence,
                # nor of a letterhead's or the recipient's address.
                ents = [e for e in sent.ents if e.label_ == "CA_PLACE"]
                found: list[tuple[int, int, str, bool]] = []  # (start, end, place, a named facility)
                for k, ent in enumerate(ents):
                    if k and ent.text.endswith(("County", "COUNTY")) and ent.start_char - ents[k - 1].end_char <= 3:
                        continue  # "Ione, Amador County": the county only says where the city is
                    found.append((ent.start_char, ent.end_char, ent.ent_id_ or ent.text, not ent.ent_id_))
                lead = sent.start_char + len(sent.text) - len(sent.text.lstrip())
                found += [(lead + m.start(), lead + m.end(), m.group(0).strip(" ,."), False)
                          for m in ADDRESS.finditer(text)]
                places += [(r, place, sent.start_char, sent.end_char)
                           for place in _facilities_joined(sorted(found), r.segment.text)]
            bare = _INSTRUCTION.sub("", text).strip()  # a template's "[Describe the impact ...]" states nothing
            if _in_sections(r, sent.start_char) or len(bare) < 15 or (bare.isupper() and len(bare.split()) <= 8) \
                    or _policy_wording(bare):
                continue  # a heading in capitals ("SECTION F - TEAM EXPERIENCE") or the policy's question states nothing
            if _inline_label(r, sent, fields):
                continue
            if not score["timeframe"] and (len(find_periods(_HEADER_DATES.sub("", text))) >= 2 or (
                    _WORK_LABEL.match(fold_ocr(text)) and find_periods(text))):
                score["timeframe"] += 1  # "Work will run from April 1, 2027 to September 30, 2027", "Install: Nov 2026"
            if score["timeframe"] and (not states_period(_HEADER_DATES.sub("", text), written) or _PAST_WORK.search(text)
                                       or _PAST_EVENT.search(text) or _before(text, written) or _deadline_of_old(text)):
                del score["timeframe"]
            products = score.pop("products_services", 0)
            if products >= 3:
                picked["products_services"].append((products, r, sent))
            if (score and score.most_common(1)[0][1] >= 1) or len(text.split()) >= 4 or find_periods(text):
                candidates.append((r, sent, score))  # an equipment list may state the scope too
    # The trained classifier decides for sentences no cue speaks for, and breaks ties between cues.
    texts = [s.text for _r, s, _score in candidates] if PROSE_ASSIGNMENT != "cues" else []
    unassigned: list[tuple[_Read, object, dict[str, float]]] = []
    secondary: list[tuple[str, float, _Read, object]] = []
    for (r, sent, score), cats in zip_longest(candidates, classify(texts)):
        sure = {k: p for k, p in (cats or {}).items() if p >= CLASSIFIER_MIN}
        if any(s is sent for _w, _r, s in picked["products_services"]):
            sure.pop("products_services", None)  # already taken as the equipment list by its cues
        if score:
            best = max(score, key=lambda k: (score[k] + CLASSIFIER_WEIGHT * (cats or {}).get(k, 0.0)))
            picked[best].append((score[best], r, sent))
            assigned[(id(r), sent.start_char)] = best
            # Its other cues may fill an item no sentence states on its own ("we'd like to install it in Q1 2027").
            secondary.extend((label, score[label], r, sent) for label in score if label != best)
            # And an item the classifier is sure it states ("we are the right ones to do it, because our
            # team built the system": cues say staff, the classifier says justification).
            secondary.extend((other, q, r, sent) for other, q in sure.items()
                             if other not in score and q >= SECONDARY_MIN and other != "timeframe")
            if "timeframe" not in score and _work_period(r, sent.text, sure):
                secondary.append(("timeframe", 1.0, r, sent))  # "... for two homes, with the work during 2027"
        elif sure:
            label, p = max(sure.items(), key=lambda kv: kv[1])
            if label == "timeframe" and (not states_period(_HEADER_DATES.sub("", sent.text), r.written)
                                         or _PAST_WORK.search(sent.text) or _PAST_EVENT.search(sent.text)
                                         or _before(sent.text, r.written)):
                continue
            picked[label].append((p, r, sent))
            by_classifier.add(label)
            assigned[(id(r), sent.start_char)] = label
            # A sentence that states two items ("proposing a DAS: a CommScope head-end, 9 remote units ...")
            # may fill the second when nothing else states it.
            secondary.extend((other, q, r, sent) for other, q in sure.items() if other != label
                             and q >= SECONDARY_MIN and other != "timeframe")
            if label != "timeframe" and _work_period(r, sent.text, sure):
                secondary.append(("timeframe", 1.0, r, sent))
        if cats and not score and (id(r), sent.start_char) not in assigned and _may_fill_gap(sent.text):
            unassigned.append((r, sent, cats))
    stated = {label for label, hits in picked.items() if hits}
    for label, weight, r, sent in secondary:
        if label not in stated:
            picked[label].append((weight, r, sent))
    # An item no sentence was given to: the sentence the classifier likes best for it, if it likes it
    # more than anything else and at least CLASSIFIER_GAP_MIN (a request usually states every item).
    # Filled in by `fill_gaps` once the message is known to be a request.
    gaps: dict[str, tuple[float, _Read, object]] = {}
    for label in picked:
        if picked[label] or fields[label].present or label == "timeframe":
            continue
        best = max(((c[label], r, sent) for r, sent, c in unassigned
                    if max(c, key=c.get) == label and c[label] >= CLASSIFIER_GAP_MIN), default=None,
                   key=lambda t: t[0])
        if best:
            gaps[label] = best
    places = [(r, place, a, b) for r, place, a, b in places if assigned.get((id(r), a)) not in _NOT_PLACES]
    if any(assigned.get((id(r), a)) != "project_purpose" for r, _p, a, _b in places):
        # A place in the purpose ("to call the Sacramento lab") is not a site when the project names its sites.
        places = [(r, place, a, b) for r, place, a, b in places if assigned.get((id(r), a)) != "project_purpose"]

    for name, hits in picked.items():
        if fields[name].present or not hits:
            continue
        top = max(v for v, _r, _s in hits)
        hits.sort(key=lambda h: (h[1].segment.document, h[2].start_char))
        text = " ".join(s.text.strip() for _v, _r, s in hits[:4])
        evidence = [_evidence(r, s.start_char, s.end_char) for _v, r, s in hits[:3]]
        if name in by_classifier and top <= 1:
            confidence = round(CLASSIFIED + 0.2 * (top - CLASSIFIER_MIN) / (1 - CLASSIFIER_MIN), 2)
        else:
            confidence = round(min(0.8, 0.45 + 0.1 * top), 2)
        if name == "timeframe":
            start, end = normalise_period(_HEADER_DATES.sub("", text), hits[0][1].written)
            value: object = Timeframe(text=_clip(text), start=start, end=end)
        elif name == "products_services":
            value = [_clip(s.text.strip()) for _v, _r, s in hits[:6]]
        else:
            value = _clip(text)
        fields[name] = FieldValue(value=value, confidence=confidence, evidence=evidence)

    if not fields["project_scope"].present:
        _scope_from_request(reads, fields)
    if not fields["products_services"].present:
        _products_from_prose(reads, fields)

    if not fields["locations"].present and places:
        seen: dict[str, tuple[_Read, int, int]] = {}
        for r, place, a, b in places:
            if place.lower() in ("rancho cordova",) and "1810" in r.segment.text[a:b]:
                continue  # the CALNET Program's own address
            key = place.lower()
            inside = [k for k in seen if k.lower() in key]
            for k in inside:  # "Crescent City", then "5905 Lake Earl Drive, Crescent City": keep the address
                del seen[k]
            if not any(key in k.lower() for k in seen):
                seen[place] = (r, a, b)
        if any(not k.endswith(("County", "COUNTY")) for k in seen):
            # Counties beside cities or addresses say where those are ("Porterville, Tulare County").
            seen = {k: v for k, v in seen.items() if not k.endswith(("County", "COUNTY"))}
        if seen:
            fields["locations"] = FieldValue(
                value=list(seen)[:8],
                confidence=0.6,
                evidence=[_evidence(r, a, b) for r, a, b in list(seen.values())[:3]],
            )
    return {k: v for k, v in gaps.items() if not fields[k].present}


@lru_cache(maxsize=1)
def _policy_items() -> list[list[str]]:
    return [re.findall(r"[a-z]+", line.lower()) for line in read_lines("policy_items.txt")]


POLICY_WORDING = 0.8
"""How close (difflib ratio over words) a sentence must come to an item of the policy's list to be its quotation."""


def _policy_wording(text: str) -> bool:
    """Whether a sentence quotes the policy's list of what a request gives ("Any adverse consequences to the agency
    or others if delegation is denied."), as a questionnaire does above its answer."""
    words = re.findall(r"[a-z]+", text.lower())
    return 5 <= len(words) <= 40 and any(
        SequenceMatcher(None, words, item).ratio() >= POLICY_WORDING for item in _policy_items())


_PLEASANTRY = re.compile(
    r"^\W*(?:thanks?|thank you|many thanks|regards|best|cheers|please (?:let|feel|contact|call|reach|don't|do not)|"
    r"let me know|feel free|if you have (?:any )?questions|hope|hi|hello|dear|good (?:morning|afternoon))\b", re.I)


def _may_fill_gap(text: str) -> bool:
    """Whether a sentence may stand for an item nothing else states: not a pleasantry, not a heading
    ("CALNET Contract Delegation Request"), not a remark about the product being new or complex or
    about an exemption (flags, not items)."""
    words = re.findall(r"[^\W\d_]+", text)
    if _PLEASANTRY.search(text) or (words and all(w[0].isupper() for w in words if len(w) > 3)):
        return False
    return not any(label.startswith("flag:") and pattern.search(text)
                   for label, pattern, _w in compiled_cues("cues.jsonl"))


_JOIN = re.compile(r"[\s,]*(?:(?:out |located |both |all )?(?:in|at|near|on)\s+)?|[\s,]*[-–—(]\s*")


def _facilities_joined(found: list[tuple[int, int, str, bool]], text: str) -> list[str]:
    """Places in text order, a named facility joined to the address or town right after it ("Napa State
    Hospital, 2100 Napa-Vallejo Highway, Napa"): one site, however a reviewer writes it."""
    out: list[str] = []
    taken: set[int] = set()
    for i, (a, b, place, facility) in enumerate(found):
        if i in taken:
            continue
        nxt = next((j for j in range(i + 1, len(found)) if found[j][0] >= b), None)
        if nxt is not None:
            gap, (_c, d, after, _f) = text[b:found[nxt][0]], found[nxt]
            street = ADDRESS.fullmatch(place) and "," not in place
            if (facility or street) and _JOIN.fullmatch(gap):
                # "... Reservoir near Los Banos", "3301 C Street in Sacramento": as written
                place = " ".join(text[a:d].split()).strip(" ,.")
                taken.add(nxt)
            elif not facility and not street and ADDRESS.fullmatch(after) and "," not in after \
                    and _AT_ADDRESS.fullmatch(gap):
                place = f"{after}, {place}"  # "our Oakland office at 1901 Harrison Street"
                taken.add(nxt)
        out.append(place)
    return out


_AT_ADDRESS = re.compile(r"\s+(?:[\w-]+\s+){0,3}?(?:at|on)\s+|[\s,]*[-–—(:]\s*")


def _fill_gaps(gaps: dict[str, tuple[float, _Read, object]], fields: dict[str, FieldValue]) -> None:
    """A request's items no sentence was given to, from the sentences `_read_prose` kept for them;
    their confidence is below CLASSIFIED, so the packet lists them for a reviewer's attention."""
    for label, (p, r, sent) in gaps.items():
        if fields[label].present:
            continue
        text = _clip(sent.text.strip())
        confidence = round(CLASSIFIED - 0.1 * (CLASSIFIER_MIN - p) / CLASSIFIER_MIN, 2)
        fields[label] = FieldValue(value=[text] if label == "products_services" else text, confidence=confidence,
                                   evidence=[_evidence(r, sent.start_char, sent.end_char)])


_PAST_WORK = re.compile(
    r"\b(?:(?:have|has|had) (?:done|installed|replaced|built|converted|upgraded|designed|deployed|completed|delivered)"
    r"|(?:did|done|ran|run) the same|last (?:year|spring|summer|fall|winter)|previously|in (?:19|20)\d\d,)\b", re.I)
"""A sentence about work already done (the staff's experience): its places are not the project's."""
def _past_work_places(text: str) -> bool:
    """Whether a sentence's places are those of work done before ("we replaced the Fresno PBX last year"), not of a
    project that will be done there ("would serve our headquarters in Rancho Cordova and replace a system whose
    support ended last year")."""
    m = _PAST_WORK.search(text)
    return bool(m) and not (m.group(0).lower().startswith("last ") and re.search(r"\b(?:will|would)\b", text[:m.start()]))


_QUALIFIED = re.compile(
    r"\b(?:experience\w*|certif\w*|years?|yrs|since|trained|training|built|ran|runs?|running|manag\w+|maintain\w*|"
    r"administer\w*|install(?:ed|s)|operat(?:ed|es|ing)|support(?:ed|s|ing)?|deployed|designed|completed|migrated|"
    r"moved|converted|upgraded|replaced|did|done|know\w*|familiar|expert\w*|qualified|skilled|credential\w*|"
    r"cc[ni][aep]\w*|rcdd|bicsi|pe|fcc|grol|degree|background|track record|previous\w*|prior|same team|"
    r"specialists?|engineers?|technicians?|\d+ (?:staff|ftes?|people|persons?))\b", re.I)
"""Words that say why the people doing the work can do it: experience, certification, what they built or run."""
_WORK_LABEL = re.compile(r"^\W*(?:install\w*|cut-?over|go-?live|deploy\w*|rollout|implementation|work|construction|"
                         r"migration|service|order\w*)\b[^:\n]{0,20}:", re.I)
"""A label naming the work whose answer is a date ("Install: November 2026"): when the work happens."""
_START_LABEL = re.compile(r"\b(?:start|begin|kick-?off|commence)\w*\b(?!.*\b(?:end|finish|complet|go-?live)\w*)", re.I)
"""A label naming only when the work starts ("Kick-off", "Start date"), not its span ("Start / Go-live")."""
_INSTRUCTION = re.compile(r"\[[^\]\n]{8,}\]")
"""A template's bracketed instruction ("[Describe the impact to the agency if delegation is denied]")."""
_NOT_SITE = re.compile(
    r"\b(?:(?:is|are|was|were)(?:n't| not)|not) (?:part of|included in|covered by|in scope for) (?:this|the|our) "
    r"(?:request|project|delegation)|\b(?:under|through|as) a separate (?:delegation|request|project)\b"
    r"|\b(?:excluded|out of scope)\b", re.I)
"""A sentence naming sites the request leaves out ("Headquarters ... isn't part of this request")."""
_PAST_EVENT = re.compile(
    r"\b(?:was|were|been|had) (?:released|launched|introduced|installed|announced|retired|replaced|purchased)\b"
    r"|\b(?:released|launched|introduced|announced|installed|added|failed|happened|occurred) (?:[\w&-]+ ){0,6}in (?:late |early |mid-?)?"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|20\d\d)\b"
    r"|^\W*(?:in|on|during|back in) (?:[\w,]+ ){0,3}(?:19|20)\d\d,? [^.]{0,60}?\b(?:took out|destroyed|damaged|failed|"
    r"happened|occurred|went down|was|were|had|lost|hit|took|isolated|knocked out|cut off|overwhelmed|forced|left|"
    r"dropped|crashed|flooded|burned|spiked|doubled|tripled)\b"
    r"|\bduring (?:the )?(?:[\w-]+ ){0,2}(?:19|20)\d\d (?:[\w-]+ ){0,3}?[^.]{0,60}?\b(?:had to|were|was|lost|went down)\b", re.I)
"""A sentence dating something that already happened (a product's release, an outage): no timeframe."""
_ADDRESS_MARK = re.compile(
    r"\b(?:p\.?\s?o\.?\s*box|(?:CA|California)\s+\d{5}(?:-\d{4})?|attn\b|program chief)|^\s*(?:to|cc)\s*:", re.I | re.M)


def _address_blocks(text: str) -> list[tuple[int, int]]:
    """Letterhead and recipient blocks: short-lined paragraphs with a postal code, a P.O. box, "To:"
    or "Attn"; places in them are where the letter was written or sent, not where the work is."""
    out = []
    for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        block = m.group(0)
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if len(lines) <= 7 and all(len(ln.split()) <= 10 for ln in lines) and _ADDRESS_MARK.search(block):
            out.append((m.start(), m.end()))
    return out


PROSE_PRODUCTS = 0.5
"""Confidence of products read from a prose sentence that names equipment with a count or a make."""


def _products_from_prose(reads: list[_Read], fields: dict[str, FieldValue]) -> None:
    """Equipment named in prose ("a new Avaya system with 210 stations and voicemail") when no list states it:
    sentences with two equipment words, or one with a quantity, outside staff and consequence sentences."""
    hits = []
    for r in reads:
        if r.cover_sheet:
            continue
        signed = r.signed
        spans = cue_spans(r.doc)
        for sent in r.doc.sents:
            in_section = _in_sections(r, sent.start_char)
            line = r.segment.text.rfind("\n", 0, sent.start_char + 1) + 1  # a bulleted label's sentence starts at its bullet
            if in_section and not any(sec.field == "project_scope" and sent.start_char < sec.end
                                      and (sec.start <= sent.start_char or line <= sec.start < sent.end_char)
                                      for sec in r.sections):
                continue  # a scope section names the equipment as often as prose does; other sections do not
            if _in_zones(signed, sent.start_char) or _PAST_WORK.search(sent.text):
                continue
            labels = Counter(sp.label_ for sp, _w in spans if sent.start_char <= sp.start_char < sent.end_char)
            if any(labels[f] for f in _NOT_REQUESTED):
                continue
            n = labels["products_services"]
            if n >= 2 or (n == 1 and re.search(r"\b\d{1,4}\b(?![/:-])", sent.text)):
                hits.append((r, sent))
    if hits:
        fields["products_services"] = FieldValue(
            value=[_clip(s.text.strip()) for _r, s in hits[:4]], confidence=PROSE_PRODUCTS,
            evidence=[_evidence(r, s.start_char, s.end_char) for r, s in hits[:3]])


REQUEST_SCOPE = 0.5
"""Confidence of a project scope read from the sentence that asks for delegation."""
_ASK_FOR = re.compile(
    r"\bdelegation\b(?:\s+(?:approval|authority))?(?:\s+(?:(?:so (?:that )?)?(?:we|the \w+) (?:can|may|could) |to |for )|:\s+)"
    r"(?!(?:the following|these|all|each|one or more)\b)(?P<what>(?:\S+\s+){3,}\S+)", re.I)


def _scope_from_request(reads: list[_Read], fields: dict[str, FieldValue]) -> None:
    """The sentence that asks for delegation "to replace the PBX at X" states the project when nothing else does."""
    for r in reads:
        if r.cover_sheet:
            continue
        signed = r.signed
        for sent in r.doc.sents:
            if _in_zones(signed, sent.start_char) or _in_sections(r, sent.start_char):
                continue
            m = _ASK_FOR.search(sent.text)
            if not m or not re.search(r"\brequest|\bseek|\bask|\bapply|\bapprov|\bneed|\bwould like", sent.text, re.I):
                continue
            if re.search(r"\bactivit|\bplanning\b.*\binstallation\b", m.group("what"), re.I) and \
                    len(m.group("what").split()) < 12:
                continue
            fields["project_scope"] = FieldValue(value=_clip(sent.text.strip()), confidence=REQUEST_SCOPE,
                                                 evidence=[_evidence(r, sent.start_char, sent.end_char)])
            return


_HEADER_DATES = re.compile(
    r"^.*\bwrote:[ \t]*$|^.*>>>[ \t]*$|^[ \t]*(?:date|sent|dated)[ \t]*:.*$|^.*\b\d{1,2}:\d{2}\b.*\b(?:page|p)\.?\s*\d+.*$", re.I | re.M)
"""A letter's or memo's date line, a fax machine's header line: never the project's timeframe."""
"""A memo's or a forwarded message's date line: when it was written, not when the work is."""
_DATE_WORDS = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)"
                         r"[a-z]*\.?|\d+(?:st|nd|rd|th)?|[\s,./-]", re.I)
"""What a date line is made of: "Tuesday, June 2, 2026", "28 October 2026", "11/2/26"."""


def _written_on(text: str) -> date | None:
    """The day a letter, memo or fax was written: its date line ("June 2, 2026", "Date: 5/5/2026") or its fax
    header's date, near the top."""
    for line in text[:1500].splitlines():
        bare = re.sub(r"^[ \t]*(?:date|dated|sent)[ \t]*:", "", line, flags=re.I).strip()
        periods = find_periods(bare)
        if periods and periods[0][1] == periods[0][2] and (not _DATE_WORDS.sub("", bare) or _HEADER_DATES.match(line)):
            return periods[0][1]
    return None


_SUPPORT_ENDS = re.compile(
    r"\b(?:los[et]s?|losing|end(?:s|ing)?|drops?|out of|no longer (?:under|on))\s+(?:\w+\s+){0,2}?(?:support|warranty|maintenance)\b"
    r"|\bend[- ]of[- ](?:life|support|sale)\b|\b(?:expires?|expiring|sunsets?|sunsetting)\b", re.I)
_WORK_WORDS = re.compile(r"\b(?:begin|start|commenc|complet(?!ed)|finish|install(?!ed)|cut ?over|go[- ]live|work\b|"
                         r"deploy(?!ed)|order(?!ed)|migrat(?!ed)|implement(?!ed)|schedul|timeline|plan(?:ned)?\b)", re.I)


_DONE_BY = re.compile(r"\b(?:installed|done|completed|finished|in place|live|in service|cut over)\s+(?:by|in|during|before)\b", re.I)


def _work_period(r: _Read, text: str, sure: dict[str, float]) -> bool:
    """Whether a sentence given to another item also dates the work ("We'd like to order in the first quarter
    of 2027 and have all four sites converted by the end of the third quarter")."""
    bare = _HEADER_DATES.sub("", text)
    periods = find_periods(with_years(bare, r.written))
    spans = any(a and b and (a.year, a.month) != (b.year, b.month) for _at, a, b in periods)  # "Oct 1 - Dec 31, 2026"
    if not (sure.get("timeframe", 0.0) >= SECONDARY_MIN or _WORK_WORDS.search(text) or _DONE_BY.search(text) or spans):
        return False
    return bool(periods) and states_period(bare, r.written) and not (
        _PAST_WORK.search(text) or _PAST_EVENT.search(text) or _deadline_of_old(text)
        or _before(text, r.written))


def _deadline_of_old(text: str) -> bool:
    """A sentence dating the end of the old system's support or contract ("the radios lose manufacturer support
    on 12/31/2026"): why the work is due, not when it is done."""
    return bool(_SUPPORT_ENDS.search(text)) and not _WORK_WORDS.search(text)


def _before(text: str, written: date | None) -> bool:
    """Whether every date a sentence gives was over before its letter was written ("In January 2025 two fiber
    cuts isolated the prison", in a letter of June 2026), or the letter's own date: not when the work will be."""
    if written is None:
        return False
    start, end = normalise_period(_HEADER_DATES.sub("", text), written)  # "beginning January 2027, about 18 months": to mid-2028
    last = end or start
    return last is not None and date.fromisoformat(last) <= written


_NOT_PLACES = {"staff_qualifications", "adverse_consequences", "justification"}
_SENT_LABEL = re.compile(r"^\W{0,3}(?P<head>[A-Za-z][\w /&()'-]{1,60}?)\s*:\s+(?P<body>\S.*)$", re.S)


def _inline_label(r: _Read, sent, fields: dict[str, FieldValue]) -> bool:
    """A sentence that opens with a label of ours ("Timeline: Q2 2027.") gives that field its value."""
    m = _SENT_LABEL.match(sent.text.strip())
    if not m:
        return False
    name = lookup_label(normalise_label(m.group("head")))
    if name not in FIELD_NAMES:
        return False
    if fields[name].present:
        return True
    body = m.group("body").strip()
    ev = [_evidence(r, sent.start_char, sent.end_char)]
    if name in ("locations", "products_services"):
        value: object = _items(body)
    elif name == "timeframe":
        start, end = normalise_period(body, r.written)
        value = Timeframe(text=_clip(body), start=start, end=end)
    elif name in ("contact_email", "contact_phone", "agency", "submitter_name", "submitter_title"):
        return False  # these are read by their own readers
    else:
        value = _clip(body)
    fields[name] = FieldValue(value=value, confidence=0.8, evidence=ev)
    return True


def _signed_off(r: _Read) -> list[tuple[int, int]]:
    """Where a letter's closing ("Sincerely,") and signature run: from each closing to the next message
    quoted or forwarded below it that passes the agency's own work along (a staff write-up), or to the end.
    Mail to or from the Program quoted in a reply (its questions, the request it already has) is what was
    said before, not what this message says."""
    text = r.segment.text
    starts = [start for start, program in r.quoted if not program]
    starts = sorted(starts + [m.start() for m in _RULE.finditer(text) if _document_after(text[m.end():])])
    zones: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if CLOSINGS.match(line) and not (zones and zones[-1][0] <= offset < zones[-1][1]):
            zones.append((offset, next((s for s in starts if s > offset), len(text))))
        offset += len(line)
    return zones


_RULE = re.compile(r"^[ \t]*(?:[-_=*~][ \t]?){10,}[ \t]*$", re.M)
_NOTICE = re.compile(r"confidential|intended (?:only |solely )?for|intended recipient|privileged|disclaimer|unsubscribe", re.I)


def _document_after(text: str) -> bool:
    """Whether a rule under a cover note's signature opens a document (the request itself), not a disclaimer."""
    body = text[:3000]
    return len(body.split()) >= 60 and not _NOTICE.search(body[:400])


def _quoted_messages(text: str) -> list[tuple[int, bool]]:
    """Where each quoted or forwarded message starts, and whether it is mail to or from the CALNET Program."""
    found = []
    for start in sorted({m.start() for pattern in (_FORWARDED, _MESSAGE_HEADER, _WROTE) for m in pattern.finditer(text)}):
        block = text[start:start + 600]
        blank = re.search(r"\n[ \t>]*\n", block[block.find("\n") + 1:] if "\n" in block else "")
        header = block[:block.find("\n") + 1 + blank.start()] if blank else block
        addressed = "\n".join(ln for ln in header.splitlines() if re.match(r"[ \t>]*(?:from|to|cc|on)\b", ln, re.I))
        found.append((start, bool(_PROGRAM_MAIL.search(addressed))))
    return found


_WROTE = re.compile(r"^[ \t>]*On [^\n]{5,120}\bwrote:[ \t]*$|^[ \t>]*[^\n]{3,80}\d{1,2}/\d{1,2}/\d{2,4}[^\n]{0,20}>>>[ \t]*$", re.M)
"""A quoted message's header line in Gmail and Apple Mail ("On Mon, May 4, 2026 at 11:30 AM, Tomas wrote:") and
GroupWise (">>> Marcus Oyelaran 11/16/2026 9:03 AM >>>")."""
_PROGRAM_MAIL = re.compile(r"stnddelegations|calnet (?:program|delegations?)\b|\bstnd\b", re.I)
"""Mail to or from the Program's mailbox, in a quoted message's header."""


_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv)\s*:", re.I)
_MESSAGE_HEADER = re.compile(r"^[ \t>]*from:[^\n]*\n[ \t>]*(?:sent|date|to):", re.I | re.M)
"""The header of a message quoted in a reply or a forward."""


def _in_zones(zones: list[tuple[int, int]], offset: int) -> bool:
    return any(a <= offset < b for a, b in zones)


_CLOSING_LEAD = re.compile(r"^\s*(?:thanks|thank you|regards|best|cheers|sincerely|respectfully)[,!.]?\s*[-–—]+\s*(?=[A-Z])",
                           re.I)
"""A closing on the signature's own line ("Thanks - Tomás Ruiz, CIO, California Conservation Corps")."""
_SIG_LEAD = re.compile(r"^\s*(?:[-–—~_]+|/s/)\s*")
_RANK = r"(?:Dr|Mr|Ms|Mrs|Col|COL|LTC|Lt\. ?Col|Lt|LT|MAJ|Maj|CPT|Capt|CAPT|SFC|SGT|Sgt|MSG|CW[2-5]|BG|MG|Gen)"
_CAP = "[A-ZÀ-ÖØ-Þ]"
_NAME = re.compile(
    rf"^(?:{_RANK}\.?\s+)?(?:{_CAP}[\w'’-]+(?:\s+{_CAP}\.?)?(?:\s+(?:(?:de|del|de la|la|van|von|da|di|du|le|bin|al)\s+)?{_CAP}[\w'’-]+){{1,3}}"
    rf"|(?:{_CAP}\.\s*){{1,2}}{_CAP}[\w'’-]+)$"  # "Marcus De la Fuente-Holt", "Ana de la Cruz", "Miguel Ángel Ruiz"
)
_STRIP_RANK = re.compile(rf"^{_RANK}\.?\s+")


def _person(line: str) -> str | None:
    """A signature line that is a person's name, as written ("Raymond Okoye" of "COL Raymond Okoye";
    "HAROLD ESPOSITO" as "Harold Esposito"), else None."""
    line = re.sub(r"\s+[\"“'(][A-Z][a-z]+[\"”')](?=\s)", "", line.strip())  # 'Guadalupe "Lupe" Harrington-Ochoa'
    line = re.sub(r"(?<=[a-z]{3}) ([a-z])$", r"\1", line)  # a fax's "Devon Marchett i"
    line = re.sub(r"(?<=[A-Za-z])1(?=[a-z])", "l", re.sub(r"\b0(?=[a-z])", "O", line))  # "R. 0konkwo", "Danie1"
    line = re.sub(r"(?<=[A-Za-z])0(?=[a-z])", "o", line)  # "Jane D0e"
    line = _CREDENTIALS.sub("", re.sub(r"\s*\((?:she|he|they)/\w+\)", "", line))  # "Jane Doe (she/her)", ", MBA, PMP"
    line = re.sub(r"\bl(?=[a-z]{2})", "I", line) if re.search(r"\bl[bcdfghjkmnpqrstvwxz][a-z]", line) else line  # "lbarra"
    if line.isupper() and 2 <= len(line.split()) <= 4 and not classify_title(line)[0]:
        line = line.title()
    if not _NAME.match(line) or classify_title(line)[0] or _NOT_A_PERSON.search(line) \
            or all(w.lower() in _RANK_WORDS for w in line.split()):
        return None  # ("Assistant Commissioner", "Deputy Secretary": an office, not a name)
    return _STRIP_RANK.sub("", line)


_RANK_WORDS = frozenset(["assistant", "associate", "deputy", "commissioner", "director", "chief", "officer", "secretary",
                         "undersecretary", "executive", "acting", "interim", "senior", "principal", "general", "manager",
                         "administrator", "superintendent", "chancellor", "vice", "president", "chair", "member"])


_SENT_FOR = re.compile(r"(?i:\bon behalf of (?:our |the )?(?:cio|chief information officer|director)\b)"
                       r"|\b[Oo]n behalf of (?:Mr\.? |Ms\.? |Dr\.? )?[A-Z][a-z]+ [A-Z]"
                       r"|(?i:\b(?:from|by|of) (?:our|the) (?:cio|chief information officer|agency information "
                       r"officer|director)\b|\bassistant to\b|\b(?:executive|administrative|office|staff) assistant\b)")
"""A cover note sent for someone else ("Sending the request from our CIO below"): the request's signer is the submitter."""
_ON_BEHALF = re.compile(r"^[ \t]*(?:sent )?on behalf of (?P<who>[^,\n:]{3,60}),\s*(?P<title>[^\n:,]{2,80}?)(?:\s*[:,.]?\s*$|,[ \t]+(?=[a-z]))",
                        re.I | re.M)
_MEMO_HEAD = re.compile(r"^[ \t]*FROM[ \t]*:[^\n]+\n(?:[^\n]*\n){0,4}?[ \t]*(?:DATE|RE|SUBJECT|SUBJ)[ \t]*:"
                        r"|^[ \t]*TO[ \t]*:[^\n]+\n(?:[^\n]*\n){0,3}?[ \t]*FROM[ \t]*:", re.M)
"""A memo's header block (TO / FROM / DATE / RE), in capitals as memos write it."""
_SIGNED_MARK = re.compile(r"^\s*(?://\s*signed\s*//|/s/|\[signature\]|\(signed\)|signed\s*:?\s*$)", re.I)


def _contact_line(line: str) -> bool:
    """A signature's phone, e-mail or agency line."""
    bare = re.sub(r"^(?:ph(?:one)?|tel|cell|mobile|office|fax|e-?mail)\.?\s*:?\s*", "", line.strip(), flags=re.I)
    return bool(PHONE.fullmatch(bare.strip()) or EMAIL.fullmatch(bare.strip()) or _agency_name(bare) or _unit_name(bare)
                or _names_agency(bare) or _title_in(bare) or re.search(r"\b(?:lead|manager|officer|analyst|chief)\b", bare, re.I))


def _names_agency(line: str) -> bool:
    """Whether a line names one of our agencies ("CAL FIRE Academy")."""
    low = f" {line.lower()} "
    return any(f" {a} " in low for a in _agency_names() if len(a) > 3)


_CREDENTIALS = re.compile(r"(?:,?\s+(?:MBA|PMP|Ph\.?\s?D\.?|P\.?E\.?|CISSP|CISM|CISA|CPA|J\.?D\.?|MPA|MPP|M\.?S\.?|M\.?A\.?|"
                          r"ITIL|CCNP|CCNA|CCIE|RCDD|CGEIT|CRISC|CIPM|CIPP|MCSE|CSM|GISP|GSEC|CDPSE|Esq\.?))+\s*$")
"""Letters after a name ("Jane Doe, MBA, PMP"): not part of the name."""


_UNIT_WORD = re.compile(r"\b(?:division|branch|section|unit|office|services?|bureau|program|center|team|group|"
                        r"department|agency|board|commission|j\d)\b", re.I)


def _title_lead(line: str) -> tuple[str, str] | None:
    """A signature line that opens with a title and ends with the name: (title, name)."""
    if len(line.split()) > 10 or ":" in line or "@" in line:
        return None
    for pattern, _name, _cio in _titles():  # the longest title the line opens with
        if m := pattern.match(line) or pattern.match(_ocr_folded(line)):
            rest = line[m.end():]
            if rest.lstrip().startswith(",") or _agency_name(rest.strip(" -–—|")) or _UNIT_WORD.search(rest):
                return None  # "CIO, Covered California": the title and its agency
            person = _person(rest.strip(" -–—|"))
            return (line[:m.end()].strip(), person) if person else None
    return None


def _title_in(line: str) -> str | None:
    """The part of a signature line that is a title ("IT Manager" of "IT Manager, Dept. of X")."""
    if len(line.split()) > 12 or ":" in line or "@" in line:
        return None
    line = PHONE.sub("", line).rstrip(" ,|")  # "Sean McAllister-Ruiz,  Acting CIO    916-445-0411"
    parts = [p.strip() for p in re.split(r"[,|]|\s[-–—]\s", line)]
    for k, part in enumerate([*parts, line] if len(parts) > 1 else [line]):
        if re.search(r"\d{2,}", part):
            continue  # "650 agent seats and 40 supervisor seats", a phone number: no title
        if classify_title(part)[0] and not _agency_name(part):
            later = next((j for j in range(k + 1, len(parts)) if classify_title(parts[j])[1]), None)
            if not classify_title(part)[1] and later is not None and k < len(parts):
                # "Director, Enterprise Information Services and Chief Information Officer": the CIO title counts
                return ", ".join(parts[k:later + 1]).strip(" ,.")
            if not any(pattern.search(part) for pattern, _n, _c in _titles()):
                part = _ocr_folded(part)  # a fax's "Chief lnforrnation 0fficer" read as what it says
            # The unit a title names stays with it ("IT Manager II, Infrastructure Services"); the agency does not.
            for unit in parts[k + 1:] if k < len(parts) else []:
                if not _unit_name(unit):
                    break
                part = f"{part.strip(' ,.')}, {unit}"
            return part.strip(" ,.")
    return None


@lru_cache(maxsize=1)
def _agency_names() -> frozenset[str]:
    names = {n.lower() for row in read_jsonl("agencies.jsonl") for n in [row["name"], *row["aliases"]]}
    return frozenset(names | {f"california {n}" for n in names} | {f"state of california {n}" for n in names})


def _unit_name(text: str) -> bool:
    """A part of a signature line that names a unit of the agency ("Information Systems Division",
    "J6 (Communications)"), not the agency itself, a place, a phone number or an address."""
    t = text.strip(" ,.")
    return bool(re.match(r"^[A-Z0-9][\w&/()'.-]*(?: [\w&/()'.-]+){0,5}$", t)) and not _agency_name(t) \
        and t.lower() not in _agency_names() and not _place_names().fullmatch(t) and not re.search(r"\d{3}|@", t) \
        and not t.lower().startswith(("state of", "dept", "the ")) and not classify_title(t)[0]


_AGENCY_LIKE = re.compile(
    r"^(california |state )?(department|board|office|commission|division) of\b|\b(agency|board|commission|department)$",
    re.I)


def _agency_name(text: str) -> bool:
    return bool(_AGENCY_LIKE.search(text.strip(" ,.")))


def _read_people(reads: list[_Read], fields: dict[str, FieldValue], ctx: MessageContext) -> None:
    """Submitter name and title from labels, the signature block, or the sender."""
    for r in reads:  # "On behalf of Ahmed El-Sayed, Chief Information Officer:" over an assistant's note
        m = _ON_BEHALF.search(r.segment.text[:600])
        if m and not fields["submitter_name"].present and (person := _person(m.group("who"))) \
                and (title := _title_in(m.group("title").strip())):
            ev = [_evidence(r, m.start(), m.end())]
            fields["submitter_name"] = FieldValue(value=person, confidence=0.8, evidence=ev)
            fields["submitter_title"] = FieldValue(value=title, confidence=0.8, evidence=ev)
            return
    if any(_MEMO_HEAD.search(r.segment.text[:800]) for r in reads if not r.cover_sheet):
        _read_memo_from(reads, fields)  # a memo's "FROM: Name / Title" is its sender, whoever is named as contact below
    for r in reversed(reads):
        if r.cover_sheet or (fields["submitter_name"].present and fields["submitter_title"].present):
            continue
        text = r.segment.text
        fwd = min((start for start, _program in r.quoted), default=None)
        if fwd and _title_in_text(text[:fwd]) and not _SENT_FOR.search(text[:fwd]):
            text = text[:fwd]  # a write-up forwarded with a signed cover note: the forwarder sends the request
        lines = text.splitlines()
        offsets = [0]
        for ln in lines:
            offsets.append(offsets[-1] + len(ln) + 1)
        closing = next((i for i, ln in enumerate(lines) if CLOSINGS.match(ln)), None)
        start = closing + 1 if closing is not None else max(0, len(lines) - 15)
        signed = [i for i, ln in enumerate(lines) if _SIGNED_MARK.match(ln) and i >= start]
        if signed:  # "//signed//" over the signer: a point of contact above it is not the signer
            before = next((k for k in range(signed[-1] - 1, start - 1, -1) if lines[k].strip()), None)
            start = before if before is not None and _title_in(lines[before].strip()) == lines[before].strip(" ,.") \
                else signed[-1]  # ("Acting CIO" / "[signature]" / "Efrén Castillo": the title over the mark)
        # ("I concur with it. -- Daniela Moreno-Holt, CIO, CCC": the signature after the dashes)
        block = [(i, _SIG_LEAD.sub("", _CLOSING_LEAD.sub("", ln.rsplit(" -- ", 1)[-1])).strip())
                 for i, ln in enumerate(lines[start:], start)
                 if ln.strip() and not re.fullmatch(r"\s*\[[^\]]{0,30}\]\s*", ln)]  # "[signature]" is no line of it
        confidence = 0.85 if closing is not None else 0.7
        found_name: tuple[int, str] | None = None
        found_title: tuple[int, str] | None = None
        # A title line, with the name on the line before it or before a comma on the same line.
        for j, (i, ln) in enumerate(block):
            title = _title_in(ln)
            paren = re.match(r"^(.+?)\s*\(([^()]{2,60})\)\s*$", ln)  # "Jane Doe (CIO)"
            if paren and (person := _person(paren.group(1))) and (inner := _title_in(paren.group(2))):
                found_name, found_title = (i, person), (i, inner)
                break
            if (lead := _title_lead(ln)):
                found_name, found_title = (i, lead[1]), (i, lead[0])  # "Interim Chief Information Officer Beatriz Solano"
                break
            if title is None:
                continue
            head = re.split(r",|\s[-–—|]\s", ln, maxsplit=1)[0].strip()  # "Raymond Okafor – Chief Information Officer"
            if head != title and (person := _person(head)):
                found_name, found_title = (i, person), (i, title)
                break
            # The name on the line before, or two before over a rank or unit line ("COL, CA ARNG").
            before = [(k, p) for k, b in block[max(0, j - 2):j][::-1] if (p := _person(b))]
            if before and (before[0][0] == block[j - 1][0] or not _title_in(block[j - 1][1])):
                found_name, found_title = before[0], (i, title)
                break
            if not before and title == ln.strip(" ,.") and j + 1 < len(block) and (person := _person(block[j + 1][1])):
                found_name, found_title = (block[j + 1][0], person), (i, title)  # the title over the name
                break
        if found_name is None and closing is not None:
            found_name = next(((i, p) for i, ln in block[:3] if (p := _person(ln))), None)
        if found_name is None and closing is None:
            # No closing word ("Thank you for considering."): a name under the text, only contact lines after it.
            tail = block[-4:]
            for k in range(len(tail) - 1, -1, -1):
                i, ln = tail[k]
                if (p := _person(ln)) and not _agency_name(ln) and not _UNIT_WORD.search(ln) and not _names_agency(ln) \
                        and ln.strip(" ,.").lower() not in _agency_names() and not ln.lower().startswith("california ") \
                        and all(_contact_line(rest) for _i, rest in tail[k + 1:]):
                    found_name = (i, p)
                    break
        if found_title is None and found_name is not None:
            # The title on a line after the name, alone or before a comma ("CIO, Dept. of X").
            after = [(i, ln) for i, ln in block if found_name[0] < i <= found_name[0] + 2]
            found_title = next(((i, t) for i, ln in after if (t := _title_in(ln))), None)
        if found_name and not fields["submitter_name"].present:
            i, name = found_name
            name = _full_name(name, reads, ctx)
            fields["submitter_name"] = FieldValue(
                value=name, confidence=confidence, evidence=[_evidence(r, offsets[i], offsets[i + 1] - 1)])
        if found_title and not fields["submitter_title"].present:
            i, title = found_title
            fields["submitter_title"] = FieldValue(
                value=title, confidence=confidence, evidence=[_evidence(r, offsets[i], offsets[i + 1] - 1)])
    if not (fields["submitter_name"].present and fields["submitter_title"].present):
        _read_memo_from(reads, fields)
    if not fields["submitter_name"].present:
        display = re.sub(r"<[^>]*>", "", ctx.from_).strip(' "')
        if display and "@" not in display and _NAME.match(display) and not _NOT_A_PERSON.search(display):
            fields["submitter_name"] = FieldValue(
                value=display, confidence=0.4,
                evidence=[Evidence(document="headers", page=None, text=f"From: {ctx.from_}"[:300])])
    if fields["submitter_name"].present and not fields["submitter_title"].present:
        _title_of_signer(reads, fields)
    if not fields["submitter_title"].present:
        _title_from_any_label(reads, fields)


_SELF_TITLE = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))[ \t]*(?i:as|in my (?:role|capacity) as)[ \t]+(?i:the |its |our )?"
    r"(?:[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,5}['’]s[ \t]+)?(?P<title>[^,;:.\n]{2,70}?),[ \t]*I\b")
"""The writer naming their own office: "As the Commission's Chief Information Officer, I am writing ..."."""
_I_AM = re.compile(r"\bI(?:'m|’m| am| serve as)\s+(?:the |its |our )?(?:[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,5}['’]s\s+)?"
                   r"(?P<title>[A-Z][\w ./&-]{1,60}?)\s+(?:at|of|for|with)\s+(?:the\s+)?[A-Z]")
"""The same in the first person: "I'm the Chief Information Officer at the Department of Child Support Services"."""


def _title_of_signer(reads: list[_Read], fields: dict[str, FieldValue]) -> None:
    """The signer's title written elsewhere than the signature: a letterhead's "JANE DOE, CHIEF INFORMATION
    OFFICER", or the letter's "As the Department's Chief Information Officer, I ...". Quoted mail is not read."""
    want = _norm(fields["submitter_name"].value)
    for r in reads:
        if r.cover_sheet:
            continue
        text = r.own_text
        for m in re.finditer(r"^[ \t]*(?P<who>[^,\n]{3,60}?)[ \t]*(?:,|\s[-–—|]\s)[ \t]*(?P<title>[^\n]{2,80})$", text, re.M):
            who = _BY_LEAD.sub("", m.group("who"))  # "Submitted by Gabriela Iñiguez, Chief Information Officer"
            if _norm(_person(who) or "") == want and (title := _title_in(m.group("title").strip())):
                fields["submitter_title"] = FieldValue(value=title, confidence=0.65,
                                                       evidence=[_evidence(r, m.start(), m.end())])
                return
        for m in [*_SELF_TITLE.finditer(text), *_I_AM.finditer(text)]:
            title = m.group("title").strip()
            if _title_in(title) == title:
                fields["submitter_title"] = FieldValue(value=title, confidence=0.6,
                                                       evidence=[_evidence(r, m.start(), m.end())])
                return


def _title_from_any_label(reads: list[_Read], fields: dict[str, FieldValue]) -> None:
    """A form's line whose whole answer is a job title, under whatever label ("Capacity ..... CIO")."""
    for r in reads:
        for m in _TITLE_LINE.finditer(r.segment.text):
            answer = m.group("answer").strip(" ,.")
            if _ADDRESSEE_LABEL.match(m.group("label").strip()) or re.search(r"\bcalnet\b", answer, re.I):
                continue
            if (title := _title_in(answer)) and title == answer:
                fields["submitter_title"] = FieldValue(value=title, confidence=UNKNOWN_LABEL_TITLE,
                                                       evidence=[_evidence(r, m.start(), m.end())])
                return


def _full_name(name: str, reads: list[_Read], ctx: MessageContext) -> str:
    """A signature's "K. Albright-Morales" as the "Kenji Albright-Morales" of a FROM: line or the sender."""
    if not re.match(r"^(?:[A-Z]\.\s*)+", name):
        return name
    first, surname = name.split()[0].rstrip(".").lower(), name.split()[-1].lower()
    candidates = [m.group("who").split(",")[0].strip() for r in reads for m in _MEMO_FROM.finditer(r.segment.text)]
    candidates.append(re.sub(r"<[^>]*>", "", ctx.from_).strip(' "'))
    for c in candidates:
        person = _person(c)
        if person and person.split()[-1].lower() == surname and len(person.split()) >= len(name.split()) \
                and person.split()[0].lower().startswith(first) and len(person) > len(name):
            return person
    return name


_NOT_A_PERSON = re.compile(
    r"mail|fax\b|inbound|gateway|scanner|\b(team|office|program|desk|unit|admin|services?|center|division|branch|dept|department|"
    r"delegation|request|project|system|solution|"
    r"section|group|support|helpdesk|noreply|reply|info|operations|telecom|it)\b", re.I)
"""A sender's display name that names a mailbox, not a person ("CDCR EIS Fax", "Telecom Team")."""


_FORWARDED = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:original message|forwarded message)\s*-{2,}|begin forwarded message:)", re.I | re.M)


def _title_in_text(text: str) -> bool:
    return any(_title_in(ln.rsplit(" -- ", 1)[-1].strip()) for ln in text.splitlines() if ln.strip())


_MEMO_FROM = re.compile(r"^[ \t]*(?:from|contact|submitted by|requested by|prepared by)[ \t]*:[ \t]*(?P<who>[^\n<]+?)[ \t]*(?:<[^>\n]*>)?[ \t]*$", re.I | re.M)


_BY_LEAD = re.compile(r"^\s*(?:from|submitted by|requested by|prepared by|signed(?: by)?|requestor|requester|contact)\s*:?\s*",
                      re.I)
"""The words before a name that say what the person did ("Submitted by", "Contact:")."""


def _read_memo_from(reads: list[_Read], fields: dict[str, FieldValue]) -> None:
    """Name and title from a memo's (or a forwarded message's) "FROM: Name, Title" line."""
    for r in sorted(reads, key=lambda r: r.cover_sheet):  # a fax cover's "FROM:" after the pages' own
        for m in _MEMO_FROM.finditer(r.segment.text):
            parts = [p.strip(" ,.\"'") for p in m.group("who").split(",")]
            name = _person(parts[0])  # "Dr. Shirin Moradi-Patel" as "Shirin Moradi-Patel"
            if not name:
                continue
            ev = [_evidence(r, m.start("who"), m.end("who"))]
            if not fields["submitter_name"].present:
                fields["submitter_name"] = FieldValue(value=name, confidence=0.65, evidence=ev)
            elif _norm(fields["submitter_name"].value) != _norm(name):
                continue
            title = _title_in(", ".join(parts[1:])) or next((t for p in parts[1:] if (t := _title_in(p))), None)
            if title and not fields["submitter_title"].present:
                fields["submitter_title"] = FieldValue(value=title, confidence=0.65, evidence=ev)
            break
    if fields["submitter_name"].present and not fields["submitter_title"].present:
        # The name on a line of its own with the title on the next ("Diane Wu" / "Chief Information Officer").
        want = _norm(fields["submitter_name"].value)
        for r in reads:
            lines = r.segment.text.splitlines(keepends=True)
            offset = 0
            for ln, nxt in zip(lines, lines[1:], strict=False):
                title = _title_in(nxt.strip())
                who = _BY_LEAD.sub("", ln)
                if _norm(who) == want and title and nxt.strip(" ,.\n").startswith(title):
                    fields["submitter_title"] = FieldValue(
                        value=title, confidence=0.65, evidence=[_evidence(r, offset, offset + len(ln) + len(nxt))])
                    return
                offset += len(ln)


_TITLE_LINE = re.compile(r"^[ \t>*•-]*(?P<label>[A-Za-z][\w ()'/&-]{0,40}?)[ \t]*:[ \t]*(?P<answer>[^\n:]{2,80})$", re.M)


def _norm(value: object) -> str:
    return re.sub(r"\W+", " ", str(value or "")).strip().lower()


def _local_acronyms(doc) -> set[str]:
    """Acronyms a text defines for something else: "the Correctional Treatment Center (CTC)" makes its
    "CTC" no Commission on Teacher Credentialing."""
    out = set()
    ends = {e.end_char for e in doc.ents if e.label_ == "AGENCY"}
    text = doc.text
    for ent in doc.ents:
        if ent.label_ != "AGENCY" or not ent.text.isupper() or " " in ent.text \
                or text[ent.start_char - 1:ent.start_char] != "(" or text[ent.end_char:ent.end_char + 1] != ")":
            continue
        before = text[max(0, ent.start_char - 120):ent.start_char - 1].rstrip()
        if len(text[:ent.start_char - 1].rstrip()) in ends or ent.ent_id_.lower() in _ocr_folded(before).lower():
            continue  # "Department of Tax and Fee Administration (CDTFA)": the agency's own acronym (a fax's "Adrninistration")
        words = [w for w in re.findall(r"[A-Za-z][\w'-]*", before) if w.lower() not in ("of", "and", "the", "for", "&")]
        initials = "".join(w[0].upper() for w in words[-len(ent.text):])
        if initials == ent.text:
            out.add(ent.text)
    return out


_UNIT_LEAD = re.compile(r"^\W*(?:the\s+)?(?:division|office|branch|unit|section|bureau|program|center|team|group)\b", re.I)
"""An answer naming a unit of a department ("Division of Operations and Maintenance"), not the department."""


def _read_agency(reads: list[_Read], fields: dict[str, FieldValue], ctx: MessageContext) -> None:
    """The requesting agency: a label, the agency gazetteer, an ORG entity, or the sender's domain."""
    by_name, by_domain = _agencies()
    if fields["agency"].present:
        value = str(fields["agency"].value)
        for r in reads:
            for ent in r.doc.ents:
                if ent.label_ == "AGENCY" and ent.text.lower() in value.lower() and not by_name[ent.ent_id_]["recipient"]:
                    fields["agency"].value = ent.ent_id_
                    return
        # "Dept. of Cannabis Control": the abbreviation written out names one of ours
        spelled = re.sub(r"\bDept\b\.?", "Department", value.replace("&", "and"), flags=re.I).strip(" ,.").lower()
        spelled = re.sub(r"^(?:state of )?california ", "", spelled)
        name = next((n for n, row in by_name.items() if spelled in {a.lower() for a in [n, *row["aliases"]]}
                     and not row["recipient"]), None)
        if name:
            fields["agency"].value = name
            return
        named = {ent.ent_id_ for r in reads for ent in r.doc.ents
                 if ent.label_ == "AGENCY" and not by_name[ent.ent_id_]["recipient"]}
        if len(named) == 1 and _UNIT_LEAD.match(value):
            fields["agency"].value = named.pop()  # "Requesting Organization: Division of Operations ...": its department
        return
    counts: Counter[str] = Counter()
    first: dict[str, tuple[_Read, int, int]] = {}
    local = {acronym for r in reads for acronym in _local_acronyms(r.doc)}
    for covers in (False, True):  # a fax cover's letterhead only when the pages name no agency
        for r in reads:
            if r.cover_sheet != covers:
                continue
            for ent in r.doc.ents:
                if ent.label_ == "AGENCY" and not by_name[ent.ent_id_]["recipient"] and ent.text not in local:
                    counts[ent.ent_id_] += 1
                    first.setdefault(ent.ent_id_, (r, ent.sent.start_char, ent.sent.end_char))
        if counts:
            break
    if counts:  # the most named, the sender's own counting once more ("CalCannabis at CDFA" ... "Dept. of Cannabis Control")
        sender = _domain_agency(ctx.from_)
        name = max(counts, key=lambda n: (counts[n] + (n == sender), n == sender, -list(first).index(n)))
        r, a, b = first[name]
        fields["agency"] = FieldValue(value=name, confidence=0.85, evidence=[_evidence(r, a, b)])
        return
    if name := _domain_agency(ctx.from_):
        fields["agency"] = FieldValue(value=name, confidence=0.5,
                                      evidence=[Evidence(document="headers", page=None, text=f"From: {ctx.from_}"[:300])])


def _domain_agency(sender: str) -> str | None:
    """The agency whose mail domain the sender writes from (not the Program's own)."""
    by_name, by_domain = _agencies()
    m = re.search(r"@([\w.-]+)", sender)
    if m:
        domain = m.group(1).lower()
        for d, name in by_domain.items():
            if (domain == d or domain.endswith("." + d)) and not by_name[name]["recipient"]:
                return name
    return None


def _read_contacts(reads: list[_Read], fields: dict[str, FieldValue]) -> None:
    for r in reads:
        if r.cover_sheet:
            continue
        text = r.segment.text
        if not fields["contact_email"].present:
            for m in EMAIL.finditer(text):
                if m.group(0).lower() not in OUR_ADDRESSES:
                    fields["contact_email"] = FieldValue(value=m.group(0), confidence=0.7,
                                                         evidence=[_evidence(r, m.start(), m.end())])
                    break
        if not fields["contact_phone"].present:
            for m in PHONE.finditer(text):
                if "".join(m.groups()) not in OUR_PHONES:
                    fields["contact_phone"] = FieldValue(value=m.group(0).strip(), confidence=0.7,
                                                         evidence=[_evidence(r, m.start(), m.end())])
                    break


def _read_references(reads: list[_Read], fields: dict[str, FieldValue]) -> None:
    for r in reads:
        if r.cover_sheet:
            continue
        text = r.segment.text
        for name, pattern in (("catalog_reference", CATALOG), ("form20_reference", FORM20),
                              ("exemption_reference", EXEMPTION)):
            if fields[name].present:
                continue
            for m in pattern.finditer(text):
                value = m.group(0).strip(" ,.;")
                if name == "catalog_reference" and not _CATALOG_ITEM.search(value):
                    continue  # "Catalog B" alone, or "listed in Catalog B as Delegation Required", names no item
                fields[name] = FieldValue(value=value, confidence=0.75, evidence=[_evidence(r, m.start(), m.end())])
                break
