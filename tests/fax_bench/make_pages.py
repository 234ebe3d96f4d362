"""Deterministic fax pages from known text: real DejaVu fonts, fine and normal mode, degraded.

    .venv/bin/python -m tests.fax_bench.make_pages OUT_DIR [COUNT]

Each page is a one-page Group 4 TIFF (`NN-fine.tif` / `NN-normal.tif`) beside its truth
text (`NN-fine.txt`). Degradations, chosen per page from a seeded generator: skew of
0.5 to 2 degrees either way, salt-and-pepper speckle, thickened (min filter) or broken
(max filter plus dropped scan lines) strokes, and on some pages a stamp or
handwriting-like marks (ink with no text in the truth).
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ("DejaVuSans.ttf", "DejaVuSerif.ttf")
PAGE_PX = (2550, 3300)
"""US letter at 300 dpi, the resolution pages are drawn at before faxing."""
FINE = (204, 196)
NORMAL = (204, 98)

_VOCABULARY = (
    "the agency requests delegation authority for replacement of its telephone system at "
    "headquarters and regional offices including voice mail call center routing analog "
    "ports elevator lines emergency phones and network equipment under the contract with "
    "a timeframe of twelve months staff will manage the project while the vendor installs "
    "and maintains the equipment our department has reviewed the policy and confirms that "
    "the service is not available from the statewide program adverse consequences include "
    "outages delays and loss of public safety communication please contact the chief "
    "information officer for questions about this request budget approval was received"
)
_WORDS = tuple(_VOCABULARY.split())
_LABELS = (
    "Agency",
    "Contact",
    "Phone",
    "Fax",
    "Email",
    "Project",
    "Location",
    "Date",
    "Timeframe",
    "Estimated cost",
    "Reference",
)
_PLACES = ("Sacramento", "Fresno", "Redding", "Oakland", "San Diego", "Riverside", "Eureka")


@dataclass(frozen=True)
class FaxPage:
    """One benchmark page: the fax image and the text drawn on it."""

    name: str
    mode: str
    """"fine" (204x196) or "normal" (204x98)."""
    image: Image.Image
    truth: str
    skew: float
    """Degrees the page was rotated by (counter-clockwise positive)."""
    marks: str
    """What was added besides text: "", "stamp" or "handwriting"."""
    strokes: str
    """"normal", "thick" or "broken"."""


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 14))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), f"{rng.randint(2, 48)}")
    if rng.random() < 0.2:
        words.insert(rng.randrange(1, len(words)), rng.choice(_PLACES))
    return " ".join(words) + rng.choice(".....,;:?")


def _value(label: str, rng: random.Random) -> str:
    if label in ("Phone", "Fax"):
        return f"({rng.randint(200, 989)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}"
    if label == "Email":
        first, last = (
            rng.choice(("jane", "omar", "li", "maria")),
            rng.choice(("doe", "chen", "ruiz")),
        )
        return f"{first}.{last}@{rng.choice(('water', 'dgs', 'parks', 'chp'))}.ca.gov"
    if label == "Date":
        return f"{rng.choice(('March', 'July', 'November'))} {rng.randint(1, 28)}, 20{rng.randint(24, 27)}"
    if label == "Estimated cost":
        return f"${rng.randint(10, 999)},{rng.randint(0, 999):03d}"
    if label == "Reference":
        return f"STMM 3-502.{rng.randint(0, 9)} item {rng.randint(1, 40)}"
    return " ".join(rng.choice(_WORDS).capitalize() for _ in range(rng.randint(2, 4)))


def _lines(rng: random.Random, font: ImageFont.FreeTypeFont, width: int, count: int) -> list[str]:
    """Text lines for one page: a few labelled lines, then wrapped paragraphs."""
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    lines = [f"{label}: {_value(label, rng)}" for label in rng.sample(_LABELS, rng.randint(3, 6))]
    lines.append("")
    while len(lines) < count:
        line = ""
        for sentence in (_sentence(rng) for _ in range(rng.randint(2, 5))):
            for word in sentence.split():
                trial = f"{line} {word}".strip()
                if line and draw.textlength(trial, font=font) > width:
                    lines.append(line)
                    line = word
                else:
                    line = trial
        lines.extend([line, ""])
    return lines[:count]


def _stamp(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    """A round received-stamp with no legible text, in the top right margin."""
    cx, cy, r = rng.randint(1950, 2250), rng.randint(150, 260), rng.randint(90, 130)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=0, width=7)
    draw.ellipse((cx - r + 22, cy - r + 22, cx + r - 22, cy + r - 22), outline=0, width=3)
    for k in range(-2, 3):
        draw.line((cx - r + 40, cy + 18 * k, cx + r - 40, cy + 18 * k + 6), fill=0, width=5)


def _scribble(draw: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int, length: int) -> None:
    """A smooth looping pen stroke, like a signature or initials."""
    points = []
    phase = rng.uniform(0, math.tau)
    for i in range(length // 3):
        t = i * 3
        points.append((x + t, y + 28 * math.sin(t / 23 + phase) + 14 * math.sin(t / 7)))
    draw.line(points, fill=0, width=rng.randint(3, 6), joint="curve")


def render(
    rng: random.Random, font_name: str, header: str
) -> tuple[Image.Image, str, ImageDraw.ImageDraw]:
    """A 300 dpi grayscale letter page and its truth text."""
    page = Image.new("L", PAGE_PX, 255)
    draw = ImageDraw.Draw(page)
    size = rng.choice((42, 46, 50))  # 10 to 12 pt
    font = ImageFont.truetype(str(FONT_DIR / font_name), size)
    mono = ImageFont.truetype(str(FONT_DIR / "DejaVuSansMono.ttf"), 34)
    draw.text((150, 70), header, font=mono, fill=0)
    step = round(size * 1.45)
    count = (PAGE_PX[1] - 300 - 420) // step
    lines = _lines(rng, font, PAGE_PX[0] - 600, count)
    for i, line in enumerate(lines):
        draw.text((300, 300 + step * i), line, font=font, fill=0)
    truth = "\n".join([header, *(line for line in lines if line)])
    return page, truth, draw


def to_fax(
    page: Image.Image, dpi: tuple[int, int], rng: random.Random, strokes: str
) -> tuple[Image.Image, float]:
    """Degrade a 300 dpi page into a bilevel fax image at `dpi`; returns it and its skew."""
    if strokes == "thick":
        page = page.filter(ImageFilter.MinFilter(3))
    elif strokes == "broken":
        # Half-way to a max filter: thin strokes turn gray and break up at the threshold.
        page = Image.blend(page, page.filter(ImageFilter.MaxFilter(3)), 0.6)
    # The paper is skewed, then scanned: rotate first, at square 300 dpi pixels.
    skew = rng.uniform(0.5, 2.0) * rng.choice((-1, 1))
    page = page.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    size = (round(page.width * dpi[0] / 300), round(page.height * dpi[1] / 300))
    image = page.resize(size, Image.Resampling.LANCZOS)
    threshold = rng.randint(130, 170)
    image = image.point(lambda v: 255 if v > threshold else 0).convert("1")
    pixels = image.load()
    width, height = image.size
    if strokes == "broken":
        for _ in range(height // 60):  # scan lines lost in transmission
            y = rng.randrange(height)
            for x in range(width):
                pixels[x, y] = 1
    for _ in range(int(width * height * rng.uniform(0.0003, 0.0009))):
        pixels[rng.randrange(width), rng.randrange(height)] = 0
    for _ in range(int(width * height * 0.0002)):
        pixels[rng.randrange(width), rng.randrange(height)] = 1
    image.info["dpi"] = dpi
    return image, skew


def make_page(number: int, mode: str) -> FaxPage:
    """Page `number` in `mode`, the same every run."""
    rng = random.Random(f"fax-bench-{number}-{mode}")
    dpi = FINE if mode == "fine" else NORMAL
    sender = f"916 555 {rng.randint(1000, 9999)}"
    header = f"NOV-{rng.randint(10, 28)}-2026 {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d} FROM: {sender} TO: 19164639920 P.{number % 7 + 1:03d}"
    page, truth, draw = render(rng, FONTS[number % 2], header)
    marks = ("", "", "stamp", "handwriting")[number % 4]
    if marks == "stamp":
        _stamp(draw, rng)
    elif marks == "handwriting":
        _scribble(draw, rng, 300, PAGE_PX[1] - 260, rng.randint(500, 900))
        _scribble(draw, rng, 2000, PAGE_PX[1] - 240, rng.randint(200, 300))
    strokes = ("normal", "thick", "normal", "broken", "normal")[number % 5]
    image, skew = to_fax(page, dpi, rng, strokes)
    return FaxPage(f"{number:02d}-{mode}", mode, image, truth, skew, marks, strokes)


def make_pages(count: int = 24) -> list[FaxPage]:
    """`count` pages in each mode (the benchmark's default: 24 fine and 24 normal)."""
    return [make_page(n, mode) for mode in ("fine", "normal") for n in range(1, count + 1)]


def save(page: FaxPage, folder: Path) -> Path:
    """Write the page as a one-page G4 TIFF with its x/y resolution, and its truth text."""
    path = folder / f"{page.name}.tif"
    page.image.save(path, "TIFF", compression="group4", dpi=page.image.info["dpi"])
    path.with_suffix(".txt").write_text(page.truth + "\n", encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    for page in make_pages(int(argv[1]) if len(argv) > 1 else 24):
        save(page, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
