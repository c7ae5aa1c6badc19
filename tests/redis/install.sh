#!/usr/bin/env bash
# Installs Debian's redis-server for the Redis token store tests (tests/McpOAuth.Client.Tests/Redis), which start their own
# redis-server on a free 127.0.0.1 port in a temporary directory (no persistence, nothing in the user's home) and stop it.
# The service Debian's package sets up is not used (containers without systemd never start it); the tests never touch the
# default port 6379. Idempotent: does nothing but print the version when redis-server is already there. Needs root (or
# sudo) for apt.
set -euo pipefail

# shellcheck source=../apt-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../apt-packages.sh"
apt_install_missing tests/redis/install.sh redis-server

/usr/bin/redis-server --version
