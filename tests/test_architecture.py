"""The layer contracts of pyproject.toml (import-linter) hold, and they catch a lower layer importing a higher one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                "sys.exit(lint_imports_command())", "--no-cache"]


def lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports with the contracts of `cwd`/pyproject.toml on the `nskit` found first on `pythonpath`."""
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(LINT_IMPORTS, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_layer_contracts_hold() -> None:
    result = lint(ROOT, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_catches_servers_importing_cluster(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "nskit", tmp_path / "nskit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    base = tmp_path / "nskit" / "servers" / "base.py"
    base.write_text(base.read_text() + "\nimport nskit.cluster.local  # noqa: E402 - the violation under test\n")
    result = lint(tmp_path, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout
    assert "nskit.servers.base -> nskit.cluster.local" in result.stdout


def test_every_package_has_a_layer() -> None:
    """A package left out of the contract could import anything: each one of nskit is named in some layer."""
    import tomllib

    layers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    packages = {f"nskit.{p.name}" for p in (ROOT / "nskit").iterdir() if (p / "__init__.py").exists()}
    modules = {f"nskit.{p.stem}" for p in (ROOT / "nskit").glob("*.py") if p.stem not in {"__init__", "__main__"}}
    assert packages | modules <= named, f"not in any layer: {sorted((packages | modules) - named)}"
