"""Code answers: which program a generation proposes (`extract_code`), and the reference solutions as generations.

Running the program against its tests is the sandbox's job: `nskit.sandbox.judge.grade_code_files` (the execution
judge) and `nskit.sandbox.verdict` (program and verdict).
"""

from nskit.grading.code.extraction import extract_code, last_fenced_block

__all__ = ["extract_code", "last_fenced_block"]
