#!/usr/bin/env bash
# Install Debian packages for the tests: apt_install.sh WHO PACKAGE... (WHO names the caller in errors).
set -euo pipefail
who="$1"; shift
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: apt-get is not available; install $* by hand" >&2
  exit 1
fi
sudo_cmd=()
if [[ "$(id -u)" != 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
