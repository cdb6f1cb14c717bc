#!/usr/bin/env bash
# The browser the `ns view` tests drive: Debian's chromium (Playwright's own download cannot be fetched here).
# Idempotent: returns at once when /usr/bin/chromium is there and starts headless.
set -euo pipefail

if ! [[ -x /usr/bin/chromium ]]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: /usr/bin/chromium is missing and apt-get is not available; install chromium" >&2
    exit 1
  fi
  sudo_cmd=()
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# It must start headless here (missing libraries or a sandbox problem show now, not as a test timeout).
if ! out="$(timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --no-first-run --dump-dom 'data:text/html,<p>ok</p>' 2>&1)" || [[ "$out" != *"<p>ok</p>"* ]]; then
  echo "install_browser: chromium is installed but does not render headless: $out" >&2
  exit 1
fi
echo "install_browser: $(/usr/bin/chromium --version 2>/dev/null) ready"
