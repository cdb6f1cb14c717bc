# Shell helpers of .ci/setup_slurm.sh and .ci/setup_slurm_two_nodes.sh (sourced; the caller defines `die`).

# running PIDFILE: whether the process of that pid file is alive.
running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  die "$what did not come up within ${seconds}s"
}
