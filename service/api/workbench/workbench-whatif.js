/* Step 3: what to change. The recommendations with their measured effect; one click tries a move
   through POST /v1/compare and shows before and after; up to four variants side by side. */
"use strict";
(function () {
  const WB = window.WB, {el, $, t} = WB;
  Object.assign(WB.texts, {
    change: ["What to change", "如何改进"], try_it: ["Try it", "试一试"], why_move: ["Why", "原因"],
    stage_fix: ["fix first", "先修复"], stage_improve: ["improve", "提升"], mandatory: ["mandatory", "必需"],
    errc_eliminate: ["eliminate", "剔除"], errc_reduce: ["reduce", "减少"], errc_raise: ["raise", "增加"], errc_create: ["create", "创造"],
    fit: ["fit", "契合度"], variants: ["Variants side by side", "方案对比"], current: ["As typed", "当前方案"],
    before_after: ["Before and after", "修改前后"], before: ["before", "修改前"], after: ["after", "修改后"],
    remove_variant: ["Remove", "移除"], max_variants: ["At most four variants: remove one first.", "最多四个方案：请先移除一个。"],
    own_edit: ["Your own edit", "自定义修改"], action: ["Action", "操作"], field: ["Field", "字段"], value: ["Value", "取值"],
    add_variant: ["Add as a variant", "添加为方案"], a_add: ["add", "添加"], a_remove: ["remove", "删除"], a_set: ["set", "设为"],
    gains: ["gains", "新增因素"], loses: ["loses", "失去因素"], comparing: ["Comparing…", "对比中…"],
    best_single: ["Best single edit", "最佳单项修改"], best_pair: ["Best pair of edits", "最佳组合修改"],
  });
  const MAX_EDITED = 3;  // the profile as typed, and three variants
  WB.variants = [];
  let compared = null, lastBase = null;

  const EDIT_FIELDS = ["tech_stack", "scenarios", "target_segments", "business_model", "partners", "compliance.licenses",
    "compliance.data_sources", "compliance.privacy_controls", "compliance.cross_border", "compliance.certification",
    "compliance.sandbox", "compliance.max_apr"];
  const fieldName = (f) => t("f_" + f.replace("compliance.", ""));

  function effectChips(effect) {
    return el("span", {class: "effects"}, WB.SCORES.map((name) => {
      const v = (effect || {})[name] || 0;
      const good = name === "differentiation" ? v > 0 : v < 0;
      return el("span", {class: "effect " + (v === 0 ? "flat" : good ? "good" : "bad"), title: t("s_" + name)},
        `${t("s_" + name)} ${WB.signed(v)}`);
    }));
  }
  WB.effectChips = effectChips;

  const editOf = (r) => ({action: r.action, field: r.field, value: r.value});
  const editText = (e) => e.label_en ? WB.label(e)
    : `${t("a_" + e.action)} ${fieldName(e.field)}: ${typeof e.value === "string" && WB.taxonomy && WB.taxonomy.has(e.value) ? WB.termLabel(e.value) : typeof e.value === "string" ? e.value : JSON.stringify(e.value)}`;

  function renderRecommendations(a) {
    const box = $("#change-list");
    box.replaceChildren();
    for (const [i, r] of (a.recommendations || []).entries()) {
      box.append(el("li", {class: "move stage-" + r.stage, "data-index": i},
        el("div", {class: "move-head"},
          el("span", {class: "stage", text: t("stage_" + r.stage)}),
          r.mandatory ? el("span", {class: "stage mandatory", text: t("mandatory")}) : null,
          el("strong", {class: "move-label", text: WB.label(r)}),
          el("span", {class: "errc", text: t("errc_" + r.errc) + (r.fit !== null && r.fit !== undefined ? ` · ${t("fit")} ${WB.fmt(r.fit, 2)}` : "")}),
          el("button", {type: "button", class: "try", onclick: () => tryEdits([editOf(r)], WB.label(r), r)}, t("try_it"))),
        effectChips(r.effect),
        r.why ? el("details", {}, el("summary", {text: t("why_move")}),
          el("p", {text: WB.label(r.why, "text_en", "text_zh")}), WB.evidence(r.why)) : null));
    }
    $("#exhausted").textContent = a.exhausted ? WB.label(a.exhausted, "text_en", "text_zh") : "";
  }

  async function tryEdits(edits, label, move) {
    if (WB.variants.length >= MAX_EDITED) { $("#variants-note").textContent = t("max_variants"); return; }
    WB.variants.push({edits, label, move: move ? {label_en: move.label_en, label_zh: move.label_zh} : null});
    await compare();
  }
  WB.tryEdits = tryEdits;

  async function compare() {
    $("#variants-note").textContent = "";
    if (!WB.variants.length) { compared = null; renderVariants(); return; }
    $("#variants-note").textContent = t("comparing");
    try {
      compared = await WB.api("POST", "/v1/compare", {base: WB.sent, edits: WB.variants.map((v) => v.edits)});
      $("#variants-note").textContent = "";
    } catch (error) {
      WB.variants.pop();
      $("#variants-note").textContent = (error.problem && (error.problem.detail || error.problem.title)) || error.message;
    }
    renderVariants();
    for (const hook of WB.hooks.variants || []) hook();
  }
  WB.compare = compare;

  function variantName(i) {
    if (i === 0) return t("current");
    const v = WB.variants[i - 1];
    return v.move ? WB.label(v.move) : v.edits.map(editText).join("; ");
  }

  function renderVariants() {
    const block = $("#variants-block");
    const table = $("#variants");
    table.replaceChildren();
    $("#before-after").replaceChildren();
    block.hidden = !compared;
    if (!compared) return;
    const variants = compared.variants;
    table.append(el("thead", {}, el("tr", {}, el("td", {class: "corner"}), variants.map((v, i) => el("th", {scope: "col", class: i === variants.length - 1 && i ? "latest" : null},
      el("span", {text: variantName(i)}), i ? el("button", {type: "button", class: "remove", "aria-label": `${t("remove_variant")}: ${variantName(i)}`,
        onclick: () => { WB.variants.splice(i - 1, 1); compare(); }}, t("remove_variant")) : null)))));
    const body = el("tbody");
    for (const name of WB.SCORES) {
      body.append(el("tr", {}, el("th", {scope: "row", text: t("s_" + name)}), variants.map((v, i) => el("td", {},
        el("span", {class: "score-value small", text: WB.fmt(v[name].score)}), " ",
        el("span", {class: "band band-" + v[name].band, text: t("band_" + v[name].band)}),
        i ? el("span", {class: "delta", text: " " + WB.signed((v.delta || {})[name] || 0)}) : null))));
    }
    body.append(el("tr", {}, el("th", {scope: "row", text: t("gains") + " / " + t("loses")}), variants.map((v, i) => el("td", {class: "factor-diff"},
      i ? [el("div", {class: "gain", text: (v.factors_added || []).map((f) => "+ " + f).join("\n")}),
           el("div", {class: "loss", text: (v.factors_removed || []).map((f) => "− " + f).join("\n")})] : null))));
    table.append(body);
    // Before and after for the variant just made.
    const last = variants[variants.length - 1], first = variants[0];
    $("#before-after").append(el("h4", {text: `${t("before_after")}: ${variantName(variants.length - 1)}`}),
      el("ul", {class: "ba"}, WB.SCORES.map((name) => el("li", {"data-score": name},
        `${t("s_" + name)}: ${t("before")} ${WB.fmt(first[name].score)} → ${t("after")} ${WB.fmt(last[name].score)} (${WB.signed(last.delta[name])})`))));
    const best = [];
    if (compared.best_single_edit) best.push(el("p", {}, el("strong", {text: t("best_single") + ": "}), WB.label(compared.best_single_edit)));
    if (compared.best_pair && compared.best_pair.edits) best.push(el("p", {}, el("strong", {text: t("best_pair") + ": "}),
      compared.best_pair.edits.map((e) => WB.label(e)).join(" + "), " ", effectChips(compared.best_pair.effect)));
    $("#before-after").append(...best);
  }

  function buildSection() {
    $("#report").append(
      el("section", {class: "block", id: "change-block", "aria-labelledby": "change-h"},
        el("h3", {id: "change-h", "data-i18n": "change"}),
        el("ol", {id: "change-list", class: "moves"}), el("p", {id: "exhausted", class: "hint"}),
        el("details", {id: "own-edit", class: "own-edit"}, el("summary", {"data-i18n": "own_edit"}),
          el("div", {class: "edit-row"},
            el("label", {for: "edit-action", "data-i18n": "action"}),
            el("select", {id: "edit-action"}, ["add", "remove", "set"].map((a) => el("option", {value: a, "data-i18n": "a_" + a}))),
            el("label", {for: "edit-field", "data-i18n": "field"}),
            el("select", {id: "edit-field"}, EDIT_FIELDS.map((f) => el("option", {value: f, "data-i18n": "f_" + f.replace("compliance.", "")}))),
            el("label", {for: "edit-value", "data-i18n": "value"}),
            el("input", {id: "edit-value", type: "text", maxlength: 200}),
            el("button", {type: "button", id: "add-variant", "data-i18n": "add_variant", onclick: ownEdit})))),
      el("section", {class: "block", id: "variants-block", "aria-labelledby": "variants-h", hidden: true},
        el("h3", {id: "variants-h", "data-i18n": "variants"}),
        el("div", {id: "before-after", class: "before-after"}),
        el("div", {class: "table-wrap"}, el("table", {id: "variants", class: "variants"}))),
      el("p", {id: "variants-note", class: "hint", role: "status"}));
  }

  function ownEdit() {
    const action = $("#edit-action").value, field = $("#edit-field").value, raw = $("#edit-value").value.trim();
    if (!raw && action !== "set") { $("#edit-value").focus(); return; }
    let value = raw;
    if (/cross_border|sandbox/.test(field)) value = /^(true|yes|y|1|是|有)$/i.test(raw);
    else if (field === "compliance.max_apr") value = raw === "" ? null : Number(raw.replace("%", "")) / (raw.includes("%") || Number(raw) > 1 ? 100 : 1);
    tryEdits([{action, field, value}], null, null);
  }

  WB.hooks.ready.push(() => { buildSection(); WB.setLang(WB.lang); });
  WB.hooks.render.push((a) => {
    const base = JSON.stringify(WB.sent);
    if (lastBase !== null && base !== lastBase && !WB.keepVariants) { WB.variants = []; compared = null; }
    WB.keepVariants = false;
    lastBase = base;
    renderRecommendations(a);
    renderVariants();
  });
})();
