"""Shared fixtures: page images and faxes rendered with a real TrueType font."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTER = (
    "CALNET Delegation Request",
    "Agency: Department of Water Resources",
    "Project: replace the PBX at Sacramento headquarters",
    "Timeframe: July 2025 through June 2026",
    "Contact: jane.doe@water.ca.gov 916-555-0142",
)
"""Lines of a short request; tests look for its distinctive words."""


def _text_image(
    lines: Sequence[str] = LETTER, inches: tuple[float, float] = (8.5, 5.5)
) -> Image.Image:
    """Lines of 40 px DejaVu Sans on a white 300 dpi grayscale page."""
    page = Image.new("L", (round(inches[0] * 300), round(inches[1] * 300)), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(lines):
        draw.text((150, 150 + 80 * i), line, font=font, fill=0)
    page.info["dpi"] = (300, 300)
    return page


def _fax_image(
    lines: Sequence[str] = LETTER,
    dpi: tuple[int, int] = (204, 196),
    inches: tuple[float, float] = (8.5, 5.5),
    seed: int = 1,
) -> Image.Image:
    """A bilevel fax page: the 300 dpi page resized to fax resolution, thresholded, speckled."""
    page = _text_image(lines, inches)
    size = (round(page.width * dpi[0] / 300), round(page.height * dpi[1] / 300))
    fax = page.resize(size, Image.Resampling.LANCZOS).point(lambda v: 255 if v > 140 else 0)
    fax = fax.convert("1")
    rng = random.Random(seed)
    pixels = fax.load()
    for _ in range(fax.width * fax.height // 2000):
        pixels[rng.randrange(fax.width), rng.randrange(fax.height)] = 0
    fax.info["dpi"] = dpi
    return fax


@pytest.fixture
def text_image() -> Callable[..., Image.Image]:
    """Factory: `text_image(lines=LETTER, inches=(8.5, 5.5))` -> 300 dpi "L" page."""
    return _text_image


@pytest.fixture
def fax_image() -> Callable[..., Image.Image]:
    """Factory: `fax_image(lines=LETTER, dpi=(204, 196), inches=..., seed=1)` -> mode "1" page."""
    return _fax_image
