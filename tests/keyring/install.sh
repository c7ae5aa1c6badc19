#!/usr/bin/env bash
# Installs what the keyring tests (tests/McpOAuth.Client.Keyring.Tests) need: a real Secret Service. Debian's gnome-keyring
# daemon, the D-Bus session tools (dbus-run-session, dbus-x11) and libsecret (the library the store uses, and secret-tool to
# look at what it stored). Idempotent: installs only what is missing, then prints the versions. Needs root (or sudo) for apt.
set -euo pipefail

PACKAGES=(gnome-keyring dbus dbus-x11 libsecret-1-0 libsecret-tools)

# shellcheck source=../apt-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../apt-packages.sh"
apt_install_missing tests/keyring/install.sh "${PACKAGES[@]}"

dpkg-query -W "${PACKAGES[@]}"
