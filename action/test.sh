#!/usr/bin/env bash
# Runs the action's shell steps (action.yml) against a built binary, as .ci/run does:
#   bash action/test.sh target/debug/topocert
# Checks the exit code follows --fail-on, the SARIF file is written, and the Markdown report
# reaches the job summary.
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"
fail() { echo "action test: $*" >&2; exit 1; }

# install.sh with a given binary: no download.
GITHUB_OUTPUT="$work/install.out" TOPOCERT_BIN="$bin" bash action/install.sh
grep -qx "bin=$bin" "$work/install.out" || fail "install.sh did not report the binary"

run() { # name, expected exit code, then VAR=value pairs
  local name=$1 want=$2; shift 2
  local dir="$work/$name"; mkdir -p "$dir"
  set +e
  env GITHUB_OUTPUT="$dir/out" GITHUB_STEP_SUMMARY="$dir/summary.md" RUNNER_TEMP="$dir" \
    TOPOCERT="$bin" INPUT_SARIF="$dir/topocert.sarif" "$@" bash action/run.sh > "$dir/log" 2>&1
  local rc=$?
  set -e
  [ "$rc" = "$want" ] || { cat "$dir/log" >&2; fail "$name: exit $rc, expected $want"; }
  grep -qx "exit-code=$want" "$dir/out" || fail "$name: exit-code output missing"
}

ent=sample-topologies/enterprise-multisite
run not-ready 1 INPUT_TOPOLOGY=$ent/topology.xml INPUT_CERTS=$ent/certs INPUT_CA=$ent/ca/fabrikam-issuing-ca.cer
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]=="2.1.0" and d["runs"][0]["results"]' "$work/not-ready/topocert.sarif" \
  || fail "not-ready: SARIF not written"
grep -q "Persistent Chat" "$work/not-ready/summary.md" || fail "not-ready: no job summary"

run gate-never 0 INPUT_TOPOLOGY=$ent/topology.xml INPUT_CERTS=$ent/certs INPUT_CA=$ent/ca/fabrikam-issuing-ca.cer INPUT_FAIL_ON=never

run diff 1 INPUT_COMMAND=diff INPUT_BASE_TOPOLOGY=$ent/topology.xml \
  INPUT_TOPOLOGY=sample-topologies/enterprise-multisite-change/topology.xml INPUT_CERTS=$ent/certs \
  INPUT_CA=$ent/ca/fabrikam-issuing-ca.cer
grep -q "fe04" "$work/diff/summary.md" || fail "diff: the summary does not name the new servers"

run cannot-run 2 INPUT_TOPOLOGY=does-not-exist.xml INPUT_CERTS=$ent/certs
run bad-command 2 INPUT_COMMAND=plan INPUT_TOPOLOGY=$ent/topology.xml
echo "action test: 5 runs as expected"
