// Problem list: one row per problem, one cell per output file; filters, search and sort run in the browser.
"use strict";
(function () {
  const ROW = 30;
  const SHOWS = [
    ["", "all problems"],
    ["wrong_all", "wrong in all"],
    ["right_some", "right in some"],
    ["no_answer", "no answer (some file)"],
    ["disagree", "symbolic and judge disagree"],
    ["grading_error", "grading errors"],
    ["generation_error", "generation errors"],
  ];
  const SORTS = [["", "problem order"], ["rate", "pass rate ↑"], ["-rate", "pass rate ↓"], ["share", "vote share ↑"]];

  function select(name, options, value) {
    return `<select name="${name}">${options.map(([v, label]) =>
      `<option value="${NS.esc(v)}"${v === value ? " selected" : ""}>${NS.esc(label)}</option>`).join("")}</select>`;
  }

  function filter(data, query) {
    const n = data.id.length;
    const flagged = {};
    for (const [name, list] of Object.entries(data.flags)) flagged[name] = new Set(list);
    const needle = (query.q || "").toLowerCase();
    const out = [];
    for (let i = 0; i < n; i++) {
      const correct = data.correct[i], present = data.present[i];
      switch (query.show || "") {
        case "wrong_all": if (correct !== 0) continue; break;
        case "right_some": if (!(correct > 0 && correct < present)) continue; break;
        case "": break;
        default: if (!flagged[query.show] || !flagged[query.show].has(i)) continue;
      }
      let facetMiss = false;
      for (const [name, facet] of Object.entries(data.facets)) {
        const want = query["f_" + name];
        if (want !== undefined && want !== "" && facet.values[facet.of[i]] !== want) { facetMiss = true; break; }
      }
      if (facetMiss) continue;
      if (needle && !(data.text[i].toLowerCase().includes(needle) || String(data.id[i] ?? "").toLowerCase().includes(needle))) continue;
      out.push(i);
    }
    const rate = (i) => data.present[i] ? data.correct[i] / data.present[i] : 0;
    if (query.sort === "rate") out.sort((a, b) => rate(a) - rate(b) || a - b);
    if (query.sort === "-rate") out.sort((a, b) => rate(b) - rate(a) || a - b);
    if (query.sort === "share") out.sort((a, b) => data.share[a] - data.share[b] || a - b);
    return out;
  }

  NS.page(/^\/r(\d+)\/b(\d+)$/, async function (main, match, query) {
    const run = Number(match[1]), bench = Number(match[2]);
    const data = await NS.load(`r${run}/b${bench}/list`);
    NS.crumbs([["overview", "#/"], [data.benchmark, null]]);
    const stripWidth = NS.setCellWidth(data.files.length);
    const facets = Object.entries(data.facets).map(([name, facet]) =>
      `<label>${NS.esc(name)} ${select("f_" + name, [["", "any"], ...facet.values.map((v) => [v, v])], query["f_" + name] || "")}</label>`).join("");
    main.innerHTML = `<div class="toolbar">
        <label>show ${select("show", SHOWS, query.show || "")}</label>${facets}
        <label>sort ${select("sort", SORTS, query.sort || "")}</label>
        <input type="search" name="q" placeholder="search problem text" value="${NS.esc(query.q || "")}">
        <span class="count"></span></div>
      <div class="legend">${Object.entries(NS.states).map(([s, name]) => `<span class="cell s-${s}"></span>${NS.esc(name)}`).join(" ")}</div>
      <div class="row head"><span class="num">#</span><span class="text">problem</span><span class="ans">expected</span>
        <span class="ans">majority</span><span class="share">votes</span><span class="rate">pass</span>
        <span class="cells" style="width:${stripWidth}px">files (${data.files.length})</span></div>
      <div class="problems"></div>`;
    const box = main.querySelector(".problems");
    box.onmousemove = (event) => NS.stripTitle(event, data.files);
    const answers = new Map();
    const answer = (i, which) => {
      const key = which + i;
      if (!answers.has(key)) answers.set(key, NS.answerHtml(which === "e" ? data.expected[i] : data.majority[i]));
      return answers.get(key);
    };
    function show() {
      const state = {};
      main.querySelectorAll(".toolbar select, .toolbar input").forEach((el) => { state[el.name] = el.value; });
      NS.setQuery(state);
      const rows = filter(data, state);
      main.querySelector(".count").textContent = `${rows.length} of ${data.id.length} problems`;
      NS.vlist(box, rows.length, ROW, (k) => {
        const i = rows[k];
        const rate = data.present[i] ? data.correct[i] / data.present[i] : 0;
        const ok = data.score[i] == null ? "" : data.score[i] > 0.5 ? " ok" : " bad";
        return `<a class="row" href="#/r${run}/b${bench}/p${i}" data-p="${i}"><span class="num">${i + 1}</span>
          <span class="text" title="${NS.esc(data.text[i].slice(0, 300))}">${NS.esc(data.text[i].slice(0, 160))}</span>
          <span class="ans">${answer(i, "e")}</span><span class="ans${ok}">${answer(i, "m")}${data.tied[i] ? ' <span class="meta">tie</span>' : ""}</span>
          <span class="share">${NS.pct(data.share[i])}</span><span class="rate">${NS.pct(rate)}</span>
          <span class="cells" style="width:${stripWidth}px">${NS.stripHtml(data.cells[i])}</span></a>`;
      });
    }
    let timer = null;
    main.querySelectorAll(".toolbar select").forEach((el) => el.addEventListener("change", show));
    main.querySelector(".toolbar input").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(show, 150); });
    show();
  });
})();
