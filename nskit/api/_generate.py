"""`nskit.generate`: generate solutions against a running OpenAI-compatible server (what `ns generate` calls)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nskit.generation.runner import RunSummary


def generate(
    *,
    input_file: str | Path | None = None,
    output_file: str | Path | None = None,
    chunks: str | None = None,
    output_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    split: str | None = None,
    model: str | None = None,
    server_address: str | None = None,
    server_type: str = "openai",
    rerun_done: bool = False,
    retry_errors: bool = False,
    overrides: Sequence[str] = (),
) -> RunSummary:
    """One solution per problem and seed, for an input/output file pair or benchmark `chunks`
    (`"gsm8k:greedy,gsm8k:rs0"`, of `split` when given); resumable. With `++batch_api=True` the requests go as
    batch files (an endpoint's Batch API, or vLLM's run_batch with `server_type="vllm"`). Raises `ServerDown`
    when the server stops answering."""
    from nskit.errors import UserError
    from nskit.generation.command import GenerateRequest, run_generate
    from nskit.records.layout import parse_chunk_labels

    if split is not None and not chunks:
        raise UserError("--split picks the benchmark data of --chunks; an --input_file is read as it is")
    request = GenerateRequest(
        chunks=parse_chunk_labels(chunks, split) if chunks else [],
        output_dir=Path(output_dir) if output_dir else None, data_dir=Path(data_dir) if data_dir else None,
        input_file=Path(input_file) if input_file else None, output_file=Path(output_file) if output_file else None,
        model=model, server_address=server_address, server_type=server_type, rerun_done=rerun_done, retry_errors=retry_errors,
        overrides=list(overrides),
    )
    return run_generate(request)
