#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET/) from the samples in
# sample-topologies/: topologies, certificates and CA files, inventories, plus a small config
# and baseline. The corpus is not checked in; cargo fuzz adds what it finds to it.
set -euo pipefail
cd "$(dirname "$0")"
samples=../sample-topologies
mkdir -p corpus/topology corpus/certificate corpus/inventory corpus/config corpus/baseline
n=0
for f in "$samples"/*/*.xml "$samples"/*/*.tbxml "$samples"/nested/*.xml; do
  [ -f "$f" ] && [ "$(wc -c <"$f")" -le 262144 ] || continue
  n=$((n + 1)); cp "$f" "corpus/topology/sample-$n"
done
n=0
for f in "$samples"/*/certs/* "$samples"/*/certs/*/* "$samples"/*/ca/*; do
  [ -f "$f" ] || continue
  n=$((n + 1)); cp "$f" "corpus/certificate/sample-$n"
done
n=0
for f in "$samples"/*/inventory.csv "$samples"/*/inventory.json; do
  [ -f "$f" ] || continue
  n=$((n + 1)); cp "$f" "corpus/inventory/sample-$n"
done
cat >corpus/config/sample-1 <<'TOML'
ca = ["ca/fabrikam-issuing-ca.cer"]
certs = "certs"
expiry-warn-days = 45
ignore = ["sha1-signature"]

[severity]
no-crl-distribution-point = "info"
TOML
printf '%s' '{"version":2,"findings":[{"fingerprint":"0123456789abcdef0123456789abcdef01234567","rule":"expired","server":"fe01.fabrikam.com","message":"expired"}]}' \
  >corpus/baseline/sample-1
printf '\xef\xbb\xbf{"version":2,"findings":[]}' >corpus/baseline/sample-2
echo "corpus: $(find corpus -type f | wc -l) seeds"
