"""Labelled sections of a form or letter ("Project Scope:", "TIMELINE", "* Locations —")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache

from extractors.dates import find_periods
from extractors.nlp import read_jsonl

# A label is the head of a line: bullets and numbering, then words, then a separator.
_LINE_HEAD = re.compile(
    r"^(?P<lead>[ \t]*(?:[*•>\-–—☒☑▸▪◦‣►➢→●○■□✓✔]|\[[ \txX✓✔]?\]|\[\d{1,2}\]|\(?\d{1,2}[.)]|(?:\d{1,2}|[a-hA-H])(?:\.\d{1,2}){1,2}\.?(?=[ \t])|\(?[a-hA-H][.)]"
    r"|[IVX]{1,4}\.(?=[ \t])|(?i:section|part|item|question)[ \t]+(?:[A-Z]|\d{1,2})[ \t]*(?:[-–—:.)][ \t]|:))?[ \t]*)"
    # "3.", "3)", "3.0", "3.1.2", "SECTION D - TIMEFRAME"
    r"(?P<head>[^\W\d_](?:[^\W_]|[ /&,'()\-]){0,80}?)"  # letters of any script: a fax's "Tímeline"
    r"[ \t]*(?P<sep>\?[ \t]*:?|:|\s[-–—]\s|\s--\s|[–—]\s|\s[–—]|\.(?=[ \t]+\S)|$)"
)
_PAREN = re.compile(r"\([^)]*\)")
_BRACKETED = re.compile(r"\[[^\]]*\]")
# Single words that name a section only when a separator follows, never as a bare heading.
_WEAK = {"name", "title", "project", "need", "department", "agency", "site", "notes", "phone",
         "tel", "email", "e-mail", "contact", "dates", "organization", "position", "submitter",
         "delegation", "activity", "when", "where", "staff", "experience", "services", "catalog",
         "description", "summary", "signed", "type", "why", "what", "who"}
_CLOSINGS = ("sincerely", "respectfully", "respectfully submitted", "regards", "best regards",
             "thank you", "thanks", "kind regards", "cordially", "yours truly", "very truly yours",
             "atentamente", "best")


UNKNOWN = "unknown"
"""The field of a form's section whose label is none of ours: its text is read as prose."""
FUZZY_CUTOFF = 0.86
"""How close (difflib ratio, after folding OCR confusions) an unknown label must be to one of ours."""


@dataclass(frozen=True)
class Section:
    """A labelled stretch of text: the field it gives and the text after its label."""

    field: str
    """A field name, "delegation_type", "activities", "contact", or UNKNOWN."""
    label: str
    text: str
    start: int
    """Character offset of the label in the document."""
    end: int
    """Character offset where the section's text ends."""


def normalise_label(head: str) -> str:
    """A label as looked up: lower case, parentheticals and extra spaces dropped."""
    head = _BRACKETED.sub(" ", _PAREN.sub(" ", head.lower()))  # a template's "[Name, title, phone]"
    head = re.sub(r"\s*/\s*", "/", head)
    head = re.sub(r"\s*&\s*", " and ", head)
    return re.sub(r"\s+", " ", head).strip(" ,.-?")


@lru_cache(maxsize=1)
def label_fields() -> dict[str, str]:
    """Label synonym (normalised) → field, from `patterns/labels.jsonl`."""
    return {normalise_label(row["pattern"]): row["field"] for row in read_jsonl("labels.jsonl")}


def fold_ocr(text: str) -> str:
    """Text with OCR's usual confusions undone: accents dropped, 1/0 inside words read as l/o, a leading l as I."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"(?<=[a-zA-Z])1|1(?=[a-z])", "l", text)
    text = re.sub(r"\bl(?=[nmtsrdfgcv][a-z])", "I", text)  # "lnstallation": no English word starts "ln"
    return re.sub(r"(?<=[a-zA-Z])0|0(?=[a-z])", "o", text)


def _fold(label: str) -> str:
    """A label as compared with ours: OCR's confusions undone, "rn" read as "m"."""
    return fold_ocr(label).replace("rn", "m")


@lru_cache(maxsize=1)
def _folded_labels() -> dict[str, str]:
    return {_fold(label): field for label, field in label_fields().items()}


@lru_cache(maxsize=4096)
def lookup_label(label: str) -> str | None:
    """The field a (normalised) label gives: exactly, or a close match to one of ours (OCR damage)."""
    field = label_fields().get(label)
    if field or len(label) < 5:
        return field
    folded = _folded_labels()
    key = _fold(label)
    if key in folded:
        return folded[key]
    close = get_close_matches(key, list(folded), n=1, cutoff=FUZZY_CUTOFF)
    if close:
        return folded[close[0]]
    # A signer's label of two ("Requestor / Authority", "Signatory & Capacity"): the field of its first part that
    # is ours. (A label naming two request items, "Scope and purpose", is read by its words.)
    parts = [p.strip() for p in re.split(r"/| and ", label) if p.strip()]
    return next((f for p in parts if len(parts) > 1 and (f := label_fields().get(p)) in _SIGNER_FIELDS), None)


_SIGNER_FIELDS = {"submitter_name", "submitter_title"}


LABEL_WORDS_MAX = 5
"""Longest label (in words) whose field may be guessed from the words it contains."""


QUESTION_WORDS_MAX = 14
"""Longest question ("Who on your staff will do the work?") whose field may be guessed from its words."""


@lru_cache(maxsize=4096)
def label_from_words(label: str, question: bool = False, inline: bool = False) -> str | None:
    """The field of a label none of ours names, from a word it contains ("Crew Experience" → staff,
    "Risk of Denial" → consequences), by the first matching row of `patterns/label_words.jsonl`
    (a row whose field is null names labels that are no field: "Date", "Sent"; a row marked "inline" holds
    only for a label with its answer on its line: "Team: 9 staff, ..." but not a greeting's "Team -")."""
    if not label or len(label.split()) > (QUESTION_WORDS_MAX if question else LABEL_WORDS_MAX):
        return None
    folded = fold_ocr(label)
    rows = [(f, p) for f, p, only_inline in _label_words()
            if not (question and f is None) and (inline or not only_inline)]  # a question is never a "Date:" line
    return next((field for field, pattern in rows if pattern.search(folded)), None)


def fields_named(label: str) -> set[str]:
    """Every field a label's words name ("Scope, purpose and timeline" → three), by `label_words.jsonl`."""
    folded = fold_ocr(label)
    return {field for field, pattern, _inline in _label_words() if field and pattern.search(folded)}


@lru_cache(maxsize=1)
def _label_words() -> list[tuple[str, re.Pattern[str], bool]]:
    return [(row["field"], re.compile(row["pattern"], re.I), row.get("inline", False))
            for row in read_jsonl("label_words.jsonl")]


def _titled(head: str) -> bool:
    """A heading written as one: every long word capitalised, or all capitals."""
    words = [w for w in re.findall(r"[^\W\d_]+", head) if len(w) > 3]
    return bool(words) and all(w[0].isupper() for w in words)


# A form's line "Some Label: answer" whose label is none of ours: a few words, no sentence.
_OTHER_HEAD = re.compile(r"^[A-Za-z][\w'/&()-]*(?: [\w'/&()-]+){0,5}$")
FORM_LABELS = 3
"""Known labels a text needs before an unknown "Label:" line counts as a form's field."""


def find_sections(text: str) -> list[Section]:
    """Sections whose label heads a line, followed by a separator or standing alone as a heading.

    In a form (a text with at least FORM_LABELS of our labels), a line "Other Label: ..." whose
    label is none of ours ends the section before it and starts an UNKNOWN one.
    """
    heads: list[tuple[int, str, str, int, bool]] = []  # (label start, field, label, body start, inline)
    bullets: dict[int, str] = {}  # label start -> its line's bullet lead, for a label inside a bulleted item
    others: list[tuple[int, str, str, int, bool]] = []
    weak_bare: list[tuple[int, str, str, int, bool]] = []
    guessed: dict[int, str] = {}  # label start -> the field its words name, for "Why callers need it:" over its answer
    offset = 0
    previous = ""
    for line in text.splitlines(keepends=True):
        m = _LINE_HEAD.match(line.rstrip("\r\n"))
        wrapped = previous.strip() and not re.search(r"[.:;!?)]\s*$", previous) and not m.group("lead").strip() \
            and m.group("head")[:1].islower() if m else False
        previous = line
        if m and not wrapped:  # not a wrapped sentence's next line ("... rather than OTech\n is mostly schedule: ...")
            label = normalise_label(m.group("head"))
            field = lookup_label(label)
            bare = m.group("sep") == ""
            if m.group("sep") == "." and (not field or len(label.split()) > 5):
                # A run-in heading ("6. Timeframe. FY 2027-28.") only when it is one of our labels.
                offset += len(line)
                continue
            colon = ":" in m.group("sep") or "?" in m.group("sep")
            if field is None and "?" in m.group("sep") and not re.search(r"\d", m.group("head")):
                field = label_from_words(label, question=True)  # "Who on your staff will do the work?"
            elif field is None and ((colon and line[m.end():].strip()) or _titled(m.group("head"))) \
                    and _OTHER_HEAD.match(m.group("head").strip()) and not re.search(r"\d", m.group("head")):
                field = label_from_words(label, inline=colon and bool(line[m.end():].strip()))
            head = (offset + m.start("head"), field or UNKNOWN, m.group("head").strip(), offset + m.end(),
                    not bare and bool(line[m.end():].strip()))
            outline = bool(re.match(r"[ \t]*[IVX]{1,4}\.", m.group("lead")))  # an outline's "V. Staff" heading
            if field and bare and label in _WEAK and not outline:
                weak_bare.append(head)  # "Agency" alone on a line: a label only in a form with others
            elif field and not (bare and len(label.split()) > 8):
                heads.append(head)
                if re.match(r"[ \t]*[*•\-–—][ \t]", m.group("lead") + " "):
                    bullets[head[0]] = m.group("lead")
            elif not field and m.group("sep").strip() == ":" and _OTHER_HEAD.match(m.group("head").strip()):
                others.append(head)
                if not line[m.end():].strip() and not re.search(r"\d", m.group("head")):
                    guess = label_from_words(label)
                    if guess:
                        guessed[head[0]] = guess
        offset += len(line)
    if len(heads) >= FORM_LABELS and weak_bare:
        heads = sorted(heads + weak_bare)
    if len(heads) >= FORM_LABELS and others:
        # In a form, a label on its own line read by its words ("If we can't:" → consequences).
        others = [(h[0], guessed.get(h[0], h[1]), *h[2:]) for h in others]
        heads = sorted(heads + others)
        # A heading with nothing under it before unknown sub-labels ("Timeframes" / "Planning: ...") owns them.
        kept: list[tuple[int, str, str, int, bool]] = []
        absorbing = False
        for head in heads:
            if head[1] != UNKNOWN:
                absorbing = False
            elif absorbing or (kept and kept[-1][1] != UNKNOWN
                               and not text[kept[-1][3]:text.rfind("\n", 0, head[0]) + 1].strip()):
                absorbing = True
                continue
            kept.append(head)
        heads = kept
    sections: list[Section] = []
    for i, (start, field, label, body_start, inline) in enumerate(heads):
        # The next label's line, its bullet or outline letter ("B. Installation: Q2 2027") included.
        stop = max(body_start, text.rfind("\n", 0, heads[i + 1][0]) + 1) if i + 1 < len(heads) else len(text)
        # The next label's bullet belongs to it, not to this section.
        body = _cut_at_paragraph(_cut_at_closing(text[body_start:stop]))
        if start in bullets and inline:
            body = _cut_at_sibling_bullet(body, bullets[start])
        if inline:
            body = _cut_at_new_sentence(body)
            body = _cut_in_paragraph(body, always=field in _ONE_SENTENCE, dated=field != "timeframe")
        sections.append(Section(field=field, label=label, text=_tidy(body), start=start,
                                end=body_start + len(body)))
    return sections


def _cut_at_sibling_bullet(body: str, lead: str) -> str:
    """A label inside a bulleted item ("- equipment: a, b, c") labels that item only: the next bullet
    at the same indentation is another item of the list."""
    indent = len(lead) - len(lead.lstrip(" \t"))
    for m in re.finditer(r"\n([ \t]*)[*•\-–—][ \t]", body):
        if len(m.group(1)) <= indent:
            return body[: m.start() + 1]
    return body


def _tidy(body: str) -> str:
    lines = [ln.rstrip() for ln in body.strip(" \t\n").split("\n")]
    while lines and re.fullmatch(r"[ \t]*[*•>\-–—]?[ \t]*", lines[-1]):
        lines.pop()
    return "\n".join(lines).strip(" \t\n-–—:")


def _cut_at_new_sentence(body: str) -> str:
    """An answer written on its label's line ends where a line ends a sentence and the next starts one.

    Wrapped lines (a PDF's or a fax's) go on mid-sentence, so they stay with the answer.
    """
    lines = body.split("\n")
    for i in range(1, len(lines)):
        if re.search(r"[.!?]\s*$", lines[i - 1]) and re.match(r"\s*(?:[*•\-–—]\s*)?[A-Z]", lines[i]):
            return "\n".join(lines[:i])
    return body


_SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?](?=\s+[A-Z])")  # not an initial's "H. Nakamura"


# Answers that are a list or a date: a sentence after them on the label's line is about something else.
_ONE_SENTENCE = {"products_services", "timeframe", "catalog_reference"}


def _cut_in_paragraph(body: str, always: bool = False, dated: bool = False) -> str:
    """A label opening a line of a letter's paragraph ("Timeline: Q2 2027. The goal ...") labels one sentence;
    so does a label whose line goes on with a dated sentence ("Purpose: retire the PRIs. Order 7/1/26.")
    when `dated`."""
    first = body.split("\n", 1)[0]
    ends = list(_SENTENCE_END.finditer(first))
    if ends and (always or len(first) >= 160 or (dated and find_periods(first[ends[0].end():]))):
        return body[: ends[0].end()]
    return body


def _cut_at_paragraph(body: str) -> str:
    """A section ends at the first blank line after its text: what follows is a new paragraph."""
    m = re.search(r"\S[^\n]*\n[ \t]*\n", body)
    return body[: m.end()] if m else body


def _cut_at_closing(body: str) -> str:
    """Stop a section's text at a letter's closing or at a blank line before a signature."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if line.strip().lower().rstrip(",.!") in _CLOSINGS:
            return "\n".join(lines[:i])
        if i >= 2 and not lines[i - 1].strip() and _SIGNATURE_NAME.match(line.strip()):
            return "\n".join(lines[:i])
    return body


_SIGNATURE_NAME = re.compile(
    r"^(?:(?:Dr|Mr|Ms|Mrs)\.\s+)?[A-Z][\w'’-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w'’-]+){1,2}$"
)
