#!/usr/bin/env bash
# Sourced by publish.sh and startup-bench.sh: writes one valid stored login into a token store directory, as FileTokenStore
# keeps it (schema 1; file name = SHA-256 of the length-prefixed resource, issuer and client id), so `mcp-oauth token URL`
# answers from the store without any network. The values are obviously fake.
readonly FIXTURE_RESOURCE="http://127.0.0.1:9/aot-smoke/mcp"
readonly FIXTURE_ISSUER="http://127.0.0.1:9"
readonly FIXTURE_CLIENT="aot-smoke-client"
readonly FIXTURE_TOKEN="aot-smoke-access-token-not-a-secret"

# write_stored_login DIR: creates DIR (0700) holding one login for FIXTURE_RESOURCE that expires in an hour.
write_stored_login() {
    local dir="$1" now key name
    now="$(date +%s)"
    key="${#FIXTURE_RESOURCE}:${FIXTURE_RESOURCE}${#FIXTURE_ISSUER}:${FIXTURE_ISSUER}${#FIXTURE_CLIENT}:${FIXTURE_CLIENT}"
    name="$(printf '%s' "$key" | sha256sum | cut -d' ' -f1 | tr 'a-f' 'A-F')"
    (
        umask 077
        mkdir -p "$dir"
        cat >"$dir/$name.json" <<JSON
{"schema_version":1,"access_token":"$FIXTURE_TOKEN","token_type":"Bearer","expires_at":$((now + 3600)),"obtained_at":$now,"scope":"mcp:read","resource":"$FIXTURE_RESOURCE","issuer":"$FIXTURE_ISSUER","client_id":"$FIXTURE_CLIENT","token_endpoint_auth_method":"none","registration_kind":"dynamic"}
JSON
    )
}
