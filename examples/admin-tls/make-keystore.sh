#!/usr/bin/env bash
# Makes a self-signed key and certificate for a node's admin endpoint (HTTPS), for tests and
# trials; in production use a certificate your CA issued, in a PKCS12 keystore.
#
#   examples/admin-tls/make-keystore.sh DIR [NAME...]
#
# writes DIR/admin.p12 (PKCS12, key and certificate), DIR/admin.p12.password (mode 0600) and
# DIR/admin.pem (the certificate, for `twinblock ... --cacert` and Prometheus' ca_file). The
# certificate names 127.0.0.1, localhost and each NAME (host names or IP addresses), as clients
# will call the endpoint. Then, in the node's config:
#
#   admin.tls.keystore = DIR/admin.p12
#   admin.tls.keystore-password-file = DIR/admin.p12.password
set -euo pipefail

dir=${1:?usage: make-keystore.sh DIR [NAME...]}
shift
keytool=keytool
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]]; then
  keytool="$JAVA_HOME/bin/keytool"
fi

san="ip:127.0.0.1,dns:localhost"
for name in "$@"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then
    san="$san,ip:$name"
  else
    san="$san,dns:$name"
  fi
done

mkdir -p "$dir"
umask 077
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$password" > "$dir/admin.p12.password"
rm -f "$dir/admin.p12"
"$keytool" -genkeypair -keystore "$dir/admin.p12" -storetype PKCS12 -storepass "$password" \
  -alias twinblock-admin -keyalg EC -groupname secp256r1 -dname "CN=twinblock admin" \
  -ext "SAN=$san" -validity 825 >/dev/null 2>&1
"$keytool" -exportcert -rfc -keystore "$dir/admin.p12" -storepass "$password" \
  -alias twinblock-admin > "$dir/admin.pem"
chmod 0644 "$dir/admin.pem"
echo "$dir/admin.p12, $dir/admin.p12.password, $dir/admin.pem (for: $san)"
