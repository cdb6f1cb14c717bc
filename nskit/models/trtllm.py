"""`ns convert --convert_from hf --convert_to trtllm`: a Hugging Face folder built into a TensorRT-LLM engine.

The build runs TensorRT-LLM's LLM API (`tensorrt_llm._tensorrt_engine.LLM(...).save(dir)`: checkpoint conversion
and engine build in one) in a child process, `python -m nskit.models.trtllm_build ...`, so that `--dry_run` can
print the exact command line and a Slurm job runs the same one. NVIDIA GPUs only.
"""

from __future__ import annotations

import subprocess
import sys
from nskit.errors import UserError
from nskit.models.convert import DTYPES, ConvertRequest



def trtllm_dtype(dtype: str) -> str:
    """The TensorRT-LLM dtype for a NeMo-Skills or torch spelling; an unknown one lists the accepted ones."""
    if dtype not in DTYPES:
        raise UserError(f"--dtype {dtype!r} is not supported for trtllm; use one of {', '.join(DTYPES)}")
    return DTYPES[dtype]


def build_command(request: ConvertRequest, python: str = sys.executable) -> list[str]:
    """The exact command line that builds the engine (what --dry_run prints and the job runs)."""
    if request.num_nodes != 1:
        raise UserError("--convert_to trtllm builds on one node (--num_nodes 1); pipeline parallel across nodes "
                        "is not supported by nskit's builder")
    if request.num_gpus < 1:
        raise UserError(f"--num_gpus must be at least 1, got {request.num_gpus}")
    argv = [python, "-m", "nskit.models.trtllm_build", "--input_model", str(request.input_model),
            "--output_model", str(request.output_model), "--dtype", trtllm_dtype(request.dtype),
            "--tp_size", str(request.num_gpus)]
    if request.hf_model_name:
        argv += ["--hf_model_name", request.hf_model_name]
    return argv + request.extra_args


def hf_to_trtllm(request: ConvertRequest) -> None:
    """Build the engine here: a clear error without a GPU, the builder's exit code checked."""
    from nskit.models.default import has_gpu

    argv = build_command(request)
    if not has_gpu():
        raise UserError(f"--convert_to trtllm needs an NVIDIA GPU and this machine has none (it would run: "
                        f"{' '.join(argv)}); --dry_run prints the command lines, --cluster runs them on a GPU cluster")
    if not request.input_model.is_dir():
        raise UserError(f"--input_model {request.input_model}: not a Hugging Face folder")
    code = subprocess.run(argv, check=False).returncode
    if code != 0:
        raise RuntimeError(f"TensorRT-LLM engine build failed with exit code {code}: {' '.join(argv)}")
