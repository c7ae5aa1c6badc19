#!/usr/bin/env bash
# Shared by the install scripts of tests/aot, tests/browser, tests/keyring and tests/redis (source it; do not run it).
#
# apt_install_missing LABEL PACKAGE...
#   Installs with apt-get (no recommends, non-interactive) those Debian PACKAGEs that dpkg does not list as installed, and
#   does nothing when all are, so the calling script stays idempotent. Root (or sudo) is needed only when something is
#   missing; without either it stops with a message naming LABEL (the calling script) and the missing packages.

apt_install_missing() {
    local label="$1" package
    shift
    local missing=()
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi

    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "$label: ${missing[*]} missing and installing needs root (apt-get); run this script as root." >&2
            exit 1
        fi
        sudo=(sudo)
    fi

    # env, not export: sudo resets the environment, and the frontend must reach apt-get either way.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}
