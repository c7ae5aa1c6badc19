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

log() { printf 'oidc-provider/install: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm is not on PATH (it is needed once, to run 'npm ci')"
[[ -f package-lock.json ]] || die "package-lock.json is missing in $here"

stamp_file="node_modules/.mcpoauth-oidc-provider-stamp"
want_stamp="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"

install_if_needed() {
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want_stamp" ]]; then
    return 0
  fi
  if [[ -d node_modules ]]; then
    log "node_modules is stale against package-lock.json; reinstalling with npm ci"
  else
    log "installing the pinned $PROVIDER_PKG with npm ci"
  fi
  npm ci --ignore-scripts --no-audit --no-fund >&2
  printf '%s\n' "$want_stamp" >"$stamp_file"
}

# Serialise concurrent installs (e.g. two test runs started at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/.install.lock"
  flock 9
  install_if_needed
  flock -u 9
  exec 9>&-
else
  install_if_needed
fi

installed="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' \
  "node_modules/$PROVIDER_PKG/package.json" | head -n1)"
[[ "$installed" == "$PROVIDER_VERSION" ]] ||
  die "$PROVIDER_PKG is '$installed', expected $PROVIDER_VERSION (delete node_modules and retry)"

node_ok() { # node_ok BINARY: true if it runs and is >= 20.19
  local v major minor
  v="$("$1" --version 2>/dev/null)" || return 1
  v="${v#v}"; major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  (( major > 20 || (major == 20 && minor >= 19) ))
}

node_bin=""
if [[ -n "${OIDC_PROVIDER_NODE:-}" ]]; then
  node_ok "$OIDC_PROVIDER_NODE" || die "OIDC_PROVIDER_NODE=$OIDC_PROVIDER_NODE is not a node >= 20.19"
  node_bin="$OIDC_PROVIDER_NODE"
elif [[ -x "$here/../conformance/install.sh" || -f "$here/../conformance/install.sh" ]] &&
  candidate="$(bash "$here/../conformance/install.sh" | tail -n1)" && node_ok "$candidate"; then
  node_bin="$candidate"
elif command -v node >/dev/null 2>&1 && node_ok "$(command -v node)"; then
  log "the conformance suite's Node 22 is unavailable; using $(command -v node)"
  node_bin="$(command -v node)"
else
  die "no node >= 20.19 found (tried tests/conformance/install.sh and PATH)"
fi

log "$PROVIDER_PKG $installed, node $("$node_bin" --version) ($node_bin)"
printf '%s\n' "$node_bin"
