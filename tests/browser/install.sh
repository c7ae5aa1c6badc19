#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/McpOAuth.Client.BrowserTests), which drive it headless with
# Microsoft.Playwright through ExecutablePath=/usr/bin/chromium. Playwright never downloads a browser of its own.
# Idempotent: does nothing but print the version when the chromium package is already there. Needs root (or sudo) for apt.
set -euo pipefail

# shellcheck source=../apt-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../apt-packages.sh"
apt_install_missing tests/browser/install.sh chromium

/usr/bin/chromium --version
