#!/usr/bin/env bash
# Shared by tests/conformance/install.sh and tests/oidc-provider/install.sh (source it; do not run it).
#
# npm_ci_pinned DIR LABEL PACKAGE VERSION
#   Runs `npm ci --ignore-scripts` in DIR only when node_modules is missing or was installed from another
#   package.json / package-lock.json (sha256 stamp), serialised with flock, so nothing unpinned is ever installed
#   and no package runs an install script. Then checks that PACKAGE is installed at exactly VERSION.
#   Progress goes to stderr, prefixed with LABEL.

npm_log() { printf '%s: %s\n' "$NPM_PINNED_LABEL" "$*" >&2; }
npm_die() { npm_log "ERROR: $*"; exit 1; }

npm_ci_pinned() {
  local dir="$1" package="$3" version="$4"
  NPM_PINNED_LABEL="$2"
  command -v npm >/dev/null 2>&1 || npm_die "npm is not on PATH (it is needed once, to run 'npm ci')"
  [[ -f "$dir/package-lock.json" ]] || npm_die "package-lock.json is missing in $dir"

  local stamp_file="$dir/node_modules/.mcpoauth-install-stamp"
  local want_stamp
  want_stamp="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)"

  _npm_install_if_needed() {
    if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want_stamp" ]]; then
      return 0
    fi
    if [[ -d "$dir/node_modules" ]]; then
      npm_log "node_modules is stale against package-lock.json; reinstalling with npm ci"
    else
      npm_log "installing the pinned $package with npm ci"
    fi
    # npm runs on the machine's node; an EBADENGINE warning for packages that want a newer node is expected: the
    # programs themselves run on the pinned Node 22 binary.
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund >&2)
    printf '%s\n' "$want_stamp" >"$stamp_file"
  }

  # Serialise concurrent installs (two test runs started at once).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$dir/.install.lock"
    flock 9
    _npm_install_if_needed
    flock -u 9
    exec 9>&-
  else
    _npm_install_if_needed
  fi

  local installed
  installed="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$dir/node_modules/$package/package.json" | head -n1)"
  [[ "$installed" == "$version" ]] ||
    npm_die "$package is '$installed', expected $version (delete $dir/node_modules and retry)"
}
