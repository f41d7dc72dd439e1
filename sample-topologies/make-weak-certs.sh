#!/usr/bin/env bash
# Makes the fixtures rcgen cannot: RSA and DSA keys, a SHA-1 and an RSASSA-PSS signature, and a .pfx.
#
#   cargo run --example gen-sample-certs -- OUT_DIR rules-lab
#   sample-topologies/make-weak-certs.sh OUT_DIR [FIXTURE_DIR]
#
# Reads OUT_DIR/rules-lab/ca/fabrikam-issuing-ca.cer and keys/fabrikam-issuing-ca.key (ECDSA
# P-256, written by the generator) and writes into OUT_DIR/rules-lab/certs/:
#   lab05.fabrikam.com.cer  RSA-1024 key, sha256ECDSA, signed by Fabrikam Issuing CA
#   lab06.fabrikam.com.cer  RSA-2048 key, sha1ECDSA (ecdsa-with-SHA1), signed by Fabrikam Issuing CA
#   lab09.fabrikam.com.pfx  PKCS#12 with a key and certificate (must be refused by topocert)
# Every leaf has a CRL distribution point, digitalSignature + keyEncipherment and Server
# Authentication, as Lync requires.
# With FIXTURE_DIR, also writes the DER unit-test fixtures there (see tests/fixtures/certs/README.md),
# among them an RSA PKI of its own: "CN=Fabrikam RSA Issuing CA" (RSA 2048, self-signed) and
# lyncse01.fabrikam.com leaves with RSA 3072 and 4096 keys (sha256RSA), one signed with
# RSASSA-PSS and one with md5RSA; and a self-signed lyncse01.fabrikam.com with a DSA key.
# Subjects are encoded O first, then CN (the policy below sets the order 'openssl ca' writes), so
# Windows and topocert show them as "CN=..., O=Fabrikam".
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
organizationName = optional
commonName = supplied
CNF

leaf_with() { # CA_CERT CA_KEY NAME SANS KEYBITS DIGEST OUT_PEM [SIGOPT...]
    local cacert=$1 cakey=$2 name=$3 sans=$4 bits=$5 digest=$6 outpem=$7
    shift 7
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\nauthorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\ncrlDistributionPoints=URI:http://pki.fabrikam.com/crl/fabrikam.crl\n' "$sans" > "$ext"
    openssl genrsa -out "$tmp/$name.key" "$bits" 2>/dev/null
    openssl req -new -key "$tmp/$name.key" -subj "/O=Fabrikam/CN=$name" -out "$tmp/$name.csr"
    # 'openssl ca' (not 'x509 -req') because OpenSSL 3.0 can only set fixed dates there.
    openssl ca -batch -notext -config "$cnf" -cert "$cacert" -keyfile "$cakey" -md "$digest" \
        -startdate 20260101000000Z -enddate 20280101000000Z -extfile "$ext" "$@" \
        -in "$tmp/$name.csr" -out "$outpem" 2>/dev/null
}

leaf() { # NAME KEYBITS DIGEST OUT_PEM: signed by the sample's Fabrikam Issuing CA, with the
    # pool and web services FQDNs rules-lab requires
    leaf_with "$ca_cert" "$ca_key" "$1" "DNS:$1,DNS:labpool.fabrikam.com,DNS:labweb.fabrikam.com" "$2" "$3" "$4"
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
    # The RSA PKI: a self-signed RSA issuing CA with fixed dates, and lyncse01 leaves.
    rsa_key="$tmp/rsa-ca.key"
    openssl genrsa -out "$rsa_key" 2048 2>/dev/null
    openssl req -new -key "$rsa_key" -subj "/O=Fabrikam/CN=Fabrikam RSA Issuing CA" -out "$tmp/rsa-ca.csr"
    printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n' > "$tmp/ca-ext.cnf"
    openssl ca -batch -notext -selfsign -config "$cnf" -keyfile "$rsa_key" -md sha256 \
        -startdate 20200101000000Z -enddate 20400101000000Z -extfile "$tmp/ca-ext.cnf" \
        -in "$tmp/rsa-ca.csr" -out "$tmp/rsa-ca.pem" 2>/dev/null
    se=lyncse01.fabrikam.com
    se_sans="DNS:$se,DNS:webext.fabrikam.com,DNS:meet.fabrikam.com,DNS:dialin.fabrikam.com,DNS:admin.fabrikam.com"
    leaf_with "$tmp/rsa-ca.pem" "$rsa_key" "$se" "$se_sans" 3072 sha256 "$tmp/rsa3072.pem"
    leaf_with "$tmp/rsa-ca.pem" "$rsa_key" "$se" "$se_sans" 4096 sha256 "$tmp/rsa4096.pem"
    leaf_with "$tmp/rsa-ca.pem" "$rsa_key" "$se" "$se_sans" 2048 sha256 "$tmp/pss.pem" \
        -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
    leaf_with "$tmp/rsa-ca.pem" "$rsa_key" "$se" "$se_sans" 2048 md5 "$tmp/md5.pem"
    for f in rsa-ca rsa3072 rsa4096; do
        openssl x509 -in "$tmp/$f.pem" -outform DER -out "$fixtures/$f.der"
    done
    openssl x509 -in "$tmp/pss.pem" -outform DER -out "$fixtures/pss-signed.der"
    openssl x509 -in "$tmp/md5.pem" -outform DER -out "$fixtures/md5-signed.der"
    # A DSA key, which Schannel and Lync cannot use (self-signed: only its key is asserted).
    openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out "$tmp/dsa.param" 2>/dev/null
    openssl genpkey -paramfile "$tmp/dsa.param" -out "$tmp/dsa.key" 2>/dev/null
    openssl req -new -x509 -key "$tmp/dsa.key" -sha256 -days 730 -subj "/O=Fabrikam/CN=$se" \
        -addext "subjectAltName=DNS:$se" -outform DER -out "$fixtures/dsa-key.der"
    echo "wrote fixtures in $fixtures"
fi
