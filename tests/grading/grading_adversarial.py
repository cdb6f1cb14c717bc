"""300 adversarial answers: huge numbers, deep nesting, 100 KB strings, malformed LaTeX, unicode."""

from __future__ import annotations

import random


def _nested(opening: str, closing: str, depth: int, core: str = "1") -> str:
    return opening * depth + core + closing * depth


def adversarial_answers() -> list[str]:
    """Exactly 300 hostile answer strings, deterministic."""
    rng = random.Random(1234)
    huge = [
        "10^{10^{10^{10}}}", "2^{2^{2^{2^{2^{2}}}}}", "9^{9^{9^{9}}}", "(10^{100})!", "10^{10^{10}}+1", "9!!!!!!!",
        "100000!", "(9!)!", "((9!)!)!", "10^{999999999}", "1e999999999", "1e-999999999", "2^{3^{4^{5}}}",
        "\\Gamma(10^{10})", "\\binom{10^{10}}{10^{5}}", "10^{10^{10}} - 10^{10^{10}}", "(10^{10})^{10^{10}}",
        "\\underbrace{9^{9^{9}}}", "7^{7^{7^{7^{7}}}}", "\\sum_{n=1}^{10^{10}} n", "\\prod_{k=1}^{10^{8}} k",
        "\\int_0^{10^{10}} e^{x^2} dx", "\\lim_{x\\to\\infty} x^{x^x}", "x^{10^{10}} - 1", "(x+1)^{100000}",
        "\\frac{10^{10^{10}}}{10^{10^{10}}}", "99999999999999999999!", "1000!", "3\\uparrow\\uparrow\\uparrow 3",
        "\\sqrt{10^{10^{10}}}", "e^{e^{e^{e^{10}}}}", "\\tan(10^{10^{5}})", "\\sin(10^{100})", "2^{2^{100}}",
        "\\left(1+\\frac{1}{n}\\right)^{n^{n^{n}}}", "0^{0}", "\\frac{1}{0}", "0/0", "\\infty - \\infty", "\\log 0",
    ]
    nesting = []
    for depth in (50, 200, 1000, 5000):
        nesting += [
            _nested("{", "}", depth), _nested("(", ")", depth), _nested("\\sqrt{", "}", depth),
            _nested("\\frac{1}{", "}", depth), _nested("[", "]", depth), _nested("\\left(", "\\right)", depth),
            _nested("\\boxed{", "}", depth), _nested("x^{", "}", depth), "{" * depth, "}" * depth,
        ]
    long_strings = [
        "1" * 100_000, "x+" * 50_000 + "x", "\\frac{1}{2}" * 9_000, "(1," * 33_000 + "1" + ")" * 33_000,
        "\\boxed{" + "a" * 100_000, "$" * 100_000, "\\" * 100_000, "9" * 50_000 + "." + "9" * 50_000,
        "1,000," * 16_000 + "1", "\\pm" * 30_000, "=" * 100_000, "a=" * 50_000 + "1", " " * 100_000 + "5",
        "\\text{" * 10_000 + "x" + "}" * 10_000, "\\begin{pmatrix}" + "1&" * 30_000 + "1\\end{pmatrix}",
        "\\{" + ",".join(str(i) for i in range(20_000)) + "\\}", ",".join(["x"] * 50_000),
        "The answer is " * 7_000, "0." + "0" * 100_000 + "1", "-" * 100_000 + "1",
    ]
    malformed = [
        "\\frac{1}{", "\\frac{}{}", "\\sqrt", "}{", "\\left(", "\\right)", "^^^", "\\begin{pmatrix}", "$$$$", "\\boxed{",
        "\\boxed{}", "\\frac", "{", "}", "\\", "\\\\", "_", "^", "&&&", "\\end{pmatrix}", "\\begin{array}{c", "\\sqrt[", "1/",
        "/1", "1//2", "(1,2", "1,2)", "[,]", "\\{\\}", "\\{", "\\}", "x==y", "<=>", "\\le\\ge", "\\cup\\cup", "\\pm\\mp",
        "\\text{", "\\mathrm{}", "%%%", "#", "#### ####", "\\infty\\infty", "..", "1..2", "--5", "+-+-1", "\\frac{1}{2}}",
        "\\frac{{1}{2}", "\\sqrt{-}", "\\log_", "\\sin^", "\\int", "\\sum", "\\lim", "\\mathbb{R}", "\\emptyset",
        "\\varnothing", "\\aleph_0", "\\undefined{5}", "\\newcommand{\\x}{5}\\x", "\\def\\a{\\a}\\a",
    ]
    unicode_strings = [
        "５", "½", "²", "√2", "π/2", "∞", "𝟓", "٥", "五", "१२३", "\u200b5\u200b", "5\u0301", "\u202e5\u202c", "🙂",
        "∑∫∏", "x²+y²", "αβγ", "Ⅻ", "⅞", "−5", "5‰", "\u00a05\u00a0", "\ufeff5", "ℝ", "ℵ₀", "∅", "🎉" * 1000,
        "中文答案是五", "Ответ: 5", "答え：５",
    ]
    pool = huge + nesting + long_strings + malformed + unicode_strings
    answers = list(pool)
    while len(answers) < 300:
        # random byte soup of LaTeX tokens
        tokens = ["\\frac", "{", "}", "^", "_", "\\sqrt", "(", ")", "1", "x", "\\pi", "!", "\\left", "\\right", ",", "="]
        answers.append("".join(rng.choice(tokens) for _ in range(rng.randint(5, 400))))
    return answers[:300]
