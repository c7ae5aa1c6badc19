#!/usr/bin/env bash
# Installs the pinned oidc-provider (see package.json / package-lock.json) and
# prints, as the only line on stdout, the absolute path of the node binary that
# should run server.mjs. Progress messages go to stderr.
#
# Idempotent: `npm ci` runs only when node_modules is missing or was installed
# from a different package.json / package-lock.json (sha256 stamp). Only
# `npm ci --ignore-scripts` is used, so nothing unpinned is installed and no
# package runs an install script.
#
# Node: $OIDC_PROVIDER_NODE if set; else the Node 22 binary of the conformance
# suite (tests/conformance/install.sh installs it, idempotently); else `node`
# on PATH if it is >= 20.19 (oidc-provider 9 uses URL.parse and crypto.hash).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

readonly PROVIDER_PKG="oidc-provider"
readonly PROVIDER_VERSION="9.13.3"

# shellcheck source=../npm-pinned.sh
source "$here/../npm-pinned.sh"

npm_ci_pinned "$here" "oidc-provider/install" "$PROVIDER_PKG" "$PROVIDER_VERSION"

node_ok() { # node_ok BINARY: true if it runs and is >= 20.19
  local v major minor
  v="$("$1" --version 2>/dev/null)" || return 1
  v="${v#v}"; major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  (( major > 20 || (major == 20 && minor >= 19) ))
}

node_bin=""
if [[ -n "${OIDC_PROVIDER_NODE:-}" ]]; then
  node_ok "$OIDC_PROVIDER_NODE" || npm_die "OIDC_PROVIDER_NODE=$OIDC_PROVIDER_NODE is not a node >= 20.19"
  node_bin="$OIDC_PROVIDER_NODE"
elif [[ -x "$here/../conformance/install.sh" || -f "$here/../conformance/install.sh" ]] &&
  candidate="$(bash "$here/../conformance/install.sh" | tail -n1)" && node_ok "$candidate"; then
  node_bin="$candidate"
elif command -v node >/dev/null 2>&1 && node_ok "$(command -v node)"; then
  npm_log "the conformance suite's Node 22 is unavailable; using $(command -v node)"
  node_bin="$(command -v node)"
else
  npm_die "no node >= 20.19 found (tried tests/conformance/install.sh and PATH)"
fi

npm_log "$PROVIDER_PKG $PROVIDER_VERSION, node $("$node_bin" --version) ($node_bin)"
printf '%s\n' "$node_bin"
