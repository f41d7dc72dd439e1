#!/usr/bin/env bash
# Runs topocert for the action: SARIF (never fails the step by itself), then the Markdown report
# with the gate (--fail-on), which goes to the job summary; exits with the gate's exit code.
# Inputs come as INPUT_* variables (action.yml); TOPOCERT is the binary.
set -uo pipefail
bin=${TOPOCERT:?TOPOCERT is not set}
command=${INPUT_COMMAND:-check}
sarif=${INPUT_SARIF:-topocert.sarif}
markdown="${RUNNER_TEMP:-/tmp}/topocert-report.md"
out=${GITHUB_OUTPUT:-/dev/null}
finish() { echo "exit-code=$1" >> "$out"; exit "$1"; }

args=()
case "$command" in
  check) args+=(check "${INPUT_TOPOLOGY:?the topology input is required}") ;;
  diff)
    [ -n "${INPUT_BASE_TOPOLOGY:-}" ] || { echo "::error title=topocert::command diff needs base-topology"; finish 2; }
    args+=(diff "$INPUT_BASE_TOPOLOGY" "${INPUT_TOPOLOGY:?the topology input is required}") ;;
  *) echo "::error title=topocert::command must be check or diff, not $command"; finish 2 ;;
esac
[ -n "${INPUT_CERTS:-}" ] && args+=(--certs "$INPUT_CERTS")
[ -n "${INPUT_INVENTORY:-}" ] && args+=(--inventory "$INPUT_INVENTORY")
while IFS= read -r ca; do
  [ -n "$ca" ] && args+=(--ca "$ca")
done <<< "${INPUT_CA:-}"
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
while IFS= read -r extra; do
  [ -n "$extra" ] && args+=("$extra")
done <<< "${INPUT_ARGS:-}"

"$bin" "${args[@]}" --format sarif --fail-on never --output "$sarif"
rc=$?
[ "$rc" -eq 0 ] || finish "$rc"
"$bin" "${args[@]}" --format markdown --fail-on "${INPUT_FAIL_ON:-error}" --output "$markdown"
rc=$?
if [ -f "$markdown" ]; then
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
  echo "markdown=$markdown" >> "$out"
fi
finish "$rc"
