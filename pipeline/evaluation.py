"""Measure extraction on the labelled development set (extractors/devset/), part by part.

    .venv/bin/python -m pipeline.evaluation extractors/devset [--part train|eval|handwritten_train|handwritten]
        [--errors] [--prose both|cues|classifier]
    .venv/bin/python -m pipeline.evaluation --bench

Parts: "train" and "eval" are the generated items (`items/`, `truth.json`) of that split;
"handwritten_train" is the hand-written training set under `handwritten_train/` (its own `items/` and
`truth.json`, every item tagged split "train": patterns and the sentence classifier may be tuned on it);
"handwritten" is the hand-written set under `handwritten/` (its own `items/` and `truth.json`,
every item tagged split "eval": held out, only ever measured).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors import MessageContext, Segment, extract, load_nlp
from extractors.nlp import read_jsonl
from models import Completeness, Extraction
from pipeline.completeness import score_completeness

PRESENCE_FIELDS = ("agency", "submitter_name", "submitter_title", "project_scope", "project_purpose", "timeframe",
                   "locations", "staff_qualifications", "adverse_consequences", "products_services",
                   "justification", "catalog_reference", "contact_email", "contact_phone")
VALUE_FIELDS = ("agency", "submitter_name", "submitter_title", "timeframe.start", "timeframe.end", "locations",
                "contact_email", "contact_phone")
CONFIDENCE_THRESHOLD = 0.6
"""Values below this confidence are the ones a reviewer is asked to check."""


@dataclass
class Item:
    """One text of the development set with its truth."""

    id: str
    split: str
    text: str
    context: MessageContext
    truth: dict[str, Any]
    source: str = "generated"

    @property
    def part(self) -> str:
        """The part it is reported in: its split for generated items, else the folder it came from."""
        return self.source if self.source in HANDWRITTEN_PARTS else self.split


@dataclass
class Outcome:
    """What the extractor and the completeness rules made of one item."""

    item: Item
    extraction: Extraction
    completeness: Completeness


@dataclass
class Tally:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, want: set, got: set) -> None:
        self.tp += len(want & got)
        self.fp += len(got - want)
        self.fn += len(want - got)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Metrics:
    """Every number the report prints, for one part of the development set."""

    n: int = 0
    n_requests: int = 0
    presence: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    values: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    kind: list[bool] = field(default_factory=list)
    dtype: list[bool] = field(default_factory=list)
    categories: Tally = field(default_factory=Tally)
    activities: Tally = field(default_factory=Tally)
    flags: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    status: list[bool] = field(default_factory=list)
    missing: list[bool] = field(default_factory=list)
    confident: list[bool] = field(default_factory=list)
    unsure: list[bool] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


HANDWRITTEN = "handwritten"
"""The part (and the folder under the development set) of the hand-written, held-out items."""
HANDWRITTEN_TRAIN = "handwritten_train"
"""The part (and the folder) of the hand-written items written for tuning (split "train")."""
HANDWRITTEN_B = "handwritten_b"
"""A second held-out part, written after the first had been measured (see its README)."""
HANDWRITTEN_C = "handwritten_c"
"""A third held-out part, written after the second had been measured."""
HANDWRITTEN_D = "handwritten_d"
"""A fourth held-out part, written after the third had been measured."""
HANDWRITTEN_E = "handwritten_e"
"""A fifth held-out part, written after the fourth had been measured."""
HANDWRITTEN_F = "handwritten_f"
"""A sixth held-out part, written after the fifth had been measured."""
HANDWRITTEN_G = "handwritten_g"
"""A seventh held-out part, written in the same session as the sixth and measured after it."""
HANDWRITTEN_H = "handwritten_h"
"""An eighth held-out part, written after the seventh had been measured."""
HANDWRITTEN_I = "handwritten_i"
"""A ninth held-out part, written after the eighth had been measured."""
HANDWRITTEN_J = "handwritten_j"
"""A tenth held-out part, written with the ninth by other writers, measured with it."""
HANDWRITTEN_HELD_OUT = (HANDWRITTEN, HANDWRITTEN_B, HANDWRITTEN_C, HANDWRITTEN_D, HANDWRITTEN_E, HANDWRITTEN_F,
                        HANDWRITTEN_G, HANDWRITTEN_H, HANDWRITTEN_I, HANDWRITTEN_J)
HANDWRITTEN_PARTS = (HANDWRITTEN_TRAIN, *HANDWRITTEN_HELD_OUT)
HELD_OUT = "held_out"
"""Every held-out part together (`--part held_out`): the evaluation-only part of the set, measured as one."""


def read_truth(folder: Path) -> dict[str, dict]:
    """A folder's truth by item id: its `truth.json`, and the `truth/*.json` a large folder keeps one a batch
    (`handwritten_train/truth/wa.json` ...), read together."""
    truth: dict[str, dict] = {}
    for path in [folder / "truth.json", *sorted((folder / "truth").glob("*.json"))]:
        if path.is_file():
            truth.update(json.loads(path.read_text(encoding="utf-8")))
    return truth


def _read_items(folder: Path, source: str) -> list[Item]:
    """The items of one folder (`items/*.json` and its truth)."""
    truth = read_truth(folder)
    items = []
    for path in sorted((folder / "items").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        ctx = MessageContext(subject=raw.get("subject") or "", from_=raw.get("from") or "",
                             in_reply_to=raw.get("in_reply_to"))
        items.append(Item(raw["id"], raw["split"], raw["text"], ctx, truth[raw["id"]], source))
    return items


def load_devset(devset_dir: Path, part: str | None = None) -> list[Item]:
    """The items of a development set, optionally of one part ("train", "eval", "handwritten_train" or
    "handwritten").

    The generated items are `items/*.json` with `truth.json`; the hand-written ones, when the set has
    them, are `handwritten_train/items/*.json` with `handwritten_train/truth/*.json` (for tuning) and
    `handwritten/items/*.json` with `handwritten/truth.json` (held out).
    """
    items = _read_items(devset_dir, "generated") if part in (None, "train", "eval") else []
    for folder in HANDWRITTEN_PARTS:
        wanted = part in (None, folder) or (part == HELD_OUT and folder in HANDWRITTEN_HELD_OUT)
        if wanted and read_truth(devset_dir / folder):
            items += _read_items(devset_dir / folder, folder)
    return [i for i in items if not part or i.part == part or (part == HELD_OUT and i.part in HANDWRITTEN_HELD_OUT)]


def assess_item(item: Item) -> Outcome:
    """Extraction and completeness of one item's text, as the pipeline computes them for a body."""
    extraction = extract([Segment("body.txt", None, item.text)], item.context)
    return Outcome(item, extraction, score_completeness(extraction))


# --- normalisation of values --------------------------------------------------------------------

def _norm_text(value: Any) -> str:
    s = str(value or "").lower().replace("&", " and ").replace("’", "'")
    s = re.sub(r"[^\w'/ ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _bare_agency(value: Any) -> str:
    s = _norm_text(value)
    s = re.sub(r"^(state of california |the |california )", "", s)
    return s.removeprefix("california ")


@lru_cache(maxsize=1)
def _agency_aliases() -> dict[str, str]:
    """Every name and alias of the agency gazetteer → its name: one agency, however it is written."""
    out: dict[str, str] = {}
    for row in read_jsonl("agencies.jsonl"):
        for alias in [row["name"], *row["aliases"]]:
            out.setdefault(_bare_agency(alias), _bare_agency(row["name"]))
    return out


def norm_agency(value: Any) -> str:
    s = _bare_agency(value)
    return _agency_aliases().get(s, s)


def norm_name(value: Any) -> str:
    s = _norm_text(value)
    return re.sub(r"^(dr|mr|ms|mrs) ", "", s)


def norm_title(value: Any) -> str:
    """A title without the unit written after it: "IT Manager II, Infrastructure Services" is "IT Manager II"
    (writers differ on whether the unit is part of the title; the title is what the CIO rule reads)."""
    return _norm_text(str(value or "").split(",")[0])


def norm_phone(value: Any) -> str:
    return re.sub(r"\D", "", str(value or ""))[-10:]


_PLACE_LINK = re.compile(r"\b(?:(?:out|located|both|all) )?(?:in|at|near)\b ")
"""Words joining a site to its town: "Metropolitan State Hospital in Norwalk" is "..., Norwalk"."""


def _loc_match(a: str, b: str) -> bool:
    a, b = _PLACE_LINK.sub("", _norm_text(a)), _PLACE_LINK.sub("", _norm_text(b))
    # One names the other, in any order: "300 S. Spring Street, Los Angeles" is the "Los Angeles office at
    # 300 S. Spring Street".
    return bool(a and b) and (a in b or b in a or set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split()))


def locations_equal(want: list[str], got: Any) -> bool:
    """Every true place is named, and every extracted place is one of them."""
    got = [g for g in (got or []) if str(g).strip()] if isinstance(got, list) else ([got] if got else [])
    return all(any(_loc_match(w, str(g)) for g in got) for w in want) and \
        all(any(_loc_match(w, str(g)) for w in want) for g in got)


def _value_checks(o: Outcome) -> dict[str, tuple[bool, float]]:
    """field → (correct, confidence) for every field whose true value is known."""
    fields, want = o.extraction.fields, o.item.truth["fields"]
    out: dict[str, tuple[bool, float]] = {}
    for name, norm in (("agency", norm_agency), ("submitter_name", norm_name), ("submitter_title", norm_title),
                       ("contact_email", _norm_text), ("contact_phone", norm_phone)):
        if want.get(name) is not None:
            out[name] = (norm(fields[name].value) == norm(want[name]), fields[name].confidence)
    if want.get("timeframe"):
        got = fields["timeframe"].value
        conf = fields["timeframe"].confidence
        for part in ("start", "end"):
            out[f"timeframe.{part}"] = (getattr(got, part, None) == want["timeframe"][part], conf)
    if want.get("locations"):
        out["locations"] = (locations_equal(want["locations"], fields["locations"].value),
                            fields["locations"].confidence)
    return out


def score_outcome(o: Outcome, m: Metrics) -> None:
    """Add one item's agreement with its truth to the metrics."""
    t, x = o.item.truth, o.extraction
    m.n += 1
    tag = o.item.id
    m.kind.append(x.kind == t["kind"])
    if x.kind != t["kind"]:
        m.errors.append(f"{tag}: kind {x.kind} (want {t['kind']}): {x.kind_reason}")
    status_ok = o.completeness.status == t["completeness"]["status"]
    m.status.append(status_ok)
    m.missing.append(sorted(o.completeness.missing) == t["completeness"]["missing"])
    if not m.missing[-1]:
        m.errors.append(f"{tag}: missing {sorted(o.completeness.missing)} (want {t['completeness']['missing']})")
    for flag in set(t["flags"]) | set(x.flags):
        m.flags[flag].add({flag} & set(t["flags"]), {flag} & set(x.flags))
    if set(x.flags) != set(t["flags"]):
        m.errors.append(f"{tag}: flags {sorted(x.flags)} (want {t['flags']})")
    if t["kind"] != "delegation_request":
        return
    m.n_requests += 1
    m.dtype.append(x.delegation_type == t["delegation_type"])
    if not m.dtype[-1]:
        m.errors.append(f"{tag}: type {x.delegation_type} (want {t['delegation_type']})")
    m.categories.add(set(t["general_categories"]), set(x.general_categories))
    m.activities.add(set(t["activities"]), set(x.activities))
    if set(t["activities"]) != set(x.activities):
        m.errors.append(f"{tag}: activities {x.activities} (want {t['activities']})")
    if set(t["general_categories"]) != set(x.general_categories):
        m.errors.append(f"{tag}: categories {x.general_categories} (want {t['general_categories']})")
    for name in PRESENCE_FIELDS:
        want = t["fields"][name] not in (None, []) if name in t["fields"] else bool(t["present"].get(name))
        got = x.fields[name].present
        m.presence[name].add({name} if want else set(), {name} if got else set())
        if want != got:
            m.errors.append(f"{tag}: {name} {'missed' if want else 'spurious: ' + repr(x.fields[name].value)[:90]}")
    for name, (ok, conf) in _value_checks(o).items():
        m.values[name].append(ok)
        (m.confident if conf >= CONFIDENCE_THRESHOLD else m.unsure).append(ok)
        if not ok:
            got = x.fields[name.split(".")[0]].value
            got = getattr(got, name.split(".")[1], got) if "." in name else got
            want = t["fields"][name.split(".")[0]]
            want = want[name.split(".")[1]] if "." in name else want
            m.errors.append(f"{tag}: {name} {got!r} (want {want!r})")


def evaluate(items: list[Item]) -> Metrics:
    """Metrics of the extractor on these items."""
    m = Metrics()
    for item in items:
        score_outcome(assess_item(item), m)
    return m


def _acc(xs: list[bool]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def summary(m: Metrics) -> dict[str, float]:
    """The headline numbers of the issue's targets."""
    presence = Tally()
    for t in m.presence.values():
        presence.tp, presence.fp, presence.fn = presence.tp + t.tp, presence.fp + t.fp, presence.fn + t.fn
    flags = Tally()
    for t in m.flags.values():
        flags.tp, flags.fp, flags.fn = flags.tp + t.tp, flags.fp + t.fp, flags.fn + t.fn
    return {
        "presence_f1": presence.f1,
        "value_accuracy": _acc([v for vs in m.values.values() for v in vs]),
        "kind_accuracy": _acc(m.kind),
        "type_accuracy": _acc(m.dtype),
        "categories_f1": m.categories.f1,
        "activities_f1": m.activities.f1,
        "flags_f1": flags.f1,
        "completeness_status_accuracy": _acc(m.status),
        "missing_exact_accuracy": _acc(m.missing),
    }


TARGETS = {"presence_f1": 0.95, "completeness_status_accuracy": 0.95, "kind_accuracy": 0.98,
           "type_accuracy": 0.95, "value_accuracy": 0.90, "flags_f1": 0.85}


def format_report(parts: dict[str, Metrics], errors: bool = False) -> str:
    """The report: headline numbers per part, then per-field tables."""
    names = list(parts)
    sums = {p: summary(m) for p, m in parts.items()}
    w = 30
    lines = ["Extraction on the development set", ""]
    col = max(20, *(len(f"{p} (n={m.n})") + 2 for p, m in parts.items()))
    lines.append(f"{'':{w}}" + "".join(f"{p + f' (n={m.n})':>{col}}" for p, m in parts.items()) + "   target")
    for key in sums[names[0]]:
        target = f"   >= {TARGETS[key]:.2f}" if key in TARGETS else ""
        lines.append(f"{key:{w}}" + "".join(f"{sums[p][key]:>{col}.3f}" for p in names) + target)
    def table(title: str, keys: list[str], cell) -> None:
        lines.extend(["", title])
        for key in keys:
            lines.append(f"  {key:{w - 2}}" + "".join(f"{cell(parts[p], key):>{col}}" for p in names))

    def prf(t) -> str:
        return f"{t.precision:.2f} / {t.recall:.2f} / {t.f1:.2f}"

    table("Presence of each field (requests only): precision / recall / F1", list(PRESENCE_FIELDS),
          lambda m, k: prf(m.presence[k]))
    table("Value accuracy (normalised; where the true value is known)", list(VALUE_FIELDS),
          lambda m, k: f"{_acc(m.values[k]):.3f} ({sum(m.values[k])}/{len(m.values[k])})")
    table("Flags: precision / recall / F1", sorted({f for m in parts.values() for f in m.flags}),
          lambda m, k: prf(m.flags[k]))
    lines += ["", f"Confidence: value accuracy at confidence >= {CONFIDENCE_THRESHOLD} vs below"]
    for p in names:
        m = parts[p]
        lines.append(f"  {p:{w - 2}}{_acc(m.confident):.3f} ({len(m.confident)} values)   "
                     f"{_acc(m.unsure):.3f} ({len(m.unsure)} values)")
    if errors:
        for p in names:
            lines += ["", f"Errors ({p})"] + [f"  {e}" for e in parts[p].errors]
    return "\n".join(lines)


def run_evaluation(devset_dir: Path, part: str | None = None, errors: bool = False) -> str:
    """Evaluate every part (or one) of a development set and return the printed report."""
    items = load_devset(Path(devset_dir), part)
    by_part: dict[str, list[Item]] = {}
    for item in items:
        by_part.setdefault(HELD_OUT if part == HELD_OUT else item.part, []).append(item)
    order = sorted(by_part, key=lambda p: (p != "train", p in HANDWRITTEN_HELD_OUT, p == HANDWRITTEN_TRAIN, p))
    return format_report({p: evaluate(by_part[p]) for p in order}, errors=errors)


def bench(devset_dir: Path | None = None, words: int = 1000, repeats: int = 20) -> str:
    """Milliseconds to extract one request of about `words` words, after the model is loaded."""
    devset_dir = devset_dir or Path(__file__).resolve().parents[1] / "extractors" / "devset"
    texts = [i.text for i in load_devset(devset_dir, "train") if i.truth["kind"] == "delegation_request"]
    text, n = "", 0
    for t in texts:  # several requests joined until about `words` words
        text += t + "\n\n"
        n += len(t.split())
        if n >= words:
            break
    load_nlp()
    extract([Segment("body.txt", None, text)])  # warm caches
    times = []
    for _ in range(repeats):
        t0 = time.process_time()  # CPU time of this process: other load on the machine does not count
        extract([Segment("body.txt", None, text)])
        times.append(time.process_time() - t0)
    times.sort()
    per_1000 = 1000 * times[len(times) // 2] * 1000 / max(n, 1)
    return f"extraction: {per_1000:.1f} ms per 1,000 words (CPU time, median of {repeats}, text of {n} words, model loaded)"


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if "--bench" in argv:
        print(bench(Path(args[0]) if args else None))
        return 0
    if not args:
        print("usage: python -m pipeline.evaluation DEVSET_DIR [--part train|eval|handwritten_train|handwritten|handwritten_b|handwritten_c|handwritten_d|handwritten_e|handwritten_f|handwritten_g|handwritten_h|handwritten_i|handwritten_j|held_out] [--errors] | --bench",
              file=sys.stderr)
        return 2
    if "--prose" in argv:  # compare ways of assigning unlabelled sentences: both, cues, classifier
        import extractors.fields

        extractors.fields.PROSE_ASSIGNMENT = argv[argv.index("--prose") + 1]
        args.remove(extractors.fields.PROSE_ASSIGNMENT)
    part = None
    if "--part" in argv:
        part = argv[argv.index("--part") + 1]
        args.remove(part)
    print(run_evaluation(Path(args[0]), part, errors="--errors" in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
