#!/usr/bin/env bash
# System packages the code-execution sandbox needs: bubblewrap (bwrap) and setpriv (util-linux).
# Idempotent: returns at once when both are present and bwrap can create the namespaces the sandbox uses.
set -euo pipefail

have_tools() { command -v bwrap >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1; }

if ! have_tools; then
  bash "$(dirname "$0")/apt_install.sh" install_sandbox bubblewrap util-linux
fi

have_tools || { echo "install_sandbox: bwrap or setpriv still missing after install" >&2; exit 1; }

# The namespaces the sandbox asks for must work here (containers sometimes forbid them): fail loudly if not.
if ! out="$(bwrap --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/bin /bin \
      --proc /proc --dev /dev --unshare-net --unshare-pid --die-with-parent /usr/bin/env true 2>&1)"; then
  echo "install_sandbox: bubblewrap is installed but cannot create namespaces here: $out" >&2
  exit 1
fi
echo "install_sandbox: $(bwrap --version) and setpriv ready"
