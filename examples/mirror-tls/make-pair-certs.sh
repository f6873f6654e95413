#!/usr/bin/env bash
# Makes test certificates for a pair's mirror link (mirror.tls) with openssl: a CA of the pair's
# own and, for each node, a PKCS12 keystore with its key and a certificate that CA signed. For
# tests and trials; in production keep the CA's key off the nodes, or use your own CA.
#
#   examples/mirror-tls/make-pair-certs.sh DIR [NAME...]      (NAMEs default: alpha beta)
#
# writes DIR/ca.pem (the CA's certificate: each node's mirror.tls.trust-file), and for each NAME
# DIR/NAME.p12 with its password in DIR/NAME.p12.password (mode 0600) and its certificate in
# DIR/NAME.pem. The CA's key stays in DIR/ca.key. Then, in node NAME's config:
#
#   mirror.tls = on                      # the default (auto) is on once the link leaves loopback
#   mirror.tls.keystore = DIR/NAME.p12
#   mirror.tls.keystore-password-file = DIR/NAME.p12.password
#   mirror.tls.trust-file = DIR/ca.pem
#
# Each run makes a new CA: nodes whose certificates come from different runs do not trust each
# other. To have no CA at all, give each node the other's NAME.pem as its trust file instead.
set -euo pipefail

dir=${1:?usage: make-pair-certs.sh DIR [NAME...]}
shift
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  names=(alpha beta)
fi

mkdir -p "$dir"
umask 077
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 825 -subj "/CN=twinblock pair CA" \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
chmod 0644 "$dir/ca.pem"

for name in "${names[@]}"; do
  openssl req "${ec[@]}" -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$name" 2>/dev/null
  printf 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' \
    > "$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 825 -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/$name.p12.password"
  openssl pkcs12 -export -name node -inkey "$dir/$name.key" -in "$dir/$name.pem" -certfile "$dir/ca.pem" \
    -passout "file:$dir/$name.p12.password" -out "$dir/$name.p12"
  chmod 0644 "$dir/$name.pem"
  rm -f "$dir/$name.csr" "$dir/$name.ext" "$dir/$name.key"
done
rm -f "$dir/ca.srl"
echo "$dir/ca.pem; keystores ${names[*]/%/.p12} in $dir"
