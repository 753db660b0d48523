# Demo step: a signed message of art. 8 and the journal of art. 8 and 9
# (packages sign and journal, journal/cmd/signmsg). The virtual eID
# card (applet 1.8) in the vpcd reader signs a Dimona-like declaration with
# its signature key (CAdES-BES; its authentication key is refused, art. 7),
# `openssl cms -verify` accepts it; the service
# verifies the signature, the signature certificate checked over OCSP with
# a real `openssl ocsp` responder of the card's Citizen CA, records it in
# the journal and returns a receipt, which is checked offline and against
# the journal; the journal
# is audited. Sourced by scripts/demo.sh from the repository root, after
# the eid step (start_pcscd, eid_card_in, eid_card_out).

signmsg_dir="$CSAM_DEMO_DIR/signmsg"
rm -rf "$signmsg_dir"
mkdir -p "$signmsg_dir"
log "signmsg: building journal/cmd/signmsg (the journal module)"
(cd journal && go build -o "$signmsg_dir/signmsg" ./cmd/signmsg)

# signmsg_run EXPECTED ARGS...: runs signmsg and checks its exit status.
signmsg_run() {
	local want=$1 rc=0
	shift
	"$signmsg_dir/signmsg" "$@" || rc=$?
	[ "$rc" -eq "$want" ] || die "signmsg $1 exited $rc, want $want"
}

cat >"$signmsg_dir/declaration.xml" <<'XML'
<dimona type="IN">
  <employer>0123.456.789</employer>
  <worker>85.07.30-033.61</worker>
  <start>2026-12-03</start>
  <jointCommittee>200</jointCommittee>
</dimona>
XML

eid_card_in 1.8
card_pki="$CSAM_DEMO_DIR/pki-1.8"
log "signmsg: the card signs the declaration with its signature key"
EID_PIN=1234 signmsg_run 0 sign -card -reader "$EID_READER" -chain "$card_pki/ca.pem" \
	"$signmsg_dir/declaration.xml" >"$signmsg_dir/declaration.p7s"
log "signmsg: its signed attributes (CAdES-BES), as openssl reads them"
openssl cms -cmsout -inform DER -in "$signmsg_dir/declaration.p7s" -print |
	sed -n '/signedAttrs:/,/signatureAlgorithm:/p' | grep 'object:' | sed 's/^ */  /'
log "signmsg: the card's authentication key may not sign (art. 7): refused before the card is used (exit 1)"
EID_PIN=1234 signmsg_run 1 sign -card -reader "$EID_READER" -card-key auth "$signmsg_dir/declaration.xml" >/dev/null
eid_card_out

log "signmsg: openssl cms -verify accepts the card's signature"
openssl cms -verify -inform DER -in "$signmsg_dir/declaration.p7s" -CAfile "$card_pki/root.pem" \
	-certfile "$card_pki/ca.pem" -purpose any -out /dev/null

# An OCSP responder of the card's Citizen CA, knowing the signature
# certificate as valid.
ocsp_dir="$signmsg_dir/ocsp"
mkdir -p "$ocsp_dir"
: >"$ocsp_dir/index.txt"
cat >"$ocsp_dir/ca.cnf" <<CNF
[ ca ]
default_ca = card
[ card ]
dir = $ocsp_dir
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
echo 01 >"$ocsp_dir/serial"
openssl ca -batch -config "$ocsp_dir/ca.cnf" -valid "$card_pki/sign.pem" 2>/dev/null
signmsg_ocsp_port=$((${CSAM_OCSP_PORT:-18561} + 2))
openssl ocsp -index "$ocsp_dir/index.txt" -port "$signmsg_ocsp_port" -rsigner "$card_pki/ca.pem" \
	-rkey "$card_pki/ca.key" -CA "$card_pki/ca.pem" -nmin 5 -ignore_err >"$ocsp_dir/ocsp.log" 2>&1 &
CSAM_PIDS+=($!)
for _ in $(seq 100); do
	grep -q "waiting for OCSP client connections" "$ocsp_dir/ocsp.log" && break
	sleep 0.1
done
grep -q "waiting for OCSP client connections" "$ocsp_dir/ocsp.log" || die "openssl ocsp did not start (see $ocsp_dir/ocsp.log)"

verify_flags=(-roots "$card_pki/root.pem" -intermediates "$card_pki/ca.pem" -revocation ocsp
	-ocsp-server "http://127.0.0.1:$signmsg_ocsp_port")
log "signmsg: the service verifies the signature (OCSP at http://127.0.0.1:$signmsg_ocsp_port)"
signmsg_run 0 verify "${verify_flags[@]}" "$signmsg_dir/declaration.p7s"
log "signmsg: ... records it in the journal (tlog-tiles folder) and returns the receipt"
signmsg_run 0 submit -journal "$signmsg_dir/journal" -application dimona -decision "declaration IN accepted" \
	"${verify_flags[@]}" "$signmsg_dir/declaration.p7s" >"$signmsg_dir/receipt.json"
grep -E '"(index|checkpoint)"' "$signmsg_dir/receipt.json"
log "signmsg: the sender checks the receipt offline"
signmsg_run 0 prove -journal "$signmsg_dir/journal" "$signmsg_dir/receipt.json"
log "signmsg: the journal is audited against its signed checkpoint"
signmsg_run 0 audit -journal "$signmsg_dir/journal"
log "signmsg: a copy of the journal whose entry was changed on disk: the audit names entry 0 (exit 1)"
cp -a "$signmsg_dir/journal" "$signmsg_dir/journal-tampered"
chmod -R u+w "$signmsg_dir/journal-tampered"
sed -i 's/declaration IN accepted/declaration IN refused!/' "$signmsg_dir/journal-tampered/tile/entries/000.p/1"
signmsg_run 1 audit -journal "$signmsg_dir/journal-tampered"
log "signmsg: and the sender's receipt no longer matches it (exit 1)"
signmsg_run 1 prove -journal "$signmsg_dir/journal-tampered" "$signmsg_dir/receipt.json"
