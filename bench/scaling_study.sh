#!/usr/bin/env bash
# Test-time scaling study (docs/strategies.md): every strategy at two budgets on the first N gsm8k problems with the
# embedded model, all runs of a budget at once against one vLLM server, then one table and the budget plot.
# Usage: bench/scaling_study.sh SERVER_URL REWARD_URL OUT_DIR [N]   (CONCURRENCY=requests in flight per run, default 8;
#   TOKENS=tokens per answer, default 128)
# A run that finished is skipped on a second call (ns eval resumes), so a budget can be rerun alone.
set -euo pipefail
server=$1 reward=$2 out=$3 n=${4:-50} concurrency=${CONCURRENCY:-8} tokens=${TOKENS:-128}
ns=(python -m nskit)
common=(--benchmarks=gsm8k:0 --server_type openai --server_address "$server" --data_dir "$out/data"
        "++max_samples=$n" "++inference.tokens_to_generate=$tokens" "++max_concurrent_requests=$concurrency")
mkdir -p "$out/small" "$out/large"
"${ns[@]}" prepare_data gsm8k --data_dir "$out/data" >/dev/null
pids=() labels=()
run() {  # run LABEL SETTINGS... in the background
  local label=$1; shift
  "${ns[@]}" eval "${common[@]}" --output_dir "$out/$label" "$@" >"$out/$label.log" 2>&1 &
  pids+=($!) labels+=("$label")
}
finish() {  # wait for the runs started so far; stop at the first that failed
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { echo "FAILED: ${labels[$i]} (see $out/${labels[$i]}.log)"; exit 1; }
  done
  pids=() labels=()
}
run greedy
# budget 1: about 2 answers per problem
run small/best_of_n ++strategy=best_of_n ++best_of_n.n=2
run small/best_of_n_rm ++strategy=best_of_n ++best_of_n.n=2 ++best_of_n.scorer=reward_model --reward_server_address "$reward"
run small/self_consistency ++strategy=self_consistency ++self_consistency.n=2
run small/self_refine ++strategy=self_refine ++self_refine.rounds=1 ++self_refine.feedback_tokens=64
run small/revision ++strategy=revision ++revision.rounds=2
run small/beam_search ++strategy=beam_search ++beam_search.beam_width=1 ++beam_search.expansions=2 ++beam_search.max_steps=3 ++beam_search.step_tokens=48
run small/model_selection "++model_selection.methods=[cot,pal]" ++strategy=model_selection
run small/plan2code ++strategy=plan2code
finish
# budget 2: about 4 answers per problem
run large/best_of_n ++strategy=best_of_n ++best_of_n.n=4
run large/best_of_n_rm ++strategy=best_of_n ++best_of_n.n=4 ++best_of_n.scorer=reward_model --reward_server_address "$reward"
run large/self_consistency ++strategy=self_consistency ++self_consistency.n=4
run large/self_refine ++strategy=self_refine ++self_refine.rounds=2 ++self_refine.feedback_tokens=64
run large/revision ++strategy=revision ++revision.rounds=4
run large/beam_search ++strategy=beam_search ++beam_search.beam_width=2 ++beam_search.expansions=2 ++beam_search.max_steps=3 ++beam_search.step_tokens=48
run large/model_selection ++strategy=model_selection
run large/plan2code ++strategy=plan2code ++plan2code.n=3 ++plan2code.plans=each
finish
"${ns[@]}" summarize_results "$out" --budget_plot "$out/budget.png"
