// Overview: per run and benchmark the summarize_results table (the CLI's own cells), issues and warnings.
"use strict";
NS.page(/^\/?$/, async function (main) {
  const summary = NS.summary;
  NS.crumbs([["overview", null]]);
  const two = summary.runs.length === 2;
  let html = "";
  summary.runs.forEach((run, r) => {
    html += `<section class="run" data-run="${r}"><h1>${two ? (r === 0 ? "run A: " : "run B: ") : ""}${NS.esc(run.root)}</h1>`;
    run.benchmarks.forEach((bench, b) => {
      const [header, ...rows] = bench.table;
      const other = two ? summary.runs[1 - r].benchmarks.findIndex((x) => x.name === bench.name) : -1;
      const compare = two && other >= 0 ? ` · <a class="compare-link" href="#/compare/b${r === 0 ? b : other}">compare A/B</a>` : "";
      html += `<div class="bench" data-bench="${NS.esc(bench.name)}"><h2>${NS.esc(bench.name)}</h2>
        <p><a class="list-link" href="#/r${r}/b${b}">${bench.problems} problems × ${bench.files.length} file(s)</a>${compare}</p>
        <table class="summary"><thead><tr>${header.map((h) => `<th>${NS.esc(h)}</th>`).join("")}</tr></thead><tbody>
        ${rows.map((row) => `<tr data-row="${NS.esc(row[0].replace(/ \*$/, ""))}">${row.map((c, i) =>
          `<td data-col="${NS.esc(header[i])}">${NS.esc(c)}</td>`).join("")}</tr>`).join("")}
        </tbody></table>
        ${bench.issues.length ? `<div class="issues"><b>* rows read files with problems:</b><ul>${bench.issues.map((i) => `<li>${NS.esc(i)}</li>`).join("")}</ul></div>` : ""}
        ${bench.warnings.map((w) => `<div class="warning">warning: ${NS.esc(w)}</div>`).join("")}
      </div>`;
    });
    html += "</section>";
  });
  main.innerHTML = html;
});
