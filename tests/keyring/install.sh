#!/usr/bin/env bash
# Installs what the keyring tests (tests/McpOAuth.Client.Keyring.Tests) need: a real Secret Service. Debian's gnome-keyring
# daemon, the D-Bus session tools (dbus-run-session, dbus-x11) and libsecret (the library the store uses, and secret-tool to
# look at what it stored). Idempotent: installs only what is missing, then prints the versions. Needs root (or sudo) for apt.
set -euo pipefail

PACKAGES=(gnome-keyring dbus dbus-x11 libsecret-1-0 libsecret-tools)

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "tests/keyring/install.sh: ${missing[*]} missing and installing needs root (apt-get); run this script as root." >&2
        exit 1
    fi

    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

dpkg-query -W "${PACKAGES[@]}"
