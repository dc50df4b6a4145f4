"""A self-contained HTML report: positioning map, sortable table, per-product factor breakdowns.

No external assets: it opens offline. The benchmark catalog is drawn faintly behind the portfolio."""

import html
import sys
from pathlib import Path

import requests

BAND_COLOURS = {"low": "#2e9d5b", "medium": "#e0a106", "high": "#d43d3d"}
SIZE, PAD = 640, 48


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
    for point in catalog:
        x, y = _xy(point["x"], point["y"])
        label = html.escape(f"{point['name']} (benchmark, {point['verdict'] or 'no verdict'})")
        parts.append(f'<circle class="benchmark" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#888" fill-opacity="0.25">'
                     f'<title>{label}</title></circle>')
    scored = [r for r in records if r["status"] == "scored"]
    risk_order = {"low": 0, "medium": 1, "high": 2}
    for rec in sorted(scored, key=lambda r: risk_order.get(r["compliance_band"], 0)):
        x, y = _xy(float(rec["differentiation"]), float(rec["homogeneity_risk"]))
        colour = BAND_COLOURS.get(rec["compliance_band"], "#555")
        name = html.escape(rec["name"] or rec["row_id"])
        parts.append(f'<circle class="product" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" stroke="#222">'
                     f'<title>{name}: differentiation {rec["differentiation"]}, homogeneity {rec["homogeneity_risk"]}, '
                     f'compliance {rec["compliance_risk"]} ({rec["compliance_band"]})</title></circle>')
        if len(scored) <= 60:
            parts.append(f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" font-size="11">{name}</text>')
    parts.append("</svg>")
    return "".join(parts)


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


def write_report(path: Path, records: list[dict], client) -> None:
    try:
        catalog = catalog_points(client)
    except requests.RequestException as exc:
        print(f"diffscore-batch: benchmark catalog not drawn ({exc.__class__.__name__})", file=sys.stderr)
        catalog = []
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
<h2>Products</h2><p>Click a column heading to sort.</p>
{table(records)}
<h2>Factor breakdowns</h2>
{breakdowns(records)}
<script>{SORT_SCRIPT}</script>
</body></html>
"""
    path.write_text(document, encoding="utf-8")
