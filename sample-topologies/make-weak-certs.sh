#!/usr/bin/env bash
# Makes the rules-lab fixtures rcgen cannot: an RSA-1024 key, a SHA-1 signature and a .pfx.
#
#   cargo run --example gen-sample-certs -- OUT_DIR rules-lab
#   sample-topologies/make-weak-certs.sh OUT_DIR [FIXTURE_DIR]
#
# Reads OUT_DIR/rules-lab/ca/fabrikam-issuing-ca.cer and keys/fabrikam-issuing-ca.key (ECDSA
# P-256, written by the generator) and writes into OUT_DIR/rules-lab/certs/:
#   lab05.fabrikam.com.cer  RSA-1024 key, sha256ECDSA, signed by Fabrikam Issuing CA
#   lab06.fabrikam.com.cer  RSA-2048 key, sha1ECDSA (ecdsa-with-SHA1), signed by Fabrikam Issuing CA
#   lab09.fabrikam.com.pfx  PKCS#12 with a key and certificate (must be refused by topocert)
# With FIXTURE_DIR, also writes the DER unit-test fixtures there (see tests/fixtures/certs/README.md).
# Needs the openssl binary (tested with OpenSSL 3.0).
set -euo pipefail

out=${1:?usage: make-weak-certs.sh OUT_DIR [FIXTURE_DIR]}
fixtures=${2:-}
lab="$out/rules-lab"
ca_cert="$lab/ca/fabrikam-issuing-ca.cer"
ca_key="$lab/keys/fabrikam-issuing-ca.key"
certs="$lab/certs"
[ -f "$ca_cert" ] && [ -f "$ca_key" ] || {
    echo "run 'cargo run --example gen-sample-certs -- $out rules-lab' first" >&2
    exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ext="$tmp/ext.cnf"
cnf="$tmp/ca.cnf"
mkdir -p "$tmp/newcerts"
: > "$tmp/index.txt"
openssl rand -hex 8 > "$tmp/serial"
cat > "$cnf" <<CNF
[ca]
default_ca = fabrikam
[fabrikam]
database = $tmp/index.txt
new_certs_dir = $tmp/newcerts
serial = $tmp/serial
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
organizationName = optional
CNF

leaf() { # NAME KEYBITS DIGEST OUT_PEM
    local name=$1 bits=$2 digest=$3 outpem=$4
    printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\nauthorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n' "$name" > "$ext"
    openssl genrsa -out "$tmp/$name.key" "$bits" 2>/dev/null
    openssl req -new -key "$tmp/$name.key" -subj "/CN=$name/O=Fabrikam" -out "$tmp/$name.csr"
    # 'openssl ca' (not 'x509 -req') because OpenSSL 3.0 can only set fixed dates there.
    openssl ca -batch -notext -config "$cnf" -cert "$ca_cert" -keyfile "$ca_key" -md "$digest" \
        -startdate 20260101000000Z -enddate 20280101000000Z -extfile "$ext" \
        -in "$tmp/$name.csr" -out "$outpem" 2>/dev/null
}

leaf lab05.fabrikam.com 1024 sha256 "$certs/lab05.fabrikam.com.cer"
leaf lab06.fabrikam.com 2048 sha1 "$certs/lab06.fabrikam.com.cer"
leaf lab09.fabrikam.com 2048 sha256 "$tmp/lab09.pem"
openssl pkcs12 -export -in "$tmp/lab09.pem" -inkey "$tmp/lab09.fabrikam.com.key" \
    -passout pass:sample -out "$certs/lab09.fabrikam.com.pfx"
echo "rules-lab: wrote lab05 (RSA-1024), lab06 (SHA-1), lab09 (.pfx) in $certs"

if [ -n "$fixtures" ]; then
    mkdir -p "$fixtures"
    openssl x509 -in "$certs/lab05.fabrikam.com.cer" -outform DER -out "$fixtures/rsa1024.der"
    openssl x509 -in "$certs/lab06.fabrikam.com.cer" -outform DER -out "$fixtures/sha1-signed.der"
    openssl x509 -in "$ca_cert" -outform DER -out "$fixtures/fabrikam-issuing-ca.der"
    cp "$certs/lab09.fabrikam.com.pfx" "$fixtures/sample.pfx"
    echo "wrote fixtures in $fixtures"
fi
