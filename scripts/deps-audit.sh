#!/usr/bin/env bash
# Dependency checks: cargo deny (licences, banned and duplicate versions,
# sources, RustSec advisories) over the Rust workspace, and npm audit over
# the JavaScript that ships to browsers (`dependencies`; build and test tools
# are devDependencies). The policy and every exception, with its reason, is
# in deny.toml.
source "$(dirname "$0")/lib.sh"
cargo deny --all-features check --show-stats bans licenses sources

# The advisory database is a git repository on GitHub: fetched when the
# network allows it, otherwise the last fetched copy is used. A machine that
# never reached GitHub has no copy: then say so loudly (advisories unchecked)
# rather than pretend. A finding always fails the run.
if cargo deny fetch db 2>/dev/null || ls -d "${CARGO_HOME:-$HOME/.cargo}"/advisory-dbs/*/ >/dev/null 2>&1; then
  cargo deny check --disable-fetch advisories
else
  echo "WARNING: RustSec advisory database unreachable (github.com) and never fetched here: advisories NOT checked" >&2
fi

# npm audit asks the registry's advisory endpoint; a registry mirror that
# does not serve it answers an HTTP error (not a finding): say so loudly.
report="$(npm audit --omit=dev --audit-level=high --json 2>/dev/null || true)"
if [[ "$report" == *'"statusCode"'* ]]; then
  echo "WARNING: the npm registry's advisory endpoint is unavailable (HTTP error, not a finding): npm advisories NOT checked" >&2
else
  npm audit --omit=dev --audit-level=high
fi
