// Problem page: the problem, expected answer, answers grouped by class, then one generation at a time
// (switch with the cells, the buttons or the arrow keys) with its verdicts and sections.
"use strict";
(function () {
  const mark = (v) => v == null ? "–" : v ? "✓" : "✗";
  const badge = (name, v) => v == null ? "" : `<span class="badge ${v ? "ok" : "bad"}" data-verdict="${name}">${name} ${mark(v)}</span>`;

  const SECTION = {
    markdown: (d) => `<div class="md">${NS.markdown(d)}</div>`,
    text: (d) => `<pre>${NS.esc(d)}</pre>`,
    json: (d) => `<pre>${NS.esc(JSON.stringify(d, null, 2))}</pre>`,
    table: (d) => `<table class="kv">${Object.entries(d).map(([k, v]) => `<tr><th>${NS.esc(k)}</th><td>${NS.esc(typeof v === "string" ? v : JSON.stringify(v))}</td></tr>`).join("")}</table>`,
    code_steps: (steps) => steps.map((s, i) => `<div class="step"><div class="step-head">step ${i + 1}
        <span class="badge ${s.status === "completed" ? "ok" : "bad"}">${NS.esc(s.status || "")}</span>
        ${s.wall_time != null ? `<span class="meta">${Number(s.wall_time).toFixed(2)} s</span>` : ""}</div>
        <pre class="code">${NS.esc(s.code || "")}</pre>
        ${s.stdout ? `<pre class="out">${NS.esc(s.stdout)}</pre>` : ""}
        ${s.stderr ? `<pre class="err">${NS.esc(s.stderr)}</pre>` : ""}
        ${s.error ? `<div class="error">${NS.esc(s.error)}</div>` : ""}</div>`).join(""),
    steps: (d) => `<div class="steps">${d.probs.map((p, i) => `<span class="step-cell" title="step ${i + 1}: p=${p}, rank ${d.ranks[i]}${d.ranks[i] >= d.k ? "+" : ""}" style="background:hsl(${Math.round(120 * p)},70%,55%)"></span>`).join("")}</div>`,
    tokens: (pairs) => `<div class="tokens">${pairs.map(([t, p]) => `<span title="p=${p}" style="background:hsl(${p == null ? 0 : Math.round(120 * p)},70%,85%)">${NS.esc(t)}</span>`).join("")}</div>`,
  };

  function section(s) {
    const body = (SECTION[s.kind] || SECTION.json)(s.data);
    return `<details class="section" data-kind="${NS.esc(s.kind)}"${s.open ? " open" : ""}><summary>${NS.esc(s.title)}</summary>${body}</details>`;
  }

  function generation(g) {
    if (!g) return `<div class="gen missing">this file has no record for this problem</div>`;
    const meta = [
      g.tokens != null ? `${g.tokens} tokens` : "",
      g.reasoning_tokens != null ? `${g.reasoning_tokens} of them reasoning` : "",
      g.input_tokens != null ? `${g.input_tokens} prompt tokens` : "",
      g.reward != null ? `reward ${Number(g.reward).toFixed(3)}` : "",
      g.seconds != null ? `${Number(g.seconds).toFixed(1)} s` : "",
      g.finish_reason ? `finish: ${NS.esc(g.finish_reason)}` : "",
    ].filter(Boolean).join(" · ");
    const errors = [["error", g.error], ["grading error", g.grading_error], ["judge error", g.judge_error], ["judge gave no verdict", g.judge_no_verdict]]
      .filter(([, e]) => e).map(([n, e]) => `<div class="error">${n}: ${NS.esc(typeof e === "string" ? e : JSON.stringify(e))}</div>`).join("");
    return `<div class="gen" data-label="${NS.esc(g.label)}">
      <div class="gen-head"><span class="label">${NS.esc(g.label)}</span> <span class="meta">${NS.esc(g.file)}</span>
        <span class="predicted">answer: ${NS.answerHtml(g.predicted_answer)}</span>
        ${badge("symbolic", g.symbolic_correct)} ${badge("judge", g.judge_correct)} ${badge("passed", g.passed)}
        <span class="meta">${meta}</span></div>
      ${errors}
      ${g.span == null && g.predicted_answer != null ? '<div class="note">the answer was not found in the text (filled or normalised)</div>' : ""}
      <div class="md generation">${NS.markdown(g.generation, g.span)}</div>
      ${g.sections.map(section).join("")}
    </div>`;
  }

  NS.page(/^\/r(\d+)\/b(\d+)\/p(\d+)$/, async function (main, match, query) {
    const run = Number(match[1]), bench = Number(match[2]), p = Number(match[3]);
    const data = await NS.load(`r${run}/b${bench}/p${p}`);
    const base = `#/r${run}/b${bench}`;
    NS.crumbs([["overview", "#/"], [data.benchmark, base], [`problem ${p + 1} of ${data.problems}`, null]]);
    const first = data.generations.findIndex((g) => g);
    const code = data.generations.some((g) => g && g.passed != null);  // graded by execution: no math grader
    let selected = query.g != null ? Number(query.g) : first;
    const cells = data.generations.map((g) => g ? g.state : "m").join("");
    const labels = data.files.map((f) => f.label);
    const dataRows = Object.entries(data.data).map(([k, v]) => `<tr><th>${NS.esc(k)}</th><td>${
      typeof v === "string" && v.length > 200 ? `<details><summary>${NS.esc(v.slice(0, 80))}…</summary><div class="md">${NS.markdown(v)}</div></details>`
        : NS.esc(typeof v === "string" ? v : JSON.stringify(v))}</td></tr>`).join("");
    const groupRows = (list) => list.map((g) => `<tr class="group"><td class="ans">${NS.answerHtml(g.answer)}</td>
      <td>${g.members.length} (${NS.pct(g.members.length / labels.length)})</td>
      <td class="${g.correct == null ? "" : g.correct > 0.5 ? "ok" : "bad"}">${g.correct == null ? "–" : g.correct === 1 ? "✓" : g.correct === 0 ? "✗" : NS.pct(g.correct)}</td>
      <td>${g.members.map((i) => `<a class="cell s-${cells[i]}" data-i="${i}" href="#" title="${NS.esc(labels[i])}"></a>`).join("")}</td></tr>`).join("");
    const groups = groupRows(data.groups);
    main.innerHTML = `<div class="pager">${p > 0 ? `<a href="${base}/p${p - 1}">← previous</a>` : ""}
        ${p + 1 < data.problems ? `<a href="${base}/p${p + 1}">next →</a>` : ""}</div>
      <section class="problem"><h2>problem ${p + 1}${data.id != null ? ` <span class="meta">${NS.esc(data.id)}</span>` : ""}</h2>
        <div class="md">${NS.markdown(data.problem)}</div>
        ${data.expected_answer != null ? `<p class="expected">expected answer: ${NS.answerHtml(data.expected_answer)}</p>` : ""}
        ${dataRows ? `<details class="data"><summary>data fields</summary><table class="kv">${dataRows}</table></details>` : ""}
      </section>
      <section><h3>answers, grouped <span class="grouping">as majority@k counts them</span>
        ${code ? "" : `<button class="regroup">group by the grader's equivalence</button>`}</h3>
        <table class="groups"><thead><tr><th>answer</th><th>votes</th><th>correct</th><th>files</th></tr></thead><tbody>${groups}</tbody></table></section>
      <section><h3>generations</h3>
        <div class="switch"><button class="prev">←</button><span class="cells"></span><button class="next">→</button>
          <span class="current"></span></div>
        <div class="generation-box"></div></section>`;
    const box = main.querySelector(".generation-box");
    if (!code) main.querySelector(".regroup").onclick = async (event) => {
      // Served only: the grader runs on the server (an export has no grader, and says so).
      event.target.disabled = true;
      try {
        const grouped = await NS.load(`r${run}/b${bench}/g${p}`);
        main.querySelector("table.groups tbody").innerHTML = groupRows(grouped);
        main.querySelector(".grouping").textContent = "by the grader's equivalence";
      } catch (error) {
        main.querySelector(".grouping").textContent = "as majority@k counts them (the grader needs ns view's server: " + error.message + ")";
      }
    };
    function pick(i) {
      if (i < 0 || i >= labels.length) return;
      selected = i;
      NS.setQuery({ g: i });
      main.querySelector(".switch .cells").innerHTML = NS.cellsHtml(cells, labels, i, () => "#");
      main.querySelector(".current").textContent = `${labels[i]} (${i + 1} of ${labels.length})`;
      box.innerHTML = generation(data.generations[i]);
    }
    main.onclick = (event) => {
      const cell = event.target.closest("a.cell");
      if (cell) { event.preventDefault(); pick(Number(cell.dataset.i)); }
    };
    main.querySelector(".prev").onclick = () => pick(selected - 1);
    main.querySelector(".next").onclick = () => pick(selected + 1);
    document.onkeydown = (event) => {
      if (!document.body.contains(box) || event.target.closest("input, select, textarea")) return;
      if (event.key === "ArrowLeft") pick(selected - 1);
      if (event.key === "ArrowRight") pick(selected + 1);
    };
    pick(selected);
  });
})();
