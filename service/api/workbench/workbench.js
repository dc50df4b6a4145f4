/* diffscore workbench: a page on the public API (same origin, no framework, no build step).
   State lives in the page and in the URL; nothing is stored on the server. */
"use strict";
(function () {
  const WB = window.WB = {lang: "en", answer: null, sent: null, taxonomy: null, hooks: {render: [], reset: [], ready: []}};

  // ---- texts: the page's own words; the answer brings its own label_en / label_zh ----
  const T = {
    title: ["Concept workbench", "产品概念工作台"], skip: ["Skip to the results", "跳到结果"],
    tools: ["Tools", "工具"], switch: ["中文", "English"], copy_link: ["Copy link", "复制链接"],
    copied: ["Link copied: it holds the whole state.", "链接已复制：其中包含全部状态。"],
    download_json: ["Download JSON", "下载 JSON"], print: ["Print report", "打印报告"], api_docs: ["API docs", "API 文档"],
    profile: ["Product profile", "产品画像"],
    form_hint: ["Type in your own words, Chinese or English; separate several terms with commas.",
                "用自己的话输入，中英文均可；多个词用逗号或顿号分隔。"],
    blurb: ["Paste a blurb to fill a draft", "粘贴一段介绍，自动填写草稿"],
    blurb_label: ["Product description (zh/en)", "产品介绍（中文或英文）"],
    extract: ["Fill the form from the text", "从文本填写表单"], score: ["Score", "评分"], clear: ["Clear", "清空"],
    empty: ["Fill in a name and a domain, then Score.", "填写名称和领域后点击“评分”。"],
    scoring: ["Scoring…", "评分中…"], scored: ["Scored.", "评分完成。"],
    reading: ["How it was read", "系统如何理解输入"], why: ["Why each score", "各项得分的原因"],
    key_title: ["API key", "API 密钥"], key_hint: ["This service needs a key. It is kept in this tab's session storage only.",
      "此服务需要密钥，仅保存在本标签页的会话存储中。"], key_label: ["X-API-Key", "X-API-Key"], key_ok: ["Use this key", "使用此密钥"],
    f_name: ["Name", "名称"], f_domain: ["Domain", "领域"], f_tech_stack: ["Technologies", "技术"],
    f_scenarios: ["Scenarios", "场景"], f_target_segments: ["Target segments", "目标客群"],
    f_business_model: ["Business model", "商业模式"], f_partners: ["Partners", "合作伙伴"],
    f_licenses: ["Licences", "牌照"], f_data_sources: ["Data sources", "数据来源"],
    f_privacy_controls: ["Privacy controls", "隐私保护措施"], f_certification: ["Certification", "认证"],
    f_cross_border: ["Cross-border data", "数据跨境"], f_sandbox: ["Regulatory sandbox", "监管沙盒"],
    f_max_apr: ["Maximum APR", "最高年化利率"], f_description: ["Description (read for extra terms)", "描述（从中识别更多术语）"],
    compliance: ["Compliance", "合规"],
    s_differentiation: ["Differentiation", "差异化"], s_homogeneity_risk: ["Homogeneity risk", "同质化风险"],
    s_compliance_risk: ["Compliance risk", "合规风险"],
    base: ["Base (empty profile in this domain)", "基准（该领域的空画像）"], total: ["Score", "得分"],
    evidence: ["Evidence", "依据"], sections: ["Report sections", "报告章节"], benchmarks: ["Benchmark products", "基准产品"],
    no_evidence: ["No evidence attached.", "无附加依据。"],
    band_low: ["low", "低"], band_medium: ["medium", "中"], band_high: ["high", "高"], band_critical: ["critical", "严重"],
    err_title: ["The service did not accept this:", "服务未接受此输入："],
    err_network: ["The service could not be reached.", "无法连接服务。"],
    need_name: ["Give the product a name.", "请填写产品名称。"], need_domain: ["Give the product a domain.", "请填写产品领域。"],
    how_exact: ["exact", "精确"], how_synonym: ["synonym", "同义词"], how_family: ["umbrella term", "上位词"],
    how_converted_script: ["Traditional script", "繁体转换"], how_spelling_variant: ["spelling variant", "拼写变体"],
    how_moved: ["moved to", "移至"], how_split: ["split", "拆分"], how_contained: ["contained", "包含"],
    how_fuzzy: ["near miss", "近似"], how_not_recognised: ["not recognised", "未识别"], how_percent: ["percent", "百分比"],
    how_fraction: ["fraction", "小数"], how_phrase: ["phrase", "短语"], how_negated: ["negated", "否定"],
    how_inferred: ["inferred", "推断"],
    no_suggestion: ["no close term: rephrase it", "无相近术语：请换个说法"],
    coverage: ["Coverage", "覆盖度"], cache: ["answer", "结果来源"],
  };
  const t = WB.t = (key) => (T[key] || [key, key])[WB.lang === "zh" ? 1 : 0];
  WB.texts = T;
  WB.label = (o, en = "label_en", zh = "label_zh") => (o ? (WB.lang === "zh" ? o[zh] || o[en] : o[en] || o[zh]) || "" : "");

  // ---- DOM helpers (no innerHTML: the page runs under a strict Content-Security-Policy) ----
  const $ = WB.$ = (sel, root = document) => root.querySelector(sel);
  const el = WB.el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
    return node;
  };
  const SVG = "http://www.w3.org/2000/svg";
  WB.svg = (tag, attrs = {}, ...children) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, v);
    for (const c of children.flat()) if (c) node.append(typeof c === "string" ? document.createTextNode(c) : c);
    return node;
  };
  const fmt = WB.fmt = (n, digits = 1) => (n === null || n === undefined ? "–" : Number(n).toFixed(digits).replace(/\.0+$/, ""));
  WB.signed = (n, digits = 1) => (n > 0 ? "+" : n < 0 ? "−" : "±") + fmt(Math.abs(n), digits);

  // ---- the API: same origin; a key, when the service asks for one, once per tab in sessionStorage ----
  const KEY = "diffscore.apiKey";
  let keyWaiter = null;
  function askKey() {
    if (!keyWaiter) {
      keyWaiter = new Promise((resolve) => {
        const dialog = $("#key-dialog"), input = $("#key-input");
        dialog.hidden = false; input.value = ""; input.focus();
        $("#key-form").onsubmit = (e) => {
          e.preventDefault();
          sessionStorage.setItem(KEY, input.value.trim());
          dialog.hidden = true; keyWaiter = null; resolve();
        };
      });
    }
    return keyWaiter;
  }
  WB.api = async function (method, path, body) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers = {"Accept": "application/json"};
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const key = sessionStorage.getItem(KEY);
      if (key) headers["X-API-Key"] = key;
      let response;
      try {
        response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
      } catch (error) {
        throw Object.assign(new Error(t("err_network")), {problem: {title: t("err_network")}});
      }
      if (response.status === 401 || (response.status === 403 && !key)) { sessionStorage.removeItem(KEY); await askKey(); continue; }
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw Object.assign(new Error(data.title || String(response.status)), {problem: data, status: response.status});
      return data;
    }
    throw Object.assign(new Error("401"), {problem: {title: t("key_title")}});
  };

  // ---- the form: one box per field, free typing ----
  const LISTS = ["tech_stack", "scenarios", "target_segments", "business_model", "partners"];
  const C_LISTS = ["licenses", "data_sources", "privacy_controls"];
  const C_SCALARS = ["certification", "cross_border", "sandbox", "max_apr"];
  WB.KINDS = {domain: "domain", tech_stack: "technology", scenarios: "scenario", target_segments: "segment",
    business_model: "business_model", partners: "partner", "compliance.licenses": "license",
    "compliance.data_sources": "data_source", "compliance.privacy_controls": "privacy_control",
    "compliance.certification": "certification"};
  WB.FIELDS = ["name", "domain", ...LISTS, ...C_LISTS.map((f) => "compliance." + f),
               ...C_SCALARS.map((f) => "compliance." + f), "description"];
  WB.isList = (field) => LISTS.includes(field) || C_LISTS.includes(field.replace("compliance.", ""));
  const short = (field) => field.replace("compliance.", "");
  const inputId = WB.inputId = (field) => "f-" + field.replace(".", "-");
  const SPLIT = /[;|,，、；\n]+/;
  WB.splitTerms = (text) => String(text || "").split(SPLIT).map((s) => s.trim()).filter(Boolean);

  function buildForm() {
    const box = $("#fields");
    let group = box;
    for (const field of WB.FIELDS) {
      if (field === "compliance.licenses") {
        group = el("fieldset", {class: "compliance"}, el("legend", {"data-i18n": "compliance"}));
        box.append(group);
      }
      if (field === "description") group = box;
      const id = inputId(field);
      const input = field === "description"
        ? el("textarea", {id, name: field, rows: 2, maxlength: 5000})
        : el("input", {id, name: field, type: "text", maxlength: WB.isList(field) ? 2000 : 200, spellcheck: "false",
                       "aria-describedby": id + "-err", autocomplete: "off"});
      group.append(el("div", {class: "field", "data-field": field},
        el("label", {for: id, "data-i18n": "f_" + short(field)}), input,
        el("span", {class: "field-error", id: id + "-err"})));
    }
  }

  WB.readForm = function () {
    const value = (field) => $("#" + inputId(field)).value.trim();
    const profile = {name: value("name"), domain: value("domain")};
    for (const f of LISTS) { const v = WB.splitTerms(value(f)); if (v.length) profile[f] = v; }
    const compliance = {};
    for (const f of C_LISTS) { const v = WB.splitTerms(value("compliance." + f)); if (v.length) compliance[f] = v; }
    for (const f of C_SCALARS) { const v = value("compliance." + f); if (v) compliance[f] = v; }
    if (Object.keys(compliance).length) profile.compliance = compliance;
    const description = value("description");
    if (description) profile.description = description;
    return profile;
  };

  WB.fillForm = function (profile) {
    for (const field of WB.FIELDS) {
      const [top, sub] = field.split(".");
      let v = sub ? (profile.compliance || {})[sub] : profile[top];
      if (Array.isArray(v)) v = v.join(WB.lang === "zh" ? "、" : ", ");
      $("#" + inputId(field)).value = v === undefined || v === null ? "" : String(v);
    }
  };

  // ---- scoring ----
  function clearErrors() {
    $("#errors").replaceChildren();
    for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    for (const node of document.querySelectorAll(".field-error")) node.textContent = "";
  }

  WB.showProblem = function (problem) {
    clearErrors();
    const items = (problem.errors || []).map((e) => {
      const field = (e.field || "").replace(/\[\d+\]$/, "");
      const input = WB.FIELDS.includes(field) ? $("#" + inputId(field)) : null;
      const text = e.message + (e.suggestions && e.suggestions.length ? " (" + e.suggestions.join(", ") + ")" : "");
      if (input) { input.setAttribute("aria-invalid", "true"); $("#" + input.id + "-err").textContent = text; }
      return el("li", {}, el("strong", {text: e.field || ""}), " ", text);
    });
    $("#errors").append(el("div", {class: "problem"}, el("p", {text: t("err_title") + " " + (problem.title || "")}),
      problem.detail ? el("p", {text: problem.detail}) : null, items.length ? el("ul", {}, items) : null));
  };

  WB.score = async function (profile) {
    profile = profile || WB.readForm();
    clearErrors();
    const missing = [];
    if (!profile.name) missing.push({field: "name", message: t("need_name")});
    if (!profile.domain) missing.push({field: "domain", message: t("need_domain")});
    if (missing.length) { WB.showProblem({title: "", errors: missing}); $("#" + inputId(missing[0].field)).focus(); return null; }
    setStatus(t("scoring"));
    $("#score").disabled = true;
    try {
      const answer = await WB.api("POST", "/v1/scores", profile);
      WB.sent = profile; WB.answer = answer;
      render();
      setStatus(t("scored"));
      return answer;
    } catch (error) {
      WB.showProblem(error.problem || {title: error.message});
      setStatus("");
      return null;
    } finally {
      $("#score").disabled = false;
    }
  };

  function setStatus(text) { $("#status").textContent = text; }

  // ---- rendering the answer ----
  function render() {
    const a = WB.answer;
    if (!a) return;
    $("#report").hidden = false;
    $("#report-title").textContent = (WB.sent && WB.sent.name) || (a.profile && a.profile.name) || "";
    renderChips(a.interpretation || []);
    renderScores(a);
    for (const hook of WB.hooks.render) hook(a);
  }
  WB.render = render;

  WB.termLabel = function (code) {
    const term = WB.taxonomy && WB.taxonomy.get(code);
    return term ? (WB.lang === "zh" ? term.zh : term.en) : String(code);
  };

  function renderChips(items) {
    const list = $("#chips");
    list.replaceChildren();
    for (const item of items) {
      const unknown = item.how === "not_recognised";
      const how = [t("how_" + item.how)];
      if (item.how === "moved" && item.placed_in) how.push(t("f_" + short(item.placed_in)));
      if (item.similarity !== null && item.similarity !== undefined) how.push(Math.round(item.similarity * 100) + "%");
      const reading = unknown ? null
        : el("span", {class: "reading"}, "→ ", el("code", {text: typeof item.code === "string" ? item.code : JSON.stringify(item.code)}),
             typeof item.code === "string" && WB.taxonomy && WB.taxonomy.has(item.code) ? " " + WB.termLabel(item.code) : "");
      const chip = el("li", {class: "chip how-" + item.how + (unknown ? " unknown" : ""), "data-field": item.field},
        el("span", {class: "where", text: t("f_" + short(item.field.replace(/\[\d+\]$/, "")))}),
        el("span", {class: "typed", text: String(item.text)}), reading,
        el("span", {class: "how", text: how.join(" · ")}),
        item.note ? el("span", {class: "note", text: item.note}) : null);
      if (unknown && WB.renderSuggestions) chip.append(WB.renderSuggestions(item));
      else if (unknown) chip.append(el("span", {class: "note", text: item.suggestions.join(", ") || t("no_suggestion")}));
      list.append(chip);
    }
  }

  const SCORES = ["differentiation", "homogeneity_risk", "compliance_risk"];
  WB.SCORES = SCORES;
  function renderScores(a) {
    const box = $("#scores");
    box.replaceChildren();
    for (const name of SCORES) {
      const s = a[name];
      if (!s) continue;
      box.append(el("article", {class: "score-card", id: "score-" + name, "aria-labelledby": "score-h-" + name},
        el("h4", {id: "score-h-" + name}, t("s_" + name), " ",
          el("span", {class: "score-value", text: fmt(s.score)}),
          el("span", {class: "band band-" + s.band, text: t("band_" + s.band)})),
        waterfall(name, s)));
    }
    box.append(el("p", {class: "hint"}, t("coverage") + ": " + Math.round((a.coverage || 0) * 100) + "% · " +
      (a.meta ? `${a.meta.model_version} · ${a.meta.benchmark_version} · ${t("cache")}: ${a.meta.cache.source}` : "")));
  }

  // A waterfall: the base, then each factor as a step from the running total, then the score.
  function waterfall(name, s) {
    let running = s.base;
    const steps = s.factors.map((f) => { const from = running; running += f.contribution; return {f, from, to: running}; });
    const lo = Math.min(0, s.base, ...steps.map((x) => Math.min(x.from, x.to)));
    const hi = Math.max(100, s.base, ...steps.map((x) => Math.max(x.from, x.to)));
    const pos = (v) => ((v - lo) / (hi - lo)) * 100;
    const bar = (from, to, cls) => {
      const b = el("span", {class: "bar " + cls});
      b.style.left = pos(Math.min(from, to)) + "%";
      b.style.width = Math.max(0.6, Math.abs(pos(to) - pos(from))) + "%";
      return el("span", {class: "track"}, b);
    };
    const rows = [el("li", {class: "wf-row wf-base"}, el("span", {class: "wf-label", text: t("base")}),
      el("span", {class: "wf-num", text: fmt(s.base)}), bar(0, s.base, "base"))];
    for (const {f, from, to} of steps) {
      const up = f.contribution >= 0;
      const good = name === "differentiation" ? up : !up;
      rows.push(el("li", {class: "wf-row" + (f.principal ? " principal" : ""), "data-code": f.code},
        el("details", {class: "wf-label"}, el("summary", {text: WB.label(f)}), evidence(f.evidence)),
        el("span", {class: "wf-num", text: WB.signed(f.contribution)}), bar(from, to, good ? "good" : "bad")));
    }
    rows.push(el("li", {class: "wf-row wf-total"}, el("span", {class: "wf-label", text: t("total")}),
      el("span", {class: "wf-num", text: fmt(s.score)}), bar(0, s.score, "total")));
    return el("ol", {class: "waterfall", "aria-label": t("s_" + name)}, rows);
  }

  function evidence(ev) {
    if (!ev || (!ev.sections?.length && !ev.figures?.length && !ev.benchmarks?.length)) return el("p", {class: "hint", text: t("no_evidence")});
    return el("div", {class: "evidence"},
      ev.sections?.length ? el("p", {}, el("strong", {text: t("sections") + ": "}), ev.sections.join(", ")) : null,
      ev.figures?.length ? el("ul", {}, ev.figures.map((g) => el("li", {}, WB.label(g, "text_en", "text_zh") + ` (${g.section})`))) : null,
      ev.benchmarks?.length ? el("p", {}, el("strong", {text: t("benchmarks") + ": "}), ev.benchmarks.join(", ")) : null);
  }
  WB.evidence = evidence;

  // ---- language ----
  WB.setLang = function (lang) {
    WB.lang = lang === "zh" ? "zh" : "en";
    document.documentElement.lang = WB.lang === "zh" ? "zh-Hans" : "en";
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    $("#lang").setAttribute("lang", WB.lang === "zh" ? "en" : "zh-Hans");
    document.title = t("title") + " · diffscore";
    render();
    for (const hook of WB.hooks.reset) hook("lang");
  };

  // ---- start ----
  function start() {
    buildForm();
    const params = new URLSearchParams(location.search);
    WB.setLang(params.get("lang") || ((navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en"));
    $("#lang").addEventListener("click", () => WB.setLang(WB.lang === "zh" ? "en" : "zh"));
    $("#profile-form").addEventListener("submit", (e) => { e.preventDefault(); WB.score(); });
    $("#clear").addEventListener("click", () => { WB.fillForm({}); clearErrors(); });
    WB.api("GET", "/v1/taxonomy").then((data) => {
      WB.taxonomy = new Map(data.terms.map((term) => [term.code, term]));
      WB.terms = data.terms;
      render();
      performance.mark("workbench-taxonomy");
    }).catch(() => {});
    for (const hook of WB.hooks.ready) hook();
    document.body.dataset.ready = "true";
    performance.mark("workbench-ready");
  }
  WB.download = function (content, type, filename) {
    const url = URL.createObjectURL(new Blob([content], {type}));
    const link = el("a", {href: url, download: filename});
    document.body.append(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  // Deferred scripts run before DOMContentLoaded: every step's script has registered its hooks by then.
  if (document.readyState === "complete") start(); else document.addEventListener("DOMContentLoaded", start);
})();
