# Demo step: a virtual PIV token (a YubiKey as PC/SC programs see it) in a
# vpcd reader: Yubico's own yubico-piv-tool lists its certificate; then
# cmd/pivtoken enrols a key generated on the token with a local
# `openssl ca`, verifies the token's attestation of it, and presents it in
# an access decision (cmd/keymatrix -decide) for a service that
# requires a key attested non-exportable. Sourced by scripts/demo.sh from
# the repository root.

start_pcscd
log "piv: building cmd/vcard, cmd/pivtoken and cmd/keymatrix"
go build -o "$CSAM_DEMO_DIR/vcard" ./cmd/vcard
go build -o "$CSAM_DEMO_DIR/pivtoken" ./cmd/pivtoken
go build -o "$CSAM_DEMO_DIR/keymatrix" ./cmd/keymatrix

PIV_READER="Virtual PCD 00 00"
PIV_DIR="$CSAM_DEMO_DIR/piv"
mkdir -p "$PIV_DIR"

"$CSAM_DEMO_DIR/vcard" -profile piv -export "$PIV_DIR" >"$PIV_DIR/vcard.log" 2>&1 &
PIV_VCARD_PID=$!
CSAM_PIDS+=("$PIV_VCARD_PID")
for _ in $(seq 100); do
	"$CSAM_DEMO_DIR/pivtoken" list 2>/dev/null | grep -F "$PIV_READER" | grep -q "PIV token" && break
	sleep 0.1
done
"$CSAM_DEMO_DIR/pivtoken" list | grep -F "$PIV_READER" | grep -q "PIV token" ||
	die "the virtual PIV token did not appear in \"$PIV_READER\" (see $PIV_DIR/vcard.log)"

log "piv: yubico-piv-tool -a status lists the token's slot 9a certificate"
yubico-piv-tool -r "$PIV_READER" -a status | tee "$PIV_DIR/status.txt"
grep -q "^Slot 9a:" "$PIV_DIR/status.txt" || die "yubico-piv-tool lists no certificate in slot 9a"

log "piv: a local CA (openssl ca) for the enrolment"
cat >"$PIV_DIR/ca.cnf" <<'CNF'
[ca]
default_ca = demo
[demo]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_days = 365
policy = anything
x509_extensions = leaf
unique_subject = no
[anything]
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
CNF
: >"$PIV_DIR/index.txt"
echo 1000 >"$PIV_DIR/serial"
(cd "$PIV_DIR" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
	-days 30 -subj "/CN=csam demo CA" 2>/dev/null)

export PIVTOKEN_PIN=123456
log "piv: pivtoken enroll: key generated on the token, attested, certified by the CA, installed"
"$CSAM_DEMO_DIR/pivtoken" enroll -reader "$PIV_READER" -slot 9a -ca "$PIV_DIR" -mgm-key default \
	-roots "$PIV_DIR/attestation-root.pem" -subject "Demo User" -out "$PIV_DIR/cert.pem"
log "piv: pivtoken attest: the attestation verified (slot → device → attestation root)"
"$CSAM_DEMO_DIR/pivtoken" attest -reader "$PIV_READER" -slot 9a -roots "$PIV_DIR/attestation-root.pem"
log "piv: yubico-piv-tool -a status lists the enrolled certificate"
yubico-piv-tool -r "$PIV_READER" -a status | grep -A3 "^Slot 9a:"

log "piv: the token key in an access decision requiring a key attested non-exportable"
KEY_JSON=$("$CSAM_DEMO_DIR/pivtoken" key -reader "$PIV_READER" -slot 9a -ca-roots "$PIV_DIR/ca.pem" \
	-roots "$PIV_DIR/attestation-root.pem" -accepted -soft-fail 2>/dev/null)
unset PIVTOKEN_PIN
printf '%s\n' "$KEY_JSON"
cat >"$PIV_DIR/request.json" <<JSON
{"application": "Dimona (sécurisé)", "portal": "securitesociale", "roles": ["designated-user"],
 "designated_by": {"roles": ["access-manager"], "authorised": ["Dimona (sécurisé)"]},
 "require_key_attributes": ["key-attested-non-exportable"],
 "key": $KEY_JSON}
JSON
rc=0
"$CSAM_DEMO_DIR/keymatrix" -decide <"$PIV_DIR/request.json" || rc=$?
[ "$rc" -eq 0 ] || die "the access decision with the attested PIV key was not allowed (status $rc)"

kill "$PIV_VCARD_PID" 2>/dev/null || true
wait "$PIV_VCARD_PID" 2>/dev/null || true
