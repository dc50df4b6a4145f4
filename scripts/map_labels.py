"""Label placement for the report's positioning map: no label overprints another label, a product's
dot or a quadrant caption.

Products at the same or nearly the same point are common (variants of one idea score alike), so a
label first tries the four places next to its dot, then a column beside the dot, one line further out
each time, joined to the dot by a leader line; it takes the first place that is free and inside the
plot. Text sizes are estimated from the characters (see the proportions below); the estimate errs
large for the system sans-serif fonts the report asks for, which a test checks in Chromium."""

import unicodedata
from dataclasses import dataclass

# Proportions in ems. Widths: an East Asian wide character is a full em; capitals and other characters
# are given about what the wider Latin sans-serif faces need. Heights: the box a browser reports for a
# line (ascender and descender of the font, not the ink) is tallest with a CJK face such as Noto Sans
# CJK (1.16 + 0.29 em); stacked labels are that far apart, so not even their boxes touch.
WIDE_EM, CAPITAL_EM, NARROW_EM = 1.0, 0.75, 0.62
ASCENT_EM, DESCENT_EM = 1.16, 0.29
LINE_EM = ASCENT_EM + DESCENT_EM
# How many lines a stacked column may reach on either side of a dot before giving up on a free place.
MAX_STACK = 24


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "Box") -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom

    def within(self, other: "Box") -> bool:
        return other.left <= self.left and self.right <= other.right and other.top <= self.top and self.bottom <= other.bottom


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    anchor: str  # SVG text-anchor: start, end or middle
    box: Box
    leader: tuple[float, float] | None  # where a leader line from the dot ends, when the label is away from it


def text_width(text: str, font_size: float) -> float:
    return font_size * sum(WIDE_EM if unicodedata.east_asian_width(c) in "WF" else CAPITAL_EM if c.isupper()
                           else NARROW_EM for c in text)


def text_box(x: float, y: float, anchor: str, width: float, font_size: float) -> Box:
    """The box a line of text of this width covers, drawn at baseline (x, y) with this text-anchor."""
    left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    return Box(left, y - ASCENT_EM * font_size, left + width, y + DESCENT_EM * font_size)


def _candidates(x: float, y: float, width: float, font_size: float, gap: float):
    """(x, y, anchor, stacked) in order of preference: beside, above, below, then columns further out."""
    baseline = y + (ASCENT_EM - DESCENT_EM) / 2 * font_size  # vertically centred on the dot
    yield x + gap, baseline, "start", False
    yield x - gap, baseline, "end", False
    yield x, y - gap - DESCENT_EM * font_size, "middle", False
    yield x, y + gap + ASCENT_EM * font_size, "middle", False
    line = LINE_EM * font_size
    for step in range(1, MAX_STACK + 1):
        for direction in (1, -1):
            yield x + 2 * gap, baseline + direction * step * line, "start", True
            yield x - 2 * gap, baseline + direction * step * line, "end", True


def place(points: list[tuple[float, float, str]], bounds: Box, font_size: float, dot_radius: float,
          obstacles: tuple[Box, ...] = ()) -> list[Label]:
    """One label per (x, y, text) point, in SVG coordinates, none overlapping another label, any dot or
    an obstacle while a free place exists; otherwise the place with the fewest overlaps."""
    dots = [Box(x - dot_radius, y - dot_radius, x + dot_radius, y + dot_radius) for x, y, _ in points]
    taken = list(obstacles) + dots
    gap = dot_radius + font_size * DESCENT_EM
    labels = []
    for x, y, text in points:
        width = text_width(text, font_size)
        best, fewest = None, None
        for lx, ly, anchor, stacked in _candidates(x, y, width, font_size, gap):
            box = text_box(lx, ly, anchor, width, font_size)
            if not box.within(bounds):
                continue
            overlaps = sum(box.overlaps(other) for other in taken)
            if fewest is None or overlaps < fewest:
                leader = (box.left if anchor == "start" else box.right, (box.top + box.bottom) / 2) if stacked else None
                best, fewest = Label(lx, ly, anchor, box, leader), overlaps
                if overlaps == 0:
                    break
        if best is None:  # wider than the plot: next to the dot, clipped by the viewer
            lx, ly, anchor, _ = next(_candidates(x, y, width, font_size, gap))
            best = Label(lx, ly, anchor, text_box(lx, ly, anchor, width, font_size), None)
        taken.append(best.box)
        labels.append(best)
    return labels
