"""Field extraction with spaCy: rule components whose patterns are data, over a pretrained pipeline."""

from extractors.fields import MessageContext, Segment, classify_title, extract
from extractors.nlp import load_nlp

__all__ = ["MessageContext", "Segment", "classify_title", "extract", "load_nlp"]
