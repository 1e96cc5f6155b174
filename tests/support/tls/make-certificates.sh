#!/bin/sh
# Test-only keys and certificates for the @proxy-https checks; nothing outside tests/ may trust them (their keys are public).
# Made once with OpenSSL 3 by running this script in tests/support/tls/; committed, so a run needs no openssl.
#   test-ca.pem          a test authority (100 years); NODE_EXTRA_CA_CERTS=test-ca.pem makes Node trust what it signs
#   trusted.pem          127.0.0.1 and localhost, signed by the test authority (100 years)
#   self-signed.pem      127.0.0.1 and localhost, signed by its own key (100 years)
#   expired.pem          127.0.0.1 and localhost, signed by the test authority, valid only in 2000
#   other-host.pem       proxy.example.invalid only, signed by the test authority (100 years)
# Every certificate shares server-key.pem; the authority's own key is not kept.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=36500
local_names='subjectAltName=IP:127.0.0.1,DNS:localhost'

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca-key.pem" -out test-ca.pem -days $days \
  -subj '/CN=kontext-e2e test authority' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign'
openssl genrsa -out server-key.pem 2048

openssl req -x509 -key server-key.pem -out self-signed.pem -days $days -subj '/CN=127.0.0.1' -addext "$local_names"

sign() { # $1 file, $2 subject CN, $3 subjectAltName, then the validity flags of openssl ca
  out=$1 cn=$2 san=$3
  shift 3
  openssl req -new -key server-key.pem -subj "/CN=$cn" -out "$work/request.csr"
  printf '%s\n' "$san" >"$work/extensions"
  : >"$work/index.txt"
  cat >"$work/ca.cnf" <<CONFIG
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
CONFIG
  openssl rand -hex 8 >"$work/serial"
  openssl ca -batch -notext -config "$work/ca.cnf" -cert test-ca.pem -keyfile "$work/ca-key.pem" -in "$work/request.csr" \
    -extfile "$work/extensions" -out "$out" "$@"
}
sign trusted.pem 127.0.0.1 "$local_names" -days $days
sign expired.pem 127.0.0.1 "$local_names" -startdate 20000101000000Z -enddate 20001231000000Z
sign other-host.pem proxy.example.invalid 'subjectAltName=DNS:proxy.example.invalid' -days $days
