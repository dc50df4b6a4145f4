"""diffscore-batch output for people who open it in Excel and read the HTML map: a CSV with a UTF-8
BOM (resumable all the same), the run's summary in a file next to the output, and map labels that do
not overprint each other, with quadrant captions in English and Chinese."""

import csv
import itertools
import json
import re
import shutil
import sys
import threading
from pathlib import Path

import pytest
from flask import request
from werkzeug.serving import make_server

from scripts.batch_io import OutputFile, summary_path
from scripts.map_labels import Box, place, text_box, text_width
from scripts.report import CAPTION_SIZE, DOT_RADIUS, LABEL_SIZE, PAD, QUADRANTS, SIZE, positioning_map
from service import create_app
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "scripts" / "examples"
BOM = b"\xef\xbb\xbf"
BATCH_SECONDS = 300
BROWSER_SECONDS = 120


@pytest.fixture(scope="module")
def service(report_data):
    """The real app on a loopback port in this process, counting the profiles sent to the batch endpoint."""
    app = create_app(Settings(), report_data)
    sent = []

    @app.before_request
    def count_items():
        if request.path == "/v1/scores/batch":
            sent.append(len(request.get_json(silent=True)["items"]))

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", sent
    server.shutdown()
    thread.join(timeout=10)


def batch(servers, input_path, output_path, base_url) -> int:
    """diffscore-batch run to its end (tests/servers.py stops it, and whatever it started, on every path)."""
    status, _ = servers.run([sys.executable, "-m", "scripts.batch_score", input_path, "-o", output_path,
                             "--base-url", base_url, "--quiet"], "diffscore-batch", BATCH_SECONDS)
    return status


def test_csv_output_starts_with_one_bom_and_keeps_chinese_names(tmp_path, servers, service):
    output = tmp_path / "scored.csv"
    assert batch(servers, EXAMPLES / "portfolio.csv", output, service[0]) == 1  # the examples hold bad rows
    data = output.read_bytes()
    assert data.startswith(BOM) and data.count(BOM) == 1
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert list(rows[0])[0] == "row_id"
    assert "宠物健康险" in {r["name"] for r in rows}


def test_appending_never_repeats_the_bom_and_jsonl_has_none(tmp_path):
    csv_output, jsonl_output = OutputFile(tmp_path / "a.csv"), OutputFile(tmp_path / "a.jsonl")
    record = {"row_id": "r1", "status": "scored", "name": "充电安心"}
    for output in (csv_output, jsonl_output):
        output.rewrite([record])
        output.append([{**record, "row_id": "r2"}])
        output.close()
    assert (tmp_path / "a.csv").read_bytes().count(BOM) == 1
    assert not (tmp_path / "a.jsonl").read_bytes().startswith(BOM)
    assert [r["row_id"] for r in csv_output.read()] == ["r1", "r2"]


def test_resume_reads_a_bom_output_and_scores_only_what_is_left(tmp_path, servers, service):
    base, sent = service
    output = tmp_path / "scored.csv"
    batch(servers, EXAMPLES / "portfolio.csv", output, base)
    complete = output.read_bytes()
    lines = complete.decode("utf-8-sig").splitlines(keepends=True)
    output.write_bytes(BOM + "".join(lines[:3]).encode())  # header and two rows, as an interrupted run leaves it
    before = sum(sent)
    rerun = batch(servers, EXAMPLES / "portfolio.csv", output, base)
    rows = list(csv.DictReader(complete.decode("utf-8-sig").splitlines()))
    resumable = [r for r in rows if r["status"] in ("scored", "rejected")]  # invalid rows are never sent
    assert rerun == 1
    assert sum(sent) - before == len(resumable) - 2
    assert output.read_bytes().count(BOM) == 1
    assert [r["row_id"] for r in OutputFile(output).read()] == [r["row_id"] for r in rows]


def test_summary_file_lists_the_outcome_and_every_problem_row(tmp_path, servers, service):
    output = tmp_path / "scored.csv"
    status = batch(servers, EXAMPLES / "portfolio.csv", output, service[0])
    summary = json.loads(summary_path(output).read_text(encoding="utf-8"))
    rows = OutputFile(output).read()
    assert summary_path(output).name == "scored.csv.summary.json"
    assert summary["exit_code"] == status == 1
    assert summary["rows"] == len(rows) and summary["scored"] == sum(r["status"] == "scored" for r in rows)
    assert summary["statuses"] == {s: sum(r["status"] == s for r in rows) for s in {r["status"] for r in rows}}
    problems = {p["row_id"]: p for p in summary["problems"]}
    assert set(problems) == {r["row_id"] for r in rows if r["status"] != "scored"}
    assert problems["p-007"]["status"] == "invalid" and "'maybe' is not true/false" in problems["p-007"]["error"]
    assert summary["benchmark_versions"] and summary["finished_at"].endswith("+00:00")


def crowded_records() -> list[dict]:
    """Eight variants at one point, four a hair apart, and a few elsewhere, Chinese and English names."""
    def record(i, x, y, name):
        return {"row_id": f"r{i}", "status": "scored", "name": name, "differentiation": x, "homogeneity_risk": y,
                "compliance_risk": 40, "compliance_band": "medium"}
    same = [record(i, 62.0, 48.0, name) for i, name in enumerate(
        ["充电安心新能源车险", "ChargeSafe NEV cover", "充电安心 Pro", "ChargeSafe fleet", "新能源车主综合保障",
         "NEV battery warranty", "电池衰减保险", "Charging downtime cover"])]
    near = [record(10 + i, 62.0 + dx, 48.0 + dy, f"Variant {i} 变体") for i, (dx, dy) in
            enumerate([(0.3, 0.2), (-0.4, 0.1), (0.2, -0.5), (0.6, 0.6)])]
    apart = [record(20 + i, x, y, name) for i, (x, y, name) in
             enumerate([(10, 90, "同质化现金贷"), (92, 8, "Pet health cover"), (30, 35, "小微企业供应链金融")])]
    return same + near + apart


ROUNDING = 0.1  # the SVG gives coordinates to a tenth of a pixel: boxes that touch may seem to overlap by that


def _label_boxes(svg: str) -> list[Box]:
    pattern = r'<text class="label" x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)" font-size="[\d.]+">([^<]*)</text>'
    boxes = [text_box(float(x), float(y), anchor, text_width(text, LABEL_SIZE), LABEL_SIZE)
             for x, y, anchor, text in re.findall(pattern, svg)]
    return [Box(b.left + ROUNDING, b.top + ROUNDING, b.right - ROUNDING, b.bottom - ROUNDING) for b in boxes]


def test_labels_of_products_at_one_point_do_not_overprint():
    records = crowded_records()
    svg = positioning_map(records, [])
    boxes = _label_boxes(svg)
    dots = [Box(float(x) - DOT_RADIUS, float(y) - DOT_RADIUS, float(x) + DOT_RADIUS, float(y) + DOT_RADIUS)
            for x, y in re.findall(r'<circle class="product" cx="([\d.]+)" cy="([\d.]+)"', svg)]
    plot = Box(PAD, PAD, SIZE - PAD, SIZE - PAD)
    assert len(boxes) == len(records) == len(dots)
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    assert not [(a, d) for a in boxes for d in dots if a.overlaps(d)]
    assert all(b.within(plot) for b in boxes)
    assert svg.count('class="leader"') >= 6  # twelve names around one point: most sit in a column, led back


def test_placement_prefers_the_place_next_to_a_lone_dot():
    plot = Box(0, 0, 400, 400)
    (label,) = place([(100.0, 100.0, "Alone")], plot, LABEL_SIZE, DOT_RADIUS)
    assert label.anchor == "start" and label.leader is None and label.box.left > 100 + DOT_RADIUS


def test_quadrant_captions_in_english_and_chinese_keep_clear_of_labels():
    svg = positioning_map(crowded_records(), [])
    captions = re.findall(r'<text class="quadrant"[^>]*>([^<]*)</text>', svg)
    assert captions == [line for *_, english, chinese in QUADRANTS for line in (english, chinese)]
    assert all(re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii() for *_, english, chinese in QUADRANTS)
    pattern = r'<text class="quadrant" x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"[^>]*>([^<]*)</text>'
    caption_boxes = [text_box(float(x), float(y), a, text_width(t, CAPTION_SIZE), CAPTION_SIZE)
                     for x, y, a, t in re.findall(pattern, svg)]
    assert not [(a, c) for a in _label_boxes(svg) for c in caption_boxes if a.overlaps(c)]


MEASURE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body { font-family: system-ui, sans-serif; margin: 0 }</style></head><body>%s
<pre id="result"></pre><script>
var boxes = Array.prototype.map.call(document.querySelectorAll('text.label, text.quadrant'), function (t) {
  var b = t.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height, t.textContent]; });
var clashes = [];
for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
  var a = boxes[i], b = boxes[j];
  if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) clashes.push([a[4], b[4]]);
}
document.getElementById('result').textContent = JSON.stringify({labels: boxes.length, clashes: clashes});
</script></body></html>"""


def test_labels_do_not_overprint_as_chromium_lays_out_the_text(tmp_path, servers):
    """The same check with the glyph boxes a browser measures, not the estimate the placement uses."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (tests/integration/test_batch_script.py requires it in CI)")
    page = tmp_path / "map.html"
    page.write_text(MEASURE % positioning_map(crowded_records(), []), encoding="utf-8")
    status, dom = servers.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                               "--disable-component-update", "--disable-sync", "--no-first-run",
                               f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                              "chromium", BROWSER_SECONDS)
    assert status == 0, dom[-3000:]
    result = json.loads(re.search(r'<pre id="result">([^<]*)</pre>', dom).group(1).replace("&quot;", '"'))
    assert result["labels"] == len(crowded_records()) + 2 * len(QUADRANTS)
    assert result["clashes"] == []


def test_a_rate_cell_reaches_the_service_as_written():
    """'150%' must stay 150%: sent as the fraction 1.5 the API would read it as 1.5%."""
    from service.profile_rows import profile_from_cells

    sent = profile_from_cells({"name": "x", "domain": "lending", "compliance.max_apr": "150%"}, rates_as_written=True)
    assert sent["compliance"]["max_apr"] == "150%"
    assert profile_from_cells({"name": "x", "domain": "lending", "compliance.max_apr": "150%"})["compliance"][
        "max_apr"] == 1.5
