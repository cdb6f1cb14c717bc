#!/usr/bin/env bash
# The browser the `ns view` tests drive: Debian's chromium (Playwright's own download cannot be fetched here).
# Idempotent: returns at once when /usr/bin/chromium is there and starts headless.
set -euo pipefail

if ! [[ -x /usr/bin/chromium ]]; then
  bash "$(dirname "$0")/apt_install.sh" install_browser chromium
fi

# It must start headless here (missing libraries or a sandbox problem show now, not as a test timeout).
if ! out="$(timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --no-first-run --dump-dom 'data:text/html,<p>ok</p>' 2>&1)" || [[ "$out" != *"<p>ok</p>"* ]]; then
  echo "install_browser: chromium is installed but does not render headless: $out" >&2
  exit 1
fi
echo "install_browser: $(/usr/bin/chromium --version 2>/dev/null) ready"
