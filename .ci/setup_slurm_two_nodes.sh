#!/usr/bin/env bash
# A second Slurm cluster on this machine with two virtual nodes, vm1 and vm2, for the multi-node tests
# (`--server_nodes 2`). It has its own slurmctld, config and ports and shares munge and slurmdbd with the one-node
# cluster of .ci/setup_slurm.sh, which it leaves untouched: that cluster's jobs keep running while this one starts.
# Both slurmd run on this host (`slurmd -N vm1`, `slurmd -N vm2`) with their own port, spool, pid and log files.
# Clients reach this cluster with SLURM_CONF=$conf_dir/slurm.conf (sbatch, squeue, sacct; the jobs get it from slurmd).
# Idempotent like setup_slurm.sh. Writes a cluster config to $NSKIT_SLURM_TWO_CONFIG
# (default /tmp/nskit-slurm-two/slurm-two.yaml) and the SLURM_CONF to use beside it (slurm_conf).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ci_config="${NSKIT_SLURM_TWO_CONFIG:-/tmp/nskit-slurm-two/slurm-two.yaml}"
conf_dir=/etc/slurm-two
log_dir=/var/log/slurm
ctld_port=6827
node_ports=(6831 6832)
nodes=(vm1 vm2)

die() { echo "setup_slurm_two_nodes: $*" >&2; for f in "$log_dir"/*-two*.log; do [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done; exit 1; }
# shellcheck source=.ci/slurm_helpers.sh
source "$here/slurm_helpers.sh"

# munge, MariaDB and slurmdbd come from the one-node setup (idempotent: a no-op when they are up).
bash "$here/setup_slurm.sh" >/dev/null

host="$(hostname -s)"
cpus="$(nproc)"
mem="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')"
mem=$(( mem * 9 / 10 ))
mkdir -p "$conf_dir" "$log_dir" /var/spool/slurmctld-two /run/slurm
chown slurm:slurm /var/spool/slurmctld-two /run/slurm
for node in "${nodes[@]}"; do mkdir -p "/var/spool/slurmd-two-$node"; done

# The scheduling and accounting keys are the one-node cluster's (no cgroups, slurmdbd, backfill every second, ...).
tmp="$(mktemp)"
cat > "$tmp" <<EOF
# Written by nskit .ci/setup_slurm_two_nodes.sh: two virtual nodes on 127.0.0.1 beside the one-node cluster.
ClusterName=nskit2
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld-two
SlurmdSpoolDir=/var/spool/slurmd-two-%n
SlurmctldPidFile=/run/slurm/slurmctld-two.pid
SlurmdPidFile=/run/slurmd-two-%n.pid
SlurmctldLogFile=${log_dir}/slurmctld-two.log
SlurmdLogFile=${log_dir}/slurmd-two-%n.log
$(sed -n '/^ProctrackType=/,/^MinJobAge=/p' /etc/slurm/slurm.conf)
NodeName=${nodes[0]} NodeHostname=${host} NodeAddr=127.0.0.1 Port=${node_ports[0]} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
NodeName=${nodes[1]} NodeHostname=${host} NodeAddr=127.0.0.1 Port=${node_ports[1]} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${nodes[0]},${nodes[1]} Default=YES MaxTime=INFINITE State=UP
EOF
changed=1
if [[ -f "$conf_dir/slurm.conf" ]] && cmp -s "$tmp" "$conf_dir/slurm.conf"; then changed=0; rm -f "$tmp"
else mv "$tmp" "$conf_dir/slurm.conf"; chmod 0644 "$conf_dir/slurm.conf"; fi
export SLURM_CONF="$conf_dir/slurm.conf"

pids=(/run/slurm/slurmctld-two.pid)
for node in "${nodes[@]}"; do pids+=("/run/slurmd-two-$node.pid"); done
if [[ $changed == 1 ]]; then
  for pid in "${pids[@]}"; do if running "$pid"; then kill "$(cat "$pid")"; fi; done
  sleep 2
fi
running /run/slurm/slurmctld-two.pid || slurmctld -f "$SLURM_CONF"
wait_for 30 "slurmctld (two nodes)" scontrol ping
for node in "${nodes[@]}"; do
  running "/run/slurmd-two-$node.pid" || slurmd -f "$SLURM_CONF" -N "$node"
done
for node in "${nodes[@]}"; do
  wait_for 30 "node $node" sh -c "sinfo -h -n $node -N -o '%T' | grep -qE '^(idle|mixed|allocated)'"
done
wait_for 30 "accounting (sacct, cluster nskit2)" sacct -n -X -S now-1minutes

# The one-node cluster's test config (same account, partition, variables and server flags) with its own job_dir.
mkdir -p "$(dirname "$ci_config")"
echo "$SLURM_CONF" > "$(dirname "$ci_config")/slurm_conf"
sed -e "1s|.*|# Written by nskit .ci/setup_slurm_two_nodes.sh: the two-node cluster (vm1, vm2); submit with SLURM_CONF=$SLURM_CONF|" \
    -e "s|^job_dir: .*|job_dir: $(dirname "$ci_config")/jobs|" "${NSKIT_SLURM_CONFIG:-/tmp/nskit-slurm/slurm-ci.yaml}" \
    > "$ci_config"
echo "setup_slurm_two_nodes: cluster up: $(sinfo -h -N -o '%N %T' | tr '\n' ' ')"
echo "setup_slurm_two_nodes: export SLURM_CONF=$SLURM_CONF; test cluster config: $ci_config"
