# Demo step: the reference service (cmd/portal) end to end, with
# clients no one here wrote. The portal runs over HTTPS; the virtual eID
# card (applet 1.7) sits in the vpcd reader of pcscd, and curl logs in
# with the card's authentication key through OpenSC's PKCS#11 module and
# the OpenSSL pkcs11 engine (PIN in the PKCS#11 URI). The portal validates
# the certificate with OCSP against a real `openssl ocsp` responder of the
# card's Citizen CA and answers what the login may use and the decisions
# (Rina allowed, a DmfA over (S)FTP denied); the signature certificate
# is refused for authentication (art. 7). Then a password + TOTP login with
# curl and oathtool, the replayed code refused, and a decision with the
# session. Sourced by
# scripts/demo.sh from the repository root, after the eid step
# (start_pcscd, eid_card_in, eid_card_out, EID_READER).

portal_dir="$CSAM_DEMO_DIR/portal"
rm -rf "$portal_dir"
mkdir -p "$portal_dir"
log "portal: building cmd/portal"
go build -o "$portal_dir/portal" ./cmd/portal

log "portal: the server certificate (openssl, for 127.0.0.1)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$portal_dir/server.key" \
	-out "$portal_dir/server.pem" -subj "/CN=127.0.0.1" -days 2 -addext "subjectAltName=IP:127.0.0.1" \
	-addext "extendedKeyUsage=serverAuth" 2>/dev/null

eid_card_in 1.7
portal_card_pki="$CSAM_DEMO_DIR/pki-1.7"

# An OCSP responder of the card's Citizen CA, knowing the authentication
# and the signature certificates as valid.
portal_ocsp_dir="$portal_dir/ocsp"
mkdir -p "$portal_ocsp_dir"
: >"$portal_ocsp_dir/index.txt"
cat >"$portal_ocsp_dir/ca.cnf" <<CNF
[ ca ]
default_ca = card
[ card ]
dir = $portal_ocsp_dir
database = \$dir/index.txt
new_certs_dir = \$dir
certificate = $portal_card_pki/ca.pem
private_key = $portal_card_pki/ca.key
serial = \$dir/serial
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
CNF
echo 01 >"$portal_ocsp_dir/serial"
for portal_cert in auth sign; do
	openssl ca -batch -config "$portal_ocsp_dir/ca.cnf" -valid "$portal_card_pki/$portal_cert.pem" 2>/dev/null
done
portal_ocsp_port=$((${CSAM_OCSP_PORT:-18561} + 3))
openssl ocsp -index "$portal_ocsp_dir/index.txt" -port "$portal_ocsp_port" -rsigner "$portal_card_pki/ca.pem" \
	-rkey "$portal_card_pki/ca.key" -CA "$portal_card_pki/ca.pem" -nmin 5 -ignore_err >"$portal_ocsp_dir/ocsp.log" 2>&1 &
CSAM_PIDS+=($!)
for _ in $(seq 100); do
	grep -qs "waiting for OCSP client connections" "$portal_ocsp_dir/ocsp.log" && break
	sleep 0.1
done
grep -q "waiting for OCSP client connections" "$portal_ocsp_dir/ocsp.log" || die "openssl ocsp did not start (see $portal_ocsp_dir/ocsp.log)"

# Art. 7's list: the card's root, pinned by the SHA-256 of its public key,
# as an authority of eID certificates.
portal_root_pin=$(openssl x509 -in "$portal_card_pki/root.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
	openssl dgst -sha256 -r | cut -d' ' -f1)
cat >"$portal_dir/accepted.json" <<JSON
{"format": "csam-accepted-certificates/1", "authorities": [
  {"name": "virtual eID card root (demo)", "spki_sha256": "$portal_root_pin", "eid": true}]}
JSON

log "portal: starting (OCSP at http://127.0.0.1:$portal_ocsp_port, TOTP store declared new)"
"$portal_dir/portal" -addr 127.0.0.1:0 -config testdata/portal/portal.json \
	-tls-cert "$portal_dir/server.pem" -tls-key "$portal_dir/server.key" \
	-client-roots "$portal_card_pki/root.pem" -intermediates "$portal_card_pki/ca.pem" -accepted "$portal_dir/accepted.json" \
	-revocation ocsp -ocsp-server "http://127.0.0.1:$portal_ocsp_port" -new-totp-store \
	-sms-outbox "$portal_dir/sms.txt" 2>"$portal_dir/portal.log" &
portal_pid=$!
CSAM_PIDS+=("$portal_pid")
portal_addr=
for _ in $(seq 100); do
	portal_addr=$(sed -n 's/.*"msg":"portal listening","addr":"\([^"]*\)".*/\1/p' "$portal_dir/portal.log")
	[ -n "$portal_addr" ] && break
	sleep 0.1
done
[ -n "$portal_addr" ] || die "the portal did not start (see $portal_dir/portal.log)"
portal_url="https://$portal_addr"

# OpenSSL loads the pkcs11 engine on OpenSC's PKCS#11 module. The card
# signs with RSA PKCS#1 v1.5 only (through OpenSC): TLS 1.2, and those
# signature algorithms for the client certificate.
portal_pkcs11_module=$(ls /usr/lib/*/opensc-pkcs11.so 2>/dev/null | head -n1 || true)
portal_pkcs11_engine=$(ls /usr/lib/*/engines-3/pkcs11.so 2>/dev/null | head -n1 || true)
[ -n "$portal_pkcs11_module" ] || die "OpenSC's PKCS#11 module not found: install opensc-pkcs11"
[ -n "$portal_pkcs11_engine" ] || die "the OpenSSL pkcs11 engine not found: install libengine-pkcs11-openssl"
cat >"$portal_dir/openssl.cnf" <<CNF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
ssl_conf = ssl_section
[ssl_section]
system_default = client_auth
[client_auth]
ClientSignatureAlgorithms = RSA+SHA256:RSA+SHA384:RSA+SHA512
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = $portal_pkcs11_engine
MODULE_PATH = $portal_pkcs11_module
init = 0
CNF

# portal_curl WANT ARGS...: curl against the portal; prints the body and
# fails unless the HTTP status is WANT.
portal_curl() {
	local want=$1 out status
	shift
	out=$(curl --silent --show-error --noproxy '*' --cacert "$portal_dir/server.pem" --write-out '\n%{http_code}' "$@") ||
		die "curl $* failed"
	status=${out##*$'\n'}
	printf '%s\n' "${out%$'\n'*}"
	[ "$status" = "$want" ] || die "curl $*: HTTP status $status, want $want"
}

portal_card_curl=(--tls-max 1.2 --engine pkcs11
	--key-type ENG --key "pkcs11:id=%02;type=private;pin-value=1234"
	--cert-type ENG --cert "pkcs11:id=%02;type=cert")
log "portal: curl logs in with the card's authentication key (OpenSC PKCS#11, pkcs11 engine); what may bart use?"
OPENSSL_CONF="$portal_dir/openssl.cnf" portal_curl 200 "${portal_card_curl[@]}" "$portal_url/applications" |
	grep -oE '"allowed": *true' | wc -l | sed 's/^/applications allowed: /'
log "portal: the decision for Rina (column 3: the eID suffices, art. 7), 200"
OPENSSL_CONF="$portal_dir/openssl.cnf" portal_curl 200 "${portal_card_curl[@]}" --request POST "$portal_url/access/Rina" |
	grep -oE '"(user|key_type|level|allowed)": *[^,]*' | tr '\n' ' '
echo
log "portal: a DmfA declaration over (S)FTP with the eID, 403 (art. 3.4)"
OPENSSL_CONF="$portal_dir/openssl.cnf" portal_curl 403 "${portal_card_curl[@]}" --header "Content-Type: application/json" \
	--data '{"channel": "ftp"}' "$portal_url/access/DmfA" | grep -oE '"allowed": *[^,]*'
log "portal: the card's signature certificate for authentication, 401 (art. 7; OpenSC will not sign with that key without its PIN dialog, so curl takes the exported key)"
portal_curl 401 --cert "$portal_card_pki/sign.pem" --key "$portal_card_pki/sign.key" --request POST "$portal_url/access/Rina" |
	grep -oE '"code": *"[^"]*"'
eid_card_out

log "portal: password + TOTP login with curl, the code from oathtool"
portal_code=$(oathtool --totp --base32 JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP)
portal_login="{\"user\": \"alice\", \"password\": \"Alice-Portal-2025!\", \"totp\": \"$portal_code\"}"
portal_answer=$(portal_curl 200 --header "Content-Type: application/json" --data "$portal_login" "$portal_url/login")
portal_token=$(printf '%s\n' "$portal_answer" | sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p')
[ -n "$portal_token" ] || die "no session token"
printf '%s\n' "$portal_answer" | grep -oE '"(user|key_type|level)": *"[^"]*"' | tr '\n' ' '
echo
log "portal: the same code again, 401 replayed"
portal_curl 401 --header "Content-Type: application/json" --data "$portal_login" "$portal_url/login" | grep -oE '"code": *"[^"]*"'
log "portal: the session decides for Rina, 200"
portal_curl 200 --request POST --header "Authorization: Bearer $portal_token" "$portal_url/access/Rina" |
	grep -oE '"(user|key_type|allowed)": *[^,]*' | tr '\n' ' '
echo

kill -TERM "$portal_pid"
wait "$portal_pid" || die "the portal did not stop cleanly (see $portal_dir/portal.log)"
log "portal: stopped; its log ($portal_dir/portal.log) holds no secret"
for portal_secret in "Alice-Portal-2025!" "$portal_token"; do
	! grep -qF -- "$portal_secret" "$portal_dir/portal.log" || die "portal log holds a secret"
done
