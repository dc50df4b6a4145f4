"""Draws cost against catalog size as an SVG from the in-process benchmark's JSON line (no plotting
library: a few lines of SVG).

    .venv/bin/python -m scripts.bench.inprocess | .venv/bin/python -m scripts.bench.plot docs/cost-vs-catalog.svg
"""

import json
import math
import sys
from pathlib import Path

WIDTH, HEIGHT, MARGIN = 640, 360, 60
SERIES = (("p50_ms", "full report"), ("no_recs_p50_ms", "without recommendations"))
COLOURS = {"vertical insurtech": "#1f77b4", "look-alike credit": "#d62728", "500 distinct realistic": "#2ca02c"}


def svg(rows: list[dict]) -> str:
    sizes = sorted({r["catalog"] for r in rows})
    top = max(r[key] for r in rows for key, _ in SERIES) * 1.1
    low, high = math.log10(min(sizes)), math.log10(max(sizes))

    def x(size):
        return MARGIN + (math.log10(size) - low) / (high - low or 1) * (WIDTH - 2 * MARGIN)

    def y(ms):
        return HEIGHT - MARGIN - ms / top * (HEIGHT - 2 * MARGIN)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" '
             f'font-size="11"><rect width="100%" height="100%" fill="white"/>',
             f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" y2="{HEIGHT - MARGIN}" stroke="black"/>',
             f'<line x1="{MARGIN}" y1="{MARGIN}" x2="{MARGIN}" y2="{HEIGHT - MARGIN}" stroke="black"/>',
             f'<text x="{WIDTH / 2}" y="{HEIGHT - 15}" text-anchor="middle">catalog size (products, log scale)</text>',
             f'<text x="15" y="{HEIGHT / 2}" transform="rotate(-90 15 {HEIGHT / 2})" text-anchor="middle">'
             'p50 ms per report (in-process)</text>']
    for size in sizes:
        parts.append(f'<text x="{x(size):.1f}" y="{HEIGHT - MARGIN + 15}" text-anchor="middle">{size:,}</text>')
    for tick in range(0, int(top) + 1, max(1, int(top) // 5)):
        parts.append(f'<text x="{MARGIN - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    legend = 0
    for profile, colour in COLOURS.items():
        for key, label in SERIES:
            points = sorted((r["catalog"], r[key]) for r in rows if r["profile"] == profile)
            dash = "" if key == "p50_ms" else ' stroke-dasharray="5,4"'
            path = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            parts.append(f'<text x="{MARGIN + 10}" y="{MARGIN + 14 * legend}" fill="{colour}">{profile}, {label}'
                         f'{" (dashed)" if dash else ""}</text>')
            legend += 1
    return "\n".join(parts + ["</svg>"]) + "\n"


def main() -> None:
    lines = [json.loads(line[5:]) for line in sys.stdin if line.startswith("JSON ")]
    rows = next(b["rows"] for b in lines if b["benchmark"].startswith("in-process full ScoreReport"))
    Path(sys.argv[1]).write_text(svg(rows), encoding="utf-8")


if __name__ == "__main__":
    main()
