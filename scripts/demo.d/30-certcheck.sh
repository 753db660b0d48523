# Demo step: certificate validation with OCSP and CRL (package x509check,
# cmd/certcheck). Builds a small local CA with openssl (a Belgian-like
# root and an authentication certificate policy), starts a real
# `openssl ocsp` responder on loopback, and checks a good and a revoked
# certificate over OCSP, then offline against a CRL from `openssl ca -gencrl`;
# last, the virtual card's certificates checked with OCSP answers of its own
# CA (the authentication certificate refused for a signature).
# Sourced by scripts/demo.sh from the repository root.

certcheck_dir="$CSAM_DEMO_DIR/certcheck"
rm -rf "$certcheck_dir"
mkdir -p "$certcheck_dir"
CSAM_OCSP_PORT=${CSAM_OCSP_PORT:-18561}
ocsp_url="http://127.0.0.1:$CSAM_OCSP_PORT"

cat >"$certcheck_dir/ca.cnf" <<CNF
[ ca ]
default_ca = demo
[ demo ]
dir = $certcheck_dir
database = \$dir/index.txt
new_certs_dir = \$dir
certificate = \$dir/root.pem
private_key = \$dir/root.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 1
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
countryName = optional
[ root_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ auth_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
certificatePolicies = 2.16.56.13.6.1.1.1000
authorityInfoAccess = OCSP;URI:$ocsp_url
[ ocsp_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
CNF
: >"$certcheck_dir/index.txt"
echo 1000 >"$certcheck_dir/serial"
echo 01 >"$certcheck_dir/crlnumber"

log "certcheck: a local CA, an OCSP responder certificate and two authentication certificates (openssl)"
(
	cd "$certcheck_dir"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout root.key -out root.pem \
		-subj "/C=BE/CN=Demo Belgium Root" -days 3650 -config ca.cnf -extensions root_ext 2>/dev/null
	for name in responder good revoked; do
		cn="Demo $name"
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" \
			-subj "/C=BE/CN=$cn" 2>/dev/null
		ext=auth_ext
		[ "$name" = responder ] && ext=ocsp_ext
		openssl ca -batch -config ca.cnf -extensions "$ext" -in "$name.csr" -out "$name.pem" 2>/dev/null
	done
	openssl ca -batch -config ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
	openssl ca -batch -config ca.cnf -gencrl -crlhours 24 -out demo.crl 2>/dev/null
)

log "certcheck: openssl ocsp responder on $ocsp_url"
openssl ocsp -index "$certcheck_dir/index.txt" -port "$CSAM_OCSP_PORT" -rsigner "$certcheck_dir/responder.pem" \
	-rkey "$certcheck_dir/responder.key" -CA "$certcheck_dir/root.pem" -nmin 5 -ignore_err \
	>"$certcheck_dir/ocsp.log" 2>&1 &
CSAM_PIDS+=($!)
for _ in $(seq 100); do
	grep -q "waiting for OCSP client connections" "$certcheck_dir/ocsp.log" && break
	sleep 0.1
done
grep -q "waiting for OCSP client connections" "$certcheck_dir/ocsp.log" || die "openssl ocsp did not start (see $certcheck_dir/ocsp.log)"

go build -o "$certcheck_dir/certcheck" ./cmd/certcheck

# certcheck_run EXPECTED ARGS...: runs certcheck and checks its exit status.
certcheck_run() {
	local want=$1 rc=0
	shift
	"$certcheck_dir/certcheck" "$@" || rc=$?
	[ "$rc" -eq "$want" ] || die "certcheck $* exited $rc, want $want"
}

log "certcheck: the good certificate over OCSP (exit 0)"
certcheck_run 0 -roots "$certcheck_dir/root.pem" -usage auth -revocation ocsp "$certcheck_dir/good.pem"
log "certcheck: the revoked certificate over OCSP, as JSON (exit 1)"
certcheck_run 1 -roots "$certcheck_dir/root.pem" -usage auth -revocation ocsp -json "$certcheck_dir/revoked.pem"
log "certcheck: the revoked certificate offline against the CRL (exit 1)"
certcheck_run 1 -roots "$certcheck_dir/root.pem" -revocation crl -offline -crl "$certcheck_dir/demo.crl" "$certcheck_dir/revoked.pem"

# The demo card's certificates (exported by the eid step) against a local
# responder of the card's Citizen CA: OCSP answers fetched with the openssl
# client, then checked offline by certcheck.
card_pki=""
for profile in 1.8 1.7; do
	if [ -f "$CSAM_DEMO_DIR/pki-$profile/ca.pem" ]; then
		card_pki="$CSAM_DEMO_DIR/pki-$profile"
		break
	fi
done
if [ -n "$card_pki" ]; then
	card_dir="$certcheck_dir/card"
	mkdir -p "$card_dir"
	: >"$card_dir/index.txt"
	cat >"$card_dir/ca.cnf" <<CNF
[ ca ]
default_ca = card
[ card ]
dir = $card_dir
database = \$dir/index.txt
new_certs_dir = \$dir
certificate = $card_pki/ca.pem
private_key = $card_pki/ca.key
serial = \$dir/serial
default_md = sha256
policy = anything
[ anything ]
commonName = supplied
CNF
	echo 01 >"$card_dir/serial"
	for name in auth sign; do
		openssl ca -batch -config "$card_dir/ca.cnf" -valid "$card_pki/$name.pem" 2>/dev/null
	done
	card_port=$((CSAM_OCSP_PORT + 1))
	log "certcheck: the demo card's certificates ($card_pki) against an openssl ocsp responder of its Citizen CA"
	openssl ocsp -index "$card_dir/index.txt" -port "$card_port" -rsigner "$card_pki/ca.pem" \
		-rkey "$card_pki/ca.key" -CA "$card_pki/ca.pem" -nmin 5 -ignore_err >"$card_dir/ocsp.log" 2>&1 &
	CSAM_PIDS+=($!)
	for _ in $(seq 100); do
		grep -q "waiting for OCSP client connections" "$card_dir/ocsp.log" && break
		sleep 0.1
	done
	for name in auth sign; do
		openssl ocsp -issuer "$card_pki/ca.pem" -cert "$card_pki/$name.pem" -url "http://127.0.0.1:$card_port" \
			-respout "$card_dir/$name.ocsp" -noverify >/dev/null 2>&1 || die "openssl ocsp client failed for $name.pem"
	done
	log "certcheck: the card's authentication certificate, for authentication (exit 0)"
	certcheck_run 0 -roots "$card_pki/root.pem" -intermediates "$card_pki/ca.pem" -offline \
		-ocsp-response "$card_dir/auth.ocsp" -usage auth "$card_pki/auth.pem"
	log "certcheck: the card's signature certificate, for signatures (exit 0)"
	certcheck_run 0 -roots "$card_pki/root.pem" -intermediates "$card_pki/ca.pem" -offline \
		-ocsp-response "$card_dir/sign.ocsp" -usage sign "$card_pki/sign.pem"
	log "certcheck: the card's authentication certificate used for a signature (exit 1)"
	certcheck_run 1 -roots "$card_pki/root.pem" -intermediates "$card_pki/ca.pem" -offline \
		-ocsp-response "$card_dir/auth.ocsp" -usage sign "$card_pki/auth.pem"
fi
