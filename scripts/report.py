"""A self-contained HTML report: positioning map, sortable table, per-product factor breakdowns.

No external assets: it opens offline. The benchmark catalog is drawn faintly behind the portfolio."""

import html
import sys
from pathlib import Path

import requests

from scripts.map_labels import LINE_EM, Box, place, text_box, text_width

BAND_COLOURS = {"low": "#2e9d5b", "medium": "#e0a106", "high": "#d43d3d"}
SIZE, PAD = 640, 48
LABEL_SIZE, CAPTION_SIZE, CAPTION_INSET, DOT_RADIUS = 11, 10.5, 6, 6
# The quadrants split both 0-100 scales in the middle; captions sit in each quadrant's outer corner.
MIDPOINT = 50
QUADRANTS = (  # (left or right, top or bottom, English, Chinese)
    ("left", "top", "Me-too: crowded, little to set it apart", "同质化：赛道拥挤、差异不足"),
    ("right", "top", "Distinctive in a crowded field", "有差异，但赛道拥挤"),
    ("left", "bottom", "Open field, little to set it apart", "赛道开阔，但差异不足"),
    ("right", "bottom", "Distinctive in an open field", "差异化领先，赛道开阔"),
)


def catalog_points(client) -> list[dict]:
    """The report's benchmark products, scored by the same service, for the faint background."""
    products, page = [], 1
    while True:
        listing = client.get("/v1/benchmarks", page=page, page_size=100)
        products += listing["items"]
        if len(products) >= listing["total"]:
            break
        page += 1
    items = [{**p["profile"], "name": p["name_en"]} for p in products]
    response = client.session().post(f"{client.base_url}/v1/scores/batch", json={"items": items},
                                     timeout=client.timeout)
    response.raise_for_status()
    return [{"name": p["name_en"], "verdict": p["verdict"] or "",
             "x": r["result"]["differentiation"]["score"], "y": r["result"]["homogeneity_risk"]["score"]}
            for p, r in zip(products, response.json()["results"]) if r["status"] == 200]


def _xy(x: float, y: float) -> tuple[float, float]:
    span = SIZE - 2 * PAD
    return PAD + x / 100 * span, SIZE - PAD - y / 100 * span


def positioning_map(records: list[dict], catalog: list[dict]) -> str:
    parts = [f'<svg viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" '
             'aria-label="Positioning map: differentiation against homogeneity risk">',
             f'<rect x="{PAD}" y="{PAD}" width="{SIZE - 2 * PAD}" height="{SIZE - 2 * PAD}" fill="#fafafa" stroke="#999"/>']
    for tick in range(0, 101, 25):
        x, _ = _xy(tick, 0)
        _, y = _xy(0, tick)
        parts.append(f'<line x1="{x}" y1="{PAD}" x2="{x}" y2="{SIZE - PAD}" stroke="#e5e5e5"/>'
                     f'<line x1="{PAD}" y1="{y}" x2="{SIZE - PAD}" y2="{y}" stroke="#e5e5e5"/>'
                     f'<text x="{x}" y="{SIZE - PAD + 16}" text-anchor="middle" font-size="11">{tick}</text>'
                     f'<text x="{PAD - 8}" y="{y + 4}" text-anchor="end" font-size="11">{tick}</text>')
    parts.append(f'<text x="{SIZE / 2}" y="{SIZE - 8}" text-anchor="middle" font-size="13">Differentiation →</text>'
                 f'<text x="14" y="{SIZE / 2}" text-anchor="middle" font-size="13" '
                 f'transform="rotate(-90 14 {SIZE / 2})">Homogeneity risk →</text>')
    parts += _quadrants()
    for point in catalog:
        x, y = _xy(point["x"], point["y"])
        label = html.escape(f"{point['name']} (benchmark, {point['verdict'] or 'no verdict'})")
        parts.append(f'<circle class="benchmark" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#888" fill-opacity="0.25">'
                     f'<title>{label}</title></circle>')
    scored = [r for r in records if r["status"] == "scored"]
    risk_order = {"low": 0, "medium": 1, "high": 2}
    scored.sort(key=lambda r: risk_order.get(r["compliance_band"], 0))
    points = [(*_xy(float(r["differentiation"]), float(r["homogeneity_risk"])), r["name"] or r["row_id"])
              for r in scored]
    leaders, labels = _labels(points) if len(scored) <= 60 else ([], [])
    parts += leaders
    for rec, (x, y, text) in zip(scored, points):
        colour = BAND_COLOURS.get(rec["compliance_band"], "#555")
        parts.append(f'<circle class="product" cx="{x:.1f}" cy="{y:.1f}" r="{DOT_RADIUS}" fill="{colour}" '
                     f'stroke="#222"><title>{html.escape(text)}: differentiation {rec["differentiation"]}, '
                     f'homogeneity {rec["homogeneity_risk"]}, compliance {rec["compliance_risk"]} '
                     f'({rec["compliance_band"]})</title></circle>')
    parts += labels
    parts.append("</svg>")
    return "".join(parts)


def _caption_lines():
    """Each quadrant caption as (x, y, anchor, text) lines: English, then Chinese below it."""
    line = CAPTION_SIZE * LINE_EM
    for side, edge, english, chinese in QUADRANTS:
        x, anchor = (PAD + CAPTION_INSET, "start") if side == "left" else (SIZE - PAD - CAPTION_INSET, "end")
        first = PAD + line if edge == "top" else SIZE - PAD - line - CAPTION_INSET
        yield from ((x, first, anchor, english), (x, first + line, anchor, chinese))


def _caption_boxes() -> tuple[Box, ...]:
    return tuple(text_box(x, y, anchor, text_width(text, CAPTION_SIZE), CAPTION_SIZE)
                 for x, y, anchor, text in _caption_lines())


def _quadrants() -> list[str]:
    x, _ = _xy(MIDPOINT, 0)
    _, y = _xy(0, MIDPOINT)
    parts = [f'<line x1="{x}" y1="{PAD}" x2="{x}" y2="{SIZE - PAD}" stroke="#bbb" stroke-dasharray="4 3"/>'
             f'<line x1="{PAD}" y1="{y}" x2="{SIZE - PAD}" y2="{y}" stroke="#bbb" stroke-dasharray="4 3"/>']
    parts += [f'<text class="quadrant" x="{x}" y="{y}" text-anchor="{anchor}" font-size="{CAPTION_SIZE}" '
              f'fill="#777">{html.escape(text)}</text>' for x, y, anchor, text in _caption_lines()]
    return parts


def _labels(points: list[tuple[float, float, str]]) -> tuple[list[str], list[str]]:
    """Product names placed so that none overprints another (see scripts/map_labels.py), and the leader
    lines of those set apart from their dot (drawn first, under the dots)."""
    plot = Box(PAD, PAD, SIZE - PAD, SIZE - PAD)
    leaders, texts = [], []
    for (x, y, text), label in zip(points, place(points, plot, LABEL_SIZE, DOT_RADIUS, _caption_boxes())):
        if label.leader:
            leaders.append(f'<line class="leader" x1="{x:.1f}" y1="{y:.1f}" x2="{label.leader[0]:.1f}" '
                           f'y2="{label.leader[1]:.1f}" stroke="#999" stroke-width="0.75"/>')
        texts.append(f'<text class="label" x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="{label.anchor}" '
                     f'font-size="{LABEL_SIZE}">{html.escape(text)}</text>')
    return leaders, texts


def table(records: list[dict]) -> str:
    columns = ("row_id", "name", "status", "differentiation", "homogeneity_risk", "crowding",
               "compliance_risk", "compliance_band", "top_recommendation", "error")
    head = "".join(f'<th data-col="{i}">{html.escape(c)}</th>' for i, c in enumerate(columns))
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(rec.get(c)))}</td>" for c in columns) + "</tr>"
                   for rec in records)
    return f'<table id="products"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(value) -> str:
    return "" if value is None else str(value)


def breakdowns(records: list[dict]) -> str:
    parts = []
    for rec in records:
        factors = rec.get("factors")
        if rec["status"] != "scored" or not factors:
            continue
        sections = []
        for score in ("differentiation", "homogeneity_risk", "compliance_risk"):
            rows = "".join(f"<tr><td>{html.escape(code)}</td><td>{html.escape(label)}</td>"
                           f"<td class=\"num\">{contribution:+.2f}</td></tr>" for code, label, contribution in factors[score])
            sections.append(f"<h4>{score.replace('_', ' ')}: {rec[score]}</h4><table>{rows}</table>")
        parts.append(f"<details><summary>{html.escape(rec['name'] or rec['row_id'])}</summary>{''.join(sections)}</details>")
    return "".join(parts)


SORT_SCRIPT = """
document.querySelectorAll('#products th').forEach(function (th) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0], col = +th.dataset.col, asc = th.dataset.asc !== 'true';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].textContent, y = b.cells[col].textContent, nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    th.dataset.asc = asc;
  });
});
"""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
th { background: #f0f0f0; cursor: pointer; }
td.num { text-align: right; }
.legend span { display: inline-block; margin-right: 16px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
"""


WHITE_SPACE_CELLS = 5  # per market: the unoccupied cells closest to the portfolio's first product there


def white_space(profiles: list[dict], client) -> list[dict]:
    """Each market of the portfolio once: the coherent cells no benchmark occupies (POST /v1/white-space),
    closest to the first product of that market."""
    markets, seen = [], set()
    for profile in profiles:
        response = client.session().post(f"{client.base_url}/v1/white-space", json=profile, timeout=client.timeout)
        if response.status_code != 200:
            continue
        body = response.json()
        if body["domain"] not in seen:
            seen.add(body["domain"])
            markets.append({"domain": body["domain"], "product": profile.get("name", ""),
                            "cells": body["cells"][:WHITE_SPACE_CELLS]})
    return markets


def white_space_table(markets: list[dict]) -> str:
    if not markets:
        return "<p>No white space: every coherent cell of these markets is occupied, or none was asked.</p>"

    def term(ref):
        return html.escape(f"{ref['label_en']} / {ref['label_zh']}")

    rows = []
    for market in markets:
        for cell in market["cells"]:
            nearest = cell.get("nearest") or {}
            rows.append(f"<tr><td>{html.escape(market['domain'])}</td><td>{html.escape(market['product'])}</td>"
                        f"<td>{term(cell['technology'])}</td><td>{term(cell['scenario'])}</td>"
                        f"<td>{term(cell['segment'])}</td><td>{cell['fit']:.2f}</td>"
                        f"<td>{html.escape(', '.join(nearest.get('benchmarks', [])))}</td></tr>")
    return ("<table class=\"white-space\"><thead><tr><th>market</th><th>closest to</th><th>technology</th>"
            "<th>scenario</th><th>segment</th><th>fit</th><th>nearest occupied cell (benchmarks)</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def write_report(path: Path, records: list[dict], client, profiles: list[dict] = ()) -> None:
    try:
        catalog = catalog_points(client)
        markets = white_space(list(profiles), client) if profiles else []
    except requests.RequestException as exc:
        print(f"diffscore-batch: benchmark catalog not drawn ({exc.__class__.__name__})", file=sys.stderr)
        catalog, markets = [], []
    scored = sum(1 for r in records if r["status"] == "scored")
    legend = "".join(f'<span><i class="dot" style="background:{c}"></i>compliance risk {b}</span>'
                     for b, c in BAND_COLOURS.items())
    document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Portfolio positioning</title><style>{STYLE}</style></head>
<body>
<h1>Portfolio positioning</h1>
<p>{scored} of {len(records)} products scored. Benchmark products from the report are drawn faintly.</p>
<div class="legend">{legend}<span><i class="dot" style="background:#888;opacity:.3"></i>benchmark</span></div>
{positioning_map(records, catalog)}
<h2>White space</h2><p>Technology x scenario x segment cells of each market that fit together and that no
benchmark product occupies (report 7.1.3: depth in a vertical), with the occupied cell nearest to each.</p>
{white_space_table(markets)}
<h2>Products</h2><p>Click a column heading to sort.</p>
{table(records)}
<h2>Factor breakdowns</h2>
{breakdowns(records)}
<script>{SORT_SCRIPT}</script>
</body></html>
"""
    path.write_text(document, encoding="utf-8")
