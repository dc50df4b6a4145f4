/* Step 6: portfolios. A .xlsx or .csv workbook dropped on the page is scored through
   POST /v1/scores/batch in chunks with progress, drawn on the portfolio map, and downloaded as .xlsx
   and CSV. Columns as diffscore-batch reads them; .xlsx read and written in the page (fflate zip). */
"use strict";
(function () {
  const WB = window.WB, {el, $, t, svg} = WB;
  Object.assign(WB.texts, {
    portfolio: ["Portfolio", "产品组合"], drop: ["Drop a .xlsx or .csv workbook here, or choose one", "将 .xlsx 或 .csv 文件拖到此处，或选择文件"],
    choose: ["Workbook (.xlsx, .csv)", "工作簿（.xlsx、.csv）"], rows_read: ["{n} rows read from {file}.", "已从 {file} 读取 {n} 行。"],
    scoring_rows: ["Scoring {done} of {n} rows…", "正在评分：{done} / {n} 行…"], scored_rows: ["{scored} of {n} rows scored; {bad} not scored.", "已评分 {scored} / {n} 行；{bad} 行未评分。"],
    unknown_columns: ["Unknown column(s): {cols}. Accepted: {ok}.", "未知列：{cols}。可用列：{ok}。"],
    need_columns: ["The columns name and domain are required.", "必须包含 name 和 domain 两列。"],
    unreadable: ["This file could not be read: {why}", "无法读取此文件：{why}"],
    download_xlsx: ["Download .xlsx", "下载 .xlsx"], download_csv: ["Download CSV", "下载 CSV"],
    p_map: ["Portfolio map", "组合定位图"], p_map_desc: ["Differentiation (right = more) against homogeneity risk (up = more); colour = compliance band.",
      "横轴为差异化（越右越高），纵轴为同质化风险（越上越高）；颜色为合规风险等级。"],
    q_blue: ["differentiated, open", "差异化·空间开阔"], q_red: ["look-alike, crowded", "同质化·拥挤"],
    q_niche: ["distinct but crowded", "有特色但拥挤"], q_plain: ["plain but open", "平淡但开阔"],
    p_rows: ["Portfolio rows", "组合明细"], col_row: ["row", "行"], col_status: ["status", "状态"], col_top: ["top recommendation", "首要建议"],
    st_scored: ["scored", "已评分"], st_rejected: ["rejected", "被拒绝"], st_failed: ["failed", "失败"],
  });
  const fill = (key, values) => Object.entries(values).reduce((s, [k, v]) => s.replace("{" + k + "}", v), t(key));
  const CHUNK = 50;
  const LIST_COLUMNS = ["tech_stack", "scenarios", "target_segments", "business_model", "partners",
    "compliance.licenses", "compliance.data_sources", "compliance.privacy_controls"];
  const SCALAR_COLUMNS = ["name", "domain", "description", "compliance.cross_border", "compliance.certification",
    "compliance.sandbox", "compliance.max_apr"];
  const ID_COLUMNS = ["id", "row_id"];
  const KNOWN = new Set([...LIST_COLUMNS, ...SCALAR_COLUMNS, ...ID_COLUMNS]);
  const OUTPUT = ["row_id", "status", "http_status", "name", "differentiation", "differentiation_band", "homogeneity_risk",
    "homogeneity_band", "crowding", "compliance_risk", "compliance_band", "top_factors", "top_recommendation", "coverage",
    "read_as", "not_understood", "benchmark_version", "error"];
  let results = [], sourceName = "portfolio";

  // ---- reading: CSV (RFC 4180 quoting, a UTF-8 BOM allowed) and .xlsx (the first worksheet) ----
  function parseCsv(text) {
    text = text.replace(/^\uFEFF/, "");
    const rows = [];
    let row = [], cell = "", quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(cell); cell = ""; }
      else if (c === "\n" || c === "\r") { if (c === "\r" && text[i + 1] === "\n") i++; row.push(cell); rows.push(row); row = []; cell = ""; }
      else cell += c;
    }
    if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }

  const xml = (bytes) => new DOMParser().parseFromString(new TextDecoder().decode(bytes), "application/xml");
  const all = (node, name) => [...node.getElementsByTagNameNS("*", name)];
  const columnIndex = (ref) => [...ref.replace(/\d+$/, "")].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

  function parseXlsx(buffer) {
    const files = window.fflate.unzipSync(new Uint8Array(buffer));
    const workbook = xml(files["xl/workbook.xml"]);
    const first = all(workbook, "sheet")[0];
    const rid = first.getAttributeNS("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "id") || first.getAttribute("r:id");
    let target = "worksheets/sheet1.xml";
    if (files["xl/_rels/workbook.xml.rels"]) {
      const rel = all(xml(files["xl/_rels/workbook.xml.rels"]), "Relationship").find((r) => r.getAttribute("Id") === rid);
      if (rel) target = rel.getAttribute("Target").replace(/^\/?xl\//, "");
    }
    const shared = files["xl/sharedStrings.xml"] ? all(xml(files["xl/sharedStrings.xml"]), "si").map((si) => all(si, "t").map((n) => n.textContent).join("")) : [];
    const sheet = xml(files["xl/" + target]);
    const rows = [];
    for (const r of all(sheet, "row")) {
      const line = [];
      all(r, "c").forEach((c, k) => {
        const ref = c.getAttribute("r"), type = c.getAttribute("t"), v = all(c, "v")[0];
        const at = ref ? columnIndex(ref) : k;
        let value = v ? v.textContent : "";
        if (type === "s") value = shared[Number(value)] || "";
        else if (type === "inlineStr") value = all(c, "t").map((n) => n.textContent).join("");
        else if (type === "b") value = value === "1" ? "true" : "false";
        line[at] = value;
      });
      rows.push(Array.from(line, (x) => x === undefined ? "" : x));
    }
    return rows;
  }

  function profiles(table) {
    while (table.length && table[table.length - 1].every((c) => !String(c).trim())) table.pop();
    const header = (table[0] || []).map((c) => String(c).trim());
    while (header.length && !header[header.length - 1]) header.pop();
    const unknown = header.filter((c) => !KNOWN.has(c));
    if (unknown.length) throw new Error(fill("unknown_columns", {cols: unknown.join(", "), ok: [...KNOWN].join(", ")}));
    if (!header.includes("name") || !header.includes("domain")) throw new Error(t("need_columns"));
    const out = [];
    table.slice(1).forEach((line, n) => {
      const cells = Object.fromEntries(header.map((h, i) => [h, String(line[i] === undefined ? "" : line[i]).trim()]));
      if (!Object.values(cells).some(Boolean)) return;
      const profile = {name: cells.name, domain: cells.domain}, compliance = {};
      if (cells.description) profile.description = cells.description;
      for (const column of [...LIST_COLUMNS, ...SCALAR_COLUMNS.slice(3)]) {
        if (!cells[column]) continue;
        const value = LIST_COLUMNS.includes(column) ? WB.splitTerms(cells[column]) : cells[column];
        if (column.startsWith("compliance.")) compliance[column.slice(11)] = value; else profile[column] = value;
      }
      if (Object.keys(compliance).length) profile.compliance = compliance;
      out.push({row_id: cells.id || cells.row_id || `row-${n + 1}`, profile});
    });
    return out;
  }

  // ---- scoring through the batch endpoint, a chunk at a time ----
  async function scoreAll(rows) {
    results = [];
    const bar = $("#p-progress"), note = $("#p-note");
    bar.max = rows.length; bar.value = 0; bar.hidden = false;
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      note.textContent = fill("scoring_rows", {done: start, n: rows.length});
      let answer = null, failure = null;
      try { answer = await WB.api("POST", "/v1/scores/batch", {items: chunk.map((r) => r.profile)}); }
      catch (error) { failure = error; }
      chunk.forEach((row, i) => results.push(record(row, answer ? answer.results[i] : null, failure)));
      bar.value = Math.min(rows.length, start + CHUNK);
    }
    const scored = results.filter((r) => r.status === "scored").length;
    note.textContent = fill("scored_rows", {scored, n: rows.length, bad: rows.length - scored});
    renderResults();
  }

  function record(row, item, failure) {
    const base = {row_id: row.row_id, name: row.profile.name};
    if (!item) return {...base, status: "failed", http_status: failure && failure.status || null, error: failure ? failure.message : ""};
    if (!item.result) return {...base, status: "rejected", http_status: item.status, error: (item.error && (item.error.detail || item.error.title)) || ""};
    const r = item.result, top = (r.recommendations || [])[0];
    const principal = WB.SCORES.flatMap((s) => r[s].factors.filter((f) => f.principal).map((f) => f.code));
    return {...base, status: "scored", http_status: item.status,
      differentiation: r.differentiation.score, differentiation_band: r.differentiation.band,
      homogeneity_risk: r.homogeneity_risk.score, homogeneity_band: r.homogeneity_risk.band, crowding: r.homogeneity_risk.crowding,
      compliance_risk: r.compliance_risk.score, compliance_band: r.compliance_risk.band, top_factors: principal.join("; "),
      top_recommendation: top ? top.label_en : "", top_recommendation_zh: top ? top.label_zh : "", coverage: r.coverage,
      read_as: (r.interpretation || []).filter((i) => !["exact", "synonym", "family", "not_recognised"].includes(i.how)).map((i) => `${i.field} ${i.text} -> ${i.code} (${i.how})`).join("; "),
      not_understood: (r.interpretation || []).filter((i) => i.how === "not_recognised").map((i) => `${i.field} ${i.text}`).join("; "),
      benchmark_version: r.meta.benchmark_version, error: ""};
  }

  // ---- results: the map and the table ----
  const BAND_COLOUR = {low: "#1f7a3f", medium: "#855600", high: "#b3261e", critical: "#5b1a8c"};
  function renderResults() {
    $("#p-downloads").hidden = !results.length;
    const scored = results.filter((r) => r.status === "scored");
    const W = 640, H = 420, P = 44, x = (v) => P + (v / 100) * (W - 2 * P), y = (v) => H - P - (v / 100) * (H - 2 * P);
    const chart = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "p-map-title p-map-desc", class: "map portfolio-map"},
      svg("title", {id: "p-map-title"}, t("p_map")), svg("desc", {id: "p-map-desc"}, t("p_map_desc")),
      svg("rect", {x: P, y: P, width: W - 2 * P, height: H - 2 * P, class: "frame"}),
      svg("line", {x1: x(50), y1: P, x2: x(50), y2: H - P, class: "mid"}), svg("line", {x1: P, y1: y(50), x2: W - P, y2: y(50), class: "mid"}),
      svg("text", {x: x(97), y: y(5), "text-anchor": "end", class: "quadrant"}, t("q_blue")),
      svg("text", {x: x(3), y: y(95), class: "quadrant"}, t("q_red")),
      svg("text", {x: x(97), y: y(95), "text-anchor": "end", class: "quadrant"}, t("q_niche")),
      svg("text", {x: x(3), y: y(5), class: "quadrant"}, t("q_plain")),
      svg("text", {x: W / 2, y: H - 10, "text-anchor": "middle", class: "axis"}, t("s_differentiation") + " →"),
      svg("text", {x: 14, y: H / 2, transform: `rotate(-90 14 ${H / 2})`, "text-anchor": "middle", class: "axis"}, t("s_homogeneity_risk") + " →"));
    for (const r of scored) {
      chart.append(svg("circle", {cx: x(r.differentiation), cy: y(r.homogeneity_risk), r: 4.5, fill: BAND_COLOUR[r.compliance_band] || "#4f5b6b",
        "fill-opacity": 0.75, class: "dot", "data-row": r.row_id}, svg("title", {}, `${r.name}: ${WB.fmt(r.differentiation)} / ${WB.fmt(r.homogeneity_risk)} / ${WB.fmt(r.compliance_risk)}`)));
    }
    $("#p-map").replaceChildren(chart, el("figcaption", {class: "hint"}, t("p_map_desc"), " ",
      Object.entries(BAND_COLOUR).map(([band, colour]) => { const s = el("span", {class: "swatch", text: "● " + t("band_" + band)}); s.style.color = colour; return s; })));
    $("#p-table").replaceChildren(
      el("thead", {}, el("tr", {}, [t("col_row"), t("name"), t("col_status"), t("s_differentiation"), t("s_homogeneity_risk"), t("s_compliance_risk"), t("col_top")]
        .map((h) => el("th", {scope: "col", text: h})))),
      el("tbody", {}, results.map((r) => el("tr", {class: "st-" + r.status, "data-row": r.row_id},
        el("td", {text: r.row_id}), el("td", {text: r.name}), el("td", {text: t("st_" + r.status)}),
        ...["differentiation", "homogeneity_risk", "compliance_risk"].map((s) => el("td", {class: "num", text: r.status === "scored" ? WB.fmt(r[s]) : "–"})),
        el("td", {text: r.status === "scored" ? (WB.lang === "zh" ? r.top_recommendation_zh : r.top_recommendation) : r.error})))));
  }

  // ---- writing: CSV with a BOM (Excel shows Chinese as it is) and a minimal .xlsx ----
  const csvCell = (v) => { const s = v === null || v === undefined ? "" : String(v); return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  function toCsv() {
    return "\uFEFF" + [OUTPUT, ...results.map((r) => OUTPUT.map((k) => r[k]))].map((line) => line.map(csvCell).join(",")).join("\r\n") + "\r\n";
  }
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");
  const colName = (i) => (i >= 26 ? colName(Math.floor(i / 26) - 1) : "") + String.fromCharCode(65 + (i % 26));
  function toXlsx() {
    const line = (values, n) => `<row r="${n}">` + values.map((v, i) => {
      const ref = colName(i) + n;
      if (typeof v === "number" && Number.isFinite(v)) return `<c r="${ref}"><v>${v}</v></c>`;
      if (v === null || v === undefined || v === "") return "";
      return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
    }).join("") + "</row>";
    const sheet = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      [OUTPUT, ...results.map((r) => OUTPUT.map((k) => r[k]))].map((v, i) => line(v, i + 1)).join("") + "</sheetData></worksheet>";
    const enc = (s) => new TextEncoder().encode(s);
    return window.fflate.zipSync({
      "[Content_Types].xml": enc('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
      "_rels/.rels": enc('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
      "xl/workbook.xml": enc('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="scored" sheetId="1" r:id="rId1"/></sheets></workbook>'),
      "xl/_rels/workbook.xml.rels": enc('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
      "xl/worksheets/sheet1.xml": enc(sheet),
    });
  }

  async function readFile(file) {
    const note = $("#p-note");
    results = []; renderResults(); $("#p-progress").hidden = true;
    sourceName = file.name.replace(/\.(xlsx|csv)$/i, "");
    let rows;
    try {
      const table = /\.xlsx$/i.test(file.name) ? parseXlsx(await file.arrayBuffer()) : parseCsv(await file.text());
      rows = profiles(table);
    } catch (error) {
      note.textContent = fill("unreadable", {why: error.message});
      return;
    }
    note.textContent = fill("rows_read", {n: rows.length, file: file.name});
    if (rows.length) await scoreAll(rows);
  }
  WB.portfolio = {parseCsv, parseXlsx, profiles, results: () => results, toXlsx};

  function buildSection() {
    const input = el("input", {type: "file", id: "p-file", accept: ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv",
      onchange: (e) => e.target.files[0] && readFile(e.target.files[0])});
    const zone = el("div", {class: "dropzone", id: "p-drop"}, el("p", {"data-i18n": "drop"}),
      el("label", {for: "p-file", "data-i18n": "choose"}), " ", input);
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); if (e.dataTransfer.files[0]) readFile(e.dataTransfer.files[0]); });
    $("#main").append(el("section", {class: "block portfolio-block", id: "portfolio-block", "aria-labelledby": "p-h"},
      el("h2", {id: "p-h", "data-i18n": "portfolio"}), zone,
      el("progress", {id: "p-progress", hidden: true, "aria-labelledby": "p-note"}), el("p", {id: "p-note", class: "hint", role: "status"}),
      el("div", {id: "p-downloads", class: "actions", hidden: true},
        el("button", {type: "button", id: "p-xlsx", "data-i18n": "download_xlsx",
          onclick: () => WB.download(toXlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", sourceName + ".scored.xlsx")}),
        el("button", {type: "button", id: "p-csv", "data-i18n": "download_csv",
          onclick: () => WB.download(toCsv(), "text/csv;charset=utf-8", sourceName + ".scored.csv")})),
      el("figure", {id: "p-map", class: "p-map"}),
      el("div", {class: "table-wrap p-table-wrap", tabindex: 0, role: "region", "data-i18n-label": "p_rows"}, el("table", {id: "p-table", class: "nearest", "aria-labelledby": "p-h"}))));
  }

  WB.hooks.ready.push(() => { buildSection(); WB.setLang(WB.lang); });
  WB.hooks.reset.push(() => { if (results.length) renderResults(); });
})();
