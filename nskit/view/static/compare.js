// Compare: the same benchmark in two runs; problems whose majority verdict flipped come first.
"use strict";
NS.page(/^\/compare\/b(\d+)$/, async function (main, match) {
  const data = await NS.load(`compare/b${match[1]}`);
  NS.crumbs([["overview", "#/"], [`compare ${data.benchmark}`, null]]);
  const width = NS.setCellWidth(Math.max(data.files_a.length, data.files_b.length) * 2) / 2;
  const verdict = (v) => v == null ? "–" : v ? "right" : "wrong";
  main.innerHTML = `<p class="count">${data.flipped} problem(s) flipped between A and B; ${data.only_in_a} only in A.
      Flipped = the majority answer is right in one run and wrong in the other.</p>
    <div class="row head cmp"><span class="num">#</span><span class="text">problem</span><span class="flip">A → B</span>
      <span class="rate">A</span><span class="cells" style="width:${width}px">files</span><span class="rate">B</span><span class="cells" style="width:${width}px">files</span></div>
    <div class="problems"></div>`;
  const box = main.querySelector(".problems");
  box.onmousemove = (event) => NS.stripTitle(event, event.target.closest(".cells.b") ? data.files_b : data.files_a);
  NS.vlist(box, data.rows.length, 30, (k) => {
    const r = data.rows[k];
    const b = r.b == null ? '<span class="meta">not in B</span>' : `<a href="#/r1/b${data.bench_b}/p${r.b}">${NS.pct(r.rate_b)}</a>`;
    return `<div class="row cmp${r.flipped ? " flipped" : ""}" data-a="${r.a}"><span class="num">${r.a + 1}</span>
      <a class="text" href="#/r0/b${data.bench_a}/p${r.a}">${NS.esc(r.text.slice(0, 160))}</a>
      <span class="flip">${verdict(r.right_a)} → ${verdict(r.right_b)}</span>
      <span class="rate">${NS.pct(r.rate_a)}</span><span class="cells a" style="width:${width}px">${NS.stripHtml(r.cells_a)}</span>
      <span class="rate">${b}</span><span class="cells b" style="width:${width}px">${NS.stripHtml(r.cells_b)}</span></div>`;
  });
});
