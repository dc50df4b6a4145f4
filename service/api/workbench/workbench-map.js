/* Step 5: where it stands. The product among its nearest benchmarks (named products, and the
   market's look-alike archetypes drawn apart, sized by how many products they stand for), and the
   white-space cells of its market (POST /v1/white-space). */
"use strict";
(function () {
  const WB = window.WB, {el, $, t, svg} = WB;
  Object.assign(WB.texts, {
    map: ["Where it stands", "市场定位"], map_caption: ["Nearer the centre = more similar to this product (rings: similarity).",
      "越靠近中心与本产品越相似（圆环：相似度）。"],
    this_product: ["this product", "本产品"], archetype: ["market archetype", "市场同质化原型"], product: ["benchmark product", "基准产品"],
    stands_for: ["stands for {n} products", "代表 {n} 款产品"], similarity: ["similarity", "相似度"], verdict: ["verdict", "结论"],
    shared: ["shared terms", "共同要素"], kind: ["kind", "类型"], name: ["name", "名称"],
    v_differentiated: ["differentiated", "差异化"], v_homogeneous: ["homogeneous", "同质化"], v_penalised: ["penalised", "受处罚"], v_none: ["–", "–"],
    white_space: ["White space", "市场空白"], ws_cell: ["technology × scenario × segment", "技术 × 场景 × 客群"],
    ws_fit: ["cell fit", "组合契合度"], ws_product_fit: ["fit with the product", "与产品契合度"], ws_nearest: ["nearest occupied cell", "最近的已占据组合"],
    ws_none: ["No coherent cell of this market is left unoccupied.", "本市场没有未被占据的契合组合。"], ws_try: ["Try as a variant", "作为方案试算"],
    ws_loading: ["Looking for white space…", "正在寻找市场空白…"],
  });
  let space = null, spaceFor = null;

  function buildSection() {
    $("#report").append(el("section", {class: "block map-block", id: "map-block", "aria-labelledby": "map-h"},
      el("h3", {id: "map-h", "data-i18n": "map"}),
      el("div", {class: "map-wrap"}, el("figure", {id: "map-figure"}), el("div", {class: "table-wrap"}, el("table", {id: "nearest", class: "nearest"}))),
      el("h4", {id: "ws-h", "data-i18n": "white_space"}), el("p", {id: "ws-note", class: "hint"}),
      el("div", {class: "table-wrap"}, el("table", {id: "white-space", class: "nearest", "aria-labelledby": "ws-h"}))));
  }

  const VERDICT_COLOUR = {differentiated: "#1f7a3f", homogeneous: "#b3261e", penalised: "#5b1a8c"};
  const name = (n) => (WB.lang === "zh" ? n.name_zh || n.name_en : n.name_en || n.name_zh);

  function renderMap(a) {
    const items = a.nearest_benchmarks || [];
    const W = 700, H = 380, cx = W / 2, cy = H / 2, R = 160;
    const minSim = Math.min(1, ...items.map((n) => n.similarity));
    const span = Math.max(0.1, Math.ceil((1 - minSim) * 10 + 0.5) / 10);  // radius axis: 1 - similarity, in tenths
    const radius = (sim) => (R * (1 - sim)) / span;
    const figure = $("#map-figure");
    const chart = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "map-title map-desc", class: "map"});
    chart.append(svg("title", {id: "map-title"}, t("map")), svg("desc", {id: "map-desc"}, t("map_caption")));
    for (let k = 1; k <= Math.round(span * 10); k++) {
      const r = (R * k) / 10 / span;
      chart.append(svg("circle", {cx, cy, r, class: "ring"}),
        svg("text", {x: cx + 3, y: cy - r - 2, class: "ring-label"}, `${t("similarity")} ${WB.fmt(1 - k / 10, 1)}`));
    }
    // Evenly around the centre, most similar first; archetypes drawn as dashed rings sized by log(products).
    items.forEach((n, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, items.length);
      const x = cx + radius(n.similarity) * Math.cos(angle), y = cy + radius(n.similarity) * Math.sin(angle);
      const colour = VERDICT_COLOUR[n.verdict] || "#4f5b6b";
      const g = svg("g", {class: n.archetype ? "point archetype" : "point named", "data-id": n.id});
      if (n.archetype) {
        const size = 8 + 4 * Math.log10(Math.max(1, n.products));
        g.append(svg("rect", {x: x - size, y: y - size, width: 2 * size, height: 2 * size, rx: 3, fill: colour, "fill-opacity": 0.15, stroke: colour, "stroke-dasharray": "4 3", "stroke-width": 2}),
          svg("text", {x, y: y + 4, "text-anchor": "middle", class: "count", fill: colour}, "×" + n.products));
      } else g.append(svg("circle", {cx: x, cy: y, r: 6, fill: colour}));
      const right = Math.cos(angle) >= -0.05;
      g.append(svg("text", {x: x + (right ? 14 : -14), y: y - 10, "text-anchor": right ? "start" : "end", class: "label"}, short(name(n), 34)));
      g.append(svg("title", {}, `${name(n)} · ${n.archetype ? t("archetype") : t("product")} · ${t("similarity")} ${WB.fmt(n.similarity, 2)}`));
      chart.append(g);
    });
    chart.append(svg("circle", {cx, cy, r: 8, class: "me"}), svg("text", {x: cx, y: cy + 24, "text-anchor": "middle", class: "me-label"}, t("this_product")));
    figure.replaceChildren(chart, el("figcaption", {class: "hint"}, t("map_caption"), " ",
      el("span", {class: "legend-archetype", text: "▭ " + t("archetype")}), " ", el("span", {class: "legend-named", text: "● " + t("product")})));
    // The same as a table, for reading and for screen readers.
    $("#nearest").replaceChildren(
      el("thead", {}, el("tr", {}, [t("name"), t("kind"), t("verdict"), t("similarity"), t("shared")].map((h) => el("th", {scope: "col", text: h})))),
      el("tbody", {}, items.map((n) => el("tr", {class: n.archetype ? "archetype" : "named", "data-id": n.id},
        el("td", {text: name(n)}),
        el("td", {}, n.archetype ? el("span", {class: "tag archetype", text: `${t("archetype")} · ${t("stands_for").replace("{n}", n.products)}`})
          : el("span", {class: "tag named", text: t("product")})),
        el("td", {text: t("v_" + (n.verdict || "none"))}), el("td", {text: WB.fmt(n.similarity, 2)}),
        el("td", {class: "shared", text: (n.shared || []).map((s) => WB.termLabel(s.split(":")[1])).join(", ")})))));
  }
  const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

  async function loadWhiteSpace() {
    const key = JSON.stringify(WB.sent);
    if (spaceFor === key) return renderWhiteSpace();
    spaceFor = key; space = null;
    $("#ws-note").textContent = t("ws_loading");
    $("#white-space").replaceChildren();
    try { space = await WB.api("POST", "/v1/white-space", WB.sent); }
    catch (error) { $("#ws-note").textContent = (error.problem && error.problem.title) || error.message; return; }
    if (spaceFor === key) renderWhiteSpace();
  }

  function renderWhiteSpace() {
    if (!space) return;
    const cells = space.cells || [];
    $("#ws-note").textContent = cells.length ? WB.label(space.note, "text_en", "text_zh") + ` (${space.note.section})` : t("ws_none");
    const have = new Set(Object.values(WB.answer.profile || {}).flat().filter((v) => typeof v === "string"));
    const ref = (r) => WB.label(r);
    $("#white-space").replaceChildren(
      el("thead", {}, el("tr", {}, [t("ws_cell"), t("ws_fit"), t("ws_product_fit"), t("ws_nearest"), t("ws_try")].map((h) => el("th", {scope: "col", text: h})))),
      el("tbody", {}, cells.map((c, i) => {
        const edits = [["tech_stack", c.technology], ["scenarios", c.scenario], ["target_segments", c.segment]]
          .filter(([, r]) => !have.has(r.code)).map(([field, r]) => ({action: "add", field, value: r.code}));
        return el("tr", {"data-index": i},
          el("td", {text: `${ref(c.technology)} × ${ref(c.scenario)} × ${ref(c.segment)}`}),
          el("td", {text: WB.fmt(c.fit, 2)}), el("td", {text: WB.fmt(c.product_fit, 2)}),
          el("td", {text: c.nearest ? `${ref(c.nearest.technology)} × ${ref(c.nearest.scenario)} × ${ref(c.nearest.segment)} (${c.nearest.benchmarks.join(", ")})` : "–"}),
          el("td", {}, edits.length ? el("button", {type: "button", class: "try", "aria-label": `${t("ws_try")}: ${ref(c.technology)} × ${ref(c.scenario)} × ${ref(c.segment)}`,
            onclick: () => WB.tryEdits(edits, null, {label_en: `+ ${c.technology.label_en} × ${c.scenario.label_en} × ${c.segment.label_en}`,
              label_zh: `+ ${c.technology.label_zh} × ${c.scenario.label_zh} × ${c.segment.label_zh}`})}, t("ws_try")) : null));
      })));
  }

  WB.hooks.ready.push(() => { buildSection(); WB.setLang(WB.lang); });
  WB.hooks.render.push((a) => { renderMap(a); loadWhiteSpace(); });
})();
