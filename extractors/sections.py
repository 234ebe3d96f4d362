"""Labelled sections of a form or letter ("Project Scope:", "TIMELINE", "Locations —")."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from extractors.nlp import read_jsonl

SEPARATORS = (":", "-", "—", "–", ")")
_LEAD = " \t*•-–—>#0123456789.)("
# Single words that name a section only when followed by a separator, never as a bare heading.
_WEAK = {"name", "title", "project", "need", "department", "agency", "site", "notes", "phone",
         "tel", "email", "e-mail", "contact", "dates", "organization", "position", "submitter",
         "reasons", "equipment", "products", "schedule"}


@dataclass(frozen=True)
class Section:
    """A labelled stretch of text: the field it gives and the text after its label."""

    field: str
    label: str
    text: str
    start: int
    """Character offset of the label in the document."""
    end: int
    """Character offset where the section's text ends."""


@lru_cache(maxsize=1)
def _label_rows() -> dict[str, str]:
    return {row["pattern"].lower(): row["field"] for row in read_jsonl("labels.jsonl")}


def label_matcher(nlp: Language) -> PhraseMatcher:
    """A case-insensitive phrase matcher over the label synonyms of `labels.jsonl`."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for pattern, field in _label_rows().items():
        matcher.add(field, [nlp.make_doc(pattern)])
    return matcher


def find_sections(doc: Doc, matcher: PhraseMatcher) -> list[Section]:
    """Sections whose label starts a line, followed by a separator or standing alone as a heading."""
    text = doc.text
    heads: list[tuple[int, int, str, str, int]] = []  # (line start, label start, field, label, body start)
    best: dict[int, tuple[int, int, str, str, int]] = {}
    for match_id, start, end in matcher(doc):
        span = doc[start:end]
        line_start = text.rfind("\n", 0, span.start_char) + 1
        if text[line_start : span.start_char].strip(_LEAD):
            continue  # the label is not at the start of its line
        line_end = text.find("\n", span.end_char)
        line_end = len(text) if line_end == -1 else line_end
        rest = text[span.end_char : line_end]
        stripped = rest.lstrip()
        label = span.text.lower()
        if stripped[:1] in SEPARATORS or stripped[:2] == "::":
            body_start = span.end_char + (len(rest) - len(stripped)) + 1
        elif not stripped.strip(" :") and label not in _WEAK and len(text[line_start:line_end].split()) <= 8:
            body_start = line_end
        else:
            continue
        field = doc.vocab.strings[match_id]
        candidate = (line_start, span.start_char, field, span.text, body_start)
        # At one line start keep the longest label ("project scope" over "project").
        prev = best.get(line_start)
        if prev is None or span.end_char - span.start_char > len(prev[3]):
            best[line_start] = candidate
    heads = sorted(best.values())
    sections: list[Section] = []
    for i, (line_start, label_start, field, label, body_start) in enumerate(heads):
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        body = text[body_start:stop]
        body = _cut_at_closing(body)
        sections.append(
            Section(field=field, label=label, text=body.strip(" \t\n-–—:"), start=label_start,
                    end=body_start + len(body))
        )
    return sections


_CLOSINGS = ("sincerely", "respectfully", "regards", "best regards", "thank you", "thanks",
             "kind regards", "cordially", "yours truly", "very truly yours")


def _cut_at_closing(body: str) -> str:
    """Stop a section's text at a letter's closing or after a blank line followed by a signature."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if line.strip().lower().rstrip(",.!") in _CLOSINGS:
            return "\n".join(lines[:i])
    return body
