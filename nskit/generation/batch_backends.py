"""Where batch files run: the OpenAI Files + Batches API (the `openai` SDK: auth, multipart upload), or vLLM's
offline runner on a local model (`python -m vllm.entrypoints.openai.run_batch -i IN -o OUT --model M`)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from nskit.generation.batch_files import BatchFailed, BatchStatus, result_path


class OpenAIBatches:
    """The Batch API of an OpenAI-compatible endpoint (api.openai.com, or any server that offers it)."""

    name = "openai"

    def __init__(self, base_url: str, api_key: str | None, completion_window: str = "24h") -> None:
        import openai

        self.base_url = base_url
        self.completion_window = completion_window
        self._client = openai.AsyncOpenAI(base_url=base_url, api_key=api_key or "EMPTY", max_retries=6)

    async def submit(self, input_file: Path, endpoint: str, label: str) -> str:
        """Upload the input file, then create the batch on it."""
        with open(input_file, "rb") as handle:
            uploaded = await self._client.files.create(file=(f"{input_file.stem}.jsonl", handle), purpose="batch")
        batch = await self._client.batches.create(
            input_file_id=uploaded.id, endpoint=endpoint, completion_window=self.completion_window,
            metadata={"nskit": label[-500:]},
        )
        return batch.id

    async def status(self, batch_id: str) -> BatchStatus:
        """The batch's status, request counts and result files."""
        batch = await self._client.batches.retrieve(batch_id)
        counts = batch.request_counts
        errors = "; ".join(f"{e.code}: {e.message}" for e in (batch.errors.data or [])) if batch.errors else ""
        return BatchStatus(status=batch.status, total=counts.total if counts else 0,
                           completed=counts.completed if counts else 0, failed=counts.failed if counts else 0,
                           output_file=batch.output_file_id, error_file=batch.error_file_id, errors=errors)

    async def fetch(self, file_id: str, destination: Path) -> Path:
        """Download a result file."""
        content = await self._client.files.content(file_id)
        destination.write_bytes(content.read())
        return destination

    async def close(self) -> None:
        """Close the connections."""
        await self._client.close()


class VLLMRunBatch:
    """vLLM's offline batch runner on a local model: each batch is one run of it, to completion."""

    name = "vllm"

    def __init__(self, model: str, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.model = model
        self.args = args
        self.env = env
        self.log_path = log_path
        self._done: dict[str, BatchStatus] = {}

    async def submit(self, input_file: Path, endpoint: str, label: str) -> str:
        """Run the input file through the model; the batch id is the output file's path."""
        output = result_path(input_file, "output")
        argv = [sys.executable, "-m", "vllm.entrypoints.openai.run_batch", "-i", str(input_file), "-o", str(output),
                "--model", self.model, *self.args]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"$ {' '.join(argv)}\n".encode())
            process = await asyncio.create_subprocess_exec(*argv, stdout=log, stderr=log, stdin=asyncio.subprocess.DEVNULL,
                                                           env={**os.environ, **self.env})
            code = await process.wait()
        if code != 0:
            raise BatchFailed(f"vLLM run_batch exited with code {code} on {input_file}; log {self.log_path}")
        self._done[str(output)] = BatchStatus("completed", output_file=str(output))
        return str(output)

    async def status(self, batch_id: str) -> BatchStatus:
        """A run that ended wrote its output; after a restart the file itself says so."""
        if batch_id in self._done or Path(batch_id).exists():
            return self._done.get(batch_id) or BatchStatus("completed", output_file=batch_id)
        return BatchStatus("expired")  # the run was killed before it wrote its output: its requests are redone

    async def fetch(self, file_id: str, destination: Path) -> Path:
        """The output is already local."""
        return Path(file_id)

    async def close(self) -> None:
        """Nothing held."""


def vllm_batch_backend(model: str, log_path: Path, extra_args: list[str]) -> VLLMRunBatch:
    """run_batch with the local cluster's vLLM flags and environment (and the CPU binding on the CPU build)."""
    from nskit.config.cluster import load_cluster_config
    from nskit.servers.cpu_binding import vllm_cpu_environment
    from nskit.servers.launch import server_request

    cluster = load_cluster_config("local")
    request = server_request("vllm", model, cluster, extra_args=extra_args)
    env = {**cluster.environment(), **request.env}
    return VLLMRunBatch(model, request.args, {**vllm_cpu_environment(env={**os.environ, **env}), **env}, log_path)
