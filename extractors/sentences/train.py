"""Train the sentence classifier from the development set's TRAIN part and hand-written sentences.

    .venv/bin/python -m extractors.sentences.train      # writes model/ and, beside it, corpus.jsonl (not in git)

Reproducible: one seeded RNG builds the corpus, spaCy's seed fixes the training; CPU, about two minutes.
The corpus is (1) the train part's phrasings of each request item (the first two thirds of every
phrasing list in `extractors/devset/generate.py`, never the eval third), filled with the
generator's slot values, some with OCR-like damage; (2) sentences that state no request item
(requests for delegation, activities, flags, greetings, the train part's non-requests); and
(3) `extra.jsonl`: sentences written by hand in other wording, labelled with the item they state;
(4) `handwritten_*.jsonl`: every sentence of the hand-written TRAIN items (`devset/handwritten_train/`),
annotated by hand with the items it states (none, one or two). The held-out `devset/handwritten/` is
never annotated or trained on.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import fix_random_seed, load_config, load_model_from_config, minibatch

from extractors.devset import generate as g
from extractors.sentences import HERE, LABELS, MODEL_DIR, prepare


def _train_part(options: list) -> list:
    """The phrasings the devset's train part may use (as `generate.Picker` does)."""
    return options[: max(1, len(options) - len(options) // 3)]


def _slots(rng: random.Random) -> dict:
    category = rng.choice(list(g.GENERAL))
    scope, products = rng.choice(g.GENERAL[category])
    if rng.random() < 0.35:
        service, _catalog = rng.choice(g.CONTRACT)
        scope, products = f"order {service}", []
    else:
        service = rng.choice(g.CONTRACT)[0]
    period = rng.choice(g.PERIODS)[0]
    return {"agency": rng.choice(rng.choice(g.AGENCIES)[1]), "scope": scope, "loc": g._join(rng.choice(g.PLACES)),
                "service": service, "purpose": rng.choice(g.PURPOSES), "years": rng.choice([5, 7, 9, 11, 20]),
                "other": rng.choice(["our Fresno office", "the Redding district", "two regional centers"]),
                "harm": rng.choice(g.HARMS), "why": rng.choice(g.WHYS), "period": period, "period_prep": g._period_prep(period),
                "acts": g._join(rng.sample(["project planning", "installation", "design and development",
                                         "project oversight", "operation and maintenance"], 2)),
                "products": products}


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n\s*\n", text)
    return [p.strip() for p in parts if len(p.strip()) >= 15]


def build_corpus(seed: int, per_phrasing: int, handwritten_weight: int = 3) -> list[dict]:
    """Labelled sentences: {"text", "label"} ("none" for a sentence that states no request item)."""
    rng = random.Random(seed)
    rows: list[dict] = []
    by_label = {"project_scope": g.SCOPE, "project_purpose": g.PURPOSE, "timeframe": g.PERIOD_SENT,
                "staff_qualifications": g.STAFF, "adverse_consequences": g.ADVERSE, "justification": g.JUSTIFY,
                "none": g.GENERAL_ASK + g.CONTRACT_ASK + g.ACTIVITY_ASK}
    for label, phrasings in by_label.items():
        if label == "none":
            phrasings = _train_part(g.GENERAL_ASK) + _train_part(g.CONTRACT_ASK) + _train_part(g.ACTIVITY_ASK)
        else:
            phrasings = _train_part(phrasings)
        for phrasing in phrasings:
            for _ in range(per_phrasing):
                rows.append({"text": phrasing.format(**_slots(rng)), "label": label})
    for _ in range(per_phrasing * 3):
        products = [p for ps in rng.sample([p for v in g.GENERAL.values() for _s, p in v], 2) for p in ps]
        rows.append({"text": "Equipment to be purchased: " + "; ".join(products[:4]) + ".", "label": "products_services"})
    for text in g.NEW_TO_MARKET + g.COMPLEX + g.EXEMPTION:
        rows += [{"text": text.format(num=rng.randint(100, 999)), "label": "none"}] * 2
    for n, (_kind, _subject, _from, text) in enumerate(g.OTHERS):
        if n % 5 not in (1, 3):  # the train part's non-requests (as `generate.make_others` splits them)
            rows += [{"text": s, "label": "none"} for s in _sentences(text)]
    with (HERE / "extra.jsonl").open(encoding="utf-8") as fh:
        extra = [json.loads(line) for line in fh if line.strip()]
    rows += extra * 3  # hand-written wording counts as much as a generated phrasing
    # Sentences of the hand-written TRAIN items, each labelled with the items it states (`handwritten_*.jsonl`).
    for path in sorted(HERE.glob("handwritten_*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            annotated = [json.loads(line) for line in fh if line.strip()]
        rows += [{"text": a["text"], "labels": a["labels"]} for a in annotated] * handwritten_weight
    # Faxes: a copy of some sentences with OCR-like damage.
    rows += [{**r, "text": g.ocr_noise(r["text"], rng, [])} for r in rng.sample(rows, len(rows) // 4)]
    rng.shuffle(rows)
    return rows


def _labels(row: dict) -> list[str]:
    """The items a corpus row states: its "labels", or its one "label" ("none": no item)."""
    return row["labels"] if "labels" in row else [row["label"]]


def train(out: Path = MODEL_DIR) -> dict[str, float]:
    """Build the corpus, train the model, save it to `out`; the training accuracy per label."""
    config = load_config(HERE / "config.cfg")
    opts = config["triage_training"]
    fix_random_seed(opts["seed"])
    corpus = build_corpus(opts["seed"], opts["samples_per_phrasing"], opts["handwritten_weight"])
    with (out.parent / "corpus.jsonl").open("w", encoding="utf-8") as fh:  # generated, not kept in git
        for row in corpus:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    nlp_config = {k: v for k, v in config.items() if k != "triage_training"}
    nlp = load_model_from_config(spacy.util.Config(nlp_config), auto_fill=True)
    textcat = nlp.get_pipe("textcat_multilabel")
    for label in LABELS:
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(prepare(r["text"])),
                                  {"cats": {label: float(label in _labels(r)) for label in LABELS}})
                for r in corpus]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(opts["seed"])
    for _epoch in range(opts["epochs"]):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=opts["batch_size"]):
            nlp.update(batch, drop=opts["dropout"], sgd=optimizer)
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    scores = nlp.evaluate(examples)
    return {"examples": len(examples), "cats_macro_f": scores["cats_macro_f"]}


if __name__ == "__main__":
    print(train(Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL_DIR))
