// Markdown + LaTeX, offline: math is cut out before Markdown (so `_` and `\` inside it survive), Markdown is
// rendered by marked and sanitised by DOMPurify, then KaTeX's output goes back in. An answer span [start, end)
// of the source text is marked: the math around it, or the text itself.
"use strict";
(function () {
  const TOKENS = new RegExp([
    "```[\\s\\S]*?(?:```|$)",                 // fenced code: no math inside
    "`[^`\\n]+`",                              // inline code
    "\\$\\$([\\s\\S]+?)\\$\\$",                // $$ display $$
    "\\\\\\[([\\s\\S]+?)\\\\\\]",              // \[ display \]
    "\\\\\\(([\\s\\S]+?)\\\\\\)",              // \( inline \)
    "\\$(?!\\s)((?:\\\\.|[^$\\\\\\n])+?)(?<!\\s)\\$(?!\\d)", // $inline$ (not "$5 and $6")
    "(\\\\boxed\\{(?:[^{}]|\\{(?:[^{}]|\\{[^{}]*\\})*\\})*\\})",  // a bare \boxed{...} outside $
  ].join("|"), "g");
  const MATH_OPEN = "\uE010", MATH_CLOSE = "\uE011", MARK_OPEN = "\uE020", MARK_CLOSE = "\uE021";

  function katexHtml(tex, display) {
    return katex.renderToString(tex, { displayMode: display, throwOnError: false, strict: "ignore", output: "html" });
  }

  NS.math = function (tex, display) { return katexHtml(tex, !!display); };

  NS.answerHtml = function (answer) {
    // A short answer: typeset when it looks like TeX, else plain text; a program (code benchmarks) as code.
    if (answer == null) return '<span class="none">no answer</span>';
    const text = String(answer);
    if (text.includes("\n") || text.length > 80) {
      const lines = text.split("\n").length;
      return `<code title="${NS.esc(text.slice(0, 2000))}">${NS.esc(text.split("\n")[0].slice(0, 60))}</code>` +
             ` <span class="meta">(${lines} line${lines === 1 ? "" : "s"})</span>`;
    }
    return /[\\^_{}]/.test(text) ? katexHtml(text, false) : NS.esc(text);
  };

  function tokens(text) {
    // [start, end, tex, display] for each math token; code tokens are skipped (marked renders them).
    const found = [];
    const re = new RegExp(TOKENS.source, "g");
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      const tex = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5];
      if (tex !== undefined) found.push([m.index, m.index + m[0].length, tex, m[1] !== undefined || m[2] !== undefined]);
    }
    return found;
  }

  NS.markdown = function (text, span) {
    text = String(text == null ? "" : text);
    const found = tokens(text);
    const overlaps = (start, end) => span && start < span[1] && end > span[0];
    const spanInMath = found.some(([start, end]) => overlaps(start, end));
    const math = [];
    let out = "", last = 0;
    const plain = (start, end) => {
      let piece = text.slice(start, end);
      if (span && !spanInMath && span[0] >= start && span[1] <= end) {
        const a = span[0] - start, b = span[1] - start;
        piece = piece.slice(0, a) + MARK_OPEN + piece.slice(a, b) + MARK_CLOSE + piece.slice(b);
      }
      return piece;
    };
    for (const [start, end, tex, display] of found) {
      out += plain(last, start);
      math.push([tex, display, overlaps(start, end)]);
      out += MATH_OPEN + (math.length - 1) + MATH_CLOSE;
      last = end;
    }
    out += plain(last, text.length);
    let html = DOMPurify.sanitize(marked.parse(out, { gfm: true, breaks: false }));
    html = html.replace(/\uE010(\d+)\uE011/g, (_, n) => {
      const [tex, display, mark] = math[Number(n)];
      const rendered = katexHtml(tex, display);
      return mark ? `<mark class="answer">${rendered}</mark>` : rendered;
    });
    return html.replaceAll(MARK_OPEN, '<mark class="answer">').replaceAll(MARK_CLOSE, "</mark>");
  };
})();
