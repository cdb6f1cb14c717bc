"""NeMo-Skills' own `math_equal` test cases (tests/test_math_equal.py of NVIDIA/NeMo-Skills at commit
f9ede7de273b774e38a97c5e9e95d8fc76d45d85), each checked in both directions as NeMo-Skills does.

Copyright (c) 2024, NVIDIA CORPORATION. All rights reserved. Licensed under the Apache License, Version 2.0
(http://www.apache.org/licenses/LICENSE-2.0); the cases are copied unchanged, Python numbers as `str()` gives them
(NeMo-Skills passes them to its grader the same way).
"""

from __future__ import annotations

CORRECT = [
    (5, 5), (5, 5.0), ("1/2", 0.5), ("3128 1/2", 3128.5), ("\\frac{1}{2}", 0.5), ("918\\frac{1}{2}", 918.5),
    ("x^2+2x+1", "x^2 + 2*x + 1"), ("x^2+2x+1", "x^2 + 2*x - (-1)"), ("x^2+2x+1", "2x+ 1+x^2"),
    ("odd", "\\text{odd}"), ("E", "\\mathrm{E}"), ("B", "\\mathcal{B}"), ("A", "\\textbf{A}"), ("f'", "f'"),
    ("185", "185\\"), ("185\\", "185\\"), (".185", "0.185"), ("\\frac {1}{2}", 0.5), ("17\\text{ any text}", "17"),
    ("\\$10", "10"), ("10%", "0.1"), ("56,\\!01,\\!78,\\!95,\\!760", "56017895760"), (5 / 2, "\\frac{5}{2}"),
    ("\\frac{1}{3}", "\\dfrac{1}{3}"), ("(r+5)(r+5)", "(r+5)^2"),
]
INCORRECT = [
    (5, 5.001), (0, None), ("x^2+2x+1", "x^3+2x+1"), ("odd", "\\text{oddd}"), ("E", "\\mathrm{E}*2"), ("E", "E'"),
]


def both_directions() -> list[tuple[str, str | None, bool]]:
    """(gold, prediction, equal?) for every pair in both orders; None stays None (no answer)."""
    cases = []
    for pairs, label in ((CORRECT, True), (INCORRECT, False)):
        for first, second in pairs:
            for gold, prediction in ((first, second), (second, first)):
                if gold is not None:
                    cases.append((str(gold), None if prediction is None else str(prediction), label))
    return cases
