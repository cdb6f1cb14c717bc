// ns view: data loading (one script per payload, so the page also works from files on disk), routing, helpers.
"use strict";
const NS = {
  pages: [],            // [regex, render(match, query)] in match order
  cache: new Map(),     // data path -> payload
  waiting: new Map(),   // data path -> [resolve, reject]
  states: {},
};

NS.CACHED = 24;  // payloads kept (problem pages of 64 long generations are MBs each); the oldest go first

NS.receive = function (path, payload) {
  NS.cache.set(path, payload);
  while (NS.cache.size > NS.CACHED) NS.cache.delete(NS.cache.keys().next().value);
  const w = NS.waiting.get(path);
  if (w) { NS.waiting.delete(path); w[0](payload); }
};

NS.fail = function (path, message) {
  const w = NS.waiting.get(path);
  if (w) { NS.waiting.delete(path); w[1](new Error(message)); }
};

NS.load = function (path) {
  if (NS.cache.has(path)) {
    const payload = NS.cache.get(path);
    NS.cache.delete(path);  // most recently used last
    NS.cache.set(path, payload);
    return Promise.resolve(payload);
  }
  return new Promise((resolve, reject) => {
    NS.waiting.set(path, [resolve, reject]);
    const script = document.createElement("script");
    script.src = "data/" + path + ".js";
    script.onerror = () => NS.fail(path, "could not load data/" + path + ".js");
    script.onload = () => script.remove();
    document.head.appendChild(script);
  });
};

NS.page = function (pattern, render) { NS.pages.push([pattern, render]); };

NS.esc = function (text) {
  return String(text == null ? "" : text).replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
};

NS.pct = function (x) { return x == null ? "" : (100 * x).toFixed(0) + "%"; };

NS.crumbs = function (parts) {
  document.getElementById("crumbs").innerHTML = parts
    .map(([label, href]) => href ? `<a href="${href}">${NS.esc(label)}</a>` : `<span>${NS.esc(label)}</span>`)
    .join(" / ");
};

NS.query = function (text) {
  const out = {};
  new URLSearchParams(text || "").forEach((v, k) => { out[k] = v; });
  return out;
};

NS.setQuery = function (query) {
  // Replace the query part of the current route without a new history entry or a re-render.
  const [route] = location.hash.slice(1).split("?");
  const params = new URLSearchParams();
  Object.entries(query).forEach(([k, v]) => { if (v !== "" && v != null) params.set(k, v); });
  const text = params.toString();
  history.replaceState(null, "", "#" + route + (text ? "?" + text : ""));
};

NS.cellsHtml = function (cells, labels, selected, href) {
  // One small square per output file, coloured by its state letter (see STATE_NAMES on the Python side).
  let html = "";
  for (let i = 0; i < cells.length; i++) {
    const s = cells[i];
    const title = (labels ? labels[i] + ": " : "") + (NS.states[s] || s);
    const cls = "cell s-" + s + (i === selected ? " sel" : "");
    html += href ? `<a class="${cls}" data-i="${i}" href="${href(i)}" title="${NS.esc(title)}"></a>`
                 : `<span class="${cls}" data-i="${i}" title="${NS.esc(title)}"></span>`;
  }
  return html;
};

NS.COLORS = { c: "#2e9e4f", w: "#d64545", n: "#9aa3b2", d: "#f0a020", e: "#4b2a7b", g: "#b04fd0", m: "#ffffff", u: "#d8dce4" };
NS.CELL = 10;
NS.strips = new Map();

NS.setCellWidth = function (files) {
  // Cells shrink (to 3 px) so that up to ~200 files fit in one row.
  const width = Math.max(3, Math.min(10, Math.floor(640 / Math.max(1, files))));
  if (width !== NS.CELL) { NS.CELL = width; NS.strips.clear(); }
  return width * files;
};

NS.stripHtml = function (cells) {
  // The cells of a list row as one element (a gradient per file), so long lists scroll without thousands of
  // nodes; the file under the mouse is named by NS.stripTitle.
  let html = NS.strips.get(cells);
  if (html === undefined) {
    const w = NS.CELL, stops = [];
    for (let i = 0; i < cells.length; i++) stops.push(`${NS.COLORS[cells[i]] || "#ccd"} ${i * w}px ${(i + 1) * w}px`);
    const gap = w >= 6 ? `repeating-linear-gradient(to right, transparent 0 ${w - 1}px, #fff ${w - 1}px ${w}px), ` : "";
    const bg = gap + `linear-gradient(to right, ${stops.join(", ")})`;
    html = `<span class="strip" data-cells="${cells}" style="width:${cells.length * w}px;background:${bg}"></span>`;
    if (NS.strips.size > 20000) NS.strips.clear();
    NS.strips.set(cells, html);
  }
  return html;
};

NS.stripTitle = function (event, labels) {
  const strip = event.target.closest && event.target.closest(".strip");
  if (!strip) return;
  const i = Math.floor(event.offsetX / NS.CELL), s = strip.dataset.cells[i];
  if (s !== undefined) strip.title = `${labels[i]}: ${NS.states[s] || s}`;
};

NS.render = async function () {
  const main = document.getElementById("main");
  main.onclick = null;
  document.onkeydown = null;
  const [route, query] = location.hash.slice(1).split("?");
  for (const [pattern, render] of NS.pages) {
    const match = (route || "/").match(pattern);
    if (!match) continue;
    try {
      if (!NS.summary) {
        NS.summary = await NS.load("summary");
        NS.states = NS.summary.states;
      }
      await render(main, match, NS.query(query));
      document.body.dataset.page = pattern.source;
    } catch (error) {
      main.innerHTML = `<div class="error">${NS.esc(error.message)}</div>`;
    }
    return;
  }
  main.innerHTML = `<div class="error">no page ${NS.esc(route)}</div>`;
};

NS.start = function () {
  window.addEventListener("hashchange", NS.render);
  NS.render();
};
