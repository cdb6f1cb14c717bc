#!/usr/bin/env bash
# A real one-node Slurm on this machine for the Slurm tests: munge, MariaDB + slurmdbd (sacct needs accounting),
# slurmctld and one slurmd, all on 127.0.0.1. Idempotent: daemons already up with unchanged configs are left alone.
# There is no systemd here, so this script starts every daemon itself; run it after each boot (CI runs it first).
# Writes a cluster config for the tests to $NSKIT_SLURM_CONFIG (default /tmp/nskit-slurm/slurm-ci.yaml).
set -euo pipefail

ci_config="${NSKIT_SLURM_CONFIG:-/tmp/nskit-slurm/slurm-ci.yaml}"
db_pass="nskit-ci-slurmdbd"   # local socket-only test database, not a secret
conf_dir=/etc/slurm
log_dir=/var/log/slurm

die() { echo "setup_slurm: $*" >&2; for f in "$log_dir"/*.log; do [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done; exit 1; }
# shellcheck source=.ci/slurm_helpers.sh
source "$(dirname "${BASH_SOURCE[0]}")/slurm_helpers.sh"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v slurmdbd >/dev/null \
   || ! command -v mariadbd >/dev/null; then
  echo "setup_slurm: installing slurm-wlm, munge, slurmdbd, mariadb-server from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge slurmdbd mariadb-server >/dev/null
fi

host="$(hostname -s)"
cpus="$(nproc)"
mem="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')"
mem=$(( mem * 9 / 10 ))
mkdir -p "$conf_dir" "$log_dir" /var/spool/slurmctld /var/spool/slurmd /run/munge /run/mysqld /run/slurm
chown slurm:slurm "$log_dir" /var/spool/slurmctld /run/slurm
chown munge:munge /run/munge
chown mysql:mysql /run/mysqld

# Write a file; return 0 when its content changed (so the daemon reading it must restart).
write_if_changed() {
  local path="$1" tmp
  tmp="$(mktemp)"
  cat > "$tmp"
  if [[ -f "$path" ]] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; return 1; fi
  mv "$tmp" "$path"; chmod 0644 "$path"; return 0
}

slurm_changed=0
write_if_changed "$conf_dir/slurm.conf" <<EOF && slurm_changed=1
# Written by nskit .ci/setup_slurm.sh: one node on 127.0.0.1, no cgroups, accounting through slurmdbd.
ClusterName=nskit
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=${log_dir}/slurmctld.log
SlurmdLogFile=${log_dir}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
DependencyParameters=kill_invalid_depend
SchedulerParameters=bf_interval=1
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
JobCompType=jobcomp/none
MinJobAge=300
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF

dbd_changed=0
write_if_changed "$conf_dir/slurmdbd.conf" <<EOF && dbd_changed=1
AuthType=auth/munge
DbdAddr=127.0.0.1
DbdHost=localhost
SlurmUser=slurm
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=${db_pass}
StorageLoc=slurm_acct_db
PidFile=/run/slurm/slurmdbd.pid
LogFile=${log_dir}/slurmdbd.log
EOF
chown slurm:slurm "$conf_dir/slurmdbd.conf"
chmod 0600 "$conf_dir/slurmdbd.conf"

# munge
[[ -f /etc/munge/munge.key ]] || { mungekey --create >/dev/null 2>&1 || create-munge-key -f; chown munge:munge /etc/munge/munge.key; }
if ! pgrep -u munge -x munged >/dev/null; then
  runuser -u munge -- munged
fi
wait_for 10 munged sh -c 'munge -n | unmunge'

# MariaDB (root reaches it over the socket without a password)
if ! mariadb-admin ping >/dev/null 2>&1; then
  setsid -f mysqld_safe --user=mysql >/dev/null 2>&1 < /dev/null
fi
wait_for 30 mariadb mariadb-admin ping
# ALTER USER as well: a `slurm` user left by an earlier setup keeps its old password under CREATE IF NOT EXISTS,
# and slurmdbd (which uses ${db_pass}) would then be refused.
mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '${db_pass}';
            ALTER USER 'slurm'@'localhost' IDENTIFIED BY '${db_pass}';
            GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"

# slurmdbd, then slurmctld (registers the cluster with slurmdbd), then slurmd
if [[ $dbd_changed == 1 ]] && running /run/slurm/slurmdbd.pid; then kill "$(cat /run/slurm/slurmdbd.pid)"; sleep 1; fi
running /run/slurm/slurmdbd.pid || slurmdbd
wait_for 30 slurmdbd sh -c "ss -ltn | grep -q ':6819 '"

if [[ $slurm_changed == 1 ]]; then
  for pid in /run/slurm/slurmctld.pid /run/slurmd.pid; do
    if running "$pid"; then kill "$(cat "$pid")"; fi
  done
  sleep 2
fi
running /run/slurm/slurmctld.pid || slurmctld
wait_for 30 slurmctld scontrol ping
running /run/slurmd.pid || slurmd
wait_for 30 "node ${host}" sh -c "sinfo -h -N -o '%T' | grep -qE '^(idle|mixed|allocated)'"
wait_for 30 "accounting (sacct)" sacct -n -X -S now-1minutes

mkdir -p "$(dirname "$ci_config")"
cat > "$ci_config" <<EOF
# Written by nskit .ci/setup_slurm.sh: the one-node CI cluster, submitting from this machine.
executor: slurm
account: nskit-ci
partition: debug
job_dir: $(dirname "$ci_config")/jobs
cpus_per_task: 1
gpus_per_node: 0
timeouts:
  debug: "00:30:00"
env_vars:
  - HF_HUB_OFFLINE=1
  - TOKENIZERS_PARALLELISM=false
  - VLLM_CPU_KVCACHE_SPACE=1
servers:
  vllm:
    args: [--enforce-eager, --max-model-len, "2048"]
    health_timeout: 600
EOF
echo "setup_slurm: cluster up: $(sinfo -h -N -o '%N %T %c CPUs')"
echo "setup_slurm: test cluster config: $ci_config"
