#!/usr/bin/env bash
# Lints the OpenAPI contract with Spectral (spectral:oas, .spectral.yaml: any error or warning fails)
# and Redocly (recommended, redocly.yaml: any error fails; the warnings it may print are listed there).
# Both CLIs are pinned and installed with npm into .tools/openapi-lint (git-ignored) on first use.
#   scripts/lint_openapi.sh [path/to/openapi.yaml]    (default: the checked-in openapi.yaml)
set -euo pipefail
SPECTRAL_VERSION=6.16.3
REDOCLY_VERSION=2.77.0
spec=$(realpath "${1:-$(dirname "$0")/../openapi.yaml}")
cd "$(dirname "$0")/.."
tools=.tools/openapi-lint
stamp="$tools/installed-spectral-$SPECTRAL_VERSION-redocly-$REDOCLY_VERSION"
if [ ! -f "$stamp" ]; then
  rm -rf "$tools" && mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error --save-exact \
    "@stoplight/spectral-cli@$SPECTRAL_VERSION" "@redocly/cli@$REDOCLY_VERSION"
  touch "$stamp"
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$tools/node_modules/.bin/spectral" lint --ruleset .spectral.yaml --fail-severity=warn "$spec"
"$tools/node_modules/.bin/redocly" lint --config redocly.yaml "$spec"
