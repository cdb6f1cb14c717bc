// A virtualised list: only the rows in view (plus a margin) are in the DOM, so 5000 rows scroll smoothly.
"use strict";
NS.drawTimes = [];  // ms of script per redraw (the benchmark reads them)
NS.vlist = function (container, count, rowHeight, renderRow) {
  container.classList.add("ns-vlist");
  container.innerHTML = `<div class="ns-vspace" style="height:${count * rowHeight}px"><div class="ns-vrows"></div></div>`;
  const rows = container.querySelector(".ns-vrows");
  let first = -1, last = -1, pending = false;
  function draw() {
    pending = false;
    const started = performance.now();
    // The window moves in blocks of rows, so a small scroll redraws nothing (the margin covers it).
    const BLOCK = 10;
    const top = container.scrollTop, height = container.clientHeight || 800;
    const a = Math.max(0, (Math.floor(top / rowHeight / BLOCK) - 1) * BLOCK);
    const b = Math.min(count, a + Math.ceil(height / rowHeight) + 3 * BLOCK);
    if (a === first && b === last) return;
    first = a; last = b;
    let html = "";
    for (let i = a; i < b; i++) html += renderRow(i);
    rows.style.transform = `translateY(${a * rowHeight}px)`;
    rows.innerHTML = html;
    NS.drawTimes.push(performance.now() - started);
    if (NS.drawTimes.length > 1000) NS.drawTimes.shift();
  }
  container.onscroll = () => { if (!pending) { pending = true; requestAnimationFrame(draw); } };
  draw();
  return { redraw: () => { first = last = -1; draw(); } };
};
