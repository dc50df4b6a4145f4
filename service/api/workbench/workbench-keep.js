/* Step 4: keep and share. The whole state in the URL (nothing stored on the server), the answer as
   JSON, and a print stylesheet for a one- or two-page client report (browser print to PDF). */
"use strict";
(function () {
  const WB = window.WB, {el, $, t} = WB;
  Object.assign(WB.texts, {
    copy_link: ["Copy link", "复制链接"], copied: ["Link copied: it holds the whole state.", "链接已复制：其中包含全部状态。"],
    download_json: ["Download JSON", "下载 JSON"], print: ["Print report", "打印报告"],
    printed_on: ["Client report", "客户报告"], bad_link: ["This link's state could not be read.", "无法读取此链接中的状态。"],
  });

  // UTF-8 JSON as base64url, so that Chinese survives any mail client or chat that carries the link.
  const encode = (value) => {
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const decode = (text) => {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  };
  WB.encodeState = encode;
  WB.decodeState = decode;

  WB.state = () => ({l: WB.lang, p: WB.sent, v: (WB.variants || []).map((v) => ({e: v.edits, m: v.move}))});
  function save() {
    if (!WB.sent || restoring) return;
    const url = new URL(location.href);
    url.searchParams.delete("lang");
    url.hash = "s=" + encode(WB.state());
    history.replaceState(null, "", url);
  }
  WB.saveState = save;

  let restoring = false;
  async function restore() {
    const match = /(?:^#|&)s=([A-Za-z0-9_-]+)/.exec(location.hash);
    if (!match) return;
    let state;
    try { state = decode(match[1]); } catch (error) { $("#status").textContent = t("bad_link"); return; }
    restoring = true;
    try {
      if (state.l) WB.setLang(state.l);
      if (!state.p) return;
      WB.fillForm(state.p);
      const answer = await WB.score(state.p);
      if (answer && state.v && state.v.length) {
        WB.variants = state.v.slice(0, 3).map((v) => ({edits: v.e, move: v.m || null, label: null}));
        await WB.compare();
      }
    } finally {
      restoring = false;
      save();
    }
  }

  function printProfile() {
    const box = $("#print-profile");
    box.replaceChildren();
    if (!WB.sent) return;
    const rows = [];
    for (const field of WB.FIELDS) {
      const [top, sub] = field.split(".");
      const v = sub ? (WB.sent.compliance || {})[sub] : WB.sent[top];
      if (v === undefined || v === null || v === "" || field === "name") continue;
      rows.push(el("dt", {text: t("f_" + (sub || top))}), el("dd", {text: Array.isArray(v) ? v.join(", ") : String(v)}));
    }
    box.append(el("p", {class: "print-title", text: `${t("printed_on")} · ${new Date().toISOString().slice(0, 10)}`}), el("dl", {}, rows));
  }

  WB.hooks.ready.push(() => {
    const tools = $(".tools"), docs = tools.querySelector("a");
    docs.before(
      el("button", {type: "button", id: "copy-link", "data-i18n": "copy_link", onclick: copyLink}),
      el("button", {type: "button", id: "download-json", "data-i18n": "download_json", disabled: true, onclick: downloadJson}),
      el("button", {type: "button", id: "print", "data-i18n": "print", onclick: () => window.print()}));
    $("#report-title").after(el("div", {id: "print-profile", class: "print-only"}));
    WB.setLang(WB.lang);
    restore();
  });
  WB.hooks.render.push(() => { $("#download-json").disabled = !WB.answer; printProfile(); save(); });
  WB.hooks.reset.push(() => save());
  (WB.hooks.variants = WB.hooks.variants || []).push(() => save());

  async function copyLink() {
    save();
    try { await navigator.clipboard.writeText(location.href); } catch (error) { /* the address bar holds it too */ }
    $("#status").textContent = t("copied");
  }

  function downloadJson() {
    if (!WB.answer) return;
    const name = ((WB.sent && WB.sent.name) || "answer").replace(/[\\/:*?"<>|]+/g, "_");
    WB.download(JSON.stringify(WB.answer, null, 2), "application/json", name + ".diffscore.json");
  }
})();
