"""A trained sentence classifier (spaCy textcat_multilabel) for request items in unlabelled prose."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

HERE = Path(__file__).parent
MODEL_DIR = HERE / "model"
LABELS = ("project_scope", "project_purpose", "timeframe", "staff_qualifications", "adverse_consequences",
          "justification", "products_services")


def prepare(text: str) -> str:
    """The text as the classifier reads it: lower case, digits as 0, white space as single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"\d", "0", text.lower())).strip()


@lru_cache(maxsize=1)
def load_classifier() -> Language | None:
    """The committed model (`model/`), loaded once per process; None when it has not been trained."""
    if not (MODEL_DIR / "config.cfg").exists():
        return None
    return spacy.load(MODEL_DIR)


def classify(texts: list[str]) -> list[dict[str, float]]:
    """Per sentence, each label's probability (empty dicts without a model)."""
    nlp = load_classifier()
    if nlp is None or not texts:
        return [{} for _ in texts]
    return [dict(doc.cats) for doc in nlp.pipe(prepare(t) for t in texts)]
