#!/usr/bin/env bash
# Lints what deploys the service: the Kubernetes manifests against the API schemas (kubernetes-validate,
# strict, offline schemas) and against checkov's policies, and the Dockerfile against checkov's.
# Fails on any schema error, any failed check, or a skipped check without a reason.
#
# Each tool lives in its own virtual environment under .tools/ (git-ignored), created on first use
# with the pinned version and re-created when the pin changes: checkov's many dependencies would
# clash with the project's own.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
TOOLS=.tools
CHECKOV=checkov==3.3.30
KUBERNETES_VALIDATE=kubernetes-validate==1.37.0
# The oldest Kubernetes the manifests are meant for, and the newest the schemas know.
KUBERNETES_VERSIONS="1.30.0 1.37.0"
MANIFESTS="${MANIFESTS:-deploy/k8s}"

tool_venv() {  # tool_venv NAME REQUIREMENT -> prints the venv's bin directory
  local venv="$TOOLS/$1-venv"
  if [ "$(cat "$venv/.requirement" 2>/dev/null)" != "$2" ]; then
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$2" >&2
    echo "$2" > "$venv/.requirement"
  fi
  echo "$venv/bin"
}

validate_bin="$(tool_venv kubernetes-validate "$KUBERNETES_VALIDATE")"
checkov_bin="$(tool_venv checkov "$CHECKOV")"

for version in $KUBERNETES_VERSIONS; do
  "$validate_bin/kubernetes-validate" --strict --quiet --kubernetes-version "$version" "$MANIFESTS"/*.yaml
  echo "kubernetes-validate $version: $MANIFESTS/*.yaml valid"
done

# One checkov run per target (checkov ignores --file when --directory is given). --skip-download: no
# call to the vendor's platform (offline; guidelines and severities are not needed).
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
checkov() {  # checkov TARGET-ARGUMENTS...: counts, every failed check, every skip with its reason
  "$checkov_bin/checkov" "$@" --skip-download --output json > "$report" || status=$?
  "$checkov_bin/python" - "$report" <<'PY'
"""Counts per framework, each failed check, and every skipped check with the reason its manifest gives."""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    reports = json.load(handle)
unexplained = []
for report in reports if isinstance(reports, list) else [reports]:
    summary = report["summary"]
    print(f"checkov {report['check_type']}: {summary['passed']} passed, {summary['failed']} failed, "
          f"{summary['skipped']} skipped")
    for check in report["results"].get("failed_checks", []):
        print(f"  FAILED {check['check_id']} {check['check_name']}: {check['resource']} "
              f"({check['file_path']}:{check['file_line_range'][0]})")
    for check in report["results"].get("skipped_checks", []):
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        print(f"  skipped {check['check_id']} on {check['resource']}: {reason}")
        if not reason or reason == "No comment provided":
            unexplained.append(check["check_id"])
if unexplained:
    sys.exit(f"skipped without a reason: {', '.join(unexplained)}")
PY
}
checkov --directory "$MANIFESTS" --framework kubernetes
checkov --file Dockerfile --framework dockerfile
exit "$status"
