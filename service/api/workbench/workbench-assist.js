/* Step 2: help typing. Unknown terms carry their suggestions, accepted with one click; a blurb fills
   a draft (POST /v1/profiles/extract); the taxonomy suggests terms as you type (GET /v1/taxonomy). */
"use strict";
(function () {
  const WB = window.WB, {el, $, t} = WB;
  Object.assign(WB.texts, {
    accept: ["Use", "采用"], accepted: ["Accepted: scoring again.", "已采用，重新评分。"],
    blurb: ["Paste a blurb to fill a draft", "粘贴一段介绍，自动填写草稿"],
    blurb_label: ["Product description (zh/en)", "产品介绍（中文或英文）"],
    extract: ["Fill the form from the text", "从文本填写表单"],
    extracted: ["Draft filled from the text: check it, then Score.", "已根据文本填写草稿：请核对后评分。"],
    missing: ["Still to fill", "仍需填写"], negated: ["Mentioned as absent, left out", "文中否定，未填入"],
    suggest: ["Suggestions", "建议"],
  });

  // ---- unknown terms: their suggestions as buttons; one click puts the term in its place and re-scores ----
  WB.renderSuggestions = function (item) {
    const box = el("span", {class: "suggestions"});
    if (!item.suggestions.length) { box.append(el("span", {class: "note", text: t("no_suggestion")})); return box; }
    for (const code of item.suggestions) {
      box.append(el("button", {type: "button", class: "accept", "data-code": code, "data-field": item.field,
        "aria-label": `${t("accept")} ${WB.termLabel(code)} (${item.text})`, onclick: () => accept(item, code)},
        t("accept") + ": " + WB.termLabel(code)));
    }
    return box;
  };

  function accept(item, code) {
    const match = /^(.*?)(?:\[(\d+)\])?$/.exec(item.field);
    const field = match[1], index = match[2] === undefined ? null : Number(match[2]);
    const box = $("#" + WB.inputId(field));
    if (!box) return;
    const label = WB.termLabel(code);
    if (index === null || !WB.isList(field)) box.value = label;
    else {
      const sent = field.startsWith("compliance.") ? (WB.sent.compliance || {})[field.slice(11)] : WB.sent[field];
      const terms = (sent || WB.splitTerms(box.value)).slice();
      terms[index] = label;
      box.value = terms.join(WB.lang === "zh" ? "、" : ", ");
    }
    $("#status").textContent = t("accepted");
    WB.score();
  }

  // ---- a blurb to a draft profile ----
  function buildBlurb() {
    const details = el("details", {id: "blurb-box"},
      el("summary", {"data-i18n": "blurb"}),
      el("label", {for: "blurb", "data-i18n": "blurb_label"}),
      el("textarea", {id: "blurb", rows: 4, maxlength: 5000}),
      el("button", {type: "button", id: "extract", "data-i18n": "extract", onclick: extract}),
      el("div", {id: "extract-note", class: "hint", role: "status"}));
    $("#fields").before(details);
  }

  async function extract() {
    const text = $("#blurb").value.trim();
    if (!text) { $("#blurb").focus(); return; }
    const note = $("#extract-note");
    note.replaceChildren();
    try {
      const name = $("#f-name").value.trim();
      const draft = await WB.api("POST", "/v1/profiles/extract", name ? {text, name} : {text});
      const profile = labelled(draft.profile || {});
      if (!profile.name) profile.name = name;
      WB.fillForm(profile);
      note.append(el("p", {text: t("extracted")}));
      if (draft.missing && draft.missing.length) note.append(el("p", {text: `${t("missing")}: ${draft.missing.map((f) => t("f_" + f.replace("compliance.", ""))).join(", ")}`}));
      if (draft.negated && draft.negated.length) note.append(el("p", {text: `${t("negated")}: ${draft.negated.map((m) => WB.label(m)).join(", ")}`}));
    } catch (error) {
      WB.showProblem(error.problem || {title: error.message});
    }
  }

  // The draft comes back as codes: shown as the taxonomy's words in the page's language.
  function labelled(profile) {
    const out = {};
    for (const [key, value] of Object.entries(profile)) {
      if (key === "compliance" && value) out.compliance = labelled(value);
      else if (Array.isArray(value)) out[key] = value.map((code) => WB.termLabel(code));
      else if (key === "domain" || key === "certification") out[key] = value && WB.taxonomy && WB.taxonomy.has(value) ? WB.termLabel(value) : value;
      else out[key] = value;
    }
    return out;
  }

  // ---- suggestions from the taxonomy as you type, for the word being typed ----
  const MAX = 8;
  function lastToken(value) {
    const parts = value.split(/[;|,，、；\n]/);
    return parts[parts.length - 1].trim();
  }

  function matches(kind, token) {
    if (!WB.terms || !token) return [];
    const q = token.toLowerCase();
    const scored = [];
    for (const term of WB.terms) {
      if (term.kind !== kind) continue;
      const words = [term.en, term.zh, term.code, ...(term.synonyms || [])].filter(Boolean).map((w) => w.toLowerCase());
      const rank = words.some((w) => w.startsWith(q)) ? 0 : words.some((w) => w.includes(q)) ? 1 : -1;
      if (rank >= 0) scored.push([rank, term]);
    }
    return scored.sort((a, b) => a[0] - b[0]).slice(0, MAX).map((x) => x[1]);
  }

  function attachSuggest(field) {
    const input = $("#" + WB.inputId(field));
    const kind = WB.KINDS[field];
    if (!input || !kind) return;
    const list = el("ul", {class: "suggest", id: input.id + "-suggest", hidden: true, "aria-label": t("suggest")});
    input.after(list);
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    const close = () => { list.hidden = true; list.replaceChildren(); };
    const choose = (term) => {
      const label = WB.lang === "zh" ? term.zh : term.en;
      if (WB.isList(field)) {
        const parts = input.value.split(/([;|,，、；\n])/);
        parts[parts.length - 1] = (parts.length > 1 ? " " : "") + label;
        input.value = parts.join("").replace(/^\s+/, "");
      } else input.value = label;
      close(); input.focus();
    };
    input.addEventListener("input", () => {
      const found = matches(kind, lastToken(input.value));
      list.replaceChildren(...found.map((term) => el("li", {},
        el("button", {type: "button", class: "option", "data-code": term.code, onclick: () => choose(term)},
          WB.lang === "zh" ? term.zh : term.en, " ", el("small", {text: WB.lang === "zh" ? term.en : term.zh})))));
      list.hidden = !found.length;
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" && !list.hidden) { e.preventDefault(); list.querySelector("button").focus(); }
      if (e.key === "Escape") close();
    });
    list.addEventListener("keydown", (e) => {
      const buttons = [...list.querySelectorAll("button")], i = buttons.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && i < buttons.length - 1) { e.preventDefault(); buttons[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? buttons[i - 1] : input).focus(); }
      if (e.key === "Escape") { close(); input.focus(); }
    });
    input.addEventListener("blur", () => setTimeout(() => { if (!list.contains(document.activeElement)) close(); }, 150));
  }

  const closeAll = (except) => {
    for (const list of document.querySelectorAll(".suggest")) if (list !== except) { list.hidden = true; list.replaceChildren(); }
  };
  WB.hooks.ready.push(() => {
    document.addEventListener("focusin", (e) => closeAll(e.target.closest(".field")?.querySelector(".suggest")));
    $("#profile-form").addEventListener("submit", () => closeAll(null));
    buildBlurb();
    for (const field of Object.keys(WB.KINDS)) attachSuggest(field);
    WB.setLang(WB.lang);
  });
})();
