"""Labelled (gold, prediction, equal?) cases for the answer kinds of issue 14, one list per kind, written by hand:
positives and the near-misses that must stay unequal. Each kind has its named rule in `nskit.grading`."""

from __future__ import annotations

T, F = True, False

SEVERAL_ANSWERS = [
    ("1,2", "\\boxed{1} and \\boxed{2}", T), ("1,2", "\\boxed{2} and \\boxed{1}", T), ("1,2", "\\boxed{1} and \\boxed{3}", F),
    ("\\{6, 8\\}", "6 \\text{ and } 8", T), ("\\{6, 8\\}", "8 \\text{ and } 6", T), ("\\{6, 8\\}", "6 \\text{ and } 9", F),
    ("(2,2), (6,2)", "\\boxed{(2,2)} \\quad \\text{and} \\quad \\boxed{(6,2)}", T),
    ("(2,2), (6,2)", "\\boxed{(6,2)} \\quad \\text{and} \\quad \\boxed{(2,2)}", T),
    ("(2,2), (6,2)", "\\boxed{(2,2)} \\quad \\text{and} \\quad \\boxed{(2,6)}", F),
    ("1, 2, 3", "$1$ and $2$ and $3$", T), ("1, 2, 3", "$3$, $1$ and $2$", T), ("1, 2, 3", "$1$ and $2$", F),
    ("(11,7),(7,11)", "(11,7) or (7,11)", T), ("(11,7),(7,11)", "(7,11) \\text{ or } (11,7)", T),
    ("(11,7),(7,11)", "(11,7)", F), ("11, 16, 21", "21, 16 or 11", T), ("11, 16, 21", "21, 16 \\text{ or } 11", T),
    ("11, 16, 21", "21, 16 or 12", F), ("2, -3", "x = 2 \\text{ or } x = -3", T),
    ("2, -3", "x=2 \\quad \\text{or} \\quad x=-3", T), ("2, -3", "x = 2 \\text{ or } x = 3", F),
    ("\\{1, 5\\}", "The solutions are $x=1$ and $x=5$.", T), ("\\{1, 5\\}", "The solutions are $x=1$ and $x=4$.", F),
    ("3, 4", "\\boxed{3}, \\boxed{4}", T), ("3, 4", "\\boxed{3} \\text{ or } \\boxed{4}", T), ("3, 4", "\\boxed{4}", F),
    ("(1,2)", "2 \\text{ and } 1", F), ("[1,2]", "1 \\text{ and } 2", F),
    ("1,2", "\\boxed{1} is wrong, so the answer is \\boxed{2}", F), ("5", "\\boxed{5} and \\boxed{5}", T),
    ("-1, 1", "x=\\pm 1", T), ("0,1", "$0$ or $1$", T), ("0,1", "$0$ or $2$", F),
    ("\\frac12, 3", "$3$ and $\\frac{1}{2}$", T), ("1,2", "1; 2", T), ("1,3", "1 and 3", T),
    ("19 \\text{ and }43", "43 \\textrm{ and } 19", T), ("19 \\text{ and }43", "19 \\textrm{ or } 34", F),
]

ASSIGNMENTS = [
    ("(3,2)", "(p,q)=(3,2)", T), ("(p,q)=(3,2)", "(3,2)", T), ("(3,2)", "(p,q)=(2,3)", F),
    ("k = 45, n = 2", "k=45 \\quad\\text{and}\\quad n=2", T), ("k = 45, n = 2", "n=2, k=45", T),
    ("k = 45, n = 2", "k=2, n=45", F), ("k = 45, n = 2", "(45, 2)", T), ("k = 45, n = 2", "(2, 45)", F),
    ("(5,2),(7,2)", "p=5,q=2;p=7,q=2", T), ("(5,2),(7,2)", "p=7,q=2;p=5,q=2", T), ("(5,2),(7,2)", "p=5,q=2;p=2,q=7", F),
    ("1, 3", "x_1 = 1, x_2 = 3", T), ("1, 3", "x_1 = 3, x_2 = 1", T), ("1, 3", "x_1 = 1, x_2 = 4", F),
    ("f(x) = 2x+3", "y = 2x+3", T), ("y = 2x+3", "f(x)=2x+3", T), ("f(x) = 2x+3", "y = 2x-3", F),
    ("x = 4", "a = 4", F), ("a=1, b=2", "b = 2 \\text{ and } a = 1", T), ("a=1, b=2", "a = 2, b = 1", F),
    ("(a,b)=(1,2)", "a=1, b=2", T), ("(a,b)=(1,2)", "a=2, b=1", F), ("(a,b)=(1,2)", "(a, b) = (1, 2)", T),
    ("(x, y) = (1, -1)", "(1,-1)", T), ("(x, y) = (1, -1)", "(-1,1)", F), ("f(x)=x^2", "f(x) = x \\cdot x", T),
    ("h(t) = 5t", "5t", T), ("h(t)=5t", "h(t)=5t+1", F), ("n = 7", "The value is $n = 7$.", T), ("n = 7", "$n = 8$", F),
    ("m=3, n=4", "m=3", F), ("(m, n) = (3, 4)", "m = 3 \\text{ and } n = 4", T), ("(m, n) = (3, 4)", "m = 4, n = 3", F),
]

RELATIONS_INTERVALS = [
    ("x \\geq 5", "x >= 5", T), ("x \\geq 5", "[5, \\infty)", T), ("x \\geq 5", "(5, \\infty)", F), ("x \\geq 5", "x > 5", F),
    ("x \\geq 5", "5 \\le x", T), ("x \\geq 5", "x \\ge 5", T), ("x \\geq 5", "x ≥ 5", T),
    ("-2 \\le x \\le 7", "x \\in [-2,7]", T), ("-2 \\le x \\le 7", "[-2, 7]", T), ("-2 \\le x \\le 7", "(-2, 7]", F),
    ("-2 \\le x \\le 7", "-2 < x \\le 7", F), ("0 < f(x) < 1", "(0,1)", T), ("0 < f(x) < 1", "(0,1]", F),
    ("(0,1]", "0 < x \\le 1", T), ("(0,1]", "(0,1)", F),
    ("1 \\le |z| \\le 3/2", "[-\\frac{3}{2}, -1] \\cup [1, \\frac{3}{2}]", T), ("1 \\le |z| \\le 3/2", "[1, \\frac32]", F),
    ("|x| < 2", "(-2, 2)", T), ("|x| < 2", "[-2,2]", F), ("x \\neq 3", "x != 3", T), ("x \\neq 3", "x \\ne 3", T),
    ("x \\neq 3", "(-\\infty, 3) \\cup (3, \\infty)", T), ("x \\neq 3", "x \\neq -3", F), ("x \\neq 3", "x = 3", F),
    ("x < 2 \\text{ or } x > 3", "(-\\infty, 2) \\cup (3, \\infty)", T),
    ("x < 2 \\text{ or } x > 3", "(-\\infty, 2] \\cup (3, \\infty)", F), ("x > \\frac{1}{2}", "x > 0.5", T),
    ("x > \\frac{1}{2}", "(1/2, \\infty)", T), ("x > \\frac{1}{2}", "x < \\frac12", F), ("x \\le -1", "(-\\infty, -1]", T),
    ("x \\le -1", "x \\leq -1", T), ("x \\le -1", "x \\geq -1", F), ("a > b", "b < a", T), ("a > b", "a < b", F),
    ("x \\ne 3", "y \\ne 3", F), ("|x| > 1", "(-\\infty,-1) \\cup (1,\\infty)", T), ("|x| > 1", "(1, \\infty)", F),
    ("-3 < x < 3", "|x|<3", T), ("x<-3 \\text{ or } x>3", "|x|>3", T), ("(1/2, 1)", "\\frac{1}{2} < x < 1", T),
    ("[3,\\infty)", "x>3", F), ("5", "x \\geq 5", F), ("x > 2 \\text{ and } x < 5", "(2,5)", T),
    ("\\{x \\mid x > 3\\}", "(3,\\infty)", T), ("\\{x : x > 3\\}", "x>3", T), ("\\{x \\mid x > 3\\}", "[3,\\infty)", F),
    ("\\mathbb{R}", "(-\\infty,\\infty)", T), ("(-\\infty, \\infty)", "\\mathbb{R}", T), ("\\mathbb{R}", "(0,\\infty)", F),
    ("\\emptyset", "\\varnothing", T), ("\\emptyset", "\\{\\}", T), ("\\emptyset", "\\{0\\}", F),
]

NUMBERS_AS_WRITTEN = [
    ("1.22", "1,22", T), ("1,22", "1.22", T), ("1, 22", "1.22", F), ("1.22", "1, 22", F), ("1000.99", "1,000.99", T),
    ("1.5", "1,5", T), ("15", "1,5", F), ("3,000", "3000", T), ("3,000", "3", F), ("2.5", "2,5", T), ("-1.5", "-1,5", T),
    ("€12", "12", T), ("12", "12 €", T), ("12", "€13", F), ("12", "£12", T), ("5 m²", "5", T), ("5", "5 \\text{ m}^2", T),
    ("26", "26 \\text{ miles}", T), ("7", "7 \\textbf{meters}", T), ("10", "10 weeks", T), ("10", "11 weeks", F),
    ("40\\%", "0.4", T), ("40\\%", "4", F), ("1 1/2", "1.5", T), ("1.5", "1 1/2", T), ("1 1/2", "11/2", F),
    ("\\frac{3}{5}, \\frac{8}{3}", "0.6, 2.6667", T), ("\\frac{8}{3}", "2.6667", T), ("\\frac{8}{3}", "2.6666", T),
    ("\\frac{8}{3}", "2.6668", F), ("\\frac{8}{3}", "2.67", F), ("40\\pi", "125.663", T), ("40\\pi", "125.664", T),
    ("40\\pi", "125.67", F), ("40\\pi", "125.7", F), ("20:34", "20:34:00", T), ("20:34", "8:34 P.M.", T),
    ("20:34", "8:34 AM", F), ("8:34 \\text{ PM}", "20:34", T), ("20:34", "20:43", F), ("12:00", "12:00 p.m.", T),
    ("0:15", "12:15 a.m.", T), ("\\$1,000", "1000", T), ("1000", "\\$1,000.00", T), ("99", "99.0001", F),
    ("1/7", "0.142857", T), ("1/7", "0.1429", F), ("12,5", "12.5", T), ("2, 5", "2.5", F), ("100", "1,00", F),
    ("1000.5", "€ 1,000.50", T), ("3", "3\\text{ m}^2", T), ("\\frac{1}{3}", "0.\\overline{3}", T),
    ("\\frac{1}{6}", "0.1\\overline{6}", T), ("\\frac{1}{6}", "0.\\overline{16}", F), ("x=3", "x = 3 \\text{ cm}", T),
    ("10\\sqrt{2}", "14.142", T), ("10\\sqrt{2}", "14.14", F),
    ("\\text{1:03 PM}", "13:03", T), ("\\text{4:30 p.m.}", "16:30", T), ("\\text{4:30 p.m.}", "4:30", F),
]

STRUCTURES_IN_PROSE = [
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "The matrix is $\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}$.", T),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "So $A = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$.", T),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "The matrix is $\\begin{pmatrix} 1 & 2 \\\\ 4 & 3 \\end{pmatrix}$.", F),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}\\right]", T),
    ("\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", "We get $\\mathbf{v} = \\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}$", T),
    ("\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", "We get $\\mathbf{v} = \\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}$", F),
    ("x=1, y=2", "\\begin{cases} x = 1 \\\\ y = 2 \\end{cases}", T), ("(1,2)", "\\begin{cases} x = 1 \\\\ y = 2 \\end{cases}", T),
    ("(1,2)", "\\begin{cases} x = 2 \\\\ y = 1 \\end{cases}", F), ("x=1, y=2", "\\begin{cases} x=1, \\\\ y=3 \\end{cases}", F),
    ("x=1, y=2", "\\left\\{\\begin{array}{l} x=1 \\\\ y=2 \\end{array}\\right.", T),
    ("2^6 3^5 5^4", "2^6 \\cdot 3^5 \\cdot 5^4", T), ("2^6 3^5 5^4", "9720000", T), ("2^6 3^5 5^4", "2^6 3^4 5^5", F),
    ("2^{6} 3^{5}", "15552", T), ("2 \\sqrt{3} \\pi", "2\\pi\\sqrt{3}", T), ("\\sin(90^\\circ - x)", "\\cos x", T),
    ("\\sin(90^\\circ - x)", "\\sin x", F), ("\\cos(2x)", "\\cos^2 x - \\sin^2 x", T), ("\\cos(2x)", "2\\cos^2 x - 1", T),
    ("\\cos(2x)", "2\\cos^2 x + 1", F), ("\\tan x", "\\frac{\\sin x}{\\cos x}", T), ("\\sin 2x", "2 \\sin x \\cos x", T),
    ("\\sin 2x", "\\sin x \\cos x", F), ("\\cos(180^\\circ - x)", "-\\cos x", T), ("\\sec^2 x", "1 + \\tan^2 x", T),
    ("3xy", "3 x y", T), ("2ab", "2 b a", T), ("2ab", "2a+b", F), ("x^2 y", "y x^2", T), ("4 \\cdot 3^{2}", "36", T),
    ("\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}", "the identity matrix $\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}$", T),
    ("\\begin{pmatrix} 3 \\\\ 4 \\end{pmatrix}", "\\begin{pmatrix} 3 & 4 \\end{pmatrix}", F),
    ("180", "The answer is 60 * 3 = 180 meters.", T), ("540", "The answer is 60 * 3 = 180 meters.", F),
    ("11", "So, the answer is 10 + 1 = 11 years.", T), ("3", "$1 + 1 = 2$", F),
]

KINDS = {
    "several_answers": SEVERAL_ANSWERS,
    "assignments": ASSIGNMENTS,
    "relations_intervals": RELATIONS_INTERVALS,
    "numbers_as_written": NUMBERS_AS_WRITTEN,
    "structures_in_prose": STRUCTURES_IN_PROSE,
}
