"""The README's Python API example runs as written (against the session's vLLM server instead of port 8000)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def api_example() -> str:
    section = README.read_text().split("### Python API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]


@pytest.mark.vllm
def test_readme_python_api_example_runs(vllm_server: str, mirror_dir: Path, tmp_path: Path) -> None:
    code = api_example().replace("http://127.0.0.1:8000/v1", vllm_server)
    env = {**os.environ, "NSKIT_MIRROR": str(mirror_dir), "NSKIT_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    greedy, majority = result.stdout.strip().splitlines()[-1].split()
    assert 0.0 <= float(greedy) <= 100.0 and 0.0 <= float(majority) <= 100.0
    assert (tmp_path / "results" / "api" / "eval-results" / "gsm8k" / "output-rs1.jsonl").is_file()


def test_the_api_is_what_the_readme_imports() -> None:
    import nskit
    from nskit import eval, fill_majority, generate, grade, llm_math_judge, summarize_results  # noqa: F401

    assert sorted(nskit.__all__) == ["eval", "fill_majority", "generate", "grade", "llm_math_judge",
                                     "summarize_results"]
