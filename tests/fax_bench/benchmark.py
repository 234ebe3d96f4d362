"""Fax OCR benchmark: the pipeline's OCR stage vs bare tesseract on the same generated pages.

    .venv/bin/python -m tests.fax_bench.benchmark [--count N] [--workers N] [--keep DIR]

Generates `--count` pages per mode (fine 204x196, normal 204x98; default 24 each) into
a temporary folder, then prints, per mode, the character error rate (whitespace
collapsed, Levenshtein distance over the truth's length) of

- the pipeline: `read_document` on one multi-page G4 TIFF per mode, both documents read
  concurrently as a replay does, OCR slots shared (one tesseract process per core);
- bare tesseract: `tesseract page.tif -` on each raw one-page TIFF, `OMP_THREAD_LIMIT=1`,
  the same number of pages in flight;

and the wall time of each over all pages, and their ratio. Not a test: it takes about a
minute per 20 pages on two cores.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from models.records import Attachment, DocumentText
from pipeline.documents import read_document
from pipeline.settings import load_settings
from tests.fax_bench.make_pages import FaxPage, make_pages, save


def collapse(text: str) -> str:
    """Whitespace runs as one space, ends trimmed: the form both texts are compared in."""
    return " ".join(text.split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert, delete, substitute: 1 each), one numpy row per character of `a`."""
    if not a or not b:
        return len(a) or len(b)
    codes = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for i, char in enumerate(a, 1):
        cost = (codes != ord(char)).astype(np.int64)
        candidates = np.empty(len(b) + 1, dtype=np.int64)
        candidates[0] = i
        # Deletion (row above + 1) or substitution (diagonal + cost) ...
        candidates[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        # ... then insertions run left to right: new[j] = min(candidates[k] + (j - k)), k <= j.
        row = np.minimum.accumulate(candidates - steps) + steps
    return int(row[-1])


def cer(ocr: str, truth: str) -> float:
    """Character error rate of `ocr` against `truth`, whitespace collapsed."""
    truth = collapse(truth)
    return levenshtein(collapse(ocr), truth) / max(1, len(truth))


def bare_tesseract(path: Path) -> str:
    """What `tesseract page.tif -` prints, one thread."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", str(path), "-"], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def _cpu_seconds() -> float:
    """User and system time of this process and its finished children (tesseract runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _read_all(documents: dict[str, bytes], settings) -> dict[str, DocumentText]:
    """Each mode's fax as one document, both read at once like a replay does."""
    with ThreadPoolExecutor(len(documents)) as pool:
        futures = {
            m: pool.submit(
                read_document,
                Attachment(name=f"{m}.tif", media_type="image/tiff", data=data),
                settings,
            )
            for m, data in documents.items()
        }
        return {m: f.result() for m, f in futures.items()}


def _tiff(pages: list[FaxPage]) -> bytes:
    out = io.BytesIO()
    first, *rest = (p.image for p in pages)
    first.save(
        out, "TIFF", compression="group4", dpi=first.info["dpi"], save_all=True, append_images=rest
    )
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=24, help="pages per mode (default 24)")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="pages in flight, both sides (default: one per core)",
    )
    parser.add_argument("--keep", type=Path, help="write the pages and OCR texts here too")
    parser.add_argument("--skip-bare", action="store_true", help="time the pipeline only")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="time each side this many times, alternating; the best counts",
    )
    args = parser.parse_args(argv)

    settings = load_settings()
    settings = settings.model_copy(
        update={"ocr": settings.ocr.model_copy(update={"workers": args.workers})}
    )
    t = time.perf_counter()
    pages = make_pages(args.count)
    print(
        f"{len(pages)} pages generated in {time.perf_counter() - t:.1f} s; "
        f"{os.cpu_count()} cores, {args.workers} workers"
    )
    modes = ("fine", "normal")

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = [save(p, folder) for p in pages]
        documents = {m: _tiff([p for p in pages if p.mode == m]) for m in modes}

        # The machine may be shared: alternate the sides, keep each side's best round.
        pipeline_seconds = bare_seconds = float("inf")
        pipeline_cpu = bare_cpu = float("inf")
        bare_text: dict[str, str] = {}
        for _ in range(args.rounds):
            t, cpu = time.perf_counter(), _cpu_seconds()
            read = _read_all(documents, settings)
            pipeline_seconds = min(pipeline_seconds, time.perf_counter() - t)
            pipeline_cpu = min(pipeline_cpu, _cpu_seconds() - cpu)
            if args.skip_bare:
                continue
            t, cpu = time.perf_counter(), _cpu_seconds()
            with ThreadPoolExecutor(args.workers) as pool:
                outputs = list(pool.map(bare_tesseract, paths))
            bare_seconds = min(bare_seconds, time.perf_counter() - t)
            bare_cpu = min(bare_cpu, _cpu_seconds() - cpu)
            bare_text = {p.name: text for p, text in zip(pages, outputs, strict=True)}
        pipeline_text: dict[str, str] = {}
        for m in modes:
            if read[m].error:
                print(f"pipeline failed on {m}: {read[m].error}")
                return 1
            for page, result in zip([p for p in pages if p.mode == m], read[m].pages, strict=True):
                pipeline_text[page.name] = result.text

        if args.keep:
            for name, text in pipeline_text.items():
                (folder / f"{name}.pipeline.txt").write_text(text, encoding="utf-8")
            for name, text in bare_text.items():
                (folder / f"{name}.bare.txt").write_text(text, encoding="utf-8")

    print(
        f"\n{'page':<10} {'skew':>6} {'strokes':<7} {'marks':<11} {'conf':>5} "
        f"{'pipeline':>9} {'bare':>7}"
    )
    totals: dict[str, list[float]] = {m: [0.0, 0.0, 0.0] for m in modes}
    confidences = {
        p.name: c.ocr_confidence
        for m in modes
        for p, c in zip([p for p in pages if p.mode == m], read[m].pages, strict=True)
    }
    for page in pages:
        truth = collapse(page.truth)
        ours = levenshtein(collapse(pipeline_text[page.name]), truth)
        theirs = levenshtein(collapse(bare_text[page.name]), truth) if bare_text else 0
        total = totals[page.mode]
        total[0] += ours
        total[1] += theirs
        total[2] += len(truth)
        conf = confidences[page.name]
        print(
            f"{page.name:<10} {page.skew:>+6.2f} {page.strokes:<7} {page.marks or '-':<11} "
            f"{conf if conf is not None else float('nan'):>5.2f} "
            f"{100 * ours / len(truth):>8.2f}% "
            + (f"{100 * theirs / len(truth):>6.2f}%" if bare_text else "     -")
        )

    print(f"\n{'mode':<8} {'pages':>5} {'CER pipeline':>13} {'CER bare':>9} {'target':>7}")
    for m, target in zip(modes, (2.0, 4.0), strict=True):
        ours, theirs, chars = totals[m]
        count = sum(1 for p in pages if p.mode == m)
        print(
            f"{m:<8} {count:>5} {100 * ours / chars:>12.2f}% "
            + (f"{100 * theirs / chars:>8.2f}%" if bare_text else "        -")
            + f" {target:>6.1f}%"
        )
    print(
        f"\nwall time, {len(pages)} pages, {args.workers} in flight, best of {args.rounds}: "
        f"pipeline {pipeline_seconds:.1f} s, bare tesseract {bare_seconds:.1f} s, "
        f"ratio {pipeline_seconds / bare_seconds:.2f} (target <= 1.00)"
    )
    print(
        f"CPU time (this process and its tesseract runs): pipeline {pipeline_cpu:.1f} s, "
        f"bare tesseract {bare_cpu:.1f} s, ratio {pipeline_cpu / bare_cpu:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
