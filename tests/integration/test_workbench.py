"""The workbench page (/workbench) in a real headless Chromium over the DevTools protocol, against
gunicorn on a free port: each step of issue 23 in English and Chinese, with the page's strict
Content-Security-Policy in force and nothing fetched from outside. Screenshots of the main views go
to docs/ when WORKBENCH_SCREENSHOTS is set (scripts/bench/workbench_screens.py sets it)."""

import base64
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import requests

from tests.integration.test_swagger_ui import Page
from tests.servers import PROBE_SECONDS, ROOT, Servers, free_port, wait_until

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
SCREENSHOTS = os.environ.get("WORKBENCH_SCREENSHOTS")
README_PORT = 8000
LANGUAGES = ("en", "zh")
PROFILE = {"en": {"name": "ChargeSafe NEV cover", "domain": "insurtech", "tech_stack": "IoT, AI pricing",
                  "scenarios": "NEV charging", "target_segments": "NEV owners", "partners": "charging operators",
                  "compliance.licenses": "insurance agency licence", "compliance.data_sources": "telemetry"},
           "zh": {"name": "充电安心新能源车险", "domain": "保险科技", "tech_stack": "物联网、AI精准定价",
                  "scenarios": "新能源汽车", "target_segments": "新能源车主", "partners": "充电桩运营商",
                  "compliance.licenses": "保险代理牌照", "compliance.data_sources": "驾驶行为数据"}}


def chromium_command(devtools: int, profile_dir) -> list[str]:
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--hide-scrollbars", f"--user-data-dir={profile_dir}", f"--remote-debugging-port={devtools}",
            "--remote-debugging-address=127.0.0.1", "about:blank"]


def start_chromium(started: Servers, profile_dir) -> Page:
    """Chromium with one tab, driven over the DevTools protocol; stopped with `started`."""
    devtools = free_port()
    started.start(chromium_command(devtools, profile_dir), "chromium",
                  ready=lambda: requests.get(f"http://127.0.0.1:{devtools}/json/version", timeout=PROBE_SECONDS).ok,
                  errors=requests.RequestException)
    tabs = requests.get(f"http://127.0.0.1:{devtools}/json/list", timeout=PROBE_SECONDS).json()
    page = Page(next(t["webSocketDebuggerUrl"] for t in tabs if t["type"] == "page"))
    page.call("Page.enable")
    # Focus and blur as in a window the user is looking at (headless has none).
    page.call("Emulation.setFocusEmulationEnabled", enabled=True)
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    return page


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    with Servers() as started:
        server = started.gunicorn()
        assert server.port != README_PORT
        page = start_chromium(started, tmp_path_factory.mktemp("chromium"))
        try:
            yield server.url, page
        finally:
            page.close()


def js(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def open_page(page: Page, base: str, lang: str, query: str = "") -> None:
    page.open(f"{base}/workbench?lang={lang}{query}")
    page.wait_for("document.body && document.body.dataset.ready === 'true'", "the workbench starting")
    page.wait_for("window.WB.taxonomy !== null", "the taxonomy loading")


def type_into(page: Page, field: str, text: str) -> None:
    """Sets a box's value as typing does (an input event per value)."""
    page.evaluate(f"""(() => {{ const box = document.getElementById('f-' + {js(field)}.replace('.', '-'));
        box.focus(); box.value = {js(text)}; box.dispatchEvent(new Event('input', {{bubbles: true}})); }})()""")


def fill(page: Page, values: dict) -> None:
    page.evaluate("WB.fillForm({})")
    for field, text in values.items():
        type_into(page, field, text)


def score(page: Page) -> dict:
    page.evaluate("window.__scored = WB.answer; document.getElementById('score').click()")
    page.wait_for("WB.answer !== window.__scored && !document.getElementById('report').hidden", "the answer showing")
    return page.evaluate("JSON.parse(JSON.stringify(WB.answer))")


def text(page: Page, selector: str) -> str:
    return page.evaluate(f"(document.querySelector({js(selector)}) || {{innerText: ''}}).innerText")


def no_errors(page: Page, refused: bool = False) -> None:
    """No exception, no console error and no policy violation; `refused`: the service's 4xx answers
    the test asked for (Chromium logs each as a failed load) are expected."""
    bad = [line for line in page.console if line.startswith(("exception", "error")) or "Content Security Policy" in line]
    if refused:
        bad = [line for line in bad if "responded with a status of 4" not in line]
    assert not bad, page.console


def screenshot(page: Page, name: str, selector: str | None = None, first_screen: bool = False) -> None:
    """docs/workbench-NAME.png: the page (at most 2400 px tall), only the element `selector`, or
    the first screen (1280 x 900) as a visitor sees it."""
    if not SCREENSHOTS:
        return
    if first_screen:
        page.evaluate("window.scrollTo(0, 0)")
        shot = page.call("Page.captureScreenshot", format="png")
        (ROOT / "docs" / f"workbench-{name}.png").write_bytes(base64.b64decode(shot["data"]))
        return
    height = page.evaluate("document.documentElement.scrollHeight")
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=min(height, 2400) if selector is None else height,
              deviceScaleFactor=1, mobile=False)
    clip = None
    if selector:
        clip = page.evaluate(f"""(() => {{ const r = document.querySelector({js(selector)}).getBoundingClientRect();
            return {{x: r.x + scrollX - 8, y: r.y + scrollY - 8, width: r.width + 16, height: r.height + 16, scale: 1}}; }})()""")
    shot = page.call("Page.captureScreenshot", format="png", **({"clip": clip, "captureBeyondViewport": True} if clip else {}))
    (ROOT / "docs" / f"workbench-{name}.png").write_bytes(base64.b64decode(shot["data"]))
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)


def test_root_leads_to_the_workbench_under_its_policy(browser):
    base, _ = browser
    root = requests.get(base + "/", allow_redirects=False, timeout=PROBE_SECONDS * 5)
    assert root.status_code == 302 and root.headers["Location"].endswith("/workbench")
    page = requests.get(base + "/workbench", timeout=PROBE_SECONDS * 5)
    assert page.ok and "script-src 'self';" in page.headers["Content-Security-Policy"]
    assert "http" not in "".join(line for line in page.text.splitlines() if "src=" in line or "href=" in line
                                 if "/docs" not in line)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_profile_is_scored_read_and_explained(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    assert page.evaluate("document.documentElement.lang") == ("zh-Hans" if lang == "zh" else "en")
    fill(page, PROFILE[lang])
    answer = score(page)
    # How it was read: one chip per value sent, with its reading.
    chips = page.evaluate("document.querySelectorAll('#chips .chip').length")
    assert chips == len(answer["interpretation"]) > 5
    # Why each score: the three scores with their bands, and a waterfall that adds up to the score.
    for name in ("differentiation", "homogeneity_risk", "compliance_risk"):
        card = f"#score-{name}"
        assert text(page, card + " .score-value") == f"{answer[name]['score']:g}".rstrip(".0") or \
            float(text(page, card + " .score-value")) == pytest.approx(answer[name]["score"], abs=0.05)
        rows = page.evaluate(f"document.querySelectorAll('{card} .wf-row').length")
        assert rows == len(answer[name]["factors"]) + 2
        total = answer[name]["base"] + sum(f["contribution"] for f in answer[name]["factors"])
        assert min(100, max(0, total)) == pytest.approx(answer[name]["score"], abs=0.5)
    # The answer's own labels in the page's language; evidence on demand.
    factor = answer["differentiation"]["factors"][0]
    label = factor["label_zh" if lang == "zh" else "label_en"]
    assert label in text(page, "#score-differentiation")
    page.evaluate("document.querySelector('#score-differentiation details').open = true")
    assert factor["evidence"]["sections"][0] in text(page, "#score-differentiation details")
    screenshot(page, f"score-{lang}")
    screenshot(page, f"first-screen-{lang}", first_screen=True)
    no_errors(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bad_input_is_shown_on_its_field(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    fill(page, {"name": "", "domain": "insurtech"})
    page.evaluate("document.getElementById('score').click()")
    assert page.evaluate("document.getElementById('f-name').getAttribute('aria-invalid')") == "true"
    assert text(page, "#errors") != ""
    # The service's own refusal (a rate longer than any value it reads, even as words) lands on its box too.
    fill(page, {"name": "Bad rate", "domain": "lending", "compliance.max_apr": "lots " * 50})
    page.evaluate("document.getElementById('score').click()")
    page.wait_for("document.getElementById('f-compliance-max_apr').getAttribute('aria-invalid') === 'true'",
                  "the refusal showing on the APR box")
    assert "max_apr" in text(page, "#errors")
    no_errors(page, refused=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_term_is_accepted_from_its_suggestion(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    fill(page, {**PROFILE[lang], "tech_stack": "IoT, face recog"})
    answer = score(page)
    unknown = next(i for i in answer["interpretation"] if i["how"] == "not_recognised")
    assert unknown["field"] == "tech_stack[1]" and "face_recognition" in unknown["suggestions"]
    chip = f"#chips .chip.unknown[data-field='{unknown['field']}']"
    button = f"{chip} button.accept[data-code='face_recognition']"
    label = page.evaluate(f"document.querySelector({js(button)}).innerText")
    assert ("人脸" if lang == "zh" else "Face") in label
    page.evaluate(f"window.__scored = WB.answer; document.querySelector({js(button)}).click()")
    page.wait_for("WB.answer !== window.__scored", "the profile scored again")
    reading = page.evaluate("WB.answer.interpretation.find(i => i.field === 'tech_stack[1]')")
    assert reading["code"] == "face_recognition" and reading["how"] in ("exact", "synonym")
    assert page.evaluate("document.querySelectorAll('#chips .chip.unknown').length") == 0
    no_errors(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_blurb_fills_a_draft_and_the_taxonomy_suggests_as_you_type(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    page.evaluate("WB.fillForm({})")
    blurb = ("面向新能源车主的充电桩保险，利用物联网和AI精准定价，与充电桩运营商合作，需要保险代理牌照。" if lang == "zh" else
             "Charging-pile insurance for NEV owners, priced with IoT and AI pricing, sold with charging operators.")
    page.evaluate(f"document.getElementById('blurb-box').open = true; document.getElementById('blurb').value = {js(blurb)};"
                  f" document.getElementById('f-name').value = 'Draft'; document.getElementById('extract').click()")
    page.wait_for("document.getElementById('f-domain').value !== ''", "the draft filling the form")
    domain = page.evaluate("document.getElementById('f-domain').value")
    assert domain == ("保险科技" if lang == "zh" else "Insurance technology")
    assert page.evaluate("document.getElementById('f-tech_stack').value") != ""
    answer = score(page)
    assert answer["interpretation"][0]["code"] == "insurtech"
    # Suggestions as you type: the word being typed, after the terms already there.
    type_into(page, "tech_stack", "IoT, 区块" if lang == "zh" else "IoT, blockch")
    page.wait_for("!document.getElementById('f-tech_stack-suggest').hidden", "suggestions showing")
    options = page.evaluate("[...document.querySelectorAll('#f-tech_stack-suggest button')].map(b => b.dataset.code)")
    assert "blockchain" in options
    page.evaluate("document.querySelector('#f-tech_stack-suggest button[data-code=blockchain]').click()")
    value = page.evaluate("document.getElementById('f-tech_stack').value")
    assert value == ("IoT, 区块链" if lang == "zh" else "IoT, Blockchain"), value
    assert page.evaluate("document.getElementById('f-tech_stack-suggest').hidden")
    no_errors(page)


LOOKALIKE = {"name": "QuickCash", "domain": "lending", "tech_stack": "AI risk control",
             "business_model": "whitelist approval", "compliance.data_sources": "social data, contacts"}


def compared(page: Page, count: int) -> dict:
    page.wait_for(f"document.querySelectorAll('#variants thead th').length === {count}", f"{count} variants side by side")
    return page.evaluate("[...document.querySelectorAll('#variants thead th')].map(th => th.innerText)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_recommended_move_is_tried_and_variants_sit_side_by_side(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    fill(page, LOOKALIKE)
    answer = score(page)
    moves = answer["recommendations"]
    assert len(moves) >= 3 and page.evaluate("document.querySelectorAll('#change-list .move').length") == len(moves)
    first = moves[0]
    assert first["label_zh" if lang == "zh" else "label_en"] in text(page, "#change-list .move")
    # One click: the move tried through /v1/compare, before and after as measured.
    page.evaluate("document.querySelector('#change-list .move button.try').click()")
    compared(page, 2)
    after = page.evaluate("[...document.querySelectorAll('#before-after .ba li')].map(li => li.innerText)")
    variant = page.evaluate("WB.variants[0].edits[0]")
    assert variant == {"action": first["action"], "field": first["field"], "value": first["value"]}
    expected = requests.post(f"{base}/v1/compare", json={"base": page.evaluate("WB.sent"), "edits": [[variant]]},
                             timeout=30).json()["variants"][1]
    for line, name in zip(after, ("differentiation", "homogeneity_risk", "compliance_risk")):
        assert f"{expected[name]['score'] + 0.0:g}" in line, (line, expected[name])
    assert first["effect"]["compliance_risk"] == pytest.approx(expected["delta"]["compliance_risk"], abs=0.05)
    # Two more: the second move, then an edit of one's own; four columns, no fifth.
    page.evaluate("document.querySelectorAll('#change-list .move button.try')[1].click()")
    compared(page, 3)
    page.evaluate("""document.getElementById('own-edit').open = true; document.getElementById('edit-action').value = 'add';
        document.getElementById('edit-field').value = 'scenarios';
        document.getElementById('edit-value').value = '农业'; document.getElementById('add-variant').click()""")
    heads = compared(page, 4)
    assert ("农业" in heads[3]) or ("agri" in heads[3].lower())
    page.evaluate("document.querySelectorAll('#change-list .move button.try')[2].click()")
    page.wait_for("document.getElementById('variants-note').innerText !== ''", "the four-variant limit said")
    assert len(compared(page, 4)) == 4
    # A variant removed.
    page.evaluate("document.querySelector('#variants thead button.remove').click()")
    compared(page, 3)
    screenshot(page, f"whatif-{lang}", "#variants-block")
    no_errors(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_whole_state_travels_in_the_link(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    fill(page, LOOKALIKE)
    answer = score(page)
    page.evaluate("document.querySelector('#change-list .move button.try').click()")
    compared(page, 2)
    link = page.evaluate("location.href")
    assert "#s=" in link and "lang=" not in link
    state = page.evaluate("WB.decodeState(location.hash.slice(3))")
    assert state["p"]["name"] == "QuickCash" and state["l"] == lang and len(state["v"]) == 1
    # A cold open of the link (a blank page first) brings back the profile, its answer and the variant.
    page.open("about:blank")
    page.open(link)
    page.wait_for("document.body && document.body.dataset.ready === 'true'", "the workbench starting")
    page.wait_for("WB.answer !== null && document.querySelectorAll('#variants thead th').length === 2",
                  "the state restored from the link")
    assert page.evaluate("WB.lang") == lang
    assert page.evaluate("document.getElementById('f-name').value") == "QuickCash"
    restored = page.evaluate("JSON.parse(JSON.stringify(WB.answer))")
    for name in ("differentiation", "homogeneity_risk", "compliance_risk"):
        assert restored[name]["score"] == answer[name]["score"]
    no_errors(page)


def test_the_answer_downloads_as_json(browser, tmp_path):
    base, page = browser
    open_page(page, base, "en")
    fill(page, PROFILE["en"])
    answer = score(page)
    page.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path))
    page.evaluate("document.getElementById('download-json').click()")
    target = tmp_path / "ChargeSafe NEV cover.diffscore.json"
    wait_until(target.exists, "the JSON download", seconds=30)
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["differentiation"] == answer["differentiation"] and saved["interpretation"] == answer["interpretation"]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_print_view_is_a_clean_report_of_at_most_two_pages(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    fill(page, LOOKALIKE)
    score(page)
    page.evaluate("document.querySelector('#change-list .move button.try').click()")
    compared(page, 2)
    page.call("Emulation.setEmulatedMedia", media="print")
    try:
        hidden = page.evaluate("""['#profile-form', '.tools', '#change-list button.try', '#own-edit']
            .map(s => getComputedStyle(document.querySelector(s)).display)""")
        assert hidden == ["none"] * 4
        assert page.evaluate("getComputedStyle(document.getElementById('print-profile')).display") == "block"
        assert "QuickCash" in text(page, "#report-title")
        screenshot(page, f"print-{lang}")
        pdf = base64.b64decode(page.call("Page.printToPDF", paperWidth=8.27, paperHeight=11.69, preferCSSPageSize=True)["data"])
        assert 1 <= pdf_pages(pdf) <= 2, pdf_pages(pdf)
    finally:
        page.call("Emulation.setEmulatedMedia", media="")
    no_errors(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_positioning_map_shows_archetypes_apart_and_the_white_space(browser, lang):
    base, page = browser
    open_page(page, base, lang)
    fill(page, LOOKALIKE)
    answer = score(page)
    nearest = answer["nearest_benchmarks"]
    archetypes = [n for n in nearest if n.get("archetype")]
    assert archetypes and len(archetypes) < len(nearest)
    assert page.evaluate("document.querySelectorAll('#map-figure svg g.point').length") == len(nearest)
    assert page.evaluate("document.querySelectorAll('#map-figure svg g.archetype').length") == len(archetypes)
    # An archetype says how many products it stands for, on the map and in the table.
    first = archetypes[0]
    assert f"×{first['products']}" in page.evaluate(f"document.querySelector('#map-figure g[data-id={js(first['id'])}]').textContent")
    row = text(page, f"#nearest tr[data-id={js(first['id'])}]")
    assert str(first["products"]) in row and first["name_zh" if lang == "zh" else "name_en"] in row
    # White space: the cells of POST /v1/white-space, one tried as a variant.
    page.wait_for("document.querySelectorAll('#white-space tbody tr').length > 0", "the white-space cells")
    cells = requests.post(f"{base}/v1/white-space", json=page.evaluate("WB.sent"), timeout=30).json()["cells"]
    assert page.evaluate("document.querySelectorAll('#white-space tbody tr').length") == len(cells)
    label = cells[0]["technology"]["label_zh" if lang == "zh" else "label_en"]
    assert label in text(page, "#white-space tbody tr")
    page.evaluate("document.querySelector('#white-space tbody tr button.try').click()")
    heads = compared(page, 2)
    assert label in heads[1]
    screenshot(page, f"map-{lang}", "#map-block")
    no_errors(page)


def portfolio_workbook(path: Path, rows: int) -> list[str]:
    """An .xlsx of `rows` profiles: the example portfolio's rows over and over, each with its own id."""
    import csv

    import openpyxl

    table = list(csv.reader((ROOT / "scripts" / "examples" / "portfolio.csv").read_text(encoding="utf-8-sig").splitlines()))
    header, examples = table[0], table[1:]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    ids = []
    for n in range(rows):
        line = list(examples[n % len(examples)])
        line[0] = f"p-{n + 1:03d}"
        ids.append(line[0])
        sheet.append(line)
    workbook.save(path)
    return ids


def choose_file(page: Page, selector: str, path: Path) -> None:
    root = page.call("DOM.getDocument")["root"]["nodeId"]
    node = page.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    page.call("DOM.setFileInputFiles", files=[str(path)], nodeId=node)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_200_row_xlsx_portfolio_is_scored_mapped_and_downloaded(browser, lang, tmp_path):
    import openpyxl

    base, page = browser
    open_page(page, base, lang)
    ids = portfolio_workbook(tmp_path / "portfolio.xlsx", 200)
    choose_file(page, "#p-file", tmp_path / "portfolio.xlsx")
    page.wait_for("WB.portfolio.results().length === 200 && !document.getElementById('p-downloads').hidden",
                  "200 rows scored through the batch endpoint", seconds=180)
    progress = page.evaluate("[document.getElementById('p-progress').value, document.getElementById('p-progress').max]")
    assert progress == [200, 200]
    results = page.evaluate("WB.portfolio.results()")
    assert [r["row_id"] for r in results] == ids
    scored = [r for r in results if r["status"] == "scored"]
    assert len(scored) >= 150 and all(0 <= r["differentiation"] <= 100 for r in scored)
    assert {r["status"] for r in results} <= {"scored", "rejected"}
    assert page.evaluate("document.querySelectorAll('#p-map circle.dot').length") == len(scored)
    assert page.evaluate("document.querySelectorAll('#p-table tbody tr').length") == 200
    caption = "组合定位图" if lang == "zh" else "Portfolio map"
    assert page.evaluate("document.querySelector('#p-map svg title').textContent") == caption
    screenshot(page, f"portfolio-{lang}", "#portfolio-block")
    # Both downloads, read back as a spreadsheet would.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    page.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
    page.evaluate("document.getElementById('p-xlsx').click(); document.getElementById('p-csv').click()")
    xlsx, csv_file = downloads / "portfolio.scored.xlsx", downloads / "portfolio.scored.csv"
    wait_until(lambda: xlsx.exists() and csv_file.exists(), "the .xlsx and CSV downloads", seconds=30)
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("row_id", "status", "http_status") and [line[0] for line in lines[1:]] == ids
    column = lines[0].index("differentiation")
    assert all(isinstance(line[column], (int, float)) for line in lines[1:] if line[1] == "scored")
    data = csv_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and len(data.decode("utf-8-sig").strip().splitlines()) == 201
    no_errors(page)


def test_a_workbook_with_an_unknown_column_is_refused_before_anything_is_sent(browser, tmp_path):
    import openpyxl

    base, page = browser
    open_page(page, base, "en")
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "domain", "colour"])
    workbook.active.append(["A", "payments", "red"])
    workbook.save(tmp_path / "bad.xlsx")
    choose_file(page, "#p-file", tmp_path / "bad.xlsx")
    page.wait_for("document.getElementById('p-note').innerText.includes('colour')", "the unknown column named")
    assert page.evaluate("WB.portfolio.results().length") == 0
    no_errors(page)


def axe_violations(page: Page, selector: str = "body") -> list[dict]:
    """axe-core (vendored, injected over the DevTools protocol, not served) on the page as it is:
    the serious and critical violations, each with its rule and the elements it found."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.call("Runtime.evaluate", awaitPromise=True, returnByValue=True, expression=f"""
        axe.run(document.querySelector({js(selector)}), {{resultTypes: ['violations']}}).then(r => r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({{id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}})))""")
    assert "exceptionDetails" not in result, result["exceptionDetails"]
    return result["result"]["value"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_main_views_have_no_serious_or_critical_accessibility_violations(browser, lang, tmp_path):
    base, page = browser
    open_page(page, base, lang)
    assert axe_violations(page) == [], "empty page"
    # An answer with its chips, waterfalls (one evidence open), moves, variants, map and white space.
    fill(page, {**LOOKALIKE, "tech_stack": "AI risk control, face recog"})
    score(page)
    page.evaluate("document.querySelector('#score-differentiation details').open = true")
    page.evaluate("document.querySelector('#change-list .move button.try').click()")
    compared(page, 2)
    page.wait_for("document.querySelectorAll('#white-space tbody tr').length > 0", "the white-space cells")
    type_into(page, "scenarios", "农" if lang == "zh" else "agri")
    page.wait_for("!document.getElementById('f-scenarios-suggest').hidden", "suggestions showing")
    assert axe_violations(page) == [], "scored page"
    # A bad input, and a portfolio.
    fill(page, {"name": "", "domain": "lending"})
    page.evaluate("document.getElementById('score').click()")
    portfolio_workbook(tmp_path / "small.xlsx", 20)
    choose_file(page, "#p-file", tmp_path / "small.xlsx")
    page.wait_for("WB.portfolio.results().length === 20", "the portfolio scored")
    found = axe_violations(page)
    assert found == [], found
    # The key prompt.
    page.evaluate("document.getElementById('key-dialog').hidden = false")
    try:
        assert axe_violations(page, "#key-dialog") == [], "key dialog"
    finally:
        page.evaluate("document.getElementById('key-dialog').hidden = true")


def test_an_api_key_is_asked_once_and_kept_in_session_storage_only(browser):
    from service.api.security import digest

    _, page = browser
    key = "workbench-test-key"
    with Servers() as started:
        keyed = started.gunicorn(workers=1, DIFFSCORE_API_KEYS=f"consultant:score:{digest(key)}")
        page.open(f"{keyed.url}/workbench?lang=en")
        page.wait_for("document.body && document.body.dataset.ready === 'true'", "the workbench starting")
        page.wait_for("!document.getElementById('key-dialog').hidden", "the key asked for")
        assert page.evaluate("document.activeElement.id") == "key-input"
        page.evaluate(f"document.getElementById('key-input').value = {js(key)};"
                      " document.querySelector('#key-form button').click()")
        page.wait_for("window.WB.taxonomy !== null", "the taxonomy loading with the key")
        fill(page, PROFILE["en"])
        answer = score(page)
        assert answer["differentiation"]["score"] >= 0
        assert page.evaluate("sessionStorage.getItem('diffscore.apiKey')") == key
        assert page.evaluate("localStorage.length") == 0 and page.evaluate("document.cookie") == ""
        assert key not in page.evaluate("location.href")
        # Asked once: the same tab's next page load uses the stored key without asking.
        page.open(f"{keyed.url}/workbench?lang=en")
        page.wait_for("document.body && document.body.dataset.ready === 'true' && WB.taxonomy !== null", "a reload")
        assert page.evaluate("document.getElementById('key-dialog').hidden")
        page.evaluate("sessionStorage.clear()")
    no_errors(page, refused=True)
